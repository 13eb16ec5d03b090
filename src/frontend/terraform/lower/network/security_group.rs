//! Security groups as views of the shared lowering (`crate::lower::security_group`): inline
//! `egress` / `ingress` of `aws_security_group` (blocks, `dynamic` blocks, or the attribute
//! form `egress = [...]`), and the rule resources `aws_security_group_rule`,
//! `aws_vpc_security_group_egress_rule` and `aws_vpc_security_group_ingress_rule`.

use super::pick_vpc;
use crate::frontend::terraform::eval::{reason_or, Val};
use crate::frontend::terraform::lower::{uncertain_reason, Entity, Inst, Lowerer};
use crate::lower::security_group::{
    self as shared, Direction, Field, NoEgress, PeerV, PeerView, RuleEntry, RuleResourceView,
    RuleView, RulesView, SecurityGroupView,
};
use crate::lower::value::{Spanned, V};
use crate::model::*;
use crate::source::Span;

fn key(dir: Direction) -> &'static str {
    match dir {
        Direction::Egress => "egress",
        Direction::Ingress => "ingress",
    }
}

pub(in crate::frontend::terraform::lower) fn security_group(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::SecurityGroup(me)) = lw.id_of(inst) else {
        return;
    };
    let vpc = match lw.arg(inst, "vpc_id") {
        Some((v, span)) => Attr::explicit(lw.resolve(&v, "VPC", pick_vpc), span),
        None => Attr {
            value: Value::unknown("`vpc_id` is not set (the region's default VPC)"),
            span: inst.block_span,
            origin: Origin::Default,
        },
    };
    let sg = shared::security_group(
        me,
        SecurityGroupView {
            meta: inst.meta(),
            span: inst.block_span,
            vpc,
            egress: inline_rules(lw, inst, Direction::Egress),
            ingress: inline_rules(lw, inst, Direction::Ingress),
            // The provider deletes AWS's default egress rule (see `NoEgress::Nothing`).
            no_egress: NoEgress::Nothing,
        },
    );
    lw.b.security_groups.fill(me.0, sg);
}

/// The inline rules of a group in one direction: the attribute form and blocks together.
fn inline_rules(lw: &Lowerer<'_>, inst: &Inst<'_>, dir: Direction) -> RulesView {
    let mut out = Vec::new();
    // Attribute form (`egress = []`, `egress = [{...}]`, `egress = var.rules`).
    if let Some((v, _)) = lw.arg(inst, key(dir)) {
        match v {
            Val::List(items) => {
                for it in items {
                    match it.val {
                        Val::Map(m) => {
                            let get = |k: &str| {
                                m.get(k)
                                    .filter(|i| !i.val.is_null())
                                    .map(|i| (i.val.clone(), i.span))
                            };
                            out.push(RuleEntry::Rule(Box::new(rule_view(lw, &get))));
                        }
                        other => out.push(RuleEntry::NotARule(reason_or(
                            &other,
                            format!("an `{}` entry is not an object", key(dir)),
                        ))),
                    }
                }
            }
            other => out.push(RuleEntry::NotARule(reason_or(
                &other,
                format!(
                    "`{}` is a {}, not a list of rules",
                    key(dir),
                    other.type_name()
                ),
            ))),
        }
    }
    match lw.ev.blocks(inst.res.body(), key(dir), &inst.scope) {
        Ok(blocks) => {
            for (body, _, scope) in blocks {
                let get = |k: &str| lw.arg_in(body, &scope, k);
                out.push(RuleEntry::Rule(Box::new(rule_view(lw, &get))));
            }
        }
        Err(r) => out.push(RuleEntry::NotARule(r)),
    }
    RulesView::Written(out)
}

/// Reads one field of a rule: `(value, span)`, `None` when unset or null.
type Get<'g> = dyn Fn(&str) -> Option<(Val, Span)> + 'g;

fn field(lw: &Lowerer<'_>, get: &Get<'_>, key: &'static str) -> Field {
    Field {
        key,
        value: get(key).map(|(v, s)| lw.neutral(v, s)),
    }
}

/// An inline rule (block or object) or an `aws_security_group_rule`: one peer per CIDR block,
/// IPv6 block, prefix list, security group, and `self`, each at the span of its list item (or
/// attribute, for a single peer).
fn rule_view(lw: &Lowerer<'_>, get: &Get<'_>) -> RuleView {
    RuleView {
        protocol: field(lw, get, "protocol"),
        from_port: field(lw, get, "from_port"),
        to_port: field(lw, get, "to_port"),
        peers: peers_of(lw, get),
        one_peer: None,
    }
}

/// What a peer field holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PeerKind {
    V4,
    V6,
    PrefixList,
    Group,
}

fn peers_of(lw: &Lowerer<'_>, get: &Get<'_>) -> Vec<PeerView> {
    let mut out = Vec::new();
    let lists = [
        ("cidr_blocks", PeerKind::V4),
        ("ipv6_cidr_blocks", PeerKind::V6),
        ("prefix_list_ids", PeerKind::PrefixList),
        ("security_groups", PeerKind::Group),
    ];
    for (key, make) in lists {
        match get(key) {
            None => {}
            Some((Val::List(items), _)) => {
                out.extend(items.into_iter().map(|it| PeerView {
                    span: it.span,
                    peer: peer_value(lw, make, it.val, it.span),
                }));
            }
            Some((other, span)) => out.push(PeerView {
                span,
                peer: PeerV::Unknown(reason_or(
                    &other,
                    format!("`{key}` is a {}, not a list", other.type_name()),
                )),
            }),
        }
    }
    if let Some((v, span)) = get("source_security_group_id") {
        out.push(PeerView {
            span,
            peer: PeerV::Group(lw.neutral(v, span)),
        });
    }
    match get("self") {
        Some((Val::Bool(true), span)) => out.push(PeerView {
            span,
            peer: PeerV::Own,
        }),
        Some((Val::Bool(false), _)) | None => {}
        Some((other, span)) => out.push(PeerView {
            span,
            peer: PeerV::Unknown(reason_or(&other, "`self` is not a bool".into())),
        }),
    }
    out
}

/// A peer value. An endpoint's `prefix_list_id` stays a reference, which the shared lowering
/// resolves to the endpoint; any other reference that gives a prefix list (a managed prefix
/// list resource) is named by its resource address, as route destinations are.
fn peer_value(lw: &Lowerer<'_>, kind: PeerKind, v: Val, span: Span) -> PeerV {
    match (kind, v) {
        (PeerKind::PrefixList, Val::Ref(r)) if r.attr.as_deref() == Some("prefix_list_id") => {
            PeerV::PrefixList(lw.neutral(Val::Ref(r), span))
        }
        (PeerKind::PrefixList, Val::Ref(r)) => {
            PeerV::PrefixList(Spanned::new(V::Str(r.address()), span))
        }
        (PeerKind::PrefixList, v) => PeerV::PrefixList(lw.neutral(v, span)),
        (PeerKind::V4, v) => PeerV::V4(lw.neutral(v, span)),
        (PeerKind::V6, v) => PeerV::V6(lw.neutral(v, span)),
        (PeerKind::Group, v) => PeerV::Group(lw.neutral(v, span)),
    }
}

/// A rule resource: appended to its group by the shared lowering.
pub(in crate::frontend::terraform::lower) fn rule_resource(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let group = match lw.arg(inst, "security_group_id") {
        Some((v, span)) => lw.neutral(v, span),
        None => Spanned::unknown(Reason::new("`security_group_id` is not set"), inst.span),
    };
    let direction = match inst.res.kind {
        "aws_vpc_security_group_egress_rule" => Ok(Direction::Egress),
        "aws_vpc_security_group_ingress_rule" => Ok(Direction::Ingress),
        _ => match lw.arg(inst, "type") {
            Some((Val::Str(s), _)) if s == "egress" => Ok(Direction::Egress),
            Some((Val::Str(s), _)) if s == "ingress" => Ok(Direction::Ingress),
            Some((v, _)) => Err(reason_or(
                &v,
                "the rule's `type` is not ingress or egress".into(),
            )),
            None => Err(Reason::new("the rule's `type` is not set")),
        },
    };
    let rule = if inst.res.kind == "aws_security_group_rule" {
        let get = |k: &str| lw.arg(inst, k);
        rule_view(lw, &get)
    } else {
        vpc_rule(lw, inst)
    };
    let view = RuleResourceView {
        name: inst.address.clone(),
        span: inst.span,
        group,
        direction,
        maybe: uncertain_reason(inst),
        rule: Some(rule),
    };
    lw.b.add_sg_rule(view, &mut lw.model.unresolved);
}

/// `aws_vpc_security_group_{egress,ingress}_rule`: one peer per resource; the rule is the
/// resource.
fn vpc_rule(lw: &Lowerer<'_>, inst: &Inst<'_>) -> RuleView {
    let get = |k: &str| lw.arg(inst, k);
    let peer = [
        ("cidr_ipv4", PeerKind::V4),
        ("cidr_ipv6", PeerKind::V6),
        ("prefix_list_id", PeerKind::PrefixList),
        ("referenced_security_group_id", PeerKind::Group),
    ]
    .into_iter()
    .find_map(|(key, make)| {
        let (v, span) = get(key)?;
        Some(PeerView {
            span: inst.span,
            peer: peer_value(lw, make, v, span),
        })
    });
    RuleView {
        protocol: field(lw, &get, "ip_protocol"),
        from_port: field(lw, &get, "from_port"),
        to_port: field(lw, &get, "to_port"),
        peers: peer.into_iter().collect(),
        one_peer: Some(inst.span),
    }
}
