//! The services a function uses (RULES.md): service prefixes of the actions its role allows,
//! plus resources its environment variables reference. Not counted: what the Lambda service
//! does on the function's behalf outside the ENI (logs, ENI management, X-Ray segments,
//! rds-db:connect, the polling of an event source mapping).

use crate::diagnostic::Step;
use crate::model::{Effect, Function, Reason, Value};

use super::iam::wildcard::{action_matches, is_service_wide};
use super::iam::RolePermissions;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUse {
    /// IAM service prefix (`dynamodb`, `s3`, `secretsmanager`).
    pub service: String,
    /// Why the function is believed to use it.
    pub because: Step,
}

/// Actions the Lambda service performs itself, whoever's role grants them; with the ENI
/// actions of `data/lambda-eni-actions.json` (`data::service_eni_actions`).
const SERVICE_SIDE_ACTIONS: &[&str] = &[
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    // Sampling is decided by the Lambda service for active tracing; the runtime's X-Ray daemon
    // asks for it like it sends segments (AWSXRayDaemonWriteAccess grants all five).
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "rds-db:connect",
];

/// Actions that authorise something without a request to a public AWS endpoint: permissions
/// checked by another service (`iam:PassRole`), or connections to resources inside the VPC
/// (EFS mount targets, database and cache clusters, MSK brokers). `es:ESHttp*` and
/// `aoss:APIAccessAll` go to a domain or collection that may live in the VPC: unknown, so not
/// counted either.
const NOT_PUBLIC_API_CALLS: &[&str] = &[
    "iam:PassRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
    "elasticfilesystem:ClientRootAccess",
    "s3files:ClientMount",
    "s3files:ClientWrite",
    "s3files:ClientRootAccess",
    "elasticache:Connect",
    "memorydb:Connect",
    "neptune-db:*",
    "kafka-cluster:*",
    "dsql:DbConnect",
    "dsql:DbConnectAdmin",
    "es:ESHttp*",
    "aoss:APIAccessAll",
];

/// What Lambda's direct reads of an S3 Files bucket need from the execution role.
const S3_FILES_DIRECT_READ: &[&str] = &["s3:GetObject", "s3:GetObjectVersion"];

/// Actions of an event source mapping's poller, per polled service.
const POLLING_ACTIONS: &[(&str, &[&str])] = &[
    (
        "sqs",
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility",
        ],
    ),
    (
        "dynamodb",
        &[
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
            "dynamodb:ListStreams",
        ],
    ),
    (
        "kinesis",
        &[
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:ListShards",
            "kinesis:ListStreams",
            "kinesis:SubscribeToShard",
        ],
    ),
    ("kafka", &["kafka:*", "kafka-cluster:*"]),
];

/// The services a function uses: `Unknown` when its role allows `*` or `service:*` on
/// everything, which says nothing specific. The list is a lower bound when the role's
/// policies are not all known; each entry is still a proven use.
pub fn services_used(
    function: &Function,
    perms: Option<&RolePermissions>,
) -> Value<Vec<ServiceUse>> {
    let (uses, unknown) = collect(function, perms);
    match unknown {
        Some(r) => Value::Unknown(r),
        None => Value::Known(uses),
    }
}

/// The services the function provably uses, even when `services_used` is unknown: a role that
/// also allows `*` or `service:*` may use more services, but every entry here is still a proven
/// use. Rules that judge each service on its own read these; rules that need to know every
/// service read `services_used`.
pub fn proven_services(function: &Function, perms: Option<&RolePermissions>) -> Vec<ServiceUse> {
    collect(function, perms).0
}

/// Every proven use, and why there may be others no statement names.
fn collect(
    function: &Function,
    perms: Option<&RolePermissions>,
) -> (Vec<ServiceUse>, Option<Reason>) {
    let mut unknown: Option<Reason> = None;
    let mut excluded: Vec<&str> = SERVICE_SIDE_ACTIONS.to_vec();
    excluded.extend(super::data::service_eni_actions());
    excluded.extend_from_slice(NOT_PUBLIC_API_CALLS);
    for (service, actions) in POLLING_ACTIONS {
        if function.polled_services.iter().any(|p| p == service) {
            excluded.extend_from_slice(actions);
        }
    }
    // A function that mounts an S3 Files file system is granted `s3:GetObject` and
    // `s3:GetObjectVersion` for Lambda's own "direct reads" of the backing bucket, which fall
    // back to the mount when they fail (Lambda `S3FilesConfig.DirectS3Read`): not calls of
    // the code.
    let mounts_s3_files = perms.is_some_and(|p| {
        // Named explicitly: `*` alone says nothing about a mount.
        p.statements.iter().any(|st| {
            st.effect == Value::Known(Effect::Allow)
                && !st.not_action
                && st.actions.known().is_some_and(|list| {
                    list.iter()
                        .filter_map(|a| a.known())
                        .any(|a| a.to_ascii_lowercase().starts_with("s3files:client"))
                })
        })
    });
    if mounts_s3_files {
        excluded.extend_from_slice(S3_FILES_DIRECT_READ);
    }
    let mut uses: Vec<ServiceUse> = Vec::new();
    let mut add = |service: &str, because: Step| {
        let service = service.to_ascii_lowercase();
        if !uses.iter().any(|u| u.service == service) {
            uses.push(ServiceUse { service, because });
        }
    };
    if let Some(perms) = perms {
        for st in &perms.statements {
            if st.service_side || st.not_action || st.effect != Value::Known(Effect::Allow) {
                continue;
            }
            let Some(actions) = st.actions.known() else {
                continue;
            };
            for a in actions.iter().filter_map(|a| a.known()) {
                let everything = || {
                    Reason::new(format!(
                        "policy `{}` allows `{a}`, which says nothing about the services the code calls",
                        st.policy
                    ))
                };
                if a == "*" {
                    unknown.get_or_insert_with(everything);
                    continue;
                }
                // A wildcard that also covers an action the Lambda service performs (`logs:*`)
                // may be there for the Lambda service only.
                if excluded
                    .iter()
                    .any(|x| action_matches(a, x) || action_matches(x, a))
                {
                    continue;
                }
                if is_service_wide(a) {
                    unknown.get_or_insert_with(everything);
                    continue;
                }
                if let Some((prefix, _)) = a.split_once(':') {
                    add(
                        prefix,
                        Step {
                            span: st.span.unwrap_or(st.attached_at),
                            text: format!("policy `{}` allows `{a}`", st.policy),
                        },
                    );
                }
            }
        }
    }
    for env in &function.environment {
        if let Some(service) = &env.service {
            add(
                service,
                Step {
                    span: env.span,
                    text: format!(
                        "environment variable `{}` references a {service} resource",
                        env.name
                    ),
                },
            );
        }
    }
    uses.sort_by(|a, b| a.service.cmp(&b.service));
    (uses, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::iam::EffStatement;
    use crate::model::{Attr, Function, Meta, Origin, RoleId};
    use crate::source::{FileId, Span};

    fn perms(actions: &[&str]) -> RolePermissions {
        let span = Span::new(FileId(0), 0..1);
        RolePermissions {
            role: RoleId(0),
            statements: vec![EffStatement {
                effect: Value::Known(Effect::Allow),
                not_action: false,
                actions: Value::Known(
                    actions
                        .iter()
                        .map(|a| Value::Known(a.to_string()))
                        .collect(),
                ),
                conditional: false,
                resources: crate::model::ResourceSet::Absent,
                condition: None,
                policy: "p".into(),
                attached_at: span,
                span: None,
                service_side: false,
            }],
            incomplete: None,
            possible: Vec::new(),
            bounded: false,
        }
    }

    fn function(polled: &[&str]) -> Function {
        let span = Span::new(FileId(0), 0..1);
        Function {
            meta: Meta {
                name: "f".into(),
                kind: "aws_lambda_function".into(),
                span,
            },
            deployed_name: Attr::explicit(Value::Known("f".into()), span),
            vpc_config: None,
            maybe_vpc: None,
            role: Attr {
                value: Value::Known(RoleId(0)),
                span,
                origin: Origin::Explicit,
            },
            environment: Vec::new(),
            environment_complete: true,
            file_system: false,
            polled_services: polled.iter().map(|s| s.to_string()).collect(),
            capacity_provider: None,
        }
    }

    fn used(actions: &[&str], polled: &[&str]) -> Value<Vec<String>> {
        services_used(&function(polled), Some(&perms(actions)))
            .map(|v| v.into_iter().map(|u| u.service).collect())
    }

    #[test]
    fn what_counts_as_a_service_the_code_calls() {
        assert_eq!(
            used(&["dynamodb:GetItem", "s3:GetObject"], &[]),
            Value::Known(vec!["dynamodb".into(), "s3".into()])
        );
        // In-VPC connections, pass-role and the Lambda service's own actions are not calls.
        let none: Value<Vec<String>> = Value::Known(vec![]);
        assert_eq!(
            used(
                &[
                    "elasticfilesystem:ClientMount",
                    "iam:PassRole",
                    "rds-db:connect",
                    "logs:PutLogEvents"
                ],
                &[]
            ),
            none
        );
        assert_eq!(used(&["logs:*", "xray:Put*"], &[]), none);
        // AWSXRayDaemonWriteAccess, as active tracing attaches it.
        assert_eq!(used(&["xray:Put*", "xray:GetSampling*"], &[]), none);
        // Polling actions belong to the event source mapping only when there is one.
        assert_eq!(used(&["sqs:ReceiveMessage"], &["sqs"]), none);
        assert_eq!(
            used(&["sqs:ReceiveMessage"], &[]),
            Value::Known(vec!["sqs".into()])
        );
        // `*` and `service:*` say nothing specific.
        assert!(!used(&["*"], &[]).is_known());
        assert!(!used(&["dynamodb:*"], &[]).is_known());
        // S3 Files: the mount and Lambda's direct reads of the bucket are not calls.
        assert_eq!(
            used(
                &["s3files:ClientMount", "s3:GetObject", "s3:GetObjectVersion"],
                &[]
            ),
            none
        );
        assert_eq!(
            used(&["s3files:ClientMount", "s3:PutObject"], &[]),
            Value::Known(vec!["s3".into()])
        );
        // ... but what is proven stays proven, whatever the order of the actions.
        for actions in [["*", "s3:GetObject"], ["s3:GetObject", "*"]] {
            let proven: Vec<String> = proven_services(&function(&[]), Some(&perms(&actions)))
                .into_iter()
                .map(|u| u.service)
                .collect();
            assert_eq!(proven, vec!["s3".to_string()]);
            assert!(!used(&actions, &[]).is_known());
        }
    }
}
