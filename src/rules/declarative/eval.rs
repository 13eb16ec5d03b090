//! Evaluation over the model and its facts, in three-valued logic: a predicate with an unknown
//! operand is unknown, and only a predicate that is known to be true produces a finding.

use std::collections::BTreeSet;

use wildmatch::WildMatch;

use super::compile::{At, Check, Part, TExpr, TPath, Template};
use super::expr::{CmpOp, Quant};
use super::schema::{Field, Kind};
use super::value::{self, num, Ent, Item, List, Tri, Val, V};
use crate::analysis::endpoints::endpoint_service;
use crate::analysis::routing::Egress;
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::*;
use crate::rules::RuleContext;
use crate::source::Span;

/// A bound variable: its entity (or value) and where it was reached.
#[derive(Clone)]
struct Slot {
    val: V,
    via: Span,
}

struct Eval<'a> {
    ctx: &'a RuleContext<'a>,
}

fn unknown(why: impl Into<String>) -> Val {
    Err(Reason::new(why))
}

fn attr<T>(a: &Attr<T>, f: impl Fn(&T) -> V) -> (Val, Span) {
    (
        match &a.value {
            Value::Known(x) => Ok(f(x)),
            Value::Unknown(r) => Err(r.clone()),
        },
        a.span,
    )
}

/// A field of a function without a VPC configuration: its value when the function is certainly
/// not attached, unknown when a configuration may exist (`Function::maybe_vpc`).
fn maybe_vpc(
    m: &crate::model::Model,
    id: crate::model::FunctionId,
    none: V,
    at: Span,
) -> (Val, Span) {
    match &m.function(id).maybe_vpc {
        Some(r) => (Err(r.clone()), at),
        None => (Ok(none), at),
    }
}

fn items<T: Copy>(list: &[crate::model::Item<T>], f: impl Fn(T) -> Ent) -> List {
    List {
        items: list
            .iter()
            .map(|i| Item {
                val: match &i.value {
                    Value::Known(x) => Ok(V::Ent(f(*x))),
                    Value::Unknown(r) => Err(r.clone()),
                },
                span: Some(i.span),
            })
            .collect(),
        incomplete: None,
    }
}

fn strings(list: &Value<Vec<crate::model::Item<String>>>) -> Val {
    match list {
        Value::Known(v) => Ok(V::List(List {
            items: v
                .iter()
                .map(|i| Item {
                    val: i.value.clone().map(V::Str).known().cloned().ok_or_else(|| {
                        i.value
                            .reason()
                            .cloned()
                            .unwrap_or_else(|| Reason::new("unknown"))
                    }),
                    span: Some(i.span),
                })
                .collect(),
            incomplete: None,
        })),
        Value::Unknown(r) => Err(r.clone()),
    }
}

impl<'a> Eval<'a> {
    fn model(&self) -> &'a Model {
        self.ctx.model
    }

    fn meta(&self, e: Ent) -> Option<&'a Meta> {
        let m = self.model();
        Some(match e {
            Ent::Function(id) | Ent::VpcConfig(id) => &m.function(id).meta,
            Ent::Subnet(id) => &m.subnet(id).meta,
            Ent::Vpc(id) => &m.vpc(id).meta,
            Ent::SecurityGroup(id) => &m.security_group(id).meta,
            Ent::Endpoint(id) => &m.endpoint(id).meta,
            Ent::Role(id) => &m.role(id).meta,
            Ent::Statement(..) => return None,
        })
    }

    fn statement(&self, p: PolicyId, i: usize) -> Option<&'a Statement> {
        self.model().policy(p).statements.known()?.get(i)
    }

    pub fn name(&self, e: Ent) -> String {
        match e {
            Ent::Statement(p, i) => {
                let policy = &self.model().policy(p).meta.name;
                match self.statement(p, i).and_then(|s| s.sid.as_ref()) {
                    Some(sid) => format!("{policy} statement {sid}"),
                    None => format!("{policy} statement {}", i + 1),
                }
            }
            Ent::VpcConfig(id) => format!("{} vpc_config", self.model().function(id).meta.name),
            other => self.meta(other).map(|m| m.name.clone()).unwrap_or_default(),
        }
    }

    fn span(&self, e: Ent) -> Span {
        match e {
            Ent::Statement(p, i) => self
                .statement(p, i)
                .map_or(self.model().policy(p).meta.span, |s| s.span),
            Ent::VpcConfig(id) => self
                .model()
                .function(id)
                .vpc_config
                .as_ref()
                .map_or(self.model().function(id).meta.span, |v| v.span),
            other => self.meta(other).map(|m| m.span).unwrap_or(Span {
                file: crate::source::FileId(0),
                start: 0,
                end: 0,
            }),
        }
    }

    /// Reads one field of one entity, with the span of the attribute it comes from.
    fn get(&self, e: Ent, field: Field) -> (Val, Span) {
        let m = self.model();
        let here = self.span(e);
        match (e, field) {
            (_, Field::Name) => (Ok(V::Str(self.name(e))), here),
            (_, Field::ResourceType) => (
                self.meta(e).map_or_else(
                    || unknown("no resource type"),
                    |m| Ok(V::Str(m.kind.clone())),
                ),
                here,
            ),
            (_, Field::Ref) => {
                let name = self.name(e);
                (Ok(V::Str(self.ctx.reference(&name))), here)
            }
            (Ent::Function(id), Field::VpcConfig) => match &m.function(id).vpc_config {
                Some(vc) => (Ok(V::Ent(Ent::VpcConfig(id))), vc.span),
                // A configuration that may exist is not null: unknown.
                None => maybe_vpc(m, id, V::Null, here),
            },
            (Ent::Function(id) | Ent::VpcConfig(id), Field::SubnetIds) => {
                match &m.function(id).vpc_config {
                    Some(vc) => attr(&vc.subnets, |l| V::List(items(l, Ent::Subnet))),
                    None => maybe_vpc(m, id, V::List(List::default()), here),
                }
            }
            (Ent::Function(id) | Ent::VpcConfig(id), Field::SecurityGroupIds) => {
                match &m.function(id).vpc_config {
                    Some(vc) => attr(&vc.security_groups, |l| {
                        V::List(items(l, Ent::SecurityGroup))
                    }),
                    None => maybe_vpc(m, id, V::List(List::default()), here),
                }
            }
            (Ent::Function(id) | Ent::VpcConfig(id), Field::DualStack) => {
                match &m.function(id).vpc_config {
                    Some(vc) => attr(&vc.ipv6_dual_stack, |b| V::Bool(*b)),
                    None => maybe_vpc(m, id, V::Bool(false), here),
                }
            }
            (Ent::Function(id), Field::FnRole) => {
                attr(&m.function(id).role, |r| V::Ent(Ent::Role(*r)))
            }
            (Ent::Function(id), Field::FnServices) => {
                let val = match self.ctx.facts.function(id).map(|f| &f.services) {
                    Some(Value::Known(uses)) => {
                        let names: BTreeSet<&str> =
                            uses.iter().map(|u| u.service.as_str()).collect();
                        Ok(V::List(List {
                            items: names
                                .into_iter()
                                .map(|s| Item {
                                    val: Ok(V::Str(s.to_string())),
                                    span: None,
                                })
                                .collect(),
                            incomplete: None,
                        }))
                    }
                    Some(Value::Unknown(r)) => Err(r.clone()),
                    None => Ok(V::List(List::default())),
                };
                (val, here)
            }
            (Ent::Function(id), Field::FnVpc) => self.function_vpc(id),
            (Ent::Function(id), Field::FnEndpoints) => match self.function_vpc(id) {
                (Ok(V::Ent(vpc)), span) => (self.get(vpc, Field::VpcEndpoints).0, span),
                (other, span) => (other, span),
            },
            (Ent::Subnet(id), f) => {
                let s = m.subnet(id);
                match f {
                    Field::SnVpc => attr(&s.vpc, |v| V::Ent(Ent::Vpc(*v))),
                    Field::SnCidr => attr(&s.cidr, |c| V::Cidr4(*c)),
                    Field::SnIpv6Cidr => attr(&s.ipv6_cidr, |c| c.map_or(V::Null, V::Cidr6)),
                    // A position in a zone list AWS returns has no name offline.
                    Field::SnZone => match &s.availability_zone.value {
                        Value::Known(crate::model::Zone::Nth { .. }) => (
                            Err(crate::model::Reason::new(format!(
                                "availability zone {} is known only at deployment",
                                s.availability_zone
                                    .value
                                    .known()
                                    .map(ToString::to_string)
                                    .unwrap_or_default()
                            ))),
                            s.availability_zone.span,
                        ),
                        _ => attr(&s.availability_zone, |z| V::Str(z.to_string())),
                    },
                    Field::SnMapPublicIp => attr(&s.map_public_ip_on_launch, |b| V::Bool(*b)),
                    Field::SnUsable => attr(&s.cidr, |c| num(usable(c.prefix_len()))),
                    Field::SnEgress => {
                        let val = match &self.ctx.facts.subnet(id).egress {
                            Egress::InternetGateway { .. } => Ok(V::Str("internet_gateway".into())),
                            Egress::Nat { .. } => Ok(V::Str("nat_gateway".into())),
                            Egress::NoRoute { .. } => Ok(V::Str("none".into())),
                            Egress::Unknown(r) => Err(r.clone()),
                        };
                        (val, here)
                    }
                    _ => (unknown("no such field"), here),
                }
            }
            (Ent::Vpc(id), f) => {
                let v = m.vpc(id);
                match f {
                    Field::VpcCidr => attr(&v.cidr, |c| V::Cidr4(*c)),
                    Field::VpcDnsSupport => attr(&v.enable_dns_support, |b| V::Bool(*b)),
                    Field::VpcDnsHostnames => attr(&v.enable_dns_hostnames, |b| V::Bool(*b)),
                    Field::VpcTenancy => attr(&v.instance_tenancy, |t| V::Str(t.clone())),
                    Field::VpcIsDefault => (Ok(V::Bool(v.is_default)), here),
                    Field::VpcSubnets => (
                        Ok(V::List(members(
                            m.subnets.iter().map(|s| (&s.vpc.value, s.meta.span)),
                            id,
                            |i| Ent::Subnet(SubnetId(i)),
                            "a subnet's VPC is unknown",
                        ))),
                        here,
                    ),
                    Field::VpcEndpoints => (
                        Ok(V::List(members(
                            m.endpoints.iter().map(|s| (&s.vpc.value, s.meta.span)),
                            id,
                            |i| Ent::Endpoint(EndpointId(i)),
                            "an endpoint's VPC is unknown",
                        ))),
                        here,
                    ),
                    _ => (unknown("no such field"), here),
                }
            }
            (Ent::SecurityGroup(id), Field::SgVpc) => {
                attr(&m.security_group(id).vpc, |v| V::Ent(Ent::Vpc(*v)))
            }
            (Ent::Endpoint(id), f) => {
                let ep = m.endpoint(id);
                let complete = |mut l: List| {
                    if !ep.associations_complete {
                        l.incomplete = Some(Reason::new("some associations could not be resolved"));
                    }
                    V::List(l)
                };
                match f {
                    Field::EpVpc => attr(&ep.vpc, |v| V::Ent(Ent::Vpc(*v))),
                    Field::EpServiceName => match &ep.service_name.value {
                        Value::Known(p) if p.exact => {
                            (Ok(V::Str(p.text.clone())), ep.service_name.span)
                        }
                        Value::Known(p) => (
                            unknown(format!(
                                "the service name `{}` has unresolved parts",
                                p.text
                            )),
                            ep.service_name.span,
                        ),
                        Value::Unknown(r) => (Err(r.clone()), ep.service_name.span),
                    },
                    Field::EpService => {
                        let val = match &ep.service_name.value {
                            Value::Known(p) => endpoint_service(p).map(V::Str).ok_or_else(|| {
                                Reason::new("the service part of the name is unresolved")
                            }),
                            Value::Unknown(r) => Err(r.clone()),
                        };
                        (val, ep.service_name.span)
                    }
                    Field::EpType => attr(&ep.endpoint_type, |t| {
                        V::Str(
                            match t {
                                EndpointType::Gateway => "Gateway",
                                EndpointType::Interface => "Interface",
                                EndpointType::GatewayLoadBalancer => "GatewayLoadBalancer",
                            }
                            .into(),
                        )
                    }),
                    Field::EpPrivateDns => attr(&ep.private_dns, |b| V::Bool(*b)),
                    Field::EpSubnets => (Ok(complete(items(&ep.subnets, Ent::Subnet))), here),
                    Field::EpSecurityGroups => (
                        Ok(complete(items(&ep.security_groups, Ent::SecurityGroup))),
                        here,
                    ),
                    _ => (unknown("no such field"), here),
                }
            }
            (Ent::Role(id), Field::RoleStatements) => (Ok(V::List(self.statements(id))), here),
            (Ent::Statement(p, i), f) => {
                let Some(st) = self.statement(p, i) else {
                    return (unknown("the statement is unknown"), here);
                };
                let empty = || Ok(V::List(List::default()));
                let val = match f {
                    Field::StEffect => match &st.effect {
                        Value::Known(Effect::Allow) => Ok(V::Str("Allow".into())),
                        Value::Known(Effect::Deny) => Ok(V::Str("Deny".into())),
                        Value::Unknown(r) => Err(r.clone()),
                    },
                    Field::StActions => match &st.actions {
                        ActionSet::Action(a) => strings(a),
                        ActionSet::NotAction(_) => empty(),
                    },
                    Field::StNotActions => match &st.actions {
                        ActionSet::NotAction(a) => strings(a),
                        ActionSet::Action(_) => empty(),
                    },
                    Field::StResources => match &st.resources {
                        ResourceSet::Resource(Value::Known(v)) => Ok(V::List(List {
                            items: v
                                .iter()
                                .map(|i| Item {
                                    val: match &i.value {
                                        Value::Known(p) if p.exact => Ok(V::Str(p.text.clone())),
                                        Value::Known(p) => {
                                            unknown(format!("`{}` has unresolved parts", p.text))
                                        }
                                        Value::Unknown(r) => Err(r.clone()),
                                    },
                                    span: Some(i.span),
                                })
                                .collect(),
                            incomplete: None,
                        })),
                        ResourceSet::Resource(Value::Unknown(r)) => Err(r.clone()),
                        _ => empty(),
                    },
                    Field::StSid => Ok(st.sid.clone().map_or(V::Null, V::Str)),
                    Field::StHasCondition => Ok(V::Bool(st.condition.is_some())),
                    Field::StPolicy => Ok(V::Str(m.policy(p).meta.name.clone())),
                    _ => unknown("no such field"),
                };
                (val, st.span)
            }
            _ => (unknown("no such field"), here),
        }
    }

    /// The one VPC of a function's subnets, when every subnet and its VPC are known.
    fn function_vpc(&self, id: FunctionId) -> (Val, Span) {
        let (val, span) = self.get(Ent::Function(id), Field::SubnetIds);
        let Ok(V::List(list)) = val else {
            return (val.and_then(|_| unknown("no subnets")), span);
        };
        let mut vpcs = BTreeSet::new();
        for i in &list.items {
            match &i.val {
                Ok(V::Ent(s)) => match self.get(*s, Field::SnVpc).0 {
                    Ok(V::Ent(v)) => {
                        vpcs.insert(v);
                    }
                    _ => return (unknown("the VPC of a subnet is unknown"), span),
                },
                _ => return (unknown("a subnet is unknown"), span),
            }
        }
        match (vpcs.len(), vpcs.first()) {
            (1, Some(v)) => (Ok(V::Ent(*v)), span),
            (0, _) => (unknown("the function has no subnets"), span),
            _ => (unknown("the function's subnets are in several VPCs"), span),
        }
    }

    /// Statements of the policy documents of the unit attached to a role; the list is
    /// incomplete when some policy is not a document of the unit or the role leaves the unit.
    fn statements(&self, id: RoleId) -> List {
        let m = self.model();
        let role = m.role(id);
        let mut list = List::default();
        let mut incomplete = role.exposed.clone();
        for p in &role.policies {
            match &p.policy {
                PolicySource::Document(pid) => match &m.policy(*pid).statements {
                    Value::Known(sts) => {
                        list.items.extend(sts.iter().enumerate().map(|(i, s)| Item {
                            val: Ok(V::Ent(Ent::Statement(*pid, i))),
                            span: Some(s.span),
                        }))
                    }
                    Value::Unknown(r) => incomplete = Some(r.clone()),
                },
                PolicySource::Arn(_) => {
                    incomplete = Some(Reason::new(
                        "policies attached by ARN are not read by rule files",
                    ))
                }
                PolicySource::Unknown(r) => incomplete = Some(r.clone()),
            }
        }
        if m.policy_attachments.iter().any(|a| !a.role.is_known()) {
            incomplete = Some(Reason::new(
                "a policy is attached to a role that could not be identified",
            ));
        }
        list.incomplete = incomplete;
        list
    }

    /// A path's value and the span of the attribute it ends at (none through a list).
    fn path(&self, p: &TPath, env: &[Slot]) -> (Val, Option<Span>) {
        let Some(slot) = env.get(p.var) else {
            return (unknown("unbound variable"), None);
        };
        let mut cur: Val = Ok(slot.val.clone());
        let mut span = Some(slot.via);
        for f in &p.steps {
            (cur, span) = match cur {
                Err(r) => (Err(r), span),
                Ok(V::Ent(e)) => {
                    let (v, s) = self.get(e, *f);
                    (v, Some(s))
                }
                Ok(V::List(list)) => (Ok(V::List(self.project(&list, *f))), None),
                Ok(V::Null) => (Ok(V::Null), span),
                Ok(_) => (unknown("not an entity"), span),
            };
        }
        (cur, span)
    }

    /// A field of every entry of a list, flattened.
    fn project(&self, list: &List, f: Field) -> List {
        let mut out = List {
            items: Vec::new(),
            incomplete: list.incomplete.clone(),
        };
        for i in &list.items {
            match &i.val {
                Ok(V::Ent(e)) => match self.get(*e, f) {
                    (Ok(V::List(inner)), _) => {
                        out.items.extend(inner.items);
                        if inner.incomplete.is_some() {
                            out.incomplete = inner.incomplete;
                        }
                    }
                    (v, s) => out.items.push(Item {
                        val: v,
                        span: Some(s),
                    }),
                },
                Ok(_) => out.items.push(Item {
                    val: unknown("not an entity"),
                    span: i.span,
                }),
                Err(r) => out.items.push(Item {
                    val: Err(r.clone()),
                    span: i.span,
                }),
            }
        }
        out
    }

    fn list(&self, p: &TPath, env: &[Slot]) -> Result<List, Reason> {
        match self.path(p, env).0? {
            V::List(l) => Ok(l),
            V::Null => Ok(List::default()),
            _ => Err(Reason::new("not a list")),
        }
    }

    fn value(&self, x: &TExpr, env: &mut Vec<Slot>) -> Val {
        match x {
            TExpr::Const(v) => Ok(v.clone()),
            TExpr::List(vals) => Ok(V::List(List {
                items: vals
                    .iter()
                    .map(|v| Item {
                        val: Ok(v.clone()),
                        span: None,
                    })
                    .collect(),
                incomplete: None,
            })),
            TExpr::Path(p) => self.path(p, env).0,
            TExpr::Count(p) => {
                let l = self.list(p, env)?;
                let n = l.items.len() as i64;
                Ok(V::Num(n, l.incomplete.is_none().then_some(n)))
            }
            TExpr::Distinct(p) => {
                let l = self.list(p, env)?;
                let mut known: Vec<V> = Vec::new();
                let mut unknowns = 0;
                for i in &l.items {
                    match &i.val {
                        Ok(v) if !known.contains(v) => known.push(v.clone()),
                        Ok(_) => {}
                        Err(_) => unknowns += 1,
                    }
                }
                let lo = known.len() as i64;
                Ok(V::Num(lo, l.incomplete.is_none().then_some(lo + unknowns)))
            }
            TExpr::Quant {
                q: Quant::Count,
                over,
                body,
            } => {
                let (t, u, incomplete) = self.each(over, body, env)?;
                Ok(V::Num(t, (!incomplete).then_some(t + u)))
            }
            other => match self.cond(other, env) {
                Some(b) => Ok(V::Bool(b)),
                None => unknown("the condition is unknown"),
            },
        }
    }

    /// Evaluates `body` for each entry of `over`: (true count, unknown count, list incomplete).
    fn each(
        &self,
        over: &TPath,
        body: &TExpr,
        env: &mut Vec<Slot>,
    ) -> Result<(i64, i64, bool), Reason> {
        let l = self.list(over, env)?;
        let (mut t, mut u) = (0, 0);
        for i in &l.items {
            let Ok(v) = &i.val else {
                u += 1;
                continue;
            };
            let via = i.span.unwrap_or(env.first().map_or(
                Span {
                    file: crate::source::FileId(0),
                    start: 0,
                    end: 0,
                },
                |s| s.via,
            ));
            env.push(Slot {
                val: v.clone(),
                via,
            });
            let r = self.cond(body, env);
            env.pop();
            match r {
                Some(true) => t += 1,
                Some(false) => {}
                None => u += 1,
            }
        }
        Ok((t, u, l.incomplete.is_some()))
    }

    fn cond(&self, x: &TExpr, env: &mut Vec<Slot>) -> Tri {
        match x {
            TExpr::Not(a) => value::not(self.cond(a, env)),
            TExpr::And(a, b) => {
                let l = self.cond(a, env);
                if l == Some(false) {
                    return l;
                }
                value::and(l, self.cond(b, env))
            }
            TExpr::Or(a, b) => {
                let l = self.cond(a, env);
                if l == Some(true) {
                    return l;
                }
                value::or(l, self.cond(b, env))
            }
            TExpr::Exists(p) => match self.path(p, env).0 {
                Err(_) => None,
                Ok(V::Null) => Some(false),
                Ok(V::List(l)) if l.items.is_empty() => l.incomplete.is_none().then_some(false),
                Ok(_) => Some(true),
            },
            TExpr::Quant { q, over, body } => {
                let (t, u, incomplete) = self.each(over, body, env).ok()?;
                let n = self.list(over, env).ok()?.items.len() as i64;
                match q {
                    Quant::Any if t > 0 => Some(true),
                    Quant::Any if u > 0 || incomplete => None,
                    Quant::Any => Some(false),
                    Quant::All if t + u < n => Some(false),
                    Quant::All if u > 0 || incomplete => None,
                    Quant::All => Some(true),
                    Quant::Count => None,
                }
            }
            TExpr::Matches(a, glob) => match self.value(a, env) {
                Ok(V::Str(s)) => Some(WildMatch::new(glob).matches(&s)),
                Ok(V::Null) => Some(false),
                _ => None,
            },
            TExpr::Cmp(op, a, b) => {
                let a = self.value(a, env).ok()?;
                let b = self.value(b, env).ok()?;
                match op {
                    CmpOp::Eq => value::eq(&a, &b),
                    CmpOp::Ne => value::not(value::eq(&a, &b)),
                    CmpOp::Lt => value::less(&a, &b, true),
                    CmpOp::Le => value::less(&a, &b, false),
                    CmpOp::Gt => value::less(&b, &a, true),
                    CmpOp::Ge => value::less(&b, &a, false),
                    CmpOp::In => {
                        let V::List(l) = b else { return None };
                        let mut result = Some(false);
                        for i in &l.items {
                            result = value::or(
                                result,
                                i.val.as_ref().ok().and_then(|v| value::eq(&a, v)),
                            );
                        }
                        if result == Some(false) && l.incomplete.is_some() {
                            return None;
                        }
                        result
                    }
                    CmpOp::Within => match (a, b) {
                        (V::Cidr4(x), V::Cidr4(y)) => Some(y.contains(&x)),
                        (V::Cidr6(x), V::Cidr6(y)) => Some(y.contains(&x)),
                        (V::Null, _) => Some(false),
                        _ => None,
                    },
                    CmpOp::Matches => None,
                }
            }
            TExpr::Path(p) => match self.path(p, env).0 {
                Ok(V::Bool(b)) => Some(b),
                _ => None,
            },
            TExpr::Const(V::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A template's text. `strict` (proof steps): `None` when some value in it is unknown;
    /// otherwise unknown values read `<unknown>`.
    fn render(&self, t: &Template, env: &mut Vec<Slot>, strict: bool) -> Option<String> {
        let mut out = String::new();
        for p in &t.parts {
            match p {
                Part::Text(s) => out.push_str(s),
                Part::Expr(x) => {
                    let v = self.value(x, env);
                    if strict && v.is_err() {
                        return None;
                    }
                    out.push_str(&value::render(&v, &|e| self.name(e)));
                }
            }
        }
        Some(out)
    }

    fn at(&self, at: &At, env: &[Slot]) -> Option<Span> {
        match at {
            At::Var(i) => env.get(*i).map(|s| s.via),
            At::Path(p) => self.path(p, env).1,
        }
    }

    fn roots(&self, kind: Kind) -> Vec<Ent> {
        let m = self.model();
        match kind {
            Kind::Function => self
                .ctx
                .facts
                .vpc_functions()
                .map(|(id, _, _)| Ent::Function(id))
                .collect(),
            Kind::Subnet => (0..m.subnets.len())
                .map(|i| Ent::Subnet(SubnetId(i as u32)))
                .collect(),
            Kind::Vpc => (0..m.vpcs.len())
                .map(|i| Ent::Vpc(VpcId(i as u32)))
                .collect(),
            Kind::SecurityGroup => (0..m.security_groups.len())
                .map(|i| Ent::SecurityGroup(SecurityGroupId(i as u32)))
                .collect(),
            Kind::Endpoint => (0..m.endpoints.len())
                .map(|i| Ent::Endpoint(EndpointId(i as u32)))
                .collect(),
            Kind::Role => (0..m.roles.len())
                .map(|i| Ent::Role(RoleId(i as u32)))
                .collect(),
            Kind::VpcConfig | Kind::Statement => Vec::new(),
        }
    }

    /// Every binding of the check's variables: the root, then each followed field.
    fn bindings(&self, check: &Check) -> Vec<Vec<Slot>> {
        let mut envs: Vec<Vec<Slot>> = self
            .roots(check.root)
            .into_iter()
            .map(|e| {
                vec![Slot {
                    val: V::Ent(e),
                    via: self.span(e),
                }]
            })
            .collect();
        for f in &check.steps {
            let mut next = Vec::new();
            for env in envs {
                let Some(V::Ent(e)) = env.last().map(|s| &s.val) else {
                    continue;
                };
                match self.get(*e, *f) {
                    (Ok(V::Ent(x)), span) => {
                        let mut env = env.clone();
                        env.push(Slot {
                            val: V::Ent(x),
                            via: span,
                        });
                        next.push(env);
                    }
                    (Ok(V::List(l)), span) => {
                        for i in l.items {
                            // An unknown entry binds nothing: whatever it is, it proves nothing.
                            if let Ok(v @ V::Ent(_)) = i.val {
                                let mut env = env.clone();
                                env.push(Slot {
                                    val: v,
                                    via: i.span.unwrap_or(span),
                                });
                                next.push(env);
                            }
                        }
                    }
                    _ => {}
                }
            }
            envs = next;
        }
        envs
    }
}

/// Usable addresses of an IPv4 prefix length: AWS reserves five per subnet.
pub fn usable(prefix: u8) -> i64 {
    (1i64 << (32 - u32::from(prefix.min(32))))
        .saturating_sub(5)
        .max(0)
}

/// The entities of a kind whose VPC is `vpc`; incomplete when some entity's VPC is unknown.
fn members<'m>(
    all: impl Iterator<Item = (&'m Value<VpcId>, Span)>,
    vpc: VpcId,
    make: impl Fn(u32) -> Ent,
    why: &str,
) -> List {
    let mut list = List::default();
    for (i, (v, span)) in all.enumerate() {
        match v {
            Value::Known(x) if *x == vpc => list.items.push(Item {
                val: Ok(V::Ent(make(i as u32))),
                span: Some(span),
            }),
            Value::Known(_) => {}
            Value::Unknown(_) => list.incomplete = Some(Reason::new(why)),
        }
    }
    list
}

/// Runs one check of a rule and appends its findings.
pub fn run(
    code: &'static str,
    slug: &'static str,
    severity: Severity,
    check: &Check,
    ctx: &RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let ev = Eval { ctx };
    let mut merge = crate::rules::merge::Merge::default();
    for mut env in ev.bindings(check) {
        if ev.cond(&check.condition, &mut env) != Some(true) {
            continue;
        }
        let Some(span) = ev.at(&check.report_at, &env) else {
            continue;
        };
        let message = ev
            .render(&check.message, &mut env, false)
            .unwrap_or_default();
        let mut proof = Vec::new();
        for step in &check.proof {
            let entries: Vec<Option<Slot>> = match &step.over {
                None => vec![None],
                Some(over) => match ev.list(over, &env) {
                    Ok(l) => l
                        .items
                        .into_iter()
                        .filter_map(|i| {
                            let val = i.val.ok()?;
                            let via = i.span.unwrap_or(span);
                            Some(Some(Slot { val, via }))
                        })
                        .collect(),
                    Err(_) => Vec::new(),
                },
            };
            for extra in entries {
                let pushed = extra.is_some();
                if let Some(s) = extra {
                    env.push(s);
                }
                if let (Some(at), Some(text)) =
                    (ev.at(&step.at, &env), ev.render(&step.text, &mut env, true))
                {
                    proof.push(Step { span: at, text });
                }
                if pushed {
                    env.pop();
                }
            }
        }
        // The rule file writes its fix once per language; the unit's renderer picks one.
        let fix = check.fix.as_ref().map(|(tf, cfn)| {
            let mut written = |t| {
                ev.render(t, &mut env, false)
                    .map(|s: String| s.trim_end().to_string())
            };
            ctx.fix(&FixIntent::Written {
                terraform: written(tf),
                cloudformation: written(cfn),
            })
        });
        let (fix, edits) = fix.map_or((None, Vec::new()), |r| (r.text, r.edits));
        let names: Vec<String> = env
            .iter()
            .map(|s| match &s.val {
                V::Ent(e) => ev.name(*e),
                other => value::render(&Ok(other.clone()), &|e| ev.name(e)),
            })
            .collect();
        let parts: Vec<&str> = names.iter().map(String::as_str).collect();
        let file = ctx.file_of(span).to_string();
        let d = Diagnostic {
            code,
            slug,
            severity,
            message,
            span,
            proof,
            fix,
            fingerprint: Diagnostic::fingerprint_of(code, &file, &parts),
            edits,
        };
        // Each finding is its own cause unless `one_per` says otherwise.
        let key = match &check.one_per {
            Some(t) => ev.render(t, &mut env, false).unwrap_or_default(),
            None => d.fingerprint.clone(),
        };
        let place = names.last().cloned().unwrap_or_default();
        merge.add(key, &place, d);
    }
    merge.finish("", out);
}

#[cfg(test)]
mod tests {
    use super::usable;

    #[test]
    fn usable_addresses() {
        assert_eq!(usable(28), 11);
        assert_eq!(usable(27), 27);
        assert_eq!(usable(26), 59);
        assert_eq!(usable(16), 65531);
        assert_eq!(usable(32), 0);
    }
}
