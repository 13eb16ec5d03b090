//! LVL005 nat-cross-az: a Lambda subnet in one availability zone routes to a NAT gateway in
//! another: every request pays cross-AZ data transfer, and an outage of the NAT's zone takes the
//! other zone's functions down too. Only when both zones are known or provably different
//! (distinct positions in one zone list AWS returns: `analysis::zones`).

use crate::analysis::routing::Egress;
use crate::analysis::zones::same_zone;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::Value;
use crate::rules::merge::Merge;
use crate::rules::RuleContext;

use super::known_subnets;
use super::no_egress_path::attach_step;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut merge = Merge::default();
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        for (item, subnet) in known_subnets(f) {
            let Egress::Nat {
                proof,
                nat: Value::Known(nat),
            } = &ctx.facts.subnet(subnet).egress
            else {
                continue;
            };
            let s = model.subnet(subnet);
            let g = model.gateway(*nat);
            let Some(Value::Known(nat_subnet)) = g.subnet.as_ref().map(|a| a.value.clone()) else {
                continue;
            };
            let ns = model.subnet(nat_subnet);
            if same_zone(&s.availability_zone.value, &ns.availability_zone.value)
                != Value::Known(false)
            {
                continue;
            }
            let (Some(az), Some(nat_az)) =
                (s.availability_zone.known(), ns.availability_zone.known())
            else {
                continue;
            };
            let mut steps = attach_step(
                proof,
                format!(
                    "function `{}` is attached to subnet `{}` in {az}",
                    f.meta.name, s.meta.name
                ),
            );
            steps.push(Step {
                span: ns.availability_zone.span,
                text: format!(
                    "NAT gateway `{}` is in subnet `{}` in {nat_az}",
                    g.meta.name, ns.meta.name
                ),
            });
            let file = ctx.file_of(item).to_string();
            merge.add(f.meta.name.clone(), &s.meta.name, Diagnostic {
                code: "LVL005",
                slug: "nat-cross-az",
                severity: Severity::Warning,
                message: format!(
                    "subnet `{}` of function `{}` is in {az} but routes internet traffic to NAT gateway `{}` in {nat_az}: cross-AZ data charges, and an outage of {nat_az} cuts {az} off too",
                    s.meta.name, f.meta.name, g.meta.name
                ),
                span: item,
                proof: steps,
                fix: Some(format!(
                    "Create one NAT gateway per availability zone and give each zone's private subnets a route table whose default route targets the NAT gateway of the same zone ({az})."
                )),
                fingerprint: Diagnostic::fingerprint_of("LVL005", &file, &[&f.meta.name, &s.meta.name]),
                edits: Vec::new(),
            });
        }
    }
    merge.finish("subnet", out);
}
