//! IAM roles, policies (customer managed and inline) and their attachments.

use super::{uncertain_reason, Entity, Inst, Lowerer};
use crate::frontend::terraform::eval::{Item as VItem, Val};
use crate::frontend::terraform::policy_document::{pattern_of, statements};
use crate::model::*;
use crate::source::Span;

fn pick_role(e: Entity) -> Option<RoleId> {
    match e {
        Entity::Role(id) => Some(id),
        _ => None,
    }
}

/// The function whose ARN a condition value refers to: `aws_lambda_function.x.arn` or
/// `.qualified_arn` (a version's ARN, still that function). Its name (`function_name`) is not
/// an ARN, and ARN text is left to the analyses, which see it as a pattern.
fn function_of_arn(lw: &Lowerer<'_>, v: &Val) -> Option<FunctionId> {
    let Val::Ref(r) = v else {
        return None;
    };
    let is_arn = matches!(r.attr.as_deref(), Some("arn" | "qualified_arn"));
    if r.kind != "aws_lambda_function" || !is_arn {
        return None;
    }
    match lw.entity_of(v) {
        Ok(Entity::Function(id)) => Some(id),
        _ => None,
    }
}

/// A policy value's statements, with function references in conditions resolved.
fn lower_statements(lw: &Lowerer<'_>, v: Val, span: Span) -> Value<Vec<Statement>> {
    statements(v, span, &|x: &Val| function_of_arn(lw, x))
}

pub(super) fn role(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let id = RoleId(lw.model.roles.len() as u32);
    let mut policies = Vec::new();
    match lw.ev.blocks(inst.res.body(), "inline_policy", &inst.scope) {
        Ok(blocks) => {
            for (i, (body, span, scope)) in blocks.into_iter().enumerate() {
                if let Some((v, vspan)) = lw.arg_in(body, &scope, "policy") {
                    let name = format!("{} inline_policy[{i}]", inst.address);
                    lw.pending_inline.push((id, name, span, v, vspan));
                }
            }
        }
        Err(r) => policies.push(PolicyRef {
            span: inst.span,
            policy: PolicySource::Unknown(r),
        }),
    }
    if let Some((v, span)) = lw.arg(inst, "managed_policy_arns") {
        match v {
            Val::List(items) => policies.extend(items.into_iter().map(|it| PolicyRef {
                span: it.span,
                policy: policy_source(lw, &it),
            })),
            other => policies.push(PolicyRef {
                span,
                policy: PolicySource::Unknown(
                    other
                        .unknown_reason()
                        .unwrap_or_else(|| Reason::new("`managed_policy_arns` is not a list")),
                ),
            }),
        }
    }
    lw.model.roles.push(Role {
        meta: inst.meta(),
        policies,
        exposed: None,
    });
}

/// What a policy ARN value attaches: a policy of this configuration, or an ARN pattern.
fn policy_source(lw: &Lowerer<'_>, it: &VItem) -> PolicySource {
    if let Ok(Entity::Policy(p)) = lw.entity_of(&it.val) {
        return PolicySource::Document(p);
    }
    PolicySource::Arn(Attr::explicit(pattern_of(&it.val), it.span))
}

pub(super) fn policy(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let statements = match lw.arg(inst, "policy") {
        Some((v, span)) => lower_statements(lw, v, span),
        None => Value::unknown("`policy` is not set"),
    };
    lw.model.policies.push(Policy {
        meta: inst.meta(),
        statements,
    });
}

pub(super) fn role_policy(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let statements = match lw.arg(inst, "policy") {
        Some((v, span)) => lower_statements(lw, v, span),
        None => Value::unknown("`policy` is not set"),
    };
    let pid = PolicyId(lw.model.policies.len() as u32);
    lw.model.policies.push(Policy {
        meta: inst.meta(),
        statements,
    });
    let role = role_arg(lw, inst, "role");
    attach(lw, role, PolicySource::Document(pid), inst.span);
}

fn role_arg(lw: &Lowerer<'_>, inst: &Inst<'_>, key: &str) -> Value<RoleId> {
    if let Some(r) = uncertain_reason(inst) {
        return Value::Unknown(r);
    }
    match lw.arg(inst, key) {
        Some((v, _)) => lw.resolve(&v, "role", pick_role),
        None => Value::unknown(format!("`{key}` is not set")),
    }
}

/// Attaches a policy to a known role, or records an attachment to an unknown one.
fn attach(lw: &mut Lowerer<'_>, role: Value<RoleId>, policy: PolicySource, span: Span) {
    match role {
        Value::Known(r) => {
            if let Some(role) = lw.model.roles.get_mut(r.index()) {
                role.policies.push(PolicyRef { span, policy });
            }
        }
        Value::Unknown(reason) => {
            lw.push_unresolved(UnresolvedKind::Iam, reason.clone(), span);
            lw.model.policy_attachments.push(PolicyAttachment {
                span,
                role: Value::Unknown(reason),
                policy,
            });
        }
    }
}

pub(super) fn attachment(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    match inst.res.kind {
        "aws_iam_role_policy_attachments_exclusive" => {
            let role = role_arg(lw, inst, "role_name");
            match lw.arg(inst, "policy_arns") {
                Some((Val::List(items), _)) => {
                    for it in items {
                        let src = policy_source(lw, &it);
                        attach(lw, role.clone(), src, it.span);
                    }
                }
                Some((other, span)) => {
                    let r = other
                        .unknown_reason()
                        .unwrap_or_else(|| Reason::new("`policy_arns` is not a list"));
                    attach(lw, role, PolicySource::Unknown(r), span);
                }
                None => {}
            }
        }
        kind => {
            let src = match lw.arg(inst, "policy_arn") {
                Some((v, span)) => policy_source(lw, &VItem { val: v, span }),
                None => PolicySource::Unknown(Reason::new("`policy_arn` is not set")),
            };
            if kind == "aws_iam_role_policy_attachment" {
                let role = role_arg(lw, inst, "role");
                attach(lw, role, src, inst.span);
                return;
            }
            let uncertain = uncertain_reason(inst);
            match lw.arg(inst, "roles") {
                Some((Val::List(items), _)) => {
                    for it in items {
                        let role = match &uncertain {
                            Some(r) => Value::Unknown(r.clone()),
                            None => lw.resolve(&it.val, "role", pick_role),
                        };
                        attach(lw, role, src.clone(), inst.span);
                    }
                }
                Some((other, _)) => {
                    let r = other
                        .unknown_reason()
                        .unwrap_or_else(|| Reason::new("`roles` is not a list"));
                    attach(lw, Value::Unknown(r), src, inst.span);
                }
                None => {}
            }
        }
    }
}

/// Inline policies of roles, created last so the declared policies keep their ids.
pub(super) fn add_inline_policies(lw: &mut Lowerer<'_>) {
    for (role, name, span, v, vspan) in std::mem::take(&mut lw.pending_inline) {
        let pid = PolicyId(lw.model.policies.len() as u32);
        lw.model.policies.push(Policy {
            meta: Meta {
                name,
                kind: "inline_policy".into(),
                span,
            },
            statements: lower_statements(lw, v, vspan),
        });
        if let Some(r) = lw.model.roles.get_mut(role.index()) {
            r.policies.push(PolicyRef {
                span,
                policy: PolicySource::Document(pid),
            });
        }
    }
}

/// Roles referenced by an `output` leave the module: its callers may attach policies to them
/// (`role_name` outputs exist for exactly that), so their permissions are a lower bound only.
pub(super) fn mark_exposed_roles(lw: &mut Lowerer<'_>) {
    for (name, block) in &lw.ev.decls.outputs {
        let Some(value) = block.body.get_attribute("value") else {
            continue;
        };
        let text = value.value.to_string();
        for role in lw.model.roles.iter_mut() {
            // `aws_iam_role.main` or an instance of it (`aws_iam_role.main[0]`).
            let base = role.meta.name.split('[').next().unwrap_or_default();
            let mentioned = text.match_indices(base).any(|(at, _)| {
                let after = text[at + base.len()..].chars().next();
                let before = text[..at].chars().next_back();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            });
            if mentioned && role.exposed.is_none() {
                role.exposed = Some(Reason::new(format!(
                    "role `{}` is exposed through output `{name}`, so the module's callers may attach policies to it",
                    role.meta.name
                )));
            }
        }
    }
}
