//! Baselines: `--write-baseline FILE` records the current findings by fingerprint, and
//! `--baseline FILE` reports only findings that are not in it. Fingerprints are built from the
//! rule, the file and resource names (never line numbers), so editing or moving code inside a
//! file keeps the match; renaming a resource or moving it to another file is a new finding.
//!
//! Matching counts: a baseline with one entry for a fingerprint accepts one finding with it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{codes, Diagnostic, Severity, Suppression, SuppressionKind};
use crate::outcome::Report;
use crate::report::{TOOL_NAME, TOOL_VERSION};
use crate::source::{SourceFile, SourceMap, Span};

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

/// Moves the findings the baseline accepts to `report.suppressed` (kind `external`). Returns the
/// entries that accepted nothing, by index into `baseline.findings` (for [`unused_notes`]).
pub fn apply(
    report: &mut Report,
    sources: &SourceMap,
    baseline: &BaselineFile,
    name: &str,
) -> Vec<usize> {
    let mut remaining: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &baseline.findings {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let mut kept = Vec::new();
    for d in std::mem::take(&mut report.diagnostics) {
        match remaining.get_mut(d.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
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
    // The last entries of a fingerprint are the unused ones (entries of one fingerprint are
    // interchangeable).
    let mut unused = Vec::new();
    for (i, e) in baseline.findings.iter().enumerate().rev() {
        if let Some(n) = remaining.get_mut(e.fingerprint.as_str()) {
            if *n > 0 {
                *n -= 1;
                unused.push(i);
            }
        }
    }
    unused.reverse();
    unused
}

/// LVL905 notes for baseline entries that accepted nothing, located at the entry in the baseline
/// file (added to `sources` unless the run already read it). An entry is judged only when its
/// file was linted in this run and its rule ran for that file (`active`): linting one directory
/// with a repository-wide baseline reports nothing about the others.
pub fn unused_notes(
    sources: &mut SourceMap,
    baseline: &BaselineFile,
    unused: &[usize],
    path: &Path,
    active: &dyn Fn(&Path, &str) -> bool,
) -> Vec<Diagnostic> {
    let linted: BTreeMap<&str, &Path> = sources
        .files()
        .map(|(_, f)| (f.display.as_str(), f.path.as_path()))
        .collect();
    let judged: Vec<&Entry> = unused
        .iter()
        .filter_map(|&i| baseline.findings.get(i))
        .filter(|e| {
            linted
                .get(e.file.as_str())
                .is_some_and(|p| active(p, &e.code))
        })
        .collect();
    if judged.is_empty() {
        return Vec::new();
    }
    let own = crate::paths::resolve(path);
    let existing = sources
        .files()
        .find(|(_, f)| {
            f.path.file_name() == path.file_name() && crate::paths::resolve(&f.path) == own
        })
        .map(|(id, _)| id);
    let display = path.display().to_string();
    let id = match existing {
        Some(id) => id,
        None => {
            let Ok(text) = std::fs::read_to_string(path) else {
                return Vec::new();
            };
            let file = SourceFile::new(path.to_path_buf(), display.clone(), text);
            sources.add(file)
        }
    };
    let text = sources.get(id).text.clone();
    let display = sources.get(id).display.clone();
    // Each entry's line: the n-th `"fingerprint": "…"` with its value (entries of one
    // fingerprint are found in order).
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    judged
        .into_iter()
        .map(|e| {
            let nth = seen.entry(e.fingerprint.as_str()).or_default();
            let needle = format!("\"{}\"", e.fingerprint);
            let at = text.match_indices(&needle).nth(*nth).map(|(at, _)| at);
            *nth += 1;
            let span = match at {
                Some(at) => Span::new(id, at..at + needle.len()),
                None => Span::new(id, 0..0),
            };
            let code = codes::UNUSED_SUPPRESSION;
            Diagnostic {
                code: code.0,
                slug: code.1,
                severity: Severity::Note,
                edits: Vec::new(),
                fingerprint: Diagnostic::fingerprint_of(code.0, &display, &[&e.fingerprint]),
                message: format!(
                    "baseline entry for {} in {} accepts nothing: no such finding any more (write the baseline again with --write-baseline to prune it)",
                    e.code, e.file
                ),
                span,
                proof: Vec::new(),
                fix: None,
            }
        })
        .collect()
}
