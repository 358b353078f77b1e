//! cargo-fuzz target: see `tmalign_fuzz::lang_split` for what one input does and the oracles.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tmalign_fuzz::lang_split(data);
});
