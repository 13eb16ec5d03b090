//! VPCs, subnets, route tables, routes, gateways, endpoints and security groups.

mod security_group;

pub(super) use security_group::SECURITY_GROUP_TYPES;

pub(super) const VPC_TYPES: &[&str] = &["AWS::EC2::VPC"];
pub(super) const ROUTE_TABLE_TYPES: &[&str] = &["AWS::EC2::RouteTable"];
pub(super) const ENDPOINT_TYPES: &[&str] = &["AWS::EC2::VPCEndpoint"];
pub(super) const SUBNET_TYPES: &[&str] = &["AWS::EC2::Subnet"];

use super::super::intrinsics::Ev;
use super::super::template::full_span;
use super::{Lower, GATEWAY, ROUTE_TABLE, SUBNET};
use crate::lower::network::{self as shared, Ipv6View, SubnetView, VpcView, ZoneView};
use crate::lower::routing::{
    self, DestinationView, EndpointView, GatewayRef, GatewayView, Presence, RouteView, TargetView,
};
use crate::model::*;

/// The gateway resources, in one arena.
pub(super) const GATEWAY_TYPES: &[&str] = &[
    "AWS::EC2::InternetGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::NatGateway",
];

fn cidr6(ev: &Ev<'_>) -> Value<ipnet::Ipv6Net> {
    match ev.as_string() {
        Value::Known(s) => match s.trim().parse() {
            Ok(net) => Value::Known(net),
            Err(_) => Value::unknown(format!("`{s}` is not an IPv6 CIDR block")),
        },
        Value::Unknown(r) => Value::Unknown(r),
    }
}

/// Route target properties other than the gateways the linter models, with the kind of egress
/// they lead to (all unknown egress for the rules).
const OTHER_TARGETS: &[(&str, &str)] = &[
    ("TransitGatewayId", "transit gateway"),
    ("VpcPeeringConnectionId", "VPC peering connection"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "network interface"),
    (
        "VpcEndpointId",
        "VPC endpoint (firewall or Gateway Load Balancer)",
    ),
    ("LocalGatewayId", "local gateway"),
    ("CarrierGatewayId", "carrier gateway"),
    ("CoreNetworkArn", "core network"),
];

impl<'a> Lower<'_, '_, 'a> {
    pub(super) fn lower_network(&mut self) {
        self.lower_vpcs();
        self.lower_subnets();
        self.lower_subnet_ipv6_blocks();
        for r in self.of_type(ROUTE_TABLE_TYPES) {
            let Some(id) = self.index.route_tables.get(r.id).copied() else {
                continue;
            };
            let meta = self.meta(&r);
            let vpc = self.attr_req(&r, "VpcId", "no `VpcId`", |e| self.resolve_vpc(e));
            self.b.route_tables.fill(
                id.0,
                RouteTable {
                    meta,
                    vpc,
                    is_main: false,
                },
            );
        }
        self.lower_gateways();
        self.lower_routes();
        self.lower_associations();
        self.lower_endpoints();
        self.lower_security_groups();
    }

    fn lower_vpcs(&mut self) {
        for r in self.of_type(VPC_TYPES) {
            let Some(id) = self.index.vpcs.get(r.id).copied() else {
                continue;
            };
            let vpc = shared::vpc(VpcView {
                meta: self.meta(&r),
                span: r.key_span,
                is_default: false,
                cidr: self.neutral_prop(&r, "CidrBlock"),
                enable_dns_support: self.neutral_prop(&r, "EnableDnsSupport"),
                enable_dns_hostnames: self.neutral_prop(&r, "EnableDnsHostnames"),
                instance_tenancy: self.neutral_prop(&r, "InstanceTenancy"),
            });
            self.b.vpcs.fill(id.0, vpc);
        }
    }

    fn lower_subnets(&mut self) {
        for r in self.of_type(SUBNET_TYPES) {
            let Some(id) = self.index.subnets.get(r.id).copied() else {
                continue;
            };
            // `Fn::Select [i, Fn::GetAZs r]` is a position in AWS's zone list.
            let zone = match r.prop("AvailabilityZone").and_then(|n| {
                let (list, index) = self.ev.zone_position(n)?;
                Some((Zone::Nth { list, index }, full_span(n)))
            }) {
                Some((zone, span)) => ZoneView::Position(zone, span),
                None => match (
                    self.neutral_prop(&r, "AvailabilityZone"),
                    self.neutral_prop(&r, "AvailabilityZoneId"),
                ) {
                    (Some(v), _) => ZoneView::Name(v),
                    (None, Some(v)) => ZoneView::Id(v),
                    (None, None) => ZoneView::Absent,
                },
            };
            let ipv6 = match (
                self.prop(&r, "Ipv6CidrBlocks"),
                self.neutral_prop(&r, "Ipv6CidrBlock"),
            ) {
                (Some((_, span)), _) => Ipv6View::List(span),
                (None, Some(v)) => Ipv6View::Block(v),
                (None, None) => Ipv6View::Absent,
            };
            let subnet = shared::subnet(SubnetView {
                meta: self.meta(&r),
                span: r.key_span,
                is_default: false,
                vpc: self.attr_req(&r, "VpcId", "no `VpcId`", |e| self.resolve_vpc(e)),
                cidr: self.neutral_prop(&r, "CidrBlock"),
                ipv6,
                zone,
                map_public_ip_on_launch: self.neutral_prop(&r, "MapPublicIpOnLaunch"),
            });
            self.b.subnets.fill(id.0, subnet);
        }
        self.lower_subnet_parameters();
    }

    /// A subnet given as a parameter but associated with a route table here: its association
    /// is known, so it is an entity of the model (named after the parameter) whose routing is
    /// that table's; everything else about it is unknown. It is in the table's VPC, as AWS
    /// requires.
    fn lower_subnet_parameters(&mut self) {
        for p in self.ev.subnet_parameters() {
            if self.index.subnets.contains_key(p) {
                continue;
            }
            let Some(decl) = self.tpl.parameters.get(p.as_str()).copied() else {
                continue;
            };
            let span = full_span(decl);
            let table = self
                .of_type(&["AWS::EC2::SubnetRouteTableAssociation"])
                .into_iter()
                .filter(|r| {
                    r.prop("SubnetId")
                        .is_some_and(|n| matches!(self.ev.ev(n), Ev::Res(x) if x.logical == *p))
                })
                .find_map(|r| self.prop(&r, "RouteTableId"));
            let vpc = match table {
                Some((Ev::Res(t), at)) => {
                    let vpc = self
                        .tpl
                        .resource(&t.logical)
                        .and_then(|rt| rt.prop("VpcId"));
                    match vpc {
                        Some(node) => Attr::explicit(self.resolve_vpc(&self.ev.ev(node)), at),
                        None => {
                            Attr::explicit(Value::unknown("the route table has no `VpcId`"), at)
                        }
                    }
                }
                _ => Attr::explicit(
                    Value::unknown(format!("the VPC of subnet parameter `{p}` is unknown")),
                    span,
                ),
            };
            let unknown = |what: &str| {
                Reason::new(format!(
                    "subnet parameter `{p}`: its {what} is not in the template"
                ))
            };
            let subnet = Subnet {
                meta: Meta {
                    name: p.clone(),
                    kind: decl
                        .get("Type")
                        .and_then(|t| t.as_str())
                        .unwrap_or("String")
                        .to_string(),
                    span,
                },
                vpc,
                cidr: Attr::explicit(Value::Unknown(unknown("CIDR block")), span),
                ipv6_cidr: Attr::explicit(Value::Unknown(unknown("IPv6 CIDR block")), span),
                availability_zone: Attr::explicit(
                    Value::Unknown(unknown("availability zone")),
                    span,
                ),
                map_public_ip_on_launch: Attr::explicit(
                    Value::Unknown(unknown("public IP setting")),
                    span,
                ),
            };
            let id = SubnetId(self.b.subnets.push(subnet));
            self.index.subnets.insert(p.clone(), id);
        }
    }

    /// `AWS::EC2::SubnetCidrBlock` adds an IPv6 block to a subnet from outside it. When its
    /// subnet cannot be identified, any subnet without a block of its own may get one.
    fn lower_subnet_ipv6_blocks(&mut self) {
        for r in self.of_type(&["AWS::EC2::SubnetCidrBlock"]) {
            let (block, span) = match (
                self.prop(&r, "Ipv6CidrBlock"),
                self.prop(&r, "Ipv6IpamPoolId"),
            ) {
                (Some((ev, span)), _) => (cidr6(&ev).map(Some), span),
                (None, Some((_, span))) => (
                    Value::unknown("the IPv6 block is allocated from an IPAM pool"),
                    span,
                ),
                // An IPv4 block only.
                (None, None) => continue,
            };
            let subnet = match self.prop(&r, "SubnetId") {
                Some((ev, _)) => self.resolve(&ev, &self.index.subnets, SUBNET),
                None => Value::unknown("no `SubnetId`"),
            };
            let why = format!(
                "`{}` adds an IPv6 block to a subnet that could not be identified",
                r.id
            );
            for (i, s) in self.b.subnets.iter_mut() {
                let target = match &subnet {
                    Value::Known(id) if id.0 == i => true,
                    Value::Known(_) => false,
                    Value::Unknown(_) => s.ipv6_cidr.value == Value::Known(None),
                };
                if target {
                    s.ipv6_cidr = match &subnet {
                        Value::Known(_) => Attr::explicit(block.clone(), span),
                        Value::Unknown(_) => Attr::explicit(Value::unknown(why.clone()), span),
                    };
                }
            }
        }
    }

    fn lower_gateways(&mut self) {
        for r in self.of_type(GATEWAY_TYPES) {
            let Some(id) = self.index.gateways.get(r.id).copied() else {
                continue;
            };
            let kind = match r.kind {
                "AWS::EC2::InternetGateway" => GatewayKind::Internet,
                "AWS::EC2::EgressOnlyInternetGateway" => GatewayKind::EgressOnlyInternet,
                _ => GatewayKind::Nat,
            };
            let gw = routing::gateway(GatewayView {
                meta: self.meta(&r),
                span: r.key_span,
                kind,
                // An internet gateway is attached by `AWS::EC2::VPCGatewayAttachment`.
                vpc: (kind == GatewayKind::EgressOnlyInternet)
                    .then(|| self.attr_req(&r, "VpcId", "no `VpcId`", |e| self.resolve_vpc(e))),
                subnet: self.neutral_prop(&r, "SubnetId"),
                connectivity: self.neutral_prop(&r, "ConnectivityType"),
                allocation: match self.prop(&r, "AllocationId") {
                    Some((_, span)) => Presence::Present(span),
                    None => Presence::Absent,
                },
            });
            self.b.gateways.fill(id.0, gw);
        }
        self.b.link_nat_vpcs();
        for r in self.of_type(&["AWS::EC2::VPCGatewayAttachment"]) {
            let Some((igw, igw_span)) = self.prop(&r, "InternetGatewayId") else {
                continue; // a VPN gateway attachment
            };
            match self.resolve(&igw, &self.index.gateways, GATEWAY) {
                Value::Known(g) => {
                    let vpc = self.attr_req(&r, "VpcId", "no `VpcId`", |e| self.resolve_vpc(e));
                    if let Some(gw) = self.b.gateways.get_mut(g.0) {
                        gw.vpc = vpc;
                    }
                }
                Value::Unknown(why) => self.unresolved(
                    UnresolvedKind::Routing,
                    Reason::new(format!(
                        "gateway attachment of an unknown internet gateway: {why}"
                    )),
                    igw_span,
                ),
            }
        }
    }

    fn target(&self, r: &super::Resource<'a>) -> TargetView {
        if let Some((ev, span)) = self.prop(r, "GatewayId") {
            let kind = match &ev {
                Ev::Res(x) => match self.tpl.resource(&x.logical).map(|t| t.kind) {
                    Some("AWS::EC2::InternetGateway") => GatewayRef::Internet,
                    Some("AWS::EC2::VPNGateway") => GatewayRef::Vpn,
                    Some(other) => GatewayRef::OtherResource(other.to_string()),
                    None => GatewayRef::NotAResource,
                },
                _ => GatewayRef::NotAResource,
            };
            return TargetView::Gateway(self.neutral(ev, span), kind);
        }
        if let Some(v) = self.neutral_prop(r, "NatGatewayId") {
            return TargetView::Nat(v);
        }
        if let Some(v) = self.neutral_prop(r, "EgressOnlyInternetGatewayId") {
            return TargetView::EgressOnly(v);
        }
        for (prop, kind) in OTHER_TARGETS {
            if let Some((_, span)) = self.prop(r, prop) {
                return TargetView::Other(kind, span);
            }
        }
        TargetView::Absent
    }

    fn lower_routes(&mut self) {
        for r in self.of_type(&["AWS::EC2::Route"]) {
            let destination = if let Some(v) = self.neutral_prop(&r, "DestinationCidrBlock") {
                DestinationView::V4(v)
            } else if let Some(v) = self.neutral_prop(&r, "DestinationIpv6CidrBlock") {
                DestinationView::V6(v)
            } else if let Some(v) = self.neutral_prop(&r, "DestinationPrefixListId") {
                DestinationView::PrefixList(v)
            } else {
                DestinationView::Absent
            };
            let table = match self.prop(&r, "RouteTableId") {
                Some((ev, _)) => self.resolve(&ev, &self.index.route_tables, ROUTE_TABLE),
                None => Value::unknown("no `RouteTableId`"),
            };
            if let Value::Unknown(why) = &table {
                // The route may belong to any table, including a Lambda subnet's.
                self.unresolved(
                    UnresolvedKind::Routing,
                    Reason::new(format!("route with an unknown route table: {why}")),
                    r.key_span,
                );
            }
            let route = routing::route(RouteView {
                span: r.key_span,
                default_span: r.key_span,
                name: self.meta(&r).name,
                route_table: table,
                destination,
                target: self.target(&r),
            });
            self.model.routes.push(route);
        }
    }

    fn lower_associations(&mut self) {
        for r in self.of_type(&["AWS::EC2::SubnetRouteTableAssociation"]) {
            let subnet = match self.prop(&r, "SubnetId") {
                Some((ev, _)) => self.resolve(&ev, &self.index.subnets, SUBNET),
                None => Value::unknown("no `SubnetId`"),
            };
            let table = match self.prop(&r, "RouteTableId") {
                Some((ev, _)) => self.resolve(&ev, &self.index.route_tables, ROUTE_TABLE),
                None => Value::unknown("no `RouteTableId`"),
            };
            for why in [subnet.reason(), table.reason()].into_iter().flatten() {
                let reason = Reason::new(format!("route table association: {why}"));
                self.model.unresolved.push(Unresolved {
                    what: UnresolvedKind::Routing,
                    reason,
                    span: r.key_span,
                });
            }
            self.model
                .route_table_associations
                .push(RouteTableAssociation {
                    span: r.key_span,
                    subnet,
                    route_table: table,
                });
        }
    }

    fn lower_endpoints(&mut self) {
        for r in self.of_type(ENDPOINT_TYPES) {
            let Some(id) = self.index.endpoints.get(r.id).copied() else {
                continue;
            };
            let endpoint = routing::endpoint(EndpointView {
                meta: self.meta(&r),
                span: r.key_span,
                vpc: self.attr_req(&r, "VpcId", "no `VpcId`", |e| self.resolve_vpc(e)),
                service_name: self.neutral_prop(&r, "ServiceName"),
                endpoint_type: self.neutral_prop(&r, "VpcEndpointType"),
                route_tables: self.neutral_prop(&r, "RouteTableIds"),
                subnets: self.neutral_prop(&r, "SubnetIds"),
                security_groups: self.neutral_prop(&r, "SecurityGroupIds"),
                private_dns: self.neutral_prop(&r, "PrivateDnsEnabled"),
            });
            self.b.endpoints.fill(id.0, endpoint);
        }
    }
}
