//! DOCX and ODT in: the real binary on documents the tests write (see `office/mod.rs`).

mod common;
mod office;

use common::{have_tool, outputs, s, tmalign};
use office::{docx, odt, press_ru, press_zh, zip_of};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn press_docx(zh: bool) -> Vec<u8> {
    let (b, f, h) = if zh { press_zh() } else { press_ru() };
    docx(&b, &f, h)
}

fn press_odt(zh: bool) -> Vec<u8> {
    let (b, f, h) = if zh { press_zh() } else { press_ru() };
    odt(&b, &f, h)
}

/// (source, target) of every row of a review CSV, and its bead kinds.
fn csv_rows(path: &Path) -> Vec<(String, String, String)> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x.trim_start_matches('\u{feff}') == n)
            .unwrap()
    };
    let (b, sc, tc) = (col("bead"), col("source_text"), col("target_text"));
    rd.records()
        .map(|r| r.unwrap())
        .map(|r| (r[b].to_string(), r[sc].to_string(), r[tc].to_string()))
        .collect()
}

#[test]
fn ingest_reads_docx_streams_in_order() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "release.ru.docx", &press_docx(false));
    let o = tmalign(&["ingest", &f], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let paras: Vec<&str> = text.split("\n\n").map(str::trim).collect();
    assert_eq!(
        paras[1],
        "20 мая 2026 года в Пекине состоялся пятый Китайско-российский форум по \
         торгово-экономическому сотрудничеству. В работе форума приняли участие более трёхсот \
         представителей двух стран.",
        "bold kept as text, footnote reference dropped, tracked changes accepted"
    );
    assert!(text.contains("Подробная информация размещена на сайте форума."));
    assert!(text.contains("Энергетика\n\n5 соглашений\n\nСельское хозяйство"));
    // Footnote, then header; the footer held only a page number (a field: dropped).
    assert_eq!(
        &paras[paras.len() - 2..],
        [
            "Организаторами форума выступили министерства коммерции двух стран.",
            "Пресс-релиз"
        ]
    );
    assert!(!text.contains("двухсот"));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "warning: {f}: tracked changes read as accepted (1 deletion(s) dropped, 1 insertion(s) kept)"
                .replace("{f}", &f)
                .as_str()
        ),
        "{}",
        outputs(&o)
    );
    let o = tmalign(&["ingest", "--json", &f], d.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["format"], "docx");
    let kinds: Vec<&str> = json["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["body", "footnote", "header"]);
}

#[test]
fn odt_reads_like_docx() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.docx", &press_docx(false));
    let b = write(d.path(), "b.odt", &press_odt(false));
    let oa = tmalign(&["ingest", &a], d.path());
    let ob = tmalign(&["ingest", &b], d.path());
    assert!(ob.status.success(), "{}", outputs(&ob));
    assert_eq!(
        String::from_utf8_lossy(&oa.stdout),
        String::from_utf8_lossy(&ob.stdout)
    );
}

/// The press release pair aligns 1:1, whatever the container of each side.
fn check_press_release_alignment(out: &Path) {
    let rows = csv_rows(&out.join("release.csv"));
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(kinds.iter().all(|k| *k == "1-1"), "{rows:#?}");
    assert_eq!(rows.len(), 13, "{rows:#?}");
    let find = |zh: &str| {
        rows.iter()
            .find(|r| r.1.contains(zh))
            .unwrap_or_else(|| panic!("no row for {zh}: {rows:#?}"))
            .2
            .clone()
    };
    assert!(find("跨境电子商务").contains("трансграничной электронной торговли"));
    assert!(find("论坛网站").contains("сайте форума"));
    assert!(find("能源领域").contains("Энергетика"));
    assert!(find("共同主办").contains("Организаторами форума"));
    assert!(find("新闻稿").contains("Пресс-релиз"));
    let tmx = std::fs::read_to_string(out.join("release.tmx")).unwrap();
    assert!(
        tmx.contains("<prop type=\"x-part\">footnote</prop>"),
        "{tmx}"
    );
    assert!(tmx.contains("<prop type=\"x-part\">header</prop>"), "{tmx}");
    if let Some(shared) = common::shared_with("spec") {
        if have_tool("xmllint") {
            let dtd = shared.join("spec/tmx14.dtd");
            if let Err(e) = common::xmllint_valid(&dtd, &out.join("release.tmx")) {
                panic!("release.tmx invalid: {e}");
            }
        }
    }
}

/// Runs `tmalign run` on `in/release.zh.docx` (the Chinese press release) and `in/<ru_name>`
/// (`ru` its bytes) into `out`; returns the temporary directory, `in`, `out` and the run.
fn run_press_release(
    ru_name: &str,
    ru: &[u8],
) -> (tempfile::TempDir, PathBuf, PathBuf, std::process::Output) {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(&input, "release.zh.docx", &press_docx(true));
    write(&input, ru_name, ru);
    let out = d.path().join("out");
    let o = tmalign(&["run", s(&input), "-o", s(&out)], d.path());
    (d, input, out, o)
}

#[test]
fn run_pairs_docx_press_release_one_to_one() {
    let (_d, _, out, o) = run_press_release("release.ru.docx", &press_docx(false));
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("release: 13 zh sentences, 13 ru sentences"),
        "{}",
        outputs(&o)
    );
    check_press_release_alignment(&out);
}

#[test]
fn run_pairs_mixed_formats_and_align_takes_docx() {
    let (d, input, out, o) = run_press_release("release.ru.odt", &press_odt(false));
    assert!(o.status.success(), "{}", outputs(&o));
    check_press_release_alignment(&out);

    let out2 = d.path().join("out2");
    let o = tmalign(
        &[
            "align",
            s(&input.join("release.zh.docx")),
            s(&input.join("release.ru.odt")),
            "-o",
            s(&out2),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(out2.join("release.tmx").is_file());
    let rows = csv_rows(&out2.join("release.csv"));
    assert!(rows.iter().all(|r| r.0 == "1-1"), "{rows:#?}");
}

fn assert_refused(name: &str, bytes: &[u8], needle: &str) {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), name, bytes);
    let o = tmalign(&["ingest", &f], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(name) && err.contains(needle),
        "{needle:?} not in {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one clear message: {err}");
    // `run` on a folder with the file refuses it the same way and writes nothing.
    let partner = if name.contains(".zh.") { "ru" } else { "zh" };
    let (b, f2, h) = if partner == "zh" {
        press_zh()
    } else {
        press_ru()
    };
    let stem = name.split('.').next().unwrap();
    write(
        d.path(),
        &format!("{stem}.{partner}.docx"),
        &docx(&b, &f2, h),
    );
    let out = d.path().join("out");
    let o = tmalign(&["run", s(d.path()), "-o", s(&out)], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains(needle));
    assert!(!out.join(format!("{stem}.tmx")).exists());
}

#[test]
fn zip_bomb_is_refused() {
    // 64 MiB of spaces in the main part: deflates to ~64 KiB, a ratio of ~1000:1.
    let mut doc = b"<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>".to_vec();
    doc.extend(std::iter::repeat_n(b' ', 64 << 20));
    doc.extend(b"</w:t></w:r></w:p></w:body></w:document>");
    let bytes = zip_of(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("word/document.xml", doc),
    ]);
    assert!(bytes.len() < 1 << 20);
    assert_refused("bomb.zh.docx", &bytes, "zip bomb");
}

#[test]
fn traversal_entry_is_refused() {
    let mut entries = vec![("../../evil.sh", b"echo owned".to_vec())];
    let good = press_docx(true);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut owned = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        owned.push((f.name().to_string(), data));
    }
    for (n, d) in &owned {
        entries.push((n.as_str(), d.clone()));
    }
    assert_refused("evil.zh.docx", &zip_of(&entries), "path traversal");
}

#[test]
fn encrypted_documents_are_refused() {
    // What Word writes for a password-protected .docx: an OLE compound file with an
    // EncryptedPackage stream (here just the header and the stream name).
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend(vec![0u8; 504]);
    ole.extend(
        "EncryptionInfo\0EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    ole.extend(vec![0u8; 512]);
    assert_refused("secret.zh.docx", &ole, "password-protected");

    // A ZIP whose entries carry the encryption flag (general purpose bit 0).
    let mut bytes = press_docx(true);
    let mut i = 0;
    while i + 4 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 6] |= 1,
            b"PK\x01\x02" => bytes[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
    assert_refused("locked.zh.docx", &bytes, "password-protected");
}

#[test]
fn other_zip_files_are_refused_clearly() {
    let bytes = zip_of(&[("notes.txt", b"hello".to_vec())]);
    assert_refused("notes.zh.docx", &bytes, "neither a DOCX nor an ODT");
    let bytes = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("content.xml", b"<a/>".to_vec()),
    ]);
    assert_refused("sheet.zh.docx", &bytes, "not a text document");
}

/// A generated 300-page DOCX (4,500 paragraphs of ~60 words with bold runs, a table row per
/// page, a footnote per page: ~3 MB of XML) is read whole. (Its speed and memory are measured
/// by the ignored `tests/office_speed.rs`, see the README.)
#[test]
fn a_300_page_docx_is_read_whole() {
    let para = "В ходе форума стороны **обсудили** сотрудничество в области торговли, \
                инвестиций, энергетики и логистики, а также [цифровой экономики](https://x.org) \
                и науки; представители деловых кругов двух стран провели более двадцати \
                встреч и подписали ряд соглашений о поставках, о совместных проектах и о \
                подготовке кадров на ближайшие годы.";
    let texts: Vec<String> = (0..300 * 15)
        .map(|i| format!("Пункт {i}. {para}"))
        .collect();
    let mut blocks = Vec::new();
    let mut notes = Vec::new();
    for page in texts.chunks(15) {
        blocks.extend(page.iter().map(|t| office::Block::P(t)));
        blocks.push(office::Block::Table(vec![vec![
            "Энергетика",
            "5 соглашений",
        ]]));
        notes.push("Примечание к странице.");
    }
    let bytes = docx(&blocks, &notes, "Пресс-релиз");
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "big.ru.docx", &bytes);
    let o = tmalign(&["ingest", &f], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .matches("обсудили")
            .count()
            >= 4500
    );
}

/// The press release laid out on two PDF pages, lines wrapped at `width` characters (a
/// Russian word hyphenated where it is cut), with a running header and page numbers.
fn press_pdf(zh: bool) -> Vec<u8> {
    let (blocks, notes, header) = if zh { press_zh() } else { press_ru() };
    let mut paras: Vec<String> = Vec::new();
    for b in &blocks {
        match b {
            office::Block::P(s) => paras.push(office::plain(s)),
            office::Block::Table(rows) => {
                paras.extend(rows.iter().flatten().map(|c| c.to_string()))
            }
        }
    }
    paras.extend(notes.iter().map(|n| n.to_string()));
    let width = if zh { 18 } else { 40 };
    let mut pages: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
    let half = paras.len() / 2;
    for (i, p) in paras.iter().enumerate() {
        let page = &mut pages[usize::from(i >= half)];
        if page.is_empty() {
            page.push(header.to_string());
            page.push(String::new());
        }
        let chars: Vec<char> = p.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let mut end = (start + width).min(chars.len());
            let mut line: String = chars[start..end].iter().collect();
            if !zh && end < chars.len() {
                // Break at a space if there is one, else hyphenate inside the word.
                if let Some(sp) = line.rfind(' ') {
                    line.truncate(sp);
                    end = start + line.chars().count() + 1;
                } else {
                    line.push('-');
                }
            }
            page.push(line.trim().to_string());
            start = end;
        }
        page.push(String::new());
    }
    for (n, page) in pages.iter_mut().enumerate() {
        page.push(format!("- {} -", n + 1));
    }
    office::pdf(&pages)
}

#[test]
fn pdf_reads_with_headers_and_page_numbers_removed() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "release.ru.pdf", &press_pdf(false));
    let o = tmalign(&["ingest", &f], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let paras: Vec<&str> = text.split("\n\n").map(str::trim).collect();
    assert!(
        !text.contains("Пресс-релиз") && !text.contains("- 1 -"),
        "{text}"
    );
    assert!(
        paras.contains(&"Следующее заседание форума пройдёт в Москве в 2027 году."),
        "{paras:#?}"
    );
    assert!(
        text.contains("трансграничной электронной торговли"),
        "{text}"
    );
}

#[test]
fn run_pairs_pdf_with_docx() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(&input, "release.zh.pdf", &press_pdf(true));
    write(&input, "release.ru.docx", &press_docx(false));
    let out = d.path().join("out");
    let o = tmalign(&["run", s(&input), "-o", s(&out)], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let rows = csv_rows(&out.join("release.csv"));
    let one_one = rows.iter().filter(|r| r.0 == "1-1").count();
    // The PDF has no header stream (its running header is removed): the Russian header is the
    // one sentence left over.
    assert!(one_one >= 12, "{rows:#?}");
    assert!(
        rows.iter().all(|r| r.0 == "1-1" || r.0 == "0-1"),
        "{rows:#?}"
    );
}

#[test]
fn scanned_and_broken_pdfs_are_refused() {
    let scanned = office::pdf(&[Vec::new(), Vec::new()]);
    assert_refused("scan.zh.pdf", &scanned, "OCR");
    let mut broken = press_pdf(true);
    broken.truncate(broken.len() / 3);
    assert_refused("broken.zh.pdf", &broken, "PDF");
}

/// Damaged office files and PDFs (bytes flipped anywhere) are read or refused, never a panic.
mod damaged {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use tmalign::ingest::{ingest_bytes, IngestOptions};

    fn originals() -> &'static [(&'static str, Vec<u8>)] {
        static DOCS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
        DOCS.get_or_init(|| {
            vec![
                ("a.docx", press_docx(true)),
                ("a.odt", press_odt(false)),
                ("a.pdf", press_pdf(false)),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn never_panics(which in 0usize..3, flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
            let (name, original) = &originals()[which];
            let mut bytes = original.clone();
            for (at, b) in flips {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            let _ = ingest_bytes(Path::new(name), &bytes, &IngestOptions::default());
        }
    }
}
