//! Rules as data: a small, closed, typed, three-valued language over the common model and the
//! derived facts (STYLE §12.4, issue 9). A rule file has the shape of the built-in metadata in
//! `rules/` plus a `check` block; it runs on Terraform and CloudFormation alike.
//!
//! - `expr`: the expression syntax; `schema`: the model as the language sees it;
//!   `compile`: type checking against the schema, with file positions; `eval`: evaluation in
//!   three-valued logic (unknown never fires); `value`: runtime values.
//! - Built-in rules whose metadata carries a `check` block are implemented by it (the registry
//!   line says `data`); rule files loaded at run time (`--rules DIR`) are registered here so
//!   that reports, `explain` and SARIF descriptors know them like built-in ones.
//!
//! The language is documented in `rules/LANGUAGE.md`.

pub mod compile;
mod eval;
pub mod expr;
pub mod schema;
mod value;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleContext, RuleMeta};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::{self, Limits, Node};

pub use compile::Check;

/// A rule whose implementation is its `check` block.
#[derive(Debug)]
pub struct CustomRule {
    pub meta: RuleMeta,
    pub checks: Vec<Check>,
    /// The file it was loaded from, as given.
    pub file: String,
}

/// A rule file that cannot be loaded, with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LoadError {}

struct Loader<'a> {
    file: &'a str,
    source: SourceFile,
}

impl Loader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> LoadError {
        let p = self.source.position(span.start);
        LoadError {
            file: self.file.to_string(),
            line: p.line,
            column: p.column,
            message: message.into(),
        }
    }
    fn at_key(&self, root: &Node, key: &str, message: impl Into<String>) -> LoadError {
        let span = root
            .entries()
            .iter()
            .find(|(k, _)| k.text == key)
            .map_or(root.span, |(k, _)| k.span);
        self.error(span, message)
    }
}

fn is_json(file: &str, text: &str) -> bool {
    file.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{')
}

/// Parses and type-checks a rule file (YAML or JSON). `builtin` allows `LVL` IDs and a missing
/// `check` block (code rules).
fn parse_with(file: &str, text: &str, builtin: bool) -> Result<CustomRule, LoadError> {
    let loader = Loader {
        file,
        source: SourceFile::new(file.into(), file.into(), text.to_string()),
    };
    let limits = Limits {
        max_depth: 64,
        max_nodes: 100_000,
    };
    let doc = if is_json(file, text) {
        syntax::json::parse(FileId(0), text, &limits)
    } else {
        syntax::yaml::parse(FileId(0), text, &limits)
    }
    .map_err(|e| loader.error(e.span, e.message))?;
    let root = doc.root;

    // The metadata: the same struct, and the same strictness, as the built-in files.
    let mut meta: RuleMeta = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
        let shown = e.to_string();
        let first = shown
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        // serde-saphyr prefixes "line L column C: "; the position is ours to print.
        let message = first
            .split_once(": ")
            .filter(|(head, _)| head.starts_with("line "))
            .map_or(first, |(_, m)| m)
            .to_string();
        LoadError {
            file: file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message,
        }
    })?;

    if !builtin {
        if !valid_id(&meta.id) {
            return Err(loader.at_key(&root, "id", format!(
                "`{}` is not a rule ID: use capital letters and digits (e.g. ORG001); `LVL` is reserved for built-in rules",
                meta.id
            )));
        }
        if !valid_slug(&meta.slug) {
            return Err(loader.at_key(&root, "slug", format!("`{}` is not kebab-case", meta.slug)));
        }
        if meta.may_emit.is_empty() {
            meta.may_emit = vec![meta.severity];
        }
        if !meta.may_emit.contains(&meta.severity) {
            return Err(loader.at_key(&root, "may_emit", "`may_emit` must include `severity`"));
        }
    }
    let checks = match root.get("check") {
        Some(node) => compile::checks(node, text).map_err(|e| loader.error(e.span, e.message))?,
        None if builtin => Vec::new(),
        None => {
            return Err(loader.error(
                Span {
                    end: root.span.start,
                    ..root.span
                },
                "a rule file needs a `check` block",
            ))
        }
    };
    Ok(CustomRule {
        meta,
        checks,
        file: file.to_string(),
    })
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    (2..=32).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_')
        && !id.starts_with("LVL")
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Parses and type-checks one rule file's text.
pub fn parse(file: &str, text: &str) -> Result<CustomRule, LoadError> {
    parse_with(file, text, false)
}

/// Reads and checks one rule file (`lambda-vpc-lint rules --validate FILE`).
pub fn validate(path: &Path) -> Result<CustomRule, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: file.clone(),
        line: 1,
        column: 1,
        message: e.to_string(),
    })?;
    parse(&file, &text)
}

/// Loads every `*.yaml`, `*.yml` and `*.json` file of a directory (not recursive, in name
/// order) and registers the rules for reports. Every broken file is reported; IDs must be new.
/// This is the entry point for `--rules DIR` and for a configuration file's rule directories.
pub fn load_dir(dir: &Path) -> Result<Vec<&'static CustomRule>, Vec<LoadError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![LoadError {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: e.to_string(),
        }]
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "yaml" | "yml" | "json"))
        })
        .collect();
    paths.sort();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut ids: BTreeSet<String> = crate::rules::catalog()
        .iter()
        .map(|m| m.id.clone())
        .collect();
    for p in paths {
        match validate(&p) {
            Ok(r) if !ids.insert(r.meta.id.clone()) => errors.push(LoadError {
                file: r.file.clone(),
                line: 1,
                column: 1,
                message: format!("rule ID `{}` is already used", r.meta.id),
            }),
            Ok(r) => rules.push(r),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(rules.into_iter().map(register).collect())
}

fn registry() -> &'static Mutex<Vec<&'static CustomRule>> {
    static LOADED: OnceLock<Mutex<Vec<&'static CustomRule>>> = OnceLock::new();
    LOADED.get_or_init(Mutex::default)
}

/// Keeps a loaded rule for the life of the process (findings borrow its ID) and makes it
/// known to `rules::find` and the SARIF rule descriptors. Loading the same file twice keeps one.
fn register(rule: CustomRule) -> &'static CustomRule {
    let mut loaded = registry().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = loaded
        .iter()
        .find(|r| r.meta.id == rule.meta.id && r.file == rule.file)
    {
        return r;
    }
    let leaked: &'static CustomRule = Box::leak(Box::new(rule));
    loaded.push(leaked);
    leaked
}

/// The rules loaded at run time, in load order.
pub fn loaded() -> Vec<&'static CustomRule> {
    registry().lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Runs a rule loaded at run time.
pub fn run(rule: &'static CustomRule, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    run_checks(
        &rule.meta.id,
        &rule.meta.slug,
        rule.meta.severity,
        &rule.checks,
        ctx,
        out,
    );
}

fn run_checks(
    code: &'static str,
    slug: &'static str,
    severity: Severity,
    checks: &[Check],
    ctx: &RuleContext<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for c in checks {
        eval::run(code, slug, severity, c, ctx, out);
    }
}

/// The compiled checks of the built-in rules implemented as data, by registry path. A broken
/// embedded file is a build defect (the catalog tests compile every one), so it panics.
fn builtins() -> &'static [(&'static str, CustomRule)] {
    static BUILTIN: OnceLock<Vec<(&'static str, CustomRule)>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        crate::rules::REGISTRY
            .iter()
            .filter(|e| e.data)
            .map(|e| {
                let file = format!("rules/{}.yaml", e.path);
                let rule = parse_with(&file, e.source, true).unwrap_or_else(|err| panic!("{err}"));
                (e.path, rule)
            })
            .collect()
    })
}

/// Compiles every built-in data rule, for tests: the first error.
pub fn check_builtins() -> Result<usize, LoadError> {
    let mut n = 0;
    for e in crate::rules::REGISTRY {
        let rule = parse_with(&format!("rules/{}.yaml", e.path), e.source, true)?;
        if e.data == rule.checks.is_empty() {
            return Err(LoadError {
                file: e.path.to_string(),
                line: 1,
                column: 1,
                message: "a rule is implemented by its `check` block exactly when its registry line says `data`".into(),
            });
        }
        n += usize::from(e.data);
    }
    Ok(n)
}

/// Runs a built-in rule implemented by its metadata's `check` block.
pub(crate) fn run_builtin(path: &str, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some(i) = crate::rules::REGISTRY.iter().position(|e| e.path == path) else {
        return;
    };
    let Some(meta) = crate::rules::catalog().get(i) else {
        return;
    };
    if let Some((_, rule)) = builtins().iter().find(|(p, _)| *p == path) {
        run_checks(&meta.id, &meta.slug, meta.severity, &rule.checks, ctx, out);
    }
}
