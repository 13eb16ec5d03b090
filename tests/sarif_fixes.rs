//! SARIF `fixes`: where a finding's fix is a replacement of a known region (an explicit `false`
//! that must be `true`), the result carries it, and the document stays valid SARIF 2.1.0.

mod common;

use assert_cmd::Command;

fn sarif(path: &str, rule: &str) -> serde_json::Value {
    let out = Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(common::repo())
        .args(["--format", "sarif", "--rule", rule, path])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

#[test]
fn an_explicit_false_becomes_a_replacement() {
    let dir =
        "testdata/rules/LVL009-endpoint-private-dns-off/terraform/bad-private-dns-explicit-off";
    let v = sarif(dir, "LVL009");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "LVL009");
    let change = &result["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], format!("{dir}/main.tf"));
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "true");
    // The region is exactly the `false` of `private_dns_enabled = false`.
    let text = std::fs::read_to_string(common::repo().join(dir).join("main.tf")).unwrap();
    let region = &replacement["deletedRegion"];
    let line = text
        .lines()
        .nth(region["startLine"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let (start, end) = (
        region["startColumn"].as_u64().unwrap() as usize - 1,
        region["endColumn"].as_u64().unwrap() as usize - 1,
    );
    assert_eq!(&line[start..end], "false", "{line}");

    if let Some(schema) = common::sarif_schema() {
        let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn a_default_has_no_region_to_replace() {
    let dir =
        "testdata/rules/LVL009-endpoint-private-dns-off/terraform/bad-private-dns-default-off";
    let v = sarif(dir, "LVL009");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "LVL009");
    assert!(
        result.get("fixes").is_none(),
        "a missing attribute is an insertion, not a region edit"
    );
}
