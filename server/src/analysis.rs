//! The analysis section of a threat (issue 6, threat page): technical analysis, potential
//! impact and mitigation recommendations, built from the record alone. For a malicious
//! report: remove the package, rotate the secrets its described behaviour exposes, and
//! search logs for the indicators (domains, URLs, IPs) found in its text; for a
//! vulnerability: upgrade to the fixed versions.

use serde_json::{json, Value};

use crate::threat::{fixed_versions, remediation};

/// Words in advisory text that say which secrets the described behaviour exposes, and the
/// secret each one names.
const SECRETS: &[(&str, &str)] = &[
    (
        "environ",
        "environment variables (API tokens, database passwords)",
    ),
    ("aws", "cloud credentials (AWS keys)"),
    ("ssh", "SSH keys"),
    ("token", "access tokens"),
    ("npmrc", "npm registry tokens"),
    ("pypirc", "PyPI upload tokens"),
    ("wallet", "cryptocurrency wallets"),
    ("cookie", "browser cookies and sessions"),
    ("password", "stored passwords"),
    ("kube", "Kubernetes credentials"),
];

/// Builds the analysis of a record.
pub fn analysis(kind: &str, record: &osv::Record) -> Value {
    let text = format!(
        "{}\n{}",
        record.summary.as_deref().unwrap_or_default(),
        record.details.as_deref().unwrap_or_default()
    );
    let indicators = indicators(&text);
    let lower = text.to_lowercase();
    let secrets: Vec<&str> = SECRETS
        .iter()
        .filter(|(word, _)| lower.contains(word))
        .map(|(_, secret)| *secret)
        .collect();
    let packages: Vec<String> = record
        .affected
        .iter()
        .filter_map(|a| {
            a.package
                .as_ref()
                .map(|p| format!("{} ({})", p.name, p.ecosystem))
        })
        .collect();

    let mut mitigations = vec![remediation(kind, record)];
    let (technical, impact) = if kind == "malicious" {
        if !secrets.is_empty() {
            mitigations.push(format!("Rotate {}.", secrets.join(", ")));
        }
        let all: Vec<&str> = indicators
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !all.is_empty() {
            mitigations.push(format!("Search logs for {}.", all.join(", ")));
        }
        (
            format!(
                "{} is reported as malicious: installing it runs code its publisher \
                 controls.",
                packages.join(", ")
            ),
            if secrets.is_empty() {
                "Any host that installed it must be treated as compromised.".to_owned()
            } else {
                format!("The described behaviour exposes {}.", secrets.join(", "))
            },
        )
    } else {
        let fixed: Vec<String> = record.affected.iter().flat_map(fixed_versions).collect();
        (
            format!(
                "{} has a vulnerability{}.",
                packages.join(", "),
                if fixed.is_empty() {
                    " with no fixed version published".to_owned()
                } else {
                    format!(" fixed in {}", fixed.join(", "))
                }
            ),
            format!("Severity {}.", record.severity_level().as_str()),
        )
    };
    json!({
        "technicalAnalysis": technical,
        "potentialImpact": impact,
        "mitigations": mitigations,
        "indicators": indicators,
    })
}

/// URLs, domains and IPv4 addresses named in text, each once, in order of appearance.
fn indicators(text: &str) -> serde_json::Map<String, Value> {
    let mut urls: Vec<String> = Vec::new();
    let mut domains: Vec<String> = Vec::new();
    let mut ips: Vec<String> = Vec::new();
    let trim = |c: char| !(c.is_alphanumeric() || c == '/' || c == '-' || c == '_');
    for token in text.split(|c: char| c.is_whitespace() || "()<>[]\"'`,;".contains(c)) {
        let token = token.trim_matches(trim);
        if token.is_empty() {
            continue;
        }
        let push = |list: &mut Vec<String>, item: &str| {
            if !list.iter().any(|i| i == item) {
                list.push(item.to_owned());
            }
        };
        if token.starts_with("http://") || token.starts_with("https://") {
            push(&mut urls, token);
            let host = token.split("://").nth(1).unwrap_or_default();
            let host = host.split(['/', ':', '?', '#']).next().unwrap_or_default();
            if is_domain(host) {
                push(&mut domains, host);
            }
        } else if token.parse::<std::net::Ipv4Addr>().is_ok() {
            push(&mut ips, token);
        } else if is_domain(token) {
            push(&mut domains, token);
        }
    }
    let mut map = serde_json::Map::new();
    map.insert("urls".into(), json!(urls));
    map.insert("domains".into(), json!(domains));
    map.insert("ips".into(), json!(ips));
    map
}

/// A host name with a known top-level domain (file names such as `setup.py` and
/// `__init__.py` are not domains).
fn is_domain(text: &str) -> bool {
    const TLDS: &[&str] = &[
        "com", "net", "org", "io", "dev", "app", "xyz", "ru", "cn", "top", "site", "online",
        "info", "biz", "me", "co", "cc", "tk", "sh",
    ];
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels
            .last()
            .is_some_and(|tld| TLDS.contains(&tld.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_are_found_and_file_names_are_not_domains() {
        let found = indicators(
            "POSTs to https://a.example.io/x and evil-host.azurecontainerapps.io, \
             checks checkip.amazonaws.com from 10.0.0.1; __init__.py and setup.py",
        );
        assert_eq!(found["urls"], json!(["https://a.example.io/x"]));
        assert_eq!(
            found["domains"],
            json!([
                "a.example.io",
                "evil-host.azurecontainerapps.io",
                "checkip.amazonaws.com"
            ])
        );
        assert_eq!(found["ips"], json!(["10.0.0.1"]));
    }
}
