use super::*;
use rasad_model::{Actor, Event, Location};
use serde_json::Value;
use std::path::PathBuf;

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("note: {} absent, test skipped", p.display());
        None
    }
}

/// Gold events of merge.jsonl as mentions, with their gold cluster ids.
pub(crate) fn gold_mentions() -> Option<Vec<(Mention, String)>> {
    let path = shared("eval/merge.jsonl")?;
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let doc: Value = serde_json::from_str(line).expect("merge.jsonl line");
        let id = doc["id"].as_str().unwrap_or_default().to_string();
        for (i, g) in doc["events"].as_array().into_iter().flatten().enumerate() {
            let event = rasad_model::event_from_gold(g);
            let cluster = g["cluster"].as_str().unwrap_or_default().to_string();
            out.push((
                Mention {
                    article_id: id.clone(),
                    index: i as u32,
                    event,
                },
                cluster,
            ));
        }
    }
    Some(out)
}

/// B-cubed precision and recall of system labels against gold labels.
pub(crate) fn bcubed(gold: &[String], system: &[usize]) -> (f64, f64) {
    let n = gold.len();
    let (mut p, mut r) = (0.0, 0.0);
    for i in 0..n {
        let same_sys: Vec<usize> = (0..n).filter(|&j| system[j] == system[i]).collect();
        let same_gold: Vec<usize> = (0..n).filter(|&j| gold[j] == gold[i]).collect();
        let both = same_sys.iter().filter(|&&j| gold[j] == gold[i]).count() as f64;
        p += both / same_sys.len() as f64;
        r += both / same_gold.len() as f64;
    }
    (p / n as f64, r / n as f64)
}

#[test]
fn gold_merge_set_meets_the_floor() {
    let Some(gm) = gold_mentions() else { return };
    let mentions: Vec<Mention> = gm.iter().map(|(m, _)| m.clone()).collect();
    let gold: Vec<String> = gm.iter().map(|(_, c)| c.clone()).collect();
    let labels = cluster(&mentions);
    let (p, r) = bcubed(&gold, &labels);
    let n_clusters = labels
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    println!(
        "gold merge.jsonl: {} mentions, {} clusters, B-cubed P={p:.4} R={r:.4}",
        mentions.len(),
        n_clusters
    );
    for (i, m) in mentions.iter().enumerate() {
        if gold[i] != gold[labels[i]]
            || labels
                .iter()
                .enumerate()
                .any(|(j, &l)| l == labels[i] && gold[j] != gold[i])
        {
            println!(
                "  {} -> {} (gold {})",
                m.key(),
                mentions[labels[i]].key(),
                gold[i]
            );
        }
    }
    assert!(p >= 0.95, "precision {p}");
    assert!(r >= 0.9, "recall {r}");
}

#[test]
fn clustering_ignores_input_order() {
    let Some(gm) = gold_mentions() else { return };
    let mentions: Vec<Mention> = gm.iter().map(|(m, _)| m.clone()).collect();
    let canon = |ms: &[Mention]| -> Vec<(String, String)> {
        let labels = cluster(ms);
        let mut v: Vec<(String, String)> = ms
            .iter()
            .zip(&labels)
            .map(|(m, &l)| (m.key(), ms[l].key()))
            .collect();
        v.sort();
        v
    };
    let base = canon(&mentions);
    let mut reversed = mentions.clone();
    reversed.reverse();
    assert_eq!(canon(&reversed), base);
    // Fixed-seed Fisher–Yates shuffles stand in for any arrival order.
    for seed in 1..=5u64 {
        let mut shuffled = mentions.clone();
        let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15);
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        assert_eq!(canon(&shuffled), base, "seed {seed}");
    }
}

fn ev(date: &str, place: &str, a1: &str, a2: &str, deaths: Option<u32>) -> Event {
    Event {
        event_type: "Explosions/Remote violence".into(),
        sub_event_type: "Shelling/artillery/missile attack".into(),
        date: Some(date.into()),
        country: Some("Syria".into()),
        admin1: Some("Idlib".into()),
        location: Some(Location {
            name_ar: place.into(),
            ..Default::default()
        }),
        actor1: (!a1.is_empty()).then(|| Actor {
            name_ar: a1.into(),
            ..Default::default()
        }),
        actor2: (!a2.is_empty()).then(|| Actor {
            name_ar: a2.into(),
            ..Default::default()
        }),
        fatalities: deaths,
        ..Default::default()
    }
}

fn m(article: &str, e: Event) -> Mention {
    Mention {
        article_id: article.into(),
        index: 0,
        event: e,
    }
}

#[test]
fn spelling_variants_of_one_report_merge() {
    let a = m(
        "a",
        ev(
            "2023-10-12",
            "مدينة أريحا",
            "قوات النظام",
            "مدنيين",
            Some(2),
        ),
    );
    let b = m(
        "b",
        ev("2023-10-13", "أريحا", "قوات النظام السوري", "", Some(3)),
    );
    assert!(score(&a, &b).unwrap() >= MERGE_THRESHOLD);
    let merged = merge(&[&a, &b]);
    assert_eq!(merged.fatalities, Some(2), "conservative toll");
    assert_eq!(
        merged.date.as_deref(),
        Some("2023-10-12"),
        "tie broken towards the earlier day"
    );
}

#[test]
fn different_sides_dates_places_or_articles_never_merge() {
    let a = m(
        "a",
        ev("2023-10-12", "أريحا", "قوات النظام", "مدنيين", Some(2)),
    );
    assert_eq!(
        score(
            &a,
            &m("b", ev("2023-10-12", "أريحا", "القوات الروسية", "", None))
        ),
        None
    );
    assert_eq!(
        score(
            &a,
            &m("b", ev("2023-10-14", "أريحا", "قوات النظام", "", None))
        ),
        None
    );
    assert_eq!(
        score(
            &a,
            &m("b", ev("2023-10-12", "سرمين", "قوات النظام", "", None))
        ),
        None
    );
    assert_eq!(
        score(
            &a,
            &m("a", ev("2023-10-12", "أريحا", "قوات النظام", "", None))
        ),
        None
    );
    let mut other_type = ev("2023-10-12", "أريحا", "قوات النظام", "", None);
    other_type.event_type = "Battles".into();
    assert_eq!(score(&a, &m("b", other_type)), None);
}

#[test]
fn vague_sides_and_coarse_places_are_compatible() {
    let a = m(
        "a",
        ev(
            "2023-10-12",
            "قرية الهيمو",
            "مسلحين مجهولين",
            "مدنيين",
            None,
        ),
    );
    let b = m(
        "b",
        ev(
            "2023-10-12",
            "ريف إدلب الجنوبي",
            "قوات النظام",
            "مدنيين",
            None,
        ),
    );
    assert!(score(&a, &b).is_some());
}

#[test]
fn complete_linkage_stops_day_chains() {
    let ms: Vec<Mention> = ["2023-10-10", "2023-10-11", "2023-10-12", "2023-10-13"]
        .iter()
        .enumerate()
        .map(|(i, d)| m(&format!("x{i}"), ev(d, "أريحا", "قوات النظام", "", None)))
        .collect();
    let labels = cluster(&ms);
    let distinct = labels
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert!(
        distinct >= 2,
        "four consecutive days must not become one event: {labels:?}"
    );
}

#[test]
fn dates_parse_by_precision_and_reject_junk() {
    assert_eq!(day_range("1970-01-02"), Some((1, 1)));
    let (s, e) = day_range("2024-02").unwrap();
    assert_eq!(e - s, 28);
    assert_eq!(civil_from_days(s), "2024-02-01");
    assert_eq!(day_range("2023").map(|(s, e)| e - s), Some(364));
    for junk in [
        "",
        "2023-13-01",
        "2023-02-30",
        "abc",
        "2023-1x",
        "-",
        "99999-01-01",
        "٢٠٢٣",
    ] {
        assert_eq!(day_range(junk), None, "{junk}");
    }
    assert_eq!(day_range("2024-05-14T10:00:00Z"), day_range("2024-05-14"));
}

#[test]
fn uid_is_stable_and_order_free() {
    let a = m("a", ev("2023-10-12", "أريحا", "", "", None));
    let b = m("b", ev("2023-10-12", "أريحا", "", "", None));
    assert_eq!(cluster_uid(&[&a, &b]), cluster_uid(&[&b, &a]));
    assert_ne!(cluster_uid(&[&a]), cluster_uid(&[&b]));
    assert_eq!(cluster_uid(&[&a]).len(), 16);
}

#[test]
fn a_bare_report_joins_the_only_event_it_fits_and_no_other() {
    let mut bare = ev("2023-10-12", "", "", "", None);
    bare.location = None;
    let a = m("a", ev("2023-10-12", "أريحا", "قوات النظام", "", Some(2)));
    let b = m("b", ev("2023-10-12", "أريحا", "قوات النظام", "", Some(3)));
    let x = m("x", bare.clone());
    let labels = cluster(&[a.clone(), b.clone(), x.clone()]);
    assert_eq!(labels, [0, 0, 0], "one event it can belong to");
    let c = m("c", ev("2023-10-12", "سرمين", "القوات الروسية", "", None));
    let labels = cluster(&[a, b, x, c]);
    assert_eq!(labels[2], 2, "two events could take it: it stays apart");
}
