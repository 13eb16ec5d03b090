//! LVL015 subnet-ip-capacity: a Lambda subnet is very small. "Very small" means fewer than 32
//! usable addresses, i.e. a /27 or a longer prefix: usable = 2^(32 − prefix) − 5, because AWS
//! reserves five addresses in every subnet (a /27 has 27, a /28 has 11).

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::Ecosystem;
use crate::rules::fix::ecosystem;
use crate::rules::RuleContext;

use super::known_subnets;

/// Subnets with fewer usable addresses than this are reported.
pub const MIN_USABLE: u64 = 32;

/// Usable addresses of an IPv4 prefix length: AWS reserves five per subnet.
pub fn usable(prefix: u8) -> u64 {
    (1u64 << (32 - u32::from(prefix.min(32)))).saturating_sub(5)
}

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        for (item, id) in known_subnets(f) {
            let s = model.subnet(id);
            let Some(cidr) = s.cidr.known() else { continue };
            let n = usable(cidr.prefix_len());
            if n >= MIN_USABLE {
                continue;
            }
            let fix = match ecosystem(model) {
                Ecosystem::Terraform => format!(
                    "Give the Lambda subnets room to grow: a /24 has 251 usable addresses.\n\n  # {}\n  cidr_block = \"<a /24 or larger block>\"",
                    s.meta.name
                ),
                Ecosystem::CloudFormation => format!(
                    "Give the Lambda subnets room to grow: a /24 has 251 usable addresses.\n\n  {}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: <a /24 or larger block>",
                    s.meta.name
                ),
            };
            let file = ctx.file_of(item).to_string();
            out.push(Diagnostic {
                code: "LVL015",
                slug: "subnet-ip-capacity",
                severity: Severity::Note,
                message: format!(
                    "subnet `{}` of function `{}` has only {n} usable IPv4 addresses ({cidr}): the function's network interfaces compete for them with everything else in the subnet, and creating or updating the function fails when none is free",
                    s.meta.name, f.meta.name
                ),
                span: item,
                proof: vec![Step {
                    span: s.cidr.span,
                    text: format!(
                        "subnet `{}` has CIDR block {cidr}: {n} usable addresses once AWS reserves five",
                        s.meta.name
                    ),
                }],
                fix: Some(fix),
                fingerprint: Diagnostic::fingerprint_of(
                    "LVL015",
                    &file,
                    &[&f.meta.name, &s.meta.name],
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_addresses() {
        assert_eq!(usable(28), 11);
        assert_eq!(usable(27), 27);
        assert_eq!(usable(26), 59);
        assert_eq!(usable(16), 65531);
        assert_eq!(usable(32), 0);
    }
}
