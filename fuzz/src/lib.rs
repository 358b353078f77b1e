//! The fuzz harness shared by the cargo-fuzz targets (`fuzz_targets/`, libFuzzer, nightly) and
//! the stable mutation fuzzer (`src/mutate.rs`): what one input does, and which outcomes count
//! as bugs. A bug is a panic — including the oracles' own panics below — or a hang, which the
//! drivers detect (libFuzzer's `-timeout`, the mutator's `FUZZ_SLOW_MS`).
//!
//! Replay of saved inputs lives in the main crate (`tests/tm_reader.rs::fuzz_regressions`, over
//! `tests/data/fuzz/`) and must do what these functions do; keep them in step.

use std::path::Path;
use std::sync::OnceLock;

use tmalign::tm::ops::{review::import_review_bytes, roundtrip_check};
use tmalign::tm::reader::{read_tmx_bytes, TmxDocument};

mod inputs;
pub use inputs::{error_shape, ingest, lang_split, INGEST_NAMES};

/// The TMX the review-CSV target applies reviews to. Shared with the replay test, so that a
/// saved `csv-*` input replays against the same units.
pub const REVIEW_BASE_TMX: &[u8] = include_bytes!("../../tests/data/fuzz/review-base.tmx");

/// `REVIEW_BASE_TMX`, read once (reading it per input would dominate the CSV target's time).
fn review_base() -> &'static TmxDocument {
    static BASE: OnceLock<TmxDocument> = OnceLock::new();
    BASE.get_or_init(|| {
        // Our own fixed file, not fuzz input: failing to read it is a broken harness.
        match read_tmx_bytes(Path::new("review-base.tmx"), REVIEW_BASE_TMX) {
            Ok(doc) => doc,
            Err(e) => panic!("the fixed review base TMX does not read: {e}"),
        }
    })
}

/// Target `tmx_reader`: reads `data` as a TMX document. Whatever reads must survive the
/// writer: `roundtrip_check` writes the bilingual units and reads them back, and a difference
/// is a bug (panics). Returns a coarse outcome class (feedback for the stable mutator).
pub fn tmx_reader(data: &[u8]) -> String {
    match read_tmx_bytes(Path::new("fuzz-input.tmx"), data) {
        Ok(doc) => {
            if let Err(e) = roundtrip_check(&doc) {
                panic!("round trip failed: {e}");
            }
            let variants: usize = doc.units.iter().map(|u| u.variants.len()).sum();
            let markup = doc
                .units
                .iter()
                .flat_map(|u| &u.variants)
                .filter(|v| v.had_markup)
                .count();
            format!(
                "ok:{}:{}:{}",
                doc.units.len().min(8),
                variants.min(16),
                markup.min(4)
            )
        }
        Err(e) => error_shape(&e.to_string()),
    }
}

/// Target `review_csv`: parses `data` as a review CSV and applies it to [`REVIEW_BASE_TMX`]
/// (which writes the reviewed TMX and reads it back). Only panics are bugs: refusing a CSV is
/// the expected outcome for most inputs. Returns a coarse outcome class.
pub fn review_csv(data: &[u8]) -> String {
    match import_review_bytes(Path::new("fuzz-input.csv"), data, review_base()) {
        Ok(doc) => format!("ok:{}", doc.units.len()),
        Err(e) => error_shape(&e.to_string()),
    }
}

/// The tokens of a libFuzzer dictionary (`fuzz/dict/*.dict`): one `"value"` or
/// `name="value"` per line, `#` comments, escapes `\\`, `\"` and `\xNN`. The stable mutator
/// splices the same tokens libFuzzer gets with `-dict=`, so there is one list to maintain.
/// Lines that do not parse are skipped (libFuzzer itself refuses them, so they show up there).
pub fn parse_dict(text: &str) -> Vec<Vec<u8>> {
    let mut tokens = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(open) = line.find('"') else { continue };
        let Some(body) = line[open + 1..].strip_suffix('"') else {
            continue;
        };
        if let Some(token) = unescape(body) {
            tokens.push(token);
        }
    }
    tokens
}

/// Decodes the escapes of one dictionary value; `None` if malformed.
fn unescape(body: &str) -> Option<Vec<u8>> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        match bytes.get(i + 1)? {
            b'\\' => out.push(b'\\'),
            b'"' => out.push(b'"'),
            b'x' => {
                let hex = body.get(i + 2..i + 4)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            _ => return None,
        }
        i += 2;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dict_escapes() {
        let d = parse_dict("# c\n\"<tu>\"\nkw=\"a\\\"b\\\\\\xEF\\xBB\\xBF\"\nbad\n\"\\q\"\n");
        assert_eq!(d, vec![b"<tu>".to_vec(), b"a\"b\\\xEF\xBB\xBF".to_vec()]);
    }

    #[test]
    fn shipped_dicts_parse_fully() {
        for text in [
            include_str!("../dict/tmx.dict"),
            include_str!("../dict/csv.dict"),
            include_str!("../dict/ingest.dict"),
            include_str!("../dict/lang.dict"),
        ] {
            let entries = text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
                .count();
            assert_eq!(parse_dict(text).len(), entries);
        }
    }

    #[test]
    fn base_and_seeds_behave() {
        assert_eq!(review_base().units.len(), 4);
        assert!(tmx_reader(REVIEW_BASE_TMX).starts_with("ok:4:"));
        assert!(!review_csv(b"").starts_with("ok"));
        // what `tmalign tm export-csv` writes for the base TMX: all rows ok
        let export = "\u{FEFF}id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment
1,0.912,1-1,价格是5元。,Цена 5 юаней.,,,,,
2,,,\"他说：\"\"好,的\"\"\",\"Он сказал: \"\"хорошо\"\"\",,,,,
4,,,按确定,Нажмите OK,,,,,
";
        assert_eq!(review_csv(export.as_bytes()), "ok:3");
    }
}
