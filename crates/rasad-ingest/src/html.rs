//! Article pages: text, title, publication date and outlet from an HTML page.
//!
//! Boilerplate removal is the classic block heuristic: drop whole subtrees that are never
//! article text (script, style, nav, header, footer, aside, form, menus), prefer the
//! `<article>` element when the page has one, then keep text blocks that are not mostly
//! links and are long enough to be prose. Metadata comes from OpenGraph/`article:` meta
//! tags, `<time datetime>`, JSON-LD `datePublished`, then `<title>`.

use rasad_model::Article;

use crate::markup::{collapse, is_block, tokenize, Token};

/// Subtrees that are never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "button", "select", "template", "menu", "figure", "object", "video", "audio",
];
/// Class/id words that mark boilerplate containers (share bars, related links, comments).
const BOILER_MARKS: &[&str] = &[
    "share",
    "social",
    "related",
    "comment",
    "footer",
    "header",
    "menu",
    "breadcrumb",
    "sidebar",
    "newsletter",
    "advert",
    "cookie",
    "tags",
    "subscribe",
    "navbar",
    "widget",
    "promo",
];
const VOID: &[&str] = &[
    "br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed",
    "param", "track",
];

#[derive(Default)]
struct Block {
    text: String,
    link_chars: usize,
    in_article: bool,
    heading: bool,
}

/// Metadata and text of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub title: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

fn is_boiler(attrs: &[(String, String)]) -> bool {
    attrs.iter().any(|(k, v)| {
        (k == "class" || k == "id" || k == "role")
            && v.to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| {
                    BOILER_MARKS.contains(&w)
                        || w == "navigation"
                        || w == "banner"
                        || w == "contentinfo"
                })
    })
}

/// `YYYY-MM-DD` from the start of an ISO-like timestamp, if it has one.
pub fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
    {
        Some(s[..10].to_string())
    } else {
        None
    }
}

/// `YYYY-MM-DD` of an RFC 2822 date ("Wed, 02 Oct 2024 13:00:00 GMT") or an ISO one.
pub fn any_date(s: &str) -> Option<String> {
    if let Some(d) = iso_date(s) {
        return Some(d);
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.windows(3) {
        let day: Option<u32> = w[0].parse().ok().filter(|d| (1..=31).contains(d));
        let month = MONTHS
            .iter()
            .position(|m| w[1].to_ascii_lowercase().starts_with(m));
        let year: Option<u32> = w[2].parse().ok().filter(|y| (1900..=2200).contains(y));
        if let (Some(d), Some(m), Some(y)) = (day, month, year) {
            return Some(format!("{y:04}-{:02}-{d:02}", m + 1));
        }
    }
    None
}

fn json_ld_field(script: &str, key: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(script.trim()).ok()?;
    fn walk(v: &serde_json::Value, key: &str) -> Option<String> {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(x) = m.get(key) {
                    match x {
                        serde_json::Value::String(s) => return Some(s.clone()),
                        serde_json::Value::Object(o) => {
                            if let Some(serde_json::Value::String(s)) = o.get("name") {
                                return Some(s.clone());
                            }
                        }
                        _ => {}
                    }
                }
                m.values().find_map(|x| walk(x, key))
            }
            serde_json::Value::Array(a) => a.iter().find_map(|x| walk(x, key)),
            _ => None,
        }
    }
    walk(&v, key)
}

/// Parse a page. `url` is where it came from (used as the outlet when the page names none).
pub fn parse_page(html: &str, url: Option<&str>) -> Page {
    let tokens = tokenize(html);
    let mut page = Page {
        url: url.map(str::to_string),
        ..Default::default()
    };
    let mut title_tag: Option<String> = None;
    let mut h1: Option<String> = None;
    let mut canonical: Option<String> = None;
    // Pass 1: metadata.
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Open { name, attrs, .. } = &tokens[i] {
            let get = |k: &str| {
                attrs
                    .iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.trim().to_string())
            };
            match name.as_str() {
                "meta" => {
                    let key = get("property")
                        .or_else(|| get("name"))
                        .or_else(|| get("itemprop"))
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    let content = get("content").filter(|c| !c.is_empty());
                    if let Some(c) = content {
                        match key.as_str() {
                            "og:title" | "twitter:title" if page.title.is_none() => {
                                page.title = Some(c)
                            }
                            "article:published_time"
                            | "datepublished"
                            | "pubdate"
                            | "publishdate"
                            | "date"
                            | "dc.date"
                            | "dc.date.issued"
                            | "sailthru.date"
                            | "og:published_time"
                                if page.published.is_none() =>
                            {
                                page.published = any_date(&c)
                            }
                            "og:site_name" | "application-name" | "publisher"
                                if page.outlet.is_none() =>
                            {
                                page.outlet = Some(c)
                            }
                            "og:url" if canonical.is_none() => canonical = Some(c),
                            _ => {}
                        }
                    }
                }
                "link" if get("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                    canonical = canonical.or(get("href"));
                }
                "time" if page.published.is_none() => {
                    page.published = get("datetime").and_then(|d| any_date(&d))
                }
                "title" => {
                    if let Some(Token::Text(t)) = tokens.get(i + 1) {
                        title_tag = Some(collapse(t)).filter(|t| !t.is_empty());
                    }
                }
                "script" if get("type").is_some_and(|t| t.contains("ld+json")) => {
                    if let Some(Token::Text(t)) = tokens.get(i + 1) {
                        if page.published.is_none() {
                            page.published =
                                json_ld_field(t, "datePublished").and_then(|d| any_date(&d));
                        }
                        if page.outlet.is_none() {
                            page.outlet = json_ld_field(t, "publisher");
                        }
                        if page.title.is_none() {
                            page.title = json_ld_field(t, "headline");
                        }
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    let has_article = tokens
        .iter()
        .any(|t| matches!(t, Token::Open { name, .. } if name == "article"));

    // Pass 2: text blocks.
    let mut blocks: Vec<Block> = Vec::new();
    let mut cur = Block::default();
    let mut stack: Vec<(String, bool)> = Vec::new(); // (element, skipping)
    let mut skip_depth = 0usize;
    let mut article_depth = 0usize;
    let mut link_depth = 0usize;
    let mut heading_depth = 0usize;
    let push_block = |cur: &mut Block, blocks: &mut Vec<Block>| {
        let text = collapse(&cur.text);
        if !text.is_empty() {
            blocks.push(Block {
                text,
                ..std::mem::take(cur)
            });
        }
        *cur = Block::default();
    };
    for t in &tokens {
        match t {
            Token::Open {
                name,
                attrs,
                self_closing,
            } => {
                let void = *self_closing || VOID.contains(&name.as_str());
                if is_block(name) {
                    push_block(&mut cur, &mut blocks);
                }
                if void {
                    continue;
                }
                let skipping = SKIP.contains(&name.as_str())
                    || (is_boiler(attrs) && name != "body" && name != "article");
                if skipping {
                    skip_depth += 1;
                }
                match name.as_str() {
                    "article" => article_depth += 1,
                    "a" => link_depth += 1,
                    "h1" | "h2" | "h3" => heading_depth += 1,
                    _ => {}
                }
                stack.push((name.clone(), skipping));
            }
            Token::Close { name } => {
                if is_block(name) {
                    push_block(&mut cur, &mut blocks);
                }
                // Pop to the matching open element (tolerates unclosed children).
                if let Some(pos) = stack.iter().rposition(|(n, _)| n == name) {
                    for (n, skipping) in stack.drain(pos..).rev() {
                        if skipping {
                            skip_depth = skip_depth.saturating_sub(1);
                        }
                        match n.as_str() {
                            "article" => article_depth = article_depth.saturating_sub(1),
                            "a" => link_depth = link_depth.saturating_sub(1),
                            "h1" | "h2" | "h3" => heading_depth = heading_depth.saturating_sub(1),
                            _ => {}
                        }
                    }
                }
            }
            Token::Text(text) => {
                if skip_depth > 0 || stack.iter().any(|(n, _)| n == "title" || n == "head") {
                    continue;
                }
                let n = text.chars().filter(|c| !c.is_whitespace()).count();
                if n == 0 {
                    cur.text.push(' ');
                    continue;
                }
                if link_depth > 0 {
                    cur.link_chars += n;
                }
                cur.in_article |= article_depth > 0;
                cur.heading |= heading_depth > 0;
                cur.text.push_str(text);
            }
        }
    }
    push_block(&mut cur, &mut blocks);
    for b in &blocks {
        if b.heading && h1.is_none() && (!has_article || b.in_article) {
            h1 = Some(b.text.clone());
        }
    }
    let kept: Vec<&str> = blocks
        .iter()
        .filter(|b| !has_article || b.in_article)
        .filter(|b| !b.heading)
        .filter(|b| {
            let chars = b.text.chars().filter(|c| !c.is_whitespace()).count().max(1);
            let words = b.text.split_whitespace().count();
            b.link_chars * 2 < chars
                && (words >= 6 || b.text.ends_with(['.', '!', '?', '؟', '»', '"']))
        })
        .map(|b| b.text.as_str())
        .collect();
    page.text = kept.join("\n");
    page.title = page.title.or(h1).or(title_tag);
    page.url = page.url.or(canonical);
    if page.outlet.is_none() {
        page.outlet = page.url.as_deref().and_then(host);
    }
    page
}

/// The host of an `http(s)://host/...` URL, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let h = rest
        .split(['/', '?', '#'])
        .next()?
        .split('@')
        .next_back()?
        .split(':')
        .next()?;
    let h = h.strip_prefix("www.").unwrap_or(h);
    (!h.is_empty()).then(|| h.to_ascii_lowercase())
}

/// An article from a page; the id is the URL when known, else `fallback_id`.
pub fn page_article(html: &str, url: Option<&str>, fallback_id: &str) -> Article {
    let p = parse_page(html, url);
    Article {
        id: p.url.clone().unwrap_or_else(|| fallback_id.to_string()),
        outlet: p.outlet,
        url: p.url,
        published: p.published,
        title: p.title,
        text: p.text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html><html><head>
<title>قصف على أريحا - عنب بلدي</title>
<meta property="og:site_name" content="عنب بلدي">
<meta property="og:title" content="قتلى بقصف لقوات النظام على أريحا">
<meta property="article:published_time" content="2023-10-12T09:30:00+03:00">
<link rel="canonical" href="https://www.enabbaladi.net/archives/1">
<script>var x = "<p>not text</p>";</script>
</head><body>
<header><nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a></nav></header>
<div class="share-bar"><a href="#">شارك المقال على فيسبوك وتويتر وتلغرام الآن</a></div>
<article>
<h1>قتلى بقصف لقوات النظام على أريحا</h1>
<p>قتل مدنيان وأصيب خمسة آخرون بقصف مدفعي لقوات النظام على مدينة أريحا جنوبي إدلب، صباح اليوم الخميس.</p>
<p>وقال الدفاع المدني إن فرقه انتشلت الضحايا من تحت الأنقاض &amp; أسعفت الجرحى.</p>
<p><a href="/a">اقرأ أيضاً: تصعيد في ريف إدلب</a></p>
</article>
<aside><p>الأكثر قراءة: عشرة أخبار لا تفوتك اليوم من سوريا والعالم</p></aside>
<footer><p>جميع الحقوق محفوظة لعنب بلدي ٢٠٢٣ وكل المواد المنشورة</p></footer>
</body></html>"##;

    #[test]
    fn page_metadata_and_text_without_boilerplate() {
        let p = parse_page(PAGE, None);
        assert_eq!(p.title.as_deref(), Some("قتلى بقصف لقوات النظام على أريحا"));
        assert_eq!(p.published.as_deref(), Some("2023-10-12"));
        assert_eq!(p.outlet.as_deref(), Some("عنب بلدي"));
        assert_eq!(
            p.url.as_deref(),
            Some("https://www.enabbaladi.net/archives/1")
        );
        assert!(p.text.starts_with("قتل مدنيان"), "{}", p.text);
        assert!(p.text.contains("& أسعفت"));
        for junk in [
            "الرئيسية",
            "شارك",
            "اقرأ أيضاً",
            "الأكثر قراءة",
            "الحقوق",
            "not text",
        ] {
            assert!(!p.text.contains(junk), "{junk} in {}", p.text);
        }
        assert_eq!(p.text.lines().count(), 2);
    }

    #[test]
    fn pages_without_article_element_and_dates_in_other_places() {
        let html = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-02-21T10:00:00Z","publisher":{"@type":"Organization","name":"المرصد السوري"}}</script></head>
<body><div id="menu"><a href="/">رئيسية</a></div><div class="content"><p>اندلعت اشتباكات عنيفة بين فرقة الحمزة والجبهة الشامية في قرية قباسين بريف الباب.</p></div></body></html>"#;
        let p = parse_page(html, Some("http://www.syriahr.com/x"));
        assert_eq!(p.published.as_deref(), Some("2024-02-21"));
        assert_eq!(p.outlet.as_deref(), Some("المرصد السوري"));
        assert!(p.text.contains("قباسين"));
        assert!(!p.text.contains("رئيسية"));
        let bare = parse_page(
            "<p>نص قصير جداً لكنه يكفي ليكون جملة كاملة هنا.</p>",
            Some("https://www.sana.sy/?p=1"),
        );
        assert_eq!(bare.outlet.as_deref(), Some("sana.sy"));
    }

    #[test]
    fn dates_in_feed_and_meta_forms() {
        assert_eq!(
            any_date("Wed, 02 Oct 2024 13:00:00 GMT").as_deref(),
            Some("2024-10-02")
        );
        assert_eq!(
            any_date("2024-05-14T08:00:00+03:00").as_deref(),
            Some("2024-05-14")
        );
        assert_eq!(any_date("yesterday"), None);
        assert_eq!(any_date("32 Foo 99999"), None);
        assert_eq!(
            host("https://user@www.Rudaw.net:443/arabic/x?y"),
            Some("rudaw.net".into())
        );
        assert_eq!(host("not a url"), None);
    }
}
