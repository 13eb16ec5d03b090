//! CloudFormation / SAM / CDK front end: a parsed template → the common model.
//!
//! Pipeline: [`template`] reads the sections, [`sam`] merges `Globals` into SAM functions,
//! [`intrinsics`] evaluates values (parameters, mappings, conditions, intrinsic functions), and
//! [`lower`] turns resources into model entities with their spans.

mod cdk;
mod duplicates;
mod intrinsics;
mod link;
mod lower;
mod parameters;
mod sam;
mod samconfig;
mod template;
mod unit;

use std::collections::HashMap;
use std::path::PathBuf;

pub use parameters::ParameterSets;
pub use unit::CloudFormation;

use super::Loaded;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Ecosystem, Model};
use crate::source::{FileId, SourceMap};
use crate::syntax::{Document, Node};

/// The CloudFormation front end's inputs from outside the linted files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--parameters` files: (template they apply to, or all; the file).
    pub parameter_files: Vec<(Option<PathBuf>, PathBuf)>,
    /// The SAM CLI environment whose `parameter_overrides` are read from the `samconfig.*`
    /// next to each template (`--sam-config-env`); `None`: `default`.
    pub sam_config_env: Option<String>,
}

/// What a run gives the loader besides the templates.
#[derive(Debug, Default)]
pub struct RunInputs {
    /// The linted paths: nested-stack templates are only taken from inside them. Empty: the
    /// directory of each template's first file.
    pub roots: Vec<PathBuf>,
    /// `--parameters` values.
    pub parameters: ParameterSets,
}

/// True when a parsed YAML/JSON document is a CloudFormation template: it has
/// `AWSTemplateFormatVersion`, or `Resources` entries with a `Type` of `AWS::…`.
pub fn is_template(doc: &Document) -> bool {
    let root = &doc.root;
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|r| {
        r.entries().iter().any(|(_, res)| {
            res.get("Type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.starts_with("AWS::"))
        })
    })
}

/// Loads one template on its own.
pub fn load(file: FileId, doc: &Document, sources: &SourceMap) -> Loaded {
    load_group(&[(file, doc)], sources, &RunInputs::default())
}

/// Groups the templates of a run that refer to each other (imports matched to exports, nested
/// stacks with a local template): each group is one unit. Groups and their files are in the
/// order of `docs`.
pub fn groups(
    docs: &[(FileId, &Document)],
    sources: &SourceMap,
    inputs: &RunInputs,
) -> Vec<Vec<FileId>> {
    with_links(docs, sources, inputs, |_, links, _| {
        let n = docs.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let mut union = |a: usize, b: usize| {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        let deps = links.dependencies(true);
        for (i, inst) in links.instances.iter().enumerate() {
            if let Some(p) = &inst.parent {
                union(inst.tpl, links.instances[p.instance].tpl);
            }
            for &d in &deps[i] {
                union(inst.tpl, links.instances[d].tpl);
            }
        }
        let mut groups: Vec<Vec<FileId>> = Vec::new();
        let mut slot: HashMap<usize, usize> = HashMap::new();
        for (i, (file, _)) in docs.iter().enumerate() {
            let root = find(&mut parent, i);
            let g = *slot.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(*file);
        }
        groups
    })
}

/// Loads templates that refer to each other into one model (one template: its own model).
pub fn load_group(docs: &[(FileId, &Document)], sources: &SourceMap, inputs: &RunInputs) -> Loaded {
    with_links(docs, sources, inputs, |link_inputs, links, problems| {
        let roots: Vec<&str> = links
            .instances
            .iter()
            .filter(|i| i.parent.is_none())
            .map(|i| i.ns.as_str())
            .collect();
        let mut model = Model {
            ecosystem: Some(Ecosystem::CloudFormation),
            unit: roots.join(" + "),
            ..Model::default()
        };
        let mut foreign = lower::Index::default();
        for i in links.lowering_order() {
            let (Some(inst), Some(ev)) = (links.instances.get(i), links.evals.get(i)) else {
                continue;
            };
            let (m, own) = lower::Lower::new(ev, ev.tpl, model, &foreign).run(ev.tpl.outputs);
            model = m;
            foreign.absorb(&own, &inst.ns);
        }
        let mut diagnostics = problems;
        let mut secrets = Vec::new();
        for inst in &links.instances {
            let input = &link_inputs[inst.tpl];
            // `--parameters` values apply to top-level stacks only.
            let given = match inst.parent {
                Some(_) => HashMap::new(),
                None => inputs
                    .parameters
                    .for_template(&sources.get(docs[inst.tpl].0).path),
            };
            secrets.extend(parameters::secrets(&input.tpl.parameters, &given));
            if inst.parent.is_none() {
                diagnostics.extend(parameters::check_given(
                    &input.display,
                    &input.tpl.parameters,
                    &given,
                    sources,
                ));
            }
        }
        Loaded {
            model,
            diagnostics,
            secrets,
        }
    })
}

/// Reads the templates (with SAM's `Globals` merged), builds their instances and evaluators,
/// and calls `f` with them and the diagnostics found on the way.
fn with_links<R>(
    docs: &[(FileId, &Document)],
    sources: &SourceMap,
    inputs: &RunInputs,
    f: impl for<'t, 'a> FnOnce(&[link::Input<'t, 'a>], &'t link::Links<'t, 'a>, Vec<Diagnostic>) -> R,
) -> R {
    let mut diagnostics = Vec::new();
    let display = |file: FileId| sources.get(file).display.clone();
    let merged: Vec<Vec<Option<Node>>> = docs
        .iter()
        .map(|(_, doc)| sam::merged_properties(&template::Template::read(doc, &mut Vec::new())))
        .collect();
    let mut templates = Vec::with_capacity(docs.len());
    for ((file, doc), merged) in docs.iter().zip(&merged) {
        let mut problems = Vec::new();
        let mut tpl = template::Template::read(doc, &mut problems);
        for (res, props) in tpl.resources.iter_mut().zip(merged) {
            if let Some(props) = props {
                res.props = Some(props);
            }
        }
        let shown = display(*file);
        diagnostics.extend(
            problems
                .into_iter()
                .map(|p| Diagnostic::input(codes::PARSE_ERROR, p.span, &shown, p.message)),
        );
        templates.push(tpl);
    }
    let link_inputs: Vec<link::Input<'_, '_>> = docs
        .iter()
        .zip(&templates)
        .map(|((file, _), tpl)| link::Input {
            tpl,
            path: sources.get(*file).path.clone(),
            display: display(*file),
        })
        .collect();
    let paths: Vec<PathBuf> = link_inputs
        .iter()
        .map(|i| parameters::absolute(&i.path))
        .collect();
    let roots = if inputs.roots.is_empty() {
        crate::paths::Roots::new(paths.iter().take(1).filter_map(|p| p.parent()))
    } else {
        crate::paths::Roots::new(&inputs.roots)
    };
    let given = |t: usize| -> HashMap<String, parameters::Given> {
        link_inputs
            .get(t)
            .map(|i| inputs.parameters.for_template(&i.path))
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    // Nested-stack targets, read with each template's own defaults.
    let targets: Vec<Vec<(&str, Option<&Node>, link::Target)>> = link_inputs
        .iter()
        .enumerate()
        .map(|(t, input)| {
            let eval = intrinsics::Eval::unprepared(input.tpl, 0, given(t), Default::default());
            eval.prepare();
            input
                .tpl
                .resources
                .iter()
                .filter(|r| link::STACK_TYPES.contains(&r.kind))
                .map(|r| {
                    let location = if r.kind == "AWS::CloudFormation::Stack" {
                        r.prop("TemplateURL")
                    } else {
                        r.prop("Location")
                    };
                    let target = link::nested_target(
                        &eval,
                        location,
                        &input.path,
                        &paths,
                        &roots,
                        &mut problems,
                    );
                    (r.id, r.prop("Parameters"), target)
                })
                .collect()
        })
        .collect();
    let instances = link::instances(&link_inputs, &targets, &mut problems);
    let links = link::Links::new(&link_inputs, instances, &given);
    links.connect();
    diagnostics.extend(problems.into_iter().map(|p| {
        let shown = display(p.span.file);
        Diagnostic::input(codes::UNSUPPORTED_INPUT, p.span, &shown, p.message)
    }));
    f(&link_inputs, &links, diagnostics)
}
