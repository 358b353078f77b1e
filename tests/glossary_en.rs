//! `tmalign glossary` on zh–en input, end to end: English dictionary forms, the TMX's language
//! tags in every format, `qa` reading each format back, CAT tools importing the TBX, the
//! refusal of unsupported or mixed targets, and precision on NTREX zh–en.

mod common;

use common::term_tools::{omegat_glossary_pairs, translate_toolkit_tbx_pairs};
use common::{bin, data, read_csv, run, shared, write_tmx_ids_in};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Whether the English data (`tmalign data fetch`: lemma table and frequency list) is
/// installed; required in CI.
fn english_data() -> bool {
    let have = [tmalign::data::EN_LEMMAS, tmalign::data::EN_FREQ]
        .iter()
        .all(|f| tmalign::data::file_path(f).is_some_and(|p| p.is_file()));
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "the English data is required in CI (`tmalign data fetch`)"
        );
        eprintln!(
            "note: no English lemma table (run `tmalign data fetch`); skipping what needs it"
        );
    }
    have
}

/// A small zh–en corpus: every term occurs at least twice.
fn units() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "上海合作组织峰会在北京举行。",
            "The Shanghai Cooperation Organisation summit was held in Beijing.",
        ),
        (
            "上海合作组织是重要的组织。",
            "The Shanghai Cooperation Organisation is an important organisation.",
        ),
        (
            "双方支持上海合作组织。",
            "Both sides support the Shanghai Cooperation Organisation.",
        ),
        (
            "两国举行了贸易谈判。",
            "The two countries held trade talks.",
        ),
        ("贸易谈判取得进展。", "Trade talks made progress."),
        ("贸易谈判将继续。", "The trade talks will continue."),
        ("习近平在北京会见普京。", "Xi Jinping met Putin in Beijing."),
        (
            "习近平指出，经济合作很重要。",
            "Xi Jinping said that economic cooperation is important.",
        ),
        ("经济合作不断发展。", "Economic cooperation keeps growing."),
        ("难民涌入欧洲。", "Refugees poured into Europe."),
        ("那些难民需要帮助。", "Those refugees need help."),
        ("每个难民都有故事。", "Every refugee has a story."),
    ]
}

/// Writes `units` as a zh-CN → `tag` TMX.
fn write_tmx(path: &Path, units: &[(&str, &str)], tag: &str) {
    let ids: Vec<String> = (1..=units.len()).map(|k| k.to_string()).collect();
    let rows: Vec<(&str, &str, &str)> = ids
        .iter()
        .zip(units)
        .map(|(id, (z, e))| (id.as_str(), *z, *e))
        .collect();
    write_tmx_ids_in(path, &rows, tag);
}

fn en_tmx(dir: &Path) -> PathBuf {
    let tmx = dir.join("zhen.tmx");
    write_tmx(&tmx, &units(), "en-GB");
    tmx
}

fn glossary(tmx: &Path, args: &[&str], out: &Path) -> Output {
    run(bin().arg("glossary").arg(tmx).args(args).arg("-o").arg(out))
}

fn pairs_of(csv: &Path) -> Vec<(String, String)> {
    read_csv(csv)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

#[test]
fn english_terms_are_in_dictionary_form() {
    if !english_data() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let tmx = en_tmx(d.path());
    let out_path = d.path().join("g.csv");
    let out = glossary(&tmx, &["--no-seed"], &out_path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pairs = pairs_of(&out_path);
    let find = |z: &str| {
        pairs
            .iter()
            .find(|p| p.0 == z)
            .map(|p| p.1.as_str())
            .unwrap_or("")
    };
    // a name keeps its capitals wherever it stands, sentence starts aside
    assert_eq!(
        find("上海合作组织"),
        "Shanghai Cooperation Organisation",
        "{pairs:?}"
    );
    assert_eq!(find("习近平"), "Xi Jinping", "{pairs:?}");
    // a phrase plural in use stays plural; a word whose singular is written goes singular
    assert_eq!(find("贸易谈判"), "trade talks", "{pairs:?}");
    assert_eq!(find("难民"), "refugee", "{pairs:?}");
    assert_eq!(find("经济合作"), "economic cooperation", "{pairs:?}");
    // the header carries the TMX's tags
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(text.starts_with("\u{FEFF}zh-CN,en-GB,score"), "{text}");
}

#[test]
fn every_format_has_the_tmx_tags_and_qa_reads_it_back() {
    let d = tempfile::tempdir().unwrap();
    let tmx = en_tmx(d.path());
    for (name, format, tag) in [
        ("g.csv", "csv", Some("en-GB")),
        ("g.txt", "omegat", None),
        ("g.tbx", "tbx", Some(r#"<langSec xml:lang="en-GB">"#)),
        ("g2.tbx", "tbx-v2", Some(r#"<langSet xml:lang="en-GB">"#)),
        ("g.tmx", "tmx", Some(r#"xml:lang="en-GB""#)),
    ] {
        let out_path = d.path().join(name);
        let out = glossary(&tmx, &["--no-seed", "--format", format], &out_path);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&out_path).unwrap();
        assert!(text.contains("上海合作组织"), "{name}: {text}");
        if let Some(tag) = tag {
            assert!(text.contains(tag), "{name}: {text}");
            assert!(!text.contains("ru-RU"), "{name}: {text}");
        }
        let qa = run(bin().arg("qa").arg(&tmx).arg("--glossary").arg(&out_path));
        let err = String::from_utf8_lossy(&qa.stderr);
        assert_eq!(qa.status.code(), Some(0), "{name}: {err}");
        // the glossary was learnt from this TMX: every term's rendering is there
        assert!(err.contains(" 0 terminology issues"), "{name}: {err}");
    }
    // qa matches English by lemma: a singular entry finds the plural in the text
    let g = d.path().join("one.tsv");
    std::fs::write(
        &g,
        "zh\ten\tnote\n难民\trefugee\t\n贸易谈判\ttrade talk\t\n",
    )
    .unwrap();
    let qa = run(bin().arg("qa").arg(&tmx).arg("--glossary").arg(&g));
    let err = String::from_utf8_lossy(&qa.stderr);
    assert_eq!(qa.status.code(), Some(0), "{err}");
    if english_data() {
        assert!(err.contains(" 0 terminology issues"), "{err}");
    }
}

#[test]
fn tbx_v2_of_zh_en_is_read_by_translate_toolkit() {
    let d = tempfile::tempdir().unwrap();
    let tmx = en_tmx(d.path());
    let out_path = d.path().join("g.tbx");
    let out = glossary(&tmx, &["--no-seed", "--format", "tbx-v2"], &out_path);
    assert_eq!(out.status.code(), Some(0));
    let Some(pairs) = translate_toolkit_tbx_pairs(&out_path) else {
        return;
    };
    assert!(
        pairs
            .iter()
            .any(|(zh, en)| zh == "上海合作组织" && en.starts_with("Shanghai")),
        "{pairs:?}"
    );
}

#[test]
fn omegat_imports_the_zh_en_tbx_and_txt() {
    let d = tempfile::tempdir().unwrap();
    let tmx = en_tmx(d.path());
    for (name, format) in [("terms.tbx", "tbx-v2"), ("terms.txt", "omegat")] {
        let out_path = d.path().join(name);
        let out = glossary(&tmx, &["--no-seed", "--format", format], &out_path);
        assert_eq!(out.status.code(), Some(0));
        let Some(pairs) = omegat_glossary_pairs(&out_path, "en-GB", d.path()) else {
            return;
        };
        assert!(
            pairs
                .iter()
                .any(|(zh, en)| zh == "上海合作组织" && en.starts_with("Shanghai")),
            "{name}: {pairs:?}"
        );
    }
}

#[test]
fn unsupported_or_mixed_targets_exit_2_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let out_path = d.path().join("g.csv");
    let de = d.path().join("zhde.tmx");
    write_tmx(
        &de,
        &[("经济合作", "wirtschaftliche Zusammenarbeit")],
        "de-DE",
    );
    let out = glossary(&de, &[], &out_path);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("zhde.tmx") && err.contains("de-DE") && err.contains("Russian or English"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!out_path.exists());

    let en = en_tmx(d.path());
    let ru = d.path().join("zhru.tmx");
    write_tmx(
        &ru,
        &[("经济合作", "экономическое сотрудничество")],
        "ru-RU",
    );
    let out = run(bin()
        .arg("glossary")
        .arg(&ru)
        .arg(&en)
        .arg("-o")
        .arg(&out_path));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("English") && err.contains("Russian"), "{err}");
    assert!(!out_path.exists());
}

/// NTREX-128 zh + en (the English source, line-parallel, 1997 units): precision of the top
/// pairs against the judged list in tests/data/glossary/ntrex-zhen-gold.tsv.
#[test]
fn ntrex_zhen_precision_at_100() {
    let Some(shared) = shared() else { return };
    if !english_data() {
        return;
    }
    let base = shared.join("data/ntrex128");
    let zh = std::fs::read_to_string(base.join("newstest2019-ref.zho-CN.txt")).unwrap();
    let en = std::fs::read_to_string(base.join("newstest2019-src.eng.txt")).unwrap();
    let units: Vec<(&str, &str)> = zh
        .lines()
        .zip(en.lines())
        .filter(|(z, e)| !z.trim().is_empty() && !e.trim().is_empty())
        .collect();
    assert!(units.len() > 1900);
    let d = tempfile::tempdir().unwrap();
    let tmx = d.path().join("ntrex.tmx");
    write_tmx(&tmx, &units, "en-US");
    let out_path = d.path().join("ntrex.csv");
    let out = glossary(&tmx, &["--no-seed", "--top", "200"], &out_path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = pairs_of(&out_path);
    let gold_text = std::fs::read_to_string(data("glossary/ntrex-zhen-gold.tsv")).unwrap();
    // (zh, en) → (lenient verdict, strict verdict)
    let gold: std::collections::HashMap<(String, String), (bool, bool)> = gold_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let strict = f.get(3).is_some_and(|s| *s == "ready");
            (
                (f[0].to_owned(), f[1].to_owned()),
                (f[2] == "correct", strict),
            )
        })
        .collect();
    let mut unjudged = Vec::new();
    let mut precision = |n: usize, strict: bool| {
        let top = &rows[..n.min(rows.len())];
        let good = top
            .iter()
            .filter(|r| match gold.get(r) {
                Some(&(lenient, ready)) => {
                    if strict {
                        ready
                    } else {
                        lenient
                    }
                }
                None => {
                    if n == 100 && !strict {
                        unjudged.push(format!("{}\t{}", r.0, r.1));
                    }
                    false
                }
            })
            .count();
        good as f64 / top.len().max(1) as f64
    };
    let p50 = precision(50, false);
    let p100 = precision(100, false);
    let s100 = precision(100, true);
    let p200 = precision(200, false);
    eprintln!(
        "ntrex zh-en: lenient P@50 {p50:.2}  P@100 {p100:.2}  P@200 {p200:.2}; strict P@100 \
         {s100:.2}"
    );
    if !unjudged.is_empty() {
        eprintln!(
            "unjudged pairs in the top 100 (counted wrong):\n{}",
            unjudged.join("\n")
        );
    }
    assert!(rows.len() >= 100, "only {} pairs", rows.len());
    // The issue's bars for zh–ru, applied to zh–en: lenient 0.95, strict 0.85.
    assert!(p100 >= 0.95, "lenient P@100 = {p100:.2}");
    assert!(s100 >= 0.85, "strict P@100 = {s100:.2}");
}

#[test]
fn qa_of_a_zh_en_tmx_does_not_take_the_zh_ru_seed() {
    let d = tempfile::tempdir().unwrap();
    let tmx = en_tmx(d.path());
    let qa = run(bin().arg("qa").arg(&tmx));
    assert_eq!(qa.status.code(), Some(2));
    let err = String::from_utf8_lossy(&qa.stderr);
    assert!(err.contains("glossary/zh-en.tsv not found"), "{err}");
}
