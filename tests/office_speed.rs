//! Speed and memory of reading a large office document (#16): a generated 300-page DOCX
//! (~150,000 words in 3,600 paragraphs with bold, italic and link runs, a footnote reference
//! and a two-row table per page, a footnote per page) read by `tmalign ingest`, timed, and
//! the child's peak resident memory taken from `wait4`. A measurement, so ignored by default;
//! run it with the release build:
//! `cargo test --release --test office_speed -- --ignored --nocapture`
//! (or `TMALIGN_BIN=target/release/tmalign cargo test --test office_speed -- --ignored
//! --nocapture`). The bar: under 1 s (release build) and under 200 MB. Figures in the README
//! (Office documents).

#![cfg(target_os = "linux")]

mod common;
mod office;

use common::rusage::measure;
use std::process::Command;

/// Largest peak resident memory allowed, in bytes.
const LIMIT: u64 = 200 << 20;

/// The 300-page document: 12 paragraphs of ~40 words a page.
fn big_docx() -> (Vec<u8>, usize) {
    let para = "В ходе форума стороны **обсудили** сотрудничество в области торговли, \
                инвестиций, энергетики и [цифровой экономики](https://x.org), а также \
                науки; представители деловых кругов двух стран провели более двадцати \
                встреч и подписали ряд **соглашений о поставках**, о совместных проектах \
                и о подготовке кадров.";
    let mut texts: Vec<String> = Vec::new();
    for page in 0..300 {
        for i in 0..12 {
            let note = if i == 0 { "^1" } else { "" };
            texts.push(format!("Пункт {page}.{i}. {para}{note}"));
        }
    }
    let words = texts
        .iter()
        .map(|t| office::plain(t).split_whitespace().count())
        .sum::<usize>()
        + 300 * 6;
    let mut blocks = Vec::new();
    let mut notes = Vec::new();
    for page in texts.chunks(12) {
        blocks.extend(page.iter().map(|t| office::Block::P(t)));
        blocks.push(office::Block::Table(vec![
            vec!["Энергетика", "5 соглашений"],
            vec!["Сельское хозяйство", "4 соглашения"],
        ]));
        notes.push("Примечание к странице.");
    }
    (office::docx(&blocks, &notes, "Пресс-релиз"), words)
}

#[test]
#[ignore]
fn a_300_page_docx_reads_in_under_a_second_in_bounded_memory() {
    let (bytes, words) = big_docx();
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("big.ru.docx");
    std::fs::write(&f, &bytes).unwrap();
    let bin = std::env::var("TMALIGN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tmalign").into());
    let (ok, rss, secs) = measure(Command::new(&bin).arg("ingest").arg(&f));
    assert!(ok, "tmalign ingest failed");
    eprintln!(
        "300-page DOCX: {words} words, {} KiB zipped: ingest {secs:.3} s, peak RSS {:.1} MB",
        bytes.len() / 1024,
        rss as f64 / (1 << 20) as f64
    );
    assert!(rss < LIMIT, "peak RSS {rss} bytes");
    if !cfg!(debug_assertions) && std::env::var_os("TMALIGN_BIN").is_none() {
        assert!(secs < 1.0, "{secs:.3} s");
    }
}
