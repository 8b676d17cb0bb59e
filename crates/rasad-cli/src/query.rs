//! `rasad query`: filtered events from the store as a table (or JSON lines).
//!
//! The filter flags are shared with `rasad export` ([`FilterArgs`]).

use std::path::PathBuf;

use anyhow::Context;
use rasad_store::{EventFilter, Page};

/// Event filters common to `query` and `export`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD, YYYY-MM or YYYY), inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, YYYY-MM or YYYY), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// Event type, e.g. "Battles".
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// Sub-event type, e.g. "Air/drone strike".
    #[arg(long = "sub-type")]
    pub sub_event_type: Option<String>,
    /// Part of either side's name, Arabic or English (spelling variants folded).
    #[arg(long)]
    pub actor: Option<String>,
    #[arg(long)]
    pub country: Option<String>,
    /// Governorate/province (canonical English name).
    #[arg(long)]
    pub admin1: Option<String>,
    /// Bounding box "min_lon,min_lat,max_lon,max_lat".
    #[arg(long)]
    pub bbox: Option<String>,
    /// current or background.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub min_confidence: Option<f32>,
    /// Words that must all occur in a source article (full-text, folded Arabic).
    #[arg(long)]
    pub text: Option<String>,
}

impl FilterArgs {
    pub fn to_filter(&self) -> anyhow::Result<EventFilter> {
        let bbox = match &self.bbox {
            None => None,
            Some(b) => {
                let v: Vec<f64> = b
                    .split(',')
                    .map(|x| x.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .with_context(|| {
                        format!("--bbox {b:?}: want four numbers min_lon,min_lat,max_lon,max_lat")
                    })?;
                let [a, b2, c, d] = v[..] else {
                    anyhow::bail!("--bbox {b:?}: want four numbers")
                };
                Some([a, b2, c, d])
            }
        };
        Ok(EventFilter {
            date_from: self.from.clone(),
            date_to: self.to.clone(),
            event_type: self.event_type.clone(),
            sub_event_type: self.sub_event_type.clone(),
            actor: self.actor.clone(),
            country: self.country.clone(),
            admin1: self.admin1.clone(),
            bbox,
            status: self.status.clone(),
            min_confidence: self.min_confidence,
            text: self.text.clone(),
        })
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The store.
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Rows to print (0 = all).
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
    #[arg(long, default_value_t = 0, conflicts_with = "after")]
    pub offset: u64,
    /// Keyset cursor: list the events after this one (the `next:` line of the previous
    /// page); deep pages cost what the first does.
    #[arg(long)]
    pub after: Option<String>,
    /// One JSON object per event (with sources) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Open an existing store (SQLite file or PostgreSQL, see `db.rs`) for reading, with a
/// clear message when it is missing.
pub fn open_existing(db: &PathBuf) -> anyhow::Result<crate::db::Db> {
    crate::db::Db::open_existing(db)
}

/// `s` cut to `n` characters (with an ellipsis), padded to `n`.
fn cell(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count > n {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    } else {
        format!("{s}{}", " ".repeat(n - count))
    }
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let mut store = open_existing(&args.db)?;
    let filter = args.filter.to_filter()?;
    let total = store.count_events(&filter)?;
    let (events, next) = match &args.after {
        Some(after) => {
            let page = store.events_after(&filter, Some(after), args.limit)?;
            (page.events, page.next)
        }
        None => {
            let events = store.events(
                &filter,
                Page {
                    offset: args.offset,
                    limit: args.limit,
                },
            )?;
            // The cursor of the last row, so the next page can be asked for by keyset.
            let next = match events.last() {
                Some(e) if args.limit > 0 && events.len() as u64 == args.limit => {
                    Some(e.cursor())
                }
                _ => None,
            };
            (events, next)
        }
    };
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    if args.json {
        for e in &events {
            if let Some(d) = store.event(&e.id)? {
                serde_json::to_writer(&mut out, &d)?;
                writeln!(out)?;
            }
        }
        return Ok(0);
    }
    let cols: [(&str, usize); 9] = [
        ("id", 16),
        ("date", 10),
        ("type", 26),
        ("admin1", 14),
        ("location", 22),
        ("actor1", 28),
        ("actor2", 28),
        ("dead", 4),
        ("src", 3),
    ];
    let header: Vec<String> = cols.iter().map(|(h, w)| cell(h, *w)).collect();
    writeln!(out, "{}", header.join("  "))?;
    for e in &events {
        let ev = &e.event;
        let actor = |a: &Option<rasad_model::Actor>| {
            a.as_ref()
                .map(|a| {
                    if a.name.is_empty() {
                        a.name_ar.clone()
                    } else {
                        a.name.clone()
                    }
                })
                .unwrap_or_default()
        };
        let loc = ev
            .location
            .as_ref()
            .map(|l| l.name.as_deref().unwrap_or(&l.name_ar).to_string())
            .unwrap_or_default();
        let values = [
            e.id.clone(),
            ev.date.clone().unwrap_or_default(),
            if ev.sub_event_type.is_empty() {
                ev.event_type.clone()
            } else {
                ev.sub_event_type.clone()
            },
            ev.admin1.as_deref().unwrap_or_default().to_string(),
            loc,
            actor(&ev.actor1),
            actor(&ev.actor2),
            ev.fatalities.map(|f| f.to_string()).unwrap_or_default(),
            e.n_sources.to_string(),
        ];
        let row: Vec<String> = values
            .iter()
            .zip(cols.iter())
            .map(|(v, (_, w))| cell(v, *w))
            .collect();
        writeln!(out, "{}", row.join("  ").trim_end())?;
    }
    writeln!(out, "{} of {} events", events.len(), total)?;
    if let Some(n) = next {
        writeln!(out, "next: --after {n}")?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cut_and_pad_by_characters() {
        assert_eq!(cell("أريحا", 7), "أريحا  ");
        assert_eq!(cell("قوات النظام السوري", 5), "قوات…");
    }

    #[test]
    fn bbox_parses_or_fails_cleanly() {
        let f = FilterArgs {
            bbox: Some("36, 35,37,36.5".into()),
            ..Default::default()
        };
        assert_eq!(f.to_filter().unwrap().bbox, Some([36.0, 35.0, 37.0, 36.5]));
        for bad in ["1,2,3", "a,b,c,d", "1,2,3,4,5", ""] {
            let f = FilterArgs {
                bbox: Some(bad.into()),
                ..Default::default()
            };
            assert!(f.to_filter().is_err(), "{bad}");
        }
    }
}
