//! LVL012 ipv6-no-egress-route: dual-stack is on, but the subnet's route table has no ::/0
//! route to an egress-only internet gateway or an internet gateway: IPv6 connections the function
//! opens go nowhere.
//!
//! Precedence: subnets without any IPv6 CIDR are LVL011's (dual-stack-subnet-without-ipv6).

use crate::analysis::routing::{egress6, Egress6};
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::Value;
use crate::rules::merge::Merge;
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut merge = Merge::default();
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        if vc.ipv6_dual_stack.value != Value::Known(true) {
            continue;
        }
        for (item, subnet) in known_subnets(f) {
            let s = model.subnet(subnet);
            // Only subnets that do have an IPv6 CIDR; the others are LVL011's.
            if !matches!(s.ipv6_cidr.value, Value::Known(Some(_))) {
                continue;
            }
            let Egress6::NoRoute { table } = egress6(model, subnet) else {
                continue;
            };
            let proof = vec![
                Step {
                    span: vc.ipv6_dual_stack.span,
                    text: format!("function `{}` allows dual-stack IPv6", f.meta.name),
                },
                Step {
                    span: s.meta.span,
                    text: format!("it is attached to subnet `{}`", s.meta.name),
                },
                table,
            ];
            let fix = ctx.fix(&FixIntent::AddIpv6EgressRoute {
                subnet: s.meta.name.clone(),
            });
            let file = ctx.file_of(item).to_string();
            merge.add(f.meta.name.clone(), &s.meta.name, Diagnostic {
                code: "LVL012",
                slug: "ipv6-no-egress-route",
                severity: Severity::Warning,
                message: format!(
                    "function `{}` allows dual-stack IPv6, but the route table of subnet `{}` has no ::/0 route to an egress-only internet gateway or an internet gateway: its IPv6 connections go nowhere",
                    f.meta.name, s.meta.name
                ),
                span: item,
                proof,
                fix: fix.text,
                fingerprint: Diagnostic::fingerprint_of("LVL012", &file, &[&f.meta.name, &s.meta.name]),
                edits: fix.edits,
            });
        }
    }
    merge.finish("subnet", out);
}
