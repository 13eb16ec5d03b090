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
