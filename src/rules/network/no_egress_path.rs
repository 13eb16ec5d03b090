//! LVL002 no-egress-path: a service the function uses cannot be reached from one of its subnets:
//! no route to a NAT gateway (or any other egress the linter cannot judge) and no VPC endpoint
//! usable from the subnet. One finding per function and service.
//!
//! Precedence: subnets where LVL001 explains the failure (public subnets) are left to LVL001;
//! services that offer no VPC endpoint at all are reported as LVL003 instead; a gateway endpoint
//! that exists in the VPC but is not on the subnet's route table is LVL007's finding.

use crate::analysis::endpoints::{service_reach, unrouted_gateway_endpoints, EndpointReach};
use crate::analysis::routing::{EffectiveTable, Egress};
use crate::analysis::services::ServiceUse;
use crate::analysis::{data, FunctionFacts};
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::{EndpointPurpose, FixIntent, NewEndpoint};
use crate::model::{Function, Value};
use crate::rules::RuleContext;
use crate::source::Span;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for gap in egress_gaps(ctx) {
        if data::no_endpoint(&gap.service.service).is_none() {
            out.push(report(ctx, &gap, "LVL002", "no-egress-path"));
        }
    }
}

/// A service used by a function that some of its subnets cannot reach.
pub(crate) struct Gap<'a> {
    pub function: &'a Function,
    pub service: &'a ServiceUse,
    /// The failing subnets: the `subnet_ids` entry, the subnet, its route table and the proof of
    /// its missing egress.
    pub subnets: Vec<(Span, crate::model::SubnetId, &'a [Step])>,
}

pub(crate) fn egress_gaps<'a>(ctx: &'a RuleContext<'a>) -> Vec<Gap<'a>> {
    let mut gaps = Vec::new();
    for (_, f, ff) in ctx.facts.vpc_functions() {
        collect(ctx, f, ff, &mut gaps);
    }
    gaps
}

fn collect<'a>(
    ctx: &'a RuleContext<'a>,
    f: &'a Function,
    ff: &'a FunctionFacts,
    gaps: &mut Vec<Gap<'a>>,
) {
    let Some(vc) = &f.vpc_config else { return };
    // A dual-stack function may reach dual-stack endpoints over IPv6: not judged here.
    if vc.ipv6_dual_stack.value != Value::Known(false) {
        return;
    }
    // Each proven service on its own: one the linter cannot identify (a role that also
    // allows `*`) leaves the others decidable.
    let uses = &ff.proven_services;
    let subnets = known_subnets(f);
    for u in uses {
        let mut failing = Vec::new();
        for (span, s) in &subnets {
            let sf = ctx.facts.subnet(*s);
            let Egress::NoRoute { proof } = &sf.egress else {
                continue;
            };
            // A gateway endpoint that exists but is not routed is LVL007's finding.
            if !unrouted_gateway_endpoints(ctx.model, *s, &sf.table, &u.service).is_empty() {
                continue;
            }
            let no_endpoint = data::no_endpoint(&u.service).is_some();
            if no_endpoint
                || service_reach(ctx.model, *s, &sf.table, &u.service) == EndpointReach::No
            {
                failing.push((*span, *s, proof.as_slice()));
            }
        }
        if !failing.is_empty() {
            gaps.push(Gap {
                function: f,
                service: u,
                subnets: failing,
            });
        }
    }
}

pub(crate) fn report(
    ctx: &RuleContext<'_>,
    gap: &Gap<'_>,
    code: &'static str,
    slug: &'static str,
) -> Diagnostic {
    let model = ctx.model;
    let f = gap.function;
    let service = &gap.service.service;
    let names: Vec<String> = gap
        .subnets
        .iter()
        .map(|(_, s, _)| format!("`{}`", model.subnet(*s).meta.name))
        .collect();
    let (noun, verb) = if names.len() == 1 {
        ("subnet", "has")
    } else {
        ("subnets", "have")
    };
    let no_endpoint = data::no_endpoint(service);
    let message = match no_endpoint {
        Some(_) => format!(
            "function `{}` uses {service}, which offers no VPC endpoint, but its {noun} {} {verb} no route to a NAT gateway: calls to {service} time out",
            f.meta.name,
            names.join(", ")
        ),
        None => format!(
            "function `{}` uses {service}, but its {noun} {} {verb} no route to a NAT gateway and no {service} VPC endpoint is usable from {}: calls to {service} time out",
            f.meta.name,
            names.join(", "),
            if names.len() == 1 { "it" } else { "them" }
        ),
    };
    let (span, first, proof) = gap.subnets[0];
    let mut steps = attach_step(
        proof,
        format!(
            "function `{}` is attached to subnet `{}`",
            f.meta.name,
            model.subnet(first).meta.name
        ),
    );
    steps.push(gap.service.because.clone());
    let fix = fix_text(ctx, gap, no_endpoint.is_some());
    let file = ctx.file_of(span).to_string();
    Diagnostic {
        code,
        slug,
        severity: Severity::Error,
        message,
        span,
        proof: steps,
        fix,
        fingerprint: Diagnostic::fingerprint_of(code, &file, &[&f.meta.name, service]),
        edits: Vec::new(),
    }
}

fn fix_text(ctx: &RuleContext<'_>, gap: &Gap<'_>, no_endpoint: bool) -> Option<String> {
    let model = ctx.model;
    let service = &gap.service.service;
    let (_, first, _) = gap.subnets[0];
    let subnet = model.subnet(first);
    let vpc_name = subnet.vpc.known().map(|v| model.vpc(*v).meta.name.clone());
    let tables: Vec<String> = gap
        .subnets
        .iter()
        .filter_map(|(_, s, _)| match &ctx.facts.subnet(*s).table {
            Value::Known(EffectiveTable::Table(t, _)) => {
                Some(model.route_table(*t).meta.name.clone())
            }
            _ => None,
        })
        .collect();
    let tables: Vec<String> = tables.into_iter().fold(Vec::new(), |mut acc, t| {
        if !acc.contains(&t) {
            acc.push(t);
        }
        acc
    });
    let endpoint_names = data::endpoints_for(service);
    let gateway = data::endpoint_services()
        .services
        .iter()
        .any(|s| s.iam_prefix == *service && s.gateway);
    let endpoint = endpoint_names
        .and_then(|n| n.first().cloned())
        .unwrap_or_else(|| service.clone());
    let nat = "route 0.0.0.0/0 from the subnets' route table to a NAT gateway in a public subnet";
    if no_endpoint {
        return Some(format!(
            "{service} has no VPC endpoint: {nat}, or move the {service} calls to a function outside the VPC (connected to this one through SQS/SNS or an asynchronous invocation)"
        ));
    }
    let kind = if gateway {
        NewEndpoint::Gateway {
            route_tables: tables,
        }
    } else {
        NewEndpoint::Interface {
            subnets: gap
                .subnets
                .iter()
                .map(|(_, s, _)| model.subnet(*s).meta.name.clone())
                .collect(),
        }
    };
    ctx.fix(&FixIntent::AddVpcEndpoint {
        vpc: vpc_name,
        service: service.clone(),
        endpoint_service: endpoint,
        kind,
        purpose: EndpointPurpose::Reach {
            alternative: nat.to_string(),
        },
    })
    .text
}

/// The egress proof with its first step (the subnet) worded from the function's side.
pub(crate) fn attach_step(proof: &[Step], text: String) -> Vec<Step> {
    let mut steps = proof.to_vec();
    if let Some(first) = steps.first_mut() {
        first.text = text;
    }
    steps
}
