//! VPCs and subnets, written once for every front end. A front end describes each resource as
//! a view (its properties as neutral values; the VPC a subnet belongs to as the front end
//! resolved it; a zone the front end recognised as a position in AWS's zone list as a
//! [`Zone`]); this module decides what they mean.

use ipnet::{Ipv4Net, Ipv6Net};

use super::security_group::{v4, v6};
use super::value::Spanned;
use crate::model::*;
use crate::source::Span;

/// `aws_vpc`, `aws_default_vpc`, `AWS::EC2::VPC`.
#[derive(Debug, Clone)]
pub struct VpcView {
    pub meta: Meta,
    /// Where defaults are reported.
    pub span: Span,
    /// Terraform's `aws_default_vpc`: the region's default VPC.
    pub is_default: bool,
    pub cidr: Option<Spanned>,
    pub enable_dns_support: Option<Spanned>,
    pub enable_dns_hostnames: Option<Spanned>,
    pub instance_tenancy: Option<Spanned>,
}

pub fn vpc(view: VpcView) -> Vpc {
    let cidr = match (&view.cidr, view.is_default) {
        (Some(v), _) => Attr::explicit(v4(&v.v), v.span),
        // Every default VPC has this block (AWS documentation, "Default VPCs").
        (None, true) => Attr::default(
            Ipv4Net::new(std::net::Ipv4Addr::new(172, 31, 0, 0), 16).unwrap_or_default(),
            view.span,
        ),
        (None, false) => no_cidr(view.span),
    };
    let tenancy = match &view.instance_tenancy {
        Some(v) => Attr::explicit(v.v.as_str(), v.span),
        None => Attr::default("default".to_string(), view.span),
    };
    Vpc {
        cidr,
        enable_dns_support: boolean(&view.enable_dns_support, true, view.span),
        // DNS hostnames are on in a default VPC, off in any other (AWS documentation, "DNS
        // attributes for your VPC").
        enable_dns_hostnames: boolean(&view.enable_dns_hostnames, view.is_default, view.span),
        instance_tenancy: tenancy,
        main_route_table: None,
        is_default: view.is_default,
        meta: view.meta,
    }
}

/// An IPv4 block that is not written: allocated from an IPAM pool, unknown offline.
fn no_cidr(span: Span) -> Attr<Ipv4Net> {
    Attr {
        value: Value::unknown("no IPv4 CIDR block is written (allocated from an IPAM pool)"),
        span,
        origin: Origin::Default,
    }
}

fn boolean(v: &Option<Spanned>, default: bool, span: Span) -> Attr<bool> {
    match v {
        Some(v) => Attr::explicit(v.v.as_bool(), v.span),
        None => Attr::default(default, span),
    }
}

/// A subnet's availability zone as the front end found it.
#[derive(Debug, Clone)]
pub enum ZoneView {
    /// A zone name (`availability_zone`, `AvailabilityZone`).
    Name(Spanned),
    /// A position in a zone list AWS returns (`data.aws_availability_zones.x.names[i]`,
    /// `Fn::Select [i, Fn::GetAZs '']`), recognised by the front end: a `Zone::Nth`.
    Position(Zone, Span),
    /// A zone id (`availability_zone_id`, `AvailabilityZoneId`).
    Id(Spanned),
    Absent,
}

/// The IPv6 block of a subnet.
#[derive(Debug, Clone)]
pub enum Ipv6View {
    Absent,
    Block(Spanned),
    /// A list of blocks (`Ipv6CidrBlocks`): which one the model keeps is not decided.
    List(Span),
}

/// `aws_subnet`, `aws_default_subnet`, `AWS::EC2::Subnet`.
#[derive(Debug, Clone)]
pub struct SubnetView {
    pub meta: Meta,
    /// Where defaults are reported.
    pub span: Span,
    /// Terraform's `aws_default_subnet`: a default subnet of the default VPC.
    pub is_default: bool,
    /// Resolved by the front end (a default subnet's VPC is the default VPC; CloudFormation
    /// follows `Fn::GetAtt X.VpcId` one step).
    pub vpc: Attr<VpcId>,
    pub cidr: Option<Spanned>,
    pub ipv6: Ipv6View,
    pub zone: ZoneView,
    pub map_public_ip_on_launch: Option<Spanned>,
}

pub fn subnet(view: SubnetView) -> Subnet {
    let cidr = match (&view.cidr, view.is_default) {
        (Some(v), _) => Attr::explicit(v4(&v.v), v.span),
        (None, true) => Attr {
            value: Value::unknown("a default subnet's CIDR block is chosen by AWS"),
            span: view.span,
            origin: Origin::Default,
        },
        (None, false) => no_cidr(view.span),
    };
    let ipv6_cidr = match &view.ipv6 {
        Ipv6View::Absent => Attr::default(None, view.span),
        Ipv6View::Block(v) => Attr::explicit(v6(&v.v).map(Some::<Ipv6Net>), v.span),
        Ipv6View::List(span) => Attr::explicit(
            Value::unknown("the subnet's IPv6 block comes from a list of blocks"),
            *span,
        ),
    };
    let availability_zone = match &view.zone {
        ZoneView::Name(v) => Attr::explicit(v.v.as_str().map(Zone::Name), v.span),
        ZoneView::Position(z, span) => Attr::explicit(Value::Known(z.clone()), *span),
        // Zone ids and names are different namespaces: comparing them would be a guess.
        ZoneView::Id(v) => {
            let why = match v.v.as_str() {
                Value::Known(id) => format!("availability zone given by id `{id}`"),
                Value::Unknown(why) => why.0,
            };
            Attr::explicit(Value::unknown(why), v.span)
        }
        ZoneView::Absent => Attr {
            value: Value::unknown("the availability zone is chosen by AWS"),
            span: view.span,
            origin: Origin::Default,
        },
    };
    Subnet {
        vpc: view.vpc,
        cidr,
        ipv6_cidr,
        availability_zone,
        // Default subnets assign public addresses; others do not unless told to.
        map_public_ip_on_launch: boolean(&view.map_public_ip_on_launch, view.is_default, view.span),
        meta: view.meta,
    }
}
