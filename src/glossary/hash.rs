//! A small multiplicative hasher for integer-keyed count tables: the extractor does tens of
//! millions of lookups on 100,000 units, where the default SipHash dominates the run time.
//! Keys come from our own interning, not from an attacker, so DoS resistance is not needed.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Rotate-xor-multiply hasher over 64-bit words.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(K);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` with [`FastHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

/// A 128-bit hash of a text (two keyed SipHashes), what the extractor keeps of a sentence to
/// recognise a repeat without keeping the sentence: two different sentences share one with
/// probability about 2^-128 per pair.
pub fn hash128(text: &str) -> u128 {
    use std::hash::Hash;
    let half = |key: u64| {
        #[allow(deprecated)] // SipHasher: a fixed function, unlike DefaultHasher's promise
        let mut h = std::hash::SipHasher::new_with_keys(0x676c_6f73_7361_7279 ^ key, key);
        text.hash(&mut h);
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}
