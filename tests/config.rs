//! `.lambda-vpc-lint.toml`: discovery (nearest above each file wins), `--config`, `--no-config`,
//! rule selection, severity overrides, `exclude`, `fail-on`, errors with positions, and `init`.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use lambda_vpc_lint::config::{Settings, FILE_NAME};
use predicates::prelude::*;
use support::{codes, copy_fixture, edit, json, lint, lvl, triple};

/// A repository with two copies of the split module, both with the LVL001 error:
/// `<tmp>/infra/a` and `<tmp>/infra/b`.
fn two_bad_modules() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    for m in ["infra/a", "infra/b"] {
        let dir = copy_fixture("split-module", &root, m);
        edit(
            &dir.join("variables.tf"),
            "default     = false",
            "default     = true",
        );
    }
    (tmp, root)
}

fn config(dir: &Path, text: &str) {
    fs::write(dir.join(FILE_NAME), text).unwrap();
}

#[test]
fn without_config_both_modules_fail() {
    let (_tmp, root) = two_bad_modules();
    let (code, doc) = json(&root, &["infra"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&doc),
        [triple("LVL001", "error", ""), triple("LVL001", "error", "")]
    );
}

#[test]
fn the_nearest_config_above_each_file_wins() {
    let (_tmp, root) = two_bad_modules();
    // The root config disables LVL001; the one in infra/b only lowers it to a warning, and being
    // nearer, it wins for infra/b (configs do not merge).
    config(
        &root,
        "[rules]\ndisable = [\"public-subnet-no-internet\"]\n",
    );
    config(
        &root.join("infra/b"),
        "[rules.severity]\nLVL001 = \"warning\"\n",
    );
    let (code, doc) = json(&root, &["infra"]);
    assert_eq!(codes(&doc), [triple("LVL001", "warning", "")]);
    assert_eq!(doc["diagnostics"][0]["file"], "infra/b/functions.tf");
    assert_eq!(code, 0, "a warning does not fail with the default fail-on");

    // Run from inside the module: the walk goes up from the file, not from the working directory.
    let (_, doc) = json(&root.join("infra/a"), &["."]);
    assert_eq!(codes(&doc), []);

    // --no-config ignores both; --config uses one file for everything.
    let (code, doc) = json(&root, &["--no-config", "infra"]);
    assert_eq!((code, codes(&doc).len()), (1, 2));
    let (code, doc) = json(
        &root,
        &["--config", "infra/b/.lambda-vpc-lint.toml", "infra"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        codes(&doc),
        [
            triple("LVL001", "warning", ""),
            triple("LVL001", "warning", "")
        ]
    );
    assert_eq!(doc["summary"]["warnings"], 2);
}

#[test]
fn enable_runs_only_the_listed_rules() {
    let (_tmp, root) = two_bad_modules();
    config(&root, "[rules]\nenable = [\"LVL101\"]\n");
    let (code, doc) = json(&root, &["infra"]);
    assert_eq!((code, codes(&doc)), (0, vec![]));
    config(&root, "[rules]\nenable = [\"LVL001\", \"LVL101\"]\n");
    let (code, _) = json(&root, &["infra"]);
    assert_eq!(code, 1);
}

#[test]
fn severity_overrides_change_every_format() {
    let (_tmp, root) = two_bad_modules();
    config(&root, "[rules.severity]\nLVL001 = \"note\"\n");
    lint(&root)
        .arg("infra/a")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("note[LVL001]"));
    let sarif = lint(&root)
        .args(["--format", "sarif", "infra/a"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "note");
    lint(&root)
        .args(["--format", "github", "infra/a"])
        .assert()
        .stdout(predicate::str::starts_with("::notice "));
    // --fail-on on the command line still applies to the new severity.
    lint(&root)
        .args(["--fail-on", "note", "infra/a"])
        .assert()
        .code(1);
}

#[test]
fn fail_on_from_the_config_and_the_command_line_wins() {
    let (_tmp, root) = two_bad_modules();
    config(&root, "fail-on = \"never\"\n");
    lint(&root).arg("infra").assert().code(0);
    lint(&root)
        .args(["--fail-on", "error", "infra"])
        .assert()
        .code(1);
    config(
        &root,
        "fail-on = \"warning\"\n[rules.severity]\nLVL001 = \"warning\"\n",
    );
    lint(&root).arg("infra").assert().code(1);
}

#[test]
fn exclude_globs_are_relative_to_the_config_file() {
    let (_tmp, root) = two_bad_modules();
    config(&root.join("infra"), "exclude = [\"a\"]\n");
    let (code, doc) = json(&root, &["infra"]);
    assert_eq!(code, 1);
    let files: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["infra/b/functions.tf"]);
    // Files named on the command line (as pre-commit passes them) are excluded too.
    let (code, doc) = json(&root, &["infra/a/functions.tf"]);
    assert_eq!((code, codes(&doc)), (0, vec![]));
    assert_eq!(doc["summary"]["files"], 0);
    // A glob for single files, relative to the config's directory, not the working directory.
    config(&root.join("infra"), "exclude = [\"*/functions.tf\"]\n");
    let (code, doc) = json(&root.join("infra/b"), &["."]);
    assert_eq!((code, codes(&doc)), (0, vec![]));
    assert_eq!(doc["summary"]["files"], 2);
}

#[test]
fn errors_name_the_file_line_and_column() {
    let (_tmp, root) = two_bad_modules();
    config(
        &root,
        "fail-on = \"error\"\n\n[rules]\ndisable = []\nignore = [\"LVL001\"]\n",
    );
    lint(&root)
        .arg("infra")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            ".lambda-vpc-lint.toml:5:1: unknown field `ignore`",
        ));
    config(&root, "[rules.severity]\nLVL001 = \"critical\"\n");
    lint(&root)
        .arg("infra")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".lambda-vpc-lint.toml:2:10: severity of LVL001",
        ));
    config(&root, "[rules]\ndisable = [\"LVL042\"]\n");
    lint(&root)
        .args(["--config", ".lambda-vpc-lint.toml", "infra"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":2:12: unknown rule `LVL042`"));
    lint(&root)
        .args(["--config", "missing.toml", "infra"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml: cannot read"));
    // --no-config skips the broken file.
    lint(&root).args(["--no-config", "infra"]).assert().code(1);
}

#[test]
fn init_writes_a_starter_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    lvl(tmp.path())
        .arg("init")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote"));
    let text = fs::read_to_string(tmp.path().join(FILE_NAME)).unwrap();
    assert!(text.contains("[rules.severity]") && text.contains("var-files"));
    fs::write(tmp.path().join(FILE_NAME), "# mine\n").unwrap();
    lvl(tmp.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        fs::read_to_string(tmp.path().join(FILE_NAME)).unwrap(),
        "# mine\n"
    );
    // The starter file is valid and changes nothing.
    let (_t, root) = two_bad_modules();
    lvl(&root).args(["init", "infra"]).assert().code(0);
    let (code, doc) = json(&root, &["infra"]);
    assert_eq!((code, codes(&doc).len()), (1, 2));
}

/// Variable and parameter files are read from the config for the front ends; they are resolved
/// against the config file's directory.
#[test]
fn variable_and_parameter_files_are_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("stack/templates")).unwrap();
    config(
        &root.join("stack"),
        "[terraform]\nvar-files = [\"env/prod.tfvars\"]\n[cloudformation]\nparameters = { \"templates/app.yaml\" = \"params/app.json\" }\n",
    );
    let settings = Settings::discover();
    assert_eq!(
        settings.var_files(&root.join("stack/modules/x")),
        [lambda_vpc_lint::config::absolute(
            &root.join("stack/env/prod.tfvars")
        )]
    );
    assert_eq!(
        settings.parameters_file(&root.join("stack/templates/app.yaml")),
        Some(lambda_vpc_lint::config::absolute(
            &root.join("stack/params/app.json")
        ))
    );
    assert_eq!(
        settings.parameters_file(&root.join("stack/templates/other.yaml")),
        None
    );
    assert!(settings.errors().is_empty());
}

/// `[terraform] var-files` and `[cloudformation] parameters` reach the front ends; the command
/// line's files come after them and win.
#[test]
fn variable_and_parameter_files_change_the_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_fixture("split-module", root, "infra");
    fs::create_dir_all(root.join("env")).unwrap();
    fs::write(root.join("env/prod.tfvars"), "in_public_subnet = true\n").unwrap();
    fs::write(root.join("env/fixed.tfvars"), "in_public_subnet = false\n").unwrap();
    let (code, _) = json(root, &["infra"]);
    assert_eq!(code, 0);
    config(root, "[terraform]\nvar-files = [\"env/prod.tfvars\"]\n");
    let (code, doc) = json(root, &["infra"]);
    assert_eq!(
        (code, codes(&doc)),
        (1, vec![triple("LVL001", "error", "")])
    );
    let (code, _) = json(root, &["--var-file", "env/fixed.tfvars", "infra"]);
    assert_eq!(code, 0, "--var-file comes later and wins");
    config(root, "[terraform]\nvar-files = [\"env/missing.tfvars\"]\n");
    lint(root)
        .arg("infra")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.tfvars: no such file"));

    // A template whose subnet is chosen by a parameter.
    fs::remove_file(root.join(FILE_NAME)).unwrap();
    let t = copy_fixture("sam-public", root, "stack");
    edit(
        &t.join("template.yaml"),
        "Resources:\n",
        "Parameters:\n  Placement:\n    Type: String\n    Default: none\nConditions:\n  Public: !Equals [!Ref Placement, public]\nResources:\n",
    );
    edit(
        &t.join("template.yaml"),
        "          - !Ref WebSubnet\n",
        "          - !If [Public, !Ref WebSubnet, !Ref AWS::NoValue]\n",
    );
    fs::write(root.join("public.json"), "{\"Placement\": \"public\"}\n").unwrap();
    let (_, doc) = json(root, &["stack"]);
    assert_eq!(codes(&doc), []);
    config(
        root,
        "[cloudformation]\nparameters = { \"stack/template.yaml\" = \"public.json\" }\n",
    );
    let (code, doc) = json(root, &["stack"]);
    assert_eq!(
        (code, codes(&doc)),
        (1, vec![triple("LVL001", "error", "")])
    );
    // Entries for templates outside the linted paths are left alone (pre-commit passes subsets).
    let (code, doc) = json(root, &["infra"]);
    assert_eq!((code, codes(&doc)), (0, vec![]));
}
