use super::*;
use rasad_model::{Actor, Article, Event, Location};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("rasad.db")).unwrap();
    let art = |id: &str, outlet: &str, text: &str| Article {
        id: id.into(),
        outlet: Some(outlet.into()),
        url: Some(format!("http://example.test/{id}")),
        published: Some("2024-05-14".into()),
        title: None,
        text: text.into(),
    };
    let strike = |deaths: u32| Event {
        event_type: "Explosions/Remote violence".into(),
        sub_event_type: "Air/drone strike".into(),
        date: Some("2024-05-14".into()),
        time_precision: Some(1),
        country: Some("Syria".into()),
        admin1: Some("Al-Hasakah".into()),
        location: Some(Location {
            name_ar: "قرية الهيمو".into(),
            name: Some("Al-Haymo".into()),
            admin2: Some("Al-Hasakah".into()),
            lat: Some(36.4821),
            lon: Some(40.7104),
            geo_precision: Some(1),
            ..Default::default()
        }),
        actor1: Some(Actor {
            name: "Military Forces of Turkey".into(),
            name_ar: "القوات التركية".into(),
            inter: 8,
            ..Default::default()
        }),
        actor2: Some(Actor {
            name: "SDF: Syrian Democratic Forces".into(),
            name_ar: "قوات سوريا الديمقراطية".into(),
            inter: 2,
            ..Default::default()
        }),
        fatalities: Some(deaths),
        notes:
            "On 14 May 2024, a Turkish drone struck an SDF vehicle near Al-Haymo, \"killing\" 2."
                .into(),
        confidence: 0.9,
        ..Default::default()
    };
    let mut arrest = strike(0);
    arrest.event_type = "Strategic developments".into();
    arrest.sub_event_type = "Arrests".into();
    arrest.date = Some("2024-05".into());
    arrest.time_precision = None;
    arrest.location = None;
    arrest.fatalities = None;
    arrest.actor1 = Some(Actor {
        name: String::new(),
        name_ar: "الأمن العام".into(),
        ..Default::default()
    });
    arrest.actor2 = None;
    s.ingest_extracted(
        vec![
            (
                art("a", "نورث برس", "استهدفت مسيرة تركية قرية الهيمو"),
                Ok(vec![strike(2)]),
            ),
            (
                art(
                    "b",
                    "روداو",
                    "قصف بطائرة مسيرة تركية على الهيمو, وفي شأن آخر اعتقالات",
                ),
                Ok(vec![strike(3), arrest]),
            ),
        ],
        Some("test"),
    )
    .unwrap();
    (dir, s)
}

fn bytes(s: &Store, f: Format) -> Vec<u8> {
    let mut out = Vec::new();
    export(s, f, &EventFilter::default(), &mut out).unwrap();
    out
}

#[test]
fn acled_csv_round_trips_with_acled_columns() {
    let (_d, s) = store();
    let out = bytes(&s, Format::AcledCsv);
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ACLED_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let col = |row: &csv::StringRecord, name: &str| {
        row[ACLED_COLUMNS.iter().position(|c| *c == name).unwrap()].to_string()
    };
    let strike = rows
        .iter()
        .find(|r| col(r, "event_type") == "Explosions/Remote violence")
        .unwrap();
    assert!(col(strike, "event_id_cnty").starts_with("SYR"));
    assert_eq!(col(strike, "event_date"), "2024-05-14");
    assert_eq!(col(strike, "year"), "2024");
    assert_eq!(
        col(strike, "fatalities"),
        "2",
        "conservative toll of the two reports"
    );
    assert_eq!(col(strike, "iso"), "760");
    assert_eq!(col(strike, "interaction"), "28");
    assert_eq!(col(strike, "disorder_type"), "Political violence");
    assert_eq!(col(strike, "source"), "نورث برس; روداو");
    assert_eq!(col(strike, "latitude"), "36.48210");
    assert!(
        col(strike, "notes").contains("\"killing\""),
        "quotes survive the round trip"
    );
    let arrest = rows
        .iter()
        .find(|r| col(r, "sub_event_type") == "Arrests")
        .unwrap();
    assert_eq!(col(arrest, "event_date"), "2024-05-01");
    assert_eq!(col(arrest, "time_precision"), "3");
    assert_eq!(col(arrest, "actor1"), "الأمن العام");
    assert_eq!(col(arrest, "latitude"), "");
}

#[test]
fn parquet_round_trips() {
    use arrow_array::{Array, Float64Array, Int32Array, StringArray};
    let (_d, s) = store();
    let out = bytes(&s, Format::Parquet);
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        bytes::Bytes::from(out),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, 2);
    let b = &batches[0];
    let names: Vec<String> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ACLED_COLUMNS);
    let types = b
        .column_by_name("sub_event_type")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    let lat = b
        .column_by_name("latitude")
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    let fat = b
        .column_by_name("fatalities")
        .unwrap()
        .as_any()
        .downcast_ref::<Int32Array>()
        .unwrap();
    for i in 0..b.num_rows() {
        if types.value(i) == "Air/drone strike" {
            assert!((lat.value(i) - 36.4821).abs() < 1e-9);
            assert_eq!(fat.value(i), 2);
        } else {
            assert!(lat.is_null(i));
        }
    }
}

#[test]
fn geojson_is_a_feature_collection_of_points() {
    let (_d, s) = store();
    let v: serde_json::Value = serde_json::from_slice(&bytes(&s, Format::GeoJson)).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let feats = v["features"].as_array().unwrap();
    assert_eq!(feats.len(), 2);
    let pt = feats.iter().find(|f| !f["geometry"].is_null()).unwrap();
    assert_eq!(pt["geometry"]["type"], "Point");
    assert_eq!(
        pt["geometry"]["coordinates"][0].as_f64(),
        Some(40.7104),
        "lon first"
    );
    assert_eq!(pt["properties"]["sources"].as_array().unwrap().len(), 2);
    assert!(feats.iter().any(|f| f["geometry"].is_null()));
}

#[test]
fn jsonl_and_mentions_jsonl_parse_back() {
    let (_d, s) = store();
    let out = String::from_utf8(bytes(&s, Format::Jsonl)).unwrap();
    let details: Vec<EventDetail> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(details.len(), 2);
    assert!(details.iter().any(|d| d.sources.len() == 2));
    let out = String::from_utf8(bytes(&s, Format::MentionsJsonl)).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    let e_a = lines[0]["events"][0]["event_id"].as_str().unwrap();
    let e_b = lines[1]["events"][0]["event_id"].as_str().unwrap();
    assert_eq!(e_a, e_b, "both reports carry the merged id");
    assert_ne!(lines[1]["events"][1]["event_id"].as_str().unwrap(), e_a);
}

#[test]
fn formats_parse_and_unknown_is_an_error() {
    assert_eq!("acled-csv".parse::<Format>().unwrap(), Format::AcledCsv);
    assert_eq!("Parquet".parse::<Format>().unwrap(), Format::Parquet);
    assert!("xlsx".parse::<Format>().is_err());
}

#[test]
fn filters_apply_to_exports() {
    let (_d, s) = store();
    let mut out = Vec::new();
    let f = EventFilter {
        event_type: Some("Strategic developments".into()),
        ..Default::default()
    };
    assert_eq!(export(&s, Format::AcledCsv, &f, &mut out).unwrap().written, 1);
}

/// A store with one event of each dating rule: dated by its own text, dated only by its
/// reports (two, published on different days), and dated by nothing.
fn dating_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("rasad.db")).unwrap();
    let art = |id: &str, published: Option<&str>, text: &str| Article {
        id: id.into(),
        outlet: Some("منفذ تجريبي".into()),
        url: None,
        published: published.map(str::to_string),
        title: None,
        text: text.into(),
    };
    let ev = |event_type: &str, sub: &str, admin1: &str, date: Option<&str>| Event {
        event_type: event_type.into(),
        sub_event_type: sub.into(),
        date: date.map(str::to_string),
        country: Some("Iraq".into()),
        admin1: Some(admin1.to_string().into()),
        confidence: 0.8,
        ..Default::default()
    };
    s.ingest_extracted(
        vec![
            (art("own", Some("2024-06-03"), "نص أول للاختبار عن اشتباك"), Ok(vec![ev("Battles", "Armed clash", "Nineveh", Some("2024-06-02"))])),
            // Reported twice without a resolvable date: the earlier report dates it.
            (art("rep1", Some("2024-06-09T07:30:00Z"), "نص ثان للاختبار عن تظاهرة"), Ok(vec![ev("Protests", "Peaceful protest", "Basra", None)])),
            (art("rep2", Some("2024-06-07"), "نص ثالث للاختبار عن تظاهرة أخرى"), Ok(vec![ev("Protests", "Peaceful protest", "Basra", None)])),
            // No date anywhere: neither the event's nor its report's ("published" unusable).
            (art("none", Some("قبل أيام"), "نص رابع للاختبار عن اعتقال"), Ok(vec![ev("Strategic developments", "Arrests", "Anbar", Some("غير معروف"))])),
        ],
        Some("test"),
    )
    .unwrap();
    (dir, s)
}

fn csv_rows(out: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(out);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect())
        .collect()
}

#[test]
fn rule_own_date_keeps_day_precision() {
    let (_d, s) = dating_store();
    let rows = csv_rows(&bytes(&s, Format::AcledCsv));
    let own = rows.iter().find(|r| r["sub_event_type"] == "Armed clash").unwrap();
    assert_eq!((own["event_date"].as_str(), own["time_precision"].as_str()), ("2024-06-02", "1"));
}

#[test]
fn rule_dated_only_by_its_report_takes_the_earliest_report_with_precision_3() {
    let (_d, s) = dating_store();
    let rows = csv_rows(&bytes(&s, Format::AcledCsv));
    let protests: Vec<_> = rows.iter().filter(|r| r["event_type"] == "Protests").collect();
    assert!(!protests.is_empty());
    for p in protests {
        assert_eq!(p["time_precision"], "3", "{p:?}");
        assert!(p["event_date"] == "2024-06-07" || p["event_date"] == "2024-06-09", "{p:?}");
        assert_eq!(p["year"], "2024");
    }
}

#[test]
fn rule_no_date_at_all_is_left_out_counted_and_named() {
    let (_d, s) = dating_store();
    for f in [Format::AcledCsv, Format::Parquet] {
        let mut out = Vec::new();
        let sum = export(&s, f, &EventFilter::default(), &mut out).unwrap();
        assert_eq!(sum.undated.count(), 1, "{f:?}");
        let all = s.events(&EventFilter::default(), Page::ALL).unwrap();
        let arrest = all.iter().find(|e| e.event.sub_event_type == "Arrests").unwrap();
        assert_eq!(sum.undated.ids, vec![arrest.id.clone()]);
        assert_eq!(sum.written as usize, all.len() - 1, "{f:?}");
    }
    let rows = csv_rows(&bytes(&s, Format::AcledCsv));
    assert!(rows.iter().all(|r| r["sub_event_type"] != "Arrests"));
    // Rasad's own formats keep it, with its date unknown.
    let v: serde_json::Value = serde_json::from_slice(&bytes(&s, Format::GeoJson)).unwrap();
    let arrest = v["features"].as_array().unwrap().iter().find(|f| f["properties"]["sub_event_type"] == "Arrests").unwrap();
    assert!(arrest["properties"]["event_date"].is_string() || arrest["properties"]["event_date"].is_null());
    let mut out = Vec::new();
    assert_eq!(export(&s, Format::GeoJson, &EventFilter::default(), &mut out).unwrap().undated.count(), 0);
}

#[test]
fn no_acled_row_without_a_real_event_date() {
    for (_d, s) in [store(), dating_store()] {
        for r in csv_rows(&bytes(&s, Format::AcledCsv)) {
            assert!(dating::iso_day(&r["event_date"]).as_deref() == Some(r["event_date"].as_str()), "{r:?}");
            assert!(["1", "2", "3"].contains(&r["time_precision"].as_str()), "{r:?}");
        }
    }
}

#[test]
fn export_to_path_writes_the_whole_file() {
    let (d, s) = dating_store();
    let target = d.path().join("out.csv");
    let sum = export_to_path(&s, Format::AcledCsv, &EventFilter::default(), &target).unwrap();
    assert_eq!(csv_rows(&std::fs::read(&target).unwrap()).len() as u64, sum.written);
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rasad-tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
