//! int8 × int4 matrix multiplication: `y[t, r] = Σ_blocks d_w·d_a·(Σ w·a − 8·Σ a) + bias[r]`
//! over the packed weights of [`PackedMatrix`] and the quantised activations of [`QuantActs`].
//!
//! Three kernels compute the same thing: AVX-512 VNNI (`vpdpbusd`), AVX2 (`pmaddubsw`), and a
//! portable scalar one. The integer block dot products are exact and every kernel applies the
//! per-block scales in the same order with one fused multiply-add per block, so all three
//! give bit-identical outputs; the unit tests check that and compare with a naive f32 product.
//! The kernel is picked once at load time by runtime CPU feature detection, or forced with
//! `TMALIGN_ENCODER_KERNEL=scalar|avx2|avx512`.

use crate::quant::{PackedMatrix, QuantActs};

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod scalar;

/// Environment variable that forces a kernel (tests and benchmarks use it to cross-check).
pub const KERNEL_ENV: &str = "TMALIGN_ENCODER_KERNEL";

/// A matmul implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 F/BW + VNNI: 32 output rows × 6 tokens per register tile.
    Avx512Vnni,
    /// AVX2 + FMA: 16 output rows × 3 tokens per register tile.
    Avx2,
    /// Portable Rust.
    Scalar,
}

impl Kernel {
    /// All kernels, fastest first.
    pub const ALL: [Kernel; 3] = [Kernel::Avx512Vnni, Kernel::Avx2, Kernel::Scalar];

    /// Name as reported by [`crate::Encoder::kernel`].
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512Vnni => "avx512-vnni",
            Kernel::Avx2 => "avx2",
            Kernel::Scalar => "scalar",
        }
    }

    /// Parse a name as accepted by the environment variable (`avx512` or `avx512-vnni`).
    pub fn parse(name: &str) -> Option<Kernel> {
        match name.trim().to_ascii_lowercase().as_str() {
            "avx512" | "avx512-vnni" | "avx512vnni" => Some(Kernel::Avx512Vnni),
            "avx2" => Some(Kernel::Avx2),
            "scalar" => Some(Kernel::Scalar),
            _ => None,
        }
    }

    /// Whether this CPU can run the kernel.
    pub fn supported(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512Vnni => {
                is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512bw")
                    && is_x86_feature_detected!("avx512vnni")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The fastest kernel this CPU runs.
    pub fn detect() -> Kernel {
        Kernel::ALL
            .into_iter()
            .find(|k| k.supported())
            .unwrap_or(Kernel::Scalar)
    }

    /// The kernel named by [`KERNEL_ENV`] if set, valid and supported; otherwise the fastest
    /// supported one (a forced kernel this CPU lacks would crash, so it is not honoured).
    pub fn from_env() -> Kernel {
        std::env::var(KERNEL_ENV)
            .ok()
            .and_then(|v| Kernel::parse(&v))
            .filter(|k| k.supported())
            .unwrap_or_else(Kernel::detect)
    }
}

/// `y = W·a + bias` for every token: `y` is `tokens × w.rows`, row-major.
///
/// Panics if the shapes disagree (a bug in the caller, never a property of the input file).
pub fn matmul(kernel: Kernel, w: &PackedMatrix, a: &QuantActs, y: &mut [f32]) {
    assert_eq!(w.cols, a.cols, "matmul: input width");
    assert_eq!(y.len(), a.tokens * w.rows, "matmul: output size");
    assert!(a.q.len() >= a.tokens * a.cols && a.scale.len() >= a.tokens * w.blocks());
    match kernel {
        // SAFETY: `Kernel::supported` was checked when the kernel was chosen (`from_env`,
        // `detect`, or `Encoder::force_kernel`), so the CPU has the features the function is
        // compiled for; shapes were asserted above.
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512Vnni if Kernel::Avx512Vnni.supported() => unsafe { avx512::matmul(w, a, y) },
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 if Kernel::Avx2.supported() => unsafe { avx2::matmul(w, a, y) },
        _ => scalar::matmul(w, a, y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::dequantize_row;

    /// Deterministic pseudo-random numbers (xorshift) so tests need no extra crate.
    pub(crate) struct Rng(u64);
    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        pub(crate) fn f(&mut self) -> f32 {
            (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
        }
    }

    fn random_q4(rng: &mut Rng, rows: usize, cols: usize) -> Vec<u8> {
        let mut q4 = Vec::new();
        for _ in 0..rows * cols / 32 {
            // scales in [2^-8, 2^-6): f16 exponent 7..8
            let d = 0x1c00u16 | (rng.next() as u16 & 0x07ff);
            q4.extend(d.to_le_bytes());
            for _ in 0..16 {
                q4.push(rng.next() as u8);
            }
        }
        q4
    }

    fn case(rows: usize, cols: usize, tokens: usize, seed: u64) {
        let mut rng = Rng(seed);
        let q4 = random_q4(&mut rng, rows, cols);
        let bias: Vec<f32> = (0..rows).map(|_| rng.f()).collect();
        let w = PackedMatrix::from_q4(&q4, rows, cols, bias.clone()).unwrap();
        // activations with a wide dynamic range, some zero blocks and some saturating values
        let mut x: Vec<f32> = (0..tokens * cols).map(|_| rng.f() * 4.0).collect();
        let zeros = 32.min(x.len());
        x[..zeros].fill(0.0);
        if x.len() > 70 {
            x[64] = 1000.0;
        }
        let mut a = QuantActs::default();
        a.quantize(&x, cols);

        // naive f32 reference on the dequantised weights and activations
        let mut wf = vec![0f32; rows * cols];
        let nbytes = cols / 32 * 18;
        for r in 0..rows {
            dequantize_row(
                &q4[r * nbytes..(r + 1) * nbytes],
                &mut wf[r * cols..(r + 1) * cols],
            );
        }
        let af: Vec<f32> =
            a.q.iter()
                .enumerate()
                .map(|(i, &q)| f32::from(q) * a.scale[i / 32])
                .collect();
        let mut naive = vec![0f32; tokens * rows];
        for t in 0..tokens {
            for r in 0..rows {
                let s: f64 = (0..cols)
                    .map(|c| f64::from(wf[r * cols + c]) * f64::from(af[t * cols + c]))
                    .sum();
                naive[t * rows + r] = s as f32 + bias[r];
            }
        }

        let mut scalar_out = vec![0f32; tokens * rows];
        matmul(Kernel::Scalar, &w, &a, &mut scalar_out);
        for (i, (&s, &n)) in scalar_out.iter().zip(&naive).enumerate() {
            assert!(
                (s - n).abs() <= 1e-4 * (1.0 + n.abs()),
                "scalar[{i}] {s} vs naive {n}"
            );
        }
        for k in [Kernel::Avx512Vnni, Kernel::Avx2] {
            if !k.supported() {
                eprintln!("kernel {} not supported here: not cross-checked", k.name());
                continue;
            }
            let mut out = vec![f32::NAN; tokens * rows];
            matmul(k, &w, &a, &mut out);
            assert_eq!(
                out,
                scalar_out,
                "{} vs scalar, {rows}x{cols}, {tokens} tokens",
                k.name()
            );
        }
    }

    #[test]
    fn kernels_agree_with_each_other_and_with_f32() {
        // token counts cover every remainder of the 6- and 3-token tiles; row counts cover
        // odd panel counts for the 2-panel tile
        for (i, tokens) in [1, 2, 3, 4, 5, 6, 7, 11, 13, 20].into_iter().enumerate() {
            case(16, 32, tokens, 1 + i as u64);
            case(48, 96, tokens, 100 + i as u64);
            case(64, 384, tokens, 200 + i as u64);
        }
        case(32, 1536, 9, 999);
    }

    #[test]
    fn names_round_trip() {
        for k in Kernel::ALL {
            assert_eq!(Kernel::parse(k.name()), Some(k));
        }
        assert_eq!(Kernel::parse("AVX512"), Some(Kernel::Avx512Vnni));
        assert_eq!(Kernel::parse("neon"), None);
        assert!(Kernel::detect().supported());
    }
}
