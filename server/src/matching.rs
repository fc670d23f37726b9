//! `POST /api/v1/match/batch` and `GET /api/v1/match/help` (API.md).
//!
//! Each query is exactly one of a package URL with its version, a package (name and
//! ecosystem) with a version, or a CPE. Package queries are answered from the store's
//! index by (ecosystem, normalized name) and the `versions` stage's OSV evaluation; a
//! version that cannot be ordered gives an unconfirmed match (`coordinate-unconfirmed`),
//! which `strict` drops. CPE queries get a result with no matches until CPE data is
//! ingested. Results come back in the order of the queries.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::{json, Value};
use versions::{Evaluation, Reason};

use crate::auth::Caller;
use crate::threat::{self, fixed_versions};
use crate::{ApiError, AppState};

/// What a query asks about, once validated.
#[derive(Debug, Clone)]
enum Asked {
    /// A package in an ecosystem we can look up (`ecosystem` is the OSV base name).
    Package {
        mode: &'static str,
        ecosystem: String,
        name: String,
        version: String,
    },
    /// A package URL whose type has no OSV ecosystem: nothing can match it.
    Unsupported { version: String },
    /// A CPE; matched by nothing until CPE data is ingested.
    Cpe { version: Option<String> },
}

/// One result, aligned with its query.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryResult {
    query: Value,
    mode: &'static str,
    ecosystem: Option<String>,
    version: Option<String>,
    total_candidates: usize,
    matches: Vec<Match>,
}

/// One advisory that matched a query.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    id: String,
    cve_id: String,
    #[serde(rename = "type")]
    kind: String,
    title: String,
    slug: String,
    severity: String,
    cvss_score: Option<f64>,
    epss: Option<Value>,
    kev: Option<Value>,
    known_exploits_in_wild: bool,
    match_basis: &'static str,
    matched_range: String,
    confirmed: bool,
    published_date: Option<String>,
    patch_available: bool,
    fixed_versions: Vec<String>,
    remediation: String,
    references: Vec<String>,
    cwes: Vec<String>,
    source: String,
}

/// What every match of one advisory shares, read once per request.
#[derive(Debug, Clone)]
struct Facts {
    cve_id: String,
    title: String,
    slug: String,
    cvss_score: Option<f64>,
    published: Option<String>,
    remediation: String,
    references: Vec<String>,
    cwes: Vec<String>,
    source: String,
}

/// Advisory facts kept between requests. The store's change log says which advisories
/// changed since the cache last looked, and those are dropped before each batch, so a sync
/// by another process shows in the next answer.
#[derive(Debug, Default)]
pub struct FactsCache {
    inner: std::sync::Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    seq: i64,
    facts: HashMap<String, Arc<Facts>>,
}

/// Entries kept before the cache starts afresh (about 1 KB each).
const CACHE_LIMIT: usize = 200_000;

impl FactsCache {
    /// Drops the facts of every advisory changed since the last refresh.
    fn refresh(&self, store: &store::Store) -> Result<(), ApiError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let changes = store.changes_since(inner.seq, 10_000)?;
            let Some(last) = changes.last() else {
                return Ok(());
            };
            inner.seq = last.seq;
            for change in &changes {
                inner.facts.remove(&change.id);
            }
        }
    }

    fn get(&self, store: &store::Store, id: &str) -> Result<Option<Arc<Facts>>, ApiError> {
        let cached = {
            let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            inner.facts.get(id).cloned()
        };
        if let Some(found) = cached {
            return Ok(Some(found));
        }
        let Some(found) = read_facts(store, id)? else {
            return Ok(None);
        };
        let found = Arc::new(found);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.facts.len() >= CACHE_LIMIT {
            inner.facts.clear();
        }
        inner.facts.insert(id.to_owned(), Arc::clone(&found));
        Ok(Some(found))
    }
}

/// Answers a batch of queries.
pub async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let body: Value = crate::json_body(request, state.config.server.body_limit_bytes).await?;

    // Step 1: the request's shape, the batch cap, then every query (a bad one fails the
    // whole request with its index, before any work).
    let Some(object) = body.as_object() else {
        return Err(ApiError::bad_request(format!(
            "expected a JSON object with \"queries\", but found {}",
            kind_of(&body)
        )));
    };
    let Some(queries) = object.get("queries").and_then(Value::as_array) else {
        return Err(ApiError::bad_request(
            "expected \"queries\" to be a list of queries",
        ));
    };
    let strict = match object.get("strict") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(strict)) => *strict,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "expected \"strict\" to be true or false, but found {}",
                kind_of(other)
            )))
        }
    };
    if queries.len() > caller.tier.max_batch {
        return Err(ApiError::batch_too_large(
            queries.len(),
            caller.tier.max_batch,
        ));
    }
    let asked: Vec<Asked> = queries
        .iter()
        .enumerate()
        .map(|(index, query)| {
            parse_query(query)
                .map_err(|message| ApiError::bad_request(format!("query {index}: {message}")))
        })
        .collect::<Result<_, _>>()?;

    // Step 2: match every query on one store, sharing advisory facts across queries.
    let queries = queries.clone();
    let cache = Arc::clone(&state.facts);
    let results = state
        .pool
        .run(move |store| {
            cache.refresh(store)?;
            queries
                .into_iter()
                .zip(asked)
                .map(|(query, asked)| answer(store, query, asked, strict, &cache))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(Json(json!({ "data": { "results": results } })))
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

fn text_field<'a>(query: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match query.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Err(format!(
            "expected {name:?} to be non-empty, but found an empty string"
        )),
        Some(Value::String(text)) => Ok(Some(text.trim())),
        Some(other) => Err(format!(
            "expected {name:?} to be a string, but found {}",
            kind_of(other)
        )),
    }
}

/// Validates one query (API.md: exactly one of purl, package + version, cpe; a version
/// given twice is an error).
fn parse_query(query: &Value) -> Result<Asked, String> {
    if !query.is_object() {
        return Err(format!("expected an object, but found {}", kind_of(query)));
    }
    let purl = text_field(query, "purl")?;
    let cpe = text_field(query, "cpe")?;
    let version = text_field(query, "version")?;
    let package = match query.get("package") {
        None | Some(Value::Null) => None,
        Some(package @ Value::Object(_)) => Some(package),
        Some(other) => {
            return Err(format!(
                "expected \"package\" to be an object with name and ecosystem, but found {}",
                kind_of(other)
            ))
        }
    };
    let given: Vec<&str> = [("purl", purl.is_some()), ("package", package.is_some())]
        .into_iter()
        .chain([("cpe", cpe.is_some())])
        .filter_map(|(name, given)| given.then_some(name))
        .collect();
    if given.len() != 1 {
        let found = if given.is_empty() {
            "none of them".to_owned()
        } else {
            given.join(" and ")
        };
        return Err(format!(
            "expected exactly one of \"purl\", \"package\" + \"version\" or \"cpe\", but \
             found {found}"
        ));
    }

    if let Some(purl) = purl {
        return parse_purl(purl, version);
    }
    if let Some(cpe) = cpe {
        if version.is_some() {
            return Err("expected the version inside the cpe, but found \"version\" too".into());
        }
        return parse_cpe(cpe);
    }
    let package = package.unwrap_or(&Value::Null);
    let name = text_field(package, "name")?
        .ok_or_else(|| "expected \"package.name\", but found none".to_owned())?;
    let ecosystem = text_field(package, "ecosystem")?
        .ok_or_else(|| "expected \"package.ecosystem\", but found none".to_owned())?;
    let version = version
        .ok_or_else(|| "expected \"version\" with \"package\", but found none".to_owned())?;
    Ok(Asked::Package {
        mode: "package",
        ecosystem: canonical_ecosystem(osv::Ecosystem::parse(ecosystem).base()),
        name: name.to_owned(),
        version: version.to_owned(),
    })
}

fn parse_purl(text: &str, version: Option<&str>) -> Result<Asked, String> {
    let purl = packageurl::PackageUrl::from_str(text)
        .map_err(|e| format!("expected a package URL (pkg:type/name@version), but {e}"))?;
    let version = match (purl.version(), version) {
        (Some(inside), Some(outside)) => {
            return Err(format!(
                "expected the version once, but found it in the purl ({inside:?}) and in \
                 \"version\" ({outside:?})"
            ))
        }
        (Some(v), None) | (None, Some(v)) => v.to_owned(),
        (None, None) => {
            return Err(
                "expected a version in the purl (pkg:type/name@version), but found \
                        none"
                    .into(),
            )
        }
    };
    let Some(ecosystem) = purl_ecosystem(purl.ty(), purl.namespace()) else {
        return Ok(Asked::Unsupported { version });
    };
    let name = match (purl.ty(), purl.namespace()) {
        (_, None) => purl.name().to_owned(),
        ("maven", Some(group)) => format!("{group}:{}", purl.name()),
        // Debian, Alpine and RPM namespaces name the distribution, not the package.
        ("deb" | "apk" | "rpm", Some(_)) => purl.name().to_owned(),
        (_, Some(namespace)) => format!("{namespace}/{}", purl.name()),
    };
    Ok(Asked::Package {
        mode: "purl",
        ecosystem: ecosystem.to_owned(),
        name,
        version,
    })
}

/// The OSV ecosystem of a package-URL type (purl-spec's types, OSV's ecosystem list).
fn purl_ecosystem(ty: &str, namespace: Option<&str>) -> Option<&'static str> {
    Some(match ty {
        "pypi" => "PyPI",
        "npm" => "npm",
        "cargo" => "crates.io",
        "maven" => "Maven",
        "golang" => "Go",
        "gem" => "RubyGems",
        "nuget" => "NuGet",
        "composer" => "Packagist",
        "pub" => "Pub",
        "hex" => "Hex",
        "hackage" => "Hackage",
        "cran" => "CRAN",
        "swift" => "SwiftURL",
        "conan" => "ConanCenter",
        "bitnami" => "Bitnami",
        "apk" => match namespace {
            Some("wolfi") => "Wolfi",
            Some("chainguard") => "Chainguard",
            _ => "Alpine",
        },
        "deb" => match namespace {
            Some("ubuntu") => "Ubuntu",
            _ => "Debian",
        },
        "rpm" => match namespace {
            Some("redhat") => "Red Hat",
            Some("almalinux") => "AlmaLinux",
            Some("rocky-linux") => "Rocky Linux",
            Some("opensuse") => "openSUSE",
            Some("suse") => "SUSE",
            _ => return None,
        },
        _ => return None,
    })
}

/// Ecosystem names as people type them (`pypi`, `Npm`) become OSV's spelling.
fn canonical_ecosystem(base: &str) -> String {
    const KNOWN: &[&str] = &[
        "PyPI",
        "npm",
        "crates.io",
        "Maven",
        "Go",
        "RubyGems",
        "NuGet",
        "Packagist",
        "Pub",
        "Hex",
        "Hackage",
        "CRAN",
        "SwiftURL",
        "ConanCenter",
        "Bitnami",
        "Alpine",
        "Debian",
        "Ubuntu",
        "Red Hat",
        "AlmaLinux",
        "Rocky Linux",
        "openSUSE",
        "SUSE",
        "Wolfi",
        "Chainguard",
        "GitHub Actions",
        "VSCode",
        "Linux",
        "OSS-Fuzz",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(base))
        .map_or_else(|| base.to_owned(), |k| (*k).to_owned())
}

/// CPE 2.3 formatted strings and CPE 2.2 URIs; the version is the sixth component.
fn parse_cpe(text: &str) -> Result<Asked, String> {
    let parts: Vec<&str> = if let Some(rest) = text.strip_prefix("cpe:2.3:") {
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() < 5 {
            return Err(format!(
                "expected a CPE 2.3 name with part, vendor, product and version, but found \
                 {text:?}"
            ));
        }
        parts
    } else if let Some(rest) = text.strip_prefix("cpe:/") {
        rest.split(':').collect()
    } else {
        return Err(format!(
            "expected a CPE (cpe:2.3:… or cpe:/…), but found {text:?}"
        ));
    };
    let version = parts
        .get(3)
        .filter(|v| !matches!(**v, "" | "*" | "-"))
        .map(|v| (*v).to_owned());
    Ok(Asked::Cpe { version })
}

fn answer(
    store: &store::Store,
    query: Value,
    asked: Asked,
    strict: bool,
    cache: &FactsCache,
) -> Result<QueryResult, ApiError> {
    let (mode, ecosystem, name, version) = match asked {
        Asked::Cpe { version } => {
            return Ok(QueryResult {
                query,
                mode: "cpe",
                ecosystem: None,
                version,
                total_candidates: 0,
                matches: Vec::new(),
            })
        }
        Asked::Unsupported { version } => {
            return Ok(QueryResult {
                query,
                mode: "purl",
                ecosystem: None,
                version: Some(version),
                total_candidates: 0,
                matches: Vec::new(),
            })
        }
        Asked::Package {
            mode,
            ecosystem,
            name,
            version,
        } => (mode, ecosystem, name, version),
    };

    // Step 1: every entry naming the package; the candidates are their advisories.
    let normalized = osv::normalize_name(&ecosystem, &name);
    let entries = store.affected_for(&ecosystem, &normalized)?;
    let mut candidates: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    candidates.dedup();

    // Step 2: per advisory, the first entry that proves the version affected decides;
    // otherwise an entry that cannot be ordered makes an unconfirmed match.
    let mut matches: Vec<Match> = Vec::new();
    for id in &candidates {
        let mine: Vec<&store::AffectedEntry> = entries.iter().filter(|e| e.id == *id).collect();
        let mut decided = None;
        for entry in &mine {
            match versions::evaluate(&entry.affected, &version) {
                Evaluation::Affected(reason) => {
                    decided = Some((*entry, describe(&ecosystem, &entry.affected, &reason), true));
                    break;
                }
                Evaluation::CannotOrder(why) if decided.is_none() => {
                    decided = Some((*entry, format!("unordered: {why}"), false));
                }
                _ => {}
            }
        }
        let Some((entry, matched_range, confirmed)) = decided else {
            continue;
        };
        if strict && !confirmed {
            continue;
        }
        let Some(facts) = cache.get(store, id)? else {
            continue;
        };
        let facts = Facts::clone(&facts);
        let fixed = fixed_versions(&entry.affected);
        matches.push(Match {
            id: entry.id.clone(),
            cve_id: facts.cve_id,
            kind: entry.kind.clone(),
            title: facts.title,
            slug: facts.slug,
            severity: entry.severity.clone(),
            cvss_score: facts.cvss_score,
            epss: None,
            kev: None,
            known_exploits_in_wild: false,
            match_basis: if confirmed {
                "coordinate"
            } else {
                "coordinate-unconfirmed"
            },
            matched_range,
            confirmed,
            published_date: facts.published,
            patch_available: !fixed.is_empty(),
            fixed_versions: fixed,
            remediation: facts.remediation,
            references: facts.references,
            cwes: facts.cwes,
            source: facts.source,
        });
    }
    Ok(QueryResult {
        query,
        mode,
        ecosystem: Some(ecosystem),
        version: Some(version),
        total_candidates: candidates.len(),
        matches,
    })
}

fn read_facts(store: &store::Store, id: &str) -> Result<Option<Facts>, ApiError> {
    let Some(advisory) = store.get(id)? else {
        return Ok(None);
    };
    let record = advisory.record()?;
    let title = threat::title(&record);
    Ok(Some(Facts {
        cve_id: threat::cve_id(&advisory.id, &record.aliases),
        slug: threat::slug(&advisory.id, &title),
        title,
        cvss_score: record.cvss_score(),
        published: record.published.clone(),
        remediation: threat::remediation(&advisory.kind, &record),
        references: record.references.iter().map(|r| r.url.clone()).collect(),
        cwes: threat::cwes(&advisory.kind, &record),
        source: threat::publisher(&advisory.id).to_owned(),
    }))
}

/// The matched list or range in words: `versions: 1.2.0, 1.3.0, 1.3.1` (the whole list,
/// in the ecosystem's order) or `ECOSYSTEM: introduced 0, fixed 2.0`.
fn describe(ecosystem: &str, affected: &osv::Affected, reason: &Reason) -> String {
    match reason {
        Reason::Listed { .. } => {
            let mut listed = affected.versions.clone();
            listed.sort_by(|a, b| versions::compare(ecosystem, a, b).unwrap_or(a.cmp(b)));
            format!("versions: {}", listed.join(", "))
        }
        Reason::Range { index, .. } => affected
            .ranges
            .get(*index)
            .map(threat::describe_range)
            .unwrap_or_default(),
    }
}

/// A plain description of the matching API, for people reading it by hand.
pub async fn help() -> Json<Value> {
    Json(json!({
        "data": {
            "endpoint": "POST /api/v1/match/batch",
            "authentication": "X-API-Key header",
            "request": {
                "queries": "a list; each query is exactly one of: {\"purl\": \
                    \"pkg:pypi/name@1.0\"}, {\"package\": {\"name\", \"ecosystem\"}, \
                    \"version\"}, {\"cpe\": \"cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*\"}",
                "strict": "optional boolean (default false): drop matches whose version \
                    could not be confirmed"
            },
            "response": "{\"data\": {\"results\": [...]}}: one result per query, in the \
                same order, with mode, ecosystem, version, totalCandidates and matches",
            "matchBasis": {
                "coordinate": "ecosystem, name and version range or list",
                "coordinate-unconfirmed": "the name is known but the version could not be \
                    ordered (confirmed: false)",
                "cpe": "a CPE match (no CPE data is ingested yet, so CPE queries match \
                    nothing)"
            },
            "errors": {
                "400": "a malformed query, or a version given both in the purl and in \
                    \"version\"",
                "401": "a missing or unknown API key",
                "403": "a key whose tier may not use the API",
                "413": "more queries than the key's tier allows; data.maxBatch says how many",
                "429": "the hourly or monthly limit is used up; Retry-After says when to retry"
            }
        }
    }))
}
