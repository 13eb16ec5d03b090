//! The evaluation budget of one unit (a root module with its module tree, or a plan).
//!
//! Per-value caps (`functions::MAX_STRING`, `functions::MAX_ELEMENTS`) stop one value from
//! being huge, but not many large values: `[for i in range(1000): local.big]`, a template
//! `for` directive repeating a 16 MiB string, a thousand locals each a copy of another all stay
//! under the caps one by one and ask for gigabytes together. An allocation failure aborts the
//! process (no `catch_unwind`), and every other unit's results are lost. So every value an
//! expression produces is charged by its [`weight`] (bytes of strings plus the size of each
//! list element or map entry), checked before it is built where its size is known in advance
//! (functions, templates) and right after otherwise (collections, `for`), and evaluation steps
//! are counted. Over either limit the value is `Unknown("evaluation budget exceeded …")` naming
//! the expression that crossed it; the unit goes on with unknowns and other units are untouched.
//!
//! What is charged is an upper bound on what a unit can hold at once: memoised locals were
//! charged when they were built, and a reference to one is charged again (it is a copy).

use std::cell::Cell;

use super::{Item, Val};
use crate::source::Span;

/// Bytes of values one unit may produce. Real modules produce a few MiB at most (the largest
/// in the corpus: see SECURITY.md); a unit over it is hostile or generated.
pub const UNIT_BYTES: usize = 64 << 20;

/// Expressions one unit may evaluate. Real modules evaluate well under a million (every
/// element of every `for` counts); this bounds the time of `for` expressions nested over
/// `range()` that produce little.
pub const UNIT_STEPS: u64 = 4_000_000;

/// What one list element or map entry costs besides its content: the size of an [`Item`].
pub const NODE: usize = std::mem::size_of::<Item>();

pub struct Budget {
    bytes: Cell<usize>,
    steps: Cell<u64>,
    limit_bytes: usize,
    limit_steps: u64,
    /// Where the budget ran out first: later failures name the same place.
    exceeded_at: Cell<Option<Span>>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(UNIT_BYTES, UNIT_STEPS)
    }
}

impl Budget {
    pub fn new(limit_bytes: usize, limit_steps: u64) -> Self {
        Budget {
            bytes: Cell::new(0),
            steps: Cell::new(0),
            limit_bytes,
            limit_steps,
            exceeded_at: Cell::new(None),
        }
    }

    /// Bytes still available.
    pub fn remaining(&self) -> usize {
        self.limit_bytes.saturating_sub(self.bytes.get())
    }

    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.bytes.get()
    }

    /// Whether the budget ran out (then every later evaluation in the unit is unknown).
    pub fn exhausted(&self) -> Option<Span> {
        self.exceeded_at.get()
    }

    /// Counts one evaluation step; `false` when over the limit.
    pub fn step(&self, at: Span) -> bool {
        if self.exceeded_at.get().is_some() {
            return false;
        }
        let s = self.steps.get() + 1;
        self.steps.set(s);
        if s > self.limit_steps {
            self.exceeded_at.set(Some(at));
            return false;
        }
        true
    }

    /// Charges `n` bytes; `false` (and nothing charged) when they do not fit.
    pub fn charge(&self, n: usize, at: Span) -> bool {
        if self.exceeded_at.get().is_some() {
            return false;
        }
        if n > self.remaining() {
            self.exceeded_at.set(Some(at));
            return false;
        }
        self.bytes.set(self.bytes.get() + n);
        true
    }

    /// Marks the budget spent at `at` (a function found no room for its result).
    pub fn exhaust(&self, at: Span) {
        if self.exceeded_at.get().is_none() {
            self.exceeded_at.set(Some(at));
        }
    }

    /// Charges the weight of a value; `false` when it does not fit.
    pub fn charge_val(&self, v: &Val, at: Span) -> bool {
        let room = self.remaining();
        let w = weight(v, room);
        self.charge(w, at)
    }
}

/// The bytes a value holds: its strings plus [`NODE`] per element and entry (and per map key's
/// bytes). Stops counting once over `cap` (returns something larger than `cap`), so measuring
/// costs no more than the budget it is checked against. Iterative: no recursion on deep values.
pub fn weight(v: &Val, cap: usize) -> usize {
    let mut total: usize = 0;
    let mut stack: Vec<&Val> = vec![v];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(NODE);
        match v {
            Val::Str(s) => total = total.saturating_add(s.len()),
            Val::Partial { text, reason } => {
                total = total.saturating_add(text.len() + reason.0.len())
            }
            Val::Unknown(r) => total = total.saturating_add(r.0.len()),
            Val::List(items) => stack.extend(items.iter().map(|i| &i.val)),
            Val::Map(m) => {
                for (k, i) in m {
                    total = total.saturating_add(k.len());
                    stack.push(&i.val);
                }
            }
            Val::Json(inner) => stack.push(inner),
            Val::Ref(r) => {
                total = total.saturating_add(r.prefix.len() + r.kind.len() + r.name.len())
            }
            Val::AwsZones { list, .. } => total = total.saturating_add(list.len()),
            Val::Null | Val::Bool(_) | Val::Num(_) => {}
        }
        if total > cap {
            return total;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at() -> Span {
        Span::new(FileId(0), 0..1)
    }

    #[test]
    fn weight_counts_strings_and_elements_and_stops_at_the_cap() {
        let s = Val::Str("x".repeat(100));
        assert_eq!(weight(&s, usize::MAX), NODE + 100);
        let list = Val::List(
            (0..10)
                .map(|_| Item {
                    val: s.clone(),
                    span: at(),
                })
                .collect(),
        );
        assert_eq!(weight(&list, usize::MAX), NODE + 10 * (NODE + 100));
        let w = weight(&list, 50);
        assert!(w > 50 && w < weight(&list, usize::MAX), "{w}");
    }

    #[test]
    fn the_first_place_over_the_budget_is_kept() {
        let b = Budget::new(100, 3);
        assert!(b.charge(60, at()));
        let there = Span::new(FileId(1), 5..9);
        assert!(!b.charge(60, there));
        assert_eq!(b.used(), 60);
        assert_eq!(b.exhausted(), Some(there));
        // Once exhausted, even a small value is refused: the unit's later values are unknown.
        assert!(!b.charge(1, at()));
        assert_eq!(b.exhausted(), Some(there));
        let steps = Budget::new(100, 2);
        assert!(steps.step(at()) && steps.step(at()));
        assert!(!steps.step(there));
        assert_eq!(steps.exhausted(), Some(there));
    }
}
