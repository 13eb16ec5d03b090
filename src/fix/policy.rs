//! Policy statements: a new statement or condition is written the way the statement it amends
//! is written (a Terraform `statement` block, `jsonencode` object syntax, JSON text, YAML).

use crate::source::{SourceMap, Span};

/// The syntax a policy statement is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A `statement { ... }` block of `aws_iam_policy_document`.
    TfBlock,
    /// `jsonencode({ ... })` object syntax.
    TfObject,
    /// JSON text (a heredoc or string in Terraform, a JSON template).
    Json,
    Yaml,
}

/// The source text at `span`, leading blanks skipped.
pub fn text_at(sources: &SourceMap, span: Span) -> &str {
    sources
        .get(span.file)
        .text
        .get(span.range())
        .unwrap_or("")
        .trim_start()
}

/// JSON text has `"Effect":`; `jsonencode` has `Effect =` (or `"Effect" =`).
pub fn json_keys(text: &str) -> bool {
    text.match_indices("\"Effect\"")
        .any(|(i, m)| text[i + m.len()..].trim_start().starts_with(':'))
}

/// The source text of a span on one line, as written (quotes kept).
pub fn written_raw(sources: &SourceMap, span: Span) -> String {
    let text = sources.get(span.file).text.get(span.range()).unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `lambda:SourceFunctionArn` condition with values already written in the style's syntax
/// (JSON strings quoted, references as they are).
pub fn condition_snippet(operator: &str, values: &[String], style: Style) -> String {
    let quote = |a: &String| {
        if a.starts_with('{') || a.starts_with('"') {
            a.clone()
        } else {
            format!("\"{a}\"")
        }
    };
    match style {
        Style::TfBlock => format!(
            "condition {{\n  test     = \"{operator}\"\n  variable = \"lambda:SourceFunctionArn\"\n  values   = [{}]\n}}",
            values.join(", ")
        ),
        Style::TfObject => format!(
            "Condition = {{\n  {operator} = {{\n    \"lambda:SourceFunctionArn\" = [{}]\n  }}\n}}",
            values.join(", ")
        ),
        Style::Json => format!(
            "\"Condition\": {{\n  \"{operator}\": {{\n    \"lambda:SourceFunctionArn\": [{}]\n  }}\n}}",
            values.iter().map(quote).collect::<Vec<_>>().join(", ")
        ),
        Style::Yaml => {
            let mut s = format!("Condition:\n  {operator}:\n    lambda:SourceFunctionArn:");
            for a in values {
                s.push_str(&format!("\n      - {a}"));
            }
            s
        }
    }
}

/// The operator of a condition key written in the statement's style (LVL106).
pub fn operator_snippet(operator: &str, key: &str, style: Style) -> String {
    match style {
        Style::TfBlock => format!("test     = \"{operator}\""),
        Style::TfObject => format!("\"{operator}\" = {{ \"{key}\" = [...] }}"),
        Style::Json => format!("\"{operator}\": {{ \"{key}\": [...] }}"),
        Style::Yaml => format!("{operator}:\n  {key}:\n    - ..."),
    }
}

/// An Allow of `action` on `resource` (already written in the style's syntax).
pub fn allow_snippet(action: &str, resource: &str, style: Style) -> String {
    match style {
        Style::TfBlock => format!(
            "statement {{\n  actions   = [\"{action}\"]\n  resources = [{resource}]\n}}"
        ),
        Style::TfObject => format!(
            "{{\n  Effect   = \"Allow\"\n  Action   = \"{action}\"\n  Resource = {resource}\n}}"
        ),
        Style::Json => format!(
            "{{\n  \"Effect\": \"Allow\",\n  \"Action\": \"{action}\",\n  \"Resource\": {resource}\n}}"
        ),
        Style::Yaml => format!("- Effect: Allow\n  Action: {action}\n  Resource: {resource}"),
    }
}
