//! Issue #12, mojibake: a UTF-8 file with one bad byte or a last character cut short stays
//! UTF-8 (U+FFFD in place of the bad bytes, a warning naming the byte offset), never re-read
//! whole as GBK / Windows-1252; `--strict` refuses it. Files really in a legacy encoding are
//! still detected. The real binary on generated inputs.

mod common;

use common::{outputs, tmalign};

const RU: &str = "Президент России Владимир Путин провёл переговоры с Председателем КНР.\n\nСтороны обсудили сотрудничество в области экономики и торговли.\n";
const ZH: &str = "国家主席习近平同俄罗斯总统普京举行会谈。\n\n双方讨论了经济和贸易领域的合作。\n";

#[test]
fn one_bad_byte_keeps_the_file_utf8_with_a_warning() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = RU.as_bytes().to_vec();
    let at = RU.find("Путин").unwrap();
    bytes.insert(at, 0xFF);
    std::fs::write(d.path().join("bad.txt"), &bytes).unwrap();
    let o = tmalign(&["ingest", "bad.txt"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    // (the cleaning may drop the U+FFFD itself)
    assert!(
        text.contains("Владимир \u{FFFD}Путин") || text.contains("Владимир Путин"),
        "{text}"
    );
    assert!(!text.contains('Ð'), "{text}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("byte offset {at}")), "{err}");
    let o = tmalign(&["ingest", "--json", "bad.txt"], d.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"encoding\": \"UTF-8\""));
    // --strict refuses it, naming the offset
    let o = tmalign(&["ingest", "--strict", "bad.txt"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("byte offset {at}")));
}

#[test]
fn a_truncated_last_character_keeps_the_file_utf8() {
    let d = tempfile::tempdir().unwrap();
    let text = RU.trim_end().trim_end_matches('.');
    let bytes = &text.as_bytes()[..text.len() - 1]; // half of the last `и`
    std::fs::write(d.path().join("cut.txt"), bytes).unwrap();
    let o = tmalign(&["ingest", "cut.txt"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(out.contains("Президент России"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("byte offset {}", text.len() - 2)));
}

#[test]
fn split_keeps_each_language_on_its_side() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = format!("{ZH}\n{RU}").into_bytes();
    bytes.push(0xD0); // a last Cyrillic character cut short
    std::fs::write(d.path().join("mixed.txt"), &bytes).unwrap();
    let o = tmalign(&["split", "mixed.txt", "-o", "out"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let zh = std::fs::read_to_string(d.path().join("out/mixed.zh.txt")).unwrap();
    let ru = std::fs::read_to_string(d.path().join("out/mixed.ru.txt")).unwrap();
    assert!(zh.contains("习近平") && !zh.contains("Путин"), "{zh}");
    assert!(ru.contains("Путин") && !ru.contains('Ð'), "{ru}");
}

#[test]
fn legacy_encodings_are_still_detected() {
    let d = tempfile::tempdir().unwrap();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
    std::fs::write(d.path().join("ru.txt"), &cp1251).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(ZH);
    std::fs::write(d.path().join("zh.txt"), &gbk).unwrap();
    for (file, want) in [("ru.txt", "Путин"), ("zh.txt", "习近平")] {
        let o = tmalign(&["ingest", file], d.path());
        assert!(o.status.success(), "{}", outputs(&o));
        let out = String::from_utf8(o.stdout.clone()).unwrap();
        assert!(out.contains(want), "{file}: {out}");
        assert!(
            !String::from_utf8_lossy(&o.stderr).contains("warning"),
            "{file}"
        );
    }
}

#[test]
fn control_characters_after_the_first_64_kib_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let mut text = RU.repeat(700); // > 64 KiB
    assert!(text.len() > 64 * 1024);
    text.push_str("Конец\u{0}текста\u{1}.\n");
    std::fs::write(d.path().join("nul.txt"), &text).unwrap();
    let o = tmalign(&["ingest", "nul.txt"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2 control character(s) removed"), "{err}");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("Конецтекста.") && !out.contains('\u{0}'),
        "{}",
        &out[out.len() - 100..]
    );
}
