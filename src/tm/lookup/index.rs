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
//! Nothing in proportion to the memory is held but three small counts a unit (6 bytes): the
//! texts (source, target, id, line and context of each unit), the record offsets, the key table
//! and the postings stay in a file — the saved `.idx`, or an unnamed temporary one after a build
//! — laid out as [`super::format`] describes, and a lookup reads only what it needs: the key
//! table blocks of its query's keys (an in-memory directory holds the first key of each block
//! of [`BLOCK`] keys), the postings of those keys, and the records of the units it scores
//! ([`Store`]). An index built from pairs in memory keeps that same image in memory.
//!
//! Building is bounded by a fixed budget whatever the TMX size: [`Builder`] takes one unit at
//! a time and writes its record and counts out at once; its (key, unit) pairs are gathered in a
//! buffer of [`RUN_PAIRS`] pairs which, when full, is sorted and written out as a run; the
//! runs are merged (k-way, at most [`FAN`] at a time, in several rounds if there are more)
//! into the key table and the postings, written out as they are produced.
//!
//! Retrieval counts, for every unit, how many of the query's keys it shares (rarest keys first;
//! keys found in more than 1/128 of the units are skipped unless they are among the query's six
//! rarest, because they cost most of the decoding and tell little), drops units whose length
//! alone makes the minimum score impossible ([`score_bound`], decided when a unit is first
//! met), and keeps the best `k` by the Dice coefficient of the key sets — these are then
//! scored exactly by the caller.

use super::format::{checksum, header_bytes, load, ContentHasher, TRAILER};
use super::score::score_bound;
use super::units::{hash_keys, units, Unit, UnitKind};
use super::Entry;
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
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
/// record (source, target, id, line, context) is. See [`super::format`] for the image in
/// `store` that the offsets below point into.
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
    /// Where the image is.
    pub(crate) store: Store,
    /// Offsets in `store` and lengths of the sections, and their checksum.
    pub(crate) layout: Layout,
    /// Content units of each source (saturating).
    pub(crate) content_len: Vec<u16>,
    /// Punctuation units of each source (saturating).
    pub(crate) punct_len: Vec<u16>,
    /// Distinct keys of each source (saturating).
    pub(crate) gram_count: Vec<u16>,
    /// The first key of each block of [`BLOCK`] entries of the key table.
    pub(crate) dir: Vec<u64>,
}

/// Where the sections of an index image are (see [`super::format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Layout {
    /// Units.
    pub units: u64,
    /// Distinct keys.
    pub keys: u64,
    /// Offset of the text section in the store.
    pub text_start: u64,
    /// Lengths of the text, unit table, key table and postings sections.
    pub lens: [u64; 4],
    /// Checksum of the four sections.
    pub checksum: u64,
}

impl Layout {
    /// Offset of the unit table.
    pub fn meta_start(&self) -> u64 {
        self.text_start + self.lens[0]
    }
    /// Offset of the key table.
    pub fn table_start(&self) -> u64 {
        self.meta_start() + self.lens[1]
    }
    /// Offset of the postings.
    pub fn post_start(&self) -> u64 {
        self.table_start() + self.lens[2]
    }
    /// Offset just past the postings (where the trailer starts).
    pub fn end(&self) -> u64 {
        self.post_start() + self.lens[3]
    }
}

/// Bytes of a unit table entry: record end offset u64, content, punctuation and key counts u16.
pub(crate) const META_ENTRY: usize = 14;
/// Bytes of a key table entry: key u64, document frequency u32, postings end offset u64.
pub(crate) const TABLE_ENTRY: usize = 20;
/// Key table entries per block of the in-memory directory.
pub(crate) const BLOCK: usize = 256;

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

/// Pairs (key, unit) gathered before they are sorted and written out as a run: 16 bytes each,
/// so the buffer is the largest part of a build's memory (32 MiB).
pub(crate) const RUN_PAIRS: usize = 1 << 21;

/// Runs merged at once (each read through a 64 KiB buffer); more runs are merged in rounds.
pub(crate) const FAN: usize = 64;

/// Where a [`Builder`] puts its sections and runs: in memory, or in unnamed temporary files of
/// a folder (gone when closed, even after a kill).
#[derive(Debug, Clone)]
enum Place {
    Memory,
    Dir(PathBuf),
}

impl Place {
    fn spill(&self) -> io::Result<Spill> {
        let sink = match self {
            Place::Memory => Sink::Memory(Vec::new()),
            Place::Dir(dir) => {
                let file = tempfile::tempfile_in(dir).or_else(|_| tempfile::tempfile())?;
                Sink::File(io::BufWriter::with_capacity(1 << 16, file))
            }
        };
        Ok(Spill {
            sink,
            hash: ContentHasher::default(),
        })
    }
}

enum Sink {
    Memory(Vec<u8>),
    File(io::BufWriter<std::fs::File>),
}

/// Bytes written once and read back from the start (a section of the image, or a run); their
/// content hash and length are taken on the way.
struct Spill {
    sink: Sink,
    hash: ContentHasher,
}

impl Spill {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        match &mut self.sink {
            Sink::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
            Sink::File(w) => w.write_all(bytes),
        }
    }

    fn varint(&mut self, v: u64) -> io::Result<()> {
        let mut buf = [0u8; 10];
        let mut pos = 0;
        put_varint_at(&mut buf, &mut pos, v);
        self.write(&buf[..pos])
    }

    fn len(&self) -> u64 {
        self.hash.len()
    }

    /// The bytes written, read from the start.
    fn into_reader(self) -> io::Result<Box<dyn io::BufRead>> {
        match self.sink {
            Sink::Memory(v) => Ok(Box::new(io::Cursor::new(v))),
            Sink::File(w) => {
                let mut f = w.into_inner().map_err(|e| e.into_error())?;
                f.seek(io::SeekFrom::Start(0))?;
                Ok(Box::new(io::BufReader::with_capacity(1 << 16, f)))
            }
        }
    }

    fn into_store(self) -> io::Result<Store> {
        match self.sink {
            Sink::Memory(v) => Ok(Store::Memory(Arc::new(v))),
            Sink::File(w) => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                Ok(Store::File(Arc::new(f)))
            }
        }
    }
}

/// Reads one byte; `None` at the end.
fn read_byte(r: &mut dyn io::BufRead) -> io::Result<Option<u8>> {
    let b = match r.fill_buf()?.first() {
        Some(&b) => b,
        None => return Ok(None),
    };
    r.consume(1);
    Ok(Some(b))
}

fn damaged_run() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "index build: damaged temporary run",
    )
}

/// Reads a LEB128 varint from a stream.
fn read_varint(r: &mut dyn io::BufRead) -> io::Result<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = read_byte(r)?.ok_or_else(damaged_run)?;
        if shift >= 64 || (shift == 63 && b > 1) {
            return Err(damaged_run());
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
    }
}

/// A sorted run being read: groups of one key each (key u64 LE, then the units ascending as
/// varints — the first plus one, then the gaps, all ≥ 1 — and a 0).
struct Run {
    r: Box<dyn io::BufRead>,
    key: u64,
    last: u64,
    first: bool,
}

impl Run {
    fn open(spill: Spill) -> io::Result<Run> {
        Ok(Run {
            r: spill.into_reader()?,
            key: 0,
            last: 0,
            first: true,
        })
    }

    /// Moves to the next group; false at the end of the run.
    fn next_key(&mut self) -> io::Result<bool> {
        let mut k = [0u8; 8];
        for (i, b) in k.iter_mut().enumerate() {
            match read_byte(self.r.as_mut())? {
                Some(x) => *b = x,
                None if i == 0 => return Ok(false),
                None => return Err(damaged_run()),
            }
        }
        self.key = u64::from_le_bytes(k);
        self.first = true;
        Ok(true)
    }

    /// The next unit of the current group; `None` at its end.
    fn next_unit(&mut self) -> io::Result<Option<u32>> {
        let v = read_varint(self.r.as_mut())?;
        if v == 0 {
            return Ok(None);
        }
        let unit = if self.first { v - 1 } else { self.last + v };
        self.first = false;
        self.last = unit;
        u32::try_from(unit).map(Some).map_err(|_| damaged_run())
    }
}

/// Writes sorted `(key, unit)` pairs as a run (see [`Run`]).
fn write_run(pairs: &[(u64, u32)], out: &mut Spill) -> io::Result<()> {
    let mut k = 0;
    while k < pairs.len() {
        let key = pairs[k].0;
        out.write(&key.to_le_bytes())?;
        let mut last = None;
        while k < pairs.len() && pairs[k].0 == key {
            let u = pairs[k].1;
            out.varint(match last {
                None => u64::from(u) + 1,
                Some(l) => u64::from(u - l),
            })?;
            last = Some(u);
            k += 1;
        }
        out.varint(0)?;
    }
    Ok(())
}

/// Merges runs that hold consecutive unit ranges (run `i`'s units all come before run
/// `i + 1`'s): keys ascending, and for each key its units from the runs in order, which is
/// ascending. `key` is called at each new key, `unit` for each of its units.
fn merge_runs(
    runs: Vec<Spill>,
    mut key: impl FnMut(u64) -> io::Result<()>,
    mut unit: impl FnMut(u32) -> io::Result<()>,
) -> io::Result<()> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut open = Vec::with_capacity(runs.len());
    let mut heap = BinaryHeap::with_capacity(runs.len());
    for (i, spill) in runs.into_iter().enumerate() {
        let mut run = Run::open(spill)?;
        if run.next_key()? {
            heap.push(Reverse((run.key, i)));
        }
        open.push(run);
    }
    let mut current = None;
    // equal keys pop in run order: the tuple compares the run number second
    while let Some(Reverse((k, i))) = heap.pop() {
        if current != Some(k) {
            if current.is_some_and(|c| c > k) {
                return Err(damaged_run());
            }
            key(k)?;
            current = Some(k);
        }
        let run = &mut open[i];
        while let Some(u) = run.next_unit()? {
            unit(u)?;
        }
        if run.next_key()? {
            heap.push(Reverse((run.key, i)));
        }
    }
    Ok(())
}

/// Merges `runs` into one run.
fn merge_into_run(runs: Vec<Spill>, place: &Place) -> io::Result<Spill> {
    let out = std::cell::RefCell::new(place.spill()?);
    let last: std::cell::Cell<Option<u32>> = std::cell::Cell::new(None);
    let started = std::cell::Cell::new(false);
    merge_runs(
        runs,
        |k| {
            let mut o = out.borrow_mut();
            if started.replace(true) {
                o.varint(0)?;
            }
            o.write(&k.to_le_bytes())?;
            last.set(None);
            Ok(())
        },
        |u| {
            let v = match last.replace(Some(u)) {
                None => u64::from(u) + 1,
                Some(l) if u > l => u64::from(u - l),
                Some(_) => return Err(damaged_run()),
            };
            out.borrow_mut().varint(v)
        },
    )?;
    let mut out = out.into_inner();
    if started.get() {
        out.varint(0)?;
    }
    Ok(out)
}

/// Builds an [`Index`] one unit at a time (TMX order) in bounded memory: each unit's record and
/// unit table entry are written out at once, its (key, unit) pairs go to sorted runs, and
/// [`Builder::finish`] merges the runs into the key table and the postings and lays the
/// sections out as an index image.
pub struct Builder {
    place: Place,
    text: Spill,
    meta: Spill,
    units: u32,
    /// (key, unit) pairs of the run being gathered.
    pairs: Vec<(u64, u32)>,
    run_pairs: usize,
    runs: Vec<Spill>,
    /// Units waiting for their (parallel) analysis.
    pending: Vec<Entry>,
    record: Vec<u8>,
}

impl Builder {
    /// A builder keeping everything in memory.
    pub fn in_memory() -> Builder {
        Builder::at(Place::Memory).expect("memory spills do no I/O")
    }

    /// A builder writing its sections, its runs and the finished image to unnamed temporary
    /// files in `dir` (or the temporary folder if `dir` takes none); the built index reads
    /// from its image file.
    pub fn spilling_in(dir: &Path) -> io::Result<Builder> {
        Builder::at(Place::Dir(dir.to_path_buf()))
    }

    fn at(place: Place) -> io::Result<Builder> {
        Ok(Builder {
            text: place.spill()?,
            meta: place.spill()?,
            place,
            units: 0,
            pairs: Vec::new(),
            run_pairs: RUN_PAIRS,
            runs: Vec::new(),
            pending: Vec::with_capacity(BATCH),
            record: Vec::new(),
        })
    }

    /// Sets the number of pairs per run (tests: many runs and merge rounds on small inputs).
    #[doc(hidden)]
    pub fn with_run_pairs(mut self, n: usize) -> Builder {
        self.run_pairs = n.max(1);
        self
    }

    /// Units added so far.
    pub fn len(&self) -> usize {
        self.units as usize + self.pending.len()
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
            let unit = self.units;
            self.units = unit
                .checked_add(1)
                .ok_or_else(|| io::Error::other("more than 4 billion units"))?;
            self.record.clear();
            put_record(&mut self.record, e, context);
            self.text.write(&self.record)?;
            let mut m = [0u8; META_ENTRY];
            m[..8].copy_from_slice(&self.text.len().to_le_bytes());
            m[8..10].copy_from_slice(&a.content.to_le_bytes());
            m[10..12].copy_from_slice(&a.punct.to_le_bytes());
            m[12..14].copy_from_slice(&sat16(a.grams.len()).to_le_bytes());
            self.meta.write(&m)?;
            for g in a.grams {
                self.pairs.push((g, unit));
            }
            if self.pairs.len() >= self.run_pairs {
                self.spill_run()?;
            }
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    fn spill_run(&mut self) -> io::Result<()> {
        if self.pairs.is_empty() {
            return Ok(());
        }
        self.pairs.sort_unstable();
        let mut run = self.place.spill()?;
        write_run(&self.pairs, &mut run)?;
        self.runs.push(run);
        self.pairs.clear();
        Ok(())
    }

    /// Finishes the index: the runs are merged into the key table and the postings, and the
    /// sections laid out as an index image (in memory, or in a temporary file) that the index
    /// then reads from.
    pub fn finish(mut self, src_lang: &str, tgt_lang: &str) -> io::Result<Index> {
        self.flush_pending()?;
        self.spill_run()?;
        self.pairs = Vec::new();
        let mut runs = std::mem::take(&mut self.runs);
        while runs.len() > FAN {
            let mut next = Vec::with_capacity(runs.len().div_ceil(FAN));
            let mut rest = runs.into_iter();
            loop {
                let group: Vec<Spill> = rest.by_ref().take(FAN).collect();
                if group.is_empty() {
                    break;
                }
                next.push(merge_into_run(group, &self.place)?);
            }
            runs = next;
        }
        // the key table and the postings
        let table = std::cell::RefCell::new(self.place.spill()?);
        let postings = std::cell::RefCell::new(self.place.spill()?);
        // current key, its units so far and its last unit
        let state: std::cell::Cell<Option<(u64, u32, u32)>> = std::cell::Cell::new(None);
        let mut keys = 0u64;
        let end_key = |s: Option<(u64, u32, u32)>| -> io::Result<()> {
            if let Some((k, df, _)) = s {
                let mut e = [0u8; TABLE_ENTRY];
                e[..8].copy_from_slice(&k.to_le_bytes());
                e[8..12].copy_from_slice(&df.to_le_bytes());
                e[12..20].copy_from_slice(&postings.borrow().len().to_le_bytes());
                table.borrow_mut().write(&e)?;
            }
            Ok(())
        };
        merge_runs(
            runs,
            |k| {
                end_key(state.get())?;
                state.set(Some((k, 0, 0)));
                keys += 1;
                Ok(())
            },
            |u| {
                let Some((k, df, last)) = state.get() else {
                    return Err(damaged_run());
                };
                // the first unit of a list as is, then gaps
                let v = if df == 0 { u } else { u.wrapping_sub(last) };
                postings.borrow_mut().varint(u64::from(v))?;
                state.set(Some((k, df + 1, u)));
                Ok(())
            },
        )?;
        end_key(state.get())?;
        let (table, postings) = (table.into_inner(), postings.into_inner());
        let layout = Layout {
            units: u64::from(self.units),
            keys,
            text_start: 0,
            lens: [
                self.text.len(),
                self.meta.len(),
                table.len(),
                postings.len(),
            ],
            checksum: checksum([
                self.text.hash.finish(),
                self.meta.hash.finish(),
                table.hash.finish(),
                postings.hash.finish(),
            ]),
        };
        let mut image = self.place.spill()?;
        let header = header_bytes(src_lang, tgt_lang, "", Stamp::default(), &layout);
        image.write(&header)?;
        let mut buf = vec![0u8; 1 << 16];
        for section in [self.text, self.meta, table, postings] {
            let mut r = section.into_reader()?;
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                image.write(&buf[..n])?;
            }
        }
        image.write(TRAILER)?;
        let len = image.len();
        load(image.into_store()?, len).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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
        self.layout.keys as usize
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

    /// Bytes held in memory by the index (the per-unit counts and the key directory, and the
    /// whole image when it is in memory).
    pub fn memory_bytes(&self) -> usize {
        let image = match &self.store {
            Store::Memory(b) => b.capacity(),
            Store::File(_) => 0,
        };
        image
            + (self.content_len.capacity() + self.punct_len.capacity() + self.gram_count.capacity())
                * 2
            + self.dir.capacity() * 8
    }

    /// The bytes of unit `i`'s record (its bounds read from the unit table).
    fn record(&self, i: usize) -> Option<Cow<'_, [u8]>> {
        if i >= self.len() {
            return None;
        }
        let ms = self.layout.meta_start();
        let from = i.saturating_sub(1);
        let entries = self
            .store
            .read(ms + (from * META_ENTRY) as u64, (i + 1 - from) * META_ENTRY)
            .ok()?;
        let end_at = |k: usize| {
            let b = &entries[k * META_ENTRY..k * META_ENTRY + 8];
            u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        };
        let (a, b) = if i == 0 {
            (0, end_at(0))
        } else {
            (end_at(0), end_at(1))
        };
        let len = usize::try_from(b.checked_sub(a)?).ok()?;
        self.store
            .read(self.layout.text_start.checked_add(a)?, len)
            .ok()
    }

    /// Unit `i` read from its record; `None` past the end, or if the record cannot be read
    /// (a damaged or vanished index file).
    pub fn get(&self, i: usize) -> Option<StoredEntry> {
        parse_record(&self.record(i)?)
    }

    /// The entry of `key` in the key table: its document frequency and the byte range of its
    /// postings (relative to the postings section). Reads one block of the table.
    fn find(&self, key: u64) -> Option<(u32, u64, u64)> {
        let block = self.dir.partition_point(|&k| k <= key).checked_sub(1)?;
        let first = block * BLOCK;
        let last = (first + BLOCK).min(self.key_count());
        let from = first.saturating_sub(1);
        let bytes = self
            .store
            .read(
                self.layout.table_start() + (from * TABLE_ENTRY) as u64,
                (last - from) * TABLE_ENTRY,
            )
            .ok()?;
        let entry = |slot: usize| -> (u64, u32, u64) {
            let e = &bytes[(slot - from) * TABLE_ENTRY..(slot - from + 1) * TABLE_ENTRY];
            let u64_at =
                |b: &[u8]| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            (
                u64_at(&e[..8]),
                u32::from_le_bytes([e[8], e[9], e[10], e[11]]),
                u64_at(&e[12..20]),
            )
        };
        let (mut lo, mut hi) = (first, last);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match entry(mid).0.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let (_, df, end) = entry(mid);
                    let start = if mid == 0 { 0 } else { entry(mid - 1).2 };
                    return Some((df, start, end));
                }
            }
        }
        None
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
        let mut slots: Vec<(u32, u64, u64)> =
            q_grams.iter().filter_map(|&g| self.find(g)).collect();
        slots.sort_by_key(|s| s.0);
        let cap = (n / 128).max(2000);
        let used: Vec<(u32, u64, u64)> = slots
            .iter()
            .enumerate()
            .filter(|&(i, s)| i < MIN_KEYS || s.0 as usize <= cap)
            .map(|(_, &s)| s)
            .collect();
        let mut counts = vec![0u16; n];
        let mut touched: Vec<u32> = Vec::new();
        let post_start = self.layout.post_start();
        for (df, a, b) in used.iter().copied() {
            let Some(list) = b
                .checked_sub(a)
                .and_then(|len| usize::try_from(len).ok())
                .and_then(|len| self.store.read(post_start + a, len).ok())
            else {
                continue;
            };
            let mut pos = 0;
            let mut unit: u64 = 0;
            for k in 0..df {
                let Some(v) = get_varint(&list, &mut pos) else {
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

    /// Varied pairs: Chinese built from a small alphabet (shared bigrams, unequal frequencies)
    /// and Russian words, some repeated.
    fn varied_pairs(n: usize) -> Vec<(String, String)> {
        let zh: Vec<char> = "我们明天去北京上海今天气很好会议讨论了经济合作协议"
            .chars()
            .collect();
        let ru = [
            "член",
            "ассамблея",
            "погода",
            "соглашение",
            "встреча",
            "дружба",
            "Москва",
        ];
        let mut x: u64 = 12345;
        let mut next = move |m: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m as u64) as usize
        };
        (0..n)
            .map(|_| {
                let zl = 1 + next(12);
                let s: String = (0..zl).map(|_| zh[next(zh.len())]).collect();
                let t: Vec<&str> = (0..1 + next(5)).map(|_| ru[next(ru.len())]).collect();
                (s, t.join(" "))
            })
            .collect()
    }

    fn image(idx: &Index) -> Vec<u8> {
        let mut out = Vec::new();
        super::super::format::write_index(idx, &mut out).unwrap();
        out
    }

    #[test]
    fn spilled_runs_and_merge_rounds_give_the_in_memory_index() {
        let pairs = varied_pairs(3000);
        let mem = Index::from_pairs(&pairs, "zh", "ru");
        let d = tempfile::tempdir().unwrap();
        // 97 pairs a run: hundreds of runs, so more than FAN and two merge rounds
        let mut b = Builder::spilling_in(d.path()).unwrap().with_run_pairs(97);
        for (i, (s, t)) in pairs.iter().enumerate() {
            b.push(Entry {
                source: s.clone(),
                target: t.clone(),
                id: None,
                line: 0,
                prev: i.checked_sub(1).map(|p| pairs[p].0.clone()),
            })
            .unwrap();
        }
        let disk = b.finish("zh", "ru").unwrap();
        assert!(matches!(disk.store, Store::File(_)));
        assert_eq!(image(&disk), image(&mem));
        // and the postings are those of a direct computation
        let mut direct: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
        for (u, (s, _)) in pairs.iter().enumerate() {
            for g in grams(&units(s)) {
                direct.entry(g).or_default().push(u as u64);
            }
        }
        assert_eq!(disk.key_count(), direct.len());
        for (key, list) in &direct {
            let (df, a, b) = disk.find(*key).unwrap();
            assert_eq!(df as usize, list.len());
            let bytes = disk
                .store
                .read(disk.layout.post_start() + a, (b - a) as usize)
                .unwrap();
            let (mut pos, mut unit, mut got) = (0, 0u64, Vec::new());
            while pos < bytes.len() {
                let v = get_varint(&bytes, &mut pos).unwrap();
                unit = if got.is_empty() { v } else { unit + v };
                got.push(unit);
            }
            assert_eq!(&got, list);
        }
        assert!(disk.find(0).is_none() || direct.contains_key(&0));
        for q in ["我们明天去北京", "会议讨论了经济", "член ассамблея", "京"]
        {
            let q = units(q);
            assert_eq!(disk.candidates(&q, 0, 50), mem.candidates(&q, 0, 50));
        }
        for i in [0, 1, 1500, 2999] {
            assert_eq!(disk.get(i), mem.get(i));
        }
        assert!(disk.get(3000).is_none());
    }

    #[test]
    fn an_empty_index_has_no_candidates() {
        let idx = Index::from_pairs::<&str, &str>(&[], "zh", "ru");
        assert!(idx.is_empty());
        assert_eq!(idx.key_count(), 0);
        assert!(idx.candidates(&units("我们"), 0, 5).is_empty());
        assert!(idx.get(0).is_none());
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
