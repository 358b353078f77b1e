//! AVX2 kernel for CPUs without VNNI. A register tile is one panel (16 rows, two ymm halves)
//! × `TT` tokens. `pmaddubsw` multiplies the unsigned nibbles by the broadcast signed
//! activation bytes into i16 pair sums; the 8 groups of a block are summed in i16, which
//! cannot overflow (|Σ| ≤ 8 · 2 · 15 · 128 = 30720), and one `pmaddwd` by ones widens them to
//! the i32 block dot product. Scales are then applied exactly as in the other kernels.

// Register tiles are indexed by (panel, token) in several arrays at once: index loops read best.
#![allow(clippy::needless_range_loop)]

use std::arch::x86_64::*;

use crate::format::QBLOCK;
use crate::quant::{PackedMatrix, QuantActs, PANEL};

const TILE_TOKENS: usize = 3;

/// # Safety
/// The CPU must support avx2 and fma; shapes as asserted by [`super::matmul`].
#[target_feature(enable = "avx2,fma")]
pub unsafe fn matmul(w: &PackedMatrix, a: &QuantActs, y: &mut [f32]) {
    let panels = w.rows / PANEL;
    for p in 0..panels {
        let mut t0 = 0;
        while t0 < a.tokens {
            let tt = (a.tokens - t0).min(TILE_TOKENS);
            // SAFETY: the caller guarantees the CPU features; the tile stays inside the
            // matrices (panel p < rows/16, tokens t0..t0+tt).
            unsafe {
                match tt {
                    3 => tile::<3>(w, a, y, p, t0),
                    2 => tile::<2>(w, a, y, p, t0),
                    _ => tile::<1>(w, a, y, p, t0),
                }
            }
            t0 += tt;
        }
    }
}

/// # Safety
/// As [`matmul`]; additionally `p < w.rows / 16` and `t0 + TT <= a.tokens`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn tile<const TT: usize>(
    w: &PackedMatrix,
    a: &QuantActs,
    y: &mut [f32],
    p: usize,
    t0: usize,
) {
    let nb = w.blocks();
    let cols = a.cols;
    debug_assert!((p + 1) * PANEL <= w.rows && t0 + TT <= a.tokens);
    let wptr = w.weights.as_ptr();
    let aptr = a.q.as_ptr();
    let ones = _mm256_set1_epi16(1);
    let mut facc = [[_mm256_setzero_ps(); 2]; TT];
    for b in 0..nb {
        let mut s16 = [[_mm256_setzero_si256(); 2]; TT];
        for g in 0..QBLOCK / 4 {
            // SAFETY: panel p, block b, group g: 64 bytes inside `weights`.
            let (wlo, whi) = unsafe {
                let base = wptr.add(((p * nb + b) * 8 + g) * 64);
                (
                    _mm256_loadu_si256(base as *const __m256i),
                    _mm256_loadu_si256(base.add(32) as *const __m256i),
                )
            };
            for t in 0..TT {
                // SAFETY: token t0+t, inputs b*32+g*4 .. +4 are inside `q`.
                let a4 = unsafe {
                    (aptr.add((t0 + t) * cols + b * QBLOCK + g * 4) as *const i32).read_unaligned()
                };
                let av = _mm256_set1_epi32(a4);
                s16[t][0] = _mm256_add_epi16(s16[t][0], _mm256_maddubs_epi16(wlo, av));
                s16[t][1] = _mm256_add_epi16(s16[t][1], _mm256_maddubs_epi16(whi, av));
            }
        }
        // SAFETY: 16 scales of panel p, block b lie inside `scales`.
        let (slo, shi) = unsafe {
            let s = w.scales.as_ptr().add((p * nb + b) * PANEL);
            (_mm256_loadu_ps(s), _mm256_loadu_ps(s.add(8)))
        };
        for t in 0..TT {
            let off = _mm256_set1_epi32(a.offset[(t0 + t) * nb + b]);
            let da = _mm256_set1_ps(a.scale[(t0 + t) * nb + b]);
            for (h, sw) in [slo, shi].into_iter().enumerate() {
                let i = _mm256_add_epi32(_mm256_madd_epi16(s16[t][h], ones), off);
                let scale = _mm256_mul_ps(sw, da);
                facc[t][h] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i), scale, facc[t][h]);
            }
        }
    }
    let r0 = p * PANEL;
    for (t, acc) in facc.iter().enumerate() {
        let out = &mut y[(t0 + t) * w.rows + r0..][..PANEL];
        for (h, v) in acc.iter().enumerate() {
            // SAFETY: bias has rows entries; `out` has 16 floats.
            unsafe {
                let bias = _mm256_loadu_ps(w.bias.as_ptr().add(r0 + 8 * h));
                _mm256_storeu_ps(out.as_mut_ptr().add(8 * h), _mm256_add_ps(*v, bias));
            }
        }
    }
}
