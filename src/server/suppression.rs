//! Where "suppress with a reason" writes, and what. The suppression must apply to the finding
//! and must change no value of the file:
//!
//! - HCL (`.tf`, `.tfvars`) and YAML: a `# lambda-vpc-lint:ignore LVL… <reason>` comment on a
//!   line of its own, above the finding's line or, when that line is inside a string (a heredoc,
//!   a YAML block scalar, a multi-line quoted scalar) where a comment would become text, above
//!   the header of the innermost enclosing block or mapping key (`config/suppress.rs` reads a
//!   comment above a block's header as covering the block);
//! - a JSON template: a `Metadata` entry of the resource (JSON has no comments);
//! - a `.tf.json` file: nothing. The suppression parser reads no suppression there (it has no
//!   comment syntax and `"//"` properties are not read), so no action is offered.
//!
//! Each candidate edit is checked, not assumed: the edited text is parsed again and must hold
//! the same values as before (comments aside), and the suppression pass the CLI runs must
//! suppress the finding in it. The first candidate that passes is offered; none, no action.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Limits, Node, NodeKind};

pub const PLACEHOLDER_REASON: &str = "TODO: say why this finding does not apply";

/// Enclosing blocks tried before giving up (a deeper nesting is not worth parsing again).
const MAX_CANDIDATES: usize = 24;

/// A suppression to insert: where (an empty span), the text, and the enclosing header it is
/// placed above, when it is not the finding's own line.
pub struct Placement {
    pub at: Span,
    pub text: String,
    pub above: Option<String>,
}

/// Where to insert a suppression of `d` and what: `None` for the diagnostics that cannot be
/// suppressed in the source (a file that could not be read, an internal error, the notes about
/// suppressions themselves) and where no edit would both apply and keep the file's values.
pub fn placement(d: &Diagnostic, sources: &SourceMap) -> Option<Placement> {
    if matches!(d.code, "LVL902" | "LVL903" | "LVL904" | "LVL905") {
        return None;
    }
    let file = sources.get(d.span.file);
    let name = file.path.to_string_lossy().to_ascii_lowercase();
    let format = if name.ends_with(".tf") || name.ends_with(".tfvars") {
        Format::Hcl
    } else if name.ends_with(".tf.json") {
        return None;
    } else if file.text.trim_start().starts_with('{') {
        return metadata_entry(d, file).filter(|p| suppresses(d, file, p));
    } else {
        Format::Yaml
    };
    let parsed = Parsed::new(format, &file.text)?;
    let start = d.span.start as usize;
    let mut lines = vec![(line_start(&file.text, start), None)];
    for header in parsed.enclosing_headers(start) {
        let at = line_start(&file.text, header);
        let shown = file.text[at..].lines().next().unwrap_or_default().trim();
        lines.push((at, Some(shown.to_string())));
    }
    lines.dedup_by_key(|(at, _)| *at);
    lines
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|(at, above)| Placement {
            at: Span::new(d.span.file, at..at),
            text: comment(d.code, &file.text, at),
            above,
        })
        .find(|p| parsed.same_values(&insert(&file.text, p)) && suppresses(d, file, p))
}

#[derive(Clone, Copy)]
enum Format {
    Hcl,
    Yaml,
}

/// The file as parsed: to find enclosing blocks and to compare values after an edit.
enum Parsed {
    Hcl(hcl_edit::structure::Body),
    Yaml(Node),
}

impl Parsed {
    fn new(format: Format, text: &str) -> Option<Self> {
        match format {
            Format::Hcl => syntax::hcl::parse_body(text).ok().map(Parsed::Hcl),
            Format::Yaml => syntax::yaml::parse(FileId(0), text, &Limits::default())
                .ok()
                .map(|d| Parsed::Yaml(d.root)),
        }
    }

    /// Whether `text` parses to the same values (hcl-edit's equality ignores comments, layout
    /// and spans; YAML nodes are compared without their spans).
    fn same_values(&self, text: &str) -> bool {
        match (self, Parsed::new(self.format(), text)) {
            (Parsed::Hcl(a), Some(Parsed::Hcl(b))) => *a == b,
            (Parsed::Yaml(a), Some(Parsed::Yaml(b))) => same_nodes(a, &b),
            _ => false,
        }
    }

    fn format(&self) -> Format {
        match self {
            Parsed::Hcl(_) => Format::Hcl,
            Parsed::Yaml(_) => Format::Yaml,
        }
    }

    /// The header offsets of the blocks (HCL) or mapping keys and list items (YAML) that
    /// enclose `offset`, innermost first.
    fn enclosing_headers(&self, offset: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        match self {
            Parsed::Hcl(body) => {
                use hcl_edit::Span as _;
                // An explicit stack: nesting is as deep as the input.
                let mut stack = vec![body];
                while let Some(body) = stack.pop() {
                    for b in body.blocks() {
                        let Some(range) = b.span() else { continue };
                        if range.contains(&offset) {
                            out.push(b.ident.span().map_or(range.start, |s| s.start));
                            stack.push(&b.body);
                        }
                    }
                }
            }
            Parsed::Yaml(root) => {
                let at = offset as u32;
                let mut stack = vec![root];
                while let Some(node) = stack.pop() {
                    for (key, value) in node.entries() {
                        if key.span.start <= at && at < value.span.end.max(key.span.end) {
                            out.push(key.span.start as usize);
                            stack.push(value);
                        }
                    }
                    for item in node.items() {
                        if item.span.start <= at && at < item.span.end {
                            out.push(item.span.start as usize);
                            stack.push(item);
                        }
                    }
                }
            }
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }
}

/// Two YAML trees with the same tags, keys and scalars (spans aside), without recursion.
fn same_nodes(a: &Node, b: &Node) -> bool {
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        if a.tag.as_ref().map(|t| &t.0) != b.tag.as_ref().map(|t| &t.0) {
            return false;
        }
        match (&a.kind, &b.kind) {
            (NodeKind::Scalar { .. }, NodeKind::Scalar { .. }) if a.kind != b.kind => return false,
            (NodeKind::Scalar { .. }, NodeKind::Scalar { .. }) => {}
            (NodeKind::Seq(x), NodeKind::Seq(y)) if x.len() == y.len() => {
                stack.extend(x.iter().zip(y));
            }
            (NodeKind::Map(x), NodeKind::Map(y)) if x.len() == y.len() => {
                for ((kx, vx), (ky, vy)) in x.iter().zip(y) {
                    if kx.text != ky.text {
                        return false;
                    }
                    stack.push((vx, vy));
                }
            }
            _ => return false,
        }
    }
    true
}

/// Whether the suppression pass of a run suppresses `d` once `p` is applied to its file.
fn suppresses(d: &Diagnostic, file: &SourceFile, p: &Placement) -> bool {
    let text = insert(&file.text, p);
    let shift = p.text.len() as u32;
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(
        file.path.clone(),
        file.display.clone(),
        text,
    ));
    let moved = |at: u32| if at >= p.at.start { at + shift } else { at };
    let finding = Diagnostic {
        span: Span::new(id, moved(d.span.start) as usize..moved(d.span.end) as usize),
        proof: Vec::new(),
        edits: Vec::new(),
        ..d.clone()
    };
    let mut report = crate::engine::Report {
        diagnostics: vec![finding],
        ..Default::default()
    };
    let selection = crate::outcome::Selection {
        only: &[],
        skip: &[],
    };
    crate::config::finish(
        &mut report,
        &sources,
        &crate::config::Settings::off(),
        selection,
    );
    report.suppressed.len() == 1
}

fn insert(text: &str, p: &Placement) -> String {
    let at = p.at.start as usize;
    format!("{}{}{}", &text[..at], p.text, &text[at..])
}

fn line_start(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// `# lambda-vpc-lint:ignore LVL001 <reason>` on a line of its own, indented like the line it is
/// inserted above, with the file's line ending.
fn comment(code: &str, text: &str, line_start: usize) -> String {
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    format!("{indent}# lambda-vpc-lint:ignore {code} {PLACEHOLDER_REASON}{newline}")
}

/// A `Metadata` entry as the first key of the JSON template resource the finding is in, or the
/// `lambda-vpc-lint` entry as the first key of its `Metadata` when it has one without it
/// (merging into an existing `lambda-vpc-lint` entry is left to the user).
fn metadata_entry(d: &Diagnostic, file: &SourceFile) -> Option<Placement> {
    let doc = syntax::json::parse(d.span.file, &file.text, &Limits::default()).ok()?;
    let resources = doc.root.get("Resources")?;
    let (key, body) = resources
        .entries()
        .iter()
        .find(|(key, body)| key.span.start <= d.span.start && d.span.start < body.span.end)?;
    let ignore = serde_json::json!({ "ignore": [{ "id": d.code, "reason": PLACEHOLDER_REASON }] });
    let (map, entry, parent) = match body.get("Metadata") {
        None => (
            body,
            format!(
                "\"Metadata\": {}",
                serde_json::json!({ "lambda-vpc-lint": ignore })
            ),
            key.span.start,
        ),
        Some(m) if m.get("lambda-vpc-lint").is_none() => {
            let at = body
                .entries()
                .iter()
                .find(|(k, _)| k.text == "Metadata")?
                .0
                .span
                .start;
            (m, format!("\"lambda-vpc-lint\": {ignore}"), at)
        }
        Some(_) => return None,
    };
    let NodeKind::Map(entries) = &map.kind else {
        return None;
    };
    // Like the entries below the brace, or two more than the key that holds the map.
    let brace_line = file.position(map.span.start).line;
    let column = match entries.first().map(|(k, _)| file.position(k.span.start)) {
        Some(p) if p.line != brace_line => p.column as usize - 1,
        _ => file.position(parent).column as usize + 1,
    };
    let comma = if entries.is_empty() { "" } else { "," };
    let after_brace = map.span.start as usize + 1;
    Some(Placement {
        at: Span::new(d.span.file, after_brace..after_brace),
        text: format!("\n{}{entry}{comma}", " ".repeat(column)),
        above: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn finding(code: &'static str, file: FileId, text: &str, at: &str) -> Diagnostic {
        let start = text.find(at).unwrap();
        Diagnostic {
            code,
            slug: "",
            severity: Severity::Error,
            edits: Vec::new(),
            fingerprint: String::new(),
            message: String::new(),
            span: Span::new(file, start..start + at.len()),
            proof: Vec::new(),
            fix: None,
        }
    }

    /// The text after the suppression of the finding at `at`, if one is offered.
    fn suppressed(name: &str, text: &str, at: &str) -> Option<String> {
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(name.into(), name.into(), text.into()));
        let d = finding("LVL103", id, text, at);
        placement(&d, &sources).map(|p| insert(text, &p))
    }

    const IGNORE: &str =
        "# lambda-vpc-lint:ignore LVL103 TODO: say why this finding does not apply";

    #[test]
    fn inside_a_heredoc_the_comment_goes_above_the_enclosing_block() {
        let text = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOT\n{\"Effect\": \"Deny\"}\nEOT\n}\n";
        let got = suppressed("main.tf", text, "\"Effect\"").unwrap();
        assert_eq!(got, format!("{IGNORE}\n{text}"));
        // On the attribute's own line: right above it.
        let got = suppressed("main.tf", text, "<<EOT").unwrap();
        assert_eq!(
            got,
            text.replace("  policy", &format!("  {IGNORE}\n  policy"))
        );
        // Inside a list spanning lines, a comment is legal: right above.
        let list = "resource \"a\" \"b\" {\n  x = [\n    1,\n    2,\n  ]\n}\n";
        let got = suppressed("main.tf", list, "2,").unwrap();
        assert_eq!(
            got,
            list.replace("    2,", &format!("    {IGNORE}\n    2,"))
        );
    }

    #[test]
    fn inside_a_yaml_block_scalar_the_comment_goes_above_the_enclosing_key() {
        let text = "\
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument: |
        {\"Effect\": \"Deny\"}
";
        let got = suppressed("t.yaml", text, "{\"Effect\"").unwrap();
        assert_eq!(
            got,
            text.replace("    Properties:", &format!("    {IGNORE}\n    Properties:"))
        );
        // A double-quoted scalar over two lines: a comment line would be text too.
        let quoted = "\
Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument: \"{\\\"Effect\\\":
        \\\"Deny\\\"}\"
";
        let got = suppressed("t.yaml", quoted, "\\\"Deny").unwrap();
        assert_eq!(
            got,
            quoted.replace("    Properties:", &format!("    {IGNORE}\n    Properties:"))
        );
        let folded = text.replace('|', ">-");
        let got = suppressed("t.yaml", &folded, "{\"Effect\"").unwrap();
        assert!(
            got.contains(&format!("    {IGNORE}\n    Properties:")),
            "{got}"
        );
    }

    #[test]
    fn no_action_where_no_suppression_can_apply() {
        // `.tf.json`: the suppression parser reads nothing there.
        let tf_json =
            "{\n  \"resource\": {\n    \"aws_iam_policy\": {\"p\": {\"policy\": \"x\"}}\n  }\n}\n";
        assert_eq!(suppressed("main.tf.json", tf_json, "\"x\""), None);
        // A heredoc outside any block, in a `.tfvars` file: no enclosing header to go above.
        let tfvars = "policy = <<EOT\n{\"Effect\": \"Deny\"}\nEOT\n";
        assert_eq!(suppressed("x.tfvars", tfvars, "{\"Effect\""), None);
        // A JSON template resource: its `Metadata`.
        let json = "{\"Resources\": {\"P\": {\n  \"Type\": \"AWS::IAM::Policy\"\n}}}";
        let got = suppressed("t.json", json, "\"Type\"").unwrap();
        assert!(got.contains("\"Metadata\": {\"lambda-vpc-lint\""), "{got}");
        // One with `Metadata` already: the entry goes into it.
        let json = "{\"Resources\": {\"P\": {\n  \"Metadata\": {\"x\": 1},\n  \"Type\": \"AWS::IAM::Policy\"\n}}}";
        let got = suppressed("t.json", json, "\"Type\"").unwrap();
        assert!(
            got.contains("\"Metadata\": {\n    \"lambda-vpc-lint\": {\"ignore\""),
            "{got}"
        );
        assert!(got.contains("}]},\"x\": 1}"), "{got}");
        let json = json.replace("{\"x\": 1}", "{}");
        assert!(suppressed("t.json", &json, "\"Type\"").is_some());
        let taken = json.replace("{}", "{\"lambda-vpc-lint\": {}}");
        assert_eq!(suppressed("t.json", &taken, "\"Type\""), None);
    }
}
