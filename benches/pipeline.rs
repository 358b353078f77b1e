//! Benchmarks (filled in per stage).
fn main() {}
