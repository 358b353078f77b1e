//! The frame every entry of a [`super::BeadCache`] folder shares (beads, segment features):
//! 8 magic bytes, the layout version (`u32`), the entry's 32-byte key, the number of documents
//! (`u64`), the body, then a SHA-256 of everything before it; integers little-endian.
//!
//! Reading it is one function for both kinds of entry, so that they are checked alike: a cut,
//! corrupt, foreign or outdated entry is a miss, never an error.

use sha2::{Digest, Sha256};

/// A reader over an entry's bytes that fails (`None`) past the end of its body.
pub(crate) struct EntryReader<'a> {
    body: &'a [u8],
    at: usize,
}

impl<'a> EntryReader<'a> {
    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.body.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length that the rest of the body can hold at `unit` bytes an item.
    pub(crate) fn len(&mut self, unit: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(unit)? <= self.body.len() - self.at).then_some(n)
    }

    /// A length-prefixed list of `u64`s.
    pub(crate) fn hashes(&mut self) -> Option<Vec<u64>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.u64()).collect()
    }

    /// Whether the whole body has been read (an entry with bytes left over is not whole).
    pub(crate) fn is_done(&self) -> bool {
        self.at == self.body.len()
    }
}

/// A reader past the header of entry `b`; `None` unless `b` is whole (its checksum holds) and
/// its header has `magic`, `version`, `key` and `docs` documents.
pub(crate) fn open_entry<'a>(
    b: &'a [u8],
    magic: &[u8; 8],
    version: u32,
    key: &[u8; 32],
    docs: usize,
) -> Option<EntryReader<'a>> {
    if b.len() < 8 + 4 + 32 + 8 + 32 || &b[..8] != magic {
        return None;
    }
    let (body, sum) = b.split_at(b.len() - 32);
    if Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let mut r = EntryReader { body, at: 8 };
    if r.u32()? != version || r.take(32)? != key || r.u64()? != docs as u64 {
        return None;
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(magic: &[u8; 8], version: u32, key: &[u8; 32], docs: u64, body: &[u8]) -> Vec<u8> {
        let mut b = magic.to_vec();
        b.extend_from_slice(&version.to_le_bytes());
        b.extend_from_slice(key);
        b.extend_from_slice(&docs.to_le_bytes());
        b.extend_from_slice(body);
        let sum = Sha256::digest(&b);
        b.extend_from_slice(&sum);
        b
    }

    #[test]
    fn opens_a_whole_entry_past_its_header() {
        let b = entry(b"TMATESTS", 3, &[7; 32], 2, &5u64.to_le_bytes());
        let mut r = open_entry(&b, b"TMATESTS", 3, &[7; 32], 2).unwrap();
        assert_eq!(r.u64(), Some(5));
        assert!(r.is_done());
        assert_eq!(r.u32(), None);
    }

    #[test]
    fn refuses_other_headers_and_damage() {
        let b = entry(b"TMATESTS", 3, &[7; 32], 2, &[1, 2, 3]);
        assert!(open_entry(&b, b"TMAOTHER", 3, &[7; 32], 2).is_none());
        assert!(open_entry(&b, b"TMATESTS", 4, &[7; 32], 2).is_none());
        assert!(open_entry(&b, b"TMATESTS", 3, &[8; 32], 2).is_none());
        assert!(open_entry(&b, b"TMATESTS", 3, &[7; 32], 1).is_none());
        assert!(open_entry(&b[..b.len() - 1], b"TMATESTS", 3, &[7; 32], 2).is_none());
        let mut bad = b.clone();
        bad[60] ^= 1;
        assert!(open_entry(&bad, b"TMATESTS", 3, &[7; 32], 2).is_none());
    }

    #[test]
    fn lengths_must_fit_the_rest() {
        let mut body = 3u64.to_le_bytes().to_vec();
        body.extend_from_slice(&[0; 16]);
        let b = entry(b"TMATESTS", 1, &[0; 32], 0, &body);
        assert_eq!(
            open_entry(&b, b"TMATESTS", 1, &[0; 32], 0).unwrap().len(8),
            None
        );
        assert_eq!(
            open_entry(&b, b"TMATESTS", 1, &[0; 32], 0).unwrap().len(4),
            Some(3)
        );
    }
}
