//! Front-end parity: each directory under `testdata/parity/<pair>/` holds a Terraform module
//! (`terraform/`) and a CloudFormation template (`cloudformation/template.yaml`) that describe
//! the same infrastructure. Their models, dumped with names, spans, resource types and unknown
//! reasons erased (`model::dump::dump_erased`), must be equal: the shared lowering promises one
//! meaning whatever the source language. The common dump is also snapshotted beside the pair
//! (`model.snap`), so a change that breaks both sides alike shows too.
//!
//! The Terraform fixtures pass `terraform validate` (terraform 1.11, hashicorp/aws 5.100) except
//! `capacity-provider`, whose resource is newer than that provider.
//!
//! A pair whose models still differ for a reason this project has not fixed yet is listed in
//! [`KNOWN_DIVERGENCES`] with the reason; the test then asserts that they *do* differ, so that
//! fixing the divergence makes the test fail until the entry is removed.

use std::path::{Path, PathBuf};

use lambda_vpc_lint::frontend::{cloudformation, terraform};
use lambda_vpc_lint::model::dump::dump_erased;
use lambda_vpc_lint::source::{SourceFile, SourceMap};
use lambda_vpc_lint::syntax::{self, Limits};

/// Pairs whose models differ today, and why.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[(
    "sg-no-egress",
    "a CloudFormation security group without `SecurityGroupEgress` keeps AWS's default \
     allow-all egress rule, while Terraform's provider removes it: the same words mean \
     different infrastructure, so the pair shows the one real difference (the default rule)",
)];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/parity")
}

fn load_terraform(dir: &Path) -> (String, usize) {
    let mut sources = SourceMap::default();
    let mut dirs = terraform::Dirs::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no .tf files", dir.display());
    for p in files {
        let text = std::fs::read_to_string(&p).expect("read");
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let id = sources.add(SourceFile::new(p.clone(), name, text));
        dirs.entry(dir.to_path_buf()).or_default().push(id);
    }
    let loaded = terraform::load_root(
        "terraform",
        dir,
        &terraform::DirIndex::new(&dirs),
        &sources,
        &terraform::VarInputs::default(),
    );
    let n = loaded.diagnostics.len();
    (dump_erased(&loaded.model, &sources), n)
}

fn load_cloudformation(path: &Path) -> (String, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(
        path.to_path_buf(),
        "template.yaml".into(),
        text,
    ));
    let doc = syntax::yaml::parse(id, &sources.get(id).text, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    assert!(cloudformation::is_template(&doc), "{}", path.display());
    let loaded = cloudformation::load(id, &doc, &sources);
    let n = loaded.diagnostics.len();
    (dump_erased(&loaded.model, &sources), n)
}

fn pairs() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root())
        .expect("testdata/parity")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    out.sort();
    out
}

#[test]
fn terraform_and_cloudformation_give_the_same_model() {
    let pairs = pairs();
    assert!(
        pairs.len() >= 15,
        "expected at least 15 pairs, found {}",
        pairs.len()
    );
    let mut failures = Vec::new();
    for (name, dir) in &pairs {
        let (tf, tf_diags) = load_terraform(&dir.join("terraform"));
        let (cfn, cfn_diags) = load_cloudformation(&dir.join("cloudformation/template.yaml"));
        // A fixture the front end could not read proves nothing.
        assert_eq!(tf_diags, 0, "{name}: Terraform input diagnostics");
        assert_eq!(cfn_diags, 0, "{name}: CloudFormation input diagnostics");
        assert!(
            tf.contains("function ") || tf.contains("role ") || tf.contains("vpc "),
            "{name}: empty model:\n{tf}"
        );
        let known = KNOWN_DIVERGENCES.iter().find(|(n, _)| n == name);
        match (tf == cfn, known) {
            (true, None) => {
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path(dir);
                settings.set_prepend_module_to_snapshot(false);
                settings.set_omit_expression(true);
                settings.bind(|| insta::assert_snapshot!("model", tf));
            }
            (false, None) => failures.push(format!(
                "{name}: the models differ\n--- terraform\n{tf}--- cloudformation\n{cfn}"
            )),
            (true, Some(_)) => failures.push(format!(
                "{name}: listed as a known divergence but the models are now equal: remove it"
            )),
            (false, Some(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every known divergence names a pair that exists.
#[test]
fn known_divergences_name_pairs() {
    let names: Vec<String> = pairs().into_iter().map(|(n, _)| n).collect();
    for (n, why) in KNOWN_DIVERGENCES {
        assert!(names.iter().any(|x| x == n), "unknown pair {n}");
        assert!(!why.is_empty());
    }
}
