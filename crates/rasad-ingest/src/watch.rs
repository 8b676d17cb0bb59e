//! The feed watcher: poll feeds over HTTP and fetch the pages of new entries.
//!
//! Plain HTTP is built in; HTTPS needs the `https` feature (rustls), kept off by default
//! because its crypto backend is a heavy C/assembly build.

use std::collections::HashSet;
use std::time::Duration;

use crate::feed::{parse_feed, resolve};
use crate::html::page_article;
use crate::{entry_article, Item};

/// A failed HTTP fetch.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {message}")]
    Http { url: String, message: String },
}

/// Largest feed or page fetched.
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// Polls feeds, remembering which entries it has already handed out.
pub struct Watcher {
    agent: ureq::Agent,
    seen: HashSet<String>,
}

impl Default for Watcher {
    fn default() -> Self {
        Watcher::new(Duration::from_secs(30))
    }
}

impl Watcher {
    /// A watcher whose every request gives up after `timeout`.
    pub fn new(timeout: Duration) -> Watcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .user_agent(concat!("rasad/", env!("CARGO_PKG_VERSION")))
            .max_redirects(5)
            .build()
            .into();
        Watcher {
            agent,
            seen: HashSet::new(),
        }
    }

    /// GET `url` and return the body (lossy UTF-8). Non-2xx statuses are errors.
    pub fn get(&self, url: &str) -> Result<String, FetchError> {
        let err = |message: String| FetchError::Http {
            url: url.to_string(),
            message,
        };
        let mut resp = self.agent.get(url).call().map_err(|e| err(e.to_string()))?;
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| err(e.to_string()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Fetch `feed_url` once and return an item per entry not seen before and for which
    /// `known(url)` is false (the caller's store already has it): the fetched page's
    /// article, or the entry's own text when the page cannot be fetched or has no text.
    pub fn poll(
        &mut self,
        feed_url: &str,
        known: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Vec<Item>, FetchError> {
        let body = self.get(feed_url)?;
        let feed = parse_feed(&body);
        let outlet = feed.title.clone();
        let mut out = Vec::new();
        for (i, mut e) in feed.entries.into_iter().enumerate() {
            e.link = e.link.map(|l| resolve(feed_url, &l));
            let key = e
                .link
                .clone()
                .or(e.id.clone())
                .unwrap_or_else(|| format!("{feed_url}#{i}"));
            if self.seen.contains(&key) || known(&key) {
                self.seen.insert(key);
                continue;
            }
            let fallback = format!("{feed_url}#{i}");
            let item = match &e.link {
                Some(link) => match self.get(link) {
                    Ok(html) => {
                        let mut a = page_article(&html, Some(link), &fallback);
                        a.id = link.clone();
                        a.url = Some(link.clone());
                        if a.text.trim().is_empty() {
                            entry_article(e, outlet.as_deref(), &fallback)
                        } else {
                            a.title = a.title.or(e.title);
                            a.published = a.published.or(e.published);
                            if a.outlet
                                .as_deref()
                                .is_none_or(|o| crate::html::host(link).as_deref() == Some(o))
                            {
                                a.outlet = outlet.clone().or(a.outlet);
                            }
                            Item::Article(a)
                        }
                    }
                    Err(err) => match entry_article(e, outlet.as_deref(), &fallback) {
                        Item::Article(a) => Item::Article(a),
                        Item::Error { id, .. } => Item::Error {
                            id,
                            message: err.to_string(),
                        },
                    },
                },
                None => entry_article(e, outlet.as_deref(), &fallback),
            };
            // Failures are not remembered: the next poll tries the entry again.
            if matches!(item, Item::Article(_)) {
                self.seen.insert(key);
            }
            out.push(item);
        }
        Ok(out)
    }
}
