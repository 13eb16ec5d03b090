//! JUnit XML, as CI systems (Jenkins, GitLab, Azure Pipelines, CircleCI) read test reports: one
//! `<testsuite>` per file with findings, one `<testcase>` per rule in that file whose
//! `<failure>` lists each finding with its line, column, message and proof. A run without
//! findings is one passing test case, so the CI system still shows that the linter ran.
//!
//! Everything that comes from the linted files (names, messages) is escaped for XML, and the
//! characters XML 1.0 cannot hold at all (most C0 controls) are written as `\u{…}` text: an
//! unparseable report would hide every finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{proof_lines, Location, Summary, TOOL_NAME};
use crate::diagnostic::Diagnostic;
use crate::outcome::Report;
use crate::source::SourceMap;

pub(super) fn render(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    // file → rule → findings, in the report's order (already sorted by file and position).
    let mut files: BTreeMap<&str, BTreeMap<(&str, &str), Vec<&Diagnostic>>> = BTreeMap::new();
    for d in &report.diagnostics {
        let file = Location::of(sources, d.span).file;
        files
            .entry(file)
            .or_default()
            .entry((d.code, d.slug))
            .or_default()
            .push(d);
    }
    let summary = Summary::of(report);
    let cases: usize = files.values().map(BTreeMap::len).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{TOOL_NAME}" tests="{}" failures="{cases}" errors="0">"#,
        cases.max(1)
    )?;
    if files.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="{TOOL_NAME}" tests="1" failures="0" errors="0" skipped="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="{}" classname="{TOOL_NAME}"/>"#,
            xml(&summary.line())
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for (file, rules) in &files {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{n}" failures="{n}" errors="0" skipped="0">"#,
            xml(file),
            n = rules.len()
        )?;
        for ((code, slug), findings) in rules {
            writeln!(
                out,
                r#"    <testcase name="{code} {slug}" classname="{}" file="{}">"#,
                xml(file),
                xml(file)
            )?;
            let first = findings[0];
            let message = if findings.len() == 1 {
                first.message.clone()
            } else {
                format!("{} findings; first: {}", findings.len(), first.message)
            };
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">"#,
                xml(&message),
                first.severity
            )?;
            for d in findings {
                let loc = Location::of(sources, d.span);
                let mut text = format!(
                    "{}:{}:{}: {}[{}] {}\n",
                    loc.file, loc.start.line, loc.start.column, d.severity, d.code, d.message
                );
                for line in proof_lines(d, sources) {
                    text.push_str(&format!("  because: {line}\n"));
                }
                write!(out, "{}", xml(&text))?;
            }
            writeln!(out, "      </failure>")?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Text escaped for XML attribute values and character data alike.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            // XML 1.0 cannot hold the other C0 controls nor U+FFFE/U+FFFF; bidi overrides and C1
            // controls are legal XML but escaped like in every other format, so that a report
            // cannot be made to read differently from what it is.
            c if super::is_hostile(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_controls() {
        assert_eq!(xml(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(
            xml("x\u{1b}[31m\u{202e}y\r"),
            "x\\u{1b}[31m\\u{202e}y\\u{d}"
        );
        assert_eq!(xml("line\n\tnext"), "line\n\tnext");
    }
}
