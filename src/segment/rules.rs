//! Per-language rule tables for the built-in segmenter.
//!
//! Everything language-specific the engine knows lives here as data: which characters end a
//! sentence, which trail it (closing quotes and brackets), which abbreviations never or only
//! sometimes end one, which words may follow an abbreviation without starting a new sentence.
//! The engine in `engine.rs` only interprets these tables.

use crate::Lang;

/// How an abbreviation behaves before a capitalised word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevKind {
    /// Titles and the like (`Mr.`, `проф.`, `ул.`): a sentence never ends here.
    NonFinal,
    /// Abbreviations that often close a sentence (`etc.`, `млн.`, `т. д.`): a break when the
    /// next word is capitalised and is not listed as a continuation.
    MayEnd,
    /// Units written after a number (`2024 г.`, `XIX в.`): after a number they behave like
    /// [`AbbrevKind::MayEnd`] except when they close a sentence-initial date phrase (`В 2024 г.
    /// Москва …`); without a number before them they mean something else (`г. Москва` = city)
    /// and never end a sentence.
    AfterNumber,
    /// Introduces a name (`им.` = «имени»): no break before initials or a name in the
    /// genitive (`им. Ломоносова`); the same letters as a pronoun (`доверять им. По …`) end a
    /// sentence before any other capitalised word.
    BeforeName,
}

/// The rule tables of one language.
#[derive(Debug)]
pub struct LangRules {
    /// The language the tables are for.
    pub lang: Lang,
    /// Chinese-style behaviour: full-width terminators end a sentence whatever follows
    /// (there are no spaces and no letter case), and an ASCII `.` right after a CJK
    /// character is a full stop.
    pub cjk: bool,
    /// Abbreviations, lower-cased, with their dots and without inner spaces (`т.е.`).
    pub abbreviations: &'static [(&'static str, AbbrevKind)],
    /// Words (lower-case) that may lead a date phrase at the start of a sentence
    /// (prepositions, month names): `С 1 января 2025 г.` is not a sentence on its own.
    pub date_words: &'static [&'static str],
    /// Endings of surnames: a capitalised word after initials that ends like this is the
    /// bearer's name (`С. В. Лавров`), a word before initials that does is the surname of
    /// `Путин В. В.`.
    pub surname_suffixes: &'static [&'static str],
    /// Words that continue the sentence after a given abbreviation although capitalised
    /// (`долл. США`, `U.S. President`).
    pub continuations: &'static [(&'static str, &'static [&'static str])],
    /// Endings of a name in the genitive after [`AbbrevKind::BeforeName`] (`Ломоносова`,
    /// `Горького`).
    pub genitive_endings: &'static [&'static str],
    /// Capitalised words with such endings that usually start a sentence instead (`Она`).
    pub sentence_starters: &'static [&'static str],
    /// Editorial marks that stand apart from the sentences around them (`（完）` "end of
    /// item", `【纠错】` "report an error" in Chinese news pages). Must start with a character
    /// whose first UTF-8 byte the engine watches (`（` or `【`).
    pub standalone_marks: &'static [&'static str],
    /// Words after an ellipsis that show the list or thought goes on (Chinese `……等`).
    pub ellipsis_continuations: &'static [&'static str],
}

/// Characters that end a sentence outright (the ASCII `.` and ellipses are handled apart).
pub const STRONG_TERMINATORS: &[char] = &[
    '!', '?', '。', '！', '？', '‼', '⁇', '⁈', '⁉', '｡', '︒', '﹒', '﹖', '﹗',
];

/// Characters that may close a sentence after its terminator and stay with it. ASCII `"` and
/// ambiguous curly quotes are decided by the quote state in the engine, not listed here.
pub const CLOSERS: &[char] = &[
    '”', '’', '」', '』', '）', ')', ']', '】', '»', '》', '〉', '〕', '〗', '›', '］', '｝', '}',
];

/// Characters that may open a sentence before its first word.
pub const OPENERS: &[char] = &[
    '“', '‘', '「', '『', '（', '(', '[', '【', '«', '《', '〈', '„', '"', '\'', '‹', '〔', '〖',
];

/// Punctuation that continues a sentence when it follows a terminator (`«Да!», — сказал`).
pub const CONTINUATION_PUNCT: &[char] = &[',', ';', ':', '，', '、', '；', '：', '﹐', '﹑', '､'];

/// Dashes that introduce a dialogue attribution (`— сказал он`) or a new line of dialogue.
pub const DASHES: &[char] = &['—', '–', '―'];

/// `STRONG_TERMINATORS.contains(&c)`, as a `match` (the scanner asks this for every
/// punctuation character; a unit test keeps the two in step).
#[inline]
pub fn is_strong(c: char) -> bool {
    matches!(
        c,
        '!' | '?'
            | '。'
            | '！'
            | '？'
            | '‼'
            | '⁇'
            | '⁈'
            | '⁉'
            | '｡'
            | '︒'
            | '﹒'
            | '﹖'
            | '﹗'
    )
}

/// `CLOSERS.contains(&c)`, as a `match`.
#[inline]
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’'
            | '」'
            | '』'
            | '）'
            | ')'
            | ']'
            | '】'
            | '»'
            | '》'
            | '〉'
            | '〕'
            | '〗'
            | '›'
            | '］'
            | '｝'
            | '}'
    )
}

/// The tables for `lang`.
pub fn rules_for(lang: Lang) -> &'static LangRules {
    match lang {
        Lang::Zh => &ZH,
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

static ZH: LangRules = LangRules {
    lang: Lang::Zh,
    cjk: true,
    // Latin text inside Chinese paragraphs follows the English conventions.
    abbreviations: EN_ABBREVIATIONS,
    date_words: &[],
    surname_suffixes: &[],
    continuations: EN_CONTINUATIONS,
    genitive_endings: &[],
    sentence_starters: &[],
    standalone_marks: &["（完）", "【纠错】"],
    ellipsis_continuations: &["等", "的", "之", "之类", "一类", "这样", "那样"],
};

static RU: LangRules = LangRules {
    lang: Lang::Ru,
    cjk: false,
    abbreviations: RU_ABBREVIATIONS,
    date_words: &[
        "в",
        "во",
        "с",
        "со",
        "до",
        "к",
        "ко",
        "на",
        "по",
        "от",
        "за",
        "после",
        "перед",
        "около",
        "начиная",
        "между",
        "и",
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
        "конце",
        "начале",
        "середине",
        "течение",
        "январе",
        "феврале",
        "марте",
        "апреле",
        "мае",
        "июне",
        "июле",
        "августе",
        "сентябре",
        "г.",
        "гг.",
        "в.",
        "вв.",
        "октябре",
        "ноябре",
        "декабре",
        "-",
        "–",
        "—",
    ],
    surname_suffixes: &[
        "ов",
        "ова",
        "ев",
        "ева",
        "ёв",
        "ёва",
        "ин",
        "ина",
        "ын",
        "ына",
        "ский",
        "ская",
        "цкий",
        "цкая",
        "ской",
        "ой",
        "ко",
        "ук",
        "юк",
        "ич",
        "ман",
        "штейн",
        "берг",
        "швили",
        "дзе",
        "ян",
        "янц",
        "ову",
        "еву",
        "ину",
        "ым",
        "ыми",
    ],
    continuations: &[("долл.", &["США", "сша"]), ("руб.", &["РФ"])],
    genitive_endings: &["а", "я", "ого", "его"],
    sentence_starters: &[
        "Она",
        "Эта",
        "Та",
        "Сама",
        "Когда",
        "Тогда",
        "Всегда",
        "Иногда",
        "Никогда",
        "Сначала",
        "Сегодня",
        "Для",
        "Вся",
        "Вода",
        "Моя",
        "Твоя",
        "Наша",
        "Ваша",
        "Кроме",
        "Вокруг",
        "Среди",
        "Снова",
        "Сразу",
        "Сюда",
        "Туда",
        "Отсюда",
        "Оттуда",
        "Весна",
        "Зима",
        "Россия",
        "Армия",
        "Страна",
        "Москва",
        "Пока",
        "Была",
        "Стала",
        "Нельзя",
    ],
    standalone_marks: &[],
    ellipsis_continuations: &[],
};

static EN: LangRules = LangRules {
    lang: Lang::En,
    cjk: false,
    abbreviations: EN_ABBREVIATIONS,
    date_words: &[],
    surname_suffixes: &[],
    continuations: EN_CONTINUATIONS,
    genitive_endings: &[],
    sentence_starters: &[],
    standalone_marks: &[],
    ellipsis_continuations: &[],
};

use AbbrevKind::{AfterNumber, BeforeName, MayEnd, NonFinal};

const RU_ABBREVIATIONS: &[(&str, AbbrevKind)] = &[
    // Never sentence-final in running text: titles, address parts, references.
    ("им.", BeforeName),
    ("ул.", NonFinal),
    ("пл.", NonFinal),
    ("пер.", NonFinal),
    ("просп.", NonFinal),
    ("наб.", NonFinal),
    ("д.", NonFinal),
    ("кв.", NonFinal),
    ("корп.", NonFinal),
    ("стр.", NonFinal),
    ("с.", NonFinal),
    ("п.", NonFinal),
    ("ст.", NonFinal),
    ("ч.", MayEnd),
    ("гл.", NonFinal),
    ("рис.", NonFinal),
    ("табл.", NonFinal),
    ("см.", NonFinal),
    ("ср.", NonFinal),
    ("ок.", NonFinal),
    ("проф.", NonFinal),
    ("акад.", NonFinal),
    ("доц.", NonFinal),
    ("ген.", NonFinal),
    ("зам.", NonFinal),
    ("пред.", NonFinal),
    ("св.", NonFinal),
    ("англ.", NonFinal),
    ("кит.", NonFinal),
    ("рус.", NonFinal),
    ("лат.", NonFinal),
    ("нем.", NonFinal),
    ("франц.", NonFinal),
    ("т.е.", NonFinal),
    ("т.к.", NonFinal),
    ("т.н.", NonFinal),
    ("т.ч.", NonFinal),
    ("напр.", NonFinal),
    ("мн.", NonFinal),
    ("тов.", NonFinal),
    // May close a sentence: amounts, units, "and so on".
    ("т.д.", MayEnd),
    ("т.п.", MayEnd),
    ("др.", MayEnd),
    ("пр.", MayEnd),
    ("тыс.", MayEnd),
    ("млн.", MayEnd),
    ("млрд.", MayEnd),
    ("трлн.", MayEnd),
    ("руб.", MayEnd),
    ("коп.", MayEnd),
    ("долл.", MayEnd),
    ("чел.", MayEnd),
    ("обл.", MayEnd),
    ("н.э.", MayEnd),
    ("мин.", MayEnd),
    ("сек.", MayEnd),
    ("ед.", MayEnd),
    ("экз.", MayEnd),
    // After a number: year(s), century, volume.
    ("г.", AfterNumber),
    ("гг.", AfterNumber),
    ("в.", AfterNumber),
    ("вв.", AfterNumber),
];

const EN_ABBREVIATIONS: &[(&str, AbbrevKind)] = &[
    ("mr.", NonFinal),
    ("mrs.", NonFinal),
    ("ms.", NonFinal),
    ("dr.", NonFinal),
    ("prof.", NonFinal),
    ("st.", NonFinal),
    ("mt.", NonFinal),
    ("sen.", NonFinal),
    ("rep.", NonFinal),
    ("gov.", NonFinal),
    ("gen.", NonFinal),
    ("lt.", NonFinal),
    ("col.", NonFinal),
    ("capt.", NonFinal),
    ("sgt.", NonFinal),
    ("pres.", NonFinal),
    ("rev.", NonFinal),
    ("hon.", NonFinal),
    ("amb.", NonFinal),
    ("sr.", NonFinal),
    ("vs.", NonFinal),
    ("v.", NonFinal),
    ("e.g.", NonFinal),
    ("i.e.", NonFinal),
    ("cf.", NonFinal),
    ("approx.", NonFinal),
    ("no.", NonFinal),
    ("nos.", NonFinal),
    ("fig.", NonFinal),
    ("vol.", NonFinal),
    ("p.", NonFinal),
    ("pp.", NonFinal),
    ("art.", NonFinal),
    ("para.", NonFinal),
    ("jan.", MayEnd),
    ("feb.", MayEnd),
    ("mar.", MayEnd),
    ("apr.", MayEnd),
    ("jun.", MayEnd),
    ("jul.", MayEnd),
    ("aug.", MayEnd),
    ("sep.", MayEnd),
    ("sept.", MayEnd),
    ("oct.", MayEnd),
    ("nov.", MayEnd),
    ("dec.", MayEnd),
    ("etc.", MayEnd),
    ("jr.", MayEnd),
    ("inc.", MayEnd),
    ("ltd.", MayEnd),
    ("co.", MayEnd),
    ("corp.", MayEnd),
    ("bros.", MayEnd),
    ("u.s.", MayEnd),
    ("u.k.", MayEnd),
    ("u.n.", MayEnd),
    ("e.u.", MayEnd),
    ("u.s.a.", MayEnd),
    ("d.c.", MayEnd),
    ("a.m.", MayEnd),
    ("p.m.", MayEnd),
    ("al.", MayEnd),
];

const US_FOLLOWERS: &[&str] = &[
    "President",
    "Congress",
    "Senate",
    "House",
    "Army",
    "Navy",
    "Air",
    "Treasury",
    "Embassy",
    "Department",
    "Supreme",
    "State",
    "Secretary",
    "Government",
    "Ambassador",
    "Federal",
    "Court",
    "Open",
    "Central",
    "Trade",
    "Commerce",
    "Defense",
    "Marines",
    "Census",
    "Treasury",
    "Attorney",
    "Geological",
    "Coast",
    "Security",
    "General",
    "Foreign",
    "Prime",
    "Parliament",
    "Home",
    "Labour",
    "Conservative",
];

const EN_CONTINUATIONS: &[(&str, &[&str])] = &[
    ("u.s.", US_FOLLOWERS),
    ("u.k.", US_FOLLOWERS),
    ("u.n.", US_FOLLOWERS),
    ("e.u.", US_FOLLOWERS),
    ("d.c.", &["Council", "Circuit", "Mayor"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviation_keys_are_normalised() {
        for lang in Lang::ALL {
            for (key, _) in rules_for(lang).abbreviations {
                assert!(key.ends_with('.'), "{key}");
                assert_eq!(key.to_lowercase(), *key, "{key}");
            }
        }
    }

    #[test]
    fn predicates_match_tables() {
        for u in 0..0x3_0000u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(is_strong(c), STRONG_TERMINATORS.contains(&c), "{c}");
                assert_eq!(is_closer(c), CLOSERS.contains(&c), "{c}");
            }
        }
    }

    #[test]
    fn tables_do_not_overlap() {
        for c in STRONG_TERMINATORS {
            assert!(!CLOSERS.contains(c) && !OPENERS.contains(c), "{c}");
        }
        for c in CLOSERS {
            assert!(!OPENERS.contains(c), "{c}");
        }
    }
}
