//! The neutral value every front end adapts its evaluated values to before the shared lowering
//! reads them: a small tree of strings, numbers, booleans, lists, maps, unknowns and references
//! to model entities, each node with the span to report it at.

use crate::model::{Entity, Pattern, Reason, Value};
use crate::source::Span;

/// Stands for an unknown piece inside a [`V::Partial`] string. A private-use character, so it
/// survives JSON parsing of policy text with interpolations and never collides with a literal
/// `*` (which in IAM text is a wildcard, not an unknown).
pub const HOLE: char = '\u{E000}';

/// Values nest this deep at most (policy documents need 6); deeper input is unknown.
const MAX_DEPTH: u32 = 64;

#[derive(Debug, Clone)]
pub struct Spanned {
    pub v: V,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum V {
    Str(String),
    Num(f64),
    Bool(bool),
    /// A string with unknown pieces, each written as [`HOLE`]; `reason` explains the first;
    /// `refs` are the resources referenced inside it, when the front end knows them.
    Partial {
        text: String,
        reason: Reason,
        refs: Vec<Ref>,
    },
    List(Vec<Spanned>),
    /// Entries in source order (or sorted, where the front end's maps are).
    Map(Vec<Entry>),
    /// A resource of the unit, or one of its attributes.
    Ref(Ref),
    Unknown(Reason),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Spanned,
}

/// A reference to a resource (`aws_iam_role.r.arn`, `!GetAtt Role.Arn`).
#[derive(Debug, Clone)]
pub struct Ref {
    /// The entity the reference resolves to; `Err` says why there is none (a resource that is
    /// not modelled, an attribute that does not identify it).
    pub entity: Result<Entity, Reason>,
    /// The referenced resource's type as the source writes it (`aws_sqs_queue`,
    /// `AWS::SQS::Queue`), when known.
    pub kind: Option<String>,
    pub attr: RefAttr,
    /// The reference in the user's words, for reasons: `` `aws_iam_role.r.arn` ``.
    pub shown: String,
}

/// What a reference evaluates to, as far as the shared lowering needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefAttr {
    /// The resource's ARN (`.arn`, `Fn::GetAtt X.Arn`, `Ref` of a managed policy).
    Arn,
    /// Its name (`Ref` of a function or role, `.function_name`).
    Name,
    /// A VPC endpoint's prefix list id (Terraform's `prefix_list_id`).
    PrefixList,
    /// Its id or another attribute.
    Other,
}

impl Spanned {
    pub fn new(v: V, span: Span) -> Self {
        Spanned { v, span }
    }

    pub fn unknown(reason: Reason, span: Span) -> Self {
        Spanned {
            v: V::Unknown(reason),
            span,
        }
    }

    /// A map entry by key.
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        match &self.v {
            V::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }
}

impl V {
    pub fn type_name(&self) -> &'static str {
        match self {
            V::Str(_) | V::Partial { .. } => "string",
            V::Num(_) => "number",
            V::Bool(_) => "bool",
            V::List(_) => "list",
            V::Map(_) => "map",
            V::Ref(_) => "resource reference",
            V::Unknown(_) => "unknown value",
        }
    }

    /// Why the value is not a known scalar, or `fallback` (said of known values of the wrong
    /// type).
    pub fn reason_or(&self, fallback: impl FnOnce() -> String) -> Reason {
        match self {
            V::Unknown(r) | V::Partial { reason: r, .. } => r.clone(),
            V::Ref(r) => Reason::new(format!("{} is known only after deployment", r.shown)),
            _ => Reason::new(fallback()),
        }
    }

    /// The value as a string, with Terraform's and CloudFormation's conversion of scalars.
    pub fn as_str(&self) -> Value<String> {
        match self {
            V::Str(s) => Value::Known(s.clone()),
            V::Num(n) => Value::Known(fmt_num(*n)),
            V::Bool(b) => Value::Known(b.to_string()),
            other => Value::Unknown(
                other.reason_or(|| format!("a {} where a string is expected", other.type_name())),
            ),
        }
    }

    /// The value as a boolean; strings `true`/`false` in any case count (CloudFormation accepts
    /// them, Terraform converts them).
    pub fn as_bool(&self) -> Value<bool> {
        match self {
            V::Bool(b) => Value::Known(*b),
            V::Str(s) if s.eq_ignore_ascii_case("true") => Value::Known(true),
            V::Str(s) if s.eq_ignore_ascii_case("false") => Value::Known(false),
            V::Str(s) => Value::unknown(format!("`{s}` is not a boolean")),
            other => Value::Unknown(
                other.reason_or(|| format!("a {} is not a boolean", other.type_name())),
            ),
        }
    }

    /// The value as a pattern: unknown pieces become `*`.
    ///
    /// A reference to a resource is a pattern `*` that is not exact (one string, none of it
    /// known), exactly like a string made of only that reference (`"${aws_s3_bucket.b.arn}"`,
    /// `!Sub "${Bucket.Arn}"`): both front ends must say the same of both spellings, and a
    /// pattern keeps what an analysis needs (it may match anything, and is never the literal
    /// `*` that grants every resource).
    pub fn as_pattern(&self) -> Value<Pattern> {
        match self {
            V::Partial { text, .. } => Value::Known(Pattern {
                text: text.replace(HOLE, "*"),
                exact: false,
            }),
            V::Ref(_) => Value::Known(Pattern {
                text: "*".into(),
                exact: false,
            }),
            other => other.as_str().map(Pattern::exact),
        }
    }
}

/// Whole numbers are shown without a fraction, as both languages print them.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Resolves a value to an entity of one kind (`pick`), naming the kind (`what`) in the reason.
pub fn expect<T>(v: &V, what: &str, pick: impl Fn(Entity) -> Option<T>) -> Value<T> {
    match v {
        V::Ref(r) => match &r.entity {
            Ok(e) => match pick(*e) {
                Some(id) => Value::Known(id),
                None => Value::unknown(format!("{} is not a {what}", r.shown)),
            },
            Err(why) => Value::Unknown(why.clone()),
        },
        // An ARN or name built around one reference (`arn:…:role/${MyRole}`) still names the
        // referenced resource.
        V::Partial { refs, text, reason } => {
            let hits: Vec<T> = refs
                .iter()
                .filter_map(|r| r.entity.as_ref().ok().and_then(|e| pick(*e)))
                .collect();
            match hits.as_slice() {
                [_] if refs.len() == 1 => hits
                    .into_iter()
                    .next()
                    .map_or_else(|| Value::Unknown(reason.clone()), Value::Known),
                _ => Value::unknown(format!(
                    "`{}` is not a {what} of this unit",
                    text.replace(HOLE, "*")
                )),
            }
        }
        V::Str(s) if s.starts_with("arn:") => Value::Unknown(Reason::literal(
            s,
            format!("literal {what} ARN `{s}`, not a resource of this unit"),
        )),
        V::Str(s) => Value::Unknown(Reason::literal(
            s,
            format!("literal {what} id `{s}`, not a resource of this unit"),
        )),
        other => Value::Unknown(
            other.reason_or(|| format!("a {} where a {what} is expected", other.type_name())),
        ),
    }
}

/// The literal id an unknown stands for: every front end builds the reason of a literal it
/// cannot resolve with [`Reason::literal`] ([`expect`], and the front ends' own resolvers), so
/// that a later source of entities (the AWS snapshot) can resolve it. `None` for any other
/// reason.
pub fn literal_of(reason: &Reason) -> Option<&str> {
    match reason.lookup() {
        Some(crate::model::Lookup::Id(id)) if !id.is_empty() => Some(id),
        _ => None,
    }
}

/// A list of references, each item resolved with [`expect`] and kept with its own span.
pub fn expect_items<T>(
    v: &V,
    what: &str,
    pick: impl Fn(Entity) -> Option<T> + Copy,
) -> Value<Vec<crate::model::Item<T>>> {
    match v {
        V::List(items) => Value::Known(
            items
                .iter()
                .map(|it| crate::model::Item {
                    value: expect(&it.v, what, pick),
                    span: it.span,
                })
                .collect(),
        ),
        other => Value::Unknown(
            other.reason_or(|| format!("a {} where a list is expected", other.type_name())),
        ),
    }
}

/// JSON text (a policy written as a string or heredoc) as a value. Every node gets `span`, the
/// span of the string: offsets inside a string do not map to file bytes once escapes are read.
/// Strings that contain [`HOLE`]s (interpolations the front end could not know) stay partial.
pub fn from_json_text(text: &str, span: Span, reason: Option<&Reason>) -> Spanned {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => from_json(&j, span, reason, 0),
        Err(e) => Spanned::unknown(Reason::new(format!("not valid JSON: {e}")), span),
    }
}

fn from_json(j: &serde_json::Value, span: Span, reason: Option<&Reason>, depth: u32) -> Spanned {
    if depth > MAX_DEPTH {
        return Spanned::unknown(Reason::new("JSON nested too deeply"), span);
    }
    let v = match j {
        serde_json::Value::Null => V::Unknown(Reason::new("`null` in a JSON document")),
        serde_json::Value::Bool(b) => V::Bool(*b),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) => V::Num(f),
            None => V::Unknown(Reason::new("number out of range")),
        },
        serde_json::Value::String(s) if s.contains(HOLE) => V::Partial {
            text: s.clone(),
            reason: reason
                .cloned()
                .unwrap_or_else(|| Reason::new("part of the text is not known before deployment")),
            refs: Vec::new(),
        },
        serde_json::Value::String(s) => V::Str(s.clone()),
        serde_json::Value::Array(a) => V::List(
            a.iter()
                .map(|x| from_json(x, span, reason, depth + 1))
                .collect(),
        ),
        serde_json::Value::Object(o) => V::Map(
            o.iter()
                .map(|(k, x)| Entry {
                    key: k.clone(),
                    key_span: span,
                    value: from_json(x, span, reason, depth + 1),
                })
                .collect(),
        ),
    };
    Spanned::new(v, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn sp() -> Span {
        Span {
            file: FileId(0),
            start: 0,
            end: 1,
        }
    }

    #[test]
    fn json_text_keeps_holes_partial() {
        let text = format!(r#"{{"Resource": ["arn:aws:s3:::{HOLE}/*", "*"]}}"#);
        let v = from_json_text(&text, sp(), None);
        let Some(Spanned {
            v: V::List(items), ..
        }) = v.get("Resource")
        else {
            panic!("no list: {v:?}")
        };
        assert_eq!(
            items[0].v.as_pattern(),
            Value::Known(Pattern {
                text: "arn:aws:s3:::*/*".into(),
                exact: false
            })
        );
        assert_eq!(items[1].v.as_pattern(), Value::Known(Pattern::exact("*")));
    }

    #[test]
    fn bad_json_is_unknown() {
        assert!(matches!(from_json_text("{", sp(), None).v, V::Unknown(_)));
        let deep = "[".repeat(100) + &"]".repeat(100);
        let mut v = &from_json_text(&deep, sp(), None);
        let mut depth = 0;
        while let V::List(items) = &v.v {
            v = &items[0];
            depth += 1;
        }
        assert!(matches!(v.v, V::Unknown(_)));
        assert!(depth <= MAX_DEPTH + 1);
    }

    #[test]
    fn literal_ids_are_recorded_beside_the_words() {
        for id in ["subnet-9", "arn:aws:iam::1:role/r"] {
            let Value::Unknown(r) = expect(&V::Str(id.into()), "subnet", |_| Some(())) else {
                panic!("a literal is unknown")
            };
            assert_eq!(literal_of(&r), Some(id));
            assert!(r.0.contains(id), "the words name it too: {r}");
        }
        // Words alone never make a literal: only what a front end recorded counts.
        let words = Reason::new("literal subnet id `subnet-1`, not a resource of this unit");
        assert_eq!(literal_of(&words), None);
        assert_eq!(literal_of(&Reason::new("variable `x` has no value")), None);
    }

    #[test]
    fn a_reference_is_an_inexact_star() {
        let r = V::Ref(Ref {
            entity: Err(Reason::new("not modelled")),
            kind: Some("aws_s3_bucket".into()),
            attr: RefAttr::Arn,
            shown: "`aws_s3_bucket.b.arn`".into(),
        });
        assert_eq!(
            r.as_pattern(),
            Value::Known(Pattern {
                text: "*".into(),
                exact: false
            })
        );
    }
}
