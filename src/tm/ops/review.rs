//! The review round trip: `run` / `align` write a review file (CSV or XLSX) beside the TMX,
//! `tm export-csv` writes one for any TMX; a reviewer sets `status` (`ok` / empty, `reject`,
//! `fix` with corrected text in `source_text` / `target_text`) and `comment`; `tm import-csv`
//! applies the decisions to the same TMX. Unchanged, the file is a no-op: the TMX comes out
//! byte for byte the same.
//!
//! The `id` of a row is its unit's `tuid` (see [`tuid_index`]): tmalign numbers units by
//! bead, so a 1-0 / 0-1 bead's row (flagged `unaligned`, no `key`) names no unit. Such a row is
//! skipped, unless it is marked `fix` with both sides filled in: then it becomes a new unit,
//! placed by its id. Units that lack a side are not exported, and the rewritten TMX, like
//! every TMX tmalign writes, has the two variants of the language pair only (see
//! [`super::to_record`] for what else is not carried). A fixed unit gets `changedate` and
//! `changeid` (the reviewer, [`ReviewOptions`]), a comment becomes a `<note>`.
//!
//! Rows may be deleted (their units stay unchanged) but not invented: the import refuses an id
//! the TMX does not have (except one of the other TMX of the same alignment,
//! [`ReviewOptions::other_ids`]: skipped and counted, the CLI warning about skipped
//! decisions), an id given twice (but on consecutive `split` rows), a row whose `key` (a hash
//! of its unit's `tuid` and original texts) is not that of the unit its id names (an edited id, even on a `fix` row), and an `ok` / `reject` row
//! whose texts differ from its unit's beyond whitespace (a file exported from another TMX, or
//! an edit without `fix`), naming the line. Only `id`, the two texts, `status`, `comment` and
//! `key` are read: spreadsheets may reformat `confidence` or `bead` (`1-1` becomes a date)
//! harmlessly.
//!
//! Inline-tag placeholders (`{1}bold{/1}`, `{2/}`: the review file of an office document's
//! alignment, [`crate::tm::tags`]) are not text: rows are compared without them, and a `fix`
//! row's texts are written without them, as the rewrite reduces every unit's inline markup to
//! text (the tags are lost, and said to be).
//!
//! The structural statuses `merge` and `split` (written by the review page, `tmalign review`)
//! are described in [`super::restructure`]. A split gives the TMX `tuid`s such as `7.2`,
//! which are not numbers: the review files of that TMX then number rows by position.

use super::restructure::{self, Structure};
use super::{
    language_pair, length_ratio, normalize_text, pair_flags, to_record, unit_texts, LanguagePair,
};
use crate::ingest::normalize::drop_controls;
use crate::tm::csv::{
    read_review_csv, review_key, write_review_rows, Delimiter, ReviewRow, ReviewStatus,
};
use crate::tm::reader::{LangMap, TmxDocument, TmxUnit};
use crate::tm::tags::strip_placeholders;
use crate::tm::tmx::{creation_date, tmx_date, TmxRecord};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use time::OffsetDateTime;

/// The `tuid` of `unit` as a positive number, if it is one.
pub fn numeric_tuid(unit: &TmxUnit) -> Option<usize> {
    unit.id
        .as_deref()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
}

/// `tuid` → index of the unit, when every unit of `doc` has a distinct positive number as its
/// `tuid` (every TMX tmalign writes); `None` otherwise, and then a review row's id is the
/// 1-based position of its unit.
pub fn tuid_index(doc: &TmxDocument) -> Option<HashMap<usize, usize>> {
    let mut index = HashMap::with_capacity(doc.units.len());
    for (i, unit) in doc.units.iter().enumerate() {
        if index.insert(numeric_tuid(unit)?, i).is_some() {
            return None;
        }
    }
    Some(index)
}

/// The review rows of `doc` (read from `path`), in document order, status empty.
pub fn export_rows(doc: &TmxDocument, path: &Path, map: &LangMap) -> Result<Vec<ReviewRow>> {
    let pair = language_pair(doc, path, map)?;
    let ratio = length_ratio(doc.units.iter().filter_map(|u| unit_texts(u, &pair, map)));
    let numeric = tuid_index(doc).is_some();
    Ok(doc
        .units
        .iter()
        .enumerate()
        .filter_map(|(i, unit)| review_row(i, unit, &pair, map, ratio, numeric))
        .collect())
}

/// The review row of the `i`-th unit (0-based), if it has both sides; its id is the `tuid`
/// when `numeric` (see [`tuid_index`]), else `i + 1`.
fn review_row(
    i: usize,
    unit: &TmxUnit,
    pair: &LanguagePair,
    map: &LangMap,
    ratio: Option<f64>,
    numeric: bool,
) -> Option<ReviewRow> {
    let (source, target) = unit_texts(unit, pair, map)?;
    let flags: Vec<&str> = pair_flags(source, target, ratio)
        .iter()
        .map(|f| f.as_str())
        .collect();
    let id = if numeric { numeric_tuid(unit)? } else { i + 1 };
    Some(ReviewRow {
        line: 0,
        id,
        confidence: unit.prop("x-confidence").unwrap_or("").to_string(),
        bead: unit.prop("x-bead").unwrap_or("").to_string(),
        source: source.to_string(),
        target: target.to_string(),
        source_lines: String::new(),
        target_lines: String::new(),
        flags: flags.join(";"),
        status: ReviewStatus::Blank,
        comment: String::new(),
        key: review_key(unit.id.as_deref().unwrap_or(""), source, target),
    })
}

/// Writes the review CSV of the TMX at `path` to `out`, streaming: one pass finds the
/// language pair, the TM's ratio and whether the ids are `tuid`s, a second writes a row per
/// unit as it is read, so memory does not grow with the file. The bytes equal
/// [`export_rows`] + [`write_review_csv_with`](crate::tm::csv::write_review_csv_with) of
/// the whole document (`tests/tm_stats_stream.rs`). Returns the number of rows.
///
/// Measured (debug build, `/usr/bin/time`, a generated 200 MB TMX of 671,205 units): peak
/// RSS 1,187 MB reading the whole document, 17 MB streaming.
pub fn export_csv_file(
    path: &Path,
    map: &LangMap,
    out: &mut dyn std::io::Write,
    delimiter: Delimiter,
) -> Result<usize> {
    let first = super::stats::first_pass(path, map)?;
    let mut units = super::stats::open_tmx(path)?.enumerate();
    let mut failure: Option<Error> = None;
    let mut count = 0usize;
    let rows = std::iter::from_fn(|| loop {
        let (i, unit) = units.next()?;
        match unit {
            Ok(unit) => {
                if let Some(row) =
                    review_row(i, &unit, &first.pair, map, first.ratio, first.numeric_tuids)
                {
                    count += 1;
                    return Some(row);
                }
            }
            Err(e) => {
                failure = Some(e);
                return None;
            }
        }
    });
    let written = write_review_rows(out, rows, delimiter);
    if let Some(e) = failure {
        return Err(e);
    }
    written.map_err(|e| Error::io(path, e))?;
    Ok(count)
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewReport {
    /// Rows marked ok.
    pub ok: usize,
    /// Units rejected (dropped).
    pub rejected: usize,
    /// Units whose texts were replaced.
    pub fixed: usize,
    /// Units with no row in the CSV or an empty status (kept).
    pub not_reviewed: usize,
    /// Reviewer comments written as `<note>` on their unit.
    pub comments: usize,
    /// Units lacking the source or the target variant: not exported, and not written either
    /// (the writer writes bilingual units only).
    pub skipped: usize,
    /// Units merged into the unit above (`merge`, see [`super::restructure`]).
    pub merged: usize,
    /// Units split into several (`split`).
    pub split: usize,
    /// Units written.
    pub written: usize,
    /// Rows of 1-0 / 0-1 beads (no unit) left as they were.
    pub unaligned: usize,
    /// Units added from 1-0 / 0-1 rows marked `fix` with both sides filled in.
    pub added: usize,
    /// Unreviewed rows of units in another TMX of the same alignment (`<stem>.low.tmx`).
    pub elsewhere: usize,
    /// Rows with a decision on a unit not in this TMX (a `key`, an id it does not have):
    /// skipped; they belong to the other TMX of the alignment.
    pub elsewhere_decisions: usize,
}

/// Who reviews, and when: what a fixed or added unit's `changeid` / `changedate` say.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// The reviewer (`--user`).
    pub user: String,
    /// The date of the review.
    pub date: OffsetDateTime,
    /// The `tuid`s of the other TMX of the same alignment (`<stem>.low.tmx` for
    /// `<stem>.tmx` and the reverse, see [`sibling_tmx`]): rows naming them are skipped, not
    /// refused.
    pub other_ids: std::collections::HashSet<usize>,
}

/// The other TMX of a `--min-confidence` split: `<stem>.low.tmx` for `<stem>.tmx` and the
/// reverse, if it exists.
pub fn sibling_tmx(tmx: &Path) -> Option<std::path::PathBuf> {
    let name = tmx.file_name()?.to_str()?;
    let other = match name.strip_suffix(".low.tmx") {
        Some(stem) => format!("{stem}.tmx"),
        None => format!("{}.low.tmx", name.strip_suffix(".tmx")?),
    };
    let path = tmx.with_file_name(other);
    path.is_file().then_some(path)
}

/// The numeric `tuid`s of `doc` (see [`tuid_index`]). Units whose `tuid` is no number are
/// left out rather than emptying the set: the parts of a split (`7.2`, see
/// [`super::restructure`]) must not make the rows of the units of `doc` unknown to its sibling.
pub fn tuid_set(doc: &TmxDocument) -> std::collections::HashSet<usize> {
    doc.units.iter().filter_map(numeric_tuid).collect()
}

impl Default for ReviewOptions {
    /// The user from the environment ([`default_user`]) and [`creation_date`].
    fn default() -> Self {
        ReviewOptions {
            user: default_user(),
            date: creation_date(),
            other_ids: Default::default(),
        }
    }
}

/// The user name for `creationid` / `changeid`: `$TMALIGN_USER`, else `$USER`, `$USERNAME`,
/// `$LOGNAME`, else `tmalign`.
pub fn default_user() -> String {
    ["TMALIGN_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "tmalign".into())
}

/// Sets `key` to `value` among a record's `<tu>` attributes, kept in name order (as the
/// reader gives them back, so that a rewrite of the rewrite is the same).
fn set_attribute(record: &mut TmxRecord, key: &str, value: String) {
    record.attributes.retain(|(k, _)| k != key);
    record.attributes.push((key.to_string(), value));
    record.attributes.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Whether `row` is that of a 1-0 / 0-1 bead (no unit in the TMX): no key, and the bead or
/// the flags say so.
fn is_unaligned_row(row: &ReviewRow) -> bool {
    row.key.is_empty()
        && (matches!(row.bead.trim(), "1-0" | "0-1")
            || row.flags.split(';').any(|f| f.trim() == "unaligned"))
}

/// [`apply_review_as`] with [`ReviewOptions::default`].
pub fn apply_review(
    doc: &TmxDocument,
    tmx_path: &Path,
    rows: &[ReviewRow],
    csv_path: &Path,
    map: &LangMap,
) -> Result<(LanguagePair, Vec<TmxRecord>, ReviewReport)> {
    apply_review_as(
        doc,
        tmx_path,
        rows,
        csv_path,
        map,
        &ReviewOptions::default(),
    )
}

/// Applies review `rows` (from `csv_path`) to `doc` (from `tmx_path`): the records to write and
/// the counts. See the module documentation for what is refused.
pub fn apply_review_as(
    doc: &TmxDocument,
    tmx_path: &Path,
    rows: &[ReviewRow],
    csv_path: &Path,
    map: &LangMap,
    options: &ReviewOptions,
) -> Result<(LanguagePair, Vec<TmxRecord>, ReviewReport)> {
    let pair = language_pair(doc, tmx_path, map)?;
    let tuids = tuid_index(doc);
    let index_of = |id: usize| match &tuids {
        Some(index) => index.get(&id).copied(),
        None => id.checked_sub(1).filter(|&i| i < doc.units.len()),
    };
    let mut decisions: HashMap<usize, &ReviewRow> = HashMap::new();
    let mut seen: HashMap<usize, &ReviewRow> = HashMap::new();
    let mut additions: Vec<&ReviewRow> = Vec::new();
    let mut report = ReviewReport::default();
    let tmx_name = tmx_path.display();
    for (k, row) in rows.iter().enumerate() {
        let at = format!("line {} (row {}, id {})", row.line, k + 1, row.id);
        if let Some(prev) = seen.insert(row.id, row) {
            // the parts of a split share the id (their order is checked by
            // `Structure::collect`)
            if !(prev.status == ReviewStatus::Split && row.status == ReviewStatus::Split) {
                return Err(Error::bad_input(
                    csv_path,
                    format!("{at}: id {} already given at line {}", row.id, prev.line),
                ));
            }
        }
        let Some(i) = index_of(row.id) else {
            if tuids.is_some() && is_unaligned_row(row) {
                match row.status {
                    ReviewStatus::Fix => {
                        if row.source.trim().is_empty() || row.target.trim().is_empty() {
                            return Err(Error::bad_input(
                                csv_path,
                                format!(
                                    "{at}: status fix on an unaligned row needs both sides \
                                     filled in (it then becomes a new unit)"
                                ),
                            ));
                        }
                        additions.push(row);
                    }
                    ReviewStatus::Merge | ReviewStatus::Split => {
                        return Err(Error::bad_input(
                            csv_path,
                            format!(
                                "{at}: status {} on an unaligned row (a 1-0 / 0-1 bead, no \
                                 unit); to pair it, fix it with both sides filled in",
                                row.status.as_str()
                            ),
                        ));
                    }
                    _ => report.unaligned += 1,
                }
                continue;
            }
            // a unit of the other TMX of the same alignment (`<stem>.low.tmx` beside
            // `<stem>.tmx`): decisions on it belong to that file
            if tuids.is_some() && options.other_ids.contains(&row.id) {
                if row.status == ReviewStatus::Blank {
                    report.elsewhere += 1;
                } else {
                    report.elsewhere_decisions += 1;
                }
                continue;
            }
            return Err(Error::bad_input(
                csv_path,
                format!(
                    "{at}: {tmx_name} has no unit {} (it has {})",
                    row.id,
                    doc.units.len(),
                ),
            ));
        };
        let unit = &doc.units[i];
        let Some((source, target)) = unit_texts(unit, &pair, map) else {
            return Err(Error::bad_input(
                csv_path,
                format!(
                    "{at}: unit {} of {tmx_name} (line {}) lacks a side and was not exported",
                    row.id, unit.line
                ),
            ));
        };
        // the parts of a split share the id (their order is checked by `Structure::collect`)
        decisions.entry(i).or_insert(row);
        // the row belongs to this unit: checked for every status, `fix` included, whose texts
        // were changed on purpose
        if !row.key.is_empty()
            && row.key != review_key(unit.id.as_deref().unwrap_or(""), source, target)
        {
            return Err(Error::bad_input(
                csv_path,
                format!(
                    "{at}: the row's key does not match unit {} of {tmx_name} (line {}): its id \
                     was edited, or the CSV comes from another TMX; export the CSV again",
                    row.id, unit.line
                ),
            ));
        }
        match row.status {
            ReviewStatus::Blank | ReviewStatus::Ok | ReviewStatus::Reject | ReviewStatus::Merge => {
                // Whitespace is compared collapsed: spreadsheets like to turn line ends
                // into CRLF and to trim cells, which is no edit.
                // (inline-tag placeholders of an office document's pairs are not text)
                let same = |row: &str, unit: &str| {
                    normalize_text(&strip_placeholders(row))
                        == normalize_text(&strip_placeholders(unit))
                };
                if !same(&row.source, source) || !same(&row.target, target) {
                    return Err(Error::bad_input(
                        csv_path,
                        format!(
                            "{at}: the texts differ from unit {} of {tmx_name} (line {}): set status \
                             to fix to change them, or export the CSV again from this TMX",
                            row.id, unit.line
                        ),
                    ));
                }
            }
            ReviewStatus::Fix | ReviewStatus::Split => {
                if row.source.trim().is_empty() || row.target.trim().is_empty() {
                    return Err(Error::bad_input(
                        csv_path,
                        format!(
                            "{at}: status {} leaves a side empty; use reject to drop a unit",
                            row.status.as_str()
                        ),
                    ));
                }
            }
        }
    }
    let date = tmx_date(options.date);
    // the unit (index) a row names; none for a row of a 1-0 / 0-1 bead or of another TMX
    let unit_of = |row: &ReviewRow| {
        index_of(row.id).filter(|&i| unit_texts(&doc.units[i], &pair, map).is_some())
    };
    let exported: Vec<usize> = (doc.units.iter().enumerate())
        .filter(|(_, u)| unit_texts(u, &pair, map).is_some())
        .map(|(i, _)| i)
        .collect();
    let structure = Structure::collect(rows, &exported, &unit_of, csv_path)?;
    let mut taken: HashSet<String> = doc.units.iter().filter_map(|u| u.id.clone()).collect();
    let mut records: Vec<TmxRecord> = Vec::new();
    // whether the last record has its final texts (fix, split), which a merge must not extend
    let mut head_final = false;
    // Control characters in fix texts and comments follow the rule of every output
    // (`ingest::normalize::is_dropped_control`): left out, and reported.
    let (mut controls, mut first_control) = (0usize, None::<u64>);
    for (i, unit) in doc.units.iter().enumerate() {
        let Some(mut record) = to_record(unit, &pair, map) else {
            report.skipped += 1;
            continue; // lacks a side: the writer cannot write it (see `to_record`)
        };
        let decision = decisions.get(&i).copied();
        match decision.map(|r| (r.status, r)) {
            None | Some((ReviewStatus::Blank, _)) => {
                report.not_reviewed += 1;
                head_final = false;
            }
            Some((ReviewStatus::Ok, _)) => {
                report.ok += 1;
                head_final = false;
            }
            Some((ReviewStatus::Reject, _)) => {
                report.rejected += 1;
                continue;
            }
            Some((ReviewStatus::Fix, row)) => {
                report.fixed += 1;
                record.source = strip_placeholders(&row.source).into_owned();
                record.target = strip_placeholders(&row.target).into_owned();
                set_attribute(&mut record, "changedate", date.clone());
                set_attribute(&mut record, "changeid", options.user.clone());
                for text in [&mut record.source, &mut record.target] {
                    let n = drop_controls(text);
                    if n > 0 {
                        controls += n;
                        first_control.get_or_insert(row.line);
                    }
                }
                head_final = true;
            }
            Some((ReviewStatus::Merge, row)) => {
                report.merged += 1;
                // `Structure::collect` made sure the record above is the preceding unit's
                if let Some(head) = records.last_mut() {
                    if !head_final {
                        set_attribute(head, "changedate", date.clone());
                        set_attribute(head, "changeid", options.user.clone());
                    }
                    restructure::absorb(head, head_final, &record, &pair);
                    if !row.comment.trim().is_empty() {
                        let mut comment = row.comment.trim().to_string();
                        let n = drop_controls(&mut comment);
                        if n > 0 {
                            controls += n;
                            first_control.get_or_insert(row.line);
                        }
                        head.notes.push(comment);
                        report.comments += 1;
                    }
                }
                continue;
            }
            Some((ReviewStatus::Split, _)) => {
                report.split += 1;
                let parts = structure.parts(i).unwrap_or_default();
                report.comments += parts
                    .iter()
                    .filter(|p| !p.comment.trim().is_empty())
                    .count();
                set_attribute(&mut record, "changedate", date.clone());
                set_attribute(&mut record, "changeid", options.user.clone());
                records.extend(restructure::split_records(record, parts, &mut taken));
                head_final = true;
                continue;
            }
        }
        // the reviewer's comment stays with the unit
        if let Some(comment) = decision.map(|r| r.comment.trim()).filter(|c| !c.is_empty()) {
            let mut comment = comment.to_string();
            let n = drop_controls(&mut comment);
            if n > 0 {
                controls += n;
                first_control.get_or_insert(decision.map_or(0, |r| r.line));
            }
            record.notes.push(comment);
            report.comments += 1;
        }
        records.push(record);
    }
    // units made from unaligned rows, each before the first unit with a higher id
    for row in additions {
        let mut record = TmxRecord {
            tuid: row.id.to_string(),
            source: strip_placeholders(row.source.trim()).into_owned(),
            target: strip_placeholders(row.target.trim()).into_owned(),
            ..TmxRecord::default()
        };
        for text in [&mut record.source, &mut record.target] {
            let n = drop_controls(text);
            if n > 0 {
                controls += n;
                first_control.get_or_insert(row.line);
            }
        }
        for (key, value) in [
            ("changedate", date.clone()),
            ("changeid", options.user.clone()),
            ("creationdate", date.clone()),
            ("creationid", options.user.clone()),
        ] {
            set_attribute(&mut record, key, value);
        }
        if !row.comment.trim().is_empty() {
            let mut comment = row.comment.trim().to_string();
            let n = drop_controls(&mut comment);
            if n > 0 {
                controls += n;
                first_control.get_or_insert(row.line);
            }
            record.notes.push(comment);
            report.comments += 1;
        }
        let at = records
            .iter()
            .position(|r| r.tuid.parse::<usize>().is_ok_and(|n| n > row.id))
            .unwrap_or(records.len());
        records.insert(at, record);
        report.added += 1;
    }
    report.written = records.len();
    if let Some(line) = first_control {
        crate::warning::warn(&format!(
            "{}: {controls} control character(s) left out of fix texts and comments (the first \
             on line {line})",
            csv_path.display()
        ));
    }
    Ok((pair, records, report))
}

/// Reads a review CSV from memory and applies it to `doc` (default language map); returns the
/// resulting document. For tests and the fuzzer.
pub fn import_review_bytes(
    csv_path: &Path,
    bytes: &[u8],
    doc: &TmxDocument,
) -> Result<TmxDocument> {
    let rows = read_review_csv(csv_path, bytes)?;
    let tmx_path = Path::new("base.tmx");
    let (pair, records, _) = apply_review(doc, tmx_path, &rows, csv_path, &LangMap::default())?;
    let mut out = Vec::new();
    crate::tm::tmx::write_tmx_records(&mut out, &records, &pair.tmx_options())
        .map_err(|e| Error::Internal(e.to_string()))?;
    crate::tm::reader::read_tmx_bytes(tmx_path, &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::csv::write_review_csv;
    use crate::tm::reader::read_tmx_bytes;

    const TMX: &str = r#"<tmx><header srclang="zh-CN"/><body>
<tu tuid="a"><prop type="x-confidence">0.800</prop><tuv xml:lang="zh-CN"><seg>猫</seg></tuv><tuv xml:lang="ru-RU"><seg>кот</seg></tuv></tu>
<tu tuid="b"><tuv xml:lang="zh-CN"><seg>有3只狗</seg></tuv><tuv xml:lang="ru-RU"><seg>4 собаки</seg></tuv></tu>
<tu tuid="c"><tuv xml:lang="zh-CN"><seg>鸟</seg></tuv><tuv xml:lang="ru-RU"><seg>птица</seg></tuv></tu>
</body></tmx>"#;

    fn csv_of(rows: &[ReviewRow]) -> Vec<u8> {
        let mut out = Vec::new();
        write_review_csv(&mut out, rows).unwrap();
        out
    }

    #[test]
    fn export_then_import_applies_decisions() {
        let doc = read_tmx_bytes(Path::new("t.tmx"), TMX.as_bytes()).unwrap();
        let map = LangMap::default();
        let mut rows = export_rows(&doc, Path::new("t.tmx"), &map).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].confidence, "0.800");
        assert_eq!(rows[1].flags, "number-mismatch");
        rows[1].status = ReviewStatus::Fix;
        rows[1].target = "3 собаки".into();
        rows[1].comment = "count checked".into();
        rows[2].status = ReviewStatus::Reject;
        let bytes = csv_of(&rows);
        let parsed = read_review_csv(Path::new("r.csv"), &bytes).unwrap();
        assert_eq!(parsed[1].line, 3);
        let (_, records, report) =
            apply_review(&doc, Path::new("t.tmx"), &parsed, Path::new("r.csv"), &map).unwrap();
        // a blank status is "not reviewed", not "ok" (#12)
        assert_eq!(
            (
                report.ok,
                report.not_reviewed,
                report.fixed,
                report.rejected,
                report.written
            ),
            (0, 1, 1, 1, 2)
        );
        assert_eq!(records[1].target, "3 собаки");
        assert_eq!(records[1].notes, vec!["count checked".to_string()]);
        assert_eq!(report.comments, 1);
        assert_eq!(records[1].tuid, "b");
    }

    #[test]
    fn refuses_mismatched_rows() {
        let doc = read_tmx_bytes(Path::new("t.tmx"), TMX.as_bytes()).unwrap();
        let map = LangMap::default();
        let rows = export_rows(&doc, Path::new("t.tmx"), &map).unwrap();
        let check = |rows: Vec<ReviewRow>, needle: &str| {
            let parsed = read_review_csv(Path::new("r.csv"), &csv_of(&rows)).unwrap();
            let e = apply_review(&doc, Path::new("t.tmx"), &parsed, Path::new("r.csv"), &map)
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{e}");
            assert!(e.starts_with("r.csv: line "), "{e}");
        };
        let mut r = rows.clone();
        r[0].id = 9;
        check(r, "has no unit 9");
        let mut r = rows.clone();
        r[2].id = 1;
        check(r, "already given at line 2");
        let mut r = rows.clone();
        r[2].target = "змея".into();
        check(r, "texts differ");
        // whitespace changes by a spreadsheet are no edit
        let mut r = rows.clone();
        r[2].target = " птица\r\n".into();
        let parsed = read_review_csv(Path::new("r.csv"), &csv_of(&r)).unwrap();
        let (_, records, _) =
            apply_review(&doc, Path::new("t.tmx"), &parsed, Path::new("r.csv"), &map).unwrap();
        assert_eq!(records[2].target, "птица");
        let mut r = rows;
        r[0].status = ReviewStatus::Fix;
        r[0].source = " ".into();
        check(r, "leaves a side empty");
        // wrong columns
        let e = read_review_csv(Path::new("r.csv"), b"id,confidence\n1,2\n").unwrap_err();
        assert!(e.to_string().contains("line 1: the columns are"), "{e}");
        let e = read_review_csv(
            Path::new("r.csv"),
            "id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment\n1,,,a,b,,,,maybe,\n".as_bytes(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("line 2: status \"maybe\""), "{e}");
    }

    #[test]
    fn keys_tie_rows_to_units_and_older_csvs_without_keys_still_read() {
        let doc = read_tmx_bytes(Path::new("t.tmx"), TMX.as_bytes()).unwrap();
        let map = LangMap::default();
        let rows = export_rows(&doc, Path::new("t.tmx"), &map).unwrap();
        assert!(rows
            .iter()
            .all(|r| r.key.starts_with('k') && r.key.len() == 17));
        // a fix row moved to another id
        let mut r = rows.clone();
        r[1].status = ReviewStatus::Fix;
        r[1].target = "3 собаки".into();
        r[1].id = 3;
        r.remove(2);
        let parsed = read_review_csv(Path::new("r.csv"), &csv_of(&r)).unwrap();
        let e = apply_review(&doc, Path::new("t.tmx"), &parsed, Path::new("r.csv"), &map)
            .unwrap_err()
            .to_string();
        assert!(e.contains("key does not match unit 3"), "{e}");
        // the 10-column CSV of an older tmalign: no key, still read
        let legacy = "id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment\n2,,,有3只狗,3 собаки,,,,fix,\n";
        let parsed = read_review_csv(Path::new("r.csv"), legacy.as_bytes()).unwrap();
        assert_eq!(parsed[0].key, "");
        let (_, records, report) =
            apply_review(&doc, Path::new("t.tmx"), &parsed, Path::new("r.csv"), &map).unwrap();
        assert_eq!((report.fixed, records[1].target.as_str()), (1, "3 собаки"));
    }
}
