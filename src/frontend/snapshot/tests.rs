use std::path::PathBuf;

use super::*;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceMap};
use crate::syntax::Limits;

/// Indexes in-memory snapshot files (name, JSON), in order.
pub(crate) fn index(files: &[(&str, &str)]) -> (Snapshot, SourceMap, Vec<Diagnostic>) {
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
    (snap, sources, diags)
}

const SUBNETS: &str = r#"{
    "Subnets": [
        {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
         "AvailabilityZone": "eu-west-1a", "MapPublicIpOnLaunch": true,
         "Tags": [{"Key": "Name", "Value": "private-a"}, {"Key": 3}]},
        {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}
    ],
    "NextToken": "x"
}"#;

#[test]
fn files_merge_by_kind_and_the_first_id_wins() {
    let again = r#"{"Subnets": [{"SubnetId": "subnet-2", "VpcId": "vpc-9"},
                                 {"SubnetId": "subnet-3", "VpcId": "vpc-1"}]}"#;
    let (snap, _, diags) = index(&[("a.json", SUBNETS), ("b.json", again)]);
    assert!(diags.is_empty(), "{diags:?}");
    let ids: Vec<&str> = snap.all(Kind::Subnet).map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["subnet-1", "subnet-2", "subnet-3"]);
    assert_eq!(
        snap.get(Kind::Subnet, "subnet-2").unwrap().str("VpcId"),
        Some("vpc-1")
    );
    let s1 = snap.by_id("subnet-1").unwrap();
    assert_eq!(s1.bool("MapPublicIpOnLaunch"), Some(true));
    assert_eq!(s1.tags(), [("Name", "private-a")]);
    assert_eq!(snap.files().len(), 2);
    assert!(snap.by_id("subnet-404").is_none());
}

#[test]
fn a_file_of_no_known_kind_and_wrong_types_are_located_errors() {
    let (snap, sources, diags) = index(&[
        ("other.json", r#"{"Foo": []}"#),
        (
            "bad.json",
            r#"{"Subnets": {"SubnetId": "subnet-1"}, "Vpcs": [1, {"VpcId": 7}, {}]}"#,
        ),
        ("broken.json", "{"),
        ("list.json", "[]"),
    ]);
    let codes: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d.code, sources.get(d.span.file).display.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("LVL901", "other.json"),
            ("LVL901", "bad.json"),
            ("LVL901", "bad.json"),
            ("LVL901", "bad.json"),
            ("LVL901", "bad.json"),
            ("LVL900", "broken.json"),
            ("LVL901", "list.json"),
        ]
    );
    assert!(
        diags[0].message.contains("other.json"),
        "{}",
        diags[0].message
    );
    // Located at the value of the wrong type.
    let text = &sources.get(diags[1].span.file).text;
    assert!(text[diags[1].span.start as usize..].starts_with('{'));
    assert_eq!(
        diags[3].message,
        "`VpcId` of an entry of `Vpcs` is a number or boolean, not an id; the entry was not read"
    );
    assert_eq!(snap.files().len(), 1, "only bad.json had a known key");
    assert_eq!(snap.len(), 0);
}

#[test]
fn iam_and_ssm() {
    let iam = r#"{
      "RoleDetailList": [{"RoleName": "fn", "Arn": "arn:aws:iam::111122223333:role/fn",
        "RolePolicyList": [], "AttachedManagedPolicies": []}],
      "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111122223333:policy/p",
        "DefaultVersionId": "v2",
        "PolicyVersionList": [
          {"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": []}},
          {"VersionId": "v2", "IsDefaultVersion": true,
           "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}}]}],
      "UserDetailList": []
    }"#;
    let ssm = r#"{"Parameters": [
        {"Name": "/net/subnets", "Type": "StringList", "Value": "subnet-1,subnet-2"},
        {"Name": "/db/password", "Type": "SecureString", "Value": "hunter2"}]}"#;
    let (snap, _, diags) = index(&[("iam.json", iam), ("ssm.json", ssm)]);
    assert!(diags.is_empty(), "{diags:?}");
    let role = snap.role("fn").unwrap();
    assert_eq!(role.id, "arn:aws:iam::111122223333:role/fn");
    assert!(snap.by_id("arn:aws:iam::111122223333:role/fn").is_some());
    let doc = snap
        .policy_document("arn:aws:iam::111122223333:policy/p")
        .unwrap();
    assert_eq!(doc.get("Statement").unwrap().items().len(), 1);
    assert_eq!(
        snap.parameter("/net/subnets").unwrap().values().unwrap(),
        ["subnet-1", "subnet-2"]
    );
    let secret = snap.parameter("/db/password").unwrap();
    assert_eq!(secret.value, None);
    assert!(!format!("{snap:?}").contains("hunter2"));
}

#[test]
fn ids_name_their_kind() {
    assert_eq!(kind_of_id("sg-1"), Some(Kind::SecurityGroup));
    assert_eq!(kind_of_id("eigw-1"), Some(Kind::EgressOnlyInternetGateway));
    assert_eq!(
        kind_of_id("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        Some(Kind::Policy)
    );
    assert_eq!(kind_of_id("arn:aws:s3:::role/x"), None);
    assert_eq!(kind_of_id("local"), None);
}

#[test]
fn deep_and_huge_input_is_bounded() {
    let deep = format!(
        "{{\"Subnets\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (_, _, diags) = index(&[("deep.json", &deep)]);
    assert_eq!(diags.len(), 1);
    let many: Vec<String> = (0..5000)
        .map(|i| format!(r#"{{"SubnetId": "subnet-{i}", "VpcId": "vpc-1"}}"#))
        .collect();
    let big = format!("{{\"Subnets\": [{}]}}", many.join(","));
    let (snap, _, diags) = index(&[("big.json", &big)]);
    assert!(diags.is_empty());
    assert_eq!(snap.all(Kind::Subnet).count(), 5000);
}

/// `aws ec2 describe-vpc-attribute --vpc-id vpc-1 --attribute enableDnsHostnames`, as printed.
const HOSTNAMES_OFF: &str = r#"{
    "VpcId": "vpc-1",
    "EnableDnsHostnames": {
        "Value": false
    }
}
"#;

#[test]
fn vpc_attributes_one_call_per_file_or_a_list_of_calls() {
    let support = r#"{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": true}}"#;
    // What `jq -s . describe-vpc-attribute-*.json` writes: a list of outputs, any kind.
    let combined = r#"[
  {"VpcId": "vpc-2", "EnableDnsSupport": {"Value": true}},
  {"VpcId": "vpc-2", "EnableDnsHostnames": {"Value": true}},
  {"VpcId": "vpc-1", "EnableDnsHostnames": {"Value": true}},
  {"VpcId": "vpc-2", "EnableNetworkAddressUsageMetrics": {"Value": false}},
  {"Subnets": [{"SubnetId": "subnet-9", "VpcId": "vpc-2"}]}
]"#;
    let (snap, sources, diags) = index(&[
        ("a-hostnames.json", HOSTNAMES_OFF),
        ("a-support.json", support),
        ("b-all.json", combined),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    let hostnames = snap
        .vpc_attribute("vpc-1", VpcAttribute::DnsHostnames)
        .unwrap();
    // The first file (path order) wins over the list's `true`; the span is the `Value`.
    assert!(!hostnames.value);
    let text = &sources.get(hostnames.span.file).text;
    assert_eq!(
        &text[hostnames.span.start as usize..hostnames.span.end as usize],
        "false"
    );
    assert_eq!(
        snap.vpc_attribute("vpc-1", VpcAttribute::DnsSupport)
            .map(|a| a.value),
        Some(true)
    );
    for a in [VpcAttribute::DnsSupport, VpcAttribute::DnsHostnames] {
        assert_eq!(snap.vpc_attribute("vpc-2", a).map(|a| a.value), Some(true));
    }
    assert!(snap
        .vpc_attribute("vpc-3", VpcAttribute::DnsSupport)
        .is_none());
    assert!(snap.get(Kind::Subnet, "subnet-9").is_some());
    assert_eq!(snap.files().len(), 3);
    assert_eq!(snap.files_of_vpc_attributes().len(), 3);
    assert_eq!(snap.files_of(Kind::Subnet).len(), 1);
}

#[test]
fn vpc_attributes_of_the_wrong_shape_are_located_errors() {
    let (snap, sources, diags) = index(&[
        (
            "a.json",
            r#"{"VpcId": 3, "EnableDnsSupport": {"Value": true}}"#,
        ),
        ("b.json", r#"{"EnableDnsSupport": {"Value": true}}"#),
        (
            "c.json",
            r#"{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": "true"}}"#,
        ),
        (
            "d.json",
            r#"{"VpcId": "vpc-1", "EnableDnsHostnames": true}"#,
        ),
        ("e.json", r#"{"VpcId": "vpc-1", "EnableDnsHostnames": {}}"#),
        (
            "f.json",
            r#"[{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": false}}, 7, {"Foo": 1}, []]"#,
        ),
    ]);
    let got: Vec<(&str, &str, &str)> = diags
        .iter()
        .map(|d| {
            let f = sources.get(d.span.file);
            let at = &f.text[d.span.start as usize..d.span.end as usize];
            (d.code, f.display.as_str(), at)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("LVL901", "a.json", "3"),
            (
                "LVL901",
                "b.json",
                r#"{"EnableDnsSupport": {"Value": true}}"#
            ),
            ("LVL901", "c.json", r#""true""#),
            ("LVL901", "d.json", "true"),
            ("LVL901", "e.json", "{}"),
            ("LVL901", "f.json", "7"),
            ("LVL901", "f.json", r#"{"Foo": 1}"#),
            ("LVL901", "f.json", "[]"),
        ],
        "{diags:#?}"
    );
    assert_eq!(
        diags[2].message,
        "`EnableDnsSupport` of `aws ec2 describe-vpc-attribute` output is a string, not \
         `{\"Value\": true}` or `{\"Value\": false}`; it was not read"
    );
    assert!(
        diags[5]
            .message
            .contains("an entry of this list is a number"),
        "{}",
        diags[5].message
    );
    // The one good entry of f.json is read; nothing else is.
    assert_eq!(
        snap.vpc_attribute("vpc-1", VpcAttribute::DnsSupport)
            .map(|a| a.value),
        Some(false)
    );
    assert!(snap
        .vpc_attribute("vpc-1", VpcAttribute::DnsHostnames)
        .is_none());
}
