//! What the IAM rules share: the VPC functions grouped by execution role, the proof steps
//! function → role → policy → statement, and fix snippets in the syntax the user wrote the
//! statement in.

use crate::analysis::iam::{EffStatement, RolePermissions};
use crate::analysis::FunctionFacts;
use crate::diagnostic::Step;
use crate::model::{Ecosystem, Function, FunctionId, Origin, ResourceSet, Value};
use crate::rules::fix::{cfn_ref, ecosystem, tf_ref};
use crate::rules::RuleContext;
use crate::source::Span;

/// Is this one of the ENI actions without which Lambda refuses to create or update the
/// function (`data/lambda-eni-actions.json`)?
pub fn is_required(action: &str) -> bool {
    crate::analysis::data::required_eni_actions().contains(&action)
}

/// A role whose permissions are known, with the VPC functions that use it (declaration order).
pub struct RoleUse<'a> {
    pub perms: &'a RolePermissions,
    pub functions: Vec<(FunctionId, &'a Function)>,
}

/// The VPC functions grouped by execution role, so a problem of the role is reported once.
pub fn roles<'a>(ctx: &'a RuleContext<'a>) -> Vec<RoleUse<'a>> {
    let mut out: Vec<RoleUse<'a>> = Vec::new();
    for (id, f, ff) in ctx.facts.vpc_functions() {
        let ff: &'a FunctionFacts = ff;
        let Some(perms) = &ff.permissions else {
            continue;
        };
        match out.iter_mut().find(|r| r.perms.role == perms.role) {
            Some(r) => r.functions.push((id, f)),
            None => out.push(RoleUse {
                perms,
                functions: vec![(id, f)],
            }),
        }
    }
    out
}

/// `` `a` `` or `` `a`, `b` and 2 other VPC functions ``.
pub fn function_list(functions: &[(FunctionId, &Function)]) -> String {
    let names: Vec<String> = functions
        .iter()
        .take(2)
        .map(|(_, f)| format!("`{}`", f.meta.name))
        .collect();
    let more = functions.len().saturating_sub(2);
    let noun = if functions.len() == 1 {
        "VPC function"
    } else {
        "VPC functions"
    };
    match more {
        0 => format!("{noun} {}", names.join(" and ")),
        n => format!("{noun} {} and {n} more", names.join(", ")),
    }
}

pub fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// function(s) → role.
pub fn role_steps(ctx: &RuleContext<'_>, r: &RoleUse<'_>) -> Vec<Step> {
    let role = ctx.model.role(r.perms.role);
    let mut steps = Vec::new();
    for (i, (_, f)) in r.functions.iter().enumerate() {
        steps.push(Step {
            span: f.meta.span,
            text: if i == 0 {
                format!("function `{}` is attached to a VPC", f.meta.name)
            } else {
                format!(
                    "function `{}` is attached to a VPC and uses the same role",
                    f.meta.name
                )
            },
        });
        if i == 0 {
            steps.push(Step {
                span: role.meta.span,
                text: format!("its execution role is `{}`", role.meta.name),
            });
        }
    }
    steps
}

/// Where a statement is written: the statement itself, or the attachment of a managed policy.
pub fn statement_span(st: &EffStatement) -> Span {
    st.span.unwrap_or(st.attached_at)
}

/// policy → statement.
pub fn statement_steps(st: &EffStatement, what: &str) -> Vec<Step> {
    match st.span {
        Some(span) if span != st.attached_at => vec![
            Step {
                span: st.attached_at,
                text: format!("policy `{}` is attached to the role", st.policy),
            },
            Step {
                span,
                text: format!("its statement {what}"),
            },
        ],
        _ => vec![Step {
            span: st.attached_at,
            text: format!("policy `{}` {what}", st.policy),
        }],
    }
}

/// The `Resource` entries of a statement as the user wrote them, for messages.
pub fn resource_texts(ctx: &RuleContext<'_>, st: &EffStatement) -> Vec<String> {
    match &st.resources {
        ResourceSet::Resource(Value::Known(items)) => items
            .iter()
            .map(|i| match (&i.value, st.span) {
                // Managed policies have no text of their own in the user's files.
                (Value::Known(p), None) => p.text.clone(),
                _ => written(ctx, i.span),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The first line of a span (a statement is reported at its opening line, not as a block).
pub fn first_line(ctx: &RuleContext<'_>, span: Span) -> Span {
    let text = ctx
        .sources
        .get(span.file)
        .text
        .get(span.range())
        .unwrap_or("");
    let Some(n) = text.find('\n') else {
        return span;
    };
    let mut line = &text[..n];
    // A trailing comment is not part of the statement (only when no string could hold it).
    if let Some(c) = line.find(" #").or_else(|| line.find(" //")) {
        if !line[..c].contains(['"', '\'']) {
            line = &line[..c];
        }
    }
    let len = line.trim_end().len();
    Span::new(span.file, span.start as usize..span.start as usize + len)
}

/// The source text of a span on one line, without the quotes of a string, shortened.
pub fn written(ctx: &RuleContext<'_>, span: Span) -> String {
    let text = ctx
        .sources
        .get(span.file)
        .text
        .get(span.range())
        .unwrap_or("");
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let unquoted = one_line
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(&one_line);
    let mut out: String = unquoted.chars().take(100).collect();
    if unquoted.chars().count() > 100 {
        out.push('…');
    }
    out
}

/// The span of a statement's first `Resource` entry, else of the statement.
pub fn first_resource_span(st: &EffStatement) -> Span {
    match &st.resources {
        ResourceSet::Resource(Value::Known(items)) => items
            .first()
            .map(|i| i.span)
            .unwrap_or_else(|| statement_span(st)),
        _ => statement_span(st),
    }
}

/// The syntax a statement is written in, for fix snippets.
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

pub fn style_of(ctx: &RuleContext<'_>, span: Span) -> Style {
    let text = ctx
        .sources
        .get(span.file)
        .text
        .get(span.range())
        .unwrap_or("")
        .trim_start();
    match ecosystem(ctx.model) {
        Ecosystem::Terraform if text.starts_with("statement") => Style::TfBlock,
        Ecosystem::Terraform if json_keys(text) => Style::Json,
        Ecosystem::Terraform => Style::TfObject,
        Ecosystem::CloudFormation if text.starts_with('{') => Style::Json,
        Ecosystem::CloudFormation => Style::Yaml,
    }
}

/// JSON text has `"Effect":`; `jsonencode` has `Effect =` (or `"Effect" =`).
fn json_keys(text: &str) -> bool {
    text.match_indices("\"Effect\"")
        .any(|(i, m)| text[i + m.len()..].trim_start().starts_with(':'))
}

/// A reference to a function's ARN in the user's language.
pub fn function_arn(ctx: &RuleContext<'_>, f: &Function, style: Style) -> String {
    match (ecosystem(ctx.model), style) {
        (Ecosystem::Terraform, Style::Json) => format!("${{{}}}", tf_ref(&f.meta.name, "arn")),
        (Ecosystem::Terraform, _) => tf_ref(&f.meta.name, "arn"),
        (Ecosystem::CloudFormation, Style::Json) if !f.meta.name.contains('/') => {
            format!("{{\"Fn::GetAtt\": [\"{}\", \"Arn\"]}}", f.meta.name)
        }
        (Ecosystem::CloudFormation, _) if !f.meta.name.contains('/') => {
            format!("!GetAtt {}.Arn", f.meta.name)
        }
        (Ecosystem::CloudFormation, _) => format!("<Arn of {}>", f.meta.name),
    }
}

/// The condition that limits a Deny to calls made by these functions' code.
pub fn source_function_condition(
    ctx: &RuleContext<'_>,
    functions: &[&Function],
    style: Style,
) -> String {
    let arns: Vec<String> = functions
        .iter()
        .map(|f| function_arn(ctx, f, style))
        .collect();
    condition_snippet("ArnEquals", &arns, style)
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

/// The source text of a span on one line, as written (quotes kept).
pub fn written_raw(ctx: &RuleContext<'_>, span: Span) -> String {
    let text = ctx
        .sources
        .get(span.file)
        .text
        .get(span.range())
        .unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How to name the role in a new Terraform or CloudFormation resource that attaches a policy.
pub fn role_for_new_policy(ctx: &RuleContext<'_>, r: &RoleUse<'_>) -> String {
    let role = ctx.model.role(r.perms.role);
    match ecosystem(ctx.model) {
        Ecosystem::Terraform => tf_ref(&role.meta.name, "id"),
        Ecosystem::CloudFormation => {
            // SAM's implicit role is named `<Function>Role` and can be referenced as such.
            let implied = r
                .functions
                .first()
                .is_some_and(|(_, f)| f.role.origin == Origin::Implied);
            let name = cfn_ref(&role.meta.name);
            if implied {
                format!("{name}  # the role SAM creates for the function")
            } else {
                name
            }
        }
    }
}

/// Indents every line after the first by `n` spaces.
pub fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
