//! RSS 2.0 and Atom feeds: one entry per item, with link, title, date and body.

use crate::html::any_date;
use crate::markup::{collapse, strip_tags, tokenize, Token};

/// One feed item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub id: Option<String>,
    pub link: Option<String>,
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
    /// The item's text (content, else description/summary), tags stripped.
    pub text: String,
}

/// A parsed feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    pub title: Option<String>,
    pub entries: Vec<Entry>,
}

/// Whether `src` looks like an RSS or Atom document.
pub fn is_feed(src: &str) -> bool {
    let head: String = src
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf")
}

/// Parse RSS 2.0 / RSS 1.0 / Atom leniently; never fails (a broken feed yields fewer entries).
pub fn parse_feed(src: &str) -> Feed {
    let mut feed = Feed::default();
    let mut cur: Option<Entry> = None;
    let mut content: Option<String> = None;
    let mut field: Option<String> = None;
    let mut buf = String::new();
    for t in tokenize(src) {
        match t {
            Token::Open {
                name,
                attrs,
                self_closing,
            } => {
                let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                if local == "item" || local == "entry" {
                    cur = Some(Entry::default());
                    content = None;
                    continue;
                }
                if let (Some(e), "link") = (cur.as_mut(), local.as_str()) {
                    // Atom: <link rel="alternate" href="..."/>.
                    let href = attrs
                        .iter()
                        .find(|(k, _)| k == "href")
                        .map(|(_, v)| v.clone());
                    let rel = attrs
                        .iter()
                        .find(|(k, _)| k == "rel")
                        .map(|(_, v)| v.as_str())
                        .unwrap_or("alternate");
                    if let Some(h) = href {
                        if rel == "alternate" && e.link.is_none() {
                            e.link = Some(h.trim().to_string());
                        }
                    }
                }
                if !self_closing {
                    field = Some(name);
                    buf.clear();
                }
            }
            Token::Text(t) => {
                if field.is_some() {
                    buf.push_str(&t);
                }
            }
            Token::Close { name } => {
                let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                if local == "item" || local == "entry" {
                    if let Some(mut e) = cur.take() {
                        if let Some(c) = content.take().filter(|c| !c.trim().is_empty()) {
                            e.text = c;
                        }
                        feed.entries.push(e);
                    }
                    field = None;
                    continue;
                }
                if field.as_deref() != Some(name.as_str()) {
                    field = None;
                    continue;
                }
                field = None;
                let value = buf.trim().to_string();
                match cur.as_mut() {
                    None => {
                        if local == "title" && feed.title.is_none() && !value.is_empty() {
                            feed.title = Some(collapse(&strip_tags(&value)));
                        }
                    }
                    Some(e) => match (name.as_str(), local.as_str()) {
                        (_, "title") => {
                            e.title = Some(collapse(&strip_tags(&value))).filter(|s| !s.is_empty())
                        }
                        (_, "link") if !value.is_empty() && e.link.is_none() => {
                            e.link = Some(value)
                        }
                        (_, "guid") | (_, "id") => e.id = Some(value).filter(|s| !s.is_empty()),
                        (_, "pubdate") | (_, "published") | ("dc:date", _) => {
                            e.published = any_date(&value).or(e.published.take())
                        }
                        (_, "updated") if e.published.is_none() => e.published = any_date(&value),
                        ("content:encoded", _) | (_, "content") => {
                            content = Some(strip_tags(&value))
                        }
                        (_, "description") | (_, "summary") => e.text = strip_tags(&value),
                        _ => {}
                    },
                }
            }
        }
    }
    feed
}

/// Resolve a possibly relative link against the feed's URL.
pub fn resolve(base: &str, link: &str) -> String {
    let link = link.trim();
    if link.contains("://") {
        return link.to_string();
    }
    let Some((scheme, rest)) = base.split_once("://") else {
        return link.to_string();
    };
    let host = rest.split('/').next().unwrap_or("");
    if let Some(l) = link.strip_prefix("//") {
        return format!("{scheme}://{l}");
    }
    if link.starts_with('/') {
        return format!("{scheme}://{host}{link}");
    }
    let dir = match base.rfind('/') {
        Some(i) if i > scheme.len() + 2 => &base[..i + 1],
        _ => return format!("{scheme}://{host}/{link}"),
    };
    format!("{dir}{link}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items_with_cdata_and_encoded_html() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>شفق نيوز</title><link>https://shafaq.com</link>
<item><title>هجوم على عين الأسد</title><link>https://shafaq.com/ar/1</link>
<guid isPermaLink="false">sh-1</guid><pubDate>Thu, 07 Dec 2023 10:00:00 +0300</pubDate>
<description>&lt;p&gt;تعرضت قاعدة عين الأسد لهجوم بطائرة مسيرة&lt;/p&gt;</description></item>
<item><title><![CDATA[قصف تركي]]></title><link>/ar/2</link>
<content:encoded><![CDATA[<p>قصفت المسيرات التركية قرية الهيمو.</p><p>وقتل عنصران.</p>]]></content:encoded>
<description>مختصر</description></item>
</channel></rss>"#;
        assert!(is_feed(rss));
        let f = parse_feed(rss);
        assert_eq!(f.title.as_deref(), Some("شفق نيوز"));
        assert_eq!(f.entries.len(), 2);
        let a = &f.entries[0];
        assert_eq!(a.link.as_deref(), Some("https://shafaq.com/ar/1"));
        assert_eq!(a.id.as_deref(), Some("sh-1"));
        assert_eq!(a.published.as_deref(), Some("2023-12-07"));
        assert_eq!(a.text, "تعرضت قاعدة عين الأسد لهجوم بطائرة مسيرة");
        let b = &f.entries[1];
        assert_eq!(b.title.as_deref(), Some("قصف تركي"));
        assert_eq!(
            b.text, "قصفت المسيرات التركية قرية الهيمو.\nوقتل عنصران.",
            "content:encoded wins over description"
        );
        assert_eq!(
            resolve(
                "https://shafaq.com/rss/feed.xml",
                b.link.as_deref().unwrap()
            ),
            "https://shafaq.com/ar/2"
        );
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>روداو</title>
<entry><id>tag:rudaw,1</id><title type="html">غارة</title>
<link rel="alternate" href="https://rudaw.net/1"/><link rel="enclosure" href="https://rudaw.net/1.jpg"/>
<published>2024-05-15T08:00:00Z</published><summary>غارة تركية على الهيمو</summary></entry></feed>"#;
        assert!(is_feed(atom));
        let f = parse_feed(atom);
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].link.as_deref(), Some("https://rudaw.net/1"));
        assert_eq!(f.entries[0].published.as_deref(), Some("2024-05-15"));
        assert_eq!(f.entries[0].text, "غارة تركية على الهيمو");
    }

    #[test]
    fn broken_feeds_do_not_panic() {
        for junk in [
            "<rss><item><title>x",
            "<feed><entry><link href=",
            "",
            "<item></entry></item>",
        ] {
            let _ = parse_feed(junk);
        }
        assert_eq!(
            resolve("http://h:8080/a/feed.xml", "b.html"),
            "http://h:8080/a/b.html"
        );
        assert_eq!(resolve("http://h", "b.html"), "http://h/b.html");
    }
}
