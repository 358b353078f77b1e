//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared data directory (`../shared` beside the checkout), if present; `TMALIGN_SHARED`
/// overrides it. Tests that need it print a note and return early when it is missing.
pub fn shared() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TMALIGN_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("eval").is_dir());
    if found.is_none() {
        eprintln!("note: shared data not found (set TMALIGN_SHARED); skipping");
    }
    found
}

/// Whether an external tool is installed. Missing in CI is a failure (CI installs it);
/// missing locally is a skip with a note.
pub fn have_tool(name: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI but not installed"
        );
        eprintln!("note: {name} not installed; skipping this check");
    }
    ok
}

/// Runs the real binary in `cwd` with a fixed creation date.
pub fn tmalign(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tmalign"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run tmalign")
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Stdout and stderr of a finished command, for assertion messages.
pub fn outputs(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
