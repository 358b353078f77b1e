//! XLM-R SentencePiece-unigram tokenizer, driven by the tables in the model file.
//!
//! Pipeline (it must give the ids the reference engine gives, so every step follows its
//! behaviour, quirks included):
//! 1. per-codepoint normalisation through the file's map (a codepoint may turn into several,
//!    or into nothing: control characters are dropped, tabs and newlines become spaces,
//!    full-width forms become ASCII, …);
//! 2. runs of U+0020 collapse into one (leading and trailing spaces are kept);
//! 3. metaspace: a U+2581 is prepended unless the text already starts with a space, and every
//!    space becomes U+2581;
//! 4. Viterbi over characters for the most probable segmentation into vocabulary pieces
//!    (any piece except `<unk>`, including literal `<s>`-like control pieces), where a single
//!    character may always be taken as `<unk>` with score (lowest piece score − 10). Ties keep
//!    the first candidate found (shorter start, then shorter piece).

use std::collections::HashMap;

use crate::format::TokenizerTables;

const METASPACE: char = '\u{2581}';
/// Reachability threshold of the Viterbi lattice (scores are far above it when reachable).
const UNREACHED: f32 = -1e30;

/// FNV-1a: piece lookups hash short byte strings, where SipHash's setup cost dominates.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Piece bytes → id, as an open-addressing table of ids over the one piece blob: 250k pieces
/// cost ~7 MB this way instead of ~25 MB as a map of owned strings.
#[derive(Debug)]
struct PieceTable {
    blob: Vec<u8>,
    offsets: Vec<u32>,
    /// id + 1 of the piece in each slot, 0 for an empty slot
    slots: Vec<u32>,
}

impl PieceTable {
    fn new(blob: Vec<u8>, offsets: Vec<u32>) -> PieceTable {
        let n = offsets.len() - 1;
        let size = (2 * n).next_power_of_two().max(2);
        let mut t = PieceTable {
            blob,
            offsets,
            slots: vec![0; size],
        };
        for id in 0..n {
            let p = t.piece(id);
            if p.is_empty() {
                continue;
            }
            let mask = t.slots.len() - 1;
            let mut i = fnv1a(p) as usize & mask;
            loop {
                match t.slots[i] {
                    0 => {
                        t.slots[i] = id as u32 + 1;
                        break;
                    }
                    // a duplicated piece resolves to its first id, as in the reference
                    s if t.piece(s as usize - 1) == p => break,
                    _ => i = (i + 1) & mask,
                }
            }
        }
        t
    }

    fn piece(&self, id: usize) -> &[u8] {
        &self.blob[self.offsets[id] as usize..self.offsets[id + 1] as usize]
    }

    fn get(&self, bytes: &[u8]) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = fnv1a(bytes) as usize & mask;
        loop {
            match self.slots[i] {
                0 => return None,
                s if self.piece(s as usize - 1) == bytes => return Some(s - 1),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// Unigram tokenizer with the file's vocabulary and normaliser.
#[derive(Debug)]
pub struct Tokenizer {
    ids: PieceTable,
    scores: Vec<f32>,
    normalise: HashMap<u32, Vec<u32>>,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    /// Sentence start id `<s>`.
    pub bos: u32,
    /// Sentence end id `</s>`.
    pub eos: u32,
}

impl Tokenizer {
    /// Build the lookup structures from the file's tables.
    pub fn new(t: TokenizerTables) -> Tokenizer {
        let max_piece_bytes = t
            .offsets
            .windows(2)
            .map(|w| (w[1] - w[0]) as usize)
            .max()
            .unwrap_or(0)
            .max(1);
        let min_score = t.scores.iter().copied().fold(f32::INFINITY, f32::min);
        Tokenizer {
            ids: PieceTable::new(t.blob, t.offsets),
            unk_score: min_score - 10.0,
            scores: t.scores,
            normalise: t.normalise,
            unk: t.unk,
            max_piece_bytes,
            bos: t.bos,
            eos: t.eos,
        }
    }

    /// Content ids of `text` (no `<s>`/`</s>`), untruncated.
    pub fn content_ids(&self, text: &str) -> Vec<u32> {
        // The reference receives C strings: a NUL ends the text.
        let text = text.split('\0').next().unwrap_or("");
        let (buf, starts) = self.normalised(text);
        self.viterbi(&buf, &starts)
    }

    /// Steps 1–3: the normalised, metaspaced UTF-8 bytes and the byte offset of every
    /// character (plus the end offset).
    fn normalised(&self, text: &str) -> (Vec<u8>, Vec<usize>) {
        let mut cps: Vec<char> = Vec::with_capacity(text.len() + 1);
        for ch in text.chars() {
            match self.normalise.get(&(ch as u32)) {
                None => cps.push(ch),
                // Replacements were checked to be valid chars when the file was read.
                Some(rep) => cps.extend(rep.iter().filter_map(|&c| char::from_u32(c))),
            }
        }
        cps.dedup_by(|b, a| *a == ' ' && *b == ' ');
        let mut buf = Vec::with_capacity(cps.len() * 3 + 3);
        let mut starts = Vec::with_capacity(cps.len() + 2);
        let mut tmp = [0u8; 4];
        if cps.first() != Some(&' ') {
            starts.push(0);
            buf.extend_from_slice(METASPACE.encode_utf8(&mut tmp).as_bytes());
        }
        for &c in &cps {
            starts.push(buf.len());
            let c = if c == ' ' { METASPACE } else { c };
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        starts.push(buf.len());
        (buf, starts)
    }

    /// Step 4: best segmentation of `buf` whose characters start at `starts[..n]`.
    fn viterbi(&self, buf: &[u8], starts: &[usize]) -> Vec<u32> {
        let n = starts.len() - 1;
        // best[e]: score of the best path ending at character e; from[e]: (start, id or None=unk)
        let mut best = vec![UNREACHED; n + 1];
        let mut from: Vec<(usize, Option<u32>)> = vec![(0, None); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] <= -1e29 {
                continue;
            }
            let b0 = starts[i];
            for e in i + 1..=n {
                let len = starts[e] - b0;
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(id) = self.ids.get(&buf[b0..starts[e]]) {
                    if id != self.unk {
                        let s = best[i] + self.scores[id as usize];
                        if s > best[e] {
                            best[e] = s;
                            from[e] = (i, Some(id));
                        }
                    }
                }
            }
            let s = best[i] + self.unk_score;
            if s > best[i + 1] {
                best[i + 1] = s;
                from[i + 1] = (i, None);
            }
        }
        let mut out = Vec::new();
        let mut e = n;
        while e > 0 {
            let (s, id) = from[e];
            out.push(id.unwrap_or(self.unk));
            e = s;
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Tokenizer {
        let pieces: Vec<&[u8]> = vec![
            b"<s>",
            b"<pad>",
            b"</s>",
            b"<unk>",
            "\u{2581}".as_bytes(),
            "\u{2581}ab".as_bytes(),
            b"a",
            b"b",
            b"c",
            "\u{2581}a".as_bytes(),
        ];
        let scores = vec![0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -3.0, -3.0, -3.0, -1.5];
        let mut normalise = HashMap::new();
        normalise.insert('\t' as u32, vec![' ' as u32]);
        normalise.insert(0xFF21, vec!['a' as u32]); // Ａ → a
        normalise.insert(0x7, vec![]);
        let mut blob = Vec::new();
        let mut offsets = vec![0u32];
        for p in pieces {
            blob.extend_from_slice(p);
            offsets.push(blob.len() as u32);
        }
        Tokenizer::new(TokenizerTables {
            blob,
            offsets,
            scores,
            bos: 0,
            eos: 2,
            unk: 3,
            normalise,
        })
    }

    #[test]
    fn segments_normalises_and_falls_back_to_unk() {
        let t = toy();
        assert_eq!(t.content_ids("ab"), vec![5]);
        assert_eq!(t.content_ids("Ａb"), vec![5]);
        // tab → space, runs collapse, leading space kept as the one metaspace
        assert_eq!(t.content_ids("ab\t  ab"), vec![5, 5]);
        assert_eq!(t.content_ids(" ab"), vec![5]);
        // unknown character: one <unk> per character
        assert_eq!(t.content_ids("aбв"), vec![9, 3, 3]);
        // dropped control character; empty text is a lone metaspace
        assert_eq!(t.content_ids("\u{7}"), vec![4]);
        assert_eq!(t.content_ids(""), vec![4]);
        // a NUL ends the text, as for the reference's C strings
        assert_eq!(t.content_ids("ab\0ab"), vec![5]);
    }
}
