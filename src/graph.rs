//! `lambda-vpc-lint graph`: a diagram per VPC function of its network as the seed documents draw
//! it — function → subnets (with AZ) → route tables → NAT gateway / internet gateway / endpoints →
//! the services it uses — with broken edges drawn dashed and labelled with the rule that reports
//! them. Mermaid (renders in GitHub Markdown) or Graphviz DOT.

use std::fmt::Write;

use crate::analysis::endpoints::{service_reach, EndpointReach};
use crate::analysis::routing::{EffectiveTable, Egress};
use crate::analysis::{data, Facts};
use crate::engine::UnitModel;
use crate::model::{EndpointType, Function, Model, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// One function's diagram, independent of the output syntax.
#[derive(Default)]
struct Graph {
    title: String,
    nodes: Vec<(String, String)>,
    /// (from, to, label, broken)
    edges: Vec<(String, String, String, bool)>,
}

impl Graph {
    fn node(&mut self, id: &str, label: String) -> String {
        if !self.nodes.iter().any(|(n, _)| n == id) {
            self.nodes.push((id.to_string(), label));
        }
        id.to_string()
    }
    /// Secret values (see `crate::secrets`) replaced in every label and id.
    fn masked(mut self, secrets: &crate::secrets::Secrets) -> Self {
        if secrets.is_empty() {
            return self;
        }
        self.title = secrets.mask(&self.title);
        for (id, label) in &mut self.nodes {
            *id = secrets.mask(id);
            *label = secrets.mask(label);
        }
        for (from, to, label, _) in &mut self.edges {
            *from = secrets.mask(from);
            *to = secrets.mask(to);
            *label = secrets.mask(label);
        }
        self
    }
    fn edge(&mut self, from: &str, to: &str, label: &str, broken: bool) {
        let e = (from.to_string(), to.to_string(), label.to_string(), broken);
        if !self.edges.contains(&e) {
            self.edges.push(e);
        }
    }
}

/// Renders the diagrams of every VPC function (or those whose name contains `function`).
pub fn render(units: &[UnitModel], function: Option<&str>, format: GraphFormat) -> String {
    let mut graphs = Vec::new();
    for unit in units {
        let facts = Facts::new(&unit.model);
        for (_, f, ff) in facts.vpc_functions() {
            if function.is_some_and(|name| !f.meta.name.contains(name)) {
                continue;
            }
            let g = function_graph(unit, &facts, f, ff);
            graphs.push(g.masked(&unit.secrets));
        }
    }
    match format {
        GraphFormat::Mermaid => mermaid(&graphs),
        GraphFormat::Dot => dot(&graphs),
    }
}

/// The names of the VPC functions `render` can draw (for `--function` and its suggestions).
pub fn function_names(units: &[UnitModel]) -> Vec<String> {
    let mut names = Vec::new();
    for unit in units {
        let facts = Facts::new(&unit.model);
        names.extend(facts.vpc_functions().map(|(_, f, _)| f.meta.name.clone()));
    }
    names
}

/// The rule IDs of the unit's findings that name this function (messages name it in backticks).
fn codes_for(unit: &UnitModel, f: &Function, codes: &[&str]) -> Vec<&'static str> {
    let needle = format!("`{}`", f.meta.name);
    let mut out: Vec<&'static str> = unit
        .diagnostics
        .iter()
        .filter(|d| codes.contains(&d.code) && d.message.contains(&needle))
        .map(|d| d.code)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn function_graph(
    unit: &UnitModel,
    facts: &Facts<'_>,
    f: &Function,
    ff: &crate::analysis::FunctionFacts,
) -> Graph {
    let model: &Model = &unit.model;
    let mut g = Graph {
        title: format!("{} ({})", f.meta.name, unit.name),
        ..Graph::default()
    };
    let func = g.node("fn", format!("λ {}", f.meta.name));
    match &f.role.value {
        Value::Known(r) => {
            // A role whose policies are not all known: the IAM rules were silent for it.
            let partly = match ff.permissions.as_ref().and_then(|p| p.incomplete.as_ref()) {
                Some(why) => format!(
                    "<br/>policies partly unknown: {}",
                    short(why, &unit.secrets)
                ),
                None => String::new(),
            };
            let role = g.node(
                "role",
                format!("role {}{partly}", shown(&model.role(*r).meta)),
            );
            let iam = codes_for(unit, f, &["LVL101", "LVL102", "LVL103", "LVL104", "LVL105"]);
            g.edge(&func, &role, &iam.join(", "), !iam.is_empty());
        }
        Value::Unknown(r) => {
            let role = g.node(
                "role",
                format!("role: unknown<br/>{}", short(r, &unit.secrets)),
            );
            g.edge(&func, &role, "", false);
        }
    }
    let services: Vec<String> = match &ff.services {
        Value::Known(uses) => uses.iter().map(|u| u.service.clone()).collect(),
        Value::Unknown(_) => Vec::new(),
    };
    let Some(vc) = &f.vpc_config else { return g };
    let items = match &vc.subnets.value {
        Value::Known(items) => items,
        Value::Unknown(r) => {
            let u = g.node(
                "subnets",
                format!("subnets: unknown<br/>{}", short(r, &unit.secrets)),
            );
            g.edge(&func, &u, "", false);
            return g;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let s = match &item.value {
            Value::Known(s) => *s,
            Value::Unknown(r) => {
                let u = g.node(
                    &format!("su{i}"),
                    format!("subnet: unknown<br/>{}", short(r, &unit.secrets)),
                );
                g.edge(&func, &u, "", false);
                continue;
            }
        };
        let sub = model.subnet(s);
        let az = sub
            .availability_zone
            .known()
            .map_or_else(|| "AZ unknown".into(), ToString::to_string);
        let sn = g.node(
            &format!("s{}", s.0),
            format!("subnet {}<br/>{az}", shown(&sub.meta)),
        );
        let placement: Vec<&str> = unit
            .diagnostics
            .iter()
            .filter(|d| d.span == item.span && d.code.starts_with("LVL0"))
            .map(|d| d.code)
            .collect();
        g.edge(&func, &sn, &placement.join(", "), !placement.is_empty());
        let sf = facts.subnet(s);
        let table = match &sf.table {
            Value::Known(EffectiveTable::Table(t, _)) => g.node(
                &format!("t{}", t.0),
                format!("route table {}", shown(&model.route_table(*t).meta)),
            ),
            Value::Known(EffectiveTable::ImplicitMain(v)) => g.node(
                &format!("main{}", v.0),
                format!(
                    "main route table of {}<br/>(local route only)",
                    model.vpc(*v).meta.name
                ),
            ),
            Value::Unknown(r) => g.node(
                &format!("tu{}", s.0),
                format!("route table: unknown<br/>{}", short(r, &unit.secrets)),
            ),
        };
        g.edge(&sn, &table, "", false);
        let exit = match &sf.egress {
            Egress::InternetGateway { igw, .. } => {
                let name = igw
                    .known()
                    .map(|i| shown(&model.gateway(*i).meta))
                    .unwrap_or_default();
                let n = g.node(
                    &format!("igw{}", igw.known().map_or(0, |i| i.0)),
                    format!("internet gateway {name}"),
                );
                let broken = placement.contains(&"LVL001");
                g.edge(
                    &table,
                    &n,
                    if broken {
                        "0.0.0.0/0 · LVL001: no public IP"
                    } else {
                        "0.0.0.0/0"
                    },
                    broken,
                );
                Some((n, broken))
            }
            Egress::Nat { nat, .. } => {
                let (id, label) = match nat {
                    Value::Known(n) => {
                        let gw = model.gateway(*n);
                        let az = gw
                            .subnet
                            .as_ref()
                            .and_then(|a| a.value.known())
                            .and_then(|s| model.subnet(*s).availability_zone.known())
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        (
                            format!("nat{}", n.0),
                            format!("NAT gateway {}<br/>{az}", shown(&gw.meta)),
                        )
                    }
                    Value::Unknown(r) => (
                        "nat_unknown".to_string(),
                        format!("NAT gateway: unknown<br/>{}", short(r, &unit.secrets)),
                    ),
                };
                let n = g.node(&id, label);
                g.edge(&table, &n, "0.0.0.0/0", false);
                Some((n, false))
            }
            Egress::NoRoute { .. } => None,
            Egress::Unknown(r) => {
                let n = g.node(
                    &format!("eu{}", s.0),
                    format!("egress unknown<br/>{}", short(r, &unit.secrets)),
                );
                g.edge(&table, &n, "", false);
                None
            }
        };
        for svc in &services {
            let sv = g.node(&format!("svc_{svc}"), svc.clone());
            match service_reach(model, s, &sf.table, svc) {
                EndpointReach::Yes(e) => {
                    let ep = model.endpoint(e);
                    let kind = match ep.endpoint_type.value {
                        Value::Known(EndpointType::Gateway) => "gateway",
                        _ => "interface",
                    };
                    let en = g.node(
                        &format!("ep{}", e.0),
                        format!("{kind} endpoint {}", shown(&ep.meta)),
                    );
                    if kind == "gateway" {
                        g.edge(&table, &en, "prefix list", false);
                    } else {
                        g.edge(&sn, &en, "", false);
                    }
                    let codes = codes_for(unit, f, &["LVL008", "LVL009"]);
                    g.edge(&en, &sv, &codes.join(", "), !codes.is_empty());
                }
                EndpointReach::No => match &exit {
                    Some((n, broken)) => {
                        let label = if *broken { "LVL001" } else { "" };
                        g.edge(n, &sv, label, *broken);
                    }
                    None if matches!(sf.egress, Egress::NoRoute { .. }) => {
                        let code = if data::no_endpoint(svc).is_some() {
                            "LVL003"
                        } else {
                            "LVL002"
                        };
                        let codes = codes_for(unit, f, &[code, "LVL007"]);
                        let label = if codes.is_empty() {
                            "no path".to_string()
                        } else {
                            format!("{}: no path", codes.join(", "))
                        };
                        g.edge(&sn, &sv, &label, true);
                    }
                    None => {}
                },
                EndpointReach::Unknown(r) => {
                    let n = g.node(
                        &format!("epu_{svc}"),
                        format!(
                            "endpoint for {svc}: unknown<br/>{}",
                            short(&r, &unit.secrets)
                        ),
                    );
                    g.edge(&sn, &n, "", false);
                    g.edge(&n, &sv, "", false);
                }
            }
        }
    }
    g
}

/// An unknown's reason as a node shows it: the first 60 characters, masked before it is cut
/// (a cut secret would no longer be found by the label masking).
fn short(reason: &crate::model::Reason, secrets: &crate::secrets::Secrets) -> String {
    const MAX: usize = 60;
    let masked = secrets.mask(&reason.0);
    let text = masked.as_str();
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Mermaid node ids: letters, digits and `_` only.
fn mermaid_id(prefix: usize, id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("f{prefix}_{clean}")
}

/// Mermaid labels (always quoted): a quote would end the label, `#…;` is an entity, `<…>` is
/// HTML, a backtick starts Markdown, a line break ends the statement; all are neutralised, so a
/// name cannot add nodes or edges (`]`, `|`, `-->` are inert inside quotes). Our own `<br/>`
/// line breaks are kept.
fn mermaid_label(s: &str) -> String {
    let parts: Vec<String> = s.split("<br/>").map(mermaid_text).collect();
    parts.join("<br/>")
}

fn mermaid_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "#quot;".to_string(),
            '#' => "#35;".to_string(),
            '<' => "#lt;".to_string(),
            '>' => "#gt;".to_string(),
            '`' => "#96;".to_string(),
            '&' => "#amp;".to_string(),
            // Controls, bidi overrides, line separators: the visible escape the report shows.
            c if crate::report::is_hostile(c) => crate::report::escape_line(&c.to_string()).into(),
            c => c.to_string(),
        })
        .collect()
}

fn mermaid(graphs: &[Graph]) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut broken = Vec::new();
    let mut edge_index = 0usize;
    for (i, g) in graphs.iter().enumerate() {
        let _ = writeln!(out, "  subgraph g{i}[\"{}\"]", mermaid_label(&g.title));
        for (id, label) in &g.nodes {
            let _ = writeln!(
                out,
                "    {}[\"{}\"]",
                mermaid_id(i, id),
                mermaid_label(label)
            );
        }
        out.push_str("  end\n");
        for (from, to, label, is_broken) in &g.edges {
            let (a, b) = (mermaid_id(i, from), mermaid_id(i, to));
            let line = match (label.is_empty(), is_broken) {
                (true, false) => format!("  {a} --> {b}"),
                (false, false) => format!("  {a} -->|\"{}\"| {b}", mermaid_label(label)),
                (_, true) => format!(
                    "  {a} -. \"{}\" .-> {b}",
                    mermaid_label(if label.is_empty() { "broken" } else { label })
                ),
            };
            out.push_str(&line);
            out.push('\n');
            if *is_broken {
                broken.push(edge_index);
            }
            edge_index += 1;
        }
    }
    if !broken.is_empty() {
        let list: Vec<String> = broken.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "  linkStyle {} stroke:#d00,color:#d00", list.join(","));
    }
    out
}

/// DOT labels (always quoted): backslashes first, so no `\l`/`\N` escape can be smuggled in.
/// Controls, bidi overrides and line separators become the report's visible escapes first (their
/// backslash is then escaped like any other).
fn dot_label(s: &str) -> String {
    crate::report::escape_line(s)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("<br/>", "\\n")
}

fn dot(graphs: &[Graph]) -> String {
    let mut out = String::from(
        "digraph lambda_vpc_lint {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (i, g) in graphs.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"{}\";",
            dot_label(&g.title)
        );
        for (id, label) in &g.nodes {
            let _ = writeln!(
                out,
                "    \"{i}:{}\" [label=\"{}\"];",
                dot_label(id),
                dot_label(label)
            );
        }
        for (from, to, label, broken) in &g.edges {
            let style = if *broken {
                ", style=dashed, color=red, fontcolor=red"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    \"{i}:{}\" -> \"{i}:{}\" [label=\"{}\"{style}];",
                dot_label(from),
                dot_label(to),
                dot_label(label)
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

/// An entity's name, marked when it comes from the AWS snapshot (`--aws-snapshot`): the graph
/// shows what exists in the account beside what the files declare.
fn shown(meta: &crate::model::Meta) -> String {
    if meta
        .kind
        .starts_with(crate::frontend::snapshot::KIND_PREFIX)
    {
        format!("{} (AWS snapshot)", meta.name)
    } else {
        meta.name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "a\"] --> x[\"b\n|c|<img src=x>#quot;`d`\\l\r\u{2028}e\u{202E}f\u{2029}\u{1b}[31m";

    /// Nothing a terminal, a viewer or a log pipeline would act on reaches either format raw.
    fn assert_inert(out: &str) {
        for c in ['\u{202E}', '\u{2028}', '\u{2029}', '\u{1b}', '\r'] {
            assert!(!out.contains(c), "{c:?} raw in {out}");
        }
        assert!(out.contains("\\u{202e}"), "shown as an escape: {out}");
    }

    fn hostile_graph() -> Graph {
        let mut g = Graph {
            title: HOSTILE.into(),
            ..Graph::default()
        };
        g.node(HOSTILE, format!("subnet {HOSTILE}<br/>{HOSTILE}"));
        g.node("fn", HOSTILE.into());
        g.edge("fn", HOSTILE, HOSTILE, false);
        g.edge(HOSTILE, "fn", HOSTILE, true);
        g
    }

    #[test]
    fn hostile_names_cannot_add_statements_to_mermaid() {
        let out = mermaid(&[hostile_graph()]);
        // flowchart, subgraph, 2 nodes, end, 2 edges, linkStyle: one line each.
        assert_eq!(out.lines().count(), 8, "{out}");
        for line in out.lines() {
            // Quotes only delimit labels: an even number, and never `"` inside a label.
            assert_eq!(line.matches('"').count() % 2, 0, "{line}");
            assert!(
                !line.contains("<img") && !line.contains("#quot;`"),
                "{line}"
            );
        }
        assert!(out.contains("#lt;img src=x#gt;#35;quot;#96;d#96;"), "{out}");
        assert!(out.contains("<br/>"), "our own line break is kept: {out}");
        assert_inert(&out);
    }

    #[test]
    fn hostile_names_cannot_add_statements_to_dot() {
        let out = dot(&[hostile_graph()]);
        // digraph, rankdir, node, subgraph+label (2), 2 nodes, 2 edges, }, }.
        assert_eq!(out.lines().count(), 11, "{out}");
        for line in out.lines() {
            let unescaped = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
        }
        assert!(out.contains("\\\\l"), "a backslash is escaped: {out}");
        assert_inert(&out);
    }
}
