//! Fuzz target: arbitrary UTF-8 text as one AWS account snapshot file (`--aws-snapshot`),
//! linked into a fixed Terraform module and a fixed CloudFormation template that reach every
//! kind of snapshot entity: subnets and security groups through data sources with wildcard
//! filters (so whatever the input declares is linked, whatever its ids), literal ids, a role by
//! name and by ARN, SSM parameters (Terraform data source, CloudFormation dynamic reference and
//! SSM-typed parameter). Every report format is rendered.
//!
//! The snapshot is read from a path, as the binary reads it: the input is written to a file in
//! a per-process directory under the system's temporary directory (tmpfs on most machines), and
//! the options naming it are built once.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use lambda_vpc_lint::engine::{lint_text, Options};
use libfuzzer_sys::fuzz_target;

mod common;

const TERRAFORM: &str = r#"
data "aws_vpc" "any" {
  filter {
    name   = "tag:Name"
    values = ["*"]
  }
}
data "aws_subnets" "any" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.any.id]
  }
}
data "aws_security_groups" "any" {
  filter {
    name   = "group-name"
    values = ["*"]
  }
}
data "aws_iam_role" "r" {
  name = "fuzz-role"
}
data "aws_ssm_parameter" "subnets" {
  name = "/network/private-subnets"
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = data.aws_iam_role.r.arn
  vpc_config {
    subnet_ids         = concat(data.aws_subnets.any.ids, split(",", data.aws_ssm_parameter.subnets.value), ["subnet-0a", "subnet-0b"])
    security_group_ids = concat(data.aws_security_groups.any.ids, ["sg-0a"])
  }
  environment {
    variables = { TABLE = "t" }
  }
}
resource "aws_lambda_function" "g" {
  function_name = "g"
  role          = "arn:aws:iam::123456789012:role/fuzz-role"
  vpc_config {
    subnet_ids         = ["subnet-0a"]
    security_group_ids = ["sg-0a"]
  }
}
"#;

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Subnets:
    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>
    Default: /network/private-subnets
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: f
      Role: arn:aws:iam::123456789012:role/fuzz-role
      Code: { ZipFile: "x" }
      Handler: index.handler
      Runtime: nodejs22.x
      VpcConfig:
        SubnetIds: !Ref Subnets
        SecurityGroupIds: ["{{resolve:ssm:/network/lambda-sg}}", sg-0a]
"#;

fn snapshot_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lvl-fuzz-snapshot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        dir.join("snapshot.json")
    })
}

fn options() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| Options {
        jobs: 1,
        strict: true,
        aws_snapshot: vec![snapshot_path().clone()],
        ..Options::default()
    })
}

fuzz_target!(|text: &str| {
    std::fs::write(snapshot_path(), text).expect("the snapshot file is writable");
    common::on_pool(|| {
        for (name, source) in [("main.tf", TERRAFORM), ("template.yaml", TEMPLATE)] {
            let (report, sources) = lint_text(name, source.to_string(), options());
            common::check_and_render(&report, &sources);
        }
    });
});
