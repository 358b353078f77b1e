//! Safe output.
//!
//! Every output is first written to a temporary file (`.tmalign-<pid>-<random>.tmp`) and put in
//! place only when it is complete, so a failure never leaves a partial output behind. Several
//! files that belong together (the `.seg`, `.tmx`, `.csv`, `.beads` of one job) are staged in
//! one [`OutputSet`] and put in place together by [`OutputSet::commit`].
//!
//! How a file is put in place depends on what the output path is:
//! - nothing yet, or a regular file: the temporary file is renamed over it (a new file gets
//!   mode 0644 less the umask, a replaced one keeps its permission bits without setuid/setgid);
//! - a symbolic link to a regular file: the link stays, the file it points to is replaced;
//! - a device, a FIFO or a socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe): the
//!   content is copied into it; it is never renamed over;
//! - a directory, a block device or a dangling link: refused.
//!
//! No output may overwrite one of the inputs: [`ensure_not_input`] compares by device and inode
//! (after resolving `..` of directories that do not exist yet) before anything is written, and
//! remembers the inputs so that every output is checked again just before it is put in place,
//! after its parent directories were created. Temporary files left behind by a killed run (their
//! writer is gone, or they are more than a day old) are removed from a directory the first time
//! this process writes into it.
//!
//! # Interrupted commits: a journal, rolled forward
//!
//! Renaming several files one by one is not atomic: a process killed between two renames
//! would leave a new `.seg` beside an old `.tmx`. So a set of two or more renames is committed
//! with a journal (an intent log):
//!
//! 1. every staged file is written completely and flushed to disk (`fsync`);
//! 2. the journal, listing each temporary file and the path it becomes, is written under a
//!    temporary name, flushed, and renamed to `.tmalign-<pid>-<random>.journal` in every
//!    directory the set writes into (then the directory is flushed): from this moment the new
//!    set is *decided*;
//! 3. the temporary files are renamed into place, the directories flushed;
//! 4. the journals are removed.
//!
//! A later tmalign process that writes into such a directory, or reads any file from it
//! ([`before_reading`], [`protect_inputs`]; `tmalign recover DIR` does only this), first
//! finishes the journals of writers that are gone ([`recover_dir`]): every temporary file
//! still there is renamed into place, then the journal is removed. Recovery rolls *forward*
//! because, once the journal exists, every file of the new set is complete and on disk, and
//! finishing takes renames only, each atomic and safe to repeat (a temporary file that is gone
//! was renamed already); rolling back would need a copy of every old file kept until the end,
//! twice the disk space and writes for every commit. Killed before step 2, nothing changed but
//! stray temporary files, which the stale-file cleanup removes; that cleanup never removes a
//! file that a journal still lists. So after an interruption and the next command's recovery,
//! a set is either all old or all new. A set of one rename needs no journal (a rename is
//! atomic). Outputs written into a device or FIFO are not part of this: they are written last,
//! after the renames, and cannot be undone.
//!
//! Builds with debug assertions (the test builds) honour `TMALIGN_FAULT_AT=<n>`: the process
//! aborts at the n-th file-system step of its output sets ([`fault_step`]), so tests can
//! interrupt a commit at every point; release builds ignore it.

use crate::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Prefix of our temporary files.
const TMP_PREFIX: &str = ".tmalign-";
/// Suffix of our temporary files.
const TMP_SUFFIX: &str = ".tmp";
/// A temporary file whose writer we cannot check is stale after this long.
const STALE_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The inputs of this process (device and inode, or canonical path where there are no inodes):
/// no output may be put in place over one of them.
/// Each entry is re-checked at its path when used, so that the inode of a deleted input that
/// the file system gave to a new file protects nothing. Keyed by identity, so that checking an
/// output costs the same whatever the number of inputs (a batch has thousands).
static PROTECTED: Mutex<Option<HashMap<FileId, HashSet<PathBuf>>>> = Mutex::new(None);
/// File identity lookups ([`file_id`]) so far: see [`file_identity_lookups`].
static FILE_IDS: AtomicU64 = AtomicU64::new(0);
/// Directories already cleaned of stale temporary files.
static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
/// Interrupted commits that this process found and could not finish: no file they name is
/// read (see [`before_reading`]).
static UNFINISHED: Mutex<Vec<Unfinished>> = Mutex::new(Vec::new());

/// A complete journal of a writer that is gone, left in place because rolling it forward
/// failed.
#[derive(Debug, Clone)]
struct Unfinished {
    /// The journal copy found.
    journal: PathBuf,
    /// The paths of its set, as [`same_place`] compares them.
    targets: Vec<PathBuf>,
    /// Why it could not be finished.
    why: String,
}

/// Writes `contents` to `path` atomically (see the module documentation), creating the parent
/// directories first.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(contents))
}

/// Writes `lines` to `path`, each followed by a newline, atomically (see [`write_atomic`]):
/// the `.seg` files, whose line numbers are bead indices.
pub fn write_lines<'a>(path: &Path, lines: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut set = OutputSet::new();
    set.add_lines(path, lines)?;
    set.commit().map(|_| ())
}

/// Like [`write_atomic`], but lets the caller stream into the file.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let mut set = OutputSet::new();
    set.add_with(path, fill)?;
    set.commit().map(|_| ())
}

/// What an output path is, found when the file is staged.
#[derive(Debug)]
enum Dest {
    /// Rename the temporary file to this path (new file, regular file, or the regular file a
    /// symbolic link points to); `Some` permissions are those of the file replaced.
    Rename(PathBuf, Option<std::fs::Permissions>),
    /// Copy the content into this existing non-regular file (device, FIFO, socket).
    Stream,
}

#[derive(Debug)]
struct Staged {
    /// The path the caller gave.
    path: PathBuf,
    dest: Dest,
    tmp: tempfile::TempPath,
}

/// Files staged under temporary names and put in place together by [`OutputSet::commit`];
/// dropping the set without committing removes the temporary files and changes nothing.
#[derive(Debug, Default)]
pub struct OutputSet {
    staged: Vec<Staged>,
    /// The paths staged (a batch stages thousands: no scan per file).
    paths: HashSet<PathBuf>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of staged files.
    pub fn len(&self) -> usize {
        self.staged.len()
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Stages `contents` for `path`.
    pub fn add(&mut self, path: &Path, contents: &[u8]) -> Result<()> {
        self.add_with(path, |w| w.write_all(contents))
    }

    /// Stages `lines` for `path`, each followed by a newline.
    pub fn add_lines<'a>(
        &mut self,
        path: &Path,
        lines: impl IntoIterator<Item = &'a str>,
    ) -> Result<()> {
        self.add_with(path, |w| {
            for line in lines {
                w.write_all(line.as_bytes())?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })
    }

    /// Stages the file `fill` writes for `path`: creates the parent directories, checks what
    /// `path` is and writes a temporary file. Nothing is visible at `path` before
    /// [`OutputSet::commit`].
    pub fn add_with<F>(&mut self, path: &Path, fill: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
    {
        if self.paths.contains(path) {
            return Err(Error::Internal(format!(
                "{} staged twice in one output set",
                path.display()
            )));
        }
        let dir = parent_dir(path);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let dest = classify(path)?;
        let tmp_dir = match &dest {
            Dest::Rename(target, _) => parent_dir(target),
            // `/dev` is no place for a temporary file
            Dest::Stream => std::env::temp_dir(),
        };
        clean_stale_once(&tmp_dir);
        let prefix = format!("{TMP_PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TMP_SUFFIX);
        // created as 0644 less the umask (the kernel applies it)
        builder.permissions(default_permissions());
        fault_step();
        let mut tmp = builder
            .tempfile_in(&tmp_dir)
            .map_err(|e| Error::io(&tmp_dir, e))?;
        {
            let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
            fill(&mut buf).map_err(|e| Error::io(path, e))?;
            buf.flush().map_err(|e| Error::io(path, e))?;
        }
        fault_step();
        // on disk before a journal may name it (see the module documentation)
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
        self.paths.insert(path.to_path_buf());
        self.staged.push(Staged {
            path: path.to_path_buf(),
            dest,
            tmp: tmp.into_temp_path(),
        });
        Ok(())
    }

    /// Puts every staged file in place, each checked once more against the inputs just
    /// before; returns the paths as given, in the order staged. Two or more renames go through
    /// a journal (see the module documentation), so that an interruption leaves the old set or,
    /// once recovered, the new one. A failure before the journal changes nothing (the temporary
    /// files are removed); a failure after it leaves the journal and the remaining temporary
    /// files for the next run's recovery.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        // check all first: a refused output must not leave the others half-written
        for s in &self.staged {
            let target = match &s.dest {
                Dest::Rename(target, _) => target.as_path(),
                Dest::Stream => s.path.as_path(),
            };
            check_protected(&s.path, target)?;
        }
        let written: Vec<PathBuf> = self.staged.iter().map(|s| s.path.clone()).collect();
        let mut renames = Vec::new();
        let mut streams = Vec::new();
        for s in self.staged {
            match s.dest {
                Dest::Rename(target, replaced) => {
                    if let Some(p) = replaced {
                        std::fs::set_permissions(&s.tmp, p).map_err(|e| Error::io(&s.path, e))?;
                    }
                    renames.push((s.path, target, s.tmp));
                }
                Dest::Stream => streams.push(s),
            }
        }
        if renames.len() == 1 {
            let (path, target, tmp) = renames.pop().expect("one rename");
            fault_step();
            tmp.persist(&target)
                .map_err(|e| Error::io(&path, e.error))?;
            sync_dir(&parent_dir(&target));
        } else if !renames.is_empty() {
            commit_journaled(renames)?;
        }
        for s in streams {
            fault_step();
            let mut from = std::fs::File::open(&s.tmp).map_err(|e| Error::io(&s.path, e))?;
            let mut to = std::fs::OpenOptions::new()
                .write(true)
                .open(&s.path)
                .map_err(|e| Error::io(&s.path, e))?;
            std::io::copy(&mut from, &mut to).map_err(|e| Error::io(&s.path, e))?;
            to.flush().map_err(|e| Error::io(&s.path, e))?;
        }
        Ok(written)
    }
}

/// Renames two or more complete temporary files into place through a journal (steps 2–4 of
/// the module documentation).
fn commit_journaled(renames: Vec<(PathBuf, PathBuf, tempfile::TempPath)>) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let moves: Vec<(PathBuf, PathBuf)> = renames
        .iter()
        .map(|(_, target, tmp)| (abs(tmp), abs(target)))
        .collect();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (_, target) in &moves {
        let d = parent_dir(target);
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    let name = journal_name();
    let copies: Vec<PathBuf> = dirs.iter().map(|d| d.join(&name)).collect();
    let text = Journal {
        copies: copies.clone(),
        moves: moves.clone(),
    }
    .to_text();
    for (dir, copy) in dirs.iter().zip(&copies) {
        fault_step();
        write_journal_copy(dir, copy, text.as_bytes()).map_err(|e| Error::io(copy, e))?;
    }
    // decided: from here on the temporary files belong to the journal, not to this process
    let renames: Vec<(PathBuf, PathBuf, PathBuf)> = renames
        .into_iter()
        .map(|(path, target, tmp)| {
            let tmp = tmp.keep().map_err(|e| Error::io(&path, e.error))?;
            Ok((path, target, tmp))
        })
        .collect::<Result<_>>()?;
    for (path, target, tmp) in &renames {
        fault_step();
        std::fs::rename(tmp, target).map_err(|e| {
            Error::io(
                path,
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "{e} (the other files of this set are put in place by the next tmalign \
                         command writing into {}, as {} says)",
                        parent_dir(target).display(),
                        copies[0].display()
                    ),
                ),
            )
        })?;
    }
    for dir in &dirs {
        sync_dir(dir);
    }
    for copy in &copies {
        fault_step();
        std::fs::remove_file(copy).map_err(|e| Error::io(copy, e))?;
    }
    for dir in &dirs {
        sync_dir(dir);
    }
    Ok(())
}

/// Suffix of journals (`.tmalign-<pid>-<random>.journal`).
const JOURNAL_SUFFIX: &str = ".journal";
/// First line of a journal.
const JOURNAL_MAGIC: &str = "tmalign-journal 1";
/// Last line of a complete journal.
const JOURNAL_END: &str = "end";

/// A fresh journal file name for this process.
fn journal_name() -> String {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "{TMP_PREFIX}{}-{nanos:x}{n}{JOURNAL_SUFFIX}",
        std::process::id()
    )
}

/// Writes one copy of a journal: under a temporary name, flushed, renamed into place, and the
/// directory flushed.
fn write_journal_copy(dir: &Path, copy: &Path, text: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(text)?;
    tmp.as_file().sync_all()?;
    tmp.persist(copy).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// What a journal says: where its copies are and which temporary file becomes which path
/// (absolute paths).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Journal {
    copies: Vec<PathBuf>,
    moves: Vec<(PathBuf, PathBuf)>,
}

impl Journal {
    /// One line a record; paths hex-encoded (a path may hold a newline or invalid UTF-8).
    fn to_text(&self) -> String {
        let mut t = format!("{JOURNAL_MAGIC}\n");
        for c in &self.copies {
            t.push_str(&format!("copy {}\n", hex_path(c)));
        }
        for (tmp, target) in &self.moves {
            t.push_str(&format!("move {} {}\n", hex_path(tmp), hex_path(target)));
        }
        t.push_str(JOURNAL_END);
        t.push('\n');
        t
    }

    /// Parses a complete journal; `None` for anything else.
    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != JOURNAL_MAGIC {
            return None;
        }
        let mut j = Journal {
            copies: Vec::new(),
            moves: Vec::new(),
        };
        for line in lines {
            let mut f = line.split(' ');
            match (f.next()?, f.next(), f.next(), f.next()) {
                ("copy", Some(c), None, None) => j.copies.push(unhex_path(c)?),
                ("move", Some(a), Some(b), None) => j.moves.push((unhex_path(a)?, unhex_path(b)?)),
                (JOURNAL_END, None, None, None) => return Some(j),
                _ => return None,
            }
        }
        None
    }
}

fn hex_path(p: &Path) -> String {
    p.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn unhex_path(h: &str) -> Option<PathBuf> {
    if h.len() % 2 != 0 {
        return None;
    }
    let bytes: Vec<u8> = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

/// Flushes a directory's entries (the renames in it) to disk; a no-op where directories
/// cannot be opened.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Whether the writer of our file `name` (`.tmalign-<pid>-…`) is gone, or the file is more than
/// a day old; `false` for a file of this process.
fn writer_gone(name: &str, meta: &std::fs::Metadata) -> bool {
    let old = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_some_and(|age| age > STALE_AGE);
    let pid = name
        .strip_prefix(TMP_PREFIX)
        .and_then(|n| n.split_once('-'))
        .and_then(|(pid, _)| pid.parse::<u32>().ok());
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) => old || process_gone(pid),
        None => old,
    }
}

/// The complete journals in `dir`: (path, content), of any writer.
fn journals_in(dir: &Path) -> Vec<(PathBuf, std::fs::Metadata, Option<Journal>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TMP_PREFIX) && name.ends_with(JOURNAL_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let journal = std::fs::read_to_string(entry.path())
            .ok()
            .and_then(|t| Journal::parse(&t));
        out.push((entry.path(), meta, journal));
    }
    out
}

/// Finishes the interrupted commits whose journal is in `dir` and whose writer is gone: every
/// temporary file the journal lists that is still there is renamed into place (rolled
/// forward), then every copy of the journal is removed. Safe to repeat and to interrupt.
/// Returns the paths put in place.
pub fn recover_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut moved = Vec::new();
    for (path, meta, journal) in journals_in(dir) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !writer_gone(&name, &meta) {
            continue;
        }
        // an unreadable journal is left alone, and so are the files it may name
        let Some(journal) = journal else { continue };
        let mut dirs: Vec<PathBuf> = Vec::new();
        for (tmp, target) in &journal.moves {
            if tmp.symlink_metadata().is_ok() {
                std::fs::rename(tmp, target)?;
                moved.push(target.clone());
            }
            let d = parent_dir(target);
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
        for copy in journal.copies.iter().chain([&path]) {
            match std::fs::remove_file(copy) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
    }
    Ok(moved)
}

/// The names of the temporary files that a journal in `dir` still lists (never removed as
/// stale).
fn listed_by_journals(dir: &Path) -> HashSet<std::ffi::OsString> {
    journals_in(dir)
        .into_iter()
        .filter_map(|(_, _, j)| j)
        .flat_map(|j| j.moves)
        .filter_map(|(tmp, _)| tmp.file_name().map(|n| n.to_os_string()))
        .collect()
}

/// Counts one file-system step of an output set. With debug assertions (test builds) and
/// `TMALIGN_FAULT_AT=<n>` in the environment, the n-th step aborts the process at once (no
/// destructor runs, as under `kill -9`); release builds do nothing here.
fn fault_step() {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static AT: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let at = AT.get_or_init(|| {
            std::env::var("TMALIGN_FAULT_AT")
                .ok()
                .and_then(|v| v.trim().parse().ok())
        });
        if let Some(n) = *at {
            if COUNT.fetch_add(1, Ordering::SeqCst) + 1 == n {
                std::process::abort();
            }
        }
    }
}

/// The directory of `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What `path` is (its parent exists).
fn classify(path: &Path) -> Result<Dest> {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Dest::Rename(path.to_path_buf(), None))
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let meta = if link.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::bad_input(
                    path,
                    "output is a symbolic link to nothing; refusing to write through it",
                ))
            }
            Err(e) => return Err(Error::io(path, e)),
        }
    } else {
        link.clone()
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(Error::bad_input(path, "output is a directory"));
    }
    if ft.is_file() {
        let target = if link.file_type().is_symlink() {
            path.canonicalize().map_err(|e| Error::io(path, e))?
        } else {
            path.to_path_buf()
        };
        return Ok(Dest::Rename(target, Some(replaced_permissions(&meta))));
    }
    if is_block_device(&meta) {
        return Err(Error::bad_input(
            path,
            "output is a block device; refusing to write to it",
        ));
    }
    Ok(Dest::Stream)
}

#[cfg(unix)]
fn is_block_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_block_device()
}

#[cfg(not(unix))]
fn is_block_device(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    let mut p = std::fs::metadata(".")
        .map(|m| m.permissions())
        .expect("current directory");
    p.set_readonly(false);
    p
}

/// The permissions a replaced file passes on: its permission bits, never setuid, setgid or
/// sticky.
#[cfg(unix)]
fn replaced_permissions(meta: &std::fs::Metadata) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn replaced_permissions(meta: &std::fs::Metadata) -> std::fs::Permissions {
    meta.permissions()
}

/// Identity of a file: device and inode on Unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

/// The identity of the file at `path` (following links), if it exists.
fn file_id(path: &Path) -> Option<FileId> {
    FILE_IDS.fetch_add(1, Ordering::Relaxed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| FileId::Inode(m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        path.canonicalize().ok().map(FileId::Path)
    }
}

/// `path` with its longest existing ancestor canonicalised and the rest resolved lexically
/// (`nope/..` of a directory that does not exist yet is what it will be once created).
fn resolve_future(path: &Path) -> PathBuf {
    let comps: Vec<Component> = path.components().collect();
    for k in (0..=comps.len()).rev() {
        let base: PathBuf = if k == 0 {
            PathBuf::from(".")
        } else {
            comps[..k].iter().collect()
        };
        if let Ok(mut out) = base.canonicalize() {
            for c in &comps[k..] {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return out;
        }
    }
    path.to_path_buf()
}

/// Refuses an output path that is (or, once its directories are created, will be) one of the
/// inputs, compared by device and inode. The inputs are also remembered: every output of this
/// process is checked against them again just before it is put in place. For many outputs,
/// [`InputGuard`] looks the inputs up once.
pub fn ensure_not_input(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    InputGuard::new(inputs)?.check(output)
}

/// The identities of a command's inputs, looked up once ([`protect_inputs`] and the checks of
/// [`ensure_not_input`]), against which each output is then checked in constant time: a batch
/// of n pairs has 2n inputs and several outputs a pair, and checking every output against
/// every input anew made `align --batch` cubic in the number of pairs (3,000 small pairs ran
/// for over ten CPU minutes in this check alone).
#[derive(Debug)]
pub struct InputGuard {
    ids: HashSet<FileId>,
}

impl InputGuard {
    /// Remembers `inputs` ([`protect_inputs`]) and refuses one that belongs to an interrupted
    /// commit that could not be finished.
    pub fn new(inputs: &[PathBuf]) -> Result<InputGuard> {
        protect_inputs(inputs);
        for input in inputs {
            check_unfinished(input)?;
        }
        Ok(InputGuard {
            ids: inputs.iter().filter_map(|p| file_id(p)).collect(),
        })
    }

    /// Refuses `output` if it is (or, once its directories are created, will be) one of the
    /// inputs.
    pub fn check(&self, output: &Path) -> Result<()> {
        let candidates = [file_id(output), file_id(&resolve_future(output))];
        if candidates.iter().flatten().any(|id| self.ids.contains(id)) {
            return Err(refusal(output));
        }
        Ok(())
    }
}

/// How many times this process has looked up a file's identity (device and inode): one
/// `stat` each. Reported by `--timings` as the counter `output.file_ids`, so that a test can
/// check that the checks of a batch's outputs grow linearly with the batch.
pub fn file_identity_lookups() -> u64 {
    FILE_IDS.load(Ordering::Relaxed)
}

/// Whether `a` and `b` name the same existing file (by device and inode, resolving `..` of
/// directories that do not exist yet); nothing is remembered.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let id_b = file_id(b);
    id_b.is_some() && (file_id(a) == id_b || file_id(&resolve_future(a)) == id_b)
}

/// Remembers `inputs`: no output of this process may be put in place over one of them.
pub fn protect_inputs(inputs: &[PathBuf]) {
    // an input written by an interrupted commit is read as its set was decided
    for input in inputs {
        if std::fs::metadata(input).is_ok_and(|m| m.is_file()) {
            clean_stale_once(&parent_dir(input));
        }
    }
    let mut protected = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
    let protected = protected.get_or_insert_with(HashMap::new);
    for input in inputs {
        if let Some(id) = file_id(input) {
            protected.entry(id).or_default().insert(input.clone());
        }
    }
}

fn refusal(output: &Path) -> Error {
    Error::bad_input(output, "refusing to overwrite an input file with output")
}

/// The check just before an output is put in place: `target` (the path renamed over or
/// written into) must not be a protected input.
fn check_protected(output: &Path, target: &Path) -> Result<()> {
    let Some(id) = file_id(target) else {
        return Ok(());
    };
    let protected = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
    let hit = protected
        .as_ref()
        .and_then(|p| p.get(&id))
        .is_some_and(|paths| paths.iter().any(|path| file_id(path).as_ref() == Some(&id)));
    if hit {
        return Err(refusal(output));
    }
    Ok(())
}

/// Finishes the interrupted commits in `dir` ([`recover_dir`]), then removes our stale
/// temporary files from it; once per directory and process. A journal that cannot be
/// finished (a read-only folder…) is remembered, so that no file of its set is read.
fn clean_stale_once(dir: &Path) {
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if !cleaned.get_or_insert_with(HashSet::new).insert(key.clone()) {
            return;
        }
    }
    let why = match recover_dir(&key) {
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    };
    let _ = remove_stale_temporaries(&key);
    let left: Vec<Unfinished> = journals_in(&key)
        .into_iter()
        .filter(|(path, meta, _)| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            writer_gone(name, meta)
        })
        .filter_map(|(path, _, journal)| {
            Some(Unfinished {
                journal: path,
                targets: journal?.moves.iter().map(|(_, t)| same_place(t)).collect(),
                why: why.clone().unwrap_or_else(|| "unknown reason".into()),
            })
        })
        .collect();
    if !left.is_empty() {
        UNFINISHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(left);
    }
}

/// `path` in a form that two spellings of the same place share: its folder resolved (or made
/// absolute), then its name.
fn same_place(path: &Path) -> PathBuf {
    let dir = parent_dir(path);
    let dir = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(&dir))
        .unwrap_or(dir);
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// Called before a command reads `path` (a document, TMX, CSV, glossary…): first finishes the
/// interrupted commits of writers that are gone in its folder (once per folder and process,
/// as for outputs), so that a read-only command (`tm stats`, `tm lookup`, `qa`…) never reads a
/// set half old and half new. If such a commit cannot be finished (the folder is read-only, a
/// rename fails) and `path` belongs to its set, the read is refused, saying why and what to
/// run. Paths that are not regular files (pipes, devices, `-`) are left alone.
pub fn before_reading(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Ok(()),
        // a file missing because its commit was cut short is put in place by the recovery
        Ok(_) | Err(_) => {}
    }
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Ok(());
    }
    clean_stale_once(&dir);
    check_unfinished(path)
}

/// Refuses `path` if it belongs to an interrupted commit that could not be finished.
fn check_unfinished(path: &Path) -> Result<()> {
    let unfinished = UNFINISHED.lock().unwrap_or_else(|e| e.into_inner());
    if unfinished.is_empty() {
        return Ok(());
    }
    let here = same_place(path);
    if let Some(u) = unfinished.iter().find(|u| u.targets.contains(&here)) {
        return Err(Error::bad_input(
            path,
            format!(
                "belongs to a set of files whose writing was interrupted and could not be \
                 finished ({}; journal {}): refusing to read a half-written set; run \
                 `tmalign recover {}` once the folder is writable",
                u.why,
                u.journal.display(),
                parent_dir(&u.journal).display()
            ),
        ));
    }
    Ok(())
}

/// What `tmalign recover DIR` does: finishes every interrupted commit of a writer that is gone
/// in `dir` and removes stale temporary files. Returns (paths put in place, temporary files
/// removed); an error if a commit could not be finished.
pub fn recover(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let moved = recover_dir(dir).map_err(|e| {
        let why = format!("could not finish an interrupted commit: {e}");
        Error::io(dir, std::io::Error::new(e.kind(), why))
    })?;
    let removed = remove_stale_temporaries(dir).map_err(|e| Error::io(dir, e))?;
    Ok((moved, removed))
}

/// Removes from `dir` the temporary files of earlier tmalign processes that are gone (named
/// `.tmalign-<pid>-….tmp` with no such process any more), or that are more than a day old;
/// a file that a journal still lists and other files are never touched. Returns the removed
/// paths.
pub fn remove_stale_temporaries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let listed = listed_by_journals(dir);
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        if listed.contains(&name) {
            continue;
        }
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        if writer_gone(name, &meta) && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    Ok(removed)
}

/// Whether no process `pid` exists (known only where `/proc` lists processes).
fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_dirs_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/out.txt");
        write_atomic(&target, b"hello").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        let leftovers: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_world_readable_or_keep_the_replaced_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write_atomic(&target, b"one").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), 0o644);
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(mode(&target), 0o640);
    }

    #[test]
    fn failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        let r = write_atomic_with(&target, |_| Err(std::io::Error::other("boom")));
        assert!(r.is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn refuses_to_overwrite_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "x").unwrap();
        assert!(ensure_not_input(&input, std::slice::from_ref(&input)).is_err());
        assert!(ensure_not_input(&dir.path().join("other"), &[input]).is_ok());
    }
    #[test]
    fn a_directory_that_does_not_exist_yet_cannot_hide_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.tmx");
        std::fs::write(&input, "x").unwrap();
        let sneaky = dir.path().join("nope/../a.tmx");
        assert!(ensure_not_input(&sneaky, std::slice::from_ref(&input)).is_err());
        assert!(!dir.path().join("nope").exists());
        assert_eq!(resolve_future(&sneaky), input.canonicalize().unwrap());
        // and the last check, after the parent was created, catches it as well
        let r = write_atomic(&sneaky, b"y");
        assert!(r.is_err());
        assert_eq!(std::fs::read(&input).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link_and_its_target_loses_setuid() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o4755)).unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o755);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_into_never_replaced() {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return;
        }
        write_atomic(null, b"discarded").unwrap();
        let meta = std::fs::metadata(null).unwrap();
        assert!(!meta.file_type().is_file());
    }

    #[test]
    fn an_output_set_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "old a").unwrap();
        {
            let mut set = OutputSet::new();
            set.add(&a, b"new a").unwrap();
            assert!(set
                .add_with(&b, |_| Err(std::io::Error::other("disk full")))
                .is_err());
            // dropped without commit
        }
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut set = OutputSet::new();
        set.add(&a, b"new a").unwrap();
        set.add(&b, b"new b").unwrap();
        assert_eq!(set.commit().unwrap(), vec![a.clone(), b.clone()]);
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
    }

    #[test]
    fn only_our_stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // pid 0 is never a user process: its writer is gone
        let gone = dir.path().join(".tmalign-0-abc123.tmp");
        let mine = dir
            .path()
            .join(format!(".tmalign-{}-abc123.tmp", std::process::id()));
        let other = dir.path().join(".other-0-abc.tmp");
        let fresh_old_style = dir.path().join(".tmalign-Xyz12.tmp");
        for p in [&gone, &mine, &other, &fresh_old_style] {
            std::fs::write(p, "x").unwrap();
        }
        let removed = remove_stale_temporaries(dir.path()).unwrap();
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, vec![gone.clone()]);
        }
        assert!(mine.exists() && other.exists() && fresh_old_style.exists());
    }

    #[test]
    fn a_journal_reads_back_and_a_cut_one_does_not() {
        let j = Journal {
            copies: vec![PathBuf::from("/a/.tmalign-1-x.journal")],
            moves: vec![
                (
                    PathBuf::from("/a/.tmalign-1-y.tmp"),
                    PathBuf::from("/a/b c\nd.tmx"),
                ),
                (
                    PathBuf::from("/a/.tmalign-1-z.tmp"),
                    PathBuf::from("/a/é.seg"),
                ),
            ],
        };
        let text = j.to_text();
        assert_eq!(Journal::parse(&text), Some(j));
        let cut = &text[..text.len() - "end\n".len()];
        assert_eq!(Journal::parse(cut), None);
        assert_eq!(Journal::parse("something else\nend\n"), None);
    }

    #[test]
    fn recovery_rolls_a_dead_writers_journal_forward_and_keeps_its_files_from_the_cleanup() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        // a writer (pid 0: gone) decided on {a, b}, renamed a, and was killed
        std::fs::write(d.join("a.txt"), "new a").unwrap();
        std::fs::write(d.join("b.txt"), "old b").unwrap();
        let tmp_b = d.join(".tmalign-0-bbb.tmp");
        std::fs::write(&tmp_b, "new b").unwrap();
        let journal = d.join(".tmalign-0-j.journal");
        let j = Journal {
            copies: vec![journal.clone()],
            moves: vec![
                (d.join(".tmalign-0-aaa.tmp"), d.join("a.txt")),
                (tmp_b.clone(), d.join("b.txt")),
            ],
        };
        std::fs::write(&journal, j.to_text()).unwrap();
        // the cleanup alone must not take the file the journal still needs
        assert!(remove_stale_temporaries(&d).unwrap().is_empty());
        assert!(tmp_b.exists());
        if !Path::new("/proc/self").exists() {
            return;
        }
        assert_eq!(recover_dir(&d).unwrap(), vec![d.join("b.txt")]);
        assert_eq!(std::fs::read_to_string(d.join("a.txt")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(d.join("b.txt")).unwrap(), "new b");
        assert!(!journal.exists() && !tmp_b.exists());
        // again: nothing to do
        assert!(recover_dir(&d).unwrap().is_empty());
    }

    #[test]
    fn a_committed_set_leaves_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new();
        for n in ["a", "b", "c"] {
            set.add(&dir.path().join(n), n.as_bytes()).unwrap();
        }
        set.commit().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
