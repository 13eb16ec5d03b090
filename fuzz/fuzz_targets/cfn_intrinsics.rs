//! Fuzz target: CloudFormation intrinsic functions. The bytes build (see `gen.rs`) nested
//! `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::GetAZs`, `Fn::If`, `Fn::FindInMap`,
//! `Fn::Base64`, `Fn::Cidr`, `Fn::GetAtt`, `Ref` and unknown intrinsics over adversarial leaves,
//! placed where the linter evaluates them: a VPC function's subnets, security groups and role,
//! in a template with parameters (one a long default), a mapping and a condition. A panic, an
//! LVL903, or a run over libFuzzer's memory or time limit is a crash.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

mod common;
mod gen;

fn template(u: &mut Unstructured) -> arbitrary::Result<String> {
    let subnets = gen::intrinsic(u, 5)?;
    let group = gen::intrinsic(u, 5)?;
    let role = gen::intrinsic(u, 4)?;
    let mapped = gen::intrinsic(u, 2)?;
    let condition = gen::intrinsic(u, 3)?;
    let default = gen::json_string(&gen::string(u)?.repeat(u.int_in_range(1..=64)?));
    Ok(format!(
        r#"{{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {{
    "P": {{"Type": "String", "Default": {default}}},
    "Q": {{"Type": "AWS::EC2::Subnet::Id"}},
    "L": {{"Type": "CommaDelimitedList", "Default": "subnet-1,subnet-2"}}
  }},
  "Mappings": {{"M": {{"eu-west-1": {{"k": {mapped}}}, "x": {{"y": ["a", "b"]}}}}}},
  "Conditions": {{"C": {{"Fn::Equals": [{condition}, "x"]}}}},
  "Resources": {{
    "Sg": {{"Type": "AWS::EC2::SecurityGroup", "Properties": {{"GroupDescription": "g", "VpcId": "vpc-1"}}}},
    "Subnet": {{"Type": "AWS::EC2::Subnet", "Properties": {{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}}}},
    "Fn": {{
      "Type": "AWS::Lambda::Function",
      "Properties": {{
        "Role": {role},
        "Handler": "index.handler",
        "Runtime": "python3.12",
        "Code": {{"ZipFile": "x"}},
        "VpcConfig": {{"SubnetIds": {subnets}, "SecurityGroupIds": [{group}]}}
      }}
    }}
  }}
}}
"#
    ))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(text) = template(&mut u) {
        common::lint("template.json", &text);
    }
});
