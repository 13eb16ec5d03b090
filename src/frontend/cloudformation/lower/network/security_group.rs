//! Security groups as views of the shared lowering (`crate::lower::security_group`):
//! `SecurityGroupEgress` / `SecurityGroupIngress` of `AWS::EC2::SecurityGroup`, and the
//! `AWS::EC2::SecurityGroupEgress` / `AWS::EC2::SecurityGroupIngress` resources that append to
//! a group.
//!
//! A separate `AWS::EC2::SecurityGroupEgress` resource is created after its group (it needs the
//! group's id) and only adds a rule (AuthorizeSecurityGroupEgress): AWS's default rules stay.
//! CDK's "disallow all traffic" placeholder (icmp 252-86 to 255.255.255.255/32) is an inline
//! rule that covers nothing, so its group gets no default rule.

use super::super::super::intrinsics::Ev;
use super::super::super::template::{full_span, Resource};
use super::super::Lower;
use crate::lower::security_group::{
    self as shared, Direction, Field, NoEgress, PeerV, PeerView, RuleEntry, RuleResourceView,
    RuleView, RulesView, SecurityGroupView,
};
use crate::lower::value::Spanned;
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

pub(in crate::frontend::cloudformation::lower) const SECURITY_GROUP_TYPES: &[&str] =
    &["AWS::EC2::SecurityGroup"];

impl<'a> Lower<'_, '_, 'a> {
    pub(in crate::frontend::cloudformation::lower) fn lower_security_groups(&mut self) {
        for r in self.of_type(SECURITY_GROUP_TYPES) {
            let Some(me) = self.index.security_groups.get(r.id).copied() else {
                continue;
            };
            let view = SecurityGroupView {
                meta: self.meta(&r),
                span: r.key_span,
                vpc: self.attr_req(
                    &r,
                    "VpcId",
                    "security group without `VpcId` (the account's default VPC)",
                    |e| self.resolve_vpc(e),
                ),
                egress: self.inline_rules(&r, &EGRESS),
                ingress: self.inline_rules(&r, &INGRESS),
                // AWS adds its allow-all egress to a group created without egress rules (see
                // `NoEgress::AwsDefault`).
                no_egress: NoEgress::AwsDefault,
            };
            let sg = shared::security_group(me, view);
            self.b.security_groups.fill(me.0, sg);
        }
        for r in self.of_type(&[
            "AWS::EC2::SecurityGroupEgress",
            "AWS::EC2::SecurityGroupIngress",
        ]) {
            self.rule_resource(&r);
        }
    }

    /// The inline rules of one direction.
    fn inline_rules(&self, r: &Resource<'a>, names: &Names) -> RulesView {
        let Some(node) = r.prop(names.property) else {
            return RulesView::Absent;
        };
        let items = match self.ev.ev(node) {
            Ev::NoValue => return RulesView::Absent,
            Ev::List(items) => items,
            other => {
                let why = match other.as_string() {
                    Value::Unknown(why) => why,
                    Value::Known(_) => Reason::new(format!("`{}` is not a list", names.property)),
                };
                return RulesView::Unknown(why);
            }
        };
        let entries = items
            .into_iter()
            .map(|item| match item.value {
                Ev::Map(rule) => RuleEntry::Rule(Box::new(self.rule(rule, item.span, names))),
                other => RuleEntry::NotARule(
                    other
                        .as_string()
                        .reason()
                        .cloned()
                        .unwrap_or_else(|| Reason::new("a rule is not a mapping")),
                ),
            })
            .collect();
        RulesView::Written(entries)
    }

    /// One rule (an inline mapping, or a rule resource's properties), at `span`: one peer.
    fn rule(&self, rule: &'a Node, span: Span, names: &Names) -> RuleView {
        let get = |k: &str| -> Option<Spanned> {
            let n = rule.get(k)?;
            match self.ev.ev(n) {
                Ev::NoValue => None,
                ev => Some(self.neutral(ev, full_span(n))),
            }
        };
        let field = |key: &'static str| Field {
            key,
            value: get(key),
        };
        type MakePeer = fn(Spanned) -> PeerV;
        let peers: [(&str, MakePeer); 5] = [
            ("CidrIp", PeerV::V4),
            ("CidrIpv6", PeerV::V6),
            (names.prefix_list, PeerV::PrefixList),
            (names.group, PeerV::Group),
            // Default-VPC groups by name: only the group's own name would be known.
            ("SourceSecurityGroupName", PeerV::GroupName),
        ];
        let peer = peers.into_iter().find_map(|(key, make)| {
            get(key).map(|v| PeerView {
                span,
                peer: make(v),
            })
        });
        RuleView {
            protocol: field("IpProtocol"),
            from_port: field("FromPort"),
            to_port: field("ToPort"),
            peers: peer.into_iter().collect(),
            one_peer: Some(span),
        }
    }

    /// `AWS::EC2::SecurityGroupEgress` / `AWS::EC2::SecurityGroupIngress`: appended to the
    /// group named by `GroupId`.
    fn rule_resource(&mut self, r: &Resource<'a>) {
        let egress = r.kind == "AWS::EC2::SecurityGroupEgress";
        let names = if egress { &EGRESS } else { &INGRESS };
        let group = self
            .neutral_prop(r, "GroupId")
            .unwrap_or_else(|| Spanned::unknown(Reason::new("no `GroupId`"), r.key_span));
        // A rule whose condition is unknown may or may not exist.
        let maybe = r
            .condition
            .and_then(|c| self.ev.condition(c).reason().cloned())
            .map(|why| Reason::new(format!("whether rule `{}` exists is unknown: {why}", r.id)));
        let view = RuleResourceView {
            name: r.id.to_string(),
            span: r.key_span,
            group,
            direction: Ok(if egress {
                Direction::Egress
            } else {
                Direction::Ingress
            }),
            maybe,
            rule: r.props.map(|p| self.rule(p, r.key_span, names)),
        };
        self.b.add_sg_rule(view, &mut self.model.unresolved);
    }
}
