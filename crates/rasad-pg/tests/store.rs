//! The SQLite store's behaviours (crates/rasad-store/src/tests.rs) on PostgreSQL, plus
//! the PostgreSQL-only parts: migrations table, hostile text, an index for each filter.

mod common;

use common::{article, fresh_db, shelling};
use rasad_model::{Actor, Status};
use rasad_pg::{EventFilter, Page, PgStore, SCHEMA_VERSION};

#[test]
fn reingest_changes_nothing() {
    let Some(url) = fresh_db("reingest") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let items = || {
        vec![
            (
                article("a1", Some("http://x/1"), "قصفت قوات النظام مدينة أريحا"),
                Ok(vec![shelling("2023-10-12", "أريحا", Some(3))]),
            ),
            (
                article("a2", None, "قتل مدنيان بقصف على أريحا"),
                Ok(vec![shelling("2023-10-12", "مدينة أريحا", Some(2))]),
            ),
        ]
    };
    let first = store.ingest_extracted(items(), Some("test")).unwrap();
    assert_eq!((first.added, first.mentions), (2, 2));
    let before = store.counts().unwrap();
    assert_eq!(
        before.events, 1,
        "two reports of one shelling are one event"
    );
    let mut reader = PgStore::open_existing(&url).unwrap();
    let v = reader.data_version().unwrap();
    assert!(v > 0);
    reader.count_events(&EventFilter::default()).unwrap();
    assert_eq!(reader.data_version().unwrap(), v, "reads change nothing");
    let again = store.ingest_extracted(items(), Some("test")).unwrap();
    assert!(
        reader.data_version().unwrap() > v,
        "a committed batch is seen by other connections"
    );
    assert_eq!((again.added, again.duplicates), (0, 2));
    // Same text with other diacritics/hamza under another id and URL is the same article.
    let variant = vec![(
        article("zz", Some("http://y/9"), "قَصفت قوات النظام مدينة اريحا"),
        Ok(vec![]),
    )];
    assert_eq!(store.ingest_extracted(variant, None).unwrap().duplicates, 1);
    // Same URL with other text is the same article too.
    let same_url = vec![(
        article("other", Some("http://x/1"), "نص آخر تماما"),
        Ok(vec![]),
    )];
    assert_eq!(
        store.ingest_extracted(same_url, None).unwrap().duplicates,
        1
    );
    // The same article twice within one batch is stored once.
    let twice = vec![
        (article("t1", None, "خبر مكرر في الدفعة"), Ok(vec![])),
        (article("t2", None, "خبر مكرر في الدفعة"), Ok(vec![])),
    ];
    let r = store.ingest_extracted(twice, None).unwrap();
    assert_eq!((r.added, r.duplicates), (1, 1));
    let mut after = before;
    after.articles += 1;
    assert_eq!(store.counts().unwrap(), after);
    assert!(store
        .contains(&article("x", None, "خبر مكرر في الدفعة"))
        .unwrap());
    assert!(store.has_article_key("http://x/1").unwrap());
    assert!(!store.has_article_key("http://x/404").unwrap());
    drop(store);
    // Reconnecting migrates nothing and keeps everything.
    let mut store = PgStore::open(&url).unwrap();
    assert_eq!(store.counts().unwrap(), after);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn merged_event_keeps_every_source_and_the_conservative_toll() {
    let Some(url) = fresh_db("merged") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    store
        .ingest_extracted(
            vec![
                (
                    article("a1", Some("http://x/1"), "نص أول"),
                    Ok(vec![shelling("2023-10-12", "أريحا", Some(3))]),
                ),
                (
                    article("a2", Some("http://x/2"), "نص ثان"),
                    Ok(vec![shelling("2023-10-13", "أريحا", Some(2))]),
                ),
            ],
            None,
        )
        .unwrap();
    let events = store
        .events(&EventFilter::default(), Page::default())
        .unwrap();
    assert_eq!(events.len(), 1);
    let detail = store.event(&events[0].id).unwrap().unwrap();
    assert_eq!(detail.sources.len(), 2);
    assert_eq!(detail.event.event.fatalities, Some(2));
    assert_eq!(detail.event.n_sources, 2);
    let ids: Vec<&str> = detail
        .sources
        .iter()
        .map(|s| s.article_id.as_str())
        .collect();
    assert_eq!(ids, ["a1", "a2"]);
    let art = store.article("a2").unwrap().unwrap();
    assert_eq!(art.events[0].0, events[0].id);
    assert_eq!(art.events[0].1.event_id, "a2#0");
    assert_eq!(art.article.text, "نص ثان");
    assert!(store.event("nope").unwrap().is_none());
    assert!(store.article("nope").unwrap().is_none());
    // The mentions dump carries merged ids.
    let mut dump = Vec::new();
    store
        .mentions_by_article(|id, evs| {
            dump.push((
                id.to_string(),
                evs.iter().map(|e| e.event_id.clone()).collect::<Vec<_>>(),
            ));
            Ok(())
        })
        .unwrap();
    assert_eq!(dump.len(), 2);
    assert!(dump.iter().all(|(_, e)| e == &[events[0].id.clone()]));
}

#[test]
fn filters_select_and_reject() {
    let Some(url) = fresh_db("filters") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let mut protest = shelling("2021-07-03", "البصرة", None);
    protest.event_type = "Protests".into();
    protest.sub_event_type = "Peaceful protest".into();
    protest.country = Some("Iraq".into());
    protest.admin1 = Some("Basra".into());
    protest.status = Status::Background;
    protest.location.as_mut().unwrap().lat = Some(30.5);
    protest.location.as_mut().unwrap().lon = Some(47.8);
    protest.actor1 = Some(Actor {
        name: "Protesters (Iraq)".into(),
        name_ar: "محتجون".into(),
        ..Default::default()
    });
    store
        .ingest_extracted(
            vec![
                (
                    article("a1", None, "قصف مدفعي على أريحا في إدلب"),
                    Ok(vec![shelling("2023-10-12", "أريحا", Some(3))]),
                ),
                (
                    article("a2", None, "تظاهر محتجون في البصرة"),
                    Ok(vec![protest]),
                ),
            ],
            None,
        )
        .unwrap();
    let mut n = |f: EventFilter| store.count_events(&f).unwrap();
    let f = EventFilter::default;
    assert_eq!(n(f()), 2);
    assert_eq!(
        n(EventFilter {
            date_from: Some("2023-01-01".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            date_to: Some("2021-07".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            event_type: Some("protests".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            sub_event_type: Some("PEACEFUL PROTEST".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            admin1: Some("idlib".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            country: Some("Iraq".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            actor: Some("قوات النظام".into()),
            ..f()
        }),
        1
    );
    // Spelling variants of the actor fold together (hamza on alef).
    assert_eq!(
        n(EventFilter {
            actor: Some("محتجون".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            actor: Some("100%_".into()),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            bbox: Some([36.0, 35.0, 37.0, 36.0]),
            ..f()
        }),
        1
    );
    // Corners in either order, edges included.
    assert_eq!(
        n(EventFilter {
            bbox: Some([37.0, 36.0, 36.61, 35.81]),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            bbox: Some([0.0, 0.0, 1.0, 1.0]),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            status: Some("background".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            min_confidence: Some(0.9),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            min_confidence: Some(0.5),
            ..f()
        }),
        2
    );
    // Full text over folded words: hamza and case variants match; all words must occur.
    assert_eq!(
        n(EventFilter {
            text: Some("اريحا ادلب".into()),
            ..f()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            text: Some("أريحا البصرة".into()),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            text: Some("\"OR*".into()),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            text: Some("…".into()),
            ..f()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            text: Some("أريحا' OR 1=1 --".into()),
            ..f()
        }),
        0
    );
    // Filters combine.
    assert_eq!(
        n(EventFilter {
            country: Some("syria".into()),
            status: Some("current".into()),
            date_to: Some("2023".into()),
            ..f()
        }),
        1
    );
    assert!(store
        .count_events(&EventFilter {
            date_from: Some("yesterday".into()),
            ..f()
        })
        .is_err());
    assert!(store
        .count_events(&EventFilter {
            status: Some("x".into()),
            ..f()
        })
        .is_err());
    let page = store
        .events(
            &f(),
            Page {
                offset: 1,
                limit: 1,
            },
        )
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].event.event_type, "Protests", "newest first");
    let stats = store.stats(&f()).unwrap();
    assert_eq!(stats.events, 2);
    assert_eq!(stats.fatalities, 3);
    assert_eq!(stats.by_day.len(), 2);
    assert_eq!(stats.by_type.len(), 2);
    let iraq = store
        .stats(&EventFilter {
            country: Some("Iraq".into()),
            ..f()
        })
        .unwrap();
    assert_eq!((iraq.events, iraq.fatalities), (1, 0));
    assert_eq!(iraq.by_admin1, [("Basra".to_string(), 1)]);
    // The cursor walk sees the same events as one page of all.
    let mut walked = Vec::new();
    store
        .for_each_event(&f(), |e| {
            walked.push(e.id);
            Ok(())
        })
        .unwrap();
    let all: Vec<String> = store
        .events(&f(), Page::ALL)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(walked, all);
    // Details oldest first, each with its sources, as `event` gives them.
    let mut details = Vec::new();
    store
        .for_each_detail(&f(), |d| {
            details.push(d);
            Ok(())
        })
        .unwrap();
    let ids: Vec<String> = details.iter().map(|d| d.event.id.clone()).collect();
    let mut oldest_first = all.clone();
    oldest_first.reverse();
    assert_eq!(ids, oldest_first);
    for d in &details {
        assert_eq!(Some(d), store.event(&d.event.id).unwrap().as_ref());
    }
    let syria = EventFilter {
        country: Some("syria".into()),
        ..f()
    };
    assert_eq!(store.for_each_detail(&syria, |_| Ok(())).unwrap(), 1);
}

#[test]
fn errors_are_recorded_once_and_failed_articles_retried() {
    let Some(url) = fresh_db("errors") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let bad = || vec![(article("a1", None, "نص"), Err("boom".to_string()))];
    assert_eq!(
        store
            .ingest_extracted(bad(), Some("f.jsonl"))
            .unwrap()
            .failed,
        1
    );
    assert_eq!(
        store
            .ingest_extracted(bad(), Some("f.jsonl"))
            .unwrap()
            .failed,
        1
    );
    store.record_error(None, None, "unreadable").unwrap();
    store.record_error(None, None, "unreadable").unwrap();
    let errs = store.errors(0).unwrap();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[1].article_id.as_deref(), Some("a1"));
    assert_eq!(errs[0].message, "unreadable", "newest first");
    assert_eq!(store.errors(1).unwrap().len(), 1);
    let ok = store
        .ingest_extracted(vec![(article("a1", None, "نص"), Ok(vec![]))], None)
        .unwrap();
    assert_eq!(
        ok.added, 1,
        "a failed article is not stored, so a later run retries it"
    );
}

#[test]
fn a_much_reported_event_stays_one_event_in_any_order() {
    // 60 reports of one shelling (more than BIG_EVENT), plus one of another place.
    let items = |order: &[usize]| -> Vec<common::Item> {
        order
            .iter()
            .map(|&i| {
                let place = if i == 60 { "سرمين" } else { "أريحا" };
                let date = if i % 2 == 0 {
                    "2023-10-12"
                } else {
                    "2023-10-13"
                };
                (
                    article(&format!("r{i:03}"), None, &format!("تقرير {i} عن القصف")),
                    Ok(vec![shelling(date, place, Some(2 + (i % 3) as u32))]),
                )
            })
            .collect()
    };
    let forward: Vec<usize> = (0..=60).collect();
    let mut backward = forward.clone();
    backward.reverse();
    let mut results = Vec::new();
    for (name, order, batch) in [("big_fwd", forward, 7), ("big_back", backward, 1)] {
        let Some(url) = fresh_db(name) else { return };
        let mut store = PgStore::open(&url).unwrap();
        for chunk in order.chunks(batch) {
            store.ingest_extracted(items(chunk), None).unwrap();
        }
        let events = store.events(&EventFilter::default(), Page::ALL).unwrap();
        let mut shape: Vec<(u32, Option<u32>)> = events
            .iter()
            .map(|e| (e.n_sources, e.event.fatalities))
            .collect();
        shape.sort();
        assert_eq!(
            shape,
            [(1, Some(2)), (60, Some(2))],
            "one big event and the other place"
        );
        let big = events.iter().find(|e| e.n_sources == 60).unwrap();
        assert_eq!(store.event(&big.id).unwrap().unwrap().sources.len(), 60);
        let mut ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        ids.sort();
        results.push(ids);
    }
    assert_eq!(results[0], results[1], "same ids whatever the order");
}

#[test]
fn migrations_are_recorded_and_a_newer_database_refused() {
    let Some(url) = fresh_db("migrations") else {
        return;
    };
    assert!(
        PgStore::open_existing(&url).is_err(),
        "readers refuse an unmigrated database"
    );
    let mut store = PgStore::open(&url).unwrap();
    assert_eq!(
        store.migrate().unwrap(),
        Vec::<i64>::new(),
        "nothing left to apply"
    );
    let rows = store
        .client()
        .query("SELECT version FROM rasad_migrations ORDER BY version", &[])
        .unwrap();
    let versions: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(versions, (1..=SCHEMA_VERSION as i32).collect::<Vec<_>>());
    PgStore::open_existing(&url).unwrap();
    // Two processes migrating a fresh database at once: one creates, the other waits.
    let Some(url2) = fresh_db("migrations_race") else {
        return;
    };
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let u = url2.clone();
            std::thread::spawn(move || PgStore::open(&u).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    // A database from a newer Rasad is refused, not damaged.
    store
        .client()
        .execute(
            "INSERT INTO rasad_migrations (version) VALUES ($1)",
            &[&(SCHEMA_VERSION as i32 + 1)],
        )
        .unwrap();
    drop(store);
    assert!(PgStore::open(&url).is_err());
    assert!(PgStore::open_existing(&url).is_err());
}

#[test]
fn hostile_text_is_stored_not_fatal() {
    let Some(url) = fresh_db("hostile") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let mut nul = article("nul\0id", Some("http://x/\0"), "قصف\0على أريحا");
    nul.title = Some("عنوان\0".into());
    let mut ev = shelling("2023-10-12", "أريحا\0", Some(1));
    ev.notes = "note with \0 inside".into();
    let huge_text =
        "كلمة ".repeat(400_000) + &(0..60_000).map(|i| format!("w{i} ")).collect::<String>();
    let mut bad_coords = shelling("2023-11-01", "مكان", None);
    bad_coords.location.as_mut().unwrap().lat = Some(f64::NAN);
    let r = store
        .ingest_extracted(
            vec![
                (nul, Ok(vec![ev])),
                (article("huge", None, &huge_text), Ok(vec![bad_coords])),
                (article("", None, "مقال بلا معرف"), Ok(vec![])),
            ],
            Some("src\0"),
        )
        .unwrap();
    assert_eq!(r.added, 3);
    let a = store.article("nul id").unwrap().unwrap();
    assert_eq!(a.article.text.len(), "قصف\0على أريحا".len(), "offsets kept");
    // Searchable, up to the indexed prefix (512 KiB: PostgreSQL's tsvector limit is 1 MB).
    let text = |t: &str| EventFilter {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(store.count_events(&text("كلمة")).unwrap(), 1);
    assert_eq!(store.count_events(&text("w59999")).unwrap(), 0);
    assert_eq!(
        store
            .count_events(&EventFilter {
                bbox: Some([-180.0, -90.0, 180.0, 90.0]),
                ..Default::default()
            })
            .unwrap(),
        1,
        "NaN coordinates match no box"
    );
    assert_eq!(store.counts().unwrap().articles, 3);
}

#[test]
fn every_filter_has_an_index() {
    let Some(url) = fresh_db("plans") else { return };
    let mut store = PgStore::open(&url).unwrap();
    store.ingest_extracted(common::reports(400), None).unwrap();
    store.analyze().unwrap();
    let filters: Vec<(&str, &str, EventFilter)> = vec![
        (
            "date",
            "events_day",
            EventFilter {
                date_from: Some("2020-02-01".into()),
                date_to: Some("2020-02-10".into()),
                ..Default::default()
            },
        ),
        (
            "type",
            "events_type",
            EventFilter {
                event_type: Some("battles".into()),
                ..Default::default()
            },
        ),
        (
            "sub-type",
            "events_sub_type",
            EventFilter {
                sub_event_type: Some("Armed clash".into()),
                ..Default::default()
            },
        ),
        (
            "admin1",
            "events_admin1",
            EventFilter {
                admin1: Some("hama".into()),
                ..Default::default()
            },
        ),
        (
            "country",
            "events_country",
            EventFilter {
                country: Some("yemen".into()),
                ..Default::default()
            },
        ),
        (
            "actor",
            "events_actors",
            EventFilter {
                actor: Some("قوات النظام".into()),
                ..Default::default()
            },
        ),
        (
            "status",
            "events_status",
            EventFilter {
                status: Some("background".into()),
                ..Default::default()
            },
        ),
        (
            "confidence",
            "events_confidence",
            EventFilter {
                min_confidence: Some(0.95),
                ..Default::default()
            },
        ),
        (
            "bbox",
            "events_point",
            EventFilter {
                bbox: Some([36.0, 35.0, 36.5, 35.5]),
                ..Default::default()
            },
        ),
        (
            "text",
            "articles_search",
            EventFilter {
                text: Some("الأتارب رقم 123".into()),
                ..Default::default()
            },
        ),
    ];
    for (name, index, f) in filters {
        let plan = store.explain_count(&f, true).unwrap();
        assert!(
            !plan.contains("Seq Scan") && plan.contains(index),
            "{name}: not served by {index}:\n{plan}"
        );
        eprintln!(
            "{name}: {}",
            plan.lines()
                .filter(|l| l.contains("Index"))
                .collect::<Vec<_>>()
                .join(" / ")
        );
    }
}
