//! Snapshot tests of the CloudFormation front end: each case folder under
//! testdata/frontends/cloudformation holds a template and the model dump beside it.

mod common;

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
/// never copied), each unit's templates as one run (linked templates form one group): no panic,
/// and the share of VPC functions whose subnets, route tables and role all resolved, with the
/// reasons for the rest.
#[test]
fn corpus_units_load() {
    use lambda_vpc_lint::analysis::routing::effective_table;
    use lambda_vpc_lint::frontend::cloudformation::RunInputs;
    use lambda_vpc_lint::model::Value;
    let root = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(units) = std::fs::read_to_string(root.join("UNITS.tsv")) else {
        common::missing_input("the shared corpus (set LVL_CORPUS)", &root);
        return;
    };
    let (mut files, mut linked, mut functions, mut vpc_functions) = (0, 0, 0, 0);
    let (mut subnets_known, mut tables_known, mut roles_known, mut all_known) = (0, 0, 0, 0);
    let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
    let note = |reasons: &mut std::collections::BTreeMap<String, usize>, what: &str, r: &str| {
        println!("    {what}: {r}");
        *reasons
            .entry(format!("{what}: {}", generalise(r)))
            .or_default() += 1;
    };
    for line in units.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [unit, ecosystem, _, _, paths] = cols.as_slice() else {
            continue;
        };
        if !matches!(*ecosystem, "cloudformation" | "sam" | "cdk") {
            continue;
        }
        let mut sources = SourceMap::default();
        let mut docs = Vec::new();
        for rel in paths.split_whitespace() {
            let path = root.join(rel);
            let Ok(text) = std::fs::read_to_string(&path) else {
                println!("{unit}: {rel} unreadable");
                continue;
            };
            let id = sources.add(SourceFile::new(path.clone(), rel.to_string(), text));
            match parse(id, sources.get(id)) {
                Ok(doc) if cloudformation::is_template(&doc) => docs.push((id, doc)),
                Ok(_) => println!("{unit}: {rel}: not a template"),
                Err(e) => println!("{unit}: {rel}: parse error: {}", e.message),
            }
        }
        files += docs.len();
        let refs: Vec<(FileId, &Document)> = docs.iter().map(|(id, d)| (*id, d)).collect();
        let inputs = RunInputs {
            roots: vec![root.clone()],
            ..RunInputs::default()
        };
        for group in cloudformation::groups(&refs, &sources, &inputs) {
            if group.len() > 1 {
                linked += group.len();
            }
            let members: Vec<(FileId, &Document)> = refs
                .iter()
                .filter(|(id, _)| group.contains(id))
                .copied()
                .collect();
            let loaded = cloudformation::load_group(&members, &sources, &inputs);
            let m = &loaded.model;
            let mut counts = (0, 0, 0, 0);
            for f in m.functions.iter() {
                let Some(v) = &f.vpc_config else { continue };
                counts.0 += 1;
                let mut subnets_ok = false;
                let mut tables_ok = false;
                match &v.subnets.value {
                    Value::Known(items) if items.iter().all(|i| i.value.is_known()) => {
                        subnets_ok = true;
                        tables_ok = true;
                        for id in items.iter().filter_map(|i| i.value.known()) {
                            if let Value::Unknown(r) = effective_table(m, *id) {
                                tables_ok = false;
                                note(&mut reasons, "route table", &r.0);
                            }
                        }
                    }
                    Value::Known(items) => {
                        for r in items.iter().filter_map(|i| i.value.reason()) {
                            note(&mut reasons, "subnet", &r.0);
                        }
                    }
                    Value::Unknown(r) => note(&mut reasons, "subnets", &r.0),
                }
                let role_ok = match f.role.value.reason() {
                    None => true,
                    Some(r) => {
                        note(&mut reasons, "role", &r.0);
                        false
                    }
                };
                counts.1 += usize::from(subnets_ok);
                counts.2 += usize::from(tables_ok);
                counts.3 += usize::from(role_ok);
                all_known += usize::from(subnets_ok && tables_ok && role_ok);
            }
            let (vpc, sub, rt, role) = counts;
            println!(
                "{unit}: {}: {} functions, {vpc} in a VPC, subnets {sub}/{vpc}, route tables {rt}/{vpc}, role {role}/{vpc}, {} diagnostics",
                m.unit,
                m.functions.len(),
                loaded.diagnostics.len()
            );
            functions += m.functions.len();
            vpc_functions += counts.0;
            subnets_known += counts.1;
            tables_known += counts.2;
            roles_known += counts.3;
        }
    }
    println!(
        "corpus: {files} templates ({linked} in linked groups), {functions} functions, {vpc_functions} in a VPC: subnets known {subnets_known}, route tables known {tables_known}, role known {roles_known}, all three {all_known}/{vpc_functions}"
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

/// Loads every template of a case folder as one run (the way the engine groups linked
/// templates) and snapshots the dump of each group as `group.snap`.
fn check_group(case: &str, parameter_files: &[(Option<&str>, &str)]) {
    let (loaded, sources, diagnostics) = load_group_case(case, parameter_files);
    let mut out = String::new();
    for l in &loaded {
        out.push_str(&format!("== unit {}\n", l.model.unit));
        out.push_str(&dump(&l.model, &sources));
    }
    for d in &diagnostics {
        let file = sources.get(d.span.file);
        let p = file.position(d.span.start);
        out.push_str(&format!(
            "diagnostic {} {}:{}:{}: {}\n",
            d.code, file.display, p.line, p.column, d.message
        ));
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(cases_dir().join(case));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("group", out));
}

type GroupRun = (
    Vec<Loaded>,
    SourceMap,
    Vec<lambda_vpc_lint::diagnostic::Diagnostic>,
);

fn load_group_case(case: &str, parameter_files: &[(Option<&str>, &str)]) -> GroupRun {
    use lambda_vpc_lint::frontend::cloudformation::{ParameterSets, RunInputs};
    let dir = cases_dir().join(case);
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![dir.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("case dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "json") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let mut sources = SourceMap::default();
    let mut ids = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = path
            .strip_prefix(&dir)
            .expect("inside the case")
            .to_string_lossy()
            .to_string();
        ids.push(sources.add(SourceFile::new(path.clone(), name, text)));
    }
    let mut pfiles = Vec::new();
    for (template, file) in parameter_files {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("parameters file");
        let id = sources.add(SourceFile::new(path, file.to_string(), text));
        // Relative to the working directory (the crate root), as a user would write it.
        let rel = Path::new("testdata/frontends/cloudformation").join(case);
        pfiles.push((template.map(|t| rel.join(t)), id));
    }
    let docs: Vec<(FileId, Document)> = ids
        .iter()
        .map(|&id| (id, parse(id, sources.get(id)).expect("parses")))
        .filter(|(_, doc)| cloudformation::is_template(doc))
        .collect();
    let ids: Vec<FileId> = docs.iter().map(|(id, _)| *id).collect();
    let refs: Vec<(FileId, &Document)> = docs.iter().map(|(id, d)| (*id, d)).collect();
    let (parameters, mut diagnostics) = ParameterSets::parse(&pfiles, &sources);
    diagnostics.extend(parameters.unmatched(&ids, &sources));
    let inputs = RunInputs {
        roots: vec![dir.clone()],
        parameters,
    };
    let mut loaded = Vec::new();
    for group in cloudformation::groups(&refs, &sources, &inputs) {
        let members: Vec<(FileId, &Document)> = refs
            .iter()
            .filter(|(id, _)| group.contains(id))
            .copied()
            .collect();
        let l = cloudformation::load_group(&members, &sources, &inputs);
        diagnostics.extend(l.diagnostics.iter().cloned());
        loaded.push(l);
    }
    drop(docs);
    (loaded, sources, diagnostics)
}

/// The CIDR blocks of the subnets a function's `VpcConfig` resolved to, with their files.
fn function_subnets(l: &Loaded, sources: &SourceMap, function: &str) -> Vec<String> {
    let f = l
        .model
        .functions
        .iter()
        .find(|f| f.meta.name == function)
        .expect("function");
    let subnets = f
        .vpc_config
        .as_ref()
        .expect("in a VPC")
        .subnets
        .known()
        .expect("known list");
    subnets
        .iter()
        .filter_map(|i| i.value.known())
        .map(|id| {
            let s = l.model.subnet(*id);
            format!(
                "{} {}",
                sources.get(s.meta.span.file).display,
                s.cidr.known().map(|c| c.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn references_name_the_entities_of_the_right_template() {
    let (loaded, sources, _) = load_group_case("import-export-pair", &[]);
    assert_eq!(loaded.len(), 1, "the two templates form one unit");
    assert_eq!(
        function_subnets(&loaded[0], &sources, "Single"),
        ["network.yaml 10.0.0.0/24"]
    );
    assert_eq!(
        function_subnets(&loaded[0], &sources, "Listed"),
        ["network.yaml 10.0.0.0/24", "network.yaml 10.0.1.0/24"]
    );
    let (loaded, sources, _) = load_group_case("nested-stack", &[]);
    assert_eq!(loaded.len(), 1);
    assert_eq!(
        function_subnets(&loaded[0], &sources, "Function"),
        [
            "stacks/network.yaml 10.10.1.0/24",
            "stacks/network.yaml 10.20.1.0/24"
        ]
    );
}

#[test]
fn parameter_subnet_association() {
    check_case("parameter-subnet-association");
}

#[test]
fn get_stack_output() {
    check_group("get-stack-output", &[]);
    let (loaded, sources, _) = load_group_case("get-stack-output", &[]);
    assert_eq!(
        loaded.len(),
        2,
        "producer and consumer form one unit, beside another app's"
    );
    let unit = loaded
        .iter()
        .find(|l| l.model.functions.iter().any(|f| f.meta.name == "Function"))
        .expect("the consumer's unit");
    assert_eq!(
        function_subnets(unit, &sources, "Function"),
        ["network.yaml 10.0.0.0/24", "network.yaml 10.0.1.0/24"]
    );
    assert!(function_subnets(unit, &sources, "Unresolved").is_empty());
}

#[test]
fn import_export_pair() {
    check_group("import-export-pair", &[]);
}

#[test]
fn parameters_file() {
    check_group(
        "parameters-file",
        &[
            (None, "cfn-params.json"),
            (None, "pipeline-config.json"),
            (Some("template.yaml"), "overrides.env"),
            (Some("elsewhere.yaml"), "overrides.env"),
        ],
    );
}

#[test]
fn nested_stack() {
    check_group("nested-stack", &[]);
}

#[test]
fn nested_stack_zones() {
    check_group("nested-stack-zones", &[]);
}

#[test]
fn fn_cidr() {
    check_case("fn-cidr");
}

#[test]
fn import_cycle() {
    check_group("import-cycle", &[]);
}

/// `--parameters` through the engine: a value outside `AllowedValues` is reported in the
/// parameters file, and a `TEMPLATE=FILE` set for a template that is not linted is reported.
#[test]
fn engine_reads_parameter_files() {
    use lambda_vpc_lint::engine::{lint, Options};
    let dir = cases_dir().join("parameters-file");
    let options = Options {
        paths: vec![dir.join("template.yaml")],
        jobs: 1,
        base: dir.clone(),
        cloudformation: lambda_vpc_lint::frontend::cloudformation::Options {
            parameter_files: vec![
                (None, dir.join("pipeline-config.json")),
                (Some(dir.join("missing.yaml")), dir.join("overrides.env")),
            ],
            ..Default::default()
        },
        ..Options::default()
    };
    let (report, sources) = lint(&options);
    let got: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let f = sources.get(d.span.file);
            format!("{} {}:{}", d.code, f.display, f.position(d.span.start).line)
        })
        .collect();
    assert_eq!(
        got,
        ["LVL901 overrides.env:1", "LVL901 pipeline-config.json:4"],
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(report.stats.templates, 1);
}
