//! IAM roles, inline and managed policies, `AWS::IAM::Policy` attachments, and policy documents
//! as model statements.

use super::super::intrinsics::Ev;
use super::{Lower, ROLE};
use crate::model::*;
use crate::source::Span;
use crate::syntax::Node;

use super::super::template::full_span;

impl<'a> Lower<'_, '_, 'a> {
    pub(super) fn lower_iam(&mut self) {
        // Managed policies first: roles refer to them in `ManagedPolicyArns`.
        let standalone = self.of_type(&[
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Policy",
            "AWS::IAM::RolePolicy",
        ]);
        let mut documents = Vec::new();
        for r in &standalone {
            let meta = self.meta(r);
            let pid = match r.prop("PolicyDocument") {
                Some(doc) => self.policy(meta, doc),
                None => self.push_policy(meta, Value::unknown("no `PolicyDocument`")),
            };
            if r.kind == "AWS::IAM::ManagedPolicy" {
                self.index.managed_policies.insert(r.id.to_string(), pid);
            }
            documents.push(pid);
        }
        for r in self.of_type(&["AWS::IAM::Role"]) {
            let mut policies = Vec::new();
            if let Some(node) = r.prop("ManagedPolicyArns") {
                match self.ev.list(node) {
                    Value::Known(items) => {
                        for item in items {
                            let policy = self.policy_by_arn(&item.value, item.span);
                            policies.push(PolicyRef {
                                span: item.span,
                                policy,
                            });
                        }
                    }
                    Value::Unknown(why) => policies.push(PolicyRef {
                        span: full_span(node),
                        policy: PolicySource::Unknown(why),
                    }),
                }
            }
            if let Some(node) = r.prop("Policies") {
                let role_name = self.meta(&r).name;
                policies.extend(self.inline_policies(&role_name, r.kind, node));
            }
            let meta = self.meta(&r);
            self.model.roles.push(Role {
                meta,
                policies,
                exposed: None,
            });
        }
        // SAM's implicit roles come after the template's roles (their ids were indexed so).
        for r in self.implicit_role_functions() {
            let role = self.implicit_role(&r);
            self.model.roles.push(role);
        }
        // `Roles` of AWS::IAM::Policy / ManagedPolicy attach the document to each role;
        // `RoleName` of AWS::IAM::RolePolicy to one.
        for (r, pid) in standalone.iter().zip(documents) {
            // AWS::IAM::RolePolicy names one role.
            if let Some((role, span)) = self.prop(r, "RoleName") {
                let role = self.resolve(&role, &self.index.roles, ROLE);
                self.attach(role, span, PolicySource::Document(pid));
                continue;
            }
            let Some(node) = r.prop("Roles") else {
                continue;
            };
            match self.ev.list(node) {
                Value::Known(items) => {
                    for item in items {
                        let role = self.resolve(&item.value, &self.index.roles, ROLE);
                        self.attach(role, item.span, PolicySource::Document(pid));
                    }
                }
                Value::Unknown(why) => self.attach(
                    Value::Unknown(why),
                    full_span(node),
                    PolicySource::Document(pid),
                ),
            }
        }
    }

    /// Attaches a policy to a role; an unknown role is kept as an attachment and as unresolved
    /// (the policy may apply to any role).
    pub(super) fn attach(&mut self, role: Value<RoleId>, span: Span, policy: PolicySource) {
        match role {
            Value::Known(id) => {
                if let Some(role) = self.model.roles.get_mut(id.index()) {
                    role.policies.push(PolicyRef { span, policy });
                }
            }
            Value::Unknown(why) => {
                self.model.unresolved.push(Unresolved {
                    what: UnresolvedKind::Iam,
                    reason: Reason::new(format!("policy attached to an unknown role: {why}")),
                    span,
                });
                self.model.policy_attachments.push(PolicyAttachment {
                    span,
                    role: Value::Unknown(why),
                    policy,
                });
            }
        }
    }

    /// A `ManagedPolicyArns` entry: an ARN (possibly with unknown parts) or a managed policy of
    /// this template.
    pub(super) fn policy_by_arn(&self, ev: &Ev<'_>, span: Span) -> PolicySource {
        if let Ev::Res(r) = ev {
            if let Some(pid) = self.index.managed_policies.get(&r.logical) {
                return PolicySource::Document(*pid);
            }
        }
        match ev.as_pattern() {
            Value::Known(p) if matches!(ev, Ev::Str(_) | Ev::Partial(_)) => {
                PolicySource::Arn(Attr::explicit(Value::Known(p), span))
            }
            Value::Known(_) => {
                PolicySource::Unknown(Reason::new("managed policy ARN is not known"))
            }
            Value::Unknown(why) => PolicySource::Unknown(why),
        }
    }

    /// `Policies` of an IAM role: `[{PolicyName, PolicyDocument}]`.
    fn inline_policies(&mut self, owner: &str, kind: &str, node: &'a Node) -> Vec<PolicyRef> {
        let items = match self.ev.list(node) {
            Value::Known(items) => items,
            Value::Unknown(why) => {
                return vec![PolicyRef {
                    span: full_span(node),
                    policy: PolicySource::Unknown(why),
                }]
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let Ev::Map(p) = item.value else {
                let why = item
                    .value
                    .as_string()
                    .reason()
                    .cloned()
                    .unwrap_or_else(|| Reason::new("not a policy"));
                out.push(PolicyRef {
                    span: item.span,
                    policy: PolicySource::Unknown(why),
                });
                continue;
            };
            let name = p
                .get("PolicyName")
                .map(|n| self.ev.ev(n))
                .and_then(|e| e.as_string().known().cloned())
                .unwrap_or_else(|| i.to_string());
            let meta = Meta {
                name: format!("{owner}/{name}"),
                kind: kind.to_string(),
                span: item.span,
            };
            let pid = match p.get("PolicyDocument") {
                Some(doc) => self.policy(meta, doc),
                None => self.push_policy(meta, Value::unknown("no `PolicyDocument`")),
            };
            out.push(PolicyRef {
                span: item.span,
                policy: PolicySource::Document(pid),
            });
        }
        out
    }

    pub(super) fn push_policy(
        &mut self,
        meta: Meta,
        statements: Value<Vec<Statement>>,
    ) -> PolicyId {
        self.model.policies.push(Policy { meta, statements });
        PolicyId((self.model.policies.len() - 1) as u32)
    }

    /// Lowers a policy document into a model policy.
    pub(super) fn policy(&mut self, meta: Meta, doc: &'a Node) -> PolicyId {
        let statements = self.statements(doc);
        self.push_policy(meta, statements)
    }

    fn statements(&self, doc: &'a Node) -> Value<Vec<Statement>> {
        let doc = match self.ev.ev(doc) {
            Ev::Map(m) => m,
            Ev::Str(_) => return Value::unknown("policy document written as a JSON string"),
            other => {
                return Value::Unknown(
                    other
                        .as_string()
                        .reason()
                        .cloned()
                        .unwrap_or_else(|| Reason::new("not a policy document")),
                )
            }
        };
        let Some(node) = doc.get("Statement") else {
            return Value::unknown("policy document without `Statement`");
        };
        let items = match self.ev.ev(node) {
            Ev::Map(_) => vec![node],
            _ => match self.ev.list(node) {
                Value::Known(items) => {
                    let mut nodes = Vec::new();
                    for item in items {
                        match item.value {
                            Ev::Map(m) => nodes.push(m),
                            other => {
                                let why = other.as_string().reason().cloned();
                                return Value::Unknown(why.unwrap_or_else(|| {
                                    Reason::new("a statement is not a mapping")
                                }));
                            }
                        }
                    }
                    nodes
                }
                Value::Unknown(why) => return Value::Unknown(why),
            },
        };
        Value::Known(items.into_iter().map(|s| self.statement(s)).collect())
    }

    fn statement(&self, st: &'a Node) -> Statement {
        let get = |k: &str| st.get(k).filter(|n| self.ev.ev(n) != Ev::NoValue);
        let strings = |node: &'a Node| -> Value<Vec<Item<String>>> {
            self.ev.one_or_many(node).map(|items| {
                items
                    .into_iter()
                    .map(|i| Item {
                        value: i.value.as_string(),
                        span: i.span,
                    })
                    .collect()
            })
        };
        let patterns = |node: &'a Node| -> Value<Vec<Item<Pattern>>> {
            self.ev.one_or_many(node).map(|items| {
                items
                    .into_iter()
                    .map(|i| Item {
                        value: resource_pattern(&i.value),
                        span: i.span,
                    })
                    .collect()
            })
        };
        let effect = match get("Effect").map(|n| self.ev.ev(n).as_string()) {
            Some(Value::Known(e)) if e == "Allow" => Value::Known(Effect::Allow),
            Some(Value::Known(e)) if e == "Deny" => Value::Known(Effect::Deny),
            Some(Value::Known(e)) => Value::unknown(format!("`{e}` is not an effect")),
            Some(Value::Unknown(why)) => Value::Unknown(why),
            None => Value::unknown("statement without `Effect`"),
        };
        let actions = match (get("Action"), get("NotAction")) {
            (Some(a), _) => ActionSet::Action(strings(a)),
            (None, Some(a)) => ActionSet::NotAction(strings(a)),
            (None, None) => ActionSet::Action(Value::unknown("statement without `Action`")),
        };
        let resources = match (get("Resource"), get("NotResource")) {
            (Some(r), _) => ResourceSet::Resource(patterns(r)),
            (None, Some(r)) => ResourceSet::NotResource(patterns(r)),
            (None, None) => ResourceSet::Absent,
        };
        Statement {
            span: full_span(st),
            sid: get("Sid").and_then(|n| self.ev.ev(n).as_string().known().cloned()),
            effect,
            actions,
            resources,
            condition: get("Condition").map(|c| self.conditions(c)),
        }
    }

    fn conditions(&self, node: &'a Node) -> Value<Vec<Condition>> {
        let Ev::Map(ops) = self.ev.ev(node) else {
            return Value::unknown("`Condition` is not a mapping");
        };
        let mut out = Vec::new();
        for (op, keys) in ops.entries() {
            let Ev::Map(keys) = self.ev.ev(keys) else {
                return Value::unknown(format!(
                    "condition operator `{}` is not followed by a mapping",
                    op.text
                ));
            };
            for (key, values) in keys.entries() {
                let items = match self.ev.one_or_many(values) {
                    Value::Known(items) => items,
                    Value::Unknown(why) => return Value::Unknown(why),
                };
                let mut function_refs = Vec::new();
                for f in items.iter().filter_map(|i| self.function_of_arn(&i.value)) {
                    if !function_refs.contains(&f) {
                        function_refs.push(f);
                    }
                }
                let values = items
                    .into_iter()
                    .map(|i| Item {
                        value: i.value.as_pattern(),
                        span: i.span,
                    })
                    .collect();
                out.push(Condition {
                    span: key.span,
                    operator: op.text.clone(),
                    key: key.text.clone(),
                    values,
                    function_refs,
                });
            }
        }
        Value::Known(out)
    }

    /// The function whose ARN a condition value refers to: `!GetAtt Fn.Arn`, `!Sub
    /// "${Fn.Arn}"`, or an ARN built around the function's name (`…:function:${Fn}`, as
    /// `!Sub` or CDK's `Fn::Join` write it). `!Ref Fn` alone is the function's name, not an
    /// ARN. ARN text without a reference is left to the analyses.
    fn function_of_arn(&self, ev: &Ev<'_>) -> Option<FunctionId> {
        let r = match ev {
            Ev::Res(r) if r.attr.as_deref() == Some("Arn") => r,
            Ev::Partial(p) => match p.refs.as_slice() {
                [r] if r.attr.as_deref() == Some("Arn") && p.text == "*" => r,
                [r] if r.attr.is_none() && is_function_arn_of_name(&p.text) => r,
                _ => return None,
            },
            _ => return None,
        };
        self.index.functions.get(&r.logical).copied()
    }
}

/// `arn:<partition>:lambda:<region>:<account>:function:*` where the last piece is the one
/// reference in the string: the unqualified ARN of the function named by it.
fn is_function_arn_of_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    matches!(
        parts.as_slice(),
        ["arn", _, "lambda", _, _, "function", "*"]
    )
}

/// A `Resource` entry: a resource's ARN (`!GetAtt Bucket.Arn`) is unknown text but not `*`.
fn resource_pattern(ev: &Ev<'_>) -> Value<Pattern> {
    match ev {
        Ev::Res(r) => Value::unknown(format!("the ARN of {}", r.describe())),
        other => other.as_pattern(),
    }
}
