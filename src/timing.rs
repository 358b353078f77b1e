//! Per-stage timing of `run` and `align` (`--timings`, or the environment variable
//! `TMALIGN_TIMING=1`): CPU and wall time of each stage, as JSON lines, so that a profile
//! starts from numbers.
//!
//! Two kinds of record: a **stage** runs once on the calling thread and may fan out to
//! worker threads (ingest of all jobs, the whole alignment, the outputs), and is measured
//! with the process's CPU time (all threads); a **task** runs once per document, on whatever
//! thread the work lands (the aligner's passes, resegmentation), and is measured with that
//! thread's CPU time, summed over documents (its wall time is summed too, so on several
//! threads it can exceed the enclosing stage's). Nothing is measured while timing is off
//! (one atomic load per span). A third kind, a **counter**, counts work instead of timing it
//! (`output.file_ids`: file identity lookups), so that a test can check how work grows with
//! the input.
//!
//! A task may hand parts of its work to other threads (the chunks of one long document's
//! featurisation, say): each part is a [`share`] of the task, whose thread CPU time is added
//! to the task's record (its wall time and runs are not: the task's own span has those). A
//! share that runs on the thread where its task is open records nothing, since the task's
//! span counts that thread's time already.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());

thread_local! {
    /// The tasks open on this thread (while timing is on), innermost last: a [`share`] of one
    /// of them is not measured again here.
    static OPEN_TASKS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Kind of a timed span (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Measured with the process CPU time, once.
    Stage,
    /// Measured with the thread CPU time, summed over its runs.
    Task,
    /// Not a time: a count of work done (its `count`; times are zero), so that tests can check
    /// how work grows with the input without timing anything.
    Counter,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Stage => "stage",
            Kind::Task => "task",
            Kind::Counter => "counter",
        }
    }
}

/// The time spent in one named stage or task, summed over its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Name (`ingest`, `align.pass0`, …).
    pub name: &'static str,
    /// Stage or task.
    pub kind: Kind,
    /// CPU seconds (process or thread, see [`Kind`]); `None` where the platform does not
    /// report it.
    pub cpu: Option<f64>,
    /// Wall-clock seconds.
    pub wall: f64,
    /// Number of runs.
    pub count: u64,
}

/// Turns timing on (for the rest of the process).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether spans are being recorded.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Whether the environment asks for timings (`TMALIGN_TIMING` set to anything but `0` or
/// nothing).
pub fn env_requested() -> bool {
    std::env::var_os("TMALIGN_TIMING").is_some_and(|v| !v.is_empty() && v != "0")
}

#[cfg(unix)]
fn clock(id: libc::clockid_t) -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; clock_gettime writes only into it.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// CPU time of the whole process so far (all threads).
fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        clock(libc::CLOCK_PROCESS_CPUTIME_ID)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// CPU time of the calling thread so far.
fn thread_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        clock(libc::CLOCK_THREAD_CPUTIME_ID)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A running span: recorded when ended (or dropped). A task's span (and a measured share's)
/// is open on its thread until then.
#[must_use = "a span is recorded when it ends"]
pub struct Span {
    name: &'static str,
    kind: Kind,
    /// A part of a task run on another thread ([`share`]): adds CPU time only.
    share: bool,
    start: Option<(Instant, Option<Duration>)>,
}

impl Span {
    fn new(name: &'static str, kind: Kind) -> Span {
        let start = enabled().then(|| {
            let cpu = match kind {
                Kind::Stage | Kind::Counter => process_cpu(),
                Kind::Task => {
                    OPEN_TASKS.with(|open| open.borrow_mut().push(name));
                    thread_cpu()
                }
            };
            (Instant::now(), cpu)
        });
        Span {
            name,
            kind,
            share: false,
            start,
        }
    }

    /// Ends the span now.
    pub fn end(self) {}
}

impl Drop for Span {
    fn drop(&mut self) {
        let Some((wall0, cpu0)) = self.start.take() else {
            return;
        };
        let cpu1 = match self.kind {
            Kind::Stage | Kind::Counter => process_cpu(),
            Kind::Task => thread_cpu(),
        };
        let cpu = match (cpu0, cpu1) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a).as_secs_f64()),
            _ => None,
        };
        if self.kind == Kind::Task {
            OPEN_TASKS.with(|open| {
                let mut open = open.borrow_mut();
                if let Some(k) = open.iter().rposition(|&n| n == self.name) {
                    open.remove(k);
                }
            });
        }
        if self.share {
            add_share(self.name, cpu);
        } else {
            add(self.name, self.kind, cpu, wall0.elapsed().as_secs_f64());
        }
    }
}

/// Starts a stage: once, on the calling thread, measured with the process CPU time.
pub fn stage(name: &'static str) -> Span {
    Span::new(name, Kind::Stage)
}

/// Starts a task: once per document, measured with the calling thread's CPU time and summed.
pub fn task(name: &'static str) -> Span {
    Span::new(name, Kind::Task)
}

/// Starts a share of task `name`: a part of its work that a thread pool may run on another
/// thread (see the module documentation). Its thread CPU time is added to the task's record
/// when it runs on a thread where the task is not open, and nothing is recorded when it runs
/// on the task's own thread.
pub fn share(name: &'static str) -> Span {
    // (a share measured here is open on this thread too: a share within it is not measured
    // again)
    let elsewhere = enabled()
        && OPEN_TASKS.with(|open| {
            let mut open = open.borrow_mut();
            let here = open.contains(&name);
            if !here {
                open.push(name);
            }
            !here
        });
    Span {
        name,
        kind: Kind::Task,
        share: true,
        start: elsewhere.then(|| (Instant::now(), thread_cpu())),
    }
}

/// Records `n` units of work under `name` (a [`Kind::Counter`] record; added up if recorded
/// again). Nothing is recorded while timing is off.
pub fn count(name: &'static str, n: u64) {
    if !enabled() || n == 0 {
        return;
    }
    let mut records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    match records
        .iter_mut()
        .find(|r| r.name == name && r.kind == Kind::Counter)
    {
        Some(r) => r.count += n,
        None => records.push(Record {
            name,
            kind: Kind::Counter,
            cpu: Some(0.0),
            wall: 0.0,
            count: n,
        }),
    }
}

fn add(name: &'static str, kind: Kind, cpu: Option<f64>, wall: f64) {
    let mut records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    match records
        .iter_mut()
        .find(|r| r.name == name && r.kind == kind)
    {
        Some(r) => {
            r.cpu = match (r.cpu, cpu) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
            r.wall += wall;
            r.count += 1;
        }
        None => records.push(Record {
            name,
            kind,
            cpu,
            wall,
            count: 1,
        }),
    }
}

/// Adds a share's CPU time to its task's record (made, with no runs, if the task has not
/// ended yet).
fn add_share(name: &'static str, cpu: Option<f64>) {
    let mut records = RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    match records
        .iter_mut()
        .find(|r| r.name == name && r.kind == Kind::Task)
    {
        Some(r) => {
            r.cpu = match (r.cpu, cpu) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            }
        }
        None => records.push(Record {
            name,
            kind: Kind::Task,
            cpu,
            wall: 0.0,
            count: 0,
        }),
    }
}

/// The records so far, in the order their names were first seen, and clears them.
pub fn take() -> Vec<Record> {
    std::mem::take(&mut *RECORDS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// One JSON object per record, one a line: `{"stage":"ingest","kind":"task","cpu_s":0.012,
/// "wall_s":0.015,"count":3}` (`cpu_s` is `null` where the platform gives no CPU time).
pub fn json_lines(records: &[Record]) -> String {
    let mut out = String::new();
    for r in records {
        let line = serde_json::json!({
            "stage": r.name,
            "kind": r.kind.name(),
            "cpu_s": r.cpu.map(round_us),
            "wall_s": round_us(r.wall),
            "count": r.count,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// Seconds to the microsecond.
fn round_us(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_add_up_by_name_and_print_as_json() {
        // (the only test in the library that turns timing on)
        enable();
        for _ in 0..3 {
            let t = task("test.task");
            let x: u64 = (0..10_000u64).map(|i| i * i).sum();
            assert!(x > 0);
            t.end();
        }
        stage("test.stage").end();
        // A share on the task's own thread adds nothing (the task's span counts that time); on
        // another thread it adds that thread's CPU time, and no run.
        let busy = || {
            (0..200_000u64)
                .map(|i| std::hint::black_box(i * i))
                .sum::<u64>()
        };
        let t = task("test.shared");
        let s = share("test.shared");
        assert!(
            s.start.is_none(),
            "a share on its task's thread is not measured"
        );
        assert!(busy() > 0);
        s.end();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let s = share("test.shared");
                assert!(s.start.is_some(), "a share on another thread is measured");
                let inner = share("test.shared");
                assert!(
                    inner.start.is_none(),
                    "a share within a measured one is not"
                );
                inner.end();
                assert!(busy() > 0);
                s.end();
            });
        });
        t.end();
        count("test.counter", 5);
        count("test.counter", 2);
        let records: Vec<Record> = take()
            .into_iter()
            .filter(|r| r.name.starts_with("test."))
            .collect();
        assert_eq!(records.len(), 4);
        assert_eq!((records[0].name, records[0].count), ("test.task", 3));
        assert_eq!(records[1].kind, Kind::Stage);
        // the other thread's share ended first: its record holds its CPU time and no run,
        // then the task's own run joined it
        assert_eq!((records[2].name, records[2].count), ("test.shared", 1));
        assert!(records[2].cpu.is_some_and(|c| c > 0.0));
        assert_eq!((records[3].kind, records[3].count), (Kind::Counter, 7));
        for line in json_lines(&records).lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
            assert!(v["stage"].as_str().is_some_and(|s| s.starts_with("test.")));
            assert!(v["wall_s"].as_f64().is_some_and(|w| w >= 0.0));
            #[cfg(unix)]
            assert!(v["cpu_s"].as_f64().is_some_and(|c| c >= 0.0));
        }
    }
}
