//! Encodings and bad input through the real `tmalign ingest` binary: the same text in GB18030,
//! GBK, UTF-16LE/BE with BOM, UTF-8 with BOM, Windows-1251 gives the same paragraphs as UTF-8;
//! unusable files exit with code 2, an empty stdout and a message naming file and problem.

mod common;

use common::{data, exec, shared};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    data("ingest").join(name)
}

/// Runs `tmalign ingest ARGS…`; returns (exit code, stdout, stderr).
fn ingest<I, S>(args: I) -> (i32, String, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().into()).collect();
    exec(std::iter::once("ingest".into()).chain(args))
}

fn ok(path: &Path) -> String {
    let (code, out, err) = ingest([path]);
    assert_eq!(code, 0, "{}: {err}", path.display());
    assert!(!out.is_empty());
    out
}

/// Text as UTF-16 with a BOM.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut v = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        v.extend_from_slice(&if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    v
}

/// `text` as UTF-16LE, UTF-16BE and UTF-8, each with a BOM (in that order).
fn unicode_variants(text: &str) -> [(&'static str, Vec<u8>); 3] {
    [
        ("utf16le", utf16(text, true)),
        ("utf16be", utf16(text, false)),
        (
            "utf8bom",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
    ]
}

/// Encodes with encoding_rs, insisting that every character is representable.
fn encode(enc: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "text not representable in {}", enc.name());
    bytes.into_owned()
}

/// Writes every encoding variant of `text` and checks each ingests like the UTF-8 file.
fn check_variants(text: &str, variants: &[(&str, Vec<u8>)], expected_encodings: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = dir.path().join("utf8.txt");
    std::fs::write(&reference, text).expect("write");
    let want = ok(&reference);
    for ((name, bytes), expected) in variants.iter().zip(expected_encodings) {
        let path = dir.path().join(format!("{name}.txt"));
        std::fs::write(&path, bytes).expect("write");
        assert_eq!(ok(&path), want, "{name}");
        let (code, json, err) = ingest([path.as_os_str(), "--json".as_ref()]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let got = v["encoding"].as_str().unwrap_or("");
        assert!(
            expected.split('|').any(|e| e.eq_ignore_ascii_case(got)),
            "{name}: detected {got}, expected {expected}"
        );
    }
}

/// The seeds in every Chinese-capable encoding. NBSP has no GBK code, and means a space to
/// ingest anyway, so it is replaced before encoding.
#[test]
fn chinese_seeds_in_all_encodings() {
    let Some(shared) = shared() else { return };
    for seed in [
        "speech-db-2013-03-23.txt",
        "newspaper-2023-03-22.txt",
        "news-cctv-2022-02-04.md",
    ] {
        let text = std::fs::read_to_string(shared.join("seeds").join(seed))
            .expect("seed")
            .replace('\u{A0}', " ");
        let mut variants = vec![
            ("gb18030", encode(encoding_rs::GB18030, &text)),
            ("gbk", encode(encoding_rs::GBK, &text)),
        ];
        variants.extend(unicode_variants(&text));
        check_variants(
            &text,
            &variants,
            &[
                "GBK|gb18030",
                "GBK|gb18030",
                "UTF-16LE",
                "UTF-16BE",
                "UTF-8",
            ],
        );
    }
}

/// A short Chinese text (a few lines) in GBK: detection has little to go on.
#[test]
fn short_gbk_chinese() {
    let text = "中俄关系\n\n两国元首在莫斯科举行会谈。\n\n双方同意加强合作。\n";
    let variants = [("gbk", encode(encoding_rs::GBK, text))];
    check_variants(text, &variants, &["GBK|gb18030"]);
}

/// Original Russian text: Windows-1251 (two short lines and a longer text), UTF-16, UTF-8 BOM.
#[test]
fn russian_in_all_encodings() {
    for name in ["ru-short.txt", "ru-wrapped.txt"] {
        let text = std::fs::read_to_string(fixture(name)).expect("fixture");
        let mut variants = vec![("cp1251", encode(encoding_rs::WINDOWS_1251, &text))];
        variants.extend(unicode_variants(&text));
        check_variants(
            &text,
            &variants,
            &["windows-1251", "UTF-16LE", "UTF-16BE", "UTF-8"],
        );
    }
}

#[test]
fn forced_encoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture("ru-short.txt")).expect("fixture");
    let path = dir.path().join("ru.txt");
    std::fs::write(&path, encode(encoding_rs::WINDOWS_1251, &text)).expect("write");
    let (code, out, _) = ingest([path.as_os_str(), "--encoding".as_ref(), "cp1251".as_ref()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Председатель КНР прибыл в Москву"));

    // Forced UTF-8 on Windows-1251 bytes: refused, not garbled.
    let (code, out, err) = ingest([path.as_os_str(), "--encoding".as_ref(), "utf-8".as_ref()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("ru.txt") && err.contains("not valid UTF-8"),
        "{err}"
    );

    // An unknown label is a usage error (exit 2) naming the label.
    let (code, out, err) = ingest([
        path.as_os_str(),
        "--encoding".as_ref(),
        "klingon-8".as_ref(),
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("klingon-8"), "{err}");
}

/// Each bad input: exit 2, nothing on stdout, the file and the problem on stderr.
fn refused(args: &[&std::ffi::OsStr], file: &str, problem: &str) {
    let (code, out, err) = ingest(args);
    assert_eq!(code, 2, "{file}: exit {code}, stderr {err}");
    assert!(out.is_empty(), "{file}: stdout {out:?}");
    assert!(err.contains(file), "{file}: {err}");
    assert!(
        err.to_lowercase().contains(problem),
        "{file}: expected {problem:?} in {err}"
    );
}

#[test]
fn bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let missing = d.join("missing.txt");
    refused(&[missing.as_os_str()], "missing.txt", "no such file");
    refused(&[d.as_os_str()], &d.display().to_string(), "directory");
    let empty = write("empty.txt", b"");
    refused(&[empty.as_os_str()], "empty.txt", "empty");
    let blank = write(
        "blank.txt",
        " \n\t\n\u{3000}\u{3000}\n\u{A0}\r\n".as_bytes(),
    );
    refused(&[blank.as_os_str()], "blank.txt", "whitespace");
    let png = write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    refused(&[png.as_os_str()], "image.txt", "png");
    let elf = write("prog", b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0");
    refused(&[elf.as_os_str()], "prog", "elf");
    let mut nuls = b"some text".to_vec();
    nuls.extend_from_slice(&[0u8; 64]);
    let nuls = write("nuls.txt", &nuls);
    refused(&[nuls.as_os_str()], "nuls.txt", "nul");
    // UTF-16 without a BOM looks like NUL-riddled bytes: refused, with a hint.
    let mut no_bom: Vec<u8> = Vec::new();
    for u in "Москва и Пекин".encode_utf16() {
        no_bom.extend_from_slice(&u.to_le_bytes());
    }
    let no_bom = write("utf16-no-bom.txt", &no_bom);
    refused(&[no_bom.as_os_str()], "utf16-no-bom.txt", "utf-16");
    // …but decodes when the encoding is given.
    let (code, out, _) = ingest([
        no_bom.as_os_str(),
        "--encoding".as_ref(),
        "utf-16le".as_ref(),
    ]);
    assert_eq!((code, out.as_str()), (0, "Москва и Пекин\n"));
    // Bytes that are invalid in the forced encoding: mostly replacement characters.
    let junk = write("junk.txt", &[0xFF; 200]);
    refused(
        &[junk.as_os_str(), "--encoding".as_ref(), "gb18030".as_ref()],
        "junk.txt",
        "cannot be decoded",
    );
    // Random high bytes without --encoding: every guess reads as symbol soup.
    let random: Vec<u8> = (0u32..4000)
        .map(|i| (128 + (i.wrapping_mul(2_654_435_761) >> 7) % 128) as u8)
        .collect();
    let random = write("random.txt", &random);
    refused(&[random.as_os_str()], "random.txt", "cannot be decoded");
    // Markup and nothing else.
    let markup = write(
        "markup.html",
        b"<html><head><style>p{}</style></head><body><img src=a.png></body></html>",
    );
    refused(&[markup.as_os_str()], "markup.html", "no text");
}
