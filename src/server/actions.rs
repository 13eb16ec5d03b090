//! Code actions on a finding: the rule's fix when it is an edit of a known region (the
//! `Diagnostic::edits` SARIF renders as `fixes`), and "suppress with a reason": the comment
//! `config/suppress.rs` reads, on its own line above the reported line (HCL and YAML), or a
//! resource's `Metadata` entry in a JSON template (JSON has no comments). The reason is a
//! placeholder the user replaces; it is not empty, so the suppression applies.

// `WorkspaceEdit::changes` is keyed by `Uri`, whose parsed form caches in a `Cell`; its `Hash`
// and `Eq` read only the text, so the key cannot change under the map (rust-analyzer allows this
// lint for the same type).
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::config::Workspace;
use super::diagnostics::{convert, location};
use super::position::{self, Encoding};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Limits, NodeKind};

pub const PLACEHOLDER_REASON: &str = "TODO: say why this finding does not apply";

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
        if let Some((edit_span, text)) = suppression(d, sources) {
            let at = location(sources, edit_span, workspace, enc);
            let changes = HashMap::from([(
                at.uri,
                vec![TextEdit {
                    range: at.range,
                    new_text: text,
                }],
            )]);
            out.push(action(
                format!("Suppress {} here (with a reason)", d.code),
                &lsp,
                changes,
                false,
            ));
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

/// Where to insert a suppression of `d` and what: `None` for the diagnostics that cannot be
/// suppressed in the source (a file that could not be read, an internal error, the notes about
/// suppressions themselves) and for files with no place for one.
fn suppression(d: &Diagnostic, sources: &SourceMap) -> Option<(Span, String)> {
    if matches!(d.code, "LVL902" | "LVL903" | "LVL904" | "LVL905") {
        return None;
    }
    let file = sources.get(d.span.file);
    let name = file.path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".tf") || name.ends_with(".tfvars") {
        return Some(comment_above(d, file));
    }
    if file.text.trim_start().starts_with('{') {
        // A `.tf.json` file or a JSON template: only a template has a place (`Metadata`).
        return if name.ends_with(".tf.json") {
            None
        } else {
            metadata_entry(d, file)
        };
    }
    Some(comment_above(d, file))
}

/// `# lambda-vpc-lint:ignore LVL001 <reason>` on a line of its own above the reported line,
/// indented like it: it applies to the next line that is not a comment.
fn comment_above(d: &Diagnostic, file: &SourceFile) -> (Span, String) {
    let text = file.text.as_bytes();
    let at = (d.span.start as usize).min(text.len());
    let line_start = text[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    let indent: String = file.text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if file.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let insert = format!(
        "{indent}# lambda-vpc-lint:ignore {} {PLACEHOLDER_REASON}{newline}",
        d.code
    );
    (Span::new(d.span.file, line_start..line_start), insert)
}

/// A `Metadata` entry as the first key of the JSON template resource the finding is in, when
/// it has no `Metadata` yet (merging into an existing one is left to the user).
fn metadata_entry(d: &Diagnostic, file: &SourceFile) -> Option<(Span, String)> {
    let doc = syntax::json::parse(d.span.file, &file.text, &Limits::default()).ok()?;
    let resources = doc.root.get("Resources")?;
    let (_, body) = resources
        .entries()
        .iter()
        .find(|(key, body)| key.span.start <= d.span.start && d.span.start < body.span.end)?;
    let NodeKind::Map(entries) = &body.kind else {
        return None;
    };
    if entries.is_empty() || body.get("Metadata").is_some() {
        return None;
    }
    let first = &entries[0].0;
    let after_brace = body.span.start as usize + 1;
    let indent = {
        let p = file.position(first.span.start);
        " ".repeat(p.column as usize - 1)
    };
    let entry = serde_json::json!({
        "lambda-vpc-lint": { "ignore": [{ "id": d.code, "reason": PLACEHOLDER_REASON }] }
    });
    let insert = format!("\n{indent}\"Metadata\": {entry},");
    Some((Span::new(d.span.file, after_brace..after_brace), insert))
}

/// The byte range of an LSP range in a file.
pub fn offsets(file: &SourceFile, range: Range, enc: Encoding) -> (u32, u32) {
    (
        position::offset(&file.text, range.start, enc) as u32,
        position::offset(&file.text, range.end, enc) as u32,
    )
}
