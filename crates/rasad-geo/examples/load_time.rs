//! Load time of the default gazetteer, by phase (prints; asserts nothing):
//! `cargo run --release -p rasad-geo --example load_time [runs]`.
//!
//! The first line is the first load of the process (what a command pays); the others
//! are the median of `runs` (default 9) further loads in the same process.

use rasad_geo::{Gazetteer, Geocoder};
use std::io::Read;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut ms = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(v);
    }
    (median(ms), last.unwrap())
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(9);
    // first, what a fresh process pays (string interning is cold): `rasad extract`'s case
    let t = Instant::now();
    let g0 = Geocoder::builtin().unwrap();
    let first = t.elapsed().as_secs_f64() * 1000.0;
    drop(g0);
    println!("first Geocoder::builtin in this process: {first:.1} ms");
    let bytes = rasad_geo::gazetteer::IMPORTED_TSV_GZ;
    let (gunzip, text) = time(runs, || {
        let mut s = String::new();
        flate2::read::GzDecoder::new(bytes).read_to_string(&mut s).unwrap();
        s
    });
    let (curated, _) = time(runs, || Gazetteer::curated().unwrap());
    let (parse, imp) = time(runs, || {
        Gazetteer::from_tsv_gz("imported", bytes).unwrap()
    });
    let (total, g) = time(runs, || Geocoder::embedded().unwrap());
    let (builtin, _) = time(runs, || Geocoder::builtin().unwrap());
    println!(
        "entries {} (imported {}; {} bytes gz, {} bytes TSV)",
        g.entries().len(),
        imp.entries.len(),
        bytes.len(),
        text.len()
    );
    println!("median of {runs}: gunzip {gunzip:.1} ms; imported parse (incl. gunzip) {parse:.1} ms; curated parse {curated:.1} ms; Geocoder::embedded {total:.1} ms; Geocoder::builtin {builtin:.1} ms");
}
