//! LVL017 nat-for-free-gateway-service: the function reaches S3 or DynamoDB only through a NAT
//! gateway. A gateway endpoint for them is free and removes the NAT's data-processing charge.
//!
//! Precedence: quiet where LVL007 fires (a gateway endpoint exists but is not routed).

use crate::analysis::endpoints::{service_reach, unrouted_gateway_endpoints, EndpointReach};
use crate::analysis::routing::{EffectiveTable, Egress};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{EndpointPurpose, FixIntent, NewEndpoint};
use crate::model::Value;
use crate::rules::RuleContext;

use super::known_subnets;
use super::no_egress_path::attach_step;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        // Each proven service on its own: one the linter cannot identify (a role that also
        // allows `*`) leaves the others decidable.
        let uses = &ff.proven_services;
        for u in uses
            .iter()
            .filter(|u| crate::analysis::data::has_gateway_endpoint(&u.service))
        {
            let mut through_nat = Vec::new();
            for (item, subnet) in known_subnets(f) {
                let sf = ctx.facts.subnet(subnet);
                let Egress::Nat { proof, .. } = &sf.egress else {
                    continue;
                };
                if service_reach(model, subnet, &sf.table, &u.service) == EndpointReach::No
                    && unrouted_gateway_endpoints(model, subnet, &sf.table, &u.service).is_empty()
                {
                    through_nat.push((item, subnet, proof));
                }
            }
            let Some(&(item, subnet, proof)) = through_nat.first() else {
                continue;
            };
            let s = model.subnet(subnet);
            let mut steps = attach_step(
                proof,
                format!(
                    "function `{}` is attached to subnet `{}`",
                    f.meta.name, s.meta.name
                ),
            );
            steps.push(u.because.clone());
            let tables: Vec<String> = through_nat
                .iter()
                .filter_map(|(_, s, _)| match &ctx.facts.subnet(*s).table {
                    Value::Known(EffectiveTable::Table(t, _)) => {
                        Some(model.route_table(*t).meta.name.clone())
                    }
                    _ => None,
                })
                .fold(Vec::new(), |mut acc, t| {
                    if !acc.contains(&t) {
                        acc.push(t);
                    }
                    acc
                });
            let vpc = s.vpc.known().map(|v| model.vpc(*v).meta.name.clone());
            let fix = ctx.fix(&FixIntent::AddVpcEndpoint {
                vpc,
                service: u.service.clone(),
                endpoint_service: u.service.clone(),
                kind: NewEndpoint::Gateway {
                    route_tables: tables,
                },
                purpose: EndpointPurpose::AvoidNatCharge,
            });
            let file = ctx.file_of(item).to_string();
            out.push(Diagnostic {
                code: "LVL017",
                slug: "nat-for-free-gateway-service",
                severity: Severity::Note,
                message: format!(
                    "function `{}` reaches {} only through a NAT gateway: a gateway endpoint for {} is free and avoids the NAT's data-processing charge",
                    f.meta.name, u.service, u.service
                ),
                span: item,
                proof: steps,
                fix: fix.text,
                fingerprint: Diagnostic::fingerprint_of("LVL017", &file, &[&f.meta.name, &u.service]),
                edits: fix.edits,
            });
        }
    }
}
