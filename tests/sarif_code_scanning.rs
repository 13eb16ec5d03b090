//! GitHub code scanning's ingestion rules for SARIF, checked on real runs (the bundled examples,
//! suppressed and baselined findings) rather than on a hand-built report:
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>
//! and the limits in "SARIF results exceed one or more limits".
//! (tests/report_formats.rs covers the OASIS schema, descriptors and truncation of one fixture.)

mod common;
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use lambda_vpc_lint::diagnostic::{Suppression, SuppressionKind};
use lambda_vpc_lint::engine::{self, Options};
use lambda_vpc_lint::report::{render, Format, RenderOptions};
use lambda_vpc_lint::rules::catalog;
use serde_json::Value;
use support::{copy_fixture, edit, lvl, repo};

fn sarif_of(dir: &Path, args: &[&str]) -> Value {
    let out = lvl(dir)
        .args(["--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("SARIF")
}

/// The bundled examples (real findings with proofs), plus a module with one suppressed and
/// one reported finding.
fn runs() -> Vec<Value> {
    let tmp = tempfile::tempdir().unwrap();
    let m = copy_fixture("split-module", tmp.path(), "infra");
    edit(
        &m.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    let text = std::fs::read_to_string(m.join("functions.tf")).unwrap();
    let start = text.find("resource \"aws_lambda_function\"").unwrap();
    let copy = text[start..].replace("\"orders\"", "\"invoices\"");
    std::fs::write(
        m.join("functions.tf"),
        format!(
            "{}# lambda-vpc-lint:ignore LVL001 accepted in PLAT-12\n{}\n{copy}",
            &text[..start],
            &text[start..]
        ),
    )
    .unwrap();
    vec![
        sarif_of(&repo(), &["examples"]),
        sarif_of(tmp.path(), &["--rule", "LVL001", "infra"]),
    ]
}

#[test]
fn one_run_with_an_automation_id_and_a_source_root() {
    for log in runs() {
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "GitHub accepts at most 20 runs per file");
        let run = &runs[0];
        // `category/` (a trailing slash: GitHub adds the run id); the category separates our
        // alerts from other tools' in the same repository.
        let id = run["automationDetails"]["id"].as_str().unwrap();
        assert!(id.ends_with('/') && id.len() > 1, "{id}");
        assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
        assert_eq!(run["tool"]["driver"]["name"], "lambda-vpc-lint");
        assert!(run["tool"]["driver"]["semanticVersion"].is_string());
    }
}

#[test]
fn every_rule_has_help_tags_and_a_valid_security_severity() {
    let log = &runs()[0];
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() <= 25_000);
    for (r, meta) in rules.iter().zip(catalog()) {
        let id = &meta.id;
        assert!(
            !r["help"]["text"].as_str().unwrap().trim().is_empty(),
            "{id}: help.text"
        );
        assert!(
            !r["help"]["markdown"].as_str().unwrap().trim().is_empty(),
            "{id}: help.markdown"
        );
        assert!(
            !r["fullDescription"]["text"].as_str().unwrap().is_empty(),
            "{id}"
        );
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            !tags.is_empty() && tags.len() <= 10,
            "{id}: GitHub shows 10 tags: {tags:?}"
        );
        match r["properties"].get("security-severity") {
            Some(s) => {
                // A number as a string, 0.0 to 10.0, on a rule tagged `security`.
                let v: f64 = s.as_str().unwrap().parse().expect("a number");
                assert!((0.0..=10.0).contains(&v), "{id}: {v}");
                assert!(tags.contains(&"security"), "{id}");
            }
            None => assert!(
                !tags.contains(&"security"),
                "{id}: security without severity"
            ),
        }
        // Exactly the rules whose metadata declares one carry it.
        assert_eq!(
            r["properties"]
                .get("security-severity")
                .and_then(Value::as_str),
            meta.security_severity.as_deref(),
            "{id}"
        );
    }
}

/// The security-relevant IAM rules (code that can use the service's ENI permissions, missing
/// permissions, wrong condition operators) are rated for code scanning.
#[test]
fn security_relevant_iam_rules_have_a_security_severity() {
    let rated: Vec<&str> = catalog()
        .iter()
        .filter(|m| m.category == "iam" && m.security_severity.is_some())
        .map(|m| m.id.as_str())
        .collect();
    for id in ["LVL101", "LVL104"] {
        assert!(rated.contains(&id), "{id} is rated: {rated:?}");
    }
}

#[test]
fn results_point_into_the_repository_and_carry_fingerprints() {
    for log in runs() {
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        assert!(results.len() <= 25_000);
        for r in results {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
            assert!(!r["message"]["text"].as_str().unwrap().is_empty());
            let fp = r["partialFingerprints"]["lambdaVpcLint/v1"]
                .as_str()
                .unwrap();
            assert!(
                fp.len() >= 16 && fp.chars().all(|c| c.is_ascii_hexdigit()),
                "{fp}"
            );
            let locations = r["locations"].as_array().unwrap();
            assert_eq!(locations.len(), 1);
            let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
            assert!(related <= 1000, "GitHub accepts 1,000 locations per result");
            let flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .map_or(0, Vec::len);
            assert!(flow <= 10_000);
            for loc in locations
                .iter()
                .chain(r["relatedLocations"].as_array().into_iter().flatten())
            {
                let artifact = &loc["physicalLocation"]["artifactLocation"];
                let uri = artifact["uri"].as_str().unwrap();
                assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{uri}");
                assert!(
                    !uri.starts_with('/') && !uri.contains("://") && !uri.starts_with(".."),
                    "relative to the checkout: {uri}"
                );
                let region = &loc["physicalLocation"]["region"];
                assert!(region["startLine"].as_u64().unwrap() >= 1);
                assert!(region["startColumn"].as_u64().unwrap() >= 1);
            }
        }
        // Fingerprints are unique within a run: GitHub would merge equal ones into one alert.
        let fps: BTreeSet<&str> = results
            .iter()
            .map(|r| {
                r["partialFingerprints"]["lambdaVpcLint/v1"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(fps.len(), results.len());
    }
}

#[test]
fn suppressed_results_are_marked_for_code_scanning() {
    let log = &runs()[1];
    let results = log["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!((results.len(), suppressed.len()), (2, 1));
    let s = &suppressed[0]["suppressions"];
    assert_eq!(s.as_array().unwrap().len(), 1);
    assert_eq!(s[0]["kind"], "inSource");
    assert_eq!(s[0]["justification"], "accepted in PLAT-12");
    assert!(suppressed[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("orders"));
}

/// The OASIS schema accepts our `suppressions` (the schema lives outside the repository).
#[test]
fn suppressed_results_match_the_oasis_schema() {
    let Some(text) = common::sarif_schema() else {
        return;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for log in runs() {
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn fingerprints_do_not_move_with_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let m = copy_fixture("split-module", tmp.path(), "infra");
    edit(
        &m.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    let before = sarif_of(tmp.path(), &["infra"]);
    edit(
        &m.join("functions.tf"),
        "# A function",
        "\n\n\n# A function",
    );
    let after = sarif_of(tmp.path(), &["infra"]);
    let line = |l: &Value| {
        l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    let fp = |l: &Value| l["runs"][0]["results"][0]["partialFingerprints"].clone();
    assert_ne!(line(&before), line(&after));
    assert_eq!(fp(&before), fp(&after));
}

/// With more than 25,000 results, reported findings are kept before suppressed ones.
#[test]
fn the_result_limit_counts_suppressed_results_last() {
    let tmp = tempfile::tempdir().unwrap();
    let m = copy_fixture("split-module", tmp.path(), "infra");
    edit(
        &m.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    let options = Options {
        paths: vec![m.clone()],
        base: tmp.path().to_path_buf(),
        jobs: 1,
        ..Options::default()
    };
    let (mut report, sources) = engine::lint(&options);
    // Without its proof and fix: the rendering stays fast in debug builds.
    let mut one = report.diagnostics[0].clone();
    one.proof.clear();
    one.fix = None;
    report.diagnostics = vec![one.clone(); 24_998];
    report.suppressed = (0..5)
        .map(|_| {
            (
                one.clone(),
                Suppression {
                    kind: SuppressionKind::External,
                    justification: "baseline".into(),
                },
            )
        })
        .collect();
    let mut out = Vec::new();
    render(
        &report,
        &sources,
        Format::Sarif,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let log: Value = serde_json::from_slice(&out).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    let suppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 2);
    assert_eq!(run["properties"]["totalResults"], 25_003);
    assert_eq!(run["properties"]["reportedResults"], 25_000);
}

/// A function in two subnets whose route table the gateway endpoint leaves out is one alert,
/// and both subnets are among its related locations (GitHub shows few annotations per step).
#[test]
fn one_result_per_cause_with_every_place_related() {
    let case = repo().join(
        "testdata/rules/LVL007-gateway-endpoint-not-routed/terraform/bad-two-subnets-one-finding",
    );
    let log = sarif_of(&case, &["--rule", "LVL007", "."]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    let lines: BTreeSet<u64> = results[0]["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    // `aws_subnet.private` (line 8) and `aws_subnet.private_b` (line 14).
    assert!(lines.contains(&8) && lines.contains(&14), "{lines:?}");
}
