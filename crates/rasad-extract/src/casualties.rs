//! Fatalities and injuries of an event, by the guideline's conservative rules.
//!
//! A toll is read after a casualty word (قُتل، مقتل، استشهد، ارتقى، أصيب، إصابة): skip a bound
//! (ما لا يقل عن، أكثر من، نحو، ما بين — a range keeps its lower end), then a number and
//! a person noun, or a person noun alone (singular 1, dual 2: "قُتل عنصران"; a plural with
//! its number after it: "مدنيين اثنين"), plus further counts joined by و ("عنصران من
//! الأمن العام واثنان من المسلحين" = 4: the dead among the attackers count). "بينهم" opens
//! a subset and ends the count ("قُتل 5 بينهم طفلان" = 5). A figure before a casualty noun
//! counts too ("55 قتيلاً"). When nothing follows the casualty word, the count is looked
//! for after "بحياة/أرواح" ("أودى القصف … بحياة شخصين"), then right before the word
//! ("لقي ثلاثة مدنيين حتفهم", "ثلاثة شبان استشهدوا"), then in the word's own grammar
//! ("لقي حتفه", "فارق الحياة", "أردوه" = 1; "حتفهما" = 2; cues death_one/death_two).
//!
//! Not the event's toll: figures after a tally cue ("ليبلغ مجموع الشهداء منذ …"), and
//! deaths named as the cause of the event ("على خلفية مقتل", "حداداً على": they belong to
//! an event named after the cue). Arrests, agreements, looting, abductions and other
//! non-violent developments carry no toll (null); an interception with no word on
//! casualties is 0.
//!
//! A second figure after "في حين/فيما/تحدثت" is another source's count: the lower one is
//! kept. A vague amount (عشرات، قتلى) gives no figure. Without any figure: 0 when the text
//! says no one was hurt (a negation a few words before a harm noun: "دون أن يسفر ذلك عن أي
//! إصابات", "لم يوقع خسائر"), or reports injuries or damage only; null when it says the toll
//! is unknown ("لم تتضح الحصيلة", "من دون أن يذكر حصيلة": an unknown-word — تتضح، يعرف،
//! حصيلة — after the negation, before any harm noun) or says nothing.
//!
//! One sentence, several places (a list): the toll goes to the place written right next to
//! it ("مقتل شخصين في بلدة X"), else to none of them (null); a 0 goes to all.
//!
//! Across sentences ([`across_sentences`], after the merge within the article):
//! - a sentence that reports no event of its own and says no one was hurt ("ولم تسجل أي
//!   إصابات") speaks for the news: every current event before it of the lead event's type
//!   with no toll gets 0;
//! - an official update ("ارتفعت حصيلة … إلى 7", "ارتفاع عدد القتلى إلى عشرة") raises the
//!   toll of the violent current event it updates: the nearest one before it that already
//!   has a figure, else the first one of the article (the lead). Any other later figure ("تحدثت مصادر طبية لاحقاً عن ستة") is another source's
//!   count and never raises a toll: the most conservative figure stands.

use crate::frame::{Cand, Ctx, Flags};
use rasad_lexicon::Hit;
use rasad_model::{Event, Span, Status};

/// A toll with the span that states it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Toll {
    pub killed: Option<u32>,
    pub killed_span: Option<(usize, usize)>,
    pub injured: Option<u32>,
    pub injured_span: Option<(usize, usize)>,
    /// Deaths named as the cause of the event ("على خلفية مقتل …"), and where that cue is.
    pub cause_killed: Option<u32>,
    pub cause_span: Option<(usize, usize)>,
    pub cause_at: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Killed,
    Injured,
}

/// Items from the first whose word starts at or after folded byte `at` (items are sorted by
/// word start: a binary search, not a scan of the article).
fn from_word<'c>(ctx: &'c Ctx, at: usize) -> impl Iterator<Item = &'c crate::Item> + 'c {
    let k = ctx.items.partition_point(|i| i.word_start < at);
    ctx.items[k..].iter()
}

fn from_word_indexed<'c>(ctx: &'c Ctx, at: usize) -> impl Iterator<Item = (usize, &'c crate::Item)> + 'c {
    let k = ctx.items.partition_point(|i| i.word_start < at);
    ctx.items[k..].iter().enumerate().map(move |(j, i)| (k + j, i))
}

/// The number whose word starts at folded byte `at` (numbers are sorted by start).
fn num_at<'c>(ctx: &'c Ctx, at: usize) -> Option<&'c crate::recognise::Num> {
    nums_from(ctx, at).take_while(|n| n.word_start <= at).find(|n| n.word_start == at)
}

/// Numbers from the first that starts at or after folded byte `at`.
fn nums_from<'c>(ctx: &'c Ctx, at: usize) -> impl Iterator<Item = &'c crate::recognise::Num> + 'c {
    let k = ctx.nums.partition_point(|n| n.start < at);
    ctx.nums[k..].iter()
}

/// At most this many sentences with a toll update or a "no one was hurt" cue are read
/// against the events before them (a pairwise rule: an article has a handful; the bound
/// keeps a degenerate one linear, issue 12).
const MAX_TOLL_SENTENCES: usize = 32;

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
        // skip bounds and approximations, and a time or a comma between the verb and its
        // count ("قُتل مساء أمس عنصر", "قُتل، أمس، ثلاثة")
        let rest = folded[pos..limit].trim_start_matches(|c: char| c.is_whitespace() || c == '،' || c == ',');
        let at = limit - rest.len();
        if first {
            if let Some(tm) = from_word(ctx, at).take_while(|i| i.word_start == at).find(|i| matches!(i.hit, Hit::Time(_))) {
                pos = tm.word_end;
                continue;
            }
        }
        if let Some((k, it)) = from_word_indexed(ctx, at).take_while(|(_, i)| i.word_start == at).find(|(_, i)| matches!(i.hit, Hit::Cue(_))) {
            let cue = ctx.cue(k).unwrap_or("");
            if matches!(cue, "min" | "approx") {
                pos = it.word_end;
                continue;
            }
        }
        // "بينهم" opens a subset of the count: the count ends
        if rest.starts_with("بينهم") || rest.starts_with("بينها") || rest.starts_with("من بينهم") {
            break;
        }
        if rest.starts_with("ما بين ") || rest.starts_with("بين ") {
            range_lower = true;
            pos = at + if rest.starts_with("ما بين ") { "ما بين".len() } else { "بين".len() };
            continue;
        }
        if rest.starts_with("ما ") {
            pos = at + "ما ".len();
            continue;
        }
        // a number? ("وأربعة" joins the count before it; "واحد" is just one)
        if let Some(n) = num_at(ctx, at) {
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
            if let Some(p) = from_word(ctx, pos + 1).take_while(|i| i.word_start < limit).find(|i| i.word_start > pos && i.word_end <= limit && ctx.tokens_between(pos, i.word_start) <= 1 && matches!(i.hit, Hit::Person(_))) {
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
        if let Some(p) = from_word(ctx, at).take_while(|i| i.word_start == at).find(|i| matches!(i.hit, Hit::Person(_))) {
            let Hit::Person(pi) = p.hit else { unreachable!() };
            let person = &ctx.lex.persons[pi as usize];
            if !first && !folded[at..p.start].starts_with('و') {
                break;
            }
            let c = match person.count {
                1 => 1,
                2 => 2,
                _ => {
                    // "مدنيين اثنين", "عناصر ثلاثة": the number after the plural
                    let after = nums_from(ctx, p.word_end).take_while(|n| n.end <= limit).find(|n| ctx.tokens_between(p.word_end, n.start) == 0 && &folded[n.word_start..n.start] != "و");
                    match after.and_then(|n| n.value.map(|v| (v, n.end))) {
                        Some((v, e)) if first => {
                            total = Some(v);
                            end = e;
                            pos = skip_group(folded, e, limit);
                            first = false;
                            continue;
                        }
                        _ => {}
                    }
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

/// Skip "من قوات النظام" / "في صفوف X" / "عناصر الحاجز" after a count, up to the next
/// و-conjunct within four words ("أربعة من عناصر الحاجز وثلاثة من المهاجمين"); a comma
/// or a longer stretch ends the count. The caller takes the conjunct only when it is a
/// number or a person noun.
fn skip_group(folded: &str, pos: usize, limit: usize) -> usize {
    let Some(rest) = folded.get(pos..limit) else { return pos };
    let trimmed = rest.trim_start();
    let mut off = pos + (rest.len() - trimmed.len());
    for (k, w) in trimmed.split(' ').enumerate() {
        if w.starts_with('و') && w.chars().count() > 2 {
            return off;
        }
        if k > 4 || w.contains(|c: char| matches!(c, ',' | '،' | '.' | '(' | ')' | '"')) {
            break;
        }
        off += w.len() + 1;
    }
    pos
}

/// A cue of `kind` on or over the words of item `i` ("حتفه" inside "لقي حتفه").
fn cue_over(ctx: &Ctx, s: usize, i: usize, kind: &str) -> bool {
    let it = ctx.items[i];
    ctx.sentence_items(s).any(|j| ctx.cue(j) == Some(kind) && ctx.items[j].word_start < it.word_end && ctx.items[j].word_end > it.word_start)
}

/// The count written right before folded byte `at` (a subject before its verb: "ثلاثة شبان
/// استشهدوا", "جندياً عراقياً قُتل"): a person noun at most one word (an adjective) before,
/// with its number, or singular/dual by itself.
fn count_before(ctx: &Ctx, s: usize, at: usize) -> Option<(u32, usize)> {
    let sent_start = ctx.doc.sentences[s].start;
    let p = ctx.sentence_items(s).rev().map(|j| ctx.items[j]).find(|p| p.word_end <= at && p.word_start >= sent_start && matches!(p.hit, Hit::Person(_)))?;
    if ctx.tokens_between(p.word_end, at) > 1 {
        return None;
    }
    let Hit::Person(pi) = p.hit else { return None };
    let person = &ctx.lex.persons[pi as usize];
    if matches!(person.class.as_str(), "injured" | "suspect") {
        return None;
    }
    let before = ctx.nums.iter().rev().find(|n| n.end <= p.word_start && n.start >= sent_start && ctx.tokens_between(n.end, p.word_start) == 0);
    match (before, person.count) {
        (Some(n), _) => n.value.map(|v| (v, n.start)),
        (None, 1 | 2) if !ctx.doc.folded()[p.word_start..].starts_with("ال") => Some((person.count as u32, p.word_start)),
        _ => None,
    }
}

/// The toll stated in sentence `s` for a candidate.
pub fn toll(ctx: &Ctx, s: usize) -> Toll {
    let sent = &ctx.doc.sentences[s];
    let range = ctx.sentence_items(s);
    let folded = ctx.doc.folded();
    let mut t = Toll::default();
    let mut cause = Toll::default();
    let mut seen_killed = false;
    // a running total ("ليبلغ مجموع الشهداء منذ …") is no toll of this event
    let (mut tally_at, mut cause_at) = (None, None);
    for i in range.clone() {
        match ctx.cue(i) {
            Some("tally") if tally_at.is_none() => tally_at = Some(ctx.items[i].word_start),
            Some("cause") if cause_at.is_none() => cause_at = Some(ctx.items[i].word_start),
            _ => {}
        }
    }
    t.cause_at = cause_at;
    let cause_end = t.cause_at.map_or(sent.end, |a| folded[a..sent.end].find(['،', ',']).map_or(sent.end, |k| a + k));
    for i in range.clone() {
        let it = ctx.items[i];
        if tally_at.is_some_and(|a| it.word_start > a) {
            break;
        }
        // deaths named as the cause of the event belong to another event (up to the
        // next comma: "احتجاجاً على انقطاع الكهرباء، ما أدى إلى إصابة ستة" is the protest's)
        let t = if t.cause_at.is_some_and(|a| it.word_start > a && it.word_start < cause_end) { &mut cause } else { &mut t };
        // "ارتفاع عدد ضحايا التفجير … إلى ثلاثة شهداء": an updated toll replaces the first
        if ctx.cue(i) == Some("toll_update") {
            if let Some((v, end)) = update_figure(ctx, s, i) {
                t.killed = Some(v);
                t.killed_span = Some((it.word_start, end));
                seen_killed = true;
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
                // "55 قتيلاً", "سبعة جرحى", "أوقعت شهيداً وجريحاً"
                "casualty" | "injured" => {
                    let kind = if ctx.lex.persons[p as usize].class == "casualty" { Kind::Killed } else { Kind::Injured };
                    let before = ctx.nums.iter().rev().find(|n| n.end <= it.word_start && ctx.tokens_between(n.end, it.word_start) == 0);
                    let indefinite = folded[it.word_start..].starts_with(&ctx.lex.persons[p as usize].pattern);
                    // "أردوه قتيلاً": the victim already counted by the verb
                    let after_kill = range.clone().any(|j| ctx.trigger_class(j) == "@kill" && ctx.items[j].word_end <= it.word_start && ctx.tokens_between(ctx.items[j].word_end, it.word_start) == 0);
                    let value = match before {
                        Some(n) => n.value,
                        None => match ctx.lex.persons[p as usize].count {
                            1 if indefinite && !after_kill => Some(1),
                            2 => Some(2),
                            _ => None,
                        },
                    };
                    let Some(v) = value else {
                        if kind == Kind::Killed && before.is_some() {
                            seen_killed = true;
                        }
                        continue;
                    };
                    let start = before.map_or(it.word_start, |n| n.start);
                    record(ctx, t, kind, v, (start, it.word_end), sent.start, &mut seen_killed);
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
            record(ctx, t, kind, 1 + extra, (it.word_start, end), sent.start, &mut seen_killed);
            continue;
        }
        // an active killing verb counts its object: "اغتال مسلحون مجهولون عضواً"
        if matches!(ctx.items[i].hit, Hit::Trigger(_)) && ctx.trigger_class(i) == "@kill" {
            let victim = range.clone().map(|j| (j, ctx.items[j])).find(|(j, v)| {
                v.word_start > it.word_end && ctx.tokens_between(it.word_end, v.word_start) <= 20 && matches!(ctx.person_class(*j), Some("civilian" | "unknown" | "protester"))
            });
            let mut counted = false;
            if let Some((j, v)) = victim {
                let before = ctx.nums.iter().rev().find(|n| n.end <= v.word_start && ctx.tokens_between(n.end, v.word_start) == 0);
                let Hit::Person(p) = ctx.items[j].hit else { continue };
                let count = before.and_then(|n| n.value).or(match ctx.lex.persons[p as usize].count {
                    1 => Some(1),
                    2 => Some(2),
                    _ => None,
                });
                if let Some(c) = count {
                    record(ctx, t, Kind::Killed, c, (it.word_start, v.word_end), sent.start, &mut seen_killed);
                    counted = true;
                }
            }
            // "فأردوه قتيلاً": the object pronoun says how many; "ثلاثة شبان قتلوا" (a
            // passive the script does not mark): the subject before it
            if !counted {
                if let Some(c) = grammar_count(ctx, s, i) {
                    record(ctx, t, Kind::Killed, c, (it.word_start, it.word_end), sent.start, &mut seen_killed);
                } else if let Some((c, start)) = count_before(ctx, s, it.word_start) {
                    record(ctx, t, Kind::Killed, c, (start, it.word_end), sent.start, &mut seen_killed);
                }
            }
            continue;
        }
        match count_after(ctx, it.word_end, sent.end) {
            Some((Some(v), end)) => record(ctx, t, kind, v, (it.word_start, end), sent.start, &mut seen_killed),
            Some((None, _)) => {
                if kind == Kind::Killed {
                    seen_killed = true;
                }
            }
            None => {
                if let Some((v, span)) = count_elsewhere(ctx, s, i) {
                    record(ctx, t, kind, v, span, sent.start, &mut seen_killed);
                }
            }
        }
    }
    t.cause_killed = cause.killed;
    t.cause_span = cause.killed_span;
    t
}

/// The figure of an update cue ("ارتفعت حصيلة القصف إلى سبعة"): the count after "إلى".
fn update_figure(ctx: &Ctx, s: usize, i: usize) -> Option<(u32, usize)> {
    let sent = &ctx.doc.sentences[s];
    let it = ctx.items[i];
    let rest = &ctx.doc.folded()[it.word_end..sent.end];
    let k = rest.find(" الي ")?;
    let at = it.word_end + k + " الي ".len();
    if ctx.tokens_between(it.word_end, at) > 15 {
        return None;
    }
    match count_after(ctx, at - 1, sent.end) {
        Some((Some(v), end)) => Some((v, end)),
        _ => None,
    }
}

/// The count of a casualty word with nothing after it: after "بحياة/أرواح" a few words
/// on, else right before the word, else the word's own grammar.
fn count_elsewhere(ctx: &Ctx, s: usize, i: usize) -> Option<(u32, (usize, usize))> {
    let sent = &ctx.doc.sentences[s];
    let it = ctx.items[i];
    // "أودى القصف … بحياة مدنيين اثنين"
    let object = ctx.sentence_items(s).find(|&j| ctx.cue(j) == Some("toll_object") && ctx.items[j].word_start >= it.word_end && ctx.tokens_between(it.word_end, ctx.items[j].word_start) <= 20);
    if let Some(j) = object {
        if let Some((Some(v), end)) = count_after(ctx, ctx.items[j].word_end, sent.end) {
            return Some((v, (it.word_start, end)));
        }
    }
    // the active reading of an unmarked verb: "قتل مسلحون مجهولون، مساء أمس، شاباً مدنياً"
    // (the killers right after the verb, then the counted victim)
    let next_actor = ctx.sentence_items(s).find(|&j| ctx.items[j].word_start >= it.word_end).filter(|&j| {
        ctx.tokens_between(it.word_end, ctx.items[j].word_start) == 0 && (matches!(ctx.items[j].hit, Hit::Actor(_)) || ctx.person_class(j) == Some("fighter"))
    });
    if let Some(a) = next_actor {
        let folded = ctx.doc.folded();
        let victim = ctx.sentence_items(s).map(|j| ctx.items[j]).find(|q| {
            q.word_start >= ctx.items[a].word_end
                && ctx.tokens_between(ctx.items[a].word_end, q.word_start) <= 10
                && !folded[q.word_start..q.start].starts_with('و')
                && matches!(q.hit, Hit::Person(qi) if !matches!(ctx.lex.persons[qi as usize].class.as_str(), "casualty" | "injured" | "suspect"))
        });
        if let Some(q) = victim {
            if let Some((Some(v), end)) = count_after(ctx, q.word_start, sent.end) {
                return Some((v, (it.word_start, end)));
            }
            let before = nums_from(ctx, ctx.items[a].word_end + 1).take_while(|n| n.end <= q.word_start).find(|n| ctx.tokens_between(n.end, q.word_start) == 0);
            if let Some(v) = before.and_then(|n| n.value) {
                return Some((v, (it.word_start, q.word_end)));
            }
        }
    }
    // a subject before its verb: "ثلاثة شبان استشهدوا", "لقي ثلاثة مدنيين حتفهم"
    let verb = matches!(ctx.items[i].hit, Hit::Trigger(t) if ctx.lex.triggers[t as usize].frame == rasad_lexicon::Frame::Passive);
    if verb {
        if let Some((v, start)) = count_before(ctx, s, it.word_start) {
            return Some((v, (start, it.word_end)));
        }
    }
    grammar_count(ctx, s, i).map(|v| (v, (it.word_start, it.word_end)))
}

/// How many died by the grammar of the casualty phrase itself ("لقي حتفه" 1, "حتفهما" 2).
fn grammar_count(ctx: &Ctx, s: usize, i: usize) -> Option<u32> {
    if cue_over(ctx, s, i, "death_two") {
        Some(2)
    } else if cue_over(ctx, s, i, "death_one") {
        Some(1)
    } else {
        None
    }
}

/// What the sentence says of harm with a negation: `Some(true)` "no one was hurt" ("دون أن
/// يسفر ذلك عن أي إصابات", "لم يوقع خسائر"), `Some(false)` "the toll is unknown" ("دون أن
/// تتضح حصيلة الضربة", "من دون أن يذكر حصيلة": a toll not stated is not a toll of 0),
/// `None` neither. A negation counts when a harm noun or an unknown-word (تتضح، يعرف،
/// حصيلة) follows within eight words; the first of them decides.
pub fn negated_harm(ctx: &Ctx, s: usize) -> Option<bool> {
    let range = ctx.sentence_items(s);
    let mut out = None;
    for i in range.clone() {
        if ctx.cue(i) != Some("toll_neg") {
            continue;
        }
        let n = ctx.items[i];
        let next = range.clone().find(|&j| matches!(ctx.cue(j), Some("harm" | "toll_unknown")) && ctx.items[j].word_start >= n.word_end && ctx.tokens_between(n.word_end, ctx.items[j].word_start) <= 8);
        match next.and_then(|j| ctx.cue(j)) {
            Some("toll_unknown") => return Some(false),
            Some(_) => out = Some(true),
            None => {}
        }
    }
    out
}

/// Whether a harm noun at folded byte `at` is the one a negation denies ("دون سقوط قتلى").
fn denied(ctx: &Ctx, s: usize, at: usize) -> bool {
    ctx.sentence_items(s).any(|i| ctx.cue(i) == Some("toll_neg") && ctx.items[i].word_end <= at && ctx.tokens_between(ctx.items[i].word_end, at) <= 8)
}

fn record(ctx: &Ctx, t: &mut Toll, kind: Kind, v: u32, span: (usize, usize), sent_start: usize, seen_killed: &mut bool) {
    let folded = ctx.doc.folded();
    // a later figure introduced as another source's count is an alternative: keep the lower
    let alternative = |prev: Option<(usize, usize)>| {
        prev.is_some_and(|(_, pe)| {
            let between = folded.get(pe.max(sent_start)..span.0).unwrap_or("");
            from_word_indexed(ctx, pe).take_while(|(_, i)| i.word_start < span.0).any(|(k, i)| i.word_end <= span.0 && ctx.cue(k) == Some("alternative"))
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

/// Whether a toll at `span` is this candidate's: not when another event's trigger stands on
/// the toll's side of a clause break ("في حين، فيما، كما") and all of the candidate's own
/// triggers stand beyond it ("انفجر لغم بمدني فأرداه قتيلاً، في حين جُرح عنصران حين
/// انفجرت عبوة": the IED's clause has no death).
fn owned(ctx: &Ctx, cand: &Cand, span: (usize, usize)) -> bool {
    let s = cand.sentence;
    let breaks: Vec<usize> = ctx.sentence_items(s).filter(|&j| matches!(ctx.cue(j), Some("alternative" | "clause"))).map(|j| ctx.items[j].word_start).collect();
    let separated = |pos: usize| {
        let (a, b) = if pos < span.0 { (pos, span.0) } else { (span.1, pos) };
        breaks.iter().any(|&k| k > a && k < b)
    };
    let own: Vec<usize> = cand.triggers.iter().filter(|&&i| !matches!(ctx.trigger_class(i), "@casualty" | "@injury")).map(|&i| ctx.items[i].word_start).collect();
    if own.is_empty() || own.iter().any(|&p| !separated(p)) {
        return true;
    }
    // another event's trigger on the toll's side
    !ctx.sentence_items(s).any(|j| {
        matches!(ctx.items[j].hit, Hit::Trigger(_)) && !cand.triggers.contains(&j) && !matches!(ctx.trigger_class(j), "@casualty" | "@injury") && !separated(ctx.items[j].word_start)
    })
}

/// Sub-types that carry no toll: nothing violent took place in them (ACLED codes deaths
/// with the violent event, not with the arrest, agreement or looting beside it).
const NO_TOLL: &[&str] = &[
    "Arrests",
    "Agreement",
    "Looting/property destruction",
    "Headquarters or base established",
    "Non-violent transfer of territory",
    "Change to group/activity",
    "Other",
    "Abduction/forced disappearance",
];

/// The protest family: deaths named as their cause are not their toll.
fn is_protest(sub: &str) -> bool {
    matches!(sub, "Peaceful protest" | "Protest with intervention" | "Excessive force against protesters" | "Violent demonstration" | "Mob violence")
}

/// Fatalities by the guideline: a figure, else 0 for "no casualties"/injuries/damage only,
/// else null.
pub fn fatalities(ctx: &Ctx, cand: &Cand, flags: &Flags, toll: &Toll) -> (Option<u32>, Option<Span>) {
    if NO_TOLL.contains(&cand.sub_event_type) {
        return (None, None);
    }
    let s = cand.sentence;
    // an event named after a cause cue is the cause: its deaths are the cause's figure
    let main_start = cand.triggers.first().map_or(0, |&i| ctx.items[i].word_start);
    let after_cause = toll.cause_at.is_some_and(|a| main_start > a) && !is_protest(cand.sub_event_type);
    let (mut killed, span) = if after_cause { (toll.cause_killed.or(toll.killed), toll.cause_span.or(toll.killed_span)) } else { (toll.killed, toll.killed_span) };
    // a peaceful protest kills no one: deaths in its sentence are another event's
    // (a funeral, a strike in mourning); one clause, one event's toll
    if span.is_some_and(|sp| !owned(ctx, cand, sp)) {
        killed = None;
    }
    if let Some(k) = killed {
        return (Some(k), span.map(|(a, b)| ctx.doc.span(a, b)));
    }
    let negated = negated_harm(ctx, s);
    let says_dead = ctx.sentence_items(s).any(|i| {
        let before_cause = toll.cause_at.is_none_or(|a| ctx.items[i].word_start < a) || after_cause;
        before_cause
            && (ctx.trigger_class(i) == "@casualty" || ctx.person_class(i) == Some("casualty"))
            && !denied(ctx, s, ctx.items[i].word_start)
            && owned(ctx, cand, (ctx.items[i].word_start, ctx.items[i].word_end))
    });
    if says_dead || flags.unknown_casualties || negated == Some(false) {
        return (None, None);
    }
    if flags.no_casualties || negated == Some(true) || toll.injured.is_some() || cand.triggers.iter().any(|&i| ctx.trigger_class(i) == "@injury") {
        return (Some(0), None);
    }
    // an interception: the weapon never hit
    if cand.sub_event_type == "Disrupted weapons use" {
        return (Some(0), None);
    }
    (None, None)
}

/// The toll of one place of a list the sentence reports (several events from one
/// candidate): a figure goes to the place written right next to it ("مقتل شخصين في بلدة
/// X", "في X قُتل شخصان"), else to none; 0 and null go to every place.
pub fn for_place(ctx: &Ctx, fatalities: Option<u32>, toll: &Toll, place: Option<usize>, places: &[Option<usize>]) -> Option<u32> {
    let (Some(k), Some((a, b))) = (fatalities, toll.killed_span) else { return fatalities };
    if k == 0 || places.len() < 2 {
        return fatalities;
    }
    let near = |p: usize| {
        let pl = &ctx.places[p];
        if pl.start >= b { ctx.tokens_between(b, pl.start) <= 3 } else { pl.end <= a && ctx.tokens_between(pl.end, a) <= 2 }
    };
    // a place of the list, or the same place named again next to the toll ("… أريحا
    // وكفرنبل، ما أسفر عن مقتل خمسة في كفرنبل")
    let same = |p: usize, q: usize| {
        let (a, b) = (&ctx.places[p].location, &ctx.places[q].location);
        p == q || a.name.is_some() && a.name == b.name && a.admin1 == b.admin1
    };
    // "قتل شابان، أحدهما في X والآخر في Y": one each
    if k as usize == places.len() && places.iter().all(|p| p.is_some_and(|p| crate::places::distributive(ctx, ctx.places[p].start).is_some())) {
        return Some(1);
    }
    let sentence = ctx.places[places.iter().flatten().copied().next().unwrap_or(0)].sentence;
    let tied: Vec<usize> = places.iter().flatten().copied().filter(|&p| ctx.place_ids_of(sentence).any(|q| same(p, q) && near(q))).collect();
    match (place, tied.as_slice()) {
        (Some(p), [only]) if *only == p => fatalities,
        _ => None,
    }
}

/// Tolls said in sentences of their own, after the merge within the article (see the
/// module doc): a standalone "no one was hurt" gives 0 to the current events before it of
/// the lead's type; an official update replaces the toll of the violent event it updates.
pub fn across_sentences(ctx: &Ctx, events: &mut [Event]) {
    if events.is_empty() {
        return;
    }
    // only sentences with an update or a "no one was hurt" cue matter (most articles: none)
    let mut todo: Vec<usize> = Vec::with_capacity(MAX_TOLL_SENTENCES);
    for it in ctx.items.iter().enumerate().filter(|(i, _)| matches!(ctx.cue(*i), Some("toll_update" | "toll_neg" | "no_casualties"))).map(|(_, it)| it) {
        let s = ctx.doc.sentences.partition_point(|st| st.end <= it.word_start);
        if s < ctx.doc.sentences.len() && todo.last() != Some(&s) {
            todo.push(s);
            if todo.len() == MAX_TOLL_SENTENCES {
                break;
            }
        }
    }
    if todo.is_empty() {
        return;
    }
    let spans: Vec<Span> = ctx.doc.sentences.iter().map(|st| ctx.doc.span(st.start, st.end)).collect();
    // (spans come in text order: found by a binary search)
    let sents: Vec<Option<usize>> = events
        .iter()
        .map(|e| e.spans.sentence.and_then(|sp| spans.binary_search_by_key(&sp.0, |x| x.0).ok().filter(|&k| spans[k] == sp)))
        .collect();
    let lead_type = events.iter().find(|e| e.status == Status::Current).map(|e| e.event_type.clone());
    for s in todo {
        let own = sents.iter().any(|&x| x == Some(s));
        // an official update ("ارتفعت حصيلة … إلى 7")
        let update = ctx.sentence_items(s).find(|&i| ctx.cue(i) == Some("toll_update")).and_then(|i| update_figure(ctx, s, i));
        if let Some((v, _)) = update {
            let violent = |e: &Event| {
                e.status == Status::Current
                    && (e.event_type == "Explosions/Remote violence" || matches!(e.sub_event_type.as_str(), "Armed clash" | "Attack" | "Excessive force against protesters"))
            };
            let before: Vec<usize> = (0..events.len()).filter(|&k| sents[k].is_some_and(|x| x < s) && violent(&events[k])).collect();
            let target = before.iter().rev().copied().find(|&k| events[k].fatalities.is_some_and(|f| f > 0)).or(before.first().copied());
            if let Some(k) = target {
                if events[k].fatalities.is_none_or(|f| f < v) {
                    events[k].fatalities = Some(v);
                }
            }
            continue;
        }
        if own {
            continue;
        }
        // "ولم تسجل أي إصابات": for the news before it
        let zero = negated_harm(ctx, s) == Some(true) || ctx.sentence_items(s).any(|i| ctx.cue(i) == Some("no_casualties"));
        let hurt = ctx.sentence_items(s).any(|i| matches!(ctx.trigger_class(i), "@casualty" | "@injury") || ctx.person_class(i) == Some("casualty") && !denied(ctx, s, ctx.items[i].word_start));
        if !zero || hurt {
            continue;
        }
        for k in 0..events.len() {
            let e = &mut events[k];
            if sents[k].is_some_and(|x| x < s) && e.status == Status::Current && e.fatalities.is_none() && Some(&e.event_type) == lead_type.as_ref() && !NO_TOLL.contains(&e.sub_event_type.as_str()) {
                e.fatalities = Some(0);
            }
        }
    }
}
