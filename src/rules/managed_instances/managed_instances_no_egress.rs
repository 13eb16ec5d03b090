//! LVL201 managed-instances-no-egress: a Lambda Managed Instances capacity provider's subnet
//! offers its instances no way to CloudWatch Logs (and X-Ray and the services the functions
//! use): no NAT gateway route and no logs endpoint, or a public subnet whose instances get no
//! public IPv4 address and no IPv6 address.

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::Value;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for cp in &model.capacity_providers {
        let Value::Known(items) = &cp.subnets.value else {
            continue;
        };
        for item in items {
            let Value::Known(subnet) = item.value else {
                continue;
            };
            let s = model.subnet(subnet);
            let sf = ctx.facts.subnet(subnet);
            let (problem, proof) = match &sf.egress {
                Egress::NoRoute { proof } => {
                    if service_reach(model, subnet, &sf.table, "logs") != EndpointReach::No {
                        continue;
                    }
                    ("has no route to a NAT gateway and no CloudWatch Logs endpoint is usable from it", proof.clone())
                }
                Egress::InternetGateway { proof, .. } => {
                    let no_public_v4 = s.map_public_ip_on_launch.value == Value::Known(false);
                    let no_v6 = s.ipv6_cidr.value == Value::Known(None);
                    if !(no_public_v4 && no_v6) {
                        continue;
                    }
                    let mut proof = proof.clone();
                    proof.push(Step {
                        span: s.map_public_ip_on_launch.span,
                        text: format!("subnet `{}` gives its instances no public IPv4 address and has no IPv6 CIDR", s.meta.name),
                    });
                    (
                        "is public but gives its instances no public IPv4 or IPv6 address",
                        proof,
                    )
                }
                _ => continue,
            };
            let mut steps = vec![Step {
                span: cp.meta.span,
                text: format!(
                    "capacity provider `{}` runs its instances in subnet `{}`",
                    cp.meta.name, s.meta.name
                ),
            }];
            steps.extend(proof);
            let file = ctx.file_of(item.span).to_string();
            out.push(Diagnostic {
                code: "LVL201",
                slug: "managed-instances-no-egress",
                severity: Severity::Error,
                message: format!(
                    "subnet `{}` of capacity provider `{}` {problem}: the managed instances cannot send logs and telemetry or call AWS services",
                    s.meta.name, cp.meta.name
                ),
                span: item.span,
                proof: steps,
                fix: Some(
                    "Give the capacity provider's subnets a way out: a route to a NAT gateway, VPC endpoints for CloudWatch Logs, X-Ray and the services the functions use, or a public subnet that assigns public IPv4 addresses (or IPv6 with an egress route)."
                        .to_string(),
                ),
                fingerprint: Diagnostic::fingerprint_of("LVL201", &file, &[&cp.meta.name, &s.meta.name]),
                edits: Vec::new(),
            });
        }
    }
}
