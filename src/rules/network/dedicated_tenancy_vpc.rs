//! LVL013 dedicated-tenancy-vpc: a function's subnet is in a VPC with dedicated instance
//! tenancy, which Lambda does not support.

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::Ecosystem;
use crate::rules::fix::ecosystem;
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        for (item, id) in known_subnets(f) {
            let s = model.subnet(id);
            let Some(vpc_id) = s.vpc.known() else {
                continue;
            };
            let vpc = model.vpc(*vpc_id);
            if vpc.instance_tenancy.known().map(String::as_str) != Some("dedicated") {
                continue;
            }
            let fix = match ecosystem(model) {
                Ecosystem::Terraform => format!(
                    "Attach the function to subnets of a VPC with default tenancy, or change this VPC's tenancy to default (instances that need dedicated hardware can ask for it one by one):\n\n  # {}\n  instance_tenancy = \"default\"",
                    vpc.meta.name
                ),
                Ecosystem::CloudFormation => format!(
                    "Attach the function to subnets of a VPC with default tenancy, or change this VPC's tenancy to default (instances that need dedicated hardware can ask for it one by one):\n\n  {}:\n    Type: AWS::EC2::VPC\n    Properties:\n      InstanceTenancy: default",
                    vpc.meta.name
                ),
            };
            let file = ctx.file_of(item).to_string();
            out.push(Diagnostic {
                code: "LVL013",
                slug: "dedicated-tenancy-vpc",
                severity: Severity::Error,
                message: format!(
                    "function `{}` is attached to subnet `{}` of VPC `{}`, which has dedicated instance tenancy: Lambda does not support dedicated-tenancy VPCs",
                    f.meta.name, s.meta.name, vpc.meta.name
                ),
                span: item,
                proof: vec![
                    Step {
                        span: s.vpc.span,
                        text: format!("subnet `{}` is in VPC `{}`", s.meta.name, vpc.meta.name),
                    },
                    Step {
                        span: vpc.instance_tenancy.span,
                        text: format!("VPC `{}` has instance tenancy dedicated", vpc.meta.name),
                    },
                ],
                fix: Some(fix),
                fingerprint: Diagnostic::fingerprint_of(
                    "LVL013",
                    &file,
                    &[&f.meta.name, &s.meta.name],
                ),
            });
        }
    }
}
