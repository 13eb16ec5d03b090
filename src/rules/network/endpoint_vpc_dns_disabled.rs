//! LVL018 endpoint-vpc-dns-disabled: an interface endpoint with private DNS on sits in a VPC
//! without DNS support or DNS hostnames: AWS refuses to create it, so the deploy fails. Terraform
//! and CloudFormation both default `enable_dns_hostnames` / `EnableDnsHostnames` to false.

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::{Attribute, FixIntent, Setting};
use crate::model::{EndpointType, Origin, Value};
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for e in &model.endpoints {
        if e.endpoint_type.value != Value::Known(EndpointType::Interface)
            || e.private_dns.value != Value::Known(true)
        {
            continue;
        }
        let Value::Known(vpc) = e.vpc.value else {
            continue;
        };
        let v = model.vpc(vpc);
        let mut off = Vec::new();
        for (name, attr, a) in [
            (
                "DNS support",
                &v.enable_dns_support,
                Attribute::VpcDnsSupport,
            ),
            (
                "DNS hostnames",
                &v.enable_dns_hostnames,
                Attribute::VpcDnsHostnames,
            ),
        ] {
            if attr.value == Value::Known(false) {
                off.push((name, attr, a));
            }
        }
        if off.is_empty() {
            continue;
        }
        let mut proof = vec![Step {
            span: e.private_dns.span,
            text: format!(
                "interface endpoint `{}` has private DNS enabled",
                e.meta.name
            ),
        }];
        for (name, attr, _) in &off {
            let how = if attr.origin == Origin::Default {
                " (the default)"
            } else {
                ""
            };
            proof.push(Step {
                span: attr.span,
                text: format!("VPC `{}` has {name} disabled{how}", v.meta.name),
            });
        }
        let names: Vec<&str> = off.iter().map(|(n, ..)| *n).collect();
        let fix = ctx.fix(&FixIntent::SetAttributes {
            resource: v.meta.name.clone(),
            settings: off
                .iter()
                .map(|(_, attr, a)| Setting {
                    attribute: *a,
                    value: true,
                    written_at: (attr.origin == Origin::Explicit).then_some(attr.span),
                })
                .collect(),
        });
        let file = ctx.file_of(e.private_dns.span).to_string();
        out.push(Diagnostic {
            code: "LVL018",
            slug: "endpoint-vpc-dns-disabled",
            severity: Severity::Error,
            message: format!(
                "interface endpoint `{}` has private DNS enabled, but its VPC `{}` has {} disabled: AWS refuses to create the endpoint",
                e.meta.name,
                v.meta.name,
                names.join(" and ")
            ),
            span: e.private_dns.span,
            proof,
            fix: fix.text,
            fingerprint: Diagnostic::fingerprint_of("LVL018", &file, &[&e.meta.name]),
            edits: fix.edits,
        });
    }
}
