//! Stage *date of an event*: the article's news date, then each candidate's date, its
//! span and whether it is background.
//!
//! A candidate takes the date expression of its own sentence nearest its triggers; with
//! none it continues the paragraph's last event, else the news date. The news date is
//! what "today" means for the article, which is not always the publication date: an
//! outlet may publish days after the day its lead names.

use crate::frame::{self, Cand, Ctx};
use crate::time;
use jiff::civil::Date;
use jiff::ToSpan;
use rasad_model::Span;

/// The news date of the article.
pub fn news_date(ctx: &Ctx, cands: &[Cand], published: Option<Date>) -> Option<Date> {
    // the news date: the first dated current event of the lead, else publication
    // the news date: the first day named relative to publication in the lead (first three
    // sentences), else in the sentence of the first current event, else publication
    ctx.dates
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
        .or_else(|| ctx.dates.iter().filter(|d| d.sentence < 2).find_map(|d| d.date.filter(|r| r.precision == 1).and_then(|r| r.first_day())))
}

/// What the candidates before leave to the next one: the last date told ("في اليوم
/// نفسه" takes it) and the last current event's date with its paragraph (a sentence
/// with no date of its own continues it).
#[derive(Default)]
pub struct Carry {
    prev_date: Option<(time::Resolved, Option<Span>)>,
    prev_event_date: Option<(usize, time::Resolved, Option<Span>)>,
}

/// A candidate's date: the day, the text that names it, and whether the event is
/// background rather than the news.
pub struct CandDate {
    pub date: Option<time::Resolved>,
    pub span: Option<Span>,
    pub background: bool,
}

/// The date of candidate `cand` (which has triggers), updating `carry` for the next.
pub fn cand_date(ctx: &Ctx, cand: &Cand, news_date: Option<Date>, carry: &mut Carry) -> CandDate {
    let s = cand.sentence;
    let main = cand.triggers[0];
    // date: the expression nearest the trigger in the sentence
    // the expression nearest any trigger of the candidate ("الهجوم … الذي استهدف المطار
    // مساء أمس الجمعة"), after it rather than before
    // a death told after the attack ("توفي صباح اليوم متأثراً بجروح أصيب بها … مساء أمس")
    // dates nothing: the attack's own words do, where the candidate has any
    let acts: Vec<usize> = cand.triggers.iter().copied().filter(|&t| !matches!(ctx.trigger_class(t), "@casualty" | "@injury")).collect();
    let dated_by: &[usize] = if acts.is_empty() { &cand.triggers } else { &acts };
    let dist = |d: &time::DateExpr| {
        dated_by
            .iter()
            .map(|&t| {
                let a = ctx.items[t].start;
                if d.start >= a { ctx.tokens_between(a, d.start) * 2 } else { ctx.tokens_between(d.end, a) * 3 + 1 }
            })
            .min()
            .unwrap_or(usize::MAX)
    };
    let own = ctx
        .dates_of(s)
        // unresolved month names are no dates; an unresolved "أمس" (no publication date) is
        // a date we cannot know, and stays null
        .filter(|d| d.date.is_some() || d.same_day || d.relday);
    // "وتأتي الجريمة بعد يوم واحد من قصف …": the event told is that many days before
    // the news; a date of its own, after the trigger ("شهدتها، يوم الأربعاء 8 أيار"),
    // names that event's day itself and wins, one before it dates the news
    let before = days_before_news(ctx.doc.folded(), ctx.items[main].word_start);
    let own = own.filter(|d| before.is_none() || d.start > ctx.items[main].start).min_by_key(|d| dist(d));
    let days_before = if own.is_none() { before } else { None };
    let prev_date = carry.prev_date;
    let (date, date_span) = match own {
        None if days_before.is_some() => (news_date.and_then(|a| a.checked_sub(days_before.unwrap_or(0).days()).ok()).map(time::Resolved::day), None),
        Some(d) if d.same_day => (prev_date.map(|p| p.0), prev_date.and_then(|p| p.1)),
        Some(d) => (d.date, Some(ctx.doc.span(d.start, d.end))),
        None if cand.background || cand.retaliation && prev_date.is_some() => (if cand.retaliation { prev_date.map(|p| p.0) } else { None }, None),
        // a sentence with no date of its own continues the paragraph's last event
        // ("وشهدت مدينة شهبا وقفة احتجاجية مماثلة")
        None => match carry.prev_event_date {
            Some((para, d, sp)) if para == ctx.doc.sentences[s].paragraph => (Some(d), sp),
            _ => (news_date.map(time::Resolved::day), None),
        },
    };
    if let Some(d) = date {
        carry.prev_date = Some((d, date_span));
        if !cand.background {
            carry.prev_event_date = Some((ctx.doc.sentences[s].paragraph, d, date_span));
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
    CandDate { date, span: date_span, background }
}

/// "بعد يوم واحد من", "بعد يومين من", "بعد ثلاثة أيام من", "بعد أسبوع من", "غداة" right
/// before a trigger: the event it names came that many days before the one told.
pub(crate) fn days_before_news(folded: &str, trigger_start: usize) -> Option<i64> {
    // asked of every strong trigger: the word before settles nearly all of them
    let mut before = frame::words_before(folded, trigger_start);
    let first = before.next().unwrap_or("");
    if !matches!(first, "من" | "غداه" | "وغداه") {
        return None;
    }
    let mut words = [first, "", "", ""];
    for (slot, w) in words.iter_mut().skip(1).zip(before) {
        *slot = w;
    }
    let w = |k: usize| words[k];
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
