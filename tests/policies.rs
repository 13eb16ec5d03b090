//! Rules as data: the example policies in `examples/policies/` run on their fixtures in
//! `testdata/policies/<policy file stem>/{terraform,cloudformation}/<case>/` (same `# expect:`
//! markers as `testdata/rules`, snapshot beside each case), and the command line around rule
//! files: `--rules`, `rules --validate`, `explain`, SARIF descriptors.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lambda_vpc_lint::engine::{lint, Options};
use lambda_vpc_lint::report::Format;
use lambda_vpc_lint::rules::declarative::{self, CustomRule};

type Expectation = (String, String, u32);

fn policies() -> Vec<&'static CustomRule> {
    declarative::load_dir(&common::repo().join("examples/policies"))
        .unwrap_or_else(|errors| panic!("example policies load: {errors:?}"))
}

fn stem(rule: &CustomRule) -> String {
    Path::new(&rule.file)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

fn files(case: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "snap" && e != "txt"))
        .collect();
    out.sort();
    out
}

/// `# expect: ID` markers (`none` for silence); `None` when a case declares nothing.
fn expectations(case: &Path) -> Option<BTreeSet<Expectation>> {
    let mut declared = false;
    let mut set = BTreeSet::new();
    for file in files(case) {
        let text = fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("# expect:") else {
                continue;
            };
            declared = true;
            for code in line[pos + "# expect:".len()..].split(',').map(str::trim) {
                if code != "none" && !code.is_empty() {
                    set.insert((code.to_string(), name.clone(), i as u32 + 1));
                }
            }
        }
    }
    declared.then_some(set)
}

#[test]
fn example_policies_pass_their_fixtures() {
    let rules = policies();
    assert_eq!(rules.len(), 5, "the five example policies load");
    let root = common::repo().join("testdata/policies");
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in &rules {
        let dir = root.join(stem(rule));
        for eco in ["terraform", "cloudformation"] {
            let mut kinds = BTreeSet::new();
            let mut entries: Vec<PathBuf> = fs::read_dir(dir.join(eco))
                .unwrap_or_else(|_| panic!("{}: no fixtures for {eco}", dir.display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect();
            entries.sort();
            for case in entries {
                cases += 1;
                let name = case.file_name().unwrap().to_string_lossy().to_string();
                kinds.insert(name.split('-').next().unwrap().to_string());
                let Some(expected) = expectations(&case) else {
                    failures.push(format!("{}: declares no expectation", case.display()));
                    continue;
                };
                let options = Options {
                    paths: vec![case.clone()],
                    jobs: 1,
                    only: vec![rule.meta.id.clone()],
                    base: case.clone(),
                    custom_rules: vec![*rule],
                    ..Options::default()
                };
                let (report, sources) = lint(&options);
                let actual: BTreeSet<Expectation> = report
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let f = sources.get(d.span.file);
                        (
                            d.code.to_string(),
                            f.display.clone(),
                            f.position(d.span.start).line,
                        )
                    })
                    .collect();
                let text = common::render_to_string(&report, &sources, Format::Text);
                if actual != expected {
                    failures.push(format!(
                        "{}:\n  expected {expected:?}\n  actual   {actual:?}\n{text}",
                        case.display()
                    ));
                    continue;
                }
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path(case.parent().unwrap());
                settings.set_prepend_module_to_snapshot(false);
                settings.set_omit_expression(true);
                settings.bind(|| insta::assert_snapshot!(name, text));
            }
            // CloudFormation cannot name the default VPC: that policy has no bad case there.
            let needs_bad = !(stem(rule) == "no-default-vpc" && eco == "cloudformation");
            for kind in ["bad", "good", "unknown"] {
                if kind == "bad" && !needs_bad {
                    continue;
                }
                assert!(
                    kinds.contains(kind),
                    "{} {eco}: needs a {kind}-* case",
                    stem(rule)
                );
            }
        }
    }
    // Every fixture folder belongs to a policy.
    let stems: BTreeSet<String> = rules.iter().map(|r| stem(r)).collect();
    for e in fs::read_dir(&root).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            stems.contains(&name),
            "testdata/policies/{name} names no policy"
        );
    }
    assert!(cases >= 25, "found {cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn lvl() -> Command {
    let mut cmd = Command::cargo_bin("lambda-vpc-lint").unwrap();
    cmd.current_dir(common::repo())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

const BAD_ZONE: &str = "testdata/policies/two-zones/terraform/bad-one-zone";

#[test]
fn custom_findings_behave_like_built_in_ones() {
    // Text, exit code (ORG001 is an error).
    let out = lvl()
        .args(["--rules", "examples/policies", "--rule", "ORG001", BAD_ZONE])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("error[ORG001]"), "{text}");
    assert!(text.contains("= rule: function-in-one-zone"), "{text}");

    // SARIF: the loaded rule has a descriptor, and the result points at it.
    let out = lvl()
        .args([
            "--rules",
            "examples/policies",
            "--format",
            "sarif",
            BAD_ZONE,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let result = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ORG001")
        .expect("an ORG001 result");
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "ORG001");
    assert_eq!(result["level"], "error");
    assert!(result["partialFingerprints"].is_object());

    // GitHub annotations.
    let out = lvl()
        .args([
            "--rules",
            "examples/policies",
            "--format",
            "github",
            "--rule",
            "ORG001",
            BAD_ZONE,
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("::error file="), "{text}");
    assert!(text.contains("title=ORG001 function-in-one-zone"), "{text}");

    // Skipping by slug works like for built-in rules.
    lvl()
        .args([
            "--rules",
            "examples/policies",
            "--rule",
            "ORG001",
            "--skip-rule",
            "function-in-one-zone",
            BAD_ZONE,
        ])
        .assert()
        .code(0);

    // `explain` and `rules` know loaded rules.
    lvl()
        .args(["explain", "--rules", "examples/policies", "ORG005"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "# ORG005 role-allows-all-ec2-actions",
        ));
    lvl()
        .args(["rules", "--rules", "examples/policies"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ORG003"));
    // Without --rules, they are unknown.
    lvl().args(["--rule", "ORG001", BAD_ZONE]).assert().code(2);
}

#[test]
fn validate_reports_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        fs::read_to_string(common::repo().join("examples/policies/address-plan.yaml")).unwrap();
    let bad = good.replace("not (subnet.cidr within", "not (subnet.cidrr within");
    let path = dir.path().join("bad.yaml");
    fs::write(&path, &bad).unwrap();
    let line = bad.lines().position(|l| l.contains("cidrr")).unwrap() + 1;
    let column = bad.lines().nth(line - 1).unwrap().find("cidrr").unwrap() + 1;
    lvl()
        .args(["rules", "--validate"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "bad.yaml:{line}:{column}: subnet has no field `cidrr`"
        )));
    lvl()
        .args([
            "rules",
            "--validate",
            "examples/policies/no-ec2-wildcard.json",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ok (ORG005"));
    // A broken rule directory stops the run before linting (exit 2).
    lvl()
        .args(["--rules"])
        .arg(dir.path())
        .arg(BAD_ZONE)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cidrr"));
}

/// `rules/schema.json` is a valid JSON Schema, and every built-in metadata file and example
/// policy conforms to it (editors use it to complete rule files).
#[test]
fn every_rule_file_conforms_to_the_published_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::repo().join("rules/schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::meta::validate(&schema).expect("rules/schema.json is a valid JSON Schema");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let mut files = Vec::new();
    for cat in fs::read_dir(common::repo().join("rules")).unwrap() {
        let cat = cat.unwrap().path();
        if cat.is_dir() {
            files.extend(fs::read_dir(cat).unwrap().map(|e| e.unwrap().path()));
        }
    }
    files.extend(
        fs::read_dir(common::repo().join("examples/policies"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
    // The schema does reject what the loader rejects.
    let bad = serde_json::json!({"id": "ORG1", "slug": "x", "category": "policy", "severity": "warn",
        "title": "t", "why": "w", "fix": "f", "check": {"for_each": "function"}});
    assert!(!validator.is_valid(&bad));
}

/// The built-in rules implemented as data compile, and exactly they are registered as data.
#[test]
fn built_in_data_rules_compile() {
    let n = declarative::check_builtins().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        n >= 4,
        "LVL011, LVL013, LVL014 and LVL015 ship as data ({n})"
    );
}

const BEGIN: &str = "<!-- schema:begin (generated from src/rules/declarative/schema.rs; LVL_UPDATE=1 cargo test --test policies) -->";
const END: &str = "<!-- schema:end -->";

/// The field table in `rules/LANGUAGE.md` is the schema the type checker uses.
#[test]
fn language_page_lists_the_schema() {
    let path = common::repo().join("rules/LANGUAGE.md");
    let page = fs::read_to_string(&path).expect("rules/LANGUAGE.md");
    let (Some(b), Some(e)) = (page.find(BEGIN), page.find(END)) else {
        panic!("rules/LANGUAGE.md lacks the schema markers");
    };
    let fresh = format!("\n{}", declarative::schema::table());
    if page[b + BEGIN.len()..e] != fresh {
        if std::env::var_os("LVL_UPDATE").is_some() {
            let updated = format!("{}{fresh}{}", &page[..b + BEGIN.len()], &page[e..]);
            fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "rules/LANGUAGE.md schema table is stale: LVL_UPDATE=1 cargo test --test policies"
            );
        }
    }
}
