//! The review file round trip (#14): the CSV and XLSX that `run` / `align` write import back
//! unchanged as a no-op (byte-identical TMX), decisions reach the TMX (fix with
//! changedate / changeid, reject, comments as notes, a fixed unaligned row as a new unit), the
//! XLSX is typed for spreadsheets, and the CAT metadata (per-unit dates, target file,
//! document, the combined project TMX, the `--min-confidence` split) is written and valid.

mod common;

use common::{have_tool, outputs, repo, s, shared, tmalign};
use std::path::Path;

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tm import-csv REVIEW --tm TMX -o OUT` (plus `extra`) in `dir`; asserts success.
fn import(dir: &Path, review: &Path, tmx: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["tm", "import-csv", s(review), "--tm", s(tmx), "-o", s(out)];
    args.extend_from_slice(extra);
    let o = tmalign(&args, dir);
    assert!(o.status.success(), "{}", outputs(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn run_review_files_import_unchanged_as_a_no_op() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = tmalign(
        &[
            "run",
            "-o",
            s(&out),
            "--formats",
            "tmx,csv,xlsx,beads",
            "--min-confidence",
            "0.95",
            "--user",
            "tester",
        ],
        &repo(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("seed glossary zh-ru: built-in glossary/zh-ru.tsv ("),
        "{stdout}"
    );
    let mut low_units = 0;
    for stem in ["bulletin", "joint-statement", "summit-news"] {
        let tmx = out.join(format!("{stem}.tmx"));
        let low = out.join(format!("{stem}.low.tmx"));
        let text = String::from_utf8(read(&tmx)).unwrap();
        // CAT metadata on every unit
        assert!(text.contains(r#"creationdate="20231114T221320Z" creationid="tester">"#));
        assert!(text.contains(&format!(r#"<prop type="x-document">{stem}</prop>"#)));
        assert!(text.contains(&format!(r#"<prop type="x-context">{stem}</prop>"#)));
        assert!(text.contains(r#"<prop type="x-target-file">"#));
        assert!(text.contains(r#"<prop type="x-tmalign-seed">built-in glossary/zh-ru.tsv"#));
        let low_text = String::from_utf8(read(&low)).unwrap();
        low_units += low_text.matches("<tu ").count();
        for review in [format!("{stem}.csv"), format!("{stem}.xlsx")] {
            let review = out.join(review);
            let again = d.path().join("again.tmx");
            let said = import(d.path(), &review, &tmx, &again, &[]);
            assert!(said.contains("fixed 0, rejected 0"), "{said}");
            assert!(
                read(&again) == read(&tmx),
                "{}: import of the unchanged {} changed the TMX",
                stem,
                review.display()
            );
            if low_text.contains("<tu ") {
                let said = import(d.path(), &review, &low, &again, &[]);
                assert!(said.contains("fixed 0"), "{said}");
                assert!(read(&again) == read(&low), "{stem}: low TMX changed");
            }
        }
        // a decision on a unit of the low TMX: skipped (with a warning) against the main
        // TMX, applied against the low one
        let low_doc = tmalign::tm::reader::read_tmx(&low).unwrap();
        if let Some(unit) = low_doc.units.first() {
            let id = unit.id.clone().unwrap();
            let csv_path = out.join(format!("{stem}.csv"));
            let mut rows = common::read_csv(&csv_path);
            let row = rows.iter_mut().find(|r| r[0] == id).unwrap();
            row[8] = "reject".into();
            let mut w = csv::Writer::from_path(d.path().join("low-decision.csv")).unwrap();
            w.write_record(tmalign::tm::csv::REVIEW_HEADER).unwrap();
            for r in &rows {
                w.write_record(r).unwrap();
            }
            w.flush().unwrap();
            drop(w);
            let edited = d.path().join("low-decision.csv");
            let again = d.path().join("again.tmx");
            let o = tmalign(
                &[
                    "tm",
                    "import-csv",
                    s(&edited),
                    "--tm",
                    s(&tmx),
                    "-o",
                    s(&again),
                ],
                d.path(),
            );
            assert!(o.status.success(), "{}", outputs(&o));
            assert!(String::from_utf8_lossy(&o.stderr)
                .contains("1 decision(s) on units of the other TMX"));
            assert!(read(&again) == read(&tmx));
            let said = import(d.path(), &edited, &low, &again, &[]);
            assert!(said.contains("rejected 1"), "{said}");
        }
    }
    assert!(
        low_units > 0,
        "no unit below 0.95: the split is not exercised"
    );

    // the combined project TMX holds every unit of the three, numbered anew
    let count = |p: &Path| String::from_utf8(read(p)).unwrap().matches("<tu ").count();
    let per_job: usize = ["bulletin", "joint-statement", "summit-news"]
        .iter()
        .map(|stem| count(&out.join(format!("{stem}.tmx"))))
        .sum();
    let project = out.join("project.tmx");
    assert_eq!(count(&project), per_job);
    assert_eq!(count(&out.join("project.low.tmx")), low_units);
    let text = String::from_utf8(read(&project)).unwrap();
    assert!(
        text.contains(r#"<tu tuid="1" "#) && text.contains(&format!(r#"<tu tuid="{per_job}" "#))
    );
    for stem in ["bulletin", "joint-statement", "summit-news"] {
        assert!(text.contains(&format!(r#"<prop type="x-document">{stem}</prop>"#)));
    }

    if let Some(sh) = shared().filter(|_| have_tool("xmllint")) {
        let dtd = sh.join("spec/tmx14.dtd");
        for name in ["project.tmx", "project.low.tmx", "bulletin.tmx"] {
            common::xmllint_valid(&dtd, &out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        if have_tool("omegat") {
            let c = std::process::Command::new("bash")
                .arg(sh.join("tools/omegat-check.sh"))
                .arg(&project)
                .arg(d.path().join("omegat"))
                .output()
                .unwrap();
            assert!(c.status.success(), "omegat check: {}", outputs(&c));
        }
    }
}

#[test]
fn xlsx_cells_are_typed_for_a_spreadsheet() {
    use calamine::{Data, Reader, Xlsx};
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("n.zh"), "=SUM(A1)\n第1-2条。\n").unwrap();
    std::fs::write(d.path().join("n.ru"), "=SUM(A1)\nСтатьи 1-2.\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "n.zh",
            "n.ru",
            "-o",
            "out",
            "--review-format",
            "xlsx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(!d.path().join("out/n.csv").exists());
    let bytes = read(&d.path().join("out/n.xlsx"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows[0][8], Data::String("status".into()));
    // id and confidence are numbers, texts stay text: no date, no formula, no apostrophe
    assert!(matches!(rows[1][0], Data::Float(_)), "{:?}", rows[1][0]);
    assert!(matches!(rows[1][1], Data::Float(_)), "{:?}", rows[1][1]);
    assert_eq!(rows[1][2], Data::String("1-1".into()));
    assert_eq!(rows[1][3], Data::String("=SUM(A1)".into()));
    assert_eq!(rows[2][4], Data::String("Статьи 1-2.".into()));
    assert!(book
        .worksheet_formula("review")
        .map(|f| f.cells().all(|(_, _, v)| v.is_empty()))
        .unwrap_or(true));
}

#[test]
fn decisions_reach_the_tmx() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // a 0-1 bead: the Russian side has a sentence more
    let zh = [
        "2019年有15家企业。",
        "2020年有27家企业。",
        "2021年有38家企业。",
        "2022年有49家企业。",
    ];
    let ru = [
        "В 2019 году было 15 предприятий.",
        "В 2020 году было 27 предприятий.",
        "Это лишняя фраза без пары, совсем другая по смыслу: о погоде на Марсе и о ракетах.",
        "В 2021 году было 38 предприятий.",
        "В 2022 году было 49 предприятий.",
    ];
    std::fs::write(p.join("a.zh"), zh.join("\n") + "\n").unwrap();
    std::fs::write(p.join("a.ru"), ru.join("\n") + "\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "--presegmented",
            "--no-seed",
            "--scorer",
            "lexical",
            "a.zh",
            "a.ru",
            "-o",
            "out",
        ],
        p,
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let csv_path = p.join("out/a.csv");
    let mut rows = common::read_csv(&csv_path);
    let header = {
        let mut rd = csv::Reader::from_path(&csv_path).unwrap();
        rd.headers().unwrap().clone()
    };
    assert_eq!(
        header
            .iter()
            .collect::<Vec<_>>()
            .join(",")
            .trim_start_matches('\u{feff}'),
        tmalign::tm::csv::REVIEW_HEADER.join(",")
    );
    let unaligned = rows
        .iter()
        .position(|r| r[7].contains("unaligned") && r[3].is_empty())
        .unwrap_or_else(|| panic!("no 0-1 row: {rows:?}"));
    rows[unaligned][3] = "这是多余的一句。".into();
    rows[unaligned][8] = "fix".into();
    let first = rows.iter().position(|r| r[2] == "1-1").unwrap();
    rows[first][4] = "В 2019 году было 15 предприятий!".into();
    rows[first][8] = "fix".into();
    rows[first][9] = "стиль".into();
    let last = rows.len() - 1;
    rows[last][8] = "reject".into();
    let mut w = csv::Writer::from_path(p.join("edited.csv")).unwrap();
    w.write_record(tmalign::tm::csv::REVIEW_HEADER).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let said = import(
        p,
        &p.join("edited.csv"),
        &p.join("out/a.tmx"),
        &p.join("new.tmx"),
        &["--user", "reviewer"],
    );
    assert!(said.contains("fixed 1, rejected 1"), "{said}");
    assert!(said.contains("added from unaligned rows 1"), "{said}");
    let doc = tmalign::tm::reader::read_tmx(&p.join("new.tmx")).unwrap();
    let texts: Vec<(&str, &str)> = doc
        .units
        .iter()
        .map(|u| {
            (
                u.variant(tmalign::Lang::Zh).unwrap().text.as_str(),
                u.variant(tmalign::Lang::Ru).unwrap().text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            (zh[0], "В 2019 году было 15 предприятий!"),
            (zh[1], ru[1]),
            ("这是多余的一句。", ru[2]),
            (zh[2], ru[3]),
        ],
        "{said}"
    );
    let fixed = &doc.units[0];
    assert_eq!(
        fixed.attributes.get("changeid").map(String::as_str),
        Some("reviewer")
    );
    assert_eq!(
        fixed.attributes.get("changedate").map(String::as_str),
        Some("20231114T221320Z")
    );
    assert_eq!(fixed.notes, vec!["стиль".to_string()]);
    assert_eq!(
        doc.units[2]
            .attributes
            .get("creationid")
            .map(String::as_str),
        Some("reviewer")
    );
    // the header (date, props) is that of the original
    let orig = tmalign::tm::reader::read_tmx(&p.join("out/a.tmx")).unwrap();
    assert_eq!(doc.header, orig.header);
}
