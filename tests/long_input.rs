//! Issue #12, near-linear work on long input. A 100,000-character Chinese sentence without
//! punctuation (against a 200,000-character Russian one) used to take 36 s in a release
//! `align` (resegmentation counted characters, searched words and scored boundaries afresh at
//! every candidate position); a TMX element with tens of thousands of attributes took a
//! minute (quick-xml's duplicate-attribute check). These tests run the generated inputs
//! through the real binary and check the results; speed is not asserted here (see the note
//! in `benches/long_line.rs` for the measured scaling).

mod common;

use common::long_words::{RU_WORDS, ZH_WORDS};
use common::{outputs, tmalign, Rng};

/// `n` characters of Chinese made of common words, without any punctuation.
fn zh_line(n: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    while s.chars().count() < n {
        s.push_str(ZH_WORDS[rng.below(ZH_WORDS.len())]);
    }
    s.chars().take(n).collect()
}

/// About `n` characters of Russian words, capitalised ones among them, one full stop at the end.
fn ru_line(n: usize, rng: &mut Rng) -> String {
    let mut s = String::from("Стороны");
    while s.chars().count() < n {
        s.push(' ');
        s.push_str(RU_WORDS[rng.below(RU_WORDS.len())]);
    }
    s.push('.');
    s
}

#[test]
fn a_100k_character_unpunctuated_chinese_sentence_is_aligned() {
    let d = tempfile::tempdir().unwrap();
    let mut rng = Rng(12);
    let zh = zh_line(100_000, &mut rng);
    std::fs::write(d.path().join("long.zh.txt"), format!("{zh}\n")).unwrap();
    std::fs::write(
        d.path().join("long.ru.txt"),
        ru_line(200_000, &mut rng) + "\n",
    )
    .unwrap();
    let o = tmalign(
        &[
            "align",
            "long.zh.txt",
            "long.ru.txt",
            "-o",
            "out",
            "--no-seed",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    // every character is in the sentence file, whatever the resegmentation did
    let seg = std::fs::read_to_string(d.path().join("out/long.zh.seg")).unwrap();
    let joined: String = seg.lines().collect();
    assert_eq!(joined, zh);
    assert!(d.path().join("out/long.tmx").is_file());
}

#[test]
fn an_element_with_too_many_attributes_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let attrs: String = (0..100_000).map(|k| format!(" a{k}=\"x\"")).collect();
    let tmx = format!(
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"zh-CN\"/><body>\n<tu{attrs}><tuv xml:lang=\"zh-CN\"><seg>你好</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>Привет</seg></tuv></tu>\n</body></tmx>\n"
    );
    std::fs::write(d.path().join("many.tmx"), tmx).unwrap();
    let o = tmalign(&["tm", "stats", "many.tmx"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("more than 256 attributes"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    // duplicates are still found without quick-xml's check
    let dup = "<tmx version=\"1.4\"><header srclang=\"zh-CN\"/><body><tu tuid=\"1\" tuid=\"2\"><tuv xml:lang=\"zh-CN\"><seg>你好</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>Привет</seg></tuv></tu></body></tmx>";
    std::fs::write(d.path().join("dup.tmx"), dup).unwrap();
    let o = tmalign(&["tm", "stats", "dup.tmx"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("duplicate attribute tuid"));
}
