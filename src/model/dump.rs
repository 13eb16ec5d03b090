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
        out: String::new(),
    };
    d.run();
    d.out
}

struct Dumper<'a> {
    model: &'a Model,
    sources: &'a SourceMap,
    out: String,
}

impl Dumper<'_> {
    fn at(&self, span: Span) -> String {
        let f = self.sources.get(span.file);
        let p = f.position(span.start);
        format!("{}:{}:{}", f.display, p.line, p.column)
    }

    fn val<T>(&self, v: &Value<T>, show: impl Fn(&T) -> String) -> String {
        match v {
            Value::Known(x) => show(x),
            Value::Unknown(r) => format!("unknown({r})"),
        }
    }

    fn attr<T>(&self, a: &Attr<T>, show: impl Fn(&T) -> String) -> String {
        let origin = match a.origin {
            Origin::Explicit => "",
            Origin::Default => " (default)",
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
        self.model.vpc(*id).meta.name.clone()
    }
    fn subnet_name(&self, id: &SubnetId) -> String {
        self.model.subnet(*id).meta.name.clone()
    }
    fn rt_name(&self, id: &RouteTableId) -> String {
        self.model.route_table(*id).meta.name.clone()
    }
    fn gw_name(&self, id: &GatewayId) -> String {
        self.model.gateway(*id).meta.name.clone()
    }
    fn sg_name(&self, id: &SecurityGroupId) -> String {
        self.model.security_group(*id).meta.name.clone()
    }

    fn line(&mut self, s: String) {
        self.out.push_str(&s);
        self.out.push('\n');
    }

    fn run(&mut self) {
        let m = self.model;
        self.line(format!("unit {} ({:?})", m.unit, m.ecosystem));
        for f in &m.functions {
            self.line(format!(
                "function {} [{}] @{}",
                f.meta.name,
                f.meta.kind,
                self.at(f.meta.span)
            ));
            self.line(format!(
                "  role: {}",
                self.attr(&f.role, |r| m.role(*r).meta.name.clone())
            ));
            match &f.vpc_config {
                None => self.line("  vpc_config: none".into()),
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
                let s = self.attr(cp, |c| m.capacity_provider(*c).meta.name.clone());
                self.line(format!("  capacity_provider: {s}"));
            }
        }
        for v in &m.vpcs {
            self.line(format!("vpc {} @{}", v.meta.name, self.at(v.meta.span)));
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
        for s in &m.subnets {
            self.line(format!("subnet {} @{}", s.meta.name, self.at(s.meta.span)));
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
                self.attr(&s.availability_zone, |a| a.to_string())
            ));
            self.line(format!(
                "  map_public_ip: {}",
                self.attr(&s.map_public_ip_on_launch, |b| b.to_string())
            ));
        }
        for t in &m.route_tables {
            let main = if t.is_main { " (main)" } else { "" };
            self.line(format!(
                "route_table {}{} @{}",
                t.meta.name,
                main,
                self.at(t.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&t.vpc, |v| self.vpc_name(v))
            ));
        }
        for r in &m.routes {
            self.line(format!("route {} @{}", r.name, self.at(r.span)));
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
        for g in &m.gateways {
            self.line(format!(
                "gateway {} {:?} @{}",
                g.meta.name,
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
        for e in &m.endpoints {
            self.line(format!(
                "endpoint {} @{}",
                e.meta.name,
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
        for g in &m.security_groups {
            self.line(format!(
                "security_group {} @{}",
                g.meta.name,
                self.at(g.meta.span)
            ));
            self.line(format!(
                "  vpc: {}",
                self.attr(&g.vpc, |v| self.vpc_name(v))
            ));
            for (dir, rules) in [("egress", &g.egress), ("ingress", &g.ingress)] {
                if let Some(r) = &rules.incomplete {
                    self.line(format!("  {dir}: incomplete({r})"));
                }
                for rule in &rules.rules {
                    let line = self.sg_rule(rule);
                    self.line(format!("  {dir} {line}"));
                }
            }
        }
        for c in &m.capacity_providers {
            self.line(format!(
                "capacity_provider {} @{}",
                c.meta.name,
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
        for r in &m.roles {
            self.line(format!("role {} @{}", r.meta.name, self.at(r.meta.span)));
            if let Some(reason) = &r.exposed {
                self.line(format!("  exposed: {reason}"));
            }
            for p in &r.policies {
                let s = self.policy_source(&p.policy);
                self.line(format!("  policy {s} @{}", self.at(p.span)));
            }
        }
        for a in &m.policy_attachments {
            let role = self.val(&a.role, |r| m.role(*r).meta.name.clone());
            let s = self.policy_source(&a.policy);
            self.line(format!("attachment {role} <- {s} @{}", self.at(a.span)));
        }
        for p in &m.policies {
            self.line(format!("policy {} @{}", p.meta.name, self.at(p.meta.span)));
            match &p.statements {
                Value::Unknown(r) => self.line(format!("  statements: unknown({r})")),
                Value::Known(sts) => {
                    for st in sts {
                        self.statement(st);
                    }
                }
            }
        }
        for u in &m.unresolved {
            self.line(format!(
                "unresolved {:?}: {} @{}",
                u.what,
                u.reason,
                self.at(u.span)
            ));
        }
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
                        let refs: Vec<&str> = c
                            .function_refs
                            .iter()
                            .map(|f| self.model.function(*f).meta.name.as_str())
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
            Peer::PrefixList(p) => format!("prefix-list {p}"),
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
            PolicySource::Document(id) => format!("document {}", self.model.policy(*id).meta.name),
            PolicySource::Arn(a) => format!("arn {}", self.val(&a.value, |p| p.text.clone())),
            PolicySource::Unknown(r) => format!("unknown({r})"),
        }
    }
}
