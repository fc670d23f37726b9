//! `POST /api/v1/inventory/register` and `DELETE /api/v1/inventory/{hostId}` (API.md).
//!
//! A host's registration is stored per API key (hosts of other keys are not visible): its
//! packages, matched like `/match/batch` queries, and the findings they have. The answer
//! says how the packages drifted since the host's previous registration (added, removed
//! and changed packages, counted by ecosystem and normalized name), sums the findings up,
//! and lists the most urgent ones and those new since the previous registration. A key's
//! hosts together may hold at most its tier's `max_assets` packages: a registration over
//! the cap is `413` with `data.maxAssets`; deleting a host frees its packages.
//!
//! Each finding carries a risk score and a remediation band (`act-now`, `soon`,
//! `schedule`, `track`) computed the way the `threat-finder` client computes them for its
//! own findings, so the two agree: see [`risk`].

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::matching::{self, Found};
use crate::{ApiError, AppState};

/// Findings listed in `top`.
const TOP: usize = 10;
/// Findings listed in `newSinceLast` (`newSinceLastCount` counts them all).
const NEW_LISTED: usize = 50;
/// The longest host id accepted.
const MAX_HOST_ID: usize = 256;

/// A validated registration.
struct Registration {
    host: store::HostRecord,
    assets: Vec<store::HostAsset>,
}

/// Registers (or re-registers) a host.
pub async fn register(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Result<Response, ApiError> {
    let body = crate::json_body(request, state.config.server.body_limit_bytes).await?;
    let Registration { host, assets } = parse(&body).map_err(ApiError::bad_request)?;

    // A registration over the cap on its own is refused before any matching; the store
    // checks again, with the key's other hosts, inside its write transaction.
    let max_assets = caller.tier.max_assets;
    if assets.len() > max_assets {
        return Err(ApiError::too_many_assets(assets.len(), max_assets));
    }

    let cache = std::sync::Arc::clone(&state.matches);
    let key_id = caller.key_id;
    let (outcome, findings, host, count) = state
        .pool
        .run(move |store| {
            cache.refresh(store)?;
            let findings = match_assets(store, &cache, &assets)?;
            let stored: Vec<store::HostFinding> = findings.iter().map(Finding::stored).collect();
            let outcome = store.register_host(key_id, &host, &assets, &stored, max_assets)?;
            Ok((outcome, findings, host, assets.len()))
        })
        .await?;

    let registered = match outcome {
        store::Registration::Stored(registered) => registered,
        store::Registration::OverCap { max, found } => {
            return Err(ApiError::too_many_assets(found, max))
        }
    };
    let status = if registered.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let answer = answer(&host, count, &registered, findings);
    Ok((status, Json(json!({ "data": answer }))).into_response())
}

/// Deletes a host and frees its packages from the key's cap.
pub async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(host_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key_id = caller.key_id;
    let wanted = host_id.clone();
    let freed = state
        .pool
        .run(move |store| Ok(store.delete_host(key_id, &wanted)?))
        .await?;
    let Some(freed) = freed else {
        return Err(ApiError::not_found(format!(
            "expected a host registered with this API key, but found no host {host_id:?}"
        )));
    };
    Ok(Json(json!({
        "data": { "hostId": host_id, "deleted": true, "assetsFreed": freed }
    })))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A string field: `Ok(None)` when absent or null (for optional fields), an error naming
/// `place` when of another type or empty.
fn text(object: &Map<String, Value>, name: &str, place: &str) -> Result<Option<String>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Err(format!(
            "expected {place}{name} to be non-empty, but found an empty string"
        )),
        Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
        Some(other) => Err(format!(
            "expected {place}{name} to be a string, but found {}",
            kind_of(other)
        )),
    }
}

fn required(object: &Map<String, Value>, name: &str, place: &str) -> Result<String, String> {
    text(object, name, place)?.ok_or_else(|| format!("expected {place}{name}, but found none"))
}

fn flag(object: &Map<String, Value>, name: &str, place: &str) -> Result<Option<bool>, String> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(other) => Err(format!(
            "expected {place}{name} to be true or false, but found {}",
            kind_of(other)
        )),
    }
}

/// Validates a registration (API.md: `hostId`, `hostname`?, `os`? with `type`, `distro`,
/// `version`, `agentVersion`, `monitor`, `assets` with `purl`?, `cpe`?, `version`,
/// `ecosystem`, `name`, `exposure`?, `exposed`?, `runtime`?). Repeated packages (same
/// ecosystem, normalized name and version) are kept once, the most exposed use winning.
fn parse(body: &Value) -> Result<Registration, String> {
    let Some(object) = body.as_object() else {
        return Err(format!(
            "expected a JSON object with hostId, agentVersion, monitor and assets, but found {}",
            kind_of(body)
        ));
    };
    let host_id = required(object, "hostId", "")?;
    if host_id.len() > MAX_HOST_ID || host_id.chars().any(char::is_control) {
        return Err(format!(
            "expected hostId to be at most {MAX_HOST_ID} bytes without control characters"
        ));
    }
    let (os_type, os_distro, os_version) = match object.get("os") {
        None | Some(Value::Null) => (None, None, None),
        Some(Value::Object(os)) => (
            text(os, "type", "os.")?,
            text(os, "distro", "os.")?,
            text(os, "version", "os.")?,
        ),
        Some(other) => {
            return Err(format!(
                "expected os to be an object with type, distro and version, but found {}",
                kind_of(other)
            ))
        }
    };
    let host = store::HostRecord {
        hostname: text(object, "hostname", "")?,
        os_type,
        os_distro,
        os_version,
        agent_version: required(object, "agentVersion", "")?,
        monitor: flag(object, "monitor", "")?
            .ok_or_else(|| "expected monitor (true or false), but found none".to_owned())?,
        host_id,
    };

    let assets = match object.get("assets") {
        Some(Value::Array(assets)) => assets,
        None => return Err("expected assets, a list of packages, but found none".into()),
        Some(other) => {
            return Err(format!(
                "expected assets to be a list of packages, but found {}",
                kind_of(other)
            ))
        }
    };
    let mut kept: Vec<store::HostAsset> = Vec::with_capacity(assets.len());
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (index, asset) in assets.iter().enumerate() {
        let asset = parse_asset(asset, &format!("assets[{index}]."))?;
        let key = (
            asset.ecosystem.clone(),
            asset.normalized.clone(),
            asset.version.clone(),
        );
        match seen.get(&key) {
            Some(&at) => {
                let first = &mut kept[at];
                first.exposed |= asset.exposed;
                first.runtime |= asset.runtime;
                if exposure_rank(asset.exposure.as_deref())
                    > exposure_rank(first.exposure.as_deref())
                {
                    first.exposure = asset.exposure;
                }
            }
            None => {
                seen.insert(key, kept.len());
                kept.push(asset);
            }
        }
    }
    Ok(Registration { host, assets: kept })
}

fn parse_asset(asset: &Value, place: &str) -> Result<store::HostAsset, String> {
    let Some(object) = asset.as_object() else {
        return Err(format!(
            "expected {} to be an object, but found {}",
            place.trim_end_matches('.'),
            kind_of(asset)
        ));
    };
    let purl = text(object, "purl", place)?;
    if let Some(purl) = &purl {
        packageurl::PackageUrl::from_str(purl).map_err(|e| {
            format!("expected {place}purl to be a package URL (pkg:type/name@version), but {e}")
        })?;
    }
    let ecosystem = required(object, "ecosystem", place)?;
    let ecosystem = matching::canonical_ecosystem(osv::Ecosystem::parse(&ecosystem).base());
    let name = required(object, "name", place)?;
    let exposure = text(object, "exposure", place)?.map(|e| e.to_ascii_lowercase());
    Ok(store::HostAsset {
        normalized: osv::normalize_name(&ecosystem, &name),
        version: required(object, "version", place)?,
        cpe: text(object, "cpe", place)?,
        exposed: flag(object, "exposed", place)?.unwrap_or(false) || exposed(exposure.as_deref()),
        runtime: flag(object, "runtime", place)?.unwrap_or(false),
        exposure,
        purl,
        ecosystem,
        name,
    })
}

/// Whether a reachability makes a package exposed (reachable from off the host).
fn exposed(exposure: Option<&str>) -> bool {
    matches!(exposure, Some("public" | "private"))
}

fn exposure_rank(exposure: Option<&str>) -> u8 {
    match exposure {
        Some("public") => 3,
        Some("private") => 2,
        Some("loopback") => 1,
        _ => 0,
    }
}

/// One advisory matching one package of the host.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Finding {
    id: String,
    cve_id: String,
    #[serde(rename = "type")]
    kind: String,
    title: String,
    slug: String,
    severity: String,
    cvss_score: Option<f64>,
    /// `name@version`, as the client shows it.
    coordinate: String,
    ecosystem: String,
    name: String,
    version: String,
    purl: Option<String>,
    match_basis: &'static str,
    matched_range: String,
    confirmed: bool,
    /// Listed in CISA's KEV catalogue (no KEV data is ingested yet).
    kev: bool,
    exposed: bool,
    exposure: Option<String>,
    risk_score: u32,
    decision: &'static str,
    #[serde(skip)]
    normalized: String,
}

impl Finding {
    fn stored(&self) -> store::HostFinding {
        store::HostFinding {
            advisory_id: self.id.clone(),
            ecosystem: self.ecosystem.clone(),
            normalized: self.normalized.clone(),
            version: self.version.clone(),
            confirmed: self.confirmed,
        }
    }

    /// Most urgent first: band, score, KEV, severity, CVSS, then id and package.
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        let key = |f: &Self| {
            (
                decision_rank(f.decision),
                f.risk_score,
                f.kev,
                severity_rank(&f.severity),
                (f.cvss_score.unwrap_or(0.0) * 100.0) as i64,
            )
        };
        key(other)
            .cmp(&key(self))
            .then_with(|| self.id.cmp(&other.id))
            .then_with(|| self.coordinate.cmp(&other.coordinate))
    }
}

/// Matches every package (unconfirmed matches included: they count apart as not
/// confirmed).
fn match_assets(
    store: &store::Store,
    cache: &matching::MatchCache,
    assets: &[store::HostAsset],
) -> Result<Vec<Finding>, ApiError> {
    let mut findings = Vec::new();
    for asset in assets {
        let Found { package, hits } = matching::match_package(
            store,
            cache,
            &asset.ecosystem,
            &asset.normalized,
            &asset.version,
            false,
        )?;
        for hit in &hits {
            let candidate = &package.candidates[hit.candidate];
            let facts = &candidate.facts;
            let confirmed = hit.confirmed();
            let (risk_score, decision) = risk(
                &candidate.severity,
                facts.cvss_score.unwrap_or(0.0),
                None,
                false,
                asset.exposure.as_deref().unwrap_or("none"),
                confirmed,
            );
            findings.push(Finding {
                id: candidate.id.clone(),
                cve_id: facts.cve_id.clone(),
                kind: candidate.kind.clone(),
                title: facts.title.clone(),
                slug: facts.slug.clone(),
                severity: candidate.severity.clone(),
                cvss_score: facts.cvss_score,
                coordinate: format!("{}@{}", asset.name, asset.version),
                ecosystem: asset.ecosystem.clone(),
                name: asset.name.clone(),
                version: asset.version.clone(),
                purl: asset.purl.clone(),
                match_basis: if confirmed {
                    "coordinate"
                } else {
                    "coordinate-unconfirmed"
                },
                matched_range: package.matched_range(hit).to_owned(),
                confirmed,
                kev: false,
                exposed: asset.exposed,
                exposure: asset.exposure.clone(),
                risk_score,
                decision,
                normalized: asset.normalized.clone(),
            });
        }
    }
    Ok(findings)
}

/// The risk score (0-100) and remediation band of a finding, as the `threat-finder`
/// client computes them (its `compute_risk`, which mirrors the hosted radar):
/// severity 40/30/18/8 (by CVSS ≥ 9/7/4 when the severity is unknown), EPSS × 25, KEV 20,
/// exposure 12 (public) or 7 (private), all × 0.6 when the version is unconfirmed; the
/// band is `act-now` for a confirmed KEV on an exposed package or a score ≥ 80, `soon`
/// for ≥ 58, a confirmed KEV or EPSS ≥ 0.5 on an exposed package, `schedule` for ≥ 32,
/// else `track`. The hosted radar's "+5 when the KEV due date passed" is left out, as the
/// client leaves it out, and KEV and EPSS stay empty until their data is ingested.
fn risk(
    severity: &str,
    cvss: f64,
    epss: Option<f64>,
    kev: bool,
    exposure: &str,
    confirmed: bool,
) -> (u32, &'static str) {
    let severity_points: u32 = match severity_rank(severity) {
        4 => 40,
        3 => 30,
        2 => 18,
        1 => 8,
        _ if cvss >= 9.0 => 40,
        _ if cvss >= 7.0 => 30,
        _ if cvss >= 4.0 => 18,
        _ => 8,
    };
    let epss = epss.unwrap_or(0.0).clamp(0.0, 1.0);
    let epss_points = (epss * 25.0).round() as u32;
    let kev_points = if kev { 20 } else { 0 };
    let exposure = exposure.trim().to_ascii_lowercase();
    let exposure_points = match exposure.as_str() {
        "public" => 12,
        "private" => 7,
        _ => 0,
    };
    let sum = f64::from(severity_points + epss_points + kev_points + exposure_points);
    let factor = if confirmed { 1.0 } else { 0.6 };
    let score = (sum * factor).round().clamp(0.0, 100.0) as u32;

    let exposed = exposed(Some(exposure.as_str()));
    let band = if (kev && exposed && confirmed) || score >= 80 {
        "act-now"
    } else if score >= 58 || (kev && confirmed) || (epss >= 0.5 && exposed) {
        "soon"
    } else if score >= 32 {
        "schedule"
    } else {
        "track"
    };
    (score, band)
}

fn severity_rank(severity: &str) -> u8 {
    match severity.to_ascii_lowercase().as_str() {
        "critical" => 4,
        "high" => 3,
        "medium" | "moderate" => 2,
        "low" => 1,
        _ => 0,
    }
}

fn decision_rank(decision: &str) -> u8 {
    match decision {
        "act-now" => 3,
        "soon" => 2,
        "schedule" => 1,
        _ => 0,
    }
}

/// The answer (API.md): the host, drift, the findings summed up, the most urgent ones
/// and those new since the previous registration.
fn answer(
    host: &store::HostRecord,
    asset_count: usize,
    registered: &store::Registered,
    findings: Vec<Finding>,
) -> Value {
    let mut by_severity: BTreeMap<&str, usize> = ["critical", "high", "medium", "low", "unknown"]
        .into_iter()
        .map(|s| (s, 0))
        .collect();
    let mut by_decision: BTreeMap<&str, usize> = ["act-now", "soon", "schedule", "track"]
        .into_iter()
        .map(|d| (d, 0))
        .collect();
    for finding in &findings {
        let severity = match severity_rank(&finding.severity) {
            4 => "critical",
            3 => "high",
            2 => "medium",
            1 => "low",
            _ => "unknown",
        };
        *by_severity.entry(severity).or_default() += 1;
        *by_decision.entry(finding.decision).or_default() += 1;
    }
    let count = |keep: fn(&Finding) -> bool| findings.iter().filter(|f| keep(f)).count();
    let summary = json!({
        "total": findings.len(),
        "confirmed": count(|f| f.confirmed),
        "kev": count(|f| f.kev),
        "exposed": count(|f| f.exposed),
        "actNow": by_decision["act-now"],
        "bySeverity": by_severity,
        "byDecision": by_decision,
    });

    let mut new: Vec<&Finding> = findings
        .iter()
        .zip(&registered.new_findings)
        .filter_map(|(finding, new)| new.then_some(finding))
        .collect();
    new.sort_by(|a, b| a.order(b));
    let new_count = new.len();
    new.truncate(NEW_LISTED);
    let mut top: Vec<&Finding> = findings.iter().collect();
    top.sort_by(|a, b| a.order(b));
    top.truncate(TOP);

    json!({
        "hostId": host.host_id,
        "monitoring": host.monitor,
        "new": registered.new,
        "assetCount": asset_count,
        "drift": registered.drift,
        "summary": summary,
        "top": top,
        "newSinceLast": new,
        "newSinceLastCount": new_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_follows_the_clients_bands() {
        // Severity alone, then exposure, unconfirmed, KEV and EPSS promotions.
        assert_eq!(
            risk("medium", 5.0, None, false, "loopback", true),
            (18, "track")
        );
        assert_eq!(
            risk("high", 7.5, Some(0.1), false, "public", true),
            (45, "schedule")
        );
        assert_eq!(
            risk("high", 7.0, None, false, "public", false),
            (25, "track")
        );
        assert_eq!(risk("low", 3.0, None, true, "loopback", true).1, "soon");
        assert_eq!(
            risk("medium", 5.0, Some(0.6), false, "PRIVATE", true),
            (40, "soon")
        );
        assert_eq!(
            risk("critical", 9.8, Some(0.9), true, "public", true),
            (95, "act-now")
        );
        assert_eq!(
            risk("critical", 10.0, Some(5.0), true, " public ", true).0,
            97
        );
        // Unknown severity falls back to CVSS.
        assert_eq!(risk("unknown", 9.1, None, false, "none", true).0, 40);
        assert_eq!(risk("unknown", 0.0, None, false, "none", true).0, 8);
    }

    #[test]
    fn repeated_assets_are_kept_once_with_the_widest_exposure() {
        let body = json!({"hostId": "h", "agentVersion": "1", "monitor": false, "assets": [
            {"ecosystem": "pypi", "name": "Django", "version": "4.2", "exposure": "loopback"},
            {"ecosystem": "PyPI", "name": "django", "version": "4.2", "exposure": "public"},
            {"ecosystem": "PyPI", "name": "django", "version": "5.0"}
        ]});
        let parsed = parse(&body).unwrap();
        assert_eq!(parsed.assets.len(), 2);
        assert_eq!(parsed.assets[0].ecosystem, "PyPI");
        assert_eq!(parsed.assets[0].exposure.as_deref(), Some("public"));
        assert!(parsed.assets[0].exposed);
        assert!(!parsed.assets[1].exposed);
    }
}
