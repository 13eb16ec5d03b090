//! The common model: what the Terraform and CloudFormation front ends lower to, and the only
//! thing analyses and rules see. No HCL or YAML types appear here.
//!
//! Entities live in one arena per kind inside a [`Model`] (one model per Terraform module tree or
//! CloudFormation template). Cross-references are typed indices wrapped in [`Value`], because a
//! reference may point at something the run cannot see (a variable without a default, a literal
//! `subnet-0abc…` id, a data source).

pub mod dump;
mod ids;
pub mod services;
mod value;

pub use ids::{Entity, Slots};
pub use value::{Attr, Lookup, Origin, Pattern, Reason, Value};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::source::Span;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type!(
    FunctionId,
    VpcId,
    SubnetId,
    RouteTableId,
    GatewayId,
    EndpointId,
    SecurityGroupId,
    RoleId,
    PolicyId,
    CapacityProviderId
);

/// Which front end produced a model; rules use it only to word fixes in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Terraform,
    CloudFormation,
}

/// Identity of a resource as users name it, and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// Terraform address (`aws_subnet.public[0]`, `module.net.aws_subnet.a`) or CloudFormation
    /// logical id (with the CDK path when known: `MyStack/Api/Handler`).
    pub name: String,
    /// Terraform type or CloudFormation type (`aws_subnet`, `AWS::EC2::Subnet`).
    pub kind: String,
    /// The resource's declaration (block header / logical-id key).
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Model {
    pub ecosystem: Option<Ecosystem>,
    /// The unit's name: module directory or template path, as displayed.
    pub unit: String,
    pub functions: Vec<Function>,
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub routes: Vec<Route>,
    pub route_table_associations: Vec<RouteTableAssociation>,
    pub gateways: Vec<Gateway>,
    pub endpoints: Vec<Endpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub roles: Vec<Role>,
    pub policies: Vec<Policy>,
    pub policy_attachments: Vec<PolicyAttachment>,
    /// Lambda Managed Instances capacity providers.
    pub capacity_providers: Vec<CapacityProvider>,
    /// Things the front end saw but could not model, which may affect any of the above (e.g. a
    /// route whose route table is unknown could belong to any table). Analyses treat what these
    /// can touch as unknown.
    pub unresolved: Vec<Unresolved>,
}

/// An item whose effect on the model cannot be pinned down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub what: UnresolvedKind,
    pub reason: Reason,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnresolvedKind {
    /// A route table association / route / endpoint association with an unknown target.
    Routing,
    /// A policy attached to a role that could not be identified, or an unknown policy body.
    Iam,
    /// A security group rule resource whose group could not be identified: any group's rules
    /// may be incomplete.
    SecurityGroup,
}

// ---------------------------------------------------------------- Lambda

#[derive(Debug, Clone)]
pub struct Function {
    pub meta: Meta,
    /// The name the function is deployed under (`function_name`, `FunctionName`): the last
    /// segment of its ARN, which `lambda:SourceFunctionArn` conditions match. Unknown when
    /// CloudFormation generates it (no `FunctionName`) or it cannot be evaluated.
    pub deployed_name: Attr<String>,
    /// `None`: not attached to a VPC (unless `maybe_vpc` says it may be). `Some` with unknown
    /// contents: attached, details unknown.
    pub vpc_config: Option<VpcConfig>,
    /// With `vpc_config: None`: a VPC configuration may exist but is not proven (a `dynamic`
    /// block with an unknown `for_each`, `Fn::If` with an `AWS::NoValue` branch on an unknown
    /// condition), and why. The function is not a VPC function for the rules, and whether it is
    /// attached is unknown, not false.
    pub maybe_vpc: Option<Reason>,
    /// The execution role. `Known` points into `Model::roles` (an explicit role, or SAM's implicit
    /// one with `Origin::Implied`).
    pub role: Attr<RoleId>,
    pub environment: Vec<EnvVar>,
    /// False when the environment variables could not all be read (a map from an unknown
    /// value, a `dynamic` block): there may be variables the model does not list.
    pub environment_complete: bool,
    /// The function mounts a file system (EFS `file_system_config` / `FileSystemConfigs`), or
    /// may: an in-VPC resource.
    pub file_system: bool,
    /// Services whose records the Lambda service polls for this function (event source mappings,
    /// SAM `Events` of type SQS/Kinesis/DynamoDB/MSK): their read actions are not the code's.
    pub polled_services: Vec<String>,
    /// The Lambda Managed Instances capacity provider the function runs on, if any: then the
    /// provider's VPC configuration applies, not the function's.
    pub capacity_provider: Option<Attr<CapacityProviderId>>,
}

#[derive(Debug, Clone)]
pub struct VpcConfig {
    /// The `vpc_config` block / `VpcConfig` property.
    pub span: Span,
    /// The `subnet_ids` / `SubnetIds` attribute: unknown as a whole (a variable list), or items.
    pub subnets: Attr<Vec<Item<SubnetId>>>,
    pub security_groups: Attr<Vec<Item<SecurityGroupId>>>,
    pub ipv6_dual_stack: Attr<bool>,
}

/// One element of a list attribute, with its own span (the `subnet_ids` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<T> {
    pub value: Value<T>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub span: Span,
    /// The service of a resource the value references (a DynamoDB table → `dynamodb`), when the
    /// value is a reference to a resource of a known type.
    pub service: Option<String>,
    pub value: EnvValue,
}

/// What an environment variable holds, as far as the linter can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Literal(String),
    /// A reference to a resource of this type (`aws_db_instance`, `AWS::RDS::DBCluster`).
    Resource(String),
    Unknown,
}

// ---------------------------------------------------------------- network

#[derive(Debug, Clone)]
pub struct Vpc {
    pub meta: Meta,
    pub cidr: Attr<Ipv4Net>,
    pub enable_dns_support: Attr<bool>,
    pub enable_dns_hostnames: Attr<bool>,
    pub instance_tenancy: Attr<String>,
    /// The main route table when the configuration sets one (Terraform
    /// `aws_main_route_table_association` / `aws_default_route_table`). `None`: the VPC's own
    /// main table, which holds only the local route unless the unit says otherwise.
    pub main_route_table: Option<Attr<RouteTableId>>,
    /// Terraform's `aws_default_vpc`.
    pub is_default: bool,
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc: Attr<VpcId>,
    pub cidr: Attr<Ipv4Net>,
    /// `Known(None)`: no IPv6 CIDR.
    pub ipv6_cidr: Attr<Option<Ipv6Net>>,
    pub availability_zone: Attr<Zone>,
    pub map_public_ip_on_launch: Attr<bool>,
}

/// An availability zone as the configuration gives it. Compare zones with
/// `analysis::zones::same_zone`, never with `==` on names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Zone {
    /// A zone name (`eu-west-1a`).
    Name(String),
    /// The `index`-th zone (from 0) of a list AWS returns, named by its source
    /// (`Fn::GetAZs` of the stack's region, `data.aws_availability_zones.available.names`):
    /// the name is unknown offline, but distinct indices into one list are distinct zones.
    Nth { list: String, index: usize },
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Zone::Name(n) => f.write_str(n),
            Zone::Nth { list, index } => write!(f, "{list}[{index}]"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub meta: Meta,
    pub vpc: Attr<VpcId>,
    /// Terraform `aws_default_route_table`: it is the VPC's main table.
    pub is_main: bool,
}

#[derive(Debug, Clone)]
pub struct RouteTableAssociation {
    pub span: Span,
    pub subnet: Value<SubnetId>,
    pub route_table: Value<RouteTableId>,
}

#[derive(Debug, Clone)]
pub struct Route {
    /// The `route` block or route resource.
    pub span: Span,
    /// Name for proof paths (`aws_route.nat`, `PrivateRoute`, or `aws_route_table.a route[0]`).
    pub name: String,
    pub route_table: Value<RouteTableId>,
    pub destination: Attr<Destination>,
    pub target: Attr<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    V4(Ipv4Net),
    V6(Ipv6Net),
    PrefixList(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An internet gateway; the id is unknown for a literal `igw-…`.
    InternetGateway(Value<GatewayId>),
    NatGateway(Value<GatewayId>),
    EgressOnlyInternetGateway(Value<GatewayId>),
    Local,
    /// Transit gateway, VGW, peering, instance/ENI, firewall/GWLB endpoint, local/carrier
    /// gateway, core network: egress the linter cannot judge. The string names the kind.
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Gateway {
    pub meta: Meta,
    pub kind: GatewayKind,
    /// The VPC an IGW / egress-only IGW is attached to (unknown if never attached in the unit).
    pub vpc: Attr<VpcId>,
    /// NAT gateway only: its subnet, whether it is public, whether it has an Elastic IP.
    pub subnet: Option<Attr<SubnetId>>,
    pub connectivity_public: Option<Attr<bool>>,
    pub has_allocation: Option<Attr<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayKind {
    Internet,
    Nat,
    EgressOnlyInternet,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub meta: Meta,
    pub vpc: Attr<VpcId>,
    /// `com.amazonaws.<region>.<service>`, possibly with unknown parts.
    pub service_name: Attr<Pattern>,
    pub endpoint_type: Attr<EndpointType>,
    pub route_tables: Vec<Item<RouteTableId>>,
    pub subnets: Vec<Item<SubnetId>>,
    pub security_groups: Vec<Item<SecurityGroupId>>,
    pub private_dns: Attr<bool>,
    /// Some associations could not be resolved (an unknown list, or an association resource
    /// with an unknown endpoint): the lists above may be incomplete.
    pub associations_complete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointType {
    Gateway,
    Interface,
    GatewayLoadBalancer,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub vpc: Attr<VpcId>,
    /// Outbound rules. Terraform's `aws_security_group` without `egress` blocks has none (the
    /// provider removes AWS's default rule); CloudFormation's without `SecurityGroupEgress`
    /// keeps the default allow-all rule, lowered as a rule with `Origin::Default`.
    pub egress: SgRules,
    pub ingress: SgRules,
}

#[derive(Debug, Clone, Default)]
pub struct SgRules {
    pub rules: Vec<SgRule>,
    /// `None` when every rule is known; otherwise why the list may be incomplete (a rule list
    /// from a variable, a rule resource whose group is unknown).
    pub incomplete: Option<Reason>,
}

impl SgRules {
    /// Rules the front end does not read yet: unknown, so no rule can conclude from them.
    pub fn not_read() -> Self {
        SgRules {
            rules: Vec::new(),
            incomplete: Some(Reason::new("security group rules are not read yet")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SgRule {
    pub span: Span,
    pub origin: Origin,
    /// `-1` (all), `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number, lower-cased.
    pub protocol: Value<String>,
    /// Port range; for protocol `-1` both are ignored.
    pub from_port: Value<i64>,
    pub to_port: Value<i64>,
    pub peer: Value<Peer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    V4(Ipv4Net),
    V6(Ipv6Net),
    SecurityGroup(Value<SecurityGroupId>),
    PrefixList(PrefixList),
}

/// A security group rule's prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixList {
    /// The prefix list of this VPC endpoint (Terraform's `prefix_list_id`): for a gateway
    /// endpoint, the AWS-managed list of its service's public addresses in the region. Whether
    /// the endpoint is a gateway endpoint, and for which service, is the endpoint's to say.
    OfEndpoint(EndpointId),
    /// The AWS-managed prefix list named after an AWS service (`com.amazonaws.eu-west-1.s3`,
    /// `*` where the region is unknown): the service's public addresses in that region, the
    /// list every gateway endpoint for that service and region uses.
    AwsManaged(Pattern),
    /// Any other list (a literal `pl-…` id, a customer-managed list), by id or by the address
    /// of what gives it: its addresses are not in the configuration.
    Other(String),
}

/// A Lambda Managed Instances capacity provider: functions attached to it run on instances in
/// its VPC configuration.
#[derive(Debug, Clone)]
pub struct CapacityProvider {
    pub meta: Meta,
    pub span: Span,
    pub subnets: Attr<Vec<Item<SubnetId>>>,
    pub security_groups: Attr<Vec<Item<SecurityGroupId>>>,
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone)]
pub struct Role {
    pub meta: Meta,
    /// Policies known to apply to the role, inline or attached.
    pub policies: Vec<PolicyRef>,
    /// The role leaves the unit (a Terraform `output`, a CloudFormation `Outputs` entry), so
    /// policies may be attached to it by code the run cannot see: its permissions are a lower
    /// bound only.
    pub exposed: Option<Reason>,
}

#[derive(Debug, Clone)]
pub struct PolicyRef {
    /// Where the policy is attached (the `managed_policy_arns` entry, the attachment resource,
    /// the `Policies` item).
    pub span: Span,
    pub policy: PolicySource,
}

#[derive(Debug, Clone)]
pub enum PolicySource {
    /// A policy document in the unit (inline or customer managed).
    Document(PolicyId),
    /// An AWS managed or other policy by ARN (`arn:*:iam::aws:policy/...`).
    Arn(Attr<Pattern>),
    /// Something is attached that could not be resolved.
    Unknown(Reason),
}

/// A separate attachment resource, kept so analyses can see attachments whose role is unknown.
#[derive(Debug, Clone)]
pub struct PolicyAttachment {
    pub span: Span,
    pub role: Value<RoleId>,
    pub policy: PolicySource,
    /// When the role is unknown only because the attachment may not exist (a `count` or
    /// condition that cannot be decided): the role it attaches to if it does. Analyses that
    /// read it know the attachment cannot change any other role.
    pub if_exists: Option<RoleId>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub meta: Meta,
    pub statements: Value<Vec<Statement>>,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub span: Span,
    pub sid: Option<String>,
    pub effect: Value<Effect>,
    /// `Action` or `NotAction`; each entry may be unknown on its own.
    pub actions: ActionSet,
    /// `Resource` / `NotResource`; `None` means not written (a resource-less statement).
    pub resources: ResourceSet,
    /// `Condition` block: `None` when absent.
    pub condition: Option<Value<Vec<Condition>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
pub enum ActionSet {
    Action(Value<Vec<Item<String>>>),
    NotAction(Value<Vec<Item<String>>>),
}

#[derive(Debug, Clone)]
pub enum ResourceSet {
    Resource(Value<Vec<Item<Pattern>>>),
    NotResource(Value<Vec<Item<Pattern>>>),
    Absent,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub span: Span,
    /// Operator as written, e.g. `ArnEquals`, `ForAllValues:StringEquals`.
    pub operator: String,
    pub key: String,
    pub values: Vec<Item<Pattern>>,
    /// Functions whose ARN a value refers to (`aws_lambda_function.app.arn`,
    /// `!GetAtt Function.Arn`): the match for `lambda:SourceFunctionArn` conditions when the
    /// ARN text itself is not known.
    pub function_refs: Vec<FunctionId>,
}

impl Model {
    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.index()]
    }
    pub fn vpc(&self, id: VpcId) -> &Vpc {
        &self.vpcs[id.index()]
    }
    pub fn subnet(&self, id: SubnetId) -> &Subnet {
        &self.subnets[id.index()]
    }
    pub fn route_table(&self, id: RouteTableId) -> &RouteTable {
        &self.route_tables[id.index()]
    }
    pub fn gateway(&self, id: GatewayId) -> &Gateway {
        &self.gateways[id.index()]
    }
    pub fn endpoint(&self, id: EndpointId) -> &Endpoint {
        &self.endpoints[id.index()]
    }
    pub fn security_group(&self, id: SecurityGroupId) -> &SecurityGroup {
        &self.security_groups[id.index()]
    }
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.index()]
    }
    pub fn policy(&self, id: PolicyId) -> &Policy {
        &self.policies[id.index()]
    }
    pub fn capacity_provider(&self, id: CapacityProviderId) -> &CapacityProvider {
        &self.capacity_providers[id.index()]
    }
}
