//! LVL001 public-subnet-no-internet: a VPC function attached to a subnet whose internet-bound
//! traffic goes to an internet gateway. Lambda ENIs never get a public IP, so nothing outside
//! the VPC is reachable from there.
//!
//! Error when the function needs such egress (it uses a service with no endpoint usable from the
//! subnet) or when its other subnets are private (invocations then fail or succeed depending on
//! the ENI they land on); warning when it is only placed there.

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Ecosystem;
use crate::rules::fix::{cfn_ref, ecosystem, tf_ref};
use crate::rules::RuleContext;

use super::known_subnets;
use super::no_egress_path::attach_step;

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    for (_, f, ff) in ctx.facts.vpc_functions() {
        let subnets = known_subnets(f);
        let has_private = subnets.iter().any(|(_, s)| {
            matches!(
                ctx.facts.subnet(*s).egress,
                Egress::Nat { .. } | Egress::NoRoute { .. }
            )
        });
        for (item_span, subnet) in &subnets {
            let sf = ctx.facts.subnet(*subnet);
            let Egress::InternetGateway { proof, .. } = &sf.egress else {
                continue;
            };
            let s = model.subnet(*subnet);
            // The first service the function uses that has no endpoint usable from here.
            let needed = ff.proven_services.iter().find(|u| {
                service_reach(model, *subnet, &sf.table, &u.service) == EndpointReach::No
            });
            let severity = if has_private || needed.is_some() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let gateway = proof
                .last()
                .map(|st| {
                    st.text
                        .trim_end_matches(" is an internet gateway")
                        .to_string()
                })
                .unwrap_or_default();
            let mut message = format!(
                "function `{}` is attached to public subnet `{}`, whose internet traffic goes to internet gateway {}; Lambda network interfaces never get a public IP, so the function reaches neither the internet nor public AWS APIs from it",
                f.meta.name, s.meta.name, gateway
            );
            if has_private {
                message.push_str("; its other subnets are private, so invocations fail or succeed depending on the subnet they land in");
            }
            let mut steps = attach_step(
                proof,
                format!(
                    "function `{}` is attached to subnet `{}`",
                    f.meta.name, s.meta.name
                ),
            );
            if let Some(u) = needed {
                message.push_str(&format!(
                    "; it uses {} and no {} endpoint is usable from that subnet",
                    u.service, u.service
                ));
                steps.push(u.because.clone());
            }
            let fix = match ecosystem(model) {
                Ecosystem::Terraform => format!(
                    "Attach the function to private subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or that reach the services through VPC endpoints):\n\n  vpc_config {{\n    subnet_ids = [<private subnet ids>]   # instead of {}\n    ...\n  }}",
                    tf_ref(&s.meta.name, "id")
                ),
                Ecosystem::CloudFormation => format!(
                    "Attach the function to private subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or that reach the services through VPC endpoints):\n\n  VpcConfig:\n    SubnetIds:\n      - <private subnet>   # instead of {}",
                    cfn_ref(&s.meta.name)
                ),
            };
            let file = ctx.file_of(*item_span).to_string();
            out.push(Diagnostic {
                code: "LVL001",
                slug: "public-subnet-no-internet",
                severity,
                message,
                span: *item_span,
                proof: steps,
                fix: Some(fix),
                edits: Vec::new(),
                fingerprint: Diagnostic::fingerprint_of(
                    "LVL001",
                    &file,
                    &[&f.meta.name, &s.meta.name],
                ),
            });
        }
    }
}
