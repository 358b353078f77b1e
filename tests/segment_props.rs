//! Properties every segmenter output must have, on arbitrary input.

use proptest::prelude::*;
use tmalign::segment::{segmenter_for, segmenter_from_srx, Segmenter};
use tmalign::Lang;

fn check(seg: &dyn Segmenter, text: &str) -> Result<(), TestCaseError> {
    let ranges = seg.split(text);
    let mut covered = vec![false; text.len()];
    let mut last_end = 0;
    for r in &ranges {
        prop_assert!(r.start < r.end, "empty range {r:?}");
        prop_assert!(
            r.start >= last_end,
            "out of order or overlapping: {ranges:?}"
        );
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let s = &text[r.clone()];
        prop_assert_eq!(s, s.trim(), "not trimmed");
        covered[r.clone()].iter_mut().for_each(|c| *c = true);
        last_end = r.end;
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            prop_assert!(covered[i], "{c:?} at {i} not covered: {ranges:?}");
        }
    }
    Ok(())
}

/// The test SRX file compiled once for every language (compiling is the slow part).
fn srx_segmenters() -> &'static [Box<dyn Segmenter>] {
    static SEGS: std::sync::OnceLock<Vec<Box<dyn Segmenter>>> = std::sync::OnceLock::new();
    SEGS.get_or_init(|| {
        let srx =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/segment/news.srx");
        Lang::ALL
            .iter()
            .map(|&lang| segmenter_from_srx(&srx, lang).expect("test SRX file loads"))
            .collect()
    })
}

/// Text made mostly of the characters the rules look at, so that the odd paths are taken.
fn tricky() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        ".",
        "!",
        "?",
        "。",
        "！",
        "？",
        "…",
        "……",
        "...",
        "«",
        "»",
        "“",
        "”",
        "\"",
        "„",
        "《",
        "》",
        "（完）",
        "【纠错】",
        "（",
        "）",
        "—",
        " — ",
        " ",
        "  ",
        "\n",
        "г.",
        "т. е.",
        "В.",
        "Путин",
        "Лавров",
        "им.",
        "2024",
        "3.5",
        "3,5",
        "U.S.",
        "Mr.",
        "J.",
        "abc",
        "Abc",
        "мы",
        "Мы",
        "中国",
        "。”",
        "、",
        "，",
        "долл.",
        "США",
        "Д.C.",
        "\u{00A0}",
        "\u{3000}",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ranges_are_well_formed_on_any_string(text in any::<String>()) {
        for lang in Lang::ALL {
            check(segmenter_for(lang).as_ref(), &text)?;
        }
    }

    #[test]
    fn ranges_are_well_formed_on_tricky_text(text in tricky()) {
        for lang in Lang::ALL {
            check(segmenter_for(lang).as_ref(), &text)?;
        }
    }

    #[test]
    fn srx_ranges_are_well_formed(text in tricky()) {
        for seg in srx_segmenters() {
            check(seg.as_ref(), &text)?;
        }
    }
}
