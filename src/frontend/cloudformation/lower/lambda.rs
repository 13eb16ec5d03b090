//! Lambda functions (plain and SAM), SAM's implicit roles and policies, Lambda Managed
//! Instances capacity providers, and event source mappings.

use super::super::intrinsics::Ev;
use super::super::sam;
use super::super::template::{full_span, Resource};
use super::{Lower, SAM_FUNCTION};
use crate::lower::lambda::{
    self as shared, Block, CapacityProviderView, EnvView, FunctionView, RoleView, VpcView,
};
use crate::lower::value::Spanned;
use crate::model::*;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// The logical id SAM gives a function's implicit role.
pub(super) fn implicit_role_name(function: &str) -> String {
    format!("{function}Role")
}

pub(super) const CAPACITY_PROVIDER_TYPES: &[&str] = &[
    "AWS::Lambda::CapacityProvider",
    "AWS::Serverless::CapacityProvider",
];

impl<'a> Lower<'_, '_, 'a> {
    pub(super) fn lower_functions(&mut self) {
        for r in self.of_type(CAPACITY_PROVIDER_TYPES) {
            let Some(id) = self.index.capacity_providers.get(r.id).copied() else {
                continue;
            };
            let p = shared::capacity_provider(CapacityProviderView {
                meta: self.meta(&r),
                span: r.key_span,
                vpc_config: self.vpc_block(&r),
            });
            self.b.capacity_providers.fill(id.0, p);
        }
        for r in self.of_type(&[super::LAMBDA_FUNCTION, SAM_FUNCTION]) {
            let Some(id) = self.index.functions.get(r.id).copied() else {
                continue;
            };
            let f = shared::function(self.function(&r));
            self.b.functions.fill(id.0, f);
        }
        self.lower_event_source_mappings();
    }

    /// `VpcConfig` of a function or capacity provider (same `SubnetIds`, `SecurityGroupIds`).
    fn vpc_block(&self, r: &Resource<'a>) -> Block<VpcView> {
        let Some((ev, span)) = self.prop(r, "VpcConfig") else {
            return Block::Absent;
        };
        let Ev::Map(node) = ev else {
            let why = ev
                .as_string()
                .reason()
                .cloned()
                .unwrap_or_else(|| Reason::new("`VpcConfig` is not a mapping"));
            return match r.prop("VpcConfig") {
                Some(n) if self.may_be_no_value(n) => Block::Maybe(why, span),
                _ => Block::Unreadable(why, span),
            };
        };
        let get = |k: &str| {
            node.get(k).and_then(|n| match self.ev.ev(n) {
                Ev::NoValue => None,
                ev => Some(self.neutral(ev, full_span(n))),
            })
        };
        Block::Present(VpcView {
            span,
            subnets: get("SubnetIds"),
            security_groups: get("SecurityGroupIds"),
            ipv6_dual_stack: get("Ipv6AllowedForDualStack"),
        })
    }

    /// An `Fn::If` one of whose branches is `AWS::NoValue`: on an unknown condition the
    /// property may be absent.
    fn may_be_no_value(&self, node: &'a Node) -> bool {
        let args = match (&node.tag, &node.kind) {
            (Some((tag, _)), NodeKind::Seq(items)) if tag == "!If" => items.as_slice(),
            (None, NodeKind::Map(entries)) => match entries.as_slice() {
                [(k, v)] if k.text == "Fn::If" => v.items(),
                _ => return false,
            },
            _ => return false,
        };
        match args {
            [_, a, b] => self.ev.ev(a) == Ev::NoValue || self.ev.ev(b) == Ev::NoValue,
            _ => false,
        }
    }

    /// The capacity provider a function runs on: `CapacityProviderConfig.
    /// LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn`, or SAM's
    /// `CapacityProviderConfig.Arn`.
    fn capacity_provider(&self, r: &Resource<'a>) -> Block<Spanned> {
        let Some((config, span)) = self.prop(r, "CapacityProviderConfig") else {
            return Block::Absent;
        };
        let Ev::Map(config) = config else {
            let why = config
                .as_string()
                .reason()
                .cloned()
                .unwrap_or_else(|| Reason::new("`CapacityProviderConfig` is not a mapping"));
            return Block::Unreadable(why, span);
        };
        let arn = if r.kind == SAM_FUNCTION {
            config.get("Arn")
        } else {
            match config
                .get("LambdaManagedInstancesCapacityProviderConfig")
                .map(|n| self.ev.ev(n))
            {
                Some(Ev::Map(inner)) => inner.get("CapacityProviderArn"),
                _ => None,
            }
        };
        match arn.map(|n| (self.ev.ev(n), full_span(n))) {
            Some((ev, s)) if ev != Ev::NoValue => Block::Present(self.neutral(ev, s)),
            _ => Block::Unreadable(
                Reason::new("no capacity provider ARN in `CapacityProviderConfig`"),
                span,
            ),
        }
    }

    fn function(&self, r: &Resource<'a>) -> FunctionView {
        let role = match self.neutral_prop(r, "Role") {
            Some(v) => RoleView::Given(v),
            None if r.kind == SAM_FUNCTION => RoleView::Implied(
                match self.index.roles.get(&implicit_role_name(r.id)) {
                    Some(id) => Value::Known(*id),
                    None => Value::unknown("SAM's implicit role is missing"),
                },
                r.key_span,
            ),
            None => RoleView::Missing(Reason::new("no `Role`"), r.key_span),
        };
        let mut polled = Vec::new();
        if r.kind == SAM_FUNCTION {
            self.sam_events(r, &mut polled);
        }
        let (environment, environment_complete) = self.environment(r);
        // Without `FunctionName`, CloudFormation makes one up from the stack's name.
        let deployed_name = self.neutral_prop(r, "FunctionName").ok_or_else(|| {
            (
                Reason::new("no `FunctionName`: CloudFormation generates the name"),
                r.key_span,
            )
        });
        FunctionView {
            meta: self.meta(r),
            deployed_name,
            role,
            vpc_config: self.vpc_block(r),
            environment,
            environment_complete,
            file_system: self.prop(r, "FileSystemConfigs").is_some(),
            capacity_provider: self.capacity_provider(r),
            polled_services: polled,
        }
    }

    /// The environment variables, and whether that list is complete.
    fn environment(&self, r: &Resource<'a>) -> (Vec<EnvView>, bool) {
        let env = match self.prop(r, "Environment") {
            None | Some((Ev::NoValue, _)) => return (Vec::new(), true),
            Some((Ev::Map(env), _)) => env,
            Some(_) => return (Vec::new(), false),
        };
        let vars = match env.get("Variables").map(|v| self.ev.ev(v)) {
            None | Some(Ev::NoValue) => return (Vec::new(), true),
            Some(Ev::Map(vars)) => vars,
            Some(_) => return (Vec::new(), false),
        };
        let list = vars
            .entries()
            .iter()
            .map(|(key, value)| EnvView {
                name: key.text.clone(),
                span: key.span,
                value: self.neutral(self.ev.ev(value), full_span(value)),
                written_service: None,
            })
            .collect();
        (list, true)
    }

    fn sam_events(&self, r: &Resource<'a>, polled: &mut Vec<String>) {
        let Some((Ev::Map(events), _)) = self.prop(r, "Events") else {
            return;
        };
        for (_, event) in events.entries() {
            let kind = event.get("Type").map(|t| self.ev.ev(t).as_string());
            if let Some(Value::Known(kind)) = kind {
                if let Some(service) = sam::polled_service_of_event(&kind) {
                    if !polled.iter().any(|s| s == service) {
                        polled.push(service.to_string());
                    }
                }
            }
        }
    }

    fn lower_event_source_mappings(&mut self) {
        for r in self.of_type(&["AWS::Lambda::EventSourceMapping"]) {
            let Some(function) = self.neutral_prop(&r, "FunctionName") else {
                continue;
            };
            let service = self
                .neutral_prop(&r, "EventSourceArn")
                .and_then(|v| shared::polled_service(&v.v))
                .or_else(|| {
                    r.prop("SelfManagedEventSource")
                        .is_some()
                        .then(|| "kafka".to_string())
                });
            self.b.add_polled(&function.v, service);
        }
    }

    /// The role SAM creates for a function without `Role`: AWSLambdaBasicExecutionRole, plus
    /// AWSLambdaVPCAccessExecutionRole when the function has a `VpcConfig`, plus `Policies`.
    pub(super) fn implicit_role(&mut self, r: &Resource<'a>) -> Role {
        let name = implicit_role_name(r.id);
        let implied = |arn: &str| PolicyRef {
            span: r.key_span,
            policy: PolicySource::Arn(Attr {
                value: Value::Known(Pattern {
                    text: sam::managed_policy_arn(arn),
                    exact: false,
                }),
                span: r.key_span,
                origin: Origin::Implied,
            }),
        };
        let mut policies = vec![implied("AWSLambdaBasicExecutionRole")];
        if self.prop(r, "VpcConfig").is_some() {
            policies.push(implied("AWSLambdaVPCAccessExecutionRole"));
        }
        if let Some(node) = r.prop("Policies") {
            policies.extend(self.sam_policies(&name, node));
        }
        Role {
            meta: Meta {
                name,
                kind: "AWS::IAM::Role".to_string(),
                span: r.key_span,
            },
            policies,
            exposed: None,
        }
    }

    /// SAM `Policies`: one item or a list of managed policy names, ARNs, inline documents and
    /// policy templates.
    fn sam_policies(&mut self, role: &str, node: &'a Node) -> Vec<PolicyRef> {
        let items = match self.ev.ev(node) {
            Ev::List(items) => items,
            Ev::NoValue => Vec::new(),
            single => vec![super::super::intrinsics::Item {
                value: single,
                span: full_span(node),
            }],
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let span = item.span;
            let policy = match item.value {
                Ev::Str(s) if s.starts_with("arn:") => {
                    PolicySource::Arn(Attr::explicit(Value::Known(Pattern::exact(s)), span))
                }
                Ev::Str(s) => PolicySource::Arn(Attr::explicit(
                    Value::Known(Pattern {
                        text: sam::managed_policy_arn(&s),
                        exact: false,
                    }),
                    span,
                )),
                Ev::Map(m) if m.get("Statement").is_some() => {
                    let meta = Meta {
                        name: format!("{role}/Policies[{i}]"),
                        kind: SAM_FUNCTION.to_string(),
                        span,
                    };
                    let doc = self.neutral(Ev::Map(m), span);
                    let p = crate::lower::iam::policy(meta, Some(&doc));
                    PolicySource::Document(PolicyId(self.b.policies.push(p)))
                }
                Ev::Map(m) => self.policy_template(role, m, span),
                other => self.policy_by_arn(other, span),
            };
            out.push(PolicyRef { span, policy });
        }
        out
    }

    /// A SAM policy template (`DynamoDBCrudPolicy: {TableName: …}`) as the policy it expands to.
    fn policy_template(&mut self, role: &str, m: &Node, span: Span) -> PolicySource {
        let [(key, _)] = m.entries() else {
            return PolicySource::Unknown(Reason::new(
                "a SAM policy template entry must have one key",
            ));
        };
        let Some(template) = sam::policy_templates().get(&key.text) else {
            return PolicySource::Unknown(Reason::new(format!(
                "unknown SAM policy template `{}`",
                key.text
            )));
        };
        let statements = template
            .statements
            .iter()
            .map(|st| Statement {
                span,
                sid: None,
                effect: Value::Known(Effect::Allow),
                actions: ActionSet::Action(Value::Known(
                    st.actions
                        .iter()
                        .map(|a| Item {
                            value: Value::Known(a.clone()),
                            span,
                        })
                        .collect(),
                )),
                resources: ResourceSet::Resource(Value::Known(
                    st.resources
                        .iter()
                        .map(|res| {
                            let (text, exact) = sam::placeholder_pattern(res);
                            Item {
                                value: Value::Known(Pattern { text, exact }),
                                span,
                            }
                        })
                        .collect(),
                )),
                condition: None,
            })
            .collect();
        let meta = Meta {
            name: format!("{role}/{}", key.text),
            kind: "SAM policy template".to_string(),
            span,
        };
        let p = Policy {
            meta,
            statements: Value::Known(statements),
        };
        PolicySource::Document(PolicyId(self.b.policies.push(p)))
    }
}
