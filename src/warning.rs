//! Warnings: input that is used, but not quite as written (a UTF-8 file with an invalid byte
//! read with U+FFFD in its place…). They go to standard error as `tmalign: warning: …` unless
//! a program using the library installs its own handler ([`set_handler`]).

use std::io::Write;
use std::sync::RwLock;

static HANDLER: RwLock<Option<fn(&str)>> = RwLock::new(None);

/// Sends every later warning to `handler` instead of standard error.
pub fn set_handler(handler: fn(&str)) {
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) = Some(handler);
}

/// Emits one warning (never fails: a closed stderr loses it).
pub fn warn(message: &str) {
    let handler = *HANDLER.read().unwrap_or_else(|e| e.into_inner());
    match handler {
        Some(h) => h(message),
        None => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "tmalign: warning: {message}");
        }
    }
}
