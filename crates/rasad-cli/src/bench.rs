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
    /// Passes over the corpus. Each is timed alone; the best and the median are
    /// reported, since on a shared machine other work only ever slows a pass down.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
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
    let mut secs = Vec::with_capacity(args.runs.max(1));
    let (mut events, mut out_bytes) = (0usize, 0usize);
    let mut line: Vec<u8> = Vec::with_capacity(1 << 16);
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        (events, out_bytes) = (0, 0);
        for a in &corpus {
            let evs = extractor.extract(a).unwrap_or_default();
            events += evs.len();
            line.clear();
            rasad_model::json::write_result(&mut line, &ArticleResult::Ok { id: a.id.clone(), events: evs });
            out_bytes += line.len();
        }
        secs.push(t.elapsed().as_secs_f64());
    }
    let per_run: Vec<String> = secs.iter().map(|s| format!("{:.0}", corpus.len() as f64 / s)).collect();
    secs.sort_by(f64::total_cmp);
    let (best, median) = (secs[0], secs[secs.len() / 2]);
    println!("corpus:      {} articles, {:.1} MB of text ({} distinct articles replicated)", corpus.len(), bytes as f64 / 1e6, base.len());
    println!("load:        {:.1} ms (lexicons, matcher, gazetteer)", load.as_secs_f64() * 1e3);
    println!("extract:     {} pass(es) on one thread, {} events, {:.1} MB of JSON per pass", secs.len(), events, out_bytes as f64 / 1e6);
    println!("passes:      {} articles/s", per_run.join(", "));
    println!("median:      {:.0} articles/s, {:.2} MB/s", corpus.len() as f64 / median, bytes as f64 / 1e6 / median);
    println!("throughput:  {:.0} articles/s, {:.2} MB/s (best pass, {:.1} µs per article)", corpus.len() as f64 / best, bytes as f64 / 1e6 / best, best * 1e6 / corpus.len() as f64);
    Ok(0)
}
