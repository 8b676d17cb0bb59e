//! Typed rows of each lexicon table and their validating parsers.

use crate::LexiconError;
use rasad_text::fold;

/// Which endings a pattern may carry in running text beyond what is listed.
///
/// Arabic inflects by suffix: "قصفت" (she shelled), "قصفاً" (accusative), "اعتقلوا"
/// (they arrested). Listing every form is noise; a suffix class names the set of
/// endings accepted after the pattern within the same word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffixes {
    /// Exactly the pattern (and the accusative alef of tanween, which is never a new word).
    None,
    /// Past-tense verb endings: ت، وا، ا، تا، ن، and object pronouns — but not ه alone,
    /// which after folding is also the ta marbuta of a noun ("سيطره" is control, not "controlled it").
    Verb,
    /// Noun endings: ا (tanween), ه/ها/هم (pronouns), ات (plural), ين/ان (dual/plural), ي.
    Noun,
}

impl Suffixes {
    fn parse(s: &str) -> Option<Suffixes> {
        match s {
            "" | "-" | "none" => Some(Suffixes::None),
            "v" | "verb" => Some(Suffixes::Verb),
            "n" | "noun" => Some(Suffixes::Noun),
            _ => None,
        }
    }

    /// Whether `rest` (the letters of the word after the pattern) is an accepted ending.
    pub fn accepts(self, rest: &str) -> bool {
        if rest.is_empty() || rest == "ا" {
            return true;
        }
        match self {
            Suffixes::None => false,
            Suffixes::Verb => matches!(
                rest,
                "ت" | "وا" | "تا" | "ن" | "ها" | "هم" | "هما" | "وه" | "ته" | "تها" | "تهم" | "تهما" | "اه" | "نا" | "تم" | "ي"
            ),
            Suffixes::Noun => matches!(
                rest,
                "ه" | "ها" | "هم" | "هما" | "ات" | "ين" | "ان" | "ي" | "يه" | "ته" | "تها" | "تين" | "تان" | "تي" | "اته" | "اتها" | "اتهم"
            ),
        }
    }
}

/// A side of events: state forces, armed groups, militias, foreign forces, or a generic side.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub name_en: String,
    pub inter: u8,
    /// English country name, or `*` for generic sides (civilians, protesters…).
    pub country: String,
    pub aliases_ar: Vec<String>,
    pub adjectives_ar: Vec<String>,
    pub aliases_en: Vec<String>,
    /// The first Arabic alias as written (unfolded), for display.
    pub display_ar: String,
    pub line: usize,
}

/// How a trigger's sides are found in the sentence (see `rasad-extract`'s frame stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Active verb: the subject (actor after the verb, or before it) acts on the object.
    Active,
    /// Passive or undergoer-first: the first side named is the target; the agent comes after a marker.
    Passive,
    /// A noun naming the event: agent after a marker, an adjective, or in genitive.
    Noun,
}

/// A word or phrase that reports an event.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub pattern: String,
    /// An ACLED sub-event type, or a `@class` resolved from context (see [`TRIGGER_CLASSES`]).
    pub class: String,
    pub frame: Frame,
    pub suffixes: Suffixes,
    pub line: usize,
}

/// Classes a trigger may carry instead of a fixed sub-type.
pub const TRIGGER_CLASSES: &[&str] = &[
    "@attack",    // generic attack: weapons decide, else victims (civilians → Attack, else Armed clash)
    "@explosion", // an explosion: weapons decide, default Remote explosive/landmine/IED
    "@kill",      // an active killing: civilians → Attack, fighters → Armed clash
    "@casualty",  // deaths reported: joins another trigger, or stands with a weapon
    "@injury",    // injuries reported: as @casualty
    "@protest",   // a protest: peaceful, with intervention, or excessive force from cues
    "@riot",      // a riot: violent demonstration, or mob violence when not protesters
    "@arson",     // burning (أحرق، أضرم): a riot, except in the course of a fight or bombardment told before it (part of that event)
    "@blockade",  // roads blocked, tyres burnt: a protest as ACLED codes it, not a riot
    "@territory", // control taken: non-state actor overtakes or government regains by actor1's inter
    "@intercept", // interception: disrupted weapons use
    "@agreement", // an agreement: only with a date or a past verb in the clause
    "@retaliation", // "رد على مصادر القصف": the other side answers, a separate event with sides swapped
    "@launch",    // "أطلق": an attack only with a rocket, shell or drone as its object ("أطلقت الميليشيات صاروخاً على مأرب"), not a release or a campaign
];

/// A weapon or means of attack.
#[derive(Debug, Clone)]
pub struct Weapon {
    pub pattern: String,
    pub weapon_en: String,
    /// `air`, `shelling`, `ied`, `suicide`, `grenade`, `chemical`, `firearm`, `blade`, `fire`.
    pub class: String,
    pub suffixes: Suffixes,
    pub line: usize,
}

pub const WEAPON_CLASSES: &[&str] = &["air", "shelling", "ied", "suicide", "grenade", "chemical", "firearm", "blade", "fire"];

/// A time word.
#[derive(Debug, Clone)]
pub struct TimeWord {
    pub pattern: String,
    pub kind: TimeKind,
    pub value: i32,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    /// Gregorian month 1–12 (Levantine, Egyptian and Maghrebi names).
    Month,
    /// Hijri month 1–12.
    HijriMonth,
    /// Weekday, 0 = Sunday … 6 = Saturday (the Arabic week starts on Sunday).
    Weekday,
    /// A day relative to publication: 0 today, -1 yesterday, -2 the day before.
    RelDay,
    /// Ordinal day of the month 1–31 ("العاشر").
    Ordinal,
    /// "this" (0), "last" (-1) or "next" (+1) month/week/year ("الجاري", "الماضي").
    Relative,
    /// A calendar unit: 1 day, 7 week, 30 month, 365 year.
    Unit,
    /// A part of the day (فجر، مساء…): value is the hour it starts.
    DayPart,
    /// Start (1), middle (2) or end (3) of a period ("مطلع", "منتصف", "أواخر").
    Phase,
    /// The era marker after a Hijri year ("هـ").
    HijriEra,
}

/// A number word.
#[derive(Debug, Clone)]
pub struct NumberWord {
    pub pattern: String,
    pub value: u32,
    /// `unit` 1–10, `teen` (…عشر, value is the unit), `ten` 20–90, `hundred`, `thousand`,
    /// `vague` (عشرات: many, no figure), `dual` (a dual noun counted as 2).
    pub kind: String,
    pub line: usize,
}

pub const NUMBER_KINDS: &[&str] = &["unit", "teen", "ten", "hundred", "thousand", "vague"];

/// A noun for people, with its grammatical number.
#[derive(Debug, Clone)]
pub struct Person {
    pub pattern: String,
    /// `civilian`, `fighter`, `unknown` (شخص), `protester`, `casualty` (قتيل/قتلى).
    pub class: String,
    /// 1 singular, 2 dual, 0 plural (count given elsewhere).
    pub count: u8,
    pub line: usize,
}

pub const PERSON_CLASSES: &[&str] = &["civilian", "fighter", "unknown", "protester", "casualty", "injured", "suspect"];

/// A cue word that changes how a sentence is read.
#[derive(Debug, Clone)]
pub struct Cue {
    pub pattern: String,
    pub cue: String,
    pub suffixes: Suffixes,
    pub line: usize,
}

pub const CUE_KINDS: &[&str] = &[
    "background",   // وكان … قد، في وقت سابق: an earlier event recalled
    "past_aux",     // قد after كان: completes a background cue
    "generic",      // متكرر، شبه يومي، تتعرض: habitual, not an event — unless the sentence names a day (أمس)
    "aggregate",    // منذ مطلع العام، مناطق متفرقة، ارتفع عدد: a count over many events, never one event
    "hypothetical", // قد يسهم، احتمال، تهديد: did not happen
    "negation",     // نفى: a denial
    "claim",        // تبنى: a claim of responsibility
    "agent",        // من قبل، على يد، نفذته: the next side is the agent
    "target",       // مواقع، حاجز، ضد: the next side is the target
    "intervention", // فرّق، الرصاص الحي: force against protesters
    "between",      // بين: the next two sides are the two parties
    "no_casualties",// دون وقوع إصابات: zero fatalities
    "unknown_casualties", // لم يعرف إن كان … خسائر: null fatalities
    "report",       // قال، أفاد: a reporting verb (not an event)
    "future",       // دعا إلى، سيقابل: called for or promised, not done
    "min",          // على الأقل، ما لا يقل عن: a lower bound (still the figure)
    "approx",       // نحو، قرابة: an approximation
    "associate",    // التابعة لـ، الموالية لـ، بدعم من: the next side is an ally, not a party
    "alternative",  // في حين، فيما، تحدثت … عن: a second figure for the same toll
    "opinion",      // رأى، يرى، مرجحا: an analyst's view; what follows is not reported fact
    "attempt",      // حاولت: the attack right after it did not take place (it was foiled)
    "descriptor",   // سلمية: an adjective that is also a place name, kept from being read as one
    "echo",         // دوي انفجارات، في إشارة إلى: the event is the one already reported
    "clause",       // كما، بالتزامن مع: a new clause, which may report a second event
    "toll_update",  // ارتفاع عدد الضحايا … إلى: the figure after "إلى" is the toll now
    "boilerplate",  // اقرأ أيضاً، الصورة:، تابعونا: a page's furniture opening a line; the line reports nothing
    "property",     // منازل، مباني: buildings as the object of a blast (demolition, not an attack on people)
    "death_one",    // لقي حتفه، فارق الحياة، أرداه: the grammar says one person died (when no count is given)
    "death_two",    // لقيا حتفهما، أردوهما: the grammar says two died
    "toll_object",  // حياة، أرواح: "أودى … بحياة N": the count follows this word
    "cause",        // على خلفية، حداداً على: deaths after it caused this event, they are not its toll
    "toll_neg",     // دون، لم، عدم: with a harm noun a few words on, no one was hurt (fatalities 0)
    "harm",         // إصابات، خسائر، ضحايا، حصيلة: what a toll_neg denies
    "toll_unknown", // تتضح، يعرف، حصيلة: after toll_neg, before any harm noun: the toll is unknown (null)
    "tally",        // ليبلغ، مجموع: figures after it are a running total, not the event's toll
    "addition",     // أيضاً، كذلك: after a source's reporting verb, what it says is news of its own, not detail
    "one_of",       // أحدهما، الأول: "one of them (in X)", the first half of a distributive
    "the_other",    // الآخر، الثاني: "the other (in Y)": with a one_of before it, one event at each place
    "launched",     // عملية، حملة، سراح: what "أطلق" launches when it is no projectile ("أطلقت عملية جوية")
];

/// Cells of one data line, with its line number.
struct Row<'a> {
    line: usize,
    cells: Vec<&'a str>,
}

fn rows<'a>(file: &str, text: &'a str, columns: usize) -> Result<Vec<Row<'a>>, LexiconError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r');
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
        if cells.len() != columns {
            return Err(invalid(file, line, format!("expected {columns} tab-separated columns, found {}", cells.len())));
        }
        out.push(Row { line, cells });
    }
    Ok(out)
}

fn invalid(file: &str, line: usize, message: String) -> LexiconError {
    LexiconError::Invalid { file: file.to_string(), line, message }
}

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// A pattern must fold to Arabic letters, digits, spaces, `-` and Latin letters (for
/// names the press writes in Latin script: "F-16", "HIMARS").
fn arabic_pattern(file: &str, line: usize, raw: &str) -> Result<String, LexiconError> {
    let f = fold(raw);
    if f.is_empty() {
        return Err(invalid(file, line, "empty pattern".into()));
    }
    if let Some(c) = f.chars().find(|c| !(('\u{0621}'..='\u{064A}').contains(c) || c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')) {
        return Err(invalid(file, line, format!("pattern {raw:?} has a character outside Arabic letters, digits, space and '-': {c:?}")));
    }
    Ok(f)
}

fn suffixes(file: &str, line: usize, s: &str) -> Result<Suffixes, LexiconError> {
    Suffixes::parse(s).ok_or_else(|| invalid(file, line, format!("unknown suffix class {s:?} (use -, v or n)")))
}

fn one_of(file: &str, line: usize, what: &str, s: &str, allowed: &[&str]) -> Result<String, LexiconError> {
    if allowed.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(invalid(file, line, format!("unknown {what} {s:?}; expected one of {}", allowed.join(", "))))
    }
}

pub fn parse_actors(file: &str, text: &str) -> Result<Vec<Actor>, LexiconError> {
    let mut out: Vec<Actor> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in rows(file, text, 7)? {
        let c = &r.cells;
        let id = c[0];
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(invalid(file, r.line, format!("actor id {id:?} must be snake_case ASCII")));
        }
        if !ids.insert(id.to_string()) {
            return Err(invalid(file, r.line, format!("duplicate actor id {id:?}")));
        }
        if c[1].is_empty() {
            return Err(invalid(file, r.line, "empty name_en".into()));
        }
        let inter: u8 = c[2].parse().ok().filter(|n| (1..=8).contains(n)).ok_or_else(|| invalid(file, r.line, format!("inter {:?} must be 1..8", c[2])))?;
        let mut aliases_ar = Vec::new();
        let mut adjectives_ar = Vec::new();
        for (cell, dest) in [(c[4], &mut aliases_ar), (c[5], &mut adjectives_ar)] {
            for a in list(cell) {
                let f = arabic_pattern(file, r.line, a)?;
                if let Some(prev) = seen.insert(f.clone(), r.line) {
                    return Err(invalid(file, r.line, format!("alias {a:?} already given on line {prev}")));
                }
                dest.push(f);
            }
        }
        if aliases_ar.is_empty() {
            return Err(invalid(file, r.line, "no Arabic alias".into()));
        }
        out.push(Actor {
            display_ar: list(c[4]).next().unwrap_or_default().to_string(),
            id: id.to_string(),
            name_en: c[1].to_string(),
            inter,
            country: c[3].to_string(),
            aliases_ar,
            adjectives_ar,
            aliases_en: list(c[6]).map(str::to_string).collect(),
            line: r.line,
        });
    }
    Ok(out)
}

pub fn parse_triggers(file: &str, text: &str) -> Result<Vec<Trigger>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 4)? {
        let c = &r.cells;
        let pattern = arabic_pattern(file, r.line, c[0])?;
        let class = c[1];
        if !(TRIGGER_CLASSES.contains(&class) || rasad_model_sub_type(class)) {
            return Err(invalid(file, r.line, format!("{class:?} is neither an ACLED sub-event type nor a trigger class")));
        }
        let frame = match c[2] {
            "active" => Frame::Active,
            "passive" => Frame::Passive,
            "noun" => Frame::Noun,
            f => return Err(invalid(file, r.line, format!("unknown frame {f:?} (active, passive, noun)"))),
        };
        out.push(Trigger { pattern, class: class.to_string(), frame, suffixes: suffixes(file, r.line, c[3])?, line: r.line });
    }
    Ok(out)
}

/// ACLED sub-event types (kept here so the lexicon crate does not depend on the model).
pub const SUB_TYPES: &[&str] = &[
    "Armed clash", "Government regains territory", "Non-state actor overtakes territory", "Chemical weapon",
    "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
    "Grenade", "Sexual violence", "Attack", "Abduction/forced disappearance", "Peaceful protest",
    "Protest with intervention", "Excessive force against protesters", "Violent demonstration", "Mob violence",
    "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established",
    "Looting/property destruction", "Non-violent transfer of territory", "Other",
];

fn rasad_model_sub_type(s: &str) -> bool {
    SUB_TYPES.contains(&s)
}

pub fn parse_weapons(file: &str, text: &str) -> Result<Vec<Weapon>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 4)? {
        let c = &r.cells;
        out.push(Weapon {
            pattern: arabic_pattern(file, r.line, c[0])?,
            weapon_en: c[1].to_string(),
            class: one_of(file, r.line, "weapon class", c[2], WEAPON_CLASSES)?,
            suffixes: suffixes(file, r.line, c[3])?,
            line: r.line,
        });
    }
    Ok(out)
}

pub fn parse_time(file: &str, text: &str) -> Result<Vec<TimeWord>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 3)? {
        let c = &r.cells;
        let kind = match c[1] {
            "month" => TimeKind::Month,
            "hijri_month" => TimeKind::HijriMonth,
            "weekday" => TimeKind::Weekday,
            "relday" => TimeKind::RelDay,
            "ordinal" => TimeKind::Ordinal,
            "relative" => TimeKind::Relative,
            "unit" => TimeKind::Unit,
            "daypart" => TimeKind::DayPart,
            "phase" => TimeKind::Phase,
            "hijri_era" => TimeKind::HijriEra,
            k => return Err(invalid(file, r.line, format!("unknown time kind {k:?}"))),
        };
        let value: i32 = c[2].parse().map_err(|_| invalid(file, r.line, format!("value {:?} is not an integer", c[2])))?;
        let ok = match kind {
            TimeKind::Month | TimeKind::HijriMonth => (1..=12).contains(&value),
            TimeKind::Weekday => (0..=6).contains(&value),
            TimeKind::Ordinal => (1..=31).contains(&value),
            TimeKind::Relative => (-1..=1).contains(&value),
            TimeKind::Phase => (1..=3).contains(&value),
            TimeKind::DayPart => (0..=23).contains(&value),
            _ => true,
        };
        if !ok {
            return Err(invalid(file, r.line, format!("value {value} out of range for {:?}", c[1])));
        }
        out.push(TimeWord { pattern: arabic_pattern(file, r.line, c[0])?, kind, value, line: r.line });
    }
    Ok(out)
}

pub fn parse_numbers(file: &str, text: &str) -> Result<Vec<NumberWord>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 3)? {
        let c = &r.cells;
        let value: u32 = c[1].parse().map_err(|_| invalid(file, r.line, format!("value {:?} is not a number", c[1])))?;
        out.push(NumberWord {
            pattern: arabic_pattern(file, r.line, c[0])?,
            value,
            kind: one_of(file, r.line, "number kind", c[2], NUMBER_KINDS)?,
            line: r.line,
        });
    }
    Ok(out)
}

pub fn parse_persons(file: &str, text: &str) -> Result<Vec<Person>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 3)? {
        let c = &r.cells;
        let count: u8 = c[2].parse().ok().filter(|n| *n <= 2).ok_or_else(|| invalid(file, r.line, format!("count {:?} must be 0, 1 or 2", c[2])))?;
        out.push(Person {
            pattern: arabic_pattern(file, r.line, c[0])?,
            class: one_of(file, r.line, "person class", c[1], PERSON_CLASSES)?,
            count,
            line: r.line,
        });
    }
    Ok(out)
}

pub fn parse_cues(file: &str, text: &str) -> Result<Vec<Cue>, LexiconError> {
    let mut out = Vec::new();
    for r in rows(file, text, 3)? {
        let c = &r.cells;
        out.push(Cue {
            pattern: arabic_pattern(file, r.line, c[0])?,
            cue: one_of(file, r.line, "cue", c[1], CUE_KINDS)?,
            suffixes: suffixes(file, r.line, c[2])?,
            line: r.line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_fail_with_file_and_line() {
        let e = parse_triggers("t.tsv", "# c\nقصف\tShelling/artillery/missile attack\tnoun\tn\nهجوم\tNope\tnoun\tn\n").unwrap_err();
        assert_eq!(e.to_string(), "t.tsv:3: \"Nope\" is neither an ACLED sub-event type nor a trigger class");
        let e = parse_weapons("w.tsv", "صاروخ\tmissile\tshelling\n").unwrap_err();
        assert!(e.to_string().starts_with("w.tsv:1: expected 4"), "{e}");
        let e = parse_time("x.tsv", "شباط\tmonth\t13\n").unwrap_err();
        assert!(e.to_string().contains("x.tsv:1"), "{e}");
        let e = parse_cues("c.tsv", "قصف!\tgeneric\t-\n").unwrap_err();
        assert!(e.to_string().contains("outside Arabic"), "{e}");
    }

    #[test]
    fn actor_aliases_must_be_unique_after_folding() {
        let t = "a\tA\t1\tSyria\tقوات النظام\t\t\nb\tB\t1\tSyria\tقوّات النظام\t\t\n";
        let e = parse_actors("actors.tsv", t).unwrap_err();
        assert!(e.to_string().contains("actors.tsv:2") && e.to_string().contains("line 1"), "{e}");
        let e = parse_actors("actors.tsv", "a\tA\t9\tSyria\tقسد\t\t\n").unwrap_err();
        assert!(e.to_string().contains("inter"), "{e}");
    }

    #[test]
    fn suffix_classes() {
        assert!(Suffixes::Verb.accepts("ت"));
        assert!(Suffixes::Verb.accepts("وا"));
        assert!(!Suffixes::Verb.accepts("ات"));
        assert!(Suffixes::Noun.accepts("ات"));
        assert!(Suffixes::None.accepts("ا"));
        assert!(!Suffixes::None.accepts("ه"));
    }
}
