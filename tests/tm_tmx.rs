//! The TMX writer against the TMX 1.4b DTD (xmllint), with hostile text, with and without
//! the DOCTYPE line, and the CSV / bead outputs of the same pairs.

use tmalign::align::{Alignment, Bead, Segment};
use tmalign::tm::tmx::{write_tmx, Locales, TmxOptions};
use tmalign::tm::{build_pairs, write_outputs, BuildOptions, OutputFormat};
use tmalign::Lang;

mod common;

use common::{have_tool, shared, xmllint_valid as validate};

fn sample() -> (Alignment, Vec<Segment>, Vec<Segment>) {
    let src = Segment::from_lines(&[
        "<b>粗体</b> & \"引号\" 'x'",
        "控制\u{0}\u{7}\u{1F}字符\u{FFFE}。",
        "没有对应的句子。",
        "第一半，",
        "第二半。",
        "表情😀与]]>结尾",
    ]);
    let tgt = Segment::from_lines(&[
        "<b>Жирный</b> & «кавычки»",
        "Управляющие\u{8}символы.",
        "Первая и вторая половины.",
        "Лишняя строка.",
        "Эмодзи 😀 и ]]> конец",
    ]);
    let bead = |s: std::ops::Range<usize>, t: std::ops::Range<usize>| Bead {
        src: s,
        tgt: t,
        confidence: 0.75,
    };
    let al = Alignment {
        beads: vec![
            bead(0..1, 0..1),
            bead(1..2, 1..2),
            bead(2..3, 2..2),
            bead(3..5, 2..3),
            bead(5..5, 3..4),
            bead(5..6, 4..5),
        ],
    };
    (al, src, tgt)
}

#[test]
fn hostile_text_validates_with_and_without_doctype() {
    let Some(sh) = shared() else { return };
    if !have_tool("xmllint") {
        return;
    }
    let dtd = sh.join("spec/tmx14.dtd");
    let (al, src, tgt) = sample();
    let pairs = build_pairs(&al, &src, &tgt, &BuildOptions::new(Lang::Zh, Lang::Ru)).unwrap();
    let d = tempfile::tempdir().unwrap();
    for doctype in [true, false] {
        let mut o = TmxOptions::new(Lang::Zh, Lang::Ru, "file \"<&>\".zh");
        o.doctype = doctype;
        o.locales = Locales::parse_overrides("zh=zh-Hans-CN").unwrap();
        let mut buf = Vec::new();
        let n = write_tmx(&mut buf, &pairs, &o).unwrap();
        assert_eq!(n, 4, "the 1-0 and 0-1 beads are not units");
        let path = d.path().join(format!("t{doctype}.tmx"));
        std::fs::write(&path, &buf).unwrap();
        validate(&dtd, &path).unwrap_or_else(|e| panic!("doctype={doctype}: {e}"));
        let xml = String::from_utf8(buf).unwrap();
        assert!(!xml.contains("没有对应") && !xml.contains("Лишняя"));
        assert!(xml.contains("控制字符。"));
        assert!(xml.contains("]]&gt;"));
        assert!(
            xml.contains("第一半，第二半。"),
            "Chinese joined without a space"
        );
    }
    // a broken document is caught, so the check above can fail
    let bad = d.path().join("bad.tmx");
    std::fs::write(
        &bad,
        "<?xml version=\"1.0\"?><tmx version=\"1.4\"><body/></tmx>",
    )
    .unwrap();
    assert!(validate(&dtd, &bad).is_err());
}

#[test]
fn all_formats_of_one_pair() {
    let (al, src, tgt) = sample();
    let pairs = build_pairs(&al, &src, &tgt, &BuildOptions::new(Lang::Zh, Lang::Ru)).unwrap();
    let d = tempfile::tempdir().unwrap();
    let o = TmxOptions::new(Lang::Zh, Lang::Ru, "s.zh");
    let written = write_outputs(d.path(), "s", &OutputFormat::ALL, &al, &pairs, &o).unwrap();
    assert_eq!(written.len(), 3);
    let beads = std::fs::read_to_string(d.path().join("s.beads")).unwrap();
    assert_eq!(tmalign::tm::beads::read_beads(&beads).unwrap(), al);
    let csv = std::fs::read(d.path().join("s.csv")).unwrap();
    let mut r = csv::Reader::from_reader(&csv[3..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 6, "null beads are in the CSV");
    assert_eq!(&rows[2][7], "unaligned");
    assert_eq!(&rows[4][3], "");
    assert_eq!(&rows[3][5], "4-5");
    assert_eq!(&rows[3][6], "3");
    // the eval scorer reads the bead file
    let scored = tmalign::eval::parse_beads_str(&beads).unwrap();
    assert_eq!(scored[3], (vec![3, 4], vec![2]));
}
