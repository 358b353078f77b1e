//! Issue #12: a batch manifest may only name files inside its own folder (its paths are
//! relative to it); an absolute path, a `..` that leads out, or a link out of the folder is
//! refused with its line unless `--allow-outside`, so a manifest from elsewhere cannot copy
//! any readable file into the outputs.

mod common;

use common::{outputs, s, tmalign};

const ZH: &str = "今天北京天气很好。我们一起去公园散步。\n";
const RU: &str = "Сегодня в Пекине хорошая погода. Мы вместе идём гулять в парк.\n";

#[test]
fn manifest_paths_stay_inside_the_manifest_folder() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m");
    std::fs::create_dir_all(m.join("sub")).unwrap();
    std::fs::write(d.path().join("secret.zh.txt"), ZH).unwrap();
    std::fs::write(m.join("sub/a.zh.txt"), ZH).unwrap();
    std::fs::write(m.join("sub/a.ru.txt"), RU).unwrap();
    let outside_abs = d.path().join("secret.zh.txt");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside_abs, m.join("link.zh.txt")).unwrap();
    let mut bad = vec![
        "../secret.zh.txt\tsub/a.ru.txt".to_string(),
        "sub/../../secret.zh.txt\tsub/a.ru.txt".to_string(),
        format!("{}\tsub/a.ru.txt", s(&outside_abs)),
    ];
    if cfg!(unix) {
        bad.push("link.zh.txt\tsub/a.ru.txt".to_string());
    }
    for line in &bad {
        std::fs::write(m.join("list.tsv"), format!("# src\ttgt\n{line}\n")).unwrap();
        let o = tmalign(
            &["align", "--batch", "m/list.tsv", "-o", "out", "--no-seed"],
            d.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{line}: {}", outputs(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("line 2:") && err.contains("outside the manifest's folder"),
            "{err}"
        );
        assert!(!d.path().join("out").exists());
    }
    // with --allow-outside the user says so
    let o = tmalign(
        &[
            "align",
            "--batch",
            "m/list.tsv",
            "-o",
            "out",
            "--no-seed",
            "--allow-outside",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    // paths inside the folder are fine
    std::fs::write(m.join("list.tsv"), "sub/a.zh.txt\tsub/./a.ru.txt\n").unwrap();
    let o = tmalign(
        &["align", "--batch", "m/list.tsv", "-o", "out2", "--no-seed"],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
}
