//! The command line as users run it: exit codes, formats, rule selection, colour, output file,
//! and byte-identical output for any thread count.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn lvl() -> Command {
    let mut cmd = Command::cargo_bin("lambda-vpc-lint").unwrap();
    cmd.current_dir(common::repo())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

const BAD_TF: &str = "testdata/cli/public-subnet";
const GOOD_TF: &str = "testdata/cli/clean";

#[test]
fn exit_codes() {
    lvl()
        .arg(GOOD_TF)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found"));
    lvl()
        .arg(BAD_TF)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[LVL001]"));
    lvl().args(["--fail-on", "never", BAD_TF]).assert().code(0);
    lvl()
        .arg("does/not/exist")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    lvl()
        .args(["--rule", "LVL999", GOOD_TF])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule"));
    lvl().args(["--format", "yaml", GOOD_TF]).assert().code(2);
}

#[test]
fn warnings_fail_only_when_asked() {
    lvl()
        .arg("testdata/cli/warning-only")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[LVL101]"));
    lvl()
        .args(["--fail-on", "warning", "testdata/cli/warning-only"])
        .assert()
        .code(1);
    lvl()
        .args(["--fail-on", "note", "testdata/cli/warning-only"])
        .assert()
        .code(1);
}

#[test]
fn a_parse_error_is_reported_and_the_other_files_are_linted() {
    let out = lvl()
        .arg("testdata/cli/parse-error-continues")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("error[LVL900]"), "{text}");
    assert!(
        text.contains("broken.tf:4:"),
        "parse error position: {text}"
    );
    assert!(
        text.contains("[LVL001]"),
        "the template is still linted: {text}"
    );
}

#[test]
fn yaml_aliases_are_refused_with_their_position() {
    lvl()
        .arg("testdata/cli/unsupported-yaml")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("error[LVL901]")
                .and(predicate::str::contains("template.yaml:5:")),
        );
}

#[test]
fn unreadable_input_exits_2() {
    lvl()
        .arg("testdata/cli/invalid-utf8")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("LVL902").and(predicate::str::contains("invalid UTF-8")));
}

#[test]
fn every_format_renders() {
    let json = lvl()
        .args(["--format", "json", BAD_TF])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "LVL001");
    assert_eq!(v["diagnostics"][0]["file"], format!("{BAD_TF}/main.tf"));

    let sarif = lvl()
        .args(["--format", "sarif", BAD_TF])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "LVL001");
    assert!(v["runs"][0]["results"][0]["codeFlows"].is_array());

    lvl()
        .args(["--format", "github", BAD_TF])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("::error file="));
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    lvl()
        .args(["--format", "sarif", "--output"])
        .arg(&out)
        .arg(BAD_TF)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"ruleId\": \"LVL001\""));
}

#[test]
fn rule_selection_by_id_or_slug() {
    lvl()
        .args(["--skip-rule", "public-subnet-no-internet", BAD_TF])
        .assert()
        .code(0);
    lvl().args(["--rule", "LVL101", BAD_TF]).assert().code(0);
    lvl()
        .args(["--rule", "lvl001,LVL101", BAD_TF])
        .assert()
        .code(1);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let has_ansi = |out: &[u8]| out.windows(2).any(|w| w == b"\x1b[");
    let out = lvl().args(["--color", "always", BAD_TF]).output().unwrap();
    assert!(has_ansi(&out.stdout));
    let out = lvl().args(["--color", "never", BAD_TF]).output().unwrap();
    assert!(!has_ansi(&out.stdout));
    // Not a terminal: no colour with `auto`, even when NO_COLOR is unset.
    let out = lvl().arg(BAD_TF).output().unwrap();
    assert!(!has_ansi(&out.stdout));
    let out = lvl()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .arg(BAD_TF)
        .output()
        .unwrap();
    assert!(!has_ansi(&out.stdout), "NO_COLOR wins");
    let out = lvl()
        .env("CLICOLOR_FORCE", "1")
        .arg(BAD_TF)
        .output()
        .unwrap();
    assert!(has_ansi(&out.stdout), "CLICOLOR_FORCE forces colour");
}

#[test]
fn same_bytes_for_any_thread_count() {
    for format in ["text", "json", "sarif", "github"] {
        let run = |jobs: &str| {
            lvl()
                .args([
                    "--format",
                    format,
                    "--jobs",
                    jobs,
                    "examples",
                    "testdata/rules",
                ])
                .output()
                .unwrap()
                .stdout
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert_eq!(
            one,
            run("4"),
            "{format} output differs between --jobs 1 and --jobs 4"
        );
    }
}

#[test]
fn catalog_subcommands() {
    lvl()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "LVL001  public-subnet-no-internet",
        ));
    let json = lvl()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["id"] == "LVL101"));
    lvl()
        .args(["explain", "public-subnet-no-internet"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("# LVL001 public-subnet-no-internet")
                .and(predicate::str::contains("## How to fix")),
        );
    lvl()
        .args(["explain", "LVL101"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("AWSLambdaVPCAccessExecutionRole"));
    lvl().args(["explain", "nope"]).assert().code(2);
    lvl()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    lvl()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"));
}

#[test]
fn unknown_rules_suggest_the_nearest_ids_and_slugs() {
    lvl()
        .args(["explain", "public-subnet-no-intenet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown rule `public-subnet-no-intenet` (see `lambda-vpc-lint rules`); did you mean `public-subnet-no-internet`?",
        ));
    lvl()
        .args(["--rule", "LVL01", GOOD_TF])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `LVL001`, "));
    lvl()
        .args(["--skip-rule", "zzzzzzzzzzzz", GOOD_TF])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").not());
}

#[test]
fn nothing_to_lint_is_an_error_for_directories_and_a_note_for_explicit_files() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("docker-compose.yml");
    std::fs::write(&yaml, "services:\n  web:\n    image: nginx\n").unwrap();
    // A directory with no Terraform or CloudFormation: a wrong path, usually.
    lvl()
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no Terraform or CloudFormation found in the given paths",
        ));
    lvl()
        .args(["--allow-empty"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("nothing was linted"));
    // Explicit files that are not ours (pre-commit passes every changed YAML file): exit 0.
    lvl()
        .arg(&yaml)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("nothing was linted"));
    // Non-templates are not counted as linted files.
    std::fs::copy(
        "testdata/cli/sam-public/template.yaml",
        dir.path().join("template.yaml"),
    )
    .unwrap();
    let out = lvl()
        .args(["--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["summary"]["files"], 1,
        "the template, not the compose file"
    );
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}
