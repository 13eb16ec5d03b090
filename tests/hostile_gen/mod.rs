//! Generators for hostile inputs too large (or too platform-specific) to commit: deep nesting,
//! huge templates, many resources, line-ending variants, symlink loops, FIFOs.

#![allow(dead_code)]

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

const CFN_HEADER: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";

pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

/// A template whose topic has `depth` nested YAML flow sequences: `[[[...]]]`.
pub fn deep_yaml_flow(depth: usize) -> String {
    format!(
        "{CFN_HEADER}  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// Block sequences nested on one line: `- - - - x`.
pub fn deep_yaml_block_seq(depth: usize) -> String {
    format!(
        "{CFN_HEADER}  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      X:\n        {}x\n",
        "- ".repeat(depth)
    )
}

/// Block mappings, one more level of indentation per line (quadratic in size: keep depth
/// in the thousands).
pub fn deep_yaml_block_map(depth: usize) -> String {
    let mut s = format!("{CFN_HEADER}  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n");
    for level in 0..depth {
        s.push_str(&" ".repeat(6 + level));
        s.push_str("k:\n");
    }
    s
}

pub fn deep_json(depth: usize) -> String {
    format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Topic\": {{\"Type\": \"AWS::SNS::Topic\", \"Properties\": {{\"X\": {}{}}}}}}}}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// `depth` nested HCL tuples in a local.
pub fn deep_hcl_expression(depth: usize) -> String {
    format!(
        "locals {{\n  x = {}{}\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// `depth` nested HCL blocks.
pub fn deep_hcl_blocks(depth: usize) -> String {
    "a {\n".repeat(depth) + &"}\n".repeat(depth)
}

/// A syntactically valid template of at least `bytes` bytes (a long description block),
/// streamed to disk.
pub fn huge_template(path: &Path, bytes: u64) {
    let file = fs::File::create(path).unwrap();
    let mut out = BufWriter::new(file);
    out.write_all(CFN_HEADER.as_bytes()).unwrap();
    out.write_all(b"  Topic:\n    Type: AWS::SNS::Topic\nMetadata:\n  Notes: |\n")
        .unwrap();
    let line = format!("    {}\n", "lorem ipsum ".repeat(8));
    let mut written = 0u64;
    while written < bytes {
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
    }
    out.flush().unwrap();
}

/// A template with a VPC, `n` subnets and one VPC function on the first and last of them.
pub fn many_resources_template(n: usize) -> String {
    let mut s = String::with_capacity(n * 120);
    s.push_str(CFN_HEADER);
    s.push_str("  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/8\n");
    for i in 0..n {
        s.push_str(&format!(
            "  Subnet{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.{}.{}.0/24\n",
            i / 256 % 256,
            i % 256
        ));
    }
    s.push_str(&format!(
        "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: python3.12\n      Role: arn:aws:iam::123456789012:role/fn\n      Code: {{ZipFile: x}}\n      VpcConfig:\n        SubnetIds: [!Ref Subnet0, !Ref Subnet{}]\n        SecurityGroupIds: []\n",
        n.saturating_sub(1)
    ));
    s
}

/// The same Terraform module with `n` subnets.
pub fn many_resources_terraform(n: usize) -> String {
    let mut s = String::with_capacity(n * 110);
    s.push_str("resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/8\"\n}\n");
    for i in 0..n {
        s.push_str(&format!(
            "resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id     = aws_vpc.main.id\n  cidr_block = \"10.{}.{}.0/24\"\n}}\n",
            i / 256 % 256,
            i % 256
        ));
    }
    s
}

/// A template with an anchor on line 6, column 10 (LVL901 there), for line-ending variants.
pub fn anchor_template(newline: &str) -> String {
    format!("{CFN_HEADER}  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      a: &x 1\n")
        .replace('\n', newline)
}

/// Creates a FIFO with mkfifo(1). Returns false (the caller skips) if that is not possible.
pub fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}
