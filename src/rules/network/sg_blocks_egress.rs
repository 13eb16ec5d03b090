//! LVL010 sg-blocks-egress: the function's security groups allow no outbound traffic at all, or
//! none that covers what it needs: TCP 443 to public addresses for a service reached through a
//! NAT gateway, or to the security groups / subnets of the interface endpoint it depends on.
//! Terraform's `aws_security_group` without `egress` blocks has no egress; CloudFormation's
//! without `SecurityGroupEgress` keeps the default allow-all (both lowered by the front ends).

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::routing::Egress;
use crate::analysis::security_groups::{covers, known_groups, no_egress_at_all, Cover, Party};
use crate::diagnostic::{Diagnostic, Severity, Step};
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
            out.push(Diagnostic {
                code: "LVL010",
                slug: "sg-blocks-egress",
                severity: Severity::Error,
                message,
                span: vc.security_groups.span,
                proof: steps,
                fix: Some(
                    "Allow the traffic the function needs, e.g. TCP 443 towards 0.0.0.0/0 (through the NAT gateway), towards the interface endpoint's security group, or towards the gateway endpoint's prefix list. In Terraform, an `aws_security_group` without `egress` blocks allows no outbound traffic at all."
                        .to_string(),
                ),
                fingerprint: Diagnostic::fingerprint_of("LVL010", &file, &[&f.meta.name, why]),
                edits: Vec::new(),
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
        let Value::Known(uses) = &ff.services else {
            continue;
        };
        'services: for u in uses {
            for (_, subnet) in known_subnets(f) {
                let sf = ctx.facts.subnet(subnet);
                let party = match service_reach(model, subnet, &sf.table, &u.service) {
                    EndpointReach::Yes(e) => {
                        let e = model.endpoint(e);
                        if e.endpoint_type.value != Value::Known(EndpointType::Interface) {
                            continue; // a gateway endpoint: its prefix list, not judged here
                        }
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
                        if groups.len() != e.security_groups.len() || cidrs.len() != e.subnets.len()
                        {
                            continue;
                        }
                        Party::Within { groups, cidrs }
                    }
                    EndpointReach::No if matches!(sf.egress, Egress::Nat { .. }) => Party::Public,
                    _ => continue,
                };
                if covers(model, &groups, true, &party) == Cover::No {
                    let towards = match &party {
                        Party::Public => "public AWS endpoints through the NAT gateway".to_string(),
                        Party::Within { .. } => format!("the {} interface endpoint", u.service),
                    };
                    report(
                        format!(
                            "the security groups of function `{}` ({}) allow no TCP 443 towards {towards}, so its {} calls are blocked",
                            f.meta.name,
                            names.join(", "),
                            u.service
                        ),
                        vec![u.because.clone()],
                        &u.service,
                    );
                    continue 'services;
                }
            }
        }
    }
}
