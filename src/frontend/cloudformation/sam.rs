//! The AWS::Serverless-2016-10-31 transform, as far as the model needs it: `Globals` merged into
//! functions, the implicit execution role and its policies (managed names, ARNs, inline
//! documents, policy templates), and the event sources whose records Lambda polls.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::template::Template;
use crate::syntax::{Node, NodeKind};

/// Globals nest a few levels (`VpcConfig.SubnetIds`); the cap bounds hostile input.
const MAX_MERGE_DEPTH: usize = 32;

/// For each resource, its properties after the `Globals.Function` merge (SAM functions only).
pub(crate) fn merged_properties(tpl: &Template<'_>) -> Vec<Option<Node>> {
    tpl.resources
        .iter()
        .map(|r| {
            let globals = tpl
                .globals_function
                .filter(|_| r.kind == "AWS::Serverless::Function")?;
            Some(match r.props {
                Some(local) => merge(globals, local, 0),
                None => globals.clone(),
            })
        })
        .collect()
}

fn is_intrinsic(node: &Node) -> bool {
    if node.tag.as_ref().is_some_and(|(t, _)| !t.starts_with("!!")) {
        return true;
    }
    matches!(&node.kind, NodeKind::Map(e) if e.len() == 1 && e.iter().all(|(k, _)| k.text == "Ref" || k.text == "Condition" || k.text.starts_with("Fn::")))
}

/// SAM's merge: mappings key by key, lists global items first then the function's, anything
/// else (scalars, intrinsic functions) taken from the function.
fn merge(global: &Node, local: &Node, depth: usize) -> Node {
    if depth > MAX_MERGE_DEPTH || is_intrinsic(global) || is_intrinsic(local) {
        return local.clone();
    }
    match (&global.kind, &local.kind) {
        (NodeKind::Map(g), NodeKind::Map(l)) => {
            let mut entries = Vec::with_capacity(g.len() + l.len());
            for (k, gv) in g {
                match l.iter().find(|(lk, _)| lk.text == k.text) {
                    Some((lk, lv)) => entries.push((lk.clone(), merge(gv, lv, depth + 1))),
                    None => entries.push((k.clone(), gv.clone())),
                }
            }
            for (k, lv) in l {
                if !g.iter().any(|(gk, _)| gk.text == k.text) {
                    entries.push((k.clone(), lv.clone()));
                }
            }
            Node {
                kind: NodeKind::Map(entries),
                tag: local.tag.clone(),
                span: local.span,
            }
        }
        (NodeKind::Seq(g), NodeKind::Seq(l)) => Node {
            kind: NodeKind::Seq(g.iter().chain(l).cloned().collect()),
            tag: local.tag.clone(),
            span: local.span,
        },
        _ => local.clone(),
    }
}

/// The service whose records Lambda polls for a SAM event type.
pub(crate) fn polled_service_of_event(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "SQS" => "sqs",
        "Kinesis" => "kinesis",
        "DynamoDB" => "dynamodb",
        "MSK" | "SelfManagedKafka" => "kafka",
        "MQ" => "mq",
        _ => return None,
    })
}

/// AWS managed policies that live under the `service-role/` path; SAM resolves a bare name to
/// its full ARN, so the path matters for recognising the policy.
const SERVICE_ROLE_POLICIES: &[&str] = &[
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaENIManagementAccess",
    "AWSLambdaRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaMSKExecutionRole",
];

/// The ARN SAM gives an AWS managed policy named in `Policies`, with the partition unknown.
pub(crate) fn managed_policy_arn(name: &str) -> String {
    let path = if SERVICE_ROLE_POLICIES.contains(&name) {
        "service-role/"
    } else {
        ""
    };
    format!("arn:*:iam::aws:policy/{path}{name}")
}

/// One policy template: the statements it grants, with `${…}` where SAM substitutes a
/// parameter or pseudo parameter.
#[derive(Debug, Deserialize)]
pub(crate) struct PolicyTemplate {
    #[allow(dead_code)] // documentation of the data, checked by a test
    pub source: String,
    pub statements: Vec<TemplateStatement>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TemplateStatement {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PolicyTemplates {
    templates: HashMap<String, PolicyTemplate>,
}

const POLICY_TEMPLATES_JSON: &str = include_str!("../../../data/sam-policy-templates.json");

/// The SAM policy templates known to the linter (data/sam-policy-templates.json).
pub(crate) fn policy_templates() -> &'static HashMap<String, PolicyTemplate> {
    static TEMPLATES: OnceLock<HashMap<String, PolicyTemplate>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        // The file is part of the binary and checked by a unit test; an empty table is the
        // safe fallback (templates then resolve as unknown policies).
        serde_json::from_str::<PolicyTemplates>(POLICY_TEMPLATES_JSON)
            .map(|t| t.templates)
            .unwrap_or_default()
    })
}

/// A template resource with `${…}` placeholders as a pattern text (`*` for each placeholder).
pub(crate) fn placeholder_pattern(text: &str) -> (String, bool) {
    let mut out = String::new();
    let mut rest = text;
    let mut exact = true;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                exact = false;
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_templates_parse_and_cite_a_source() {
        let parsed: PolicyTemplates =
            serde_json::from_str(POLICY_TEMPLATES_JSON).expect("valid JSON");
        assert!(parsed.templates.contains_key("VPCAccessPolicy"));
        for (name, t) in &parsed.templates {
            assert!(!t.source.trim().is_empty(), "{name} has no source");
            assert!(
                t.statements.iter().all(|s| !s.actions.is_empty()),
                "{name} grants nothing"
            );
        }
    }

    #[test]
    fn placeholders_become_wildcards() {
        assert_eq!(
            placeholder_pattern(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}"
            ),
            ("arn:*:sqs:*:*:*".to_string(), false)
        );
        assert_eq!(placeholder_pattern("*"), ("*".to_string(), true));
    }

    #[test]
    fn managed_policy_names_get_their_path() {
        assert_eq!(
            managed_policy_arn("AWSLambdaVPCAccessExecutionRole"),
            "arn:*:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
        );
        assert_eq!(
            managed_policy_arn("AmazonS3ReadOnlyAccess"),
            "arn:*:iam::aws:policy/AmazonS3ReadOnlyAccess"
        );
    }
}
