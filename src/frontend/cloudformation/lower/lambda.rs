//! Lambda functions (plain and SAM), SAM's implicit roles and policies, Lambda Managed
//! Instances capacity providers, and event source mappings.

use std::collections::HashMap;

use super::super::intrinsics::Ev;
use super::super::sam;
use super::super::template::{full_span, Resource};
use super::{Kind, Lower, FUNCTION, LAMBDA_FUNCTION, ROLE, SAM_FUNCTION, SECURITY_GROUP, SUBNET};
use crate::model::services::service_of_resource_type;
use crate::model::*;
use crate::source::Span;
use crate::syntax::Node;

/// The logical id SAM gives a function's implicit role.
pub(super) fn implicit_role_name(function: &str) -> String {
    format!("{function}Role")
}

const CAPACITY_PROVIDER_TYPES: &[&str] = &[
    "AWS::Lambda::CapacityProvider",
    "AWS::Serverless::CapacityProvider",
];

const CAPACITY_PROVIDER: Kind = Kind {
    what: "capacity provider",
    prefixes: &["arn:"],
    literal: "ARN",
    id_attrs: &["Arn"],
};

/// Capacity providers by logical id.
type Providers = HashMap<String, CapacityProviderId>;

/// The service a polled event source belongs to, from the referenced resource's type.
fn polled_service_of_type(kind: &str) -> Option<&'static str> {
    match kind {
        "AWS::MSK::Cluster" | "AWS::MSK::ServerlessCluster" => Some("kafka"),
        "AWS::AmazonMQ::Broker" => Some("mq"),
        other => service_of_resource_type(other),
    }
}

/// The service named in an ARN (`arn:aws:sqs:…` → `sqs`), when that part is known.
fn service_of_arn(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let (Some("arn"), Some(_), Some(service)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    (!service.is_empty() && !service.contains('*')).then(|| service.to_string())
}

impl<'a> Lower<'_, '_, 'a> {
    pub(super) fn lower_functions(&mut self) {
        let providers = self.lower_capacity_providers();
        for r in self.of_type(&[LAMBDA_FUNCTION, SAM_FUNCTION]) {
            let function = self.function(&r, &providers);
            self.model.functions.push(function);
        }
        self.lower_event_source_mappings();
    }

    /// `AWS::Lambda::CapacityProvider` and SAM's `AWS::Serverless::CapacityProvider` (same
    /// `VpcConfig`: `SubnetIds`, `SecurityGroupIds`).
    fn lower_capacity_providers(&mut self) -> Providers {
        let mut ids = Providers::new();
        for r in self.of_type(CAPACITY_PROVIDER_TYPES) {
            let (span, subnets, security_groups) = match self.prop(&r, "VpcConfig") {
                Some((Ev::Map(node), span)) => {
                    let subnets = self
                        .list_attr(node.get("SubnetIds"), |e| {
                            self.resolve(e, &self.index.subnets, SUBNET)
                        })
                        .unwrap_or_else(|| Attr::explicit(Value::unknown("no `SubnetIds`"), span));
                    // SAM: "If not specified, the default security group for the VPC will be used."
                    let sgs = self
                        .list_attr(node.get("SecurityGroupIds"), |e| {
                            self.resolve(e, &self.index.security_groups, SECURITY_GROUP)
                        })
                        .unwrap_or_else(|| Attr {
                            value: Value::unknown(
                                "no `SecurityGroupIds`: the VPC's default security group",
                            ),
                            span,
                            origin: Origin::Default,
                        });
                    (span, subnets, sgs)
                }
                other => {
                    let (why, span) = match other {
                        Some((ev, span)) => (
                            ev.as_string()
                                .reason()
                                .cloned()
                                .unwrap_or_else(|| Reason::new("`VpcConfig` is not a mapping")),
                            span,
                        ),
                        None => (Reason::new("no `VpcConfig`"), r.key_span),
                    };
                    (
                        span,
                        Attr::explicit(Value::Unknown(why.clone()), span),
                        Attr::explicit(Value::Unknown(why), span),
                    )
                }
            };
            ids.insert(
                r.id.to_string(),
                CapacityProviderId(self.model.capacity_providers.len() as u32),
            );
            self.model.capacity_providers.push(CapacityProvider {
                meta: self.meta(&r),
                span,
                subnets,
                security_groups,
            });
        }
        ids
    }

    /// The capacity provider a function runs on: `CapacityProviderConfig.
    /// LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn`, or SAM's
    /// `CapacityProviderConfig.Arn`.
    fn capacity_provider(
        &self,
        r: &Resource<'a>,
        providers: &Providers,
    ) -> Option<Attr<CapacityProviderId>> {
        let (config, span) = self.prop(r, "CapacityProviderConfig")?;
        let Ev::Map(config) = config else {
            let why = config
                .as_string()
                .reason()
                .cloned()
                .unwrap_or_else(|| Reason::new("`CapacityProviderConfig` is not a mapping"));
            return Some(Attr::explicit(Value::Unknown(why), span));
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
        let Some(arn) = arn.filter(|n| self.ev.ev(n) != Ev::NoValue) else {
            return Some(Attr::explicit(
                Value::unknown("no capacity provider ARN in `CapacityProviderConfig`"),
                span,
            ));
        };
        let value = self.resolve(&self.ev.ev(arn), providers, CAPACITY_PROVIDER);
        Some(Attr::explicit(value, full_span(arn)))
    }

    fn function(&self, r: &Resource<'a>, providers: &Providers) -> Function {
        let role = match self.prop(r, "Role") {
            Some((ev, span)) => Attr::explicit(self.resolve(&ev, &self.index.roles, ROLE), span),
            None if r.kind == SAM_FUNCTION => Attr {
                value: match self.index.roles.get(&implicit_role_name(r.id)) {
                    Some(id) => Value::Known(*id),
                    None => Value::unknown("SAM's implicit role is missing"),
                },
                span: r.key_span,
                origin: Origin::Implied,
            },
            None => Attr::explicit(Value::unknown("no `Role`"), r.key_span),
        };
        let mut polled = Vec::new();
        if r.kind == SAM_FUNCTION {
            self.sam_events(r, &mut polled);
        }
        Function {
            meta: self.meta(r),
            vpc_config: self.vpc_config(r),
            role,
            environment: self.environment(r).0,
            environment_complete: self.environment(r).1,
            file_system: self.prop(r, "FileSystemConfigs").is_some(),
            polled_services: polled,
            capacity_provider: self.capacity_provider(r, providers),
        }
    }

    fn vpc_config(&self, r: &Resource<'a>) -> Option<VpcConfig> {
        let (ev, span) = self.prop(r, "VpcConfig")?;
        let Ev::Map(node) = ev else {
            let why = ev
                .as_string()
                .reason()
                .cloned()
                .unwrap_or_else(|| Reason::new("`VpcConfig` is not a mapping"));
            return Some(VpcConfig {
                span,
                subnets: Attr::explicit(Value::Unknown(why.clone()), span),
                security_groups: Attr::explicit(Value::Unknown(why.clone()), span),
                ipv6_dual_stack: Attr::explicit(Value::Unknown(why), span),
            });
        };
        let subnets = self
            .list_attr(node.get("SubnetIds"), |e| {
                self.resolve(e, &self.index.subnets, SUBNET)
            })
            .unwrap_or_else(|| Attr::default(Vec::new(), r.key_span));
        let security_groups = self
            .list_attr(node.get("SecurityGroupIds"), |e| {
                self.resolve(e, &self.index.security_groups, SECURITY_GROUP)
            })
            .unwrap_or_else(|| Attr::default(Vec::new(), r.key_span));
        // Empty lists detach the function from any VPC (CDK and SAM emit them that way).
        let is_empty = |a: Option<usize>| a == Some(0);
        if is_empty(subnets.known().map(Vec::len))
            && is_empty(security_groups.known().map(Vec::len))
        {
            return None;
        }
        let ipv6_dual_stack = match node
            .get("Ipv6AllowedForDualStack")
            .map(|n| (self.ev.ev(n), full_span(n)))
        {
            Some((Ev::NoValue, _)) | None => Attr::default(false, r.key_span),
            Some((ev, s)) => Attr::explicit(ev.as_bool(), s),
        };
        Some(VpcConfig {
            span,
            subnets,
            security_groups,
            ipv6_dual_stack,
        })
    }

    /// The environment variables, and whether that list is complete.
    fn environment(&self, r: &Resource<'a>) -> (Vec<EnvVar>, bool) {
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
            .map(|(key, value)| {
                let ev = self.ev.ev(value);
                let value = match &ev {
                    Ev::Str(s) => EnvValue::Literal(s.clone()),
                    Ev::Res(_) => match ev.refs().as_slice() {
                        [one] => self
                            .tpl
                            .resource(&one.logical)
                            .map_or(EnvValue::Unknown, |res| {
                                EnvValue::Resource(res.kind.to_string())
                            }),
                        _ => EnvValue::Unknown,
                    },
                    _ => EnvValue::Unknown,
                };
                EnvVar {
                    name: key.text.clone(),
                    span: key.span,
                    service: self.service_of_value(&ev),
                    value,
                }
            })
            .collect();
        (list, true)
    }

    /// The one service of the resources a value references (`!Ref Table` → `dynamodb`).
    fn service_of_value(&self, ev: &Ev<'_>) -> Option<String> {
        let mut services: Vec<&str> = ev
            .refs()
            .iter()
            .filter_map(|x| self.tpl.resource(&x.logical))
            .filter_map(|res| service_of_resource_type(res.kind))
            .collect();
        services.dedup();
        match services.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
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
            let Some((f, _)) = self.prop(&r, "FunctionName") else {
                continue;
            };
            let Value::Known(fid) = self.resolve(&f, &self.index.functions, FUNCTION) else {
                continue;
            };
            let service = match self.prop(&r, "EventSourceArn") {
                Some((Ev::Res(x), _)) => self
                    .tpl
                    .resource(&x.logical)
                    .and_then(|t| polled_service_of_type(t.kind))
                    .map(str::to_string),
                Some((Ev::Str(s), _)) => service_of_arn(&s),
                Some((Ev::Partial(p), _)) => service_of_arn(&p.text),
                _ if r.prop("SelfManagedEventSource").is_some() => Some("kafka".to_string()),
                _ => None,
            };
            if let (Some(service), Some(function)) =
                (service, self.model.functions.get_mut(fid.index()))
            {
                if !function.polled_services.contains(&service) {
                    function.polled_services.push(service);
                }
            }
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
                    PolicySource::Document(self.policy(meta, m))
                }
                Ev::Map(m) => self.policy_template(role, m, span),
                other => self.policy_by_arn(&other, span),
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
        PolicySource::Document(self.push_policy(meta, Value::Known(statements)))
    }
}
