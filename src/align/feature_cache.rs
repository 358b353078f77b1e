//! The byte layout of a shard's segment features in a [`super::BeadCache`] folder.
//!
//! Every step of a corpus run (`lexicon count` of each learning stage, `align --batch
//! --lexicon`) needs every segment's features ([`SegFeat`]: tokens, anchors, boilerplate
//! marks), and computing them (tokenising, stemming, the name matcher) was four fifths of a
//! step's CPU time once the beads were cached: a corpus run recomputed them eight times. They
//! depend only on the shard's documents, the aligner settings and the first learning stage (the
//! batch's repeated lines), so the first step that needs them stores them and the others read
//! them back, like the beads. The entry is checked as strictly as a bead entry: a missing,
//! cut, corrupt or foreign entry is a miss and the features are computed again.

use super::cache_entry::open_entry;
use super::features::{SegFeat, N_PUNCT};
use super::Segment;
use sha2::{Digest, Sha256};

/// First bytes of an entry.
pub(crate) const MAGIC: &[u8; 8] = b"TMAFEATS";
/// Layout version of an entry (part of the key too).
pub(crate) const VERSION: u32 = 1;

/// The features of one document: source side, target side.
pub(crate) type DocFeats = (Vec<SegFeat>, Vec<SegFeat>);

struct W(Vec<u8>);

impl W {
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn hashes(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        for &x in v {
            self.u64(x);
        }
    }
}

/// The entry of `key` holding `docs`' features, with a SHA-256 of the whole at the end.
pub(crate) fn encode(key: &[u8; 32], docs: &[DocFeats]) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.0.extend_from_slice(MAGIC);
    w.u32(VERSION);
    w.0.extend_from_slice(key);
    w.u64(docs.len() as u64);
    for (s, t) in docs {
        for side in [s, t] {
            w.u64(side.len() as u64);
            for f in side {
                w.u32(f.len.to_bits());
                w.hashes(&f.nums);
                w.hashes(&f.latin);
                w.hashes(&f.names);
                w.0.extend_from_slice(&f.punct);
                w.hashes(&f.lex);
                w.u64(f.caps.len() as u64);
                for c in &f.caps {
                    w.u64(c.len() as u64);
                    w.0.extend_from_slice(c.as_bytes());
                }
                w.u64(f.paragraph as u64);
                w.0.push(u8::from(f.repeated));
            }
        }
    }
    let sum = Sha256::digest(&w.0);
    w.0.extend_from_slice(&sum);
    w.0
}

/// Reads an entry; `None` unless it is whole, for `key`, and has as many segments as `docs`
/// on every side of every document.
pub(crate) fn decode(
    b: &[u8],
    key: &[u8; 32],
    docs: &[(Vec<Segment>, Vec<Segment>)],
) -> Option<Vec<DocFeats>> {
    let mut r = open_entry(b, MAGIC, VERSION, key, docs.len())?;
    let mut out = Vec::with_capacity(docs.len());
    for (s, t) in docs {
        let mut sides = [Vec::new(), Vec::new()];
        for (side, segs) in sides.iter_mut().zip([s, t]) {
            if r.u64()? != segs.len() as u64 {
                return None;
            }
            side.reserve(segs.len());
            for _ in 0..segs.len() {
                let len = f32::from_bits(r.u32()?);
                let nums = r.hashes()?;
                let latin = r.hashes()?;
                let names = r.hashes()?;
                let punct: [u8; N_PUNCT] = r.take(N_PUNCT)?.try_into().ok()?;
                let lex = r.hashes()?;
                let n = r.len(8)?;
                let mut caps = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = r.len(1)?;
                    caps.push(String::from_utf8(r.take(k)?.to_vec()).ok()?);
                }
                let paragraph = usize::try_from(r.u64()?).ok()?;
                let repeated = match r.take(1)?[0] {
                    0 => false,
                    1 => true,
                    _ => return None,
                };
                side.push(SegFeat {
                    len,
                    nums,
                    latin,
                    names,
                    punct,
                    lex,
                    caps,
                    paragraph,
                    repeated,
                });
            }
        }
        let [fs, ft] = sides;
        out.push((fs, ft));
    }
    r.is_done().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<(Vec<Segment>, Vec<Segment>)> {
        vec![
            (
                Segment::from_lines(&["甲。", "乙。"]),
                Segment::from_lines(&["А.", "Б.", "В."]),
            ),
            (
                Segment::from_lines(&[] as &[&str]),
                Segment::from_lines(&["Г."]),
            ),
        ]
    }

    fn feat(k: u64) -> SegFeat {
        SegFeat {
            len: k as f32 + 0.5,
            nums: vec![k, k + 1],
            latin: vec![],
            names: vec![u64::MAX - k],
            punct: [k as u8, 0, 1, 2],
            lex: (0..k).collect(),
            caps: vec!["москва".into(), String::new()],
            paragraph: k as usize,
            repeated: k % 2 == 1,
        }
    }

    fn feats() -> Vec<DocFeats> {
        vec![
            (vec![feat(0), feat(1)], vec![feat(2), feat(3), feat(4)]),
            (vec![], vec![feat(5)]),
        ]
    }

    fn same(a: &[DocFeats], b: &[DocFeats]) -> bool {
        // `SegFeat` has no `PartialEq`: its debug form shows every field (and `-0.0`)
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn entries_round_trip() {
        let key = [9u8; 32];
        let back = decode(&encode(&key, &feats()), &key, &docs()).expect("reads back");
        assert!(same(&back, &feats()));
    }

    #[test]
    fn damaged_foreign_or_mismatched_entries_are_misses() {
        let key = [9u8; 32];
        let bytes = encode(&key, &feats());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], &key, &docs()).is_none(), "cut {cut}");
        }
        for k in (0..bytes.len()).step_by(3) {
            let mut b = bytes.clone();
            b[k] ^= 0x04;
            assert!(decode(&b, &key, &docs()).is_none(), "flipped byte {k}");
        }
        assert!(decode(&bytes, &[1u8; 32], &docs()).is_none(), "other key");
        let mut other = docs();
        other[1].1.pop();
        assert!(
            decode(&bytes, &key, &other).is_none(),
            "other segment count"
        );
        assert!(
            decode(&bytes, &key, &docs()[..1]).is_none(),
            "other doc count"
        );
    }
}
