//! Sharing one document's work over the thread pool.
//!
//! A batch is shared out a document per job. A document aligned alone (a translator's pair,
//! a long book) would leave the other threads idle, so the stages whose work is independent
//! from one segment, row or unit to the next run there in chunks: featurisation, the lexical
//! masks of the DP's rows, the evidence of the beads, the learning's candidate pairs. The
//! chunks' results are put back in order and each chunk computes exactly what the one-thread
//! loop computes for its items, so the output does not depend on the number of threads.
//!
//! The dynamic programs themselves stay on one thread. A node's best cost is an `f32` sum
//! along the path from the document's start, and such sums are exact only in that order: a
//! chunk started elsewhere would reach the same path with costs rounded differently (a
//! 10,000-segment path costs some 10⁴ to 10⁵, where an `f32` step is 10⁻³ to 10⁻²), and the
//! confidences, which read those costs, would move.

use rayon::prelude::*;
use std::ops::Range;

/// Fewest items in a chunk: below this, a chunk's own set-up (a stem cache, scratch tables,
/// a job of the pool) costs more than sharing it saves.
pub(crate) const MIN_CHUNK: usize = 1024;

/// Whether a batch of `docs` documents shares each document's own work over the pool: when
/// the batch is one document and the pool has more than one thread. Several documents fill
/// the pool already, and a thread that waits on a split-off chunk may meanwhile run another
/// document's job, whose time its timing task would then count as its own.
pub(crate) fn within(docs: usize) -> bool {
    docs == 1 && rayon::current_num_threads() > 1
}

/// The length of the chunks of `0..len`: at least `min` items, about two chunks per thread.
fn chunk_size(len: usize, min: usize) -> usize {
    len.div_ceil(2 * rayon::current_num_threads())
        .max(min.max(1))
}

/// The ranges of chunks of `0..len` ([`chunk_size`] items each, the last one shorter).
fn chunks(len: usize, min: usize) -> Vec<Range<usize>> {
    let size = chunk_size(len, min);
    (0..len.div_ceil(size))
        .map(|k| k * size..((k + 1) * size).min(len))
        .collect()
}

/// `f` over `0..len` (`f` maps a range of it to the results of its items, in order): on this
/// thread when `split` is off or `len` is under two chunks of `min`, else over chunks on the
/// pool, each a share of timing task `task` ([`crate::timing::share`]). The results are in
/// order either way.
pub(crate) fn map_ranges<T: Send>(
    len: usize,
    split: bool,
    min: usize,
    task: &'static str,
    f: impl Fn(Range<usize>) -> Vec<T> + Sync,
) -> Vec<T> {
    if !split || len < 2 * min.max(1) {
        return f(0..len);
    }
    chunks(len, min)
        .into_par_iter()
        .flat_map_iter(|r| {
            let _share = crate::timing::share(task);
            f(r)
        })
        .collect()
}

/// Fills `out` from `items` (as long), chunk by chunk: `f` gets a chunk of `items` and the
/// slice of `out` in the same place. On this thread when `split` is off or there are fewer
/// than two chunks of `min` items, else on the pool, each chunk a share of timing task `task`.
/// Unlike [`map_ranges`], the results are written in place: no chunk's results are copied
/// into the whole (on a 100,000-segment side, tens of megabytes at the peak).
pub(crate) fn fill_chunks<I: Sync, T: Send>(
    items: &[I],
    out: &mut [T],
    split: bool,
    min: usize,
    task: &'static str,
    f: impl Fn(&[I], &mut [T]) + Sync,
) {
    assert_eq!(items.len(), out.len(), "one result per item");
    if !split || items.len() < 2 * min.max(1) {
        return f(items, out);
    }
    let size = chunk_size(items.len(), min);
    items
        .par_chunks(size)
        .zip(out.par_chunks_mut(size))
        .for_each(|(items, out)| {
            let _share = crate::timing::share(task);
            f(items, out)
        });
}

/// Runs `a` and `b`, at the same time when `split` is on, each then a share of timing task
/// `task`: either may run on another thread than the caller's (both do when the caller is
/// not one of the pool's threads).
pub(crate) fn join<A: Send, B: Send>(
    split: bool,
    task: &'static str,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !split {
        return (a(), b());
    }
    rayon::join(
        || {
            let _share = crate::timing::share(task);
            a()
        },
        || {
            let _share = crate::timing::share(task);
            b()
        },
    )
}

/// A pool of `threads` threads, for tests that compare a split run with a one-thread one.
#[cfg(test)]
pub(crate) fn test_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        test_pool(threads)
    }

    #[test]
    fn chunks_cover_the_range_in_order() {
        pool(2).install(|| {
            for len in [0, 1, 5, 2047, 2048, 4096, 10_001] {
                let c = chunks(len, 1024);
                let flat: Vec<usize> = c.iter().flat_map(|r| r.clone()).collect();
                assert_eq!(flat, (0..len).collect::<Vec<_>>(), "len {len}");
                assert!(c.iter().all(|r| r.len() >= 1024 || r.end == len));
            }
        });
    }

    #[test]
    fn split_maps_equal_the_one_thread_map() {
        let items: Vec<u64> = (0..5_000).map(|i| i * 7919 % 1013).collect();
        // a chunk's result depends on where it starts: it must still come back in place
        let f = |c: &[u64]| c.iter().map(|&x| x * 3 + 1).collect::<Vec<_>>();
        let one = f(&items);
        for threads in [1, 2, 3, 8] {
            let many = pool(threads)
                .install(|| map_ranges(items.len(), true, 100, "test.split", |r| f(&items[r])));
            assert_eq!(one, many, "{threads} threads");
        }
        let ranges = pool(4).install(|| map_ranges(1_000, true, 10, "test.split", |r| r.collect()));
        assert_eq!(ranges, (0..1_000).collect::<Vec<usize>>());
        for threads in [1, 2, 3] {
            let mut filled = vec![0u64; items.len()];
            pool(threads).install(|| {
                fill_chunks(&items, &mut filled, true, 100, "test.split", |c, o| {
                    o.copy_from_slice(&f(c))
                })
            });
            assert_eq!(one, filled, "{threads} threads, in place");
        }
    }

    #[test]
    fn within_needs_one_document_and_threads() {
        assert!(!pool(1).install(|| within(1)));
        assert!(pool(2).install(|| within(1)));
        assert!(!pool(2).install(|| within(2)));
    }
}
