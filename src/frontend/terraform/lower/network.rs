//! VPCs, subnets, route tables and routes, gateways, endpoints and security groups.

mod security_group;

use super::{uncertain_reason, unset, Entity, Inst, Lowerer};
use crate::frontend::terraform::eval::{Scope, Val};
use crate::lower::network::{self as shared, Ipv6View, SubnetView, VpcView, ZoneView};
use crate::lower::routing::{
    self, DestinationView, EndpointView, GatewayRef, GatewayView, Presence, RouteView, TargetView,
};
use crate::lower::value::{Spanned, V};
use crate::model::*;

pub(super) fn pick_vpc(e: Entity) -> Option<VpcId> {
    match e {
        Entity::Vpc(id) => Some(id),
        _ => None,
    }
}
fn pick_subnet(e: Entity) -> Option<SubnetId> {
    match e {
        Entity::Subnet(id) => Some(id),
        _ => None,
    }
}
fn pick_rt(e: Entity) -> Option<RouteTableId> {
    match e {
        Entity::RouteTable(id) => Some(id),
        _ => None,
    }
}
fn pick_gw(e: Entity) -> Option<GatewayId> {
    match e {
        Entity::Gateway(id) => Some(id),
        _ => None,
    }
}
fn pick_sg(e: Entity) -> Option<SecurityGroupId> {
    match e {
        Entity::SecurityGroup(id) => Some(id),
        _ => None,
    }
}
fn pick_endpoint(e: Entity) -> Option<EndpointId> {
    match e {
        Entity::Endpoint(id) => Some(id),
        _ => None,
    }
}

fn subnet_ref(lw: &Lowerer<'_>, v: &Val) -> Value<SubnetId> {
    lw.resolve(v, "subnet", pick_subnet)
}

fn id_of(lw: &Lowerer<'_>, inst: &Inst<'_>) -> Option<Entity> {
    lw.ids.get(&inst.address).copied()
}

pub(super) fn vpc(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Vpc(id)) = id_of(lw, inst) else {
        return;
    };
    let arg = |name: &str| lw.arg(inst, name).map(|(v, s)| lw.neutral(v, s));
    let v = shared::vpc(VpcView {
        meta: inst.meta(),
        span: inst.block_span,
        is_default: inst.res.kind == "aws_default_vpc",
        // `aws_default_vpc` has no `cidr_block` argument: its block is AWS's.
        cidr: (inst.res.kind == "aws_vpc")
            .then(|| arg("cidr_block"))
            .flatten(),
        enable_dns_support: arg("enable_dns_support"),
        enable_dns_hostnames: arg("enable_dns_hostnames"),
        instance_tenancy: arg("instance_tenancy"),
    });
    lw.b.vpcs.fill(id.0, v);
}

pub(super) fn subnet(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Subnet(id)) = id_of(lw, inst) else {
        return;
    };
    let is_default = inst.res.kind == "aws_default_subnet";
    let vpc = if is_default {
        Attr {
            value: match lw.default_vpc {
                Some(id) => Value::Known(id),
                None => Value::unknown("the default VPC is not in this configuration"),
            },
            span: inst.block_span,
            origin: Origin::Implied,
        }
    } else {
        lw.ref_arg(inst, "vpc_id", "VPC", pick_vpc)
    };
    let arg = |name: &str| lw.arg(inst, name).map(|(v, s)| lw.neutral(v, s));
    // A position in a data source's `names` or `zone_ids` is a zone (`Zone::Nth`); a literal
    // zone id is another namespace than names.
    let zone = match (
        lw.arg(inst, "availability_zone"),
        lw.arg(inst, "availability_zone_id"),
    ) {
        (Some((v, span)), _) | (None, Some((v @ Val::AwsZones { index: Some(_), .. }, span))) => {
            match v {
                Val::AwsZones {
                    list,
                    index: Some(index),
                } => ZoneView::Position(Zone::Nth { list, index }, span),
                v => ZoneView::Name(lw.neutral(v, span)),
            }
        }
        (None, Some((v, span))) => ZoneView::Id(lw.neutral(v, span)),
        (None, None) => ZoneView::Absent,
    };
    let s = shared::subnet(SubnetView {
        meta: inst.meta(),
        span: inst.block_span,
        is_default,
        vpc,
        cidr: arg("cidr_block"),
        ipv6: match arg("ipv6_cidr_block") {
            Some(v) => Ipv6View::Block(v),
            None => Ipv6View::Absent,
        },
        zone,
        map_public_ip_on_launch: arg("map_public_ip_on_launch"),
    });
    lw.b.subnets.fill(id.0, s);
}

pub(super) fn route_table(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let is_main = inst.res.kind == "aws_default_route_table";
    let Some(Entity::RouteTable(me)) = id_of(lw, inst) else {
        return;
    };
    let vpc = if is_main {
        match lw.arg(inst, "default_route_table_id") {
            Some((v, span)) => {
                let vpc = lw.resolve(&v, "VPC", pick_vpc);
                if let Value::Known(id) = vpc {
                    lw.pending_main
                        .push((id, Attr::explicit(Value::Known(me), span)));
                }
                Attr::explicit(vpc, span)
            }
            None => unset(inst, "default_route_table_id"),
        }
    } else {
        lw.ref_arg(inst, "vpc_id", "VPC", pick_vpc)
    };
    lw.b.route_tables.fill(
        me.0,
        RouteTable {
            meta: inst.meta(),
            vpc,
            is_main,
        },
    );
    match lw.ev.blocks(inst.res.body(), "route", &inst.scope) {
        Ok(blocks) => {
            for (i, (body, span, scope)) in blocks.into_iter().enumerate() {
                let route = routing::route(RouteView {
                    span,
                    default_span: span,
                    name: format!("{} route[{i}]", inst.address),
                    route_table: Value::Known(me),
                    destination: destination(
                        lw,
                        body,
                        &scope,
                        [
                            "cidr_block",
                            "ipv6_cidr_block",
                            "destination_prefix_list_id",
                        ],
                    ),
                    target: route_target(lw, body, &scope),
                });
                lw.model.routes.push(route);
            }
        }
        Err(r) => lw.push_unresolved(UnresolvedKind::Routing, r, inst.span),
    }
}

/// The destination of a route block or resource (`keys`: IPv4, IPv6, prefix list).
fn destination(
    lw: &Lowerer<'_>,
    body: &hcl_edit::structure::Body,
    scope: &Scope,
    keys: [&str; 3],
) -> DestinationView {
    let [k4, k6, kpl] = keys;
    if let Some((v, s)) = lw.arg_in(body, scope, k4) {
        DestinationView::V4(lw.neutral(v, s))
    } else if let Some((v, s)) = lw.arg_in(body, scope, k6) {
        DestinationView::V6(lw.neutral(v, s))
    } else if let Some((v, s)) = lw.arg_in(body, scope, kpl) {
        // A referenced prefix list is named by its address.
        DestinationView::PrefixList(match v {
            Val::Ref(r) => Spanned::new(V::Str(r.address()), s),
            v => lw.neutral(v, s),
        })
    } else {
        DestinationView::Absent
    }
}

fn route_target(lw: &Lowerer<'_>, body: &hcl_edit::structure::Body, scope: &Scope) -> TargetView {
    const OTHER: [(&str, &str); 8] = [
        ("transit_gateway_id", "transit gateway"),
        ("vpc_peering_connection_id", "VPC peering connection"),
        ("network_interface_id", "network interface"),
        ("instance_id", "instance"),
        (
            "vpc_endpoint_id",
            "VPC endpoint (firewall or Gateway Load Balancer)",
        ),
        ("local_gateway_id", "local gateway"),
        ("carrier_gateway_id", "carrier gateway"),
        ("core_network_arn", "core network"),
    ];
    if let Some((v, s)) = lw.arg_in(body, scope, "gateway_id") {
        let kind = match &v {
            Val::Ref(r) => match r.kind.as_str() {
                "aws_internet_gateway" => GatewayRef::Internet,
                "aws_egress_only_internet_gateway" => GatewayRef::EgressOnly,
                "aws_nat_gateway" => GatewayRef::Nat,
                "aws_vpn_gateway" => GatewayRef::Vpn,
                other => GatewayRef::OtherResource(other.to_string()),
            },
            _ => GatewayRef::NotAResource,
        };
        return TargetView::Gateway(lw.neutral(v, s), kind);
    }
    if let Some((v, s)) = lw.arg_in(body, scope, "nat_gateway_id") {
        return TargetView::Nat(lw.neutral(v, s));
    }
    if let Some((v, s)) = lw.arg_in(body, scope, "egress_only_gateway_id") {
        return TargetView::EgressOnly(lw.neutral(v, s));
    }
    for (key, kind) in OTHER {
        if let Some((_, s)) = lw.arg_in(body, scope, key) {
            return TargetView::Other(kind, s);
        }
    }
    TargetView::Absent
}

pub(super) fn gateway(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Gateway(id)) = id_of(lw, inst) else {
        return;
    };
    let kind = match inst.res.kind {
        "aws_nat_gateway" => GatewayKind::Nat,
        "aws_egress_only_internet_gateway" => GatewayKind::EgressOnlyInternet,
        _ => GatewayKind::Internet,
    };
    let arg = |name: &str| lw.arg(inst, name).map(|(v, s)| lw.neutral(v, s));
    let g = routing::gateway(GatewayView {
        meta: inst.meta(),
        span: inst.block_span,
        kind,
        vpc: (kind != GatewayKind::Nat)
            .then(|| lw.arg(inst, "vpc_id"))
            .flatten()
            .map(|(v, span)| Attr::explicit(lw.resolve(&v, "VPC", pick_vpc), span)),
        subnet: arg("subnet_id"),
        connectivity: arg("connectivity_type"),
        // An unknown value may be null: then there is no allocation.
        allocation: match lw.arg(inst, "allocation_id") {
            Some((Val::Unknown(r), span)) => Presence::Maybe(r, span),
            Some((_, span)) => Presence::Present(span),
            None => Presence::Absent,
        },
    });
    lw.b.gateways.fill(id.0, g);
}

pub(super) fn endpoint(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Endpoint(id)) = id_of(lw, inst) else {
        return;
    };
    let arg = |name: &str| lw.arg(inst, name).map(|(v, s)| lw.neutral(v, s));
    let e = routing::endpoint(EndpointView {
        meta: inst.meta(),
        span: inst.block_span,
        vpc: lw.ref_arg(inst, "vpc_id", "VPC", pick_vpc),
        service_name: arg("service_name"),
        endpoint_type: arg("vpc_endpoint_type"),
        route_tables: arg("route_table_ids"),
        subnets: arg("subnet_ids"),
        security_groups: arg("security_group_ids"),
        private_dns: arg("private_dns_enabled"),
    });
    lw.b.endpoints.fill(id.0, e);
}

pub(super) use security_group::{rule_resource as security_group_rule, security_group};

pub(super) fn route(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    if let Some(r) = uncertain_reason(inst) {
        lw.push_unresolved(UnresolvedKind::Routing, r, inst.span);
        return;
    }
    let table = match lw.arg(inst, "route_table_id") {
        Some((v, _)) => lw.resolve(&v, "route table", pick_rt),
        None => Value::unknown("`route_table_id` is not set"),
    };
    if let Value::Unknown(r) = &table {
        lw.push_unresolved(UnresolvedKind::Routing, r.clone(), inst.span);
    }
    let body = inst.res.body();
    let route = routing::route(RouteView {
        span: inst.span,
        default_span: inst.block_span,
        name: inst.address.clone(),
        route_table: table,
        destination: destination(
            lw,
            body,
            &inst.scope,
            [
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ],
        ),
        target: route_target(lw, body, &inst.scope),
    });
    lw.model.routes.push(route);
}

pub(super) fn association(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let subnet = lw.arg(inst, "subnet_id");
    if subnet.is_none() && lw.arg(inst, "gateway_id").is_some() {
        return; // an edge association (gateway route table): not about subnets
    }
    if let Some(r) = uncertain_reason(inst) {
        lw.push_unresolved(UnresolvedKind::Routing, r, inst.span);
        return;
    }
    let subnet = match subnet {
        Some((v, _)) => subnet_ref(lw, &v),
        None => Value::unknown("`subnet_id` is not set"),
    };
    let route_table = match lw.arg(inst, "route_table_id") {
        Some((v, _)) => lw.resolve(&v, "route table", pick_rt),
        None => Value::unknown("`route_table_id` is not set"),
    };
    if let Some(r) = subnet.reason().or(route_table.reason()) {
        lw.push_unresolved(UnresolvedKind::Routing, r.clone(), inst.span);
    }
    lw.model
        .route_table_associations
        .push(RouteTableAssociation {
            span: inst.span,
            subnet,
            route_table,
        });
}

pub(super) fn main_association(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    if let Some(r) = uncertain_reason(inst) {
        lw.push_unresolved(UnresolvedKind::Routing, r, inst.span);
        return;
    }
    let vpc = match lw.arg(inst, "vpc_id") {
        Some((v, _)) => lw.resolve(&v, "VPC", pick_vpc),
        None => Value::unknown("`vpc_id` is not set"),
    };
    let table = lw.ref_arg(inst, "route_table_id", "route table", pick_rt);
    match vpc {
        Value::Known(id) => lw.pending_main.push((id, table)),
        Value::Unknown(r) => lw.push_unresolved(UnresolvedKind::Routing, r, inst.span),
    }
}

pub(super) fn igw_attachment(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    if inst.uncertain.is_some() {
        return; // the gateway stays "not attached" as far as we know
    }
    let gw = match lw.arg(inst, "internet_gateway_id") {
        Some((v, _)) => lw.resolve(&v, "gateway", pick_gw),
        None => return,
    };
    let vpc = lw.ref_arg(inst, "vpc_id", "VPC", pick_vpc);
    if let Value::Known(g) = gw {
        if let Some(gateway) = lw.b.gateways.get_mut(g.0) {
            if !gateway.vpc.value.is_known() {
                gateway.vpc = vpc;
            }
        }
    }
}

pub(super) fn endpoint_association(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let endpoint = match lw.arg(inst, "vpc_endpoint_id") {
        Some((v, _)) => lw.resolve(&v, "VPC endpoint", pick_endpoint),
        None => Value::unknown("`vpc_endpoint_id` is not set"),
    };
    let reason = uncertain_reason(inst).or(endpoint.reason().cloned());
    let Value::Known(ep) = endpoint else {
        lw.push_unresolved(
            UnresolvedKind::Routing,
            reason.unwrap_or_else(|| Reason::new("unknown endpoint")),
            inst.span,
        );
        return;
    };
    if let Some(r) = reason {
        // The endpoint is known but the association may not exist.
        if let Some(e) = lw.b.endpoints.get_mut(ep.0) {
            e.associations_complete = false;
        }
        lw.push_unresolved(UnresolvedKind::Routing, r, inst.span);
        return;
    }
    let (key, what) = match inst.res.kind {
        "aws_vpc_endpoint_route_table_association" => ("route_table_id", "route table"),
        "aws_vpc_endpoint_subnet_association" => ("subnet_id", "subnet"),
        _ => ("security_group_id", "security group"),
    };
    let Some((v, span)) = lw.arg(inst, key) else {
        return;
    };
    let rt = lw.resolve(&v, what, pick_rt);
    let sn = lw.resolve(&v, what, pick_subnet);
    let sg = lw.resolve(&v, what, pick_sg);
    let Some(e) = lw.b.endpoints.get_mut(ep.0) else {
        return;
    };
    match key {
        "route_table_id" => e.route_tables.push(Item { value: rt, span }),
        "subnet_id" => e.subnets.push(Item { value: sn, span }),
        _ => e.security_groups.push(Item { value: sg, span }),
    }
}

/// Links that need every entity in place: main route tables, NAT gateways' VPCs.
pub(super) fn finish(lw: &mut Lowerer<'_>) {
    for (vpc, table) in std::mem::take(&mut lw.pending_main) {
        if let Some(v) = lw.b.vpcs.get_mut(vpc.0) {
            v.main_route_table = Some(table);
        }
    }
    lw.b.link_nat_vpcs();
}
