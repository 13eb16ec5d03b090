//! Code actions on a finding: the rule's fix when it is an edit of a known region (the
//! `Diagnostic::edits` SARIF renders as `fixes`), and "suppress with a reason" where a
//! suppression can apply (`suppression.rs` decides where). The reason is a placeholder the user
//! replaces; it is not empty, so the suppression applies.

// `WorkspaceEdit::changes` is keyed by `Uri`, whose parsed form caches in a `Cell`; its `Hash`
// and `Eq` read only the text, so the key cannot change under the map (rust-analyzer allows this
// lint for the same type).
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::config::Workspace;
use super::diagnostics::{convert, location};
use super::position::{self, Encoding};
use super::suppression;
use crate::source::{FileId, SourceFile, SourceMap};

/// The actions for the findings of `file` that overlap `start..=end` (byte offsets).
pub fn actions(
    report: &crate::engine::Report,
    sources: &SourceMap,
    file: FileId,
    (start, end): (u32, u32),
    workspace: &Workspace,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let here = report
        .diagnostics
        .iter()
        .filter(|d| d.span.file == file && d.span.start <= end && start <= d.span.end);
    for d in here {
        let lsp = convert(d, sources, workspace, enc);
        if !d.edits.is_empty() {
            let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
            for e in &d.edits {
                let at = location(sources, e.span, workspace, enc);
                changes.entry(at.uri).or_default().push(TextEdit {
                    range: at.range,
                    new_text: e.replacement.clone(),
                });
            }
            let what = d
                .fix
                .as_deref()
                .and_then(|f| f.lines().next())
                .unwrap_or("apply the fix");
            out.push(action(
                format!("Fix {}: {}", d.code, what.trim_end_matches(':')),
                &lsp,
                changes,
                true,
            ));
        }
        if let Some(p) = suppression::placement(d, sources) {
            let at = location(sources, p.at, workspace, enc);
            let changes = HashMap::from([(
                at.uri,
                vec![TextEdit {
                    range: at.range,
                    new_text: p.text,
                }],
            )]);
            let title = match p.above {
                None => format!("Suppress {} here (with a reason)", d.code),
                Some(header) => format!(
                    "Suppress {} in the enclosing `{}` (with a reason)",
                    d.code,
                    header.trim_end_matches(['{', ' '])
                ),
            };
            out.push(action(title, &lsp, changes, false));
        }
    }
    out
}

fn action(
    title: String,
    diagnostic: &lsp_types::Diagnostic,
    changes: HashMap<lsp_types::Uri, Vec<TextEdit>>,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// The byte range of an LSP range in a file.
pub fn offsets(file: &SourceFile, range: Range, enc: Encoding) -> (u32, u32) {
    (
        position::offset(&file.text, range.start, enc) as u32,
        position::offset(&file.text, range.end, enc) as u32,
    )
}
