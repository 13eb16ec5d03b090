//! Reporters: one module per output format. Each renders the already sorted
//! [`Report`](crate::outcome::Report); none of them reorders, filters or invents findings, so every
//! format shows the same diagnostics in the same order.
//!
//! What the formats share lives here: the summary counts, resolved locations, and the escaping of
//! untrusted text (resource names come from files we do not control and may hold control
//! characters meant for a terminal or a CI log).

mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;
mod text;

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::source::{Position, SourceMap, Span};

pub const TOOL_NAME: &str = "lambda-vpc-lint";

/// Findings rendered per parallel batch (text, JSON): large enough to keep the threads busy,
/// small enough that little rendered text waits in memory for its turn.
const RENDER_CHUNK: usize = 1024;
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours in text output (the CLI decides from `--color`, `NO_COLOR` and the terminal).
    pub color: bool,
}

pub fn render(
    report: &Report,
    sources: &SourceMap,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, sources, options, out),
        Format::Json => json::render(report, sources, out),
        Format::Sarif => sarif::render(report, sources, out),
        Format::Github => github::render(report, sources, out),
        Format::Junit => junit::render(report, sources, out),
        Format::Gitlab => gitlab::render(report, sources, out),
    }
}

/// Counts shown at the end of the text output and in the JSON `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub files: usize,
    pub terraform_modules: usize,
    pub templates: usize,
    pub functions: usize,
    pub vpc_functions: usize,
    /// Findings suppressed inline or by a baseline (not counted above).
    pub suppressed: usize,
    /// VPC functions and capacity providers whose every aspect was verified, and the others
    /// (`--strict` lists why, as LVL906).
    pub verified: usize,
    pub not_verified: usize,
    /// Lambda Managed Instances capacity providers (counted in `verified`/`not_verified`).
    pub capacity_providers: usize,
    /// The run was `--strict` (not serialised: the summary line words the pointer to LVL906).
    #[serde(skip)]
    pub strict: bool,
}

impl Summary {
    pub fn of(report: &Report) -> Self {
        let count = |s: Severity| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        let stats = &report.stats;
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files: stats.files,
            terraform_modules: stats.terraform_modules,
            templates: stats.templates,
            functions: stats.functions,
            vpc_functions: stats.vpc_functions,
            suppressed: report.suppressed.len(),
            verified: report.coverage.verified(),
            not_verified: report.coverage.not_verified(),
            capacity_providers: report
                .coverage
                .entries
                .iter()
                .filter(|e| e.kind == crate::coverage::Kind::CapacityProvider)
                .count(),
            strict: report.coverage.strict,
        }
    }

    /// `2 errors, 1 warning in 3 files (2 Terraform modules, 1 template; 4 VPC functions)`.
    pub fn line(&self) -> String {
        let findings: Vec<String> = [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.notes, "note"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| plural(*n, what))
        .collect();
        let mut head = if findings.is_empty() {
            "no problems found".to_string()
        } else {
            findings.join(", ")
        };
        if self.suppressed > 0 {
            head.push_str(&format!(", {} suppressed", self.suppressed));
        }
        // Only what could not be verified is worth the words: a clean run reads as before.
        let coverage = match (self.not_verified, self.strict) {
            (0, _) => String::new(),
            (n, strict) => format!(
                ": {} verified, {n} not verified — {}",
                self.verified,
                if strict {
                    "LVL906 notes list why"
                } else {
                    "--strict lists why"
                }
            ),
        };
        // Capacity providers are judged like VPC functions (LVL201), so they are counted too.
        let providers = match self.capacity_providers {
            0 => String::new(),
            n => format!(", {}", plural(n, "capacity provider")),
        };
        format!(
            "{head} in {} ({}, {}; {}{providers}{coverage})",
            plural(self.files, "file"),
            plural(self.terraform_modules, "Terraform module"),
            plural(self.templates, "template"),
            plural(self.vpc_functions, "VPC function"),
        )
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A span resolved for display: the file as shown to users and both ends as positions.
#[derive(Debug, Clone)]
pub(crate) struct Location<'a> {
    pub file: &'a str,
    pub start: Position,
    pub end: Position,
}

impl<'a> Location<'a> {
    pub fn of(sources: &'a SourceMap, span: Span) -> Self {
        let file = sources.get(span.file);
        // A span that takes in its last line's terminator ends on that line: viewers would
        // otherwise mark the next line too.
        let bytes = file.text.as_bytes();
        let mut end = span.end.max(span.start);
        for terminator in [b'\n', b'\r'] {
            if end > span.start && bytes.get(end as usize - 1) == Some(&terminator) {
                end -= 1;
            }
        }
        Location {
            file: &file.display,
            start: file.position(span.start),
            end: file.position(end),
        }
    }
}

/// Reported and suppressed findings merged in report order, each with its suppression if any
/// (for the formats that show suppressed findings: JSON).
pub(crate) fn with_suppressed<'a>(
    report: &'a Report,
    sources: &SourceMap,
) -> Vec<(&'a Diagnostic, Option<&'a crate::diagnostic::Suppression>)> {
    let mut all: Vec<(&Diagnostic, Option<&crate::diagnostic::Suppression>)> = report
        .diagnostics
        .iter()
        .map(|d| (d, None))
        .chain(report.suppressed.iter().map(|(d, s)| (d, Some(s))))
        .collect();
    // Stable: a reported finding comes before an equal suppressed one.
    all.sort_by(|a, b| crate::outcome::compare(a.0, b.0, sources));
    all
}

/// Index of a diagnostic's code in the rule catalog followed by the rules loaded from rule
/// files (SARIF `ruleIndex`).
pub(crate) fn rule_index(code: &str) -> Option<usize> {
    crate::rules::all().iter().position(|m| m.id == code)
}

/// Characters that must not reach a terminal or a log raw: C0/C1 controls and DEL, the
/// bidirectional overrides that can make text read differently from what it is ("Trojan
/// Source"), and the line and paragraph separators, which some viewers and log pipelines break
/// lines at (a line of our output must stay one line everywhere).
pub(crate) fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// One-line text (messages, names, paths): every hostile character, line breaks and tabs
/// included, becomes a visible escape such as `\u{1b}`.
pub(crate) fn escape_line(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// Multi-line text (fix snippets): keeps line feeds and tabs (indentation matters), drops the CR
/// of CRLF, escapes the rest.
pub(crate) fn escape_block(s: &str) -> Cow<'_, str> {
    let s = if s.contains("\r\n") {
        Cow::Owned(s.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(s)
    };
    match escape_with(&s, |c| c == '\n' || c == '\t') {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => Cow::Owned(o),
    }
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) && !keep(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Source text for a snippet, escaped like [`escape_block`] but keeping `\n` and `\t` only, and
/// with byte offsets remapped so an annotation still covers the same characters.
pub(crate) fn escape_source(s: &str, offsets: &mut [usize]) -> String {
    if !s.chars().any(|c| is_hostile(c) && c != '\n' && c != '\t') {
        return s.to_string();
    }
    let original: Vec<usize> = offsets.to_vec();
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        for (o, orig) in offsets.iter_mut().zip(&original) {
            if *orig == i {
                *o = out.len();
            }
        }
        if is_hostile(c) && c != '\n' && c != '\t' {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    for (o, orig) in offsets.iter_mut().zip(&original) {
        if *orig >= s.len() {
            *o = out.len();
        }
    }
    out
}

/// Pretty-printed JSON with a trailing newline, for the JSON and SARIF formats. Strings are
/// escaped as serde_json does, and additionally C1 controls, DEL and bidirectional overrides
/// become `\uXXXX`: still the same string to a parser, but inert when the file is `cat` to a
/// terminal.
pub(crate) fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, InertJson::default());
    // `From` gives back a writer's own error (a closed pipe stays `BrokenPipe`): the JSON
    // envelope streams to the output.
    value.serialize(&mut ser).map_err(io::Error::from)?;
    writeln!(out)
}

#[derive(Default)]
struct InertJson(serde_json::ser::PrettyFormatter<'static>);

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $name<W: ?Sized + Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(writer $(, $arg)*)
        }
    )*};
}

impl serde_json::ser::Formatter for InertJson {
    delegate!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        begin_object_value(),
        end_object_value(),
    );

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_hostile(c)) {
            writer.write_all(&rest.as_bytes()[..i])?;
            // Every hostile character is in the Basic Multilingual Plane: one `\u` escape.
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// `file:line:col` of a diagnostic's proof steps, for the formats that fold them into text.
pub(crate) fn proof_lines(d: &Diagnostic, sources: &SourceMap) -> Vec<String> {
    d.proof
        .iter()
        .map(|step| {
            let loc = Location::of(sources, step.span);
            format!(
                "{}:{}:{}: {}",
                escape_line(loc.file),
                loc.start.line,
                loc.start.column,
                escape_line(&step.text)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports larger than one parallel batch render the same bytes on one thread and on
    /// several, and the spliced JSON is one valid document with every finding in order.
    #[test]
    fn large_reports_render_the_same_on_any_number_of_threads() {
        use crate::source::{FileId, SourceFile};
        let text: String = (0..3000)
            .map(|i| format!("line {i} \u{1b}[31m\n"))
            .collect();
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(
            "f.yaml".into(),
            "f.yaml".into(),
            text.clone(),
        ));
        let starts: Vec<usize> = text.match_indices("line").map(|(at, _)| at).collect();
        let diagnostics: Vec<Diagnostic> = starts
            .iter()
            .enumerate()
            .map(|(i, &at)| {
                let code = crate::diagnostic::codes::PARSE_ERROR;
                let span = Span::new(FileId(id.0), at..at + 4);
                Diagnostic::input(code, span, "f.yaml", format!("finding {i} \"quoted\""))
            })
            .collect();
        let report = Report {
            diagnostics,
            stats: crate::outcome::Stats::default(),
            suppressed: Vec::new(),
            coverage: Default::default(),
        };
        let render_with = |threads: usize, format: Format| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            let mut out = Vec::new();
            pool.install(|| {
                render(
                    &report,
                    &sources,
                    format,
                    &RenderOptions::default(),
                    &mut out,
                )
            })
            .unwrap();
            out
        };
        for format in [
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Junit,
            Format::Gitlab,
        ] {
            assert_eq!(render_with(1, format), render_with(3, format), "{format:?}");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&render_with(3, Format::Json)).unwrap();
        let list = json["diagnostics"].as_array().unwrap();
        assert_eq!(list.len(), 3000);
        assert_eq!(list[2999]["message"], "finding 2999 \"quoted\"");
        assert_eq!(json["summary"]["errors"], 3000);
    }

    #[test]
    fn escapes_controls_and_bidi_but_not_text() {
        let cases: &[(&str, &str)] = &[
            ("plain café 😀", "plain café 😀"),
            ("a\u{1b}[31mred", "a\\u{1b}[31mred"),
            ("line\nbreak\r", "line\\nbreak\\r"),
            ("tab\there", "tab\\there"),
            ("c1 \u{9b}31m", "c1 \\u{9b}31m"),
            ("bidi \u{202E}txt", "bidi \\u{202e}txt"),
            ("del \u{7f}", "del \\u{7f}"),
            ("sep \u{2028}p\u{2029}", "sep \\u{2028}p\\u{2029}"),
        ];
        for (input, want) in cases {
            assert_eq!(escape_line(input), *want, "input {input:?}");
        }
        assert_eq!(escape_block("a:\r\n\tb\u{7}\n"), "a:\n\tb\\u{7}\n");
    }

    #[test]
    fn escape_source_remaps_offsets() {
        let src = "x = \"\u{1b}é\"\n";
        // Offsets of `é` and of the end of the text.
        let mut offsets = [src.find('é').unwrap(), src.len()];
        let out = escape_source(src, &mut offsets);
        assert_eq!(out, "x = \"\\u{1b}é\"\n");
        assert_eq!(&out[offsets[0]..offsets[0] + 'é'.len_utf8()], "é");
        assert_eq!(offsets[1], out.len());
    }

    #[test]
    fn summary_line_counts_and_plurals() {
        let mut s = Summary {
            errors: 2,
            warnings: 1,
            notes: 0,
            files: 3,
            terraform_modules: 2,
            templates: 1,
            functions: 5,
            vpc_functions: 4,
            suppressed: 0,
            verified: 4,
            not_verified: 0,
            capacity_providers: 0,
            strict: false,
        };
        assert_eq!(
            s.line(),
            "2 errors, 1 warning in 3 files (2 Terraform modules, 1 template; 4 VPC functions)"
        );
        s.errors = 0;
        s.warnings = 0;
        s.files = 1;
        s.vpc_functions = 1;
        assert_eq!(
            s.line(),
            "no problems found in 1 file (2 Terraform modules, 1 template; 1 VPC function)"
        );
        s.suppressed = 2;
        assert_eq!(
            s.line(),
            "no problems found, 2 suppressed in 1 file (2 Terraform modules, 1 template; 1 VPC function)"
        );
        s.suppressed = 0;
        s.vpc_functions = 50;
        s.verified = 35;
        s.not_verified = 15;
        assert_eq!(
            s.line(),
            "no problems found in 1 file (2 Terraform modules, 1 template; 50 VPC functions: 35 verified, 15 not verified — --strict lists why)"
        );
        s.strict = true;
        assert!(s
            .line()
            .ends_with("15 not verified — LVL906 notes list why)"));
        s.capacity_providers = 1;
        assert!(s.line().ends_with(
            "50 VPC functions, 1 capacity provider: 35 verified, 15 not verified — LVL906 notes list why)"
        ));
    }
}
