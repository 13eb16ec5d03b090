//! Suppressions written in the source, each with a mandatory reason:
//!
//! - a comment `lambda-vpc-lint:ignore LVL001,no-egress-path <reason>` (`#`, `//` or `/* */`,
//!   the marker first in the comment). A comment after code applies to its own line; a comment
//!   on a line of its own applies to the next line that is not a comment. A finding is suppressed
//!   when that line is the line its reported attribute starts on, or the header line of any block
//!   that encloses it: the resource (Terraform block, CloudFormation logical ID) or a block inside
//!   it (`vpc_config {`, a YAML/JSON mapping key such as `VpcConfig:`), as checkov users expect;
//! - a CloudFormation resource's `Metadata: { lambda-vpc-lint: { ignore: [{ id, reason }] } }`,
//!   which covers every finding reported inside the resource. It is read from the template
//!   source, so it survives the SAM transform.
//!
//! Comments are found by scanning the raw lines (only in files that mention the marker), which
//! works the same for HCL and YAML. A suppression without a reason does not apply (LVL904); one
//! that matches nothing, or names an unknown rule, is reported too (LVL905), unless its rule did
//! not run for that file.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::diagnostic::{codes, Diagnostic, Severity, Suppression, SuppressionKind};
use crate::rules;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Limits, Node};

const MARKER: &str = "lambda-vpc-lint:ignore";
/// What the `Metadata` key is called.
const METADATA_KEY: &str = "lambda-vpc-lint";

pub struct Outcome {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<(Diagnostic, Suppression)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// 1-based line: findings starting on it, or in a resource whose header is on it.
    Line(u32),
    /// Byte range of a CloudFormation resource: findings inside it.
    Resource { range: Range<u32>, name: String },
}

#[derive(Debug, Clone)]
struct Directive {
    span: Span,
    /// As written, with the rule it names if it exists.
    rules: Vec<(String, Option<&'static str>)>,
    reason: String,
    target: Target,
    /// Per rule: whether it suppressed a finding.
    used: Vec<bool>,
}

/// The blocks of one file that can enclose a finding (resources and the blocks or mapping keys
/// inside them): byte range and header line.
type Resources = Vec<(Range<u32>, u32)>;

pub fn apply(
    diagnostics: Vec<Diagnostic>,
    sources: &SourceMap,
    active: &dyn Fn(FileId, &str) -> bool,
) -> Outcome {
    // Only files that mention the marker or the Metadata key are looked at again.
    // In parallel (on the run's pool): one pass over every byte of the run.
    let files: Vec<(FileId, &SourceFile)> = sources.files().collect();
    let mut per_file: BTreeMap<FileId, (Vec<Directive>, Resources)> = files
        .par_iter()
        .filter(|(_, file)| file.text.contains(METADATA_KEY))
        .filter_map(|&(id, file)| {
            let (mut directives, resources) = scan(id, file);
            directives.sort_by_key(|d| d.span.start);
            (!directives.is_empty()).then_some((id, (directives, resources)))
        })
        .collect();

    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for d in diagnostics {
        let Some((directives, resources)) = per_file.get_mut(&d.span.file) else {
            kept.push(d);
            continue;
        };
        let file = sources.get(d.span.file);
        let line = file.position(d.span.start).line;
        let encloses = |t: u32| {
            resources
                .iter()
                .any(|(r, h)| *h == t && r.contains(&d.span.start))
        };
        let hit = directives.iter_mut().find_map(|dir| {
            if dir.reason.is_empty() {
                return None;
            }
            let applies = match &dir.target {
                Target::Line(t) => *t == line || encloses(*t),
                Target::Resource { range, .. } => range.contains(&d.span.start),
            };
            if !applies {
                return None;
            }
            let i = dir.rules.iter().position(|(_, id)| *id == Some(d.code))?;
            dir.used[i] = true;
            Some(dir.reason.clone())
        });
        match hit {
            Some(reason) => suppressed.push((
                d,
                Suppression {
                    kind: SuppressionKind::InSource,
                    justification: reason,
                },
            )),
            None => kept.push(d),
        }
    }

    for (file_id, (directives, _)) in &per_file {
        let display = &sources.get(*file_id).display;
        for dir in directives {
            kept.extend(notes(dir, display, |code| active(*file_id, code)));
        }
    }
    Outcome { kept, suppressed }
}

/// LVL904 for a missing reason, LVL905 for unknown rules and rules that suppressed nothing.
fn notes(dir: &Directive, display: &str, active: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let names: Vec<&str> = dir.rules.iter().map(|(n, _)| n.as_str()).collect();
    let note = |code: (&'static str, &'static str), message: String, part: &str| Diagnostic {
        code: code.0,
        slug: code.1,
        severity: Severity::Note,
        edits: Vec::new(),
        fingerprint: Diagnostic::fingerprint_of(code.0, display, &[&names.join(","), part]),
        message,
        span: dir.span,
        proof: Vec::new(),
        fix: None,
    };
    let place = match &dir.target {
        Target::Line(_) => "this line, the line below or a block that encloses it".to_string(),
        Target::Resource { name, .. } => format!("resource `{name}`"),
    };
    let mut out = Vec::new();
    if dir.reason.is_empty() {
        out.push(note(
            codes::SUPPRESSION_WITHOUT_REASON,
            format!(
                "suppression of {} gives no reason, so it does not apply",
                names.join(", ")
            ),
            "",
        ));
    }
    for ((name, id), used) in dir.rules.iter().zip(&dir.used) {
        match id {
            None => out.push(note(
                codes::UNUSED_SUPPRESSION,
                format!(
                    "suppression names `{name}`, which is not a rule (see `lambda-vpc-lint rules`)"
                ),
                name,
            )),
            Some(id) if !used && !dir.reason.is_empty() && active(id) => out.push(note(
                codes::UNUSED_SUPPRESSION,
                format!("suppression of {id} suppresses nothing: no {id} finding on {place}"),
                id,
            )),
            Some(_) => {}
        }
    }
    out
}

/// The directives of one file and its resources (for the "enclosing resource" rule).
fn scan(id: FileId, file: &SourceFile) -> (Vec<Directive>, Resources) {
    let is_hcl = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tf"));
    let mut directives = comments(id, file);
    let resources = if is_hcl {
        hcl_blocks(file)
    } else {
        let (resources, metadata) = template_resources(id, file);
        directives.extend(metadata);
        resources
    };
    (directives, resources)
}

/// `lambda-vpc-lint:ignore` comments, found line by line.
fn comments(id: FileId, file: &SourceFile) -> Vec<Directive> {
    let text = file.text.as_str();
    // Line starts, with the offset of each line (the source's line table is private).
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        lines.push((start, piece.trim_end_matches(['\n', '\r'])));
        start += piece.len();
    }
    let mut out = Vec::new();
    for (index, (offset, line)) in lines.iter().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find(MARKER) {
            let at = from + found;
            from = at + MARKER.len();
            let before = line[..at].trim_end();
            let Some((code, opener)) = ["//", "/*", "#"]
                .iter()
                .find_map(|o| before.strip_suffix(o).map(|code| (code, *o)))
            else {
                continue;
            };
            // A comment opener starts the line or follows whitespace (`a#b` is not a comment).
            if !(code.is_empty() || code.ends_with(char::is_whitespace)) {
                continue;
            }
            let mut rest = &line[from..];
            let mut code_after = false;
            if opener == "/*" {
                let (inside, after) = rest.split_once("*/").unwrap_or((rest, ""));
                rest = inside;
                code_after = !after.trim().is_empty();
            }
            let Some((rules, reason)) = parse_directive(rest) else {
                continue;
            };
            let line_no = index as u32 + 1;
            let target = if code.trim().is_empty() && !code_after {
                // A comment on its own line: the next line that is not a comment.
                let next = lines[index + 1..]
                    .iter()
                    .position(|(_, l)| {
                        let t = l.trim_start();
                        !(t.starts_with('#') || t.starts_with("//") || t.starts_with("/*"))
                    })
                    .map_or(line_no + 1, |i| line_no + 1 + i as u32);
                Target::Line(next)
            } else {
                Target::Line(line_no)
            };
            let marker_start = offset + before.len() - opener.len();
            let used = vec![false; rules.len()];
            out.push(Directive {
                span: Span::new(id, marker_start..offset + line.len()),
                rules,
                reason,
                target,
                used,
            });
        }
    }
    out
}

/// `LVL001,no-egress-path the reason` → rules and reason. `None` when no rule is named (the
/// marker alone in prose, such as documentation of the feature).
#[allow(clippy::type_complexity)]
fn parse_directive(rest: &str) -> Option<(Vec<(String, Option<&'static str>)>, String)> {
    // Directly after the marker: whitespace, then the rule list.
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut rest = rest.trim_start();
    let mut names = Vec::new();
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        names.push(rest[..end].to_string());
        rest = &rest[end..];
        let after = rest.trim_start();
        match after.strip_prefix(',') {
            Some(more) => rest = more.trim_start(),
            None => break,
        }
    }
    if names.is_empty() {
        return None;
    }
    // Common separators before the reason: `--`, `:`, `-`, an em dash.
    let reason = rest
        .trim()
        .trim_start_matches(['-', ':', '\u{2014}'])
        .trim()
        .to_string();
    let rules = names
        .into_iter()
        .map(|n| {
            let id = rules::find(&n).map(|m| m.id.as_str());
            (n, id)
        })
        .collect();
    Some((rules, reason))
}

/// Every block of a Terraform file, nested ones included: byte range and header line.
fn hcl_blocks(file: &SourceFile) -> Resources {
    use hcl_edit::Span as _;
    let Ok(body) = crate::syntax::hcl::parse_body(&file.text) else {
        return Vec::new();
    };
    // An explicit stack: nesting is as deep as the input.
    let mut out = Vec::new();
    let mut stack = vec![&body];
    while let Some(body) = stack.pop() {
        for b in body.blocks() {
            stack.push(&b.body);
            let Some(range) = b.span() else { continue };
            let header = b.ident.span().map_or(range.start, |s| s.start);
            out.push((
                range.start as u32..range.end as u32,
                file.position(header as u32).line,
            ));
        }
    }
    out
}

/// The mapping keys inside a template resource whose value is a mapping or a list (`VpcConfig:`):
/// range from the key to the end of its value, and the key's line; and the list items that are
/// mappings (a policy statement `- Effect: Allow`), from the item's first line.
fn enclosing_keys(file: &SourceFile, body: &Node, out: &mut Resources) {
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        for (key, value) in node.entries() {
            if !(value.entries().is_empty() && value.items().is_empty()) {
                let range = key.span.start..value.span.end.max(key.span.end);
                out.push((range, file.position(key.span.start).line));
            }
            stack.push(value);
        }
        for item in node.items() {
            if !item.entries().is_empty() {
                let line = file.position(item.span.start).line;
                out.push((item.span.start..item.span.end, line));
            }
            stack.push(item);
        }
    }
}

/// Resources of a template (range and header line) and their `Metadata` suppressions.
fn template_resources(id: FileId, file: &SourceFile) -> (Resources, Vec<Directive>) {
    let text = &file.text;
    let is_json = text.trim_start().starts_with('{');
    let parsed = if is_json {
        syntax::json::parse(id, text, &Limits::default())
    } else {
        syntax::yaml::parse(id, text, &Limits::default())
    };
    let Ok(doc) = parsed else {
        return (Vec::new(), Vec::new());
    };
    let mut resources = Vec::new();
    let mut directives = Vec::new();
    let Some(list) = doc.root.get("Resources") else {
        return (resources, directives);
    };
    for (key, body) in list.entries() {
        let range = key.span.start..body.span.end.max(key.span.end);
        resources.push((range.clone(), file.position(key.span.start).line));
        enclosing_keys(file, body, &mut resources);
        let Some(ignore) = body
            .get("Metadata")
            .and_then(|m| m.get(METADATA_KEY))
            .and_then(|m| m.get("ignore"))
        else {
            continue;
        };
        for item in ignore.items() {
            directives.push(metadata_directive(item, range.clone(), &key.text));
        }
    }
    (resources, directives)
}

fn metadata_directive(item: &Node, range: Range<u32>, name: &str) -> Directive {
    // `{ id: LVL001, reason: … }`; a bare `- LVL001` is an entry without a reason.
    let (rule, reason) = match item.as_str() {
        Some(id) => (id.to_string(), String::new()),
        None => (
            item.get("id")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string(),
            item.get("reason")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
    };
    let id = rules::find(rule.trim()).map(|m| m.id.as_str());
    Directive {
        span: item.span,
        rules: vec![(rule, id)],
        reason,
        target: Target::Resource {
            range,
            name: name.to_string(),
        },
        used: vec![false],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rule_lists_and_reasons() {
        let ok = |s: &str| parse_directive(s).unwrap();
        let (rules, reason) = ok(" LVL001,no-egress-path  -- reviewed: egress via proxy");
        assert_eq!(
            rules,
            [
                ("LVL001".to_string(), Some("LVL001")),
                ("no-egress-path".to_string(), Some("LVL002"))
            ]
        );
        assert_eq!(reason, "reviewed: egress via proxy");
        let (rules, reason) = ok(" LVL001, LVL101: both accepted");
        assert_eq!(rules.len(), 2);
        assert_eq!(reason, "both accepted");
        let (rules, reason) = ok(" lvl999");
        assert_eq!(rules, [("lvl999".to_string(), None)]);
        assert_eq!(reason, "");
        assert!(parse_directive("").is_none());
        assert!(parse_directive(" ").is_none());
        assert!(parse_directive("s are documented").is_none());
    }

    fn directives(text: &str, name: &str) -> Vec<Directive> {
        let file = SourceFile::new(name.into(), name.into(), text.into());
        scan(FileId(0), &file).0
    }

    #[test]
    fn comment_forms_and_their_target_lines() {
        let text = "\
# lambda-vpc-lint:ignore LVL001 own line
# another comment
a = 1 # lambda-vpc-lint:ignore LVL002 trailing
b = 2 // lambda-vpc-lint:ignore LVL003 slashes
/* lambda-vpc-lint:ignore LVL101 block */ c = 3
d = \"x#lambda-vpc-lint:ignore LVL001 not a comment\"
e = 5 #lambda-vpc-lint:ignore
";
        let ds = directives(text, "main.tf");
        let got: Vec<(String, Target, String)> = ds
            .iter()
            .map(|d| (d.rules[0].0.clone(), d.target.clone(), d.reason.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("LVL001".into(), Target::Line(3), "own line".into()),
                ("LVL002".into(), Target::Line(3), "trailing".into()),
                ("LVL003".into(), Target::Line(4), "slashes".into()),
                ("LVL101".into(), Target::Line(5), "block".into()),
            ]
        );
        // The note points at the comment from its marker (checked below).
        assert_eq!(
            &text[ds[1].span.range()],
            "# lambda-vpc-lint:ignore LVL002 trailing"
        );
    }

    #[test]
    fn enclosing_blocks_keys_and_list_items() {
        let hcl = "resource \"a\" \"b\" {\n  vpc_config {\n    subnet_ids = []\n  }\n}\n";
        let file = SourceFile::new("main.tf".into(), "main.tf".into(), hcl.into());
        let lines: Vec<u32> = hcl_blocks(&file).iter().map(|(_, l)| *l).collect();
        assert_eq!(lines, [1, 2]);
        let yaml = "\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ec2:*
";
        let file = SourceFile::new("t.yaml".into(), "t.yaml".into(), yaml.into());
        let (resources, _) = template_resources(FileId(0), &file);
        let mut lines: Vec<u32> = resources.iter().map(|(_, l)| *l).collect();
        lines.sort_unstable();
        // The resource, Properties, Policies, the policy item, PolicyDocument, Statement, the
        // statement item; not `Type` or `Action` (scalars).
        assert_eq!(lines, [2, 4, 5, 6, 7, 8, 9]);
        let action = yaml.find("ec2:*").unwrap() as u32;
        let statement = resources.iter().find(|(_, l)| *l == 9).unwrap();
        assert!(statement.0.contains(&action));
    }
}
