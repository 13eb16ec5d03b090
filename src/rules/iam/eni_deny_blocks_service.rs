//! LVL103 eni-deny-blocks-service: a Deny on the ENI actions that also holds for the Lambda
//! service's own calls, so Lambda cannot manage the function's network interfaces.
//!
//! The Lambda service calls EC2 with the execution role but without the
//! `lambda:SourceFunctionArn` key, which only the code's calls carry. A Deny on every resource
//! holds for the service when it has no condition, or only conditions on that key which IAM
//! evaluates to true when the key is absent (`ArnNotEquals`, `…IfExists`, `ForAllValues:`,
//! `Null: true`). A condition on any other key, or a Deny scoped to some resources, is unknown.
//! Error when Create/Describe/DeleteNetworkInterface is denied (Lambda refuses to create or
//! update the function); warning when only DescribeSubnets or Assign/UnassignPrivateIpAddresses.

use crate::analysis::iam::deny::{service_denies, ServiceDeny};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixIntent;
use crate::rules::iam::common::{self, RoleUse};
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for r in common::roles(ctx) {
        for deny in service_denies(r.perms, crate::analysis::data::service_eni_action_list()) {
            out.push(finding(ctx, &r, &deny));
        }
    }
}

fn finding(ctx: &RuleContext<'_>, r: &RoleUse<'_>, deny: &ServiceDeny<'_>) -> Diagnostic {
    let role = ctx.model.role(r.perms.role);
    let st = deny.statement;
    let blocks_required = deny.actions.iter().any(|a| common::is_required(a));
    let (severity, consequence) = if blocks_required {
        (
            Severity::Error,
            "Lambda cannot create or delete the function's network interfaces and refuses to create or update it",
        )
    } else {
        (
            Severity::Warning,
            "Lambda cannot perform these documented steps of managing the function's network interfaces, and the operations that need them fail",
        )
    };
    let message = format!(
        "a Deny in policy `{}` of execution role `{}` (of {}) blocks {} for the Lambda service itself, because {}: {consequence}",
        st.policy,
        role.meta.name,
        common::function_list(&r.functions),
        common::code_list(&deny.actions),
        deny.because,
    );
    let mut proof = common::role_steps(ctx, r);
    proof.extend(common::statement_steps(
        st,
        &format!(
            "denies {} on `\"*\"`; {}",
            common::code_list(&deny.actions),
            deny.because
        ),
    ));
    let span = common::first_line(ctx, common::statement_span(st));
    let fix = ctx.fix(&FixIntent::LimitDenyToFunctionCode {
        statement: common::statement_span(st),
        functions: r
            .functions
            .iter()
            .map(|(_, f)| f.meta.name.clone())
            .collect(),
    });
    let file = ctx.file_of(span).to_string();
    Diagnostic {
        code: "LVL103",
        slug: "eni-deny-blocks-service",
        severity,
        message,
        span,
        proof,
        fix: fix.text,
        edits: fix.edits,
        fingerprint: Diagnostic::fingerprint_of(
            "LVL103",
            &file,
            &[&role.meta.name, &st.policy, &deny.actions.join(",")],
        ),
    }
}
