//! Issue #12, the review round trip and other tools' TMX: what the rewrite cannot keep (a
//! third language, variant notes and props, inline markup, units missing a side) makes
//! `tm import-csv --in-place` refuse, saying what, and `-o` warn; the original is untouched.
//! Unit notes and props are kept.

mod common;

use common::{outputs, tmalign};

const RICH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" creationtool="other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"><note>header note</note></header><body>
<tu tuid="1"><note>unit note</note><prop type="x-domain">news</prop>
<tuv xml:lang="zh-CN"><seg>你好<bpt i="1">&lt;b&gt;</bpt>世界<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="ru-RU"><note>variant note</note><seg>Привет, мир</seg></tuv>
<tuv xml:lang="en-US"><seg>Hello world</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg>只有中文</seg></tuv></tu>
</body></tmx>
"#;

#[test]
fn in_place_refuses_to_lose_content_and_says_what() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rich.tmx"), RICH).unwrap();
    let o = tmalign(&["tm", "export-csv", "rich.tmx", "-o", "r.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    // imports the review into rich.tmx's units, written as `to` says
    let import = |to: &[&str]| {
        tmalign(
            &[&["tm", "import-csv", "r.csv", "--tm", "rich.tmx"][..], to].concat(),
            d.path(),
        )
    };
    let o = import(&["--in-place"]);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for what in [
        "refusing --in-place",
        "1 unit(s) lacking the source or the target",
        "1 variant(s) in other languages",
        "1 variant-level prop(s) and note(s)",
        "1 variant(s) with inline markup",
        "1 header note(s)", // (header props are kept by the rewrite)
    ] {
        assert!(err.contains(what), "{what}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(d.path().join("rich.tmx")).unwrap(),
        RICH
    );
    // to another file: written, with a warning; unit note and prop kept
    let o = import(&["-o", "new.tmx"]);
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: new.tmx will not have"));
    let new = std::fs::read_to_string(d.path().join("new.tmx")).unwrap();
    assert!(
        new.contains("<note>unit note</note>") && new.contains("x-domain"),
        "{new}"
    );
}

#[test]
fn merge_keeps_what_it_does_not_change() {
    // (the whole check, with a TMX reader, OmegaT and more, is tests/merge_content.rs)
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rich.tmx"), RICH).unwrap();
    let o = tmalign(&["tm", "merge", "rich.tmx", "-o", "m.tmx"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("will not have"), "{err}");
    // the input is untouched, and what the merge does not change is kept
    assert_eq!(
        std::fs::read_to_string(d.path().join("rich.tmx")).unwrap(),
        RICH
    );
    let merged = std::fs::read_to_string(d.path().join("m.tmx")).unwrap();
    for kept in [
        "<note>unit note</note>",
        "x-domain",
        "<note>variant note</note>",
        "<bpt i=\"1\">&lt;b&gt;</bpt>世界<ept i=\"1\">&lt;/b&gt;</ept>",
        "<seg>Hello world</seg>",
        "<seg>只有中文</seg>",
        "<note>header note</note>",
    ] {
        assert!(merged.contains(kept), "{kept}: {merged}");
    }
    // `-o` over the input itself is refused, not a lossy rewrite
    let o = tmalign(&["tm", "merge", "rich.tmx", "-o", "rich.tmx"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert_eq!(
        std::fs::read_to_string(d.path().join("rich.tmx")).unwrap(),
        RICH
    );
}
