//! Terraform front end: parses the `.tf` and `.tf.json` files of a root module and of the
//! modules it calls (see [`modules`]) with hcl-edit (byte spans on every node), evaluates what
//! Terraform knows before `apply` (see [`eval`]; variables also from tfvars files, the command
//! line and the environment, see [`vars`]), and lowers the AWS resources of every module
//! instance to the common model (see [`lower`]).
//!
//! `.tf.json` files are translated to HCL first (see [`json_syntax`]); so are `terraform show
//! -json` plan files, each its own unit (see [`plan`]).

mod eval;
mod json_syntax;
mod lower;
mod modules;
mod parse;
mod plan;
mod policy_document;
#[cfg(test)]
mod tests;
mod unit;
mod vars;

use std::path::{Path, PathBuf};

use super::Loaded;
use crate::source::{FileId, SourceMap};
pub use modules::{downloaded_files, outside_sources, roots, Dirs, Index as DirIndex};
pub use plan::{is_plan, load as load_plan};
pub use unit::Terraform;
pub use vars::{CliVar, VarInputs};

/// The Terraform front end's inputs from outside the linted files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Root variable values: `--var-file` / `--var` in command-line order.
    pub vars: Vec<TfVar>,
    /// `TF_VAR_name` environment values (`name`, value).
    pub env: Vec<(String, String)>,
    /// `--allow-read`: directories outside the linted paths whose modules may be read when a
    /// linted module calls them, and where `file()` may read (nothing else is ever read outside
    /// the linted paths).
    pub allow_read: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub enum TfVar {
    File(PathBuf),
    Assign(String, String),
}

/// Loads the Terraform module made of `files` (the files of one directory), without variable
/// inputs from outside the configuration. Local modules are followed when their files are in
/// `sources` under their own directory.
pub fn load(unit: &str, files: &[FileId], sources: &SourceMap) -> Loaded {
    let root = files
        .first()
        .and_then(|&f| sources.get(f).path.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut dirs = Dirs::new();
    dirs.insert(root.clone(), files.to_vec());
    let index = DirIndex::new(&dirs);
    load_root(unit, &root, &index, sources, &VarInputs::default())
}

/// Loads the root module in directory `root`; `index` holds the Terraform files of the run by
/// directory, where called modules are looked up.
pub fn load_root(
    unit: &str,
    root: &Path,
    index: &DirIndex<'_>,
    sources: &SourceMap,
    inputs: &VarInputs,
) -> Loaded {
    load_root_with(unit, root, index, sources, inputs, None)
}

/// [`load_root`] with the AWS snapshot, which the data sources that read existing
/// infrastructure are evaluated against.
pub fn load_root_with(
    unit: &str,
    root: &Path,
    index: &DirIndex<'_>,
    sources: &SourceMap,
    inputs: &VarInputs,
    snapshot: Option<&crate::frontend::snapshot::Snapshot>,
) -> Loaded {
    let dirs = index.dirs();
    let mut diagnostics = Vec::new();
    let mut tree = modules::build(root, index, sources, &mut diagnostics);
    // `root` is a key of `dirs` (it comes from `roots`); the canonical comparison is only a
    // fallback, and computed once: canonicalising every directory per unit made runs quadratic.
    let root_files: Vec<FileId> = match dirs.get(root) {
        Some(files) => files.clone(),
        None => {
            let wanted = modules::canonical(root);
            dirs.iter()
                .find(|(d, _)| modules::canonical(d) == wanted)
                .map(|(_, f)| f.clone())
                .unwrap_or_default()
        }
    };
    let mut shadowed = Vec::new();
    let root_vars = vars::collect(
        &root_files,
        inputs,
        sources,
        &mut diagnostics,
        &mut tree.maps,
        &mut shadowed,
    );
    let _spans = json_syntax::span_scope(std::mem::take(&mut tree.maps));
    let all: Vec<parse::Decls<'_>> = tree
        .files
        .iter()
        .map(|f| parse::Decls::collect(f))
        .collect();
    let empty = parse::Decls::default();
    let mut evaluator = eval::Evaluator::new(&all, &tree.nodes, &root_vars, &empty);
    evaluator.files = Some(eval::FileAccess {
        sources,
        roots: &inputs.read_roots,
        root_dir: modules::canonical(root),
    });
    // An empty snapshot (none given) leaves the data sources unknown, as without one.
    evaluator.snapshot = snapshot.filter(|s| !s.is_empty());
    let model = lower::lower(&evaluator, unit);
    let secrets = evaluator.secrets(&all, &root_vars, &shadowed);
    Loaded {
        model,
        diagnostics,
        secrets,
    }
}

/// The display name of a unit rooted at `dir`.
pub fn unit_name(dir: &Path, base: &Path) -> String {
    let name = crate::source::display_path(dir, base);
    if name.is_empty() {
        ".".into()
    } else {
        name
    }
}
