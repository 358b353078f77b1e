//! Issue #12, language flags that contradict the text are refused (exit 2) instead of
//! writing Chinese under `xml:lang="ru-RU"`: `align a.zh b.ru --src-lang ru --tgt-lang zh`,
//! `--tgt-lang en` on Russian, `segment --lang ru` on Chinese. Flags that agree, and a
//! Russian text quoting English, are accepted.

mod common;

use common::{outputs, tmalign};

const ZH: &str = "国家主席习近平同俄罗斯总统普京举行会谈。双方讨论了经济和贸易领域的合作。\n";
const RU: &str = "Председатель КНР Си Цзиньпин провёл переговоры с президентом России Путиным. Стороны обсудили сотрудничество в экономике и торговле (Trade and Economic Cooperation).\n";

#[test]
fn contradicting_language_flags_are_refused() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.zh.txt"), ZH).unwrap();
    std::fs::write(d.path().join("a.ru.txt"), RU).unwrap();
    let align = |extra: &[&str]| {
        let mut args = vec!["align", "a.zh.txt", "a.ru.txt", "-o", "out", "--no-seed"];
        args.extend_from_slice(extra);
        tmalign(&args, d.path())
    };
    for (extra, flag) in [
        (
            &["--src-lang", "ru", "--tgt-lang", "zh"][..],
            "--src-lang ru",
        ),
        (&["--tgt-lang", "en"][..], "--tgt-lang en"),
        (&["--src-lang", "en"][..], "--src-lang en"),
    ] {
        let o = align(extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", outputs(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("{flag} contradicts the text")),
            "{err}"
        );
        assert!(!d.path().join("out").exists(), "{extra:?} wrote output");
    }
    let o = align(&["--src-lang", "zh", "--tgt-lang", "ru"]);
    assert!(o.status.success(), "{}", outputs(&o));
    let tmx = std::fs::read_to_string(d.path().join("out/a.tmx")).unwrap();
    assert!(
        tmx.contains(r#"<tuv xml:lang="ru-RU"><seg>Председатель"#),
        "{tmx}"
    );

    let o = tmalign(&["segment", "a.zh.txt", "--lang", "ru"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--lang ru contradicts"));
    let o = tmalign(&["segment", "a.ru.txt", "--lang", "ru"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
}
