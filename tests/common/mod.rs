//! Shared harness code for the integration tests: run the engine on a directory and render.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::{render, Format, RenderOptions};
use lambda_vpc_lint::source::SourceMap;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A day as the data files write it: `YYYY-MM-DD`.
pub fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Lints `paths` with display paths relative to `base`, single-threaded unless told otherwise.
pub fn run(paths: &[PathBuf], base: &Path, jobs: usize) -> (Report, SourceMap) {
    let options = Options {
        paths: paths.to_vec(),
        jobs,
        base: base.to_path_buf(),
        ..Options::default()
    };
    lint(&options)
}

/// Lints `paths` running only the rules in `only` (plus the input diagnostics).
pub fn run_rules(paths: &[PathBuf], base: &Path, only: Vec<String>) -> (Report, SourceMap) {
    let options = Options {
        paths: paths.to_vec(),
        jobs: 1,
        only,
        base: base.to_path_buf(),
        ..Options::default()
    };
    lint(&options)
}

pub fn render_to_string(report: &Report, sources: &SourceMap, format: Format) -> String {
    let mut out = Vec::new();
    render(
        report,
        sources,
        format,
        &RenderOptions { color: false },
        &mut out,
    )
    .expect("render");
    String::from_utf8(out).expect("utf-8 output")
}

/// An input from outside the repository (`../shared`) is missing: under `CI` (set and not
/// empty) that is a failure, since a test that skips there passes silently; elsewhere the skip is
/// printed (`.ci/run` also says up front which inputs are absent, where a person sees it).
/// `LVL_SHARED_OPTIONAL=1` opts out for a CI without `../shared` (the public GitHub workflow).
pub fn missing_input(what: &str, path: &Path) {
    let set = |v: &str| std::env::var_os(v).is_some_and(|v| !v.is_empty() && v != "0");
    assert!(
        !set("CI") || set("LVL_SHARED_OPTIONAL"),
        "CI is set but {what} is missing ({}): the test cannot run",
        path.display()
    );
    eprintln!(
        "SKIPPED: {what} not found at {}: the check did not run",
        path.display()
    );
}

/// The shared corpus, or `None` (see [`missing_input`]) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    if dir.join("MANIFEST.tsv").is_file() {
        Some(dir)
    } else {
        missing_input("the shared corpus (set LVL_CORPUS)", &dir);
        None
    }
}

/// The OASIS SARIF 2.1.0 schema text, or `None` (see [`missing_input`]).
pub fn sarif_schema() -> Option<String> {
    let path = std::env::var_os("LVL_SARIF_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/schemas/sarif-schema-2.1.0.json"));
    let text = std::fs::read_to_string(&path).ok();
    if text.is_none() {
        missing_input("the SARIF schema (set LVL_SARIF_SCHEMA)", &path);
    }
    text
}
