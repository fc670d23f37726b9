//! SBOMs as an inventory: a CycloneDX JSON document (1.4 to 1.6) or an SPDX 2.3 JSON
//! document, whose components (packages) are identified by their package URLs and then
//! matched like any other inventory.
//!
//! CycloneDX (<https://cyclonedx.org/docs/1.6/json/>): `components[]` (nested
//! `components` too) with `purl`; radar's own output adds `radar:source` properties,
//! read back so that a path or git dependency is not matched as a registry package.
//! SPDX 2.3 (<https://spdx.github.io/spdx-spec/v2.3/>): `packages[].externalRefs[]` of
//! category `PACKAGE-MANAGER` and type `purl`.
//!
//! A file that is not such a document, and every component that cannot be identified,
//! is a [`ScanError`]; the other components are still read.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::collect::Found;
use crate::names::parse_purl;
use crate::{merge, walk, Collector, Error, Location, Options, Package, ScanError, Source};

/// Components deeper than this are not read (a hostile document could nest forever).
const MAX_DEPTH: usize = 32;

/// Reads the SBOM at `path` into an inventory. Locations name the SBOM (relative to its
/// directory, the inventory's root) and, as their entry, the component's `bom-ref` or
/// SPDX id.
///
/// # Errors
///
/// [`Error::Root`] when the file cannot be opened; anything wrong inside it is a
/// [`ScanError`] of the inventory.
pub fn read_sbom(path: &Path, options: &Options) -> Result<crate::Inventory, Error> {
    let canonical = path.canonicalize().map_err(|source| Error::Root {
        path: path.to_path_buf(),
        source,
    })?;
    let root = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let file = walk::relative(&root, &canonical);
    let mut reader = Reader {
        file: file.clone(),
        raw: walk::Raw::default(),
    };

    match read_json(&canonical, options) {
        Ok(document) => reader.document(&document),
        Err((code, message)) => reader.error(code, message),
    }
    reader.raw.files_read = 1;
    Ok(merge(vec![root], reader.raw))
}

/// The document as JSON, within the size limit.
fn read_json(path: &PathBuf, options: &Options) -> Result<Value, (&'static str, String)> {
    let size = std::fs::metadata(path)
        .map_err(|e| ("unreadable", format!("expected a readable file, but {e}")))?
        .len();
    if size > options.max_file_size {
        return Err((
            "too-large",
            format!(
                "expected an SBOM of at most {} bytes, but found {size}",
                options.max_file_size
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| ("unreadable", format!("expected a readable file, but {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ("parse-error", format!("SBOM: expected JSON, but {e}")))
}

struct Reader {
    file: String,
    raw: walk::Raw,
}

impl Reader {
    /// Tells CycloneDX from SPDX and reads the one it is.
    fn document(&mut self, document: &Value) {
        if document.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
            let version = document
                .get("specVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !matches!(version, "1.4" | "1.5" | "1.6") {
                self.error(
                    "unknown-format",
                    format!(
                        "CycloneDX: expected specVersion 1.4, 1.5 or 1.6, but found {version:?}"
                    ),
                );
                return;
            }
            self.cyclonedx(document.get("components"), 0);
        } else if let Some(version) = document.get("spdxVersion").and_then(Value::as_str) {
            if version != "SPDX-2.3" {
                self.error(
                    "unknown-format",
                    format!("SPDX: expected spdxVersion SPDX-2.3, but found {version:?}"),
                );
                return;
            }
            self.spdx(document);
        } else {
            self.error(
                "unknown-format",
                "SBOM: expected a CycloneDX (`bomFormat`) or SPDX (`spdxVersion`) JSON \
                 document, but found neither"
                    .into(),
            );
        }
    }

    fn cyclonedx(&mut self, components: Option<&Value>, depth: usize) {
        let Some(components) = components else {
            return;
        };
        let Some(list) = components.as_array() else {
            self.error(
                "parse-error",
                "CycloneDX: expected `components` to be an array".into(),
            );
            return;
        };
        if depth >= MAX_DEPTH {
            self.error(
                "too-large",
                format!("CycloneDX: expected components nested at most {MAX_DEPTH} deep"),
            );
            return;
        }
        for (index, component) in list.iter().enumerate() {
            let id = component
                .get("bom-ref")
                .and_then(Value::as_str)
                .map_or_else(|| format!("components[{index}]"), str::to_string);
            let name = component.get("name").and_then(Value::as_str);
            let version = component.get("version").and_then(Value::as_str);
            let kind = component
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("library");
            let source = properties(component)
                .find(|(k, _)| *k == "radar:source")
                .and_then(|(_, v)| parse_source(v))
                .unwrap_or(Source::Registry);
            match component.get("purl").and_then(Value::as_str) {
                Some(purl) => {
                    self.package(Collector::CyclonedxSbom, &id, purl, name, version, source)
                }
                // Files, applications and the like are not packages of a registry.
                None if matches!(kind, "library" | "framework") => self.error(
                    "no-purl",
                    format!(
                        "CycloneDX: component {id} ({}) has no purl, so it cannot be matched",
                        name.unwrap_or("unnamed")
                    ),
                ),
                None => {}
            }
            self.cyclonedx(component.get("components"), depth + 1);
        }
    }

    fn spdx(&mut self, document: &Value) {
        // The package(s) the document describes (the scanned project or image itself)
        // need no purl.
        let mut described: Vec<&str> = document
            .get("documentDescribes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for relationship in document
            .get("relationships")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = |k: &str| relationship.get(k).and_then(Value::as_str);
            if field("relationshipType") == Some("DESCRIBES")
                && field("spdxElementId") == Some("SPDXRef-DOCUMENT")
            {
                described.extend(field("relatedSpdxElement"));
            }
        }

        let Some(packages) = document.get("packages").and_then(Value::as_array) else {
            return;
        };
        for (index, package) in packages.iter().enumerate() {
            let id = package
                .get("SPDXID")
                .and_then(Value::as_str)
                .map_or_else(|| format!("packages[{index}]"), str::to_string);
            let name = package.get("name").and_then(Value::as_str);
            let version = package.get("versionInfo").and_then(Value::as_str);
            let purl = package
                .get("externalRefs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|r| {
                    let category = r.get("referenceCategory").and_then(Value::as_str);
                    matches!(category, Some("PACKAGE-MANAGER" | "PACKAGE_MANAGER"))
                        && r.get("referenceType").and_then(Value::as_str) == Some("purl")
                })
                .and_then(|r| r.get("referenceLocator").and_then(Value::as_str));
            match purl {
                Some(purl) => self.package(
                    Collector::SpdxSbom,
                    &id,
                    purl,
                    name,
                    version,
                    Source::Registry,
                ),
                None if described.contains(&id.as_str()) => {}
                None => self.error(
                    "no-purl",
                    format!(
                        "SPDX: package {id} ({}) has no purl external reference, so it \
                         cannot be matched",
                        name.unwrap_or("unnamed")
                    ),
                ),
            }
        }
    }

    /// One component by its purl: OS purls keep their distribution release, language
    /// purls give the ecosystem and name; the document's own name is kept when it is a
    /// spelling of the purl's.
    fn package(
        &mut self,
        collector: Collector,
        id: &str,
        purl: &str,
        name: Option<&str>,
        version: Option<&str>,
        source: Source,
    ) {
        let found = if let Some(package) = Package::from_os_purl(purl) {
            let mut found = Found::new(
                collector,
                package.ecosystem,
                package.name,
                package.version,
                source,
            );
            found.os = package.os;
            found
        } else if let Some((ecosystem, purl_name, purl_version)) = parse_purl(purl) {
            let spelled = name
                .filter(|n| {
                    crate::normalize_name(ecosystem, n)
                        == crate::normalize_name(ecosystem, &purl_name)
                })
                .map_or(purl_name, str::to_string);
            let version = purl_version.or_else(|| version.map(str::to_string));
            Found::new(collector, ecosystem, spelled, version, source)
        } else {
            self.error(
                "unknown-format",
                format!(
                    "component {id}: expected a package URL of a supported ecosystem, but \
                     found {purl:?}"
                ),
            );
            return;
        };
        let location = Location {
            root: 0,
            path: self.file.clone(),
            collector,
            line: None,
            entry: Some(id.to_string()),
            record: None,
            layer: None,
        };
        self.raw.found.push((found, location));
    }

    fn error(&mut self, code: &str, error: String) {
        self.raw.errors.push(ScanError {
            root: 0,
            path: self.file.clone(),
            code: code.to_string(),
            error,
            layer: None,
        });
    }
}

/// A component's `properties` as (name, value) pairs.
fn properties(component: &Value) -> impl Iterator<Item = (&str, &str)> {
    component
        .get("properties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("name").and_then(Value::as_str)?,
                p.get("value").and_then(Value::as_str)?,
            ))
        })
}

fn parse_source(text: &str) -> Option<Source> {
    Some(match text {
        "registry" => Source::Registry,
        "workspace" => Source::Workspace,
        "path" => Source::Path,
        "link" => Source::Link,
        "git" => Source::Git,
        "url" => Source::Url,
        _ => return None,
    })
}
