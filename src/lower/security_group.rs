//! Security groups and their rules, written once for every front end: protocols, ports,
//! peers (CIDR blocks, prefix lists, groups), AWS's default egress, and rule resources that
//! append to a group (`aws_security_group_rule`, `AWS::EC2::SecurityGroupEgress`, …).

use ipnet::{Ipv4Net, Ipv6Net};

use super::value::{expect, RefAttr, Spanned, V};
use super::Builder;
use crate::model::*;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Egress,
    Ingress,
}

/// What a group created without written egress rules has. The two front ends mean different
/// infrastructure by the same omission, so each says which it means (the one real difference,
/// kept visible in `tests/frontend_parity.rs`, pair `sg-no-egress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoEgress {
    /// No egress at all. Terraform: the AWS provider deletes the allow-all rule AWS adds to a
    /// new group ("Terraform removes the default rule, and requires you specifically re-create
    /// it", `aws_security_group` documentation).
    Nothing,
    /// AWS's allow-all IPv4 and IPv6 rules stay. CloudFormation: "When you create a security
    /// group, if you do not add egress rules, we add egress rules that allow all outbound IPv4
    /// and IPv6 traffic. Otherwise, we do not add them." (AWS::EC2::SecurityGroup reference).
    AwsDefault,
}

/// The rules written for one direction of a group.
#[derive(Debug, Clone)]
pub enum RulesView {
    /// Nothing written.
    Absent,
    /// A list of entries (for Terraform, attribute form and blocks together).
    Written(Vec<RuleEntry>),
    /// The list itself cannot be read.
    Unknown(Reason),
}

#[derive(Debug, Clone)]
pub enum RuleEntry {
    Rule(Box<RuleView>),
    /// An entry that is not a rule (or blocks that may or may not exist): the list is
    /// incomplete for this reason.
    NotARule(Reason),
}

/// One written rule: the fields the front end found, by the key it found them under (named in
/// reasons), and its peers.
#[derive(Debug, Clone)]
pub struct RuleView {
    pub protocol: Field,
    pub from_port: Field,
    pub to_port: Field,
    /// One model rule per peer, each reported at the peer's span. An empty list is a rule
    /// without a peer only when `one_peer` (a rule that is one peer by construction);
    /// otherwise it expands to no rule at all.
    pub peers: Vec<PeerView>,
    /// The rule names one peer (CloudFormation rules, `aws_vpc_security_group_*_rule`), at
    /// `span`: without one it is a rule whose peer is unknown.
    pub one_peer: Option<Span>,
}

/// A rule field: the key the source writes it under, and its value when set.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub value: Option<Spanned>,
}

#[derive(Debug, Clone)]
pub struct PeerView {
    pub span: Span,
    pub peer: PeerV,
}

#[derive(Debug, Clone)]
pub enum PeerV {
    V4(Spanned),
    V6(Spanned),
    /// A prefix list id; the front end names a referenced list as it names route destinations.
    PrefixList(Spanned),
    Group(Spanned),
    /// A default-VPC group by name (`SourceSecurityGroupName`): not identifiable offline.
    GroupName(Spanned),
    /// `self = true`: the group the rule belongs to.
    Own,
    /// A peer that cannot be read (a peer list that is not a list).
    Unknown(Reason),
}

/// `aws_security_group`, `AWS::EC2::SecurityGroup`.
#[derive(Debug, Clone)]
pub struct SecurityGroupView {
    pub meta: Meta,
    /// Where AWS's default rules are reported.
    pub span: Span,
    /// Resolved by the front end: VPCs are still lowered there.
    pub vpc: Attr<VpcId>,
    pub egress: RulesView,
    pub ingress: RulesView,
    pub no_egress: NoEgress,
}

pub fn security_group(me: SecurityGroupId, view: SecurityGroupView) -> SecurityGroup {
    SecurityGroup {
        egress: rules(me, view.egress, Some((view.no_egress, view.span))),
        ingress: rules(me, view.ingress, None),
        meta: view.meta,
        vpc: view.vpc,
    }
}

/// The rules of one direction; `egress` says what an unwritten egress means and where AWS's
/// default rules are reported.
fn rules(me: SecurityGroupId, view: RulesView, egress: Option<(NoEgress, Span)>) -> SgRules {
    let aws_default = egress.and_then(|(n, span)| (n == NoEgress::AwsDefault).then_some(span));
    match view {
        RulesView::Absent => SgRules {
            rules: aws_default.map(default_egress).unwrap_or_default(),
            incomplete: None,
        },
        RulesView::Unknown(why) => SgRules {
            rules: Vec::new(),
            incomplete: Some(why),
        },
        // Creating a group with an empty egress list leaves AWS's default rules in place, but
        // an update to an empty list removes all egress: it depends on the stack's history.
        RulesView::Written(entries) if entries.is_empty() && aws_default.is_some() => SgRules {
            rules: Vec::new(),
            incomplete: Some(Reason::new(
                "an empty `SecurityGroupEgress` keeps AWS's allow-all rule when the group is created but removes every rule on update",
            )),
        },
        RulesView::Written(entries) => {
            let mut out = SgRules::default();
            for e in entries {
                match e {
                    RuleEntry::Rule(r) => out.rules.extend(rule(Some(me), *r)),
                    RuleEntry::NotARule(why) => {
                        out.incomplete.get_or_insert(why);
                    }
                }
            }
            out
        }
    }
}

/// The two rules AWS adds to a group created without egress rules.
fn default_egress(span: Span) -> Vec<SgRule> {
    let all = |peer| SgRule {
        span,
        origin: Origin::Default,
        protocol: Value::Known("-1".into()),
        from_port: Value::Known(-1),
        to_port: Value::Known(-1),
        peer: Value::Known(peer),
    };
    vec![
        all(Peer::V4(Ipv4Net::default())),
        all(Peer::V6(Ipv6Net::default())),
    ]
}

/// The model rules of one written rule: one per peer.
fn rule(me: Option<SecurityGroupId>, view: RuleView) -> Vec<SgRule> {
    let protocol = protocol_of(&view.protocol);
    let from_port = port_of(&view.from_port, &protocol);
    let to_port = port_of(&view.to_port, &protocol);
    let mut peers: Vec<(Value<Peer>, Span)> = view
        .peers
        .into_iter()
        .map(|p| (peer_of(me, p.peer), p.span))
        .collect();
    if let (true, Some(span)) = (peers.is_empty(), view.one_peer) {
        peers.push((
            Value::unknown("the rule has no peer (CIDR, prefix list or security group)"),
            span,
        ));
    }
    peers
        .into_iter()
        .map(|(peer, span)| SgRule {
            span,
            origin: Origin::Explicit,
            protocol: protocol.clone(),
            from_port: from_port.clone(),
            to_port: to_port.clone(),
            peer,
        })
        .collect()
}

/// The protocol as AWS writes it: lower case, `-1` for all (`all` in Terraform, `-1` or a
/// name in CloudFormation); numbers stay text.
pub fn normalise_protocol(s: &str) -> String {
    let p = s.trim().to_ascii_lowercase();
    if p == "all" {
        "-1".into()
    } else {
        p
    }
}

fn protocol_of(f: &Field) -> Value<String> {
    match &f.value {
        None => Value::unknown(format!("the rule has no `{}`", f.key)),
        Some(v) => v.v.as_str().map(|s| normalise_protocol(&s)),
    }
}

/// A port; unset means `-1` (all) for protocol `-1`, where AWS ignores ports.
fn port_of(f: &Field, protocol: &Value<String>) -> Value<i64> {
    match &f.value {
        None if protocol.known().is_some_and(|p| p == "-1") => Value::Known(-1),
        None => Value::unknown(format!("the rule has no `{}`", f.key)),
        Some(v) => match v.v.as_str() {
            Value::Known(s) => match s.trim().parse::<i64>() {
                Ok(n) => Value::Known(n),
                Err(_) => Value::unknown(format!("`{s}` is not a port number")),
            },
            Value::Unknown(why) => Value::Unknown(why),
        },
    }
}

pub fn v4(v: &V) -> Value<Ipv4Net> {
    match v.as_str() {
        Value::Known(s) => match s.trim().parse::<Ipv4Net>() {
            Ok(n) => Value::Known(n),
            Err(_) => Value::unknown(format!("`{s}` is not an IPv4 CIDR block")),
        },
        Value::Unknown(why) => Value::Unknown(why),
    }
}

pub fn v6(v: &V) -> Value<Ipv6Net> {
    match v.as_str() {
        Value::Known(s) => match s.trim().parse::<Ipv6Net>() {
            Ok(n) => Value::Known(n),
            Err(_) => Value::unknown(format!("`{s}` is not an IPv6 CIDR block")),
        },
        Value::Unknown(why) => Value::Unknown(why),
    }
}

pub fn pick_sg(e: Entity) -> Option<SecurityGroupId> {
    match e {
        Entity::SecurityGroup(id) => Some(id),
        _ => None,
    }
}

/// A prefix list: a reference to a VPC endpoint's prefix list id is that endpoint's list (which
/// addresses it holds is the analysis's question: it depends on the endpoint's type and
/// service); the id of the AWS-managed list a front end names by its service (an unknown whose
/// reason says which list, see [`Reason::managed_prefix_list`]) is that list; any other
/// reference or id names a list whose addresses are not in the configuration (the AWS snapshot
/// may still name a literal id).
fn prefix_list(v: &V) -> Value<PrefixList> {
    match v {
        V::Ref(r) if r.attr == RefAttr::PrefixList => match r.entity {
            Ok(Entity::Endpoint(e)) => Value::Known(PrefixList::OfEndpoint(e)),
            _ => Value::Known(PrefixList::Other(r.shown.trim_matches('`').to_string())),
        },
        V::Unknown(r) => match r.lookup() {
            Some(Lookup::ManagedPrefixList(name)) => {
                Value::Known(PrefixList::AwsManaged(Pattern {
                    exact: !name.contains('*'),
                    text: name.clone(),
                }))
            }
            _ => Value::Unknown(r.clone()),
        },
        other => other.as_str().map(PrefixList::Other),
    }
}

fn peer_of(me: Option<SecurityGroupId>, p: PeerV) -> Value<Peer> {
    match p {
        PeerV::V4(v) => v4(&v.v).map(Peer::V4),
        PeerV::V6(v) => v6(&v.v).map(Peer::V6),
        PeerV::PrefixList(v) => prefix_list(&v.v).map(Peer::PrefixList),
        PeerV::Group(v) => {
            Value::Known(Peer::SecurityGroup(expect(&v.v, "security group", pick_sg)))
        }
        PeerV::GroupName(v) => {
            let why = match v.v.as_str() {
                Value::Known(n) => format!("security group named `{n}`"),
                Value::Unknown(why) => why.0,
            };
            Value::Known(Peer::SecurityGroup(Value::unknown(why)))
        }
        PeerV::Own => match me {
            Some(id) => Value::Known(Peer::SecurityGroup(Value::Known(id))),
            None => Value::unknown("`self` of a rule whose security group is unknown"),
        },
        PeerV::Unknown(why) => Value::Unknown(why),
    }
}

/// A rule resource (`aws_security_group_rule`, `aws_vpc_security_group_egress_rule`,
/// `AWS::EC2::SecurityGroupIngress`, …), which appends to its group.
#[derive(Debug, Clone)]
pub struct RuleResourceView {
    /// In the user's words, for reasons (`aws_security_group_rule.a`, `EgressRule`).
    pub name: String,
    pub span: Span,
    /// The group's id value (unknown when not set, with the front end's reason).
    pub group: Spanned,
    pub direction: Result<Direction, Reason>,
    /// Whether the rule exists is unknown (instances, conditions): the reason.
    pub maybe: Option<Reason>,
    /// `None`: the resource has no properties.
    pub rule: Option<RuleView>,
}

impl Builder {
    /// Appends a rule resource to its group, or records that some group's rules are incomplete
    /// when the group, the direction, or whether the rule exists is unknown. A rule of an
    /// unknown group goes to `unresolved`, the model's list (kept in the front end's order).
    pub fn add_sg_rule(&mut self, view: RuleResourceView, unresolved: &mut Vec<Unresolved>) {
        let gid = match expect(&view.group.v, "security group", pick_sg) {
            Value::Known(g) => g,
            Value::Unknown(why) => {
                unresolved.push(Unresolved {
                    what: UnresolvedKind::SecurityGroup,
                    reason: Reason::new(format!(
                        "rule `{}` of an unknown security group: {why}",
                        view.name
                    )),
                    span: view.span,
                });
                return;
            }
        };
        let Some(sg) = self.security_groups.get_mut(gid.0) else {
            return;
        };
        let incomplete = |list: &mut SgRules, why: Reason| {
            list.incomplete.get_or_insert(why);
        };
        let dir = match view.direction {
            Ok(d) => d,
            Err(why) => {
                let why = Reason::new(format!("rule `{}`: {why}", view.name));
                incomplete(&mut sg.egress, why.clone());
                incomplete(&mut sg.ingress, why);
                return;
            }
        };
        let list = match dir {
            Direction::Egress => &mut sg.egress,
            Direction::Ingress => &mut sg.ingress,
        };
        match (view.maybe, view.rule) {
            (Some(why), _) => incomplete(list, why),
            (None, Some(r)) => list.rules.extend(rule(Some(gid), r)),
            (None, None) => incomplete(
                list,
                Reason::new(format!("rule `{}` has no properties", view.name)),
            ),
        }
    }
}
