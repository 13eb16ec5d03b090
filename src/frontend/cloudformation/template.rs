//! The sections of a template as borrowed views of the syntax tree: parameters, mappings,
//! conditions, resources (in source order), SAM `Globals`.

use std::collections::HashMap;

use crate::source::Span;
use crate::syntax::{Document, Node, NodeKind};

/// One entry of `Resources`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource<'a> {
    pub id: &'a str,
    /// The logical-id key: where findings about the resource are reported.
    pub key_span: Span,
    pub kind: &'a str,
    /// `Properties` (for SAM functions, after the `Globals` merge).
    pub props: Option<&'a Node>,
    pub condition: Option<&'a str>,
    pub metadata: Option<&'a Node>,
}

impl<'a> Resource<'a> {
    pub fn prop(&self, name: &str) -> Option<&'a Node> {
        self.props.and_then(|p| p.get(name))
    }
}

#[derive(Debug)]
pub(crate) struct Template<'a> {
    pub parameters: HashMap<&'a str, &'a Node>,
    pub mappings: Option<&'a Node>,
    pub conditions: HashMap<&'a str, &'a Node>,
    pub resources: Vec<Resource<'a>>,
    pub by_id: HashMap<&'a str, usize>,
    /// SAM `Globals.Function`.
    pub globals_function: Option<&'a Node>,
    pub outputs: Option<&'a Node>,
}

/// What is wrong with a template's structure (reported as a parse error).
pub(crate) struct Malformed {
    pub message: String,
    pub span: Span,
}

impl<'a> Template<'a> {
    pub fn read(doc: &'a Document, problems: &mut Vec<Malformed>) -> Template<'a> {
        let root = &doc.root;
        let section = |name: &str| -> HashMap<&'a str, &'a Node> {
            let mut m = HashMap::new();
            if let Some(node) = root.get(name) {
                for (k, v) in node.entries() {
                    m.entry(k.text.as_str()).or_insert(v);
                }
            }
            m
        };
        let mut resources = Vec::new();
        let mut by_id = HashMap::new();
        match root.get("Resources") {
            None => {}
            Some(node) if !matches!(node.kind, NodeKind::Map(_)) => problems.push(Malformed {
                message: "`Resources` must be a mapping of logical ids to resources".into(),
                span: node.span,
            }),
            Some(node) => {
                for (key, res) in node.entries() {
                    let Some(kind) = res.get("Type").and_then(Node::as_str) else {
                        problems.push(Malformed {
                            message: format!("resource `{}` has no `Type`", key.text),
                            span: key.span,
                        });
                        continue;
                    };
                    if by_id.contains_key(key.text.as_str()) {
                        continue; // duplicate keys are the parser's diagnostic; the first wins
                    }
                    by_id.insert(key.text.as_str(), resources.len());
                    resources.push(Resource {
                        id: &key.text,
                        key_span: key.span,
                        kind,
                        props: res.get("Properties"),
                        condition: res.get("Condition").and_then(Node::as_str),
                        metadata: res.get("Metadata"),
                    });
                }
            }
        }
        Template {
            parameters: section("Parameters"),
            mappings: root.get("Mappings"),
            conditions: section("Conditions"),
            resources,
            by_id,
            globals_function: root.get("Globals").and_then(|g| g.get("Function")),
            outputs: root.get("Outputs"),
        }
    }

    pub fn resource(&self, id: &str) -> Option<&Resource<'a>> {
        self.by_id.get(id).and_then(|&i| self.resources.get(i))
    }
}

/// The span of a node including its YAML tag (`!Ref X` starts at the `!`).
pub(crate) fn full_span(node: &Node) -> Span {
    match &node.tag {
        Some((_, tag)) if tag.start < node.span.start => Span {
            file: node.span.file,
            start: tag.start,
            end: node.span.end,
        },
        _ => node.span,
    }
}
