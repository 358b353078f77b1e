//! Month names of the supported languages: the one table both number matchers read (the
//! aligner's number anchors in `align::numbers`, the TM's number check in `tm::numbers`), kept
//! here, below both, so neither imports the other.

/// Russian month names by stem, January first: every case form of a month starts with its
/// stem (`январ` → `января`, `январе`, `январь`). `ма` (May) is ambiguous as a prefix; each
/// matcher limits its endings.
pub const RU_MONTH_STEMS: [&str; 12] = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
];

/// English month names, January first, capitalised as English writes them.
pub const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
