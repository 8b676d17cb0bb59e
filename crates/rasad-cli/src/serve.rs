//! `rasad serve`: the HTTP API and the map dashboard over a store.

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The store (SQLite file; created when missing).
    #[arg(long, default_value = "rasad.db")]
    pub db: PathBuf,
    /// Address to listen on. Loopback by default: expose it deliberately.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Bearer token that enables `POST /api/articles` (or env RASAD_WRITE_TOKEN, which keeps
    /// it out of the process list); without one the server is read-only.
    #[arg(long)]
    pub write_token: Option<String>,
    /// Serve the dashboard from this folder (e.g. web/dist) instead of the embedded copy.
    #[arg(long)]
    pub assets: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Submissions extracted at once; more are answered 503 with Retry-After (default:
    /// one per core).
    #[arg(long)]
    pub max_extractions: Option<usize>,
    /// Seconds one `POST /api/articles` may spend extracting before it is answered 503
    /// and nothing of it is stored.
    #[arg(long, default_value_t = 20)]
    pub extract_budget: u64,
}

pub fn run(a: Args) -> anyhow::Result<i32> {
    // The server reads SQLite only so far (issue 13): refuse a PostgreSQL URL rather than
    // create a SQLite file named after it.
    anyhow::ensure!(
        !rasad_pg::is_url(&crate::db::location(&a.db)),
        "rasad serve reads a SQLite store only for now; PostgreSQL works with ingest, watch, query, export and errors"
    );
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = a.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.build().context("starting the async runtime")?;
    rt.block_on(async move {
        let mut cfg = rasad_serve::Config::new(&a.db);
        cfg.write_token = a
            .write_token
            .or_else(|| std::env::var("RASAD_WRITE_TOKEN").ok())
            .filter(|t| !t.is_empty());
        cfg.assets_dir = a.assets;
        if let Some(n) = a.max_extractions {
            cfg.limits.max_extractions = n.max(1);
        }
        cfg.limits.extract_budget = std::time::Duration::from_secs(a.extract_budget.max(1));
        let listener = tokio::net::TcpListener::bind(a.addr)
            .await
            .with_context(|| format!("listening on {}", a.addr))?;
        let local = listener.local_addr()?;
        eprintln!(
            "rasad: serving {} on http://{local}/ ({})",
            a.db.display(),
            if cfg.write_token.is_some() { "writes need the bearer token" } else { "read-only" }
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("rasad: shutting down");
        };
        rasad_serve::serve(listener, cfg, shutdown).await.context("serving")?;
        anyhow::Ok(0)
    })
}
