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
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}

/// LVL903: a panic while processing `display` (in `rule`, when known).
pub fn internal_error(span: Span, display: &str, rule: Option<&str>, panic: &str) -> Diagnostic {
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
