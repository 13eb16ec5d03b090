//! The schema of the model as the rule language sees it: entity kinds, their fields and the
//! fields' types. Paths in rule files are checked against this table when the file is loaded,
//! so a misspelt field is a load error, never a silent pass.

/// The things a path can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Function,
    VpcConfig,
    Subnet,
    Vpc,
    SecurityGroup,
    Endpoint,
    Role,
    Statement,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Function => "function",
            Kind::VpcConfig => "vpc_config",
            Kind::Subnet => "subnet",
            Kind::Vpc => "vpc",
            Kind::SecurityGroup => "security_group",
            Kind::Endpoint => "endpoint",
            Kind::Role => "role",
            Kind::Statement => "statement",
        }
    }

    /// The kinds a check can start from (`for_each: endpoint`, `for_each: function.subnets`).
    pub const ROOTS: &'static [Kind] = &[
        Kind::Function,
        Kind::Subnet,
        Kind::Vpc,
        Kind::SecurityGroup,
        Kind::Endpoint,
        Kind::Role,
    ];

    pub fn root(name: &str) -> Option<Kind> {
        Kind::ROOTS.iter().copied().find(|k| k.name() == name)
    }
}

/// A value that is not a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Bool,
    Int,
    Str,
    Cidr4,
    Cidr6,
    Ent(Kind),
}

impl Scalar {
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Bool => "boolean",
            Scalar::Int => "number",
            Scalar::Str => "string",
            Scalar::Cidr4 => "IPv4 CIDR",
            Scalar::Cidr6 => "IPv6 CIDR",
            Scalar::Ent(k) => k.name(),
        }
    }
}

/// One value or a list of values; lists of lists do not occur (projections flatten).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    One(Scalar),
    Many(Scalar),
}

impl Ty {
    pub fn describe(self) -> String {
        match self {
            Ty::One(s) => s.name().to_string(),
            Ty::Many(s) => format!("list of {}", s.name()),
        }
    }
    pub fn scalar(self) -> Scalar {
        match self {
            Ty::One(s) | Ty::Many(s) => s,
        }
    }
}

/// Every field the language can read. Fields shared by all entities (`name`, `resource_type`,
/// `ref`) are listed once with `kind: None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    ResourceType,
    Ref,
    VpcConfig,
    SubnetIds,
    SecurityGroupIds,
    DualStack,
    FnRole,
    FnServices,
    FnVpc,
    FnEndpoints,
    SnVpc,
    SnCidr,
    SnIpv6Cidr,
    SnZone,
    SnMapPublicIp,
    SnUsable,
    SnEgress,
    VpcCidr,
    VpcDnsSupport,
    VpcDnsHostnames,
    VpcTenancy,
    VpcIsDefault,
    VpcSubnets,
    VpcEndpoints,
    SgVpc,
    EpVpc,
    EpServiceName,
    EpService,
    EpType,
    EpPrivateDns,
    EpSubnets,
    EpSecurityGroups,
    RoleStatements,
    StEffect,
    StActions,
    StNotActions,
    StResources,
    StSid,
    StHasCondition,
    StPolicy,
}

pub struct FieldDef {
    /// `None`: every entity kind has it.
    pub kind: Option<Kind>,
    pub name: &'static str,
    pub field: Field,
    pub ty: Ty,
    pub doc: &'static str,
}

use Scalar::*;
use Ty::{Many, One};

const fn f(
    kind: Option<Kind>,
    name: &'static str,
    field: Field,
    ty: Ty,
    doc: &'static str,
) -> FieldDef {
    FieldDef {
        kind,
        name,
        field,
        ty,
        doc,
    }
}

const FN: Option<Kind> = Some(Kind::Function);
const VC: Option<Kind> = Some(Kind::VpcConfig);
const SN: Option<Kind> = Some(Kind::Subnet);
const VPC: Option<Kind> = Some(Kind::Vpc);
const SG: Option<Kind> = Some(Kind::SecurityGroup);
const EP: Option<Kind> = Some(Kind::Endpoint);
const RO: Option<Kind> = Some(Kind::Role);
const ST: Option<Kind> = Some(Kind::Statement);

/// The schema. `LANGUAGE.md` documents the same table; a test keeps them in step.
pub const FIELDS: &[FieldDef] = &[
    f(None, "name", Field::Name, One(Str), "Terraform address or CloudFormation logical id"),
    f(None, "resource_type", Field::ResourceType, One(Str), "`aws_subnet`, `AWS::EC2::Subnet`, ..."),
    f(None, "ref", Field::Ref, One(Str), "a reference in the user's language: `aws_subnet.a.id` or `!Ref SubnetA` (for fixes)"),
    f(FN, "vpc_config", Field::VpcConfig, One(Ent(Kind::VpcConfig)), "the `vpc_config` block / `VpcConfig` property"),
    f(FN, "subnets", Field::SubnetIds, Many(Ent(Kind::Subnet)), "same as `vpc_config.subnet_ids`"),
    f(FN, "security_groups", Field::SecurityGroupIds, Many(Ent(Kind::SecurityGroup)), "same as `vpc_config.security_group_ids`"),
    f(FN, "role", Field::FnRole, One(Ent(Kind::Role)), "the execution role"),
    f(FN, "services", Field::FnServices, Many(Str), "IAM prefixes of the AWS services the function uses (derived: role actions, environment references)"),
    f(FN, "vpc", Field::FnVpc, One(Ent(Kind::Vpc)), "the VPC of its subnets, when they are all known and share one (derived)"),
    f(FN, "endpoints", Field::FnEndpoints, Many(Ent(Kind::Endpoint)), "the VPC endpoints of `function.vpc` (derived)"),
    f(VC, "subnet_ids", Field::SubnetIds, Many(Ent(Kind::Subnet)), "`subnet_ids` / `SubnetIds`, each entry with its own position"),
    f(VC, "security_group_ids", Field::SecurityGroupIds, Many(Ent(Kind::SecurityGroup)), "`security_group_ids` / `SecurityGroupIds`"),
    f(VC, "ipv6_dual_stack", Field::DualStack, One(Bool), "`ipv6_allowed_for_dual_stack` / `Ipv6AllowedForDualStack` (default false)"),
    f(SN, "vpc", Field::SnVpc, One(Ent(Kind::Vpc)), "`vpc_id` / `VpcId`"),
    f(SN, "cidr", Field::SnCidr, One(Cidr4), "`cidr_block` / `CidrBlock`"),
    f(SN, "ipv6_cidr", Field::SnIpv6Cidr, One(Cidr6), "the IPv6 block; absent (`exists` is false) when the subnet has none"),
    f(SN, "availability_zone", Field::SnZone, One(Str), "`availability_zone` / `AvailabilityZone` (zone ids are unknown)"),
    f(SN, "map_public_ip_on_launch", Field::SnMapPublicIp, One(Bool), "`map_public_ip_on_launch` / `MapPublicIpOnLaunch`"),
    f(SN, "usable_addresses", Field::SnUsable, One(Int), "2^(32 − prefix) − 5: AWS reserves five addresses per subnet (derived)"),
    f(SN, "egress", Field::SnEgress, One(Str), "where internet-bound IPv4 traffic goes: `internet_gateway`, `nat_gateway` or `none`; unknown for anything else (derived)"),
    f(VPC, "cidr", Field::VpcCidr, One(Cidr4), "`cidr_block` / `CidrBlock`"),
    f(VPC, "enable_dns_support", Field::VpcDnsSupport, One(Bool), "default true"),
    f(VPC, "enable_dns_hostnames", Field::VpcDnsHostnames, One(Bool), "default false (true for a default VPC)"),
    f(VPC, "instance_tenancy", Field::VpcTenancy, One(Str), "`default` or `dedicated`"),
    f(VPC, "is_default", Field::VpcIsDefault, One(Bool), "Terraform's `aws_default_vpc`"),
    f(VPC, "subnets", Field::VpcSubnets, Many(Ent(Kind::Subnet)), "the subnets of the unit in this VPC"),
    f(VPC, "endpoints", Field::VpcEndpoints, Many(Ent(Kind::Endpoint)), "the VPC endpoints of the unit in this VPC"),
    f(SG, "vpc", Field::SgVpc, One(Ent(Kind::Vpc)), "`vpc_id` / `VpcId`"),
    f(EP, "vpc", Field::EpVpc, One(Ent(Kind::Vpc)), "`vpc_id` / `VpcId`"),
    f(EP, "service_name", Field::EpServiceName, One(Str), "`com.amazonaws.<region>.<service>` when fully known"),
    f(EP, "service", Field::EpService, One(Str), "the service part of the name: `s3`, `ecr.api`"),
    f(EP, "endpoint_type", Field::EpType, One(Str), "`Gateway`, `Interface` or `GatewayLoadBalancer`"),
    f(EP, "private_dns", Field::EpPrivateDns, One(Bool), "`private_dns_enabled` / `PrivateDnsEnabled` (default false)"),
    f(EP, "subnets", Field::EpSubnets, Many(Ent(Kind::Subnet)), "an interface endpoint's subnets"),
    f(EP, "security_groups", Field::EpSecurityGroups, Many(Ent(Kind::SecurityGroup)), "an interface endpoint's security groups"),
    f(RO, "statements", Field::RoleStatements, Many(Ent(Kind::Statement)), "the statements of the policy documents of the unit that apply to the role (AWS managed policies are not read)"),
    f(ST, "effect", Field::StEffect, One(Str), "`Allow` or `Deny`"),
    f(ST, "actions", Field::StActions, Many(Str), "`Action` as written (empty for a `NotAction` statement)"),
    f(ST, "not_actions", Field::StNotActions, Many(Str), "`NotAction` as written (empty for an `Action` statement)"),
    f(ST, "resources", Field::StResources, Many(Str), "`Resource` as written (empty for `NotResource` or none)"),
    f(ST, "sid", Field::StSid, One(Str), "`Sid`; absent when not written"),
    f(ST, "has_condition", Field::StHasCondition, One(Bool), "whether the statement has a `Condition` block"),
    f(ST, "policy", Field::StPolicy, One(Str), "the name of the policy the statement is in"),
];

/// The field `name` of `kind`.
pub fn field(kind: Kind, name: &str) -> Option<&'static FieldDef> {
    FIELDS
        .iter()
        .find(|d| d.name == name && d.kind.is_none_or(|k| k == kind))
}

/// The field names of `kind`, for "expected one of" messages.
pub fn names(kind: Kind) -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|d| d.kind.is_none_or(|k| k == kind))
        .map(|d| d.name)
        .collect()
}

/// The schema as a Markdown table, one row per field (kept in `rules/LANGUAGE.md` by a test).
pub fn table() -> String {
    let mut out = String::from("| on | field | type | meaning |\n|---|---|---|---|\n");
    for d in FIELDS {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            d.kind.map_or("every entity", Kind::name),
            d.name,
            d.ty.describe(),
            d.doc
        ));
    }
    out
}
