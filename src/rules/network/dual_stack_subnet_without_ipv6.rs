//! LVL011 dual-stack-subnet-without-ipv6: a function allows IPv6 dual-stack traffic, but one of
//! its subnets has no IPv6 CIDR block; Lambda rejects that configuration.

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::{Ecosystem, Value};
use crate::rules::fix::ecosystem;
use crate::rules::RuleContext;

use super::known_subnets;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        if vc.ipv6_dual_stack.value != Value::Known(true) {
            continue;
        }
        for (item, id) in known_subnets(f) {
            let s = model.subnet(id);
            if s.ipv6_cidr.value != Value::Known(None) {
                continue;
            }
            let vpc = match s.vpc.known() {
                Some(v) => model.vpc(*v).meta.name.clone(),
                None => "<its VPC>".to_string(),
            };
            let fix = match ecosystem(model) {
                Ecosystem::Terraform => format!(
                    "Give the subnet an IPv6 CIDR block from its VPC's (the VPC needs `assign_generated_ipv6_cidr_block = true`), or turn dual-stack off:\n\n  # {}\n  ipv6_cidr_block = cidrsubnet({vpc}.ipv6_cidr_block, 8, <n>)\n\n  # or, in the function's vpc_config\n  ipv6_allowed_for_dual_stack = false",
                    s.meta.name
                ),
                Ecosystem::CloudFormation => format!(
                    "Give the subnet an IPv6 CIDR block from its VPC's (the VPC needs an AWS::EC2::VPCCidrBlock with AmazonProvidedIpv6CidrBlock: true), or turn dual-stack off:\n\n  {}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      Ipv6CidrBlock: !Select [<n>, !Cidr [!Select [0, !GetAtt {vpc}.Ipv6CidrBlocks], <count>, 64]]\n\n  # or, in the function's VpcConfig\n  Ipv6AllowedForDualStack: false",
                    s.meta.name
                ),
            };
            let file = ctx.file_of(item).to_string();
            out.push(Diagnostic {
                code: "LVL011",
                slug: "dual-stack-subnet-without-ipv6",
                severity: Severity::Error,
                message: format!(
                    "function `{}` allows IPv6 dual-stack traffic, but its subnet `{}` has no IPv6 CIDR block: Lambda rejects the configuration",
                    f.meta.name, s.meta.name
                ),
                span: item,
                proof: vec![
                    Step {
                        span: vc.ipv6_dual_stack.span,
                        text: format!("function `{}` allows IPv6 dual-stack traffic", f.meta.name),
                    },
                    Step {
                        span: s.ipv6_cidr.span,
                        text: format!("subnet `{}` has no IPv6 CIDR block", s.meta.name),
                    },
                ],
                fix: Some(fix),
                fingerprint: Diagnostic::fingerprint_of(
                    "LVL011",
                    &file,
                    &[&f.meta.name, &s.meta.name],
                ),
            });
        }
    }
}
