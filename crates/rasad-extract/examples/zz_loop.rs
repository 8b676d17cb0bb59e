#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let reps: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(100);
    let x = rasad_extract::Extractor::new().unwrap();
    let arts: Vec<rasad_model::Article> = std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let t = Instant::now();
    let mut k = 0;
    for _ in 0..reps { for a in &arts { let e = x.extract(a).unwrap(); let mut v = Vec::new(); rasad_model::json::write_result(&mut v, &rasad_model::ArticleResult::Ok { id: a.id.clone(), events: e }); k += v.len(); } }
    let d = t.elapsed().as_secs_f64();
    println!("{:.1} µs/article, {:.0} articles/s ({k})", d * 1e6 / (reps * arts.len()) as f64, (reps * arts.len()) as f64 / d);
}
