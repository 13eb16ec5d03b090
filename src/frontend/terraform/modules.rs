//! The module tree of one root module: which directory each `module` block loads, followed
//! before evaluation so every directory is parsed once.
//!
//! - Local sources (`./net`, `../modules/vpc`) are directories of the run (the linted paths, and
//!   module directories under `--allow-read`, which the engine reads on top, see
//!   [`outside_sources`]); a source that resolves (after canonicalisation, so `..` and symbolic
//!   links count) anywhere else is never read: LVL901 at its `source`, and its outputs are
//!   unknown.
//! - Other sources (registry, git, ...) are followed through `.terraform/modules/modules.json`
//!   (written by `terraform init`) when the engine found it; otherwise the module's outputs
//!   stay unknown with a reason that says to run `terraform init`.
//! - A module that sources one of its own callers is a cycle: reported, not followed.
//!
//! Which directories are roots (units) is decided by [`roots`]: a directory that another
//! directory of the run calls as a local module is linted as part of its caller, not alone.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use hcl_edit::expr::Expression;

use super::json_syntax::SpanMap;
use super::parse::{self, span_of, ParsedFile};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::Reason;
use crate::source::{FileId, SourceMap, Span};

/// The Terraform files of the run (`.tf`, `.tf.json`, `*.tfvars`, `modules.json`) by directory.
pub type Dirs = BTreeMap<PathBuf, Vec<FileId>>;

/// Module nesting deeper than this is not followed (Terraform has no limit; real trees stay
/// within a handful of levels).
const MAX_MODULE_DEPTH: usize = 16;

/// At most this many module instances (call paths) per root module. Each call path is its own
/// node (its inputs differ), so a chain of directories that each call the next twice doubles
/// the tree at every level: without a bound, 20 levels are a million modules to evaluate. Real
/// trees have tens; past the bound the remaining calls are reported (LVL901, once per root) and
/// their outputs are unknown, so the time stays linear in the size of the tree read.
pub const MAX_MODULE_INSTANCES: usize = 1000;

/// One module in the static tree (one per call path, whatever its `count` / `for_each`).
pub struct Node {
    /// Index into [`Tree::files`].
    pub dir: usize,
    /// What each `module` block of this module loads.
    pub calls: HashMap<String, Target>,
}

#[derive(Debug, Clone)]
pub enum Target {
    Node(usize),
    Unknown(Reason),
}

pub struct Tree {
    /// Parsed `.tf` / `.tf.json` files per module directory.
    pub files: Vec<Vec<ParsedFile>>,
    /// Node 0 is the root module.
    pub nodes: Vec<Node>,
    /// The span maps of every `.tf.json` file parsed.
    pub maps: Vec<(FileId, SpanMap)>,
}

/// A path with symlinks and `..` resolved (see `crate::paths::resolve`).
pub fn canonical(p: &Path) -> PathBuf {
    crate::paths::resolve(p)
}

/// A local path: `./`, `../`, or an absolute path (which Terraform copies like a remote source;
/// it is treated as local so that one outside the linted paths is refused, never read).
fn is_local(source: &str) -> bool {
    source == "."
        || source == ".."
        || source.starts_with("./")
        || source.starts_with("../")
        || Path::new(source).is_absolute()
}

/// The `module` blocks of a parsed body: (name, source, source span).
fn calls_of(files: &[ParsedFile]) -> Vec<(String, Option<String>, Span, FileId)> {
    let mut out = Vec::new();
    for pf in files {
        for block in pf.body.blocks() {
            if block.ident.as_str() != "module" || block.labels.len() != 1 {
                continue;
            }
            let name = block
                .labels
                .first()
                .map(|l| l.as_str().to_string())
                .unwrap_or_default();
            let (source, span) = match block.body.get_attribute("source") {
                Some(a) => (literal(&a.value), span_of(pf.file, &a.value)),
                None => (None, parse::header_span(pf.file, block)),
            };
            out.push((name, source, span, pf.file));
        }
    }
    out
}

/// `source` must be a literal string in Terraform.
fn literal(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::StringTemplate(t) => {
            let mut s = String::new();
            for el in t.iter() {
                match el {
                    hcl_edit::template::Element::Literal(l) => s.push_str(l.value()),
                    _ => return None,
                }
            }
            Some(s)
        }
        _ => None,
    }
}

/// Parses the `.tf` / `.tf.json` files of a directory.
fn parse_dir(
    files: &[FileId],
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    maps: &mut Vec<(FileId, SpanMap)>,
) -> Vec<ParsedFile> {
    let (parsed, m) = parse::parse_files(files, sources, diagnostics);
    maps.extend(m);
    parsed
}

/// Module directories of the run, found by their canonical path. Canonicalising costs a system
/// call per path component: so the directories are grouped by their last name (no system call)
/// and only the few candidates of a lookup are canonicalised. The engine builds one index per
/// run and every unit shares it (an index per unit made runs quadratic in the modules).
pub struct Index<'d> {
    dirs: &'d Dirs,
    by_name: HashMap<std::ffi::OsString, Vec<&'d PathBuf>>,
}

impl<'d> Index<'d> {
    pub fn new(dirs: &'d Dirs) -> Self {
        let mut by_name: HashMap<std::ffi::OsString, Vec<&PathBuf>> = HashMap::new();
        for k in dirs.keys() {
            // `.` and `..` have no name of their own: name them by where they lead (rare, so
            // the system calls are few).
            let name = match k.components().next_back() {
                Some(Component::Normal(n)) => n.to_os_string(),
                _ => canonical(k).file_name().unwrap_or_default().to_os_string(),
            };
            by_name.entry(name).or_default().push(k);
        }
        Index { dirs, by_name }
    }
    /// The run's directory whose canonical path is `canonical_dir`.
    fn key(&self, canonical_dir: &Path) -> Option<&'d PathBuf> {
        let name = canonical_dir.file_name().unwrap_or_default();
        // A module reached through a symlink with another name is not found: its outputs stay
        // unknown, which is safe.
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .find(|k| canonical(k) == canonical_dir)
            .copied()
    }
    fn files(&self, canonical_dir: &Path) -> Option<&'d Vec<FileId>> {
        self.key(canonical_dir).and_then(|k| self.dirs.get(k))
    }
    /// The Terraform files of the run by directory.
    pub fn dirs(&self) -> &'d Dirs {
        self.dirs
    }
}

/// Whether a file may hold a `module` block: the keyword appears other than as `path.module`.
/// Finding the module calls of a run needs a parse only of the files that pass, which most
/// files of a repository do not (a parse of every file cost as much as linting them).
fn may_call_modules(text: &str) -> bool {
    text.match_indices("module")
        .any(|(at, _)| !text[..at].ends_with('.'))
}

/// The module calls of a directory's files (see [`calls_of`]), parsing only the files that may
/// hold one; parse errors are reported by the unit that loads the files.
fn calls_in(files: &[FileId], sources: &SourceMap) -> Vec<(String, Option<String>, Span, FileId)> {
    let files: Vec<FileId> = files
        .iter()
        .copied()
        .filter(|&id| may_call_modules(&sources.get(id).text))
        .collect();
    if files.is_empty() {
        return Vec::new();
    }
    let mut ignored = Vec::new();
    let (parsed, _) = parse::parse_files(&files, sources, &mut ignored);
    calls_of(&parsed)
}

/// `Key` → directory (relative to the root module) from `.terraform/modules/modules.json`.
fn manifest(
    root: &Path,
    index: &Index<'_>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<HashMap<String, String>> {
    let dir = canonical(&root.join(".terraform").join("modules"));
    let files = index.files(&dir)?;
    let id = files.iter().copied().find(|&id| {
        sources
            .get(id)
            .path
            .file_name()
            .is_some_and(|n| n == "modules.json")
    })?;
    let src = sources.get(id);
    let json: serde_json::Value = match serde_json::from_str(&src.text) {
        Ok(v) => v,
        Err(e) => {
            diagnostics.push(Diagnostic::input(
                codes::PARSE_ERROR,
                Span::new(id, 0..0),
                &src.display,
                format!("cannot read the module manifest: {e}"),
            ));
            return None;
        }
    };
    let mut out = HashMap::new();
    for m in json
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
    {
        if let (Some(k), Some(d)) = (
            m.get("Key").and_then(|v| v.as_str()),
            m.get("Dir").and_then(|v| v.as_str()),
        ) {
            out.insert(k.to_string(), d.to_string());
        }
    }
    Some(out)
}

/// Follows the module calls from `root`, parsing every directory reached once.
pub fn build(
    root: &Path,
    index: &Index<'_>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Tree {
    let mut tree = Tree {
        files: Vec::new(),
        nodes: Vec::new(),
        maps: Vec::new(),
    };
    let root_canonical = canonical(root);
    let manifest = manifest(root, index, sources, diagnostics);
    let mut dir_ids: HashMap<PathBuf, usize> = HashMap::new();
    let mut load = |tree: &mut Tree, dir: &Path, diagnostics: &mut Vec<Diagnostic>| -> usize {
        if let Some(&i) = dir_ids.get(dir) {
            return i;
        }
        let files = index.files(dir).map(Vec::as_slice).unwrap_or(&[]);
        let parsed = parse_dir(files, sources, diagnostics, &mut tree.maps);
        tree.files.push(parsed);
        let i = tree.files.len() - 1;
        dir_ids.insert(dir.to_path_buf(), i);
        i
    };
    let root_dir = load(&mut tree, &root_canonical, diagnostics);
    tree.nodes.push(Node {
        dir: root_dir,
        calls: HashMap::new(),
    });
    // (node, its directory, module key like `vpc.subnets`, directories of its callers)
    let mut stack: Vec<(usize, PathBuf, String, Vec<PathBuf>)> = vec![(
        0,
        root_canonical.clone(),
        String::new(),
        vec![root_canonical.clone()],
    )];
    let mut over_budget_reported = false;
    while let Some((node, dir, key, chain)) = stack.pop() {
        let dir_index = tree.nodes.get(node).map_or(0, |n| n.dir);
        let calls = tree
            .files
            .get(dir_index)
            .map(|f| calls_of(f))
            .unwrap_or_default();
        for (name, source, span, file) in calls {
            let child_key = if key.is_empty() {
                name.clone()
            } else {
                format!("{key}.{name}")
            };
            let resolved = match &source {
                None => Err(Reason::new(format!(
                    "module `{name}` has no literal `source`"
                ))),
                Some(s) if is_local(s) => {
                    let p = canonical(&dir.join(s));
                    if index.files(&p).is_some() {
                        Ok(p)
                    } else if !inside_run(&p, index) {
                        // Never read: only files of the run are loaded.
                        diagnostics.push(Diagnostic::input(
                            codes::UNSUPPORTED_INPUT,
                            span,
                            &sources.get(file).display,
                            format!(
                                "module `{name}`: `{s}` resolves to `{}`, outside the linted paths: not read (lint a directory that contains it, or allow it with --allow-read)",
                                p.display()
                            ),
                        ));
                        Err(Reason::new(format!(
                            "module `{name}`: `{s}` is outside the linted paths"
                        )))
                    } else {
                        Err(Reason::new(format!(
                            "module `{name}`: no Terraform files found at `{s}`"
                        )))
                    }
                }
                Some(s) => match manifest.as_ref().map(|m| m.get(&child_key)) {
                    Some(Some(d)) => {
                        let p = canonical(&root_canonical.join(d));
                        if index.files(&p).is_some() {
                            Ok(p)
                        } else {
                            Err(Reason::new(format!(
                                "module `{name}` (`{s}`) was downloaded to `{d}`, which is not readable in the paths being linted"
                            )))
                        }
                    }
                    _ => Err(Reason::new(format!(
                        "module `{name}` comes from `{s}`: run terraform init so modules can be followed"
                    ))),
                },
            };
            let target = match resolved {
                Ok(p) if chain.contains(&p) => {
                    let display = &sources.get(file).display;
                    diagnostics.push(Diagnostic::input(
                        codes::UNSUPPORTED_INPUT,
                        span,
                        display,
                        format!(
                            "module `{child_key}` sources a module that calls it (a cycle); it is not followed"
                        ),
                    ));
                    Target::Unknown(Reason::new(format!(
                        "module `{name}` is part of a module cycle"
                    )))
                }
                Ok(_) if chain.len() > MAX_MODULE_DEPTH => Target::Unknown(Reason::new(format!(
                    "module `{name}` is nested too deeply to follow"
                ))),
                Ok(_) if tree.nodes.len() >= MAX_MODULE_INSTANCES => {
                    if !over_budget_reported {
                        over_budget_reported = true;
                        diagnostics.push(Diagnostic::input(
                            codes::UNSUPPORTED_INPUT,
                            span,
                            &sources.get(file).display,
                            format!(
                                "module `{child_key}`: this root module expands to over {MAX_MODULE_INSTANCES} module instances (one per call path); it and the calls after it are not followed"
                            ),
                        ));
                    }
                    Target::Unknown(Reason::new(format!(
                        "module `{name}`: over {MAX_MODULE_INSTANCES} module instances in the tree"
                    )))
                }
                Ok(p) => {
                    let d = load(&mut tree, &p, diagnostics);
                    tree.nodes.push(Node {
                        dir: d,
                        calls: HashMap::new(),
                    });
                    let child = tree.nodes.len() - 1;
                    let mut chain = chain.clone();
                    chain.push(p.clone());
                    stack.push((child, p, child_key, chain));
                    Target::Node(child)
                }
                Err(r) => Target::Unknown(r),
            };
            if let Some(n) = tree.nodes.get_mut(node) {
                n.calls.entry(name).or_insert(target);
            }
        }
    }
    tree
}

/// The directories (canonical) that local module sources of `dirs` name and that hold no file
/// of the run: the engine reads those under `--allow-read`.
pub fn outside_sources(dirs: &Dirs, sources: &SourceMap) -> Vec<PathBuf> {
    let index = Index::new(dirs);
    let mut out = BTreeSet::new();
    for (dir, files) in dirs {
        let calls = calls_in(files, sources);
        if calls.is_empty() {
            continue;
        }
        let base = canonical(dir);
        for (_, source, _, _) in calls {
            if let Some(s) = source.filter(|s| is_local(s)) {
                let p = canonical(&base.join(s));
                if index.files(&p).is_none() {
                    out.insert(p);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Whether a directory is under one of the run's directories (the user's paths).
fn inside_run(p: &Path, index: &Index<'_>) -> bool {
    p.ancestors().any(|a| index.key(a).is_some())
}

/// The directories to load as root modules: those with Terraform files that no other
/// directory of the run calls as a local module, outside `.terraform`. Directories only
/// reachable through a cycle become roots too (the first in path order), so nothing is
/// silently left out.
pub fn roots(index: &Index<'_>, sources: &SourceMap) -> Vec<PathBuf> {
    let dirs = index.dirs;
    let mut callees: BTreeMap<&PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut called: BTreeSet<PathBuf> = BTreeSet::new();
    let mut candidates = Vec::new();
    for (dir, files) in dirs {
        if dir.components().any(|c| c.as_os_str() == ".terraform") {
            continue;
        }
        let has_tf = files.iter().any(|&id| {
            let n = sources.get(id).display.to_ascii_lowercase();
            n.ends_with(".tf") || n.ends_with(".tf.json")
        });
        if !has_tf {
            continue;
        }
        let calls = calls_in(files, sources);
        let mut out = Vec::new();
        // Canonicalising costs system calls: only for directories that call local modules.
        let base = if calls.is_empty() {
            PathBuf::new()
        } else {
            canonical(dir)
        };
        for (_, source, _, _) in calls {
            if let Some(s) = source.filter(|s| is_local(s)) {
                let p = canonical(&base.join(s));
                if p != base {
                    called.insert(p.clone());
                }
                out.push(p);
            }
        }
        callees.insert(dir, out);
        candidates.push(dir);
    }
    if called.is_empty() {
        // No directory calls another: every one is a root (the common case of a run).
        return candidates.into_iter().cloned().collect();
    }
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let mut roots = Vec::new();
    let visit = |start: &PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut stack = vec![canonical(start)];
        while let Some(p) = stack.pop() {
            if !reached.insert(p.clone()) {
                continue;
            }
            if let Some(k) = index.key(&p).as_ref() {
                stack.extend(callees.get(k).into_iter().flatten().cloned());
            }
        }
    };
    for dir in &candidates {
        if !called.contains(&canonical(dir)) {
            visit(dir, &mut reached);
            roots.push((*dir).clone());
        }
    }
    for dir in &candidates {
        if !reached.contains(&canonical(dir)) {
            visit(dir, &mut reached);
            roots.push((*dir).clone());
        }
    }
    roots.sort();
    roots
}

/// The files `terraform init` downloaded for the root module in `dir`, when it ran:
/// `.terraform/modules/modules.json` and the `.tf` / `.tf.json` files of each module directory
/// it lists that lies inside `allowed` (the paths being linted). Discovery skips `.terraform`;
/// the engine reads these on top.
pub fn downloaded_files(dir: &Path, allowed: &[PathBuf]) -> Vec<PathBuf> {
    let manifest = dir.join(".terraform").join("modules").join("modules.json");
    let allowed = crate::paths::Roots::new(allowed.iter().filter(|p| p.is_dir()));
    // A `.terraform` (or manifest) that is a symbolic link out of the tree is not read.
    let inside = |p: &Path| allowed.contains(p);
    if !manifest.is_file() || !inside(&manifest) {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![manifest];
    };
    let mut out = vec![manifest];
    let base = canonical(dir);
    for m in json
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
    {
        let Some(d) = m.get("Dir").and_then(|v| v.as_str()) else {
            continue;
        };
        let p = canonical(&base.join(d));
        // Local modules are discovered normally; only downloaded ones are read here.
        if !p.components().any(|c| c.as_os_str() == ".terraform") || !allowed.contains_resolved(&p)
        {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&p) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| {
                let n = f.to_string_lossy().to_ascii_lowercase();
                f.is_file() && (n.ends_with(".tf") || n.ends_with(".tf.json")) && inside(f)
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::may_call_modules;

    #[test]
    fn module_prefilter_skips_only_files_without_module_blocks() {
        assert!(may_call_modules(
            "module \"vpc\" {\n  source = \"./vpc\"\n}"
        ));
        assert!(may_call_modules(
            "{\"module\": {\"vpc\": {\"source\": \"./vpc\"}}}"
        ));
        assert!(may_call_modules("x = path.module\nmodule a {}"));
        assert!(!may_call_modules(
            "filename = \"${path.module}/lambda.zip\""
        ));
        assert!(!may_call_modules("resource \"aws_subnet\" \"a\" {}"));
    }
}
