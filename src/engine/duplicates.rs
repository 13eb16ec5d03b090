//! Duplicate mapping keys in a template. AWS documents that CloudFormation may accept a template
//! with a duplicated section but behaves in an undefined way; cfn-lint refuses such templates
//! (E0000), and YAML 1.2 forbids them. Which value would win is unknowable, so the template is
//! reported (LVL901, at the second key) and not linted: nothing is guessed.

use std::collections::HashMap;

use crate::source::{SourceFile, Span};
use crate::syntax::{Node, NodeKind, SyntaxError};

/// The first duplicated key in document order (walked with an explicit stack: the tree may be as
/// deep as the parser limits allow).
pub(super) fn first_duplicate_key(root: &Node, file: &SourceFile) -> Option<SyntaxError> {
    let mut stack = vec![root];
    let mut found: Option<(&str, Span, Span)> = None;
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut seen = HashMap::with_capacity(entries.len());
                for (key, _) in entries {
                    if let Some(first) = seen.insert(key.text.as_str(), key.span) {
                        if found.is_none_or(|(_, _, at)| key.span.start < at.start) {
                            found = Some((key.text.as_str(), first, key.span));
                        }
                        break;
                    }
                }
                stack.extend(entries.iter().map(|(_, value)| value));
            }
            NodeKind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    found.map(|(text, first, second)| {
        SyntaxError::unsupported(
            format!(
                "duplicate key `{text}` (first on line {}): CloudFormation's behaviour with \
                 duplicate keys is undefined, so this template was not linted",
                file.position(first.start).line
            ),
            second,
        )
    })
}
