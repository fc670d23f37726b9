//! The browser pages: the latest threats, search results, one threat in full, the feeds.
//!
//! Pages are rendered on the server with maud, whose templates escape every interpolated
//! value by default (a raw value must be asked for with `PreEscaped`, used here only for
//! the sanitized output of [`markdown::to_html`]), so advisory text cannot become markup.
//! They read without JavaScript; the one script, `/assets/radar.js`, adds the search
//! shortcuts and live updates, and the Content-Security-Policy of [`security_headers`]
//! allows no other.

pub mod markdown;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;
use serde_json::Value;

use crate::threat::{title, Threat};
use crate::threats::{given, kind_filter, severity_filter};
use crate::{ApiError, AppState};

/// Threats on one page of a listing.
pub const PAGE_SIZE: usize = 30;

/// The policy every response carries: scripts and styles only from this server, no inline
/// script, no plugins, no framing, no `<base>` rewriting.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'self'";

/// Ecosystems offered in the filter (OSV's names); any other typed into the URL works too.
const ECOSYSTEMS: &[&str] = &[
    "PyPI",
    "npm",
    "crates.io",
    "Go",
    "Maven",
    "NuGet",
    "RubyGems",
    "Packagist",
    "Pub",
    "Hex",
    "Debian",
    "Ubuntu",
    "Alpine",
    "GitHub Actions",
];

const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "unknown"];

/// Adds the security headers to every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// An error answered as a page.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    /// `400` with what was expected.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// `404` with what was looked for.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl From<ApiError> for PageError {
    /// The status only: an internal error was logged by [`ApiError::internal`] and its
    /// cause must not reach the client.
    fn from(error: ApiError) -> Self {
        let message = if error.status().is_server_error() {
            "the server failed to answer; the failure is logged"
        } else {
            "the request could not be answered"
        };
        Self {
            status: error.status(),
            message: message.to_owned(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let reason = self.status.canonical_reason().unwrap_or("Error");
        let body = layout(
            &format!("{} {reason}", self.status.as_u16()),
            "",
            html! {
                h1 { (self.status.as_u16()) " " (reason) }
                p.error { (self.message) }
                p { a href="/" { "Back to the latest threats" } }
            },
        );
        (self.status, body).into_response()
    }
}

/// Whether a request is for API v1, whose errors are JSON, rather than for a page.
fn is_api(uri: &Uri) -> bool {
    uri.path() == "/api" || uri.path().starts_with("/api/")
}

/// The fallback outside the API: a page for browsers, JSON for `/api/` paths.
pub async fn not_found(uri: Uri) -> Response {
    if is_api(&uri) {
        return ApiError::not_found(crate::API_NOT_FOUND).into_response();
    }
    PageError::not_found(format!("there is no page at {}", uri.path())).into_response()
}

/// A page address asked with a method other than `GET` (or `HEAD`): `405`.
pub async fn method_not_allowed(uri: Uri) -> Response {
    if is_api(&uri) {
        return ApiError::method_not_allowed().into_response();
    }
    PageError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: "pages are only read (GET)".to_owned(),
    }
    .into_response()
}

/// A request that took longer than the server allows: `503`, as JSON or as a page.
pub fn timeout(uri: &Uri) -> Response {
    let error = ApiError::timeout();
    if is_api(uri) {
        return error.into_response();
    }
    PageError {
        status: error.status(),
        message: "the request took too long; try a narrower search".to_owned(),
    }
    .into_response()
}

/// The page frame: head, header with the search box, the live-updates notice, footer.
fn layout(title: &str, query: &str, main: Markup) -> Html<String> {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Open Threat Radar" }
                link rel="stylesheet" href="/assets/radar.css";
                link rel="alternate" type="application/atom+xml" title="Latest threats (Atom)"
                    href="/feeds/atom.xml";
                script src="/assets/radar.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "Open Threat Radar" }
                    form.search action="/threats" method="get" role="search" {
                        label.visually-hidden for="search" { "Search threats" }
                        input #search type="search" name="q" value=(query)
                            placeholder="Search threats (press / or Ctrl+K)"
                            autocomplete="off";
                        button type="submit" { "Search" }
                    }
                    nav {
                        a href="/" { "Latest" }
                        a href="/feeds" { "Feeds" }
                        a href="/api/v1/openapi.json" { "API" }
                    }
                }
                p #live-status .notice role="status" hidden {
                    "reconnecting to live updates…"
                }
                main { (main) }
                footer {
                    p { "Open Threat Radar: open-source supply-chain threats from OSV." }
                }
            }
        }
    };
    Html(page.into_string())
}

/// The query of the listing pages.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    ecosystem: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    severity: Option<String>,
    page: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> Result<(store::ThreatFilter, usize), PageError> {
        let page = match given(self.page.as_ref()) {
            None => 1,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| {
                    PageError::bad_request(format!(
                        "expected page to be a whole number of at least 1, but found {text:?}"
                    ))
                })?,
        };
        let kind = kind_filter(self.kind.as_ref()).map_err(PageError::bad_request)?;
        let severity = severity_filter(self.severity.as_ref()).map_err(PageError::bad_request)?;
        let filter = store::ThreatFilter {
            search: given(self.q.as_ref()),
            ecosystem: given(self.ecosystem.as_ref()),
            kind,
            severity,
            since: None,
            package: None,
            limit: PAGE_SIZE,
            offset: (page - 1).saturating_mul(PAGE_SIZE),
        };
        Ok((filter, page))
    }

    /// This query's link to another page number.
    fn link(&self, base: &str, page: usize) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("ecosystem", &self.ecosystem),
            ("type", &self.kind),
            ("severity", &self.severity),
        ] {
            if let Some(value) = given(value.as_ref()) {
                pairs.push((name, value));
            }
        }
        pairs.push(("page", page.to_string()));
        let query: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect();
        format!("{base}?{}", query.join("&"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One row of a listing.
struct Row {
    threat: Threat,
}

async fn rows(state: &AppState, filter: store::ThreatFilter) -> Result<(Vec<Row>, u64), PageError> {
    let found = state
        .pool
        .run(move |store| {
            let page = store.threats(&filter)?;
            let mut rows = Vec::with_capacity(page.advisories.len());
            for advisory in &page.advisories {
                rows.push(Row {
                    threat: Threat::new(advisory, &advisory.record()?),
                });
            }
            Ok((rows, page.total))
        })
        .await?;
    Ok(found)
}

fn date(text: Option<&str>) -> String {
    text.map(|t| t.get(..10).unwrap_or(t).to_owned())
        .unwrap_or_else(|| "—".to_owned())
}

fn threat_table(rows: &[Row], query: &ListQuery, live: bool) -> Markup {
    html! {
        table.threats {
            thead {
                tr { th { "Threat" } th { "Severity" } th { "Packages" } th { "Published" } }
            }
            tbody #threat-list
                data-live=[live.then_some("true")]
                data-ecosystem=[given(query.ecosystem.as_ref())]
                data-type=[given(query.kind.as_ref())]
                data-severity=[given(query.severity.as_ref())] {
                @for row in rows {
                    @let t = &row.threat;
                    tr.(t.kind) data-id=(t.id) {
                        td {
                            @if t.kind == "malicious" {
                                span.badge.malicious { "Malicious" } " "
                            }
                            a href={ "/threat/" (t.slug) } { (t.id) ": " (t.title) }
                        }
                        td { span class={ "severity " (t.severity) } { (t.severity) } }
                        td {
                            @for (i, a) in t.affected_versions.iter().enumerate() {
                                @if i > 0 { ", " }
                                (a.package) " (" (a.ecosystem) ")"
                            }
                        }
                        td { (date(t.published_date.as_deref())) }
                    }
                }
            }
        }
        @if rows.is_empty() {
            p.empty { "No threats match." }
        }
    }
}

fn pager(query: &ListQuery, base: &str, page: usize, shown: usize, total: u64) -> Markup {
    let seen = (page - 1) * PAGE_SIZE + shown;
    html! {
        nav.pager aria-label="pages" {
            @if page > 1 {
                a rel="prev" href=(query.link(base, page - 1)) { "← Newer" }
            }
            span { "Page " (page) " · " (total) " threats" }
            @if (seen as u64) < total {
                a rel="next" href=(query.link(base, page + 1)) { "Older →" }
            }
        }
    }
}

fn select(name: &str, label: &str, options: &[&str], current: Option<&str>) -> Markup {
    html! {
        label {
            (label) " "
            select name=(name) {
                option value="" selected[current.is_none()] { "any" }
                @if let Some(current) = current.filter(|c| !options.contains(c)) {
                    option value=(current) selected { (current) }
                }
                @for option in options {
                    option value=(option) selected[current == Some(*option)] { (option) }
                }
            }
        }
    }
}

/// `/`: the latest threats, newest first, with filters and live updates.
pub async fn index(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, PageError> {
    let Query(query) = query.map_err(|e| PageError::bad_request(e.body_text()))?;
    let (mut filter, page) = query.filter()?;
    filter.search = None;
    let (rows, total) = rows(&state, filter).await?;
    let kind = given(query.kind.as_ref());
    let severity = given(query.severity.as_ref());
    let ecosystem = given(query.ecosystem.as_ref());
    let main = html! {
        h1 { "Latest threats" }
        form.filters action="/" method="get" {
            (select("ecosystem", "Ecosystem", ECOSYSTEMS, ecosystem.as_deref()))
            (select("type", "Type", &["malicious", "vulnerability"], kind.as_deref()))
            (select("severity", "Severity", SEVERITIES, severity.as_deref()))
            button type="submit" { "Filter" }
        }
        (threat_table(&rows, &query, page == 1))
        (pager(&query, "/", page, rows.len(), total))
    };
    Ok(layout("Latest threats", "", main))
}

/// `/threats?q=…`: search results with paging.
pub async fn search(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, PageError> {
    let Query(query) = query.map_err(|e| PageError::bad_request(e.body_text()))?;
    let (filter, page) = query.filter()?;
    let words = filter.search.clone().unwrap_or_default();
    let (rows, total) = rows(&state, filter).await?;
    let heading = if words.is_empty() {
        "All threats".to_owned()
    } else {
        format!("Threats matching “{words}”")
    };
    let main = html! {
        h1 { (heading) }
        (threat_table(&rows, &query, false))
        (pager(&query, "/threats", page, rows.len(), total))
    };
    Ok(layout(&heading, &words, main))
}

/// `/threat/{slug}`: every section of a threat. An id or alias redirects to the slug.
pub async fn threat(
    State(state): State<AppState>,
    Path(wanted): Path<String>,
) -> Result<Response, PageError> {
    let looked_for = wanted.clone();
    let found = state
        .pool
        .run(move |store| {
            let Some(advisory) = crate::threats::find(store, &wanted)? else {
                return Ok(None);
            };
            let record = advisory.record()?;
            let canonical = crate::threat::slug(&advisory.id, &title(&record));
            if canonical != wanted {
                return Ok(Some(Err(canonical)));
            }
            let views = store.record_view(&advisory.id)?;
            Ok(Some(Ok((advisory, record, views))))
        })
        .await?;
    match found {
        None => Err(PageError::not_found(format!(
            "expected an advisory id, alias or threat slug, but found no threat {looked_for:?}"
        ))),
        Some(Err(slug)) => Ok(Redirect::permanent(&format!("/threat/{slug}")).into_response()),
        Some(Ok((advisory, record, views))) => {
            Ok(threat_page(&advisory, &record, views).into_response())
        }
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The severity label the publishing database wrote itself, if any.
fn database_severity(record: &osv::Record) -> Option<String> {
    let label = |db: &Option<Value>| {
        db.as_ref()
            .and_then(|db| db.get("severity"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    label(&record.database_specific).or_else(|| {
        record
            .affected
            .iter()
            .find_map(|a| label(&a.database_specific))
    })
}

/// The `radar scan` command that answers "is it installed here?".
fn scan_command(id: &str) -> String {
    format!("radar sync && radar scan --format json . | grep -F '\"{id}\"'")
}

fn threat_page(advisory: &store::Advisory, record: &osv::Record, views: u64) -> Html<String> {
    let t = Threat::new(advisory, record);
    let analysis = crate::analysis::analysis(&advisory.kind, record);
    let description = markdown::to_html(record.details.as_deref().unwrap_or_default());
    let cvss_version = t
        .cvss_vector
        .as_deref()
        .and_then(|v| v.strip_prefix("CVSS:"))
        .and_then(|v| v.split('/').next());
    let ecosystems: Vec<&str> = {
        let mut seen: Vec<&str> = Vec::new();
        for a in &t.affected_versions {
            if !seen.contains(&a.ecosystem.as_str()) {
                seen.push(&a.ecosystem);
            }
        }
        seen
    };
    let indicators = &analysis["indicators"];
    let indicator_list: Vec<String> = ["urls", "domains", "ips"]
        .iter()
        .flat_map(|k| strings(&indicators[*k]))
        .collect();
    let heading = format!("{}: {}", t.id, t.title);

    let main = html! {
        article.threat {
            h1 #title { (heading) }
            @if t.kind == "malicious" {
                p { span.badge.malicious { "Malicious package report" } }
            }
            @if let Some(withdrawn) = &advisory.withdrawn {
                p.notice { "Withdrawn on " (withdrawn) ": this advisory no longer applies." }
            }
            dl.facts #summary {
                dt { "Severity" } dd #severity {
                    span class={ "severity " (t.severity) } { (t.severity) }
                    @if let Some(score) = t.cvss_score { " (CVSS " (score) ")" }
                }
                dt { "Published" } dd #published { (t.published_date.as_deref().unwrap_or("—")) }
                dt { "Source" } dd #source { (t.source) }
                dt { "Product" } dd #product {
                    @for (i, a) in t.affected_versions.iter().enumerate() {
                        @if i > 0 { ", " }
                        (a.package) " (" (a.ecosystem) ")"
                    }
                }
            }
            section #description {
                h2 { "Description" }
                @if description.trim().is_empty() {
                    p { "The advisory gives no description." }
                } @else {
                    div.markdown { (PreEscaped(description)) }
                }
            }
            section #affected {
                h2 { "Affected versions" }
                @for a in &t.affected_versions {
                    h3 { (a.package) " (" (a.ecosystem) ")" }
                    @if !a.versions.is_empty() {
                        p { "Versions:" }
                        ul.versions { @for v in &a.versions { li { code { (v) } } } }
                    }
                    @if !a.ranges.is_empty() {
                        p { "Ranges:" }
                        ul { @for r in &a.ranges { li { code { (r) } } } }
                    }
                    p { "Fixed: "
                        @if a.fixed.is_empty() { "no fixed version published" }
                        @else { (a.fixed.join(", ")) }
                    }
                }
            }
            section #analysis {
                h2 { "Analysis" }
                h3 { "Technical analysis" }
                p #technical-analysis { (analysis["technicalAnalysis"].as_str().unwrap_or("")) }
                h3 { "Potential impact" }
                p #potential-impact { (analysis["potentialImpact"].as_str().unwrap_or("")) }
                h3 { "Mitigation recommendations" }
                ul #mitigations { @for m in strings(&analysis["mitigations"]) { li { (m) } } }
                @if !indicator_list.is_empty() {
                    h3 { "Indicators" }
                    ul #indicators { @for i in &indicator_list { li { code { (i) } } } }
                }
            }
            section #technical-details {
                h2 { "Technical details" }
                dl.facts {
                    dt { "Source" } dd { (t.source) " (" (advisory.source) ")" }
                    dt { "OSV id" } dd { (record.id) }
                    dt { "Schema version" }
                    dd { (record.schema_version.as_deref().unwrap_or("not given")) }
                    dt { "Aliases" }
                    dd { @if record.aliases.is_empty() { "none" }
                         @else { (record.aliases.join(", ")) } }
                    dt { "Ecosystems" } dd { (ecosystems.join(", ")) }
                    dt { "Database-specific severity" }
                    dd { (database_severity(record).as_deref().unwrap_or("not given")) }
                    dt { "CVSS version" } dd { (cvss_version.unwrap_or("none")) }
                    dt { "CVSS vector" }
                    dd { @if let Some(v) = &t.cvss_vector { code { (v) } } @else { "none" } }
                    dt { "CWEs" } dd { (t.cwes.join(", ")) }
                }
            }
            section #record {
                h2 { "Record" }
                dl.facts {
                    dt { "Threat id" } dd #threat-id { (t.id) }
                    dt { "Added" } dd #added { (advisory.first_seen) }
                    dt { "Last updated" } dd #updated { (advisory.last_changed) }
                    dt { "Last enriched" }
                    dd #enriched { "not enriched (EPSS and KEV data are not ingested yet)" }
                    dt { "Views" } dd #views { (views) }
                }
            }
            section #references {
                h2 { "References" }
                @if record.references.is_empty() { p { "None given." } }
                ul {
                    @for r in &record.references {
                        li {
                            (r.kind) ": "
                            @if markdown::is_web_url(&r.url) {
                                a href=(r.url) rel="noopener noreferrer nofollow" { (r.url) }
                            } @else {
                                code { (r.url) }
                            }
                        }
                    }
                }
            }
            section #credits {
                h2 { "Credits" }
                @if record.credits.is_empty() { p { "None given." } }
                ul {
                    @for c in &record.credits {
                        li {
                            (c.name)
                            @if let Some(kind) = &c.kind { " (" (kind) ")" }
                            @for contact in &c.contact {
                                " "
                                @if markdown::is_web_url(contact) {
                                    a href=(contact) rel="noopener noreferrer nofollow" {
                                        (contact)
                                    }
                                } @else { code { (contact) } }
                            }
                        }
                    }
                }
            }
            section #check {
                h2 { "Check whether it is installed" }
                p { "In a project, virtual environment or host directory, run:" }
                pre { code #scan-command { (scan_command(&t.id)) } }
                p { "A line printed means the directory holds an affected version; "
                    code { "radar scan" } " exits 1 when it finds anything." }
            }
        }
    };
    layout(&heading, "", main)
}

/// `/feeds`: the feed addresses, absolute, to copy into a reader.
pub async fn feeds(State(state): State<AppState>, headers: HeaderMap) -> Html<String> {
    let base = crate::feeds::base_url(&state, &headers);
    let feeds = [
        ("Atom", "/feeds/atom.xml"),
        ("RSS 2.0", "/feeds/rss.xml"),
        ("JSON Feed 1.1", "/feeds/feed.json"),
    ];
    let main = html! {
        h1 { "Feeds" }
        p { "The latest threats, newest first. Add query parameters to filter: "
            code { "ecosystem" } ", " code { "type" } " (malicious or vulnerability), "
            code { "severity" } " and " code { "package" } "." }
        ul.feeds {
            @for (name, path) in feeds {
                @let url = format!("{base}{path}");
                li {
                    label { (name) " "
                        input.copy type="text" readonly value=(url) data-copy="true"; }
                    " " a href=(path) { "open" }
                }
            }
        }
        p { "For example, malicious PyPI packages only: " }
        pre { code { (base) "/feeds/atom.xml?ecosystem=PyPI&type=malicious" } }
        p { "Live updates: server-sent events at " code { (base) "/api/v1/events" } "." }
    };
    layout("Feeds", "", main)
}

/// `/assets/radar.css`.
pub async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../assets/radar.css"),
    )
}

/// `/assets/radar.js`.
pub async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../assets/radar.js"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
