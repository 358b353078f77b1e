//! TMX 1.4b writer, streaming to any [`Write`].
//!
//! The document is UTF-8 with an XML declaration and a `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`
//! (optional: [`TmxOptions::doctype`]); it validates against the TMX 1.4b DTD. One `<tu>` per
//! bead with text on both sides; 1-0 / 0-1 beads and beads with a blank side are not
//! translation units and are left out (the review CSV keeps them). Each `<tu>` carries the
//! properties `x-confidence` (three decimals), `x-bead` (`m-n`) and `x-source-file`, and, when
//! the options give them, `x-target-file`, the document name as `x-document` and `x-context`
//! (what memoQ and Trados show as the unit's document or context), those the caller adds per
//! unit ([`TmxOptions::unit_props`]: `x-part`, `x-paragraph`), and the attributes
//! `creationdate` / `creationid` ([`TmxOptions::creation_id`]).
//!
//! Inline tags of office documents ([`super::tags`]) become `<bpt>` / `<ept>` / `<ph>`.
//! Text is cleaned of characters XML 1.0 forbids (C0 controls except tab / LF / CR, U+FFFE,
//! U+FFFF) and `&`, `<`, `>` are escaped (quotes too inside attributes).

use super::unit::AlignedPair;
use crate::{Error, Lang, Result};
use std::io::{self, Write};
use time::OffsetDateTime;

/// Language tags written in the TMX (`xml:lang`, `srclang`), one per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locales {
    /// Tag for Chinese (default `zh-CN`).
    pub zh: String,
    /// Tag for Russian (default `ru-RU`).
    pub ru: String,
    /// Tag for English (default `en-US`).
    pub en: String,
}

impl Default for Locales {
    fn default() -> Self {
        Locales {
            zh: Lang::Zh.default_locale().into(),
            ru: Lang::Ru.default_locale().into(),
            en: Lang::En.default_locale().into(),
        }
    }
}

impl Locales {
    /// The tag for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// Defaults overridden by a list such as `zh=zh-TW,en=en-GB`.
    pub fn parse_overrides(list: &str) -> Result<Locales> {
        let mut out = Locales::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (lang, tag) = item.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "bad locale {}: expected LANG=TAG, e.g. zh=zh-CN",
                    crate::error::quote(item)
                ))
            })?;
            let lang: Lang = lang.trim().parse()?;
            let tag = tag.trim();
            let ok = !tag.is_empty()
                && tag.split('-').all(|p| {
                    !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if !ok || Lang::parse(tag) != Some(lang) {
                return Err(Error::Usage(format!(
                    "bad language tag {} for {lang} (expected e.g. {})",
                    crate::error::quote(tag),
                    lang.default_locale()
                )));
            }
            match lang {
                Lang::Zh => out.zh = tag.into(),
                Lang::Ru => out.ru = tag.into(),
                Lang::En => out.en = tag.into(),
            }
        }
        Ok(out)
    }
}

/// How to write a TMX file.
#[derive(Debug, Clone)]
pub struct TmxOptions {
    /// Source language (`srclang` of the header and of the first `<tuv>`).
    pub src_lang: Lang,
    /// Target language.
    pub tgt_lang: Lang,
    /// Language tags.
    pub locales: Locales,
    /// `creationdate` of the header.
    pub creation_date: OffsetDateTime,
    /// Value of each unit's `x-source-file` property (the source file's name).
    pub source_file: String,
    /// Write the `<!DOCTYPE tmx SYSTEM "tmx14.dtd">` line.
    pub doctype: bool,
    /// `segtype` of the header: `sentence` for aligned text, `phrase` for a glossary.
    pub segtype: &'static str,
    /// Further `<prop>`s per unit, keyed by [`AlignedPair::id`] (`x-part` = `footnote` for a
    /// unit from the footnotes of an office document); written after the standard ones.
    pub unit_props: std::collections::BTreeMap<usize, Vec<(String, String)>>,
    /// `<prop type="…">` elements of the header (e.g. `x-tmalign-scorer`); none by default,
    /// and then the header is the empty element it always was.
    pub header_props: Vec<(String, String)>,
    /// Value of each unit's `x-target-file` property (none when empty).
    pub target_file: String,
    /// The document name, written as each unit's `x-document` and `x-context` (none when
    /// empty).
    pub document: String,
    /// When set, each unit gets `creationdate` (the [`creation_date`](Self::creation_date))
    /// and `creationid` (this user) attributes, as CAT tools write them.
    pub creation_id: Option<String>,
    /// When set, units with a confidence below this go to `<stem>.low.tmx` instead of
    /// `<stem>.tmx` (`--min-confidence`, see [`crate::tm::stage_outputs`]).
    pub split_below: Option<f64>,
    /// The texts may hold inline tags ([`super::tags`]: pairs of office documents), written
    /// as `<bpt>` / `<ept>` / `<ph>`; off for the records of a TMX read back, whose texts
    /// are only text (a private-use character stays one).
    pub inline_tags: bool,
}

impl TmxOptions {
    /// Options with default locales, the DOCTYPE line and [`creation_date`] as the date.
    pub fn new(src_lang: Lang, tgt_lang: Lang, source_file: impl Into<String>) -> Self {
        TmxOptions {
            src_lang,
            tgt_lang,
            locales: Locales::default(),
            creation_date: creation_date(),
            source_file: source_file.into(),
            doctype: true,
            segtype: "sentence",
            unit_props: Default::default(),
            header_props: Vec::new(),
            target_file: String::new(),
            document: String::new(),
            creation_id: None,
            split_below: None,
            inline_tags: false,
        }
    }
}

/// The date to stamp outputs with: `SOURCE_DATE_EPOCH` (seconds since the Unix epoch) when set
/// and valid, so that builds and tests can be reproducible, else the current time.
pub fn creation_date() -> OffsetDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
}

/// `YYYYMMDDThhmmssZ` in UTC, the TMX date format.
pub fn tmx_date(date: OffsetDateTime) -> String {
    let d = date.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// Whether XML 1.0 allows `c` in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes `text` for XML element content (`attribute` also escapes quotes), dropping
/// characters XML 1.0 forbids. A CR is written as a character reference so that parsers do
/// not fold it into a line feed.
pub fn escape_xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\n' | '\t' if attribute => out.push_str(if c == '\n' { "&#xA;" } else { "&#x9;" }),
            c if is_xml_char(c) => out.push(c),
            _ => {} // illegal in XML 1.0: dropped
        }
    }
    out
}

/// One translation unit as the writer renders it: what [`write_tmx`] derives from an
/// [`AlignedPair`], and what the `tm` operations carry over from a TMX they read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TmxRecord {
    /// The `tuid`.
    pub tuid: String,
    /// Further `<tu>` attributes (`creationdate`, `changedate`…), written after `tuid`.
    pub attributes: Vec<(String, String)>,
    /// `<prop type="…">` of the unit, in order.
    pub props: Vec<(String, String)>,
    /// `<note>`s of the unit, in order (written after the props).
    pub notes: Vec<String>,
    /// Source text.
    pub source: String,
    /// Target text.
    pub target: String,
}

/// Writes the TMX document for `pairs` to `out`, one `<tu>` per pair that
/// [`AlignedPair::is_translation`]; returns the number of units written.
pub fn write_tmx<W: Write + ?Sized>(
    out: &mut W,
    pairs: &[AlignedPair],
    options: &TmxOptions,
) -> io::Result<usize> {
    let records: Vec<TmxRecord> = pairs
        .iter()
        .filter(|p| p.is_translation())
        .map(|pair| record_of(pair, options))
        .collect();
    let options = TmxOptions {
        inline_tags: true,
        ..options.clone()
    };
    write_tmx_records(out, &records, &options)
}

/// The record [`write_tmx`] writes for `pair` (a translation: both sides have text).
pub fn record_of(pair: &AlignedPair, options: &TmxOptions) -> TmxRecord {
    let mut props = vec![
        (
            "x-confidence".to_string(),
            format!("{:.3}", pair.bead.confidence),
        ),
        ("x-bead".into(), pair.bead.kind()),
        ("x-source-file".into(), options.source_file.clone()),
    ];
    if !options.target_file.is_empty() {
        props.push(("x-target-file".into(), options.target_file.clone()));
    }
    if !options.document.is_empty() {
        props.push(("x-document".into(), options.document.clone()));
        props.push(("x-context".into(), options.document.clone()));
    }
    props.extend(
        options
            .unit_props
            .get(&pair.id)
            .into_iter()
            .flatten()
            .cloned(),
    );
    // in name order, as a reader gives them back
    let attributes = match &options.creation_id {
        Some(user) => vec![
            ("creationdate".to_string(), tmx_date(options.creation_date)),
            ("creationid".to_string(), user.clone()),
        ],
        None => Vec::new(),
    };
    TmxRecord {
        tuid: pair.id.to_string(),
        attributes,
        notes: Vec::new(),
        props,
        source: pair.source.clone(),
        target: pair.target.clone(),
    }
}

/// Writes one `<prop type="key">value</prop>` line per pair, each after `indent`.
fn write_props<W: Write + ?Sized>(
    out: &mut W,
    indent: &str,
    props: &[(String, String)],
) -> io::Result<()> {
    for (key, value) in props {
        writeln!(
            out,
            r#"{indent}<prop type="{}">{}</prop>"#,
            escape_xml(key, true),
            escape_xml(value, false)
        )?;
    }
    Ok(())
}

/// Writes a TMX document with one `<tu>` per record (`options.source_file` is not used: the
/// records carry their own properties); returns the number of units written.
pub fn write_tmx_records<W: Write + ?Sized>(
    out: &mut W,
    records: &[TmxRecord],
    options: &TmxOptions,
) -> io::Result<usize> {
    write_tmx_stream(out, records.iter().map(Ok), options)
}

/// [`write_tmx_records`] for records that come one at a time (a streaming merge): the first
/// error of `records` stops the writing and is returned.
pub fn write_tmx_stream<W, R>(
    out: &mut W,
    records: impl IntoIterator<Item = io::Result<R>>,
    options: &TmxOptions,
) -> io::Result<usize>
where
    W: Write + ?Sized,
    R: std::borrow::Borrow<TmxRecord>,
{
    let src_tag = escape_xml(options.locales.get(options.src_lang), true);
    let tgt_tag = escape_xml(options.locales.get(options.tgt_lang), true);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    if options.doctype {
        writeln!(out, r#"<!DOCTYPE tmx SYSTEM "tmx14.dtd">"#)?;
    }
    writeln!(out, r#"<tmx version="1.4">"#)?;
    writeln!(
        out,
        r#"  <header creationtool="tmalign" creationtoolversion="{}" segtype="{}" o-tmf="tmalign" adminlang="en" srclang="{src_tag}" datatype="plaintext" creationdate="{}"{}>"#,
        escape_xml(env!("CARGO_PKG_VERSION"), true),
        options.segtype,
        tmx_date(options.creation_date),
        if options.header_props.is_empty() {
            "/"
        } else {
            ""
        }
    )?;
    if !options.header_props.is_empty() {
        write_props(out, "    ", &options.header_props)?;
        writeln!(out, "  </header>")?;
    }
    writeln!(out, "  <body>")?;
    let seg = |text: &str| {
        if options.inline_tags {
            super::tags::render_tmx(text)
        } else {
            escape_xml(text, false)
        }
    };
    let mut n = 0;
    for record in records {
        let record = record?;
        let record = record.borrow();
        write!(out, r#"    <tu tuid="{}""#, escape_xml(&record.tuid, true))?;
        for (key, value) in &record.attributes {
            write!(out, r#" {key}="{}""#, escape_xml(value, true))?;
        }
        writeln!(out, ">")?;
        write_props(out, "      ", &record.props)?;
        for note in &record.notes {
            writeln!(out, "      <note>{}</note>", escape_xml(note, false))?;
        }
        writeln!(
            out,
            r#"      <tuv xml:lang="{src_tag}"><seg>{}</seg></tuv>"#,
            seg(&record.source)
        )?;
        writeln!(
            out,
            r#"      <tuv xml:lang="{tgt_tag}"><seg>{}</seg></tuv>"#,
            seg(&record.target)
        )?;
        writeln!(out, "    </tu>")?;
        n += 1;
    }
    writeln!(out, "  </body>")?;
    writeln!(out, "</tmx>")?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::Bead;
    use quick_xml::events::Event;

    fn pair(
        id: usize,
        s: &str,
        t: &str,
        src: std::ops::Range<usize>,
        tgt: std::ops::Range<usize>,
    ) -> AlignedPair {
        AlignedPair {
            id,
            bead: Bead {
                src,
                tgt,
                confidence: 0.91234,
            },
            source: s.into(),
            target: t.into(),
            flags: vec![],
        }
    }

    fn fixed_options() -> TmxOptions {
        let mut o = TmxOptions::new(Lang::Zh, Lang::Ru, "a&b.zh");
        o.creation_date = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        o
    }

    /// Reads back (tuv lang, seg text) pairs with a real XML parser.
    fn read_back(xml: &str) -> Vec<(String, String)> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut out = Vec::new();
        let mut lang = String::new();
        let mut in_seg = false;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == b"tuv" => {
                    let a = e.try_get_attribute("xml:lang").unwrap().unwrap();
                    lang = a.unescape_value().unwrap().into_owned();
                }
                Event::Start(e) if e.name().as_ref() == b"seg" => {
                    in_seg = true;
                    out.push((lang.clone(), String::new()));
                }
                Event::End(e) if e.name().as_ref() == b"seg" => in_seg = false,
                Event::Text(t) if in_seg => {
                    let s = t.decode().unwrap();
                    out.last_mut()
                        .unwrap()
                        .1
                        .push_str(&quick_xml::escape::unescape(&s).unwrap());
                }
                Event::GeneralRef(r) if in_seg => {
                    let name = r.decode().unwrap();
                    let c = match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        other => panic!("unexpected entity {other}"),
                    };
                    out.last_mut().unwrap().1.push_str(c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    #[test]
    fn escapes_and_drops_illegal_characters() {
        assert_eq!(escape_xml("a<b>&\"'", false), "a&lt;b&gt;&amp;\"'");
        assert_eq!(escape_xml("a\"'", true), "a&quot;&apos;");
        assert_eq!(
            escape_xml("x\u{0}\u{1}\u{B}\u{FFFE}\u{FFFF}y\tz", false),
            "xy\tz"
        );
        assert_eq!(escape_xml("😀中", false), "😀中");
    }

    #[test]
    fn writes_units_and_skips_null_beads() {
        let pairs = vec![
            pair(1, "价格<5 & >3\u{1}", "цена <5 & >3", 0..1, 0..1),
            pair(2, "多余", "", 1..2, 1..1),
            pair(3, "二句", "Два \"предложения\"", 2..4, 1..2),
        ];
        let mut buf = Vec::new();
        let n = write_tmx(&mut buf, &pairs, &fixed_options()).unwrap();
        assert_eq!(n, 2);
        let xml = String::from_utf8(buf).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx"));
        assert!(xml.contains(r#"creationdate="20231114T221320Z""#), "{xml}");
        assert!(xml.contains(r#"srclang="zh-CN""#));
        assert!(xml.contains(&format!(
            r#"creationtoolversion="{}""#,
            env!("CARGO_PKG_VERSION")
        )));
        assert!(xml.contains(r#"<prop type="x-confidence">0.912</prop>"#));
        assert!(xml.contains(r#"<prop type="x-bead">2-1</prop>"#));
        assert!(xml.contains(r#"<prop type="x-source-file">a&amp;b.zh</prop>"#));
        assert!(!xml.contains("多余"));
        assert_eq!(
            read_back(&xml),
            vec![
                ("zh-CN".into(), "价格<5 & >3".into()),
                ("ru-RU".into(), "цена <5 & >3".into()),
                ("zh-CN".into(), "二句".into()),
                ("ru-RU".into(), "Два \"предложения\"".into()),
            ]
        );
    }

    #[test]
    fn locale_overrides() {
        let l = Locales::parse_overrides("zh=zh-TW, en=en-GB").unwrap();
        assert_eq!(l.get(Lang::Zh), "zh-TW");
        assert_eq!(l.get(Lang::Ru), "ru-RU");
        assert_eq!(l.get(Lang::En), "en-GB");
        assert!(Locales::parse_overrides("zh=ru-RU").is_err());
        assert!(Locales::parse_overrides("zh").is_err());
        assert!(Locales::parse_overrides("zh=zh\"CN").is_err());
    }

    #[test]
    fn date_format() {
        let d = OffsetDateTime::from_unix_timestamp(0).unwrap();
        assert_eq!(tmx_date(d), "19700101T000000Z");
    }
}
