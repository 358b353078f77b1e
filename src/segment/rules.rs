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
    /// Capitalised words that begin a new sentence even with no punctuation before them, when
    /// the word before ends in a lower-case letter or a closing quote: a headline glued to
    /// the article (`… добычей лобстеров По сообщениям …`). Closed-class words only
    /// (prepositions, pronouns, conjunctions, time adverbs), which are capitalised mid-sentence
    /// only as the first word of a quoted title, and quotes are checked apart.
    pub glued_starters: &'static [&'static str],
    /// Lower-case words after which a capitalised word is a name, never a sentence start
    /// (`reported by The Times`, `газете Это`).
    pub name_cues: &'static [&'static str],
    /// Web and wire boilerplate that forms a sentence of its own even when glued to the text
    /// around it (`责任编辑：王明`, `Фото: пресс-служба`).
    pub boilerplate: &'static [Boilerplate],
}

/// A boilerplate phrase: a fixed lead and what may follow it on the same "line".
#[derive(Debug, Clone, Copy)]
pub struct Boilerplate {
    /// The fixed text (`点击查看更多图片`, `本文来源：`, `Фото:`).
    pub lead: &'static str,
    /// What belongs to the phrase after the lead.
    pub tail: BoilerTail,
    /// The phrase is recognised anywhere (distinctive Chinese strings); otherwise only at the
    /// start of a sentence or paragraph and before a capitalised word (`Реклама`, which is
    /// also an ordinary noun).
    pub anywhere: bool,
}

/// The extent of a boilerplate phrase after its lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoilerTail {
    /// Nothing: the lead is the whole phrase.
    Nothing,
    /// A news source from [`NEWS_SOURCES`] (`本文来源：新华社`).
    Source,
    /// A Chinese personal name, two or three characters (`责任编辑：王明`).
    PersonName,
    /// A credit in a Latin or Cyrillic script: words up to the next capitalised word that
    /// follows a lower-case or all-capitals one (`Фото: пресс-служба | Это …`).
    Credit,
}

/// Chinese news sources named in source lines, longest first within a shared prefix.
pub const NEWS_SOURCES: &[&str] = &[
    "新华社",
    "新华网",
    "人民日报海外版",
    "人民日报",
    "人民网",
    "中国新闻网",
    "中新社",
    "中新网",
    "央视新闻客户端",
    "央视新闻",
    "央视网",
    "中央电视台",
    "中国日报网",
    "中国日报",
    "环球时报",
    "环球网",
    "光明日报",
    "光明网",
    "经济日报",
    "参考消息",
    "澎湃新闻",
    "中国青年报",
    "解放军报",
    "法制日报",
    "科技日报",
    "北京日报",
    "新京报",
    "南方日报",
    "国际在线",
    "中国网",
    "中国经济网",
    "新浪新闻",
    "腾讯新闻",
    "网易新闻",
    "搜狐新闻",
];

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
    glued_starters: &[],
    name_cues: &[],
    boilerplate: &[
        Boilerplate {
            lead: "点击查看更多图片",
            tail: BoilerTail::Nothing,
            anywhere: true,
        },
        Boilerplate {
            lead: "点击查看大图",
            tail: BoilerTail::Nothing,
            anywhere: true,
        },
        Boilerplate {
            lead: "点击图片查看",
            tail: BoilerTail::Nothing,
            anywhere: true,
        },
        Boilerplate {
            lead: "本文来源：",
            tail: BoilerTail::Source,
            anywhere: true,
        },
        Boilerplate {
            lead: "本文来源:",
            tail: BoilerTail::Source,
            anywhere: true,
        },
        Boilerplate {
            lead: "文章来源：",
            tail: BoilerTail::Source,
            anywhere: true,
        },
        Boilerplate {
            lead: "来源：",
            tail: BoilerTail::Source,
            anywhere: false,
        },
        Boilerplate {
            lead: "来源:",
            tail: BoilerTail::Source,
            anywhere: false,
        },
        Boilerplate {
            lead: "责任编辑：",
            tail: BoilerTail::PersonName,
            anywhere: true,
        },
        Boilerplate {
            lead: "责任编辑:",
            tail: BoilerTail::PersonName,
            anywhere: true,
        },
        Boilerplate {
            lead: "责编：",
            tail: BoilerTail::PersonName,
            anywhere: true,
        },
        Boilerplate {
            lead: "责编:",
            tail: BoilerTail::PersonName,
            anywhere: true,
        },
    ],
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
        "янв.",
        "февр.",
        "фев.",
        "мар.",
        "апр.",
        "авг.",
        "сент.",
        "сен.",
        "окт.",
        "нояб.",
        "ноя.",
        "дек.",
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
    glued_starters: &[
        // Prepositions (not `О`/`Об`, which open law titles: `Закон О защите …`).
        "В",
        "Во",
        "На",
        "По",
        "С",
        "Со",
        "К",
        "Ко",
        "У",
        "За",
        "Из",
        "Из-за",
        "Для",
        "При",
        "После",
        "Перед",
        "Среди",
        "Согласно",
        "Несмотря",
        "Кроме",
        "Помимо",
        "Благодаря",
        "Между",
        "Через",
        "Вместо",
        "Против",
        "Около",
        "Накануне",
        // Pronouns and determiners.
        "Он",
        "Она",
        "Оно",
        "Они",
        "Мы",
        "Я",
        "Вы",
        "Его",
        "Ее",
        "Её",
        "Их",
        "Ему",
        "Ей",
        "Им",
        "Нам",
        "Нас",
        "Мне",
        "Меня",
        "Это",
        "Эти",
        "Этот",
        "Эта",
        "Этим",
        "Этого",
        "Этой",
        "Тот",
        "Те",
        "Такой",
        "Такие",
        "Такая",
        "Все",
        "Всё",
        "Весь",
        "Вся",
        "Многие",
        "Некоторые",
        "Большинство",
        "Каждый",
        "Один",
        "Одна",
        "Одно",
        "Одни",
        "Никто",
        "Ничто",
        "Кто",
        "Что",
        "Чей",
        "Какой",
        "Какие",
        "Который",
        "Которые",
        "Свой",
        "Наш",
        "Наши",
        "Ваш",
        // Conjunctions, particles and sentence adverbs.
        "Но",
        "А",
        "И",
        "Однако",
        "Также",
        "Тем",
        "Впрочем",
        "Кстати",
        "Когда",
        "Если",
        "Хотя",
        "Пока",
        "Как",
        "Чтобы",
        "Где",
        "Почему",
        "Зачем",
        "Поэтому",
        "Поскольку",
        "Так",
        "Там",
        "Тут",
        "Здесь",
        "Тогда",
        "Теперь",
        "Сейчас",
        "Сегодня",
        "Вчера",
        "Завтра",
        "Ранее",
        "Позже",
        "Позднее",
        "Затем",
        "Потом",
        "Уже",
        "Еще",
        "Ещё",
        "Лишь",
        "Только",
        "Именно",
        "Даже",
        "Вот",
        "Ведь",
        "Сам",
        "Сама",
        "Сами",
        "Более",
        "Почти",
        "Примерно",
        "Свыше",
        "Всего",
        "Не",
        "Ни",
        "Нет",
        "Да",
        "Возможно",
        "Кажется",
        "По-видимому",
        "Впервые",
        "Наконец",
        "Вдобавок",
        "Напомним",
        "Известно",
    ],
    name_cues: &[
        "в",
        "во",
        "на",
        "из",
        "о",
        "об",
        "с",
        "со",
        "к",
        "у",
        "от",
        "до",
        "за",
        "по",
        "и",
        "или",
        "газета",
        "газете",
        "газеты",
        "журнал",
        "журнале",
        "издание",
        "изданию",
        "издания",
        "агентство",
        "агентства",
        "фильм",
        "фильме",
        "песня",
        "песню",
        "книга",
        "книгу",
        "роман",
        "передача",
        "передаче",
        "программа",
        "программе",
        "компания",
        "компании",
        "группа",
        "группы",
        "группе",
        "команда",
        "команды",
        "клуб",
        "клуба",
        "сериал",
        // Labels: `группе В`, `класса А`, `витамин С`.
        "класс",
        "класса",
        "классе",
        "категории",
        "категория",
        "пункт",
        "пункта",
        "пункте",
        "витамин",
        "витамина",
        "план",
        "плана",
        "плану",
        "планом",
        "тип",
        "типа",
        "серии",
        "серия",
        "формат",
    ],
    boilerplate: &[
        Boilerplate {
            lead: "Фото:",
            tail: BoilerTail::Credit,
            anywhere: false,
        },
        Boilerplate {
            lead: "Источник:",
            tail: BoilerTail::Credit,
            anywhere: false,
        },
        Boilerplate {
            lead: "Читайте также:",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
        Boilerplate {
            lead: "Поделиться",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
        Boilerplate {
            lead: "Реклама",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
    ],
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
    glued_starters: &[
        "The",
        "A",
        "An",
        "There",
        "It",
        "He",
        "She",
        "They",
        "We",
        "This",
        "That",
        "These",
        "Those",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "After",
        "Before",
        "During",
        "According",
        "As",
        "When",
        "While",
        "If",
        "Although",
        "Though",
        "But",
        "However",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "Some",
        "Many",
        "Most",
        "Now",
        "Then",
        "Today",
        "Yesterday",
        "Last",
        "Earlier",
        "Meanwhile",
    ],
    name_cues: &[
        "the",
        "a",
        "an",
        "of",
        "by",
        "to",
        "in",
        "on",
        "at",
        "from",
        "with",
        "for",
        "and",
        "or",
        "film",
        "movie",
        "song",
        "book",
        "novel",
        "show",
        "series",
        "newspaper",
        "magazine",
        "album",
        "called",
        "named",
        "titled",
        "entitled",
        "paper",
        "plan",
        "group",
        "class",
        "type",
        "vitamin",
        "grade",
        "category",
        "section",
        "part",
        "phase",
        "terminal",
        "gate",
    ],
    boilerplate: &[
        Boilerplate {
            lead: "Photo:",
            tail: BoilerTail::Credit,
            anywhere: false,
        },
        Boilerplate {
            lead: "Read more:",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
        Boilerplate {
            lead: "Share this article",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
        Boilerplate {
            lead: "Advertisement",
            tail: BoilerTail::Nothing,
            anywhere: false,
        },
    ],
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
    // After a number: abbreviated months (`5 сент. 2025 г.`, `14 окт. в Пекине`).
    ("янв.", AfterNumber),
    ("февр.", AfterNumber),
    ("фев.", AfterNumber),
    ("мар.", AfterNumber),
    ("апр.", AfterNumber),
    ("авг.", AfterNumber),
    ("сент.", AfterNumber),
    ("сен.", AfterNumber),
    ("окт.", AfterNumber),
    ("нояб.", AfterNumber),
    ("ноя.", AfterNumber),
    ("дек.", AfterNumber),
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
