//! The words of the generated long sentence pairs of `tests/long_input.rs` and
//! `benches/long_line.rs` (the bench includes this file by path).

/// Common Chinese words, put together without punctuation.
pub const ZH_WORDS: [&str; 12] = [
    "中国",
    "俄罗斯",
    "合作",
    "发展",
    "经济",
    "国家",
    "人民",
    "关系",
    "会议",
    "北京",
    "莫斯科",
    "双方",
];

/// Russian words, capitalised ones among them.
pub const RU_WORDS: [&str; 8] = [
    "Китай",
    "Россия",
    "сотрудничество",
    "развитие",
    "экономика",
    "страна",
    "народ",
    "отношения",
];
