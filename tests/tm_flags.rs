//! The review flags on the gold alignments of the shared eval sets: gold pairs are correct, so
//! every flag raised on them is a false alarm, and false alarms must stay rare or reviewers
//! stop reading the flags.

use std::path::PathBuf;
use tmalign::align::Segment;
use tmalign::tm::beads::read_beads;
use tmalign::tm::{build_pairs, BuildOptions, Flag};
use tmalign::Lang;

mod common;

use common::{lines, shared};

#[test]
fn few_false_alarms_on_gold_alignments() {
    let Some(sh) = shared() else { return };
    for (set, tgt_lang) in [("ntrex-zhru", Lang::Ru), ("ntrex-zhen", Lang::En)] {
        let base = sh.join("eval").join(set);
        let mut golds: Vec<PathBuf> = std::fs::read_dir(base.join("gold"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        golds.sort();
        let (mut pairs, mut numbers, mut lengths, mut nulls) = (0usize, 0usize, 0usize, 0usize);
        for gold in golds {
            let stem = gold.file_stem().unwrap().to_str().unwrap().to_owned();
            let src = Segment::from_lines(&lines(&base.join(format!("seg/{stem}.zh"))));
            let tgt = Segment::from_lines(&lines(
                &base.join(format!("seg/{stem}.{}", tgt_lang.code())),
            ));
            let al = read_beads(&std::fs::read_to_string(&gold).unwrap()).unwrap();
            let built =
                build_pairs(&al, &src, &tgt, &BuildOptions::new(Lang::Zh, tgt_lang)).unwrap();
            for p in &built {
                let null = p.bead.src.is_empty() || p.bead.tgt.is_empty();
                assert_eq!(p.flags.contains(&Flag::Unaligned), null);
                nulls += usize::from(null);
                if p.is_translation() {
                    pairs += 1;
                    numbers += usize::from(p.flags.contains(&Flag::NumberMismatch));
                    lengths += usize::from(p.flags.contains(&Flag::LengthOutlier));
                }
            }
        }
        eprintln!("{set}: {pairs} pairs, number-mismatch {numbers}, length-outlier {lengths}, unaligned {nulls}");
        assert!(pairs > 1000 && nulls > 0);
        assert!(
            numbers * 100 < pairs * 12,
            "{set}: {numbers}/{pairs} number mismatches"
        );
        assert!(
            lengths * 100 < pairs,
            "{set}: {lengths}/{pairs} length outliers"
        );
    }
}
