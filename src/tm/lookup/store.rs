//! Keeping `FILE.tmx.idx` in step with `FILE.tmx`.
//!
//! [`open`] loads the saved index when its header still describes the TMX — same size and
//! modification time (checked without reading the TMX), or, when only the time changed, the
//! same content hash (the stamp is then refreshed) — and rebuilds it otherwise: no index yet,
//! TMX edited, index damaged or truncated, built for another language pair, or a new format
//! version. A rebuilt index is saved atomically beside the TMX; when that folder is not
//! writable the index is used without being saved and the result carries a note saying so.
//!
//! Nothing here holds the TMX, every unit's text or the postings: the TMX is streamed (its
//! content hash taken on the way) into a [`Builder`], which works in unnamed temporary files
//! within a fixed memory budget, and a loaded index reads its key table, postings and records
//! from the `.idx` file as a lookup needs them. Memory is 6 bytes a unit, a directory of the
//! key table and, while building, the builder's buffers.

use super::format::{
    read_header, read_index_file, stamp_bytes, write_index, ContentHasher, HashingReader,
    STAMP_OFFSET,
};
use super::index::{Builder, Index, Stamp};
use super::Entry;
use crate::tm::reader::{LangMap, TmxReader, TmxUnit};
use crate::{output, Error, Lang, Result};
use std::io::{Read, Write};
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
    output::before_reading(tmx)?;
    let stamp = file_stamp(tmx)?;
    let idx_path = index_path(tmx);
    let reason = if options.rebuild {
        "rebuild asked for".to_string()
    } else {
        match std::fs::File::open(&idx_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no index yet".to_string(),
            Err(e) => format!("index unreadable ({e})"),
            Ok(file) => match try_saved(tmx, &idx_path, file, stamp, options)? {
                Ok(opened) => return Ok(opened),
                Err(reason) => reason,
            },
        }
    };
    let (mut index, hash, size) = build(tmx, &idx_path, options)?;
    index.map_sig = map_signature(&options.lang_map);
    index.stamp = Stamp {
        hash,
        size,
        ..stamp
    };
    let note = if options.no_save {
        None
    } else {
        save(&idx_path, tmx, |w| write_index(&index, w))
            .err()
            .map(|e| format!("index not saved: could not write it ({e})"))
    };
    Ok(Opened {
        index,
        origin: IndexOrigin::Built(reason),
        index_path: idx_path,
        note,
    })
}

/// The folder for the temporary files of an index being built (unnamed, gone when closed even
/// after a kill): beside the index, where the builder falls back to the temporary folder if
/// this one takes none.
fn spill_dir(idx_path: &Path) -> &Path {
    idx_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Builds the index of the TMX, streaming it: returns the index, the TMX's content hash and
/// its size as read.
fn build(tmx: &Path, idx_path: &Path, options: &OpenOptions) -> Result<(Index, u64, u64)> {
    let file = std::fs::File::open(tmx).map_err(|e| Error::io(tmx, e))?;
    let mut input = std::io::BufReader::with_capacity(1 << 16, HashingReader::new(file));
    let spill_err = |e: std::io::Error| Error::io(std::env::temp_dir(), e);
    let mut builder = Builder::spilling_in(spill_dir(idx_path)).map_err(spill_err)?;
    let (src, tgt) = for_each_entry(tmx, &mut input, options, |e| {
        builder.push(e).map_err(spill_err)
    })?;
    // the bytes after the end of the document count for the stamp too
    std::io::copy(&mut input, &mut std::io::sink()).map_err(|e| Error::io(tmx, e))?;
    let (hash, size) = input.get_ref().hash();
    let index = builder
        .finish(src.code(), tgt.map(Lang::code).unwrap_or(""))
        .map_err(spill_err)?;
    Ok((index, hash, size))
}

/// Content hash and size of a file, read in chunks.
fn hash_file(path: &Path) -> Result<(u64, u64)> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = ContentHasher::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    Ok((h.finish(), h.len()))
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
/// rebuild. Reads the TMX (streaming, for its hash) only when its stamp changed.
fn try_saved(
    tmx: &Path,
    idx_path: &Path,
    mut file: std::fs::File,
    stamp: Stamp,
    options: &OpenOptions,
) -> Result<std::result::Result<Opened, String>> {
    let mut head = Vec::new();
    if let Err(e) = (&mut file).take(2048).read_to_end(&mut head) {
        return Ok(Err(format!("index unreadable ({e})")));
    }
    let header = match read_header(&head) {
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
        let (hash, size) = hash_file(tmx)?;
        if size != header.stamp.size || hash != header.stamp.hash {
            return Ok(Err("the TMX changed since the index was built".into()));
        }
        let fresh = Stamp { hash, ..stamp };
        origin = IndexOrigin::Restamped;
        if !options.no_save {
            note = save(idx_path, tmx, |w| {
                // the index as it is, with the new stamp (not part of the checksum)
                let mut src = std::fs::File::open(idx_path)?;
                let mut start = [0u8; STAMP_OFFSET];
                src.read_exact(&mut start)?;
                w.write_all(&start)?;
                w.write_all(&stamp_bytes(&fresh))?;
                std::io::copy(&mut (&mut src).take(28), &mut std::io::sink())?;
                std::io::copy(&mut src, w)?;
                Ok(())
            })
            .err()
            .map(|e| format!("could not refresh the index stamp ({e})"));
            if note.is_none() {
                match std::fs::File::open(idx_path) {
                    Ok(f) => file = f,
                    Err(e) => return Ok(Err(format!("index unreadable ({e})"))),
                }
            }
        }
    }
    match read_index_file(file) {
        Ok(mut index) => {
            if origin == IndexOrigin::Restamped {
                index.stamp = Stamp {
                    hash: header.stamp.hash,
                    ..stamp
                };
            }
            Ok(Ok(Opened {
                index,
                origin,
                index_path: idx_path.to_path_buf(),
                note,
            }))
        }
        Err(e) => Ok(Err(e)),
    }
}

/// Property names that carry a TU's previous segment: tmalign / Trados-style `x-context-prev`
/// (and `x-context-pre`), OmegaT's `prev`.
const CONTEXT_PROPS: [&str; 3] = ["x-context-prev", "x-context-pre", "prev"];

/// Streams the TUs of a TMX (`path` for messages) as entries to `f`, in order; returns the
/// resolved source language and the target language if one was asked for.
pub fn for_each_entry<R: std::io::BufRead>(
    path: &Path,
    input: R,
    options: &OpenOptions,
    mut f: impl FnMut(Entry) -> Result<()>,
) -> Result<(Lang, Option<Lang>)> {
    let reader = TmxReader::new(path, input)?;
    let map = &options.lang_map;
    let header_src = reader
        .header()
        .srclang
        .as_deref()
        .and_then(|t| map.resolve(t));
    let mut src = options.src_lang.or(header_src);
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
        f(entry)?;
    }
    let src = src.ok_or_else(|| {
        Error::bad_input(path, "no translation unit in a known language (zh, ru, en)")
    })?;
    Ok((src, options.tgt_lang))
}

/// Reads every TU of a TMX held in memory as entries (see [`for_each_entry`]).
pub fn read_entries(
    path: &Path,
    bytes: &[u8],
    options: &OpenOptions,
) -> Result<(Vec<Entry>, Lang, Option<Lang>)> {
    let mut entries = Vec::new();
    let (src, tgt) = for_each_entry(path, bytes, options, |e| {
        entries.push(e);
        Ok(())
    })?;
    Ok((entries, src, tgt))
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
