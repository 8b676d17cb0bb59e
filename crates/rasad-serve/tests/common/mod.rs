//! Test harness shared by the integration tests and the browser test: a store seeded by
//! ingesting the shared evaluation articles with the real extractor, a real server on an
//! ephemeral loopback port, and a small HTTP client.
#![allow(dead_code)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rasad_model::Article;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `../shared` next to the workspace, or `None` (with a note) when this checkout lacks it.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("eval/dev.jsonl").is_file() {
        Some(p)
    } else {
        eprintln!(
            "note: {} is absent; skipping the seeded-store tests",
            p.display()
        );
        None
    }
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let d = std::env::temp_dir().join(format!("rasad-serve-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The articles the tests seed a store with: the seed article(s), the dev set, the merge set.
pub fn seed_articles(shared: &Path) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    let lines = |p: PathBuf| -> Vec<Article> {
        std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
            .collect()
    };
    let seed_meta = lines(shared.join("eval/seed.jsonl"));
    // The seed folder holds the founding article as plain text; its metadata (published
    // date, outlet) is in seed.jsonl. The store deduplicates the two copies by text.
    if let Ok(rd) = std::fs::read_dir(shared.join("seed")) {
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let meta = seed_meta.iter().find(|a| a.text.trim() == text.trim());
            out.push(Article {
                id: meta
                    .map(|m| m.id.clone())
                    .unwrap_or_else(|| f.file_stem().unwrap().to_string_lossy().into_owned()),
                outlet: meta.and_then(|m| m.outlet.clone()),
                published: meta.and_then(|m| m.published.clone()),
                url: None,
                title: None,
                text,
            });
        }
    }
    out.extend(seed_meta);
    out.extend(lines(shared.join("eval/dev.jsonl")));
    out.extend(lines(shared.join("eval/merge.jsonl")));
    out
}

/// Ingest `articles` into a new store at `db` with the real extractor.
pub fn ingest(db: &Path, articles: &[Article]) -> rasad_store::IngestReport {
    let x = rasad_extract::Extractor::new().expect("extractor");
    let mut st = rasad_store::Store::open(db).expect("store");
    st.ingest_articles(articles, &x).expect("ingest")
}

/// A running server; it stops when the test process ends.
pub struct Server {
    pub addr: SocketAddr,
    pub db: PathBuf,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// Start a server on 127.0.0.1:0 over `cfg` on its own runtime thread.
pub fn start(cfg: rasad_serve::Config) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    let db = cfg.db.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            rasad_serve::serve(listener, cfg, std::future::pending())
                .await
                .unwrap();
        });
    });
    let addr = rx.recv().expect("server thread died before listening");
    Server { addr, db }
}

/// The seeded read-only server shared by the tests of one test binary, or `None` when
/// `../shared` is absent.
pub fn seeded() -> Option<&'static Server> {
    static S: OnceLock<Option<Server>> = OnceLock::new();
    S.get_or_init(|| {
        let shared = shared()?;
        let dir = scratch("seeded");
        let db = dir.join("rasad.db");
        let articles = seed_articles(&shared);
        let t = std::time::Instant::now();
        let r = ingest(&db, &articles);
        eprintln!("seeded store: {r:?} in {:.1}s", t.elapsed().as_secs_f64());
        Some(start(rasad_serve::Config::new(db)))
    })
    .as_ref()
}

pub struct Reply {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One request; `headers` as (name, value) pairs.
pub async fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
    let mut b = hyper::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = client()
        .request(b.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(url: &str) -> Reply {
    request("GET", url, &[], Vec::new()).await
}

/// Percent-encode a query value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `rasad_text::fold`, for comparing Arabic.
pub fn fold(s: &str) -> String {
    rasad_text::fold(s)
}
