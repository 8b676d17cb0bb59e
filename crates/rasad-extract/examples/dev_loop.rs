//! Development loop: extract a JSON Lines file of articles with only this crate built
//! (`cargo run --release -p rasad-extract --example dev_loop -- IN.jsonl > OUT.jsonl`).
//! The product command is `rasad extract`; this example skips its error reporting.

fn main() {
    let x = rasad_extract::Extractor::new().expect("lexicons");
    let path = std::env::args().nth(1).expect("usage: dev_loop IN.jsonl");
    for line in std::fs::read_to_string(path).expect("read").lines().filter(|l| !l.trim().is_empty()) {
        let a: rasad_model::Article = serde_json::from_str(line).expect("article");
        let events = x.extract(&a).unwrap_or_default();
        println!("{}", serde_json::to_string(&rasad_model::ArticleResult::Ok { id: a.id, events }).unwrap());
    }
}
