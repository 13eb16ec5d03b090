//! Route tables, routes and gateways, written once for every front end. Associations and
//! attachments only link entities; the front ends push them (their resources differ more than
//! their meaning).

use super::security_group::{v4, v6};
use super::value::{expect, expect_items, Spanned, V};
use super::Builder;
use crate::model::*;
use crate::source::Span;

pub fn pick_gw(e: Entity) -> Option<GatewayId> {
    match e {
        Entity::Gateway(id) => Some(id),
        _ => None,
    }
}

pub fn pick_subnet(e: Entity) -> Option<SubnetId> {
    match e {
        Entity::Subnet(id) => Some(id),
        _ => None,
    }
}

/// A route's destination as written.
#[derive(Debug, Clone)]
pub enum DestinationView {
    V4(Spanned),
    V6(Spanned),
    /// A prefix list id; the front end names a referenced list (as security group peers).
    PrefixList(Spanned),
    Absent,
}

/// What `gateway_id` / `GatewayId` names, as the front end classified the reference.
#[derive(Debug, Clone)]
pub enum GatewayRef {
    Internet,
    EgressOnly,
    Nat,
    /// A virtual private gateway.
    Vpn,
    /// A resource of another type (named in the front end's words).
    OtherResource(String),
    /// Not a reference to a resource of the unit: a literal id, or unknown.
    NotAResource,
}

/// A route's target as written.
#[derive(Debug, Clone)]
pub enum TargetView {
    Gateway(Spanned, GatewayRef),
    Nat(Spanned),
    EgressOnly(Spanned),
    /// Transit gateway, peering, instance, …: named by kind.
    Other(&'static str, Span),
    Absent,
}

/// A route (resource or inline block).
#[derive(Debug, Clone)]
pub struct RouteView {
    pub span: Span,
    /// Where a missing destination or target is reported.
    pub default_span: Span,
    pub name: String,
    pub route_table: Value<RouteTableId>,
    pub destination: DestinationView,
    pub target: TargetView,
}

pub fn route(view: RouteView) -> Route {
    fn missing<T>(what: &str, span: Span) -> Attr<T> {
        Attr {
            value: Value::unknown(format!("the route has no {what}")),
            span,
            origin: Origin::Default,
        }
    }
    let destination = match &view.destination {
        DestinationView::V4(v) => Attr::explicit(v4(&v.v).map(Destination::V4), v.span),
        DestinationView::V6(v) => Attr::explicit(v6(&v.v).map(Destination::V6), v.span),
        DestinationView::PrefixList(v) => {
            Attr::explicit(v.v.as_str().map(Destination::PrefixList), v.span)
        }
        DestinationView::Absent => missing("destination", view.default_span),
    };
    let gw = |v: &Spanned| expect(&v.v, "gateway", pick_gw);
    let target = match &view.target {
        TargetView::Gateway(v, kind) => Attr::explicit(gateway_target(v, kind), v.span),
        // The property names the target's kind even when its value is unknown.
        TargetView::Nat(v) => Attr::explicit(Value::Known(Target::NatGateway(gw(v))), v.span),
        TargetView::EgressOnly(v) => Attr::explicit(
            Value::Known(Target::EgressOnlyInternetGateway(gw(v))),
            v.span,
        ),
        TargetView::Other(kind, span) => {
            Attr::explicit(Value::Known(Target::Other((*kind).to_string())), *span)
        }
        TargetView::Absent => missing("target", view.default_span),
    };
    Route {
        span: view.span,
        name: view.name,
        route_table: view.route_table,
        destination,
        target,
    }
}

/// `gateway_id` / `GatewayId`: an internet gateway, egress-only or NAT gateway, a virtual
/// private gateway, `local`, or a literal id whose prefix says its kind (AWS's id prefixes).
fn gateway_target(v: &Spanned, kind: &GatewayRef) -> Value<Target> {
    let gw = || expect(&v.v, "gateway", pick_gw);
    match kind {
        GatewayRef::Internet => Value::Known(Target::InternetGateway(gw())),
        GatewayRef::EgressOnly => Value::Known(Target::EgressOnlyInternetGateway(gw())),
        GatewayRef::Nat => Value::Known(Target::NatGateway(gw())),
        GatewayRef::Vpn => Value::Known(Target::Other("virtual private gateway".into())),
        // Egress through a resource the linter does not model: known to be there, not
        // judged (the same as the other targets it cannot follow).
        GatewayRef::OtherResource(kind) => Value::Known(Target::Other(kind.clone())),
        GatewayRef::NotAResource => match &v.v {
            V::Str(s) if s == "local" => Value::Known(Target::Local),
            V::Str(s) if s.starts_with("igw-") => {
                Value::Known(Target::InternetGateway(Value::Unknown(Reason::literal(
                    s,
                    format!("literal internet gateway id `{s}`, not a resource of this unit"),
                ))))
            }
            V::Str(s) if s.starts_with("vgw-") => {
                Value::Known(Target::Other("virtual private gateway".into()))
            }
            V::Str(s) => Value::Unknown(Reason::literal(
                s,
                format!("literal gateway id `{s}`, not a resource of this unit"),
            )),
            other => Value::Unknown(other.reason_or(|| "not a gateway".into())),
        },
    }
}

/// Whether a NAT gateway has an Elastic IP: being there is what matters (the id is AWS's).
#[derive(Debug, Clone)]
pub enum Presence {
    Absent,
    Present(Span),
    /// The value is unknown and may be null (Terraform).
    Maybe(Reason, Span),
}

/// An internet, egress-only or NAT gateway.
#[derive(Debug, Clone)]
pub struct GatewayView {
    pub meta: Meta,
    /// Where defaults are reported.
    pub span: Span,
    pub kind: GatewayKind,
    /// An internet or egress-only gateway's VPC as the front end resolved it; `None`: not
    /// attached in the unit (an attachment may still set it). A NAT gateway's VPC is its
    /// subnet's ([`Builder::link_nat_vpcs`]).
    pub vpc: Option<Attr<VpcId>>,
    pub subnet: Option<Spanned>,
    pub connectivity: Option<Spanned>,
    pub allocation: Presence,
}

pub fn gateway(view: GatewayView) -> Gateway {
    let vpc = view.vpc.unwrap_or_else(|| Attr {
        value: Value::unknown(if view.kind == GatewayKind::Nat {
            "the NAT gateway's subnet is unknown"
        } else {
            "not attached to a VPC in this unit"
        }),
        span: view.span,
        origin: Origin::Default,
    });
    let nat = view.kind == GatewayKind::Nat;
    let subnet = nat.then(|| match &view.subnet {
        Some(v) => Attr::explicit(expect(&v.v, "subnet", pick_subnet), v.span),
        None => Attr {
            value: Value::unknown("the NAT gateway has no subnet"),
            span: view.span,
            origin: Origin::Default,
        },
    });
    let connectivity_public = nat.then(|| match &view.connectivity {
        Some(v) => Attr::explicit(
            match v.v.as_str() {
                Value::Known(s) if s.eq_ignore_ascii_case("public") => Value::Known(true),
                Value::Known(s) if s.eq_ignore_ascii_case("private") => Value::Known(false),
                Value::Known(s) => Value::unknown(format!("unknown connectivity type `{s}`")),
                Value::Unknown(r) => Value::Unknown(r),
            },
            v.span,
        ),
        None => Attr::default(true, view.span),
    });
    let has_allocation = nat.then(|| match view.allocation {
        Presence::Absent => Attr::default(false, view.span),
        Presence::Present(span) => Attr::explicit(Value::Known(true), span),
        Presence::Maybe(why, span) => Attr::explicit(Value::Unknown(why), span),
    });
    Gateway {
        meta: view.meta,
        kind: view.kind,
        vpc,
        subnet,
        connectivity_public,
        has_allocation,
    }
}

impl Builder {
    /// A NAT gateway is in its subnet's VPC; linked once every subnet is lowered.
    pub fn link_nat_vpcs(&mut self) {
        let subnets = &self.subnets;
        for (_, g) in self.gateways.iter_mut() {
            if g.kind != GatewayKind::Nat || g.vpc.value.is_known() {
                continue;
            }
            let Some(sub) = &g.subnet else { continue };
            let vpc = match &sub.value {
                Value::Known(s) => subnets.get(s.0).map(|s| s.vpc.value.clone()),
                Value::Unknown(r) => Some(Value::Unknown(r.clone())),
            };
            if let Some(value) = vpc {
                g.vpc = Attr {
                    value,
                    span: sub.span,
                    origin: Origin::Implied,
                };
            }
        }
    }
}

/// `aws_vpc_endpoint`, `AWS::EC2::VPCEndpoint`.
#[derive(Debug, Clone)]
pub struct EndpointView {
    pub meta: Meta,
    /// Where defaults are reported.
    pub span: Span,
    /// Resolved by the front end (CloudFormation follows `Fn::GetAtt X.VpcId`).
    pub vpc: Attr<VpcId>,
    pub service_name: Option<Spanned>,
    pub endpoint_type: Option<Spanned>,
    pub route_tables: Option<Spanned>,
    pub subnets: Option<Spanned>,
    pub security_groups: Option<Spanned>,
    pub private_dns: Option<Spanned>,
}

pub fn endpoint(view: EndpointView) -> Endpoint {
    let service_name = match &view.service_name {
        Some(v) => Attr::explicit(v.v.as_pattern(), v.span),
        None => Attr {
            value: Value::unknown("the endpoint has no service name"),
            span: view.span,
            origin: Origin::Default,
        },
    };
    let endpoint_type = match &view.endpoint_type {
        Some(v) => Attr::explicit(
            match v.v.as_str() {
                Value::Known(s) => match s.as_str() {
                    "Gateway" => Value::Known(EndpointType::Gateway),
                    "Interface" => Value::Known(EndpointType::Interface),
                    "GatewayLoadBalancer" => Value::Known(EndpointType::GatewayLoadBalancer),
                    other => Value::unknown(format!("endpoint type `{other}` is not modelled")),
                },
                Value::Unknown(r) => Value::Unknown(r),
            },
            v.span,
        ),
        // AWS's default type.
        None => Attr::default(EndpointType::Gateway, view.span),
    };
    // An unknown list leaves the associations incomplete (association resources may add more).
    let mut complete = true;
    let route_tables = list_of(&view.route_tables, "route table", pick_rt, &mut complete);
    let subnets = list_of(&view.subnets, "subnet", pick_subnet, &mut complete);
    let security_groups = list_of(
        &view.security_groups,
        "security group",
        super::security_group::pick_sg,
        &mut complete,
    );
    Endpoint {
        meta: view.meta,
        vpc: view.vpc,
        service_name,
        endpoint_type,
        route_tables,
        subnets,
        security_groups,
        private_dns: match &view.private_dns {
            Some(v) => Attr::explicit(v.v.as_bool(), v.span),
            None => Attr::default(false, view.span),
        },
        associations_complete: complete,
    }
}

/// An association list's items; an unknown list clears `complete`.
fn list_of<T>(
    v: &Option<Spanned>,
    what: &str,
    pick: fn(Entity) -> Option<T>,
    complete: &mut bool,
) -> Vec<Item<T>> {
    match v {
        None => Vec::new(),
        Some(v) => match expect_items(&v.v, what, pick) {
            Value::Known(items) => items,
            Value::Unknown(_) => {
                *complete = false;
                Vec::new()
            }
        },
    }
}

pub fn pick_rt(e: Entity) -> Option<RouteTableId> {
    match e {
        Entity::RouteTable(id) => Some(id),
        _ => None,
    }
}
