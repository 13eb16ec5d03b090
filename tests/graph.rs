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
