//! IAM roles, inline and managed policies, `AWS::IAM::Policy` attachments: the CloudFormation
//! properties, adapted to the shared lowering (`crate::lower::iam`).

use super::super::intrinsics::Ev;
use super::Lower;
use crate::lower::iam::{attachable, policy, policy_list, policy_source, role_of};
use crate::lower::value::{Spanned, V};
use crate::model::*;

/// Standalone policy resources: each has a document, and attaches it to roles.
pub(super) const POLICY_TYPES: &[&str] = &[
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
];

impl<'a> Lower<'_, '_, 'a> {
    pub(super) fn lower_iam(&mut self) {
        let standalone = self.of_type(POLICY_TYPES);
        for r in &standalone {
            let Some(pid) = self.index.documents.get(r.id).copied() else {
                continue;
            };
            let doc = self.neutral_prop(r, "PolicyDocument");
            let p = policy(self.meta(r), doc.as_ref());
            self.b.policies.fill(pid.0, p);
        }
        for r in self.of_type(&["AWS::IAM::Role"]) {
            let Some(id) = self.index.roles.get(r.id).copied() else {
                continue;
            };
            let mut policies = Vec::new();
            if let Some(arns) = self.neutral_prop(&r, "ManagedPolicyArns") {
                policies.extend(policy_list(&arns));
            }
            if let Some(inline) = self.neutral_prop(&r, "Policies") {
                let role_name = self.meta(&r).name;
                policies.extend(self.inline_policies(&role_name, r.kind, &inline));
            }
            let meta = self.meta(&r);
            self.b.roles.fill(
                id.0,
                Role {
                    meta,
                    policies,
                    exposed: None,
                },
            );
        }
        for r in self.implicit_role_functions() {
            let name = super::lambda::implicit_role_name(r.id);
            let Some(id) = self.index.roles.get(&name).copied() else {
                continue;
            };
            let role = self.implicit_role(&r);
            self.b.roles.fill(id.0, role);
        }
        // `Roles` of AWS::IAM::Policy / ManagedPolicy attach the document to each role;
        // `RoleName` of AWS::IAM::RolePolicy to one.
        for r in &standalone {
            let Some(pid) = self.index.documents.get(r.id).copied() else {
                continue;
            };
            let uncertain = self.uncertain(r);
            if let Some(role) = self.neutral_prop(r, "RoleName") {
                let doc = PolicySource::Document(pid);
                self.b
                    .attach_if_exists(role_of(&role.v), uncertain, role.span, doc);
                continue;
            }
            let Some(roles) = self.neutral_prop(r, "Roles") else {
                continue;
            };
            for (role, span) in attachable(&roles) {
                let doc = PolicySource::Document(pid);
                self.b.attach_if_exists(role, uncertain.clone(), span, doc);
            }
        }
    }

    /// Why a resource may not exist: its `Condition` cannot be decided. (The evaluator keeps
    /// such resources; an attachment that may not exist is the shared lowering's to judge.)
    fn uncertain(&self, r: &super::super::template::Resource<'a>) -> Option<Reason> {
        let c = r.condition?;
        match self.ev.condition(c) {
            Value::Unknown(why) => Some(Reason::new(format!(
                "whether `{}` exists is unknown: {why}",
                r.id
            ))),
            Value::Known(_) => None,
        }
    }

    /// A `ManagedPolicyArns`-like entry: an ARN (possibly with unknown parts) or a managed
    /// policy of this template.
    pub(super) fn policy_by_arn(&self, ev: Ev<'a>, span: crate::source::Span) -> PolicySource {
        policy_source(&self.neutral(ev, span))
    }

    /// `Policies` of an IAM role: `[{PolicyName, PolicyDocument}]`.
    fn inline_policies(&mut self, owner: &str, kind: &str, v: &Spanned) -> Vec<PolicyRef> {
        let V::List(items) = &v.v else {
            return vec![PolicyRef {
                span: v.span,
                policy: PolicySource::Unknown(v.v.reason_or(|| "`Policies` is not a list".into())),
            }];
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if !matches!(item.v, V::Map(_)) {
                out.push(PolicyRef {
                    span: item.span,
                    policy: PolicySource::Unknown(item.v.reason_or(|| "not a policy".into())),
                });
                continue;
            }
            let name = item
                .get("PolicyName")
                .and_then(|n| n.v.as_str().known().cloned())
                .unwrap_or_else(|| i.to_string());
            let meta = Meta {
                name: format!("{owner}/{name}"),
                kind: kind.to_string(),
                span: item.span,
            };
            let pid = PolicyId(
                self.b
                    .policies
                    .push(policy(meta, item.get("PolicyDocument"))),
            );
            out.push(PolicyRef {
                span: item.span,
                policy: PolicySource::Document(pid),
            });
        }
        out
    }
}
