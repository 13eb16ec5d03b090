//! Suppressions with a mandatory reason: comments in HCL (`#`, `//`, `/* */`) and YAML on or
//! above the reported line or its resource, CloudFormation `Metadata` (also on SAM functions),
//! and the notes for suppressions without a reason (LVL904) or that suppress nothing (LVL905).
//! Suppressed findings stay in JSON and SARIF, leave text and GitHub output, and never fail a run.

mod support;

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;
use support::{codes, copy_fixture, edit, json, lint, triple};

/// The split Terraform module with its LVL001 error (reported on `subnet_ids` in functions.tf).
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

fn sam() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_fixture("sam-public", tmp.path(), "t");
    (tmp, dir)
}

const FUNCTION: &str = "resource \"aws_lambda_function\" \"orders\" {";
const SUBNETS: &str = "    subnet_ids         = [";

fn suppressed_with(dir: &Path, reason: &str) {
    let (code, doc) = json(dir, &["."]);
    assert_eq!(codes(&doc), [triple("LVL001", "error", "inSource")]);
    assert_eq!(doc["diagnostics"][0]["suppressed"]["justification"], reason);
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(code, 0, "a suppressed finding does not fail the run");
}

#[test]
fn hcl_comment_forms_and_places() {
    let cases: &[(&str, String)] = &[
        // Above the resource block.
        (
            FUNCTION,
            format!("# lambda-vpc-lint:ignore LVL001 moved to private subnets in PLAT-12\n{FUNCTION}"),
        ),
        // On the resource header line, by slug, with `//`.
        (
            FUNCTION,
            format!("{FUNCTION} // lambda-vpc-lint:ignore public-subnet-no-internet moved to private subnets in PLAT-12"),
        ),
        // Above the reported attribute, `/* */`, several rules.
        (
            SUBNETS,
            format!("    /* lambda-vpc-lint:ignore LVL001 -- moved to private subnets in PLAT-12 */\n{SUBNETS}"),
        ),
        // Stacked comments above the attribute: each applies to the next line of code.
        (
            SUBNETS,
            format!("    # lambda-vpc-lint:ignore LVL001 moved to private subnets in PLAT-12\n    # (the NAT gateway is shared)\n{SUBNETS}"),
        ),
    ];
    for (anchor, replacement) in cases {
        let (_tmp, dir) = bad_module();
        edit(&dir.join("functions.tf"), anchor, replacement);
        suppressed_with(&dir, "moved to private subnets in PLAT-12");
    }
}

#[test]
fn trailing_comment_on_the_reported_line() {
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        "aws_subnet.private.id]\n",
        "aws_subnet.private.id] # lambda-vpc-lint:ignore LVL001 accepted: egress through a proxy\n",
    );
    suppressed_with(&dir, "accepted: egress through a proxy");
    // Text and GitHub output leave it out; the summary counts it.
    lint(&dir)
        .arg(".")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("LVL001").not())
        .stdout(predicate::str::contains(
            "no problems found, 1 suppressed in 3 files",
        ));
    lint(&dir)
        .args(["--format", "github", "."])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn a_comment_elsewhere_does_not_apply_and_is_reported_unused() {
    let (_tmp, dir) = bad_module();
    // Two lines above the attribute, separated by another attribute: not "just above".
    edit(
        &dir.join("functions.tf"),
        "  vpc_config {\n",
        "  # lambda-vpc-lint:ignore LVL001 too far away\n  publish = false\n  vpc_config {\n",
    );
    let (code, doc) = json(&dir, &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&doc),
        [triple("LVL905", "note", ""), triple("LVL001", "error", "")]
    );
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("suppression of LVL001 suppresses nothing"));
    assert_eq!(doc["diagnostics"][0]["start"]["line"], 42);
}

#[test]
fn a_suppression_needs_a_reason() {
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        FUNCTION,
        &format!("# lambda-vpc-lint:ignore LVL001\n{FUNCTION}"),
    );
    let (code, doc) = json(&dir, &["."]);
    assert_eq!(code, 1, "without a reason the finding still fails the run");
    assert_eq!(
        codes(&doc),
        [triple("LVL904", "note", ""), triple("LVL001", "error", "")]
    );
    assert_eq!(doc["diagnostics"][0]["slug"], "suppression-without-reason");
}

#[test]
fn unknown_rules_and_rules_that_did_not_run() {
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        FUNCTION,
        &format!("# lambda-vpc-lint:ignore LVL001, LVL042 accepted for the demo\n{FUNCTION}"),
    );
    let (code, doc) = json(&dir, &["."]);
    assert_eq!(code, 0);
    assert_eq!(
        codes(&doc),
        [
            triple("LVL905", "note", ""),
            triple("LVL001", "error", "inSource")
        ]
    );
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`LVL042`, which is not a rule"));

    // A suppression of a rule that did not run is not "unused".
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        FUNCTION,
        &format!("# lambda-vpc-lint:ignore LVL002 accepted for the demo\n{FUNCTION}"),
    );
    // (`json` runs LVL001 only.)
    let (_, doc) = json(&dir, &["."]);
    assert_eq!(codes(&doc), [triple("LVL001", "error", "")]);
    let (_, doc) = json(&dir, &["--rule", "LVL002", "."]);
    assert_eq!(
        codes(&doc),
        [triple("LVL905", "note", ""), triple("LVL001", "error", "")]
    );
    // The notes can themselves be skipped, like any rule.
    let (_, doc) = json(
        &dir,
        &["--rule", "LVL002", "--skip-rule", "unused-suppression", "."],
    );
    assert_eq!(codes(&doc), [triple("LVL001", "error", "")]);
}

#[test]
fn yaml_comment_above_the_logical_id_or_the_reported_item() {
    let (_tmp, dir) = sam();
    let template = dir.join("template.yaml");
    edit(
        &template,
        "  Writer:\n",
        "  # lambda-vpc-lint:ignore LVL001 the table is reached through a proxy\n  Writer:\n",
    );
    suppressed_with(&dir, "the table is reached through a proxy");

    let (_tmp, dir) = sam();
    edit(
        &dir.join("template.yaml"),
        "          - !Ref WebSubnet\n",
        "          - !Ref WebSubnet # lambda-vpc-lint:ignore LVL001 the table is reached through a proxy\n",
    );
    suppressed_with(&dir, "the table is reached through a proxy");
}

#[test]
fn cloudformation_metadata_on_a_sam_function() {
    let (_tmp, dir) = sam();
    edit(
        &dir.join("template.yaml"),
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      lambda-vpc-lint:\n        ignore:\n          - id: public-subnet-no-internet\n            reason: the table is reached through a proxy\n",
    );
    suppressed_with(&dir, "the table is reached through a proxy");

    // Without a reason: LVL904 at the entry, and the finding stays.
    let (_tmp, dir) = sam();
    edit(
        &dir.join("template.yaml"),
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      lambda-vpc-lint:\n        ignore:\n          - id: LVL001\n",
    );
    let (code, doc) = json(&dir, &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&doc),
        [triple("LVL904", "note", ""), triple("LVL001", "error", "")]
    );
    assert_eq!(doc["diagnostics"][0]["start"]["line"], 58);

    // On another resource it suppresses nothing.
    let (_tmp, dir) = sam();
    edit(
        &dir.join("template.yaml"),
        "    Type: AWS::DynamoDB::Table\n",
        "    Type: AWS::DynamoDB::Table\n    Metadata:\n      lambda-vpc-lint:\n        ignore: [{ id: LVL001, reason: wrong place }]\n",
    );
    let (_, doc) = json(&dir, &["."]);
    assert_eq!(
        codes(&doc),
        [triple("LVL905", "note", ""), triple("LVL001", "error", "")]
    );
    assert!(doc["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("resource `Table`"));
}

#[test]
fn cloudformation_metadata_in_a_json_template() {
    let tmp = tempfile::tempdir().unwrap();
    let src = support::repo().join("testdata/cli/sam-public/template.yaml");
    // The same template as JSON (no comments possible there).
    let yaml = std::fs::read_to_string(src).unwrap();
    let with_metadata = yaml.replace(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      lambda-vpc-lint:\n        ignore:\n          - id: LVL001\n            reason: reviewed\n",
    );
    let json_text = yaml_json(&with_metadata);
    std::fs::write(tmp.path().join("template.json"), json_text).unwrap();
    suppressed_with(tmp.path(), "reviewed");
}

/// The fixture as JSON, through the linter's own YAML tree: scalars become strings and `!Ref X`
/// becomes `{"Ref": "X"}` (the fixture uses no other tag).
fn yaml_json(yaml: &str) -> String {
    use lambda_vpc_lint::source::FileId;
    use lambda_vpc_lint::syntax::{yaml, Limits, Node, NodeKind};
    fn conv(n: &Node) -> Value {
        let v = match &n.kind {
            NodeKind::Scalar { text, .. } => Value::from(text.as_str()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(conv).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), conv(v)))
                    .collect(),
            ),
        };
        match &n.tag {
            Some((tag, _)) if tag == "!Ref" => serde_json::json!({ "Ref": v }),
            _ => v,
        }
    }
    let doc = yaml::parse(FileId(0), yaml, &Limits::default()).expect("fixture parses");
    conv(&doc.root).to_string()
}

#[test]
fn sarif_marks_suppressed_results() {
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        FUNCTION,
        &format!("# lambda-vpc-lint:ignore LVL001 reviewed in PLAT-12\n{FUNCTION}"),
    );
    let out = lint(&dir)
        .args(["--format", "sarif", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["suppressions"],
        serde_json::json!([{ "kind": "inSource", "justification": "reviewed in PLAT-12" }])
    );
}

/// Suppressed findings keep the JSON output valid against its schema.
#[test]
fn json_with_suppressed_findings_matches_the_schema() {
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        FUNCTION,
        &format!("# lambda-vpc-lint:ignore LVL001 reviewed in PLAT-12\n# lambda-vpc-lint:ignore LVL101\n{FUNCTION}"),
    );
    let (_, doc) = json(&dir, &["."]);
    assert_eq!(
        codes(&doc),
        [
            triple("LVL904", "note", ""),
            triple("LVL001", "error", "inSource")
        ]
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(support::repo().join("src/report/json.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut bad = doc.clone();
    bad["diagnostics"][1]["suppressed"]["kind"] = Value::from("inline");
    assert!(!validator.is_valid(&bad), "the schema check cannot fail");
}

#[test]
fn a_comment_above_any_enclosing_block_applies() {
    // HCL: above `vpc_config {`, which encloses the reported `subnet_ids`.
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        "  vpc_config {\n",
        "  # lambda-vpc-lint:ignore LVL001 reviewed in PLAT-12\n  vpc_config {\n",
    );
    suppressed_with(&dir, "reviewed in PLAT-12");

    // YAML: above an enclosing mapping key (`VpcConfig:`), and above `Properties:`.
    for key in ["      VpcConfig:\n", "    Properties:\n      Runtime"] {
        let (_tmp, dir) = sam();
        let template = dir.join("template.yaml");
        let text = std::fs::read_to_string(&template).unwrap();
        let writer = text.find("  Writer:\n").unwrap();
        let at = writer + text[writer..].find(key).expect(key);
        let indent = &key[..key.len() - key.trim_start().len()];
        let changed = format!(
            "{}{indent}# lambda-vpc-lint:ignore LVL001 reviewed in PLAT-12\n{}",
            &text[..at],
            &text[at..]
        );
        std::fs::write(&template, changed).unwrap();
        suppressed_with(&dir, "reviewed in PLAT-12");
    }

    // A block that does not enclose the finding does not suppress it.
    let (_tmp, dir) = bad_module();
    edit(
        &dir.join("functions.tf"),
        "  vpc_config {\n",
        "  # lambda-vpc-lint:ignore LVL001 not this block\n  tracing_config {\n    mode = \"Active\"\n  }\n  vpc_config {\n",
    );
    let (code, doc) = json(&dir, &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&doc),
        [triple("LVL905", "note", ""), triple("LVL001", "error", "")]
    );
}
