//! Terraform front end: parses the `.tf` files of one module with hcl-edit (byte spans on
//! every node), evaluates what Terraform knows before `apply` (see [`eval`]), and lowers the
//! AWS resources to the common model (see [`lower`]).
//!
//! `.tf.json` files are translated to HCL first (see [`json_syntax`]).
//!
//! Not read yet: `*.tfvars`, child modules (their outputs are unknown).

mod eval;
mod json_syntax;
mod lower;
mod parse;
mod policy_document;
#[cfg(test)]
mod tests;

use super::Loaded;
use crate::source::{FileId, SourceMap};

/// Loads the Terraform module made of `files` (all `.tf` / `.tf.json` files of one directory).
pub fn load(unit: &str, files: &[FileId], sources: &SourceMap) -> Loaded {
    let mut diagnostics = Vec::new();
    let (parsed, maps) = parse::parse_files(files, sources, &mut diagnostics);
    let _spans = json_syntax::span_scope(maps);
    let decls = parse::Decls::collect(&parsed);
    let evaluator = eval::Evaluator::new(&decls);
    let model = lower::lower(&evaluator, unit);
    Loaded { model, diagnostics }
}
