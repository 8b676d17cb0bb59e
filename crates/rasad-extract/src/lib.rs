//! Event extraction: Rasad's pipeline from one article's text to its event records.
//!
//! ```text
//! text ─ normalise ─ tokenise ─ segment        (rasad-text)
//!      ─ recognise: lexicon items, numbers      (recognise.rs, rasad-lexicon)
//!      ─ recognise: place mentions              (rasad-geo)
//!      ─ resolve time: date expressions         (time.rs)
//!      ─ frame events: triggers → candidates    (frame.rs)
//!      ─ resolve: place, date, toll, status     (this file, casualties.rs)
//!      ─ merge within the article               (merge.rs)
//!      ─ notes and confidence                   (notes.rs)
//! ```
//!
//! Every field of an output [`Event`] carries the span of the text that justifies it
//! (`Event::spans`, character offsets into the original text) and a confidence.

pub mod casualties;
pub mod frame;
pub mod merge;
pub mod places;
pub mod notes;
pub mod recognise;
pub mod scan;
pub mod time;

use frame::{Cand, Ctx, SideKind};
use places::{choose_places, context_admin1, place_rank, place_referred_back, place_within};
use jiff::civil::Date;
use jiff::ToSpan;
use rasad_geo::{Geocoder, PlaceKind, PlaceMention};
use rasad_lexicon::Lexicon;
use rasad_model::{concat, Actor, Article, Event, FieldConfidence, Span, Spans, Status, Text};
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

/// Loaded lexicons and gazetteer; build once, share across threads (`Send + Sync`).
pub struct Extractor {
    lex: Lexicon,
    geo: Geocoder,
    /// Lexicon patterns and place names in one automaton (see [`scan`]).
    scanner: scan::Scanner,
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
        Ok(Extractor { lex, geo, scanner })
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
        let scan = self.scanner.scan(doc.folded(), &self.lex.matcher);
        let items = recognise::items_from(scan.lexicon);
        let nums = recognise::numbers(&doc, &self.lex, &items);
        let mut dates = time::find_dates(&doc, &self.lex, &items, published);
        time::drop_name_dates(&doc, &items, article.outlet.as_deref(), &mut dates);
        let places = self.geo.find_places_scanned(&doc, &article.text, &scan.places);
        let dateline = self.geo.dateline_scanned(&doc, &article.text, &scan.places);
        let mut places = places;
        let dateline_country = dateline.as_ref().and_then(|d| d.location.country.as_deref());
        places::one_sense_per_article(&doc, &mut places, dateline_country);
        places::namesakes_abroad(&mut places, dateline_country);
        let ctx = Ctx::new(&doc, &self.lex, items, nums, dates, places);
        let cands = frame::frame(&ctx);
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

fn resolve(ctx: &Ctx, text: &str, cands: &[Cand], published: Option<Date>, dateline: Option<&PlaceMention>) -> (Vec<Event>, Vec<merge::Hint>) {
    let mut hints = Vec::new();
    // the country that names generic sides ("Civilians (…)") when an event has no place:
    // the dateline's, else Syria, where most of the sources Rasad reads report from
    let default_country = dateline.and_then(|d| d.location.country.clone()).unwrap_or(Text::Borrowed("Syria"));
    // the news date: the first dated current event of the lead, else publication
    // the news date: the first day named relative to publication in the lead (first three
    // sentences), else in the sentence of the first current event, else publication
    let news_date: Option<Date> = ctx
        .dates
        .iter()
        .filter(|d| d.sentence < 3 && d.relative_day)
        .find_map(|d| d.date.and_then(|r| r.first_day()))
        .or_else(|| {
            cands.iter().filter(|c| !c.background && !c.triggers.is_empty()).take(2).find_map(|c| {
                ctx.dates.iter().filter(|d| d.sentence == c.sentence && d.relative_day).find_map(|d| d.date.and_then(|r| r.first_day()))
            })
        })
        // the lead's event dated by the calendar ("يوم 18 تشرين الثاني 2025"), not relative to
        // publication: that day is the news, though the outlet published it days later
        .or_else(|| {
            let lead = cands.iter().find(|c| !c.background && !c.triggers.is_empty()).filter(|c| c.sentence < 4)?;
            let day = ctx.dates.iter().filter(|d| d.sentence == lead.sentence && !d.relative_day).find_map(|d| d.date.filter(|r| r.precision == 1).and_then(|r| r.first_day()))?;
            // only a recent day: an anniversary or a trial date is no news day
            published.is_none_or(|p| day <= p && p.since(day).is_ok_and(|sp| sp.get_days() <= 7)).then_some(day)
        })
        .or(published)
        // undated articles: an explicit day in the lead ("يوم الخميس 25 آب/ أغسطس 2022")
        .or_else(|| ctx.dates.iter().filter(|d| d.sentence < 2).find_map(|d| d.date.filter(|r| r.precision == 1).and_then(|r| r.first_day())));
    let mut out: Vec<Event> = Vec::with_capacity(cands.len());
    let mut claimants: Vec<(usize, bool)> = Vec::new();
    let mut prev_date: Option<(time::Resolved, Option<Span>)> = None;
    let mut tolls: Vec<(usize, casualties::Toll)> = Vec::new();
    let mut prev_event_date: Option<(usize, time::Resolved, Option<Span>)> = None;
    let mut referred_back: Vec<Option<Option<usize>>> = vec![None; ctx.doc.sentences.len()];
    for cand in cands {
        if cand.triggers.is_empty() {
            if let Some(c) = cand.claimant {
                claimants.push((c, cand.background));
            }
            continue;
        }
        let s = cand.sentence;
        let flags = &cand.flags;
        let main = cand.triggers[0];
        // date: the expression nearest the trigger in the sentence
        // the expression nearest any trigger of the candidate ("الهجوم … الذي استهدف المطار
        // مساء أمس الجمعة"), after it rather than before
        let dist = |d: &time::DateExpr| {
            cand.triggers
                .iter()
                .map(|&t| {
                    let a = ctx.items[t].start;
                    if d.start >= a { ctx.tokens_between(a, d.start) * 2 } else { ctx.tokens_between(d.end, a) * 3 + 1 }
                })
                .min()
                .unwrap_or(usize::MAX)
        };
        let own = ctx
            .dates
            .iter()
            // unresolved month names are no dates; an unresolved "أمس" (no publication date) is
            // a date we cannot know, and stays null
            .filter(|d| d.sentence == s && (d.date.is_some() || d.same_day || d.relday))
            .min_by_key(|d| dist(d));
        // "وتأتي الجريمة بعد يوم واحد من قصف …": the event told is that many days before
        // the news; a date of the sentence's own names that event's day itself and wins
        let days_before = if own.is_none() { days_before_news(ctx.doc.folded(), ctx.items[main].word_start) } else { None };
        let (date, date_span) = match own {
            None if days_before.is_some() => (news_date.and_then(|a| a.checked_sub(days_before.unwrap_or(0).days()).ok()).map(time::Resolved::day), None),
            Some(d) if d.same_day => (prev_date.map(|p| p.0), prev_date.and_then(|p| p.1)),
            Some(d) => (d.date, Some(ctx.doc.span(d.start, d.end))),
            None if cand.background || cand.retaliation && prev_date.is_some() => (if cand.retaliation { prev_date.map(|p| p.0) } else { None }, None),
            // a sentence with no date of its own continues the paragraph's last event
            // ("وشهدت مدينة شهبا وقفة احتجاجية مماثلة")
            None => match prev_event_date {
                Some((para, d, sp)) if para == ctx.doc.sentences[s].paragraph => (Some(d), sp),
                _ => (news_date.map(time::Resolved::day), None),
            },
        };
        if let Some(d) = date {
            prev_date = Some((d, date_span));
            if !cand.background {
                prev_event_date = Some((ctx.doc.sentences[s].paragraph, d, date_span));
            }
        }
        // "وكان المرصد قد رصد في وقت سابق من اليوم …": a recollection of the news day is
        // the news itself
        let same_day_as_news = matches!((date, news_date), (Some(d), Some(n)) if d.precision == 1 && d.first_day() == Some(n));
        let background = days_before.is_some_and(|n| n > 0)
            || cand.background && !same_day_as_news
            || match (date, news_date) {
                (Some(d), Some(n)) => d.last_day().is_some_and(|l| l < n.checked_sub(1.day()).unwrap_or(n)),
                _ => false,
            };
        let toll = match tolls.iter().find(|(t, _)| *t == s) {
            Some((_, t)) => *t,
            None => {
                let t = casualties::toll(ctx, s);
                tolls.push((s, t));
                t
            }
        };
        let (fatalities, fat_span) = casualties::fatalities(ctx, cand, flags, &toll);
        let weapons: Vec<String> = {
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
        };
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
            let mut location = p.map(|p| ctx.places[p].location.clone());
            // the text's own frame wins over a namesake: "منطقة صلاح الدين جنوبي العاصمة
            // طرابلس" is in Tripoli whatever the gazetteer's Salah al-Din is
            // the encloser the gazetteer linked, or a coarser place written right after it
            // ("منطقة صلاح الدين جنوبي العاصمة طرابلس")
            let encloser = p.and_then(|pi| {
                ctx.places[pi].enclosing.or_else(|| {
                    let pl = &ctx.places[pi];
                    (0..ctx.places.len()).find(|&q| {
                        let pq = &ctx.places[q];
                        // only against a namesake in another country: "غرب العاصمة طرابلس" is
                        // beside Tripoli, not in it
                        pq.sentence == pl.sentence
                            && pq.start >= pl.end
                            && ctx.tokens_between(pl.end, pq.start) <= 1
                            && place_rank(pq.kind) > place_rank(pl.kind)
                            && pq.location.country.is_some()
                            && pq.location.country != pl.location.country
                    })
                })
            });
            if let Some(enc) = encloser.map(|e| &ctx.places[e]) {
                if let (Some(l), Some(ea)) = (location.as_mut(), enc.location.admin1.as_ref()) {
                    if l.admin1.as_ref() != Some(ea) {
                        place_within(l, &enc.location);
                    }
                }
            }
            // a town or village resolved to a namesake in another country than the one its
            // own sentence names ("قرية حيمو … في شمال شرق سوريا"): keep the name only.
            // Only a region written just after it counts: a country's bare name is often a
            // side, and a heading ("من اتجاه شمال شرق بيروت") is elsewhere.
            if let Some(pi) = p {
                let pl = &ctx.places[pi];
                let sentence_country = ctx.places.iter().filter(|q| q.sentence == pl.sentence && q.kind == PlaceKind::Region && q.start >= pl.end && ctx.tokens_between(pl.end, q.start) <= 6).find_map(|q| q.location.country.clone());
                if let (Some(l), Some(c)) = (location.as_mut(), sentence_country) {
                    if place_rank(pl.kind) <= 1 && l.country.as_ref().is_some_and(|lc| *lc != c) {
                        l.country = Some(c);
                        l.admin1 = None;
                        l.admin2 = None;
                        l.admin3 = None;
                        l.pcode = None;
                        l.lat = None;
                        l.lon = None;
                        l.geo_precision = Some(2);
                        l.gazetteer_id = None;
                    }
                }
            }
            // a coarse or unknown place that resolved to another country than the
            // dateline's ("منطقة صلاح الدين" in a Tripoli report) keeps its name only
            if let (Some(pi), Some(dl)) = (p, dateline) {
                let pl = &ctx.places[pi];
                let other_country = pl.location.country.is_some() && dl.location.country.is_some() && pl.location.country != dl.location.country;
                let coarse = !pl.known || matches!(pl.kind, PlaceKind::Region | PlaceKind::Admin1 | PlaceKind::Admin2);
                if other_country && coarse {
                    if let Some(l) = location.as_mut() {
                        place_within(l, &dl.location);
                        l.admin2 = None;
                    }
                }
            }
            let (mut country, mut admin1, mut admin1_span) = (
                location.as_ref().and_then(|l| l.country.clone()),
                location.as_ref().and_then(|l| l.admin1.clone()),
                location.as_ref().and_then(|l| l.span),
            );
            if admin1.is_none() {
                if let Some((c, a, sp)) = context_admin1(ctx, s, dateline) {
                    if country.is_none() || country.as_deref() == Some(&*c) {
                        country = Some(c);
                        admin1 = Some(a.clone());
                        admin1_span = sp;
                        if let Some(l) = location.as_mut() {
                            l.admin1.get_or_insert(a);
                            l.country = country.clone();
                        }
                    }
                }
            }
            let ctry = country.clone().unwrap_or_else(|| default_country.clone());
            let mut actor1 = cand.actor1.or(cand.claimant).map(|i| actor_out(ctx, text, i, &ctry));
            let mut actor2 = cand.actor2.map(|i| actor_out(ctx, text, i, &ctry));
            let event_type = rasad_model::event_type_of(cand.sub_event_type).unwrap_or("Strategic developments");
            // "غارة مماثلة", "هجوم مشابه": the same kind of event by the same side as the last
            if actor1.is_none() && matches!(frame::next_word(ctx.doc.folded(), ctx.items[main].word_end), "مماثله" | "مماثل" | "مشابه" | "مشابهه") {
                // of the same kind: a similar strike is another strike, not the rockets between
                let same_kind = |e: &Event| if event_type == "Protests" { e.event_type == event_type } else { e.sub_event_type == cand.sub_event_type };
                if let Some(prev) = out.iter().rev().find(|e| same_kind(e) && e.actor1.is_some()) {
                    actor1 = prev.actor1.clone().map(|a| Actor { span: None, ..a });
                }
            }
            if actor1.is_none() && matches!(event_type, "Battles" | "Explosions/Remote violence" | "Strategic developments") && elided_subject(ctx, cand) {
                let taken = actor_key(&actor2);
                if let Some(i) = carried_subject(ctx, s, cands).filter(|&i| Some(actor_id_or_name(&actor_out(ctx, text, i, &ctry))) != taken) {
                    actor1 = Some(Actor { span: None, ..actor_out(ctx, text, i, &ctry) });
                }
            }
            if actor1.is_none() && (event_type == "Protests" || cand.sub_event_type == "Violent demonstration") {
                actor1 = Some(Actor { name: concat(&["Protesters (", &ctry, ")"]), name_ar: "محتجون".into(), actor_id: Some("protesters".into()), inter: 6, span: None });
            }
            // one actor on both sides of a strike or an attack is a reading error: the agent
            // is the surer reading. (A clash between two units of one force is no error,
            // and an agreement's one named party stands for both, filled in below.)
            if matches!(event_type, "Explosions/Remote violence" | "Violence against civilians") && actor2.is_some() && actor_key(&actor1) == actor_key(&actor2) {
                actor2 = None;
            }
            if actor2.is_none() && matches!(event_type, "Violence against civilians" | "Explosions/Remote violence") {
                if let Some(v) = cand.victims.filter(|&v| ctx.people_class(v) == Some("civilian")) {
                    actor2 = Some(actor_out(ctx, text, v, &ctry));
                }
            }
            // those arrested: "مطلوبين"/"مشتبه بهم" as the text names them, civilians when
            // they are people of no side ("تسعة شبان", "مواطنين")
            let arrested = if cand.sub_event_type == "Arrests" && actor2.is_none() {
                ctx.sentence_items(s).find(|&i| ctx.items[i].start > ctx.items[main].start && ctx.tokens_between(ctx.items[main].end, ctx.items[i].start) <= 6 && ctx.people_class(i).is_some())
            } else {
                None
            };
            if let Some(i) = arrested.filter(|&i| ctx.people_class(i) == Some("suspect")) {
                actor2 = Some(actor_out(ctx, text, i, &ctry));
            }
            let arrested_civilians = arrested.is_some_and(|i| matches!(ctx.people_class(i), Some("civilian" | "unknown")));
            if actor2.is_none() && (event_type == "Violence against civilians" || arrested_civilians) {
                actor2 = Some(Actor { name: concat(&["Civilians (", &ctry, ")"]), name_ar: "مدنيون".into(), actor_id: Some("civilians".into()), inter: 7, span: None });
            }
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
            hints.push(merge::Hint { anaphoric: cand.anaphoric, elaboration: cand.elaboration, weak_only: cand.weak_only, between: cand.between });
            out.push(Event {
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
                weapons: weapons.clone(),
                status: if background { Status::Background } else { Status::Current },
                notes: String::new(),
                confidence: 0.0,
                field_confidence,
                spans,
            });
        }
    }
    // an agreement names its parties; one named party stands for both sides ("بين الطرفين")
    for e in out.iter_mut().filter(|e| e.sub_event_type == "Agreement" && e.actor2.is_none()) {
        e.actor2 = e.actor1.clone();
        e.spans.actor2 = e.spans.actor1;
    }
    // an interception stopped the weapons of the attack reported before it
    for i in 0..out.len() {
        if out[i].sub_event_type == "Disrupted weapons use" && out[i].actor2.is_none() {
            if let Some(attacker) = out[..i].iter().rev().find(|e| e.event_type == "Explosions/Remote violence").and_then(|e| e.actor1.clone()) {
                out[i].spans.actor2 = attacker.span;
                out[i].actor2 = Some(attacker);
            }
        }
    }
    // claims of responsibility name the agent of the reported attack when its agent is not named
    for (c, _) in claimants {
        for e in out.iter_mut().filter(|e| e.actor1.is_none() && e.status == Status::Current && matches!(e.event_type.as_str(), "Explosions/Remote violence" | "Battles")) {
            let ctry = e.country.clone().unwrap_or_else(|| default_country.clone());
            e.actor1 = Some(actor_out(ctx, text, c, &ctry));
            e.spans.actor1 = e.actor1.as_ref().and_then(|a| a.span);
            e.field_confidence.actor1 = 0.6;
        }
    }
    (out, hints)
}

/// "بعد يوم واحد من", "بعد يومين من", "بعد ثلاثة أيام من", "بعد أسبوع من", "غداة" right
/// before a trigger: the event it names came that many days before the one told.
fn days_before_news(folded: &str, trigger_start: usize) -> Option<i64> {
    let words: Vec<&str> = frame::words_before(folded, trigger_start).take(5).collect();
    let w = |k: usize| words.get(k).copied().unwrap_or("");
    let unit = |u: &str| match u {
        "يوم" | "يوما" => Some(1),
        "يومين" => Some(2),
        "اسبوع" => Some(7),
        "اسبوعين" => Some(14),
        "ساعات" | "ساعه" | "ساعتين" => Some(0),
        _ => None,
    };
    if matches!(w(0), "غداه" | "وغداه") {
        return Some(1);
    }
    if !matches!(w(0), "من") {
        return None;
    }
    // "بعد يوم من", "بعد يوم واحد من", "بعد 3 أيام من"
    match (w(1), w(2), w(3)) {
        (u, "بعد", _) => unit(u),
        ("واحد", u, "بعد") => unit(u),
        ("ايام", n, "بعد") => n.parse::<i64>().ok().filter(|n| (3..=10).contains(n)),
        _ => None,
    }
}

/// The main trigger is an active verb, or a noun after a light verb ("وبسطت سيطرتها",
/// "ثم شنت غارات"), with no side named before it in its clause: Arabic carries the
/// subject in the verb's ending.
fn elided_subject(ctx: &Ctx, cand: &Cand) -> bool {
    let main = cand.triggers[0];
    let Some(frame) = (match ctx.items[main].hit {
        rasad_lexicon::Hit::Trigger(t) => Some(ctx.lex.triggers[t as usize].frame),
        _ => None,
    }) else {
        return false;
    };
    let folded = ctx.doc.folded();
    let light = || {
        let w = frame::prev_word(folded, ctx.items[main].word_start);
        let w = w.strip_prefix('و').or_else(|| w.strip_prefix('ف')).unwrap_or(w);
        LIGHT_VERBS.iter().any(|v| w.starts_with(v))
    };
    let (clause_start, _) = frame::clause_of(ctx, cand.sentence, &cand.triggers);
    let named_before = ctx.sentence_items(cand.sentence).any(|i| {
        let it = &ctx.items[i];
        it.start >= clause_start && it.end <= ctx.items[main].start && ctx.side_kind(i).is_some()
    });
    (frame == rasad_lexicon::Frame::Active || frame == rasad_lexicon::Frame::Noun && light()) && !named_before
}

/// Verbs that carry an event noun: "شنت غارات", "بسطت سيطرتها", "نفذت هجوماً" (folded stems).
const LIGHT_VERBS: &[&str] = &["بسط", "شن", "نفذ", "صعد", "احكم", "فرض", "واصل", "جدد", "اعلن"];

/// The subject a verb without one carries over: the agent of an event framed in the
/// sentences just before, else an armed actor opening one of them ("أحرز الجيش السوداني
/// …"): at most two sentences back, in this paragraph or the one before.
fn carried_subject(ctx: &Ctx, s: usize, cands: &[Cand]) -> Option<usize> {
    let para = ctx.doc.sentences[s].paragraph;
    (s.saturating_sub(2)..s).rev().filter(|&t| ctx.doc.sentences[t].paragraph + 1 >= para).find_map(|t| {
        cands.iter().filter(|c| c.sentence == t).find_map(|c| c.actor1).or_else(|| {
            let start = ctx.doc.sentences[t].start;
            ctx.sentence_items(t).find(|&i| {
                matches!(ctx.side_kind(i), Some(SideKind::Actor(_))) && ctx.actor(i).is_some_and(|a| matches!(a.inter, 1..=4 | 8)) && ctx.tokens_between(start, ctx.items[i].word_start) <= 2
            })
        })
    })
}

fn actor_key(a: &Option<Actor>) -> Option<String> {
    a.as_ref().map(actor_id_or_name)
}

fn actor_id_or_name(a: &Actor) -> String {
    a.actor_id.clone().unwrap_or_else(|| rasad_text::fold(&a.name_ar))
}

/// An output side from a recognised item.
fn actor_out(ctx: &Ctx, text: &str, item: usize, country: &str) -> Actor {
    let it = ctx.items[item];
    let span = ctx.doc.span(it.start, it.word_end);
    let mut surface = ctx.doc.original(text, span).trim().to_string();
    // "للتحالف" is ل + التحالف: give the name its article back
    if ctx.doc.folded()[it.word_start..it.start].ends_with("لل") {
        surface.insert_str(0, "ال");
    }
    match ctx.side_kind(item) {
        Some(SideKind::Actor(a)) | Some(SideKind::Adjective(a)) => {
            let a = &ctx.lex.actors[a as usize];
            let name = if a.country == "*" { concat(&[&a.name_en, " (", country, ")"]) } else { a.name_en.clone() };
            let name_ar = if matches!(ctx.side_kind(item), Some(SideKind::Adjective(_))) { a.display_ar.clone() } else { surface };
            Actor { name, name_ar, actor_id: Some(a.id.clone()), inter: a.inter, span: Some(span) }
        }
        _ => {
            let class = ctx.person_class(item).unwrap_or("unknown");
            let (name, inter) = match class {
                "protester" => (concat(&["Protesters (", country, ")"]), 6),
                "fighter" => ("Unidentified Armed Group".to_string(), 2),
                _ => (concat(&["Civilians (", country, ")"]), 7),
            };
            let id = match class {
                "protester" => "protesters",
                "fighter" => "unidentified_armed_group",
                _ => "civilians",
            };
            Actor { name, name_ar: surface, actor_id: Some(id.into()), inter, span: Some(span) }
        }
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
