//! Meta-tests that keep the catalog honest: metadata files, the registry, fixtures, examples,
//! the README table and the contract in ../shared/RULES.md all agree.
//!
//! `LVL_UPDATE=1 cargo test --test catalog` rewrites the README table.

mod common;

use std::collections::BTreeSet;
use std::fs;

use lambda_vpc_lint::rules::{self, RuleMeta, REGISTRY};

fn is_input(m: &RuleMeta) -> bool {
    m.category == "input"
}

#[test]
fn metadata_files_and_registry_agree() {
    let root = common::repo().join("rules");
    let mut on_disk = BTreeSet::new();
    for cat in fs::read_dir(&root).unwrap() {
        let cat = cat.unwrap().path();
        if !cat.is_dir() {
            continue;
        }
        for f in fs::read_dir(&cat).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".yaml") && !name.starts_with('_') {
                let rel = format!(
                    "{}/{}",
                    cat.file_name().unwrap().to_string_lossy(),
                    name.trim_end_matches(".yaml")
                );
                on_disk.insert(rel);
            }
        }
    }
    let registered: BTreeSet<String> = REGISTRY.iter().map(|e| e.path.to_string()).collect();
    assert_eq!(
        on_disk, registered,
        "every rules/*/*.yaml file has exactly one registry line"
    );

    let ids: Vec<&str> = REGISTRY
        .iter()
        .map(|e| e.path.split('/').nth(1).unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the registry is sorted by ID");

    let mut seen = BTreeSet::new();
    for (entry, meta) in REGISTRY.iter().zip(rules::catalog()) {
        let (category, file) = entry.path.split_once('/').unwrap();
        assert_eq!(
            file,
            format!("{}-{}", meta.id, meta.slug),
            "{}: file name is <ID>-<slug>",
            entry.path
        );
        assert_eq!(
            category, meta.category,
            "{}: folder is the category",
            entry.path
        );
        assert!(seen.insert(meta.id.clone()), "duplicate ID {}", meta.id);
        assert!(
            seen.insert(meta.slug.clone()),
            "duplicate slug {}",
            meta.slug
        );
        let n: u32 = meta
            .id
            .trim_start_matches("LVL")
            .parse()
            .expect("LVL + 3 digits");
        let range = match meta.category.as_str() {
            "network" => 1..100,
            "iam" => 100..200,
            "managed-instances" => 200..300,
            "input" => 900..1000,
            other => panic!("{}: unknown category {other}", meta.id),
        };
        assert!(
            range.contains(&n),
            "{}: ID out of its category's range",
            meta.id
        );
        assert!(
            meta.may_emit.contains(&meta.severity),
            "{}: may_emit includes the default severity",
            meta.id
        );
        assert!(
            !meta.title.ends_with('.'),
            "{}: titles have no trailing period",
            meta.id
        );
        assert!(
            meta.why.len() > 80 && meta.fix.len() > 40,
            "{}: why and fix are written",
            meta.id
        );
        assert!(
            !meta.references.is_empty(),
            "{}: at least one reference",
            meta.id
        );
        assert_eq!(
            entry.check.is_none(),
            is_input(meta),
            "{}: catalog rules have code, input diagnostics none",
            meta.id
        );
        if !is_input(meta) {
            assert!(
                !meta.seeds.is_empty(),
                "{}: cites its seed document",
                meta.id
            );
            assert!(
                meta.examples.is_some(),
                "{}: has examples for both ecosystems",
                meta.id
            );
        }
    }
}

#[test]
fn every_rule_has_fixtures_in_both_ecosystems() {
    let root = common::repo().join("testdata/rules");
    for meta in rules::catalog().iter().filter(|m| !is_input(m)) {
        let dir = root.join(format!("{}-{}", meta.id, meta.slug));
        for eco in ["terraform", "cloudformation"] {
            let cases: Vec<String> = fs::read_dir(dir.join(eco))
                .unwrap_or_else(|_| panic!("{}: missing fixture folder {eco}", meta.id))
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
                .collect();
            for kind in ["bad-", "good-", "unknown-"] {
                assert!(
                    cases.iter().any(|c| c.starts_with(kind)),
                    "{} {eco}: needs at least one {kind}* case, has {cases:?}",
                    meta.id
                );
            }
            // No orphaned snapshot: every <case>.snap belongs to a case folder.
            for e in fs::read_dir(dir.join(eco)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "snap") {
                    let case = p.with_extension("");
                    assert!(case.is_dir(), "orphaned snapshot {}", p.display());
                }
            }
        }
    }
    // No fixture folder for a rule that does not exist.
    let known: BTreeSet<String> = rules::catalog()
        .iter()
        .map(|m| format!("{}-{}", m.id, m.slug))
        .collect();
    for e in fs::read_dir(&root).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(known.contains(&name), "testdata/rules/{name} names no rule");
    }
}

/// Docs examples are tests: run with their rule only (plus the input diagnostics), the bad
/// example produces exactly that rule's finding and the good example nothing, in both
/// ecosystems. Other rules may well have something to say about an example: it is kept short.
#[test]
fn examples_behave_as_documented() {
    let mut failures = Vec::new();
    for meta in rules::catalog() {
        let Some(ex) = &meta.examples else { continue };
        for (eco, file, e) in [
            ("terraform", "main.tf", &ex.terraform),
            ("cloudformation", "template.yaml", &ex.cloudformation),
        ] {
            for (kind, text) in [("bad", &e.bad), ("good", &e.good)] {
                let dir = tempfile::tempdir().unwrap();
                fs::write(dir.path().join(file), text).unwrap();
                let (report, _) = common::run_rules(
                    &[dir.path().to_path_buf()],
                    dir.path(),
                    vec![meta.id.clone()],
                );
                let codes: BTreeSet<&str> = report.diagnostics.iter().map(|d| d.code).collect();
                let ok = match kind {
                    "bad" => codes.len() == 1 && codes.contains(meta.id.as_str()),
                    _ => codes.is_empty(),
                };
                if !ok {
                    failures.push(format!(
                        "{} {eco} {kind} example reported {codes:?}",
                        meta.id
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The severities and slugs match the contract in ../shared/RULES.md.
#[test]
fn catalog_matches_the_contract() {
    let path = common::repo().join("../shared/RULES.md");
    let Ok(text) = fs::read_to_string(&path) else {
        common::missing_input("the rule contract RULES.md", &path);
        return;
    };
    for meta in rules::catalog() {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", meta.id)));
        // Input diagnostics are ours, except those the contract lists (LVL906 not-verified).
        let row = match row {
            Some(row) => row,
            None if is_input(meta) => continue,
            None => panic!("{} is not in RULES.md", meta.id),
        };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], meta.slug, "{}: slug as in RULES.md", meta.id);
        let declared: Vec<&str> = cells[3].split('/').map(str::trim).collect();
        let ours: Vec<&str> = meta.may_emit.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            declared[0],
            meta.severity.as_str(),
            "{}: severity as in RULES.md",
            meta.id
        );
        for s in &declared {
            assert!(
                ours.contains(s),
                "{}: RULES.md allows {s}, may_emit must list it",
                meta.id
            );
        }
    }
}

const BEGIN: &str = "<!-- rules:begin (generated from rules/*.yaml by tests/catalog.rs; LVL_UPDATE=1 cargo test --test catalog) -->";
const END: &str = "<!-- rules:end -->";

fn readme_table() -> String {
    let mut out = String::from("| ID | slug | severity | what it finds |\n|---|---|---|---|\n");
    for m in rules::catalog() {
        let sev: Vec<&str> = m.may_emit.iter().map(|s| s.as_str()).collect();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            m.id,
            m.slug,
            sev.join(" / "),
            m.title
        ));
    }
    out
}

#[test]
fn readme_rules_table_is_fresh() {
    let path = common::repo().join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md lacks the rules table markers");
    };
    let current = &readme[b + BEGIN.len()..e];
    let fresh = format!("\n{}", readme_table());
    if current != fresh {
        if std::env::var_os("LVL_UPDATE").is_some() {
            let updated = format!(
                "{}{}{}{}",
                &readme[..b + BEGIN.len()],
                fresh,
                END,
                &readme[e + END.len()..]
            );
            fs::write(&path, updated).unwrap();
        } else {
            panic!("README.md rules table is stale: run LVL_UPDATE=1 cargo test --test catalog");
        }
    }
}

#[test]
fn data_files_have_sources() {
    for f in ["data/managed-policies.json", "data/endpoint-services.json"] {
        let text = fs::read_to_string(common::repo().join(f)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let entries: Vec<&serde_json::Value> = ["policies", "services", "no_endpoint"]
            .iter()
            .filter_map(|k| json.get(k).and_then(|v| v.as_array()))
            .flatten()
            .collect();
        assert!(!entries.is_empty(), "{f}: has entries");
        for e in entries {
            let has_source = e
                .get("source")
                .and_then(|s| s.as_str())
                .is_some_and(|s| s.starts_with("https://"))
                || json.get("source").is_some();
            assert!(has_source, "{f}: every entry names its source: {e}");
        }
    }
}

/// `*` or `prefix:Name` (the name may hold `*` wildcards), as IAM writes actions.
fn is_action(a: &str) -> bool {
    a == "*"
        || a.split_once(':').is_some_and(|(prefix, name)| {
            !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'*' || c == b'-' || c == b'_')
        })
}

/// Every entry of data/managed-policies.json has the shape data/README.md documents, so a
/// typo (`action` for `actions`, a bare string where a list belongs, a statement with neither
/// actions nor resources) fails here instead of silently granting nothing: serde's defaults
/// would read such a statement as empty, and the linter would then report missing permissions.
#[test]
fn managed_policies_are_well_formed() {
    let text = fs::read_to_string(common::repo().join("data/managed-policies.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let count = check_managed_policies(&json);
    assert!(count >= 31, "policies were lost: {count}");
}

/// The check above catches the typo it exists for.
#[test]
#[should_panic(expected = "exactly one of `actions`, `not_actions`")]
fn a_statement_without_actions_is_malformed() {
    let json = serde_json::json!({"policies": [{
        "name": "AWSLambdaRole",
        "path": "/service-role/",
        "version": "v1",
        "version_date": "2015-02-06",
        "source": "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaRole.html",
        "checked": "2026-12-07",
        "statements": [{"effect": "Allow", "resources": ["*"]}]
    }]});
    check_managed_policies(&json);
}

/// Panics on the first malformed entry; returns how many policies there are.
fn check_managed_policies(json: &serde_json::Value) -> usize {
    let policies = json["policies"].as_array().expect("`policies` is a list");
    let mut names = BTreeSet::new();
    let str_list = |v: &serde_json::Value| -> Option<Vec<String>> {
        let a = v.as_array()?;
        a.iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .filter(|l| !l.is_empty())
    };
    for p in policies {
        let obj = p.as_object().expect("a policy is an object");
        let known = [
            "name",
            "path",
            "version",
            "version_date",
            "source",
            "checked",
            "note",
            "statements",
        ];
        for k in obj.keys() {
            assert!(known.contains(&k.as_str()), "unknown key `{k}` in {p}");
        }
        let field = |k: &str| {
            p[k].as_str()
                .unwrap_or_else(|| panic!("`{k}` missing: {p}"))
        };
        let name = field("name");
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_+=,.@-".contains(&c)),
            "bad name {name}"
        );
        assert!(names.insert(name.to_string()), "{name} is listed twice");
        let path = field("path");
        assert!(
            path.starts_with('/') && path.ends_with('/'),
            "{name}: path {path}"
        );
        let version = field("version");
        assert!(
            version.len() > 1
                && version.starts_with('v')
                && version[1..].bytes().all(|c| c.is_ascii_digit()),
            "{name}: version {version}"
        );
        assert!(
            common::is_day(field("version_date")),
            "{name}: version_date"
        );
        assert!(common::is_day(field("checked")), "{name}: checked");
        assert_eq!(
            field("source"),
            format!("https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{name}.html"),
            "{name}: source is its reference page"
        );
        let statements = p["statements"].as_array().expect("`statements` is a list");
        assert!(!statements.is_empty(), "{name}: no statements");
        for s in statements {
            let so = s.as_object().expect("a statement is an object");
            for k in so.keys() {
                assert!(
                    [
                        "effect",
                        "actions",
                        "not_actions",
                        "resources",
                        "not_resources",
                        "condition"
                    ]
                    .contains(&k.as_str()),
                    "{name}: unknown statement key `{k}`"
                );
            }
            assert!(
                matches!(s["effect"].as_str(), Some("Allow" | "Deny")),
                "{name}: effect in {s}"
            );
            let one_of = |a: &str, b: &str| match (so.get(a), so.get(b)) {
                (Some(v), None) | (None, Some(v)) => {
                    str_list(v).unwrap_or_else(|| panic!("{name}: `{a}`/`{b}` not a list in {s}"))
                }
                _ => panic!("{name}: exactly one of `{a}`, `{b}` in {s}"),
            };
            for a in one_of("actions", "not_actions") {
                assert!(is_action(&a), "{name}: action `{a}`");
            }
            for r in one_of("resources", "not_resources") {
                assert!(r == "*" || r.starts_with("arn:"), "{name}: resource `{r}`");
            }
            if let Some(c) = so.get("condition") {
                let ops = c.as_object().expect("condition is an object");
                assert!(!ops.is_empty(), "{name}: empty condition");
                for (op, keys) in ops {
                    let keys = keys.as_object().unwrap_or_else(|| panic!("{name}: {op}"));
                    assert!(!keys.is_empty(), "{name}: {op} has no keys");
                    for (k, v) in keys {
                        assert!(str_list(v).is_some(), "{name}: {op} {k}: values are a list");
                    }
                }
            }
        }
    }
    policies.len()
}
