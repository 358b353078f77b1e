//! cargo-fuzz target: arbitrary bytes as a review CSV, applied to the fixed review base TMX
//! (see `tmalign_fuzz::review_csv`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tmalign_fuzz::review_csv(data);
});
