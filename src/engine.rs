//! The engine: reads the discovered files, parses and loads units in parallel, runs the selected
//! rules over each unit's model, and sorts the result.
//!
//! Invariant: the output is byte-identical for any thread count. Files are read in path order
//! into the [`SourceMap`], units are processed in parallel but collected in path order, and the
//! diagnostics are sorted by (file, offset, code, message) before anything is rendered.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::Facts;
use crate::diagnostic::{codes, Diagnostic, Severity};
use crate::discover::{self, FileKind};
use crate::frontend::{cloudformation, terraform, Loaded};
use crate::rules::{self, RuleContext, REGISTRY};
use crate::source::{self, FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Limits};

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Run only these rules (IDs), if non-empty.
    pub only: Vec<String>,
    /// Never run / report these rules (IDs).
    pub skip: Vec<String>,
    pub limits: Limits,
    /// Files larger than this are reported and not parsed.
    pub max_file_size: u64,
    /// Base for displayed paths (normally the working directory).
    pub base: PathBuf,
    /// Config files (exclusion, rule selection, severities, fail-on); off by default.
    pub settings: std::sync::Arc<crate::config::Settings>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from(".")],
            jobs: 0,
            only: Vec::new(),
            skip: Vec::new(),
            limits: Limits::default(),
            max_file_size: 64 << 20,
            base: std::env::current_dir().unwrap_or_default(),
            settings: Default::default(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    /// Sorted; see the module invariant.
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
    /// Findings suppressed inline or by a baseline, in the same order: shown in JSON and SARIF,
    /// counted in the text summary, never in the exit code.
    pub suppressed: Vec<(Diagnostic, crate::diagnostic::Suppression)>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub files: usize,
    pub terraform_modules: usize,
    pub templates: usize,
    pub functions: usize,
    pub vpc_functions: usize,
}

impl Report {
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

enum Unit {
    Terraform { name: String, files: Vec<FileId> },
    Template { file: FileId },
}

/// Runs the whole pipeline. Never fails: unreadable input becomes diagnostics.
pub fn lint(options: &Options) -> (Report, SourceMap) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        // Parsers and evaluators are iterative or depth-capped; the larger stack is a margin.
        .stack_size(8 << 20)
        .build()
        .expect("thread pool");
    pool.install(|| lint_in_pool(options))
}

fn lint_in_pool(options: &Options) -> (Report, SourceMap) {
    let mut found = discover::discover(&options.paths);
    found
        .files
        .retain(|(path, _)| !options.settings.is_excluded(path));
    let mut diagnostics = Vec::new();
    let mut sources = SourceMap::default();

    // Read in parallel, insert in path order (deterministic FileIds).
    let read: Vec<(PathBuf, FileKind, Result<String, String>)> = found
        .files
        .par_iter()
        .map(|(path, kind)| (path.clone(), *kind, read_file(path, options.max_file_size)))
        .collect();
    let mut tf_files: Vec<(PathBuf, FileId)> = Vec::new();
    let mut candidates: Vec<FileId> = Vec::new();
    for (path, kind, text) in read {
        let display = source::display_path(&path, &options.base);
        match text {
            Ok(text) => {
                let id = sources.add(SourceFile::new(path.clone(), display, text));
                match kind {
                    FileKind::Terraform | FileKind::TerraformJson => tf_files.push((path, id)),
                    FileKind::TemplateCandidate => candidates.push(id),
                }
            }
            Err(message) => {
                // Only report unreadable files that would have been linted: a Terraform file,
                // or a candidate whose name marks it as a template.
                let id = sources.add(SourceFile::new(path, display.clone(), String::new()));
                diagnostics.push(Diagnostic::input(
                    codes::UNREADABLE_FILE,
                    Span::new(id, 0..0),
                    &display,
                    message,
                ));
            }
        }
    }
    for (path, err) in &found.errors {
        let display = source::display_path(path, &options.base);
        let id = sources.add(SourceFile::new(
            path.clone(),
            display.clone(),
            String::new(),
        ));
        diagnostics.push(Diagnostic::input(
            codes::UNREADABLE_FILE,
            Span::new(id, 0..0),
            &display,
            err.clone(),
        ));
    }

    // Group Terraform files by directory.
    let mut units: Vec<Unit> = Vec::new();
    let mut by_dir: std::collections::BTreeMap<PathBuf, Vec<FileId>> = Default::default();
    for (path, id) in &tf_files {
        by_dir
            .entry(path.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(*id);
    }
    for (dir, files) in by_dir {
        let mut name = source::display_path(&dir, &options.base);
        if name.is_empty() {
            name = ".".into();
        }
        units.push(Unit::Terraform { name, files });
    }

    // Parse template candidates in parallel; keep those that are templates.
    let parsed: Vec<(
        FileId,
        Option<Result<syntax::Document, syntax::SyntaxError>>,
    )> = candidates
        .par_iter()
        .map(|&id| (id, parse_candidate(id, sources.get(id), &options.limits)))
        .collect();
    let mut docs = Vec::new();
    for (id, result) in parsed {
        match result {
            Some(Ok(doc)) if cloudformation::is_template(&doc) => {
                units.push(Unit::Template { file: id });
                docs.push((id, doc));
            }
            None | Some(Ok(_)) => {}
            Some(Err(e)) => {
                let code = match e.kind {
                    syntax::SyntaxErrorKind::Invalid => codes::PARSE_ERROR,
                    syntax::SyntaxErrorKind::Unsupported => codes::UNSUPPORTED_INPUT,
                };
                let display = sources.get(id).display.clone();
                diagnostics.push(Diagnostic::input(code, e.span, &display, e.message));
            }
        }
    }

    let mut stats = Stats {
        files: sources.len(),
        ..Stats::default()
    };
    let selected: Vec<&rules::RuleEntry> = REGISTRY
        .iter()
        .zip(rules::catalog())
        .filter(|(_, meta)| is_selected(options, &meta.id))
        .map(|(e, _)| e)
        .collect();

    let results: Vec<(Vec<Diagnostic>, usize, usize)> = units
        .par_iter()
        .map(|unit| {
            let loaded: Loaded = match unit {
                Unit::Terraform { name, files } => terraform::load(name, files, &sources),
                Unit::Template { file } => {
                    let doc = &docs.iter().find(|(id, _)| id == file).expect("parsed").1;
                    cloudformation::load(*file, doc, &sources)
                }
            };
            let mut out = loaded.diagnostics;
            let facts = Facts::new(&loaded.model);
            let ctx = RuleContext {
                model: &loaded.model,
                facts: &facts,
                sources: &sources,
            };
            for entry in &selected {
                if let Some(check) = entry.check {
                    check(&ctx, &mut out);
                }
            }
            let vpc = loaded
                .model
                .functions
                .iter()
                .filter(|f| f.vpc_config.is_some())
                .count();
            (out, loaded.model.functions.len(), vpc)
        })
        .collect();
    for unit in &units {
        match unit {
            Unit::Terraform { .. } => stats.terraform_modules += 1,
            Unit::Template { .. } => stats.templates += 1,
        }
    }
    for (diags, functions, vpc) in results {
        diagnostics.extend(diags);
        stats.functions += functions;
        stats.vpc_functions += vpc;
    }

    diagnostics.retain(|d| is_selected(options, d.code));
    sort(&mut diagnostics, &sources);
    let mut report = Report {
        diagnostics,
        stats,
        suppressed: Vec::new(),
    };
    crate::config::finish(&mut report, &sources, options);
    (report, sources)
}

pub(crate) fn is_selected(options: &Options, id: &str) -> bool {
    if options.skip.iter().any(|s| s.eq_ignore_ascii_case(id)) {
        return false;
    }
    // `--rule` narrows the catalog rules; input diagnostics (9xx) are always kept, since a file
    // that did not parse means the selected rules could not look at it.
    options.only.is_empty()
        || options.only.iter().any(|s| s.eq_ignore_ascii_case(id))
        || id.starts_with("LVL9")
}

/// Deterministic order: file path, then position, then rule, then message.
pub fn sort(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    diagnostics.sort_by(|a, b| compare(a, b, sources));
    diagnostics.dedup();
}

/// The order of [`sort`].
pub fn compare(a: &Diagnostic, b: &Diagnostic, sources: &SourceMap) -> std::cmp::Ordering {
    let fa = &sources.get(a.span.file).display;
    let fb = &sources.get(b.span.file).display;
    fa.cmp(fb)
        .then(a.span.start.cmp(&b.span.start))
        .then(a.code.cmp(b.code))
        .then(a.message.cmp(&b.message))
        .then(a.fingerprint.cmp(&b.fingerprint))
}

fn read_file(path: &Path, max: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > max {
        return Err(format!(
            "file is {} bytes, over the {max}-byte limit (--max-file-size)",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes)".into());
    }
    source::decode(bytes).map_err(|at| format!("invalid UTF-8 at byte {at}"))
}

/// Parses a template candidate. `None`: not a template (decided cheaply on the text first, so
/// arbitrary YAML/JSON in a repository is never reported as broken).
fn parse_candidate(
    id: FileId,
    file: &SourceFile,
    limits: &Limits,
) -> Option<Result<syntax::Document, syntax::SyntaxError>> {
    let text = &file.text;
    let looks_like_template = text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"));
    if !looks_like_template {
        return None;
    }
    let is_json =
        file.display.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    Some(if is_json {
        syntax::json::parse(id, text, limits)
    } else {
        syntax::yaml::parse(id, text, limits)
    })
}
