//! Terraform's JSON syntax (`.tf.json`): translated into equivalent HCL text, which hcl-edit
//! parses like any `.tf` file, so both syntaxes share one evaluator and one lowering.
//!
//! Every piece of generated text remembers the JSON byte range it stands for ([`SpanMap`]); the
//! spans of the parsed HCL are mapped back through it (see [`span_scope`]), so the model points
//! at the JSON file's own bytes.
//!
//! Which object keys are nested blocks and which are attributes cannot be told from JSON alone
//! (Terraform asks the provider schema): [`NESTED_BLOCKS`] lists the block names the lowering
//! reads; every other key is an attribute, which reads the same for our purposes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

use crate::source::FileId;
use crate::syntax::{json, Limits, Node, NodeKind, SyntaxError};

/// Keys that are nested blocks inside resource, data and block bodies.
pub(super) const NESTED_BLOCKS: &[&str] = &[
    "vpc_config",
    "route",
    "ingress",
    "egress",
    "statement",
    "principals",
    "not_principals",
    "condition",
    "environment",
    "inline_policy",
    "dynamic",
    "content",
    "timeouts",
    "lifecycle",
];

/// Generated-text ranges → JSON ranges, sorted by generated offset.
#[derive(Debug, Default, Clone)]
pub struct SpanMap {
    segs: Vec<Seg>,
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    gen: usize,
    gen_len: usize,
    json: usize,
    json_len: usize,
}

impl SpanMap {
    /// The JSON range a generated range stands for. Text copied verbatim maps byte for byte;
    /// synthetic text maps to the start (or end) of the JSON value it was made from.
    pub fn map(&self, r: Range<usize>) -> Range<usize> {
        let start = self.point(r.start, false);
        let end = if r.end > r.start {
            self.point(r.end, true)
        } else {
            start
        };
        start..end.max(start)
    }

    fn point(&self, off: usize, is_end: bool) -> usize {
        // The segment holding `off` (for an end offset: holding the byte before it).
        let probe = if is_end { off.saturating_sub(1) } else { off };
        let i = self.segs.partition_point(|s| s.gen <= probe);
        let Some(seg) = i.checked_sub(1).and_then(|i| self.segs.get(i)) else {
            return 0;
        };
        let rel = off.saturating_sub(seg.gen);
        if seg.gen_len == seg.json_len {
            seg.json + rel.min(seg.json_len)
        } else if is_end {
            seg.json + seg.json_len
        } else {
            seg.json
        }
    }
}

thread_local! {
    /// The span maps of the `.tf.json` files of the unit being loaded on this thread. A unit is
    /// loaded on one thread from start to end, and the span producers are spread over every
    /// lowering file; a scoped table keeps them unaware of the syntax.
    static MAPS: RefCell<HashMap<FileId, SpanMap>> = RefCell::new(HashMap::new());
}

/// Installs span maps for the duration of a load; removes them when dropped.
pub struct SpanScope {
    files: Vec<FileId>,
}

pub fn span_scope(maps: Vec<(FileId, SpanMap)>) -> SpanScope {
    let files = maps.iter().map(|(f, _)| *f).collect();
    MAPS.with(|m| m.borrow_mut().extend(maps));
    SpanScope { files }
}

impl Drop for SpanScope {
    fn drop(&mut self) {
        MAPS.with(|m| {
            let mut m = m.borrow_mut();
            for f in &self.files {
                m.remove(f);
            }
        });
    }
}

/// Maps a parsed range of `file` to its JSON bytes when `file` is a `.tf.json` file.
pub fn remap(file: FileId, r: Range<usize>) -> Range<usize> {
    MAPS.with(|m| match m.borrow().get(&file) {
        Some(map) => map.map(r),
        None => r,
    })
}

/// Translates a `.tf.json` file into HCL text and its span map.
pub fn translate(file: FileId, text: &str) -> Result<(String, SpanMap), SyntaxError> {
    let doc = json::parse(file, text, &Limits::default())?;
    let mut out = Out {
        src: text,
        text: String::new(),
        map: SpanMap::default(),
    };
    let root = &doc.root;
    match &root.kind {
        NodeKind::Map(entries) => {
            for (key, val) in entries {
                let labels = match key.text.as_str() {
                    "resource" | "data" => 2,
                    "variable" | "output" | "module" | "provider" => 1,
                    "locals" => 0,
                    _ => continue,
                };
                out.blocks(&key.text, key.span.range(), val, labels, true);
            }
        }
        // An empty file is an empty module, as in HCL.
        NodeKind::Scalar { text, .. } if text.is_empty() => {}
        _ => {
            return Err(SyntaxError::invalid(
                "a .tf.json file must contain a JSON object".into(),
                root.span,
            ))
        }
    }
    Ok((out.text, out.map))
}

/// Translates a `.tfvars.json` file (an object of variable values, taken literally) into HCL
/// attributes and its span map.
pub fn translate_values(file: FileId, text: &str) -> Result<(String, SpanMap), SyntaxError> {
    let doc = json::parse(file, text, &Limits::default())?;
    let mut out = Out {
        src: text,
        text: String::new(),
        map: SpanMap::default(),
    };
    match &doc.root.kind {
        NodeKind::Map(_) => out.body(&doc.root, Mode::Values),
        NodeKind::Scalar { text, .. } if text.is_empty() => {}
        _ => {
            return Err(SyntaxError::invalid(
                "a .tfvars.json file must contain a JSON object".into(),
                doc.root.span,
            ))
        }
    }
    Ok((out.text, out.map))
}

/// How a body's attributes are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Strings are templates.
    Templates,
    /// A `variable` block: `default`, `description` literal, `type` an expression in a string.
    Variable,
    /// A `.tfvars.json` file: every value literal.
    Values,
}

/// Generated HCL text with its span map (also used by the plan loader, see `plan.rs`).
pub(super) struct Out<'s> {
    pub(super) src: &'s str,
    pub(super) text: String,
    pub(super) map: SpanMap,
}

fn objects(v: &Node) -> Vec<&Node> {
    match &v.kind {
        NodeKind::Map(_) => vec![v],
        NodeKind::Seq(items) => items
            .iter()
            .filter(|i| matches!(i.kind, NodeKind::Map(_)))
            .collect(),
        NodeKind::Scalar { .. } => Vec::new(),
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Out<'_> {
    /// Synthetic text standing for `json`.
    pub(super) fn synth(&mut self, s: &str, json: Range<usize>) {
        self.map.segs.push(Seg {
            gen: self.text.len(),
            gen_len: s.len(),
            json: json.start,
            json_len: json.end.saturating_sub(json.start),
        });
        self.text.push_str(s);
    }

    /// Text copied verbatim from the JSON source.
    fn copy(&mut self, json: Range<usize>) {
        let s = self.src.get(json.clone()).unwrap_or_default();
        self.map.segs.push(Seg {
            gen: self.text.len(),
            gen_len: s.len(),
            json: json.start,
            json_len: s.len(),
        });
        self.text.push_str(s);
    }

    /// `ident "label"... { body }` for every block under `val`, which nests one object level
    /// per label (`{"aws_vpc": {"main": {...}}}`); each level may also be an array of objects.
    fn blocks(&mut self, ident: &str, at: Range<usize>, val: &Node, labels: usize, top: bool) {
        self.blocks_rec(ident, at, val, labels, &mut Vec::new(), top);
    }

    fn blocks_rec(
        &mut self,
        ident: &str,
        at: Range<usize>,
        val: &Node,
        left: usize,
        labels: &mut Vec<Range<usize>>,
        top: bool,
    ) {
        for obj in objects(val) {
            if left == 0 {
                // Findings about a resource point at its name key, the innermost label.
                let head = labels.last().map_or(at.clone(), |l| l.start..l.start);
                self.synth(ident, head);
                for l in labels.iter() {
                    self.synth(" ", l.start..l.start);
                    self.label(l.clone());
                }
                self.synth(" {\n", obj.span.start as usize..obj.span.start as usize + 1);
                let mode = if top && ident == "variable" {
                    Mode::Variable
                } else {
                    Mode::Templates
                };
                self.body(obj, mode);
                let end = obj.span.end as usize;
                self.synth("}\n", end.saturating_sub(1)..end);
                continue;
            }
            for (key, inner) in obj.entries() {
                labels.push(key.span.range());
                self.blocks_rec(ident, at.clone(), inner, left - 1, labels, top);
                labels.pop();
            }
        }
    }

    /// A label: the JSON key as an HCL quoted string.
    fn label(&mut self, key: Range<usize>) {
        let raw = self.src.get(key.clone()).unwrap_or_default();
        if raw.contains('\\') {
            let decoded = serde_json::from_str::<String>(raw).unwrap_or_default();
            self.synth(&quote_literal(&decoded), key);
        } else {
            self.copy(key);
        }
    }

    /// A block body: nested blocks by [`NESTED_BLOCKS`], attributes otherwise. In a `variable`
    /// block, `default` is a literal value, not a template.
    fn body(&mut self, obj: &Node, mode: Mode) {
        let is_variable = mode == Mode::Variable;
        for (key, val) in obj.entries() {
            let k = key.text.as_str();
            if k == "//" || !is_ident(k) {
                continue;
            }
            if mode != Mode::Values && NESTED_BLOCKS.contains(&k) && !objects(val).is_empty() {
                let labels = usize::from(k == "dynamic");
                self.blocks(k, key.span.range(), val, labels, false);
                continue;
            }
            let ks = key.span.start as usize;
            self.synth(k, ks + 1..ks + 1 + k.len());
            self.synth(" = ", key.span.end as usize..key.span.end as usize);
            let literal = mode == Mode::Values
                || (is_variable && matches!(k, "default" | "description" | "type"));
            if is_variable && k == "type" {
                // A type constraint is written as a string holding the type expression.
                if let Some(t) = val.as_str() {
                    if !t.contains('\n') && !t.is_empty() {
                        self.synth(t, val.span.range());
                        self.synth("\n", val.span.end as usize..val.span.end as usize);
                        continue;
                    }
                }
            }
            self.expr(val, literal);
            self.synth("\n", val.span.end as usize..val.span.end as usize);
        }
    }

    /// A value: strings are templates (or literals), numbers and keywords are copied, arrays and
    /// objects become HCL tuples and objects.
    pub(super) fn expr(&mut self, v: &Node, literal: bool) {
        let r = v.span.range();
        match &v.kind {
            NodeKind::Scalar { text, quoted } => {
                let raw = self.src.get(r.clone()).unwrap_or_default();
                if !*quoted {
                    self.copy(r);
                } else if literal {
                    self.synth(&quote_literal(text), r);
                } else if raw.contains('\\') {
                    self.synth(&quote_template(text), r);
                } else {
                    self.copy(r);
                }
            }
            NodeKind::Seq(items) => {
                self.synth("[", r.start..r.start + 1);
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        self.synth(",\n", it.span.start as usize..it.span.start as usize);
                    }
                    self.expr(it, literal);
                }
                self.synth("]", r.end.saturating_sub(1)..r.end);
            }
            NodeKind::Map(entries) => {
                self.synth("{\n", r.start..r.start + 1);
                for (key, val) in entries {
                    if literal {
                        self.synth(&quote_literal(&key.text), key.span.range());
                    } else {
                        self.label(key.span.range());
                    }
                    self.synth(" = ", key.span.end as usize..key.span.end as usize);
                    self.expr(val, literal);
                    self.synth("\n", val.span.end as usize..val.span.end as usize);
                }
                self.synth("}", r.end.saturating_sub(1)..r.end);
            }
        }
    }
}

/// An HCL string whose content is taken literally (template sequences escaped).
pub(super) fn quote_literal(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            _ => escape_char(c, &mut out),
        }
    }
    out.push('"');
    out
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// An HCL quoted template from decoded JSON template text: literal parts are escaped, the
/// `${...}` / `%{...}` sequences are copied as they are (their inner strings included).
fn quote_template(s: &str) -> String {
    #[derive(Clone, Copy)]
    enum Frame {
        Interp(u32),
        Str,
    }
    let mut out = String::from("\"");
    let mut stack: Vec<Frame> = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match stack.last_mut() {
            None => match c {
                '$' | '%' if chars.peek() == Some(&c) => {
                    // `$${` is an escaped `${`: keep both characters.
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    stack.push(Frame::Interp(1));
                }
                c => escape_char(c, &mut out),
            },
            Some(Frame::Interp(depth)) => {
                out.push(c);
                match c {
                    '{' => *depth += 1,
                    '}' => {
                        *depth -= 1;
                        if *depth == 0 {
                            stack.pop();
                        }
                    }
                    '"' => stack.push(Frame::Str),
                    _ => {}
                }
            }
            Some(Frame::Str) => {
                out.push(c);
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    }
                    '"' => {
                        stack.pop();
                    }
                    '$' | '%' if chars.peek() == Some(&'{') => {
                        out.push('{');
                        chars.next();
                        stack.push(Frame::Interp(1));
                    }
                    _ => {}
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(json: &str) -> String {
        translate(FileId(0), json)
            .map(|(t, _)| t)
            .unwrap_or_default()
    }

    #[test]
    fn blocks_attributes_and_labels() {
        let t = hcl(
            r#"{"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "x"}}}},
                "variable": {"v": {"type": "list(string)", "default": ["${a}"]}},
                "locals": [{"a": 1}, {"b": true}]}"#,
        );
        let body = hcl_edit::parser::parse_body(&t).expect("valid HCL");
        let blocks: Vec<_> = body.blocks().collect();
        assert_eq!(blocks.len(), 4, "{t}");
        assert!(t.contains("type = list(string)"), "{t}");
        assert!(
            t.contains("\"$${a}\""),
            "a variable default is literal: {t}"
        );
    }

    #[test]
    fn templates_with_escaped_quotes_keep_their_inner_strings() {
        assert_eq!(
            quote_template("a\"b ${join(\",\", x)} \\"),
            r#""a\"b ${join(",", x)} \\""#
        );
        assert_eq!(quote_template("$${x}"), "\"$${x}\"");
        assert_eq!(
            quote_template("${f(\"${y}\")}"),
            "\"${f(\"${y}\")}\"",
            "nested template in an interpolation"
        );
    }

    #[test]
    fn spans_map_back_to_json_bytes() {
        let json = r#"{"resource": {"aws_subnet": {"a": {"cidr_block": "10.0.1.0/24"}}}}"#;
        let (t, map) = translate(FileId(0), json).expect("translates");
        let body = hcl_edit::parser::parse_body(&t).expect("valid HCL");
        let block = body.blocks().next().expect("block");
        let attr = block.body.get_attribute("cidr_block").expect("attr");
        let r = hcl_edit::Span::span(&attr.value).expect("span");
        assert_eq!(json.get(map.map(r)), Some("\"10.0.1.0/24\""));
        let label = block.labels.first().expect("label");
        let r = hcl_edit::Span::span(label).expect("span");
        assert_eq!(json.get(map.map(r)), Some("\"aws_subnet\""));
    }

    #[test]
    fn not_an_object_is_an_error() {
        assert!(translate(FileId(0), "[1]").is_err());
        assert!(translate(FileId(0), "{").is_err());
        assert_eq!(hcl("  "), "");
    }
}
