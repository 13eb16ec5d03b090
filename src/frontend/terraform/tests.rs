//! Edge cases of evaluation and lowering that fixtures would hide: depth caps, cycles, odd
//! inputs. Fixture-based snapshots live in `tests/frontend_terraform.rs`.

use std::path::PathBuf;

use super::load;
use crate::model::{dump::dump, Model};
use crate::source::{SourceFile, SourceMap};

fn model(text: &str) -> (Model, String) {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(
        PathBuf::from("main.tf"),
        "main.tf".into(),
        text.into(),
    ));
    let loaded = load("t", &[id], &sources);
    let d = dump(&loaded.model, &sources);
    (loaded.model, d)
}

#[test]
fn long_chain_of_locals_is_cut_not_overflowed() {
    let mut text = String::from("locals {\n  l0 = \"10.0.0.0/16\"\n");
    for i in 1..3000 {
        text.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    text.push_str("}\nresource \"aws_vpc\" \"v\" {\n  cidr_block = local.l2999\n}\n");
    let (m, d) = model(&text);
    assert_eq!(m.vpcs.len(), 1);
    assert!(
        d.contains("cidr: unknown(expression nested too deeply to evaluate)"),
        "{d}"
    );
    // A short chain resolves.
    let (_, d) = model("locals {\n a = \"10.0.0.0/16\"\n b = local.a\n}\nresource \"aws_vpc\" \"v\" {\n cidr_block = local.b\n}\n");
    assert!(d.contains("cidr: 10.0.0.0/16"), "{d}");
}

#[test]
fn self_referencing_count_is_unknown() {
    let (m, d) = model(
        "resource \"aws_subnet\" \"a\" {\n  count = length(aws_subnet.a)\n  cidr_block = \"10.0.0.0/24\"\n}\n\
         resource \"aws_route_table_association\" \"x\" {\n  subnet_id = aws_subnet.a[0].id\n  route_table_id = \"rtb-1\"\n}\n",
    );
    assert_eq!(m.subnets.len(), 1, "{d}");
    assert!(d.contains("subnet aws_subnet.a @"), "{d}");
    // The reference to an instance of an uncounted resource is the one modelled entity.
    assert!(
        d.contains("association aws_subnet.a -> unknown(literal id `rtb-1`"),
        "{d}"
    );
}

#[test]
fn for_expressions_conditionals_and_functions() {
    let (_, d) = model(
        r#"
variable "nets" {
  default = { b = "10.0.2.0/24", a = "10.0.1.0/24" }
}
locals {
  by_az   = { for k, v in var.nets : "az-${k}" => v if k != "c" }
  grouped = { for k, v in var.nets : "all" => v... }
  first   = local.grouped["all"][0]
  merged  = merge({ x = 1 }, { y = 2 })
  joined  = join(",", concat(["a"], ["b", "c"]))
  parts   = split(",", local.joined)
  picked  = lookup(local.by_az, "az-b", "none")
}
resource "aws_subnet" "s" {
  cidr_block        = local.picked
  availability_zone = "${local.parts[2]}-${length(local.merged)}-${upper(local.first)}"
}
resource "aws_subnet" "t" {
  cidr_block        = try(var.missing, "10.0.9.0/24")
  availability_zone = coalesce("", null, "zone")
}
"#,
    );
    assert!(d.contains("cidr: 10.0.2.0/24"), "{d}");
    assert!(d.contains("az: c-2-10.0.1.0/24"), "{d}");
    assert!(d.contains("cidr: 10.0.9.0/24"), "{d}");
    assert!(d.contains("az: zone"), "{d}");
}

#[test]
fn merged_policy_documents() {
    let (_, d) = model(
        r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "over" {
  statement {
    sid       = "A"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "all" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  statement {
    actions = ["sqs:SendMessage"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.all.json
}
"#,
    );
    assert!(d.contains("action: [s3:PutObject"), "{d}");
    assert!(!d.contains("s3:GetObject"), "{d}");
    assert!(d.contains("action: [sqs:SendMessage"), "{d}");
    assert!(d.contains("resource: absent"), "{d}");
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "resource \"aws_subnet\" \"a\" {\n count = -1\n}\n",
        "resource \"aws_subnet\" \"a\" {\n count = 1e12\n}\n",
        "resource \"aws_subnet\" \"a\" {\n for_each = 3\n}\n",
        "resource \"aws_vpc\" \"a\" {\n cidr_block = cidrsubnet(\"10.0.0.0/8\", 40, 1)\n}\n",
        "resource \"aws_vpc\" \"a\" {\n cidr_block = element([], 0)\n}\n",
        "resource \"aws_vpc\" \"a\" {\n cidr_block = [1, 2][5]\n}\n",
        "resource \"aws_vpc\" \"a\" {\n cidr_block = 1 / 0\n}\n",
        "resource \"aws_iam_policy\" \"a\" {\n policy = jsonencode([1])\n}\n",
        "resource \"aws_route\" \"a\" {}\n",
        "resource \"aws_lambda_function\" \"f\" {\n vpc_config {}\n}\n",
        "locals {\n a = [for x in local.a : x]\n}\nresource \"aws_vpc\" \"a\" {\n cidr_block = local.a[0]\n}\n",
    ] {
        let _ = model(text);
    }
}
