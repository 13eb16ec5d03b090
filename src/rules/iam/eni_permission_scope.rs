//! LVL102 eni-permission-scope: the execution role allows an ENI action, but only on resources
//! where it cannot serve Lambda.
//!
//! Error when every statement that allows `ec2:DescribeNetworkInterfaces` lists resources none of
//! which can be `"*"` (the action has no resource-level permissions, so nothing else authorizes
//! it). Warning when every statement that allows `ec2:DeleteNetworkInterface` lists resources
//! none of which can include a network interface created later (literal ARNs, other resource
//! types). Unknown entries, `NotResource`, unreadable statements or policies: silent.

use crate::analysis::iam::resources::{may_be_star, may_cover_new_network_interfaces};
use crate::analysis::iam::{resources, EffStatement};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Ecosystem, Pattern, Value};
use crate::rules::fix::ecosystem;
use crate::rules::iam::common::{self, RoleUse, Style};
use crate::rules::RuleContext;

struct Check {
    action: &'static str,
    severity: Severity,
    may_cover: fn(&Value<Pattern>) -> bool,
    consequence: &'static str,
    right_resource_tf: &'static str,
    right_resource_cfn: &'static str,
    right_resource_json: &'static str,
    advice: &'static str,
}

const CHECKS: &[Check] = &[
    Check {
        action: "ec2:DescribeNetworkInterfaces",
        severity: Severity::Error,
        may_cover: may_be_star,
        consequence: "the action has no resource-level permissions and is allowed only by `\"*\"`, so the role is in effect not granted it: Lambda refuses to create or update the function",
        right_resource_tf: "\"*\"",
        right_resource_cfn: "\"*\"",
        right_resource_json: "\"*\"",
        advice: "allow it on every resource (it cannot be scoped), in a statement of its own if the others should stay scoped",
    },
    Check {
        action: "ec2:DeleteNetworkInterface",
        severity: Severity::Warning,
        may_cover: may_cover_new_network_interfaces,
        consequence: "no such resource can be one of the network interfaces Lambda creates for the function, whose ids are not known in advance: Lambda cannot delete them, and the function may lose access to the VPC",
        right_resource_tf: "\"arn:aws:ec2:*:*:network-interface/*\"",
        right_resource_cfn: "!Sub \"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*\"",
        right_resource_json: "{\"Fn::Sub\": \"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*\"}",
        advice: "allow it on every network interface of the account (or on `\"*\"`, as AWSLambdaVPCAccessExecutionRole does)",
    },
];

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for r in common::roles(ctx) {
        for c in CHECKS {
            if let Some(statements) = resources::narrowly_granted(r.perms, c.action, c.may_cover) {
                out.push(finding(ctx, &r, c, &statements));
            }
        }
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    r: &RoleUse<'_>,
    c: &Check,
    statements: &[&EffStatement],
) -> Diagnostic {
    let role = ctx.model.role(r.perms.role);
    let mut shown: Vec<String> = Vec::new();
    for st in statements {
        for t in common::resource_texts(ctx, st) {
            if !shown.contains(&t) {
                shown.push(t);
            }
        }
    }
    let more = shown.len().saturating_sub(3);
    let mut list = common::code_list(&shown.iter().take(3).map(String::as_str).collect::<Vec<_>>());
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    let message = format!(
        "execution role `{}` of {} allows `{}` only on {list}: {}",
        role.meta.name,
        common::function_list(&r.functions),
        c.action,
        c.consequence
    );
    let mut proof = common::role_steps(ctx, r);
    for st in statements {
        proof.extend(common::statement_steps(
            st,
            &format!(
                "allows `{}` only on {}",
                c.action,
                common::code_list(
                    &common::resource_texts(ctx, st)
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            ),
        ));
    }
    let first = statements.first().copied();
    let span = first
        .map(common::first_resource_span)
        .unwrap_or(role.meta.span);
    let style = first
        .map(|st| common::style_of(ctx, common::statement_span(st)))
        .unwrap_or(Style::Yaml);
    let snippet = statement_snippet(ctx, c, style);
    let policy = first.map(|st| st.policy.as_str()).unwrap_or("");
    let fix = format!("In policy `{policy}`, {}:\n\n{snippet}", c.advice);
    let file = ctx.file_of(span).to_string();
    Diagnostic {
        code: "LVL102",
        slug: "eni-permission-scope",
        severity: c.severity,
        message,
        span,
        proof,
        fix: Some(fix),
        fingerprint: Diagnostic::fingerprint_of("LVL102", &file, &[&role.meta.name, c.action]),
        edits: Vec::new(),
    }
}

fn statement_snippet(ctx: &RuleContext<'_>, c: &Check, style: Style) -> String {
    match (ecosystem(ctx.model), style) {
        (Ecosystem::Terraform, Style::TfBlock) => format!(
            "statement {{\n  actions   = [\"{}\"]\n  resources = [{}]\n}}",
            c.action, c.right_resource_tf
        ),
        (Ecosystem::Terraform, Style::TfObject) => format!(
            "{{\n  Effect   = \"Allow\"\n  Action   = \"{}\"\n  Resource = {}\n}}",
            c.action, c.right_resource_tf
        ),
        (Ecosystem::Terraform, _) => format!(
            "{{\n  \"Effect\": \"Allow\",\n  \"Action\": \"{}\",\n  \"Resource\": {}\n}}",
            c.action, c.right_resource_tf
        ),
        (Ecosystem::CloudFormation, Style::Json) => format!(
            "{{\n  \"Effect\": \"Allow\",\n  \"Action\": \"{}\",\n  \"Resource\": {}\n}}",
            c.action, c.right_resource_json
        ),
        _ => format!(
            "- Effect: Allow\n  Action: {}\n  Resource: {}",
            c.action, c.right_resource_cfn
        ),
    }
}
