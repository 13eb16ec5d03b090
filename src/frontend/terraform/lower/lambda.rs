//! Lambda functions (VPC configuration, role, environment, capacity provider), Lambda Managed
//! Instances capacity providers, and event source mappings.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::template::Element;

use crate::lower::value::Spanned;
use crate::source::Span;

use super::{Entity, Inst, Lowerer};
use crate::frontend::terraform::eval::{Scope, Val};
use crate::lower::lambda::{
    self as shared, Block, CapacityProviderView, EnvView, FunctionView, RoleView, VpcView,
};
use crate::model::services::service_of_resource_type;
use crate::model::*;

/// A `vpc_config` block: absent, one block, or a `dynamic` block whose `for_each` is unknown
/// (it may or may not be there).
fn vpc_block(
    lw: &Lowerer<'_>,
    body: &hcl_edit::structure::Body,
    scope: &Scope,
    at: Span,
) -> Block<VpcView> {
    match lw.ev.blocks(body, "vpc_config", scope) {
        Ok(blocks) => match blocks.into_iter().next() {
            Some((body, span, scope)) => {
                // Spans move out of a downloaded module to where the user decides the value
                // (see `Evaluator::user_span`), so findings land in the user's files.
                let arg = |name: &str| {
                    let (v, s) = lw.arg_in(body, &scope, name)?;
                    let s = match body.get_attribute(name) {
                        Some(a) => lw.ev.user_span(&a.value, &scope, s),
                        None => s,
                    };
                    Some(lw.neutral(v, s))
                };
                Block::Present(VpcView {
                    span: lw.ev.caller_block_span(scope.module, span),
                    subnets: arg("subnet_ids"),
                    security_groups: arg("security_group_ids"),
                    ipv6_dual_stack: arg("ipv6_allowed_for_dual_stack"),
                })
            }
            None => Block::Absent,
        },
        Err(r) => Block::Maybe(r, at),
    }
}

pub(super) fn function(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::Function(id)) = lw.id_of(inst) else {
        return;
    };
    let role = match lw.arg(inst, "role") {
        Some((v, span)) => {
            let span = match inst.res.body().get_attribute("role") {
                Some(a) => lw.ev.user_span(&a.value, &inst.scope, span),
                None => span,
            };
            RoleView::Given(lw.neutral(v, span))
        }
        None => RoleView::Missing(
            Reason::new("`role` is not set"),
            lw.ev.caller_block_span(inst.scope.module, inst.block_span),
        ),
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
                let written_service = written_service(&attr.value, &name);
                environment.push(EnvView {
                    span: item.span,
                    value: lw.neutral(item.val, item.span),
                    written_service,
                    name,
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
    // Spans move to where the user decides the name, as for the role.
    let deployed_name = match lw.arg(inst, "function_name") {
        Some((v, span)) => {
            let span = match inst.res.body().get_attribute("function_name") {
                Some(a) => lw.ev.user_span(&a.value, &inst.scope, span),
                None => span,
            };
            Ok(lw.neutral(v, span))
        }
        None => Err((
            Reason::new("`function_name` is not set"),
            lw.ev.caller_block_span(inst.scope.module, inst.block_span),
        )),
    };
    let f = shared::function(FunctionView {
        meta: inst.meta(),
        deployed_name,
        role,
        vpc_config: vpc_block(lw, inst.res.body(), &inst.scope, inst.span),
        environment,
        environment_complete,
        file_system,
        capacity_provider: capacity_provider_of(lw, inst),
        polled_services: Vec::new(),
    });
    lw.b.functions.fill(id.0, f);
}

/// `capacity_provider_config { lambda_managed_instances_capacity_provider_config {
/// capacity_provider_arn = … } }`: the provider the function runs on.
fn capacity_provider_of(lw: &Lowerer<'_>, inst: &Inst<'_>) -> Block<Spanned> {
    const OUTER: &str = "capacity_provider_config";
    const INNER: &str = "lambda_managed_instances_capacity_provider_config";
    let (body, span, scope) = match lw.ev.blocks(inst.res.body(), OUTER, &inst.scope) {
        Ok(blocks) => match blocks.into_iter().next() {
            Some(b) => b,
            None => return Block::Absent,
        },
        Err(r) => return Block::Maybe(r, inst.span),
    };
    let (inner, inner_span, scope) = match lw.ev.blocks(body, INNER, &scope) {
        Ok(blocks) => match blocks.into_iter().next() {
            Some(b) => b,
            None => {
                let why = format!("`{OUTER}` has no `{INNER}` block");
                return Block::Unreadable(Reason::new(why), span);
            }
        },
        Err(r) => return Block::Unreadable(r, span),
    };
    match lw.arg_in(inner, &scope, "capacity_provider_arn") {
        Some((v, s)) => Block::Present(lw.neutral(v, s)),
        None => Block::Unreadable(
            Reason::new("`capacity_provider_arn` is not set"),
            inner_span,
        ),
    }
}

/// `aws_lambda_capacity_provider`: the subnets and security groups its instances use.
pub(super) fn capacity_provider(lw: &mut Lowerer<'_>, inst: &Inst<'_>) {
    let Some(Entity::CapacityProvider(id)) = lw.id_of(inst) else {
        return;
    };
    let p = shared::capacity_provider(CapacityProviderView {
        meta: inst.meta(),
        span: inst.block_span,
        vpc_config: vpc_block(lw, inst.res.body(), &inst.scope, inst.block_span),
    });
    lw.b.capacity_providers.fill(id.0, p);
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
    let Some((f, fspan)) = lw.arg(inst, "function_name") else {
        return;
    };
    let function = lw.neutral(f, fspan);
    let service = lw
        .arg(inst, "event_source_arn")
        .and_then(|(v, span)| shared::polled_service(&lw.neutral(v, span).v));
    lw.b.add_polled(&function.v, service);
}
