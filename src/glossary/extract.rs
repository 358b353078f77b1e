//! The extractor: candidates → counts → association → competitive linking (see the module
//! documentation of [`crate::glossary`]).
//!
//! Set the environment variable `TMALIGN_TIMING` to have each phase's CPU and wall time
//! printed to stderr (a diagnostic for the benchmark, `benches/glossary.rs`, and the ignored
//! CPU-time test in `glossary::perf_harness`).

use super::corpus::UnitSource;
use super::hash::{hash128, FastMap, FastSet};
use super::occs::{self, Occ, OccLog};
use super::target::TargetLanguage;
use super::timing::PhaseTimer;
use super::{
    ru, zh, BiPair, ContextPair, ExtractOptions, GlossEntry, PartOfSpeech, SeedTerm, TermType,
    TermVariant,
};
use crate::align::names;
use crate::Result;
use std::collections::{HashMap, HashSet};

/// Largest frequency ratio between two terms for which co-occurrence is counted (Dice of
/// such a pair is at most 2/(1 + ratio) ≈ 0.29).
const FREQ_RATIO: u32 = 6;

/// Most bytes of the sentence caches of the counting pass (see [`count`]).
const CACHE_BYTES: usize = 16 << 20;

/// Longest Russian candidate the fixed-size key holds.
const MAX_RU: usize = 6;

/// A Russian candidate key: interned stems, padded with `u32::MAX`.
type RuKey = [u32; MAX_RU];

/// Interned candidates of one side with unit frequencies (the occurrences of each unit are
/// in the [`OccLog`]).
#[derive(Default)]
struct Side<K> {
    ids: FastMap<K, u32>,
    freq: Vec<u32>,
}

impl<K: std::hash::Hash + Eq> Side<K> {
    fn intern(&mut self, key: K) -> u32 {
        let n = self.freq.len() as u32;
        let id = *self.ids.entry(key).or_insert(n);
        if id == n {
            self.freq.push(0);
        }
        id
    }

    /// Counts unit frequencies of a unit's occurrences.
    fn count_unit(&mut self, occs: &[Occ], seen: &mut Vec<u32>) {
        seen.clear();
        seen.extend(occs.iter().map(|o| o.id));
        seen.sort_unstable();
        seen.dedup();
        for &id in seen.iter() {
            self.freq[id as usize] += 1;
        }
    }
}

/// Which candidates of one side to keep: frequent enough and not always nested in one longer
/// candidate. Nesting is judged per unit: a child whose every unit has it inside the same
/// parent's span is dropped. Fed unit by unit ([`Nesting::add`]).
struct Nesting {
    frequent: Vec<bool>,
    nested: FastMap<u64, u32>,
    local: FastMap<(u16, u16), u32>,
    pairs: Vec<u64>,
}

impl Nesting {
    fn new<K>(side: &Side<K>, min_freq: u32) -> Nesting {
        Nesting {
            frequent: side.freq.iter().map(|&f| f >= min_freq).collect(),
            nested: FastMap::default(),
            local: FastMap::default(),
            pairs: Vec::new(),
        }
    }

    fn add(&mut self, occs: &[Occ]) {
        let frequent = &self.frequent;
        self.local.clear();
        self.pairs.clear();
        for o in occs.iter().filter(|o| frequent[o.id as usize]) {
            self.local.insert((o.i, o.j), o.id);
        }
        // Parents reach up to two words left and three right, so that a child is also
        // found inside a parent that extends it by a connector and a modifier
        // (отношения партнёрства → отношения партнёрства и стратегического взаимодействия).
        for o in occs.iter().filter(|o| frequent[o.id as usize]) {
            for i in o.i.saturating_sub(2)..=o.i {
                for j in o.j..=o.j + 3 {
                    if (i, j) == (o.i, o.j) {
                        continue;
                    }
                    if let Some(&parent) = self.local.get(&(i, j)) {
                        if parent != o.id {
                            self.pairs.push(((o.id as u64) << 32) | parent as u64);
                        }
                    }
                }
            }
        }
        self.pairs.sort_unstable();
        self.pairs.dedup();
        for &p in &self.pairs {
            *self.nested.entry(p).or_insert(0) += 1;
        }
    }

    fn keep<K>(self, side: &Side<K>) -> Vec<bool> {
        let mut keep = self.frequent;
        for (p, n) in self.nested {
            let child = (p >> 32) as usize;
            if n >= side.freq[child] {
                keep[child] = false;
            }
        }
        keep
    }
}

/// Per-stem capitalisation votes from non-initial positions: (capitalised, total).
type CapVotes = HashMap<String, (u32, u32)>;

/// The result of counting a corpus.
struct Counts {
    zh: Side<Box<str>>,
    /// (Chinese candidate, neighbouring character, right side?) → occurrences; see
    /// [`zh_context_add`] for which neighbours count.
    zh_context: FastMap<(u32, char, bool), u32>,
    /// Per Chinese candidate: bit 1, whether its last word is one jieba's dictionary does not
    /// delimit ([`zh::Word::delimited`]), so that where it ends is a guess; bit 2, whether every
    /// word of it is tagged as a personal or place name.
    zh_guessed: Vec<u8>,
    /// Number of Chinese words in the corpus (repeats included): the termhood's denominator.
    zh_tokens: u64,
    /// Number of Russian words in the corpus (repeats included): the Russian termhood's
    /// denominator.
    ru_tokens: u64,
    ru: Side<RuKey>,
    ru_stems: Vec<String>,
    stem_ids: FastMap<String, u32>,
    caps: CapVotes,
    /// The Russian words of the corpus (folded), to accept a predicted dictionary form only
    /// when the corpus writes it.
    words: ru::StemCache,
    /// Per unit, its candidate occurrences.
    log: OccLog,
}

fn count(pairs: &(impl UnitSource + ?Sized), opts: &ExtractOptions) -> Result<Counts> {
    let mut zs: Side<Box<str>> = Side::default();
    let mut rs: Side<RuKey> = Side::default();
    let mut stem_ids: FastMap<String, u32> = FastMap::default();
    let mut ru_stems: Vec<String> = Vec::new();
    let target = opts.target;
    // Capitalisation votes by case-key id ([`TargetLanguage::case_key`]; turned into
    // [`CapVotes`] at the end). When the case key is the lemma (Russian), its id is the
    // lemma's, and no second table is kept.
    let by_lemma = target.cases_by_lemma();
    let mut case_ids: FastMap<String, u32> = FastMap::default();
    let mut case_keys: Vec<String> = Vec::new();
    let mut cap_votes: Vec<(u32, u32)> = Vec::new();
    let mut zh_context: FastMap<(u32, char, bool), u32> = FastMap::default();
    let mut zh_guessed: Vec<u8> = Vec::new();
    let mut zh_tokens: u64 = 0;
    let mut ru_tokens: u64 = 0;
    let mut stem_cache = ru::StemCache::default();
    let max_ru = opts.max_ru_words.clamp(1, MAX_RU);
    // Sentences analysed recently → their occurrences (encoded, in `zh_arena` / `ru_arena`).
    // A TM repeats sentences (boilerplate, duplicate units); a repeat is answered from the
    // cache, so segmentation, tokenising and interning run once per distinct sentence while it
    // is cached. Ids are interned in first-seen order either way, so the result is the same
    // whether a repeat is found or analysed again: the cache is emptied when it reaches
    // CACHE_BYTES, which bounds it. Sentences are keyed by a 128-bit hash: the units are
    // streamed, their texts are not kept.
    // (arena range, number of words)
    let mut zh_seen: FastMap<u128, (u32, u32, u32)> = FastMap::default();
    let mut zh_arena: Vec<u8> = Vec::new();
    // Russian: the encoded occurrences, then the capitalisation votes (stem id, capitalised?)
    // as a range of `votes`, so that a repeat votes again.
    // (arena range, votes range, number of words)
    let mut ru_seen: FastMap<u128, (u32, u32, u32, u32, u32)> = FastMap::default();
    let mut ru_arena: Vec<u8> = Vec::new();
    let mut votes: Vec<(u32, bool)> = Vec::new();
    let mut log = OccLog::new();
    let (mut zocc, mut rocc) = (Vec::new(), Vec::new());
    let mut enc: Vec<u8> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for p in pairs.units()? {
        let p = p?;
        if zh_arena.len() + zh_seen.len() * 64 > CACHE_BYTES {
            zh_seen.clear();
            zh_arena.clear();
        }
        if ru_arena.len() + votes.len() * 8 + ru_seen.len() * 80 > CACHE_BYTES {
            ru_seen.clear();
            ru_arena.clear();
            votes.clear();
        }
        // Chinese
        let zkey = hash128(&p.zh);
        if let Some(&(a, b, nwords)) = zh_seen.get(&zkey) {
            occs::decode(&mut &zh_arena[a as usize..b as usize], &mut zocc)
                .map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
            for o in &zocc {
                zh_context_add(&mut zh_context, &zh_guessed, &p.zh, o);
            }
            zh_tokens += nwords as u64;
        } else {
            let words = zh::words(&p.zh);
            zh_tokens += words.len() as u64;
            zocc.clear();
            for (i, j) in zh::candidates(&words, opts.max_zh_words.max(1)) {
                let (b0, b1) = (words[i].start, words[j - 1].end);
                let key = &p.zh[b0..b1];
                let id = match zs.ids.get(key) {
                    Some(&id) => id,
                    None => {
                        let id = zs.intern(key.into());
                        let name = words[i..j].iter().all(|w| w.name);
                        zh_guessed
                            .push((!words[j - 1].delimited(&p.zh) as u8) << 1 | (name as u8) << 2);
                        id
                    }
                };
                let o = Occ {
                    id,
                    i: i as u16,
                    j: j as u16,
                    b0: b0 as u32,
                    b1: b1 as u32,
                };
                zh_context_add(&mut zh_context, &zh_guessed, &p.zh, &o);
                zocc.push(o);
            }
            let a = zh_arena.len() as u32;
            occs::encode(&mut zh_arena, &zocc);
            zh_seen.insert(zkey, (a, zh_arena.len() as u32, words.len() as u32));
        }
        zs.count_unit(&zocc, &mut seen);

        // Russian
        let rkey = hash128(&p.ru);
        if let Some(&(a, b, va, vb, nwords)) = ru_seen.get(&rkey) {
            ru_tokens += nwords as u64;
            occs::decode(&mut &ru_arena[a as usize..b as usize], &mut rocc)
                .map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
            for &(sid, up) in &votes[va as usize..vb as usize] {
                let v = &mut cap_votes[sid as usize];
                v.0 += up as u32;
                v.1 += 1;
            }
        } else {
            let toks = target.tokenize_cached(&p.ru, &mut stem_cache);
            ru_tokens += toks.len() as u64;
            let sids: Vec<u32> = toks
                .iter()
                .map(|t| match stem_ids.get(&t.lemma) {
                    Some(&id) => id,
                    None => {
                        let id = ru_stems.len() as u32;
                        stem_ids.insert(t.lemma.clone(), id);
                        ru_stems.push(t.lemma.clone());
                        if by_lemma {
                            cap_votes.push((0, 0));
                        }
                        id
                    }
                })
                .collect();
            let va = votes.len() as u32;
            for (k, t) in toks.iter().enumerate() {
                if k > 0 && !t.break_before && t.pos != ru::Pos::Other {
                    let up = t.surface.chars().next().is_some_and(char::is_uppercase);
                    let cid = if by_lemma {
                        sids[k]
                    } else {
                        let key = target.case_key(t);
                        match case_ids.get(key) {
                            Some(&id) => id,
                            None => {
                                let id = case_keys.len() as u32;
                                case_ids.insert(key.to_owned(), id);
                                case_keys.push(key.to_owned());
                                cap_votes.push((0, 0));
                                id
                            }
                        }
                    };
                    let v = &mut cap_votes[cid as usize];
                    v.0 += up as u32;
                    v.1 += 1;
                    votes.push((cid, up));
                }
            }
            rocc.clear();
            for (i, j) in target.noun_phrases(&toks, max_ru) {
                let mut key = [u32::MAX; MAX_RU];
                key[..j - i].copy_from_slice(&sids[i..j]);
                let id = rs.intern(key);
                let last = &toks[j - 1];
                rocc.push(Occ {
                    id,
                    i: i as u16,
                    j: j as u16,
                    b0: toks[i].start as u32,
                    b1: (last.start + last.surface.len()) as u32,
                });
            }
            let a = ru_arena.len() as u32;
            occs::encode(&mut ru_arena, &rocc);
            ru_seen.insert(
                rkey,
                (
                    a,
                    ru_arena.len() as u32,
                    va,
                    votes.len() as u32,
                    toks.len() as u32,
                ),
            );
        }
        rs.count_unit(&rocc, &mut seen);
        enc.clear();
        occs::encode(&mut enc, &zocc);
        occs::encode(&mut enc, &rocc);
        log.push_unit(&enc)?;
    }
    log.finish()?;
    let caps: CapVotes = cap_votes
        .iter()
        .enumerate()
        .filter(|(_, v)| v.1 > 0)
        .map(|(id, &v)| {
            let key = if by_lemma {
                &ru_stems[id]
            } else {
                &case_keys[id]
            };
            (key.clone(), v)
        })
        .collect();
    Ok(Counts {
        zh: zs,
        zh_context,
        zh_guessed,
        zh_tokens,
        ru_tokens,
        ru: rs,
        ru_stems,
        stem_ids,
        caps,
        words: stem_cache,
        log,
    })
}

/// Counts the characters glued to a Chinese candidate occurrence (the branching test in
/// [`extract`]): content characters (not particles), the middle dot of a name, and, after a
/// candidate whose end is a guess (`guessed`), any character that may stand inside a term (里
/// of 莫利纳里 is a locative particle elsewhere).
fn zh_context_add(ctx: &mut FastMap<(u32, char, bool), u32>, guessed: &[u8], text: &str, o: &Occ) {
    let before = text[..o.b0 as usize].chars().next_back();
    let after = text[o.b1 as usize..].chars().next();
    let g = guessed[o.id as usize];
    for (c, right) in [(before, false), (after, true)] {
        let model_edge = right && g & 2 != 0;
        let glued = |c: &char| {
            zh::is_content_char(*c)
                || zh::is_name_joiner(*c)
                || (model_edge && zh::is_term_char(*c))
        };
        if let Some(c) = c.filter(glued) {
            *ctx.entry((o.id, c, right)).or_insert(0) += 1;
        }
    }
}

/// A scored pair before linking.
#[derive(Debug, Clone, Copy)]
struct Cand {
    z: u32,
    r: u32,
    c: u32,
    example: u32,
    score: f64,
    name: bool,
}

/// Dice coefficient weighted by the evidence: ln(1 + co-occurrences).
fn assoc(c: u32, fz: u32, fr: u32) -> f64 {
    let dice = 2.0 * c as f64 / (fz + fr) as f64;
    dice * (1.0 + c as f64).ln()
}

/// A word range `[i, j)` of one side of a unit.
type Span = (u16, u16);

/// Whether two links of one unit can both stand: their words are apart on both sides, or one
/// link lies inside the other on both sides (a compound and the translation of its part,
/// 上海合作组织 ↔ «Шанхайская организация сотрудничества» and 合作 ↔ «сотрудничество»). Links
/// that share words otherwise cross: one of them took a neighbour's partner.
fn consistent(a: (Span, Span), b: (Span, Span)) -> bool {
    let inside = |x: Span, y: Span| y.0 <= x.0 && x.1 <= y.1;
    let apart = |x: Span, y: Span| x.1 <= y.0 || y.1 <= x.0;
    (apart(a.0, b.0) && apart(a.1, b.1))
        || (inside(a.0, b.0) && inside(a.1, b.1))
        || (inside(b.0, a.0) && inside(b.1, a.1))
}

/// Calls `f` with every (Chinese, Russian) term pair of one unit that counting considers:
/// both terms kept (`keep`), each pair once, and only pairs of compatible frequency. Pairs
/// whose frequencies differ more than FREQ_RATIO times cannot reach a useful Dice
/// (≤ 2/(1 + ratio)): by frequency order, each Chinese term only meets the Russian terms of
/// its band. `zl` and `rl` are reused buffers (left holding the unit's kept ids).
fn band_pairs(
    counts: &Counts,
    (zo, ro): (&[Occ], &[Occ]),
    (keep_z, keep_r): (&[bool], &[bool]),
    (zl, rl): (&mut Vec<u32>, &mut Vec<u32>),
    mut f: impl FnMut(u32, u32),
) {
    zl.clear();
    rl.clear();
    zl.extend(zo.iter().map(|o| o.id).filter(|&i| keep_z[i as usize]));
    rl.extend(ro.iter().map(|o| o.id).filter(|&i| keep_r[i as usize]));
    zl.sort_unstable();
    zl.dedup();
    rl.sort_unstable();
    rl.dedup();
    rl.sort_unstable_by_key(|&r| (counts.ru.freq[r as usize], r));
    for &z in zl.iter() {
        let fz = counts.zh.freq[z as usize];
        let lo = fz.div_ceil(FREQ_RATIO);
        let hi = fz.saturating_mul(FREQ_RATIO);
        let start = rl.partition_point(|&r| counts.ru.freq[r as usize] < lo);
        for &r in &rl[start..] {
            if counts.ru.freq[r as usize] > hi {
                break;
            }
            f(z, r);
        }
    }
}

/// Link counts of the token-level competitive linking (see [`extract`]): per unit, the pairs
/// of `cands` present are taken name pairs first, then in `cands` order (best first); a pair is
/// linked when an occurrence of each side is [`consistent`] with every earlier link of the unit.
/// Returns pair key → units in which the pair was linked.
///
/// The pairs present in a unit are found by intersecting each Chinese term's candidate list
/// (sorted by Russian id) with the unit's sorted Russian ids, not by a hash lookup per pair of
/// the unit: `cands` holds only pairs counted within the frequency band, so the intersection
/// is exactly the pairs counting saw, and most pairs of a unit are not candidates (looking
/// each up in a table of millions of pairs was most of this pass's time).
fn unit_links(
    counts: &Counts,
    keep_z: &[bool],
    keep_r: &[bool],
    cands: &[Cand],
) -> Result<FastMap<u64, u32>> {
    // Per Chinese term: its candidates as (Russian id, rank), sorted by Russian id (CSR).
    let nz = counts.zh.freq.len();
    let mut start = vec![0u32; nz + 1];
    for c in cands {
        start[c.z as usize + 1] += 1;
    }
    for z in 0..nz {
        start[z + 1] += start[z];
    }
    let mut fill = start.clone();
    let mut by_z = vec![(0u32, 0u32); cands.len()];
    for (k, c) in cands.iter().enumerate() {
        let at = &mut fill[c.z as usize];
        by_z[*at as usize] = (c.r, k as u32);
        *at += 1;
    }
    for z in 0..nz {
        by_z[start[z] as usize..start[z + 1] as usize].sort_unstable();
    }
    let mut links: FastMap<u64, u32> = FastMap::default();
    let mut zl: Vec<u32> = Vec::new();
    let mut rl: Vec<u32> = Vec::new();
    let mut present: Vec<u32> = Vec::new();
    let mut made: Vec<(Span, Span)> = Vec::new();
    // the unit's occurrences by id (stable: an id's occurrences keep their order)
    let mut zs: Vec<(u32, Span)> = Vec::new();
    let mut rs: Vec<(u32, Span)> = Vec::new();
    let (mut zo, mut ro) = (Vec::new(), Vec::new());
    let mut log = counts.log.reader()?;
    while log.next_into(&mut zo, &mut ro)? {
        zl.clear();
        rl.clear();
        zl.extend(zo.iter().map(|o| o.id).filter(|&i| keep_z[i as usize]));
        rl.extend(ro.iter().map(|o| o.id).filter(|&i| keep_r[i as usize]));
        zl.sort_unstable();
        zl.dedup();
        rl.sort_unstable();
        rl.dedup();
        present.clear();
        for &z in &zl {
            let list = &by_z[start[z as usize] as usize..start[z as usize + 1] as usize];
            if list.len() <= rl.len() {
                for &(r, k) in list {
                    if rl.binary_search(&r).is_ok() {
                        present.push(k);
                    }
                }
            } else {
                for &r in &rl {
                    if let Ok(at) = list.binary_search_by_key(&r, |&(r, _)| r) {
                        present.push(list[at].1);
                    }
                }
            }
        }
        if present.is_empty() {
            continue;
        }
        // A transliteration match is evidence at the token level itself, independent of the
        // counts: name pairs are linked first (王毅 ↔ «Ван И» before a long phrase that
        // ties with it on a small corpus and spans two people's titles).
        present.sort_unstable_by_key(|&k| (!cands[k as usize].name, k));
        zs.clear();
        rs.clear();
        zs.extend(zo.iter().map(|o| (o.id, (o.i, o.j))));
        rs.extend(ro.iter().map(|o| (o.id, (o.i, o.j))));
        zs.sort_by_key(|&(id, _)| id);
        rs.sort_by_key(|&(id, _)| id);
        let of = |v: &[(u32, Span)], id: u32| -> std::ops::Range<usize> {
            let a = v.partition_point(|&(x, _)| x < id);
            let b = a + v[a..].partition_point(|&(x, _)| x == id);
            a..b
        };
        made.clear();
        for &k in &present {
            let c = &cands[k as usize];
            let (za, ra) = (of(&zs, c.z), of(&rs, c.r));
            let found = zs[za].iter().find_map(|&(_, zsp)| {
                rs[ra.clone()]
                    .iter()
                    .map(|&(_, rsp)| (zsp, rsp))
                    .find(|&(zsp, rsp)| {
                        made.iter()
                            .all(|&(lz, lr)| consistent((zsp, rsp), (lz, lr)))
                    })
            });
            if let Some(link) = found {
                made.push(link);
                *links.entry(((c.z as u64) << 32) | c.r as u64).or_insert(0) += 1;
            }
        }
    }
    Ok(links)
}

/// Whether the key `parent` holds `child` as a contiguous part and its other words contain no
/// part that `linked` (another link's rendering) accepts.
fn extends(parent: &RuKey, child: &RuKey, linked: &dyn Fn(&RuKey) -> bool) -> bool {
    let len = |k: &RuKey| k.iter().take_while(|&&s| s != u32::MAX).count();
    let (n, k) = (len(parent), len(child));
    if k == 0 || n <= k {
        return false;
    }
    let Some(p) = (0..=n - k).find(|&p| parent[p..p + k] == child[..k]) else {
        return false;
    };
    for (a, b) in [(0, p), (p + k, n)] {
        for i in a..b {
            for j in i + 1..=b {
                let mut key = [u32::MAX; MAX_RU];
                key[..j - i].copy_from_slice(&parent[i..j]);
                if linked(&key) {
                    return false;
                }
            }
        }
    }
    true
}

/// The stems of `parent` outside its first occurrence of `child` (empty when it has none).
fn extra_words(parent: &RuKey, child: &RuKey) -> Vec<u32> {
    let len = |k: &RuKey| k.iter().take_while(|&&s| s != u32::MAX).count();
    let (n, k) = (len(parent), len(child));
    if k == 0 || n <= k {
        return Vec::new();
    }
    match (0..=n - k).find(|&p| parent[p..p + k] == child[..k]) {
        Some(p) => parent[..p]
            .iter()
            .chain(&parent[p + k..n])
            .copied()
            .collect(),
        None => Vec::new(),
    }
}

/// Whether the one-word `short` abbreviates the phrase `full`: its letters are the beginnings
/// of two or more consecutive words of `full`, in order (`ЕС` ← «Европейский союз», `Минюст` ←
/// «министерство юстиции»); a conjunction may be skipped.
pub(crate) fn abbreviates(short: &str, full: &str) -> bool {
    let s: Vec<char> = short.to_lowercase().chars().collect();
    let words: Vec<Vec<char>> = full
        .to_lowercase()
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().collect())
        .collect();
    if short.contains(' ') || words.len() < 2 || s.len() < 2 {
        return false;
    }
    // from position `i` in `s`, word `w` onwards: all of `s` consumed by prefixes of words
    fn go(s: &[char], words: &[Vec<char>], used: usize) -> bool {
        if s.is_empty() {
            return used >= 2;
        }
        let Some((w, rest)) = words.split_first() else {
            return false;
        };
        let common = w.iter().zip(s).take_while(|(a, b)| a == b).count();
        if (1..=common).rev().any(|n| go(&s[n..], rest, used + 1)) {
            return true;
        }
        // a conjunction or preposition inside the phrase may be left out
        w.len() <= 2 && used > 0 && go(s, rest, used)
    }
    for start in 0..words.len() {
        if go(&s, &words[start..], 0) {
            return true;
        }
    }
    false
}

/// Mild prior on the length relation: a Chinese term of n characters usually takes about
/// n/4 to n/1.5 Russian content words.
fn length_prior(zh_chars: usize, ru_words: usize) -> f64 {
    let z = zh_chars as f64;
    let r = ru_words.max(1) as f64;
    let lo = (z / 4.0).max(1.0);
    let hi = (z / 1.5).max(1.0) + 0.5;
    let dist = if r < lo {
        lo - r
    } else if r > hi {
        r - hi
    } else {
        0.0
    };
    0.85f64.powf(dist)
}

/// Termhood of a Chinese term against general language: how many times more often it occurs
/// in this corpus (`freq` units over `tokens` words) than jieba's dictionary (the frequencies
/// of a large general corpus) leads one to expect. An everyday word (小时, 颜色: about as
/// frequent here as in general Chinese) weighs 0.8, a term a hundred times more frequent here
/// than in general language (names, which the dictionary mostly lacks, and the domain's terms)
/// 1, with a log-linear ramp between; the weight is mild because the association carries the
/// evidence that a pair is a translation, and termhood only orders what comes first.
fn termhood(term: &str, freq: u32, tokens: u64) -> f64 {
    let Some((g, total)) = zh::general_frequency(term) else {
        return 1.0;
    };
    if tokens == 0 {
        return 1.0;
    }
    let ratio = (freq as f64 / tokens as f64) / (g / total);
    termhood_weight(ratio)
}

/// The termhood weight of a term `ratio` times more frequent in the corpus than in general
/// language: 0.8 up to a ratio of 1, 1 from 100, log-linear between.
fn termhood_weight(ratio: f64) -> f64 {
    0.8 + 0.2 * (ratio.log10() / 2.0).clamp(0.0, 1.0)
}

/// The Russian side of termhood: general-language frequencies of the corpus's lemma keys from
/// the installed word list ([`super::rufreq`]).
struct RuPrior<'a> {
    list: &'a super::rufreq::FreqList,
    /// Lemma key → the folded forms the corpus writes it in (for keys the dictionary does not
    /// know as lemmas: Snowball stems of names and new words).
    corpus_forms: FastMap<&'a str, Vec<&'a str>>,
    /// Per stem id, its general frequency (share of tokens).
    word: FastMap<u32, f64>,
    /// The language of the list and the keys.
    target: TargetLanguage,
}

impl<'a> RuPrior<'a> {
    fn new(
        list: &'a super::rufreq::FreqList,
        words: &'a ru::StemCache,
        target: TargetLanguage,
    ) -> RuPrior<'a> {
        let mut corpus_forms: FastMap<&str, Vec<&str>> = FastMap::default();
        for (form, key) in words.forms() {
            corpus_forms.entry(key).or_default().push(form);
        }
        RuPrior {
            list,
            corpus_forms,
            word: FastMap::default(),
            target,
        }
    }

    /// General frequency of one lemma key: the sum over the forms of its dictionary lexeme
    /// (the list holds surface forms, and a lemma's weight in the language is that of all its
    /// forms: «саммит» alone is a third of «саммит», «саммита», «саммите»…); for a key the
    /// dictionary does not know (a stem), the sum over the forms the corpus writes it in. A word
    /// the list lacks is rarer than its floor.
    fn key_frequency(&self, key: &str) -> f64 {
        let sum = |forms: &mut dyn Iterator<Item = &str>| -> f64 {
            forms.filter_map(|f| self.list.get(f)).sum()
        };
        let forms = self.target.lexeme_forms(key);
        let g = if forms.is_empty() {
            self.corpus_forms
                .get(key)
                .map_or(0.0, |v| sum(&mut v.iter().copied()))
        } else {
            sum(&mut forms.iter().map(String::as_str))
        };
        g.max(self.list.floor())
    }

    /// General frequency of a term: that of its rarest content word (`stems`: ids and keys).
    /// A phrase is never more frequent than its rarest word, and a term's phrase is far more
    /// frequent than the product of its words' frequencies would say (its words go together:
    /// that is what makes it a term), so the rarest word is the tighter estimate; it counts
    /// «верховный суд» as common as «верховный», a conservative reading.
    fn term_frequency(&mut self, stems: &[(u32, &str)]) -> f64 {
        let mut g: Vec<f64> = Vec::new();
        for &(id, key) in stems {
            if matches!(self.target.guess_pos(key), ru::Pos::And | ru::Pos::Prep) {
                continue;
            }
            let f = match self.word.get(&id) {
                Some(&f) => f,
                None => {
                    let f = self.key_frequency(key);
                    self.word.insert(id, f);
                    f
                }
            };
            g.push(f);
        }
        g.into_iter().fold(1.0, f64::min)
    }
}

/// Whether a Chinese candidate transliterates (pinyin → Palladius) to the Russian stems.
#[cfg(test)]
fn name_match(zh_term: &str, ru_stems: &[&str]) -> bool {
    ru_stems.len() <= 3
        && TargetLanguage::Russian
            .name_skeleton(zh_term)
            .is_some_and(|tr| {
                TargetLanguage::Russian.skeletons_match(&tr, &names::fold(&ru_stems.concat()))
            })
}

/// Extracts a glossary from aligned pairs; the result is sorted by score, best first.
pub fn extract(pairs: &[BiPair], opts: &ExtractOptions) -> Vec<GlossEntry> {
    // a pass over a slice cannot fail
    extract_from(pairs, opts).unwrap_or_default()
}

/// [`extract`] from any [`UnitSource`], read in several passes (counting, seed terms, surface
/// forms, examples) instead of being held. Each unit's candidate occurrences go to an
/// [`OccLog`] (a temporary file once large) that the later passes stream back, so the memory is
/// that of the counts (the vocabulary and its co-occurrences) and the examples, neither of the
/// texts nor of the occurrences. Errors are those of the source (and of the temporary file).
pub fn extract_from(
    pairs: &(impl UnitSource + ?Sized),
    opts: &ExtractOptions,
) -> Result<Vec<GlossEntry>> {
    let min = opts.min_freq.max(1) as u32;
    let mut timer = PhaseTimer::from_env();
    let counts = count(pairs, opts)?;
    timer.mark("count");
    let (mut keep_z, keep_r) = {
        let (mut nz, mut nr) = (Nesting::new(&counts.zh, min), Nesting::new(&counts.ru, min));
        let (mut zo, mut ro) = (Vec::new(), Vec::new());
        let mut log = counts.log.reader()?;
        while log.next_into(&mut zo, &mut ro)? {
            nz.add(&zo);
            nr.add(&ro);
        }
        (nz.keep(&counts.zh), nr.keep(&counts.ru))
    };
    // Branching test: a candidate nearly always glued to the same character is a piece of a
    // longer word that segmentation cut (卡瓦 of 卡瓦诺, 佐兰 of 佐兰·扎埃夫), not a term. A
    // boundary from jieba's dictionary is trusted until 90% of the occurrences say otherwise.
    // Where a name ends is a guess (a word the dictionary does not know, or one of its names,
    // which are often pieces): there the corpus outweighs it, and a majority of occurrences
    // continuing the same way suffices (莫利纳 + 里 in 6 of 7, 马纳 + 提 in 4 of 5). Only the
    // end: what stands before a name is mostly a title (总理李强, 外长王毅), not a piece of it.
    for (&(id, _, right), &n) in &counts.zh_context {
        let f = counts.zh.freq[id as usize];
        let guessed = right && counts.zh_guessed[id as usize] & 2 != 0;
        let fragment = if guessed {
            2 * n > f
        } else {
            n as f64 >= 0.9 * f as f64
        };
        if f >= 2 && fragment {
            keep_z[id as usize] = false;
        }
    }

    timer.mark("keep");
    // Co-occurrence counts of kept candidates, with the first unit as the example.
    let mut cooc: FastMap<u64, (u32, u32)> =
        FastMap::with_capacity_and_hasher(1 << 16, Default::default());
    let mut zl: Vec<u32> = Vec::new();
    let mut rl: Vec<u32> = Vec::new();
    let (mut zo, mut ro) = (Vec::new(), Vec::new());
    let mut log = counts.log.reader()?;
    let mut u = 0u32;
    while log.next_into(&mut zo, &mut ro)? {
        band_pairs(
            &counts,
            (&zo, &ro),
            (&keep_z, &keep_r),
            (&mut zl, &mut rl),
            |z, r| {
                // the first unit is the example
                let e = cooc.entry(((z as u64) << 32) | r as u64).or_insert((0, u));
                e.0 += 1;
            },
        );
        u += 1;
    }
    drop(log);

    // Reverse maps for the words of kept candidates.
    let zh_text: Vec<&str> = {
        let mut v = vec![""; counts.zh.freq.len()];
        for (k, &id) in &counts.zh.ids {
            v[id as usize] = k;
        }
        v
    };
    let ru_key: Vec<RuKey> = {
        let mut v = vec![[u32::MAX; MAX_RU]; counts.ru.freq.len()];
        for (k, &id) in &counts.ru.ids {
            v[id as usize] = *k;
        }
        v
    };
    let stems_of = |r: u32| -> Vec<&str> {
        ru_key[r as usize]
            .iter()
            .take_while(|&&s| s != u32::MAX)
            .map(|&s| counts.ru_stems[s as usize].as_str())
            .collect()
    };
    let content_words = |r: u32| -> usize {
        stems_of(r)
            .iter()
            .filter(|s| !matches!(opts.target.guess_pos(s), ru::Pos::And | ru::Pos::Prep))
            .count()
    };

    // Capitalisation of a Russian word by its votes away from sentence starts (None: no votes).
    let capitalised = |stem: &str| -> Option<bool> {
        counts
            .caps
            .get(stem)
            .filter(|v| v.1 > 0)
            .map(|&(up, total)| up * 2 > total)
    };
    // A Chinese personal or place name (every word tagged so) is not rendered by a term that
    // opens with a common word: 罗莎 (飓风“罗莎”) is «Роза», and «ураган» or «ураган Роза»
    // is the rendering of a word outside the Chinese term.
    let name_clash = |z: u32, r: u32| -> bool {
        counts.zh_guessed[z as usize] & 4 != 0
            && stems_of(r).first().and_then(|s| capitalised(s)) == Some(false)
    };
    if timer.enabled() {
        eprintln!("glossary: {} co-occurring pairs", cooc.len());
    }
    timer.mark("cooc");
    // Per-term features are computed once per term, not once per pair: transliteration
    // skeletons of short Chinese terms, folded stems and content-word counts of Russian ones.
    let mut zh_skeleton: FastMap<u32, Option<String>> = FastMap::default();
    let mut zh_termhood: FastMap<u32, f64> = FastMap::default();
    let mut ru_termhood: FastMap<u32, f64> = FastMap::default();
    let mut ru_prior = opts
        .target
        .frequency_list()
        .map(|l| RuPrior::new(l, &counts.words, opts.target));
    let mut ru_feat: FastMap<u32, (usize, usize, String)> = FastMap::default();
    let mut cands: Vec<Cand> = Vec::new();
    for (&k, &(c, example)) in cooc.iter().filter(|(_, &(c, _))| c >= min) {
        let (z, r) = ((k >> 32) as u32, k as u32);
        let (fz, fr) = (counts.zh.freq[z as usize], counts.ru.freq[r as usize]);
        let zt = zh_text[z as usize];
        let (words, content, ru_skel) = ru_feat
            .entry(r)
            .or_insert_with(|| {
                let st = stems_of(r);
                (st.len(), content_words(r), names::fold(&st.concat()))
            })
            .clone();
        let zs = zh_skeleton
            .entry(z)
            .or_insert_with(|| opts.target.name_skeleton(zt))
            .clone();
        let name = words <= 3 && zs.is_some_and(|tr| opts.target.skeletons_match(&tr, &ru_skel));
        if name_clash(z, r) {
            continue;
        }
        let wz = *zh_termhood
            .entry(z)
            .or_insert_with(|| termhood(zt, fz, counts.zh_tokens));
        let weight = match ru_prior.as_mut() {
            None => wz,
            Some(prior) => {
                let wr = *ru_termhood.entry(r).or_insert_with(|| {
                    let ids: Vec<(u32, &str)> = ru_key[r as usize]
                        .iter()
                        .take_while(|&&s| s != u32::MAX)
                        .map(|&s| (s, counts.ru_stems[s as usize].as_str()))
                        .collect();
                    let g = prior.term_frequency(&ids);
                    if counts.ru_tokens == 0 {
                        1.0
                    } else {
                        termhood_weight((fr as f64 / counts.ru_tokens as f64) / g)
                    }
                });
                // The two sides name one concept, so each side's weight measures the same
                // termhood with its own error (jieba's dictionary lacks a compound; a Russian
                // word is frequent in another sense, «мир»): the geometric mean averages the
                // two measurements on the log scale the weights are built on, and keeps the
                // 0.8–1 range. The larger of the two (a pair is a term if either side is
                // specific) would let one side's noise decide alone.
                (wz * wr).sqrt()
            }
        };
        let mut score = assoc(c, fz, fr) * length_prior(zt.chars().count(), content) * weight;
        if name {
            score *= 1.5;
        }
        cands.push(Cand {
            z,
            r,
            c,
            example,
            score,
            name,
        });
    }
    let by_score = |a: &Cand, b: &Cand| {
        b.score
            .total_cmp(&a.score)
            .then(b.c.cmp(&a.c))
            .then(a.z.cmp(&b.z))
            .then(a.r.cmp(&b.r))
    };
    cands.sort_by(by_score);
    timer.mark("score");

    // Explaining away (Melamed's competitive linking at the token level): in each unit the
    // pairs present are linked best first; a pair that shares words with a better link of the
    // unit without one lying inside the other on both sides (唐纳德 ↔ «Дональд Трамп» after
    // 特朗普 ↔ «Трамп»; 克里斯汀 ↔ «Блейси Форд» after 福特 ↔ «Форд») gets no link there. The association is then recomputed from the link counts, so a
    // term's neighbour that always co-occurs with it no longer borrows its partner.
    let linked = unit_links(&counts, &keep_z, &keep_r, &cands)?;
    cands.retain_mut(|c| {
        let l = linked
            .get(&(((c.z as u64) << 32) | c.r as u64))
            .copied()
            .unwrap_or(0);
        if l < min {
            return false;
        }
        let (fz, fr) = (counts.zh.freq[c.z as usize], counts.ru.freq[c.r as usize]);
        c.score *= assoc(l, fz, fr) / assoc(c.c, fz, fr);
        true
    });
    cands.sort_by(by_score);

    let mut used_z: HashSet<u32> = HashSet::new();
    let mut used_r: HashSet<u32> = HashSet::new();
    let mut out: Vec<GlossEntry> = Vec::new();

    // Seed pairs first, so that linking does not give their terms other partners.
    let seed_hits = seed_matches(pairs, &opts.seed, opts.target)?;
    // unit (index) whose id each seed entry reports, filled in by `fetch` below
    let mut seed_examples: Vec<u32> = Vec::new();
    for (s, hit) in opts.seed.iter().zip(&seed_hits) {
        if hit.c == 0 {
            continue;
        }
        if let Some(&z) = counts.zh.ids.get(s.zh.as_str()) {
            used_z.insert(z);
        }
        if let Some(r) = seed_ru_key(&s.ru, &counts, opts.target) {
            used_r.insert(r);
        }
        out.push(GlossEntry {
            zh: s.zh.clone(),
            ru: s.ru.clone(),
            score: assoc(hit.c, hit.fz, hit.fr) + 1.0,
            freq: hit.c as usize,
            example: {
                seed_examples.push(hit.example);
                String::new()
            },
            seed: true,
            note: if s.note.is_empty() {
                "seed".into()
            } else {
                format!("seed; {}", s.note)
            },
            ..Default::default()
        });
    }

    // Competitive linking.
    let mut links: Vec<Cand> = Vec::new();
    for c in &cands {
        if used_z.contains(&c.z) || used_r.contains(&c.r) {
            continue;
        }
        used_z.insert(c.z);
        used_r.insert(c.r);
        links.push(*c);
    }

    // Full forms: a linked Russian term inside a longer candidate that names the same thing
    // more precisely («Корея» in «Северная Корея», «насилие» in «домашнее насилие») gives way
    // to it when the longer one is more specific to the Chinese term (P(zh | longer) >
    // P(zh | shorter): the short form also stands for other things, the long one less so),
    // carries most of the shorter one's co-occurrences (the full form is the form in use; «Нижняя
    // Калифорния» in half of 加州's units is another place), and its extra words are not
    // another linked term's rendering («Сенат США» adds США, the partner of 美国). A short
    // form that always means the Chinese term is not extended: the extra words then come
    // from elsewhere (a first name before a surname). The shorter one stays as a short form.
    let mut short_forms: FastMap<u32, Vec<(u32, u32)>> = FastMap::default();
    {
        let at: FastMap<u32, usize> = links.iter().enumerate().map(|(k, l)| (l.z, k)).collect();
        let linked_elsewhere =
            |key: &RuKey| counts.ru.ids.get(key).is_some_and(|id| used_r.contains(id));
        // link → (longer term, co-occurrences, example, a majority of the co-occurrences?)
        let mut found: FastMap<usize, Vec<(u32, u32, u32, bool)>> = FastMap::default();
        for (&k, &(c2, ex)) in &cooc {
            let (z, r2) = ((k >> 32) as u32, k as u32);
            let Some(&li) = at.get(&z) else { continue };
            let l = &links[li];
            if r2 == l.r || c2 < min || used_r.contains(&r2) || name_clash(z, r2) {
                continue;
            }
            // not less specific than the short form
            let (fr, fr2) = (counts.ru.freq[l.r as usize], counts.ru.freq[r2 as usize]);
            if (c2 as u64) * (fr as u64) < (l.c as u64) * (fr2 as u64) {
                continue;
            }
            if !extends(
                &ru_key[r2 as usize],
                &ru_key[l.r as usize],
                &linked_elsewhere,
            ) {
                continue;
            }
            found
                .entry(li)
                .or_default()
                .push((r2, c2, ex, 2 * c2 > l.c));
        }
        let mut best: FastMap<usize, (u32, u32, u32)> = FastMap::default();
        for (li, list) in found {
            let l = &links[li];
            // The longer form is taken when it holds a majority of the co-occurrences and is
            // strictly more specific; or when it is the one way the text continues the short
            // form with capitalised words (a name or title: «Ким» of «Ким Чен Ын», which news
            // writes in full at first mention and short after), as specific as the short form.
            let fr = counts.ru.freq[l.r as usize];
            // capitalised extensions: (longer term, all its extra words after the short form?)
            let caps = |s: &u32| capitalised(&counts.ru_stems[*s as usize]) == Some(true);
            let name_ext: Vec<(u32, bool)> = list
                .iter()
                .filter_map(|e| {
                    let (long, short) = (&ru_key[e.0 as usize], &ru_key[l.r as usize]);
                    let extra = extra_words(long, short);
                    (!extra.is_empty() && extra.iter().all(caps))
                        .then(|| (e.0, long[0] == short[0]))
                })
                .collect();
            let short_caps = caps(&ru_key[l.r as usize][0]);
            for &(r2, c2, ex, majority) in &list {
                let fr2 = counts.ru.freq[r2 as usize];
                let specific = (c2 as u64) * (fr as u64) > (l.c as u64) * (fr2 as u64);
                // a name continued to the right, one way only (Ким → Ким Чен Ын; a word before
                // a name is a first name or a title, which the Chinese would have)
                let only_name = short_caps && name_ext.len() == 1 && name_ext[0] == (r2, true);
                // a common noun made a title by capitalised words (комитет Сената → Юридический
                // комитет Сената), in most of its units
                let title = !short_caps && majority && name_ext.iter().any(|e| e.0 == r2);
                if !(majority && specific || only_name || title) {
                    continue;
                }
                let better = |old: &(u32, u32, u32)| {
                    let fo = counts.ru.freq[old.0 as usize];
                    // more co-occurrences, then more specific, then the lower id (determinism)
                    (c2, (c2 as u64) * (fo as u64), std::cmp::Reverse(r2))
                        > (
                            old.1,
                            (old.1 as u64) * (fr2 as u64),
                            std::cmp::Reverse(old.0),
                        )
                };
                match best.get(&li) {
                    Some(old) if !better(old) => {}
                    _ => {
                        best.insert(li, (r2, c2, ex));
                    }
                }
            }
        }
        let mut best: Vec<(usize, (u32, u32, u32))> = best.into_iter().collect();
        best.sort_unstable();
        for (li, (r2, c2, ex)) in best {
            if !used_r.insert(r2) {
                continue;
            }
            let l = &mut links[li];
            short_forms.entry(l.z).or_default().push((l.r, l.c));
            l.r = r2;
            l.c = c2;
            l.example = ex;
        }
    }

    // Variants: where the linked rendering is missing, another may be supported on its own.
    let linked_r: FastMap<u32, u32> = links.iter().map(|l| (l.z, l.r)).collect();
    let mut resid: FastMap<u64, (u32, u32)> = FastMap::default();
    let mut resid_z: FastMap<u32, u32> = FastMap::default();
    let mut log = counts.log.reader()?;
    let mut u = 0u32;
    while log.next_into(&mut zo, &mut ro)? {
        zl.clear();
        rl.clear();
        zl.extend(zo.iter().map(|o| o.id).filter(|i| linked_r.contains_key(i)));
        rl.extend(ro.iter().map(|o| o.id).filter(|&i| keep_r[i as usize]));
        zl.sort_unstable();
        zl.dedup();
        rl.sort_unstable();
        rl.dedup();
        for &z in &zl {
            if rl.binary_search(&linked_r[&z]).is_ok() {
                continue;
            }
            *resid_z.entry(z).or_insert(0) += 1;
            for &r in rl.iter().filter(|r| !used_r.contains(r)) {
                resid
                    .entry(((z as u64) << 32) | r as u64)
                    .or_insert((0, u))
                    .0 += 1;
            }
        }
        u += 1;
    }
    drop(log);
    // A variant must also have the Chinese term as its own best partner (after the token-level
    // linking): a phrase better explained by another Chinese word (海军 for «военно-морской
    // флот» next to 俄罗斯) is not another name of this concept.
    let mut best_z: FastMap<u32, u32> = FastMap::default();
    for c in &cands {
        best_z.entry(c.r).or_insert(c.z);
    }
    let mut variants: Vec<Cand> = resid
        .iter()
        .filter(|(_, &(c, _))| c >= min)
        .filter(|(&k, _)| best_z.get(&(k as u32)) == Some(&((k >> 32) as u32)))
        .filter_map(|(&k, &(c, example))| {
            let (z, r) = ((k >> 32) as u32, k as u32);
            let rz = resid_z.get(&z).copied().unwrap_or(0);
            let fr = counts.ru.freq[r as usize];
            let dice = 2.0 * c as f64 / (rz + fr) as f64;
            (dice >= 0.6).then(|| Cand {
                z,
                r,
                c,
                example,
                score: assoc(c, rz, fr) * 0.9,
                name: false,
            })
        })
        .collect();
    variants.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.r.cmp(&b.r)));
    let mut variant_z: HashSet<u32> = HashSet::new();
    let mut variant_links = Vec::new();
    for v in variants {
        if used_r.contains(&v.r) || !variant_z.insert(v.z) {
            continue;
        }
        used_r.insert(v.r);
        variant_links.push(v);
    }

    timer.mark("link");
    let surfaces = ru_surfaces(
        pairs,
        &counts,
        opts.target,
        links
            .iter()
            .chain(&variant_links)
            .map(|l| l.r)
            .chain(short_forms.values().flatten().map(|&(r, _)| r)),
    )?;
    // The units the entries cite (ids, context sentences), read in one more pass.
    let examples = fetch(
        pairs,
        &counts.log,
        seed_examples
            .iter()
            .copied()
            .chain(links.iter().chain(&variant_links).map(|l| l.example))
            .collect(),
    )?;
    for (e, u) in out.iter_mut().zip(&seed_examples) {
        e.example = examples.get(u).map(|p| p.0.id.clone()).unwrap_or_default();
    }
    // Per Chinese term, its further Russian terms: short forms and variant renderings.
    let mut further: FastMap<u32, Vec<TermVariant>> = FastMap::default();
    for (&z, list) in &short_forms {
        for &(r, c) in list {
            let term = surfaces.get(&r).cloned().unwrap_or_default();
            further.entry(z).or_default().push(TermVariant {
                side: super::Side::Ru,
                term,
                term_type: TermType::ShortForm,
                freq: c as usize,
            });
        }
    }
    for v in &variant_links {
        let term = surfaces.get(&v.r).cloned().unwrap_or_default();
        further.entry(v.z).or_default().push(TermVariant {
            side: super::Side::Ru,
            term,
            term_type: TermType::Variant,
            freq: v.c as usize,
        });
    }
    let seed_pairs: HashSet<(String, String)> = out
        .iter()
        .map(|e| (e.zh.clone(), opts.target.lemma_key(&e.ru)))
        .collect();
    for l in &links {
        let ru_term = surfaces.get(&l.r).cloned().unwrap_or_default();
        let zh_term = zh_text[l.z as usize].to_owned();
        if seed_pairs.contains(&(zh_term.clone(), opts.target.lemma_key(&ru_term))) {
            continue;
        }
        let at = |occs: &[Occ], id: u32| occs.iter().find(|o| o.id == id).map(|o| o.b0 as usize);
        let fetched = examples.get(&l.example);
        let unit = fetched.map(|f| &f.0);
        let context = match (
            fetched.and_then(|f| at(&f.1, l.z)),
            fetched.and_then(|f| at(&f.2, l.r)),
            unit,
        ) {
            (Some(zb), Some(rb), Some(p)) => ContextPair {
                zh: sentence_at(&p.zh, zb),
                ru: sentence_at(&p.ru, rb),
            },
            _ => ContextPair::default(),
        };
        // The extractor finds noun phrases; one the text capitalises is a name.
        let pos = if ru_term.chars().next().is_some_and(char::is_uppercase) {
            PartOfSpeech::ProperNoun
        } else {
            PartOfSpeech::Noun
        };
        let variants = further
            .remove(&l.z)
            .unwrap_or_default()
            .into_iter()
            .filter(|v| !v.term.is_empty() && v.term != ru_term)
            .map(|mut v| {
                if abbreviates(&v.term, &ru_term) {
                    v.term_type = TermType::Abbreviation;
                }
                v
            })
            .collect();
        out.push(GlossEntry {
            zh: zh_term,
            ru: ru_term,
            score: l.score,
            freq: l.c as usize,
            example: unit.map(|p| p.id.clone()).unwrap_or_default(),
            pos,
            context,
            seed: false,
            note: if l.name { "name".into() } else { String::new() },
            variants,
            ..Default::default()
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.freq.cmp(&a.freq))
            .then(a.zh.cmp(&b.zh))
            .then(a.ru.cmp(&b.ru))
    });
    out.retain(|e| e.seed || e.score >= opts.min_score);
    if let Some(n) = opts.top {
        out.truncate(n);
    }
    timer.mark("output");
    Ok(out)
}

/// A unit fetched by [`fetch`]: its texts and its Chinese and Russian occurrences.
type Fetched = (BiPair, Vec<Occ>, Vec<Occ>);

/// The units numbered `wanted` (positions in the source) with their occurrences, read in one
/// pass (of the source and of the occurrence log together).
fn fetch(
    pairs: &(impl UnitSource + ?Sized),
    log: &OccLog,
    wanted: FastSet<u32>,
) -> Result<FastMap<u32, Fetched>> {
    let mut out = FastMap::default();
    if wanted.is_empty() {
        return Ok(out);
    }
    let mut log = log.reader()?;
    let (mut zo, mut ro) = (Vec::new(), Vec::new());
    for (u, p) in pairs.units()?.enumerate() {
        let p = p?;
        if !log.next_into(&mut zo, &mut ro)? {
            break;
        }
        if wanted.contains(&(u as u32)) {
            out.insert(u as u32, (p.into_owned(), zo.clone(), ro.clone()));
            if out.len() == wanted.len() {
                break;
            }
        }
    }
    Ok(out)
}

/// The sentence of `text` around byte `at`: a unit may hold several sentences, and a
/// termbase's context is one. Sentences end at `。！？；` and at `.!?` before a space.
fn sentence_at(text: &str, at: usize) -> String {
    let ends_zh = |c: char| matches!(c, '。' | '！' | '？' | '；');
    let mut start = 0;
    let mut end = text.len();
    let mut prev: Option<char> = None;
    for (b, c) in text.char_indices() {
        let boundary = ends_zh(c) || (c.is_whitespace() && matches!(prev, Some('.' | '!' | '?')));
        prev = Some(c);
        if !boundary {
            continue;
        }
        let after = b + c.len_utf8();
        if after <= at {
            start = after;
        } else {
            end = after;
            break;
        }
    }
    text[start..end].trim().to_owned()
}

/// The Russian candidate id whose stems equal the seed term's, if the corpus has it.
fn seed_ru_key(term: &str, counts: &Counts, target: TargetLanguage) -> Option<u32> {
    let toks = target.tokenize(term);
    if toks.is_empty() || toks.len() > MAX_RU {
        return None;
    }
    let mut key = [u32::MAX; MAX_RU];
    for (k, t) in toks.iter().enumerate() {
        key[k] = *counts.stem_ids.get(&t.lemma)?;
    }
    counts.ru.ids.get(&key).copied()
}

/// Occurrence counts of one seed pair.
#[derive(Debug, Clone, Copy, Default)]
struct SeedHit {
    c: u32,
    fz: u32,
    fr: u32,
    example: u32,
}

/// Counts where each seed pair's Chinese term (as a substring) and Russian term (as a stem
/// sequence) occur. Seeds are indexed by their first character and first stem, so the cost
/// grows with the corpus, not with corpus × seed.
fn seed_matches(
    pairs: &(impl UnitSource + ?Sized),
    seed: &[SeedTerm],
    target: TargetLanguage,
) -> Result<Vec<SeedHit>> {
    let mut hits = vec![SeedHit::default(); seed.len()];
    if seed.is_empty() {
        return Ok(hits);
    }
    let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
    let mut by_stem: HashMap<String, Vec<usize>> = HashMap::new();
    let seed_stems: Vec<Vec<String>> = seed
        .iter()
        .map(|s| {
            target
                .tokenize(&s.ru)
                .into_iter()
                .map(|t| t.lemma)
                .collect()
        })
        .collect();
    for (k, s) in seed.iter().enumerate() {
        if let Some(c) = s.zh.chars().next() {
            by_char.entry(c).or_default().push(k);
        }
        if let Some(st) = seed_stems[k].first() {
            by_stem.entry(st.clone()).or_default().push(k);
        }
    }
    let mut cache = ru::StemCache::default();
    let mut zset: HashSet<usize> = HashSet::new();
    let mut rset: HashSet<usize> = HashSet::new();
    for (u, p) in pairs.units()?.enumerate() {
        let p = p?;
        zset.clear();
        rset.clear();
        for (b, c) in p.zh.char_indices() {
            if let Some(list) = by_char.get(&c) {
                for &k in list {
                    if p.zh[b..].starts_with(seed[k].zh.as_str()) {
                        zset.insert(k);
                    }
                }
            }
        }
        let stems: Vec<String> = target
            .tokenize_cached(&p.ru, &mut cache)
            .into_iter()
            .map(|t| t.lemma)
            .collect();
        for i in 0..stems.len() {
            if let Some(list) = by_stem.get(&stems[i]) {
                for &k in list {
                    let s = &seed_stems[k];
                    if stems.len() - i >= s.len() && stems[i..i + s.len()] == s[..] {
                        rset.insert(k);
                    }
                }
            }
        }
        for &k in &zset {
            hits[k].fz += 1;
            if rset.contains(&k) {
                if hits[k].c == 0 {
                    hits[k].example = u as u32;
                }
                hits[k].c += 1;
            }
        }
        for &k in &rset {
            hits[k].fr += 1;
        }
    }
    Ok(hits)
}

/// The reported surface form of each Russian candidate in `wanted`: the most frequent
/// lowercase form (nominative-looking and unit-initial forms weigh more), each word
/// capitalised as it mostly is away from the start of a sentence.
fn ru_surfaces(
    pairs: &(impl UnitSource + ?Sized),
    counts: &Counts,
    target: TargetLanguage,
    wanted_ids: impl Iterator<Item = u32>,
) -> Result<FastMap<u32, String>> {
    let mut wanted = vec![false; counts.ru.freq.len()];
    for id in wanted_ids {
        wanted[id as usize] = true;
    }
    // (The order of a form table does not matter: the best form is chosen by a total order.)
    // Per candidate: lowercase surface form → (occurrences, nominative-weighted occurrences).
    let mut forms: FastMap<u32, FastMap<String, (u32, f64)>> = FastMap::default();
    let mut written: FastMap<u32, String> = FastMap::default();
    let mut all_caps: FastMap<(u32, usize), (u32, u32)> = FastMap::default();
    // capitalisation votes of the term's own words away from sentence starts (languages that
    // case by the term, [`TargetLanguage::cases_by_term`])
    let by_term = target.cases_by_term();
    let mut term_caps: FastMap<(u32, usize), (u32, u32)> = FastMap::default();
    let (mut zo, mut occs) = (Vec::new(), Vec::new());
    let mut log = counts.log.reader()?;
    for p in pairs.units()? {
        let p = p?;
        if !log.next_into(&mut zo, &mut occs)? {
            break;
        }
        for o in occs.iter().filter(|o| wanted[o.id as usize]) {
            let Some(text) = p.ru.get(o.b0 as usize..o.b1 as usize) else {
                continue;
            };
            written
                .entry(o.id)
                .or_insert_with(|| ru::lower_spaces(text, false));
            // all-caps votes per word position (acronyms such as БРИКС, ШОС stay in capitals;
            // a heading in capitals does not make a name an acronym)
            for (k, word) in text.split_whitespace().enumerate() {
                let v = all_caps.entry((o.id, k)).or_insert((0, 0));
                v.0 +=
                    (word.chars().count() >= 2 && word.chars().all(|c| !c.is_lowercase())) as u32;
                v.1 += 1;
            }
            // a term inside a longer name (`Hurricane` of `Hurricane Rosa`, `Committee` of
            // `Judiciary Committee`) is capitalised for the name's sake: no vote
            if by_term && !inside_longer_name(&p.ru, o.b0 as usize, o.b1 as usize) {
                let initial = sentence_start(&p.ru, o.b0 as usize);
                for (k, word) in text.split_whitespace().enumerate() {
                    if k == 0 && initial {
                        continue;
                    }
                    let v = term_caps.entry((o.id, k)).or_insert((0, 0));
                    v.0 += word.chars().next().is_some_and(char::is_uppercase) as u32;
                    v.1 += 1;
                }
            }
            let lower = ru::lower_spaces(text, true);
            let mut w = target.form_weight(&lower);
            if o.i == 0 {
                w *= 1.5;
            }
            let e = forms
                .entry(o.id)
                .or_default()
                .entry(lower)
                .or_insert((0, 0.0));
            e.0 += 1;
            e.1 += w;
        }
    }
    let attested = |w: &str| counts.words.contains(w);
    Ok(forms
        .into_iter()
        .filter_map(|(id, f)| {
            let best = target.dictionary_form(&f, &counts.caps, &attested);
            let best = match best {
                Some(b) => b,
                None => {
                    f.into_iter()
                        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(&a.0)))?
                        .0
                }
            };
            let w = written.get(&id).map(String::as_str).unwrap_or("");
            let n = best.split(' ').count();
            let acronym: Vec<bool> = (0..n)
                .map(|k| all_caps.get(&(id, k)).is_some_and(|&(a, t)| a * 2 > t))
                .collect();
            let term_up: Vec<Option<bool>> = if by_term {
                (0..n)
                    // a tie is a name: a common noun is not capitalised mid-sentence at all
                    .map(|k| term_caps.get(&(id, k)).map(|&(up, t)| up * 2 >= t))
                    .collect()
            } else {
                Vec::new()
            };
            let case = Casing {
                target,
                acronym: &acronym,
                term_up: &term_up,
                caps: &counts.caps,
            };
            Some((id, recase(&best, w, &case)))
        })
        .collect())
}

/// Whether byte `at` of `text` starts a sentence (the start, or after `.!?:` and quotes).
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at.min(text.len())].trim_end();
    let before = before.trim_end_matches(['"', '“', '«', '\'', '‘', '(']);
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '。'])
}

/// Whether the words at bytes `b0..b1` of `text` stand next to another capitalised word of
/// the same stretch of text (no punctuation between): the term is then part of a longer name.
/// A capitalised word before it counts only away from a sentence start.
fn inside_longer_name(text: &str, b0: usize, b1: usize) -> bool {
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let before = &text[..b0.min(text.len())];
    let after = &text[b1.min(text.len())..];
    let joined_before = before.ends_with(char::is_whitespace)
        && before
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
    let prev_capital = joined_before && {
        let trimmed = before.trim_end();
        let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        capital(&trimmed[start..]) && !sentence_start(text, start)
    };
    let next_capital = after.starts_with(char::is_whitespace)
        && after.split_whitespace().next().is_some_and(capital);
    prev_capital || next_capital
}

/// What [`recase`] knows of a term's capitals.
struct Casing<'a> {
    target: TargetLanguage,
    /// Per word: mostly written in capitals (an acronym)?
    acronym: &'a [bool],
    /// Per word: mostly capitalised in the term's own occurrences away from sentence starts
    /// (`None`: no such occurrence; empty: the language cases by word, not by term).
    term_up: &'a [Option<bool>],
    /// The corpus's capitalisation votes by [`TargetLanguage::case_key`].
    caps: &'a CapVotes,
}

/// Restores capitals: a word mostly capitalised mid-sentence (names, organisations) gets an
/// initial capital, an all-caps acronym stays in capitals.
fn recase(lower: &str, written: &str, case: &Casing) -> String {
    let (target, acronym, caps) = (case.target, case.acronym, case.caps);
    // Acronyms: the casing of a written occurrence.
    let written_words: Vec<&str> = written.split(' ').collect();
    lower
        .split(' ')
        .enumerate()
        .map(|(k, w)| {
            let folded = target.case_key_of(w);
            let is_acronym = acronym.get(k).copied().unwrap_or(false);
            if is_acronym {
                return w.to_uppercase();
            }
            let written_up = written_words
                .get(k)
                .and_then(|ww| ww.chars().next())
                .is_some_and(char::is_uppercase);
            // A function word inside a term is there as a name when it is written with a
            // capital (`Ван И`); its votes are the conjunction's.
            let function_word = !matches!(
                target.guess_pos(&target.fold(w)),
                ru::Pos::Noun | ru::Pos::Adj
            );
            let up = match caps.get(&folded) {
                // as the term itself is written (English names and titles)
                _ if case.term_up.get(k).is_some_and(Option::is_some) => {
                    case.term_up[k] == Some(true)
                }
                _ if function_word && written_up && k > 0 => true,
                Some(&(up, total)) if total > 0 => up * 2 > total,
                // only ever sentence-initial: keep the casing as written, unless the word is
                // a common word of the language
                _ => written_up && !target.common_word(&folded),
            };
            if !up {
                return w.to_owned();
            }
            // Capitalise each hyphen part that is capitalised where written (Нью-Йорк).
            let written_parts: Vec<&str> = written_words
                .get(k)
                .map(|ww| ww.split('-').collect())
                .unwrap_or_default();
            w.split('-')
                .enumerate()
                .map(|(i, part)| {
                    let cap = i == 0
                        || written_parts
                            .get(i)
                            .and_then(|p| p.chars().next())
                            .is_some_and(char::is_uppercase);
                    let mut c = part.chars();
                    match c.next() {
                        Some(f) if cap => f.to_uppercase().collect::<String>() + c.as_str(),
                        _ => part.to_owned(),
                    }
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(rows: &[(&str, &str)]) -> Vec<BiPair> {
        rows.iter()
            .enumerate()
            .map(|(k, (z, r))| BiPair {
                id: (k + 1).to_string(),
                zh: (*z).into(),
                ru: (*r).into(),
            })
            .collect()
    }

    fn sample() -> Vec<BiPair> {
        corpus(&[
            (
                "上海合作组织峰会在北京举行。",
                "Саммит Шанхайской организации сотрудничества прошел в Пекине.",
            ),
            (
                "上海合作组织是重要的组织。",
                "Шанхайская организация сотрудничества является важной организацией.",
            ),
            (
                "双方支持上海合作组织。",
                "Стороны поддерживают Шанхайскую организацию сотрудничества.",
            ),
            (
                "习近平在北京会见普京。",
                "Си Цзиньпин встретился с Путиным в Пекине.",
            ),
            (
                "习近平指出，经济合作很重要。",
                "Си Цзиньпин отметил, что экономическое сотрудничество важно.",
            ),
            (
                "经济合作不断发展。",
                "Экономическое сотрудничество развивается.",
            ),
        ])
    }

    #[test]
    fn finds_terms_with_nominative_forms() {
        let g = extract(&sample(), &ExtractOptions::default());
        let find = |z: &str| g.iter().find(|e| e.zh == z).map(|e| e.ru.as_str());
        assert_eq!(
            find("上海合作组织"),
            Some("Шанхайская организация сотрудничества"),
            "{g:#?}"
        );
        assert_eq!(find("习近平"), Some("Си Цзиньпин"), "{g:#?}");
        // the corpus only writes «в Пекине»: the dictionary gives the nominative
        if crate::glossary::morph::available() {
            assert_eq!(find("北京"), Some("Пекин"), "{g:#?}");
        }
        assert_eq!(
            find("经济合作"),
            Some("экономическое сотрудничество"),
            "{g:#?}"
        );
        assert!(g.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(g.iter().all(|e| !e.seed));
    }

    #[test]
    fn seed_is_marked_and_absent_without_seed() {
        let mut rows = sample();
        rows.push(BiPair {
            id: "7".into(),
            zh: "两国元首举行会谈。".into(),
            ru: "Главы двух государств провели переговоры.".into(),
        });
        let seed = vec![SeedTerm {
            zh: "两国元首".into(),
            ru: "главы двух государств".into(),
            note: "formula".into(),
            domain: String::new(),
        }];
        let with = extract(
            &rows,
            &ExtractOptions {
                seed: seed.clone(),
                ..Default::default()
            },
        );
        let e = with.iter().find(|e| e.zh == "两国元首").expect("seed pair");
        assert!(e.seed && e.freq == 1 && e.example == "7");
        let without = extract(&rows, &ExtractOptions::default());
        assert!(without.iter().all(|e| e.zh != "两国元首" && !e.seed));
    }

    #[test]
    fn context_is_the_sentence_of_the_term() {
        let t = "第一句。上海合作组织很重要。第三句";
        let at = t.find("上海").unwrap();
        assert_eq!(sentence_at(t, at), "上海合作组织很重要。");
        let r = "Первое. Шанхайская организация важна. Третье";
        let at = r.find("Шанх").unwrap();
        assert_eq!(sentence_at(r, at), "Шанхайская организация важна.");
        let g = extract(&sample(), &ExtractOptions::default());
        let e = g.iter().find(|e| e.zh == "习近平").unwrap();
        assert!(e.context.zh.contains("习近平") && e.context.ru.contains("Си Цзиньпин"));
        assert_eq!(e.pos, PartOfSpeech::ProperNoun);
    }

    #[test]
    fn seed_form_wins_over_the_corpus_form() {
        let rows = corpus(&[
            ("峰会在北京举行。", "Участники саммита собрались в Пекине."),
            ("峰会很成功。", "Итоги саммита признаны успешными."),
            ("峰会结束了。", "Работа саммита завершилась."),
        ]);
        let seed = vec![SeedTerm {
            zh: "峰会".into(),
            ru: "саммит".into(),
            note: String::new(),
            domain: String::new(),
        }];
        let g = extract(
            &rows,
            &ExtractOptions {
                seed,
                ..Default::default()
            },
        );
        let of: Vec<&GlossEntry> = g.iter().filter(|e| e.zh == "峰会").collect();
        assert_eq!(of.len(), 1, "{of:#?}");
        assert!(of[0].seed && of[0].ru == "саммит");
        if crate::glossary::morph::available() {
            let g = extract(&rows, &ExtractOptions::default());
            let e = g.iter().find(|e| e.zh == "峰会").expect("pair");
            assert_eq!(e.ru, "саммит");
        }
    }

    #[test]
    fn abbreviations_are_word_beginnings() {
        assert!(abbreviates("ЕС", "Европейский союз"));
        assert!(abbreviates("Минюст", "министерство юстиции"));
        assert!(abbreviates("ШОС", "Шанхайская организация сотрудничества"));
        assert!(!abbreviates("Ким", "Ким Чен Ын"));
        assert!(!abbreviates("Корея", "Северная Корея"));
        assert!(!abbreviates("союз", "Европейский союз"));
    }

    #[test]
    fn full_forms_extend_only_by_unlinked_words() {
        let key = |v: &[u32]| {
            let mut k = [u32::MAX; MAX_RU];
            k[..v.len()].copy_from_slice(v);
            k
        };
        let none = |_: &RuKey| false;
        assert!(extends(&key(&[1, 2, 3]), &key(&[1]), &none));
        assert!(!extends(&key(&[1]), &key(&[1]), &none));
        assert!(!extends(&key(&[2, 3]), &key(&[1]), &none));
        let three = |k: &RuKey| *k == key(&[3]);
        assert!(!extends(&key(&[1, 2, 3]), &key(&[1]), &three));
    }

    #[test]
    fn a_neighbour_does_not_borrow_the_partner() {
        // 唐纳德 always stands before 特朗普; «Трамп» belongs to 特朗普, so 唐纳德 must not be
        // paired with «Дональд Трамп» on the strength of the shared word.
        let rows = corpus(&[
            (
                "唐纳德特朗普总统访问日本。",
                "Президент Дональд Трамп посетил Японию.",
            ),
            ("唐纳德特朗普发表讲话。", "Дональд Трамп выступил с речью."),
            ("唐纳德特朗普会见安倍。", "Дональд Трамп встретился с Абэ."),
            ("特朗普说。", "Трамп сказал."),
            ("特朗普批评了媒体。", "Трамп раскритиковал прессу."),
            ("特朗普离开了。", "Трамп уехал."),
        ]);
        let g = extract(&rows, &ExtractOptions::default());
        assert!(
            g.iter().any(|e| e.zh == "特朗普" && e.ru == "Трамп"),
            "{g:#?}"
        );
        assert!(
            !g.iter().any(|e| e.zh == "唐纳德" && e.ru.contains("Трамп")),
            "{g:#?}"
        );
    }

    #[test]
    fn a_name_model_cut_is_not_a_term() {
        // jieba cuts 莫利纳里 as 莫利纳 (a name in its dictionary) + 里 (a locative particle
        // elsewhere): the fragment always continues with 里, so it is not proposed.
        let rows = corpus(&[
            ("莫利纳里赢得了比赛。", "Молинари выиграл турнир."),
            ("莫利纳里和福利伍德。", "Молинари и Флитвуд."),
            ("观众为莫利纳里欢呼。", "Зрители приветствовали Молинари."),
            ("莫利纳里说他很高兴。", "Молинари сказал, что рад."),
        ]);
        let g = extract(&rows, &ExtractOptions::default());
        assert!(!g.iter().any(|e| e.zh == "莫利纳"), "{g:#?}");
    }

    #[test]
    fn a_chinese_name_takes_no_common_noun_phrase() {
        // 飓风“罗莎”: the quotes cut 飓风 off; «ураган Роза» is not the rendering of 罗莎
        let rows = corpus(&[
            ("飓风“罗莎”来袭。", "Ураган «Роза» приближается к берегу."),
            ("飓风“罗莎”减弱了。", "Ураган «Роза» ослаб над морем."),
            ("飓风“罗莎”带来降雨。", "Ураган «Роза» принес дожди."),
            ("居民躲避飓风。", "Жители укрылись от урагана."),
        ]);
        let g = extract(&rows, &ExtractOptions::default());
        assert!(
            !g.iter().any(|e| e.zh == "罗莎" && e.ru.contains("ураган")),
            "{g:#?}"
        );
    }

    #[test]
    fn a_name_continued_one_way_is_entered_in_full() {
        // news writes the full name at first mention and the surname after: half the units
        // have «Ким Чен Ын», the rest «Ким»; the entry is the full name, «Ким» a short form
        // (capitalisation is learnt away from sentence starts, so the name stands inside)
        let rows = corpus(&[
            (
                "金正恩会见了代表团。",
                "Вчера Ким Чен Ын встретился с делегацией.",
            ),
            ("金正恩发表讲话。", "Затем Ким Чен Ын выступил с речью."),
            (
                "金正恩说他愿意谈判。",
                "Потом Ким сказал, что готов к переговорам.",
            ),
            ("金正恩离开了。", "Вечером Ким уехал."),
        ]);
        let g = extract(&rows, &ExtractOptions::default());
        let e = g.iter().find(|e| e.zh == "金正恩").expect("entry");
        assert_eq!(e.ru, "Ким Чен Ын", "{g:#?}");
        assert!(e.variants.iter().any(|v| v.term == "Ким"), "{e:#?}");
    }

    #[test]
    fn termhood_weighs_everyday_words_down() {
        // the same corpus frequency: an everyday word is expected, a name is not
        let (hour, name) = (termhood("小时", 10, 50_000), termhood("卡瓦诺", 10, 50_000));
        assert!(hour < name && name <= 1.0 && hour >= 0.8, "{hour} {name}");
    }

    #[test]
    fn russian_termhood_sums_a_lemmas_forms_and_takes_the_rarest_word() {
        // A list in which «саммит» is spread over its forms and «верховный» is common.
        let mut buckets: Vec<&[&str]> = vec![&[]; 601];
        buckets[300] = &["верховный"];
        buckets[500] = &["саммит", "саммита"];
        buckets[530] = &["саммите"];
        buckets[600] = &["суд"];
        let list =
            super::super::rufreq::FreqList::parse(&super::super::rufreq::pack(&buckets)).unwrap();
        let mut cache = ru::StemCache::default();
        let toks = ru::tokenize_cached("Верховный суд и саммита", &mut cache);
        let mut prior = RuPrior::new(&list, &cache, TargetLanguage::Russian);
        if !super::super::morph::available() {
            return;
        }
        let summit = prior.key_frequency("саммит");
        let expected = 2.0 * 1e-5 + 10f64.powf(-5.3);
        assert!((summit - expected).abs() < 1e-9, "{summit} {expected}");
        // a word the list lacks is rarer than its floor
        assert_eq!(prior.key_frequency("лобстер"), list.floor());
        // a phrase is as frequent as its rarest content word
        let ids: Vec<(u32, &str)> = toks
            .iter()
            .enumerate()
            .map(|(k, t)| (k as u32, t.lemma.as_str()))
            .collect();
        let g = prior.term_frequency(&ids[..2]);
        assert!((g - 1e-6).abs() < 1e-12, "{g}");
        // the weight: as frequent as in general language → 0.8, 100 times more → 1
        assert_eq!(termhood_weight(1.0), 0.8);
        assert_eq!(termhood_weight(100.0), 1.0);
        assert!((termhood_weight(10.0) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn extra_words_are_outside_the_short_form() {
        let key = |v: &[u32]| {
            let mut k = [u32::MAX; MAX_RU];
            k[..v.len()].copy_from_slice(v);
            k
        };
        assert_eq!(extra_words(&key(&[1, 2, 3]), &key(&[1])), vec![2, 3]);
        assert_eq!(extra_words(&key(&[4, 1, 2]), &key(&[1, 2])), vec![4]);
        assert!(extra_words(&key(&[1]), &key(&[1])).is_empty());
    }

    #[test]
    fn length_prior_prefers_plausible_lengths() {
        assert_eq!(length_prior(6, 3), 1.0);
        assert!(length_prior(2, 6) < length_prior(2, 1));
    }

    #[test]
    fn names_transliterate() {
        assert!(name_match("习近平", &["си", "цзиньпин"]));
        assert!(!name_match("合作", &["сотрудничеств"]));
    }
}
