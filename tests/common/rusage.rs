//! Peak memory of a child process, for the ignored measurement tests (`big_tmx_memory`,
//! `office_speed`).

use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs `cmd` (stdout discarded) to its end; returns (exited with 0, peak resident bytes from
/// the child's `ru_maxrss`, wall seconds).
// the child is reaped by `wait4`, which also gives its resource usage
#[allow(clippy::zombie_processes)]
pub fn measure(cmd: &mut Command) -> (bool, u64, f64) {
    let start = Instant::now();
    let child = cmd.stdout(Stdio::null()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to the two outputs
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in kilobytes on Linux
    (
        ok,
        usage.ru_maxrss as u64 * 1024,
        start.elapsed().as_secs_f64(),
    )
}
