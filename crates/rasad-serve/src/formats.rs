//! GeoJSON and ACLED-CSV renderings of a page of events (JSON is plain serde).

use crate::backend::EventRow;
use serde_json::{json, Value};

/// A GeoJSON FeatureCollection: one Point feature per event, `geometry: null` for events
/// whose place has no coordinates (valid GeoJSON; the dashboard skips them, a GIS keeps them).
pub fn geojson(rows: &[EventRow], total: u64) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| {
            let geometry = match r.event.location.as_ref().and_then(|l| Some((l.lon?, l.lat?))) {
                Some((lon, lat)) if lon.is_finite() && lat.is_finite() => {
                    json!({ "type": "Point", "coordinates": [lon, lat] })
                }
                _ => Value::Null,
            };
            json!({ "type": "Feature", "id": r.id, "geometry": geometry, "properties": r })
        })
        .collect();
    json!({ "type": "FeatureCollection", "total": total, "features": features })
}

/// ACLED's column names, in ACLED's order, for the fields Rasad has.
pub const CSV_COLUMNS: &[&str] = &[
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "inter1", "actor2", "inter2", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "notes", "fatalities", "status", "confidence",
    "source_count",
];

/// ACLED-style CSV (RFC 4180 quoting).
pub fn csv(rows: &[EventRow]) -> String {
    let mut out = String::with_capacity(64 + rows.len() * 256);
    out.push_str(&CSV_COLUMNS.join(","));
    out.push_str("\r\n");
    for r in rows {
        let e = &r.event;
        let loc = e.location.as_ref();
        let opt = |o: Option<&String>| o.cloned().unwrap_or_default();
        let num = |o: Option<f64>| o.map(|x| x.to_string()).unwrap_or_default();
        let actor = |a: &Option<rasad_model::Actor>| {
            a.as_ref().map(|a| if a.name.is_empty() { a.name_ar.clone() } else { a.name.clone() }).unwrap_or_default()
        };
        let inter = |a: &Option<rasad_model::Actor>| a.as_ref().map(|a| a.inter.to_string()).unwrap_or_default();
        let year = e.date.as_deref().and_then(|d| d.get(0..4)).unwrap_or("").to_string();
        let status = match e.status {
            rasad_model::Status::Current => "current",
            rasad_model::Status::Background => "background",
        };
        let fields = [
            r.id.clone(),
            e.date.clone().unwrap_or_default(),
            year,
            e.time_precision.map(|p| p.to_string()).unwrap_or_default(),
            e.event_type.clone(),
            e.sub_event_type.clone(),
            actor(&e.actor1),
            inter(&e.actor1),
            actor(&e.actor2),
            inter(&e.actor2),
            opt(e.country.as_ref()),
            opt(e.admin1.as_ref()),
            opt(loc.and_then(|l| l.admin2.as_ref())),
            opt(loc.and_then(|l| l.admin3.as_ref())),
            loc.map(|l| l.name.clone().unwrap_or_else(|| l.name_ar.clone())).unwrap_or_default(),
            num(loc.and_then(|l| l.lat)),
            num(loc.and_then(|l| l.lon)),
            loc.and_then(|l| l.geo_precision).map(|p| p.to_string()).unwrap_or_default(),
            r.outlets.join("; "),
            e.notes.clone(),
            e.fatalities.map(|f| f.to_string()).unwrap_or_default(),
            status.to_string(),
            format!("{:.2}", e.confidence),
            r.source_count.to_string(),
        ];
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    out
}

fn push_field(out: &mut String, f: &str) {
    if f.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasad_model::{Event, Location};

    fn row(lat: Option<f64>) -> EventRow {
        EventRow {
            id: "ev1".into(),
            event: Event {
                event_type: "Battles".into(),
                sub_event_type: "Armed clash".into(),
                date: Some("2024-03-13".into()),
                notes: "Clash, with \"quotes\"\nand a newline".into(),
                location: Some(Location { name_ar: "حقل العمر".into(), lat, lon: Some(40.5), ..Default::default() }),
                ..Default::default()
            },
            source_count: 2,
            outlets: vec!["963+".into(), "نورث برس".into()],
        }
    }

    #[test]
    fn geojson_points_are_lon_lat_and_missing_coordinates_are_null() {
        let v = geojson(&[row(Some(35.0)), row(None)], 2);
        assert_eq!(v["features"][0]["geometry"]["coordinates"], json!([40.5, 35.0]));
        assert!(v["features"][1]["geometry"].is_null());
        assert_eq!(v["features"][0]["properties"]["id"], "ev1");
        assert_eq!(v["total"], 2);
    }

    #[test]
    fn csv_quotes_and_keeps_one_row_per_event() {
        let s = csv(&[row(Some(35.0))]);
        let mut lines = s.split("\r\n");
        assert_eq!(lines.next().unwrap().split(',').count(), CSV_COLUMNS.len());
        let body = lines.next().unwrap();
        assert!(body.starts_with("ev1,2024-03-13,2024,,Battles,Armed clash,"));
        assert!(s.contains("\"Clash, with \"\"quotes\"\"\nand a newline\""));
        assert!(s.contains(",حقل العمر,35,40.5,"));
    }
}
