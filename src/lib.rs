//! # tmalign
//!
//! Turns Chinese–Russian (and Chinese–English) document pairs and bilingual documents into a
//! translation memory and a glossary.
//!
//! The library is a pipeline of small stages, each a module with plain data types between them:
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | ingest | [`ingest`] | bytes of a txt / md / html file → [`ingest::Document`] (clean paragraphs + metadata) |
//! | language split | [`lang`] | paragraphs → per-language paragraph streams ([`lang::LanguageSplitter`]) |
//! | sentence segmentation | [`segment`] | a paragraph → sentences ([`segment::Segmenter`]) |
//! | alignment | [`align`] | two sentence lists → beads with confidence ([`align::Alignment`]) |
//! | output | [`tm`] | beads → TMX 1.4b, review CSV, bead files |
//!
//! [`review`] builds the review page (one HTML file: the alignment side by side, reviewed in the
//! browser and saved as a review CSV that `tmalign tm import-csv` applies).
//!
//! [`model`] installs and checks the sentence-encoder model file (`tmalign model fetch`).
//!
//! [`pipeline`] chains the stages for the `tmalign run` main job; the binary in `src/main.rs`
//! only parses arguments and prints.

pub mod align;
pub mod data;
pub mod error;
pub mod eval;
pub mod glossary;
pub mod ingest;
pub mod lang;
pub mod model;
pub mod output;
pub(crate) mod panic_guard;
pub mod pipeline;
pub mod review;
pub mod segment;
pub mod timing;
pub mod tm;
pub mod warning;

pub use error::{Error, Result};
pub use lang::Lang;
