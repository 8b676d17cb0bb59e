//! Adversarial articles: time and peak memory of `Extractor::extract` on degenerate
//! inputs close to the 4 MiB article limit (issue 12). Every stage must be linear (or
//! n log n) in the article's length and in its number of matches; a pairwise rule is
//! bounded by a window (see ARCHITECTURE.md, "Time bounds"). This prints the figures;
//! the promise is ≤ 2 s and ≤ 200 MB resident per article on one core.
//!
//! ```sh
//! cargo run --release -p rasad-extract --example adversarial            # every case
//! cargo run --release -p rasad-extract --example adversarial -- trigger # one case
//! ```
//!
//! Each case runs in a child process of its own so that its peak resident set
//! (`VmHWM`) is its own and not the largest of the cases before it.

use rasad_extract::{Extractor, MAX_TEXT};
use rasad_model::Article;
use std::time::Instant;

/// The cases: a name and the unit repeated (with its separator) up to the size limit.
/// Written for this benchmark; none is news text.
const CASES: &[(&str, &str)] = &[
    // One trigger word, no sentence break.
    ("trigger", "قصف "),
    // One endless sentence of place names joined by و.
    ("places", "حلب وحمص ودمشق وإدلب ودرعا والرقة "),
    // Numbers: casualty tolls without context.
    ("numbers", "123 4567 ٣٤٥ "),
    // Full date expressions, each with a trigger.
    ("dates", "في العاشر من كانون الثاني 2024 اشتباكات "),
    // Clitic-prefixed actor names.
    ("actors", "وبالجيش ولقوات الدعم السريع وبحزب الله "),
    // A giant line with no spaces.
    ("nospace", "قصفقتلاشتباك"),
    // Many complete short sentences, each an event: the within-article merge and the
    // cross-sentence casualty pass see tens of thousands of events.
    ("sentences", "قتل مدنيان بقصف مدفعي على بلدة سراقب في ريف إدلب أمس. "),
    // Paragraphs of killings with tolls and weapons.
    ("paragraphs", "أفاد مصدر محلي بمقتل ثلاثة عناصر من قوات النظام بانفجار عبوة ناسفة قرب درعا.\n"),
    // Nested quotes and parentheses around a trigger.
    ("brackets", "(«[قصف "),
    // Deep nested HTML left in the text by a bad scraper.
    ("html", "<div><span>قصف</span>"),
];

fn build(unit: &str, limit: usize) -> String {
    let mut s = String::with_capacity(limit);
    while s.len() + unit.len() <= limit {
        s.push_str(unit);
    }
    s
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn run_case(name: &str, limit: usize) -> i32 {
    let Some(&(_, unit)) = CASES.iter().find(|c| c.0 == name) else {
        eprintln!("unknown case {name}");
        return 2;
    };
    let extractor = match Extractor::new() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("loading: {e}");
            return 1;
        }
    };
    let article = Article {
        id: name.to_string(),
        text: build(unit, limit),
        published: Some("2024-03-01".into()),
        ..Default::default()
    };
    let t = Instant::now();
    let out = extractor.extract(&article);
    let secs = t.elapsed().as_secs_f64();
    let events = match &out {
        Ok(e) => e.len().to_string(),
        Err(e) => format!("error: {e}"),
    };
    println!(
        "{name:<11} {:>5.2} MB  {secs:>7.3} s  peak {:>6.1} MB  events {events}",
        article.text.len() as f64 / 1e6,
        peak_rss_mb()
    );
    0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `adversarial CASE [KB]`: one case, optionally smaller than the limit (to see how
    // time grows with size).
    match args.as_slice() {
        [one] => std::process::exit(run_case(one, MAX_TEXT)),
        [one, kb] => std::process::exit(run_case(one, kb.parse::<usize>().map_or(MAX_TEXT, |k| (k * 1024).min(MAX_TEXT)))),
        _ => {}
    }
    let me = std::env::current_exe().expect("own path");
    let mut failed = 0;
    for (name, _) in CASES {
        let status = std::process::Command::new(&me).arg(name).status();
        if !matches!(status, Ok(s) if s.success()) {
            println!("{name:<11} failed: {status:?}");
            failed += 1;
        }
    }
    std::process::exit(failed);
}
