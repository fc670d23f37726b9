//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>): the inventory as
//! `components` (one per package, with its purl, and its locations as `radar:location`
//! properties) and, for a scan, the findings as `vulnerabilities` whose `affects` refer to
//! those components by `bom-ref`.
//!
//! Property names use radar's own `radar:` namespace, as the CycloneDX property taxonomy
//! asks of tools. `radar:source` is read back by radar's SBOM reader, so a path or git
//! dependency written here is not matched as a registry package when the file is scanned.

use std::collections::HashMap;

use inventory::{Inventory, Package};
use matcher::Finding;
use serde_json::{json, Map, Value};

use crate::{by_advisory, ScanReport};

/// What a BOM says about its own making; the caller provides it so that rendering stays a
/// pure function of the inventory and findings.
#[derive(Debug, Clone)]
pub struct BomInfo {
    /// `urn:uuid:<RFC 4122 UUID>`, different for every BOM written.
    pub serial_number: String,
    /// When the BOM was made (RFC 3339).
    pub timestamp: String,
    /// radar's version, for `metadata.tools`.
    pub tool_version: String,
}

/// Renders an inventory as a CycloneDX 1.6 BOM.
pub fn cyclonedx_inventory(inventory: &Inventory, info: &BomInfo) -> String {
    let (bom, _) = bom(inventory, info);
    pretty(&bom)
}

/// Renders a scan as a CycloneDX 1.6 BOM: the inventory's components and a vulnerability
/// per advisory, affecting the components its findings are about. Confirmed findings of
/// malicious packages are `exploitable` (their code runs when installed); every other
/// finding is `in_triage`, with why it matched as the analysis detail.
pub fn cyclonedx(report: &ScanReport, inventory: &Inventory, info: &BomInfo) -> String {
    let (mut bom, refs) = bom(inventory, info);

    let all: Vec<Finding> = report
        .findings
        .iter()
        .chain(&report.unconfirmed)
        .cloned()
        .collect();
    let vulnerabilities: Vec<Value> = by_advisory(&all)
        .into_iter()
        .map(|(first, members)| vulnerability(first, &members, &refs))
        .collect();
    bom["vulnerabilities"] = Value::Array(vulnerabilities);

    // Scan errors not already carried by the inventory (hash checks) go to metadata too.
    let extra: Vec<Value> = report
        .errors
        .iter()
        .filter(|e| {
            !inventory
                .errors
                .iter()
                .any(|i| i.path == e.path && i.error == e.error)
        })
        .map(|e| property("radar:error", &format!("{}: {}", e.path, e.error)))
        .chain(inspection_properties(report))
        .collect();
    if let Some(properties) = bom["metadata"]["properties"].as_array_mut() {
        properties.extend(extra);
    }
    pretty(&bom)
}

fn pretty(bom: &Value) -> String {
    serde_json::to_string_pretty(bom).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Components by package, and how to find a package's `bom-ref` again: by purl and first
/// location path (a finding keeps its package's locations in order), then by purl alone.
struct Refs {
    by_location: HashMap<(String, String), String>,
    by_purl: HashMap<String, String>,
}

impl Refs {
    fn of(&self, finding: &Finding) -> Option<&String> {
        let purl = finding.package.purl.clone();
        let first = finding.locations.first().map(|l| l.path.clone());
        first
            .and_then(|path| self.by_location.get(&(purl.clone(), path)))
            .or_else(|| self.by_purl.get(&purl))
    }
}

fn bom(inventory: &Inventory, info: &BomInfo) -> (Value, Refs) {
    let mut refs = Refs {
        by_location: HashMap::new(),
        by_purl: HashMap::new(),
    };
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut components = Vec::new();
    for package in &inventory.packages {
        // bom-refs must be unique in the BOM: the purl, numbered when it repeats (the same
        // package from a registry and from a path, say).
        let count = used.entry(package.purl.clone()).or_insert(0);
        *count += 1;
        let bom_ref = match *count {
            1 => package.purl.clone(),
            n => format!("{}#{n}", package.purl),
        };
        refs.by_purl
            .entry(package.purl.clone())
            .or_insert_with(|| bom_ref.clone());
        if let Some(first) = package.locations.first() {
            refs.by_location
                .entry((package.purl.clone(), first.path.clone()))
                .or_insert_with(|| bom_ref.clone());
        }
        components.push(component(inventory, package, bom_ref));
    }

    let mut properties: Vec<Value> = inventory
        .layers
        .iter()
        .map(|l| {
            property(
                "radar:layer",
                &format!("{} {} {}", l.index, l.digest, l.path),
            )
        })
        .collect();
    properties.extend(inventory.errors.iter().map(|e| {
        let path = location_path(inventory, e.root, &e.path);
        property("radar:error", &format!("{path}: [{}] {}", e.code, e.error))
    }));

    let name = inventory
        .roots
        .iter()
        .map(|r| r.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let kind = if inventory.layers.is_empty() {
        "application"
    } else {
        "container"
    };
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": info.serial_number,
        "version": 1,
        "metadata": {
            "timestamp": info.timestamp,
            "tools": {"components": [{
                "type": "application",
                "name": "radar",
                "version": info.tool_version,
                "description": "Open Threat Radar",
            }]},
            "component": {"type": kind, "bom-ref": "radar:scanned", "name": name},
            "properties": properties,
        },
        "components": components,
    });
    (bom, refs)
}

fn component(inventory: &Inventory, package: &Package, bom_ref: String) -> Value {
    let mut properties = vec![
        property("radar:ecosystem", &package.osv_ecosystem()),
        property("radar:source", package.source.as_str()),
    ];
    if let Some(os) = &package.os {
        if let Some(source) = &os.source_name {
            let version = os
                .source_version
                .as_deref()
                .map_or(String::new(), |v| format!("@{v}"));
            properties.push(property(
                "radar:source-package",
                &format!("{source}{version}"),
            ));
        }
    }
    for location in &package.locations {
        let mut value = location_path(inventory, location.root, &location.path);
        if let Some(line) = location.line {
            value.push_str(&format!(":{line}"));
        }
        if let Some(layer) = location.layer.and_then(|i| inventory.layers.get(i)) {
            value.push_str(&format!(" (layer {} {})", layer.index, layer.digest));
        }
        properties.push(property("radar:location", &value));
    }

    let mut component = Map::new();
    component.insert("type".into(), "library".into());
    component.insert("bom-ref".into(), bom_ref.into());
    component.insert("name".into(), package.name.clone().into());
    if let Some(version) = &package.version {
        component.insert("version".into(), version.clone().into());
    }
    component.insert("purl".into(), package.purl.clone().into());
    component.insert("properties".into(), properties.into());
    Value::Object(component)
}

fn vulnerability(first: &Finding, members: &[&Finding], refs: &Refs) -> Value {
    let source = json!({
        "name": "OSV",
        "url": format!("https://osv.dev/vulnerability/{}", first.id),
    });
    let affects: Vec<Value> = members
        .iter()
        .filter_map(|f| {
            let status = if f.is_confirmed() {
                "affected"
            } else {
                "unknown"
            };
            let mut affect = json!({"ref": refs.of(f)?});
            if let Some(version) = &f.package.version {
                affect["versions"] = json!([{"version": version, "status": status}]);
            }
            Some(affect)
        })
        .collect();
    let confirmed = members.iter().any(|f| f.is_confirmed());
    let state = if confirmed && first.kind == "malicious" {
        "exploitable"
    } else {
        "in_triage"
    };
    let detail: Vec<String> = members
        .iter()
        .map(|f| {
            let why = f.unconfirmed.as_deref().unwrap_or(&f.matched);
            let hash = if f.confirmed_by_hash {
                ", confirmed by file hash"
            } else {
                ""
            };
            format!("{}: {why}{hash}", crate::package_line(f))
        })
        .collect();

    let mut vulnerability = json!({
        "bom-ref": format!("radar:vulnerability:{}", first.id),
        "id": first.id,
        "source": source,
        "ratings": [{"source": source, "severity": first.severity, "method": "other"}],
        "analysis": {"state": state, "detail": detail.join("\n")},
        "affects": affects,
        "properties": [property("radar:kind", &first.kind)],
    });
    if let Some(summary) = &first.summary {
        vulnerability["description"] = summary.clone().into();
    }
    if !first.fixed.is_empty() {
        vulnerability["recommendation"] = format!("Upgrade to {}", first.fixed.join(" or ")).into();
    }
    if !first.aliases.is_empty() {
        let references: Vec<Value> = first
            .aliases
            .iter()
            .map(|alias| {
                json!({"id": alias, "source": {
                    "name": "OSV",
                    "url": format!("https://osv.dev/vulnerability/{alias}"),
                }})
            })
            .collect();
        vulnerability["references"] = references.into();
    }
    vulnerability
}

/// With `--inspect`: the inspector's counts and each package it flagged, with verdict,
/// score, place and analysis. CycloneDX has no field for a code-analysis verdict, so
/// they travel as metadata properties, like the scan's errors.
fn inspection_properties(report: &ScanReport) -> Vec<Value> {
    let Some(inspection) = &report.inspection else {
        return Vec::new();
    };
    let summary = &inspection.summary;
    let counts = format!(
        "{} packages: {} malicious, {} suspicious, {} clean",
        summary.packages, summary.malicious, summary.suspicious, summary.clean
    );
    let mut properties = vec![property("radar:inspection", &counts)];
    properties.extend(inspection.flagged().map(|p| {
        let r = &p.report;
        let place = p.location_line();
        let value = format!(
            "{}@{} {} (score {}) at {place}: {}",
            r.name,
            r.version,
            r.verdict.as_str(),
            r.score,
            r.analysis
        );
        property("radar:inspection-verdict", &value)
    }));
    properties
}

fn property(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

/// A path relative to its root for one root, absolute for several (as the table shows).
fn location_path(inventory: &Inventory, root: usize, path: &str) -> String {
    if inventory.roots.len() > 1 {
        inventory.absolute_path(root, path).display().to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use matcher::{FoundAt, PackageRef};

    fn info() -> BomInfo {
        BomInfo {
            serial_number: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
            timestamp: "2026-06-01T00:00:00Z".into(),
            tool_version: "0.1.0".into(),
        }
    }

    /// The same purl twice: once from the registry (a lockfile), once as a path
    /// dependency somewhere else.
    fn inventory() -> Inventory {
        let location = |path: &str| {
            serde_json::json!([
                {"root": 0, "path": path, "collector": "package-lock-json", "line": 7}
            ])
        };
        let package = |source: &str, path: &str| {
            serde_json::json!({
                "ecosystem": "npm", "name": "left-padder", "normalized_name": "left-padder",
                "version": "1.2.0", "purl": "pkg:npm/left-padder@1.2.0", "source": source,
                "locations": location(path),
            })
        };
        serde_json::from_value(serde_json::json!({
            "roots": ["/srv/app"],
            "packages": [package("path", "vendor/package-lock.json"),
                         package("registry", "package-lock.json")],
            "artifacts": [], "errors": [], "stats": {"files_read": 2, "locations": 2},
        }))
        .unwrap()
    }

    fn finding(path: &str) -> Finding {
        Finding {
            id: "GHSA-test-vuln".into(),
            kind: "vulnerability".into(),
            severity: "high".into(),
            summary: Some("Flaw in left-padder".into()),
            aliases: vec!["CVE-2026-0001".into()],
            package: PackageRef {
                ecosystem: "npm".into(),
                name: "left-padder".into(),
                version: Some("1.2.0".into()),
                purl: "pkg:npm/left-padder@1.2.0".into(),
            },
            locations: vec![FoundAt {
                root: "/srv/app".into(),
                path: path.into(),
                collector: "package-lock-json".into(),
                line: Some(7),
                layer: None,
                layer_digest: None,
            }],
            matched: "SEMVER range: introduced 1.0.0, fixed 1.4.2".into(),
            fixed: vec!["1.4.2".into()],
            confirmed_by_hash: false,
            unconfirmed: None,
        }
    }

    #[test]
    fn repeated_purls_get_their_own_bom_refs_and_findings_affect_the_right_one() {
        let report = ScanReport::new(
            vec!["/srv/app".into()],
            2,
            vec![finding("package-lock.json")],
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        let bom: Value = serde_json::from_str(&cyclonedx(&report, &inventory(), &info())).unwrap();

        let refs: Vec<&str> = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs,
            ["pkg:npm/left-padder@1.2.0", "pkg:npm/left-padder@1.2.0#2"]
        );
        assert_eq!(bom["components"][1]["properties"][1]["value"], "registry");
        assert_eq!(
            bom["components"][1]["properties"][2]["value"],
            "package-lock.json:7"
        );
        let vulnerability = &bom["vulnerabilities"][0];
        assert_eq!(
            vulnerability["affects"][0]["ref"],
            "pkg:npm/left-padder@1.2.0#2"
        );
        assert_eq!(vulnerability["analysis"]["state"], "in_triage");
        assert_eq!(bom["serialNumber"], info().serial_number);
    }

    #[test]
    fn an_unconfirmed_finding_affects_its_component_with_an_unknown_status() {
        let mut unconfirmed = finding("vendor/package-lock.json");
        unconfirmed.unconfirmed = Some("the version could not be ordered".into());
        let report = ScanReport::new(
            Vec::new(),
            2,
            Vec::new(),
            vec![unconfirmed],
            Vec::new(),
            Vec::new(),
        );
        let bom: Value = serde_json::from_str(&cyclonedx(&report, &inventory(), &info())).unwrap();
        let vulnerability = &bom["vulnerabilities"][0];
        assert_eq!(
            vulnerability["affects"][0]["ref"],
            "pkg:npm/left-padder@1.2.0"
        );
        assert_eq!(
            vulnerability["affects"][0]["versions"][0]["status"],
            "unknown"
        );
        assert!(vulnerability["analysis"]["detail"]
            .as_str()
            .unwrap()
            .contains("could not be ordered"));
    }
}
