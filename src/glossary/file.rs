//! Reading glossary files: every format `tmalign glossary` writes, and the curated seed list.
//!
//! * TBX-Basic v3 (`<tbx>`, `conceptEntry/langSec/termSec`) and v2 (`<martif>`,
//!   `termEntry/langSet/tig`), by the root element;
//! * CSV (`.csv`): the header names the term columns by language (`zh`, `zh-CN`, `ru-RU`…);
//!   a language column repeated holds further terms of the concept (variants); `domain` and
//!   `note` columns are read when present; a BOM is skipped;
//! * TMX (`.tmx`): one pair a unit (`x-domain` and `x-note` properties read when present);
//! * tab-separated text: the seed format (`zh<TAB>ru<TAB>note[<TAB>domain]` header) or
//!   OmegaT's (no header, `source<TAB>target[<TAB>comment]`).
//!
//! A concept with several terms becomes one pair for each Chinese term with each Russian
//! term, so that `qa` accepts any rendering of the concept (variants included). The target
//! side is Russian or English (a zh–en glossary: `en`, `en-US` columns or `langSec`s), read
//! into the same pairs; a file with both reads the Russian.
//!
//! Unlike [`crate::tm::seed::load_seed_terms`], which serves the aligner and skips what it
//! cannot use, this reader is strict: a row with the wrong number of columns or an empty term
//! is an error naming the file and the line, because QA against a half-read glossary would
//! silently miss terms.

use super::SeedTerm;
use crate::tm::seed::find_seed_glossary;
use crate::{Error, Lang, Result};
use std::path::{Path, PathBuf};

/// Reads a glossary file (format by extension and, for XML, by the root element).
pub fn read_glossary(path: &Path) -> Result<Vec<SeedTerm>> {
    let bytes = crate::ingest::read_file_of(path, crate::ingest::FileKind::Glossary)?;
    let text =
        String::from_utf8(bytes).map_err(|e| Error::bad_input(path, format!("not UTF-8 ({e})")))?;
    read_glossary_text(path, &text)
}

/// [`read_glossary`] of `text` already read (`path` names it and gives the format).
pub fn read_glossary_text(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let xml = text.trim_start().starts_with('<');
    let terms = if is_csv {
        read_csv(path, text)?
    } else if ext == "tmx" || (xml && text.contains("<tmx")) {
        read_tmx_glossary(path, text)?
    } else if ext == "tbx" || xml {
        read_tbx(path, text)?
    } else {
        read_tsv(path, text)?
    };
    if terms.is_empty() {
        return Err(Error::bad_input(path, "the glossary has no term pairs"));
    }
    Ok(terms)
}

/// The default glossary: `glossary/zh-ru.tsv` (see [`find_seed_glossary`]).
pub fn default_glossary() -> Option<PathBuf> {
    find_seed_glossary(Lang::Zh, Lang::Ru)
}

fn read_tsv(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    let mut out = Vec::new();
    // (zh column, ru column, note column, expected column count); None until the first row
    let mut layout: Option<(usize, usize, Option<usize>, Option<usize>)> = None;
    let mut domain_col: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (zi, ri, ni, width) = match layout {
            Some(l) => l,
            None => {
                let langs: Vec<Option<Lang>> =
                    fields.iter().map(|f| Lang::parse(f.trim())).collect();
                let find = |l: Lang| langs.iter().position(|c| *c == Some(l));
                let target = find(Lang::Ru).or_else(|| find(Lang::En));
                if let (Some(z), Some(r)) = (find(Lang::Zh), target) {
                    let note = fields
                        .iter()
                        .position(|f| f.trim().eq_ignore_ascii_case("note"));
                    domain_col = fields
                        .iter()
                        .position(|f| f.trim().eq_ignore_ascii_case("domain"));
                    layout = Some((z, r, note, Some(fields.len())));
                    continue; // header line
                }
                // OmegaT: no header, source (zh) then target (ru), optional comment
                let l = (0, 1, Some(2), None);
                layout = Some(l);
                l
            }
        };
        let ok_width = match width {
            Some(w) => fields.len() == w,
            None => (2..=3).contains(&fields.len()),
        };
        if !ok_width {
            let expected = width
                .map(|w| w.to_string())
                .unwrap_or_else(|| "2 or 3".into());
            return Err(Error::bad_input(
                path,
                format!(
                    "line {line_no}: {} tab-separated columns, expected {expected}",
                    fields.len()
                ),
            ));
        }
        let get = |i: usize| fields.get(i).map(|s| s.trim()).unwrap_or("");
        let (zh, ru) = (get(zi), get(ri));
        if zh.is_empty() || ru.is_empty() {
            return Err(Error::bad_input(
                path,
                format!("line {line_no}: empty term"),
            ));
        }
        out.push(SeedTerm {
            zh: zh.to_owned(),
            ru: ru.to_owned(),
            note: ni.map(get).unwrap_or("").to_owned(),
            domain: domain_col.map(get).unwrap_or("").to_owned(),
        });
    }
    Ok(out)
}

/// The pairs of one concept: each Chinese term with each Russian term, in order.
fn concept_pairs(zh: &[String], ru: &[String], note: &str, domain: &str, out: &mut Vec<SeedTerm>) {
    for z in zh {
        for r in ru {
            if !out
                .iter()
                .rev()
                .take(zh.len() * ru.len())
                .any(|t| &t.zh == z && &t.ru == r)
            {
                out.push(SeedTerm {
                    zh: z.clone(),
                    ru: r.clone(),
                    note: note.to_owned(),
                    domain: domain.to_owned(),
                });
            }
        }
    }
}

/// TBX v3 (`conceptEntry/langSec/termSec/term`) or v2 (`termEntry/langSet/tig/term`): the
/// terms of each entry by language, its `subjectField` as the domain.
fn read_tbx(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    use quick_xml::events::Event;
    let mut rd = quick_xml::Reader::from_str(text);
    let bad = |rd: &quick_xml::Reader<&[u8]>, what: String| {
        let pos = rd.buffer_position() as usize;
        let line = text.as_bytes()[..pos.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::bad_input(path, format!("line {line}: {what}"))
    };
    let mut root: Option<String> = None;
    let mut out = Vec::new();
    // the entry being read: zh terms, ru terms, domain
    let mut entry: Option<(Vec<String>, Vec<String>, String)> = None;
    let mut lang: Option<Lang> = None;
    // the entry's English terms (its target terms when it has no Russian ones)
    let mut en_terms: Vec<String> = Vec::new();
    // what the current text goes to
    enum Into {
        None,
        Term,
        Subject,
    }
    let mut into = Into::None;
    let mut buf = String::new();
    loop {
        let ev = rd
            .read_event()
            .map_err(|e| bad(&rd, format!("not well-formed XML ({e})")))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if root.is_none() {
                    if name != "tbx" && name != "martif" {
                        return Err(bad(
                            &rd,
                            format!("root element <{name}>: not a TBX file (<tbx> or <martif>)"),
                        ));
                    }
                    root = Some(name.clone());
                }
                let attr = |key: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                match name.as_str() {
                    "conceptEntry" | "termEntry" => entry = Some(Default::default()),
                    "langSec" | "langSet" => lang = attr(b"xml:lang").and_then(|l| Lang::parse(&l)),
                    "term" => {
                        into = Into::Term;
                        buf.clear();
                    }
                    "descrip"
                        if lang.is_none() && attr(b"type").as_deref() == Some("subjectField") =>
                    {
                        into = Into::Subject;
                        buf.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if !matches!(into, Into::None) => {
                buf.push_str(
                    &t.xml10_content()
                        .map(|c| c.into_owned())
                        .unwrap_or_default(),
                );
            }
            Event::CData(t) if !matches!(into, Into::None) => {
                buf.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if !matches!(into, Into::None) => {
                let n = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                let c = match n.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                match c {
                    Some(c) => buf.push(c),
                    None => return Err(bad(&rd, format!("unknown entity &{n};"))),
                }
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match (name.as_str(), &mut entry) {
                    ("term", Some((zh, ru, _))) => {
                        let t = buf.trim().to_owned();
                        if !t.is_empty() {
                            match lang {
                                Some(Lang::Zh) => zh.push(t),
                                Some(Lang::Ru) => ru.push(t),
                                Some(Lang::En) => en_terms.push(t),
                                _ => {}
                            }
                        }
                        into = Into::None;
                    }
                    ("descrip", Some((_, _, domain))) if matches!(into, Into::Subject) => {
                        *domain = buf.trim().to_owned();
                        into = Into::None;
                    }
                    ("langSec" | "langSet", _) => lang = None,
                    ("conceptEntry" | "termEntry", _) => {
                        if let Some((zh, ru, domain)) = entry.take() {
                            let target = if ru.is_empty() { &en_terms } else { &ru };
                            concept_pairs(&zh, target, "", &domain, &mut out);
                        }
                        en_terms.clear();
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if root.is_none() {
        return Err(Error::bad_input(
            path,
            "no XML root element: not a TBX file",
        ));
    }
    Ok(out)
}

/// A glossary TMX: one pair a unit (`x-domain`, `x-note` properties when present).
fn read_tmx_glossary(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    let doc = crate::tm::reader::read_tmx_bytes(path, text.as_bytes())?;
    let prop = |props: &[(String, String)], key: &str| {
        props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for u in &doc.units {
        let target = u.variant(Lang::Ru).or_else(|| u.variant(Lang::En));
        let (Some(z), Some(r)) = (u.variant(Lang::Zh), target) else {
            continue;
        };
        let (z, r) = (z.text.trim(), r.text.trim());
        if z.is_empty() || r.is_empty() {
            continue;
        }
        out.push(SeedTerm {
            zh: z.to_owned(),
            ru: r.to_owned(),
            note: prop(&u.props, "x-note"),
            domain: prop(&u.props, "x-domain"),
        });
    }
    Ok(out)
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    // `,`, `;` or tab, by the header row; cells as `protect_cell` wrote them
    let delimiter = crate::tm::csv::Delimiter::detect(text.as_bytes());
    let mut rd = ::csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rd
        .headers()
        .map_err(|e| Error::bad_input(path, format!("line 1: {e}")))?
        .clone();
    let cols = |l: Lang| -> Vec<usize> {
        headers
            .iter()
            .enumerate()
            .filter(|(_, h)| Lang::parse(h.trim()) == Some(l) && !h.trim().contains(' '))
            .map(|(i, _)| i)
            .collect()
    };
    let zcols = cols(Lang::Zh);
    let rcols = match cols(Lang::Ru) {
        r if r.is_empty() => cols(Lang::En),
        r => r,
    };
    let (Some(&zi), Some(&ri)) = (zcols.first(), rcols.first()) else {
        return Err(Error::bad_input(
            path,
            "line 1: the CSV header has no zh and ru (or en) columns",
        ));
    };
    let named = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (ni, di) = (named("note"), named("domain"));
    let mut out = Vec::new();
    let mut lines = crate::tm::csv::LineOf::new(text.as_bytes());
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map(|p| crate::tm::csv::LineOf::new(text.as_bytes()).line(p.byte()))
                .unwrap_or(0);
            let what = match e.kind() {
                ::csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("{len} columns, expected {expected_len}"),
                _ => e.to_string(),
            };
            Error::bad_input(path, format!("line {line}: {what}"))
        })?;
        let line = rec.position().map(|p| lines.line(p.byte())).unwrap_or(0);
        let cell = |i: usize| crate::tm::csv::unprotect_cell(rec.get(i).unwrap_or("")).trim();
        let (zh, ru) = (cell(zi), cell(ri));
        if zh.is_empty() || ru.is_empty() {
            return Err(Error::bad_input(path, format!("line {line}: empty term")));
        }
        let terms = |cols: &[usize]| -> Vec<String> {
            let mut v: Vec<String> = Vec::new();
            for &c in cols {
                let t = cell(c);
                if !t.is_empty() && !v.iter().any(|x| x == t) {
                    v.push(t.to_owned());
                }
            }
            v
        };
        concept_pairs(
            &terms(&zcols),
            &terms(&rcols),
            ni.map(cell).unwrap_or(""),
            di.map(cell).unwrap_or(""),
            &mut out,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    #[test]
    fn reads_all_three_layouts() {
        let (_d, p) = write("g.tsv", "zh\tru\tnote\n中方\tкитайская сторона\tformula\n");
        let g = read_glossary(&p).unwrap();
        assert_eq!(g[0].ru, "китайская сторона");
        assert_eq!(g[0].note, "formula");
        let (_d, p) = write(
            "g.txt",
            "中方\tкитайская сторона\n俄方\tроссийская сторона\tc\n",
        );
        assert_eq!(read_glossary(&p).unwrap().len(), 2);
        let (_d, p) = write("g.csv", "zh,ru,score\n中方,китайская сторона,1\n");
        assert_eq!(read_glossary(&p).unwrap()[0].zh, "中方");
    }

    #[test]
    fn broken_rows_name_the_line() {
        let (_d, p) = write("g.tsv", "zh\tru\tnote\n中方\tкитайская сторона\tx\n俄方\n");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("g.tsv") && e.contains("line 3"), "{e}");
        let (_d, p) = write("g.csv", "zh,ru\n中方,a\n俄方,b,c\n");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn the_seed_list_reads() {
        let p = default_glossary().expect("glossary/zh-ru.tsv");
        assert!(read_glossary(&p).unwrap().len() > 500);
    }

    #[test]
    fn protected_csv_cells_and_other_delimiters_read_back() {
        use crate::glossary::write::write_csv_with;
        use crate::glossary::GlossEntry;
        use crate::tm::csv::Delimiter;
        let entries = vec![GlossEntry {
            zh: "=中方".into(),
            ru: "-китайская сторона".into(),
            score: 1.0,
            freq: 2,
            example: "@1".into(),
            seed: false,
            note: "'note".into(),
            ..Default::default()
        }];
        for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
            let mut buf = Vec::new();
            write_csv_with(&mut buf, &entries, delimiter).unwrap();
            let text = String::from_utf8(buf).unwrap();
            assert!(
                text.contains("'=中方") && text.contains("'-китайская"),
                "{text}"
            );
            let (_d, p) = write("g.csv", &text);
            let g = read_glossary(&p).unwrap();
            assert_eq!(
                (g[0].zh.as_str(), g[0].ru.as_str(), g[0].note.as_str()),
                ("=中方", "-китайская сторона", "'note")
            );
        }
    }

    /// Every format `glossary` writes reads back as the concept's pairs, variants included;
    /// the domain survives where the format has a place for it.
    #[test]
    fn every_written_format_reads_back_with_variants() {
        use crate::glossary::write::{term_pairs, tests::full_entry, write_glossary, GlossFormat};
        use crate::glossary::GlossEntry;
        let mut plain = GlossEntry {
            zh: "中方".into(),
            ru: "китайская сторона".into(),
            score: 0.5,
            freq: 2,
            example: "7".into(),
            ..Default::default()
        };
        plain.note = "formula".into();
        let entries = vec![full_entry(), plain];
        let mut expected: Vec<(String, String)> = entries
            .iter()
            .flat_map(term_pairs)
            .map(|(z, r, _)| (z, r))
            .collect();
        expected.sort();
        let d = tempfile::tempdir().unwrap();
        for (name, format, has_domain) in [
            ("g.tbx", GlossFormat::Tbx, true),
            ("g2.tbx", GlossFormat::TbxV2, true),
            ("g.csv", GlossFormat::Csv, true),
            ("g.txt", GlossFormat::Tsv, false),
            ("g.utf8", GlossFormat::Tsv, false),
            ("g.tmx", GlossFormat::Tmx, true),
        ] {
            let p = d.path().join(name);
            write_glossary(&p, &entries, format).unwrap();
            let g = read_glossary(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut got: Vec<(String, String)> =
                g.iter().map(|t| (t.zh.clone(), t.ru.clone())).collect();
            got.sort();
            assert_eq!(got, expected, "{name}");
            if has_domain {
                let t = g.iter().find(|t| t.ru == "ШОС").unwrap();
                assert_eq!(t.domain, "international relations", "{name}");
                let t = g.iter().find(|t| t.zh == "中方").unwrap();
                assert_eq!(t.domain, "", "{name}");
            }
        }
    }

    #[test]
    fn seed_domain_column_and_broken_tbx() {
        let (_d, p) = write(
            "g.tsv",
            "zh\tru\tnote\tdomain\n国务院\tГосударственный совет КНР\torg\tChina\n中方\tкитайская сторона\tformula\t\n",
        );
        let g = read_glossary(&p).unwrap();
        assert_eq!(g[0].domain, "China");
        assert_eq!(g[1].domain, "");
        let (_d, p) = write("g.tbx", "<tbx><text><body><conceptEntry>");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("g.tbx"), "{e}");
        let (_d, p) = write("g.tbx", "<html></html>");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("not a TBX"), "{e}");
    }
}
