//! Quantised tensors: Q4_0 weight blocks as stored in the file, their pre-expanded int8 panel
//! layout for the matmul kernels, and per-block int8 activation quantisation.
//!
//! A Q4_0 block holds 32 weights: an f16 scale `d` and 16 bytes where byte `j` carries weight
//! `j` in its low nibble and weight `j + 16` in its high nibble; weight = (nibble − 8) · d.
//!
//! Activations are quantised per 32-block the way the reference engine does it (scale
//! amax/127, round half to even, clamp to i8), because matching that step is what makes our
//! embeddings agree with the reference to cosine ≥ 0.999.

use crate::format::{Q4_BLOCK_BYTES, QBLOCK};

/// Output rows that the kernels process together: one 512-bit vector of i32 lanes.
pub const PANEL: usize = 16;

/// IEEE half → single, exact for every input (subnormals, infinities, NaN).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal half: value = man · 2^-24, exactly representable as a normal f32.
            let v = man as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// Scale and the 32 unsigned nibbles (0..=15) of one Q4_0 block.
#[inline]
pub fn q4_block(block: &[u8]) -> (f32, [u8; QBLOCK]) {
    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
    let mut q = [0u8; QBLOCK];
    for j in 0..16 {
        let b = block[2 + j];
        q[j] = b & 0x0f;
        q[j + 16] = b >> 4;
    }
    (d, q)
}

/// Dequantise one row of `out.len()` weights from consecutive Q4_0 blocks.
pub fn dequantize_row(blocks: &[u8], out: &mut [f32]) {
    for (blk, o) in blocks
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(QBLOCK))
    {
        let (d, q) = q4_block(blk);
        for (o, &q) in o.iter_mut().zip(q.iter()) {
            *o = f32::from(q as i8 - 8) * d;
        }
    }
}

/// A weight matrix `[rows × cols]` (y = W·x + b) expanded once at load time into the layout
/// the kernels read: for each panel of 16 rows and each 32-block of inputs, 8 groups of 4
/// inputs, each group 16 rows × 4 unsigned nibble bytes (64 bytes: one zmm, or two ymm).
/// That is exactly the operand of `vpdpbusd` / `pmaddubsw` with the activation's 4 bytes
/// broadcast, so the inner loop needs no shuffles. Scales are f32, `[panel][block][16]`.
#[derive(Debug, Clone)]
pub struct PackedMatrix {
    /// outputs (a multiple of 16)
    pub rows: usize,
    /// inputs (a multiple of 32)
    pub cols: usize,
    /// unsigned nibbles, one a byte, in panel layout
    pub weights: Vec<u8>,
    /// block scales, `[panel][block][16]`
    pub scales: Vec<f32>,
    /// one bias per output
    pub bias: Vec<f32>,
}

impl PackedMatrix {
    /// Blocks of 32 inputs per row.
    pub fn blocks(&self) -> usize {
        self.cols / QBLOCK
    }

    /// Pack `rows` Q4_0 rows of `cols` inputs (`q4.len() == rows * cols / 32 * 18`);
    /// `rows % 16 == 0` and `cols % 32 == 0`. Returns `None` when a scale is not finite.
    pub fn from_q4(q4: &[u8], rows: usize, cols: usize, bias: Vec<f32>) -> Option<PackedMatrix> {
        debug_assert!(rows.is_multiple_of(PANEL) && cols.is_multiple_of(QBLOCK));
        let nb = cols / QBLOCK;
        let mut weights = vec![0u8; rows * cols];
        let mut scales = vec![0f32; rows * nb];
        for r in 0..rows {
            let (panel, lane) = (r / PANEL, r % PANEL);
            for b in 0..nb {
                let at = (r * nb + b) * Q4_BLOCK_BYTES;
                let (d, q) = q4_block(&q4[at..at + Q4_BLOCK_BYTES]);
                if !d.is_finite() {
                    return None;
                }
                scales[(panel * nb + b) * PANEL + lane] = d;
                let base = (panel * nb + b) * PANEL * QBLOCK;
                for (j, &v) in q.iter().enumerate() {
                    weights[base + (j / 4) * PANEL * 4 + lane * 4 + j % 4] = v;
                }
            }
        }
        Some(PackedMatrix {
            rows,
            cols,
            weights,
            scales,
            bias,
        })
    }

    /// Stack matrices with the same input size into one (their outputs concatenated), so
    /// that Q, K and V run as a single matmul over one quantised input.
    pub fn stack(parts: Vec<PackedMatrix>) -> PackedMatrix {
        let cols = parts[0].cols;
        let mut m = PackedMatrix {
            rows: 0,
            cols,
            weights: Vec::new(),
            scales: Vec::new(),
            bias: Vec::new(),
        };
        for p in parts {
            debug_assert_eq!(p.cols, cols);
            m.rows += p.rows;
            m.weights.extend(p.weights);
            m.scales.extend(p.scales);
            m.bias.extend(p.bias);
        }
        m
    }

    /// Weight (r, c) as f32, for tests.
    #[cfg(test)]
    pub fn weight(&self, r: usize, c: usize) -> f32 {
        let nb = self.blocks();
        let (panel, lane, b, j) = (r / PANEL, r % PANEL, c / QBLOCK, c % QBLOCK);
        let base = (panel * nb + b) * PANEL * QBLOCK;
        let q = self.weights[base + (j / 4) * PANEL * 4 + lane * 4 + j % 4];
        (f32::from(q) - 8.0) * self.scales[(panel * nb + b) * PANEL + lane]
    }
}

/// Activations `[tokens × cols]` quantised per 32-block: int8 values, the block's scale, and
/// −8 × the block's sum, which folds the weights' nibble offset into the integer dot product
/// (Σ (w−8)·a = Σ w·a − 8·Σ a), so kernels multiply raw unsigned nibbles.
#[derive(Debug, Default, Clone)]
pub struct QuantActs {
    /// rows (tokens)
    pub tokens: usize,
    /// values per token (a multiple of 32)
    pub cols: usize,
    /// quantised values, `tokens × cols`
    pub q: Vec<i8>,
    /// scale of each 32-block
    pub scale: Vec<f32>,
    /// −8 × sum of each 32-block's quantised values
    pub offset: Vec<i32>,
}

impl QuantActs {
    /// Quantise `x` (`tokens × cols`, row-major) into `self`, reusing its buffers.
    /// (Inlined so that it is compiled for the caller's target features.)
    #[inline(always)]
    pub fn quantize(&mut self, x: &[f32], cols: usize) {
        debug_assert!(cols.is_multiple_of(QBLOCK) && x.len().is_multiple_of(cols));
        let tokens = x.len() / cols;
        let nb = tokens * cols / QBLOCK;
        self.tokens = tokens;
        self.cols = cols;
        self.q.resize(x.len(), 0);
        self.scale.resize(nb, 0.0);
        self.offset.resize(nb, 0);
        for (i, (xb, qb)) in x
            .chunks_exact(QBLOCK)
            .zip(self.q.chunks_exact_mut(QBLOCK))
            .enumerate()
        {
            let xb: &[f32; QBLOCK] = xb.try_into().expect("block of 32");
            let amax = abs_max(xb);
            let d = amax / 127.0;
            let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
            let mut r = [0i32; QBLOCK];
            for (r, &v) in r.iter_mut().zip(xb) {
                // round half to even, as lrintf does in the default rounding mode
                let v = (v * inv).round_ties_even().clamp(-128.0, 127.0);
                // NaN (only from non-finite activations) becomes 0, as `as` would make it
                let v = if v.is_nan() { 0.0 } else { v };
                // SAFETY: v is finite and within i32 range after the clamp and NaN check; the
                // unchecked conversion (unlike `as`) vectorises.
                *r = unsafe { v.to_int_unchecked::<i32>() };
            }
            for (q, &r) in qb.iter_mut().zip(&r) {
                *q = r as i8;
            }
            self.scale[i] = d;
            self.offset[i] = -8 * r.iter().sum::<i32>();
        }
    }
}

/// Largest |x| of a block (NaN ignored, as the reference's `if (a > amax)`), with 8 partial
/// maxima so that it vectorises.
#[inline(always)]
fn abs_max(x: &[f32; QBLOCK]) -> f32 {
    let mut m = [0f32; 8];
    for c in x.chunks_exact(8) {
        for (m, &v) in m.iter_mut().zip(c) {
            let a = v.abs();
            *m = if a > *m { a } else { *m };
        }
    }
    m.iter().fold(0f32, |acc, &a| if a > acc { a } else { acc })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_conversion() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8001), -(2f32.powi(-24)));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
    }

    #[test]
    fn activation_quantisation_rounds_half_even_and_clamps() {
        let mut x = vec![0f32; 32];
        x[0] = 127.0; // scale exactly 1
        x[1] = 2.5;
        x[2] = 3.5;
        x[3] = -2.5;
        x[4] = -127.0;
        x[5] = 0.49;
        let mut a = QuantActs::default();
        a.quantize(&x, 32);
        assert_eq!(a.scale[0], 1.0);
        assert_eq!(&a.q[..6], &[127, 2, 4, -2, -127, 0]);
        assert_eq!(a.offset[0], -8 * (127 + 2 + 4 - 2 - 127));
        a.quantize(&[0.0; 64], 32);
        assert_eq!((a.tokens, a.scale[1], a.q[40]), (2, 0.0, 0));
    }

    #[test]
    fn packing_keeps_every_weight() {
        // 16 rows × 64 cols of Q4 with distinct nibble patterns and scales
        let (rows, cols) = (32, 64);
        let nb = cols / 32;
        let mut q4 = Vec::new();
        for r in 0..rows {
            for b in 0..nb {
                let d = 0x3c00u16 + (r * 7 + b) as u16; // 1.0 and up
                q4.extend(d.to_le_bytes());
                for j in 0..16u8 {
                    q4.push(((j + r as u8) & 15) | (((j * 3 + b as u8) & 15) << 4));
                }
            }
        }
        let m = PackedMatrix::from_q4(&q4, rows, cols, vec![0.0; rows]).unwrap();
        let mut row = vec![0f32; cols];
        for r in 0..rows {
            dequantize_row(&q4[r * nb * 18..(r + 1) * nb * 18], &mut row);
            for (c, &v) in row.iter().enumerate() {
                assert_eq!(m.weight(r, c), v, "({r},{c})");
            }
        }
    }
}
