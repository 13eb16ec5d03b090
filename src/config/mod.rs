//! What adapts a run to a repository: the config file (`.lambda-vpc-lint.toml`), inline and
//! `Metadata` suppressions, and baselines.
//!
//! The engine calls in at two points: [`Settings::is_excluded`] right after discovery, and
//! [`finish`] once the findings are sorted. Everything here works on finished diagnostics, so the
//! rules and front ends know nothing about configuration.
//!
//! Which config applies to a file: the nearest `.lambda-vpc-lint.toml` in its directory or a
//! directory above it (`--config FILE`: that file for everything; `--no-config`: none). Lookups
//! are cached per directory; a broken config file is recorded and reported by the CLI (exit 2).

pub mod baseline;
mod file;
mod suppress;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use crate::paths::{absolute, normalize};
pub use file::{Config, ConfigError, FailOn, FILE_NAME, STARTER};

use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::{self, Report, Selection};
use crate::source::{FileId, SourceMap};

#[derive(Debug, Default)]
enum Mode {
    /// No config file at all (the library default, and `--no-config`).
    #[default]
    Off,
    /// The nearest config file above each linted file.
    Discover,
    /// One file for everything (`--config FILE`).
    Explicit(Arc<Config>),
}

/// The configuration of one run.
#[derive(Debug, Default)]
pub struct Settings {
    mode: Mode,
    /// Directory (absolute) → the config that applies to files in it.
    cache: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
    errors: Mutex<Vec<ConfigError>>,
    /// Where discovery may look (the language server's workspace folders); empty: anywhere
    /// above the file, as on the command line.
    within: Vec<PathBuf>,
}

impl Settings {
    /// No config files.
    pub fn off() -> Self {
        Settings::default()
    }

    /// The nearest `.lambda-vpc-lint.toml` above each file.
    pub fn discover() -> Self {
        Settings {
            mode: Mode::Discover,
            ..Settings::default()
        }
    }

    /// The nearest `.lambda-vpc-lint.toml` above each file, looked for only inside `roots`
    /// (absolute): a workspace's config, never one of a directory above it (the language server
    /// reads nothing outside its workspace folders).
    pub fn discover_within(roots: Vec<PathBuf>) -> Self {
        Settings {
            mode: Mode::Discover,
            within: roots,
            ..Settings::default()
        }
    }

    /// One config file for every path.
    pub fn explicit(path: &Path) -> Result<Self, ConfigError> {
        Ok(Settings {
            mode: Mode::Explicit(Arc::new(Config::load(path)?)),
            ..Settings::default()
        })
    }

    /// Config files that could not be used, in path order. Non-empty: the CLI exits with 2.
    pub fn errors(&self) -> Vec<ConfigError> {
        let mut errors = lock(&self.errors).clone();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        errors.dedup();
        errors
    }

    /// The config that applies to a file.
    pub fn for_file(&self, path: &Path) -> Option<Arc<Config>> {
        match &self.mode {
            Mode::Off => None,
            Mode::Explicit(c) => Some(c.clone()),
            Mode::Discover => {
                let dir = absolute(path.parent().unwrap_or(Path::new(".")));
                self.nearest(&dir)
            }
        }
    }

    /// The config that applies to files in a directory (a Terraform module).
    pub fn for_dir(&self, dir: &Path) -> Option<Arc<Config>> {
        match &self.mode {
            Mode::Off => None,
            Mode::Explicit(c) => Some(c.clone()),
            Mode::Discover => self.nearest(&absolute(dir)),
        }
    }

    /// Walks up from `dir` to the first directory holding a config file (or a cached answer),
    /// then records the answer for every directory passed on the way.
    fn nearest(&self, dir: &Path) -> Option<Arc<Config>> {
        let mut passed: Vec<&Path> = Vec::new();
        let mut found = None;
        let mut current = Some(dir);
        while let Some(d) = current {
            if !self.within.is_empty() && !self.within.iter().any(|r| d.starts_with(r)) {
                break;
            }
            if let Some(hit) = lock(&self.cache).get(d) {
                found = hit.clone();
                break;
            }
            passed.push(d);
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                match Config::load(&candidate) {
                    Ok(c) => found = Some(Arc::new(c)),
                    Err(e) => lock(&self.errors).push(e),
                }
                break;
            }
            current = d.parent();
        }
        let mut cache = lock(&self.cache);
        for d in passed {
            cache.insert(d.to_path_buf(), found.clone());
        }
        found
    }

    /// Whether a discovered file is excluded by the `exclude` globs of its config.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.for_file(path)
            .is_some_and(|c| c.excludes(&absolute(path)))
    }

    /// `fail-on` of the config that applies to a file, if it sets one.
    pub fn fail_on(&self, path: &Path) -> Option<FailOn> {
        self.for_file(path).and_then(|c| c.fail_on)
    }

    /// `[terraform] var-files` and `[cloudformation] parameters` of the configs that apply to the
    /// path arguments, for the front ends (the command line's `--var-file` and `--parameters`
    /// come after them, so they win). Variable files apply to every root module of the run, so
    /// paths under configs with different `var-files` are refused; parameter files are taken for
    /// the templates under the paths.
    pub fn inputs(&self, paths: &[PathBuf]) -> Result<Inputs, String> {
        let mut configs: Vec<Arc<Config>> = Vec::new();
        for p in paths {
            let c = if p.is_dir() {
                self.for_dir(p)
            } else {
                self.for_file(p)
            };
            if let Some(c) = c {
                if !configs.iter().any(|k| k.path == c.path) {
                    configs.push(c);
                }
            }
        }
        let mut inputs = Inputs::default();
        let mut var_files_from: Option<&Config> = None;
        for c in &configs {
            if c.var_files.is_empty() {
                continue;
            }
            match var_files_from {
                Some(first) if first.var_files != c.var_files => {
                    return Err(format!(
                        "{} and {} set different [terraform] var-files; lint their paths in separate runs",
                        first.path.display(),
                        c.path.display()
                    ))
                }
                Some(_) => {}
                None => var_files_from = Some(c),
            }
        }
        if let Some(c) = var_files_from {
            for f in &c.var_files {
                outside_config_dir(c, "var-files", f)?;
                if !f.is_file() {
                    return Err(format!(
                        "{}: var-files: {}: no such file",
                        c.path.display(),
                        f.display()
                    ));
                }
            }
            inputs.var_files = c.var_files.clone();
        }
        // Only the templates of this run (under its paths) take their configured parameters.
        let roots = crate::paths::Roots::new(paths);
        for c in &configs {
            for (template, file) in &c.parameters {
                if !roots.contains(template) {
                    continue;
                }
                outside_config_dir(c, "parameters", file)?;
                for (what, path) in [("template", template), ("parameter file", file)] {
                    if !path.is_file() {
                        return Err(format!(
                            "{}: parameters: {what} {}: no such file",
                            c.path.display(),
                            path.display()
                        ));
                    }
                }
                inputs.parameters.push((template.clone(), file.clone()));
            }
        }
        // Snapshot files describe the account, not one path: every config's apply.
        for c in &configs {
            for path in &c.snapshot {
                outside_config_dir(c, "snapshot", path)?;
                if !path.exists() {
                    return Err(format!(
                        "{}: [aws] snapshot: {}: no such file or directory",
                        c.path.display(),
                        path.display()
                    ));
                }
                if !inputs.snapshot.contains(path) {
                    inputs.snapshot.push(path.clone());
                }
            }
        }
        Ok(inputs)
    }

    /// `[terraform] var-files` for the module in `dir`.
    pub fn var_files(&self, module_dir: &Path) -> Vec<PathBuf> {
        self.for_dir(module_dir)
            .map(|c| c.var_files.clone())
            .unwrap_or_default()
    }

    /// `[cloudformation] parameters`: the parameter file configured for a template.
    pub fn parameters_file(&self, template: &Path) -> Option<PathBuf> {
        let config = self.for_file(template)?;
        config.parameters.get(&absolute(template)).cloned()
    }
}

/// Front-end inputs taken from config files (see [`Settings::inputs`]); all paths absolute.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inputs {
    pub var_files: Vec<PathBuf>,
    /// (template, parameter file).
    pub parameters: Vec<(PathBuf, PathBuf)>,
    /// `[aws] snapshot` of every config that applies, in order, without repeats.
    pub snapshot: Vec<PathBuf>,
}

/// A poisoned lock only means another thread panicked; the cache itself stays consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Applies configuration and suppressions to a sorted report: drops rules the config disables,
/// moves suppressed findings to `report.suppressed`, adds the notes about suppressions, applies
/// severity overrides, and sorts again.
pub fn finish(report: &mut Report, sources: &SourceMap, settings: &Settings, selection: Selection) {
    // Each finding asks for its file's config several times; look each file up once.
    let mut files: Vec<FileId> = report.diagnostics.iter().map(|d| d.span.file).collect();
    files.sort_unstable();
    files.dedup();
    let known: std::collections::HashMap<FileId, Option<Arc<Config>>> = files
        .into_iter()
        .map(|f| (f, settings.for_file(&sources.get(f).path)))
        .collect();
    let config_of = |file: FileId| match known.get(&file) {
        Some(c) => c.clone(),
        None => settings.for_file(&sources.get(file).path),
    };
    let active = |file: FileId, code: &str| {
        selection.is_selected(code) && config_of(file).is_none_or(|c| c.allows(code))
    };
    let all = std::mem::take(&mut report.diagnostics);
    let all: Vec<Diagnostic> = all
        .into_iter()
        .filter(|d| active(d.span.file, d.code))
        .collect();
    let outcome = suppress::apply(all, sources, &active);
    // The notes about suppressions are selected like any rule (`--skip-rule LVL905`).
    report.diagnostics = outcome
        .kept
        .into_iter()
        .filter(|d| active(d.span.file, d.code))
        .collect();
    report.suppressed.extend(outcome.suppressed);
    let suppressed = report.suppressed.iter_mut().map(|(d, _)| d);
    for d in report.diagnostics.iter_mut().chain(suppressed) {
        override_severity(d, &config_of);
    }
    outcome::sort(&mut report.diagnostics, sources);
    sort_suppressed(&mut report.suppressed, sources);
}

fn override_severity(d: &mut Diagnostic, config_of: &dyn Fn(FileId) -> Option<Arc<Config>>) {
    if let Some(s) = config_of(d.span.file).and_then(|c| c.severity.get(d.code).copied()) {
        d.severity = s;
    }
}

/// The same order as the report's diagnostics.
pub fn sort_suppressed(
    suppressed: &mut [(Diagnostic, crate::diagnostic::Suppression)],
    sources: &SourceMap,
) {
    suppressed.sort_by(|a, b| outcome::compare(&a.0, &b.0, sources));
}

/// Whether the run fails (exit code 1): an unsuppressed finding at or above the threshold. The
/// command line's `--fail-on` wins; otherwise the `fail-on` of the config that applies to the
/// finding's file; otherwise `error`.
pub fn fails(
    report: &Report,
    sources: &SourceMap,
    settings: &Settings,
    cli: Option<FailOn>,
) -> bool {
    report.diagnostics.iter().any(|d| {
        let threshold = cli
            .or_else(|| settings.fail_on(&sources.get(d.span.file).path))
            .unwrap_or(FailOn::At(Severity::Error));
        threshold.fails(d.severity)
    })
}

/// A file named by a config file must lie inside the config file's directory (resolved by
/// `paths::Roots`, so neither `..` nor a symbolic link leaves it): a repository's config cannot
/// make the linter read elsewhere. Files given on the command line are the user's choice and
/// are not limited.
fn outside_config_dir(c: &Config, key: &str, file: &std::path::Path) -> Result<(), String> {
    let dir = crate::paths::Roots::new(c.path.parent());
    match dir.is_empty() {
        false if !dir.contains(file) => Err(format!(
            "{}: {key}: {} is outside the directory of this config file: not read (give it on the command line to use it)",
            c.path.display(),
            file.display()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_within_roots_never_reads_a_config_above_them() {
        let outer = tempfile::tempdir().unwrap();
        let outer = crate::paths::resolve(outer.path());
        std::fs::write(outer.join(FILE_NAME), "fail-on = \"note\"\n").unwrap();
        let app = outer.join("ws").join("app");
        std::fs::create_dir_all(&app).unwrap();
        let file = app.join("main.tf");
        // The command line looks all the way up.
        assert!(Settings::discover().for_file(&file).is_some());
        // The language server only inside its workspace folder.
        let within = Settings::discover_within(vec![outer.join("ws")]);
        assert!(within.for_file(&file).is_none());
        // A config inside the folder is found as usual.
        std::fs::write(outer.join("ws").join(FILE_NAME), "fail-on = \"error\"\n").unwrap();
        let within = Settings::discover_within(vec![outer.join("ws")]);
        assert!(matches!(
            within.fail_on(&file),
            Some(FailOn::At(Severity::Error))
        ));
    }
}
