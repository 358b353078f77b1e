//! Ingest throughput (MB/s) on ~10 MB synthetic documents built from seed-like text:
//! indented Chinese news paragraphs with full-width digits, Russian paragraphs, a keyword
//! header, OCR-style broken lines; once as plain text, once as HTML.
//!
//! `cargo bench --bench ingest` (criterion prints the throughput per input).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use tmalign::ingest::{ingest_bytes, IngestOptions};

const ZH: &[&str] = &[
    "国家主席在莫斯科同总统举行会谈，两国元首就双边关系及共同关心的重大国际和地区问题深入交换意见。",
    "双方认为，能源合作是全面和全方位的，旨在实现互利双赢，将积极落实就增供原油、修建天然气管道达成的共识。",
    "在人文领域，双方表示要重视青年交流，鼓励两国高校交往，２０１４年和２０１５年互办青年友好交流年。",
    "会谈后，两国元首共同签署了《联合声明》，并见证了多项合作文件签字仪式。",
];
const RU: &[&str] = &[
    "Стороны обсудили торговлю, энергетику и транспорт и договорились расширять сотрудничество в науке.",
    "Лидеры двух стран подписали совместное заявление о развитии отношений всеобъемлющего партнёрства.",
];

/// About `size` bytes of plain text; every paragraph is unique (numbered) so nothing is
/// dropped as a duplicate.
fn plain(size: usize) -> String {
    let mut s = String::from("关键词：\n合作 发展 双方\n\n发布时间：2013-03-23\n\n");
    let mut i = 0usize;
    while s.len() < size {
        let zh = ZH[i % ZH.len()];
        s.push_str(&format!("　　{zh}（第{i}段）\n"));
        if i % 7 == 0 {
            // OCR break in mid-sentence.
            s.push_str("\n习近平指出,当前,百年变\n\n局加速演进,国际力量对比深刻演变。\n\n");
        }
        if i % 3 == 0 {
            s.push_str(&format!("\n{} ({i})\n\n", RU[i % RU.len()]));
        }
        i += 1;
    }
    s
}

/// About `size` bytes of HTML.
fn html(size: usize) -> String {
    let mut s = String::from("<!DOCTYPE html><html><head><title>标题</title><style>p&#123;x:y&#125;</style></head><body>\n");
    let mut i = 0usize;
    while s.len() < size {
        let zh = ZH[i % ZH.len()];
        s.push_str(&format!(
            "<p cms-style=\"font-L\">　　<font>{zh}</font>&nbsp;（第{i}段）</p>\n<!-- c -->\
             <div class=\"img_wrapper\"><img src=\"a{i}.jpg\" alt><span></span></div>\n"
        ));
        if i % 3 == 0 {
            s.push_str(&format!(
                "<p>{} &mdash; &laquo;{i}&raquo;</p>\n",
                RU[i % RU.len()]
            ));
        }
        i += 1;
    }
    s.push_str("</body></html>\n");
    s
}

fn bench(c: &mut Criterion) {
    const SIZE: usize = 10 << 20;
    let inputs = [
        ("plain", "doc.txt", plain(SIZE)),
        ("html", "doc.html", html(SIZE)),
    ];
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for (name, file, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let opts = IngestOptions::default();
        group.bench_function(*name, |b| {
            b.iter(|| {
                ingest_bytes(Path::new(file), black_box(text.as_bytes()), &opts)
                    .map(|d| d.paragraphs.len())
            })
        });
    }
    // GBK input exercises detection and decoding.
    let gbk = encoding_rs::GBK.encode(&inputs[0].2).0.into_owned();
    group.throughput(Throughput::Bytes(gbk.len() as u64));
    group.bench_function("plain-gbk", |b| {
        b.iter(|| {
            ingest_bytes(
                Path::new("doc.txt"),
                black_box(&gbk),
                &IngestOptions::default(),
            )
            .map(|d| d.paragraphs.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
