//! `rasad`: Arabic news in, ACLED-style events out.
//!
//! Each subcommand lives in its own module with its own `Args`; this file only
//! dispatches. Exit codes: 0 all articles processed, 1 some failed, 2 usage errors
//! (clap's own exit code for bad arguments).

mod bench;
mod db;
mod bench_store;
mod export;
mod extract;
mod gazetteer;
mod ingest;
mod query;
mod serve;

use clap::{Parser, Subcommand};

/// jemalloc instead of the system allocator: extraction makes some 400 small,
/// short-lived allocations per article (candidate lists, the strings of an event), and
/// glibc's malloc/free took a fifth of the instructions of `rasad bench`. mimalloc, used
/// until November 2026, spent 4% of the run on one load: popping its free list reads
/// the next pointer out of a block that has gone cold (`perf annotate`); with jemalloc's
/// thread cache the allocator's share fell from about 8% to 5% of the samples and
/// `rasad bench` ran 4% faster (20 MB, interleaved runs, best and mean).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "rasad", version, about = "Arabic news → ACLED-style conflict events")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract events from articles (.jsonl, .txt, .md, or stdin) as JSON lines.
    Extract(extract::Args),
    /// Replicate the dev texts and measure extraction throughput on one thread.
    Bench(bench::Args),
    /// Build a large store from replicated real texts and measure ingest, size, queries.
    BenchStore(bench_store::Args),
    /// Ingest articles (files, directories, feeds, WARC) into the store.
    Ingest(ingest::Args),
    /// Poll live feeds and ingest new articles.
    Watch(ingest::WatchArgs),
    /// List per-article ingest errors recorded in the store.
    Errors(ingest::ErrorsArgs),
    /// Export merged events (acled-csv, geojson, jsonl, parquet, mentions-jsonl).
    Export(export::Args),
    /// Query stored events and print a table.
    Query(query::Args),
    /// Serve the HTTP API and the map dashboard.
    Serve(serve::Args),
    /// Gazetteer: import richer sources, list sources and licences.
    Gazetteer(gazetteer::Args),
    /// Store maintenance: `rasad db migrate` (SQLite file or PostgreSQL server).
    Db(db::Args),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Bench(a) => bench::run(a),
        Command::BenchStore(a) => bench_store::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Watch(a) => ingest::watch(a),
        Command::Errors(a) => ingest::errors(a),
        Command::Export(a) => export::run(a),
        Command::Query(a) => query::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Gazetteer(a) => gazetteer::run(a),
        Command::Db(a) => db::run(a),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("rasad: {e:#}");
            std::process::exit(2);
        }
    }
}
