//! Fatalities and injuries of an event, by the guideline's conservative rules.
//!
//! A toll is read after a casualty word (قُتل، مقتل، استشهد، أصيب، إصابة): skip a bound
//! (ما لا يقل عن، على الأقل، نحو، ما بين — a range keeps its lower end), then a number and
//! a person noun, or a person noun alone (singular 1, dual 2: "قُتل عنصران"), plus further
//! counts joined by و ("عنصران من الأمن العام واثنان من المسلحين" = 4). A figure before
//! a casualty noun counts too ("55 قتيلاً"). A second figure after "في حين/فيما/تحدثت"
//! is another source's count: the lower one is kept. A vague amount (عشرات) gives no
//! figure. Without any figure: 0 when the text says no one was hurt, or reports injuries
//! or damage only; null when it says the toll is unknown or says nothing.

use crate::frame::{Cand, Ctx, Flags};
use rasad_lexicon::Hit;
use rasad_model::Span;

/// A toll with the span that states it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Toll {
    pub killed: Option<u32>,
    pub killed_span: Option<(usize, usize)>,
    pub injured: Option<u32>,
    pub injured_span: Option<(usize, usize)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Killed,
    Injured,
}

/// The count phrase starting after folded byte `from`: (value, end). `None` value = vague.
fn count_after(ctx: &Ctx, from: usize, limit: usize) -> Option<(Option<u32>, usize)> {
    let folded = ctx.doc.folded();
    let mut pos = from;
    let mut range_lower = false;
    let mut total: Option<u32> = None;
    let mut end = from;
    let mut steps = 0;
    let mut first = true;
    loop {
        steps += 1;
        if steps > 12 || pos >= limit {
            break;
        }
        // skip bounds and approximations
        let rest = folded[pos..limit].trim_start();
        let at = limit - rest.len();
        if let Some((k, it)) = ctx.items.iter().enumerate().find(|(_, i)| i.word_start == at && matches!(i.hit, Hit::Cue(_))) {
            let cue = ctx.cue(k).unwrap_or("");
            if matches!(cue, "min" | "approx") {
                pos = it.word_end;
                continue;
            }
        }
        if rest.starts_with("ما بين") || rest.starts_with("بين") {
            range_lower = true;
            pos = at + if rest.starts_with("ما بين") { "ما بين".len() } else { "بين".len() };
            continue;
        }
        if rest.starts_with("ما ") {
            pos = at + "ما ".len();
            continue;
        }
        // a number? ("وأربعة" joins the count before it; "واحد" is just one)
        if let Some(n) = ctx.nums.iter().find(|n| n.word_start == at) {
            let conj = &folded[n.word_start..n.start] == "و";
            if !first && !conj {
                if n.value == Some(1) {
                    pos = n.end;
                    continue;
                }
                break;
            }
            let v = n.value;
            total = match (total, v) {
                (_, None) => return Some((None, n.end)),
                (None, Some(v)) => Some(v),
                (Some(t), Some(v)) => Some(t + v),
            };
            end = n.end;
            pos = n.end;
            // the person noun after the number
            if let Some(p) = ctx.items.iter().find(|i| i.word_start > pos && i.word_end <= limit && ctx.tokens_between(pos, i.word_start) <= 1 && matches!(i.hit, Hit::Person(_))) {
                end = p.word_end;
                pos = p.word_end;
            }
            first = false;
            if range_lower {
                break;
            }
            // "من عناصر قسد" / "منهم" / a comma: further conjuncts only with و
            pos = skip_group(folded, pos, limit);
            continue;
        }
        // a person noun alone: singular 1, dual 2
        if let Some(p) = ctx.items.iter().find(|i| i.word_start == at && matches!(i.hit, Hit::Person(_))) {
            let Hit::Person(pi) = p.hit else { unreachable!() };
            let person = &ctx.lex.persons[pi as usize];
            if !first && !folded[at..p.start].starts_with('و') {
                break;
            }
            let c = match person.count {
                1 => 1,
                2 => 2,
                _ => {
                    if first {
                        return Some((None, p.word_end));
                    }
                    break;
                }
            };
            total = Some(total.unwrap_or(0) + c);
            end = p.word_end;
            pos = skip_group(folded, p.word_end, limit);
            first = false;
            continue;
        }
        break;
    }
    total.map(|t| (Some(t), end))
}

/// Skip "من قوات النظام" / "في صفوف X" after a count, up to the next و-conjunct.
fn skip_group(folded: &str, pos: usize, limit: usize) -> usize {
    let Some(rest) = folded.get(pos..limit) else { return pos };
    let trimmed = rest.trim_start();
    if trimmed.starts_with("من ") || trimmed.starts_with("في ") {
        // jump to the next word starting with و within a few words, else stay
        let mut off = pos + (rest.len() - trimmed.len());
        for (k, w) in trimmed.split(' ').enumerate() {
            if k > 0 && w.starts_with('و') && w.chars().count() > 2 {
                return off;
            }
            if k > 5 || w.contains(',') {
                break;
            }
            off += w.len() + 1;
        }
    }
    pos
}

/// The toll stated in sentence `s` for a candidate.
pub fn toll(ctx: &Ctx, s: usize) -> Toll {
    let sent = &ctx.doc.sentences[s];
    let range = ctx.sentence_items(s);
    let folded = ctx.doc.folded();
    let mut t = Toll::default();
    let mut seen_killed = false;
    for i in range.clone() {
        let it = ctx.items[i];
        // "ارتفاع عدد ضحايا التفجير … إلى ثلاثة شهداء": an updated toll replaces the first
        if ctx.cue(i) == Some("toll_update") {
            let rest = &folded[it.word_end..sent.end];
            if let Some(k) = rest.find(" الي ") {
                let at = it.word_end + k + " الي ".len();
                if ctx.tokens_between(it.word_end, at) <= 15 {
                    if let Some((Some(v), end)) = count_after(ctx, at - 1, sent.end) {
                        t.killed = Some(v);
                        t.killed_span = Some((it.word_start, end));
                        seen_killed = true;
                    }
                }
            }
            continue;
        }
        let kind = match it.hit {
            Hit::Trigger(_) => match ctx.trigger_class(i) {
                "@casualty" | "@kill" => Kind::Killed,
                "@injury" => Kind::Injured,
                _ => continue,
            },
            Hit::Person(p) => match ctx.lex.persons[p as usize].class.as_str() {
                // "55 قتيلاً", "سبعة جرحى"
                "casualty" | "injured" => {
                    let kind = if ctx.lex.persons[p as usize].class == "casualty" { Kind::Killed } else { Kind::Injured };
                    let before = ctx.nums.iter().rev().find(|n| n.end <= it.word_start && ctx.tokens_between(n.end, it.word_start) == 0);
                    let value = match before {
                        Some(n) => n.value,
                        None => match ctx.lex.persons[p as usize].count {
                            1 if folded[it.word_start..].starts_with(&ctx.lex.persons[p as usize].pattern) => None,
                            2 => Some(2),
                            _ => None,
                        },
                    };
                    let Some(v) = value else { continue };
                    let start = before.map_or(it.word_start, |n| n.start);
                    record(ctx, &mut t, kind, v, (start, it.word_end), sent.start, &mut seen_killed);
                    continue;
                }
                _ => continue,
            },
            _ => continue,
        };
        // pronoun on the casualty word: "مقتله", "هلاكه" — plus "ومرافق له", "وستة آخرين"
        let suffix = &folded[it.end..it.word_end];
        if matches!(suffix, "ه" | "ها") {
            let more = count_after(ctx, it.word_end, sent.end).filter(|_| folded[it.word_end..].trim_start().starts_with('و'));
            let (extra, end) = match more {
                Some((Some(v), e)) => (v, e),
                _ => (0, it.word_end),
            };
            record(ctx, &mut t, kind, 1 + extra, (it.word_start, end), sent.start, &mut seen_killed);
            continue;
        }
        // an active killing verb counts its object: "اغتال مسلحون مجهولون عضواً"
        if matches!(ctx.items[i].hit, Hit::Trigger(_)) && ctx.trigger_class(i) == "@kill" {
            let victim = range.clone().map(|j| (j, ctx.items[j])).find(|(j, v)| {
                v.word_start > it.word_end && ctx.tokens_between(it.word_end, v.word_start) <= 20 && matches!(ctx.person_class(*j), Some("civilian" | "unknown" | "protester"))
            });
            if let Some((j, v)) = victim {
                let before = ctx.nums.iter().rev().find(|n| n.end <= v.word_start && ctx.tokens_between(n.end, v.word_start) == 0);
                let Hit::Person(p) = ctx.items[j].hit else { continue };
                let count = before.and_then(|n| n.value).or(match ctx.lex.persons[p as usize].count {
                    1 => Some(1),
                    2 => Some(2),
                    _ => None,
                });
                if let Some(c) = count {
                    record(ctx, &mut t, Kind::Killed, c, (it.word_start, v.word_end), sent.start, &mut seen_killed);
                }
            }
            continue;
        }
        if let Some((v, end)) = count_after(ctx, it.word_end, sent.end) {
            match v {
                Some(v) => record(ctx, &mut t, kind, v, (it.word_start, end), sent.start, &mut seen_killed),
                None => {
                    if kind == Kind::Killed {
                        seen_killed = true;
                    }
                }
            }
        }
    }
    t
}

fn record(ctx: &Ctx, t: &mut Toll, kind: Kind, v: u32, span: (usize, usize), sent_start: usize, seen_killed: &mut bool) {
    let folded = ctx.doc.folded();
    // a later figure introduced as another source's count is an alternative: keep the lower
    let alternative = |prev: Option<(usize, usize)>| {
        prev.is_some_and(|(_, pe)| {
            let between = folded.get(pe.max(sent_start)..span.0).unwrap_or("");
            ctx.items.iter().enumerate().any(|(k, i)| i.word_start >= pe && i.word_end <= span.0 && ctx.cue(k) == Some("alternative"))
                || between.contains("مصادر") && between.contains("عن")
        })
    };
    match kind {
        Kind::Killed => {
            *seen_killed = true;
            match t.killed {
                None => {
                    t.killed = Some(v);
                    t.killed_span = Some(span);
                }
                Some(k) if alternative(t.killed_span) => t.killed = Some(k.min(v)),
                _ => {}
            }
        }
        Kind::Injured => {
            if t.injured.is_none() {
                t.injured = Some(v);
                t.injured_span = Some(span);
            }
        }
    }
}

/// Fatalities by the guideline: a figure, else 0 for "no casualties"/injuries/damage only,
/// else null.
pub fn fatalities(ctx: &Ctx, cand: &Cand, flags: &Flags, toll: &Toll) -> (Option<u32>, Option<Span>) {
    if let Some(k) = toll.killed {
        return (Some(k), toll.killed_span.map(|(a, b)| ctx.doc.span(a, b)));
    }
    let says_dead = ctx.sentence_items(cand.sentence).any(|i| ctx.trigger_class(i) == "@casualty");
    if says_dead || flags.unknown_casualties {
        return (None, None);
    }
    if flags.no_casualties || toll.injured.is_some() || cand.triggers.iter().any(|&i| ctx.trigger_class(i) == "@injury") {
        return (Some(0), None);
    }
    (None, None)
}
