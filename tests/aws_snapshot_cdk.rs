//! Real CDK output against an account snapshot: `Vpc.fromLookup` writes the subnet ids it picks
//! from `cdk.context.json` into the synthesized template as literals, and `--aws-snapshot`
//! resolves them. The app, its context and how the templates were synthesized are in
//! `testdata/cdk/from-lookup/README.md`; its VPC is the one of `testdata/snapshots/public-subnet`.

mod common;

use std::fs;
use std::path::PathBuf;

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::source::SourceMap;

const SCENARIO: &str = "public-subnet";

fn app() -> PathBuf {
    common::repo().join("testdata/cdk/from-lookup")
}

fn run(case: &str, with_snapshot: bool) -> (Report, SourceMap) {
    let root = common::repo().join("testdata");
    let dir = app().join(case);
    assert!(
        dir.is_dir(),
        "{} is missing: the CDK fixture is gone",
        dir.display()
    );
    lint(&Options {
        paths: vec![dir],
        jobs: 1,
        base: root.clone(),
        aws_snapshot: if with_snapshot {
            vec![root.join("snapshots").join(SCENARIO)]
        } else {
            Vec::new()
        },
        ..Options::default()
    })
}

/// The subnet ids of one group (`Public`, `Private`) of the lookup in `cdk.context.json`: what
/// CDK put into the template, so the test notices a fixture re-synthesized from other context.
fn context_subnets(group: &str) -> Vec<String> {
    let text = fs::read_to_string(app().join("cdk.context.json")).unwrap();
    let context: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (key, lookup) = context.as_object().unwrap().iter().next().unwrap();
    assert!(
        key.starts_with("vpc-provider:account=123456789012:"),
        "{key}"
    );
    let groups = lookup["subnetGroups"].as_array().unwrap();
    let group = groups.iter().find(|g| g["type"] == group).unwrap();
    group["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subnetId"].as_str().unwrap().to_string())
        .collect()
}

fn codes(report: &Report) -> Vec<&'static str> {
    let mut c: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    c.sort_unstable();
    c.dedup();
    c
}

/// The reasons of everything the coverage could not verify.
fn unknown_reasons(report: &Report) -> Vec<String> {
    report
        .coverage
        .entries
        .iter()
        .flat_map(|e| &e.unknowns)
        .map(|u| u.reason.0.clone())
        .collect()
}

#[test]
fn public_subnets_from_a_lookup_are_lvl001_with_proof_in_the_snapshot() {
    let public = context_subnets("Public");
    let template =
        fs::read_to_string(app().join("bad-public-subnets/PublicSubnets.template.json")).unwrap();
    for id in &public {
        assert!(
            template.contains(&format!("\"{id}\"")),
            "{id} not in the template"
        );
    }
    let (report, sources) = run("bad-public-subnets", true);
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "LVL001")
        .collect();
    assert_eq!(found.len(), 1, "{:?}", codes(&report));
    let d = found[0];
    let at = &sources.get(d.span.file).display;
    assert!(at.ends_with("PublicSubnets.template.json"), "{at}");
    for id in &public {
        assert!(d.message.contains(&format!("`{id}`")), "{}", d.message);
    }
    let steps: Vec<&str> = d
        .proof
        .iter()
        .map(|s| sources.get(s.span.file).display.as_str())
        .collect();
    for file in [
        "describe-subnets.json",
        "describe-route-tables.json",
        "describe-internet-gateways.json",
    ] {
        let want = format!("snapshots/{SCENARIO}/{file}");
        assert!(
            steps.contains(&want.as_str()),
            "no step in {want}: {steps:?}"
        );
    }
    // The 12 calls of the export script, and 2 `describe-vpc-attribute` calls for each of the
    // account's 2 VPCs.
    assert_eq!(report.coverage.snapshot_files.len(), 16);
}

#[test]
fn private_subnets_from_a_lookup_are_silent_and_verified() {
    let (report, _) = run("good-private-with-egress", true);
    let got = codes(&report);
    for rule in ["LVL001", "LVL002", "LVL003"] {
        assert!(!got.contains(&rule), "{rule} fires: {got:?}");
    }
    // Everything the rules needed came from the snapshot, the CDK-made security group's literal
    // VPC id included.
    assert_eq!(
        report.coverage.not_verified(),
        0,
        "{:#?}",
        unknown_reasons(&report)
    );
}

#[test]
fn without_the_snapshot_the_literal_ids_are_listed_as_not_verified() {
    for (case, group) in [
        ("bad-public-subnets", "Public"),
        ("good-private-with-egress", "Private"),
    ] {
        let (report, _) = run(case, false);
        assert!(
            !codes(&report).contains(&"LVL001"),
            "{case}: {:?}",
            codes(&report)
        );
        assert!(report.coverage.not_verified() > 0, "{case}");
        let reasons = unknown_reasons(&report);
        for id in context_subnets(group) {
            assert!(
                reasons
                    .iter()
                    .any(|r| r.contains(&format!("literal subnet id `{id}`"))),
                "{case}: {id} not listed: {reasons:#?}"
            );
        }
    }
}
