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
    /// Rules loaded from rule files (`--rules DIR`), run after the catalog's.
    pub custom_rules: Vec<&'static rules::declarative::CustomRule>,
    /// Terraform root variable values: `--var-file` / `--var` in command-line order.
    pub tf_vars: Vec<TfVar>,
    /// `TF_VAR_name` environment values (`name`, value).
    pub tf_env: Vec<(String, String)>,
    /// `--parameters` files: (template they apply to, or all; the file).
    pub parameter_files: Vec<(Option<PathBuf>, PathBuf)>,
}

#[derive(Debug, Clone)]
pub enum TfVar {
    File(PathBuf),
    Assign(String, String),
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
            custom_rules: Vec::new(),
            tf_vars: Vec::new(),
            tf_env: Vec::new(),
            parameter_files: Vec::new(),
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
    Terraform {
        name: String,
        root: PathBuf,
    },
    /// CloudFormation templates that refer to each other (usually just one).
    Templates {
        files: Vec<FileId>,
    },
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
    // Modules downloaded by `terraform init` live under `.terraform`, which discovery skips.
    let tf_dirs: std::collections::BTreeSet<PathBuf> = found
        .files
        .iter()
        .filter(|(_, k)| matches!(k, FileKind::Terraform | FileKind::TerraformJson))
        .filter_map(|(p, _)| p.parent().map(Path::to_path_buf))
        .collect();
    for dir in tf_dirs {
        let extra = terraform::downloaded_files(&dir, &options.paths);
        found
            .files
            .extend(extra.into_iter().map(|p| (p, FileKind::Terraform)));
    }
    found.files.sort();
    found.files.dedup();
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
                    FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars => {
                        tf_files.push((path, id))
                    }
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

    // Group Terraform files by directory; a directory that another one calls as a local
    // module is loaded as part of its caller (see `terraform::roots`).
    let mut units: Vec<Unit> = Vec::new();
    let mut by_dir = terraform::Dirs::new();
    for (path, id) in &tf_files {
        by_dir
            .entry(path.parent().map(Path::to_path_buf).unwrap_or_default())
            .or_default()
            .push(*id);
    }
    for root in terraform::roots(&by_dir, &sources) {
        let name = terraform::unit_name(&root, &options.base);
        units.push(Unit::Terraform { name, root });
    }
    let mut tf_inputs = terraform::VarInputs {
        env: options.tf_env.clone(),
        cli: Vec::new(),
    };
    for v in &options.tf_vars {
        match v {
            TfVar::Assign(k, val) => tf_inputs
                .cli
                .push(terraform::CliVar::Assign(k.clone(), val.clone())),
            TfVar::File(path) => {
                let display = source::display_path(path, &options.base);
                match read_file(path, options.max_file_size) {
                    Ok(text) => {
                        let id = sources.add(SourceFile::new(path.clone(), display, text));
                        tf_inputs.cli.push(terraform::CliVar::File(id));
                    }
                    Err(message) => {
                        let id = sources.add(SourceFile::new(
                            path.clone(),
                            display.clone(),
                            String::new(),
                        ));
                        diagnostics.push(Diagnostic::input(
                            codes::UNREADABLE_FILE,
                            Span::new(id, 0..0),
                            &display,
                            message,
                        ));
                    }
                }
            }
        }
    }

    // `--parameters` files, after the linted files so their ids do not shift.
    let mut parameter_files = Vec::new();
    for (template, path) in &options.parameter_files {
        let display = source::display_path(path, &options.base);
        match read_file(path, options.max_file_size) {
            Ok(text) => {
                let id = sources.add(SourceFile::new(path.clone(), display, text));
                parameter_files.push((template.clone(), id));
            }
            Err(message) => {
                let id = sources.add(SourceFile::new(
                    path.clone(),
                    display.clone(),
                    String::new(),
                ));
                diagnostics.push(Diagnostic::input(
                    codes::UNREADABLE_FILE,
                    Span::new(id, 0..0),
                    &display,
                    message,
                ));
            }
        }
    }
    let (parameters, problems) = cloudformation::ParameterSets::parse(&parameter_files, &sources);
    diagnostics.extend(problems);

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
            Some(Ok(doc)) if cloudformation::is_template(&doc) => docs.push((id, doc)),
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

    // Templates linked by imports/exports or nested stacks form one unit.
    let cfn = cloudformation::RunInputs {
        roots: options.paths.clone(),
        parameters,
    };
    let doc_refs: Vec<(FileId, &syntax::Document)> = docs.iter().map(|(id, d)| (*id, d)).collect();
    let template_ids: Vec<FileId> = docs.iter().map(|(id, _)| *id).collect();
    diagnostics.extend(cfn.parameters.unmatched(&template_ids, &sources));
    for files in cloudformation::groups(&doc_refs, &sources, &cfn) {
        units.push(Unit::Templates { files });
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
    let custom: Vec<&'static rules::declarative::CustomRule> = options
        .custom_rules
        .iter()
        .copied()
        .filter(|r| is_selected(options, &r.meta.id))
        .collect();

    let results: Vec<(Vec<Diagnostic>, usize, usize)> = units
        .par_iter()
        .map(|unit| {
            let loaded: Loaded = match unit {
                Unit::Terraform { name, root } => {
                    terraform::load_root(name, root, &by_dir, &sources, &tf_inputs)
                }
                Unit::Templates { files } => {
                    let group: Vec<(FileId, &syntax::Document)> = doc_refs
                        .iter()
                        .filter(|(id, _)| files.contains(id))
                        .copied()
                        .collect();
                    cloudformation::load_group(&group, &sources, &cfn)
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
            for rule in &custom {
                rules::declarative::run(rule, &ctx, &mut out);
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
            Unit::Templates { files } => stats.templates += files.len(),
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
