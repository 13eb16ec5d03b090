//! The value of a `Ref` to a template parameter: its `Default`, read by the parameter's type.
//! Values given at deploy time cannot be seen, so a parameter without a default is unknown.

use super::intrinsics::{Ev, Item};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// `use_span` is where the parameter is referenced: list items taken from the default are
/// reported there, inside the resource that uses them.
pub(crate) fn value<'a>(name: &str, decl: &'a Node, use_span: Span) -> Ev<'a> {
    let kind = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    if kind.starts_with("AWS::SSM::Parameter::Value") {
        return Ev::unknown(format!(
            "parameter `{name}` is read from SSM Parameter Store at deployment"
        ));
    }
    let Some(default) = decl.get("Default") else {
        return Ev::unknown(format!("parameter `{name}` has no default"));
    };
    let is_list = kind == "CommaDelimitedList" || kind.starts_with("List<");
    match &default.kind {
        NodeKind::Scalar { text, .. } if is_list => {
            let items = if text.trim().is_empty() {
                Vec::new()
            } else {
                text.split(',')
                    .map(|s| Item {
                        value: Ev::Str(s.trim().to_string()),
                        span: use_span,
                    })
                    .collect()
            };
            Ev::List(items)
        }
        NodeKind::Scalar { text, .. } => Ev::Str(text.clone()),
        NodeKind::Seq(items) => Ev::List(
            items
                .iter()
                .filter_map(Node::as_str)
                .map(|s| Item {
                    value: Ev::Str(s.to_string()),
                    span: use_span,
                })
                .collect(),
        ),
        NodeKind::Map(_) => Ev::unknown(format!("parameter `{name}` has a mapping as default")),
    }
}
