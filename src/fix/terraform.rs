//! Fixes in Terraform: references to the user's resource addresses, new resources as HCL blocks,
//! policy statements in the syntax of the statement they amend.

use super::intent::{Attribute, FixIntent, NewEndpoint, ResourceScope};
use super::policy::{self, Style};
use super::{indent, prose};
use crate::source::{SourceMap, Span};

pub fn render(sources: &SourceMap, intent: &FixIntent) -> Option<String> {
    Some(match intent {
        FixIntent::MoveToPrivateSubnets { public_subnets, .. } => format!(
            "{}:\n\n  vpc_config {{\n    subnet_ids = [<private subnet ids>]   # instead of {}\n    ...\n  }}",
            prose::PRIVATE_SUBNETS,
            refs(public_subnets, "id").join(", ")
        ),
        FixIntent::AddSubnetInAnotherZone { subnets, .. } => format!(
            "{}:\n\n  vpc_config {{\n    subnet_ids = [{}<subnet in another availability zone>]\n    ...\n  }}",
            prose::TWO_ZONES,
            refs(subnets, "id").iter().map(|c| format!("{c}, ")).collect::<String>()
        ),
        // Unlike CloudFormation's default, a group without `egress` blocks allows nothing out.
        FixIntent::AllowSecurityGroupEgress { .. } => format!(
            "{} In Terraform, an `aws_security_group` without `egress` blocks allows no outbound traffic at all.",
            prose::SG_EGRESS
        ),
        FixIntent::AddIpv6EgressRoute { .. } => format!(
            "{}:\n\nresource \"aws_egress_only_internet_gateway\" \"eigw\" {{\n  vpc_id = <vpc id>\n}}\n\nresource \"aws_route\" \"ipv6_default\" {{\n  route_table_id              = <the subnet's route table id>\n  destination_ipv6_cidr_block = \"::/0\"\n  egress_only_gateway_id      = aws_egress_only_internet_gateway.eigw.id\n}}",
            prose::IPV6_EGRESS
        ),
        FixIntent::MakeNatGatewayPublic { .. } => "Use a public NAT gateway (connectivity_type = \"public\", the default) with an Elastic IP, in a public subnet.".into(),
        FixIntent::AllocateNatElasticIp { .. } => "Give the NAT gateway an Elastic IP: `allocation_id = aws_eip.<name>.id` with `resource \"aws_eip\" \"<name>\" { domain = \"vpc\" }`.".into(),
        FixIntent::AddVpcEndpoint {
            vpc,
            service,
            endpoint_service,
            kind,
            purpose,
        } => {
            let vpc = vpc
                .as_ref()
                .map(|v| tf_ref(v, "id"))
                .unwrap_or_else(|| "<vpc id>".into());
            let body = match kind {
                NewEndpoint::Gateway { route_tables } => format!(
                    "  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [{}]",
                    if route_tables.is_empty() {
                        "<route table ids>".into()
                    } else {
                        refs(route_tables, "id").join(", ")
                    }
                ),
                NewEndpoint::Interface { subnets } => format!(
                    "  vpc_endpoint_type   = \"Interface\"\n  subnet_ids          = [{}]\n  security_group_ids  = [<security group admitting TCP 443 from the function>]\n  private_dns_enabled = true",
                    refs(subnets, "id").join(", ")
                ),
            };
            let name = tf_name(service);
            format!(
                "{}:\n\nresource \"aws_vpc_endpoint\" \"{name}\" {{\n  vpc_id            = {vpc}\n  service_name      = \"com.amazonaws.${{data.aws_region.current.name}}.{endpoint_service}\"\n{body}\n}}",
                prose::endpoint_lead(service, purpose)
            )
        }
        FixIntent::SetAttributes { resource, settings } => {
            if settings
                .iter()
                .any(|s| s.attribute == Attribute::EndpointPrivateDns)
            {
                "Set `private_dns_enabled = true` on the endpoint (the VPC needs `enable_dns_support` and `enable_dns_hostnames`).".to_string()
            } else {
                format!(
                    "{}:\n\nresource \"aws_vpc\" \"{}\" {{\n  ...\n{}\n}}",
                    prose::ENABLE_VPC_DNS,
                    resource.strip_prefix("aws_vpc.").unwrap_or("main"),
                    settings
                        .iter()
                        .map(|s| format!("  {} = {}", attribute(s.attribute), s.value))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            }
        }
        FixIntent::AddEndpointRouteTable {
            endpoint,
            route_table,
        } => {
            let table = route_table.as_deref().unwrap_or(prose::MAIN_ROUTE_TABLE);
            format!(
                "Associate the endpoint with the subnet's route table:\n\nresource \"aws_vpc_endpoint_route_table_association\" \"{}\" {{\n  vpc_endpoint_id = {}\n  route_table_id  = {}\n}}",
                tf_name(&format!("{endpoint}_{table}")),
                tf_ref(endpoint, "id"),
                tf_ref(table, "id")
            )
        }
        FixIntent::AttachManagedPolicy { role, policy, .. } => format!(
            "Attach the AWS managed policy that grants exactly these actions:\n\nresource \"aws_iam_role_policy_attachment\" \"{}_vpc_access\" {{\n  role       = {}\n  policy_arn = \"arn:aws:iam::aws:policy/{policy}\"\n}}",
            tf_name(role),
            tf_ref(role, "name")
        ),
        FixIntent::AllowActionOn {
            policy,
            statement,
            action,
            resources,
            advice,
        } => {
            // Without a statement to copy, JSON text: valid in a heredoc and in `jsonencode`.
            let style = statement.map_or(Style::Json, |s| style_of(sources, s));
            let resource = match resources {
                ResourceScope::Any => "\"*\"",
                ResourceScope::NetworkInterfaces => "\"arn:aws:ec2:*:*:network-interface/*\"",
            };
            format!(
                "In policy `{policy}`, {advice}:\n\n{}",
                policy::allow_snippet(action, resource, style)
            )
        }
        FixIntent::AddDenyStatement {
            role,
            function,
            actions,
            ..
        } => {
            let condition = policy::condition_snippet(
                "ArnEquals",
                &[function_arn(function, Style::TfObject)],
                Style::TfObject,
            );
            let list = actions
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{}:\n\nresource \"aws_iam_role_policy\" \"{}_deny_code_eni\" {{\n  role = {}\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect   = \"Deny\"\n      Action   = [{list}]\n      Resource = \"*\"\n      {}\n    }}]\n  }})\n}}",
                prose::DENY_OWN_POLICY,
                tf_name(function),
                tf_ref(role, "id"),
                indent(&condition, 6)
            )
        }
        FixIntent::LimitDenyToFunctionCode { .. }
        | FixIntent::AddFunctionToDenyCondition { .. }
        | FixIntent::UseConditionOperator { .. } => {
            return policy::amend_statement(sources, intent, style_of, function_arn)
        }
        FixIntent::Written { terraform, .. } => return terraform.clone(),
    })
}

fn attribute(a: Attribute) -> &'static str {
    match a {
        Attribute::VpcDnsSupport => "enable_dns_support",
        Attribute::VpcDnsHostnames => "enable_dns_hostnames",
        Attribute::EndpointPrivateDns => "private_dns_enabled",
    }
}

/// A statement in an `aws_iam_policy_document` block, `jsonencode` object syntax or JSON text.
fn style_of(sources: &SourceMap, statement: Span) -> Style {
    let text = policy::text_at(sources, statement);
    if text.starts_with("statement") {
        Style::TfBlock
    } else if policy::json_keys(text) {
        Style::Json
    } else {
        Style::TfObject
    }
}

/// A function's ARN: a reference, interpolated inside JSON text.
fn function_arn(function: &str, style: Style) -> String {
    match style {
        Style::Json => format!("${{{}}}", tf_ref(function, "arn")),
        _ => tf_ref(function, "arn"),
    }
}

fn refs(names: &[String], attr: &str) -> Vec<String> {
    names.iter().map(|n| tf_ref(n, attr)).collect()
}

/// A Terraform reference to an attribute of a resource address (`aws_subnet.a[0]` + `id` →
/// `aws_subnet.a[0].id`). Module-internal addresses cannot be referenced from outside the module,
/// so they are shown as a placeholder with the address in a comment.
pub fn tf_ref(address: &str, attr: &str) -> String {
    if address.starts_with("module.") {
        format!("<{attr} of {address}>")
    } else {
        format!("{address}.{attr}")
    }
}

/// The Terraform local name to use for a new resource derived from an address
/// (`aws_lambda_function.api` → `api`).
pub fn tf_name(address: &str) -> String {
    let last = address.rsplit('.').next().unwrap_or(address);
    let base: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    base.trim_matches('_').to_string()
}
