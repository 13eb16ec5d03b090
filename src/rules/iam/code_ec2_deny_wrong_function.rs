//! LVL105 code-ec2-deny-wrong-function: the role has the Deny that keeps the ENI permissions
//! from function code, but its `lambda:SourceFunctionArn` names only other functions, so this
//! function's code is not covered.
//!
//! "Names only other functions" is proven when every value of the condition is a reference to
//! another function of the unit or a literal that cannot be any function's ARN. A literal
//! function ARN may name this function (its deployed name is not in the model): unknown, silent.

use crate::analysis::iam::condition::{is_key, SOURCE_FUNCTION_ARN};
use crate::analysis::iam::deny::{self, code_protection, CodeProtection};
use crate::analysis::iam::EffStatement;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::{Condition, Function, Value};
use crate::rules::iam::common::{self, RoleUse};
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for r in common::roles(ctx) {
        for (id, f) in &r.functions {
            let Some(p) = code_protection(r.perms, *id) else {
                continue;
            };
            if p.unprotected.is_empty() {
                continue;
            }
            let Some((st, c)) = p
                .other_function
                .iter()
                .find_map(|st| source_function_entry(st).map(|c| (*st, c)))
            else {
                continue;
            };
            out.push(finding(ctx, &r, f, &p, st, c));
        }
    }
}

/// The statement's `lambda:SourceFunctionArn` entry.
fn source_function_entry(st: &EffStatement) -> Option<&Condition> {
    match &st.condition {
        Some(Value::Known(entries)) => entries.iter().find(|c| is_key(&c.key, SOURCE_FUNCTION_ARN)),
        _ => None,
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    r: &RoleUse<'_>,
    f: &Function,
    p: &CodeProtection<'_>,
    st: &EffStatement,
    c: &Condition,
) -> Diagnostic {
    let role = ctx.model.role(r.perms.role);
    let mut named: Vec<String> = c
        .function_refs
        .iter()
        .map(|id| format!("`{}`", ctx.model.function(*id).meta.name))
        .collect();
    // The other values: literals, or texts that cannot be a function's ARN (the references
    // among them are named above).
    let mut others: Vec<String> = Vec::new();
    for v in &c.values {
        if let Value::Known(p) = &v.value {
            if p.exact || !deny::could_be_function_arn(&p.text) {
                others.push(format!("`{}`", common::written(ctx, v.span)));
            }
        }
    }
    named.extend(others);
    if named.is_empty() {
        named.push("other functions".into());
    }
    let message = format!(
        "the Deny in policy `{}` that keeps the ENI permissions from function code names {} in `lambda:SourceFunctionArn`, not VPC function `{}`: its code can still call {} with execution role `{}`",
        st.policy,
        named.join(", "),
        f.meta.name,
        common::code_list(&p.unprotected),
        role.meta.name
    );
    let mut proof = vec![
        Step {
            span: f.meta.span,
            text: format!("function `{}` is attached to a VPC", f.meta.name),
        },
        Step {
            span: role.meta.span,
            text: format!("its execution role is `{}`", role.meta.name),
        },
    ];
    proof.extend(common::statement_steps(
        st,
        &format!(
            "denies the ENI actions only where `lambda:SourceFunctionArn` matches {}",
            named.join(", ")
        ),
    ));
    let style = common::style_of(ctx, common::statement_span(st));
    let mut values: Vec<String> = c
        .values
        .iter()
        .map(|v| common::written_raw(ctx, v.span))
        .collect();
    values.push(common::function_arn(ctx, f, style));
    let condition = common::condition_snippet(&c.operator, &values, style);
    let fix = format!(
        "Add `{}` to the condition's values, so that the Deny covers this function's code too (or give the function a Deny of its own):\n\n{condition}",
        common::function_arn(ctx, f, style)
    );
    let file = ctx.file_of(c.span).to_string();
    Diagnostic {
        code: "LVL105",
        slug: "code-ec2-deny-wrong-function",
        severity: Severity::Warning,
        message,
        span: c.span,
        proof,
        fix: Some(fix),
        edits: Vec::new(),
        fingerprint: Diagnostic::fingerprint_of(
            "LVL105",
            &file,
            &[&f.meta.name, &role.meta.name, &st.policy],
        ),
    }
}
