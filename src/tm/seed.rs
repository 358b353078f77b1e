//! Seed glossary: known term pairs handed to the aligner as optional anchors
//! ([`crate::align::AlignConfig::seed_terms`]).
//!
//! The file is `glossary/<a>-<b>.tsv` (e.g. `glossary/zh-ru.tsv`): tab-separated, a header
//! line naming the columns by language code (`zh<TAB>ru<TAB>note`), then one term pair a line.
//! Either direction serves: for a Russian → Chinese alignment `zh-ru.tsv` is read with its
//! columns swapped by the header.

use crate::{Error, Lang, Result};
use std::path::{Path, PathBuf};

/// Loads the (source term, target term) pairs of a seed glossary for `src` → `tgt`.
///
/// Columns are found by the header (`zh`, `ru`, `en`, case-insensitive, locales such as
/// `zh-CN` allowed); a header without both languages is an error. Blank lines, `#` comments
/// and rows with an empty term are skipped.
pub fn load_seed_terms(path: &Path, src: Lang, tgt: Lang) -> Result<Vec<(String, String)>> {
    let text = crate::ingest::read_string_of(path, crate::ingest::FileKind::Glossary)?;
    let text = text.trim_start_matches('\u{FEFF}');
    let mut lines = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some(header) = lines.next() else {
        return Ok(Vec::new());
    };
    let cols: Vec<Option<Lang>> = header.split('\t').map(|c| Lang::parse(c.trim())).collect();
    let find = |l: Lang| cols.iter().position(|c| *c == Some(l));
    let (si, ti) = match (find(src), find(tgt)) {
        (Some(s), Some(t)) => (s, t),
        _ => {
            return Err(Error::bad_input(
                path,
                format!(
                    "header {} has no {src} and {tgt} columns",
                    crate::error::quote(header)
                ),
            ))
        }
    };
    let mut out = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(s), Some(t)) = (fields.get(si), fields.get(ti)) else {
            continue;
        };
        let (s, t) = (s.trim(), t.trim());
        if !s.is_empty() && !t.is_empty() {
            out.push((s.to_owned(), t.to_owned()));
        }
    }
    Ok(out)
}

/// Where the seed glossary for a language pair lives, if anywhere: `glossary/<src>-<tgt>.tsv`
/// or `glossary/<tgt>-<src>.tsv`, looked up in the current directory, then in the crate's
/// source directory (so a development build finds the repository's glossary).
pub fn find_seed_glossary(src: Lang, tgt: Lang) -> Option<PathBuf> {
    let names = [format!("{src}-{tgt}.tsv"), format!("{tgt}-{src}.tsv")];
    let roots = [
        PathBuf::from("."),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")),
    ];
    roots
        .iter()
        .flat_map(|r| names.iter().map(move |n| r.join("glossary").join(n)))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_by_header_in_either_direction() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("zh-ru.tsv");
        std::fs::write(
            &p,
            "\u{FEFF}zh\tru\tnote\n# comment\n人民币\tжэньминьби\tcurrency\n\n空\t\t\n联合国\tООН\n",
        )
        .unwrap();
        let fwd = load_seed_terms(&p, Lang::Zh, Lang::Ru).unwrap();
        assert_eq!(
            fwd,
            vec![
                ("人民币".into(), "жэньминьби".into()),
                ("联合国".into(), "ООН".into())
            ]
        );
        let back = load_seed_terms(&p, Lang::Ru, Lang::Zh).unwrap();
        assert_eq!(back[1], ("ООН".into(), "联合国".into()));
        assert!(load_seed_terms(&p, Lang::Zh, Lang::En).is_err());
    }
}
