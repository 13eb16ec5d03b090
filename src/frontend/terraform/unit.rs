//! The Terraform front end as the driver sees it (see [`crate::frontend::FrontEnd`]): it claims
//! `.tf`, `.tf.json`, `*.tfvars` files and `terraform show -json` plans, adds the modules
//! `terraform init` downloaded and those `--allow-read` permits, and makes one unit per root
//! module (see [`modules::roots`]) and one per plan.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::modules::{self, Dirs, Index};
use super::vars::{CliVar, VarInputs};
use super::{Options, TfVar};
use crate::diagnostic::Diagnostic;
use crate::discover::FileKind;
use crate::frontend::{too_many_resources, Claimed, Counts, FrontEnd, Loaded, Unit};
use crate::paths::Roots;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::Limits;

/// [`Claimed::tag`] of a configuration file (`.tf`, `.tf.json`, tfvars, `modules.json`).
const CONFIG: u8 = 0;
/// [`Claimed::tag`] of a plan file.
const PLAN: u8 = 1;

pub struct Terraform {
    options: Options,
    /// The linted paths (empty when nothing on disk belongs to the run: `lint_text`).
    paths: Vec<PathBuf>,
    base: PathBuf,
    limits: Limits,
    /// The run's Terraform files by directory and the variable inputs, shared by every unit.
    run: OnceLock<Run>,
}

struct Run {
    dirs: Dirs,
    inputs: VarInputs,
}

impl Terraform {
    pub fn new(options: Options, paths: Vec<PathBuf>, base: PathBuf, limits: Limits) -> Self {
        Terraform {
            options,
            paths,
            base,
            limits,
            run: OnceLock::new(),
        }
    }

    /// Where `file()` / `templatefile()` may read: the linted paths (a file's directory) and
    /// `--allow-read`.
    fn read_roots(&self) -> Roots {
        let dirs = self.paths.iter().map(|p| {
            if p.is_file() {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                p.clone()
            }
        });
        Roots::new(dirs.chain(self.options.allow_read.iter().cloned()))
    }
}

impl FrontEnd for Terraform {
    fn more_paths(&self, discovered: &[(PathBuf, FileKind)]) -> Vec<(PathBuf, FileKind)> {
        // Modules downloaded by `terraform init` live under `.terraform`, which discovery skips.
        let dirs: std::collections::BTreeSet<&Path> = discovered
            .iter()
            .filter(|(_, k)| matches!(k, FileKind::Terraform | FileKind::TerraformJson))
            .filter_map(|(p, _)| p.parent())
            .collect();
        let allowed: Vec<PathBuf> = self
            .paths
            .iter()
            .chain(&self.options.allow_read)
            .cloned()
            .collect();
        dirs.into_iter()
            .flat_map(|dir| modules::downloaded_files(dir, &allowed))
            // `modules.json` too: the unit reads the module keys from it.
            .map(|p| (p, FileKind::Terraform))
            .collect()
    }

    fn claim(&self, kind: FileKind, text: &str) -> Option<u8> {
        // Not a `match`: a new front end's `FileKind` must not need an arm here.
        if matches!(
            kind,
            FileKind::Terraform | FileKind::TerraformJson | FileKind::TerraformVars
        ) {
            Some(CONFIG)
        } else if kind == FileKind::TemplateCandidate && super::is_plan(text) {
            Some(PLAN)
        } else {
            None
        }
    }

    /// `--allow-read`: the module directories that the run's modules call outside the linted
    /// paths, when they lie inside an allowed directory (`paths::Roots`: neither `..` nor a
    /// symbolic link leaves it).
    fn follow(&self, claimed: &[Claimed], sources: &SourceMap) -> Vec<PathBuf> {
        let allowed = Roots::new(&self.options.allow_read);
        if allowed.is_empty() {
            return Vec::new();
        }
        let mut dirs = Dirs::new();
        for c in claimed.iter().filter(|c| c.tag == CONFIG) {
            let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
            dirs.entry(dir).or_default().push(c.file);
        }
        let mut out = Vec::new();
        for dir in modules::outside_sources(&dirs, sources) {
            if !allowed.contains(&dir) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let n = f.to_string_lossy().to_ascii_lowercase();
                    (n.ends_with(".tf") || n.ends_with(".tf.json")) && allowed.contains(f)
                })
                .collect();
            files.sort();
            out.extend(files);
        }
        out
    }

    fn option_files(&self) -> Vec<PathBuf> {
        let files = self.options.vars.iter().filter_map(|v| match v {
            TfVar::File(path) => Some(path.clone()),
            TfVar::Assign(..) => None,
        });
        files.collect()
    }

    fn units<'r>(
        &'r self,
        claimed: Vec<Claimed>,
        options: Vec<Option<FileId>>,
        sources: &'r SourceMap,
        _diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Box<dyn Unit + 'r>> {
        let (plans, files): (Vec<Claimed>, Vec<Claimed>) =
            claimed.into_iter().partition(|c| c.tag == PLAN);
        // Variables in command-line order; an unreadable `--var-file` is left out.
        let mut read = options.into_iter();
        let cli = self.options.vars.iter().filter_map(|v| match v {
            TfVar::Assign(k, val) => Some(CliVar::Assign(k.clone(), val.clone())),
            TfVar::File(_) => read.next().flatten().map(CliVar::File),
        });
        let inputs = VarInputs {
            env: self.options.env.clone(),
            cli: cli.collect(),
            read_roots: self.read_roots(),
        };
        // A directory that another one calls as a local module is loaded as part of its caller.
        let mut dirs = Dirs::new();
        for c in &files {
            let dir = c.path.parent().map(Path::to_path_buf).unwrap_or_default();
            dirs.entry(dir).or_default().push(c.file);
        }
        let run = self.run.get_or_init(|| Run { dirs, inputs });
        let index = Arc::new(Index::new(&run.dirs));
        let mut units: Vec<Box<dyn Unit + 'r>> = Vec::new();
        for root in modules::roots(&index, sources) {
            units.push(Box::new(Module {
                name: super::unit_name(&root, &self.base),
                files: run.dirs.get(&root).cloned().unwrap_or_default(),
                root,
                index: index.clone(),
                inputs: &run.inputs,
                sources,
            }));
        }
        units.extend(plans.into_iter().map(|c| {
            Box::new(Plan {
                name: sources.get(c.file).display.clone(),
                files: [c.file],
                sources,
                limits: &self.limits,
            }) as Box<dyn Unit + 'r>
        }));
        units
    }
}

/// A root module with the modules it calls.
struct Module<'r> {
    name: String,
    root: PathBuf,
    files: Vec<FileId>,
    index: Arc<Index<'r>>,
    inputs: &'r VarInputs,
    sources: &'r SourceMap,
}

impl Unit for Module<'_> {
    fn name(&self) -> &str {
        &self.name
    }
    fn files(&self) -> &[FileId] {
        &self.files
    }
    fn over_limit(&self, max: usize) -> Vec<Diagnostic> {
        over_limit(&self.files, self.sources, max, &self.name)
    }
    fn load(&self) -> Loaded {
        super::load_root(
            &self.name,
            &self.root,
            &self.index,
            self.sources,
            self.inputs,
        )
    }
    fn load_with(&self, snapshot: &crate::frontend::snapshot::Snapshot) -> Loaded {
        super::load_root_with(
            &self.name,
            &self.root,
            &self.index,
            self.sources,
            self.inputs,
            Some(snapshot),
        )
    }
    fn counts(&self) -> Counts {
        Counts {
            terraform_modules: 1,
            templates: 0,
        }
    }
}

/// A `terraform show -json` plan file.
struct Plan<'r> {
    name: String,
    files: [FileId; 1],
    sources: &'r SourceMap,
    limits: &'r Limits,
}

impl Unit for Plan<'_> {
    fn name(&self) -> &str {
        &self.name
    }
    fn files(&self) -> &[FileId] {
        &self.files
    }
    fn over_limit(&self, max: usize) -> Vec<Diagnostic> {
        over_limit(&self.files, self.sources, max, &self.name)
    }
    fn load(&self) -> Loaded {
        super::load_plan(&self.name, self.files[0], self.sources, self.limits)
    }
    fn counts(&self) -> Counts {
        Counts {
            terraform_modules: 1,
            templates: 0,
        }
    }
}

/// The module as a whole: `resource` blocks in its files, counted on the text (a line that
/// starts with `resource`, so a heredoc may over-count, never under-count).
fn over_limit(files: &[FileId], sources: &SourceMap, max: usize, name: &str) -> Vec<Diagnostic> {
    let count = files
        .iter()
        .map(|&f| resource_blocks(&sources.get(f).text))
        .sum();
    let span = Span::new(files.first().copied().unwrap_or(FileId(0)), 0..0);
    too_many_resources(count, max, span, name)
        .into_iter()
        .collect()
}

fn resource_blocks(text: &str) -> usize {
    // Found with a substring search rather than line by line: this runs over every `.tf` byte.
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"resource")
        .filter(|&at| {
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            bytes[line_start..at].iter().all(u8::is_ascii_whitespace)
                && matches!(bytes.get(at + 8), Some(b' ' | b'\t' | b'"'))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::resource_blocks;

    #[test]
    fn counts_resource_blocks_on_the_text() {
        let text =
            "resource \"a\" \"b\" {}\n  resource\t\"c\" \"d\" {\n}\nresources = 1\n# resource\n";
        assert_eq!(resource_blocks(text), 2);
    }
}
