//! Damaged, foreign and hostile model files give a `LoadError` naming the file, never a panic.
//! Uses the installed model as the starting point; skipped with a note when there is none.

use std::path::{Path, PathBuf};

use tmalign_encoder::{store, Encoder, LoadError, Prefix};

fn model_bytes() -> Option<Vec<u8>> {
    match store::installed_model() {
        Some(p) => Some(std::fs::read(p).unwrap()),
        None => {
            eprintln!("note: no model installed: corrupt-file tests on the real file skipped");
            None
        }
    }
}

/// xorshift, so the "random" points are the same on every run
fn points(seed: u64, n: usize, below: usize) -> Vec<usize> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % below as u64) as usize
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tmalign-encoder-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn missing_empty_and_tiny_files() {
    let missing = Path::new("/nonexistent/dir/e5-small-q4.bin");
    for r in [Encoder::load(missing), Encoder::load_unverified(missing)] {
        let e = r.unwrap_err();
        assert!(matches!(e, LoadError::Missing { .. }), "{e}");
        assert!(
            e.to_string().contains("/nonexistent/dir/e5-small-q4.bin"),
            "{e}"
        );
    }
    let name = Path::new("image");
    for (bytes, what) in [
        (&b""[..], "empty"),
        (b"E", "one byte"),
        (b"E5S1", "magic only"),
        (b"GGUF\x03\0\0\0\0\0\0\0", "another format"),
        (b"\x7fELF\x02\x01\x01\0", "a binary"),
    ] {
        let e = Encoder::from_bytes(name, bytes).unwrap_err();
        assert!(
            matches!(e, LoadError::Format { .. } | LoadError::Truncated { .. }),
            "{what}: {e}"
        );
    }
    // load() checks the size first: a small file is a checksum failure naming the path
    let small = scratch("small.bin");
    std::fs::write(&small, b"E5S1\x01\0\0\0").unwrap();
    let e = Encoder::load(&small).unwrap_err();
    assert!(matches!(e, LoadError::Checksum { .. }), "{e}");
    assert!(e.to_string().contains("small.bin"), "{e}");
    let e = Encoder::load_unverified(&small).unwrap_err();
    assert!(matches!(e, LoadError::Truncated { .. }), "{e}");
    let _ = std::fs::remove_file(small);
}

#[test]
fn truncated_files_are_errors() {
    let Some(bytes) = model_bytes() else { return };
    let mut cuts = vec![
        0,
        3,
        4,
        7,
        8,
        20,
        43,
        44,
        63,
        64,
        71,
        72,
        1000,
        bytes.len() - 1,
    ];
    cuts.extend(points(7, 40, bytes.len()));
    for cut in cuts {
        match Encoder::from_bytes(Path::new("cut.bin"), &bytes[..cut]) {
            Ok(_) => panic!("file cut at {cut} of {} loaded", bytes.len()),
            Err(e) => assert!(e.to_string().contains("cut.bin"), "{e}"),
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let Some(bytes) = model_bytes() else { return };
    // header and tokenizer header, byte by byte, then random bytes anywhere before the
    // tensor data (the tables and the directory)
    let mut at: Vec<usize> = (0..72).collect();
    at.extend(points(11, 40, 4_638_272));
    let mut loaded = 0;
    for (k, &i) in at.iter().enumerate() {
        let mut b = bytes.clone();
        b[i] ^= if k % 2 == 0 { 0xff } else { 0x40 };
        if let Ok(enc) = Encoder::from_bytes(Path::new("flip.bin"), &b) {
            // a change the checks cannot see (an id, a score, a layer count that is still
            // consistent) must still give a working encoder
            loaded += 1;
            let v = enc.embed(&["Да.", "测试 text"], Prefix::Query);
            assert_eq!(v.len(), 2);
        }
    }
    eprintln!(
        "{loaded} of {} byte flips still gave a loadable model",
        at.len()
    );
    // the magic and the dimensions are always caught
    for i in [0, 1, 2, 3, 4, 8, 9, 16, 24, 28] {
        let mut b = bytes.clone();
        b[i] ^= 0xff;
        assert!(
            Encoder::from_bytes(Path::new("flip.bin"), &b).is_err(),
            "flip at {i}"
        );
    }
}

#[test]
fn verified_load_rejects_a_modified_file() {
    let Some(mut bytes) = model_bytes() else {
        return;
    };
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let path = scratch("modified.bin");
    std::fs::write(&path, &bytes).unwrap();
    let e = Encoder::load(&path).unwrap_err();
    assert!(matches!(e, LoadError::Checksum { .. }), "{e}");
    assert!(
        e.to_string().contains("modified.bin") && e.to_string().contains("sha256"),
        "{e}"
    );
    // structurally it is still a model
    assert!(Encoder::load_unverified(&path).is_ok());
    let _ = std::fs::remove_file(&path);
}
