//! Print the place mentions of a text file (or stdin): `cargo run --release -p rasad-geo --example places FILE`.
use std::io::Read;

fn main() {
    let mut text = String::new();
    match std::env::args().nth(1) {
        Some(p) => text = std::fs::read_to_string(p).expect("readable file"),
        None => {
            std::io::stdin().read_to_string(&mut text).expect("stdin");
        }
    }
    let g = rasad_geo::Geocoder::builtin().expect("gazetteer");
    let doc = rasad_text::Document::new(&text);
    if let Some(d) = g.dateline_in(&doc, &text) {
        println!(
            "dateline: {} -> {:?}/{:?}",
            d.location.name_ar, d.location.country, d.location.admin1
        );
    }
    for (i, m) in g.find_places_in(&doc, &text).iter().enumerate() {
        let l = &m.location;
        println!(
            "{i:3} s{:<2} {:<14} {:<28} known={} enc={:?} | {:?} / {:?} / {:?} p={:?} id={:?}",
            m.sentence,
            format!("{:?}", m.kind),
            l.name_ar,
            m.known,
            m.enclosing,
            l.country,
            l.admin1,
            l.admin2,
            l.geo_precision,
            l.gazetteer_id
        );
    }
}
