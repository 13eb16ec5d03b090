//! Discovery: walks the paths the user gave and classifies files into units. The only module
//! that walks the filesystem.
//!
//! - `.tf` / `.tf.json` files are grouped by directory: one directory = one Terraform module.
//! - Any other file with a YAML or JSON extension (or `.template`, `.cform`, `.cfn`, `.txt`-less
//!   extensions commonly used for templates) is a CloudFormation candidate, confirmed by content
//!   after parsing.
//! - `.git`, `node_modules`, `.terraform`, `cdk.out/asset.*` and hidden directories are skipped;
//!   `.gitignore` is honoured even outside a git repository. A path named explicitly is always
//!   taken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Terraform,
    TerraformJson,
    /// `*.tfvars` / `*.tfvars.json`: variable values for the root module in the directory.
    TerraformVars,
    /// YAML or JSON that may be a template; decided by content.
    TemplateCandidate,
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted by path, so every later stage sees the same order whatever the walk order.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Paths that could not be walked, with the error.
    pub errors: Vec<(PathBuf, String)>,
}

/// Classifies a path by name. `None`: not something the linter reads.
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        return Some(FileKind::TerraformVars);
    }
    if lower.ends_with(".tf.json") {
        return Some(FileKind::TerraformJson);
    }
    if lower.ends_with(".tf") {
        return Some(FileKind::Terraform);
    }
    // Lock files, manifests and tool configs are JSON/YAML but never templates; skipping them by
    // name saves parsing large files such as package-lock.json.
    const NOT_TEMPLATES: &[&str] = &[
        "package.json",
        "package-lock.json",
        "tsconfig.json",
        "cdk.json",
        "cdk.context.json",
        "tree.json",
        "manifest.json",
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        "samconfig.yaml",
        "pnpm-lock.yaml",
        "docker-compose.yml",
        "docker-compose.yaml",
    ];
    if NOT_TEMPLATES.contains(&lower.as_str()) || lower.ends_with(".assets.json") {
        return None;
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "yaml" | "yml" | "json" | "template" | "cform" | "cfn" | "cfm" => {
            Some(FileKind::TemplateCandidate)
        }
        _ => None,
    }
}

pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    for root in paths {
        if root.exists() && !root.is_dir() {
            // An explicitly named file is taken even if its name is unusual: sniffing decides.
            // So is a FIFO or device, which the engine reports without opening it.
            let kind = classify(root).unwrap_or(FileKind::TemplateCandidate);
            out.files.push((root.clone(), kind));
            continue;
        }
        if !root.exists() {
            out.errors
                .push((root.clone(), "no such file or directory".into()));
            continue;
        }
        let mut overrides = OverrideBuilder::new(root);
        for glob in [
            "!**/node_modules/**",
            "!**/.terraform/**",
            "!**/cdk.out/asset.*/**",
        ] {
            // The globs are constants; an error here is a programming error caught by tests.
            overrides.add(glob).expect("valid override glob");
        }
        // Parallel walk (as many threads as the run's pool): stat calls and ignore matching are
        // most of a large tree's discovery time. Results are sorted below, so the order of the
        // walk does not matter.
        let found = std::sync::Mutex::new(Discovered::default());
        WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .add_custom_ignore_filename(".lambdavpclintignore")
            .overrides(overrides.build().expect("valid overrides"))
            .threads(rayon::current_num_threads())
            .build_parallel()
            .run(|| {
                let mut local = Batch {
                    found: &found,
                    batch: Discovered::default(),
                };
                Box::new(move |entry| {
                    let local = &mut local.batch;
                    match entry {
                        Ok(e) => {
                            // Regular files, and FIFOs/devices with a lintable name (reported by
                            // the engine, never opened). Symbolic links are not followed.
                            if e.file_type()
                                .is_some_and(|t| !t.is_dir() && !t.is_symlink())
                            {
                                if let Some(kind) = classify(e.path()) {
                                    local.files.push((e.path().to_path_buf(), kind));
                                }
                            }
                        }
                        Err(err) => local.errors.push((root.clone(), err.to_string())),
                    }
                    WalkState::Continue
                })
            });
        let found = found.into_inner().unwrap_or_else(|p| p.into_inner());
        out.files.extend(found.files);
        out.errors.extend(found.errors);
    }
    out.files.sort();
    out.files.dedup();
    out.errors.sort();
    out
}

/// One walker thread's findings, added to the shared list when the thread is done.
struct Batch<'a> {
    found: &'a std::sync::Mutex<Discovered>,
    batch: Discovered,
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        let mut all = self.found.lock().unwrap_or_else(|p| p.into_inner());
        all.files.append(&mut self.batch.files);
        all.errors.append(&mut self.batch.errors);
    }
}

/// Groups Terraform files by directory (one module per directory), in path order.
pub fn terraform_modules(files: &[(PathBuf, FileKind)]) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for (path, kind) in files {
        if matches!(kind, FileKind::Terraform | FileKind::TerraformJson) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            modules.entry(dir).or_default().push(path.clone());
        }
    }
    modules
}
