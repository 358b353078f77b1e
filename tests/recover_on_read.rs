//! Issue #12, interrupted commits and read-only commands: a set of outputs whose commit was
//! cut short after its journal was written is finished (rolled forward) by any later command
//! that reads a file of that folder — `tm stats`, `tm lookup`, `tm export-csv`, `qa`, `review`,
//! `ingest`, `glossary` — not only by writers; when it cannot be finished, no file of the set is read
//! (exit 2, naming `tmalign recover`), and `tmalign recover DIR` finishes it.

#![cfg(unix)]

mod common;

use common::{bin, outputs, EPOCH};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const ZH: [&str; 2] = [
    "今天北京天气很好。我们一起去公园散步。公园里有很多人。\n",
    "会议在上海举行。代表们讨论了经济合作。双方签署了协议。\n",
];
const RU: [&str; 2] = [
    "Сегодня в Пекине хорошая погода. Мы вместе идём гулять в парк. В парке много людей.\n",
    "Встреча прошла в Шанхае. Делегаты обсудили экономическое сотрудничество. Стороны подписали соглашение.\n",
];

fn cmd(dir: &Path, args: &[&str], fault: Option<usize>) -> Output {
    let mut c = bin();
    c.args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH);
    if let Some(n) = fault {
        c.env("TMALIGN_FAULT_AT", n.to_string());
    }
    c.output().unwrap()
}

/// `align in/a.zh.txt in/a.ru.txt -o al` on texts `k`, aborted at step `fault` if given;
/// whether it ran to its end.
fn align(dir: &Path, k: usize, fault: Option<usize>) -> bool {
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/a.zh.txt"), ZH[k]).unwrap();
    std::fs::write(dir.join("in/a.ru.txt"), RU[k]).unwrap();
    let o = cmd(
        dir,
        &[
            "align",
            "in/a.zh.txt",
            "in/a.ru.txt",
            "-o",
            "al",
            "--no-seed",
        ],
        fault,
    );
    if o.status.code().is_some() {
        assert!(o.status.success(), "{}", outputs(&o));
    }
    o.status.code().is_some()
}

/// The files of `al/` that are not tmalign's own temporaries or journals.
fn set(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir.join("al"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".tmalign-"))
        .map(|n| {
            let bytes = std::fs::read(dir.join("al").join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

fn journals(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("al"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".journal"))
        .collect()
}

/// Puts back the old set (and nothing else) in `al/`.
fn restore(dir: &Path, old: &BTreeMap<String, Vec<u8>>) {
    let al = dir.join("al");
    let _ = std::fs::remove_dir_all(&al);
    std::fs::create_dir_all(&al).unwrap();
    for (name, bytes) in old {
        std::fs::write(al.join(name), bytes).unwrap();
    }
}

/// Old and new sets of `al/` (texts 0, texts 1) and the fault points of an `align` writing the
/// new set that leave its journal with some renames done (`mixed`) and with none.
struct Fixture {
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
    mixed: usize,
    journal_only: usize,
}

fn fixture() -> Fixture {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert!(align(dir, 0, None));
    let old = set(dir);
    assert!(align(dir, 1, None));
    let new = set(dir);
    assert!(old != new);
    let (mut mixed, mut journal_only) = (None, None);
    for n in 1..200 {
        restore(dir, &old);
        if align(dir, 1, Some(n)) {
            break;
        }
        if journals(dir).is_empty() {
            continue;
        }
        let now = set(dir);
        if now == new {
            continue; // every rename done, only the journal's removal left
        }
        if now == old {
            journal_only.get_or_insert(n);
        } else {
            mixed.get_or_insert(n);
        }
    }
    Fixture {
        old,
        new,
        mixed: mixed.expect("a fault point with some renames done"),
        journal_only: journal_only.expect("a fault point right after the journal"),
    }
}

impl Fixture {
    /// A work folder whose `al/` holds the old set and the interrupted commit of the new one,
    /// cut at fault point `n`.
    fn interrupted(&self, n: usize) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        restore(d.path(), &self.old);
        assert!(!align(d.path(), 1, Some(n)));
        assert!(!journals(d.path()).is_empty());
        d
    }
}

/// Every command that only reads a file of the folder finishes the commit first: the new set,
/// whole, and no journal left.
#[test]
fn read_only_commands_roll_an_interrupted_commit_forward() {
    let f = fixture();
    let commands: [&[&str]; 8] = [
        &["tm", "stats", "al/a.tmx"],
        &[
            "tm",
            "lookup",
            "--tm",
            "al/a.tmx",
            "--no-save",
            "会议在上海举行。",
        ],
        &["qa", "al/a.tmx"],
        &["tm", "export-csv", "al/a.tmx", "-o", "x.csv"],
        &["review", "al/a.tmx", "-o", "page.html"],
        &["ingest", "al/a.zh.seg"],
        &[
            "glossary",
            "al/a.tmx",
            "-o",
            "g.csv",
            "--no-seed",
            "--min-freq",
            "1",
        ],
        &["recover", "al"],
    ];
    let cases = commands
        .iter()
        .map(|c| (*c, f.mixed))
        .chain(commands[..3].iter().map(|c| (*c, f.journal_only)));
    for (args, n) in cases {
        let d = f.interrupted(n);
        let o = cmd(d.path(), args, None);
        assert!(o.status.success(), "{args:?}: {}", outputs(&o));
        assert!(journals(d.path()).is_empty(), "{args:?} left the journal");
        assert!(
            set(d.path()) == f.new,
            "{args:?} (fault point {n}): not the new set"
        );
    }
}

/// A commit that cannot be finished (a rename fails: here one of its names is taken by a
/// folder) is not read from: the read-only command exits 2 and names `tmalign recover`, which
/// finishes the set once the obstacle is gone.
#[test]
fn a_set_that_cannot_be_finished_is_not_read_and_recover_finishes_it() {
    let f = fixture();
    let new = &f.new;
    let d = f.interrupted(f.journal_only);
    let dir = d.path();
    let blocked = dir.join("al/a.csv");
    assert!(new.contains_key("a.csv"), "{:?}", new.keys());
    std::fs::remove_file(&blocked).unwrap_or_default();
    std::fs::create_dir_all(blocked.join("in-the-way")).unwrap();
    for args in [
        &["tm", "stats", "al/a.tmx"][..],
        &["qa", "al/a.tmx"],
        &["tm", "lookup", "--tm", "al/a.tmx", "--no-save", "会议"],
        &["glossary", "al/a.tmx", "-o", "g.csv", "--no-seed"],
    ] {
        let o = cmd(dir, args, None);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", outputs(&o));
        assert!(err.contains("tmalign recover"), "{args:?}: {err}");
        assert!(err.contains("interrupted"), "{err}");
        assert!(!journals(dir).is_empty());
    }
    let o = cmd(dir, &["recover", "al"], None);
    assert!(!o.status.success(), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("could not finish"));
    std::fs::remove_dir_all(&blocked).unwrap();
    let o = cmd(dir, &["recover", "al"], None);
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("put in place"));
    assert!(journals(dir).is_empty());
    assert!(&set(dir) == new, "not the new set");
    let o = cmd(dir, &["recover", "al"], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to recover"));
    let o = cmd(dir, &["tm", "stats", "al/a.tmx"], None);
    assert!(o.status.success(), "{}", outputs(&o));
}
