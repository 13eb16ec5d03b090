//! LVL004 nat-gateway-not-public: a NAT gateway that Lambda subnets route to cannot reach the
//! internet itself: it is a private NAT gateway, it has no Elastic IP, or its own subnet has no
//! route to an internet gateway (or that gateway is attached to another VPC).

use std::collections::BTreeSet;

use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::{GatewayId, Value};
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let mut seen: BTreeSet<(GatewayId, &str)> = BTreeSet::new();
    for (_, f, _) in ctx.facts.vpc_functions() {
        for (_, subnet) in known_subnets(f) {
            let Egress::Nat {
                proof,
                nat: Value::Known(nat),
            } = &ctx.facts.subnet(subnet).egress
            else {
                continue;
            };
            let g = model.gateway(*nat);
            let path = super::no_egress_path::attach_step(
                proof,
                format!(
                    "function `{}` is attached to subnet `{}`",
                    f.meta.name,
                    model.subnet(subnet).meta.name
                ),
            );
            let mut report = |problem: &'static str,
                              span,
                              message: String,
                              extra: Vec<Step>,
                              fix: Option<String>| {
                if !seen.insert((*nat, problem)) {
                    return;
                }
                let mut proof = path.clone();
                proof.extend(extra);
                let file = ctx.file_of(span).to_string();
                out.push(Diagnostic {
                    code: "LVL004",
                    slug: "nat-gateway-not-public",
                    severity: Severity::Error,
                    message,
                    span,
                    proof,
                    fix,
                    edits: Vec::new(),
                    fingerprint: Diagnostic::fingerprint_of(
                        "LVL004",
                        &file,
                        &[&g.meta.name, problem],
                    ),
                });
            };
            if let Some(c) = &g.connectivity_public {
                if c.value == Value::Known(false) {
                    report(
                        "private",
                        c.span,
                        format!(
                            "NAT gateway `{}`, which function `{}` routes internet traffic to, is a private NAT gateway: it cannot reach the internet or public AWS APIs",
                            g.meta.name, f.meta.name
                        ),
                        Vec::new(),
                        ctx.fix(&FixIntent::MakeNatGatewayPublic { nat: g.meta.name.clone() }).text,
                    );
                    continue;
                }
            }
            if let Some(a) = &g.has_allocation {
                if a.value == Value::Known(false)
                    && g.connectivity_public
                        .as_ref()
                        .is_none_or(|c| c.value == Value::Known(true))
                {
                    report(
                        "no-eip",
                        g.meta.span,
                        format!(
                            "public NAT gateway `{}`, which function `{}` routes internet traffic to, has no Elastic IP allocation",
                            g.meta.name, f.meta.name
                        ),
                        Vec::new(),
                        ctx.fix(&FixIntent::AllocateNatElasticIp { nat: g.meta.name.clone() }).text,
                    );
                }
            }
            let Some(Value::Known(nat_subnet)) = g.subnet.as_ref().map(|s| s.value.clone()) else {
                continue;
            };
            let ns = model.subnet(nat_subnet);
            let nat_subnet_span = g.subnet.as_ref().map(|s| s.span).unwrap_or(g.meta.span);
            match &ctx.facts.subnet(nat_subnet).egress {
                Egress::NoRoute { proof } | Egress::Nat { proof, .. } => {
                    let mut extra = proof.clone();
                    if let Some(first) = extra.first_mut() {
                        first.text = format!(
                            "NAT gateway `{}` is in subnet `{}`",
                            g.meta.name, ns.meta.name
                        );
                    }
                    report(
                        "private-subnet",
                        nat_subnet_span,
                        format!(
                            "NAT gateway `{}`, which function `{}` routes internet traffic to, is in subnet `{}`, which has no route to an internet gateway: its traffic never reaches the internet",
                            g.meta.name, f.meta.name, ns.meta.name
                        ),
                        extra,
                        Some("Place the NAT gateway in a public subnet: one whose route table sends 0.0.0.0/0 to an internet gateway attached to the VPC.".to_string()),
                    );
                }
                Egress::InternetGateway {
                    igw: Value::Known(igw),
                    ..
                } => {
                    let gw = model.gateway(*igw);
                    if let (Value::Known(gv), Value::Known(sv)) = (&gw.vpc.value, &ns.vpc.value) {
                        if gv != sv {
                            report(
                                "igw-other-vpc",
                                gw.vpc.span,
                                format!(
                                    "internet gateway `{}` that NAT gateway `{}` routes to is attached to VPC `{}`, not to the NAT's VPC `{}`",
                                    gw.meta.name,
                                    g.meta.name,
                                    model.vpc(*gv).meta.name,
                                    model.vpc(*sv).meta.name
                                ),
                                Vec::new(),
                                Some("Attach the internet gateway to the VPC of the NAT gateway's subnet.".into()),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
