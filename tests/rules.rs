//! Rule fixtures: every case folder under `testdata/rules/<ID>-<slug>/<ecosystem>/` is linted on
//! its own. Expected findings are written in the fixture itself, on the line that must be
//! reported, as a comment `# expect: LVL001` (several IDs separated by commas); a case that must
//! stay silent says `# expect: none`. JSON templates, which have no comments, list expectations
//! in `expect.txt` beside them (`LVL001 template.json:12`, or `none`).
//!
//! A case runs its folder's rule, every rule its expectations name (so a precedence between two
//! rules is tested by naming both), and the input diagnostics (LVL9xx); the comparison with the
//! expectations is exact. The rendered text output is snapshotted beside the case
//! (`<case>.snap`).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use lambda_vpc_lint::report::Format;

/// (code, file relative to the case, line)
type Expectation = (String, String, u32);

fn cases() -> Vec<PathBuf> {
    let root = common::repo().join("testdata/rules");
    let mut out = Vec::new();
    for rule in fs::read_dir(&root).expect("testdata/rules exists") {
        let rule = rule.expect("dir entry").path();
        for eco in ["terraform", "cloudformation"] {
            let Ok(entries) = fs::read_dir(rule.join(eco)) else {
                continue;
            };
            for case in entries {
                let case = case.expect("dir entry").path();
                if case.is_dir() {
                    out.push(case);
                }
            }
        }
    }
    out.sort();
    out
}

fn files(case: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(case)
        .expect("case dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "snap" && e != "txt"))
        .collect();
    out.sort();
    out
}

/// Reads the expectations of a case; `None` if the case declares none at all (a defect).
fn expectations(case: &Path) -> Option<BTreeSet<Expectation>> {
    let mut declared = false;
    let mut set = BTreeSet::new();
    let expect_file = case.join("expect.txt");
    if let Ok(text) = fs::read_to_string(&expect_file) {
        declared = true;
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if line == "none" {
                continue;
            }
            let (code, at) = line
                .split_once(' ')
                .expect("`CODE file:line` in expect.txt");
            let (file, line_no) = at.rsplit_once(':').expect("file:line");
            set.insert((
                code.to_string(),
                file.to_string(),
                line_no.parse().expect("line number"),
            ));
        }
    }
    for file in files(case) {
        let text = fs::read_to_string(&file).expect("fixture is UTF-8");
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("expect:") else {
                continue;
            };
            let before = &line[..pos];
            if !(before.trim_end().ends_with('#') || before.trim_end().ends_with("//")) {
                continue;
            }
            declared = true;
            for code in line[pos + "expect:".len()..].split(',').map(str::trim) {
                if code != "none" && !code.is_empty() {
                    set.insert((code.to_string(), name.clone(), i as u32 + 1));
                }
            }
        }
    }
    declared.then_some(set)
}

#[test]
fn rule_fixtures() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the rule fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let Some(expected) = expectations(case) else {
            failures.push(format!(
                "{}: declares no expectation (`# expect: ...` or `# expect: none`)",
                case.display()
            ));
            continue;
        };
        let rule = case
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .unwrap()
            .to_string_lossy();
        let mut only: BTreeSet<String> = expected.iter().map(|(code, _, _)| code.clone()).collect();
        only.insert(rule.split('-').next().unwrap().to_string());
        let (report, sources) =
            common::run_rules(std::slice::from_ref(case), case, only.into_iter().collect());
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
        if actual != expected {
            let text = common::render_to_string(&report, &sources, Format::Text);
            failures.push(format!(
                "{}:\n  expected {:?}\n  actual   {:?}\n{}",
                case.display(),
                expected,
                actual,
                text
            ));
            continue;
        }
        let text = common::render_to_string(&report, &sources, Format::Text);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(case.parent().unwrap());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        settings.bind(|| insta::assert_snapshot!(name, text));
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The expectation parser itself: a case without any declaration is rejected.
#[test]
fn undeclared_case_is_a_defect() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"v\" {}\n",
    )
    .unwrap();
    assert!(expectations(dir.path()).is_none());
    fs::write(dir.path().join("main.tf"), "# expect: none\n").unwrap();
    assert_eq!(expectations(dir.path()), Some(BTreeSet::new()));
    fs::write(
        dir.path().join("main.tf"),
        "x = 1 # expect: LVL001, LVL002\n",
    )
    .unwrap();
    assert_eq!(expectations(dir.path()).unwrap().len(), 2);
}
