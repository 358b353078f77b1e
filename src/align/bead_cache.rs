//! A folder where a shard keeps its beads between the steps of the map-reduce learning.
//!
//! The steps of a corpus run (`lexicon count` for each learning stage, then `align --batch
//! --lexicon`) are separate processes, and each one aligns its shard from the start: the
//! first pass, then every lexical round the merged lexicon has finished. Yet the three stages
//! of a lexical round (badness histogram, teaching beads, coverage) all read the same beads,
//! the ones the round starts from, and those depend only on the shard's documents, the aligner
//! settings and the stages finished before the round. With a cache, the first step of a round
//! stores them and the others read them back instead of aligning again, so a shard is aligned
//! once per round, as one machine does.
//!
//! An entry is named by a SHA-256 key over the documents (every segment's text and paragraph),
//! the lexicon's header (language pair, tmalign version, settings digest) and the sealed
//! stages the beads depend on ([`Counts::prefix_digest`]): another shard, other settings or
//! another corpus's lexicon never find it. A missing, unreadable, corrupt or foreign entry is
//! a miss and the beads are aligned again, so the output never depends on the cache, only the
//! time (a cluster whose next task lands on another machine just misses). Entries are written
//! to a temporary file and renamed into place, so concurrent tasks never read half a file.
//! Nothing is ever removed: give a folder that goes away with the job (the Spark driver uses
//! the application's own work folder, removed when it ends).
//!
//! An entry is small: per document the length model (two floats) and its beads (20 bytes
//! each).
//!
//! The folder also keeps the shard's segment features (a `.feats` entry, see
//! [`super::feature_cache`]), keyed by the documents and the first stage only: every step
//! after the first needs them, and computing them cost more than the rest of a step.

use super::cache_entry::open_entry;
use super::dp::Span;
use super::feature_cache::{self, DocFeats};
use super::learn::Counts;
use super::score::LengthModel;
use super::Segment;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// First bytes of an entry.
const MAGIC: &[u8; 8] = b"TMABEADS";
/// Layout version of an entry (part of the key too).
const VERSION: u32 = 1;

/// The beads one document starts a round with and its length model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocBeads {
    /// The pair's length model (fixed after the first pass).
    pub len: LengthModel,
    /// The beads with their badness (see the pipeline's `DocState::pass1`).
    pub beads: Vec<(Span, f32)>,
}

/// A cache folder (see the module documentation).
#[derive(Debug, Clone)]
pub struct BeadCache {
    dir: PathBuf,
}

impl BeadCache {
    /// A cache in `dir` (created when the first entry is stored).
    pub fn new(dir: impl Into<PathBuf>) -> BeadCache {
        BeadCache { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of the beads that round `round` starts from: `counts` holds at least the
    /// `1 + 3 × round` stages they depend on, sealed.
    pub(crate) fn key(
        docs: &[(Vec<Segment>, Vec<Segment>)],
        counts: &Counts,
        round: usize,
    ) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(VERSION.to_le_bytes());
        h.update((round as u64).to_le_bytes());
        h.update(counts.prefix_digest(1 + 3 * round));
        hash_docs(&mut h, docs);
        h.finalize().into()
    }

    /// The key of the shard's segment features (see [`feature_cache`]): `counts` holds at
    /// least the first stage (the batch's repeated lines), sealed.
    pub(crate) fn features_key(docs: &[(Vec<Segment>, Vec<Segment>)], counts: &Counts) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(feature_cache::MAGIC);
        h.update(feature_cache::VERSION.to_le_bytes());
        h.update(counts.prefix_digest(1));
        hash_docs(&mut h, docs);
        h.finalize().into()
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        self.named(key, "beads")
    }

    fn named(&self, key: &[u8; 32], ext: &str) -> PathBuf {
        let name: String = key.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.{ext}"))
    }

    /// The segment features of `key` for `docs`, or `None` (a miss).
    pub(crate) fn load_features(
        &self,
        key: &[u8; 32],
        docs: &[(Vec<Segment>, Vec<Segment>)],
    ) -> Option<Vec<DocFeats>> {
        let bytes = std::fs::read(self.named(key, "feats")).ok()?;
        feature_cache::decode(&bytes, key, docs)
    }

    /// Stores the segment features of `key` (a failure only means a later miss).
    pub(crate) fn store_features(&self, key: &[u8; 32], docs: &[DocFeats]) -> std::io::Result<()> {
        self.write(&self.named(key, "feats"), &feature_cache::encode(key, docs))
    }

    /// Writes `bytes` to `path` through a temporary file renamed into place.
    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".entry-")
            .tempfile_in(&self.dir)?;
        tmp.write_all(bytes)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Every segment's text and paragraph of `docs`, into a key.
fn hash_docs(h: &mut Sha256, docs: &[(Vec<Segment>, Vec<Segment>)]) {
    h.update((docs.len() as u64).to_le_bytes());
    for (s, t) in docs {
        for side in [s, t] {
            h.update((side.len() as u64).to_le_bytes());
            for seg in side {
                h.update((seg.text.len() as u64).to_le_bytes());
                h.update(seg.text.as_bytes());
                h.update((seg.paragraph as u64).to_le_bytes());
            }
        }
    }
}

impl BeadCache {
    /// The entry of `key` for `docs`, or `None` (a miss) when there is none or it cannot be
    /// used.
    pub(crate) fn load(
        &self,
        key: &[u8; 32],
        docs: &[(Vec<Segment>, Vec<Segment>)],
    ) -> Option<Vec<DocBeads>> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        decode(&bytes, key, docs)
    }

    /// Stores the entry of `key`. A failure (read-only or full disk) only means a later miss,
    /// so it is returned for the caller to ignore or report.
    pub(crate) fn store(&self, key: &[u8; 32], docs: &[DocBeads]) -> std::io::Result<()> {
        self.write(&self.path(key), &encode(key, docs))
    }
}

fn encode(key: &[u8; 32], docs: &[DocBeads]) -> Vec<u8> {
    let mut b =
        Vec::with_capacity(56 + docs.iter().map(|d| 16 + 20 * d.beads.len()).sum::<usize>());
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.extend_from_slice(key);
    b.extend_from_slice(&(docs.len() as u64).to_le_bytes());
    for d in docs {
        b.extend_from_slice(&d.len.mu.to_bits().to_le_bytes());
        b.extend_from_slice(&d.len.sigma.to_bits().to_le_bytes());
        b.extend_from_slice(&(d.beads.len() as u64).to_le_bytes());
        for &((a, e, c, f), cost) in &d.beads {
            for x in [a, e, c, f] {
                b.extend_from_slice(&(x as u32).to_le_bytes());
            }
            b.extend_from_slice(&cost.to_bits().to_le_bytes());
        }
    }
    let sum = Sha256::digest(&b);
    b.extend_from_slice(&sum);
    b
}

/// Reads an entry; `None` unless it is whole, for `key`, and its beads tile every document.
fn decode(
    b: &[u8],
    key: &[u8; 32],
    docs: &[(Vec<Segment>, Vec<Segment>)],
) -> Option<Vec<DocBeads>> {
    let mut r = open_entry(b, MAGIC, VERSION, key, docs.len())?;
    let mut out = Vec::with_capacity(docs.len());
    for (s, t) in docs {
        let mu = f32::from_bits(r.u32()?);
        let sigma = f32::from_bits(r.u32()?);
        let n = usize::try_from(r.u64()?).ok()?;
        // every bead holds a segment at least, so a document has no more than its segments
        if n > s.len() + t.len() {
            return None;
        }
        let mut beads = Vec::with_capacity(n);
        // the beads must tile the document, as an alignment path does
        let (mut i, mut j) = (0usize, 0usize);
        for _ in 0..n {
            let v: Vec<usize> = (0..4)
                .map(|_| r.u32().map(|x| x as usize))
                .collect::<Option<_>>()?;
            let cost = f32::from_bits(r.u32()?);
            if v[0] != i || v[2] != j || v[1] < v[0] || v[3] < v[2] {
                return None;
            }
            (i, j) = (v[1], v[3]);
            beads.push(((v[0], v[1], v[2], v[3]), cost));
        }
        if (i, j) != (s.len(), t.len()) {
            return None;
        }
        out.push(DocBeads {
            len: LengthModel { mu, sigma },
            beads,
        });
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
                Segment::from_lines(&["丙。"]),
                Segment::from_lines(&[] as &[&str]),
            ),
        ]
    }

    fn beads() -> Vec<DocBeads> {
        vec![
            DocBeads {
                len: LengthModel {
                    mu: 0.25,
                    sigma: 0.35,
                },
                beads: vec![((0, 1, 0, 1), 0.5), ((1, 2, 1, 3), -1.25)],
            },
            DocBeads {
                len: LengthModel {
                    mu: -0.0,
                    sigma: 0.5,
                },
                beads: vec![((0, 1, 0, 0), f32::INFINITY)],
            },
        ]
    }

    #[test]
    fn entries_round_trip_bit_for_bit() {
        let key = [7u8; 32];
        let back = decode(&encode(&key, &beads()), &key, &docs()).expect("reads back");
        assert_eq!(back, beads());
        assert_eq!(back[1].len.mu.to_bits(), (-0.0f32).to_bits());
    }

    #[test]
    fn damaged_foreign_or_mismatched_entries_are_misses() {
        let key = [7u8; 32];
        let bytes = encode(&key, &beads());
        for cut in 0..bytes.len() {
            assert!(
                decode(&bytes[..cut], &key, &docs()).is_none(),
                "cut at {cut}"
            );
        }
        for k in 0..bytes.len() {
            let mut b = bytes.clone();
            b[k] ^= 0x10;
            assert!(decode(&b, &key, &docs()).is_none(), "flipped byte {k}");
        }
        assert!(decode(&bytes, &[8u8; 32], &docs()).is_none(), "other key");
        let mut other = docs();
        other[0].1.pop();
        assert!(decode(&bytes, &key, &other).is_none(), "beads do not tile");
        assert!(
            decode(&bytes, &key, &other[..1]).is_none(),
            "other document count"
        );
    }

    #[test]
    fn store_then_load_in_a_folder_and_misses_elsewhere() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = BeadCache::new(dir.path().join("sub"));
        let key = [3u8; 32];
        assert!(cache.load(&key, &docs()).is_none());
        cache.store(&key, &beads()).expect("stores");
        assert_eq!(cache.load(&key, &docs()), Some(beads()));
        assert!(cache.load(&[4u8; 32], &docs()).is_none());
        // stored again (another task of the same shard): still one whole entry
        cache.store(&key, &beads()).expect("stores again");
        let names: Vec<_> = std::fs::read_dir(cache.dir()).expect("lists").collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn keys_differ_by_documents_round_and_lexicon() {
        use crate::align::learn::{Counts, Header, StageCounts};
        use crate::align::AlignConfig;
        use crate::Lang;
        let header = Header::for_config(&AlignConfig::new(Lang::Zh, Lang::Ru));
        let mut c = Counts::new(header);
        c.stages.push(StageCounts::empty(0));
        let k = BeadCache::key(&docs(), &c, 0);
        assert_eq!(k, BeadCache::key(&docs(), &c.clone(), 0));
        let mut d = docs();
        d[1].0[0].paragraph = 1;
        assert_ne!(k, BeadCache::key(&d, &c, 0));
        let mut d = docs();
        d[0].1[2].text.push('!');
        assert_ne!(k, BeadCache::key(&d, &c, 0));
        let mut c2 = c.clone();
        if let StageCounts::Texts(t) = &mut c2.stages[0] {
            t.docs = 5;
        }
        assert_ne!(k, BeadCache::key(&docs(), &c2, 0));
        // a later stage does not change the key of round 0
        c2 = c.clone();
        c2.stages.push(StageCounts::empty(1));
        assert_eq!(k, BeadCache::key(&docs(), &c2, 0));
    }
}
