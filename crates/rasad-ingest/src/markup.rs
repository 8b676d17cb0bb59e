//! A lenient tokenizer for HTML and XML (feeds): tags with attributes, text, CDATA.
//!
//! News pages are rarely valid HTML and feeds are often not valid XML; a forgiving
//! tokenizer that never fails (unclosed tags, stray `<`, broken entities) serves both,
//! and keeps the dependency tree small.

/// One piece of markup.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// `<name a="b">`; `name` lower-cased, `self_closing` for `<br/>`.
    Open {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    /// `</name>`.
    Close { name: String },
    /// Text with entities decoded (CDATA sections are text too, not decoded).
    Text(String),
}

/// Decode HTML/XML character references (`&amp;`, `&#1575;`, `&#x627;`, common named ones);
/// unknown or broken references are kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c.is_whitespace() || c == '<')
            .map(|j| j + 1);
        let Some(end) = end.filter(|&e| rest.as_bytes()[e] == b';' && e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                num.parse::<u32>().ok()
            };
            code.and_then(char::from_u32).map(|c| c.to_string())
        } else {
            named_entity(name).map(str::to_string)
        };
        match decoded {
            Some(d) => {
                out.push_str(&d);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "laquo" => "«",
        "raquo" => "»",
        "hellip" => "…",
        "mdash" => "—",
        "ndash" => "–",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "zwnj" => "\u{200c}",
        "zwj" => "\u{200d}",
        "rlm" => "\u{200f}",
        "lrm" => "\u{200e}",
        "copy" => "©",
        "middot" => "·",
        "bull" => "•",
        _ => return None,
    })
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = decode_entities(&s[vs..i.min(b.len())]);
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = decode_entities(&s[vs..i]);
            }
        }
        out.push((name, value));
    }
    out
}

/// Elements whose content is raw text, not markup.
const RAW: &[&str] = &["script", "style", "textarea", "title"];

/// Tokenize markup. Never fails; garbage comes out as text.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = src;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push(Token::Text(decode_entities(rest)));
            break;
        };
        if lt > 0 {
            out.push(Token::Text(decode_entities(&rest[..lt])));
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map(|j| &r[j + 3..]).unwrap_or("");
            continue;
        }
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let (text, after) = r
                .find("]]>")
                .map(|j| (&r[..j], &r[j + 3..]))
                .unwrap_or((r, ""));
            out.push(Token::Text(text.to_string()));
            rest = after;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map(|j| &rest[j + 1..]).unwrap_or("");
            continue;
        }
        let closing = rest.starts_with("</");
        let body_start = if closing { 2 } else { 1 };
        let name_ok = rest[body_start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
        if !name_ok {
            out.push(Token::Text("<".into()));
            rest = &rest[1..];
            continue;
        }
        // Find the end of the tag, skipping quoted attribute values.
        let bytes = rest.as_bytes();
        let mut j = body_start;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            j += 1;
        }
        let inner = &rest[body_start..j.min(rest.len())];
        rest = if j < rest.len() { &rest[j + 1..] } else { "" };
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        if closing {
            out.push(Token::Close { name });
            continue;
        }
        let self_closing = inner.trim_end().ends_with('/');
        let attrs = parse_attrs(&inner[name_end..]);
        let raw = RAW.contains(&name.as_str()) && !self_closing;
        out.push(Token::Open {
            name: name.clone(),
            attrs,
            self_closing,
        });
        if raw {
            // Raw text runs to the matching close tag (case-insensitive search).
            let lower = rest.to_ascii_lowercase();
            let close = format!("</{name}");
            let end = lower.find(&close).unwrap_or(rest.len());
            let text = &rest[..end];
            out.push(Token::Text(if name == "title" || name == "textarea" {
                decode_entities(text)
            } else {
                text.to_string()
            }));
            rest = &rest[end..];
        }
    }
    out
}

/// Text of a fragment with tags stripped and whitespace collapsed (feed summaries).
pub fn strip_tags(src: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut skip = 0usize;
    for t in tokenize(src) {
        match t {
            Token::Open {
                name, self_closing, ..
            } => {
                if matches!(name.as_str(), "script" | "style") && !self_closing {
                    skip += 1;
                } else if is_block(&name) {
                    flush(&mut line, &mut parts);
                }
            }
            Token::Close { name } => {
                if matches!(name.as_str(), "script" | "style") {
                    skip = skip.saturating_sub(1);
                } else if is_block(&name) {
                    flush(&mut line, &mut parts);
                }
            }
            Token::Text(t) if skip == 0 => line.push_str(&t),
            Token::Text(_) => {}
        }
    }
    flush(&mut line, &mut parts);
    parts.join("\n")
}

pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "main"
            | "nav"
            | "aside"
            | "hr"
            | "pre"
            | "dd"
            | "dt"
            | "dl"
    )
}

pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn flush(line: &mut String, parts: &mut Vec<String>) {
    let c = collapse(line);
    if !c.is_empty() {
        parts.push(c);
    }
    line.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_and_broken_ones_survive() {
        assert_eq!(
            decode_entities("a &amp; b &#1575;&#x644; &laquo;x&raquo;"),
            "a & b ال «x»"
        );
        assert_eq!(
            decode_entities("AT&T &bogus; &#xZZ; & ;"),
            "AT&T &bogus; &#xZZ; & ;"
        );
        assert_eq!(decode_entities("&#1114112;"), "&#1114112;");
    }

    #[test]
    fn tags_attrs_cdata_and_garbage() {
        let t = tokenize(
            r#"<a href='x>y' class=big>hi</a><br/><![CDATA[<b>raw</b>]]> 3 < 4 <script>if (a<b) {}</script>"#,
        );
        assert_eq!(
            t[0],
            Token::Open {
                name: "a".into(),
                attrs: vec![
                    ("href".into(), "x>y".into()),
                    ("class".into(), "big".into())
                ],
                self_closing: false
            }
        );
        assert!(t.contains(&Token::Text("<b>raw</b>".into())));
        assert!(t.contains(&Token::Text("if (a<b) {}".into())));
        assert!(matches!(
            t[3],
            Token::Open {
                self_closing: true,
                ..
            }
        ));
        for junk in [
            "<",
            "</",
            "<a",
            "<a href=\"",
            "<!--",
            "<![CDATA[",
            "&",
            "<<>>",
            "\u{0}<\u{fffd}",
        ] {
            let _ = tokenize(junk);
            let _ = strip_tags(junk);
        }
    }

    #[test]
    fn strip_tags_keeps_block_breaks() {
        assert_eq!(
            strip_tags("<p>قصف  على</p><p>إدلب<script>x</script></p>"),
            "قصف على\nإدلب"
        );
    }
}
