//! Which files a change re-lints, and what is kept of each lint. A unit is named by a path:
//!
//! - a directory: the Terraform module a `.tf` file belongs to (the modules it calls are read
//!   with it, from anywhere in the workspace), or the templates beside a template that may be
//!   linked to others (imports, exports, nested stacks, stack outputs: the CloudFormation front
//!   end's own claim says so), which is where linked templates usually are. The directory's own
//!   files are linted, not the directories below it: they are units of their own;
//! - a template that links to nothing: the template alone, so that a change in one of fifty
//!   templates of a directory lints one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::discover::{classify, FileKind};
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

/// The unit of a document with this text: its directory, or itself for a template that links
/// to nothing.
pub fn unit_of(path: &Path, text: &str) -> PathBuf {
    use crate::frontend::FrontEnd;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    if classify(path) != Some(FileKind::TemplateCandidate) {
        return dir;
    }
    let cfn = crate::frontend::cloudformation::CloudFormation::new(
        Default::default(),
        Vec::new(),
        Default::default(),
    );
    match cfn.claim(FileKind::TemplateCandidate, text) {
        // No tag: neither nests, nor may import or export.
        Some(0) => path.to_path_buf(),
        _ => dir,
    }
}

/// The files a lint of the unit names: the template itself, or the directory's Terraform files
/// and template candidates on disk and its open documents that are not saved yet.
pub fn paths(unit: &Path, unsaved: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
    if classify(unit).is_some() && !unit.is_dir() {
        return vec![unit.to_path_buf()];
    }
    let dir = unit;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_that_links_to_nothing_is_its_own_unit() {
        let t = Path::new("/w/stacks/api.yaml");
        let alone = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n";
        assert_eq!(unit_of(t, alone), t);
        for linked in [
            "Resources:\n  X:\n    Properties:\n      VpcId: !ImportValue net-vpc\n",
            "Outputs:\n  Vpc:\n    Export:\n      Name: net-vpc\n",
            "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n",
        ] {
            assert_eq!(unit_of(t, linked), Path::new("/w/stacks"), "{linked}");
        }
        assert_eq!(
            unit_of(Path::new("/w/app/main.tf"), ""),
            Path::new("/w/app")
        );
    }

    #[test]
    fn a_directory_unit_names_its_own_files_and_unsaved_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["main.tf", "t.yaml", "notes.txt", ".hidden.yaml"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/x.tf"), "").unwrap();
        let new = dir.path().join("new.tf");
        let names: Vec<String> = paths(dir.path(), std::iter::once(new))
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["main.tf", "new.tf", "t.yaml"]);
        let t = dir.path().join("t.yaml");
        assert_eq!(paths(&t, std::iter::empty()), [t]);
    }
}
