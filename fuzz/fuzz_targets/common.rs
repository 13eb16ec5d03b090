//! Shared by the targets: lint one in-memory file through the whole pipeline and render every
//! format. A panic anywhere is a crash for libFuzzer; an LVL903 diagnostic (a panic the engine
//! caught) is turned back into one, so caught panics are found too.
//!
//! Nothing process-wide is set up per input: one single-thread pool is built on the first input
//! and every input runs on it (`engine::lint_text` runs on the pool it is called from when its
//! size matches `jobs`), and the options are built once.

#![allow(dead_code)]

use std::sync::OnceLock;

use lambda_vpc_lint::engine::{lint_text, thread_pool, Options, Report};
use lambda_vpc_lint::report::{render, Format, RenderOptions};
use lambda_vpc_lint::source::SourceMap;

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| thread_pool(1))
}

fn options() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| Options {
        jobs: 1,
        ..Options::default()
    })
}

/// Lints and renders in every format; `strict` adds the LVL906 notes (every unknown value
/// rendered, reasons included).
pub fn lint_and_render(name: &str, text: &str) {
    on_pool(|| {
        let (report, sources) = lint_text(name, text.to_string(), options());
        check_and_render(&report, &sources);
    })
}

/// Runs `f` on the process's one pool (targets with options of their own).
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    pool().install(f)
}

/// Fails on a caught panic (LVL903), then renders every format.
pub fn check_and_render(report: &Report, sources: &SourceMap) {
    for d in &report.diagnostics {
        assert!(d.code != "LVL903", "internal error: {}", d.message);
    }
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        let mut out = Vec::new();
        render(
            report,
            sources,
            format,
            &RenderOptions { color: false },
            &mut out,
        )
        .expect("rendering to memory cannot fail");
    }
}

/// Lints only (the generated-input targets: rendering is the other targets' business) and
/// returns the diagnostics' messages, for targets that check what the evaluator said.
pub fn lint(name: &str, text: &str) -> Vec<(String, String)> {
    pool().install(|| {
        let (report, _) = lint_text(name, text.to_string(), strict());
        report
            .diagnostics
            .iter()
            .map(|d| {
                assert!(d.code != "LVL903", "internal error: {}", d.message);
                (d.code.to_string(), d.message.clone())
            })
            .collect()
    })
}

/// `--strict`: every unknown a function's aspects depend on is reported (LVL906), so the
/// evaluator's reasons are rendered too.
fn strict() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| Options {
        jobs: 1,
        strict: true,
        ..Options::default()
    })
}
