//! Policy statements: a new statement or condition is written the way the statement it amends
//! is written (a Terraform `statement` block, `jsonencode` object syntax, JSON text, YAML).

use super::intent::FixIntent;
use super::prose;
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

/// The intents that amend a statement the user wrote (LVL104–LVL106), written in that
/// statement's syntax. Front ends differ only in how they tell the syntax (`style_of`) and how
/// they write a function's ARN (`function_arn`); `None` for any other intent.
pub fn amend_statement(
    sources: &SourceMap,
    intent: &FixIntent,
    style_of: fn(&SourceMap, Span) -> Style,
    function_arn: fn(&str, Style) -> String,
) -> Option<String> {
    Some(match intent {
        FixIntent::LimitDenyToFunctionCode {
            statement,
            functions,
        } => {
            let style = style_of(sources, *statement);
            let arns: Vec<String> = functions.iter().map(|f| function_arn(f, style)).collect();
            format!(
                "{}:\n\n{}",
                prose::LIMIT_DENY,
                condition_snippet("ArnEquals", &arns, style)
            )
        }
        FixIntent::AddFunctionToDenyCondition {
            statement,
            operator,
            values,
            function,
        } => {
            let style = style_of(sources, *statement);
            let arn = function_arn(function, style);
            let mut written: Vec<String> =
                values.iter().map(|v| written_raw(sources, *v)).collect();
            written.push(arn.clone());
            format!(
                "{}:\n\n{}",
                prose::add_to_condition(&arn),
                condition_snippet(operator, &written, style)
            )
        }
        FixIntent::UseConditionOperator {
            statement,
            effect,
            key,
            operator,
            why,
        } => format!(
            "{}\n\n{}",
            prose::use_operator(operator, key, effect, why),
            operator_snippet(operator, key, style_of(sources, *statement))
        ),
        _ => return None,
    })
}
