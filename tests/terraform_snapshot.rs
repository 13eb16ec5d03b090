//! Terraform data sources read from the AWS snapshot (`--aws-snapshot`), end to end: the
//! fixtures under `testdata/terraform-snapshot/` find their network with `data "aws_subnets"`,
//! `aws_vpc`, `aws_security_group(s)`, `aws_iam_role` and `aws_ssm_parameter` (all validated
//! with terraform 1.11 and hashicorp/aws 5.100), against the hand-written CLI-shaped account in
//! `testdata/terraform-snapshot/account/`: an `app` VPC with public subnets (their table → an
//! internet gateway) and private ones (each zone → its own NAT gateway), and the default VPC.

use std::path::{Path, PathBuf};

mod common;

use lambda_vpc_lint::engine::{lint, Options, Report};
use lambda_vpc_lint::report::Format;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/terraform-snapshot")
}

fn run(case: &str, with_snapshot: bool) -> Report {
    let base = fixtures();
    lint(&Options {
        paths: vec![base.join(case)],
        jobs: 1,
        base: base.clone(),
        aws_snapshot: if with_snapshot {
            vec![base.join("account")]
        } else {
            Vec::new()
        },
        ..Options::default()
    })
    .0
}

/// The network rules (LVL0xx) without LVL016 (these functions call no AWS service), deduplicated.
fn network(report: &Report) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = report
        .diagnostics
        .iter()
        .map(|d| d.code)
        .filter(|c| c.starts_with("LVL0") && *c != "LVL016")
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn subnets_found_by_tag_in_a_public_subnet_are_lvl001() {
    // Without the snapshot the data sources are unknown: silent.
    assert_eq!(network(&run("public-by-tag", false)), Vec::<&str>::new());
    let report = run("public-by-tag", true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
    // The finding points at the data source that selects the subnets, its proof into the
    // snapshot files.
    let base = fixtures();
    let (full, sources) = lint(&Options {
        paths: vec![base.join("public-by-tag")],
        jobs: 1,
        base: base.clone(),
        aws_snapshot: vec![base.join("account")],
        ..Options::default()
    });
    insta::assert_snapshot!(
        "public_by_tag_text",
        common::render_to_string(&full, &sources, Format::Text)
    );
    // The role found by name resolved too: AWSLambdaVPCAccessExecutionRole grants the ENI
    // actions.
    assert!(
        !report.diagnostics.iter().any(|d| d.code == "LVL101"),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn the_private_counterpart_is_silent_and_fully_verified() {
    let report = run("private-by-tag", true);
    assert_eq!(
        network(&report),
        Vec::<&str>::new(),
        "{:#?}",
        report.diagnostics
    );
    // Every data source resolved: what is left unverified is the VPC's DNS settings, which
    // `describe-vpcs` does not print.
    let coverage = format!("{:?}", report.coverage);
    assert!(!coverage.contains("data.aws_"), "{coverage}");
    assert!(coverage.contains("DNS"), "{coverage}");
    // Without the snapshot the data sources are what is unknown.
    let without = format!("{:?}", run("private-by-tag", false).coverage);
    assert!(without.contains("data.aws_subnets.private"), "{without}");
}

#[test]
fn the_default_vpc_and_its_subnets_as_terraform_aws_modules_examples_write_them() {
    let report = run("default-vpc", true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
}

#[test]
fn a_string_list_parameter_split_into_subnet_ids() {
    let report = run("ssm-list", true);
    assert_eq!(network(&report), ["LVL001"], "{:#?}", report.diagnostics);
}

#[test]
fn a_filter_the_linter_does_not_evaluate_stays_unknown() {
    let report = run("unknown-filter", true);
    assert_eq!(
        network(&report),
        Vec::<&str>::new(),
        "{:#?}",
        report.diagnostics
    );
    assert!(report.coverage.not_verified() > 0, "{:#?}", report.coverage);
}

#[test]
fn the_moto_made_account_through_data_sources() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let account = base.join("testdata/snapshots/public-subnet");
    assert!(
        account.join("describe-subnets.json").is_file(),
        "the moto-made snapshots of testdata/snapshots/ are missing"
    );
    let lint_case = |case: &str| {
        lint(&Options {
            paths: vec![fixtures().join("moto-public-subnet").join(case)],
            jobs: 1,
            base: base.to_path_buf(),
            aws_snapshot: vec![account.clone()],
            ..Options::default()
        })
        .0
    };
    let bad = lint_case("bad");
    assert_eq!(network(&bad), ["LVL001"], "{:#?}", bad.diagnostics);
    // The finding's proof walks into the snapshot's files.
    let d = bad.diagnostics.iter().find(|d| d.code == "LVL001").unwrap();
    assert!(d.proof.len() >= 2, "{d:#?}");
    let good = lint_case("good");
    assert_eq!(
        network(&good),
        Vec::<&str>::new(),
        "{:#?}",
        good.diagnostics
    );
}

/// The moto-made scenarios of `testdata/snapshots/` whose Terraform reads the account through
/// the data sources evaluated here, checked against `EXPECTED.tsv` (codes that fire, codes that
/// stay silent).
#[test]
fn moto_scenarios_that_read_the_account_through_data_sources_meet_expected_tsv() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/snapshots");
    let expected = std::fs::read_to_string(base.join("EXPECTED.tsv"))
        .expect("testdata/snapshots/EXPECTED.tsv is missing");
    let mut checked = 0;
    for line in expected.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [scenario, "terraform", case, fires, silent, ..] = cols.as_slice() else {
            continue;
        };
        let dir = base.join(scenario).join("terraform").join(case);
        let main = std::fs::read_to_string(dir.join("main.tf")).unwrap_or_default();
        if !main.contains("data \"aws_ssm_parameter\"") && !main.contains("data \"aws_subnets\"") {
            continue;
        }
        let report = lint(&Options {
            paths: vec![dir],
            jobs: 1,
            base: base.clone(),
            aws_snapshot: vec![base.join(scenario)],
            ..Options::default()
        })
        .0;
        let got = network(&report);
        for code in fires.split(',').filter(|c| *c != "none" && !c.is_empty()) {
            assert!(
                got.contains(&code),
                "{scenario}/{case}: {code} expected, got {got:?}"
            );
        }
        for code in silent.split(',').filter(|c| !c.is_empty()) {
            assert!(
                !got.contains(&code),
                "{scenario}/{case}: {code} must stay silent, got {got:?}"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "no scenario reads the account through data sources"
    );
}

/// `data "aws_vpc"` exposes the DNS attributes of `describe-vpc-attribute` output (moto's
/// `vpc-dns` account: `hostnames-off-vpc` has DNS hostnames off), and the VPC it finds decides
/// LVL018 for an endpoint the configuration adds to it.
#[test]
fn data_aws_vpc_dns_attributes_come_from_describe_vpc_attribute() {
    let account = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/snapshots/vpc-dns");
    assert!(
        account.join("describe-vpcs.json").is_file(),
        "the moto-made snapshots of testdata/snapshots/ are missing"
    );
    let config = |vpc_name: &str| {
        format!(
            r#"data "aws_vpc" "shared" {{
  tags = {{ Name = "{vpc_name}" }}
}}

resource "aws_vpc_endpoint" "sqs" {{
  vpc_id              = data.aws_vpc.shared.id
  service_name        = "com.amazonaws.eu-west-1.sqs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}}

# What careful modules write: private DNS only where the VPC can serve it.
resource "aws_vpc_endpoint" "sns" {{
  vpc_id              = data.aws_vpc.shared.id
  service_name        = "com.amazonaws.eu-west-1.sns"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = data.aws_vpc.shared.enable_dns_hostnames && data.aws_vpc.shared.enable_dns_support
}}
"#
        )
    };
    let lint_config = |text: &str, snapshot: &Path| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        let report = lint(&Options {
            paths: vec![dir.path().to_path_buf()],
            jobs: 1,
            base: dir.path().to_path_buf(),
            aws_snapshot: vec![snapshot.to_path_buf()],
            ..Options::default()
        })
        .0;
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "LVL018")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let off = lint_config(&config("hostnames-off-vpc"), &account);
    assert_eq!(off.len(), 1, "{off:#?}");
    assert!(
        off[0].contains("`aws_vpc_endpoint.sqs`") && off[0].contains("DNS hostnames disabled"),
        "{off:#?}"
    );
    assert_eq!(
        lint_config(&config("hostnames-on-vpc"), &account),
        Vec::<String>::new()
    );
    // Without the attribute files the attributes are unknown: silent, never a guess.
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&account).unwrap().flatten() {
        let name = f.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with("describe-vpc-attribute-") {
            std::fs::copy(f.path(), dir.path().join(&name)).unwrap();
        }
    }
    assert_eq!(
        lint_config(&config("hostnames-off-vpc"), dir.path()),
        Vec::<String>::new()
    );
}
