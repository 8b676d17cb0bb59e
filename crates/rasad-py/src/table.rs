//! Events as Arrow columns: one row per event, typed, with the location and the actors
//! flattened (`location_lat`, `actor1_name`, `location_span`…) and the spans and per-field
//! confidences as JSON columns. The columns hold every field of the contract and nothing
//! twice: [`read_events`] turns rows back into the very events (`rasad.to_contract`, the
//! merge), so no copy of the event as JSON has to travel with each row (it doubled the
//! bytes Spark moves per event). An article that fails is one row with `error` set and no
//! event columns; an article without events has no row.
//!
//! `day_start`/`day_end` are the inclusive day range of the event's date in days since
//! 1970-01-01 ([`rasad_merge::day_range`]): the Spark merge keys its groups on them.

use crate::articles::Row;
use crate::Result;
use crate::PyError;
use arrow_array::builder::{Float32Builder, Float64Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, Float32Array, Float64Array, Int32Array, Int64Array, ListArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rasad_model::{Actor, ArticleResult, Event, Location, Span, Status};
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
    ("fatalities", Kind::Long),
    ("injuries", Kind::Long),
    ("weapons", Kind::StrList),
    ("status", Kind::Str),
    ("notes", Kind::Str),
    ("confidence", Kind::F32),
    ("field_confidence", Kind::Str),
    ("spans", Kind::Str),
    ("location_span", Kind::IntList),
    ("actor1_span", Kind::IntList),
    ("actor2_span", Kind::IntList),
];

/// Number of columns of the event schema.
pub const N_COLUMNS: usize = 45;

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Long,
    Float,
    F32,
    StrList,
    IntList,
}

fn data_type(k: Kind) -> DataType {
    match k {
        Kind::Str => DataType::Utf8,
        Kind::Int => DataType::Int32,
        Kind::Long => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::F32 => DataType::Float32,
        Kind::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        Kind::IntList => DataType::List(Arc::new(Field::new("item", DataType::Int32, true))),
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
    Long(Int64Builder),
    Float(Float64Builder),
    F32(Float32Builder),
    StrList(ListBuilder<StringBuilder>),
    IntList(ListBuilder<Int32Builder>),
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
    F32(f32),
    L(&'a [String]),
    Span(Option<Span>),
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
                Kind::Long => Col::Long(Int64Builder::new()),
                Kind::Float => Col::Float(Float64Builder::new()),
                Kind::F32 => Col::F32(Float32Builder::new()),
                Kind::StrList => Col::StrList(ListBuilder::new(StringBuilder::new())),
                Kind::IntList => Col::IntList(ListBuilder::new(Int32Builder::new())),
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

    fn push(&mut self, values: [V; N_COLUMNS]) {
        for (col, v) in self.cols.iter_mut().zip(values) {
            match (col, v) {
                (Col::Str(b), V::S(s)) => b.append_option(s),
                // Every Int column holds a u8 or a position: within i32.
                (Col::Int(b), V::I(i)) => b.append_option(i.map(|i| i.clamp(i32::MIN as i64, i32::MAX as i64) as i32)),
                (Col::Long(b), V::I(i)) => b.append_option(i),
                (Col::Float(b), V::F(f)) => b.append_option(f),
                (Col::F32(b), V::F32(f)) => b.append_value(f),
                (Col::StrList(b), V::L(l)) => {
                    for s in l {
                        b.values().append_value(s);
                    }
                    b.append(true);
                }
                (Col::IntList(b), V::Span(Some(sp))) => {
                    b.values().append_value(sp.0.min(i32::MAX as usize) as i32);
                    b.values().append_value(sp.1.min(i32::MAX as usize) as i32);
                    b.append(true);
                }
                // The value list below is written in COLUMNS' order (a mismatch is a bug
                // the tests catch, never input), and absent values are nulls.
                (Col::Str(b), _) => b.append_null(),
                (Col::Int(b), _) => b.append_null(),
                (Col::Long(b), _) => b.append_null(),
                (Col::Float(b), _) => b.append_null(),
                (Col::F32(b), _) => b.append_null(),
                (Col::StrList(b), _) => b.append_null(),
                (Col::IntList(b), _) => b.append_null(),
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
        let mut v: [V; N_COLUMNS] = std::array::from_fn(|_| V::S(None));
        v[0] = V::S(Some(id));
        v[1] = V::S(row.outlet.as_deref());
        v[2] = V::S(row.url.as_deref());
        v[3] = V::S(row.published.as_deref());
        v[4] = V::S(Some(error));
        self.push(v);
    }

    /// One event, the `index`-th (from 0) of article `id`.
    pub fn push_event(&mut self, id: &str, outlet: Option<&str>, url: Option<&str>, published: Option<&str>, index: usize, e: &Event) {
        let spans = serde_json::to_string(&e.spans).ok();
        let fc = serde_json::to_string(&e.field_confidence).ok();
        let days = e.date.as_deref().and_then(rasad_merge::day_range);
        let l = e.location.as_ref();
        let (a1, a2) = (actor(&e.actor1), actor(&e.actor2));
        let status = match e.status {
            Status::Current => "current",
            Status::Background => "background",
        };
        let values: [V; N_COLUMNS] = [
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
            V::F32(e.confidence),
            V::S(fc.as_deref()),
            V::S(spans.as_deref()),
            V::Span(l.and_then(|l| l.span)),
            V::Span(e.actor1.as_ref().and_then(|a| a.span)),
            V::Span(e.actor2.as_ref().and_then(|a| a.span)),
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
                    Col::Long(b) => Arc::new(b.finish()),
                    Col::Float(b) => Arc::new(b.finish()),
                    Col::F32(b) => Arc::new(b.finish()),
                    Col::StrList(b) => Arc::new(b.finish()),
                    Col::IntList(b) => Arc::new(b.finish()),
                }
            })
            .collect();
        self.rows = 0;
        Ok(RecordBatch::try_new(event_schema(), arrays)?)
    }
}

/// One row of an event table read back: an article's event, or its error.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRow {
    pub article_id: String,
    /// Position of the event in its article (from 0); `None` on error rows.
    pub index: Option<u32>,
    /// The event, or the article's error.
    pub event: std::result::Result<Event, String>,
}

fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> Result<&'a T> {
    let c = b.column_by_name(name).ok_or_else(|| PyError::Column {
        name: name.into(),
        msg: "missing: not a table of rasad events".into(),
    })?;
    c.as_any().downcast_ref::<T>().ok_or_else(|| PyError::Column {
        name: name.into(),
        msg: format!("expected {}, found {}", COLUMNS.iter().find(|c| c.0 == name).map(|c| data_type(c.1).to_string()).unwrap_or_default(), c.data_type()),
    })
}

fn s_opt(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_string())
}

fn t_opt(a: &StringArray, i: usize) -> Option<rasad_model::Text> {
    s_opt(a, i).map(Into::into)
}

fn u8_opt(a: &Int32Array, i: usize) -> Option<u8> {
    (!a.is_null(i)).then(|| a.value(i).clamp(0, 255) as u8)
}

fn u32_opt(a: &Int64Array, i: usize) -> Option<u32> {
    (!a.is_null(i)).then(|| a.value(i).clamp(0, u32::MAX as i64) as u32)
}

fn span_at(a: &ListArray, i: usize) -> Option<Span> {
    if a.is_null(i) {
        return None;
    }
    let v = a.value(i);
    let v = v.as_any().downcast_ref::<Int32Array>()?;
    (v.len() == 2 && v.null_count() == 0).then(|| Span(v.value(0).max(0) as usize, v.value(1).max(0) as usize))
}

/// The events (and error rows) of an event table, exactly as they were written: every
/// field of the contract comes back from its column.
pub fn read_events(b: &RecordBatch) -> Result<Vec<ReadRow>> {
    let s = |n: &str| col::<StringArray>(b, n);
    let i32c = |n: &str| col::<Int32Array>(b, n);
    let i64c = |n: &str| col::<Int64Array>(b, n);
    let f64c = |n: &str| col::<Float64Array>(b, n);
    let lst = |n: &str| col::<ListArray>(b, n);
    let (article, error, index, event_id) = (s("article_id")?, s("error")?, i32c("event_index")?, s("event_id")?);
    let (etype, sub, date, tp) = (s("event_type")?, s("sub_event_type")?, s("date")?, i32c("time_precision")?);
    let (country, admin1) = (s("country")?, s("admin1")?);
    let l = [
        s("location_name_ar")?, s("location_name")?, s("location_country")?, s("location_admin1")?,
        s("location_admin2")?, s("location_admin3")?, s("location_pcode")?, s("location_gazetteer_id")?,
    ];
    let (lat, lon, gp, lspan) = (f64c("location_lat")?, f64c("location_lon")?, i32c("location_geo_precision")?, lst("location_span")?);
    let a1 = (s("actor1_name")?, s("actor1_name_ar")?, s("actor1_actor_id")?, i32c("actor1_inter")?, lst("actor1_span")?);
    let a2 = (s("actor2_name")?, s("actor2_name_ar")?, s("actor2_actor_id")?, i32c("actor2_inter")?, lst("actor2_span")?);
    let (fat, inj, weapons, status, notes) = (i64c("fatalities")?, i64c("injuries")?, lst("weapons")?, s("status")?, s("notes")?);
    let (conf, fc, spans) = (col::<Float32Array>(b, "confidence")?, s("field_confidence")?, s("spans")?);
    let actor = |a: &(&StringArray, &StringArray, &StringArray, &Int32Array, &ListArray), i: usize| -> Option<Actor> {
        (!a.1.is_null(i)).then(|| Actor {
            name: s_opt(a.0, i).unwrap_or_default(),
            name_ar: a.1.value(i).to_string(),
            actor_id: s_opt(a.2, i),
            inter: u8_opt(a.3, i).unwrap_or(0),
            span: span_at(a.4, i),
        })
    };
    let mut out = Vec::with_capacity(b.num_rows());
    for i in 0..b.num_rows() {
        let article_id = s_opt(article, i).unwrap_or_default();
        if !error.is_null(i) || etype.is_null(i) {
            let msg = s_opt(error, i).unwrap_or_else(|| "row without an event".into());
            out.push(ReadRow { article_id, index: None, event: Err(msg) });
            continue;
        }
        let bad = |what: &str, e: serde_json::Error| PyError::Column { name: what.into(), msg: format!("row {i}: {e}") };
        let field_confidence = match s_opt(fc, i) {
            Some(j) => serde_json::from_str(&j).map_err(|e| bad("field_confidence", e))?,
            None => Default::default(),
        };
        let spans = match s_opt(spans, i) {
            Some(j) => serde_json::from_str(&j).map_err(|e| bad("spans", e))?,
            None => Default::default(),
        };
        let location = (!l[0].is_null(i)).then(|| Location {
            name_ar: l[0].value(i).to_string(),
            name: t_opt(l[1], i),
            country: t_opt(l[2], i),
            admin1: t_opt(l[3], i),
            admin2: t_opt(l[4], i),
            admin3: t_opt(l[5], i),
            pcode: t_opt(l[6], i),
            lat: (!lat.is_null(i)).then(|| lat.value(i)),
            lon: (!lon.is_null(i)).then(|| lon.value(i)),
            geo_precision: u8_opt(gp, i),
            gazetteer_id: t_opt(l[7], i),
            span: span_at(lspan, i),
        });
        let weapons = if weapons.is_null(i) {
            Vec::new()
        } else {
            let w = weapons.value(i);
            match w.as_any().downcast_ref::<StringArray>() {
                Some(w) => (0..w.len()).filter(|&k| !w.is_null(k)).map(|k| w.value(k).to_string()).collect(),
                None => Vec::new(),
            }
        };
        let event = Event {
            event_id: s_opt(event_id, i).unwrap_or_default(),
            event_type: etype.value(i).to_string(),
            sub_event_type: s_opt(sub, i).unwrap_or_default(),
            date: s_opt(date, i),
            time_precision: u8_opt(tp, i),
            country: t_opt(country, i),
            admin1: t_opt(admin1, i),
            location,
            actor1: actor(&a1, i),
            actor2: actor(&a2, i),
            fatalities: u32_opt(fat, i),
            injuries: u32_opt(inj, i),
            weapons,
            status: if !status.is_null(i) && status.value(i) == "background" { Status::Background } else { Status::Current },
            notes: s_opt(notes, i).unwrap_or_default(),
            confidence: if conf.is_null(i) { 0.0 } else { conf.value(i) },
            field_confidence,
            spans,
        };
        let index = (!index.is_null(i)).then(|| index.value(i).max(0) as u32);
        out.push(ReadRow { article_id, index, event: Ok(event) });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int32Array, Int64Array, ListArray, StringArray};

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
        let l = |n: &str| b.column_by_name(n).unwrap().as_any().downcast_ref::<Int64Array>().unwrap().clone();
        assert_eq!(l("fatalities").value(0), 3);
        assert!(l("injuries").is_null(0));
        let d = rasad_merge::day_range("2024-02-28").unwrap().0;
        assert_eq!(i("day_start").value(0) as i64, d);
        assert_eq!(i("day_end").value(0) as i64, d);
        let w = b.column_by_name("weapons").unwrap().as_any().downcast_ref::<ListArray>().unwrap();
        assert_eq!(w.value(0).as_any().downcast_ref::<StringArray>().unwrap().value(0), "artillery");
        assert_eq!(w.value(1).len(), 0);
        // The columns give the same event back, and the error row its error.
        let back = read_events(&b).unwrap();
        assert_eq!(back[0], ReadRow { article_id: "a".into(), index: Some(0), event: Ok(e.clone()) });
        assert_eq!(back[1].event, Err("article has no text".to_string()));
        assert_eq!(N_COLUMNS, COLUMNS.len());
        let spans: serde_json::Value = serde_json::from_str(s("spans").value(0)).unwrap();
        assert_eq!(spans["trigger"], serde_json::json!([21, 25]));
    }
}
