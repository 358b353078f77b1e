//! Issue #12, numeric options: every count option of every subcommand is range-checked at
//! parse time (exit 2, a message naming the option and the range) before any input is read;
//! `--max-bead 18446744073709551615` used to allocate until the OOM killer acted.

mod common;

use common::{tmalign, write_tmx};

#[test]
fn out_of_range_counts_are_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("a.zh.txt"), "你好。\n").unwrap();
    std::fs::write(p.join("a.ru.txt"), "Привет.\n").unwrap();
    write_tmx(&p.join("tm.tmx"), &[("你好。", "Привет.")]);
    let max = "18446744073709551615";
    let over = "18446744073709551616";
    // the same invocations with one count option (and its value) put in
    let align = |opt: &[&'static str]| -> Vec<&'static str> {
        [&["align", "a.zh.txt", "a.ru.txt", "-o", "out"][..], opt].concat()
    };
    let lookup = |opt: &[&'static str]| -> Vec<&'static str> {
        [
            &["tm", "lookup", "--tm", "tm.tmx", "--no-save"][..],
            opt,
            &["你好"],
        ]
        .concat()
    };
    let glossary = |opt: &[&'static str]| -> Vec<&'static str> {
        [&["glossary", "tm.tmx", "-o", "g.csv"][..], opt].concat()
    };
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("--max-bead", align(&["--max-bead", max])),
        ("--max-bead", align(&["--max-bead", over])),
        ("--max-bead", align(&["--max-bead", "0"])),
        ("--max-bead", align(&["--max-bead", "9"])),
        ("--max-bead", align(&["--max-bead=-1"])),
        ("--top", lookup(&["--top", max])),
        ("--top", lookup(&["--top", "0"])),
        ("--candidates", lookup(&["--candidates", max])),
        ("--candidates", lookup(&["--candidates", "0"])),
        ("--min", lookup(&["--min", "102"])),
        ("--min-freq", glossary(&["--min-freq", max])),
        ("--min-freq", glossary(&["--min-freq", "0"])),
        ("--top", glossary(&["--top", max])),
        ("--top", glossary(&["--top", "0"])),
    ];
    for (option, args) in cases {
        let o = tmalign(&args, p);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(option), "{args:?}: {err}");
        assert!(
            !p.join("out").exists() && !p.join("g.csv").exists(),
            "{args:?}"
        );
    }
    // in range: accepted
    let o = tmalign(&align(&["--max-bead", "8", "--no-seed"]), p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
