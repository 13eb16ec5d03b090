//! Snapshot tests of the CloudFormation front end: each case folder under
//! testdata/frontends/cloudformation holds a template and the model dump beside it.

use std::path::{Path, PathBuf};

use lambda_vpc_lint::frontend::{cloudformation, Loaded};
use lambda_vpc_lint::model::dump::dump;
use lambda_vpc_lint::source::{FileId, SourceFile, SourceMap};
use lambda_vpc_lint::syntax::{self, Document, Limits};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/frontends/cloudformation")
}

fn parse(id: FileId, file: &SourceFile) -> Result<Document, syntax::SyntaxError> {
    let limits = Limits::default();
    if file.path.extension().is_some_and(|e| e == "json") {
        syntax::json::parse(id, &file.text, &limits)
    } else {
        syntax::yaml::parse(id, &file.text, &limits)
    }
}

/// Parses and loads one file; the display path is the file name, so snapshots do not depend on
/// where the repository lives.
fn load(path: &Path, display: &str) -> (Loaded, SourceMap) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(
        path.to_path_buf(),
        display.to_string(),
        text,
    ));
    let doc =
        parse(id, sources.get(id)).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    assert!(
        cloudformation::is_template(&doc),
        "{} is not recognised as a template",
        path.display()
    );
    (cloudformation::load(id, &doc, &sources), sources)
}

fn check_case(case: &str) {
    let dir = cases_dir().join(case);
    let mut found = 0;
    for name in ["template.yaml", "template.json"] {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        found += 1;
        let (loaded, sources) = load(&path, name);
        let mut out = dump(&loaded.model, &sources);
        for d in &loaded.diagnostics {
            let p = sources.get(d.span.file).position(d.span.start);
            out.push_str(&format!(
                "diagnostic {} {}:{}: {}\n",
                d.code, p.line, p.column, d.message
            ));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, out));
    }
    assert!(found > 0, "case {case} has no template");
}

#[test]
fn vpc_public_private() {
    check_case("vpc-public-private");
}

#[test]
fn sub_join_getatt() {
    check_case("sub-join-getatt");
}

#[test]
fn parameters() {
    check_case("parameters");
}

#[test]
fn conditions() {
    check_case("conditions");
}

#[test]
fn sam_globals_implicit_role() {
    check_case("sam-globals-implicit-role");
}

#[test]
fn cdk_style() {
    check_case("cdk-style");
}

#[test]
fn endpoints() {
    check_case("endpoints");
}

#[test]
fn sg_rules() {
    check_case("sg-rules");
}

#[test]
fn sg_default_egress() {
    check_case("sg-default-egress");
}

#[test]
fn cdk_placeholder_egress() {
    check_case("cdk-placeholder-egress");
}

#[test]
fn sg_rule_resources() {
    check_case("sg-rule-resources");
}

#[test]
fn capacity_provider() {
    check_case("capacity-provider");
}

#[test]
fn condition_function_refs() {
    check_case("condition-function-refs");
}

/// Runs the loader over the CloudFormation / SAM / CDK units of the shared corpus (read in place,
/// never copied): no panic, and per file the functions whose subnets and role resolved.
#[test]
fn corpus_units_load() {
    let root = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(units) = std::fs::read_to_string(root.join("UNITS.tsv")) else {
        println!(
            "corpus not found at {} (set LVL_CORPUS): skipping",
            root.display()
        );
        return;
    };
    let (mut files, mut functions, mut vpc_functions, mut subnets_known, mut roles_known) =
        (0, 0, 0, 0, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    for line in units.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [unit, ecosystem, _, _, paths] = cols.as_slice() else {
            continue;
        };
        if !matches!(*ecosystem, "cloudformation" | "sam" | "cdk") {
            continue;
        }
        for rel in paths.split_whitespace() {
            let path = root.join(rel);
            let Ok(text) = std::fs::read_to_string(&path) else {
                println!("{unit}: {rel} unreadable");
                continue;
            };
            let mut sources = SourceMap::default();
            let id = sources.add(SourceFile::new(path.clone(), rel.to_string(), text));
            let doc = match parse(id, sources.get(id)) {
                Ok(doc) => doc,
                Err(e) => {
                    println!("{unit}: {rel}: parse error: {}", e.message);
                    continue;
                }
            };
            if !cloudformation::is_template(&doc) {
                println!("{unit}: {rel}: not a template");
                continue;
            }
            files += 1;
            let loaded = cloudformation::load(id, &doc, &sources);
            let m = &loaded.model;
            let mut f_subnets = 0;
            let mut f_roles = 0;
            for f in &m.functions {
                if let Some(v) = &f.vpc_config {
                    match &v.subnets.value {
                        lambda_vpc_lint::model::Value::Known(items)
                            if items.iter().all(|i| i.value.is_known()) =>
                        {
                            f_subnets += 1
                        }
                        lambda_vpc_lint::model::Value::Known(items) => {
                            for i in items {
                                if let Some(r) = i.value.reason() {
                                    *reasons.entry(format!("subnet: {}", r.0)).or_default() += 1;
                                }
                            }
                        }
                        lambda_vpc_lint::model::Value::Unknown(r) => {
                            *reasons.entry(format!("subnets: {}", r.0)).or_default() += 1;
                        }
                    }
                }
                match f.role.value.reason() {
                    None => f_roles += 1,
                    Some(r) => {
                        *reasons
                            .entry(format!("role: {}", generalise(&r.0)))
                            .or_default() += 1
                    }
                }
            }
            let vpc = m
                .functions
                .iter()
                .filter(|f| f.vpc_config.is_some())
                .count();
            println!(
                "{unit}: {rel}: {} functions, {vpc} in a VPC, subnets known {f_subnets}/{vpc}, role known {f_roles}/{}, {} diagnostics",
                m.functions.len(),
                m.functions.len(),
                loaded.diagnostics.len()
            );
            functions += m.functions.len();
            vpc_functions += vpc;
            subnets_known += f_subnets;
            roles_known += f_roles;
        }
    }
    println!(
        "corpus: {files} templates, {functions} functions, {vpc_functions} in a VPC, subnets known {subnets_known}/{vpc_functions}, roles known {roles_known}/{functions}"
    );
    for (reason, n) in &reasons {
        println!("  {n:3} × {reason}");
    }
    assert!(
        files > 0 && functions > 0,
        "the corpus has CloudFormation units with functions"
    );
}

/// Strips names from a reason so the summary groups alike reasons.
fn generalise(reason: &str) -> String {
    let mut out = String::new();
    let mut in_name = false;
    for c in reason.chars() {
        if c == '`' {
            in_name = !in_name;
            out.push_str(if in_name { "`…" } else { "`" });
        } else if !in_name {
            out.push(c);
        }
    }
    out
}
