//! `tmalign tm lookup` end to end: index built / loaded / rebuilt when the TMX changes,
//! damaged index files rebuilt, in-memory fallback, 101% matches from `--prev`, stdin context
//! and TMX context props, JSON and coloured output, bad input.

use std::path::{Path, PathBuf};

const TMX_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="zh-CN" datatype="plaintext"/>
  <body>
"#;

fn tu(id: usize, zh: &str, ru: &str, props: &str) -> String {
    format!(
        "    <tu tuid=\"{id}\">{props}<tuv xml:lang=\"zh-CN\"><seg>{zh}</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>{ru}</seg></tuv></tu>\n"
    )
}

fn sample_tmx(extra: &str) -> String {
    let mut s = String::from(TMX_HEAD);
    s += &tu(1, "今天天气很好。", "Сегодня хорошая погода.", "");
    s += &tu(2, "我们明天去北京。", "Завтра мы едем в Пекин.", "");
    s += &tu(
        3,
        "会议将于下午三点开始。",
        "Совещание начнётся в три часа дня.",
        "",
    );
    s += &tu(4, "我们明天去北京。", "Завтра едем в Пекин.", "");
    s += &tu(
        5,
        "请关上门。",
        "Закройте дверь, пожалуйста.",
        "<prop type=\"prev\">外面很冷。</prop>",
    );
    s += extra;
    s += "  </body>\n</tmx>\n";
    s
}

mod common;

use common::tmalign_stdin as tmalign;

fn lookup(tmx: &Path, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec![
        "tm",
        "lookup",
        "--tm",
        tmx.to_str().unwrap(),
        "--color",
        "never",
    ];
    args.extend_from_slice(extra);
    let out = tmalign(&args, None);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("tm.tmx");
    std::fs::write(&tmx, sample_tmx("")).unwrap();
    (dir, tmx)
}

fn idx(tmx: &Path) -> PathBuf {
    PathBuf::from(format!("{}.idx", tmx.display()))
}

#[test]
fn index_built_loaded_and_rebuilt_when_tmx_changes() {
    let (_dir, tmx) = setup();
    let (out, err, code) = lookup(&tmx, &["我们明天去上海。"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("index built (no index yet)"), "{err}");
    assert!(idx(&tmx).is_file());
    assert_eq!(
        std::fs::metadata(idx(&tmx)).unwrap().permissions(),
        std::fs::metadata(&tmx).unwrap().permissions(),
        "the index is as readable as the TMX"
    );
    assert!(out.contains("我们明天去[-北京-]{+上海+}。"), "{out}");
    assert!(out.contains("Завтра мы едем в Пекин."));
    let first = std::fs::read(idx(&tmx)).unwrap();

    // second run: loaded, nothing said, same answer
    let (out2, err2, _) = lookup(&tmx, &["我们明天去上海。"]);
    assert_eq!(err2, "");
    assert_eq!(out2, out);

    // touched, same content: reused, stamp refreshed
    let f = std::fs::File::options().append(true).open(&tmx).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(f);
    let (out3, err3, _) = lookup(&tmx, &["我们明天去上海。"]);
    assert!(err3.contains("stamp refreshed"), "{err3}");
    assert_eq!(out3, out);
    let (_, err4, _) = lookup(&tmx, &["我们明天去上海。"]);
    assert_eq!(err4, "", "refreshed stamp is trusted next time");

    // edited (same size even: one character of a target changed): rebuilt, new text found
    let edited = sample_tmx("").replace("Завтра мы едем в Пекин.", "Завтра мы едем в Пекин!");
    std::fs::write(&tmx, &edited).unwrap();
    let (out5, err5, _) = lookup(&tmx, &["我们明天去上海。"]);
    assert!(err5.contains("the TMX changed"), "{err5}");
    assert!(out5.contains("Завтра мы едем в Пекин!"), "{out5}");
    assert_ne!(std::fs::read(idx(&tmx)).unwrap(), first);

    // a new TU appears after a rebuild
    std::fs::write(
        &tmx,
        sample_tmx(&tu(6, "我们明天去上海。", "В Шанхай.", "")),
    )
    .unwrap();
    let (out6, _, _) = lookup(&tmx, &["我们明天去上海。"]);
    assert!(out6.starts_with(" 100%  我们明天去上海。"), "{out6}");
    assert!(out6.contains("В Шанхай."));
}

#[test]
fn damaged_index_is_rebuilt_not_trusted() {
    let (_dir, tmx) = setup();
    let (good, _, _) = lookup(&tmx, &["我们明天去北京。"]);
    let bytes = std::fs::read(idx(&tmx)).unwrap();
    let mut wrong_magic = bytes.clone();
    wrong_magic[0] = b'Z';
    let mut flipped = bytes.clone();
    let mid = bytes.len() / 2;
    flipped[mid] ^= 0xFF;
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("truncated header", bytes[..20].to_vec()),
        ("empty", Vec::new()),
        ("wrong magic", wrong_magic),
        (
            "garbage",
            (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("flipped byte", flipped),
    ];
    for (what, damaged) in damages {
        std::fs::write(idx(&tmx), &damaged).unwrap();
        let (out, err, code) = lookup(&tmx, &["我们明天去北京。"]);
        assert_eq!(code, 0, "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(err.contains("index built"), "{what}: {err}");
        assert_eq!(out, good, "{what}");
        assert_eq!(
            std::fs::read(idx(&tmx)).unwrap(),
            bytes,
            "{what}: rewritten"
        );
    }
}

#[test]
fn unwritable_index_falls_back_to_memory() {
    let (_dir, tmx) = setup();
    // A directory where the index file should go: it can be neither read nor replaced,
    // even by root (for whom a read-only folder is no obstacle).
    std::fs::create_dir(idx(&tmx)).unwrap();
    let (out, err, code) = lookup(&tmx, &["今天天气很好。"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("index not saved"), "{err}");
    assert!(out.contains("Сегодня хорошая погода."));
    assert!(idx(&tmx).is_dir());
}

#[test]
fn read_only_folder_falls_back_to_memory() {
    let (dir, tmx) = setup();
    let original = std::fs::metadata(dir.path()).unwrap().permissions();
    let mut perms = original.clone();
    perms.set_readonly(true);
    std::fs::set_permissions(dir.path(), perms).unwrap();
    if std::fs::write(dir.path().join("probe"), "x").is_ok() {
        eprintln!("note: running as a user that ignores folder permissions; skipping");
        std::fs::set_permissions(dir.path(), original).unwrap();
        return;
    }
    let (out, err, code) = lookup(&tmx, &["今天天气很好。"]);
    std::fs::set_permissions(dir.path(), original).unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("index not saved"), "{err}");
    assert!(out.contains("Сегодня хорошая погода."));
}

#[test]
fn context_gives_101() {
    let (_dir, tmx) = setup();
    // TU 4 follows TU 3 in the file: with that context it is 101, TU 2 stays 100
    let (out, _, _) = lookup(
        &tmx,
        &["--prev", "会议将于下午三点开始。", "我们明天去北京。"],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(" 101%  我们明天去北京。  (tu 4"),
        "{out}"
    );
    assert!(
        lines[2].starts_with(" 100%  我们明天去北京。  (tu 2"),
        "{out}"
    );
    // OmegaT-style prev prop on TU 5
    let (out, _, _) = lookup(&tmx, &["--prev", "外面很冷。", "请关上门。"]);
    assert!(out.starts_with(" 101%"), "{out}");
    let (out, _, _) = lookup(&tmx, &["--prev", "我们明天去北京。", "请关上门。"]);
    assert!(out.starts_with(" 100%"), "{out}");
    // stdin: the previous line is the context
    let t = tmx.to_str().unwrap();
    let o = tmalign(
        &["tm", "lookup", "--tm", t, "--json", "--top", "1"],
        Some("会议将于下午三点开始。\n我们明天去北京。\n我们明天去北京。\n"),
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let scores: Vec<u64> = lines
        .iter()
        .map(|v| v["matches"][0]["score"].as_u64().unwrap())
        .collect();
    assert_eq!(scores, [100, 101, 100]);
    assert_eq!(lines[1]["matches"][0]["id"], "4");
    assert_eq!(lines[1]["query"], "我们明天去北京。");
}

#[test]
fn json_colour_and_options() {
    let (_dir, tmx) = setup();
    let (out, _, _) = lookup(&tmx, &["--json", "会议将于下午四点开始！"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let m = &v["matches"][0];
    assert_eq!(m["target"], "Совещание начнётся в три часа дня.");
    assert_eq!(m["line"], 7);
    let score = m["score"].as_u64().unwrap();
    assert!((70..=97).contains(&score), "{score}");
    let kinds: Vec<&str> = m["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["same", "removed", "added", "same", "removed", "added"]
    );

    let (plain, _, _) = lookup(&tmx, &["会议将于下午四点开始！"]);
    assert!(
        plain.contains("会议将于下午[-三-]{+四+}点开始[-。-]{+！+}"),
        "{plain}"
    );
    assert!(!plain.contains('\x1b'));
    let t = tmx.to_str().unwrap();
    let o = tmalign(
        &[
            "tm",
            "lookup",
            "--tm",
            t,
            "--color",
            "always",
            "会议将于下午四点开始！",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("\x1b[31;9m三\x1b[0m"));

    // --min filters, --top limits
    let (out, _, _) = lookup(&tmx, &["--min", "100", "会议将于下午四点开始！"]);
    assert!(out.trim().is_empty() || out.contains("no match"), "{out}");
    let (out, _, _) = lookup(&tmx, &["--top", "1", "我们明天去北京。"]);
    assert_eq!(out.lines().count(), 2);
    // ru as source
    let (out, _, _) = lookup(&tmx, &["--src-lang", "ru", "Сегодня плохая погода."]);
    assert!(
        out.contains("Сегодня [-хорошая-] {+плохая+} погода."),
        "{out}"
    );
    assert!(out.contains("今天天气很好。"));
    // and back: the index was rebuilt for the other direction, then again
    let (out, err, _) = lookup(&tmx, &["--src-lang", "zh", "今天天气很好。"]);
    assert!(err.contains("another source language"), "{err}");
    assert!(out.starts_with(" 100%"));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.tmx");
    let (_, err, code) = lookup(&missing, &["x"]);
    assert_eq!(code, 2, "{err}");
    let broken = dir.path().join("broken.tmx");
    std::fs::write(&broken, "<tmx version=\"1.4\"><body><tu><tuv").unwrap();
    let (_, err, code) = lookup(&broken, &["x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.tmx"), "{err}");
    assert!(!idx(&broken).exists());
    let (_dir2, tmx) = setup();
    let (_, err, code) = lookup(&tmx, &["--src-lang", "xx", "a"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn lang_map_reads_private_tags_and_rebuilds_when_changed() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("private.tmx");
    let doc = sample_tmx("")
        .replace("zh-CN", "x-cn")
        .replace(
            "<tuv xml:lang=\"ru-RU\"><seg>Сегодня",
            "<tuv xml:lang=\"zh-TW\"><seg>今天天氣很好。</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>Сегодня",
        );
    std::fs::write(&tmx, doc).unwrap();
    // x-cn is no language tmalign knows: only the zh-TW variant counts as Chinese
    let (out, err, code) = lookup(&tmx, &["今天天气很好。"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 units"), "{err}");
    assert!(out.contains("今天天[-氣-]{+气+}很好。"), "{out}");
    // mapped: found; the zh-TW variant is ignored, not taken as the target
    let map = ["--lang-map", "x-cn=zh,zh-TW=none", "今天天气很好。"];
    let (out, err, code) = lookup(&tmx, &map);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(" 100%  今天天气很好。"), "{out}");
    assert!(out.contains("Сегодня хорошая погода."), "{out}");
    let (_, err, _) = lookup(&tmx, &map);
    assert_eq!(err, "", "same mapping: index reused");
    let (_, err, _) = lookup(&tmx, &["--lang-map", "x-cn=zh", "今天天气很好。"]);
    assert!(err.contains("another language mapping"), "{err}");
}
