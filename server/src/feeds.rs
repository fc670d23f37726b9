//! Feeds of the latest threats: Atom 1.0 (RFC 4287) at `/feeds/atom.xml`, RSS 2.0 at
//! `/feeds/rss.xml` and JSON Feed 1.1 at `/feeds/feed.json`, filtered by the query
//! parameters `ecosystem`, `type`, `severity` and `package`.
//!
//! Links are absolute (all three formats require it), made from the configured
//! `base_url` or else the request's `Host`. Text is XML-escaped by [`xml`], the one
//! escaping function of the XML feeds; the entry content is the record's details rendered
//! as sanitized HTML (readers render it), so advisory text stays inert there too.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::pages::{encode, markdown, PageError};
use crate::threat::Threat;
use crate::threats::{given, kind_filter, severity_filter};
use crate::AppState;

/// Entries in a feed.
const ENTRIES: usize = 50;

/// The base URL of absolute links: the configured one, else `http://` and the `Host`
/// header when it is a plain host name or address with an optional port, else loopback.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = state.config.server.base_url.as_deref() {
        return base.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Escapes text for XML content and attribute values (XML 1.0, section 2.4), dropping the
/// control characters XML 1.0 cannot carry at all.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The filters of a feed.
#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    ecosystem: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    severity: Option<String>,
    package: Option<String>,
}

impl FeedQuery {
    fn filter(&self) -> Result<store::ThreatFilter, PageError> {
        let kind = kind_filter(self.kind.as_ref()).map_err(PageError::bad_request)?;
        let severity = severity_filter(self.severity.as_ref()).map_err(PageError::bad_request)?;
        Ok(store::ThreatFilter {
            ecosystem: given(self.ecosystem.as_ref()),
            kind,
            severity,
            package: given(self.package.as_ref()),
            limit: ENTRIES,
            ..store::ThreatFilter::default()
        })
    }

    /// The query string of the filters, `?` included, or empty.
    fn query_string(&self) -> String {
        let pairs: Vec<String> = [
            ("ecosystem", &self.ecosystem),
            ("type", &self.kind),
            ("severity", &self.severity),
            ("package", &self.package),
        ]
        .iter()
        .filter_map(|(name, value)| given(value.as_ref()).map(|v| format!("{name}={}", encode(&v))))
        .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// Words for the feed title: `malicious PyPI threats`.
    fn describe(&self) -> String {
        let mut words = Vec::new();
        for value in [&self.severity, &self.kind, &self.ecosystem] {
            if let Some(value) = given(value.as_ref()) {
                words.push(value);
            }
        }
        if let Some(package) = given(self.package.as_ref()) {
            words.push(format!("{package} package"));
        }
        words.push("threats".to_owned());
        words.join(" ")
    }
}

/// One entry of a feed.
struct Entry {
    threat: Threat,
    updated: jiff::Timestamp,
    published: Option<jiff::Timestamp>,
    content: String,
    ecosystems: Vec<String>,
}

/// A feed's header and entries.
struct Feed {
    title: String,
    home: String,
    self_url: String,
    base: String,
    updated: jiff::Timestamp,
    entries: Vec<Entry>,
}

impl Feed {
    fn link(&self, entry: &Entry) -> String {
        format!("{}/threat/{}", self.base, entry.threat.slug)
    }
}

async fn load(
    state: &AppState,
    headers: &HeaderMap,
    query: &FeedQuery,
    path: &str,
) -> Result<Feed, PageError> {
    let filter = query.filter()?;
    let entries = state
        .pool
        .run(move |store| {
            let page = store.threats(&filter)?;
            let mut entries = Vec::with_capacity(page.advisories.len());
            for advisory in &page.advisories {
                let record = advisory.record()?;
                let mut ecosystems: Vec<String> = Vec::new();
                for package in record.affected.iter().filter_map(|a| a.package.as_ref()) {
                    if !ecosystems.contains(&package.ecosystem) {
                        ecosystems.push(package.ecosystem.clone());
                    }
                }
                // Stored times were validated as RFC 3339 when synced.
                let updated = advisory
                    .modified
                    .parse()
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                entries.push(Entry {
                    threat: Threat::new(advisory, &record),
                    updated,
                    published: record.published.as_deref().and_then(|p| p.parse().ok()),
                    content: markdown::to_html(record.details.as_deref().unwrap_or_default()),
                    ecosystems,
                });
            }
            Ok(entries)
        })
        .await?;
    let base = base_url(state, headers);
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    Ok(Feed {
        title: format!("Open Threat Radar: latest {}", query.describe()),
        home: format!("{base}/"),
        self_url: format!("{base}{path}{}", query.query_string()),
        base,
        updated,
        entries,
    })
}

fn rfc3339(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// RFC 822 dates as RSS 2.0 asks, with a four-digit year (RFC 1123).
fn rfc822(at: jiff::Timestamp) -> String {
    at.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn reply(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
        .into_response()
}

/// `GET /feeds/atom.xml`.
pub async fn atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query.map_err(|e| PageError::bad_request(e.body_text()))?;
    let feed = load(&state, &headers, &query, "/feeds/atom.xml").await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", xml(&feed.self_url)));
    out.push_str(&format!("  <title>{}</title>\n", xml(&feed.title)));
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(feed.updated)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&feed.self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&feed.home)
    ));
    out.push_str("  <author><name>Open Threat Radar</name></author>\n");
    out.push_str("  <generator>Open Threat Radar</generator>\n");
    for entry in &feed.entries {
        let t = &entry.threat;
        let link = feed.link(entry);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&link)));
        out.push_str(&format!(
            "    <title type=\"text\">{}: {}</title>\n",
            xml(&t.id),
            xml(&t.title)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(entry.updated)
        ));
        if let Some(published) = entry.published {
            out.push_str(&format!(
                "    <published>{}</published>\n",
                rfc3339(published)
            ));
        }
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&link)
        ));
        for term in std::iter::once(&t.kind)
            .chain(std::iter::once(&t.severity))
            .chain(&entry.ecosystems)
        {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml(term)));
        }
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml(&t.remediation)
        ));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml(&entry.content)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Ok(reply("application/atom+xml; charset=utf-8", out))
}

/// `GET /feeds/rss.xml`.
pub async fn rss(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query.map_err(|e| PageError::bad_request(e.body_text()))?;
    let feed = load(&state, &headers, &query, "/feeds/rss.xml").await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    out.push_str(&format!("  <title>{}</title>\n", xml(&feed.title)));
    out.push_str(&format!("  <link>{}</link>\n", xml(&feed.home)));
    out.push_str(&format!(
        "  <description>{}</description>\n",
        xml("The latest open-source supply-chain threats, newest first.")
    ));
    out.push_str(&format!(
        "  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"{}\"/>\n",
        xml(&feed.self_url)
    ));
    out.push_str(&format!(
        "  <lastBuildDate>{}</lastBuildDate>\n",
        rfc822(feed.updated)
    ));
    out.push_str("  <generator>Open Threat Radar</generator>\n");
    for entry in &feed.entries {
        let t = &entry.threat;
        let link = feed.link(entry);
        out.push_str("  <item>\n");
        out.push_str(&format!(
            "    <title>{}: {}</title>\n",
            xml(&t.id),
            xml(&t.title)
        ));
        out.push_str(&format!("    <link>{}</link>\n", xml(&link)));
        out.push_str(&format!(
            "    <guid isPermaLink=\"true\">{}</guid>\n",
            xml(&link)
        ));
        let date = entry.published.unwrap_or(entry.updated);
        out.push_str(&format!("    <pubDate>{}</pubDate>\n", rfc822(date)));
        for term in std::iter::once(&t.kind)
            .chain(std::iter::once(&t.severity))
            .chain(&entry.ecosystems)
        {
            out.push_str(&format!("    <category>{}</category>\n", xml(term)));
        }
        out.push_str(&format!(
            "    <description>{}</description>\n",
            xml(&entry.content)
        ));
        out.push_str("  </item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    Ok(reply("application/rss+xml; charset=utf-8", out))
}

/// `GET /feeds/feed.json`.
pub async fn json_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query.map_err(|e| PageError::bad_request(e.body_text()))?;
    let feed = load(&state, &headers, &query, "/feeds/feed.json").await?;
    let items: Vec<serde_json::Value> = feed
        .entries
        .iter()
        .map(|entry| {
            let t = &entry.threat;
            let mut tags = vec![t.kind.clone(), t.severity.clone()];
            tags.extend(entry.ecosystems.iter().cloned());
            let mut item = json!({
                "id": feed.link(entry),
                "url": feed.link(entry),
                "title": format!("{}: {}", t.id, t.title),
                "content_html": entry.content,
                "summary": t.remediation,
                "date_modified": rfc3339(entry.updated),
                "tags": tags,
            });
            if let Some(published) = entry.published {
                item["date_published"] = json!(rfc3339(published));
            }
            item
        })
        .collect();
    let body = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home,
        "feed_url": feed.self_url,
        "description": "The latest open-source supply-chain threats, newest first.",
        "authors": [{"name": "Open Threat Radar"}],
        "language": "en",
        "items": items,
    });
    Ok(reply(
        "application/feed+json; charset=utf-8",
        body.to_string(),
    ))
}
