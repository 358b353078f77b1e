//! The `.idx` file: a compact binary image of an [`Index`].
//!
//! All integers little-endian. Layout:
//!
//! ```text
//! header   magic "TMALIDX\0" (8) · version u32 · flags u32 (0)
//!          TMX size u64 · mtime secs i64 · mtime nanos u32 · TMX content hash u64
//!          src lang · tgt lang · language-map signature (each u8 length + bytes)
//!          units u64 · keys u64 · text bytes u64 · meta bytes u64 · table bytes u64
//!          postings bytes u64 · file length u64 · checksum u64 (of the four sections)
//! text     per unit, its record: varints source len · target len · id len · line, the
//!          context hash u64, then source, target and id (UTF-8)
//! meta     per unit, 14 bytes: end of its record in the text u64 · content units u16 ·
//!          punctuation units u16 · key count u16
//! table    per key, ascending, 20 bytes: key u64 · document frequency u32 · end of its
//!          postings u64
//! postings per key: first unit number, then gaps, varints
//! trailer  "XDILAMT\0" (8)
//! ```
//!
//! The unit and key tables have fixed-size entries so that a lookup reads them at offsets:
//! the bounds of one record, one block of the key table (found through a directory of every
//! [`BLOCK`]th key held in memory), one key's postings. Loading checks the magic, version,
//! declared lengths against the file length, the trailer, the checksum, every record bound and
//! the key order, reading the sections in chunks, and fails with a message (never a panic);
//! the caller then rebuilds. What a loaded index holds is the per-unit counts (6 bytes a unit)
//! and the directory; postings are bounds-checked again while they are read, records when one
//! is read.

use super::index::{Index, Layout, Stamp, Store, BLOCK, META_ENTRY, TABLE_ENTRY};
use std::io::{self, Write};
use std::sync::Arc;

/// File magic.
pub const MAGIC: &[u8; 8] = b"TMALIDX\0";
/// Trailer magic: a truncated file lacks it.
pub(crate) const TRAILER: &[u8; 8] = b"XDILAMT\0";
/// Format version; bump whenever the layout or the tokenization that feeds keys changes.
pub const VERSION: u32 = 3;

/// Content hash of a file's bytes: 64-bit words folded with a multiply-rotate step, then the
/// length and an avalanche. Fast (several GB/s) because it runs over the whole TMX whenever
/// its size or mtime changed; not cryptographic — it only has to notice edits.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = ContentHasher::default();
    h.update(bytes);
    h.finish()
}

/// [`content_hash`] computed piece by piece, for a file read in chunks.
#[derive(Debug, Clone, Default)]
pub struct ContentHasher {
    h: u64,
    tail: [u8; 8],
    fill: usize,
    len: u64,
}

impl ContentHasher {
    fn word(&mut self, w: u64) {
        self.h = (self.h ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }

    /// Adds the next bytes.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.fill > 0 {
            let n = (8 - self.fill).min(bytes.len());
            self.tail[self.fill..self.fill + n].copy_from_slice(&bytes[..n]);
            self.fill += n;
            bytes = &bytes[n..];
            if self.fill < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.tail));
            self.fill = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.fill = rest.len();
    }

    /// Bytes added so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The hash of everything added.
    pub fn finish(&self) -> u64 {
        let mut tail = [0u8; 8];
        tail[..self.fill].copy_from_slice(&self.tail[..self.fill]);
        let mut h = (self.h ^ 0x243F_6A88_85A3_08D3 ^ u64::from_le_bytes(tail))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= self.len;
        h ^= h >> 32;
        h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^ (h >> 32)
    }
}

/// A reader that hashes what passes through it ([`ContentHasher`]).
pub struct HashingReader<R> {
    inner: R,
    hasher: ContentHasher,
}

impl<R> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: ContentHasher::default(),
        }
    }

    /// The hash of the bytes read so far, and their count.
    pub fn hash(&self) -> (u64, u64) {
        (self.hasher.finish(), self.hasher.len())
    }
}

impl<R: io::Read> io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// The header of an index image (see the module documentation).
pub(crate) fn header_bytes(
    src_lang: &str,
    tgt_lang: &str,
    map_sig: &str,
    stamp: Stamp,
    layout: &Layout,
) -> Vec<u8> {
    let mut header = Vec::with_capacity(128);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&stamp_bytes(&stamp));
    for lang in [src_lang, tgt_lang, map_sig] {
        let b = &lang.as_bytes()[..lang.len().min(255)];
        header.push(b.len() as u8);
        header.extend_from_slice(b);
    }
    header.extend_from_slice(&layout.units.to_le_bytes());
    header.extend_from_slice(&layout.keys.to_le_bytes());
    for v in layout.lens {
        header.extend_from_slice(&v.to_le_bytes());
    }
    let total = (header.len() + 16 + TRAILER.len()) as u64 + layout.lens.iter().sum::<u64>();
    header.extend_from_slice(&total.to_le_bytes());
    header.extend_from_slice(&layout.checksum.to_le_bytes());
    header
}

/// Writes `index` in the `.idx` format: a fresh header (the index's stamp, languages and
/// mapping), then its sections and trailer copied from wherever they are, in chunks.
pub fn write_index(index: &Index, out: &mut dyn Write) -> io::Result<()> {
    let l = &index.layout;
    out.write_all(&header_bytes(
        &index.src_lang,
        &index.tgt_lang,
        &index.map_sig,
        index.stamp,
        l,
    ))?;
    index.store.for_chunks(
        l.text_start,
        l.end() - l.text_start + TRAILER.len() as u64,
        |c| out.write_all(c),
    )
}

/// Checksum of the sections: their content hashes mixed in order.
pub(crate) fn checksum(sums: [u64; 4]) -> u64 {
    super::units::hash_keys(sums)
}

/// A bounds-checked little-endian reader over the header.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or("index file is truncated")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn lang(&mut self) -> Result<String, String> {
        let n = self.take(1)?[0] as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| "bad language code in index header".to_string())
    }
}

/// The header fields that decide whether a saved index is still valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Provenance.
    pub stamp: Stamp,
    /// Source language code.
    pub src_lang: String,
    /// Target language code.
    pub tgt_lang: String,
    /// Signature of the language-tag mapping the TMX was read with ("" = default).
    pub map_sig: String,
}

impl Header {
    /// Byte length of the header part [`read_header`] reads.
    fn len(&self) -> usize {
        STAMP_OFFSET + 28 + 3 + self.src_lang.len() + self.tgt_lang.len() + self.map_sig.len()
    }
}

/// Reads just the header (cheap staleness check before loading the rest).
pub fn read_header(buf: &[u8]) -> Result<Header, String> {
    let mut c = Cursor { buf, pos: 0 };
    if c.take(8).map_err(|_| "not an index file (too short)")? != MAGIC {
        return Err("not a tmalign index file (wrong magic)".into());
    }
    let version = c.u32()?;
    if version != VERSION {
        return Err(format!(
            "index format version {version}, expected {VERSION}"
        ));
    }
    let _flags = c.u32()?;
    let size = c.u64()?;
    let mtime_secs = c.u64()? as i64;
    let mtime_nanos = c.u32()?;
    let hash = c.u64()?;
    Ok(Header {
        stamp: Stamp {
            size,
            mtime_secs,
            mtime_nanos,
            hash,
        },
        src_lang: c.lang()?,
        tgt_lang: c.lang()?,
        map_sig: c.lang()?,
    })
}

/// Byte offset of the stamp in the header (after magic, version and flags), for patching a
/// stamp in place.
pub const STAMP_OFFSET: usize = 16;

/// Serialises a stamp as stored at [`STAMP_OFFSET`].
pub fn stamp_bytes(s: &Stamp) -> [u8; 28] {
    let mut out = [0u8; 28];
    out[..8].copy_from_slice(&s.size.to_le_bytes());
    out[8..16].copy_from_slice(&s.mtime_secs.to_le_bytes());
    out[16..20].copy_from_slice(&s.mtime_nanos.to_le_bytes());
    out[20..28].copy_from_slice(&s.hash.to_le_bytes());
    out
}

/// Sizes in bytes of the sections of an index file (for reports and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    /// Header (with the checksum) and trailer.
    pub header: usize,
    /// Texts: sources, targets, ids.
    pub text: usize,
    /// Per-unit table.
    pub meta: usize,
    /// Key table.
    pub table: usize,
    /// Postings lists.
    pub postings: usize,
}

/// Reads the section sizes from an index file's header.
pub fn sections(buf: &[u8]) -> Result<Sections, String> {
    let header = read_header(buf)?;
    let mut c = Cursor {
        buf,
        pos: header.len() + 16,
    };
    let mut lens = [0usize; 4];
    for l in &mut lens {
        *l = usize::try_from(c.u64()?).map_err(|_| "section too large")?;
    }
    Ok(Sections {
        header: c.pos + 16 + 8,
        text: lens[0],
        meta: lens[1],
        table: lens[2],
        postings: lens[3],
    })
}

/// Loads an index from the whole file's bytes (kept as the index's record store).
pub fn read_index(buf: Vec<u8>) -> Result<Index, String> {
    let len = buf.len() as u64;
    load(Store::Memory(Arc::new(buf)), len)
}

/// Loads an index from an open file: the per-unit counts and the key directory are read into
/// memory; the tables, postings and texts stay in the file (read once, in chunks, for the
/// checksum) and are read at offsets by lookups.
pub fn read_index_file(file: std::fs::File) -> Result<Index, String> {
    let len = file
        .metadata()
        .map_err(|e| format!("index unreadable ({e})"))?
        .len();
    load(Store::File(Arc::new(file)), len)
}

/// Longest possible header: fixed fields, three strings of at most 255 bytes, the counts.
const MAX_HEADER: u64 = (STAMP_OFFSET + 28 + 3 * 256 + 8 * 8) as u64;

/// Parses and checks an index image in `store` of `file_len` bytes (see the module
/// documentation); reads every section once, in chunks, and keeps the per-unit counts and the
/// key directory.
pub(crate) fn load(store: Store, file_len: u64) -> Result<Index, String> {
    let io = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => "index file is truncated".to_string(),
        _ => format!("index unreadable ({e})"),
    };
    let head = store
        .read(0, file_len.min(MAX_HEADER) as usize)
        .map_err(io)?;
    let header = read_header(&head)?;
    let mut c = Cursor {
        buf: &head,
        pos: header.len(),
    };
    let units = c.u64()?;
    let keys = c.u64()?;
    let mut lens = [0u64; 4];
    for l in &mut lens {
        *l = c.u64()?;
    }
    let total = c.u64()?;
    if total != file_len {
        return Err(format!(
            "index file is {file_len} bytes, its header says {total} (truncated or damaged)"
        ));
    }
    let stored_sum = c.u64()?;
    let text_start = c.pos as u64;
    drop(head);
    let sum = lens
        .iter()
        .chain([&(TRAILER.len() as u64)])
        .try_fold(text_start, |a, &b| a.checked_add(b));
    if sum != Some(file_len) {
        return Err("index sections do not add up to the file length".into());
    }
    if &store.read(file_len - 8, 8).map_err(io)?[..] != TRAILER {
        return Err("index file lacks its trailer (truncated or damaged)".into());
    }
    let [text_len, meta_len, table_len, post_len] = lens;
    if units.checked_mul(META_ENTRY as u64) != Some(meta_len)
        || keys.checked_mul(TABLE_ENTRY as u64) != Some(table_len)
    {
        return Err("index counts do not fit its sections".into());
    }
    let n = usize::try_from(units).map_err(|_| "unit count too large")?;
    let n_keys = usize::try_from(keys).map_err(|_| "key count too large")?;
    let layout = Layout {
        units,
        keys,
        text_start,
        lens,
        checksum: stored_sum,
    };
    let hash_of =
        |start: u64, len: u64, entry: usize, f: &mut dyn FnMut(&[u8]) -> Result<(), String>| {
            let mut h = ContentHasher::default();
            let chunk = (entry * 4096) as u64;
            let mut at = 0;
            while at < len {
                let k = (len - at).min(chunk) as usize;
                let bytes = store.read(start + at, k).map_err(io)?;
                h.update(&bytes);
                f(&bytes)?;
                at += k as u64;
            }
            Ok::<u64, String>(h.finish())
        };
    let text_sum = hash_of(text_start, text_len, 256, &mut |_| Ok(()))?;

    let bad_meta = || "index unit table is damaged".to_string();
    let mut content_len = Vec::with_capacity(n);
    let mut punct_len = Vec::with_capacity(n);
    let mut gram_count = Vec::with_capacity(n);
    let mut at = 0u64;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u64_at = |b: &[u8], i: usize| {
        u64::from_le_bytes([
            b[i],
            b[i + 1],
            b[i + 2],
            b[i + 3],
            b[i + 4],
            b[i + 5],
            b[i + 6],
            b[i + 7],
        ])
    };
    let meta_sum = hash_of(layout.meta_start(), meta_len, META_ENTRY, &mut |chunk| {
        for e in chunk.chunks_exact(META_ENTRY) {
            // every record takes at least 12 bytes (four varints and the context hash)
            let end = u64_at(e, 0);
            if end > text_len || end < at.saturating_add(12) {
                return Err(bad_meta());
            }
            at = end;
            content_len.push(u16_at(e, 8));
            punct_len.push(u16_at(e, 10));
            gram_count.push(u16_at(e, 12));
        }
        Ok(())
    })?;
    if at != text_len {
        return Err(bad_meta());
    }

    let bad_table = || "index key table is damaged".to_string();
    let mut dir = Vec::with_capacity(n_keys.div_ceil(BLOCK));
    let mut slot = 0usize;
    let mut prev_key = 0u64;
    let mut off = 0u64;
    let table_sum = hash_of(layout.table_start(), table_len, TABLE_ENTRY, &mut |chunk| {
        for e in chunk.chunks_exact(TABLE_ENTRY) {
            let key = u64_at(e, 0);
            let end = u64_at(e, 12);
            if (slot > 0 && key <= prev_key) || end < off || end > post_len {
                return Err(bad_table());
            }
            if slot % BLOCK == 0 {
                dir.push(key);
            }
            prev_key = key;
            off = end;
            slot += 1;
        }
        Ok(())
    })?;
    if off != post_len {
        return Err(bad_table());
    }
    let post_sum = hash_of(layout.post_start(), post_len, 256, &mut |_| Ok(()))?;
    if checksum([text_sum, meta_sum, table_sum, post_sum]) != stored_sum {
        return Err("index checksum mismatch (damaged)".into());
    }
    Ok(Index {
        src_lang: header.src_lang,
        tgt_lang: header.tgt_lang,
        map_sig: header.map_sig,
        stamp: header.stamp,
        store,
        layout,
        content_len,
        punct_len,
        gram_count,
        dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::lookup::units::units;

    fn sample() -> Index {
        let pairs = [
            ("我们明天去北京。", "Завтра мы едем в Пекин."),
            ("今天天气很好。", "Сегодня хорошая погода."),
            ("Члены Ассамблеи", "议员"),
        ];
        let mut idx = Index::from_pairs(&pairs, "zh", "ru");
        idx.stamp = Stamp {
            size: 10,
            mtime_secs: -5,
            mtime_nanos: 7,
            hash: 99,
        };
        idx
    }

    fn bytes(idx: &Index) -> Vec<u8> {
        let mut out = Vec::new();
        write_index(idx, &mut out).unwrap();
        out
    }

    #[test]
    fn round_trip() {
        let idx = sample();
        let b = bytes(&idx);
        let back = read_index(b.clone()).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back.stamp(), idx.stamp());
        assert_eq!(back.src_lang(), "zh");
        for i in 0..3 {
            assert_eq!(back.get(i), idx.get(i));
        }
        assert_eq!(back.key_count(), idx.key_count());
        let q = units("我们明天去北京");
        assert_eq!(back.candidates(&q, 0, 5), idx.candidates(&q, 0, 5));
        assert_eq!(bytes(&back), b);
        assert_eq!(read_header(&b).unwrap().stamp, idx.stamp());
        let s = sections(&b).unwrap();
        assert_eq!(s.header + s.text + s.meta + s.table + s.postings, b.len());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let b = bytes(&sample());
        for cut in 0..b.len() {
            assert!(read_index(b[..cut].to_vec()).is_err(), "cut at {cut}");
        }
        let mut wrong = b.clone();
        wrong[0] = b'X';
        assert!(read_index(wrong).unwrap_err().contains("magic"));
        // flip every byte in turn: only a flip in the stamp (which is compared with the TMX,
        // not checksummed) or the flags may load
        for i in 0..b.len() {
            let mut d = b.clone();
            d[i] ^= 0xA5;
            let loaded = read_index(d).is_ok();
            assert_eq!(loaded, (12..STAMP_OFFSET + 28).contains(&i), "flip at {i}");
        }
    }

    #[test]
    fn hash_notices_edits() {
        let a = content_hash(b"<tmx>hello world</tmx>");
        assert_ne!(a, content_hash(b"<tmx>hello World</tmx>"));
        assert_ne!(a, content_hash(b"<tmx>hello world</tmx> "));
        assert_eq!(a, content_hash(b"<tmx>hello world</tmx>"));
    }
}
