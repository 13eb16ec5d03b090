//! Finding the unknowns of a function or capacity provider, aspect by aspect, each located at
//! the value that is unknown. Mirrors what the analyses ask of the model, without changing
//! them: where an analysis answers "unknown" with a reason only, the value is looked up here.

use std::collections::HashSet;

use crate::analysis::endpoints::{
    endpoint_names, endpoint_service, interface_endpoints, service_reach, EndpointReach,
};
use crate::analysis::iam::deny::{condition_for_function, Caller, ForFunction};
use crate::analysis::iam::statement_matches;
use crate::analysis::routing::{egress6, EffectiveTable, Egress, Egress6};
use crate::analysis::security_groups::gateway_service;
use crate::analysis::{Facts, FunctionFacts};
use crate::model::{
    ActionSet, CapacityProvider, Destination, Effect, EndpointType, EnvValue, Function, FunctionId,
    Item, Model, Peer, PolicySource, PrefixList, Reason, ResourceSet, SecurityGroupId, SgRules,
    SubnetId, Target, UnresolvedKind, Value,
};
use crate::source::Span;

use super::depends::{rules_for, Need};
use super::Unknown;

/// The ENI actions the IAM rules ask about (grants, scope, denies).
const ENI_ACTIONS: &[&str] = &[
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "ec2:DetachNetworkInterface",
];

/// The unknowns found so far, without repeats (the same value seen from two subnets).
pub(super) struct Found {
    provider: bool,
    list: Vec<Unknown>,
    seen: HashSet<(Need, Span, String)>,
}

impl Found {
    pub fn new(provider: bool) -> Self {
        Found {
            provider,
            list: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add(&mut self, need: Need, what: String, reason: &Reason, span: Span) {
        // An unknown no rule needs (a NAT subnet's zone, for a capacity provider) leaves
        // nothing undecided.
        let rules = rules_for(need, self.provider);
        if rules.is_empty() || !self.seen.insert((need, span, reason.0.clone())) {
            return;
        }
        self.list.push(Unknown {
            need,
            what,
            reason: reason.clone(),
            span,
            rules,
            declared: None,
        });
    }

    /// In aspect order, then source order (stable for equal spans: discovery order).
    pub fn finish(mut self) -> Vec<Unknown> {
        self.list
            .sort_by_key(|u| (u.aspect(), u.span.file, u.span.start, u.need));
        self.list
    }
}

pub(super) fn function(
    model: &Model,
    facts: &Facts<'_>,
    id: FunctionId,
    f: &Function,
    ff: &FunctionFacts,
    found: &mut Found,
) {
    let Some(vc) = &f.vpc_config else { return };
    let dual_stack = match &vc.ipv6_dual_stack.value {
        Value::Known(b) => *b,
        Value::Unknown(r) => {
            let what = "the dual-stack setting".to_string();
            found.add(Need::Ipv6, what, r, vc.ipv6_dual_stack.span);
            false
        }
    };
    let subnets = subnet_list(&vc.subnets, found);
    let services: Vec<&str> = match &ff.services {
        Value::Known(uses) => uses.iter().map(|u| u.service.as_str()).collect(),
        Value::Unknown(_) => Vec::new(),
    };
    let mut all_nat = !subnets.is_empty() && vc.subnets.value.is_known();
    zone_pairs(model, &subnets, found);
    for &s in &subnets {
        subnet(model, s, dual_stack, found);
        routing(model, facts, s, dual_stack, found);
        all_nat &= matches!(facts.subnet(s).egress, Egress::Nat { .. });
        for service in &services {
            endpoints_for_service(model, facts, s, service, found);
        }
    }
    match crate::analysis::security_groups::known_groups(&vc.security_groups) {
        Ok(groups) => {
            security_groups(model, &groups, true, found);
            for &s in &subnets {
                for service in &services {
                    nat_to_listed_service(model, facts, s, service, &groups, found);
                }
            }
        }
        Err(r) => {
            let span = unknown_item(&vc.security_groups).unwrap_or(vc.security_groups.span);
            let what = "the security group list".to_string();
            found.add(Need::SecurityGroups, what, &r, span);
        }
    }
    role(model, id, f, ff, found);
    // Environment values matter to LVL016 only, which needs every subnet behind a NAT gateway.
    if all_nat {
        if !f.environment_complete {
            let what = "the environment".to_string();
            let r = Reason::new("the environment variables could not all be read");
            found.add(Need::Environment, what, &r, f.meta.span);
        }
        for e in f
            .environment
            .iter()
            .filter(|e| e.value == EnvValue::Unknown)
        {
            let what = format!("environment variable `{}`", e.name);
            let r = Reason::new("its value is unknown: it may name a resource inside the VPC");
            found.add(Need::Environment, what, &r, e.span);
        }
    }
}

pub(super) fn provider(model: &Model, facts: &Facts<'_>, p: &CapacityProvider, found: &mut Found) {
    let subnets = subnet_list(&p.subnets, found);
    for &s in &subnets {
        let sub = model.subnet(s);
        if let Value::Unknown(r) = &sub.vpc.value {
            let what = format!("VPC of subnet `{}`", sub.meta.name);
            found.add(Need::SubnetVpc, what, r, sub.vpc.span);
        }
        routing(model, facts, s, false, found);
    }
    match crate::analysis::security_groups::known_groups(&p.security_groups) {
        Ok(groups) => security_groups(model, &groups, true, found),
        Err(r) => {
            let span = unknown_item(&p.security_groups).unwrap_or(p.security_groups.span);
            let what = "the security group list".to_string();
            found.add(Need::SecurityGroups, what, &r, span);
        }
    }
}

fn unknown_item<T>(list: &crate::model::Attr<Vec<Item<T>>>) -> Option<Span> {
    list.known()?
        .iter()
        .find(|i| !i.value.is_known())
        .map(|i| i.span)
}

/// The known subnets of a `subnet_ids` list; the unknown list or entries are recorded.
fn subnet_list(list: &crate::model::Attr<Vec<Item<SubnetId>>>, found: &mut Found) -> Vec<SubnetId> {
    match &list.value {
        Value::Unknown(r) => {
            found.add(Need::Subnets, "the subnet list".to_string(), r, list.span);
            Vec::new()
        }
        Value::Known(items) => {
            let mut known = Vec::new();
            for i in items {
                match &i.value {
                    Value::Known(s) => {
                        if !known.contains(s) {
                            known.push(*s);
                        }
                    }
                    Value::Unknown(r) => {
                        found.add(Need::Subnets, "a subnet entry".to_string(), r, i.span);
                    }
                }
            }
            known
        }
    }
}

/// Zones that are each known (a name, or a position in a zone list) but cannot be compared: a
/// name against a list position, or positions in two different lists. LVL005 and LVL006 decide
/// on comparisons, so such a pair leaves them undecided even though no zone is unknown.
fn zone_pairs(model: &Model, subnets: &[SubnetId], found: &mut Found) {
    for (i, &a) in subnets.iter().enumerate() {
        for &b in &subnets[i + 1..] {
            let (za, zb) = (
                &model.subnet(a).availability_zone,
                &model.subnet(b).availability_zone,
            );
            if !(za.value.is_known() && zb.value.is_known()) {
                continue; // each unknown zone is recorded on its own
            }
            if let Value::Unknown(r) = crate::analysis::zones::same_zone(&za.value, &zb.value) {
                let what = format!(
                    "whether subnets `{}` and `{}` are in the same zone",
                    model.subnet(a).meta.name,
                    model.subnet(b).meta.name
                );
                found.add(Need::Zone, what, &r, zb.span);
            }
        }
    }
}

/// Placement: the subnet's VPC (and its settings), zone, CIDRs.
fn subnet(model: &Model, s: SubnetId, dual_stack: bool, found: &mut Found) {
    let sub = model.subnet(s);
    let name = &sub.meta.name;
    if let Value::Unknown(r) = &sub.vpc.value {
        found.add(
            Need::SubnetVpc,
            format!("VPC of subnet `{name}`"),
            r,
            sub.vpc.span,
        );
    }
    if let Some(r) = sub.availability_zone.value.reason() {
        let what = format!("availability zone of subnet `{name}`");
        found.add(Need::Zone, what, r, sub.availability_zone.span);
    }
    if let Some(r) = sub.cidr.value.reason() {
        found.add(
            Need::SubnetCidr,
            format!("CIDR of subnet `{name}`"),
            r,
            sub.cidr.span,
        );
    }
    if dual_stack {
        if let Some(r) = sub.ipv6_cidr.value.reason() {
            let what = format!("IPv6 CIDR of subnet `{name}`");
            found.add(Need::Ipv6, what, r, sub.ipv6_cidr.span);
        }
    }
    let Some(&vpc) = sub.vpc.known() else { return };
    let v = model.vpc(vpc);
    if let Some(r) = v.instance_tenancy.value.reason() {
        let what = format!("tenancy of VPC `{}`", v.meta.name);
        found.add(Need::VpcSettings, what, r, v.instance_tenancy.span);
    }
    // DNS settings matter to endpoints with private DNS (LVL018).
    let private_dns = model
        .endpoints
        .iter()
        .any(|e| e.vpc.value == Value::Known(vpc) && e.private_dns.value != Value::Known(false));
    if private_dns {
        for (attr, what) in [
            (&v.enable_dns_support, "DNS support"),
            (&v.enable_dns_hostnames, "DNS hostnames"),
        ] {
            if let Some(r) = attr.value.reason() {
                let what = format!("{what} of VPC `{}`", v.meta.name);
                found.add(Need::VpcSettings, what, r, attr.span);
            }
        }
    }
}

/// Routing: the subnet's route table and egress, the NAT gateway it leaves through, IPv6.
fn routing(model: &Model, facts: &Facts<'_>, s: SubnetId, dual_stack: bool, found: &mut Found) {
    let sf = facts.subnet(s);
    let name = &model.subnet(s).meta.name;
    if let Value::Unknown(r) = &sf.table {
        let what = format!("route table of subnet `{name}`");
        found.add(Need::Egress, what, r, table_location(model, s));
    }
    match &sf.egress {
        Egress::Unknown(r) => {
            if sf.table.is_known() {
                let what = format!("internet egress of subnet `{name}`");
                found.add(Need::Egress, what, r, egress_location(model, s, &sf.table));
            }
        }
        Egress::Nat { nat, proof } => match nat {
            Value::Unknown(r) => {
                let span = proof.last().map_or(model.subnet(s).meta.span, |p| p.span);
                let what = format!("NAT gateway of subnet `{name}`");
                found.add(Need::Nat, what, r, span);
            }
            Value::Known(g) => {
                nat_gateway(model, facts, *g, found);
                if let Some(ns) = model.gateway(*g).subnet.as_ref().and_then(|a| a.known()) {
                    zone_pairs(model, &[s, *ns], found);
                }
            }
        },
        Egress::InternetGateway { .. } | Egress::NoRoute { .. } => {}
    }
    if dual_stack {
        if let Egress6::Unknown(r) = egress6(model, s) {
            let what = format!("IPv6 egress of subnet `{name}`");
            found.add(Need::Ipv6, what, &r, egress_location(model, s, &sf.table));
        }
    }
}

fn nat_gateway(model: &Model, facts: &Facts<'_>, g: crate::model::GatewayId, found: &mut Found) {
    let gw = model.gateway(g);
    let name = &gw.meta.name;
    for (attr, what) in [
        (&gw.connectivity_public, "connectivity type"),
        (&gw.has_allocation, "Elastic IP"),
    ] {
        if let Some(a) = attr {
            if let Some(r) = a.value.reason() {
                let what = format!("{what} of NAT gateway `{name}`");
                found.add(Need::Nat, what, r, a.span);
            }
        }
    }
    let Some(subnet) = &gw.subnet else { return };
    match &subnet.value {
        Value::Unknown(r) => {
            found.add(
                Need::Nat,
                format!("subnet of NAT gateway `{name}`"),
                r,
                subnet.span,
            );
        }
        Value::Known(ns) => {
            let sub = model.subnet(*ns);
            if let Some(r) = sub.availability_zone.value.reason() {
                let what = format!("availability zone of NAT subnet `{}`", sub.meta.name);
                found.add(Need::Zone, what, r, sub.availability_zone.span);
            }
            let nf = facts.subnet(*ns);
            if let Egress::Unknown(r) = &nf.egress {
                let what = format!("internet egress of NAT subnet `{}`", sub.meta.name);
                found.add(Need::Nat, what, r, egress_location(model, *ns, &nf.table));
            }
        }
    }
}

/// Where a subnet's route table is decided: an association with an unknown table, one whose
/// subnet is unknown, the subnet's VPC, or the subnet itself.
fn table_location(model: &Model, s: SubnetId) -> Span {
    let sub = model.subnet(s);
    model
        .route_table_associations
        .iter()
        .find(|a| a.subnet == Value::Known(s) && !a.route_table.is_known())
        .or_else(|| {
            model
                .route_table_associations
                .iter()
                .find(|a| !a.subnet.is_known())
        })
        .map(|a| a.span)
        .or_else(|| (!sub.vpc.value.is_known()).then_some(sub.vpc.span))
        .unwrap_or(sub.meta.span)
}

/// Where a subnet's egress became unknown: a route of its table with an unknown or unjudged
/// target or destination, a route whose table is unknown, an unresolved routing item, or the
/// table itself.
fn egress_location(model: &Model, s: SubnetId, table: &Value<EffectiveTable>) -> Span {
    let own = match table {
        Value::Known(EffectiveTable::Table(t, _)) => Some(*t),
        _ => None,
    };
    let undecided = |r: &crate::model::Route| {
        matches!(
            r.target.value,
            Value::Unknown(_) | Value::Known(Target::Other(_))
        ) || matches!(
            r.target.value,
            Value::Known(Target::InternetGateway(Value::Unknown(_)))
                | Value::Known(Target::NatGateway(Value::Unknown(_)))
        ) || matches!(
            r.destination.value,
            Value::Unknown(_) | Value::Known(Destination::PrefixList(_))
        )
    };
    if let Some(t) = own {
        if let Some(r) = model
            .routes
            .iter()
            .find(|r| r.route_table == Value::Known(t) && undecided(r))
        {
            return r.span;
        }
    }
    if let Some(r) = model.routes.iter().find(|r| !r.route_table.is_known()) {
        return r.span;
    }
    if let Some(u) = model
        .unresolved
        .iter()
        .find(|u| u.what == UnresolvedKind::Routing)
    {
        return u.span;
    }
    match own {
        Some(t) => model.route_table(t).meta.span,
        None => model.subnet(s).meta.span,
    }
}

/// Routing per used service: the endpoints that may serve it from the subnet, and whether the
/// interface endpoints among them admit the function (private DNS, security groups).
fn endpoints_for_service(
    model: &Model,
    facts: &Facts<'_>,
    s: SubnetId,
    service: &str,
    found: &mut Found,
) {
    let sf = facts.subnet(s);
    let sub = model.subnet(s);
    if let EndpointReach::Unknown(r) = service_reach(model, s, &sf.table, service) {
        let span = model
            .endpoints
            .iter()
            .find(|e| {
                !e.service_name.value.is_known()
                    || !e.vpc.value.is_known()
                    || !e.endpoint_type.value.is_known()
                    || !e.associations_complete
                    || e.route_tables.iter().any(|i| !i.value.is_known())
                    || e.subnets.iter().any(|i| !i.value.is_known())
            })
            .map_or(sub.meta.span, |e| e.meta.span);
        let what = format!("endpoint for {service} from subnet `{}`", sub.meta.name);
        found.add(Need::Endpoint, what, &r, span);
    }
    let Some(&vpc) = sub.vpc.known() else { return };
    for e in interface_endpoints(model, vpc, service) {
        let ep = model.endpoint(e);
        if let Some(r) = ep.private_dns.value.reason() {
            let what = format!("private DNS of endpoint `{}`", ep.meta.name);
            found.add(Need::Endpoint, what, r, ep.private_dns.span);
        }
        let mut groups = Vec::new();
        for i in &ep.security_groups {
            match &i.value {
                Value::Known(g) => groups.push(*g),
                Value::Unknown(r) => {
                    let what = format!("a security group of endpoint `{}`", ep.meta.name);
                    found.add(Need::SecurityGroups, what, r, i.span);
                }
            }
        }
        security_groups(model, &groups, false, found);
    }
}

/// Security groups: their VPC and the rules in one direction (egress for the function, ingress
/// for an endpoint it depends on), every rule that cannot be judged for TCP 443.
fn security_groups(model: &Model, groups: &[SecurityGroupId], egress: bool, found: &mut Found) {
    for u in model
        .unresolved
        .iter()
        .filter(|u| u.what == UnresolvedKind::SecurityGroup)
    {
        let what = "a security group rule whose group is unknown".to_string();
        found.add(Need::SecurityGroups, what, &u.reason, u.span);
    }
    for &g in groups {
        let sg = model.security_group(g);
        let name = &sg.meta.name;
        if egress {
            if let Value::Unknown(r) = &sg.vpc.value {
                let what = format!("VPC of security group `{name}`");
                found.add(Need::SecurityGroups, what, r, sg.vpc.span);
            }
        }
        let (rules, direction): (&SgRules, &str) = if egress {
            (&sg.egress, "egress")
        } else {
            (&sg.ingress, "ingress")
        };
        if let Some(r) = &rules.incomplete {
            let what = format!("{direction} rules of security group `{name}`");
            found.add(Need::SecurityGroups, what, r, sg.meta.span);
        }
        for rule in &rules.rules {
            let reason = rule
                .protocol
                .reason()
                .or(rule.from_port.reason())
                .or(rule.to_port.reason())
                .or(rule.peer.reason())
                .cloned()
                .or_else(|| match rule.peer.known() {
                    Some(Peer::PrefixList(pl)) => prefix_list_unknown(model, pl),
                    Some(Peer::SecurityGroup(Value::Unknown(r))) => Some(r.clone()),
                    _ => None,
                });
            if let Some(r) = reason {
                let what = format!("an {direction} rule of security group `{name}`");
                found.add(Need::SecurityGroups, what, &r, rule.span);
            }
        }
    }
}

/// Why a prefix list's addresses are unknown: a list that is not a gateway endpoint's of a
/// known service (the analysis reads those as the service's public addresses).
fn prefix_list_unknown(model: &Model, pl: &PrefixList) -> Option<Reason> {
    match pl {
        // A literal id: an AWS snapshot names the AWS-managed ones (`--aws-snapshot` with
        // `describe-managed-prefix-lists` output); with one, an id it names is never `Other`.
        PrefixList::Other(pl) if pl.starts_with("pl-") => Some(Reason::new(format!(
            "prefix list `{pl}`: its addresses are not in the configuration (an AWS snapshot with `describe-managed-prefix-lists` output names AWS-managed lists)"
        ))),
        PrefixList::Other(pl) => Some(Reason::new(format!(
            "prefix list `{pl}`: its addresses are not in the configuration"
        ))),
        PrefixList::OfEndpoint(e) if gateway_service(model, *e).is_none() => {
            let ep = model.endpoint(*e);
            let why = match (&ep.endpoint_type.value, &ep.service_name.value) {
                (Value::Unknown(r), _) | (_, Value::Unknown(r)) => r.0.clone(),
                (Value::Known(EndpointType::Gateway), _) => "its service is unknown".to_string(),
                (Value::Known(_), _) => {
                    "it is not a gateway endpoint, which alone has an AWS-managed list".to_string()
                }
            };
            Some(Reason::new(format!(
                "prefix list of endpoint `{}`: {why}",
                ep.meta.name
            )))
        }
        PrefixList::OfEndpoint(_) => None,
        PrefixList::AwsManaged(name) => match endpoint_service(name) {
            None => Some(Reason::new(format!(
                "AWS-managed prefix list `{}`: which service's addresses it holds is unknown",
                name.text
            ))),
            Some(_) if !name.exact => Some(Reason::new(format!(
                "AWS-managed prefix list `{}`: its region is unknown (set `region` in the `aws` provider block)",
                name.text
            ))),
            Some(_) => None,
        },
    }
}

/// A service the function calls through a NAT gateway while its groups let TCP 443 out to the
/// prefix list of a gateway endpoint for that same service: the list holds the service's
/// addresses in the endpoint's region, and the calls may go to another (LVL010 leaves it
/// undecided).
fn nat_to_listed_service(
    model: &Model,
    facts: &Facts<'_>,
    s: SubnetId,
    service: &str,
    groups: &[SecurityGroupId],
    found: &mut Found,
) {
    let sf = facts.subnet(s);
    if !matches!(sf.egress, Egress::Nat { .. })
        || service_reach(model, s, &sf.table, service) != EndpointReach::No
    {
        return;
    }
    let names = endpoint_names(service);
    for &g in groups {
        let sg = model.security_group(g);
        for rule in &sg.egress.rules {
            let (list, listed) = match rule.peer.known() {
                Some(Peer::PrefixList(PrefixList::OfEndpoint(e))) => match gateway_service(model, *e) {
                    Some((_, listed)) => (
                        format!(
                            "the prefix list of endpoint `{}` holds {service}'s addresses in the endpoint's region",
                            model.endpoint(*e).meta.name
                        ),
                        listed,
                    ),
                    None => continue,
                },
                Some(Peer::PrefixList(PrefixList::AwsManaged(name))) => match endpoint_service(name) {
                    Some(listed) => (
                        format!(
                            "the AWS-managed prefix list `{}` holds {service}'s addresses in its region",
                            name.text
                        ),
                        listed,
                    ),
                    None => continue,
                },
                _ => continue,
            };
            if names.contains(&listed) {
                let what = format!("an egress rule of security group `{}`", sg.meta.name);
                let r = Reason::new(format!(
                    "{list}, but the function's {service} calls from subnet `{}` go through the NAT gateway",
                    model.subnet(s).meta.name
                ));
                found.add(Need::SecurityGroups, what, &r, rule.span);
            }
        }
    }
}

/// The role: known, its policies all attached and readable, and the statements the IAM rules
/// read (ENI actions, conditions) all known.
fn role(model: &Model, id: FunctionId, f: &Function, ff: &FunctionFacts, found: &mut Found) {
    let role = match &f.role.value {
        Value::Unknown(r) => {
            found.add(Need::Role, "the execution role".to_string(), r, f.role.span);
            let what = "the services used".to_string();
            let r = Reason::new(format!("the execution role is unknown ({r})"));
            found.add(Need::Services, what, &r, f.role.span);
            return;
        }
        Value::Known(r) => *r,
    };
    let r = model.role(role);
    let rname = &r.meta.name;
    let mut incomplete = Vec::new();
    let attached = r.policies.iter().map(|p| (p.span, &p.policy)).chain(
        model
            .policy_attachments
            .iter()
            .filter(|a| a.role == Value::Known(role))
            .map(|a| (a.span, &a.policy)),
    );
    let mut documents = Vec::new();
    for (span, source) in attached {
        match source {
            PolicySource::Document(p) => {
                let policy = model.policy(*p);
                match &policy.statements {
                    Value::Unknown(reason) => incomplete.push((
                        format!("policy `{}` of role `{rname}`", policy.meta.name),
                        reason.clone(),
                        policy.meta.span,
                    )),
                    Value::Known(_) => documents.push(*p),
                }
            }
            PolicySource::Arn(arn) => {
                let known = arn
                    .known()
                    .and_then(|p| crate::analysis::data::managed_policy_by_arn(&p.text));
                if known.is_none() {
                    let reason = match &arn.value {
                        Value::Known(p) => Reason::new(format!(
                            "`{}` is not an AWS managed policy the linter knows",
                            p.text
                        )),
                        Value::Unknown(r) => r.clone(),
                    };
                    let what = format!("a policy attached to role `{rname}`");
                    incomplete.push((what, reason, arn.span));
                }
            }
            PolicySource::Unknown(reason) => {
                let what = format!("a policy attached to role `{rname}`");
                incomplete.push((what, reason.clone(), span));
            }
        }
    }
    if let Some(reason) = &r.exposed {
        incomplete.push((
            format!("policies of role `{rname}`"),
            reason.clone(),
            r.meta.span,
        ));
    }
    for a in model
        .policy_attachments
        .iter()
        .filter(|a| !a.role.is_known())
    {
        let reason = a.role.reason().cloned().unwrap_or_else(|| Reason::new(""));
        let what = "a policy attachment whose role is unknown".to_string();
        incomplete.push((what, reason, a.span));
    }
    for u in model
        .unresolved
        .iter()
        .filter(|u| u.what == UnresolvedKind::Iam)
    {
        incomplete.push(("an IAM item".to_string(), u.reason.clone(), u.span));
    }
    for (what, reason, span) in &incomplete {
        found.add(Need::Policies, what.clone(), reason, *span);
    }
    // Services come from the role's actions: a missing policy may hide some, and `*` says nothing.
    let sname = "the services used".to_string();
    if let Value::Unknown(reason) = &ff.services {
        let span = ff
            .permissions
            .as_ref()
            .and_then(|p| {
                p.statements.iter().find(|st| {
                    st.actions.known().is_some_and(|a| {
                        a.iter()
                            .filter_map(|a| a.known())
                            .any(|a| a == "*" || crate::analysis::iam::wildcard::is_service_wide(a))
                    })
                })
            })
            .map_or(f.role.span, |st| st.span.unwrap_or(st.attached_at));
        found.add(Need::Services, sname.clone(), reason, span);
    }
    if let Some((_, reason, span)) = incomplete.first() {
        let r = Reason::new(format!("a policy of the role could not be read ({reason})"));
        found.add(Need::Services, sname, &r, *span);
    }
    for p in documents {
        statements(model, id, p, found);
    }
}

/// The statements of a policy in the user's files that the IAM rules read.
fn statements(model: &Model, id: FunctionId, p: crate::model::PolicyId, found: &mut Found) {
    let policy = model.policy(p);
    let Value::Known(list) = &policy.statements else {
        return;
    };
    let pname = &policy.meta.name;
    for st in list {
        let what = |part: &str| format!("{part} of a statement in policy `{pname}`");
        if let Value::Unknown(r) = &st.effect {
            found.add(Need::Statement, what("effect"), r, st.span);
        }
        let actions = match &st.actions {
            ActionSet::Action(a) | ActionSet::NotAction(a) => a,
        };
        match actions {
            Value::Unknown(r) => found.add(Need::Statement, what("actions"), r, st.span),
            Value::Known(items) => {
                for i in items {
                    if let Value::Unknown(r) = &i.value {
                        found.add(Need::Statement, what("an action"), r, i.span);
                    }
                }
            }
        }
        // The analysis's view of the statement, to ask which ENI actions it may match.
        let eff = crate::analysis::iam::EffStatement::of_document(st, pname, st.span);
        let eni = ENI_ACTIONS
            .iter()
            .any(|a| statement_matches(&eff, a) != Some(false));
        if let Some(Value::Unknown(r)) = &st.condition {
            found.add(Need::Statement, what("condition"), r, st.span);
        }
        let vpc_keys = st
            .condition
            .as_ref()
            .and_then(|c| c.known())
            .is_some_and(|c| {
                c.iter().any(|c| {
                    let k = c.key.to_ascii_lowercase();
                    k == "lambda:subnetids" || k == "lambda:securitygroupids"
                })
            });
        if eni || vpc_keys {
            if let Some(Value::Known(conds)) = &st.condition {
                // A value that refers to a function of the unit (`!GetAtt Function.Arn`) is
                // matched by reference: unknown text, known meaning.
                for c in conds.iter().filter(|c| c.function_refs.is_empty()) {
                    for v in c.values.iter().filter(|v| !v.value.is_known()) {
                        let r = v.value.reason().cloned().unwrap_or_else(|| Reason::new(""));
                        found.add(Need::Statement, what("a condition value"), &r, v.span);
                    }
                }
            }
        }
        if !eni {
            continue;
        }
        let resources = match &st.resources {
            ResourceSet::Resource(r) | ResourceSet::NotResource(r) => Some(r),
            ResourceSet::Absent => None,
        };
        match resources {
            Some(Value::Unknown(r)) => found.add(Need::Statement, what("resources"), r, st.span),
            Some(Value::Known(items)) => {
                for i in items {
                    if let Value::Unknown(r) = &i.value {
                        found.add(Need::Statement, what("a resource"), r, i.span);
                    }
                }
            }
            None => {}
        }
        match (&st.effect, &st.condition) {
            (Value::Known(Effect::Allow), Some(Value::Known(_))) => {
                let r = Reason::new(
                    "the ENI actions are allowed only under a condition, which is not evaluated",
                );
                found.add(Need::Statement, what("condition"), &r, st.span);
            }
            (Value::Known(Effect::Deny), Some(Value::Known(_)))
                if condition_for_function(&eff, Caller::of(id, model.function(id)))
                    == ForFunction::Unknown =>
            {
                let r = Reason::new(
                    "its condition cannot be matched to this function (another key, or a function ARN that cannot be compared with its deployed name)",
                );
                found.add(Need::Statement, what("condition"), &r, st.span);
            }
            _ => {}
        }
    }
}
