//! IAM roles, policies (customer managed and inline) and their attachments: the Terraform
//! arguments, adapted to the shared lowering (`crate::lower::iam`).

use super::{uncertain_reason, Entity, Inst, Lowerer};
use crate::lower::iam::{attachable, policy, policy_list, policy_source, role_of};
use crate::model::*;

/// A policy argument (`policy`) as a model policy.
fn policy_arg(lw: &Lowerer<'_>, inst: &Inst<'_>, meta: Meta) -> Policy {
    let doc = lw.arg(inst, "policy").map(|(v, span)| lw.neutral(v, span));
    policy(meta, doc.as_ref())
}

pub(super) fn role(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Role(id)) = lw.id_of(inst) else {
        return;
    };
    let mut policies = Vec::new();
    match lw.ev.blocks(inst.res.body(), "inline_policy", &inst.scope) {
        Ok(blocks) => {
            for (i, (body, span, scope)) in blocks.into_iter().enumerate() {
                if let Some((v, vspan)) = lw.arg_in(body, &scope, "policy") {
                    let meta = Meta {
                        name: format!("{} inline_policy[{i}]", inst.address),
                        kind: "inline_policy".into(),
                        span,
                    };
                    let doc = lw.neutral(v, vspan);
                    let pid = PolicyId(lw.b.policies.push(policy(meta, Some(&doc))));
                    policies.push(PolicyRef {
                        span,
                        policy: PolicySource::Document(pid),
                    });
                }
            }
        }
        Err(r) => policies.push(PolicyRef {
            span: inst.span,
            policy: PolicySource::Unknown(r),
        }),
    }
    if let Some((v, span)) = lw.arg(inst, "managed_policy_arns") {
        policies.extend(policy_list(&lw.neutral(v, span)));
    }
    lw.b.roles.fill(
        id.0,
        Role {
            meta: inst.meta(),
            policies,
            exposed: None,
        },
    );
}

pub(super) fn policy_resource(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Policy(id)) = lw.id_of(inst) else {
        return;
    };
    let p = policy_arg(lw, inst, inst.meta());
    lw.b.policies.fill(id.0, p);
}

pub(super) fn role_policy(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let p = policy_arg(lw, inst, inst.meta());
    let pid = PolicyId(lw.b.policies.push(p));
    let role = role_arg(lw, inst, "role");
    lw.b.attach_if_exists(
        role,
        uncertain_reason(inst),
        inst.span,
        PolicySource::Document(pid),
    );
}

/// The role an attachment names. Whether the attachment exists (`count`/`for_each`) is the
/// caller's to pass to `attach_if_exists`.
fn role_arg(lw: &Lowerer<'_>, inst: &Inst<'_>, key: &str) -> Value<RoleId> {
    match lw.arg(inst, key) {
        Some((v, span)) => role_of(&lw.neutral(v, span).v),
        None => Value::unknown(format!("`{key}` is not set")),
    }
}

pub(super) fn attachment(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    match inst.res.kind {
        "aws_iam_role_policy_attachments_exclusive" => {
            let role = role_arg(lw, inst, "role_name");
            if let Some((v, span)) = lw.arg(inst, "policy_arns") {
                for p in policy_list(&lw.neutral(v, span)) {
                    lw.b.attach_if_exists(role.clone(), uncertain_reason(inst), p.span, p.policy);
                }
            }
        }
        kind => {
            let src = match lw.arg(inst, "policy_arn") {
                Some((v, span)) => policy_source(&lw.neutral(v, span)),
                None => PolicySource::Unknown(Reason::new("`policy_arn` is not set")),
            };
            let uncertain = uncertain_reason(inst);
            if kind == "aws_iam_role_policy_attachment" {
                let role = role_arg(lw, inst, "role");
                lw.b.attach_if_exists(role, uncertain, inst.span, src);
                return;
            }
            let Some((v, span)) = lw.arg(inst, "roles") else {
                return;
            };
            for (role, _) in attachable(&lw.neutral(v, span)) {
                lw.b.attach_if_exists(role, uncertain.clone(), inst.span, src.clone());
            }
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
        for (_, role) in lw.b.roles.iter_mut() {
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
