//! Russian side: tokens, Snowball stems, a suffix-based part-of-speech guess and noun-phrase
//! candidates.
//!
//! No Russian morphological dictionary is used (none small and well kept exists as a Rust
//! crate), so lemmas are approximated by Snowball stems of the ё→е folded lowercase word, and
//! parts of speech are guessed from closed word lists and adjective endings. That is enough
//! for the noun-phrase pattern `adjective* noun (noun | и adjective* noun | preposition
//! adjective* noun)*`: it cannot tell cases apart, so a genitive chain and an apposition both
//! pass, which is what terms such as «отношения всеобъемлющего партнёрства» need.

use super::hash::FastMap;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// A guessed part of speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    /// A noun (or anything content-like that is not an adjective): heads a phrase.
    Noun,
    /// An adjective or participle (by ending).
    Adj,
    /// A preposition that may join two nouns inside a term (`по`, `в`, `на`, …).
    Prep,
    /// The conjunction `и`.
    And,
    /// A stop word, verb, adverb or number: never part of a term.
    Other,
}

/// One Russian word of a sentence.
#[derive(Debug, Clone)]
pub struct Token {
    /// The word as written.
    pub surface: String,
    /// Lowercase, ё folded to е.
    pub folded: String,
    /// Snowball stem of `folded`.
    pub stem: String,
    /// Lemma (dictionary normal form, lowercase, ё → е) by the morphological dictionary
    /// ([`super::morph`]); the Snowball stem when the dictionary is not available.
    pub lemma: String,
    /// Guessed part of speech.
    pub pos: Pos,
    /// Byte offset in the sentence.
    pub start: usize,
    /// Whether a sentence break or punctuation precedes the word (phrases do not cross it).
    pub break_before: bool,
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

/// Lowercases and folds ё to е (Russian texts write either).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        // Fast path for Russian and ASCII letters (the general Unicode lowercase lookup was
        // a hot spot); the mapping is the same as `char::to_lowercase` for them.
        match c {
            'а'..='я' | 'a'..='z' => out.push(c),
            'ё' | 'Ё' => out.push('е'),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            _ => out.extend(c.to_lowercase().map(|c| if c == 'ё' { 'е' } else { c })),
        }
    }
    out
}

/// The lemma key of a word: the Snowball stem of its folded form. `партнёрства` and
/// `партнерство` share one.
pub fn stem(word: &str) -> String {
    let f = fold(word);
    stemmer().stem(&f).into_owned()
}

const PREPOSITIONS: &[&str] = &[
    "в",
    "во",
    "на",
    "по",
    "с",
    "со",
    "о",
    "об",
    "для",
    "против",
    "между",
    "при",
    "без",
    "к",
    "ко",
    "из",
    "от",
    "до",
    "за",
    "над",
    "под",
];

/// Prepositions allowed inside a term; the others only break phrases.
const INNER_PREPOSITIONS: &[&str] = &["в", "во", "на", "по", "для", "о", "об", "с", "со"];

const STOP: &[&str] = &[
    "а",
    "но",
    "или",
    "да",
    "же",
    "ли",
    "не",
    "ни",
    "бы",
    "то",
    "это",
    "этот",
    "эта",
    "эти",
    "этого",
    "этой",
    "этом",
    "этим",
    "этих",
    "тот",
    "та",
    "те",
    "того",
    "той",
    "том",
    "тем",
    "тех",
    "он",
    "она",
    "оно",
    "они",
    "его",
    "ее",
    "её",
    "их",
    "им",
    "ими",
    "ему",
    "ей",
    "нем",
    "ней",
    "них",
    "мы",
    "вы",
    "я",
    "ты",
    "нас",
    "вас",
    "нам",
    "вам",
    "меня",
    "мне",
    "себя",
    "себе",
    "свой",
    "своей",
    "своего",
    "своих",
    "свои",
    "свою",
    "своим",
    "который",
    "которая",
    "которое",
    "которые",
    "которого",
    "которой",
    "котором",
    "которым",
    "которых",
    "что",
    "чтобы",
    "как",
    "так",
    "также",
    "тоже",
    "уже",
    "еще",
    "ещё",
    "только",
    "очень",
    "все",
    "всё",
    "всех",
    "всем",
    "весь",
    "вся",
    "всего",
    "всей",
    "был",
    "была",
    "было",
    "были",
    "быть",
    "есть",
    "будет",
    "будут",
    "является",
    "являются",
    "где",
    "когда",
    "если",
    "чем",
    "более",
    "менее",
    "после",
    "около",
    "через",
    "также",
    "который",
    "кто",
    "сам",
    "сама",
    "само",
    "сами",
    "самый",
    "такой",
    "такая",
    "такие",
    "такого",
    "другой",
    "другие",
    "другого",
    "один",
    "одна",
    "одно",
    "одного",
    "одной",
    "два",
    "две",
    "три",
    "мой",
    "моя",
    "мое",
    "наш",
    "наша",
    "наше",
    "наши",
    "нашей",
    "нашего",
    "ваш",
    "ее",
    "свое",
    "может",
    "могут",
    "можно",
    "нужно",
    "надо",
    "сказал",
    "сказала",
    "заявил",
    "заявила",
    "отметил",
    "отметила",
    "год",
    "года",
    "году",
    "лет",
    "раз",
    "вот",
    "здесь",
    "там",
    "тогда",
    "теперь",
    "сейчас",
    "т",
    "е",
    "г",
    "гг",
    "др",
    "пр",
    "т.е",
    "всегда",
    "никогда",
    "ранее",
    "впрочем",
    "однако",
    "поэтому",
    "потому",
    "также",
    "либо",
    "затем",
    "чтоб",
    "пока",
    "даже",
    "лишь",
    "именно",
    "каждый",
    "каждая",
    "каждое",
    "каждого",
    "многие",
    "многих",
    "несколько",
    "некоторые",
];

const ADJ_ENDINGS: &[&str] = &[
    "ыми", "ими", "ого", "его", "ому", "ему", "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие",
    "ым", "им", "ых", "их", "ую", "юю",
];

/// Endings of verbs, short forms and gerunds that look like neither nouns nor adjectives.
const VERB_ENDINGS: &[&str] = &[
    "ться",
    "тся",
    "ть",
    "ешь",
    "ете",
    "ет",
    "ют",
    "ут",
    "ат",
    "ят",
    "ит",
    "ил",
    "ала",
    "ила",
    "ели",
    "али",
    "или",
    "ыли",
    "ел",
    "ал",
    "ался",
    "ался",
    "ались",
    "ился",
    "ились",
    "лась",
    "лось",
    "ав",
    "ив",
    "вшись",
    "аясь",
    "уясь",
];

/// The closed word classes by word, built once (a linear scan per token was a hot spot).
fn closed_classes() -> &'static FastMap<&'static str, Pos> {
    static M: OnceLock<FastMap<&'static str, Pos>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = FastMap::default();
        for w in STOP {
            m.insert(*w, Pos::Other);
        }
        for w in PREPOSITIONS {
            let pos = if INNER_PREPOSITIONS.contains(w) {
                Pos::Prep
            } else {
                Pos::Other
            };
            m.insert(*w, pos);
        }
        m.insert("и", Pos::And);
        m
    })
}

/// Guesses the part of speech of a folded word.
pub fn guess_pos(folded: &str) -> Pos {
    if let Some(&pos) = closed_classes().get(folded) {
        return pos;
    }
    if !folded.chars().any(char::is_alphabetic) {
        return Pos::Other;
    }
    let n = folded.chars().count();
    if n < 2 {
        return Pos::Other;
    }
    if !folded.chars().any(is_cyrillic) {
        // Latin acronyms and names (BRICS, Apple) head phrases like nouns.
        return Pos::Noun;
    }
    if n >= 4 {
        // Verbal nouns in -ние / -тие / -ствие and their -ний / -тий genitives look adjectival.
        let noun_like = [
            "ние", "тие", "вие", "ний", "тий", "вий", "дие", "дий", "рие", "рий", "лие", "лий",
        ];
        let adj_exceptions = ["нние", "нний", "дние", "дний"];
        if noun_like.iter().any(|e| folded.ends_with(e))
            && !adj_exceptions.iter().any(|e| folded.ends_with(e))
        {
            return Pos::Noun;
        }
        if ADJ_ENDINGS.iter().any(|e| folded.ends_with(e)) {
            return Pos::Adj;
        }
        if folded.ends_with("ском") || folded.ends_with("цком") || folded.ends_with("ской")
        {
            return Pos::Adj;
        }
        if n >= 5 && VERB_ENDINGS.iter().any(|e| folded.ends_with(e)) {
            return Pos::Other;
        }
    }
    Pos::Noun
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn is_word_char(c: char) -> bool {
    // Russian and ASCII letters first: `is_alphabetic` takes a slow table lookup for them.
    matches!(c, 'а'..='я' | 'А'..='Я' | 'a'..='z' | 'A'..='Z' | 'ё' | 'Ё')
        || c.is_alphabetic()
        || c == '\u{0301}'
}

/// Splits a Russian sentence into word tokens. Hyphenated words (`российско-китайский`)
/// stay whole; digits and punctuation break phrases.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_cached(text, &mut StemCache::default())
}

/// Stems, lemmas and parts of speech of folded words already seen: a corpus repeats its
/// words, and stemming each occurrence again was a third of the extractor's time.
#[derive(Default)]
pub struct StemCache(FastMap<String, (String, String, Pos)>);

impl StemCache {
    /// Whether a folded word occurred in the text tokenised with this cache.
    pub fn contains(&self, folded: &str) -> bool {
        self.0.contains_key(folded)
    }

    /// Every folded word seen, with its lemma key ([`Token::lemma`]).
    pub fn forms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, (_, l, _))| (f.as_str(), l.as_str()))
    }

    /// The cached (stem, lemma, part of speech) of a word (for the other target languages'
    /// tokenisers, which share the cache type).
    pub(crate) fn get(&self, key: &str) -> Option<&(String, String, Pos)> {
        self.0.get(key)
    }

    /// Caches a word's analysis.
    pub(crate) fn insert(&mut self, key: String, analysis: (String, String, Pos)) {
        self.0.insert(key, analysis);
    }
}

/// The lemma and part of speech of a word: closed classes first, then the morphological
/// dictionary (a word it does not know gets its Snowball stem and [`guess_pos`], since its
/// predicted parse is a guess too), Snowball and the guess when there is no dictionary.
fn analyse_word(surface: &str, folded: &str, stem: &str) -> (String, Pos) {
    if let Some(&pos) = closed_classes().get(folded) {
        return (folded.to_owned(), pos);
    }
    if !folded.chars().any(is_cyrillic) {
        return (folded.to_owned(), guess_pos(folded));
    }
    match super::morph::analyse(&surface.to_lowercase()) {
        // A word the dictionary does not know (names, new words) keeps its Snowball stem: the
        // predicted paradigm gives the forms of one name different lemmas.
        Some(a) if !a.known => (stem.to_owned(), guess_pos(folded)),
        Some(a) => {
            let pos = {
                match a.pos {
                    super::morph::MPos::Noun => Pos::Noun,
                    super::morph::MPos::Adj => Pos::Adj,
                    super::morph::MPos::Other => Pos::Other,
                }
            };
            (a.lemma, pos)
        }
        None => (stem.to_owned(), guess_pos(folded)),
    }
}

/// The lemma key of a word (see [`Token::lemma`]).
pub fn lemma(word: &str) -> String {
    let f = fold(word);
    let st = stemmer().stem(&f).into_owned();
    analyse_word(word, &f, &st).0
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

/// [`tokenize`] with a cache shared across sentences.
pub fn tokenize_cached(text: &str, cache: &mut StemCache) -> Vec<Token> {
    let mut out = Vec::new();
    let mut brk = true;
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    loop {
        let next = iter.next();
        let (pos, c) = next.unwrap_or((text.len(), ' '));
        let joins =
            c == '-' && start.is_some() && iter.peek().is_some_and(|&(_, n)| is_word_char(n));
        if is_word_char(c) || joins {
            if start.is_none() {
                start = Some(pos);
            }
        } else {
            if let Some(s) = start.take() {
                let surface = &text[s..pos];
                let folded = fold(surface);
                let (stem, lemma, pos_guess) = match cache.0.get(&folded) {
                    Some((st, l, p)) => (st.clone(), l.clone(), *p),
                    None => {
                        let st = stemmer().stem(&folded).into_owned();
                        let (l, p) = analyse_word(surface, &folded, &st);
                        cache.0.insert(folded.clone(), (st.clone(), l.clone(), p));
                        (st, l, p)
                    }
                };
                out.push(Token {
                    surface: surface.to_owned(),
                    stem,
                    lemma,
                    folded,
                    pos: pos_guess,
                    start: s,
                    break_before: brk,
                });
                brk = false;
            }
            if !c.is_whitespace() {
                brk = true;
            }
        }
        if next.is_none() {
            break;
        }
    }
    // A function word or a one-letter word written with a capital inside a sentence is a
    // name, not the particle or conjunction (`Ли Цян`, `Ван И`): function words take a
    // capital only at the start of a sentence.
    // At the start of a sentence only when a capitalised word the dictionary does not know
    // follows (`Ли Цян заявил`, not `В Москве`).
    let capital = |t: &Token| t.surface.chars().next().is_some_and(char::is_uppercase);
    for k in 0..out.len() {
        let t = &out[k];
        if matches!(t.pos, Pos::Noun | Pos::Adj) || !capital(t) {
            continue;
        }
        let name_follows = out.get(k + 1).is_some_and(|n| {
            !n.break_before && capital(n) && n.lemma == n.stem && n.pos == Pos::Noun
        });
        if !t.break_before || name_follows {
            out[k].pos = Pos::Noun;
        }
    }
    out
}

/// A noun-phrase candidate: the token range `[start, end)` of a sentence.
pub type Span = (usize, usize);

/// Collapses whitespace runs to one space and, when `lowercase`, lowercases (keeping ё):
/// the form terms are compared and reported in.
pub fn lower_spaces(text: &str, lowercase: bool) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if lowercase {
        joined.to_lowercase()
    } else {
        joined
    }
}

/// The stems of a phrase joined by spaces: the key under which two inflected forms of one
/// term compare equal.
pub fn stem_key(text: &str) -> String {
    tokenize(text)
        .into_iter()
        .map(|t| t.stem)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The noun-phrase candidates of a tokenised sentence, 1 to `max_words` words:
/// `adjective* noun (noun | и adjective* noun | preposition adjective* noun)*`, never
/// crossing punctuation.
pub fn noun_phrases(tokens: &[Token], max_words: usize) -> Vec<Span> {
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        if !matches!(tokens[i].pos, Pos::Adj | Pos::Noun) {
            continue;
        }
        // prev: the part of speech of the previous token inside the candidate
        let mut prev = tokens[i].pos;
        if prev == Pos::Noun {
            out.push((i, i + 1));
        }
        for (j, t) in tokens.iter().enumerate().take(i + max_words).skip(i + 1) {
            if t.break_before {
                break;
            }
            // Adjectives may follow anything (a new modifier group after a noun); a connector
            // only follows a noun; a candidate is emitted only when it ends on a noun.
            let ok = match t.pos {
                Pos::Noun | Pos::Adj => true,
                Pos::And | Pos::Prep => prev == Pos::Noun,
                Pos::Other => false,
            };
            if !ok {
                break;
            }
            prev = t.pos;
            if t.pos == Pos::Noun {
                out.push((i, j + 1));
            }
        }
    }
    out
}

/// How much a lowercase surface form looks like the nominative (dictionary) form: weights
/// for the tie-breaking of surface forms. Adjectives are judged by their ending, the last
/// (head or last dependent) word by noun endings: clearly oblique endings (-ии, -ов, -ами,
/// -ом, …) weigh little, ambiguous ones (-а, -ы, -и: genitive or plural) medium.
pub fn nominative_weight(form: &str) -> f64 {
    let words: Vec<&str> = form.split(' ').collect();
    let mut w = 1.0;
    if let Some(first) = words.first() {
        if words.len() > 1 && guess_pos(&fold(first)) == Pos::Adj {
            let nom = ["ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой"];
            w *= if nom.iter().any(|e| first.ends_with(e)) {
                2.0
            } else {
                0.7
            };
        }
    }
    // the head noun: the first noun of the phrase
    let head = words
        .iter()
        .find(|x| guess_pos(&fold(x)) == Pos::Noun)
        .copied()
        .unwrap_or("");
    let oblique = [
        "ии", "ами", "ями", "ах", "ях", "ам", "ям", "ов", "ев", "ом", "ем", "ой", "ей", "ию", "ую",
        "у", "ю", "е",
    ];
    let ambiguous = ["а", "я", "ы", "и"];
    let nominative = ["ие", "ия", "ство", "ость", "ье"];
    if nominative.iter().any(|e| head.ends_with(e)) {
        w *= 2.0;
    } else if oblique.iter().any(|e| head.ends_with(e)) {
        w *= 0.5;
    } else if ambiguous.iter().any(|e| head.ends_with(e)) {
        w *= 1.0;
    } else {
        // consonant, -ь, -й, -о: nominative (or accusative, which has the same form)
        w *= 2.0;
    }
    w
}

/// The dictionary form of a term from its lowercase surface forms (form → occurrences):
/// the head noun goes to the plural when the occurrences whose form is plural beyond doubt
/// outnumber the singular ones (`отношений`, `отношениях` against `отношение`: the term is
/// plural in use), and the form most occurrences lead to wins.
pub fn dictionary_form_of(
    forms: &FastMap<String, (u32, f64)>,
    caps: &std::collections::HashMap<String, (u32, u32)>,
    attested: &dyn Fn(&str) -> bool,
) -> Option<String> {
    // A single word goes into a termbase as its lemma (singular); only a phrase is entered
    // in the number it is used in.
    let phrase = forms.keys().any(|f| f.contains(' '));
    let plural = phrase
        && super::forms::plural_in_use(forms, |f| {
            super::morph::head_plural(&f.split(' ').collect::<Vec<_>>())
        });
    // Votes weigh nominative-looking surfaces more: where the dictionary cannot inflect a word
    // (an unknown name), the form the corpus writes in the nominative should win.
    let mut votes: FastMap<String, f64> = FastMap::default();
    for (f, &(_, w)) in forms {
        let words: Vec<&str> = f.split(' ').collect();
        let capitalised: Vec<bool> = words
            .iter()
            .map(|w| {
                caps.get(&lemma(w))
                    .is_some_and(|&(up, total)| up * 2 > total)
            })
            .collect();
        let d = super::morph::dictionary_form(&words, plural, &capitalised, attested)?;
        *votes.entry(d).or_insert(0.0) += w;
    }
    votes
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        noun_phrases(&toks, 6)
            .into_iter()
            .map(|(a, b)| {
                toks[a..b]
                    .iter()
                    .map(|t| t.folded.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn stems_fold_yo_and_case() {
        assert_eq!(stem("партнёрства"), stem("Партнерство"));
        assert_eq!(stem("организации"), stem("организация"));
    }

    #[test]
    fn fold_fast_path_matches_unicode_lowercase() {
        let reference = |w: &str| -> String {
            w.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c })
                .collect()
        };
        for w in [
            "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            "BRICS-Plus",
            "ÄÖÜ Straße İ Σ",
            "ҐЄІЇ",
        ] {
            assert_eq!(fold(w), reference(w), "{w}");
        }
    }

    #[test]
    fn pos_guesses() {
        assert_eq!(guess_pos("шанхайская"), Pos::Adj);
        assert_eq!(guess_pos("всеобъемлющего"), Pos::Adj);
        assert_eq!(guess_pos("взаимодействие"), Pos::Noun);
        assert_eq!(guess_pos("отношений"), Pos::Noun);
        assert_eq!(guess_pos("внутренние"), Pos::Adj);
        assert_eq!(guess_pos("организация"), Pos::Noun);
        assert_eq!(guess_pos("и"), Pos::And);
        assert_eq!(guess_pos("который"), Pos::Other);
        assert_eq!(guess_pos("brics"), Pos::Noun);
    }

    #[test]
    fn noun_phrase_pattern() {
        let p = phrases("Главы государств обсудили Шанхайскую организацию сотрудничества.");
        assert!(p.contains(&"шанхайскую организацию сотрудничества".to_string()));
        assert!(p.contains(&"главы государств".to_string()));
        assert!(!p.iter().any(|x| x.contains("обсудили")));
        let p = phrases("отношения всеобъемлющего партнёрства и стратегического взаимодействия");
        assert!(p.contains(
            &"отношения всеобъемлющего партнерства и стратегического взаимодействия".to_string()
        ));
        assert!(
            p.contains(&"всеобъемлющего партнерства и стратегического взаимодействия".to_string())
        );
        // no dangling conjunction or adjective at the end
        assert!(!p
            .iter()
            .any(|x| x.ends_with(" и") || x.ends_with("стратегического")));
    }

    #[test]
    fn capitalised_function_words_inside_a_sentence_are_names() {
        let p = phrases("Премьер Ли Цян встретился с министром Ван И в Пекине");
        assert!(p.contains(&"ли цян".to_string()), "{p:?}");
        assert!(p.contains(&"ван и".to_string()), "{p:?}");
        let p = phrases("Ли Цян заявил. В Москве");
        assert!(p.contains(&"ли цян".to_string()), "{p:?}");
        assert!(!p.iter().any(|x| x.starts_with("в ")), "{p:?}");
        let p = phrases("Ли это было?");
        assert!(!p.iter().any(|x| x.starts_with("ли")), "{p:?}");
    }

    #[test]
    fn tokens_keep_hyphenated_words_and_break_on_punctuation() {
        let t = tokenize("российско-китайские отношения, БРИКС");
        assert_eq!(t[0].surface, "российско-китайские");
        assert!(t[2].break_before);
        assert!(!t[1].break_before);
    }
}
