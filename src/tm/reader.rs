//! Streaming TMX reader for TMX 1.1–1.4b files written by any tool (tmalign, OmegaT,
//! translate-toolkit, Trados exports…).
//!
//! * Encoding: a byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16 without BOM, or the encoding
//!   named in the XML declaration (any label `encoding_rs` knows); UTF-8 by default.
//! * `<tuv xml:lang="…">` and the TMX 1.1 spelling `<tuv lang="…">` are both accepted.
//! * Inline markup in `<seg>` is reduced to text: the text of `hi` and `sub` is kept, the native
//!   codes inside `bpt`, `ept`, `ph`, `it` and `ut` are dropped, and the variant notes
//!   [`TmxVariant::had_markup`].
//! * `prop` and `note` are kept at header, `tu` and `tuv` level.
//! * Hostile input is refused without doing its bidding: a DOCTYPE with an internal subset
//!   (entity declarations: "billion laughs", external entities) is an error and nothing is ever
//!   expanded or fetched; undefined entities, characters XML 1.0 forbids, malformed or
//!   truncated markup are errors that name the line and column. A plain
//!   `<!DOCTYPE tmx SYSTEM "tmx14.dtd">` is fine (the DTD is not loaded).
//!
//! Every error is [`Error::BadInput`] naming the file, with `line L, column C:` in its message
//! (the column counts characters; on lines longer than 64 KiB, bytes).
//!
//! ```
//! use std::path::Path;
//! use tmalign::tm::reader::TmxReader;
//! use tmalign::Lang;
//!
//! let tmx = r#"<tmx version="1.4"><header srclang="zh-CN"/><body>
//! <tu tuid="1"><tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv lang="RU"><seg>привет</seg></tuv></tu>
//! </body></tmx>"#;
//! let mut units = TmxReader::new(Path::new("memory.tmx"), tmx.as_bytes())?;
//! assert_eq!(units.header().srclang.as_deref(), Some("zh-CN"));
//! let unit = units.next().unwrap()?;
//! assert_eq!(unit.variant(Lang::Ru).unwrap().text, "привет");
//! assert_eq!(unit.line, 2);
//! # Ok::<(), tmalign::Error>(())
//! ```

mod source;

/// Most attributes one element may have (TMX elements have at most a dozen).
pub const MAX_ATTRIBUTES: usize = 256;

/// Largest `<tu>` (64 MiB from its start tag to its end tag), and longest run of bytes
/// without markup: a streaming reader holds one unit at a time, so this bounds its memory
/// on any input (an endless `<seg>`, `/dev/urandom` after a TMX header).
pub const MAX_UNIT_BYTES: u64 = 64 << 20;

use crate::ingest::xml::predefined_entity;
use crate::tm::tmx::is_xml_char;
use crate::{Error, Lang, Result};
use quick_xml::events::{BytesStart, Event};
use source::{utf8_source, LineCounter, Utf8Source};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The `<header>` of a TMX file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TmxHeader {
    /// The `srclang` attribute as written (may be `*all*`).
    pub srclang: Option<String>,
    /// All header attributes as written (`srclang` included).
    pub attributes: BTreeMap<String, String>,
    /// `<prop type="…">value</prop>` in document order.
    pub props: Vec<(String, String)>,
    /// `<note>` texts in document order.
    pub notes: Vec<String>,
}

/// One `<tuv>`: a language variant of a translation unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmxVariant {
    /// The language tag as written (`xml:lang`, or `lang` in TMX 1.1).
    pub lang: String,
    /// The text of `<seg>`, inline markup reduced to text (see the module documentation).
    pub text: String,
    /// Whether `<seg>` contained inline elements.
    pub had_markup: bool,
    /// `<prop>`s of the variant.
    pub props: Vec<(String, String)>,
    /// `<note>`s of the variant.
    pub notes: Vec<String>,
}

/// One `<tu>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmxUnit {
    /// The `tuid` attribute.
    pub id: Option<String>,
    /// 1-based line of the `<tu>` start tag.
    pub line: usize,
    /// All attributes of `<tu>` as written (`tuid` included).
    pub attributes: BTreeMap<String, String>,
    /// `<prop>`s of the unit.
    pub props: Vec<(String, String)>,
    /// `<note>`s of the unit.
    pub notes: Vec<String>,
    /// The `<tuv>`s in document order.
    pub variants: Vec<TmxVariant>,
}

impl TmxUnit {
    /// The first variant in `lang`, language tags matched with the default [`LangMap`]
    /// (`zh`, `ZH-cn`, `zh_CN`, `zh-Hans-CN` are all Chinese).
    pub fn variant(&self, lang: Lang) -> Option<&TmxVariant> {
        self.variant_with(lang, &LangMap::default())
    }

    /// The first variant in `lang`, language tags resolved with `map`.
    pub fn variant_with(&self, lang: Lang, map: &LangMap) -> Option<&TmxVariant> {
        self.variants
            .iter()
            .find(|v| map.resolve(&v.lang) == Some(lang))
    }

    /// Mutable access to the first variant in `lang` (see [`TmxUnit::variant_with`]).
    pub fn variant_mut_with(&mut self, lang: Lang, map: &LangMap) -> Option<&mut TmxVariant> {
        self.variants
            .iter_mut()
            .find(|v| map.resolve(&v.lang) == Some(lang))
    }

    /// The value of the first unit-level `<prop type="key">`.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A whole TMX file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TmxDocument {
    /// The header.
    pub header: TmxHeader,
    /// The translation units in document order.
    pub units: Vec<TmxUnit>,
}

/// How language tags of a TMX file map to tmalign's languages.
///
/// By default a tag resolves with [`Lang::parse`] (primary subtag: `zh-TW` is Chinese,
/// `de-DE` is nothing). Entries override that: `zh-TW=none` ignores Traditional Chinese
/// variants, `cmn=zh` or `x-chinese=zh` maps a private code. Keys match case-insensitively,
/// `_` equals `-`, and a key also matches longer tags that extend it (`zh-Hant` matches
/// `zh-Hant-TW`); the longest matching key wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LangMap {
    entries: Vec<(String, Option<Lang>)>,
}

/// Canonical spelling of a tag for matching: trimmed, lower case, `-` separators.
fn normalize_tag(tag: &str) -> String {
    tag.trim().to_ascii_lowercase().replace('_', "-")
}

impl LangMap {
    /// An empty map: tags resolve with [`Lang::parse`].
    pub fn new() -> Self {
        LangMap::default()
    }

    /// Parses `TAG=LANG,…` where LANG is `zh`, `ru`, `en` or `none`.
    pub fn parse(list: &str) -> Result<LangMap> {
        let mut map = LangMap::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (tag, lang) = item.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "bad language mapping {}: expected TAG=LANG, e.g. zh-TW=zh or zh-TW=none",
                    crate::error::quote(item)
                ))
            })?;
            let lang = match lang.trim() {
                l if l.eq_ignore_ascii_case("none") => None,
                l => Some(l.parse::<Lang>()?),
            };
            if tag.trim().is_empty() {
                return Err(Error::Usage(format!(
                    "bad language mapping {}: empty tag",
                    crate::error::quote(item)
                )));
            }
            map.insert(tag, lang);
        }
        Ok(map)
    }

    /// Maps `tag` (and longer tags extending it) to `lang`; `None` ignores such variants.
    pub fn insert(&mut self, tag: &str, lang: Option<Lang>) {
        let key = normalize_tag(tag);
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, lang));
    }

    /// The language of `tag`, or `None` when it is none of tmalign's (or mapped to none).
    pub fn resolve(&self, tag: &str) -> Option<Lang> {
        let tag = normalize_tag(tag);
        let best = self
            .entries
            .iter()
            .filter(|(k, _)| {
                tag == *k
                    || (tag.starts_with(k.as_str()) && tag.as_bytes().get(k.len()) == Some(&b'-'))
            })
            .max_by_key(|(k, _)| k.len());
        match best {
            Some((_, lang)) => *lang,
            None => Lang::parse(&tag),
        }
    }
}

/// Reads a whole TMX file. Errors name the file and the line and column.
pub fn read_tmx(path: &Path) -> Result<TmxDocument> {
    crate::output::before_reading(path)?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_all(path, BufReader::new(file))
}

/// Reads a TMX document from memory (`path` only names it in messages).
pub fn read_tmx_bytes(path: &Path, bytes: &[u8]) -> Result<TmxDocument> {
    read_all(path, bytes)
}

/// Reads every unit of `input` into one document.
fn read_all<R: BufRead>(path: &Path, input: R) -> Result<TmxDocument> {
    let mut reader = TmxReader::new(path, input)?;
    let mut units = Vec::new();
    for unit in &mut reader {
        units.push(unit?);
    }
    Ok(TmxDocument {
        header: reader.header().clone(),
        units,
    })
}

/// An XML event reduced to what the TMX grammar needs, owned.
enum Ev {
    /// A start tag (empty elements come as a start and an end).
    Start {
        name: String,
        attributes: BTreeMap<String, String>,
        line: usize,
        /// Byte position of the `<` (in the UTF-8 the parser reads).
        pos: u64,
    },
    /// An end tag.
    End,
    /// Character data (text, CDATA, resolved references).
    Text(String),
    /// End of input (only after every element was closed).
    Eof,
}

/// Inline elements whose content is native code, dropped from the text.
const CODE_ELEMENTS: [&str; 5] = ["bpt", "ept", "ph", "it", "ut"];

/// Streaming TMX reader: the header is read by [`TmxReader::new`], then the reader yields one
/// [`TmxUnit`] at a time. After the first error it yields nothing more.
pub struct TmxReader<R: BufRead> {
    path: PathBuf,
    xml: quick_xml::Reader<LineCounter<Utf8Source<R>>>,
    buf: Vec<u8>,
    /// Open elements: name and line of the start tag.
    open: Vec<(String, usize)>,
    header: TmxHeader,
    encoding: &'static str,
    done: bool,
    /// Whether the root element has been closed (a second one is an error).
    root_closed: bool,
    /// Where the `<tu>` being read starts (byte, line), for [`MAX_UNIT_BYTES`].
    unit_start: Option<(u64, usize)>,
    /// Whether each unit's XML is kept ([`TmxReader::keep_raw_units`]), and the last one's.
    keep_raw: bool,
    raw: String,
}

impl<R: BufRead> TmxReader<R> {
    /// Starts reading `input` (named `path_for_messages` in errors): detects the encoding,
    /// checks the prolog and reads up to `<body>`, so that [`TmxReader::header`] is known.
    pub fn new(path_for_messages: &Path, input: R) -> Result<Self> {
        let (source, encoding) = utf8_source(path_for_messages, input)?;
        let mut xml = quick_xml::Reader::from_reader(LineCounter::new(source));
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.check_comments = true;
        config.trim_text(false);
        let mut reader = TmxReader {
            path: path_for_messages.to_path_buf(),
            xml,
            buf: Vec::new(),
            open: Vec::new(),
            header: TmxHeader::default(),
            encoding,
            done: false,
            root_closed: false,
            unit_start: None,
            keep_raw: false,
            raw: String::new(),
        };
        reader.read_prolog()?;
        Ok(reader)
    }

    /// The header (empty when the file has none).
    pub fn header(&self) -> &TmxHeader {
        &self.header
    }

    /// Keeps the XML of each unit read from now on, as [`TmxReader::raw_unit`]: what a
    /// rewrite that must not change a unit (`tm merge`) writes back instead of the parsed
    /// [`TmxUnit`], which reduces inline markup to text.
    pub fn keep_raw_units(&mut self) {
        self.keep_raw = true;
    }

    /// The XML of the last unit yielded, from `<tu` to `</tu>` exactly as in the file (in
    /// UTF-8 whatever the file's encoding; line ends as they were), when
    /// [`TmxReader::keep_raw_units`] was called before it was read; empty otherwise.
    pub fn raw_unit(&self) -> &str {
        &self.raw
    }

    /// The encoding the file was decoded from (`UTF-8`, `UTF-16LE`, `windows-1251`…).
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// A [`Error::BadInput`] at byte `pos`.
    fn error_at(&mut self, pos: u64, message: impl std::fmt::Display) -> Error {
        let (line, column) = self.xml.get_mut().locate(pos);
        Error::bad_input(
            &self.path,
            format!("line {line}, column {column}: {message}"),
        )
    }

    /// A [`Error::BadInput`] at a known line.
    fn error_line(&self, line: usize, message: impl std::fmt::Display) -> Error {
        Error::bad_input(&self.path, format!("line {line}: {message}"))
    }

    /// Checks that `text` (starting at byte `pos`) has only characters XML 1.0 allows.
    fn check_chars(&mut self, text: &str, pos: u64) -> Result<()> {
        if let Some((i, c)) = text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
            return Err(self.error_at(
                pos + i as u64,
                format!("character U+{:04X} is not allowed in XML", c as u32),
            ));
        }
        Ok(())
    }

    /// `bytes` (starting at byte `pos`) as UTF-8, or an error at the first bad byte.
    fn utf8<'b>(&mut self, bytes: &'b [u8], pos: u64) -> Result<&'b str> {
        std::str::from_utf8(bytes).map_err(|e| {
            self.error_at(
                pos + e.valid_up_to() as u64,
                "bytes that are not valid UTF-8 (declare the encoding in the XML declaration)",
            )
        })
    }

    /// The next event, with nesting tracked and every well-formedness problem turned into an
    /// error with a position.
    fn next_event(&mut self) -> Result<Ev> {
        loop {
            let start = self.xml.buffer_position();
            if let Some((unit, line)) = self.unit_start {
                if start.saturating_sub(unit) > MAX_UNIT_BYTES {
                    return Err(self.error_line(
                        line,
                        format!(
                            "<tu> longer than {} MiB: refused (no translation unit is that long)",
                            MAX_UNIT_BYTES >> 20
                        ),
                    ));
                }
            }
            // The buffer is taken out of `self` so that the event borrowing it can be handled
            // by `&mut self` methods without copying it.
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            let outcome = match self.xml.read_event_into(&mut buf) {
                Ok(event) => self.handle_event(event, start),
                Err(e) => {
                    let pos = self.xml.error_position();
                    let message = match &e {
                        quick_xml::Error::Syntax(s) => {
                            format!("malformed XML ({s}); is the file truncated or not XML?")
                        }
                        quick_xml::Error::IllFormed(
                            quick_xml::errors::IllFormedError::UnclosedReference,
                        ) => "malformed XML: `&` that does not start a reference (a literal & \
                              must be written &amp;)"
                            .to_string(),
                        quick_xml::Error::Io(io)
                            if io.kind() == std::io::ErrorKind::InvalidData =>
                        {
                            io.to_string()
                        }
                        other => format!("malformed XML: {other}"),
                    };
                    Err(self.error_at(pos, message))
                }
            };
            self.buf = buf;
            if let Some(ev) = outcome? {
                return Ok(ev);
            }
        }
    }

    /// One XML event as an [`Ev`], or `None` for events the grammar ignores.
    fn handle_event(&mut self, event: Event<'_>, start: u64) -> Result<Option<Ev>> {
        match event {
            Event::Start(e) => {
                let (name, attributes) = self.start_tag(&e, start)?;
                if self.open.is_empty() && self.root_closed {
                    return Err(self.error_at(
                        start,
                        format!("a second root element <{name}> after the end of <tmx>"),
                    ));
                }
                let line = self.xml.get_mut().line_of(start);
                self.open.push((name.clone(), line));
                return Ok(Some(Ev::Start {
                    name,
                    attributes,
                    line,
                    pos: start,
                }));
            }
            Event::End(_) => {
                self.open.pop();
                self.root_closed |= self.open.is_empty();
                return Ok(Some(Ev::End));
            }
            Event::Empty(_) => {
                // expand_empty_elements is on, so this does not happen.
                return Err(self.error_at(start, "internal: unexpanded empty element"));
            }
            Event::Text(t) => {
                let raw = self.utf8(&t, start)?;
                if self.open.is_empty() && !raw.trim().is_empty() {
                    return Err(self.error_at(
                        start,
                        "text outside the root element: this is not an XML (TMX) file",
                    ));
                }
                // Checked before line ends are normalised, so that offsets are the file's.
                self.check_chars(raw, start)?;
                let text = t
                    .xml10_content()
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                return Ok(Some(Ev::Text(text)));
            }
            Event::CData(t) => {
                let raw = self.utf8(&t, start + 9)?;
                self.check_chars(raw, start + 9)?;
                let text = t
                    .xml10_content()
                    .map(|c| c.into_owned())
                    .unwrap_or_default();
                return Ok(Some(Ev::Text(text)));
            }
            Event::GeneralRef(r) => {
                let name = match r.decode() {
                    Ok(n) => n.into_owned(),
                    Err(_) => return Err(self.error_at(start, "reference is not valid UTF-8")),
                };
                let text = match name.as_str() {
                    n if n.starts_with('#') => match r.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                        Ok(Some(c)) => {
                            return Err(self.error_at(
                                start,
                                format!(
                                    "character reference &{n}; is U+{:04X}, not allowed in XML",
                                    c as u32
                                ),
                            ))
                        }
                        _ => {
                            return Err(self.error_at(
                                start,
                                format!("invalid character reference &{n};"),
                            ))
                        }
                    },
                    n => match predefined_entity(n) {
                        Some(t) => t.to_string(),
                        None => {
                            return Err(self.error_at(
                                start,
                                format!(
                                    "undefined entity &{n}; (TMX files may only use &amp; &lt; &gt; &quot; &apos;)"
                                ),
                            ))
                        }
                    },
                };
                return Ok(Some(Ev::Text(text)));
            }
            Event::DocType(d) => {
                let content = String::from_utf8_lossy(&d).into_owned();
                if content.contains('[') || content.contains("<!") {
                    return Err(self.error_at(
                        start,
                        "DOCTYPE with an internal subset (entity declarations) refused: \
                         tmalign never expands entities",
                    ));
                }
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => {
                if let Some((name, line)) = self.open.last().cloned() {
                    let end = self.xml.buffer_position();
                    return Err(self.error_at(
                        end,
                        format!(
                            "the file ends here, inside <{name}> opened at line {line}: it is truncated"
                        ),
                    ));
                }
                return Ok(Some(Ev::Eof));
            }
        }
        Ok(None)
    }

    /// Name and attributes of a start tag at byte `pos`.
    fn start_tag(
        &mut self,
        e: &BytesStart<'_>,
        pos: u64,
    ) -> Result<(String, BTreeMap<String, String>)> {
        let name = match std::str::from_utf8(e.name().as_ref()) {
            Ok(n) => n.to_string(),
            Err(_) => return Err(self.error_at(pos, "element name is not valid UTF-8")),
        };
        if name.is_empty() {
            return Err(self.error_at(
                pos,
                "malformed XML: `<` that does not start a tag (a literal < must be written &lt;)",
            ));
        }
        let mut attributes = BTreeMap::new();
        // quick-xml's duplicate check compares each attribute with all before it (quadratic:
        // a 2 MB tag took a minute); the map below finds duplicates, and the count is capped.
        let mut all = e.attributes();
        all.with_checks(false);
        for (k, attr) in all.enumerate() {
            if k == MAX_ATTRIBUTES {
                return Err(self.error_at(
                    pos,
                    format!("<{name}> has more than {MAX_ATTRIBUTES} attributes"),
                ));
            }
            let attr = match attr {
                Ok(a) => a,
                Err(err) => {
                    return Err(self.error_at(pos, format!("bad attribute in <{name}>: {err}")))
                }
            };
            let key = match std::str::from_utf8(attr.key.as_ref()) {
                Ok(k) => k.to_string(),
                Err(_) => return Err(self.error_at(pos, "attribute name is not valid UTF-8")),
            };
            if attr.value.contains(&b'<') {
                return Err(self.error_at(
                    pos,
                    format!("`<` in the value of attribute {key} of <{name}> (write &lt;)"),
                ));
            }
            let value = match attr.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(err) => {
                    return Err(self.error_at(
                        pos,
                        format!("bad value of attribute {key} in <{name}>: {err}"),
                    ))
                }
            };
            self.check_chars(&value, pos)?;
            if let Some(_previous) = attributes.insert(key.clone(), value) {
                return Err(self.error_at(
                    pos,
                    format!("bad attribute in <{name}>: duplicate attribute {key}"),
                ));
            }
        }
        Ok((name, attributes))
    }

    /// Skips the rest of the element just started.
    fn skip_element(&mut self) -> Result<()> {
        let depth = self.open.len();
        while self.open.len() >= depth {
            if let Ev::Eof = self.next_event()? {
                break; // cannot happen: Eof inside an element is an error
            }
        }
        Ok(())
    }

    /// All text of the element just started (nested elements' text included).
    fn element_text(&mut self) -> Result<String> {
        let depth = self.open.len();
        let mut text = String::new();
        while self.open.len() >= depth {
            match self.next_event()? {
                Ev::Text(t) => text.push_str(&t),
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(text)
    }

    /// Reads up to and including `<body>`.
    fn read_prolog(&mut self) -> Result<()> {
        let mut saw_root = false;
        loop {
            match self.next_event()? {
                Ev::Start { name, line, .. } if !saw_root => {
                    if name != "tmx" {
                        return Err(self.error_line(
                            line,
                            format!("not a TMX file: the root element is <{name}>, not <tmx>"),
                        ));
                    }
                    saw_root = true;
                }
                Ev::Start {
                    name, attributes, ..
                } if self.open.len() == 2 && name == "header" => {
                    self.header.srclang = attributes.get("srclang").cloned();
                    self.header.attributes = attributes;
                    self.read_header_children()?;
                }
                Ev::Start { name, .. } if self.open.len() == 2 && name == "body" => return Ok(()),
                Ev::Start { .. } => self.skip_element()?,
                Ev::End => {
                    let pos = self.xml.buffer_position();
                    return Err(self.error_at(pos, "<tmx> has no <body>"));
                }
                Ev::Text(_) => {}
                Ev::Eof => {
                    return Err(Error::bad_input(
                        &self.path,
                        "not a TMX file: no <tmx> element (empty or not XML)",
                    ))
                }
            }
        }
    }

    /// Reads the children of the element whose start tag was just read, up to its end tag:
    /// `prop`s and `note`s (allowed in `<header>`, `<tu>` and `<tuv>` alike) go to `props` and
    /// `notes`; every other child goes to `other` (reader, name, attributes, line), which reads
    /// or skips it.
    fn read_children(
        &mut self,
        props: &mut Vec<(String, String)>,
        notes: &mut Vec<String>,
        mut other: impl FnMut(&mut Self, &str, BTreeMap<String, String>, usize) -> Result<()>,
    ) -> Result<()> {
        let depth = self.open.len();
        while self.open.len() >= depth {
            match self.next_event()? {
                Ev::Start {
                    name,
                    attributes,
                    line,
                    ..
                } => match name.as_str() {
                    "prop" => {
                        let key = attributes.get("type").cloned().unwrap_or_default();
                        let value = self.element_text()?;
                        props.push((key, value));
                    }
                    "note" => {
                        let note = self.element_text()?;
                        notes.push(note);
                    }
                    _ => other(self, &name, attributes, line)?,
                },
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads the `prop`s and `note`s of `<header>` up to its end tag.
    fn read_header_children(&mut self) -> Result<()> {
        // Taken out and put back: `read_children` borrows the reader mutably.
        let mut props = std::mem::take(&mut self.header.props);
        let mut notes = std::mem::take(&mut self.header.notes);
        let read = self.read_children(&mut props, &mut notes, |r, _, _, _| r.skip_element());
        self.header.props = props;
        self.header.notes = notes;
        read
    }

    /// Reads one `<tu>` whose start tag was just read.
    fn read_unit(&mut self, attributes: BTreeMap<String, String>, line: usize) -> Result<TmxUnit> {
        let mut unit = TmxUnit {
            id: attributes.get("tuid").cloned(),
            line,
            attributes,
            props: Vec::new(),
            notes: Vec::new(),
            variants: Vec::new(),
        };
        let variants = &mut unit.variants;
        self.unit_start = Some((self.xml.buffer_position(), line));
        let read = self.read_children(
            &mut unit.props,
            &mut unit.notes,
            |r, name, attributes, line| {
                if name == "tuv" {
                    variants.push(r.read_variant(attributes, line)?);
                    Ok(())
                } else {
                    r.skip_element()
                }
            },
        );
        self.unit_start = None;
        read?;
        if unit.variants.is_empty() {
            return Err(self.error_line(line, "<tu> without any <tuv>/<seg>"));
        }
        // Whole TMs are kept in memory by some callers: no spare capacity per unit.
        unit.variants.shrink_to_fit();
        unit.props.shrink_to_fit();
        Ok(unit)
    }

    /// Reads one `<tuv>` whose start tag was just read.
    fn read_variant(
        &mut self,
        attributes: BTreeMap<String, String>,
        line: usize,
    ) -> Result<TmxVariant> {
        let lang = attributes
            .get("xml:lang")
            .or_else(|| attributes.get("lang"))
            .cloned()
            .ok_or_else(|| self.error_line(line, "<tuv> without xml:lang (or lang) attribute"))?;
        let mut variant = TmxVariant {
            lang,
            text: String::new(),
            had_markup: false,
            props: Vec::new(),
            notes: Vec::new(),
        };
        let mut seen_seg = false;
        // Taken out and put back: `read_seg` below needs the whole variant.
        let (mut props, mut notes) = (Vec::new(), Vec::new());
        self.read_children(&mut props, &mut notes, |r, name, _, seg_line| {
            if name == "seg" && seen_seg {
                Err(r.error_line(
                    seg_line,
                    "a second <seg> in one <tuv> (a variant has one segment)",
                ))
            } else if name == "seg" {
                seen_seg = true;
                r.read_seg(&mut variant)
            } else {
                r.skip_element()
            }
        })?;
        variant.props = props;
        variant.notes = notes;
        if !seen_seg {
            return Err(self.error_line(line, "<tuv> without <seg>"));
        }
        variant.text.shrink_to_fit();
        Ok(variant)
    }

    /// Reads the content of `<seg>` (just started) into `variant`.
    fn read_seg(&mut self, variant: &mut TmxVariant) -> Result<()> {
        let depth = self.open.len();
        // Whether text is kept, per open inline element: `sub` restores text inside codes.
        let mut keep: Vec<bool> = Vec::new();
        while self.open.len() >= depth {
            match self.next_event()? {
                Ev::Start { name, .. } => {
                    variant.had_markup = true;
                    let parent = keep.last().copied().unwrap_or(true);
                    keep.push(if name == "sub" {
                        true
                    } else if CODE_ELEMENTS.contains(&name.as_str()) {
                        false
                    } else {
                        parent
                    });
                }
                Ev::End => {
                    keep.pop();
                }
                Ev::Text(t) => {
                    if keep.last().copied().unwrap_or(true) {
                        variant.text.push_str(&t);
                    }
                }
                Ev::Eof => break,
            }
        }
        Ok(())
    }

    /// Keeps the bytes captured from `pos` (the `<` of a `<tu>` at `line`, just read whole)
    /// as [`TmxReader::raw_unit`].
    fn take_raw(&mut self, pos: u64, line: usize) -> Result<()> {
        let bytes = self
            .xml
            .get_ref()
            .captured_since(pos)
            .ok_or_else(|| Error::Internal("the unit's XML was not captured".into()))?;
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.raw.push_str(text);
                Ok(())
            }
            Err(_) => Err(self.error_line(
                line,
                "the <tu> has bytes that are not valid UTF-8 (in a comment?)",
            )),
        }
    }

    /// Reads after `</body>`: only the end of `<tmx>` and misc may follow.
    fn read_epilog(&mut self) -> Result<()> {
        loop {
            match self.next_event()? {
                Ev::Eof => return Ok(()),
                Ev::Start { .. } => self.skip_element()?,
                _ => {}
            }
        }
    }
}

impl<R: BufRead> Iterator for TmxReader<R> {
    type Item = Result<TmxUnit>;

    fn next(&mut self) -> Option<Result<TmxUnit>> {
        if self.done {
            return None;
        }
        self.raw.clear();
        let result = loop {
            if self.keep_raw {
                // (between units: what is captured is the next event only)
                let pos = self.xml.buffer_position();
                self.xml.get_mut().restart_capture(pos);
            }
            let event = match self.next_event() {
                Ok(e) => e,
                Err(e) => break Some(Err(e)),
            };
            match event {
                Ev::Start {
                    name,
                    attributes,
                    line,
                    pos,
                } if name == "tu" => {
                    let unit = self.read_unit(attributes, line);
                    break Some(match unit {
                        Ok(unit) if self.keep_raw => self.take_raw(pos, line).map(|()| unit),
                        other => other,
                    });
                }
                Ev::Start { .. } => {
                    if let Err(e) = self.skip_element() {
                        break Some(Err(e));
                    }
                }
                Ev::End => {
                    // </body>
                    break match self.read_epilog() {
                        Ok(()) => None,
                        Err(e) => Some(Err(e)),
                    };
                }
                Ev::Text(_) => {}
                Ev::Eof => break None,
            }
        };
        if !matches!(result, Some(Ok(_))) {
            self.done = true;
        }
        result
    }
}

#[cfg(test)]
mod tests;
