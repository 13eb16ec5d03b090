//! The AWS account snapshot: the unmodified JSON output of read-only AWS CLI calls
//! (`--aws-snapshot`, `[aws] snapshot`), a third source of AWS resources beside Terraform and
//! CloudFormation. It forms no unit of its own: [`Snapshot`] indexes what the files describe,
//! and `link` brings the entities a unit names by literal id into that unit's model through the
//! shared lowering (`crate::lower`), so rules never know where an entity came from.
//!
//! Each file is recognised by its top-level keys (file names do not matter): `Vpcs`, `Subnets`,
//! `RouteTables`, `NatGateways`, `InternetGateways`, `EgressOnlyInternetGateways`,
//! `VpcEndpoints`, `SecurityGroups`, `SecurityGroupRules`, `PrefixLists` (`aws ec2 describe-…`),
//! `RoleDetailList` and `Policies` (`aws iam get-account-authorization-details`), `Parameters`
//! (`aws ssm get-parameters(-by-path)`), and `VpcId` with `EnableDnsSupport`,
//! `EnableDnsHostnames` or `EnableNetworkAddressUsageMetrics` (`aws ec2 describe-vpc-attribute`,
//! one call per VPC and attribute). A file may also hold a JSON list of such outputs (what
//! `jq -s . a.json b.json` writes); each entry is read as if it were a file. Several files of one
//! kind merge; an id seen twice keeps its first object (files in path order), so the result
//! never depends on the read order.

mod link;
mod read;
mod ssm;

use std::collections::BTreeMap;

pub use link::{link, KIND_PREFIX};
pub use read::build;

use crate::source::{FileId, Span};
use crate::syntax::{Node, NodeKind};

/// The kinds of objects the snapshot indexes by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    NatGateway,
    InternetGateway,
    EgressOnlyInternetGateway,
    VpcEndpoint,
    SecurityGroup,
    PrefixList,
    /// An IAM role, by ARN (see [`Snapshot::role`] for names).
    Role,
    /// A managed policy (customer or AWS managed), by ARN.
    Policy,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 11] = [
        Kind::Vpc,
        Kind::Subnet,
        Kind::RouteTable,
        Kind::NatGateway,
        Kind::InternetGateway,
        Kind::EgressOnlyInternetGateway,
        Kind::VpcEndpoint,
        Kind::SecurityGroup,
        Kind::PrefixList,
        Kind::Role,
        Kind::Policy,
    ];

    /// The top-level key of the CLI output that lists objects of this kind, and the key of
    /// each object's id.
    pub fn keys(self) -> (&'static str, &'static str) {
        match self {
            Kind::Vpc => ("Vpcs", "VpcId"),
            Kind::Subnet => ("Subnets", "SubnetId"),
            Kind::RouteTable => ("RouteTables", "RouteTableId"),
            Kind::NatGateway => ("NatGateways", "NatGatewayId"),
            Kind::InternetGateway => ("InternetGateways", "InternetGatewayId"),
            Kind::EgressOnlyInternetGateway => {
                ("EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId")
            }
            Kind::VpcEndpoint => ("VpcEndpoints", "VpcEndpointId"),
            Kind::SecurityGroup => ("SecurityGroups", "GroupId"),
            Kind::PrefixList => ("PrefixLists", "PrefixListId"),
            Kind::Role => ("RoleDetailList", "Arn"),
            Kind::Policy => ("Policies", "Arn"),
        }
    }

    /// In user words, for proof paths and reasons.
    pub fn what(self) -> &'static str {
        match self {
            Kind::Vpc => "VPC",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::NatGateway => "NAT gateway",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnlyInternetGateway => "egress-only internet gateway",
            Kind::VpcEndpoint => "VPC endpoint",
            Kind::SecurityGroup => "security group",
            Kind::PrefixList => "prefix list",
            Kind::Role => "IAM role",
            Kind::Policy => "IAM policy",
        }
    }
}

/// One object of the snapshot (a subnet, a role, …) as the CLI printed it, with spans into its
/// file.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: Kind,
    /// Its id (`subnet-…`; a role's or policy's ARN).
    pub id: String,
    /// The JSON object.
    pub node: Node,
}

impl Resource {
    /// The span of the whole JSON object (what proof paths point at).
    pub fn span(&self) -> Span {
        self.node.span
    }

    pub fn file(&self) -> FileId {
        self.node.span.file
    }

    /// A field of the object.
    pub fn field(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }

    /// A string field (`VpcId`, `CidrBlock`, `AvailabilityZone`); numbers and booleans as
    /// written. `None` when absent or not a scalar.
    pub fn str(&self, key: &str) -> Option<&str> {
        scalar(self.node.get(key)?)
    }

    /// A boolean field (`MapPublicIpOnLaunch`, `IsDefault`).
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.str(key)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The `Tags` list (`[{"Key": …, "Value": …}]`) as pairs, in the file's order; entries
    /// that are not two strings are skipped.
    pub fn tags(&self) -> Vec<(&str, &str)> {
        let Some(tags) = self.node.get("Tags") else {
            return Vec::new();
        };
        tags.items()
            .iter()
            .filter_map(|t| Some((scalar(t.get("Key")?)?, scalar(t.get("Value")?)?)))
            .collect()
    }

    /// One tag's value.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|t| t.1)
    }
}

/// A scalar's text (strings unquoted; numbers and booleans as written); `None` for `null`,
/// lists and objects.
pub fn scalar(n: &Node) -> Option<&str> {
    match &n.kind {
        NodeKind::Scalar { text, quoted } if *quoted || text != "null" => Some(text),
        _ => None,
    }
}

/// A VPC attribute `aws ec2 describe-vpc-attribute --attribute …` prints, one per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VpcAttribute {
    DnsSupport,
    DnsHostnames,
    /// Read so that its output is recognised; nothing uses it yet.
    NetworkAddressUsageMetrics,
}

impl VpcAttribute {
    pub const ALL: [VpcAttribute; 3] = [
        VpcAttribute::DnsSupport,
        VpcAttribute::DnsHostnames,
        VpcAttribute::NetworkAddressUsageMetrics,
    ];

    /// The top-level key of the CLI output (`{"VpcId": …, "EnableDnsSupport": {"Value": true}}`).
    pub fn key(self) -> &'static str {
        match self {
            VpcAttribute::DnsSupport => "EnableDnsSupport",
            VpcAttribute::DnsHostnames => "EnableDnsHostnames",
            VpcAttribute::NetworkAddressUsageMetrics => "EnableNetworkAddressUsageMetrics",
        }
    }

    /// The value of the CLI's `--attribute` option.
    pub fn option(self) -> &'static str {
        match self {
            VpcAttribute::DnsSupport => "enableDnsSupport",
            VpcAttribute::DnsHostnames => "enableDnsHostnames",
            VpcAttribute::NetworkAddressUsageMetrics => "enableNetworkAddressUsageMetrics",
        }
    }

    /// In user words.
    pub fn what(self) -> &'static str {
        match self {
            VpcAttribute::DnsSupport => "DNS support",
            VpcAttribute::DnsHostnames => "DNS hostnames",
            VpcAttribute::NetworkAddressUsageMetrics => "network address usage metrics",
        }
    }

    /// Why the attribute of `vpc` is unknown: the call whose output would tell.
    pub fn absent(self, vpc: &str) -> String {
        format!(
            "the {} attribute of VPC `{vpc}` is not in the snapshot (`describe-vpcs` does not print it): \
             add the output of `aws ec2 describe-vpc-attribute --vpc-id {vpc} --attribute {}`",
            self.what(),
            self.option()
        )
    }
}

/// A VPC attribute's value and where the CLI printed it (the `Value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeValue {
    pub value: bool,
    pub span: Span,
}

/// An SSM parameter of `ssm get-parameters(-by-path)`.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    /// `String`, `StringList` or `SecureString`.
    pub kind: String,
    /// The value; always `None` for a `SecureString` (never read, never kept).
    pub value: Option<String>,
    /// `Version`, as written.
    pub version: Option<String>,
    /// The parameter's JSON object.
    pub span: Span,
}

impl Parameter {
    /// The value as CloudFormation and Terraform read it: a `StringList` split on commas.
    pub fn values(&self) -> Option<Vec<String>> {
        let v = self.value.as_ref()?;
        Some(if self.kind == "StringList" {
            v.split(',').map(str::to_string).collect()
        } else {
            vec![v.clone()]
        })
    }
}

/// The index of every snapshot file of a run. Built once per run ([`build`]) and shared by
/// every unit; lookups are by exact id and deterministic (sorted maps).
#[derive(Debug, Default)]
pub struct Snapshot {
    files: Vec<FileId>,
    by_kind: BTreeMap<Kind, BTreeMap<String, Resource>>,
    /// Role name → ARN (`RoleName`).
    role_names: BTreeMap<String, String>,
    /// Rules of `describe-security-group-rules`, by group id, in file order.
    sg_rules: BTreeMap<String, Vec<Node>>,
    parameters: BTreeMap<String, Parameter>,
    parameter_files: Vec<FileId>,
    /// The kinds some file listed (even an empty list): a kind no file lists is unknown, not
    /// absent.
    present: BTreeMap<Kind, Vec<FileId>>,
    /// Subnet id → the route table explicitly associated with it (`Associations[].SubnetId`).
    subnet_tables: BTreeMap<String, String>,
    /// VPC id → its main route table (`Associations[].Main`).
    main_tables: BTreeMap<String, String>,
    /// VPC id → its endpoints, sorted.
    vpc_endpoints: BTreeMap<String, Vec<String>>,
    /// The files of `describe-vpc-attribute` output, in path order.
    vpc_attribute_files: Vec<FileId>,
    /// (VPC id, attribute) → its value (`describe-vpc-attribute`).
    vpc_attributes: BTreeMap<(String, VpcAttribute), AttributeValue>,
}

impl Snapshot {
    /// Whether no file gave anything (no snapshot was passed, or every file was empty).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The snapshot files of the run that were read, in path order (for the summary).
    pub fn files(&self) -> &[FileId] {
        &self.files
    }

    /// An object by kind and id: `get(Kind::Subnet, "subnet-0abc")`; roles and policies by ARN.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Resource> {
        self.by_kind.get(&kind)?.get(id)
    }

    /// Every object of a kind, sorted by id (for data-source filters).
    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &Resource> {
        self.by_kind.get(&kind).into_iter().flat_map(|m| m.values())
    }

    /// The object a literal id names, whatever its kind, from the id's AWS prefix (`subnet-`,
    /// `sg-`, `vpc-`, `rtb-`, `nat-`, `igw-`, `eigw-`, `vpce-`, `pl-`) or an IAM ARN.
    pub fn by_id(&self, id: &str) -> Option<&Resource> {
        let kind = kind_of_id(id)?;
        match kind {
            Kind::Role => self.role(id),
            _ => self.get(kind, id),
        }
    }

    /// A role by ARN or by name.
    pub fn role(&self, arn_or_name: &str) -> Option<&Resource> {
        self.get(Kind::Role, arn_or_name).or_else(|| {
            let arn = self.role_names.get(arn_or_name)?;
            self.get(Kind::Role, arn)
        })
    }

    /// A managed policy by ARN.
    pub fn policy(&self, arn: &str) -> Option<&Resource> {
        self.get(Kind::Policy, arn)
    }

    /// A managed policy's default version document (`PolicyVersionList[]` entry with
    /// `IsDefaultVersion`, else the version named by `DefaultVersionId`): a JSON object, or a
    /// string of URL-encoded or plain JSON as the IAM API returns it.
    pub fn policy_document(&self, arn: &str) -> Option<&Node> {
        let p = self.policy(arn)?;
        let default_id = p.str("DefaultVersionId");
        let versions = p.field("PolicyVersionList")?.items();
        let v = versions
            .iter()
            .find(|v| v.get("IsDefaultVersion").and_then(scalar) == Some("true"))
            .or_else(|| {
                versions.iter().find(|v| {
                    default_id.is_some() && v.get("VersionId").and_then(scalar) == default_id
                })
            })?;
        v.get("Document")
    }

    /// The rules `describe-security-group-rules` lists for a group (`IsEgress`, `IpProtocol`,
    /// `FromPort`, `ToPort`, `CidrIpv4`/`CidrIpv6`/`PrefixListId`/`ReferencedGroupInfo`).
    pub fn security_group_rules(&self, group_id: &str) -> &[Node] {
        self.sg_rules.get(group_id).map_or(&[], Vec::as_slice)
    }

    /// Whether `describe-security-group-rules` output was given at all.
    pub fn has_security_group_rules(&self) -> bool {
        !self.sg_rules.is_empty()
    }

    /// An SSM parameter by name (with or without a leading `/`, as written).
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.get(name)
    }

    /// Whether some snapshot file lists objects of this kind (possibly none): without one, the
    /// account's objects of this kind are unknown rather than absent.
    pub fn has(&self, kind: Kind) -> bool {
        self.present.contains_key(&kind)
    }

    /// The files that list objects of a kind, in path order.
    pub fn files_of(&self, kind: Kind) -> &[FileId] {
        self.present.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The route table explicitly associated with a subnet.
    pub fn route_table_of_subnet(&self, subnet_id: &str) -> Option<&Resource> {
        self.get(Kind::RouteTable, self.subnet_tables.get(subnet_id)?)
    }

    /// A VPC's main route table.
    pub fn main_route_table(&self, vpc_id: &str) -> Option<&Resource> {
        self.get(Kind::RouteTable, self.main_tables.get(vpc_id)?)
    }

    /// The VPC endpoints of a VPC, sorted by id.
    pub fn endpoints_of_vpc(&self, vpc_id: &str) -> impl Iterator<Item = &Resource> {
        self.vpc_endpoints
            .get(vpc_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.get(Kind::VpcEndpoint, id))
    }

    /// A VPC attribute from `describe-vpc-attribute` output; `None` when no file gives it.
    pub fn vpc_attribute(&self, vpc_id: &str, attribute: VpcAttribute) -> Option<AttributeValue> {
        self.vpc_attributes
            .get(&(vpc_id.to_string(), attribute))
            .copied()
    }

    /// The files of `describe-vpc-attribute` output, in path order.
    pub fn files_of_vpc_attributes(&self) -> &[FileId] {
        &self.vpc_attribute_files
    }

    /// The files that list SSM parameters, in path order.
    pub fn files_of_parameters(&self) -> &[FileId] {
        &self.parameter_files
    }

    /// How many objects the snapshot holds (for the summary).
    pub fn len(&self) -> usize {
        self.by_kind.values().map(BTreeMap::len).sum::<usize>()
            + self.parameters.len()
            + self.vpc_attributes.len()
    }
}

/// The files `--aws-snapshot` paths name: a file as given, a directory's `.json` files (not
/// its subdirectories), in path order, each inside its directory once links are resolved
/// (`crate::paths`). Paths that do not exist are kept: the driver reports them (LVL902).
pub fn files(paths: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let Ok(entries) = std::fs::read_dir(p) else {
            continue;
        };
        let roots = crate::paths::Roots::new([p]);
        let mut found: Vec<std::path::PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|f| {
                f.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .filter(|f| f.is_file() && roots.contains(f))
            .collect();
        found.sort();
        out.extend(found);
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|f| seen.insert(crate::paths::normalize(&crate::paths::absolute(f))));
    out
}

/// The kind a literal id names, from AWS's id prefixes; IAM role ARNs (`:role/`) are roles,
/// other IAM ARNs with `:policy/` policies.
pub fn kind_of_id(id: &str) -> Option<Kind> {
    if id.starts_with("arn:") {
        let iam = id.split(':').nth(2) == Some("iam");
        return match id.split(':').nth(5) {
            Some(r) if iam && r.starts_with("role/") => Some(Kind::Role),
            Some(r) if iam && r.starts_with("policy/") => Some(Kind::Policy),
            _ => None,
        };
    }
    const PREFIXES: [(&str, Kind); 9] = [
        ("subnet-", Kind::Subnet),
        ("sg-", Kind::SecurityGroup),
        ("vpc-", Kind::Vpc),
        ("rtb-", Kind::RouteTable),
        ("nat-", Kind::NatGateway),
        ("igw-", Kind::InternetGateway),
        ("eigw-", Kind::EgressOnlyInternetGateway),
        ("vpce-", Kind::VpcEndpoint),
        ("pl-", Kind::PrefixList),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, k)| *k)
}

#[cfg(test)]
mod tests;
