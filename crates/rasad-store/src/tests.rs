use super::*;
use rasad_model::{Actor, Location, Status};

fn article(id: &str, url: Option<&str>, text: &str) -> Article {
    Article {
        id: id.into(),
        outlet: Some("سانا".into()),
        url: url.map(str::to_string),
        published: Some("2023-10-12".into()),
        title: None,
        text: text.into(),
    }
}

fn shelling(date: &str, place: &str, deaths: Option<u32>) -> Event {
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

fn db() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("rasad.db")).unwrap();
    (dir, store)
}

#[test]
fn reingest_changes_nothing() {
    let (dir, mut store) = db();
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
    let again = store.ingest_extracted(items(), Some("test")).unwrap();
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
    assert_eq!(store.counts().unwrap(), before);
    drop(store);
    // Reopening migrates nothing and keeps everything.
    let store = Store::open(dir.path().join("rasad.db")).unwrap();
    assert_eq!(store.counts().unwrap(), before);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn merged_event_keeps_every_source_and_the_conservative_toll() {
    let (_dir, mut store) = db();
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
    assert!(store.event("nope").unwrap().is_none());
    assert!(store.article("nope").unwrap().is_none());
}

#[test]
fn filters_select_and_reject() {
    let (_dir, mut store) = db();
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
    let n = |f: EventFilter| store.count_events(&f).unwrap();
    assert_eq!(n(EventFilter::default()), 2);
    assert_eq!(
        n(EventFilter {
            date_from: Some("2023-01-01".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            date_to: Some("2021-07".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            event_type: Some("protests".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            admin1: Some("idlib".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            country: Some("Iraq".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            actor: Some("قوات النظام".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            actor: Some("100%_".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            bbox: Some([36.0, 35.0, 37.0, 36.0]),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            status: Some("background".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            min_confidence: Some(0.9),
            ..Default::default()
        }),
        0
    );
    // FTS over folded text: hamza and case variants match.
    assert_eq!(
        n(EventFilter {
            text: Some("اريحا ادلب".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        n(EventFilter {
            text: Some("\"OR*".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        n(EventFilter {
            text: Some("…".into()),
            ..Default::default()
        }),
        0
    );
    assert!(store
        .count_events(&EventFilter {
            date_from: Some("yesterday".into()),
            ..Default::default()
        })
        .is_err());
    assert!(store
        .count_events(&EventFilter {
            status: Some("x".into()),
            ..Default::default()
        })
        .is_err());
    let page = store
        .events(
            &EventFilter::default(),
            Page {
                offset: 1,
                limit: 1,
            },
        )
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].event.event_type, "Protests", "newest first");
    let stats = store.stats(&EventFilter::default()).unwrap();
    assert_eq!(stats.events, 2);
    assert_eq!(stats.fatalities, 3);
    assert_eq!(stats.by_day.len(), 2);
    assert_eq!(stats.by_type.len(), 2);
}

#[test]
fn errors_are_recorded_once_and_failed_articles_retried() {
    let (_dir, mut store) = db();
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
    let errs = store.errors(0).unwrap();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].article_id.as_deref(), Some("a1"));
    let ok = store
        .ingest_extracted(vec![(article("a1", None, "نص"), Ok(vec![]))], None)
        .unwrap();
    assert_eq!(
        ok.added, 1,
        "a failed article is not stored, so a later run retries it"
    );
}

#[test]
fn readonly_open_reads_and_refuses_writes() {
    let (dir, mut store) = db();
    store
        .ingest_extracted(
            vec![(
                article("a1", None, "نص"),
                Ok(vec![shelling("2023-10-12", "أريحا", None)]),
            )],
            None,
        )
        .unwrap();
    let ro = Store::open_readonly(dir.path().join("rasad.db")).unwrap();
    assert_eq!(ro.count_events(&EventFilter::default()).unwrap(), 1);
    assert!(ro.record_error(None, None, "x").is_err());
    assert!(Store::open_readonly(dir.path().join("missing.db")).is_err());
}

#[test]
fn garbage_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("junk.db");
    std::fs::write(&p, b"this is not a database at all, just bytes \x00\xff").unwrap();
    assert!(Store::open(&p).is_err());
}

#[test]
fn a_much_reported_event_stays_one_event_in_any_order() {
    // 60 reports of one shelling (more than BIG_EVENT), plus one of another place.
    let items = |order: &[usize]| -> Vec<(Article, std::result::Result<Vec<Event>, String>)> {
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
    for (order, batch) in [(forward, 7), (backward, 1)] {
        let (_dir, mut store) = db();
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
fn a_v1_database_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&p).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO articles (id, text_hash, text, ingested_at) VALUES ('old', 'h', 'نص قديم', 0)",
            [],
        )
        .unwrap();
    }
    assert!(
        Store::open_readonly(&p).is_err(),
        "read-only refuses an old schema"
    );
    let store = Store::open(&p).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.article("old").unwrap().is_some());
    let cols: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM pragma_index_info('mentions_event')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cols, 3, "an event's reports in canonical order off the index");
    assert_eq!(store.stats(&EventFilter::default()).unwrap().events, 0);
    // A database from a newer Rasad is refused, not damaged.
    store
        .conn
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(store);
    assert!(Store::open(&p).is_err());
}

/// Many reports of a few events over a few days and places, some of them coarse-dated,
/// some without admin1: what the merge's bookkeeping must keep exact.
fn varied_items(n: usize) -> Vec<(Article, std::result::Result<Vec<Event>, String>)> {
    let places = ["أريحا", "سراقب", "بنش", "تفتناز"];
    let admin1 = [Some("Idlib"), Some("Aleppo"), None];
    (0..n)
        .map(|i| {
            let mut e = shelling(
                &format!("2023-10-{:02}", 10 + i % 4),
                places[i % places.len()],
                Some((i % 5) as u32),
            );
            e.admin1 = admin1[i % 3].map(|s| s.into());
            if i % 7 == 0 {
                e.date = Some("2023-10".into());
            }
            if i % 5 == 0 {
                e.event_type = "Battles".into();
            }
            if i % 11 == 0 {
                e.location.as_mut().unwrap().lat = None;
            }
            let mut second = e.clone();
            second.location.as_mut().unwrap().name_ar = places[(i + 1) % places.len()].into();
            second.location.as_mut().unwrap().lon = Some(36.0 + (i % 9) as f64 / 10.0);
            (
                article(&format!("v{i:03}"), None, &format!("تقرير رقم {i} عن قصف")),
                Ok(vec![e, second]),
            )
        })
        .collect()
}

/// `merge_keys` as recomputed from the mentions themselves.
fn keys_from_mentions(store: &Store) -> Vec<(String, String, i64, i64, i64, String, i64)> {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT event_type, coalesce(admin1, ''), coarse, day_start, day_end, event_uid, count(*) FROM mentions
             WHERE day_start IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
    })
    .unwrap()
    .collect::<std::result::Result<_, _>>()
    .unwrap()
}

fn keys_kept(store: &Store) -> Vec<(String, String, i64, i64, i64, String, i64)> {
    let mut stmt = store
        .conn
        .prepare("SELECT * FROM merge_keys ORDER BY 1, 2, 3, 4, 5, 6")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
    })
    .unwrap()
    .collect::<std::result::Result<_, _>>()
    .unwrap()
}

#[test]
fn merge_keys_and_aggregates_stay_exact_through_remerges() {
    let items = varied_items(120);
    // Small batches in a scrambled order: events form, grow past the big-event limit,
    // split and re-merge across batches.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (i * 37) % items.len());
    let (_dir, mut store) = db();
    for chunk in order.chunks(7) {
        let part = chunk.iter().map(|&i| items[i].clone()).collect();
        store.ingest_extracted(part, None).unwrap();
        assert_eq!(keys_kept(&store), keys_from_mentions(&store));
    }
    assert!(store.counts().unwrap().events < 120, "reports were merged");
    // An event's n_sources is its number of mentions (the merge reads it as the size).
    let off: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM events e WHERE n_sources != (SELECT count(*) FROM mentions WHERE event_uid = e.uid)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(off, 0);
    // The maintained aggregates say what a full group-by says (a filter that matches
    // every event takes the group-by path).
    let all = EventFilter {
        min_confidence: Some(-1.0),
        ..Default::default()
    };
    assert_eq!(
        store.stats(&EventFilter::default()).unwrap(),
        store.stats(&all).unwrap()
    );
    // …and what SQL's own GROUP BY says (the filtered path counts in one pass).
    let grouped = |col: &str| -> Vec<(String, u64)> {
        store
            .conn
            .prepare(&format!(
                "SELECT {col}, count(*) FROM events WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50"
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap()
    };
    let filtered = store.stats(&all).unwrap();
    assert_eq!(filtered.by_type, grouped("event_type"));
    assert_eq!(filtered.by_admin1, grouped("admin1"));
    assert_eq!(filtered.by_actor, grouped("actor1"));
    assert_eq!(
        store.count_events(&EventFilter::default()).unwrap(),
        store.count_events(&all).unwrap()
    );
    // The R*Tree and the actor index follow the rows too.
    let geo: i64 = store
        .conn
        .query_row("SELECT count(*) FROM events_geo", [], |r| r.get(0))
        .unwrap();
    let located: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(geo, located);
    let by_actor = store
        .count_events(&EventFilter {
            actor: Some("قوات النظام".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_actor, store.counts().unwrap().events);
    let indexed: i64 = store
        .conn
        .query_row("SELECT count(*) FROM events_actor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexed as u64, store.counts().unwrap().events, "one actor row per event");
}

#[test]
fn every_filter_is_served_by_an_index() {
    let (_dir, mut store) = db();
    store.ingest_extracted(varied_items(30), None).unwrap();
    let filters = [
        EventFilter {
            date_from: Some("2023-10-11".into()),
            date_to: Some("2023-10-12".into()),
            ..Default::default()
        },
        EventFilter {
            event_type: Some("battles".into()),
            ..Default::default()
        },
        EventFilter {
            sub_event_type: Some("Shelling/artillery/missile attack".into()),
            ..Default::default()
        },
        EventFilter {
            admin1: Some("idlib".into()),
            ..Default::default()
        },
        EventFilter {
            country: Some("syria".into()),
            ..Default::default()
        },
        EventFilter {
            actor: Some("قوات النظام".into()),
            ..Default::default()
        },
        EventFilter {
            status: Some("current".into()),
            ..Default::default()
        },
        EventFilter {
            min_confidence: Some(0.5),
            ..Default::default()
        },
        EventFilter {
            bbox: Some([36.0, 35.0, 37.0, 36.0]),
            ..Default::default()
        },
        EventFilter {
            text: Some("قصف".into()),
            ..Default::default()
        },
    ];
    for f in &filters {
        let (w, args) = query::where_clause_for_test(f).unwrap();
        for sql in [
            format!("SELECT uid FROM events{w} ORDER BY sort_key, uid LIMIT 100"),
            format!("SELECT count(*) FROM events{w}"),
        ] {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(args.clone()), |r| r.get(3))
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();
            let plan = plan.join("\n");
            // A plain "SCAN events" reads every row; an index, the R*Tree, the FTS
            // tables or a rowid lookup are what we want.
            assert!(
                !plan.lines().any(|l| l.trim() == "SCAN events"),
                "{f:?} scans the table:\n{plan}"
            );
            assert!(
                plan.contains("INDEX") || plan.contains("VIRTUAL TABLE") || plan.contains("INTEGER PRIMARY KEY"),
                "{f:?}:\n{plan}"
            );
        }
    }
}

#[test]
fn keyset_pages_are_the_offset_pages() {
    let (_dir, mut store) = db();
    store.ingest_extracted(varied_items(60), None).unwrap();
    for f in [
        EventFilter::default(),
        EventFilter {
            admin1: Some("Idlib".into()),
            ..Default::default()
        },
    ] {
        let all = store.events(&f, Page::ALL).unwrap();
        assert!(all.len() > 4, "{}", all.len());
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store.events_after(&f, after.as_deref(), 2).unwrap();
            seen.extend(page.events.into_iter().map(|e| e.id));
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let ids: Vec<String> = all.into_iter().map(|e| e.id).collect();
        assert_eq!(seen, ids);
    }
    for bad in ["x", "12", "1.", "1.a b", "1.'; DROP TABLE events"] {
        assert!(
            store
                .events_after(&EventFilter::default(), Some(bad), 5)
                .is_err(),
            "{bad}"
        );
    }
}

#[test]
fn a_stream_of_batches_stores_what_batch_calls_store() {
    let Ok(extractor) = rasad_extract::Extractor::new() else {
        panic!("extractor")
    };
    let places = ["أريحا", "سراقب", "بنش", "تفتناز", "معرة النعمان"];
    let articles: Vec<Article> = (0..90)
        .map(|i| {
            let mut a = article(
                &format!("s{i}"),
                None,
                &format!(
                    "قصفت قوات النظام بالمدفعية مدينة {} في ريف إدلب اليوم، ما أدى إلى مقتل {} مدنيين. (رقم {i})",
                    places[i % places.len()],
                    1 + i % 4
                ),
            );
            a.published = Some(format!("2023-10-{:02}", 1 + i % 5));
            a
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut one = Store::open(dir.path().join("batches.db")).unwrap();
    for chunk in articles.chunks(8) {
        one.ingest_articles(chunk, &extractor).unwrap();
    }
    let mut two = Store::open(dir.path().join("stream.db")).unwrap();
    let mut progressed = 0;
    let (fed, report) = two
        .ingest_stream(
            &extractor,
            3,
            |feeder| {
                let mut ok = feeder.error(Some("x.jsonl"), Some("line 3"), "broken line");
                for chunk in articles.chunks(8) {
                    ok &= feeder.batch(chunk.to_vec(), Some("x.jsonl"));
                }
                // Everything again: all duplicates.
                ok &= feeder.batch(articles[..10].to_vec(), Some("x.jsonl"));
                ok
            },
            |_, n| progressed += n,
        )
        .unwrap();
    assert!(fed);
    assert_eq!(progressed, 100);
    assert_eq!(report.added, 90);
    assert_eq!(report.duplicates, 10);
    assert_eq!(two.errors(0).unwrap().len(), 1);
    let ids = |s: &Store| -> Vec<(String, u32)> {
        s.events(&EventFilter::default(), Page::ALL)
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.n_sources))
            .collect()
    };
    assert_eq!(ids(&one), ids(&two));
    assert_eq!(keys_kept(&two), keys_from_mentions(&two));
}

#[test]
fn merge_windows_are_read_whole_up_to_the_cap_and_bounded_beyond() {
    use crate::cache::MergeKey;
    use crate::remerge::{window, WINDOW_CAP};
    let mut store = Store::open_in_memory().unwrap();
    let tx = store.conn.transaction().unwrap();
    let add = |admin1: &str, day: i64, n: usize, tag: &str| {
        for i in 0..n {
            tx.execute(
                "INSERT INTO merge_keys VALUES ('Battles', ?1, 0, ?2, ?2, ?3, 1)",
                rusqlite::params![admin1, day, format!("{tag}{i:04}")],
            )
            .unwrap();
        }
    };
    // A sparse window: 10 events on day 100, 2 the day after, 1 two days later (outside).
    add("idlib", 100, 10, "a");
    add("idlib", 101, 2, "b");
    add("idlib", 102, 1, "c");
    // A window denser than the cap: 400 events on day 200, 100 on each side; 50 in
    // another governorate the same day.
    add("idlib", 199, 100, "d");
    add("idlib", 200, 400, "e");
    add("idlib", 201, 100, "f");
    add("hama", 200, 50, "g");
    let key = |admin1: &str| MergeKey {
        event_type: "Battles".into(),
        admin1: admin1.into(),
        coarse: false,
        days: (0, 0),
    };
    let w = window(&tx, &key("idlib"), 100, 100).unwrap();
    assert_eq!(w.len(), 12, "a window under the cap is read whole: {w:?}");
    assert!(w.iter().all(|u| !u.starts_with('c')));
    let w = window(&tx, &key("idlib"), 200, 200).unwrap();
    let cap = WINDOW_CAP as usize;
    assert_eq!(w.len(), cap + 100 + 100, "the same day capped, each neighbouring day whole");
    assert!(w.iter().all(|u| !u.starts_with('g')), "another governorate stays out");
    assert_eq!(w.iter().filter(|u| u.starts_with('e')).count(), cap);
    // Without admin1 the window spans every governorate; still bounded.
    let w = window(&tx, &key(""), 200, 200).unwrap();
    assert_eq!(w.len(), cap + 100 + 100);
    // Deterministic: the same rows every time.
    assert_eq!(w, window(&tx, &key(""), 200, 200).unwrap());
}

#[test]
fn one_report_events_keep_no_second_json_and_read_back_as_merged() {
    let (_dir, mut store) = db();
    let page: i64 = store.conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 16384, "a new store gets 16 KiB pages");
    let mut two = shelling("2023-10-12", "مدينة أريحا", Some(3));
    two.weapons = vec!["mortar".into(), "artillery".into()];
    store
        .ingest_extracted(
            vec![
                (article("one", None, "نص أول"), Ok(vec![two.clone()])),
                (article("two-a", None, "نص ثان"), Ok(vec![shelling("2023-11-02", "سراقب", Some(2))])),
                (article("two-b", None, "نص ثالث"), Ok(vec![shelling("2023-11-02", "مدينة سراقب", Some(4))])),
            ],
            None,
        )
        .unwrap();
    let sizes: Vec<(i64, i64)> = store
        .conn
        .prepare("SELECT n_sources, length(json) FROM events ORDER BY n_sources")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<std::result::Result<_, _>>()
        .unwrap();
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert_eq!(sizes[0], (1, 0), "one report: no JSON of its own");
    assert!(sizes[1].0 == 2 && sizes[1].1 > 0, "two reports keep the merged JSON");
    // Read back: the record `merge` gives for the one mention, under the event's id.
    let listed = store.events(&EventFilter::default(), Page::default()).unwrap();
    let one = listed.iter().find(|e| e.n_sources == 1).unwrap();
    let mut mention = two.clone();
    mention.event_id = "one#0".into();
    let mut want = rasad_merge::merge(&[&rasad_merge::Mention {
        article_id: "one".into(),
        index: 0,
        event: mention,
    }]);
    want.event_id = one.id.clone();
    assert_eq!(one.event, want);
    assert_eq!(one.event.weapons, vec!["artillery".to_string(), "mortar".into()]);
    let detail = store.event(&one.id).unwrap().unwrap();
    assert_eq!(detail.event.event, want);
    assert_eq!(detail.sources.len(), 1);
    // A third report joins it: the record is written out merged from then on.
    store
        .ingest_extracted(
            vec![(article("one-b", None, "نص رابع"), Ok(vec![shelling("2023-10-12", "أريحا", Some(1))]))],
            None,
        )
        .unwrap();
    let after = store.event(&one.id).unwrap().unwrap();
    assert_eq!(after.event.n_sources, 2);
    assert_eq!(after.event.event.fatalities, Some(1));
    let len: i64 = store
        .conn
        .query_row("SELECT length(json) FROM events WHERE uid = ?1", [&one.id], |r| r.get(0))
        .unwrap();
    assert!(len > 0);
}

#[test]
fn a_new_mention_brings_at_most_the_cap_of_its_best_compatible_events() {
    use crate::remerge::{joining_events, COMPATIBLE_CAP};
    // Under the cap every compatible event joins, whatever its score.
    let few: Vec<(f32, String)> = (0..10).map(|i| (0.5 + i as f32, format!("e{i:03}"))).collect();
    assert_eq!(joining_events([few], COMPATIBLE_CAP).len(), 10);
    // Over it: the best scores, ties to the smaller id, deterministic whatever the order.
    let mut many: Vec<(f32, String)> = (0..100)
        .map(|i| (if i % 2 == 0 { 3.0 } else { 1.0 }, format!("e{i:03}")))
        .collect();
    let kept = joining_events([many.clone()], COMPATIBLE_CAP);
    assert_eq!(kept.len(), COMPATIBLE_CAP);
    // The 50 events scored 3.0 all join, then the 14 smallest ids scored 1.0.
    assert!((0..100).step_by(2).all(|i| kept.contains(&format!("e{i:03}"))));
    let low: Vec<&String> = kept.iter().filter(|u| u[1..].parse::<usize>().unwrap() % 2 == 1).collect();
    assert_eq!(low.len(), COMPATIBLE_CAP - 50);
    assert_eq!(low.last().unwrap().as_str(), format!("e{:03}", 2 * (COMPATIBLE_CAP - 50) - 1));
    many.reverse();
    assert_eq!(joining_events([many.clone()], COMPATIBLE_CAP), kept);
    // Each new mention has its own cap; the union joins.
    let other: Vec<(f32, String)> = vec![(0.5, "z".into())];
    let both = joining_events([many, other], COMPATIBLE_CAP);
    assert_eq!(both.len(), COMPATIBLE_CAP + 1);
}
