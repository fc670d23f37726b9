//! The browser pages in process: the latest threats with filters, search with paging, a
//! threat's every section, the feeds page, assets, security headers, and errors as pages
//! (JSON under `/api/`). The hostile record of `tests/data/xss.json` renders inert.

mod common;

use axum::http::Method;
use common::{data, fixture, fixture_with, Page};
use serde_json::{json, Value};

/// The tags of a page: every raw `<` opens one, since text is escaped.
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(rest))
        .collect()
}

/// Asserts a page holds no live script, event handler or `javascript:` address: the only
/// script element is the page's own file, and no tag carries an `on…` attribute.
fn assert_inert(page: &Page) {
    for tag in tags(&page.text) {
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("script") {
            assert_eq!(
                lower, r#"script src="/assets/radar.js" defer"#,
                "a script element other than the page's own: <{tag}>"
            );
        }
        assert!(!lower.contains("javascript:"), "javascript: in <{tag}>");
        for forbidden in ["iframe", "svg", "img", "object", "embed"] {
            assert!(!lower.starts_with(forbidden), "<{tag}> survived");
        }
        let attribute_names = lower
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter_map(|part| part.split_once('=').map(|(name, _)| name));
        for name in attribute_names {
            assert!(!name.starts_with("on"), "event handler {name} in <{tag}>");
        }
    }
}

fn csp_allows_no_inline_script(page: &Page) {
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
}

/// The advisory ids of a listing's rows, in order.
fn row_ids(page: &Page) -> Vec<String> {
    page.text
        .split("data-id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn is_html(page: &Page) -> bool {
    page.header("content-type").starts_with("text/html") && page.text.starts_with("<!DOCTYPE html>")
}

#[tokio::test]
async fn index_lists_the_latest_threats_with_filters_search_box_and_live_notice() {
    let f = fixture();
    let page = f.page("/").await;
    assert_eq!(page.status, 200);
    assert!(is_html(&page));
    csp_allows_no_inline_script(&page);
    assert_eq!(
        row_ids(&page),
        ["MAL-2026-6724", "GHSA-aaaa-bbbb-cccc", "PYSEC-2026-7"]
    );
    assert!(page
        .text
        .contains(r#"<span class="badge malicious">Malicious</span>"#));
    assert!(page
        .text
        .contains(r#"<input id="search" type="search" name="q""#));
    assert!(page.text.contains("press / or Ctrl+K"));
    assert!(page.text.contains("reconnecting to live updates…"));
    assert!(page.text.contains(r#"data-live="true""#));
    assert!(page.text.contains(r#"<select name="ecosystem">"#));
    assert!(page.text.contains(r#"<select name="type">"#));
    assert!(page.text.contains(r#"<select name="severity">"#));
    let mal = common::slug_of(&f, "MAL-2026-6724").await;
    assert!(page.text.contains(&format!(r#"href="/threat/{mal}""#)));

    let cases = [
        (
            "type=vulnerability",
            vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2026-7"],
        ),
        ("type=malicious", vec!["MAL-2026-6724"]),
        ("ecosystem=npm", vec!["GHSA-aaaa-bbbb-cccc"]),
        (
            "severity=critical",
            vec!["MAL-2026-6724", "GHSA-aaaa-bbbb-cccc"],
        ),
        ("ecosystem=PyPI&type=vulnerability", vec!["PYSEC-2026-7"]),
        ("ecosystem=Hex", vec![]),
    ];
    for (query, expected) in cases {
        let page = f.page(&format!("/?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(row_ids(&page), expected, "{query}");
    }
    let filtered = f.page("/?ecosystem=npm&type=vulnerability").await;
    assert!(filtered.text.contains(r#"<option value="npm" selected>"#));
    assert!(filtered.text.contains(r#"data-ecosystem="npm""#));
    assert!(f
        .page("/?ecosystem=Hex")
        .await
        .text
        .contains("No threats match."));
}

#[tokio::test]
async fn bad_page_parameters_are_400_pages() {
    let f = fixture();
    for uri in [
        "/?type=worm",
        "/?severity=apocalyptic",
        "/?page=0",
        "/?page=two",
        "/threats?q=x&page=-1",
        "/feeds/atom.xml?type=worm",
        "/feeds/rss.xml?severity=huge",
        "/feeds/feed.json?type=x",
    ] {
        let page = f.page(uri).await;
        assert_eq!(page.status, 400, "{uri}");
        assert!(is_html(&page), "{uri}: {}", page.text);
        assert!(page.text.contains("400 Bad Request"), "{uri}");
        assert!(page.text.contains("expected "), "{uri}: {}", page.text);
        csp_allows_no_inline_script(&page);
    }
}

#[tokio::test]
async fn search_finds_by_words_and_pages() {
    let mut extra = Vec::new();
    for n in 0..35 {
        extra.push(json!({
            "id": format!("MAL-2026-{}", 50_000 + n),
            "modified": "2026-06-01T00:00:00Z",
            "published": format!("2026-06-01T00:{n:02}:00Z"),
            "summary": format!("Malicious code in pagetest-{n} (npm)"),
            "affected": [{"package": {"ecosystem": "npm", "name": format!("pagetest-{n}")},
                          "versions": ["1.0.0"]}],
        }));
    }
    let f = fixture_with(&extra);

    let page = f.page("/threats?q=starlette").await;
    assert_eq!(page.status, 200);
    assert!(is_html(&page));
    assert_eq!(row_ids(&page), ["MAL-2026-6724"]);
    assert!(
        page.text.contains(r#"value="starlette""#),
        "the box keeps the words"
    );
    assert!(page.text.contains("Threats matching “starlette”"));
    assert!(f
        .page("/threats?q=nosuchword")
        .await
        .text
        .contains("No threats match."));

    let first = f.page("/threats?q=pagetest").await;
    assert_eq!(row_ids(&first).len(), 30);
    assert!(first.text.contains("35 threats"));
    assert!(first
        .text
        .contains(r#"href="/threats?q=pagetest&amp;page=2""#));
    let second = f.page("/threats?q=pagetest&page=2").await;
    assert_eq!(row_ids(&second).len(), 5);
    assert!(second
        .text
        .contains(r#"href="/threats?q=pagetest&amp;page=1""#));
    assert!(!second.text.contains("page=3"));
    let mut all = row_ids(&first);
    all.extend(row_ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 35, "no row twice, none lost");
    let past = f.page("/threats?q=pagetest&page=9").await;
    assert_eq!(past.status, 200);
    assert!(row_ids(&past).is_empty());

    // `/` pages too, and only its first page follows live updates.
    let older = f.page("/?page=2").await;
    assert_eq!(older.status, 200);
    assert!(!older.text.contains(r#"data-live="true""#));
}

#[tokio::test]
async fn threat_page_shows_every_section() {
    let Some(seed) = testkit::shared_path("threat page", "data/osv/seed/MAL-2026-6724.json") else {
        return;
    };
    let record: Value = serde_json::from_str(&std::fs::read_to_string(seed).unwrap()).unwrap();
    let f = common::fixture_of(&[record]);
    let slug = common::slug_of(&f, "MAL-2026-6724").await;
    assert!(slug.starts_with("mal-2026-6724-malicious-code-in-starlette-healthcheck-"));

    let page = f.page(&format!("/threat/{slug}")).await;
    assert_eq!(page.status, 200);
    assert!(is_html(&page));
    csp_allows_no_inline_script(&page);
    let t = &page.text;
    for needle in [
        "<h1 id=\"title\">MAL-2026-6724: Malicious code in starlette-healthcheck (PyPI)</h1>",
        "<dd id=\"severity\"><span class=\"severity critical\">critical</span>",
        "<dd id=\"published\">2026-07-01T21:08:27Z</dd>",
        "<dd id=\"source\">",
        "<dd id=\"product\">starlette-healthcheck (PyPI)</dd>",
        "<section id=\"description\">",
        "configure_logging() helper",
        "<section id=\"affected\">",
        "<li><code>1.2.0</code></li>",
        "<li><code>1.3.1</code></li>",
        "no fixed version published",
        "<section id=\"analysis\">",
        "Technical analysis",
        "Potential impact",
        "Mitigation recommendations",
        "Rotate environment variables",
        "ca-fusion-dev-collector.victorioussmoke-2f009910.uksouth.azurecontainerapps.io",
        "checkip.amazonaws.com",
        "<section id=\"technical-details\">",
        "<dt>OSV id</dt><dd>MAL-2026-6724</dd>",
        "<dt>Schema version</dt><dd>1.7.4</dd>",
        "<dt>Aliases</dt>",
        "<dt>Ecosystems</dt><dd>PyPI</dd>",
        "<dt>Database-specific severity</dt>",
        "<dt>CVSS version</dt>",
        "<dt>CVSS vector</dt>",
        "<dd id=\"threat-id\">MAL-2026-6724</dd>",
        "<dd id=\"added\">",
        "<dd id=\"updated\">",
        "<dd id=\"enriched\">",
        "<dd id=\"views\">1</dd>",
        "<section id=\"references\">",
        "<section id=\"credits\">",
        "<section id=\"check\">",
        "radar scan --format json . | grep -F '&quot;MAL-2026-6724&quot;'",
    ] {
        assert!(t.contains(needle), "missing {needle:?}");
    }
    assert!(
        t.contains("rel=\"noopener noreferrer nofollow\""),
        "references are links"
    );

    // A view more on each visit; the API shows the same count.
    let again = f.page(&format!("/threat/{slug}")).await;
    assert!(again.text.contains("<dd id=\"views\">2</dd>"));
    let api = f.get("/api/v1/threats/MAL-2026-6724").await;
    assert_eq!(api.body["data"]["viewCount"], 3);
}

#[tokio::test]
async fn a_vulnerability_page_shows_cvss_aliases_and_fixed_versions() {
    let f = fixture();
    let slug = common::slug_of(&f, "GHSA-aaaa-bbbb-cccc").await;
    let page = f.page(&format!("/threat/{slug}")).await;
    assert_eq!(page.status, 200);
    let t = &page.text;
    assert!(t.contains("<dt>Aliases</dt><dd>CVE-2026-1111</dd>"), "{t}");
    assert!(t.contains("<dt>CVSS version</dt><dd>3.1</dd>"), "{t}");
    assert!(t.contains("<code>CVSS:3.1/"), "{t}");
    assert!(t.contains("Fixed: 4.17.21"), "{t}");
    assert!(t.contains("Upgrade"), "{t}");
}

#[tokio::test]
async fn threat_addresses_other_than_the_slug_redirect_or_are_404_pages() {
    let f = fixture();
    let slug = common::slug_of(&f, "MAL-2026-6724").await;
    for other in ["MAL-2026-6724", "mal-2026-6724"] {
        let page = f.page(&format!("/threat/{other}")).await;
        assert_eq!(page.status, 308, "{other}");
        assert_eq!(page.header("location"), format!("/threat/{slug}"));
    }
    let alias = f.page("/threat/CVE-2026-1111").await;
    assert_eq!(alias.status, 308);
    assert!(alias
        .header("location")
        .starts_with("/threat/ghsa-aaaa-bbbb-cccc-"));

    for missing in ["/threat/NOPE-1", "/threat/mal-2026-6724-wrong-abcdef"] {
        let page = f.page(missing).await;
        assert_eq!(page.status, 404, "{missing}");
        assert!(is_html(&page));
        assert!(page.text.contains("404 Not Found"));
    }
}

#[tokio::test]
async fn feeds_page_lists_absolute_copyable_urls() {
    let f = fixture();
    let page = f
        .page_with(Method::GET, "/feeds", &[("host", "radar.example:8080")])
        .await;
    assert_eq!(page.status, 200);
    assert!(is_html(&page));
    for path in ["/feeds/atom.xml", "/feeds/rss.xml", "/feeds/feed.json"] {
        let input = format!(r#"readonly value="http://radar.example:8080{path}" data-copy"#);
        assert!(page.text.contains(&input), "{input}");
    }
    // A Host header that is not a plain host name is not echoed.
    let odd = f
        .page_with(Method::GET, "/feeds", &[("host", "evil\"><script>")])
        .await;
    assert!(odd.text.contains("http://localhost/feeds/atom.xml"));
    assert_inert(&odd);
}

/// Parses a feed with feed-rs and returns it, checking what every format shares.
fn parse_feed(page: &Page, kind: feed_rs::model::FeedType) -> feed_rs::model::Feed {
    assert_eq!(page.status, 200, "{}", page.text);
    let feed = feed_rs::parser::parse(page.text.as_bytes())
        .unwrap_or_else(|e| panic!("feed does not parse: {e}\n{}", page.text));
    assert_eq!(feed.feed_type, kind);
    assert!(feed
        .title
        .as_ref()
        .unwrap()
        .content
        .contains("Open Threat Radar"));
    for entry in &feed.entries {
        let link = &entry.links.first().expect("each entry links its page").href;
        assert!(link.starts_with("http://radar.test/threat/"), "{link}");
        assert!(entry.title.is_some());
    }
    feed
}

fn entry_titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect()
}

#[tokio::test]
async fn feeds_parse_back_in_each_format_and_filter() {
    use feed_rs::model::FeedType;
    let f = fixture();
    let host = [("host", "radar.test")];
    let formats = [
        ("/feeds/atom.xml", FeedType::Atom, "application/atom+xml"),
        ("/feeds/rss.xml", FeedType::RSS2, "application/rss+xml"),
        ("/feeds/feed.json", FeedType::JSON, "application/feed+json"),
    ];
    for (path, kind, content_type) in formats {
        let page = f.page_with(Method::GET, path, &host).await;
        assert!(
            page.header("content-type").starts_with(content_type),
            "{path}"
        );
        let feed = parse_feed(&page, kind.clone());
        assert_eq!(
            entry_titles(&feed),
            [
                "MAL-2026-6724: Malicious code in starlette-healthcheck (PyPI)",
                "GHSA-aaaa-bbbb-cccc: Prototype pollution in lodash",
                "PYSEC-2026-7: Path traversal in Fast_Lib",
            ],
            "{path}"
        );
        let first = &feed.entries[0];
        assert!(first.published.is_some(), "{path}: published date");
        let categories: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert!(categories.contains(&"malicious"), "{path}: {categories:?}");
        assert!(categories.contains(&"PyPI"), "{path}: {categories:?}");
        let body = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| first.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        assert!(body.contains("<p>Spawns a thread"), "{path}: {body}");

        for (query, expected) in [
            ("type=malicious", vec!["MAL-2026-6724"]),
            ("ecosystem=npm", vec!["GHSA-aaaa-bbbb-cccc"]),
            (
                "severity=critical&type=vulnerability",
                vec!["GHSA-aaaa-bbbb-cccc"],
            ),
            ("package=fast-lib", vec!["PYSEC-2026-7"]),
            ("ecosystem=Hex", vec![]),
        ] {
            let page = f
                .page_with(Method::GET, &format!("{path}?{query}"), &host)
                .await;
            let feed = parse_feed(&page, kind.clone());
            let ids: Vec<String> = entry_titles(&feed)
                .iter()
                .map(|t| t.split(':').next().unwrap().to_owned())
                .collect();
            assert_eq!(ids, expected, "{path}?{query}");
        }
    }
}

#[tokio::test]
async fn the_hostile_record_renders_inert_everywhere() {
    let f = fixture_with(&data("xss.json"));
    let slug = common::slug_of(&f, "MAL-2026-9001").await;
    let pages = [
        "/".to_owned(),
        "/threats?q=xss".to_owned(),
        format!("/threat/{slug}"),
    ];
    for uri in &pages {
        let page = f.page(uri).await;
        assert_eq!(page.status, 200, "{uri}");
        assert!(
            page.text.contains("MAL-2026-9001"),
            "{uri}: the record is shown"
        );
        assert_inert(&page);
        csp_allows_no_inline_script(&page);
    }
    let page = f.page(&format!("/threat/{slug}")).await;
    assert!(page
        .text
        .contains("&lt;script&gt;alert('summary')&lt;/script&gt;"));
    assert!(
        page.text.contains(r#"href="https://example.org/report""#),
        "safe links stay"
    );
    assert!(page
        .text
        .contains("<code>javascript:alert('reference')</code>"));

    // In the feeds the content is HTML for readers: sanitized the same way.
    for path in ["/feeds/atom.xml", "/feeds/rss.xml", "/feeds/feed.json"] {
        let page = f
            .page_with(Method::GET, path, &[("host", "radar.test")])
            .await;
        let feed = parse_feed(&page, feed_from(path));
        let entry = feed
            .entries
            .iter()
            .find(|e| {
                e.title
                    .as_ref()
                    .unwrap()
                    .content
                    .starts_with("MAL-2026-9001")
            })
            .unwrap();
        let html = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap();
        let inert = Page {
            status: page.status,
            headers: page.headers.clone(),
            text: html,
        };
        assert_inert(&inert);
    }
}

fn feed_from(path: &str) -> feed_rs::model::FeedType {
    use feed_rs::model::FeedType;
    match path.rsplit('.').next() {
        Some("json") => FeedType::JSON,
        _ if path.contains("atom") => FeedType::Atom,
        _ => FeedType::RSS2,
    }
}

#[tokio::test]
async fn assets_unknown_pages_and_methods() {
    let f = fixture();
    let css = f.page("/assets/radar.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));
    let js = f.page("/assets/radar.js").await;
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").starts_with("text/javascript"));
    assert!(js.text.contains("EventSource"));
    assert!(
        !js.text.contains("innerHTML"),
        "the script never writes HTML strings"
    );

    let missing = f.page("/nothing/here").await;
    assert_eq!(missing.status, 404);
    assert!(is_html(&missing));
    csp_allows_no_inline_script(&missing);
    let post = f.page_with(Method::POST, "/", &[]).await;
    assert_eq!(post.status, 405);
    assert!(is_html(&post));

    // Under /api/ the same errors are JSON.
    let key = f.keys["free"].clone();
    let api = f
        .page_with(Method::GET, "/api/v1/nothing", &[("x-api-key", &key)])
        .await;
    assert_eq!(api.status, 404);
    assert!(api.header("content-type").starts_with("application/json"));
    let api_post = f.page_with(Method::POST, "/api/v1/events", &[]).await;
    assert_eq!(api_post.status, 405);
    assert!(api_post
        .header("content-type")
        .starts_with("application/json"));
}
