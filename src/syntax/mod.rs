//! Syntax trees for YAML and JSON templates. Both parsers build the same [`Node`] tree, so the
//! CloudFormation front end reads one shape whatever the file format. `hcl` wraps hcl-edit's
//! parser for the one valid Terraform input it rejects.

pub mod hcl;
pub mod json;
pub mod yaml;

use crate::source::Span;

/// Limits that keep hostile input bounded (nesting depth; node count).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes: 2_000_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// A YAML tag such as `!Ref`, with the span of the tag token itself.
    pub tag: Option<(String, Span)>,
    /// The node's value (for a tagged node, the value after the tag).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar's text as written (after unquoting/unescaping). `quoted` is false for plain YAML
    /// scalars and JSON numbers/booleans/null, true for quoted YAML and JSON strings; CloudFormation
    /// resolves plain `true`/`yes`/`null` by YAML 1.1 rules, quoted text never.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in source order; duplicate keys are kept (a duplicate is itself a diagnostic).
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

/// A comment with its span (without the `#`), kept for inline suppressions.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: Node,
    pub comments: Vec<Comment>,
}

/// A parse failure at a position.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    pub kind: SyntaxErrorKind,
}

/// Whether the input is broken, or valid but refused (reported as LVL900 vs LVL901).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Not valid YAML/JSON.
    Invalid,
    /// Valid, but not accepted by CloudFormation (anchors, aliases, several documents, complex
    /// keys) or beyond a safety limit (depth, node count).
    Unsupported,
}

impl SyntaxError {
    pub fn invalid(message: String, span: Span) -> Self {
        SyntaxError {
            message,
            span,
            kind: SyntaxErrorKind::Invalid,
        }
    }
    pub fn unsupported(message: String, span: Span) -> Self {
        SyntaxError {
            message,
            span,
            kind: SyntaxErrorKind::Unsupported,
        }
    }
}

impl Node {
    /// The value of key `k` in a map node.
    pub fn get(&self, k: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(key, _)| key.text == k)
                .map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Helpers shared by the YAML and JSON parser tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{Document, Limits, Node, NodeKind, SyntaxError};
    use crate::source::{FileId, SourceFile};

    pub type ParseFn = fn(FileId, &str, &Limits) -> Result<Document, SyntaxError>;

    pub fn parse_ok(parse: ParseFn, text: &str) -> Document {
        match parse(FileId(0), text, &Limits::default()) {
            Ok(d) => d,
            Err(e) => panic!("parse failed: {e:?}"),
        }
    }

    pub fn parse_err(parse: ParseFn, text: &str) -> SyntaxError {
        match parse(FileId(0), text, &Limits::default()) {
            Ok(d) => panic!("expected an error, got {:?}", d.root),
            Err(e) => e,
        }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn lc(text: &str, offset: u32) -> (u32, u32) {
        let p = SourceFile::new("t".into(), "t".into(), text.to_string()).position(offset);
        (p.line, p.column)
    }

    /// A mapping's entries as (key, (scalar text, quoted)).
    pub fn scalar_entries(node: &Node) -> Vec<(&str, (&str, bool))> {
        node.entries()
            .iter()
            .map(|(k, v)| (k.text.as_str(), scalar(v)))
            .collect()
    }

    pub fn scalar(node: &Node) -> (&str, bool) {
        match &node.kind {
            NodeKind::Scalar { text, quoted } => (text, *quoted),
            other => panic!("not a scalar: {other:?}"),
        }
    }
}
