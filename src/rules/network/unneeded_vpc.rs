//! LVL016 unneeded-vpc: a VPC function that references nothing inside the VPC (no database,
//! cache, file system or internal endpoint in its environment or permissions) and only calls
//! public AWS services: the VPC adds ENI setup, NAT or endpoint cost and a dependency for
//! nothing. A note: a fixed egress IP through a NAT gateway is a legitimate reason it cannot see.
//!
//! Provable only when everything is known: the complete environment (each variable a plain
//! literal or a reference to a public-service resource), no file system, and a complete role
//! that grants no connection to an in-VPC resource. And only when every subnet leaves through a
//! NAT gateway: a design that reaches AWS services through VPC endpoints only is usually a
//! deliberate data perimeter (no internet path at all), a reason the configuration does not
//! state but the rule must respect.

use crate::analysis::iam::statement_matches;
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::services::service_of_resource_type;
use crate::model::{EnvValue, Value};
use crate::rules::RuleContext;

/// Actions that connect to resources living inside a VPC.
const IN_VPC_ACTIONS: &[&str] = &[
    "rds-db:connect",
    "elasticfilesystem:ClientMount",
    "elasticache:Connect",
    "memorydb:Connect",
    "neptune-db:connect",
    "kafka-cluster:Connect",
    "dsql:DbConnect",
    "es:ESHttpGet",
    "aoss:APIAccessAll",
];

/// A literal that cannot be an address: no dots, colons, slashes or `@` (hosts, URLs, ARNs,
/// connection strings all have one).
fn plain(value: &str) -> bool {
    !value.contains(['.', ':', '/', '@'])
}

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        let (Some(perms), Value::Known(uses)) = (&ff.permissions, &ff.services) else {
            continue;
        };
        if perms.incomplete.is_some() || !f.environment_complete || f.file_system {
            continue;
        }
        // Any statement that may grant an in-VPC connection (or cannot be read) keeps it silent.
        let connects = perms.statements.iter().any(|st| {
            IN_VPC_ACTIONS
                .iter()
                .any(|a| statement_matches(st, a) != Some(false))
        });
        if connects {
            continue;
        }
        let subnets = super::known_subnets(f);
        let all_nat = vc
            .subnets
            .known()
            .is_some_and(|items| items.len() == subnets.len())
            && !subnets.is_empty()
            && subnets
                .iter()
                .all(|(_, s)| matches!(ctx.facts.subnet(*s).egress, Egress::Nat { .. }));
        if !all_nat {
            continue;
        }
        let env_public = f.environment.iter().all(|e| match &e.value {
            EnvValue::Literal(v) => plain(v),
            EnvValue::Resource(kind) => service_of_resource_type(kind).is_some(),
            EnvValue::Unknown => false,
        });
        if !env_public {
            continue;
        }
        let services: Vec<&str> = uses.iter().map(|u| u.service.as_str()).collect();
        let calls = if services.is_empty() {
            "calls no AWS service".to_string()
        } else {
            format!("only calls public AWS services ({})", services.join(", "))
        };
        let mut proof = vec![Step {
            span: vc.span,
            text: format!("function `{}` is attached to a VPC", f.meta.name),
        }];
        proof.extend(uses.iter().map(|u| u.because.clone()));
        let file = ctx.file_of(vc.span).to_string();
        out.push(Diagnostic {
            code: "LVL016",
            slug: "unneeded-vpc",
            severity: Severity::Note,
            message: format!(
                "function `{}` references nothing inside its VPC (no database, cache, file system or internal endpoint in its environment or permissions) and {calls} through a NAT gateway: the VPC adds network-interface setup and NAT cost for nothing",
                f.meta.name
            ),
            span: vc.span,
            proof,
            fix: Some(
                "Remove the VPC configuration, unless the function needs a fixed egress IP through a NAT gateway or reaches something in the VPC that its configuration does not show."
                    .to_string(),
            ),
            fingerprint: Diagnostic::fingerprint_of("LVL016", &file, &[&f.meta.name]),
            edits: Vec::new(),
        });
    }
}
