//! Shared by the targets: lint one in-memory file through the whole pipeline and render every
//! format. A panic anywhere is a crash for libFuzzer; an LVL903 diagnostic (a panic the engine
//! caught) is turned back into one, so caught panics are found too.

use lambda_vpc_lint::engine::{lint_text, Options};
use lambda_vpc_lint::report::{render, Format, RenderOptions};

pub fn lint_and_render(name: &str, text: &str) {
    let options = Options {
        jobs: 1,
        ..Options::default()
    };
    let (report, sources) = lint_text(name, text.to_string(), &options);
    for d in &report.diagnostics {
        assert!(d.code != "LVL903", "internal error: {}", d.message);
    }
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        let mut out = Vec::new();
        render(&report, &sources, format, &RenderOptions { color: false }, &mut out)
            .expect("rendering to memory cannot fail");
    }
}
