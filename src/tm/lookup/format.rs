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
//! meta     per unit, varints: record len · content units · punctuation units · key count
//! table    per key, varints: key − previous key · document frequency · postings byte length
//! postings per key: first unit number, then gaps, varints
//! trailer  "XDILAMT\0" (8)
//! ```
//!
//! Loading checks the magic, version, declared lengths against the file length, the trailer,
//! the checksum, every record bound and the key order, and fails with a message (never a
//! panic); the caller then rebuilds. Postings are bounds-checked again while they are read,
//! records when one is read. Loading from a file ([`read_index_file`]) keeps the tables and
//! postings in memory but not the texts: the text section is only hashed, in chunks, and a
//! lookup reads the records it needs from the file.

use super::index::{get_varint, put_varint, Index, Stamp, Store};
use std::io::{self, Write};
use std::sync::Arc;

/// File magic.
pub const MAGIC: &[u8; 8] = b"TMALIDX\0";
/// Trailer magic: a truncated file lacks it.
const TRAILER: &[u8; 8] = b"XDILAMT\0";
/// Format version; bump whenever the layout or the tokenization that feeds keys changes.
pub const VERSION: u32 = 2;

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

/// Writes `index` in the `.idx` format (the records are copied from wherever they are, in
/// chunks).
pub fn write_index(index: &Index, out: &mut dyn Write) -> io::Result<()> {
    let n = index.len();
    let text_len = index.rec.last().copied().unwrap_or(0);
    let mut meta = Vec::with_capacity(n * 6);
    for i in 0..n {
        put_varint(&mut meta, index.rec[i + 1] - index.rec[i]);
        put_varint(&mut meta, u64::from(index.content_len[i]));
        put_varint(&mut meta, u64::from(index.punct_len[i]));
        put_varint(&mut meta, u64::from(index.gram_count[i]));
    }
    let mut table = Vec::with_capacity(index.keys.len() * 6);
    let mut prev = 0u64;
    for (slot, &key) in index.keys.iter().enumerate() {
        put_varint(&mut table, key - prev);
        prev = key;
        put_varint(&mut table, u64::from(index.df[slot]));
        put_varint(&mut table, index.post[slot + 1] - index.post[slot]);
    }
    let postings = &index.postings[..];
    let mut text_hash = ContentHasher::default();
    index.store.for_chunks(index.text_start, text_len, |c| {
        text_hash.update(c);
        Ok(())
    })?;
    let mut header = Vec::with_capacity(128);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    let s = index.stamp;
    header.extend_from_slice(&s.size.to_le_bytes());
    header.extend_from_slice(&s.mtime_secs.to_le_bytes());
    header.extend_from_slice(&s.mtime_nanos.to_le_bytes());
    header.extend_from_slice(&s.hash.to_le_bytes());
    for lang in [&index.src_lang, &index.tgt_lang, &index.map_sig] {
        let b = &lang.as_bytes()[..lang.len().min(255)];
        header.push(b.len() as u8);
        header.extend_from_slice(b);
    }
    let sections = [
        n as u64,
        index.keys.len() as u64,
        text_len,
        meta.len() as u64,
        table.len() as u64,
        postings.len() as u64,
    ];
    for v in sections {
        header.extend_from_slice(&v.to_le_bytes());
    }
    let total =
        (header.len() + 16 + meta.len() + table.len() + postings.len() + 8) as u64 + text_len;
    header.extend_from_slice(&total.to_le_bytes());
    let sums = [
        text_hash.finish(),
        content_hash(&meta),
        content_hash(&table),
        content_hash(postings),
    ];
    header.extend_from_slice(&checksum(sums).to_le_bytes());
    out.write_all(&header)?;
    index
        .store
        .for_chunks(index.text_start, text_len, |c| out.write_all(c))?;
    out.write_all(&meta)?;
    out.write_all(&table)?;
    out.write_all(postings)?;
    out.write_all(TRAILER)
}

/// Checksum of the sections: their content hashes mixed in order.
fn checksum(sums: [u64; 4]) -> u64 {
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

/// Loads an index from an open file: tables and postings are read into memory, the texts stay
/// in the file (hashed once, in chunks, for the checksum).
pub fn read_index_file(file: std::fs::File) -> Result<Index, String> {
    let len = file
        .metadata()
        .map_err(|e| format!("index unreadable ({e})"))?
        .len();
    load(Store::File(Arc::new(file)), len)
}

/// Longest possible header: fixed fields, three strings of at most 255 bytes, the counts.
const MAX_HEADER: u64 = (STAMP_OFFSET + 28 + 3 * 256 + 8 * 8) as u64;

fn load(store: Store, file_len: u64) -> Result<Index, String> {
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
    let n = usize::try_from(c.u64()?).map_err(|_| "unit count too large")?;
    let n_keys = usize::try_from(c.u64()?).map_err(|_| "key count too large")?;
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
    let [text_len, meta_len, table_len, post_len] = lens;
    let text_start = c.pos as u64;
    drop(head);
    let sum = [text_len, meta_len, table_len, post_len, 8]
        .iter()
        .try_fold(text_start, |a, &b| a.checked_add(b));
    if sum != Some(file_len) {
        return Err("index sections do not add up to the file length".into());
    }
    if &store.read(file_len - 8, 8).map_err(io)?[..] != TRAILER {
        return Err("index file lacks its trailer (truncated or damaged)".into());
    }
    // Every unit needs at least 4 meta bytes and 12 record bytes; refuse absurd counts
    // before allocating.
    if n as u64 > meta_len / 4 + 1
        || n as u64 > text_len / 12 + 1
        || n_keys as u64 > table_len / 3 + 1
    {
        return Err("index counts do not fit its sections".into());
    }
    let meta_start = text_start + text_len;
    let table_start = meta_start + meta_len;
    let post_start = table_start + table_len;
    let too_big = |_| "index section too large".to_string();
    let meta = store
        .read(meta_start, usize::try_from(meta_len).map_err(too_big)?)
        .map_err(io)?;
    let table = store
        .read(table_start, usize::try_from(table_len).map_err(too_big)?)
        .map_err(io)?;
    let postings = store
        .read(post_start, usize::try_from(post_len).map_err(too_big)?)
        .map_err(io)?
        .into_owned();
    let mut text_hash = ContentHasher::default();
    store
        .for_chunks(text_start, text_len, |c| {
            text_hash.update(c);
            Ok(())
        })
        .map_err(io)?;
    let sums = [
        text_hash.finish(),
        content_hash(&meta),
        content_hash(&table),
        content_hash(&postings),
    ];
    if checksum(sums) != stored_sum {
        return Err("index checksum mismatch (damaged)".into());
    }
    let mut pos = 0;
    let bad_meta = || "index unit table is damaged".to_string();
    let mut rec = Vec::with_capacity(n + 1);
    let mut content_len = Vec::with_capacity(n);
    let mut punct_len = Vec::with_capacity(n);
    let mut gram_count = Vec::with_capacity(n);
    let mut at = 0u64;
    rec.push(at);
    for _ in 0..n {
        let l = get_varint(&meta, &mut pos).ok_or_else(bad_meta)?;
        at = at
            .checked_add(l)
            .filter(|&e| e <= text_len && l >= 12)
            .ok_or_else(bad_meta)?;
        rec.push(at);
        let mut small = [0u64; 3];
        for v in &mut small {
            *v = get_varint(&meta, &mut pos).ok_or_else(bad_meta)?;
        }
        content_len.push(u16::try_from(small[0]).map_err(|_| bad_meta())?);
        punct_len.push(u16::try_from(small[1]).map_err(|_| bad_meta())?);
        gram_count.push(u16::try_from(small[2]).map_err(|_| bad_meta())?);
    }
    if pos != meta.len() || at != text_len {
        return Err(bad_meta());
    }
    drop(meta);
    let bad_table = || "index key table is damaged".to_string();
    let mut keys = Vec::with_capacity(n_keys);
    let mut df = Vec::with_capacity(n_keys);
    let mut post = Vec::with_capacity(n_keys + 1);
    let mut pos = 0;
    let mut key = 0u64;
    let mut off = 0u64;
    for slot in 0..n_keys {
        let delta = get_varint(&table, &mut pos).ok_or_else(bad_table)?;
        if slot > 0 && delta == 0 {
            return Err(bad_table());
        }
        key = key.checked_add(delta).ok_or_else(bad_table)?;
        keys.push(key);
        let d = get_varint(&table, &mut pos).ok_or_else(bad_table)?;
        df.push(u32::try_from(d).map_err(|_| bad_table())?);
        post.push(off);
        let l = get_varint(&table, &mut pos).ok_or_else(bad_table)?;
        off = off
            .checked_add(l)
            .filter(|&e| e <= post_len)
            .ok_or_else(bad_table)?;
    }
    post.push(off);
    if pos != table.len() || off != post_len {
        return Err(bad_table());
    }
    drop(table);
    Ok(Index {
        src_lang: header.src_lang,
        tgt_lang: header.tgt_lang,
        map_sig: header.map_sig,
        stamp: header.stamp,
        store,
        text_start,
        rec,
        content_len,
        punct_len,
        gram_count,
        keys,
        df,
        post,
        postings,
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
        assert_eq!(back.keys, idx.keys);
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
