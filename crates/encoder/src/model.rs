//! The BERT (XLM-R) encoder of multilingual-e5-small: embeddings, 12 post-norm transformer
//! layers with int8 × int4 matmuls, mean pooling and L2 normalisation.
//!
//! A forward pass runs a *batch*: the tokens of several texts concatenated into one
//! `[tokens × hidden]` matrix, so every weight panel is streamed once per batch and reused by
//! all tokens; attention alone looks at text boundaries. Every computation on a token depends
//! only on its own text, so an embedding is bit-identical however texts are batched.

use rayon::prelude::*;

use crate::format::{DType, Malformed, ModelFile, Q4_BLOCK_BYTES, QBLOCK};
use crate::kernels::{matmul, Kernel};
use crate::quant::{dequantize_row, PackedMatrix, QuantActs};
use crate::DIM;

/// LayerNorm parameters.
#[derive(Debug)]
struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

#[derive(Debug)]
struct Layer {
    /// Q, K and V stacked: one matmul over one quantised input gives `[q | k | v]` per token.
    qkv: PackedMatrix,
    attn_out: PackedMatrix,
    attn_norm: Norm,
    ffn_up: PackedMatrix,
    ffn_down: PackedMatrix,
    ffn_norm: Norm,
}

/// The encoder weights, expanded for the kernels.
#[derive(Debug)]
pub struct Model {
    hidden: usize,
    heads: usize,
    ffn: usize,
    eps: f32,
    /// Longest sequence (with `<s>` and `</s>`) the position table covers.
    pub max_positions: usize,
    vocab_rows: usize,
    /// Word embeddings stay Q4 (250k × 384 would be 384 MB as f32); rows are dequantised on
    /// lookup.
    word: Vec<u8>,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: Norm,
    layers: Vec<Layer>,
}

fn bad(s: String) -> Malformed {
    Malformed::Inconsistent(s)
}

impl Model {
    /// Take the tensors the encoder needs out of a parsed file, checking every shape.
    pub fn from_file(f: &ModelFile) -> Result<Model, Malformed> {
        let h = f.header;
        let (hid, ffn) = (h.hidden, h.ffn);
        let norm = |prefix: &str| -> Result<Norm, Malformed> {
            Ok(Norm {
                weight: f.f32_tensor(&format!("{prefix}.w"), hid)?,
                bias: f.f32_tensor(&format!("{prefix}.b"), hid)?,
            })
        };
        let linear = |name: &str, rows: usize, cols: usize| -> Result<PackedMatrix, Malformed> {
            let q4 = f.tensor(&format!("{name}.w"), DType::Q4, rows * cols)?;
            let bias = f.f32_tensor(&format!("{name}.b"), rows)?;
            PackedMatrix::from_q4(q4, rows, cols, bias)
                .ok_or_else(|| bad(format!("tensor {name}.w has a non-finite block scale")))
        };
        let word = f
            .tensor("emb.word", DType::Q4, h.vocab_rows * hid)?
            .to_vec();
        for (i, blk) in word.chunks_exact(Q4_BLOCK_BYTES).enumerate() {
            let d = crate::quant::f16_to_f32(u16::from_le_bytes([blk[0], blk[1]]));
            if !d.is_finite() {
                return Err(bad(format!(
                    "emb.word row {} has a non-finite scale",
                    i / (hid / QBLOCK)
                )));
            }
        }
        let positions = f.f32_tensor("emb.pos", h.max_positions * hid)?;
        let mut token_type = f.f32_tensor("emb.type", h.type_rows * hid)?;
        token_type.truncate(hid);
        let embed_norm = norm("emb.ln")?;
        // Expanding the weights is the bulk of the load time: one layer per task.
        let layers = (0..h.layers)
            .into_par_iter()
            .map(|l| {
                let p = format!("l{l}");
                let qkv = PackedMatrix::stack(vec![
                    linear(&format!("{p}.q"), hid, hid)?,
                    linear(&format!("{p}.k"), hid, hid)?,
                    linear(&format!("{p}.v"), hid, hid)?,
                ]);
                Ok(Layer {
                    qkv,
                    attn_out: linear(&format!("{p}.ao"), hid, hid)?,
                    attn_norm: norm(&format!("{p}.aln"))?,
                    ffn_up: linear(&format!("{p}.fi"), ffn, hid)?,
                    ffn_down: linear(&format!("{p}.fo"), hid, ffn)?,
                    ffn_norm: norm(&format!("{p}.oln"))?,
                })
            })
            .collect::<Result<Vec<Layer>, Malformed>>()?;
        Ok(Model {
            hidden: hid,
            heads: h.heads,
            ffn,
            eps: h.eps,
            max_positions: h.max_positions,
            vocab_rows: h.vocab_rows,
            word,
            positions,
            token_type,
            embed_norm,
            layers,
        })
    }

    /// Bytes held by the weights (for the memory budget).
    pub fn weight_bytes(&self) -> usize {
        let m = |p: &PackedMatrix| p.weights.len() + 4 * (p.scales.len() + p.bias.len());
        self.word.len()
            + 4 * self.positions.len()
            + self
                .layers
                .iter()
                .map(|l| m(&l.qkv) + m(&l.attn_out) + m(&l.ffn_up) + m(&l.ffn_down))
                .sum::<usize>()
    }

    /// Embeddings (mean-pooled over every token, L2-normalised) of a batch of token
    /// sequences, each at most [`Model::max_positions`] long and with ids below the
    /// vocabulary size (the tokenizer guarantees both).
    pub fn forward(&self, kernel: Kernel, seqs: &[&[u32]]) -> Vec<[f32; DIM]> {
        let (hid, ffn) = (self.hidden, self.ffn);
        let total: usize = seqs.iter().map(|s| s.len()).sum();
        let mut bounds = Vec::with_capacity(seqs.len() + 1);
        bounds.push(0);
        for s in seqs {
            assert!(
                s.len() <= self.max_positions,
                "sequence longer than the model"
            );
            bounds.push(bounds.last().unwrap() + s.len());
        }

        // Embeddings: word (dequantised row) + position + token type 0, then LayerNorm.
        let mut x = vec![0f32; total * hid];
        let row_bytes = hid / QBLOCK * Q4_BLOCK_BYTES;
        let mut t = 0;
        for s in seqs {
            for (pos, &id) in s.iter().enumerate() {
                let id = (id as usize).min(self.vocab_rows - 1);
                let r = &mut x[t * hid..(t + 1) * hid];
                dequantize_row(&self.word[id * row_bytes..(id + 1) * row_bytes], r);
                let p = &self.positions[pos * hid..(pos + 1) * hid];
                for ((v, p), ty) in r.iter_mut().zip(p).zip(&self.token_type) {
                    *v += p + ty;
                }
                t += 1;
            }
        }
        layer_norm(&mut x, None, &self.embed_norm, hid, self.eps);

        let mut acts = QuantActs::default();
        let mut qkv = vec![0f32; total * 3 * hid];
        let mut ctx = vec![0f32; total * hid];
        let mut tmp = vec![0f32; total * hid];
        let mut mid = vec![0f32; total * ffn];
        for layer in &self.layers {
            acts.quantize(&x, hid);
            matmul(kernel, &layer.qkv, &acts, &mut qkv);
            for w in bounds.windows(2) {
                self.attention(&qkv, &mut ctx, w[0], w[1]);
            }
            acts.quantize(&ctx, hid);
            matmul(kernel, &layer.attn_out, &acts, &mut tmp);
            layer_norm(&mut x, Some(&tmp), &layer.attn_norm, hid, self.eps);

            acts.quantize(&x, hid);
            matmul(kernel, &layer.ffn_up, &acts, &mut mid);
            mid.iter_mut().for_each(|v| *v = gelu(*v));
            acts.quantize(&mid, ffn);
            matmul(kernel, &layer.ffn_down, &acts, &mut tmp);
            layer_norm(&mut x, Some(&tmp), &layer.ffn_norm, hid, self.eps);
        }

        bounds
            .windows(2)
            .map(|w| {
                let mut out = [0f32; DIM];
                for row in x[w[0] * hid..w[1] * hid].chunks_exact(hid) {
                    for (o, v) in out.iter_mut().zip(row) {
                        *o += v;
                    }
                }
                let inv_len = 1.0 / (w[1] - w[0]).max(1) as f32;
                out.iter_mut().for_each(|o| *o *= inv_len);
                let norm2: f32 = out.iter().map(|v| v * v).sum();
                let inv = 1.0 / norm2.max(1e-12).sqrt();
                out.iter_mut().for_each(|o| *o *= inv);
                out
            })
            .collect()
    }

    /// Scaled dot-product attention of tokens `s0..s1` (one text) over themselves, every
    /// head; `qkv` rows are `[q | k | v]`, the result goes to `ctx` rows `s0..s1`.
    fn attention(&self, qkv: &[f32], ctx: &mut [f32], s0: usize, s1: usize) {
        let hid = self.hidden;
        let hd = hid / self.heads;
        let scale = 1.0 / (hd as f32).sqrt();
        let row = |t: usize| &qkv[t * 3 * hid..(t + 1) * 3 * hid];
        let mut probs = vec![0f32; s1 - s0];
        for h in 0..self.heads {
            let cols = h * hd..(h + 1) * hd;
            for t in s0..s1 {
                let q = &row(t)[cols.clone()];
                let mut max = f32::NEG_INFINITY;
                for (s, p) in (s0..s1).zip(probs.iter_mut()) {
                    let k = &row(s)[hid + cols.start..hid + cols.end];
                    *p = dot(q, k) * scale;
                    max = max.max(*p);
                }
                let mut sum = 0f32;
                for p in probs.iter_mut() {
                    *p = (*p - max).exp();
                    sum += *p;
                }
                let inv = 1.0 / sum;
                let c = &mut ctx[t * hid + cols.start..t * hid + cols.end];
                c.fill(0.0);
                for (s, &p) in (s0..s1).zip(probs.iter()) {
                    let v = &row(s)[2 * hid + cols.start..2 * hid + cols.end];
                    let p = p * inv;
                    for (c, v) in c.iter_mut().zip(v) {
                        *c += p * v;
                    }
                }
            }
        }
    }
}

/// Dot product with 8 independent partial sums, so that it vectorises.
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `x = LayerNorm(x + y)` per token (or `LayerNorm(x)` without `y`).
fn layer_norm(x: &mut [f32], y: Option<&[f32]>, n: &Norm, hid: usize, eps: f32) {
    for (t, r) in x.chunks_exact_mut(hid).enumerate() {
        if let Some(y) = y {
            for (v, a) in r.iter_mut().zip(&y[t * hid..(t + 1) * hid]) {
                *v += a;
            }
        }
        let mean = r.iter().sum::<f32>() / hid as f32;
        let var = r.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / hid as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, w), b) in r.iter_mut().zip(&n.weight).zip(&n.bias) {
            *v = (*v - mean) * inv * w + b;
        }
    }
}

/// GELU with the exact erf form, as BERT uses.
#[inline]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}
