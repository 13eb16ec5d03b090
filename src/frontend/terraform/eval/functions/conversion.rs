//! Type conversion functions (`tostring`, `tonumber`, `tobool`, `tolist`, `toset`, `tomap`) and
//! the functions about marks this evaluator does not track (`sensitive`, `nonsensitive`,
//! `issensitive`, `ephemeralasnull`). `convert(value, type)` is in `mod.rs`: it needs the type
//! expression itself.

use super::collections::{to_set, unify};
use super::{fail, Args, Out};
use crate::frontend::terraform::eval::Val;

pub fn call(name: &str, a: &Args) -> Option<Out> {
    Some(match name {
        "tostring" => a.arity(1, 1).and_then(|_| tostring(a.val(0)?)),
        "tonumber" => a.arity(1, 1).and_then(|_| tonumber(a.val(0)?)),
        "tobool" => a.arity(1, 1).and_then(|_| tobool(a.val(0)?)),
        "tolist" => a.arity(1, 1).and_then(|_| match a.val(0)? {
            Val::Null => Ok(Val::Null),
            v @ Val::Ref(_) => Ok(v.clone()),
            _ => Ok(Val::List(unify(a.list(0)?)?)),
        }),
        "toset" => a.arity(1, 1).and_then(|_| match a.val(0)? {
            Val::Null => Ok(Val::Null),
            _ => Ok(Val::List(to_set(a.list(0)?, "toset")?)),
        }),
        "tomap" => a.arity(1, 1).and_then(|_| match a.val(0)? {
            Val::Null => Ok(Val::Null),
            _ => {
                let m = a.map(0)?;
                let items: Vec<_> = m.values().cloned().collect();
                let unified = unify(&items)?;
                Ok(Val::Map(m.keys().cloned().zip(unified).collect()))
            }
        }),
        // Sensitivity changes how Terraform shows a value, not the value.
        "sensitive" | "nonsensitive" => a.arity(1, 1).and_then(|_| Ok(a.val(0)?.clone())),
        "issensitive" => fail("sensitivity is not tracked"),
        "ephemeralasnull" => fail("ephemeral values are not tracked"),
        "type" => fail("is only available in `terraform console`"),
        _ => return None,
    })
}

fn tostring(v: &Val) -> Out {
    match v {
        Val::Null => Ok(Val::Null),
        Val::Str(_) | Val::Partial { .. } | Val::Ref(_) | Val::Json(_) => Ok(v.clone()),
        Val::Num(_) | Val::Bool(_) => Ok(Val::Str(v.as_str().unwrap_or_default())),
        other => fail(format!(
            "cannot convert a {} to a string",
            other.type_name()
        )),
    }
}

fn tonumber(v: &Val) -> Out {
    match v {
        Val::Null => Ok(Val::Null),
        Val::Num(_) => Ok(v.clone()),
        Val::Str(s) => match parse_number(s) {
            Some(n) => Ok(Val::Num(n)),
            None => fail(format!("cannot convert `{s}` to a number")),
        },
        Val::Partial { .. } | Val::Ref(_) => {
            Err(super::pending(v)
                .unwrap_or_else(|| super::Fail::Msg("the string is not known".into())))
        }
        other => fail(format!(
            "cannot convert a {} to a number",
            other.type_name()
        )),
    }
}

/// A decimal number as Terraform reads one (no spaces, no `inf`/`nan`, no hexadecimal).
pub fn parse_number(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'));
    // Only what `f64` holds exactly: a rounded number would be a wrong value.
    ok.then(|| crate::frontend::terraform::eval::numbers::exact(s))
        .flatten()
}

fn tobool(v: &Val) -> Out {
    match v {
        Val::Null => Ok(Val::Null),
        Val::Bool(_) => Ok(v.clone()),
        Val::Str(s) if s == "true" => Ok(Val::Bool(true)),
        Val::Str(s) if s == "false" => Ok(Val::Bool(false)),
        Val::Partial { .. } | Val::Ref(_) => {
            Err(super::pending(v)
                .unwrap_or_else(|| super::Fail::Msg("the string is not known".into())))
        }
        other => fail(format!(
            "cannot convert {} to a bool",
            other
                .as_str()
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| format!("a {}", other.type_name()))
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn scalars() {
        check(r#"tostring(1)"#, r#""1""#);
        check(r#"tostring(true)"#, r#""true""#);
        check(r#"tostring(null)"#, "null");
        check(r#"tostring([])"#, "unknown(*cannot convert a list*)");
        check(r#"tostring(var.unset)"#, "unknown(*unset*)");
        check(r#"tonumber("1.5")"#, "1.5");
        check(r#"tonumber("1e3")"#, "1000");
        check(r#"tonumber("inf")"#, "unknown(*cannot convert `inf`*)");
        check(r#"tonumber(" 1")"#, "unknown(*cannot convert*)");
        check(r#"tonumber(aws_vpc.x.id)"#, "unknown(*)");
        check(r#"tobool("true")"#, "true");
        check(
            r#"tobool("yes")"#,
            "unknown(*cannot convert `yes` to a bool)",
        );
        check(r#"tobool(var.unset)"#, "unknown(*unset*)");
    }

    #[test]
    fn collections() {
        check(r#"tolist(["a", 1])"#, r#"["a", "1"]"#);
        check(r#"tolist([[1], "a"])"#, "unknown(*same type)");
        check(r#"tolist({})"#, "unknown(*not a list)");
        check(r#"tolist(var.unset)"#, "unknown(*unset*)");
        check(r#"tomap({a = 1, b = "x"})"#, r#"{a = "1", b = "x"}"#);
        check(r#"tomap([])"#, "unknown(*not a map)");
        check(r#"tomap({a = true, b = 1})"#, "unknown(*same type)");
        check(r#"tomap(var.unset)"#, "unknown(*unset*)");
        check(r#"toset(var.unset)"#, "unknown(*unset*)");
        check(r#"sensitive("a")"#, r#""a""#);
        check(r#"nonsensitive(var.unset)"#, "unknown(*unset*)");
        check(
            r#"issensitive("a")"#,
            "unknown(`issensitive()`: sensitivity is not tracked)",
        );
        check(r#"ephemeralasnull("a")"#, "unknown(*ephemeral*)");
        check(r#"type("a")"#, "unknown(*console*)");
        check(r#"convert("1", number)"#, "1");
        check(r#"convert(1, string)"#, r#""1""#);
        check(r#"convert(var.unset, string)"#, "unknown(*unset*)");
    }
}
