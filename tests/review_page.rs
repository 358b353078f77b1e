//! The review page (`tmalign review`, and `<stem>.html` from `run`): the real binary writes it,
//! headless Chromium (driven over the DevTools protocol, `common/cdp.rs`) shows it, a test
//! reviews through its buttons, saves, and `tm import-csv` applies the review to the TMX.
//! Without Chromium the browser tests skip with a note; in CI (`CI` set) they fail.

#[path = "common/cdp.rs"]
mod cdp;
mod common;

use cdp::Browser;
use common::{s, tmalign};
use serde_json::Value;
use std::path::Path;
use tmalign::tm::reader::read_tmx;
use tmalign::Lang;

/// A browser, or `None` (with a note) where Chromium is not installed outside CI.
fn browser() -> Option<Browser> {
    match cdp::chromium() {
        Some(bin) => Some(Browser::launch(bin).expect("start headless Chromium")),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium is required in CI but not installed (.ci/run installs it)"
            );
            eprintln!("note: chromium not installed; skipping the browser test");
            None
        }
    }
}

/// `tmalign run examples -o DIR` (lexical scorer: the same output with or without a model).
fn run_examples(dir: &Path) {
    let out = tmalign(
        // no project.tmx: one page per job's TMX
        &[
            "run",
            "examples",
            "-o",
            s(dir),
            "--scorer",
            "lexical",
            "--no-project",
        ],
        &common::repo(),
    );
    assert!(out.status.success(), "{}", common::outputs(&out));
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The (source, target) texts of a TMX's units, zh–ru.
fn tmx_pairs(path: &Path) -> Vec<(String, String)> {
    read_tmx(path)
        .unwrap()
        .units
        .iter()
        .map(|u| {
            (
                u.variant(Lang::Zh).unwrap().text.clone(),
                u.variant(Lang::Ru).unwrap().text.clone(),
            )
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

#[test]
fn run_writes_a_self_contained_page_per_job_and_no_html_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    run_examples(dir.path());
    for stem in ["bulletin", "joint-statement", "summit-news"] {
        let html = std::fs::read_to_string(dir.path().join(format!("{stem}.html"))).unwrap();
        // one file: no reference to anything outside it
        for outside in ["src=", "href=", "http://", "https://", "@import", "url("] {
            assert!(!html.contains(outside), "{stem}.html has {outside}");
        }
        assert!(
            html.contains("<svg class=\"hist\""),
            "the histogram is inline SVG"
        );
        // every bead of the CSV run wrote is a unit of the page
        let rows = common::read_csv(&dir.path().join(format!("{stem}.csv"))).len();
        assert_eq!(html.matches("\"source_text\":").count(), rows, "{stem}");
    }
    let off = tempfile::tempdir().unwrap();
    let out = tmalign(
        &[
            "run",
            "examples",
            "-o",
            s(off.path()),
            "--scorer",
            "lexical",
            "--no-html",
        ],
        &common::repo(),
    );
    assert!(out.status.success(), "{}", common::outputs(&out));
    assert!(!off.path().join("bulletin.html").exists());
    assert!(off.path().join("bulletin.tmx").exists());
}

#[test]
fn review_writes_one_page_for_a_tmx_or_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    run_examples(dir.path());
    let page = dir.path().join("all.html");
    let out = tmalign(&["review", s(dir.path()), "-o", s(&page)], dir.path());
    assert!(out.status.success(), "{}", common::outputs(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("3 documents, "));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<section class=\"doc\"").count(), 3);
    // the TMX of `run` says which paragraph each unit is in: the page groups by it
    assert!(
        html.contains("\"paragraph\":2,"),
        "units grouped by paragraph"
    );
    // a TMX alone: the page goes beside it by default
    let tmx = dir.path().join("bulletin.tmx");
    std::fs::remove_file(dir.path().join("bulletin.html")).unwrap();
    let out = tmalign(&["review", s(&tmx)], dir.path());
    assert!(out.status.success(), "{}", common::outputs(&out));
    assert!(dir.path().join("bulletin.html").is_file());
    // never over an input, bad input is exit 2 with nothing written
    let out = tmalign(&["review", s(&tmx), "-o", s(&tmx)], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", common::outputs(&out));
    let bad = dir.path().join("bad.tmx");
    std::fs::write(&bad, "<tmx><body><tu>").unwrap();
    let out = tmalign(&["review", s(&bad), "-o", "bad.html"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", common::outputs(&out));
    assert!(!dir.path().join("bad.html").exists());
}

/// Hostile text in a TMX is shown as text: no element, no script runs.
#[test]
fn hostile_text_is_shown_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let evil_zh = "</script><script>window.pwned=1</script>你好<!--";
    let evil_ru = "<img src=x onerror=\"window.pwned=2\">\"'&amp; {{JS}} </style>";
    let tmx = dir.path().join("evil.tmx");
    common::write_tmx(&tmx, &[(evil_zh, evil_ru), ("二", "два")]);
    let page = dir.path().join("evil.html");
    let out = tmalign(&["review", s(&tmx), "-o", s(&page), "--no-qa"], dir.path());
    assert!(out.status.success(), "{}", common::outputs(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert!(!html.contains("<img"));
    let Some(mut b) = browser() else { return };
    b.open(&file_url(&page), "window.tmalignReview").unwrap();
    assert_eq!(b.eval("typeof window.pwned").unwrap(), "undefined");
    assert_eq!(
        b.eval("document.querySelectorAll('img').length").unwrap(),
        0
    );
    // each side's sentences, put together again (the segmenter may cut the text)
    let shown = b
        .eval(
            "Array.from(document.querySelectorAll('.unit .side')).map(side => \
             Array.from(side.querySelectorAll('.text')).map(e => e.textContent).join(''))",
        )
        .unwrap();
    let bare = |t: &str| t.split_whitespace().collect::<String>();
    let shown: Vec<String> = strings(&shown).iter().map(|t| bare(t)).collect();
    assert!(shown.contains(&bare(evil_zh)), "{shown:?}");
    assert!(shown.contains(&bare(evil_ru)), "{shown:?}");
}

/// The bar of issue #14: the page of an example shows every unit coloured; ok / reject /
/// edit / merge / split / move through its buttons; Save downloads the review; `tm
/// import-csv` applies it, and the TMX has exactly those decisions.
#[test]
fn browser_review_round_trip() {
    let Some(mut b) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    run_examples(dir.path());

    // every page: every unit shown and coloured, and the screenshot is not blank
    for stem in ["bulletin", "joint-statement", "summit-news"] {
        let page = dir.path().join(format!("{stem}.html"));
        b.open(&file_url(&page), "window.tmalignReview").unwrap();
        let beads = common::read_csv(&dir.path().join(format!("{stem}.csv"))).len();
        let shown = b.eval("document.querySelectorAll('.unit').length").unwrap();
        assert_eq!(shown.as_u64(), Some(beads as u64), "{stem}");
        let coloured = b
            .eval(
                "Array.from(document.querySelectorAll('.unit')).every(u => \
                 /\\bc[0-4un]\\b/.test(u.className) && \
                 getComputedStyle(u).borderLeftColor !== 'rgb(187, 187, 187)' && \
                 getComputedStyle(u).backgroundColor !== 'rgba(0, 0, 0, 0)')",
            )
            .unwrap();
        assert_eq!(coloured, Value::Bool(true), "{stem}: a unit without colour");
        // unchanged, the page saves the very review CSV run wrote (1-0 / 0-1 rows included)
        let held = b.eval("window.tmalignReview.csv(0)").unwrap();
        let written = std::fs::read_to_string(dir.path().join(format!("{stem}.csv"))).unwrap();
        assert_eq!(
            held.as_str(),
            Some(written.as_str()),
            "{stem}: page vs run's CSV"
        );
        let png = b.screenshot().unwrap();
        let ink = cdp::ink_share(&png);
        assert!(
            ink > 0.05,
            "{stem}: the screenshot looks blank ({ink:.3} ink)"
        );
    }
    // the page of a TMX saves, unchanged, what `tm export-csv` writes
    let (page, csv) = (dir.path().join("t.html"), dir.path().join("t.csv"));
    let tmx = dir.path().join("summit-news.tmx");
    for args in [
        vec!["review", s(&tmx), "-o", s(&page)],
        vec!["tm", "export-csv", s(&tmx), "-o", s(&csv)],
    ] {
        let out = tmalign(&args, dir.path());
        assert!(out.status.success(), "{}", common::outputs(&out));
    }
    b.open(&file_url(&page), "window.tmalignReview").unwrap();
    let held = b.eval("window.tmalignReview.csv(0)").unwrap();
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(held.as_str(), Some(exported.as_str()), "page vs export-csv");
    // a blank page is told apart
    b.open("about:blank", "true").unwrap();
    assert!(cdp::ink_share(&b.screenshot().unwrap()) < 0.001);

    let stem = "joint-statement";
    let tmx = dir.path().join(format!("{stem}.tmx"));
    b.open(
        &file_url(&dir.path().join(format!("{stem}.html"))),
        "window.tmalignReview",
    )
    .unwrap();
    let units = b
        .eval("JSON.parse(document.getElementById('tmalign-data').textContent).docs[0].units")
        .unwrap();
    let units = units.as_array().unwrap();
    let n = units.len();
    let original = tmx_pairs(&tmx);
    assert_eq!(
        original.len(),
        n,
        "every bead of the example is a unit of the TMX"
    );
    let src = |i: usize| strings(&units[i]["source"]);
    let tgt = |i: usize| strings(&units[i]["target"]);
    // the filter: flagged only
    let flagged = units
        .iter()
        .filter(|u| !u["flags"].as_array().unwrap().is_empty())
        .count();
    b.eval("document.getElementById('f-flagged').click()")
        .unwrap();
    let visible = b
        .eval("document.querySelectorAll('.unit:not(.hidden)').length")
        .unwrap();
    assert_eq!(visible.as_u64(), Some(flagged as u64));
    assert!(flagged > 0 && flagged < n);
    b.eval("document.getElementById('f-flagged').click()")
        .unwrap();

    // which units get which decision: a 2-1 unit is split, a unit with two target sentences
    // hands its last one to the next unit, and near the end: merge, edit, reject, ok
    let split = (0..n).find(|&i| src(i).len() >= 2).expect("a 2-1 bead");
    let mv = (split + 2..n - 1)
        .find(|&i| tgt(i).len() >= 2)
        .expect("a 1-2 bead");
    let (ok, reject, edit, merge) = (n - 1, n - 2, n - 3, n - 5);
    assert!(merge > mv + 1, "the example has room for every decision");
    // uids are the 1-based positions at load time
    let unit = |i: usize| format!(".unit[data-uid=\"{}\"]", i + 1);
    let click = |b: &mut Browser, i: usize, act: &str| {
        b.eval(&format!(
            "document.querySelector('{} button[data-act=\"{act}\"]').click()",
            unit(i)
        ))
        .unwrap();
    };
    click(&mut b, ok, "ok");
    click(&mut b, reject, "reject");
    click(&mut b, edit, "edit-tgt");
    let edited = format!("Исправлено: {}", original[edit].1);
    b.eval(&format!(
        "document.querySelector('{} textarea.edit').value = {}",
        unit(edit),
        js(&edited)
    ))
    .unwrap();
    click(&mut b, edit, "done");
    b.eval(&format!(
        "const c = document.querySelector('{} input.comment'); c.value = 'checked by the test'; \
         c.dispatchEvent(new Event('input', {{bubbles: true}}))",
        unit(edit)
    ))
    .unwrap();
    click(&mut b, merge, "merge");
    // split: the first source sentence and the first half of the target make the first part
    let zh = src(split);
    let ru_words: Vec<String> = original[split].1.split(' ').map(String::from).collect();
    let half = ru_words.len() / 2;
    let (ru1, ru2) = (ru_words[..half].join(" "), ru_words[half..].join(" "));
    click(&mut b, split, "split");
    b.eval(&format!(
        "document.querySelector('{u} textarea.split[data-side=\"src\"]').value = {}; \
         document.querySelector('{u} textarea.split[data-side=\"tgt\"]').value = {}",
        js(&format!("{}\n\n{}", zh[0], zh[1..].join("\n"))),
        js(&format!("{ru1}\n\n{ru2}")),
        u = unit(split)
    ))
    .unwrap();
    click(&mut b, split, "split-apply");
    b.eval(&format!(
        "document.querySelector('{} .side.tgt .sent:last-child button[data-act=\"down\"]').click()",
        unit(mv)
    ))
    .unwrap();
    assert_eq!(
        b.eval("document.querySelectorAll('.unit').length")
            .unwrap()
            .as_u64(),
        Some(n as u64), // one merge, one split
    );

    // Save: the download is the review CSV the page holds
    let downloads = tempfile::tempdir().unwrap();
    b.allow_downloads(downloads.path()).unwrap();
    b.eval("document.querySelector('button.save').click()")
        .unwrap();
    let saved = cdp::downloaded(downloads.path(), &format!("{stem}.review.csv"))
        .expect("Save downloads the review file");
    let held = b.eval("window.tmalignReview.csv(0)").unwrap();
    let saved_text = cdp::wait_for(|| {
        let t = std::fs::read_to_string(&saved).ok()?;
        (t.as_str() == held.as_str().unwrap()).then_some(t)
    })
    .expect("the download is the page's review CSV");
    assert!(saved_text.starts_with("\u{feff}id,confidence,bead,"));

    // import
    let reviewed = dir.path().join("reviewed.tmx");
    let out = tmalign(
        &[
            "tm",
            "import-csv",
            s(&saved),
            "--tm",
            s(&tmx),
            "-o",
            s(&reviewed),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", common::outputs(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("ok 1, fixed 4, merged 1, split 1, rejected 1, "),
        "{said}"
    );

    // the TMX has exactly those decisions
    let zh_join = |parts: &[String]| parts.concat();
    let ru_join = |parts: &[String]| parts.join(" ");
    let mut expected: Vec<(String, String)> = Vec::new();
    for (i, (zs, rs)) in original.iter().enumerate() {
        let (zs, rs) = (zs.clone(), rs.clone());
        if i == split {
            expected.push((zh[0].clone(), ru1.clone()));
            expected.push((zh_join(&zh[1..]), ru2.clone()));
        } else if i == mv {
            let t = tgt(mv);
            expected.push((zs, ru_join(&t[..t.len() - 1])));
        } else if i == mv + 1 {
            let mut t = vec![tgt(mv).last().unwrap().clone()];
            t.extend(tgt(mv + 1));
            expected.push((zs, ru_join(&t)));
        } else if i == reject || i == merge + 1 {
            // dropped, or merged into the unit above
        } else if i == edit {
            expected.push((zs, edited.clone()));
        } else if i == merge {
            let (z2, r2) = &original[merge + 1];
            expected.push((format!("{zs}{z2}"), format!("{rs} {r2}")));
        } else {
            expected.push((zs, rs));
        }
    }
    let got = tmx_pairs(&reviewed);
    assert_eq!(got.len(), expected.len());
    for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "unit {k} of the reviewed TMX");
    }
    let doc = read_tmx(&reviewed).unwrap();
    let with_note: Vec<&str> = doc
        .units
        .iter()
        .filter(|u| u.notes.iter().any(|n| n == "checked by the test"))
        .map(|u| u.variant(Lang::Ru).unwrap().text.as_str())
        .collect();
    assert_eq!(with_note, vec![edited.as_str()]);

    // the same review against another TMX is refused, naming the row
    let other = dir.path().join("summit-news.tmx");
    let out = tmalign(
        &[
            "tm",
            "import-csv",
            s(&saved),
            "--tm",
            s(&other),
            "-o",
            "x.tmx",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::outputs(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(": line 2 (row 1, id 1)"));
    assert!(!dir.path().join("x.tmx").exists());
}
