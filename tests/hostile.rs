//! Hostile inputs: each case runs the real binary on a directory holding the hostile file(s) and
//! a canary module beside them (a VPC function in a public subnet: LVL001 at
//! `canary/main.tf:46:27`; only LVL001 and the input diagnostics are selected). Every case must
//! end normally (no panic, no signal, no hang) with a clear diagnostic at a location, or silence
//! where silence is right, and the canary must still be linted: one bad file never stops the run.
//!
//! Small inputs are committed under `testdata/hostile/`; large ones are generated into a temporary
//! directory (`hostile_gen`). The memory bound is measured with `/usr/bin/time -v` when present.

mod common;
mod hostile_gen;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use hostile_gen as gen;

const CANARY: &str = "LVL001 canary/main.tf:46:27";

struct Outcome {
    code: i32,
    /// `CODE file:line:column`, in report order.
    found: Vec<String>,
    messages: Vec<String>,
}

impl Outcome {
    /// Everything except the canary's finding, which must be there.
    fn without_canary(&self) -> Vec<String> {
        assert!(
            self.found.iter().any(|f| f == CANARY),
            "the canary beside the hostile input was not linted: {:?}",
            self.found
        );
        self.found
            .iter()
            .filter(|f| *f != CANARY)
            .cloned()
            .collect()
    }
    fn message_of(&self, code_and_location: &str) -> &str {
        let i = self
            .found
            .iter()
            .position(|f| f == code_and_location)
            .unwrap_or_else(|| panic!("{code_and_location} not in {:?}", self.found));
        &self.messages[i]
    }
}

/// A temporary directory holding a copy of the canary module.
fn case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let canary = common::repo().join("testdata/hostile/canary/main.tf");
    gen::write(
        &dir.path().join("canary/main.tf"),
        std::fs::read(canary).unwrap(),
    );
    dir
}

/// A temporary copy of `testdata/hostile/<name>` with the canary beside it.
fn committed(name: &str) -> tempfile::TempDir {
    let dir = case();
    copy_tree(
        &common::repo().join("testdata/hostile").join(name),
        dir.path(),
    );
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn lvl() -> Command {
    let mut cmd = Command::cargo_bin("lambda-vpc-lint").unwrap();
    cmd.env_remove("LVL_DEBUG_PANIC")
        .timeout(Duration::from_secs(120));
    cmd
}

/// Lints `paths` (relative to `dir`) as JSON and checks that the process ended normally.
fn lint_in(dir: &Path, args: &[&str]) -> Outcome {
    let out = lvl()
        .current_dir(dir)
        // The canary is built to trip LVL001; other rules would only add noise. Input
        // diagnostics (LVL9xx) are reported whatever the selection.
        .args(["--format", "json", "--color", "never", "--rule", "LVL001"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "killed by a signal or the timeout: {:?}\n{stderr}",
            out.status
        )
    });
    assert!(
        stderr.is_empty(),
        "nothing on stderr (no panic, no noise): {stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): exit {code}, stderr {stderr}"));
    let mut found = Vec::new();
    let mut messages = Vec::new();
    for d in json["diagnostics"].as_array().unwrap() {
        found.push(format!(
            "{} {}:{}:{}",
            d["code"].as_str().unwrap(),
            d["file"].as_str().unwrap(),
            d["start"]["line"],
            d["start"]["column"]
        ));
        messages.push(d["message"].as_str().unwrap().to_string());
    }
    Outcome {
        code,
        found,
        messages,
    }
}

fn lint(dir: &tempfile::TempDir) -> Outcome {
    lint_in(dir.path(), &["."])
}

#[test]
fn billion_laughs_is_refused_at_the_first_anchor() {
    let dir = committed("yaml-billion-laughs");
    let out = lint(&dir);
    assert_eq!(out.without_canary(), ["LVL901 template.yaml:6:10"]);
    assert!(out
        .message_of("LVL901 template.yaml:6:10")
        .contains("anchors"));
    assert_eq!(out.code, 1);
}

#[test]
fn hundred_thousand_deep_nesting_in_yaml_json_and_hcl() {
    let dir = case();
    let root = dir.path();
    let n = 100_000;
    gen::write(&root.join("flow/template.yaml"), gen::deep_yaml_flow(n));
    gen::write(&root.join("seq/template.yaml"), gen::deep_yaml_block_seq(n));
    gen::write(
        &root.join("map/template.yaml"),
        gen::deep_yaml_block_map(1_000),
    );
    gen::write(&root.join("json/template.json"), gen::deep_json(n));
    gen::write(&root.join("hcl-expr/main.tf"), gen::deep_hcl_expression(n));
    gen::write(&root.join("hcl-blocks/main.tf"), gen::deep_hcl_blocks(n));
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        [
            // YAML and JSON: past --max-depth (128) is LVL901, where the parser stopped
            // (jsonc-parser stops at its own cap, 512).
            "LVL901 flow/template.yaml:6:139",
            // HCL: hcl-edit's own cap (64 levels) is a parse error.
            "LVL900 hcl-blocks/main.tf:65:3",
            "LVL900 hcl-expr/main.tf:2:71",
            "LVL901 json/template.json:1:619",
            "LVL901 map/template.yaml:131:132",
            "LVL901 seq/template.yaml:7:257",
        ]
    );
    for (i, m) in out.messages.iter().enumerate() {
        if out.found[i].starts_with("LVL901") {
            assert_eq!(m, "nesting too deep (more than 128 levels)");
        } else if out.found[i].starts_with("LVL900") {
            assert!(m.contains("nesting depth"), "{m}");
        }
    }
    // The flag moves the limit: reported at the first level past it (the 5th `[`).
    gen::write(&root.join("shallow/template.json"), gen::deep_json(20));
    let out = lint_in(root, &["--max-depth", "8", "shallow"]);
    assert_eq!(out.found, ["LVL901 shallow/template.json:1:119"]);
    assert_eq!(out.messages, ["nesting too deep (more than 8 levels)"]);
    assert!(lint_in(root, &["--max-depth", "30", "shallow"])
        .found
        .is_empty());
}

#[test]
fn a_template_over_the_size_limit_is_not_read() {
    let dir = case();
    let path = dir.path().join("huge/template.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    gen::huge_template(&path, 100 << 20);
    let size = std::fs::metadata(&path).unwrap().len();
    let out = lint(&dir);
    assert_eq!(out.without_canary(), ["LVL902 huge/template.yaml:1:1"]);
    assert_eq!(
        out.message_of("LVL902 huge/template.yaml:1:1"),
        format!("file is {size} bytes, over the 67108864-byte limit (--max-file-size)")
    );
    assert_eq!(out.code, 2);
    // Not read: the process never holds the file. Measured where /usr/bin/time exists.
    if let Some(kib) = max_rss_kib(dir.path(), &["."]) {
        eprintln!("max RSS with a 100 MB template beside the canary: {kib} KiB");
        assert!(kib < 60 * 1024, "{kib} KiB: the huge file was read");
    }
    // A smaller limit by flag; a file just under it is linted.
    let out = lint_in(dir.path(), &["--max-file-size", "1000", "canary"]);
    assert_eq!(out.found, ["LVL902 canary/main.tf:1:1"]);
}

/// Peak resident memory of a run, in KiB, or `None` (said plainly) without `/usr/bin/time`.
fn max_rss_kib(dir: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("NOTE: /usr/bin/time is absent; memory bound not measured");
        return None;
    }
    let out = std::process::Command::new(time)
        .arg("-v")
        .arg(assert_cmd::cargo::cargo_bin("lambda-vpc-lint"))
        .args(["--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn invalid_utf8_nul_bytes_and_binary_files_are_located() {
    for (case, expected, message) in [
        ("invalid-utf8", "LVL902 template.yaml:6:21", "invalid UTF-8"),
        (
            "nul-bytes",
            "LVL902 template.yaml:4:26",
            "binary file (NUL byte)",
        ),
        (
            "binary-main-tf",
            "LVL902 main.tf:1:8",
            "binary file (NUL byte)",
        ),
    ] {
        let dir = committed(case);
        let out = lint(&dir);
        assert_eq!(out.without_canary(), [expected], "{case}");
        assert_eq!(out.message_of(expected), message, "{case}");
        assert_eq!(out.code, 2, "{case}: an unreadable file exits 2");
    }
}

#[test]
fn a_bom_does_not_shift_columns() {
    let dir = committed("bom");
    let out = lint(&dir);
    // The canary with a BOM is found at the same line and column as without one.
    assert_eq!(
        out.found,
        [CANARY, "LVL900 main.tf:1:26", "LVL900 template.json:1:68",]
    );
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_positions() {
    let dir = case();
    let root = dir.path();
    let canary = std::fs::read_to_string(root.join("canary/main.tf")).unwrap();
    gen::write(
        &root.join("crlf/canary/main.tf"),
        canary.replace('\n', "\r\n"),
    );
    gen::write(
        &root.join("crlf/template.yaml"),
        gen::anchor_template("\r\n"),
    );
    gen::write(&root.join("cr/template.yaml"), gen::anchor_template("\r"));
    // HCL has no lone-CR line break (nor has Terraform): one long line, a parse error on it.
    gen::write(
        &root.join("cr/main.tf"),
        "resource \"aws_vpc\" \"a\" {\r  cidr_block = \"10.0.0.0/16\"\r}\r",
    );
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        [
            "LVL900 cr/main.tf:1:25",
            "LVL901 cr/template.yaml:6:10",
            "LVL001 crlf/canary/main.tf:46:27",
            "LVL901 crlf/template.yaml:6:10",
        ]
    );
    // The text snippet shows the line alone, without a trailing `\r`.
    let text = lvl()
        .current_dir(root)
        .args(["--color", "never", "cr/template.yaml", "crlf/template.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert_eq!(text.matches("6 |       a: &x 1\n").count(), 2, "{text}");
}

#[test]
fn tabs_in_yaml_indentation_are_a_parse_error_at_the_tab() {
    let dir = committed("yaml-tabs");
    let out = lint(&dir);
    assert_eq!(out.without_canary(), ["LVL900 template.yaml:4:1"]);
    assert!(out.message_of("LVL900 template.yaml:4:1").contains("tabs"));
}

#[test]
fn duplicate_keys_are_refused_at_the_second_key() {
    // outputs/template.yaml duplicates Outputs and Metadata entries only: tolerated, silent.
    let dir = committed("duplicate-keys");
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        ["LVL901 template.json:4:75", "LVL901 template.yaml:5:3"]
    );
    assert!(out
        .message_of("LVL901 template.yaml:5:3")
        .starts_with("duplicate key `Topic` (first on line 3)"));
    assert!(out
        .message_of("LVL901 template.json:4:75")
        .starts_with("duplicate key `TopicName` (first on line 4)"));
}

#[test]
fn empty_files_are_silent() {
    let dir = committed("empty-files");
    let out = lint(&dir);
    assert_eq!(out.without_canary(), Vec::<String>::new());
    assert_eq!(out.code, 0);
}

#[test]
fn fifty_thousand_resources_finish_and_the_limit_is_a_flag() {
    let dir = case();
    let root = dir.path();
    gen::write(
        &root.join("cfn/template.yaml"),
        gen::many_resources_template(50_000),
    );
    gen::write(
        &root.join("tf/main.tf"),
        gen::many_resources_terraform(50_000),
    );
    let started = std::time::Instant::now();
    let out = lint(&dir);
    let elapsed = started.elapsed();
    eprintln!("50,000 resources in a template and in a module: {elapsed:?}");
    assert_eq!(out.without_canary(), Vec::<String>::new());
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    if let Some(kib) = max_rss_kib(root, &["."]) {
        eprintln!("max RSS for 2 x 50,000 resources: {kib} KiB");
        assert!(kib < 1024 * 1024, "{kib} KiB");
    }

    let out = lint_in(root, &["--max-resources", "1000", "."]);
    assert_eq!(
        out.without_canary(),
        ["LVL901 cfn/template.yaml:3:3", "LVL901 tf/main.tf:1:1"]
    );
    assert_eq!(
        out.message_of("LVL901 tf/main.tf:1:1"),
        "`tf` declares 50001 resources, over the limit of 1000 (--max-resources); it was not linted"
    );
}

#[test]
fn reference_cycles_in_locals_and_modules_are_finite() {
    // Locals that refer to each other are unknown: silence.
    let out = lint(&committed("terraform-cycles"));
    assert_eq!(out.without_canary(), Vec::<String>::new());
    // A module that sources itself, and two that source each other: reported where the cycle
    // closes, and not followed.
    let out = lint(&committed("module-cycles"));
    assert_eq!(
        out.without_canary(),
        ["LVL901 main.tf:4:12", "LVL901 pong/main.tf:2:12"]
    );
    assert_eq!(
        out.message_of("LVL901 main.tf:4:12"),
        "module `me` sources a module that calls it (a cycle); it is not followed"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_loop() {
    use std::os::unix::fs::symlink;
    let dir = case();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    symlink(".", root.join("sub/self")).unwrap();
    symlink("b.tf", root.join("a.tf")).unwrap();
    symlink("a.tf", root.join("b.tf")).unwrap();
    symlink("canary", root.join("canary-link")).unwrap();
    // Links inside a walked directory are not followed.
    let out = lint(&dir);
    assert_eq!(out.without_canary(), Vec::<String>::new());
    // A link named explicitly: a loop is a usage error, a link to a directory is walked.
    let loop_run = lvl().current_dir(root).arg("a.tf").output().unwrap();
    assert_eq!(loop_run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&loop_run.stderr);
    assert!(
        stderr.contains("a.tf: ") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let out = lint_in(root, &["sub/up", "canary-link"]);
    assert!(
        out.found
            .contains(&"LVL001 sub/up/canary/main.tf:46:27".to_string()),
        "{:?}",
        out.found
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories() {
    use std::os::unix::fs::PermissionsExt;
    let dir = case();
    let root = dir.path();
    gen::write(&root.join("locked/main.tf"), "locals {}\n");
    gen::write(&root.join("closed/inner/main.tf"), "locals {}\n");
    let set = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    set(&root.join("locked/main.tf"), 0o000).unwrap();
    set(&root.join("closed"), 0o000).unwrap();
    let privileged = std::fs::File::open(root.join("locked/main.tf")).is_ok();
    let out = lint(&dir);
    set(&root.join("closed"), 0o755).unwrap();
    if privileged {
        eprintln!(
            "NOTE: running with privileges that ignore file modes (root): the permission \
             sub-case cannot fail to read, so only the run's completion is checked"
        );
        assert_eq!(out.without_canary(), Vec::<String>::new());
        return;
    }
    let found = out.without_canary();
    assert!(
        found.iter().any(|f| f.starts_with("LVL902 locked/main.tf")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|f| f.starts_with("LVL902 closed")),
        "{found:?}"
    );
    assert_eq!(out.code, 2);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_template_never_blocks() {
    let dir = case();
    let root = dir.path();
    if !gen::mkfifo(&root.join("template.yaml")) || !gen::mkfifo(&root.join("main.tf")) {
        eprintln!("NOTE: mkfifo is unavailable; FIFO case not run");
        return;
    }
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        ["LVL902 main.tf:1:1", "LVL902 template.yaml:1:1"]
    );
    assert_eq!(
        out.message_of("LVL902 template.yaml:1:1"),
        "skipped: not a regular file (a FIFO, socket or device)"
    );
    // Named explicitly too (the shell's `<(...)` hands over such paths).
    let out = lint_in(root, &["template.yaml", "canary"]);
    assert_eq!(out.without_canary(), ["LVL902 template.yaml:1:1"]);
}

#[test]
fn directories_named_like_files_are_walked() {
    let dir = case();
    let root = dir.path();
    std::fs::create_dir_all(root.join("main.tf")).unwrap();
    std::fs::create_dir_all(root.join("template.yaml/inner.tf")).unwrap();
    let canary = std::fs::read(root.join("canary/main.tf")).unwrap();
    gen::write(&root.join("main.tf/canary/main.tf"), canary);
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        ["LVL001 main.tf/canary/main.tf:46:27"]
    );
}

/// Panics are bugs, reported as such: LVL903 names the file and the rule, the other rules and
/// files still run, the exit code is 2, and no backtrace noise reaches stderr.
/// The panic is injected through a debug-build-only hook.
#[cfg(debug_assertions)]
#[test]
fn a_panic_is_an_internal_error_and_the_run_goes_on() {
    let dir = case();
    let warning_only = common::repo().join("testdata/cli/warning-only/main.tf");
    gen::write(
        &dir.path().join("other/main.tf"),
        std::fs::read(warning_only).unwrap(),
    );
    let out = lvl()
        .current_dir(dir.path())
        .env("LVL_DEBUG_PANIC", "LVL001")
        .args(["--format", "json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "no panic noise on stderr: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let codes: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("LVL903", "canary/main.tf")), "{codes:?}");
    assert!(codes.contains(&("LVL101", "other/main.tf")), "{codes:?}");
    let internal = diags.iter().find(|d| d["code"] == "LVL903").unwrap();
    let message = internal["message"].as_str().unwrap();
    assert!(
        message.starts_with("internal error in rule LVL001 on `canary`: injected by LVL_DEBUG_PANIC (at src/engine/check.rs:"),
        "{message}"
    );
}

/// The whole shared corpus with --jobs 1 and --jobs 8: the same bytes in every format.
#[test]
fn corpus_output_is_identical_for_any_thread_count() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for format in ["text", "json", "sarif", "github"] {
        let run = |jobs: &str| {
            let out = lvl()
                .current_dir(&corpus)
                .args(["--format", format, "--color", "never", "--jobs", jobs, "."])
                .output()
                .unwrap();
            assert!(out.status.code().is_some_and(|c| c <= 2), "{format}");
            out.stdout
        };
        let one = run("1");
        assert!(one.len() > 100, "{format}: output is not empty");
        assert!(
            one == run("8"),
            "{format}: --jobs 1 and --jobs 8 differ on the corpus"
        );
    }
}

/// Paths, sizes and modification times of every entry under `root`.
fn snapshot(root: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            out.push((entry.path(), meta.len(), meta.modified().ok()));
        }
    }
    out.sort();
    out
}

/// The linter writes nothing but `--output`, never opens a socket and never runs a program
/// (one `execve`, its own): checked on the file tree
/// of the linted directory and the working directory, by tracing system calls when strace works,
/// and by running without a network namespace when unshare works.
#[test]
fn no_network_and_no_writes_outside_output() {
    let dir = committed("bom");
    let root = dir.path();
    let reports = tempfile::tempdir().unwrap();
    let report = reports.path().join("report.sarif");
    let before = snapshot(root);
    let bin = assert_cmd::cargo::cargo_bin("lambda-vpc-lint");
    let args = ["--format", "sarif", "-o", report.to_str().unwrap(), "."];
    let out = lvl().current_dir(root).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        snapshot(root),
        before,
        "the linted (and working) directory is unchanged"
    );
    assert!(std::fs::metadata(&report).unwrap().len() > 0);

    let trace = reports.path().join("trace.txt");
    let traced = std::process::Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=%network,execve,execveat,fork,vfork,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,truncate,link,symlink", "-o"])
        .arg(&trace)
        .arg(&bin)
        .args(args)
        .current_dir(root)
        .output();
    match traced {
        Ok(o) if o.status.code() == Some(1) && trace.exists() => {
            let calls = std::fs::read_to_string(&trace).unwrap();
            // No execution: the only program started is the linter itself, by strace.
            let execs: Vec<&str> = calls.lines().filter(|l| l.contains("exec")).collect();
            assert!(
                execs.len() == 1 && execs[0].contains("lambda-vpc-lint"),
                "programs started: {execs:#?}"
            );
            assert!(
                !calls.lines().any(|l| l.contains("fork(")),
                "no process is forked"
            );
            let suspicious: Vec<&str> = calls
                .lines()
                .filter(|l| !l.contains("exec"))
                .filter(|l| {
                    let write = ["O_WRONLY", "O_RDWR", "O_CREAT"]
                        .iter()
                        .any(|f| l.contains(f));
                    let opens = l.contains("open");
                    (opens && write && !l.contains("report.sarif"))
                        || (!opens && !l.contains("exited"))
                })
                .collect();
            assert!(
                suspicious.is_empty(),
                "unexpected system calls: {suspicious:#?}"
            );
        }
        other => eprintln!("NOTE: strace unusable here ({other:?}); system calls not traced"),
    }

    // With no network at all, the result is the same.
    let isolated = std::process::Command::new("unshare")
        .arg("-rn")
        .arg(&bin)
        .args(["--format", "json", "."])
        .current_dir(root)
        .output();
    match isolated {
        Ok(o) if o.status.code() == Some(1) => {
            let normal = lvl()
                .current_dir(root)
                .args(["--format", "json", "."])
                .output()
                .unwrap();
            assert_eq!(o.stdout, normal.stdout, "same report without a network");
        }
        other => eprintln!("NOTE: unshare -rn unusable here ({other:?}); not run isolated"),
    }
}

/// The in-memory entry point used by the fuzz targets runs the same stages as the binary.
#[test]
fn lint_text_matches_the_binary() {
    use lambda_vpc_lint::engine::{lint_text, Options};
    let canary =
        std::fs::read_to_string(common::repo().join("testdata/hostile/canary/main.tf")).unwrap();
    let only_lvl001 = Options {
        only: vec!["LVL001".into()],
        ..Options::default()
    };
    let (report, sources) = lint_text("main.tf", canary, &only_lvl001);
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let p = sources.get(d.span.file).position(d.span.start);
            format!("{} {}:{}", d.code, p.line, p.column)
        })
        .collect();
    assert_eq!(found, ["LVL001 46:27"]);
    let (report, _) = lint_text("t.yaml", gen::anchor_template("\n"), &Options::default());
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.diagnostics[0].code, "LVL901");
    let (report, _) = lint_text("t.yaml", "just: yaml\n".into(), &Options::default());
    assert!(report.diagnostics.is_empty() && report.stats.templates == 0);
}

/// `lint_text` runs the stages of `lint` after reading: custom rules and the configuration too
/// (it used to run the catalog rules only).
#[test]
fn lint_text_runs_custom_rules_and_the_configuration() {
    use lambda_vpc_lint::config::Settings;
    use lambda_vpc_lint::diagnostic::Severity;
    use lambda_vpc_lint::engine::{lint_text, Options};
    use lambda_vpc_lint::rules::declarative;
    let repo = common::repo();
    let case = repo.join("testdata/policies/no-default-vpc/terraform/bad-default-subnets/main.tf");
    let text = std::fs::read_to_string(case).unwrap();
    let custom = declarative::load_dir(&repo.join("examples/policies")).unwrap();
    let options = Options {
        custom_rules: custom,
        ..Options::default()
    };
    let codes = |options: &Options| -> Vec<(String, Severity)> {
        let (report, _) = lint_text("main.tf", text.clone(), options);
        let found = report.diagnostics.iter();
        found.map(|d| (d.code.to_string(), d.severity)).collect()
    };
    assert!(codes(&options).contains(&("ORG003".into(), Severity::Error)));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lvl.toml");
    std::fs::write(&config, "[rules.severity]\nORG003 = \"note\"\n").unwrap();
    let configured = Options {
        settings: std::sync::Arc::new(Settings::explicit(&config).unwrap()),
        ..options
    };
    assert!(codes(&configured).contains(&("ORG003".into(), Severity::Note)));
}

/// Crashes found by fuzzing (`fuzz/README.md`), kept as cases: every format must render them.
#[test]
fn fuzz_regressions() {
    let dir = committed("fuzz-regressions");
    let out = lint(&dir);
    assert_eq!(
        out.without_canary(),
        ["LVL900 hcl-error-inside-a-character/main.tf:4:10"]
    );
    for format in ["text", "sarif", "github"] {
        let run = lvl()
            .current_dir(dir.path())
            .args(["--color", "never", "--format", format, "."])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{format}");
        assert!(
            run.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

/// Runs the binary in the default text format (what lands in CI logs): (exit code, stdout,
/// stderr). The canary is always linted too.
fn lint_text_report(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = lvl()
        .current_dir(dir)
        .args(["--color", "never", "--rule", "LVL001"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .expect("killed by a signal or the timeout");
    assert!(
        stdout.contains("--> canary/main.tf:46:27"),
        "the canary was not linted: {stdout}"
    );
    (code, stdout, stderr)
}

/// A value file that does not parse says nothing about which of its lines are secret, so the
/// text report locates its parse error but never quotes it: a `sensitive` variable's value in a
/// broken `terraform.tfvars` or `--var-file`, or a `NoEcho` parameter's in a broken
/// `--parameters` file, never reaches the log.
#[test]
fn secrets_in_value_files_that_do_not_parse_are_not_quoted() {
    let dir = case();
    let root = dir.path();
    gen::write(
        &root.join("tf/main.tf"),
        "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n",
    );
    gen::write(
        &root.join("tf/terraform.tfvars"),
        "db_password = \"tfvars-secret-1\nother = 1\n",
    );
    gen::write(
        &root.join("extra.tfvars"),
        "db_password = \"var-file-secret-2\" = x\n",
    );
    gen::write(
        &root.join("cf/t.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
    );
    gen::write(
        &root.join("params.json"),
        "[{\"ParameterKey\": \"DbPassword\", \"ParameterValue\": \"param-secret-3\"\n",
    );
    gen::write(
        &root.join("params.txt"),
        "[\"DbPassword:param-secret-4\"]\n",
    );
    let (code, stdout, stderr) = lint_text_report(
        root,
        &[
            "--var-file",
            "extra.tfvars",
            "--parameters",
            "params.json",
            ".",
        ],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    for located in [
        "error[LVL900]: HCL parse error: unexpected token\n--> tf/terraform.tfvars:1:1\n",
        "error[LVL900]: HCL parse error: expected newline or eof\n--> extra.tfvars:1:35\n",
        "error[LVL900]: Unterminated object\n--> params.json:1:2\n",
    ] {
        assert!(stdout.contains(located), "{located} not in {stdout}");
    }
    let (code, stdout2, stderr2) =
        lint_text_report(root, &["--parameters", "params.txt", "canary", "cf"]);
    assert_eq!(code, 1, "{stdout2}{stderr2}");
    assert!(stdout2.contains("--> params.txt:1:2\n"), "{stdout2}");
    for secret in ["secret-1", "secret-2", "secret-3", "secret-4"] {
        for text in [&stdout, &stderr, &stdout2, &stderr2] {
            assert!(!text.contains(secret), "{secret} shown: {text}");
        }
    }
}

/// Messages about a crafted `.lambda-vpc-lint.toml` (an unknown rule, a `var-files` entry) and a
/// usage error quoting an argument reach stderr escaped to one line: no line of their own that
/// GitHub Actions would take as a workflow command, no ESC, no bidi override, no line separator.
#[test]
fn config_and_usage_errors_on_stderr_are_escaped() {
    let hostile = "\\n::error file=x.tf,line=1::pwned\\u001b[31m\\u202e\\u2028";
    let cases = [
        (
            format!("[rules]\ndisable = [\"LVL001{hostile}\"]\n"),
            ".lambda-vpc-lint.toml:2:12: unknown rule `LVL001\\n::error file=x.tf,line=1::pwned\\u{1b}[31m\\u{202e}\\u{2028}`",
        ),
        (
            format!("[terraform]\nvar-files = [\"nope{hostile}\"]\n"),
            "nope\\n::error file=x.tf,line=1::pwned\\u{1b}[31m\\u{202e}\\u{2028}: no such file",
        ),
    ];
    for (config, expected) in cases {
        let dir = case();
        gen::write(&dir.path().join(".lambda-vpc-lint.toml"), config);
        let out = lvl().current_dir(dir.path()).arg(".").output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(expected), "{expected} not in {stderr}");
        for c in ['\u{1b}', '\u{202e}', '\u{2028}'] {
            assert!(!stderr.contains(c), "{c:?} raw in {stderr}");
        }
    }
    // A usage error: clap quotes the value, which stays on its line.
    let dir = case();
    let out = lvl()
        .current_dir(dir.path())
        .args(["--format", "x\n::error::y\u{202e}", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("'x\\n::error::y\\u{202e}'"), "{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("::")) && !stderr.contains('\u{202e}'),
        "{stderr}"
    );
    // Without the crafted config the same directory lints normally.
    let (code, _, stderr) = lint_text_report(dir.path(), &["."]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

/// A chain of 20 directories where each calls the next twice is 2^20 call paths: the tree stops
/// at the instance budget (LVL901 once, at the `source` of the first call not followed) instead
/// of taking exponential time. `lvl()`'s timeout is the hang detector.
#[test]
fn a_module_chain_that_doubles_at_every_level_is_bounded() {
    let dir = case();
    let mut path = dir.path().join("root");
    for level in 0..=20 {
        let mut body = String::from(
            "variable \"x\" {\n  default = \"a\"\n}\noutput \"y\" {\n  value = var.x\n}\n",
        );
        if level < 20 {
            body.push_str("module \"a\" {\n  source = \"./m\"\n  x      = var.x\n}\n");
            body.push_str("module \"b\" {\n  source = \"./m\"\n  x      = \"${var.x}b\"\n}\n");
        }
        gen::write(&path.join("main.tf"), body);
        path.push("m");
    }
    let out = lint(&dir);
    assert_eq!(out.code, 1);
    let at = format!("LVL901 root{}/main.tf:12:12", "/m".repeat(15));
    assert_eq!(out.without_canary(), std::slice::from_ref(&at));
    assert!(
        out.message_of(&at)
            .ends_with(": this root module expands to over 1000 module instances (one per call path); it and the calls after it are not followed"),
        "{}",
        out.message_of(&at)
    );
}

/// A panic while evaluating a Terraform function call is reported (LVL903, exit 2) at the call,
/// not at the first line of the module; the other module is still linted. The panic is injected
/// through the debug-build-only hook.
#[cfg(debug_assertions)]
#[test]
fn a_panic_in_a_function_is_located_at_the_call() {
    let dir = case();
    gen::write(
        &dir.path().join("other/main.tf"),
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role          = \"r\"\n  vpc_config {\n    subnet_ids         = [upper(\"subnet-1\")]\n    security_group_ids = [\"sg-1\"]\n  }\n}\n",
    );
    let out = lvl()
        .current_dir(dir.path())
        .env("LVL_DEBUG_PANIC", "function:upper")
        .args(["--format", "json", "--rule", "LVL001", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "no panic noise on stderr: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["start"]["line"],
                d["start"]["column"]
            )
        })
        .collect();
    assert_eq!(found, [CANARY, "LVL903 other/main.tf:5:27"]);
}

/// `graph` labels quote literal ids: a bidi override or a line/paragraph separator in one shows
/// as the report's visible escape in Mermaid and DOT, never raw; the canary's graph is still
/// drawn beside it.
#[test]
fn graph_labels_escape_bidi_overrides_and_line_separators() {
    let dir = case();
    gen::write(
        &dir.path().join("other/main.tf"),
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role          = \"r\"\n  vpc_config {\n    subnet_ids         = [\"subnet-1\\u202eabc\\u2028d\\u2029e\"]\n    security_group_ids = [\"sg-1\"]\n  }\n}\n",
    );
    for format in ["mermaid", "dot"] {
        let out = lvl()
            .current_dir(dir.path())
            .args(["graph", "--format", format, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(out.stderr.is_empty(), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("aws_lambda_function.canary"), "{text}");
        assert!(
            text.contains("subnet-1\\u{202e}abc\\u{2028}d\\u{2029}e")
                || text.contains("subnet-1\\\\u{202e}abc\\\\u{2028}d\\\\u{2029}e"),
            "{text}"
        );
        for c in ['\u{202e}', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(c), "{c:?} raw in {format}: {text}");
        }
    }
}

/// A `!Sub` repeating `${P}` 200,000 times with a 100 kB parameter default asks for 20 GB, and
/// nested `Fn::Join`s multiply the same way: the strings built per template are budgeted, so the
/// value becomes unknown (said in `--strict`'s LVL906) and the run ends normally, under an
/// address-space limit of 2 GB when `prlimit` is there (an abort would be exit 134 and no report).
#[test]
fn fn_sub_and_fn_join_amplification_is_budgeted() {
    let dir = case();
    let big = "x".repeat(100_000);
    let sub = "${P}".repeat(200_000);
    let template = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  P:\n    Type: String\n    Default: {big}\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/r\n      VpcConfig:\n        SubnetIds: [!Sub \"{sub}\", subnet-2]\n        SecurityGroupIds: [!Join [\"\", [!Join [\"\", [!Ref P, !Ref P, !Ref P]], !Join [\"\", [!Ref P, !Ref P]]]]]\n"
    );
    gen::write(&dir.path().join("cf/t.yaml"), template);
    let out = lint_in(dir.path(), &["--strict", "."]);
    // The canary's finding is a warning, the unknowns are notes: exit 0.
    assert_eq!(out.code, 0);
    let budget =
        "evaluation budget exceeded (32 MiB of strings built by Fn::Sub, Fn::Join and Fn::Base64 per template)";
    let at = out.messages.iter().position(|m| m.contains(budget));
    let at = at.unwrap_or_else(|| panic!("no budget reason in {:?}", out.messages));
    assert!(
        out.found[at].starts_with("LVL906 cf/t.yaml:"),
        "{:?}",
        out.found
    );
    assert!(out
        .without_canary()
        .iter()
        .all(|f| f.starts_with("LVL906 cf/t.yaml:")));
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok()
    {
        let bin = assert_cmd::cargo::cargo_bin("lambda-vpc-lint");
        let out = std::process::Command::new("prlimit")
            .arg("--as=2000000000")
            .arg(bin)
            .args(["--format", "json", "--rule", "LVL001", "."])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("canary/main.tf"));
    } else {
        eprintln!("prlimit not found: the memory-limited run is skipped");
    }
}

/// Issue 18, class 7: number literals a 64-bit float cannot hold (`1e400`, a 400-digit integer)
/// are valid Terraform (`terraform validate` accepts the fixture and `terraform console` gives
/// `var.big > 0` as true), in `.tf`, `.tf.json` and `terraform.tfvars`. No parse error; the
/// file's own function is still linted, and the choice that depends on `var.big = 1e400` stays
/// unknown (a stand-in zero would pick the public subnet: a false LVL001).
#[test]
fn number_literals_beyond_f64_are_valid_terraform() {
    let dir = committed("wide-numbers");
    let out = lint_in(dir.path(), &["--strict", "."]);
    assert_eq!(out.code, 0, "{:?}", out.found);
    let found = out.without_canary();
    assert!(
        !found.iter().any(|f| f.starts_with("LVL900")),
        "no parse error: {found:?}"
    );
    assert!(
        found.contains(&"LVL001 wide/main.tf:49:27".to_string()),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("LVL001 wide/main.tf:69:")),
        "the subnet chosen by `var.big > 0` is not decided: {found:?}"
    );
    assert_eq!(
        out.message_of("LVL906 wide/main.tf:69:26"),
        "placement (subnets, VPC, zones) of function `aws_lambda_function.maybe` not verified: \
         the subnet list: the number `1e400` is beyond 64-bit floating point (Terraform's \
         numbers are arbitrary-precision); rules that could not decide: LVL001"
    );
}
