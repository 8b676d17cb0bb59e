//! Stage *sides of an event*: the output actors of a candidate, completed where the text
//! leaves a side implicit.
//!
//! Framing reads the sides the text names; here an event without an agent takes the one
//! "مماثلة" points back to, the subject an elided verb carries over, protesters for a
//! protest; an event without a target takes its civilian victims, those arrested, or
//! civilians. After all events of the article are built, sides pass between events: an
//! agreement's one party, an interception's attacker, a claim's claimant.

use crate::frame::{self, Cand, Ctx, SideKind};
use crate::merge::actor_key;
use rasad_model::{concat, Actor, Event, Status, Text};

/// Actor1 and actor2 of candidate `cand` (which has triggers), coded in country `ctry`;
/// `out` holds the events built before it, `cands` all the article's candidates.
pub(crate) fn sides(ctx: &Ctx, text: &str, cand: &Cand, cands: &[Cand], out: &[Event], event_type: &str, ctry: &str) -> (Option<Actor>, Option<Actor>) {
    let s = cand.sentence;
    let main = cand.triggers[0];
    let mut actor1 = cand.actor1.or(cand.claimant).map(|i| actor_out(ctx, text, i, ctry));
    let mut actor2 = cand.actor2.map(|i| actor_out(ctx, text, i, ctry));
    // "غارة مماثلة", "هجوم مشابه": the same kind of event by the same side as the last
    if actor1.is_none() && matches!(frame::next_word(ctx.doc.folded(), ctx.items[main].word_end), "مماثله" | "مماثل" | "مشابه" | "مشابهه") {
        // of the same kind: a similar strike is another strike, not the rockets between
        let same_kind = |e: &Event| if event_type == "Protests" { e.event_type == event_type } else { e.sub_event_type == cand.sub_event_type };
        if let Some(prev) = out.iter().rev().find(|e| same_kind(e) && e.actor1.is_some()) {
            actor1 = prev.actor1.clone().map(|a| Actor { span: None, ..a });
        }
    }
    if actor1.is_none() && matches!(event_type, "Battles" | "Explosions/Remote violence" | "Strategic developments") && elided_subject(ctx, cand) {
        let carried = carried_subject(ctx, s, cands).map(|i| Actor { span: None, ..actor_out(ctx, text, i, ctry) });
        if carried.is_some() && actor_key(&carried) != actor_key(&actor2) {
            actor1 = carried;
        }
    }
    if actor1.is_none() && (event_type == "Protests" || cand.sub_event_type == "Violent demonstration") {
        actor1 = Some(Actor { name: concat(&["Protesters (", ctry, ")"]), name_ar: "محتجون".into(), actor_id: Some("protesters".into()), inter: 6, span: None });
    }
    // one actor on both sides of a strike or an attack is a reading error: the agent
    // is the surer reading. (A clash between two units of one force is no error,
    // and an agreement's one named party stands for both, filled in by `across_events`.)
    if matches!(event_type, "Explosions/Remote violence" | "Violence against civilians") && actor2.is_some() && actor_key(&actor1) == actor_key(&actor2) {
        actor2 = None;
    }
    if actor2.is_none() && matches!(event_type, "Violence against civilians" | "Explosions/Remote violence") {
        if let Some(v) = cand.victims.filter(|&v| ctx.people_class(v) == Some("civilian")) {
            actor2 = Some(actor_out(ctx, text, v, ctry));
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
        actor2 = Some(actor_out(ctx, text, i, ctry));
    }
    let arrested_civilians = arrested.is_some_and(|i| matches!(ctx.people_class(i), Some("civilian" | "unknown")));
    if actor2.is_none() && (event_type == "Violence against civilians" || arrested_civilians) {
        actor2 = Some(Actor { name: concat(&["Civilians (", ctry, ")"]), name_ar: "مدنيون".into(), actor_id: Some("civilians".into()), inter: 7, span: None });
    }
    (actor1, actor2)
}

/// Sides that pass between the article's events once all are built; `claimants` are the
/// items that claimed responsibility, `default_country` codes generic sides of events
/// with no country.
pub(crate) fn across_events(ctx: &Ctx, text: &str, out: &mut [Event], claimants: &[(usize, bool)], default_country: &Text) {
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
    for &(c, _) in claimants {
        for e in out.iter_mut().filter(|e| e.actor1.is_none() && e.status == Status::Current && matches!(e.event_type.as_str(), "Explosions/Remote violence" | "Battles")) {
            let ctry = e.country.clone().unwrap_or_else(|| default_country.clone());
            e.actor1 = Some(actor_out(ctx, text, c, &ctry));
            e.spans.actor1 = e.actor1.as_ref().and_then(|a| a.span);
            e.field_confidence.actor1 = 0.6;
        }
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


/// An output side from a recognised item.
/// Words for "the government's forces" that name no country: the lexicon keeps them on
/// the Syrian row, where the press uses them most.
const GOVERNMENT_FORCES: &[&str] = &["القوات الحكوميه", "قوات الحكومه", "الجيش الحكومي", "القوات النظاميه"];

/// "القوات الحكومية" in a report from Yemen or Iraq are that country's forces: a
/// country-less term for a government's forces names the event's country's row that
/// carries the term's qualified form ("القوات الحكومية اليمنية"), else its main state
/// forces (the row with nationality adjectives), where the lexicon has one.
fn own_government<'l>(ctx: &Ctx<'l>, a: &'l rasad_lexicon::Actor, folded: &str, country: &str) -> &'l rasad_lexicon::Actor {
    if a.inter != 1 || a.country == country || !GOVERNMENT_FORCES.contains(&folded) {
        return a;
    }
    let state = |b: &&rasad_lexicon::Actor| b.country == country && b.inter == 1;
    let qualified = |b: &&rasad_lexicon::Actor| b.aliases_ar.iter().any(|x| rasad_text::fold(x).strip_prefix(folded).is_some_and(|rest| rest.starts_with(' ')));
    ctx.lex.actors.iter().filter(state).find(qualified).or_else(|| ctx.lex.actors.iter().filter(state).find(|b| !b.adjectives_ar.is_empty())).unwrap_or(a)
}

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
            let a = own_government(ctx, &ctx.lex.actors[a as usize], &ctx.doc.folded()[it.start..it.end], country);
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

