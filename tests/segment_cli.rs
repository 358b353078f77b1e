//! `tmalign segment` end to end: the real binary on real files.

mod common;

use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    common::data("segment").join(name)
}

/// Runs `tmalign segment ARGS`; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    common::exec(std::iter::once(&"segment").chain(args))
}

#[test]
fn russian_builtin_rules() {
    let file = data("input-ru.txt");
    let (code, out, err) = run(&[file.to_str().unwrap(), "--lang", "ru"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "Министр иностранных дел С. В. Лавров прибыл в Пекин.\n\
         Переговоры начнутся завтра.\n\
         \n\
         По его словам, стороны обсудят торговлю, т. е. расчёты в национальных валютах.\n\
         \n\
         «Мы готовы!» — сказал он.\n\
         Встреча прошла в МГУ им. М. В. Ломоносова.\n"
    );
}

#[test]
fn chinese_builtin_rules() {
    let file = data("input-zh.txt");
    let (code, out, err) = run(&[file.to_str().unwrap(), "--lang", "zh"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "中俄两国元首今天举行会谈。\n双方签署了联合声明！\n\
         这部纪录片名为《我们的友谊！永远年轻。》，将于下月播出。\n\n\
         该项目总投资约3.5亿元。\n“我们准备好了。”\n他说。\n"
    );
}

#[test]
fn srx_rules_file() {
    let file = data("input-ru.txt");
    let srx = data("news.srx");
    let (code, out, err) = run(&[
        file.to_str().unwrap(),
        "--lang",
        "ru",
        "--rules",
        srx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "Министр иностранных дел С. В. Лавров прибыл в Пекин.",
            "Переговоры начнутся завтра.",
            // ingest reads a block whose lines all end a sentence as one paragraph a line
            "",
            "По его словам, стороны обсудят торговлю, т. е. расчёты в национальных валютах.",
            "",
            "«Мы готовы!» — сказал он.",
            "Встреча прошла в МГУ им. М. В. Ломоносова.",
        ]
    );
    let zh = data("input-zh.txt");
    let (code, out, err) = run(&[
        zh.to_str().unwrap(),
        "--lang",
        "zh",
        "--rules",
        srx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    // The small SRX file knows nothing about book titles: it breaks inside 《》.
    assert!(
        out.starts_with(
            "中俄两国元首今天举行会谈。\n双方签署了联合声明！\n这部纪录片名为《我们的友谊！\n"
        ),
        "{out}"
    );
}

#[test]
fn bad_inputs_exit_2() {
    let (code, _, err) = run(&["/nonexistent/file.txt", "--lang", "ru"]);
    assert_eq!(code, 2, "{err}");
    let file = data("input-ru.txt");
    let (code, _, err) = run(&[file.to_str().unwrap(), "--lang", "xx"]);
    assert_eq!(code, 2, "{err}");
    let not_srx = data("input-zh.txt");
    let (code, _, err) = run(&[
        file.to_str().unwrap(),
        "--lang",
        "ru",
        "--rules",
        not_srx.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("SRX"), "{err}");
}
