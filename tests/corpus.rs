//! The shared corpus of real, openly licensed units (../shared/corpus or $LVL_CORPUS): every
//! unit is linted on its own, with its repository allowed for reading (`--allow-read`: examples
//! call modules with `../../`, as a user linting one example would allow); no file listed there
//! may fail to parse or be refused, and the
//! per-unit summary (functions, VPC functions, findings) is printed for review. When the corpus is
//! absent the test says so plainly.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

#[test]
fn corpus_units_lint_without_input_errors() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let units = fs::read_to_string(corpus.join("UNITS.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut count = 0;
    eprintln!("{:<46} {:>5} {:>4}  findings", "unit", "fns", "vpc");
    for line in units.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (unit, files) = (cols[0], cols[4]);
        let paths: Vec<PathBuf> = files.split(' ').map(|f| corpus.join(f)).collect();
        let repository = files.split('/').next().map(|r| corpus.join(r));
        let options = lambda_vpc_lint::Options {
            paths: paths.clone(),
            jobs: 1,
            base: corpus.clone(),
            terraform: lambda_vpc_lint::frontend::terraform::Options {
                allow_read: repository.into_iter().collect(),
                ..Default::default()
            },
            ..Default::default()
        };
        let (report, sources) = lambda_vpc_lint::lint(&options);
        count += 1;
        let mut findings: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &report.diagnostics {
            *findings.entry(d.code).or_default() += 1;
            *totals.entry(d.code).or_default() += 1;
            if d.code.starts_with("LVL9") {
                let f = sources.get(d.span.file);
                let p = f.position(d.span.start);
                failures.push(format!(
                    "{unit}: {} {}:{}:{}: {}",
                    d.code, f.display, p.line, p.column, d.message
                ));
            }
        }
        let summary: Vec<String> = findings.iter().map(|(c, n)| format!("{c}×{n}")).collect();
        eprintln!(
            "{unit:<46} {:>5} {:>4}  {}",
            report.stats.functions,
            report.stats.vpc_functions,
            summary.join(" ")
        );
    }
    eprintln!("{count} units; findings: {totals:?}");
    assert!(count >= 50, "UNITS.tsv lists the corpus units ({count})");
    assert!(
        failures.is_empty(),
        "input errors on corpus files:\n{}",
        failures.join("\n")
    );
}

/// A missing corpus fails under `CI` and is a printed skip elsewhere: this test binary runs its
/// own corpus test with a corpus path that does not exist.
#[test]
fn a_missing_corpus_fails_under_ci_and_is_reported_elsewhere() {
    if std::env::var_os("LVL_CORPUS").is_some_and(|v| v == "/nonexistent/lvl-corpus") {
        return; // the inner run
    }
    let run = |ci: Option<&str>| {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "corpus_units_lint_without_input_errors",
            "--nocapture",
        ])
        .env("LVL_CORPUS", "/nonexistent/lvl-corpus")
        .env_remove("CI")
        .env_remove("LVL_SHARED_OPTIONAL");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        cmd.output().unwrap()
    };
    let out = run(Some("true"));
    assert!(!out.status.success(), "under CI a missing corpus fails");
    assert!(String::from_utf8_lossy(&out.stderr).contains("CI is set but the shared corpus"));
    let out = run(None);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "SKIPPED: the shared corpus (set LVL_CORPUS) not found at /nonexistent/lvl-corpus"
    ));
}
