//! Fuzz target: arbitrary UTF-8 text as `template.yaml` through the whole pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|text: &str| {
    common::lint_and_render("template.yaml", text);
});
