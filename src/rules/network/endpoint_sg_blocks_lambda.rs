//! LVL008 endpoint-sg-blocks-lambda: an interface endpoint the function depends on has security
//! groups that admit no TCP 443 from the function's security groups or subnet CIDRs: every call
//! through the endpoint times out.

use std::collections::BTreeSet;

use crate::analysis::endpoints::interface_endpoints;
use crate::analysis::routing::Egress;
use crate::analysis::security_groups::{covers, known_groups, Cover, Party};
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::Value;
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let mut seen = BTreeSet::new();
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        let Ok(fn_groups) = known_groups(&vc.security_groups) else {
            continue;
        };
        // Each proven service on its own: one the linter cannot identify (a role that also
        // allows `*`) leaves the others decidable.
        let uses = &ff.proven_services;
        let subnets = known_subnets(f);
        let cidrs: Vec<_> = subnets
            .iter()
            .filter_map(|(_, s)| model.subnet(*s).cidr.known().copied())
            .collect();
        if cidrs.len() != subnets.len() {
            continue;
        }
        for u in uses {
            for (_, subnet) in &subnets {
                let s = model.subnet(*subnet);
                if !matches!(ctx.facts.subnet(*subnet).egress, Egress::NoRoute { .. }) {
                    continue;
                }
                let Value::Known(vpc) = s.vpc.value else {
                    continue;
                };
                for id in interface_endpoints(model, vpc, &u.service) {
                    let e = model.endpoint(id);
                    let groups: Vec<_> = e
                        .security_groups
                        .iter()
                        .filter_map(|i| i.value.known().copied())
                        .collect();
                    // No groups listed means the VPC's default group, which the run does not see.
                    if groups.is_empty() || groups.len() != e.security_groups.len() {
                        continue;
                    }
                    let party = Party::Within {
                        groups: fn_groups.clone(),
                        cidrs: cidrs.clone(),
                    };
                    if covers(model, &groups, false, &party) != Cover::No
                        || !seen.insert((id, f.meta.name.clone()))
                    {
                        continue;
                    }
                    let span = e
                        .security_groups
                        .first()
                        .map(|i| i.span)
                        .unwrap_or(e.meta.span);
                    let mut proof = vec![
                        Step {
                            span: f.meta.span,
                            text: format!("function `{}` uses {} from subnet `{}`, which has no route out of the VPC", f.meta.name, u.service, s.meta.name),
                        },
                        u.because.clone(),
                        Step { span: e.meta.span, text: format!("so it depends on interface endpoint `{}`", e.meta.name) },
                    ];
                    for g in &groups {
                        let sg = model.security_group(*g);
                        proof.push(Step {
                            span: sg.meta.span,
                            text: format!(
                                "security group `{}` admits no TCP 443 from the function",
                                sg.meta.name
                            ),
                        });
                    }
                    let fn_names: Vec<String> = fn_groups
                        .iter()
                        .map(|g| format!("`{}`", model.security_group(*g).meta.name))
                        .collect();
                    let file = ctx.file_of(span).to_string();
                    out.push(Diagnostic {
                        code: "LVL008",
                        slug: "endpoint-sg-blocks-lambda",
                        severity: Severity::Error,
                        message: format!(
                            "interface endpoint `{}` for {}, which function `{}` depends on, admits no TCP 443 from the function's security groups ({}) or subnets: its {} calls time out",
                            e.meta.name,
                            u.service,
                            f.meta.name,
                            fn_names.join(", "),
                            u.service
                        ),
                        span,
                        proof,
                        fix: Some(format!(
                            "Allow TCP 443 into the endpoint's security group from the function's security group ({}) or from its subnets' CIDRs.",
                            fn_names.join(", ")
                        )),
                        fingerprint: Diagnostic::fingerprint_of("LVL008", &file, &[&e.meta.name, &f.meta.name]),
                        edits: Vec::new(),
                    });
                }
            }
        }
    }
}
