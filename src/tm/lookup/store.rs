//! Keeping `FILE.tmx.idx` in step with `FILE.tmx`.
//!
//! [`open`] loads the saved index when its header still describes the TMX — same size and
//! modification time (checked without reading the TMX), or, when only the time changed, the
//! same content hash (the stamp is then refreshed) — and rebuilds it otherwise: no index yet,
//! TMX edited, index damaged or truncated, built for another language pair, or a new format
//! version. A rebuilt index is saved atomically beside the TMX; when that folder is not
//! writable the index is used from memory and the result carries a note saying so.

use super::format::{
    content_hash, read_header, read_index, stamp_bytes, write_index, STAMP_OFFSET,
};
use super::index::{Index, Stamp};
use super::Entry;
use crate::tm::reader::{LangMap, TmxReader, TmxUnit};
use crate::{output, Error, Lang, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// How to open a TM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Source language; default: the TMX header's `srclang`, else the first variant's.
    pub src_lang: Option<Lang>,
    /// Target language; default: per TU, the first variant in another language.
    pub tgt_lang: Option<Lang>,
    /// Rebuild even if the saved index looks valid.
    pub rebuild: bool,
    /// Do not write the `.idx` file (keep the index in memory only).
    pub no_save: bool,
    /// How the TMX's language tags map to languages (`zh-TW=none`, `x-cn=zh`…).
    pub lang_map: LangMap,
}

/// A short signature of a language map, stored in the index so that reading the TMX with
/// another mapping rebuilds it; "" for the default mapping.
fn map_signature(map: &LangMap) -> String {
    if *map == LangMap::default() {
        String::new()
    } else {
        format!(
            "{:016x}",
            super::units::hash_bytes(format!("{map:?}").as_bytes())
        )
    }
}

/// Where the index in an [`Opened`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexOrigin {
    /// The saved index was valid and loaded.
    Loaded,
    /// The TMX was touched but its content is unchanged: the saved index was loaded and its
    /// stamp refreshed.
    Restamped,
    /// The index was built from the TMX, for the reason given.
    Built(String),
}

/// An opened TM: the index and how it was obtained.
#[derive(Debug)]
pub struct Opened {
    /// The index.
    pub index: Index,
    /// Where it came from.
    pub origin: IndexOrigin,
    /// Path of the index file.
    pub index_path: PathBuf,
    /// A note for the user (index kept in memory because it could not be saved…).
    pub note: Option<String>,
}

/// `FILE.tmx` → `FILE.tmx.idx`.
pub fn index_path(tmx: &Path) -> PathBuf {
    let mut name = tmx.as_os_str().to_owned();
    name.push(".idx");
    PathBuf::from(name)
}

/// Size and modification time of a file (hash left 0).
fn file_stamp(path: &Path) -> Result<Stamp> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::bad_input(path, "not a file"));
    }
    let (mtime_secs, mtime_nanos) = match meta.modified().map(|t| t.duration_since(UNIX_EPOCH)) {
        Ok(Ok(d)) => (d.as_secs() as i64, d.subsec_nanos()),
        Ok(Err(before)) => {
            let d = before.duration();
            (-(d.as_secs() as i64), d.subsec_nanos())
        }
        Err(_) => (0, 0),
    };
    Ok(Stamp {
        size: meta.len(),
        mtime_secs,
        mtime_nanos,
        hash: 0,
    })
}

/// Whether the TMX's inode changed (content, replacement by rename, metadata: its ctime) after
/// the index was last written; then the content hash decides. Unix only.
#[cfg(unix)]
fn changed_after(tmx: &Path, idx: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(tmx), std::fs::metadata(idx)) {
        (Ok(t), Ok(i)) => (t.ctime(), t.ctime_nsec()) > (i.mtime(), i.mtime_nsec()),
        _ => true,
    }
}

#[cfg(not(unix))]
fn changed_after(_: &Path, _: &Path) -> bool {
    false
}

/// Opens the TM at `tmx`: loads `tmx.idx` if it is valid, else builds and saves it.
pub fn open(tmx: &Path, options: &OpenOptions) -> Result<Opened> {
    let stamp = file_stamp(tmx)?;
    let idx_path = index_path(tmx);
    let mut tmx_bytes: Option<Vec<u8>> = None;
    let reason = if options.rebuild {
        "rebuild asked for".to_string()
    } else {
        match std::fs::read(&idx_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no index yet".to_string(),
            Err(e) => format!("index unreadable ({e})"),
            Ok(buf) => match try_saved(tmx, &idx_path, buf, stamp, options, &mut tmx_bytes)? {
                Ok(opened) => return Ok(opened),
                Err(reason) => reason,
            },
        }
    };
    let bytes = match tmx_bytes {
        Some(b) => b,
        None => crate::ingest::read_file_of(tmx, crate::ingest::FileKind::Tmx)?,
    };
    let (entries, src, tgt) = read_entries(tmx, &bytes, options)?;
    let mut index = Index::build(&entries, src.code(), tgt.map(Lang::code).unwrap_or(""));
    index.map_sig = map_signature(&options.lang_map);
    index.stamp = Stamp {
        hash: content_hash(&bytes),
        size: bytes.len() as u64,
        ..stamp
    };
    let note = if options.no_save {
        None
    } else {
        save(&idx_path, tmx, |w| write_index(&index, w))
            .err()
            .map(|e| format!("index kept in memory only: could not save it ({e})"))
    };
    Ok(Opened {
        index,
        origin: IndexOrigin::Built(reason),
        index_path: idx_path,
        note,
    })
}

/// The permission bits of `meta`, never setuid, setgid or sticky.
#[cfg(unix)]
fn permission_bits(meta: &std::fs::Metadata) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permission_bits(meta: &std::fs::Metadata) -> std::fs::Permissions {
    meta.permissions()
}

/// Writes the index file atomically, then gives it the TMX's permissions: the temporary file
/// was private, but the index is a cache of the TMX and may be read by whoever may read the
/// TMX (best effort: the index works either way).
fn save<F>(idx_path: &Path, tmx: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    output::write_atomic_with(idx_path, fill)?;
    if let Ok(meta) = std::fs::metadata(tmx) {
        let _ = std::fs::set_permissions(idx_path, permission_bits(&meta));
    }
    Ok(())
}

/// Checks a saved index against the TMX: `Ok(Ok(opened))` to use it, `Ok(Err(reason))` to
/// rebuild. Reads the TMX (into `tmx_bytes`) only when its stamp changed.
fn try_saved(
    tmx: &Path,
    idx_path: &Path,
    mut buf: Vec<u8>,
    stamp: Stamp,
    options: &OpenOptions,
    tmx_bytes: &mut Option<Vec<u8>>,
) -> Result<std::result::Result<Opened, String>> {
    let header = match read_header(&buf) {
        Ok(h) => h,
        Err(e) => return Ok(Err(e)),
    };
    // The languages asked for, or else the defaults (the TMX header's srclang, any target):
    // an index built with `--src-lang ru` does not serve a later lookup without it.
    let default_src = || -> Option<Lang> {
        let file = std::fs::File::open(tmx).ok()?;
        let reader = TmxReader::new(tmx, std::io::BufReader::new(file)).ok()?;
        let tag = reader.header().srclang.clone()?;
        options.lang_map.resolve(&tag)
    };
    let want_src = options.src_lang.or_else(default_src).map(Lang::code);
    let want_tgt = Some(options.tgt_lang.map(Lang::code).unwrap_or(""));
    for (want, have, side) in [
        (want_src, &header.src_lang, "source"),
        (want_tgt, &header.tgt_lang, "target"),
    ] {
        if let Some(code) = want {
            if code != have {
                return Ok(Err(format!("index was built for another {side} language")));
            }
        }
    }
    if header.map_sig != map_signature(&options.lang_map) {
        return Ok(Err("index was built with another language mapping".into()));
    }
    let same_stamp = header.stamp.size == stamp.size
        && header.stamp.mtime_secs == stamp.mtime_secs
        && header.stamp.mtime_nanos == stamp.mtime_nanos
        // a replacement with the same size and modification time still changes the ctime
        && !changed_after(tmx, idx_path);
    let mut origin = IndexOrigin::Loaded;
    let mut note = None;
    if !same_stamp {
        let bytes = crate::ingest::read_file_of(tmx, crate::ingest::FileKind::Tmx)?;
        let hash = content_hash(&bytes);
        let unchanged = bytes.len() as u64 == header.stamp.size && hash == header.stamp.hash;
        *tmx_bytes = Some(bytes);
        if !unchanged {
            return Ok(Err("the TMX changed since the index was built".into()));
        }
        let fresh = Stamp { hash, ..stamp };
        buf[STAMP_OFFSET..STAMP_OFFSET + 28].copy_from_slice(&stamp_bytes(&fresh));
        origin = IndexOrigin::Restamped;
        if !options.no_save {
            note = save(idx_path, tmx, |w| w.write_all(&buf))
                .err()
                .map(|e| format!("could not refresh the index stamp ({e})"));
        }
    }
    match read_index(buf) {
        Ok(index) => Ok(Ok(Opened {
            index,
            origin,
            index_path: idx_path.to_path_buf(),
            note,
        })),
        Err(e) => Ok(Err(e)),
    }
}

/// Property names that carry a TU's previous segment: tmalign / Trados-style `x-context-prev`
/// (and `x-context-pre`), OmegaT's `prev`.
const CONTEXT_PROPS: [&str; 3] = ["x-context-prev", "x-context-pre", "prev"];

/// Reads the TUs of a TMX (its bytes, `path` for messages) as entries, with the resolved
/// source language and the target language if one was asked for.
pub fn read_entries(
    path: &Path,
    bytes: &[u8],
    options: &OpenOptions,
) -> Result<(Vec<Entry>, Lang, Option<Lang>)> {
    let reader = TmxReader::new(path, bytes)?;
    let map = &options.lang_map;
    let header_src = reader
        .header()
        .srclang
        .as_deref()
        .and_then(|t| map.resolve(t));
    let mut src = options.src_lang.or(header_src);
    let mut entries = Vec::new();
    let mut prev_source: Option<String> = None;
    for unit in reader {
        let unit = unit?;
        let lang = match src {
            Some(l) => l,
            None => match unit.variants.iter().find_map(|v| map.resolve(&v.lang)) {
                Some(l) => {
                    src = Some(l);
                    l
                }
                None => continue,
            },
        };
        let Some(entry) = entry_of(&unit, lang, options.tgt_lang, map, prev_source.take()) else {
            continue;
        };
        prev_source = Some(entry.source.clone());
        entries.push(entry);
    }
    let src = src.ok_or_else(|| {
        Error::bad_input(path, "no translation unit in a known language (zh, ru, en)")
    })?;
    Ok((entries, src, options.tgt_lang))
}

/// The entry of one TU: its `src` variant, and the `tgt` variant (or the first variant in
/// another language); `None` if either is missing.
fn entry_of(
    unit: &TmxUnit,
    src: Lang,
    tgt: Option<Lang>,
    map: &LangMap,
    prev: Option<String>,
) -> Option<Entry> {
    let source = unit.variant_with(src, map)?;
    let target = match tgt {
        Some(t) => unit.variant_with(t, map)?,
        None => unit
            .variants
            .iter()
            .find(|v| map.resolve(&v.lang).is_some_and(|l| l != src))?,
    };
    let context = CONTEXT_PROPS
        .iter()
        .find_map(|k| unit.prop(k).or_else(|| prop_of(&source.props, k)))
        .map(str::to_string);
    Some(Entry {
        source: source.text.clone(),
        target: target.text.clone(),
        id: unit.id.clone(),
        line: unit.line,
        prev: context.or(prev),
    })
}

fn prop_of<'a>(props: &'a [(String, String)], key: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}
