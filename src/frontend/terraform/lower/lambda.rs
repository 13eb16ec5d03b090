//! Lambda functions (VPC configuration, role, environment, capacity provider), Lambda Managed
//! Instances capacity providers, and event source mappings.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::template::Element;

use super::network::{sg_items, subnet_items};
use super::{Entity, Inst, Lowerer};
use crate::frontend::terraform::eval::Val;
use crate::model::services::service_of_resource_type;
use crate::model::*;
use crate::source::Span;

/// An argument's attribute with its span moved out of a downloaded module, to where the user
/// decides it (see `Evaluator::user_span`).
fn at_user<T>(
    lw: &Lowerer<'_>,
    body: &hcl_edit::structure::Body,
    scope: &crate::frontend::terraform::eval::Scope,
    name: &str,
    attr: Attr<T>,
) -> Attr<T> {
    let span = match (body.get_attribute(name), attr.origin) {
        (Some(a), Origin::Explicit) => lw.ev.user_span(&a.value, scope, attr.span),
        _ => lw.ev.caller_block_span(scope.module, attr.span),
    };
    Attr { span, ..attr }
}

pub(super) fn function(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let role = lw.ref_arg(inst, "role", "role", |e| match e {
        Entity::Role(id) => Some(id),
        _ => None,
    });
    let role = at_user(lw, inst.res.body(), &inst.scope, "role", role);
    // A `dynamic "vpc_config"` with an unknown `for_each` is treated as absent: whether the
    // function is in a VPC is then unknown, and no VPC rule may fire on a guess.
    let vpc_config = match lw.ev.blocks(inst.res.body(), "vpc_config", &inst.scope) {
        Ok(blocks) => blocks.into_iter().next().and_then(|(body, span, scope)| {
            let subnets = match lw.arg_in(body, &scope, "subnet_ids") {
                Some((v, s)) => Attr::explicit(subnet_items(lw, &v), s),
                None => Attr::explicit(Value::Known(Vec::new()), span),
            };
            let security_groups = match lw.arg_in(body, &scope, "security_group_ids") {
                Some((v, s)) => Attr::explicit(sg_items(lw, &v), s),
                None => Attr::explicit(Value::Known(Vec::new()), span),
            };
            // Empty lists detach the function from its VPC.
            let empty = |a: &Attr<Vec<Item<SubnetId>>>| a.known().is_some_and(|l| l.is_empty());
            if empty(&subnets) && security_groups.known().is_some_and(|l| l.is_empty()) {
                return None;
            }
            let dual_stack = "ipv6_allowed_for_dual_stack";
            let ipv6_dual_stack = lw.bool_in(body, &scope, dual_stack, false, span);
            Some(VpcConfig {
                span: lw.ev.caller_block_span(scope.module, span),
                subnets: at_user(lw, body, &scope, "subnet_ids", subnets),
                security_groups: at_user(lw, body, &scope, "security_group_ids", security_groups),
                ipv6_dual_stack: at_user(lw, body, &scope, dual_stack, ipv6_dual_stack),
            })
        }),
        Err(_) => None,
    };
    let mut environment = Vec::new();
    let mut environment_complete = true;
    if let Ok(blocks) = lw.ev.blocks(inst.res.body(), "environment", &inst.scope) {
        for (body, _, scope) in blocks {
            let Some(attr) = body.get_attribute("variables") else {
                continue;
            };
            let Val::Map(vars) = lw.ev.eval(&attr.value, &scope) else {
                environment_complete = false;
                continue;
            };
            for (name, item) in vars {
                let service = match &item.val {
                    Val::Ref(r) => service_of_resource_type(&r.kind).map(str::to_string),
                    _ => None,
                }
                .or_else(|| written_service(&attr.value, &name));
                let value = match &item.val {
                    Val::Str(s) => EnvValue::Literal(s.clone()),
                    Val::Ref(r) => EnvValue::Resource(r.kind.to_string()),
                    _ => EnvValue::Unknown,
                };
                environment.push(EnvVar {
                    name,
                    span: item.span,
                    service,
                    value,
                });
            }
        }
    } else {
        environment_complete = false;
    }
    // An unknown `dynamic "file_system_config"` may mount one: count it as mounted.
    let file_system = lw
        .ev
        .blocks(inst.res.body(), "file_system_config", &inst.scope)
        .map_or(true, |b| !b.is_empty());
    lw.model.functions.push(Function {
        meta: inst.meta(),
        vpc_config,
        role,
        environment,
        environment_complete,
        file_system,
        polled_services: Vec::new(),
        capacity_provider: capacity_provider_of(lw, inst),
    });
}

fn pick_capacity_provider(e: Entity) -> Option<CapacityProviderId> {
    match e {
        Entity::CapacityProvider(id) => Some(id),
        _ => None,
    }
}

/// `capacity_provider_config { lambda_managed_instances_capacity_provider_config {
/// capacity_provider_arn = … } }`: the provider the function runs on. `Some` with an unknown
/// value when the function may run on one the configuration does not show.
fn capacity_provider_of(lw: &Lowerer<'_>, inst: &Inst<'_>) -> Option<Attr<CapacityProviderId>> {
    const OUTER: &str = "capacity_provider_config";
    const INNER: &str = "lambda_managed_instances_capacity_provider_config";
    let (body, span, scope) = match lw.ev.blocks(inst.res.body(), OUTER, &inst.scope) {
        Ok(blocks) => blocks.into_iter().next()?,
        Err(r) => return Some(Attr::explicit(Value::Unknown(r), inst.span)),
    };
    let (inner, inner_span, scope) = match lw.ev.blocks(body, INNER, &scope) {
        Ok(blocks) => match blocks.into_iter().next() {
            Some(b) => b,
            None => {
                let why = format!("`{OUTER}` has no `{INNER}` block");
                return Some(Attr::explicit(Value::unknown(why), span));
            }
        },
        Err(r) => return Some(Attr::explicit(Value::Unknown(r), span)),
    };
    Some(match lw.arg_in(inner, &scope, "capacity_provider_arn") {
        Some((v, s)) => Attr::explicit(
            lw.resolve(&v, "capacity provider", pick_capacity_provider),
            s,
        ),
        None => Attr::explicit(
            Value::unknown("`capacity_provider_arn` is not set"),
            inner_span,
        ),
    })
}

type ProviderVpc = (
    Span,
    Attr<Vec<Item<SubnetId>>>,
    Attr<Vec<Item<SecurityGroupId>>>,
);

fn unknown_vpc(span: Span, why: Reason) -> ProviderVpc {
    (
        span,
        Attr::explicit(Value::Unknown(why.clone()), span),
        Attr::explicit(Value::Unknown(why), span),
    )
}

/// `aws_lambda_capacity_provider`: the subnets and security groups its instances use.
pub(super) fn capacity_provider(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let (span, subnets, security_groups) =
        match lw.ev.blocks(inst.res.body(), "vpc_config", &inst.scope) {
            Ok(blocks) => match blocks.into_iter().next() {
                Some((body, span, scope)) => {
                    let subnets = match lw.arg_in(body, &scope, "subnet_ids") {
                        Some((v, s)) => Attr::explicit(subnet_items(lw, &v), s),
                        None => Attr::explicit(Value::unknown("`subnet_ids` is not set"), span),
                    };
                    let sgs = match lw.arg_in(body, &scope, "security_group_ids") {
                        Some((v, s)) => Attr::explicit(sg_items(lw, &v), s),
                        // Lambda then uses the VPC's default security group.
                        None => Attr {
                            value: Value::unknown(
                                "no `security_group_ids`: the VPC's default security group",
                            ),
                            span,
                            origin: Origin::Default,
                        },
                    };
                    (span, subnets, sgs)
                }
                None => unknown_vpc(inst.block_span, Reason::new("`vpc_config` is not set")),
            },
            Err(r) => unknown_vpc(inst.block_span, r),
        };
    lw.model.capacity_providers.push(CapacityProvider {
        meta: inst.meta(),
        span,
        subnets,
        security_groups,
    });
}

/// The service of a resource referenced in the source of environment variable `name`, when
/// `variables` is an object literal (`"${aws_s3_bucket.b.bucket}"` evaluates to the bucket's
/// name, but the reference shows the code calls S3).
fn written_service(vars: &Expression, name: &str) -> Option<String> {
    let Expression::Object(o) = vars else {
        return None;
    };
    let (_, v) = o.iter().find(|(k, _)| match k {
        ObjectKey::Ident(i) => i.as_str() == name,
        ObjectKey::Expression(Expression::String(s)) => s.value() == name,
        _ => false,
    })?;
    referenced_service(v.expr(), 0)
}

fn referenced_service(e: &Expression, depth: u32) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match e {
        Expression::Traversal(t) => match &t.expr {
            Expression::Variable(root) => {
                service_of_resource_type(root.as_str()).map(str::to_string)
            }
            other => referenced_service(other, depth + 1),
        },
        Expression::StringTemplate(t) => t.iter().find_map(|el| match el {
            Element::Interpolation(i) => referenced_service(&i.expr, depth + 1),
            _ => None,
        }),
        Expression::FuncCall(f) => f.args.iter().find_map(|a| referenced_service(a, depth + 1)),
        Expression::Parenthesis(p) => referenced_service(p.inner(), depth + 1),
        Expression::Conditional(c) => referenced_service(&c.true_expr, depth + 1)
            .or_else(|| referenced_service(&c.false_expr, depth + 1)),
        _ => None,
    }
}

pub(super) fn event_source_mapping(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some((f, _)) = lw.arg(inst, "function_name") else {
        return;
    };
    let Value::Known(fid) = lw.resolve(&f, "function", |e| match e {
        Entity::Function(id) => Some(id),
        _ => None,
    }) else {
        return;
    };
    let service = match lw.arg(inst, "event_source_arn") {
        Some((Val::Ref(r), _)) => match r.kind.as_str() {
            "aws_msk_cluster" => Some("kafka".to_string()),
            "aws_mq_broker" => Some("mq".to_string()),
            k => service_of_resource_type(k).map(str::to_string),
        },
        // `arn:<partition>:<service>:...`
        Some((v, _)) => v
            .as_pattern()
            .and_then(|p| p.text.split(':').nth(2).map(str::to_string))
            .filter(|s| !s.is_empty() && !s.contains('*')),
        None => None,
    };
    if let (Some(s), Some(func)) = (service, lw.model.functions.get_mut(fid.index())) {
        if !func.polled_services.contains(&s) {
            func.polled_services.push(s);
        }
    }
}
