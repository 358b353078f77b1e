//! Issue #12, error messages never echo huge input: a quoted piece of input is cut to about
//! 200 characters and a whole message to about 1000, whatever the input (a megabyte CSV
//! header, SRX pattern, bead line or language list). The real binary on generated inputs.

mod common;

use common::{tmalign, write_tmx};

fn check(args: &[&str], dir: &std::path::Path) {
    let o = tmalign(args, dir);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: {}",
        &err[..err.len().min(2000)]
    );
    assert!(
        err.chars().count() < 1200,
        "{args:?}: {} characters of error:\n{}",
        err.chars().count(),
        &err[..err.len().min(2000)]
    );
    assert!(
        err.contains("more characters") || err.contains("characters cut"),
        "{args:?}: {err}"
    );
}

#[test]
fn huge_input_is_not_echoed_in_error_messages() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let huge = "Ж".repeat(1_000_000);
    write_tmx(&p.join("tm.tmx"), &[("你好。", "Привет.")]);
    // a review CSV whose header row is a megabyte
    std::fs::write(p.join("r.csv"), format!("{huge}\n1,2\n")).unwrap();
    check(
        &[
            "tm",
            "import-csv",
            "r.csv",
            "--tm",
            "tm.tmx",
            "-o",
            "out.tmx",
        ],
        p,
    );
    // a review CSV with a megabyte status cell
    std::fs::write(
        p.join("s.csv"),
        format!("id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment\n1,,,你好。,Привет.,,,,{huge},\n"),
    )
    .unwrap();
    check(
        &[
            "tm",
            "import-csv",
            "s.csv",
            "--tm",
            "tm.tmx",
            "-o",
            "out.tmx",
        ],
        p,
    );
    // an SRX file with a megabyte rule expression that does not compile
    let srx = format!(
        r#"<?xml version="1.0"?>
<srx version="2.0" xmlns="http://www.lisa.org/srx20"><header segmentsubflows="yes" cascade="yes"/><body>
<languagerules><languagerule languagerulename="zh"><rule break="yes"><beforebreak>({huge}</beforebreak><afterbreak></afterbreak></rule></languagerule></languagerules>
<maprules><languagemap languagepattern=".*" languagerulename="zh"/></maprules></body></srx>"#
    );
    std::fs::write(p.join("rules.srx"), srx).unwrap();
    std::fs::write(p.join("a.txt"), "你好。谢谢。\n").unwrap();
    check(
        &["segment", "a.txt", "--lang", "zh", "--rules", "rules.srx"],
        p,
    );
    // a bead file with a megabyte bad line
    std::fs::create_dir_all(p.join("gold")).unwrap();
    std::fs::create_dir_all(p.join("pred")).unwrap();
    std::fs::write(p.join("gold/a.gold"), format!("{huge}\n")).unwrap();
    std::fs::write(p.join("pred/a.beads"), "0:0\n").unwrap();
    check(&["eval", "gold", "pred"], p);
    // a megabyte language list on the command line
    let langs = format!("zh,{}", "x".repeat(100_000));
    check(&["split", "a.txt", "-o", "out", "--languages", &langs], p);
}
