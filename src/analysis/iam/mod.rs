//! Effective permissions of an execution role: every statement that applies to it (inline,
//! attached documents, known AWS managed policies), and whether an action is granted.
//!
//! Three-valued on purpose: an action is granted, not granted, or unknown (a policy the run
//! cannot see, an unknown action list, an Allow whose condition cannot be decided).

pub mod condition;
pub mod deny;
pub mod resources;
pub mod wildcard;

use crate::analysis::data;
use crate::diagnostic::Step;
use crate::model::{
    ActionSet, Condition, Effect, Item, Model, Pattern, PolicySource, Reason, ResourceSet, RoleId,
    Value,
};
use crate::source::Span;

use wildcard::action_matches;

/// A statement as the analysis sees it, whatever it came from.
#[derive(Debug, Clone)]
pub struct EffStatement {
    pub effect: Value<Effect>,
    pub not_action: bool,
    pub actions: Value<Vec<Value<String>>>,
    /// Any `Condition` present (its truth cannot be decided statically in general).
    pub conditional: bool,
    /// `Resource` / `NotResource` as written (for managed policies: as the data lists them).
    pub resources: ResourceSet,
    /// The `Condition` block; for managed policies an unknown value when they have one.
    pub condition: Option<Value<Vec<Condition>>>,
    /// Name of the policy, for messages: the model policy's name or the managed policy's name.
    pub policy: String,
    /// Where the policy is attached to the role.
    pub attached_at: Span,
    /// The statement itself, when it is in the user's files.
    pub span: Option<Span>,
    /// True for AWS managed policies that exist for the Lambda service's own needs (basic
    /// execution, VPC access, event-source polling): their actions are not "services the code
    /// uses".
    pub service_side: bool,
}

#[derive(Debug, Clone)]
pub struct RolePermissions {
    pub role: RoleId,
    pub statements: Vec<EffStatement>,
    /// Why the list may be incomplete (an unknown policy, an attachment to an unknown role).
    pub incomplete: Option<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// Granted, with the step that shows which statement grants it.
    Yes(Step),
    No,
    Unknown(Reason),
}

/// Managed policies that serve the Lambda service rather than the function's code.
const SERVICE_SIDE_POLICIES: &[&str] = &[
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaENIManagementAccess",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaMSKExecutionRole",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "CloudWatchLambdaInsightsExecutionRolePolicy",
    // "Default policy for AWS Lambda service role": meant for roles that invoke functions, and
    // attached to execution roles by habit; it proves nothing about what the code calls.
    "AWSLambdaRole",
];

pub fn role_permissions(model: &Model, role: RoleId) -> RolePermissions {
    let r = model.role(role);
    let mut perms = RolePermissions {
        role,
        statements: Vec::new(),
        incomplete: None,
    };
    let attached: Vec<(Span, &PolicySource)> = r
        .policies
        .iter()
        .map(|p| (p.span, &p.policy))
        .chain(
            model
                .policy_attachments
                .iter()
                .filter(|a| a.role == Value::Known(role))
                .map(|a| (a.span, &a.policy)),
        )
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (span, source) in attached {
        // The same attachment may be listed on the role and as an attachment resource; SAM's
        // implicit policies share the function's span, so the policy itself is part of the key.
        let identity = match source {
            PolicySource::Document(id) => format!("doc:{}", id.0),
            PolicySource::Arn(a) => format!("arn:{:?}", a.value),
            PolicySource::Unknown(r) => format!("unknown:{r}"),
        };
        if !seen.insert((span, identity)) {
            continue;
        }
        match source {
            PolicySource::Document(id) => {
                let p = model.policy(*id);
                match &p.statements {
                    Value::Unknown(reason) => {
                        perms.incomplete.get_or_insert_with(|| {
                            Reason::new(format!(
                                "policy `{}` could not be read ({reason})",
                                p.meta.name
                            ))
                        });
                    }
                    Value::Known(statements) => {
                        for st in statements {
                            let (not_action, actions) = match &st.actions {
                                ActionSet::Action(a) => (false, a),
                                ActionSet::NotAction(a) => (true, a),
                            };
                            perms.statements.push(EffStatement {
                                effect: st.effect.clone(),
                                not_action,
                                actions: actions
                                    .clone()
                                    .map(|items| items.into_iter().map(|i| i.value).collect()),
                                conditional: st.condition.is_some(),
                                resources: st.resources.clone(),
                                condition: st.condition.clone(),
                                policy: p.meta.name.clone(),
                                attached_at: span,
                                span: Some(st.span),
                                service_side: false,
                            });
                        }
                    }
                }
            }
            PolicySource::Arn(arn) => {
                let managed = arn
                    .known()
                    .and_then(|p| data::managed_policy_by_arn(&p.text));
                match managed {
                    None => {
                        let shown = arn
                            .known()
                            .map(|p| p.text.clone())
                            .unwrap_or_else(|| "an unknown ARN".into());
                        perms.incomplete.get_or_insert_with(|| {
                            Reason::new(format!(
                                "policy `{shown}` is not a managed policy the linter knows"
                            ))
                        });
                    }
                    Some(mp) => {
                        for st in &mp.statements {
                            let effect = match st.effect.as_str() {
                                "Deny" => Effect::Deny,
                                _ => Effect::Allow,
                            };
                            let not_action = !st.not_actions.is_empty();
                            let list = if not_action {
                                &st.not_actions
                            } else {
                                &st.actions
                            };
                            perms.statements.push(EffStatement {
                                effect: Value::Known(effect),
                                not_action,
                                actions: Value::Known(
                                    list.iter().map(|a| Value::Known(a.clone())).collect(),
                                ),
                                conditional: st.condition.is_some(),
                                resources: managed_resources(st, span),
                                condition: st.condition.as_ref().map(|_| {
                                    Value::unknown(format!(
                                        "the condition of managed policy `{}` is not evaluated",
                                        mp.name
                                    ))
                                }),
                                policy: mp.name.clone(),
                                attached_at: span,
                                span: None,
                                service_side: SERVICE_SIDE_POLICIES.contains(&mp.name.as_str()),
                            });
                        }
                    }
                }
            }
            PolicySource::Unknown(reason) => {
                perms.incomplete.get_or_insert_with(|| reason.clone());
            }
        }
    }
    if let Some(reason) = &r.exposed {
        perms.incomplete.get_or_insert_with(|| reason.clone());
    }
    // Attachments whose role could not be resolved might be attached to this role.
    if let Some(a) = model.policy_attachments.iter().find(|a| !a.role.is_known()) {
        perms.incomplete.get_or_insert_with(|| {
            Reason::new(format!(
                "a policy attachment has an unknown role ({})",
                a.role.reason().map(|r| r.0.as_str()).unwrap_or("")
            ))
        });
    }
    if let Some(u) = model
        .unresolved
        .iter()
        .find(|u| u.what == crate::model::UnresolvedKind::Iam)
    {
        perms.incomplete.get_or_insert_with(|| u.reason.clone());
    }
    perms
}

/// A managed policy's resources, as exact patterns located at the attachment.
fn managed_resources(st: &data::ManagedStatement, span: Span) -> ResourceSet {
    let items = |list: &[String]| {
        Value::Known(
            list.iter()
                .map(|r| Item {
                    value: Value::Known(Pattern::exact(r.clone())),
                    span,
                })
                .collect(),
        )
    };
    if !st.resources.is_empty() {
        ResourceSet::Resource(items(&st.resources))
    } else if !st.not_resources.is_empty() {
        ResourceSet::NotResource(items(&st.not_resources))
    } else {
        ResourceSet::Absent
    }
}

/// Does a statement's action list match `action`? `None` when it cannot be told.
pub fn statement_matches(st: &EffStatement, action: &str) -> Option<bool> {
    let list = st.actions.known()?;
    let mut any_unknown = false;
    let mut hit = false;
    for a in list {
        match a {
            Value::Known(p) => hit |= action_matches(p, action),
            Value::Unknown(_) => any_unknown = true,
        }
    }
    match (st.not_action, hit, any_unknown) {
        (false, true, _) => Some(true),
        (false, false, false) => Some(false),
        (true, true, _) => Some(false),
        (true, false, false) => Some(true),
        _ => None,
    }
}

impl RolePermissions {
    /// Is `action` allowed by some statement (ignoring resources, which other rules judge)?
    pub fn grants(&self, action: &str) -> Grant {
        let mut unknown: Option<Reason> = None;
        for st in &self.statements {
            let matched = statement_matches(st, action);
            match (&st.effect, matched) {
                (_, Some(false)) | (Value::Known(Effect::Deny), _) => {}
                (Value::Known(Effect::Allow), Some(true)) => {
                    if st.conditional {
                        unknown.get_or_insert_with(|| {
                            Reason::new(format!(
                                "`{action}` is allowed by `{}` only under a condition",
                                st.policy
                            ))
                        });
                    } else {
                        return Grant::Yes(Step {
                            span: st.span.unwrap_or(st.attached_at),
                            text: format!("policy `{}` allows `{action}`", st.policy),
                        });
                    }
                }
                (Value::Unknown(r), _) => {
                    unknown.get_or_insert_with(|| r.clone());
                }
                (_, None) => {
                    unknown.get_or_insert_with(|| {
                        Reason::new(format!(
                            "policy `{}` has actions that could not be resolved",
                            st.policy
                        ))
                    });
                }
            }
        }
        if let Some(r) = unknown.or_else(|| self.incomplete.clone()) {
            return Grant::Unknown(r);
        }
        Grant::No
    }
}
