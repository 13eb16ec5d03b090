//! CloudFormation / SAM / CDK front end: a parsed template → the common model.
//!
//! Pipeline: [`template`] reads the sections, [`sam`] merges `Globals` into SAM functions,
//! [`intrinsics`] evaluates values (parameters, mappings, conditions, intrinsic functions), and
//! [`lower`] turns resources into model entities with their spans.

mod cdk;
mod intrinsics;
mod lower;
mod parameters;
mod sam;
mod template;

use super::Loaded;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Ecosystem, Model};
use crate::source::{FileId, SourceMap};
use crate::syntax::Document;

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

/// Loads one template.
pub fn load(file: FileId, doc: &Document, sources: &SourceMap) -> Loaded {
    let display = sources.get(file).display.clone();
    let mut problems = Vec::new();
    let mut tpl = template::Template::read(doc, &mut problems);
    let merged = sam::merged_properties(&tpl);
    for (res, props) in tpl.resources.iter_mut().zip(&merged) {
        if let Some(props) = props {
            res.props = Some(props);
        }
    }
    let eval = intrinsics::Eval::new(&tpl);
    let model = Model {
        ecosystem: Some(Ecosystem::CloudFormation),
        unit: display.clone(),
        ..Model::default()
    };
    let model = lower::Lower::new(&eval, &tpl, model).run(doc.root.get("Outputs"));
    let diagnostics = problems
        .into_iter()
        .map(|p| Diagnostic::input(codes::PARSE_ERROR, p.span, &display, p.message))
        .collect();
    Loaded { model, diagnostics }
}
