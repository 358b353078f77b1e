//! Reading and checking the two documents of a pair before anything is aligned or written.
//!
//! A side is read either as presegmented text (one segment a line) or through the pipeline
//! (`ingest` → `segment`). Its language is, in order of preference: the one given by the
//! caller, the one its file name announces (`report.ru.txt`), the one detected in its text.
//! Every check that can fail on user input happens here, so that a batch either fails before
//! its first output or runs to the end.

use crate::align::Segment;
use crate::ingest::inline::InlineCode;
use crate::ingest::{ingest_file, IngestOptions};
use crate::lang::LanguageSplitter;
use crate::segment::{segment_paragraphs, segmenter_for, Segmenter};
use crate::tm::naming::name_lang;
use crate::tm::unit::is_size_mismatch;
use crate::{Error, Lang, Result};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// One document pair to align, before reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairJob {
    /// Output stem (`DIR/<stem>.tmx` …).
    pub stem: String,
    /// Source document.
    pub src: PathBuf,
    /// Target document.
    pub tgt: PathBuf,
}

/// How to read the documents.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// One segment a line, no ingest or segmentation. Blank lines are segments too, so that
    /// segment index = zero-based line number (bead files then refer to lines directly).
    pub presegmented: bool,
    /// Source language, if known.
    pub src_lang: Option<Lang>,
    /// Target language, if known.
    pub tgt_lang: Option<Lang>,
    /// Options for `ingest` (ignored with `presegmented`).
    pub ingest: IngestOptions,
}

/// A document pair read and checked, ready to align.
#[derive(Debug, Clone)]
pub struct LoadedPair {
    /// What was asked for.
    pub job: PairJob,
    /// Source language.
    pub src_lang: Lang,
    /// Target language.
    pub tgt_lang: Lang,
    /// Source segments.
    pub src: Vec<Segment>,
    /// Target segments.
    pub tgt: Vec<Segment>,
    /// The two sides differ wildly in size ([`is_size_mismatch`]): align anyway, but warn.
    pub size_mismatch: bool,
    /// The source's paragraphs and their inline codes when it is an office document with
    /// formatting ([`crate::tm::tags::segment_codes`]); both empty otherwise.
    pub src_inline: (Vec<String>, Vec<Vec<InlineCode>>),
    /// The same for the target.
    pub tgt_inline: (Vec<String>, Vec<Vec<InlineCode>>),
}

/// Reads document pairs; keeps the language models and segmenters it builds for reuse.
pub struct Loader {
    options: InputOptions,
    splitter: OnceCell<LanguageSplitter>,
    segmenters: [OnceCell<Box<dyn Segmenter>>; 3],
}

/// Reads a presegmented file: UTF-8 (a BOM is skipped), one segment a line, LF or CRLF; a
/// final line break does not start another segment.
pub fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = crate::ingest::read_text_file(path)?;
    if bytes.contains(&0) {
        return Err(Error::bad_input(path, "looks like a binary file, not text"));
    }
    // (simdutf8: the same check as `std::str::from_utf8`, several times faster on Chinese and
    // Cyrillic text; ~1 % of a 10,000-segment alignment went to validating its two files)
    let text = simdutf8::basic::from_utf8(&bytes).map_err(|_| {
        Error::bad_input(path, "not valid UTF-8 (presegmented input must be UTF-8)")
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::bad_input(path, "file has no text"));
    }
    Ok(text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect())
}

/// The segments of presegmented lines without the blank ones, which mark paragraphs instead
/// (each blank run starts a new paragraph); `lines[k]` is the input line of segment `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct Compact {
    /// The non-blank lines as segments, paragraph indices counted at blank lines.
    pub segments: Vec<Segment>,
    /// The 0-based line of each segment.
    pub lines: Vec<usize>,
    /// How many lines the input has (blank ones included).
    pub n_lines: usize,
}

impl Compact {
    /// The non-blank `lines` (one segment each) with blank lines as paragraph marks.
    pub fn of_lines(lines: &[Segment]) -> Compact {
        Compact::of_owned_lines(lines.to_vec())
    }

    /// [`Compact::of_lines`] taking the lines: their texts move into the segments (a long
    /// document's lines are not copied once more).
    pub fn of_owned_lines(lines: Vec<Segment>) -> Compact {
        let n_lines = lines.len();
        let mut segments = Vec::with_capacity(n_lines);
        let mut at = Vec::with_capacity(n_lines);
        let mut paragraph = 0;
        let mut blank_before = false;
        for (k, line) in lines.into_iter().enumerate() {
            if line.text.trim().is_empty() {
                blank_before = true;
                continue;
            }
            if blank_before && !segments.is_empty() {
                paragraph += 1;
            }
            blank_before = false;
            segments.push(Segment {
                text: line.text,
                paragraph,
            });
            at.push(k);
        }
        Compact {
            segments,
            lines: at,
            n_lines,
        }
    }
}

impl Loader {
    /// A loader with these options.
    pub fn new(options: InputOptions) -> Self {
        Loader {
            options,
            splitter: OnceCell::new(),
            segmenters: Default::default(),
        }
    }

    fn lang_index(lang: Lang) -> usize {
        match lang {
            Lang::Zh => 0,
            Lang::Ru => 1,
            Lang::En => 2,
        }
    }

    /// The language of one side: given, else from the file name, else detected from `texts`.
    fn resolve_lang(
        &self,
        given: Option<Lang>,
        flag: &str,
        path: &Path,
        texts: &[String],
    ) -> Result<Lang> {
        if let Some(l) = given {
            // a flag the text's script contradicts is a mistake, not an override
            crate::lang::check_given_language(path, flag, l, texts)?;
            return Ok(l);
        }
        if let Some(l) = name_lang(path) {
            return Ok(l);
        }
        // Building the splitter loads the language models: only when detection is needed.
        let splitter = self
            .splitter
            .get_or_init(|| LanguageSplitter::new(&Lang::ALL));
        splitter
            .dominant(texts)
            .ok_or_else(|| Error::bad_input(path, "no Chinese, Russian or English text found"))
    }

    /// The raw units of a side: lines (presegmented) or clean paragraphs, with the
    /// paragraphs' inline codes (none for text).
    fn read_units(&self, path: &Path) -> Result<(Vec<String>, Vec<Vec<InlineCode>>)> {
        if self.options.presegmented {
            Ok((read_lines(path)?, Vec::new()))
        } else {
            let doc = ingest_file(path, &self.options.ingest)?;
            if doc.paragraphs.is_empty() {
                return Err(Error::bad_input(path, "file has no text"));
            }
            Ok((doc.paragraphs, doc.inline))
        }
    }

    /// Turns the raw units of a side into segments.
    fn segments(&self, path: &Path, lang: Lang, units: Vec<String>) -> Result<Vec<Segment>> {
        let segs = if self.options.presegmented {
            Segment::from_owned_lines(units)
        } else {
            let seg = self.segmenters[Self::lang_index(lang)].get_or_init(|| segmenter_for(lang));
            Segment::from_paragraphs(&segment_paragraphs(seg.as_ref(), &units))
        };
        if segs.iter().all(|s| s.text.trim().is_empty()) {
            return Err(Error::bad_input(path, "no sentences found"));
        }
        Ok(segs)
    }

    /// Reads and checks one pair: both files readable and non-empty, in two different
    /// languages.
    pub fn load_pair(&self, job: &PairJob) -> Result<LoadedPair> {
        // by device and inode: two pipes (`<(cat a) <(cat b)`) have no canonical path but are
        // not the same file
        if crate::output::same_file(&job.src, &job.tgt) {
            return Err(Error::bad_input(
                &job.tgt,
                "source and target are the same file",
            ));
        }
        let (src_units, src_codes) = self.read_units(&job.src)?;
        let (tgt_units, tgt_codes) = self.read_units(&job.tgt)?;
        let inline = |units: &[String], codes: Vec<Vec<InlineCode>>| {
            if codes.is_empty() {
                (Vec::new(), codes)
            } else {
                (units.to_vec(), codes)
            }
        };
        let src_inline = inline(&src_units, src_codes);
        let tgt_inline = inline(&tgt_units, tgt_codes);
        let src_lang =
            self.resolve_lang(self.options.src_lang, "--src-lang", &job.src, &src_units)?;
        let tgt_lang =
            self.resolve_lang(self.options.tgt_lang, "--tgt-lang", &job.tgt, &tgt_units)?;
        if src_lang == tgt_lang {
            return Err(Error::bad_input(
                &job.tgt,
                format!(
                    "same language ({src_lang}) as the source {}; expected its translation",
                    job.src.display()
                ),
            ));
        }
        let src = self.segments(&job.src, src_lang, src_units)?;
        let tgt = self.segments(&job.tgt, tgt_lang, tgt_units)?;
        let size_mismatch = is_size_mismatch(src.len(), tgt.len());
        Ok(LoadedPair {
            job: job.clone(),
            src_lang,
            tgt_lang,
            src,
            tgt,
            size_mismatch,
            src_inline,
            tgt_inline,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(dir: &Path, s: &str, t: &str) -> PairJob {
        PairJob {
            stem: "x".into(),
            src: dir.join(s),
            tgt: dir.join(t),
        }
    }

    #[test]
    fn blank_lines_mark_paragraphs() {
        let lines = Segment::from_lines(&["", "一", "二", "", "", "三"]);
        let c = Compact::of_lines(&lines);
        let texts: Vec<(&str, usize)> = c
            .segments
            .iter()
            .map(|s| (s.text.as_str(), s.paragraph))
            .collect();
        assert_eq!(texts, vec![("一", 0), ("二", 0), ("三", 1)]);
        assert_eq!(c.lines, vec![1, 2, 5]);
        assert_eq!(Compact::of_owned_lines(lines), c);
    }

    #[test]
    fn presegmented_keeps_line_numbers() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.zh"), "\u{FEFF}一\r\n\n三\n").unwrap();
        std::fs::write(d.path().join("a.ru"), "раз\nдва\nтри").unwrap();
        let loader = Loader::new(InputOptions {
            presegmented: true,
            ..Default::default()
        });
        let p = loader.load_pair(&job(d.path(), "a.zh", "a.ru")).unwrap();
        assert_eq!((p.src_lang, p.tgt_lang), (Lang::Zh, Lang::Ru));
        let texts: Vec<&str> = p.src.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["一", "", "三"]);
        assert_eq!(p.tgt.len(), 3);
        assert!(!p.size_mismatch);
    }

    #[test]
    fn rejects_bad_pairs_naming_the_file() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.zh"), "一\n").unwrap();
        std::fs::write(d.path().join("b.zh"), "二\n").unwrap();
        std::fs::write(d.path().join("e.ru"), "\n \n").unwrap();
        std::fs::write(d.path().join("bin.ru"), b"\x00\x01").unwrap();
        std::fs::write(d.path().join("latin1.ru"), b"caf\xe9\n").unwrap();
        let loader = Loader::new(InputOptions {
            presegmented: true,
            ..Default::default()
        });
        for (t, needle) in [
            ("b.zh", "same language"),
            ("e.ru", "no text"),
            ("bin.ru", "binary"),
            ("latin1.ru", "UTF-8"),
            ("missing.ru", "missing.ru"),
            ("a.zh", "same file"),
        ] {
            let e = loader.load_pair(&job(d.path(), "a.zh", t)).unwrap_err();
            let msg = e.to_string();
            assert!(e.is_bad_input(), "{msg}");
            assert!(msg.contains(needle) && msg.contains(t), "{msg}");
        }
    }
}
