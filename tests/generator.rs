//! The benchmark generator (bench/synth) produces valid input with exactly the mistakes it says
//! it injected: lambda-vpc-lint, with its whole rule catalog, must report each of them, per rule
//! and per unit, and nothing else.

#[path = "../bench/synth/mod.rs"]
#[allow(dead_code)]
mod synth;

use std::collections::BTreeMap;

use lambda_vpc_lint::engine::{lint, Options};

/// Findings per unit (module directory or template file) and rule, as the linter reports them
/// with every catalog rule on. A finding of a rule the generator does not inject fails.
fn lint_counts(cfg: &synth::Config) -> (synth::Expected, BTreeMap<String, synth::Counts>, usize) {
    let (files, expected) = synth::generate(cfg);
    let dir = tempfile::tempdir().unwrap();
    synth::write(dir.path(), &files, &expected).unwrap();
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        base: dir.path().to_path_buf(),
        jobs: 2,
        ..Options::default()
    };
    let (report, sources) = lint(&options);
    let mut by_unit: BTreeMap<String, synth::Counts> = BTreeMap::new();
    for d in &report.diagnostics {
        let display = &sources.get(d.span.file).display;
        let rule = synth::Mistake::ALL.iter().position(|m| m.rule() == d.code);
        let Some(rule) = rule else {
            panic!("unexpected {} in {display}: {}", d.code, d.message);
        };
        let unit = match display.rsplit_once('/') {
            Some((dir, _)) if display.starts_with("terraform/") => dir.to_string(),
            _ => display.clone(),
        };
        by_unit.entry(unit).or_default()[rule] += 1;
    }
    (expected, by_unit, report.stats.vpc_functions)
}

#[test]
fn reports_exactly_the_injected_mistakes() {
    let cfg = synth::Config {
        seed: 7,
        modules: 6,
        templates: 9,
        functions: 4,
        mistakes: 0.5,
    };
    let (expected, by_unit, vpc_functions) = lint_counts(&cfg);
    assert!(
        expected.findings.iter().all(|&n| n > 0),
        "the sample must exercise every rule: {:?}",
        expected.findings
    );
    assert_eq!(vpc_functions, expected.functions);
    assert_eq!(by_unit, expected.by_unit);
}

#[test]
fn every_function_can_carry_a_mistake() {
    // Every function with a mistake, in every flavour: no combination of mistakes in one unit
    // may add or hide a finding.
    let cfg = synth::Config {
        seed: 5,
        modules: 8,
        templates: 12,
        functions: 5,
        mistakes: 1.0,
    };
    let (expected, by_unit, vpc_functions) = lint_counts(&cfg);
    assert_eq!(expected.findings.iter().sum::<usize>(), 100);
    assert_eq!(vpc_functions, 100);
    assert_eq!(by_unit, expected.by_unit);
}

#[test]
fn clean_set_has_no_findings() {
    let cfg = synth::Config {
        seed: 3,
        modules: 3,
        templates: 6,
        functions: 4,
        mistakes: 0.0,
    };
    let (expected, by_unit, vpc_functions) = lint_counts(&cfg);
    assert_eq!(expected.findings, [0; synth::Mistake::ALL.len()]);
    assert_eq!(vpc_functions, 36);
    assert!(by_unit.is_empty(), "{by_unit:?}");
}

#[test]
fn mistakes_are_spread_evenly_among_the_kinds() {
    let (_, expected) = synth::generate(&synth::Config::for_files(400, 9, 0.3));
    let most = expected.findings.iter().max().copied().unwrap_or(0);
    let least = expected.findings.iter().min().copied().unwrap_or(0);
    assert!(least > 0 && most - least <= 1, "{:?}", expected.findings);
    let share = expected.findings.iter().sum::<usize>() as f64 / expected.functions as f64;
    assert!(
        (share - 0.3).abs() < 0.05,
        "share of functions with a mistake: {share}"
    );
}

#[test]
fn output_depends_only_on_the_seed() {
    let cfg = synth::Config::for_files(40, 11, 0.2);
    assert_eq!((cfg.modules, cfg.templates), (10, 20));
    let (a, ea) = synth::generate(&cfg);
    let (b, eb) = synth::generate(&cfg);
    assert_eq!(ea, eb);
    assert_eq!(a.len(), 40);
    assert!(a
        .iter()
        .zip(&b)
        .all(|(x, y)| x.path == y.path && x.text == y.text));
    let (c, _) = synth::generate(&synth::Config { seed: 12, ..cfg });
    assert!(a.iter().zip(&c).any(|(x, y)| x.text != y.text));
}
