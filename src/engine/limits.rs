//! The resource-count limit (`--max-resources`), checked before a unit is loaded so that a
//! generated monster costs a count, not a model. File size is checked before reading
//! (`read_file`), nesting depth by the parsers (`syntax::Limits`; HCL by hcl-edit, capped at 64).

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::Document;

/// LVL901 for each part of a unit that declares more than `max` resources: each template of a
/// template group (its `Resources` entries), or the Terraform module as a whole (`resource`
/// blocks in its `files`, counted on the text: a line that starts with `resource`, so a heredoc
/// may over-count, never under-count). Empty: the unit may be loaded.
pub(super) fn too_many_resources(
    display: &str,
    files: &[FileId],
    templates: Option<&[(FileId, &Document)]>,
    sources: &SourceMap,
    max: usize,
) -> Vec<Diagnostic> {
    let over = |count: usize, span: Span, display: &str| {
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
    };
    match templates {
        Some(templates) => templates
            .iter()
            .filter_map(|(id, doc)| {
                let resources = doc.root.get("Resources")?;
                let display = &sources.get(*id).display;
                over(resources.entries().len(), resources.span, display)
            })
            .collect(),
        None => {
            let count = files
                .iter()
                .map(|&f| terraform_resource_blocks(&sources.get(f).text))
                .sum();
            let span = Span::new(files.first().copied().unwrap_or(FileId(0)), 0..0);
            over(count, span, display).into_iter().collect()
        }
    }
}

fn terraform_resource_blocks(text: &str) -> usize {
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
    use super::terraform_resource_blocks;

    #[test]
    fn counts_resource_blocks_on_the_text() {
        let text =
            "resource \"a\" \"b\" {}\n  resource\t\"c\" \"d\" {\n}\nresources = 1\n# resource\n";
        assert_eq!(terraform_resource_blocks(text), 2);
    }
}
