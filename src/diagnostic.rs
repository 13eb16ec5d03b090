//! What every stage reports: findings of rules, and diagnostics of the front ends (parse errors,
//! unreadable files). Rendering lives in `report/`; this is plain data.

use std::fmt;

use serde::Serialize;

use crate::source::Span;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Order matters: `--fail-on` compares with `>=`.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of the chain of resources that proves a finding
/// (function → subnet → route table → route → gateway; role → policy → statement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub span: Span,
    /// What this step is, e.g. "subnet `aws_subnet.public` uses route table `aws_route_table.public`".
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule ID (`LVL001`) or front-end diagnostic ID (`LVL900`).
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where to report: the offending attribute or list entry.
    pub span: Span,
    /// Proof path, in order from the function outwards.
    pub proof: Vec<Step>,
    /// How to fix it, in the user's language: a rule's `fix::FixIntent` as the unit's front end
    /// prints it (`RuleContext::fix`), or advice that names no syntax.
    pub fix: Option<String>,
    /// Stable identity for baselines and SARIF `partialFingerprints`: built from the rule, the
    /// file and resource names, never from line numbers.
    pub fingerprint: String,
    /// The fix as replacements of known regions, when it is one (an explicit `false` that must
    /// be `true`): rendered as SARIF `fixes`. Most fixes add code, and have none.
    pub edits: Vec<Edit>,
}

/// Replace the text of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    /// Builds the fingerprint from the rule and the stable names that identify the finding.
    pub fn fingerprint_of(code: &str, file: &str, parts: &[&str]) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(code.as_bytes());
        h.update([0]);
        h.update(file.as_bytes());
        for p in parts {
            h.update([0]);
            h.update(p.as_bytes());
        }
        let digest = h.finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Diagnostics of the front ends and the engine: not rules of the catalog, but reported with
/// rule-like IDs (9xx) so they can be filtered, suppressed and documented the same way.
pub mod codes {
    /// A file that should be Terraform or CloudFormation but does not parse.
    pub const PARSE_ERROR: (&str, &str) = ("LVL900", "parse-error");
    /// Valid YAML/JSON/HCL that CloudFormation or Terraform do not accept (YAML aliases and
    /// anchors, multiple documents), or input past a safety limit (nesting depth, size).
    pub const UNSUPPORTED_INPUT: (&str, &str) = ("LVL901", "unsupported-input");
    /// A file that could not be read (I/O error, invalid UTF-8).
    pub const UNREADABLE_FILE: (&str, &str) = ("LVL902", "unreadable-file");
    /// A panic while linting a file: a bug in the linter, reported instead of crashing.
    pub const INTERNAL_ERROR: (&str, &str) = ("LVL903", "internal-error");
    /// An inline or `Metadata` suppression without a reason: it does not apply.
    pub const SUPPRESSION_WITHOUT_REASON: (&str, &str) = ("LVL904", "suppression-without-reason");
    /// A suppression that matched no finding, or names a rule that does not exist.
    pub const UNUSED_SUPPRESSION: (&str, &str) = ("LVL905", "unused-suppression");
}

/// Why a finding is not reported as a problem: kept in JSON and SARIF (SARIF `suppressions`),
/// left out of text and GitHub output, never counted by `--fail-on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The reason the user wrote (inline, `Metadata`), or which baseline file accepted it.
    pub justification: String,
}

/// SARIF's suppression kinds: in the source (a comment or `Metadata`), or outside it (a baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    InSource,
    External,
}

impl SuppressionKind {
    /// The SARIF `suppression.kind` value, also used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        }
    }
}

impl Diagnostic {
    /// A front-end diagnostic (always an error: the file's findings are incomplete).
    pub fn input(
        code: (&'static str, &'static str),
        span: Span,
        file_display: &str,
        message: String,
    ) -> Self {
        Diagnostic {
            code: code.0,
            slug: code.1,
            severity: Severity::Error,
            edits: Vec::new(),
            fingerprint: Diagnostic::fingerprint_of(code.0, file_display, &[&message]),
            message,
            span,
            proof: Vec::new(),
            fix: None,
        }
    }
}
