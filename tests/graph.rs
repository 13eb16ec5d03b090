//! `graph`: the diagrams of the bundled examples, in both syntaxes, and label escaping.

mod common;

use assert_cmd::Command;

fn graph(args: &[&str]) -> String {
    let out = Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(common::repo())
        .arg("graph")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn mermaid_of_the_terraform_example() {
    let text = graph(&["examples/terraform"]);
    // Broken edges are dashed, labelled with the rule, and coloured.
    assert!(text.contains("-. \"LVL002: no path\" .->"), "{text}");
    assert!(text.contains("linkStyle"));
    insta::assert_snapshot!("mermaid_terraform", text);
}

#[test]
fn dot_of_the_cloudformation_example() {
    let text = graph(&["--format", "dot", "examples/cloudformation"]);
    assert!(text.starts_with("digraph lambda_vpc_lint {"));
    assert!(text.contains("style=dashed, color=red"));
    insta::assert_snapshot!("dot_cloudformation", text);
}

#[test]
fn function_filter_and_hostile_labels() {
    let text = graph(&["--function", "webhook", "examples/terraform"]);
    assert!(
        text.contains("aws_lambda_function.webhook")
            && !text.contains("aws_lambda_function.orders")
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_lambda_function\" \"x\" {\n  role = \"arn\"\n  vpc_config {\n    subnet_ids = [\"subnet-1\"]\n    security_group_ids = [\"sg-1\"]\n  }\n}\nresource \"aws_subnet\" \"q\\\"uote\" {\n  vpc_id = \"v\"\n  cidr_block = \"10.0.0.0/24\"\n}\n",
    )
    .unwrap();
    let text = graph(&[dir.path().to_str().unwrap()]);
    assert!(
        !text.lines().any(|l| l.matches('"').count() % 2 == 1),
        "unbalanced quotes: {text}"
    );
}

/// The orders example in a temporary directory (to add suppressions and baselines to it).
fn orders_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let src = common::repo().join("examples/terraform/orders");
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let dir = tmp.path().to_path_buf();
    (tmp, dir)
}

#[test]
fn suppressed_and_baselined_findings_are_not_drawn() {
    let (_tmp, dir) = orders_copy();
    let path = dir.to_str().unwrap();
    let before = graph(&["--function", "orders", path]);
    assert!(before.contains("LVL002: no path"), "{before}");
    let functions = dir.join("functions.tf");
    let text = std::fs::read_to_string(&functions).unwrap();
    let suppressed = text.replacen(
        "    subnet_ids         = [aws_subnet.isolated_a.id, aws_subnet.isolated_b.id]",
        "    # lambda-vpc-lint:ignore LVL002 reviewed: reached through a proxy\n    subnet_ids         = [aws_subnet.isolated_a.id, aws_subnet.isolated_b.id]",
        1,
    );
    assert_ne!(suppressed, text);
    std::fs::write(&functions, &suppressed).unwrap();
    let after = graph(&["--function", "orders", path]);
    assert!(!after.contains("LVL002"), "{after}");
    assert!(
        after.contains("LVL104"),
        "other findings are still drawn: {after}"
    );

    // A baseline accepts the rest.
    let baseline = dir.join("baseline.json");
    Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .args(["--write-baseline", baseline.to_str().unwrap(), path])
        .assert()
        .code(0);
    let accepted = graph(&["--baseline", baseline.to_str().unwrap(), path]);
    assert!(!accepted.contains("\"LVL"), "{accepted}");
    assert!(
        accepted.contains("aws_lambda_function.orders"),
        "{accepted}"
    );
}

#[test]
fn a_function_filter_that_matches_nothing_suggests_names() {
    let out = Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(common::repo())
        .args(["graph", "--function", "webhok", "examples/terraform"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--function `webhok` matches no VPC function")
            && err.contains("did you mean `aws_lambda_function.webhook`?"),
        "{err}"
    );
}
