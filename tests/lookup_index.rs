//! Issue #12, `tm lookup` index reuse: an index built for another source language (an
//! earlier `--src-lang ru`) is not reused for a lookup with the default languages, and a TMX
//! replaced by another of the same size and modification time is noticed (its ctime is newer
//! than the index). The real binary on generated memories.

mod common;

use common::{outputs, tmalign, write_tmx};

fn lookup(d: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["tm", "lookup", "--tm", "tm.tmx", "--color", "never"];
    all.extend_from_slice(args);
    let o = tmalign(&all, d);
    assert!(o.status.success(), "{args:?}: {}", outputs(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_index_for_another_source_language_is_rebuilt() {
    let d = tempfile::tempdir().unwrap();
    write_tmx(
        &d.path().join("tm.tmx"),
        &[
            ("我们明天去北京。", "Завтра мы едем в Пекин."),
            ("今天天气很好。", "Сегодня хорошая погода."),
        ],
    );
    let ru = lookup(d.path(), &["--src-lang", "ru", "Завтра мы едем в Пекин."]);
    assert!(ru.contains("100%"), "{ru}");
    let zh = lookup(d.path(), &["我们明天去北京。"]);
    assert!(zh.contains("100%") && zh.contains("Завтра"), "{zh}");
}

#[cfg(unix)]
#[test]
fn a_same_size_same_mtime_replacement_is_noticed() {
    let d = tempfile::tempdir().unwrap();
    let tmx = d.path().join("tm.tmx");
    write_tmx(&tmx, &[("我们明天去北京。", "Завтра мы едем в Пекин.")]);
    let first = lookup(d.path(), &["我们明天去北京。"]);
    assert!(first.contains("Пекин"), "{first}");
    let mtime = std::fs::metadata(&tmx).unwrap().modified().unwrap();
    // same length in bytes, other content, same modification time
    let other = tempfile::NamedTempFile::new_in(d.path()).unwrap();
    write_tmx(other.path(), &[("我们明天去上海。", "Завтра в Шанхай")]);
    let old_len = std::fs::metadata(&tmx).unwrap().len();
    let mut bytes = std::fs::read(other.path()).unwrap();
    assert!(bytes.len() as u64 <= old_len);
    let pad = old_len as usize - bytes.len();
    let at = bytes.len() - "</tmx>\n".len();
    bytes.splice(at..at, std::iter::repeat_n(b' ', pad));
    std::fs::write(other.path(), &bytes).unwrap();
    let f = std::fs::File::options()
        .write(true)
        .open(other.path())
        .unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    other.persist(&tmx).unwrap();
    assert_eq!(std::fs::metadata(&tmx).unwrap().len(), old_len);
    assert_eq!(std::fs::metadata(&tmx).unwrap().modified().unwrap(), mtime);
    let second = lookup(d.path(), &["我们明天去上海。"]);
    assert!(
        second.contains("100%") && second.contains("Шанхай"),
        "{second}"
    );
}
