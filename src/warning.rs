//! Warnings: input that is used, but not quite as written (a UTF-8 file with an invalid byte
//! read with U+FFFD in its place…). They go to standard error as `tmalign: warning: …` unless
//! a program using the library installs its own handler ([`set_handler`]).

use std::cell::RefCell;
use std::io::Write;
use std::sync::RwLock;

static HANDLER: RwLock<Option<fn(&str)>> = RwLock::new(None);

thread_local! {
    /// Warnings held back by [`capture`] on this thread.
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `f` and returns, instead of emitting them, the warnings it gave on this thread, so
/// that work done in parallel can emit its warnings in a fixed order ([`emit_all`]).
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    let outer = CAPTURED.with(|c| c.replace(Some(Vec::new())));
    let r = f();
    let got = CAPTURED.with(|c| c.replace(outer)).unwrap_or_default();
    (r, got)
}

/// Emits warnings held back by [`capture`], in order.
pub fn emit_all(messages: &[String]) {
    for m in messages {
        warn(m);
    }
}

/// Sends every later warning to `handler` instead of standard error.
pub fn set_handler(handler: fn(&str)) {
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) = Some(handler);
}

/// Emits one warning (never fails: a closed stderr loses it).
pub fn warn(message: &str) {
    let held = CAPTURED.with(|c| match c.borrow_mut().as_mut() {
        Some(v) => {
            v.push(message.to_owned());
            true
        }
        None => false,
    });
    if held {
        return;
    }
    let handler = *HANDLER.read().unwrap_or_else(|e| e.into_inner());
    match handler {
        Some(h) => h(message),
        None => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "tmalign: warning: {message}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_warnings_come_back_in_order_and_nest() {
        let ((x, inner), outer) = capture(|| {
            warn("one");
            let r = capture(|| {
                warn("inner");
                7
            });
            warn("two");
            r
        });
        assert_eq!(x, 7);
        assert_eq!(inner, vec!["inner".to_string()]);
        assert_eq!(outer, vec!["one".to_string(), "two".to_string()]);
    }
}
