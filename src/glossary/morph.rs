//! Russian morphology for the glossary: lemmas, parts of speech and dictionary forms of noun
//! phrases, from the OpenCorpora dictionary (pymorphy2 format) that the `rsmorphy-dict-ru`
//! crate bundles and `rsmorphy` reads.
//!
//! The dictionary's files (6.8 MB, gzip-compressed as the crate ships them) are embedded in the
//! binary at build time (`build.rs` finds them through the crate), so a built `tmalign` needs
//! neither the build machine's crate folder nor a download. `rsmorphy` reads only from a
//! folder: on first use the small files are written to a private temporary folder and read,
//! the large DAWGs are decompressed in memory (see [`read_dictionary`]; about 0.1 s in
//! all), and the folder removed. `TMALIGN_MORPH_DICT` names another folder of the same format
//! instead. If the dictionary cannot be read (that folder lacks a file, no temporary folder can
//! be written), one warning goes to standard error and the glossary falls back to Snowball
//! stems and written forms: [`available`] says which.
//!
//! `rsmorphy` is unmaintained and panics on some inputs (its prediction asserts on short
//! unknown words): every call into it runs under [`crate::panic_guard::catch`], so such a
//! panic gives no analysis, prints nothing and never ends the run.
//!
//! The dictionary form of a phrase (see [`dictionary_form`]): the head noun (the first noun)
//! in the nominative, singular unless asked for the plural; the adjectives and participles
//! before it in the nominative agreeing with it in number and gender; the words after it
//! (genitive dependents, `и`-coordinated nouns, prepositional phrases) as written, because only
//! the head of a Russian term inflects.

use rsmorphy::dawg::{CompletionDawg, DawgValue};
use rsmorphy::opencorpora::Dictionary;
use rsmorphy::prelude::*;
use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

/// The files `rsmorphy` reads, embedded (see the module doc).
macro_rules! dict_files {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_bytes!(concat!(env!("TMALIGN_MORPH_DATA"), "/", $name)) as &[u8])),*]
    };
}
const DICT_FILES: [(&str, &[u8]); 11] = dict_files!(
    "meta.json.gz",
    "suffixes.json.gz",
    "gramtab-opencorpora-int.json.gz",
    "grammemes.json.gz",
    "paradigms.array.gz",
    "words.dawg.gz",
    "p_t_given_w.intdawg.gz",
    "prediction-prefixes.dawg.gz",
    "prediction-suffixes-0.dawg.gz",
    "prediction-suffixes-1.dawg.gz",
    "prediction-suffixes-2.dawg.gz",
);

/// The large DAWG files, which this module decompresses itself (see [`read_dictionary`]):
/// `rsmorphy` reads them a `u32` (the guides a byte) at a time straight through a gzip
/// decoder, and those millions of tiny inflate calls were ~0.35 s of every `tmalign run`.
const WORDS: &str = "words.dawg.gz";
const P_T_GIVEN_W: &str = "p_t_given_w.intdawg.gz";
const PREDICTION_SUFFIXES: [&str; 3] = [
    "prediction-suffixes-0.dawg.gz",
    "prediction-suffixes-1.dawg.gz",
    "prediction-suffixes-2.dawg.gz",
];

fn is_large_dawg(name: &str) -> bool {
    name == WORDS || name == P_T_GIVEN_W || PREDICTION_SUFFIXES.contains(&name)
}

/// A gzip file holding an empty completion DAWG (no units, no guide): what the reader is given
/// in place of a large DAWG that [`read_dictionary`] then reads itself.
fn empty_dawg_gz() -> std::io::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&[0u8; 8])?;
    e.finish()
}

/// Decompresses a whole gzip file in one go and reads the DAWG from memory.
fn completion_dawg<V: DawgValue>(name: &str, gz: &[u8]) -> Result<CompletionDawg<V>, String> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut raw)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(CompletionDawg::from_reader(&mut raw.as_slice()))
}

/// Reads the dictionary from its files (name, gzip bytes; all of [`DICT_FILES`]'s names),
/// `label` naming where they come from in messages. The small files go through
/// `rsmorphy`'s own reader (from a private temporary folder: it reads only from a folder), the
/// large DAWGs are decompressed here and put in its place, giving the same analyser.
fn read_dictionary(label: &str, files: &[(&str, Cow<'_, [u8]>)]) -> Result<MorphAnalyzer, String> {
    let tmp = tempfile::Builder::new()
        .prefix("tmalign-morph-")
        .tempdir()
        .map_err(|e| format!("cannot unpack the dictionary: {e}"))?;
    let empty = empty_dawg_gz().map_err(|e| format!("cannot unpack the dictionary: {e}"))?;
    for (name, bytes) in files {
        let bytes: &[u8] = if is_large_dawg(name) { &empty } else { bytes };
        std::fs::write(tmp.path().join(name), bytes)
            .map_err(|e| format!("cannot unpack the dictionary: {e}"))?;
    }
    let large = |name: &str| -> &[u8] {
        let found = files.iter().find(|(n, _)| *n == name);
        found.map_or(&[], |(_, b)| b.as_ref())
    };
    // The reader panics on a malformed file; a damaged dictionary must not end the run.
    let read = crate::panic_guard::catch(|| -> Result<MorphAnalyzer, String> {
        let mut dict = Dictionary::from_file(tmp.path());
        dict.words = completion_dawg(WORDS, large(WORDS))?;
        dict.p_t_given_w = completion_dawg(P_T_GIVEN_W, large(P_T_GIVEN_W))?;
        if dict.prediction_suffixes_dawgs.len() != PREDICTION_SUFFIXES.len() {
            return Err(format!(
                "{} prediction-suffix files expected, the metadata says {}",
                PREDICTION_SUFFIXES.len(),
                dict.prediction_suffixes_dawgs.len()
            ));
        }
        for (slot, name) in dict
            .prediction_suffixes_dawgs
            .iter_mut()
            .zip(PREDICTION_SUFFIXES)
        {
            *slot = completion_dawg(name, large(name))?;
        }
        Ok(MorphAnalyzer::new(dict))
    });
    // the folder is removed when `tmp` drops: the analyser holds everything in memory
    read.unwrap_or_else(|p| {
        let why = crate::panic_guard::message(p.as_ref()).unwrap_or("unreadable");
        Err(format!("{label}: damaged dictionary ({why})"))
    })
}

/// Reads the dictionary in `dir`; why not, when it cannot.
fn load_dir(dir: &Path) -> Result<MorphAnalyzer, String> {
    let files = DICT_FILES
        .iter()
        .map(|&(name, _)| {
            let path = dir.join(name);
            if !path.is_file() {
                return Err(format!("{} has no {name}", dir.display()));
            }
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((name, Cow::Owned(bytes)))
        })
        .collect::<Result<Vec<_>, String>>()?;
    read_dictionary(&dir.display().to_string(), &files)
}

/// Reads the dictionary: the folder `TMALIGN_MORPH_DICT` names, else the embedded files.
fn load() -> Result<MorphAnalyzer, String> {
    if let Some(dir) = std::env::var_os("TMALIGN_MORPH_DICT") {
        return load_dir(Path::new(&dir)).map_err(|e| format!("TMALIGN_MORPH_DICT: {e}"));
    }
    let files = DICT_FILES.map(|(name, bytes)| (name, Cow::Borrowed(bytes)));
    read_dictionary("embedded dictionary", &files)
}

/// The analyser, or `None` when the dictionary cannot be read (warned once).
fn analyzer() -> Option<&'static MorphAnalyzer> {
    static M: OnceLock<Option<MorphAnalyzer>> = OnceLock::new();
    M.get_or_init(|| match load() {
        Ok(m) => Some(m),
        Err(why) => {
            crate::warning::warn(&format!(
                "no Russian morphological dictionary ({why}): glossary lemmas fall back to \
                 Snowball stems and terms keep their written forms, not their dictionary forms"
            ));
            None
        }
    })
    .as_ref()
}

/// Whether the morphological dictionary is loaded (else lemmas are Snowball stems).
pub fn available() -> bool {
    analyzer().is_some()
}

/// Coarse part of speech from the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MPos {
    /// Noun (incl. names and abbreviations).
    Noun,
    /// Full adjective or full participle.
    Adj,
    /// Anything else (verbs, adverbs, pronouns, numerals, short forms, function words).
    Other,
}

/// The analysis of one word: its lemma (lowercase, ё folded to е) and part of speech by the
/// dictionary's most probable parse, and whether the dictionary knows the word (else the
/// parse is predicted from its ending).
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Lemma, lowercase, ё → е.
    pub lemma: String,
    /// Part of speech.
    pub pos: MPos,
    /// Whether the word is in the dictionary.
    pub known: bool,
}

fn grammemes(tag: &str) -> impl Iterator<Item = &str> {
    tag.split([',', ' ']).filter(|g| !g.is_empty())
}

fn has(tag: &str, g: &str) -> bool {
    grammemes(tag).any(|x| x == g)
}

fn mpos(tag: &str) -> MPos {
    match grammemes(tag).next().unwrap_or("") {
        "NOUN" => MPos::Noun,
        "ADJF" | "PRTF" => MPos::Adj,
        _ => MPos::Other,
    }
}

/// The parses of a lowercase word, most probable first. Only Cyrillic words of three or more
/// letters are looked up: the reader's prediction asserts on shorter unknown words, and a
/// panic inside it (a reader bug on an input we did not foresee) yields no parse instead of
/// ending the run.
fn parse(m: &MorphAnalyzer, lower: &str) -> Vec<Parsed> {
    let n = lower.chars().count();
    if n < 3 || !lower.chars().all(|c| matches!(c, 'а'..='я' | 'ё' | '-')) {
        return Vec::new();
    }
    crate::panic_guard::catch(|| m.parse(lower)).unwrap_or_default()
}

/// Runs an analysis that calls into the reader: a panic there gives no answer, silently.
fn guarded<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    crate::panic_guard::catch(f).ok().flatten()
}

fn fold_yo(s: &str) -> String {
    s.replace('ё', "е")
}

/// Analyses a lowercase word (ё kept: the dictionary spells with it). `None` when the
/// dictionary is not available or the word has no parse.
pub fn analyse(lower: &str) -> Option<Analysis> {
    guarded(|| analyse_in(lower))
}

/// Every form (lowercase, ё → е) of the dictionary lexeme whose normal form is `lemma`
/// (a lemma as [`analyse`] gives it), the lemma first; empty when the dictionary does not know
/// it as a normal form (or is not available). Where several lexemes share the normal form
/// (`стали` of `сталь` and `стать` differ, but `вести` the verb and `весть` do not), the first
/// parse's is taken.
pub fn lexeme_forms(lemma: &str) -> Vec<String> {
    guarded(|| {
        let m = analyzer()?;
        let parses = parse(m, lemma);
        let p = parses
            .iter()
            .find(|p| p.lex.is_known() && fold_yo(&p.lex.get_normal_form(m)) == lemma)?;
        let mut forms: Vec<String> = vec![lemma.to_owned()];
        for l in p.lex.iter_lexeme(m) {
            let w = fold_yo(&l.get_word());
            if !forms.contains(&w) {
                forms.push(w);
            }
        }
        Some(forms)
    })
    .unwrap_or_default()
}

fn analyse_in(lower: &str) -> Option<Analysis> {
    let m = analyzer()?;
    let parses = parse(m, lower);
    let best = parses.first()?;
    let tag = &best.lex.get_tag(m).string;
    Some(Analysis {
        lemma: fold_yo(&best.lex.get_normal_form(m)),
        pos: mpos(tag),
        known: best.lex.is_known(),
    })
}

/// Grammemes that inflection changes (case, number, gender, animacy) or that only mark a
/// spelling variant: the others must stay when a form is chosen from the paradigm.
fn inflectional(g: &str) -> bool {
    matches!(
        g,
        "nomn"
            | "gent"
            | "datv"
            | "accs"
            | "ablt"
            | "loct"
            | "voct"
            | "gen1"
            | "gen2"
            | "acc2"
            | "loc1"
            | "loc2"
            | "sing"
            | "plur"
            | "masc"
            | "femn"
            | "neut"
            | "ms-f"
            | "anim"
            | "inan"
            | "V-ey"
            | "V-oy"
            | "V-ej"
            | "V-be"
            | "V-en"
            | "V-ie"
            | "V-bi"
            | "Infr"
            | "Dist"
            | "Fixd"
    )
}

/// The form of `lex`'s paradigm with the same lexical grammemes, nominative, `number`, and
/// (for adjectives in the singular) `gender`.
fn inflect(m: &MorphAnalyzer, lex: &Lex, number: &str, gender: Option<&str>) -> Option<String> {
    let tag = lex.get_tag(m).string.clone();
    let keep: Vec<&str> = grammemes(&tag).filter(|g| !inflectional(g)).collect();
    let mut best: Option<(usize, String)> = None;
    for form in lex.iter_lexeme(m) {
        let t = &form.get_tag(m).string;
        if !has(t, "nomn") || !keep.iter().all(|g| has(t, g)) {
            continue;
        }
        // Fixed (indeclinable) words have no number.
        if !has(t, number) && !has(t, "Fixd") {
            continue;
        }
        if let Some(g) = gender {
            if !has(t, g) && (g != "masc" || !has(t, "ms-f")) {
                continue;
            }
        }
        // Fewer extra grammemes: the plain form, not a spelling variant (`V-oy`).
        let extra = grammemes(t).filter(|g| !keep.contains(g)).count();
        if best.as_ref().is_none_or(|(e, _)| extra < *e) {
            best = Some((extra, form.get_word().into_owned()));
        }
    }
    best.map(|(_, w)| w)
}

/// Grammemes of proper names (first names, surnames, places, organisations, trademarks).
fn proper(tag: &str) -> bool {
    ["Name", "Surn", "Patr", "Geox", "Orgn", "Trad"]
        .iter()
        .any(|g| has(tag, g))
}

/// The noun parse of a word with the highest probability; for a capitalised word, a proper
/// name's parse when it has one (`Палу` is the place, not a form of `пал`).
/// With `before` (the adjective before the head), parses that agree with one of its parses
/// in case and number come first (`летучих мышей` is `мышь`, not the surname-like `мышей`).
/// `parses`: the word's parses ([`parse`]), `before`: those of the word before it.
fn noun_parse(
    m: &MorphAnalyzer,
    parses: &[Parsed],
    capitalised: bool,
    before: Option<&[Parsed]>,
) -> Option<Lex> {
    let mut nouns: Vec<Lex> = parses
        .iter()
        .filter(|p| mpos(&p.lex.get_tag(m).string) == MPos::Noun)
        .map(|p| p.lex.clone())
        .collect();
    if let Some(adj) = before {
        let adj_tags: Vec<String> = adj
            .iter()
            .map(|p| p.lex.get_tag(m).string.clone())
            .filter(|t| mpos(t) == MPos::Adj)
            .collect();
        let agrees = |l: &Lex| {
            let t = &l.get_tag(m).string;
            adj_tags.iter().any(|a| {
                ["sing", "plur"].iter().any(|n| has(a, n) && has(t, n))
                    && ["nomn", "gent", "datv", "accs", "ablt", "loct"]
                        .iter()
                        .any(|c| has(a, c) && has(t, c))
            })
        };
        // stable: the dictionary's order stays within each group
        nouns.sort_by_key(|l| !agrees(l));
    }
    if capitalised {
        if let Some(l) = nouns.iter().find(|l| proper(&l.get_tag(m).string)) {
            return Some(l.clone());
        }
    }
    nouns.into_iter().next()
}

fn adj_parse(m: &MorphAnalyzer, parses: &[Parsed]) -> Option<Lex> {
    parses
        .iter()
        .find(|p| mpos(&p.lex.get_tag(m).string) == MPos::Adj)
        .map(|p| p.lex.clone())
}

/// Where the head noun of a phrase is: the first word whose most probable parse is a noun
/// (adjectives before it agree with it).
/// A word that can be an adjective and is followed by a possible noun is taken as the
/// adjective (`летучих мышей`: `летучих` is also a substantivised noun).
pub fn head_index(words: &[&str]) -> Option<usize> {
    guarded(|| head_index_in(words))
}

/// The parses of each word of a phrase: the callers below look at the head word several times
/// and parse each word once.
fn parse_all(m: &MorphAnalyzer, words: &[&str]) -> Vec<Vec<Parsed>> {
    words.iter().map(|w| parse(m, w)).collect()
}

fn head_index_in(words: &[&str]) -> Option<usize> {
    let m = analyzer()?;
    head_of(m, &parse_all(m, words))
}

/// [`head_index`] over the words' parses.
fn head_of(m: &MorphAnalyzer, parsed: &[Vec<Parsed>]) -> Option<usize> {
    let parses: Vec<Vec<MPos>> = parsed
        .iter()
        .map(|ps| ps.iter().map(|p| mpos(&p.lex.get_tag(m).string)).collect())
        .collect();
    (0..parsed.len()).find(|&k| {
        let p = &parses[k];
        p.first() == Some(&MPos::Noun)
            && !(p.contains(&MPos::Adj)
                && parses.get(k + 1).is_some_and(|n| n.contains(&MPos::Noun)))
    })
}

/// The grammatical number of the head noun in this occurrence: `Some(true)` when every noun
/// parse of the word is plural, `Some(false)` when every one is singular, `None` when the
/// form is ambiguous (`отношения`: genitive singular or nominative plural) or unknown.
pub fn head_plural(words: &[&str]) -> Option<bool> {
    guarded(|| head_plural_in(words))
}

fn head_plural_in(words: &[&str]) -> Option<bool> {
    let m = analyzer()?;
    let parsed = parse_all(m, words);
    let h = head_of(m, &parsed)?;
    let nouns: Vec<String> = parsed[h]
        .iter()
        .map(|p| p.lex.get_tag(m).string.clone())
        .filter(|t| mpos(t) == MPos::Noun)
        .collect();
    if nouns.is_empty() || nouns.iter().any(|t| has(t, "Fixd")) {
        return None;
    }
    if nouns.iter().all(|t| has(t, "plur")) {
        Some(true)
    } else if nouns.iter().all(|t| has(t, "sing")) {
        Some(false)
    } else {
        None
    }
}

/// The dictionary form of a lowercase noun phrase (words as written, lowercased, ё kept):
/// head noun in the nominative (`plural` or, for plural-only words, plural; else singular),
/// the adjectives before it agreeing, the words after it unchanged. `attested` says whether a
/// form occurs in the corpus. A word the dictionary does not know (names, new words) stays as
/// written. So is
/// an unattested form of a word the text capitalises (`capitalised`, by word) unless the
/// dictionary parses it as a proper name: a name is not to be read as a common noun.
/// `None` when the dictionary is not available or the phrase has no noun head.
pub fn dictionary_form(
    words: &[&str],
    plural: bool,
    capitalised: &[bool],
    attested: &dyn Fn(&str) -> bool,
) -> Option<String> {
    guarded(|| dictionary_form_in(words, plural, capitalised, attested))
}

fn dictionary_form_in(
    words: &[&str],
    plural: bool,
    capitalised: &[bool],
    attested: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let m = analyzer()?;
    let parsed = parse_all(m, words);
    let h = head_of(m, &parsed)?;
    let cap = |k: usize| capitalised.get(k).copied().unwrap_or(false);
    let before = h.checked_sub(1).map(|k| parsed[k].as_slice());
    let mut head = noun_parse(m, &parsed[h], cap(h), before)?;
    // A capitalised word the dictionary does not know as a name: the noun parse whose
    // nominative the corpus writes (`Корбина` → `Корбин`, not the predicted `корбина`).
    if cap(h) && !(head.is_known() && proper(&head.get_tag(m).string)) {
        let number = if plural { "plur" } else { "sing" };
        let attested_parse = parsed[h]
            .iter()
            .map(|p| p.lex.clone())
            .filter(|l| l.is_known() && mpos(&l.get_tag(m).string) == MPos::Noun)
            .find(|l| {
                inflect(m, l, number, None).is_some_and(|f| f != words[h] && attested(&fold_yo(&f)))
            });
        if let Some(l) = attested_parse {
            head = l;
        }
    }
    let head_tag = head.get_tag(m).string.clone();
    let number = if plural || has(&head_tag, "Pltm") {
        "plur"
    } else {
        "sing"
    };
    let trusted = |lex: &Lex, k: usize, form: String| -> Option<String> {
        // A predicted paradigm (unknown word) is never trusted: names are inflected by
        // analogy with common nouns of the same ending, often wrongly (`Дастин` read as a
        // genitive plural); the caller's choice among the written forms stands.
        if !lex.is_known() {
            return None;
        }
        let sure = !cap(k) || proper(&lex.get_tag(m).string);
        (sure || form == words[k] || attested(&fold_yo(&form))).then_some(form)
    };
    // The head and the adjectives agreeing with it change together or not at all: a phrase
    // whose head stays as written (a capitalised word the dictionary cannot vouch for) keeps
    // its adjectives as written too, so that no mixed form such as `китайская Народной
    // Республики` is made; the corpus's own form is at least a real one.
    let Some(head_form) = inflect(m, &head, number, None).and_then(|f| trusted(&head, h, f)) else {
        return Some(words.join(" "));
    };
    // Gender of the form actually produced (a common-gender noun agrees as masculine).
    let gender = if number == "sing" {
        if has(&head_tag, "ms-f") || has(&head_tag, "Ms-f") {
            Some("masc")
        } else {
            ["masc", "femn", "neut"]
                .into_iter()
                .find(|g| has(&head_tag, g))
        }
    } else {
        None
    };
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (k, w) in words.iter().enumerate() {
        if k < h {
            let form = match adj_parse(m, &parsed[k]) {
                // an adjective that cannot be made to agree: the phrase stays as written
                Some(a) => match inflect(m, &a, number, gender).and_then(|f| trusted(&a, k, f)) {
                    Some(f) => f,
                    None => return Some(words.join(" ")),
                },
                None => (*w).to_owned(),
            };
            out.push(form);
        } else if k == h {
            out.push(head_form.clone());
        } else {
            out.push((*w).to_owned());
        }
    }
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_embedded_dictionary_loads() {
        // no TMALIGN_MORPH_DICT in the test environment: the embedded files are read
        if std::env::var_os("TMALIGN_MORPH_DICT").is_none() {
            assert!(available());
        }
    }

    /// The analyser read with the large DAWGs decompressed here parses as the one
    /// `rsmorphy` reads itself from the same files: same parses, lemmas, tags and scores,
    /// for dictionary words and predicted ones.
    #[test]
    fn fast_read_equals_the_readers_own() {
        if !available() {
            eprintln!("note: no morphological dictionary; skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in DICT_FILES {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let slow = MorphAnalyzer::from_file(dir.path());
        let fast = analyzer().unwrap();
        let show = |m: &MorphAnalyzer, w: &str| -> Vec<String> {
            parse(m, w)
                .iter()
                .map(|p| {
                    let tag = &p.lex.get_tag(m).string;
                    format!("{} {tag} {:?}", p.lex.get_normal_form(m), p.score)
                })
                .collect()
        };
        let words = [
            "послом",
            "стали",
            "партнерства",
            "взаимодействия",
            "москве",
            "глокая",
            "куздра",
            "бокренка",
            "сотрудничеству",
            "переговорах",
            "ёжиком",
        ];
        for w in words {
            let want = show(&slow, w);
            assert!(!want.is_empty(), "{w}");
            assert_eq!(show(fast, w), want, "{w}");
        }
    }

    /// The reader's own panics (its prediction on a short unknown word) come back as no
    /// answer: this is what [`guarded`] and [`parse`]'s guard are there for.
    #[test]
    fn reader_panics_are_caught() {
        if !available() {
            eprintln!("note: no morphological dictionary; skipped");
            return;
        }
        let m = analyzer().unwrap();
        let raw = |w: &str| guarded(|| Some(m.parse(w).len()));
        // found by probing: the hyphenated ones pass the three-letter filter
        let panicking: Vec<&str> = ["ъ", "ьй", "щъ", "ёё", "ве-с", "ш-с", "дь-то"]
            .into_iter()
            .filter(|w| raw(w).is_none())
            .collect();
        assert!(
            !panicking.is_empty(),
            "no reader panic to guard against any more"
        );
        for w in panicking {
            assert!(analyse(w).is_none());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        /// Arbitrary Cyrillic text (any case, ё, hyphens) never panics out of the analysis.
        #[test]
        fn no_panic_on_cyrillic(text in "[а-яёА-ЯЁ -]{0,24}", plural: bool) {
            let lower = text.to_lowercase();
            let words: Vec<&str> = lower.split(' ').filter(|w| !w.is_empty()).collect();
            let caps: Vec<bool> = text
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            for w in &words {
                if let Some(a) = analyse(w) {
                    prop_assert!(!a.lemma.is_empty());
                }
            }
            let h = head_index(&words);
            prop_assert!(h.is_none_or(|h| h < words.len()));
            let _ = head_plural(&words);
            if let Some(f) = dictionary_form(&words, plural, &caps, &|w| w.len() % 2 == 0) {
                prop_assert_eq!(f.split(' ').count(), words.len());
            }
        }
    }

    fn form(p: &str, plural: bool) -> String {
        let w: Vec<&str> = p.split(' ').collect();
        dictionary_form(&w, plural, &[], &|_| false).unwrap_or_default()
    }

    #[test]
    fn head_and_adjectives_change_together() {
        if !available() {
            eprintln!("note: no morphological dictionary; skipped");
            return;
        }
        // capitalised head the dictionary does not vouch for, nominative not in the corpus:
        // nothing changes (was `китайская Народной Республики`)
        let w = ["китайской", "народной", "республики"];
        let got = dictionary_form(&w, false, &[false, true, true], &|_| false);
        assert_eq!(got.as_deref(), Some("китайской народной республики"));
        // the same phrase in common nouns agrees as a whole
        let got = dictionary_form(&w, false, &[false, false, false], &|_| false);
        assert_eq!(got.as_deref(), Some("китайская народная республика"));
    }

    #[test]
    fn lemmas_and_dictionary_forms() {
        if !available() {
            eprintln!("note: morphological dictionary not found, skipped");
            return;
        }
        assert_eq!(analyse("продавца").unwrap().lemma, "продавец");
        assert_eq!(analyse("продавец").unwrap().lemma, "продавец");
        assert_eq!(analyse("россии").unwrap().lemma, "россия");
        assert_ne!(analyse("росс").unwrap().lemma, "россия");
        assert_eq!(
            form("стратегического взаимодействия", false),
            "стратегическое взаимодействие"
        );
        assert_eq!(
            form("шанхайской организации сотрудничества", false),
            "шанхайская организация сотрудничества"
        );
        assert_eq!(
            form(
                "отношений всеобъемлющего партнёрства и стратегического взаимодействия",
                true
            ),
            "отношения всеобъемлющего партнёрства и стратегического взаимодействия"
        );
        assert_eq!(form("социальных сетях", false), "социальная сеть");
        assert_eq!(form("больницу", false), "больница");
        assert_eq!(form("переговорах", false), "переговоры");
        assert_eq!(form("торговой войны", false), "торговая война");
        assert_eq!(form("острова сулавеси", false), "остров сулавеси");
        assert_eq!(form("верховного судьи", false), "верховный судья");
        let w = ["палу"];
        assert_eq!(
            dictionary_form(&w, false, &[true], &|_| false).as_deref(),
            Some("палу")
        );
        assert_eq!(form("летучих мышей", false), "летучая мышь");
        assert_eq!(head_plural(&["отношениях"]), Some(true));
        assert_eq!(head_plural(&["отношения"]), None);
    }
}
