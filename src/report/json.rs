//! Machine output: a versioned shape, documented by `json.schema.json` beside this file.
//!
//! The shape is a contract: add fields freely, but renaming or removing one, or changing its
//! meaning, bumps [`VERSION`]. Strings are emitted as they are (serde_json escapes control
//! characters), so consumers see the exact names from the input.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::{write_json, Location, Summary, RENDER_CHUNK, TOOL_NAME, TOOL_VERSION};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::source::{Position, SourceMap};

/// Version of the output shape (not of the tool).
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    coverage: Vec<CoverageEntry<'a>>,
    /// The AWS snapshot files literal ids were resolved against (`--aws-snapshot`).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aws_snapshot: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct CoverageEntry<'a> {
    name: &'a str,
    kind: &'static str,
    file: &'a str,
    line: u32,
    column: u32,
    verified: bool,
    aspects: Vec<CoverageAspect<'a>>,
}

#[derive(Serialize)]
struct CoverageAspect<'a> {
    aspect: &'static str,
    status: &'static str,
    unknowns: Vec<CoverageUnknown<'a>>,
}

#[derive(Serialize)]
struct CoverageUnknown<'a> {
    what: &'a str,
    reason: &'a str,
    resolve: Option<&'static str>,
    file: &'a str,
    line: u32,
    column: u32,
    rules: &'a [&'static str],
    /// Where what the reason names is declared, when elsewhere.
    declared: Option<Declared<'a>>,
}

#[derive(Serialize)]
struct Declared<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

fn coverage<'a>(report: &'a Report, sources: &'a SourceMap) -> Vec<CoverageEntry<'a>> {
    report
        .coverage
        .entries
        .iter()
        .map(|e| {
            let at = Location::of(sources, e.span);
            CoverageEntry {
                name: &e.name,
                kind: e.kind.as_str(),
                file: at.file,
                line: at.start.line,
                column: at.start.column,
                verified: e.verified(),
                aspects: e
                    .aspects
                    .iter()
                    .map(|&aspect| {
                        let unknowns: Vec<CoverageUnknown<'a>> = e
                            .unknowns_of(aspect)
                            .map(|u| {
                                let at = Location::of(sources, u.span);
                                CoverageUnknown {
                                    what: &u.what,
                                    reason: &u.reason.0,
                                    resolve: u.hint(),
                                    file: at.file,
                                    line: at.start.line,
                                    column: at.start.column,
                                    rules: &u.rules,
                                    declared: u.declared.map(|span| {
                                        let at = Location::of(sources, span);
                                        Declared {
                                            file: at.file,
                                            line: at.start.line,
                                            column: at.start.column,
                                        }
                                    }),
                                }
                            })
                            .collect();
                        CoverageAspect {
                            aspect: aspect.as_str(),
                            status: if unknowns.is_empty() {
                                "verified"
                            } else {
                                "unknown"
                            },
                            unknowns,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    slug: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    start: Point,
    /// Exclusive: the position just after the last character.
    end: Point,
    proof: Vec<ProofStep<'a>>,
    fix: Option<&'a str>,
    fingerprint: &'a str,
    /// Present only for suppressed findings (inline or baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

/// 1-based line and column; columns count Unicode scalar values.
#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
}

impl From<Position> for Point {
    fn from(p: Position) -> Self {
        Point {
            line: p.line,
            column: p.column,
        }
    }
}

#[derive(Serialize)]
struct ProofStep<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    text: &'a str,
}

pub(super) fn render(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    // The envelope is serialised with an empty list; the findings are serialised on their own,
    // in parallel batches on the caller's pool, and spliced in its place with the indentation
    // the pretty printer would have given them: the same bytes as one serialisation.
    let envelope = Output {
        version: VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        diagnostics: Vec::new(),
        coverage: coverage(report, sources),
        aws_snapshot: &report.coverage.snapshot_files,
        summary: Summary::of(report),
    };
    let all = super::with_suppressed(report, sources);
    // The envelope streams to `out`: only the bytes up to its empty findings list are held
    // back. Buffering it whole cost a copy of the coverage (a entry per VPC function: 30 MB
    // and 65 MB of peak memory on 10,000 files, BENCHMARKS.md "Units stage, 2026-12-07").
    let mut splice = Splice {
        out,
        head: Vec::new(),
        findings: Some(|out: &mut dyn Write| -> io::Result<()> {
            if all.is_empty() {
                return Ok(());
            }
            for (n, chunk) in all.chunks(RENDER_CHUNK).enumerate() {
                let parts: Vec<io::Result<Vec<u8>>> = chunk
                    .par_iter()
                    .map(|(d, s)| {
                        let mut one = diagnostic(d, sources);
                        one.suppressed = s.map(|s| JsonSuppression {
                            kind: s.kind.as_str(),
                            justification: &s.justification,
                        });
                        element(&one)
                    })
                    .collect();
                for (i, part) in parts.into_iter().enumerate() {
                    out.write_all(if n == 0 && i == 0 { b"\n" } else { b",\n" })?;
                    out.write_all(&part?)?;
                }
            }
            out.write_all(b"\n  ")
        }),
    };
    write_json(&envelope, &mut splice)?;
    if splice.findings.is_some() {
        return Err(io::Error::other(
            "the JSON envelope has no diagnostics list",
        ));
    }
    Ok(())
}

/// A writer that passes the envelope through to `out`, except that it holds the bytes back
/// until the empty findings list and writes the findings (`findings`) inside its brackets.
struct Splice<'a, F: FnOnce(&mut dyn Write) -> io::Result<()>> {
    out: &'a mut dyn Write,
    /// What came before the list (small: the version and the tool's name precede it).
    head: Vec<u8>,
    /// Taken when the list is found.
    findings: Option<F>,
}

impl<F: FnOnce(&mut dyn Write) -> io::Result<()>> Write for Splice<'_, F> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.findings.is_none() {
            return self.out.write(buf);
        }
        const EMPTY: &[u8] = b"\"diagnostics\": []";
        // The list may straddle two writes: search from just before the new bytes.
        let from = self.head.len().saturating_sub(EMPTY.len() - 1);
        self.head.extend_from_slice(buf);
        if let Some(at) = self.head[from..]
            .windows(EMPTY.len())
            .position(|w| w == EMPTY)
        {
            let list = from + at + EMPTY.len() - 1;
            self.out.write_all(&self.head[..list])?;
            if let Some(findings) = self.findings.take() {
                findings(&mut *self.out)?;
            }
            self.out.write_all(&self.head[list..])?;
            self.head = Vec::new();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One finding as an element of the top-level `diagnostics` list: pretty-printed, every line
/// indented by two levels. JSON strings hold no raw newline, so every newline is a line break.
fn element(d: &JsonDiagnostic<'_>) -> io::Result<Vec<u8>> {
    let mut one = Vec::new();
    write_json(d, &mut one)?;
    while one.last() == Some(&b'\n') {
        one.pop();
    }
    let mut indented = Vec::with_capacity(one.len() + one.len() / 8);
    indented.extend_from_slice(b"    ");
    for &b in &one {
        indented.push(b);
        if b == b'\n' {
            indented.extend_from_slice(b"    ");
        }
    }
    Ok(indented)
}

fn diagnostic<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> JsonDiagnostic<'a> {
    let loc = Location::of(sources, d.span);
    JsonDiagnostic {
        code: d.code,
        slug: d.slug,
        severity: d.severity,
        message: &d.message,
        file: loc.file,
        start: loc.start.into(),
        end: loc.end.into(),
        proof: d
            .proof
            .iter()
            .map(|step| {
                let at = Location::of(sources, step.span);
                ProofStep {
                    file: at.file,
                    line: at.start.line,
                    column: at.start.column,
                    text: &step.text,
                }
            })
            .collect(),
        fix: d.fix.as_deref(),
        fingerprint: &d.fingerprint,
        suppressed: None,
    }
}
