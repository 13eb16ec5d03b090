//! Where the thing a reason names is declared: the `variable "subnet_ids"` block, the
//! `data "aws_subnets" "private"` block, the `module "vpc"` call, the CloudFormation parameter.
//! The unknown itself is located where it is used; this is the second place a user needs, the
//! one to give a value to. Found by the reason's own words in the unit's files: the model keeps
//! no declaration of what it could not resolve.

use crate::source::{FileId, SourceMap, Span};

/// The declaration a reason names, searched in `at`'s file, then the unit's files.
pub(super) fn find(reason: &str, at: Span, files: &[FileId], sources: &SourceMap) -> Option<Span> {
    let named = |keyword: &str| -> Option<&str> {
        let start = reason.find(keyword)? + keyword.len();
        let len = reason[start..].find('`')?;
        Some(&reason[start..start + len])
    };
    let candidates =
        std::iter::once(at.file).chain(files.iter().copied().filter(|f| *f != at.file));
    if let Some(name) = named("parameter `") {
        // CloudFormation parameters live in the template that uses them.
        return parameter(sources, at.file, name);
    }
    let needle = if let Some(name) = named("variable `") {
        format!("variable \"{name}\"")
    } else if let Some(name) = named("module `") {
        format!("module \"{name}\"")
    } else if let Some(address) = reason
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|s| s.starts_with("data."))
    {
        // `data.aws_subnets.private.ids`, `data.aws_subnets.private[0]`: the block's two labels.
        let mut parts = address.split('.').skip(1);
        let (kind, name) = (parts.next()?, parts.next()?);
        let name = name.split('[').next()?;
        format!("data \"{kind}\" \"{name}\"")
    } else {
        return None;
    };
    for id in candidates {
        let file = sources.get(id);
        if !file.display.ends_with(".tf") {
            continue;
        }
        if let Some(at) = line_start_find(&file.text, &needle) {
            return Some(Span::new(id, at..at + needle.len()));
        }
    }
    None
}

/// The first occurrence of `needle` at the start of a line (after indentation).
fn line_start_find(text: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes()).find(|&at| {
        text[..at]
            .rsplit(['\n', '\r'])
            .next()
            .is_some_and(|before| before.trim().is_empty())
    })
}

/// A parameter's key under `Parameters` (YAML `Name:` or JSON `"Name":`).
fn parameter(sources: &SourceMap, id: FileId, name: &str) -> Option<Span> {
    let text = &sources.get(id).text;
    let section = ["Parameters:", "\"Parameters\""]
        .iter()
        .filter_map(|s| text.find(s))
        .min()?;
    for key in [format!("{name}:"), format!("\"{name}\"")] {
        let found = memchr::memmem::find_iter(&text.as_bytes()[section..], key.as_bytes())
            .map(|at| section + at)
            .find(|&at| {
                let before = text[..at].rsplit(['\n', '\r']).next().unwrap_or("");
                before.trim().is_empty() || before.trim_end().ends_with(['{', ','])
            });
        if let Some(at) = found {
            let len = key.trim_end_matches(':').len();
            return Some(Span::new(id, at..at + len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn map(files: &[(&str, &str)]) -> SourceMap {
        let mut m = SourceMap::default();
        for (name, text) in files {
            m.add(SourceFile::new(
                name.into(),
                name.to_string(),
                text.to_string(),
            ));
        }
        m
    }

    #[test]
    fn finds_the_declaration_a_reason_names() {
        let m = map(&[
            ("main.tf", "resource \"x\" \"y\" {\n  a = var.subnet_ids\n}\n"),
            (
                "variables.tf",
                "# variable \"subnet_ids\" in a comment\nvariable \"subnet_ids\" {}\ndata \"aws_subnets\" \"private\" {}\n",
            ),
            (
                "t.yaml",
                "Parameters:\n  SubnetIds:\n    Type: String\nResources:\n  F:\n    SubnetIds: !Ref SubnetIds\n",
            ),
        ]);
        let files = [FileId(0), FileId(1)];
        let at = Span::new(FileId(0), 25..39);
        let text_of = |s: Span| sources_text(&m, s);
        let v = find("variable `subnet_ids` has no default", at, &files, &m).unwrap();
        assert_eq!(
            (v.file, text_of(v)),
            (FileId(1), "variable \"subnet_ids\"".into())
        );
        let d = find(
            "data source `data.aws_subnets.private.ids` (existing infrastructure)",
            at,
            &files,
            &m,
        )
        .unwrap();
        assert_eq!(text_of(d), "data \"aws_subnets\" \"private\"");
        let p = find(
            "parameter `SubnetIds` has no default",
            Span::new(FileId(2), 80..90),
            &[FileId(2)],
            &m,
        )
        .unwrap();
        assert_eq!((p.file, p.start), (FileId(2), 14));
        assert_eq!(find("route without a target", at, &files, &m), None);
    }

    fn sources_text(m: &SourceMap, s: Span) -> String {
        m.get(s.file).text[s.start as usize..s.end as usize].to_string()
    }
}
