//! The resource-count limit (`--max-resources`), checked before a unit is loaded so that a
//! generated monster costs a count, not a model. File size is checked before reading
//! (`read_file`), nesting depth by the parsers (`syntax::Limits`; HCL by hcl-edit, capped at 64).

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{SourceMap, Span};
use crate::syntax::Document;

use super::Unit;

/// LVL901 when the unit declares more than `max` resources: CloudFormation `Resources` entries,
/// or Terraform `resource` blocks (counted on the text: a line that starts with `resource`, so a
/// heredoc may over-count, never under-count).
pub(super) fn too_many_resources(
    unit: &Unit,
    doc: Option<&Document>,
    sources: &SourceMap,
    max: usize,
) -> Option<Diagnostic> {
    let (count, span, display) = match unit {
        Unit::Template { file } => {
            let resources = doc?.root.get("Resources")?;
            let display = sources.get(*file).display.clone();
            (resources.entries().len(), resources.span, display)
        }
        Unit::Terraform { name, files } => {
            let count = files
                .iter()
                .map(|&f| terraform_resource_blocks(&sources.get(f).text))
                .sum();
            let first = *files.first()?;
            (count, Span::new(first, 0..0), name.clone())
        }
    };
    (count > max).then(|| {
        Diagnostic::input(
            codes::UNSUPPORTED_INPUT,
            span,
            &display,
            format!(
                "`{display}` declares {count} resources, over the limit of {max} \
                 (--max-resources); it was not linted"
            ),
        )
    })
}

fn terraform_resource_blocks(text: &str) -> usize {
    text.lines()
        .filter(|line| {
            line.trim_start()
                .strip_prefix("resource")
                .is_some_and(|rest| rest.starts_with([' ', '\t', '"']))
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
