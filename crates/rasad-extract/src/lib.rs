//! Event extraction: Rasad's pipeline from one article's text to its event records.
//!
//! ```text
//! text ─ normalise ─ tokenise ─ segment        (rasad-text)
//!      ─ recognise: lexicon items, numbers      (recognise.rs, rasad-lexicon)
//!      ─ recognise: place mentions              (rasad-geo)
//!      ─ resolve time: date expressions         (time.rs)
//!      ─ frame events: triggers → candidates    (frame.rs)
//!      ─ resolve: place, date, toll, status     (this file, dates.rs, places.rs,
//!                                               actors.rs, casualties.rs)
//!      ─ merge within the article               (merge.rs)
//!      ─ notes and confidence                   (notes.rs)
//! ```
//!
//! Every field of an output [`Event`] carries the span of the text that justifies it
//! (`Event::spans`, character offsets into the original text) and a confidence.

pub mod actors;
pub mod casualties;
pub mod dates;
pub mod frame;
pub mod merge;
pub mod places;
pub mod notes;
pub mod recognise;
pub mod scan;
pub mod time;

use frame::{Cand, Ctx};
use places::{choose_places, place_referred_back};
use jiff::civil::Date;
use rasad_geo::{Geocoder, PlaceMention};
use rasad_lexicon::Lexicon;
use rasad_model::{Actor, Article, Event, FieldConfidence, Span, Spans, Status, Text};
use rasad_text::Document;

pub use recognise::Item;

/// Why one article could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("article has no text")]
    EmptyText,
    #[error("article text is too long ({0} bytes; the limit is {MAX_TEXT} bytes)")]
    TooLong(usize),
    #[error("published date {0:?} is not a date (YYYY-MM-DD)")]
    BadDate(String),
    #[error(transparent)]
    Lexicon(#[from] rasad_lexicon::LexiconError),
    #[error(transparent)]
    Geo(#[from] rasad_geo::GeoError),
    #[error("building the scanner: {0}")]
    Scanner(String),
}

/// Articles longer than this are refused rather than processed for minutes.
pub const MAX_TEXT: usize = 4 << 20;

/// The most place-name occurrences read in one article (the first, in text order). A
/// long news report names a few hundred; each occurrence becomes a mention with its
/// resolved location (about 600 bytes), so an article that is one endless list of
/// names (issue 12's adversarial case: 700,000 in 4 MiB) would take 400 MB. Names past
/// the bound are not recognised; an event there takes its place from context.
pub const MAX_PLACE_NAMES: usize = 20_000;

/// The most event candidates framed in one article (the first, in text order). The
/// longest news roundup holds a few dozen events; the within-article merge and the
/// resolution keep every candidate in memory (about 1 KB each), so a degenerate article
/// of 75,000 one-line "events" would take 200 MB before it is merged away.
pub const MAX_CANDIDATES: usize = 2_000;

/// Loaded lexicons and gazetteer; build once, share across threads (`Send + Sync`).
pub struct Extractor {
    lex: Lexicon,
    geo: Geocoder,
    /// Lexicon patterns and place names in one automaton (see [`scan`]).
    scanner: scan::Scanner,
    /// The lexicon's passive toll word "قتل", what a voiced passive killing verb is read
    /// as (see [`recognise::voiced_passives`]); found once here, not per article.
    passive_kill: Option<u32>,
}

impl Extractor {
    /// Load the built-in lexicons and the gazetteer (curated data, plus the compiled
    /// gazetteer file when the setup has imported one).
    pub fn new() -> Result<Extractor, ExtractError> {
        Extractor::with_parts(Lexicon::embedded()?, Geocoder::builtin()?)
    }

    /// Build from explicit parts (tests, edited lexicons).
    pub fn with_parts(lex: Lexicon, geo: Geocoder) -> Result<Extractor, ExtractError> {
        let scanner = scan::Scanner::new(&lex.matcher, &geo).map_err(ExtractError::Scanner)?;
        let passive_kill = recognise::passive_kill_trigger(&lex);
        Ok(Extractor { lex, geo, scanner, passive_kill })
    }

    /// The one-pass scanner over lexicon patterns and place names.
    pub fn scanner(&self) -> &scan::Scanner {
        &self.scanner
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    pub fn geocoder(&self) -> &Geocoder {
        &self.geo
    }

    /// Extract the events of one article.
    pub fn extract(&self, article: &Article) -> Result<Vec<Event>, ExtractError> {
        if article.text.trim().is_empty() {
            return Err(ExtractError::EmptyText);
        }
        if article.text.len() > MAX_TEXT {
            return Err(ExtractError::TooLong(article.text.len()));
        }
        let published = match article.published.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(p) => Some(parse_published(p).ok_or_else(|| ExtractError::BadDate(p.to_string()))?),
        };
        let doc = Document::new(&article.text);
        let mut scan = self.scanner.scan(doc.folded(), &self.lex.matcher);
        // (the first MAX_PLACE_NAMES in text order; see its doc)
        scan.places.truncate(MAX_PLACE_NAMES);
        let mut items = recognise::items_from(scan.lexicon);
        recognise::voiced_passives(&doc, &article.text, &self.lex, self.passive_kill, &mut items);
        let nums = recognise::numbers(&doc, &self.lex, &items);
        let mut dates = time::find_dates(&doc, &self.lex, &items, published);
        let outlet_spans = recognise::outlet_spans(&doc, article.outlet.as_deref());
        time::drop_name_dates(&doc, &items, &outlet_spans, &mut dates);
        let places = self.geo.find_places_scanned(&doc, &article.text, &scan.places);
        let dateline = self.geo.dateline_scanned(&doc, &article.text, &scan.places);
        let mut places = places;
        places::outside_outlet_name(&mut places, &outlet_spans);
        let dateline_country = dateline.as_ref().and_then(|d| d.location.country.as_deref());
        places::one_sense_per_article(&doc, &mut places, dateline_country);
        places::namesakes_abroad(&mut places, dateline_country);
        places::neighbourhoods_of_another_city(&mut places, dateline.as_ref());
        places::one_sense_for_unknown_names(&doc, &mut places);
        recognise::drop_actors_in_place_names(&mut items, &places);
        let ctx = Ctx::new(&doc, &self.lex, items, nums, dates, places);
        let mut cands = frame::frame(&ctx);
        cands.truncate(MAX_CANDIDATES);
        let (mut events, hints) = resolve(&ctx, &article.text, &cands, published, dateline.as_ref());
        merge::order_clash_sides(&mut events, &hints);
        merge::within_article(&mut events, &hints);
        casualties::across_sentences(&ctx, &mut events);
        for (n, e) in events.iter_mut().enumerate() {
            let mut id = String::with_capacity(article.id.len() + 4);
            id.push_str(&article.id);
            id.push('#');
            rasad_model::push_padded(&mut id, n as u32 + 1, 0);
            e.event_id = id;
            e.notes = notes::note(e);
            e.confidence = notes::confidence(e);
        }
        Ok(events)
    }
}

/// The date part of a publication timestamp ("2024-02-29", "2024-02-29T10:00:00Z").
pub fn parse_published(p: &str) -> Option<Date> {
    p.get(..10).unwrap_or(p).parse().ok()
}

/// Candidates to events, in data-flow order: the news date, then per candidate its date,
/// toll and weapons, one event per place (location, sides, spans and confidence), then
/// the sides that pass between events.
fn resolve(ctx: &Ctx, text: &str, cands: &[Cand], published: Option<Date>, dateline: Option<&PlaceMention>) -> (Vec<Event>, Vec<merge::Hint>) {
    let mut hints = Vec::new();
    // the country that names generic sides ("Civilians (…)") when an event has no place:
    // the dateline's, else Syria, where most of the sources Rasad reads report from
    let default_country = dateline.and_then(|d| d.location.country.clone()).unwrap_or(Text::Borrowed("Syria"));
    let news_date = dates::news_date(ctx, cands, published);
    let mut out: Vec<Event> = Vec::with_capacity(cands.len());
    let mut claimants: Vec<(usize, bool)> = Vec::new();
    let mut carry = dates::Carry::default();
    // each sentence's toll, read once (candidates of a sentence share it)
    let mut tolls: Vec<Option<casualties::Toll>> = vec![None; ctx.doc.sentences.len()];
    let mut referred_back: Vec<Option<Option<usize>>> = vec![None; ctx.doc.sentences.len()];
    for cand in cands {
        if cand.triggers.is_empty() {
            if let Some(c) = cand.claimant {
                claimants.push((c, cand.background));
            }
            continue;
        }
        let s = cand.sentence;
        let when = dates::cand_date(ctx, cand, news_date, &mut carry);
        let toll = *tolls[s].get_or_insert_with(|| casualties::toll(ctx, s));
        let (fatalities, fat_span) = casualties::fatalities(ctx, cand, &cand.flags, &toll);
        let weapons = weapon_names(ctx, cand);
        let mut places = choose_places(ctx, cand);
        if places.is_empty() {
            // the same for every candidate of the sentence
            let referred = match referred_back.get_mut(s) {
                Some(slot) => *slot.get_or_insert_with(|| place_referred_back(ctx, s)),
                None => place_referred_back(ctx, s),
            };
            if let Some(p) = referred {
                places.push(p);
            }
        }
        let place_list: Vec<Option<usize>> = if places.is_empty() { vec![None] } else { places.into_iter().map(Some).collect() };
        for &p in &place_list {
            let fatalities = casualties::for_place(ctx, fatalities, &toll, p, &place_list);
            let place = places::locate(ctx, s, p, dateline);
            let ctry = place.country.clone().unwrap_or_else(|| default_country.clone());
            let event_type = rasad_model::event_type_of(cand.sub_event_type).unwrap_or("Strategic developments");
            let (actor1, actor2) = actors::sides(ctx, text, cand, cands, &out, event_type, &ctry);
            hints.push(merge::Hint { anaphoric: cand.anaphoric, elaboration: cand.elaboration, weak_only: cand.weak_only, between: cand.between });
            out.push(assemble(ctx, cand, &when, place, &ctry, event_type, (actor1, actor2), (fatalities, fat_span), &toll, &weapons));
        }
    }
    actors::across_events(ctx, text, &mut out, &claimants, &default_country);
    (out, hints)
}

/// The English names of the candidate's weapons, each once.
fn weapon_names(ctx: &Ctx, cand: &Cand) -> Vec<String> {
    let mut w: Vec<String> = cand
        .weapons
        .iter()
        .filter_map(|&i| match ctx.items[i].hit {
            rasad_lexicon::Hit::Weapon(x) => Some(ctx.lex.weapons[x as usize].weapon_en.clone()),
            _ => None,
        })
        .collect();
    // one weapon named twice, or in the singular and the plural, is listed once
    // (a handful of names: a scan beats hashing copies)
    let mut k = 0;
    while k < w.len() {
        let stem = w[k].trim_end_matches('s');
        if w[..k].iter().any(|x| x.trim_end_matches('s') == stem) {
            w.remove(k);
        } else {
            k += 1;
        }
    }
    w
}

/// One event of a candidate at one place: its fields, the span that justifies each and
/// the confidence of each.
#[allow(clippy::too_many_arguments)]
fn assemble(
    ctx: &Ctx,
    cand: &Cand,
    when: &dates::CandDate,
    place: places::Located,
    ctry: &Text,
    event_type: &str,
    (actor1, actor2): (Option<Actor>, Option<Actor>),
    (fatalities, fat_span): (Option<u32>, Option<Span>),
    toll: &casualties::Toll,
    weapons: &[String],
) -> Event {
    let s = cand.sentence;
    let main = cand.triggers[0];
    let (date, date_span, background) = (when.date, when.span, when.background);
    let places::Located { location, country, admin1, admin1_span } = place;
    let trigger_span = ctx.doc.span(ctx.items[main].word_start, ctx.items[main].word_end);
    let spans = Spans {
        sentence: Some(ctx.doc.span(ctx.doc.sentences[s].start, ctx.doc.sentences[s].end)),
        trigger: Some(trigger_span),
        actor1: actor1.as_ref().and_then(|a| a.span),
        actor2: actor2.as_ref().and_then(|a| a.span),
        location: location.as_ref().and_then(|l| l.span),
        admin1: admin1_span,
        date: date_span,
        fatalities: fat_span,
        injuries: toll.injured_span.map(|(a, b)| ctx.doc.span(a, b)),
        weapons: cand.weapons.iter().map(|&i| ctx.doc.span(ctx.items[i].word_start, ctx.items[i].word_end)).collect(),
        status: None,
    };
    let precise = location.as_ref().is_some_and(|l| l.geo_precision == Some(1));
    let field_confidence = FieldConfidence {
        sub_event_type: if cand.weak_only { 0.6 } else { 0.8 },
        date: if date_span.is_some() { 0.9 } else if date.is_some() { 0.6 } else { 0.3 },
        location: if precise { 0.85 } else if location.is_some() { 0.6 } else { 0.2 },
        actor1: if actor1.is_some() { 0.75 } else { 0.3 },
        actor2: if actor2.is_some() { 0.7 } else { 0.4 },
        fatalities: if fat_span.is_some() { 0.85 } else { 0.6 },
        status: if background { 0.75 } else { 0.85 },
    };
    Event {
        event_id: String::new(),
        event_type: event_type.to_string(),
        sub_event_type: cand.sub_event_type.to_string(),
        date: date.map(|d| d.to_iso()),
        time_precision: date.map(|d| d.precision),
        country: country.clone().or_else(|| admin1.as_ref().map(|_| ctry.clone())),
        admin1,
        location,
        actor1,
        actor2,
        fatalities,
        injuries: toll.injured,
        weapons: weapons.to_vec(),
        status: if background { Status::Background } else { Status::Current },
        notes: String::new(),
        confidence: 0.0,
        field_confidence,
        spans,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    pub fn lexicon() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::embedded().unwrap_or_else(|e| panic!("{e}")))
    }

    pub fn extractor() -> &'static Extractor {
        static E: OnceLock<Extractor> = OnceLock::new();
        E.get_or_init(|| Extractor::new().unwrap_or_else(|e| panic!("{e}")))
    }

    fn article(text: &str, published: &str) -> Article {
        Article { id: "t".into(), published: Some(published.into()), text: text.into(), ..Default::default() }
    }

    #[test]
    fn empty_and_bad_inputs_are_errors_not_panics() {
        let x = extractor();
        assert!(matches!(x.extract(&article("  \n ", "2024-01-01")), Err(ExtractError::EmptyText)));
        assert!(matches!(x.extract(&article("قصف", "yesterday")), Err(ExtractError::BadDate(_))));
        assert!(x.extract(&article("\u{0}\u{FFFD}ـــ،،؛؛«»", "2024-01-01")).is_ok());
    }

    #[test]
    fn a_shelling_with_both_sides_and_a_place() {
        let x = extractor();
        let ev = x
            .extract(&article("قصفت قوات النظام السوري، أمس الثلاثاء، بقذائف المدفعية مواقع لهيئة تحرير الشام في بلدة البارة بريف إدلب الجنوبي، ما أدى إلى مقتل ثلاثة عناصر.", "2024-03-06"))
            .unwrap();
        assert_eq!(ev.len(), 1, "{ev:#?}");
        let e = &ev[0];
        assert_eq!(e.sub_event_type, "Shelling/artillery/missile attack");
        assert_eq!(e.date.as_deref(), Some("2024-03-05"));
        assert_eq!(e.admin1.as_deref(), Some("Idlib"));
        assert_eq!(e.fatalities, Some(3));
        assert!(e.actor1.as_ref().unwrap().name_ar.contains("قوات النظام"));
        assert!(e.actor2.as_ref().unwrap().name_ar.contains("هيئة تحرير الشام"));
        assert!(e.location.as_ref().unwrap().name_ar.contains("البارة"));
    }

    fn one(text: &str) -> Event {
        let ev = extractor().extract(&article(text, "2024-03-06")).unwrap();
        assert_eq!(ev.len(), 1, "{text}: {ev:#?}");
        ev.into_iter().next().unwrap()
    }

    fn sides(e: &Event) -> (String, String) {
        let n = |a: &Option<Actor>| a.as_ref().map(|a| a.name_ar.clone()).unwrap_or_default();
        (n(&e.actor1), n(&e.actor2))
    }

    #[test]
    fn roles_passive_target_first() {
        let e = one("تعرضت قاعدة للتحالف الدولي في حقل العمر النفطي بريف دير الزور الشرقي لهجوم بالصواريخ، أمس.");
        assert_eq!(e.sub_event_type, "Shelling/artillery/missile attack");
        assert_eq!(sides(&e), (String::new(), "التحالف الدولي".to_string()));
    }

    #[test]
    fn roles_between_and_membership() {
        let e = one("قتل عنصران من قوات النظام في اشتباكات اندلعت أمس بين قوات النظام وهيئة تحرير الشام في بلدة كفرنبل بريف إدلب.");
        assert_eq!(e.event_type, "Battles");
        assert_eq!(e.fatalities, Some(2));
        let (a1, a2) = sides(&e);
        assert!(a1.contains("قوات النظام") && a2.contains("هيئة تحرير الشام"), "{a1} / {a2}");
    }

    #[test]
    fn roles_adjective_on_the_weapon_names_the_attacker() {
        let e = one("قتل ثلاثة مدنيين، أمس، بغارة نفذتها طائرة مسيرة تركية على سيارة في قرية تل جمعة بريف الحسكة.");
        assert_eq!(e.sub_event_type, "Air/drone strike");
        assert_eq!(e.actor1.as_ref().unwrap().actor_id.as_deref(), Some("mil_turkey"));
        assert_eq!(e.actor2.as_ref().unwrap().inter, 7);
        assert_eq!(e.fatalities, Some(3));
    }

    #[test]
    fn roles_killing_by_unidentified_gunmen_is_violence_against_civilians() {
        let e = one("اغتال مسلحون مجهولون، مساء أمس، شاباً بإطلاق النار عليه في مدينة طفس بريف درعا الغربي.");
        assert_eq!(e.sub_event_type, "Attack");
        assert_eq!(e.actor1.as_ref().unwrap().inter, 3);
        assert_eq!(e.fatalities, Some(1));
        assert_eq!(e.date.as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn claims_name_the_agent_of_the_attack() {
        let ev = extractor()
            .extract(&article(
                "تعرضت قاعدة عين الأسد الجوية في محافظة الأنبار لهجوم بالصواريخ، فجر اليوم.\nوتبنت المقاومة الإسلامية في العراق الهجوم في بيان.",
                "2024-03-06",
            ))
            .unwrap();
        assert_eq!(ev.len(), 1, "{ev:#?}");
        assert!(ev[0].actor1.as_ref().unwrap().name_ar.contains("المقاومة الإسلامية"));
        assert_eq!(ev[0].date.as_deref(), Some("2024-03-06"));
    }

    #[test]
    fn background_recollections_keep_their_own_date() {
        let ev = extractor()
            .extract(&article(
                "قصفت قوات النظام، أمس، بلدة البارة بريف إدلب.\nوكانت طائرات حربية روسية قد شنت في العاشر من الشهر الماضي غارات على مدينة أريحا.",
                "2024-03-06",
            ))
            .unwrap();
        assert_eq!(ev.len(), 2, "{ev:#?}");
        assert_eq!(ev[1].status, Status::Background);
        assert_eq!(ev[1].date.as_deref(), Some("2024-02-10"));
        assert_eq!(ev[1].sub_event_type, "Air/drone strike");
    }

    #[test]
    fn habitual_statements_are_not_events() {
        let x = extractor();
        let ev = x.extract(&article("وتتعرض القواعد الأميركية في العراق وسوريا لهجمات متكررة بالصواريخ والمسيرات.", "2024-03-06")).unwrap();
        assert!(ev.is_empty(), "{ev:#?}");
    }
}
