//! `tmalign split` and `tmalign detect` through the real binary, on the bilingual documents of
//! the eval sets and on bad input.

mod common;

use common::{bin, shared};
use std::path::{Path, PathBuf};
use std::process::Output;

fn tmalign(args: &[&std::ffi::OsStr]) -> Output {
    bin().args(args).output().expect("run tmalign")
}

/// Paragraphs of a file, whitespace collapsed.
fn paragraphs(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split("\n\n")
        // Zero-width spaces count as whitespace here: ingest drops them, the expected files
        // keep them.
        .map(|p| {
            p.split(|c: char| c.is_whitespace() || c == '\u{200b}')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits every mixed document of `set` with `languages` and compares with the expected
/// streams (`zh` and `other`, or `zh` alone when the other language is not configured);
/// returns the number of documents and the failures.
fn check_set(
    shared: &Path,
    set: &str,
    other: Option<&str>,
    languages: &str,
) -> (usize, Vec<String>) {
    let dir = shared.join("eval").join(set).join("mixed");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("mixed dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.len() == 7 && n.ends_with(".txt"))
        })
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no documents in {}", dir.display());
    let mut failures = Vec::new();
    for doc in &docs {
        let stem = doc.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let out = tempfile::tempdir().expect("tempdir");
        let o = tmalign(&[
            "split".as_ref(),
            doc.as_os_str(),
            "-o".as_ref(),
            out.path().as_os_str(),
            "--languages".as_ref(),
            languages.as_ref(),
        ]);
        if !o.status.success() {
            failures.push(format!(
                "{stem} [{languages}]: exit {:?}: {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        let mut produced: Vec<String> = std::fs::read_dir(out.path())
            .expect("out dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        produced.sort();
        let expected: Vec<&str> = std::iter::once("zh").chain(other).collect();
        let mut wanted: Vec<String> = expected.iter().map(|l| format!("{stem}.{l}.txt")).collect();
        wanted.sort();
        if produced != wanted {
            failures.push(format!("{stem} [{languages}]: produced {produced:?}"));
            continue;
        }
        for lang in expected {
            let got = paragraphs(&out.path().join(format!("{stem}.{lang}.txt")));
            let want = paragraphs(&dir.join(format!("{stem}.{lang}.txt")));
            if got != want {
                let k = got
                    .iter()
                    .zip(&want)
                    .position(|(g, w)| g != w)
                    .unwrap_or(got.len().min(want.len()));
                failures.push(format!(
                    "{stem}.{lang} [{languages}]: {} vs {} paragraphs; first difference at {k}:\n  got  {:?}\n  want {:?}",
                    got.len(),
                    want.len(),
                    got.get(k),
                    want.get(k)
                ));
            }
        }
    }
    (docs.len(), failures)
}

#[test]
fn every_mixed_document_splits_into_its_streams() {
    let Some(shared) = shared() else { return };
    let mut all = Vec::new();
    let mut total = 0;
    for (set, other, langs) in [
        ("ntrex-zhru", Some("ru"), "zh,ru"),
        ("ntrex-zhru", Some("ru"), "zh,ru,en"),
        ("ntrex-zhen", Some("en"), "zh,en"),
        ("ntrex-zhen", Some("en"), "zh,ru,en"),
        // English not configured: the English halves and paragraphs go nowhere, and the
        // Chinese stream must still come out clean.
        ("ntrex-zhen", None, "zh,ru"),
    ] {
        let (n, failures) = check_set(&shared, set, other, langs);
        total += n;
        all.extend(failures);
    }
    assert!(
        all.is_empty(),
        "{} of {total} splits failed:\n{}",
        all.len(),
        all.join("\n")
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write input");
    p
}

/// Bad input: exit 2, the message names the file, nothing is written.
fn assert_rejected(input: &Path, languages: &str) {
    let out = input.parent().expect("parent").join("out");
    let o = tmalign(&[
        "split".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--languages".as_ref(),
        languages.as_ref(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}: {err}", input.display());
    assert!(
        err.contains(&*input.file_name().expect("name").to_string_lossy()),
        "{err}"
    );
    assert!(!out.exists(), "output written for {}", input.display());
    let o = tmalign(&[
        "detect".as_ref(),
        input.as_os_str(),
        "--languages".as_ref(),
        languages.as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn text_in_no_configured_language_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let digits = write(dir.path(), "digits.txt", "2024 — 12.5%\n\n(1) [2] …\n");
    assert_rejected(&digits, "zh,ru,en");
    let english = write(
        dir.path(),
        "english.txt",
        "Welsh AMs worried about looking like muppets.\n\nThe end.\n",
    );
    assert_rejected(&english, "zh,ru");
    let chinese = write(dir.path(), "chinese.txt", "只有中文。\n");
    assert_rejected(&chinese, "ru,en");
}

#[test]
fn split_writes_one_file_per_language_ending_with_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "doc.md.txt",
        "习近平主席同俄罗斯总统普京视频会晤 ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ В. В. ПУТИНА\n\n\
         苹果发布了 iPhone 15。\n\n42\n\nApple выпустила iPhone 15.\n",
    );
    let out = dir.path().join("a/b");
    let o = tmalign(&[
        "split".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let zh = std::fs::read_to_string(out.join("doc.md.zh.txt")).expect("zh file");
    let ru = std::fs::read_to_string(out.join("doc.md.ru.txt")).expect("ru file");
    assert_eq!(
        zh,
        "习近平主席同俄罗斯总统普京视频会晤\n\n苹果发布了 iPhone 15。\n"
    );
    assert_eq!(
        ru,
        "ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ В. В. ПУТИНА\n\nApple выпустила iPhone 15.\n"
    );
    assert!(!out.join("doc.md.en.txt").exists());
}

#[test]
fn detect_prints_json_lines_with_offsets_into_the_cleaned_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(
        dir.path(),
        "head.txt",
        "威尔士国民议会议员(AM)担心“看起来像笨蛋” Welsh AMs worried about 'looking like muppets'\n\n\
         正文   第一段。\n",
    );
    let o = tmalign(&["detect".as_ref(), input.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The cleaned text: ingested paragraphs joined with a blank line.
    let cleaned = "威尔士国民议会议员(AM)担心“看起来像笨蛋” Welsh AMs worried about 'looking like muppets'\n\n正文 第一段。";
    let stdout = String::from_utf8(o.stdout).expect("utf-8");
    let spans: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let langs: Vec<&str> = spans
        .iter()
        .map(|s| s["lang"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(langs, ["zh", "en", "zh"]);
    for s in &spans {
        let (a, b) = (
            s["start"].as_u64().expect("start") as usize,
            s["end"].as_u64().expect("end") as usize,
        );
        assert_eq!(Some(&cleaned[a..b]), s["text"].as_str());
    }
    assert_eq!(spans[0]["text"], "威尔士国民议会议员(AM)担心“看起来像笨蛋”");
}

/// `tmalign split` of `text` (as file `name`) with zh,ru,en: (zh stream, ru stream), the
/// paragraphs of each output file.
fn split_streams(name: &str, text: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), name, text);
    let out = dir.path().join("out");
    let o = tmalign(&[
        "split".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stem = Path::new(name).file_stem().expect("stem").to_string_lossy();
    let read = |lang: &str| paragraphs(&out.join(format!("{stem}.{lang}.txt")));
    (read("zh"), read("ru"))
}

// Issue #12: a one-paragraph bilingual text alternating sentences gives every Chinese
// sentence to the Chinese stream (it used to give all but the first to Russian).
#[test]
fn one_paragraph_bilingual_text_keeps_alternating_sentences_apart() {
    let (zh, ru) = split_streams(
        "one.txt",
        "习近平主席同俄罗斯总统普京视频会晤。双方讨论了合作问题。 ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ. Стороны обсудили сотрудничество. 会谈在友好气氛中进行。 Переговоры прошли в дружеской атмосфере.\n",
    );
    assert_eq!(
        zh,
        ["习近平主席同俄罗斯总统普京视频会晤。双方讨论了合作问题。会谈在友好气氛中进行。"]
    );
    assert_eq!(
        ru,
        ["ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ. Стороны обсудили сотрудничество. Переговоры прошли в дружеской атмосфере."]
    );
}

// Issue #12: a Chinese headline without final punctuation, then a Russian line starting with
// a number: the line break between the scripts ends the paragraph, `76-я` stays Russian.
#[test]
fn headline_above_a_line_starting_with_a_number_stays_chinese() {
    let (zh, ru) = split_streams(
        "head.txt",
        "中俄建交76周年纪念活动在京举行\n76-я годовщина установления дипломатических отношений отмечена в Пекине\n\n正文第一段。\n\nПервый абзац.\n",
    );
    assert_eq!(zh, ["中俄建交76周年纪念活动在京举行", "正文第一段。"]);
    assert_eq!(
        ru,
        [
            "76-я годовщина установления дипломатических отношений отмечена в Пекине",
            "Первый абзац."
        ]
    );
    // The same on one line, written together.
    let (zh, ru) = split_streams(
        "glued.txt",
        "中俄建交76周年纪念活动在京举行76-я годовщина установления отношений\n",
    );
    assert_eq!(zh, ["中俄建交76周年纪念活动在京举行"]);
    assert_eq!(ru, ["76-я годовщина установления отношений"]);
}

// Issue #12: numbers go with the text they are written with: `15 июня` is Russian, `15日`
// Chinese, whichever side they touch.
#[test]
fn numbers_stay_with_their_units() {
    let (zh, ru) = split_streams(
        "dates.txt",
        "论坛于6月15日开幕15 июня открылся форум в Пекине.\n\nФорум закрылся 17 июня 2025. 17日论坛闭幕。\n",
    );
    assert_eq!(zh, ["论坛于6月15日开幕", "17日论坛闭幕。"]);
    assert_eq!(
        ru,
        [
            "15 июня открылся форум в Пекине.",
            "Форум закрылся 17 июня 2025."
        ]
    );
}

// Issue #12: a separator between the two languages belongs to neither.
#[test]
fn separators_between_the_languages_belong_to_neither() {
    let (zh, ru) = split_streams(
        "sep.txt",
        "新闻稿 / ПРЕСС-РЕЛИЗ\n\n中俄关系 — Российско-китайские отношения\n\n北京|Пекин\n",
    );
    assert_eq!(zh, ["新闻稿", "中俄关系", "北京"]);
    assert_eq!(
        ru,
        ["ПРЕСС-РЕЛИЗ", "Российско-китайские отношения", "Пекин"]
    );
}

// Issue #12: runs never cross a paragraph break, nor a line break where the language
// changes: a Latin word at the end of a Chinese line stays Chinese.
#[test]
fn runs_never_cross_a_paragraph_break() {
    let (zh, ru) = split_streams(
        "latin.txt",
        "北京 Beijing\nМосква Moscow\n\n苹果公司发布了 iPhone\n\nи другие продукты компании Apple.\n",
    );
    assert_eq!(zh, ["北京 Beijing", "苹果公司发布了 iPhone"]);
    assert_eq!(ru, ["Москва Moscow", "и другие продукты компании Apple."]);
}
