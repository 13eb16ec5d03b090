//! Lowering: resource instances → the common model. Every entity gets its id first
//! (`assign_id`), so that relations (routes, associations, attachments) can refer to any of them
//! regardless of where they are declared. Every concept is read into the views of the shared
//! lowering (`crate::lower`), which fills the reserved ids (`model::Slots`) in any order.

mod iam;
mod lambda;
mod network;

use std::collections::HashMap;

use super::eval::value::ref_text;
use super::eval::{instance_address, reason_or, Evaluator, InstKey, Instances, Scope, Val, HOLE};
use super::parse::{header_span, span_of, Resource};
use crate::lower::value::{Entry, Ref as NRef, RefAttr, Spanned, V};
use crate::lower::Builder;
use crate::model::*;
use crate::source::Span;

pub use crate::model::Entity;

// Partial strings keep their unknown pieces as the same character on both sides.
const _: () = assert!(HOLE == crate::lower::value::HOLE);

/// One instance of a managed resource.
pub struct Inst<'a> {
    pub res: &'a Resource<'a>,
    pub address: String,
    /// The number of instances is unknown; this one entity stands for all of them, and whether
    /// it exists at all is unknown (the reason).
    pub uncertain: Option<Reason>,
    pub scope: Scope,
    /// The block header, where findings about the resource point.
    pub span: Span,
    /// The whole block, for defaults.
    pub block_span: Span,
}

impl Inst<'_> {
    pub fn meta(&self) -> Meta {
        Meta {
            name: self.address.clone(),
            kind: self.res.kind.to_string(),
            span: self.span,
        }
    }
}

pub struct Lowerer<'a> {
    pub ev: &'a Evaluator<'a>,
    pub model: Model,
    /// Functions, roles, policies and capacity providers under construction (shared lowering).
    pub b: Builder,
    ids: HashMap<String, Entity>,
    /// The `aws_default_vpc`, which default subnets belong to.
    default_vpc: Option<VpcId>,
    /// Main route tables set by `aws_main_route_table_association` / `aws_default_route_table`.
    pending_main: Vec<(VpcId, Attr<RouteTableId>)>,
}

/// Lowers every managed resource of the module.
pub fn lower(ev: &Evaluator<'_>, unit: &str) -> Model {
    lower_instances(ev, unit, &expand(ev))
}

/// Lowers the given resource instances (a plan file's instances come from `plan.rs`).
pub fn lower_instances(ev: &Evaluator<'_>, unit: &str, insts: &[Inst<'_>]) -> Model {
    let mut lw = Lowerer {
        ev,
        model: Model {
            ecosystem: Some(Ecosystem::Terraform),
            unit: unit.to_string(),
            ..Model::default()
        },
        b: Builder::default(),
        ids: HashMap::new(),
        default_vpc: None,
        pending_main: Vec::new(),
    };
    for inst in insts {
        lw.assign_id(inst);
    }
    for inst in insts {
        match inst.res.kind {
            "aws_vpc" | "aws_default_vpc" => network::vpc(&mut lw, inst),
            "aws_subnet" | "aws_default_subnet" => network::subnet(&mut lw, inst),
            "aws_route_table" | "aws_default_route_table" => network::route_table(&mut lw, inst),
            "aws_internet_gateway" | "aws_egress_only_internet_gateway" | "aws_nat_gateway" => {
                network::gateway(&mut lw, inst)
            }
            "aws_vpc_endpoint" => network::endpoint(&mut lw, inst),
            "aws_security_group" | "aws_default_security_group" => {
                network::security_group(&mut lw, inst)
            }
            "aws_lambda_function" => lambda::function(&mut lw, inst),
            "aws_lambda_capacity_provider" => lambda::capacity_provider(&mut lw, inst),
            "aws_iam_role" => iam::role(&mut lw, inst),
            "aws_iam_policy" => iam::policy_resource(&mut lw, inst),
            _ => {}
        }
    }
    for inst in insts {
        match inst.res.kind {
            "aws_route" => network::route(&mut lw, inst),
            "aws_route_table_association" => network::association(&mut lw, inst),
            "aws_main_route_table_association" => network::main_association(&mut lw, inst),
            "aws_internet_gateway_attachment" => network::igw_attachment(&mut lw, inst),
            "aws_vpc_endpoint_route_table_association"
            | "aws_vpc_endpoint_subnet_association"
            | "aws_vpc_endpoint_security_group_association" => {
                network::endpoint_association(&mut lw, inst)
            }
            "aws_security_group_rule"
            | "aws_vpc_security_group_egress_rule"
            | "aws_vpc_security_group_ingress_rule" => network::security_group_rule(&mut lw, inst),
            "aws_lambda_event_source_mapping" => lambda::event_source_mapping(&mut lw, inst),
            "aws_iam_role_policy" => iam::role_policy(&mut lw, inst),
            "aws_iam_role_policy_attachment"
            | "aws_iam_policy_attachment"
            | "aws_iam_role_policy_attachments_exclusive" => iam::attachment(&mut lw, inst),
            _ => {}
        }
    }
    network::finish(&mut lw);
    iam::mark_exposed_roles(&mut lw);
    let ev = lw.ev;
    let Lowerer { mut model, b, .. } = lw;
    b.finish(&mut model);
    // After `finish`: the shared lowering's arenas (security groups among them) are in the model.
    mark_exposed_security_groups(ev, &mut model);
    model
}

/// A security group whose id is an output of the unit may get rules from the module's callers
/// (`aws_security_group_rule` / `aws_vpc_security_group_egress_rule` on the output): its rule
/// lists are not all in the unit, like the policies of an exposed role.
fn mark_exposed_security_groups(ev: &Evaluator<'_>, model: &mut Model) {
    for (name, block) in &ev.decls.outputs {
        let Some(value) = block.body.get_attribute("value") else {
            continue;
        };
        let text = value.value.to_string();
        for sg in &mut model.security_groups {
            // `aws_security_group.main` or an instance of it (`aws_security_group.main[0]`).
            let base = sg.meta.name.split('[').next().unwrap_or_default();
            let mentioned = !base.is_empty()
                && text.match_indices(base).any(|(at, _)| {
                    let after = text[at + base.len()..].chars().next();
                    let before = text[..at].chars().next_back();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
                        && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                });
            if !mentioned {
                continue;
            }
            let why = Reason::new(format!(
                "security group `{}` is exposed through output `{name}`, so the module's callers may add rules to it",
                sg.meta.name
            ));
            for rules in [&mut sg.egress, &mut sg.ingress] {
                rules.incomplete.get_or_insert_with(|| why.clone());
            }
        }
    }
}

/// Every instance of every managed resource: module instances callers first, resources in
/// declaration order within each.
fn expand<'a>(ev: &Evaluator<'a>) -> Vec<Inst<'a>> {
    let mut out = Vec::new();
    for m in ev.module_instances() {
        let prefix = ev.inst(m).prefix.clone();
        for res in &ev.decls_at(m).resources {
            let span = header_span(res.file, res.block);
            let block_span = span_of(res.file, res.block);
            let mut push = |key: Option<InstKey>, uncertain: Option<Reason>| {
                let scope = ev.instance_scope(res, m, key.as_ref(), uncertain.is_some());
                out.push(Inst {
                    res,
                    address: format!(
                        "{prefix}{}",
                        instance_address(res.kind, res.name, key.as_ref())
                    ),
                    uncertain,
                    scope,
                    span,
                    block_span,
                });
            };
            match ev.instances(res, m) {
                Instances::Single => push(None, None),
                Instances::Count(n) => (0..n).for_each(|i| push(Some(InstKey::Index(i)), None)),
                Instances::ForEach(entries) => entries
                    .into_iter()
                    .for_each(|(k, _)| push(Some(InstKey::Key(k)), None)),
                Instances::Unknown(r) => push(None, Some(r)),
            }
        }
    }
    out
}

impl<'a> Lowerer<'a> {
    /// Gives the instance its entity id before anything is lowered, so references resolve
    /// whatever the declaration order. Shared concepts reserve a slot in the builder; network
    /// entities are counted, and the network lowering pushes them in this same order.
    fn assign_id(&mut self, inst: &Inst<'_>) {
        // A resource declared twice (Terraform refuses it; the linter must not) gets one id,
        // filled by its first declaration, so no reserved id stays empty.
        let shared = matches!(
            inst.res.kind,
            "aws_lambda_function"
                | "aws_iam_role"
                | "aws_iam_policy"
                | "aws_lambda_capacity_provider"
                | "aws_security_group"
                | "aws_default_security_group"
                | "aws_vpc"
                | "aws_default_vpc"
                | "aws_subnet"
                | "aws_default_subnet"
                | "aws_route_table"
                | "aws_default_route_table"
                | "aws_internet_gateway"
                | "aws_egress_only_internet_gateway"
                | "aws_nat_gateway"
                | "aws_vpc_endpoint"
        );
        if shared && self.ids.contains_key(&inst.address) {
            return;
        }
        let e = match inst.res.kind {
            "aws_lambda_function" => Entity::Function(FunctionId(self.b.functions.reserve())),
            "aws_iam_role" => Entity::Role(RoleId(self.b.roles.reserve())),
            "aws_iam_policy" => Entity::Policy(PolicyId(self.b.policies.reserve())),
            "aws_lambda_capacity_provider" => {
                Entity::CapacityProvider(CapacityProviderId(self.b.capacity_providers.reserve()))
            }
            "aws_security_group" | "aws_default_security_group" => {
                Entity::SecurityGroup(SecurityGroupId(self.b.security_groups.reserve()))
            }
            "aws_vpc" | "aws_default_vpc" => Entity::Vpc(VpcId(self.b.vpcs.reserve())),
            "aws_subnet" | "aws_default_subnet" => {
                Entity::Subnet(SubnetId(self.b.subnets.reserve()))
            }
            "aws_route_table" | "aws_default_route_table" => {
                Entity::RouteTable(RouteTableId(self.b.route_tables.reserve()))
            }
            "aws_internet_gateway" | "aws_egress_only_internet_gateway" | "aws_nat_gateway" => {
                Entity::Gateway(GatewayId(self.b.gateways.reserve()))
            }
            "aws_vpc_endpoint" => Entity::Endpoint(EndpointId(self.b.endpoints.reserve())),
            _ => return,
        };
        if let (Entity::Vpc(v), "aws_default_vpc") = (e, inst.res.kind) {
            self.default_vpc.get_or_insert(v);
        }
        self.ids.insert(inst.address.clone(), e);
    }

    /// The entity id reserved for an instance.
    pub fn id_of(&self, inst: &Inst<'_>) -> Option<Entity> {
        self.ids.get(&inst.address).copied()
    }

    /// An evaluated value in the shared lowering's neutral form. `jsonencode` results and
    /// policy documents keep their structure; references carry the entity they name.
    pub fn neutral(&self, v: Val, span: Span) -> Spanned {
        self.neutral_d(v, span, 0)
    }

    fn neutral_d(&self, v: Val, span: Span, depth: u32) -> Spanned {
        if depth > 64 {
            return Spanned::unknown(Reason::new("value nested too deeply"), span);
        }
        let v =
            match v {
                Val::Null => V::Unknown(Reason::new("`null` where a value is expected")),
                Val::Bool(b) => V::Bool(b),
                Val::Num(n) => V::Num(n),
                Val::Str(s) => V::Str(s),
                Val::Partial { text, reason } => V::Partial {
                    text,
                    reason,
                    refs: Vec::new(),
                },
                Val::List(items) => V::List(
                    items
                        .into_iter()
                        .map(|it| self.neutral_d(it.val, it.span, depth + 1))
                        .collect(),
                ),
                Val::Map(m) => V::Map(
                    m.into_iter()
                        .map(|(key, it)| Entry {
                            key,
                            key_span: it.span,
                            value: self.neutral_d(it.val, it.span, depth + 1),
                        })
                        .collect(),
                ),
                Val::Json(inner) => return self.neutral_d(*inner, span, depth + 1),
                Val::Ref(r) => {
                    let entity = self.entity_of(&Val::Ref(r.clone()));
                    V::Ref(NRef {
                        entity,
                        attr: match r.attr.as_deref() {
                            Some("arn" | "qualified_arn") => RefAttr::Arn,
                            Some("function_name" | "name") => RefAttr::Name,
                            Some("prefix_list_id") => RefAttr::PrefixList,
                            _ => RefAttr::Other,
                        },
                        shown: format!("`{}`", ref_text(&r)),
                        kind: Some(r.kind),
                    })
                }
                Val::Unknown(r) => V::Unknown(r),
                // A zone position is a value only the subnet lowering reads; anywhere else (a
                // policy, an environment variable) its text is unknown.
                v @ Val::AwsZones { .. } => V::Unknown(v.unknown_reason().unwrap_or_else(|| {
                    Reason::new("an availability zone known only at deployment")
                })),
            };
        Spanned::new(v, span)
    }

    /// The evaluated value of an argument and the span of its expression; `None` when it is
    /// not set (or set to `null`, which Terraform treats the same).
    pub fn arg(&self, inst: &Inst<'_>, name: &str) -> Option<(Val, Span)> {
        self.arg_in(inst.res.body(), &inst.scope, name)
    }

    pub fn arg_in(
        &self,
        body: &hcl_edit::structure::Body,
        scope: &Scope,
        name: &str,
    ) -> Option<(Val, Span)> {
        let a = body.get_attribute(name)?;
        let v = self.ev.eval(&a.value, scope);
        (!v.is_null()).then(|| (v, self.ev.span(scope, &a.value)))
    }

    /// The entity a value refers to, if it is a reference to a modelled resource.
    pub fn entity_of(&self, v: &Val) -> Result<Entity, Reason> {
        match v {
            Val::Ref(r) => match self.ids.get(&r.address()) {
                Some(e) => Ok(*e),
                None => Err(Reason::new(format!(
                    "`{}` is a {}, not modelled here",
                    r.address(),
                    r.kind
                ))),
            },
            Val::Str(s) if s.starts_with("arn:") => Err(Reason::literal(
                s,
                format!("literal ARN `{s}`, not a resource in this configuration"),
            )),
            Val::Str(s) => Err(Reason::literal(
                s,
                format!("literal id `{s}`, not a resource in this configuration"),
            )),
            other => Err(reason_or(
                other,
                format!("a {} where a resource is expected", other.type_name()),
            )),
        }
    }

    /// Resolves a reference to an entity of one kind (`pick`), naming the kind in the reason.
    pub fn resolve<T>(&self, v: &Val, what: &str, pick: impl Fn(Entity) -> Option<T>) -> Value<T> {
        match self.entity_of(v) {
            Ok(e) => match pick(e) {
                Some(id) => Value::Known(id),
                None => Value::unknown(format!("{} is not a {what}", describe(v))),
            },
            Err(r) => Value::Unknown(r),
        }
    }

    /// A reference argument as an attribute; unset is unknown at the resource's span.
    pub fn ref_arg<T>(
        &self,
        inst: &Inst<'_>,
        name: &str,
        what: &str,
        pick: impl Fn(Entity) -> Option<T>,
    ) -> Attr<T> {
        match self.arg(inst, name) {
            Some((v, span)) => Attr::explicit(self.resolve(&v, what, pick), span),
            None => unset(inst, name),
        }
    }

    pub fn push_unresolved(&mut self, what: UnresolvedKind, reason: Reason, span: Span) {
        self.model
            .unresolved
            .push(Unresolved { what, reason, span });
    }
}

/// An argument the configuration does not set and that has no default.
pub fn unset<T>(inst: &Inst<'_>, name: &str) -> Attr<T> {
    Attr {
        value: Value::unknown(format!("`{name}` is not set")),
        span: inst.block_span,
        origin: Origin::Default,
    }
}

fn describe(v: &Val) -> String {
    match v {
        Val::Ref(r) => format!("`{}`", r.address()),
        other => format!("a {}", other.type_name()),
    }
}

/// Why a relation resource is not lowered: its existence is unknown.
pub fn uncertain_reason(inst: &Inst<'_>) -> Option<Reason> {
    inst.uncertain
        .as_ref()
        .map(|r| Reason::new(format!("whether `{}` exists is unknown: {r}", inst.address)))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::source::{SourceFile, SourceMap};

    #[test]
    fn a_resource_declared_twice_fills_one_id() {
        let text = r#"
resource "aws_iam_role" "r" {
  name = "a"
}
resource "aws_iam_role" "r" {
  name = "b"
}
resource "aws_iam_policy" "p" {
  policy = "{}"
}
resource "aws_iam_policy" "p" {
  policy = "{}"
}
resource "aws_lambda_function" "f" {
  role = aws_iam_role.r.arn
}
resource "aws_lambda_function" "f" {
  role = aws_iam_role.r.arn
}
resource "aws_lambda_capacity_provider" "c" {}
resource "aws_lambda_capacity_provider" "c" {}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "v" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
}
"#;
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(
            PathBuf::from("main.tf"),
            "main.tf".into(),
            text.into(),
        ));
        let loaded = super::super::load("t", &[id], &sources);
        let m = &loaded.model;
        assert_eq!(
            (m.roles.len(), m.policies.len(), m.functions.len()),
            (1, 1, 1)
        );
        assert_eq!(m.capacity_providers.len(), 1);
        assert_eq!(
            (m.vpcs.len(), m.subnets.len(), m.security_groups.len()),
            (1, 1, 1)
        );
        assert_eq!(
            m.vpcs[0].cidr.known().map(|c| c.to_string()).as_deref(),
            Some("10.0.0.0/16"),
            "the first declaration fills the id"
        );
        assert_eq!(m.functions[0].role.known(), Some(&crate::model::RoleId(0)));
    }
}
