//! Stage *frame events*: triggers of a sentence → event candidates with their sides.
//!
//! A sentence's triggers are first filtered by its cues: everything after a denial
//! (نفى), a hypothetical or threat (احتمال، تهديد، قد يسهم), a call (دعا إلى) or a claim of
//! responsibility (تبنى) is no event of its own; in a habitual or aggregate sentence
//! (تتعرض … لهجمات متكررة، منذ مطلع العام) nothing is, unless the sentence also names a
//! day (أمس، الأربعاء), which marks a report of a particular event.
//!
//! Triggers are *strong* (they name the event: قصف، اشتباكات، اعتقل، تظاهرة) or *weak*
//! (they need company: استهدف، هجوم، قتل، أصيب). Strong triggers of one event family form
//! one candidate; weak ones join the nearest strong one; a sentence with only weak
//! triggers yields one candidate when a weapon, a place or a named agent supports it.
//!
//! Sides come from the lexicon actors, nationality adjectives (طائرة مسيرة **تركية**)
//! and person nouns (مدنيين، عنصران), each marked by the words before it: an agent
//! marker (على يد، من قبل، نفذته، برصاص), a target marker (مواقع لـ، حاجز، ضد), "بين"
//! for the two parties of a clash, or an associate marker (التابعة لـ، بدعم من) that takes
//! the side out of the roles. The trigger's frame then reads the roles: an active verb's
//! subject follows it (VSO) or precedes it (SVO); a passive or nominal trigger takes its
//! target from the first side named and its agent only from a marker or an adjective.

use crate::recognise::{Item, Num};
use crate::time::DateExpr;
use rasad_geo::{PlaceKind, PlaceMention};
use rasad_lexicon::{Frame, Hit, Lexicon};
use rasad_text::Document;

/// Everything recognised in one article, shared by the later stages.
pub struct Ctx<'a> {
    pub doc: &'a Document,
    pub lex: &'a Lexicon,
    pub items: Vec<Item>,
    pub nums: Vec<Num>,
    pub dates: Vec<DateExpr>,
    pub places: Vec<PlaceMention>,
    /// Per-sentence answers asked again and again while resolving (see
    /// `sentence_places` in the crate root), computed on first use.
    pub(crate) memo: Vec<std::cell::OnceCell<Vec<usize>>>,
    /// `dates` and `places` grouped by sentence (see [`BySentence`]): a rule that asks
    /// "a date in this sentence?" reads its sentence's few entries, not the article's.
    date_index: BySentence,
    place_index: BySentence,
    /// The place of the admin1 the article names most (`places::context_admin1`'s last
    /// resort), counted once per article instead of once per event.
    pub(crate) dominant_admin1: std::cell::OnceCell<Option<usize>>,
}

impl<'a> Ctx<'a> {
    pub fn new(doc: &'a Document, lex: &'a Lexicon, items: Vec<Item>, nums: Vec<Num>, dates: Vec<DateExpr>, places: Vec<PlaceMention>) -> Ctx<'a> {
        let memo = (0..doc.sentences.len()).map(|_| std::cell::OnceCell::new()).collect();
        let date_index = BySentence::new(doc.sentences.len(), dates.iter().map(|d| d.sentence));
        let place_index = BySentence::new(doc.sentences.len(), places.iter().map(|p| p.sentence));
        Ctx { doc, lex, items, nums, dates, places, memo, date_index, place_index, dominant_admin1: Default::default() }
    }

    /// The dates of sentence `s`, in article order.
    pub fn dates_of(&self, s: usize) -> impl DoubleEndedIterator<Item = &DateExpr> + Clone + '_ {
        self.date_index.of(s).iter().map(|&i| &self.dates[i as usize])
    }

    /// Indices into `places` of the places of sentence `s`, in article order.
    pub fn place_ids_of(&self, s: usize) -> impl DoubleEndedIterator<Item = usize> + Clone + '_ {
        self.place_index.of(s).iter().map(|&i| i as usize)
    }

    /// The places of sentence `s`, in article order.
    pub fn places_of(&self, s: usize) -> impl DoubleEndedIterator<Item = &PlaceMention> + Clone + '_ {
        self.place_ids_of(s).map(|i| &self.places[i])
    }
}

/// Indices of a list grouped by sentence, each group in list order (a counting sort:
/// linear). Filtering the whole list for one sentence, once per sentence, was quadratic
/// on an article of many short sentences (issue 12).
struct BySentence {
    /// `starts[s]..starts[s + 1]` index `order` for sentence `s`.
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl BySentence {
    fn new(sentences: usize, keys: impl Iterator<Item = usize> + Clone) -> BySentence {
        // (a key past the last sentence, which no stage makes, lands in a group of its
        // own after the last one and is never asked for)
        let mut starts = vec![0u32; sentences + 3];
        for k in keys.clone() {
            starts[k.min(sentences) + 2] += 1;
        }
        for i in 2..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut order = vec![0u32; starts[sentences + 2] as usize];
        for (i, k) in keys.enumerate() {
            let slot = &mut starts[k.min(sentences) + 1];
            order[*slot as usize] = i as u32;
            *slot += 1;
        }
        starts.truncate(sentences + 1);
        BySentence { starts, order }
    }

    fn of(&self, s: usize) -> &[u32] {
        match (self.starts.get(s), self.starts.get(s + 1)) {
            (Some(&a), Some(&b)) => &self.order[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Which side of an event a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    None,
    Agent,
    Target,
    Between,
    Associate,
    /// "عنصران **من** قوات النظام": the group the victims belong to.
    VictimGroup,
}

/// A side named in a sentence.
#[derive(Debug, Clone, Copy)]
pub struct Side {
    pub item: usize,
    pub marker: Marker,
}

/// What a side is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideKind {
    Actor(u32),
    Adjective(u32),
    Person(u32),
}

/// An event candidate of one sentence.
#[derive(Debug, Clone)]
pub struct Cand {
    pub sentence: usize,
    /// The sentence's cue flags, as framing read them.
    pub flags: Flags,
    /// Indices into `Ctx::items` of the triggers, main first.
    pub triggers: Vec<usize>,
    pub sub_event_type: &'static str,
    pub actor1: Option<usize>,
    pub actor2: Option<usize>,
    /// Victims named by a person noun (for actor2 = civilians, and the toll).
    pub victims: Option<usize>,
    pub weapons: Vec<usize>,
    pub background: bool,
    /// A retaliation ("ردت على مصادر القصف"): sides come from the event before it.
    pub retaliation: bool,
    /// Claimant named in the sentence (تبنى X الهجوم).
    pub claimant: Option<usize>,
    pub weak_only: bool,
    /// The main trigger is a definite noun ("الضربات", "الاشتباكات"): it usually refers
    /// back to an event already reported.
    pub anaphoric: bool,
    /// The sentence reports what a source said ("وقال مصدر … إن"): it usually details
    /// the event before it.
    pub elaboration: bool,
    /// The sides came from "بين X و Y", in text order rather than by who attacked.
    pub between: bool,
}

/// Sentence-level cue flags.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub background: bool,
    pub suppressed: bool,
    /// Triggers at or after this folded byte are not events (denial, hypothesis, call, claim).
    pub cut_at: Option<usize>,
    pub claim_at: Option<usize>,
    pub intervention: bool,
    pub no_casualties: bool,
    pub unknown_casualties: bool,
    pub elaboration: bool,
    /// Folded byte offsets of attempt cues (حاولت).
    pub attempts: Vec<usize>,
    /// Word starts of "launched" cues: what a launch verb launches when it is no
    /// projectile ("أطلقت عملية جوية").
    pub launched: Vec<usize>,
    pub property: bool,
    /// A tally over a period ("خلال شهر", "منذ بداية العام"): no event of its own.
    pub tally: bool,
}

impl<'a> Ctx<'a> {
    pub fn cue(&self, i: usize) -> Option<&'a str> {
        match self.items[i].hit {
            Hit::Cue(c) => Some(self.lex.cues[c as usize].cue.as_str()),
            _ => None,
        }
    }

    /// The class of trigger item `i` ("" for other items). A launch that [`triggers`]
    /// kept (its object is a projectile) is an attack from there on; a burning that it
    /// kept (no fight told before it) is a riot.
    pub fn trigger_class(&self, i: usize) -> &'a str {
        match self.items[i].hit {
            Hit::Trigger(t) => match self.lex.triggers[t as usize].class.as_str() {
                "@launch" => "@attack",
                "@arson" => "@riot",
                c => c,
            },
            _ => "",
        }
    }

    pub fn side_kind(&self, i: usize) -> Option<SideKind> {
        match self.items[i].hit {
            Hit::Actor(a) => Some(SideKind::Actor(a)),
            Hit::ActorAdjective(a) => Some(SideKind::Adjective(a)),
            Hit::Person(p) => {
                let class = self.lex.persons[p as usize].class.as_str();
                (!matches!(class, "casualty" | "injured")).then_some(SideKind::Person(p))
            }
            _ => None,
        }
    }

    pub fn person_class(&self, i: usize) -> Option<&'a str> {
        match self.items[i].hit {
            Hit::Person(p) => Some(self.lex.persons[p as usize].class.as_str()),
            _ => None,
        }
    }

    /// The kind of people a side names: a person noun's class, or for the generic
    /// actors "civilian" (inter 7) and "protester" (inter 5 and 6).
    pub fn people_class(&self, i: usize) -> Option<&'a str> {
        // "قيادي سابق في فصائل المعارضة": a former fighter is a civilian
        if self.person_class(i) == Some("fighter") && matches!(next_word(self.doc.folded(), self.items[i].word_end), "سابق" | "سابقا" | "متقاعد") {
            return Some("civilian");
        }
        self.person_class(i).or_else(|| match self.items[i].hit {
            Hit::Actor(a) => match self.lex.actors[a as usize].inter {
                7 => Some("civilian"),
                5 | 6 => Some("protester"),
                _ => None,
            },
            _ => None,
        })
    }

    pub fn actor(&self, i: usize) -> Option<&'a rasad_lexicon::Actor> {
        match self.items[i].hit {
            Hit::Actor(a) | Hit::ActorAdjective(a) => Some(&self.lex.actors[a as usize]),
            _ => None,
        }
    }

    pub fn weapon_class(&self, i: usize) -> Option<&'a str> {
        match self.items[i].hit {
            Hit::Weapon(w) => Some(self.lex.weapons[w as usize].class.as_str()),
            _ => None,
        }
    }

    /// Items of sentence `s`, as a range of indices into `items`.
    pub fn sentence_items(&self, s: usize) -> std::ops::Range<usize> {
        let sent = &self.doc.sentences[s];
        let a = self.items.partition_point(|i| i.word_start < sent.start);
        let b = self.items.partition_point(|i| i.word_start < sent.end);
        a..b
    }

    /// Number of tokens between two folded byte offsets.
    pub fn tokens_between(&self, a: usize, b: usize) -> usize {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.doc.token_at(b).saturating_sub(self.doc.token_at(a))
    }

    pub fn flags(&self, s: usize) -> Flags {
        let mut f = Flags::default();
        let range = self.sentence_items(s);
        let mut generic = false;
        let mut past_aux_after_kana: Option<usize> = None;
        let mut kana = None;
        let has_day = self.dates_of(s).any(|d| d.relday);
        // "منذ حزيران الماضي", "منذ الثامن من تشرين الأول": a state since a date, not the
        // event of that date (the guideline's "منذ" anchors)
        // — unless a "حين" clause tells what happened on it ("منذ 12 تموز، حين تحولت
        // توترات … إلى مواجهات")
        let sent_end = self.doc.sentences[s].end;
        let since = self.dates_of(s).any(|d| {
            prev_word(self.doc.folded(), d.start) == "منذ"
                && !self.doc.folded()[d.end..sent_end].split(|c: char| c.is_whitespace() || c == ',').any(|w| matches!(w, "حين" | "عندما" | "حينما"))
        });
        let mut aggregate = false;
        for i in range.clone() {
            let Some(cue) = self.cue(i) else { continue };
            let it = &self.items[i];
            let pattern = match it.hit {
                Hit::Cue(c) => self.lex.cues[c as usize].pattern.as_str(),
                _ => "",
            };
            match cue {
                "background" => {
                    if matches!(pattern, "وكان" | "وكانت" | "كان" | "كانت") {
                        kana.get_or_insert(it.start);
                    } else {
                        f.background = true;
                    }
                }
                "past_aux"
                    if kana.is_some_and(|k| k < it.start) => {
                        past_aux_after_kana = Some(it.start);
                    }
                "generic" => generic = true,
                // "اعتقلت … أمس … تسعة أشخاص … خلال حملة تستهدف متورطين في انتهاكات خلال
                // السنوات الماضية": a period named after the day's event qualifies a later
                // clause; it cuts there instead of silencing the sentence
                // (a roundup — "في مناطق متفرقة", "سلسلة من" — still silences it)
                "aggregate"
                    if has_day
                        && !(pattern.contains("سلسل") || pattern.contains("متفرق"))
                        && range.clone().any(|j| matches!(self.items[j].hit, Hit::Trigger(_)) && self.items[j].end <= it.start) =>
                {
                    f.cut_at = Some(f.cut_at.map_or(it.start, |c| c.min(it.start)));
                }
                "aggregate" => {
                    aggregate = true;
                    // a count over a period, not a roundup of the day ("سلسلة من الحوادث",
                    // "في مناطق متفرقة")
                    f.tally |= !(pattern.contains("سلسل") || pattern.contains("متفرق"));
                }
                "hypothetical" | "negation" | "future" | "opinion" => {
                    f.cut_at = Some(f.cut_at.map_or(it.start, |c| c.min(it.start)));
                }
                "claim" => {
                    // the claim's clause starts at the comma or "فيما" before it:
                    // "…، فيما أعلنت القيادة المركزية مسؤوليتها عن الضربة"
                    let sent_start = self.doc.sentences[s].start;
                    let clause = range
                        .clone()
                        .filter(|&j| self.items[j].word_end <= it.start && matches!(self.cue(j), Some("alternative" | "clause")))
                        .map(|j| self.items[j].word_start)
                        .next_back()
                        .into_iter()
                        .chain(self.doc.folded()[sent_start..it.start].rfind(',').map(|k| sent_start + k))
                        .max()
                        .unwrap_or(it.start);
                    f.cut_at = Some(f.cut_at.map_or(clause, |c| c.min(clause)));
                    f.claim_at = Some(it.start);
                }
                "intervention" => f.intervention = true,
                "attempt" => f.attempts.push(it.word_end),
                "launched" => f.launched.push(it.word_start),
                "property" => f.property = true,
                "report" => {
                    // a reporting verb opening the sentence, said by a source ("وقال مصدر …",
                    // "وأفاد مراسل …"); an actor announcing ("وأعلن حزب الله أن …") reports news
                    let first = self.doc.sentences[s].start;
                    if self.tokens_between(first, it.word_start) <= 1 {
                        let actor_next = range.clone().any(|j| {
                            matches!(self.items[j].hit, Hit::Actor(_))
                                && self.actor(j).is_some_and(|a| is_armed(a.inter))
                                && self.items[j].word_start >= it.word_end
                                && self.tokens_between(it.word_end, self.items[j].word_start) <= 1
                        });
                        // "وأفادت الوكالة أيضاً بأن …": "also" adds news, it does not
                        // detail the event before
                        let also = range.clone().any(|j| {
                            self.cue(j) == Some("addition") && self.items[j].word_start >= it.word_end && self.tokens_between(it.word_end, self.items[j].word_start) <= 2
                        });
                        if !actor_next && !also {
                            f.elaboration = true;
                        }
                    }
                }
                "echo" if pattern.contains(' ') => f.elaboration = true,
                "no_casualties" => f.no_casualties = true,
                "unknown_casualties" => f.unknown_casualties = true,
                _ => {}
            }
        }
        if past_aux_after_kana.is_some() {
            f.background = true;
        }
        f.suppressed = aggregate || (generic || since) && !has_day;
        f
    }

    /// Sides of sentence `s` with their markers.
    pub fn sides(&self, s: usize) -> Vec<Side> {
        let range = self.sentence_items(s);
        let folded = self.doc.folded();
        let mut out: Vec<Side> = Vec::new();
        for i in range.clone() {
            if self.side_kind(i).is_none() {
                continue;
            }
            let it = self.items[i];
            // a nationality adjective names a side only on an attack or weapon noun
            // ("طائرة مسيرة تركية", "غارات إسرائيلية"), not on "المرصد السوري" or "دولار أمريكي"
            if matches!(self.side_kind(i), Some(SideKind::Adjective(_))) {
                let on_weapon = range.clone().rev().filter(|&j| self.items[j].word_end <= it.word_start).take(3).any(|j| {
                    matches!(self.items[j].hit, Hit::Trigger(_) | Hit::Weapon(_)) && self.tokens_between(self.items[j].word_end, it.word_start) <= 2
                });
                if !on_weapon {
                    continue;
                }
            }
            // the nearest cue ending just before this side, within two tokens
            let mut marker = Marker::None;
            for j in range.clone().rev() {
                let c = &self.items[j];
                if c.word_end > it.word_start {
                    continue;
                }
                if self.tokens_between(c.word_end, it.word_start) > 2 {
                    break;
                }
                if let Some(cue) = self.cue(j) {
                    marker = match cue {
                        "agent" => Marker::Agent,
                        "target" => Marker::Target,
                        "between" => Marker::Between,
                        "associate" => Marker::Associate,
                        _ => continue,
                    };
                    break;
                }
            }
            let prev_word = prev_word(folded, it.word_start);
            // "إلى جهة مجهولة" is where they went; "في تركيا" is a place, not the Turkish army
            let single_word = !folded[it.start..it.end].contains(' ');
            // "بحسب المرصد", "وفق الحكومة العراقية": a source, not a side
            if matches!(prev_word, "بحسب" | "حسب" | "وفق" | "وفقا" | "لدي") {
                continue;
            }
            // "(العمشات)" after "فصيل السلطان سليمان شاه" names the same side again
            if let Some(last) = out.last() {
                let gap = folded[self.items[last.item].word_end.min(it.word_start)..it.word_start].trim();
                if gap.chars().filter(|c| !c.is_whitespace() && *c != '"').eq(['(']) {
                    continue;
                }
                // "قوات النظام والميليشيات الإيرانية": a co-actor of the side before
                if gap.is_empty() && folded[it.word_start..it.start] == *"و" && matches!(self.side_kind(last.item), Some(SideKind::Actor(_))) && matches!(self.side_kind(i), Some(SideKind::Actor(_))) {
                    let mut co = *last;
                    co.item = i;
                    co.marker = if last.marker == Marker::Between { Marker::Between } else { Marker::Associate };
                    out.push(co);
                    continue;
                }
            }
            if words_before(folded, it.word_start).take(2).any(|w| w == "الي") || single_word && matches!(prev_word, "في" | "من" | "وفي") && matches!(self.side_kind(i), Some(SideKind::Actor(_))) && self.actor(i).is_some_and(|a| a.inter == 1 || a.inter == 8) {
                continue;
            }
            // "X التابعة لـ Y" makes Y an ally only when X is itself a named side;
            // "دوريات تابعة للأمن العسكري" are the Military Security's patrols
            if marker == Marker::Associate {
                let cue_start = range.clone().rev().map(|j| self.items[j]).find(|c| c.word_end <= it.word_start && matches!(c.hit, Hit::Cue(_))).map_or(it.word_start, |c| c.word_start);
                let named_before = out.iter().any(|sd| {
                    matches!(self.side_kind(sd.item), Some(SideKind::Actor(_))) && self.items[sd.item].word_end <= cue_start && self.tokens_between(self.items[sd.item].word_end, cue_start) <= 2
                });
                if !named_before {
                    // "عجلة تابعة للحشد" is a target; "دوريات تابعة للأمن" an agent by its verb
                    let target_noun = range.clone().rev().any(|j| {
                        self.cue(j) == Some("target") && self.items[j].word_end <= cue_start && self.tokens_between(self.items[j].word_end, cue_start) <= 1
                    });
                    marker = if target_noun { Marker::Target } else { Marker::None };
                }
            }
            // "المواجهات مع قوات النظام": the other party of a clash
            if marker == Marker::None && prev_word == "مع" {
                let before_ma = folded[..it.word_start].trim_end().len() - prev_word.len();
                let clash_before = range.clone().any(|j| {
                    self.items[j].word_end <= before_ma
                        && self.tokens_between(self.items[j].word_end, before_ma) == 0
                        && matches!(self.items[j].hit, Hit::Trigger(t) if rasad_model::event_type_of(&self.lex.triggers[t as usize].class) == Some("Battles"))
                });
                if clash_before {
                    marker = Marker::Target;
                }
            }
            // "جنود الجيش الإسرائيلي", "عناصر قسد": a people noun directly before a named side
            if marker == Marker::None && matches!(self.side_kind(i), Some(SideKind::Actor(_))) {
                if let Some(p) = out.iter().rev().find(|sd| self.person_class(sd.item).is_some() && self.items[sd.item].word_end <= it.word_start && self.tokens_between(self.items[sd.item].word_end, it.word_start) == 0) {
                    if matches!(p.marker, Marker::Agent | Marker::Target | Marker::Between) {
                        marker = p.marker;
                    }
                }
            }
            if marker == Marker::None && matches!(prev_word, "من" | "في") {
                // membership: "عنصران من قوات النظام", "مسلحون من تنظيم داعش": the group
                // takes the role of the people named just before it
                let prev_start = folded[..it.word_start].trim_end().len() - prev_word.len();
                if let Some(p) = out.iter().rev().find(|sd| self.person_class(sd.item).is_some() && self.items[sd.item].word_end <= prev_start && self.tokens_between(self.items[sd.item].word_end, prev_start) <= 1) {
                    let pi = self.items[p.item];
                    let former = self.people_class(p.item) == Some("civilian");
                    let after_casualty = !former && range.clone().any(|j| {
                        matches!(self.trigger_class(j), "@casualty" | "@injury") && self.items[j].word_end <= pi.word_start && self.tokens_between(self.items[j].word_end, pi.word_start) <= 3
                    });
                    marker = match p.marker {
                        Marker::Agent | Marker::Between | Marker::Target => p.marker,
                        _ if after_casualty => Marker::VictimGroup,
                        _ => Marker::None,
                    };
                }
            }
            out.push(Side { item: i, marker });
        }
        out
    }
}

/// The event family of a trigger class, `None` for weak classes.
fn family(class: &str) -> Option<&'static str> {
    Some(match class {
        "@explosion" => "Explosions/Remote violence",
        "@kill" => "Violence against civilians",
        "@protest" | "@blockade" => "Protests",
        "@riot" => "Riots",
        "@territory" => "Battles",
        "@intercept" | "@agreement" => "Strategic developments",
        "@attack" | "@casualty" | "@injury" | "@retaliation" | "@launch" => return None,
        "@arson" => "Riots",
        s => rasad_model::event_type_of(s)?,
    })
}

/// Weapon classes in order of precedence for the sub-type.
const WEAPON_ORDER: &[(&str, &str)] = &[
    ("suicide", "Suicide bomb"),
    ("chemical", "Chemical weapon"),
    ("air", "Air/drone strike"),
    ("ied", "Remote explosive/landmine/IED"),
    ("grenade", "Grenade"),
    ("shelling", "Shelling/artillery/missile attack"),
];

/// The longest run of bytes [`words_before`] and [`next_word`] read as one word. No
/// Arabic word with its clitics comes near it; a text without spaces (a scraped page's
/// markup, an adversarial article) would otherwise make every call read to the
/// article's start or end (issue 12). A longer run is read in pieces of this size.
const MAX_WORD: usize = 96;

/// The words before folded byte `pos`, nearest first. Found from the end: a split of
/// everything before `pos` would cost the whole article on every call.
pub fn words_before(folded: &str, pos: usize) -> impl Iterator<Item = &str> {
    // folded text has only ' ' and '\n' for white space (the normaliser's `spaces`)
    let bytes = folded.as_bytes();
    let mut end = pos.min(bytes.len());
    std::iter::from_fn(move || {
        while end > 0 && matches!(bytes[end - 1], b' ' | b'\n') {
            end -= 1;
        }
        if end == 0 {
            return None;
        }
        let mut start = end;
        let floor = end.saturating_sub(MAX_WORD);
        while start > floor && !matches!(bytes[start - 1], b' ' | b'\n') {
            start -= 1;
        }
        while !folded.is_char_boundary(start) {
            start += 1;
        }
        let word = folded.get(start..end);
        end = start;
        word
    })
}

/// The word just after folded byte `pos` ("" at the end).
pub fn next_word(folded: &str, pos: usize) -> &str {
    let bytes = folded.as_bytes();
    let mut start = pos.min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b' ' | b'\n') {
        start += 1;
    }
    let mut end = start;
    let ceiling = bytes.len().min(start + MAX_WORD);
    while end < ceiling && !matches!(bytes[end], b' ' | b'\n') {
        end += 1;
    }
    while !folded.is_char_boundary(end) {
        end -= 1;
    }
    folded.get(start..end).unwrap_or("")
}

/// The word just before folded byte `pos` ("" at the start).
pub fn prev_word(folded: &str, pos: usize) -> &str {
    words_before(folded, pos).next().unwrap_or("")
}

fn is_armed(inter: u8) -> bool {
    matches!(inter, 1..=4 | 8)
}

/// Frame every sentence of the article.
pub fn frame(ctx: &Ctx) -> Vec<Cand> {
    // about one candidate a sentence with a trigger: sized once, not grown
    let mut out = Vec::with_capacity(ctx.doc.sentences.len());
    let tally = tally_report(ctx);
    let furniture = boilerplate_paragraphs(ctx);
    for s in 0..ctx.doc.sentences.len() {
        if furniture.binary_search(&ctx.doc.sentences[s].paragraph).is_ok() {
            continue;
        }
        // in a tally report, the breakdown ("و10 برصاص مسلحين مجهولين، و7 بقصف إسرائيلي")
        // is the tally's, not events: only a sentence that names its own day reports one
        if tally.is_some_and(|t| s > t) && !ctx.dates_of(s).any(|d| d.relday || d.date.is_some_and(|r| r.precision == 1)) {
            continue;
        }
        frame_sentence(ctx, s, &mut out);
    }
    // a headline restates the lead: once the body reports a current event, the headline's
    // own candidates (often with the place or type compressed: "قتيل بهجوم قرب السخنة")
    // would only duplicate it
    // asked of the first two lines only, once each
    // (sentences come paragraph by paragraph: those of the first two lines are a prefix)
    let first_lines = ctx.doc.sentences.partition_point(|t| t.paragraph <= 1);
    // (a headline is a property of the line: asked once per line)
    let line_heads = [0, 1].map(|p| ctx.doc.sentences[..first_lines].iter().position(|t| t.paragraph == p).is_some_and(|s| is_headline(ctx, s)));
    let heads: Vec<bool> = ctx.doc.sentences[..first_lines].iter().map(|t| line_heads[t.paragraph]).collect();
    let headline = |s: usize| heads.get(s).copied().unwrap_or(false);
    if out.iter().any(|c| !headline(c.sentence) && !c.background && !c.triggers.is_empty()) {
        out.retain(|c| !headline(c.sentence));
    }
    out
}

/// A headline: one of the article's first two lines, short, without a full stop at its
/// end (it may hold several sentences: "خطف طفل وتفجير منزل.. داعش يضرب مجدداً"), above
/// a body of longer paragraphs.
fn is_headline(ctx: &Ctx, s: usize) -> bool {
    let sents = &ctx.doc.sentences;
    let Some(sent) = sents.get(s) else { return false };
    if sent.paragraph > 1 {
        return false;
    }
    // the line's sentences: a contiguous run (sentences come paragraph by paragraph)
    let first = sents.partition_point(|t| t.paragraph < sent.paragraph);
    let after = sents.partition_point(|t| t.paragraph <= sent.paragraph);
    let (start, end) = (sents[first].start, sents[after - 1].end);
    // more than 20 words is no headline: counted no further (a line can be the article)
    let text = &ctx.doc.folded()[start..end];
    if text.split_whitespace().nth(20).is_some() {
        return false;
    }
    let text = text.trim_end();
    let full_stop = text.ends_with('.') && !text.ends_with("..");
    let body_after = sents[after..].iter().any(|t| t.end - t.start > 2 * (end - start).min(200));
    !full_stop && body_after
}

/// Paragraphs (lines) that are a page's furniture: a line opening with a boilerplate cue
/// ("اقرأ أيضاً: …", "(الصورة: …)", "تغطية متواصلة على …") is a link or a caption.
fn boilerplate_paragraphs(ctx: &Ctx) -> Vec<usize> {
    let mut out = Vec::new();
    for (k, it) in ctx.items.iter().enumerate() {
        if ctx.cue(k) != Some("boilerplate") {
            continue;
        }
        // (sentences come in text order, paragraph by paragraph)
        let sents = &ctx.doc.sentences;
        let k = sents.partition_point(|t| t.end.max(t.start + 1) <= it.word_start);
        let Some(sent) = sents.get(k).filter(|t| t.start <= it.word_start) else { continue };
        let line_start = sents[sents.partition_point(|t| t.paragraph < sent.paragraph)].start;
        // at the line's head, after at most an opening bracket or a dash
        let head = ctx.doc.folded()[line_start..it.word_start].trim_matches(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | '-' | '–' | '*' | '•'));
        // (items come in text order, so the paragraphs do too: `out` stays sorted)
        if head.is_empty() && out.last() != Some(&sent.paragraph) {
            out.push(sent.paragraph);
        }
    }
    out
}

/// The sentence that makes the article a tally report: its first sentence with a
/// trigger, within the first three, counts over a period ("وثق المرصد مقتل 232 شخصاً
/// خلال شهر تشرين الثاني"). Such an article reports a count, not events.
fn tally_report(ctx: &Ctx) -> Option<usize> {
    let first = (0..ctx.doc.sentences.len().min(3)).find(|&s| ctx.sentence_items(s).any(|i| matches!(ctx.items[i].hit, Hit::Trigger(_))))?;
    ctx.flags(first).tally.then_some(first)
}

/// Frame one sentence, in data-flow order: its triggers filtered, strong ones grouped into
/// events, weak ones attached, then the candidates emitted with any retaliation and claim.
fn frame_sentence(ctx: &Ctx, s: usize, out: &mut Vec<Cand>) {
    let flags = ctx.flags(s);
    let range = ctx.sentence_items(s);
    // without a trigger a sentence frames nothing but a claim of responsibility
    if flags.claim_at.is_none() && !range.clone().any(|i| matches!(ctx.items[i].hit, Hit::Trigger(_))) {
        return;
    }
    // a weapon word inside a place's name is no weapon ("قاعدة عين الأسد الجوية")
    let in_place = |i: usize| ctx.places_of(s).any(|p| p.start <= ctx.items[i].word_start && ctx.items[i].word_end <= p.end);
    // "عبوة غاز مسيل للدموع", "قنابل الغاز", "القنابل المسيلة للدموع", "قنابل صوتية": tear
    // gas and stun grenades, the police's means against crowds, no bomb or grenade attack
    let tear_gas = |i: usize| matches!(next_word(ctx.doc.folded(), ctx.items[i].word_end), "غاز" | "الغاز" | "مسيله" | "المسيله" | "مسيل" | "المسيل" | "صوتيه" | "الصوتيه" | "دخانيه" | "الدخانيه");
    let weapons: Vec<usize> = range.clone().filter(|&i| ctx.weapon_class(i).is_some() && !in_place(i) && !tear_gas(i)).collect();
    let sides = ctx.sides(s);
    let claimant = claimant(ctx, &flags, &sides);
    if flags.suppressed {
        if let Some(c) = claimant {
            out.push(claim_only(s, c, &flags));
        }
        return;
    }
    let (strong, weak) = triggers(ctx, s, &flags, &weapons);
    let groups = families(ctx, s, &strong);
    let (groups, retaliations, weak_only) = attach_weak(ctx, s, groups, &strong, &weak, &weapons);
    let first_new = out.len();
    emit(ctx, s, groups, weak_only, &sides, &weapons, &flags, out);
    retaliate(ctx, s, retaliations, first_new, &sides, &flags, out);
    claim(s, claimant, first_new, &flags, out);
}

/// The claimant of a claim of responsibility in the sentence, if it makes one: read apart
/// from the events, since a claim may stand alone and name the agent of an event told
/// elsewhere.
fn claimant(ctx: &Ctx, flags: &Flags, sides: &[Side]) -> Option<usize> {
    let folded = ctx.doc.folded();
    flags.claim_at.and_then(|at| {
        // the claimant is the subject of the claim verb: before it after "قد"
        // ("وكانت X قد تبنت"), else the first actor after it ("وتبنت X الهجوم")
        let mut actors = sides.iter().filter(|sd| matches!(ctx.side_kind(sd.item), Some(SideKind::Actor(_)))).map(|sd| sd.item);
        let before_qad = folded[..at].trim_end().ends_with("قد");
        if before_qad {
            actors.rfind(|&i| ctx.items[i].start < at)
        } else {
            actors.clone().find(|&i| ctx.items[i].start > at).or_else(|| actors.rfind(|&i| ctx.items[i].start < at))
        }
    })
}

/// How many words may stand between a launch verb and its projectile (the subject and a
/// time: "أطلقت الميليشيات مساء أمس صاروخاً").
const LAUNCH_OBJECT_WORDS: usize = 5;

/// How far (words) the place a launch is aimed at may follow it ("أطلقت الميليشيات
/// مساء أمس صاروخاً باليستياً على مدينة مأرب").
const LAUNCH_TARGET_WORDS: usize = 16;

/// Prepositions that aim a launch at its target (folded).
const TOWARDS: &[&str] = &["علي", "باتجاه", "نحو", "صوب", "تجاه", "بتجاه"];

/// How far (words) a negation may stand before the arrests it denies ("دون أن يُبلَّغ عن
/// اعتقالات").
const NEGATED_ARREST_WORDS: usize = 3;

/// The sentence's triggers that report an event of it, split into strong (with a family
/// of their own) and weak (which only join an event or make a weak one). The skip rules
/// each name a reading in which the word reports no event of this sentence.
fn triggers(ctx: &Ctx, s: usize, flags: &Flags, weapons: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let range = ctx.sentence_items(s);
    let folded = ctx.doc.folded();
    let has_place = ctx.places_of(s).any(|p| !matches!(p.kind, PlaceKind::Country | PlaceKind::Admin1));
    let mut strong: Vec<usize> = Vec::new();
    let mut weak: Vec<usize> = Vec::new();
    let actor_spans: Vec<(usize, usize)> = range.clone().filter(|&i| matches!(ctx.items[i].hit, Hit::Actor(_))).map(|i| (ctx.items[i].word_start, ctx.items[i].word_end)).collect();
    let quotes = short_quotes(folded, ctx.doc.sentences[s].start, ctx.doc.sentences[s].end);
    let time_starts: Vec<usize> = range.clone().filter(|&i| matches!(ctx.items[i].hit, Hit::Time(_))).map(|i| ctx.items[i].word_start).collect();
    // an interception reports the launch it foiled: the launch is no attack of its own
    let intercepted = range.clone().any(|i| matches!(ctx.items[i].hit, Hit::Trigger(t) if ctx.lex.triggers[t as usize].class == "@intercept"));
    for i in range.clone() {
        let Hit::Trigger(t) = ctx.items[i].hit else { continue };
        let it = ctx.items[i];
        if flags.cut_at.is_some_and(|c| it.start >= c) {
            continue;
        }
        // inside a name ("قوات مكافحة الشغب") or a short quoted name ("ردع العدوان"); a
        // name that opens with a clash noun names the clash too ("اشتباك عشائري" is a
        // clash between clans)
        let opens_name = ctx.lex.triggers[t as usize].class == "Armed clash";
        if actor_spans.iter().any(|&(a, b)| (it.word_start > a || it.word_start == a && !opens_name) && it.word_end <= b) || quotes.iter().any(|&(a, b)| it.word_start >= a && it.word_end <= b) {
            continue;
        }
        let prev_word = prev_word(folded, it.word_start);
        // "سمع دوي انفجارات": the sound of the event already reported
        // ("سمع دوي ثلاثة انفجارات": a number between them)
        // (numbers are sorted by start: only the last to end before the word can touch it)
        let counted = || {
            let k = ctx.nums.partition_point(|n| n.start < it.word_start);
            ctx.nums[..k].iter().rev().find(|n| n.end <= it.word_start).is_some_and(|n| ctx.tokens_between(n.end, it.word_start) == 0)
        };
        if prev_word == "دوي" || words_before(folded, it.word_start).nth(1) == Some("دوي") && counted() {
            continue;
        }
        // "فجر اليوم", "صلاة الفجر" are dawn, not "فجّر" (blew up): the verb takes no article
        if folded[it.start..it.end] == *"فجر" && (time_starts.iter().any(|&t| t > it.word_end && ctx.tokens_between(it.word_end, t) <= 1) || matches!(prev_word, "قبيل" | "منذ" | "حتي" | "بعد" | "صلاه") || folded[it.word_start..it.start].ends_with("ال")) {
            continue;
        }
        let tr = &ctx.lex.triggers[t as usize];
        match tr.class.as_str() {
            "@intercept" if !weapons.iter().any(|&w| matches!(ctx.weapon_class(w), Some("air" | "shelling"))) => continue,
            // "أطلقت الميليشيات مساء أمس صاروخاً": a launch is an attack when a rocket, a
            // shell or a drone follows as its object, a few words on, or stands right
            // before it ("قذائف أطلقها"); "أطلق سراح", "أطلقت حملة" are none
            "@launch"
                if !weapons.iter().any(|&w| {
                    let wi = &ctx.items[w];
                    // the object after it, or the projectile it qualifies ("قذائف أطلقها")
                    let after = wi.start >= it.word_end && ctx.tokens_between(it.word_end, wi.word_start) <= LAUNCH_OBJECT_WORDS;
                    let before = wi.word_end <= it.word_start && ctx.tokens_between(wi.word_end, it.word_start) <= 1;
                    // "أطلقت عملية جوية": an operation launched, its adjective no weapon
                    let other_object = after && flags.launched.iter().any(|&c| c >= it.word_end && c < wi.word_start);
                    (after || before) && !other_object && matches!(ctx.weapon_class(w), Some("air" | "shelling"))
                }) || intercepted
                    // and it is aimed at a place ("على مدينة مأرب", "باتجاه X"): "أُطلقت من
                    // جهة شرق العاصمة" says where from, a detail of an event told before
                    || !ctx.places_of(s).any(|p| {
                        p.start >= it.word_end
                            && ctx.tokens_between(it.word_end, p.start) <= LAUNCH_TARGET_WORDS
                            && TOWARDS.contains(&self::prev_word(folded, p.start))
                    }) =>
            {
                continue
            }
            "@agreement" => {
                let reached = tr.pattern.starts_with("توصل") || tr.pattern.starts_with("التوصل");
                let dated = ctx.dates_of(s).any(|d| !d.relative_day && d.date.is_some());
                if !(reached || flags.background && dated) {
                    continue;
                }
            }
            "@territory" => {
                // control taken *of a place*: "سيطرتها على بلدة X", not "السيطرة على الحريق";
                // a verb of taking has the place as its object ("استعاد الجيش معسكر X",
                // "انتزعت القوات مواقع في X"): within a few words, after the subject
                let ala = folded[it.word_start..ctx.doc.sentences[s].end].find(" علي ").map(|k| it.word_start + k + " علي ".len());
                let place_after = ala.is_some_and(|a| {
                    ctx.tokens_between(it.word_end, a) <= 8 && ctx.places_of(s).any(|p| p.start >= a && ctx.tokens_between(a, p.start) <= 1)
                });
                let object_place = !tr.pattern.contains("سيطر")
                    && ctx.places_of(s).any(|p| p.start >= it.word_end && ctx.tokens_between(it.word_end, p.start) <= 6 && p.kind != PlaceKind::Country);
                if !has_place || !(place_after || object_place) {
                    continue;
                }
            }
            _ => {}
        }
        // "للتصدي", "لاستهداف": a purpose, not an event ("تعرضت القاعدة لقصف" is the exception)
        let lam = matches!(&folded[it.word_start..it.start], "ل" | "لل");
        if lam && family(&tr.class).is_none() && !weak.iter().chain(strong.iter()).any(|&j| ctx.trigger_class(j) == "@attack" && matches!(ctx.items[j].hit, Hit::Trigger(t) if ctx.lex.triggers[t as usize].frame == Frame::Passive)) {
            continue;
        }
        // "ناشط في تظاهرات ذي قار": what someone took part in, not an event of the sentence
        if tr.class == "@protest" && prev_word == "في" {
            let before_fi = folded[..it.word_start].trim_end().len() - 2;
            if range.clone().any(|j| matches!(ctx.items[j].hit, Hit::Person(_)) && ctx.items[j].word_end <= before_fi && ctx.tokens_between(ctx.items[j].word_end, before_fi) == 0) {
                continue;
            }
        }
        // "دون أن يُبلَّغ عن اعتقالات", "لم تسجل اعتقالات": arrests denied are none (only
        // arrests: "لم تتوقف الاشتباكات" reports clashes going on)
        if tr.class == "Arrests"
            && range.clone().any(|j| {
                let c = &ctx.items[j];
                ctx.cue(j) == Some("toll_neg")
                    && !matches!(&folded[c.start..c.end], "لا")
                    && c.word_end <= it.word_start
                    && ctx.tokens_between(c.word_end, it.word_start) <= NEGATED_ARREST_WORDS
            })
        {
            continue;
        }
        // "حاولتا استهداف": the attack that was tried and foiled
        if family(&tr.class).is_none() && flags.attempts.iter().any(|&a| a <= it.word_start && ctx.tokens_between(a, it.word_start) <= 3) {
            continue;
        }
        if family(&tr.class).is_some() {
            strong.push(i);
        } else {
            weak.push(i);
        }
    }
    // "اشتباك عشائري ... أدى إلى حرق عدد من المحال", "هاجموا نقاطاً ... وتمكنوا من
    // الاستيلاء على نقطتي حراسة": property burnt or seized in the course of a fight or a
    // bombardment is part of that event (ACLED codes the clash), not a looting of its own.
    // Protesters burning tyres beside a clash are left alone (their own event).
    // (the fight told first: "أعمال نهب ... عقب ليلة من الاشتباكات" is looting after a
    // fight, an event of its own)
    let fight_start = strong
        .iter()
        .filter(|&&i| matches!(family(ctx.trigger_class(i)), Some("Battles" | "Explosions/Remote violence")))
        .map(|&i| ctx.items[i].start)
        .min();
    if let Some(fight_start) = fight_start {
        // (burning is its own class, @arson, among the riot verbs; storming, اقتحام, is
        // the fight itself and stays)
        let part_of_fight = |i: usize| {
            let raw = match ctx.items[i].hit {
                Hit::Trigger(t) => ctx.lex.triggers[t as usize].class.as_str(),
                _ => "",
            };
            ctx.items[i].start > fight_start && matches!(raw, "Looting/property destruction" | "@arson")
        };
        let protesters = range.clone().any(|j| ctx.person_class(j) == Some("protester"));
        if !protesters {
            strong.retain(|&i| !part_of_fight(i));
            weak.retain(|&i| !part_of_fight(i));
        }
    }
    // "هذه المواجهات" points back at an event told before; beside other triggers it adds
    // nothing, alone it makes an anaphoric candidate (merged later)
    let demonstrative = |i: usize| matches!(prev_word(folded, ctx.items[i].word_start), "هذه" | "هذا" | "تلك" | "ذلك");
    if strong.len() + weak.len() > 1 {
        strong.retain(|&i| !demonstrative(i));
        weak.retain(|&i| !demonstrative(i));
    }
    (strong, weak)
}

/// Strong triggers grouped into events: one group per family and clause. Protests and
/// riots are one family, with the arrests and looting during them; a definite noun that
/// refers back to another group's event makes none.
fn families(ctx: &Ctx, s: usize, strong: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
    let range = ctx.sentence_items(s);
    let folded = ctx.doc.folded();
    // group strong triggers by family; protests and riots are one family (the riot wins)
    let mut groups: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for &i in strong {
        let mut fam = family(ctx.trigger_class(i)).unwrap_or("");
        // ("بعد يومين من مظاهرات": a protest of another day is another event)
        let other_day = crate::dates::days_before_news(folded, ctx.items[i].word_start).is_some_and(|n| n > 0);
        if (fam == "Riots" || fam == "Protests") && !other_day {
            if let Some(g) = groups.iter_mut().rev().find(|g| g.0 == "Riots" || g.0 == "Protests") {
                if fam == "Riots" {
                    g.0 = "Riots";
                }
                g.1.push(i);
                continue;
            }
        }
        // arrests and looting during a protest are part of it
        if matches!(ctx.trigger_class(i), "Arrests" | "Looting/property destruction") {
            if let Some(g) = groups.iter_mut().find(|g| g.0 == "Riots" || g.0 == "Protests") {
                g.1.push(i);
                continue;
            }
        }
        if fam == "Violence against civilians" && groups.iter().any(|g| g.0 == "Battles") {
            fam = "Battles";
        }
        // a second clause ("في حين طاول قصف …", "كما …") starts a new event of its own
        let new_clause = |g: &(&'static str, Vec<usize>)| {
            let last = g.1.iter().map(|&j| ctx.items[j].word_end).max().unwrap_or(0);
            range.clone().any(|j| {
                let c = ctx.items[j];
                c.word_start >= last && c.word_end <= ctx.items[i].word_start && matches!(ctx.cue(j), Some("alternative" | "clause"))
            })
        };
        // "وطالت ضربة أخرى …", "وفي هجوم آخر": another event of the same kind
        // ("بعد يومين من مظاهرات مماثلة": an event of another day, too)
        let another = other_day || matches!(next_word(folded, ctx.items[i].word_end), "اخري" | "اخر" | "ثانيه" | "ثان");
        match groups.iter_mut().rev().find(|g| g.0 == fam) {
            Some(g) if !new_clause(g) && !another => g.1.push(i),
            _ => groups.push((fam, vec![i])),
        }
    }
    if groups.iter().any(|g| g.0 == "Riots" || g.0 == "Protests") {
        // protest sentences: a later arrest group folds in
        let (p, rest): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| g.0 == "Riots" || g.0 == "Protests");
        groups = p;
        let protest_start = groups[0].1.iter().map(|&i| ctx.items[i].start).min().unwrap_or(0);
        for g in rest {
            let after = g.1.iter().all(|&i| ctx.items[i].start > protest_start);
            if after && g.1.iter().all(|&i| matches!(ctx.trigger_class(i), "Arrests" | "Looting/property destruction")) {
                groups[0].1.extend(g.1);
            } else {
                groups.push(g);
            }
        }
    }
    // a definite noun after another event's trigger refers back ("اعتقلت … ممن شاركوا في
    // تنظيم الاحتجاجات"): it is no event of its own
    if groups.len() > 1 {
        let first_start = groups.iter().flat_map(|g| g.1.iter()).map(|&i| ctx.items[i].start).min().unwrap_or(0);
        groups.retain(|g| {
            let main = g.1[0];
            let definite = folded_prefix(ctx, main).ends_with("ال");
            !(definite && g.1.len() == 1 && ctx.items[main].start > first_start && matches!(ctx.lex.triggers.get(match ctx.items[main].hit { Hit::Trigger(t) => t as usize, _ => usize::MAX }).map(|t| t.frame), Some(Frame::Noun)))
        });
    }
    groups
}

/// Weak triggers attached to the nearest group; a retaliation after the events is set
/// apart (it becomes its own, swapped candidate), and weak triggers near no group make
/// one of their own. Also says whether the sentence had no strong event (`weak_only`),
/// decided before those loose triggers form a group.
#[allow(clippy::type_complexity)]
fn attach_weak(ctx: &Ctx, s: usize, mut groups: Vec<(&'static str, Vec<usize>)>, strong: &[usize], weak: &[usize], weapons: &[usize]) -> (Vec<(&'static str, Vec<usize>)>, Vec<usize>, bool) {
    // weak triggers join the nearest group; a retaliation after a group is its own event
    let mut retaliations = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    for &w in weak {
        if ctx.trigger_class(w) == "@retaliation" {
            let before = groups.iter().any(|g| g.1.iter().any(|&i| ctx.items[i].start < ctx.items[w].start))
                || weak.iter().any(|&o| o != w && ctx.items[o].start < ctx.items[w].start && ctx.trigger_class(o) != "@retaliation");
            let after = strong.iter().chain(weak.iter()).any(|&o| ctx.items[o].start > ctx.items[w].start && ctx.trigger_class(o) != "@retaliation" && !matches!(ctx.trigger_class(o), "@casualty" | "@injury"));
            if before && !after {
                retaliations.push(w);
                continue;
            }
        }
        let pos = ctx.items[w].start;
        let near = |g: &(&'static str, Vec<usize>)| g.1.iter().map(|&i| ctx.tokens_between(ctx.items[i].start, pos)).min().unwrap_or(usize::MAX);
        // an attack told in a clause of its own, with its own weapon ("… بعد تعرضه لقذائف
        // أطلقتها المدفعية، كما أغار الطيران على …"): another event, not a detail of the
        // next clause's; a toll ("، كما أصيب …") still joins the event it counts
        if own_clause_attack(ctx, s, w, weapons, strong) {
            loose.push(w);
            continue;
        }
        match groups.iter_mut().filter(|g| near(g) <= 25).min_by_key(|g| near(g)) {
            Some(g) => g.1.push(w),
            None => loose.push(w),
        }
    }
    let weak_only = groups.is_empty();
    if !loose.is_empty() {
        let ws: Vec<usize> = loose.iter().copied().filter(|w| !retaliations.contains(w)).collect();
        if !ws.is_empty() {
            groups.push(("", ws));
        }
    }
    (groups, retaliations, weak_only)
}

/// A weak attack trigger (not a toll) whose clause — bounded by the sentence's clause
/// cues (كما، فيما، في حين …) — holds a weapon but no strong trigger: it tells an attack
/// of its own.
///
/// A toll ("أصيب مدنيان بقذائف هاون …، كما أغار الطيران على …") counts as such an attack
/// only before every strong trigger: after one ("قصفت …، كما قتل مدني بقذيفة") it
/// counts the event just told.
fn own_clause_attack(ctx: &Ctx, s: usize, w: usize, weapons: &[usize], strong: &[usize]) -> bool {
    let toll = matches!(ctx.trigger_class(w), "@casualty" | "@injury" | "@kill");
    if ctx.trigger_class(w) == "@retaliation" {
        return false;
    }
    let (a, b) = clause_of(ctx, s, &[w]);
    let sent = &ctx.doc.sentences[s];
    // a sentence of one clause has nothing to split
    if (a, b) == (sent.start, sent.end) {
        return false;
    }
    if toll && strong.iter().any(|&i| ctx.items[i].word_start < a) {
        return false;
    }
    let inside = |i: usize| a <= ctx.items[i].word_start && ctx.items[i].word_end <= b;
    weapons.iter().any(|&i| inside(i)) && !strong.iter().any(|&i| inside(i))
}

/// One candidate per group, in text order.
#[allow(clippy::too_many_arguments)]
fn emit(ctx: &Ctx, s: usize, mut groups: Vec<(&'static str, Vec<usize>)>, weak_only: bool, sides: &[Side], weapons: &[usize], flags: &Flags, out: &mut Vec<Cand>) {
    groups.sort_by_key(|g| g.1.iter().map(|&i| ctx.items[i].start).min().unwrap_or(0));
    for (fam, trig) in groups {
        let only_weak = fam.is_empty();
        if let Some(c) = build(ctx, s, fam, trig, sides, weapons, flags, only_weak || weak_only) {
            out.push(c);
        }
    }
}

/// A retaliation's candidate: built from the sentence's last candidate (else the
/// article's), since the answer is the same kind of event with the sides swapped.
fn retaliate(ctx: &Ctx, s: usize, retaliations: Vec<usize>, first_new: usize, sides: &[Side], flags: &Flags, out: &mut Vec<Cand>) {
    for r in retaliations {
        // the answer of the attacked side: same kind of event, sides swapped
        let prev = out[first_new..].last().cloned().or_else(|| out.last().cloned());
        let Some(prev) = prev else { continue };
        let pos = ctx.items[r].start;
        // the answering side: nearest named actor before the retaliation phrase
        let answer = sides
            .iter()
            .filter(|sd| ctx.items[sd.item].start < pos && matches!(ctx.side_kind(sd.item), Some(SideKind::Actor(_))))
            .filter(|sd| Some(sd.item) != prev.actor1)
            .max_by_key(|sd| ctx.items[sd.item].start)
            .map(|sd| sd.item);
        out.push(Cand {
            sentence: s,
            flags: flags.clone(),
            triggers: vec![r],
            sub_event_type: prev.sub_event_type,
            actor1: answer.or(prev.actor2),
            actor2: prev.actor1,
            victims: None,
            weapons: Vec::new(),
            background: flags.background,
            retaliation: true,
            claimant: None,
            weak_only: false,
            anaphoric: false,
            elaboration: false,
            between: false,
        });
    }
}

/// The sentence's claim of responsibility: credited to its own event that lacks an agent,
/// else kept alone (`claim_only`) for an event told elsewhere.
fn claim(s: usize, claimant: Option<usize>, first_new: usize, flags: &Flags, out: &mut Vec<Cand>) {
    if let Some(c) = claimant {
        // a claim in a sentence that reports its own event names that event's agent;
        // only a claim standing alone names the agent of an event told elsewhere
        if out.len() == first_new {
            out.push(claim_only(s, c, flags));
        } else if let Some(cand) = out[first_new..].iter_mut().find(|c| c.actor1.is_none()) {
            cand.claimant = Some(c);
        }
    }
}

/// A claim of responsibility with no event in its sentence: it names the agent of an
/// event reported elsewhere in the article. Marked by an empty trigger list.
fn claim_only(s: usize, claimant: usize, flags: &Flags) -> Cand {
    Cand {
        sentence: s,
        flags: flags.clone(),
        triggers: Vec::new(),
        sub_event_type: "",
        actor1: None,
        actor2: None,
        victims: None,
        weapons: Vec::new(),
        background: flags.background,
        retaliation: false,
        claimant: Some(claimant),
        weak_only: true,
        anaphoric: false,
        elaboration: false,
        between: false,
    }
}

#[allow(clippy::too_many_arguments)]
fn build(ctx: &Ctx, s: usize, fam: &'static str, mut trig: Vec<usize>, sides: &[Side], weapons: &[usize], flags: &Flags, weak_only: bool) -> Option<Cand> {
    trig.sort_by_key(|&i| ctx.items[i].start);
    // main trigger: the first strong one, else the first @attack, else the first
    let main = trig
        .iter()
        .copied()
        .find(|&i| family(ctx.trigger_class(i)).is_some())
        .or_else(|| trig.iter().copied().find(|&i| ctx.trigger_class(i) == "@attack"))
        .unwrap_or(trig[0]);
    let classes: Vec<&str> = trig.iter().map(|&i| ctx.trigger_class(i)).collect();
    // the weapons of this candidate's clause, where it names any ("…، فيما قصفت المدفعية
    // … بالقذائف" is the second clause's means, not the first's)
    let (cs, ce) = clause_of(ctx, s, &trig);
    let in_clause: Vec<usize> = weapons.iter().copied().filter(|&w| ctx.items[w].start >= cs && ctx.items[w].end <= ce).collect();
    let weapons: &[usize] = if in_clause.is_empty() { weapons } else { &in_clause };
    let weapon_classes: Vec<&str> = weapons.iter().filter_map(|&w| ctx.weapon_class(w)).collect();
    let erv_weapon = WEAPON_ORDER.iter().find(|(c, _)| weapon_classes.contains(c)).map(|(_, st)| *st);
    let firearm = weapon_classes.contains(&"firearm");
    let agent_side = sides.iter().any(|sd| sd.marker == Marker::Agent);

    if weak_only {
        let only_casualty = classes.iter().all(|c| matches!(*c, "@casualty" | "@injury"));
        let has_attack = classes.contains(&"@attack");
        let supported = erv_weapon.is_some() || firearm || agent_side || has_attack && ctx.places_of(s).any(|p| !matches!(p.kind, PlaceKind::Country));
        if !supported || only_casualty && !(erv_weapon.is_some() || firearm || agent_side) {
            return None;
        }
    }
    let pos = ctx.items[main].start;
    let frame_of = |i: usize| match ctx.items[i].hit {
        Hit::Trigger(t) => ctx.lex.triggers[t as usize].frame,
        _ => Frame::Noun,
    };
    // a passive trigger before the main one sets the frame ("تعرضت القاعدة لقصف")
    let frame = trig
        .iter()
        .copied()
        .filter(|&i| ctx.items[i].start <= pos && frame_of(i) == Frame::Passive && ctx.trigger_class(i) == "@attack")
        .map(|_| Frame::Passive)
        .next()
        .unwrap_or_else(|| frame_of(main));
    let main_class = ctx.trigger_class(main);
    // a folded "قتل" followed by a named armed actor is the active verb (قَتَل مسلحون …)
    let frame = if main_class == "@casualty" && frame == Frame::Passive {
        let next = sides.iter().find(|sd| ctx.items[sd.item].start > pos && ctx.tokens_between(ctx.items[main].word_end, ctx.items[sd.item].word_start) <= 1);
        match next.and_then(|sd| ctx.actor(sd.item)) {
            Some(a) if is_armed(a.inter) || a.inter == 0 => Frame::Active,
            _ => frame,
        }
    } else {
        frame
    };

    let r = roles(ctx, s, main, &trig, sides, flags, frame);
    let sub = match sub_type(ctx, s, fam, &trig, &classes, &r, sides, flags, (erv_weapon, firearm, agent_side))? {
        Sub::Bare(sub) => return Some(finish(ctx, s, main, trig, sub, (r.a1, r.a2, r.victims), weapons, flags, weak_only, frame, sides)),
        Sub::Coded(sub) => sub,
    };
    let (a1, a2) = coded_sides(ctx, s, sub, &r, flags);
    let (victims, targets) = (r.victims, &r.targets);
    // civilians killed or hurt by a strike or an attack are the side acted upon, not an
    // armed actor merely named after the trigger ("قصف نفذته قوات النظام … بحياة
    // مدنيين"): only a marked target ("مواقع لـ", "حاجز") keeps its place
    let civilian_victims = victims.is_some_and(|v| ctx.people_class(v) == Some("civilian"));
    let strike_or_attack = matches!(rasad_model::event_type_of(sub), Some("Explosions/Remote violence" | "Violence against civilians"));
    let a2 = a2.filter(|&t| !(civilian_victims && strike_or_attack && !targets.contains(&t) && ctx.actor(t).is_some_and(|a| is_armed(a.inter))));
    Some(finish(ctx, s, main, trig, sub, (a1, a2, victims), weapons, flags, weak_only, frame, sides))
}


/// The roles read from a candidate's sides within its trigger's clause: the sides usable
/// there, the candidates for each role, and actor1/actor2 as the frame places them.
struct Roles<'s> {
    pos: usize,
    usable: Vec<&'s Side>,
    adjective: Option<usize>,
    victims: Option<usize>,
    unmarked_after: Vec<usize>,
    unmarked_before: Vec<usize>,
    targets: Vec<usize>,
    a1: Option<usize>,
    a2: Option<usize>,
}

/// Actor1, actor2 and the victims of main trigger `main` read from `sides` by their
/// markers ("بين", agent, target) and the trigger's frame.
fn roles<'s>(ctx: &Ctx, s: usize, main: usize, trig: &[usize], sides: &'s [Side], flags: &Flags, frame: Frame) -> Roles<'s> {
    let pos = ctx.items[main].start;
    // sides are read within the trigger's clause ("…، فيما اغتال مسلحون …" is another clause)
    let (clause_start, clause_end) = clause_of(ctx, s, &trig);
    let usable: Vec<&Side> = sides
        .iter()
        .filter(|sd| sd.marker != Marker::Associate && flags.cut_at.is_none_or(|c| ctx.items[sd.item].start < c))
        .filter(|sd| ctx.items[sd.item].start >= clause_start && ctx.items[sd.item].end <= clause_end)
        .collect();
    let is_actor = |sd: &&Side| matches!(ctx.side_kind(sd.item), Some(SideKind::Actor(_))) && ctx.people_class(sd.item).is_none();
    let adjective = usable
        .iter()
        .filter(|sd| matches!(ctx.side_kind(sd.item), Some(SideKind::Adjective(_))))
        .min_by_key(|sd| (ctx.items[sd.item].start as i64 - pos as i64).abs())
        .map(|sd| sd.item);
    let agent = usable.iter().filter(|sd| sd.marker == Marker::Agent && is_actor(sd)).min_by_key(|sd| (ctx.items[sd.item].start as i64 - pos as i64).abs()).map(|sd| sd.item);
    let between: Vec<usize> = usable
        .iter()
        .filter(|sd| sd.marker == Marker::Between && (is_actor(sd) || matches!(ctx.person_class(sd.item), Some("fighter" | "protester"))))
        .map(|sd| sd.item)
        .collect();
    // the victims: people named near the trigger, those whose kind is said first
    // ("مدنيين" before "آخرون")
    let victims = usable
        .iter()
        .filter(|sd| matches!(ctx.people_class(sd.item), Some("civilian" | "protester" | "suspect" | "unknown")))
        .min_by_key(|sd| (ctx.people_class(sd.item) == Some("unknown"), (ctx.items[sd.item].start as i64 - pos as i64).abs()))
        .map(|sd| sd.item);
    let unmarked_after: Vec<usize> = usable.iter().filter(|sd| matches!(sd.marker, Marker::None) && is_actor(sd) && ctx.items[sd.item].start > pos).map(|sd| sd.item).collect();
    let unmarked_before: Vec<usize> = usable.iter().filter(|sd| matches!(sd.marker, Marker::None) && is_actor(sd) && ctx.items[sd.item].start < pos).map(|sd| sd.item).collect();
    let targets: Vec<usize> = usable.iter().filter(|sd| matches!(sd.marker, Marker::Target | Marker::VictimGroup) && is_actor(sd)).map(|sd| sd.item).collect();

    let mut a1: Option<usize> = None;
    let mut a2: Option<usize> = None;
    if !between.is_empty() {
        // "بين X و Y": X is the one marked, Y the next actor after it
        let x = between[0];
        let y = sides
            .iter()
            .filter(|sd| (is_actor(sd) || matches!(ctx.person_class(sd.item), Some("fighter" | "protester"))) && ctx.items[sd.item].start > ctx.items[x].start)
            .map(|sd| sd.item)
            .next();
        a1 = Some(x);
        a2 = y;
    }
    if a1.is_none() {
        a1 = agent.or(adjective);
    }
    if a1.is_none() && frame == Frame::Active {
        a1 = unmarked_after
            .iter()
            .copied()
            .find(|&i| ctx.tokens_between(ctx.items[main].word_end, ctx.items[i].word_start) <= 6)
            .or_else(|| unmarked_before.last().copied())
            .or_else(|| unmarked_after.first().copied());
    }
    if a1.is_none() && frame == Frame::Noun {
        // genitive: "قصف قوات النظام", "هجوم لتنظيم داعش"; or the subject of a light
        // verb before the noun: "صعّدت فصائل … قصفها", "شنت قسد حملة"
        a1 = unmarked_after
            .iter()
            .copied()
            .find(|&i| ctx.tokens_between(ctx.items[main].word_end, ctx.items[i].word_start) <= 1)
            .or_else(|| unmarked_before.last().copied().filter(|&i| ctx.tokens_between(ctx.items[i].word_end, pos) <= 10));
    }
    if a2.is_none() {
        a2 = targets
            .iter()
            .copied()
            .filter(|&t| Some(t) != a1)
            .min_by_key(|&t| (ctx.items[t].start as i64 - pos as i64).abs())
            .or_else(|| match frame {
                Frame::Passive => unmarked_after.iter().chain(unmarked_before.iter().rev()).copied().find(|&i| Some(i) != a1),
                _ => unmarked_after
                    .iter()
                    .copied()
                    .find(|&i| Some(i) != a1 && a1.is_none_or(|a| ctx.items[i].start > ctx.items[a].start) && ctx.tokens_between(ctx.items[main].word_end, ctx.items[i].word_start) <= 12),
            });
    }
    if a1 == a2 {
        a2 = None;
    }
    Roles { pos, usable, adjective, victims, unmarked_after, unmarked_before, targets, a1, a2 }
}

/// A sub-type decided, or one that comes with the roles as read, skipping the protest
/// and mob re-assignment (a demolition, a raid's arrests).
enum Sub {
    Coded(&'static str),
    Bare(&'static str),
}

/// The sub-type of a candidate of family `fam` from its trigger classes, weapons
/// (`weapon`: the explosive class, firearms, an agent marker) and roles; none when a weak
/// candidate has nothing to decide it or a raid alone brought nothing.
#[allow(clippy::too_many_arguments)]
/// Only "مواجهات" name the fighting, a state's forces (or occupying forces) are one side,
/// and no armed group, militia or fighters stand against them.
fn confrontation(ctx: &Ctx, trig: &[usize], usable: &[&Side]) -> bool {
    let folded = ctx.doc.folded();
    let clash_words: Vec<&str> = trig.iter().filter(|&&i| ctx.trigger_class(i) == "Armed clash").map(|&i| &folded[ctx.items[i].start..ctx.items[i].end]).collect();
    let only_confrontations = !clash_words.is_empty() && clash_words.iter().all(|w| w.starts_with("مواجه"));
    let state = usable.iter().any(|sd| ctx.actor(sd.item).is_some_and(|a| matches!(a.inter, 1 | 8)));
    let armed_other = usable.iter().any(|sd| ctx.actor(sd.item).is_some_and(|a| matches!(a.inter, 2..=4)) || ctx.person_class(sd.item) == Some("fighter") && sd.marker != Marker::Agent);
    // two forces facing each other ("مواجهات بين قوات اللواء 444 وقوات جهاز دعم الاستقرار")
    let mut forces: Vec<&str> = usable.iter().filter_map(|sd| ctx.actor(sd.item)).filter(|a| matches!(a.inter, 1 | 8)).map(|a| a.id.as_str()).collect();
    forces.dedup();
    only_confrontations && state && !armed_other && forces.len() == 1
}

fn sub_type(ctx: &Ctx, s: usize, fam: &'static str, trig: &[usize], classes: &[&str], r: &Roles, sides: &[Side], flags: &Flags, weapon: (Option<&'static str>, bool, bool)) -> Option<Sub> {
    let (erv_weapon, firearm, agent_side) = weapon;
    let (pos, usable, adjective, victims, a1, a2) = (r.pos, &r.usable, r.adjective, r.victims, r.a1, r.a2);
    let a1_actor = a1.and_then(|i| ctx.actor(i));
    let a2_actor = a2.and_then(|i| ctx.actor(i));
    let victim_class = victims.and_then(|v| ctx.people_class(v));
    let civilians_hit = victim_class == Some("civilian") || a2_actor.is_some_and(|a| a.inter == 7);
    let fighters_hit = a2_actor.is_some_and(|a| is_armed(a.inter))
        || sides.iter().any(|sd| sd.marker == Marker::VictimGroup)
        // fighters on the receiving end: "جنود الاحتلال" firing is the agent, not a victim
        || usable.iter().any(|sd| ctx.people_class(sd.item) == Some("fighter") && sd.marker != Marker::Agent && Some(sd.item) != a1);
    let protesters = usable.iter().any(|sd| ctx.person_class(sd.item) == Some("protester") || ctx.actor(sd.item).is_some_and(|a| a.inter == 6 || a.inter == 5));
    let explicit: Option<&'static str> = trig.iter().filter_map(|&i| rasad_model::SUB_EVENT_TYPES.iter().find(|(s, _)| *s == ctx.trigger_class(i)).map(|(s, _)| *s)).next();
    let has = |c: &str| classes.contains(&c);
    let sub: &'static str = match fam {
        "Explosions/Remote violence" => {
            let base = explicit.unwrap_or("Remote explosive/landmine/IED");
            let blast_verb = trig.iter().any(|&i| ctx.trigger_class(i) == "@explosion" && matches!(ctx.items[i].hit, Hit::Trigger(t) if ctx.lex.triggers[t as usize].frame == Frame::Active));
            if blast_verb && flags.property && erv_weapon.is_none() {
                // "فجّر الجيش عدداً من المنازل": demolition
                return Some(Sub::Bare("Looting/property destruction"));
            }
            match erv_weapon {
                Some(w @ ("Suicide bomb" | "Chemical weapon" | "Air/drone strike")) => w,
                Some(w) if has("@explosion") && explicit.is_none() => w,
                Some("Remote explosive/landmine/IED") if has("@explosion") => "Remote explosive/landmine/IED",
                _ => base,
            }
        }
        "Protests" => {
            let hurt = classes.iter().any(|c| matches!(*c, "@casualty" | "@injury")) || ctx.sentence_items(s).any(|i| matches!(ctx.trigger_class(i), "@casualty"));
            let protesters_hit = victim_class == Some("protester") && (firearm || agent_side);
            if flags.intervention && hurt && firearm || protesters_hit && hurt {
                "Excessive force against protesters"
            } else if flags.intervention || has("Arrests") {
                "Protest with intervention"
            } else {
                "Peaceful protest"
            }
        }
        "Riots" => {
            let storming = trig.iter().any(|&i| ctx.doc.folded()[ctx.items[i].start..ctx.items[i].end].starts_with("اقتح"));
            let supporters = a1.is_some_and(|i| supporters_of(ctx, i));
            let armed_agent = !supporters && (a1_actor.is_some_and(|a| is_armed(a.inter)) || a1.and_then(|i| ctx.person_class(i)) == Some("fighter"));
            let civilians_act = usable.iter().any(|sd| ctx.person_class(sd.item) == Some("civilian") && ctx.items[sd.item].start < pos + 80);
            // a raid alone ("اقتحمت قوات الاحتلال مدينة جنين", "اقتحام واسع للمخيم") is a
            // deployment, no event: only the arrests, shooting or demolition it brings are
            let state_agent = a1_actor.is_some_and(|a| matches!(a.inter, 1 | 8)) || a1.is_none() && adjective.is_some();
            let raid_only = storming && !protesters && !has("@protest") && trig.iter().filter(|&&i| ctx.trigger_class(i) == "@riot").all(|&i| ctx.doc.folded()[ctx.items[i].start..ctx.items[i].end].starts_with("اقتح"));
            if raid_only && (state_agent || a1.is_none() && !civilians_act) {
                // the arrests or demolition the raid brought are the event
                let sd = ["Arrests", "Looting/property destruction"].into_iter().find(|c| has(c));
                return sd.map(Sub::Bare);
            }
            if supporters || civilians_act && !has("@protest") && !protesters && !storming {
                "Mob violence"
            } else if has("@protest") || protesters {
                "Violent demonstration"
            } else if armed_agent && storming {
                "Armed clash"
            } else if armed_agent || !civilians_act && usable.iter().any(|sd| ctx.person_class(sd.item) == Some("fighter")) {
                "Looting/property destruction"
            } else {
                "Mob violence"
            }
        }
        "Battles" if protesters && !has("@territory") => "Violent demonstration",
        // "مواجهات" of a state's forces with no armed party named against them (youths,
        // residents: "أصيب شابان برصاص الاحتلال خلال مواجهات") are a riot, as ACLED codes
        // the West Bank's confrontations; "اشتباكات" stay clashes
        "Battles" if !has("@territory") && confrontation(ctx, trig, usable) => "Violent demonstration",
        "Battles" => {
            if has("@territory") {
                // the side that took it; unnamed, the side it was taken from tells
                match (a1_actor.map(|a| a.inter), a2_actor.map(|a| a.inter)) {
                    (Some(1), _) => "Government regains territory",
                    (Some(_), _) | (None, Some(1)) => "Non-state actor overtakes territory",
                    (None, Some(_)) => "Government regains territory",
                    (None, None) => "Armed clash",
                }
            } else {
                explicit.filter(|e| *e != "Attack").unwrap_or("Armed clash")
            }
        }
        "Violence against civilians" if erv_weapon.is_some() && !firearm => erv_weapon.unwrap_or("Attack"),
        "Violence against civilians" => {
            if has("@kill") && explicit.is_none() && fighters_hit && !civilians_hit {
                "Armed clash"
            } else {
                explicit.unwrap_or("Attack")
            }
        }
        "Strategic developments" => {
            if has("@intercept") {
                "Disrupted weapons use"
            } else if has("@agreement") {
                "Agreement"
            } else {
                explicit.unwrap_or("Other")
            }
        }
        _ => {
            // weak only: weapons decide, else the victims
            if let Some(w) = erv_weapon {
                w
            } else if victim_class == Some("protester") && (firearm || agent_side) {
                "Excessive force against protesters"
            } else if a1_actor.is_some_and(|a| a.inter == 8) && has("@attack") && !firearm {
                // foreign forces striking without a named weapon: in this region, from the air
                "Air/drone strike"
            } else if protesters && has("@attack") && (a1_actor.is_some_and(|a| is_armed(a.inter)) || a1.and_then(|i| ctx.person_class(i)) == Some("fighter")) {
                // a force falling on a gathering of protesters: the protest, broken up
                "Protest with intervention"
            } else if protesters && has("@attack") {
                "Violent demonstration"
            } else if civilians_hit && !fighters_hit {
                "Attack"
            } else if has("@attack") || firearm || agent_side {
                // an armed target makes a clash, whoever else died ("هجوماً على مواقع لقسد
                // أسفر عن مقتل 18 شخصاً بينهم مدنيون")
                if civilians_hit && !fighters_hit { "Attack" } else { "Armed clash" }
            } else {
                return None;
            }
        }
    };
    Some(Sub::Coded(sub))
}

/// Actor1 and actor2 once the sub-type is known: protesters act in a protest, a mob in
/// mob violence, whatever the frame put first.
fn coded_sides(ctx: &Ctx, s: usize, sub: &'static str, r: &Roles, flags: &Flags) -> (Option<usize>, Option<usize>) {
    let (pos, usable, a1, a2) = (r.pos, &r.usable, r.a1, r.a2);
    let (unmarked_after, unmarked_before, targets) = (&r.unmarked_after, &r.unmarked_before, &r.targets);
    if rasad_model::event_type_of(sub) == Some("Protests") || sub == "Violent demonstration" {
        // protesters act; the force that intervenes (or is targeted) is actor2
        let force = [a1, a2, unmarked_after.first().copied(), unmarked_before.last().copied(), targets.first().copied()]
            .into_iter()
            .flatten()
            .find(|&i| ctx.actor(i).is_some_and(|a| is_armed(a.inter)));
        let victim_of_toll = |i: usize| {
            ctx.sentence_items(s).any(|j| matches!(ctx.trigger_class(j), "@casualty" | "@injury") && ctx.items[j].word_end <= ctx.items[i].word_start && ctx.tokens_between(ctx.items[j].word_end, ctx.items[i].word_start) <= 3)
        };
        let pro = usable.iter().find(|sd| ctx.people_class(sd.item) == Some("protester") && !victim_of_toll(sd.item)).map(|sd| sd.item);
        let keep_force = sub != "Peaceful protest" || flags.intervention;
        (pro, if keep_force { force } else { None })
    } else if sub == "Mob violence" {
        // the mob acts: named supporters, else the civilians who act ("أهالي البلدة")
        let mob = a1.filter(|&i| ctx.actor(i).is_some_and(|a| !is_armed(a.inter)) || supporters_of(ctx, i)).or_else(|| {
            usable.iter().find(|sd| ctx.people_class(sd.item) == Some("civilian") && ctx.items[sd.item].start < pos + 80).map(|sd| sd.item)
        });
        let target = a2.or_else(|| targets.first().copied()).or_else(|| usable.iter().find(|sd| ctx.people_class(sd.item) == Some("protester")).map(|sd| sd.item));
        (mob.or(a1), target.filter(|&t| Some(t) != mob))
    } else {
        (a1, a2)
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(ctx: &Ctx, s: usize, main: usize, trig: Vec<usize>, sub: &'static str, roles: (Option<usize>, Option<usize>, Option<usize>), weapons: &[usize], flags: &Flags, weak_only: bool, frame: Frame, sides: &[Side]) -> Cand {
    let (a1, a2, victims) = roles;
    Cand {
        sentence: s,
        flags: flags.clone(),
        triggers: std::iter::once(main).chain(trig.iter().copied().filter(|&i| i != main)).collect(),
        sub_event_type: sub,
        actor1: a1,
        actor2: a2,
        victims,
        weapons: weapons.to_vec(),
        background: flags.background,
        retaliation: false,
        claimant: None,
        weak_only,
        anaphoric: {
            // "الضربة", "هذه المواجهات": a definite noun names an event already told —
            // unless its sentence tells a new one (another trigger, or an explicit date)
            let definite = frame == Frame::Noun && folded_prefix(ctx, main).ends_with("ال");
            let demonstrative = matches!(prev_word(ctx.doc.folded(), ctx.items[main].word_start), "هذه" | "هذا" | "تلك" | "ذلك");
            let alone = trig.iter().all(|&i| i == main || matches!(ctx.trigger_class(i), "@casualty" | "@injury"));
            let explicit_date = ctx.dates_of(s).any(|d| d.date.is_some() && !d.relative_day);
            definite && (demonstrative || alone && !explicit_date)
        },
        elaboration: flags.elaboration,
        between: a1.is_some_and(|i| sides.iter().any(|sd| sd.item == i && sd.marker == Marker::Between)),
    }
}

/// The clause holding a group of triggers: from the last clause cue ("فيما", "في حين",
/// "كما") before its first trigger to the first one after its last trigger.
pub fn clause_of(ctx: &Ctx, s: usize, trig: &[usize]) -> (usize, usize) {
    let sent = &ctx.doc.sentences[s];
    let first = trig.iter().map(|&i| ctx.items[i].word_start).min().unwrap_or(sent.start);
    let last = trig.iter().map(|&i| ctx.items[i].word_end).max().unwrap_or(sent.end);
    let (mut start, mut end) = (None, None);
    for j in ctx.sentence_items(s) {
        if !matches!(ctx.cue(j), Some("alternative" | "clause")) {
            continue;
        }
        let c = ctx.items[j].word_start;
        if c <= first {
            start = start.max(Some(c));
        }
        if c >= last {
            end = Some(end.map_or(c, |e: usize| e.min(c)));
        }
    }
    (start.unwrap_or(sent.start), end.unwrap_or(sent.end))
}

/// "أنصار التيار الصدري": the supporters of a party, a crowd rather than its armed wing.
fn supporters_of(ctx: &Ctx, i: usize) -> bool {
    matches!(prev_word(ctx.doc.folded(), ctx.items[i].word_start), "انصار" | "مناصري" | "مويدي")
}

fn folded_prefix<'a>(ctx: &'a Ctx, i: usize) -> &'a str {
    let it = ctx.items[i];
    &ctx.doc.folded()[it.word_start..it.start]
}

/// Spans of short quotations (at most five words) in a sentence: names of operations,
/// slogans and labels ("ردع العدوان", "المجزرة"), whose words are no events.
fn short_quotes(folded: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let marks: Vec<usize> = folded[start..end].match_indices('"').map(|(k, _)| start + k).collect();
    marks
        .chunks(2)
        .filter(|c| c.len() == 2)
        .filter(|c| folded[c[0] + 1..c[1]].split_whitespace().count() <= 5)
        .map(|c| (c[0], c[1]))
        .collect()
}

#[cfg(test)]
mod by_sentence_tests {
    use super::BySentence;

    #[test]
    fn groups_keep_list_order_and_every_sentence_answers() {
        // keys out of order, a sentence with none, one past the last sentence
        let keys = [2usize, 0, 2, 1, 0, 9];
        let g = BySentence::new(4, keys.iter().copied());
        assert_eq!(g.of(0), [1, 4]);
        assert_eq!(g.of(1), [3]);
        assert_eq!(g.of(2), [0, 2]);
        assert!(g.of(3).is_empty());
        // a sentence that does not exist has nothing, rather than a panic
        assert!(g.of(4).is_empty());
        assert!(g.of(usize::MAX - 1).is_empty());
        assert!(BySentence::new(0, [].into_iter()).of(0).is_empty());
    }
}
