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
//! numbers) are stored delta + varint encoded, in the same byte buffer as the texts, so that
//! a loaded index file is used as read, without decoding its postings up front.
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
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// A searchable translation memory: the TUs (source, target, id, line, context) and the
/// n-gram index over their sources.
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
    /// Texts and postings; for a loaded index this is the whole file as read.
    pub(crate) data: Vec<u8>,
    /// Byte ranges of the strings of unit `i` in `data`: source `bounds[3i]..bounds[3i+1]`,
    /// target `..bounds[3i+2]`, id `..bounds[3i+3]`.
    pub(crate) bounds: Vec<u64>,
    /// Line of each unit in the TMX (0 = unknown).
    pub(crate) lines: Vec<u32>,
    /// Context hash of each unit ([`context_hash`] of its previous segment; 0 = none).
    pub(crate) context: Vec<u64>,
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
    /// Byte offsets in `data` of each key's postings; one more entry than `keys`.
    pub(crate) post: Vec<u64>,
}

/// One TU of an [`Index`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// Source text.
    pub source: &'a str,
    /// Target text.
    pub target: &'a str,
    /// TU id (`tuid`), if any.
    pub id: Option<&'a str>,
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

impl Index {
    /// Builds the index of `entries` (in TMX order). `src_lang` / `tgt_lang` are recorded so a
    /// saved index is not reused for another language direction.
    pub fn build(entries: &[Entry], src_lang: &str, tgt_lang: &str) -> Index {
        let analysed: Vec<Analysed> = entries.par_iter().map(|e| analyse(&e.source)).collect();
        let context: Vec<u64> = entries
            .par_iter()
            .map(|e| e.prev.as_deref().map(context_hash).unwrap_or(0))
            .collect();
        let mut data = Vec::new();
        let mut bounds = Vec::with_capacity(entries.len() * 3 + 1);
        bounds.push(0u64);
        for e in entries {
            for s in [&e.source, &e.target, e.id.as_deref().unwrap_or("")] {
                let s: &str = s;
                data.extend_from_slice(s.as_bytes());
                bounds.push(data.len() as u64);
            }
        }
        let lines = entries
            .iter()
            .map(|e| e.line.min(u32::MAX as usize) as u32)
            .collect();
        let mut index = Index {
            src_lang: src_lang.to_string(),
            tgt_lang: tgt_lang.to_string(),
            map_sig: String::new(),
            stamp: Stamp::default(),
            data,
            bounds,
            lines,
            context,
            content_len: analysed.iter().map(|a| a.content).collect(),
            punct_len: analysed.iter().map(|a| a.punct).collect(),
            gram_count: analysed.iter().map(|a| sat16(a.grams.len())).collect(),
            keys: Vec::new(),
            df: Vec::new(),
            post: Vec::new(),
        };
        index.build_postings(&analysed);
        index
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

    /// Inverts the per-unit keys into postings appended to `data` (two passes: count, fill).
    fn build_postings(&mut self, analysed: &[Analysed]) {
        // Pass 1: a dense number per distinct key, each unit's keys as dense numbers (so the
        // map is consulted once per key occurrence), and the count of units per key.
        let mut ids: HashMap<u64, u32, BuildHasherDefault<KeyHasher>> = HashMap::default();
        let mut counts: Vec<u32> = Vec::new();
        let mut dense: Vec<u32> = Vec::with_capacity(analysed.iter().map(|a| a.grams.len()).sum());
        for a in analysed {
            for &g in &a.grams {
                let next = ids.len() as u32;
                let id = *ids.entry(g).or_insert(next);
                if id as usize == counts.len() {
                    counts.push(0);
                }
                counts[id as usize] += 1;
                dense.push(id);
            }
        }
        let mut start: Vec<usize> = Vec::with_capacity(counts.len() + 1);
        let mut total = 0usize;
        for &c in &counts {
            start.push(total);
            total += c as usize;
        }
        start.push(total);
        let mut fill = start.clone();
        // Pass 2: units into their keys' slots, in ascending order.
        let mut flat = vec![0u32; total];
        let mut at = 0;
        for (unit, a) in analysed.iter().enumerate() {
            for &id in &dense[at..at + a.grams.len()] {
                let id = id as usize;
                flat[fill[id]] = unit as u32;
                fill[id] += 1;
            }
            at += a.grams.len();
        }
        drop(dense);
        let mut order: Vec<(u64, u32)> = ids.into_iter().collect();
        order.sort_unstable();
        self.keys = Vec::with_capacity(order.len());
        self.df = Vec::with_capacity(order.len());
        self.post = Vec::with_capacity(order.len() + 1);
        for (key, id) in order {
            let list = &flat[start[id as usize]..start[id as usize + 1]];
            self.keys.push(key);
            self.df.push(list.len() as u32);
            self.post.push(self.data.len() as u64);
            let mut prev = 0u32;
            for (k, &u) in list.iter().enumerate() {
                // first value as is, then gaps (units were filled in ascending order)
                put_varint(&mut self.data, u64::from(if k == 0 { u } else { u - prev }));
                prev = u;
            }
        }
        self.post.push(self.data.len() as u64);
    }

    /// Number of TUs.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the index holds no TU.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
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

    /// Bytes held by the loaded index's structures (texts, postings and tables).
    pub fn memory_bytes(&self) -> usize {
        self.data.capacity()
            + self.bounds.capacity() * 8
            + self.lines.capacity() * 4
            + self.context.capacity() * 8
            + (self.content_len.capacity() + self.punct_len.capacity() + self.gram_count.capacity())
                * 2
            + self.keys.capacity() * 8
            + self.df.capacity() * 4
            + self.post.capacity() * 8
    }

    /// String `k` (0 source, 1 target, 2 id) of unit `i`; empty if the bytes are not valid
    /// UTF-8 (only a damaged index file can cause that, and loading checks the bounds).
    fn text(&self, i: usize, k: usize) -> &str {
        let (a, b) = (
            self.bounds[3 * i + k] as usize,
            self.bounds[3 * i + k + 1] as usize,
        );
        self.data
            .get(a..b)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("")
    }

    /// Unit `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<EntryRef<'_>> {
        if i >= self.len() {
            return None;
        }
        let id = self.text(i, 2);
        Some(EntryRef {
            source: self.text(i, 0),
            target: self.text(i, 1),
            id: (!id.is_empty()).then_some(id),
            line: (self.lines[i] != 0).then_some(self.lines[i] as usize),
            context: (self.context[i] != 0).then_some(self.context[i]),
        })
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
            let Some(list) = self.data.get(a..b) else {
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
