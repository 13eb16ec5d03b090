//! Baselines: `--write-baseline FILE` records the current findings by fingerprint, and
//! `--baseline FILE` reports only findings that are not in it. Fingerprints are built from the
//! rule, the file and resource names (never line numbers), so editing or moving code inside a
//! file keeps the match; renaming a resource or moving it to another file is a new finding.
//!
//! Matching counts: a baseline with one entry for a fingerprint accepts one finding with it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{codes, Suppression, SuppressionKind};
use crate::outcome::Report;
use crate::report::{TOOL_NAME, TOOL_VERSION};
use crate::source::SourceMap;

/// Version of the baseline file's shape.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub tool: Tool,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One accepted finding. Only `fingerprint` is matched; the rest is for people reading diffs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub code: String,
    pub fingerprint: String,
    pub message: String,
}

/// The findings of a report as a baseline (unreadable files are left out: they exit with 2).
pub fn of(report: &Report, sources: &SourceMap) -> BaselineFile {
    let mut findings: Vec<Entry> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != codes::UNREADABLE_FILE.0)
        .map(|d| Entry {
            file: sources.get(d.span.file).display.clone(),
            code: d.code.to_string(),
            fingerprint: d.fingerprint.clone(),
            message: d.message.clone(),
        })
        .collect();
    findings.sort();
    BaselineFile {
        version: VERSION,
        tool: Tool {
            name: TOOL_NAME.into(),
            version: TOOL_VERSION.into(),
        },
        findings,
    }
}

pub fn write(path: &Path, baseline: &BaselineFile) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(baseline).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn read(path: &Path) -> Result<BaselineFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a lambda-vpc-lint baseline ({e}); write one with --write-baseline",
            path.display()
        )
    })?;
    if file.version != VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {VERSION}); write it again with --write-baseline",
            path.display(),
            file.version
        ));
    }
    Ok(file)
}

/// Moves the findings the baseline accepts to `report.suppressed` (kind `external`). Returns how
/// many were accepted.
pub fn apply(
    report: &mut Report,
    sources: &SourceMap,
    baseline: &BaselineFile,
    name: &str,
) -> usize {
    let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &baseline.findings {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let mut accepted = 0;
    let mut kept = Vec::new();
    for d in std::mem::take(&mut report.diagnostics) {
        match remaining.get_mut(d.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                accepted += 1;
                report.suppressed.push((
                    d,
                    Suppression {
                        kind: SuppressionKind::External,
                        justification: format!("accepted in the baseline {name}"),
                    },
                ));
            }
            _ => kept.push(d),
        }
    }
    report.diagnostics = kept;
    super::sort_suppressed(&mut report.suppressed, sources);
    accepted
}
