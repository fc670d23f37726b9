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
//! version the entries name parsed once, the facts a match carries) once, then kept in
//! [`MatchCache`] between batches; the store's change log drops what a sync changed before
//! the next batch. A batch is answered and serialized on one blocking thread, straight
//! from the cache into the response bytes (`bench/match-batch.sh` measures it).

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use versions::{Evaluation, PreparedAffected, Reason};

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
    published: Option<String>,
    remediation: String,
    references: Vec<String>,
    cwes: Vec<String>,
    source: &'static str,
}

/// One affected entry of an advisory for a package, prepared for evaluation.
#[derive(Debug)]
struct Entry {
    prepared: PreparedAffected<'static>,
    fixed: Vec<String>,
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
            let entry = Entry {
                fixed: fixed_versions(&row.affected),
                listed: OnceLock::new(),
                ranges: row
                    .affected
                    .ranges
                    .iter()
                    .map(threat::describe_range)
                    .collect(),
                prepared: PreparedAffected::new_owned(row.affected),
            };
            match candidates.last_mut() {
                Some(last) if last.id == row.id => last.entries.push(entry),
                _ => {
                    // An advisory gone between the two reads is left out.
                    let Some(facts) = self.facts(store, &row.id)? else {
                        continue;
                    };
                    candidates.push(Candidate {
                        id: row.id,
                        kind: row.kind,
                        severity: row.severity,
                        facts,
                        entries: vec![entry],
                    });
                }
            }
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
    let mut hits = Vec::new();
    for (index, candidate) in package.candidates.iter().enumerate() {
        let mut decided: Option<Hit> = None;
        for (at, entry) in candidate.entries.iter().enumerate() {
            match entry.prepared.evaluate(version) {
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
    Ok(Found { package, hits })
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

    fn fixed(&self, hit: &Hit) -> &[String] {
        &self.candidates[hit.candidate].entries[hit.entry].fixed
    }
}

/// One result, aligned with its query.
struct QueryResult {
    query: Value,
    mode: &'static str,
    ecosystem: Option<String>,
    version: Option<String>,
    found: Option<Found>,
}

impl Serialize for QueryResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("query", &self.query)?;
        map.serialize_entry("mode", self.mode)?;
        map.serialize_entry("ecosystem", &self.ecosystem)?;
        map.serialize_entry("version", &self.version)?;
        map.serialize_entry(
            "totalCandidates",
            &self.found.as_ref().map_or(0, |f| f.package.total),
        )?;
        map.serialize_entry("matches", &Matches(self.found.as_ref()))?;
        map.end()
    }
}

struct Matches<'a>(Option<&'a Found>);

impl Serialize for Matches<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(found) = self.0 else {
            return serializer.serialize_seq(Some(0))?.end();
        };
        let mut seq = serializer.serialize_seq(Some(found.hits.len()))?;
        for hit in &found.hits {
            seq.serialize_element(&MatchView {
                package: &found.package,
                hit,
            })?;
        }
        seq.end()
    }
}

/// One advisory that matched a query, as API.md writes it.
struct MatchView<'a> {
    package: &'a Package,
    hit: &'a Hit,
}

impl Serialize for MatchView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let candidate = &self.package.candidates[self.hit.candidate];
        let facts = &candidate.facts;
        let fixed = self.package.fixed(self.hit);
        let confirmed = self.hit.confirmed();
        let mut map = serializer.serialize_map(Some(20))?;
        map.serialize_entry("id", &candidate.id)?;
        map.serialize_entry("cveId", &facts.cve_id)?;
        map.serialize_entry("type", &candidate.kind)?;
        map.serialize_entry("title", &facts.title)?;
        map.serialize_entry("slug", &facts.slug)?;
        map.serialize_entry("severity", &candidate.severity)?;
        map.serialize_entry("cvssScore", &facts.cvss_score)?;
        // No EPSS or KEV data is ingested yet (API.md allows null for both).
        map.serialize_entry("epss", &None::<Value>)?;
        map.serialize_entry("kev", &None::<Value>)?;
        map.serialize_entry("knownExploitsInWild", &false)?;
        map.serialize_entry(
            "matchBasis",
            if confirmed {
                "coordinate"
            } else {
                "coordinate-unconfirmed"
            },
        )?;
        map.serialize_entry("matchedRange", self.package.matched_range(self.hit))?;
        map.serialize_entry("confirmed", &confirmed)?;
        map.serialize_entry("publishedDate", &facts.published)?;
        map.serialize_entry("patchAvailable", &!fixed.is_empty())?;
        map.serialize_entry("fixedVersions", fixed)?;
        map.serialize_entry("remediation", &facts.remediation)?;
        map.serialize_entry("references", &facts.references)?;
        map.serialize_entry("cwes", &facts.cwes)?;
        map.serialize_entry("source", facts.source)?;
        map.end()
    }
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

    // Step 2: match every query on one store and write the answer there too, so the
    // async workers only move bytes.
    let cache = Arc::clone(&state.matches);
    let bytes = state
        .pool
        .run(move |store| {
            cache.refresh(store)?;
            let results = queries
                .into_iter()
                .zip(asked)
                .map(|(query, asked)| answer(store, &cache, query, asked, strict))
                .collect::<Result<Vec<_>, ApiError>>()?;
            let mut bytes = Vec::with_capacity(results.len() * 1024);
            serde_json::to_writer(&mut bytes, &json_envelope(&results))
                .map_err(ApiError::internal)?;
            Ok(bytes)
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// `{"data": {"results": [...]}}` without building it as a `Value`.
fn json_envelope(results: &[QueryResult]) -> impl Serialize + '_ {
    struct Data<'a>(&'a [QueryResult]);
    impl Serialize for Data<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("results", self.0)?;
            map.end()
        }
    }
    struct Envelope<'a>(Data<'a>);
    impl Serialize for Envelope<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("data", &self.0)?;
            map.end()
        }
    }
    Envelope(Data(results))
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

fn answer(
    store: &store::Store,
    cache: &MatchCache,
    query: Value,
    asked: Asked,
    strict: bool,
) -> Result<QueryResult, ApiError> {
    match asked {
        Asked::Cpe { version } => Ok(QueryResult {
            query,
            mode: "cpe",
            ecosystem: None,
            version,
            found: None,
        }),
        Asked::Unsupported { version } => Ok(QueryResult {
            query,
            mode: "purl",
            ecosystem: None,
            version: Some(version),
            found: None,
        }),
        Asked::Package {
            mode,
            ecosystem,
            name,
            version,
        } => {
            let normalized = osv::normalize_name(&ecosystem, &name);
            let found = match_package(store, cache, &ecosystem, &normalized, &version, strict)?;
            Ok(QueryResult {
                query,
                mode,
                ecosystem: Some(ecosystem),
                version: Some(version),
                found: Some(found),
            })
        }
    }
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
        source: threat::publisher(&advisory.id),
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
