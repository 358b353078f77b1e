//! SRX 2.0 rule files (the segmentation-rules exchange format CAT tools share).
//!
//! A file holds named `languagerule`s, each an ordered list of `rule`s (`break="yes|no"`, a
//! `beforebreak` and an `afterbreak` regular expression), and `maprules` whose
//! `languagemap`s pick language rules by a regular expression on the language code. With
//! `cascade="yes"` in the header every matching map contributes its rules, in map order;
//! otherwise only the first matching map does. At each position the first rule whose
//! `beforebreak` matches the text ending there and whose `afterbreak` matches the text
//! starting there decides; positions where no rule matches do not break.
//!
//! Regular expressions go through `fancy-regex`, which accepts the look-around the
//! Java-flavoured expressions in SRX files often use. `beforebreak` is matched against at most
//! [`LOOKBEHIND`] bytes before a position and `afterbreak` against at most [`LOOKAHEAD`] bytes
//! after it, which keeps long paragraphs linear.

use super::engine::ranges_from_cuts;
use super::Segmenter;
use crate::{Error, Lang, Result};
use fancy_regex::Regex;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

/// How far back (in bytes) a `beforebreak` expression can see.
pub const LOOKBEHIND: usize = 512;

/// How far ahead (in bytes) an `afterbreak` expression can see.
pub const LOOKAHEAD: usize = 512;

/// One `rule` of a language rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SrxRule {
    /// `break="yes"` (the default) or `"no"`.
    pub is_break: bool,
    /// The `beforebreak` expression, empty if absent.
    pub before: String,
    /// The `afterbreak` expression, empty if absent.
    pub after: String,
}

/// The content of an SRX 2.0 file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SrxFile {
    /// The header's `cascade` flag.
    pub cascade: bool,
    /// Language rules by name, in file order.
    pub language_rules: Vec<(String, Vec<SrxRule>)>,
    /// `(languagepattern, languagerulename)` pairs, in file order.
    pub maps: Vec<(String, String)>,
}

impl SrxFile {
    /// Parses the text of an SRX file; `path` names it in errors.
    pub fn parse(xml: &str, path: &Path) -> Result<SrxFile> {
        let bad = |msg: String| Error::bad_input(path, format!("SRX: {msg}"));
        let mut reader = Reader::from_str(xml);
        let mut file = SrxFile::default();
        let mut current_rule: Option<SrxRule> = None;
        // Which text-bearing element we are in: 1 = beforebreak, 2 = afterbreak.
        let mut in_text = 0u8;
        let mut saw_root = false;
        loop {
            let event = reader.read_event().map_err(|e| {
                bad(format!(
                    "malformed XML at byte {}: {e}",
                    reader.buffer_position()
                ))
            })?;
            let is_empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name();
                    let attr = |key: &str| -> Result<Option<String>> {
                        match e.try_get_attribute(key) {
                            Ok(Some(a)) => a
                                .unescape_value()
                                .map(|v| Some(v.into_owned()))
                                .map_err(|err| bad(format!("bad attribute {key}: {err}"))),
                            Ok(None) => Ok(None),
                            Err(err) => Err(bad(format!("bad attribute {key}: {err}"))),
                        }
                    };
                    match name.as_ref() {
                        b"srx" => saw_root = true,
                        b"header" => {
                            file.cascade = attr("cascade")?.is_some_and(|v| v.trim() == "yes");
                        }
                        b"languagerule" => {
                            let name = attr("languagerulename")?.ok_or_else(|| {
                                bad("languagerule without languagerulename".into())
                            })?;
                            file.language_rules.push((name, Vec::new()));
                        }
                        b"rule" => {
                            let is_break = attr("break")?.is_none_or(|v| v.trim() != "no");
                            let rule = SrxRule {
                                is_break,
                                ..SrxRule::default()
                            };
                            if is_empty {
                                push_rule(&mut file, rule).map_err(bad)?;
                            } else {
                                current_rule = Some(rule);
                            }
                        }
                        b"beforebreak" => in_text = 1,
                        b"afterbreak" => in_text = 2,
                        b"languagemap" => {
                            let pattern = attr("languagepattern")?
                                .ok_or_else(|| bad("languagemap without languagepattern".into()))?;
                            let rule = attr("languagerulename")?.ok_or_else(|| {
                                bad("languagemap without languagerulename".into())
                            })?;
                            file.maps.push((pattern, rule));
                        }
                        _ => {}
                    }
                    // An empty `<beforebreak/>` has no text and no end event.
                    if matches!(name.as_ref(), b"beforebreak" | b"afterbreak") && is_empty {
                        in_text = 0;
                    }
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| bad(format!("bad text: {e}")))?;
                    append_text(&mut current_rule, in_text, &text);
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| bad(format!("bad CDATA: {e}")))?;
                    append_text(&mut current_rule, in_text, &text);
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(|e| bad(format!("bad entity: {e}")))?;
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| bad(format!("unknown entity &{name};")))?
                            .to_string(),
                    };
                    append_text(&mut current_rule, in_text, &resolved);
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"beforebreak" | b"afterbreak" => in_text = 0,
                    b"rule" => {
                        if let Some(rule) = current_rule.take() {
                            push_rule(&mut file, rule).map_err(bad)?;
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        if !saw_root {
            return Err(bad("no <srx> root element".into()));
        }
        Ok(file)
    }

    /// The rules that apply to `lang`, in order (see the module docs for cascading).
    pub fn rules_for(&self, lang: Lang) -> Result<Vec<SrxRule>, String> {
        let mut out = Vec::new();
        let mut matched = false;
        for (pattern, name) in &self.maps {
            let re = Regex::new(&format!("(?i)^(?:{pattern})$")).map_err(|e| {
                format!(
                    "bad languagepattern {}: {}",
                    crate::error::quote(pattern),
                    crate::error::clip_message(&e.to_string())
                )
            })?;
            let hit = [lang.default_locale(), lang.code()]
                .iter()
                .any(|code| re.is_match(code).unwrap_or(false));
            if !hit {
                continue;
            }
            matched = true;
            let rules = self
                .language_rules
                .iter()
                .find(|(n, _)| n == name)
                .ok_or_else(|| {
                    format!(
                        "languagemap names unknown languagerule {}",
                        crate::error::quote(name)
                    )
                })?;
            out.extend(rules.1.iter().cloned());
            if !self.cascade {
                break;
            }
        }
        if !matched {
            return Err(format!("no languagemap matches {}", lang.default_locale()));
        }
        Ok(out)
    }
}

fn append_text(rule: &mut Option<SrxRule>, which: u8, text: &str) {
    if let Some(r) = rule {
        match which {
            1 => r.before.push_str(text),
            2 => r.after.push_str(text),
            _ => {}
        }
    }
}

fn push_rule(file: &mut SrxFile, rule: SrxRule) -> std::result::Result<(), String> {
    match file.language_rules.last_mut() {
        Some((_, rules)) => {
            rules.push(rule);
            Ok(())
        }
        None => Err("rule outside languagerule".into()),
    }
}

/// A compiled rule.
struct Compiled {
    is_break: bool,
    /// `beforebreak` as written, to find candidate positions (`None`: matches everywhere).
    before_find: Option<Regex>,
    /// `beforebreak` anchored at the end of the look-behind window.
    before_end: Option<Regex>,
    /// `afterbreak` anchored at the position.
    after_start: Option<Regex>,
}

/// A segmenter driven by SRX rules.
pub struct SrxSegmenter {
    rules: Vec<Compiled>,
}

impl SrxSegmenter {
    /// Compiles `rules`; the error names the offending expression.
    pub fn new(rules: &[SrxRule]) -> Result<SrxSegmenter, String> {
        let compile =
            |pattern: &str, wrap: &dyn Fn(&str) -> String| -> Result<Option<Regex>, String> {
                if pattern.is_empty() {
                    return Ok(None);
                }
                Regex::new(&wrap(pattern)).map(Some).map_err(|e| {
                    format!(
                        "bad rule expression {}: {}",
                        crate::error::quote(pattern),
                        crate::error::clip_message(&e.to_string())
                    )
                })
            };
        let mut compiled = Vec::with_capacity(rules.len());
        for r in rules {
            compiled.push(Compiled {
                is_break: r.is_break,
                before_find: compile(&r.before, &|p| p.to_string())?,
                before_end: compile(&r.before, &|p| format!("(?:{p})$"))?,
                after_start: compile(&r.after, &|p| format!("^(?:{p})"))?,
            });
        }
        Ok(SrxSegmenter { rules: compiled })
    }

    /// Reads and compiles the rules of an SRX file that apply to `lang`.
    pub fn from_file(path: &Path, lang: Lang) -> Result<SrxSegmenter> {
        let xml = crate::ingest::read_string_of(path, crate::ingest::FileKind::Srx)?;
        let file = SrxFile::parse(&xml, path)?;
        let rules = file
            .rules_for(lang)
            .map_err(|m| Error::bad_input(path, format!("SRX: {m}")))?;
        SrxSegmenter::new(&rules).map_err(|m| Error::bad_input(path, format!("SRX: {m}")))
    }

    fn after_matches(rule: &Compiled, text: &str, pos: usize) -> bool {
        let Some(re) = &rule.after_start else {
            return true;
        };
        let mut end = (pos + LOOKAHEAD).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        re.is_match(&text[pos..end]).unwrap_or(false)
    }

    fn before_matches(rule: &Compiled, text: &str, pos: usize) -> bool {
        let Some(re) = &rule.before_end else {
            return true;
        };
        let mut start = pos.saturating_sub(LOOKBEHIND);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        re.is_match(&text[start..pos]).unwrap_or(false)
    }

    /// Byte positions where the rules break `text`.
    pub fn cuts(&self, text: &str) -> Vec<usize> {
        let mut candidates = BTreeSet::new();
        for rule in self.rules.iter().filter(|r| r.is_break) {
            match &rule.before_find {
                Some(re) => {
                    for m in re.find_iter(text).flatten() {
                        candidates.insert(m.end());
                    }
                }
                None => {
                    candidates.extend(text.char_indices().map(|(i, _)| i));
                }
            }
        }
        candidates
            .into_iter()
            .filter(|&pos| pos > 0 && pos < text.len())
            .filter(|&pos| {
                self.rules
                    .iter()
                    .find(|r| {
                        Self::before_matches(r, text, pos) && Self::after_matches(r, text, pos)
                    })
                    .is_some_and(|r| r.is_break)
            })
            .collect()
    }
}

impl Segmenter for SrxSegmenter {
    fn split(&self, paragraph: &str) -> Vec<Range<usize>> {
        ranges_from_cuts(paragraph, &self.cuts(paragraph))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="yes"/>
  <body>
    <languagerules>
      <languagerule languagerulename="ru">
        <rule break="no"><beforebreak>\b(?:г|ул)\.</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="all">
        <rule break="yes"><beforebreak>[.!?]+</beforebreak><afterbreak>\s+\p{Lu}</afterbreak></rule>
        <rule><beforebreak>&#x3002;</beforebreak><afterbreak/></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="ru.*" languagerulename="ru"/>
      <languagemap languagepattern=".*" languagerulename="all"/>
    </maprules>
  </body>
</srx>"#;

    #[test]
    fn parses_and_cascades() {
        let f = SrxFile::parse(SRX, Path::new("t.srx")).unwrap();
        assert!(f.cascade);
        assert_eq!(f.language_rules.len(), 2);
        assert_eq!(f.language_rules[1].1[1].before, "。");
        assert_eq!(f.rules_for(Lang::Ru).unwrap().len(), 3);
        assert_eq!(f.rules_for(Lang::Zh).unwrap().len(), 2);
        let s = SrxSegmenter::new(&f.rules_for(Lang::Ru).unwrap()).unwrap();
        assert_eq!(
            s.sentences("Дом на ул. Ленина стоит. Он старый!  Да."),
            ["Дом на ул. Ленина стоит.", "Он старый!", "Да."]
        );
        let z = SrxSegmenter::new(&f.rules_for(Lang::Zh).unwrap()).unwrap();
        assert_eq!(z.sentences("你好。再见。"), ["你好。", "再见。"]);
    }

    #[test]
    fn without_cascade_first_map_only() {
        let no = SRX.replace("cascade=\"yes\"", "cascade=\"no\"");
        let f = SrxFile::parse(&no, Path::new("t.srx")).unwrap();
        assert_eq!(f.rules_for(Lang::Ru).unwrap().len(), 1);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(SrxFile::parse("<a/>", Path::new("x")).is_err());
        assert!(SrxFile::parse("<srx><body><rule/></body></srx>", Path::new("x")).is_err());
        let bad = SRX.replace("[.!?]+", "[.!?");
        let f = SrxFile::parse(&bad, Path::new("x")).unwrap();
        assert!(SrxSegmenter::new(&f.rules_for(Lang::En).unwrap()).is_err());
    }
}
