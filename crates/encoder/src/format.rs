//! Reader for the packed model file (`E5S1`): header, tokenizer tables and tensor directory.
//!
//! The file is untrusted input: every read goes through a cursor that checks bounds, and
//! every count or offset taken from the file is checked against the file length before it is
//! used to allocate or slice. A corrupt or hostile file gives a [`Malformed`] value, never a
//! panic, and never an allocation larger than the file itself.
//!
//! Layout (all little-endian):
//! * magic `E5S1`, u32 version, i32 hidden, layers, heads, ffn, vocab rows, max positions,
//!   token-type rows, f32 LayerNorm eps, i32 quant block size;
//! * tokenizer: i32 piece count, i32 bos/eos/pad/unk ids, u64 blob length, `count + 1` u32 byte
//!   offsets, `count` f32 scores, the piece blob; i32 normaliser entry count, u32 byte length,
//!   then entries of (u32 codepoint, u8 n, n × u32 replacement codepoints);
//! * directory: i32 count, then (u16 name length, name, u8 dtype, u32 elements, u64 offset,
//!   u64 byte length) per tensor. dtype 0 is f32, 1 is Q4_0 (see [`crate::quant`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Why a file is not a usable model; [`crate::LoadError`] adds the path.
#[derive(Debug)]
pub enum Malformed {
    /// Reading failed.
    Io(std::io::Error),
    /// The file ends before a field that its own header announces.
    Truncated(String),
    /// The first bytes are not this format (or an unknown version).
    Magic(String),
    /// The fields are readable but do not fit together.
    Inconsistent(String),
}

/// Element type of a tensor in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// little-endian f32
    F32,
    /// Q4_0 blocks of 32 (see [`crate::quant`])
    Q4,
}

/// Model hyper-parameters from the header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    /// hidden size (384)
    pub hidden: usize,
    /// transformer layers (12)
    pub layers: usize,
    /// attention heads (12)
    pub heads: usize,
    /// feed-forward inner size (1536)
    pub ffn: usize,
    /// rows of the word embedding table (250037)
    pub vocab_rows: usize,
    /// rows of the position table (512)
    pub max_positions: usize,
    /// rows of the token-type table (2; only row 0 is used)
    pub type_rows: usize,
    /// LayerNorm epsilon
    pub eps: f32,
}

/// Tokenizer tables, owned (the file buffer is dropped after loading).
#[derive(Debug, Clone)]
pub struct TokenizerTables {
    /// All piece bytes, concatenated.
    pub blob: Vec<u8>,
    /// Piece `i` is `blob[offsets[i]..offsets[i + 1]]` (checked to lie inside `blob`).
    pub offsets: Vec<u32>,
    /// Log-probability of each piece.
    pub scores: Vec<f32>,
    /// `<s>` id
    pub bos: u32,
    /// `</s>` id
    pub eos: u32,
    /// `<unk>` id
    pub unk: u32,
    /// codepoint → replacement codepoints (possibly empty: the character is dropped).
    pub normalise: HashMap<u32, Vec<u32>>,
}

/// One tensor: its type, element count and byte range inside the file.
#[derive(Debug, Clone)]
pub struct TensorEntry {
    /// element type
    pub dtype: DType,
    /// number of elements
    pub elements: usize,
    /// bytes inside the file (checked to lie within it)
    pub range: std::ops::Range<usize>,
}

/// Where the model bytes come from: a file read piece by piece (so that loading never holds
/// the whole 70 MB file and the expanded weights at once), or an image in memory.
pub trait Source: Sync {
    /// Total length in bytes.
    fn size(&self) -> usize;
    /// Bytes `range` (which lies within `0..size()`).
    fn read(&self, range: Range<usize>) -> std::io::Result<Cow<'_, [u8]>>;
}

impl Source for &[u8] {
    fn size(&self) -> usize {
        <[u8]>::len(self)
    }
    fn read(&self, range: Range<usize>) -> std::io::Result<Cow<'_, [u8]>> {
        Ok(Cow::Borrowed(&self[range]))
    }
}

/// A model file on disk, read with positioned reads.
pub struct FileSource {
    file: std::sync::Mutex<std::fs::File>,
    len: usize,
}

impl FileSource {
    /// Wrap an open file of `len` bytes.
    pub fn new(file: std::fs::File, len: u64) -> FileSource {
        FileSource {
            file: std::sync::Mutex::new(file),
            len: usize::try_from(len).unwrap_or(usize::MAX),
        }
    }
}

impl Source for FileSource {
    fn size(&self) -> usize {
        self.len
    }
    fn read(&self, range: Range<usize>) -> std::io::Result<Cow<'_, [u8]>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut buf = vec![0u8; range.len()];
        // A poisoned lock only means another reader panicked; the file handle is still fine.
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.seek(SeekFrom::Start(range.start as u64))?;
        f.read_exact(&mut buf)?;
        Ok(Cow::Owned(buf))
    }
}

/// A parsed file: header, tokenizer and directory; tensor bytes are read from `source` on
/// demand.
pub struct ModelFile<'a> {
    /// hyper-parameters
    pub header: Header,
    /// vocabulary and normaliser
    pub tokenizer: TokenizerTables,
    /// tensor directory by name
    pub tensors: HashMap<String, TensorEntry>,
    /// where tensor bytes are read from
    pub source: &'a dyn Source,
}

/// The header and tables are at the start of the file (4.6 MB in the real one): read this
/// much first, and the whole file only if the tables turn out to be longer.
const TABLES_PREFIX: usize = 16 << 20;

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;
/// Quantisation block size the kernels are written for.
pub const QBLOCK: usize = 32;
/// Bytes of one Q4_0 block: f16 scale + 16 bytes of nibbles.
pub const Q4_BLOCK_BYTES: usize = 18;

/// Bounds-checked little-endian reader over the file bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Malformed> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(Malformed::Truncated(format!(
                "{what}: needs {n} bytes at offset {} but the file has {}",
                self.pos,
                self.bytes.len()
            ))),
        }
    }
    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], Malformed> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u8(&mut self, what: &str) -> Result<u8, Malformed> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16, Malformed> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &str) -> Result<u32, Malformed> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &str) -> Result<u64, Malformed> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn f32(&mut self, what: &str) -> Result<f32, Malformed> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }
    /// An i32 count or dimension that must lie in `1..=max`.
    fn dim(&mut self, what: &str, max: usize) -> Result<usize, Malformed> {
        let v = i32::from_le_bytes(self.array(what)?);
        if v <= 0 || v as usize > max {
            return Err(Malformed::Inconsistent(format!(
                "{what} is {v}, expected 1..={max}"
            )));
        }
        Ok(v as usize)
    }
    /// A count of items of `item_bytes` each that must still fit in the rest of the file, so
    /// a hostile count can never make us allocate more than the file's size.
    fn count(&mut self, what: &str, item_bytes: usize) -> Result<usize, Malformed> {
        let v = i32::from_le_bytes(self.array(what)?);
        let left = self.bytes.len() - self.pos;
        if v < 0 || (v as usize).saturating_mul(item_bytes) > left {
            return Err(Malformed::Truncated(format!(
                "{what} is {v}: {item_bytes}-byte items that do not fit in the {left} bytes left"
            )));
        }
        Ok(v as usize)
    }
}

fn inconsistent(s: String) -> Malformed {
    Malformed::Inconsistent(s)
}

/// Parse and validate the header, tokenizer tables and tensor directory of a model.
pub fn parse(source: &dyn Source) -> Result<ModelFile<'_>, Malformed> {
    let len = source.size();
    let head = source
        .read(0..len.min(TABLES_PREFIX))
        .map_err(Malformed::Io)?;
    let tables = match parse_tables(&head, len) {
        Err(Malformed::Truncated(_)) if head.len() < len => {
            let all = source.read(0..len).map_err(Malformed::Io)?;
            parse_tables(&all, len)?
        }
        other => other?,
    };
    let (header, tokenizer, tensors) = tables;
    Ok(ModelFile {
        header,
        tokenizer,
        tensors,
        source,
    })
}

type Tables = (Header, TokenizerTables, HashMap<String, TensorEntry>);

/// Parse the tables from `bytes`, a prefix of a file of `file_len` bytes.
fn parse_tables(bytes: &[u8], file_len: usize) -> Result<Tables, Malformed> {
    if bytes.len() < 4 || &bytes[..4] != MAGIC {
        let head: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
        return Err(Malformed::Magic(format!(
            "expected magic \"E5S1\", found [{}] ({} bytes in all)",
            head.join(" "),
            bytes.len()
        )));
    }
    let mut c = Cursor { bytes, pos: 4 };
    let version = c.u32("version")?;
    if version != VERSION {
        return Err(Malformed::Magic(format!(
            "format version {version}, this reader knows version {VERSION}"
        )));
    }
    let header = read_header(&mut c)?;
    let tokenizer = read_tokenizer(&mut c, header.vocab_rows)?;
    let tensors = read_directory(&mut c, file_len)?;
    Ok((header, tokenizer, tensors))
}

fn read_header(c: &mut Cursor) -> Result<Header, Malformed> {
    let hidden = c.dim("hidden size", 1 << 16)?;
    let layers = c.dim("layer count", 1024)?;
    let heads = c.dim("head count", 1024)?;
    let ffn = c.dim("ffn size", 1 << 20)?;
    let vocab_rows = c.dim("vocabulary rows", 1 << 24)?;
    let max_positions = c.dim("max positions", 1 << 20)?;
    let type_rows = c.dim("token type rows", 1 << 16)?;
    let eps = c.f32("layernorm eps")?;
    let qk = c.dim("quant block", 1 << 16)?;
    if qk != QBLOCK {
        return Err(inconsistent(format!(
            "quant block size {qk}, expected {QBLOCK}"
        )));
    }
    // The kernels work on whole 32-blocks of inputs and 16-row panels of outputs, and
    // attention splits the hidden size evenly over the heads.
    if !hidden.is_multiple_of(QBLOCK) || !ffn.is_multiple_of(QBLOCK) {
        return Err(inconsistent(format!(
            "hidden {hidden} and ffn {ffn} must be multiples of {QBLOCK}"
        )));
    }
    if !hidden.is_multiple_of(heads) {
        return Err(inconsistent(format!(
            "hidden {hidden} is not a multiple of the head count {heads}"
        )));
    }
    if hidden != crate::DIM {
        return Err(inconsistent(format!(
            "hidden size {hidden}, this crate embeds into {} dimensions",
            crate::DIM
        )));
    }
    if !(eps.is_finite() && eps > 0.0 && eps < 1.0) {
        return Err(inconsistent(format!("layernorm eps {eps} out of range")));
    }
    if max_positions < 3 {
        return Err(inconsistent(format!(
            "max positions {max_positions} leaves no room for content tokens"
        )));
    }
    Ok(Header {
        hidden,
        layers,
        heads,
        ffn,
        vocab_rows,
        max_positions,
        type_rows,
        eps,
    })
}

fn read_tokenizer(c: &mut Cursor, vocab_rows: usize) -> Result<TokenizerTables, Malformed> {
    // Each piece costs at least 8 bytes (offset + score).
    let n = c.count("piece count", 8)?;
    if n == 0 || n > vocab_rows {
        return Err(inconsistent(format!(
            "{n} pieces for {vocab_rows} embedding rows"
        )));
    }
    let mut special = |what: &str| -> Result<u32, Malformed> {
        let v = i32::from_le_bytes(c.array(what)?);
        if v < 0 || v as usize >= n {
            return Err(inconsistent(format!("{what} id {v} outside 0..{n}")));
        }
        Ok(v as u32)
    };
    let bos = special("bos")?;
    let eos = special("eos")?;
    let _pad = special("pad")?;
    let unk = special("unk")?;
    let blob_len = c.u64("piece blob length")?;
    let offsets_raw = c.take((n + 1) * 4, "piece offsets")?;
    let scores_raw = c.take(n * 4, "piece scores")?;
    let blob_len = usize::try_from(blob_len)
        .map_err(|_| Malformed::Truncated(format!("piece blob length {blob_len}")))?;
    let blob = c.take(blob_len, "piece blob")?;
    let offsets: Vec<u32> = offsets_raw
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    for i in 0..n {
        let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
        if a > b || b > blob.len() {
            return Err(inconsistent(format!(
                "piece {i} spans bytes {a}..{b} of a {}-byte blob",
                blob.len()
            )));
        }
    }
    let scores: Vec<f32> = scores_raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(inconsistent(format!("piece {i} has score {}", scores[i])));
    }

    // Normaliser map: entries are at least 5 bytes.
    let entries = c.count("normaliser entry count", 5)?;
    let map_len = c.u32("normaliser byte length")? as usize;
    let raw = c.take(map_len, "normaliser map")?;
    let mut m = Cursor { bytes: raw, pos: 0 };
    let mut normalise = HashMap::with_capacity(entries);
    for _ in 0..entries {
        let cp = m.u32("normaliser codepoint")?;
        let k = m.u8("normaliser replacement length")? as usize;
        let mut out = Vec::with_capacity(k);
        for _ in 0..k {
            let r = m.u32("normaliser replacement")?;
            if char::from_u32(r).is_none() {
                return Err(inconsistent(format!(
                    "normaliser maps U+{cp:04X} to the non-character {r:#x}"
                )));
            }
            out.push(r);
        }
        // The reference keeps the first entry of a codepoint (binary search over a sorted
        // list finds one of equal keys; the converter writes each codepoint once).
        normalise.entry(cp).or_insert(out);
    }
    if m.pos != raw.len() {
        return Err(inconsistent(format!(
            "normaliser map: {} entries end at byte {} of {}",
            entries,
            m.pos,
            raw.len()
        )));
    }
    Ok(TokenizerTables {
        blob: blob.to_vec(),
        offsets,
        scores,
        bos,
        eos,
        unk,
        normalise,
    })
}

fn read_directory(
    c: &mut Cursor,
    file_len: usize,
) -> Result<HashMap<String, TensorEntry>, Malformed> {
    // Each entry is at least 23 bytes.
    let n = c.count("tensor count", 23)?;
    let mut tensors = HashMap::with_capacity(n);
    for _ in 0..n {
        let name_len = c.u16("tensor name length")? as usize;
        let name = c.take(name_len, "tensor name")?;
        let name = String::from_utf8_lossy(name).into_owned();
        let dtype = match c.u8("tensor dtype")? {
            0 => DType::F32,
            1 => DType::Q4,
            d => return Err(inconsistent(format!("tensor {name}: unknown dtype {d}"))),
        };
        let elements = c.u32("tensor element count")? as usize;
        let offset = c.u64("tensor offset")?;
        let nbytes = c.u64("tensor byte length")?;
        let expect = match dtype {
            DType::F32 => elements as u64 * 4,
            DType::Q4 => {
                if !elements.is_multiple_of(QBLOCK) {
                    return Err(inconsistent(format!(
                        "tensor {name}: {elements} q4 elements are not whole blocks"
                    )));
                }
                (elements / QBLOCK * Q4_BLOCK_BYTES) as u64
            }
        };
        if nbytes != expect {
            return Err(inconsistent(format!(
                "tensor {name}: {nbytes} bytes for {elements} elements (expected {expect})"
            )));
        }
        let end = offset.checked_add(nbytes).filter(|&e| e <= file_len as u64);
        let Some(end) = end else {
            return Err(Malformed::Truncated(format!(
                "tensor {name}: bytes {offset}..+{nbytes} beyond the end of the {file_len}-byte file"
            )));
        };
        tensors.insert(
            name,
            TensorEntry {
                dtype,
                elements,
                range: offset as usize..end as usize,
            },
        );
    }
    Ok(tensors)
}

impl ModelFile<'_> {
    /// Bytes of tensor `name`, checked for type and element count.
    pub fn tensor(
        &self,
        name: &str,
        dtype: DType,
        elements: usize,
    ) -> Result<Cow<'_, [u8]>, Malformed> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| inconsistent(format!("tensor {name} is missing")))?;
        if t.dtype != dtype || t.elements != elements {
            return Err(inconsistent(format!(
                "tensor {name} is {:?} × {}, expected {dtype:?} × {elements}",
                t.dtype, t.elements
            )));
        }
        self.source.read(t.range.clone()).map_err(Malformed::Io)
    }

    /// An f32 tensor as values; non-finite values are rejected so that they cannot poison
    /// every embedding silently.
    pub fn f32_tensor(&self, name: &str, elements: usize) -> Result<Vec<f32>, Malformed> {
        let raw = self.tensor(name, DType::F32, elements)?;
        let v: Vec<f32> = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(inconsistent(format!(
                "tensor {name} holds non-finite values"
            )));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_tiny_inputs_are_errors() {
        let p = |b: &[u8]| parse(&b).err().unwrap();
        assert!(matches!(p(b""), Malformed::Magic(_)));
        assert!(matches!(p(b"E5"), Malformed::Magic(_)));
        assert!(matches!(p(b"GGUF\0\0\0\0"), Malformed::Magic(_)));
        assert!(matches!(p(b"E5S1"), Malformed::Truncated(_)));
        assert!(matches!(p(b"E5S1\x02\0\0\0"), Malformed::Magic(_)));
    }

    #[test]
    fn hostile_counts_do_not_allocate() {
        // A header with a huge piece count right after it: must be refused before allocating.
        let mut f = b"E5S1".to_vec();
        f.extend(1u32.to_le_bytes());
        for v in [384i32, 12, 12, 1536, 250037, 512, 2] {
            f.extend(v.to_le_bytes());
        }
        f.extend(1e-12f32.to_le_bytes());
        f.extend(32i32.to_le_bytes());
        f.extend(i32::MAX.to_le_bytes());
        assert!(matches!(
            parse(&&f[..]).err(),
            Some(Malformed::Truncated(_))
        ));
    }
}
