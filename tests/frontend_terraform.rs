//! Snapshot tests of the Terraform front end: each directory under
//! `testdata/frontends/terraform/` is one module; its model dump (and any diagnostics) is
//! compared with `model.snap` beside it.

use std::path::{Path, PathBuf};

use lambda_vpc_lint::frontend::{terraform, Loaded};
use lambda_vpc_lint::model::dump::dump;
use lambda_vpc_lint::source::{SourceFile, SourceMap};

fn load_dir(dir: &Path, display_prefix: &str) -> (Loaded, SourceMap) {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("case dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".tf") || n.ends_with(".tf.json")
        })
        .collect();
    paths.sort();
    let mut sources = SourceMap::default();
    let mut ids = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("read");
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        ids.push(sources.add(SourceFile::new(p.clone(), format!("{display_prefix}{name}"), text)));
    }
    let loaded = terraform::load(display_prefix.trim_end_matches('/'), &ids, &sources);
    (loaded, sources)
}

fn render(dir: &Path, case: &str) -> String {
    let (out, sources) = load_dir(dir, &format!("{case}/"));
    let mut s = dump(&out.model, &sources);
    for d in &out.diagnostics {
        let f = sources.get(d.span.file);
        let p = f.position(d.span.start);
        s.push_str(&format!("diagnostic {} {}:{}:{} {}\n", d.code, f.display, p.line, p.column, d.message));
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
    assert!(cases.len() >= 7, "expected the terraform front-end cases, found {}", cases.len());
    for (case, dir) in cases {
        let text = render(&dir, &case);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&dir);
        settings.bind(|| insta::assert_snapshot!("model", text));
    }
}
