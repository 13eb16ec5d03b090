//! The linter cannot be turned against its user (SECURITY.md): secret values are never echoed,
//! reads stay inside the linted roots, and the graph output cannot be spoofed. The real binary
//! runs on `testdata/security/`; the other guarantees are tested in `tests/hostile.rs` (no
//! network, no writes, no execution) and `tests/report_formats.rs` (escaping).

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

fn lvl() -> Command {
    let mut cmd = Command::cargo_bin("lambda-vpc-lint").unwrap();
    cmd.env_remove("LVL_DEBUG_PANIC")
        .env_remove("TF_VAR_public_az")
        .timeout(Duration::from_secs(120));
    cmd
}

fn secrets_dir() -> PathBuf {
    common::repo().join("testdata/security/secrets")
}

/// Every report format and both graph syntaxes, concatenated, for a run in `dir`.
fn every_output(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = String::new();
    for format in ["text", "json", "sarif", "github"] {
        let mut cmd = lvl();
        cmd.current_dir(dir)
            .args(["--color", "never", "--no-config", "--format", format]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{format}: {out:?}"
        );
        all.push_str(&String::from_utf8(out.stdout).unwrap());
        all.push_str(&String::from_utf8(out.stderr).unwrap());
    }
    // `graph` takes the linted paths only (no --var, --parameters).
    let paths: Vec<&str> = args
        .iter()
        .copied()
        .take_while(|a| !a.starts_with("--"))
        .collect();
    for format in ["mermaid", "dot"] {
        let out = lvl()
            .current_dir(dir)
            .args(["graph", "--format", format])
            .args(&paths)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "graph {format}: {out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("subnet"),
            "graph {format} drew the function: {text}"
        );
        all.push_str(&text);
    }
    all
}

fn assert_no_canary(output: &str) {
    let leaks: Vec<&str> = output.lines().filter(|l| l.contains("CANARY")).collect();
    assert!(leaks.is_empty(), "secret values echoed: {leaks:#?}");
    // Still linted: the finding the secrets flow into is there, masked.
    assert!(output.contains("LVL005"), "{output}");
    assert!(output.contains("is in *************"), "{output}");
}

#[test]
fn terraform_sensitive_values_are_never_echoed() {
    // Default (`private_az`), `--var` (wins) and `TF_VAR_` (overridden) of sensitive variables,
    // and a sensitive output's literal, on a line the snippets show.
    let out = every_output(
        &secrets_dir(),
        &["terraform", "--var", "public_az=CANARY-var-51d0"],
        &[("TF_VAR_public_az", "CANARY-env-88aa")],
    );
    assert_no_canary(&out);
    assert!(out.contains("# shown in the snippet: ************* ***************"));
}

#[test]
fn cloudformation_no_echo_values_are_never_echoed() {
    let out = every_output(
        &secrets_dir(),
        &[
            "cloudformation",
            "--parameters",
            "cloudformation/params.json",
        ],
        &[],
    );
    assert_no_canary(&out);
    assert!(out.contains("# shown in the snippet: ***************"));
}

/// The check above can fail: without the markings, the same values are echoed.
#[test]
fn unmarked_values_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("terraform/main.tf", "main.tf"),
        ("cloudformation/template.yaml", "template.yaml"),
    ] {
        let text = std::fs::read_to_string(secrets_dir().join(from)).unwrap();
        let text = text
            .replace("sensitive = true", "sensitive = false")
            .replace("NoEcho", "Description");
        std::fs::write(dir.path().join(to), text).unwrap();
    }
    let out = lvl()
        .current_dir(dir.path())
        .args(["--color", "never", "--var", "public_az=eu-west-1a", "."])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("is in CANARY-7f3a9c"), "{out}");
    assert!(
        out.contains("snippet: CANARY-7f3a9c CANARY-out-5e21"),
        "{out}"
    );
    assert!(out.contains("is in CANARY-cfn-9b1e"), "{out}");
}

/// Module sources that leave the linted directory (`..`, an absolute path, a symbolic link) are
/// LVL901 at their `source` and never read; `--allow-read` lets a named directory in.
#[cfg(unix)]
#[test]
fn module_sources_outside_the_linted_paths_are_refused_unread() {
    let outside = tempfile::tempdir().unwrap();
    let secret_module = outside.path().join("secret");
    std::fs::create_dir_all(&secret_module).unwrap();
    // Would be LVL901 itself if it were ever parsed.
    std::fs::write(secret_module.join("main.tf"), "OUTSIDE-CANARY {{{\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    std::os::unix::fs::symlink(&secret_module, root.join("link")).unwrap();
    let up = "../".repeat(root.components().count() + 2);
    let main = format!(
        "module \"dots\" {{\n  source = \"{up}etc\"\n}}\n\
         module \"absolute\" {{\n  source = \"{}\"\n}}\n\
         module \"link\" {{\n  source = \"./link\"\n}}\n",
        secret_module.display()
    );
    std::fs::write(root.join("main.tf"), main).unwrap();
    let run = |extra: &[&str]| {
        let out = lvl()
            .current_dir(&root)
            .args(["--format", "json", "--no-config"])
            .args(extra)
            .arg(".")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&[])).unwrap();
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"], d["file"], d["start"]["line"], d["message"]
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    for (i, (name, line)) in [("dots", 2), ("absolute", 5), ("link", 8)]
        .iter()
        .enumerate()
    {
        let f = &found[i];
        assert!(
            f.starts_with(&format!(
                "\"LVL901\" \"main.tf\":{line} \"module `{name}`: `"
            )) && f.contains("outside the linted paths: not read"),
            "{f}"
        );
    }
    assert!(!found.iter().any(|f| f.contains("OUTSIDE-CANARY")));
    // Allowed: the module is read (and its parse error is reported there).
    let allowed = run(&["--allow-read", outside.path().to_str().unwrap()]);
    assert!(allowed.contains("secret/main.tf"), "{allowed}");
}

/// A repository's config file cannot name files outside its own directory.
#[test]
fn config_files_cannot_name_files_outside_their_directory() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(dir.path().join("outside.tfvars"), "x = \"OUTSIDE\"\n").unwrap();
    std::fs::write(repo.join("main.tf"), "locals {}\n").unwrap();
    std::fs::write(
        repo.join(".lambda-vpc-lint.toml"),
        "[terraform]\nvar-files = [\"../outside.tfvars\"]\n",
    )
    .unwrap();
    let out = lvl().current_dir(&repo).arg(".").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "repo/../outside.tfvars is outside the directory of this config file: not read"
        ),
        "{stderr}"
    );
    // Inside it, the same file is read.
    std::fs::rename(dir.path().join("outside.tfvars"), repo.join("in.tfvars")).unwrap();
    std::fs::write(
        repo.join(".lambda-vpc-lint.toml"),
        "[terraform]\nvar-files = [\"in.tfvars\"]\n",
    )
    .unwrap();
    let out = lvl().current_dir(&repo).arg(".").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// A nested-stack template reached through a symbolic link out of the linted directory is
/// refused like a Terraform module (one confinement check, `src/paths.rs`); through a link that
/// stays inside, it is linked.
#[test]
fn nested_stacks_through_symbolic_links_stay_inside() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("stacks")).unwrap();
    let child = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n";
    std::fs::write(outside.path().join("child.yaml"), child).unwrap();
    std::fs::write(root.join("stacks/child.yaml"), child).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
    std::os::unix::fs::symlink(root.join("stacks"), root.join("alias")).unwrap();
    let parent = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Out:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: out/child.yaml\n  In:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: alias/../stacks/child.yaml\n";
    std::fs::write(root.join("parent.yaml"), parent).unwrap();
    let out = lvl()
        .current_dir(&root)
        .args(["--format", "json", "--no-config", "."])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"], d["file"], d["start"]["line"], d["message"]
            )
        })
        .collect();
    assert_eq!(
        found,
        ["\"LVL901\" \"parent.yaml\":6 \"nested stack template `out/child.yaml` is outside the linted directories: not read\""],
        "{found:#?}"
    );
}
