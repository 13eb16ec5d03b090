//! Type constraints of variables: the conversions Terraform applies to a given value (`"3"` for
//! a `number`, `true` for a `string`) and the `optional(type, default)` attributes of object
//! types, filled in when the value leaves them out or sets them to null.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};

use super::{Evaluator, Item, Scope, Val};

/// Type expressions nest far less than this.
const MAX_TYPE_DEPTH: u32 = 16;

pub fn convert(ev: &Evaluator<'_>, v: Val, ty: &Expression, scope: &Scope) -> Val {
    convert_at(ev, v, ty, scope, 0)
}

fn convert_at(ev: &Evaluator<'_>, v: Val, ty: &Expression, scope: &Scope, depth: u32) -> Val {
    if depth > MAX_TYPE_DEPTH {
        return v;
    }
    match ty {
        Expression::Variable(id) => primitive(v, id.as_str()),
        Expression::FuncCall(f) => {
            let arg = f.args.iter().next();
            match (f.name.name.as_str(), v, arg) {
                ("list" | "set", Val::List(items), Some(t)) => Val::List(
                    items
                        .into_iter()
                        .map(|it| Item {
                            val: convert_at(ev, it.val, t, scope, depth + 1),
                            span: it.span,
                        })
                        .collect(),
                ),
                ("map", Val::Map(m), Some(t)) => Val::Map(
                    m.into_iter()
                        .map(|(k, it)| {
                            let val = convert_at(ev, it.val, t, scope, depth + 1);
                            (k, Item { val, span: it.span })
                        })
                        .collect(),
                ),
                ("object", Val::Map(m), Some(Expression::Object(attrs))) => {
                    object(ev, m, attrs, scope, depth)
                }
                ("tuple", Val::List(items), Some(Expression::Array(types))) => Val::List(
                    items
                        .into_iter()
                        .zip(types.iter().map(Some).chain(std::iter::repeat(None)))
                        .map(|(it, t)| Item {
                            val: match t {
                                Some(t) => convert_at(ev, it.val, t, scope, depth + 1),
                                None => it.val,
                            },
                            span: it.span,
                        })
                        .collect(),
                ),
                (_, v, _) => v,
            }
        }
        _ => v,
    }
}

fn primitive(v: Val, ty: &str) -> Val {
    match (ty, v) {
        ("string", v @ (Val::Num(_) | Val::Bool(_))) => Val::Str(v.as_str().unwrap_or_default()),
        ("number", Val::Str(s)) => match super::numbers::exact(&s) {
            Some(n) => Val::Num(n),
            None => Val::unknown(format!(
                "`{s}` is not a number (exact in 64-bit floating point)"
            )),
        },
        ("bool", Val::Str(s)) if s == "true" || s == "false" => Val::Bool(s == "true"),
        (_, v) => v,
    }
}

/// Object attributes: `optional(T)` / `optional(T, default)` fill in what the value leaves out.
fn object(
    ev: &Evaluator<'_>,
    mut m: BTreeMap<String, Item>,
    attrs: &hcl_edit::expr::Object,
    scope: &Scope,
    depth: u32,
) -> Val {
    for (k, t) in attrs.iter() {
        let name = match k {
            ObjectKey::Ident(id) => id.as_str().to_string(),
            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
            ObjectKey::Expression(Expression::Variable(id)) => id.as_str().to_string(),
            ObjectKey::Expression(_) => continue,
        };
        let t = t.expr();
        let optional = match t {
            Expression::FuncCall(f) if f.name.name.as_str() == "optional" => {
                let mut args = f.args.iter();
                Some((args.next(), args.next()))
            }
            _ => None,
        };
        let present = m.get(&name).is_some_and(|it| !it.val.is_null());
        match (optional, present) {
            (Some((Some(inner), default)), false) => {
                let val = match default {
                    Some(d) => {
                        let dv = ev.eval(d, scope);
                        convert_at(ev, dv, inner, scope, depth + 1)
                    }
                    None => Val::Null,
                };
                let span = ev.span(scope, default.unwrap_or(t));
                m.insert(name, Item { val, span });
            }
            (Some((Some(_), _)) | None, true) => {
                let inner = match optional {
                    Some((Some(inner), _)) => inner,
                    _ => t,
                };
                if let Some(it) = m.remove(&name) {
                    let val = convert_at(ev, it.val, inner, scope, depth + 1);
                    m.insert(name, Item { val, span: it.span });
                }
            }
            _ => {}
        }
    }
    Val::Map(m)
}
