//! GeoJSON and ACLED-CSV renderings of a page of events (JSON is plain serde).

use crate::backend::EventRow;
use serde_json::{json, Value};

/// A GeoJSON FeatureCollection: one Point feature per event, `geometry: null` for events
/// whose place has no coordinates (valid GeoJSON; the dashboard skips them, a GIS keeps them).
pub fn geojson(rows: &[EventRow], total: u64) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| {
            let geometry = match r
                .event
                .location
                .as_ref()
                .and_then(|l| Some((l.lon?, l.lat?)))
            {
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

/// ACLED CSV (ACLED's 31 columns, RFC 4180 quoting), rows built by `rasad-export` so the
/// API and `rasad export acled-csv` agree byte for byte on each row. Events nothing
/// dates are left out, as in the export (`rasad_export::dating`).
pub fn acled_csv(details: &[rasad_store::EventDetail]) -> String {
    let mut out = String::with_capacity(512 + details.len() * 384);
    out.push_str(&rasad_export::ACLED_COLUMNS.join(","));
    out.push_str("\r\n");
    for row in details.iter().filter_map(rasad_export::acled_row) {
        for (i, f) in row.fields().iter().enumerate() {
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
                location: Some(Location {
                    name_ar: "حقل العمر".into(),
                    lat,
                    lon: Some(40.5),
                    ..Default::default()
                }),
                ..Default::default()
            },
            source_count: 2,
        }
    }

    #[test]
    fn geojson_points_are_lon_lat_and_missing_coordinates_are_null() {
        let v = geojson(&[row(Some(35.0)), row(None)], 2);
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([40.5, 35.0])
        );
        assert!(v["features"][1]["geometry"].is_null());
        assert_eq!(v["features"][0]["properties"]["id"], "ev1");
        assert_eq!(v["total"], 2);
    }

    #[test]
    fn csv_quotes_and_keeps_one_row_per_event() {
        let r = row(Some(35.0));
        let d = rasad_store::EventDetail {
            event: rasad_store::StoredEvent {
                id: r.id.clone(),
                event: r.event.clone(),
                n_sources: 1,
                updated_at: 0,
            },
            sources: vec![],
        };
        let s = acled_csv(&[d]);
        let mut lines = s.split("\r\n");
        assert_eq!(
            lines.next().unwrap().split(',').count(),
            rasad_export::ACLED_COLUMNS.len()
        );
        assert!(lines.next().unwrap().starts_with("XXXEV1,"), "{s}");
        assert!(
            s.contains("\"Clash, with \"\"quotes\"\"\nand a newline\""),
            "{s}"
        );
        assert!(s.ends_with("\r\n"));
    }
}
