//! Parsing HCL with hcl-edit, plus the one valid input it rejects: number literals that an `f64`
//! cannot hold (`1e400`, a 400-digit integer). Terraform's numbers are arbitrary-precision, so
//! those are valid Terraform; hcl-edit stores numbers as `f64` and fails to parse the file.
//!
//! Only when a parse fails, the text is scanned for such literals (a small lexer that knows
//! comments, quoted strings, heredocs and template interpolations, so digits inside a string
//! are never touched). Each one is rewritten in a copy to zeros of the same length, so every
//! span stays the same, and the copy is parsed again. The parsed literal is then marked
//! ([`wide_literal`]) with its original text, so the evaluator returns an unknown for it and
//! never the zero that stands in for it. If the copy does not parse either, the original
//! error is returned: the rewrite never makes an invalid file look valid.

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::template::Template;
use hcl_edit::visit_mut::VisitMut;
use hcl_edit::{Decorate, Formatted, Number, Span as _};

pub use hcl_edit::parser::Error;

/// The decor suffix that marks a rewritten literal; a parser never produces it (a decor is
/// whitespace and comments, and a NUL is not either).
const MARK: &str = "\0lambda-vpc-lint:wide-number:";

/// `hcl_edit::parser::parse_body`, accepting wide number literals.
pub fn parse_body(text: &str) -> Result<Body, Error> {
    parse(
        text,
        Start::Expression,
        hcl_edit::parser::parse_body,
        |v, b| v.visit_body_mut(b),
    )
}

/// `hcl_edit::parser::parse_expr`, accepting wide number literals.
pub fn parse_expr(text: &str) -> Result<Expression, Error> {
    parse(
        text,
        Start::Expression,
        hcl_edit::parser::parse_expr,
        |v, e| v.visit_expr_mut(e),
    )
}

/// `hcl_edit::parser::parse_template`, accepting wide number literals in interpolations.
pub fn parse_template(text: &str) -> Result<Template, Error> {
    parse(
        text,
        Start::Template,
        hcl_edit::parser::parse_template,
        |v, t| v.visit_template_mut(t),
    )
}

/// The text a number literal was written with, when it is a literal `f64` cannot hold (the
/// parsed value is a stand-in zero and must not be used).
pub fn wide_literal(lit: &Formatted<Number>) -> Option<&str> {
    lit.decor().suffix()?.strip_prefix(MARK)
}

fn parse<T>(
    text: &str,
    start: Start,
    parser: fn(&str) -> Result<T, Error>,
    visit: fn(&mut Marker<'_>, &mut T),
) -> Result<T, Error> {
    let error = match parser(text) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let wide = wide_literals(text, start);
    if wide.is_empty() {
        return Err(error);
    }
    let mut copy = text.as_bytes().to_vec();
    for r in &wide {
        for b in &mut copy[r.clone()] {
            if b.is_ascii_digit() {
                *b = b'0';
            }
        }
    }
    // Only ASCII digits were replaced by ASCII digits: still UTF-8.
    let copy = String::from_utf8(copy).expect("digits replaced by digits");
    let Ok(mut parsed) = parser(&copy) else {
        return Err(error);
    };
    let mut marker = Marker { text, wide: &wide };
    visit(&mut marker, &mut parsed);
    Ok(parsed)
}

/// Marks the parsed literals that stand in for wide ones (matched by where they end: a
/// negative literal's span starts at its `-`).
struct Marker<'a> {
    text: &'a str,
    wide: &'a [Range<usize>],
}

impl VisitMut for Marker<'_> {
    fn visit_number_mut(&mut self, node: &mut Formatted<Number>) {
        let Some(span) = node.span() else { return };
        if let Ok(i) = self.wide.binary_search_by_key(&span.end, |r| r.end) {
            let r = &self.wide[i];
            if span.start <= r.start {
                let original = &self.text[r.clone()];
                node.decor_mut().set_suffix(format!("{MARK}{original}"));
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Start {
    /// A body or an expression.
    Expression,
    /// A bare template (`templatefile`): text until the end, with interpolations.
    Template,
}

/// What the lexer is inside.
enum Mode {
    /// Expressions; `braces` counts the `{` opened in this mode, so the `}` that closes an
    /// interpolation is told from an object's.
    Expression { braces: usize },
    /// A quoted string (`"…"`), with escapes and interpolations.
    Quoted,
    /// A heredoc's lines, until a line that is only `marker`.
    Heredoc { marker: String },
    /// A bare template: never ends.
    Template,
}

/// The byte ranges of the number literals in expression position whose value is not a finite
/// `f64` (in text order). Digits in comments, strings, heredocs and identifiers are skipped.
fn wide_literals(text: &str, start: Start) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![match start {
        Start::Expression => Mode::Expression { braces: 0 },
        Start::Template => Mode::Template,
    }];
    let mut i = 0;
    while i < b.len() {
        let Some(mode) = stack.last_mut() else { break };
        match mode {
            Mode::Expression { braces } => match b[i] {
                b'#' => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                }
                b'"' => {
                    stack.push(Mode::Quoted);
                    i += 1;
                }
                b'<' if b.get(i + 1) == Some(&b'<') => match heredoc_start(text, i) {
                    Some((marker, body)) => {
                        stack.push(Mode::Heredoc { marker });
                        i = body;
                    }
                    None => i += 2,
                },
                b'{' => {
                    *braces += 1;
                    i += 1;
                }
                b'}' => {
                    if *braces == 0 {
                        // The end of an interpolation (at top level: invalid, left to the parser).
                        if stack.len() > 1 {
                            stack.pop();
                        }
                    } else {
                        *braces -= 1;
                    }
                    i += 1;
                }
                c if is_ident_start(c) => {
                    i += 1;
                    while i < b.len() && is_ident_continue(b[i]) {
                        i += 1;
                    }
                }
                c if c.is_ascii_digit() => {
                    let end = number_end(b, i);
                    let value: f64 = text[i..end].parse().unwrap_or(0.0);
                    if !value.is_finite() {
                        out.push(i..end);
                    }
                    i = end;
                }
                _ => i += 1,
            },
            Mode::Quoted | Mode::Template => {
                let quoted = matches!(mode, Mode::Quoted);
                match b[i] {
                    b'\\' if quoted => i += 2,
                    b'"' if quoted => {
                        stack.pop();
                        i += 1;
                    }
                    _ => i = template_step(b, i, &mut stack),
                }
            }
            Mode::Heredoc { marker } => {
                if i == 0 || b[i - 1] == b'\n' {
                    let end = line_end(b, i);
                    if text[i..end].trim() == marker {
                        stack.pop();
                        i = end;
                        continue;
                    }
                }
                i = template_step(b, i, &mut stack);
            }
        }
    }
    out
}

/// One step in template text: `$${` and `%%{` are literal, `${` and `%{` open an interpolation.
fn template_step(b: &[u8], i: usize, stack: &mut Vec<Mode>) -> usize {
    match (b[i], b.get(i + 1), b.get(i + 2)) {
        (b'$', Some(b'$'), Some(b'{')) | (b'%', Some(b'%'), Some(b'{')) => i + 3,
        (b'$' | b'%', Some(b'{'), _) => {
            stack.push(Mode::Expression { braces: 0 });
            i + 2
        }
        _ => i + 1,
    }
}

/// `<<ID` or `<<-ID` then a newline: the marker and where the heredoc's first line starts.
fn heredoc_start(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let id_len = rest
        .bytes()
        .take_while(|&c| is_ident_continue(c) && c < 0x80)
        .count();
    if id_len == 0 || !is_ident_start(rest.as_bytes()[0]) {
        return None;
    }
    let after = &rest[id_len..];
    let newline = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))?;
    Some((rest[..id_len].to_string(), text.len() - newline.len()))
}

/// hcl-edit's number grammar: digits, then `.digits` and/or an exponent `e[+-]digits`.
fn number_end(b: &[u8], start: usize) -> usize {
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(j);
        }
    }
    i
}

fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |n| i + n)
}

/// Identifiers start with a letter or `_` (or any non-ASCII letter: its digits are its own).
fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number_in(body: &Body) -> &Formatted<Number> {
        let Some(Expression::Number(n)) = body.attributes().next().map(|a| &a.value) else {
            panic!("not a number attribute");
        };
        n
    }

    #[test]
    fn literals_f64_cannot_hold_parse_and_are_marked() {
        for text in ["1e400", "1E+400", "-1e400", "- 1.5e99999", &"9".repeat(400)] {
            let body = parse_body(&format!("a = {text}\n")).expect(text);
            let lit = number_in(&body);
            let digits = text.trim_start_matches(['-', ' ']);
            assert_eq!(wide_literal(lit), Some(digits), "{text}");
        }
        // Held by f64 (or rounded to zero, which the evaluator checks itself): unmarked.
        for text in ["1e308", "1e-400", "42"] {
            let body = parse_body(&format!("a = {text}\n")).unwrap();
            assert_eq!(wide_literal(number_in(&body)), None, "{text}");
        }
    }

    #[test]
    fn only_literals_in_expressions_are_rewritten() {
        let text = r#"
# 1e400 in a comment
/* 1e400 */
locals {
  s  = "1e400 ${1e400} $${1e400} \" 1e400"
  h  = <<-EOT
    1e400 ${ {a = 1e400}.a } %{ if true }1e400%{ endif }
    EOT
  id = a1e400
  n  = [1e400, 2]
}
"#;
        let wide: Vec<&str> = wide_literals(text, Start::Expression)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(wide, ["1e400", "1e400", "1e400"]);
        let body = parse_body(text).expect("parses once rewritten");
        let shown = body.to_string();
        // The strings keep their digits; only the three literals were zeroed in the copy.
        assert!(shown.contains(r#""1e400 ${0e000"#), "{shown}");
        assert!(shown.contains(r#"$${1e400} \" 1e400""#), "{shown}");
        assert!(shown.contains("    1e400 ${ {a = 0e000"), "{shown}");
        assert!(shown.contains("id = a1e400"), "{shown}");
    }

    #[test]
    fn invalid_input_keeps_its_own_error() {
        let original = hcl_edit::parser::parse_body("a = 1e400 +\n").unwrap_err();
        let ours = parse_body("a = 1e400 +\n").unwrap_err();
        assert_eq!(ours.to_string(), original.to_string());
        assert!(parse_body("a = \"unterminated 1e400\n").is_err());
    }

    /// `1e400` inserted at every character boundary of real files (in strings, heredocs,
    /// comments, identifiers, interpolations): no panic, and when only the rewritten copy
    /// parses, exactly the rewritten ranges are marked literals.
    #[test]
    fn insertions_anywhere_never_panic_or_mark_other_text() {
        use hcl_edit::visit::Visit;
        struct Marked(Vec<String>);
        impl Visit for Marked {
            fn visit_number(&mut self, node: &Formatted<Number>) {
                self.0.extend(wide_literal(node).map(str::to_string));
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = [
            "testdata/hostile/wide-numbers/wide/main.tf",
            "testdata/lsp/terraform/app/network.tf",
            "testdata/hostile/canary/main.tf",
            "testdata/parity/iam-json-string-interpolated/terraform/main.tf",
        ];
        let mut parsed = 0;
        for f in files {
            let text = std::fs::read_to_string(dir.join(f)).expect(f);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let mut t = text.clone();
                t.insert_str(at, "1e400");
                let Ok(body) = parse_body(&t) else { continue };
                if hcl_edit::parser::parse_body(&t).is_ok() {
                    continue;
                }
                // Parsed only once rewritten: every rewritten range is a marked literal (a
                // range inside a string would change the string's value unmarked).
                parsed += 1;
                let mut m = Marked(Vec::new());
                m.visit_body(&body);
                let ranges: Vec<&str> = wide_literals(&t, Start::Expression)
                    .into_iter()
                    .map(|r| &t[r])
                    .collect();
                assert_eq!(m.0, ranges, "{f} with `1e400` at {at}");
            }
        }
        assert!(parsed > 100, "only {parsed} insertions needed the rewrite");
    }

    #[test]
    fn templates_and_expressions() {
        let t = parse_template("n = ${1e400}\n").unwrap();
        assert!(t.to_string().contains("0e000"));
        let Expression::Number(n) = parse_expr("1e400").unwrap() else {
            panic!("not a number");
        };
        assert_eq!(wide_literal(&n), Some("1e400"));
    }
}
