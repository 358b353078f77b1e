//! cargo-fuzz target: arbitrary bytes into the TMX reader, plus the write/read round-trip
//! oracle for documents that read (see `tmalign_fuzz::tmx_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    tmalign_fuzz::tmx_reader(data);
});
