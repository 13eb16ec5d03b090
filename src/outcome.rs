//! What a run produces, independent of how it was produced: the [`Report`] (sorted findings,
//! suppressed findings, counts), the one order every output uses ([`sort`], [`compare`]) and the
//! command line's rule selection ([`Selection`]). The engine builds a report, `config` finishes
//! it, `secrets` masks it, `report` renders it: all of them import this module and none of them
//! imports another for it, so no import cycle runs through the report.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity, Suppression};
use crate::source::SourceMap;

#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by [`compare`]; byte-identical for any thread count.
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Findings suppressed inline or by a baseline, in the same order: shown in JSON and SARIF,
    /// counted in the text summary, never in the exit code.
    pub suppressed: Vec<(Diagnostic, Suppression)>,
    /// What could not be verified, per VPC function and capacity provider.
    pub coverage: crate::coverage::Coverage,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub files: usize,
    pub terraform_modules: usize,
    pub templates: usize,
    pub functions: usize,
    pub vpc_functions: usize,
}

impl Report {
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// `--rule` / `--skip-rule`: which rules run and are reported.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// Run only these rules (IDs), if non-empty.
    pub only: &'a [String],
    /// Never run / report these rules (IDs).
    pub skip: &'a [String],
}

impl Selection<'_> {
    pub fn is_selected(&self, id: &str) -> bool {
        if self.skip.iter().any(|s| s.eq_ignore_ascii_case(id)) {
            return false;
        }
        // `--rule` narrows the catalog rules; input diagnostics (9xx) are always kept, since a
        // file that did not parse means the selected rules could not look at it.
        self.only.is_empty()
            || self.only.iter().any(|s| s.eq_ignore_ascii_case(id))
            || id.starts_with("LVL9")
    }
}

/// Deterministic order: file path, then position, then rule, then message.
pub fn sort(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    // Stable, so equal findings stay in unit order; parallel on the run's pool.
    diagnostics.par_sort_by(|a, b| compare(a, b, sources));
    diagnostics.dedup();
}

/// The order of [`sort`].
pub fn compare(a: &Diagnostic, b: &Diagnostic, sources: &SourceMap) -> std::cmp::Ordering {
    let fa = &sources.get(a.span.file).display;
    let fb = &sources.get(b.span.file).display;
    fa.cmp(fb)
        .then(a.span.start.cmp(&b.span.start))
        .then(a.code.cmp(b.code))
        .then(a.message.cmp(&b.message))
        .then(a.fingerprint.cmp(&b.fingerprint))
}
