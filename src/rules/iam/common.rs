//! What the IAM rules share: the VPC functions grouped by execution role, the proof steps
//! function → role → policy → statement.

use crate::analysis::iam::{EffStatement, RolePermissions};
use crate::analysis::FunctionFacts;
use crate::diagnostic::Step;
use crate::model::{Function, FunctionId, ResourceSet, Value};
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
