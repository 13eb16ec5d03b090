//! What a rule wants changed, in AWS terms: resources by their model name, attributes by what
//! they mean, never by how a front end spells them. `fix::render` turns an intent into text (and,
//! where the change is a replacement of something written, exact edits) in the unit's language.

use crate::source::Span;

/// One fix, as a rule describes it. Each variant names the rules that build it today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixIntent {
    /// LVL001: attach the function to private subnets instead of these public ones.
    MoveToPrivateSubnets {
        function: String,
        public_subnets: Vec<String>,
    },
    /// LVL006: keep these subnets and add one in another availability zone.
    AddSubnetInAnotherZone {
        function: String,
        subnets: Vec<String>,
    },
    /// LVL010: let the function's security groups allow the traffic it needs out.
    AllowSecurityGroupEgress { security_groups: Vec<String> },
    /// LVL012: route `::/0` from the subnet's route table to a new egress-only internet gateway.
    AddIpv6EgressRoute { subnet: String },
    /// LVL004: a private NAT gateway must become public (with an Elastic IP, in a public subnet).
    MakeNatGatewayPublic { nat: String },
    /// LVL004: a public NAT gateway needs an Elastic IP allocation.
    AllocateNatElasticIp { nat: String },
    /// LVL002, LVL017: a new VPC endpoint.
    AddVpcEndpoint {
        /// The VPC's model name, when known.
        vpc: Option<String>,
        /// The service as IAM names it (`s3`, `secretsmanager`): names the new resource.
        service: String,
        /// The endpoint service's last label (`com.amazonaws.<region>.<this>`).
        endpoint_service: String,
        kind: NewEndpoint,
        purpose: EndpointPurpose,
    },
    /// LVL009, LVL018: attributes of one resource that must take these values.
    SetAttributes {
        resource: String,
        settings: Vec<Setting>,
    },
    /// LVL007: associate a gateway endpoint with a route table (`None`: the VPC's main table).
    AddEndpointRouteTable {
        endpoint: String,
        route_table: Option<String>,
    },
    /// LVL101: attach an AWS managed policy to the role.
    AttachManagedPolicy {
        role: String,
        /// The role is created implicitly for the function (SAM), so the function holds it.
        role_implied: bool,
        /// The policy's path and name after `arn:<partition>:iam::aws:policy/`.
        policy: String,
    },
    /// LVL102: allow `action` on `resources` in the policy that scopes it too narrowly.
    AllowActionOn {
        policy: String,
        /// The statement that grants it now (decides how the new statement is written).
        statement: Option<Span>,
        action: String,
        resources: ResourceScope,
        /// What to do, in words ("allow it on every resource ...").
        advice: String,
    },
    /// LVL104: a Deny of `actions` that only the function's own code matches, in a policy of its
    /// own attached to the role.
    AddDenyStatement {
        role: String,
        role_implied: bool,
        function: String,
        actions: Vec<String>,
    },
    /// LVL103: give the Deny at `statement` a `lambda:SourceFunctionArn` condition on these
    /// functions, so that the Lambda service's calls are no longer denied.
    LimitDenyToFunctionCode {
        statement: Span,
        functions: Vec<String>,
    },
    /// LVL105: add the function's ARN to the values of the Deny's `lambda:SourceFunctionArn`
    /// condition (`values`: where the current values are written, kept as written).
    AddFunctionToDenyCondition {
        statement: Span,
        operator: String,
        values: Vec<Span>,
        function: String,
    },
    /// LVL106: use `operator` for the condition key `key` in the statement at `statement`.
    UseConditionOperator {
        statement: Span,
        /// `Allow` or `Deny`.
        effect: String,
        key: String,
        operator: String,
        /// Why, in words.
        why: String,
    },
    /// A rule file's `fix`, written by its author once per language (the rule language's
    /// contract); `None` where the template could not be rendered.
    Written {
        terraform: Option<String>,
        cloudformation: Option<String>,
    },
}

/// How a new endpoint connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewEndpoint {
    /// Gateway endpoint on these route tables (model names; empty: not known).
    Gateway { route_tables: Vec<String> },
    /// Interface endpoint in these subnets, with a security group admitting HTTPS from the
    /// function and private DNS on.
    Interface { subnets: Vec<String> },
}

/// Why a rule asks for the endpoint (decides the wording and the new resource's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointPurpose {
    /// The service is unreachable without it; `alternative` is the other way out, in words.
    Reach { alternative: String },
    /// The service is reached through a NAT gateway, which a free gateway endpoint avoids.
    AvoidNatCharge,
}

/// One attribute to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub attribute: Attribute,
    pub value: bool,
    /// Where the current value is written, when it is (then the fix is also an exact edit).
    pub written_at: Option<Span>,
}

/// The attributes fixes set, by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    VpcDnsSupport,
    VpcDnsHostnames,
    EndpointPrivateDns,
}

/// The resources an IAM statement should name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceScope {
    /// `*`: for actions without resource-level permissions.
    Any,
    /// Every network interface of the account and region.
    NetworkInterfaces,
}
