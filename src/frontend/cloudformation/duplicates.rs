//! Duplicate mapping keys in a template. AWS documents that CloudFormation may accept a template
//! with a duplicated section but behaves in an undefined way; cfn-lint refuses such templates
//! (E0000), and YAML 1.2 forbids them. Which value would win is unknowable, so the template is
//! reported (LVL901, at the second key) and not linted: nothing is guessed.
//!
//! Except inside the top-level `Outputs` and `Metadata`: no rule reads a value there, and the
//! one use of `Outputs` (which resources leave the template) walks every entry, duplicates
//! included, so it errs towards "exposed" (unknown). Real templates have duplicated outputs.

use std::collections::HashMap;

use crate::source::{SourceFile, Span};
use crate::syntax::{Key, Node, NodeKind, SyntaxError};

/// The duplicated key that comes first in the document, if any (walked with an explicit stack:
/// the tree may be as deep as the parser limits allow).
pub(super) fn first_duplicate_key(root: &Node, file: &SourceFile) -> Option<SyntaxError> {
    let mut found = duplicate_in(root.entries());
    let mut stack: Vec<&Node> = root
        .entries()
        .iter()
        .filter(|(key, _)| key.text != "Outputs" && key.text != "Metadata")
        .map(|(_, value)| value)
        .collect();
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                if let Some(dup) = duplicate_in(entries) {
                    if found.is_none_or(|(_, _, at)| dup.2.start < at.start) {
                        found = Some(dup);
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

/// The first key of `entries` that repeats an earlier one: (text, first span, repeated span).
fn duplicate_in(entries: &[(Key, Node)]) -> Option<(&str, Span, Span)> {
    // Most mappings are small: comparing pairs beats hashing every key.
    if entries.len() <= 12 {
        return entries.iter().enumerate().find_map(|(i, (key, _))| {
            entries[..i]
                .iter()
                .find(|(earlier, _)| earlier.text == key.text)
                .map(|(earlier, _)| (key.text.as_str(), earlier.span, key.span))
        });
    }
    let mut seen = HashMap::with_capacity(entries.len());
    entries.iter().find_map(|(key, _)| {
        seen.insert(key.text.as_str(), key.span)
            .map(|first| (key.text.as_str(), first, key.span))
    })
}
