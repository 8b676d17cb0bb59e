//! Writes: `POST /api/articles` needs the bearer token, bounds its body, and stores what
//! it extracts while readers keep being answered.

mod common;
use common::*;

const TOKEN: &str = "t0ken-for-tests";

fn writable(name: &str) -> Server {
    let mut cfg = rasad_serve::Config::new(scratch(name).join("rasad.db"));
    cfg.write_token = Some(TOKEN.into());
    start(cfg)
}

fn auth() -> String {
    format!("Bearer {TOKEN}")
}

#[tokio::test]
async fn a_read_only_server_refuses_writes() {
    let s = start(rasad_serve::Config::new(scratch("ro").join("rasad.db")));
    let body = r#"{"id":"x","text":"نص"}"#.as_bytes().to_vec();
    let r = request(
        "POST",
        &s.url("/api/articles"),
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer anything"),
        ],
        body,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("read-only"));
    assert_eq!(get(&s.url("/api/health")).await.json()["writable"], false);
}

#[tokio::test]
async fn writes_need_the_right_bearer_token() {
    let s = writable("auth");
    let body = r#"{"id":"x","text":"نص"}"#.as_bytes().to_vec();
    for h in [
        None,
        Some("Bearer wrong"),
        Some("Basic dDBrZW4="),
        Some(TOKEN),
    ] {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(h) = h {
            headers.push(("authorization", h));
        }
        let r = request("POST", &s.url("/api/articles"), &headers, body.clone()).await;
        assert_eq!(r.status, 401, "{h:?}: {}", r.text());
        assert_eq!(r.headers["www-authenticate"], "Bearer");
    }
    assert_eq!(
        get(&s.url("/api/health")).await.json()["articles"],
        0,
        "a refused write stored something"
    );
}

#[tokio::test]
async fn bad_bodies_are_refused_with_clear_codes() {
    let s = writable("bodies");
    let a = auth();
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("application/json", b"{not json".to_vec(), 400),
        ("application/json", b"[]".to_vec(), 400),
        ("application/json", br#"{"id":"","text":"x"}"#.to_vec(), 400),
        ("application/json", b"\xff\xfe\x00".to_vec(), 400),
        ("text/plain", b"hello".to_vec(), 415),
        (
            "application/json",
            vec![b' '; rasad_serve::MAX_BODY_BYTES + 10],
            413,
        ),
    ];
    for (ct, body, want) in cases {
        let r = request(
            "POST",
            &s.url("/api/articles"),
            &[("content-type", ct), ("authorization", &a)],
            body,
        )
        .await;
        assert_eq!(r.status, want, "{ct}: {}", r.text());
        assert_eq!(r.json()["status"], want);
    }
}

#[tokio::test]
async fn posted_articles_are_extracted_merged_and_served() {
    let Some(shared) = shared() else { return };
    let s = writable("post");
    let articles = seed_articles(&shared);
    let seed: Vec<_> = articles
        .iter()
        .filter(|a| a.id == "seed-000")
        .take(1)
        .cloned()
        .collect();
    let body = serde_json::to_vec(&seed).unwrap();
    // Asked (and cached) before the write...
    assert_eq!(get(&s.url("/api/stats")).await.json()["total"], 0);
    assert_eq!(get(&s.url("/api/events")).await.json()["total"], 0);
    let r = request(
        "POST",
        &s.url("/api/articles"),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth()),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let rep = r.json();
    assert_eq!(rep["added"], 1);
    let ids = rep["events"].as_array().unwrap();
    assert!(!ids.is_empty(), "the seed article gave no events: {rep}");
    for id in ids {
        assert_eq!(
            get(&s.url(&format!("/api/events/{}", enc(id.as_str().unwrap()))))
                .await
                .status,
            200
        );
    }
    // ...and answered afresh after it: the cache follows the store.
    assert_eq!(
        get(&s.url("/api/stats")).await.json()["total"]
            .as_u64()
            .unwrap(),
        ids.len() as u64
    );
    assert_eq!(
        get(&s.url("/api/events")).await.json()["total"]
            .as_u64()
            .unwrap(),
        ids.len() as u64
    );
    // The same article again is a duplicate, not a second copy.
    let r = request(
        "POST",
        &s.url("/api/articles"),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth()),
        ],
        body,
    )
    .await;
    assert_eq!(r.json()["duplicates"], 1);
    assert_eq!(get(&s.url("/api/health")).await.json()["articles"], 1);
}

#[tokio::test]
async fn readers_are_answered_while_a_large_batch_is_written() {
    let Some(shared) = shared() else { return };
    let s = writable("concurrent");
    let articles = seed_articles(&shared);
    let (first, rest) = articles.split_at(10);
    // Something to read before the big write starts.
    let lines: String = first
        .iter()
        .map(|a| serde_json::to_string(a).unwrap() + "\n")
        .collect();
    let r = request(
        "POST",
        &s.url("/api/articles"),
        &[
            ("content-type", "application/x-ndjson"),
            ("authorization", &auth()),
        ],
        lines.into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());

    let url = s.url("/api/articles");
    let body = serde_json::to_vec(rest).unwrap();
    let writer = tokio::spawn(async move {
        request(
            "POST",
            &url,
            &[
                ("content-type", "application/json"),
                ("authorization", &auth()),
            ],
            body,
        )
        .await
    });
    // Read until the write is done (at least once); every read must be answered at once
    // from the committed state, never blocked or failed by the write in flight.
    let mut reads = 0;
    loop {
        let t = std::time::Instant::now();
        let r = get(&s.url("/api/events?per_page=50")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "a read waited for the writer"
        );
        reads += 1;
        if writer.is_finished() {
            break;
        }
    }
    let w = writer.await.unwrap();
    assert_eq!(w.status, 200, "{}", w.text());
    assert_eq!(w.json()["articles"], rest.len());
    eprintln!("{reads} reads answered during the write");
    let h = get(&s.url("/api/health")).await.json();
    assert!(h["articles"].as_u64().unwrap() >= 80, "{h}");
}
