//! AVX-512 VNNI kernel. A register tile is `PP` panels (16 output rows each, one zmm of i32
//! lanes) × `TT` tokens. Per 4-input group, each panel's 64 weight bytes are loaded once and
//! each token's 4 activation bytes are broadcast once; `vpdpbusd` then adds 4 products into
//! every row lane. The i32 accumulator of a block starts at the block's −8·Σa offset, so after
//! 8 groups it holds the exact block dot product; one convert and one FMA (with the product
//! of the row and token scales) move it into the f32 accumulator.

// Register tiles are indexed by (panel, token) in several arrays at once: index loops read best.
#![allow(clippy::needless_range_loop)]

use std::arch::x86_64::*;

use crate::format::QBLOCK;
use crate::quant::{PackedMatrix, QuantActs, PANEL};

const TILE_TOKENS: usize = 6;
const TILE_PANELS: usize = 2;

/// # Safety
/// The CPU must support avx512f, avx512bw and avx512vnni; shapes as asserted by
/// [`super::matmul`].
#[target_feature(enable = "avx512f,avx512bw,avx512vnni,fma")]
pub unsafe fn matmul(w: &PackedMatrix, a: &QuantActs, y: &mut [f32]) {
    let panels = w.rows / PANEL;
    let mut p0 = 0;
    while p0 < panels {
        let pp = (panels - p0).min(TILE_PANELS);
        let mut t0 = 0;
        while t0 < a.tokens {
            let tt = (a.tokens - t0).min(TILE_TOKENS);
            // SAFETY: the caller guarantees the CPU features; `tile` reads panels p0..p0+pp
            // and tokens t0..t0+tt, which lie inside the matrices.
            unsafe {
                match (pp, tt) {
                    (2, 6) => tile::<2, 6>(w, a, y, p0, t0),
                    (2, 5) => tile::<2, 5>(w, a, y, p0, t0),
                    (2, 4) => tile::<2, 4>(w, a, y, p0, t0),
                    (2, 3) => tile::<2, 3>(w, a, y, p0, t0),
                    (2, 2) => tile::<2, 2>(w, a, y, p0, t0),
                    (2, _) => tile::<2, 1>(w, a, y, p0, t0),
                    (_, 6) => tile::<1, 6>(w, a, y, p0, t0),
                    (_, 5) => tile::<1, 5>(w, a, y, p0, t0),
                    (_, 4) => tile::<1, 4>(w, a, y, p0, t0),
                    (_, 3) => tile::<1, 3>(w, a, y, p0, t0),
                    (_, 2) => tile::<1, 2>(w, a, y, p0, t0),
                    (_, _) => tile::<1, 1>(w, a, y, p0, t0),
                }
            }
            t0 += tt;
        }
        p0 += pp;
    }
}

/// # Safety
/// As [`matmul`]; additionally `p0 + PP <= w.rows / 16` and `t0 + TT <= a.tokens`.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni,fma")]
#[inline]
unsafe fn tile<const PP: usize, const TT: usize>(
    w: &PackedMatrix,
    a: &QuantActs,
    y: &mut [f32],
    p0: usize,
    t0: usize,
) {
    let nb = w.blocks();
    let cols = a.cols;
    debug_assert!((p0 + PP) * PANEL <= w.rows && t0 + TT <= a.tokens);
    let wptr = w.weights.as_ptr();
    let sptr = w.scales.as_ptr();
    let aptr = a.q.as_ptr();
    let mut facc = [[_mm512_setzero_ps(); TT]; PP];
    for b in 0..nb {
        let mut iacc = [[_mm512_setzero_si512(); TT]; PP];
        for t in 0..TT {
            let off = _mm512_set1_epi32(a.offset[(t0 + t) * nb + b]);
            for acc in iacc.iter_mut() {
                acc[t] = off;
            }
        }
        for g in 0..QBLOCK / 4 {
            let mut wv = [_mm512_setzero_si512(); PP];
            for (p, v) in wv.iter_mut().enumerate() {
                // SAFETY: panel p0+p, block b, group g is inside `weights`
                // (rows/16 × nb × 8 groups of 64 bytes).
                *v = unsafe {
                    _mm512_loadu_si512(
                        wptr.add((((p0 + p) * nb + b) * 8 + g) * 64) as *const __m512i
                    )
                };
            }
            for t in 0..TT {
                // SAFETY: token t0+t, inputs b*32+g*4 .. +4 are inside `q` (tokens × cols).
                let a4 = unsafe {
                    (aptr.add((t0 + t) * cols + b * QBLOCK + g * 4) as *const i32).read_unaligned()
                };
                let av = _mm512_set1_epi32(a4);
                for p in 0..PP {
                    iacc[p][t] = _mm512_dpbusd_epi32(iacc[p][t], wv[p], av);
                }
            }
        }
        let mut ws = [_mm512_setzero_ps(); PP];
        for (p, s) in ws.iter_mut().enumerate() {
            // SAFETY: 16 scales of panel p0+p, block b lie inside `scales` (rows × nb).
            *s = unsafe { _mm512_loadu_ps(sptr.add(((p0 + p) * nb + b) * PANEL)) };
        }
        for t in 0..TT {
            let da = _mm512_set1_ps(a.scale[(t0 + t) * nb + b]);
            for p in 0..PP {
                let scale = _mm512_mul_ps(ws[p], da);
                facc[p][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(iacc[p][t]), scale, facc[p][t]);
            }
        }
    }
    for p in 0..PP {
        let r0 = (p0 + p) * PANEL;
        // SAFETY: 16 biases of panel p0+p lie inside `bias` (rows).
        let bias = unsafe { _mm512_loadu_ps(w.bias.as_ptr().add(r0)) };
        for t in 0..TT {
            let out = &mut y[(t0 + t) * w.rows + r0..][..PANEL];
            // SAFETY: `out` is a 16-float slice.
            unsafe { _mm512_storeu_ps(out.as_mut_ptr(), _mm512_add_ps(facc[p][t], bias)) };
        }
    }
}
