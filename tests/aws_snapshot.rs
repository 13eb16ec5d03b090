//! The AWS account snapshot (`--aws-snapshot`): literal ids in Terraform and CloudFormation
//! resolve to entities lowered from unmodified AWS CLI JSON, in both ecosystems, with proof paths
//! into the snapshot files; ids the snapshot lacks stay unknown (coverage says so); bad snapshot
//! files are located input errors.
//!
//! The account here is hand-written in the shapes the AWS CLI prints (the moto-generated
//! scenarios are under `testdata/snapshots/`): one VPC with a public subnet (main table → internet
//! gateway), a private subnet in each of two zones (explicit table → a NAT gateway in zone a),
//! security groups, an IAM role with a customer-managed policy, and SSM parameters.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::Format;
use lambda_vpc_lint::source::SourceMap;

const VPCS: &str = r#"{
    "Vpcs": [
        {
            "CidrBlock": "10.0.0.0/16",
            "InstanceTenancy": "default",
            "IsDefault": false,
            "State": "available",
            "VpcId": "vpc-0a1"
        }
    ]
}
"#;

const SUBNETS: &str = r#"{
    "Subnets": [
        {
            "AvailabilityZone": "eu-west-1a",
            "CidrBlock": "10.0.0.0/24",
            "MapPublicIpOnLaunch": true,
            "SubnetId": "subnet-0public",
            "VpcId": "vpc-0a1",
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": [{"Key": "Name", "Value": "public-a"}]
        },
        {
            "AvailabilityZone": "eu-west-1a",
            "CidrBlock": "10.0.1.0/24",
            "MapPublicIpOnLaunch": false,
            "SubnetId": "subnet-0privatea",
            "VpcId": "vpc-0a1",
            "Ipv6CidrBlockAssociationSet": []
        },
        {
            "AvailabilityZone": "eu-west-1b",
            "CidrBlock": "10.0.2.0/24",
            "MapPublicIpOnLaunch": false,
            "SubnetId": "subnet-0privateb",
            "VpcId": "vpc-0a1",
            "Ipv6CidrBlockAssociationSet": []
        }
    ]
}
"#;

const ROUTE_TABLES: &str = r#"{
    "RouteTables": [
        {
            "Associations": [
                {"Main": true, "RouteTableAssociationId": "rtbassoc-0m", "RouteTableId": "rtb-0main"}
            ],
            "RouteTableId": "rtb-0main",
            "Routes": [
                {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0a1", "Origin": "CreateRoute", "State": "active"}
            ],
            "VpcId": "vpc-0a1"
        },
        {
            "Associations": [
                {"Main": false, "RouteTableAssociationId": "rtbassoc-0a", "RouteTableId": "rtb-0private", "SubnetId": "subnet-0privatea"},
                {"Main": false, "RouteTableAssociationId": "rtbassoc-0b", "RouteTableId": "rtb-0private", "SubnetId": "subnet-0privateb"}
            ],
            "RouteTableId": "rtb-0private",
            "Routes": [
                {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0a1", "Origin": "CreateRoute", "State": "active"}
            ],
            "VpcId": "vpc-0a1"
        }
    ]
}
"#;

const GATEWAYS: &str = r#"{
    "InternetGateways": [
        {"Attachments": [{"State": "available", "VpcId": "vpc-0a1"}], "InternetGatewayId": "igw-0a1"}
    ]
}
"#;

const NATS: &str = r#"{
    "NatGateways": [
        {
            "ConnectivityType": "public",
            "NatGatewayAddresses": [{"AllocationId": "eipalloc-0a1", "PublicIp": "203.0.113.10"}],
            "NatGatewayId": "nat-0a1",
            "State": "available",
            "SubnetId": "subnet-0public",
            "VpcId": "vpc-0a1"
        }
    ]
}
"#;

const ENDPOINTS: &str = r#"{
    "VpcEndpoints": []
}
"#;

const SECURITY_GROUPS: &str = r#"{
    "SecurityGroups": [
        {
            "Description": "function",
            "GroupId": "sg-0fn",
            "GroupName": "fn",
            "IpPermissions": [],
            "IpPermissionsEgress": [
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
            ],
            "VpcId": "vpc-0a1"
        }
    ]
}
"#;

const IAM: &str = r#"{
    "UserDetailList": [],
    "GroupDetailList": [],
    "RoleDetailList": [
        {
            "Path": "/",
            "RoleName": "orders-fn",
            "RoleId": "AROAEXAMPLE1",
            "Arn": "arn:aws:iam::123456789012:role/orders-fn",
            "RolePolicyList": [],
            "AttachedManagedPolicies": [
                {"PolicyName": "orders-logs", "PolicyArn": "arn:aws:iam::123456789012:policy/orders-logs"}
            ]
        },
        {
            "Path": "/",
            "RoleName": "orders-vpc",
            "RoleId": "AROAEXAMPLE2",
            "Arn": "arn:aws:iam::123456789012:role/orders-vpc",
            "RolePolicyList": [
                {
                    "PolicyName": "eni",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
                            "Resource": "*"
                        }]
                    }
                }
            ],
            "AttachedManagedPolicies": [
                {"PolicyName": "orders-logs", "PolicyArn": "arn:aws:iam::123456789012:policy/orders-logs"},
                {"PolicyName": "AWSLambdaVPCAccessExecutionRole", "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}
            ]
        }
    ],
    "Policies": [
        {
            "PolicyName": "orders-logs",
            "Arn": "arn:aws:iam::123456789012:policy/orders-logs",
            "DefaultVersionId": "v2",
            "PolicyVersionList": [
                {
                    "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]},
                    "VersionId": "v2",
                    "IsDefaultVersion": true
                },
                {
                    "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]},
                    "VersionId": "v1",
                    "IsDefaultVersion": false
                }
            ]
        }
    ]
}
"#;

const SSM: &str = r#"{
    "Parameters": [
        {"Name": "/network/public-subnets", "Type": "StringList", "Value": "subnet-0public", "Version": 1},
        {"Name": "/network/private-subnets", "Type": "StringList", "Value": "subnet-0privatea,subnet-0privateb", "Version": 3},
        {"Name": "/network/function-sg", "Type": "String", "Value": "sg-0fn", "Version": 1},
        {"Name": "/db/password", "Type": "SecureString", "Value": "AQICAHgSECRETCIPHERTEXT", "Version": 1}
    ]
}
"#;

/// The account, one file per CLI call, as `aws … > file.json` writes them.
fn write_account(dir: &Path) -> PathBuf {
    let snap = dir.join("account");
    fs::create_dir_all(&snap).unwrap();
    for (name, text) in [
        ("describe-vpcs.json", VPCS),
        ("describe-subnets.json", SUBNETS),
        ("describe-route-tables.json", ROUTE_TABLES),
        ("describe-internet-gateways.json", GATEWAYS),
        ("describe-nat-gateways.json", NATS),
        ("describe-vpc-endpoints.json", ENDPOINTS),
        ("describe-security-groups.json", SECURITY_GROUPS),
        ("get-account-authorization-details.json", IAM),
        ("get-parameters-by-path.json", SSM),
    ] {
        fs::write(snap.join(name), text).unwrap();
    }
    snap
}

/// A Terraform function on `subnets` with execution role `role` (HCL expressions).
fn terraform(subnets: &str, role: &str) -> String {
    format!(
        r#"variable "subnet_ids" {{
  type    = list(string)
  default = {subnets}
}}

resource "aws_lambda_function" "app" {{
  function_name = "orders"
  role          = {role}
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"
  vpc_config {{
    subnet_ids         = var.subnet_ids
    security_group_ids = ["sg-0fn"]
  }}
}}
"#
    )
}

/// A SAM function whose subnets come from `subnets` (YAML), with a parameter `Subnets`.
fn sam(parameter: &str, subnets: &str, role: &str) -> String {
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Subnets:
{parameter}
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: {role}
      VpcConfig:
        SubnetIds: {subnets}
        SecurityGroupIds: ["{{{{resolve:ssm:/network/function-sg}}}}"]
"#
    )
}

const ROLE_ARN_OK: &str = "arn:aws:iam::123456789012:role/orders-vpc";

struct Case {
    dir: tempfile::TempDir,
    snapshot: PathBuf,
}

impl Case {
    fn new(files: &[(&str, String)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let snapshot = write_account(dir.path());
        let code = dir.path().join("code");
        fs::create_dir_all(&code).unwrap();
        for (name, text) in files {
            fs::write(code.join(name), text).unwrap();
        }
        Case { dir, snapshot }
    }

    fn lint(&self, with_snapshot: bool) -> (Report, SourceMap) {
        lint(&Options {
            paths: vec![self.dir.path().join("code")],
            jobs: 1,
            base: self.dir.path().to_path_buf(),
            aws_snapshot: if with_snapshot {
                vec![self.snapshot.clone()]
            } else {
                Vec::new()
            },
            ..Options::default()
        })
    }
}

fn codes(report: &Report) -> Vec<&'static str> {
    let mut c: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    c.dedup();
    c
}

/// The network rules the snapshot decides (not the IAM hardening ones the role choice also
/// triggers, nor LVL006, which a one-subnet list fires without the snapshot, nor LVL016: these
/// functions call no AWS service, so they need no VPC at all).
fn network(report: &Report) -> Vec<&'static str> {
    codes(report)
        .into_iter()
        .filter(|c| c.as_bytes()[3] == b'0' && !["LVL006", "LVL016"].contains(c))
        .collect()
}

#[test]
fn terraform_literal_subnets_resolve_against_the_snapshot() {
    let bad = Case::new(&[(
        "main.tf",
        terraform(r#"["subnet-0public"]"#, &format!("\"{ROLE_ARN_OK}\"")),
    )]);
    // Without the snapshot the network cannot be seen: silent.
    let (report, _) = bad.lint(false);
    assert_eq!(network(&report), Vec::<&str>::new());
    let (report, sources) = bad.lint(true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
    // The proof walks the snapshot: subnet, main route table, route, internet gateway.
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "LVL001")
        .unwrap();
    let files: Vec<&str> = d
        .proof
        .iter()
        .map(|s| sources.get(s.span.file).display.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "account/describe-subnets.json",
            "account/describe-route-tables.json",
            "account/describe-route-tables.json",
            "account/describe-internet-gateways.json",
        ]
    );
    insta::assert_snapshot!(
        "terraform_public_subnet_text",
        common::render_to_string(&report, &sources, Format::Text)
    );
    let subnet = &d.proof[0];
    let text = &sources.get(subnet.span.file).text;
    assert!(text[subnet.span.start as usize..].starts_with('{'));
    assert!(text[subnet.span.start as usize..subnet.span.end as usize].contains("subnet-0public"));
    // The role ARN resolved too: its ENI permissions come from the snapshot's inline policy.
    assert!(!codes(&report).contains(&"LVL101"), "{:?}", codes(&report));
    assert_eq!(
        report.coverage.snapshot_files.len(),
        9,
        "{:?}",
        report.coverage.snapshot_files
    );

    let good = Case::new(&[(
        "main.tf",
        terraform(
            r#"["subnet-0privatea", "subnet-0privateb"]"#,
            &format!("\"{ROLE_ARN_OK}\""),
        ),
    )]);
    let (report, _) = good.lint(true);
    // Private subnets through one NAT gateway in zone a: LVL005 for zone b, nothing else.
    assert_eq!(network(&report), ["LVL005"], "{:#?}", report.diagnostics);
    assert_eq!(report.coverage.not_verified(), 0, "{:#?}", report.coverage);
}

#[test]
fn the_json_report_lists_the_snapshot_files_within_its_schema() {
    let case = Case::new(&[(
        "main.tf",
        terraform(r#"["subnet-0public"]"#, &format!("\"{ROLE_ARN_OK}\"")),
    )]);
    let (report, sources) = case.lint(true);
    let json: serde_json::Value =
        serde_json::from_str(&common::render_to_string(&report, &sources, Format::Json)).unwrap();
    assert_eq!(
        json["aws_snapshot"][0],
        "account/describe-internet-gateways.json"
    );
    assert_eq!(json["aws_snapshot"].as_array().map(Vec::len), Some(9));
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(common::repo().join("src/report/json.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn cloudformation_parameters_and_ssm_resolve_against_the_snapshot() {
    let role = format!("\"{ROLE_ARN_OK}\"");
    let bad = Case::new(&[(
        "template.yaml",
        sam(
            "    Type: List<AWS::EC2::Subnet::Id>\n    Default: subnet-0public",
            "!Ref Subnets",
            &role,
        ),
    )]);
    let (report, sources) = bad.lint(true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
    let lvl001 = report.diagnostics.iter().find(|d| d.code == "LVL001");
    let proof = &lvl001.unwrap().proof;
    assert!(
        proof
            .iter()
            .any(|s| sources.get(s.span.file).display == "account/describe-subnets.json"),
        "{proof:#?}"
    );

    // An SSM-typed parameter, and `{{resolve:ssm:…}}` for the security group.
    let ssm = Case::new(&[(
        "template.yaml",
        sam(
            "    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>\n    Default: /network/public-subnets",
            "!Ref Subnets",
            &role,
        ),
    )]);
    let (report, _) = ssm.lint(true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
    let good = Case::new(&[(
        "template.yaml",
        sam(
            "    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>\n    Default: /network/private-subnets",
            "!Ref Subnets",
            &role,
        ),
    )]);
    let (report, _) = good.lint(true);
    assert_eq!(network(&report), ["LVL005"], "{:#?}", report.diagnostics);
    assert_eq!(report.coverage.not_verified(), 0, "{:#?}", report.coverage);
}

#[test]
fn a_literal_role_arn_takes_its_policies_from_the_snapshot() {
    // `orders-fn` has only the customer-managed `orders-logs`, whose default version (v2)
    // allows logs only: the older v1 allowed ec2:* and must not count.
    let bad = Case::new(&[(
        "main.tf",
        terraform(
            r#"["subnet-0privatea", "subnet-0privateb"]"#,
            "\"arn:aws:iam::123456789012:role/orders-fn\"",
        ),
    )]);
    let (report, sources) = bad.lint(true);
    let lvl101: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "LVL101")
        .collect();
    assert_eq!(lvl101.len(), 1, "{:#?}", report.diagnostics);
    assert!(lvl101[0]
        .proof
        .iter()
        .any(|s| sources.get(s.span.file).display
            == "account/get-account-authorization-details.json"));
    let cfn = Case::new(&[(
        "template.yaml",
        sam(
            "    Type: CommaDelimitedList\n    Default: subnet-0privatea,subnet-0privateb",
            "!Ref Subnets",
            "arn:aws:iam::123456789012:role/orders-fn",
        ),
    )]);
    let (report, _) = cfn.lint(true);
    assert!(
        codes(&report).contains(&"LVL101"),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn ids_the_snapshot_lacks_stay_unknown_and_coverage_says_so() {
    let case = Case::new(&[(
        "main.tf",
        terraform(r#"["subnet-0elsewhere"]"#, &format!("\"{ROLE_ARN_OK}\"")),
    )]);
    let (report, _) = case.lint(true);
    assert_eq!(network(&report), Vec::<&str>::new());
    let reasons: Vec<String> = report
        .coverage
        .entries
        .iter()
        .flat_map(|e| &e.unknowns)
        .map(|u| u.reason.0.clone())
        .collect();
    assert!(
        reasons.iter().any(|r| r
            == "subnet `subnet-0elsewhere` is not in the snapshot (account/describe-subnets.json)"),
        "{reasons:#?}"
    );
    // Without a snapshot the hint points at --aws-snapshot.
    let (report, sources) = case.lint(false);
    let json = common::render_to_string(&report, &sources, Format::Json);
    assert!(json.contains("--aws-snapshot"), "{json}");
    assert!(!json.contains("aws_snapshot"), "no snapshot, no list");
}

#[test]
fn a_template_resource_wins_over_the_deployed_one() {
    // The snapshot's public subnet was deployed from this template (its logical-id tag): the
    // template's subnet is what will be deployed, so the finding names it and its declaration;
    // its literal VPC id still comes from the snapshot (whose main table goes to the internet).
    let dir = tempfile::tempdir().unwrap();
    let snap = write_account(dir.path());
    let tagged = SUBNETS.replace(
        r#""Tags": [{"Key": "Name", "Value": "public-a"}]"#,
        r#""Tags": [{"Key": "aws:cloudformation:logical-id", "Value": "AppSubnet"}, {"Key": "aws:cloudformation:stack-name", "Value": "app"}]"#,
    );
    fs::write(snap.join("describe-subnets.json"), tagged).unwrap();
    let code = dir.path().join("code");
    fs::create_dir_all(&code).unwrap();
    let template = format!(
        "{}  AppSubnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-0a1\n      CidrBlock: 10.0.0.0/24\n      AvailabilityZone: eu-west-1a\n",
        sam(
            "    Type: String\n    Default: unused",
            "[subnet-0public]",
            &format!("\"{ROLE_ARN_OK}\""),
        )
    );
    fs::write(code.join("template.yaml"), template).unwrap();
    let (report, _) = lint(&Options {
        paths: vec![code],
        jobs: 1,
        base: dir.path().to_path_buf(),
        aws_snapshot: vec![snap],
        ..Options::default()
    });
    let d = report.diagnostics.iter().find(|d| d.code == "LVL001");
    let d = d.unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    assert!(
        d.message.contains("public subnet `AppSubnet`"),
        "{}",
        d.message
    );
    assert!(!d.message.contains("subnet-0public"), "{}", d.message);
}

#[test]
fn bad_snapshot_files_are_located_input_errors() {
    let case = Case::new(&[(
        "main.tf",
        terraform(r#"["subnet-0public"]"#, &format!("\"{ROLE_ARN_OK}\"")),
    )]);
    fs::write(case.snapshot.join("notes.json"), r#"{"Reservations": []}"#).unwrap();
    fs::write(
        case.snapshot.join("zz-wrong.json"),
        r#"{"Subnets": [{"SubnetId": 42}, "x"], "Vpcs": {"VpcId": "vpc-1"}}"#,
    )
    .unwrap();
    let deep = format!("{{\"Subnets\": {}{}}}", "[".repeat(5000), "]".repeat(5000));
    fs::write(case.snapshot.join("zz-deep.json"), deep).unwrap();
    let (report, sources) = case.lint(true);
    let input: Vec<(&str, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("LVL90"))
        .map(|d| {
            let p = sources.get(d.span.file).position(d.span.start);
            (
                d.code,
                format!("{}:{}", sources.get(d.span.file).display, p.line),
            )
        })
        .collect();
    assert_eq!(
        input,
        [
            ("LVL901", "account/notes.json:1".to_string()),
            ("LVL901", "account/zz-deep.json:1".to_string()),
            ("LVL901", "account/zz-wrong.json:1".to_string()),
            ("LVL901", "account/zz-wrong.json:1".to_string()),
            ("LVL901", "account/zz-wrong.json:1".to_string()),
        ],
        "{:#?}",
        report.diagnostics
    );
    // The rest of the snapshot still works.
    assert_eq!(network(&report), ["LVL001"]);
}

#[test]
fn the_cli_takes_the_option_and_the_config_key_and_reports_the_files() {
    let case = Case::new(&[(
        "main.tf",
        terraform(r#"["subnet-0public"]"#, &format!("\"{ROLE_ARN_OK}\"")),
    )]);
    let root = case.dir.path();
    let out = assert_cmd::Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(root)
        .args([
            "code",
            "--aws-snapshot",
            "account",
            "--rule",
            "LVL001",
            "--fail-on",
            "warning",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--> code/main.tf"), "{text}");
    assert!(
        text.contains("account/describe-route-tables.json:"),
        "{text}"
    );
    assert!(
        text.contains("AWS snapshot: 9 files (account/describe-internet-gateways.json,"),
        "{text}"
    );
    // The same through `.lambda-vpc-lint.toml`, relative to the config file; SARIF lists them.
    fs::write(
        root.join(".lambda-vpc-lint.toml"),
        "[aws]\nsnapshot = [\"account/describe-subnets.json\", \"account\"]\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(root)
        .args(["code", "--format", "sarif", "--rule", "LVL001"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = &sarif["runs"][0]["properties"]["awsSnapshot"];
    assert_eq!(files.as_array().map(Vec::len), Some(9), "{sarif:#}");
    assert_eq!(
        files[0], "account/describe-subnets.json",
        "config order, each file once"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning, under the default --fail-on"
    );
    // A config naming a snapshot outside its directory is refused (a usage error).
    fs::write(
        root.join("code/.lambda-vpc-lint.toml"),
        "[aws]\nsnapshot = [\"../account\"]\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("lambda-vpc-lint")
        .unwrap()
        .current_dir(root)
        .args(["code"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the directory"));
}

/// Cases of `testdata/snapshots` that need what another branch adds (none left: `data
/// "aws_ssm_parameter"` came with branch `tfsnap`).
const PENDING: &[(&str, &str)] = &[];

/// The moto-generated scenarios (`testdata/snapshots/README.md`): each case reports the rules
/// `EXPECTED.tsv` says it fires, with a proof step (or the finding itself) in the scenario's
/// snapshot files, and none of the rules it must leave silent; ids the snapshot lacks are
/// listed as not verified.
#[test]
fn every_snapshot_scenario_reports_what_expected_tsv_says() {
    let root = common::repo().join("testdata/snapshots");
    let table = fs::read_to_string(root.join("EXPECTED.tsv"))
        .expect("testdata/snapshots/EXPECTED.tsv is missing: the snapshot fixtures are gone");
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [scenario, eco, case, fires, silent, args, ..] = cols[..] else {
            panic!("bad EXPECTED.tsv line: {line:?}")
        };
        let name = format!("{scenario}/{eco}/{case}");
        if let Some((_, why)) = PENDING.iter().find(|(c, _)| *c == name) {
            eprintln!("PENDING {name}: needs {why}");
            continue;
        }
        let dir = root.join(scenario).join(eco).join(case);
        let snapshot = root.join(scenario);
        let mut cloudformation = lambda_vpc_lint::frontend::cloudformation::Options::default();
        match args.split_whitespace().collect::<Vec<_>>()[..] {
            [] => {}
            ["--parameters", file] => {
                cloudformation.parameter_files.push((None, dir.join(file)));
            }
            _ => panic!("{name}: arguments this test does not pass: {args}"),
        }
        let (mut report, sources) = lint(&Options {
            paths: vec![dir.clone()],
            jobs: 1,
            base: root.clone(),
            aws_snapshot: vec![snapshot],
            cloudformation,
            strict: true,
            ..Options::default()
        });
        checked += 1;
        let got = codes(&report);
        let want: Vec<&str> = fires.split(',').filter(|c| *c != "none").collect();
        for rule in &want {
            let found: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == *rule)
                .collect();
            if found.is_empty() {
                failures.push(format!("{name}: {rule} does not fire (got {got:?})"));
            }
            for d in found {
                let in_snapshot = std::iter::once(d.span)
                    .chain(d.proof.iter().map(|s| s.span))
                    .any(|s| {
                        let shown = &sources.get(s.file).display;
                        shown.starts_with(&format!("{scenario}/"))
                            && shown.ends_with(".json")
                            && !shown.contains(&format!("/{eco}/"))
                    });
                // One listed subnet is one zone whatever the snapshot says.
                let own = d.code == "LVL006" && d.message.contains("a single subnet");
                if !in_snapshot && !own {
                    failures.push(format!("{name}: {rule} has no step in the snapshot files"));
                }
            }
        }
        for rule in silent.split(',').filter(|c| !c.is_empty()) {
            if got.contains(&rule) {
                failures.push(format!("{name}: {rule} fires but must stay silent"));
            }
        }
        if !want.is_empty() {
            // The findings the case is about, as users read them: locations and proof steps
            // into the snapshot files.
            report.diagnostics.retain(|d| want.contains(&d.code));
            report.coverage.entries.clear();
            insta::assert_snapshot!(
                format!("scenario__{scenario}__{eco}__{case}"),
                common::render_to_string(&report, &sources, Format::Text)
            );
        }
        if scenario == "prefix-list" {
            // The AWS-managed S3 list is read as S3's addresses: the good cases' groups are
            // verified; a customer-managed list's entries are not read, and coverage says so.
            let sg_unknowns: Vec<&str> = report
                .coverage
                .entries
                .iter()
                .flat_map(|e| &e.unknowns)
                .map(|u| u.reason.0.as_str())
                .filter(|r| r.contains("prefix list"))
                .collect();
            let customer = sg_unknowns.iter().any(|r| r.contains("customer-managed"));
            match case.split('-').next() {
                Some("good" | "bad") if !sg_unknowns.is_empty() => failures.push(format!(
                    "{name}: a prefix list is not verified: {sg_unknowns:?}"
                )),
                Some("unknown") if !customer || report.coverage.not_verified() == 0 => failures
                    .push(format!(
                        "{name}: the customer-managed list is not listed as not verified"
                    )),
                _ => {}
            }
        }
        if scenario == "absent-id" {
            let absent = report
                .coverage
                .entries
                .iter()
                .flat_map(|e| &e.unknowns)
                .any(|u| u.reason.0.contains("is not in the snapshot"));
            if !absent || report.coverage.not_verified() == 0 {
                failures.push(format!(
                    "{name}: the absent ids are not listed as not verified"
                ));
            }
        }
    }
    assert!(checked >= 60, "only {checked} cases checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn cyclic_and_ill_kinded_references_terminate_and_output_is_thread_independent() {
    let case = Case::new(&[(
        "main.tf",
        terraform(
            r#"["subnet-0privatea", "subnet-0privateb"]"#,
            &format!("\"{ROLE_ARN_OK}\""),
        ),
    )]);
    // Groups that refer to each other and to themselves; a subnet whose VPC id names a subnet.
    let groups = r#"{"SecurityGroups": [
        {"GroupId": "sg-0fn", "VpcId": "vpc-0a1", "IpPermissions": [],
         "IpPermissionsEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": "sg-0other"}, {"GroupId": "sg-0fn"}]}]},
        {"GroupId": "sg-0other", "VpcId": "vpc-0a1", "IpPermissionsEgress": [],
         "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0fn"}]}]}
    ]}"#;
    fs::write(case.snapshot.join("describe-security-groups.json"), groups).unwrap();
    let subnets = SUBNETS.replace(
        r#""SubnetId": "subnet-0privateb",
            "VpcId": "vpc-0a1""#,
        r#""SubnetId": "subnet-0privateb",
            "VpcId": "subnet-0privatea""#,
    );
    assert_ne!(subnets, SUBNETS);
    fs::write(case.snapshot.join("describe-subnets.json"), subnets).unwrap();
    let render = |jobs: usize| {
        let (report, sources) = lint(&Options {
            paths: vec![case.dir.path().join("code")],
            jobs,
            base: case.dir.path().to_path_buf(),
            aws_snapshot: vec![case.snapshot.clone()],
            strict: true,
            ..Options::default()
        });
        common::render_to_string(&report, &sources, Format::Sarif)
    };
    let one = render(1);
    assert_eq!(one, render(4));
    assert!(
        one.contains("VPC `subnet-0privatea` is not in the snapshot"),
        "{one}"
    );
}

#[test]
fn a_route_added_to_an_account_table_joins_it() {
    // Without the table, a route of an unknown table could be any subnet's: routing unknown.
    let extra = r#"
resource "aws_route" "peering" {
  route_table_id            = "rtb-0private"
  destination_cidr_block    = "192.168.0.0/16"
  vpc_peering_connection_id = "pcx-0a1"
}
"#;
    let case = Case::new(&[(
        "main.tf",
        terraform(
            r#"["subnet-0privatea", "subnet-0privateb"]"#,
            &format!("\"{ROLE_ARN_OK}\""),
        ) + extra,
    )]);
    let (report, _) = case.lint(true);
    assert_eq!(network(&report), ["LVL005"], "{:#?}", report.diagnostics);
    assert_eq!(report.coverage.not_verified(), 0, "{:#?}", report.coverage);
}

/// A `SecureString` in the snapshot (moto's `public-subnet` account holds one, its value in
/// clear, as `get-parameters-by-path --with-decryption` would print it) is never read: whatever
/// asks for it — a Terraform data source, a CloudFormation dynamic reference, an SSM-typed
/// parameter — stays unknown, and its value appears in no output format, `--strict` included.
#[test]
fn secure_string_values_never_reach_any_output() {
    const SECRET: &str = "s3cr3t-never-in-a-snapshot";
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/snapshots/public-subnet");
    let text = fs::read_to_string(snapshot.join("get-parameters-by-path.json")).unwrap();
    assert!(
        text.contains(SECRET),
        "the fixture must hold the secret in clear for this test to mean anything"
    );
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("tf")).unwrap();
    fs::create_dir_all(dir.path().join("cfn")).unwrap();
    fs::write(
        dir.path().join("tf/main.tf"),
        r#"data "aws_ssm_parameter" "pw" {
  name = "/network/db-password"
}

resource "aws_lambda_function" "app" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "app.zip"
  vpc_config {
    subnet_ids         = split(",", data.aws_ssm_parameter.pw.value)
    security_group_ids = [data.aws_ssm_parameter.pw.insecure_value]
  }
  environment {
    variables = { PASSWORD = data.aws_ssm_parameter.pw.value }
  }
}
"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("cfn/template.yaml"),
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Subnets:
    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>
    Default: /network/db-password
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders
      Role: arn:aws:iam::123456789012:role/orders
      Handler: app.handler
      Runtime: python3.12
      Code: { ZipFile: "x" }
      VpcConfig:
        SubnetIds: !Ref Subnets
        SecurityGroupIds: ["{{resolve:ssm:/network/db-password}}"]
"#,
    )
    .unwrap();
    for format in ["text", "json", "sarif", "github", "junit", "gitlab"] {
        let out = assert_cmd::Command::cargo_bin("lambda-vpc-lint")
            .unwrap()
            .current_dir(dir.path())
            .arg(".")
            .args(["--no-config", "--strict", "--format", format])
            .arg("--aws-snapshot")
            .arg(&snapshot)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(SECRET), "{format}: {all}");
        assert!(!all.contains("s3cr3t"), "{format}: {all}");
        if format == "text" {
            // Unknown, and said so: the functions' subnets are listed as not verified.
            assert!(all.contains("LVL906"), "{all}");
            assert!(all.contains("db-password"), "{all}");
        }
    }
}

/// An interface endpoint with private DNS that the configuration adds to the account's VPC:
/// LVL018 decides from `describe-vpc-attribute` output (one object per call, or the list
/// `jq -s` makes of them), and without it stays unknown, with the call to add as the reason.
#[test]
fn vpc_dns_attributes_decide_lvl018_for_a_snapshot_vpc() {
    let endpoint = r#"
resource "aws_vpc_endpoint" "sqs" {
  vpc_id              = "vpc-0a1"
  service_name        = "com.amazonaws.eu-west-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = ["sg-0fn"]
  private_dns_enabled = true
}
"#;
    let case = Case::new(&[(
        "main.tf",
        terraform(
            r#"["subnet-0privatea", "subnet-0privateb"]"#,
            &format!("\"{ROLE_ARN_OK}\""),
        ) + endpoint,
    )]);
    let lvl018 = |report: &Report| -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "LVL018")
            .map(|d| d.message.clone())
            .collect()
    };
    let dns_reasons = |report: &Report| -> Vec<String> {
        report
            .coverage
            .entries
            .iter()
            .flat_map(|e| &e.unknowns)
            .map(|u| u.reason.0.clone())
            .filter(|r| r.contains("describe-vpc-attribute"))
            .collect()
    };

    // No attribute output: unknown, and the reason names the calls to add.
    let (report, _) = case.lint(true);
    assert!(lvl018(&report).is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(
        dns_reasons(&report),
        [
            "the DNS support attribute of VPC `vpc-0a1` is not in the snapshot (`describe-vpcs` does not \
             print it): add the output of `aws ec2 describe-vpc-attribute --vpc-id vpc-0a1 \
             --attribute enableDnsSupport`",
            "the DNS hostnames attribute of VPC `vpc-0a1` is not in the snapshot (`describe-vpcs` does not \
             print it): add the output of `aws ec2 describe-vpc-attribute --vpc-id vpc-0a1 \
             --attribute enableDnsHostnames`",
        ]
    );

    // DNS hostnames off (a file per call, as the CLI prints them): LVL018, its proof in the
    // attribute file, at the `Value`.
    let attr = |name: &str, value: bool| {
        format!("{{\n    \"{name}\": {{\n        \"Value\": {value}\n    }},\n    \"VpcId\": \"vpc-0a1\"\n}}\n")
    };
    let support = case
        .snapshot
        .join("describe-vpc-attribute-vpc-0a1-enableDnsSupport.json");
    let hostnames = case
        .snapshot
        .join("describe-vpc-attribute-vpc-0a1-enableDnsHostnames.json");
    fs::write(&support, attr("EnableDnsSupport", true)).unwrap();
    fs::write(&hostnames, attr("EnableDnsHostnames", false)).unwrap();
    let (report, sources) = case.lint(true);
    assert_eq!(
        lvl018(&report),
        [
            "interface endpoint `aws_vpc_endpoint.sqs` has private DNS enabled, but its VPC \
          `vpc-0a1` has DNS hostnames disabled: AWS refuses to create the endpoint"
        ],
        "{:#?}",
        report.diagnostics
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "LVL018")
        .unwrap();
    let step = &d.proof[1];
    let file = sources.get(step.span.file);
    assert_eq!(
        file.display,
        "account/describe-vpc-attribute-vpc-0a1-enableDnsHostnames.json"
    );
    assert_eq!(
        &file.text[step.span.start as usize..step.span.end as usize],
        "false"
    );
    assert!(dns_reasons(&report).is_empty());
    // The fix names the VPC in words and the CLI call: it is not in the user's files.
    assert_eq!(
        d.fix.as_deref(),
        Some(
            "On `vpc-0a1`, set DNS hostnames to enabled:\n\n  aws ec2 modify-vpc-attribute \
             --vpc-id vpc-0a1 --enable-dns-hostnames '{\"Value\":true}'"
        )
    );
    assert!(d.edits.is_empty());

    // Both on, from one file that `jq -s . describe-vpc-attribute-*.json` wrote: verified.
    fs::remove_file(&support).unwrap();
    fs::remove_file(&hostnames).unwrap();
    fs::write(
        case.snapshot.join("vpc-attributes.json"),
        r#"[
  {"EnableDnsSupport": {"Value": true}, "VpcId": "vpc-0a1"},
  {"EnableDnsHostnames": {"Value": true}, "VpcId": "vpc-0a1"}
]
"#,
    )
    .unwrap();
    let (report, _) = case.lint(true);
    assert!(lvl018(&report).is_empty(), "{:#?}", report.diagnostics);
    assert!(dns_reasons(&report).is_empty(), "{:#?}", report.coverage);
    assert!(report
        .diagnostics
        .iter()
        .all(|d| !d.code.starts_with("LVL90")));
}

/// A literal prefix list id that the snapshot's `describe-managed-prefix-lists` does not list
/// stays unknown, and coverage names the files it was looked up in (the snapshot may be of
/// another region); the same template with the listed customer-managed id says why that one is
/// unknown.
#[test]
fn a_prefix_list_id_the_snapshot_lacks_or_does_not_own_stays_unknown() {
    let root = common::repo().join("testdata/snapshots/prefix-list");
    let template =
        fs::read_to_string(root.join("cloudformation/unknown-customer-list/template.yaml"))
            .expect("the prefix-list scenario's customer-list case");
    let listed = template
        .lines()
        .find_map(|l| l.trim().strip_prefix("DestinationPrefixListId: "))
        .expect("a literal DestinationPrefixListId")
        .to_string();
    let reasons = |text: &str| -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("template.yaml"), text).unwrap();
        let (report, _) = lint(&Options {
            paths: vec![dir.path().to_path_buf()],
            jobs: 1,
            base: root.clone(),
            aws_snapshot: vec![root.clone()],
            strict: true,
            ..Options::default()
        });
        assert!(!codes(&report).contains(&"LVL010"), "{:?}", codes(&report));
        report
            .coverage
            .entries
            .iter()
            .flat_map(|e| &e.unknowns)
            .map(|u| u.reason.0.clone())
            .collect()
    };
    let got = reasons(&template);
    assert!(
        got.iter().any(|r| r.starts_with(&format!(
            "prefix list `{listed}` (`corp-proxies`) is customer-managed"
        ))),
        "{got:#?}"
    );
    let got = reasons(&template.replace(&listed, "pl-0a1b2c3d"));
    assert!(
        got.iter().any(|r| r
            == "prefix list `pl-0a1b2c3d` is not in the snapshot (describe-managed-prefix-lists.json)"),
        "{got:#?}"
    );
}
