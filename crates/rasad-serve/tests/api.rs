//! API integration tests: a real server on 127.0.0.1 over a store seeded by ingesting the
//! seed article, the dev set and the merge set with the real extractor.

mod common;
use common::*;
use serde_json::Value;

macro_rules! seeded_or_skip {
    () => {
        match seeded() {
            Some(s) => s,
            None => return,
        }
    };
}

fn events_of(v: &Value) -> &Vec<Value> {
    v["events"].as_array().expect("events array")
}

async fn all_events(s: &Server, query: &str) -> (u64, Vec<Value>) {
    let r = get(&s.url(&format!("/api/events?per_page=5000&{query}"))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    (v["total"].as_u64().unwrap(), events_of(&v).clone())
}

#[tokio::test]
async fn health_reports_the_seeded_store() {
    let s = seeded_or_skip!();
    let r = get(&s.url("/api/health")).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["status"], "ok");
    assert!(v["articles"].as_u64().unwrap() >= 89, "{v}");
    assert_eq!(v["writable"], false);
}

#[tokio::test]
async fn the_seed_events_at_al_omar_and_conoco_are_served() {
    let s = seeded_or_skip!();
    let (_, events) = all_events(s, "").await;
    let at = |needle: &str| -> Vec<&Value> {
        let n = fold(needle);
        events
            .iter()
            .filter(|e| {
                e["location"]["name_ar"]
                    .as_str()
                    .is_some_and(|x| fold(x).contains(&n))
            })
            .collect()
    };
    let omar = at("حقل العمر");
    let conoco = at("كونيكو");
    assert!(
        !omar.is_empty(),
        "no event at al-Omar among {} events",
        events.len()
    );
    assert!(
        !conoco.is_empty(),
        "no event at Conoco among {} events",
        events.len()
    );
    assert!(
        omar.iter().any(|e| e["date"] == "2024-02-28"),
        "al-Omar 2024-02-28 missing: {omar:?}"
    );
    assert!(
        conoco.iter().any(|e| e["date"] == "2024-02-10"),
        "Conoco 2024-02-10 missing: {conoco:?}"
    );
    for e in omar.iter().chain(&conoco) {
        assert_eq!(e["admin1"], "Deir ez-Zor", "{e}");
    }
}

#[tokio::test]
async fn pages_are_disjoint_and_add_up() {
    let s = seeded_or_skip!();
    let (total, all) = all_events(s, "").await;
    assert!(total >= 20, "only {total} events from 89 articles");
    assert_eq!(total as usize, all.len());
    let mut seen = Vec::new();
    let per = 7;
    for page in 1..=total.div_ceil(per) {
        let v = get(&s.url(&format!("/api/events?per_page={per}&page={page}")))
            .await
            .json();
        assert_eq!(v["total"], total);
        assert_eq!(v["page"], page);
        for e in events_of(&v) {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
    }
    let all_ids: Vec<String> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        seen, all_ids,
        "paging must walk the same order as one big page"
    );
    // The keyset cursor walks the same order.
    let mut keyset = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let q = match &after {
            Some(a) => format!("/api/events?per_page={per}&after={a}"),
            None => format!("/api/events?per_page={per}"),
        };
        let v = get(&s.url(&q)).await.json();
        assert_eq!(v["total"], total);
        for e in events_of(&v) {
            keyset.push(e["id"].as_str().unwrap().to_string());
        }
        match v["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(keyset, all_ids, "keyset pages walk the same order");
    // Newest first.
    let dates: Vec<&str> = all.iter().filter_map(|e| e["date"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // Past the end: an empty page, not an error.
    let v = get(&s.url(&format!("/api/events?per_page={per}&page=999")))
        .await
        .json();
    assert!(events_of(&v).is_empty());
}

#[tokio::test]
async fn every_filter_narrows_to_matching_events() {
    let s = seeded_or_skip!();
    let (total, _) = all_events(s, "").await;
    let check = |name: &'static str, ok: &'static dyn Fn(&Value) -> bool| (name, ok);
    type Check<'a> = (&'a str, &'a dyn Fn(&Value) -> bool);
    let cases: Vec<(String, Check)> = vec![
        (
            "event_type=Battles".into(),
            check("type", &|e| e["event_type"] == "Battles"),
        ),
        (
            format!(
                "sub_event_type={}",
                enc("Shelling/artillery/missile attack")
            ),
            check("sub", &|e| {
                e["sub_event_type"] == "Shelling/artillery/missile attack"
            }),
        ),
        (
            format!("admin1={}", enc("Deir ez-Zor")),
            check("admin1", &|e| e["admin1"] == "Deir ez-Zor"),
        ),
        (
            "country=Syria".into(),
            check("country", &|e| e["country"] == "Syria"),
        ),
        (
            "status=background".into(),
            check("status", &|e| e["status"] == "background"),
        ),
        (
            "from=2024-02-01&to=2024-02-29".into(),
            check("dates", &|e| {
                e["date"]
                    .as_str()
                    .is_some_and(|d| ("2024-02".."2024-03").contains(&d))
            }),
        ),
        (
            "bbox=39.5,34.0,41.5,36.0".into(),
            check("bbox", &|e| {
                let (lon, lat) = (
                    e["location"]["lon"].as_f64().unwrap(),
                    e["location"]["lat"].as_f64().unwrap(),
                );
                (39.5..=41.5).contains(&lon) && (34.0..=36.0).contains(&lat)
            }),
        ),
        (
            "min_confidence=0.5".into(),
            check("conf", &|e| e["confidence"].as_f64().unwrap() >= 0.5),
        ),
    ];
    for (q, (name, ok)) in &cases {
        let (n, evs) = all_events(s, q).await;
        assert!(n > 0, "{name}: {q} matched nothing");
        assert!(n <= total, "{name}");
        assert_eq!(n as usize, evs.len());
        for e in &evs {
            assert!(ok(e), "{name}: {q} let through {e}");
        }
    }
    // Filters combine with AND.
    let (both, _) = all_events(
        s,
        &format!("admin1={}&status=background", enc("Deir ez-Zor")),
    )
    .await;
    let (a, _) = all_events(s, &format!("admin1={}", enc("Deir ez-Zor"))).await;
    assert!(both <= a);
    // Actor: Arabic, matched after folding (أ/ا, ة/ه spelling differences do not matter).
    let (n, evs) = all_events(s, &format!("actor={}", enc("القوات الامريكيه"))).await;
    assert!(n > 0, "no event with the US forces as a side");
    for e in &evs {
        let sides = format!(
            "{} {} {} {}",
            e["actor1"]["name"],
            e["actor1"]["name_ar"],
            e["actor2"]["name"],
            e["actor2"]["name_ar"]
        );
        assert!(
            fold(&sides).contains(&fold("القوات الامريكيه"))
                || sides.to_lowercase().contains("united states"),
            "{sides}"
        );
    }
    // Text search over the source articles.
    let (n, _) = all_events(s, &format!("q={}", enc("كونيكو"))).await;
    assert!(n > 0 && n < total, "q=كونيكو matched {n} of {total}");
    let (n, _) = all_events(s, &format!("q={}", enc("zzzzqqqq"))).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn geojson_and_csv_render_the_same_events() {
    let s = seeded_or_skip!();
    let (total, all) = all_events(s, "").await;
    let r = get(&s.url("/api/events?format=geojson&per_page=5000")).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("application/geo+json"));
    let g = r.json();
    assert_eq!(g["type"], "FeatureCollection");
    let feats = g["features"].as_array().unwrap();
    assert_eq!(feats.len(), all.len());
    let mut located = 0;
    for (f, e) in feats.iter().zip(&all) {
        assert_eq!(f["properties"]["id"], e["id"]);
        if let Some(c) = f["geometry"]["coordinates"].as_array() {
            located += 1;
            assert_eq!(c[0], e["location"]["lon"]);
            assert_eq!(c[1], e["location"]["lat"]);
        }
    }
    assert!(located > 0, "no event has coordinates");

    let r = get(&s.url("/api/events?format=csv&per_page=5000")).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/csv"));
    let text = r.text();
    let header = text.lines().next().unwrap();
    assert_eq!(header, rasad_export::ACLED_COLUMNS.join(","));
    // Rows are CRLF-terminated; quoted fields may hold bare newlines. An event with no
    // date of its own and no dated report has no ACLED row (rasad_export::dating).
    let mut dated = 0u64;
    for e in &all {
        if e["date"].is_string() {
            dated += 1;
            continue;
        }
        let d = get(&s.url(&format!("/api/events/{}", enc(e["id"].as_str().unwrap())))).await.json();
        if d["sources"].as_array().unwrap().iter().any(|src| src["published"].as_str().is_some_and(|p| p.len() >= 10)) {
            dated += 1;
        }
    }
    assert!(dated > 0 && dated <= total);
    assert_eq!(text.matches("\r\n").count() as u64, dated + 1);
    assert!(
        text.contains(&all[0]["id"].as_str().unwrap().to_uppercase()),
        "ACLED ids embed the event id"
    );
}

#[tokio::test]
async fn an_event_lists_every_source_with_spans_and_its_sentence() {
    let s = seeded_or_skip!();
    let (_, all) = all_events(s, "").await;
    let mut multi = 0;
    for e in &all {
        let id = e["id"].as_str().unwrap();
        let r = get(&s.url(&format!("/api/events/{}", enc(id)))).await;
        assert_eq!(r.status, 200, "{id}");
        let d = r.json();
        assert_eq!(d["event"]["id"], id);
        let sources = d["sources"].as_array().unwrap();
        assert_eq!(
            sources.len() as u64,
            e["source_count"].as_u64().unwrap(),
            "{id}"
        );
        if sources.len() > 1 {
            multi += 1;
        }
        for src in sources {
            let art = get(&s.url(&format!(
                "/api/articles/{}",
                enc(src["article_id"].as_str().unwrap())
            )))
            .await
            .json();
            let text: Vec<char> = art["article"]["text"].as_str().unwrap().chars().collect();
            let sent = &src["sentence"];
            assert!(sent.is_object(), "{id}: source without a sentence: {src}");
            let (a, b) = (
                sent["start"].as_u64().unwrap() as usize,
                sent["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                text[a..b].iter().collect::<String>(),
                sent["text"].as_str().unwrap()
            );
            // Every span of the mention points inside the article.
            for (k, span) in src["mention"]["spans"].as_object().unwrap() {
                // A field's span is [start, end]; `weapons` is a list of them.
                let list = if k == "weapons" {
                    span.as_array().unwrap().clone()
                } else {
                    vec![span.clone()]
                };
                for sp in list {
                    let (x, y) = (
                        sp[0].as_u64().unwrap() as usize,
                        sp[1].as_u64().unwrap() as usize,
                    );
                    assert!(
                        x <= y && y <= text.len(),
                        "{id}: span {k} {x}..{y} outside the text"
                    );
                }
            }
            let trig = &src["mention"]["spans"]["trigger"];
            assert!(trig.is_array(), "{id}: no trigger span");
        }
    }
    assert!(
        multi > 0,
        "no event merged reports from several outlets (merge set ingested)"
    );
}

#[tokio::test]
async fn an_article_carries_its_text_and_the_spans_of_all_its_events() {
    let s = seeded_or_skip!();
    let r = get(&s.url("/api/articles/seed-000")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(v["article"]["text"].as_str().unwrap().contains("حقل العمر"));
    assert_eq!(v["article"]["published"], "2024-02-29");
    let evs = v["events"].as_array().unwrap();
    assert!(evs.len() >= 3, "seed article yields {} events", evs.len());
    for e in evs {
        let id = e["event_id"].as_str().unwrap();
        assert_eq!(
            get(&s.url(&format!("/api/events/{}", enc(id))))
                .await
                .status,
            200
        );
        assert!(e["mention"]["spans"]["trigger"].is_array());
    }
}

#[tokio::test]
async fn stats_agree_with_the_event_list() {
    let s = seeded_or_skip!();
    let (total, all) = all_events(s, "").await;
    let st = get(&s.url("/api/stats")).await.json();
    assert_eq!(st["total"], total);
    let sum = |k: &str| {
        st[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum("by_type"), total);
    let day_precise = all
        .iter()
        .filter(|e| e["date"].as_str().is_some_and(|d| d.len() == 10))
        .count() as u64;
    assert_eq!(sum("by_day"), day_precise);
    let fat: u64 = all.iter().filter_map(|e| e["fatalities"].as_u64()).sum();
    assert_eq!(st["fatalities"], fat);
    // Filtered stats count the filtered list.
    let (n, _) = all_events(s, "event_type=Battles").await;
    assert_eq!(
        get(&s.url("/api/stats?event_type=Battles")).await.json()["total"],
        n
    );
}

#[tokio::test]
async fn errors_are_json_with_status_codes() {
    let s = seeded_or_skip!();
    for (path, status, needle) in [
        ("/api/events?per_page=100000", 400, "per_page"),
        ("/api/events?from=2024-13-01", 400, "from"),
        ("/api/events?bbox=1,2", 400, "bbox"),
        ("/api/events?format=xml", 400, "format"),
        ("/api/events?after=nonsense", 400, "cursor"),
        ("/api/events?nope=1", 400, "unknown parameter"),
        ("/api/stats?page=2", 400, "unknown parameter"),
        ("/api/events/0000000000000000", 404, "not found"),
        ("/api/articles/no-such-article", 404, "not found"),
        ("/api/nope", 404, "no API route"),
    ] {
        let r = get(&s.url(path)).await;
        assert_eq!(r.status, status, "{path}: {}", r.text());
        assert!(r.content_type().starts_with("application/json"), "{path}");
        let v = r.json();
        assert_eq!(v["status"], status);
        assert!(v["error"].as_str().unwrap().contains(needle), "{path}: {v}");
    }
    // a well-formed cursor is served whatever page says (the cursor says where the page
    // starts), and whether or not it came from this listing
    let r = get(&s.url("/api/events?after=-19000.abc&page=2")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = request("DELETE", &s.url("/api/events"), &[], vec![]).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["status"], 405);
}

#[tokio::test]
async fn every_documented_operation_is_served_and_every_served_route_documented() {
    let s = seeded_or_skip!();
    let doc = get(&s.url("/api/openapi.json")).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let first = get(&s.url("/api/events?per_page=1")).await.json();
    let event_id = first["events"][0]["id"].as_str().unwrap().to_string();
    let mut n = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            n += 1;
            let concrete = if path.starts_with("/api/events/") {
                path.replace("{id}", &enc(&event_id))
            } else {
                path.replace("{id}", "seed-000")
            };
            let r = request(
                &method.to_uppercase(),
                &s.url(&concrete),
                &[("content-type", "application/json")],
                b"{}".to_vec(),
            )
            .await;
            // The seeded server is read-only: the write answers 403, every read 200.
            let want = if method == "post" { 403 } else { 200 };
            assert_eq!(r.status, want, "{method} {concrete}: {}", r.text());
        }
    }
    let routed = rasad_serve::routes::api_routes();
    assert_eq!(
        n,
        routed.len(),
        "document and router list different numbers of operations"
    );
}

#[tokio::test]
async fn the_dashboard_is_served_offline() {
    let s = seeded_or_skip!();
    let r = get(&s.url("/")).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/html"));
    if rasad_serve::assets::embedded_count() == 0 {
        eprintln!("note: dashboard not built into this binary (run scripts/setup.d/30-web.sh); skipping asset checks");
        return;
    }
    let html = r.text();
    // Every script and stylesheet is local: nothing is fetched from the internet.
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "external reference in index.html"
    );
    for asset in [
        "vendor/leaflet.js",
        "vendor/leaflet.markercluster.js",
        "vendor/topojson-client.min.js",
        "vendor/countries-50m.json",
        "app.js",
        "style.css",
        "i18n.js",
    ] {
        assert!(
            html.contains(asset) || asset.ends_with(".json"),
            "{asset} not referenced"
        );
        let r = get(&s.url(&format!("/{asset}"))).await;
        assert_eq!(r.status, 200, "{asset}");
        assert!(r.body.len() > 100, "{asset}");
    }
    let etag = get(&s.url("/app.js")).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        request(
            "GET",
            &s.url("/app.js"),
            &[("if-none-match", &etag)],
            vec![]
        )
        .await
        .status,
        304
    );
}
