//! The `lingua` wrapper: asked only about Latin-script stretches that stand on their own.
//!
//! Script alone settles Han and Cyrillic text, so the statistical detector is the slow path
//! and is called rarely. It is built on first use (building is cheap, the models load lazily
//! inside `lingua`) and then reused for the life of the splitter.

use super::Lang;
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use std::sync::OnceLock;

/// A `lingua` detector restricted to the configured languages, built on first use.
pub(crate) struct Detector {
    languages: Vec<Lang>,
    inner: OnceLock<LanguageDetector>,
}

fn to_lingua(lang: Lang) -> Language {
    match lang {
        Lang::Zh => Language::Chinese,
        Lang::Ru => Language::Russian,
        Lang::En => Language::English,
    }
}

fn from_lingua(lang: Language) -> Option<Lang> {
    match lang {
        Language::Chinese => Some(Lang::Zh),
        Language::Russian => Some(Lang::Ru),
        Language::English => Some(Lang::En),
        #[allow(unreachable_patterns)] // only reachable if more lingua features get enabled
        _ => None,
    }
}

/// How much of a run `lingua` reads.
pub(crate) const SAMPLE_BYTES: usize = 64;

/// The start of `text` from its first letter, at most about [`SAMPLE_BYTES`] long, cut
/// after a whole word.
fn sample(text: &str) -> &str {
    let text = text
        .find(char::is_alphabetic)
        .map_or(text, |first| &text[first..]);
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let mut end = SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(char::is_whitespace) {
        Some(space) if space > SAMPLE_BYTES / 2 => &text[..space],
        _ => &text[..end],
    }
}

impl Detector {
    /// A detector for `languages` (not built yet).
    pub(crate) fn new(languages: &[Lang]) -> Self {
        Detector {
            languages: languages.to_vec(),
            inner: OnceLock::new(),
        }
    }

    /// Whether any configured language is written in Latin script, i.e. whether a Latin
    /// stretch can be a language of its own at all.
    pub(crate) fn has_latin_language(&self) -> bool {
        self.languages.contains(&Lang::En)
    }

    /// The configured language `text` is in, if `lingua` can tell. Only the first
    /// [`SAMPLE_BYTES`] (cut at a space) are looked at: a run is in one language by
    /// construction, and `lingua`'s cost grows with the length of what it reads.
    pub(crate) fn detect(&self, text: &str) -> Option<Lang> {
        if self.languages.is_empty() {
            return None;
        }
        let text = sample(text);
        let detector = self.inner.get_or_init(|| {
            let langs: Vec<Language> = self.languages.iter().map(|&l| to_lingua(l)).collect();
            LanguageDetectorBuilder::from_languages(&langs).build()
        });
        detector
            .detect_language_of(text)
            .and_then(from_lingua)
            .filter(|l| self.languages.contains(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_cut_at_words_and_char_boundaries() {
        let long = "слово ".repeat(100);
        let s = sample(&long);
        assert!(s.len() <= SAMPLE_BYTES && s.ends_with("слово"));
        assert_eq!(sample("short"), "short");
        let lead = format!("{}iPhone", "。".repeat(40));
        assert_eq!(sample(&lead), "iPhone");
        let han = "中".repeat(200);
        assert!(sample(&han).len() <= SAMPLE_BYTES);
    }

    #[test]
    fn detects_only_configured_languages() {
        let d = Detector::new(&[Lang::Zh, Lang::Ru, Lang::En]);
        assert!(d.has_latin_language());
        assert_eq!(
            d.detect("Welsh AMs worried about looking like muppets"),
            Some(Lang::En)
        );
        assert_eq!(d.detect("Члены Ассамблеи Уэльса"), Some(Lang::Ru));
        let d = Detector::new(&[Lang::Zh, Lang::Ru]);
        assert!(!d.has_latin_language());
        assert_ne!(d.detect("Welsh AMs worried"), Some(Lang::En));
    }
}
