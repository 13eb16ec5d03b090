//! Secret values are never echoed: the front ends report the values they saw in places marked
//! secret (Terraform `sensitive` variables and outputs, CloudFormation `NoEcho` parameters), and
//! the engine masks every occurrence in the source texts and the diagnostics before anything is
//! rendered (see `engine::finish`); `graph` masks its labels with the same list.
//!
//! A secret is replaced by `*` of the same byte length, so every span stays valid; line breaks
//! inside a secret are kept, so line numbers stay right too.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::outcome::Report;
use crate::source::{SourceFile, SourceMap};

/// Shorter values are not masked: hiding every `a` or `80` would garble the report and protect
/// nothing (a secret that short is guessable anyway).
pub const MIN_CHARS: usize = 4;

/// The secret values of a run, longest first (a secret that contains another is masked whole).
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut values: Vec<String> = values
            .into_iter()
            .filter(|v| v.chars().count() >= MIN_CHARS)
            // Masking whitespace or asterisks would only garble the output.
            .filter(|v| v.chars().any(|c| !c.is_whitespace() && c != '*'))
            .collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Secrets { values }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every secret replaced by `*` (line breaks kept), byte length unchanged.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.values {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), &stars(secret));
            }
        }
        out
    }

    fn mask_in_place(&self, s: &mut String) {
        if self.values.iter().any(|v| s.contains(v.as_str())) {
            *s = self.mask(s);
        }
    }

    /// Masks a diagnostic's message, proof and fix.
    pub fn mask_diagnostic(&self, d: &mut Diagnostic) {
        self.mask_in_place(&mut d.message);
        for step in &mut d.proof {
            self.mask_in_place(&mut step.text);
        }
        if let Some(fix) = &mut d.fix {
            self.mask_in_place(fix);
        }
    }

    /// Replaces every source file that holds a secret by a masked copy (same spans).
    pub fn mask_sources(&self, sources: &mut SourceMap) {
        let ids: Vec<_> = sources
            .files()
            .filter(|(_, f)| self.values.iter().any(|v| f.text.contains(v.as_str())))
            .map(|(id, _)| id)
            .collect();
        for id in ids {
            let f = sources.get(id);
            let mut masked = SourceFile::new(f.path.clone(), f.display.clone(), self.mask(&f.text));
            masked.values = f.values;
            sources.replace(id, masked);
        }
    }

    /// Masks everything a report renders: diagnostics, suppressed ones and their reasons.
    pub fn mask_report(&self, report: &mut Report) {
        for d in &mut report.diagnostics {
            self.mask_diagnostic(d);
        }
        for (d, s) in &mut report.suppressed {
            self.mask_diagnostic(d);
            self.mask_in_place(&mut s.justification);
        }
        // Coverage reasons quote values too (a literal id, a parameter's value).
        for e in &mut report.coverage.entries {
            self.mask_in_place(&mut e.name);
            for u in &mut e.unknowns {
                self.mask_in_place(&mut u.what);
                self.mask_in_place(&mut u.reason.0);
            }
        }
    }

    pub fn shared(self) -> Arc<Secrets> {
        Arc::new(self)
    }
}

fn stars(secret: &str) -> String {
    secret
        .bytes()
        .map(|b| {
            if b == b'\n' || b == b'\r' {
                b as char
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_longest_first_keeping_byte_length_and_lines() {
        let s = Secrets::new([
            "abc".into(),
            "pass".into(),
            "password-é".into(),
            "x\ny z".into(),
        ]);
        assert_eq!(s.values, ["password-é", "x\ny z", "pass"]);
        let text = "a password-é; pass abc x\ny z";
        let masked = s.mask(text);
        assert_eq!(masked, "a ***********; **** abc *\n***");
        assert_eq!(masked.len(), text.len());
    }

    #[test]
    fn blank_and_short_values_are_ignored() {
        assert!(Secrets::new(["    ".into(), "****".into(), "ab".into()]).is_empty());
    }
}
