//! Gathering a run's files: discovery, the files the front ends add, reading, claiming. The only
//! place that reads a file for linting, so every file gets the same guards: the size limit and
//! FIFOs are checked on the metadata before opening, encoding problems are located (LVL902).
//!
//! An [`Overlay`] (the language server's unsaved editor contents) replaces the text of the files
//! it names, with the same guards on the text (size limit, NUL bytes): the reader decides *which*
//! files a run reads exactly as without it, so confinement does not change.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Options;
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::{self, FileKind};
use crate::frontend::{Claimed, FrontEnd};
use crate::source::{self, FileId, SourceFile, SourceMap, Span};

/// Texts read instead of the files on disk (path as the run names it → text): an editor's
/// unsaved documents. A path in `Options::paths` that exists only here is linted as a file.
pub type Overlay = std::collections::BTreeMap<PathBuf, String>;

/// The files of a run in the source map, each front end's claimed ones, and the LVL902s.
pub(super) struct Gathered {
    pub sources: SourceMap,
    /// Per front end, in the order of the front ends.
    pub claimed: Vec<Vec<Claimed>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Gathered {
    fn new(front_ends: usize) -> Self {
        Gathered {
            sources: SourceMap::default(),
            claimed: vec![Vec::new(); front_ends],
            diagnostics: Vec::new(),
        }
    }

    /// Inserts a file read (ids follow the order of the calls, which the callers keep
    /// deterministic). An unreadable file is kept, its text decoded lossily so the snippet
    /// locates the bad byte, and reported as LVL902. `None`: unreadable.
    pub fn insert(&mut self, read: Read) -> Option<FileId> {
        let id = self.sources.add(read.file);
        let Some((at, message)) = read.problem else {
            return Some(id);
        };
        let display = &self.sources.get(id).display;
        let span = Span::new(id, at..at);
        let problem = Diagnostic::input(codes::UNREADABLE_FILE, span, display, message);
        self.diagnostics.push(problem);
        None
    }

    /// Reads and inserts the AWS snapshot's files (`--aws-snapshot`, `[aws] snapshot`), in path
    /// order. `None`s (unreadable files, reported) are left out.
    pub fn insert_snapshot(&mut self, options: &Options) -> Vec<FileId> {
        let paths = crate::frontend::snapshot::files(&options.aws_snapshot);
        let files = paths.into_iter().map(|p| {
            let mut r = read(&p, options);
            // SSM output may hold values (a `SecureString` read with `--with-decryption`):
            // located, never quoted.
            r.file.values = r.file.text.contains("\"Parameters\"");
            r
        });
        files.filter_map(|r| self.insert(r)).collect()
    }

    /// Inserts a file read, claimed by the first of `front_ends` that wants it (`offset`: the
    /// index of `front_ends[0]` among the run's front ends).
    fn take(
        &mut self,
        front_ends: &[&dyn FrontEnd],
        offset: usize,
        path: PathBuf,
        kind: FileKind,
        read: Read,
    ) {
        let claim = match read.problem {
            None => claim(front_ends, kind, &read.file.text),
            Some(_) => None,
        };
        if let (Some(file), Some((fe, tag))) = (self.insert(read), claim) {
            self.claimed[offset + fe].push(Claimed { path, file, tag });
        }
    }
}

/// Which front end claimed a file (its index), with its tag.
type Claim = (usize, u8);

/// The first front end that claims a file, with its tag.
fn claim(front_ends: &[&dyn FrontEnd], kind: FileKind, text: &str) -> Option<Claim> {
    front_ends
        .iter()
        .enumerate()
        .find_map(|(i, fe)| fe.claim(kind, text).map(|tag| (i, tag)))
}

/// Discovers, reads (in parallel, inserted in path order), then reads what the front ends
/// follow (`--allow-read`), then records the paths discovery could not walk.
pub(super) fn gather(options: &Options, front_ends: &[&dyn FrontEnd]) -> Gathered {
    // A new document not yet saved: named explicitly, it is taken like an explicit file.
    let (unsaved, paths): (Vec<PathBuf>, Vec<PathBuf>) = options
        .paths
        .iter()
        .cloned()
        .partition(|p| options.overlay.contains_key(p) && !p.exists());
    let mut found = discover::discover(&paths);
    found.files.extend(unsaved.into_iter().map(|p| {
        let kind = discover::classify(&p).unwrap_or(FileKind::TemplateCandidate);
        (p, kind)
    }));
    found
        .files
        .retain(|(path, _)| !options.settings.is_excluded(path));
    for fe in front_ends {
        let more = fe.more_paths(&found.files);
        found.files.extend(more);
    }
    found.files.sort();
    found.files.dedup();
    // Read, index the lines and claim in parallel; insert in path order (deterministic ids).
    let files: Vec<(PathBuf, Read, Option<Claim>)> = found
        .files
        .into_par_iter()
        .map(|(path, kind)| {
            let read = read(&path, options);
            let claim = match read.problem {
                None => claim(front_ends, kind, &read.file.text),
                Some(_) => None,
            };
            (path, read, claim)
        })
        .collect();
    let mut run = Gathered::new(front_ends.len());
    for (path, read, claim) in files {
        if let (Some(file), Some((fe, tag))) = (run.insert(read), claim) {
            run.claimed[fe].push(Claimed { path, file, tag });
        }
    }
    for (i, fe) in front_ends.iter().enumerate() {
        // As deep as `terraform::modules` follows calls; ends when a round reads nothing.
        for _ in 0..16 {
            let before = run.claimed[i].len();
            for path in fe.follow(&run.claimed[i], &run.sources) {
                let kind = discover::classify(&path).unwrap_or(FileKind::TemplateCandidate);
                let r = read(&path, options);
                run.take(&front_ends[i..=i], i, path, kind, r);
            }
            if run.claimed[i].len() == before {
                break;
            }
        }
    }
    for (path, err) in found.errors {
        let display = source::display_path(&path, &options.base);
        let file = SourceFile::new(path, display, String::new());
        run.insert(Read {
            file,
            problem: Some((0, err)),
        });
    }
    run
}

/// One in-memory file as the whole run (`lint_text`), claimed like a discovered file.
pub(super) fn one_file(name: &str, text: String, front_ends: &[&dyn FrontEnd]) -> Gathered {
    let mut run = Gathered::new(front_ends.len());
    let path = PathBuf::from(name);
    let kind = discover::classify(&path).unwrap_or(FileKind::TemplateCandidate);
    let mut file = SourceFile::new(path.clone(), name.to_string(), text);
    file.values = kind == FileKind::TerraformVars;
    run.take(
        front_ends,
        0,
        path,
        kind,
        Read {
            file,
            problem: None,
        },
    );
    run
}

/// A file read, or its lossy text (for the snippet) with why it was not: (offset, message).
pub(super) struct Read {
    pub file: SourceFile,
    pub problem: Option<(usize, String)>,
}

/// Reads a file (see [`read_file`]), or takes its text from the overlay, for the source map.
pub(super) fn read(path: &Path, options: &Options) -> Read {
    let (base, max) = (&options.base, options.max_file_size);
    let display = source::display_path(path, base);
    let read = match options.overlay.get(path) {
        Some(text) => check_text(text.as_bytes().to_vec(), max),
        None => read_file(path, max),
    };
    let (text, problem) = match read {
        Ok(text) => (text, None),
        Err(u) => (u.text, Some((u.at, u.message))),
    };
    let mut file = SourceFile::new(path.to_path_buf(), display, text);
    file.values = discover::classify(path) == Some(FileKind::TerraformVars);
    Read { file, problem }
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
    check_text(bytes, max)
}

/// The guards on a file's bytes, read from disk or from the overlay: the size limit, the BOM,
/// NUL bytes, UTF-8.
fn check_text(mut bytes: Vec<u8>, max: u64) -> Result<String, Unreadable> {
    if bytes.len() as u64 > max {
        return Err(Unreadable::new(format!(
            "file is {} bytes, over the {max}-byte limit (--max-file-size)",
            bytes.len()
        )));
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

#[cfg(test)]
mod overlay_tests {
    use std::sync::Arc;

    use crate::engine::{lint, Options, Overlay};

    fn codes(options: &Options) -> Vec<&'static str> {
        lint(options).0.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn the_overlay_replaces_the_disk_with_the_same_guards() {
        let dir = tempfile::tempdir().unwrap();
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lsp/terraform/app");
        for name in ["main.tf", "network.tf"] {
            std::fs::copy(fixture.join(name), dir.path().join(name)).unwrap();
        }
        let main = dir.path().join("main.tf");
        let text = std::fs::read_to_string(&main).unwrap();
        let mut options = Options {
            paths: vec![dir.path().to_path_buf()],
            base: dir.path().to_path_buf(),
            jobs: 1,
            ..Options::default()
        };
        assert!(codes(&options).contains(&"LVL001"));

        let private = text.replace("aws_subnet.public.id", "aws_subnet.private.id");
        options.overlay = Arc::new(Overlay::from([(main.clone(), private.clone())]));
        assert!(
            !codes(&options).contains(&"LVL001"),
            "the unsaved text is linted"
        );

        // A document not on disk, named explicitly, is linted from the overlay.
        let new = dir.path().join("new.tf");
        options.paths = vec![main.clone(), dir.path().join("network.tf"), new.clone()];
        options.overlay = Arc::new(Overlay::from([
            (main.clone(), private),
            (new.clone(), "resource \"x\" {".to_string()),
        ]));
        assert_eq!(
            codes(&options).iter().filter(|c| **c == "LVL900").count(),
            1,
            "the new file's syntax error"
        );

        // The size limit holds for unsaved texts too.
        options.paths = vec![dir.path().to_path_buf()];
        options.max_file_size = 64;
        options.overlay = Arc::new(Overlay::from([(main, text)]));
        let report = lint(&options).0;
        assert!(report
            .diagnostics
            .iter()
            .any(|d| d.code == "LVL902" && d.message.contains("over the 64-byte limit")));
    }
}
