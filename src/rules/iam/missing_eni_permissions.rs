//! LVL101 missing-eni-permissions: the execution role of a VPC function is not granted the
//! actions Lambda needs to manage the function's network interfaces.
//!
//! Error when one of Create/Describe/DeleteNetworkInterface is missing (Lambda refuses to create
//! or update the function); warning when only DescribeSubnets, AssignPrivateIpAddresses or
//! UnassignPrivateIpAddresses are missing (documented as required; older functions work without
//! them). Only actions proven missing are named: an unknown policy makes the role unknown.

use crate::analysis::data;
use crate::analysis::iam::Grant;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::Origin;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let Some(perms) = &ff.permissions else {
            continue;
        };
        let missing = |actions: &[&'static str]| -> Option<Vec<&'static str>> {
            let mut missing = Vec::new();
            for a in actions {
                match perms.grants(a) {
                    Grant::Yes(_) => {}
                    Grant::No => missing.push(*a),
                    // Not provable; the other actions may still be proven missing.
                    Grant::Unknown(_) => {}
                }
            }
            Some(missing)
        };
        let (Some(required), Some(recommended)) = (
            missing(data::required_eni_actions()),
            missing(data::recommended_eni_actions()),
        ) else {
            continue;
        };
        if required.is_empty() && recommended.is_empty() {
            continue;
        }
        let severity = if required.is_empty() {
            Severity::Warning
        } else {
            Severity::Error
        };
        let role = model.role(perms.role);
        let all: Vec<&str> = required.iter().chain(recommended.iter()).copied().collect();
        let list = all
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let consequence = if required.is_empty() {
            "AWS documents every ENI action as required for VPC access (AWSLambdaVPCAccessExecutionRole grants all of them since its v3 of January 2024), and some operations on the function's network interfaces fail without them"
        } else {
            "Lambda refuses to create or update the function, because it cannot create its network interfaces in the VPC"
        };
        let message = format!(
            "execution role `{}` of VPC function `{}` is not granted {list}: {consequence}",
            role.meta.name, f.meta.name
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
        let mut policies: Vec<(&str, crate::source::Span)> = Vec::new();
        for st in &perms.statements {
            if !policies
                .iter()
                .any(|(n, s)| *n == st.policy && *s == st.attached_at)
            {
                policies.push((&st.policy, st.attached_at));
            }
        }
        if policies.is_empty() {
            proof.push(Step {
                span: role.meta.span,
                text: format!("role `{}` has no policies", role.meta.name),
            });
        }
        for (name, span) in policies {
            proof.push(Step {
                span,
                text: format!("policy `{name}` grants none of the missing actions"),
            });
        }
        let fix = ctx.fix(&FixIntent::AttachManagedPolicy {
            role: role.meta.name.clone(),
            role_implied: f.role.origin == Origin::Implied,
            policy: "service-role/AWSLambdaVPCAccessExecutionRole".into(),
        });
        let file = ctx.file_of(f.role.span).to_string();
        out.push(Diagnostic {
            code: "LVL101",
            slug: "missing-eni-permissions",
            severity,
            message,
            span: f.role.span,
            proof,
            fix: fix.text,
            edits: fix.edits,
            fingerprint: Diagnostic::fingerprint_of(
                "LVL101",
                &file,
                &[&f.meta.name, &role.meta.name],
            ),
        });
    }
}
