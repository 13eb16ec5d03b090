//! Panics are bugs, and reported as such: every stage that runs on user input (parsing, loading,
//! analysis, each rule) runs inside [`catch`], so a panic becomes an LVL903 diagnostic for that
//! file and the run goes on with the others.
//!
//! The panic hook is chained, not replaced: inside [`catch`] it records the message and location
//! for the diagnostic instead of printing the default "thread panicked" text and backtrace note;
//! everywhere else (the caller's own code, tests) the previous hook runs unchanged.
//! A stack overflow aborts the process and cannot be caught; parsers and evaluators are
//! iterative or depth-capped so that it cannot happen on hostile nesting.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// What the evaluator is evaluating now (see [`evaluating`]).
    static EVALUATING: Cell<Option<Span>> = const { Cell::new(None) };
    /// Where the last guarded panic happened, taken by [`internal_error`].
    static PANIC_SPAN: Cell<Option<Span>> = const { Cell::new(None) };
}

/// Marks `span` as what is being evaluated until the returned guard is dropped, so that a panic
/// inside is reported there (LVL903 at the expression) rather than at the start of the unit.
/// Two thread-local writes: cheap enough for every function call.
#[must_use]
pub fn evaluating(span: Span) -> Evaluating {
    Evaluating(EVALUATING.with(|e| e.replace(Some(span))))
}

/// Restores the enclosing expression when dropped (see [`evaluating`]).
pub struct Evaluating(Option<Span>);

impl Drop for Evaluating {
    fn drop(&mut self) {
        EVALUATING.with(|e| e.set(self.0));
    }
}

/// Test hook, compiled into debug builds only: `LVL_DEBUG_PANIC=<what>` makes the stage named
/// `what` panic (a rule id, or `function:<name>` for a Terraform function), so the tests can
/// prove that a panic is reported, located, and the run goes on.
#[track_caller]
pub fn fault_injection(what: &str) {
    #[cfg(debug_assertions)]
    {
        static WANTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let wanted = WANTED.get_or_init(|| std::env::var("LVL_DEBUG_PANIC").ok());
        if wanted.as_deref() == Some(what) {
            panic!("injected by LVL_DEBUG_PANIC");
        }
    }
    let _ = what;
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
                return;
            }
            PANIC_SPAN.with(|p| p.set(EVALUATING.with(Cell::get)));
            let message = payload_message(info.payload());
            let text = match info.location() {
                Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
                None => message,
            };
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(text));
        }));
    });
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

/// Runs `f`; a panic inside it is returned as its message (with the source location when known).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    // An expression marked by an enclosing stage is not this stage's.
    let outer = EVALUATING.with(|e| e.replace(None));
    PANIC_SPAN.with(|p| p.set(None));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    EVALUATING.with(|e| e.set(outer));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}

/// LVL903: a panic while processing `display` (in `rule`, when known), at the expression being
/// evaluated when the panic happened if one was marked ([`evaluating`]), else at `span`. Called
/// on the thread that ran [`catch`], right after it.
pub fn internal_error(span: Span, display: &str, rule: Option<&str>, panic: &str) -> Diagnostic {
    let span = PANIC_SPAN.with(Cell::take).unwrap_or(span);
    let stage = match rule {
        Some(rule) => format!("rule {rule}"),
        None => "loading".to_string(),
    };
    Diagnostic::input(
        codes::INTERNAL_ERROR,
        span,
        display,
        format!(
            "internal error in {stage} on `{display}`: {panic}; this is a bug in lambda-vpc-lint, \
             please report it with the file if you can"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_location() {
        assert_eq!(catch(|| 7), Ok(7));
        let err = catch(|| -> u8 { panic!("boom {}", 42) }).unwrap_err();
        assert!(err.starts_with("boom 42 (at src/panic_guard.rs:"), "{err}");
        // Nested guards restore the outer state, and a later panic is reported afresh.
        let outer = catch(|| {
            let inner = catch(|| -> () { panic!("inner") });
            assert!(inner.unwrap_err().starts_with("inner"));
            panic!("outer")
        });
        assert!(outer.unwrap_err().starts_with("outer"), "second panic");
    }
}
