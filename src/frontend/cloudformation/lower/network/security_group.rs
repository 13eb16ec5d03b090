//! Security groups and their rules: `SecurityGroupEgress` / `SecurityGroupIngress` of
//! `AWS::EC2::SecurityGroup`, and the `AWS::EC2::SecurityGroupEgress` /
//! `AWS::EC2::SecurityGroupIngress` resources that append to a group.
//!
//! AWS's default egress: "When you create a security group, if you do not add egress rules, we
//! add egress rules that allow all outbound IPv4 and IPv6 traffic. Otherwise, we do not add
//! them." (AWS::EC2::SecurityGroup, CloudFormation template reference). A separate
//! `AWS::EC2::SecurityGroupEgress` resource is created after its group (it needs the group's
//! id) and only adds a rule (AuthorizeSecurityGroupEgress): the default rules stay. CDK's
//! "disallow all traffic" placeholder (icmp 252-86 to 255.255.255.255/32) is an inline rule that
//! covers nothing, so its group gets no default rule.

use ipnet::{Ipv4Net, Ipv6Net};

use super::super::super::intrinsics::Ev;
use super::super::super::template::Resource;
use super::super::{Lower, SECURITY_GROUP};
use super::{cidr4, cidr6};
use crate::model::*;
use crate::source::Span;
use crate::syntax::Node;

/// The property names of one direction, inline and in the rule resources.
struct Names {
    /// `SecurityGroupEgress` / `SecurityGroupIngress`.
    property: &'static str,
    prefix_list: &'static str,
    group: &'static str,
}

const EGRESS: Names = Names {
    property: "SecurityGroupEgress",
    prefix_list: "DestinationPrefixListId",
    group: "DestinationSecurityGroupId",
};

const INGRESS: Names = Names {
    property: "SecurityGroupIngress",
    prefix_list: "SourcePrefixListId",
    group: "SourceSecurityGroupId",
};

/// Protocols as AWS writes them: lower case, `-1` for all; numbers stay text.
fn protocol(ev: &Ev<'_>) -> Value<String> {
    ev.as_string().map(|s| {
        let p = s.trim().to_ascii_lowercase();
        if p == "all" {
            "-1".to_string()
        } else {
            p
        }
    })
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

impl<'a> Lower<'_, '_, 'a> {
    pub(in crate::frontend::cloudformation::lower) fn lower_security_groups(&mut self) {
        for r in self.of_type(&["AWS::EC2::SecurityGroup"]) {
            let meta = self.meta(&r);
            let vpc = self.attr_req(
                &r,
                "VpcId",
                "security group without `VpcId` (the account's default VPC)",
                |e| self.resolve_vpc(e),
            );
            let egress = self.inline_rules(&r, &EGRESS, true);
            let ingress = self.inline_rules(&r, &INGRESS, false);
            self.model.security_groups.push(SecurityGroup {
                meta,
                vpc,
                egress,
                ingress,
            });
        }
        for r in self.of_type(&[
            "AWS::EC2::SecurityGroupEgress",
            "AWS::EC2::SecurityGroupIngress",
        ]) {
            self.rule_resource(&r);
        }
    }

    /// The inline rules of one direction; `egress` adds AWS's default when none are written.
    fn inline_rules(&self, r: &Resource<'a>, names: &Names, egress: bool) -> SgRules {
        let Some(node) = r.prop(names.property) else {
            return self.no_rules(r, egress);
        };
        let items = match self.ev.ev(node) {
            Ev::NoValue => return self.no_rules(r, egress),
            Ev::List(items) => items,
            other => {
                let why = match other.as_string() {
                    Value::Unknown(why) => why,
                    Value::Known(_) => Reason::new(format!("`{}` is not a list", names.property)),
                };
                return SgRules {
                    rules: Vec::new(),
                    incomplete: Some(why),
                };
            }
        };
        if items.is_empty() && egress {
            // Creating the group with an empty list leaves AWS's default rules in place, but an
            // update to an empty list removes all egress: it depends on the stack's history.
            return SgRules {
                rules: Vec::new(),
                incomplete: Some(Reason::new(
                    "an empty `SecurityGroupEgress` keeps AWS's allow-all rule when the group is created but removes every rule on update",
                )),
            };
        }
        let mut out = SgRules::default();
        for item in items {
            match item.value {
                Ev::Map(rule) => out.rules.push(self.rule(rule, item.span, names)),
                other => {
                    let why = other
                        .as_string()
                        .reason()
                        .cloned()
                        .unwrap_or_else(|| Reason::new("a rule is not a mapping"));
                    out.incomplete.get_or_insert(why);
                }
            }
        }
        out
    }

    /// A direction without written rules: AWS's default for egress, nothing for ingress.
    fn no_rules(&self, r: &Resource<'a>, egress: bool) -> SgRules {
        SgRules {
            rules: if egress {
                default_egress(r.key_span)
            } else {
                Vec::new()
            },
            incomplete: None,
        }
    }

    /// One rule (an inline mapping, or a rule resource's properties), at `span`.
    fn rule(&self, rule: &'a Node, span: Span, names: &Names) -> SgRule {
        let get = |k: &str| {
            rule.get(k)
                .map(|n| self.ev.ev(n))
                .filter(|e| *e != Ev::NoValue)
        };
        let protocol = match get("IpProtocol") {
            Some(e) => protocol(&e),
            None => Value::unknown("the rule has no `IpProtocol`"),
        };
        let port = |key: &str| match get(key) {
            None if protocol.known().is_some_and(|p| p == "-1") => Value::Known(-1),
            None => Value::unknown(format!("the rule has no `{key}`")),
            Some(e) => match e.as_string() {
                Value::Known(s) => match s.trim().parse::<i64>() {
                    Ok(n) => Value::Known(n),
                    Err(_) => Value::unknown(format!("`{s}` is not a port number")),
                },
                Value::Unknown(why) => Value::Unknown(why),
            },
        };
        let (from_port, to_port) = (port("FromPort"), port("ToPort"));
        let peer = if let Some(e) = get("CidrIp") {
            cidr4(&e).map(Peer::V4)
        } else if let Some(e) = get("CidrIpv6") {
            cidr6(&e).map(Peer::V6)
        } else if let Some(e) = get(names.prefix_list) {
            e.as_string().map(Peer::PrefixList)
        } else if let Some(e) = get(names.group) {
            let g = self.resolve(&e, &self.index.security_groups, SECURITY_GROUP);
            Value::Known(Peer::SecurityGroup(g))
        } else if let Some(e) = get("SourceSecurityGroupName") {
            // Default-VPC groups by name: only the group's own name would be known.
            let why = match e.as_string() {
                Value::Known(n) => format!("security group named `{n}`"),
                Value::Unknown(why) => why.0,
            };
            Value::Known(Peer::SecurityGroup(Value::unknown(why)))
        } else {
            Value::unknown("the rule has no peer (CIDR, prefix list or security group)")
        };
        SgRule {
            span,
            origin: Origin::Explicit,
            protocol,
            from_port,
            to_port,
            peer,
        }
    }

    /// `AWS::EC2::SecurityGroupEgress` / `AWS::EC2::SecurityGroupIngress`: appended to the
    /// group named by `GroupId`.
    fn rule_resource(&mut self, r: &Resource<'a>) {
        let egress = r.kind == "AWS::EC2::SecurityGroupEgress";
        let names = if egress { &EGRESS } else { &INGRESS };
        let group = match self.prop(r, "GroupId") {
            Some((ev, _)) => self.resolve(&ev, &self.index.security_groups, SECURITY_GROUP),
            None => Value::unknown("no `GroupId`"),
        };
        let gid = match group {
            Value::Known(g) => g,
            Value::Unknown(why) => {
                self.unresolved(
                    UnresolvedKind::SecurityGroup,
                    Reason::new(format!(
                        "rule `{}` of an unknown security group: {why}",
                        r.id
                    )),
                    r.key_span,
                );
                return;
            }
        };
        // A rule whose condition is unknown may or may not exist.
        let maybe = r
            .condition
            .and_then(|c| self.ev.condition(c).reason().cloned());
        let rule = r.props.map(|p| self.rule(p, r.key_span, names));
        let Some(sg) = self.model.security_groups.get_mut(gid.index()) else {
            return;
        };
        let list = if egress {
            &mut sg.egress
        } else {
            &mut sg.ingress
        };
        match (maybe, rule) {
            (Some(why), _) => {
                list.incomplete.get_or_insert_with(|| {
                    Reason::new(format!("whether rule `{}` exists is unknown: {why}", r.id))
                });
            }
            (None, Some(rule)) => list.rules.push(rule),
            (None, None) => {
                list.incomplete.get_or_insert_with(|| {
                    Reason::new(format!("rule `{}` has no properties", r.id))
                });
            }
        }
    }
}
