//! `rasad bench`: extraction throughput on one thread.
//!
//! The dev articles are replicated (ids varied) until the corpus reaches `--mb`
//! megabytes, then every article is extracted once on the calling thread. Parsing the
//! input is not timed; the figure is the pipeline itself: normalise → segment →
//! recognise → frame → resolve → merge, output serialised to JSON (as `extract` does)
//! but not written.

use anyhow::Context;
use rasad_extract::Extractor;
use rasad_model::{Article, ArticleResult};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines articles to replicate (default: the dev set beside the checkout).
    #[arg(long, default_value = "../shared/eval/dev.jsonl")]
    pub input: PathBuf,
    /// Size of the replicated corpus in megabytes of article text.
    #[arg(long, default_value_t = 20)]
    pub mb: usize,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let raw = std::fs::read(&args.input).with_context(|| format!("reading {}", args.input.display()))?;
    let base: Vec<Article> = crate::extract::parse_jsonl(&raw, &args.input.display().to_string())
        .into_iter()
        .filter_map(|i| match i {
            crate::extract::Input::Article(a) => Some(a),
            crate::extract::Input::Bad { .. } => None,
        })
        .collect();
    anyhow::ensure!(!base.is_empty(), "no articles in {}", args.input.display());
    let target = args.mb * 1_000_000;
    let mut corpus = Vec::new();
    let mut bytes = 0usize;
    while bytes < target {
        for a in &base {
            let mut a = a.clone();
            a.id = format!("{}-{}", a.id, corpus.len());
            bytes += a.text.len();
            corpus.push(a);
        }
    }
    let t0 = Instant::now();
    let extractor = Extractor::new()?;
    let load = t0.elapsed();
    let t = Instant::now();
    let mut events = 0usize;
    let mut out_bytes = 0usize;
    for a in &corpus {
        let evs = extractor.extract(a).unwrap_or_default();
        events += evs.len();
        out_bytes += serde_json::to_vec(&ArticleResult::Ok { id: a.id.clone(), events: evs })?.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!("corpus:      {} articles, {:.1} MB of text ({} distinct articles replicated)", corpus.len(), bytes as f64 / 1e6, base.len());
    println!("load:        {:.1} ms (lexicons, matcher, gazetteer)", load.as_secs_f64() * 1e3);
    println!("extract:     {:.2} s on one thread, {} events, {:.1} MB of JSON", secs, events, out_bytes as f64 / 1e6);
    println!("throughput:  {:.0} articles/s, {:.2} MB/s", corpus.len() as f64 / secs, bytes as f64 / 1e6 / secs);
    Ok(0)
}
