//! JSON Lines read by the Spark worker itself (the worker-read path of `rasad.spark`): a
//! byte range of a `.jsonl` file, cut at line starts by the Python side, parsed line by
//! line as `rasad extract` parses its input, so both give the same articles.
//!
//! Why here and not in Python: the worker would otherwise hold the GIL for one
//! `json.loads` and one dict per article; parsing in Rust runs with the GIL released and
//! hands rows straight to the extractor. The rules are the CLI's own
//! (`rasad_ingest::article_from_json_line`); [`tests`] pins them (id as string or number,
//! `text` required, other fields only when they are strings, blank lines skipped).
//!
//! A line that cannot be read (not UTF-8, broken JSON, no text) is one error, named by
//! its id when it has one, else by `source@byte` (the line's byte offset in the file: a
//! split does not know its line numbers).

use crate::articles::Row;

/// One line of input: an article row, or why the line could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Article(Row),
    Bad { id: String, error: String },
}

/// The articles of `data`, a run of whole lines that starts at byte `offset` of the file
/// `source` (the last line may lack its newline).
pub fn parse_lines(data: &[u8], source: &str, offset: u64) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for raw in data.split(|&b| b == b'\n') {
        let start = at;
        at += raw.len() + 1;
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        out.push(parse_line(line, &format!("{source}@{}", offset + start as u64)));
    }
    out
}

/// One line, by the rules of `rasad extract` ([`rasad_ingest::article_from_json_line`];
/// `fallback_id` names lines without an id).
pub fn parse_line(bytes: &[u8], fallback_id: &str) -> Line {
    match rasad_ingest::article_from_json_line(bytes, fallback_id) {
        Ok(a) => Line::Article(Row { id: a.id, text: Some(a.text), published: a.published, outlet: a.outlet, url: a.url }),
        Err(b) => Line::Bad { id: b.id, error: b.error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| match l {
                Line::Article(r) => r.id.clone(),
                Line::Bad { id, .. } => format!("bad {id}"),
            })
            .collect()
    }

    #[test]
    fn the_cli_rules() {
        let data = "{\"id\":\"a\",\"text\":\"قصف على إدلب\",\"published\":\"2024-03-06\",\"outlet\":\"سانا\",\"url\":null}\r\n\
                    \n   \n\
                    {\"id\":7,\"text\":\"نص\",\"outlet\":3}\n\
                    {\"text\":\"بلا معرف\"}\n\
                    {\"id\":\"b\"}\n\
                    {\"id\":\"c\",\"text\":\n\
                    {\"id\":[1],\"text\":\"x\"}";
        let got = parse_lines(data.as_bytes(), "f.jsonl", 1000);
        assert_eq!(got.len(), 6);
        assert_eq!(
            got[0],
            Line::Article(Row {
                id: "a".into(),
                text: Some("قصف على إدلب".into()),
                published: Some("2024-03-06".into()),
                outlet: Some("سانا".into()),
                url: None,
            })
        );
        // A number id is kept as its digits; a non-string outlet is dropped.
        assert_eq!(got[1], Line::Article(Row { id: "7".into(), text: Some("نص".into()), ..Default::default() }));
        // No id: the line's byte offset in the file names it.
        let third = data.find("{\"text\"").unwrap() as u64 + 1000;
        assert_eq!(ids(&got)[2], format!("f.jsonl@{third}"));
        assert_eq!(got[3], Line::Bad { id: "b".into(), error: "no \"text\" string".into() });
        assert!(matches!(&got[4], Line::Bad { error, .. } if error.starts_with("broken JSON")), "{:?}", got[4]);
        assert!(matches!(&got[5], Line::Article(r) if r.id.starts_with("f.jsonl@")));
    }

    #[test]
    fn bytes_that_are_not_text_are_errors_not_panics() {
        let got = parse_lines(b"\xff\xfe{\"id\":1}\n\0\0\0\n{\"id\":\"z\",\"text\":\"\xc3\"}", "g", 0);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|l| matches!(l, Line::Bad { .. })));
        assert_eq!(ids(&got)[0], "bad g@0");
        assert!(parse_lines(b"", "g", 0).is_empty());
    }
}
