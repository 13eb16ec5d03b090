//! Positions as LSP counts them: 0-based lines (LF, CRLF and lone CR end a line, as in
//! `source.rs`), and columns in UTF-16 code units (the protocol's default) or in bytes, when
//! the client offers `utf-8` in `general.positionEncodings`.

use lsp_types::{Position, Range};

use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The encoding to use given what the client offers (UTF-8 when it can: no counting).
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Self {
        let utf8 = offered
            .unwrap_or_default()
            .contains(&lsp_types::PositionEncodingKind::UTF8);
        if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
        }
    }
}

/// The LSP position of a byte offset of a file.
pub fn position(file: &SourceFile, offset: u32, enc: Encoding) -> Position {
    let p = file.position(offset);
    let character = match enc {
        Encoding::Utf16 => p.column_utf16 - 1,
        Encoding::Utf8 => {
            let text = file.text.as_bytes();
            let mut end = (offset as usize).min(text.len());
            while !file.text.is_char_boundary(end) {
                end -= 1;
            }
            let start = text[..end]
                .iter()
                .rposition(|&b| b == b'\n' || b == b'\r')
                .map_or(0, |i| i + 1);
            (end - start) as u32
        }
    };
    Position::new(p.line - 1, character)
}

pub fn range(file: &SourceFile, span: Span, enc: Encoding) -> Range {
    Range::new(
        position(file, span.start, enc),
        position(file, span.end, enc),
    )
}

/// The byte offset of an LSP position in `text`: a character past the end of its line is the
/// end of the line, a line past the end is the end of the text (as the protocol asks).
pub fn offset(text: &str, pos: Position, enc: Encoding) -> usize {
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 0..pos.line {
        match bytes[start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            Some(i) => {
                let at = start + i;
                start = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    at + 2
                } else {
                    at + 1
                };
            }
            None => return text.len(),
        }
    }
    let line_end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    line_end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn wide_characters_and_every_line_ending_both_ways() {
        let text = "a\r\nx = \"😀é\" # z\rlast\nend";
        let file = SourceFile::new("f".into(), "f".into(), text.to_string());
        let z = text.find('z').unwrap();
        let span = Span::new(FileId(0), z..z + 1);
        // `x = "😀é" # ` is 11 chars: the emoji is 2 UTF-16 units and 4 bytes, é 1 unit and 2
        // bytes, so 12 units and 15 bytes.
        assert_eq!(
            range(&file, span, Encoding::Utf16),
            Range::new(Position::new(1, 12), Position::new(1, 13))
        );
        assert_eq!(
            position(&file, z as u32, Encoding::Utf8),
            Position::new(1, 15)
        );
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let p = position(&file, z as u32, enc);
            assert_eq!(offset(text, p, enc), z);
        }
        let last = text.find("last").unwrap();
        assert_eq!(offset(text, Position::new(2, 0), Encoding::Utf16), last);
        assert_eq!(
            offset(text, Position::new(2, 99), Encoding::Utf16),
            last + 4
        );
        assert_eq!(
            offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }
}
