//! Seed glossary: known term pairs handed to the aligner as optional anchors
//! ([`crate::align::AlignConfig::seed_terms`]).
//!
//! The file is `glossary/<a>-<b>.tsv` (e.g. `glossary/zh-ru.tsv`): tab-separated, a header
//! line naming the columns by language code (`zh<TAB>ru<TAB>note`), then one term pair a line.
//! Either direction serves: for a Russian → Chinese alignment `zh-ru.tsv` is read with its
//! columns swapped by the header.
//!
//! The repository's `glossary/zh-ru.tsv` is built into the binary ([`BUILTIN_ZH_RU`]), so a
//! copied binary has it too; [`choose_seed`] picks the glossary of a run (`--seed FILE`, else
//! the built-in one for zh–ru, else none) and says which ([`SeedGlossary::describe`]).

use crate::{Error, Lang, Result};
use std::path::{Path, PathBuf};

/// Loads the (source term, target term) pairs of a seed glossary for `src` → `tgt`.
///
/// Columns are found by the header (`zh`, `ru`, `en`, case-insensitive, locales such as
/// `zh-CN` allowed); a header without both languages is an error. Blank lines, `#` comments
/// and rows with an empty term are skipped.
pub fn load_seed_terms(path: &Path, src: Lang, tgt: Lang) -> Result<Vec<(String, String)>> {
    let text = crate::ingest::read_string_of(path, crate::ingest::FileKind::Glossary)?;
    parse_seed_terms(&text, path, src, tgt)
}

/// The seed glossary built into the binary: the repository's `glossary/zh-ru.tsv`.
pub const BUILTIN_ZH_RU: &str = include_str!("../../glossary/zh-ru.tsv");

/// The seed glossary of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedGlossary {
    /// Where it came from: a file, or `None` for the built-in one.
    pub path: Option<PathBuf>,
    /// The (source, target) term pairs.
    pub terms: Vec<(String, String)>,
}

impl SeedGlossary {
    /// `built-in glossary/zh-ru.tsv (538 term pairs)` or `FILE (N term pairs)`.
    pub fn describe(&self) -> String {
        let from = match &self.path {
            Some(p) => p.display().to_string(),
            None => "built-in glossary/zh-ru.tsv".into(),
        };
        format!("{from} ({} term pairs)", self.terms.len())
    }
}

/// The seed glossary for `src` → `tgt`: the file `path` when given, else the built-in
/// zh–ru glossary when the pair is zh–ru (either direction), else none.
pub fn choose_seed(path: Option<&Path>, src: Lang, tgt: Lang) -> Result<Option<SeedGlossary>> {
    if let Some(path) = path {
        return Ok(Some(SeedGlossary {
            path: Some(path.to_path_buf()),
            terms: load_seed_terms(path, src, tgt)?,
        }));
    }
    let zh_ru = matches!((src, tgt), (Lang::Zh, Lang::Ru) | (Lang::Ru, Lang::Zh));
    if !zh_ru {
        return Ok(None);
    }
    Ok(Some(SeedGlossary {
        path: None,
        terms: parse_seed_terms(BUILTIN_ZH_RU, Path::new("glossary/zh-ru.tsv"), src, tgt)?,
    }))
}

/// What a run says about its seed glossary: [`SeedGlossary::describe`], or why there is none.
pub fn describe_seed(seed: Option<&SeedGlossary>, use_seed: bool) -> String {
    match (seed, use_seed) {
        (Some(s), _) => s.describe(),
        (None, false) => "none (--no-seed)".into(),
        (None, true) => "none for this language pair (--seed FILE to give one)".into(),
    }
}

/// [`load_seed_terms`] of a text already read (`path` names it in errors).
pub fn parse_seed_terms(
    text: &str,
    path: &Path,
    src: Lang,
    tgt: Lang,
) -> Result<Vec<(String, String)>> {
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

    #[test]
    fn built_in_glossary_needs_no_file() {
        let seed = choose_seed(None, Lang::Ru, Lang::Zh).unwrap().unwrap();
        assert!(seed.terms.len() > 400, "{}", seed.terms.len());
        assert!(seed.describe().starts_with("built-in glossary/zh-ru.tsv ("));
        assert!(seed
            .terms
            .iter()
            .any(|(ru, _)| ru.chars().any(|c| c.is_alphabetic() && !c.is_ascii())));
        assert_eq!(choose_seed(None, Lang::Zh, Lang::En).unwrap(), None);
        assert_eq!(describe_seed(None, false), "none (--no-seed)");
    }
}
