//! WARC archives (ISO 28500, plain or `.warc.gz`): the HTML pages they captured.
//!
//! Only `response` records whose HTTP payload is HTML and `resource` records of type
//! `text/html` are articles; request, metadata, warcinfo and non-HTML records are skipped.

use std::io::{BufRead, Read};

use crate::IngestError;

/// One captured page.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub url: Option<String>,
    /// `YYYY-MM-DD` of `WARC-Date` (capture time, a fallback publication date).
    pub date: Option<String>,
    pub html: String,
}

fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    buf.clear();
    // Header lines are short; a cap keeps a corrupt file from eating memory.
    let n = r.by_ref().take(64 * 1024).read_until(b'\n', buf)?;
    Ok(n)
}

/// HTTP header lines as (lower-cased name, value).
type Headers = Vec<(String, String)>;

/// Split an HTTP response into (headers, body); `None` if it is not one.
fn split_http(payload: &[u8]) -> Option<(Headers, &[u8])> {
    if !payload.starts_with(b"HTTP/") {
        return None;
    }
    let end = payload
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| {
            payload
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|p| (p, p + 2))
        })?;
    let head = String::from_utf8_lossy(&payload[..end.0]);
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some((headers, &payload[end.1..]))
}

/// Undo `Transfer-Encoding: chunked`; on malformed input returns what it could decode.
pub fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = body.iter().position(|&b| b == b'\n') {
        let size_line = String::from_utf8_lossy(&body[..nl]);
        let size_hex = size_line.trim().split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            break;
        };
        body = &body[nl + 1..];
        if size == 0 || size > body.len() {
            out.extend_from_slice(&body[..size.min(body.len())]);
            break;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size..];
        while body.first().is_some_and(|b| *b == b'\r' || *b == b'\n') {
            body = &body[1..];
        }
    }
    out
}

fn gunzip(body: &[u8], limit: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(body)
        .take(limit)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Largest record body read into memory; larger records are skipped.
const MAX_RECORD: u64 = 64 * 1024 * 1024;

/// Read every HTML capture of a WARC stream (already decompressed), calling `sink` for
/// each. A truncated or corrupt archive ends with an error after the good records.
pub fn read_warc(mut r: impl BufRead, mut sink: impl FnMut(Capture)) -> Result<u64, IngestError> {
    let mut n = 0;
    let mut line = Vec::new();
    loop {
        // Skip blank lines between records; stop at end of stream.
        loop {
            if read_line(&mut r, &mut line)? == 0 {
                return Ok(n);
            }
            if !line.iter().all(|b| b.is_ascii_whitespace()) {
                break;
            }
        }
        if !line.starts_with(b"WARC/") {
            return Err(IngestError::Parse(format!(
                "WARC: expected a record header, found {:?}",
                String::from_utf8_lossy(&line[..line.len().min(40)])
            )));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            if read_line(&mut r, &mut line)? == 0 {
                return Err(IngestError::Parse("WARC: truncated record header".into()));
            }
            let l = String::from_utf8_lossy(&line);
            let l = l.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let get = |k: &str| {
            headers
                .iter()
                .find(|(h, _)| h == k)
                .map(|(_, v)| v.as_str())
        };
        let len: u64 = get("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| IngestError::Parse("WARC: record without Content-Length".into()))?;
        let kind = get("warc-type").unwrap_or("").to_ascii_lowercase();
        let ctype = get("content-type").unwrap_or("").to_ascii_lowercase();
        let wanted = (kind == "response" && ctype.starts_with("application/http"))
            || (kind == "resource" && ctype.contains("html"));
        if !wanted || len > MAX_RECORD {
            let skipped = std::io::copy(&mut r.by_ref().take(len), &mut std::io::sink())?;
            if skipped < len {
                return Err(IngestError::Parse("WARC: truncated record".into()));
            }
            continue;
        }
        let mut body = Vec::with_capacity(len as usize);
        r.by_ref().take(len).read_to_end(&mut body)?;
        if (body.len() as u64) < len {
            return Err(IngestError::Parse("WARC: truncated record".into()));
        }
        let url = get("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
        let date = get("warc-date").and_then(crate::html::iso_date);
        let html = if kind == "response" {
            let Some((h, payload)) = split_http(&body) else {
                continue;
            };
            let hget = |k: &str| {
                h.iter()
                    .find(|(x, _)| x == k)
                    .map(|(_, v)| v.to_ascii_lowercase())
            };
            if !hget("content-type").is_some_and(|c| c.contains("html")) {
                continue;
            }
            let mut payload = payload.to_vec();
            if hget("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
                payload = dechunk(&payload);
            }
            if hget("content-encoding").is_some_and(|t| t.contains("gzip")) {
                match gunzip(&payload, MAX_RECORD) {
                    Some(p) => payload = p,
                    None => continue,
                }
            }
            String::from_utf8_lossy(&payload).into_owned()
        } else {
            String::from_utf8_lossy(&body).into_owned()
        };
        sink(Capture { url, date, html });
        n += 1;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A WARC record (used by the readers' tests too).
    pub(crate) fn record(kind: &str, uri: &str, ctype: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-14T10:00:00Z\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    pub(crate) fn sample() -> Vec<u8> {
        let html = "<html><body><article><p>قصفت المسيرات التركية قرية الهيمو في ريف الحسكة وقتل عنصران.</p></article></body></html>";
        let chunked = format!("{:x}\r\n{}\r\n0\r\n\r\n", html.len(), html);
        let mut w = record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        );
        w.extend(record(
            "request",
            "http://a.test/1",
            "application/http; msgtype=request",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ));
        let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}");
        w.extend(record(
            "response",
            "http://a.test/1",
            "application/http; msgtype=response",
            resp.as_bytes(),
        ));
        let img = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        w.extend(record(
            "response",
            "http://a.test/x.png",
            "application/http; msgtype=response",
            img,
        ));
        w
    }

    #[test]
    fn html_responses_are_read_and_the_rest_skipped() {
        let mut got = Vec::new();
        let n = read_warc(sample().as_slice(), |c| got.push(c)).unwrap();
        assert_eq!(n, 1);
        assert_eq!(got[0].url.as_deref(), Some("http://a.test/1"));
        assert_eq!(got[0].date.as_deref(), Some("2024-05-14"));
        assert!(
            got[0].html.starts_with("<html>") && got[0].html.ends_with("</html>"),
            "{}",
            got[0].html
        );
    }

    #[test]
    fn truncated_archive_is_an_error_after_good_records() {
        let w = sample();
        let cut = &w[..w.len() - 30];
        let mut got = 0;
        assert!(read_warc(cut, |_| got += 1).is_err());
        assert_eq!(got, 1);
        assert!(read_warc(&b"not a warc"[..], |_| {}).is_err());
        assert_eq!(read_warc(&b""[..], |_| {}).unwrap(), 0);
    }
}
