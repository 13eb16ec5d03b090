//! Fixes in CloudFormation (and SAM, CDK output): `!Ref`/`!GetAtt` to logical ids, new resources
//! and properties as YAML, policy statements in the syntax of the statement they amend.

use super::intent::{Attribute, EndpointPurpose, FixIntent, NewEndpoint, ResourceScope};
use super::policy::{self, Style};
use super::{indent, prose};
use crate::source::{SourceMap, Span};

pub fn render(sources: &SourceMap, intent: &FixIntent) -> Option<String> {
    Some(match intent {
        FixIntent::MoveToPrivateSubnets { public_subnets, .. } => format!(
            "{}:\n\n  VpcConfig:\n    SubnetIds:\n      - <private subnet>   # instead of {}",
            prose::PRIVATE_SUBNETS,
            refs(public_subnets).join(", ")
        ),
        FixIntent::AddSubnetInAnotherZone { subnets, .. } => format!(
            "{}:\n\n  VpcConfig:\n    SubnetIds:\n{}      - <subnet in another availability zone>",
            prose::TWO_ZONES,
            refs(subnets).iter().map(|c| format!("      - {c}\n")).collect::<String>()
        ),
        FixIntent::AllowSecurityGroupEgress { .. } => prose::SG_EGRESS.to_string(),
        FixIntent::AddIpv6EgressRoute { .. } => format!(
            "{}:\n\n  Eigw:\n    Type: AWS::EC2::EgressOnlyInternetGateway\n    Properties:\n      VpcId: <vpc>\n  Ipv6DefaultRoute:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: <the subnet's route table>\n      DestinationIpv6CidrBlock: ::/0\n      EgressOnlyInternetGatewayId: !Ref Eigw",
            prose::IPV6_EGRESS
        ),
        FixIntent::MakeNatGatewayPublic { .. } => "Use a public NAT gateway (ConnectivityType: public, the default) with an Elastic IP (AllocationId), in a public subnet.".into(),
        FixIntent::AllocateNatElasticIp { .. } => "Give the NAT gateway an Elastic IP: `AllocationId: !GetAtt <Eip>.AllocationId` with an `AWS::EC2::EIP` (`Domain: vpc`).".into(),
        FixIntent::AddVpcEndpoint {
            vpc,
            service,
            endpoint_service,
            kind,
            purpose,
        } => {
            let vpc = vpc
                .as_ref()
                .map(|v| cfn_ref(v))
                .unwrap_or_else(|| "<vpc id>".into());
            let body = match kind {
                NewEndpoint::Gateway { route_tables } => format!(
                    "      VpcEndpointType: Gateway\n      RouteTableIds:\n{}",
                    if route_tables.is_empty() {
                        "        - <route table>".into()
                    } else {
                        list(route_tables, 8)
                    }
                ),
                NewEndpoint::Interface { subnets } => format!(
                    "      VpcEndpointType: Interface\n      SubnetIds:\n{}\n      SecurityGroupIds:\n        - <security group admitting TCP 443 from the function>\n      PrivateDnsEnabled: true",
                    list(subnets, 8)
                ),
            };
            // The logical id says why the endpoint is there.
            let logical = match purpose {
                EndpointPurpose::Reach { .. } => format!("{}Endpoint", capitalize(service)),
                EndpointPurpose::AvoidNatCharge => format!(
                    "{}GatewayEndpoint",
                    if service == "s3" { "S3" } else { "DynamoDb" }
                ),
            };
            format!(
                "{}:\n\n  {logical}:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: {vpc}\n      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.{endpoint_service}\n{body}",
                prose::endpoint_lead(service, purpose)
            )
        }
        FixIntent::SetAttributes { settings, .. } => {
            if settings
                .iter()
                .any(|s| s.attribute == Attribute::EndpointPrivateDns)
            {
                "Set `PrivateDnsEnabled: true` on the endpoint (the VPC needs `EnableDnsSupport` and `EnableDnsHostnames`).".to_string()
            } else {
                format!(
                    "{}:\n\n  Properties:\n{}",
                    prose::ENABLE_VPC_DNS,
                    settings
                        .iter()
                        .map(|s| format!("    {}: {}", property(s.attribute), s.value))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            }
        }
        FixIntent::AddEndpointRouteTable { route_table, .. } => format!(
            "Add the subnet's route table to the endpoint:\n\n  RouteTableIds:\n    - {}",
            cfn_ref(route_table.as_deref().unwrap_or(prose::MAIN_ROUTE_TABLE))
        ),
        FixIntent::AttachManagedPolicy {
            role,
            role_implied,
            policy,
        } => {
            if *role_implied {
                // SAM's `Policies` takes a managed policy by name.
                format!(
                    "Add the managed policy to the function's Policies:\n\n  Policies:\n    - {}",
                    policy.rsplit('/').next().unwrap_or(policy)
                )
            } else {
                format!(
                    "Add the AWS managed policy to the role {}:\n\n  ManagedPolicyArns:\n    - !Sub arn:${{AWS::Partition}}:iam::aws:policy/{policy}",
                    cfn_ref(role).trim_start_matches("!Ref ")
                )
            }
        }
        FixIntent::AllowActionOn {
            policy,
            statement,
            action,
            resources,
            advice,
        } => {
            let style = statement.map_or(Style::Yaml, |s| style_of(sources, s));
            let resource = match (resources, style) {
                (ResourceScope::Any, _) => "\"*\"",
                (ResourceScope::NetworkInterfaces, Style::Json) => "{\"Fn::Sub\": \"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*\"}",
                (ResourceScope::NetworkInterfaces, _) => "!Sub \"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*\"",
            };
            format!(
                "In policy `{policy}`, {advice}:\n\n{}",
                policy::allow_snippet(action, resource, style)
            )
        }
        FixIntent::AddDenyStatement {
            role,
            role_implied,
            function,
            actions,
        } => {
            let condition = policy::condition_snippet(
                "ArnEquals",
                &[function_arn(function, Style::Yaml)],
                Style::Yaml,
            );
            let mut list = String::new();
            for a in actions {
                list.push_str(&format!("\n            - {a}"));
            }
            let mut role = cfn_ref(role);
            if *role_implied {
                // SAM's implicit role is named `<Function>Role` and can be referenced as such.
                role.push_str("  # the role SAM creates for the function");
            }
            format!(
                "{}:\n\n{}DenyCodeEni:\n  Type: AWS::IAM::RolePolicy\n  Properties:\n    RoleName: {role}\n    PolicyName: deny-code-eni\n    PolicyDocument:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Deny\n          Action:{list}\n          Resource: \"*\"\n          {}",
                prose::DENY_OWN_POLICY,
                logical_prefix(function),
                indent(&condition, 10)
            )
        }
        FixIntent::LimitDenyToFunctionCode { .. }
        | FixIntent::AddFunctionToDenyCondition { .. }
        | FixIntent::UseConditionOperator { .. } => {
            return policy::amend_statement(sources, intent, style_of, function_arn)
        }
        FixIntent::Written { cloudformation, .. } => return cloudformation.clone(),
    })
}

fn property(a: Attribute) -> &'static str {
    match a {
        Attribute::VpcDnsSupport => "EnableDnsSupport",
        Attribute::VpcDnsHostnames => "EnableDnsHostnames",
        Attribute::EndpointPrivateDns => "PrivateDnsEnabled",
    }
}

/// A statement in a JSON template (or a JSON string) or in YAML.
fn style_of(sources: &SourceMap, statement: Span) -> Style {
    if policy::text_at(sources, statement).starts_with('{') {
        Style::Json
    } else {
        Style::Yaml
    }
}

/// A function's ARN by `Fn::GetAtt`; a CDK construct path is no logical id, so a placeholder.
fn function_arn(function: &str, style: Style) -> String {
    if function.contains('/') {
        format!("<Arn of {function}>")
    } else if style == Style::Json {
        format!("{{\"Fn::GetAtt\": [\"{function}\", \"Arn\"]}}")
    } else {
        format!("!GetAtt {function}.Arn")
    }
}

fn refs(names: &[String]) -> Vec<String> {
    names.iter().map(|n| cfn_ref(n)).collect()
}

/// A YAML list of references, indented by `n`.
fn list(names: &[String], n: usize) -> String {
    let pad = " ".repeat(n);
    names
        .iter()
        .map(|t| format!("{pad}- {}", cfn_ref(t)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A CloudFormation `!Ref` to a logical id; CDK construct paths are not logical ids, so they are
/// shown as a placeholder.
pub fn cfn_ref(name: &str) -> String {
    if name.contains('/') {
        format!("<Ref to {name}>")
    } else {
        format!("!Ref {name}")
    }
}

/// A logical-id prefix from a name (CDK paths lose their separators).
fn logical_prefix(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// `secretsmanager` → `Secretsmanager`, `sts-fips` → `StsFips`: a logical-id prefix.
fn capitalize(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}
