//! Shared harness code for the integration tests: run the engine on a directory and render.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::{render, Format, RenderOptions};
use lambda_vpc_lint::source::SourceMap;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// The shared corpus, or `None` (with a message saying so) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    if dir.join("MANIFEST.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "NOTE: corpus not found at {} (set LVL_CORPUS); corpus checks did not run",
            dir.display()
        );
        None
    }
}
