//! Terraform's built-in functions (the list in Terraform's `internal/lang/functions.go`), by
//! family. Semantics follow Terraform's and go-cty's implementations; where this linter cannot
//! produce exactly Terraform's value (randomness, the clock, Go's gzip output, sensitivity
//! marks) the result is unknown with a reason naming the function, never a guess. The unit
//! tests' expressions (and about 200 more edge cases) were checked against `terraform console`
//! of Terraform 1.11: no known result differs.
//!
//! Conventions of every family:
//! - an unknown argument makes the result unknown (`try`, `can`, `coalesce` look themselves);
//! - an error Terraform would report becomes unknown with a reason naming the function;
//! - results are bounded ([`MAX_ELEMENTS`], [`MAX_STRING`]): hostile input cannot make the
//!   linter allocate gigabytes.

mod collections;
mod conversion;
mod encoding;
mod files;
mod format;
mod hash;
mod ipnet;
mod numeric;
mod regex;
mod strings;
#[cfg(test)]
mod tests;
mod time;

use std::cell::Cell;
use std::collections::BTreeMap;

use hcl_edit::expr::FuncCall;

use super::{reason_or, Evaluator, Item, Scope, Val};
use crate::model::Reason;
use crate::source::Span;

pub use encoding::from_json_text;

/// The most list elements (or map entries) a function may produce. Terraform's own `range` stops
/// at 1,024; no real configuration builds lists anywhere near this, and it keeps a hostile
/// `setproduct` or `formatlist` from allocating gigabytes.
pub const MAX_ELEMENTS: usize = 100_000;

/// The longest string (in bytes) a function may produce: 16 MiB, four times the largest file the
/// file functions read.
pub const MAX_STRING: usize = 16 << 20;

/// Why a function has no known result.
pub enum Fail {
    /// An argument is not known (yet): its own reason is kept.
    Unknown(Reason),
    /// Terraform would report an error, or the value cannot be known from files.
    Msg(String),
}

pub type Out = Result<Val, Fail>;

pub fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Msg(msg.into()))
}

pub fn budget<T>() -> Result<T, Fail> {
    fail(BUDGET)
}

/// The reason of a result refused by [`check_len`] or [`check_count`].
pub const BUDGET: &str = "evaluation budget exceeded";

thread_local! {
    /// The bytes left in the budget of the unit whose function is running (see [`within`]):
    /// functions check a result's size against it before building the result.
    static ROOM: Cell<usize> = const { Cell::new(usize::MAX) };
    /// Set when a result was refused for want of room (not for a per-value cap).
    static NO_ROOM: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with `room` bytes left for the values it builds (the previous room restored after:
/// a function call never yields the thread, so another unit cannot see this one's room), and
/// says whether a result was refused because the room was too small.
pub fn within<T>(room: usize, f: impl FnOnce() -> T) -> (T, bool) {
    let before = ROOM.with(|r| r.replace(room));
    let no_room_before = NO_ROOM.with(|r| r.replace(false));
    let out = f();
    ROOM.with(|r| r.set(before));
    let no_room = NO_ROOM.with(|r| r.replace(no_room_before));
    (out, no_room)
}

fn room(n: usize) -> Result<(), Fail> {
    if n > ROOM.with(Cell::get) {
        NO_ROOM.with(|r| r.set(true));
        budget()
    } else {
        Ok(())
    }
}

/// Fails when a string would exceed [`MAX_STRING`] or the room left in the unit's budget.
pub fn check_len(len: usize) -> Result<(), Fail> {
    if len > MAX_STRING {
        return budget();
    }
    room(len)
}

/// Fails when `n` bytes of copies would not fit in the unit's budget.
pub fn check_bytes(n: usize) -> Result<(), Fail> {
    room(n)
}

/// Fails when a list would exceed [`MAX_ELEMENTS`] or the room left in the unit's budget.
pub fn check_count(n: usize) -> Result<(), Fail> {
    if n > MAX_ELEMENTS {
        return budget();
    }
    room(n.saturating_mul(super::budget::NODE))
}

/// The not-yet-known reason of a value, if it is not known.
fn pending(v: &Val) -> Option<Fail> {
    match v {
        Val::Unknown(r) | Val::Partial { reason: r, .. } => Some(Fail::Unknown(r.clone())),
        Val::Ref(_) => v.unknown_reason().map(Fail::Unknown),
        _ => None,
    }
}

/// A value as a string, converting numbers and bools like Terraform (and `jsonencode` results to
/// their text).
pub fn str_of(v: &Val) -> Result<String, Fail> {
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::Str(s) => Ok(s.clone()),
        Val::Num(_) | Val::Bool(_) => Ok(v.as_str().unwrap_or_default()),
        Val::Json(inner) => encoding::json_text(inner),
        Val::Null => fail("argument must not be null"),
        other => fail(format!("a {} is not a string", other.type_name())),
    }
}

/// A value as a number: numeric strings convert, like Terraform's parameter conversion.
pub fn num_of(v: &Val) -> Result<f64, Fail> {
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::Num(n) => Ok(*n),
        Val::Str(s) => match super::numbers::exact(s) {
            Some(n) => Ok(n),
            None if s.parse::<f64>().is_ok_and(f64::is_finite) => fail(format!(
                "`{s}` is not exact in 64-bit floating point (Terraform's numbers are \
                 arbitrary-precision)"
            )),
            None => fail(format!("`{s}` is not a number")),
        },
        Val::Null => fail("argument must not be null"),
        other => fail(format!("a {} is not a number", other.type_name())),
    }
}

/// A whole number (Terraform rejects fractions where it needs an integer).
pub fn int_of(v: &Val) -> Result<i64, Fail> {
    let n = num_of(v)?;
    if n.fract() != 0.0 {
        return fail(format!("{} is not a whole number", super::fmt_num(n)));
    }
    if n.abs() > 9.0e15 {
        return fail(format!(
            "{} is beyond the whole numbers evaluated here (up to 2^53)",
            super::fmt_num(n)
        ));
    }
    Ok(n as i64)
}

pub fn bool_of(v: &Val) -> Result<bool, Fail> {
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::Bool(b) => Ok(*b),
        Val::Str(s) if s == "true" => Ok(true),
        Val::Str(s) if s == "false" => Ok(false),
        Val::Null => fail("argument must not be null"),
        other => fail(format!("a {} is not a bool", other.type_name())),
    }
}

pub fn list_of(v: &Val) -> Result<&[Item], Fail> {
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::List(l) => Ok(l),
        Val::Null => fail("argument must not be null"),
        other => fail(format!("a {} is not a list", other.type_name())),
    }
}

pub fn map_of(v: &Val) -> Result<&BTreeMap<String, Item>, Fail> {
    if let Some(f) = pending(v) {
        return Err(f);
    }
    match v {
        Val::Map(m) => Ok(m),
        Val::Null => fail("argument must not be null"),
        other => fail(format!("a {} is not a map", other.type_name())),
    }
}

/// The evaluated arguments of one call.
pub struct Args {
    pub items: Vec<Item>,
    /// The call's span: new list items and map entries point at it.
    pub span: Span,
}

impl Args {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Terraform checks the number of arguments before anything else.
    pub fn arity(&self, min: usize, max: usize) -> Result<(), Fail> {
        let n = self.items.len();
        if n < min || n > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return fail(format!("takes {want} arguments, got {n}"));
        }
        Ok(())
    }

    pub fn val(&self, i: usize) -> Result<&Val, Fail> {
        match self.items.get(i) {
            Some(it) => Ok(&it.val),
            None => fail(format!("missing argument {}", i + 1)),
        }
    }

    pub fn str(&self, i: usize) -> Result<String, Fail> {
        str_of(self.val(i)?)
    }

    pub fn num(&self, i: usize) -> Result<f64, Fail> {
        num_of(self.val(i)?)
    }

    pub fn int(&self, i: usize) -> Result<i64, Fail> {
        int_of(self.val(i)?)
    }

    pub fn list(&self, i: usize) -> Result<&[Item], Fail> {
        list_of(self.val(i)?)
    }

    pub fn map(&self, i: usize) -> Result<&BTreeMap<String, Item>, Fail> {
        map_of(self.val(i)?)
    }

    /// A new item pointing at the call.
    pub fn item(&self, val: Val) -> Item {
        Item {
            val,
            span: self.span,
        }
    }

    /// A list of strings pointing at the call.
    pub fn str_list(&self, strs: impl IntoIterator<Item = String>) -> Val {
        Val::List(strs.into_iter().map(|s| self.item(Val::Str(s))).collect())
    }
}

impl Evaluator<'_> {
    pub(super) fn call(&self, f: &FuncCall, scope: &Scope) -> Val {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() {
            let ns: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
            // `core::upper` is the built-in `upper`; provider functions are not evaluated.
            if ns != ["core"] {
                return Val::unknown(format!("provider function `{name}` is not evaluated"));
            }
        }
        let span = self.span(scope, f);
        let mut args: Vec<Item> = f
            .args
            .iter()
            .map(|a| Item {
                val: self.eval(a, scope),
                span: self.span(scope, a),
            })
            .collect();
        if f.args.expand_final() {
            match args.pop().map(|a| a.val) {
                Some(Val::List(items)) => args.extend(items),
                Some(other) => {
                    return Val::Unknown(reason_or(&other, "`...` on a non-list".into()))
                }
                None => {}
            }
        }
        // A panic from here on is reported at this call (LVL903), not at the top of the unit.
        let _at = crate::panic_guard::evaluating(span);
        #[cfg(debug_assertions)]
        crate::panic_guard::fault_injection(&format!("function:{name}"));
        // `try` and `can` look at the unknown-ness themselves.
        match name {
            "try" => {
                return args
                    .into_iter()
                    .map(|a| a.val)
                    .find(|v| !matches!(v, Val::Unknown(_)))
                    .unwrap_or_else(|| Val::unknown("no argument of `try` can be evaluated"))
            }
            "can" => {
                return match args.first().map(|a| &a.val) {
                    Some(Val::Unknown(r)) => Val::Unknown(r.clone()),
                    Some(_) => Val::Bool(true),
                    None => Val::unknown("`can` without argument"),
                }
            }
            "coalesce" => return collections::coalesce(args),
            // Kept as structure even when parts are unknown: policies are lowered from it.
            "jsonencode" => return encoding::jsonencode(args),
            "jsondecode" => return encoding::jsondecode(args),
            "file" | "fileexists" | "templatefile" | "filebase64" | "filemd5" | "filesha1"
            | "filesha256" | "filesha512" | "filebase64sha256" | "filebase64sha512" => {
                return self.file_function(name, args, scope)
            }
            "templatestring" => return self.templatestring(f, args, scope),
            // `convert(value, type)`: the second argument is a type expression, not a value.
            "convert" => {
                return match (args.into_iter().next(), f.args.iter().nth(1)) {
                    (Some(v), Some(ty)) if f.args.len() == 2 => match v.val {
                        u @ Val::Unknown(_) => u,
                        v => super::types::convert(self, v, ty, scope),
                    },
                    _ => Val::unknown("`convert()`: takes a value and a type"),
                }
            }
            _ => {}
        }
        // Every other function needs its arguments known (lists may hold unknown items).
        if let Some(r) = args.iter().find_map(|a| match &a.val {
            Val::Unknown(r) => Some(r.clone()),
            _ => None,
        }) {
            return Val::Unknown(r);
        }
        // Symbolic availability zones (`data.aws_availability_zones`) through `slice`,
        // `element`, `length` and `regexall` (see `eval/zones.rs`).
        if let Some(v) = super::zones::call(name, &args, span) {
            return v;
        }
        let room = self.budget.remaining();
        match within(room, || builtin(name, Args { items: args, span })) {
            // No room left in the unit: the budget is spent here.
            (_, true) => {
                self.budget.exhaust(span);
                self.over_budget(span)
            }
            // Refused before it was built (over a per-value cap): said at the call.
            (Val::Unknown(r), false) if r.0.ends_with(BUDGET) => {
                Val::Unknown(Reason::new(format!(
                    "{}{} (over 16 MiB for one string, {MAX_ELEMENTS} elements, or the {} MiB of \
                 values per module)",
                    r.0,
                    self.located(span),
                    super::budget::UNIT_BYTES >> 20
                )))
            }
            (v, false) => v,
        }
    }
}

/// A pure function over evaluated arguments.
pub fn builtin(name: &str, args: Args) -> Val {
    let out = collections::call(name, &args)
        .or_else(|| strings::call(name, &args))
        .or_else(|| format::call(name, &args))
        .or_else(|| regex::call(name, &args))
        .or_else(|| numeric::call(name, &args))
        .or_else(|| conversion::call(name, &args))
        .or_else(|| encoding::call(name, &args))
        .or_else(|| hash::call(name, &args))
        .or_else(|| ipnet::call(name, &args))
        .or_else(|| time::call(name, &args))
        .or_else(|| files::call(name, &args));
    match out {
        Some(Ok(v)) => v,
        Some(Err(Fail::Unknown(r))) => Val::Unknown(r),
        Some(Err(Fail::Msg(m))) => Val::unknown(format!("`{name}()`: {m}")),
        None => Val::unknown(format!("`{name}` is not a Terraform function")),
    }
}
