//! IAM policy documents: evaluating `data "aws_iam_policy_document"` into the JSON structure it
//! renders, with the spans of its blocks. Reading any policy value (that structure,
//! `jsonencode({...})`, JSON text in a string or heredoc) into model statements is the shared
//! lowering's (`crate::lower::iam::statements`).

use std::collections::BTreeMap;

use hcl_edit::structure::Body;

use super::eval::{reason_or, Evaluator, Item, Scope, Val};
use super::parse::{span_of, Resource};
use crate::model::Reason;
use crate::source::Span;

/// The document a policy-document data source renders, as a `{Version, Statement}` map whose
/// statements carry the span of their `statement` block. `scope` is the instance's (with
/// `count.index` / `each` set when the data source has `count` / `for_each`).
pub fn evaluate(ev: &Evaluator<'_>, res: &Resource<'_>, scope: &Scope) -> Val {
    let scope = scope.clone();
    let body = res.body();
    let mut statements: Vec<Item> = Vec::new();
    if let Some(a) = body.get_attribute("source_policy_documents") {
        match documents_statements(ev.eval(&a.value, &scope), ev.span(&scope, &a.value)) {
            Ok(s) => statements.extend(s),
            Err(r) => return Val::Unknown(r),
        }
    }
    let blocks = match ev.blocks(body, "statement", &scope) {
        Ok(b) => b,
        Err(r) => return Val::Unknown(r),
    };
    for (b, span, s) in blocks {
        let st = Item {
            val: statement(ev, b, &s, span),
            span,
        };
        merge_by_sid(&mut statements, st);
    }
    if let Some(a) = body.get_attribute("override_policy_documents") {
        match documents_statements(ev.eval(&a.value, &scope), ev.span(&scope, &a.value)) {
            Ok(s) => s
                .into_iter()
                .for_each(|st| merge_by_sid(&mut statements, st)),
            Err(r) => return Val::Unknown(r),
        }
    }
    let mut doc = BTreeMap::new();
    let span = span_of(res.file, res.block);
    doc.insert(
        "Version".into(),
        Item {
            val: Val::Str("2012-10-17".into()),
            span,
        },
    );
    doc.insert(
        "Statement".into(),
        Item {
            val: Val::List(statements),
            span,
        },
    );
    Val::Map(doc)
}

/// A statement with the same `Sid` replaces the earlier one, as Terraform does when merging
/// documents; others are appended.
fn merge_by_sid(statements: &mut Vec<Item>, st: Item) {
    let sid = |v: &Val| match v {
        Val::Map(m) => m
            .get("Sid")
            .and_then(|s| s.val.as_str())
            .filter(|s| !s.is_empty()),
        _ => None,
    };
    if let Some(id) = sid(&st.val) {
        if let Some(slot) = statements
            .iter_mut()
            .find(|x| sid(&x.val).as_deref() == Some(id.as_str()))
        {
            *slot = st;
            return;
        }
    }
    statements.push(st);
}

/// The statements of a list of documents (`source_policy_documents`).
fn documents_statements(v: Val, span: Span) -> Result<Vec<Item>, Reason> {
    let Val::List(docs) = v else {
        return Err(reason_or(&v, "the policy documents are not a list".into()));
    };
    let mut out = Vec::new();
    for d in docs {
        let doc = document(d.val, d.span)?;
        match doc.remove_statement() {
            Some(Val::List(items)) => out.extend(items),
            Some(m @ Val::Map(_)) => out.push(Item { val: m, span }),
            Some(other) => return Err(reason_or(&other, "`Statement` is not a list".into())),
            None => {}
        }
    }
    Ok(out)
}

struct Doc(BTreeMap<String, Item>);

impl Doc {
    fn remove_statement(mut self) -> Option<Val> {
        self.0.remove("Statement").map(|i| i.val)
    }
}

/// A policy value as a JSON-like map: structure from `jsonencode` / a document, or text.
fn document(v: Val, span: Span) -> Result<Doc, Reason> {
    let v = match v {
        Val::Json(inner) => *inner,
        Val::Str(s) => super::eval::from_json_text(&s, span),
        Val::Partial { text, reason } => match super::eval::from_json_text(&text, span) {
            Val::Unknown(_) => return Err(reason),
            v => v,
        },
        other => other,
    };
    match v {
        Val::Map(m) => Ok(Doc(m)),
        other => Err(reason_or(&other, "the policy is not a JSON object".into())),
    }
}

fn statement(ev: &Evaluator<'_>, body: &Body, scope: &Scope, span: Span) -> Val {
    let mut m = BTreeMap::new();
    let put = |key: &str, attr: &str, m: &mut BTreeMap<String, Item>| {
        if let Some(a) = body.get_attribute(attr) {
            let val = ev.eval(&a.value, scope);
            if !val.is_null() {
                m.insert(
                    key.to_string(),
                    Item {
                        val,
                        span: ev.span(scope, &a.value),
                    },
                );
            }
        }
    };
    put("Sid", "sid", &mut m);
    put("Effect", "effect", &mut m);
    put("Action", "actions", &mut m);
    put("NotAction", "not_actions", &mut m);
    put("Resource", "resources", &mut m);
    put("NotResource", "not_resources", &mut m);
    m.entry("Effect".into()).or_insert(Item {
        val: Val::Str("Allow".into()),
        span,
    });
    let conditions = match ev.blocks(body, "condition", scope) {
        Ok(blocks) => {
            let mut by_test: BTreeMap<String, Item> = BTreeMap::new();
            let mut unknown = None;
            for (b, bspan, s) in blocks {
                let get = |k: &str| {
                    b.get_attribute(k)
                        .map(|a| (ev.eval(&a.value, &s), ev.span(&s, &a.value)))
                };
                let (Some((test, _)), Some((var, _)), Some((values, vspan))) =
                    (get("test"), get("variable"), get("values"))
                else {
                    continue;
                };
                let (Some(test), Some(var)) = (test.as_str(), var.as_str()) else {
                    unknown = Some(reason_or(
                        &test,
                        "a condition's test or variable is unknown".into(),
                    ));
                    continue;
                };
                let entry = by_test.entry(test).or_insert(Item {
                    val: Val::Map(BTreeMap::new()),
                    span: bspan,
                });
                if let Val::Map(keys) = &mut entry.val {
                    keys.insert(
                        var,
                        Item {
                            val: values,
                            span: vspan,
                        },
                    );
                }
            }
            match unknown {
                Some(r) => Some(Val::Unknown(r)),
                None if by_test.is_empty() => None,
                None => Some(Val::Map(by_test)),
            }
        }
        Err(r) => Some(Val::Unknown(r)),
    };
    if let Some(c) = conditions {
        m.insert("Condition".into(), Item { val: c, span });
    }
    Val::Map(m)
}
