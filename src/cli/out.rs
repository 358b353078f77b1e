//! Standard output and standard error of every subcommand, one behaviour for a closed pipe.
//!
//! `tmalign … | head` closes the pipe before tmalign is done. Writing to it then fails with
//! `EPIPE` (Rust ignores `SIGPIPE`), which `println!` turns into a panic (exit 101). All
//! printing of the CLI goes through [`Stdout`] instead: once the reader is gone, everything
//! further for stdout is discarded quietly. A command whose product is what it prints
//! (`ingest`, `detect`, `segment`, `qa`, `eval`, `tm stats`, `tm lookup`) stops early
//! ([`closed`]); a command whose product is files (`align`, `run`, `split`, `tm merge`, …)
//! still writes them completely, only its report is lost. Either way the exit code is what it
//! would have been with the reader still there (0 on success). Messages on stderr never fail
//! the command either ([`ewriteln!`]).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether the reader of standard output has gone away.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// Standard output with a closed pipe mapped to "discard the rest". Wrap it in a
/// `BufWriter` for many small writes.
pub struct Stdout;

impl Stdout {
    fn quiet<T>(&self, r: std::io::Result<T>, gone: T) -> std::io::Result<T> {
        match r {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                CLOSED.store(true, Ordering::Relaxed);
                Ok(gone)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if closed() {
            return Ok(buf.len());
        }
        let r = std::io::stdout().lock().write(buf);
        self.quiet(r, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if closed() {
            return Ok(());
        }
        let r = std::io::stdout().lock().flush();
        self.quiet(r, ())
    }
}

/// A buffered writer to standard output (see [`Stdout`]).
pub fn stdout() -> std::io::BufWriter<Stdout> {
    std::io::BufWriter::with_capacity(1 << 16, Stdout)
}

/// The error for a failure to write standard output other than a closed pipe (a full disk
/// behind `> file`).
pub fn io_error(e: std::io::Error) -> tmalign::Error {
    tmalign::Error::io("<stdout>", e)
}

/// Writes `text` to standard output at once (see [`Stdout`]).
pub fn print(text: &str) -> tmalign::Result<()> {
    let mut out = Stdout;
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(io_error)
}

/// Writes `text` to standard error; a failure (closed pipe, full disk) is ignored, as there
/// is nowhere left to report it.
/// Starts timing the command's stages when `flag` (`--timings`) or `TMALIGN_TIMING` asks
/// for it; returns the span of the whole command (see [`timings_print`]).
pub fn timings_start(flag: bool) -> Option<tmalign::timing::Span> {
    if flag || tmalign::timing::env_requested() {
        tmalign::timing::enable();
        return Some(tmalign::timing::stage("total"));
    }
    None
}

/// Ends the command's span and prints every stage's CPU and wall time on stderr, one JSON
/// object a line (nothing when timing is off).
pub fn timings_print(total: Option<tmalign::timing::Span>) {
    if let Some(total) = total {
        // work counted rather than timed (see `tmalign::output::file_identity_lookups`)
        tmalign::timing::count("output.file_ids", tmalign::output::file_identity_lookups());
        total.end();
        eprint(&tmalign::timing::json_lines(&tmalign::timing::take()));
    }
}

pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// `println!` through [`print`]: returns `tmalign::Result<()>`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out::print(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` through [`eprint`]: never fails, never panics.
macro_rules! ewriteln {
    ($($arg:tt)*) => {
        $crate::cli::out::eprint(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {ewriteln, outln};
