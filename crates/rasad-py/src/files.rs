//! Article files given as bytes: how `rasad.spark run` reads WARC(.gz), HTML and feed files
//! wherever Spark finds them (HDFS, S3, local disks) with the readers of `rasad ingest`.
//!
//! [`rasad_ingest::read_path`] reads paths and picks the format by the file name, so the
//! bytes are written to a private temporary file of the same name first; ids that would
//! name that temporary path name the original instead.

use rasad_ingest::Item;
use std::sync::atomic::{AtomicU64, Ordering};

/// One article read from a file, or (`error` set) a record that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileArticle {
    pub id: String,
    pub text: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub error: Option<String>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The articles of the file `name` (a path or URL; its last component picks the format)
/// holding `data`. A file that cannot be read at all is one error row.
pub fn read_file(name: &str, data: &[u8]) -> Vec<FileArticle> {
    let base = name.rsplit(['/', '\\']).next().filter(|b| !b.is_empty()).unwrap_or("input");
    let dir = std::env::temp_dir().join(format!(
        "rasad-py-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let err = |msg: String| vec![FileArticle { id: name.to_string(), error: Some(msg), ..Default::default() }];
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return err(format!("cannot create a temporary folder: {e}"));
    }
    let path = dir.join(base);
    let mut out = Vec::new();
    let result = std::fs::write(&path, data).map_err(|e| e.to_string()).and_then(|_| {
        let tmp = path.display().to_string();
        let fix = |id: String| match id.strip_prefix(&tmp) {
            Some(rest) => format!("{name}{rest}"),
            None => id,
        };
        rasad_ingest::read_path(&path, &mut |item| match item {
            Item::Article(a) => out.push(FileArticle {
                id: fix(a.id),
                text: Some(a.text),
                published: a.published,
                outlet: a.outlet,
                url: a.url,
                error: None,
            }),
            Item::Error { id, message } => out.push(FileArticle {
                id: fix(id.unwrap_or_else(|| name.to_string())),
                error: Some(message),
                ..Default::default()
            }),
        })
        .map_err(|e| e.to_string())
    });
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(()) => out,
        Err(e) => {
            out.extend(err(e));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warc_bytes_give_their_html_articles() {
        let html = "<html><head><title>قصف</title><meta property=\"article:published_time\" content=\"2024-03-06\"></head><body><article><p>قتل ثلاثة مدنيين أمس بقصف مدفعي على بلدة كفرنبل في ريف إدلب الجنوبي، وفق ما أفاد مراسلنا في المنطقة.</p></article></body></html>";
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len());
        let warc = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a/1\r\nWARC-Date: 2024-03-06T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        );
        let got = read_file("s3://bucket/crawl/x.warc", warc.as_bytes());
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].error.is_none(), "{got:?}");
        assert!(got[0].text.as_deref().unwrap_or("").contains("كفرنبل"), "{got:?}");
        assert_eq!(got[0].url.as_deref(), Some("https://example.org/a/1"));
    }

    #[test]
    fn garbage_is_rows_not_panics() {
        for (name, data) in [("x.warc.gz", &b"\x1f\x8bnot gzip"[..]), ("y.warc", b"garbage"), ("", b""), ("z.bin", b"\0\0\0")] {
            let rows = read_file(name, data);
            assert!(rows.iter().all(|r| r.error.is_some() || r.text.is_some()));
        }
    }
}
