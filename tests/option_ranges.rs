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
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "--max-bead",
            vec![
                "align",
                "a.zh.txt",
                "a.ru.txt",
                "-o",
                "out",
                "--max-bead",
                max,
            ],
        ),
        (
            "--max-bead",
            vec![
                "align",
                "a.zh.txt",
                "a.ru.txt",
                "-o",
                "out",
                "--max-bead",
                over,
            ],
        ),
        (
            "--max-bead",
            vec![
                "align",
                "a.zh.txt",
                "a.ru.txt",
                "-o",
                "out",
                "--max-bead",
                "0",
            ],
        ),
        (
            "--max-bead",
            vec![
                "align",
                "a.zh.txt",
                "a.ru.txt",
                "-o",
                "out",
                "--max-bead",
                "9",
            ],
        ),
        (
            "--max-bead",
            vec![
                "align",
                "a.zh.txt",
                "a.ru.txt",
                "-o",
                "out",
                "--max-bead=-1",
            ],
        ),
        (
            "--top",
            vec![
                "tm",
                "lookup",
                "--tm",
                "tm.tmx",
                "--no-save",
                "--top",
                max,
                "你好",
            ],
        ),
        (
            "--top",
            vec![
                "tm",
                "lookup",
                "--tm",
                "tm.tmx",
                "--no-save",
                "--top",
                "0",
                "你好",
            ],
        ),
        (
            "--candidates",
            vec![
                "tm",
                "lookup",
                "--tm",
                "tm.tmx",
                "--no-save",
                "--candidates",
                max,
                "你好",
            ],
        ),
        (
            "--candidates",
            vec![
                "tm",
                "lookup",
                "--tm",
                "tm.tmx",
                "--no-save",
                "--candidates",
                "0",
                "你好",
            ],
        ),
        (
            "--min",
            vec![
                "tm",
                "lookup",
                "--tm",
                "tm.tmx",
                "--no-save",
                "--min",
                "102",
                "你好",
            ],
        ),
        (
            "--min-freq",
            vec!["glossary", "tm.tmx", "-o", "g.csv", "--min-freq", max],
        ),
        (
            "--min-freq",
            vec!["glossary", "tm.tmx", "-o", "g.csv", "--min-freq", "0"],
        ),
        (
            "--top",
            vec!["glossary", "tm.tmx", "-o", "g.csv", "--top", max],
        ),
        (
            "--top",
            vec!["glossary", "tm.tmx", "-o", "g.csv", "--top", "0"],
        ),
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
    let o = tmalign(
        &[
            "align",
            "a.zh.txt",
            "a.ru.txt",
            "-o",
            "out",
            "--max-bead",
            "8",
            "--no-seed",
        ],
        p,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
