//! The batch's learning as map-reduce (`tmalign::align::learn`): any split of a batch into
//! shards and any order and grouping of the merges give byte-identical lexicon files, and
//! aligning every shard with the merged lexicon gives the beads of aligning the whole batch
//! at once; the shards keep their beads in a bead cache between steps (the one-machine
//! side does without), so the cache is shown not to change a byte either.

use proptest::prelude::*;
use tmalign::align::learn::Counts;
use tmalign::align::{align_batch_segments_with, align_with_counts, count_shard, BeadCache};
use tmalign::align::{AlignConfig, AlignedDoc, Segment};
use tmalign::Lang;

/// Parallel sentences the documents are drawn from (short news-like pairs).
const POOL: &[(&str, &str)] = &[
    ("俄罗斯总统普京周二在莫斯科会见了法国外长。", "Во вторник президент России Путин встретился в Москве с министром иностранных дел Франции."),
    ("双方讨论了两国在能源领域的合作。", "Стороны обсудили сотрудничество двух стран в области энергетики."),
    ("会谈持续了大约三个小时。", "Переговоры продолжались около трех часов."),
    ("责任编辑：王明", "Источник: ТАСС"),
    ("中国经济去年增长了百分之五。", "Экономика Китая в прошлом году выросла на пять процентов."),
    ("北京的天气今天很冷。", "Погода в Пекине сегодня холодная."),
    ("专家认为，贸易将继续扩大。", "Эксперты считают, что торговля продолжит расширяться."),
    ("这座桥于2019年建成。", "Этот мост был построен в 2019 году."),
    ("学生们参观了博物馆。", "Студенты посетили музей."),
    ("政府宣布了新的计划。", "Правительство объявило о новом плане."),
    ("比赛将在周六举行。", "Матч состоится в субботу."),
    ("他说，问题已经解决了。", "Он сказал, что проблема уже решена."),
];

fn doc(picks: &[usize], drop_tgt: Option<usize>) -> (Vec<Segment>, Vec<Segment>) {
    let src: Vec<&str> = picks.iter().map(|&k| POOL[k % POOL.len()].0).collect();
    let tgt: Vec<&str> = picks
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != drop_tgt)
        .map(|(_, &k)| POOL[k % POOL.len()].1)
        .collect();
    (Segment::from_lines(&src), Segment::from_lines(&tgt))
}

fn beads(v: &[AlignedDoc]) -> Vec<String> {
    v.iter()
        .map(|d| {
            let b: Vec<String> = d
                .alignment
                .beads
                .iter()
                .map(|b| format!("{:?}-{:?}:{:.6}", b.src, b.tgt, b.confidence))
                .collect();
            let s: Vec<&str> = d.src.iter().map(|x| x.text.as_str()).collect();
            format!("{} | {}", b.join(" "), s.join("/"))
        })
        .collect()
}

/// Merges `parts` in the order `order` gives, grouped as `split` says: a random tree.
fn merge_tree(mut parts: Vec<Counts>, order: &[usize], split: &[usize]) -> Counts {
    let mut perm: Vec<usize> = (0..parts.len()).collect();
    for (i, &o) in order.iter().enumerate().take(perm.len()) {
        let j = o % perm.len();
        perm.swap(i, j);
    }
    let blank = parts[0].clone();
    let mut v: Vec<Counts> = perm
        .into_iter()
        .map(|k| std::mem::replace(&mut parts[k], blank.clone()))
        .collect();
    let mut s = split.iter().cycle();
    while v.len() > 1 {
        let at = s.next().copied().unwrap_or(0) % (v.len() - 1);
        let b = v.remove(at + 1);
        let a = v.remove(at);
        v.insert(at, a.merge(&b).expect("same stage"));
    }
    let mut m = v.pop().expect("one part at least");
    // One part alone is still a shard's file: a merge of one marks it merged.
    m.partial = false;
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]
    #[test]
    fn any_split_and_merge_order_gives_the_same_lexicon_and_beads(
        docs in proptest::collection::vec(
            (proptest::collection::vec(0usize..12, 2..6), proptest::option::of(0usize..5)),
            3..8,
        ),
        shard_of in proptest::collection::vec(0usize..4, 8),
        order in proptest::collection::vec(0usize..16, 8),
        split in proptest::collection::vec(0usize..16, 8),
    ) {
        let docs: Vec<_> = docs.iter().map(|(p, d)| doc(p, *d)).collect();
        let mut config = AlignConfig::new(Lang::Zh, Lang::Ru);
        config.resegment = true;
        let whole = align_batch_segments_with(&docs, &config, None).expect("aligns");

        let nshards = shard_of.iter().take(docs.len()).max().copied().unwrap_or(0) + 1;
        let shards: Vec<Vec<_>> = (0..nshards)
            .map(|s| {
                docs.iter()
                    .zip(&shard_of)
                    .filter(|(_, &k)| k == s)
                    .map(|(d, _)| d.clone())
                    .collect()
            })
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = BeadCache::new(dir.path());
        let mut prior: Option<Counts> = None;
        let mut one: Option<Counts> = None;
        loop {
            let parts: Vec<Counts> = shards
                .iter()
                .map(|s| count_shard(s, &config, None, prior.clone(), Some(&cache)).expect("counts"))
                .collect();
            let merged = merge_tree(parts, &order, &split);
            let single = {
                let mut c = count_shard(&docs, &config, None, one.clone(), None).expect("counts");
                c.partial = false;
                c
            };
            prop_assert_eq!(merged.to_bytes(), single.to_bytes());
            let done = merged.is_complete();
            prior = Some(merged);
            one = Some(single);
            if done {
                break;
            }
        }
        let lex = prior.expect("complete lexicon");
        let mut sharded = vec![None; docs.len()];
        for (s, shard) in shards.iter().enumerate() {
            let out = align_with_counts(shard, &config, None, &lex, Some(&cache)).expect("aligns");
            let idx: Vec<usize> = (0..docs.len()).filter(|&k| shard_of[k] == s).collect();
            for (k, d) in idx.into_iter().zip(out) {
                sharded[k] = Some(d);
            }
        }
        let sharded: Vec<AlignedDoc> = sharded.into_iter().map(|d| d.expect("aligned")).collect();
        prop_assert_eq!(beads(&sharded), beads(&whole));
        // the shards' beads of each round were kept (two rounds: two entries a distinct shard)
        prop_assert!(std::fs::read_dir(dir.path()).expect("cache").count() >= 2);
    }
}
