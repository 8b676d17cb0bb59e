use rasad_text::Document;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let x = rasad_extract::Extractor::new().unwrap();
    let arts: Vec<rasad_model::Article> = std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (mut chars, mut toks, mut lraw, mut lacc, mut graw) = (0,0,0,0,0);
    for a in &arts {
        let doc = Document::new(&a.text);
        chars += doc.folded().chars().count();
        toks += doc.tokens.len();
        lraw += x.lexicon().matcher.raw_count(doc.folded());
        lacc += x.lexicon().matcher.find(doc.folded()).len();
        graw += x.geocoder().raw_match_count(&a.text);
    }
    let n = arts.len();
    println!("scanner (patterns, bytes): {:?}", x.scanner().size());
    println!("per article: chars {} tokens {} lex raw {} lex accepted {} geo raw {}", chars/n, toks/n, lraw/n, lacc/n, graw/n);
}
