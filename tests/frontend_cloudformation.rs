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
    let id = sources.add(SourceFile::new(path.to_path_buf(), display.to_string(), text));
    let doc = parse(id, sources.get(id)).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    assert!(cloudformation::is_template(&doc), "{} is not recognised as a template", path.display());
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
            out.push_str(&format!("diagnostic {} {}:{}: {}\n", d.code, p.line, p.column, d.message));
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
