//! How often the place stage finds, for a gold event of `eval/dev.jsonl` and
//! `eval/seed.jsonl`, a mention whose name matches a gold `location` form (the scorer's
//! whole-word containment after normalisation) *and* whose admin1 equals the gold admin1.
//! Prints the figures; asserts the floor reached, so a regression fails.
//!
//! Uses the curated data only (`Geocoder::curated`), so the figure does not depend on
//! whether a compiled gazetteer happens to exist on the machine.

use rasad_geo::{Geocoder, PlaceMention};
use rasad_text::Document;
use std::path::PathBuf;

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval")
}

/// The scorer's `norm_ar`: fold, punctuation to spaces, drop the article per word.
fn norm_ar(s: &str) -> Vec<String> {
    let f = rasad_text::fold(s);
    let f: String = f
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    f.split_whitespace()
        .map(|w| {
            for p in ["وال", "بال", "فال", "كال", "لل", "ال"] {
                if let Some(r) = w.strip_prefix(p) {
                    if r.chars().count() >= 2 {
                        return r.to_string();
                    }
                }
            }
            w.to_string()
        })
        .filter(|w| {
            !matches!(
                w.as_str(),
                "the" | "al" | "el" | "ar" | "as" | "ad" | "az" | "an" | "ash" | "at"
            )
        })
        .collect()
}

fn contains(outer: &[String], inner: &[String]) -> bool {
    !inner.is_empty()
        && outer.len() >= inner.len()
        && (0..=outer.len() - inner.len()).any(|k| outer[k..k + inner.len()] == *inner)
}

fn name_match(gold: &[String], m: &PlaceMention) -> bool {
    let s = norm_ar(&m.location.name_ar);
    gold.iter()
        .map(|g| norm_ar(g))
        .any(|g| contains(&g, &s) || contains(&s, &g))
}

struct Tally {
    events: usize,
    /// a mention whose normalised name *equals* a gold form, with the gold admin1
    exact: usize,
    found: usize,
    named: usize,
    named_admin1_ok: usize,
}

fn measure(
    g: &Geocoder,
    file: &str,
    misses: &mut Vec<String>,
    inexact: &mut Vec<String>,
) -> Option<Tally> {
    let path = eval_dir().join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("note: {} absent, skipping", path.display());
        return None;
    };
    let mut t = Tally {
        events: 0,
        exact: 0,
        found: 0,
        named: 0,
        named_admin1_ok: 0,
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let a: serde_json::Value = serde_json::from_str(line).expect("gold line is JSON");
        let body = a["text"].as_str().unwrap_or("");
        let doc = Document::new(body);
        let ms = g.find_places_in(&doc, body);
        for e in a["events"].as_array().into_iter().flatten() {
            let gold: Vec<String> = e["location"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let Some(admin1) = e["admin1"].as_str() else {
                continue;
            };
            if gold.is_empty() {
                continue;
            }
            t.events += 1;
            let named: Vec<&PlaceMention> = ms.iter().filter(|m| name_match(&gold, m)).collect();
            if !named.is_empty() {
                t.named += 1;
                if named
                    .iter()
                    .all(|m| m.location.admin1.as_deref() == Some(admin1))
                {
                    t.named_admin1_ok += 1;
                } else {
                    let bad: Vec<String> = named
                        .iter()
                        .filter(|m| m.location.admin1.as_deref() != Some(admin1))
                        .map(|m| format!("{}→{:?}", m.location.name_ar, m.location.admin1))
                        .collect();
                    inexact.push(format!(
                        "{} [{admin1}] a name match with another admin1: {bad:?}",
                        a["id"].as_str().unwrap_or("?")
                    ));
                }
            }
            let gold_n: Vec<Vec<String>> = gold.iter().map(|g| norm_ar(g)).collect();
            if ms.iter().any(|m| {
                m.location.admin1.as_deref() == Some(admin1)
                    && gold_n.contains(&norm_ar(&m.location.name_ar))
            }) {
                t.exact += 1;
            } else {
                let got: Vec<String> = named
                    .iter()
                    .map(|m| format!("{}→{:?}", m.location.name_ar, m.location.admin1))
                    .collect();
                inexact.push(format!(
                    "{} {:?} [{}] got {:?}",
                    a["id"].as_str().unwrap_or("?"),
                    gold,
                    admin1,
                    got
                ));
            }
            if named
                .iter()
                .any(|m| m.location.admin1.as_deref() == Some(admin1))
            {
                t.found += 1;
            } else {
                let got: Vec<String> = named
                    .iter()
                    .map(|m| format!("{}→{:?}", m.location.name_ar, m.location.admin1))
                    .collect();
                misses.push(format!(
                    "{} {:?} [{}] got {:?}",
                    a["id"].as_str().unwrap_or("?"),
                    gold,
                    admin1,
                    got
                ));
            }
        }
    }
    Some(t)
}

#[test]
fn dev_gold_places_are_found_with_their_admin1() {
    let g = Geocoder::curated().expect("curated gazetteer");
    let mut misses = Vec::new();
    let mut inexact = Vec::new();
    let (Some(dev), seed) = (
        measure(&g, "dev.jsonl", &mut misses, &mut inexact),
        measure(&g, "seed.jsonl", &mut misses, &mut inexact),
    ) else {
        return;
    };
    let seed = seed.unwrap_or(Tally {
        events: 0,
        exact: 0,
        found: 0,
        named: 0,
        named_admin1_ok: 0,
    });
    let exact = dev.exact + seed.exact;
    let events = dev.events + seed.events;
    let found = dev.found + seed.found;
    let named = dev.named + seed.named;
    let ok = dev.named_admin1_ok + seed.named_admin1_ok;
    let rate = found as f64 / events.max(1) as f64;
    println!("dev+seed gold events with a place and admin1: {events}");
    println!(
        "  found with matching name and admin1: {found} ({:.1}%)",
        100.0 * rate
    );
    println!(
        "  name matched: {named}; every name match has the gold admin1: {ok} ({:.1}%)",
        100.0 * ok as f64 / named.max(1) as f64
    );
    println!(
        "  exact (a mention equal to a gold form, with its admin1): {exact} ({:.1}%)",
        100.0 * exact as f64 / events.max(1) as f64
    );
    for m in &inexact {
        println!("  not exact: {m}");
    }
    for m in &misses {
        println!("  miss: {m}");
    }
    // held out (never tuned on): the merge set's gold events, figures only
    let (mut m3, mut i3) = (Vec::new(), Vec::new());
    if let Some(t) = measure(&g, "merge.jsonl", &mut m3, &mut i3) {
        println!(
            "held-out merge.jsonl: found {}/{} ({:.1}%), exact {}",
            t.found,
            t.events,
            100.0 * t.found as f64 / t.events.max(1) as f64,
            t.exact
        );
        for m in i3.iter().chain(m3.iter()) {
            println!("  merge: {m}");
        }
    }
    // the same with the compiled gazetteer, when this machine has one (figures only)
    if rasad_geo::compiled_path().is_some_and(|p| p.is_file()) {
        let g = Geocoder::builtin().expect("compiled gazetteer loads");
        let (mut m2, mut i2) = (Vec::new(), Vec::new());
        if let Some(d) = measure(&g, "dev.jsonl", &mut m2, &mut i2) {
            println!(
                "with the compiled gazetteer ({} entries): dev found {}/{} ({:.1}%), exact {}",
                g.entries().len(),
                d.found,
                d.events,
                100.0 * d.found as f64 / d.events.max(1) as f64,
                d.exact
            );
            for m in i2.iter().chain(m2.iter()) {
                println!("  compiled: {m}");
            }
        }
    }
    assert!(events >= 100, "the dev set shrank: {events}");
    assert!(rate >= 0.97, "place recall with admin1 fell to {:.3}", rate);
    assert!(
        exact as f64 / events as f64 >= 0.88,
        "exact place recall fell to {exact}/{events}"
    );
}
