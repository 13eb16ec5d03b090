//! Which files a change re-lints, and what is kept of each lint. A document's unit is its
//! directory: the Terraform module it belongs to (the modules it calls are read with it, from
//! anywhere in the workspace), or the templates beside a template (which is where templates
//! linked by imports and nested stacks usually are). The directory's own files are linted, not
//! the directories below it: they are units of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::discover::classify;
use crate::engine::{Report, UnitModel};
use crate::source::SourceMap;

/// What the last lint of a unit found.
pub struct UnitState {
    pub report: Report,
    pub sources: SourceMap,
    pub models: Vec<UnitModel>,
    /// The LSP diagnostics of every file the lint read inside the workspace (resolved path →
    /// diagnostics; an empty list for a clean file), so a finding that moves is cleared.
    pub published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

impl UnitState {
    pub fn has_file(&self, path: &Path) -> bool {
        self.published.contains_key(path)
    }

    pub fn files(&self) -> BTreeSet<PathBuf> {
        self.published.keys().cloned().collect()
    }
}

/// The unit of a document: its directory.
pub fn unit_of(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The files a lint of the unit `dir` names: its Terraform files and template candidates on
/// disk, and the open documents in it that are not saved yet.
pub fn paths(dir: &Path, unsaved: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match dir.read_dir() {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| dir.join(e.file_name()))
            .filter(|p| lintable(p))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.extend(unsaved.filter(|p| lintable(p)));
    out.sort();
    out.dedup();
    out
}

/// Files discovery would take in a walk: Terraform, and YAML/JSON template candidates (hidden
/// files are skipped, as discovery skips them).
fn lintable(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden && classify(path).is_some()
}
