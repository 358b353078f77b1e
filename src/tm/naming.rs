//! Output file names and pairing of input files by name.
//!
//! An output stem is the source file name without its format suffix and language suffix:
//! `000.zh` → `000`, `report.zh.txt` → `report`, `a.zh-CN.tmx` → `a`, `notes.txt` → `notes`.
//! Document pairs in a directory are found the same way: `NAME.zh.txt` + `NAME.ru.txt`,
//! `NAME.zh` + `NAME.ru`.

use crate::{Error, Lang, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Suffixes that name a file format rather than a document.
const FORMAT_SUFFIXES: [&str; 11] = [
    "txt", "md", "markdown", "html", "htm", "tmx", "text", "xhtml", // text formats
    "docx", "odt", "pdf", // office documents and PDF (`crate::ingest::{office, pdf}`)
];

/// Splits a file name into (stem, language of its language suffix if any).
pub fn split_name(file_name: &str) -> (String, Option<Lang>) {
    let mut name = file_name;
    if let Some((head, ext)) = name.rsplit_once('.') {
        if !head.is_empty() && FORMAT_SUFFIXES.contains(&ext.to_ascii_lowercase().as_str()) {
            name = head;
        }
    }
    if let Some((head, tag)) = name.rsplit_once('.') {
        if !head.is_empty() && looks_like_lang_tag(tag) {
            if let Some(lang) = Lang::parse(tag) {
                return (head.to_owned(), Some(lang));
            }
        }
    }
    (name.to_owned(), None)
}

/// `zh`, `rus`, `zh-CN`, `zh_Hans_CN`: letters, an optional region / script part.
fn looks_like_lang_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The output stem of an input path (see the module docs).
pub fn output_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (stem, _) = split_name(&name);
    if stem.is_empty() {
        "output".into()
    } else {
        stem
    }
}

/// The language a file name announces (`report.ru.txt` → Russian), if any.
pub fn name_lang(path: &Path) -> Option<Lang> {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| split_name(n).1)
}

/// Document pairs found in a directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairing {
    /// (stem, source path, target path), sorted by stem.
    pub pairs: Vec<(String, PathBuf, PathBuf)>,
    /// Files with a language suffix of either language that have no partner.
    pub unpaired: Vec<PathBuf>,
}

/// Pairs `NAME.<src>[.ext]` with `NAME.<tgt>[.ext]` in `dir` (not recursive). Files without a
/// language suffix, or in another language, are ignored. When a stem has several candidates
/// for one side (`a.zh` and `a.zh.txt`), the pair is ambiguous and an error.
pub fn pair_directory(dir: &Path, src: Lang, tgt: Lang) -> Result<Pairing> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut sides: BTreeMap<String, (Vec<PathBuf>, Vec<PathBuf>)> = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let (stem, lang) = split_name(name);
        let slot = sides.entry(stem).or_default();
        match lang {
            Some(l) if l == src => slot.0.push(path),
            Some(l) if l == tgt => slot.1.push(path),
            _ => {}
        }
    }
    let mut out = Pairing::default();
    for (stem, (mut s, mut t)) in sides {
        s.sort();
        t.sort();
        match (s.len(), t.len()) {
            (1, 1) => out.pairs.push((stem, s.remove(0), t.remove(0))),
            (0, _) | (_, 0) => out.unpaired.extend(s.into_iter().chain(t)),
            _ => {
                return Err(Error::bad_input(
                    dir,
                    format!(
                        "ambiguous pair for {stem:?}: {}",
                        s.iter()
                            .chain(&t)
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// Reads a manifest: one pair a line, `SOURCE<TAB>TARGET`, paths relative to the manifest's
/// directory; blank lines and lines starting with `#` are skipped. Returns (stem, src, tgt)
/// with the stem taken from the source file name.
pub fn read_manifest(path: &Path) -> Result<Vec<(String, PathBuf, PathBuf)>> {
    read_manifest_with(path, false)
}

/// [`read_manifest`]; unless `allow_outside`, a path that is absolute or leads out of the
/// manifest's folder (`../../etc/passwd`, or a link there) is refused with its line, so that a
/// manifest from elsewhere cannot copy any file into the outputs.
pub fn read_manifest_with(
    path: &Path,
    allow_outside: bool,
) -> Result<Vec<(String, PathBuf, PathBuf)>> {
    let text = crate::ingest::read_string_of(path, crate::ingest::FileKind::Manifest)?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let canonical_base = base.canonicalize().map_err(|e| Error::io(base, e))?;
    let outside = |rel: &str| -> bool {
        let p = Path::new(rel);
        if p.is_absolute() {
            return true;
        }
        let mut depth = 0i64;
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => depth -= 1,
                std::path::Component::Normal(_) => depth += 1,
                std::path::Component::CurDir => {}
                _ => return true,
            }
            if depth < 0 {
                return true;
            }
        }
        // a link inside the folder that leads out of it
        base.join(p)
            .canonicalize()
            .is_ok_and(|c| !c.starts_with(&canonical_base))
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() != 2 || cols.iter().any(|c| c.is_empty()) {
            return Err(Error::bad_input(
                path,
                format!("line {}: expected SOURCE<TAB>TARGET", n + 1),
            ));
        }
        if !allow_outside {
            if let Some(c) = cols.iter().find(|c| outside(c)) {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "line {}: {} is outside the manifest's folder; give --allow-outside to \
                         read it anyway",
                        n + 1,
                        crate::error::quote(c)
                    ),
                ));
            }
        }
        let (s, t) = (base.join(cols[0]), base.join(cols[1]));
        out.push((output_stem(&s), s, t));
    }
    if out.is_empty() {
        return Err(Error::bad_input(path, "manifest lists no file pairs"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        for (name, stem) in [
            ("000.zh", "000"),
            ("report.zh.txt", "report"),
            ("a.zh-CN.tmx", "a"),
            ("news.2019.ru.md", "news.2019"),
            ("notes.txt", "notes"),
            ("zh.txt", "zh"),
            ("code.ruby", "code.ruby"),
            ("x.en_US.html", "x"),
            (".zh", ".zh"),
        ] {
            assert_eq!(output_stem(Path::new(name)), stem, "{name}");
        }
        assert_eq!(output_stem(Path::new("/some/dir/001.ru")), "001");
        assert_eq!(name_lang(Path::new("a.ru.txt")), Some(Lang::Ru));
        assert_eq!(name_lang(Path::new("a.txt")), None);
    }

    #[test]
    fn pairs_a_directory() {
        let d = tempfile::tempdir().unwrap();
        for f in [
            "a.zh.txt",
            "a.ru.txt",
            "b.zh",
            "b.ru",
            "c.zh",
            "d.en",
            "readme.md",
        ] {
            std::fs::write(d.path().join(f), "x").unwrap();
        }
        let p = pair_directory(d.path(), Lang::Zh, Lang::Ru).unwrap();
        let stems: Vec<&str> = p.pairs.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(stems, vec!["a", "b"]);
        assert_eq!(p.unpaired, vec![d.path().join("c.zh")]);
        std::fs::write(d.path().join("a.zh"), "x").unwrap();
        assert!(pair_directory(d.path(), Lang::Zh, Lang::Ru).is_err());
    }

    #[test]
    fn reads_a_manifest() {
        let d = tempfile::tempdir().unwrap();
        let m = d.path().join("pairs.tsv");
        std::fs::write(&m, "# src\ttgt\nx/one.zh\ty/one.ru\n\n").unwrap();
        let v = read_manifest(&m).unwrap();
        assert_eq!(
            v,
            vec![(
                "one".into(),
                d.path().join("x/one.zh"),
                d.path().join("y/one.ru")
            )]
        );
        std::fs::write(&m, "only-one-column\n").unwrap();
        assert!(read_manifest(&m).is_err());
    }
}
