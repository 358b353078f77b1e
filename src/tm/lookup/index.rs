//! The n-gram index over TM sources, and candidate retrieval from it.
//!
//! Keys ("grams") come from the content units of a source (see [`super::units`]):
//! - a CJK character next to another content unit gives a **bigram** key (character bigrams
//!   for Chinese, which survive a one-character edit in all but two positions);
//! - a word gives a **stem** key (its first five folded characters), so that Russian
//!   inflected forms of a word still meet;
//! - a source that is a single CJK character gets a unigram key so it can be found at all.
//!
//! Keys are 64-bit hashes; a source's keys are deduplicated. Postings (ascending unit
//! numbers) are stored delta + varint encoded and used as read, without decoding them up
//! front.
//!
//! The texts (source, target, id, line and context of each unit) are not held in memory: they
//! stay in a file — the saved `.idx`, or an unnamed temporary file while it is being built —
//! and only the units a lookup scores are read from it ([`Store`]). What is held per unit is
//! its record's offset and three small counts (14 bytes), plus the postings. Building streams:
//! [`Builder`] takes one unit at a time, writes its record out, and counts its keys; the
//! postings are then filled in a second pass over the records, so that no list of every unit's
//! keys or texts is ever held (indexes built from pairs in memory keep their records in
//! memory).
//!
//! Retrieval counts, for every unit, how many of the query's keys it shares (rarest keys first;
//! keys found in more than 1/128 of the units are skipped unless they are among the query's six
//! rarest, because they cost most of the decoding and tell little), drops units whose length
//! alone makes the minimum score impossible ([`score_bound`], decided when a unit is first
//! met), and keeps the best `k` by the Dice coefficient of the key sets — these are then
//! scored exactly by the caller.

use super::score::score_bound;
use super::units::{hash_keys, units, Unit, UnitKind};
use super::Entry;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};
use std::sync::Arc;

/// Where the index came from: the size, modification time and content hash of the TMX, so that
/// a saved index can tell whether it still describes the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stamp {
    /// File size in bytes.
    pub size: u64,
    /// Modification time, seconds since the Unix epoch (negative before it).
    pub mtime_secs: i64,
    /// Nanoseconds part of the modification time.
    pub mtime_nanos: u32,
    /// Content hash of the file bytes ([`super::format::content_hash`]).
    pub hash: u64,
}

/// Where the unit records are: in memory, or in a file read at offsets (`pread`), so that only
/// the records a lookup needs are read.
#[derive(Debug, Clone)]
pub enum Store {
    /// The bytes themselves (an index built from pairs, or loaded from a buffer).
    Memory(Arc<Vec<u8>>),
    /// An open file (the `.idx`, or the unnamed temporary file of a fresh build).
    File(Arc<std::fs::File>),
}

impl Store {
    /// `len` bytes at `offset`.
    pub fn read(&self, offset: u64, len: usize) -> io::Result<Cow<'_, [u8]>> {
        match self {
            Store::Memory(buf) => {
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                start
                    .checked_add(len)
                    .and_then(|end| buf.get(start..end))
                    .map(Cow::Borrowed)
                    .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))
            }
            Store::File(file) => {
                let mut out = vec![0u8; len];
                read_exact_at(file, &mut out, offset)?;
                Ok(Cow::Owned(out))
            }
        }
    }

    /// Feeds `len` bytes from `offset` to `f`, in chunks (a whole section, without holding it).
    pub fn for_chunks(
        &self,
        offset: u64,
        len: u64,
        mut f: impl FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        const CHUNK: u64 = 1 << 20;
        let mut at = 0;
        while at < len {
            let n = (len - at).min(CHUNK) as usize;
            f(&self.read(offset + at, n)?)?;
            at += n as u64;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    // `&File` reads and seeks; lookups are single-threaded, so the shared position is safe
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// A searchable translation memory: the n-gram index over the TU sources, and where each TU's
/// record (source, target, id, line, context) is.
#[derive(Debug, Clone)]
pub struct Index {
    /// Source language code as given when building (`zh`, `ru`…), or empty.
    pub(crate) src_lang: String,
    /// Target language code, or empty.
    pub(crate) tgt_lang: String,
    /// Signature of the language-tag mapping used to read the TMX ("" = default).
    pub(crate) map_sig: String,
    /// Provenance of the index.
    pub(crate) stamp: Stamp,
    /// Where the records are.
    pub(crate) store: Store,
    /// Offset of the first record in `store`.
    pub(crate) text_start: u64,
    /// Record `i` is `rec[i]..rec[i + 1]`, relative to `text_start` (one more entry than
    /// units). A record: varints source length · target length · id length · line, the
    /// context hash (u64 LE), then the three strings.
    pub(crate) rec: Vec<u64>,
    /// Content units of each source (saturating).
    pub(crate) content_len: Vec<u16>,
    /// Punctuation units of each source (saturating).
    pub(crate) punct_len: Vec<u16>,
    /// Distinct keys of each source (saturating).
    pub(crate) gram_count: Vec<u16>,
    /// Sorted distinct keys.
    pub(crate) keys: Vec<u64>,
    /// Number of units per key.
    pub(crate) df: Vec<u32>,
    /// Byte offsets in `postings` of each key's list; one more entry than `keys`.
    pub(crate) post: Vec<u64>,
    /// The postings lists, in key order.
    pub(crate) postings: Vec<u8>,
}

/// One TU of an [`Index`], as read from its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Source text.
    pub source: String,
    /// Target text.
    pub target: String,
    /// TU id (`tuid`), if any.
    pub id: Option<String>,
    /// 1-based line of the `<tu>` in the TMX, if known.
    pub line: Option<usize>,
    /// Hash of the TU's context ([`context_hash`]), if it has one.
    pub context: Option<u64>,
}

/// Hash of a context segment, whitespace-insensitive; never 0 (0 marks "no context").
pub fn context_hash(text: &str) -> u64 {
    match hash_keys(units(text).iter().map(|u| u.exact)) {
        0 => 1,
        h => h,
    }
}

/// The index keys of a segment's units, sorted and deduplicated.
pub fn grams(units: &[Unit]) -> Vec<u64> {
    let content: Vec<&Unit> = units.iter().filter(|u| u.is_content()).collect();
    let mut out = Vec::with_capacity(content.len() * 2);
    for u in &content {
        if u.kind == UnitKind::Word {
            out.push(hash_keys([1, u.stem]));
        }
    }
    for w in content.windows(2) {
        if w[0].kind == UnitKind::Cjk || w[1].kind == UnitKind::Cjk {
            out.push(hash_keys([2, w[0].folded, w[1].folded]));
        }
    }
    if content.len() == 1 && content[0].kind == UnitKind::Cjk {
        out.push(hash_keys([3, content[0].folded]));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Hasher for keys that are already 64-bit hashes: passes them through.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // not used for u64 keys; fold anything else in anyway
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// Count marking a unit whose length rules it out (see [`Index::candidates`]).
const REJECTED: u16 = u16::MAX;

/// The query's rarest keys are always used, however frequent.
const MIN_KEYS: usize = 6;

/// Units analysed (in parallel) at a time while building.
const BATCH: usize = 4096;

/// Per-source figures the index keeps: content and punctuation unit counts and its keys.
struct Analysed {
    content: u16,
    punct: u16,
    grams: Vec<u64>,
}

fn analyse(source: &str) -> Analysed {
    let u = units(source);
    let content = u.iter().filter(|u| u.is_content()).count();
    Analysed {
        content: sat16(content),
        punct: sat16(u.len() - content),
        grams: grams(&u),
    }
}

fn sat16(n: usize) -> u16 {
    n.min(u16::MAX as usize) as u16
}

/// Appends `v` as a LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Bytes of `v` as a LEB128 varint.
fn varint_len(v: u64) -> u64 {
    u64::from((64 - v.max(1).leading_zeros()).div_ceil(7))
}

/// Writes `v` as a LEB128 varint into `out` at `*pos`, advancing it.
fn put_varint_at(out: &mut [u8], pos: &mut usize, mut v: u64) {
    while v >= 0x80 {
        out[*pos] = (v as u8) | 0x80;
        *pos += 1;
        v >>= 7;
    }
    out[*pos] = v as u8;
    *pos += 1;
}

/// Reads a LEB128 varint at `*pos`, advancing it; `None` on truncation or overflow.
pub(crate) fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift >= 64 || (shift == 63 && b > 1) {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

/// Appends the record of one unit (see [`Index::rec`]).
fn put_record(out: &mut Vec<u8>, e: &Entry, context: u64) {
    let id = e.id.as_deref().unwrap_or("");
    put_varint(out, e.source.len() as u64);
    put_varint(out, e.target.len() as u64);
    put_varint(out, id.len() as u64);
    put_varint(out, e.line.min(u32::MAX as usize) as u64);
    out.extend_from_slice(&context.to_le_bytes());
    out.extend_from_slice(e.source.as_bytes());
    out.extend_from_slice(e.target.as_bytes());
    out.extend_from_slice(id.as_bytes());
}

/// Parses a record; `None` if it is damaged.
fn parse_record(r: &[u8]) -> Option<StoredEntry> {
    let mut pos = 0;
    let mut lens = [0usize; 3];
    for l in &mut lens {
        *l = usize::try_from(get_varint(r, &mut pos)?).ok()?;
    }
    let line = get_varint(r, &mut pos)?;
    let h = r.get(pos..pos + 8)?;
    let context = u64::from_le_bytes(h.try_into().ok()?);
    pos += 8;
    let mut text = |n: usize| -> Option<String> {
        let s = std::str::from_utf8(r.get(pos..pos.checked_add(n)?)?).ok()?;
        pos += n;
        Some(s.to_string())
    };
    let (source, target, id) = (text(lens[0])?, text(lens[1])?, text(lens[2])?);
    if pos != r.len() {
        return None;
    }
    Some(StoredEntry {
        source,
        target,
        id: (!id.is_empty()).then_some(id),
        line: usize::try_from(line).ok().filter(|&l| l != 0),
        context: (context != 0).then_some(context),
    })
}

/// The source text of a record, without copying the rest; `None` if damaged.
fn record_source(r: &[u8]) -> Option<&str> {
    let mut pos = 0;
    let len = usize::try_from(get_varint(r, &mut pos)?).ok()?;
    for _ in 0..3 {
        get_varint(r, &mut pos)?;
    }
    pos += 8;
    std::str::from_utf8(r.get(pos..pos.checked_add(len)?)?).ok()
}

/// Where a [`Builder`] writes the records.
enum Sink {
    Memory(Vec<u8>),
    File(io::BufWriter<std::fs::File>),
}

/// Builds an [`Index`] one unit at a time (TMX order): each unit's record is written out at
/// once, and only its counts and the number of postings bytes per key are kept; the postings
/// are filled by a second pass over the records in [`Builder::finish`].
pub struct Builder {
    sink: Sink,
    text_len: u64,
    rec: Vec<u64>,
    content_len: Vec<u16>,
    punct_len: Vec<u16>,
    gram_count: Vec<u16>,
    /// A dense number per distinct key.
    ids: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// Per dense key: units so far, last unit, postings bytes so far.
    counts: Vec<u32>,
    last: Vec<u32>,
    bytes: Vec<u64>,
    /// Units waiting for their (parallel) analysis.
    pending: Vec<Entry>,
    record: Vec<u8>,
}

impl Builder {
    /// A builder keeping the records in memory.
    pub fn in_memory() -> Builder {
        Builder::with_sink(Sink::Memory(Vec::new()))
    }

    /// A builder writing the records to `spill` (an empty file open for reading and writing;
    /// the built index reads its records from it).
    pub fn spilling_to(spill: std::fs::File) -> Builder {
        Builder::with_sink(Sink::File(io::BufWriter::with_capacity(1 << 20, spill)))
    }

    fn with_sink(sink: Sink) -> Builder {
        Builder {
            sink,
            text_len: 0,
            rec: vec![0],
            content_len: Vec::new(),
            punct_len: Vec::new(),
            gram_count: Vec::new(),
            ids: HashMap::default(),
            counts: Vec::new(),
            last: Vec::new(),
            bytes: Vec::new(),
            pending: Vec::with_capacity(BATCH),
            record: Vec::new(),
        }
    }

    /// Units added so far.
    pub fn len(&self) -> usize {
        self.content_len.len() + self.pending.len()
    }

    /// Whether no unit was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the next unit.
    pub fn push(&mut self, entry: Entry) -> io::Result<()> {
        self.pending.push(entry);
        if self.pending.len() >= BATCH {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let analysed: Vec<(Analysed, u64)> = pending
            .par_iter()
            .map(|e| {
                let context = e.prev.as_deref().map(context_hash).unwrap_or(0);
                (analyse(&e.source), context)
            })
            .collect();
        for (e, (a, context)) in pending.iter().zip(analysed) {
            let unit = u32::try_from(self.content_len.len())
                .map_err(|_| io::Error::other("more than 4 billion units"))?;
            self.record.clear();
            put_record(&mut self.record, e, context);
            match &mut self.sink {
                Sink::Memory(v) => v.extend_from_slice(&self.record),
                Sink::File(w) => w.write_all(&self.record)?,
            }
            self.text_len += self.record.len() as u64;
            self.rec.push(self.text_len);
            self.content_len.push(a.content);
            self.punct_len.push(a.punct);
            self.gram_count.push(sat16(a.grams.len()));
            for g in a.grams {
                let next = self.ids.len() as u32;
                let id = *self.ids.entry(g).or_insert(next) as usize;
                if id == self.counts.len() {
                    self.counts.push(0);
                    self.last.push(0);
                    self.bytes.push(0);
                }
                // the first unit of a list as is, then gaps
                let value = if self.counts[id] == 0 {
                    unit
                } else {
                    unit - self.last[id]
                };
                self.bytes[id] += varint_len(u64::from(value));
                self.counts[id] += 1;
                self.last[id] = unit;
            }
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Finishes the index: the postings are laid out in key order and filled from a second
    /// pass over the records.
    pub fn finish(mut self, src_lang: &str, tgt_lang: &str) -> io::Result<Index> {
        self.flush_pending()?;
        let store = match self.sink {
            Sink::Memory(v) => Store::Memory(Arc::new(v)),
            Sink::File(w) => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                Store::File(Arc::new(f))
            }
        };
        let mut order: Vec<(u64, u32)> = self.ids.iter().map(|(&k, &id)| (k, id)).collect();
        drop(self.ids);
        order.sort_unstable();
        // byte offset of each dense key's list, in key order
        let mut cursor = vec![0u64; self.counts.len()];
        let mut keys = Vec::with_capacity(order.len());
        let mut df = Vec::with_capacity(order.len());
        let mut post = Vec::with_capacity(order.len() + 1);
        let mut total = 0u64;
        for &(key, id) in &order {
            keys.push(key);
            df.push(self.counts[id as usize]);
            post.push(total);
            cursor[id as usize] = total;
            total += self.bytes[id as usize];
        }
        post.push(total);
        drop(self.bytes);
        let ids: HashMap<u64, u32, BuildHasherDefault<KeyHasher>> = order.into_iter().collect();
        let total = usize::try_from(total).map_err(|_| io::Error::other("index too large"))?;
        let mut postings = vec![0u8; total];
        let mut written = vec![0u32; self.counts.len()];
        let mut last = self.last;
        last.iter_mut().for_each(|l| *l = 0);
        let n = self.content_len.len();
        let mut start = 0;
        while start < n {
            let end = (start + BATCH).min(n);
            let from = self.rec[start];
            let chunk = store.read(from, (self.rec[end] - from) as usize)?;
            let sources: Vec<&str> = (start..end)
                .map(|i| {
                    let r =
                        &chunk[(self.rec[i] - from) as usize..(self.rec[i + 1] - from) as usize];
                    record_source(r).unwrap_or("")
                })
                .collect();
            let grams: Vec<Vec<u64>> = sources.par_iter().map(|s| grams(&units(s))).collect();
            for (i, gs) in (start..end).zip(grams) {
                let unit = i as u32;
                for g in gs {
                    let Some(&id) = ids.get(&g) else { continue };
                    let id = id as usize;
                    let value = if written[id] == 0 {
                        unit
                    } else {
                        unit - last[id]
                    };
                    let mut pos = cursor[id] as usize;
                    put_varint_at(&mut postings, &mut pos, u64::from(value));
                    cursor[id] = pos as u64;
                    written[id] += 1;
                    last[id] = unit;
                }
            }
            start = end;
        }
        Ok(Index {
            src_lang: src_lang.to_string(),
            tgt_lang: tgt_lang.to_string(),
            map_sig: String::new(),
            stamp: Stamp::default(),
            store,
            text_start: 0,
            rec: self.rec,
            content_len: self.content_len,
            punct_len: self.punct_len,
            gram_count: self.gram_count,
            keys,
            df,
            post,
            postings,
        })
    }
}

impl Index {
    /// Builds the index of `entries` (in TMX order) in memory. `src_lang` / `tgt_lang` are
    /// recorded so a saved index is not reused for another language direction.
    pub fn build(entries: &[Entry], src_lang: &str, tgt_lang: &str) -> Index {
        let mut b = Builder::in_memory();
        for e in entries {
            // in memory: writing cannot fail
            let _ = b.push(e.clone());
        }
        b.finish(src_lang, tgt_lang)
            .expect("an index built in memory does no I/O")
    }

    /// Builds from plain `(source, target)` pairs; each pair's context is the previous pair's
    /// source, as in a document-ordered TM.
    pub fn from_pairs<S: AsRef<str>, T: AsRef<str>>(
        pairs: &[(S, T)],
        src_lang: &str,
        tgt_lang: &str,
    ) -> Index {
        let entries: Vec<Entry> = pairs
            .iter()
            .enumerate()
            .map(|(i, (s, t))| Entry {
                source: s.as_ref().to_string(),
                target: t.as_ref().to_string(),
                id: None,
                line: 0,
                prev: i.checked_sub(1).map(|p| pairs[p].0.as_ref().to_string()),
            })
            .collect();
        Index::build(&entries, src_lang, tgt_lang)
    }

    /// Number of TUs.
    pub fn len(&self) -> usize {
        self.content_len.len()
    }

    /// Whether the index holds no TU.
    pub fn is_empty(&self) -> bool {
        self.content_len.is_empty()
    }

    /// Number of distinct n-gram keys.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Source language code recorded at build time.
    pub fn src_lang(&self) -> &str {
        &self.src_lang
    }

    /// Target language code recorded at build time.
    pub fn tgt_lang(&self) -> &str {
        &self.tgt_lang
    }

    /// The TMX this index was built from (size, mtime, hash); all zero for an index built
    /// from pairs.
    pub fn stamp(&self) -> Stamp {
        self.stamp
    }

    /// Bytes held in memory by the index's structures (postings and tables, and the records
    /// when they are in memory).
    pub fn memory_bytes(&self) -> usize {
        let records = match &self.store {
            Store::Memory(b) => b.capacity(),
            Store::File(_) => 0,
        };
        records
            + self.rec.capacity() * 8
            + (self.content_len.capacity() + self.punct_len.capacity() + self.gram_count.capacity())
                * 2
            + self.keys.capacity() * 8
            + self.df.capacity() * 4
            + self.post.capacity() * 8
            + self.postings.capacity()
    }

    /// The bytes of unit `i`'s record.
    fn record(&self, i: usize) -> Option<Cow<'_, [u8]>> {
        let (a, b) = (*self.rec.get(i)?, *self.rec.get(i + 1)?);
        let len = usize::try_from(b.checked_sub(a)?).ok()?;
        self.store.read(self.text_start.checked_add(a)?, len).ok()
    }

    /// Unit `i` read from its record; `None` past the end, or if the record cannot be read
    /// (a damaged or vanished index file).
    pub fn get(&self, i: usize) -> Option<StoredEntry> {
        parse_record(&self.record(i)?)
    }

    /// Up to `k` candidate units for a query, best first by key overlap (Dice coefficient),
    /// skipping units whose length makes a score ≥ `min` impossible.
    pub fn candidates(&self, query_units: &[Unit], min: u8, k: usize) -> Vec<u32> {
        let q_grams = grams(query_units);
        if q_grams.is_empty() || self.is_empty() || k == 0 {
            return Vec::new();
        }
        let q_content = query_units.iter().filter(|u| u.is_content()).count();
        let q_punct = query_units.len() - q_content;
        let n = self.len();
        // The query's keys that the index knows, rarest first. Keys found in more than 1/128
        // of the units say little about which unit is meant but cost most of the decoding:
        // they are used only among the query's MIN_KEYS rarest.
        let mut slots: Vec<usize> = q_grams
            .iter()
            .filter_map(|g| self.keys.binary_search(g).ok())
            .collect();
        slots.sort_by_key(|&s| self.df[s]);
        let cap = (n / 128).max(2000);
        let used: Vec<usize> = slots
            .iter()
            .enumerate()
            .filter(|&(i, &s)| i < MIN_KEYS || self.df[s] as usize <= cap)
            .map(|(_, &s)| s)
            .collect();
        let mut counts = vec![0u16; n];
        let mut touched: Vec<u32> = Vec::new();
        for slot in used.iter().copied() {
            let (a, b) = (self.post[slot] as usize, self.post[slot + 1] as usize);
            let Some(list) = self.postings.get(a..b) else {
                continue;
            };
            let mut pos = 0;
            let mut unit: u64 = 0;
            for k in 0..self.df[slot] {
                let Some(v) = get_varint(list, &mut pos) else {
                    break;
                };
                unit = if k == 0 { v } else { unit.saturating_add(v) };
                let u = unit as usize;
                let Some(c) = counts.get_mut(u) else {
                    break; // damaged postings: ignore the rest of this list
                };
                match *c {
                    REJECTED => {}
                    0 => {
                        // first meeting: decide once whether its length allows `min`
                        let bound = score_bound(
                            q_content,
                            q_punct,
                            self.content_len[u] as usize,
                            self.punct_len[u] as usize,
                        );
                        if bound >= min {
                            *c = 1;
                            touched.push(u as u32);
                        } else {
                            *c = REJECTED;
                        }
                    }
                    _ => *c = (*c + 1).min(REJECTED - 1),
                }
            }
        }
        let q_n = used.len() as f64;
        let mut scored: Vec<(f64, u32)> = touched
            .into_iter()
            .map(|u| {
                let shared = f64::from(counts[u as usize]);
                let dice = 2.0 * shared / (q_n + f64::from(self.gram_count[u as usize]));
                (dice, u)
            })
            .collect();
        let by_rank = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, by_rank);
            scored.truncate(k);
        }
        scored.sort_unstable_by(by_rank);
        scored.into_iter().map(|(_, u)| u).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            put_varint(&mut buf, v);
        }
        let mut pos = 0;
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            assert_eq!(get_varint(&buf, &mut pos), Some(v));
        }
        assert_eq!(get_varint(&buf, &mut pos), None);
        assert_eq!(get_varint(&[0xff; 11], &mut 0), None);
    }

    #[test]
    fn build_and_retrieve() {
        let pairs = [
            ("我们明天去北京。", "Завтра мы едем в Пекин."),
            ("今天天气很好。", "Сегодня хорошая погода."),
            ("我们明天去上海。", "Завтра мы едем в Шанхай."),
        ];
        let idx = Index::from_pairs(&pairs, "zh", "ru");
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.get(1).unwrap().target, "Сегодня хорошая погода.");
        assert!(idx.get(0).unwrap().context.is_none());
        assert_eq!(
            idx.get(1).unwrap().context,
            Some(context_hash("我们明天去北京。"))
        );
        let c = idx.candidates(&units("我们明天去北京！"), 50, 10);
        assert_eq!(c[0], 0);
        assert_eq!(c[1], 2);
        assert!(!c.contains(&1));
        assert!(idx.get(3).is_none());
    }

    #[test]
    fn length_filter_skips_impossible_units() {
        let pairs = [("一二三四五六七八九十", "x"), ("一二", "y")];
        let idx = Index::from_pairs(&pairs, "zh", "ru");
        assert_eq!(
            idx.candidates(&units("一二三四五六七八九"), 70, 10),
            vec![0]
        );
        assert_eq!(
            idx.candidates(&units("一二三四五六七八九"), 0, 10),
            vec![0, 1]
        );
    }

    #[test]
    fn russian_inflection_shares_stems() {
        let pairs = [("Члены Ассамблеи Уэльса", "a"), ("Совсем другое", "b")];
        let idx = Index::from_pairs(&pairs, "ru", "zh");
        assert_eq!(
            idx.candidates(&units("член ассамблея уэльс"), 0, 10),
            vec![0]
        );
    }
}
