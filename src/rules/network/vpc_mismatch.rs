//! LVL014 vpc-mismatch: a function's subnets are in several VPCs, or one of its security groups
//! belongs to another VPC than its subnets. Lambda rejects both.
//!
//! One root cause, one finding: the security groups are judged only when the subnets are known
//! to share one VPC.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::model::{Ecosystem, Function, Model, SubnetId, VpcId};
use crate::rules::fix::ecosystem;
use crate::rules::RuleContext;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, _) in ctx.facts.vpc_functions() {
        let Some(vc) = &f.vpc_config else { continue };
        let Some(items) = vc.subnets.known() else {
            continue;
        };
        // (subnet, its VPC) for every subnet whose VPC is known; `all_known` when none is missing.
        let mut known = Vec::new();
        let mut all_known = true;
        for i in items {
            match i
                .value
                .known()
                .and_then(|s| Some((*s, *model.subnet(*s).vpc.known()?)))
            {
                Some(pair) => known.push(pair),
                None => all_known = false,
            }
        }
        let vpcs: BTreeSet<VpcId> = known.iter().map(|(_, v)| *v).collect();
        if vpcs.len() > 1 {
            several_vpcs(ctx, f, &known, vpcs.len(), all_known, out);
        } else if let (true, Some(vpc)) = (all_known, vpcs.first()) {
            foreign_security_groups(ctx, f, &known, *vpc, out);
        }
    }
}

fn several_vpcs(
    ctx: &RuleContext<'_>,
    f: &Function,
    subnets: &[(SubnetId, VpcId)],
    count: usize,
    all_known: bool,
    out: &mut Vec<Diagnostic>,
) {
    let model = ctx.model;
    let Some(vc) = &f.vpc_config else { return };
    let proof = subnet_steps(model, subnets);
    let at_least = if all_known { "" } else { "at least " };
    let file = ctx.file_of(vc.subnets.span).to_string();
    out.push(Diagnostic {
        code: "LVL014",
        slug: "vpc-mismatch",
        severity: Severity::Error,
        message: format!(
            "the subnets of function `{}` are in {at_least}{count} different VPCs: a function's subnets and security groups must all be in one VPC",
            f.meta.name
        ),
        span: vc.subnets.span,
        proof,
        fix: Some(fix(model, "Attach the function only to subnets of one VPC, and give it security groups of that VPC.")),
        fingerprint: Diagnostic::fingerprint_of("LVL014", &file, &[&f.meta.name, "subnets"]),
    });
}

fn foreign_security_groups(
    ctx: &RuleContext<'_>,
    f: &Function,
    subnets: &[(SubnetId, VpcId)],
    vpc: VpcId,
    out: &mut Vec<Diagnostic>,
) {
    let model = ctx.model;
    let Some(vc) = &f.vpc_config else { return };
    let Some(items) = vc.security_groups.known() else {
        return;
    };
    let vpc_name = &model.vpc(vpc).meta.name;
    for i in items {
        let Some(sg_id) = i.value.known() else {
            continue;
        };
        let sg = model.security_group(*sg_id);
        let Some(other) = sg.vpc.known() else {
            continue;
        };
        if *other == vpc {
            continue;
        }
        let other_name = &model.vpc(*other).meta.name;
        let file = ctx.file_of(i.span).to_string();
        out.push(Diagnostic {
            code: "LVL014",
            slug: "vpc-mismatch",
            severity: Severity::Error,
            message: format!(
                "security group `{}` of function `{}` is in VPC `{other_name}`, but the function's subnets are in VPC `{vpc_name}`",
                sg.meta.name, f.meta.name
            ),
            span: i.span,
            proof: {
                let mut steps = subnet_steps(model, subnets);
                steps.push(Step {
                    span: sg.vpc.span,
                    text: format!("security group `{}` is in VPC `{other_name}`", sg.meta.name),
                });
                steps
            },
            fix: Some(fix(
                model,
                "Use a security group of the subnets' VPC (security groups cannot be shared across VPCs).",
            )),
            fingerprint: Diagnostic::fingerprint_of(
                "LVL014",
                &file,
                &[&f.meta.name, &sg.meta.name],
            ),
        });
    }
}

fn subnet_steps(model: &Model, subnets: &[(SubnetId, VpcId)]) -> Vec<Step> {
    subnets
        .iter()
        .map(|(s, v)| {
            let s = model.subnet(*s);
            Step {
                span: s.vpc.span,
                text: format!(
                    "subnet `{}` is in VPC `{}`",
                    s.meta.name,
                    model.vpc(*v).meta.name
                ),
            }
        })
        .collect()
}

fn fix(model: &Model, advice: &str) -> String {
    match ecosystem(model) {
        Ecosystem::Terraform => format!(
            "{advice}\n\n  vpc_config {{\n    subnet_ids         = [<subnets of one VPC>]\n    security_group_ids = [<security groups of that VPC>]\n  }}"
        ),
        Ecosystem::CloudFormation => format!(
            "{advice}\n\n  VpcConfig:\n    SubnetIds:\n      - <subnets of one VPC>\n    SecurityGroupIds:\n      - <security groups of that VPC>"
        ),
    }
}
