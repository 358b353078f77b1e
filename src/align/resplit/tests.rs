use super::candidates::*;
use super::joint::*;
use super::punct::*;
use super::start::*;
use super::*;
use crate::align::boundary::BoundaryStats;
use crate::align::features;
use crate::align::AlignConfig;
use crate::Lang;
use std::collections::HashSet;
use std::ops::Range;

fn cut(text: &str, c: &Candidate) -> String {
    format!("{}|{}", &text[..c.pos], &text[c.pos..])
}

/// Candidates of `text` without any statistics of the input.
fn bare(text: &str, lang: Lang) -> Vec<Candidate> {
    candidates(text, lang, &BoundaryStats::default(), &HashSet::new())
}

/// Each candidate shown as the text with `|` at its position.
fn cuts(text: &str, cs: &[Candidate]) -> Vec<String> {
    cs.iter().map(|c| cut(text, c)).collect()
}

/// One zh-ru pair aligned with resegmentation on.
fn resegmented(zh: &[Segment], ru: &[Segment]) -> crate::align::AlignedDoc {
    let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    cfg.resegment = true;
    crate::align::align_batch_segments(&[(zh.to_vec(), ru.to_vec())], &cfg)
        .pop()
        .expect("one result per pair")
}

/// Parallel "news" sentences built from word lists: each opens with a subject, goes on
/// with objects and ends with a result word, so the lexicon can learn the words and the
/// Chinese start / end statistics have something to learn ([`BoundaryStats`] wants a few
/// hundred sentences).
fn news_sentences(n: usize) -> Vec<(String, String)> {
    const OPENERS: &[(&str, &str)] = &[
        ("警察", "полиция"),
        ("银行", "банк"),
        ("公司", "компания"),
        ("军队", "армия"),
    ];
    const MIDDLE: &[(&str, &str)] = &[
        ("城市", "город"),
        ("医院", "больница"),
        ("学校", "школа"),
        ("铁路", "железная"),
        ("农民", "фермер"),
        ("工厂", "завод"),
        ("电影", "фильм"),
        ("天气", "погода"),
    ];
    const ENDS: &[(&str, &str)] = &[
        ("合作", "сотрудничество"),
        ("经济", "экономика"),
        ("足球", "футбол"),
        ("音乐", "музыка"),
    ];
    let mut seed = 11u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as usize
    };
    (0..n)
        .map(|_| {
            let mut words = vec![OPENERS[next() % OPENERS.len()]];
            words.extend((0..2 + next() % 3).map(|_| MIDDLE[next() % MIDDLE.len()]));
            words.push(ENDS[next() % ENDS.len()]);
            let zh: String = words.iter().map(|w| w.0).collect();
            let ru: Vec<&str> = words.iter().map(|w| w.1).collect();
            (zh, ru.join(" "))
        })
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect::<String>())
        .unwrap_or_default()
}

fn seg(text: String) -> Segment {
    Segment { text, paragraph: 0 }
}

/// A Chinese headline glued to the next sentence (sentence 20) while the Russian side has
/// them apart (the headline without a full stop unless `stop`; the Chinese pieces joined
/// by a comma when `comma`, as a translator who made one sentence of two would write
/// them).
fn glued_pair(stop: bool, comma: bool) -> (Vec<Segment>, Vec<Segment>) {
    let sentences = news_sentences(240);
    let (mut zh, mut ru) = (Vec::new(), Vec::new());
    for (i, (z, r)) in sentences.iter().enumerate() {
        if i == 20 {
            let (z2, r2) = &sentences[i + 1];
            let join = if comma { "，" } else { "" };
            zh.push(seg(format!("{z}{join}{z2}。")));
            let end = if stop { "." } else { "" };
            ru.push(seg(format!("{}{end}", capitalised(r))));
            ru.push(seg(format!("{}.", capitalised(r2))));
        } else if i != 21 {
            zh.push(seg(format!("{z}。")));
            ru.push(seg(format!("{}.", capitalised(r))));
        }
    }
    (zh, ru)
}

/// The same sentences with a headline glued to the next sentence on both sides at
/// sentence 20 when `glue`.
fn glued_both_pair(glue: bool) -> (Vec<Segment>, Vec<Segment>) {
    let sentences = news_sentences(240);
    let (mut zh, mut ru) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < sentences.len() {
        let (z, r) = &sentences[i];
        if i == 20 && glue {
            let (z2, r2) = &sentences[i + 1];
            zh.push(seg(format!("{z}{z2}。")));
            ru.push(seg(format!("{} {}.", capitalised(r), capitalised(r2))));
            i += 2;
            continue;
        }
        zh.push(seg(format!("{z}。")));
        ru.push(seg(format!("{}.", capitalised(r))));
        i += 1;
    }
    (zh, ru)
}

#[test]
fn splits_a_headline_glued_on_both_sides() {
    let (zh, ru) = glued_both_pair(true);
    let (zh_whole, ru_whole) = (zh[20].text.clone(), ru[20].text.clone());
    let d = &resegmented(&zh, &ru);
    assert_eq!(d.resplit.joint, 1, "{:?}", d.resplit);
    assert_eq!((d.src.len(), d.tgt.len()), (zh.len() + 1, ru.len() + 1));
    assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), zh_whole);
    assert_eq!(format!("{} {}", d.tgt[20].text, d.tgt[21].text), ru_whole);
    // Both cuts at the sentence boundary: the Russian head has as many words as the
    // Chinese head has two-character words.
    let head_words = d.tgt[20].text.split(' ').count();
    assert_eq!(
        d.src[20].text.chars().count(),
        2 * head_words,
        "{:?}",
        d.src[20]
    );
    assert!(d.tgt[21]
        .text
        .chars()
        .next()
        .is_some_and(char::is_uppercase));
    // Every other bead is untouched.
    assert_eq!(d.alignment.beads.len(), zh.len() + 1);
    // Without the glued pair nothing is split.
    let (zh, ru) = glued_both_pair(false);
    let d = resegmented(&zh, &ru);
    assert_eq!(d.resplit.joint, 0);
    assert_eq!(d.src, zh);
}

#[test]
fn splits_a_glued_headline_where_the_other_side_does() {
    let (zh, ru) = glued_pair(false, false);
    let headline = zh[20].text.clone();
    let d = &resegmented(&zh, &ru);
    assert_eq!(d.resplit.split, 1, "{:?}", d.resplit);
    assert_eq!(d.src.len(), zh.len() + 1);
    assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), headline);
    assert!(!d.src[20].text.ends_with('。') && d.src[21].text.ends_with('。'));
    // The first piece is exactly the first sentence's words.
    let ru_words = ru[20].text.split(' ').count();
    assert_eq!(
        d.src[20].text.chars().count(),
        2 * ru_words,
        "{:?}",
        d.src[20]
    );
    let b = d
        .alignment
        .beads
        .iter()
        .find(|b| b.src.start == 20)
        .expect("bead of the headline");
    assert_eq!((b.src.clone(), b.tgt.clone()), (20..21, 20..21));
    // Off by default: the segments are the given ones.
    let plain = crate::align::align_batch_segments(
        &[(zh.clone(), ru)],
        &AlignConfig::new(Lang::Zh, Lang::Ru),
    );
    assert_eq!(plain[0].src, zh);
}

#[test]
fn no_split_where_the_other_side_has_a_full_stop_and_this_side_a_comma() {
    let (zh, ru) = glued_pair(true, true);
    let d = resegmented(&zh, &ru);
    // The 1-2 bead is there and examined, but not split: the comma explains the full stop.
    assert_eq!(d.resplit.considered, 1);
    assert_eq!(d.resplit.split, 0);
    assert_eq!(d.src, zh);
}

#[test]
fn split_where_the_other_side_has_a_full_stop_and_this_side_nothing() {
    // A Chinese sentence whose `。` the writer left out: no clause mark explains the
    // other side's full stop, so the bare boundary is taken.
    let (zh, ru) = glued_pair(true, false);
    let headline = zh[20].text.clone();
    let d = &resegmented(&zh, &ru);
    assert_eq!(d.resplit.split, 1, "{:?}", d.resplit);
    assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), headline);
    let ru_words = ru[20].text.split(' ').count();
    assert_eq!(d.src[20].text.chars().count(), 2 * ru_words);
}

#[test]
fn chinese_candidates_avoid_punctuation_and_brackets() {
    let t = "加州鲨鱼伤害潜水抓龙虾的13岁孩童官员表示，周六，一名13岁男童（在加州）遭到袭击。";
    let cs = bare(t, Lang::Zh);
    let shown = cuts(t, &cs);
    assert!(shown.iter().any(|s| s.contains("孩童|官员")), "{shown:?}");
    assert!(!shown.iter().any(|s| s.contains("，|") || s.contains("|，")));
    assert!(!shown
        .iter()
        .any(|s| s.contains("（在|") || s.contains("在|加州）")));
    // `前` opens a sentence as "former" before a noun, never as the localiser "before".
    let t = "萨拉·佩林的长子因家庭暴力指控被捕前阿拉斯加州州长萨拉·佩林的长子被捕。";
    let cs = bare(t, Lang::Zh);
    assert!(cs.iter().any(|c| cut(t, c).contains("被捕|前阿拉斯加")));
    let t = "美国总统在三天前抵达北京并会见了中国领导人。";
    let cs = bare(t, Lang::Zh);
    assert!(!cs.iter().any(|c| cut(t, c).contains("|前")));
    // A sentence may open with a Latin name (jieba tags it `eng`, not an interjection).
    let t = "Sainsbury's计划进军英国的美容市场Sainsbury's将依托Boots采取百货商店的风格。";
    let cs = bare(t, Lang::Zh);
    let shown = cuts(t, &cs);
    assert!(
        shown.iter().any(|s| s.contains("市场|Sainsbury")),
        "{shown:?}"
    );
}

#[test]
fn a_quote_typed_as_opening_that_closes_counts_as_a_closer() {
    let t = "他自豪地将该大钟称之为“穷人的大钟“七月份专家将其称为文化宝藏";
    let cs = bare(t, Lang::Zh);
    let at = |s: &str| {
        cs.iter()
            .find(|c| cut(t, c).starts_with(s))
            .map(|c| c.prior)
    };
    let after_quote = at("他自豪地将该大钟称之为“穷人的大钟“|").expect("candidate after the quote");
    // Balanced there, with the closing-quote bonus; inside the quotation is unbalanced.
    assert!(after_quote >= 1.0, "{after_quote}");
    assert!(cs
        .iter()
        .filter(|c| c.pos > t.find('穷').unwrap() && c.pos < t.rfind('“').unwrap())
        .all(|c| c.prior < 0.0));
}

#[test]
fn sentence_start_evidence_on_the_alphabetic_side() {
    let lower = lowercase_words(
        [
            "в независимых исследованиях",
            "по сообщению команды",
            "в регионе коре деревьев",
        ]
        .into_iter(),
        Lang::Ru,
    );
    let at = |text: &str, word: &str| {
        let pos = text.find(word).expect("word in text");
        start_evidence(text, pos, Lang::Ru, &lower).is_some()
    };
    // A common word written in lower case elsewhere (an exact form, or a long stem).
    let t = "Знание языков важно для граждан мира Независимые школы продолжают традицию";
    assert!(at(t, "Независимые"));
    assert!(at(
        "Европа победила в Париже Команда выиграла кубок",
        "Команда"
    ));
    // A repeated headline word, even with a short stem (`Сирия` → `сир`).
    let t = "Министр заявил, что Сирия готова к возвращению беженцев Сирия заявляет";
    assert!(at(t, "Сирия заявляет"));
    // A name seen nowhere in lower case; a short stem (`Кореи` → `коре`) is not enough;
    // an initial is no evidence.
    assert!(!at(
        "Министр иностранных дел Северной Кореи заявил",
        "Кореи"
    ));
    assert!(!at(
        "Президент Российской Федерации В. В. Путин посетил",
        "В. В."
    ));
}

#[test]
fn short_words_that_end_sentences_do_not_govern_a_name() {
    // `гол` ends a sentence; `в` never does; `for` ends one of its many uses only.
    let mut texts = vec!["Он забил гол.", "Это был гол в ворота."];
    texts.extend(std::iter::repeat_n("Он играл за клуб в Лондоне.", 10));
    let words = lowercase_words(texts.into_iter(), Lang::Ru);
    let t = "Смотрите, как Агуэро обходит защиту, чтобы забить гол Агуэро и Стерлинг расправились с защитой.";
    let shown = cuts(
        t,
        &candidates(t, Lang::Ru, &BoundaryStats::default(), &words),
    );
    assert!(shown.iter().any(|s| s.contains("гол |Агуэро")), "{shown:?}");
    let none = bare(t, Lang::Ru);
    assert!(!none.iter().any(|c| cut(t, c).contains("гол |Агуэро")));
    let mut texts = vec!["What is it for?"];
    texts.extend(std::iter::repeat_n("He voted for the bill.", 30));
    let words = lowercase_words(texts.into_iter(), Lang::En);
    let t = "Trump promised guarantees for North Korea and its security.";
    let cs = candidates(t, Lang::En, &BoundaryStats::default(), &words);
    assert!(!cs.iter().any(|c| cut(t, c).contains("for |North")));
}

#[test]
fn a_common_word_outweighs_a_repeat_as_sentence_start() {
    // `Команда Европы` repeats the headline's `Европа`; that `команда` is a common word
    // (written in lower case elsewhere) is the stronger evidence.
    let t = "Европа закрепляет победу на Кубке Райдера в Париже Команда Европы выиграла Кубок Райдера со счетом.";
    let prior = |lower: &HashSet<String>| {
        joint_candidates(t, Lang::Ru, lower, &BoundaryStats::default())
            .iter()
            .find(|c| cut(t, c).contains("Париже |Команда"))
            .map(|c| c.prior)
            .expect("candidate before Команда")
    };
    let common = lowercase_words(["наша команда играла"].into_iter(), Lang::Ru);
    let none = lowercase_words(["наша игра"].into_iter(), Lang::Ru);
    assert_eq!(prior(&common) - prior(&none), COMMON_WORD_PRIOR);
}

#[test]
fn a_name_the_lede_repeats_is_not_cut() {
    let words = lowercase_words(["смотрите и мир"].into_iter(), Lang::Ru);
    let t = "Смотрите: Серхио Агуэро обходит защиту «Брайтона» Серхио Агуэро и Рахим Стерлинг расправились с защитой.";
    let shown = cuts(
        t,
        &joint_candidates(t, Lang::Ru, &words, &BoundaryStats::default()),
    );
    assert!(shown.iter().any(|s| s.contains("» |Серхио")), "{shown:?}");
    assert!(
        !shown.iter().any(|s| s.contains("Серхио |Агуэро")),
        "{shown:?}"
    );
}

#[test]
fn chinese_prior_prefers_after_a_closing_quote() {
    let t = "议员担心“看起来像笨蛋”有人提议应将头衔改为新的名称";
    let cs = bare(t, Lang::Zh);
    let best = cs
        .iter()
        .max_by(|a, b| a.prior.total_cmp(&b.prior))
        .expect("candidates");
    assert_eq!(
        cut(t, best),
        "议员担心“看起来像笨蛋”|有人提议应将头衔改为新的名称"
    );
}

#[test]
fn alphabetic_candidates_stand_before_capitals() {
    let t =
        "В Калифорнии акула ранила ныряльщика По сообщениям источников, в субботу, Иван пострадал.";
    let cs = bare(t, Lang::Ru);
    let shown = cuts(t, &cs);
    assert!(
        shown.iter().any(|s| s.contains("ныряльщика |По")),
        "{shown:?}"
    );
    // `, Иван`: after a comma.
    assert!(!shown.iter().any(|s| s.contains(", |Иван")), "{shown:?}");
    // Not after a hyphenated title (`г-н Трамп`), nor after a quotation closed by a comma
    // (the sentence goes on: `…," Trump said`).
    let t = "Почему Трамп выиграет второй срок Следуя этой логике, г-н Трамп победит на выборах.";
    let cs = bare(t, Lang::Ru);
    assert!(!cs.iter().any(|c| cut(t, c).contains("г-н |Трамп")));
    let t = "Trump says Kavanaugh suffered the anger \"A vote for Judge Kavanaugh is a vote to reject the tactics of the Party,\" Trump said at a rally in Wheeling.";
    let cs = bare(t, Lang::En);
    let shown = cuts(t, &cs);
    assert!(shown.iter().any(|s| s.contains("anger |\"A")), "{shown:?}");
    assert!(
        !shown.iter().any(|s| s.contains("Party,\" |Trump")),
        "{shown:?}"
    );
}

#[test]
fn straight_quotes_open_or_close_by_what_is_open() {
    // `"` after a closed `“…”` opens: a candidate before it; a `"` that closes a `“`
    // counts as a closer.
    let t =
        "特朗普说卡瓦诺“遭受到民主党的卑鄙和愤怒”\"给卡瓦诺法官投票就是反对民主党的策略\"他说。";
    let cs = bare(t, Lang::Zh);
    let shown = cuts(t, &cs);
    assert!(shown.iter().any(|s| s.contains("愤怒”|\"给")), "{shown:?}");
    assert!(!shown.iter().any(|s| s.contains("\"|给")), "{shown:?}");
    let t = "他所在的党团担心“他们与别人押韵\"对于威尔士境外的读者来说这是愚蠢的意思";
    let cs = bare(t, Lang::Zh);
    let closer = cs
        .iter()
        .find(|c| cut(t, c).contains("押韵\"|对于"))
        .expect("candidate after the closing quote");
    assert!(closer.prior >= 1.0, "{}", closer.prior);
}
#[test]
fn linear_helpers_agree_with_the_direct_computations() {
    let sentences = [
        "王明周五在北京表示，会议取得了成功。",
        "李华说，谈判还在继续。",
        "叙利亚外长表示 叙利亚表示支持  “和平”（进程）Sainsbury's 2025年",
    ];
    let stats = BoundaryStats::learn(sentences.iter().cycle().take(60).copied());
    // (and a text long enough for the automata)
    let long = format!("{}他说{}", sentences.concat(), sentences[2].repeat(6));
    assert!(long.len() > DIRECT_SEARCH_BYTES);
    for text in sentences.into_iter().chain([long.as_str()]) {
        let tagged = crate::glossary::zh::jieba().tag(text, true);
        let at = BoundaryAt::new(&tagged, &stats);
        let nonspace = NonSpace::new(text);
        let count = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
        let first = first_ends(text, tagged.iter().map(|w| w.word));
        for (pos, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(
                at.score_at(pos),
                stats.score_at(&tagged, pos),
                "{text} @{pos}"
            );
            assert_eq!(nonspace.between(0, pos), count(&text[..pos]));
            assert_eq!(nonspace.between(pos, text.len()), count(&text[pos..]));
            for w in tagged.iter().filter(|w| !w.word.is_empty()) {
                let end = first.get(w.word).copied();
                assert_eq!(
                    end.is_some_and(|e| e <= pos),
                    text[..pos].contains(w.word),
                    "{text} {:?} @{pos}",
                    w.word
                );
            }
        }
    }
}

/// [`start_evidence`] as it was before [`StemIndex`]: the reference for the test below.
fn start_evidence_direct(
    text: &str,
    pos: usize,
    lang: Lang,
    lower: &HashSet<String>,
) -> Option<StartEvidence> {
    let stemmer = features::Stemmer::new(lang);
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(|w| stemmer.stem(&w.to_lowercase()))
            .collect()
    };
    let next = words(&text[pos..]);
    let first = text[pos..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    // An initial (`В. В. Путин`) or a one-letter word is no evidence either way.
    let after_first = &text[pos..][text[pos..].find(first).unwrap_or(0) + first.len()..];
    if first.chars().count() < 2 || after_first.starts_with('.') {
        return None;
    }
    let first_lower = first.to_lowercase();
    let first_stem = stemmer.stem(&first_lower);
    if lower.contains(&first_lower)
        || (first_stem.chars().count() >= LONG_STEM
            && lower.contains(&format!("{STEM_MARK}{first_stem}")))
    {
        return Some(StartEvidence::CommonWord);
    }
    let head: HashSet<String> = words(&text[..pos]).into_iter().collect();
    let capitalised = text[pos..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| w.chars().next().is_some_and(char::is_uppercase));
    // A repeated name may have a short stem (`Сирия` → `сир`); a common word needs four letters.
    let repeats = next.iter().zip(capitalised).take(3).any(|(w, cap)| {
        let n = w.chars().count();
        (n >= 4 || (cap && n >= 3)) && head.contains(w)
    });
    repeats.then_some(StartEvidence::Repeat)
}

#[test]
fn alphabetic_indexes_agree_with_the_direct_computations() {
    let lower = lowercase_words(
        ["в независимых исследованиях", "по сообщению команды"].into_iter(),
        Lang::Ru,
    );
    let texts = [
        "Смотрите: Серхио Агуэро забил Серхио Агуэро и Рахим Стерлинг «Команда» Сирия готова Сирия заявляет",
        "ab ab ab Ab ab Ab Ab Независимые школы В. В. Путин Независимые-школы 2025 Года",
    ];
    // (and a text long enough for the automata)
    let long = format!("{} Серхио {}", texts[0], texts.concat().repeat(3));
    assert!(long.len() > DIRECT_SEARCH_BYTES);
    for text in texts.into_iter().chain([long.as_str()]) {
        let positions: Vec<usize> = text
            .char_indices()
            .filter(|&(i, c)| i > 0 && !c.is_whitespace() && text[..i].ends_with(' '))
            .map(|(i, _)| i)
            .collect();
        let repeated = repeated_names(text, &positions);
        for (&pos, rep) in positions.iter().zip(repeated) {
            assert_eq!(rep, inside_repeated_name(text, pos), "{text} @{pos}");
            assert_eq!(
                start_evidence(text, pos, Lang::Ru, &lower),
                start_evidence_direct(text, pos, Lang::Ru, &lower),
                "{text} @{pos}"
            );
        }
    }
}

/// The local problems' bead costs with parts formed once and names / seed terms matched on
/// integer ids are bit for bit those formed afresh (names and seed terms matched on the texts,
/// as before): on news-like pairs with names, seed terms and numbers, for every candidate
/// piece against every group of one to three segments, and for piece-against-piece problems.
#[test]
fn local_costs_agree_with_the_direct_computation() {
    use super::local::Part;
    use crate::align::features::featurize;
    use crate::align::lexicon::{LearnConfig, Lexicon};
    use crate::align::score::LengthModel;
    let zh_texts = [
        "习近平周二在北京会见了普京",
        "普京说，俄罗斯和中国将扩大合作2025年",
        "扎耶夫和佐兰在莫斯科会见了麦卡锡McCarthy",
        "上海合作组织峰会在莫斯科举行习近平出席",
        "全面战略协作伙伴关系进入新时代",
        "丹尼斯在纽波特表示中国经济增长",
    ];
    let ru_texts = [
        "Си Цзиньпин во вторник встретился в Пекине с Путиным",
        "Путин сказал, что Россия и Китай расширят сотрудничество 2025 года",
        "Заев и Зоран встретились в Москве с Маккарти McCarthy",
        "Саммит Шанхайской организации сотрудничества прошел в Москве Си Цзиньпин принял участие",
        "Всеобъемлющее партнерство и стратегическое взаимодействие вступают в новую эпоху",
        "Деннис заявил в Ньюпорте, что экономика Китая растет",
    ];
    let zh: Vec<Segment> = zh_texts.iter().map(|t| seg(t.to_string())).collect();
    let ru: Vec<Segment> = ru_texts.iter().map(|t| seg(t.to_string())).collect();
    let fz: Vec<_> = zh_texts.iter().map(|t| featurize(t, 0, Lang::Zh)).collect();
    let fr: Vec<_> = ru_texts.iter().map(|t| featurize(t, 0, Lang::Ru)).collect();
    let beads: Vec<(&[u64], &[u64])> = fz
        .iter()
        .zip(&fr)
        .map(|(a, b)| (a.lex.as_slice(), b.lex.as_slice()))
        .cycle()
        .take(24)
        .collect();
    let lex = Lexicon::learn(
        &beads,
        LearnConfig {
            min_joint: 1,
            min_dice: 0.0,
            ..LearnConfig::default()
        },
    );
    for seeded in [false, true] {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        if seeded {
            cfg.seed_terms = [
                ("上海合作组织", "Шанхайской организации сотрудничества"),
                ("全面战略协作伙伴关系", "партнерство и стратегическое"),
                ("莫斯科", "Москв"),
                ("中国", "КИТА"),
                ("中国", "КИТА"),
            ]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        }
        let seeds = crate::align::seeds::SeedTerms::new(&cfg);
        let (lower_zh, lower_ru) = (HashSet::new(), HashSet::new());
        let stats = BoundaryStats::default();
        let ctx = DocContext {
            src: (&zh, &fz),
            tgt: (&ru, &fr),
            len: LengthModel::from_totals(&fz, &fr),
            lex: &lex,
            rates: (0.6, 0.1),
            cfg: &cfg,
            params: ResplitParams::default(),
            stats: &stats,
            lower: (&lower_zh, &lower_ru),
            seeds: &seeds,
            store: Default::default(),
        };
        let pieces = |text: &str, lang: Lang| -> Vec<Range<usize>> {
            let mut cuts: Vec<usize> = bare(text, lang).iter().map(|c| c.pos).collect();
            cuts.push(text.len());
            let mut out: Vec<Range<usize>> = Vec::new();
            out.push(0..text.len());
            let mut start = 0;
            for c in cuts {
                out.push(0..c);
                out.push(c..text.len());
                out.push(start..c);
                start = c;
            }
            out
        };
        let mut checked = 0;
        for x in 0..zh.len() {
            for r in pieces(&zh[x].text, Lang::Zh) {
                for g in 0..ru.len() {
                    for k in 1..=3.min(ru.len() - g) {
                        let whole: Vec<Part> = (g..g + k).map(Part::Whole).collect();
                        let piece = [Part::Piece(x, r.clone())];
                        let (a, b) = (
                            ctx.local_cost(&piece, &whole),
                            ctx.local_cost_direct(&piece, &whole),
                        );
                        assert_eq!(a.to_bits(), b.to_bits(), "zh {x} {r:?} ru {g}+{k}");
                        checked += 1;
                    }
                }
                for (y, r_seg) in ru.iter().enumerate() {
                    for s in pieces(&r_seg.text, Lang::Ru) {
                        let (p, q) = ([Part::Piece(x, r.clone())], [Part::Piece(y, s)]);
                        let (a, b) = (ctx.local_cost(&p, &q), ctx.local_cost_direct(&p, &q));
                        assert_eq!(a.to_bits(), b.to_bits(), "zh {x} {r:?} ru {y}");
                    }
                }
            }
            // the k-1 shape: a Russian piece against Chinese segments
            for (y, r_seg) in ru.iter().enumerate() {
                for r in pieces(&r_seg.text, Lang::Ru) {
                    let k = 3.min(zh.len() - x);
                    let whole: Vec<Part> = (x..x + k).map(Part::Whole).collect();
                    let piece = [Part::Piece(y, r.clone())];
                    let (a, b) = (
                        ctx.local_cost(&whole, &piece),
                        ctx.local_cost_direct(&whole, &piece),
                    );
                    assert_eq!(a.to_bits(), b.to_bits(), "zh {x}+{k} ru {y} {r:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "{checked}");
    }
}
