//! `tmalign tm merge | stats | export-csv | import-csv` end to end through the real binary:
//! tmalign's own TMX round trip byte for byte, merge counts and `--keep`, the review round
//! trip, and bad input (exit 2, message naming the file and line, nothing written).

mod common;

use common::{data, outputs, shared, tmalign, EPOCH};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit 2 and the message; checks nothing went to stdout.
fn bad(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

/// A TMX written by tmalign's writer (the one `tmalign align` uses) in `dir/output/t.tmx`,
/// with text that needs escaping (markup characters, quotes, a CR, an illegal control
/// character) and a 0-1 bead that the TMX leaves out.
fn tmalign_tmx(dir: &Path) -> PathBuf {
    use tmalign::align::Bead;
    use tmalign::tm::tmx::{write_tmx, TmxOptions};
    use tmalign::tm::AlignedPair;
    let pair =
        |id: usize, src: std::ops::Range<usize>, tgt: std::ops::Range<usize>, s: &str, t: &str| {
            AlignedPair {
                id,
                bead: Bead {
                    src,
                    tgt,
                    confidence: 0.5 + id as f64 / 10.0,
                },
                source: s.into(),
                target: t.into(),
                flags: vec![],
            }
        };
    let pairs = vec![
        pair(1, 0..1, 0..1, "价格 <5 & >3。", "Цена <5 & >3\u{1}."),
        pair(2, 1..2, 1..2, "他说：\"好\"。", "Он сказал: «хорошо»."),
        pair(3, 2..2, 2..3, "", "Лишнее."),
        pair(
            4,
            2..4,
            3..4,
            "第三句话在这里。今天天气很好。",
            "Третье\r\nпредложение 'здесь'.",
        ),
    ];
    let mut options = TmxOptions::new(tmalign::Lang::Zh, tmalign::Lang::Ru, "t&1.zh");
    options.creation_date =
        time::OffsetDateTime::from_unix_timestamp(EPOCH.parse().unwrap()).unwrap();
    let path = dir.join("output/t.tmx");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut bytes = Vec::new();
    write_tmx(&mut bytes, &pairs, &options).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `tmalign tm import-csv CSV --tm output/t.tmx -o OUT` in `dir` (the TMX of
/// [`tmalign_tmx`]).
fn import_csv(dir: &Path, csv: &str, out: &str) -> Output {
    tmalign(
        &["tm", "import-csv", csv, "--tm", "output/t.tmx", "-o", out],
        dir,
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn own_tmx_round_trips_byte_for_byte() {
    let d = tempfile::tempdir().unwrap();
    let tmx = tmalign_tmx(d.path());
    let original = std::fs::read(&tmx).unwrap();
    assert!(String::from_utf8_lossy(&original).contains("&lt;5 &amp; &gt;3"));

    // read → write through merge (one input)
    let out = ok(&tmalign(
        &["tm", "merge", "output/t.tmx", "-o", "m.tmx"],
        d.path(),
    ));
    assert!(out.contains("duplicates removed 0"), "{out}");
    assert_eq!(std::fs::read(d.path().join("m.tmx")).unwrap(), original);

    // and through the review round trip with no decisions
    ok(&tmalign(
        &["tm", "export-csv", "output/t.tmx", "-o", "r.csv"],
        d.path(),
    ));
    ok(&import_csv(d.path(), "r.csv", "n.tmx"));
    assert_eq!(std::fs::read(d.path().join("n.tmx")).unwrap(), original);

    // and once more: write → read → write is stable
    ok(&tmalign(
        &["tm", "merge", "m.tmx", "-o", "m2.tmx"],
        d.path(),
    ));
    assert_eq!(std::fs::read(d.path().join("m2.tmx")).unwrap(), original);
}

#[test]
fn merge_counts_duplicates_and_variants() {
    let d = tempfile::tempdir().unwrap();
    let unit = |date: &str, conf: &str, s: &str, t: &str| {
        format!(
            "<tu changedate=\"{date}\"><prop type=\"x-confidence\">{conf}</prop><tuv xml:lang=\"zh-CN\"><seg>{s}</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>{t}</seg></tuv></tu>\n"
        )
    };
    let file = |units: &[String]| {
        format!(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"zh-CN\"/><body>\n{}</body></tmx>\n",
            units.concat()
        )
    };
    std::fs::write(
        d.path().join("a.tmx"),
        file(&[
            unit("20240101T000000Z", "0.9", "猫", "кот"),
            unit("20240101T000000Z", "0.5", "狗", "собака"),
        ]),
    )
    .unwrap();
    std::fs::write(
        d.path().join("b.tmx"),
        file(&[
            unit("20250101T000000Z", "0.4", "猫  ", " кот"),
            unit("20250101T000000Z", "0.8", "狗", "пёс"),
        ]),
    )
    .unwrap();
    let out = ok(&tmalign(
        &["tm", "merge", "a.tmx", "b.tmx", "-o", "all.tmx"],
        d.path(),
    ));
    assert!(
        out.contains("read 4, lacking a side (kept) 0, duplicates removed 1, variants collapsed 0, written 3 (tuids renumbered"),
        "{out}"
    );
    let json = ok(&tmalign(
        &[
            "tm",
            "merge",
            "a.tmx",
            "b.tmx",
            "-o",
            "latest.tmx",
            "--keep",
            "latest",
            "--json",
        ],
        d.path(),
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["variants_collapsed"], 1);
    assert_eq!(v["written"], 2);
    let latest = std::fs::read_to_string(d.path().join("latest.tmx")).unwrap();
    assert!(latest.contains("пёс") && !latest.contains("собака"));
    ok(&tmalign(
        &[
            "tm",
            "merge",
            "a.tmx",
            "b.tmx",
            "-o",
            "conf.tmx",
            "--keep",
            "highest-confidence",
        ],
        d.path(),
    ));
    let conf = std::fs::read_to_string(d.path().join("conf.tmx")).unwrap();
    assert!(conf.contains("пёс") && !conf.contains("собака"));
    // the duplicate 猫 keeps the higher confidence copy
    assert!(
        conf.contains("<prop type=\"x-confidence\">0.9</prop>"),
        "{conf}"
    );
    assert!(conf.contains("changedate=\"20240101T000000Z\""));

    // a file of another language pair: exit 2, names it, writes nothing
    std::fs::write(
        d.path().join("en.tmx"),
        "<tmx><header srclang=\"zh\"/><body><tu><tuv xml:lang=\"zh\"><seg>猫</seg></tuv><tuv xml:lang=\"en\"><seg>cat</seg></tuv></tu></body></tmx>",
    )
    .unwrap();
    let e = bad(&tmalign(
        &["tm", "merge", "a.tmx", "en.tmx", "-o", "x.tmx"],
        d.path(),
    ));
    assert!(
        e.starts_with("tmalign: en.tmx: language pair zh→en differs"),
        "{e}"
    );
    // the opposite direction (ru→zh into the zh→ru memory): turned round, with a note
    std::fs::write(
        d.path().join("ruzh.tmx"),
        "<tmx><header srclang=\"ru-RU\"/><body><tu><tuv xml:lang=\"ru-RU\"><seg>лиса</seg></tuv><tuv xml:lang=\"zh-CN\"><seg>狐狸</seg></tuv></tu></body></tmx>",
    )
    .unwrap();
    let o = tmalign(
        &["tm", "merge", "a.tmx", "ruzh.tmx", "-o", "flip.tmx"],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ruzh.tmx is in the opposite direction"));
    let flip = tmalign::tm::reader::read_tmx(&d.path().join("flip.tmx")).unwrap();
    // (kept whole: its variants in their order, picked by language)
    let last = flip.units.last().unwrap();
    assert_eq!(last.variants[1].lang, "zh-CN");
    assert_eq!(last.variants[1].text, "狐狸");
    assert_eq!(last.variants[0].text, "лиса");
    // a broken input: names file and line, writes nothing
    std::fs::write(d.path().join("broken.tmx"), "<tmx><header/><body>\n<tu>").unwrap();
    let e = bad(&tmalign(
        &["tm", "merge", "a.tmx", "broken.tmx", "-o", "x.tmx"],
        d.path(),
    ));
    assert!(e.starts_with("tmalign: broken.tmx: line 2"), "{e}");
    // export-csv of a broken file: names it, writes nothing
    let e = bad(&tmalign(
        &["tm", "export-csv", "broken.tmx", "-o", "r.csv"],
        d.path(),
    ));
    assert!(e.starts_with("tmalign: broken.tmx: line 2"), "{e}");
    assert!(!d.path().join("r.csv").exists());
    // the output may not be an input
    let e = bad(&tmalign(
        &["tm", "merge", "a.tmx", "b.tmx", "-o", "a.tmx"],
        d.path(),
    ));
    assert!(e.contains("refusing to overwrite an input"), "{e}");
    assert!(!d.path().join("x.tmx").exists());
    assert!(!names(d.path()).iter().any(|n| n.ends_with(".tmp")));
}

#[test]
fn stats_text_and_json() {
    let d = tempfile::tempdir().unwrap();
    let tmx = data("tm/omegat-handmade-level1.tmx");
    let text = ok(&tmalign(&["tm", "stats", tmx.to_str().unwrap()], d.path()));
    assert!(text.contains("units                  2"), "{text}");
    // every count is apart from its label (it was `identical source/target0`, #12)
    assert!(text.contains("identical source/target 0"), "{text}");
    assert!(text.contains("ZH-CN → RU-RU"), "{text}");
    let json = ok(&tmalign(
        &["tm", "stats", "--json", tmx.to_str().unwrap()],
        d.path(),
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["units"], 2);
    assert_eq!(v["number_mismatches"], 0);
    assert_eq!(v["languages"]["RU-RU"], 2);
    // a language mapping that hides the source makes it unusable
    let e = bad(&tmalign(
        &[
            "tm",
            "stats",
            tmx.to_str().unwrap(),
            "--lang-map",
            "zh-CN=none",
        ],
        d.path(),
    ));
    assert!(e.contains("is not zh, ru or en"), "{e}");
}

#[test]
fn review_round_trip_applies_decisions_and_refuses_mismatches() {
    let d = tempfile::tempdir().unwrap();
    let tmx = tmalign_tmx(d.path());
    let original = std::fs::read(&tmx).unwrap();
    ok(&tmalign(
        &["tm", "export-csv", "output/t.tmx", "-o", "r.csv"],
        d.path(),
    ));
    let csv_bytes = std::fs::read(d.path().join("r.csv")).unwrap();
    assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        tmalign::tm::csv::REVIEW_HEADER
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    let write_csv = |name: &str, rows: &[Vec<String>]| {
        let mut w = csv::Writer::from_path(d.path().join(name)).unwrap();
        w.write_record(tmalign::tm::csv::REVIEW_HEADER).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    };
    // reject the first row, fix the second, leave the rest
    let mut edited = rows.clone();
    edited[0][8] = "reject".into();
    edited[1][8] = "FIX".into();
    edited[1][4] = "Он сказал: «ладно».".into();
    edited[1][9] = "wrong word".into();
    write_csv("edited.csv", &edited);
    let out = ok(&import_csv(d.path(), "edited.csv", "new.tmx"));
    assert!(out.contains("fixed 1, rejected 1"), "{out}");
    let new = std::fs::read_to_string(d.path().join("new.tmx")).unwrap();
    assert!(new.contains("«ладно»") && !new.contains("«хорошо»"));
    assert!(!new.contains("&lt;5 &amp; &gt;3"));
    assert_eq!(std::fs::read(&tmx).unwrap(), original, "input untouched");

    // -o equal to --tm needs --in-place; with it, the original is replaced atomically
    let e = bad(&import_csv(d.path(), "edited.csv", "output/t.tmx"));
    assert!(e.contains("refusing to overwrite an input"), "{e}");
    ok(&tmalign(
        &[
            "tm",
            "import-csv",
            "edited.csv",
            "--tm",
            "output/t.tmx",
            "--in-place",
        ],
        d.path(),
    ));
    assert_eq!(
        std::fs::read_to_string(&tmx).unwrap(),
        new,
        "in place = same result"
    );
    std::fs::write(&tmx, &original).unwrap();

    // a CSV from another TMX / edited text without fix: names the CSV line, writes nothing
    let mut wrong = rows.clone();
    wrong[2][3] = "别的句子".into();
    write_csv("wrong.csv", &wrong);
    let e = bad(&import_csv(d.path(), "wrong.csv", "x.tmx"));
    assert!(
        e.starts_with("tmalign: wrong.csv: line 4 (row 3, id "),
        "{e}"
    );
    assert!(e.contains("texts differ"), "{e}");
    let mut unknown = rows.clone();
    unknown[0][0] = "999".into();
    write_csv("unknown.csv", &unknown);
    let e = bad(&import_csv(d.path(), "unknown.csv", "x.tmx"));
    assert!(
        e.contains("line 2 (row 1, id 999)") && e.contains("has no unit 999"),
        "{e}"
    );
    std::fs::write(d.path().join("cols.csv"), "id,source,target\n1,a,b\n").unwrap();
    let e = bad(&import_csv(d.path(), "cols.csv", "x.tmx"));
    assert!(e.contains("cols.csv: line 1: the columns are"), "{e}");
    let mut short = rows;
    short[1].truncate(8);
    let mut text = tmalign::tm::csv::REVIEW_HEADER.join(",") + "\n";
    for r in &short {
        text.push_str(
            &r.iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(","),
        );
        text.push('\n');
    }
    std::fs::write(d.path().join("short.csv"), text).unwrap();
    let e = bad(&import_csv(d.path(), "short.csv", "x.tmx"));
    assert!(e.contains("short.csv: line 3: 8 cells, expected 11"), "{e}");
    assert!(!d.path().join("x.tmx").exists());
    assert!(!names(d.path()).iter().any(|n| n.ends_with(".tmp")));
}

/// The merged TMX is valid TMX 1.4 (when xmllint and the shared DTD are available).
#[test]
fn merged_output_validates_against_the_dtd() {
    let Some(dtd) = shared()
        .map(|p| p.join("spec/tmx14.dtd"))
        .filter(|p| p.is_file())
    else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    ok(&tmalign(
        &[
            "tm",
            "merge",
            data("tm/omegat-handmade-level1.tmx").to_str().unwrap(),
            data("tm/omegat-real-level1.tmx").to_str().unwrap(),
            "-o",
            "m.tmx",
        ],
        d.path(),
    ));
    match Command::new("xmllint")
        .args(["--noout", "--dtdvalid"])
        .arg(&dtd)
        .arg(d.path().join("m.tmx"))
        .output()
    {
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "{err}");
            // not even a warning: OmegaT's TMX 1.1 `<tuv lang=…>` became `xml:lang`
            assert!(!err.contains("validity"), "{err}");
        }
        Err(_) => eprintln!("note: xmllint not installed; skipping"),
    }
}
