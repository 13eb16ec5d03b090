//! Reference data embedded in the binary: the AWS managed policies that matter, and which
//! services offer VPC endpoints. Both are JSON under `data/` with their sources and dates
//! (see data/README.md); tests check they parse.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value as Json;

#[derive(Debug, Deserialize)]
pub struct ManagedPolicies {
    pub policies: Vec<ManagedPolicy>,
}

#[derive(Debug, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub version_date: String,
    pub source: String,
    pub statements: Vec<ManagedStatement>,
}

#[derive(Debug, Deserialize)]
pub struct ManagedStatement {
    pub effect: String,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub not_actions: Vec<String>,
    #[serde(default)]
    pub resources: Vec<String>,
    #[serde(default)]
    pub not_resources: Vec<String>,
    #[serde(default)]
    pub condition: Option<Json>,
}

#[derive(Debug, Deserialize)]
pub struct EndpointServices {
    pub services: Vec<EndpointService>,
    #[serde(default)]
    pub no_endpoint: Vec<NoEndpoint>,
}

#[derive(Debug, Deserialize)]
pub struct EndpointService {
    pub iam_prefix: String,
    pub endpoints: Vec<String>,
    #[serde(default)]
    pub gateway: bool,
}

#[derive(Debug, Deserialize)]
pub struct NoEndpoint {
    pub iam_prefix: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub note: String,
    pub source: String,
}

/// The network-interface actions of a VPC function's execution role (`data/lambda-eni-actions.json`).
#[derive(Debug, Deserialize)]
pub struct EniActions {
    pub service_actions: ServiceEniActions,
    pub code_deny_actions: CodeDenyActions,
}

/// What the Lambda service calls with the role to manage the function's network interfaces.
#[derive(Debug, Deserialize)]
pub struct ServiceEniActions {
    /// Without these Lambda refuses to create or update the function.
    pub required: Vec<String>,
    /// Documented as required; their absence breaks only some operations.
    pub recommended: Vec<String>,
}

/// The actions of the Deny AWS documents to keep a VPC function's code from the ENI actions.
#[derive(Debug, Deserialize)]
pub struct CodeDenyActions {
    pub actions: Vec<String>,
}

pub fn eni_actions() -> &'static EniActions {
    static DATA: OnceLock<EniActions> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/lambda-eni-actions.json"))
            .expect("data/lambda-eni-actions.json is valid (checked by tests)")
    })
}

/// The Lambda service's ENI actions: the required ones first, then the recommended ones.
pub fn service_eni_actions() -> impl Iterator<Item = &'static str> {
    service_eni_action_list().iter().copied()
}

/// [`service_eni_actions`] as one list, for the analyses that take a slice of actions.
pub fn service_eni_action_list() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        let a = &eni_actions().service_actions;
        a.required
            .iter()
            .chain(&a.recommended)
            .map(String::as_str)
            .collect()
    })
}

/// Without these Lambda refuses to create or update the function (LVL101's error).
pub fn required_eni_actions() -> &'static [&'static str] {
    &service_eni_action_list()[..eni_actions().service_actions.required.len()]
}

/// Documented as required; their absence breaks only some operations (LVL101's warning).
pub fn recommended_eni_actions() -> &'static [&'static str] {
    &service_eni_action_list()[eni_actions().service_actions.required.len()..]
}

/// Does the service (IAM prefix) have a gateway endpoint (S3, DynamoDB)?
pub fn has_gateway_endpoint(iam_prefix: &str) -> bool {
    endpoint_services()
        .services
        .iter()
        .any(|s| s.iam_prefix == iam_prefix && s.gateway)
}

pub fn managed_policies() -> &'static ManagedPolicies {
    static DATA: OnceLock<ManagedPolicies> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/managed-policies.json"))
            .expect("data/managed-policies.json is valid (checked by tests)")
    })
}

pub fn endpoint_services() -> &'static EndpointServices {
    static DATA: OnceLock<EndpointServices> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/endpoint-services.json"))
            .expect("data/endpoint-services.json is valid (checked by tests)")
    })
}

/// The managed policy named by an ARN pattern such as
/// `arn:*:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`.
pub fn managed_policy_by_arn(arn: &str) -> Option<&'static ManagedPolicy> {
    let rest = arn.split_once(":iam::aws:policy/")?.1;
    if rest.contains('*') {
        return None;
    }
    let name = rest.rsplit('/').next()?;
    managed_policies().policies.iter().find(|p| p.name == name)
}

/// Endpoint service names (after `com.amazonaws.<region>.`) for an IAM service prefix.
pub fn endpoints_for(iam_prefix: &str) -> Option<&'static [String]> {
    endpoint_services()
        .services
        .iter()
        .find(|s| s.iam_prefix == iam_prefix)
        .map(|s| s.endpoints.as_slice())
}

/// The entry for a service that offers no VPC endpoint at all.
pub fn no_endpoint(iam_prefix: &str) -> Option<&'static NoEndpoint> {
    endpoint_services()
        .no_endpoint
        .iter()
        .find(|s| s.iam_prefix == iam_prefix)
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_files_parse_and_name_the_vpc_policy() {
        let vpc = super::managed_policy_by_arn(
            "arn:*:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        )
        .expect("AWSLambdaVPCAccessExecutionRole is in the data");
        assert!(vpc
            .statements
            .iter()
            .any(|s| s.actions.iter().any(|a| a == "ec2:CreateNetworkInterface")));
        assert!(super::endpoints_for("s3").is_some());
        assert!(super::managed_policy_by_arn("arn:aws:iam::123456789012:policy/mine").is_none());
    }

    /// The facts LVL101, LVL103, LVL007 and LVL017 read from here (no rule keeps a copy): the
    /// service's ENI actions in LVL101's order, the code-side Deny's actions, and the services
    /// with a gateway endpoint.
    #[test]
    fn eni_actions_and_gateway_services() {
        let service: Vec<&str> = super::service_eni_actions().collect();
        assert_eq!(
            service,
            [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeSubnets",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ]
        );
        assert_eq!(super::eni_actions().service_actions.required.len(), 3);
        let deny = &super::eni_actions().code_deny_actions.actions;
        assert!(deny.iter().any(|a| a == "ec2:DetachNetworkInterface"));
        assert!(!deny.iter().any(|a| a == "ec2:DescribeSubnets"));
        let mut gateway: Vec<&str> = super::endpoint_services()
            .services
            .iter()
            .filter(|s| super::has_gateway_endpoint(&s.iam_prefix))
            .map(|s| s.iam_prefix.as_str())
            .collect();
        gateway.sort();
        // What LVL007 and LVL017 test by name.
        assert_eq!(gateway, ["dynamodb", "s3"]);
    }
}
