//! The real `rasad` binary on real SQLite files: kill-and-resume, every input format,
//! every export format, query and errors.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rasad_store::{EventFilter, Store};

fn rasad() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rasad"))
}

const PLACES: [&str; 8] = [
    "أريحا",
    "سرمين",
    "كفرنبل",
    "معرة النعمان",
    "جسر الشغور",
    "سراقب",
    "بنش",
    "تفتناز",
];

/// Synthetic reports: one shelling each, distinct text, date and place.
fn write_articles(path: &Path, n: usize) {
    let mut out = String::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2015 + (i / 336) % 10;
        let place = PLACES[i % PLACES.len()];
        let text = format!(
            "قصفت قوات النظام بالمدفعية الثقيلة مدينة {place} في ريف إدلب اليوم، ما أدى إلى مقتل {} مدنيين وإصابة آخرين. (تقرير رقم {i})",
            2 + i % 5
        );
        let line = serde_json::json!({
            "id": format!("syn-{i}"),
            "outlet": "اختبار",
            "published": format!("{year:04}-{month:02}-{day:02}"),
            "text": text
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn counts(db: &Path) -> rasad_store::Counts {
    Store::open_readonly(db)
        .map(|s| s.counts().unwrap())
        .unwrap_or_default()
}

#[test]
fn killed_ingest_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    let n = 3000;
    write_articles(&input, n);
    let db = dir.path().join("killed.db");

    let mut child = rasad()
        .args(["ingest", "--batch", "25", "--db"])
        .arg(&db)
        .arg(&input)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as some batches are committed.
    let start = Instant::now();
    let mut before = 0;
    while start.elapsed() < Duration::from_secs(120) {
        if db.exists() {
            before = counts(&db).articles;
            if before >= 50 {
                break;
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill(); // SIGKILL: no chance to clean up.
    child.wait().unwrap();
    let at_kill = counts(&db).articles;
    println!("killed with {at_kill} of {n} articles committed");
    assert!(at_kill >= before, "committed articles survive the kill");
    assert!(at_kill < n as u64, "the kill came mid-ingest");

    let status = rasad()
        .args(["ingest", "--db"])
        .arg(&db)
        .arg(&input)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let resumed = counts(&db);
    assert_eq!(resumed.articles, n as u64, "no loss");

    // The same input ingested in one uninterrupted run gives the same store.
    let clean_db = dir.path().join("clean.db");
    let status = rasad()
        .args(["ingest", "--db"])
        .arg(&clean_db)
        .arg(&input)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let clean = counts(&clean_db);
    assert_eq!(
        resumed, clean,
        "no duplicate mentions or events after the resume"
    );
    let a = Store::open_readonly(&db)
        .unwrap()
        .events(&EventFilter::default(), rasad_store::Page::ALL)
        .unwrap();
    let b = Store::open_readonly(&clean_db)
        .unwrap()
        .events(&EventFilter::default(), rasad_store::Page::ALL)
        .unwrap();
    let ids = |v: &[rasad_store::StoredEvent]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b), "same merged event ids");

    // A third run changes nothing.
    let status = rasad()
        .args(["ingest", "--db"])
        .arg(&db)
        .arg(&input)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(counts(&db), clean);
}

const PAGE: &str = r#"<html><head><meta property="og:site_name" content="نورث برس"><meta property="article:published_time" content="2024-05-14T09:00:00Z"></head>
<body><nav><a href="/">الرئيسية</a></nav><article><p>قصفت مسيرة تركية سيارة لقوات سوريا الديمقراطية قرب قرية الهيمو غربي الحسكة، ما أدى لمقتل عنصرين.</p></article></body></html>"#;

#[test]
fn every_input_format_then_every_export_format() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("pages")).unwrap();
    write_articles(&inbox.join("a.jsonl"), 5);
    std::fs::write(inbox.join("b.jsonl"), "{not json}\n").unwrap();
    std::fs::write(
        inbox.join("2023-10-12-ariha.txt"),
        "قتل مدنيان وأصيب خمسة آخرون بقصف مدفعي لقوات النظام على مدينة أريحا جنوبي إدلب أمس.",
    )
    .unwrap();
    std::fs::write(inbox.join("pages/hemo.html"), PAGE).unwrap();
    std::fs::write(
        inbox.join("feed.xml"),
        "<rss><channel><title>شفق نيوز</title><item><title>هجوم</title><link>https://shafaq.test/1</link><pubDate>Thu, 07 Dec 2023 10:00:00 +0300</pubDate><description>تعرضت قاعدة عين الأسد الجوية غربي الأنبار لهجوم بطائرة مسيرة دون خسائر.</description></item></channel></rss>",
    )
    .unwrap();
    let warc_html = "<html><body><article><p>اندلعت اشتباكات عنيفة بين فرقة الحمزة والجبهة الشامية في بلدة قباسين بريف الباب أمس، قتل فيها عنصر.</p></article></body></html>";
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{warc_html}",
        warc_html.len()
    );
    let warc = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://enab.test/1\r\nWARC-Date: 2024-02-22T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    );
    std::fs::write(inbox.join("crawl.warc"), warc).unwrap();

    let db = dir.path().join("rasad.db");
    let out = rasad()
        .args(["ingest", "--db"])
        .arg(&db)
        .arg(&inbox)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "one unreadable line makes the exit code 1"
    );
    let c = counts(&db);
    assert_eq!(
        c.articles,
        5 + 1 + 1 + 1 + 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open_readonly(&db).unwrap();
    assert!(store.article("https://shafaq.test/1").unwrap().is_some());
    assert!(store.article("http://enab.test/1").unwrap().is_some());
    let page_id = inbox.join("pages/hemo.html").display().to_string();
    assert_eq!(
        store
            .article(&page_id)
            .unwrap()
            .unwrap()
            .article
            .outlet
            .as_deref(),
        Some("نورث برس")
    );

    let errors = rasad()
        .args(["errors", "--json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let errors = String::from_utf8(errors.stdout).unwrap();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("b.jsonl:1"));

    for (format, file) in [
        ("acled-csv", "e.csv"),
        ("geojson", "e.geojson"),
        ("jsonl", "e.jsonl"),
        ("parquet", "e.parquet"),
        ("mentions-jsonl", "m.jsonl"),
    ] {
        let path = dir.path().join(file);
        let st = rasad()
            .args(["export", "--format", format, "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&path)
            .status()
            .unwrap();
        assert!(st.success(), "{format}");
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{format}");
    }
    let csv = std::fs::read_to_string(dir.path().join("e.csv")).unwrap();
    assert!(
        csv.starts_with("event_id_cnty,event_date,year,time_precision,disorder_type,event_type")
    );
    // Events that nothing dates are left out of ACLED files and listed beside them.
    let left_out = std::fs::read_to_string(dir.path().join("e.csv.left-out.txt"))
        .map(|t| t.lines().count() as u64)
        .unwrap_or(0);
    assert_eq!(csv.lines().count() as u64, 1 + c.events - left_out);
    let mentions = std::fs::read_to_string(dir.path().join("m.jsonl")).unwrap();
    assert_eq!(mentions.lines().count() as u64, c.articles);
    assert!(!rasad()
        .args(["export", "--format", "xlsx", "--db"])
        .arg(&db)
        .status()
        .unwrap()
        .success());

    let q = rasad()
        .args(["query", "--db"])
        .arg(&db)
        .args(["--limit", "0"])
        .output()
        .unwrap();
    assert!(q.status.success());
    let table = String::from_utf8(q.stdout).unwrap();
    assert!(table.starts_with("id"));
    assert!(
        table
            .trim_end()
            .ends_with(&format!("{} of {} events", c.events, c.events)),
        "{table}"
    );
    let q = rasad()
        .args(["query", "--db"])
        .arg(&db)
        .args(["--from", "2099-01-01"])
        .output()
        .unwrap();
    assert!(String::from_utf8(q.stdout)
        .unwrap()
        .contains("0 of 0 events"));
    let bad = rasad()
        .args(["query", "--db"])
        .arg(&db)
        .args(["--from", "soon"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let missing = rasad()
        .args(["query", "--db"])
        .arg(dir.path().join("none.db"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(
        !dir.path().join("none.db").exists(),
        "query never creates a store"
    );
}

/// A tiny HTTP/1.1 server on 127.0.0.1 serving fixed paths.
fn serve(routes: Vec<(&'static str, String)>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&req)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, b)) => ("200 OK", b.clone()),
                None => ("404 Not Found", String::new()),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

#[test]
fn watch_once_ingests_new_feed_entries_and_skips_them_next_time() {
    let feed = "<rss><channel><title>نورث برس</title>\
        <item><title>قصف</title><link>/news/1</link></item>\
        <item><title>خبر</title><link>/news/gone</link></item></channel></rss>";
    let base = serve(vec![
        ("/feed.xml", feed.to_string()),
        ("/news/1", PAGE.to_string()),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let url = format!("{base}/feed.xml");
    let out = rasad()
        .args(["watch", "--once", "--timeout", "5s", "--feed", &url, "--db"])
        .arg(&db)
        .output()
        .unwrap();
    // The dead page's entry has only a title: it becomes an article from the feed text.
    assert!(
        out.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open_readonly(&db).unwrap();
    let page = store
        .article(&format!("{base}/news/1"))
        .unwrap()
        .expect("fetched page stored");
    assert!(page.article.text.contains("الهيمو"));
    assert_eq!(page.article.published.as_deref(), Some("2024-05-14"));
    let before = store.counts().unwrap();
    drop(store);
    let again = rasad()
        .args(["watch", "--once", "--feed", &url, "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(again.status.code().is_some());
    assert_eq!(
        counts(&db).articles,
        before.articles,
        "nothing new the second time"
    );
    let dead = rasad()
        .args([
            "watch",
            "--once",
            "--timeout",
            "2s",
            "--feed",
            "http://127.0.0.1:1/feed",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        dead.status.code(),
        Some(1),
        "an unreachable feed is a recorded failure"
    );
    assert!(Store::open_readonly(&db)
        .unwrap()
        .errors(0)
        .unwrap()
        .iter()
        .any(|e| e.source.as_deref() == Some("http://127.0.0.1:1/feed")));
}
