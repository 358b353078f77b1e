//! `tmalign ingest` on real files: the four shared seeds and the small fixtures in
//! `tests/data/ingest/`, through the real binary.

mod common;

use common::{data, exec, shared};
use std::path::{Path, PathBuf};

fn seed(name: &str) -> Option<PathBuf> {
    Some(shared()?.join("seeds").join(name))
}

fn fixture(name: &str) -> PathBuf {
    data("ingest").join(name)
}

/// Runs `tmalign ingest ARGS`; returns (exit code, stdout, stderr).
fn ingest(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    exec(std::iter::once("ingest".as_ref()).chain(args.iter().copied()))
}

/// Paragraphs printed for `path` (must succeed).
fn paragraphs(path: &Path) -> Vec<String> {
    let (code, out, err) = ingest(&[path.as_os_str()]);
    assert_eq!(code, 0, "{}: {err}", path.display());
    assert!(out.ends_with('\n'));
    out.trim_end_matches('\n')
        .split("\n\n")
        .map(str::to_string)
        .collect()
}

/// The `--json` output for `path`.
fn json(path: &Path) -> serde_json::Value {
    let (code, out, err) = ingest(&[path.as_os_str(), "--json".as_ref()]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn no_markup(paras: &[String]) {
    for p in paras {
        assert!(!p.is_empty());
        assert_eq!(p.trim(), p, "untrimmed: {p:?}");
        for bad in [
            "<p", "</", "&#", "&nbsp;", "&amp;", "<img", "<!--", "\u{3000}", "  ", "\n",
        ] {
            assert!(!p.contains(bad), "{bad:?} left in {p:?}");
        }
    }
}

#[test]
fn cctv_seed() {
    let Some(path) = seed("news-cctv-2022-02-04.md") else {
        return;
    };
    let p = paragraphs(&path);
    no_markup(&p);
    assert_eq!(p[0], "习近平同俄罗斯总统普京会谈：稳步推进油气合作大项目");
    assert!(p[1].starts_with("国家主席习近平2月4日下午在北京钓鱼台国宾馆"));
    assert_eq!(
        p.last().map(String::as_str),
        Some("丁薛祥、杨洁篪、王毅、何立峰等参加会谈。")
    );
    // Title + 11 `<p>` paragraphs (the source line went to metadata).
    assert_eq!(p.len(), 12, "{p:#?}");
    let all = p.join("\n");
    for gone in [
        "2022-02-04",
        "17:56",
        "layout",
        "yangshixinwenkehuduan",
        "http",
        "返回首页",
        "文章来源",
    ] {
        assert!(!all.contains(gone), "{gone} left in the text");
    }
    let j = json(&path);
    assert_eq!(j["format"], "markdown");
    assert_eq!(j["encoding"], "UTF-8");
    assert_eq!(j["metadata"]["date"], "2022-02-04 17:56:23 +0800");
    assert_eq!(
        j["metadata"]["categories"],
        serde_json::json!(["yangshixinwenkehuduan", "央视新闻客户端新闻"])
    );
    assert_eq!(j["metadata"]["extra"]["source"], "央视新闻客户端");
    assert_eq!(j["paragraphs"].as_array().map(Vec::len), Some(12));
}

#[test]
fn sina_seed() {
    let Some(path) = seed("news-sina-2021-12-16.md") else {
        return;
    };
    let p = paragraphs(&path);
    no_markup(&p);
    assert_eq!(p[0], "中俄元首年内再度视频会晤 传递这些重要信息");
    assert!(p[1].starts_with("国家主席习近平12月15日下午在北京同俄罗斯总统普京举行视频会晤。"));
    // `<font>` wrappers vanish without spaces; the sub-headings are paragraphs of their own.
    assert!(p.contains(&"元首外交把舵领航".to_string()));
    assert!(p.contains(&"捍卫正当民主权利".to_string()));
    let all = p.join("\n");
    for gone in [
        "sinaimg",
        "img_wrapper",
        "appendQr",
        "{",
        "}",
        "border:1px",
        "正文下iframe",
        "总声明",
        "出品人",
        "责任编辑",
        "SF014",
        "Thu, 16 Dec",
    ] {
        assert!(!all.contains(gone), "{gone} left in the text");
    }
    assert!(all.contains("在两国元首战略引领下，中俄新时代全面战略协作伙伴关系正不断向前迈进"));
    // Title + 39 text `<p>`s (of 46: 7 staff credits dropped) + the app promo line.
    assert_eq!(p.len(), 41, "{p:#?}");
    let j = json(&path);
    assert_eq!(
        j["metadata"]["title"],
        "中俄元首年内再度视频会晤 传递这些重要信息"
    );
    assert_eq!(j["metadata"]["date"], "Thu, 16 Dec 2021 06:21:53 GMT");
    assert_eq!(
        j["metadata"]["categories"],
        serde_json::json!(["金融", "新浪财经", "新浪财经－国內"])
    );
}

#[test]
fn speech_db_seed() {
    let Some(path) = seed("speech-db-2013-03-23.txt") else {
        return;
    };
    let p = paragraphs(&path);
    no_markup(&p);
    let all = p.join("\n");
    // The article is printed twice in the file: every paragraph is kept once.
    let opening = "国家主席习近平22日在莫斯科克里姆林宫同俄罗斯总统普京举行会谈。";
    assert_eq!(p.iter().filter(|x| x.starts_with(opening)).count(), 1);
    assert_eq!(
        all.matches("当天，习近平还向俄罗斯无名烈士墓敬献花圈。")
            .count(),
        1
    );
    // Database name, headline, caption, 16 article paragraphs; the second copy adds nothing.
    assert_eq!(p.len(), 19, "{p:#?}");
    // Full-width digits → ASCII; Chinese punctuation stays.
    assert!(all.contains("提前实现2015年双边贸易额1000亿美元的目标。"));
    assert!(all.contains("（新华社莫斯科3月22日电 记者钱彤 宋宗利 吴黎明）"));
    assert!(!all.contains(|c: char| ('\u{FF10}'..='\u{FF5A}').contains(&c) && c.is_alphanumeric()));
    // Keyword list and date stamp are metadata; the photo credit is cut from the caption.
    assert!(!all.contains("关键词") && !all.contains("发布时间") && !all.contains("2013-03-23"));
    assert!(p.contains(
        &"3月22日，国家主席习近平在莫斯科克里姆林宫与俄罗斯总统普京举行会谈。".to_string()
    ));
    assert!(!all.contains("黄敬文 摄"));
    let j = json(&path);
    assert_eq!(j["format"], "plaintext");
    assert_eq!(j["metadata"]["date"], "2013-03-23");
    assert!(j["metadata"]["extra"]["keywords"]
        .as_str()
        .unwrap_or("")
        .starts_with("合作, 习近平, 双方"));
}

#[test]
fn newspaper_seed() {
    let Some(path) = seed("newspaper-2023-03-22.txt") else {
        return;
    };
    let p = paragraphs(&path);
    no_markup(&p);
    // Headlines stay apart (they are not broken sentences).
    assert_eq!(p[0], "习近平同俄罗斯总统普京会谈");
    assert_eq!(p[1], "达成许多新的重要共识,共同签署两份联合声明");
    // Sentences broken across paragraphs by OCR are joined without a space.
    assert!(p
        .iter()
        .any(|x| x.starts_with("习近平指出,当前,百年变局加速演进,国际力量对比深刻演变。")));
    assert!(p
        .iter()
        .any(|x| x.contains("在新冠疫情等复杂外部环境下,俄中双边贸易实现逆势增长。")));
    assert!(p
        .iter()
        .any(|x| x.starts_with("五、双方重申致力于坚定维护以联合国为核心的国际体系")));
    assert!(!p
        .iter()
        .any(|x| x.ends_with("百年变") || x.starts_with("局加速") || x.starts_with("定维护")));
    // Numbered items and bylines are not glued to their neighbours.
    assert!(p.iter().any(|x| x.starts_with("六、双方将继续密切协作")));
    assert!(p.contains(&"倪四义 范伟国".to_string()));
    assert!(!p.contains(&"新华社发".to_string()));
    // 40 non-blank lines, 3 OCR joins, `新华社发` dropped.
    assert_eq!(p.len(), 36, "{p:#?}");
}

#[test]
fn russian_hard_wrapped_text() {
    let p = paragraphs(&fixture("ru-wrapped.txt"));
    assert_eq!(
        p,
        [
            "Переговоры в Кремле",
            "Лидеры двух стран обсудили торговлю, энергетику и транспорт. Стороны договорились \
             расширять сотрудничество в области науки и образования.",
            "Во второй половине дня состоялась встреча с представителями деловых кругов.",
        ]
    );
}

#[test]
fn html_page() {
    let path = fixture("page.html");
    let p = paragraphs(&path);
    assert_eq!(
        p,
        [
            "Встреча в Пекине",
            "Председатель КНР провёл переговоры с президентом России — стороны подписали \
             «совместное заявление».",
            "Первая строка",
            "вторая строка",
            "третья {строка}",
            "пункт один",
            "пункт & два",
            "Ячейка вторая",
            "中文段落，ABC123。",
        ]
    );
    let j = json(&path);
    assert_eq!(j["format"], "html");
    assert_eq!(j["metadata"]["title"], "Встреча в Пекине");
}

#[test]
fn markdown_post() {
    let path = fixture("post.md");
    let p = paragraphs(&path);
    assert_eq!(
        p,
        [
            "Заголовок \"в кавычках\"",
            "Раздел первый",
            "Первый абзац, перенесённый на вторую строку.",
            "Абзац в HTML внутри Markdown.",
            "элемент списка",
            "ссылка в тексте",
        ]
    );
    let j = json(&path);
    assert_eq!(j["metadata"]["date"], "2023-03-22");
    assert_eq!(
        j["metadata"]["categories"],
        serde_json::json!(["Россия", "Китай", "переговоры", "новости", "политика"])
    );
    assert_eq!(j["metadata"]["extra"]["author"], "Редакция");
}

#[test]
fn format_is_recognised_by_content_not_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("page.txt");
    std::fs::copy(fixture("page.html"), &fake).expect("copy");
    assert_eq!(json(&fake)["format"], "html");
    let md = dir.path().join("post.dat");
    std::fs::copy(fixture("post.md"), &md).expect("copy");
    assert_eq!(json(&md)["format"], "markdown");
}

/// Clean parallel text (the NTREX eval documents: one paragraph per blank-line block, some
/// without a final `。`, a few Russian ones starting in lowercase after a comma, repeated
/// headings in the split streams) must come out with exactly its paragraphs: no OCR joins,
/// no boilerplate or duplicate drops.
#[test]
fn clean_eval_texts_keep_their_paragraphs() {
    let Some(shared) = shared() else { return };
    let mut checked = 0;
    for set in ["ntrex-zhru", "ntrex-zhen"] {
        for sub in ["raw", "mixed"] {
            let dir = shared.join("eval").join(set).join(sub);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let blocks = text.split("\n\n").filter(|b| !b.trim().is_empty()).count();
                assert_eq!(paragraphs(&path).len(), blocks, "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "only {checked} eval files found");
}

/// A `<title>` that differs from the body's own `<h1>` (a file property such as `Document1`)
/// is metadata, not a stray first paragraph (#14); without a heading it still opens the text.
#[test]
fn html_title_is_metadata_when_the_body_has_a_heading() {
    let d = tempfile::tempdir().unwrap();
    let page = d.path().join("p.html");
    std::fs::write(
        &page,
        "<html><head><title>Document1</title></head><body><h1>Переговоры в Москве</h1><p>Стороны обсудили сотрудничество.</p></body></html>",
    )
    .unwrap();
    assert_eq!(
        paragraphs(&page),
        ["Переговоры в Москве", "Стороны обсудили сотрудничество."]
    );
    let j = json(&page);
    assert_eq!(j["metadata"]["title"], "Document1");
    assert_eq!(j["metadata"]["title_only"], true);
    let bare = d.path().join("b.html");
    std::fs::write(
        &bare,
        "<html><head><title>Переговоры</title></head><body><p>Стороны обсудили сотрудничество.</p></body></html>",
    )
    .unwrap();
    assert_eq!(
        paragraphs(&bare),
        ["Переговоры", "Стороны обсудили сотрудничество."]
    );
}
