//! Boundary precision / recall / F1 of the built-in segmenters on the hand-labelled test set in
//! `tests/data/segment/{zh,ru,en}.txt` (one sentence a line, paragraphs separated by a blank
//! line), and recall of the NTREX segment boundaries in `../shared/eval/*/raw`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tmalign::segment::{segmenter_for, Segmenter, Uax29Segmenter};
use tmalign::Lang;

/// Gold paragraphs: the sentences of each.
fn gold(lang: Lang) -> Vec<Vec<String>> {
    let path = common::data("segment").join(format!("{}.txt", lang.code()));
    let text = std::fs::read_to_string(&path).expect("gold file");
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn joiner(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        ""
    } else {
        " "
    }
}

/// Joins the sentences of a paragraph; returns the text and the byte offsets where one
/// sentence ends and another begins (the end of each sentence but the last).
fn join(sentences: &[String], joiner: &str) -> (String, BTreeSet<usize>) {
    let mut text = String::new();
    let mut bounds = BTreeSet::new();
    for (k, s) in sentences.iter().enumerate() {
        if k > 0 {
            bounds.insert(text.len());
            text.push_str(joiner);
        }
        text.push_str(s);
    }
    (text, bounds)
}

/// Predicted internal boundaries: the end of every sentence but the last.
fn predicted(seg: &dyn Segmenter, text: &str) -> BTreeSet<usize> {
    let ranges = seg.split(text);
    let n = ranges.len();
    ranges
        .into_iter()
        .take(n.saturating_sub(1))
        .map(|r| r.end)
        .collect()
}

struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn f1(&self) -> (f64, f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn score(seg: &dyn Segmenter, lang: Lang, show_errors: bool) -> Score {
    let mut s = Score {
        tp: 0,
        fp: 0,
        fn_: 0,
    };
    for para in gold(lang) {
        let (text, want) = join(&para, joiner(lang));
        let got = predicted(seg, &text);
        s.tp += want.intersection(&got).count();
        s.fp += got.difference(&want).count();
        s.fn_ += want.difference(&got).count();
        if show_errors && want != got {
            println!("  MISMATCH {lang}:");
            for sent in seg.sentences(&text) {
                println!("    | {sent}");
            }
        }
    }
    s
}

fn check(lang: Lang, min_paragraphs: usize) {
    let g = gold(lang);
    let sentences: usize = g.iter().map(Vec::len).sum();
    assert!(
        g.len() >= min_paragraphs,
        "{lang}: only {} paragraphs",
        g.len()
    );
    let seg = segmenter_for(lang);
    let s = score(seg.as_ref(), lang, true);
    let (p, r, f) = s.f1();
    let base = score(&Uax29Segmenter, lang, false);
    let (bp, br, bf) = base.f1();
    println!(
        "{lang}: {} paragraphs, {sentences} sentences, {} boundaries: P {p:.4} R {r:.4} F1 {f:.4} \
         (UAX#29 alone: P {bp:.4} R {br:.4} F1 {bf:.4})",
        g.len(),
        s.tp + s.fn_
    );
    assert!(f >= 0.995, "{lang}: F1 {f:.4} < 0.995");
}

#[test]
fn f1_chinese() {
    check(Lang::Zh, 70);
}

#[test]
fn f1_russian() {
    check(Lang::Ru, 70);
}

#[test]
fn f1_english() {
    check(Lang::En, 30);
}

/// About 45 bytes of `text` either side of the boundary `b`, the boundary marked with ‖.
fn around(text: &str, b: usize) -> String {
    let mut lo = b.saturating_sub(45);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (b + 45).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    format!("{}‖{}", &text[lo..b], &text[b..hi])
}

/// Recall of NTREX segment boundaries inside the raw paragraphs of one language of one set.
fn ntrex_recall(set: &Path, lang: Lang) -> (usize, usize) {
    let seg = segmenter_for(lang);
    let (mut found, mut total) = (0, 0);
    let mut docs: Vec<PathBuf> = std::fs::read_dir(set.join("seg"))
        .expect("seg dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == lang.code()))
        .collect();
    docs.sort();
    for doc in docs {
        let lines: Vec<String> = std::fs::read_to_string(&doc)
            .expect("seg file")
            .lines()
            .map(|l| l.trim().to_owned())
            .collect();
        let stem = doc.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let raw_path = set.join("raw").join(format!("{stem}.{}.txt", lang.code()));
        let raw = std::fs::read_to_string(&raw_path).expect("raw file");
        let mut next = 0;
        for para in raw.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            // Rebuild the paragraph from its seg lines to know where they join.
            let mut sentences = Vec::new();
            let mut len = 0;
            while next < lines.len() && len < para.len() {
                len += lines[next].len()
                    + if sentences.is_empty() {
                        0
                    } else {
                        joiner(lang).len()
                    };
                sentences.push(lines[next].clone());
                next += 1;
            }
            let (text, want) = join(&sentences, joiner(lang));
            assert_eq!(
                text,
                para,
                "{}: raw paragraph is not its seg lines",
                raw_path.display()
            );
            let got = predicted(seg.as_ref(), &text);
            total += want.len();
            found += want.intersection(&got).count();
            if std::env::var_os("SEGMENT_SHOW_MISSES").is_some() {
                for &b in got.difference(&want) {
                    println!("EXTRA {lang}: {}", around(&text, b));
                }
                for &b in want.difference(&got) {
                    println!("MISS {lang}: {}", around(&text, b));
                }
            }
        }
    }
    (found, total)
}

#[test]
fn ntrex_boundary_recall() {
    let Some(shared) = common::shared() else {
        println!("shared data not found: skipping NTREX recall");
        return;
    };
    for (set, lang, floor) in [
        ("ntrex-zhru", Lang::Zh, 0.80),
        ("ntrex-zhru", Lang::Ru, 0.85),
        ("ntrex-zhen", Lang::Zh, 0.80),
        ("ntrex-zhen", Lang::En, 0.85),
    ] {
        let dir = shared.join("eval").join(set);
        if !dir.is_dir() {
            println!("{} missing: skipping", dir.display());
            continue;
        }
        let (found, total) = ntrex_recall(&dir, lang);
        let recall = found as f64 / total.max(1) as f64;
        println!("NTREX {set} {lang}: {found}/{total} seg boundaries found, recall {recall:.4}");
        assert!(
            total > 0 && recall >= floor,
            "{set} {lang}: recall {recall:.4} < {floor}"
        );
    }
}

/// The labelled Russian cases of `tests/data/segment/ru-cases.txt` (#14: abbreviated months,
/// datelines, credit lines, numbered clauses), each segmented exactly as labelled.
#[test]
fn russian_labelled_cases() {
    let text = std::fs::read_to_string(common::data("segment").join("ru-cases.txt")).unwrap();
    let seg = segmenter_for(Lang::Ru);
    let mut failed = Vec::new();
    let mut cases = 0;
    for block in text.split("\n\n") {
        let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(label) = lines.next().and_then(|l| l.strip_prefix("# ")) else {
            continue;
        };
        let want: Vec<&str> = lines.collect();
        if want.is_empty() || want[0].starts_with('#') {
            continue; // the file's own header
        }
        cases += 1;
        let joined = want.join(" ");
        let got = seg.sentences(&joined);
        if got != want {
            failed.push(format!("{label}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(cases >= 12, "only {cases} cases");
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
