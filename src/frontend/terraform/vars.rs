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
) -> HashMap<String, RootVar> {
    let mut out = HashMap::new();
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
    out
}

/// Reads one variables file (HCL, or JSON when its name ends in `.json`).
fn read_file(
    id: FileId,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    maps: &mut Vec<(FileId, SpanMap)>,
    out: &mut HashMap<String, RootVar>,
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
        match hcl_edit::parser::parse_body(&text) {
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
        match hcl_edit::parser::parse_body(&src.text) {
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

impl Evaluator<'_> {
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
                match hcl_edit::parser::parse_expr(text) {
                    // Its spans are in the command line, not a file: point at the declaration.
                    Ok(e) => respan(self.eval(&e, &Scope::new(var_file)), span_of(var_file, block)),
                    Err(_) => Val::unknown("a variable value given on the command line or in the environment is not a valid expression"),
                }
            }
        }
    }
}
