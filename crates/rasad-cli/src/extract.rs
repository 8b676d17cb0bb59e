//! `rasad extract`: articles in, one JSON line of events per article out.
//!
//! Inputs: `.jsonl` files of `{"id","outlet","url","published","text"}` (other fields
//! ignored), `.txt`/`.md` files (one article each; id = file stem), or standard input
//! (no path, or `-`), read as JSON Lines when it starts with `{` and as one text article
//! otherwise. A line or file that cannot be processed — not UTF-8, broken JSON, no
//! text — yields `{"id","error"}` and the run goes on. Exit status: 0 when every article
//! was processed, 1 when some were not, 2 on usage errors.

use anyhow::Context;
use rasad_extract::Extractor;
use rasad_model::{Article, ArticleResult};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Input files (.jsonl, .txt, .md); standard input when none or `-`.
    pub paths: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD) for .txt/.md/stdin text articles.
    #[arg(long)]
    pub published: Option<String>,
    /// Outlet name for .txt/.md/stdin text articles.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Pretty-print (indented JSON, one object per article) for humans.
    #[arg(long)]
    pub pretty: bool,
}

/// One unit of input: an article, or the reason it could not be read.
pub enum Input {
    Article(Article),
    Bad { id: String, error: String },
}

/// Parse one JSON Lines line into an article (the rules: [`rasad_ingest::article_from_json_line`]).
pub fn parse_line(bytes: &[u8], fallback_id: &str) -> Input {
    match rasad_ingest::article_from_json_line(bytes, fallback_id) {
        Ok(a) => Input::Article(a),
        Err(b) => Input::Bad { id: b.id, error: b.error },
    }
}

/// Split a buffer into JSON Lines inputs.
pub fn parse_jsonl(bytes: &[u8], source: &str) -> Vec<Input> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| l.iter().any(|b| !b.is_ascii_whitespace()))
        .map(|(n, l)| parse_line(l.strip_suffix(b"\r").unwrap_or(l), &format!("{source}:{}", n + 1)))
        .collect()
}

fn text_article(bytes: &[u8], id: String, args: &Args) -> Input {
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => Input::Article(Article { id, outlet: args.outlet.clone(), published: args.published.clone(), text, ..Default::default() }),
        Err(e) => Input::Bad { id, error: format!("not UTF-8: {}", e.utf8_error()) },
    }
}

fn read_inputs(path: &Path, args: &Args) -> Vec<Input> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
            return vec![Input::Bad { id: "stdin".into(), error: format!("cannot read standard input: {e}") }];
        }
        return from_stdin(&buf, args);
    }
    let id = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| path.display().to_string());
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return vec![Input::Bad { id: path.display().to_string(), error: format!("cannot read: {e}") }],
    };
    let is_jsonl = path.extension().is_some_and(|e| e == "jsonl" || e == "json" || e == "ndjson");
    if is_jsonl {
        parse_jsonl(&bytes, &path.display().to_string())
    } else {
        vec![text_article(&bytes, id, args)]
    }
}

fn from_stdin(buf: &[u8], args: &Args) -> Vec<Input> {
    let first = buf.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        parse_jsonl(buf, "stdin")
    } else {
        vec![text_article(buf, "stdin".into(), args)]
    }
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    if let Some(p) = &args.published {
        if rasad_extract::parse_published(p).is_none() {
            eprintln!("rasad extract: --published {p:?} is not a date (YYYY-MM-DD)");
            return Ok(2);
        }
    }
    let extractor = Extractor::new().context("loading lexicons and gazetteer")?;
    let paths: Vec<PathBuf> = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut line: Vec<u8> = Vec::with_capacity(1 << 16);
    for path in &paths {
        for input in read_inputs(path, &args) {
            let result = match input {
                Input::Article(a) => match extractor.extract(&a) {
                    Ok(events) => ArticleResult::Ok { id: a.id, events },
                    Err(e) => ArticleResult::Err { id: a.id, error: e.to_string() },
                },
                Input::Bad { id, error } => ArticleResult::Err { id, error },
            };
            if matches!(result, ArticleResult::Err { .. }) {
                failed += 1;
            }
            line.clear();
            if args.pretty {
                serde_json::to_writer_pretty(&mut line, &result)?;
            } else {
                rasad_model::json::write_result(&mut line, &result);
            }
            line.push(b'\n');
            if let Err(e) = out.write_all(&line) {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(if failed > 0 { 1 } else { 0 });
                }
                return Err(e.into());
            }
        }
    }
    out.flush().ok();
    Ok(if failed > 0 { 1 } else { 0 })
}
