//! Lowering of resources into the common model. Every entity gets its arena index in an
//! indexing pass first, so references resolve whatever the declaration order.

mod exposure;
mod iam;
mod lambda;
mod network;

use std::collections::HashMap;

use super::cdk;
use super::intrinsics::{Ev, Eval, ResRef};
use super::template::{full_span, Resource, Template};
use crate::lower::value::{Entry, Ref as NRef, RefAttr, Spanned, HOLE, V};
use crate::lower::Builder;
use crate::model::*;
use crate::source::Span;
use crate::syntax::Node;

/// A kind of model entity that a reference can point at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    /// In user words: "subnet", "route table".
    pub what: &'static str,
    /// Literal identifiers of this kind start with one of these (`subnet-`).
    pub prefixes: &'static [&'static str],
    /// What a literal is called: "id", or "ARN" for roles and functions.
    pub literal: &'static str,
    /// `Fn::GetAtt` attributes that give the entity's id (a `Ref` always does).
    pub id_attrs: &'static [&'static str],
}

const fn kind(
    what: &'static str,
    prefixes: &'static [&'static str],
    id_attrs: &'static [&'static str],
) -> Kind {
    Kind {
        what,
        prefixes,
        literal: "id",
        id_attrs,
    }
}

pub(crate) const VPC: Kind = kind("VPC", &["vpc-"], &["VpcId"]);
pub(crate) const SUBNET: Kind = kind("subnet", &["subnet-"], &["SubnetId"]);
pub(crate) const ROUTE_TABLE: Kind = kind("route table", &["rtb-"], &["RouteTableId"]);
pub(crate) const GATEWAY: Kind = kind(
    "gateway",
    &["igw-", "nat-", "eigw-"],
    &["InternetGatewayId", "NatGatewayId", "Id"],
);
pub(crate) const SECURITY_GROUP: Kind = kind("security group", &["sg-"], &["GroupId", "Id"]);
pub(crate) const ROLE: Kind = Kind {
    literal: "ARN",
    ..kind("role", &["arn:"], &["Arn", "RoleId"])
};
pub(crate) const FUNCTION: Kind = Kind {
    literal: "ARN",
    ..kind("function", &["arn:"], &["Arn"])
};

/// Logical id → arena index, per entity kind.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub vpcs: HashMap<String, VpcId>,
    pub subnets: HashMap<String, SubnetId>,
    pub route_tables: HashMap<String, RouteTableId>,
    pub gateways: HashMap<String, GatewayId>,
    pub endpoints: HashMap<String, EndpointId>,
    pub security_groups: HashMap<String, SecurityGroupId>,
    pub roles: HashMap<String, RoleId>,
    pub functions: HashMap<String, FunctionId>,
    /// `AWS::IAM::ManagedPolicy` logical id → its document (its `Ref` is its ARN).
    pub managed_policies: HashMap<String, PolicyId>,
    pub capacity_providers: HashMap<String, CapacityProviderId>,
    /// Every standalone policy resource (managed or not) → its document; this template only.
    pub documents: HashMap<String, PolicyId>,
}

impl Index {
    /// Adds the entries of another template instance, under `<namespace>::<logical id>` (the
    /// form in which references from that instance reach this one).
    pub fn absorb(&mut self, other: &Index, ns: &str) {
        fn add<T: Copy>(into: &mut HashMap<String, T>, from: &HashMap<String, T>, ns: &str) {
            for (k, v) in from {
                let key = if k.contains("::") {
                    k.clone()
                } else {
                    format!("{ns}::{k}")
                };
                into.entry(key).or_insert(*v);
            }
        }
        add(&mut self.vpcs, &other.vpcs, ns);
        add(&mut self.subnets, &other.subnets, ns);
        add(&mut self.route_tables, &other.route_tables, ns);
        add(&mut self.gateways, &other.gateways, ns);
        add(&mut self.endpoints, &other.endpoints, ns);
        add(&mut self.security_groups, &other.security_groups, ns);
        add(&mut self.roles, &other.roles, ns);
        add(&mut self.functions, &other.functions, ns);
        add(&mut self.managed_policies, &other.managed_policies, ns);
        add(&mut self.capacity_providers, &other.capacity_providers, ns);
    }

    /// Only this instance's own entries (not those absorbed from others).
    fn own(&self) -> Index {
        fn own<T: Copy>(m: &HashMap<String, T>) -> HashMap<String, T> {
            m.iter()
                .filter(|(k, _)| !k.contains("::"))
                .map(|(k, v)| (k.clone(), *v))
                .collect()
        }
        Index {
            vpcs: own(&self.vpcs),
            subnets: own(&self.subnets),
            route_tables: own(&self.route_tables),
            gateways: own(&self.gateways),
            endpoints: own(&self.endpoints),
            security_groups: own(&self.security_groups),
            roles: own(&self.roles),
            functions: own(&self.functions),
            managed_policies: own(&self.managed_policies),
            capacity_providers: own(&self.capacity_providers),
            documents: HashMap::new(),
        }
    }
}

pub(crate) struct Lower<'e, 't, 'a> {
    pub ev: &'e Eval<'t, 'a>,
    pub tpl: &'t Template<'a>,
    pub model: Model,
    /// Functions, roles, policies and capacity providers under construction (shared lowering).
    pub b: Builder,
    pub index: Index,
}

pub(crate) const SAM_FUNCTION: &str = "AWS::Serverless::Function";
pub(crate) const LAMBDA_FUNCTION: &str = "AWS::Lambda::Function";

impl<'e, 't, 'a> Lower<'e, 't, 'a> {
    /// `model` may already hold the entities of other templates of the run (lowered before this
    /// one): this template's entities are appended, and `foreign` names theirs.
    pub fn new(
        ev: &'e Eval<'t, 'a>,
        tpl: &'t Template<'a>,
        mut model: Model,
        foreign: &Index,
    ) -> Self {
        let b = Builder::take(&mut model);
        let mut l = Lower {
            ev,
            tpl,
            model,
            b,
            index: Index::default(),
        };
        l.build_index();
        l.index.absorb(foreign, "");
        l
    }

    /// The resources that exist (condition not false), in source order.
    pub fn resources(&self) -> Vec<Resource<'a>> {
        self.tpl
            .resources
            .iter()
            .filter(|r| self.ev.exists(r.id))
            .copied()
            .collect()
    }

    pub fn of_type(&self, kinds: &[&str]) -> Vec<Resource<'a>> {
        self.resources()
            .into_iter()
            .filter(|r| kinds.contains(&r.kind))
            .collect()
    }

    /// Gives every entity its id before anything is lowered, so references resolve whatever
    /// the declaration order: each entity reserves a slot in the builder (`model::Slots`, after
    /// those of other templates of the run), filled by any pass in any order.
    fn build_index(&mut self) {
        let mut idx = Index::default();
        for r in self.of_type(network::VPC_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) = idx.vpcs.entry(r.id.to_string()) {
                e.insert(VpcId(self.b.vpcs.reserve()));
            }
        }
        for r in self.of_type(network::SUBNET_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) =
                idx.subnets.entry(r.id.to_string())
            {
                e.insert(SubnetId(self.b.subnets.reserve()));
            }
        }
        for r in self.of_type(network::ROUTE_TABLE_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) =
                idx.route_tables.entry(r.id.to_string())
            {
                e.insert(RouteTableId(self.b.route_tables.reserve()));
            }
        }
        for r in self.of_type(network::GATEWAY_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) =
                idx.gateways.entry(r.id.to_string())
            {
                e.insert(GatewayId(self.b.gateways.reserve()));
            }
        }
        for r in self.of_type(network::ENDPOINT_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) =
                idx.endpoints.entry(r.id.to_string())
            {
                e.insert(EndpointId(self.b.endpoints.reserve()));
            }
        }
        for r in self.of_type(network::SECURITY_GROUP_TYPES) {
            if let std::collections::hash_map::Entry::Vacant(e) =
                idx.security_groups.entry(r.id.to_string())
            {
                e.insert(SecurityGroupId(self.b.security_groups.reserve()));
            }
        }
        for r in self.of_type(&[LAMBDA_FUNCTION, SAM_FUNCTION]) {
            let id = FunctionId(self.b.functions.reserve());
            idx.functions.insert(r.id.to_string(), id);
        }
        for r in self.of_type(lambda::CAPACITY_PROVIDER_TYPES) {
            let id = CapacityProviderId(self.b.capacity_providers.reserve());
            idx.capacity_providers.insert(r.id.to_string(), id);
        }
        for r in self.of_type(iam::POLICY_TYPES) {
            let id = PolicyId(self.b.policies.reserve());
            idx.documents.insert(r.id.to_string(), id);
            if r.kind == "AWS::IAM::ManagedPolicy" {
                idx.managed_policies.insert(r.id.to_string(), id);
            }
        }
        for r in self.of_type(&["AWS::IAM::Role"]) {
            let id = RoleId(self.b.roles.reserve());
            idx.roles.insert(r.id.to_string(), id);
        }
        // SAM's implicit roles; a template that declares a role of the same name already has
        // it (`Ref <Function>Role` then names the declared one).
        for r in self.implicit_role_functions() {
            let name = lambda::implicit_role_name(r.id);
            if let std::collections::hash_map::Entry::Vacant(e) = idx.roles.entry(name) {
                e.insert(RoleId(self.b.roles.reserve()));
            }
        }
        self.index = idx;
    }

    /// The entity a reference names, if the attribute identifies it (`Ref`, or one of the
    /// kind's id attributes such as `Fn::GetAtt Role.Arn`).
    pub fn entity_of(&self, r: &ResRef) -> Result<Entity, Reason> {
        fn find<T: Copy>(
            map: &HashMap<String, T>,
            r: &ResRef,
            id_attrs: &[&str],
            make: fn(T) -> Entity,
        ) -> Option<Result<Entity, Reason>> {
            let id = map.get(&r.logical)?;
            Some(if r.attr.as_deref().is_none_or(|a| id_attrs.contains(&a)) {
                Ok(make(*id))
            } else {
                Err(Reason::new(format!(
                    "{} does not identify the resource",
                    r.describe()
                )))
            })
        }
        let i = &self.index;
        find(&i.vpcs, r, VPC.id_attrs, Entity::Vpc)
            .or_else(|| find(&i.subnets, r, SUBNET.id_attrs, Entity::Subnet))
            .or_else(|| find(&i.route_tables, r, ROUTE_TABLE.id_attrs, Entity::RouteTable))
            .or_else(|| find(&i.gateways, r, GATEWAY.id_attrs, Entity::Gateway))
            .or_else(|| find(&i.endpoints, r, &["Id"], Entity::Endpoint))
            .or_else(|| find(&i.security_groups, r, SECURITY_GROUP.id_attrs, Entity::SecurityGroup))
            .or_else(|| find(&i.roles, r, ROLE.id_attrs, Entity::Role))
            .or_else(|| find(&i.functions, r, FUNCTION.id_attrs, Entity::Function))
            .or_else(|| find(&i.managed_policies, r, &["PolicyArn"], Entity::Policy))
            .or_else(|| find(&i.capacity_providers, r, &["Arn"], Entity::CapacityProvider))
            .unwrap_or_else(|| {
                Err(if r.logical.contains("::") {
                    Reason::new(format!(
                        "{} of another template of the run is not modelled (or refers back to this template)",
                        r.describe()
                    ))
                } else {
                    let rtype = self.tpl.resource(&r.logical).map(|x| x.kind).unwrap_or("?");
                    Reason::new(format!(
                        "{} ({rtype}) is not a resource the linter models",
                        r.describe()
                    ))
                })
            })
    }

    fn neutral_ref(&self, r: &ResRef) -> NRef {
        let kind = self.tpl.resource(&r.logical).map(|x| x.kind);
        NRef {
            entity: self.entity_of(r),
            attr: match (r.attr.as_deref(), kind) {
                (Some("Arn"), _) | (None, Some("AWS::IAM::ManagedPolicy")) => RefAttr::Arn,
                (None, Some(LAMBDA_FUNCTION | SAM_FUNCTION | "AWS::IAM::Role")) => RefAttr::Name,
                _ => RefAttr::Other,
            },
            kind: kind.map(str::to_string),
            shown: r.describe(),
        }
    }

    /// An evaluated value in the shared lowering's neutral form: mappings are evaluated entry
    /// by entry (`AWS::NoValue` entries and items dropped), references carry their entity.
    pub fn neutral(&self, ev: Ev<'a>, span: Span) -> Spanned {
        self.neutral_d(ev, span, 0)
    }

    fn neutral_d(&self, ev: Ev<'a>, span: Span, depth: u32) -> Spanned {
        if depth > 64 {
            return Spanned::unknown(Reason::new("value nested too deeply"), span);
        }
        let v = match ev {
            Ev::Str(s) => match super::parameters::ssm_dynamic_reference(&s) {
                Some(why) => V::Unknown(why),
                None => V::Str(s),
            },
            Ev::List(items) => V::List(
                items
                    .into_iter()
                    .filter(|i| i.value != Ev::NoValue)
                    .map(|i| self.neutral_d(i.value, i.span, depth + 1))
                    .collect(),
            ),
            Ev::Map(node) => V::Map(
                node.entries()
                    .iter()
                    .filter_map(|(k, n)| {
                        let ev = self.ev.ev(n);
                        (ev != Ev::NoValue).then(|| Entry {
                            key: k.text.clone(),
                            key_span: k.span,
                            value: self.neutral_d(ev, full_span(n), depth + 1),
                        })
                    })
                    .collect(),
            ),
            Ev::Res(r) => V::Ref(self.neutral_ref(&r)),
            // `*` marks the unknown pieces of CloudFormation's partial strings; a literal `*`
            // next to them reads the same as a pattern either way.
            Ev::Partial(p) => V::Partial {
                text: p.text.replace('*', &HOLE.to_string()),
                refs: p.refs.iter().map(|r| self.neutral_ref(r)).collect(),
                reason: p.reason,
            },
            Ev::Unknown(r) => V::Unknown(r),
            Ev::NoValue => V::Unknown(Reason::new("no value")),
        };
        Spanned::new(v, span)
    }

    /// A property in neutral form, unless it is absent or `AWS::NoValue`.
    pub fn neutral_prop(&self, r: &Resource<'a>, name: &str) -> Option<Spanned> {
        self.prop(r, name).map(|(ev, span)| self.neutral(ev, span))
    }

    /// SAM functions without an explicit `Role`: SAM creates `<Function>Role` for them.
    pub fn implicit_role_functions(&self) -> Vec<Resource<'a>> {
        let implied = self.ev.implied_roles();
        self.of_type(&[SAM_FUNCTION])
            .into_iter()
            .filter(|r| implied.contains(&lambda::implicit_role_name(r.id)))
            .collect()
    }

    /// The name users know a resource by: its CDK construct path, else its logical id.
    pub fn meta(&self, r: &Resource<'_>) -> Meta {
        Meta {
            name: cdk::display_name(r),
            kind: r.kind.to_string(),
            span: r.key_span,
        }
    }

    /// A property's value, unless it is absent or `AWS::NoValue`.
    pub fn prop(&self, r: &Resource<'a>, name: &str) -> Option<(Ev<'a>, Span)> {
        let node = r.prop(name)?;
        match self.ev.ev(node) {
            Ev::NoValue => None,
            ev => Some((ev, full_span(node))),
        }
    }

    /// A required property read with `f`; `missing` explains its absence.
    pub fn attr_req<T>(
        &self,
        r: &Resource<'a>,
        name: &str,
        missing: &str,
        f: impl Fn(&Ev<'a>) -> Value<T>,
    ) -> Attr<T> {
        match self.prop(r, name) {
            Some((ev, span)) => Attr::explicit(f(&ev), span),
            None => Attr::explicit(Value::unknown(missing), r.key_span),
        }
    }

    /// Resolves a reference to an entity of `kind`.
    pub fn resolve<T: Copy>(&self, ev: &Ev<'_>, map: &HashMap<String, T>, kind: Kind) -> Value<T> {
        match ev {
            Ev::Res(r) => {
                let id_attr = r.attr.as_deref().is_none_or(|a| kind.id_attrs.contains(&a));
                match map.get(&r.logical) {
                    Some(id) if id_attr => Value::Known(*id),
                    _ if r.logical.contains("::") => Value::unknown(format!(
                        "{} of another template of the run is not a {} (or refers back to this template)",
                        r.describe(),
                        kind.what
                    )),
                    _ => {
                        let rtype = self.tpl.resource(&r.logical).map(|x| x.kind).unwrap_or("?");
                        Value::unknown(format!(
                            "{} ({rtype}) is not a {} of this template",
                            r.describe(),
                            kind.what
                        ))
                    }
                }
            }
            Ev::Str(s) if s.starts_with("{{resolve:ssm:") => Value::Unknown(
                super::parameters::ssm_dynamic_reference(s)
                    .unwrap_or_else(|| Reason::new(format!("`{s}` is not a {}", kind.what))),
            ),
            Ev::Str(s) if kind.prefixes.iter().any(|p| s.starts_with(p)) => {
                Value::Unknown(Reason::literal(
                    s,
                    format!(
                        "literal {} {} `{s}` (not a resource of this template)",
                        kind.what, kind.literal
                    ),
                ))
            }
            Ev::Str(s) => Value::unknown(format!("`{s}` is not a {} of this template", kind.what)),
            Ev::Partial(p) => {
                // A name-built ARN (`arn:…:role/${MyRole}`) still names one resource.
                let hits: Vec<T> = p
                    .refs
                    .iter()
                    .filter_map(|r| map.get(&r.logical).copied())
                    .collect();
                match hits.as_slice() {
                    [one] if p.refs.len() == 1 => Value::Known(*one),
                    _ => Value::unknown(format!(
                        "`{}` is not a {} of this template",
                        p.text, kind.what
                    )),
                }
            }
            Ev::Unknown(r) => Value::Unknown(r.clone()),
            Ev::NoValue => Value::unknown("no value"),
            Ev::List(_) | Ev::Map(_) => Value::unknown(format!(
                "expected one {} id, found a list or mapping",
                kind.what
            )),
        }
    }

    /// A VPC reference; `Fn::GetAtt Subnet.VpcId` (or a security group's) follows the
    /// referenced resource's own `VpcId` once.
    pub fn resolve_vpc(&self, ev: &Ev<'a>) -> Value<VpcId> {
        if let Ev::Res(r) = ev {
            if r.attr.as_deref() == Some("VpcId") && !self.index.vpcs.contains_key(&r.logical) {
                if let Some(inner) = self.tpl.resource(&r.logical).and_then(|x| x.prop("VpcId")) {
                    // One step only: `resolve` does not follow further.
                    return self.resolve(&self.ev.ev(inner), &self.index.vpcs, VPC);
                }
            }
        }
        self.resolve(ev, &self.index.vpcs, VPC)
    }

    pub fn unresolved(&mut self, what: UnresolvedKind, reason: Reason, span: Span) {
        self.model
            .unresolved
            .push(Unresolved { what, reason, span });
    }

    /// Lowers the template; returns the model and this template's own index entries.
    pub fn run(mut self, outputs: Option<&Node>) -> (Model, Index) {
        self.lower_network();
        self.lower_iam();
        self.lower_functions();
        self.mark_exposed_roles(outputs);
        let own = self.index.own();
        let Lower { mut model, b, .. } = self;
        b.finish(&mut model);
        (model, own)
    }

    /// Roles named in `Outputs` leave the template: another stack can attach policies to them.
    fn mark_exposed_roles(&mut self, outputs: Option<&Node>) {
        let Some(outputs) = outputs else { return };
        for (key, output) in outputs.entries() {
            for id in exposure::referenced_ids(output) {
                let Some(role) = self.index.roles.get(&id).copied() else {
                    continue;
                };
                self.b.expose(role, |r| {
                    Reason::new(format!(
                        "role `{}` is exposed through output `{}`, so other stacks may attach policies to it",
                        r.meta.name, key.text
                    ))
                });
            }
        }
    }
}
