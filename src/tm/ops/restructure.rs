//! Structural review decisions: `merge` and `split` rows of a review CSV (written by the review
//! page, [`crate::review`], or by hand), applied by [`super::review::apply_review`] with the
//! checks of the ordinary rows (ids, keys) plus these:
//!
//! - `merge`: the unit joins the unit of the row just above (rows of 1-0 / 0-1 beads, which name
//!   no unit, looked past), which must be the preceding unit of the TMX (among the units
//!   `export-csv` writes) and not rejected; its texts must be the
//!   unit's own, as for `ok`. When the unit above was kept as it was (`ok` or empty status),
//!   the texts are joined (Chinese without a space, other languages with one); when it was
//!   `fix`ed or `split`, its row already has the texts of the whole, and the merged unit only
//!   disappears. Chains (`merge` under `merge`) join several units.
//! - `split`: the unit becomes one unit per `split` row; the rows are consecutive, carry the
//!   unit's `id` and `key`, and each has both texts. The first part keeps the `tuid`, the
//!   others get `<tuid>.2`, `<tuid>.3`… (made unique within the TMX); all keep the unit's
//!   properties and get `changedate` / `changeid`. Each part's comment becomes its note.
//!   Rows are tied to units by id (the `tuid`, see [`super::review::tuid_index`]), so the
//!   rewritten TMX's review files number rows by position: `7.2` is no number.
//!
//! Moving a sentence to a neighbour needs no status of its own: both units are `fix`ed.

use super::LanguagePair;
use crate::tm::csv::{ReviewRow, ReviewStatus};
use crate::tm::tmx::TmxRecord;
use crate::tm::unit::join_segments;
use crate::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The structural rows of a review CSV, checked.
#[derive(Debug, Default)]
pub struct Structure<'a> {
    /// The parts of each split unit, by unit (as `unit_of` of [`Structure::collect`] names
    /// it), in CSV order.
    splits: HashMap<usize, Vec<&'a ReviewRow>>,
}

impl<'a> Structure<'a> {
    /// Checks the `merge` and `split` rows of `rows`. `unit_of` names the unit a row is about
    /// (`None`: no unit of this TMX: a 1-0 / 0-1 bead's row, which has no `key` and which a
    /// merge looks past, or a unit of another TMX); `exported` lists the units the CSV can
    /// name, in TMX order. Refuses, naming the CSV line, a split group that is not consecutive
    /// or mixes statuses, and a merge whose row above (past unaligned rows) is not the
    /// preceding unit or is a rejection. (Unknown ids and keys are checked by the caller
    /// first.)
    pub fn collect(
        rows: &'a [ReviewRow],
        exported: &[usize],
        unit_of: &dyn Fn(&ReviewRow) -> Option<usize>,
        csv_path: &Path,
    ) -> Result<Self> {
        let position: HashMap<usize, usize> = exported
            .iter()
            .enumerate()
            .map(|(p, &unit)| (unit, p))
            .collect();
        let mut splits: HashMap<usize, Vec<&ReviewRow>> = HashMap::new();
        let mut closed: HashSet<usize> = HashSet::new();
        // the last row that names a unit of this TMX or of another (not an unaligned row)
        let mut above_unit: Option<&ReviewRow> = None;
        for (k, row) in rows.iter().enumerate() {
            let at = format!("line {} (row {}, id {})", row.line, k + 1, row.id);
            let above = k.checked_sub(1).map(|j| &rows[j]);
            let unit = unit_of(row);
            if row.status == ReviewStatus::Split {
                if let Some(u) = unit {
                    let continues = above.is_some_and(|a| a.id == row.id);
                    if splits.contains_key(&u) && (!continues || closed.contains(&row.id)) {
                        return Err(Error::bad_input(
                            csv_path,
                            format!(
                                "{at}: the split rows of unit {} must be consecutive",
                                row.id
                            ),
                        ));
                    }
                    splits.entry(u).or_default().push(row);
                }
            }
            if let Some(a) = above.filter(|a| a.id != row.id) {
                closed.insert(a.id);
            }
            let previous = above_unit;
            if unit.is_some() || !row.key.is_empty() {
                above_unit = Some(row);
            }
            if row.status != ReviewStatus::Merge || unit.is_none() {
                continue;
            }
            let Some(a) = previous else {
                return Err(Error::bad_input(
                    csv_path,
                    format!("{at}: merge on the first row: there is no unit above to join"),
                ));
            };
            let adjacent = match (unit_of(a).and_then(|u| position.get(&u)), unit) {
                (Some(&pa), Some(u)) => position.get(&u).is_some_and(|&pr| pa + 1 == pr),
                _ => false,
            };
            if !adjacent {
                return Err(Error::bad_input(
                    csv_path,
                    format!(
                        "{at}: merge joins the unit of the row above, which must be the \
                         preceding unit (the row above is id {})",
                        a.id
                    ),
                ));
            }
            if a.status == ReviewStatus::Reject {
                return Err(Error::bad_input(
                    csv_path,
                    format!(
                        "{at}: merge into a rejected unit (id {}); reject this one too",
                        a.id
                    ),
                ));
            }
        }
        // a non-split row naming a split unit
        for (k, row) in rows.iter().enumerate() {
            let split = unit_of(row).filter(|u| splits.contains_key(u));
            if row.status != ReviewStatus::Split && split.is_some() {
                return Err(Error::bad_input(
                    csv_path,
                    format!(
                        "line {} (row {}, id {}): unit {} is split; all its rows must have status split",
                        row.line,
                        k + 1,
                        row.id,
                        row.id
                    ),
                ));
            }
        }
        Ok(Structure { splits })
    }

    /// The parts of `unit` when it is split.
    pub fn parts(&self, unit: usize) -> Option<&[&'a ReviewRow]> {
        self.splits.get(&unit).map(Vec::as_slice)
    }
}

/// Joins the texts of `merged` to `head` when the head kept its own texts (`head_final`
/// false); a fixed or split head already has the texts of the whole.
pub fn absorb(head: &mut TmxRecord, head_final: bool, merged: &TmxRecord, pair: &LanguagePair) {
    if head_final {
        return;
    }
    head.source = join_segments(pair.src, &[head.source.as_str(), merged.source.as_str()]);
    head.target = join_segments(pair.tgt, &[head.target.as_str(), merged.target.as_str()]);
}

/// The records of a split unit: `record` with each part's texts and comment (as a note); the
/// first part keeps the `tuid`, the others get a new one not in `taken` (which grows).
pub fn split_records(
    record: TmxRecord,
    parts: &[&ReviewRow],
    taken: &mut HashSet<String>,
) -> Vec<TmxRecord> {
    let mut out = Vec::with_capacity(parts.len());
    for (j, part) in parts.iter().enumerate() {
        let mut r = record.clone();
        if j > 0 {
            let mut n = j + 1;
            let mut tuid = format!("{}.{n}", record.tuid);
            while taken.contains(&tuid) {
                n += 1;
                tuid = format!("{}.{n}", record.tuid);
            }
            taken.insert(tuid.clone());
            r.tuid = tuid;
        }
        // (inline-tag placeholders dropped, as on a fix: crate::tm::ops::review)
        r.source = crate::tm::tags::strip_placeholders(part.source.trim()).into_owned();
        r.target = crate::tm::tags::strip_placeholders(part.target.trim()).into_owned();
        let comment = part.comment.trim();
        if !comment.is_empty() {
            r.notes.push(comment.to_string());
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, id: usize, status: ReviewStatus) -> ReviewRow {
        ReviewRow {
            line,
            id,
            confidence: String::new(),
            bead: String::new(),
            source: "s".into(),
            target: "t".into(),
            source_lines: String::new(),
            target_lines: String::new(),
            flags: String::new(),
            status,
            comment: String::new(),
            key: String::new(),
        }
    }

    /// The units of these tests are their ids.
    fn by_id(r: &ReviewRow) -> Option<usize> {
        Some(r.id)
    }

    fn err(rows: &[ReviewRow], exported: &[usize]) -> String {
        Structure::collect(rows, exported, &by_id, Path::new("r.csv"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn split_groups_and_merges_are_checked() {
        use ReviewStatus::*;
        let ok = [
            row(2, 1, Ok),
            row(3, 2, Merge),
            row(4, 3, Split),
            row(5, 3, Split),
        ];
        let s = Structure::collect(&ok, &[1, 2, 3], &by_id, Path::new("r.csv")).unwrap();
        assert_eq!(s.parts(3).unwrap().len(), 2);
        assert!(s.parts(1).is_none());
        let e = err(
            &[row(2, 3, Split), row(3, 1, Ok), row(4, 3, Split)],
            &[1, 3],
        );
        assert!(e.contains("line 4") && e.contains("consecutive"), "{e}");
        let e = err(&[row(2, 3, Split), row(3, 3, Fix)], &[3]);
        assert!(
            e.contains("line 3") && e.contains("must have status split"),
            "{e}"
        );
        let e = err(&[row(2, 1, Ok), row(3, 3, Merge)], &[1, 2, 3]);
        assert!(e.contains("line 3") && e.contains("preceding unit"), "{e}");
        // units that lack a side are not exported: 1 and 3 are neighbours
        Structure::collect(
            &[row(2, 1, Ok), row(3, 3, Merge)],
            &[1, 3],
            &by_id,
            Path::new("r.csv"),
        )
        .unwrap();
        let e = err(&[row(2, 1, Merge)], &[1]);
        assert!(e.contains("first row"), "{e}");
        let e = err(&[row(2, 1, Reject), row(3, 2, Merge)], &[1, 2]);
        assert!(e.contains("rejected"), "{e}");
    }

    #[test]
    fn split_parts_get_unique_tuids_and_notes() {
        let record = TmxRecord {
            tuid: "7".into(),
            source: "ab".into(),
            target: "a b".into(),
            ..TmxRecord::default()
        };
        let mut a = row(2, 7, ReviewStatus::Split);
        a.source = "a".into();
        a.target = "a".into();
        let mut b = row(3, 7, ReviewStatus::Split);
        b.source = " b ".into();
        b.target = "b".into();
        b.comment = "cut".into();
        let mut taken: HashSet<String> = ["7".to_string(), "7.2".to_string()].into();
        let out = split_records(record, &[&a, &b], &mut taken);
        assert_eq!(out[0].tuid, "7");
        assert_eq!(out[1].tuid, "7.3");
        assert_eq!(out[1].source, "b");
        assert_eq!(out[1].notes, vec!["cut".to_string()]);
    }

    #[test]
    fn merge_and_split_applied_to_a_tmx() {
        use crate::tm::csv::{read_review_csv, write_review_csv};
        use crate::tm::ops::review::{apply_review, export_rows};
        use crate::tm::reader::{read_tmx_bytes, LangMap};
        let tmx = r#"<tmx><header srclang="zh-CN"/><body>
<tu tuid="1"><tuv xml:lang="zh-CN"><seg>甲。</seg></tuv><tuv xml:lang="ru-RU"><seg>А.</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg>乙。</seg></tuv><tuv xml:lang="ru-RU"><seg>Б.</seg></tuv></tu>
<tu tuid="3"><tuv xml:lang="zh-CN"><seg>丙。丁。</seg></tuv><tuv xml:lang="ru-RU"><seg>В. Г.</seg></tuv></tu>
<tu tuid="3.2"><tuv xml:lang="zh-CN"><seg>戊。</seg></tuv><tuv xml:lang="ru-RU"><seg>Д.</seg></tuv></tu>
</body></tmx>"#;
        let (tp, cp, map) = (Path::new("t.tmx"), Path::new("r.csv"), LangMap::default());
        let doc = read_tmx_bytes(tp, tmx.as_bytes()).unwrap();
        let rows = export_rows(&doc, tp, &map).unwrap();
        // 1 ok + 2 merged into it (auto-joined); 3 split in two; 3.2 kept
        let mut r = vec![
            rows[0].clone(),
            rows[1].clone(),
            rows[2].clone(),
            rows[2].clone(),
        ];
        r[0].status = ReviewStatus::Ok;
        r[1].status = ReviewStatus::Merge;
        r[2].status = ReviewStatus::Split;
        (r[2].source, r[2].target) = ("丙。".into(), "В.".into());
        r[3].status = ReviewStatus::Split;
        (r[3].source, r[3].target) = ("丁。".into(), "Г.".into());
        r.push(rows[3].clone());
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &r).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let (_, records, report) = apply_review(&doc, tp, &parsed, cp, &map).unwrap();
        let got: Vec<(&str, &str, &str)> = records
            .iter()
            .map(|r| (r.tuid.as_str(), r.source.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1", "甲。乙。", "А. Б."),
                ("3", "丙。", "В."),
                ("3.3", "丁。", "Г."),
                ("3.2", "戊。", "Д.")
            ]
        );
        assert_eq!((report.merged, report.split, report.ok), (1, 1, 1));
        // a fixed head keeps its texts: the merged unit only disappears
        let mut r2 = vec![rows[0].clone(), rows[1].clone()];
        r2[0].status = ReviewStatus::Fix;
        r2[0].source = "甲乙。".into();
        r2[1].status = ReviewStatus::Merge;
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &r2).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let (_, records, _) = apply_review(&doc, tp, &parsed, cp, &map).unwrap();
        assert_eq!(records[0].source, "甲乙。");
        assert_eq!(records[0].target, "А.");
        assert_eq!(records.len(), 3);
        // a merge row whose text was edited is refused like an edited ok row
        r2[1].target = "Б!".into();
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &r2).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let e = apply_review(&doc, tp, &parsed, cp, &map)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("texts differ"), "{e}");
    }

    /// With ids that are `tuid`s (a TMX of tmalign, numbered by bead: 2 and 5 are 1-0 / 0-1
    /// beads, 6 is in the sibling `.low.tmx`), merges look past unaligned rows, splits are
    /// keyed by unit, and the split TMX's numeric `tuid`s still tell its sibling which rows
    /// are its own.
    #[test]
    fn structure_by_tuid_with_unaligned_and_sibling_rows() {
        use crate::tm::csv::{read_review_csv, review_key, write_review_csv};
        use crate::tm::ops::review::{
            apply_review_as, export_rows, tuid_index, tuid_set, ReviewOptions,
        };
        use crate::tm::reader::{read_tmx_bytes, LangMap};
        let tmx = r#"<tmx><header srclang="zh-CN"/><body>
<tu tuid="1"><tuv xml:lang="zh-CN"><seg>甲。</seg></tuv><tuv xml:lang="ru-RU"><seg>А.</seg></tuv></tu>
<tu tuid="3"><tuv xml:lang="zh-CN"><seg>乙。</seg></tuv><tuv xml:lang="ru-RU"><seg>Б.</seg></tuv></tu>
<tu tuid="4"><tuv xml:lang="zh-CN"><seg>丙。丁。</seg></tuv><tuv xml:lang="ru-RU"><seg>В. Г.</seg></tuv></tu>
<tu tuid="7"><tuv xml:lang="zh-CN"><seg>戊。</seg></tuv><tuv xml:lang="ru-RU"><seg>Д.</seg></tuv></tu>
</body></tmx>"#;
        let (tp, cp, map) = (Path::new("t.tmx"), Path::new("r.csv"), LangMap::default());
        let doc = read_tmx_bytes(tp, tmx.as_bytes()).unwrap();
        let exported = export_rows(&doc, tp, &map).unwrap();
        let ids: Vec<usize> = exported.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![1, 3, 4, 7]);
        let unaligned = |id: usize, bead: &str| {
            let mut r = row(0, id, ReviewStatus::Blank);
            (r.bead, r.flags) = (bead.into(), "unaligned".into());
            r
        };
        let mut low = row(0, 6, ReviewStatus::Blank);
        low.key = review_key("6", "s", "t");
        // 1 ok; [2 unaligned]; 3 merged into 1 past it; 4 split; [5 unaligned]; 6 elsewhere;
        // 7 kept
        let mut rows = vec![
            exported[0].clone(),
            unaligned(2, "1-0"),
            exported[1].clone(),
            exported[2].clone(),
            exported[2].clone(),
            unaligned(5, "0-1"),
            low,
            exported[3].clone(),
        ];
        rows[0].status = ReviewStatus::Ok;
        rows[2].status = ReviewStatus::Merge;
        rows[3].status = ReviewStatus::Split;
        (rows[3].source, rows[3].target) = ("丙。".into(), "В.".into());
        rows[4].status = ReviewStatus::Split;
        (rows[4].source, rows[4].target) = ("丁。".into(), "Г.".into());
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &rows).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let options = ReviewOptions {
            user: "rev".into(),
            other_ids: [6].into(),
            ..ReviewOptions::default()
        };
        let (_, records, report) = apply_review_as(&doc, tp, &parsed, cp, &map, &options).unwrap();
        let got: Vec<(&str, &str, &str)> = records
            .iter()
            .map(|r| (r.tuid.as_str(), r.source.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1", "甲。乙。", "А. Б."),
                ("4", "丙。", "В."),
                ("4.2", "丁。", "Г."),
                ("7", "戊。", "Д.")
            ]
        );
        assert_eq!(
            (
                report.merged,
                report.split,
                report.unaligned,
                report.elsewhere
            ),
            (1, 1, 2, 1)
        );
        assert!(records[2]
            .attributes
            .iter()
            .any(|(k, v)| k == "changeid" && v == "rev"));
        // the rewritten TMX: `4.2` is no number, so its rows go by position, but the sibling
        // still knows 1, 4 and 7 as this TMX's units
        let mut out = Vec::new();
        let tmx_options = crate::tm::tmx::TmxOptions::new(crate::Lang::Zh, crate::Lang::Ru, "t.zh");
        crate::tm::tmx::write_tmx_records(&mut out, &records, &tmx_options).unwrap();
        let split = read_tmx_bytes(tp, &out).unwrap();
        assert!(tuid_index(&split).is_none());
        assert_eq!(tuid_set(&split), [1, 4, 7].into());
        // a merge whose row above names a unit of the other TMX is refused
        let mut bad = vec![exported[1].clone(), rows[6].clone(), exported[2].clone()];
        bad[2].status = ReviewStatus::Merge;
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &bad).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let e = apply_review_as(&doc, tp, &parsed, cp, &map, &options)
            .unwrap_err()
            .to_string();
        assert!(e.contains("preceding unit"), "{e}");
        // merge / split on an unaligned row is refused
        let mut bad = vec![exported[0].clone(), unaligned(2, "1-0")];
        bad[1].status = ReviewStatus::Merge;
        let mut bytes = Vec::new();
        write_review_csv(&mut bytes, &bad).unwrap();
        let parsed = read_review_csv(cp, &bytes).unwrap();
        let e = apply_review_as(&doc, tp, &parsed, cp, &map, &options)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unaligned row"), "{e}");
    }
}
