//! Front ends: text → [`Model`]. They never produce findings, only diagnostics about input they
//! could not read (parse errors, unsupported constructs), and they never fail as a whole: a unit
//! always yields a model, possibly with `Unknown` values.
//!
//! The driver (`engine`) knows no front end: it talks to each through [`FrontEnd`] (claim the
//! files it reads, name the files its options and its files call for, group its files into
//! units) and to each unit through [`Unit`] (parse, count resources, load). Each front end's
//! inputs from outside the linted files (Terraform variables, CloudFormation parameter files)
//! are in its own `Options`.

pub mod cloudformation;
pub mod snapshot;
pub mod terraform;

use std::path::PathBuf;

use crate::diagnostic::{codes, Diagnostic};
use crate::discover::FileKind;
use crate::model::Model;
use crate::source::{FileId, SourceMap, Span};

/// The result of loading one unit (a Terraform module tree or a CloudFormation template).
#[derive(Debug, Default)]
pub struct Loaded {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Values seen in places marked secret (Terraform `sensitive`, CloudFormation `NoEcho`):
    /// the engine masks them in every output (see `crate::secrets`).
    pub secrets: Vec<String>,
}

/// A file a front end claimed, read into the run's [`SourceMap`].
#[derive(Debug, Clone)]
pub struct Claimed {
    pub path: PathBuf,
    pub file: FileId,
    /// What the front end noted about the file when it claimed it (its own meaning).
    pub tag: u8,
}

/// What the driver asks of a front end, in the order of a run. Files are read by the driver
/// only (size limit, FIFOs, encoding: LVL902), so every front end gets the same guards.
pub trait FrontEnd: Sync {
    /// Files to read on top of the discovered ones (`discovered` is sorted): modules `terraform
    /// init` downloaded under `.terraform`, which discovery skips. Confined by the front end.
    fn more_paths(&self, discovered: &[(PathBuf, FileKind)]) -> Vec<(PathBuf, FileKind)> {
        let _ = discovered;
        Vec::new()
    }

    /// Whether this front end reads a file, decided on its kind (its name) and its text, with a
    /// tag of the front end's choosing (see [`Claimed::tag`]). Called in parallel as the files
    /// are read, so sniffing the text costs no pass on one thread. The first front end to
    /// claim a file gets it.
    fn claim(&self, kind: FileKind, text: &str) -> Option<u8>;

    /// Files the claimed ones call for outside the linted paths, where the options allow it
    /// (Terraform modules under `--allow-read`). The driver reads and claims them, and asks
    /// again while new files arrive (at most 16 rounds, as deep as modules are followed).
    fn follow(&self, claimed: &[Claimed], sources: &SourceMap) -> Vec<PathBuf> {
        let _ = (claimed, sources);
        Vec::new()
    }

    /// The files the options name (`--var-file`, `--parameters`), read after every other file.
    fn option_files(&self) -> Vec<PathBuf> {
        Vec::new()
    }

    /// Groups the claimed files (in path order) into units. `options` holds the file ids of
    /// [`FrontEnd::option_files`] in the same order (`None`: unreadable, already reported).
    fn units<'r>(
        &'r self,
        claimed: Vec<Claimed>,
        options: Vec<Option<FileId>>,
        sources: &'r SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Box<dyn Unit + 'r>>;
}

/// What a unit adds to the run's summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub terraform_modules: usize,
    pub templates: usize,
}

/// One unit of a run: loaded, analysed and checked on its own, in parallel with the others. The
/// driver calls [`Unit::parse`], then [`Unit::over_limit`], then [`Unit::load`], each under the
/// panic guard, and drops the unit (and its trees) when it is done.
pub trait Unit: Send {
    /// The unit's name in diagnostics and `graph`.
    fn name(&self) -> &str;

    /// Its files; the first one carries the unit's own diagnostics.
    fn files(&self) -> &[FileId];

    /// Parses what was not parsed while the units were formed. `false`: nothing to lint (a
    /// YAML file that is no template, or one that does not parse: reported in `diagnostics`).
    fn parse(&mut self, diagnostics: &mut Vec<Diagnostic>) -> bool {
        let _ = diagnostics;
        true
    }

    /// LVL901 for each part of the unit with more than `max` resources (see
    /// [`too_many_resources`]); empty: the unit may be loaded.
    fn over_limit(&self, max: usize) -> Vec<Diagnostic>;

    fn load(&self) -> Loaded;

    /// [`Unit::load`] with the run's AWS snapshot at hand, for front ends that evaluate against
    /// it while loading (Terraform's data sources); the others load as without it.
    fn load_with(&self, snapshot: &snapshot::Snapshot) -> Loaded {
        let _ = snapshot;
        self.load()
    }

    /// What the unit adds to the summary, once parsed.
    fn counts(&self) -> Counts;
}

/// LVL901 when `count` resources are over `max` (`--max-resources`): checked before a unit is
/// loaded, so a generated monster costs a count, not a model.
pub fn too_many_resources(
    count: usize,
    max: usize,
    span: Span,
    display: &str,
) -> Option<Diagnostic> {
    (count > max).then(|| {
        Diagnostic::input(
            codes::UNSUPPORTED_INPUT,
            span,
            display,
            format!(
                "`{display}` declares {count} resources, over the limit of {max} \
                 (--max-resources); it was not linted"
            ),
        )
    })
}
