//! Evaluation budgets under a memory ceiling. Each class of value amplification in Terraform
//! (functions that multiply a string, `for` expressions copying a large value, template `for`
//! directives, nested collections, copies through locals, loops that produce little) is one
//! module beside the hostile canary: every run must end normally under an address-space limit
//! (`prlimit --as`; an allocation failure would abort with exit 134 and no report), with the
//! value unknown at the expression that exhausted the module's budget (`--strict`'s LVL906),
//! and every other module's findings still in the report. Inputs are generated: a few lines of
//! HCL each. See SECURITY.md for the budgets and the measured ceiling.

mod common;
mod hostile_gen;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use hostile_gen as gen;

const CANARY: &str = "LVL001 canary/main.tf:46:27";

/// The address-space ceiling the runs must stay under: 512 MiB (the debug binary's own mappings
/// and its threads' stacks included): see SECURITY.md.
const CEILING: &str = "--as=536870912";

/// A function whose one subnet is `local.v`: the value's reason shows in LVL906 at the entry.
const LAMBDA: &str = r#"
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "f.zip"
  vpc_config {
    subnet_ids         = local.v
    security_group_ids = ["sg-1"]
  }
}
"#;

/// A 100 kB string built from a few bytes of source.
const BIG: &str = r#"join("", [for i in range(1000): "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])"#;

/// One module per class: (directory, `locals` body, where the budget runs out).
fn classes() -> Vec<(&'static str, String, &'static str)> {
    let mut copies = String::new();
    for i in 0..400 {
        copies.push_str(&format!("  c{i} = [local.m, local.m, local.m, local.m]\n"));
    }
    copies.push_str("  v = [");
    for i in 0..400 {
        copies.push_str(&format!("local.c{i}, "));
    }
    copies.push_str("]\n");
    vec![
        // The issue's case: 100 kB, each `x` replaced by the 100 kB string (10 GB).
        (
            "replace",
            format!("  s = {BIG}\n  v = [replace(local.s, \"x\", local.s)]\n"),
            "replace/main.tf:3:8",
        ),
        // Three nested joins over range(1000): the separator grows a thousandfold each time.
        (
            "joins",
            "  a = join(\",\", range(1000))\n  b = join(local.a, range(1000))\n  v = [join(local.b, range(1000))]\n".into(),
            "joins/main.tf:4:8",
        ),
        // `format` with a huge width, a thousand times.
        (
            "format",
            "  v = [for i in range(1000): format(\"%1000000s\", i)]\n".into(),
            "format/main.tf:2:30",
        ),
        // `formatlist` and `strrev` over copies of a 1 MB string.
        (
            "formatlist",
            format!("  s = replace({BIG}, \"x\", \"0123456789\")\n  v = flatten([for i in range(1000): formatlist(\"%s%s\", [strrev(local.s)], [local.s])])\n"),
            "formatlist/main.tf:3:58",
        ),
        // `concat` of a 10 MB list with itself six times: each argument is a copy, charged.
        (
            "concat",
            format!("  s = [for i in range(100): {BIG}]\n  v = concat(local.s, local.s, local.s, local.s, local.s, local.s)\n"),
            "concat/main.tf:3:14",
        ),
        // A `for` expression copying a 1 MB local a thousand times (1 GB).
        (
            "for-copies",
            format!("  s = replace({BIG}, \"x\", \"0123456789\")\n  v = [for i in range(1000): local.s]\n"),
            "for-copies/main.tf:3:30",
        ),
        // A template `for` directive repeating a 1 MB string.
        (
            "template-for",
            format!("  s = replace({BIG}, \"x\", \"0123456789\")\n  v = [\"%{{for i in range(1000)}}${{local.s}}%{{endfor}}\"]\n"),
            "template-for/main.tf:3:34",
        ),
        // Nested `for` expressions: a million elements, then `flatten` and `setproduct`.
        (
            "nested-for",
            "  a = [for i in range(1000): [for j in range(1000): \"${i}-${j}\"]]\n  v = flatten(local.a)\n".into(),
            "nested-for/main.tf:2:30",
        ),
        (
            "setproduct",
            "  r = [for i in range(1000): \"subnet-${i}\"]\n  v = [for p in setproduct(local.r, local.r, range(100)): p[0]]\n".into(),
            "setproduct/main.tf:3:17",
        ),
        // A few large strings copied into every tuple of a small product.
        (
            "setproduct-copies",
            format!("  s = [for i in range(20): {BIG}]\n  v = [for p in setproduct(local.s, range(200)): p[1]]\n"),
            "setproduct-copies/main.tf:3:17",
        ),
        // Locals copying a 200 kB map into each other (each copy stays under every per-value cap).
        (
            "local-copies",
            format!("  m = {{ for i in range(20): \"k${{i}}\" => {BIG} }}\n{copies}"),
            "local-copies/main.tf:6:36",
        ),
        // A billion steps that produce nothing: the step count ends it.
        (
            "steps",
            "  v = [for a in range(1000): length([for b in range(1000): [for c in range(1000): c if false]])]\n".into(),
            "steps/main.tf:2:70",
        ),
    ]
}

fn write_cases(root: &Path) {
    let canary = common::repo().join("testdata/hostile/canary/main.tf");
    gen::write(&root.join("canary/main.tf"), std::fs::read(canary).unwrap());
    for (dir, locals, _) in classes() {
        gen::write(
            &root.join(dir).join("main.tf"),
            format!("locals {{\n{locals}}}\n{LAMBDA}"),
        );
    }
}

fn prlimit_present() -> bool {
    Command::new("prlimit").arg("--version").output().is_ok()
}

/// Runs the binary on `root`, under the ceiling when `prlimit` is there; (exit code, diagnostics
/// as `CODE file:line:column` with their messages).
fn run(root: &Path, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let bin = assert_cmd::cargo::cargo_bin("lambda-vpc-lint");
    let mut cmd = if prlimit_present() {
        let mut c = Command::new("prlimit");
        c.arg(CEILING).arg(bin);
        c
    } else {
        eprintln!("NOTE: prlimit not found: the runs are not under a memory limit");
        Command::new(bin)
    };
    let out = cmd
        .args(["--format", "json", "--color", "never", "--strict"])
        .args(["--rule", "LVL001", "--rule", "LVL906"])
        .args(args)
        .current_dir(root)
        .env_remove("LVL_DEBUG_PANIC")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}\n{stderr}", out.status));
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): exit {code}"));
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                format!(
                    "{} {}:{}:{}",
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap(),
                    d["start"]["line"],
                    d["start"]["column"]
                ),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn terraform_value_amplification_is_budgeted_per_module() {
    let dir = tempfile::tempdir().unwrap();
    write_cases(dir.path());
    let (code, found) = run(dir.path(), &["."]);
    // The canary's LVL001 is a warning; the unknowns are notes.
    assert_eq!(code, 0);
    assert!(
        found.iter().any(|(f, _)| f == CANARY),
        "the canary was not linted: {found:?}"
    );
    let mut wrong = Vec::new();
    for (dir, _, at) in classes() {
        // The function's subnet list (`local.v`) is unknown, said where the budget ran out.
        let said = format!("evaluation budget exceeded at {at} ");
        let entry = found
            .iter()
            .find(|(f, m)| {
                f.starts_with(&format!("LVL906 {dir}/main.tf:")) && m.contains("placement")
            })
            .unwrap_or_else(|| panic!("{dir}: no placement note in {found:?}"));
        if !entry.1.contains(&said) {
            wrong.push(format!("{dir}: {said:?} not in {:?}", entry.1));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Peak resident memory of a run on every class at once, in KiB, with `jobs` threads; `None`
/// (said plainly) without `/usr/bin/time`.
fn max_rss_kib(root: &Path, jobs: &str) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("NOTE: /usr/bin/time is absent; peak memory not measured");
        return None;
    }
    let out = Command::new(time)
        .arg("-v")
        .arg(assert_cmd::cargo::cargo_bin("lambda-vpc-lint"))
        .args(["--format", "json", "--strict", "--jobs", jobs, "."])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stderr).lines().find_map(|l| {
        l.trim()
            .strip_prefix("Maximum resident set size (kbytes): ")
            .and_then(|v| v.trim().parse().ok())
    })
}

/// The peak stays near the budget per thread (64 MiB of values per module, one module per
/// thread at a time; the values of a unit are dropped when it is lowered). Printed for
/// SECURITY.md; the bound asserted is loose on purpose (allocator slack, debug build).
#[test]
fn peak_memory_is_bounded_by_the_budget_per_thread() {
    let dir = tempfile::tempdir().unwrap();
    write_cases(dir.path());
    for jobs in ["1", "2", "4"] {
        if let Some(kib) = max_rss_kib(dir.path(), jobs) {
            eprintln!("--jobs {jobs}: peak RSS {} MiB", kib / 1024);
            let threads: u64 = jobs.parse().unwrap();
            assert!(
                kib < (64 + threads * 4 * 64) * 1024,
                "--jobs {jobs}: {kib} KiB"
            );
        }
    }
}

/// One module at a time: each class alone is budgeted too (no class relies on another having
/// used the run's memory first), and the canary beside it is linted.
#[test]
fn each_class_alone_ends_with_a_located_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write_cases(dir.path());
    for (dir_name, _, at) in classes() {
        let (code, found) = run(dir.path(), &["canary", dir_name]);
        assert_eq!(code, 0, "{dir_name}");
        assert!(found.iter().any(|(f, _)| f == CANARY), "{dir_name}");
        assert!(
            found
                .iter()
                .any(|(_, m)| m.contains(&format!("evaluation budget exceeded at {at} "))),
            "{dir_name}: {found:?}"
        );
    }
}

/// CloudFormation: `Fn::Base64` nested thirty deep around a 100 kB parameter default grows a
/// third per level (550 MB unbounded); it is charged to the template's string budget with
/// `Fn::Sub` and `Fn::Join`, before encoding.
#[test]
fn nested_fn_base64_is_budgeted() {
    let dir = tempfile::tempdir().unwrap();
    write_cases(dir.path());
    let big = "x".repeat(100_000);
    let mut value = "{\"Ref\": \"P\"}".to_string();
    for _ in 0..30 {
        value = format!("{{\"Fn::Base64\": {value}}}");
    }
    gen::write(
        &dir.path().join("cf/t.json"),
        format!(
            r#"{{"AWSTemplateFormatVersion": "2010-09-09",
 "Parameters": {{"P": {{"Type": "String", "Default": "{big}"}}}},
 "Resources": {{"Fn": {{"Type": "AWS::Lambda::Function", "Properties": {{
   "Role": "arn:aws:iam::123456789012:role/r",
   "VpcConfig": {{"SubnetIds": [{value}, "subnet-2"], "SecurityGroupIds": ["sg-1"]}}}}}}}}}}
"#
        ),
    );
    let (code, found) = run(dir.path(), &["canary", "cf"]);
    assert_eq!(code, 0);
    assert!(found.iter().any(|(f, _)| f == CANARY), "{found:?}");
    let budget = "evaluation budget exceeded (32 MiB of strings built by Fn::Sub, Fn::Join and \
                  Fn::Base64 per template)";
    assert!(
        found
            .iter()
            .any(|(f, m)| f.starts_with("LVL906 cf/t.json:") && m.contains(budget)),
        "{found:?}"
    );
}
