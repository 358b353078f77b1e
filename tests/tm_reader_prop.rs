//! Property tests of the TMX reader: any text survives writer → reader, and no input, however
//! mangled, makes the reader or the review importer panic (a structured in-tree companion of
//! the mutation fuzzer in `fuzz/`).

use proptest::prelude::*;
use std::path::Path;
use tmalign::tm::ops::{language_pair, review::import_review_bytes, roundtrip_check, to_record};
use tmalign::tm::reader::{read_tmx_bytes, LangMap};
use tmalign::tm::tmx::{write_tmx_records, TmxOptions, TmxRecord};
use tmalign::Lang;

const SEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="zh-CN"><prop type="a">b</prop></header><body>
<tu tuid="1"><prop type="x-confidence">0.5</prop><tuv xml:lang="zh-CN"><seg>价格 <bpt i="1">&lt;b&gt;</bpt>5<ept i="1">&lt;/b&gt;</ept></seg></tuv><tuv lang="ru"><seg>цена &amp; <hi>5</hi></seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg><![CDATA[a<b]]></seg></tuv><tuv xml:lang="ru-RU"><seg>x&#x4E2D;</seg></tuv></tu>
</body></tmx>
"#;

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_survives_write_and_read(s in "\\PC*", t in ".*", tuid in "[a-z0-9&<\"]{1,5}") {
        let record = TmxRecord {
            tuid: tuid.clone(),
            attributes: vec![("changedate".into(), "20240101T000000Z".into())],
            props: vec![("x-note".into(), t.clone())],
            notes: Vec::new(),
            source: format!("{s}!"),
            target: format!("{t}?"),
        };
        let options = TmxOptions::new(Lang::Zh, Lang::Ru, "");
        let mut bytes = Vec::new();
        write_tmx_records(&mut bytes, std::slice::from_ref(&record), &options).unwrap();
        let doc = read_tmx_bytes(Path::new("p.tmx"), &bytes).unwrap();
        let map = LangMap::default();
        let pair = language_pair(&doc, Path::new("p.tmx"), &map).unwrap();
        let back = to_record(&doc.units[0], &pair, &map).unwrap();
        let clean = |x: &str| x.chars().filter(|c| xml_char(*c)).collect::<String>();
        prop_assert_eq!(back.tuid, tuid);
        prop_assert_eq!(back.source, clean(&record.source));
        prop_assert_eq!(back.target, clean(&record.target));
        prop_assert_eq!(&back.props[0].1, &clean(&t));
        roundtrip_check(&doc).unwrap();
    }

    #[test]
    fn mangled_tmx_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = SEED.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        if let Ok(doc) = read_tmx_bytes(Path::new("m.tmx"), &bytes) {
            roundtrip_check(&doc).unwrap();
        }
    }

    #[test]
    fn any_csv_never_panics(text in "[a-z0-9,\"\n\r \u{FEFF}中]{0,300}", header in any::<bool>()) {
        let doc = read_tmx_bytes(Path::new("s.tmx"), SEED.as_bytes()).unwrap();
        let mut csv = String::new();
        if header {
            csv.push_str("id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment\n");
        }
        csv.push_str(&text);
        let _ = import_review_bytes(Path::new("r.csv"), csv.as_bytes(), &doc);
    }
}
