//! LVL018 endpoint-vpc-dns-disabled: an interface endpoint with private DNS on sits in a VPC
//! without DNS support or DNS hostnames: AWS refuses to create it, so the deploy fails. Terraform
//! and CloudFormation both default `enable_dns_hostnames` / `EnableDnsHostnames` to false.

use crate::diagnostic::{Diagnostic, Edit, Severity, Step};
use crate::model::{Ecosystem, EndpointType, Origin, Value};
use crate::rules::fix::ecosystem;
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
        for (name, attr, tf, cfn) in [
            (
                "DNS support",
                &v.enable_dns_support,
                "enable_dns_support",
                "EnableDnsSupport",
            ),
            (
                "DNS hostnames",
                &v.enable_dns_hostnames,
                "enable_dns_hostnames",
                "EnableDnsHostnames",
            ),
        ] {
            if attr.value == Value::Known(false) {
                off.push((name, attr, tf, cfn));
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
        for (name, attr, _, _) in &off {
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
        let fix = match ecosystem(model) {
            Ecosystem::Terraform => format!(
                "Enable DNS on the VPC:\n\nresource \"aws_vpc\" \"{}\" {{\n  ...\n{}\n}}",
                v.meta.name.strip_prefix("aws_vpc.").unwrap_or("main"),
                off.iter()
                    .map(|(_, _, tf, _)| format!("  {tf} = true"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            Ecosystem::CloudFormation => format!(
                "Enable DNS on the VPC:\n\n  Properties:\n{}",
                off.iter()
                    .map(|(_, _, _, c)| format!("    {c}: true"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
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
            fix: Some(fix),
            fingerprint: Diagnostic::fingerprint_of("LVL018", &file, &[&e.meta.name]),
            edits: off
                .iter()
                .filter(|(_, attr, _, _)| attr.origin == Origin::Explicit)
                .map(|(_, attr, _, _)| Edit { span: attr.span, replacement: "true".into() })
                .collect(),
        });
    }
}
