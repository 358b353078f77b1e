//! Third-party readers that panic on some inputs (`pdf-extract` on unusual PDFs, `rsmorphy` on
//! short unknown words): [`catch`] runs them so that such a panic becomes an `Err` the caller
//! turns into bad input or a missing analysis, and the panic hook prints nothing for it (the
//! user sees one clear message or nothing, never a backtrace note). Panics anywhere else still
//! reach the previous hook.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// How many [`catch`] calls are running on this thread (they nest).
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// Installs (once per process) a hook that is silent while [`catch`] runs on the panicking
/// thread and hands every other panic to the hook installed before it.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) == 0 {
                previous(info)
            }
        }));
    });
}

/// Runs `f`, returning `Err` with the panic payload if it panics, without printing anything.
/// `f`'s captured state may be left half-updated by the panic: callers only use code whose
/// state is its own input or immutable data (a parsed dictionary, bytes of a file).
pub fn catch<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    install_quiet_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get().saturating_sub(1)));
    result
}

/// The message of a panic payload, when it has one.
pub fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors_and_nest() {
        let r = catch(|| catch(|| panic!("inner")).is_err() && catch(|| 3).is_ok());
        assert_eq!(r.ok(), Some(true));
        let e = catch(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert_eq!(message(e.as_ref()), Some("boom 1"));
        assert_eq!(QUIET.with(Cell::get), 0);
    }
}
