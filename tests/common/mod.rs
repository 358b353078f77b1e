//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code)]

pub mod long_words;
#[cfg(target_os = "linux")]
pub mod rusage;
pub mod term_tools;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The shared data directory (`../shared` beside the checkout), if present; `TMALIGN_SHARED`
/// overrides it, `/work/shared` is the last resort. Tests that need it print a note and return
/// early when it is missing.
pub fn shared() -> Option<PathBuf> {
    shared_with("eval")
}

/// Like [`shared`], but a candidate counts only if it holds `marker` (a folder inside it), for
/// tests that need one particular part of the shared data.
pub fn shared_with(marker: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TMALIGN_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join(marker).is_dir());
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

/// The installed Russian word-frequency list (`tmalign data fetch`), which the glossary's
/// termhood reads. Missing in CI is a failure (`.ci/run` fetches it); missing locally is a
/// note, and the caller skips what needs it.
#[allow(dead_code)]
pub fn ru_freq_list() -> Option<PathBuf> {
    let path = tmalign::data::list_path().filter(|p| p.is_file());
    if path.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the Russian word-frequency list is required in CI (`tmalign data fetch`)"
        );
        eprintln!("note: no Russian word-frequency list (run `tmalign data fetch`); skipping what needs it");
    }
    path
}

/// The fixed creation date (`SOURCE_DATE_EPOCH`) [`tmalign`] runs the binary with, so that
/// outputs are byte-for-byte reproducible.
pub const EPOCH: &str = "1700000000";

/// The real binary as a command, for tests that add their own arguments and settings.
///
/// It runs without an installed encoder model (an empty `TMALIGN_MODEL_DIR`): `--scorer auto`,
/// the default, is semantic wherever a model is installed (CI installs one), and the tests
/// that check lexical output and figures must not depend on that. Tests of the model or the
/// semantic scorer set the variable themselves (a later `.env` wins).
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tmalign"));
    cmd.env("TMALIGN_MODEL_DIR", no_model_dir());
    cmd
}

/// An empty model directory shared by the tests. One fixed name for every test process: a
/// name per process left one empty folder in the temporary directory per test binary and run.
pub fn no_model_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let shared = std::env::temp_dir().join("tmalign-test-no-model");
        std::fs::create_dir_all(&shared).expect("create an empty model dir");
        let empty = std::fs::read_dir(&shared).is_ok_and(|mut d| d.next().is_none());
        if empty {
            return shared;
        }
        // Something was put there: this process gets a folder of its own, which must be empty.
        let own =
            std::env::temp_dir().join(format!("tmalign-test-no-model-{}", std::process::id()));
        std::fs::create_dir_all(&own).expect("create an empty model dir");
        own
    })
}

/// Runs the real binary in `cwd` with a fixed creation date ([`EPOCH`]).
pub fn tmalign(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run tmalign")
}

/// Runs a prepared command and echoes its stderr, so a failing test shows what the binary said.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run tmalign");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Runs the real binary with `args`; returns (exit code or -1, stdout, stderr). Stdout must be
/// UTF-8 (every command prints text).
pub fn exec<I, S>(args: I) -> (i32, String, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = bin().args(args).output().expect("run tmalign");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the real binary with `args`, feeding it `stdin` (an empty, closed stdin for `None`).
pub fn tmalign_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tmalign");
    {
        // Dropped at the end of the block: the binary sees end of input.
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait")
}

/// A path as `&str` (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A file under `tests/data/` (fixtures checked into the repository).
pub fn data(rel: &str) -> PathBuf {
    repo().join("tests/data").join(rel)
}

/// The lines of a text file (which must exist).
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The records (header left out) of a CSV file.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Writes a TMX 1.4 file of zh-CN → ru-RU units numbered 1, 2, …
pub fn write_tmx(path: &Path, units: &[(&str, &str)]) {
    let ids: Vec<String> = (1..=units.len()).map(|k| k.to_string()).collect();
    let with_ids: Vec<(&str, &str, &str)> = ids
        .iter()
        .zip(units)
        .map(|(id, (z, r))| (id.as_str(), *z, *r))
        .collect();
    write_tmx_ids(path, &with_ids);
}

/// Writes a TMX 1.4 file of zh-CN → ru-RU units `(tuid, zh, ru)`, text escaped by the
/// library's own escaper. Hand-written rather than through the TMX writer, so that readers
/// are tested on input tmalign did not produce.
pub fn write_tmx_ids(path: &Path, units: &[(&str, &str, &str)]) {
    write_tmx_ids_in(path, units, "ru-RU")
}

/// [`write_tmx_ids`] with the target language tag `target` (`en-GB`, …).
pub fn write_tmx_ids_in(path: &Path, units: &[(&str, &str, &str)], target: &str) {
    let esc = |t: &str| tmalign::tm::tmx::escape_xml(t, false);
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header creationtool=\"test\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"test\" adminlang=\"en\" srclang=\"zh-CN\" datatype=\"plaintext\"/>\n<body>\n",
    );
    for (id, z, r) in units {
        s.push_str(&format!(
            "<tu tuid=\"{id}\"><tuv xml:lang=\"zh-CN\"><seg>{}</seg></tuv><tuv xml:lang=\"{target}\"><seg>{}</seg></tuv></tu>\n",
            esc(z),
            esc(r)
        ));
    }
    s.push_str("</body>\n</tmx>\n");
    std::fs::write(path, s).unwrap();
}

/// Validates `file` against the DTD `dtd` with xmllint; the error is xmllint's message.
pub fn xmllint_valid(dtd: &Path, file: &Path) -> Result<(), String> {
    let o = Command::new("xmllint")
        .arg("--noout")
        .arg("--dtdvalid")
        .arg(dtd)
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
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

/// SplitMix64: a tiny seeded generator, so generated queries and memories are the same on
/// every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
