//! The value of a `Ref` to a template parameter, read by the parameter's type: the value a parent
//! stack passes, else a value given with `--parameters`, else its `Default`. Values given only at
//! deploy time cannot be seen, so a parameter with none of these is unknown.
//!
//! Also reads `--parameters` files, in the shapes deploy tooling uses:
//! - `[{"ParameterKey": "K", "ParameterValue": "V"}]` (`aws cloudformation create-stack`),
//! - `{"Parameters": {"K": "V"}}` (CodePipeline template configuration) or a flat `{"K": "V"}`,
//! - `["K=V"]`, or `K=V` lines (`--parameter-overrides`, `.env`-like files).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::intrinsics::{split_value, Ev, Item};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, Limits, Node, NodeKind};

/// A value given for a parameter on the command line.
#[derive(Debug, Clone)]
pub struct Given {
    /// `None`: `UsePreviousValue` (the deployed stack's value, not known here).
    pub value: Option<String>,
    /// Where the value is written in the parameters file.
    pub span: Span,
}

/// `use_span` is where the parameter is referenced: list items taken from the default are
/// reported there, inside the resource that uses them.
pub(crate) fn value<'a>(name: &str, decl: &'a Node, use_span: Span) -> Ev<'a> {
    if let Some(ssm) = ssm(name, decl, decl.get("Default").and_then(Node::as_str)) {
        return ssm;
    }
    let Some(default) = decl.get("Default") else {
        return Ev::unknown(format!("parameter `{name}` has no default"));
    };
    let is_list = is_list(decl);
    match &default.kind {
        NodeKind::Scalar { text, .. } if is_list => split_list(text, use_span),
        NodeKind::Scalar { text, .. } => Ev::Str(text.clone()),
        NodeKind::Seq(items) => Ev::List(
            items
                .iter()
                .filter_map(Node::as_str)
                .map(|s| Item {
                    value: Ev::Str(s.to_string()),
                    span: use_span,
                })
                .collect(),
        ),
        NodeKind::Map(_) => Ev::unknown(format!("parameter `{name}` has a mapping as default")),
    }
}

/// A value given with `--parameters`.
pub(crate) fn given_value<'a>(name: &str, decl: &'a Node, given: &Given, use_span: Span) -> Ev<'a> {
    let Some(text) = &given.value else {
        return Ev::unknown(format!(
            "parameter `{name}` keeps the value of the deployed stack (UsePreviousValue)"
        ));
    };
    typed(name, decl, Ev::Str(text.clone()), use_span)
}

/// A value passed in (by a parent stack or on the command line) read by the parameter's type.
pub(crate) fn typed<'a>(name: &str, decl: &'a Node, passed: Ev<'a>, use_span: Span) -> Ev<'a> {
    if let Some(ssm) = ssm(name, decl, passed.as_string().known().map(String::as_str)) {
        return ssm;
    }
    if let Some(bad) = passed
        .as_string()
        .known()
        .and_then(|s| not_allowed(decl, s))
    {
        return Ev::unknown(format!(
            "parameter `{name}`: `{bad}` is not one of its AllowedValues"
        ));
    }
    if !is_list(decl) {
        return passed;
    }
    match passed {
        Ev::Str(text) => split_list(&text, use_span),
        Ev::List(items) => Ev::List(
            items
                .into_iter()
                .map(|i| Item {
                    value: i.value,
                    span: use_span,
                })
                .collect(),
        ),
        other => split_value(",", other, use_span),
    }
}

/// An SSM-typed parameter is unknown here; the reason names the SSM parameter (`ssm_name`, its
/// value) so that an AWS snapshot can resolve it (`frontend::snapshot`).
fn ssm<'a>(name: &str, decl: &Node, ssm_name: Option<&str>) -> Option<Ev<'a>> {
    let kind = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    kind.starts_with("AWS::SSM::Parameter::Value").then(|| {
        Ev::unknown(match ssm_name {
            Some(n) => format!(
                "parameter `{name}` is read from SSM Parameter Store at deployment ({{{{resolve:ssm:{n}}}}})"
            ),
            None => format!("parameter `{name}` is read from SSM Parameter Store at deployment"),
        })
    })
}

fn is_list(decl: &Node) -> bool {
    let kind = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    kind == "CommaDelimitedList" || kind.starts_with("List<")
}

fn split_list<'a>(text: &str, use_span: Span) -> Ev<'a> {
    if text.trim().is_empty() {
        return Ev::List(Vec::new());
    }
    Ev::List(
        text.split(',')
            .map(|s| Item {
                value: Ev::Str(s.trim().to_string()),
                span: use_span,
            })
            .collect(),
    )
}

/// The first value (or list item) outside the parameter's `AllowedValues`, if any.
fn not_allowed(decl: &Node, text: &str) -> Option<String> {
    let allowed: Vec<&str> = decl
        .get("AllowedValues")?
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    if allowed.is_empty() {
        return None;
    }
    let values: Vec<&str> = if is_list(decl) {
        text.split(',').map(str::trim).collect()
    } else {
        vec![text]
    };
    values
        .into_iter()
        .find(|v| !allowed.contains(v))
        .map(str::to_string)
}

/// The `--parameters` files of a run, and the SAM CLI configuration files next to its
/// templates.
#[derive(Debug, Default)]
pub struct ParameterSets {
    sets: Vec<ParameterSet>,
    /// `parameter_overrides` by directory (see [`super::samconfig`]).
    samconfig: Vec<super::samconfig::SamConfig>,
}

#[derive(Debug)]
struct ParameterSet {
    /// The template this set applies to (absolute), or all templates.
    template: Option<PathBuf>,
    /// What the user wrote for the template, for messages.
    template_arg: Option<String>,
    file: FileId,
    values: Vec<(String, Given)>,
}

impl ParameterSets {
    /// Parses parameter files already read into `sources`; `template` limits a file to one
    /// template (`TEMPLATE=FILE`).
    pub fn parse(
        files: &[(Option<PathBuf>, FileId)],
        sources: &SourceMap,
    ) -> (Self, Vec<Diagnostic>) {
        let mut sets = Vec::new();
        let mut diagnostics = Vec::new();
        for (template, file) in files {
            let source = sources.get(*file);
            let values = match parse_file(*file, &source.text) {
                Ok(values) => values,
                Err((message, span)) => {
                    diagnostics.push(Diagnostic::input(
                        codes::PARSE_ERROR,
                        span,
                        &source.display,
                        message,
                    ));
                    continue;
                }
            };
            sets.push(ParameterSet {
                template: template.as_deref().map(absolute),
                template_arg: template.as_ref().map(|t| t.display().to_string()),
                file: *file,
                values,
            });
        }
        let samconfig = Vec::new();
        (ParameterSets { sets, samconfig }, diagnostics)
    }

    /// Adds the SAM CLI configuration read next to the templates.
    pub(crate) fn with_samconfig(mut self, configs: Vec<super::samconfig::SamConfig>) -> Self {
        self.samconfig = configs;
        self
    }

    /// The values for the template at `path`: the `parameter_overrides` of the SAM CLI
    /// configuration in its directory, then `--parameters` files over them (later files win), as
    /// `sam deploy --parameter-overrides` wins over the configuration file.
    pub(crate) fn for_template(&self, path: &Path) -> HashMap<String, Given> {
        let path = absolute(path);
        let mut out = HashMap::new();
        let dir = path.parent();
        for config in self
            .samconfig
            .iter()
            .filter(|c| Some(c.dir.as_path()) == dir)
        {
            for (k, v) in &config.values {
                out.insert(k.clone(), v.clone());
            }
        }
        for set in &self.sets {
            if set.template.as_ref().is_none_or(|t| *t == path) {
                for (k, v) in &set.values {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        out
    }

    /// Diagnostics for `TEMPLATE=FILE` sets whose template is not among `templates`.
    pub fn unmatched(&self, templates: &[FileId], sources: &SourceMap) -> Vec<Diagnostic> {
        let paths: Vec<PathBuf> = templates
            .iter()
            .map(|t| absolute(&sources.get(*t).path))
            .collect();
        self.sets
            .iter()
            .filter(|s| s.template.as_ref().is_some_and(|t| !paths.contains(t)))
            .map(|s| {
                let display = &sources.get(s.file).display;
                Diagnostic::input(
                    codes::UNSUPPORTED_INPUT,
                    Span::new(s.file, 0..0),
                    display,
                    format!(
                        "parameters for `{}`, which is not a template of this run",
                        s.template_arg.as_deref().unwrap_or_default()
                    ),
                )
            })
            .collect()
    }
}

// One normaliser for the whole linter (a leading `..` is kept, see `crate::paths`).
pub(crate) use crate::paths::absolute;

type ParseError = (String, Span);

fn parse_file(file: FileId, text: &str) -> Result<Vec<(String, Given)>, ParseError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let doc =
            syntax::json::parse(file, text, &Limits::default()).map_err(|e| (e.message, e.span))?;
        return from_json(&doc.root);
    }
    Ok(from_lines(file, text))
}

fn from_json(root: &Node) -> Result<Vec<(String, Given)>, ParseError> {
    let scalar = |n: &Node| -> Option<String> {
        match &n.kind {
            NodeKind::Scalar { text, .. } => Some(text.clone()),
            NodeKind::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(Node::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            NodeKind::Map(_) => None,
        }
    };
    let mut out = Vec::new();
    match &root.kind {
        NodeKind::Seq(items) => {
            for item in items {
                if let Some(pair) = item.as_str() {
                    if let Some((k, v)) = pair.split_once('=') {
                        out.push((
                            k.trim().to_string(),
                            Given {
                                value: Some(v.to_string()),
                                span: item.span,
                            },
                        ));
                        continue;
                    }
                    // Not quoted: the item may be a secret value with its `=` mistyped.
                    return Err(("a string item must be `Key=Value`".into(), item.span));
                }
                let Some(key) = item.get("ParameterKey").and_then(Node::as_str) else {
                    return Err((
                        "expected `ParameterKey` and `ParameterValue`".into(),
                        item.span,
                    ));
                };
                let previous = item
                    .get("UsePreviousValue")
                    .and_then(Node::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"));
                let value = item.get("ParameterValue");
                let given = match (value, previous) {
                    (_, true) => Given {
                        value: None,
                        span: item.span,
                    },
                    (Some(v), false) => Given {
                        value: Some(scalar(v).ok_or_else(|| {
                            ("`ParameterValue` must be a string".to_string(), v.span)
                        })?),
                        span: v.span,
                    },
                    (None, false) => {
                        return Err((
                            format!("parameter `{key}` has no `ParameterValue`"),
                            item.span,
                        ))
                    }
                };
                out.push((key.to_string(), given));
            }
        }
        NodeKind::Map(_) => {
            let map = root.get("Parameters").unwrap_or(root);
            for (k, v) in map.entries() {
                let value = scalar(v)
                    .ok_or_else(|| (format!("parameter `{}` must be a string", k.text), v.span))?;
                out.push((
                    k.text.clone(),
                    Given {
                        value: Some(value),
                        span: v.span,
                    },
                ));
            }
        }
        NodeKind::Scalar { .. } => {
            return Err((
                "expected a list or a mapping of parameters".into(),
                root.span,
            ))
        }
    }
    Ok(out)
}

/// `Key=Value` lines; `#` starts a comment line. The AWS CLI shorthand
/// `ParameterKey=K,ParameterValue=V` is accepted too.
fn from_lines(file: FileId, text: &str) -> Vec<(String, Given)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let span = Span::new(file, start + lead..start + lead + trimmed.len());
        let (key, value) = match trimmed.strip_prefix("ParameterKey=") {
            Some(rest) => match rest.split_once(",ParameterValue=") {
                Some((k, v)) => (k, v),
                None => continue,
            },
            None => match trimmed.split_once('=') {
                Some(kv) => kv,
                None => continue,
            },
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        out.push((
            key.trim().to_string(),
            Given {
                value: Some(value.to_string()),
                span,
            },
        ));
    }
    out
}

/// The values of `NoEcho` parameters, which must never be echoed: their `Default` and the
/// value given with `--parameters` (`given`: empty for nested stacks), whole and, for list
/// types, item by item.
pub(crate) fn secrets(
    parameters: &HashMap<&str, &Node>,
    given: &HashMap<String, Given>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (name, decl) in parameters {
        let no_echo = decl
            .get("NoEcho")
            .and_then(Node::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if !no_echo {
            continue;
        }
        let mut values: Vec<String> = Vec::new();
        match decl.get("Default").map(|d| &d.kind) {
            Some(NodeKind::Scalar { text, .. }) => values.push(text.clone()),
            Some(NodeKind::Seq(items)) => {
                values.extend(items.iter().filter_map(Node::as_str).map(str::to_string))
            }
            _ => {}
        }
        if let Some(text) = given.get(*name).and_then(|g| g.value.clone()) {
            values.push(text);
        }
        for v in values {
            out.extend(v.split(',').map(|p| p.trim().to_string()));
            out.push(v);
        }
    }
    out
}

/// Diagnostics for given values outside a parameter's `AllowedValues` (CloudFormation refuses
/// to deploy them).
pub(crate) fn check_given(
    template: &str,
    parameters: &HashMap<&str, &Node>,
    given: &HashMap<String, Given>,
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut keys: Vec<&String> = given.keys().collect();
    keys.sort();
    for key in keys {
        let (Some(decl), Some(g)) = (parameters.get(key.as_str()), given.get(key)) else {
            continue;
        };
        let Some(text) = &g.value else { continue };
        if let Some(bad) = not_allowed(decl, text) {
            let display = &sources.get(g.span.file).display;
            out.push(Diagnostic::input(
                codes::UNSUPPORTED_INPUT,
                g.span,
                display,
                format!("value `{bad}` of parameter `{key}` is not one of its AllowedValues in {template}"),
            ));
        }
    }
    out
}
