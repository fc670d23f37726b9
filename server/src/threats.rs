//! `GET /api/v1/threats` and `GET /api/v1/threats/{id-or-slug}`.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::threat::{slug_hash, Threat};
use crate::{ApiError, AppState};

/// The largest page a listing returns.
const MAX_LIMIT: usize = 100;

/// The query parameters of the listing.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    search: Option<String>,
    limit: Option<String>,
    page: Option<String>,
    ecosystem: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    severity: Option<String>,
    since: Option<String>,
    package: Option<String>,
}

fn number(name: &str, value: Option<&str>, default: usize) -> Result<usize, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "expected {name} to be a whole number of at least 1, but found {text:?}"
                ))
            }),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// A query value with its spaces trimmed, or `None` when absent or blank.
pub(crate) fn given(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The `type` filter shared by the API, the pages and the feeds: `malicious` or
/// `vulnerability`, or the message saying what was found instead.
pub(crate) fn kind_filter(value: Option<&String>) -> Result<Option<String>, String> {
    match given(value) {
        Some(kind) if kind != "malicious" && kind != "vulnerability" => Err(format!(
            "expected type to be malicious or vulnerability, but found {kind:?}"
        )),
        kind => Ok(kind),
    }
}

/// The `severity` filter, lowercased: one of OSV's levels as the store labels them.
pub(crate) fn severity_filter(value: Option<&String>) -> Result<Option<String>, String> {
    match given(value).map(|s| s.to_ascii_lowercase()) {
        Some(severity) if osv::Level::parse(&severity).is_none() => Err(format!(
            "expected severity to be critical, high, medium, low or unknown, but found \
             {severity:?}"
        )),
        severity => Ok(severity),
    }
}

impl ListParams {
    fn filter(self) -> Result<(store::ThreatFilter, usize, usize), ApiError> {
        let limit = number("limit", self.limit.as_deref(), 20)?.min(MAX_LIMIT);
        let page = number("page", self.page.as_deref(), 1)?;
        let kind = kind_filter(self.kind.as_ref()).map_err(ApiError::bad_request)?;
        let severity = severity_filter(self.severity.as_ref()).map_err(ApiError::bad_request)?;
        let since = match non_empty(self.since) {
            None => None,
            Some(text) => {
                let at: jiff::Timestamp = text.trim().parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "expected since to be an RFC 3339 time such as \
                         2026-07-01T00:00:00Z, but found {text:?}"
                    ))
                })?;
                Some(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
            }
        };
        let offset = (page - 1).saturating_mul(limit);
        let filter = store::ThreatFilter {
            search: non_empty(self.search),
            ecosystem: non_empty(self.ecosystem),
            kind,
            severity,
            since,
            package: non_empty(self.package),
            limit,
            offset,
        };
        Ok((filter, page, limit))
    }
}

/// Lists threats, newest first.
pub async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (filter, page, limit) = params.filter()?;
    let found = state
        .pool
        .run(move |store| {
            let page = store.threats(&filter)?;
            let mut threats = Vec::with_capacity(page.advisories.len());
            for advisory in &page.advisories {
                threats.push(Threat::new(advisory, &advisory.record()?));
            }
            Ok((threats, page.total))
        })
        .await?;
    let (threats, total) = found;
    Ok(Json(json!({
        "data": {"threats": threats, "total": total, "page": page, "limit": limit}
    })))
}

/// One threat in full, by advisory id, alias or slug; counts a view.
pub async fn show(
    State(state): State<AppState>,
    Path(wanted): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let shown = wanted.clone();
    let found = state
        .pool
        .run(move |store| {
            let Some(advisory) = find(store, &wanted)? else {
                return Ok(None);
            };
            let record = advisory.record()?;
            let views = store.record_view(&advisory.id)?;
            Ok(Some((advisory, record, views)))
        })
        .await?;
    let Some((advisory, record, views)) = found else {
        return Err(ApiError::not_found(format!(
            "expected an advisory id, alias or threat slug, but found no threat {shown:?}"
        )));
    };

    let mut body =
        serde_json::to_value(Threat::new(&advisory, &record)).map_err(ApiError::internal)?;
    let osv: Value = serde_json::from_str(&advisory.raw).map_err(ApiError::internal)?;
    body["osv"] = osv;
    body["analysis"] = crate::analysis::analysis(&advisory.kind, &record);
    body["viewCount"] = json!(views);
    body["addedAt"] = json!(advisory.first_seen);
    body["updatedAt"] = json!(advisory.last_changed);
    body["withdrawn"] = json!(advisory.withdrawn);
    Ok(Json(json!({ "data": body })))
}

/// An advisory by id or alias, else by slug: the slug's leading segments are the id
/// lowercased and its last one the id's hash, which must agree.
pub(crate) fn find(
    store: &store::Store,
    wanted: &str,
) -> Result<Option<store::Advisory>, ApiError> {
    if let Some(advisory) = store.get(wanted)? {
        return Ok(Some(advisory));
    }
    let lower = wanted.to_lowercase();
    if let Some(advisory) = store.get_lowercased(&lower)? {
        return Ok(Some(advisory));
    }

    let segments: Vec<&str> = lower.split('-').collect();
    let Some((hash, rest)) = segments.split_last() else {
        return Ok(None);
    };
    if hash.len() != 6 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    // The longest id first, so that `ghsa-…` ids with title words after them resolve to
    // the whole id.
    for end in (1..=rest.len()).rev() {
        let candidate = rest[..end].join("-");
        if let Some(advisory) = store.get_lowercased(&candidate)? {
            if slug_hash(&advisory.id) == *hash {
                return Ok(Some(advisory));
            }
        }
    }
    Ok(None)
}
