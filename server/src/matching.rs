//! `POST /api/v1/match/batch` and `GET /api/v1/match/help` (API.md).
//!
//! Each query is exactly one of a package URL with its version, a package (name and
//! ecosystem) with a version, or a CPE. Package queries are answered from the store's
//! index by (ecosystem, normalized name) and the `versions` stage's OSV evaluation; a
//! version that cannot be ordered gives an unconfirmed match (`coordinate-unconfirmed`),
//! which `strict` drops. CPE queries get a result with no matches until CPE data is
//! ingested. Results come back in the order of the queries.
//!
//! Throughput: what a package's advisories say is read from the store and prepared (every
//! version the entries name parsed once, the facts a match carries written as JSON) once,
//! then kept in [`MatchCache`] between batches; the store's change log drops what a sync
//! changed before the next batch. A batch looks its packages up on one blocking thread
//! (the only step that may need the store), then evaluates each queried version (parsed
//! once per ordering) and writes the response bytes in chunks on every core, splicing the
//! cached JSON of each match (`bench/match-batch.sh` measures it).

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::{json, Value};
use versions::{Evaluation, Installed, PreparedAffected, Reason};

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

/// What every match of one advisory shares.
#[derive(Debug)]
pub(crate) struct Facts {
    pub(crate) cve_id: String,
    pub(crate) title: String,
    pub(crate) slug: String,
    pub(crate) cvss_score: Option<f64>,
    /// A match's `publishedDate`, as JSON spliced after `confirmed`: `,"publishedDate":…`.
    published_json: Box<[u8]>,
    /// A match's fields from `remediation` to its end, as JSON: `,"remediation":…}`.
    rest_json: Box<[u8]>,
}

/// One affected entry of an advisory for a package, prepared for evaluation.
#[derive(Debug)]
struct Entry {
    prepared: PreparedAffected<'static>,
    /// A match's `patchAvailable` and `fixedVersions`, as JSON: `,"patchAvailable":…`.
    fixed_json: Box<[u8]>,
    /// `versions: a, b, c` in the ecosystem's order, made on the first listed match.
    listed: OnceLock<String>,
    /// Each range in words.
    ranges: Vec<String>,
}

/// One advisory naming a package, with its entries for that package.
#[derive(Debug)]
pub(crate) struct Candidate {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) severity: String,
    pub(crate) facts: Arc<Facts>,
    /// A match's fields up to `knownExploitsInWild`, as JSON: `{"id":…,"kev":null,…,`.
    head: Box<[u8]>,
    entries: Vec<Entry>,
}

/// Every advisory naming one package (ecosystem base and normalized name).
#[derive(Debug)]
pub(crate) struct Package {
    ecosystem: String,
    /// Distinct advisories with an entry for the package (`totalCandidates`).
    total: usize,
    pub(crate) candidates: Vec<Candidate>,
}

/// How a match was decided.
#[derive(Debug, Clone)]
enum Basis {
    Listed,
    Range(usize),
    Unordered(String),
}

/// One advisory that matched: indexes into a [`Package`].
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) candidate: usize,
    entry: usize,
    basis: Basis,
}

impl Hit {
    pub(crate) fn confirmed(&self) -> bool {
        !matches!(self.basis, Basis::Unordered(_))
    }
}

/// What the matching of one package version found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) package: Arc<Package>,
    pub(crate) hits: Vec<Hit>,
}

/// Packages and advisory facts kept between requests, bounded by two generations: when
/// the newer fills up it becomes the older and the oldest is dropped, so what is asked
/// often stays and memory stays bounded. The store's change log says which advisories
/// changed since the cache last looked; before each batch the packages they name (before
/// and after the change) are dropped, so a sync by another process shows in the next
/// answer.
#[derive(Debug, Default)]
pub struct MatchCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    seq: Option<i64>,
    packages: Generations<Package>,
    facts: Generations<Facts>,
}

#[derive(Debug)]
struct Generations<T> {
    newer: HashMap<String, Arc<T>>,
    older: HashMap<String, Arc<T>>,
}

impl<T> Default for Generations<T> {
    fn default() -> Self {
        Self {
            newer: HashMap::new(),
            older: HashMap::new(),
        }
    }
}

impl<T> Generations<T> {
    fn get(&mut self, key: &str, limit: usize) -> Option<Arc<T>> {
        if let Some(found) = self.newer.get(key) {
            return Some(Arc::clone(found));
        }
        let found = self.older.remove(key)?;
        self.insert(key.to_owned(), Arc::clone(&found), limit);
        Some(found)
    }

    fn insert(&mut self, key: String, value: Arc<T>, limit: usize) {
        if self.newer.len() >= limit {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, value);
    }

    fn retain(&mut self, keep: impl Fn(&str, &T) -> bool) {
        self.newer.retain(|k, v| keep(k, v));
        self.older.retain(|k, v| keep(k, v));
    }

    fn remove(&mut self, key: &str) {
        self.newer.remove(key);
        self.older.remove(key);
    }

    fn clear(&mut self) {
        self.newer.clear();
        self.older.clear();
    }
}

/// Packages a generation holds (a prepared package is a few KB at most; the full-size
/// export has about 350,000 packages, of which a fleet asks about far fewer).
const PACKAGES_PER_GENERATION: usize = 60_000;
/// Advisories a generation holds (about 1 KB each).
const FACTS_PER_GENERATION: usize = 60_000;
/// More changes than this since the last look start the cache afresh rather than
/// looking up the packages of each changed advisory.
const CHANGES_TO_FORGET_ALL: usize = 2_000;

fn package_key(ecosystem: &str, normalized: &str) -> String {
    let mut key = String::with_capacity(ecosystem.len() + normalized.len() + 1);
    key.push_str(ecosystem);
    key.push('\u{0}');
    key.push_str(normalized);
    key
}

impl MatchCache {
    /// Drops what the advisories changed since the last refresh touch.
    pub(crate) fn refresh(&self, store: &store::Store) -> Result<(), ApiError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let Some(seq) = inner.seq else {
            // The first look: the cache is empty, so only later changes matter.
            inner.seq = Some(store.last_change_seq()?);
            return Ok(());
        };
        let mut changed: HashSet<String> = HashSet::new();
        let mut last = seq;
        loop {
            let changes = store.changes_since(last, 10_000)?;
            let Some(end) = changes.last() else {
                break;
            };
            last = end.seq;
            changed.extend(changes.into_iter().map(|c| c.id));
            if changed.len() > CHANGES_TO_FORGET_ALL {
                break;
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        if changed.len() > CHANGES_TO_FORGET_ALL {
            inner.packages.clear();
            inner.facts.clear();
            inner.seq = Some(store.last_change_seq()?);
            return Ok(());
        }

        // The packages the changed advisories named before (in the cache) and name now
        // (in the store); a package no advisory named before has an empty entry here.
        inner
            .packages
            .retain(|_, p| !p.candidates.iter().any(|c| changed.contains(&c.id)));
        for id in &changed {
            inner.facts.remove(id);
            for (ecosystem, normalized) in store.packages_of(id)? {
                inner.packages.remove(&package_key(&ecosystem, &normalized));
            }
        }
        inner.seq = Some(last);
        Ok(())
    }

    /// Every advisory naming the package, from the cache or else the store.
    pub(crate) fn package(
        &self,
        store: &store::Store,
        ecosystem: &str,
        normalized: &str,
    ) -> Result<Arc<Package>, ApiError> {
        let key = package_key(ecosystem, normalized);
        {
            let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(found) = inner.packages.get(&key, PACKAGES_PER_GENERATION) {
                return Ok(found);
            }
        }
        let package = Arc::new(self.read_package(store, ecosystem, normalized)?);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .packages
            .insert(key, Arc::clone(&package), PACKAGES_PER_GENERATION);
        Ok(package)
    }

    fn read_package(
        &self,
        store: &store::Store,
        ecosystem: &str,
        normalized: &str,
    ) -> Result<Package, ApiError> {
        let rows = store.affected_for(ecosystem, normalized)?;
        let mut candidates: Vec<Candidate> = Vec::new();
        for row in rows {
            if candidates.last().is_none_or(|last| last.id != row.id) {
                // An advisory gone between the two reads is left out.
                let Some(facts) = self.facts(store, &row.id)? else {
                    continue;
                };
                candidates.push(Candidate {
                    head: match_head(&row.id, &row.kind, &row.severity, &facts)
                        .map_err(ApiError::internal)?,
                    id: row.id,
                    kind: row.kind,
                    severity: row.severity,
                    facts,
                    entries: Vec::new(),
                });
            }
            let Some(candidate) = candidates.last_mut() else {
                continue;
            };
            let fixed = fixed_versions(&row.affected);
            let fixed_json = spliced(
                &FixedFields {
                    patch_available: !fixed.is_empty(),
                    fixed_versions: &fixed,
                },
                false,
            );
            candidate.entries.push(Entry {
                fixed_json: fixed_json.map_err(ApiError::internal)?,
                listed: OnceLock::new(),
                ranges: row
                    .affected
                    .ranges
                    .iter()
                    .map(threat::describe_range)
                    .collect(),
                prepared: PreparedAffected::new_owned(row.affected),
            });
        }
        Ok(Package {
            ecosystem: ecosystem.to_owned(),
            total: candidates.len(),
            candidates,
        })
    }

    fn facts(&self, store: &store::Store, id: &str) -> Result<Option<Arc<Facts>>, ApiError> {
        {
            let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(found) = inner.facts.get(id, FACTS_PER_GENERATION) {
                return Ok(Some(found));
            }
        }
        let Some(found) = read_facts(store, id)? else {
            return Ok(None);
        };
        let found = Arc::new(found);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .facts
            .insert(id.to_owned(), Arc::clone(&found), FACTS_PER_GENERATION);
        Ok(Some(found))
    }
}

/// Matches one version of a package (`ecosystem` is the OSV base name, `normalized` the
/// name after [`osv::normalize_name`]): per advisory, the first entry that proves the
/// version affected decides; otherwise an entry that cannot be ordered makes an
/// unconfirmed match, which `strict` drops.
pub(crate) fn match_package(
    store: &store::Store,
    cache: &MatchCache,
    ecosystem: &str,
    normalized: &str,
    version: &str,
    strict: bool,
) -> Result<Found, ApiError> {
    let package = cache.package(store, ecosystem, normalized)?;
    Ok(evaluate_package(package, version, strict))
}

/// Matches one version against the advisories of a package already looked up, parsing
/// the version once per ordering the entries use.
fn evaluate_package(package: Arc<Package>, version: &str, strict: bool) -> Found {
    let mut installed = Installed::new(version);
    let mut hits = Vec::new();
    for (index, candidate) in package.candidates.iter().enumerate() {
        let mut decided: Option<Hit> = None;
        for (at, entry) in candidate.entries.iter().enumerate() {
            match entry.prepared.evaluate_kept(&mut installed) {
                Evaluation::Affected(reason) => {
                    let basis = match reason {
                        Reason::Listed { .. } => Basis::Listed,
                        Reason::Range { index, .. } => Basis::Range(index),
                    };
                    decided = Some(Hit {
                        candidate: index,
                        entry: at,
                        basis,
                    });
                    break;
                }
                Evaluation::CannotOrder(why) if decided.is_none() => {
                    decided = Some(Hit {
                        candidate: index,
                        entry: at,
                        basis: Basis::Unordered(format!("unordered: {why}")),
                    });
                }
                _ => {}
            }
        }
        match decided {
            Some(hit) if hit.confirmed() || !strict => hits.push(hit),
            _ => {}
        }
    }
    Found { package, hits }
}

impl Package {
    /// The matched list or range in words: `versions: 1.2.0, 1.3.0, 1.3.1` (the whole
    /// list, in the ecosystem's order) or `ECOSYSTEM: introduced 0, fixed 2.0`.
    pub(crate) fn matched_range<'a>(&'a self, hit: &'a Hit) -> &'a str {
        let entry = &self.candidates[hit.candidate].entries[hit.entry];
        match &hit.basis {
            Basis::Listed => entry.listed.get_or_init(|| {
                let mut listed = entry.prepared.affected().versions.clone();
                listed.sort_by(|a, b| versions::compare(&self.ecosystem, a, b).unwrap_or(a.cmp(b)));
                format!("versions: {}", listed.join(", "))
            }),
            Basis::Range(index) => entry.ranges.get(*index).map_or("", String::as_str),
            Basis::Unordered(why) => why,
        }
    }
}

/// Writes `"name":` and `value` as JSON.
fn write_field(out: &mut Vec<u8>, name: &str, value: &impl Serialize) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *out, name)?;
    out.push(b':');
    serde_json::to_writer(&mut *out, value)
}

/// A match's fields that are the same for every match of the advisory, in API.md's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchHead<'a> {
    id: &'a str,
    cve_id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    slug: &'a str,
    severity: &'a str,
    cvss_score: Option<f64>,
    // No EPSS or KEV data is ingested yet (API.md allows null for both).
    epss: Option<f64>,
    kev: Option<bool>,
    known_exploits_in_wild: bool,
}

/// A match's `publishedDate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublishedField<'a> {
    published_date: &'a Option<String>,
}

/// A match's fields that are the same for every match of the affected entry.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FixedFields<'a> {
    patch_available: bool,
    fixed_versions: &'a [String],
}

/// A match's last fields, the same for every match of the advisory.
#[derive(Serialize)]
struct RestFields<'a> {
    remediation: &'a str,
    references: &'a [String],
    cwes: &'a [String],
    source: &'a str,
}

/// The JSON of `fields` (a struct) to splice after other fields of a match: the opening
/// `{` becomes `,`, and the closing `}` is kept only for the `last` fields.
fn spliced(fields: &impl Serialize, last: bool) -> serde_json::Result<Box<[u8]>> {
    let mut out = serde_json::to_vec(fields)?;
    out[0] = b',';
    if !last {
        out.pop();
    }
    Ok(out.into_boxed_slice())
}

/// The JSON of a match up to `knownExploitsInWild`, open for the fields that follow:
/// `{"id":…,"knownExploitsInWild":false`.
fn match_head(
    id: &str,
    kind: &str,
    severity: &str,
    facts: &Facts,
) -> serde_json::Result<Box<[u8]>> {
    let mut out = serde_json::to_vec(&MatchHead {
        id,
        cve_id: &facts.cve_id,
        kind,
        title: &facts.title,
        slug: &facts.slug,
        severity,
        cvss_score: facts.cvss_score,
        epss: None,
        kev: None,
        known_exploits_in_wild: false,
    })?;
    out.pop();
    Ok(out.into_boxed_slice())
}

/// A query of a batch with what its matching needs: the package it names, looked up.
struct Asking {
    query: Value,
    asked: Asked,
    package: Option<Arc<Package>>,
}

/// Writes one result (API.md: query, mode, ecosystem, version, totalCandidates, matches).
fn write_result(out: &mut Vec<u8>, asking: &Asking, strict: bool) -> serde_json::Result<()> {
    let (mode, ecosystem, version) = match &asking.asked {
        Asked::Package {
            mode,
            ecosystem,
            version,
            ..
        } => (*mode, Some(ecosystem.as_str()), Some(version.as_str())),
        Asked::Unsupported { version } => ("purl", None, Some(version.as_str())),
        Asked::Cpe { version } => ("cpe", None, version.as_deref()),
    };
    let found = match (&asking.package, version) {
        (Some(package), Some(version)) => {
            Some(evaluate_package(Arc::clone(package), version, strict))
        }
        _ => None,
    };

    out.push(b'{');
    write_field(out, "query", &asking.query)?;
    out.push(b',');
    write_field(out, "mode", &mode)?;
    out.push(b',');
    write_field(out, "ecosystem", &ecosystem)?;
    out.push(b',');
    write_field(out, "version", &version)?;
    out.push(b',');
    let total = found.as_ref().map_or(0, |f| f.package.total);
    write_field(out, "totalCandidates", &total)?;
    out.extend_from_slice(br#","matches":["#);
    if let Some(found) = &found {
        for (at, hit) in found.hits.iter().enumerate() {
            if at > 0 {
                out.push(b',');
            }
            write_match(out, &found.package, hit)?;
        }
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// Writes one match: the cached JSON of its advisory and entry around what the match
/// decided.
fn write_match(out: &mut Vec<u8>, package: &Package, hit: &Hit) -> serde_json::Result<()> {
    let candidate = &package.candidates[hit.candidate];
    let confirmed = hit.confirmed();
    out.extend_from_slice(&candidate.head);
    let basis = if confirmed {
        "coordinate"
    } else {
        "coordinate-unconfirmed"
    };
    out.push(b',');
    write_field(out, "matchBasis", &basis)?;
    out.push(b',');
    write_field(out, "matchedRange", &package.matched_range(hit))?;
    out.push(b',');
    write_field(out, "confirmed", &confirmed)?;
    out.extend_from_slice(&candidate.facts.published_json);
    out.extend_from_slice(&candidate.entries[hit.entry].fixed_json);
    out.extend_from_slice(&candidate.facts.rest_json);
    Ok(())
}

/// Queries below which a batch is written on one thread: a thread costs more than it saves.
const QUERIES_PER_THREAD_AT_LEAST: usize = 128;

/// Writes `{"data":{"results":[…]}}`, the results in the order of the queries, in chunks
/// on as many of the blocking threads as there are cores.
async fn write_results(asking: Vec<Asking>, strict: bool) -> Result<Vec<u8>, ApiError> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let chunk = asking
        .len()
        .div_ceil(threads)
        .max(QUERIES_PER_THREAD_AT_LEAST);
    let asking = Arc::new(asking);
    let tasks: Vec<_> = (0..asking.len())
        .step_by(chunk)
        .map(|start| {
            let asking = Arc::clone(&asking);
            tokio::task::spawn_blocking(move || {
                let end = asking.len().min(start + chunk);
                write_chunk(&asking[start..end], strict)
            })
        })
        .collect();
    drop(asking);
    let mut parts = Vec::with_capacity(tasks.len());
    for task in tasks {
        parts.push(task.await.map_err(ApiError::internal)??);
    }

    let size: usize = parts.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(size + 32);
    out.extend_from_slice(br#"{"data":{"results":["#);
    for (at, part) in parts.iter().enumerate() {
        if at > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    out.extend_from_slice(b"]}}");
    Ok(out)
}

/// The results of consecutive queries, comma-separated.
fn write_chunk(part: &[Asking], strict: bool) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(part.len() * 1024);
    for (at, asking) in part.iter().enumerate() {
        if at > 0 {
            out.push(b',');
        }
        write_result(&mut out, asking, strict).map_err(ApiError::internal)?;
    }
    Ok(out)
}

/// Answers a batch of queries.
pub async fn batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Result<Response, ApiError> {
    let body: Value = crate::json_body(request, state.config.server.body_limit_bytes).await?;

    // Step 1: the request's shape, the batch cap, then every query (a bad one fails the
    // whole request with its index, before any work).
    let Value::Object(mut object) = body else {
        return Err(ApiError::bad_request(format!(
            "expected a JSON object with \"queries\", but found {}",
            kind_of(&body)
        )));
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
    let Some(Value::Array(queries)) = object.remove("queries") else {
        return Err(ApiError::bad_request(
            "expected \"queries\" to be a list of queries",
        ));
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

    // Step 2: look up every package on one store (the cache answers most), then evaluate
    // and write the results on every core, so the async workers only move bytes.
    let cache = Arc::clone(&state.matches);
    let asking = state
        .pool
        .run(move |store| {
            cache.refresh(store)?;
            queries
                .into_iter()
                .zip(asked)
                .map(|(query, asked)| {
                    let package = match &asked {
                        Asked::Package {
                            ecosystem, name, ..
                        } => {
                            let normalized = osv::normalize_name(ecosystem, name);
                            Some(cache.package(store, ecosystem, &normalized)?)
                        }
                        Asked::Unsupported { .. } | Asked::Cpe { .. } => None,
                    };
                    Ok(Asking {
                        query,
                        asked,
                        package,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let bytes = write_results(asking, strict).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
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
pub(crate) fn canonical_ecosystem(base: &str) -> String {
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

fn read_facts(store: &store::Store, id: &str) -> Result<Option<Facts>, ApiError> {
    let Some(advisory) = store.get(id)? else {
        return Ok(None);
    };
    let record = advisory.record()?;
    let title = threat::title(&record);
    let published = PublishedField {
        published_date: &record.published,
    };
    let references: Vec<String> = record.references.iter().map(|r| r.url.clone()).collect();
    let rest = RestFields {
        remediation: &threat::remediation(&advisory.kind, &record),
        references: &references,
        cwes: &threat::cwes(&advisory.kind, &record),
        source: threat::publisher(&advisory.id),
    };
    Ok(Some(Facts {
        cve_id: threat::cve_id(&advisory.id, &record.aliases),
        slug: threat::slug(&advisory.id, &title),
        title,
        cvss_score: record.cvss_score(),
        published_json: spliced(&published, false).map_err(ApiError::internal)?,
        rest_json: spliced(&rest, true).map_err(ApiError::internal)?,
    }))
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
