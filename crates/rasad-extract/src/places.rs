//! Stage *place of an event*: which of a sentence's place mentions an event candidate
//! happened at, and where its admin1 comes from when the place has none.
//!
//! The innermost place nearest the trigger wins, places after the trigger before places
//! before it, where people came from or went to last. A coordinated list of places
//! ("قرى X وY وZ", "في بلدات X، Y، وZ"، "مدينة X وبلدة Y، إضافة إلى Z") is one event per
//! place, as ACLED codes one location per event; a "بين X و Y" names the two ends of one
//! front or road instead. A sentence that names no place may point back to one
//! ("المطار ذاته", "في القاعدة"); an event without admin1 takes the one of its sentence,
//! its paragraph, then the dateline.

use crate::frame::{self, Cand, Ctx, SideKind};
use rasad_geo::{PlaceKind, PlaceMention};
use rasad_model::{Span, Text};

/// How precise a kind of place is, 0 best.
pub(crate) fn place_rank(k: PlaceKind) -> u8 {
    match k {
        PlaceKind::Site | PlaceKind::Neighbourhood | PlaceKind::Village => 0,
        PlaceKind::Town | PlaceKind::City => 1,
        PlaceKind::Admin3 => 2,
        PlaceKind::Admin2 => 3,
        PlaceKind::Region => 4,
        PlaceKind::Admin1 => 5,
        PlaceKind::Country => 6,
    }
}

/// Place mentions usable as an event's location in sentence `s`: not inside an actor's
/// name ("مجلس منبج العسكري"), innermost first among enclosing chains.
pub(crate) fn sentence_places<'c>(ctx: &'c Ctx, s: usize) -> std::borrow::Cow<'c, [usize]> {
    match ctx.memo.get(s) {
        Some(cell) => std::borrow::Cow::Borrowed(cell.get_or_init(|| sentence_places_of(ctx, s))),
        None => std::borrow::Cow::Owned(sentence_places_of(ctx, s)),
    }
}

pub(crate) fn sentence_places_of(ctx: &Ctx, s: usize) -> Vec<usize> {
    let actor_spans: Vec<(usize, usize)> = ctx
        .sentence_items(s)
        .filter(|&i| matches!(ctx.side_kind(i), Some(SideKind::Actor(_) | SideKind::Adjective(_))))
        .map(|i| (ctx.items[i].word_start, ctx.items[i].word_end))
        .collect();
    // words the lexicons know as something else (months, adjectives, cues, numbers, and
    // the verbs and nouns of events: "خرج" is no village in "خرج مئات المتظاهرين")
    let other_words: Vec<(usize, usize)> = ctx
        .sentence_items(s)
        .filter(|&i| matches!(ctx.items[i].hit, rasad_lexicon::Hit::Time(_) | rasad_lexicon::Hit::Cue(_) | rasad_lexicon::Hit::Number(_) | rasad_lexicon::Hit::Weapon(_) | rasad_lexicon::Hit::Person(_) | rasad_lexicon::Hit::Trigger(_)))
        .map(|i| (ctx.items[i].word_start, ctx.items[i].word_end))
        .collect();
    ctx.place_ids_of(s)
        .filter(|&p| {
            let pl = &ctx.places[p];
            let inside_actor = actor_spans.iter().any(|&(a, b)| pl.start < b && a < pl.end && !(pl.start <= a && b <= pl.end && b - a < pl.end - pl.start));
            let is_other_word = other_words.iter().any(|&(a, b)| a <= pl.start && pl.end <= b);
            // "بحسب مديرية الصحة", "وفق قيادة شرطة البصرة": the source, not the scene
            let source = matches!(frame::prev_word(ctx.doc.folded(), pl.start), "بحسب" | "حسب" | "وفق" | "وفقا" | "بحسب ما");
            !inside_actor && !is_other_word && !source && !ctx.doc.folded()[pl.start..pl.end].starts_with("مركز ") && !quantified(&ctx.doc.folded()[pl.start..pl.end])
        })
        .collect()
}

/// Words that say how many or which places, not their names: "في مدن وبلدات عدة",
/// "قرى مجاورة", "مناطق متفرقة". A phrase ending in one names no place.
const QUANTIFIERS: &[&str] = &["عده", "عديده", "مختلفه", "متفرقه", "اخري", "مجاوره", "كثيره", "قريبه", "محيطه", "بعينها", "معينه"];

fn quantified(phrase: &str) -> bool {
    phrase.split_whitespace().last().is_some_and(|w| QUANTIFIERS.contains(&w))
}

/// Choose the location(s) of a candidate: the innermost place nearest the trigger,
/// preferring places after it; two places joined by و ("في حقل كونيكو وحقل العمر") are
/// two events unless a "بين" makes them the ends of one road.
pub(crate) fn choose_places(ctx: &Ctx, cand: &Cand) -> Vec<usize> {
    let mut ps = sentence_places(ctx, cand.sentence);
    // places of the trigger's clause, when it has any ("…، فيما اغتال مسلحون … في قضاء المقدادية")
    let (cs, ce) = frame::clause_of(ctx, cand.sentence, &cand.triggers);
    let in_clause: Vec<usize> = ps.iter().copied().filter(|&p| ctx.places[p].start >= cs && ctx.places[p].end <= ce).collect();
    if !in_clause.is_empty() {
        ps = std::borrow::Cow::Owned(in_clause);
    }
    if ps.is_empty() {
        return Vec::new();
    }
    let inner: Vec<usize> = ps
        .iter()
        .copied()
        .filter(|&p| !ps.iter().any(|&q| q != p && ctx.places[q].enclosing == Some(p)))
        .filter(|&p| ctx.places[p].kind != PlaceKind::Country || ps.iter().all(|&q| ctx.places[q].kind == PlaceKind::Country))
        .collect();
    let first = cand.triggers.iter().copied().min_by_key(|&i| ctx.items[i].start);
    let anchor = first.map_or(0, |i| ctx.items[i].start);
    let anchor_end = first.map_or(0, |i| ctx.items[i].end);
    let folded = ctx.doc.folded();
    let origins = origins(ctx, &ps);
    let dist = |p: usize| {
        let pl = &ctx.places[p];
        let d = if pl.start >= anchor { ctx.tokens_between(anchor_end, pl.start) } else { 2 * ctx.tokens_between(pl.end, anchor) + 4 };
        let origin = origins.contains(&p);
        let reference = !origin && is_reference(folded, pl.start);
        // "منطقة بيت الشرجي" that the gazetteer does not know is an area of a few streets
        // or a hamlet, not a region: ranked as a town
        let rank = if !pl.known && pl.kind == PlaceKind::Region { 1 } else { place_rank(pl.kind) };
        (d as u64) + 6 * rank as u64 + if origin { 30 } else if reference { 10 } else { 0 }
    };
    let Some(best) = inner.iter().copied().min_by_key(|&p| dist(p)) else { return Vec::new() };
    // an answer "على مصادر القصف" hit where the fire came from, not the places listed
    // as the first attack's targets
    if cand.retaliation {
        return vec![best];
    }
    let list = coordinated(ctx, cand.sentence, &ps, &inner, best);
    // a list before the trigger is its scene ("شهدت مدن X وY احتجاجات", "وكانت X ومدينة Y
    // قد تعرضتا، أمس، لقصف") unless a cause word parts them: "حظر تجول في مدن X وY، إثر
    // احتجاجات" tells where something else was
    let last = list.last().map_or(0, |&p| ctx.places[p].end);
    if list.len() > 1 && last <= anchor {
        let between = &folded[last..anchor];
        if between.split(|c: char| c.is_whitespace() || c == ',').any(|w| matches!(w, "اثر" | "بعد" | "عقب" | "جراء" | "بسبب")) {
            return vec![best];
        }
    }
    list
}

/// Where someone comes from is not where the event happened: "شاب من أبناء بلدة
/// القريا", "أثناء عودته من مدينة درعا". Not a landmark: "بالقرب من قرية X", "غير
/// البعيدة عن X".
fn is_origin(folded: &str, start: usize) -> bool {
    let mut before = frame::words_before(folded, start);
    let (w1, w2) = (before.next(), before.next());
    let origin_word = |w: Option<&str>| w.is_some_and(|w| matches!(w, "ابناء" | "اهالي" | "سكان" | "ابن" | "المتمركزه" | "المتمركز" | "المتمركزين" | "انطلاقا"));
    let near_word = w2.is_some_and(is_near_word);
    (w1 == Some("من") && !near_word) || origin_word(w1) || (origin_word(w2) && !(matches!(w1, Some("في" | "داخل")) && matches!(w2, Some("سكان" | "اهالي" | "ابناء"))))
}

/// "قريبة/بعيدة" and their forms: "بالقرب من X", "غير البعيدة عن X" name a landmark.
fn is_near_word(w: &str) -> bool {
    matches!(w, "بالقرب" | "قريبا" | "قريب" | "قريبه" | "القريب" | "القريبه" | "مقربه" | "بمقربه" | "بعيد" | "بعيده" | "البعيد" | "البعيده" | "بعيدا")
}

/// A landmark the place is near ("محور تادف قرب مدينة الباب", "على بعد عشرة كيلومترات
/// شمال غرب مدينة بارا") or a heading ("باتجاه حمص").
fn is_reference(folded: &str, start: usize) -> bool {
    let words: Vec<&str> = frame::words_before(folded, start).take(7).collect();
    let (w1, w2) = (words.first().copied(), words.get(1).copied());
    w1.is_some_and(|w| matches!(w, "قرب" | "بالقرب" | "مقابل" | "باتجاه" | "نحو" | "الي"))
        || (matches!(w1, Some("من" | "عن")) && w2.is_some_and(is_near_word))
        || words.windows(2).any(|p| p[0] == "بعد" && matches!(p[1], "علي" | "على"))
}

/// The places of `ps` that tell where someone came from: those read so (`is_origin`),
/// the later items of a list one of them opens ("من أبناء X وY وZ"), and the places
/// that enclose one ("أهالي قرية X في ريف Y").
fn origins(ctx: &Ctx, ps: &[usize]) -> Vec<usize> {
    let folded = ctx.doc.folded();
    let mut order: Vec<usize> = ps.to_vec();
    order.sort_by_key(|&p| ctx.places[p].start);
    let mut out: Vec<usize> = Vec::new();
    for (k, &p) in order.iter().enumerate() {
        let pl = &ctx.places[p];
        let listed = k > 0 && {
            let q = &ctx.places[order[k - 1]];
            out.contains(&order[k - 1]) && q.end <= pl.start && joins_list(&folded[q.end..pl.start])
        };
        if listed || is_origin(folded, pl.start) {
            out.push(p);
        }
    }
    let mut k = 0;
    while k < out.len() {
        if let Some(e) = ctx.places[out[k]].enclosing {
            if ps.contains(&e) && !out.contains(&e) {
                out.push(e);
            }
        }
        k += 1;
    }
    out
}

/// Words that may stand between two places of one list besides their names: the
/// conjunctions and the feature words of the next item ("وبلدات", "إضافة إلى مدينة").
const LIST_WORDS: &[&str] = &[
    "و", "او", "ثم", "اضافه", "الي", "فضلا", "عن", "كذلك", "وكذلك", "علاوه", "عدا", "بلده", "بلدات", "بلدتي", "بلدتا", "قريه", "قري", "قريتي",
    "قريتا", "مدينه", "مدن", "مدينتي", "مدينتا", "حي", "احياء", "حيي", "مخيم", "مخيمات", "مخيمي", "منطقه", "مناطق", "منطقتي", "ناحيه", "نواحي", "بلدتي",
];

/// Whether the text between two places joins them as items of one list: commas, "و",
/// "أو", "إضافة إلى", "فضلاً عن" and feature words only, at most five words.
fn joins_list(gap: &str) -> bool {
    let words: Vec<&str> = gap.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    if gap.trim().is_empty() || words.len() > 5 || gap.contains(['.', ':', '(', ')', '"', '\n']) {
        return false;
    }
    // "،" alone joins; words must each be a list word, bare or after و
    words.iter().all(|w| LIST_WORDS.contains(w) || w.strip_prefix('و').is_some_and(|b| LIST_WORDS.contains(&b)))
        && (gap.contains(',') || words.iter().any(|w| w.starts_with('و') || matches!(*w, "او" | "اضافه" | "فضلا" | "علاوه" | "كذلك")))
}

/// The places listed with `best` ("قرى X وY وZ", "X، Y، وZ"): one event each. The list
/// runs both ways from `best` through places of the trigger's clause that are as precise
/// as a town, each joined to the one before by `joins_list`; a place enclosing the item
/// before it ("بلدة X بريف حلب وبلدة Y") is stepped over. A "بين" before the list makes
/// it the two ends of one front or road: one place.
fn coordinated(ctx: &Ctx, s: usize, ps: &[usize], inner: &[usize], best: usize) -> Vec<usize> {
    let folded = ctx.doc.folded();
    let listable = |p: usize| place_rank(ctx.places[p].kind) <= 1;
    if !listable(best) {
        return vec![best];
    }
    let mut items: Vec<usize> = inner.iter().copied().filter(|&p| listable(p)).collect();
    items.sort_by_key(|&p| ctx.places[p].start);
    let Some(k) = items.iter().position(|&p| p == best) else { return vec![best] };
    // the gap between two items, after any coarser place that encloses the first
    let linked = |a: usize, b: usize| {
        let (pa, pb) = (&ctx.places[a], &ctx.places[b]);
        if pb.start < pa.end {
            return false;
        }
        let from = ps
            .iter()
            .map(|&q| &ctx.places[q])
            .filter(|q| q.start >= pa.end && q.end <= pb.start && place_rank(q.kind) > 1 && ctx.tokens_between(pa.end, q.start) <= 2)
            .map(|q| q.end)
            .max()
            .unwrap_or(pa.end);
        joins_list(&folded[from..pb.start])
    };
    // "أحدهما في سعير …، والآخر عند أطراف بيت عنان": one of them here, the other there
    let distributed = |a: usize, b: usize| {
        let (pa, pb) = (&ctx.places[a], &ctx.places[b]);
        pb.start >= pa.end && distributive(ctx, pa.start) == Some(true) && distributive(ctx, pb.start) == Some(false)
    };
    let joined = |a: usize, b: usize| linked(a, b) || distributed(a, b);
    let (mut lo, mut hi) = (k, k);
    while lo > 0 && joined(items[lo - 1], items[lo]) {
        lo -= 1;
    }
    while hi + 1 < items.len() && joined(items[hi], items[hi + 1]) {
        hi += 1;
    }
    if lo == hi {
        return vec![best];
    }
    let first = &ctx.places[items[lo]];
    let before = &folded[ctx.doc.sentences[s].start..first.start];
    let last_words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    if hi - lo == 1 && last_words.contains(&"بين") {
        return vec![best];
    }
    items[lo..=hi].to_vec()
}

/// Whether the place at folded byte `start` is introduced by "one of them" (`Some(true)`)
/// or "the other" (`Some(false)`): the cue nearest before it, at most three tokens away
/// ("أحدهما في X", "والآخر عند أطراف Y"). "قتل شابان، أحدهما في X والآخر في Y" tells two
/// events, one at each place.
pub(crate) fn distributive(ctx: &Ctx, start: usize) -> Option<bool> {
    let k = ctx.items.partition_point(|i| i.word_start < start);
    (0..k)
        .rev()
        .take_while(|&j| ctx.items[j].word_end <= start && ctx.tokens_between(ctx.items[j].word_end, start) <= 3)
        .find_map(|j| match ctx.cue(j) {
            Some("one_of") => Some(true),
            Some("the_other") => Some(false),
            _ => None,
        })
}

/// Keep a place's name but put it inside `unit` (its admin units and coordinates, at
/// precision 2): for a name the gazetteer resolved to a namesake elsewhere.
pub(crate) fn place_within(l: &mut rasad_model::Location, unit: &rasad_model::Location) {
    l.country = unit.country.clone();
    l.admin1 = unit.admin1.clone();
    l.admin2 = unit.admin2.clone();
    l.admin3 = None;
    l.pcode = None;
    l.lat = unit.lat;
    l.lon = unit.lon;
    l.geo_precision = Some(2);
    l.gazetteer_id = None;
}

/// Feature words a sentence may point back with, definite and bare ("في القاعدة").
const REFERRED_FEATURES: &[&str] = &["قاعده", "مطار", "مخيم", "حقل", "معبر", "سجن", "بلده", "مدينه", "قريه", "ناحيه", "قضاء", "حي", "سد", "معسكر", "ميناء"];

/// `w` is `bare` with the article before it, alone or after a clitic ("القاعده", "بالقاعده", "للقاعده").
fn definite_with(w: &str, bare: &str) -> bool {
    w.strip_suffix(bare).is_some_and(|h| h.ends_with("ال") || h.ends_with("لل"))
}

/// Whether `definite_with(w, f)` holds for some feature word f, read once along the
/// word (an ل after ا or ل, the rest of the word a feature word) instead of trying
/// each of them: nearly every word of a sentence is asked, and nearly none is one.
fn ends_in_definite_feature(w: &str) -> bool {
    let mut prev = '\0';
    w.char_indices().any(|(i, c)| {
        let hit = c == 'ل' && matches!(prev, 'ا' | 'ل') && REFERRED_FEATURES.contains(&&w[i + 'ل'.len_utf8()..]);
        prev = c;
        hit
    })
}

/// A place the sentence names only by pointing back: "المطار ذاته" (the last precise
/// place before), or a bare definite feature word ("في القاعدة", "داخل المخيم") — the
/// last place before whose phrase starts with that word.
pub(crate) fn place_referred_back(ctx: &Ctx, s: usize) -> Option<usize> {
    let sent = &ctx.doc.sentences[s];
    // words without the punctuation that closes them ("المطار،" → "المطار" closing)
    let raw_words: Vec<&str> = ctx.doc.folded()[sent.start..sent.end].split_whitespace().collect();
    let words: Vec<&str> = raw_words.iter().map(|w| w.trim_end_matches([',', '.', ';', ':', '"', ')'])).collect();
    // "المطار ذاته", "المكان نفسه"; not "اليوم ذاته", "الحملة ذاتها"
    let same = words.iter().enumerate().skip(1).any(|(k, w)| {
        matches!(*w, "ذاته" | "نفسه" | "ذاتها" | "نفسها")
            && rasad_text::tokenise::bases(words[k - 1]).into_iter().any(|b| REFERRED_FEATURES.contains(&b) || matches!(b, "مكان" | "موقع" | "منطقه"))
    });
    // "في القاعدة": a definite feature word in a sentence that names no place (had it a
    // name of its own, the place stage would have found the phrase)
    let feature = words.iter().enumerate().find_map(|(k, w)| {
        // most words end in no definite feature word: skip them before listing readings
        if !ends_in_definite_feature(w) {
            return None;
        }
        let bare = rasad_text::tokenise::bases(w).into_iter().find(|b| REFERRED_FEATURES.contains(b))?;
        let definite = definite_with(w, bare);
        // "القاعدة" closing a phrase ("في القاعدة،", "داخل القاعدة.") rather than heading one
        let closes = raw_words[k].len() > w.len()
            || words.get(k + 1).is_none_or(|n| n.is_empty() || n.starts_with(',') || n.starts_with("و") || matches!(*n, "," | "." | "في" | "من" | "على" | "علي" | "الي" | "قبل" | "بعد" | "تمكنت" | "حيث"));
        (definite && closes).then_some(bare)
    });
    // a definite feature word heading a phrase ("استهداف القاعدة بطائرة") still points
    // back before the context is asked
    let any_feature = feature.is_none().then(|| {
        words.iter().filter(|w| ends_in_definite_feature(w)).find_map(|w| {
            let bare = rasad_text::tokenise::bases(w).into_iter().find(|b| REFERRED_FEATURES.contains(b))?;
            definite_with(w, bare).then_some(bare)
        })
    }).flatten();
    let pointed = (same || feature.is_some())
        .then(|| {
            (0..s).rev().find_map(|t| {
                sentence_places(ctx, t).iter().copied().rev().find(|&p| {
                    let pl = &ctx.places[p];
                    place_rank(pl.kind) <= 1 && feature.is_none_or(|f| ctx.doc.folded()[pl.start..pl.end].starts_with(f))
                })
            })
        })
        .flatten();
    let pointed = pointed.or_else(|| {
        let f = any_feature?;
        (0..s).rev().find_map(|t| {
            sentence_places(ctx, t).iter().copied().rev().find(|&p| {
                let pl = &ctx.places[p];
                place_rank(pl.kind) <= 1 && ctx.doc.folded()[pl.start..pl.end].starts_with(f)
            })
        })
    });
    // a sentence that points at a place we could not find ("القاعدة") is not guessed at
    pointed.or_else(|| any_feature.is_none().then(|| context_place(ctx, s)).flatten())
}

/// How far back in its paragraph a sentence looks for the place (or admin1) of an event
/// that names none. News paragraphs run a few sentences; the bound keeps an article of
/// one endless paragraph linear (issue 12: each candidate walked back to the paragraph's
/// start).
const CONTEXT_SENTENCES: usize = 16;

/// The place an event of a sentence that names none happened at, as the context tells
/// it: the most precise place of the nearest sentence before it in its paragraph that
/// names one, else of the headline — among the places of that sentence in the admin1
/// `context_admin1` would give, so the event keeps that admin1.
fn context_place(ctx: &Ctx, s: usize) -> Option<usize> {
    // a sentence whose only places are inside names ("قيادة عمليات بغداد") talks about
    // those bodies, not about a scene elsewhere
    if ctx.places_of(s).next().is_some() {
        return None;
    }
    let para = ctx.doc.sentences.get(s)?.paragraph;
    let from = |t: usize| {
        let ps = sentence_places(ctx, t);
        let first = ps.iter().find_map(|&p| ctx.places[p].location.admin1.clone())?;
        ps.iter()
            .copied()
            .filter(|&p| ctx.places[p].location.admin1.as_ref() == Some(&first) && ctx.places[p].kind != PlaceKind::Country)
            .filter(|&p| !ps.iter().any(|&q| q != p && ctx.places[q].enclosing == Some(p)))
            .min_by_key(|&p| (place_rank(ctx.places[p].kind), ctx.places[p].start))
    };
    for t in (s.saturating_sub(CONTEXT_SENTENCES)..s).rev() {
        if ctx.doc.sentences[t].paragraph != para {
            break;
        }
        if let Some(p) = from(t) {
            return Some(p);
        }
        if sentence_places(ctx, t).iter().any(|&p| ctx.places[p].location.admin1.is_some()) {
            return None;
        }
    }
    from(0)
}

/// The admin1 (and country) for a candidate without its own: its sentence's other
/// places, the sentences before it in the paragraph, then the dateline, the headline and
/// the article's most-named admin1.
pub(crate) fn context_admin1(ctx: &Ctx, s: usize, dateline: Option<&PlaceMention>) -> Option<(Text, Text, Option<Span>)> {
    let with_admin1 = |p: &PlaceMention| p.location.admin1.clone().map(|a| (p.location.country.clone().unwrap_or_default(), a, p.location.span));
    let para = ctx.doc.sentences[s].paragraph;
    for t in (s.saturating_sub(CONTEXT_SENTENCES)..=s).rev() {
        if ctx.doc.sentences[t].paragraph != para {
            break;
        }
        let found = sentence_places(ctx, t).iter().find_map(|&p| with_admin1(&ctx.places[p]));
        if found.is_some() {
            return found;
        }
    }
    // then the dateline, the headline (first sentence), the article's dominant admin1
    dateline
        .and_then(with_admin1)
        .or_else(|| sentence_places(ctx, 0).iter().find_map(|&p| with_admin1(&ctx.places[p])))
        .or_else(|| ctx.dominant_admin1.get_or_init(|| {
            let mut counts: Vec<(&str, usize, usize)> = Vec::new();
            // an unknown name took its admin1 from a neighbour: it does not vote again
            for (i, p) in ctx.places.iter().enumerate().filter(|(_, p)| p.known) {
                if let Some(a) = p.location.admin1.as_deref() {
                    match counts.iter_mut().find(|(x, _, _)| *x == a) {
                        Some(c) => c.1 += 1,
                        None => counts.push((a, 1, i)),
                    }
                }
            }
            counts.iter().max_by_key(|(_, n, i)| (*n, usize::MAX - i)).map(|best| best.2)
        }).and_then(|p| with_admin1(&ctx.places[p])))
}

/// An event's location with the country and admin1 it is coded under.
pub(crate) struct Located {
    pub location: Option<rasad_model::Location>,
    pub country: Option<Text>,
    pub admin1: Option<Text>,
    pub admin1_span: Option<Span>,
}

/// The location of place mention `p` (none: the event has no place) of sentence `s`,
/// corrected by the text's own frame (an encloser, the sentence's region, the
/// dateline's country), with admin1 from context when the place has none.
pub(crate) fn locate(ctx: &Ctx, s: usize, p: Option<usize>, dateline: Option<&PlaceMention>) -> Located {
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
        let sentence_country = ctx.places_of(pl.sentence).filter(|q| q.kind == PlaceKind::Region && q.start >= pl.end && ctx.tokens_between(pl.end, q.start) <= 6).find_map(|q| q.location.country.clone());
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
        // (a governorate or territory abroad named bare — "غزة" in a Baghdad statement —
        // is that territory: only a region phrase, a district or an unknown name is
        // re-read in the dateline's country)
        let coarse = !pl.known || matches!(pl.kind, PlaceKind::Region | PlaceKind::Admin2);
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
    Located { location, country, admin1, admin1_span }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_feature_prefilter_agrees_with_each_feature_tried() {
        let mut words: Vec<String> = vec!["".into(), "ال".into(), "لل".into(), "حي".into(), "الحي".into(), "قاعده".into(), "ل".into(), "الل".into()];
        for f in REFERRED_FEATURES {
            for pre in ["", "ال", "لل", "بال", "وال", "فلل", "ا", "ل", "و", "الال", "ااال", "الب", "اللل"] {
                for post in ["", "ه", "ات", "ي"] {
                    words.push(format!("{pre}{f}{post}"));
                }
            }
        }
        for w in &words {
            let tried = REFERRED_FEATURES.iter().any(|f| definite_with(w, f));
            assert_eq!(ends_in_definite_feature(w), tried, "{w}");
        }
    }

}

/// One sense per article: a town or city named several times is one place. Where its
/// mentions resolved to namesakes in different countries ("طرابلس" of Lebanon and of
/// Libya), the reading the article itself vouches for wins — a mention the place stage
/// linked to an enclosing place ("مدينة طرابلس شمالي لبنان"), else one in the dateline's
/// country — and the other mentions take its place, keeping their own span and wording.
pub fn one_sense_per_article(doc: &rasad_text::Document, places: &mut [PlaceMention], dateline_country: Option<&str>) {
    let key = |p: &PlaceMention| -> Option<String> {
        if !p.known || !matches!(p.kind, PlaceKind::City | PlaceKind::Town | PlaceKind::Village) {
            return None;
        }
        let phrase = doc.folded().get(p.start..p.end)?;
        let bare = ["مدينه ", "بلده ", "قريه "].iter().find_map(|f| phrase.strip_prefix(f)).unwrap_or(phrase);
        Some(bare.to_string())
    };
    let keys: Vec<Option<String>> = places.iter().map(key).collect();
    for k in 0..places.len() {
        let Some(name) = keys[k].as_deref() else { continue };
        // only the first mention of each name looks at the group
        if keys[..k].iter().any(|x| x.as_deref() == Some(name)) {
            continue;
        }
        let group: Vec<usize> = (k..places.len()).filter(|&j| keys[j].as_deref() == Some(name)).collect();
        let country = |j: usize| places[j].location.country.clone();
        if group.len() < 2 || group.iter().all(|&j| country(j) == country(group[0])) {
            continue;
        }
        let vouched = group
            .iter()
            .copied()
            .find(|&j| places[j].enclosing.is_some_and(|e| places.get(e).is_some_and(|pe| pe.location.country == places[j].location.country)))
            .or_else(|| group.iter().copied().find(|&j| dateline_country.is_some_and(|c| places[j].location.country.as_deref() == Some(c))));
        let Some(v) = vouched else { continue };
        let model = places[v].location.clone();
        for &j in &group {
            if j != v && places[j].location.country != model.country {
                let l = &mut places[j].location;
                let (name_ar, span) = (std::mem::take(&mut l.name_ar), l.span);
                *l = rasad_model::Location { name_ar, span, ..model.clone() };
            }
        }
    }
}

/// One sense for unknown names too: a site or village the gazetteer does not know,
/// located once by its context ("محطة حزيز ... في مديرية سنحان") and named again where
/// nothing locates it ("على محطة حزيز نفسها"), is one place: the bare mention takes the
/// located one's admin units and coordinates (it keeps its own wording and span). Mentions are matched on
/// their first two words (the feature word and the name: "محطة حزيز الرئيسية" is
/// "محطة حزيز"); a name located in two different ways is left alone.
pub fn one_sense_for_unknown_names(doc: &rasad_text::Document, places: &mut [PlaceMention]) {
    let f = doc.folded();
    let key = |p: &PlaceMention| -> Option<&str> {
        if p.known || !matches!(p.kind, PlaceKind::Site | PlaceKind::Village | PlaceKind::Town | PlaceKind::Neighbourhood) {
            return None;
        }
        let phrase = f.get(p.start..p.end)?;
        let mut it = phrase.match_indices(' ');
        let end = it.nth(1).map_or(phrase.len(), |(k, _)| k);
        (phrase[..end].contains(' ')).then(|| &phrase[..end])
    };
    let mut located: std::collections::HashMap<&str, Option<usize>> = std::collections::HashMap::new();
    for (j, p) in places.iter().enumerate() {
        let Some(k) = key(p) else { continue };
        if p.location.admin1.is_none() {
            continue;
        }
        located
            .entry(k)
            .and_modify(|v| {
                if v.is_some_and(|i| places[i].location.admin1 != p.location.admin1) {
                    *v = None;
                }
            })
            .or_insert(Some(j));
    }
    if located.is_empty() {
        return;
    }
    let moves: Vec<(usize, usize)> = places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location.admin1.is_none())
        .filter_map(|(j, p)| key(p).and_then(|k| located.get(k).copied().flatten()).map(|m| (j, m)))
        .collect();
    for (j, m) in moves {
        let model = places[m].location.clone();
        let l = &mut places[j].location;
        let (name_ar, span) = (std::mem::take(&mut l.name_ar), l.span);
        *l = rasad_model::Location { name_ar, span, ..model };
    }
}

/// Namesakes abroad: a village, town or neighbourhood that the gazetteer resolved to
/// another country than the one the article is about ("بلدة العين" of Taizz in a
/// Baalbek report, "الميدان" of Damascus in a Tripoli report) is taken to be the
/// article's own place of that name, which the gazetteer does not hold: it keeps its
/// wording and span, takes the article's country, and leaves admin1 to the context
/// (`context_admin1`). The article's country is the dateline's, else the country most
/// of its other known places are in (two at least). Cities are left alone (a capital
/// named in a report from elsewhere is usually meant), and so are the curated towns and
/// sites abroad (an Israeli town hit from Lebanon is in Israel).
pub fn namesakes_abroad(places: &mut [PlaceMention], dateline_country: Option<&str>) {
    let small = |p: &PlaceMention| matches!(p.kind, PlaceKind::Village | PlaceKind::Town | PlaceKind::Neighbourhood | PlaceKind::Site);
    let country: Option<rasad_model::Text> = match dateline_country {
        Some(c) => Some(rasad_model::Text::Owned(c.to_string())),
        None => {
            let mut votes: Vec<(rasad_model::Text, usize)> = Vec::new();
            for p in places.iter().filter(|p| p.known) {
                if let Some(c) = &p.location.country {
                    match votes.iter_mut().find(|(x, _)| x == c) {
                        Some(v) => v.1 += 1,
                        None => votes.push((c.clone(), 1)),
                    }
                }
            }
            votes.sort_by(|a, b| b.1.cmp(&a.1));
            match votes.as_slice() {
                [(c, n), rest @ ..] if *n >= 2 && rest.first().is_none_or(|r| r.1 < *n) => Some(c.clone()),
                _ => None,
            }
        }
    };
    let Some(country) = country else { return };
    for k in 0..places.len() {
        let p = &places[k];
        let abroad = p.location.country.as_ref().is_some_and(|c| *c != country);
        // a place the text itself puts in its country ("قرية X في ريف حلب") is what it says
        let framed = p.enclosing.and_then(|e| places.get(e)).is_some_and(|e| e.location.country == p.location.country);
        // the curated gazetteer's towns and sites abroad are there on purpose (Israeli
        // towns hit from Lebanon); its neighbourhoods, like imported villages, are not
        let curated = p.location.gazetteer_id.as_deref().is_some_and(|g| g.starts_with("rasad:"));
        if !(p.known && small(p) && abroad && !framed) || curated && p.kind != PlaceKind::Neighbourhood {
            continue;
        }
        let l = &mut places[k].location;
        *l = rasad_model::Location { name_ar: std::mem::take(&mut l.name_ar), span: l.span, country: Some(country.clone()), geo_precision: Some(2), ..Default::default() };
    }
}

/// Neighbourhoods of another city: a neighbourhood the gazetteer knows in one city
/// ("ضاحية الباسل", "المهاجرين" of Damascus), named in a report filed from another
/// governorate (its dateline) where nothing in its sentence points to the gazetteer's city,
/// is that city's namesake — quarter names repeat from city to city (الزهور، المهاجرين،
/// الشهداء، الجامعة). It keeps its wording, span and country and leaves admin1 to the
/// context (`context_admin1`), like [`namesakes_abroad`].
pub fn neighbourhoods_of_another_city(places: &mut [PlaceMention], dateline: Option<&PlaceMention>) {
    let Some(home) = dateline.and_then(|d| d.location.admin1.clone()) else { return };
    let away = |p: &PlaceMention| p.kind == PlaceKind::Neighbourhood && p.location.admin1.as_ref().is_some_and(|a| *a != home);
    // the known ones first; then the unknown names of their sentences that took their
    // admin1 from them ("حيّي ضاحية الباسل والمهاجرين": the first from the second)
    let mut reset = vec![false; places.len()];
    for known in [true, false] {
        for k in 0..places.len() {
            let p = &places[k];
            if p.known != known || !away(p) {
                continue;
            }
            let a1 = p.location.admin1.as_ref();
            let framed = p.enclosing.and_then(|e| places.get(e)).is_some_and(|e| e.location.admin1.as_ref() == a1);
            // (places come in text order: a sentence's are one run, found by halving —
            // a scan of the whole list per neighbourhood was quadratic)
            let from = places.partition_point(|q| q.sentence < p.sentence);
            let to = places.partition_point(|q| q.sentence <= p.sentence);
            let in_sentence = (from..to).any(|j| j != k && !reset[j] && places[j].known && places[j].location.admin1.as_ref() == a1);
            reset[k] = !(framed || in_sentence);
        }
    }
    for (p, _) in places.iter_mut().zip(&reset).filter(|(_, r)| **r) {
        let l = &mut p.location;
        *l = rasad_model::Location { name_ar: std::mem::take(&mut l.name_ar), span: l.span, country: l.country.clone(), geo_precision: Some(2), ..Default::default() };
    }
}

/// Drop the places that lie inside the outlet's own name where the text quotes it
/// ("وقال مصدر لـ(بغداد اليوم)", a byline "عدن الغد – لحج"): an outlet named after a city
/// reports from anywhere, and its name says nothing of where the event was (the spans:
/// `recognise::outlet_spans`). Enclosing links are renumbered.
pub fn outside_outlet_name(places: &mut Vec<PlaceMention>, outlet_spans: &[(usize, usize)]) {
    if outlet_spans.is_empty() || places.is_empty() {
        return;
    }
    let inside = |p: &PlaceMention| crate::recognise::within(outlet_spans, p.start, p.end);
    let keep: Vec<bool> = places.iter().map(|p| !inside(p)).collect();
    if keep.iter().all(|&k| k) {
        return;
    }
    let mut new_index = vec![None; places.len()];
    let mut n = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = Some(n);
            n += 1;
        }
    }
    let mut i = 0;
    places.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    for p in places.iter_mut() {
        p.enclosing = p.enclosing.and_then(|e| new_index.get(e).copied().flatten());
    }
}
