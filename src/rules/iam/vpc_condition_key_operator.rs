//! LVL106 vpc-condition-key-operator: a policy tests the multi-valued keys `lambda:SubnetIds` or
//! `lambda:SecurityGroupIds` without a set operator, or with the wrong one for its effect.
//!
//! Every policy document of the unit is read, whoever it is for (users, CI roles, execution
//! roles). An Allow is an allow-list: every subnet of the request must match, `ForAllValues:`.
//! A Deny is a deny-list: one matching subnet must be enough, `ForAnyValue:`. Negated operators
//! do not change that (`ForAnyValue:StringNotEquals` in a Deny enforces an allow-list). `Null`
//! tests presence and needs no set operator. A condition or effect that cannot be read: silent.

use crate::analysis::iam::condition::{is_key, Operator, SetQualifier};
use crate::diagnostic::{Diagnostic, Severity, Step};
use crate::fix::FixIntent;
use crate::model::{Condition, Effect, Policy, Statement, Value};
use crate::rules::RuleContext;
use crate::source::Span;

const KEYS: &[&str] = &["lambda:SubnetIds", "lambda:SecurityGroupIds"];

pub fn check(ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    // A document used by several policies (one `aws_iam_policy_document` attached twice) is
    // reported once.
    let mut seen: Vec<(Span, String)> = Vec::new();
    for policy in &ctx.model.policies {
        let Value::Known(statements) = &policy.statements else {
            continue;
        };
        for st in statements {
            let Some(Value::Known(entries)) = &st.condition else {
                continue;
            };
            for c in entries {
                let Some(key) = KEYS.iter().find(|k| is_key(&c.key, k)) else {
                    continue;
                };
                let Some(problem) = problem(st, c) else {
                    continue;
                };
                if seen.iter().any(|(s, k)| *s == c.span && k == key) {
                    continue;
                }
                seen.push((c.span, key.to_string()));
                out.push(finding(ctx, policy, st, c, problem));
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    NoSetOperator,
    AllowWithAnyValue,
    DenyWithAllValues,
}

fn problem(st: &Statement, c: &Condition) -> Option<Problem> {
    let op = Operator::parse(&c.operator);
    if op.is_null() {
        return None;
    }
    match (op.qualifier, &st.effect) {
        (None, _) => Some(Problem::NoSetOperator),
        (Some(SetQualifier::ForAnyValue), Value::Known(Effect::Allow)) => {
            Some(Problem::AllowWithAnyValue)
        }
        (Some(SetQualifier::ForAllValues), Value::Known(Effect::Deny)) => {
            Some(Problem::DenyWithAllValues)
        }
        _ => None,
    }
}

fn finding(
    ctx: &RuleContext<'_>,
    policy: &Policy,
    st: &Statement,
    c: &Condition,
    problem: Problem,
) -> Diagnostic {
    let op = Operator::parse(&c.operator);
    let key = c.key.as_str();
    let what = if is_key(key, "lambda:SubnetIds") {
        "subnet"
    } else {
        "security group"
    };
    let effect = match &st.effect {
        Value::Known(Effect::Allow) => "Allow",
        Value::Known(Effect::Deny) => "Deny",
        Value::Unknown(_) => "statement",
    };
    let base = op.base.clone();
    let (message, suggestion) = match problem {
        Problem::NoSetOperator => {
            let qualifier = match &st.effect {
                Value::Known(Effect::Deny) => "ForAnyValue",
                _ => "ForAllValues",
            };
            (
                format!(
                    "policy `{}` tests `{key}` with `{}`, without `ForAllValues:` or `ForAnyValue:`: the key is multi-valued (every {what} of the function's VPC configuration), and a single-valued operator does not test the list as a whole as an allow-list or deny-list must",
                    policy.meta.name, c.operator
                ),
                format!("{qualifier}:{base}"),
            )
        }
        Problem::AllowWithAnyValue => (
            format!(
                "policy `{}` allows with `{}` on `{key}`: `ForAnyValue:` matches when any one {what} of the request matches, so a request that includes one listed {what} is allowed whatever other {what}s it adds",
                policy.meta.name, c.operator
            ),
            format!("ForAllValues:{base}"),
        ),
        Problem::DenyWithAllValues => (
            format!(
                "policy `{}` denies with `{}` on `{key}`: `ForAllValues:` matches only when every {what} of the request matches (and also when there are none), so a request that mixes one unlisted {what} with listed ones escapes the Deny",
                policy.meta.name, c.operator
            ),
            format!("ForAnyValue:{base}"),
        ),
    };
    let proof = vec![
        Step {
            span: policy.meta.span,
            text: format!("in policy `{}`", policy.meta.name),
        },
        Step {
            span: st.span,
            text: format!(
                "its {effect} statement has the condition `{} {key}`",
                c.operator
            ),
        },
    ];
    let rule = match problem {
        Problem::NoSetOperator => {
            "`ForAllValues:` in an Allow (every listed value must be allowed), `ForAnyValue:` in a Deny (one denied value is enough)"
        }
        _ => "in an Allow every value of the request must match (`ForAllValues:`); in a Deny one matching value must be enough (`ForAnyValue:`)",
    };
    let fix = ctx.fix(&FixIntent::UseConditionOperator {
        statement: st.span,
        effect: effect.to_string(),
        key: key.to_string(),
        operator: suggestion.to_string(),
        why: rule.to_string(),
    });
    let file = ctx.file_of(c.span).to_string();
    Diagnostic {
        code: "LVL106",
        slug: "vpc-condition-key-operator",
        severity: Severity::Warning,
        message,
        span: c.span,
        proof,
        fix: fix.text,
        edits: fix.edits,
        fingerprint: Diagnostic::fingerprint_of(
            "LVL106",
            &file,
            &[
                &policy.meta.name,
                st.sid.as_deref().unwrap_or(""),
                key,
                &c.operator,
            ],
        ),
    }
}
