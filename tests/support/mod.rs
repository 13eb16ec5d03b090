//! Helpers for the integration tests of config files, suppressions, baselines and tool
//! integrations: copies of fixtures in temporary directories, and the binary run in them.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir`, with colour settings from the environment removed.
pub fn lvl(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("lambda-vpc-lint").expect("binary");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A temporary copy of `testdata/cli/<name>` at `<tmp>/<to>`.
pub fn copy_fixture(name: &str, tmp: &Path, to: &str) -> PathBuf {
    let dst = tmp.join(to);
    copy_dir(&repo().join("testdata/cli").join(name), &dst);
    dst
}

pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("mkdir");
    for e in fs::read_dir(src).expect("read fixture") {
        let e = e.expect("entry");
        let to = dst.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).expect("copy");
        }
    }
}

/// Replaces `from` (which must occur exactly once) in a file.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} in {}",
        path.display()
    );
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The rule the fixtures are about. Runs select it (plus the input diagnostics, which always
/// run), so that new rules firing on the fixtures do not change these tests.
pub const RULE: [&str; 2] = ["--rule", "LVL001"];

/// Runs `--format json --rule LVL001 ARGS` and returns (exit code, document).
pub fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = lvl(dir)
        .args(["--format", "json"])
        .args(RULE)
        .args(args)
        .output()
        .expect("run");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

/// `(code, severity, suppression kind or "")` of every diagnostic, in order.
pub fn codes(doc: &Value) -> Vec<(String, String, String)> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
                d["suppressed"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

pub fn triple(code: &str, severity: &str, suppressed: &str) -> (String, String, String) {
    (code.into(), severity.into(), suppressed.into())
}

/// The binary for a lint run of [`RULE`] (see there).
pub fn lint(dir: &Path) -> Command {
    let mut cmd = lvl(dir);
    cmd.args(RULE);
    cmd
}
