//! LVL102 eni-permission-scope: the execution role allows an ENI action, but only on resources
//! where it cannot serve Lambda.
//!
//! Error when every statement that allows `ec2:DescribeNetworkInterfaces` lists resources none of
//! which can be `"*"` (the action has no resource-level permissions, so nothing else authorizes
//! it). Warning when every statement that allows `ec2:DeleteNetworkInterface` lists resources
//! none of which can include a network interface created later (literal ARNs, other resource
//! types). Unknown entries, `NotResource`, unreadable statements or policies: silent.

use crate::analysis::iam::resources::{may_be_star, may_cover_new_network_interfaces};
use crate::analysis::iam::{resources, EffStatement};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{FixIntent, ResourceScope};
use crate::model::{Pattern, Value};
use crate::rules::iam::common::{self, RoleUse};
use crate::rules::RuleContext;

struct Check {
    action: &'static str,
    severity: Severity,
    may_cover: fn(&Value<Pattern>) -> bool,
    consequence: &'static str,
    /// What the statement should name instead.
    resources: ResourceScope,
    advice: &'static str,
}

const CHECKS: &[Check] = &[
    Check {
        action: "ec2:DescribeNetworkInterfaces",
        severity: Severity::Error,
        may_cover: may_be_star,
        consequence: "the action has no resource-level permissions and is allowed only by `\"*\"`, so the role is in effect not granted it: Lambda refuses to create or update the function",
        resources: ResourceScope::Any,
        advice: "allow it on every resource (it cannot be scoped), in a statement of its own if the others should stay scoped",
    },
    Check {
        action: "ec2:DeleteNetworkInterface",
        severity: Severity::Warning,
        may_cover: may_cover_new_network_interfaces,
        consequence: "no such resource can be one of the network interfaces Lambda creates for the function, whose ids are not known in advance: Lambda cannot delete them, and the function may lose access to the VPC",
        resources: ResourceScope::NetworkInterfaces,
        advice: "allow it on every network interface of the account (or on `\"*\"`, as AWSLambdaVPCAccessExecutionRole does)",
    },
];

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for r in common::roles(ctx) {
        for c in CHECKS {
            if let Some(statements) = resources::narrowly_granted(r.perms, c.action, c.may_cover) {
                out.push(finding(ctx, &r, c, &statements));
            }
        }
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    r: &RoleUse<'_>,
    c: &Check,
    statements: &[&EffStatement],
) -> Diagnostic {
    let role = ctx.model.role(r.perms.role);
    let mut shown: Vec<String> = Vec::new();
    for st in statements {
        for t in common::resource_texts(ctx, st) {
            if !shown.contains(&t) {
                shown.push(t);
            }
        }
    }
    let more = shown.len().saturating_sub(3);
    let mut list = common::code_list(&shown.iter().take(3).map(String::as_str).collect::<Vec<_>>());
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    let message = format!(
        "execution role `{}` of {} allows `{}` only on {list}: {}",
        role.meta.name,
        common::function_list(&r.functions),
        c.action,
        c.consequence
    );
    let mut proof = common::role_steps(ctx, r);
    for st in statements {
        proof.extend(common::statement_steps(
            st,
            &format!(
                "allows `{}` only on {}",
                c.action,
                common::code_list(
                    &common::resource_texts(ctx, st)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    let first = statements.first().copied();
    let span = first
        .map(common::first_resource_span)
        .unwrap_or(role.meta.span);
    let policy = first.map(|st| st.policy.as_str()).unwrap_or("");
    let fix = ctx.fix(&FixIntent::AllowActionOn {
        policy: policy.to_string(),
        statement: first.map(common::statement_span),
        action: c.action.to_string(),
        resources: c.resources,
        advice: c.advice.to_string(),
    });
    let file = ctx.file_of(span).to_string();
    Diagnostic {
        code: "LVL102",
        slug: "eni-permission-scope",
        severity: c.severity,
        message,
        span,
        proof,
        fix: fix.text,
        fingerprint: Diagnostic::fingerprint_of("LVL102", &file, &[&role.meta.name, c.action]),
        edits: fix.edits,
    }
}
