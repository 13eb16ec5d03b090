//! Rule metadata: one YAML file per rule under `rules/`, embedded in the binary. It is the
//! documentation (`explain`, README table, SARIF descriptors) and the contract of each rule.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub slug: String,
    /// `network`, `iam`, `managed-instances`, or `input` for the front-end diagnostics (9xx).
    pub category: String,
    /// Default severity.
    pub severity: Severity,
    /// Every severity the rule may emit (LVL001 and LVL101 emit error or warning). Rule files
    /// may leave it out: it is then their `severity`.
    #[serde(default)]
    pub may_emit: Vec<Severity>,
    /// One line, for tables and SARIF `shortDescription`.
    pub title: String,
    /// What the rule detects and why it matters (Markdown).
    pub why: String,
    /// How to fix it (Markdown).
    pub fix: String,
    /// Rules that take precedence over this one for the same root cause.
    #[serde(default)]
    pub precedence: Option<String>,
    /// Which unknowns silence the rule entirely and which only narrow what it reports
    /// (Markdown), shown by `explain` as "Known limits".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_limits: Option<String>,
    #[serde(default)]
    pub examples: Option<Examples>,
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Seed documents (../shared/seeds) the rule comes from.
    #[serde(default)]
    pub seeds: Vec<String>,
    /// GitHub code scanning `security-severity` ("0.1"–"10.0") for security-relevant rules.
    #[serde(default)]
    pub security_severity: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The rule's implementation in the rule language (`rules/LANGUAGE.md`), for rules written
    /// as data; checked and compiled by `rules::declarative`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub terraform: Example,
    pub cloudformation: Example,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub bad: String,
    pub good: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
}

impl RuleMeta {
    pub fn parse(path: &str, text: &str) -> Result<RuleMeta, String> {
        serde_saphyr::from_str(text).map_err(|e| format!("{path}: {e}"))
    }
}
