//! Issue #12, data loss: outputs never replace a device, FIFO or symbolic link, never
//! overwrite an input (however the path is spelt), `run` refuses clashing jobs and checks
//! everything before its first write, output sets are put in place together, and stale
//! temporary files of killed runs are cleaned up. The real binary on generated inputs.

mod common;

use common::{outputs, s, tmalign, write_tmx};
use std::path::{Path, PathBuf};

const ZH: &str = "今天北京天气很好。我们一起去公园散步。公园里有很多人。\n";
const RU: &str =
    "Сегодня в Пекине хорошая погода. Мы вместе идём гулять в парк. В парке много людей.\n";

fn pair(dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let zh = dir.join(format!("{stem}.zh.txt"));
    let ru = dir.join(format!("{stem}.ru.txt"));
    std::fs::write(&zh, ZH).unwrap();
    std::fs::write(&ru, RU).unwrap();
    (zh, ru)
}

fn tmx(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    write_tmx(&p, &[("你好。", "Привет."), ("谢谢。", "Спасибо.")]);
    p
}

/// The pair `in/a.zh.txt`, `in/a.ru.txt` in `dir` and an existing `out` directory (returned).
fn pair_in_and_out(dir: &Path) -> PathBuf {
    pair(&dir.join("in"), "a");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    out
}

/// `args` ended with exit status 2, refusing to overwrite an input.
fn assert_refused_as_input(args: &[&str], o: &std::process::Output) {
    assert_eq!(o.status.code(), Some(2), "{args:?}\n{}", outputs(o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("refusing to overwrite an input"),
        "{args:?}\n{}",
        outputs(o)
    );
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_path_through_a_directory_that_does_not_exist_cannot_overwrite_an_input() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("x");
    let a = tmx(&x, "a.tmx");
    let b = tmx(&x, "b.tmx");
    let before = std::fs::read(&a).unwrap();
    let sneaky = "x/nope/../a.tmx";
    let csv = x.join("r.csv");
    std::fs::write(&csv, "id\n").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["tm", "export-csv", "x/a.tmx", "-o", sneaky],
        vec!["tm", "merge", "x/a.tmx", "x/b.tmx", "-o", sneaky],
        vec![
            "glossary",
            "x/a.tmx",
            "x/b.tmx",
            "--no-seed",
            "-o",
            "x/nope/../a.tmx",
            "--format",
            "tmx",
        ],
        vec![
            "tm",
            "import-csv",
            "x/r.csv",
            "--tm",
            "x/a.tmx",
            "-o",
            sneaky,
        ],
    ];
    for args in cases {
        assert_refused_as_input(&args, &tmalign(&args, d.path()));
        assert_eq!(std::fs::read(&a).unwrap(), before, "{args:?}");
        assert!(!x.join("nope").exists(), "{args:?} created x/nope");
    }
    assert!(b.is_file());
    // the same for the CSV of import-csv
    let o = tmalign(
        &[
            "tm",
            "import-csv",
            "x/r.csv",
            "--tm",
            "x/a.tmx",
            "-o",
            "x/nope/../r.csv",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "id\n");
}

#[test]
fn align_and_run_outputs_through_a_missing_directory_cannot_overwrite_an_input() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("x");
    std::fs::create_dir_all(&x).unwrap();
    // inputs whose names are those of outputs: `a.tmx` (align's stem `a`), a bilingual `b.tmx` (run's stem `b`)
    let a = x.join("a.tmx");
    std::fs::write(&a, ZH).unwrap();
    std::fs::write(x.join("a.ru.txt"), RU).unwrap();
    let b = x.join("b.tmx");
    std::fs::write(&b, format!("{ZH}\n{RU}")).unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "align",
            "x/a.tmx",
            "x/a.ru.txt",
            "--src-lang",
            "zh",
            "-o",
            "x/nope/..",
            "--no-seed",
        ],
        vec!["run", "x/b.tmx", "-o", "x/nope/..", "--no-seed"],
    ];
    for args in cases {
        assert_refused_as_input(&args, &tmalign(&args, d.path()));
        assert!(!x.join("nope").exists(), "{args:?} created x/nope");
    }
    assert_eq!(std::fs::read_to_string(&a).unwrap(), ZH);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), format!("{ZH}\n{RU}"));
    assert_eq!(names(&x), vec!["a.ru.txt", "a.tmx", "b.tmx"]);
}

#[test]
fn dev_null_stays_a_device() {
    let d = tempfile::tempdir().unwrap();
    tmx(d.path(), "a.tmx");
    let o = tmalign(&["tm", "export-csv", "a.tmx", "-o", "/dev/null"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(
        !meta.file_type().is_file(),
        "/dev/null became a regular file"
    );
    assert!(names(Path::new("/dev"))
        .iter()
        .all(|n| !n.starts_with(".tmalign-")));
}

#[cfg(unix)]
#[test]
fn a_fifo_output_is_written_into_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let d = tempfile::tempdir().unwrap();
    tmx(d.path(), "a.tmx");
    let fifo = d.path().join("review.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.map(|s| s.success()).unwrap_or(false) {
        eprintln!("note: mkfifo not available; skipping");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = tmalign(&["tm", "export-csv", "a.tmx", "-o", s(&fifo)], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let got = reader.join().unwrap();
    assert!(got.contains("Спасибо."), "{got}");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[cfg(unix)]
#[test]
fn a_symlink_output_stays_a_link_and_new_files_are_0644() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    tmx(d.path(), "a.tmx");
    let target = d.path().join("real.csv");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o6750)).unwrap();
    let link = d.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = tmalign(&["tm", "export-csv", "a.tmx", "-o", "link.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("Спасибо."));
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o750, "setuid/setgid must not survive");
    // a new file: 0644 less the umask, never more
    let o = tmalign(&["tm", "export-csv", "a.tmx", "-o", "new.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let mode = std::fs::metadata(d.path().join("new.csv"))
        .unwrap()
        .permissions()
        .mode()
        & 0o7777;
    assert_eq!(mode & !0o644, 0, "{mode:o}");
    // a dangling link is refused, not followed into a new file
    let dangling = d.path().join("dangling.csv");
    std::os::unix::fs::symlink(d.path().join("nowhere/x.csv"), &dangling).unwrap();
    let o = tmalign(
        &["tm", "export-csv", "a.tmx", "-o", "dangling.csv"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(!d.path().join("nowhere").exists());
}

#[test]
fn run_refuses_two_jobs_with_one_stem_before_writing_anything() {
    let d = tempfile::tempdir().unwrap();
    pair(&d.path().join("a"), "news");
    pair(&d.path().join("b"), "news");
    let o = tmalign(&["run", "a", "b", "-o", "out", "--no-seed"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("also writes"), "{err}");
    assert!(
        names(&d.path().join("out")).is_empty(),
        "{:?}",
        names(&d.path().join("out"))
    );
    // a bilingual `news.txt` beside a `news.zh.txt` pair clashes the same way
    let c = d.path().join("c");
    pair(&c, "news");
    std::fs::write(c.join("news.txt"), format!("{ZH}\n{RU}")).unwrap();
    let o = tmalign(&["run", "c", "-o", "out", "--no-seed"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(names(&d.path().join("out")).is_empty());
}

#[test]
fn run_checks_every_output_against_the_inputs_before_the_first_write() {
    let d = tempfile::tempdir().unwrap();
    let out = pair_in_and_out(d.path());
    // a bilingual input that sits where the job `z` writes its TMX
    let z = out.join("z.tmx");
    std::fs::write(&z, format!("{ZH}\n{RU}")).unwrap();
    let o = tmalign(
        &["run", "in", "out/z.tmx", "-o", "out", "--no-seed"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to overwrite an input"));
    assert_eq!(
        names(&out),
        vec!["z.tmx".to_string()],
        "job `a` was written"
    );
    assert_eq!(std::fs::read_to_string(&z).unwrap(), format!("{ZH}\n{RU}"));
}

#[test]
fn a_failed_run_keeps_the_old_output_set_whole() {
    let d = tempfile::tempdir().unwrap();
    let (zh, ru) = pair(&d.path().join("in"), "a");
    let o = tmalign(&["run", "in", "-o", "out", "--no-seed"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let out = d.path().join("out");
    let seg = std::fs::read(out.join("a.zh.seg")).unwrap();
    let tmx_before = std::fs::read(out.join("a.tmx")).unwrap();
    // the second run cannot write `a.beads` (a directory is in the way) …
    std::fs::remove_file(out.join("a.beads")).unwrap();
    std::fs::create_dir(out.join("a.beads")).unwrap();
    std::fs::write(&zh, "第一句话。第二句话。\n").unwrap();
    std::fs::write(&ru, "Первая фраза. Вторая фраза.\n").unwrap();
    let o = tmalign(&["run", "in", "-o", "out", "--no-seed"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    // … so none of the set is replaced: no new `.seg` beside the old `.tmx`
    assert_eq!(std::fs::read(out.join("a.zh.seg")).unwrap(), seg);
    assert_eq!(std::fs::read(out.join("a.tmx")).unwrap(), tmx_before);
    assert!(
        names(&out).iter().all(|n| !n.ends_with(".tmp")),
        "{:?}",
        names(&out)
    );
}

#[test]
fn stale_temporaries_of_dead_writers_are_removed_and_nothing_else() {
    let d = tempfile::tempdir().unwrap();
    let out = pair_in_and_out(d.path());
    // pid 0 is never a user process: its writer is gone
    let dead = out.join(".tmalign-0-killed1.tmp");
    let alive = out.join(format!(".tmalign-{}-busy22.tmp", std::process::id()));
    let foreign = out.join(".tmalign-notes.txt");
    for p in [&dead, &alive, &foreign] {
        std::fs::write(p, "x").unwrap();
    }
    let o = tmalign(
        &[
            "align",
            "in/a.zh.txt",
            "in/a.ru.txt",
            "-o",
            "out",
            "--no-seed",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    if Path::new("/proc/self").exists() {
        assert!(!dead.exists(), "stale temporary file kept");
    }
    assert!(alive.exists() && foreign.exists());
}
