//! Findings as LSP diagnostics: severity, the rule's code with a link to its documentation (the
//! `helpUri` SARIF gives, the rule's first reference), the message, and the proof path as
//! related information, each step at its location (usually in another file).

use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::config::Workspace;
use super::position::{self, Encoding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

pub const SOURCE: &str = "lambda-vpc-lint";

pub fn convert(
    d: &Diagnostic,
    sources: &SourceMap,
    workspace: &Workspace,
    enc: Encoding,
) -> lsp_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .proof
        .iter()
        .map(|step| DiagnosticRelatedInformation {
            location: location(sources, step.span, workspace, enc),
            message: step.text.clone(),
        })
        .collect();
    let file = sources.get(d.span.file);
    lsp_types::Diagnostic {
        range: position::range(file, d.span, enc),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: docs_url(d.code).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        // Which finding this is, for code actions: the fingerprint names it across edits.
        data: Some(serde_json::json!({ "fingerprint": d.fingerprint })),
    }
}

/// Where a span is, as the client names the file.
pub fn location(sources: &SourceMap, span: Span, workspace: &Workspace, enc: Encoding) -> Location {
    let file = sources.get(span.file);
    Location {
        uri: super::uri::from_path(&workspace.client_path(&file.path)),
        range: position::range(file, span, enc),
    }
}

/// The rule's documentation page, as SARIF's `helpUri`.
pub fn docs_url(code: &str) -> Option<Uri> {
    let meta = crate::rules::find(code)?;
    let url = &meta.references.first()?.url;
    Uri::from_str(url).ok()
}
