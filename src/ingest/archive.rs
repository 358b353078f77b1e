//! Reading parts of a ZIP container (DOCX, ODT) safely.
//!
//! Office files are ZIP archives, and a hostile one can be a zip bomb (a few kilobytes that
//! inflate to gigabytes), carry entries named `../../etc/passwd`, or be encrypted. tmalign
//! never extracts to disk, but refuses all three with a clear message before reading any text:
//!
//! * an entry whose name is absolute, has a drive letter, or a `..` component → refused;
//! * an encrypted entry → refused ("password-protected");
//! * more than [`Limits::max_entries`] entries → refused;
//! * a part is inflated with a budget: more than [`Limits::max_part`] bytes, more than
//!   [`Limits::max_total`] bytes over all parts read, or (beyond 1 MiB) more than
//!   [`Limits::max_ratio`] times its compressed size → refused as a zip bomb. The sizes are
//!   the bytes actually inflated, not the sizes the archive declares (which a bomb can fake).

use crate::{Error, Result};
use std::io::{Cursor, Read};
use std::path::Path;

/// Caps on what an archive may inflate to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one part may inflate to.
    pub max_part: u64,
    /// Bytes all parts read from one archive may inflate to.
    pub max_total: u64,
    /// Largest inflated / compressed ratio of a part above 1 MiB.
    pub max_ratio: u64,
    /// Entries in the archive.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_part: 256 << 20,
            max_total: 512 << 20,
            max_ratio: 200,
            max_entries: 20_000,
        }
    }
}

/// Sizes below this are never judged by their ratio (a small, very regular XML part can
/// compress 100:1 legitimately).
const RATIO_FLOOR: u64 = 1 << 20;

/// An open, checked archive.
pub struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    path: &'a Path,
    limits: Limits,
    inflated: u64,
}

impl<'a> Archive<'a> {
    /// Opens the archive in `bytes` (the file `path`) and checks every entry's name and
    /// encryption flag.
    pub fn open(path: &'a Path, bytes: &'a [u8], limits: Limits) -> Result<Self> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Error::bad_input(
                path,
                format!("damaged ZIP container (an office document must be a valid ZIP): {e}"),
            )
        })?;
        if zip.len() > limits.max_entries {
            return Err(Error::bad_input(
                path,
                format!(
                    "ZIP container has {} entries (at most {} accepted): refused",
                    zip.len(),
                    limits.max_entries
                ),
            ));
        }
        for i in 0..zip.len() {
            let entry = zip
                .by_index_raw(i)
                .map_err(|e| Error::bad_input(path, format!("damaged ZIP entry #{i}: {e}")))?;
            let name = entry.name().to_string();
            if !safe_name(&name) {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "ZIP entry {name:?} points outside the archive (path traversal): refused"
                    ),
                ));
            }
            if entry.encrypted() {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "encrypted (password-protected) document (entry {name:?}): remove the \
                         password and save it again"
                    ),
                ));
            }
        }
        Ok(Archive {
            zip,
            path,
            limits,
            inflated: 0,
        })
    }

    /// Whether the archive has an entry called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Entry names, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }

    /// Inflates the entry `name` within the limits; `None` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let path = self.path;
        let limits = self.limits;
        let budget = limits
            .max_part
            .min(limits.max_total.saturating_sub(self.inflated));
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| Error::bad_input(path, format!("cannot read ZIP entry {name:?}: {e}")))?;
        let compressed = entry.compressed_size().max(1);
        let declared = entry.size();
        let bomb = |size: u64| {
            Error::bad_input(
                path,
                format!(
                    "ZIP entry {name:?} inflates to more than {size} bytes from {compressed} \
                     (a zip bomb?): refused (limits: {} MiB a part, {} MiB in all, ratio {}:1)",
                    limits.max_part >> 20,
                    limits.max_total >> 20,
                    limits.max_ratio
                ),
            )
        };
        let ratio_cap = (compressed.saturating_mul(limits.max_ratio)).max(RATIO_FLOOR);
        if declared > budget || declared > ratio_cap {
            return Err(bomb(declared.min(budget).min(ratio_cap)));
        }
        let cap = budget.min(ratio_cap);
        let mut out = Vec::with_capacity(declared.min(cap) as usize);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut chunk).map_err(|e| {
                Error::bad_input(path, format!("cannot inflate ZIP entry {name:?}: {e}"))
            })?;
            if n == 0 {
                break;
            }
            if out.len() as u64 + n as u64 > cap {
                return Err(bomb(cap));
            }
            out.extend_from_slice(&chunk[..n]);
        }
        self.inflated += out.len() as u64;
        Ok(Some(out))
    }

    /// Inflates `name`, which the document needs: its absence is an error.
    pub fn read_required(&mut self, name: &str, what: &str) -> Result<Vec<u8>> {
        self.read(name)?.ok_or_else(|| {
            Error::bad_input(self.path, format!("{what}: the part {name:?} is missing"))
        })
    }
}

/// Whether an entry name stays inside the archive: relative, no `..`, no drive letter.
pub fn safe_name(name: &str) -> bool {
    let name = name.replace('\\', "/");
    !(name.starts_with('/')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|c| c == ".."))
}

/// Resolves `target` (a relationship target) against the folder of `base` (`word/document.xml`):
/// `footnotes.xml` → `word/footnotes.xml`, `/word/x.xml` → `word/x.xml`, `../a.xml` → `a.xml`.
pub fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = base.split('/').collect();
        p.pop();
        p
    };
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_are_checked() {
        assert!(safe_name("word/document.xml"));
        assert!(!safe_name("../evil.xml"));
        assert!(!safe_name("word/../../evil.xml"));
        assert!(!safe_name("/etc/passwd"));
        assert!(!safe_name("C:/x.xml"));
        assert!(!safe_name("a\\..\\b"));
        let bytes = zip_of(&[("a.xml", b"<a/>"), ("../../b.xml", b"<b/>")]);
        let e = Archive::open(Path::new("t.docx"), &bytes, Limits::default())
            .err()
            .unwrap();
        assert!(
            e.is_bad_input() && e.to_string().contains("path traversal"),
            "{e}"
        );
    }

    #[test]
    fn bombs_are_refused() {
        let zeros = vec![b' '; 4 << 20];
        let bytes = zip_of(&[("big.xml", &zeros), ("small.xml", b"<a/>")]);
        let p = Path::new("t.docx");
        let mut a = Archive::open(p, &bytes, Limits::default()).unwrap();
        let e = a.read("big.xml").unwrap_err();
        assert!(e.to_string().contains("zip bomb"), "{e}");
        assert_eq!(a.read("small.xml").unwrap().unwrap(), b"<a/>");
        assert!(a.read("none.xml").unwrap().is_none());
        // Absolute cap, ratio allowed.
        let limits = Limits {
            max_part: 1000,
            max_ratio: 1_000_000,
            ..Limits::default()
        };
        let mut a = Archive::open(p, &bytes, limits).unwrap();
        let e = a.read("big.xml").unwrap_err();
        assert!(e.to_string().contains("zip bomb"), "{e}");
    }

    #[test]
    fn total_budget() {
        let data = vec![b'x'; 600];
        let bytes = zip_of(&[("a", &data), ("b", &data)]);
        let limits = Limits {
            max_total: 1000,
            ..Limits::default()
        };
        let mut a = Archive::open(Path::new("t.odt"), &bytes, limits).unwrap();
        assert!(a.read("a").unwrap().is_some());
        assert!(a.read("b").is_err());
    }

    #[test]
    fn relationship_targets() {
        assert_eq!(
            resolve("word/document.xml", "footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(resolve("word/document.xml", "/word/x.xml"), "word/x.xml");
        assert_eq!(resolve("word/document.xml", "../a.xml"), "a.xml");
    }

    #[test]
    fn not_a_zip() {
        let e = Archive::open(Path::new("t.docx"), b"PK\x03\x04garbage", Limits::default())
            .err()
            .unwrap();
        assert!(
            e.is_bad_input() && e.to_string().contains("damaged ZIP"),
            "{e}"
        );
    }
}
