//! `tmalign align` end to end on real files. Only properties that hold for any correct
//! aligner are checked: outputs exist, every line is covered, TMX is valid and importable,
//! exit codes and messages.

mod common;

use common::{have_tool, s, shared, tmalign};

use std::path::Path;
use std::process::{Command, Output};
use tmalign::tm::beads::read_beads;

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn xmllint_valid(shared: &Path, tmx: &Path) {
    if have_tool("xmllint") {
        if let Err(e) = common::xmllint_valid(&shared.join("spec/tmx14.dtd"), tmx) {
            panic!("{} invalid: {e}", tmx.display());
        }
    }
}

/// Checks the three outputs of one pair against its inputs.
fn check_outputs(shared: &Path, dir: &Path, stem: &str, src: &Path, tgt: &Path) {
    let (n_src, n_tgt) = (line_count(src), line_count(tgt));
    let beads = std::fs::read_to_string(dir.join(format!("{stem}.beads"))).unwrap();
    let alignment = read_beads(&beads).expect("beads parse and are contiguous");
    let last = alignment.beads.last().unwrap();
    assert_eq!(
        (last.src.end, last.tgt.end),
        (n_src, n_tgt),
        "every line covered"
    );
    assert!(alignment
        .beads
        .iter()
        .all(|b| (0.0..=1.0).contains(&b.confidence)));

    let csv_bytes = std::fs::read(dir.join(format!("{stem}.csv"))).unwrap();
    assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"), "CSV has a BOM");
    let mut r = csv::Reader::from_reader(&csv_bytes[3..]);
    assert_eq!(
        r.headers().unwrap(),
        tmalign::tm::csv::REVIEW_HEADER.as_slice()
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), alignment.beads.len(), "one row per bead");
    for (row, bead) in rows.iter().zip(&alignment.beads) {
        assert_eq!(&row[2], bead.kind());
        let null = bead.src.is_empty() || bead.tgt.is_empty();
        assert_eq!(row[7].split(';').any(|f| f == "unaligned"), null, "{row:?}");
    }

    let tmx_path = dir.join(format!("{stem}.tmx"));
    let tmx = std::fs::read_to_string(&tmx_path).unwrap();
    let tus = tmx.matches("<tu ").count();
    let full = alignment
        .beads
        .iter()
        .filter(|b| !b.src.is_empty() && !b.tgt.is_empty())
        .count();
    assert!(tus <= full, "null beads are never TUs");
    assert!(tus > 0);
    assert!(tmx.contains(r#"creationdate="20231114T221320Z""#));
    xmllint_valid(shared, &tmx_path);
}

#[test]
fn aligns_a_presegmented_pair() {
    let Some(sh) = shared() else { return };
    let seg = sh.join("eval/ntrex-zhru/seg");
    let out = tempfile::tempdir().unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            s(&seg.join("000.zh")),
            s(&seg.join("000.ru")),
            "-o",
            s(out.path()),
        ],
        out.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    check_outputs(
        &sh,
        out.path(),
        "000",
        &seg.join("000.zh"),
        &seg.join("000.ru"),
    );
    // bead files are what the scorer reads
    let e = tmalign(
        &["eval", s(&sh.join("eval/ntrex-zhru/gold")), s(out.path())],
        out.path(),
    );
    assert!(e.status.success(), "{}", stderr(&e));
    assert!(String::from_utf8_lossy(&e.stdout).contains("docs=21 missing=20"));
}

#[test]
fn tmx_imports_into_omegat() {
    let Some(sh) = shared() else { return };
    if !have_tool("omegat") {
        return;
    }
    let seg = sh.join("eval/ntrex-zhru/seg");
    let out = tempfile::tempdir().unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--formats",
            "tmx",
            s(&seg.join("004.zh")),
            s(&seg.join("004.ru")),
            "-o",
            s(out.path()),
        ],
        out.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let work = out.path().join("omegat");
    let c = Command::new("bash")
        .arg(sh.join("tools/omegat-check.sh"))
        .arg(out.path().join("004.tmx"))
        .arg(&work)
        .output()
        .unwrap();
    assert!(
        c.status.success(),
        "omegat check failed: {}{}",
        String::from_utf8_lossy(&c.stdout),
        stderr(&c)
    );
}

#[test]
fn escapes_markup_and_drops_illegal_characters() {
    let Some(sh) = shared() else { return };
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("t.zh"), "价格 <5 & >3\u{1}。\n\"引号\"\n").unwrap();
    std::fs::write(d.path().join("t.ru"), "Цена <5 & >3\u{0B}.\n«Кавычки»\n").unwrap();
    let o = tmalign(&["align", "--presegmented", "t.zh", "t.ru"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // default output directory is ./output
    let tmx = std::fs::read_to_string(d.path().join("output/t.tmx")).unwrap();
    assert!(!tmx.contains('\u{1}') && !tmx.contains('\u{0B}'));
    assert!(tmx.contains("&lt;5 &amp; &gt;3"));
    xmllint_valid(&sh, &d.path().join("output/t.tmx"));
}

#[test]
fn names_outputs_by_stem_and_honours_languages_and_locales() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("report.zh.txt"), "你好。\n再见。\n").unwrap();
    std::fs::write(d.path().join("report.en.txt"), "Hello.\nBye.\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--locales",
            "en=en-GB",
            "report.zh.txt",
            "report.en.txt",
            "-o",
            "out",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let tmx = std::fs::read_to_string(d.path().join("out/report.tmx")).unwrap();
    assert!(tmx.contains(r#"srclang="zh-CN""#));
    assert!(tmx.contains(r#"<tuv xml:lang="en-GB">"#));
    assert!(d.path().join("out/report.csv").is_file());
    assert!(d.path().join("out/report.beads").is_file());
}

#[test]
fn batch_directory_pairs_by_name() {
    let Some(sh) = shared() else { return };
    let seg = sh.join("eval/ntrex-zhru/seg");
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for f in ["001.zh", "001.ru", "002.zh", "002.ru", "003.zh"] {
        std::fs::copy(seg.join(f), input.join(f)).unwrap();
    }
    let o = tmalign(
        &["align", "--presegmented", "--batch", "in", "-o", "out"],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("003.zh"), "unpaired file reported");
    for stem in ["001", "002"] {
        check_outputs(
            &sh,
            &d.path().join("out"),
            stem,
            &input.join(format!("{stem}.zh")),
            &input.join(format!("{stem}.ru")),
        );
    }
    assert!(!d.path().join("out/003.tmx").exists());
}

#[test]
fn batch_manifest() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("a")).unwrap();
    std::fs::write(d.path().join("a/x.txt"), "一。\n二。\n").unwrap();
    std::fs::write(d.path().join("a/y.txt"), "Раз.\nДва.\n").unwrap();
    std::fs::write(d.path().join("pairs.tsv"), "# zh\tru\na/x.txt\ta/y.txt\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--src-lang",
            "zh",
            "--tgt-lang",
            "ru",
            "--batch",
            "pairs.tsv",
            "-o",
            "out",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let beads = std::fs::read_to_string(d.path().join("out/x.beads")).unwrap();
    let al = read_beads(&beads).unwrap();
    assert_eq!(
        al.beads.last().map(|b| (b.src.end, b.tgt.end)),
        Some((2, 2))
    );
}

#[test]
fn bad_inputs_exit_2_naming_the_file_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("ok.zh"), "一。\n").unwrap();
    std::fs::write(p.join("ok.ru"), "Раз.\n").unwrap();
    std::fs::write(p.join("other.zh"), "二。\n").unwrap();
    std::fs::write(p.join("empty.ru"), "\n\n").unwrap();
    std::fs::write(p.join("bin.ru"), b"\x00\x01\x02").unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["ok.zh", "missing.ru"], "missing.ru"),
        (&["ok.zh", "empty.ru"], "empty.ru"),
        (&["ok.zh", "other.zh"], "other.zh"),
        (&["ok.zh", "bin.ru"], "bin.ru"),
        (&["ok.zh", "ok.ru", "--formats", "xliff"], "xliff"),
    ];
    for (files, needle) in cases {
        let mut args = vec!["align", "--presegmented", "-o", "out"];
        args.extend_from_slice(files);
        let o = tmalign(&args, p);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let msg = stderr(&o);
        assert!(msg.contains(needle), "{args:?}: {msg}");
        assert_eq!(msg.lines().count(), 1, "one clear message: {msg}");
        assert!(!p.join("out").exists(), "{args:?} wrote output");
    }
    // one bad pair in a batch: nothing at all is written
    std::fs::create_dir(p.join("b")).unwrap();
    std::fs::write(p.join("b/good.zh"), "一。\n").unwrap();
    std::fs::write(p.join("b/good.ru"), "Раз.\n").unwrap();
    std::fs::write(p.join("b/zbad.zh"), "二。\n").unwrap();
    std::fs::write(p.join("b/zbad.ru"), "").unwrap();
    let o = tmalign(&["align", "--presegmented", "--batch", "b", "-o", "out"], p);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("zbad.ru"));
    assert!(!p.join("out").exists());
}

#[test]
fn refuses_to_overwrite_an_input() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("doc.zh"), "一。\n").unwrap();
    std::fs::write(p.join("doc.beads"), "Раз.\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--tgt-lang",
            "ru",
            "doc.zh",
            "doc.beads",
            "-o",
            ".",
        ],
        p,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("doc.beads"));
    assert_eq!(
        std::fs::read_to_string(p.join("doc.beads")).unwrap(),
        "Раз.\n"
    );
    assert!(!p.join("doc.tmx").exists(), "nothing written");
}

#[test]
fn wildly_different_sizes_warn_and_flag() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let zh: String = (1..=20).map(|i| format!("第{i}句。\n")).collect();
    std::fs::write(p.join("s.zh"), zh).unwrap();
    std::fs::write(p.join("s.ru"), "Раз.\nДва.\n").unwrap();
    let o = tmalign(&["align", "--presegmented", "s.zh", "s.ru", "-o", "out"], p);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
    let csv = std::fs::read_to_string(p.join("out/s.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.contains("size-mismatch")));
}

#[test]
fn seed_glossary_is_built_in_or_given_and_always_named() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("g.zh"), "联合国。\n").unwrap();
    std::fs::write(p.join("g.ru"), "ООН.\n").unwrap();
    // no glossary folder here: the built-in one serves (a copied binary has it too)
    let o = tmalign(&["align", "--presegmented", "g.zh", "g.ru", "-o", "out"], p);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("seed glossary zh-ru: built-in glossary/zh-ru.tsv ("),
        "{said}"
    );
    let tmx = std::fs::read_to_string(p.join("out/g.tmx")).unwrap();
    assert!(tmx.contains(r#"<prop type="x-tmalign-seed">built-in glossary/zh-ru.tsv ("#));
    std::fs::create_dir(p.join("glossary")).unwrap();
    // a glossary whose header names no language: loading it must fail, which shows it is read
    std::fs::write(p.join("glossary/bad.tsv"), "a\tb\n联合国\tООН\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--seed",
            "glossary/bad.tsv",
            "g.zh",
            "g.ru",
            "-o",
            "out",
        ],
        p,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.tsv"));
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--no-seed",
            "g.zh",
            "g.ru",
            "-o",
            "out",
        ],
        p,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("seed glossary zh-ru: none (--no-seed)"));
    let tmx = std::fs::read_to_string(p.join("out/g.tmx")).unwrap();
    assert!(!tmx.contains("x-tmalign-seed"));
    std::fs::write(p.join("glossary/mine.tsv"), "zh\tru\tnote\n联合国\tООН\t\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--seed",
            "glossary/mine.tsv",
            "g.zh",
            "g.ru",
            "-o",
            "out2",
        ],
        p,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("seed glossary zh-ru: glossary/mine.tsv (1 term pairs)"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// The non-presegmented path (ingest → detect → segment). Needs the real language detector
/// and segmenter, which are still stubs on this branch.
#[test]
fn aligns_raw_documents_with_detected_languages() {
    let Some(sh) = shared() else { return };
    let raw = sh.join("eval/ntrex-zhru/raw");
    let d = tempfile::tempdir().unwrap();
    // copies without language suffixes, so the languages must be detected
    std::fs::copy(raw.join("000.zh.txt"), d.path().join("a.txt")).unwrap();
    std::fs::copy(raw.join("000.ru.txt"), d.path().join("b.txt")).unwrap();
    let o = tmalign(&["align", "a.txt", "b.txt", "-o", "out"], d.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let tmx = std::fs::read_to_string(d.path().join("out/a.tmx")).unwrap();
    assert!(tmx.contains(r#"srclang="zh-CN""#) && tmx.contains(r#"xml:lang="ru-RU""#));
    xmllint_valid(&sh, &d.path().join("out/a.tmx"));
    // our own sentences are written beside the beads, whose indices are their line numbers:
    // every line of both files in exactly one bead, in order
    let zh = line_count(&d.path().join("out/a.zh.seg"));
    let ru = line_count(&d.path().join("out/a.ru.seg"));
    assert!(zh > 50 && ru > 50, "{zh} / {ru} sentences");
    let beads = tmalign::eval::parse_beads(&d.path().join("out/a.beads")).unwrap();
    let (mut next_s, mut next_t) = (0i64, 0i64);
    for (bs, bt) in &beads {
        for &i in bs {
            assert_eq!(i, next_s);
            next_s += 1;
        }
        for &j in bt {
            assert_eq!(j, next_t);
            next_t += 1;
        }
    }
    assert_eq!((next_s as usize, next_t as usize), (zh, ru));
    // presegmented input is its own line file: no .seg is written, unless it has blank lines
    // (paragraph marks, not segments: then its other lines go to the .seg)
    let blank = std::fs::read_to_string(d.path().join("a.txt"))
        .unwrap()
        .lines()
        .any(|l| l.trim().is_empty());
    let o = tmalign(
        &[
            "align",
            "a.txt",
            "b.txt",
            "-o",
            "out2",
            "--presegmented",
            "--src-lang",
            "zh",
            "--tgt-lang",
            "ru",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(d.path().join("out2/a.zh.seg").exists(), blank);
    // same language on both sides is refused
    let o = tmalign(&["align", "a.txt", "a.txt", "-o", "out3"], d.path());
    assert_eq!(o.status.code(), Some(2));
}

/// `tmalign segment X > s.zh`, then `align s.zh s.ru --presegmented` (#14): the blank lines
/// between paragraphs mark paragraphs, never empty segments or empty↔empty beads; the lines
/// go to `<stem>.<lang>.seg`, whose line numbers are the bead indices.
#[test]
fn presegmented_blank_lines_are_paragraph_marks() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("doc.zh.txt"),
        "今天天气很好。我们去公园。\n\n他买了三本书。\n\n会议于2025年举行。\n",
    )
    .unwrap();
    std::fs::write(
        p.join("doc.ru.txt"),
        "Сегодня хорошая погода. Мы идём в парк.\n\nОн купил три книги.\n\nВстреча прошла в 2025 году.\n",
    )
    .unwrap();
    for (input, output) in [("doc.zh.txt", "s.zh"), ("doc.ru.txt", "s.ru")] {
        let o = tmalign(&["segment", input], p);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::write(p.join(output), &o.stdout).unwrap();
    }
    assert!(std::fs::read_to_string(p.join("s.zh"))
        .unwrap()
        .contains("\n\n"));
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--scorer",
            "lexical",
            "s.zh",
            "s.ru",
            "-o",
            "out",
        ],
        p,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = common::read_csv(&p.join("out/s.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows.iter().all(|r| !r[3].is_empty() && !r[4].is_empty()),
        "{rows:?}"
    );
    let seg = std::fs::read_to_string(p.join("out/s.zh.seg")).unwrap();
    assert_eq!(seg.lines().count(), 4);
    assert!(seg.lines().all(|l| !l.trim().is_empty()));
    let beads = tmalign::eval::parse_beads(&p.join("out/s.beads")).unwrap();
    assert_eq!(beads.len(), 4);
}
