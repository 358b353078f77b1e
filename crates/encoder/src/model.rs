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

/// Width of an attention head. Fixed (multilingual-e5-small has 12 heads of 32) so that the
/// attention loops work on arrays the compiler keeps in registers; checked at load.
pub const HEAD_DIM: usize = 32;

fn bad(s: String) -> Malformed {
    Malformed::Inconsistent(s)
}

impl Model {
    /// Take the tensors the encoder needs out of a parsed file, checking every shape.
    pub fn from_file(f: &ModelFile) -> Result<Model, Malformed> {
        let h = f.header;
        let (hid, ffn) = (h.hidden, h.ffn);
        if hid != h.heads * HEAD_DIM {
            return Err(bad(format!(
                "{} heads of width {}, this encoder runs heads of width {HEAD_DIM}",
                h.heads,
                hid / h.heads
            )));
        }
        let norm = |prefix: &str| -> Result<Norm, Malformed> {
            Ok(Norm {
                weight: f.f32_tensor(&format!("{prefix}.w"), hid)?,
                bias: f.f32_tensor(&format!("{prefix}.b"), hid)?,
            })
        };
        let linear = |name: &str, rows: usize, cols: usize| -> Result<PackedMatrix, Malformed> {
            let q4 = f.tensor(&format!("{name}.w"), DType::Q4, rows * cols)?;
            let bias = f.f32_tensor(&format!("{name}.b"), rows)?;
            PackedMatrix::from_q4(&q4, rows, cols, bias)
                .ok_or_else(|| bad(format!("tensor {name}.w has a non-finite block scale")))
        };
        let word = f
            .tensor("emb.word", DType::Q4, h.vocab_rows * hid)?
            .into_owned();
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
        #[cfg(target_arch = "x86_64")]
        if kernel != Kernel::Scalar && Kernel::Avx2.supported() {
            // SAFETY: avx2 and fma were detected just now.
            return unsafe { self.forward_avx2(kernel, seqs) };
        }
        self.forward_body(kernel, seqs)
    }

    /// The element-wise parts (quantisation, LayerNorm, GELU, softmax) take most of the time
    /// outside the matmuls; compiled for AVX2 they vectorise (rounding becomes `vroundps`
    /// instead of a libm call). Rust never contracts or reorders float operations, so this
    /// copy computes bit-identical results to the portable one.
    ///
    /// # Safety
    /// The CPU must support avx2 and fma.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn forward_avx2(&self, kernel: Kernel, seqs: &[&[u32]]) -> Vec<[f32; DIM]> {
        self.forward_body(kernel, seqs)
    }

    #[inline(always)]
    fn forward_body(&self, kernel: Kernel, seqs: &[&[u32]]) -> Vec<[f32; DIM]> {
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
    ///
    /// Keys are transposed per head first, so that the scores of one query against all keys
    /// are a vectorised multiply-add over keys rather than one short dot product per key; the
    /// weighted sum of values accumulates in a fixed-size array that stays in registers.
    #[inline(always)]
    fn attention(&self, qkv: &[f32], ctx: &mut [f32], s0: usize, s1: usize) {
        let hid = self.hidden;
        let len = s1 - s0;
        // Keys padded with zeros to whole vectors, so the score loop has no scalar tail.
        let padded = len.next_multiple_of(8);
        let scale = 1.0 / (HEAD_DIM as f32).sqrt();
        let row = |t: usize| &qkv[t * 3 * hid..(t + 1) * 3 * hid];
        let mut scores = vec![0f32; padded];
        let mut keys_t = vec![0f32; HEAD_DIM * padded];
        for h in 0..self.heads {
            let c0 = h * HEAD_DIM;
            for (s, t) in (s0..s1).enumerate() {
                for (e, &k) in row(t)[hid + c0..hid + c0 + HEAD_DIM].iter().enumerate() {
                    keys_t[e * padded + s] = k;
                }
            }
            for t in s0..s1 {
                let mut q = [0f32; HEAD_DIM];
                for (q, &v) in q.iter_mut().zip(&row(t)[c0..c0 + HEAD_DIM]) {
                    *q = v * scale;
                }
                // 8 keys at a time, their partial scores kept in one register over the head
                for (c, out) in scores.chunks_exact_mut(8).enumerate() {
                    let mut acc = [0f32; 8];
                    for (e, &q) in q.iter().enumerate() {
                        let k = &keys_t[e * padded + c * 8..][..8];
                        for (a, &k) in acc.iter_mut().zip(k) {
                            *a += q * k;
                        }
                    }
                    out.copy_from_slice(&acc);
                }
                let max = max_of(&scores[..len]);
                // over the padding too (finite there, and unused): no scalar tail
                for p in scores.iter_mut() {
                    *p = exp(*p - max);
                }
                let probs = &scores[..len];
                let inv = 1.0 / sum8(probs, |p| p);
                let mut acc = [0f32; HEAD_DIM];
                for (s, &p) in (s0..s1).zip(probs.iter()) {
                    let v: &[f32; HEAD_DIM] = row(s)[2 * hid + c0..2 * hid + c0 + HEAD_DIM]
                        .try_into()
                        .expect("head width");
                    let p = p * inv;
                    for (a, v) in acc.iter_mut().zip(v) {
                        *a += p * v;
                    }
                }
                ctx[t * hid + c0..t * hid + c0 + HEAD_DIM].copy_from_slice(&acc);
            }
        }
    }
}

/// Largest value, with 8 partial maxima so that it vectorises (no NaN can occur here: the
/// scores are finite sums of finite products).
#[inline(always)]
fn max_of(x: &[f32]) -> f32 {
    let mut m = [f32::NEG_INFINITY; 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (m, &v) in m.iter_mut().zip(c) {
            *m = if v > *m { v } else { *m };
        }
    }
    m.iter()
        .chain(tail)
        .fold(f32::NEG_INFINITY, |acc, &a| if a > acc { a } else { acc })
}

/// `x = LayerNorm(x + y)` per token (or `LayerNorm(x)` without `y`).
#[inline(always)]
fn layer_norm(x: &mut [f32], y: Option<&[f32]>, n: &Norm, hid: usize, eps: f32) {
    for (t, r) in x.chunks_exact_mut(hid).enumerate() {
        if let Some(y) = y {
            for (v, a) in r.iter_mut().zip(&y[t * hid..(t + 1) * hid]) {
                *v += a;
            }
        }
        let mean = sum8(r, |v| v) / hid as f32;
        let var = sum8(r, |v| (v - mean) * (v - mean)) / hid as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, w), b) in r.iter_mut().zip(&n.weight).zip(&n.bias) {
            *v = (*v - mean) * inv * w + b;
        }
    }
}

/// Σ f(x) with 8 partial sums: a single running sum is a chain of dependent scalar adds
/// (LayerNorm's were ~10% of the run time), 8 lanes vectorise.
#[inline(always)]
fn sum8(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = x.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += f(v);
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// GELU in the erf form BERT uses.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf by Abramowitz & Stegun 7.1.28, absolute error ≤ 2·10⁻⁶ in f32 (far below the int8 step the
/// result is quantised to next). Branch-free and without libm calls, so the GELU loop
/// vectorises; libm's erff was a sixth of the run time.
#[inline(always)]
fn erf(x: f32) -> f32 {
    const A: [f32; 6] = [
        0.070_523_08,
        0.042_282_01,
        0.009_270_527,
        0.000_152_014_3,
        0.000_276_567_2,
        0.000_043_063_8,
    ];
    // beyond 6, erf is 1 in f32; clamping keeps the 16th power finite
    let z = x.abs().min(6.0);
    let p = 1.0 + z * (A[0] + z * (A[1] + z * (A[2] + z * (A[3] + z * (A[4] + z * A[5])))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    let e = 1.0 - 1.0 / (p8 * p8);
    e.copysign(x)
}

/// e^x for the softmax (x ≤ 0 there; any finite x works): range reduction by ln 2 and a
/// degree-6 Taylor polynomial, relative error ~2·10⁻⁷, branch-free so the loop vectorises.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E).round_ties_even();
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_erf_and_exp_are_accurate() {
        let mut worst_erf = 0f32;
        let mut worst_exp = 0f32;
        for i in -80_000..=80_000 {
            let x = i as f32 * 1e-4;
            worst_erf = worst_erf.max((erf(x) - libm::erff(x)).abs());
            let y = x * 10.0;
            let want = libm::expf(y);
            if want > 1e-37 {
                worst_exp = worst_exp.max(((exp(y) - want) / want).abs());
            }
        }
        assert!(worst_erf < 2e-6, "erf error {worst_erf}");
        assert!(worst_exp < 1e-6, "exp relative error {worst_exp}");
        assert_eq!(erf(f32::INFINITY), 1.0);
        assert_eq!(erf(-100.0), -1.0);
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-37);
        assert_eq!(exp(0.0), 1.0);
    }
}
