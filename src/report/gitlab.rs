//! GitLab Code Quality (`artifacts:reports:codequality`): a JSON array with one issue per
//! finding, as GitLab documents it — `description`, `check_name`, `fingerprint`, `severity`
//! (`info`, `minor`, `major`, `critical`, `blocker`) and `location.path` with
//! `location.lines.begin`, plus `categories` and `content.body` (the proof and the fix), which
//! GitLab shows in the merge request widget.
//!
//! GitLab keys issues by fingerprint across pipelines, so it must be stable and unique within a
//! report: it is the finding's own fingerprint (rule, file, resource names; never lines), with
//! `#2`, `#3`… for further findings that share one.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{escape_block, escape_line, proof_lines, Location};
use crate::diagnostic::Severity;
use crate::outcome::Report;
use crate::source::SourceMap;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    content: Content,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct Content {
    body: String,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub(super) fn render(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = report
        .diagnostics
        .iter()
        .map(|d| {
            let loc = Location::of(sources, d.span);
            let n = seen.entry(d.fingerprint.as_str()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 {
                d.fingerprint.clone()
            } else {
                format!("{}#{n}", d.fingerprint)
            };
            let mut body = String::new();
            for line in proof_lines(d, sources) {
                body.push_str(&format!("because: {line}\n"));
            }
            if let Some(fix) = &d.fix {
                body.push_str("fix:\n");
                body.push_str(&escape_block(fix));
            }
            Issue {
                kind: "issue",
                check_name: format!("{} {}", d.code, d.slug),
                description: format!("{}: {}", d.code, escape_line(&d.message)),
                content: Content { body },
                // GitLab's categories come from Code Climate's list; these are all about
                // functions that fail or cost more at run time.
                categories: ["Bug Risk"],
                severity: match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Note => "info",
                },
                fingerprint,
                location: IssueLocation {
                    path: loc.file,
                    lines: Lines {
                        begin: loc.start.line,
                        end: loc.end.line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
