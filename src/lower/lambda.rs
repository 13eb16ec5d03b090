//! Lambda functions, Lambda Managed Instances capacity providers and event sources, written
//! once for every front end. A front end describes each resource as a small view (the values
//! of the properties that matter, in the neutral value type); this module decides what they
//! mean.

use super::value::{expect, expect_items, Spanned, V};
use super::Builder;
use crate::model::services::service_of_resource_type;
use crate::model::*;
use crate::source::Span;

/// A nested block or mapping property (`vpc_config`, `VpcConfig`) as the front end saw it.
#[derive(Debug, Clone)]
pub enum Block<T> {
    Absent,
    Present(T),
    /// It may or may not be there: a `dynamic` block whose `for_each` is unknown, an `Fn::If`
    /// on an unknown condition with an `AWS::NoValue` branch.
    Maybe(Reason, Span),
    /// It is there, but its contents cannot be read.
    Unreadable(Reason, Span),
}

/// `vpc_config` / `VpcConfig` of a function or capacity provider.
#[derive(Debug, Clone)]
pub struct VpcView {
    /// The block or property.
    pub span: Span,
    pub subnets: Option<Spanned>,
    pub security_groups: Option<Spanned>,
    pub ipv6_dual_stack: Option<Spanned>,
}

/// How a function names its execution role.
#[derive(Debug, Clone)]
pub enum RoleView {
    Given(Spanned),
    /// Created for it by a transform (SAM's implicit role), reported at `span`.
    Implied(Value<RoleId>, Span),
    Missing(Reason, Span),
}

#[derive(Debug, Clone)]
pub struct EnvView {
    pub name: String,
    pub span: Span,
    pub value: Spanned,
    /// The service of a resource the source text of the value references, when the evaluated
    /// value lost the reference (Terraform's `"${aws_s3_bucket.b.bucket}"` is the name).
    pub written_service: Option<String>,
}

/// A Lambda function, plain or SAM.
#[derive(Debug, Clone)]
pub struct FunctionView {
    pub meta: Meta,
    /// `function_name` / `FunctionName`; `Err` says why there is none, reported at the span
    /// (CloudFormation generates a name when the property is absent).
    pub deployed_name: Result<Spanned, (Reason, Span)>,
    pub role: RoleView,
    pub vpc_config: Block<VpcView>,
    pub environment: Vec<EnvView>,
    pub environment_complete: bool,
    pub file_system: bool,
    /// The capacity provider's ARN value, when the function names one.
    pub capacity_provider: Block<Spanned>,
    /// Services polled for it that the front end knows from the function itself (SAM
    /// `Events`).
    pub polled_services: Vec<String>,
}

pub fn function(view: FunctionView) -> Function {
    let role = match view.role {
        RoleView::Given(v) => Attr::explicit(super::iam::role_of(&v.v), v.span),
        RoleView::Implied(id, span) => Attr {
            value: id,
            span,
            origin: Origin::Implied,
        },
        // Not written: reported at the resource, like every default.
        RoleView::Missing(why, span) => Attr {
            value: Value::Unknown(why),
            span,
            origin: Origin::Default,
        },
    };
    let capacity_provider = match view.capacity_provider {
        Block::Absent => None,
        Block::Present(v) => Some(Attr::explicit(capacity_provider_of(&v.v), v.span)),
        // A provider that may be there is one the configuration may not show: the function
        // may run on it, so its VPC configuration is unknown either way.
        Block::Maybe(why, span) | Block::Unreadable(why, span) => {
            Some(Attr::explicit(Value::Unknown(why), span))
        }
    };
    let maybe_vpc = match &view.vpc_config {
        Block::Maybe(why, _) => Some(why.clone()),
        _ => None,
    };
    let deployed_name = match view.deployed_name {
        Ok(v) => Attr::explicit(deployed_name_of(&v.v), v.span),
        Err((why, span)) => Attr {
            value: Value::Unknown(why),
            span,
            origin: Origin::Default,
        },
    };
    Function {
        meta: view.meta,
        deployed_name,
        vpc_config: vpc_config(view.vpc_config),
        maybe_vpc,
        role,
        environment: view.environment.into_iter().map(env_var).collect(),
        environment_complete: view.environment_complete,
        file_system: view.file_system,
        polled_services: view.polled_services,
        capacity_provider,
    }
}

/// A deployed name: a reference to a resource (Terraform's `aws_lambda_function.f.function_name`
/// of another function is never this one's) is unknown, as is text with unknown pieces.
fn deployed_name_of(v: &V) -> Value<String> {
    match v.as_str() {
        Value::Known(s) if s.is_empty() => Value::unknown("`function_name` is empty"),
        other => other,
    }
}

fn pick_subnet(e: Entity) -> Option<SubnetId> {
    match e {
        Entity::Subnet(id) => Some(id),
        _ => None,
    }
}

fn pick_sg(e: Entity) -> Option<SecurityGroupId> {
    match e {
        Entity::SecurityGroup(id) => Some(id),
        _ => None,
    }
}

fn capacity_provider_of(v: &V) -> Value<CapacityProviderId> {
    expect(v, "capacity provider", |e| match e {
        Entity::CapacityProvider(id) => Some(id),
        _ => None,
    })
}

/// A function's VPC configuration.
///
/// - A block that *may* be there (`Block::Maybe`) is no VPC configuration: the model promises
///   that `Some` means "attached", and rules such as LVL101 fire on every attached function
///   whose role lacks the ENI actions, so "attached" must be proven. (Both front ends produce
///   `Maybe` for the same situation: a block or property under a condition that cannot be
///   decided.)
/// - A block that is there but cannot be read is attached with unknown details.
/// - Missing lists are empty (the provider's and CloudFormation's default), and empty subnet
///   and security group lists detach the function (CDK and SAM emit them that way).
fn vpc_config(block: Block<VpcView>) -> Option<VpcConfig> {
    let view = match block {
        Block::Absent | Block::Maybe(..) => return None,
        Block::Unreadable(why, span) => {
            return Some(VpcConfig {
                span,
                subnets: Attr::explicit(Value::Unknown(why.clone()), span),
                security_groups: Attr::explicit(Value::Unknown(why.clone()), span),
                ipv6_dual_stack: Attr::explicit(Value::Unknown(why), span),
            })
        }
        Block::Present(v) => v,
    };
    let list = |v: &Option<Spanned>, what, pick| match v {
        Some(v) => Attr::explicit(expect_items(&v.v, what, pick), v.span),
        None => Attr::default(Vec::new(), view.span),
    };
    let subnets = list(&view.subnets, "subnet", pick_subnet);
    let security_groups = match &view.security_groups {
        Some(v) => Attr::explicit(expect_items(&v.v, "security group", pick_sg), v.span),
        None => Attr::default(Vec::new(), view.span),
    };
    let empty = |n: Option<usize>| n == Some(0);
    if empty(subnets.known().map(Vec::len)) && empty(security_groups.known().map(Vec::len)) {
        return None;
    }
    let ipv6_dual_stack = match &view.ipv6_dual_stack {
        Some(v) => Attr::explicit(v.v.as_bool(), v.span),
        None => Attr::default(false, view.span),
    };
    Some(VpcConfig {
        span: view.span,
        subnets,
        security_groups,
        ipv6_dual_stack,
    })
}

/// An environment variable: a literal, a reference to a resource (whose service the code
/// then calls), or unknown.
fn env_var(e: EnvView) -> EnvVar {
    let refs: Vec<&super::value::Ref> = match &e.value.v {
        V::Ref(r) => vec![r],
        V::Partial { refs, .. } => refs.iter().collect(),
        _ => Vec::new(),
    };
    let mut services: Vec<&str> = refs
        .iter()
        .filter_map(|r| r.kind.as_deref())
        .filter_map(service_of_resource_type)
        .collect();
    services.dedup();
    let service = match services.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    }
    .or(e.written_service);
    let value = match &e.value.v {
        V::Str(s) => EnvValue::Literal(s.clone()),
        V::Num(_) | V::Bool(_) => {
            EnvValue::Literal(e.value.v.as_str().known().cloned().unwrap_or_default())
        }
        V::Ref(r) => r.kind.clone().map_or(EnvValue::Unknown, EnvValue::Resource),
        _ => EnvValue::Unknown,
    };
    EnvVar {
        name: e.name,
        span: e.span,
        service,
        value,
    }
}

/// A Lambda Managed Instances capacity provider.
pub struct CapacityProviderView {
    pub meta: Meta,
    /// Where an absent `vpc_config` is reported.
    pub span: Span,
    pub vpc_config: Block<VpcView>,
}

/// Without subnets the provider's placement is unknown; without security groups Lambda uses
/// the VPC's default group ("If not specified, the default security group for the VPC will be
/// used"), which the unit does not show.
pub fn capacity_provider(view: CapacityProviderView) -> CapacityProvider {
    let unknown = |why: Reason, span: Span| CapacityProvider {
        meta: view.meta.clone(),
        span,
        subnets: Attr::explicit(Value::Unknown(why.clone()), span),
        security_groups: Attr::explicit(Value::Unknown(why), span),
    };
    let v = match view.vpc_config {
        Block::Present(v) => v,
        Block::Absent => return unknown(Reason::new("no VPC configuration"), view.span),
        Block::Maybe(why, span) | Block::Unreadable(why, span) => return unknown(why, span),
    };
    let subnets = match &v.subnets {
        Some(s) => Attr::explicit(expect_items(&s.v, "subnet", pick_subnet), s.span),
        None => Attr::explicit(Value::unknown("no subnets"), v.span),
    };
    let security_groups = match &v.security_groups {
        Some(s) => Attr::explicit(expect_items(&s.v, "security group", pick_sg), s.span),
        None => Attr {
            value: Value::unknown("no security groups: the VPC's default security group"),
            span: v.span,
            origin: Origin::Default,
        },
    };
    CapacityProvider {
        meta: view.meta,
        span: v.span,
        subnets,
        security_groups,
    }
}

/// The service whose records Lambda polls for an event source: from the referenced resource's
/// type, or from the service part of an ARN (`arn:aws:sqs:…` → `sqs`).
pub fn polled_service(source: &V) -> Option<String> {
    match source {
        V::Ref(r) => r
            .kind
            .as_deref()
            .and_then(polled_service_of_type)
            .map(str::to_string),
        V::Partial { refs, text, .. } => match refs.as_slice() {
            [r] if text.starts_with(super::value::HOLE) => r
                .kind
                .as_deref()
                .and_then(polled_service_of_type)
                .map(str::to_string),
            _ => service_of_arn(&text.replace(super::value::HOLE, "*")),
        },
        V::Str(s) => service_of_arn(s),
        _ => None,
    }
}

/// Event sources whose service is not the one they are reached through as an API.
fn polled_service_of_type(kind: &str) -> Option<&'static str> {
    match kind {
        "aws_msk_cluster"
        | "aws_msk_serverless_cluster"
        | "AWS::MSK::Cluster"
        | "AWS::MSK::ServerlessCluster" => Some("kafka"),
        "aws_mq_broker" | "AWS::AmazonMQ::Broker" => Some("mq"),
        other => service_of_resource_type(other),
    }
}

/// The service named in an ARN, when that part is known.
pub fn service_of_arn(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let (Some("arn"), Some(_), Some(service)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    (!service.is_empty() && !service.contains(['*', super::value::HOLE]))
        .then(|| service.to_string())
}

impl Builder {
    /// Records that Lambda polls `service` for `function` (an event source mapping).
    pub fn add_polled(&mut self, function: &V, service: Option<String>) {
        let fid = expect(function, "function", |e| match e {
            Entity::Function(id) => Some(id),
            _ => None,
        });
        let (Value::Known(fid), Some(service)) = (fid, service) else {
            return;
        };
        if let Some(f) = self.functions.get_mut(fid.0) {
            if !f.polled_services.contains(&service) {
                f.polled_services.push(service);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(vpc: Block<VpcView>) -> FunctionView {
        let span = Span {
            file: crate::source::FileId(0),
            start: 0,
            end: 1,
        };
        FunctionView {
            meta: Meta {
                name: "f".into(),
                kind: "k".into(),
                span,
            },
            deployed_name: Err((Reason::new("no name"), span)),
            role: RoleView::Missing(Reason::new("no role"), span),
            vpc_config: vpc,
            environment: Vec::new(),
            environment_complete: true,
            file_system: false,
            capacity_provider: Block::Absent,
            polled_services: Vec::new(),
        }
    }

    #[test]
    fn vpc_configuration_states() {
        let span = view(Block::Absent).meta.span;
        let f = function(view(Block::Maybe(Reason::new("unknown for_each"), span)));
        assert!(f.vpc_config.is_none());
        assert_eq!(f.maybe_vpc, Some(Reason::new("unknown for_each")));
        let f = function(view(Block::Unreadable(Reason::new("a parameter"), span)));
        assert!(f.vpc_config.is_some_and(|v| !v.subnets.value.is_known()));
        assert!(f.maybe_vpc.is_none());
        let empty = || Some(Spanned::new(V::List(Vec::new()), span));
        let f = function(view(Block::Present(VpcView {
            span,
            subnets: empty(),
            security_groups: empty(),
            ipv6_dual_stack: None,
        })));
        assert!(f.vpc_config.is_none() && f.maybe_vpc.is_none());
        assert!(function(view(Block::Absent)).vpc_config.is_none());
    }

    #[test]
    fn arn_services() {
        assert_eq!(
            service_of_arn("arn:aws:sqs:eu-west-1:1:q").as_deref(),
            Some("sqs")
        );
        assert_eq!(
            service_of_arn("arn:*:kafka:*:*:cluster/x").as_deref(),
            Some("kafka")
        );
        assert_eq!(service_of_arn("arn:aws:*:x"), None);
        assert_eq!(service_of_arn("sqs"), None);
        assert_eq!(polled_service_of_type("AWS::MSK::Cluster"), Some("kafka"));
        assert_eq!(polled_service_of_type("aws_sqs_queue"), Some("sqs"));
    }
}
