//! Snapshot tests of the Terraform front end: each directory under
//! `testdata/frontends/terraform/` is one module; its model dump (and any diagnostics) is
//! compared with `model.snap` beside it.

mod common;

use std::path::{Path, PathBuf};

use lambda_vpc_lint::frontend::{terraform, Loaded};
use lambda_vpc_lint::model::dump::dump;
use lambda_vpc_lint::source::{SourceFile, SourceMap};

fn is_terraform(p: &Path) -> bool {
    let n = p.to_string_lossy();
    n.ends_with(".tf")
        || n.ends_with(".tf.json")
        || n.ends_with(".tfvars")
        || n.ends_with(".tfvars.json")
        || n.ends_with("modules.json")
}

/// Every Terraform file under `dir` (child modules and `.terraform/modules` included), sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("case dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if is_terraform(&p) && !p.to_string_lossy().contains("/vars/") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A case is a root module in its directory, with the modules it calls in subdirectories.
/// An optional `inputs.txt` gives variable inputs, one per line, in order: `env NAME=VALUE`,
/// `var NAME=VALUE` or `var-file PATH` (relative to the case; such files live in `vars/`).
fn load_dir(dir: &Path, display_prefix: &str) -> (Loaded, SourceMap) {
    let mut sources = SourceMap::default();
    let mut dirs = terraform::Dirs::new();
    let add = |sources: &mut SourceMap, p: &Path| {
        let text = std::fs::read_to_string(p).expect("read");
        let rel = p.strip_prefix(dir).unwrap_or(p).display().to_string();
        sources.add(SourceFile::new(
            p.to_path_buf(),
            format!("{display_prefix}{rel}"),
            text,
        ))
    };
    for p in walk(dir) {
        let id = add(&mut sources, &p);
        dirs.entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(id);
    }
    // As when the case directory is linted: `file()` may read inside it only.
    let mut inputs = terraform::VarInputs {
        read_roots: std::fs::canonicalize(dir).into_iter().collect(),
        ..Default::default()
    };
    if let Ok(text) = std::fs::read_to_string(dir.join("inputs.txt")) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (kind, rest) = line.split_once(' ').expect("`kind value` in inputs.txt");
            match kind {
                "env" | "var" => {
                    let (k, v) = rest.split_once('=').expect("NAME=VALUE");
                    if kind == "env" {
                        inputs.env.push((k.into(), v.into()));
                    } else {
                        inputs
                            .cli
                            .push(terraform::CliVar::Assign(k.into(), v.into()));
                    }
                }
                "var-file" => {
                    let id = add(&mut sources, &dir.join(rest));
                    inputs.cli.push(terraform::CliVar::File(id));
                }
                other => panic!("unknown input kind {other}"),
            }
        }
    }
    let loaded = terraform::load_root(
        display_prefix.trim_end_matches('/'),
        dir,
        &terraform::DirIndex::new(&dirs),
        &sources,
        &inputs,
    );
    (loaded, sources)
}

fn render(dir: &Path, case: &str) -> String {
    let (out, sources) = load_dir(dir, &format!("{case}/"));
    let mut s = dump(&out.model, &sources);
    for d in &out.diagnostics {
        let f = sources.get(d.span.file);
        let p = f.position(d.span.start);
        s.push_str(&format!(
            "diagnostic {} {}:{}:{} {}\n",
            d.code, f.display, p.line, p.column, d.message
        ));
    }
    s
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/frontends/terraform");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("testdata")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    out.sort();
    out
}

#[test]
fn snapshots() {
    let cases = cases();
    assert!(
        cases.len() >= 7,
        "expected the terraform front-end cases, found {}",
        cases.len()
    );
    for (case, dir) in cases {
        let text = render(&dir, &case);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&dir);
        settings.bind(|| insta::assert_snapshot!("model", text));
    }
}

/// Loads every Terraform module of the shared corpus (`$LVL_CORPUS`, else `../shared/corpus`
/// beside the repository): no panic, no parse error, and a summary of what is known.
#[test]
fn corpus() {
    use std::collections::BTreeMap;

    use lambda_vpc_lint::model::{Model, Value};

    let root = std::env::var_os("LVL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(units) = std::fs::read_to_string(root.join("UNITS.tsv")) else {
        common::missing_input("the shared corpus (set LVL_CORPUS)", &root);
        return;
    };
    // One Terraform module per directory of the listed files.
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for line in units.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(1) != Some(&"terraform") {
            continue;
        }
        for f in cols.get(4).copied().unwrap_or("").split_whitespace() {
            if f.ends_with(".tf") || f.ends_with(".tf.json") {
                let p = root.join(f);
                modules
                    .entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
                    .or_default()
                    .push(p);
            }
        }
    }
    assert!(
        !modules.is_empty(),
        "no Terraform units listed in the corpus"
    );

    fn subnets_known(m: &Model, f: &lambda_vpc_lint::model::Function) -> bool {
        let _ = m;
        f.vpc_config.as_ref().is_some_and(|v| {
            v.subnets
                .known()
                .is_some_and(|items| items.iter().all(|i| i.value.is_known()))
        })
    }
    // A subnet without an association uses its VPC's main table (explicit or implicit).
    fn tables_known(m: &Model, f: &lambda_vpc_lint::model::Function) -> bool {
        let Some(items) = f.vpc_config.as_ref().and_then(|v| v.subnets.known()) else {
            return false;
        };
        items.iter().all(|i| match &i.value {
            Value::Known(s) => {
                m.route_table_associations
                    .iter()
                    .any(|a| a.subnet.known() == Some(s) && a.route_table.is_known())
                    || m.subnet(*s).vpc.value.is_known()
            }
            Value::Unknown(_) => false,
        })
    }

    // Each listed directory is a root; the modules it calls are looked up among all Terraform
    // files of its repository in the corpus (the directory tree it lives in).
    let repo_of = |dir: &Path| -> PathBuf {
        dir.strip_prefix(&root)
            .ok()
            .and_then(|r| r.components().next())
            .map(|c| root.join(c.as_os_str()))
            .unwrap_or_else(|| dir.to_path_buf())
    };
    let (mut total_fns, mut total_vpc) = (0, 0);
    let (mut total_subnets, mut total_tables, mut total_roles, mut total_all) = (0, 0, 0, 0);
    for dir in modules.into_keys() {
        let mut sources = SourceMap::default();
        let mut dirs = terraform::Dirs::new();
        for p in walk(&repo_of(&dir)) {
            if p.components().any(|c| c.as_os_str() == ".terraform") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            let display = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
            let id = sources.add(SourceFile::new(p.clone(), display, text));
            dirs.entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
                .or_default()
                .push(id);
        }
        let name = dir
            .strip_prefix(&root)
            .unwrap_or(&dir)
            .display()
            .to_string();
        let loaded = terraform::load_root(
            &name,
            &dir,
            &terraform::DirIndex::new(&dirs),
            &sources,
            &terraform::VarInputs::default(),
        );
        let parse_errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "LVL900")
            .collect();
        assert!(parse_errors.is_empty(), "{name}: {parse_errors:?}");
        let m = &loaded.model;
        let vpc_fns: Vec<_> = m
            .functions
            .iter()
            .filter(|f| f.vpc_config.is_some())
            .collect();
        total_fns += m.functions.len();
        total_vpc += vpc_fns.len();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for f in &vpc_fns {
            let v = f
                .vpc_config
                .as_ref()
                .map(|v| (&v.subnets, &v.security_groups));
            if let Some((subnets, sgs)) = v {
                match &subnets.value {
                    Value::Unknown(r) => *reasons.entry(format!("subnets: {r}")).or_default() += 1,
                    Value::Known(items) => {
                        items.iter().filter_map(|i| i.value.reason()).for_each(|r| {
                            *reasons.entry(format!("subnet: {r}")).or_default() += 1;
                        })
                    }
                }
                if let Value::Unknown(r) = &sgs.value {
                    *reasons.entry(format!("security groups: {r}")).or_default() += 1;
                }
            }
            if let Value::Unknown(r) = &f.role.value {
                *reasons.entry(format!("role: {r}")).or_default() += 1;
            }
        }
        for u in &m.unresolved {
            *reasons
                .entry(format!("unresolved {:?}: {}", u.what, u.reason))
                .or_default() += 1;
        }
        let subnets = vpc_fns.iter().filter(|f| subnets_known(m, f)).count();
        let tables = vpc_fns.iter().filter(|f| tables_known(m, f)).count();
        let roles = vpc_fns.iter().filter(|f| f.role.value.is_known()).count();
        total_subnets += subnets;
        total_tables += tables;
        total_roles += roles;
        total_all += vpc_fns
            .iter()
            .filter(|f| subnets_known(m, f) && tables_known(m, f) && f.role.value.is_known())
            .count();
        println!(
            "{name}: functions {}, VPC functions {}, subnets known {}, route tables known {}, role known {}",
            m.functions.len(),
            vpc_fns.len(),
            subnets,
            tables,
            roles,
        );
        for (r, n) in reasons {
            println!("    {n} x {r}");
        }
    }
    println!(
        "total: functions {total_fns}, VPC functions {total_vpc}, subnets known {total_subnets}, route tables known {total_tables}, role known {total_roles}, all three {total_all}"
    );
}

/// A debugging aid, not a check: `LVL_DUMP_ROOT=<root module> [LVL_DUMP_TREE=<dir holding every
/// module it calls>] cargo test --test frontend_terraform dump_model -- --ignored --nocapture` prints
/// the model of any root module (e.g. a corpus example), to see what stays unknown and why.
#[test]
#[ignore]
fn dump_model() {
    let Some(root) = std::env::var_os("LVL_DUMP_ROOT").map(PathBuf::from) else {
        println!("set LVL_DUMP_ROOT");
        return;
    };
    let root = std::fs::canonicalize(root).expect("LVL_DUMP_ROOT");
    let tree = std::env::var_os("LVL_DUMP_TREE")
        .map(|t| std::fs::canonicalize(t).expect("LVL_DUMP_TREE"))
        .unwrap_or_else(|| root.clone());
    let mut sources = SourceMap::default();
    let mut dirs = terraform::Dirs::new();
    for p in walk(&tree) {
        let text = std::fs::read_to_string(&p).expect("read");
        let display = p.strip_prefix(&tree).unwrap_or(&p).display().to_string();
        let id = sources.add(SourceFile::new(p.clone(), display, text));
        dirs.entry(p.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(id);
    }
    let inputs = terraform::VarInputs {
        read_roots: lambda_vpc_lint::paths::Roots::new([tree.clone()]),
        ..Default::default()
    };
    let loaded = terraform::load_root(
        "dump",
        &root,
        &terraform::DirIndex::new(&dirs),
        &sources,
        &inputs,
    );
    println!("{}", dump(&loaded.model, &sources));
    for d in &loaded.diagnostics {
        println!("diagnostic {} {}", d.code, d.message);
    }
}
