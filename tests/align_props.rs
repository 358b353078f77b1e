//! Structural properties of alignments on random inputs: every segment of both sides lies in
//! exactly one bead, beads are monotonic and contiguous, bead shapes respect
//! `max_bead_side`, confidences lie in [0, 1], including empty sides; resegmentation only
//! cuts segments (the text of each side and the paragraph order stay as they were), also on
//! parallel batches large enough for the learnt boundary statistics and the joint split.

use proptest::prelude::*;
use tmalign::align::{
    align, align_batch, align_batch_segments, AlignConfig, AlignedDoc, Alignment, Segment,
};
use tmalign::Lang;

fn check(a: &Alignment, n: usize, m: usize, max_side: usize) {
    let (mut i, mut j) = (0, 0);
    for b in &a.beads {
        assert_eq!(b.src.start, i, "source gap or overlap");
        assert_eq!(b.tgt.start, j, "target gap or overlap");
        assert!(b.src.end >= b.src.start && b.tgt.end >= b.tgt.start);
        assert!(!b.src.is_empty() || !b.tgt.is_empty(), "empty bead");
        assert!(b.src.len() <= max_side && b.tgt.len() <= max_side);
        assert!((0.0..=1.0).contains(&b.confidence));
        i = b.src.end;
        j = b.tgt.end;
    }
    assert_eq!((i, j), (n, m));
}

/// What resegmentation must keep for one document pair `given` → `d`: the bead structure,
/// each side's text (whitespace aside) and the paragraph order.
fn check_resegmented(
    given: (&[Segment], &[Segment]),
    d: &AlignedDoc,
    max_side: usize,
) -> Result<(), TestCaseError> {
    let squeeze = |v: &[Segment]| -> String {
        v.iter()
            .flat_map(|s| s.text.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    check(&d.alignment, d.src.len(), d.tgt.len(), max_side);
    prop_assert_eq!(squeeze(given.0), squeeze(&d.src));
    prop_assert_eq!(squeeze(given.1), squeeze(&d.tgt));
    for side in [&d.src, &d.tgt] {
        prop_assert!(side.windows(2).all(|w| w[0].paragraph <= w[1].paragraph));
    }
    Ok(())
}

fn zh_word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "我们",
        "政府",
        "2019年",
        "三百万",
        "总统",
        "习近平",
        "马其顿",
        "经济",
        "AM",
        "“会议”",
        "？",
        "。",
    ])
    .prop_map(str::to_owned)
}

fn ru_word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "мы",
        "правительство",
        "2019",
        "года",
        "президент",
        "Си",
        "Цзиньпин",
        "Македония",
        "экономика",
        "AM",
        "«встреча»",
        "?",
        "3 млн",
    ])
    .prop_map(str::to_owned)
}

fn side(
    word: impl Strategy<Value = String>,
    sep: &'static str,
    max: usize,
) -> impl Strategy<Value = Vec<Segment>> {
    prop::collection::vec((prop::collection::vec(word, 0..8), 0usize..3), 0..max).prop_map(
        move |v| {
            let mut para = 0;
            v.into_iter()
                .map(|(words, step)| {
                    para += usize::from(step == 0);
                    Segment {
                        text: words.join(sep),
                        paragraph: para,
                    }
                })
                .collect()
        },
    )
}

/// Word pairs that translate each other, for parallel documents.
const PAIRS: &[(&str, &str)] = &[
    ("我们", "мы"),
    ("政府", "правительство"),
    ("2019年", "2019 года"),
    ("总统", "президент"),
    ("习近平", "Си Цзиньпин"),
    ("马其顿", "Македония"),
    ("经济", "экономика"),
    ("合作", "сотрудничество"),
    ("会议", "встреча"),
    ("三百万", "3 млн"),
];

/// A parallel document pair of `n` sentences made of [`PAIRS`], in paragraphs; a sentence may
/// run into the next one without its full stop on the Chinese side, the Russian side or both
/// (a glued headline): enough sentences, in a batch, for the learnt Chinese boundary
/// statistics, the joint split and the bare split against a full stop to come into play.
fn parallel_pair(n: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<Segment>, Vec<Segment>)> {
    let sentence = (
        prop::collection::vec(0..PAIRS.len(), 2..8),
        0usize..12,
        0usize..4,
    );
    prop::collection::vec(sentence, n).prop_map(|v| {
        let (mut zh, mut ru) = (Vec::<Segment>::new(), Vec::<Segment>::new());
        let (mut para, mut glue_zh, mut glue_ru) = (0, false, false);
        for (words, glue, step) in v {
            para += usize::from(step == 0);
            let z: String = words.iter().map(|&w| PAIRS[w].0).collect();
            let r: Vec<&str> = words.iter().map(|&w| PAIRS[w].1).collect();
            let mut r = r.join(" ");
            if let Some(c) = r.chars().next() {
                r = c.to_uppercase().chain(r.chars().skip(1)).collect();
            }
            for (side, text, stop, sep, glued, next_glued) in [
                (&mut zh, z, "。", "", &mut glue_zh, glue == 1 || glue == 3),
                (&mut ru, r, ".", " ", &mut glue_ru, glue == 2 || glue == 3),
            ] {
                let end = if next_glued { "" } else { stop };
                match side.last_mut() {
                    Some(last) if *glued => {
                        last.text = format!("{}{sep}{text}{end}", last.text);
                    }
                    _ => side.push(Segment {
                        text: format!("{text}{end}"),
                        paragraph: para,
                    }),
                }
                *glued = next_glued;
            }
        }
        (zh, ru)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn resegmentation_of_large_inputs_keeps_text_and_structure(docs in prop::collection::vec(parallel_pair(70..90), 3..4)) {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        cfg.resegment = true;
        let out = align_batch_segments(&docs, &cfg);
        for ((s, t), d) in docs.iter().zip(&out) {
            check_resegmented((s, t), d, cfg.max_bead_side)?;
            prop_assert!(d.src.iter().chain(&d.tgt).all(|seg| !seg.text.trim().is_empty()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_segment_in_exactly_one_bead(src in side(zh_word(), "", 30), tgt in side(ru_word(), " ", 30), k in 1usize..4) {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        cfg.max_bead_side = k;
        let a = align(&src, &tgt, &cfg);
        check(&a, src.len(), tgt.len(), k);
    }

    #[test]
    fn resegmentation_keeps_text_and_structure(docs in prop::collection::vec((side(zh_word(), "", 12), side(ru_word(), " ", 12)), 1..4)) {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        cfg.resegment = true;
        let out = align_batch_segments(&docs, &cfg);
        prop_assert_eq!(out.len(), docs.len());
        for ((s, t), d) in docs.iter().zip(&out) {
            check_resegmented((s, t), d, cfg.max_bead_side)?;
            prop_assert!(d.src.len() >= s.len() && d.tgt.len() >= t.len());
        }
    }

    #[test]
    fn batch_matches_shapes(docs in prop::collection::vec((side(zh_word(), "", 12), side(ru_word(), " ", 12)), 0..4)) {
        let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        let out = align_batch(&docs, &cfg);
        prop_assert_eq!(out.len(), docs.len());
        for ((s, t), a) in docs.iter().zip(&out) {
            check(a, s.len(), t.len(), cfg.max_bead_side);
        }
    }
}

#[test]
fn empty_sides() {
    let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    let one = Segment::from_lines(&["一句话。"]);
    assert!(align(&[], &[], &cfg).beads.is_empty());
    let a = align(&one, &[], &cfg);
    check(&a, 1, 0, 3);
    let a = align(&[], &one, &cfg);
    check(&a, 0, 1, 3);
}

#[test]
fn identical_numbers_align_one_to_one() {
    let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    let zh = Segment::from_lines(&[
        "2013年3月21日，收入为3.5亿元。",
        "马其顿总统伊万诺夫反对。",
        "约有120人参加了会议。",
        "习近平会见了客人。",
    ]);
    let ru = Segment::from_lines(&[
        "21 марта 2013 года доход составил 350 млн юаней.",
        "Президент Македонии Иванов выступил против.",
        "В заседании приняли участие около 120 человек.",
        "Си Цзиньпин встретился с гостями.",
    ]);
    let a = align(&zh, &ru, &cfg);
    let shapes: Vec<String> = a.beads.iter().map(|b| b.kind()).collect();
    assert_eq!(shapes, vec!["1-1"; 4]);
}
