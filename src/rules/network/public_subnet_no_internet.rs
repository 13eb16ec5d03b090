//! LVL001 public-subnet-no-internet: a VPC function attached to a subnet whose internet-bound
//! traffic goes to an internet gateway. Lambda ENIs never get a public IP, so nothing outside
//! the VPC is reachable from there.
//!
//! Error when the function needs such egress (it uses a service with no endpoint usable from the
//! subnet) or when its other subnets are private (invocations then fail or succeed depending on
//! the ENI they land on); warning when it is only placed there.

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::FixIntent;
use crate::rules::RuleContext;

use super::known_subnets;

/// One public subnet of the function.
struct Hit {
    span: crate::source::Span,
    subnet: String,
    gateway: String,
    /// A service the function uses with no endpoint usable from the subnet.
    needed: Option<String>,
    steps: Vec<crate::diagnostic::Step>,
}
use super::no_egress_path::attach_step;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let subnets = known_subnets(f);
        let has_private = subnets.iter().any(|(_, s)| {
            matches!(
                ctx.facts.subnet(*s).egress,
                Egress::Nat { .. } | Egress::NoRoute { .. }
            )
        });
        // One finding per function: every public subnet it is attached to is the same mistake
        // (GitHub shows few annotations per step; one per subnet pushes others out).
        let mut hits: Vec<Hit> = Vec::new();
        for (item_span, subnet) in &subnets {
            let sf = ctx.facts.subnet(*subnet);
            let Egress::InternetGateway { proof, .. } = &sf.egress else {
                continue;
            };
            let s = model.subnet(*subnet);
            // The first service the function uses that has no endpoint usable from here.
            let needed = ff.proven_services.iter().find(|u| {
                service_reach(model, *subnet, &sf.table, &u.service) == EndpointReach::No
            });
            let gateway = proof
                .last()
                .map(|st| {
                    st.text
                        .trim_end_matches(" is an internet gateway")
                        .to_string()
                })
                .unwrap_or_default();
            let mut steps = attach_step(
                proof,
                format!(
                    "function `{}` is attached to subnet `{}`",
                    f.meta.name, s.meta.name
                ),
            );
            if let Some(u) = needed {
                steps.push(u.because.clone());
            }
            if hits.iter().any(|h| h.subnet == s.meta.name) {
                continue;
            }
            hits.push(Hit {
                span: *item_span,
                subnet: s.meta.name.clone(),
                gateway,
                needed: needed.map(|u| u.service.clone()),
                steps,
            });
        }
        let Some(first) = hits.first() else {
            continue;
        };
        let severity = if has_private || hits.iter().any(|h| h.needed.is_some()) {
            Severity::Error
        } else {
            Severity::Warning
        };
        let names: Vec<String> = hits.iter().map(|h| format!("`{}`", h.subnet)).collect();
        let mut gateways: Vec<&str> = Vec::new();
        for h in &hits {
            if !gateways.contains(&h.gateway.as_str()) {
                gateways.push(&h.gateway);
            }
        }
        let subnet_words = if hits.len() == 1 {
            "public subnet"
        } else {
            "public subnets"
        };
        let gateway_words = if gateways.len() == 1 {
            format!("internet gateway {}", gateways[0])
        } else {
            format!("internet gateways {}", gateways.join(", "))
        };
        let mut message = format!(
            "function `{}` is attached to {subnet_words} {}, whose internet traffic goes to {gateway_words}; Lambda network interfaces never get a public IP, so the function reaches neither the internet nor public AWS APIs from {}",
            f.meta.name,
            names.join(", "),
            if hits.len() == 1 { "it" } else { "them" }
        );
        if has_private {
            message.push_str("; its other subnets are private, so invocations fail or succeed depending on the subnet they land in");
        }
        // The services that need the internet, in the order first met.
        let mut needed: Vec<&str> = Vec::new();
        for h in &hits {
            if let Some(n) = &h.needed {
                if !needed.contains(&n.as_str()) {
                    needed.push(n);
                }
            }
        }
        if let [one] = needed.as_slice() {
            let from = if hits.len() == 1 {
                "that subnet"
            } else {
                "those subnets"
            };
            message.push_str(&format!(
                "; it uses {one} and no {one} endpoint is usable from {from}"
            ));
        } else if !needed.is_empty() {
            message.push_str(&format!(
                "; it uses {} with no endpoint usable from those subnets",
                needed.join(", ")
            ));
        }
        let fix = ctx.fix(&FixIntent::MoveToPrivateSubnets {
            function: f.meta.name.clone(),
            public_subnets: hits.iter().map(|h| h.subnet.clone()).collect(),
        });
        // Every subnet's steps; those they share (the internet gateway, the policy that allows
        // a service) once.
        let mut proof: Vec<crate::diagnostic::Step> = Vec::new();
        for step in hits.iter().flat_map(|h| h.steps.iter()) {
            if !proof.contains(step) {
                proof.push(step.clone());
            }
        }
        let file = ctx.file_of(first.span).to_string();
        // One subnet: the fingerprint it always had; several: every subnet's name.
        let mut parts: Vec<&str> = vec![&f.meta.name];
        parts.extend(hits.iter().map(|h| h.subnet.as_str()));
        out.push(Diagnostic {
            code: "LVL001",
            slug: "public-subnet-no-internet",
            severity,
            message,
            span: first.span,
            proof,
            fix: fix.text,
            edits: fix.edits,
            fingerprint: Diagnostic::fingerprint_of("LVL001", &file, &parts),
        });
    }
}
