//! Files named on the command line, as pre-commit passes them: a changed Terraform file
//! (`.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`) stands for its whole module, so a changed
//! `variables.tf` re-checks the functions in `main.tf`. Templates are units on their own and stay
//! as they are; directories are walked as usual. Findings of every affected unit are reported.
//! A changed file of a child module is linted with its own directory as the root: the modules
//! that call it are not searched for (lint the root directory for that).

use std::path::{Path, PathBuf};

use crate::discover::{classify, FileKind};
use crate::paths::normalize;

const TERRAFORM_SUFFIXES: &[&str] = &[".tf", ".tf.json", ".tfvars", ".tfvars.json"];

pub fn expand(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        match module_files(&path) {
            Some(files) => out.extend(files),
            None => out.push(path),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The Terraform files of the module a Terraform file belongs to (its directory, not below),
/// variable files included: `terraform.tfvars` and `*.auto.tfvars` set the module's inputs.
fn module_files(path: &Path) -> Option<Vec<PathBuf>> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if !path.is_file() || !TERRAFORM_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return None;
    }
    let dir = normalize(path.parent().unwrap_or(Path::new("")));
    let listing = if dir.as_os_str().is_empty() {
        Path::new(".").read_dir()
    } else {
        dir.read_dir()
    };
    let mut files: Vec<PathBuf> = listing
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| dir.join(e.file_name()))
        .filter(|p| {
            matches!(
                classify(p),
                Some(FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars)
            )
        })
        .collect();
    files.sort();
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_terraform_file_stands_for_its_module() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("mod");
        std::fs::create_dir_all(m.join("child")).unwrap();
        for f in [
            "main.tf",
            "variables.tf",
            "prod.tfvars",
            "child/x.tf",
            "t.yaml",
            "o.tf.json",
        ] {
            std::fs::write(m.join(f), "").unwrap();
        }
        let got = expand(vec![
            m.join("prod.tfvars"),
            m.join("./variables.tf"),
            m.join("t.yaml"),
        ]);
        let want: Vec<PathBuf> = [
            "main.tf",
            "o.tf.json",
            "prod.tfvars",
            "t.yaml",
            "variables.tf",
        ]
        .iter()
        .map(|f| normalize(&m.join(f)))
        .collect();
        assert_eq!(got, want);
        // A directory is left to the walker.
        assert_eq!(expand(vec![m.clone()]), vec![m]);
    }
}
