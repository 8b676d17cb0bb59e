//! Input readers for `rasad ingest` and the feed watcher of `rasad watch`.
//!
//! Every reader turns its input into [`Item`]s: articles, or per-article errors that
//! the caller records and goes on (one broken JSON line or one dead link never stops an
//! ingest). Formats, chosen by extension and, for unknown extensions, by sniffing:
//!
//! | input | articles |
//! |---|---|
//! | `.jsonl` / `.ndjson` | one `Article` per line (`{"id","text",…}`; extra fields ignored) |
//! | `.txt` / `.md` | the file; id = path, date from a `YYYY-MM-DD` in the file name |
//! | `.html` / `.htm` | the page's text without boilerplate, title, date, outlet from metadata |
//! | `.xml` / `.rss` / `.atom` (RSS/Atom) | one per item, from the item's content/description |
//! | `.warc` / `.warc.gz` | one per captured HTML page |
//!
//! Readers never panic on arbitrary bytes; huge lines and records are bounded.

pub mod feed;
pub mod html;
pub mod markup;
pub mod warc;
mod watch;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rasad_model::Article;

pub use watch::{FetchError, Watcher};

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Parse(String),
    #[error("unsupported input {0} (jsonl, txt, md, html, rss/atom xml, warc, warc.gz)")]
    Unsupported(String),
}

/// One thing read from an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Article(Article),
    /// A per-article failure: `id` says which (line number, URL, record) when known.
    Error {
        id: Option<String>,
        message: String,
    },
}

/// Kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jsonl,
    Text,
    Html,
    Feed,
    Warc,
    WarcGz,
}

/// The kind of a file from its name; `None` when the extension says nothing.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    Some(match () {
        _ if name.ends_with(".warc.gz") => Kind::WarcGz,
        _ if name.ends_with(".warc") => Kind::Warc,
        _ if name.ends_with(".jsonl") || name.ends_with(".ndjson") => Kind::Jsonl,
        _ if name.ends_with(".txt") || name.ends_with(".md") => Kind::Text,
        _ if name.ends_with(".html") || name.ends_with(".htm") => Kind::Html,
        _ if name.ends_with(".rss") || name.ends_with(".atom") || name.ends_with(".xml") => {
            Kind::Feed
        }
        _ => return None,
    })
}

/// Guess the kind of a file from its first bytes.
fn sniff(head: &[u8]) -> Option<Kind> {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Some(Kind::WarcGz);
    }
    if head.starts_with(b"WARC/") {
        return Some(Kind::Warc);
    }
    let s = String::from_utf8_lossy(head);
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return Some(Kind::Jsonl);
    }
    if feed::is_feed(t) {
        return Some(Kind::Feed);
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return Some(Kind::Html);
    }
    None
}

/// Files under `paths`: directories are walked recursively (sorted, hidden entries and
/// unknown extensions skipped); files named explicitly are always kept.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if kind_of(&p).is_some() {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Longest JSONL line accepted (a line is one article).
const MAX_LINE: u64 = 32 * 1024 * 1024;

/// A JSON Lines line that could not be read as an article: the id it is named by (its own
/// `id`, else the caller's fallback) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub id: String,
    pub error: String,
}

/// One JSON Lines line read by the lenient rules of `rasad extract` (and of the Spark
/// worker-read path, which must give the same articles): `id` a string or a number, else
/// `fallback_id`; `text` a string, required; `outlet`, `url`, `published`, `title` taken
/// when they are strings; any other field ignored. Not UTF-8, broken JSON or no text is a
/// [`BadLine`].
pub fn article_from_json_line(bytes: &[u8], fallback_id: &str) -> Result<Article, BadLine> {
    let bad = |id: &str, error: String| BadLine { id: id.to_string(), error };
    let line = std::str::from_utf8(bytes).map_err(|e| bad(fallback_id, format!("not UTF-8: {e}")))?;
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(fallback_id, format!("broken JSON: {e}")))?;
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id.to_string(),
    };
    let text = match value.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => return Err(bad(&id, "no \"text\" string".into())),
    };
    let s = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Ok(Article { id, outlet: s("outlet"), url: s("url"), published: s("published"), title: s("title"), text })
}


/// Read JSON Lines articles. Blank lines are skipped; bad lines become errors with their
/// line number.
pub fn read_jsonl(
    mut r: impl BufRead,
    source: &str,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = r.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        if n as u64 == MAX_LINE && buf.last() != Some(&b'\n') {
            // Skip the rest of the oversized line.
            let mut rest = Vec::new();
            r.read_until(b'\n', &mut rest)?;
            sink(Item::Error {
                id: Some(format!("{source}:{line_no}")),
                message: "line too long".into(),
            });
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim().trim_start_matches('\u{feff}'),
            Err(e) => {
                sink(Item::Error {
                    id: Some(format!("{source}:{line_no}")),
                    message: format!("not UTF-8: {e}"),
                });
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Article>(text) {
            Ok(a) if a.text.trim().is_empty() => sink(Item::Error {
                id: Some(if a.id.is_empty() {
                    format!("{source}:{line_no}")
                } else {
                    a.id
                }),
                message: "article has no text".into(),
            }),
            Ok(a) => sink(Item::Article(a)),
            Err(e) => sink(Item::Error {
                id: Some(format!("{source}:{line_no}")),
                message: format!("bad JSON article: {e}"),
            }),
        }
    }
}

/// A date `YYYY-MM-DD` somewhere in a file name.
fn date_in_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| html::iso_date(name.get(i..i + 10)?))
}

fn read_all(path: &Path, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Largest text/HTML/feed file read.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Read one input file, calling `sink` for each article or per-article error.
/// Returns an error only when the file as a whole cannot be read.
pub fn read_path(path: &Path, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let source = path.display().to_string();
    let kind = match kind_of(path) {
        Some(k) => k,
        None => {
            let mut head = vec![0u8; 4096];
            let n = std::fs::File::open(path)?.read(&mut head)?;
            sniff(&head[..n]).ok_or_else(|| IngestError::Unsupported(source.clone()))?
        }
    };
    match kind {
        Kind::Jsonl => read_jsonl(BufReader::new(std::fs::File::open(path)?), &source, sink),
        Kind::Text => {
            let text = String::from_utf8_lossy(&read_all(path, MAX_FILE)?).into_owned();
            if text.trim().is_empty() {
                sink(Item::Error {
                    id: Some(source),
                    message: "empty file".into(),
                });
                return Ok(());
            }
            let title = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(|l| l.chars().take(200).collect());
            sink(Item::Article(Article {
                id: source,
                outlet: None,
                url: None,
                published: date_in_name(path),
                title,
                text,
            }));
            Ok(())
        }
        Kind::Html => {
            let html = String::from_utf8_lossy(&read_all(path, MAX_FILE)?).into_owned();
            let mut a = html::page_article(&html, None, &source);
            if a.published.is_none() {
                a.published = date_in_name(path);
            }
            if a.text.trim().is_empty() {
                sink(Item::Error {
                    id: Some(a.id),
                    message: "no article text found in the page".into(),
                });
            } else {
                sink(Item::Article(a));
            }
            Ok(())
        }
        Kind::Feed => {
            let xml = String::from_utf8_lossy(&read_all(path, MAX_FILE)?).into_owned();
            let f = feed::parse_feed(&xml);
            for (i, e) in f.entries.into_iter().enumerate() {
                sink(entry_article(
                    e,
                    f.title.as_deref(),
                    &format!("{source}#{i}"),
                ));
            }
            Ok(())
        }
        Kind::Warc => read_warc_items(BufReader::new(std::fs::File::open(path)?), sink),
        Kind::WarcGz => read_warc_items(
            BufReader::new(flate2::read::MultiGzDecoder::new(std::fs::File::open(
                path,
            )?)),
            sink,
        ),
    }
}

/// An article from a feed entry's own text (used for feed files, and by the watcher when
/// the page cannot be fetched).
pub fn entry_article(e: feed::Entry, outlet: Option<&str>, fallback_id: &str) -> Item {
    let id = e
        .link
        .clone()
        .or(e.id.clone())
        .unwrap_or_else(|| fallback_id.to_string());
    let mut text = e.text;
    if let Some(t) = &e.title {
        if !text.starts_with(t.as_str()) {
            text = if text.is_empty() {
                t.clone()
            } else {
                format!("{t}\n{text}")
            };
        }
    }
    if text.trim().is_empty() {
        return Item::Error {
            id: Some(id),
            message: "feed entry without text".into(),
        };
    }
    Item::Article(Article {
        id,
        outlet: outlet.map(str::to_string),
        url: e.link,
        published: e.published,
        title: e.title,
        text,
    })
}

fn read_warc_items(r: impl BufRead, sink: &mut dyn FnMut(Item)) -> Result<(), IngestError> {
    let mut n = 0;
    warc::read_warc(r, |c| {
        n += 1;
        let mut a = html::page_article(&c.html, c.url.as_deref(), &format!("warc-record-{n}"));
        if a.published.is_none() {
            a.published = c.date;
        }
        if a.text.trim().is_empty() {
            sink(Item::Error {
                id: Some(a.id),
                message: "no article text found in the captured page".into(),
            });
        } else {
            sink(Item::Article(a));
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests;
