//! CPU-time diagnostics for the extractor (behind the `TMALIGN_TIMING` environment variable).
//!
//! The machine the benchmark runs on is often shared, so wall time says little; the calling
//! thread's CPU time (Linux: `/proc/thread-self/schedstat`, nanoseconds) is what is printed.

use std::time::{Duration, Instant};

/// CPU time consumed so far by the calling thread, where the platform reports it.
pub(crate) fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Prints phase boundaries to stderr when enabled: wall and CPU time since the previous mark.
pub(crate) struct PhaseTimer {
    enabled: bool,
    wall: Instant,
    cpu: Option<Duration>,
}

impl PhaseTimer {
    /// A timer, enabled when `TMALIGN_TIMING` is set.
    pub(crate) fn from_env() -> Self {
        let enabled = std::env::var_os("TMALIGN_TIMING").is_some();
        PhaseTimer {
            enabled,
            wall: Instant::now(),
            cpu: if enabled { thread_cpu() } else { None },
        }
    }

    /// Whether marks are printed.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Ends a phase: prints its name, wall and CPU time, and starts the next one.
    pub(crate) fn mark(&mut self, phase: &str) {
        if !self.enabled {
            return;
        }
        let now = thread_cpu();
        let cpu = match (self.cpu, now) {
            (Some(a), Some(b)) => format!("{:.3}s", b.saturating_sub(a).as_secs_f64()),
            _ => "?".into(),
        };
        eprintln!(
            "glossary {phase}: cpu {cpu} wall {:.3}s",
            self.wall.elapsed().as_secs_f64()
        );
        self.wall = Instant::now();
        self.cpu = now;
    }
}
