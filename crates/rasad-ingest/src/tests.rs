use super::*;
use std::io::Write as _;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn collect(path: &Path) -> (Vec<Article>, Vec<(Option<String>, String)>) {
    let (mut arts, mut errs) = (Vec::new(), Vec::new());
    read_path(path, &mut |i| match i {
        Item::Article(a) => arts.push(a),
        Item::Error { id, message } => errs.push((id, message)),
    })
    .unwrap();
    (arts, errs)
}

const PAGE: &str = r#"<html><head><meta property="og:site_name" content="نورث برس"><meta property="article:published_time" content="2024-05-14T09:00:00Z"><title>t</title></head>
<body><nav><a href="/">الرئيسية</a></nav><article><h1>قصف تركي على الهيمو</h1><p>قصفت مسيرة تركية سيارة لقوات سوريا الديمقراطية قرب قرية الهيمو غربي الحسكة، ما أدى لمقتل عنصرين.</p></article></body></html>"#;

#[test]
fn jsonl_lines_and_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.jsonl");
    std::fs::write(
        &p,
        "{\"id\":\"x1\",\"text\":\"نص\",\"published\":\"2024-01-01\",\"events\":[]}\n\n{broken\n{\"id\":\"x2\",\"text\":\"  \"}\n\u{feff}{\"id\":\"x3\",\"text\":\"نص ثالث\"}\n",
    )
    .unwrap();
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend_from_slice(b"{\"id\":\"x4\",\"text\":\"\xff\xfe\"}\n");
    std::fs::write(&p, bytes).unwrap();
    let (arts, errs) = collect(&p);
    assert_eq!(
        arts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["x1", "x3"]
    );
    assert_eq!(arts[0].published.as_deref(), Some("2024-01-01"));
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].0.as_deref().unwrap().ends_with(":3"),
        "line numbers count blank lines"
    );
}

#[test]
fn text_html_feed_and_warc_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub/deeper")).unwrap();
    std::fs::write(
        d.join("sub/2023-10-12_ariha.txt"),
        "قصف على أريحا\nقتل مدنيان بقصف مدفعي.",
    )
    .unwrap();
    std::fs::write(d.join("sub/deeper/page.html"), PAGE).unwrap();
    std::fs::write(
        d.join("feed.xml"),
        "<rss><channel><title>شفق نيوز</title><item><title>هجوم</title><link>https://s/1</link><description>تعرضت قاعدة عين الأسد لهجوم</description></item><item><title></title></item></channel></rss>",
    )
    .unwrap();
    std::fs::write(d.join("crawl.warc"), warc::tests::sample()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&warc::tests::sample()).unwrap();
    std::fs::write(d.join("crawl2.warc.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(d.join("notes.bin"), b"\x00\x01").unwrap();
    std::fs::write(d.join(".hidden.jsonl"), b"{}").unwrap();

    let files = discover(&[d.to_path_buf()]).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(d).unwrap().display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "crawl.warc",
            "crawl2.warc.gz",
            "feed.xml",
            "sub/2023-10-12_ariha.txt",
            "sub/deeper/page.html"
        ]
    );

    let (t, _) = collect(&d.join("sub/2023-10-12_ariha.txt"));
    assert_eq!(t[0].published.as_deref(), Some("2023-10-12"));
    assert_eq!(t[0].title.as_deref(), Some("قصف على أريحا"));

    let (h, _) = collect(&d.join("sub/deeper/page.html"));
    assert_eq!(h[0].outlet.as_deref(), Some("نورث برس"));
    assert_eq!(h[0].published.as_deref(), Some("2024-05-14"));
    assert!(h[0].text.contains("الهيمو") && !h[0].text.contains("الرئيسية"));

    let (f, ferr) = collect(&d.join("feed.xml"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].id, "https://s/1");
    assert_eq!(f[0].outlet.as_deref(), Some("شفق نيوز"));
    assert!(f[0].text.contains("عين الأسد"));
    assert_eq!(ferr.len(), 1, "an empty item is a per-article error");

    for w in ["crawl.warc", "crawl2.warc.gz"] {
        let (a, _) = collect(&d.join(w));
        assert_eq!(a.len(), 1, "{w}");
        assert_eq!(a[0].url.as_deref(), Some("http://a.test/1"));
        assert_eq!(a[0].published.as_deref(), Some("2024-05-14"));
    }
    // Unknown extension: sniffed, and refused when it is nothing known.
    std::fs::write(
        d.join("page.dat"),
        PAGE.replace("<html>", "<!DOCTYPE html><html>"),
    )
    .unwrap();
    assert_eq!(collect(&d.join("page.dat")).0.len(), 1);
    assert!(matches!(
        read_path(&d.join("notes.bin"), &mut |_| {}),
        Err(IngestError::Unsupported(_))
    ));
    assert!(read_path(&d.join("missing.jsonl"), &mut |_| {}).is_err());
}

/// A tiny HTTP/1.1 server on 127.0.0.1 serving fixed paths; counts requests.
fn serve(routes: Vec<(&'static str, &'static str, String)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = vec![0u8; 8192];
            let mut req = Vec::new();
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            h.fetch_add(1, Ordering::SeqCst);
            let line = String::from_utf8_lossy(&req)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, ctype, body) = match routes.iter().find(|(p, _, _)| *p == path) {
                Some((_, ct, b)) => ("200 OK", *ct, b.clone()),
                None => ("404 Not Found", "text/plain", "no".to_string()),
            };
            let _ = write!(s, "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    (base, hits)
}

#[test]
fn watcher_fetches_new_entries_once_and_falls_back_to_feed_text() {
    let feed = r#"<rss><channel><title>نورث برس</title>
<item><title>قصف</title><link>/news/1</link><pubDate>Tue, 14 May 2024 10:00:00 GMT</pubDate></item>
<item><title>غارة</title><link>/news/404</link><description>غارة على قرية في ريف الحسكة</description></item>
<item><title>قديم</title><link>/news/old</link><description>خبر قديم مخزن</description></item>
</channel></rss>"#;
    let (base, hits) = serve(vec![
        ("/feed.xml", "application/rss+xml", feed.into()),
        ("/news/1", "text/html", PAGE.into()),
    ]);
    let mut w = Watcher::new(std::time::Duration::from_secs(5));
    let feed_url = format!("{base}/feed.xml");
    let old = format!("{base}/news/old");
    let items = w.poll(&feed_url, &mut |u| u == old).unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    let Item::Article(a) = &items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!(a.id, format!("{base}/news/1"));
    assert_eq!(a.outlet.as_deref(), Some("نورث برس"));
    assert!(a.text.contains("الهيمو"), "the page's text, not the feed's");
    let Item::Article(b) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert!(
        b.text.contains("غارة على قرية"),
        "a dead page falls back to the entry text"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        3,
        "feed + two pages; the stored entry is not fetched"
    );
    let again = w.poll(&feed_url, &mut |_| false).unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert!(w
        .poll(&format!("{base}/missing.xml"), &mut |_| false)
        .is_err());
    assert!(Watcher::default().get("http://127.0.0.1:1/").is_err());
}
