//! Where a subnet's internet-bound traffic goes: its effective route table (explicit
//! association, else the VPC's main table) and the longest-prefix match of public IPv4 addresses
//! over that table's routes. Every conclusion carries the chain of model elements that proves it.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::Step;
use crate::model::{
    Destination, GatewayId, Model, Reason, RouteTableId, SubnetId, Target, Value, VpcId,
};

/// The route table that applies to a subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EffectiveTable {
    /// A route table of the model, with the step that shows why it applies.
    Table(RouteTableId, Step),
    /// The VPC's own main route table, which the configuration never touches: it holds only the
    /// local route (CloudFormation cannot add routes to it).
    ImplicitMain(VpcId),
}

/// Where internet-bound IPv4 traffic from a subnet goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Egress {
    /// Through an internet gateway: a public subnet. Lambda ENIs get no public IP there.
    InternetGateway {
        proof: Vec<Step>,
        igw: Value<GatewayId>,
    },
    /// Through a NAT gateway (whether that NAT works is another rule's business).
    Nat {
        proof: Vec<Step>,
        nat: Value<GatewayId>,
    },
    /// No route covers public addresses: traffic to public AWS endpoints is dropped.
    NoRoute { proof: Vec<Step> },
    /// Anything the linter cannot judge: transit gateway, firewall, peering, a route or table
    /// that could not be resolved, a mix of targets across the public address space.
    Unknown(Reason),
}

impl Egress {
    pub fn proof(&self) -> &[Step] {
        match self {
            Egress::InternetGateway { proof, .. }
            | Egress::Nat { proof, .. }
            | Egress::NoRoute { proof } => proof,
            Egress::Unknown(_) => &[],
        }
    }
}

pub fn effective_table(model: &Model, subnet: SubnetId) -> Value<EffectiveTable> {
    let s = model.subnet(subnet);
    let mut explicit = Vec::new();
    for a in &model.route_table_associations {
        match &a.subnet {
            Value::Known(id) if *id == subnet => explicit.push(a),
            Value::Known(_) => {}
            // An association whose subnet is unknown might be this subnet's.
            Value::Unknown(r) => {
                return Value::unknown(format!(
                    "a route table association has an unknown subnet ({r})"
                ));
            }
        }
    }
    match explicit.as_slice() {
        [a] => {
            return match &a.route_table {
                Value::Known(t) => Value::Known(EffectiveTable::Table(
                    *t,
                    Step {
                        span: a.span,
                        text: format!(
                            "subnet `{}` is associated with route table `{}`",
                            s.meta.name,
                            model.route_table(*t).meta.name
                        ),
                    },
                )),
                Value::Unknown(r) => Value::Unknown(r.clone()),
            };
        }
        [] => {}
        _ => {
            return Value::unknown(format!(
                "subnet `{}` has several route table associations",
                s.meta.name
            ))
        }
    }
    let vpc = match &s.vpc.value {
        Value::Known(v) => *v,
        Value::Unknown(r) => return Value::Unknown(r.clone()),
    };
    let v = model.vpc(vpc);
    if let Some(main) = &v.main_route_table {
        return match &main.value {
            Value::Known(t) => Value::Known(EffectiveTable::Table(
                *t,
                Step {
                    span: main.span,
                    text: format!(
                        "subnet `{}` has no explicit association and uses the main route table `{}` of VPC `{}`",
                        s.meta.name,
                        model.route_table(*t).meta.name,
                        v.meta.name
                    ),
                },
            )),
            Value::Unknown(r) => Value::Unknown(r.clone()),
        };
    }
    if let Some((i, t)) = model
        .route_tables
        .iter()
        .enumerate()
        .find(|(_, t)| t.is_main && t.vpc.value == Value::Known(vpc))
    {
        return Value::Known(EffectiveTable::Table(
            RouteTableId(i as u32),
            Step {
                span: t.meta.span,
                text: format!(
                    "subnet `{}` has no explicit association and uses the main route table `{}`",
                    s.meta.name, t.meta.name
                ),
            },
        ));
    }
    Value::Known(EffectiveTable::ImplicitMain(vpc))
}

/// Address ranges that are not public: RFC 1918, shared address space, loopback, link-local,
/// multicast and reserved. Traffic to AWS public endpoints never goes there.
const NON_PUBLIC: &[(u32, u8)] = &[
    (0x0000_0000, 8),  // 0.0.0.0/8
    (0x0A00_0000, 8),  // 10.0.0.0/8
    (0x6440_0000, 10), // 100.64.0.0/10
    (0x7F00_0000, 8),  // 127.0.0.0/8
    (0xA9FE_0000, 16), // 169.254.0.0/16
    (0xAC10_0000, 12), // 172.16.0.0/12
    (0xC0A8_0000, 16), // 192.168.0.0/16
    (0xE000_0000, 3),  // 224.0.0.0/3 (multicast and reserved)
];

fn range(net: &Ipv4Net) -> (u64, u64) {
    let start = u32::from(net.network()) as u64;
    (start, start + (1u64 << (32 - net.prefix_len())))
}

fn is_public_interval(start: u64, end: u64) -> bool {
    // Intervals are built from all boundaries, so an interval is either inside a non-public
    // range or disjoint from all of them.
    !NON_PUBLIC.iter().any(|&(net, len)| {
        let n = Ipv4Net::new(Ipv4Addr::from(net), len).expect("valid constant prefix");
        let (s, e) = range(&n);
        start >= s && end <= e
    })
}

/// One IPv4 route as seen by the longest-prefix match.
#[derive(Debug, Clone)]
pub struct V4Route<'m> {
    pub net: Ipv4Net,
    pub target: &'m Target,
    pub step: Step,
}

/// The outcome of the longest-prefix match over every public address.
#[derive(Debug)]
pub enum PublicMatch<'m> {
    /// Every public address matches a route to the same target (the first such route's step).
    Uniform(V4Route<'m>),
    /// No public address matches any route.
    NoRoute,
    /// Different public addresses go different ways, or some have no route.
    Mixed,
}

/// Longest-prefix match over the public IPv4 space: the space is cut into intervals at every
/// route and non-public boundary; within one interval every address has the same matching
/// routes, so testing the interval's first address decides the whole interval.
pub fn public_match<'m>(routes: &[V4Route<'m>]) -> PublicMatch<'m> {
    let mut cuts: Vec<u64> = vec![0, 1 << 32];
    for r in routes {
        let (s, e) = range(&r.net);
        cuts.push(s);
        cuts.push(e);
    }
    for &(net, len) in NON_PUBLIC {
        let (s, e) = range(&Ipv4Net::new(Ipv4Addr::from(net), len).expect("valid constant prefix"));
        cuts.push(s);
        cuts.push(e);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut chosen: Option<usize> = None;
    let mut unrouted = false;
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        if !is_public_interval(start, end) {
            continue;
        }
        let best = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let (s, e) = range(&r.net);
                start >= s && start < e
            })
            .max_by_key(|(i, r)| (r.net.prefix_len(), std::cmp::Reverse(*i)));
        match best {
            None => unrouted = true,
            Some((i, r)) => match chosen {
                None => chosen = Some(i),
                Some(c) if routes[c].target == r.target => {}
                Some(_) => return PublicMatch::Mixed,
            },
        }
    }
    match (chosen, unrouted) {
        (None, _) => PublicMatch::NoRoute,
        (Some(c), false) => PublicMatch::Uniform(routes[c].clone()),
        (Some(_), true) => PublicMatch::Mixed,
    }
}

/// Internet-bound IPv4 egress of a subnet, with its proof.
pub fn egress(model: &Model, subnet: SubnetId) -> Egress {
    let s = model.subnet(subnet);
    let subnet_step = Step {
        span: s.meta.span,
        text: format!("subnet `{}`", s.meta.name),
    };
    let table = match effective_table(model, subnet) {
        Value::Known(t) => t,
        Value::Unknown(r) => return Egress::Unknown(r),
    };
    // A route whose table is unknown could belong to this table.
    if let Some(r) = model.routes.iter().find_map(|r| r.route_table.reason()) {
        return Egress::Unknown(Reason::new(format!(
            "a route has an unknown route table ({r})"
        )));
    }
    let (table_id, mut proof) = match table {
        EffectiveTable::Table(t, step) => (Some(t), vec![subnet_step, step]),
        EffectiveTable::ImplicitMain(vpc) => {
            let v = model.vpc(vpc);
            if v.is_default {
                // The default VPC's main table routes to its internet gateway unless someone
                // changed it outside this configuration.
                return Egress::Unknown(Reason::new(format!(
                    "the main route table of default VPC `{}` is not described in the configuration",
                    v.meta.name
                )));
            }
            (
                None,
                vec![
                    subnet_step,
                    Step {
                        span: v.meta.span,
                        text: format!(
                            "subnet `{}` has no route table association, so it uses the main route table of VPC `{}`, which holds only the local route",
                            s.meta.name, v.meta.name
                        ),
                    },
                ],
            )
        }
    };
    let mut routes = Vec::new();
    if let Some(t) = table_id {
        for r in model
            .routes
            .iter()
            .filter(|r| r.route_table == Value::Known(t))
        {
            let target = match &r.target.value {
                Value::Known(t) => t,
                Value::Unknown(reason) => return Egress::Unknown(reason.clone()),
            };
            match &r.destination.value {
                Value::Known(Destination::V4(net)) => routes.push(V4Route {
                    net: *net,
                    target,
                    step: Step {
                        span: r.span,
                        text: format!(
                            "route `{}` sends {} to {}",
                            r.name,
                            net,
                            describe_target(model, target)
                        ),
                    },
                }),
                Value::Known(Destination::V6(_)) => {}
                // A prefix list may hold public ranges; only harmless when it goes where the
                // rest goes, which cannot be known here.
                Value::Known(Destination::PrefixList(p)) => {
                    if !matches!(target, Target::Local) {
                        return Egress::Unknown(Reason::new(format!(
                            "route `{}` to prefix list `{p}` may cover public addresses",
                            r.name
                        )));
                    }
                }
                Value::Unknown(reason) => return Egress::Unknown(reason.clone()),
            }
        }
    }
    match public_match(&routes) {
        PublicMatch::NoRoute => {
            if let Some(t) = table_id {
                let rt = model.route_table(t);
                proof.push(Step {
                    span: rt.meta.span,
                    text: format!(
                        "route table `{}` has no route for internet-bound traffic (no NAT gateway, no internet gateway)",
                        rt.meta.name
                    ),
                });
            }
            Egress::NoRoute { proof }
        }
        PublicMatch::Mixed => Egress::Unknown(Reason::new(
            "internet-bound traffic takes different routes depending on the address",
        )),
        PublicMatch::Uniform(route) => {
            let target = route.target;
            proof.push(route.step);
            match target {
                Target::InternetGateway(g) => {
                    if let Value::Known(g) = g {
                        let gw = model.gateway(*g);
                        proof.push(Step {
                            span: gw.meta.span,
                            text: format!("`{}` is an internet gateway", gw.meta.name),
                        });
                    }
                    Egress::InternetGateway {
                        proof,
                        igw: g.clone(),
                    }
                }
                Target::NatGateway(g) => {
                    if let Value::Known(g) = g {
                        let gw = model.gateway(*g);
                        proof.push(Step {
                            span: gw.meta.span,
                            text: format!("`{}` is a NAT gateway", gw.meta.name),
                        });
                    }
                    Egress::Nat {
                        proof,
                        nat: g.clone(),
                    }
                }
                Target::Other(kind) => Egress::Unknown(Reason::new(format!(
                    "internet-bound traffic goes to a {kind}, which the linter cannot follow"
                ))),
                Target::Local | Target::EgressOnlyInternetGateway(_) => Egress::Unknown(
                    Reason::new("internet-bound IPv4 traffic goes to an unexpected target"),
                ),
            }
        }
    }
}

pub fn describe_target(model: &Model, target: &Target) -> String {
    let name = |g: &Value<crate::model::GatewayId>| match g {
        Value::Known(g) => format!(" `{}`", model.gateway(*g).meta.name),
        Value::Unknown(_) => String::new(),
    };
    match target {
        Target::InternetGateway(g) => format!("internet gateway{}", name(g)),
        Target::NatGateway(g) => format!("NAT gateway{}", name(g)),
        Target::EgressOnlyInternetGateway(g) => format!("egress-only internet gateway{}", name(g)),
        Target::Local => "the local VPC network".into(),
        Target::Other(kind) => kind.clone(),
    }
}

/// Where internet-bound IPv6 traffic from a subnet goes, for dual-stack functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Egress6 {
    /// A route covering the global unicast space (2000::/3) to an egress-only IGW or an IGW.
    Routed,
    /// No route covers global IPv6 addresses.
    NoRoute {
        table: Step,
    },
    Unknown(Reason),
}

/// IPv6 egress: the longest-prefix match of global unicast addresses is approximated by the
/// routes whose destination contains 2000::/3 (a narrower IPv6 route makes the answer unknown).
pub fn egress6(model: &Model, subnet: SubnetId) -> Egress6 {
    let table = match effective_table(model, subnet) {
        Value::Known(EffectiveTable::Table(t, _)) => t,
        // The implicit main table holds only the local route(s).
        Value::Known(EffectiveTable::ImplicitMain(vpc)) => {
            let v = model.vpc(vpc);
            if v.is_default {
                return Egress6::Unknown(Reason::new(
                    "the default VPC's main route table is not described",
                ));
            }
            return Egress6::NoRoute {
                table: Step {
                    span: v.meta.span,
                    text: format!(
                        "the main route table of VPC `{}` holds only the local routes",
                        v.meta.name
                    ),
                },
            };
        }
        Value::Unknown(r) => return Egress6::Unknown(r),
    };
    if let Some(r) = model.routes.iter().find_map(|r| r.route_table.reason()) {
        return Egress6::Unknown(Reason::new(format!(
            "a route has an unknown route table ({r})"
        )));
    }
    let global: ipnet::Ipv6Net = "2000::/3".parse().expect("valid constant prefix");
    let mut routed = false;
    for r in model
        .routes
        .iter()
        .filter(|r| r.route_table == Value::Known(table))
    {
        let target = match &r.target.value {
            Value::Known(t) => t,
            Value::Unknown(reason) => return Egress6::Unknown(reason.clone()),
        };
        match &r.destination.value {
            Value::Known(Destination::V6(net)) => {
                if net.contains(&global) {
                    match target {
                        Target::EgressOnlyInternetGateway(_) | Target::InternetGateway(_) => {
                            routed = true
                        }
                        _ => {
                            return Egress6::Unknown(Reason::new(format!(
                            "route `{}` sends IPv6 traffic to a target the linter cannot follow",
                            r.name
                        )))
                        }
                    }
                } else if global.contains(&net.network()) || net.contains(&global.network()) {
                    return Egress6::Unknown(Reason::new(format!(
                        "route `{}` covers part of the global IPv6 space",
                        r.name
                    )));
                }
            }
            Value::Known(_) => {}
            Value::Unknown(reason) => return Egress6::Unknown(reason.clone()),
        }
    }
    if routed {
        return Egress6::Routed;
    }
    let rt = model.route_table(table);
    Egress6::NoRoute {
        table: Step {
            span: rt.meta.span,
            text: format!("route table `{}` has no ::/0 route to an egress-only internet gateway or an internet gateway", rt.meta.name),
        },
    }
}
