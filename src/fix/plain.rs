//! Fixes in words, for a front end with no syntax to edit (an account snapshot): what to change
//! in AWS terms, naming the resources. Never an edit.

use super::intent::{Attribute, FixIntent, NewEndpoint, ResourceScope};
use super::prose;

pub fn describe(intent: &FixIntent) -> Option<String> {
    Some(match intent {
        FixIntent::MoveToPrivateSubnets {
            function,
            public_subnets,
        } => format!(
            "{}, instead of {} for function `{function}`.",
            prose::PRIVATE_SUBNETS,
            names(public_subnets)
        ),
        FixIntent::AddSubnetInAnotherZone { function, subnets } => format!(
            "{}: add a subnet in another availability zone to function `{function}` (it has {}).",
            prose::TWO_ZONES,
            names(subnets)
        ),
        FixIntent::AllowSecurityGroupEgress { security_groups } => format!(
            "{} (in the egress rules of {})",
            prose::SG_EGRESS.trim_end_matches('.'),
            names(security_groups)
        ) + ".",
        FixIntent::AddIpv6EgressRoute { subnet } => format!(
            "{}: create one in the VPC and add a route for ::/0 to it in the route table of subnet `{subnet}`.",
            prose::IPV6_EGRESS
        ),
        FixIntent::MakeNatGatewayPublic { nat } => format!(
            "Replace NAT gateway `{nat}` by a public NAT gateway with an Elastic IP, in a public subnet."
        ),
        FixIntent::AllocateNatElasticIp { nat } => {
            format!("Give NAT gateway `{nat}` an Elastic IP allocation.")
        }
        FixIntent::AddVpcEndpoint {
            vpc,
            service,
            endpoint_service,
            kind,
            purpose,
        } => {
            let vpc = vpc
                .as_ref()
                .map_or("the VPC".to_string(), |v| format!("VPC `{v}`"));
            let how = match kind {
                NewEndpoint::Gateway { route_tables } if route_tables.is_empty() => {
                    "gateway endpoint on the subnets' route tables".to_string()
                }
                NewEndpoint::Gateway { route_tables } => {
                    format!("gateway endpoint on route tables {}", names(route_tables))
                }
                NewEndpoint::Interface { subnets } => format!(
                    "interface endpoint in subnets {}, with a security group admitting TCP 443 from the function and private DNS enabled",
                    names(subnets)
                ),
            };
            let lead = prose::endpoint_lead(service, purpose);
            format!("{lead}: a com.amazonaws.<region>.{endpoint_service} {how}, in {vpc}.")
        }
        // A deployed resource: the words, then the AWS CLI call per attribute (one attribute
        // per `modify-vpc-attribute` call, as the API takes them).
        FixIntent::SetAttributes { resource, settings } => {
            let words = settings
                .iter()
                .map(|s| {
                    let what = match s.attribute {
                        Attribute::VpcDnsSupport => "DNS support",
                        Attribute::VpcDnsHostnames => "DNS hostnames",
                        Attribute::EndpointPrivateDns => "private DNS",
                    };
                    format!("{what} to {}", if s.value { "enabled" } else { "disabled" })
                })
                .collect::<Vec<_>>()
                .join(" and ");
            let calls = settings
                .iter()
                .map(|s| match s.attribute {
                    Attribute::VpcDnsSupport | Attribute::VpcDnsHostnames => {
                        let flag = if s.attribute == Attribute::VpcDnsSupport {
                            "--enable-dns-support"
                        } else {
                            "--enable-dns-hostnames"
                        };
                        format!(
                            "aws ec2 modify-vpc-attribute --vpc-id {resource} {flag} '{{\"Value\":{}}}'",
                            s.value
                        )
                    }
                    Attribute::EndpointPrivateDns => format!(
                        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {resource} --{}private-dns-enabled",
                        if s.value { "" } else { "no-" }
                    ),
                })
                .collect::<Vec<_>>()
                .join("\n  ");
            // Only for an AWS id (the snapshot's names): a name from a template is no argument.
            let id = resource.starts_with("vpc-") || resource.starts_with("vpce-");
            if id && resource.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                format!("On `{resource}`, set {words}:\n\n  {calls}")
            } else {
                format!("On `{resource}`, set {words}.")
            }
        }
        FixIntent::AddEndpointRouteTable {
            endpoint,
            route_table,
        } => format!(
            "Associate gateway endpoint `{endpoint}` with {}.",
            route_table
                .as_ref()
                .map_or(prose::MAIN_ROUTE_TABLE.to_string(), |t| format!(
                    "route table `{t}`"
                ))
        ),
        FixIntent::AttachManagedPolicy { role, policy, .. } => format!(
            "Attach the AWS managed policy arn:aws:iam::aws:policy/{policy} to role `{role}`."
        ),
        FixIntent::AllowActionOn {
            policy,
            action,
            resources,
            advice,
            ..
        } => format!(
            "In policy `{policy}`, {advice}: allow `{action}` on {}.",
            match resources {
                ResourceScope::Any => "`*`",
                ResourceScope::NetworkInterfaces => "every network interface",
            }
        ),
        FixIntent::AddDenyStatement {
            role,
            function,
            actions,
            ..
        } => format!(
            "{}: attach to role `{role}` a policy that denies {} on `*` when `lambda:SourceFunctionArn` equals the ARN of function `{function}`.",
            prose::DENY_OWN_POLICY,
            actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FixIntent::LimitDenyToFunctionCode { functions, .. } => format!(
            "{}: `ArnEquals` `lambda:SourceFunctionArn` to the ARN of {}.",
            prose::LIMIT_DENY,
            names(functions)
        ),
        FixIntent::AddFunctionToDenyCondition { function, .. } => {
            format!("{}.", prose::add_to_condition(&format!("the ARN of {function}")))
        }
        FixIntent::UseConditionOperator {
            effect,
            key,
            operator,
            why,
            ..
        } => prose::use_operator(operator, key, effect, why),
        // A rule file's fix is written for the languages it names; nothing to describe.
        FixIntent::Written { .. } => return None,
    })
}

fn names(list: &[String]) -> String {
    list.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::EndpointPurpose;

    #[test]
    fn an_intent_reads_as_words_naming_the_resources() {
        let text = describe(&FixIntent::AttachManagedPolicy {
            role: "lambda-exec".into(),
            role_implied: false,
            policy: "service-role/AWSLambdaVPCAccessExecutionRole".into(),
        })
        .unwrap();
        assert_eq!(
            text,
            "Attach the AWS managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole to role `lambda-exec`."
        );
        let text = describe(&FixIntent::AddVpcEndpoint {
            vpc: Some("vpc-1".into()),
            service: "s3".into(),
            endpoint_service: "s3".into(),
            kind: NewEndpoint::Gateway {
                route_tables: vec!["rtb-1".into()],
            },
            purpose: EndpointPurpose::AvoidNatCharge,
        })
        .unwrap();
        assert_eq!(
            text,
            "Add a free gateway endpoint: a com.amazonaws.<region>.s3 gateway endpoint on route tables `rtb-1`, in VPC `vpc-1`."
        );
    }
}
