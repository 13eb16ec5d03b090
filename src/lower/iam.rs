//! IAM, written once for every front end: policy documents into model statements, what a
//! policy ARN attaches, roles named by references, and attachments.
//!
//! Divergences between the front ends are decided here, each with its reason:
//! - a document without `Statement` is unknown ([`statements`]);
//! - a `Resource` that references a resource's ARN is the inexact pattern `*`
//!   ([`V::as_pattern`]);
//! - a policy given as JSON text is parsed, whichever language wrote it ([`document`]);
//! - a policy ARN that is a reference to something other than a policy of the unit is an
//!   unknown policy ([`policy_source`]).

use super::value::{expect, RefAttr, Spanned, HOLE, V};
use super::Builder;
use crate::model::*;
use crate::source::Span;

/// A policy value as a JSON-like map: structure (a CloudFormation mapping, `jsonencode`, a
/// policy-document data source) or JSON text. Text is parsed on both sides: CloudFormation
/// accepts a `PolicyDocument` written as a JSON string just as Terraform takes `policy` as one.
fn document(v: &Spanned) -> Result<Spanned, Reason> {
    let parsed = match &v.v {
        V::Str(s) => super::value::from_json_text(s, v.span, None),
        V::Partial { text, reason, .. } => {
            match super::value::from_json_text(text, v.span, Some(reason)) {
                Spanned {
                    v: V::Unknown(_), ..
                } => return Err(reason.clone()),
                ok => ok,
            }
        }
        _ => v.clone(),
    };
    match parsed.v {
        V::Map(_) => Ok(parsed),
        other => Err(other.reason_or(|| "the policy is not a JSON object".into())),
    }
}

/// The statements of a policy document.
pub fn statements(v: &Spanned) -> Value<Vec<Statement>> {
    let doc = match document(v) {
        Ok(d) => d,
        Err(r) => return Value::Unknown(r),
    };
    // IAM refuses a document without `Statement` ("Syntax errors in policy"), so the deployed
    // role cannot hold what the file says: unknown, not an empty policy that would prove the
    // role lacks every action.
    let Some(st) = doc.get("Statement") else {
        return Value::unknown("policy document without `Statement`");
    };
    let items: Vec<&Spanned> = match &st.v {
        V::List(items) => items.iter().collect(),
        V::Map(_) => vec![st],
        other => return Value::Unknown(other.reason_or(|| "`Statement` is not a list".into())),
    };
    let out = items
        .into_iter()
        .map(|it| match &it.v {
            V::Map(_) => statement(it),
            // One statement that cannot be read (a variable, a conditional) is one statement
            // of unknown effect, actions and resources: the others still count (issue 14).
            other => unknown_statement(
                other.reason_or(|| "a statement is not an object".into()),
                it.span,
            ),
        })
        .collect();
    Value::Known(out)
}

/// A statement of which nothing is known.
fn unknown_statement(why: Reason, span: Span) -> Statement {
    Statement {
        span,
        sid: None,
        effect: Value::Unknown(why.clone()),
        actions: ActionSet::Action(Value::Unknown(why.clone())),
        resources: ResourceSet::Resource(Value::Unknown(why.clone())),
        condition: Some(Value::Unknown(why)),
    }
}

fn statement(st: &Spanned) -> Statement {
    let effect = match st.get("Effect").map(|e| &e.v) {
        Some(V::Str(s)) if s == "Allow" => Value::Known(Effect::Allow),
        Some(V::Str(s)) if s == "Deny" => Value::Known(Effect::Deny),
        Some(V::Str(s)) => Value::unknown(format!("`{s}` is not an effect")),
        Some(other) => Value::Unknown(other.reason_or(|| "`Effect` is not a string".into())),
        None => Value::unknown("statement without `Effect`"),
    };
    let actions = match (st.get("Action"), st.get("NotAction")) {
        (Some(a), _) => ActionSet::Action(strings(a)),
        (None, Some(a)) => ActionSet::NotAction(strings(a)),
        (None, None) => {
            ActionSet::Action(Value::unknown("statement has neither Action nor NotAction"))
        }
    };
    let resources = match (st.get("Resource"), st.get("NotResource")) {
        (Some(r), _) => ResourceSet::Resource(patterns(r)),
        (None, Some(r)) => ResourceSet::NotResource(patterns(r)),
        (None, None) => ResourceSet::Absent,
    };
    Statement {
        span: st.span,
        sid: st.get("Sid").and_then(|s| s.v.as_str().known().cloned()),
        effect,
        actions,
        resources,
        condition: st.get("Condition").map(conditions),
    }
}

/// A string or a list of strings (IAM accepts both), each entry with its span.
fn entries(v: &Spanned) -> Result<Vec<&Spanned>, Reason> {
    match &v.v {
        V::List(items) => Ok(items.iter().collect()),
        V::Str(_) | V::Partial { .. } | V::Ref(_) | V::Num(_) | V::Bool(_) => Ok(vec![v]),
        other => {
            Err(other.reason_or(|| format!("a {} where strings are expected", other.type_name())))
        }
    }
}

fn strings(v: &Spanned) -> Value<Vec<Item<String>>> {
    items_of(v, |v| v.as_str())
}

fn patterns(v: &Spanned) -> Value<Vec<Item<Pattern>>> {
    items_of(v, |v| v.as_pattern())
}

/// The entries of a string-or-list value, each read with `read` and kept with its span.
fn items_of<T>(v: &Spanned, read: impl Fn(&V) -> Value<T>) -> Value<Vec<Item<T>>> {
    match entries(v) {
        Ok(items) => Value::Known(
            items
                .into_iter()
                .map(|i| Item {
                    value: read(&i.v),
                    span: i.span,
                })
                .collect(),
        ),
        Err(r) => Value::Unknown(r),
    }
}

fn conditions(v: &Spanned) -> Value<Vec<Condition>> {
    let V::Map(ops) = &v.v else {
        return Value::Unknown(v.v.reason_or(|| "`Condition` is not an object".into()));
    };
    let mut out = Vec::new();
    for op in ops {
        let V::Map(keys) = &op.value.v else {
            return Value::Unknown(op.value.v.reason_or(|| {
                format!(
                    "condition operator `{}` is not followed by an object",
                    op.key
                )
            }));
        };
        for key in keys {
            let items = match entries(&key.value) {
                Ok(items) => items,
                Err(r) => return Value::Unknown(r),
            };
            let mut function_refs = Vec::new();
            for f in items.iter().filter_map(|i| function_of_arn(&i.v)) {
                if !function_refs.contains(&f) {
                    function_refs.push(f);
                }
            }
            out.push(Condition {
                span: key.key_span,
                operator: op.key.clone(),
                key: key.key.clone(),
                values: items
                    .into_iter()
                    .map(|i| Item {
                        value: i.v.as_pattern(),
                        span: i.span,
                    })
                    .collect(),
                function_refs,
            });
        }
    }
    Value::Known(out)
}

/// The function whose ARN a condition value refers to: its ARN attribute (alone or as the
/// whole of a string), or an ARN built around its name (`…:function:${Fn}`, as `!Sub` or CDK's
/// `Fn::Join` write it). A function's name alone is not an ARN, and ARN text without a
/// reference is left to the analyses, which see it as a pattern.
pub fn function_of_arn(v: &V) -> Option<FunctionId> {
    let (r, whole_arn) = match v {
        V::Ref(r) => (r, true),
        V::Partial { text, refs, .. } => match refs.as_slice() {
            [r] if r.attr == RefAttr::Arn && text.chars().all(|c| c == HOLE) => (r, true),
            [r] if r.attr == RefAttr::Name && is_function_arn_of_name(text) => (r, false),
            _ => return None,
        },
        _ => return None,
    };
    if whole_arn && r.attr != RefAttr::Arn {
        return None;
    }
    match r.entity {
        Ok(Entity::Function(id)) => Some(id),
        _ => None,
    }
}

/// `arn:<partition>:lambda:<region>:<account>:function:<hole>`: the unqualified ARN of the
/// function named by the one reference in the string.
fn is_function_arn_of_name(text: &str) -> bool {
    let hole = HOLE.to_string();
    let parts: Vec<&str> = text.split(':').collect();
    matches!(
        parts.as_slice(),
        ["arn", _, "lambda", _, _, "function", last] if *last == hole
    )
}

/// What a policy ARN value attaches: a policy document of the unit, an ARN (with unknown parts
/// as `*`, e.g. `arn:${AWS::Partition}:iam::aws:policy/…`), or an unknown policy.
///
/// A reference to anything but a policy of the unit (a data source, a resource of another
/// stack) is unknown rather than the pattern `*`: the reference says nothing about which
/// managed policy it is, and the reason is kept for the user.
pub fn policy_source(v: &Spanned) -> PolicySource {
    match &v.v {
        V::Ref(r) => match &r.entity {
            Ok(Entity::Policy(p)) => PolicySource::Document(*p),
            Ok(_) => PolicySource::Unknown(Reason::new(format!("{} is not a policy", r.shown))),
            Err(why) => PolicySource::Unknown(why.clone()),
        },
        V::Str(_) | V::Partial { .. } => {
            PolicySource::Arn(Attr::explicit(v.v.as_pattern(), v.span))
        }
        other => PolicySource::Unknown(
            other.reason_or(|| format!("a {} where a policy ARN is expected", other.type_name())),
        ),
    }
}

/// A list of policy ARNs (`managed_policy_arns`, `ManagedPolicyArns`, `policy_arns`), each
/// attached at its own entry; an unknown list is one unknown policy at the list.
pub fn policy_list(v: &Spanned) -> Vec<PolicyRef> {
    match &v.v {
        V::List(items) => items
            .iter()
            .map(|it| PolicyRef {
                span: it.span,
                policy: policy_source(it),
            })
            .collect(),
        other => vec![PolicyRef {
            span: v.span,
            policy: PolicySource::Unknown(
                other.reason_or(|| "the policy ARNs are not a list".into()),
            ),
        }],
    }
}

/// A role reference (`role`, `RoleName`, an entry of `Roles`).
pub fn role_of(v: &V) -> Value<RoleId> {
    expect(v, "role", |e| match e {
        Entity::Role(id) => Some(id),
        _ => None,
    })
}

/// The roles of a list (`roles`, `Roles`) a policy is attached to, each with its entry's span.
/// An unknown list is one unknown role.
pub fn attachable(v: &Spanned) -> Vec<(Value<RoleId>, Span)> {
    match &v.v {
        V::List(items) => items.iter().map(|it| (role_of(&it.v), it.span)).collect(),
        other => vec![(
            Value::Unknown(other.reason_or(|| "the roles are not a list".into())),
            v.span,
        )],
    }
}

/// A policy document of the unit; `None` when the resource gives no document.
pub fn policy(meta: Meta, doc: Option<&Spanned>) -> Policy {
    Policy {
        meta,
        statements: match doc {
            Some(d) => statements(d),
            None => Value::unknown("no policy document"),
        },
    }
}

impl Builder {
    /// Attaches a policy to a role. An unknown role is kept as an attachment (the analyses
    /// see that some role gets it) and as an unresolved IAM item.
    pub fn attach(&mut self, role: Value<RoleId>, span: Span, policy: PolicySource) {
        match role {
            Value::Known(id) => {
                if let Some(role) = self.roles.get_mut(id.0) {
                    role.policies.push(PolicyRef { span, policy });
                }
            }
            Value::Unknown(why) => {
                self.unresolved.push(Unresolved {
                    what: UnresolvedKind::Iam,
                    reason: Reason::new(format!("policy attached to an unknown role: {why}")),
                    span,
                });
                self.attachments.push(PolicyAttachment {
                    span,
                    role: Value::Unknown(why),
                    policy,
                    if_exists: None,
                });
            }
        }
    }

    /// Attaches a policy through a resource whose existence may be unknown (`uncertain`): then
    /// the attachment is kept with an unknown role, and the role it names if it exists.
    pub fn attach_if_exists(
        &mut self,
        role: Value<RoleId>,
        uncertain: Option<Reason>,
        span: Span,
        policy: PolicySource,
    ) {
        let Some(why) = uncertain else {
            return self.attach(role, span, policy);
        };
        self.unresolved.push(Unresolved {
            what: UnresolvedKind::Iam,
            reason: Reason::new(format!("policy attached to an unknown role: {why}")),
            span,
        });
        self.attachments.push(PolicyAttachment {
            span,
            if_exists: role.known().copied(),
            role: Value::Unknown(why),
            policy,
        });
    }

    /// A role that leaves the unit: policies may be attached to it by code the run cannot see.
    pub fn expose(&mut self, role: RoleId, why: impl FnOnce(&Role) -> Reason) {
        if let Some(r) = self.roles.get_mut(role.0) {
            if r.exposed.is_none() {
                r.exposed = Some(why(r));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::value::Entry;
    use crate::source::FileId;

    fn sp() -> Span {
        Span {
            file: FileId(0),
            start: 0,
            end: 1,
        }
    }

    fn map(entries: Vec<(&str, V)>) -> Spanned {
        Spanned::new(
            V::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Entry {
                        key: k.into(),
                        key_span: sp(),
                        value: Spanned::new(v, sp()),
                    })
                    .collect(),
            ),
            sp(),
        )
    }

    #[test]
    fn an_unreadable_statement_leaves_the_others() {
        let allow = map(vec![
            ("Effect", V::Str("Allow".into())),
            ("Action", V::Str("ec2:CreateNetworkInterface".into())),
            ("Resource", V::Str("*".into())),
        ]);
        let unknown = Spanned::unknown(Reason::new("variable `extra` has no value"), sp());
        let doc = map(vec![("Statement", V::List(vec![allow, unknown]))]);
        let Value::Known(sts) = statements(&doc) else {
            panic!("document unknown")
        };
        assert_eq!(sts.len(), 2);
        assert_eq!(sts[0].effect, Value::Known(Effect::Allow));
        assert!(!sts[1].effect.is_known());
        assert!(matches!(
            sts[1].actions,
            ActionSet::Action(Value::Unknown(_))
        ));
    }

    #[test]
    fn no_statement_is_unknown_and_json_text_is_read() {
        let doc = map(vec![("Version", V::Str("2012-10-17".into()))]);
        assert!(!statements(&doc).is_known());
        let text = r#"{"Statement": {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}}"#;
        let Value::Known(sts) = statements(&Spanned::new(V::Str(text.into()), sp())) else {
            panic!("JSON text not read")
        };
        assert_eq!(sts[0].effect, Value::Known(Effect::Deny));
    }
}
