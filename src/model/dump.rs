//! A stable, readable text dump of a model, for snapshot tests of the front ends. It is not a
//! contract for users (the model is not `Serialize` on purpose): lines may change with the model.

use super::*;
use crate::source::SourceMap;

/// Renders the model with every resource, reference and unknown reason, and `file:line:col`
/// of each span.
pub fn dump(model: &Model, sources: &SourceMap) -> String {
    let mut d = Dumper {
        model,
        sources,
        erase: false,
        out: String::new(),
    };
    d.run();
    d.out
}

/// The dump with what only says how the source was written erased, for comparing front ends
/// (`tests/frontend_parity.rs`): no spans, no unknown reasons (they name the source's own
/// attributes), no resource types, names replaced by kind and index (`subnet#1`), policy
/// documents written out where they are attached, and the policies of a role sorted (their
/// order has no meaning in IAM). What remains is what the infrastructure is.
pub fn dump_erased(model: &Model, sources: &SourceMap) -> String {
    let mut d = Dumper {
        model,
        sources,
        erase: true,
        out: String::new(),
    };
    d.run();
    d.out
        .replace(&format!(" @{ERASED}"), "")
        .replace(ERASED, "")
}

/// Stands for an erased span until the finished text drops it with its ` @`.
const ERASED: &str = "\u{1}";

struct Dumper<'a> {
    model: &'a Model,
    sources: &'a SourceMap,
    erase: bool,
    out: String,
}

impl Dumper<'_> {
    fn at(&self, span: Span) -> String {
        if self.erase {
            return ERASED.into();
        }
        let f = self.sources.get(span.file);
        let p = f.position(span.start);
        format!("{}:{}:{}", f.display, p.line, p.column)
    }

    fn val<T>(&self, v: &Value<T>, show: impl Fn(&T) -> String) -> String {
        match v {
            Value::Known(x) => show(x),
            Value::Unknown(_) if self.erase => "unknown".into(),
            Value::Unknown(r) => format!("unknown({r})"),
        }
    }

    /// A zone; erased, a zone list is named by its order of first use among the subnets (the
    /// list's name is the front end's: `data.aws_availability_zones.x.names`, `Fn::GetAZs`).
    fn zone(&self, z: &Zone) -> String {
        match z {
            Zone::Nth { list, index } if self.erase => {
                let mut lists: Vec<&str> = Vec::new();
                for s in &self.model.subnets {
                    if let Value::Known(Zone::Nth { list: l, .. }) = &s.availability_zone.value {
                        if !lists.contains(&l.as_str()) {
                            lists.push(l);
                        }
                    }
                }
                let k = lists.iter().position(|l| l == list).unwrap_or(lists.len());
                format!("zones#{k}[{index}]")
            }
            other => other.to_string(),
        }
    }

    /// `unknown(reason)`, or `unknown` when erased.
    fn why(&self, r: &Reason) -> String {
        if self.erase {
            "unknown".into()
        } else {
            format!("unknown({r})")
        }
    }

    /// An entity's name, or its kind and index when erased.
    fn name(&self, kind: &str, index: usize, meta: &Meta) -> String {
        if self.erase {
            format!("{kind}#{index}")
        } else {
            meta.name.clone()
        }
    }

    /// A resource type, or nothing when erased.
    fn kind(&self, meta: &Meta) -> String {
        if self.erase {
            String::new()
        } else {
            format!(" [{}]", meta.kind)
        }
    }

    fn attr<T>(&self, a: &Attr<T>, show: impl Fn(&T) -> String) -> String {
        let origin = match a.origin {
            Origin::Explicit => "",
            Origin::Default => " (default)",
            // Erased: who wrote the entity (the user or a transform such as SAM's) is how
            // the source was written, not what the infrastructure is.
            Origin::Implied if self.erase => "",
            Origin::Implied => " (implied)",
        };
        format!(
            "{}{} @{}",
            self.val(&a.value, show),
            origin,
            self.at(a.span)
        )
    }

    fn items<T>(&self, items: &[Item<T>], show: impl Fn(&T) -> String) -> String {
        let parts: Vec<String> = items
            .iter()
            .map(|i| format!("{} @{}", self.val(&i.value, &show), self.at(i.span)))
            .collect();
        format!("[{}]", parts.join(", "))
    }

    fn vpc_name(&self, id: &VpcId) -> String {
        self.name("vpc", id.index(), &self.model.vpc(*id).meta)
    }
    fn subnet_name(&self, id: &SubnetId) -> String {
        self.name("subnet", id.index(), &self.model.subnet(*id).meta)
    }
    fn rt_name(&self, id: &RouteTableId) -> String {
        self.name("route_table", id.index(), &self.model.route_table(*id).meta)
    }
    fn gw_name(&self, id: &GatewayId) -> String {
        self.name("gateway", id.index(), &self.model.gateway(*id).meta)
    }
    fn sg_name(&self, id: &SecurityGroupId) -> String {
        self.name(
            "security_group",
            id.index(),
            &self.model.security_group(*id).meta,
        )
    }
    fn function_name(&self, id: &FunctionId) -> String {
        self.name("function", id.index(), &self.model.function(*id).meta)
    }
    fn role_name(&self, id: &RoleId) -> String {
        self.name("role", id.index(), &self.model.role(*id).meta)
    }
    fn cp_name(&self, id: &CapacityProviderId) -> String {
        self.name(
            "capacity_provider",
            id.index(),
            &self.model.capacity_provider(*id).meta,
        )
    }
    fn endpoint_name(&self, i: usize) -> String {
        self.name("endpoint", i, &self.model.endpoints[i].meta)
    }

    fn line(&mut self, s: String) {
        self.out.push_str(&s);
        self.out.push('\n');
    }

    fn run(&mut self) {
        let m = self.model;
        if !self.erase {
            self.line(format!("unit {} ({:?})", m.unit, m.ecosystem));
        }
        for (i, f) in m.functions.iter().enumerate() {
            self.line(format!(
                "function {}{} @{}",
                self.function_name(&FunctionId(i as u32)),
                self.kind(&f.meta),
                self.at(f.meta.span)
            ));
            self.line(format!(
                "  deployed_name: {}",
                self.attr(&f.deployed_name, |n| n.clone())
            ));
            self.line(format!(
                "  role: {}",
                self.attr(&f.role, |r| self.role_name(r))
            ));
            match &f.vpc_config {
                None => match &f.maybe_vpc {
                    Some(r) => self.line(format!("  vpc_config: maybe, {}", self.why(r))),
                    None => self.line("  vpc_config: none".into()),
                },
                Some(v) => {
                    self.line(format!("  vpc_config @{}", self.at(v.span)));
                    let s = self.attr(&v.subnets, |items| {
                        self.items(items, |s| self.subnet_name(s))
                    });
                    self.line(format!("    subnets: {s}"));
                    let s = self.attr(&v.security_groups, |items| {
                        self.items(items, |s| self.sg_name(s))
                    });
                    self.line(format!("    security_groups: {s}"));
                    let s = self.attr(&v.ipv6_dual_stack, |b| b.to_string());
                    self.line(format!("    ipv6_dual_stack: {s}"));
                }
            }
            for e in &f.environment {
                let value = match &e.value {
                    EnvValue::Literal(v) => format!("{v:?}"),
                    EnvValue::Resource(_) if self.erase => "resource".into(),
                    EnvValue::Resource(kind) => format!("resource {kind}"),
                    EnvValue::Unknown => "unknown".into(),
                };
                self.line(format!(
                    "  env {} = {value} service={:?} @{}",
                    e.name,
                    e.service,
                    self.at(e.span)
                ));
            }
            if !f.environment_complete {
                self.line("  environment: incomplete".into());
            }
            if f.file_system {
                self.line("  file_system: mounted".into());
            }
            if !f.polled_services.is_empty() {
                self.line(format!("  polled: {:?}", f.polled_services));
            }
            if let Some(cp) = &f.capacity_provider {
                let s = self.attr(cp, |c| self.cp_name(c));
                self.line(format!("  capacity_provider: {s}"));
            }
        }
        for (i, v) in m.vpcs.iter().enumerate() {
            let name = self.vpc_name(&VpcId(i as u32));
            self.line(format!("vpc {name} @{}", self.at(v.meta.span)));
            self.line(format!("  cidr: {}", self.attr(&v.cidr, |c| c.to_string())));
            self.line(format!(
                "  dns_support: {}",
                self.attr(&v.enable_dns_support, |b| b.to_string())
            ));
            self.line(format!(
                "  dns_hostnames: {}",
                self.attr(&v.enable_dns_hostnames, |b| b.to_string())
            ));
            self.line(format!(
                "  tenancy: {}",
                self.attr(&v.instance_tenancy, |s| s.clone())
            ));
            if let Some(main) = &v.main_route_table {
                self.line(format!(
                    "  main_route_table: {}",
                    self.attr(main, |r| self.rt_name(r))
                ));
            }
            if v.is_default {
                self.line("  default: true".into());
            }
        }
        for (i, s) in m.subnets.iter().enumerate() {
            let name = self.subnet_name(&SubnetId(i as u32));
            self.line(format!("subnet {name} @{}", self.at(s.meta.span)));
            self.line(format!(
                "  vpc: {}",
                self.attr(&s.vpc, |v| self.vpc_name(v))
            ));
            self.line(format!("  cidr: {}", self.attr(&s.cidr, |c| c.to_string())));
            self.line(format!(
                "  ipv6_cidr: {}",
                self.attr(&s.ipv6_cidr, |c| c
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "none".into()))
            ));
            self.line(format!(
                "  az: {}",
                self.attr(&s.availability_zone, |a| self.zone(a))
            ));
            self.line(format!(
                "  map_public_ip: {}",
                self.attr(&s.map_public_ip_on_launch, |b| b.to_string())
            ));
        }
        for (i, t) in m.route_tables.iter().enumerate() {
            let main = if t.is_main { " (main)" } else { "" };
            self.line(format!(
                "route_table {}{} @{}",
                self.rt_name(&RouteTableId(i as u32)),
                main,
                self.at(t.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&t.vpc, |v| self.vpc_name(v))
            ));
        }
        for (i, r) in m.routes.iter().enumerate() {
            let name = if self.erase {
                format!("route#{i}")
            } else {
                r.name.clone()
            };
            self.line(format!("route {name} @{}", self.at(r.span)));
            self.line(format!(
                "  table: {}",
                self.val(&r.route_table, |t| self.rt_name(t))
            ));
            self.line(format!(
                "  destination: {}",
                self.attr(&r.destination, |d| match d {
                    Destination::V4(n) => n.to_string(),
                    Destination::V6(n) => n.to_string(),
                    Destination::PrefixList(p) => format!("prefix-list {p}"),
                })
            ));
            self.line(format!(
                "  target: {}",
                self.attr(&r.target, |t| self.target(t))
            ));
        }
        for a in &m.route_table_associations {
            self.line(format!(
                "association {} -> {} @{}",
                self.val(&a.subnet, |s| self.subnet_name(s)),
                self.val(&a.route_table, |t| self.rt_name(t)),
                self.at(a.span)
            ));
        }
        for (i, g) in m.gateways.iter().enumerate() {
            self.line(format!(
                "gateway {} {:?} @{}",
                self.gw_name(&GatewayId(i as u32)),
                g.kind,
                self.at(g.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&g.vpc, |v| self.vpc_name(v))
            ));
            if let Some(s) = &g.subnet {
                self.line(format!(
                    "  subnet: {}",
                    self.attr(s, |s| self.subnet_name(s))
                ));
            }
            if let Some(c) = &g.connectivity_public {
                self.line(format!("  public: {}", self.attr(c, |b| b.to_string())));
            }
            if let Some(c) = &g.has_allocation {
                self.line(format!("  eip: {}", self.attr(c, |b| b.to_string())));
            }
        }
        for (i, e) in m.endpoints.iter().enumerate() {
            self.line(format!(
                "endpoint {} @{}",
                self.endpoint_name(i),
                self.at(e.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&e.vpc, |v| self.vpc_name(v))
            ));
            self.line(format!(
                "  service: {}",
                self.attr(&e.service_name, |p| p.text.clone())
            ));
            self.line(format!(
                "  type: {}",
                self.attr(&e.endpoint_type, |t| format!("{t:?}"))
            ));
            self.line(format!(
                "  route_tables: {}",
                self.items(&e.route_tables, |t| self.rt_name(t))
            ));
            self.line(format!(
                "  subnets: {}",
                self.items(&e.subnets, |s| self.subnet_name(s))
            ));
            self.line(format!(
                "  security_groups: {}",
                self.items(&e.security_groups, |s| self.sg_name(s))
            ));
            self.line(format!(
                "  private_dns: {}",
                self.attr(&e.private_dns, |b| b.to_string())
            ));
            if !e.associations_complete {
                self.line("  associations: incomplete".into());
            }
        }
        for (i, g) in m.security_groups.iter().enumerate() {
            self.line(format!(
                "security_group {} @{}",
                self.sg_name(&SecurityGroupId(i as u32)),
                self.at(g.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&g.vpc, |v| self.vpc_name(v))
            ));
            for (dir, rules) in [("egress", &g.egress), ("ingress", &g.ingress)] {
                if let Some(r) = &rules.incomplete {
                    let line = if self.erase {
                        format!("  {dir}: incomplete")
                    } else {
                        format!("  {dir}: incomplete({r})")
                    };
                    self.line(line);
                }
                for rule in &rules.rules {
                    let line = self.sg_rule(rule);
                    self.line(format!("  {dir} {line}"));
                }
            }
        }
        for (i, c) in m.capacity_providers.iter().enumerate() {
            self.line(format!(
                "capacity_provider {} @{}",
                self.cp_name(&CapacityProviderId(i as u32)),
                self.at(c.meta.span)
            ));
            let s = self.attr(&c.subnets, |items| {
                self.items(items, |s| self.subnet_name(s))
            });
            self.line(format!("  subnets: {s}"));
            let s = self.attr(&c.security_groups, |items| {
                self.items(items, |s| self.sg_name(s))
            });
            self.line(format!("  security_groups: {s}"));
        }
        for (i, r) in m.roles.iter().enumerate() {
            let name = self.role_name(&RoleId(i as u32));
            self.line(format!("role {name} @{}", self.at(r.meta.span)));
            if let Some(reason) = &r.exposed {
                let line = if self.erase {
                    "  exposed".to_string()
                } else {
                    format!("  exposed: {reason}")
                };
                self.line(line);
            }
            let mut lines: Vec<String> = r
                .policies
                .iter()
                .map(|p| {
                    let s = self.policy_source(&p.policy);
                    format!("  policy {s} @{}", self.at(p.span))
                })
                .collect();
            if self.erase {
                lines.sort();
            }
            lines.into_iter().for_each(|l| self.line(l));
        }
        let mut lines: Vec<String> = m
            .policy_attachments
            .iter()
            .map(|a| {
                let mut role = self.val(&a.role, |r| self.role_name(r));
                if let Some(r) = &a.if_exists {
                    role.push_str(&format!(" (if it exists: {})", self.role_name(r)));
                }
                let s = self.policy_source(&a.policy);
                format!("attachment {role} <- {s} @{}", self.at(a.span))
            })
            .collect();
        if self.erase {
            lines.sort();
        }
        lines.into_iter().for_each(|l| self.line(l));
        // Erased, documents are written where they are attached; those attached nowhere
        // follow, sorted.
        let mut detached = Vec::new();
        for (i, p) in m.policies.iter().enumerate() {
            if self.erase {
                if !self.attached(PolicyId(i as u32)) {
                    detached.push(format!("policy{}", self.document(PolicyId(i as u32))));
                }
                continue;
            }
            self.line(format!("policy {} @{}", p.meta.name, self.at(p.meta.span)));
            let body = self.document(PolicyId(i as u32));
            self.out.push_str(&body);
        }
        detached.sort();
        detached.into_iter().for_each(|l| self.out.push_str(&l));
        let mut lines: Vec<String> = m
            .unresolved
            .iter()
            .map(|u| {
                let why = if self.erase {
                    String::new()
                } else {
                    format!(": {}", u.reason)
                };
                format!("unresolved {:?}{why} @{}", u.what, self.at(u.span))
            })
            .collect();
        if self.erase {
            lines.sort();
        }
        lines.into_iter().for_each(|l| self.line(l));
    }

    /// Is the policy attached to a role or by an attachment?
    fn attached(&self, id: PolicyId) -> bool {
        let is = |p: &PolicySource| matches!(p, PolicySource::Document(d) if *d == id);
        self.model
            .roles
            .iter()
            .any(|r| r.policies.iter().any(|p| is(&p.policy)))
            || self.model.policy_attachments.iter().any(|a| is(&a.policy))
    }

    /// A policy's statements, one line each (indented under the policy line).
    fn document(&self, id: PolicyId) -> String {
        let mut sub = Dumper {
            model: self.model,
            sources: self.sources,
            erase: self.erase,
            out: String::new(),
        };
        match &self.model.policy(id).statements {
            Value::Unknown(r) => sub.line(format!("  statements: {}", self.why(r))),
            Value::Known(sts) => {
                for st in sts {
                    sub.statement(st);
                }
            }
        }
        if self.erase {
            // Indented one more level under the `policy document` line that holds it.
            let mut nested = String::from("\n");
            for l in sub.out.lines() {
                nested.push_str("    ");
                nested.push_str(l);
                nested.push('\n');
            }
            nested.pop();
            return nested;
        }
        sub.out
    }

    fn statement(&mut self, st: &Statement) {
        let effect = self.val(&st.effect, |e| format!("{e:?}"));
        let sid = st
            .sid
            .as_deref()
            .map(|s| format!(" sid={s}"))
            .unwrap_or_default();
        self.line(format!("  statement {effect}{sid} @{}", self.at(st.span)));
        let strs =
            |v: &Value<Vec<Item<String>>>| self.val(v, |items| self.items(items, |s| s.clone()));
        let line = match &st.actions {
            ActionSet::Action(a) => format!("    action: {}", strs(a)),
            ActionSet::NotAction(a) => format!("    not_action: {}", strs(a)),
        };
        self.line(line);
        let pats = |v: &Value<Vec<Item<Pattern>>>| {
            self.val(v, |items| self.items(items, |p| p.text.clone()))
        };
        let line = match &st.resources {
            ResourceSet::Resource(r) => format!("    resource: {}", pats(r)),
            ResourceSet::NotResource(r) => format!("    not_resource: {}", pats(r)),
            ResourceSet::Absent => "    resource: absent".into(),
        };
        self.line(line);
        if let Some(c) = &st.condition {
            let s = self.val(c, |conds| {
                conds
                    .iter()
                    .map(|c| {
                        let vals: Vec<String> = c
                            .values
                            .iter()
                            .map(|v| self.val(&v.value, |p| p.text.clone()))
                            .collect();
                        let refs: Vec<String> = c
                            .function_refs
                            .iter()
                            .map(|f| self.function_name(f))
                            .collect();
                        if refs.is_empty() {
                            format!("{} {} {:?}", c.operator, c.key, vals)
                        } else {
                            format!("{} {} {:?} functions {:?}", c.operator, c.key, vals, refs)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            self.line(format!("    condition: {s}"));
        }
    }

    fn sg_rule(&self, r: &SgRule) -> String {
        let proto = self.val(&r.protocol, |p| p.clone());
        let ports = if proto == "-1" {
            "all".to_string()
        } else {
            format!(
                "{} {}-{}",
                proto,
                self.val(&r.from_port, |p| p.to_string()),
                self.val(&r.to_port, |p| p.to_string())
            )
        };
        let peer = self.val(&r.peer, |p| match p {
            Peer::V4(n) => n.to_string(),
            Peer::V6(n) => n.to_string(),
            Peer::SecurityGroup(g) => format!("sg {}", self.val(g, |g| self.sg_name(g))),
            Peer::PrefixList(PrefixList::Other(p)) => format!("prefix-list {p}"),
            Peer::PrefixList(PrefixList::AwsManaged(name)) => {
                format!("prefix-list aws-managed {}", name.text)
            }
            Peer::PrefixList(PrefixList::OfEndpoint(e)) => {
                format!("prefix-list of endpoint {}", self.endpoint_name(e.index()))
            }
        });
        let origin = if r.origin == Origin::Default {
            " (default)"
        } else {
            ""
        };
        format!("{ports} {peer}{origin} @{}", self.at(r.span))
    }

    fn target(&self, t: &Target) -> String {
        match t {
            Target::InternetGateway(g) => format!("igw {}", self.val(g, |g| self.gw_name(g))),
            Target::NatGateway(g) => format!("nat {}", self.val(g, |g| self.gw_name(g))),
            Target::EgressOnlyInternetGateway(g) => {
                format!("eigw {}", self.val(g, |g| self.gw_name(g)))
            }
            Target::Local => "local".into(),
            Target::Other(k) => format!("other {k}"),
        }
    }

    fn policy_source(&self, p: &PolicySource) -> String {
        match p {
            PolicySource::Document(id) if self.erase => format!("document{}", self.document(*id)),
            PolicySource::Document(id) => format!("document {}", self.model.policy(*id).meta.name),
            PolicySource::Arn(a) => format!("arn {}", self.val(&a.value, |p| p.text.clone())),
            PolicySource::Unknown(r) => self.why(r),
        }
    }
}
