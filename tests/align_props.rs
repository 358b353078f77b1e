//! Structural properties of alignments on random inputs: every segment of both sides lies in
//! exactly one bead, beads are monotonic and contiguous, bead shapes respect
//! `max_bead_side`, confidences lie in [0, 1], including empty sides; resegmentation only
//! cuts segments (the text of each side and the paragraph order stay as they were).

use proptest::prelude::*;
use tmalign::align::{align, align_batch, align_batch_segments, AlignConfig, Alignment, Segment};
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
        let squeeze = |v: &[Segment]| -> String {
            v.iter().flat_map(|s| s.text.chars()).filter(|c| !c.is_whitespace()).collect()
        };
        for ((s, t), d) in docs.iter().zip(&out) {
            check(&d.alignment, d.src.len(), d.tgt.len(), cfg.max_bead_side);
            prop_assert_eq!(squeeze(s), squeeze(&d.src));
            prop_assert_eq!(squeeze(t), squeeze(&d.tgt));
            prop_assert!(d.src.len() >= s.len() && d.tgt.len() >= t.len());
            for side in [&d.src, &d.tgt] {
                prop_assert!(side.windows(2).all(|w| w[0].paragraph <= w[1].paragraph));
            }
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
