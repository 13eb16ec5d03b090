//! data/endpoint-services.json is read with serde defaults, so a typo in a key or a suffix
//! pasted from the PrivateLink guide's PDF (`kms-ﬁps`, `com.amazonaws.us-east-1.sqs`) would load
//! silently and name an endpoint no VPC has: LVL002 would then report reachable services. These
//! checks reject such entries (format in data/README.md).

mod common;

use std::collections::BTreeSet;
use std::fs;

use serde_json::{Map, Value};

fn data() -> Value {
    let path = common::repo().join("data/endpoint-services.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// A service-name suffix as AWS writes it: `sqs`, `ecr.dkr`, `kms-fips`, `sagemaker.runtime`.
fn is_suffix(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && !s.starts_with(['.', '-'])
        && !s.ends_with(['.', '-'])
        && !s.contains("..")
        && !s.starts_with("com.")
}

fn is_prefix(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

fn string<'a>(e: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    e.get(k).and_then(Value::as_str)
}

/// Everything wrong with one `services` entry.
fn service_problems(e: &Map<String, Value>, levels: &Map<String, Value>) -> Vec<String> {
    const KEYS: [&str; 8] = [
        "iam_prefix",
        "endpoints",
        "gateway",
        "global_service_name",
        "evidence",
        "source",
        "checked",
        "note",
    ];
    let mut out = Vec::new();
    for k in e.keys() {
        if !KEYS.contains(&k.as_str()) {
            out.push(format!("unknown key `{k}`"));
        }
    }
    if !string(e, "iam_prefix").is_some_and(is_prefix) {
        out.push("iam_prefix is not a lower-case IAM service prefix".into());
    }
    let endpoints: Vec<&Value> = e
        .get("endpoints")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if endpoints.is_empty() {
        out.push("endpoints is missing or empty".into());
    }
    let mut seen = BTreeSet::new();
    for ep in &endpoints {
        match ep.as_str() {
            Some(s) if is_suffix(s) => {
                if !seen.insert(s) {
                    out.push(format!("endpoint `{s}` twice"));
                }
            }
            _ => out.push(format!(
                "endpoint {ep} is not a suffix after com.amazonaws.<region>."
            )),
        }
    }
    if e.get("gateway").is_some_and(|g| !g.is_boolean()) {
        out.push("gateway is not a boolean".into());
    }
    if let Some(g) = e.get("global_service_name") {
        let suffix = g.as_str().and_then(|g| g.strip_prefix("com.amazonaws."));
        if !suffix.is_some_and(|s| is_suffix(s) && seen.contains(s)) {
            out.push(format!(
                "global_service_name {g} is not com.amazonaws.<one of the endpoints>"
            ));
        }
    }
    if !string(e, "evidence").is_some_and(|v| levels.contains_key(v)) {
        out.push("evidence is not one of evidence_levels".into());
    }
    if !string(e, "source").is_some_and(|s| s.starts_with("https://")) {
        out.push("source is not an https URL".into());
    }
    if e.get("checked").is_some() && !string(e, "checked").is_some_and(common::is_day) {
        out.push("checked is not a YYYY-MM-DD date".into());
    }
    if e.get("note")
        .is_some_and(|n| n.as_str().is_none_or(str::is_empty))
    {
        out.push("note is not a non-empty string".into());
    }
    out
}

fn no_endpoint_problems(e: &Map<String, Value>) -> Vec<String> {
    const KEYS: [&str; 5] = ["iam_prefix", "service", "note", "source", "checked"];
    let mut out = Vec::new();
    for k in e.keys() {
        if !KEYS.contains(&k.as_str()) {
            out.push(format!("unknown key `{k}`"));
        }
    }
    if !string(e, "iam_prefix").is_some_and(is_prefix) {
        out.push("iam_prefix is not a lower-case IAM service prefix".into());
    }
    for k in ["service", "note"] {
        if string(e, k).is_none_or(str::is_empty) {
            out.push(format!("{k} is missing"));
        }
    }
    if !string(e, "source").is_some_and(|s| s.starts_with("https://")) {
        out.push("source is not an https URL".into());
    }
    if !string(e, "checked").is_some_and(common::is_day) {
        out.push("checked is not a YYYY-MM-DD date".into());
    }
    out
}

/// All problems of the file, one line each.
fn problems(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let empty = Map::new();
    let levels = json
        .get("evidence_levels")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if levels.is_empty() {
        out.push("evidence_levels is missing".into());
    }
    if !json
        .get("checked")
        .and_then(Value::as_str)
        .is_some_and(common::is_day)
    {
        out.push("checked is not a YYYY-MM-DD date".into());
    }
    let mut prefixes = BTreeSet::new();
    let services = json.get("services").and_then(Value::as_array);
    for (i, e) in services.into_iter().flatten().enumerate() {
        let Some(e) = e.as_object() else {
            out.push(format!("services[{i}] is not an object"));
            continue;
        };
        let name = string(e, "iam_prefix").unwrap_or("?");
        for p in service_problems(e, levels) {
            out.push(format!("services[{i}] ({name}): {p}"));
        }
        if !prefixes.insert(name.to_string()) {
            out.push(format!("services[{i}] ({name}): prefix listed twice"));
        }
    }
    let none = json.get("no_endpoint").and_then(Value::as_array);
    for (i, e) in none.into_iter().flatten().enumerate() {
        let Some(e) = e.as_object() else {
            out.push(format!("no_endpoint[{i}] is not an object"));
            continue;
        };
        let name = string(e, "iam_prefix").unwrap_or("?");
        for p in no_endpoint_problems(e) {
            out.push(format!("no_endpoint[{i}] ({name}): {p}"));
        }
        if prefixes.contains(name) {
            out.push(format!(
                "no_endpoint[{i}] ({name}): also listed with endpoints"
            ));
        }
    }
    out
}

#[test]
fn endpoint_data_is_well_formed() {
    let json = data();
    assert!(
        json["services"].as_array().is_some_and(|s| s.len() > 100),
        "the table lists its services"
    );
    let found = problems(&json);
    assert!(
        found.is_empty(),
        "data/endpoint-services.json:\n{}",
        found.join("\n")
    );
}

/// A change that breaks one entry.
type Mutation = Box<dyn Fn(&mut Value)>;

/// The check itself: each kind of mistake above is caught.
#[test]
fn malformed_entries_are_rejected() {
    fn first(json: &mut Value) -> &mut Value {
        &mut json["services"][0]
    }
    let good = data();
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut json = good.clone();
        f(&mut json);
        problems(&json)
    };
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "ligature",
            Box::new(|j| first(j)["endpoints"] = serde_json::json!(["kms-\u{fb01}ps"])),
        ),
        (
            "full name",
            Box::new(|j| {
                first(j)["endpoints"] = serde_json::json!(["com.amazonaws.us-east-1.sqs"])
            }),
        ),
        (
            "PDF line break",
            Box::new(|j| {
                first(j)["endpoints"] = serde_json::json!(["bedrock-data-automation-ru ntime"])
            }),
        ),
        (
            "no endpoints",
            Box::new(|j| first(j)["endpoints"] = serde_json::json!([])),
        ),
        (
            "typo in a key",
            Box::new(|j| first(j)["endpionts"] = serde_json::json!(["s3"])),
        ),
        (
            "upper-case prefix",
            Box::new(|j| first(j)["iam_prefix"] = "S3".into()),
        ),
        (
            "unknown evidence",
            Box::new(|j| first(j)["evidence"] = "aws-list-2021".into()),
        ),
        (
            "http source",
            Box::new(|j| first(j)["source"] = "http://example.com".into()),
        ),
        (
            "bad date",
            Box::new(|j| first(j)["checked"] = "7 Dec 2026".into()),
        ),
        (
            "global name not an endpoint",
            Box::new(|j| first(j)["global_service_name"] = "com.amazonaws.route53".into()),
        ),
        (
            "duplicate prefix",
            Box::new(|j| {
                let copy = j["services"][0].clone();
                j["services"].as_array_mut().unwrap().push(copy);
            }),
        ),
        (
            "prefix in both lists",
            Box::new(|j| j["no_endpoint"][0]["iam_prefix"] = "s3".into()),
        ),
        (
            "no_endpoint without source",
            Box::new(|j| {
                j["no_endpoint"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("source");
            }),
        ),
    ];
    for (what, f) in cases {
        assert!(!mutate(&*f).is_empty(), "not caught: {what}");
    }
}

/// Facts the rules rely on, as read on 2026-12-07 (data/README.md): the names of split
/// services and of the services this table was widened for.
#[test]
fn widened_services_name_their_endpoints() {
    use lambda_vpc_lint::analysis::data::endpoints_for;
    let names = |p: &str| {
        endpoints_for(p)
            .unwrap_or_else(|| panic!("{p} is listed"))
            .to_vec()
    };
    assert_eq!(names("translate"), ["translate"]);
    assert_eq!(names("textract"), ["textract", "textract-fips"]);
    // LVL002's fix suggests the first name: the one a function's calls need most often.
    assert_eq!(names("lex"), ["runtime-v2-lex", "models-v2-lex"]);
    assert_eq!(names("appconfig")[0], "appconfigdata");
    assert_eq!(names("bedrock")[0], "bedrock-runtime");
    assert_eq!(names("sagemaker")[0], "sagemaker.runtime");
    assert!(names("cloudformation").contains(&"cloudcontrolapi".to_string()));
    assert_eq!(names("tag"), ["tagging"]);
    // Left out on purpose: their endpoints use ports or DNS the endpoint rules would misjudge.
    for p in ["ses", "cassandra", "iot", "es"] {
        assert!(endpoints_for(p).is_none(), "{p} must stay unlisted");
    }
}
