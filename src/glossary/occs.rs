//! The candidate occurrences of every unit, kept out of memory between the extractor's passes.
//!
//! Counting finds, in each unit, the occurrences of Chinese and Russian candidates (their ids
//! and word and byte ranges); the later passes (nesting, co-occurrence, linking, variants,
//! surface forms, examples) go over them again unit by unit, in order. Held in memory they
//! grow with the corpus (some 400–500 bytes a unit); here they are appended to a log, varint
//! encoded, which stays in memory while small and moves to an unnamed temporary file (gone
//! when closed, even after a kill) past [`MEMORY_LIMIT`], and each pass streams it back
//! ([`OccLog::reader`]). What stays in memory grows with the vocabulary, not the units.

use crate::{Error, Result};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};

/// One occurrence of a candidate in a unit: its id and word range (and byte range for the
/// surface form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occ {
    pub id: u32,
    pub i: u16,
    pub j: u16,
    pub b0: u32,
    pub b1: u32,
}

/// Bytes of log held in memory before it moves to a temporary file.
const MEMORY_LIMIT: usize = 8 << 20;

enum Sink {
    Memory(Vec<u8>),
    /// Being written.
    File(io::BufWriter<std::fs::File>),
    /// Written: read back by passes.
    Done(std::fs::File),
}

/// Appends `v` as a LEB128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends the encoding of `occs` (count, then per occurrence: id, i, j − i, b0, b1 − b0).
pub(crate) fn encode(out: &mut Vec<u8>, occs: &[Occ]) {
    put_varint(out, occs.len() as u64);
    for o in occs {
        put_varint(out, u64::from(o.id));
        put_varint(out, u64::from(o.i));
        put_varint(out, u64::from(o.j.wrapping_sub(o.i)));
        put_varint(out, u64::from(o.b0));
        put_varint(out, u64::from(o.b1.wrapping_sub(o.b0)));
    }
}

fn damaged() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "glossary: damaged temporary occurrence log",
    )
}

/// Reads a varint from a buffered stream.
fn read_varint(r: &mut impl BufRead) -> io::Result<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = match r.fill_buf()?.first() {
            Some(&b) => b,
            None => return Err(damaged()),
        };
        r.consume(1);
        if shift >= 64 {
            return Err(damaged());
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
    }
}

/// Reads one encoded list (see [`encode`]) into `out`.
pub(crate) fn decode(r: &mut impl BufRead, out: &mut Vec<Occ>) -> io::Result<()> {
    out.clear();
    let n = read_varint(r)?;
    let small = |v: u64| u16::try_from(v).map_err(|_| damaged());
    let word = |v: u64| u32::try_from(v).map_err(|_| damaged());
    for _ in 0..n {
        let id = word(read_varint(r)?)?;
        let i = small(read_varint(r)?)?;
        let j = i.wrapping_add(small(read_varint(r)?)?);
        let b0 = word(read_varint(r)?)?;
        let b1 = b0.wrapping_add(word(read_varint(r)?)?);
        out.push(Occ { id, i, j, b0, b1 });
    }
    Ok(())
}

/// The log: per unit, its Chinese occurrences, then its Russian ones.
pub(crate) struct OccLog {
    sink: Sink,
    units: usize,
}

fn temp_err(e: io::Error) -> Error {
    Error::io(std::env::temp_dir(), e)
}

impl OccLog {
    pub fn new() -> OccLog {
        OccLog {
            sink: Sink::Memory(Vec::new()),
            units: 0,
        }
    }

    /// Appends the next unit's occurrences.
    #[cfg(test)]
    pub fn push(&mut self, zh: &[Occ], ru: &[Occ]) -> Result<()> {
        let mut b = Vec::new();
        encode(&mut b, zh);
        encode(&mut b, ru);
        self.push_unit(&b)
    }

    /// Appends the next unit, encoded: its Chinese list, then its Russian one ([`encode`]).
    pub fn push_unit(&mut self, encoded: &[u8]) -> Result<()> {
        match &mut self.sink {
            Sink::Memory(v) => {
                v.extend_from_slice(encoded);
                if v.len() > MEMORY_LIMIT {
                    let file = tempfile::tempfile().map_err(temp_err)?;
                    let mut w = io::BufWriter::with_capacity(1 << 20, file);
                    w.write_all(v).map_err(temp_err)?;
                    self.sink = Sink::File(w);
                }
            }
            Sink::File(w) => w.write_all(encoded).map_err(temp_err)?,
            Sink::Done(_) => {
                return Err(temp_err(io::Error::other(
                    "occurrence log appended after it was finished",
                )))
            }
        }
        self.units += 1;
        Ok(())
    }

    /// Ends the writing: the log can then be read, as many times as needed.
    pub fn finish(&mut self) -> Result<()> {
        // on an error the log is left empty: the caller stops anyway
        self.sink = match std::mem::replace(&mut self.sink, Sink::Memory(Vec::new())) {
            Sink::File(w) => Sink::Done(w.into_inner().map_err(|e| temp_err(e.into_error()))?),
            other => other,
        };
        Ok(())
    }

    /// A new pass over the log, from the first unit (after [`OccLog::finish`]; one pass at a
    /// time).
    pub fn reader(&self) -> Result<OccReader<'_>> {
        let inner: Box<dyn BufRead + '_> = match &self.sink {
            Sink::Memory(v) => Box::new(&v[..]),
            Sink::File(_) => {
                return Err(temp_err(io::Error::other(
                    "occurrence log read before it was finished",
                )))
            }
            Sink::Done(f) => {
                let mut f: &std::fs::File = f;
                f.seek(SeekFrom::Start(0)).map_err(temp_err)?;
                Box::new(BufReader::with_capacity(1 << 20, f))
            }
        };
        Ok(OccReader {
            inner,
            left: self.units,
        })
    }
}

/// One pass over an [`OccLog`].
pub(crate) struct OccReader<'a> {
    inner: Box<dyn BufRead + 'a>,
    left: usize,
}

impl OccReader<'_> {
    /// Reads the next unit's occurrences into `zh` and `ru`; false after the last unit.
    pub fn next_into(&mut self, zh: &mut Vec<Occ>, ru: &mut Vec<Occ>) -> Result<bool> {
        if self.left == 0 {
            return Ok(false);
        }
        self.left -= 1;
        decode(&mut self.inner, zh).map_err(temp_err)?;
        decode(&mut self.inner, ru).map_err(temp_err)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(id: u32, i: u16, j: u16, b0: u32, b1: u32) -> Occ {
        Occ { id, i, j, b0, b1 }
    }

    #[test]
    fn round_trips_in_memory_and_on_disk() {
        let mut log = OccLog::new();
        let units: Vec<(Vec<Occ>, Vec<Occ>)> = (0..200_000u32)
            .map(|u| {
                let zh = (0..u % 7)
                    .map(|k| occ(u * 3 + k, k as u16, k as u16 + 2, u, u + 9))
                    .collect();
                let ru = (0..u % 4)
                    .map(|k| occ(u ^ k, 0, 6, 100_000 + u, 100_000 + u + k))
                    .collect();
                (zh, ru)
            })
            .collect();
        for (k, (zh, ru)) in units.iter().enumerate() {
            if k % 2 == 0 {
                log.push(zh, ru).unwrap();
            } else {
                let mut b = Vec::new();
                encode(&mut b, zh);
                encode(&mut b, ru);
                log.push_unit(&b).unwrap();
            }
        }
        assert!(matches!(log.sink, Sink::File(_)), "past the memory limit");
        assert!(log.reader().is_err());
        log.finish().unwrap();
        assert!(log.push(&[], &[]).is_err());
        for _pass in 0..2 {
            let mut r = log.reader().unwrap();
            let (mut zh, mut ru) = (Vec::new(), Vec::new());
            for (ez, er) in &units {
                assert!(r.next_into(&mut zh, &mut ru).unwrap());
                assert_eq!((&zh, &ru), (ez, er));
            }
            assert!(!r.next_into(&mut zh, &mut ru).unwrap());
        }
    }
}
