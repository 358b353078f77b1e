//! `tmalign eval` against the reference scorer `score_align.py` on several prediction
//! directories: the two must print the same `strict_f1=… lax_f1=… docs=… missing=…` line and
//! the same scores.

mod common;

use common::{bin, have_tool, shared};
use std::path::Path;
use std::process::Command;

type Bead = (Vec<usize>, Vec<usize>);

fn read_gold(path: &Path) -> Vec<Bead> {
    let text = std::fs::read_to_string(path).unwrap();
    tmalign::eval::parse_beads_str(&text)
        .unwrap()
        .into_iter()
        .map(|(s, t)| {
            let u = |v: Vec<i64>| v.into_iter().map(|x| x as usize).collect();
            (u(s), u(t))
        })
        .collect()
}

fn side(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// Writes a prediction directory made from the gold files by `perturb`.
fn write_preds(gold: &Path, out: &Path, ext: &str, perturb: impl Fn(usize, Vec<Bead>) -> String) {
    std::fs::create_dir_all(out).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(gold)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".gold"))
        .collect();
    names.sort();
    for (doc, name) in names.iter().enumerate() {
        let beads = read_gold(&gold.join(name));
        let text = perturb(doc, beads);
        let stem = name.trim_end_matches(".gold");
        std::fs::write(out.join(format!("{stem}{ext}")), text).unwrap();
    }
}

fn lines(beads: &[Bead], confidence: bool) -> String {
    beads
        .iter()
        .map(|(s, t)| {
            if confidence {
                format!("{}:{}:0.500\n", side(s), side(t))
            } else {
                format!("{}:{}\n", side(s), side(t))
            }
        })
        .collect()
}

/// Merges every fifth bead with the next one.
fn merged(beads: Vec<Bead>) -> Vec<Bead> {
    let mut out: Vec<Bead> = Vec::new();
    for (k, b) in beads.into_iter().enumerate() {
        match out.last_mut() {
            Some(last) if k % 5 == 1 => {
                last.0.extend(b.0);
                last.1.extend(b.1);
            }
            _ => out.push(b),
        }
    }
    out
}

/// Splits many-to-one beads, and turns every seventh 1-1 bead into a 1-0 and a 0-1.
fn split_and_nulled(beads: Vec<Bead>) -> Vec<Bead> {
    let mut out = Vec::new();
    for (k, (s, t)) in beads.into_iter().enumerate() {
        if s.len() >= 2 {
            out.push((s[..1].to_vec(), t.clone()));
            out.push((s[1..].to_vec(), Vec::new()));
        } else if s.len() == 1 && t.len() == 1 && k % 7 == 3 {
            out.push((s, Vec::new()));
            out.push((Vec::new(), t));
        } else {
            out.push((s, t));
        }
    }
    out
}

/// Shifts the target side of every third bead by one (overlapping, not exact).
fn shifted(beads: Vec<Bead>) -> Vec<Bead> {
    beads
        .into_iter()
        .enumerate()
        .map(|(k, (s, t))| {
            if k % 3 == 0 && !t.is_empty() {
                (s, t.iter().map(|x| x + 1).collect())
            } else {
                (s, t)
            }
        })
        .collect()
}

fn summary(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .find(|l| l.starts_with("strict_f1="))
        .expect("summary line")
        .to_owned()
}

/// Runs both scorers and compares their summary lines and JSON scores.
fn compare(shared: &Path, gold: &Path, pred: &Path, pred_ext: &str) -> String {
    let py = Command::new("python3")
        .arg(shared.join("tools/score_align.py"))
        .arg(gold)
        .arg(pred)
        .arg("--ext=.gold")
        .arg(format!("--pred-ext={pred_ext}"))
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let ours = bin()
        .arg("eval")
        .arg(gold)
        .arg(pred)
        .args(["--ext", ".gold", "--pred-ext", pred_ext, "--json"])
        .output()
        .unwrap();
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let line = summary(&py.stdout);
    assert_eq!(summary(&ours.stdout), line, "{}", pred.display());

    let json = |out: &[u8]| -> serde_json::Value {
        let text = String::from_utf8_lossy(out).into_owned();
        let l = text
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("json line")
            .to_owned();
        serde_json::from_str(&l).unwrap()
    };
    let json_line = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .find(|l| l.starts_with('{'))
            .map(str::to_owned)
    };
    assert_eq!(
        json_line(&ours.stdout),
        json_line(&py.stdout),
        "JSON line identical"
    );
    let (a, b) = (json(&py.stdout), json(&ours.stdout));
    for key in [
        "precision_strict",
        "recall_strict",
        "f1_strict",
        "precision_lax",
        "recall_lax",
        "f1_lax",
    ] {
        let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
        assert!((x - y).abs() < 1e-12, "{key}: python {x} ours {y}");
    }
    assert_eq!(a["docs"], b["docs"]);
    assert_eq!(a["missing"], b["missing"]);
    line
}

#[test]
fn agrees_with_the_reference_scorer() {
    let Some(sh) = shared() else { return };
    if !have_tool("python3") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    for set in ["ntrex-zhru", "ntrex-zhen"] {
        let gold = sh.join("eval").join(set).join("gold");
        if !gold.is_dir() {
            continue;
        }
        let root = d.path().join(set);

        // gold against itself: perfect
        let line = compare(&sh, &gold, &gold, ".gold");
        assert!(line.starts_with("strict_f1=1.0000 lax_f1=1.0000"), "{line}");

        write_preds(&gold, &root.join("merged"), ".beads", |_, b| {
            lines(&merged(b), true)
        });
        write_preds(&gold, &root.join("split"), ".beads", |_, b| {
            lines(&split_and_nulled(b), false)
        });
        write_preds(&gold, &root.join("shifted"), ".pred", |_, b| {
            lines(&shifted(b), true)
        });
        // everything at once, plus duplicates, an empty bead and blank lines
        write_preds(&gold, &root.join("mixed"), ".beads", |doc, b| {
            let mut text = lines(&shifted(split_and_nulled(merged(b))), doc % 2 == 0);
            text.push_str("\n[]:[]\n");
            if let Some(first) = text.lines().next().map(str::to_owned) {
                text.push_str(&first);
                text.push('\n');
            }
            text
        });
        let mut lines_seen = vec![];
        for (name, ext) in [
            ("merged", ".beads"),
            ("split", ".beads"),
            ("shifted", ".pred"),
            ("mixed", ".beads"),
        ] {
            let line = compare(&sh, &gold, &root.join(name), ext);
            assert!(!line.starts_with("strict_f1=1.0000"), "{name}: {line}");
            lines_seen.push(line);
        }

        eprintln!("{set}: {lines_seen:#?}");

        // some predictions missing
        let partial = root.join("merged");
        for stem in ["001", "005", "010"] {
            let _ = std::fs::remove_file(partial.join(format!("{stem}.beads")));
        }
        let line = compare(&sh, &gold, &partial, ".beads");
        assert!(line.ends_with("missing=3"), "{line}");

        // no predictions at all
        let empty = root.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let line = compare(&sh, &gold, &empty, ".beads");
        assert!(line.starts_with("strict_f1=0.0000 lax_f1=0.0000"), "{line}");
    }
}

#[test]
fn table_output_and_bad_directories() {
    let Some(sh) = shared() else { return };
    let gold = sh.join("eval/ntrex-zhru/gold");
    let o = bin()
        .arg("eval")
        .arg(&gold)
        .arg(&gold)
        .args(["--pred-ext", ".gold"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("precision") && out.contains("strict") && out.contains("lax"));
    assert!(
        out.contains("strict_f1=1.0000 lax_f1=1.0000 docs=21 missing=0"),
        "{out}"
    );

    let o = bin()
        .arg("eval")
        .arg("/nonexistent/gold")
        .arg(&gold)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/gold"));

    // a malformed prediction names the file
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("000.beads"), "[0]:[zero]\n").unwrap();
    let o = bin().arg("eval").arg(&gold).arg(d.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("000.beads"));
}
