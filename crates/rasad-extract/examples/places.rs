//! Print the place mentions the geocoder finds in a text (stdin): a debugging aid for
//! the place stage. `cargo run --release -p rasad-extract --example places < text.txt`
use std::io::Read;

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("stdin");
    let x = rasad_extract::Extractor::new().expect("extractor");
    for (k, p) in x.geocoder().find_places_in_text(&text).iter().enumerate() {
        let l = &p.location;
        println!(
            "{k}: {:?} s{} [{}..{}] {:?} known={} enclosing={:?} admin1={:?} country={:?}",
            l.name_ar, p.sentence, p.start, p.end, p.kind, p.known, p.enclosing, l.admin1, l.country
        );
    }
}
