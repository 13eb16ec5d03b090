//! Terraform written with the terraform-aws-modules (vpc, vpc-endpoints, lambda,
//! security-group) as their READMEs show, with `terraform init` done.
//!
//! Each case under `testdata/community-modules/<case>/` is a root module that calls the modules
//! by their registry sources; its `modules.txt` lists what `terraform init` would download
//! (`<module key> <directory under ../shared/corpus>`, a `//subdir` as in the source). The
//! modules' sources are never committed: this test copies them from the shared corpus into a
//! temporary `.terraform/modules/` beside a copy of the case, writes `modules.json` as Terraform
//! does, lints the result and compares every finding with `expect.txt` (`<ID> <file>:<line>`,
//! or `none`).
//!
//! It also lints the modules' own examples in `../shared/corpus/initialized/` in place, with the
//! findings expected there written down and explained below.
//!
//! Without the corpus (`$LVL_CORPUS`, else `../shared/corpus`) the test says so and skips; in CI
//! (`CI` set) a missing corpus fails it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

/// The corpus, or `None` after saying loudly that these checks did not run.
fn corpus() -> Option<PathBuf> {
    let found = common::corpus().filter(|c| c.join("initialized").is_dir());
    if found.is_none() {
        common::missing_input(
            "the shared corpus's initialized/ (community modules)",
            std::path::Path::new("../shared/corpus/initialized"),
        );
    }
    found
}

/// `<ID> <file>:<line>` for every finding, sorted, with paths relative to `base`.
fn findings(paths: &[PathBuf], base: &Path) -> Vec<String> {
    let (report, sources) = common::run(paths, base, 1);
    let mut out: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let f = sources.get(d.span.file);
            let p = f.position(d.span.start);
            format!("{} {}:{}", d.code, f.display, p.line)
        })
        .collect();
    out.sort();
    out
}

/// Copies the `.tf` files of `from` (recursively, leaving out the examples and any
/// `.terraform` of the module's own repository) into `to`.
fn copy_module(from: &Path, to: &Path) {
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = from.join(&rel);
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for e in entries.flatten() {
            let name = e.file_name();
            let p = e.path();
            if p.is_dir() {
                if name != ".terraform" && name != "examples" {
                    stack.push(rel.join(&name));
                }
            } else if name.to_string_lossy().ends_with(".tf") {
                fs::create_dir_all(to.join(&rel)).expect("mkdir");
                fs::copy(&p, to.join(&rel).join(&name)).expect("copy");
            }
        }
    }
}

/// A copy of the case with the modules of its `modules.txt` laid out as `terraform init`
/// leaves them.
fn assemble(case: &Path, corpus: &Path, into: &Path) {
    for e in fs::read_dir(case).expect("case").flatten() {
        let name = e.file_name();
        if name.to_string_lossy().ends_with(".tf") {
            fs::copy(e.path(), into.join(&name)).expect("copy");
        }
    }
    let list = fs::read_to_string(case.join("modules.txt")).expect("modules.txt");
    let mut manifest = vec![r#"{"Key":"","Source":"","Dir":"."}"#.to_string()];
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let (key, rest) = line.split_once(' ').expect("`<key> <corpus dir>`");
        let (dir, sub) = match rest.trim().split_once("//") {
            Some((d, s)) => (d, Some(s)),
            None => (rest.trim(), None),
        };
        let from = corpus.join(dir);
        assert!(
            from.is_dir(),
            "{}: no such module directory",
            from.display()
        );
        let to = into.join(".terraform/modules").join(key);
        copy_module(&from, &to);
        let rel = match sub {
            Some(s) => format!(".terraform/modules/{key}/{s}"),
            None => format!(".terraform/modules/{key}"),
        };
        manifest.push(format!(
            r#"{{"Key":"{key}","Source":"registry.terraform.io/terraform-aws-modules/x/aws","Dir":"{rel}"}}"#
        ));
    }
    fs::write(
        into.join(".terraform/modules/modules.json"),
        format!("{{\"Modules\":[{}]}}", manifest.join(",")),
    )
    .expect("modules.json");
}

fn expected(case: &Path) -> Vec<String> {
    let text = fs::read_to_string(case.join("expect.txt")).expect("expect.txt");
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != "none")
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

#[test]
fn root_modules_written_with_the_community_modules() {
    let Some(corpus) = corpus() else { return };
    let root = common::repo().join("testdata/community-modules");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("testdata/community-modules")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "the community-module cases are missing");
    // `LVL_CASE=<name>` runs one case (while working on it).
    if let Ok(only) = std::env::var("LVL_CASE") {
        cases.retain(|c| c.ends_with(&only));
    }
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join(&name);
        fs::create_dir_all(&dir).expect("mkdir");
        assemble(case, &corpus, &dir);
        let got = findings(std::slice::from_ref(&dir), &dir);
        let want = expected(case);
        if got != want {
            failures.push(format!(
                "{name}:\n  expected {want:#?}\n  got      {got:#?}"
            ));
        }
        // A correct stack must be silent: its expectations say `none`.
        if name.starts_with("good-") {
            assert!(want.is_empty(), "{name}: a good case expects no finding");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The terraform-aws-lambda examples with a VPC, as `terraform init` leaves them.
#[test]
fn the_modules_own_examples() {
    let Some(corpus) = corpus() else { return };
    let base = corpus.join("initialized");
    let run = |dir: &str| findings(&[base.join(dir)], &base);

    // lambda v8.8.1 with vpc v6.6.0, security-group v4.17.2.
    let v8 = [
        // examples/with-vpc: `attach_network_policy = true` copies AWSLambdaENIManagementAccess
        // (read through `data "aws_iam_policy"`), which lacks ec2:DescribeSubnets.
        "LVL101 lambda-v8.8.1/main.tf:48",
        // examples/with-efs: the same policy.
        "LVL101 lambda-v8.8.1/main.tf:48",
        // examples/with-vpc-s3-endpoint: the same policy.
        "LVL101 lambda-v8.8.1/main.tf:48",
        // No example denies the function's code the ENI actions its role is granted.
        "LVL104 lambda-v8.8.1/main.tf:48",
        "LVL104 lambda-v8.8.1/main.tf:48",
        "LVL104 lambda-v8.8.1/main.tf:48",
        // examples/with-vpc and with-efs give the function the VPC's default security group,
        // which the vpc module manages with no rules (`default_security_group_egress = []`):
        // no outbound traffic at all. (with-vpc-s3-endpoint uses its own group: 443 to the S3
        // prefix list.)
        "LVL010 lambda-v8.8.1/main.tf:114",
        "LVL010 lambda-v8.8.1/main.tf:114",
        // examples/with-efs: one intra subnet (`azs = ["eu-west-1a"]`).
        "LVL006 lambda-v8.8.1/main.tf:115",
    ];
    let mut want: Vec<String> = v8.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(run("lambda-v8.8.1"), want, "lambda-v8.8.1");

    // lambda v7.21.1 with vpc v5.21.0: examples/with-vpc, the same three mistakes.
    let mut want: Vec<String> = [
        "LVL101 lambda-v7.21.1/main.tf:29",
        "LVL104 lambda-v7.21.1/main.tf:29",
        "LVL010 lambda-v7.21.1/main.tf:95",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    want.sort();
    assert_eq!(run("lambda-v7.21.1"), want, "lambda-v7.21.1");
}
