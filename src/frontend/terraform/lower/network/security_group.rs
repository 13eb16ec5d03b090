//! Security group rules: inline `egress` / `ingress` of `aws_security_group` (blocks, `dynamic`
//! blocks, or the attribute form `egress = [...]`), and the rule resources
//! `aws_security_group_rule`, `aws_vpc_security_group_egress_rule` and
//! `aws_vpc_security_group_ingress_rule`, which append to their group.
//!
//! A group without `egress` has no egress at all: the AWS provider deletes the allow-all rule
//! AWS adds to a new group ("Terraform removes the default rule, and requires you specifically
//! re-create it", `aws_security_group` documentation). So unlike CloudFormation no default rule
//! is lowered.

use super::{pick_sg, v4, v6};
use crate::frontend::terraform::eval::{reason_or, Val};
use crate::frontend::terraform::lower::{uncertain_reason, Inst, Lowerer};
use crate::model::*;
use crate::source::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Egress,
    Ingress,
}

impl Direction {
    fn key(self) -> &'static str {
        match self {
            Direction::Egress => "egress",
            Direction::Ingress => "ingress",
        }
    }
}

/// The inline rules of a group in one direction.
pub(super) fn inline_rules(
    lw: &Lowerer<'_>,
    inst: &Inst<'_>,
    me: SecurityGroupId,
    egress: bool,
) -> SgRules {
    let dir = if egress {
        Direction::Egress
    } else {
        Direction::Ingress
    };
    let mut out = SgRules::default();
    // Attribute form (`egress = []`, `egress = [{...}]`, `egress = var.rules`).
    if let Some((v, _)) = lw.arg(inst, dir.key()) {
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
                            out.rules.extend(rules_of(lw, &get, Some(me)));
                        }
                        other => {
                            out.incomplete.get_or_insert(reason_or(
                                &other,
                                format!("an `{}` entry is not an object", dir.key()),
                            ));
                        }
                    }
                }
            }
            other => {
                out.incomplete = Some(reason_or(
                    &other,
                    format!(
                        "`{}` is a {}, not a list of rules",
                        dir.key(),
                        other.type_name()
                    ),
                ));
            }
        }
    }
    match lw.ev.blocks(inst.res.body(), dir.key(), &inst.scope) {
        Ok(blocks) => {
            for (body, _, scope) in blocks {
                let get = |k: &str| lw.arg_in(body, &scope, k);
                out.rules.extend(rules_of(lw, &get, Some(me)));
            }
        }
        Err(r) => {
            out.incomplete.get_or_insert(r);
        }
    }
    out
}

/// Reads one field of a rule: `(value, span)`, `None` when unset or null.
type Get<'g> = dyn Fn(&str) -> Option<(Val, Span)> + 'g;

/// The rules of an inline rule (block or object) or an `aws_security_group_rule`: one per peer
/// (each CIDR block, IPv6 block, prefix list, security group, and `self`), each at the span of
/// its list item (or attribute, for a single peer).
fn rules_of(lw: &Lowerer<'_>, get: &Get<'_>, me: Option<SecurityGroupId>) -> Vec<SgRule> {
    let protocol = protocol_of(get("protocol"));
    let from_port = port_of(get("from_port"), "from_port", &protocol);
    let to_port = port_of(get("to_port"), "to_port", &protocol);
    let peers = peers_of(lw, get, me);
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

/// The peers of an inline rule or `aws_security_group_rule`, each with its span.
fn peers_of(
    lw: &Lowerer<'_>,
    get: &Get<'_>,
    me: Option<SecurityGroupId>,
) -> Vec<(Value<Peer>, Span)> {
    let mut out = Vec::new();
    let lists: [(&str, MakePeer); 4] = [
        ("cidr_blocks", |_, v| v4(v).map(Peer::V4)),
        ("ipv6_cidr_blocks", |_, v| v6(v).map(Peer::V6)),
        ("prefix_list_ids", |_, v| prefix_list(v)),
        ("security_groups", sg_peer),
    ];
    for (key, make) in lists {
        match get(key) {
            None => {}
            Some((Val::List(items), _)) => {
                out.extend(items.iter().map(|it| (make(lw, &it.val), it.span)));
            }
            Some((other, span)) => out.push((
                Value::Unknown(reason_or(
                    &other,
                    format!("`{key}` is a {}, not a list", other.type_name()),
                )),
                span,
            )),
        }
    }
    if let Some((v, span)) = get("source_security_group_id") {
        out.push((sg_peer(lw, &v), span));
    }
    match get("self") {
        Some((Val::Bool(true), span)) => out.push((
            match me {
                Some(id) => Value::Known(Peer::SecurityGroup(Value::Known(id))),
                None => Value::unknown("`self` of a rule whose security group is unknown"),
            },
            span,
        )),
        Some((Val::Bool(false), _)) | None => {}
        Some((other, span)) => out.push((
            Value::Unknown(reason_or(&other, "`self` is not a bool".into())),
            span,
        )),
    }
    out
}

/// Turns one list entry into a peer.
type MakePeer = fn(&Lowerer<'_>, &Val) -> Value<Peer>;

fn sg_peer(lw: &Lowerer<'_>, v: &Val) -> Value<Peer> {
    Value::Known(Peer::SecurityGroup(lw.resolve(
        v,
        "security group",
        pick_sg,
    )))
}

/// A prefix list id: a literal `pl-…`, or a reference named by its resource address (as route
/// destinations are).
fn prefix_list(v: &Val) -> Value<Peer> {
    match v {
        Val::Ref(r) => Value::Known(Peer::PrefixList(r.address())),
        other => match other.as_str() {
            Some(p) => Value::Known(Peer::PrefixList(p)),
            None => Value::Unknown(reason_or(other, "not a string".into())),
        },
    }
}

/// The protocol, lower-cased, with `all` written as AWS does (`-1`); numbers stay as text.
fn protocol_of(v: Option<(Val, Span)>) -> Value<String> {
    match v {
        None => Value::unknown("the rule has no protocol"),
        Some((v, _)) => match v.as_str() {
            Some(s) => Value::Known(normalise_protocol(&s)),
            None => Value::Unknown(reason_or(&v, "the protocol is not a string".into())),
        },
    }
}

pub(crate) fn normalise_protocol(s: &str) -> String {
    let p = s.trim().to_ascii_lowercase();
    if p == "all" {
        "-1".into()
    } else {
        p
    }
}

/// A port; unset means `-1` (all) for protocol `-1`, where AWS ignores ports.
fn port_of(v: Option<(Val, Span)>, key: &str, protocol: &Value<String>) -> Value<i64> {
    match v {
        None if protocol.known().is_some_and(|p| p == "-1") => Value::Known(-1),
        None => Value::unknown(format!("`{key}` is not set")),
        Some((Val::Num(n), _)) if n.fract() == 0.0 && n.abs() < 1e9 => Value::Known(n as i64),
        Some((v, _)) => match v.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(n) => Value::Known(n),
            None => Value::Unknown(reason_or(&v, format!("`{key}` is not a port number"))),
        },
    }
}

/// A rule resource: appends its rules to its group, or records that some group's rules are
/// incomplete when the group (or whether the rule exists) is unknown.
pub(super) fn rule_resource(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let group = match lw.arg(inst, "security_group_id") {
        Some((v, _)) => lw.resolve(&v, "security group", pick_sg),
        None => Value::unknown("`security_group_id` is not set"),
    };
    let dir: Result<Direction, Reason> = match inst.res.kind {
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
    let Value::Known(gid) = group else {
        let reason = group
            .reason()
            .cloned()
            .unwrap_or_else(|| Reason::new("unknown"));
        lw.push_unresolved(
            UnresolvedKind::SecurityGroup,
            Reason::new(format!(
                "rule `{}` of an unknown security group: {reason}",
                inst.address
            )),
            inst.span,
        );
        return;
    };
    let rules = if inst.res.kind == "aws_security_group_rule" {
        let get = |k: &str| lw.arg(inst, k);
        rules_of(lw, &get, Some(gid))
    } else {
        vpc_rule(lw, inst)
    };
    let Some(sg) = lw.model.security_groups.get_mut(gid.index()) else {
        return;
    };
    let incomplete = |list: &mut SgRules, why: &Reason| {
        list.incomplete.get_or_insert_with(|| why.clone());
    };
    match (dir, uncertain_reason(inst)) {
        (Ok(Direction::Egress), None) => sg.egress.rules.extend(rules),
        (Ok(Direction::Ingress), None) => sg.ingress.rules.extend(rules),
        // Whether the rule exists is unknown: the group's rules in its direction are incomplete.
        (Ok(Direction::Egress), Some(why)) => incomplete(&mut sg.egress, &why),
        (Ok(Direction::Ingress), Some(why)) => incomplete(&mut sg.ingress, &why),
        (Err(why), _) => {
            let why = Reason::new(format!("rule `{}`: {why}", inst.address));
            incomplete(&mut sg.egress, &why);
            incomplete(&mut sg.ingress, &why);
        }
    }
}

/// `aws_vpc_security_group_{egress,ingress}_rule`: one peer per resource.
fn vpc_rule(lw: &Lowerer<'_>, inst: &Inst<'_>) -> Vec<SgRule> {
    let protocol = protocol_of(lw.arg(inst, "ip_protocol"));
    let from_port = port_of(lw.arg(inst, "from_port"), "from_port", &protocol);
    let to_port = port_of(lw.arg(inst, "to_port"), "to_port", &protocol);
    let peer = if let Some((v, _)) = lw.arg(inst, "cidr_ipv4") {
        v4(&v).map(Peer::V4)
    } else if let Some((v, _)) = lw.arg(inst, "cidr_ipv6") {
        v6(&v).map(Peer::V6)
    } else if let Some((v, _)) = lw.arg(inst, "prefix_list_id") {
        prefix_list(&v)
    } else if let Some((v, _)) = lw.arg(inst, "referenced_security_group_id") {
        sg_peer(lw, &v)
    } else {
        Value::unknown("the rule has no peer")
    };
    // One peer per resource: the rule is the resource.
    vec![SgRule {
        span: inst.span,
        origin: Origin::Explicit,
        protocol,
        from_port,
        to_port,
        peer,
    }]
}
