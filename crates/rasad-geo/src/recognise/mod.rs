//! Place recognition and resolution over a [`Document`]. The rooms, by job: [`words`]
//! (the word lists), [`walk`] (hits and the phrase walk), [`enclose`] (enclosing links),
//! [`candidates`] (namesakes and scoring), [`context`] (the dateline); this file holds
//! the mention types and [`find_places`], which runs them in order.
//!
//! 1. **Names**: one overlapping Aho–Corasick pass over the folded text finds every
//!    gazetteer key; a hit counts when it ends at a word end and starts at a word start
//!    or right after clitics (و ف ب ل ك, and "لل" for a name whose article was absorbed).
//!    Leftmost-longest hits win.
//! 2. **Phrases**: a token walk builds mentions around the hits: feature words
//!    ("قرية", "حقل", "بلدتي" …) take a known name or, failing that, the unknown name words
//!    up to a stop; "ريف X", "الريف الشرقي لمحافظة X", "شمال شرقي X", "بادية X" make
//!    regions; "محيط/أطراف" mark nearness; site tails ("النفطي", "للغاز", "الجوية") stay
//!    in the phrase.
//! 3. **Enclosing**: a mention followed (same sentence) by a coarser one joined by
//!    "ب/في/التابعة ل/قرب" or by a direction region is *in* it ("قرية X بريف Y").
//! 4. **Resolution**, right to left so enclosers are resolved first: namesakes are ranked
//!    by agreement with the feature word, the enclosing admin1, the sentence's other
//!    places, the dateline and the article's places, then prominence and population.
//!    Unknown names inherit the encloser's admin units and coordinates (precision 2).

use crate::gazetteer::{Entry, PlaceKind};
use crate::{Cand, Geocoder};
use rasad_model::{Location, Text};
use rasad_text::{Document, TokenKind};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

mod candidates;
mod context;
mod enclose;
mod walk;
mod words;

use candidates::*;
pub(crate) use candidates::interned_location;
pub(crate) use context::dateline;
pub(crate) use walk::starter_bases;
use context::*;
use enclose::*;
use walk::*;
use words::*;

/// One place mention found in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// Folded byte range in `doc.folded()` of the whole phrase, feature word included,
    /// clitics excluded.
    pub start: usize,
    pub end: usize,
    /// Index into `doc.sentences`.
    pub sentence: usize,
    pub kind: PlaceKind,
    /// The resolved place; `name_ar` is the original text of the phrase.
    pub location: Location,
    /// Index (into the returned list) of the place this one is said to be in.
    pub enclosing: Option<usize>,
    /// The name itself was found in the gazetteer.
    pub known: bool,
}



/// One gazetteer hit after boundary checks.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) s: usize,
    pub(super) e: usize,
    /// First and one-past-last token.
    pub(super) ta: usize,
    pub(super) tb: usize,
    pub(super) key: u32,
    /// The clitic prefix before `s` inside token `ta`.
    pub(super) prefix_len: usize,
}

/// A mention before resolution.
#[derive(Debug, Clone)]
pub(super) struct Raw {
    pub(super) ta: usize,
    pub(super) tb: usize,
    pub(super) s: usize,
    pub(super) e: usize,
    /// Kind announced by the feature word, if any.
    pub(super) feature: Option<PlaceKind>,
    /// Gazetteer candidates (entry indexes) of the name; empty = unknown name.
    pub(super) cands: Vec<u32>,
    /// The phrase is a region *around/of* the named place (ريف X, شمال X, بادية X).
    pub(super) region: bool,
    pub(super) near: bool,
    /// Clitic prefix of the first token (to read "و" lists and "ب" enclosers).
    pub(super) prefix: String,
    /// A minor locality read after a locative preposition: kept only where the article
    /// names its admin1 (see [`settle_minor`]).
    pub(super) needs_ctx: bool,
}


/// How far (km) a namesake may lie from the container the text puts it in for its
/// coordinates to be kept: governorate borders in the gazetteers differ by a few
/// kilometres; a namesake beyond this is another village.
const CONTAINER_NEAR_KM: f64 = 40.0;

/// No hit starts in this token, and no phrase can (in [`Walker::hit_at`]).
pub(super) const NO_HIT: u32 = u32::MAX;
/// No hit starts in this token, but it is a phrase starter (in [`Walker::hit_at`]).
pub(super) const STARTS_PHRASE: u32 = u32::MAX - 1;

pub(super) struct Walker<'a> {
    pub(super) g: &'a Geocoder,
    pub(super) doc: &'a Document,
    pub(super) f: &'a str,
    pub(super) hits: Vec<Hit>,
    /// token index → index into hits of the hit starting in that token, else
    /// [`STARTS_PHRASE`] for a phrase starter, else [`NO_HIT`]. Four bytes a token: an
    /// article has hundreds of tokens and this is filled for every one (an
    /// `Option<usize>` took sixteen, zeroed).
    pub(super) hit_at: Vec<u32>,
    /// Folded end of the dateline line, when the first line is one.
    pub(super) dateline: Option<(usize, usize)>,
}


/// `(country, admin1)` borrowed from an entry.
pub(super) type Key<'a> = (&'a str, &'a str);

pub(super) struct Ctx<'a> {
    pub(super) sentence_admin1: Vec<Vec<Key<'a>>>,
    pub(super) dateline: Option<Key<'a>>,
    pub(super) votes: Vec<(Key<'a>, u32)>,
}


pub(crate) fn find_places(
    g: &Geocoder,
    doc: &Document,
    original: Option<&str>,
    raw: Option<&[(usize, usize, u32)]>,
) -> Vec<PlaceMention> {
    let f = doc.folded();
    if f.is_empty() || doc.tokens.is_empty() {
        return Vec::new();
    }
    let own: Vec<(usize, usize, u32)>;
    let raw = match raw {
        Some(r) => r,
        None => {
            own = g.automaton().map_or_else(Vec::new, |ac| {
                ac.find_overlapping_iter(f)
                    .map(|m| (m.start(), m.end(), m.value()))
                    .collect()
            });
            &own
        }
    };
    let hs = hits(g, doc, raw);
    let mut hit_at = vec![NO_HIT; doc.tokens.len()];
    for (k, h) in hs.iter().enumerate() {
        if h.ta < hit_at.len() && hit_at[h.ta] >= STARTS_PHRASE {
            hit_at[h.ta] = k as u32;
        }
    }
    mark_starters(g, doc, raw, &mut hit_at);
    let w = Walker {
        g,
        doc,
        f,
        hits: hs,
        hit_at,
        dateline: dateline_range(doc),
    };
    let mut raws = w.walk();
    for r in &mut raws {
        fix_list_member(doc, r);
    }
    raws.retain(|r| r.e > r.s && r.tb > r.ta);
    settle_minor(g, doc, &mut raws);
    let n = raws.len();
    let sent: Vec<usize> = raws.iter().map(|r| doc.sentence_of(r.ta)).collect();

    // enclosing links
    let mut enc: Vec<Option<usize>> = vec![None; n];
    for k in 0..n.saturating_sub(1) {
        let (a, b) = (&raws[k], &raws[k + 1]);
        if sent[k] != sent[k + 1] {
            continue;
        }
        let ka = raw_kind(g, a);
        let kb = raw_kind(g, b);
        if kb.containment_rank() >= ka.containment_rank()
            && encloses(&w, a, b)
            && !(kb == PlaceKind::Country && ka == PlaceKind::Country)
        {
            enc[k] = Some(k + 1);
        }
    }
    // "X وY بريف Z": a list shares its encloser
    for k in (0..n.saturating_sub(1)).rev() {
        if enc[k].is_none()
            && sent[k] == sent[k + 1]
            && raws[k + 1].prefix.starts_with('و')
            && raws[k + 1].ta == raws[k].tb
        {
            if let Some(e) = enc[k + 1] {
                if raw_kind(g, &raws[e]).containment_rank()
                    >= raw_kind(g, &raws[k]).containment_rank()
                {
                    enc[k] = Some(e);
                }
            }
        }
    }

    // context
    let nsent = doc.sentences.len().max(1);
    let mut ctx = Ctx {
        sentence_admin1: vec![Vec::new(); nsent],
        dateline: None,
        votes: Vec::new(),
    };
    for (k, r) in raws.iter().enumerate() {
        if let Some(key) = unambiguous(g, &r.cands) {
            let s = sent[k].min(nsent - 1);
            if !ctx.sentence_admin1[s].contains(&key) {
                ctx.sentence_admin1[s].push(key);
            }
            match ctx.votes.iter_mut().find(|(x, _)| *x == key) {
                Some((_, v)) => *v += 1,
                None => ctx.votes.push((key, 1)),
            }
        }
    }
    if let Some((start, end)) = w.dateline {
        if let Some(r) = raws
            .iter()
            .take_while(|r| r.e <= end)
            .find(|r| r.s >= start && !r.cands.is_empty() && fills_segment(doc, r.s, r.e))
        {
            let best = r
                .cands
                .iter()
                .map(|&c| &g.entries[c as usize])
                .max_by_key(|e| e.prominence_score() * 100 + (e.source == "rasad") as i64);
            if let Some(e) = best {
                if let Some(a) = &e.admin1 {
                    ctx.dateline = Some((e.country.as_str(), a.as_str()));
                }
            }
        }
    }

    // resolve right to left
    let mut locs: Vec<Option<Location>> = vec![None; n];
    let mut kinds: Vec<PlaceKind> = vec![PlaceKind::Village; n];
    for k in (0..n).rev() {
        let r = &raws[k];
        // the encloser lies to the right (resolved already); one to the left has no
        // location yet
        let enc_loc = enc[k].filter(|&e| e > k).and_then(|e| locs[e].as_ref());
        let own = unambiguous(g, &r.cands);
        let sent_ctx: Vec<Key> = ctx.sentence_admin1[sent[k].min(nsent - 1)]
            .iter()
            .filter(|x| own != Some(**x))
            .copied()
            .collect();
        let span = doc.span(r.s, r.e);
        let mut loc;
        let kind;
        if !r.cands.is_empty() {
            let best = r
                .cands
                .iter()
                .copied()
                .max_by_key(|&c| {
                    score(&g.entries[c as usize], r, enc_loc, &sent_ctx, &ctx)
                })
                .unwrap_or(r.cands[0]);
            let e = &g.entries[best as usize];
            loc = g.location(best);
            if r.region {
                kind = PlaceKind::Region;
                let wide = matches!(
                    e.kind,
                    PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Region
                ) || (e.kind == PlaceKind::City
                    && e.admin1.as_ref().is_some_and(|a| {
                        g.lookup(&e.name_ar)
                            .iter()
                            .any(|x| x.kind == PlaceKind::Admin1 && x.admin1.as_ref() == Some(a))
                    }));
                loc.geo_precision = Some(if wide { 3 } else { 2 });
                loc.name = Some(rasad_model::concat(&[&e.name, " area"]).into());
                loc.gazetteer_id = None;
                if wide {
                    loc.admin2 = None;
                }
                loc.admin3 = None;
            } else if let Some(fk) = r
                .feature
                .filter(|fk| *fk == PlaceKind::Site && e.kind != PlaceKind::Site)
            {
                // "مطار X" where only the town X is known: the site is at X
                kind = fk;
                loc.geo_precision = Some(2);
                loc.gazetteer_id = None;
            } else {
                kind = e.kind;
            }
        } else {
            kind = if r.region {
                PlaceKind::Region
            } else {
                r.feature.unwrap_or(PlaceKind::Village)
            };
            loc = Location::default();
            if let Some(el) = enc_loc {
                loc.country = el.country.clone();
                loc.admin1 = el.admin1.clone();
                loc.admin2 = el.admin2.clone();
                loc.admin3 = if kind.containment_rank() < 3 {
                    el.admin3.clone()
                } else {
                    None
                };
                loc.lat = el.lat;
                loc.lon = el.lon;
                loc.geo_precision = Some(el.geo_precision.unwrap_or(2).max(2));
            } else if let Some((c, a)) = sent_ctx.first().copied().or(ctx.dateline) {
                loc.country = Some(c.to_string().into());
                loc.admin1 = Some(a.to_string().into());
                if let Some(ae) = g.admin1_centroid(c, a) {
                    loc.lat = ae.lat;
                    loc.lon = ae.lon;
                }
                loc.geo_precision = Some(3);
            }
        }
        if r.near {
            loc.geo_precision = Some(loc.geo_precision.unwrap_or(2).max(2));
        }
        loc.name_ar = match original.map(|o| doc.original(o, span)) {
            Some(text) if !text.is_empty() => text.to_string(),
            _ => f[r.s..r.e].to_string(),
        };
        loc.span = Some(span);
        // a known place whose encloser lies in another admin1 is not *in* it: "الزاوية
        // غرب العاصمة طرابلس" says where, not what contains it. Unless the text states
        // the containment ("بلدة X بريف Y"): then the gazetteer's X is a namesake in
        // another governorate, and the text's own statement wins (admin units from the
        // container; the namesake's coordinates only when it lies near the container).
        if !r.cands.is_empty() && !r.region {
            if let Some(el) = enc_loc {
                if el.admin1.is_some() && loc.admin1.is_some() && el.admin1 != loc.admin1 {
                    let stated = enc[k].is_some_and(|e| states_containment(&w, r, &raws[e]));
                    if stated && el.country.is_some() {
                        let near = match (loc.lat, loc.lon, el.lat, el.lon) {
                            (Some(a), Some(b), Some(c), Some(d)) => {
                                crate::import::km(a, b, c, d) <= CONTAINER_NEAR_KM
                            }
                            _ => false,
                        };
                        loc.country = el.country.clone();
                        loc.admin1 = el.admin1.clone();
                        loc.admin2 = el.admin2.clone();
                        loc.admin3 = None;
                        loc.pcode = None;
                        loc.gazetteer_id = None;
                        if !near {
                            loc.lat = el.lat;
                            loc.lon = el.lon;
                        }
                        loc.geo_precision = Some(2);
                    } else {
                        enc[k] = None;
                    }
                }
            }
        }
        kinds[k] = kind;
        locs[k] = Some(loc);
    }
    let _ = &w.hits;
    // A sentence that opens with "(و)في <place>،" is framed by it: later places of the
    // sentence with no encloser of their own lie in it ("وفي ريف حماة الشرقي، قُتل ...
    // في بادية عقيربات"). The link points backwards; admin units were resolved already.
    let mut encloses_earlier = vec![false; n];
    for (q, e) in enc.iter().enumerate() {
        if let Some(e) = *e {
            if e > q {
                encloses_earlier[e] = true;
            }
        }
    }
    for k in 0..n {
        let si = sent[k];
        let Some(sen) = doc.sentences.get(si) else {
            continue;
        };
        if k > 0 && sent[k - 1] == si {
            continue;
        }
        let r = &raws[k];
        let lead: Vec<&str> = doc.tokens[sen.start_tok..r.ta.max(sen.start_tok)]
            .iter()
            .map(|t| &f[t.start..t.end])
            .collect();
        let opener = lead.is_empty()
            || lead
                .iter()
                .all(|w| matches!(*w, "و" | "في" | "وفي" | "ففي" | "اما" | "واما" | "اما في"))
            || r.prefix.contains('ب') && lead.len() <= 1;
        let comma = doc
            .tokens
            .get(r.tb)
            .is_some_and(|t| &f[t.start..t.end] == ",");
        if !opener || !comma || lead.len() > 2 {
            continue;
        }
        let frame_rank = kinds[k].containment_rank();
        let frame_a1 = locs[k].as_ref().and_then(|l| l.admin1.clone());
        let prec = |q: usize| locs[q].as_ref().and_then(|l| l.geo_precision).unwrap_or(3);
        // a smaller kind, or a region inside a wider region ("بادية عقيربات" in "ريف حماة")
        let finer = |q: usize| {
            let r = kinds[q].containment_rank();
            r < frame_rank || (r == frame_rank && prec(q) < prec(k))
        };
        for j in k + 1..n {
            if sent[j] != si {
                break;
            }
            let a1 = locs[j].as_ref().and_then(|l| l.admin1.clone());
            let compatible = frame_a1.is_none() || a1.is_none() || a1 == frame_a1;
            if enc[j].is_none() && finer(j) && compatible && !encloses_earlier[j] {
                enc[j] = Some(k);
            }
        }
    }

    raws.iter()
        .enumerate()
        .map(|(k, r)| PlaceMention {
            start: r.s,
            end: r.e,
            sentence: sent[k],
            kind: kinds[k],
            location: locs[k].take().unwrap_or_default(),
            enclosing: enc[k],
            known: !r.cands.is_empty(),
        })
        .collect()
}


#[cfg(test)]
mod tests {
    use super::*;

    fn geo() -> Geocoder {
        Geocoder::curated().expect("curated gazetteer")
    }

    /// The starter test as it was first written: every prefixed form in a set, asked of
    /// each word token (the 24-byte limit was that set's early exit; no prefixed
    /// starter is longer, so the scan's marks need no such limit).
    fn is_starter_oracle(word: &str) -> bool {
        word.len() <= 24 && starter_bases().any(|b| STARTER_PREFIXES.iter().any(|p| word.strip_prefix(p) == Some(b)))
    }

    /// Every word token of `text`, and whether the scan marked it a phrase starter.
    fn starter_marks(g: &Geocoder, text: &str) -> Vec<(String, bool)> {
        let doc = Document::new(text);
        let raw: Vec<(usize, usize, u32)> =
            g.automaton().unwrap().find_overlapping_iter(doc.folded()).map(|m| (m.start(), m.end(), m.value())).collect();
        let mut hit_at = vec![NO_HIT; doc.tokens.len()];
        mark_starters(g, &doc, &raw, &mut hit_at);
        doc.tokens
            .iter()
            .zip(&hit_at)
            .filter(|(t, _)| t.kind == TokenKind::Word)
            .map(|(t, &h)| (doc.folded()[t.start..t.end].to_string(), h == STARTS_PHRASE))
            .collect()
    }

    #[test]
    fn phrase_starters_from_the_scan_agree_with_a_word_set() {
        let g = geo();
        let mut texts: Vec<String> = vec![
            "قصفت القوات ريف حلب الشمالي وريف ادلب، وفي محيط مدينة دير الزور وبالقرب من تعريف الحي".into(),
            "حي حيث الحياة وحيي الميدان بمدينتي حمص وحماة شمالي شرقي سوريا، جنوب غرب غربي".into(),
            "فبريف ولمحيط وكقرية ووالريف فالريف الريفي ريفي كريف 12ريف ريف12 مدينه_ مطارات".into(),
        ];
        // every starter with every prefix, alone, glued to a following letter, after a
        // foreign prefix, and far too long
        for b in starter_bases() {
            for p in STARTER_PREFIXES.iter().chain(&["ال", "وال", "ت", "لل"]) {
                texts.push(format!("{p}{b} {p}{b}ه ا{p}{b} {p}{b}{p}{b}{p}{b}{p}{b}{p}{b}"));
            }
        }
        // and real articles, when the dev set is beside the checkout
        if let Ok(dev) = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/eval/dev.jsonl")) {
            for line in dev.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    texts.extend(v["text"].as_str().map(String::from));
                }
            }
        }
        assert!(starter_bases().all(|b| STARTER_PREFIXES.iter().all(|p| p.len() + b.len() <= 24)));
        let mut starters = 0;
        for text in &texts {
            for (word, marked) in starter_marks(&g, text) {
                assert_eq!(marked, is_starter_oracle(&word), "{word:?} in {text:?}");
                starters += marked as usize;
            }
        }
        assert!(starters > 500, "only {starters} starters marked");
    }

    fn dl(g: &Geocoder, text: &str) -> Option<(String, Option<String>)> {
        let doc = Document::new(text);
        g.dateline_in(&doc, text)
            .map(|m| (m.location.name_ar, m.location.admin1.map(|a| a.into_owned())))
    }

    #[test]
    fn datelines_name_the_article_place() {
        let g = geo();
        let a1 = |t: &str| dl(&g, t).and_then(|(_, a)| a);
        assert_eq!(
            a1("ديرالزور – نورث برس\nنص الخبر."),
            Some("Deir ez-Zor".into())
        );
        assert_eq!(a1("963+ – الحسكة\nنص"), Some("Al-Hasakah".into()));
        assert_eq!(a1("بيروت – الشرق الأوسط\nنص"), Some("Beirut".into()));
        assert_eq!(a1("الناصرية/ المدى\nنص"), Some("Dhi Qar".into()));
        assert_eq!(a1("عنب بلدي – ريف حلب\nنص"), Some("Aleppo".into()));
        // a common-word name still counts in a dateline
        assert_eq!(a1("بوابة الوسط – الزاوية\nنص"), Some("Zawiya".into()));
        assert_eq!(
            dl(&g, "ديرالزور – نورث برس").map(|(n, _)| n),
            Some("ديرالزور".into())
        );
        // not a dateline: a sentence, an unknown city, nothing
        assert_eq!(
            dl(
                &g,
                "قصفت القوات التركية قرية في ريف حلب الشمالي صباح اليوم وأصيب مدنيون.\nنص"
            ),
            None
        );
        assert_eq!(dl(&g, "لندن – الشرق الأوسط\nنص"), None);
        assert_eq!(dl(&g, ""), None);
    }

    #[test]
    fn enclosing_chain_and_inheritance() {
        let g = geo();
        let t = "قصفت القوات قرية أبو النيتل بريف منبج شمال شرقي حلب";
        let ms = g.find_places_in_text(t);
        let names: Vec<&str> = ms.iter().map(|m| m.location.name_ar.as_str()).collect();
        assert_eq!(names, ["قرية أبو النيتل", "ريف منبج", "شمال شرقي حلب"]);
        assert_eq!(ms[0].enclosing, Some(1));
        assert_eq!(ms[1].enclosing, Some(2));
        assert!(!ms[0].known && ms[1].known);
        assert_eq!(ms[0].kind, PlaceKind::Village);
        assert_eq!(ms[1].kind, PlaceKind::Region);
        // the unknown village takes the encloser's units and coordinates, precision 2
        let l = &ms[0].location;
        assert_eq!(
            (l.admin1.as_deref(), l.admin2.as_deref(), l.geo_precision),
            (Some("Aleppo"), Some("Manbij"), Some(2))
        );
        assert_eq!((l.lat, l.lon), (ms[1].location.lat, ms[1].location.lon));
        assert!(l.lat.is_some());
    }

    #[test]
    fn a_direction_into_another_admin1_is_no_encloser() {
        let g = geo();
        let ms = g.find_places_in_text("اشتباكات في محيط مصفاة الزاوية غرب العاصمة طرابلس");
        let m = ms
            .iter()
            .find(|m| m.location.name_ar == "محيط مصفاة الزاوية")
            .expect("refinery");
        assert_eq!(m.location.admin1.as_deref(), Some("Zawiya"));
        assert_eq!(m.enclosing, None);
        // the same shape inside one admin1 keeps the link
        let ms = g.find_places_in_text("قصف على قرية الحلونجي شرقي جرابلس");
        assert_eq!(ms[0].enclosing, Some(1));
    }

    #[test]
    fn a_sentence_opening_place_frames_the_rest() {
        let g = geo();
        let ms =
            g.find_places_in_text("وفي ريف حماة الشرقي، قُتل ثلاثة بانفجار لغم في بادية عقيربات.");
        assert_eq!(ms[0].location.name_ar, "ريف حماة الشرقي");
        assert_eq!(ms[1].location.name_ar, "بادية عقيربات");
        assert_eq!(ms[1].enclosing, Some(0));
        // no comma after the opener: no frame
        let ms = g.find_places_in_text("وفي ريف حماة الشرقي قتل ثلاثة في بادية عقيربات.");
        assert_eq!(ms[1].enclosing, None);
        // "محور X" is a site near the town X
        let ms = g.find_places_in_text("قتل عنصر على محور تادف قرب مدينة الباب");
        assert_eq!(
            (ms[0].kind, ms[0].location.geo_precision),
            (PlaceKind::Site, Some(2))
        );
        assert_eq!(ms[0].location.admin1.as_deref(), Some("Aleppo"));
    }

    #[test]
    fn spans_point_at_the_phrase_without_clitics() {
        let g = geo();
        let t = "وقعت اشتباكات بمدينة الميادين، وبحقل العمر النفطي";
        let ms = g.find_places_in_text(t);
        assert_eq!(ms[0].location.name_ar, "مدينة الميادين");
        assert_eq!(ms[0].location.span.unwrap().slice(t), "مدينة الميادين");
        assert_eq!(ms[1].location.name_ar, "حقل العمر النفطي");
        assert_eq!(ms[1].kind, PlaceKind::Site);
        // without the original text the folded phrase stands in
        let doc = Document::new(t);
        assert_eq!(g.find_places(&doc)[0].location.name_ar, "مدينه الميادين");
    }

    #[test]
    fn namesakes_follow_context() {
        let g = geo();
        let a1 = |t: &str, name: &str| {
            g.find_places_in_text(t)
                .into_iter()
                .find(|m| m.location.name_ar == name)
                .and_then(|m| m.location.admin1)
        };
        assert_eq!(
            a1("قصف على مدينة أريحا جنوبي إدلب", "مدينة أريحا").as_deref(),
            Some("Idlib")
        );
        assert_eq!(
            a1("اقتحام مدينة أريحا في الضفة الغربية", "مدينة أريحا").as_deref(),
            Some("West Bank")
        );
        assert_eq!(
            a1(
                "الحسكة – نورث برس\nانفجار في حي الصالحية وسط المدينة",
                "حي الصالحية"
            )
            .as_deref(),
            Some("Al-Hasakah")
        );
        assert_eq!(
            a1(
                "ديرالزور – نورث برس\nمداهمات في قرية الصالحية",
                "قرية الصالحية"
            )
            .as_deref(),
            Some("Deir ez-Zor")
        );
    }

    #[test]
    fn common_words_are_not_places() {
        let g = geo();
        for t in [
            "خرجت تظاهرة سلمية في الساحة",
            "تحدث عنه الناشطون",
            "الطائرات تدمر المنازل",
            "تعمل لجنة جديدة",
            "حقول الغاز في المنطقة",
        ] {
            let ms = g.find_places_in_text(t);
            assert!(
                ms.is_empty(),
                "{t}: {:?}",
                ms.iter().map(|m| &m.location.name_ar).collect::<Vec<_>>()
            );
        }
        // but with a feature word or a locative preposition the name reads as a place
        assert!(g
            .find_places_in_text("قصف على مدينة الباب")
            .iter()
            .any(|m| m.location.admin1.as_deref() == Some("Aleppo")));
        assert!(g.find_places_in_text("اشتباكات في الباب").iter().any(|m| m
            .location
            .admin1
            .as_deref()
            == Some("Aleppo")));
    }
}
