//! Portable kernel: the reference for the SIMD ones, and the fallback on other CPUs.

use crate::format::QBLOCK;
use crate::quant::{PackedMatrix, QuantActs, PANEL};

pub fn matmul(w: &PackedMatrix, a: &QuantActs, y: &mut [f32]) {
    let nb = w.blocks();
    let panels = w.rows / PANEL;
    for t in 0..a.tokens {
        let act = &a.q[t * a.cols..(t + 1) * a.cols];
        for p in 0..panels {
            let mut acc = [0f32; PANEL];
            for b in 0..nb {
                let mut isum = [a.offset[t * nb + b]; PANEL];
                let wb = &w.weights[(p * nb + b) * PANEL * QBLOCK..][..PANEL * QBLOCK];
                for (g, wg) in wb.chunks_exact(PANEL * 4).enumerate() {
                    let a4 = &act[b * QBLOCK + g * 4..][..4];
                    for (lane, w4) in wg.chunks_exact(4).enumerate() {
                        isum[lane] += (0..4)
                            .map(|j| i32::from(w4[j]) * i32::from(a4[j]))
                            .sum::<i32>();
                    }
                }
                let da = a.scale[t * nb + b];
                let dw = &w.scales[(p * nb + b) * PANEL..][..PANEL];
                for lane in 0..PANEL {
                    // the same rounding steps as the SIMD kernels: scale product, then one fma
                    acc[lane] = (isum[lane] as f32).mul_add(dw[lane] * da, acc[lane]);
                }
            }
            let out = &mut y[t * w.rows + p * PANEL..][..PANEL];
            for lane in 0..PANEL {
                out[lane] = acc[lane] + w.bias[p * PANEL + lane];
            }
        }
    }
}
