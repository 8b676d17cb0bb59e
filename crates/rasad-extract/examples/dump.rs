//! Development aid: print what each stage found in one article of a JSON Lines file
//! (`cargo run --release -p rasad-extract --example dump -- IN.jsonl ARTICLE_ID`).

use rasad_extract::{frame, recognise, time};
use rasad_text::Document;

fn main() {
    let mut args = std::env::args().skip(1);
    let (path, id) = (args.next().expect("IN.jsonl"), args.next().expect("ID"));
    let x = rasad_extract::Extractor::new().expect("lexicons");
    for line in std::fs::read_to_string(path).expect("read").lines() {
        let a: rasad_model::Article = serde_json::from_str(line).expect("article");
        if a.id != id {
            continue;
        }
        let doc = Document::new(&a.text);
        let lex = x.lexicon();
        let items = recognise::items(&doc, lex);
        let nums = recognise::numbers(&doc, lex, &items);
        let published = a.published.as_deref().and_then(rasad_extract::parse_published);
        let dates = time::find_dates(&doc, lex, &items, published);
        let places = x.geocoder().find_places_in(&doc, &a.text);
        for (i, p) in places.iter().enumerate() {
            println!("PLACE {i} s{} {:?} {:?} {:?} enc={:?} known={}", p.sentence, &doc.folded()[p.start..p.end], p.kind, p.location.admin1, p.enclosing, p.known);
        }
        for d in &dates {
            println!("DATE s{} {:?} {:?}", d.sentence, &doc.folded()[d.start..d.end], d.date.map(|r| r.to_iso()));
        }
        let ctx = frame::Ctx::new(&doc, lex, items, nums, dates, places);
        for it in &ctx.items {
            println!("ITEM s{} {:?} {:?}", doc.sentence_of(doc.token_at(it.word_start)), &doc.folded()[it.word_start..it.word_end], it.hit);
        }
        for c in frame::frame(&ctx) {
            let name = |i: Option<usize>| i.map(|i| doc.folded()[ctx.items[i].word_start..ctx.items[i].word_end].to_string());
            println!(
                "CAND s{} {} trig={:?} a1={:?} a2={:?} bg={} weak={} ana={} elab={}",
                c.sentence,
                c.sub_event_type,
                c.triggers.iter().map(|&i| &doc.folded()[ctx.items[i].word_start..ctx.items[i].word_end]).collect::<Vec<_>>(),
                name(c.actor1),
                name(c.actor2),
                c.background,
                c.weak_only,
                c.anaphoric,
                c.elaboration
            );
        }
    }
}
