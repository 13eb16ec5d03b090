//! Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones.
//! Fingerprints come from rule, file and resource names, so edits and moves inside a file keep
//! the match.

mod support;

use std::fs;
use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;
use support::{codes, copy_fixture, edit, json, lint, triple};

fn bad_module() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_fixture("split-module", tmp.path(), "m");
    edit(
        &dir.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    (tmp, dir)
}

fn write_baseline(dir: &std::path::Path) -> Value {
    lint(dir)
        .args(["--write-baseline", "baseline.json", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote 1 findings to the baseline"));
    serde_json::from_str(&fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap()
}

#[test]
fn the_file_records_fingerprints_for_people_and_machines() {
    let (_tmp, dir) = bad_module();
    let (_, before) = json(&dir, &["."]);
    let baseline = write_baseline(&dir);
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["tool"]["name"], "lambda-vpc-lint");
    let entry = &baseline["findings"][0];
    assert_eq!(entry["code"], "LVL001");
    assert_eq!(entry["file"], "functions.tf");
    assert_eq!(
        entry["fingerprint"],
        before["diagnostics"][0]["fingerprint"]
    );
    assert!(entry["message"]
        .as_str()
        .unwrap()
        .contains("aws_lambda_function.orders"));
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn only_new_findings_are_reported() {
    let (_tmp, dir) = bad_module();
    write_baseline(&dir);
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(code, 0);
    assert_eq!(codes(&doc), [triple("LVL001", "error", "external")]);
    assert!(doc["diagnostics"][0]["suppressed"]["justification"]
        .as_str()
        .unwrap()
        .contains("baseline.json"));
    lint(&dir)
        .args(["--baseline", "baseline.json", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found, 1 suppressed"));

    // A second function with the same mistake is new.
    let functions = dir.join("functions.tf");
    let text = fs::read_to_string(&functions).unwrap();
    let start = text.find("resource \"aws_lambda_function\"").unwrap();
    let copy = text[start..].replace("\"orders\"", "\"invoices\"");
    fs::write(&functions, format!("{text}\n{copy}")).unwrap();
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&doc),
        [
            triple("LVL001", "error", "external"),
            triple("LVL001", "error", "")
        ]
    );
    assert!(doc["diagnostics"][1]["message"]
        .as_str()
        .unwrap()
        .contains("invoices"));
    // SARIF marks the accepted one as suppressed externally.
    let out = lint(&dir)
        .args(["--format", "sarif", "--baseline", "baseline.json", "."])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["suppressions"][0]["kind"].clone())
        .collect();
    assert_eq!(kinds, [Value::Null, Value::from("external")]);
}

#[test]
fn moving_code_inside_files_keeps_the_match() {
    let (_tmp, dir) = bad_module();
    write_baseline(&dir);
    let functions = dir.join("functions.tf");
    let text = fs::read_to_string(&functions).unwrap();
    // The function block moves to the top of its file, below new lines; the subnet it uses moves
    // to the end of network.tf.
    let start = text.find("resource \"aws_lambda_function\"").unwrap();
    let moved = format!(
        "# moved\n\nlocals {{\n  team = \"payments\"\n}}\n\n{}\n{}",
        &text[start..],
        &text[..start]
    );
    fs::write(&functions, moved).unwrap();
    let network = dir.join("network.tf");
    let net = fs::read_to_string(&network).unwrap();
    let subnet_start = net.find("resource \"aws_subnet\" \"public\"").unwrap();
    let subnet_end = subnet_start + net[subnet_start..].find("}\n").unwrap() + 2;
    let reordered = format!(
        "{}{}\n{}",
        &net[..subnet_start],
        &net[subnet_end..],
        &net[subnet_start..subnet_end]
    );
    fs::write(&network, reordered).unwrap();

    let (_, doc) = json(&dir, &["--no-config", "."]);
    assert_ne!(
        doc["diagnostics"][0]["start"]["line"], 43,
        "the finding did move"
    );
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(code, 0);
    assert_eq!(codes(&doc), [triple("LVL001", "error", "external")]);

    // The subnet moves to a file of its own: the finding is reported in functions.tf, whose
    // name is part of the fingerprint, so it still matches.
    let net = fs::read_to_string(&network).unwrap();
    let subnet_start = net.find("resource \"aws_subnet\" \"public\"").unwrap();
    fs::write(dir.join("subnets.tf"), &net[subnet_start..]).unwrap();
    fs::write(&network, &net[..subnet_start]).unwrap();
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(
        doc["summary"]["files"], 4,
        "four .tf files; the baseline is read but is not a template"
    );
    assert_eq!(
        (code, codes(&doc)),
        (0, vec![triple("LVL001", "error", "external")])
    );
}

#[test]
fn an_empty_baseline_accepts_nothing() {
    let (_tmp, dir) = bad_module();
    write_baseline(&dir);
    let path = dir.join("baseline.json");
    let mut b: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    b["findings"] = Value::Array(vec![]);
    fs::write(&path, b.to_string()).unwrap();
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(
        (code, codes(&doc)),
        (1, vec![triple("LVL001", "error", "")])
    );
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let (_tmp, dir) = bad_module();
    fs::write(
        dir.join("baseline.json"),
        "{\"version\": 7, \"tool\": {\"name\": \"x\", \"version\": \"1\"}, \"findings\": []}",
    )
    .unwrap();
    lint(&dir)
        .args(["--baseline", "baseline.json", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "baseline version 7 is not supported",
        ));
    fs::write(dir.join("baseline.json"), "[]").unwrap();
    lint(&dir)
        .args(["--baseline", "baseline.json", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a lambda-vpc-lint baseline"));
    lint(&dir)
        .args(["--baseline", "missing.json", "."])
        .assert()
        .code(2);
}

#[test]
fn a_stale_entry_is_reported_at_the_entry_and_write_baseline_prunes_it() {
    let (_tmp, dir) = bad_module();
    write_baseline(&dir);
    // The mistake is fixed: the entry accepts nothing.
    edit(
        &dir.join("variables.tf"),
        "default     = true",
        "default     = false",
    );
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!(code, 0, "a note does not fail the run");
    assert_eq!(codes(&doc), [triple("LVL905", "note", "")]);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["file"], "baseline.json");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("baseline entry for LVL001 in functions.tf"),
        "{message}"
    );
    assert!(message.contains("--write-baseline"), "{message}");
    let text = fs::read_to_string(dir.join("baseline.json")).unwrap();
    let line = d["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"fingerprint\""),
        "located at the entry's fingerprint"
    );
    // Not judged when the rule did not run, or with --skip-rule LVL905.
    for skip in ["LVL001", "LVL905"] {
        let (_, doc) = json(
            &dir,
            &["--baseline", "baseline.json", "--skip-rule", skip, "."],
        );
        assert_eq!(
            codes(&doc),
            Vec::<(String, String, String)>::new(),
            "{skip}"
        );
    }
    // Writing the baseline again keeps only what matches now.
    lint(&dir)
        .args(["--write-baseline", "baseline.json", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote 0 findings to the baseline"));
    let (code, doc) = json(&dir, &["--baseline", "baseline.json", "."]);
    assert_eq!((code, codes(&doc).len()), (0, 0));
}
