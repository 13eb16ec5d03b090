//! One finding per function and root cause. A rule that judges a function subnet by subnet (or
//! endpoint by endpoint) finds the same mistake once per place; reported apart, they crowd out
//! other findings (GitHub shows ten error annotations per step). The findings of one cause are
//! merged into the first: its message names the other places, and every place's proof stays
//! (SARIF renders the proof as `relatedLocations`).

use crate::diagnostic::Diagnostic;

/// Findings gathered by cause, in the order first met.
#[derive(Default)]
pub(crate) struct Merge {
    groups: Vec<(String, Vec<(String, Diagnostic)>)>,
}

impl Merge {
    /// A finding for cause `key` (the function and what goes wrong, without the place) at
    /// `place` (the subnet or endpoint, as named in messages).
    pub fn add(&mut self, key: String, place: &str, d: Diagnostic) {
        let place = place.to_string();
        match self.groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => {
                if !list.iter().any(|(p, _)| *p == place) {
                    list.push((place, d));
                }
            }
            None => self.groups.push((key, vec![(place, d)])),
        }
    }

    /// One finding per cause (`what` names a place, singular: `subnet`). A single place keeps its finding (and fingerprint) as it is;
    /// several make one finding at the first place, whose fingerprint is built from the first
    /// one's and the other places' names (stable across line changes).
    pub fn finish(self, what: &str, out: &mut Vec<Diagnostic>) {
        for (_, list) in self.groups {
            let mut list = list.into_iter();
            let Some((_, mut first)) = list.next() else {
                continue;
            };
            let rest: Vec<(String, Diagnostic)> = list.collect();
            if rest.is_empty() {
                out.push(first);
                continue;
            }
            let names: Vec<String> = rest.iter().map(|(p, _)| format!("`{p}`")).collect();
            let what = match (what, rest.len()) {
                ("", _) => String::new(),
                (w, 1) => format!("{w} "),
                (w, _) => format!("{w}s "),
            };
            first
                .message
                .push_str(&format!(" (the same holds for {what}{})", names.join(", ")));
            let mut parts: Vec<&str> = vec![first.fingerprint.as_str()];
            parts.extend(rest.iter().map(|(p, _)| p.as_str()));
            let fingerprint = Diagnostic::fingerprint_of(first.code, "", &parts);
            for (_, d) in rest {
                first.severity = first.severity.max(d.severity);
                // Steps the places share (the policy that allows the service) once.
                for step in d.proof {
                    if !first.proof.contains(&step) {
                        first.proof.push(step);
                    }
                }
            }
            first.fingerprint = fingerprint;
            out.push(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Severity, Step};
    use crate::source::{FileId, Span};

    fn d(severity: Severity, place: &str, at: u32) -> Diagnostic {
        let span = Span {
            file: FileId(0),
            start: at,
            end: at + 1,
        };
        Diagnostic {
            code: "LVL005",
            slug: "nat-cross-az",
            severity,
            message: format!("subnet `{place}` of function `f` crosses zones"),
            span,
            proof: vec![Step {
                span,
                text: format!("subnet `{place}`"),
            }],
            fix: None,
            edits: Vec::new(),
            fingerprint: Diagnostic::fingerprint_of("LVL005", "main.tf", &["f", place]),
        }
    }

    #[test]
    fn one_finding_per_cause_with_every_proof() {
        let mut m = Merge::default();
        m.add("f".into(), "a", d(Severity::Warning, "a", 1));
        m.add("g".into(), "a", d(Severity::Warning, "a", 2));
        m.add("f".into(), "b", d(Severity::Error, "b", 3));
        m.add("f".into(), "b", d(Severity::Error, "b", 4));
        let mut out = Vec::new();
        m.finish("subnet", &mut out);
        assert_eq!(out.len(), 2);
        let f = &out[0];
        assert!(
            f.message.ends_with("(the same holds for subnet `b`)"),
            "{}",
            f.message
        );
        assert_eq!(f.span.start, 1);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.proof.len(), 2);
        // A lone finding is untouched, fingerprint included.
        assert_eq!(out[1], d(Severity::Warning, "a", 2));
        // The merged fingerprint depends on names only.
        let mut again = Merge::default();
        again.add("f".into(), "a", d(Severity::Warning, "a", 10));
        again.add("f".into(), "b", d(Severity::Error, "b", 30));
        let mut out2 = Vec::new();
        again.finish("subnet", &mut out2);
        assert_eq!(out2[0].fingerprint, f.fingerprint);
    }
}
