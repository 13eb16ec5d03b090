//! SAM CLI configuration files (`samconfig.toml`, `samconfig.yaml`, `samconfig.yml`) next to a
//! template give parameter values, as `sam deploy` passes them: the environment picked with
//! `--sam-config-env` (default `default`), `deploy` over `global`, TOML over YAML over YML, and
//! `--parameters` over all of them.
//!
//! Every case in `testdata/samconfig/` holds the same template: its function's subnet is chosen by
//! the `Placement` parameter, which has no default, so LVL001 (public subnet) fires exactly when
//! the configuration read says `public`, and the function is unverified (silent) when nothing
//! gives a value.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::Format;
use lambda_vpc_lint::source::SourceMap;

fn cases() -> PathBuf {
    common::repo().join("testdata/samconfig")
}

fn run(case: &str, env: Option<&str>, parameters: &[&str]) -> (Report, SourceMap) {
    let dir = cases().join(case);
    let options = Options {
        paths: vec![dir.clone()],
        jobs: 1,
        base: dir.clone(),
        only: vec!["LVL001".into()],
        cloudformation: lambda_vpc_lint::frontend::cloudformation::Options {
            parameter_files: parameters.iter().map(|p| (None, dir.join(p))).collect(),
            sam_config_env: env.map(str::to_string),
        },
        ..Options::default()
    };
    lint(&options)
}

/// `CODE file:line` for every finding and diagnostic, in report order.
fn results(report: &Report, sources: &SourceMap) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let f = sources.get(d.span.file);
            let line = f.position(d.span.start).line;
            format!("{} {}:{}", d.code, f.display.replace('\\', "/"), line)
        })
        .collect()
}

fn check(case: &str, env: Option<&str>, parameters: &[&str], expected: &[&str]) {
    let (report, sources) = run(case, env, parameters);
    assert_eq!(
        results(&report, &sources),
        expected,
        "case {case}, env {env:?}, parameters {parameters:?}: {:#?}",
        report.diagnostics
    );
}

const PUBLIC: &str = "LVL001 template.yaml:92";

#[test]
fn default_environment_takes_deploy_over_global() {
    // global says private, deploy says public: `sam deploy` deploys public.
    check("toml", None, &[], &[PUBLIC]);
}

#[test]
fn named_environment_is_read() {
    // prod's deploy table, a TOML array of `K=V` strings, says private.
    check("toml", Some("prod"), &[], &[]);
}

#[test]
fn global_applies_when_the_environment_has_no_deploy_table() {
    // staging has global only, in the `ParameterKey=..,ParameterValue=..` form.
    check("toml", Some("staging"), &[], &[PUBLIC]);
}

#[test]
fn unknown_environment_gives_no_values() {
    check("toml", Some("nope"), &[], &[]);
}

#[test]
fn explicit_parameters_win_over_samconfig() {
    check("toml", None, &["private.env"], &[]);
}

#[test]
fn yaml_list_is_read_and_yml_is_not() {
    // samconfig.yaml says public (a YAML list); samconfig.yml, read only without the .yaml,
    // says private.
    check("yaml", None, &[], &[PUBLIC]);
}

#[test]
fn toml_is_read_before_yaml() {
    // samconfig.toml says private, samconfig.yaml public: SAM CLI reads the TOML file.
    check("toml-over-yaml", None, &[], &[]);
}

#[test]
fn malformed_samconfig_is_located_and_other_templates_are_linted() {
    // app/samconfig.toml has an unterminated string on line 4; other/ is linted as usual, and
    // app/'s template is linted with no values (unknown placement: silent).
    check(
        "malformed",
        None,
        &[],
        &[
            "LVL900 app/samconfig.toml:4",
            "LVL001 other/template.yaml:92",
        ],
    );
}

#[test]
fn samconfig_values_outside_allowed_values_are_reported_there() {
    check("noecho", None, &[], &["LVL901 samconfig.toml:3"]);
}

#[test]
fn no_echo_values_from_samconfig_are_masked() {
    let secret = "hunter2-very-secret";
    let (report, sources) = run("noecho", None, &[]);
    for format in [Format::Text, Format::Json, Format::Sarif] {
        let out = common::render_to_string(&report, &sources, format);
        assert!(
            !out.contains(secret),
            "{format:?} output shows the NoEcho value:\n{out}"
        );
    }
    // The text output shows the samconfig line, with the secret masked in place.
    let text = common::render_to_string(&report, &sources, Format::Text);
    assert!(
        text.contains(&format!("DbPassword={}", "*".repeat(secret.len()))),
        "{text}"
    );
}

#[test]
fn cli_flag_picks_the_environment() {
    let dir: &Path = &cases().join("toml");
    let lint = |extra: &[&str]| {
        let mut cmd = Command::cargo_bin("lambda-vpc-lint").unwrap();
        cmd.current_dir(dir)
            .args(["--rule", "LVL001", "--color", "never", "--no-config"])
            .args(extra)
            .arg(".");
        let out = cmd.output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(lint(&[]).contains("LVL001"), "{}", lint(&[]));
    let prod = lint(&["--sam-config-env", "prod"]);
    assert!(prod.contains("no problems found"), "{prod}");
}
