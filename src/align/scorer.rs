//! Which bead scorer runs: `--scorer auto|semantic|lexical`.
//!
//! `lexical` is today's aligner (length, numbers, names, seed glossary, learnt lexicon);
//! `semantic` adds sentence vectors from the multilingual encoder ([`super::semantic`]);
//! `auto` is semantic when a model is installed (`tmalign model fetch`), lexical otherwise.
//! Semantic asked for and unavailable is an error, never a silent fall-back.

use super::semantic::{CacheEmbedder, SentenceEmbedder};
use crate::{Error, Result};
use std::path::Path;
use std::str::FromStr;

/// The `--scorer` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScorerMode {
    /// Semantic when a model is installed, lexical otherwise.
    #[default]
    Auto,
    /// Sentence vectors plus the lexical evidence; needs the model.
    Semantic,
    /// Lexical evidence only (no model needed).
    Lexical,
}

impl FromStr for ScorerMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(ScorerMode::Auto),
            "semantic" => Ok(ScorerMode::Semantic),
            "lexical" => Ok(ScorerMode::Lexical),
            _ => Err(Error::Usage(format!(
                "unknown scorer {s:?}: use auto, semantic or lexical"
            ))),
        }
    }
}

/// The scorer that will run: `None` for lexical, else the embedder.
pub struct Selected {
    /// The embedder (semantic scorer), or none (lexical).
    pub embedder: Option<Box<dyn SentenceEmbedder>>,
}

impl Selected {
    /// `semantic` or `lexical`, for headers.
    pub fn label(&self) -> &'static str {
        if self.embedder.is_some() {
            "semantic"
        } else {
            "lexical"
        }
    }

    /// The label with the model name, e.g. `semantic (multilingual-e5-small-q4)`.
    pub fn describe(&self) -> String {
        match &self.embedder {
            Some(e) => format!("semantic ({})", e.name()),
            None => "lexical".into(),
        }
    }
}

/// An embedder that reports progress on a bar (the CLI's, on a terminal only).
pub struct WithProgress<'a> {
    /// The embedder.
    pub inner: &'a dyn SentenceEmbedder,
    /// The bar (hidden when not on a terminal).
    pub bar: indicatif::ProgressBar,
}

impl SentenceEmbedder for WithProgress<'_> {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.bar.inc_length(texts.len() as u64);
        let bar = self.bar.clone();
        self.inner
            .embed_with_progress(texts, &move |n| bar.inc(n as u64))
    }

    fn name(&self) -> String {
        self.inner.name()
    }
}

/// A bar for the embedding step on stderr when it is a terminal, else hidden.
pub fn embedding_bar() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template(
        "{msg:>9} [{bar:30}] {pos}/{len} texts, {eta} left",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(0)
        .with_style(style)
        .with_message("embedding")
}

/// The message for `--scorer semantic` without a model.
pub fn no_model_message() -> String {
    format!(
        "--scorer semantic needs the sentence-encoder model, which is not installed: {} (or use --scorer lexical)",
        tmalign_encoder::store::INSTALL_HINT
    )
}

/// Resolves the mode against what is installed. The hidden variable `TMALIGN_EMBED_CACHE`
/// (experiments and tests: a folder of precomputed vectors, see [`CacheEmbedder`]) stands in
/// for the model.
pub fn select(mode: ScorerMode) -> Result<Selected> {
    if mode == ScorerMode::Lexical {
        return Ok(Selected { embedder: None });
    }
    if let Some(cache) = CacheEmbedder::from_env() {
        return Ok(Selected {
            embedder: Some(Box::new(cache?)),
        });
    }
    match (tmalign_encoder::store::installed_model(), mode) {
        // A build without the encoder cannot use an installed model: auto stays lexical.
        (Some(_), ScorerMode::Auto) if !ENCODER_AVAILABLE => Ok(Selected { embedder: None }),
        (Some(path), _) => Ok(Selected {
            embedder: Some(load_model(&path)?),
        }),
        (None, ScorerMode::Semantic) => Err(Error::Usage(no_model_message())),
        (None, _) => Ok(Selected { embedder: None }),
    }
}

/// Whether this build can run the encoder (false until the adapter below is finished).
pub const ENCODER_AVAILABLE: bool = encoder_adapter::AVAILABLE;

/// Loads the installed model; a file that is not the model is refused with its path and the
/// reason.
fn load_model(path: &Path) -> Result<Box<dyn SentenceEmbedder>> {
    encoder_adapter::load(path)
}

/// The real encoder: `tmalign_encoder::Encoder` (multilingual-e5-small, 4-bit), with the
/// "query: " prefix, the model card's choice for symmetric tasks such as bitext mining.
mod encoder_adapter {
    use super::*;
    use tmalign_encoder::{Encoder, Prefix};

    pub const AVAILABLE: bool = true;

    struct E5(Encoder);

    impl SentenceEmbedder for E5 {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            self.embed_with_progress(texts, &|_| {})
        }

        fn embed_with_progress(
            &self,
            texts: &[&str],
            progress: &(dyn Fn(usize) + Sync),
        ) -> Result<Vec<Vec<f32>>> {
            Ok(self
                .0
                .embed_with_progress(texts, Prefix::Query, progress)
                .into_iter()
                .map(|v| v.to_vec())
                .collect())
        }

        fn name(&self) -> String {
            "multilingual-e5-small-q4".into()
        }
    }

    /// Loads (and verifies) the model; a file that is not the model is bad input naming the
    /// file and the reason.
    pub fn load(path: &Path) -> Result<Box<dyn SentenceEmbedder>> {
        Encoder::load(path)
            .map(|e| Box::new(E5(e)) as Box<dyn SentenceEmbedder>)
            .map_err(|e| Error::bad_input(path, format!("cannot use the model: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!("auto".parse::<ScorerMode>().unwrap(), ScorerMode::Auto);
        assert_eq!(
            "Semantic".parse::<ScorerMode>().unwrap(),
            ScorerMode::Semantic
        );
        assert_eq!(
            "lexical".parse::<ScorerMode>().unwrap(),
            ScorerMode::Lexical
        );
        let e = "neural".parse::<ScorerMode>().unwrap_err();
        assert!(e.is_bad_input() && e.to_string().contains("auto, semantic or lexical"));
    }

    #[test]
    fn lexical_never_needs_a_model() {
        let s = select(ScorerMode::Lexical).unwrap();
        assert!(s.embedder.is_none());
        assert_eq!(s.label(), "lexical");
    }

    #[test]
    fn the_refusal_names_the_fetch_command() {
        // `select` itself reads the environment (the model directory), which the CLI test
        // controls; here only the message.
        assert!(no_model_message().contains("tmalign model fetch"));
        assert!(Error::Usage(no_model_message()).is_bad_input());
    }
}
