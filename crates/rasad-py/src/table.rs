//! Events as Arrow columns: one row per event, typed, with the location and the actors
//! flattened (`location_lat`, `actor1_name`…), the spans and per-field confidences as JSON
//! columns, and `event_json` — the event exactly as `rasad extract` writes it — so a table
//! can go back into [`crate::merging`] (or anywhere the contract is read) without losing a
//! field. An article that fails is one row with `error` set and no event columns; an
//! article without events has no row.
//!
//! `day_start`/`day_end` are the inclusive day range of the event's date in days since
//! 1970-01-01 ([`rasad_merge::day_range`]): the Spark merge keys its groups on them.

use crate::articles::Row;
use crate::Result;
use arrow_array::builder::{Float64Builder, Int32Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rasad_model::{Actor, ArticleResult, Event, Status};
use std::sync::{Arc, OnceLock};

/// Column names and types, in order (all nullable but `article_id`).
const COLUMNS: &[(&str, Kind)] = &[
    ("article_id", Kind::Str),
    ("outlet", Kind::Str),
    ("url", Kind::Str),
    ("published", Kind::Str),
    ("error", Kind::Str),
    ("event_index", Kind::Int),
    ("event_id", Kind::Str),
    ("event_type", Kind::Str),
    ("sub_event_type", Kind::Str),
    ("date", Kind::Str),
    ("time_precision", Kind::Int),
    ("day_start", Kind::Int),
    ("day_end", Kind::Int),
    ("country", Kind::Str),
    ("admin1", Kind::Str),
    ("location_name_ar", Kind::Str),
    ("location_name", Kind::Str),
    ("location_country", Kind::Str),
    ("location_admin1", Kind::Str),
    ("location_admin2", Kind::Str),
    ("location_admin3", Kind::Str),
    ("location_pcode", Kind::Str),
    ("location_lat", Kind::Float),
    ("location_lon", Kind::Float),
    ("location_geo_precision", Kind::Int),
    ("location_gazetteer_id", Kind::Str),
    ("actor1_name", Kind::Str),
    ("actor1_name_ar", Kind::Str),
    ("actor1_actor_id", Kind::Str),
    ("actor1_inter", Kind::Int),
    ("actor2_name", Kind::Str),
    ("actor2_name_ar", Kind::Str),
    ("actor2_actor_id", Kind::Str),
    ("actor2_inter", Kind::Int),
    ("fatalities", Kind::Int),
    ("injuries", Kind::Int),
    ("weapons", Kind::StrList),
    ("status", Kind::Str),
    ("notes", Kind::Str),
    ("confidence", Kind::Float),
    ("field_confidence", Kind::Str),
    ("spans", Kind::Str),
    ("event_json", Kind::Str),
];

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Float,
    StrList,
}

fn data_type(k: Kind) -> DataType {
    match k {
        Kind::Str => DataType::Utf8,
        Kind::Int => DataType::Int32,
        Kind::Float => DataType::Float64,
        Kind::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
    }
}

/// The schema of event tables (`extract_arrow`, Spark's `extract_events`).
pub fn event_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(
            COLUMNS
                .iter()
                .map(|&(n, k)| Field::new(n, data_type(k), n != "article_id"))
                .collect::<Vec<_>>(),
        ))
    })
    .clone()
}

enum Col {
    Str(StringBuilder),
    Int(Int32Builder),
    Float(Float64Builder),
    StrList(ListBuilder<StringBuilder>),
}

/// Builds an event table row by row.
pub struct EventTable {
    cols: Vec<Col>,
    rows: usize,
}

impl Default for EventTable {
    fn default() -> Self {
        EventTable::new()
    }
}

/// One cell value while a row is written.
enum V<'a> {
    S(Option<&'a str>),
    I(Option<i64>),
    F(Option<f64>),
    L(&'a [String]),
}

/// An actor's flattened fields: name, Arabic name, lexicon id, inter code.
fn actor(a: &Option<Actor>) -> Option<(&str, &str, Option<&str>, u8)> {
    a.as_ref().map(|a| (a.name.as_str(), a.name_ar.as_str(), a.actor_id.as_deref(), a.inter))
}

fn int<T: Into<i64>>(v: Option<T>) -> V<'static> {
    V::I(v.map(Into::into))
}

impl EventTable {
    pub fn new() -> EventTable {
        let cols = COLUMNS
            .iter()
            .map(|&(_, k)| match k {
                Kind::Str => Col::Str(StringBuilder::new()),
                Kind::Int => Col::Int(Int32Builder::new()),
                Kind::Float => Col::Float(Float64Builder::new()),
                Kind::StrList => Col::StrList(ListBuilder::new(StringBuilder::new())),
            })
            .collect();
        EventTable { cols, rows: 0 }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn push(&mut self, values: [V; 43]) {
        for (col, v) in self.cols.iter_mut().zip(values) {
            match (col, v) {
                (Col::Str(b), V::S(s)) => b.append_option(s),
                (Col::Int(b), V::I(i)) => b.append_option(i.map(|i| i.clamp(i32::MIN as i64, i32::MAX as i64) as i32)),
                (Col::Float(b), V::F(f)) => b.append_option(f),
                (Col::StrList(b), V::L(l)) => {
                    for s in l {
                        b.values().append_value(s);
                    }
                    b.append(true);
                }
                // The value list below is written in COLUMNS' order; a mismatch is a bug
                // caught by the tests, never by input: fill a null rather than panic.
                (Col::Str(b), _) => b.append_null(),
                (Col::Int(b), _) => b.append_null(),
                (Col::Float(b), _) => b.append_null(),
                (Col::StrList(b), _) => b.append_null(),
            }
        }
        self.rows += 1;
    }

    /// The rows of one article's result: one per event, or one error row.
    pub fn push_result(&mut self, row: &Row, result: &ArticleResult) {
        match result {
            ArticleResult::Ok { id, events } => {
                for (i, e) in events.iter().enumerate() {
                    self.push_event(id, row.outlet.as_deref(), row.url.as_deref(), row.published.as_deref(), i, e);
                }
            }
            ArticleResult::Err { id, error } => self.push_error(id, row, error),
        }
    }

    /// An article that could not be processed.
    pub fn push_error(&mut self, id: &str, row: &Row, error: &str) {
        let mut v: [V; 43] = std::array::from_fn(|k| match COLUMNS[k].1 {
            Kind::Str => V::S(None),
            Kind::Int => V::I(None),
            Kind::Float => V::F(None),
            Kind::StrList => V::L(&[]),
        });
        v[0] = V::S(Some(id));
        v[1] = V::S(row.outlet.as_deref());
        v[2] = V::S(row.url.as_deref());
        v[3] = V::S(row.published.as_deref());
        v[4] = V::S(Some(error));
        self.push(v);
    }

    /// One event, the `index`-th (from 0) of article `id`.
    pub fn push_event(&mut self, id: &str, outlet: Option<&str>, url: Option<&str>, published: Option<&str>, index: usize, e: &Event) {
        // serde's bytes are the CLI's bytes (rasad-model's `same_bytes_as_serde_json`).
        let event_json = serde_json::to_vec(e).ok().and_then(|b| String::from_utf8(b).ok());
        let spans = serde_json::to_string(&e.spans).ok();
        let fc = serde_json::to_string(&e.field_confidence).ok();
        let days = e.date.as_deref().and_then(rasad_merge::day_range);
        let l = e.location.as_ref();
        let (a1, a2) = (actor(&e.actor1), actor(&e.actor2));
        let status = match e.status {
            Status::Current => "current",
            Status::Background => "background",
        };
        let values: [V; 43] = [
            V::S(Some(id)),
            V::S(outlet),
            V::S(url),
            V::S(published),
            V::S(None),
            int(Some(index as i64)),
            V::S(Some(&e.event_id)),
            V::S(Some(&e.event_type)),
            V::S(Some(&e.sub_event_type)),
            V::S(e.date.as_deref()),
            int(e.time_precision),
            int(days.map(|d| d.0)),
            int(days.map(|d| d.1)),
            V::S(e.country.as_deref()),
            V::S(e.admin1.as_deref()),
            V::S(l.map(|l| l.name_ar.as_str())),
            V::S(l.and_then(|l| l.name.as_deref())),
            V::S(l.and_then(|l| l.country.as_deref())),
            V::S(l.and_then(|l| l.admin1.as_deref())),
            V::S(l.and_then(|l| l.admin2.as_deref())),
            V::S(l.and_then(|l| l.admin3.as_deref())),
            V::S(l.and_then(|l| l.pcode.as_deref())),
            V::F(l.and_then(|l| l.lat)),
            V::F(l.and_then(|l| l.lon)),
            int(l.and_then(|l| l.geo_precision)),
            V::S(l.and_then(|l| l.gazetteer_id.as_deref())),
            V::S(a1.map(|a| a.0)),
            V::S(a1.map(|a| a.1)),
            V::S(a1.and_then(|a| a.2)),
            int(a1.map(|a| a.3)),
            V::S(a2.map(|a| a.0)),
            V::S(a2.map(|a| a.1)),
            V::S(a2.and_then(|a| a.2)),
            int(a2.map(|a| a.3)),
            int(e.fatalities),
            int(e.injuries),
            V::L(&e.weapons),
            V::S(Some(status)),
            V::S(Some(&e.notes)),
            V::F(Some(e.confidence as f64)),
            V::S(fc.as_deref()),
            V::S(spans.as_deref()),
            V::S(event_json.as_deref()),
        ];
        self.push(values);
    }

    /// The rows so far as one record batch (the builder is left empty).
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Col::Str(b) => Arc::new(b.finish()),
                    Col::Int(b) => Arc::new(b.finish()),
                    Col::Float(b) => Arc::new(b.finish()),
                    Col::StrList(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        Ok(RecordBatch::try_new(event_schema(), arrays)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Int32Array, ListArray, StringArray};

    fn event() -> Event {
        let v = serde_json::json!({
            "event_id": "a#1", "event_type": "Battles", "sub_event_type": "Armed clash",
            "date": "2024-02-28", "time_precision": 1, "country": "Syria", "admin1": "Idlib",
            "location": {"name_ar": "كفرنبل", "name": "Kafr Nabl", "admin1": "Idlib", "lat": 35.6, "lon": 36.5, "geo_precision": 1, "span": [3, 9]},
            "actor1": {"name": "Military Forces of Syria", "name_ar": "الجيش السوري", "inter": 1, "span": [10, 20]},
            "actor2": null, "fatalities": 3, "injuries": null, "weapons": ["artillery"],
            "status": "background", "notes": "n", "confidence": 0.5,
            "spans": {"sentence": [0, 40], "trigger": [21, 25]}
        });
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn schema_matches_columns_and_rows_match_values() {
        assert_eq!(event_schema().fields().len(), COLUMNS.len());
        let mut t = EventTable::new();
        let e = event();
        t.push_event("a", Some("سانا"), None, Some("2024-02-29"), 0, &e);
        t.push_error("b", &Row { id: "b".into(), outlet: Some("x".into()), ..Default::default() }, "article has no text");
        let b = t.finish().unwrap();
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.schema(), event_schema());
        let s = |n: &str| b.column_by_name(n).unwrap().as_any().downcast_ref::<StringArray>().unwrap().clone();
        let i = |n: &str| b.column_by_name(n).unwrap().as_any().downcast_ref::<Int32Array>().unwrap().clone();
        assert_eq!(s("article_id").value(1), "b");
        assert_eq!(s("error").value(1), "article has no text");
        assert!(s("error").is_null(0));
        assert!(s("event_type").is_null(1));
        assert_eq!(s("location_name").value(0), "Kafr Nabl");
        assert_eq!(s("actor1_name_ar").value(0), "الجيش السوري");
        assert!(s("actor2_name").is_null(0));
        assert_eq!(s("status").value(0), "background");
        assert_eq!(i("fatalities").value(0), 3);
        assert!(i("injuries").is_null(0));
        let d = rasad_merge::day_range("2024-02-28").unwrap().0;
        assert_eq!(i("day_start").value(0) as i64, d);
        assert_eq!(i("day_end").value(0) as i64, d);
        let w = b.column_by_name("weapons").unwrap().as_any().downcast_ref::<ListArray>().unwrap();
        assert_eq!(w.value(0).as_any().downcast_ref::<StringArray>().unwrap().value(0), "artillery");
        assert_eq!(w.value(1).len(), 0);
        // event_json round-trips to the same event.
        let back: Event = serde_json::from_str(s("event_json").value(0)).unwrap();
        assert_eq!(back, e);
        let spans: serde_json::Value = serde_json::from_str(s("spans").value(0)).unwrap();
        assert_eq!(spans["trigger"], serde_json::json!([21, 25]));
    }
}
