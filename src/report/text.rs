//! Human output, rustc style: header, source snippet with the primary span underlined, the rule,
//! the proof trail (`because`), the fix, and a summary line.
//!
//! Everything we pass to annotate-snippets is escaped first ([`super::escape_line`] and friends):
//! its own normalisation misses C1 controls and would turn a newline in a message into a new line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use rayon::prelude::*;

use super::{
    escape_block, escape_line, escape_source, proof_lines, Location, RenderOptions, Summary,
    RENDER_CHUNK,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::source::SourceMap;

pub(super) fn render(
    report: &Report,
    sources: &SourceMap,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Each finding renders on its own, so chunks of them render in parallel (on the caller's
    // rayon pool) and are written in order: the same bytes for any number of threads.
    for chunk in report.diagnostics.chunks(RENDER_CHUNK) {
        let rendered: Vec<String> = chunk
            .par_iter()
            .map(|d| render_one(&renderer, d, sources))
            .collect();
        for text in rendered {
            writeln!(out, "{text}")?;
            writeln!(out)?;
        }
    }
    let mut summary = Summary::of(report).line();
    // A snapshot is a moment: say which one the ids were resolved against. File names are the
    // user's paths, escaped like every other line.
    if !report.coverage.snapshot_files.is_empty() {
        let files = &report.coverage.snapshot_files;
        summary.push_str(&format!(
            "\nAWS snapshot: {} ({})",
            if files.len() == 1 {
                "1 file".to_string()
            } else {
                format!("{} files", files.len())
            },
            escape_line(&files.join(", "))
        ));
    }
    if options.color {
        // Bold, like the headers; the summary is ours, nothing in it comes from the input.
        writeln!(out, "\u{1b}[1m{summary}\u{1b}[0m")
    } else {
        writeln!(out, "{summary}")
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

fn render_one(renderer: &Renderer, d: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(d.span.file);
    let loc = Location::of(sources, d.span);
    let path = escape_line(loc.file).into_owned();
    let title = level(d.severity)
        .primary_title(escape_line(&d.message).into_owned())
        .id(escape_line(d.code).into_owned());

    let mut group = if file.text.is_empty() || file.values {
        // Unreadable or empty file, or a file of values (it may hold a secret the linter could
        // not recognise, e.g. on a line that does not parse): a location without a snippet.
        Group::with_title(title).element(
            Origin::path(path)
                .line(loc.start.line as usize)
                .char_column(loc.start.column as usize),
        )
    } else {
        // Only the lines the span covers, so large files cost nothing extra.
        let text = file.text.as_str();
        // Spans come from parsers; one inside a character must not crash the report.
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor((d.span.start as usize).min(text.len()));
        let mut end = floor((d.span.end as usize).clamp(start, text.len()));
        // A span that takes in its last line's terminator ends on that line, not the next.
        while end > start && matches!(text.as_bytes().get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        // LF, CRLF and a lone CR all end a line, as in the line table (`source.rs`).
        let first = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let last = text[end..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| end + i);
        let mut offsets = [start - first, end - first];
        let source = escape_source(&text[first..last], &mut offsets);
        Group::with_title(title).element(
            Snippet::source(source)
                .line_start(loc.start.line as usize)
                .path(path)
                .annotation(AnnotationKind::Primary.span(offsets[0]..offsets[1])),
        )
    };

    group = group.element(
        Level::NOTE
            .with_name("rule")
            .message(escape_line(d.slug).into_owned()),
    );
    let proof = proof_lines(d, sources);
    if !proof.is_empty() {
        group = group.element(Level::NOTE.with_name("because").message(proof.join("\n")));
    }
    if let Some(fix) = &d.fix {
        // Continuation lines are aligned under the first, so a snippet keeps its indentation.
        let fix = escape_block(fix.trim_end_matches(['\n', '\r']));
        group = group.element(Level::HELP.with_name("fix").message(fix.into_owned()));
    }
    // Blank lines of a multi-line message come out as the alignment padding alone.
    let rendered = renderer.render(&[group]);
    let lines: Vec<&str> = rendered.lines().map(|l| l.trim_end_matches(' ')).collect();
    lines.join("\n")
}
