//! LVL009 endpoint-private-dns-off: an interface endpoint the function depends on (it uses the
//! service and one of its subnets has no other way out) has private DNS off, so the SDK's default
//! hostname still resolves to the public endpoint and the call times out. Terraform's
//! `private_dns_enabled` defaults to false.

use std::collections::BTreeSet;

use crate::analysis::endpoints::interface_endpoints;
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::{Attribute, FixIntent, Setting};
use crate::model::{EndpointId, Origin, Value};
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    let mut seen: BTreeSet<EndpointId> = BTreeSet::new();
    for (_, f, ff) in ctx.facts.vpc_functions() {
        // Each proven service on its own: one the linter cannot identify (a role that also
        // allows `*`) leaves the others decidable.
        let uses = &ff.proven_services;
        for u in uses {
            for (_, subnet) in known_subnets(f) {
                let s = model.subnet(subnet);
                // Depends on the endpoint: no other way out of this subnet.
                if !matches!(ctx.facts.subnet(subnet).egress, Egress::NoRoute { .. }) {
                    continue;
                }
                let Value::Known(vpc) = s.vpc.value else {
                    continue;
                };
                for id in interface_endpoints(model, vpc, &u.service) {
                    let e = model.endpoint(id);
                    if e.private_dns.value != Value::Known(false) || !seen.insert(id) {
                        continue;
                    }
                    let how = if e.private_dns.origin == Origin::Default {
                        " (the default)"
                    } else {
                        ""
                    };
                    let proof = vec![
                        Step {
                            span: f.meta.span,
                            text: format!(
                                "function `{}` uses {} from subnet `{}`, which has no route out of the VPC",
                                f.meta.name, u.service, s.meta.name
                            ),
                        },
                        u.because.clone(),
                        Step {
                            span: e.private_dns.span,
                            text: format!("interface endpoint `{}` has private DNS disabled{how}", e.meta.name),
                        },
                    ];
                    let fix = ctx.fix(&FixIntent::SetAttributes {
                        resource: e.meta.name.clone(),
                        settings: vec![Setting {
                            attribute: Attribute::EndpointPrivateDns,
                            value: true,
                            written_at: (e.private_dns.origin == Origin::Explicit)
                                .then_some(e.private_dns.span),
                        }],
                    });
                    let file = ctx.file_of(e.private_dns.span).to_string();
                    out.push(Diagnostic {
                        code: "LVL009",
                        slug: "endpoint-private-dns-off",
                        severity: Severity::Warning,
                        message: format!(
                            "interface endpoint `{}` for {}, which function `{}` depends on, has private DNS disabled{how}: the SDK's default hostname resolves to the public endpoint, which the function cannot reach",
                            e.meta.name, u.service, f.meta.name
                        ),
                        span: e.private_dns.span,
                        proof,
                        fix: fix.text,
                        fingerprint: Diagnostic::fingerprint_of("LVL009", &file, &[&e.meta.name]),
                        edits: fix.edits,
                    });
                }
            }
        }
    }
}
