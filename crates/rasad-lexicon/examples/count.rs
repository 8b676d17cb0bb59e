//! Development aid: raw automaton matches versus accepted matches over a file, and the
//! time each takes (`cargo run --release -p rasad-lexicon --example count -- FILE`).
fn main() {
    let lex = rasad_lexicon::Lexicon::embedded().unwrap();
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let folded: Vec<String> = text.lines().map(rasad_text::fold).collect();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..20 {
        for f in &folded {
            n += lex.matcher.find(f).len();
        }
    }
    println!("accepted {} in {:?}", n / 20, t.elapsed() / 20);
    let t = std::time::Instant::now();
    let mut raw = 0;
    for _ in 0..20 {
        for f in &folded {
            raw += lex.matcher.raw_count(f);
        }
    }
    println!("raw {} in {:?}", raw / 20, t.elapsed() / 20);
}
