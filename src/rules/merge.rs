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

    /// One finding per cause. A single place keeps its finding (and fingerprint) as it is;
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
            let what = if what.is_empty() {
                String::new()
            } else {
                format!("{what} ")
            };
            first
                .message
                .push_str(&format!(" (the same holds for {what}{})", names.join(", ")));
            let mut parts: Vec<&str> = vec![first.fingerprint.as_str()];
            parts.extend(rest.iter().map(|(p, _)| p.as_str()));
            let fingerprint = Diagnostic::fingerprint_of(first.code, "", &parts);
            for (_, d) in rest {
                first.severity = first.severity.max(d.severity);
                first.proof.extend(d.proof);
            }
            first.fingerprint = fingerprint;
            out.push(first);
        }
    }
}
