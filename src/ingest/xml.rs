//! A small pull parser over `quick-xml` for the XML inside office documents and XLIFF files.
//!
//! It yields start tags (empty elements are expanded into a start and an end), end tags and
//! text with the five predefined entities and character references resolved. A DOCTYPE with
//! an internal subset, or any entity other than the predefined ones, is refused: tmalign never
//! expands entities, so "billion laughs" and external-entity tricks have nothing to work on.

use crate::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::path::Path;

/// One event of [`XmlPull`].
#[derive(Debug)]
pub enum XmlEvent<'a> {
    /// A start tag (also emitted for an empty element, followed by its [`XmlEvent::End`]).
    Start(BytesStart<'a>),
    /// An end tag; the qualified name (`w:p`).
    End(Vec<u8>),
    /// Character data (text, CDATA, resolved references).
    Text(Cow<'a, str>),
    /// End of the document.
    Eof,
}

/// Pull parser over an in-memory XML document (`path` and `part` name it in errors).
pub struct XmlPull<'a> {
    reader: quick_xml::Reader<&'a [u8]>,
    path: &'a Path,
    part: &'a str,
    depth: usize,
}

impl<'a> XmlPull<'a> {
    /// A parser over `xml`, the part `part` of the file `path`.
    pub fn new(path: &'a Path, part: &'a str, xml: &'a [u8]) -> Self {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        XmlPull {
            reader,
            path,
            part,
            depth: 0,
        }
    }

    fn error(&self, message: impl std::fmt::Display) -> Error {
        let what = if self.part.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.part)
        };
        Error::bad_input(
            self.path,
            format!(
                "{what}malformed XML at byte {}: {message}",
                self.reader.buffer_position()
            ),
        )
    }

    /// The next event that matters (declarations, comments and processing instructions are
    /// skipped).
    pub fn next_event(&mut self) -> Result<XmlEvent<'a>> {
        loop {
            let event = self.reader.read_event().map_err(|e| self.error(e))?;
            return Ok(match event {
                Event::Start(e) => {
                    self.depth += 1;
                    XmlEvent::Start(e)
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    XmlEvent::End(e.name().as_ref().to_vec())
                }
                Event::Empty(e) => XmlEvent::Start(e), // not reached: empty elements expanded
                Event::Text(t) => XmlEvent::Text(match t.into_inner() {
                    Cow::Borrowed(b) => Cow::Borrowed(
                        std::str::from_utf8(b).map_err(|_| self.error("text is not UTF-8"))?,
                    ),
                    Cow::Owned(b) => Cow::Owned(
                        String::from_utf8(b).map_err(|_| self.error("text is not UTF-8"))?,
                    ),
                }),
                Event::CData(t) => XmlEvent::Text(Cow::Owned(
                    String::from_utf8(t.into_inner().into_owned())
                        .map_err(|_| self.error("CDATA is not UTF-8"))?,
                )),
                Event::GeneralRef(r) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let text = match name.as_str() {
                        n if n.starts_with('#') => match r.resolve_char_ref() {
                            Ok(Some(c)) => c.to_string(),
                            _ => return Err(self.error(format!("invalid reference &{n};"))),
                        },
                        n => match predefined_entity(n) {
                            Some(t) => t.to_string(),
                            None => {
                                return Err(self.error(format!(
                                    "undefined entity &{n}; (entities are never expanded)"
                                )))
                            }
                        },
                    };
                    XmlEvent::Text(Cow::Owned(text))
                }
                Event::DocType(d) => {
                    let content = String::from_utf8_lossy(&d);
                    if content.contains('[') || content.contains("<!") {
                        return Err(self.error(
                            "DOCTYPE with an internal subset (entity declarations) refused: \
                             tmalign never expands entities",
                        ));
                    }
                    continue;
                }
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof if self.depth > 0 => {
                    return Err(self.error("the document ends inside an element: it is truncated"))
                }
                Event::Eof => XmlEvent::Eof,
            });
        }
    }

    /// Skips to the end of the element whose start tag was just read.
    pub fn skip_element(&mut self) -> Result<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next_event()? {
                XmlEvent::Start(_) => depth += 1,
                XmlEvent::End(_) => depth -= 1,
                XmlEvent::Text(_) => {}
                XmlEvent::Eof => return Err(self.error("the document ends inside an element")),
            }
        }
        Ok(())
    }
}

/// The value of the attribute `key` (qualified name, e.g. `w:val`), unescaped.
pub fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
}

/// The value of the first attribute whose local name (after any prefix) is `local`.
pub fn attr_local(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
}

/// The local name of a qualified name (`w:p` → `p`).
pub fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The text of one of XML's five predefined entities (`amp`, `lt`, `gt`, `quot`, `apos`).
pub(crate) fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(xml: &str) -> Result<String> {
        let mut p = XmlPull::new(Path::new("x.xml"), "", xml.as_bytes());
        let mut out = String::new();
        loop {
            match p.next_event()? {
                XmlEvent::Text(t) => out.push_str(&t),
                XmlEvent::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    #[test]
    fn references_resolved_and_entities_refused() {
        assert_eq!(texts("<a>x &amp; &#x4E2D;<b/>y</a>").unwrap(), "x & 中y");
        let e = texts("<!DOCTYPE a [<!ENTITY l \"lol\">]><a>&l;</a>").unwrap_err();
        assert!(e.to_string().contains("DOCTYPE"), "{e}");
        let e = texts("<a>&l;</a>").unwrap_err();
        assert!(e.to_string().contains("undefined entity"), "{e}");
        assert!(texts("<a><b></a>").is_err());
        assert!(texts("<a><b>").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(local(b"w:p"), b"p");
        assert_eq!(local(b"p"), b"p");
    }
}
