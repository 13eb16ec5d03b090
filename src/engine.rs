//! The driver: gathers the files of a run, lets each front end form its units, checks the
//! units in parallel, sorts, applies the configuration and masks secrets. It knows no front
//! end: they are [`FrontEnd`]s (see `crate::frontend`), listed once in [`front_ends`].
//!
//! Invariant: the output is byte-identical for any thread count. Files are read in path order
//! into the [`SourceMap`], units are processed in parallel but collected in order, and the
//! diagnostics are sorted by (file, offset, code, message) before anything is rendered.
//!
//! Performance invariant: nothing on one thread may touch every byte of the run or every pair of
//! units; the serial stages (inserting files, forming units, sorting) are linear in the number
//! of files or findings.

use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

mod check;
mod read;
#[cfg(test)]
mod tests;

pub use crate::frontend::terraform::TfVar;
pub use crate::outcome::{compare, sort, Report, Stats};
pub use crate::panic_guard;
pub use read::Overlay;

use crate::diagnostic::Diagnostic;
use crate::frontend::{cloudformation, terraform, FrontEnd};
use crate::rules::{self, REGISTRY};
use crate::source::SourceMap;
use crate::syntax::Limits;
use check::{Checked, Checks};
use read::Gathered;

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
    /// Terraform's inputs: variables, `--allow-read`.
    pub terraform: terraform::Options,
    /// CloudFormation's inputs: `--parameters` files.
    pub cloudformation: cloudformation::Options,
    /// `--aws-snapshot` and `[aws] snapshot`: AWS CLI JSON files or directories of them.
    pub aws_snapshot: Vec<PathBuf>,
    /// `--strict`: every unknown aspect of a VPC function is reported as LVL906.
    pub strict: bool,
    /// Unsaved editor contents read instead of the files on disk (the language server).
    pub overlay: std::sync::Arc<Overlay>,
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
            terraform: Default::default(),
            cloudformation: Default::default(),
            aws_snapshot: Vec::new(),
            strict: false,
            overlay: Default::default(),
        }
    }
}

/// Runs the whole pipeline. Never fails: unreadable input becomes diagnostics.
pub fn lint(options: &Options) -> (Report, SourceMap) {
    let (report, sources, _) = lint_with(options, None, false);
    (report, sources)
}

/// Lints one in-memory file as if it had been read from `name` (classified by its name like a
/// discovered file; an unknown name is a template candidate). For fuzzing and embedding: every
/// stage of [`lint`] after discovery (front ends, the files the options name, custom rules,
/// configuration, masking): no directory on disk belongs to the run, so modules, `file()` and
/// nested stacks read nothing.
pub fn lint_text(name: &str, text: String, options: &Options) -> (Report, SourceMap) {
    let (report, sources, _) = lint_with(options, Some((name, text)), false);
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
    lint_with(options, None, true)
}

fn lint_with(
    options: &Options,
    text: Option<(&str, String)>,
    keep_models: bool,
) -> (Report, SourceMap, Vec<UnitModel>) {
    let run = || {
        let on_disk = text.is_none();
        let (tf, cfn) = front_ends(options, on_disk);
        let front_ends: [&dyn FrontEnd; 2] = [&tf, &cfn];
        let mut timings = Timings::from_env();
        let gathered = match text {
            None => read::gather(options, &front_ends),
            Some((name, text)) => read::one_file(name, text, &front_ends),
        };
        timings.lap("discover and read");
        drive(options, &front_ends, gathered, keep_models, timings)
    };
    // Already on a pool of the size asked for (a fuzz target, an embedder linting many texts):
    // run there rather than start threads for every call.
    let jobs = if options.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.jobs
    };
    if rayon::current_thread_index().is_some() && rayon::current_num_threads() == jobs {
        run()
    } else {
        thread_pool(options.jobs).install(run)
    }
}

/// The front ends of a run, in the order they claim files (a plan file is Terraform's before it
/// is a template candidate) and form units. `on_disk`: the linted paths are the run's roots;
/// otherwise (`lint_text`) no directory is, and nothing outside the text is read.
fn front_ends(
    options: &Options,
    on_disk: bool,
) -> (terraform::Terraform, cloudformation::CloudFormation) {
    let paths = if on_disk {
        options.paths.clone()
    } else {
        Vec::new()
    };
    let mut tf = options.terraform.clone();
    if !on_disk {
        tf.allow_read.clear();
    }
    let (base, limits) = (options.base.clone(), options.limits);
    (
        terraform::Terraform::new(tf, paths.clone(), base, limits),
        cloudformation::CloudFormation::new(options.cloudformation.clone(), paths, limits),
    )
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

/// Every stage after gathering: the options' own files, units, checks, sorting, configuration,
/// masking. Shared by [`lint`] and [`lint_text`].
fn drive(
    options: &Options,
    front_ends: &[&dyn FrontEnd],
    mut run: Gathered,
    keep_models: bool,
    mut timings: Timings,
) -> (Report, SourceMap, Vec<UnitModel>) {
    // The files the options name (`--var-file`, `--parameters`), after the linted files so
    // their ids do not shift.
    let option_files: Vec<Vec<_>> = front_ends
        .iter()
        .map(|fe| {
            let files = fe.option_files().into_iter();
            let read = files.map(|p| read::read(&p, options));
            read.map(|mut r| {
                r.file.values = true;
                run.insert(r)
            })
            .collect()
        })
        .collect();
    // The AWS snapshot, after them: indexed once, linked into every unit after it loads.
    let snapshot_files = run.insert_snapshot(options);
    let Gathered {
        sources,
        claimed,
        mut diagnostics,
    } = run;
    let snapshot = crate::frontend::snapshot::build(
        &sources,
        &snapshot_files,
        &options.limits,
        &mut diagnostics,
    );
    // Counted as linted: the files the options name (inputs the user chose) and Terraform files
    // by their name (module sources read for a call are in no unit of their own). YAML/JSON
    // counts only when a unit parsed it as a template or something was reported on it.
    let by_name = claimed.iter().flatten().filter(|c| {
        crate::discover::classify(&c.path)
            .is_some_and(|k| k != crate::discover::FileKind::TemplateCandidate)
    });
    let named: Vec<crate::source::FileId> = option_files
        .iter()
        .flatten()
        .flatten()
        .copied()
        .chain(by_name.map(|c| c.file))
        .collect();
    let mut units = Vec::new();
    for ((fe, claimed), files) in front_ends.iter().zip(claimed).zip(option_files) {
        units.extend(fe.units(claimed, files, &sources, &mut diagnostics));
    }
    timings.lap("units formed");
    let selection = options.selection();
    let selected: Vec<(&rules::RuleEntry, &rules::RuleMeta)> = REGISTRY
        .iter()
        .zip(rules::catalog())
        .filter(|(_, meta)| selection.is_selected(&meta.id))
        .collect();
    let custom: Vec<&'static rules::declarative::CustomRule> = options
        .custom_rules
        .iter()
        .copied()
        .filter(|r| selection.is_selected(&r.meta.id))
        .collect();
    let collected = Collected::default();
    let checks = Checks {
        sources: &sources,
        selected: &selected,
        custom: &custom,
        max_resources: options.max_resources,
        keep: keep_models.then_some(&collected.kept),
        secrets: &collected.secrets,
        coverage: (&collected.coverage, options.strict),
        snapshot: &snapshot,
    };
    let results: Vec<Checked> = units.into_par_iter().map(|u| checks.run(u)).collect();
    // Linted files: those of the units that parsed and those reported on (a broken template, an
    // unreadable file). YAML/JSON that is not a template is read but not counted.
    let mut linted: std::collections::BTreeSet<crate::source::FileId> = diagnostics
        .iter()
        .map(|d| d.span.file)
        .chain(named)
        .collect();
    for checked in &results {
        linted.extend(checked.files.iter().copied());
        linted.extend(checked.diagnostics.iter().map(|d| d.span.file));
    }
    let mut stats = Stats {
        files: linted.len(),
        ..Stats::default()
    };
    let snapshot_files = snapshot
        .files()
        .iter()
        .map(|f| sources.get(*f).display.clone())
        .collect();
    for checked in results {
        diagnostics.extend(checked.diagnostics);
        stats.terraform_modules += checked.counts.terraform_modules;
        stats.templates += checked.counts.templates;
        stats.functions += checked.functions;
        stats.vpc_functions += checked.vpc_functions;
    }
    timings.lap("units (parse, load, check)");
    finish(
        options,
        diagnostics,
        stats,
        sources,
        collected,
        snapshot_files,
        timings,
    )
}

/// What the units hand back besides their findings, gathered across threads.
#[derive(Default)]
struct Collected {
    kept: Mutex<Vec<UnitModel>>,
    secrets: Mutex<Vec<String>>,
    coverage: Mutex<Vec<crate::coverage::Entry>>,
}

/// Sorts, applies the configuration, and masks secrets: nothing is rendered before this ends.
fn finish(
    options: &Options,
    mut diagnostics: Vec<Diagnostic>,
    stats: Stats,
    mut sources: SourceMap,
    collected: Collected,
    snapshot_files: Vec<String>,
    mut timings: Timings,
) -> (Report, SourceMap, Vec<UnitModel>) {
    let Collected {
        kept,
        secrets,
        coverage,
    } = collected;
    let selection = options.selection();
    diagnostics.retain(|d| selection.is_selected(d.code));
    sort(&mut diagnostics, &sources);
    let mut report = Report {
        diagnostics,
        stats,
        suppressed: Vec::new(),
        coverage: crate::coverage::Coverage {
            entries: coverage.into_inner().unwrap_or_else(|p| p.into_inner()),
            strict: options.strict,
            snapshot_files,
        },
    };
    report.coverage.sort(&sources);
    timings.lap("sort findings");
    crate::config::finish(&mut report, &sources, &options.settings, selection);
    let mut models = kept
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    models.sort_by(|a, b| a.name.cmp(&b.name));
    timings.lap("config and suppressions");
    // From here on no secret can be echoed.
    let secrets = check::mask_secrets(secrets, &mut report, &mut sources);
    for m in &mut models {
        m.secrets = secrets.clone();
    }
    (report, sources, models)
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
