#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;
use rasad_text::Document;
fn best(f: &mut dyn FnMut() -> usize, n: f64) -> f64 {
    let mut b = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(f());
        b = b.min(t.elapsed().as_secs_f64() * 1e6 / n);
    }
    b
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let x = rasad_extract::Extractor::new().unwrap();
    let arts: Vec<rasad_model::Article> = std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let docs: Vec<Document> = arts.iter().map(|a| Document::new(&a.text)).collect();
    let n = (docs.len() * 20) as f64;
    let r = |f: &dyn Fn(&Document) -> usize| { let mut k = 0; for _ in 0..20 { for d in &docs { k += f(d); } } k };
    let doc = best(&mut || { let mut k = 0; for _ in 0..20 { for a in &arts { k += Document::new(&a.text).tokens.len(); } } k }, n);
    let a = best(&mut || r(&|d| x.lexicon().matcher.raw_count(d.folded())), n);
    let b = best(&mut || r(&|d| x.lexicon().matcher.find(d.folded()).len()), n);
    let c = best(&mut || r(&|d| x.geocoder().raw_match_count(d.folded())), n);
    let e = best(&mut || r(&|d| x.geocoder().find_places(d).len()), n);
    let g = best(&mut || { let mut k = 0; for _ in 0..20 { for a in &arts { k += x.extract(a).unwrap().len(); } } k }, n);
    println!("document {doc:.1} | lex walk {a:.1}, lex find {b:.1} | geo scan {c:.1}, find_places {e:.1} | extract {g:.1} µs/article");
}
