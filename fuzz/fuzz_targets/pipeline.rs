//! Fuzz target: arbitrary bytes, the first byte choosing the file name (Terraform, a YAML or a
//! JSON template), decoded as the engine does (BOM stripped; invalid UTF-8 and NUL refused),
//! through parsing, loading, analysis, every rule and every report format.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let name = match selector % 3 {
        0 => "main.tf",
        1 => "template.yaml",
        _ => "template.json",
    };
    if rest.contains(&0) {
        return;
    }
    if let Ok(text) = lambda_vpc_lint::source::decode(rest.to_vec()) {
        common::lint_and_render(name, &text);
    }
});
