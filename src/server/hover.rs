//! Hover on a function's declaration, its VPC configuration or its role: the network the
//! linter resolved for it, in a few lines (subnets with zones, route tables, egress per service
//! it uses, the role and its ENI permissions), and what could not be verified (its coverage
//! entry). The same facts the rules and `graph` read; every line masked like other outputs.

use std::fmt::Write;

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::iam::Grant;
use crate::analysis::routing::{EffectiveTable, Egress};
use crate::analysis::{data, Facts, FunctionFacts};
use crate::coverage::Entry;
use crate::engine::UnitModel;
use crate::model::{Function, Model, SubnetId, Value};
use crate::source::{FileId, Span};

/// The hover text for byte `offset` of `file`, if it is on a VPC function's VPC configuration or
/// role, or between its declaration and them; with the span it is about.
pub fn hover(
    units: &[UnitModel],
    coverage: &[Entry],
    file: FileId,
    offset: u32,
) -> Option<(String, Span)> {
    let on = |s: Span| s.file == file && s.start <= offset && offset <= s.end;
    for unit in units {
        let facts = Facts::new(&unit.model);
        for (_, f, ff) in facts.vpc_functions() {
            let vpc = f.vpc_config.as_ref().map(|v| v.span);
            let spans: Vec<Span> = [Some(f.meta.span), vpc, Some(f.role.span)]
                .into_iter()
                .flatten()
                .collect();
            // From the declaration to the end of its VPC configuration or role, when they are
            // in its file: the `VpcConfig:` key itself is outside the value's span.
            let end = spans
                .iter()
                .filter(|s| s.file == f.meta.span.file)
                .map(|s| s.end)
                .max()
                .unwrap_or(f.meta.span.end);
            let declaration = Span { end, ..f.meta.span };
            let hit = spans
                .into_iter()
                .find(|s| on(*s))
                .or(on(declaration).then_some(declaration));
            if let Some(span) = hit {
                let entry = coverage
                    .iter()
                    .find(|e| e.name == f.meta.name && e.span.file == f.meta.span.file);
                let text = describe(&unit.model, &facts, f, ff, entry);
                return Some((unit.secrets.mask(&text), span));
            }
        }
    }
    None
}

fn describe(
    model: &Model,
    facts: &Facts<'_>,
    f: &Function,
    ff: &FunctionFacts,
    coverage: Option<&Entry>,
) -> String {
    let mut s = format!("**`{}`**: VPC function\n\n", f.meta.name);
    let subnets = subnets(f);
    s.push_str("**Subnets**\n\n");
    match &subnets {
        Value::Unknown(r) => {
            let _ = writeln!(s, "- unknown: {}", r.0);
        }
        Value::Known(list) => {
            for item in list {
                match item {
                    Value::Known(id) => {
                        let _ = writeln!(s, "- {}", subnet_line(model, facts, *id));
                    }
                    Value::Unknown(r) => {
                        let _ = writeln!(s, "- a subnet that is unknown: {}", r.0);
                    }
                }
            }
        }
    }
    s.push_str("\n**Egress per service**\n\n");
    let services: Vec<&str> = match &ff.services {
        Value::Known(uses) => uses.iter().map(|u| u.service.as_str()).collect(),
        Value::Unknown(r) => {
            let _ = writeln!(s, "- the services it uses are not all known: {}", r.0);
            ff.proven_services
                .iter()
                .map(|u| u.service.as_str())
                .collect()
        }
    };
    if services.is_empty() && ff.services.known().is_some() {
        s.push_str("- it uses no AWS service the linter can see\n");
    }
    let known: Vec<SubnetId> = match &subnets {
        Value::Known(list) => list.iter().filter_map(|i| i.known().copied()).collect(),
        Value::Unknown(_) => Vec::new(),
    };
    for svc in services {
        let ways: Vec<String> = known
            .iter()
            .map(|&id| egress_for(model, facts, id, svc))
            .collect();
        let mut distinct = ways.clone();
        distinct.dedup();
        if distinct.len() == 1 {
            let _ = writeln!(s, "- `{svc}`: {}", distinct[0]);
        } else {
            let _ = writeln!(s, "- `{svc}`:");
            for (id, way) in known.iter().zip(&ways) {
                let _ = writeln!(s, "  - from `{}`: {way}", model.subnet(*id).meta.name);
            }
        }
    }
    s.push_str("\n**Role**\n\n");
    match (&f.role.value, &ff.permissions) {
        (Value::Known(r), Some(p)) => {
            let _ = writeln!(s, "- `{}`", model.role(*r).meta.name);
            let required = &data::eni_actions().service_actions.required;
            let (mut missing, mut unknown) = (Vec::new(), Vec::new());
            for action in required {
                match p.grants(action) {
                    Grant::Yes(_) => {}
                    Grant::No => missing.push(action.as_str()),
                    Grant::Unknown(r) => unknown.push(format!("{action} ({})", r.0)),
                }
            }
            let eni = match (missing.is_empty(), unknown.is_empty()) {
                (true, true) => "all granted".to_string(),
                (false, _) => format!("missing {}", missing.join(", ")),
                (true, false) => format!("unknown: {}", unknown.join("; ")),
            };
            let _ = writeln!(s, "- ENI permissions ({}): {eni}", required.join(", "));
            if let Some(why) = &p.incomplete {
                let _ = writeln!(s, "- its policies are not all known: {}", why.0);
            }
        }
        (Value::Known(r), None) => {
            let _ = writeln!(s, "- `{}` (permissions unknown)", model.role(*r).meta.name);
        }
        (Value::Unknown(r), _) => {
            let _ = writeln!(s, "- unknown: {}", r.0);
        }
    }
    s.push_str("\n**Not verified**\n\n");
    match coverage {
        Some(e) if !e.verified() => {
            for u in &e.unknowns {
                let _ = write!(s, "- {}: {} ({})", u.aspect().as_str(), u.what, u.reason.0);
                if !u.rules.is_empty() {
                    let _ = write!(s, "; undecided: {}", u.rules.join(", "));
                }
                s.push('\n');
            }
        }
        Some(_) => s.push_str("- nothing: every aspect was verified\n"),
        None => s.push_str("- no coverage entry\n"),
    }
    s
}

/// The function's subnets: unknown as a whole, or each known or not.
fn subnets(f: &Function) -> Value<Vec<Value<SubnetId>>> {
    let Some(vc) = &f.vpc_config else {
        return Value::Known(Vec::new());
    };
    match &vc.subnets.value {
        Value::Known(items) => Value::Known(items.iter().map(|i| i.value.clone()).collect()),
        Value::Unknown(r) => Value::Unknown(r.clone()),
    }
}

/// `aws_subnet.a` (eu-west-1a): route table `t` → NAT gateway `n`
fn subnet_line(model: &Model, facts: &Facts<'_>, id: SubnetId) -> String {
    let sub = model.subnet(id);
    let zone = sub
        .availability_zone
        .known()
        .map_or_else(|| "zone unknown".to_string(), ToString::to_string);
    let sf = facts.subnet(id);
    let table = match &sf.table {
        Value::Known(EffectiveTable::Table(t, _)) => {
            format!("route table `{}`", model.route_table(*t).meta.name)
        }
        Value::Known(EffectiveTable::ImplicitMain(v)) => format!(
            "the main route table of `{}` (local route only)",
            model.vpc(*v).meta.name
        ),
        Value::Unknown(r) => format!("route table unknown ({})", r.0),
    };
    let egress = match &sf.egress {
        Egress::InternetGateway { igw, .. } => format!(
            "internet gateway{}: public, so no internet for Lambda",
            name(igw.known().map(|g| model.gateway(*g).meta.name.as_str()))
        ),
        Egress::Nat { nat, .. } => format!(
            "NAT gateway{}",
            name(nat.known().map(|g| model.gateway(*g).meta.name.as_str()))
        ),
        Egress::NoRoute { .. } => "no route to the internet".to_string(),
        Egress::Unknown(r) => format!("egress unknown ({})", r.0),
    };
    format!("`{}` ({zone}): {table} → {egress}", sub.meta.name)
}

fn name(n: Option<&str>) -> String {
    n.map(|n| format!(" `{n}`")).unwrap_or_default()
}

/// How a service is reached from a subnet: an endpoint, else the subnet's internet egress.
fn egress_for(model: &Model, facts: &Facts<'_>, id: SubnetId, svc: &str) -> String {
    let sf = facts.subnet(id);
    match service_reach(model, id, &sf.table, svc) {
        EndpointReach::Yes(e) => format!("endpoint `{}`", model.endpoint(e).meta.name),
        EndpointReach::Unknown(r) => format!("unknown ({})", r.0),
        EndpointReach::No => match &sf.egress {
            Egress::Nat { .. } => "through the NAT gateway".to_string(),
            Egress::InternetGateway { .. } => "no path (public subnet, no endpoint)".to_string(),
            Egress::NoRoute { .. } => "no path (no route, no endpoint)".to_string(),
            Egress::Unknown(r) => format!("unknown ({})", r.0),
        },
    }
}
