//! English side (zh–en glossaries): tokens, lemmas, a part-of-speech guess and the noun-phrase
//! chunker's word classes, and the dictionary form of a term.
//!
//! **Lexicon.** The open word classes come from the lemma table of the Python package
//! `lemminflect` 0.2.3 (`lemma_lu.csv.gz`, MIT, derived from the NIH SPECIALIST Lexicon; about
//! 80,000 rows `word,category,lemma[/lemma]`), which `tmalign data fetch` installs
//! ([`crate::data::EN_LEMMAS`]); nothing of it is bundled. A word's categories (noun, verb,
//! adjective, adverb, auxiliary) give its part of speech for the chunker, and its noun lemma
//! the singular of a plural noun (`talks` → `talk`, `women` → `woman`, `crises` → `crisis`;
//! plural-only nouns such as `news`, `politics` are their own lemma). When the table is not
//! installed, one warning goes to standard error and a small fallback takes over: suffix rules
//! for the part of speech and no lemmatisation (terms keep their written number).
//!
//! **Chunker.** The closed word classes (determiners, pronouns, prepositions, auxiliaries and
//! modals, conjunctions, number words, frequent adverbs) are a list written here; they end a
//! phrase, except `of` and `and` inside one (`Ministry of Foreign Affairs`, `research and
//! development`). A word the lexicon can read as a noun is a noun (noun adjuncts: `trade talks`,
//! `police officer`), an adjective-only word an adjective, a verb- or adverb-only word ends
//! the phrase (`said`, `announced`, `also`). A word the lexicon lacks is a name or a new word:
//! a noun. The phrase pattern is the one the Russian side uses ([`super::ru::noun_phrases`]):
//! modifiers, then the head noun last.
//!
//! **Dictionary form** ([`dictionary_form_of`]): the head noun (the last word) in the singular,
//! the modifiers as written, as termbases enter nouns (and as the Russian side does); plural
//! for plural-only nouns (the lexicon gives `news`, `politics` as their own lemma), for a
//! phrase plural in use (its plural occurrences outnumber the singular ones: `human rights`,
//! `trade talks`, `United States`) and for a name (a head capitalised mid-sentence in most of
//! its occurrences: the `Giants`, the `Rangers`).

use super::hash::FastMap;
use super::ru::{Pos, StemCache, Token};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// Part-of-speech bits of a lexicon entry.
const NOUN: u8 = 1;
const VERB: u8 = 2;
const ADJ: u8 = 4;
const ADV: u8 = 8;
const AUX: u8 = 16;

/// The English lexicon: folded word → (categories, noun lemma when it can be a noun).
#[derive(Debug, Default)]
pub struct Lexicon {
    words: FastMap<Box<str>, (u8, Option<Box<str>>)>,
}

impl Lexicon {
    /// Parses the lemma table (`word,category,lemma[/lemma]` lines, uncompressed).
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut words: FastMap<Box<str>, (u8, Option<Box<str>>)> = FastMap::default();
        // A lowercase row of a word wins over a capitalised one (`states` over `States`).
        let mut from_lowercase: FastMap<Box<str>, bool> = FastMap::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() {
                continue;
            }
            let mut f = line.splitn(3, ',');
            let (Some(word), Some(cat), Some(lemmas)) = (f.next(), f.next(), f.next()) else {
                return Err(format!("line {}: not `word,category,lemma`", n + 1));
            };
            let bit = match cat {
                "noun" => NOUN,
                "verb" => VERB,
                "adj" => ADJ,
                "adv" => ADV,
                "aux" => AUX,
                other => return Err(format!("line {}: unknown category {other:?}", n + 1)),
            };
            let folded: Box<str> = word.to_lowercase().into();
            let lower = word == &*folded;
            let e = words.entry(folded.clone()).or_insert((0, None));
            e.0 |= bit;
            if bit == NOUN {
                let lower_before = from_lowercase.get(&folded).copied().unwrap_or(false);
                if e.1.is_none() || (lower && !lower_before) {
                    // Of several lemmas, the word itself when it is one (`data` of data/datum,
                    // `media` of medium/media: a plural in use), else the first.
                    let options: Vec<&str> = lemmas.split('/').collect();
                    let lemma = options
                        .iter()
                        .find(|l| l.eq_ignore_ascii_case(word))
                        .unwrap_or(&options[0]);
                    e.1 = Some(lemma.to_lowercase().into());
                    from_lowercase.insert(folded, lower);
                }
            }
        }
        if words.is_empty() {
            return Err("an empty lemma table".into());
        }
        Ok(Lexicon { words })
    }

    /// Reads the gzip'd lemma table.
    pub fn read(path: &Path) -> Result<Lexicon, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::io::BufReader::new(file))
            .read_to_string(&mut text)
            .map_err(|e| format!("{}: not a gzip'd text file ({e})", path.display()))?;
        Lexicon::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon is empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The singular of a folded noun (itself for a singular or plural-only noun), `None` when
    /// the lexicon does not know it as a noun.
    pub fn noun_lemma(&self, folded: &str) -> Option<&str> {
        self.words.get(folded).and_then(|(_, l)| l.as_deref())
    }

    /// Whether the lexicon has the folded word (a dictionary word, written lowercase unless
    /// the text shows otherwise).
    pub fn contains(&self, folded: &str) -> bool {
        self.words.contains_key(folded)
    }

    /// Part of speech for the chunker (see the module documentation).
    fn pos(&self, folded: &str) -> Option<Pos> {
        let &(bits, _) = self.words.get(folded)?;
        Some(if bits & NOUN != 0 {
            Pos::Noun
        } else if bits & ADJ != 0 {
            Pos::Adj
        } else {
            Pos::Other
        })
    }
}

/// The installed lexicon, read once; `None` (warned once) when it is missing or unreadable.
pub fn lexicon() -> Option<&'static Lexicon> {
    static L: OnceLock<Option<Lexicon>> = OnceLock::new();
    L.get_or_init(|| {
        let why = match crate::data::file_path(&crate::data::EN_LEMMAS) {
            None => "no data directory: set TMALIGN_DATA_DIR".to_owned(),
            Some(p) if !p.is_file() => {
                format!("{} not installed: run `tmalign data fetch`", p.display())
            }
            Some(p) => match Lexicon::read(&p) {
                Ok(l) => return Some(l),
                Err(e) => format!("{e}; run `tmalign data fetch --force`"),
            },
        };
        crate::warning::warn(&format!(
            "no English lemma table ({why}): English terms keep their written number and parts \
             of speech are guessed from suffixes"
        ));
        None
    })
    .as_ref()
}

/// Whether the lexicon is installed (else the suffix fallback).
pub fn available() -> bool {
    lexicon().is_some()
}

/// Prepositions that may join two nouns inside a term.
const INNER: &[&str] = &["of"];

/// The closed word classes: they end a phrase (written for the chunker, not taken from a
/// resource: the lexicon lists open-class words only).
const CLOSED: &[&str] = &[
    // determiners, quantifiers
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "some",
    "any",
    "no",
    "every",
    "each",
    "all",
    "both",
    "either",
    "neither",
    "much",
    "many",
    "more",
    "most",
    "few",
    "fewer",
    "little",
    "less",
    "least",
    "several",
    "such",
    "another",
    "other",
    "own",
    "same",
    "enough",
    // pronouns
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "one",
    "ones",
    "who",
    "whom",
    "whose",
    "which",
    "what",
    "whatever",
    "whoever",
    "whichever",
    "someone",
    "somebody",
    "something",
    "anyone",
    "anybody",
    "anything",
    "everyone",
    "everybody",
    "everything",
    "nobody",
    "nothing",
    "none",
    // prepositions
    "about",
    "above",
    "across",
    "after",
    "against",
    "along",
    "amid",
    "among",
    "amongst",
    "around",
    "as",
    "at",
    "before",
    "behind",
    "below",
    "beneath",
    "beside",
    "besides",
    "between",
    "beyond",
    "by",
    "despite",
    "down",
    "during",
    "except",
    "for",
    "from",
    "in",
    "inside",
    "into",
    "like",
    "near",
    "off",
    "on",
    "onto",
    "out",
    "outside",
    "over",
    "past",
    "per",
    "since",
    "than",
    "through",
    "throughout",
    "till",
    "to",
    "toward",
    "towards",
    "under",
    "underneath",
    "unlike",
    "until",
    "up",
    "upon",
    "via",
    "with",
    "within",
    "without",
    // conjunctions
    "or",
    "but",
    "nor",
    "so",
    "yet",
    "if",
    "because",
    "although",
    "though",
    "while",
    "whereas",
    "unless",
    "whether",
    "when",
    "where",
    "why",
    "how",
    "then",
    "once",
    // auxiliaries and modals
    "be",
    "am",
    "is",
    "are",
    "was",
    "were",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "done",
    "doing",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "ought",
    // number words
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "last",
    "next",
    // frequent adverbs and particles
    "not",
    "also",
    "very",
    "too",
    "just",
    "only",
    "even",
    "still",
    "already",
    "now",
    "here",
    "there",
    "again",
    "ever",
    "never",
    "always",
    "often",
    "sometimes",
    "perhaps",
    "however",
    "therefore",
    "thus",
    "almost",
    "really",
    "quite",
    "rather",
    "yes",
    "well",
    "away",
    "back",
    "ago",
    "later",
    "soon",
    "today",
    "yesterday",
    "tomorrow",
    "tonight",
    "meanwhile",
    // frequent verbs of reporting, which the lexicon also reads as nouns (`says`, `say`)
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "according",
    "including",
    // titles' abbreviations
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
];

/// The closed classes by word, built once.
fn closed_classes() -> &'static FastMap<&'static str, Pos> {
    static M: OnceLock<FastMap<&'static str, Pos>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m: FastMap<&'static str, Pos> = FastMap::default();
        for w in CLOSED {
            m.insert(*w, Pos::Other);
        }
        for w in INNER {
            m.insert(*w, Pos::Prep);
        }
        m.insert("and", Pos::And);
        m
    })
}

/// Guesses the part of speech of a folded word (a lemma key) for the chunker.
pub fn guess_pos(folded: &str) -> Pos {
    if let Some(&pos) = closed_classes().get(folded) {
        return pos;
    }
    if !folded.chars().any(char::is_alphabetic) || folded.chars().count() < 2 {
        return Pos::Other;
    }
    // contractions (don't, it's) are function words
    if folded.contains(['\'', '’']) {
        return Pos::Other;
    }
    match lexicon() {
        Some(lex) => lex.pos(folded).unwrap_or(Pos::Noun),
        None => suffix_pos(folded),
    }
}

/// The fallback part of speech without the lexicon: adverbs in -ly and past forms in -ed end
/// a phrase, adjective suffixes modify, anything else is a noun.
fn suffix_pos(folded: &str) -> Pos {
    let n = folded.chars().count();
    if n > 4 && (folded.ends_with("ly") || folded.ends_with("ed")) {
        return Pos::Other;
    }
    let adj = [
        "al", "ive", "ous", "ful", "less", "able", "ible", "ic", "ese", "ian",
    ];
    if n > 4 && adj.iter().any(|e| folded.ends_with(e)) {
        return Pos::Adj;
    }
    Pos::Noun
}

/// Whether a written word is an acronym: two or more letters, all capitals (`US`, `WHO`,
/// `NATO`, `G20`): its key keeps the capitals, so `US` is not the pronoun `us`.
fn is_acronym(surface: &str) -> bool {
    surface.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && surface.chars().all(|c| !c.is_lowercase())
        && surface.chars().next().is_some_and(char::is_alphabetic)
}

/// The lemma key of a word: an acronym as written; else the folded word, a noun's singular
/// when the lexicon has one.
pub fn lemma(word: &str) -> String {
    analyse(word).0
}

/// Lemma and part of speech of a written word.
fn analyse(surface: &str) -> (String, Pos) {
    if is_acronym(surface) {
        return (surface.to_owned(), Pos::Noun);
    }
    let folded = fold(surface);
    let pos = guess_pos(&folded);
    let lemma = match (pos, lexicon()) {
        (Pos::Noun, Some(lex)) => lex.noun_lemma(&folded).unwrap_or(&folded).to_owned(),
        _ => folded,
    };
    (lemma, pos)
}

/// Lowercase (curly apostrophes made straight).
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == '’' { '\'' } else { c })
        .collect()
}

/// The lemmas of a phrase joined by spaces: the key under which two inflected forms of one
/// term compare equal.
pub fn lemma_key(text: &str) -> String {
    tokenize(text)
        .into_iter()
        .map(|t| t.lemma)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits an English sentence into word tokens (see [`tokenize_cached`]).
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_cached(text, &mut StemCache::default())
}

/// Whether `chars[i]` is a capital letter that begins a word or follows a dot.
fn initial_at(chars: &[(usize, char)], i: usize) -> bool {
    chars[i].1.is_ascii_uppercase()
        && (i == 0 || chars[i - 1].1 == '.' || !chars[i - 1].1.is_alphanumeric())
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits an English sentence into word tokens: letters and digits, joined by an inner hyphen
/// (`long-term`, `COVID-19`) or apostrophe (`don't`). The possessive `'s` (and a bare `'`
/// after a plural) is cut off and ends the phrase: `China's economy` gives `China` and
/// `economy`. Numbers and punctuation break phrases. The cache holds each word's analysis.
pub fn tokenize_cached(text: &str, cache: &mut StemCache) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut brk = true;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (s, c) = chars[k];
        if !c.is_alphanumeric() {
            if !c.is_whitespace() {
                brk = true;
            }
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while e < chars.len() {
            let c = chars[e].1;
            let joins = (c == '-' || is_apostrophe(c))
                && chars.get(e + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
            // an initialism: capital letters with dots (`U.S.`, `D.C.`)
            let dotted = c == '.'
                && initial_at(&chars, e - 1)
                && chars
                    .get(e + 1)
                    .is_some_and(|&(_, n)| n.is_ascii_uppercase());
            if c.is_alphanumeric() || joins || dotted {
                e += 1;
            } else {
                break;
            }
        }
        // the initialism's last dot belongs to it (`U.S.`)
        if e < chars.len()
            && chars[e].1 == '.'
            && e >= 2
            && chars[e - 2].1 == '.'
            && initial_at(&chars, e - 1)
        {
            e += 1;
        }
        let end = chars.get(e).map_or(text.len(), |&(b, _)| b);
        let mut word = &text[s..end];
        // the possessive: `'s` cut off, the phrase ends after the word
        let mut possessive = false;
        for suffix in ["'s", "’s", "'S", "’S"] {
            if let Some(w) = word.strip_suffix(suffix) {
                word = w;
                possessive = true;
            }
        }
        k = e;
        if word.chars().all(|c| c.is_ascii_digit()) {
            // a number ends a phrase
            brk = true;
            continue;
        }
        let key = if is_acronym(word) {
            word.to_owned()
        } else {
            fold(word)
        };
        let (lemma, pos) = match cache.get(&key) {
            Some((_, l, p)) => (l.clone(), *p),
            None => {
                let (l, p) = analyse(word);
                cache.insert(key.clone(), (l.clone(), l.clone(), p));
                (l, p)
            }
        };
        out.push(Token {
            surface: word.to_owned(),
            folded: key,
            stem: lemma.clone(),
            lemma,
            pos,
            start: s,
            break_before: brk,
        });
        brk = possessive;
    }
    // A function word written with a capital inside a sentence is part of a name (`May`, `Will
    // Smith`, `The Hague` inside a sentence), as on the Russian side.
    for t in out.iter_mut() {
        let capital = t.surface.chars().next().is_some_and(char::is_uppercase);
        if capital && !t.break_before && !matches!(t.pos, Pos::Noun | Pos::Adj) {
            t.pos = Pos::Noun;
        }
    }
    out
}

/// Whether a lowercase head word is a plural noun by the lexicon (its lemma differs).
pub fn is_plural(word: &str) -> Option<bool> {
    let lex = lexicon()?;
    lex.noun_lemma(word).map(|l| l != word)
}

/// The dictionary form of a term from its lowercase surface forms (form → occurrences,
/// weighted occurrences): the most frequent form, its head noun (the last word) in the
/// singular unless the term is plural in use (a phrase whose plural occurrences outnumber the
/// singular ones) or the head is a name (`name` says whether a folded word is capitalised
/// mid-sentence in most of its occurrences). Modifiers stay as written. `None` when there is
/// no form.
pub fn dictionary_form_of(
    forms: &FastMap<String, (u32, f64)>,
    name: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let best = forms
        .iter()
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(b.0.cmp(a.0)))?
        .0
        .clone();
    let Some(lex) = lexicon() else {
        return Some(best);
    };
    let head_of = |f: &str| f.rsplit(' ').next().unwrap_or("").to_owned();
    let head = head_of(&best);
    let Some(singular) = lex.noun_lemma(&head).filter(|l| *l != head) else {
        return Some(best);
    };
    if name(&head) {
        return Some(best);
    }
    let phrase = best.contains(' ');
    let plural_in_use = phrase
        && super::forms::plural_in_use(forms, |f| {
            let head = head_of(f);
            lex.noun_lemma(&head).map(|l| l != head)
        });
    if plural_in_use {
        return Some(best);
    }
    let stem = &best[..best.len() - head.len()];
    Some(format!("{stem}{singular}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::parse(
            "talks,noun,talk\ntalks,verb,talk\ntalk,noun,talk\nsaid,verb,say\n\
             economic,adj,economic\nwomen,noun,woman\ndata,noun,data/datum\n\
             media,noun,medium/media\nStates,noun,State\nstates,noun,state\nnews,noun,news\n",
        )
        .unwrap()
    }

    #[test]
    fn the_lexicon_gives_classes_and_singulars() {
        let l = lex();
        assert_eq!(l.pos("talks"), Some(Pos::Noun));
        assert_eq!(l.pos("said"), Some(Pos::Other));
        assert_eq!(l.pos("economic"), Some(Pos::Adj));
        assert_eq!(l.noun_lemma("women"), Some("woman"));
        assert_eq!(l.noun_lemma("data"), Some("data"));
        assert_eq!(l.noun_lemma("media"), Some("media"));
        assert_eq!(l.noun_lemma("states"), Some("state"));
        assert_eq!(l.noun_lemma("news"), Some("news"));
        assert!(Lexicon::parse("x,y").is_err());
        assert!(Lexicon::parse("x,pron,x").is_err());
    }

    #[test]
    fn tokens_cut_possessives_and_keep_acronyms() {
        let t = tokenize("China's economy and the US, COVID-19 cases");
        let s: Vec<&str> = t.iter().map(|t| t.surface.as_str()).collect();
        assert_eq!(
            s,
            ["China", "economy", "and", "the", "US", "COVID-19", "cases"]
        );
        assert!(t[1].break_before, "the possessive ends the phrase");
        assert_eq!(t[4].folded, "US");
        assert_eq!(t[4].pos, Pos::Noun);
        assert_eq!(t[3].pos, Pos::Other);
        assert!(t[5].break_before);
        // numbers break phrases
        let t = tokenize("the 2019 election");
        assert!(t[1].break_before);
    }

    #[test]
    fn dictionary_forms_singularise_the_head_unless_plural_in_use_or_a_name() {
        if !available() {
            return;
        }
        let forms = |list: &[(&str, u32)]| -> FastMap<String, (u32, f64)> {
            list.iter()
                .map(|&(f, n)| (f.to_owned(), (n, n as f64)))
                .collect()
        };
        let none = |_: &str| false;
        let f = dictionary_form_of(&forms(&[("officials", 5), ("official", 1)]), &none);
        assert_eq!(f.as_deref(), Some("official"));
        let f = dictionary_form_of(&forms(&[("trade talks", 3)]), &none);
        assert_eq!(f.as_deref(), Some("trade talks"));
        let f = dictionary_form_of(&forms(&[("trade wars", 1), ("trade war", 4)]), &none);
        assert_eq!(f.as_deref(), Some("trade war"));
        let f = dictionary_form_of(&forms(&[("news", 3)]), &none);
        assert_eq!(f.as_deref(), Some("news"));
        let giants = |w: &str| w == "giants";
        let f = dictionary_form_of(&forms(&[("giants", 3)]), &giants);
        assert_eq!(f.as_deref(), Some("giants"));
    }

    #[test]
    fn closed_classes_bound_phrases() {
        assert_eq!(guess_pos("the"), Pos::Other);
        assert_eq!(guess_pos("of"), Pos::Prep);
        assert_eq!(guess_pos("and"), Pos::And);
        assert_eq!(guess_pos("don't"), Pos::Other);
        let toks = tokenize("The Ministry of Foreign Affairs said the talks would resume");
        let p: Vec<String> = super::super::ru::noun_phrases(&toks, 6)
            .into_iter()
            .map(|(a, b)| {
                toks[a..b]
                    .iter()
                    .map(|t| t.surface.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert!(
            p.contains(&"Ministry of Foreign Affairs".to_owned()),
            "{p:?}"
        );
        assert!(
            !p.iter().any(|x| x.contains("The ") || x.contains("said")),
            "{p:?}"
        );
    }
}
