//! Exports of stored events in the formats analysts already load.
//!
//! - `acled-csv`: exactly ACLED's 31 columns in ACLED's order ([`ACLED_COLUMNS`]), UTF-8,
//!   RFC 4180 quoting, so `pandas.read_csv` and R's `read.csv` load it as they load ACLED.
//! - `geojson`: a FeatureCollection of points (`[lon, lat]`); events the gazetteer could
//!   not place get `"geometry": null` (valid RFC 7946) rather than vanishing.
//! - `jsonl`: one event per line with every source (article, outlet, URL, mention spans).
//! - `parquet`: the ACLED columns typed (integers, floats, nullable coordinates).
//! - `mentions-jsonl`: one line per article in the extract contract, each event carrying
//!   its merged `event_id` (what `score_merge.py` reads).
//!
//! ACLED files (CSV, Parquet) never hold a row without `event_date`: how an event is
//! dated, and which events are left out, is [`dating`]'s rule. Files are written
//! atomically ([`export_to_path`], see [`atomic`]): a reader never sees half an export.

pub mod atomic;
pub mod dating;

pub use atomic::{export_to_path, write_atomically};
pub use dating::{acled_date, Undated};

use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;

use rasad_model::Status;
use rasad_store::{EventDetail, EventFilter, Page, Store, StoredEvent};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("store: {0}")]
    Store(#[from] rasad_store::StoreError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("unknown format {0:?} (acled-csv, geojson, jsonl, parquet, mentions-jsonl)")]
    Format(String),
}

pub type Result<T> = std::result::Result<T, ExportError>;

/// Output formats of `rasad export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    AcledCsv,
    GeoJson,
    Jsonl,
    Parquet,
    MentionsJsonl,
}

impl FromStr for Format {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Format> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "acled-csv" | "csv" | "acled" => Format::AcledCsv,
            "geojson" => Format::GeoJson,
            "jsonl" => Format::Jsonl,
            "parquet" => Format::Parquet,
            "mentions-jsonl" | "mentions" => Format::MentionsJsonl,
            other => return Err(ExportError::Format(other.into())),
        })
    }
}

/// ACLED's columns, in ACLED's order.
pub const ACLED_COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// ISO 3166 numeric code, alpha-3 code and ACLED region of the countries Rasad covers.
fn country_codes(country: &str) -> Option<(u16, &'static str, &'static str)> {
    let me = "Middle East";
    let na = "Northern Africa";
    Some(match country.trim().to_ascii_lowercase().as_str() {
        "syria" => (760, "SYR", me),
        "iraq" => (368, "IRQ", me),
        "lebanon" => (422, "LBN", me),
        "palestine" => (275, "PSE", me),
        "israel" => (376, "ISR", me),
        "jordan" => (400, "JOR", me),
        "yemen" => (887, "YEM", me),
        "saudi arabia" => (682, "SAU", me),
        "turkey" | "türkiye" => (792, "TUR", me),
        "iran" => (364, "IRN", me),
        "kuwait" => (414, "KWT", me),
        "bahrain" => (48, "BHR", me),
        "qatar" => (634, "QAT", me),
        "united arab emirates" => (784, "ARE", me),
        "oman" => (512, "OMN", me),
        "libya" => (434, "LBY", na),
        "egypt" => (818, "EGY", na),
        "tunisia" => (788, "TUN", na),
        "algeria" => (12, "DZA", na),
        "morocco" => (504, "MAR", na),
        "sudan" => (729, "SDN", na),
        "somalia" => (706, "SOM", "Eastern Africa"),
        _ => return None,
    })
}

/// ACLED disorder type of an event/sub-event type.
fn disorder_type(event_type: &str, sub: &str) -> &'static str {
    match (event_type, sub) {
        ("Protests", "Excessive force against protesters") => "Political violence; Demonstrations",
        ("Protests", _) => "Demonstrations",
        ("Riots", "Mob violence") => "Political violence",
        ("Riots", _) => "Demonstrations",
        ("Strategic developments", _) => "Strategic developments",
        _ => "Political violence",
    }
}

/// ACLED interaction code: the two inter codes, smaller first (`13`), or `x0` for one side.
fn interaction(a: u8, b: u8) -> Option<u16> {
    match (a, b) {
        (0, 0) => None,
        (x, 0) | (0, x) => Some(x as u16 * 10),
        (x, y) => Some(x.min(y) as u16 * 10 + x.max(y) as u16),
    }
}

/// A typed ACLED row (the CSV writes it as text, Parquet keeps the types).
#[derive(Debug, Clone, PartialEq)]
pub struct AcledRow {
    pub event_id_cnty: String,
    pub event_date: String,
    pub year: Option<i32>,
    pub time_precision: Option<i32>,
    pub disorder_type: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub actor1: String,
    pub assoc_actor_1: String,
    pub inter1: Option<i32>,
    pub actor2: String,
    pub assoc_actor_2: String,
    pub inter2: Option<i32>,
    pub interaction: Option<i32>,
    pub civilian_targeting: String,
    pub iso: Option<i32>,
    pub region: String,
    pub country: String,
    pub admin1: String,
    pub admin2: String,
    pub admin3: String,
    pub location: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub geo_precision: Option<i32>,
    pub source: String,
    pub source_scale: String,
    pub notes: String,
    pub fatalities: i32,
    pub tags: String,
    pub timestamp: i64,
}

/// The ACLED row of a stored event with its sources; `None` when nothing dates the event
/// (see [`dating`]: such an event is left out of ACLED files).
pub fn acled_row(d: &EventDetail) -> Option<AcledRow> {
    let date = acled_date(d)?;
    Some(build_row(d, Some(date)))
}

/// The ACLED columns of an event nothing dates (for GeoJSON, which keeps it).
fn undated_row(d: &EventDetail) -> AcledRow {
    build_row(d, None)
}

fn build_row(d: &EventDetail, date: Option<(String, i32)>) -> AcledRow {
    let (event_date, time_precision) = match date {
        Some((day, p)) => (day, Some(p)),
        None => (String::new(), None),
    };
    let e = &d.event.event;
    let loc = e.location.as_ref();
    let country = e
        .country
        .as_deref()
        .or_else(|| loc.and_then(|l| l.country.as_deref()))
        .unwrap_or_default()
        .to_string();
    let codes = country_codes(&country);
    let name = |a: &Option<rasad_model::Actor>| {
        a.as_ref()
            .map(|a| {
                if a.name.trim().is_empty() {
                    a.name_ar.clone()
                } else {
                    a.name.clone()
                }
            })
            .unwrap_or_default()
    };
    let inter = |a: &Option<rasad_model::Actor>| a.as_ref().map(|a| a.inter).filter(|&i| i > 0);
    let (i1, i2) = (inter(&e.actor1), inter(&e.actor2));
    let civilian = e.event_type == "Violence against civilians" || i2 == Some(7);
    let mut outlets: Vec<String> = Vec::new();
    for s in &d.sources {
        if let Some(o) = s
            .outlet
            .as_ref()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
        {
            if !outlets.contains(&o) {
                outlets.push(o);
            }
        }
    }
    let mut notes = e.notes.trim().to_string();
    if e.status == Status::Background && notes.is_empty() {
        notes = "Reported only as background in later reports.".into();
    }
    AcledRow {
        event_id_cnty: format!(
            "{}{}",
            codes.map(|c| c.1).unwrap_or("XXX"),
            d.event.id.to_uppercase()
        ),
        year: event_date.get(..4).and_then(|y| y.parse().ok()),
        event_date,
        time_precision,
        disorder_type: disorder_type(&e.event_type, &e.sub_event_type).into(),
        event_type: e.event_type.clone(),
        sub_event_type: e.sub_event_type.clone(),
        actor1: name(&e.actor1),
        assoc_actor_1: String::new(),
        inter1: i1.map(i32::from),
        actor2: name(&e.actor2),
        assoc_actor_2: String::new(),
        inter2: i2.map(i32::from),
        interaction: interaction(i1.unwrap_or(0), i2.unwrap_or(0)).map(i32::from),
        civilian_targeting: if civilian {
            "Civilian targeting".into()
        } else {
            String::new()
        },
        iso: codes.map(|c| c.0 as i32),
        region: codes.map(|c| c.2).unwrap_or_default().into(),
        country,
        admin1: e
            .admin1
            .as_deref()
            .or_else(|| loc.and_then(|l| l.admin1.as_deref()))
            .unwrap_or_default()
            .to_string(),
        admin2: loc.and_then(|l| l.admin2.as_deref()).unwrap_or_default().to_string(),
        admin3: loc.and_then(|l| l.admin3.as_deref()).unwrap_or_default().to_string(),
        location: loc
            .map(|l| l.name.as_deref().unwrap_or(&l.name_ar).to_string())
            .unwrap_or_default(),
        latitude: loc.and_then(|l| l.lat).filter(|v| v.is_finite()),
        longitude: loc.and_then(|l| l.lon).filter(|v| v.is_finite()),
        geo_precision: loc.and_then(|l| l.geo_precision).map(i32::from),
        source: outlets.join("; "),
        source_scale: String::new(),
        notes,
        fatalities: e.fatalities.unwrap_or(0).min(i32::MAX as u32) as i32,
        tags: format!("rasad_sources={}", d.event.n_sources),
        timestamp: d.event.updated_at,
    }
}

impl AcledRow {
    /// The row as CSV text fields, in [`ACLED_COLUMNS`] order.
    pub fn fields(&self) -> [String; 31] {
        let o = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        let f = |v: Option<f64>| v.map(|v| format!("{v:.5}")).unwrap_or_default();
        [
            self.event_id_cnty.clone(),
            self.event_date.clone(),
            o(self.year),
            o(self.time_precision),
            self.disorder_type.clone(),
            self.event_type.clone(),
            self.sub_event_type.clone(),
            self.actor1.clone(),
            self.assoc_actor_1.clone(),
            o(self.inter1),
            self.actor2.clone(),
            self.assoc_actor_2.clone(),
            o(self.inter2),
            o(self.interaction),
            self.civilian_targeting.clone(),
            o(self.iso),
            self.region.clone(),
            self.country.clone(),
            self.admin1.clone(),
            self.admin2.clone(),
            self.admin3.clone(),
            self.location.clone(),
            f(self.latitude),
            f(self.longitude),
            o(self.geo_precision),
            self.source.clone(),
            self.source_scale.clone(),
            self.notes.clone(),
            self.fatalities.to_string(),
            self.tags.clone(),
            self.timestamp.to_string(),
        ]
    }
}

/// Stored events matching `filter` with their sources, oldest first (ACLED files are
/// chronological), in pages so a large store is not loaded at once.
fn for_each_detail(
    store: &Store,
    filter: &EventFilter,
    mut f: impl FnMut(EventDetail) -> Result<()>,
) -> Result<u64> {
    let events: Vec<StoredEvent> = store.events(filter, Page::ALL)?;
    let mut n = 0;
    for ev in events.into_iter().rev() {
        if let Some(d) = store.event(&ev.id)? {
            f(d)?;
            n += 1;
        }
    }
    Ok(n)
}

/// What an export wrote and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Records written: events, or articles for `mentions-jsonl`.
    pub written: u64,
    /// Events left out of an ACLED file (CSV, Parquet) because nothing dates them.
    pub undated: Undated,
}

/// Write the events matching `filter` to `out` in `format`.
pub fn export(
    store: &Store,
    format: Format,
    filter: &EventFilter,
    out: impl Write + Send,
) -> Result<ExportSummary> {
    let mut undated = Undated::default();
    let written = match format {
        Format::AcledCsv => write_csv(store, filter, out, &mut undated)?,
        Format::GeoJson => write_geojson(store, filter, out)?,
        Format::Jsonl => write_jsonl(store, filter, out)?,
        Format::Parquet => write_parquet(store, filter, out, &mut undated)?,
        Format::MentionsJsonl => write_mentions(store, out)?,
    };
    Ok(ExportSummary { written, undated })
}

fn write_csv(store: &Store, filter: &EventFilter, out: impl Write, undated: &mut Undated) -> Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ACLED_COLUMNS)?;
    let mut n = 0;
    for_each_detail(store, filter, |d| {
        match acled_row(&d) {
            Some(row) => {
                w.write_record(row.fields())?;
                n += 1;
            }
            None => undated.ids.push(d.event.id),
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}

fn write_jsonl(store: &Store, filter: &EventFilter, mut out: impl Write) -> Result<u64> {
    let n = for_each_detail(store, filter, |d| {
        serde_json::to_writer(&mut out, &d)?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    Ok(n)
}

fn write_geojson(store: &Store, filter: &EventFilter, mut out: impl Write) -> Result<u64> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut first = true;
    let n = for_each_detail(store, filter, |d| {
        // GeoJSON keeps undated events (`event_date: null`); the ACLED columns it borrows
        // (names, place, coordinates) do not depend on the date.
        let row = acled_row(&d).unwrap_or_else(|| undated_row(&d));
        let geometry = match (row.longitude, row.latitude) {
            (Some(x), Some(y)) => serde_json::json!({"type": "Point", "coordinates": [x, y]}),
            _ => serde_json::Value::Null,
        };
        let e = &d.event.event;
        let sources: Vec<serde_json::Value> = d
            .sources
            .iter()
            .map(|s| serde_json::json!({"article_id": s.article_id, "outlet": s.outlet, "url": s.url, "published": s.published}))
            .collect();
        let feature = serde_json::json!({
            "type": "Feature",
            "id": d.event.id,
            "geometry": geometry,
            "properties": {
                "event_id": d.event.id,
                "event_date": e.date,
                "event_type": e.event_type,
                "sub_event_type": e.sub_event_type,
                "actor1": row.actor1,
                "actor2": row.actor2,
                "country": row.country,
                "admin1": row.admin1,
                "admin2": row.admin2,
                "location": row.location,
                "location_ar": e.location.as_ref().map(|l| l.name_ar.clone()),
                "geo_precision": row.geo_precision,
                "fatalities": e.fatalities,
                "status": e.status,
                "confidence": e.confidence,
                "notes": e.notes,
                "n_sources": d.event.n_sources,
                "sources": sources,
            }
        });
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut out, &feature)?;
        Ok(())
    })?;
    out.write_all(b"\n]}\n")?;
    out.flush()?;
    Ok(n)
}

fn write_mentions(store: &Store, mut out: impl Write) -> Result<u64> {
    let mut n = 0;
    let mut err: Option<ExportError> = None;
    store
        .mentions_by_article(|id, events| {
            let line = serde_json::json!({"id": id, "events": events});
            let r = serde_json::to_writer(&mut out, &line)
                .map_err(ExportError::from)
                .and_then(|_| Ok(out.write_all(b"\n")?));
            if let Err(e) = r {
                err = Some(e);
                return Err(rasad_store::StoreError::Filter("export interrupted".into()));
            }
            n += 1;
            Ok(())
        })
        .or_else(|e| if err.is_some() { Ok(()) } else { Err(e) })?;
    if let Some(e) = err {
        return Err(e);
    }
    out.flush()?;
    Ok(n)
}

/// The Arrow schema of the Parquet export: ACLED's columns with their natural types.
pub fn parquet_schema() -> arrow_schema::Schema {
    use arrow_schema::{DataType, Field};
    let t = |n: &str| Field::new(n, DataType::Utf8, false);
    let i = |n: &str, null: bool| Field::new(n, DataType::Int32, null);
    let fl = |n: &str| Field::new(n, DataType::Float64, true);
    arrow_schema::Schema::new(vec![
        t("event_id_cnty"),
        t("event_date"),
        i("year", true),
        i("time_precision", true),
        t("disorder_type"),
        t("event_type"),
        t("sub_event_type"),
        t("actor1"),
        t("assoc_actor_1"),
        i("inter1", true),
        t("actor2"),
        t("assoc_actor_2"),
        i("inter2", true),
        i("interaction", true),
        t("civilian_targeting"),
        i("iso", true),
        t("region"),
        t("country"),
        t("admin1"),
        t("admin2"),
        t("admin3"),
        t("location"),
        fl("latitude"),
        fl("longitude"),
        i("geo_precision", true),
        t("source"),
        t("source_scale"),
        t("notes"),
        i("fatalities", false),
        t("tags"),
        Field::new("timestamp", DataType::Int64, false),
    ])
}

/// Rows per Parquet row group (and per Arrow batch held in memory).
const BATCH: usize = 8192;

fn to_batch(
    schema: &Arc<arrow_schema::Schema>,
    rows: &[AcledRow],
) -> Result<arrow_array::RecordBatch> {
    use arrow_array::{ArrayRef, Float64Array, Int32Array, Int64Array, StringArray};
    let s = |f: fn(&AcledRow) -> &str| {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f))) as ArrayRef
    };
    let i = |f: fn(&AcledRow) -> Option<i32>| {
        Arc::new(Int32Array::from_iter(rows.iter().map(f))) as ArrayRef
    };
    let fl = |f: fn(&AcledRow) -> Option<f64>| {
        Arc::new(Float64Array::from_iter(rows.iter().map(f))) as ArrayRef
    };
    let cols: Vec<ArrayRef> = vec![
        s(|r| &r.event_id_cnty),
        s(|r| &r.event_date),
        i(|r| r.year),
        i(|r| r.time_precision),
        s(|r| &r.disorder_type),
        s(|r| &r.event_type),
        s(|r| &r.sub_event_type),
        s(|r| &r.actor1),
        s(|r| &r.assoc_actor_1),
        i(|r| r.inter1),
        s(|r| &r.actor2),
        s(|r| &r.assoc_actor_2),
        i(|r| r.inter2),
        i(|r| r.interaction),
        s(|r| &r.civilian_targeting),
        i(|r| r.iso),
        s(|r| &r.region),
        s(|r| &r.country),
        s(|r| &r.admin1),
        s(|r| &r.admin2),
        s(|r| &r.admin3),
        s(|r| &r.location),
        fl(|r| r.latitude),
        fl(|r| r.longitude),
        i(|r| r.geo_precision),
        s(|r| &r.source),
        s(|r| &r.source_scale),
        s(|r| &r.notes),
        i(|r| Some(r.fatalities)),
        s(|r| &r.tags),
        Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| r.timestamp),
        )) as ArrayRef,
    ];
    Ok(arrow_array::RecordBatch::try_new(schema.clone(), cols)?)
}

fn write_parquet(
    store: &Store,
    filter: &EventFilter,
    out: impl Write + Send,
    undated: &mut Undated,
) -> Result<u64> {
    let schema = Arc::new(parquet_schema());
    let mut w = parquet::arrow::ArrowWriter::try_new(out, schema.clone(), None)?;
    let mut rows: Vec<AcledRow> = Vec::new();
    let mut n = 0;
    for_each_detail(store, filter, |d| {
        let Some(row) = acled_row(&d) else {
            undated.ids.push(d.event.id);
            return Ok(());
        };
        rows.push(row);
        n += 1;
        if rows.len() >= BATCH {
            w.write(&to_batch(&schema, &rows)?)?;
            rows.clear();
        }
        Ok(())
    })?;
    if !rows.is_empty() {
        w.write(&to_batch(&schema, &rows)?)?;
    }
    w.close()?;
    Ok(n)
}

#[cfg(test)]
mod tests;
