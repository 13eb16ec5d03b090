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

/// Actions the Lambda service performs itself, whoever's role grants them.
const SERVICE_SIDE_ACTIONS: &[&str] = &[
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "rds-db:connect",
];

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
    let mut excluded: Vec<&str> = SERVICE_SIDE_ACTIONS.to_vec();
    for (service, actions) in POLLING_ACTIONS {
        if function.polled_services.iter().any(|p| p == service) {
            excluded.extend_from_slice(actions);
        }
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
                if is_service_wide(a) {
                    return Value::Unknown(Reason::new(format!(
                        "policy `{}` allows `{a}`, which says nothing about the services the code calls",
                        st.policy
                    )));
                }
                // A wildcard that also covers a service-side action may be there for the
                // Lambda service only.
                if excluded
                    .iter()
                    .any(|x| action_matches(a, x) || action_matches(x, a))
                {
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
    Value::Known(uses)
}
