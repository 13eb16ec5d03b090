//! LVL104 missing-code-ec2-deny: the execution role grants ENI actions that the function's code
//! can use too, and no Deny conditioned on the function's `lambda:SourceFunctionArn` stops it.
//!
//! Only actions granted without condition count; a role that grants none (or only under
//! conditions, or through policies the linter cannot read) is silent. Decided per action: a Deny
//! the linter cannot judge (a condition on another key, a literal ARN, a Deny on some resources
//! only) leaves the actions it may cover undecided, and the others are still reported; a Deny
//! that names only other functions is LVL105's finding instead.

use crate::analysis::iam::deny::{code_protection, Caller, CodeProtection};
use crate::analysis::iam::EffStatement;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::{FixIntent, Rendered};
use crate::model::{Function, Origin};
use crate::rules::iam::common::{self, RoleUse};
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for r in common::roles(ctx) {
        for (id, f) in &r.functions {
            let Some(p) = code_protection(r.perms, Caller::of(*id, f)) else {
                continue;
            };
            if p.unprotected.is_empty() || !p.other_function.is_empty() {
                continue;
            }
            out.push(finding(ctx, &r, f, &p));
        }
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    r: &RoleUse<'_>,
    f: &Function,
    p: &CodeProtection<'_>,
) -> Diagnostic {
    let role = ctx.model.role(r.perms.role);
    let unprotected = common::code_list(&p.unprotected);
    // "cover only" claims every Deny is judged: not when some actions are undecided.
    let message = if p.protected.is_empty() || !p.undecided.is_empty() {
        format!(
            "the code of VPC function `{}` can call {unprotected} with execution role `{}`: no Deny conditioned on its `lambda:SourceFunctionArn` keeps these permissions for the Lambda service",
            f.meta.name, role.meta.name
        )
    } else {
        let denied: Vec<&str> = p.protected.iter().map(|(a, _)| *a).collect();
        format!(
            "the code of VPC function `{}` can still call {unprotected} with execution role `{}`: the Deny statements that apply to it cover only {}",
            f.meta.name,
            role.meta.name,
            common::code_list(&denied)
        )
    };
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
    // One step per granting statement, with the actions it grants.
    let mut grants: Vec<(&EffStatement, Vec<&str>)> = Vec::new();
    for (action, st) in &p.granted {
        match grants.iter_mut().find(|(g, _)| std::ptr::eq(*g, *st)) {
            Some((_, actions)) => actions.push(action),
            None => grants.push((st, vec![action])),
        }
    }
    for (st, actions) in grants {
        push_new(
            &mut proof,
            common::statement_steps(
                st,
                &format!(
                    "allows {} without condition, to the function's code as well as to Lambda",
                    common::code_list(&actions)
                ),
            ),
        );
    }
    for (_, st) in &p.protected {
        let span = common::statement_span(st);
        if !proof.iter().any(|s| s.span == span) {
            proof.push(Step {
                span,
                text: format!(
                    "policy `{}` denies the function's code some of them, not {unprotected}",
                    st.policy
                ),
            });
        }
    }
    let fix = deny_policy(ctx, r, f, &p.unprotected);
    let file = ctx.file_of(f.role.span).to_string();
    Diagnostic {
        code: "LVL104",
        slug: "missing-code-ec2-deny",
        severity: Severity::Warning,
        message,
        span: f.role.span,
        proof,
        fix: fix.text,
        fingerprint: Diagnostic::fingerprint_of("LVL104", &file, &[&f.meta.name, &role.meta.name]),
        edits: fix.edits,
    }
}

fn push_new(proof: &mut Vec<Step>, steps: Vec<Step>) {
    for step in steps {
        if !proof.contains(&step) {
            proof.push(step);
        }
    }
}

/// A policy of its own holding the Deny AWS documents, for this function only.
fn deny_policy(ctx: &RuleContext<'_>, r: &RoleUse<'_>, f: &Function, actions: &[&str]) -> Rendered {
    let role = ctx.model.role(r.perms.role);
    ctx.fix(&FixIntent::AddDenyStatement {
        role: role.meta.name.clone(),
        // SAM's implicit role is named for the function it serves.
        role_implied: r
            .functions
            .first()
            .is_some_and(|(_, f)| f.role.origin == Origin::Implied),
        function: f.meta.name.clone(),
        actions: actions.iter().map(|a| a.to_string()).collect(),
    })
}
