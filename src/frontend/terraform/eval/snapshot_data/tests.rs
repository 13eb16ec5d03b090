//! Each data source against a small hand-written snapshot: what it selects, what it returns,
//! and every way it stays unknown.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::frontend::snapshot::{build, Snapshot};
use crate::frontend::terraform::eval::ec2_filter::wildcard;
use crate::frontend::terraform::eval::{Evaluator, Scope, Val, HOLE};
use crate::frontend::terraform::modules::Node;
use crate::frontend::terraform::parse::{Decls, ParsedFile};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax::Limits;

/// Indexes in-memory snapshot files (name, JSON), in order; no diagnostics expected.
pub fn snapshot(files: &[(&str, &str)]) -> Snapshot {
    let mut sources = SourceMap::default();
    let ids: Vec<FileId> = files
        .iter()
        .map(|(name, text)| {
            sources.add(SourceFile::new(
                PathBuf::from(name),
                name.to_string(),
                text.to_string(),
            ))
        })
        .collect();
    let mut diags = Vec::new();
    let snap = build(&sources, &ids, &Limits::default(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    snap
}

/// Evaluates `expr` in a root module made of `module`, with `snap` as the AWS snapshot (none
/// when `None`), and renders it as the function tests do.
pub fn eval_with(module: &str, snap: Option<&Snapshot>, expr: &str) -> String {
    let file = FileId(0);
    let body = hcl_edit::parser::parse_body(module).expect("test module parses");
    let files = [ParsedFile { file, body }];
    let decls = [Decls::collect(&files)];
    let nodes = [Node {
        dir: 0,
        calls: HashMap::new(),
    }];
    let root_vars = HashMap::new();
    let empty = Decls::default();
    let mut ev = Evaluator::new(&decls, &nodes, &root_vars, &empty);
    ev.snapshot = snap;
    let e: hcl_edit::expr::Expression = expr.parse().expect("test expression parses");
    show(&ev.eval(&e, &Scope::new(file)))
}

/// Renders a value: strings quoted, lists `[a, b]`, maps `{k = v}`, `unknown(reason)`.
fn show(v: &Val) -> String {
    match v {
        Val::Null => "null".into(),
        Val::Bool(_) | Val::Num(_) => v.as_str().unwrap_or_default(),
        Val::Str(s) => format!("{s:?}"),
        Val::Partial { text, .. } => format!("partial({:?})", text.replace(HOLE, "*")),
        Val::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| show(&i.val)).collect();
            format!("[{}]", parts.join(", "))
        }
        Val::Map(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, i)| format!("{k} = {}", show(&i.val)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Val::Json(inner) => format!("json({})", show(inner)),
        Val::Unknown(r) => format!("unknown({})", r.0),
        other => format!("{other:?}"),
    }
}

pub const VPCS: &str = r#"{"Vpcs": [
    {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": false, "State": "available",
     "DhcpOptionsId": "dopt-1", "InstanceTenancy": "default", "OwnerId": "111122223333",
     "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-1", "CidrBlock": "10.0.0.0/16",
                                  "CidrBlockState": {"State": "associated"}}],
     "Tags": [{"Key": "Name", "Value": "main"}]},
    {"VpcId": "vpc-d", "CidrBlock": "172.31.0.0/16", "IsDefault": true, "State": "available",
     "OwnerId": "111122223333"}
]}"#;

pub const SUBNETS: &str = r#"{"Subnets": [
    {"SubnetId": "subnet-pub-a", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24",
     "AvailabilityZone": "eu-west-1a", "AvailabilityZoneId": "euw1-az1", "DefaultForAz": false,
     "MapPublicIpOnLaunch": true, "State": "available", "AvailableIpAddressCount": 251,
     "SubnetArn": "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-pub-a",
     "OwnerId": "111122223333",
     "Tags": [{"Key": "Name", "Value": "main-public-a"}, {"Key": "Tier", "Value": "public"}]},
    {"SubnetId": "subnet-prv-a", "VpcId": "vpc-1", "CidrBlock": "10.0.10.0/24",
     "AvailabilityZone": "eu-west-1a", "DefaultForAz": false, "MapPublicIpOnLaunch": false,
     "State": "available",
     "Tags": [{"Key": "Name", "Value": "main-private-a"}, {"Key": "Tier", "Value": "private"}]},
    {"SubnetId": "subnet-prv-b", "VpcId": "vpc-1", "CidrBlock": "10.0.11.0/24",
     "AvailabilityZone": "eu-west-1b", "DefaultForAz": false, "MapPublicIpOnLaunch": false,
     "State": "available",
     "Tags": [{"Key": "Name", "Value": "main-private-b"}, {"Key": "Tier", "Value": "private"}]},
    {"SubnetId": "subnet-def-a", "VpcId": "vpc-d", "CidrBlock": "172.31.0.0/20",
     "AvailabilityZone": "eu-west-1a", "DefaultForAz": true, "MapPublicIpOnLaunch": true,
     "State": "available"}
]}"#;

pub const NETWORK: &str = r#"{
  "RouteTables": [
    {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "OwnerId": "111122223333",
     "Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-m", "RouteTableId": "rtb-main"}],
     "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable"}]},
    {"RouteTableId": "rtb-pub", "VpcId": "vpc-1",
     "Associations": [{"Main": false, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-pub", "SubnetId": "subnet-pub-a"}],
     "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute"},
                {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-s3", "Origin": "CreateRoute"}],
     "Tags": [{"Key": "Name", "Value": "public"}]}
  ],
  "VpcEndpoints": [
    {"VpcEndpointId": "vpce-s3", "VpcEndpointType": "Gateway", "VpcId": "vpc-1",
     "ServiceName": "com.amazonaws.eu-west-1.s3", "State": "available",
     "PolicyDocument": "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
     "RouteTableIds": ["rtb-pub"], "SubnetIds": [], "Groups": [], "PrivateDnsEnabled": false,
     "RequesterManaged": false}
  ],
  "PrefixLists": [
    {"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.eu-west-1.s3", "AddressFamily": "IPv4"}
  ],
  "SecurityGroups": [
    {"GroupId": "sg-lambda", "GroupName": "lambda", "Description": "functions", "VpcId": "vpc-1",
     "Tags": [{"Key": "app", "Value": "orders"}]},
    {"GroupId": "sg-db", "GroupName": "db", "Description": "database", "VpcId": "vpc-1",
     "Tags": [{"Key": "app", "Value": "orders"}]},
    {"GroupId": "sg-def", "GroupName": "default", "Description": "default VPC security group", "VpcId": "vpc-d"}
  ]
}"#;

pub const IAM: &str = r#"{
  "RoleDetailList": [
    {"RoleName": "orders-fn", "RoleId": "AROA1", "Path": "/service/",
     "Arn": "arn:aws:iam::111122223333:role/service/orders-fn",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": []}
  ],
  "Policies": [
    {"PolicyName": "orders-eni", "PolicyId": "ANPA1", "Path": "/",
     "Arn": "arn:aws:iam::111122223333:policy/orders-eni", "DefaultVersionId": "v2",
     "AttachmentCount": 1,
     "PolicyVersionList": [
       {"VersionId": "v2", "IsDefaultVersion": true,
        "Document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ec2%3ACreateNetworkInterface%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"},
       {"VersionId": "v1", "IsDefaultVersion": false,
        "Document": {"Version": "2012-10-17", "Statement": []}}]},
    {"PolicyName": "AWSLambdaVPCAccessExecutionRole", "PolicyId": "ANPA2",
     "Path": "/service-role/",
     "Arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
     "DefaultVersionId": "v9",
     "PolicyVersionList": [{"VersionId": "v9", "IsDefaultVersion": true,
        "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Action": ["ec2:CreateNetworkInterface"], "Resource": "*"}]}}]}
  ]
}"#;

pub const SSM: &str = r#"{"Parameters": [
    {"Name": "/network/private-subnets", "Type": "StringList",
     "Value": "subnet-prv-a,subnet-prv-b", "Version": 3,
     "ARN": "arn:aws:ssm:eu-west-1:111122223333:parameter/network/private-subnets"},
    {"Name": "/network/vpc-id", "Type": "String", "Value": "vpc-1", "Version": 1},
    {"Name": "/db/password", "Type": "SecureString", "Value": "hunter2-NEVER-SHOWN", "Version": 1}
]}"#;

fn full() -> Snapshot {
    snapshot(&[
        ("vpcs.json", VPCS),
        ("subnets.json", SUBNETS),
        ("network.json", NETWORK),
        ("iam.json", IAM),
        ("ssm.json", SSM),
    ])
}

/// Asserts that `expr` in `module` evaluates to `want` against the full snapshot; `*` in `want`
/// matches any text.
#[track_caller]
fn check(module: &str, expr: &str, want: &str) {
    let got = eval_with(module, Some(&full()), expr);
    assert!(
        wildcard(want, &got),
        "{expr}\n  got:  {got}\n  want: {want}"
    );
}

#[test]
fn without_a_snapshot_nothing_changes() {
    let m = r#"data "aws_subnets" "p" {
  tags = { Tier = "private" }
}"#;
    assert_eq!(
        eval_with(m, None, "data.aws_subnets.p.ids"),
        "unknown(data source `data.aws_subnets.p` (existing infrastructure))"
    );
    // An empty snapshot is no snapshot (`load_root` passes none).
    let empty = Snapshot::default();
    assert!(empty.is_empty());
}

#[test]
fn subnets_by_tag_filter_and_wildcard() {
    let m = r#"
data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = ["vpc-1"]
  }
  tags = { Tier = "private" }
}
data "aws_subnets" "named" {
  filter {
    name   = "tag:Name"
    values = ["main-p?blic-*", "nothing"]
  }
}
data "aws_subnets" "az" {
  filter {
    name   = "availability-zone"
    values = ["eu-west-1a"]
  }
  filter {
    name   = "tag-key"
    values = ["Tier"]
  }
}
"#;
    check(
        m,
        "data.aws_subnets.private.ids",
        r#"["subnet-prv-a", "subnet-prv-b"]"#,
    );
    check(m, "data.aws_subnets.named.ids", r#"["subnet-pub-a"]"#);
    check(
        m,
        "data.aws_subnets.az.ids",
        r#"["subnet-prv-a", "subnet-pub-a"]"#,
    );
}

#[test]
fn dynamic_filters_and_variables_expand() {
    let m = r#"
variable "filters" {
  default = { "vpc-id" = ["vpc-1"], "tag:Tier" = ["private"] }
}
data "aws_subnets" "d" {
  dynamic "filter" {
    for_each = var.filters
    content {
      name   = filter.key
      values = filter.value
    }
  }
}
variable "unset" {}
data "aws_subnets" "u" {
  dynamic "filter" {
    for_each = var.unset
    content {
      name   = filter.key
      values = filter.value
    }
  }
}
"#;
    check(
        m,
        "data.aws_subnets.d.ids",
        r#"["subnet-prv-a", "subnet-prv-b"]"#,
    );
    check(
        m,
        "data.aws_subnets.u.ids",
        "unknown(dynamic block `filter`: variable `unset` has no default)",
    );
}

#[test]
fn default_vpc_then_its_subnets() {
    // terraform-aws-modules' examples: the default VPC and its subnets.
    let m = r#"
data "aws_vpc" "default" {
  default = true
}
data "aws_subnets" "all" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}
data "aws_vpc" "main" {
  tags = { Name = "main" }
}
"#;
    check(m, "data.aws_vpc.default.id", r#""vpc-d""#);
    check(m, "data.aws_vpc.default.cidr_block", r#""172.31.0.0/16""#);
    check(m, "data.aws_subnets.all.ids", r#"["subnet-def-a"]"#);
    check(m, "data.aws_vpc.main.id", r#""vpc-1""#);
    check(m, "data.aws_vpc.main.main_route_table_id", r#""rtb-main""#);
    check(m, "data.aws_vpc.main.tags", r#"{Name = "main"}"#);
    check(
        m,
        "data.aws_vpc.main.cidr_block_associations[0].cidr_block",
        r#""10.0.0.0/16""#,
    );
    check(
        m,
        "data.aws_vpc.main.enable_dns_support",
        "unknown(the DNS support attribute of VPC `vpc-1` is not in the snapshot (*): add the output of \
         `aws ec2 describe-vpc-attribute --vpc-id vpc-1 --attribute enableDnsSupport`)",
    );
}

#[test]
fn vpc_dns_attributes_from_describe_vpc_attribute() {
    // One output per call, and a list of them (`jq -s`); what is not given stays unknown.
    let snap = snapshot(&[
        ("vpcs.json", VPCS),
        (
            "hostnames.json",
            r#"{"EnableDnsHostnames": {"Value": false}, "VpcId": "vpc-1"}"#,
        ),
        (
            "more.json",
            r#"[{"EnableDnsSupport": {"Value": true}, "VpcId": "vpc-1"},
                {"EnableNetworkAddressUsageMetrics": {"Value": true}, "VpcId": "vpc-1"}]"#,
        ),
    ]);
    let m = r#"data "aws_vpc" "main" {
  id = "vpc-1"
}
data "aws_vpc" "default" {
  default = true
}"#;
    let eval = |expr: &str| eval_with(m, Some(&snap), expr);
    assert_eq!(eval("data.aws_vpc.main.enable_dns_hostnames"), "false");
    assert_eq!(eval("data.aws_vpc.main.enable_dns_support"), "true");
    assert_eq!(
        eval("data.aws_vpc.main.enable_network_address_usage_metrics"),
        "true"
    );
    let other = eval("data.aws_vpc.default.enable_dns_hostnames");
    assert!(
        wildcard("unknown(*--attribute enableDnsHostnames`)", &other),
        "{other}"
    );
}

#[test]
fn singular_subnet_and_its_attributes() {
    let m = r#"
data "aws_subnet" "pub" {
  vpc_id            = "vpc-1"
  availability_zone = "eu-west-1a"
  tags              = { Tier = "public" }
}
data "aws_subnet" "several" {
  vpc_id = "vpc-1"
}
data "aws_subnet" "none" {
  id = "subnet-elsewhere"
}
data "aws_subnet" "by_default" {
  default_for_az    = true
  availability_zone = "eu-west-1a"
}
data "aws_subnet" "false_is_no_filter" {
  default_for_az = false
  cidr_block     = "10.0.11.0/24"
}
"#;
    check(m, "data.aws_subnet.pub.id", r#""subnet-pub-a""#);
    check(m, "data.aws_subnet.pub.vpc_id", r#""vpc-1""#);
    check(m, "data.aws_subnet.pub.cidr_block", r#""10.0.0.0/24""#);
    check(
        m,
        "data.aws_subnet.pub.availability_zone_id",
        r#""euw1-az1""#,
    );
    check(m, "data.aws_subnet.pub.map_public_ip_on_launch", "true");
    check(m, "data.aws_subnet.pub.available_ip_address_count", "251");
    check(
        m,
        "data.aws_subnet.pub.arn",
        r#""arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-pub-a""#,
    );
    check(
        m,
        "data.aws_subnet.several.id",
        "unknown(`data.aws_subnet.several`: 3 subnets in the AWS snapshot match (subnet-prv-a, subnet-prv-b, subnet-pub-a); AWS fails*)",
    );
    check(
        m,
        "data.aws_subnet.none.id",
        "unknown(`data.aws_subnet.none`: no subnet in the AWS snapshot matches (the snapshot may be of another account or region))",
    );
    check(m, "data.aws_subnet.by_default.id", r#""subnet-def-a""#);
    check(
        m,
        "data.aws_subnet.false_is_no_filter.id",
        r#""subnet-prv-b""#,
    );
}

#[test]
fn unknown_arguments_filters_and_values_stay_unknown() {
    let m = r#"
resource "aws_vpc" "new" {
  cidr_block = "10.9.0.0/16"
}
variable "unset" {}
data "aws_subnets" "after_apply" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.new.id]
  }
}
data "aws_subnets" "odd_filter" {
  filter {
    name   = "ipv6-native"
    values = ["true"]
  }
}
data "aws_subnet" "odd_argument" {
  ipv6_native = true
}
data "aws_subnet" "unset" {
  id = var.unset
}
data "aws_subnets" "no_values" {
  filter {
    name   = "vpc-id"
    values = []
  }
}
data "aws_subnets" "other_region" {
  provider = aws.us
  tags     = { Tier = "private" }
}
data "aws_subnets" "nothing" {
  tags = { Tier = "isolated" }
}
"#;
    check(
        m,
        "data.aws_subnets.after_apply.ids",
        "unknown(`aws_vpc.new.id` is known only after apply)",
    );
    check(
        m,
        "data.aws_subnets.odd_filter.ids",
        "unknown(`data.aws_subnets.odd_filter`: filter `ipv6-native` is not one this linter evaluates on `describe-subnets` output)",
    );
    check(
        m,
        "data.aws_subnet.odd_argument.id",
        "unknown(*sets `ipv6_native`, which this linter does not match*)",
    );
    check(
        m,
        "data.aws_subnet.unset.id",
        "unknown(variable `unset` has no default)",
    );
    check(
        m,
        "data.aws_subnets.no_values.ids",
        "unknown(*filter `vpc-id` has no values*)",
    );
    check(
        m,
        "data.aws_subnets.other_region.ids",
        "unknown(*provider `aws.us`*)",
    );
    check(
        m,
        "data.aws_subnets.nothing.ids",
        "unknown(*no subnet in the AWS snapshot matches*)",
    );
}

#[test]
fn a_kind_absent_from_the_snapshot() {
    let m = r#"
data "aws_route_table" "r" {
  subnet_id = "subnet-pub-a"
}
data "aws_vpc" "v" {
  id = "vpc-1"
}
"#;
    let only_vpcs = snapshot(&[("vpcs.json", VPCS)]);
    assert_eq!(
        eval_with(m, Some(&only_vpcs), "data.aws_route_table.r.id"),
        "unknown(`data.aws_route_table.r`: the AWS snapshot has no `aws ec2 describe-route-tables` output (or it lists no route tables))"
    );
    assert_eq!(
        eval_with(m, Some(&only_vpcs), "data.aws_vpc.v.main_route_table_id"),
        "unknown(the main route table of VPC `vpc-1`: the AWS snapshot has no `aws ec2 describe-route-tables` output)"
    );
}

#[test]
fn route_tables_security_groups_and_endpoints() {
    let m = r#"
data "aws_route_table" "pub" {
  subnet_id = "subnet-pub-a"
}
data "aws_route_table" "main" {
  vpc_id = "vpc-1"
  filter {
    name   = "association.main"
    values = ["true"]
  }
}
data "aws_security_group" "lambda" {
  name   = "lambda"
  vpc_id = "vpc-1"
}
data "aws_security_groups" "app" {
  tags = { app = "orders" }
}
data "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.eu-west-1.s3"
}
"#;
    check(m, "data.aws_route_table.pub.id", r#""rtb-pub""#);
    check(m, "data.aws_route_table.pub.route_table_id", r#""rtb-pub""#);
    // The local route and the endpoint's prefix-list route are left out, as the provider does.
    check(m, "length(data.aws_route_table.pub.routes)", "1");
    check(
        m,
        "data.aws_route_table.pub.routes[0].gateway_id",
        r#""igw-1""#,
    );
    check(
        m,
        "data.aws_route_table.pub.associations[0].subnet_id",
        r#""subnet-pub-a""#,
    );
    check(m, "data.aws_route_table.main.id", r#""rtb-main""#);
    check(m, "data.aws_security_group.lambda.id", r#""sg-lambda""#);
    check(
        m,
        "data.aws_security_group.lambda.description",
        r#""functions""#,
    );
    check(
        m,
        "data.aws_security_groups.app.ids",
        r#"["sg-db", "sg-lambda"]"#,
    );
    check(
        m,
        "data.aws_security_groups.app.vpc_ids",
        r#"["vpc-1", "vpc-1"]"#,
    );
    check(m, "data.aws_vpc_endpoint.s3.id", r#""vpce-s3""#);
    check(
        m,
        "data.aws_vpc_endpoint.s3.route_table_ids",
        r#"["rtb-pub"]"#,
    );
    check(m, "data.aws_vpc_endpoint.s3.prefix_list_id", r#""pl-s3""#);
    check(
        m,
        "data.aws_vpc_endpoint.s3.policy",
        r#"json({Statement = [{Action = "*", Effect = "Allow", Principal = "*", Resource = "*"}], Version = "2008-10-17"})"#,
    );
}

#[test]
fn iam_roles_and_policies() {
    let m = r#"
data "aws_iam_role" "fn" {
  name = "orders-fn"
}
data "aws_iam_role" "gone" {
  name = "other"
}
data "aws_iam_policy" "eni" {
  name = "orders-eni"
}
data "aws_iam_policy" "by_arn" {
  arn = "arn:aws:iam::111122223333:policy/orders-eni"
}
data "aws_iam_policy" "foreign" {
  arn = "arn:aws:iam::999999999999:policy/x"
}
data "aws_iam_policy" "managed" {
  arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}
data "aws_iam_policy" "bundled" {
  arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}
"#;
    check(
        m,
        "data.aws_iam_role.fn.arn",
        r#""arn:aws:iam::111122223333:role/service/orders-fn""#,
    );
    check(m, "data.aws_iam_role.fn.id", r#""orders-fn""#);
    check(m, "data.aws_iam_role.fn.path", r#""/service/""#);
    // A JSON string in Terraform, kept as structure for the lowering.
    check(
        m,
        "data.aws_iam_role.fn.assume_role_policy",
        "json({Statement = [{Action = \"sts:AssumeRole\", *Service = \"lambda.amazonaws.com\"}*",
    );
    check(
        m,
        "data.aws_iam_role.gone.arn",
        "unknown(*no role named `other` in the AWS snapshot*)",
    );
    // The default version, URL-decoded.
    check(
        m,
        "data.aws_iam_policy.eni.policy",
        r#"json({Statement = [{Action = "ec2:CreateNetworkInterface", Effect = "Allow", Resource = "*"}], Version = "2012-10-17"})"#,
    );
    check(
        m,
        "data.aws_iam_policy.eni.arn",
        r#""arn:aws:iam::111122223333:policy/orders-eni""#,
    );
    check(m, "data.aws_iam_policy.by_arn.policy_id", r#""ANPA1""#);
    check(
        m,
        "data.aws_iam_policy.foreign.policy",
        "unknown(*customer managed policy*not in the AWS snapshot*)",
    );
    // The snapshot's copy of an AWS managed policy wins over the bundled one.
    check(
        m,
        "data.aws_iam_policy.managed.policy",
        r#"json({Statement = [{Action = ["ec2:CreateNetworkInterface"], Effect = "Allow", Resource = "*"}], Version = "2012-10-17"})"#,
    );
    // One the snapshot lacks comes from the bundled data, as without a snapshot.
    let bundled = eval_with(m, None, "data.aws_iam_policy.bundled.policy");
    assert!(bundled.starts_with("json("), "{bundled}");
    check(m, "data.aws_iam_policy.bundled.policy", &bundled);
}

#[test]
fn ssm_parameters_never_show_secure_strings() {
    let m = r#"
data "aws_ssm_parameter" "subnets" {
  name = "/network/private-subnets"
}
data "aws_ssm_parameter" "vpc" {
  name = "arn:aws:ssm:eu-west-1:111122223333:parameter/network/vpc-id"
}
data "aws_ssm_parameter" "secret" {
  name = "/db/password"
}
data "aws_ssm_parameter" "missing" {
  name = "/network/elsewhere"
}
"#;
    check(
        m,
        "data.aws_ssm_parameter.subnets.value",
        r#""subnet-prv-a,subnet-prv-b""#,
    );
    check(
        m,
        "split(\",\", nonsensitive(data.aws_ssm_parameter.subnets.value))",
        r#"["subnet-prv-a", "subnet-prv-b"]"#,
    );
    check(m, "data.aws_ssm_parameter.subnets.type", r#""StringList""#);
    check(m, "data.aws_ssm_parameter.vpc.insecure_value", r#""vpc-1""#);
    let secret = eval_with(m, Some(&full()), "data.aws_ssm_parameter.secret.value");
    assert_eq!(
        secret,
        "unknown(SSM parameter `/db/password` is a SecureString: its value is never read)"
    );
    let all = eval_with(m, Some(&full()), "data.aws_ssm_parameter.secret");
    assert!(!all.contains("hunter2"), "{all}");
    check(
        m,
        "data.aws_ssm_parameter.missing.value",
        "unknown(*`/network/elsewhere` is not in the AWS snapshot*)",
    );
}

#[test]
fn counted_data_sources_are_evaluated_per_instance() {
    let m = r#"
data "aws_subnet" "each" {
  for_each = toset(["eu-west-1a", "eu-west-1b"])
  availability_zone = each.key
  tags              = { Tier = "private" }
}
"#;
    check(
        m,
        "[for s in data.aws_subnet.each : s.id]",
        r#"["subnet-prv-a", "subnet-prv-b"]"#,
    );
}

#[test]
fn a_provider_in_another_region_than_the_snapshot_reads_nothing() {
    let m = r#"
provider "aws" {
  region = "us-east-1"
}
data "aws_subnets" "p" {
  tags = { Tier = "private" }
}
data "aws_iam_role" "fn" {
  name = "orders-fn"
}
"#;
    check(
        m,
        "data.aws_subnets.p.ids",
        "unknown(`data.aws_subnets.p`: the provider's region is `us-east-1`, the AWS snapshot's is `eu-west-1`)",
    );
    // IAM is global.
    check(m, "data.aws_iam_role.fn.id", r#""orders-fn""#);
    let same = m.replace("us-east-1", "eu-west-1");
    check(
        &same,
        "data.aws_subnets.p.ids",
        r#"["subnet-prv-a", "subnet-prv-b"]"#,
    );
}
