//! SARIF 2.1.0 for GitHub code scanning and SARIF viewers, with hand-written structs covering the
//! part of the format we emit (DEPENDENCIES.md §4 lists what code scanning reads).
//!
//! - One rule descriptor per catalog entry, rendered from the rule's metadata (`rules/*.yaml`),
//!   then one per rule loaded from a rule file (`--rules DIR`).
//! - The proof path is both `relatedLocations` (listed beside the alert) and one `codeFlow`
//!   (stepped through in order by viewers).
//! - Columns are UTF-16 code units, and `columnKind` says so.
//! - `partialFingerprints` carries our own line-independent fingerprint, so alerts survive edits
//!   above them.
//! - At most [`MAX_RESULTS`] results (GitHub rejects more): the most severe are kept, in report
//!   order, and `run.properties` plus a notification say how many were left out.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{rule_index, write_json, Location, TOOL_NAME, TOOL_VERSION};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Report;
use crate::rules::{self, RuleMeta};
use crate::source::{SourceMap, Span};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// GitHub's limit of results per run.
pub const MAX_RESULTS: usize = 25_000;
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    automation_details: AutomationDetails,
    original_uri_base_ids: OriginalUriBaseIds,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: &'static str,
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseId,
}

/// `%SRCROOT%` is left without a `uri`: the log must not depend on where it was produced, and
/// code scanning resolves it to the checkout.
#[derive(Serialize)]
struct BaseId {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    results_truncated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_results: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reported_results: Option<usize>,
    /// Coverage: VPC functions and capacity providers fully verified, and not (`--strict` lists
    /// each unknown aspect as an LVL906 result), with the most frequent reasons.
    verified: usize,
    not_verified: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    top_unverified_reasons: Vec<ReasonCount>,
    /// The AWS snapshot files (`--aws-snapshot`) literal ids were resolved against.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aws_snapshot: Vec<String>,
}

#[derive(Serialize)]
struct ReasonCount {
    reason: String,
    /// VPC functions and capacity providers it leaves unverified.
    count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: PartialFingerprints,
    /// The fix as region replacements, when the fix is one (SARIF `fixes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    /// Present (and non-empty) only for suppressed findings: code scanning then closes the alert
    /// as suppressed instead of showing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: SarifLocation,
}

/// Our fingerprint's key: bump the suffix if its recipe changes.
#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "lambdaVpcLint/v1")]
    v1: String,
}

pub(super) fn render(report: &Report, sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let kept = keep_most_severe(&report.diagnostics, MAX_RESULTS);
    let total = report.diagnostics.len() + report.suppressed.len();
    // Suppressed findings take what room the reported ones leave.
    let room = MAX_RESULTS - kept.len();
    let mut results: Vec<SarifResult> = kept.into_iter().map(|d| result(d, sources)).collect();
    results.extend(report.suppressed.iter().take(room).map(|(d, s)| {
        let mut r = result(d, sources);
        r.suppressions.push(SarifSuppression {
            kind: s.kind.as_str(),
            justification: s.justification.clone(),
        });
        r
    }));
    let truncated = results.len() < total;

    let invocations = if truncated {
        vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: vec![Notification {
                level: "warning",
                message: Text {
                    text: format!(
                        "{total} results were found; only the {MAX_RESULTS} most severe are reported \
                         (the limit of GitHub code scanning). Run with another format to see them all."
                    ),
                },
            }],
        }]
    } else {
        Vec::new()
    };
    let results_len = results.len();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    semantic_version: TOOL_VERSION,
                    version: TOOL_VERSION,
                    information_uri: Some(env!("CARGO_PKG_REPOSITORY")).filter(|s| !s.is_empty()),
                    rules: rules::all().into_iter().map(descriptor).collect(),
                },
            },
            invocations,
            automation_details: AutomationDetails {
                id: "lambda-vpc-lint/",
            },
            original_uri_base_ids: OriginalUriBaseIds {
                srcroot: BaseId {
                    description: Text {
                        text: "The directory lambda-vpc-lint was run from; file paths are relative to it."
                            .into(),
                    },
                },
            },
            column_kind: "utf16CodeUnits",
            results,
            properties: RunProperties {
                results_truncated: truncated.then_some(true),
                total_results: truncated.then_some(total),
                reported_results: truncated.then_some(results_len),
                verified: report.coverage.verified(),
                not_verified: report.coverage.not_verified(),
                top_unverified_reasons: report
                    .coverage
                    .top_reasons(10)
                    .into_iter()
                    .map(|(reason, count)| ReasonCount { reason, count })
                    .collect(),
                aws_snapshot: report.coverage.snapshot_files.clone(),
            },
        }],
    };
    write_json(&log, out)
}

/// The `limit` most severe diagnostics, in their original (sorted) order: deterministic, and the
/// errors survive truncation.
fn keep_most_severe(diagnostics: &[Diagnostic], limit: usize) -> Vec<&Diagnostic> {
    if diagnostics.len() <= limit {
        return diagnostics.iter().collect();
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    // Stable: equal severities keep report order.
    order.sort_by_key(|&i| std::cmp::Reverse(diagnostics[i].severity));
    order.truncate(limit);
    order.sort_unstable();
    order.into_iter().map(|i| &diagnostics[i]).collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let mut tags: Vec<String> = Vec::new();
    // GitHub ignores `security-severity` unless the rule is tagged `security`.
    if meta.security_severity.is_some() {
        tags.push("security".into());
    }
    for tag in std::iter::once(&meta.category).chain(&meta.tags) {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    ReportingDescriptor {
        id: meta.id.clone(),
        name: meta.slug.clone(),
        short_description: Text {
            text: meta.title.clone(),
        },
        full_description: Text {
            text: meta.why.trim().to_string(),
        },
        help: Help {
            text: help_text(meta),
            markdown: help_markdown(meta),
        },
        help_uri: meta.references.first().map(|r| r.url.clone()),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags,
            precision: "very-high",
            problem_severity: match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            },
            security_severity: meta.security_severity.clone(),
        },
    }
}

fn help_text(meta: &RuleMeta) -> String {
    let mut s = format!("{}\n\nHow to fix: {}", meta.why.trim(), meta.fix.trim());
    for r in &meta.references {
        let _ = write!(s, "\n- {}: {}", r.title, r.url);
    }
    s
}

pub(crate) fn help_markdown(meta: &RuleMeta) -> String {
    let mut s = format!(
        "{}\n\n## How to fix\n\n{}\n",
        meta.why.trim(),
        meta.fix.trim()
    );
    if let Some(ex) = &meta.examples {
        for (name, lang, example) in [
            ("Terraform", "hcl", &ex.terraform),
            ("CloudFormation", "yaml", &ex.cloudformation),
        ] {
            let _ = write!(
                s,
                "\n## {name}\n\nProblem:\n\n{}\nFixed:\n\n{}",
                fenced(lang, &example.bad),
                fenced(lang, &example.good)
            );
        }
    }
    if !meta.references.is_empty() {
        s.push_str("\n## References\n\n");
        for r in &meta.references {
            let _ = writeln!(s, "- [{}]({})", r.title, r.url);
        }
    }
    s
}

/// A fenced code block whose fence is longer than any backtick run inside the code.
fn fenced(lang: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", code.trim_end())
}

fn result(d: &Diagnostic, sources: &SourceMap) -> SarifResult {
    let steps: Vec<SarifLocation> = d
        .proof
        .iter()
        .enumerate()
        .map(|(i, step)| SarifLocation {
            id: Some(i),
            physical_location: physical(sources, step.span),
            message: Some(Text {
                text: step.text.clone(),
            }),
        })
        .collect();
    let code_flows = if steps.is_empty() {
        Vec::new()
    } else {
        vec![CodeFlow {
            thread_flows: vec![ThreadFlow {
                locations: d
                    .proof
                    .iter()
                    .map(|step| ThreadFlowLocation {
                        location: SarifLocation {
                            id: None,
                            physical_location: physical(sources, step.span),
                            message: Some(Text {
                                text: step.text.clone(),
                            }),
                        },
                    })
                    .collect(),
            }],
        }]
    };
    SarifResult {
        rule_id: d.code.to_string(),
        rule_index: rule_index(d.code),
        level: level(d.severity),
        message: Text {
            text: sentence(&d.message),
        },
        locations: vec![SarifLocation {
            id: None,
            physical_location: physical(sources, d.span),
            message: None,
        }],
        related_locations: steps,
        code_flows,
        partial_fingerprints: PartialFingerprints {
            v1: d.fingerprint.clone(),
        },
        fixes: fixes(d, sources),
        suppressions: Vec::new(),
    }
}

/// One SARIF fix with every edit of the finding, grouped by file (in edit order).
fn fixes(d: &Diagnostic, sources: &SourceMap) -> Vec<SarifFix> {
    if d.edits.is_empty() {
        return Vec::new();
    }
    let mut changes: Vec<ArtifactChange> = Vec::new();
    for edit in &d.edits {
        let location = physical(sources, edit.span);
        let replacement = Replacement {
            deleted_region: location.region,
            inserted_content: Text {
                text: edit.replacement.clone(),
            },
        };
        match changes
            .iter_mut()
            .find(|c| c.artifact_location.uri == location.artifact_location.uri)
        {
            Some(change) => change.replacements.push(replacement),
            None => changes.push(ArtifactChange {
                artifact_location: location.artifact_location,
                replacements: vec![replacement],
            }),
        }
    }
    let description = d
        .fix
        .as_deref()
        .and_then(|f| f.lines().next())
        .unwrap_or("Apply the fix")
        .to_string();
    vec![SarifFix {
        description: Text {
            text: sentence(&description),
        },
        artifact_changes: changes,
    }]
}

/// SARIF messages are sentences (the validator asks for a final period); ours are written
/// without one for the terminal.
fn sentence(message: &str) -> String {
    let m = message.trim_end();
    if m.ends_with(['.', '!', '?']) {
        m.to_string()
    } else {
        format!("{m}.")
    }
}

fn physical(sources: &SourceMap, span: Span) -> PhysicalLocation {
    let loc = Location::of(sources, span);
    PhysicalLocation {
        artifact_location: artifact(loc.file),
        region: Region {
            start_line: loc.start.line,
            start_column: loc.start.column_utf16,
            end_line: loc.end.line,
            end_column: loc.end.column_utf16,
        },
    }
}

/// Relative paths are resolved against `%SRCROOT%`; a path outside it stays absolute.
fn artifact(display: &str) -> ArtifactLocation {
    let absolute = display.starts_with('/') || display.as_bytes().get(1) == Some(&b':');
    if absolute {
        let path = if display.starts_with('/') {
            display.to_string()
        } else {
            format!("/{display}")
        };
        ArtifactLocation {
            uri: format!("file://{}", percent_encode(&path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(display),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986), byte by byte.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::meta::{Example, Examples, Reference};

    #[test]
    fn percent_encodes_uris() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("main.tf", "main.tf", Some(SRCROOT)),
            (
                "infra/my stack/main.tf",
                "infra/my%20stack/main.tf",
                Some(SRCROOT),
            ),
            ("café/a#b?.yaml", "caf%C3%A9/a%23b%3F.yaml", Some(SRCROOT)),
            ("/abs/x.tf", "file:///abs/x.tf", None),
            ("C:/work/x.tf", "file:///C%3A/work/x.tf", None),
        ];
        for (display, uri, base) in cases {
            let a = artifact(display);
            assert_eq!(a.uri, *uri, "{display}");
            assert_eq!(a.uri_base_id, *base, "{display}");
        }
    }

    #[test]
    fn keeps_most_severe_in_order() {
        let mk = |sev, n: &str| Diagnostic {
            code: "LVL001",
            slug: "s",
            severity: sev,
            message: n.into(),
            span: Span::new(crate::source::FileId(0), 0..0),
            proof: vec![],
            fix: None,
            fingerprint: n.into(),
            edits: Vec::new(),
        };
        let ds = vec![
            mk(Severity::Note, "n1"),
            mk(Severity::Error, "e1"),
            mk(Severity::Warning, "w1"),
            mk(Severity::Error, "e2"),
        ];
        let kept: Vec<&str> = keep_most_severe(&ds, 3)
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(kept, ["e1", "w1", "e2"]);
        assert_eq!(keep_most_severe(&ds, 4).len(), 4);
    }

    #[test]
    fn help_markdown_has_examples_and_references() {
        let meta = RuleMeta {
            id: "LVL101".into(),
            slug: "missing-eni-permissions".into(),
            category: "iam".into(),
            severity: Severity::Error,
            may_emit: vec![Severity::Error],
            title: "role cannot create ENIs".into(),
            why: "Lambda needs ENI permissions.\n".into(),
            fix: "Attach `AWSLambdaVPCAccessExecutionRole`.".into(),
            precedence: None,
            known_limits: None,
            examples: Some(Examples {
                terraform: Example {
                    bad: "resource \"x\" \"y\" {}\n".into(),
                    good: "a = \"```\"".into(),
                },
                cloudformation: Example {
                    bad: "Resources: {}".into(),
                    good: "Resources: {}".into(),
                },
            }),
            references: vec![Reference {
                title: "AWS docs".into(),
                url: "https://docs.aws.amazon.com/x".into(),
            }],
            seeds: vec![],
            security_severity: Some("7.5".into()),
            tags: vec!["iam".into(), "lambda".into()],
            check: None,
        };
        let md = help_markdown(&meta);
        assert!(
            md.starts_with("Lambda needs ENI permissions.\n\n## How to fix\n\nAttach"),
            "{md}"
        );
        assert!(
            md.contains("```hcl\nresource \"x\" \"y\" {}\n```\n"),
            "{md}"
        );
        // A backtick run in the code gets a longer fence.
        assert!(md.contains("````hcl\na = \"```\"\n````\n"), "{md}");
        assert!(md.contains("## CloudFormation"), "{md}");
        assert!(
            md.contains("- [AWS docs](https://docs.aws.amazon.com/x)\n"),
            "{md}"
        );
        let d = descriptor(&meta);
        assert_eq!(d.properties.tags, ["security", "iam", "lambda"]);
        assert_eq!(d.properties.security_severity.as_deref(), Some("7.5"));
        assert_eq!(d.help_uri.as_deref(), Some("https://docs.aws.amazon.com/x"));
    }
}
