//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per diagnostic,
//! which the runner turns into annotations on the pull request.
//!
//! The runner interprets any output line that starts with `::`. A message is therefore folded
//! into exactly one line: line breaks are percent-encoded as the runner's escaping rules say
//! (`%`, CR, LF in the data; additionally `:` and `,` in property values), so no input text can
//! start a command of its own (`::add-mask::`, `::stop-commands::`).

use std::io::{self, Write};

use super::{escape_block, escape_line, proof_lines, Location};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::source::SourceMap;

pub(super) fn render(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        writeln!(out, "{}", command(d, sources))?;
    }
    Ok(())
}

fn command(d: &Diagnostic, sources: &SourceMap) -> String {
    let name = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let loc = Location::of(sources, d.span);
    let mut props = vec![
        format!("file={}", escape_property(loc.file)),
        format!("line={}", loc.start.line),
    ];
    // GitHub accepts columns only for an annotation on one line; its columns are inclusive,
    // so the end is the last character, not the position after it.
    if loc.start.line == loc.end.line {
        props.push(format!("col={}", loc.start.column));
        props.push(format!("endLine={}", loc.end.line));
        props.push(format!(
            "endColumn={}",
            loc.end.column.saturating_sub(1).max(loc.start.column)
        ));
    } else {
        props.push(format!("endLine={}", loc.end.line));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", d.code, d.slug))
    ));
    format!(
        "::{name} {}::{}",
        props.join(","),
        escape_data(&message(d, sources))
    )
}

/// The message with the proof path and the fix folded in, as lines.
fn message(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut lines = vec![escape_line(&d.message).into_owned()];
    let proof = proof_lines(d, sources);
    if !proof.is_empty() {
        lines.push("because:".into());
        lines.extend(proof.into_iter().map(|l| format!("  {l}")));
    }
    if let Some(fix) = &d.fix {
        lines.push("fix:".into());
        lines.push(escape_block(fix.trim_end_matches(['\n', '\r'])).into_owned());
    }
    lines.join("\n")
}

/// Escaping of a command's data (after `::`), as in the runner's `escapeData`.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a property value, as in the runner's `escapeProperty`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(&escape_line(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        let data: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("100%", "100%25"),
            ("a\r\nb", "a%0D%0Ab"),
            ("%0A", "%250A"),
            ("a: b, c", "a: b, c"),
        ];
        for (input, want) in data {
            assert_eq!(escape_data(input), *want, "data {input:?}");
        }
        let props: &[(&str, &str)] = &[
            ("main.tf", "main.tf"),
            ("a:b,c", "a%3Ab%2Cc"),
            ("50%", "50%25"),
            // Raw line breaks never reach a property: they are shown as `\n` first.
            ("x\ny", "x\\ny"),
            (
                "LVL001 public-subnet-no-internet",
                "LVL001 public-subnet-no-internet",
            ),
        ];
        for (input, want) in props {
            assert_eq!(escape_property(input), *want, "property {input:?}");
        }
    }
}
