//! The open documents with their unsaved contents, by path. Full-text sync: every change
//! carries the whole document (`TextDocumentSyncKind::FULL`), so no edit arithmetic can drift.
//! A ranged change from a client that ignores that is applied anyway.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{self, Encoding};
use crate::engine::Overlay;

pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
}

#[derive(Default)]
pub struct Documents {
    open: BTreeMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, path: PathBuf, uri: Uri, version: i32, text: String) {
        self.open.insert(path, Document { uri, version, text });
    }

    /// Applies changes in order; `false` if the document is not open.
    pub fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) -> bool {
        let Some(doc) = self.open.get_mut(path) else {
            return false;
        };
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(r) => {
                    let start = position::offset(&doc.text, r.start, enc);
                    let end = position::offset(&doc.text, r.end, enc).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = version;
        true
    }

    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.open.remove(path)
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    /// The open documents in `dir` (not below).
    pub fn in_dir<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a Path> + 'a {
        self.open
            .keys()
            .filter(move |p| p.parent() == Some(dir))
            .map(PathBuf::as_path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.open.keys().map(PathBuf::as_path)
    }

    /// What a lint reads instead of the disk.
    pub fn overlay(&self) -> Overlay {
        self.open
            .iter()
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};
    use std::str::FromStr;

    #[test]
    fn full_and_ranged_changes() {
        let mut docs = Documents::default();
        let path = PathBuf::from("/w/main.tf");
        let uri = Uri::from_str("file:///w/main.tf").unwrap();
        docs.open(path.clone(), uri, 1, "a = 1\nb = 2\n".into());
        let ranged = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(1, 4), Position::new(1, 5))),
            range_length: None,
            text: "3".into(),
        };
        assert!(docs.change(&path, 2, vec![ranged], Encoding::Utf16));
        assert_eq!(docs.get(&path).unwrap().text, "a = 1\nb = 3\n");
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "c = 4\n".into(),
        };
        assert!(docs.change(&path, 3, vec![full], Encoding::Utf16));
        assert_eq!(docs.overlay()[&path], "c = 4\n");
        assert!(!docs.change(Path::new("/w/other.tf"), 1, vec![], Encoding::Utf16));
    }
}
