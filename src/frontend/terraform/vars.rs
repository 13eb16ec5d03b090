//! Values of the root module's variables from outside the configuration, with Terraform's
//! precedence (later wins): `TF_VAR_name` environment values, `terraform.tfvars`,
//! `terraform.tfvars.json`, `*.auto.tfvars` / `*.auto.tfvars.json` in lexical order, then
//! `--var-file` and `--var` in command-line order. Child modules get their inputs from their
//! `module` block instead.

use std::collections::HashMap;

use hcl_edit::expr::Expression;

use super::eval::{respan, Evaluator, Scope, Val};
use super::json_syntax::{self, SpanMap};
use super::parse::span_of;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};

/// Variable values given on the command line and in the environment.
#[derive(Debug, Clone, Default)]
pub struct VarInputs {
    /// `TF_VAR_name` values, `name` without the prefix.
    pub env: Vec<(String, String)>,
    /// `--var-file` and `--var` in command-line order.
    pub cli: Vec<CliVar>,
    /// Canonical directories `file()` / `templatefile()` may read from: the linted paths and
    /// `--allow-read`. Empty: those functions stay unknown.
    pub read_roots: crate::paths::Roots,
}

#[derive(Debug, Clone)]
pub enum CliVar {
    /// A `--var-file`, read into the source map by the engine.
    File(FileId),
    /// `--var name=value`.
    Assign(String, String),
}

/// A root variable's value from outside the configuration.
#[derive(Debug, Clone)]
pub enum RootVar {
    /// An expression in a variables file.
    Expr { file: FileId, expr: Expression },
    /// Text from `--var` or the environment: a string for primitive types, otherwise parsed as
    /// an HCL expression, as Terraform does.
    Text(String),
}

fn file_name(sources: &SourceMap, id: FileId) -> String {
    sources
        .get(id)
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The root variables set by the module directory's tfvars files and by `inputs`.
pub fn collect(
    root_files: &[FileId],
    inputs: &VarInputs,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    maps: &mut Vec<(FileId, SpanMap)>,
    shadowed: &mut Vec<(String, RootVar)>,
) -> HashMap<String, RootVar> {
    let mut out = Given {
        values: HashMap::new(),
        shadowed,
    };
    for (k, v) in &inputs.env {
        out.insert(k.clone(), RootVar::Text(v.clone()));
    }
    let mut auto: Vec<(String, FileId)> = Vec::new();
    let mut fixed: Vec<(u8, FileId)> = Vec::new();
    for &id in root_files {
        let n = file_name(sources, id);
        match n.as_str() {
            "terraform.tfvars" => fixed.push((0, id)),
            "terraform.tfvars.json" => fixed.push((1, id)),
            _ if n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json") => {
                auto.push((n, id))
            }
            _ => {}
        }
    }
    fixed.sort();
    auto.sort();
    let files = fixed
        .into_iter()
        .map(|(_, id)| id)
        .chain(auto.into_iter().map(|(_, id)| id));
    for id in files {
        read_file(id, sources, diagnostics, maps, &mut out);
    }
    for c in &inputs.cli {
        match c {
            CliVar::File(id) => read_file(*id, sources, diagnostics, maps, &mut out),
            CliVar::Assign(k, v) => {
                out.insert(k.clone(), RootVar::Text(v.clone()));
            }
        }
    }
    out.values
}

/// The values given so far; those a later source overrides are kept in `shadowed`, because a
/// sensitive variable's overridden value is still a secret in its file.
struct Given<'s> {
    values: HashMap<String, RootVar>,
    shadowed: &'s mut Vec<(String, RootVar)>,
}

impl Given<'_> {
    fn insert(&mut self, name: String, value: RootVar) {
        if let Some(old) = self.values.insert(name.clone(), value) {
            self.shadowed.push((name, old));
        }
    }
}

/// Reads one variables file (HCL, or JSON when its name ends in `.json`).
fn read_file(
    id: FileId,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    maps: &mut Vec<(FileId, SpanMap)>,
    out: &mut Given<'_>,
) {
    let src = sources.get(id);
    let mut error = |at: usize, message: String| {
        diagnostics.push(Diagnostic::input(
            codes::PARSE_ERROR,
            Span::new(id, at..at),
            &src.display,
            message,
        ))
    };
    let body = if file_name(sources, id).ends_with(".json") {
        let (text, map) = match json_syntax::translate_values(id, &src.text) {
            Ok(t) => t,
            Err(e) => {
                return error(
                    e.span.start as usize,
                    format!("JSON parse error: {}", e.message),
                )
            }
        };
        match crate::syntax::hcl::parse_body(&text) {
            Ok(b) => {
                maps.push((id, map));
                b
            }
            Err(e) => {
                let at = map.map(e.location().offset()..e.location().offset()).start;
                return error(at, format!("JSON value error: {}", e.message()));
            }
        }
    } else {
        match crate::syntax::hcl::parse_body(&src.text) {
            Ok(b) => b,
            Err(e) => {
                let at = e.location().offset().min(src.text.len());
                return error(at, format!("HCL parse error: {}", e.message()));
            }
        }
    };
    for attr in body.attributes() {
        out.insert(
            attr.key.as_str().to_string(),
            RootVar::Expr {
                file: id,
                expr: attr.value.clone(),
            },
        );
    }
}

fn is_true(block: &hcl_edit::structure::Block, key: &str) -> bool {
    block
        .body
        .get_attribute(key)
        .is_some_and(|a| matches!(&a.value, Expression::Bool(b) if *b.value()))
}

/// Every string in a value (list items and map values included), without recursion.
fn strings(v: Val, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Val::Str(s) => out.push(s),
            Val::Partial { text, .. } => out.extend(
                text.split(super::eval::HOLE)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            ),
            Val::List(items) => stack.extend(items.into_iter().map(|i| i.val)),
            Val::Map(entries) => stack.extend(entries.into_values().map(|i| i.val)),
            Val::Json(inner) => stack.push(*inner),
            Val::Null
            | Val::Bool(_)
            | Val::Num(_)
            | Val::Ref(_)
            | Val::Unknown(_)
            | Val::AwsZones { .. } => {}
        }
    }
}

impl Evaluator<'_> {
    /// The values that must never be echoed: of `sensitive` variables (defaults in every module;
    /// for the root module also every value given in tfvars files, `--var`, `--var-file` and
    /// `TF_VAR_`, overridden or not) and the literal values of `sensitive` outputs.
    pub(super) fn secrets(
        &self,
        all: &[super::parse::Decls<'_>],
        root_vars: &HashMap<String, RootVar>,
        shadowed: &[(String, RootVar)],
    ) -> Vec<String> {
        let mut out = Vec::new();
        let root = self.decls_at(0);
        for decls in all {
            for (name, (file, block)) in &decls.variables {
                if !is_true(block, "sensitive") {
                    continue;
                }
                if let Some(attr) = block.body.get_attribute("default") {
                    strings(self.eval(&attr.value, &Scope::new(*file)), &mut out);
                }
                if !std::ptr::eq(decls, root) {
                    continue;
                }
                let given = root_vars
                    .get(*name)
                    .into_iter()
                    .chain(shadowed.iter().filter(|(n, _)| n == name).map(|(_, v)| v));
                for v in given {
                    if let RootVar::Text(t) = v {
                        out.push(t.clone());
                    }
                    strings(self.root_var_value(v, *file, block), &mut out);
                }
            }
            for (_, block) in decls.output_index.values() {
                if !is_true(block, "sensitive") {
                    continue;
                }
                if let Some(Expression::String(s)) =
                    block.body.get_attribute("value").map(|a| &a.value)
                {
                    out.push(s.value().to_string());
                }
            }
        }
        out
    }

    /// The value of a root variable given from outside the configuration.
    pub(super) fn root_var_value(
        &self,
        v: &RootVar,
        var_file: FileId,
        block: &hcl_edit::structure::Block,
    ) -> Val {
        match v {
            RootVar::Expr { file, expr } => self.eval(expr, &Scope::new(*file)),
            RootVar::Text(text) => {
                let primitive = match block.body.get_attribute("type").map(|a| &a.value) {
                    None => true,
                    Some(Expression::Variable(t)) => {
                        matches!(t.as_str(), "string" | "number" | "bool")
                    }
                    Some(_) => false,
                };
                if primitive {
                    return Val::Str(text.clone());
                }
                match crate::syntax::hcl::parse_expr(text) {
                    // Its spans are in the command line, not a file: point at the declaration.
                    Ok(e) => respan(self.eval(&e, &Scope::new(var_file)), span_of(var_file, block)),
                    Err(_) => Val::unknown("a variable value given on the command line or in the environment is not a valid expression"),
                }
            }
        }
    }
}
