//! LVL010 sg-blocks-egress: the function's security groups allow no outbound traffic at all, or
//! none that covers what it needs: TCP 443 to public addresses for a service reached through a
//! NAT gateway or a gateway endpoint (for the latter, the endpoint's prefix list also does), or
//! to the security groups / subnets of the interface endpoint it depends on.
//! Terraform's `aws_security_group` without `egress` blocks has no egress; CloudFormation's
//! without `SecurityGroupEgress` keeps the default allow-all (both lowered by the front ends).

use crate::analysis::endpoints::{endpoint_service, service_reach, EndpointReach};
use crate::analysis::routing::Egress;
use crate::analysis::security_groups::{
    covers, endpoint_list_steps, known_groups, no_egress_at_all, Cover, Party,
};
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::{EndpointType, Value};
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        let Ok(groups) = known_groups(&vc.security_groups) else {
            continue;
        };
        let names: Vec<String> = groups
            .iter()
            .map(|g| format!("`{}`", model.security_group(*g).meta.name))
            .collect();
        let group_steps: Vec<Step> = groups
            .iter()
            .map(|g| {
                let sg = model.security_group(*g);
                Step {
                    span: sg.meta.span,
                    text: if sg.egress.rules.is_empty() {
                        format!("security group `{}` has no egress rules", sg.meta.name)
                    } else {
                        format!("security group `{}` has no egress rule for TCP 443 towards that destination", sg.meta.name)
                    },
                }
            })
            .collect();
        let mut report = |message: String, mut proof: Vec<Step>, why: &str| {
            let mut steps = vec![Step {
                span: f.meta.span,
                text: format!(
                    "function `{}` uses security groups {}",
                    f.meta.name,
                    names.join(", ")
                ),
            }];
            steps.append(&mut proof);
            steps.extend(group_steps.iter().cloned());
            let file = ctx.file_of(vc.security_groups.span).to_string();
            let fix = ctx.fix(&FixIntent::AllowSecurityGroupEgress {
                security_groups: groups
                    .iter()
                    .map(|g| model.security_group(*g).meta.name.clone())
                    .collect(),
            });
            out.push(Diagnostic {
                code: "LVL010",
                slug: "sg-blocks-egress",
                severity: Severity::Error,
                message,
                span: vc.security_groups.span,
                proof: steps,
                fix: fix.text,
                fingerprint: Diagnostic::fingerprint_of("LVL010", &file, &[&f.meta.name, why]),
                edits: fix.edits,
            });
        };
        if no_egress_at_all(model, &groups) {
            report(
                format!(
                    "the security groups of function `{}` ({}) allow no outbound traffic at all: it can reach nothing, inside or outside the VPC",
                    f.meta.name,
                    names.join(", ")
                ),
                Vec::new(),
                "none",
            );
            continue;
        }
        // Each proven service on its own: one the linter cannot identify (a role that also
        // allows `*`) leaves the others decidable.
        let uses = &ff.proven_services;
        'services: for u in uses {
            for (_, subnet) in known_subnets(f) {
                let sf = ctx.facts.subnet(subnet);
                let (party, towards) = match service_reach(model, subnet, &sf.table, &u.service) {
                    EndpointReach::Yes(e) => match &model.endpoint(e).endpoint_type.value {
                        // A gateway endpoint is a route to the service's public addresses (its
                        // prefix list): the groups must let TCP 443 out to them, to 0.0.0.0/0
                        // or to that prefix list. A rule to another list or to part of the
                        // public space stays undecided; rules to private ranges only do not
                        // cover them. An interface endpoint for the same service would take
                        // the calls instead.
                        Value::Known(EndpointType::Gateway)
                            if !other_endpoint_may_serve(model, e) =>
                        {
                            (
                                Party::Gateway(e),
                                format!(
                                    "the {} gateway endpoint (its public prefix list)",
                                    u.service
                                ),
                            )
                        }
                        Value::Known(EndpointType::Interface) => {
                            let Some(party) = interface_party(model, e) else {
                                continue;
                            };
                            (party, format!("the {} interface endpoint", u.service))
                        }
                        _ => continue,
                    },
                    EndpointReach::No if matches!(sf.egress, Egress::Nat { .. }) => (
                        Party::Public {
                            service: u.service.clone(),
                        },
                        "public AWS endpoints through the NAT gateway".to_string(),
                    ),
                    _ => continue,
                };
                if covers(model, &groups, true, &party) == Cover::No {
                    let mut proof = vec![u.because.clone()];
                    proof.extend(endpoint_list_steps(model, &groups));
                    report(
                        format!(
                            "the security groups of function `{}` ({}) allow no TCP 443 towards {towards}, so its {} calls are blocked",
                            f.meta.name,
                            names.join(", "),
                            u.service
                        ),
                        proof,
                        &u.service,
                    );
                    continue 'services;
                }
            }
        }
    }
}

/// The members and subnets of an interface endpoint, when all of them are known.
fn interface_party(model: &crate::model::Model, e: crate::model::EndpointId) -> Option<Party> {
    let e = model.endpoint(e);
    let groups: Vec<_> = e
        .security_groups
        .iter()
        .filter_map(|i| i.value.known().copied())
        .collect();
    let cidrs: Vec<_> = e
        .subnets
        .iter()
        .filter_map(|i| i.value.known())
        .filter_map(|s| model.subnet(*s).cidr.known().copied())
        .collect();
    (groups.len() == e.security_groups.len() && cidrs.len() == e.subnets.len())
        .then_some(Party::Within { groups, cidrs })
}

/// Another endpoint of the unit may serve the gateway endpoint's service (an S3 interface
/// endpoint next to the gateway one, or one whose service or type is unknown).
fn other_endpoint_may_serve(model: &crate::model::Model, gw: crate::model::EndpointId) -> bool {
    let name = |e: &crate::model::Endpoint| e.service_name.known().and_then(endpoint_service);
    let Some(service) = name(model.endpoint(gw)) else {
        return true;
    };
    model.endpoints.iter().enumerate().any(|(i, e)| {
        i != gw.index()
            && e.endpoint_type.value != Value::Known(EndpointType::Gateway)
            && name(e).is_none_or(|n| n == service)
    })
}
