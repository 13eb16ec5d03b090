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

impl EffStatement {
    /// A statement of a policy document in the user's files, attached at `attached_at`.
    pub fn of_document(st: &crate::model::Statement, policy: &str, attached_at: Span) -> Self {
        let (not_action, actions) = match &st.actions {
            ActionSet::Action(a) => (false, a),
            ActionSet::NotAction(a) => (true, a),
        };
        EffStatement {
            effect: st.effect.clone(),
            not_action,
            actions: actions
                .clone()
                .map(|items| items.into_iter().map(|i| i.value).collect()),
            conditional: st.condition.is_some(),
            resources: st.resources.clone(),
            condition: st.condition.clone(),
            policy: policy.to_string(),
            attached_at,
            span: Some(st.span),
            service_side: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RolePermissions {
    pub role: RoleId,
    pub statements: Vec<EffStatement>,
    /// Why the list may be incomplete (an unknown policy, an attachment to an unknown role).
    pub incomplete: Option<Reason>,
    /// Statements that may apply to the role on top of `statements`: the known policies of
    /// attachments whose role the unit cannot name (an attachment to a role by literal name,
    /// or one whose existence is unknown). They are not the role's for sure, so nothing is
    /// proven from them, but they are all the role may have besides `statements` when
    /// `bounded` is true.
    pub possible: Vec<EffStatement>,
    /// `incomplete` comes only from `possible`: the role holds `statements` and at most
    /// `possible`, so an action none of them can grant is not granted. Consumers that do not
    /// look at `possible` keep treating `incomplete` as unknown.
    pub bounded: bool,
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

/// The statements of one attached policy, or why they cannot be known.
fn policy_statements(
    model: &Model,
    span: Span,
    source: &PolicySource,
) -> Result<Vec<EffStatement>, Reason> {
    match source {
        PolicySource::Document(id) => {
            let p = model.policy(*id);
            let statements = match &p.statements {
                Value::Unknown(reason) => {
                    return Err(Reason::new(format!(
                        "policy `{}` could not be read ({reason})",
                        p.meta.name
                    )))
                }
                Value::Known(statements) => statements,
            };
            Ok(statements
                .iter()
                .map(|st| EffStatement::of_document(st, &p.meta.name, span))
                .collect())
        }
        PolicySource::Arn(arn) => {
            let managed = arn
                .known()
                .and_then(|p| data::managed_policy_by_arn(&p.text));
            let Some(mp) = managed else {
                let shown = arn
                    .known()
                    .map(|p| p.text.clone())
                    .unwrap_or_else(|| "an unknown ARN".into());
                return Err(Reason::new(format!(
                    "policy `{shown}` is not a managed policy the linter knows"
                )));
            };
            Ok(mp
                .statements
                .iter()
                .map(|st| {
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
                    EffStatement {
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
                    }
                })
                .collect())
        }
        PolicySource::Unknown(reason) => Err(reason.clone()),
    }
}

pub fn role_permissions(model: &Model, role: RoleId) -> RolePermissions {
    let r = model.role(role);
    let mut perms = RolePermissions {
        role,
        statements: Vec::new(),
        incomplete: None,
        possible: Vec::new(),
        bounded: false,
    };
    // What may be missing: `unbounded` could be anything, `maybe` is in `possible`.
    let mut unbounded: Option<Reason> = None;
    let mut maybe: Option<Reason> = None;
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
        match policy_statements(model, span, source) {
            Ok(sts) => perms.statements.extend(sts),
            Err(reason) => {
                unbounded.get_or_insert(reason);
            }
        }
    }
    if let Some(reason) = &r.exposed {
        unbounded.get_or_insert_with(|| reason.clone());
    }
    // Attachments whose role could not be resolved might be attached to this role. One whose
    // policy is known can change only what its own statements allow or deny (issue 14: an
    // unresolvable attachment no longer makes every role of the unit unknown as a whole).
    // One that may not exist but names another role if it does cannot change this one.
    let unknown_role = model
        .policy_attachments
        .iter()
        .filter(|a| !a.role.is_known() && a.if_exists.is_none_or(|r| r == role));
    for a in unknown_role {
        let why = || {
            Reason::new(format!(
                "a policy attachment has an unknown role ({})",
                a.role.reason().map(|r| r.0.as_str()).unwrap_or("")
            ))
        };
        match policy_statements(model, a.span, &a.policy) {
            Ok(sts) => {
                perms.possible.extend(sts);
                maybe.get_or_insert_with(why);
            }
            Err(_) => {
                unbounded.get_or_insert_with(why);
            }
        }
    }
    // Every unresolved IAM item comes with its attachment (`lower::Builder::attach`); one
    // without could change anything.
    let stray = model.unresolved.iter().find(|u| {
        u.what == crate::model::UnresolvedKind::Iam
            && !model
                .policy_attachments
                .iter()
                .any(|a| !a.role.is_known() && a.span == u.span)
    });
    if let Some(u) = stray {
        unbounded.get_or_insert_with(|| u.reason.clone());
    }
    perms.bounded = unbounded.is_none() && maybe.is_some();
    perms.incomplete = unbounded.or(maybe);
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
        if let Some(r) = unknown {
            return Grant::Unknown(r);
        }
        if self.bounded {
            // Only the possible statements are missing: unknown if one of them may allow it.
            return match self.possibly_allowing(action) {
                Some(st) => Grant::Unknown(Reason::new(format!(
                    "`{action}` may be allowed by `{}`, attached to a role the unit cannot name",
                    st.policy
                ))),
                None => Grant::No,
            };
        }
        if let Some(r) = self.incomplete.clone() {
            return Grant::Unknown(r);
        }
        Grant::No
    }

    /// A possible statement that may allow `action` (not certainly a Deny, not certainly
    /// another action).
    pub fn possibly_allowing(&self, action: &str) -> Option<&EffStatement> {
        self.possible.iter().find(|st| {
            st.effect != Value::Known(Effect::Deny) && statement_matches(st, action) != Some(false)
        })
    }

    /// A possible statement that may deny `action`.
    pub fn possibly_denying(&self, action: &str) -> Option<&EffStatement> {
        self.possible.iter().find(|st| {
            st.effect != Value::Known(Effect::Allow) && statement_matches(st, action) != Some(false)
        })
    }

    /// Nothing beyond `statements` can apply except the `possible` statements (which may be
    /// none): the consumers that look at `possible` may conclude.
    pub fn is_bounded(&self) -> bool {
        self.incomplete.is_none() || self.bounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attr, Meta, PolicyAttachment, Role, Unresolved, UnresolvedKind};
    use crate::source::FileId;

    fn span(at: u32) -> Span {
        Span {
            file: FileId(0),
            start: at,
            end: at + 1,
        }
    }

    /// One role without policies, and an attachment of `policy` to a role the unit cannot name.
    fn model(policy: PolicySource) -> Model {
        let mut m = Model::default();
        m.roles.push(Role {
            meta: Meta {
                name: "fn".into(),
                kind: "aws_iam_role".into(),
                span: span(0),
            },
            policies: Vec::new(),
            exposed: None,
        });
        m.policy_attachments.push(PolicyAttachment {
            span: span(10),
            role: Value::unknown("literal role id `elsewhere`"),
            policy,
            if_exists: None,
        });
        m.unresolved.push(Unresolved {
            what: UnresolvedKind::Iam,
            reason: Reason::new("policy attached to an unknown role"),
            span: span(10),
        });
        m
    }

    fn arn(text: &str) -> PolicySource {
        PolicySource::Arn(Attr::explicit(Value::Known(Pattern::exact(text)), span(10)))
    }

    #[test]
    fn a_known_policy_on_an_unknown_role_changes_only_its_own_actions() {
        let m = model(arn(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ));
        let p = role_permissions(&m, RoleId(0));
        assert!(p.bounded);
        assert_eq!(p.grants("ec2:CreateNetworkInterface"), Grant::No);
        assert!(matches!(p.grants("logs:PutLogEvents"), Grant::Unknown(_)));
    }

    #[test]
    fn an_attachment_that_may_not_exist_changes_only_its_own_role() {
        let mut m = model(PolicySource::Unknown(Reason::new("a data source")));
        m.policy_attachments[0].if_exists = Some(RoleId(1));
        let p = role_permissions(&m, RoleId(0));
        assert_eq!(p.incomplete, None);
        assert_eq!(p.grants("ec2:CreateNetworkInterface"), Grant::No);
        m.policy_attachments[0].if_exists = Some(RoleId(0));
        let p = role_permissions(&m, RoleId(0));
        assert!(matches!(
            p.grants("ec2:CreateNetworkInterface"),
            Grant::Unknown(_)
        ));
    }

    #[test]
    fn an_unknown_policy_on_an_unknown_role_may_change_anything() {
        let m = model(PolicySource::Unknown(Reason::new("a data source")));
        let p = role_permissions(&m, RoleId(0));
        assert!(!p.bounded);
        assert!(matches!(
            p.grants("ec2:CreateNetworkInterface"),
            Grant::Unknown(_)
        ));
    }

    #[test]
    fn an_unresolved_item_without_its_attachment_may_change_anything() {
        let mut m = model(arn(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ));
        m.unresolved[0].span = span(20);
        let p = role_permissions(&m, RoleId(0));
        assert!(!p.bounded);
        assert!(matches!(
            p.grants("ec2:CreateNetworkInterface"),
            Grant::Unknown(_)
        ));
    }
}
