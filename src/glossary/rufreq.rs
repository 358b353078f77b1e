//! General-language frequencies of Russian (and English) words: the target side of the
//! glossary's termhood prior, from the word lists of the `wordfreq` Python package (code Apache-2.0, data
//! CC BY-SA 4.0), which `tmalign data fetch` installs ([`crate::data`]); nothing of it is
//! bundled or committed.
//!
//! The file is wordfreq's "cBpack": a gzip'd MessagePack array whose first element is a header
//! map (`format` = `cB`, `version` = 1) and whose element `k` (after the header) is the list of
//! words whose frequency rounds to `-k` centibels, i.e. `10^(-k/100)` of all tokens. The
//! decoder here reads just that subset of MessagePack (arrays, a small map, strings, small
//! integers) and refuses anything else, so a damaged or foreign file is an error, not a guess.
//!
//! The list holds lowercase surface forms and tells ё from е; the glossary folds ё to е, so
//! the two spellings' frequencies are added. When the file is missing or unreadable, one
//! warning goes to standard error and the extractor weighs the Chinese side only.

use super::hash::{hash128, FastMap};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// Frequencies of folded (lowercase, ё → е) Russian words, as shares of all tokens.
///
/// Words are kept as 64-bit hashes, not as strings: 713,447 words take about 13 MB so instead of
/// about 60, and load without an allocation each. Two words of the list share a hash with
/// probability about 10^-8 (n²/2^65), and a word outside the list takes a listed word's
/// frequency with probability under 10^-13 per lookup; either would move one weight within
/// its 0.8–1 range.
#[derive(Debug, Default)]
pub struct FreqList {
    freq: FastMap<u64, f32>,
}

/// The key a word is kept under.
fn key(folded: &str) -> u64 {
    hash128(folded) as u64
}

impl FreqList {
    /// The share of all tokens that `folded` (lowercase, ё → е) makes up in general Russian,
    /// or `None` when the list lacks it (rarer than its floor, about 1 in 10^8 tokens).
    pub fn get(&self, folded: &str) -> Option<f64> {
        self.freq.get(&key(folded)).map(|&f| f as f64)
    }

    /// Number of distinct folded words.
    pub fn len(&self) -> usize {
        self.freq.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.freq.is_empty()
    }

    /// The smallest frequency the list gives a word (its floor): a word it lacks is rarer.
    pub fn floor(&self) -> f64 {
        1e-8
    }

    /// Reads a cBpack file (gzip'd).
    pub fn read(path: &Path) -> Result<FreqList, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::io::BufReader::new(file))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: not a gzip file ({e})", path.display()))?;
        FreqList::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the decompressed MessagePack of a cBpack file.
    pub fn parse(bytes: &[u8]) -> Result<FreqList, String> {
        let mut r = Msgpack { b: bytes, at: 0 };
        let buckets = r.array_len()?;
        if buckets == 0 {
            return Err("empty list, no header".into());
        }
        // Header: {format: "cB", version: 1}.
        let fields = r.map_len()?;
        let (mut format, mut version) = (None, None);
        for _ in 0..fields {
            match r.str()? {
                "format" => format = Some(r.str()?.to_owned()),
                "version" => version = Some(r.uint()?),
                other => return Err(format!("unexpected header field {other:?}")),
            }
        }
        if format.as_deref() != Some("cB") || version != Some(1) {
            return Err(format!(
                "not a cBpack word list (format {format:?}, version {version:?}; expected cB 1)"
            ));
        }
        let mut freq: FastMap<u64, f32> = FastMap::default();
        for cb in 0..buckets - 1 {
            let p = 10f64.powf(-(cb as f64) / 100.0) as f32;
            for _ in 0..r.array_len()? {
                let w = r.str()?;
                let k = if w.contains('ё') {
                    key(&w.replace('ё', "е"))
                } else {
                    key(w)
                };
                *freq.entry(k).or_insert(0.0) += p;
            }
        }
        if r.at != bytes.len() {
            return Err(format!("{} bytes after the list", bytes.len() - r.at));
        }
        Ok(FreqList { freq })
    }
}

/// A reader of the MessagePack subset a cBpack file uses.
struct Msgpack<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Msgpack<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn be(&mut self, n: usize) -> Result<usize, String> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize))
    }

    fn unexpected(&self, tag: u8, what: &str) -> String {
        format!(
            "unexpected MessagePack type 0x{tag:02x} at byte {} (expected {what})",
            self.at - 1
        )
    }

    fn array_len(&mut self) -> Result<usize, String> {
        match self.byte()? {
            t @ 0x90..=0x9f => Ok((t & 0x0f) as usize),
            0xdc => self.be(2),
            0xdd => self.be(4),
            t => Err(self.unexpected(t, "an array")),
        }
    }

    fn map_len(&mut self) -> Result<usize, String> {
        match self.byte()? {
            t @ 0x80..=0x8f => Ok((t & 0x0f) as usize),
            t => Err(self.unexpected(t, "a small map")),
        }
    }

    fn uint(&mut self) -> Result<u64, String> {
        match self.byte()? {
            t @ 0x00..=0x7f => Ok(t as u64),
            0xcc => Ok(self.be(1)? as u64),
            0xcd => Ok(self.be(2)? as u64),
            t => Err(self.unexpected(t, "an integer")),
        }
    }

    fn str(&mut self) -> Result<&'a str, String> {
        let n = match self.byte()? {
            t @ 0xa0..=0xbf => (t & 0x1f) as usize,
            0xd9 => self.be(1)?,
            0xda => self.be(2)?,
            0xdb => self.be(4)?,
            t => return Err(self.unexpected(t, "a string")),
        };
        let at = self.at;
        std::str::from_utf8(self.take(n)?).map_err(|_| format!("invalid UTF-8 at byte {at}"))
    }
}

/// The installed Russian list, read once; `None` (warned once) when it is missing or
/// unreadable.
pub fn installed() -> Option<&'static FreqList> {
    static L: OnceLock<Option<FreqList>> = OnceLock::new();
    L.get_or_init(|| load(&crate::data::RU_FREQ, "Russian"))
        .as_ref()
}

/// The installed English list (wordfreq's `large_en`, the same format), read once; `None`
/// (warned once) when it is missing or unreadable.
pub fn installed_en() -> Option<&'static FreqList> {
    static L: OnceLock<Option<FreqList>> = OnceLock::new();
    L.get_or_init(|| load(&crate::data::EN_FREQ, "English"))
        .as_ref()
}

fn load(f: &crate::data::DataFile, language: &str) -> Option<FreqList> {
    let path = match crate::data::file_path(f) {
        Some(p) => p,
        None => {
            warn_missing(language, "no data directory: set TMALIGN_DATA_DIR");
            return None;
        }
    };
    if !path.is_file() {
        warn_missing(
            language,
            &format!("{} not installed: run `tmalign data fetch`", path.display()),
        );
        return None;
    }
    match FreqList::read(&path) {
        Ok(l) => Some(l),
        Err(e) => {
            warn_missing(language, &format!("{e}; run `tmalign data fetch --force`"));
            None
        }
    }
}

fn warn_missing(language: &str, why: &str) {
    crate::warning::warn(&format!(
        "no {language} word-frequency list ({why}): the glossary's termhood weighs the Chinese \
         side only"
    ));
}

/// A cBpack file's MessagePack (for tests): the header, then buckets of words (`buckets[k]`
/// at `-k` centibels; words up to 255 bytes, at most 15 a bucket).
#[cfg(test)]
pub(crate) fn pack(buckets: &[&[&str]]) -> Vec<u8> {
    let mut v = vec![0xdc];
    v.extend_from_slice(&((buckets.len() + 1) as u16).to_be_bytes());
    v.push(0x82);
    for s in ["format", "cB", "version"] {
        v.push(0xa0 | s.len() as u8);
        v.extend_from_slice(s.as_bytes());
    }
    v.push(1);
    for b in buckets {
        v.push(0x90 | b.len() as u8);
        for w in *b {
            v.push(0xd9);
            v.push(w.len() as u8);
            v.extend_from_slice(w.as_bytes());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_centibels_and_yo_is_folded() {
        let mut buckets: Vec<&[&str]> = vec![&[]; 301];
        buckets[200] = &["и"];
        buckets[300] = &["ёлка", "елка"];
        let l = FreqList::parse(&pack(&buckets)).unwrap();
        assert!((l.get("и").unwrap() - 0.01).abs() < 1e-9);
        // ёлка and елка: two spellings of one word, added
        assert!((l.get("елка").unwrap() - 0.002).abs() < 1e-9);
        assert_eq!(l.get("ёлка"), None);
        assert_eq!(l.len(), 2);
    }

    #[test]
    fn a_foreign_or_damaged_file_is_an_error() {
        let good = pack(&[&["а"]]);
        assert!(FreqList::parse(&good).is_ok());
        assert!(FreqList::parse(&good[..good.len() - 1])
            .unwrap_err()
            .contains("truncated"));
        let mut extra = good.clone();
        extra.push(0);
        assert!(FreqList::parse(&extra)
            .unwrap_err()
            .contains("after the list"));
        let mut other = good.clone();
        // "cB" → "cX"
        let at = other.windows(2).position(|w| w == b"cB").unwrap();
        other[at + 1] = b'X';
        assert!(FreqList::parse(&other)
            .unwrap_err()
            .contains("not a cBpack"));
        assert!(FreqList::parse(b"\x01")
            .unwrap_err()
            .contains("expected an array"));
        assert!(FreqList::parse(b"").unwrap_err().contains("truncated"));
    }

    #[test]
    fn reads_gzip_and_says_which_file() {
        use std::io::Write;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x_ru.msgpack.gz");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&p).unwrap(),
            flate2::Compression::fast(),
        );
        gz.write_all(&pack(&[&[], &["да"]])).unwrap();
        gz.finish().unwrap();
        let l = FreqList::read(&p).unwrap();
        assert!((l.get("да").unwrap() - 10f64.powf(-0.01)).abs() < 1e-6);
        std::fs::write(&p, b"plain").unwrap();
        let e = FreqList::read(&p).unwrap_err();
        assert!(e.contains("x_ru.msgpack.gz") && e.contains("gzip"), "{e}");
    }
}
