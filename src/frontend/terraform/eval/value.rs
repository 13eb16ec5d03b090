//! The evaluator's values: what Terraform would know before `apply`, with the spans of list
//! items and map entries so the lowering can point at the exact entry.

use std::collections::BTreeMap;

use crate::model::{Pattern, Reason};
use crate::source::Span;

/// Stands for an unknown piece inside a string until it is shown as `*` in a [`Pattern`]; a
/// private-use character so it survives JSON parsing of interpolated policy text.
pub const HOLE: char = '\u{E000}';

#[derive(Debug, Clone)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string with unknown pieces, each written as [`HOLE`]; `reason` explains the first.
    Partial {
        text: String,
        reason: Reason,
    },
    List(Vec<Item>),
    Map(BTreeMap<String, Item>),
    /// A resource instance, or one of its computed attributes (`aws_subnet.a.id`).
    Ref(Ref),
    /// The result of `jsonencode` / a policy document's `json`: a string in Terraform, kept as
    /// structure so policies can be lowered with their spans.
    Json(Box<Val>),
    /// A zone list of `data "aws_availability_zones"` (`index: None`, length unknown) or its
    /// `index`-th zone (a string whose value is unknown): see `eval/zones.rs`.
    AwsZones {
        list: String,
        index: Option<usize>,
    },
    Unknown(Reason),
}

/// A list element or map entry with the span of the expression that produced it.
#[derive(Debug, Clone)]
pub struct Item {
    pub val: Val,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstKey {
    Index(usize),
    Key(String),
}

#[derive(Debug, Clone)]
pub struct Ref {
    /// The module instance the resource is declared in, and its address prefix.
    pub module: usize,
    pub prefix: String,
    pub kind: String,
    pub name: String,
    pub key: Option<InstKey>,
    /// The number of instances is unknown: any index names this same, single entity.
    pub uncertain: bool,
    pub attr: Option<String>,
}

impl Ref {
    /// The resource instance's address (`aws_subnet.a[0]`, `aws_subnet.b["x"]`).
    pub fn address(&self) -> String {
        let a = instance_address(self.kind.as_str(), self.name.as_str(), self.key.as_ref());
        format!("{}{a}", self.prefix)
    }
}

pub fn instance_address(kind: &str, name: &str, key: Option<&InstKey>) -> String {
    match key {
        None => format!("{kind}.{name}"),
        Some(InstKey::Index(i)) => format!("{kind}.{name}[{i}]"),
        Some(InstKey::Key(k)) => format!("{kind}.{name}[{k:?}]"),
    }
}

impl Val {
    pub fn unknown(reason: impl Into<String>) -> Val {
        Val::Unknown(Reason::new(reason))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The reason this value is not fully known, if it is not.
    pub fn unknown_reason(&self) -> Option<Reason> {
        match self {
            Val::Unknown(r) | Val::Partial { reason: r, .. } => Some(r.clone()),
            Val::AwsZones { list, index } => Some(super::zones::reason(list, *index)),
            Val::Ref(r) => Some(Reason::new(format!(
                "`{}` is known only after apply",
                ref_text(r)
            ))),
            _ => None,
        }
    }

    /// The value as a string when Terraform would convert it to one.
    pub fn as_str(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(fmt_num(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(_) => "number",
            Val::Str(_) | Val::Partial { .. } | Val::Json(_) => "string",
            Val::AwsZones { index: Some(_), .. } => "string",
            Val::AwsZones { index: None, .. } => "list",
            Val::List(_) => "list",
            Val::Map(_) => "object",
            Val::Ref(_) => "resource",
            Val::Unknown(_) => "unknown",
        }
    }

    /// A string as a pattern: unknown pieces become `*`.
    pub fn as_pattern(&self) -> Option<Pattern> {
        match self {
            Val::Partial { text, .. } => Some(Pattern {
                text: text.replace(HOLE, "*"),
                exact: false,
            }),
            other => other.as_str().map(Pattern::exact),
        }
    }

    /// Structural equality ignoring spans; `None` when it depends on unknown values.
    pub fn equals(&self, other: &Val) -> Option<bool> {
        match (self, other) {
            // A resource's `id` / `arn` is never null once it exists (modules test optional
            // inputs with `var.x == null`).
            (Val::Ref(r), Val::Null) | (Val::Null, Val::Ref(r))
                if matches!(r.attr.as_deref(), None | Some("id" | "arn")) =>
            {
                Some(false)
            }
            (Val::AwsZones { .. }, _) | (_, Val::AwsZones { .. }) => {
                super::zones::equals(self, other)
            }
            (Val::Unknown(_), _)
            | (_, Val::Unknown(_))
            | (Val::Partial { .. }, _)
            | (_, Val::Partial { .. }) => None,
            (Val::Ref(_), _) | (_, Val::Ref(_)) | (Val::Json(_), _) | (_, Val::Json(_)) => None,
            (Val::Null, Val::Null) => Some(true),
            (Val::Bool(a), Val::Bool(b)) => Some(a == b),
            (Val::Num(a), Val::Num(b)) => Some(a == b),
            (Val::Str(a), Val::Str(b)) => Some(a == b),
            (Val::List(a), Val::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut all = true;
                for (x, y) in a.iter().zip(b) {
                    match x.val.equals(&y.val) {
                        Some(false) => return Some(false),
                        None => all = false,
                        Some(true) => {}
                    }
                }
                all.then_some(true)
            }
            (Val::Map(a), Val::Map(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                let mut all = true;
                for (x, y) in a.values().zip(b.values()) {
                    match x.val.equals(&y.val) {
                        Some(false) => return Some(false),
                        None => all = false,
                        Some(true) => {}
                    }
                }
                all.then_some(true)
            }
            _ => Some(false),
        }
    }
}

pub fn ref_text(r: &Ref) -> String {
    match &r.attr {
        Some(a) => format!("{}.{a}", r.address()),
        None => r.address(),
    }
}

/// Terraform shows whole numbers without a fraction.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The value with every list item and map entry re-pointed at `span` (values that come from
/// elsewhere: a module's output, the command line).
pub fn respan(v: Val, span: Span) -> Val {
    match v {
        Val::List(items) => Val::List(
            items
                .into_iter()
                .map(|it| Item {
                    val: respan(it.val, span),
                    span,
                })
                .collect(),
        ),
        Val::Map(m) => Val::Map(
            m.into_iter()
                .map(|(k, it)| {
                    let val = respan(it.val, span);
                    (k, Item { val, span })
                })
                .collect(),
        ),
        other => other,
    }
}
