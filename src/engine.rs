//! The engine: reads the discovered files, parses and loads units in parallel, runs the selected
//! rules over each unit's model, and sorts the result.
//!
//! Invariant: the output is byte-identical for any thread count. Files are read in path order
//! into the [`SourceMap`], units are processed in parallel but collected in path order, and the
//! diagnostics are sorted by (file, offset, code, message) before anything is rendered.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

mod duplicates;
mod limits;
pub mod panic_guard;

use crate::analysis::Facts;
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::{self, FileKind};
use crate::frontend::{cloudformation, terraform, Loaded};
pub use crate::outcome::{compare, sort, Report, Stats};
use crate::rules::{self, RuleContext, REGISTRY};
use crate::source::{self, FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Limits};

/// Default `--max-file-size`: 64 MiB, far above any real template (CloudFormation accepts 1 MB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;
/// Default `--max-resources`: CloudFormation allows 500 resources per stack; generated Terraform
/// rarely passes a few thousand.
pub const DEFAULT_MAX_RESOURCES: usize = 100_000;

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
    /// Files larger than this are reported and not read (checked on the metadata first).
    pub max_file_size: u64,
    /// Units with more resources than this (CloudFormation `Resources` entries, Terraform
    /// `resource` blocks) are reported as LVL901 and not loaded.
    pub max_resources: usize,
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
    /// `--allow-read`: directories outside `paths` whose Terraform modules may be read when a
    /// linted module calls them (nothing else is ever read outside `paths`).
    pub allow_read: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub enum TfVar {
    File(PathBuf),
    Assign(String, String),
}

impl Options {
    /// `only` and `skip` as one selection.
    pub fn selection(&self) -> crate::outcome::Selection<'_> {
        crate::outcome::Selection {
            only: &self.only,
            skip: &self.skip,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: vec![PathBuf::from(".")],
            jobs: 0,
            only: Vec::new(),
            skip: Vec::new(),
            limits: Limits::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_resources: DEFAULT_MAX_RESOURCES,
            base: std::env::current_dir().unwrap_or_default(),
            settings: Default::default(),
            custom_rules: Vec::new(),
            tf_vars: Vec::new(),
            tf_env: Vec::new(),
            parameter_files: Vec::new(),
            allow_read: Vec::new(),
        }
    }
}

enum Unit {
    Terraform {
        name: String,
        root: PathBuf,
    },
    /// A `terraform show -json` plan file.
    TerraformPlan {
        file: FileId,
    },
    /// A template candidate that refers to no other template: parsed inside its unit.
    Template {
        file: FileId,
    },
    /// CloudFormation templates that refer to each other (usually just one), parsed before the
    /// units were formed; the unit owns their trees, so they are freed once it is linted.
    Templates {
        files: Vec<FileId>,
        docs: Vec<(FileId, syntax::Document)>,
    },
}

/// Runs the whole pipeline. Never fails: unreadable input becomes diagnostics.
pub fn lint(options: &Options) -> (Report, SourceMap) {
    let (report, sources, _) = run(options, false);
    (report, sources)
}

/// A unit's model with the findings made on it, for the commands that draw the model (`graph`).
pub struct UnitModel {
    pub name: String,
    pub model: crate::model::Model,
    pub diagnostics: Vec<Diagnostic>,
    /// The run's secret values: `graph` masks its labels with them.
    pub secrets: std::sync::Arc<crate::secrets::Secrets>,
}

/// [`lint`], keeping every unit's model; the models are sorted by unit name.
pub fn lint_with_models(options: &Options) -> (Report, SourceMap, Vec<UnitModel>) {
    run(options, true)
}

fn run(options: &Options, keep_models: bool) -> (Report, SourceMap, Vec<UnitModel>) {
    thread_pool(options.jobs).install(|| lint_in_pool(options, keep_models))
}

/// The worker threads of a run: `jobs` of them, 0 for one per core. The CLI renders reports on
/// a pool of the same size, so `--jobs 1` is one thread throughout.
pub fn thread_pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // Parsers and evaluators are iterative or depth-capped; the larger stack is a margin.
        .stack_size(8 << 20)
        .build()
        .expect("thread pool")
}

fn lint_in_pool(options: &Options, keep_models: bool) -> (Report, SourceMap, Vec<UnitModel>) {
    let mut timings = Timings::from_env();
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
        let allowed: Vec<PathBuf> = options
            .paths
            .iter()
            .chain(&options.allow_read)
            .cloned()
            .collect();
        let extra = terraform::downloaded_files(&dir, &allowed);
        found
            .files
            .extend(extra.into_iter().map(|p| (p, FileKind::Terraform)));
    }
    found.files.sort();
    found.files.dedup();
    let mut diagnostics = Vec::new();
    let mut sources = SourceMap::default();

    timings.lap("discover");
    // Read (and index the lines) in parallel, insert in path order (deterministic FileIds).
    let read: Vec<(PathBuf, FileKind, ReadFile)> = found
        .files
        .par_iter()
        .map(|(path, kind)| {
            let display = source::display_path(path, &options.base);
            let text = read_file(path, options.max_file_size);
            let file = text.map(|text| {
                let sniff = match kind {
                    FileKind::TemplateCandidate => Sniff::of(&text),
                    _ => Sniff::default(),
                };
                (SourceFile::new(path.clone(), display, text), sniff)
            });
            (path.clone(), *kind, file)
        })
        .collect();
    let mut tf_files: Vec<(PathBuf, FileId)> = Vec::new();
    let mut candidates: Vec<(FileId, Sniff)> = Vec::new();
    for (path, kind, file) in read {
        match file {
            Ok((file, sniff)) => {
                let id = sources.add(file);
                match kind {
                    FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars => {
                        tf_files.push((path, id))
                    }
                    FileKind::TemplateCandidate => candidates.push((id, sniff)),
                }
            }
            Err(unreadable) => {
                // The text (lossy, for the snippet only; never parsed) locates the bad byte.
                let display = source::display_path(&path, &options.base);
                let at = unreadable.at;
                let id = sources.add(SourceFile::new(path, display.clone(), unreadable.text));
                diagnostics.push(Diagnostic::input(
                    codes::UNREADABLE_FILE,
                    Span::new(id, at..at),
                    &display,
                    unreadable.message,
                ));
            }
        }
    }
    timings.lap("read");
    read_allowed_modules(options, &mut sources, &mut tf_files, &mut diagnostics);
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

    timings.lap("allow-read modules");
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
    let dir_index = terraform::DirIndex::new(&by_dir);
    for root in terraform::roots(&dir_index, &sources) {
        let name = terraform::unit_name(&root, &options.base);
        units.push(Unit::Terraform { name, root });
    }
    // `file()` and `templatefile()` read only inside the linted paths and `--allow-read`.
    let read_roots = crate::paths::Roots::new(
        options
            .paths
            .iter()
            .map(|p| {
                if p.is_file() {
                    p.parent().map(Path::to_path_buf).unwrap_or_default()
                } else {
                    p.clone()
                }
            })
            .chain(options.allow_read.iter().cloned()),
    );
    let mut tf_inputs = terraform::VarInputs {
        env: options.tf_env.clone(),
        cli: Vec::new(),
        read_roots,
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
                    Err(unreadable) => {
                        let at = unreadable.at;
                        let id = sources.add(SourceFile::new(
                            path.clone(),
                            display.clone(),
                            unreadable.text,
                        ));
                        diagnostics.push(Diagnostic::input(
                            codes::UNREADABLE_FILE,
                            Span::new(id, at..at),
                            &display,
                            unreadable.message,
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
            Err(unreadable) => {
                let at = unreadable.at;
                let id = sources.add(SourceFile::new(
                    path.clone(),
                    display.clone(),
                    unreadable.text,
                ));
                diagnostics.push(Diagnostic::input(
                    codes::UNREADABLE_FILE,
                    Span::new(id, at..at),
                    &display,
                    unreadable.message,
                ));
            }
        }
    }
    let (parameters, problems) = cloudformation::ParameterSets::parse(&parameter_files, &sources);
    diagnostics.extend(problems);

    timings.lap("roots, variables, parameters");
    // Plan files (`terraform show -json`) are Terraform units; the rest may be templates.
    let (plans, candidates): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|(_, sniff): &(FileId, Sniff)| sniff.plan);
    units.extend(
        plans
            .into_iter()
            .map(|(file, _)| Unit::TerraformPlan { file }),
    );

    // Only templates that may refer to one another must be parsed before the units are formed
    // (to group them); every other candidate is parsed inside its own unit, so only the trees
    // being worked on are in memory. A nested stack's child template carries no marker itself:
    // when the run has nested stacks, every candidate is parsed up front.
    let nested = candidates.iter().any(|(_, sniff)| sniff.nests);
    let (mut linked, mut singles): (Vec<FileId>, Vec<FileId>) = (Vec::new(), Vec::new());
    for (id, sniff) in candidates {
        if nested || sniff.links {
            linked.push(id);
        } else {
            singles.push(id);
        }
    }
    units.extend(singles.iter().map(|&file| Unit::Template { file }));

    timings.lap("sort candidates");
    // Parse the linkable candidates in parallel; keep those that are templates.
    let parsed: Vec<(FileId, Result<Parsed, Diagnostic>)> = linked
        .par_iter()
        .map(|&id| {
            let file = sources.get(id);
            let result = panic_guard::catch(|| parse_candidate(id, file, &options.limits))
                .map_err(|panic| internal_error(Span::new(id, 0..0), &file.display, None, &panic));
            (id, result)
        })
        .collect();
    let mut docs = Vec::new();
    for (id, result) in parsed {
        if let Some(doc) = accept_template(id, result, &sources, &mut diagnostics) {
            docs.push((id, doc));
        }
    }

    timings.lap("parse linked templates");
    // Templates linked by imports/exports or nested stacks form one unit.
    let cfn = cloudformation::RunInputs {
        roots: options.paths.clone(),
        parameters,
    };
    let doc_refs: Vec<(FileId, &syntax::Document)> = docs.iter().map(|(id, d)| (*id, d)).collect();
    // Candidates parsed later count as templates here: a `--parameters TEMPLATE=` naming one is
    // not reported as unmatched.
    let template_ids: Vec<FileId> = docs
        .iter()
        .map(|(id, _)| *id)
        .chain(singles.iter().copied())
        .collect();
    diagnostics.extend(cfn.parameters.unmatched(&template_ids, &sources));
    let groups = cloudformation::groups(&doc_refs, &sources, &cfn);
    drop(doc_refs);
    let mut by_file: std::collections::HashMap<FileId, syntax::Document> =
        docs.into_iter().collect();
    for files in groups {
        let docs = files
            .iter()
            .filter_map(|id| by_file.remove(id).map(|d| (*id, d)))
            .collect();
        units.push(Unit::Templates { files, docs });
    }
    let terraform_units = units
        .iter()
        .filter(|u| matches!(u, Unit::Terraform { .. } | Unit::TerraformPlan { .. }))
        .count();

    let mut stats = Stats {
        files: sources.len(),
        ..Stats::default()
    };
    let selected: Vec<(&rules::RuleEntry, &rules::RuleMeta)> = REGISTRY
        .iter()
        .zip(rules::catalog())
        .filter(|(_, meta)| options.selection().is_selected(&meta.id))
        .collect();
    let custom: Vec<&'static rules::declarative::CustomRule> = options
        .custom_rules
        .iter()
        .copied()
        .filter(|r| options.selection().is_selected(&r.meta.id))
        .collect();

    timings.lap("group templates");
    let kept = std::sync::Mutex::new(Vec::new());
    let secrets = std::sync::Mutex::new(Vec::new());
    let checks = Checks {
        sources: &sources,
        selected: &selected,
        custom: &custom,
        max_resources: options.max_resources,
        keep: keep_models.then_some(&kept),
        secrets: &secrets,
    };
    // (findings, functions, VPC functions, templates)
    let results: Vec<(Vec<Diagnostic>, usize, usize, usize)> = units
        .into_par_iter()
        .map(|unit| match &unit {
            Unit::Terraform { name, root } => {
                let files = by_dir.get(root).map_or(&[][..], Vec::as_slice);
                let (d, f, v) = checks.run(name, files, None, || {
                    terraform::load_root(name, root, &dir_index, &sources, &tf_inputs)
                });
                (d, f, v, 0)
            }
            Unit::TerraformPlan { file } => {
                let display = sources.get(*file).display.clone();
                let (d, f, v) = checks.run(&display, &[*file], None, || {
                    terraform::load_plan(&display, *file, &sources, &options.limits)
                });
                (d, f, v, 0)
            }
            Unit::Templates { files, docs } => {
                let group: Vec<(FileId, &syntax::Document)> =
                    docs.iter().map(|(id, d)| (*id, d)).collect();
                let display = files
                    .first()
                    .map_or(String::new(), |&f| sources.get(f).display.clone());
                let (d, f, v) = checks.run(&display, files, Some(&group), || {
                    cloudformation::load_group(&group, &sources, &cfn)
                });
                (d, f, v, files.len())
            }
            Unit::Template { file } => {
                let src = sources.get(*file);
                let parsed = panic_guard::catch(|| parse_candidate(*file, src, &options.limits))
                    .map_err(|panic| {
                        internal_error(Span::new(*file, 0..0), &src.display, None, &panic)
                    });
                let mut out = Vec::new();
                let Some(doc) = accept_template(*file, parsed, &sources, &mut out) else {
                    return (out, 0, 0, 0);
                };
                let group = [(*file, &doc)];
                let (d, f, v) = checks.run(&src.display, &[*file], Some(&group), || {
                    cloudformation::load_group(&group, &sources, &cfn)
                });
                out.extend(d);
                (out, f, v, 1)
            }
        })
        .collect();
    stats.terraform_modules = terraform_units;
    for (diags, functions, vpc, templates) in results {
        diagnostics.extend(diags);
        stats.functions += functions;
        stats.vpc_functions += vpc;
        stats.templates += templates;
    }

    timings.lap("units (parse, load, check)");
    diagnostics.retain(|d| options.selection().is_selected(d.code));
    sort(&mut diagnostics, &sources);
    let mut report = Report {
        diagnostics,
        stats,
        suppressed: Vec::new(),
    };
    timings.lap("sort findings");
    crate::config::finish(
        &mut report,
        &sources,
        &options.settings,
        options.selection(),
    );
    let mut models = kept
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    models.sort_by(|a: &UnitModel, b: &UnitModel| a.name.cmp(&b.name));
    // Nothing is rendered before this point: from here on no secret can be echoed.
    timings.lap("config and suppressions");
    let secrets = mask_secrets(secrets, &mut report, &mut sources);
    for m in &mut models {
        m.secrets = secrets.clone();
    }
    (report, sources, models)
}

/// `--allow-read`: the module directories that linted modules call outside the linted paths are
/// read when they lie inside an allowed directory, level by level as modules nest. Paths are
/// compared canonicalised, so neither `..` nor a symbolic link leaves an allowed directory.
fn read_allowed_modules(
    options: &Options,
    sources: &mut SourceMap,
    tf_files: &mut Vec<(PathBuf, FileId)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let allowed = crate::paths::Roots::new(&options.allow_read);
    if allowed.is_empty() {
        return;
    }
    let inside = |p: &Path| allowed.contains(p);
    // As deep as `terraform::modules` follows calls.
    for _ in 0..16 {
        let mut dirs = terraform::Dirs::new();
        for (path, id) in tf_files.iter() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            dirs.entry(dir).or_default().push(*id);
        }
        let mut added = false;
        for dir in terraform::outside_sources(&dirs, sources) {
            if !inside(&dir) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let n = f.to_string_lossy().to_ascii_lowercase();
                    (n.ends_with(".tf") || n.ends_with(".tf.json")) && inside(f)
                })
                .collect();
            files.sort();
            for path in files {
                let display = source::display_path(&path, &options.base);
                match read_file(&path, options.max_file_size) {
                    Ok(text) => {
                        let id = sources.add(SourceFile::new(path.clone(), display, text));
                        tf_files.push((path, id));
                        added = true;
                    }
                    Err(unreadable) => {
                        let at = unreadable.at;
                        let file = SourceFile::new(path, display.clone(), unreadable.text);
                        let id = sources.add(file);
                        let span = Span::new(id, at..at);
                        let (code, message) = (codes::UNREADABLE_FILE, unreadable.message);
                        diagnostics.push(Diagnostic::input(code, span, &display, message));
                    }
                }
            }
        }
        if !added {
            break;
        }
    }
}

/// Wall time per stage of a run, printed to stderr when `LVL_TIMINGS` is set: where the time of
/// the stages that run on one thread goes (see BENCHMARKS.md). Costs nothing otherwise.
pub(crate) struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub(crate) fn from_env() -> Self {
        let on = std::env::var_os("LVL_TIMINGS").is_some_and(|v| !v.is_empty());
        Timings {
            last: on.then(std::time::Instant::now),
        }
    }
    pub(crate) fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            eprintln!("{:>9.1} ms  {stage}", (now - last).as_secs_f64() * 1e3);
            self.last = Some(now);
        }
    }
}

/// A file read (with what its text says, for a template candidate), or why it was not.
type ReadFile = Result<(SourceFile, Sniff), Unreadable>;

/// What a template candidate's text says about how to treat it, read while the files are read
/// (in parallel: scanning every template again on one thread cost a tenth of a large run).
#[derive(Debug, Clone, Copy, Default)]
struct Sniff {
    /// A `terraform show -json` plan.
    plan: bool,
    /// Declares a nested stack (`AWS::CloudFormation::Stack`, `AWS::Serverless::Application`).
    nests: bool,
    /// May import or export values ([`may_link`]).
    links: bool,
}

impl Sniff {
    fn of(text: &str) -> Sniff {
        Sniff {
            plan: terraform::is_plan(text),
            nests: ["AWS::CloudFormation::Stack", "AWS::Serverless::Application"]
                .iter()
                .any(|m| memchr::memmem::find(text.as_bytes(), m.as_bytes()).is_some()),
            links: may_link(text),
        }
    }
}

/// Whether a template may import or export values: it mentions `ImportValue` or has an `Export`
/// key (`Export:`, `"Export":`, `'Export' :`). A name that merely contains the word (a function
/// called `ExportOrders`) does not count: a quarter of a large run's templates did, and every
/// template that counts is parsed before the units are formed and kept until the end.
fn may_link(text: &str) -> bool {
    // memchr's substring search: several times faster than `str::contains` on large texts.
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"ImportValue").is_some() {
        return true;
    }
    memchr::memmem::find_iter(bytes, b"Export").any(|at| {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        let rest = text[at + "Export".len()..].trim_start_matches(['"', '\'']);
        rest.trim_start_matches([' ', '\t']).starts_with(':')
    })
}

/// Lints one in-memory file as if it had been read from `name` (`.tf`: a one-file Terraform
/// module; anything else: a template candidate), with every selected catalog rule. For fuzzing
/// and embedding: the same stages and guards as [`lint`], without the filesystem.
pub fn lint_text(name: &str, text: String, options: &Options) -> (Report, SourceMap) {
    let mut sources = SourceMap::default();
    let id = sources.add(SourceFile::new(PathBuf::from(name), name.to_string(), text));
    let selected: Vec<(&rules::RuleEntry, &rules::RuleMeta)> = REGISTRY
        .iter()
        .zip(rules::catalog())
        .filter(|(_, meta)| options.selection().is_selected(&meta.id))
        .collect();
    let mut diagnostics = Vec::new();
    let mut stats = Stats {
        files: 1,
        ..Stats::default()
    };
    let secrets = std::sync::Mutex::new(Vec::new());
    let checks = Checks {
        sources: &sources,
        selected: &selected,
        custom: &[],
        max_resources: options.max_resources,
        keep: None,
        secrets: &secrets,
    };
    let (found, functions, vpc) = if name.to_ascii_lowercase().ends_with(".tf") {
        stats.terraform_modules = 1;
        checks.run(".", &[id], None, || terraform::load(".", &[id], &sources))
    } else {
        let file = sources.get(id);
        let result = panic_guard::catch(|| parse_candidate(id, file, &options.limits))
            .map_err(|panic| internal_error(Span::new(id, 0..0), name, None, &panic));
        match accept_template(id, result, &sources, &mut diagnostics) {
            Some(doc) => {
                stats.templates = 1;
                let group = [(id, &doc)];
                checks.run(name, &[id], Some(&group), || {
                    cloudformation::load(id, &doc, &sources)
                })
            }
            None => (Vec::new(), 0, 0),
        }
    };
    diagnostics.extend(found);
    stats.functions = functions;
    stats.vpc_functions = vpc;
    diagnostics.retain(|d| options.selection().is_selected(d.code));
    sort(&mut diagnostics, &sources);
    let mut report = Report {
        diagnostics,
        stats,
        suppressed: Vec::new(),
    };
    mask_secrets(secrets, &mut report, &mut sources);
    (report, sources)
}

/// Masks the secret values the front ends reported in the sources and the report (see
/// `crate::secrets`); returns them for the commands that render models.
fn mask_secrets(
    found: std::sync::Mutex<Vec<String>>,
    report: &mut Report,
    sources: &mut SourceMap,
) -> std::sync::Arc<crate::secrets::Secrets> {
    let found = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let secrets = crate::secrets::Secrets::new(found);
    if !secrets.is_empty() {
        secrets.mask_sources(sources);
        secrets.mask_report(report);
    }
    secrets.shared()
}

/// What every unit is checked with.
struct Checks<'a> {
    sources: &'a SourceMap,
    selected: &'a [(&'a rules::RuleEntry, &'a rules::RuleMeta)],
    custom: &'a [&'static rules::declarative::CustomRule],
    max_resources: usize,
    /// Where to keep each unit's model, when a command needs it after the run.
    keep: Option<&'a std::sync::Mutex<Vec<UnitModel>>>,
    /// The secret values the front ends saw, masked before anything is rendered.
    secrets: &'a std::sync::Mutex<Vec<String>>,
}

impl Checks<'_> {
    /// Loads (unless over the resource limit), analyses and checks one unit. Each stage runs
    /// under the panic guard: a panic in loading or analysis ends this unit with LVL903; a panic
    /// in a rule loses only that rule's findings for this unit.
    fn run(
        &self,
        display: &str,
        files: &[FileId],
        templates: Option<&[(FileId, &syntax::Document)]>,
        load: impl FnOnce() -> Loaded,
    ) -> (Vec<Diagnostic>, usize, usize) {
        let Some(&first) = files.first() else {
            return (Vec::new(), 0, 0);
        };
        let span = Span::new(first, 0..0);
        let over =
            limits::too_many_resources(display, files, templates, self.sources, self.max_resources);
        if !over.is_empty() {
            return (over, 0, 0);
        }
        let loaded = match panic_guard::catch(load) {
            Ok(loaded) => loaded,
            Err(panic) => return (vec![internal_error(span, display, None, &panic)], 0, 0),
        };
        let mut out = loaded.diagnostics;
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(loaded.secrets);
        let facts = match panic_guard::catch(|| Facts::new(&loaded.model)) {
            Ok(facts) => facts,
            Err(panic) => {
                out.push(internal_error(span, display, None, &panic));
                return (out, 0, 0);
            }
        };
        let ctx = RuleContext {
            model: &loaded.model,
            facts: &facts,
            sources: self.sources,
        };
        for (entry, meta) in self.selected {
            let Some(check) = entry.check else { continue };
            let mut found = Vec::new();
            match panic_guard::catch(|| {
                fault_injection(&meta.id);
                check(&ctx, &mut found)
            }) {
                Ok(()) => out.extend(found),
                Err(panic) => out.push(internal_error(span, display, Some(&meta.id), &panic)),
            }
        }
        for rule in self.custom {
            let mut found = Vec::new();
            match panic_guard::catch(|| rules::declarative::run(rule, &ctx, &mut found)) {
                Ok(()) => out.extend(found),
                Err(panic) => out.push(internal_error(span, display, Some(&rule.meta.id), &panic)),
            }
        }
        let functions = &loaded.model.functions;
        let (count, vpc) = (
            functions.len(),
            functions.iter().filter(|f| f.vpc_config.is_some()).count(),
        );
        drop(facts);
        if let Some(keep) = self.keep {
            let unit = UnitModel {
                name: display.to_string(),
                model: loaded.model,
                diagnostics: out.clone(),
                secrets: Default::default(),
            };
            keep.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(unit);
        }
        (out, count, vpc)
    }
}

/// LVL903: a panic while processing `display` (in `rule`, when known).
fn internal_error(span: Span, display: &str, rule: Option<&str>, panic: &str) -> Diagnostic {
    let stage = match rule {
        Some(rule) => format!("rule {rule}"),
        None => "loading".to_string(),
    };
    Diagnostic::input(
        codes::INTERNAL_ERROR,
        span,
        display,
        format!(
            "internal error in {stage} on `{display}`: {panic}; this is a bug in lambda-vpc-lint, \
             please report it with the file if you can"
        ),
    )
}

/// Test hook for the panic guard, compiled into debug builds only: `LVL_DEBUG_PANIC=LVL001`
/// makes rule LVL001 panic, so the tests can prove that a panic is reported and the run goes on.
fn fault_injection(rule: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("LVL_DEBUG_PANIC").is_ok_and(|r| r == rule) {
        panic!("injected by LVL_DEBUG_PANIC");
    }
    let _ = rule;
}

/// Outcome of parsing a template candidate: `None` when it is not one (see `parse_candidate`).
type Parsed = Option<Result<syntax::Document, syntax::SyntaxError>>;

/// The document of a candidate that is a lintable template; parse errors, duplicate keys and
/// caught panics become diagnostics.
fn accept_template(
    id: FileId,
    result: Result<Parsed, Diagnostic>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<syntax::Document> {
    let display = &sources.get(id).display;
    match result {
        Ok(Some(Ok(doc))) if cloudformation::is_template(&doc) => {
            match duplicates::first_duplicate_key(&doc.root, sources.get(id)) {
                Some(e) => {
                    let code = codes::UNSUPPORTED_INPUT;
                    diagnostics.push(Diagnostic::input(code, e.span, display, e.message));
                    None
                }
                None => Some(doc),
            }
        }
        Ok(None | Some(Ok(_))) => None,
        Ok(Some(Err(e))) => {
            let code = match e.kind {
                syntax::SyntaxErrorKind::Invalid => codes::PARSE_ERROR,
                syntax::SyntaxErrorKind::Unsupported => codes::UNSUPPORTED_INPUT,
            };
            diagnostics.push(Diagnostic::input(code, e.span, display, e.message));
            None
        }
        Err(internal) => {
            diagnostics.push(internal);
            None
        }
    }
}

/// Why a file was not read, and where: `text` is the file decoded lossily when the problem is
/// in its bytes (invalid UTF-8, a NUL byte), so the diagnostic can show the line; the bytes
/// before `at` decode unchanged, so `at` is a valid offset into it.
struct Unreadable {
    message: String,
    text: String,
    at: usize,
}

impl Unreadable {
    fn new(message: String) -> Self {
        Unreadable {
            message,
            text: String::new(),
            at: 0,
        }
    }
}

/// Reads a file for linting. The metadata is checked first, so a file over the size limit is
/// never read, and a FIFO or device is never opened (opening a FIFO blocks until a writer
/// comes). The read itself is bounded too, in case the file grows in between.
fn read_file(path: &Path, max: u64) -> Result<String, Unreadable> {
    use std::io::Read;

    let meta = std::fs::metadata(path).map_err(|e| Unreadable::new(e.to_string()))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a FIFO, socket or device)"
        };
        return Err(Unreadable::new(format!("skipped: {what}")));
    }
    let too_big = |len: u64| {
        Unreadable::new(format!(
            "file is {len} bytes, over the {max}-byte limit (--max-file-size)"
        ))
    };
    if meta.len() > max {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| Unreadable::new(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    // Positions are those of the text without its BOM, as for every file (see `source::decode`).
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let bad = |message: &str, at: usize, bytes: &[u8]| Unreadable {
        message: message.to_string(),
        text: String::from_utf8_lossy(bytes).into_owned(),
        at,
    };
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(bad("binary file (NUL byte)", at, &bytes));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        bad("invalid UTF-8", at, e.as_bytes())
    })
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

#[cfg(test)]
mod tests {
    use super::may_link;

    #[test]
    fn link_markers_are_imports_and_export_keys() {
        assert!(may_link("Value: !ImportValue shared-vpc"));
        assert!(may_link("{\"Fn::ImportValue\": \"x\"}"));
        assert!(may_link("Outputs:\n  Vpc:\n    Export:\n      Name: x"));
        assert!(may_link("{\"Export\" : {\"Name\": \"x\"}}"));
        assert!(may_link("    'Export'  : {Name: x}"));
        // Names that contain the word are not export keys.
        assert!(!may_link(
            "ExportOrdersFunction:\n  Type: AWS::Serverless::Function"
        ));
        assert!(!may_link("{\"Export2ServiceRole\": {}}"));
        assert!(!may_link("Description: Export data"));
    }
}
