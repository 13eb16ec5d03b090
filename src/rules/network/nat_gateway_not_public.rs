//! LVL004 nat-gateway-not-public: a NAT gateway that Lambda subnets route to cannot reach the
//! internet itself: it is a private NAT gateway, it has no Elastic IP, or its own subnet has no
//! route to an internet gateway (or that gateway is attached to another VPC).

use std::collections::BTreeSet;

use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::{Ecosystem, GatewayId, Value};
use crate::rules::fix::ecosystem;
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
            let mut report =
                |problem: &'static str, span, message: String, extra: Vec<Step>, fix: String| {
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
                        fix: Some(fix),
                        edits: Vec::new(),
                        fingerprint: Diagnostic::fingerprint_of(
                            "LVL004",
                            &file,
                            &[&g.meta.name, problem],
                        ),
                    });
                };
            let eco = ecosystem(model);
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
                        match eco {
                            Ecosystem::Terraform => "Use a public NAT gateway (connectivity_type = \"public\", the default) with an Elastic IP, in a public subnet.".into(),
                            Ecosystem::CloudFormation => "Use a public NAT gateway (ConnectivityType: public, the default) with an Elastic IP (AllocationId), in a public subnet.".into(),
                        },
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
                        match eco {
                            Ecosystem::Terraform => "Give the NAT gateway an Elastic IP: `allocation_id = aws_eip.<name>.id` with `resource \"aws_eip\" \"<name>\" { domain = \"vpc\" }`.".into(),
                            Ecosystem::CloudFormation => "Give the NAT gateway an Elastic IP: `AllocationId: !GetAtt <Eip>.AllocationId` with an `AWS::EC2::EIP` (`Domain: vpc`).".into(),
                        },
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
                        "Place the NAT gateway in a public subnet: one whose route table sends 0.0.0.0/0 to an internet gateway attached to the VPC.".into(),
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
                                "Attach the internet gateway to the VPC of the NAT gateway's subnet.".into(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
