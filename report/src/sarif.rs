//! SARIF 2.1.0 for code scanning: a rule per advisory, a result per finding and location,
//! partial fingerprints so that a finding keeps its identity across runs, and scan errors
//! as tool execution notifications.
//!
//! Specification: OASIS SARIF 2.1.0 (`runs[].tool.driver.rules`, `results[].ruleIndex`,
//! `partialFingerprints`, `invocations[].toolExecutionNotifications`).

use serde_json::{json, Value};

use crate::{location_line, package_line, InspectedPackage, ScanReport};
use inspect::{Severity, Signal};
use matcher::Finding;

/// Renders the report as a SARIF 2.1.0 log.
pub fn sarif(report: &ScanReport) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut results = Vec::new();

    for finding in &report.findings {
        let index = rule_index(&mut rule_ids, &mut rules, &finding.id, || rule(finding));
        results.extend(results_of(finding, index));
    }
    if let Some(inspection) = &report.inspection {
        for package in inspection.flagged() {
            for signal in &package.report.signals {
                let index = rule_index(&mut rule_ids, &mut rules, &signal.code, || {
                    signal_rule(signal)
                });
                results.push(signal_result(package, signal, index));
            }
        }
    }

    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.error)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            })
        })
        .collect();

    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "radar",
                "fullName": "Open Threat Radar",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://osv.dev",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn rule(finding: &Finding) -> Value {
    let summary = finding
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} affects {}", finding.id, finding.package.name));
    let mut tags = vec![
        "security".to_owned(),
        "supply-chain".to_owned(),
        finding.kind.clone(),
    ];
    tags.extend(finding.aliases.iter().cloned());
    json!({
        "id": finding.id,
        "name": finding.id.replace('-', ""),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "helpUri": format!("https://osv.dev/vulnerability/{}", finding.id),
        "help": {"text": help(finding)},
        "defaultConfiguration": {"level": level(finding)},
        "properties": {
            "security-severity": security_severity(finding),
            "tags": tags,
        },
    })
}

fn help(finding: &Finding) -> String {
    if finding.kind == "malicious" {
        "A malicious package: remove it, and rotate every secret the environment it ran in \
         could reach."
            .to_owned()
    } else if finding.fixed.is_empty() {
        "No fixed version is known; consider replacing the package.".to_owned()
    } else {
        format!("Upgrade to a fixed version: {}.", finding.fixed.join(", "))
    }
}

/// GitHub code scanning reads `security-severity` (0–10) to label alerts.
fn security_severity(finding: &Finding) -> &'static str {
    match finding.severity.as_str() {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "2.0",
        _ => "5.0",
    }
}

fn level(finding: &Finding) -> &'static str {
    match finding.severity.as_str() {
        "critical" | "high" => "error",
        "medium" | "unknown" => "warning",
        _ => "note",
    }
}

fn results_of(finding: &Finding, rule_index: usize) -> Vec<Value> {
    let message = format!(
        "{} is affected by {} ({}): {}",
        package_line(finding),
        finding.id,
        finding.kind,
        finding.matched
    );
    finding
        .locations
        .iter()
        .map(|location| {
            let line = location.line.unwrap_or(1).max(1);
            json!({
                "ruleId": finding.id,
                "ruleIndex": rule_index,
                "level": level(finding),
                "message": {"text": message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(&location.path)},
                    "region": {"startLine": line},
                }}],
                "partialFingerprints": {
                    "radarFinding/v1": fingerprint(&[
                        &finding.id,
                        &finding.package.purl,
                        &location_line(location),
                    ]),
                },
                "properties": {
                    "purl": finding.package.purl,
                    "confirmedByHash": finding.confirmed_by_hash,
                },
            })
        })
        .collect()
}

/// The index of rule `id` in `rules`, adding it (made by `make`) the first time it is seen.
fn rule_index<'a>(
    rule_ids: &mut Vec<&'a str>,
    rules: &mut Vec<Value>,
    id: &'a str,
    make: impl FnOnce() -> Value,
) -> usize {
    if let Some(index) = rule_ids.iter().position(|known| *known == id) {
        return index;
    }
    rule_ids.push(id);
    rules.push(make());
    rule_ids.len() - 1
}

/// A rule for an inspector signal code (`env-harvest`, `background-send`, ...).
fn signal_rule(signal: &Signal) -> Value {
    json!({
        "id": signal.code,
        "name": signal.code.replace('-', ""),
        "shortDescription": {"text": format!("Inspector signal {}", signal.code)},
        "help": {"text": "Behaviour found in installed package code by `radar scan --inspect`; \
                          read the evidence and the package's analysis."},
        "properties": {"tags": ["security", "supply-chain", "inspect"]},
    })
}

/// One result per signal of a flagged package, at the file inside the package directory.
fn signal_result(package: &InspectedPackage, signal: &Signal, rule_index: usize) -> Value {
    let r = &package.report;
    let level = match signal.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    };
    let file = if signal.file.is_empty() {
        package.location.clone()
    } else {
        format!("{}/{}", package.location.trim_end_matches('/'), signal.file)
    };
    json!({
        "ruleId": signal.code,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": format!(
            "{} ({} {} labelled {}, score {})",
            signal.message, r.name, r.version, r.verdict.as_str(), r.score
        )},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&file)},
            "region": {"startLine": signal.line.max(1), "snippet": {"text": signal.excerpt}},
        }}],
        "partialFingerprints": {
            "radarSignal/v1": fingerprint(&[&signal.code, &r.name, &file, &signal.excerpt]),
        },
        "properties": {
            "severity": signal.severity.as_str(),
            "indicators": signal.indicators,
            "verdict": r.verdict.as_str(),
            "score": r.score,
        },
    })
}

/// A relative path as a URI reference: `/` separators, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}

/// FNV-1a, 64 bits: stable across runs and platforms, which is all a fingerprint needs.
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
