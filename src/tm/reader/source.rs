//! Byte source of the TMX reader: encoding detection (BOM, XML declaration) and transcoding to
//! UTF-8, plus line counting so that every error can name a line and column.

use crate::{Error, Result};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::collections::VecDeque;
use std::io::{self, BufRead, Chain, Cursor, Read};
use std::path::Path;

/// How many bytes are inspected for a byte-order mark and the XML declaration.
const PROBE: usize = 1024;

/// The input as UTF-8: either the original stream (UTF-8 already) or a transcoded copy.
pub(crate) enum Utf8Source<R> {
    /// UTF-8 input, streamed; the probed prefix is replayed first.
    Direct(Chain<Cursor<Vec<u8>>, R>),
    /// Input in another encoding, decoded once into memory (TMX in legacy encodings is rare
    /// and small, so streaming transcoding is not worth its complexity).
    Decoded(Cursor<Vec<u8>>),
}

impl<R: BufRead> Read for Utf8Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Utf8Source::Direct(r) => r.read(buf),
            Utf8Source::Decoded(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> BufRead for Utf8Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Utf8Source::Direct(r) => r.fill_buf(),
            Utf8Source::Decoded(r) => r.fill_buf(),
        }
    }
    fn consume(&mut self, amt: usize) {
        match self {
            Utf8Source::Direct(r) => r.consume(amt),
            Utf8Source::Decoded(r) => r.consume(amt),
        }
    }
}

/// Reads up to [`PROBE`] bytes (fewer only at end of input).
fn probe<R: Read>(input: &mut R) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; PROBE];
    let mut filled = 0;
    while filled < PROBE {
        match input.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(filled);
    Ok(head)
}

/// The `encoding="…"` label of an ASCII-compatible XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<String> {
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_string())
}

/// Detects the encoding of `input` and returns it as a UTF-8 stream (without BOM) and the name
/// of the encoding found.
pub(crate) fn utf8_source<R: BufRead>(
    path: &Path,
    mut input: R,
) -> Result<(Utf8Source<R>, &'static str)> {
    let mut head = probe(&mut input).map_err(|e| Error::io(path, e))?;
    let (encoding, bom) = if head.starts_with(b"\xEF\xBB\xBF") {
        (UTF_8, 3)
    } else if head.starts_with(b"\xFF\xFE") {
        (UTF_16LE, 2)
    } else if head.starts_with(b"\xFE\xFF") {
        (UTF_16BE, 2)
    } else if head.starts_with(b"<\0?\0") {
        (UTF_16LE, 0)
    } else if head.starts_with(b"\0<\0?") {
        (UTF_16BE, 0)
    } else {
        match declared_encoding(&head) {
            None => (UTF_8, 0),
            Some(label) => {
                let enc = Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                    Error::bad_input(
                        path,
                        format!(
                            "line 1: unknown encoding {} in the XML declaration",
                            crate::error::quote(&label)
                        ),
                    )
                })?;
                // A UTF-16 label on bytes that are ASCII-compatible is a false claim; the
                // bytes win (the declaration was readable as ASCII).
                if enc == UTF_16LE || enc == UTF_16BE {
                    (UTF_8, 0)
                } else {
                    (enc, 0)
                }
            }
        }
    };
    // XML never holds a NUL: a file with one at its start is binary (`/dev/zero`, which would
    // otherwise be read forever), or UTF-16 that says so neither by BOM nor by declaration.
    if encoding != UTF_16LE && encoding != UTF_16BE {
        if let Some(at) = head.iter().position(|&b| b == 0) {
            return Err(Error::bad_input(
                path,
                format!(
                    "line 1: NUL byte at byte offset {at}: not an XML file (UTF-16? then it needs \
                     a byte-order mark or an XML declaration; or save it as UTF-8)"
                ),
            ));
        }
    }
    if encoding == UTF_8 {
        head.drain(..bom);
        return Ok((Utf8Source::Direct(Cursor::new(head).chain(input)), "UTF-8"));
    }
    input
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let (text, had_errors) = encoding.decode_without_bom_handling(&head[bom..]);
    if had_errors {
        // Find the line of the first undecodable sequence for the message.
        let good = first_bad_offset(encoding, &head[bom..]);
        let (text, _) = encoding.decode_without_bom_handling(&head[bom..bom + good]);
        let line = text.matches('\n').count() + 1;
        return Err(Error::bad_input(
            path,
            format!(
                "line {line}: bytes that are not valid {} (the declared or detected encoding)",
                encoding.name()
            ),
        ));
    }
    Ok((
        Utf8Source::Decoded(Cursor::new(text.into_owned().into_bytes())),
        encoding.name(),
    ))
}

/// Byte offset of the first malformed sequence of `bytes` in `encoding` (or its length).
fn first_bad_offset(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = vec![0u8; bytes.len() * 3 + 16];
    let (result, read, _) = decoder.decode_to_utf8_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(bad as usize),
        _ => bytes.len(),
    }
}

/// How many recently consumed bytes are kept to count the characters of a column.
const RECENT: usize = 64 * 1024;

/// A [`BufRead`] that remembers where the lines start as bytes are consumed, so that a byte
/// position can be turned into a line and column without keeping the document.
pub(crate) struct LineCounter<R> {
    inner: R,
    consumed: u64,
    /// The last [`RECENT`] bytes consumed, to turn a byte column into a character column.
    recent: VecDeque<u8>,
    /// Offsets of newlines consumed but not yet passed by a [`LineCounter::locate`] query.
    pending: VecDeque<u64>,
    /// Lines before the last located position, and where the current line starts.
    line: usize,
    line_start: u64,
    /// Bytes consumed since the last `<` or `>`: a longer run than
    /// [`super::MAX_UNIT_BYTES`] is refused, so that the XML parser's buffer stays bounded.
    since_markup: u64,
    /// The bytes consumed since [`LineCounter::restart_capture`] (when capturing), and the
    /// position of the first: what [`super::TmxReader::raw_unit`] cuts a `<tu>` from.
    capture: Option<Vec<u8>>,
    capture_start: u64,
}

impl<R: BufRead> LineCounter<R> {
    /// Starts keeping the bytes from position `pos` on (see [`LineCounter::captured_since`]):
    /// the parser may have consumed a little beyond the position it reports (the `<` after a
    /// text), which is taken back from the recent bytes.
    pub(crate) fn restart_capture(&mut self, pos: u64) {
        let buf = self.capture.get_or_insert_with(Vec::new);
        buf.clear();
        let back = usize::try_from(self.consumed.saturating_sub(pos))
            .unwrap_or(usize::MAX)
            .min(self.recent.len());
        buf.extend(self.recent.range(self.recent.len() - back..));
        self.capture_start = self.consumed - back as u64;
    }

    /// The bytes consumed from position `pos` on, if they were captured.
    pub(crate) fn captured_since(&self, pos: u64) -> Option<&[u8]> {
        let buf = self.capture.as_ref()?;
        let from = usize::try_from(pos.checked_sub(self.capture_start)?).ok()?;
        buf.get(from..)
    }

    /// 1-based line of byte `pos` (cheap: no column); see [`LineCounter::locate`].
    pub(crate) fn line_of(&mut self, pos: u64) -> usize {
        while let Some(&nl) = self.pending.front() {
            if nl >= pos {
                break;
            }
            self.pending.pop_front();
            self.line += 1;
            self.line_start = nl + 1;
        }
        self.line
    }

    /// Wraps `inner`.
    pub(crate) fn new(inner: R) -> Self {
        LineCounter {
            inner,
            consumed: 0,
            recent: VecDeque::new(),
            pending: VecDeque::new(),
            line: 1,
            line_start: 0,
            since_markup: 0,
            capture: None,
            capture_start: 0,
        }
    }

    /// 1-based line and column of byte `pos`. The column counts characters when the line
    /// starts within the last [`RECENT`] bytes read (always, but for giant lines), else
    /// bytes. Positions should be asked in non-decreasing order (the reader only moves
    /// forward); an earlier position is answered with the line of the latest one.
    pub(crate) fn locate(&mut self, pos: u64) -> (usize, u64) {
        self.line_of(pos);
        let recent_start = self.consumed - self.recent.len() as u64;
        if self.line_start >= recent_start && pos <= self.consumed && pos >= self.line_start {
            let a = (self.line_start - recent_start) as usize;
            let b = (pos - recent_start) as usize;
            // UTF-8 continuation bytes do not start a character.
            let chars = self
                .recent
                .range(a..b)
                .filter(|&&x| x & 0xC0 != 0x80)
                .count();
            return (self.line, chars as u64 + 1);
        }
        (self.line, pos.saturating_sub(self.line_start) + 1)
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since_markup > super::MAX_UNIT_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} MiB without any markup (a text, tag or attribute that long is not TMX); refused",
                    super::MAX_UNIT_BYTES >> 20
                ),
            ));
        }
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        // The buffer is still there: `fill_buf` without an intervening `consume` returns it
        // again without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            for (i, b) in buf[..amt].iter().enumerate() {
                if *b == b'\n' {
                    self.pending.push_back(self.consumed + i as u64);
                }
            }
            self.consumed += amt as u64;
            match buf[..amt].iter().rposition(|b| *b == b'<' || *b == b'>') {
                Some(i) => self.since_markup = (amt - i - 1) as u64,
                None => self.since_markup += amt as u64,
            }
            if let Some(capture) = self.capture.as_mut() {
                capture.extend_from_slice(&buf[..amt]);
            }
            self.recent.extend(&buf[..amt]);
            if self.recent.len() > RECENT {
                let excess = self.recent.len() - RECENT;
                self.recent.drain(..excess);
            }
            self.inner.consume(amt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> Result<String> {
        let (mut src, _) = utf8_source(Path::new("x.tmx"), bytes)?;
        let mut s = String::new();
        src.read_to_string(&mut s).unwrap();
        Ok(s)
    }

    #[test]
    fn detects_boms_and_declarations() {
        assert_eq!(decode_all(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        let le: Vec<u8> = "\u{FEFF}<a>中</a>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode_all(&le).unwrap(), "<a>中</a>");
        let be: Vec<u8> = "\u{FEFF}<a>ж</a>"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode_all(&be).unwrap(), "<a>ж</a>");
        let mut cp = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><a>".to_vec();
        cp.push(0xE6); // ж
        assert!(decode_all(&cp).unwrap().ends_with("<a>ж"));
        assert!(decode_all(b"<?xml version='1.0' encoding='klingon'?><a/>").is_err());
    }

    #[test]
    fn counts_lines() {
        let mut c = LineCounter::new("ab\ncd\n\nef\nжж!".as_bytes());
        let mut s = String::new();
        c.read_to_string(&mut s).unwrap();
        assert_eq!(c.locate(0), (1, 1));
        assert_eq!(c.locate(4), (2, 2));
        assert_eq!(c.locate(7), (4, 1));
        assert_eq!(c.locate(14), (5, 3)); // after two 2-byte characters
    }
}
