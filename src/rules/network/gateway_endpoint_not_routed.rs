//! LVL007 gateway-endpoint-not-routed: an S3 or DynamoDB gateway endpoint exists in the
//! function's VPC, but not on the route table of one of its subnets, while the function uses the
//! service: from that subnet the calls go through the NAT gateway (paying for it) or nowhere.
//!
//! Precedence: where this rule fires, LVL002 (no egress path) and LVL017 (NAT for a free gateway
//! service) stay quiet for that service: the fix is to route the endpoint that already exists.

use crate::analysis::endpoints::unrouted_gateway_endpoints;
use crate::analysis::routing::EffectiveTable;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::Value;
use crate::rules::merge::Merge;
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut merge = Merge::default();
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        // Each proven service on its own: one the linter cannot identify (a role that also
        // allows `*`) leaves the others decidable.
        let uses = &ff.proven_services;
        for u in uses
            .iter()
            .filter(|u| crate::analysis::data::has_gateway_endpoint(&u.service))
        {
            for (item, subnet) in known_subnets(f) {
                let sf = ctx.facts.subnet(subnet);
                let Some(&endpoint) =
                    unrouted_gateway_endpoints(model, subnet, &sf.table, &u.service).first()
                else {
                    continue;
                };
                let e = model.endpoint(endpoint);
                let s = model.subnet(subnet);
                let table = match &sf.table {
                    Value::Known(EffectiveTable::Table(t, step)) => {
                        Some((model.route_table(*t).meta.name.clone(), step.clone()))
                    }
                    _ => None,
                };
                let mut proof = vec![Step {
                    span: s.meta.span,
                    text: format!(
                        "function `{}` is attached to subnet `{}`",
                        f.meta.name, s.meta.name
                    ),
                }];
                if let Some((_, step)) = &table {
                    proof.push(step.clone());
                }
                proof.push(Step {
                    span: e.meta.span,
                    text: format!(
                        "gateway endpoint `{}` for {} is not associated with that route table",
                        e.meta.name, u.service
                    ),
                });
                proof.push(u.because.clone());
                let table_name = table
                    .as_ref()
                    .map(|(n, _)| n.as_str())
                    .unwrap_or("the VPC's main route table");
                let fix = ctx.fix(&FixIntent::AddEndpointRouteTable {
                    endpoint: e.meta.name.clone(),
                    route_table: table.as_ref().map(|(n, _)| n.clone()),
                });
                let file = ctx.file_of(item).to_string();
                merge.add(format!("{}\0{}", f.meta.name, u.service), &s.meta.name, Diagnostic {
                    code: "LVL007",
                    slug: "gateway-endpoint-not-routed",
                    severity: Severity::Warning,
                    message: format!(
                        "function `{}` uses {} and gateway endpoint `{}` exists in its VPC, but not on route table `{table_name}` of subnet `{}`: from there {} traffic goes through a NAT gateway or nowhere",
                        f.meta.name, u.service, e.meta.name, s.meta.name, u.service
                    ),
                    span: item,
                    proof,
                    fix: fix.text,
                    fingerprint: Diagnostic::fingerprint_of("LVL007", &file, &[&f.meta.name, &u.service, &s.meta.name]),
                    edits: fix.edits,
                });
            }
        }
    }
    merge.finish("subnet", out);
}
