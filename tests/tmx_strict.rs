//! Issue #12, TMX reader: what XML forbids is refused instead of read silently (a second root
//! element after `</tmx>`, a second `<seg>` in one `<tuv>`, a literal `<` in an attribute
//! value), and the usual DOCTYPE spellings without an internal subset are accepted. The real
//! binary (`tm stats`) on generated files.

mod common;

use common::{outputs, tmalign};

const UNIT: &str = r#"<tu><tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv xml:lang="ru-RU"><seg>Привет</seg></tuv></tu>"#;

fn stats(d: &std::path::Path, name: &str, xml: &str) -> std::process::Output {
    std::fs::write(d.join(name), xml).unwrap();
    tmalign(&["tm", "stats", name], d)
}

#[test]
fn what_xml_forbids_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let body = format!(r#"<tmx version="1.4"><header srclang="zh-CN"/><body>{UNIT}</body></tmx>"#);
    for (name, xml, says) in [
        (
            "two.tmx",
            format!("{body}\n<tmx><body/></tmx>"),
            "a second root element <tmx>",
        ),
        (
            "seg.tmx",
            body.replace("<seg>你好</seg>", "<seg>你好</seg><seg>再见</seg>"),
            "a second <seg>",
        ),
        (
            "attr.tmx",
            body.replace(r#"srclang="zh-CN""#, r#"srclang="zh-CN" o-tmf="a<b""#),
            "`<` in the value of attribute o-tmf",
        ),
    ] {
        let o = stats(d.path(), name, &xml);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", outputs(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{name}: {}",
            outputs(&o)
        );
    }
    // `&lt;` in an attribute is fine
    let o = stats(
        d.path(),
        "ok.tmx",
        &body.replace(r#"srclang="zh-CN""#, r#"srclang="zh-CN" o-tmf="a&lt;b""#),
    );
    assert!(o.status.success(), "{}", outputs(&o));
}

#[test]
fn doctype_spellings_without_a_subset_are_accepted() {
    let d = tempfile::tempdir().unwrap();
    let body = format!(r#"<tmx version="1.4"><header srclang="zh-CN"/><body>{UNIT}</body></tmx>"#);
    for (k, doctype) in [
        r#"<!DOCTYPE tmx SYSTEM "tmx14.dtd">"#,
        r#"<!DOCTYPE tmx SYSTEM 'tmx14.dtd' >"#,
        "<!DOCTYPE\ntmx\nSYSTEM\n\"tmx14.dtd\">",
        r#"<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN" "tmx14.dtd">"#,
    ]
    .iter()
    .enumerate()
    {
        let xml = format!("<?xml version=\"1.0\"?>\n{doctype}\n{body}\n");
        let o = stats(d.path(), &format!("d{k}.tmx"), &xml);
        assert!(o.status.success(), "{doctype}: {}", outputs(&o));
    }
}
