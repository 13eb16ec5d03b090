//! `--format junit` and `--format gitlab` on real runs of the binary, checked against what their
//! consumers accept: the JUnit XML structure CI systems parse (the element and attribute rules
//! of the JUnit XSD that Jenkins and GitLab read, checked with an XML parser), and GitLab's
//! documented Code Quality fields.

use std::collections::HashSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(dir)
        .args(["--no-config"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn count(node: roxmltree::Node<'_, '_>, attr: &str) -> usize {
    node.attribute(attr)
        .unwrap_or_else(|| panic!("<{}> has {attr}", node.tag_name().name()))
        .parse()
        .unwrap_or_else(|_| panic!("{attr} is a number"))
}

/// The rules of the JUnit XSD that CI systems rely on: `testsuites` holds `testsuite`s with
/// `name` and consistent `tests`/`failures` counts; a `testcase` has `name` and `classname`; a
/// `failure` has `message` and `type`. Returns (suites, cases, failures).
fn check_junit(xml: &str) -> (usize, usize, usize) {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let (mut suites, mut cases, mut failures) = (0, 0, 0);
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        assert!(suite.attribute("name").is_some_and(|n| !n.is_empty()));
        suites += 1;
        let mut suite_cases = 0;
        let mut suite_failures = 0;
        for case in suite.children().filter(|n| n.is_element()) {
            assert_eq!(case.tag_name().name(), "testcase");
            assert!(case.attribute("name").is_some_and(|n| !n.is_empty()));
            assert!(case.attribute("classname").is_some());
            suite_cases += 1;
            let fails: Vec<_> = case.children().filter(|n| n.is_element()).collect();
            assert!(fails.len() <= 1, "one failure per test case");
            for f in fails {
                assert_eq!(f.tag_name().name(), "failure");
                assert!(f.attribute("message").is_some_and(|m| !m.is_empty()));
                assert!(["error", "warning", "note"].contains(&f.attribute("type").unwrap()));
                suite_failures += 1;
            }
        }
        assert_eq!(count(suite, "tests"), suite_cases);
        assert_eq!(count(suite, "failures"), suite_failures);
        cases += suite_cases;
        failures += suite_failures;
    }
    assert_eq!(count(root, "tests"), cases);
    assert_eq!(count(root, "failures"), failures);
    (suites, cases, failures)
}

#[test]
fn junit_has_a_failing_case_per_rule_and_file() {
    let (code, xml) = run(&["--format", "junit", "examples"], repo());
    assert_eq!(code, Some(1));
    let (suites, cases, failures) = check_junit(&xml);
    assert!(suites >= 2 && cases >= suites && failures == cases, "{xml}");

    // The same findings as the JSON report, grouped by (file, rule).
    let (_, json) = run(&["--format", "json", "examples"], repo());
    let json: Value = serde_json::from_str(&json).unwrap();
    let pairs: HashSet<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), cases, "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for case in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        let file = case.attribute("classname").unwrap().to_string();
        let code = case.attribute("name").unwrap().split(' ').next().unwrap();
        assert!(
            pairs.contains(&(file.clone(), code.to_string())),
            "{file} {code}"
        );
        let text = case
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .and_then(|n| n.text())
            .unwrap_or("");
        assert!(
            text.contains(&format!("{file}:")),
            "each finding has its location: {text}"
        );
    }
}

#[test]
fn junit_of_a_clean_run_is_one_passing_case() {
    let (code, xml) = run(&["--format", "junit", "testdata/cli/clean"], repo());
    assert_eq!(code, Some(0));
    assert_eq!(check_junit(&xml), (1, 1, 0), "{xml}");
}

#[test]
fn gitlab_code_quality_has_the_documented_fields() {
    let (code, out) = run(&["--format", "gitlab", "examples"], repo());
    assert_eq!(code, Some(1));
    let issues: Value = serde_json::from_str(&out).expect("a JSON array");
    let issues = issues.as_array().expect("a JSON array");
    assert!(!issues.is_empty());
    let mut fingerprints = HashSet::new();
    for issue in issues {
        assert_eq!(issue["type"], "issue");
        for field in ["description", "check_name", "fingerprint"] {
            assert!(
                issue[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field}: {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap()),
            "{issue}"
        );
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(
            repo().join(path).is_file(),
            "a path relative to the run: {path}"
        );
        let begin = issue["location"]["lines"]["begin"].as_u64().unwrap();
        assert!(begin >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
    // Stable across runs: GitLab compares fingerprints between pipelines.
    let (_, again) = run(&["--format", "gitlab", "examples"], repo());
    assert_eq!(out, again);
    let (code, clean) = run(&["--format", "gitlab", "testdata/cli/clean"], repo());
    assert_eq!((code, clean.trim()), (Some(0), "[]"));
}
