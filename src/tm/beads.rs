//! `.beads` files: the alignment itself, one bead a line, readable by the eval scorer.
//!
//! ```text
//! [0]:[0]:0.950
//! [1,2]:[1]:0.912
//! []:[2]:0.700
//! [3]:[]:0.100
//! ```
//!
//! Indices are zero-based segment numbers (for presegmented input: line numbers), written in
//! full (`[3,4,5]`, never a range), `[]` for an empty side; the third field is the confidence
//! with three decimals. Beads are in document order and cover every segment of both sides
//! exactly once. Gold files (`.gold`) are the same without the confidence.

use crate::align::{Alignment, Bead};
use std::io::{self, Write};
use std::ops::Range;

/// Writes one bead a line.
pub fn write_beads<W: Write + ?Sized>(out: &mut W, alignment: &Alignment) -> io::Result<()> {
    for bead in &alignment.beads {
        writeln!(
            out,
            "{}:{}:{:.3}",
            side(&bead.src),
            side(&bead.tgt),
            bead.confidence
        )?;
    }
    Ok(())
}

/// `3..5` → `[3,4]`.
fn side(r: &Range<usize>) -> String {
    let items: Vec<String> = r.clone().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

/// Parses a `.beads` (or `.gold`) text back into an alignment. A missing confidence reads as
/// 1.0 (gold beads are certain). Fails, naming the line, on malformed lines, non-consecutive
/// indices within a side, or beads that do not continue where the previous one ended.
pub fn read_beads(text: &str) -> Result<Alignment, String> {
    let mut beads = Vec::new();
    let (mut next_s, mut next_t) = (0usize, 0usize);
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let err = |what: &str| format!("line {}: {what} in {}", n + 1, crate::error::quote(line));
        let mut fields = line.splitn(3, ':');
        let (Some(s), Some(t)) = (fields.next(), fields.next()) else {
            return Err(err("expected [i,..]:[k,..][:confidence]"));
        };
        let confidence = match fields.next() {
            None => 1.0,
            Some(c) => c
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|c| (0.0..=1.0).contains(c))
                .ok_or_else(|| err("bad confidence"))?,
        };
        let src = parse_side(s, next_s).map_err(|m| err(&m))?;
        let tgt = parse_side(t, next_t).map_err(|m| err(&m))?;
        if src.is_empty() && tgt.is_empty() {
            return Err(err("empty bead"));
        }
        next_s = src.end;
        next_t = tgt.end;
        beads.push(Bead {
            src,
            tgt,
            confidence,
        });
    }
    Ok(Alignment { beads })
}

/// Parses `[i,i+1,..]`, which must start at `start`, into a range.
fn parse_side(s: &str, start: usize) -> Result<Range<usize>, String> {
    let inner = s
        .trim()
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .ok_or_else(|| format!("side {} is not in brackets", crate::error::quote(s)))?;
    let mut end = start;
    for item in inner.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let i: usize = item
            .parse()
            .map_err(|_| format!("bad index {}", crate::error::quote(item)))?;
        if i != end {
            return Err(format!("index {i} where {end} was expected"));
        }
        end += 1;
    }
    Ok(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn writes_the_documented_format() {
        let al = Alignment {
            beads: vec![
                Bead {
                    src: 0..0,
                    tgt: 0..1,
                    confidence: 0.7,
                },
                Bead {
                    src: 0..2,
                    tgt: 1..2,
                    confidence: 0.91234,
                },
                Bead {
                    src: 2..3,
                    tgt: 2..2,
                    confidence: 0.1,
                },
            ],
        };
        let mut buf = Vec::new();
        write_beads(&mut buf, &al).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "[]:[0]:0.700\n[0,1]:[1]:0.912\n[2]:[]:0.100\n"
        );
    }

    #[test]
    fn reads_gold_files_and_rejects_gaps() {
        let al = read_beads("[0]:[0]\n[1, 2]:[1]\n\n[]:[2]\n").unwrap();
        assert_eq!(al.beads.len(), 3);
        assert_eq!(al.beads[1].src, 1..3);
        assert_eq!(al.beads[2].confidence, 1.0);
        assert!(read_beads("[0]:[0]\n[2]:[1]\n").is_err());
        assert!(read_beads("[0]:[0]:x\n").is_err());
        assert!(read_beads("[]:[]\n").is_err());
        assert!(read_beads("0:0\n").is_err());
    }

    proptest! {
        #[test]
        fn round_trip(kinds in prop::collection::vec((0usize..4, 0usize..4, 0u32..=1000), 0..40)) {
            let (mut s, mut t) = (0, 0);
            let mut beads = Vec::new();
            for (m, n, c) in kinds {
                if m == 0 && n == 0 { continue; }
                beads.push(Bead { src: s..s + m, tgt: t..t + n, confidence: f64::from(c) / 1000.0 });
                s += m;
                t += n;
            }
            let al = Alignment { beads };
            let mut buf = Vec::new();
            write_beads(&mut buf, &al).unwrap();
            let back = read_beads(&String::from_utf8(buf).unwrap()).unwrap();
            prop_assert_eq!(back, al);
        }
    }
}
