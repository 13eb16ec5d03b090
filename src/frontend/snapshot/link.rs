//! Bringing snapshot entities into a unit's model. The front ends lower a literal id
//! (`subnet-…`, `sg-…`, a role ARN) to an unknown whose reason names it
//! ([`crate::lower::value::literal_of`]); here each such id that the snapshot holds becomes a
//! model entity, lowered from the CLI's JSON through the same shared lowering as template
//! resources (`crate::lower`), together with what the analyses need around it: the subnet's
//! VPC and route tables, the routes' gateways, the VPC's endpoints, security groups and their
//! peers, a role's policies. Rules see only the model. A literal prefix list id in a security
//! group rule that `describe-managed-prefix-lists` names as AWS-managed becomes that service's
//! list; a customer-managed one stays unknown (its entries are not read).
//!
//! Work is a queue of reserved ids ([`crate::model::Slots`]), so references between snapshot
//! objects (a subnet's route table naming a NAT gateway in another subnet) never recurse, and
//! each object is lowered at most once per unit: the work is bounded by the snapshot's size.

use std::collections::{BTreeMap, VecDeque};

use super::{scalar, Kind, Resource, Snapshot, VpcAttribute};
use crate::lower::network::{self, Ipv6View, SubnetView, VpcView, ZoneView};
use crate::lower::routing::{
    self, DestinationView, EndpointView, GatewayRef, GatewayView, Presence, RouteView, TargetView,
};
use crate::lower::security_group::{
    self, Field, NoEgress, PeerV, PeerView, RuleEntry, RuleView, RulesView, SecurityGroupView,
};
use crate::lower::value::{literal_of, Entry, Ref, RefAttr, Spanned, V};
use crate::lower::{iam, Builder};
use crate::model::*;
use crate::source::{SourceMap, Span};
use crate::syntax::{Node, NodeKind};

/// The `Meta::kind` of every snapshot entity starts with this, so people (proof paths, `graph`,
/// model dumps) see where it came from; rules never look at it.
pub const KIND_PREFIX: &str = "aws snapshot";

/// Resolves the literal ids of `model` that the snapshot holds. `sources` names the snapshot
/// files in reasons.
pub fn link(model: &mut Model, snap: &Snapshot, sources: &SourceMap) {
    if snap.is_empty() {
        return;
    }
    // SSM parameters first: their values are literal ids like any other.
    super::ssm::expand(model, snap, sources);
    // The literal ids the unit names (the model is read before its arenas move to the
    // builder), then their entities and everything they need, then the ids replaced.
    let mut wanted: Vec<(Kind, String)> = Vec::new();
    each_literal(model, &mut |kind, id| {
        wanted.push((kind, id.to_string()));
        None
    });
    if wanted.is_empty() {
        prefix_lists(model, snap, sources);
        return;
    }
    let mut l = Linker::new(model, snap, sources);
    for (kind, id) in &wanted {
        let _ = l.entity(*kind, id);
    }
    l.run();
    let Linker {
        mut b,
        routes,
        associations,
        main_tables,
        memo,
        ..
    } = l;
    for (vpc, table) in main_tables {
        if let Some(v) = b.vpcs.get_mut(vpc.0) {
            v.main_route_table = Some(table);
        }
    }
    b.link_nat_vpcs();
    b.finish(model);
    model.routes.extend(routes);
    model.route_table_associations.extend(associations);
    each_literal(model, &mut |kind, id| {
        Some(match memo.get(&(kind, id.to_string())) {
            Some(e) => Ok(*e),
            // Never "missing": the snapshot may be of another account or region.
            None => Err(absent(snap, sources, kind, id)),
        })
    });
    prefix_lists(model, snap, sources);
}

/// The literal prefix list ids of security group rules (the unit's and the snapshot's own)
/// that the snapshot's `describe-managed-prefix-lists` lists: an AWS-managed list (owner `AWS`,
/// named `com.amazonaws.<region>.<service>`) becomes that service's list, which the analysis
/// compares with the gateway endpoints; a customer-managed list's entries are not read, so
/// the rule's peer becomes unknown with that reason, as does a `pl-` id the snapshot lacks
/// (naming the files it was looked up in).
fn prefix_lists(model: &mut Model, snap: &Snapshot, sources: &SourceMap) {
    for sg in &mut model.security_groups {
        for rule in sg
            .egress
            .rules
            .iter_mut()
            .chain(sg.ingress.rules.iter_mut())
        {
            let Value::Known(Peer::PrefixList(PrefixList::Other(id))) = &rule.peer else {
                continue;
            };
            let Some(list) = snap.get(Kind::PrefixList, id) else {
                if id.starts_with("pl-") {
                    rule.peer = Value::Unknown(absent(snap, sources, Kind::PrefixList, id));
                }
                continue;
            };
            let name = list.str("PrefixListName").unwrap_or("");
            rule.peer = match list.str("OwnerId") {
                Some("AWS") if name.starts_with("com.amazonaws.") => {
                    Value::Known(Peer::PrefixList(PrefixList::AwsManaged(Pattern::exact(name))))
                }
                Some("AWS") => Value::Unknown(Reason::new(format!(
                    "prefix list `{id}` (`{name}`) is AWS-managed but not named after a service"
                ))),
                owner => Value::Unknown(Reason::new(format!(
                    "prefix list `{id}` (`{name}`) is customer-managed (owner {}): its entries are not read",
                    owner.unwrap_or("unknown")
                ))),
            };
        }
    }
}

/// Why an id stays unknown: not in the snapshot, naming the files that list its kind (or the
/// CLI call whose output would). Never "missing": the snapshot may be of another account or
/// region.
fn absent(snap: &Snapshot, sources: &SourceMap, kind: Kind, id: &str) -> Reason {
    Reason::new(format!(
        "{} `{id}` is not in the snapshot ({})",
        kind.what(),
        in_files(snap, sources, kind)
    ))
}

/// "a.json, b.json", or "no file of `aws ec2 describe-subnets` output".
fn in_files(snap: &Snapshot, sources: &SourceMap, kind: Kind) -> String {
    let files = snap.files_of(kind);
    if files.is_empty() {
        return format!(
            "no file of `{}` output",
            super::read::call_of(kind.keys().0)
        );
    }
    let names: Vec<&str> = files
        .iter()
        .take(3)
        .map(|f| sources.get(*f).display.as_str())
        .collect();
    match files.len() {
        n if n > 3 => format!("{}, and {} more files", names.join(", "), n - 3),
        _ => names.join(", "),
    }
}

/// What to do with a literal id of the model: `None` leaves it, `Some` resolves it to an
/// entity or replaces its reason.
type Decide<'a> = dyn FnMut(Kind, &str) -> Option<Result<Entity, Reason>> + 'a;

/// Calls `decide` on every unknown of the model that names a literal id (see
/// [`literal_of`]) where an entity is expected, and applies its answer.
fn each_literal(model: &mut Model, decide: &mut Decide<'_>) {
    for f in &mut model.functions {
        if let Some(vc) = &mut f.vpc_config {
            items(&mut vc.subnets.value, pick_subnet, decide);
            items(&mut vc.security_groups.value, pick_sg, decide);
        }
        value(&mut f.role.value, pick_role, decide);
    }
    for c in &mut model.capacity_providers {
        items(&mut c.subnets.value, pick_subnet, decide);
        items(&mut c.security_groups.value, pick_sg, decide);
    }
    for s in &mut model.subnets {
        value(&mut s.vpc.value, pick_vpc, decide);
    }
    for t in &mut model.route_tables {
        value(&mut t.vpc.value, pick_vpc, decide);
    }
    for g in &mut model.gateways {
        value(&mut g.vpc.value, pick_vpc, decide);
        if let Some(s) = &mut g.subnet {
            value(&mut s.value, pick_subnet, decide);
        }
    }
    for r in &mut model.routes {
        // A route added to a table of the account (`aws_route` with a literal table id).
        value(&mut r.route_table, pick_rt, decide);
        if let Value::Known(
            Target::InternetGateway(g)
            | Target::NatGateway(g)
            | Target::EgressOnlyInternetGateway(g),
        ) = &mut r.target.value
        {
            value(g, pick_gw, decide);
        }
    }
    for a in &mut model.route_table_associations {
        value(&mut a.subnet, pick_subnet, decide);
        value(&mut a.route_table, pick_rt, decide);
    }
    for e in &mut model.endpoints {
        value(&mut e.vpc.value, pick_vpc, decide);
        for s in &mut e.subnets {
            value(&mut s.value, pick_subnet, decide);
        }
        for s in &mut e.security_groups {
            value(&mut s.value, pick_sg, decide);
        }
        for s in &mut e.route_tables {
            value(&mut s.value, pick_rt, decide);
        }
    }
    for g in &mut model.security_groups {
        value(&mut g.vpc.value, pick_vpc, decide);
        for rule in g.egress.rules.iter_mut().chain(g.ingress.rules.iter_mut()) {
            if let Value::Known(Peer::SecurityGroup(p)) = &mut rule.peer {
                value(p, pick_sg, decide);
            }
        }
    }
    for role in &mut model.roles {
        for p in &mut role.policies {
            policy_arn(&mut p.policy, decide);
        }
    }
    for a in &mut model.policy_attachments {
        value(&mut a.role, pick_role, decide);
        policy_arn(&mut a.policy, decide);
    }
}

/// One value: an unknown that names a literal id of an entity kind.
fn value<T>(v: &mut Value<T>, pick: fn(Entity) -> Option<T>, decide: &mut Decide<'_>) {
    let Value::Unknown(why) = v else { return };
    let Some(id) = literal_of(why) else { return };
    let Some(kind) = super::kind_of_id(id) else {
        return;
    };
    match decide(kind, id) {
        Some(Ok(e)) => {
            if let Some(t) = pick(e) {
                *v = Value::Known(t);
            }
        }
        Some(Err(why)) => *v = Value::Unknown(why),
        None => {}
    }
}

fn items<T>(v: &mut Value<Vec<Item<T>>>, pick: fn(Entity) -> Option<T>, decide: &mut Decide<'_>) {
    if let Value::Known(items) = v {
        for it in items {
            value(&mut it.value, pick, decide);
        }
    }
}

/// A policy attached by exact ARN: the snapshot's (customer managed, or AWS managed: the
/// account's current version wins over the bundled data) when it holds one. An ARN the
/// snapshot lacks stays an ARN (the bundled data may know it).
fn policy_arn(p: &mut PolicySource, decide: &mut Decide<'_>) {
    let PolicySource::Arn(Attr {
        value: Value::Known(pat),
        ..
    }) = p
    else {
        return;
    };
    if !pat.exact || super::kind_of_id(&pat.text) != Some(Kind::Policy) {
        return;
    }
    let arn = pat.text.clone();
    if let Some(Ok(Entity::Policy(id))) = decide(Kind::Policy, &arn) {
        *p = PolicySource::Document(id);
    }
}

struct Linker<'s> {
    snap: &'s Snapshot,
    sources: &'s SourceMap,
    b: Builder,
    memo: BTreeMap<(Kind, String), Entity>,
    /// Template entities by CloudFormation logical id, per kind: a deployed resource tagged
    /// `aws:cloudformation:logical-id` with one of these names is the template's. Its
    /// `aws:cloudformation:stack-name` tag is not compared: a template's stack name is chosen
    /// at deployment (only CDK writes it into a file name), and a logical id of the same kind
    /// in a template that names the id is the likelier reading.
    logical: BTreeMap<(Kind, String), Entity>,
    queue: VecDeque<(Entity, &'s Resource)>,
    routes: Vec<Route>,
    associations: Vec<RouteTableAssociation>,
    main_tables: Vec<(VpcId, Attr<RouteTableId>)>,
}

impl<'s> Linker<'s> {
    fn new(model: &mut Model, snap: &'s Snapshot, sources: &'s SourceMap) -> Self {
        let mut logical = BTreeMap::new();
        if model.ecosystem == Some(Ecosystem::CloudFormation) {
            let mut add = |kind: Kind, meta: &Meta, e: Entity| {
                logical.entry((kind, meta.name.clone())).or_insert(e);
            };
            for (i, x) in model.subnets.iter().enumerate() {
                add(Kind::Subnet, &x.meta, Entity::Subnet(SubnetId(i as u32)));
            }
            for (i, x) in model.vpcs.iter().enumerate() {
                add(Kind::Vpc, &x.meta, Entity::Vpc(VpcId(i as u32)));
            }
            for (i, x) in model.route_tables.iter().enumerate() {
                add(
                    Kind::RouteTable,
                    &x.meta,
                    Entity::RouteTable(RouteTableId(i as u32)),
                );
            }
            for (i, x) in model.security_groups.iter().enumerate() {
                let e = Entity::SecurityGroup(SecurityGroupId(i as u32));
                add(Kind::SecurityGroup, &x.meta, e);
            }
            for (i, x) in model.gateways.iter().enumerate() {
                let kind = match x.kind {
                    GatewayKind::Nat => Kind::NatGateway,
                    GatewayKind::Internet => Kind::InternetGateway,
                    GatewayKind::EgressOnlyInternet => Kind::EgressOnlyInternetGateway,
                };
                add(kind, &x.meta, Entity::Gateway(GatewayId(i as u32)));
            }
            for (i, x) in model.endpoints.iter().enumerate() {
                add(
                    Kind::VpcEndpoint,
                    &x.meta,
                    Entity::Endpoint(EndpointId(i as u32)),
                );
            }
            for (i, x) in model.roles.iter().enumerate() {
                add(Kind::Role, &x.meta, Entity::Role(RoleId(i as u32)));
            }
        }
        Linker {
            snap,
            sources,
            b: Builder::take(model),
            memo: BTreeMap::new(),
            logical,
            queue: VecDeque::new(),
            routes: Vec::new(),
            associations: Vec::new(),
            main_tables: Vec::new(),
        }
    }

    /// The entity of a snapshot object, reserved and queued on first use. A resource the
    /// templates declare (tagged with its logical id) is the template's: it is what will be
    /// deployed.
    fn entity(&mut self, kind: Kind, id: &str) -> Result<Entity, Reason> {
        let key = (kind, id.to_string());
        if let Some(e) = self.memo.get(&key) {
            return Ok(*e);
        }
        let found = match kind {
            Kind::Role => self.snap.role(id),
            _ => self.snap.get(kind, id),
        };
        let Some(r) = found else {
            return Err(absent(self.snap, self.sources, kind, id));
        };
        // A role named by ARN and by name is one entity.
        if let Some(e) = self.memo.get(&(kind, r.id.clone())) {
            let e = *e;
            self.memo.insert(key, e);
            return Ok(e);
        }
        if let Some(e) = r
            .tag("aws:cloudformation:logical-id")
            .and_then(|name| self.logical.get(&(kind, name.to_string())))
        {
            self.memo.insert(key, *e);
            return Ok(*e);
        }
        let e = match kind {
            Kind::Vpc => Entity::Vpc(VpcId(self.b.vpcs.reserve())),
            Kind::Subnet => Entity::Subnet(SubnetId(self.b.subnets.reserve())),
            Kind::RouteTable => Entity::RouteTable(RouteTableId(self.b.route_tables.reserve())),
            Kind::NatGateway | Kind::InternetGateway | Kind::EgressOnlyInternetGateway => {
                Entity::Gateway(GatewayId(self.b.gateways.reserve()))
            }
            Kind::VpcEndpoint => Entity::Endpoint(EndpointId(self.b.endpoints.reserve())),
            Kind::SecurityGroup => {
                Entity::SecurityGroup(SecurityGroupId(self.b.security_groups.reserve()))
            }
            Kind::Role => Entity::Role(RoleId(self.b.roles.reserve())),
            Kind::Policy => Entity::Policy(PolicyId(self.b.policies.reserve())),
            Kind::PrefixList => {
                return Err(Reason::new(format!(
                    "prefix list `{id}`: its entries are not in the snapshot"
                )))
            }
        };
        self.memo.insert((kind, r.id.clone()), e);
        self.memo.insert(key, e);
        self.queue.push_back((e, r));
        Ok(e)
    }

    /// A reference value to the snapshot object `id` of `kind`, at `span`; the id itself
    /// (a literal the shared lowering reports with its reason) when the snapshot lacks it.
    fn reference(&mut self, kind: Kind, id: &str, span: Span) -> Spanned {
        let v = match self.entity(kind, id) {
            Ok(e) => V::Ref(Ref {
                entity: Ok(e),
                kind: Some(format!("{KIND_PREFIX} {}", kind.what())),
                attr: RefAttr::Other,
                shown: format!("`{id}`"),
            }),
            Err(why) => V::Unknown(why),
        };
        Spanned::new(v, span)
    }

    fn run(&mut self) {
        while let Some((e, r)) = self.queue.pop_front() {
            match e {
                Entity::Vpc(id) => self.vpc(id, r),
                Entity::Subnet(id) => self.subnet(id, r),
                Entity::RouteTable(id) => self.route_table(id, r),
                Entity::Gateway(id) => self.gateway(id, r),
                Entity::Endpoint(id) => self.endpoint(id, r),
                Entity::SecurityGroup(id) => self.security_group(id, r),
                Entity::Role(id) => self.role(id, r),
                Entity::Policy(id) => self.policy(id, r),
                Entity::Function(_) | Entity::CapacityProvider(_) => {}
            }
        }
    }

    // ------------------------------------------------------------ lowering, per kind

    fn meta(&self, r: &Resource, aws_type: &str) -> Meta {
        // The id alone: rules build fix text from names, and the id is what the user's
        // files hold.
        Meta {
            name: r.id.clone(),
            kind: format!("{KIND_PREFIX} {aws_type}"),
            span: r.span(),
        }
    }

    /// A VPC attribute at the `Value` `describe-vpc-attribute` printed, or unknown at the VPC
    /// with the call that would tell.
    fn vpc_attribute(&self, r: &Resource, attribute: VpcAttribute) -> Spanned {
        match self.snap.vpc_attribute(&r.id, attribute) {
            Some(a) => Spanned::new(V::Bool(a.value), a.span),
            None => Spanned::unknown(Reason::new(attribute.absent(&r.id)), r.span()),
        }
    }

    fn vpc(&mut self, id: VpcId, r: &'s Resource) {
        let view = VpcView {
            meta: self.meta(r, "AWS::EC2::VPC"),
            span: r.span(),
            is_default: r.bool("IsDefault") == Some(true),
            cidr: field(r, "CidrBlock"),
            // `describe-vpcs` does not print the DNS attributes; `describe-vpc-attribute` does.
            // Without its output they are unknown rather than the defaults of a new VPC.
            enable_dns_support: Some(self.vpc_attribute(r, VpcAttribute::DnsSupport)),
            enable_dns_hostnames: Some(self.vpc_attribute(r, VpcAttribute::DnsHostnames)),
            instance_tenancy: field(r, "InstanceTenancy"),
        };
        self.b.vpcs.fill(id.0, network::vpc(view));
        // The main table decides the routes of every subnet without an association; without
        // route tables in the snapshot it is unknown, never "only the local route".
        let main = match self.snap.main_route_table(&r.id) {
            Some(t) => {
                let span = t.span();
                match self.entity(Kind::RouteTable, &t.id.clone()) {
                    Ok(Entity::RouteTable(t)) => Attr::explicit(Value::Known(t), span),
                    _ => Attr::explicit(Value::unknown("the main route table is unknown"), span),
                }
            }
            None => Attr::explicit(
                Value::unknown(format!(
                    "the main route table of `{}` is not in the snapshot ({})",
                    r.id,
                    in_files(self.snap, self.sources, Kind::RouteTable)
                )),
                r.span(),
            ),
        };
        self.main_tables.push((id, main));
        if self.snap.has(Kind::VpcEndpoint) {
            let ids: Vec<&'s Resource> = self.snap.endpoints_of_vpc(&r.id).collect();
            for e in ids {
                let _ = self.entity(Kind::VpcEndpoint, &e.id);
            }
        } else {
            // An endpoint may serve the subnet: without `describe-vpc-endpoints` that is
            // unknown, not "no endpoint".
            let span = r.span();
            let why = || {
                Reason::new(format!(
                    "the VPC endpoints of `{}` are not in the snapshot (no file of `aws ec2 describe-vpc-endpoints` output)",
                    r.id
                ))
            };
            self.b.endpoints.push(Endpoint {
                meta: Meta {
                    name: format!("endpoints of {}", r.id),
                    kind: format!("{KIND_PREFIX} AWS::EC2::VPCEndpoint"),
                    span,
                },
                vpc: Attr::explicit(Value::Known(id), span),
                service_name: Attr::explicit(Value::Unknown(why()), span),
                endpoint_type: Attr::explicit(Value::Unknown(why()), span),
                route_tables: Vec::new(),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: Attr::explicit(Value::Unknown(why()), span),
                associations_complete: false,
            });
        }
    }

    fn vpc_attr(&mut self, r: &Resource, key: &str) -> Attr<VpcId> {
        match field(r, key) {
            Some(v) => {
                let span = v.span;
                let value = match v.v.as_str() {
                    Value::Known(vpc) => match self.entity(Kind::Vpc, &vpc) {
                        Ok(e) => pick_vpc(e).map_or_else(
                            || Value::unknown(format!("`{vpc}` is not a VPC")),
                            Value::Known,
                        ),
                        Err(why) => Value::Unknown(why),
                    },
                    Value::Unknown(why) => Value::Unknown(why),
                };
                Attr::explicit(value, span)
            }
            None => Attr::explicit(Value::unknown(format!("`{key}` is not given")), r.span()),
        }
    }

    fn subnet(&mut self, id: SubnetId, r: &'s Resource) {
        let ipv6 = r
            .field("Ipv6CidrBlockAssociationSet")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|a| {
                a.get("Ipv6CidrBlockState")
                    .and_then(|s| s.get("State"))
                    .and_then(scalar)
                    // Only a block on its way out or never made is not the subnet's.
                    .is_none_or(|s| {
                        !matches!(s, "disassociating" | "disassociated" | "failing" | "failed")
                    })
            })
            .find_map(|a| a.get("Ipv6CidrBlock"))
            .map_or(Ipv6View::Absent, |n| Ipv6View::Block(spanned(n, 0)));
        let zone = match field(r, "AvailabilityZone") {
            Some(z) => ZoneView::Name(z),
            None => field(r, "AvailabilityZoneId").map_or(ZoneView::Absent, ZoneView::Id),
        };
        let view = SubnetView {
            meta: self.meta(r, "AWS::EC2::Subnet"),
            span: r.span(),
            is_default: r.bool("DefaultForAz") == Some(true),
            vpc: self.vpc_attr(r, "VpcId"),
            cidr: field(r, "CidrBlock"),
            ipv6,
            zone,
            map_public_ip_on_launch: field(r, "MapPublicIpOnLaunch"),
        };
        self.b.subnets.fill(id.0, network::subnet(view));
        if let Some(t) = self.snap.route_table_of_subnet(&r.id) {
            let span = t
                .field("Associations")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .find(|a| a.get("SubnetId").and_then(scalar) == Some(r.id.as_str()))
                .map_or(t.span(), |a| a.span);
            let table = match self.entity(Kind::RouteTable, &t.id.clone()) {
                Ok(e) => {
                    pick_rt(e).map_or_else(|| Value::unknown("not a route table"), Value::Known)
                }
                Err(why) => Value::Unknown(why),
            };
            self.associations.push(RouteTableAssociation {
                span,
                subnet: Value::Known(id),
                route_table: table,
            });
        }
    }

    fn route_table(&mut self, id: RouteTableId, r: &'s Resource) {
        let is_main = r
            .field("Associations")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|a| a.get("Main").and_then(scalar) == Some("true"));
        let table = RouteTable {
            meta: self.meta(r, "AWS::EC2::RouteTable"),
            vpc: self.vpc_attr(r, "VpcId"),
            is_main,
        };
        let name = table.meta.name.clone();
        self.b.route_tables.fill(id.0, table);
        let routes = r.field("Routes").map(Node::items).unwrap_or_default();
        for (i, route) in routes.iter().enumerate() {
            // AWS puts the local route (the VPC's own blocks) in every table; templates never
            // write it and the model leaves it implicit, so the snapshot's is left out too.
            let gateway = route.get("GatewayId").and_then(scalar);
            if gateway == Some("local") {
                continue;
            }
            // A gateway endpoint's route to its prefix list is the endpoint's (it lists its
            // route tables), as in templates: the analyses read it from the endpoint.
            if gateway.is_some_and(|g| g.starts_with("vpce-"))
                && route.get("DestinationPrefixListId").is_some()
            {
                continue;
            }
            let view = self.route_view(id, &name, i, route);
            self.routes.push(routing::route(view));
        }
    }

    fn route_view(&mut self, table: RouteTableId, name: &str, i: usize, n: &Node) -> RouteView {
        let s = |k: &str| n.get(k).map(|v| spanned(v, 0));
        let destination = if let Some(v) = s("DestinationCidrBlock") {
            DestinationView::V4(v)
        } else if let Some(v) = s("DestinationIpv6CidrBlock") {
            DestinationView::V6(v)
        } else if let Some(v) = s("DestinationPrefixListId") {
            DestinationView::PrefixList(v)
        } else {
            DestinationView::Absent
        };
        let id_of = |k: &str| {
            n.get(k)
                .and_then(scalar)
                .map(|t| (t.to_string(), n.get(k).map_or(n.span, |x| x.span)))
        };
        // A blackhole route drops the traffic: egress the linter does not judge.
        let target = if n.get("State").and_then(scalar) == Some("blackhole") {
            TargetView::Other("blackhole route", n.span)
        } else if let Some((nat, span)) = id_of("NatGatewayId") {
            TargetView::Nat(self.reference(Kind::NatGateway, &nat, span))
        } else if let Some((eigw, span)) = id_of("EgressOnlyInternetGatewayId") {
            TargetView::EgressOnly(self.reference(Kind::EgressOnlyInternetGateway, &eigw, span))
        } else if let Some((gw, span)) = id_of("GatewayId") {
            if gw.starts_with("igw-") {
                // Unknown when the snapshot lacks it, but an internet gateway all the same.
                TargetView::Gateway(
                    self.reference(Kind::InternetGateway, &gw, span),
                    GatewayRef::Internet,
                )
            } else if gw.starts_with("vpce-") {
                // A gateway endpoint's route: the endpoint lists its route tables.
                TargetView::Other("VPC endpoint", span)
            } else {
                TargetView::Gateway(Spanned::new(V::Str(gw), span), GatewayRef::NotAResource)
            }
        } else {
            let others = [
                ("TransitGatewayId", "transit gateway"),
                ("VpcPeeringConnectionId", "VPC peering connection"),
                ("NetworkInterfaceId", "network interface"),
                ("InstanceId", "instance"),
                ("LocalGatewayId", "local gateway"),
                ("CarrierGatewayId", "carrier gateway"),
                ("CoreNetworkArn", "core network"),
            ];
            match others
                .iter()
                .find_map(|(k, what)| n.get(k).map(|v| (*what, v.span)))
            {
                Some((what, span)) => TargetView::Other(what, span),
                None => TargetView::Absent,
            }
        };
        RouteView {
            span: n.span,
            default_span: n.span,
            name: format!("{name} route[{i}]"),
            route_table: Value::Known(table),
            destination,
            target,
        }
    }

    fn gateway(&mut self, id: GatewayId, r: &'s Resource) {
        let (kind, aws_type) = match r.kind {
            Kind::NatGateway => (GatewayKind::Nat, "AWS::EC2::NatGateway"),
            Kind::EgressOnlyInternetGateway => (
                GatewayKind::EgressOnlyInternet,
                "AWS::EC2::EgressOnlyInternetGateway",
            ),
            _ => (GatewayKind::Internet, "AWS::EC2::InternetGateway"),
        };
        let vpc = match kind {
            // A NAT gateway's VPC is its subnet's (`Builder::link_nat_vpcs`).
            GatewayKind::Nat => None,
            _ => {
                let attached = r
                    .field("Attachments")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .find(|a| a.get("VpcId").is_some());
                match attached {
                    Some(a) => {
                        let vpc = a.get("VpcId").and_then(scalar).unwrap_or("").to_string();
                        let span = a.span;
                        Some(match self.entity(Kind::Vpc, &vpc) {
                            Ok(e) => Attr::explicit(
                                pick_vpc(e)
                                    .map_or_else(|| Value::unknown("not a VPC"), Value::Known),
                                span,
                            ),
                            Err(why) => Attr::explicit(Value::Unknown(why), span),
                        })
                    }
                    None => None,
                }
            }
        };
        let subnet = match r.field("SubnetId") {
            Some(n) => match scalar(n) {
                Some(s) => Some(self.reference(Kind::Subnet, s, n.span)),
                None => Some(spanned(n, 0)),
            },
            None => None,
        };
        let allocation = r
            .field("NatGatewayAddresses")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|a| a.get("AllocationId").is_some())
            .map_or(Presence::Absent, |a| Presence::Present(a.span));
        let view = GatewayView {
            meta: self.meta(r, aws_type),
            span: r.span(),
            kind,
            vpc,
            subnet,
            connectivity: field(r, "ConnectivityType"),
            allocation,
        };
        self.b.gateways.fill(id.0, routing::gateway(view));
    }

    /// A list of ids as references (`SubnetIds`, `RouteTableIds`), each at its entry.
    fn refs(&mut self, n: Option<&Node>, kind: Kind, id_key: Option<&str>) -> Option<Spanned> {
        let n = n?;
        let items = n
            .items()
            .iter()
            .map(|it| {
                let id_node = match id_key {
                    Some(k) => it.get(k).unwrap_or(it),
                    None => it,
                };
                match scalar(id_node) {
                    Some(id) => self.reference(kind, id, it.span),
                    None => spanned(it, 0),
                }
            })
            .collect();
        Some(Spanned::new(V::List(items), n.span))
    }

    fn endpoint(&mut self, id: EndpointId, r: &'s Resource) {
        let view = EndpointView {
            meta: self.meta(r, "AWS::EC2::VPCEndpoint"),
            span: r.span(),
            vpc: self.vpc_attr(r, "VpcId"),
            service_name: field(r, "ServiceName"),
            endpoint_type: field(r, "VpcEndpointType"),
            route_tables: self.refs(r.field("RouteTableIds"), Kind::RouteTable, None),
            subnets: self.refs(r.field("SubnetIds"), Kind::Subnet, None),
            security_groups: self.refs(r.field("Groups"), Kind::SecurityGroup, Some("GroupId")),
            private_dns: field(r, "PrivateDnsEnabled"),
        };
        self.b.endpoints.fill(id.0, routing::endpoint(view));
    }

    fn security_group(&mut self, id: SecurityGroupId, r: &'s Resource) {
        let rules = self.snap.security_group_rules(&r.id);
        let (egress, ingress) = if r.field("IpPermissionsEgress").is_some() || rules.is_empty() {
            (
                self.permissions(r.field("IpPermissionsEgress")),
                self.permissions(r.field("IpPermissions")),
            )
        } else {
            let mut out = (Vec::new(), Vec::new());
            for rule in rules {
                let entry = RuleEntry::Rule(Box::new(self.rule_of_sg_rule(rule)));
                match rule.get("IsEgress").and_then(scalar) {
                    Some("true") => out.0.push(entry),
                    _ => out.1.push(entry),
                }
            }
            (RulesView::Written(out.0), RulesView::Written(out.1))
        };
        let view = SecurityGroupView {
            meta: self.meta(r, "AWS::EC2::SecurityGroup"),
            span: r.span(),
            vpc: self.vpc_attr(r, "VpcId"),
            egress,
            ingress,
            // The CLI lists the rules that exist: none listed means none.
            no_egress: NoEgress::Nothing,
        };
        self.b
            .security_groups
            .fill(id.0, security_group::security_group(id, view));
    }

    /// `IpPermissions` / `IpPermissionsEgress`: one rule per entry, one model rule per peer.
    fn permissions(&mut self, n: Option<&Node>) -> RulesView {
        let Some(n) = n else {
            return RulesView::Written(Vec::new());
        };
        let NodeKind::Seq(items) = &n.kind else {
            return RulesView::Unknown(Reason::new("the rules are not a list"));
        };
        let mut out = Vec::new();
        for p in items {
            let mut peers = Vec::new();
            let list = |k: &str| p.get(k).map(Node::items).unwrap_or_default();
            for x in list("IpRanges") {
                if let Some(c) = x.get("CidrIp") {
                    peers.push(peer(x.span, PeerV::V4(spanned(c, 0))));
                }
            }
            for x in list("Ipv6Ranges") {
                if let Some(c) = x.get("CidrIpv6") {
                    peers.push(peer(x.span, PeerV::V6(spanned(c, 0))));
                }
            }
            for x in list("PrefixListIds") {
                if let Some(c) = x.get("PrefixListId") {
                    peers.push(peer(x.span, PeerV::PrefixList(spanned(c, 0))));
                }
            }
            for x in list("UserIdGroupPairs") {
                let v = match x.get("GroupId").and_then(scalar) {
                    Some(g) => self.reference(Kind::SecurityGroup, g, x.span),
                    None => Spanned::unknown(Reason::new("a group pair without `GroupId`"), x.span),
                };
                peers.push(peer(x.span, PeerV::Group(v)));
            }
            out.push(RuleEntry::Rule(Box::new(RuleView {
                protocol: fld("IpProtocol", p),
                from_port: fld("FromPort", p),
                to_port: fld("ToPort", p),
                peers,
                one_peer: None,
            })));
        }
        RulesView::Written(out)
    }

    /// An entry of `describe-security-group-rules`: one rule, one peer.
    fn rule_of_sg_rule(&mut self, n: &Node) -> RuleView {
        let mut peers = Vec::new();
        if let Some(c) = n.get("CidrIpv4") {
            peers.push(peer(c.span, PeerV::V4(spanned(c, 0))));
        } else if let Some(c) = n.get("CidrIpv6") {
            peers.push(peer(c.span, PeerV::V6(spanned(c, 0))));
        } else if let Some(c) = n.get("PrefixListId") {
            peers.push(peer(c.span, PeerV::PrefixList(spanned(c, 0))));
        } else if let Some(g) = n.get("ReferencedGroupInfo") {
            let v = match g.get("GroupId").and_then(scalar) {
                Some(id) => self.reference(Kind::SecurityGroup, id, g.span),
                None => {
                    Spanned::unknown(Reason::new("a referenced group without `GroupId`"), g.span)
                }
            };
            peers.push(peer(g.span, PeerV::Group(v)));
        }
        RuleView {
            protocol: fld("IpProtocol", n),
            from_port: fld("FromPort", n),
            to_port: fld("ToPort", n),
            peers,
            one_peer: Some(n.span),
        }
    }

    fn role(&mut self, id: RoleId, r: &'s Resource) {
        let meta = Meta {
            name: r
                .str("RoleName")
                .map_or_else(|| r.id.clone(), str::to_string),
            ..self.meta(r, "AWS::IAM::Role")
        };
        let mut policies = Vec::new();
        for p in r
            .field("RolePolicyList")
            .map(Node::items)
            .unwrap_or_default()
        {
            let name = p.get("PolicyName").and_then(scalar).unwrap_or("inline");
            let doc = p.get("PolicyDocument").map(document);
            let policy = iam::policy(
                Meta {
                    name: format!("{} inline {name}", meta.name),
                    kind: format!("{KIND_PREFIX} inline policy"),
                    span: p.span,
                },
                doc.as_ref(),
            );
            let pid = PolicyId(self.b.policies.push(policy));
            policies.push(PolicyRef {
                span: p.span,
                policy: PolicySource::Document(pid),
            });
        }
        for a in r
            .field("AttachedManagedPolicies")
            .map(Node::items)
            .unwrap_or_default()
        {
            let Some(arn_node) = a.get("PolicyArn") else {
                continue;
            };
            let arn = scalar(arn_node).unwrap_or("").to_string();
            let policy = if self.snap.policy(&arn).is_some() {
                match self.entity(Kind::Policy, &arn) {
                    Ok(Entity::Policy(p)) => PolicySource::Document(p),
                    _ => PolicySource::Unknown(Reason::new(format!("policy `{arn}`"))),
                }
            } else {
                // Not exported: the bundled data knows AWS managed policies; any other ARN is
                // an unknown policy to the analyses.
                iam::policy_source(&spanned(arn_node, 0))
            };
            policies.push(PolicyRef {
                span: a.span,
                policy,
            });
        }
        self.b.roles.fill(
            id.0,
            Role {
                meta,
                policies,
                exposed: None,
            },
        );
    }

    fn policy(&mut self, id: PolicyId, r: &'s Resource) {
        let meta = Meta {
            name: r
                .str("PolicyName")
                .map_or_else(|| r.id.clone(), str::to_string),
            ..self.meta(r, "AWS::IAM::ManagedPolicy")
        };
        let doc = self.snap.policy_document(&r.id).map(document);
        let mut p = iam::policy(meta, doc.as_ref());
        if doc.is_none() {
            p.statements = Value::unknown(format!(
                "the default version of policy `{}` is not in the snapshot",
                r.id
            ));
        }
        self.b.policies.fill(id.0, p);
    }
}

fn peer(span: Span, peer: PeerV) -> PeerView {
    PeerView { span, peer }
}

fn fld(key: &'static str, n: &Node) -> Field {
    Field {
        key,
        value: n.get(key).map(|v| spanned(v, 0)),
    }
}

/// A field of an object as a neutral value, `None` when absent or `null`.
fn field(r: &Resource, key: &str) -> Option<Spanned> {
    r.field(key)
        .filter(|n| scalar(n).is_some() || !matches!(n.kind, NodeKind::Scalar { .. }))
        .map(|n| spanned(n, 0))
}

/// Values nest this deep at most here (the parser's own limit is the real one).
const MAX_DEPTH: u32 = 64;

/// JSON as the neutral value, with every node's span in the snapshot file.
fn spanned(n: &Node, depth: u32) -> Spanned {
    if depth > MAX_DEPTH {
        return Spanned::unknown(Reason::new("JSON nested too deeply"), n.span);
    }
    let v = match &n.kind {
        NodeKind::Scalar { text, quoted: true } => V::Str(text.clone()),
        NodeKind::Scalar { text, .. } => match text.as_str() {
            "true" => V::Bool(true),
            "false" => V::Bool(false),
            "null" => V::Unknown(Reason::new("`null` in the snapshot")),
            t => t
                .parse::<f64>()
                .map_or_else(|_| V::Str(t.to_string()), V::Num),
        },
        NodeKind::Seq(items) => V::List(items.iter().map(|i| spanned(i, depth + 1)).collect()),
        NodeKind::Map(entries) => V::Map(
            entries
                .iter()
                .map(|(k, v)| Entry {
                    key: k.text.clone(),
                    key_span: k.span,
                    value: spanned(v, depth + 1),
                })
                .collect(),
        ),
    };
    Spanned::new(v, n.span)
}

/// A policy document: a JSON object as the CLI prints it, or text (IAM's API returns it
/// URL-encoded; the CLI decodes it).
fn document(n: &Node) -> Spanned {
    match scalar(n) {
        Some(text) if text.starts_with('%') => Spanned::new(V::Str(percent_decode(text)), n.span),
        _ => spanned(n, 0),
    }
}

/// RFC 3986 percent-decoding (`+` is left alone: IAM encodes spaces as `%20`).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn pick_vpc(e: Entity) -> Option<VpcId> {
    match e {
        Entity::Vpc(id) => Some(id),
        _ => None,
    }
}
fn pick_subnet(e: Entity) -> Option<SubnetId> {
    routing::pick_subnet(e)
}
fn pick_sg(e: Entity) -> Option<SecurityGroupId> {
    security_group::pick_sg(e)
}
fn pick_gw(e: Entity) -> Option<GatewayId> {
    routing::pick_gw(e)
}
fn pick_rt(e: Entity) -> Option<RouteTableId> {
    routing::pick_rt(e)
}
fn pick_role(e: Entity) -> Option<RoleId> {
    match e {
        Entity::Role(id) => Some(id),
        _ => None,
    }
}
