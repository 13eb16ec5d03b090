//! Source files, spans and line/column computation.
//!
//! Invariant: a span is a byte range in one [`SourceFile`]; line and column are computed only
//! when something is rendered, so the front ends never do position arithmetic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in the run's [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        Span {
            file,
            start: range.start as u32,
            end: range.end.max(range.start) as u32,
        }
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A file as read from disk. The text is what the parsers saw: a leading UTF-8 BOM is removed.
/// Editors neither show a BOM nor count it as a column, so line 1 columns computed on this text
/// are the ones users see; only byte offsets differ from the file's (by 3), and no report format
/// shows byte offsets.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path as shown to users (relative to the working directory when possible, `/` separators).
    pub display: String,
    pub text: String,
    /// A file of values (`*.tfvars`, `--var-file`, `--parameters`): it may hold secrets the
    /// linter cannot recognise (a line that does not parse says nothing about what it sets), so
    /// reports locate diagnostics in it but never quote its text.
    pub values: bool,
    /// Byte offset of the start of each line. A line ends at LF, CRLF or a lone CR (old Mac
    /// files): YAML and HCL parsers treat all three as line breaks, so positions must too.
    line_starts: Vec<u32>,
}

/// 1-based position, with columns counted in Unicode scalar values (for people and annotations)
/// and in UTF-16 code units (SARIF's default `columnKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0u32);
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if bytes[i] == b'\n' || lone_cr {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceFile {
            path,
            display,
            text,
            values: false,
            line_starts,
        }
    }

    /// Position of a byte offset (clamped to the text, and to a char boundary).
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s as usize <= offset);
        let start = self.line_starts[line - 1] as usize;
        let prefix = &self.text[start..offset];
        Position {
            line: line as u32,
            column: prefix.chars().count() as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
        }
    }

    /// The text of the 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line as usize)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

/// Every file read in one run. Files are added before the parallel stages start and never
/// removed, so a [`FileId`] stays valid for the whole run.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId((self.files.len() - 1) as u32)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    /// Replaces a file's content (masking secrets: the new text has the same byte length, so
    /// every span stays valid).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            *slot = Arc::new(file);
        }
    }
    pub fn arc(&self, id: FileId) -> Arc<SourceFile> {
        self.files[id.0 as usize].clone()
    }
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f.as_ref()))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Decodes file bytes: strips a UTF-8 BOM, rejects invalid UTF-8 with the offset of the first bad
/// byte (reported by the caller as a parse error at that position).
pub fn decode(bytes: Vec<u8>) -> Result<String, usize> {
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to())
}

/// Shows a path with forward slashes, relative to `base` when it lies under it.
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("f"), "f".into(), text.into())
    }

    #[test]
    fn positions_with_every_line_ending_and_wide_characters() {
        let f = file("a\nb\r\nc\rd");
        let at = |o| {
            let p = f.position(o);
            (p.line, p.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (2, 1));
        assert_eq!(at(5), (3, 1));
        assert_eq!(at(7), (4, 1));
        assert_eq!(f.line_text(2), "b");
        assert_eq!(f.line_text(3), "c");
        assert_eq!(f.line_text(9), "");
        // "café 😀x": the x is char column 7, UTF-16 column 8 (the emoji is a surrogate pair).
        let f = file("café 😀x");
        let p = f.position(f.text.find('x').unwrap() as u32);
        assert_eq!((p.column, p.column_utf16), (7, 8));
        // Offsets inside a multi-byte character are clamped to its start.
        assert_eq!(f.position(4).column, 4);
    }
}
