//! Coverage: what the run could not verify, per VPC function and aspect.
//!
//! - The rules agree with the coverage: for every rule, in both ecosystems, one of its
//!   `unknown-*` fixtures (where the rule is silent because something is unknown) shows that
//!   unknown in the coverage, naming the rule among those that could not decide.
//! - Every kind of unknown the front ends produce shows in `--strict` (LVL906) at its location,
//!   with its reason and the input that would resolve it (`testdata/coverage/`).
//! - The counts agree between text, JSON and SARIF, here and on the shared corpus.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::Format;
use lambda_vpc_lint::rules;
use lambda_vpc_lint::source::SourceMap;

fn run(paths: &[PathBuf], base: &Path, strict: bool) -> (Report, SourceMap) {
    lint(&Options {
        paths: paths.to_vec(),
        jobs: 1,
        base: base.to_path_buf(),
        strict,
        ..Options::default()
    })
}

/// The rules each `unknown-*` case leaves undecided, per rule and ecosystem.
#[test]
fn every_rule_silent_on_an_unknown_lists_it_as_undecided() {
    // The rule's own `unknown-*` fixtures, and for rules that also judge resources outside any
    // function (LVL018 endpoints, LVL106 any policy) fixtures where the unknown is a function's.
    let roots = [
        common::repo().join("testdata/rules"),
        common::repo().join("testdata/coverage/rules"),
    ];
    let mut missing = Vec::new();
    for meta in rules::catalog().iter().filter(|m| m.category != "input") {
        for eco in ["terraform", "cloudformation"] {
            let folder = format!("{}-{}", meta.id, meta.slug);
            let mut cases: Vec<PathBuf> = roots
                .iter()
                .filter_map(|root| fs::read_dir(root.join(&folder).join(eco)).ok())
                .flatten()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.is_dir()
                        && p.file_name()
                            .unwrap()
                            .to_string_lossy()
                            .starts_with("unknown-")
                })
                .collect();
            cases.sort();
            let mut seen = Vec::new();
            let shown = cases.iter().any(|case| {
                let (report, _) = run(std::slice::from_ref(case), case, false);
                let silent = !report.diagnostics.iter().any(|d| d.code == meta.id);
                let undecided: BTreeSet<&str> = report
                    .coverage
                    .entries
                    .iter()
                    .flat_map(|e| e.unknowns.iter().flat_map(|u| u.rules.iter().copied()))
                    .collect();
                seen.push(format!(
                    "{}: {:?}",
                    case.file_name().unwrap().to_string_lossy(),
                    undecided
                ));
                silent && undecided.contains(meta.id.as_str())
            });
            if !shown {
                missing.push(format!("{} {eco}: {}", meta.id, seen.join("; ")));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no unknown-* case shows the unknown that silenced the rule:\n{}",
        missing.join("\n")
    );
}

/// `testdata/coverage/kinds/<ecosystem>/<kind>/`: one fixture per kind of unknown the front ends
/// produce. A `lvl906: TEXT` comment marks the line of the unknown value: `--strict` must report
/// LVL906 on that line with TEXT in its message (the reason), and say what input resolves it
/// unless the reason already does.
#[test]
fn every_kind_of_unknown_shows_in_strict_at_its_value() {
    let root = common::repo().join("testdata/coverage/kinds");
    let mut failures = Vec::new();
    let mut checked = 0;
    for eco in ["terraform", "cloudformation"] {
        let mut kinds: Vec<PathBuf> = fs::read_dir(root.join(eco))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        kinds.sort();
        assert!(kinds.len() >= 7, "{eco}: a fixture per kind of unknown");
        for case in kinds {
            let (report, sources) = run(std::slice::from_ref(&case), &case, true);
            let notes: Vec<(String, u32, String, Option<String>)> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == "LVL906")
                .map(|d| {
                    let file = sources.get(d.span.file);
                    let line = file.position(d.span.start).line;
                    (file.display.clone(), line, d.message.clone(), d.fix.clone())
                })
                .collect();
            // "declared here" proof steps: (file, line).
            let declared: Vec<(String, u32)> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == "LVL906")
                .flat_map(|d| d.proof.iter())
                .filter(|s| s.text.starts_with("declared here"))
                .map(|s| {
                    let file = sources.get(s.span.file);
                    (file.display.clone(), file.position(s.span.start).line)
                })
                .collect();
            let mut markers = 0;
            for f in fs::read_dir(&case).unwrap() {
                let path = f.unwrap().path();
                if !path.is_file() {
                    continue;
                }
                let display = path.file_name().unwrap().to_string_lossy().to_string();
                let text = fs::read_to_string(&path).unwrap();
                for (i, l) in text.lines().enumerate() {
                    if l.ends_with("# lvl906-declared")
                        && !declared.contains(&(display.clone(), i as u32 + 1))
                    {
                        failures.push(format!(
                            "{}: no LVL906 says `declared here` at {display}:{}; got {declared:?}",
                            case.display(),
                            i + 1
                        ));
                    }
                    let Some((_, want)) = l.split_once("# lvl906: ") else {
                        continue;
                    };
                    markers += 1;
                    checked += 1;
                    let hit = notes.iter().find(|(file, line, message, _)| {
                        *file == display && *line == i as u32 + 1 && message.contains(want.trim())
                    });
                    match hit {
                        None => failures.push(format!(
                            "{}: no LVL906 at {display}:{} with `{want}`; got {notes:#?}",
                            case.display(),
                            i + 1
                        )),
                        Some((_, _, message, fix)) => {
                            let resolves = fix.is_some() || message.contains("terraform init");
                            if !resolves {
                                failures.push(format!(
                                    "{}: LVL906 says no input that resolves it: {message}",
                                    case.display()
                                ));
                            }
                        }
                    }
                }
            }
            assert!(markers > 0, "{}: has a `lvl906:` marker", case.display());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 15);
}

/// `graph` shows an unknown node's reason, and a role whose policies are not all known as
/// partly unknown (the IAM rules were silent for it).
#[test]
fn graph_shows_unknown_reasons_and_partly_unknown_roles() {
    use lambda_vpc_lint::graph::{render, GraphFormat};
    let kinds = common::repo().join("testdata/coverage/kinds/terraform");
    let draw = |case: &str| {
        let dir = kinds.join(case);
        let (_, _, units) = lambda_vpc_lint::engine::lint_with_models(&Options {
            paths: vec![dir.clone()],
            jobs: 1,
            base: dir,
            ..Options::default()
        });
        render(&units, None, GraphFormat::Mermaid)
    };
    let policy = draw("policy-arn");
    assert!(
        policy.contains(
            "role aws_iam_role.fn<br/>policies partly unknown: policy #96;arn:aws:iam::123456789012:policy/custom#96;"
        ),
        "{policy}"
    );
    let variable = draw("variable");
    assert!(
        variable.contains("subnets: unknown<br/>variable #96;subnet_ids#96; has no default"),
        "{variable}"
    );
    // A role whose policies are all known is drawn plainly.
    let literal = draw("literal-id");
    assert!(literal.contains("[\"role aws_iam_role.fn\"]"), "{literal}");
}

/// Coverage counts of a run as each format shows them: the text summary line, the JSON summary
/// and `coverage` array, the SARIF `run.properties` and LVL906 results.
struct Counts {
    verified: usize,
    not_verified: usize,
    lvl906: usize,
}

fn counts_in_every_format(report: &Report, sources: &SourceMap) -> Counts {
    let text = common::render_to_string(report, sources, Format::Text);
    let json: serde_json::Value =
        serde_json::from_str(&common::render_to_string(report, sources, Format::Json)).unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&common::render_to_string(report, sources, Format::Sarif)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::repo().join("src/report/json.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "JSON report against its schema: {errors:?}"
    );

    let verified = json["summary"]["verified"].as_u64().unwrap() as usize;
    let not_verified = json["summary"]["not_verified"].as_u64().unwrap() as usize;
    let entries = json["coverage"].as_array().unwrap();
    assert_eq!(entries.len(), verified + not_verified);
    assert_eq!(
        entries.iter().filter(|e| e["verified"] == true).count(),
        verified
    );
    let run = &sarif["runs"][0];
    assert_eq!(run["properties"]["verified"], verified);
    assert_eq!(run["properties"]["notVerified"], not_verified);
    let json_906 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "LVL906")
        .count();
    let sarif_906 = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "LVL906")
        .count();
    assert_eq!(json_906, sarif_906);
    // One LVL906 per entry and unknown aspect.
    let unknown_aspects: usize = entries
        .iter()
        .map(|e| {
            e["aspects"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["status"] == "unknown")
                .count()
        })
        .sum();
    if report.coverage.strict {
        assert_eq!(json_906, unknown_aspects);
    } else {
        assert_eq!(json_906, 0);
    }
    if not_verified > 0 {
        let want = format!("{verified} verified, {not_verified} not verified — ");
        assert!(text.contains(&want), "text summary says `{want}`: {text}");
    }
    Counts {
        verified,
        not_verified,
        lvl906: json_906,
    }
}

#[test]
fn formats_agree_on_the_fixtures() {
    let root = common::repo().join("testdata/coverage");
    for strict in [false, true] {
        let (report, sources) = run(std::slice::from_ref(&root), &root, strict);
        let c = counts_in_every_format(&report, &sources);
        assert!(c.not_verified >= 15, "every kind fixture is not verified");
        assert_eq!(c.lvl906 > 0, strict);
        assert_eq!(c.verified + c.not_verified, report.coverage.entries.len());
    }
}

/// The corpus numbers (per ecosystem, top reasons), equal in text, JSON and SARIF; printed for
/// the record (`cargo test --test coverage corpus -- --nocapture`).
#[test]
fn corpus_coverage_agrees_across_formats() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (report, sources) = run(std::slice::from_ref(&corpus), &corpus, true);
    let c = counts_in_every_format(&report, &sources);
    let mut per: std::collections::BTreeMap<(&str, bool), usize> = Default::default();
    for e in &report.coverage.entries {
        let file = &sources.get(e.span.file).display;
        let eco = if file.ends_with(".tf") || file.ends_with(".tf.json") {
            "terraform"
        } else {
            "cloudformation"
        };
        *per.entry((eco, e.verified())).or_default() += 1;
    }
    println!(
        "corpus: {} verified, {} not verified, {} LVL906 notes",
        c.verified, c.not_verified, c.lvl906
    );
    for eco in ["terraform", "cloudformation"] {
        println!(
            "  {eco}: {} verified, {} not verified",
            per.get(&(eco, true)).unwrap_or(&0),
            per.get(&(eco, false)).unwrap_or(&0)
        );
    }
    for (reason, n) in report.coverage.top_reasons(10) {
        println!("  {n:>3}  {reason}");
    }
    assert!(
        c.verified + c.not_verified > 0,
        "the corpus has VPC functions"
    );
}

/// LVL906 is an ordinary diagnostic: suppressed inline with a reason, skipped with
/// `--skip-rule`, and only reported under `--strict`.
#[test]
fn lvl906_is_selectable_and_suppressible() {
    let fixture = common::repo().join("testdata/coverage/kinds/terraform/variable/main.tf");
    let text = fs::read_to_string(fixture).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let suppressed = text.replace(
        "    subnet_ids         = var.subnet_ids",
        "    # lambda-vpc-lint:ignore LVL906 subnets come from the pipeline\n    subnet_ids         = var.subnet_ids",
    );
    assert_ne!(suppressed, text);
    fs::write(dir.path().join("main.tf"), &suppressed).unwrap();
    let paths = [dir.path().to_path_buf()];
    let (report, _) = run(&paths, dir.path(), true);
    let codes = |r: &Report| -> Vec<String> {
        r.diagnostics
            .iter()
            .filter(|d| d.code == "LVL906")
            .map(|d| d.message.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes(&report),
        ["security groups of function `aws_lambda_function.app` not verified"]
    );
    assert_eq!(
        report
            .suppressed
            .iter()
            .filter(|(d, _)| d.code == "LVL906")
            .count(),
        1
    );
    // The coverage still says what is unknown: a suppression hides the note, not the fact.
    assert_eq!(report.coverage.not_verified(), 1);
    let skipped = lint(&Options {
        paths: paths.to_vec(),
        jobs: 1,
        base: dir.path().to_path_buf(),
        strict: true,
        skip: vec!["LVL906".into()],
        ..Options::default()
    })
    .0;
    assert!(codes(&skipped).is_empty());
    // With `--rule LVL101` an unknown subnet or security group undecides nothing that was asked.
    let only_iam = lint(&Options {
        paths: paths.to_vec(),
        jobs: 1,
        base: dir.path().to_path_buf(),
        strict: true,
        only: vec!["LVL101".into()],
        ..Options::default()
    })
    .0;
    assert!(codes(&only_iam).is_empty());
    assert_eq!(only_iam.coverage.not_verified(), 1);
    let (plain, _) = run(&paths, dir.path(), false);
    assert!(codes(&plain).is_empty());
}

#[test]
fn coverage_is_the_same_for_any_thread_count() {
    let root = common::repo().join("testdata/coverage");
    let json = |jobs: usize| {
        let (report, sources) = lint(&Options {
            paths: vec![root.clone()],
            jobs,
            base: root.clone(),
            strict: true,
            ..Options::default()
        });
        common::render_to_string(&report, &sources, Format::Json)
    };
    assert_eq!(json(1), json(3));
}

/// The flag itself: `--strict` adds the notes, which do not fail the run (`--fail-on error`).
#[test]
fn strict_flag_reports_notes_and_exits_zero() {
    let case = common::repo().join("testdata/coverage/kinds/cloudformation/parameter");
    let out = assert_cmd::Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .args(["--strict", "--color", "never", "--skip-rule", "LVL006"])
        .arg(&case)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("note[LVL906]: placement (subnets, VPC, zones) of function `Function` not verified: the subnet list: parameter `SubnetIds` has no default"), "{text}");
    assert!(
        text.contains("= fix: give the parameter a value with --parameters"),
        "{text}"
    );
    assert!(
        text.contains("1 VPC function: 0 verified, 1 not verified — LVL906 notes list why)"),
        "{text}"
    );
}

/// Reasons quote values: a `sensitive` value is masked in the coverage as everywhere else.
#[test]
fn secrets_are_masked_in_coverage() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        r#"variable "subnet" {
  type      = string
  sensitive = true
  default   = "subnet-0canary0canary0canary0canary0canary0canary0c"
}

resource "aws_lambda_function" "app" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  vpc_config {
    subnet_ids         = [var.subnet]
    security_group_ids = []
  }
}
"#,
    )
    .unwrap();
    let paths = [dir.path().to_path_buf()];
    let (report, sources) = run(&paths, dir.path(), true);
    assert_eq!(report.coverage.not_verified(), 1);
    for format in [Format::Text, Format::Json, Format::Sarif] {
        let out = common::render_to_string(&report, &sources, format);
        assert!(!out.contains("0canary0"), "{format:?}: {out}");
    }
    // `graph` cuts reasons short: the secret is masked before the cut.
    let (_, _, units) = lambda_vpc_lint::engine::lint_with_models(&Options {
        paths: paths.to_vec(),
        jobs: 1,
        base: dir.path().to_path_buf(),
        ..Options::default()
    });
    let graph =
        lambda_vpc_lint::graph::render(&units, None, lambda_vpc_lint::graph::GraphFormat::Dot);
    assert!(graph.contains("subnet: unknown"), "{graph}");
    assert!(!graph.contains("0canary0"), "{graph}");
    let json = common::render_to_string(&report, &sources, Format::Json);
    let stars = "*".repeat("subnet-0canary0canary0canary0canary0canary0canary0c".len());
    assert!(
        json.contains(&format!("literal subnet id `{stars}`")),
        "{json}"
    );
}
