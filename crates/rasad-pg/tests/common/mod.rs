//! Shared by the PostgreSQL tests: the server (`RASAD_TEST_PG`), a fresh database per
//! test, and synthetic reports written for these tests.
#![allow(dead_code)]

use rasad_model::{Actor, Article, Event, Location};
use rasad_pg::postgres::{Client, NoTls};

/// The test server's URL. Unset: the test is skipped on a developer machine, but under
/// CI (`CI` set) that is a failure, so CI never silently skips PostgreSQL.
pub fn server() -> Option<String> {
    match std::env::var("RASAD_TEST_PG") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but RASAD_TEST_PG is not: source scripts/ci/postgres.sh first"
            );
            eprintln!("skipped: RASAD_TEST_PG is not set (see scripts/ci/postgres.sh)");
            None
        }
    }
}

/// A URL to a new, empty database named after the test (dropped first if a previous run
/// left it).
pub fn fresh_db(name: &str) -> Option<String> {
    let url = server()?;
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (url.clone(), String::new()),
    };
    let (head, _) = base
        .rsplit_once('/')
        .expect("RASAD_TEST_PG: postgres://…/database");
    let db = format!("rasad_t_{name}");
    let mut c = Client::connect(&url, NoTls).expect("connect to RASAD_TEST_PG");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    Some(format!("{head}/{db}{query}"))
}

pub fn article(id: &str, url: Option<&str>, text: &str) -> Article {
    Article {
        id: id.into(),
        outlet: Some("سانا".into()),
        url: url.map(str::to_string),
        published: Some("2023-10-12".into()),
        title: None,
        text: text.into(),
    }
}

pub fn shelling(date: &str, place: &str, deaths: Option<u32>) -> Event {
    Event {
        event_type: "Explosions/Remote violence".into(),
        sub_event_type: "Shelling/artillery/missile attack".into(),
        date: Some(date.into()),
        country: Some("Syria".into()),
        admin1: Some("Idlib".into()),
        location: Some(Location {
            name_ar: place.into(),
            lat: Some(35.81),
            lon: Some(36.61),
            ..Default::default()
        }),
        actor1: Some(Actor {
            name: "Military Forces of Syria".into(),
            name_ar: "قوات النظام".into(),
            ..Default::default()
        }),
        actor2: Some(Actor {
            name: "Civilians".into(),
            name_ar: "مدنيين".into(),
            ..Default::default()
        }),
        fatalities: deaths,
        confidence: 0.8,
        ..Default::default()
    }
}

pub type Item = (Article, Result<Vec<Event>, String>);

/// `n` reports: every four consecutive ones tell of one shelling (its own day, one of
/// five governorates), with differing tolls; every 97th fails extraction.
pub fn reports(n: usize) -> Vec<Item> {
    const PLACES: [(&str, &str); 5] = [
        ("أريحا", "Idlib"),
        ("الأتارب", "Aleppo"),
        ("كفرنبودة", "Hama"),
        ("دوما", "Rural Damascus"),
        ("درعا البلد", "Dar'a"),
    ];
    (0..n)
        .map(|k| {
            let e = k / 4;
            let (place, admin1) = PLACES[e % PLACES.len()];
            let day = rasad_merge::civil_from_days(
                rasad_merge::days_from_civil(2020, 1, 1) + 3 * e as i64,
            );
            let mut ev = shelling(&day, place, Some(1 + (k % 4) as u32));
            ev.admin1 = Some(admin1.into());
            let a = Article {
                id: format!("rep-{k:06}"),
                outlet: Some(format!("outlet-{}", k % 4)),
                url: Some(format!("https://example.org/{k}")),
                published: Some(day.clone()),
                title: Some(format!("قصف على {place}")),
                text: format!("قصفت قوات النظام {place} يوم {day} (تقرير رقم {k})"),
            };
            let result = if k % 97 == 96 {
                Err(format!("synthetic failure {k}"))
            } else {
                Ok(vec![ev])
            };
            (a, result)
        })
        .collect()
}

/// The merged events of a store as comparable rows: (id, sources, record JSON).
pub fn snapshot(store: &mut rasad_pg::PgStore) -> Vec<(String, u32, String)> {
    let mut v: Vec<(String, u32, String)> = store
        .events(&rasad_pg::EventFilter::default(), rasad_pg::Page::ALL)
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.n_sources, serde_json::to_string(&e.event).unwrap()))
        .collect();
    v.sort();
    v
}
