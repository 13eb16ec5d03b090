//! `--strict`: each unknown aspect of each VPC function as an LVL906 note, located at the first
//! unknown value of that aspect, with the reason, the input that would resolve it and the rules
//! that could not decide. Ordinary diagnostics from here on: selected, suppressed, sorted and
//! rendered like every other.

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::source::SourceMap;

use super::{Aspect, Entry};

pub const CODE: &str = "LVL906";
pub const SLUG: &str = "not-verified";

/// `selected`: whether a rule runs. An unknown no running rule needs is not reported (with
/// `--rule LVL101`, an unknown subnet undecides nothing that was asked).
pub fn diagnostics(
    entries: &[Entry],
    sources: &SourceMap,
    selected: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in entries {
        for aspect in Aspect::ALL {
            let unknowns: Vec<_> = e
                .unknowns_of(aspect)
                .filter(|u| u.rules.iter().any(|r| selected(r)))
                .collect();
            let Some(first) = unknowns.first() else {
                continue;
            };
            let mut rules: Vec<&str> = unknowns
                .iter()
                .flat_map(|u| u.rules.iter().copied())
                .filter(|r| selected(r))
                .collect();
            rules.sort_unstable();
            rules.dedup();
            let more = match unknowns.len() {
                1 => String::new(),
                2 => " (and 1 more unknown)".to_string(),
                n => format!(" (and {} more unknowns)", n - 1),
            };
            let undecided = if rules.is_empty() {
                String::new()
            } else {
                format!("; rules that could not decide: {}", rules.join(", "))
            };
            let message = format!(
                "{} of {} `{}` not verified: {}: {}{more}{undecided}",
                aspect.noun(),
                e.kind.as_str(),
                e.name,
                first.what,
                first.reason
            );
            let declared = first.declared.map(|span| Step {
                span,
                text: "declared here".to_string(),
            });
            let proof = std::iter::once(Step {
                span: e.span,
                text: format!("{} `{}`", e.kind.as_str(), e.name),
            })
            .chain(declared)
            .chain(unknowns.iter().skip(1).map(|u| Step {
                span: u.span,
                text: format!("{}: {}", u.what, u.reason),
            }))
            .collect();
            let mut hints: Vec<&str> = unknowns.iter().filter_map(|u| u.hint()).collect();
            hints.dedup();
            let file = &sources.get(first.span.file).display;
            out.push(Diagnostic {
                code: CODE,
                slug: SLUG,
                severity: Severity::Note,
                message,
                span: first.span,
                proof,
                fix: (!hints.is_empty()).then(|| hints.join("\n")),
                fingerprint: Diagnostic::fingerprint_of(
                    CODE,
                    file,
                    &[&e.name, aspect.as_str(), &first.what],
                ),
                edits: Vec::new(),
            });
        }
    }
    out
}
