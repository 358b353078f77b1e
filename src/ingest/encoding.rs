//! Bytes → text: binary sniffing, BOM, detection (`chardetng`) and decoding (`encoding_rs`).
//!
//! Order of decisions:
//! 1. A BOM (UTF-8, UTF-16LE, UTF-16BE) wins over everything but a forced encoding.
//! 2. Files that are obviously not text (known magic numbers, NUL bytes without a UTF-16 BOM,
//!    many control bytes) are refused before any decoding, so that we never print garbage.
//! 3. A forced encoding (`--encoding LABEL`, a WHATWG label) is used as is; forced UTF-8 is
//!    strict (the first invalid byte is an error), other forced encodings fail when the text
//!    comes out with more than a few replacement characters.
//! 4. Valid UTF-8 is UTF-8 (cheap check first: most inputs are UTF-8 and detection is slow).
//!    Mostly valid UTF-8 — a damaged byte or a last character cut short in a text full of
//!    well-formed multi-byte characters — is UTF-8 too: the bad bytes become U+FFFD and a
//!    warning names the byte offset of the first ([`crate::warning`]); with `strict` it is
//!    refused. It is never re-read whole as GBK or Windows-1252 mojibake.
//! 5. Otherwise `chardetng` guesses. Its guesses for short texts are unreliable between the
//!    Cyrillic single-byte encodings (a few lines of Windows-1251 Russian can come out as
//!    KOI8-R or IBM866) and between the East Asian multi-byte ones, so when the guess falls in
//!    one of those families we decode with every member of the family and keep the one whose
//!    text looks most like real Russian / Chinese (see `cyrillic_score`, `cjk_score`).

use crate::{Error, Result};
use encoding_rs::Encoding;
use std::borrow::Cow;
use std::path::Path;

/// How many bytes `chardetng` sees at most: plenty for a confident guess, and it keeps
/// detection time bounded on big files.
const DETECT_LIMIT: usize = 256 * 1024;

/// Share of replacement characters (in per mille) above which a decoding is refused.
const MAX_REPLACEMENT_PER_MILLE: usize = 10;

/// Looks an encoding label up (`utf-8`, `gbk`, `gb18030`, `windows-1251`, `cp1251`,
/// `utf-16le`, …). An unknown label is a usage error.
pub fn lookup_label(label: &str) -> Result<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        Error::Usage(format!(
            "unknown encoding label {label:?} (try utf-8, utf-16le, utf-16be, gb18030, gbk, \
             windows-1251, koi8-r)"
        ))
    })
}

/// Decodes `bytes` into text; returns the text (BOM removed) and the encoding name.
///
/// Valid UTF-8 input is borrowed, not copied.
pub fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
    forced: Option<&str>,
) -> Result<(Cow<'a, str>, &'static str)> {
    decode_with(path, bytes, forced, false)
}

/// Where UTF-8 is damaged (see [`mostly_utf8`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Damage {
    /// Byte offset of the first invalid sequence.
    pub first_offset: usize,
    /// Number of invalid sequences.
    pub invalid: usize,
}

/// Whether `bytes`, not valid UTF-8, are still UTF-8 with a little damage: at least twenty
/// well-formed multi-byte characters for every invalid sequence. Text in a legacy encoding
/// (GBK, Windows-1251) forms valid multi-byte UTF-8 sequences only by accident, far more
/// rarely than invalid ones; pure ASCII with one stray byte (`caf\xE9`) has none.
pub fn mostly_utf8(bytes: &[u8]) -> Option<Utf8Damage> {
    let (mut offset, mut multibyte, mut invalid) = (0usize, 0usize, 0usize);
    let mut first = None;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            invalid += 1;
            first.get_or_insert(offset);
            offset += chunk.invalid().len();
        }
    }
    let first_offset = first?;
    (multibyte >= 20 * invalid).then_some(Utf8Damage {
        first_offset,
        invalid,
    })
}

/// [`decode`]; with `strict`, damaged UTF-8 is refused instead of read with a warning.
pub fn decode_with<'a>(
    path: &Path,
    bytes: &'a [u8],
    forced: Option<&str>,
    strict: bool,
) -> Result<(Cow<'a, str>, &'static str)> {
    let forced = forced.map(lookup_label).transpose()?;
    let bom = Encoding::for_bom(bytes).map(|(enc, _)| enc);
    let utf16 = match forced {
        Some(enc) => enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE,
        None => matches!(bom, Some(enc) if enc != encoding_rs::UTF_8),
    };
    if !utf16 {
        check_not_binary(path, bytes)?;
    }

    if let Some(enc) = forced {
        return decode_forced(path, bytes, enc);
    }
    if let Some(enc) = bom {
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        return finish(path, text, had_errors, enc, false);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), encoding_rs::UTF_8.name()));
    }
    if let Some(damage) = mostly_utf8(bytes) {
        let what = format!(
            "not valid UTF-8 at byte offset {}{} in otherwise valid UTF-8",
            damage.first_offset,
            if damage.invalid > 1 {
                format!(" ({} invalid sequences)", damage.invalid)
            } else {
                String::new()
            }
        );
        if strict {
            return Err(Error::bad_input(
                path,
                format!("{what}; repair the file, or leave out --strict to read it with U+FFFD in their place"),
            ));
        }
        crate::warning::warn(&format!(
            "{}: {what}; read as UTF-8 with U+FFFD in their place",
            path.display()
        ));
        return Ok((String::from_utf8_lossy(bytes), encoding_rs::UTF_8.name()));
    }
    let enc = guess(bytes);
    let (text, _, had_errors) = enc.decode(bytes);
    if looks_like_garbage(&text) {
        return Err(Error::bad_input(
            path,
            format!(
                "cannot be decoded: the bytes do not read as text in any encoding tried (best \
                 guess {}); give the right one with --encoding",
                enc.name()
            ),
        ));
    }
    finish(path, text, had_errors, enc, false)
}

/// Whether a *guessed* decoding is garbage: every byte sequence decodes to something in a
/// single-byte encoding, so random or binary bytes come out as a soup of symbols
/// (`¢Ážþ‡€º…`) or one character repeated. Real text outside ASCII is mostly letters, with
/// a handful of typographic marks, and uses more than a few distinct characters.
pub(crate) fn looks_like_garbage(text: &str) -> bool {
    let (mut non_ascii, mut symbols) = (0usize, 0usize);
    let mut distinct: Vec<char> = Vec::new();
    for c in text.chars().take(64 * 1024).filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        let typographic = matches!(
            c,
            '«' | '»'
                | '—'
                | '–'
                | '…'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '„'
                | '№'
                | '°'
                | '·'
                | '\u{A0}'
                | '\u{3000}'
                | '€'
                | '§'
        );
        if !(c.is_alphanumeric() || typographic || super::normalize::is_cjk(c)) {
            symbols += 1;
        }
        if distinct.len() < 8 && !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    non_ascii >= 16 && (symbols * 5 > non_ascii || (non_ascii >= 50 && distinct.len() < 5))
}

/// Decoding with a user-chosen encoding.
fn decode_forced<'a>(
    path: &Path,
    bytes: &'a [u8],
    enc: &'static Encoding,
) -> Result<(Cow<'a, str>, &'static str)> {
    if enc == encoding_rs::UTF_8 {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return match std::str::from_utf8(body) {
            Ok(text) => Ok((Cow::Borrowed(text), enc.name())),
            Err(e) => Err(Error::bad_input(
                path,
                format!(
                    "not valid UTF-8 (invalid byte at offset {}); try --encoding gb18030 or \
                     windows-1251, or leave --encoding out to detect it",
                    e.valid_up_to() + (bytes.len() - body.len())
                ),
            )),
        };
    }
    let (text, had_errors) = enc.decode_with_bom_removal(bytes);
    finish(path, text, had_errors, enc, true)
}

/// Refuses a decoding that produced too many replacement characters.
fn finish<'a>(
    path: &Path,
    text: Cow<'a, str>,
    had_errors: bool,
    enc: &'static Encoding,
    forced: bool,
) -> Result<(Cow<'a, str>, &'static str)> {
    if had_errors {
        let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if replaced * 1000 > total * MAX_REPLACEMENT_PER_MILLE {
            let how = if forced { "as forced" } else { "detected" };
            return Err(Error::bad_input(
                path,
                format!(
                    "cannot be decoded: {replaced} of {total} characters are invalid in {} \
                     ({how}); give the right one with --encoding",
                    enc.name()
                ),
            ));
        }
    }
    Ok((text, enc.name()))
}

/// Refuses content that is clearly not text.
pub(crate) fn check_not_binary(path: &Path, bytes: &[u8]) -> Result<()> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7FELF", "an ELF executable"),
        (b"MZ\x90\x00", "a Windows executable"),
        (b"%PDF-", "a PDF file (extract its text first)"),
        (
            b"PK\x03\x04",
            "a ZIP archive (.docx/.odt/.zip: extract its text first)",
        ),
        (b"\x1F\x8B", "a gzip archive"),
        (
            b"\xD0\xCF\x11\xE0",
            "an old MS Office file (extract its text first)",
        ),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Err(Error::bad_input(
                path,
                format!("binary file ({what}), not text"),
            ));
        }
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        return Err(Error::bad_input(
            path,
            format!(
                "binary file ({nuls} NUL bytes in the first {} bytes); if it is UTF-16 text \
                 without a BOM, give --encoding utf-16le or utf-16be",
                head.len()
            ),
        ));
    }
    // Text has tabs, newlines, form feeds and the odd ESC; lots of other C0 bytes mean binary.
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    if controls * 20 > head.len() {
        return Err(Error::bad_input(
            path,
            format!(
                "binary file ({controls} control bytes in the first {} bytes), not text",
                head.len()
            ),
        ));
    }
    Ok(())
}

/// Guesses the encoding of bytes that are not valid UTF-8.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECT_LIMIT)];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    let first = detector.guess(None, chardetng::Utf8Detection::Deny);
    const CYRILLIC: &[&Encoding] = &[
        encoding_rs::WINDOWS_1251,
        encoding_rs::KOI8_R,
        encoding_rs::KOI8_U,
        encoding_rs::IBM866,
        encoding_rs::ISO_8859_5,
        encoding_rs::X_MAC_CYRILLIC,
    ];
    const CJK: &[&Encoding] = &[
        encoding_rs::GB18030,
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ];
    // A short sample is enough to compare the candidates of a family.
    let probe = &bytes[..bytes.len().min(64 * 1024)];
    if CYRILLIC.contains(&first) {
        return best_of(first, CYRILLIC, probe, cyrillic_score);
    }
    // chardetng takes a short Russian text (`Да.` in Windows-1251) for Windows-1252. When
    // another single-byte guess reads as Cyrillic words in Windows-1251 — every word that has
    // a non-ASCII letter is wholly Cyrillic, as Russian words are, where the Latin-1 reading
    // of a French or German text puts one odd letter inside an ASCII word — Cyrillic wins.
    if first.is_single_byte() && !CJK.contains(&first) && reads_as_cyrillic_words(probe) {
        return best_of(encoding_rs::WINDOWS_1251, CYRILLIC, probe, cyrillic_score);
    }
    if CJK.contains(&first) {
        let best = best_of(first, &CJK[1..], probe, cjk_score);
        // GBK bytes decode the same with the GB18030 decoder, which also takes the 4-byte
        // sequences; report GB18030 when the file uses them.
        if best == encoding_rs::GBK && encoding_rs::GBK.decode_without_bom_handling(probe).1 {
            return encoding_rs::GB18030;
        }
        return best;
    }
    first
}

/// Whether `bytes` decoded as Windows-1251 have at least one word of Cyrillic letters and no
/// word that mixes Cyrillic with ASCII letters or holds other non-ASCII letters.
fn reads_as_cyrillic_words(bytes: &[u8]) -> bool {
    let text = encoding_rs::WINDOWS_1251
        .decode_without_bom_handling(bytes)
        .0;
    let mut cyrillic_words = 0usize;
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if word.is_ascii() {
            continue;
        }
        let cyrillic = |c: char| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
        if !word.chars().all(cyrillic) {
            return false;
        }
        cyrillic_words += 1;
    }
    cyrillic_words > 0
}

/// The candidate whose decoding scores highest; `first` (chardetng's guess) wins ties, then
/// the earlier candidate (KOI8-R before its superset KOI8-U, which decodes Russian the same).
fn best_of(
    first: &'static Encoding,
    candidates: &[&'static Encoding],
    bytes: &[u8],
    score: fn(&str) -> i64,
) -> &'static Encoding {
    let rate = |enc: &'static Encoding| score(&enc.decode_without_bom_handling(bytes).0);
    let mut best = (rate(first), first);
    for &enc in candidates {
        if enc == first {
            continue;
        }
        let s = rate(enc);
        if s > best.0 {
            best = (s, enc);
        }
    }
    best.1
}

/// How much a text looks like Russian: frequent lowercase letters score, capitals inside a
/// word, box-drawing characters and other non-Cyrillic non-ASCII characters cost. Wrong
/// single-byte Cyrillic decodings fail exactly there (KOI8-R read as Windows-1251 swaps the
/// case of most letters; IBM866 read as Windows-1251 gives box drawing).
pub(crate) fn cyrillic_score(text: &str) -> i64 {
    let mut score = 0i64;
    let mut prev_lower = false;
    for c in text.chars() {
        let lower = matches!(c, 'а'..='я' | 'ё');
        let upper = matches!(c, 'А'..='Я' | 'Ё');
        if lower {
            score += if "оеаинтсрвл".contains(c) {
                3
            } else {
                1
            };
        } else if upper {
            score += if prev_lower { -4 } else { 1 };
        } else if c == '\u{FFFD}' {
            score -= 10;
        } else if !c.is_ascii()
            && !matches!(
                c,
                '«' | '»' | '—' | '–' | '№' | '…' | '\u{A0}' | '“' | '”' | '„'
            )
        {
            score -= 3;
        }
        prev_lower = lower;
    }
    score
}

/// About a thousand of the most frequent simplified Chinese characters (they make up roughly
/// four fifths of running text). A wrong multi-byte decoding of GBK bytes (as EUC-JP, Big5…)
/// also yields ideographs, but mostly rare ones; counting frequent ones tells them apart.
const COMMON_HANZI: &str = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵滑哭瓦抢岩夺献芬卢窝剩吨粮旗圈";

/// [`COMMON_HANZI`] sorted, for binary search.
fn common_hanzi() -> &'static [char] {
    static SET: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let mut v: Vec<char> = COMMON_HANZI.chars().collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// How much a text looks like Chinese (or, failing that, consistent Japanese or Korean):
/// frequent hanzi score most, CJK punctuation, kana and hangul (real letters when the
/// decoding is right) score some; replacement characters, half-width kana, private-use and
/// rare blocks cost. A wrong decoding yields rare ideographs, which score nothing.
pub(crate) fn cjk_score(text: &str) -> i64 {
    let common = common_hanzi();
    let mut score = 0i64;
    for c in text.chars() {
        score += match c {
            c if common.binary_search(&c).is_ok() => 4,
            '\u{FFFD}' => -20,
            // CJK punctuation and full-width forms as used in Chinese text.
            '，' | '。' | '、' | '：' | '；' | '“' | '”' | '《' | '》' | '（' | '）' | '！'
            | '？' => 3,
            '\u{4E00}'..='\u{9FFF}' => 1, // other hanzi: a wrong decoding is full of them
            '\u{3040}'..='\u{30FF}' => 2, // kana
            '\u{AC00}'..='\u{D7AF}' => 2, // hangul syllables
            '\u{3400}'..='\u{4DBF}' | '\u{E000}'..='\u{F8FF}' => -4, // ext. A, private use
            '\u{FF61}'..='\u{FF9F}' => -4, // half-width kana
            c if c.is_ascii() => 0,
            _ => -1,
        };
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<(String, &'static str)> {
        decode(Path::new("t.txt"), bytes, None).map(|(t, e)| (t.into_owned(), e))
    }

    const RU: &str = "Стороны договорились расширять сотрудничество в энергетике.\n\
                      Президенты обсудили торговлю и инвестиции.";
    const ZH: &str = "国家主席习近平在北京同俄罗斯总统普京举行会谈。\n双方一致同意深化合作。";

    #[test]
    fn utf8_and_bom() {
        assert_eq!(dec("abc".as_bytes()).unwrap(), ("abc".into(), "UTF-8"));
        let (t, e) = dec(b"\xEF\xBB\xBFabc").unwrap();
        assert_eq!((t.as_str(), e), ("abc", "UTF-8"));
    }

    #[test]
    fn utf16_with_bom() {
        for enc in [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE] {
            let mut bytes: Vec<u8> = if enc == encoding_rs::UTF_16LE {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in ZH.encode_utf16() {
                let b = if enc == encoding_rs::UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                bytes.extend_from_slice(&b);
            }
            let (t, e) = dec(&bytes).unwrap();
            assert_eq!(t, ZH);
            assert_eq!(e, enc.name());
        }
    }

    #[test]
    fn short_windows_1251_russian() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
        let (t, e) = dec(&bytes).unwrap();
        assert_eq!(e, "windows-1251");
        assert_eq!(t, RU);
        let (one, _, _) = encoding_rs::WINDOWS_1251.encode("Привет, мир.");
        assert_eq!(dec(&one).unwrap().0, "Привет, мир.");
    }

    #[test]
    fn three_byte_windows_1251_is_cyrillic() {
        for text in ["Да.", "Нет", "Да, 5 шт."] {
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
            let (t, e) = dec(&bytes).unwrap();
            assert_eq!((t.as_str(), e), (text, "windows-1251"), "{text}");
        }
        // Latin-1 texts with accented letters inside words stay what they are
        for text in ["Ça va.", "Grüße aus Köln.", "naïve café"] {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
            let (t, e) = dec(&bytes).unwrap();
            assert_eq!(t, text, "{text} read as {e}");
        }
    }

    #[test]
    fn short_gbk_chinese() {
        for enc in [encoding_rs::GBK, encoding_rs::GB18030] {
            let (bytes, _, _) = enc.encode(ZH);
            let (t, _) = dec(&bytes).unwrap();
            assert_eq!(t, ZH);
        }
        let (one, _, _) = encoding_rs::GBK.encode("中俄关系。");
        assert_eq!(dec(&one).unwrap().0, "中俄关系。");
    }

    #[test]
    fn forced_encoding() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
        let p = Path::new("x");
        assert_eq!(decode(p, &bytes, Some("cp1251")).unwrap().0, RU);
        let err = decode(p, &bytes, Some("utf-8")).unwrap_err();
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
        assert!(matches!(
            decode(p, b"x", Some("no-such")),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn binary_refused() {
        assert!(dec(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
            .unwrap_err()
            .to_string()
            .contains("PNG"));
        assert!(dec(b"\x7FELF\x02\x01\x01\0\0")
            .unwrap_err()
            .to_string()
            .contains("ELF"));
        let nuls = [b'a', 0, b'b', 0, b'c', 0];
        assert!(dec(&nuls).unwrap_err().to_string().contains("NUL"));
    }

    /// The family votes must not break the encodings they are not about.
    #[test]
    fn other_encodings_still_detected() {
        let cases: &[(&'static Encoding, &str, &[&str])] = &[
            (encoding_rs::KOI8_R, RU, &["KOI8-R", "KOI8-U"]),
            (encoding_rs::IBM866, RU, &["IBM866"]),
            (
                encoding_rs::BIG5,
                "國家主席在北京同俄羅斯總統舉行會談。雙方一致同意深化合作。",
                &["Big5"],
            ),
            (
                encoding_rs::SHIFT_JIS,
                "日本語のテキストです。東京で会議が開かれました。",
                &["Shift_JIS"],
            ),
            (
                encoding_rs::EUC_KR,
                "한국어 텍스트입니다. 서울에서 회의가 열렸습니다.",
                &["EUC-KR"],
            ),
            (
                encoding_rs::WINDOWS_1252,
                "Le cœur a ses raisons que la raison ne connaît point.",
                &["windows-1252"],
            ),
        ];
        for (enc, text, names) in cases {
            let (bytes, _, _) = enc.encode(text);
            let (t, e) = dec(&bytes).unwrap();
            assert!(names.contains(&e), "{} detected as {e}", enc.name());
            assert_eq!(&t, text);
        }
    }

    #[test]
    fn garbage_detected() {
        let p = Path::new("junk");
        let random: Vec<u8> = (0u32..3000)
            .map(|i| (128 + (i * 7919 + i / 3) % 128) as u8)
            .collect();
        assert!(dec(&random)
            .unwrap_err()
            .to_string()
            .contains("cannot be decoded"));
        assert!(decode(p, &[0xFF; 200], None).is_err());
        assert!(!looks_like_garbage(RU) && !looks_like_garbage(ZH));
        assert!(!looks_like_garbage(
            "Le cœur a ses raisons « que » la raison ne connaît point — Pascal."
        ));
    }

    #[test]
    fn scores_prefer_right_decoding() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
        let right = cyrillic_score(
            &encoding_rs::WINDOWS_1251
                .decode_without_bom_handling(&bytes)
                .0,
        );
        for wrong in [
            encoding_rs::KOI8_R,
            encoding_rs::IBM866,
            encoding_rs::ISO_8859_5,
        ] {
            let s = cyrillic_score(&wrong.decode_without_bom_handling(&bytes).0);
            assert!(right > s, "{} {right} <= {s}", wrong.name());
        }
    }

    #[test]
    fn damaged_utf8_is_told_from_legacy_encodings() {
        let ru = "Президент России Владимир Путин провёл переговоры".as_bytes();
        let mut bad = ru.to_vec();
        bad.insert(10, 0xFF);
        assert_eq!(
            mostly_utf8(&bad),
            Some(Utf8Damage {
                first_offset: 10,
                invalid: 1
            })
        );
        assert_eq!(
            mostly_utf8(&ru[..ru.len() - 1]).map(|d| d.first_offset),
            Some(ru.len() - 2)
        );
        assert_eq!(mostly_utf8(b"caf\xe9 au lait"), None);
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Президент России Владимир Путин");
        assert_eq!(mostly_utf8(&cp1251), None);
        assert_eq!(mostly_utf8(ru), None, "valid UTF-8 is not damaged");
    }
}
