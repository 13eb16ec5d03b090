//! The data sources that read existing infrastructure, evaluated against the AWS snapshot
//! (`--aws-snapshot`) when one is given: `aws_vpc`, `aws_subnet`, `aws_subnets`,
//! `aws_security_group(s)`, `aws_route_table`, `aws_vpc_endpoint` (EC2 filters, see
//! [`ec2_filter`]), `aws_iam_role`, `aws_iam_policy` (before the bundled AWS managed policies)
//! and `aws_ssm_parameter`.
//!
//! The arguments become the filters the provider sends (`vpc_id` → `vpc-id`, `tags` → one
//! `tag:<Key>` filter per entry, `filter` blocks as written), so matching is AWS's. The results
//! are plain values (ids, strings, policy documents); the shared lowering resolves the ids to
//! snapshot entities. Whatever the snapshot cannot decide stays unknown with a reason: an
//! argument or filter this linter does not evaluate, an unknown argument value, no match (the
//! snapshot may be of another account or region), several matches for a singular data source
//! (the provider fails), a kind the snapshot has no output for. `SecureString` values are never
//! read.

use std::collections::BTreeMap;

use super::ec2_filter::{self, Filter};
use super::{reason_or, Evaluator, Item, Scope, Val};
use crate::frontend::snapshot::{scalar, Kind, Resource, Snapshot, VpcAttribute};
use crate::frontend::terraform::parse::Resource as Block;
use crate::model::Reason;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// Whether a data source of this type is read from the snapshot (`aws_iam_policy` is evaluated
/// without one too, from the bundled AWS managed policies).
pub fn handles(kind: &str) -> bool {
    spec(kind).is_some() || matches!(kind, "aws_iam_role" | "aws_ssm_parameter")
}

/// How an argument selects objects, as the provider translates it.
#[derive(Clone, Copy)]
enum Arg {
    /// The argument's string is the one value of this EC2 filter.
    Filter(&'static str),
    /// A boolean that adds its filter (`true`) only when set to true: the provider skips a
    /// false value (`d.GetOk`).
    TrueFilter(&'static str),
    /// `tags = { K = V }`: one `tag:K` filter per entry.
    Tags,
}

struct Spec {
    kind: Kind,
    /// The AWS CLI call whose output lists these objects.
    call: &'static str,
    /// Several matches are a result (`ids`), not an error.
    plural: bool,
    args: &'static [(&'static str, Arg)],
}

fn spec(kind: &str) -> Option<Spec> {
    use Arg::{Filter as F, Tags, TrueFilter};
    let (k, call, plural, args): (_, _, _, &'static [(&'static str, Arg)]) = match kind {
        "aws_vpc" => (
            Kind::Vpc,
            "describe-vpcs",
            false,
            &[
                ("id", F("vpc-id")),
                ("cidr_block", F("cidr")),
                ("dhcp_options_id", F("dhcp-options-id")),
                ("default", TrueFilter("isDefault")),
                ("state", F("state")),
                ("tags", Tags),
            ],
        ),
        "aws_subnet" => (
            Kind::Subnet,
            "describe-subnets",
            false,
            &[
                ("id", F("subnet-id")),
                ("vpc_id", F("vpc-id")),
                ("availability_zone", F("availability-zone")),
                ("availability_zone_id", F("availability-zone-id")),
                ("cidr_block", F("cidr-block")),
                (
                    "ipv6_cidr_block",
                    F("ipv6-cidr-block-association.ipv6-cidr-block"),
                ),
                ("default_for_az", TrueFilter("default-for-az")),
                ("state", F("state")),
                ("tags", Tags),
            ],
        ),
        "aws_subnets" => (Kind::Subnet, "describe-subnets", true, &[("tags", Tags)]),
        "aws_security_group" => (
            Kind::SecurityGroup,
            "describe-security-groups",
            false,
            &[
                ("id", F("group-id")),
                ("name", F("group-name")),
                ("vpc_id", F("vpc-id")),
                ("tags", Tags),
            ],
        ),
        "aws_security_groups" => (
            Kind::SecurityGroup,
            "describe-security-groups",
            true,
            &[("tags", Tags)],
        ),
        "aws_route_table" => (
            Kind::RouteTable,
            "describe-route-tables",
            false,
            &[
                ("route_table_id", F("route-table-id")),
                ("subnet_id", F("association.subnet-id")),
                ("gateway_id", F("association.gateway-id")),
                ("vpc_id", F("vpc-id")),
                ("tags", Tags),
            ],
        ),
        "aws_vpc_endpoint" => (
            Kind::VpcEndpoint,
            "describe-vpc-endpoints",
            false,
            &[
                ("id", F("vpc-endpoint-id")),
                ("service_name", F("service-name")),
                ("state", F("vpc-endpoint-state")),
                ("vpc_id", F("vpc-id")),
                ("tags", Tags),
            ],
        ),
        _ => return None,
    };
    Some(Spec {
        kind: k,
        call,
        plural,
        args,
    })
}

/// One instance of a data source this module handles, read from `snap`.
pub fn instance(ev: &Evaluator<'_>, res: &Block<'_>, scope: &Scope, snap: &Snapshot) -> Val {
    let span = super::super::parse::span_of(res.file, res.block);
    let what = format!("data.{}.{}", res.kind, res.name);
    if let Err(r) = default_provider(res, &what) {
        return Val::Unknown(r);
    }
    // IAM is global; the other data sources read the provider's region.
    if res.kind != "aws_iam_role" {
        if let Err(r) = same_region(ev, scope, snap, &what) {
            return Val::Unknown(r);
        }
    }
    let out = match res.kind {
        "aws_iam_role" => role(ev, res, scope, snap, &what),
        "aws_ssm_parameter" => parameter(ev, res, scope, snap, &what),
        kind => match spec(kind) {
            Some(spec) => ec2(ev, res, scope, snap, &spec, &what),
            None => Err(Reason::new(format!(
                "data source `{what}` (existing infrastructure)"
            ))),
        },
    };
    match out {
        Ok(attrs) => object(attrs, span),
        Err(r) => Val::Unknown(r),
    }
}

/// A data source of another provider configuration (`provider = aws.other`) may read another
/// account or region than the snapshot's.
fn default_provider(res: &Block<'_>, what: &str) -> Result<(), Reason> {
    match res.body().get_attribute("provider") {
        Some(a) if a.value.to_string().trim() != "aws" => Err(Reason::new(format!(
            "`{what}` uses provider `{}`, which may read another account or region than the snapshot's",
            a.value.to_string().trim()
        ))),
        _ => Ok(()),
    }
}

/// A provider region the files name that is not the snapshot's: AWS would answer from
/// another region, which the snapshot does not describe. The snapshot's region is that of its
/// subnets (their ARN, else their zone's name); with none, or several, nothing is checked.
fn same_region(
    ev: &Evaluator<'_>,
    scope: &Scope,
    snap: &Snapshot,
    what: &str,
) -> Result<(), Reason> {
    let Some(provider) = ev.provider_region(scope.module).as_str() else {
        return Ok(());
    };
    let mut regions = snap.all(Kind::Subnet).filter_map(|s| {
        let from_arn = s.str("SubnetArn").and_then(|a| a.split(':').nth(3));
        let from_zone = || {
            let z = s.str("AvailabilityZone")?;
            z.strip_suffix(|c: char| c.is_ascii_lowercase())
        };
        from_arn.or_else(from_zone)
    });
    let Some(first) = regions.next() else {
        return Ok(());
    };
    if regions.any(|r| r != first) || first == provider {
        return Ok(());
    }
    Err(Reason::new(format!(
        "`{what}`: the provider's region is `{provider}`, the AWS snapshot's is `{first}`"
    )))
}

/// Attribute values by name, before they are given the data source's span.
type Attrs = Vec<(&'static str, Val)>;

fn object(attrs: Attrs, span: Span) -> Val {
    Val::Map(
        attrs
            .into_iter()
            .map(|(k, val)| (k.to_string(), Item { val, span }))
            .collect(),
    )
}

fn list(vals: impl IntoIterator<Item = Val>, span: Span) -> Val {
    Val::List(vals.into_iter().map(|val| Item { val, span }).collect())
}

fn strings<'s>(vals: impl IntoIterator<Item = &'s str>, span: Span) -> Val {
    list(vals.into_iter().map(|s| Val::Str(s.to_string())), span)
}

/// Meta-arguments, allowed on every data source.
const META: [&str; 4] = ["count", "for_each", "depends_on", "provider"];

/// The filters a data source's arguments and `filter` blocks send to EC2.
fn criteria(
    ev: &Evaluator<'_>,
    res: &Block<'_>,
    scope: &Scope,
    spec: &Spec,
    what: &str,
) -> Result<Vec<Filter>, Reason> {
    let mut filters = Vec::new();
    let body = res.body();
    for attr in body.attributes() {
        let key = attr.key.as_str();
        if META.contains(&key) {
            continue;
        }
        let Some((_, how)) = spec.args.iter().find(|(name, _)| *name == key) else {
            return Err(Reason::new(format!(
                "`{what}` sets `{key}`, which this linter does not match against the snapshot"
            )));
        };
        let v = ev.eval(&attr.value, scope);
        if v.is_null() {
            continue;
        }
        match how {
            Arg::Filter(name) => filters.push(Filter::new(*name, vec![string(&v, what, key)?])),
            Arg::TrueFilter(name) => match v.as_str().as_deref() {
                Some("true") => filters.push(Filter::new(*name, vec!["true".into()])),
                Some("false") => {}
                _ => return Err(reason_or(&v, format!("`{what}`: `{key}` is not a boolean"))),
            },
            Arg::Tags => match v {
                Val::Map(m) => {
                    for (k, item) in m {
                        let value = string(&item.val, what, &format!("tags[{k:?}]"))?;
                        filters.push(Filter::new(format!("tag:{k}"), vec![value]));
                    }
                }
                other => return Err(reason_or(&other, format!("`{what}`: `tags` is not a map"))),
            },
        }
    }
    for (block, _, scope) in ev.blocks(body, "filter", scope)? {
        let name = match block.get_attribute("name") {
            Some(a) => string(&ev.eval(&a.value, &scope), what, "filter.name")?,
            None => return Err(Reason::new(format!("`{what}`: a `filter` has no `name`"))),
        };
        let values = match block
            .get_attribute("values")
            .map(|a| ev.eval(&a.value, &scope))
        {
            Some(Val::List(items)) => items
                .iter()
                .map(|i| string(&i.val, what, &format!("filter `{name}`")))
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => {
                return Err(reason_or(
                    &other,
                    format!("`{what}`: the values of filter `{name}` are not a list"),
                ))
            }
            None => Vec::new(),
        };
        if values.is_empty() {
            return Err(Reason::new(format!(
                "`{what}`: filter `{name}` has no values (AWS rejects it)"
            )));
        }
        filters.push(Filter::new(name, values));
    }
    Ok(filters)
}

/// A known string argument; an unknown one carries its own reason.
fn string(v: &Val, what: &str, arg: &str) -> Result<String, Reason> {
    v.as_str()
        .ok_or_else(|| reason_or(v, format!("`{what}`: `{arg}` is not a string")))
}

fn ec2(
    ev: &Evaluator<'_>,
    res: &Block<'_>,
    scope: &Scope,
    snap: &Snapshot,
    spec: &Spec,
    what: &str,
) -> Result<Attrs, Reason> {
    let span = super::super::parse::span_of(res.file, res.block);
    let filters = criteria(ev, res, scope, spec, what)?;
    let compiled = ec2_filter::compile(spec.kind, &filters).map_err(|name| {
        Reason::new(format!(
            "`{what}`: filter `{name}` is not one this linter evaluates on `{}` output",
            spec.call
        ))
    })?;
    let plural = spec.kind.what().to_string() + "s";
    if snap.all(spec.kind).next().is_none() {
        return Err(Reason::new(format!(
            "`{what}`: the AWS snapshot has no `aws ec2 {}` output (or it lists no {plural})",
            spec.call
        )));
    }
    let found: Vec<&Resource> = snap
        .all(spec.kind)
        .filter(|r| ec2_filter::matches(r, &compiled))
        .collect();
    match found.as_slice() {
        [] => Err(Reason::new(format!(
            "`{what}`: no {} in the AWS snapshot matches (the snapshot may be of another account or region)",
            spec.kind.what()
        ))),
        [one] if !spec.plural => Ok(single(res.kind, one, snap, span)),
        many if !spec.plural => Err(Reason::new(format!(
            "`{what}`: {} {plural} in the AWS snapshot match ({}); AWS fails when this data source matches more than one",
            many.len(),
            many.iter().take(3).map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
                + if many.len() > 3 { ", …" } else { "" }
        ))),
        // `ids` in the snapshot index's order, sorted by id: AWS documents no order for
        // `describe-…` results, and sorting keeps the result independent of how the snapshot
        // was split into files.
        all => Ok(vec![
            ("ids", strings(all.iter().map(|r| r.id.as_str()), span)),
            (
                "vpc_ids",
                list(all.iter().map(|r| field(r, "VpcId")), span),
            ),
            ("arns", arn_unknown(spec.kind, what)),
        ]),
    }
}

/// A string field, or unknown when the CLI output lacks it.
fn field(r: &Resource, key: &str) -> Val {
    match r.str(key) {
        Some(s) => Val::Str(s.to_string()),
        None => Val::unknown(format!(
            "the AWS snapshot's {} `{}` has no `{key}`",
            r.kind.what(),
            r.id
        )),
    }
}

fn boolean(r: &Resource, key: &str) -> Val {
    match r.bool(key) {
        Some(b) => Val::Bool(b),
        None => field(r, key),
    }
}

fn number(r: &Resource, key: &str) -> Val {
    match r.str(key).and_then(|s| s.parse::<f64>().ok()) {
        Some(n) => Val::Num(n),
        None => field(r, key),
    }
}

/// `Tags` as Terraform's `tags` map (absent: AWS omits an empty list).
fn tags(r: &Resource, span: Span) -> Val {
    Val::Map(
        r.tags()
            .into_iter()
            .map(|(k, v)| {
                let val = Val::Str(v.to_string());
                (k.to_string(), Item { val, span })
            })
            .collect(),
    )
}

fn arn_unknown(kind: Kind, what: &str) -> Val {
    Val::unknown(format!(
        "`{what}`: the ARN of a {} is not part of the AWS CLI output in the snapshot",
        kind.what()
    ))
}

/// The first `key` of the objects in list `list` (`Ipv6CidrBlockAssociationSet[0]`).
fn first_nested(r: &Resource, list: &str, key: &str) -> Val {
    let v = r
        .field(list)
        .and_then(|l| l.items().iter().find_map(|o| o.get(key).and_then(scalar)));
    Val::Str(v.unwrap_or_default().to_string())
}

fn nested_strings(r: &Resource, list: &str, key: Option<&str>, span: Span) -> Val {
    let items = r.field(list).map(Node::items).unwrap_or_default();
    strings(
        items.iter().filter_map(|o| match key {
            Some(k) => o.get(k).and_then(scalar),
            None => scalar(o),
        }),
        span,
    )
}

/// The attributes of one matched EC2 object, by data source type.
fn single(kind: &str, r: &Resource, snap: &Snapshot, span: Span) -> Attrs {
    let what = format!("{} `{}`", r.kind.what(), r.id);
    let mut a: Attrs = vec![
        ("id", Val::Str(r.id.clone())),
        ("tags", tags(r, span)),
        ("arn", arn_unknown(r.kind, &what)),
    ];
    match kind {
        "aws_vpc" => {
            a.extend([
                ("cidr_block", field(r, "CidrBlock")),
                ("default", boolean(r, "IsDefault")),
                ("dhcp_options_id", field(r, "DhcpOptionsId")),
                ("instance_tenancy", field(r, "InstanceTenancy")),
                ("owner_id", field(r, "OwnerId")),
                ("state", field(r, "State")),
                (
                    "ipv6_cidr_block",
                    first_nested(r, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
                ),
                ("main_route_table_id", main_route_table(r, snap)),
            ]);
            // Computed attributes of the provider's data source, from `describe-vpc-attribute`
            // output (one call per VPC and attribute; `describe-vpcs` does not print them).
            for (name, attribute) in [
                ("enable_dns_support", VpcAttribute::DnsSupport),
                ("enable_dns_hostnames", VpcAttribute::DnsHostnames),
                (
                    "enable_network_address_usage_metrics",
                    VpcAttribute::NetworkAddressUsageMetrics,
                ),
            ] {
                a.push((
                    name,
                    match snap.vpc_attribute(&r.id, attribute) {
                        Some(v) => Val::Bool(v.value),
                        None => Val::unknown(attribute.absent(&r.id)),
                    },
                ));
            }
            let assoc = r
                .field("CidrBlockAssociationSet")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .map(|o| {
                    let s = |k: &str| Val::Str(o.get(k).and_then(scalar).unwrap_or("").into());
                    let state = o
                        .get("CidrBlockState")
                        .and_then(|st| st.get("State"))
                        .and_then(scalar)
                        .unwrap_or("");
                    object(
                        vec![
                            ("association_id", s("AssociationId")),
                            ("cidr_block", s("CidrBlock")),
                            ("state", Val::Str(state.into())),
                        ],
                        span,
                    )
                });
            a.push(("cidr_block_associations", list(assoc, span)));
        }
        "aws_subnet" => {
            a.retain(|(k, _)| *k != "arn");
            a.extend([
                ("arn", field(r, "SubnetArn")),
                ("vpc_id", field(r, "VpcId")),
                ("cidr_block", field(r, "CidrBlock")),
                ("availability_zone", field(r, "AvailabilityZone")),
                ("availability_zone_id", field(r, "AvailabilityZoneId")),
                ("default_for_az", boolean(r, "DefaultForAz")),
                ("map_public_ip_on_launch", boolean(r, "MapPublicIpOnLaunch")),
                (
                    "assign_ipv6_address_on_creation",
                    boolean(r, "AssignIpv6AddressOnCreation"),
                ),
                (
                    "available_ip_address_count",
                    number(r, "AvailableIpAddressCount"),
                ),
                (
                    "ipv6_cidr_block",
                    first_nested(r, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
                ),
                ("owner_id", field(r, "OwnerId")),
                ("state", field(r, "State")),
            ]);
        }
        "aws_security_group" => a.extend([
            ("name", field(r, "GroupName")),
            ("description", field(r, "Description")),
            ("vpc_id", field(r, "VpcId")),
        ]),
        "aws_route_table" => {
            a.extend([
                ("route_table_id", Val::Str(r.id.clone())),
                ("vpc_id", field(r, "VpcId")),
                ("owner_id", field(r, "OwnerId")),
            ]);
            a.push(("routes", routes(r, span)));
            a.push(("associations", associations(r, span)));
        }
        "aws_vpc_endpoint" => {
            a.extend([
                ("vpc_id", field(r, "VpcId")),
                ("service_name", field(r, "ServiceName")),
                ("state", field(r, "State")),
                ("vpc_endpoint_type", field(r, "VpcEndpointType")),
                ("ip_address_type", field(r, "IpAddressType")),
                ("owner_id", field(r, "OwnerId")),
                ("private_dns_enabled", boolean(r, "PrivateDnsEnabled")),
                ("requester_managed", boolean(r, "RequesterManaged")),
                (
                    "route_table_ids",
                    nested_strings(r, "RouteTableIds", None, span),
                ),
                ("subnet_ids", nested_strings(r, "SubnetIds", None, span)),
                (
                    "security_group_ids",
                    nested_strings(r, "Groups", Some("GroupId"), span),
                ),
                (
                    "network_interface_ids",
                    nested_strings(r, "NetworkInterfaceIds", None, span),
                ),
                ("prefix_list_id", prefix_list(r, snap)),
            ]);
            let policy = match r.field("PolicyDocument") {
                Some(doc) => document(doc, span),
                None => Val::unknown(format!("{what} has no `PolicyDocument` in the snapshot")),
            };
            a.push(("policy", policy));
        }
        _ => {}
    }
    a
}

/// The VPC's main route table: the table of `describe-route-tables` with a main association.
fn main_route_table(vpc: &Resource, snap: &Snapshot) -> Val {
    if snap.all(Kind::RouteTable).next().is_none() {
        return Val::unknown(format!(
            "the main route table of VPC `{}`: the AWS snapshot has no `aws ec2 describe-route-tables` output",
            vpc.id
        ));
    }
    let main = snap.all(Kind::RouteTable).find(|t| {
        t.str("VpcId") == Some(vpc.id.as_str())
            && ec2_filter::Field::Nested("Associations", "Main")
                .values(t)
                .contains(&"true")
    });
    match main {
        Some(t) => Val::Str(t.id.clone()),
        None => Val::unknown(format!(
            "the AWS snapshot lists no main route table for VPC `{}`",
            vpc.id
        )),
    }
}

/// A gateway endpoint's prefix list: the AWS-managed prefix list named after its service.
fn prefix_list(endpoint: &Resource, snap: &Snapshot) -> Val {
    let service = endpoint.str("ServiceName");
    let found = snap
        .all(Kind::PrefixList)
        .find(|p| p.str("PrefixListName").is_some() && p.str("PrefixListName") == service);
    match found {
        Some(p) => Val::Str(p.id.clone()),
        None => Val::unknown(format!(
            "the prefix list of VPC endpoint `{}` is not in the AWS snapshot (`describe-managed-prefix-lists`)",
            endpoint.id
        )),
    }
}

/// `routes` as the provider lists them: without the `local` route, propagated routes and the
/// routes a gateway endpoint adds (those are the endpoint's).
fn routes(r: &Resource, span: Span) -> Val {
    let items = r.field("Routes").map(Node::items).unwrap_or_default();
    let entries = items.iter().filter_map(|route| {
        let s = |k: &str| route.get(k).and_then(scalar).unwrap_or("");
        let gateway = s("GatewayId");
        if gateway == "local"
            || s("Origin") == "EnableVgwRoutePropagation"
            || (!s("DestinationPrefixListId").is_empty() && gateway.starts_with("vpce-"))
        {
            return None;
        }
        let (gateway, endpoint) = if gateway.starts_with("vpce-") {
            ("", gateway)
        } else {
            (gateway, "")
        };
        let v = |x: &str| Val::Str(x.to_string());
        Some(object(
            vec![
                ("cidr_block", v(s("DestinationCidrBlock"))),
                ("ipv6_cidr_block", v(s("DestinationIpv6CidrBlock"))),
                (
                    "destination_prefix_list_id",
                    v(s("DestinationPrefixListId")),
                ),
                ("gateway_id", v(gateway)),
                ("vpc_endpoint_id", v(endpoint)),
                ("nat_gateway_id", v(s("NatGatewayId"))),
                (
                    "egress_only_gateway_id",
                    v(s("EgressOnlyInternetGatewayId")),
                ),
                ("transit_gateway_id", v(s("TransitGatewayId"))),
                ("vpc_peering_connection_id", v(s("VpcPeeringConnectionId"))),
                ("network_interface_id", v(s("NetworkInterfaceId"))),
                ("instance_id", v(s("InstanceId"))),
                ("carrier_gateway_id", v(s("CarrierGatewayId"))),
                ("local_gateway_id", v(s("LocalGatewayId"))),
                ("core_network_arn", v(s("CoreNetworkArn"))),
            ],
            span,
        ))
    });
    list(entries, span)
}

fn associations(r: &Resource, span: Span) -> Val {
    let items = r.field("Associations").map(Node::items).unwrap_or_default();
    list(
        items.iter().map(|a| {
            let s = |k: &str| Val::Str(a.get(k).and_then(scalar).unwrap_or("").to_string());
            let main = a.get("Main").and_then(scalar) == Some("true");
            object(
                vec![
                    ("route_table_association_id", s("RouteTableAssociationId")),
                    ("route_table_id", s("RouteTableId")),
                    ("subnet_id", s("SubnetId")),
                    ("gateway_id", s("GatewayId")),
                    ("main", Val::Bool(main)),
                ],
                span,
            )
        }),
        span,
    )
}

/// `data "aws_iam_role"` by `name` (the only selector the provider has).
fn role(
    ev: &Evaluator<'_>,
    res: &Block<'_>,
    scope: &Scope,
    snap: &Snapshot,
    what: &str,
) -> Result<Attrs, Reason> {
    let span = super::super::parse::span_of(res.file, res.block);
    let name = match res.body().get_attribute("name") {
        Some(a) => string(&ev.eval(&a.value, scope), what, "name")?,
        None => return Err(Reason::new(format!("`{what}` has no `name`"))),
    };
    if snap.all(Kind::Role).next().is_none() {
        return Err(Reason::new(format!(
            "`{what}`: the AWS snapshot has no `aws iam get-account-authorization-details` output (or it lists no roles)"
        )));
    }
    // `role` also accepts an ARN; the provider's `name` does not.
    let r = snap
        .role(&name)
        .filter(|r| r.str("RoleName") == Some(name.as_str()))
        .ok_or_else(|| {
            Reason::new(format!(
                "`{what}`: no role named `{name}` in the AWS snapshot (the snapshot may be of another account)"
            ))
        })?;
    let boundary = r
        .field("PermissionsBoundary")
        .and_then(|b| b.get("PermissionsBoundaryArn"))
        .and_then(scalar)
        .unwrap_or("");
    let assume = match r.field("AssumeRolePolicyDocument") {
        Some(doc) => document(doc, span),
        None => Val::unknown(format!("role `{name}` has no trust policy in the snapshot")),
    };
    Ok(vec![
        ("id", field(r, "RoleName")),
        ("name", field(r, "RoleName")),
        ("arn", Val::Str(r.id.clone())),
        ("path", field(r, "Path")),
        ("unique_id", field(r, "RoleId")),
        ("create_date", field(r, "CreateDate")),
        ("description", field(r, "Description")),
        ("max_session_duration", number(r, "MaxSessionDuration")),
        ("permissions_boundary", Val::Str(boundary.into())),
        ("assume_role_policy", assume),
        ("tags", tags(r, span)),
    ])
}

/// `data "aws_iam_policy"` from the snapshot (customer managed, or AWS managed as the account
/// sees it): `None` when the snapshot does not decide, so the bundled AWS managed policies are
/// consulted.
pub fn iam_policy(
    ev: &Evaluator<'_>,
    res: &Block<'_>,
    scope: &Scope,
    snap: &Snapshot,
) -> Option<Val> {
    let span = super::super::parse::span_of(res.file, res.block);
    let what = format!("data.aws_iam_policy.{}", res.name);
    let arg = |name: &str| {
        let a = res.body().get_attribute(name)?;
        Some(ev.eval(&a.value, scope)).filter(|v| !v.is_null())
    };
    let found: &Resource = match (arg("arn"), arg("name")) {
        (Some(arn), _) => {
            let arn = arn.as_str()?;
            match snap.policy(&arn) {
                Some(p) => p,
                // An AWS managed policy absent from the snapshot: the bundled data knows it.
                None if arn.split(':').nth(4) == Some("aws") => return None,
                None => {
                    return Some(Val::unknown(format!(
                        "`{what}`: customer managed policy `{arn}` is not in the AWS snapshot (the snapshot may be of another account)"
                    )))
                }
            }
        }
        (None, Some(name)) => {
            let name = name.as_str()?;
            let prefix = arg("path_prefix").and_then(|p| p.as_str());
            let matching: Vec<&Resource> = snap
                .all(Kind::Policy)
                .filter(|p| {
                    p.str("PolicyName") == Some(name.as_str())
                        && prefix
                            .as_deref()
                            .is_none_or(|pre| p.str("Path").unwrap_or("/").starts_with(pre))
                })
                .collect();
            // The bundled AWS managed policy of that name, unless the snapshot holds that one.
            let bundled = crate::analysis::data::managed_policies()
                .policies
                .iter()
                .any(|b| {
                    b.name == name
                        && !matching.iter().any(|p| {
                            p.id.ends_with(&format!(":iam::aws:policy{}{}", b.path, b.name))
                        })
                });
            match matching.as_slice() {
                [] => return None,
                [one] if !bundled => one,
                _ => {
                    return Some(Val::unknown(format!(
                        "`{what}`: several policies are named `{name}` (AWS fails when more than one matches)"
                    )))
                }
            }
        }
        (None, None) => return None,
    };
    let doc = match snap.policy_document(&found.id) {
        Some(d) => document(d, span),
        None => Val::unknown(format!(
            "`{what}`: the AWS snapshot has no default version document for `{}`",
            found.id
        )),
    };
    Some(object(
        vec![
            ("arn", Val::Str(found.id.clone())),
            ("id", Val::Str(found.id.clone())),
            ("name", field(found, "PolicyName")),
            ("path", field(found, "Path")),
            ("policy_id", field(found, "PolicyId")),
            ("description", field(found, "Description")),
            ("attachment_count", number(found, "AttachmentCount")),
            ("tags", tags(found, span)),
            ("policy", doc),
        ],
        span,
    ))
}

/// `data "aws_ssm_parameter"`: `value` and `insecure_value` are the stored string (a
/// `StringList` as its comma-separated text, which `split(",", …)` turns into the list);
/// a `SecureString` is never read.
fn parameter(
    ev: &Evaluator<'_>,
    res: &Block<'_>,
    scope: &Scope,
    snap: &Snapshot,
    what: &str,
) -> Result<Attrs, Reason> {
    let name = match res.body().get_attribute("name") {
        Some(a) => string(&ev.eval(&a.value, scope), what, "name")?,
        None => return Err(Reason::new(format!("`{what}` has no `name`"))),
    };
    // `name` may be the parameter's ARN: `arn:…:parameter/a/b` names `/a/b` (or `a` for
    // `parameter/a`, a name without a leading slash).
    let p = match name.split_once(":parameter/") {
        Some((arn, rest)) if arn.starts_with("arn:") => snap
            .parameter(&format!("/{rest}"))
            .or_else(|| snap.parameter(rest)),
        _ => snap.parameter(&name),
    };
    let p = p.ok_or_else(|| {
        Reason::new(format!(
            "`{what}`: SSM parameter `{name}` is not in the AWS snapshot (`aws ssm get-parameters-by-path`; the snapshot may be of another account or region)"
        ))
    })?;
    let value = match &p.value {
        Some(v) if p.kind != "SecureString" => Val::Str(v.clone()),
        _ => Val::unknown(format!(
            "SSM parameter `{}` is a {}: its value is never read",
            p.name, p.kind
        )),
    };
    let unknown =
        |attr: &str| Val::unknown(format!("`{what}.{attr}` is not kept from the AWS snapshot"));
    Ok(vec![
        ("id", Val::Str(p.name.clone())),
        ("name", Val::Str(p.name.clone())),
        ("type", Val::Str(p.kind.clone())),
        ("value", value.clone()),
        ("insecure_value", value),
        ("arn", unknown("arn")),
        ("version", unknown("version")),
    ])
}

/// A policy document of the CLI output: a JSON object, or a string of JSON (plain, or
/// URL-encoded as the IAM API returns it), as the structured policy value the lowering reads.
fn document(doc: &Node, span: Span) -> Val {
    match &doc.kind {
        NodeKind::Scalar { text, quoted: true } => {
            let text = if text.trim_start().starts_with('{') {
                text.clone()
            } else {
                match percent_decode(text) {
                    Some(t) => t,
                    None => return Val::unknown("a policy document that is not JSON"),
                }
            };
            match super::from_json_text(&text, span) {
                v @ Val::Unknown(_) => v,
                v => Val::Json(Box::new(v)),
            }
        }
        NodeKind::Map(_) => Val::Json(Box::new(json(doc, span, 0))),
        _ => Val::unknown("a policy document that is not JSON"),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A JSON node of the snapshot as a value. Nesting is bounded by the snapshot's parse limits;
/// the cap here only guards this recursion.
fn json(n: &Node, span: Span, depth: u32) -> Val {
    if depth > 64 {
        return Val::unknown("JSON nested too deeply");
    }
    match &n.kind {
        NodeKind::Scalar { text, quoted: true } => Val::Str(text.clone()),
        NodeKind::Scalar {
            text,
            quoted: false,
        } => match text.as_str() {
            "null" => Val::Null,
            "true" => Val::Bool(true),
            "false" => Val::Bool(false),
            t => t
                .parse::<f64>()
                .map(Val::Num)
                .unwrap_or_else(|_| Val::Str(t.to_string())),
        },
        NodeKind::Seq(items) => list(items.iter().map(|i| json(i, span, depth + 1)), span),
        NodeKind::Map(entries) => {
            let mut m = BTreeMap::new();
            for (k, v) in entries {
                m.entry(k.text.clone()).or_insert_with(|| Item {
                    val: json(v, span, depth + 1),
                    span,
                });
            }
            Val::Map(m)
        }
    }
}

#[cfg(test)]
pub(super) mod tests;
