//! The verdict (issue 7, "Verdict"): signals combine within a call chain, a file and a
//! package into a score and a label, with the chain of evidence that earned it and a short
//! technical analysis written from that evidence.
//!
//! Each signal code counts once at its highest severity, so a large library does not add up
//! to "malicious" by repeating one common pattern; combinations that malicious packages show
//! (collection + fingerprint + hard-coded endpoint + background start, install-time decoding)
//! add to the score. `malicious` needs a combination or a critical behaviour, never only a
//! pile of low and medium signals.

use std::collections::{BTreeMap, BTreeSet};

use crate::manifest::Meta;
use crate::{Label, Severity, Signal};

/// Score at or above which a package is suspicious.
pub const SUSPICIOUS_AT: u32 = 30;
/// Score at or above which a package is malicious (when a combination or critical
/// behaviour is present).
pub const MALICIOUS_AT: u32 = 60;

/// The verdict for one package.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Label.
    pub label: Label,
    /// Score, 0 to 100.
    pub score: u32,
    /// One sentence per piece of evidence.
    pub evidence: Vec<String>,
    /// Short technical analysis.
    pub analysis: String,
}

fn weight(s: Severity) -> u32 {
    match s {
        Severity::Info => 0,
        Severity::Low => 3,
        Severity::Medium => 10,
        Severity::High => 22,
        Severity::Critical => 40,
    }
}

/// Behaviour codes: what the code does, as opposed to how it looks.
const BEHAVIOUR: &[&str] = &[
    "data-exfiltration",
    "dns-exfiltration",
    "download-exec",
    "decode-exec",
    "reverse-shell",
    "background-send",
    "credential-access",
    "persistence",
    "dll-hijacking",
    "clipboard-access",
    "screenshot",
    "steganography",
    "silent-process",
];

fn is_install_time(signal: &Signal, meta: &Meta) -> bool {
    let base = signal.file.rsplit('/').next().unwrap_or(&signal.file);
    (base == "setup.py" && (signal.function == "<module>" || signal.function.ends_with(".run")))
        || meta.install_files.contains(&signal.file) && signal.function == "<module>"
        || signal.function.ends_with(".run") && base == "setup.py"
}

/// Judges a package from its signals. Signals in test suites are reported but not judged:
/// tests of HTTP clients and shells legitimately post environments and spawn processes.
pub fn judge(all_signals: &[Signal], meta: &Meta) -> Judged {
    let judged: Vec<Signal> = all_signals
        .iter()
        .filter(|s| !crate::is_test_path(&s.file))
        .cloned()
        .collect();
    let signals = judged.as_slice();
    // Bundled builds inline whole dependency trees: they can make a package suspicious,
    // but combinations across a bundle are not evidence of one behaviour.
    let bundle_only = |codes: &[&str]| {
        signals
            .iter()
            .filter(|s| codes.contains(&s.code.as_str()))
            .all(|s| crate::is_bundle_path(&s.file) || s.file.ends_with(".min.js"))
    };
    let mut best: BTreeMap<&str, Severity> = BTreeMap::new();
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for s in signals {
        let e = best.entry(s.code.as_str()).or_insert(s.severity);
        if s.severity > *e {
            *e = s.severity;
        }
        *counts.entry(s.code.as_str()).or_default() += 1;
    }
    let has = |code: &str| best.contains_key(code);
    let at_least = |code: &str, sev: Severity| best.get(code).is_some_and(|s| *s >= sev);

    let mut score: u32 = best.values().map(|s| weight(*s)).sum();
    let mut evidence = Vec::new();
    let mut combined = false;

    // Combination 1: collection + fingerprint + hard-coded endpoint (+ background start).
    let collects = has("env-harvest")
        || at_least("credential-access", Severity::High)
        || has("secret-env-read");
    let fingerprints = has("host-fingerprint") || has("public-ip-lookup");
    let endpoint = has("suspicious-endpoint") || has("public-ip-lookup");
    if has("data-exfiltration") && (collects || fingerprints) {
        score += 25;
        combined = true;
        evidence.push(chain(
            signals,
            &[
                "env-harvest",
                "secret-env-read",
                "credential-access",
                "host-fingerprint",
                "public-ip-lookup",
                "data-exfiltration",
            ],
            "collected data reaches a network send",
        ));
    }
    if has("background-send") && (has("data-exfiltration") || endpoint) {
        score += 25;
        combined = true;
        evidence.push(chain(
            signals,
            &["background-send", "data-exfiltration"],
            "a background thread/timer sends the collected data",
        ));
    }
    if has("data-exfiltration") && endpoint {
        score += 15;
        combined = true;
        evidence.push(chain(
            signals,
            &[
                "suspicious-endpoint",
                "public-ip-lookup",
                "data-exfiltration",
            ],
            "the destination is a hard-coded endpoint of a kind malware uses",
        ));
    }
    if (has("hardcoded-secret") || has("env-endpoint-override")) && has("data-exfiltration") {
        score += 10;
        evidence.push(chain(
            signals,
            &["hardcoded-secret", "env-endpoint-override"],
            "the endpoint carries an embedded key or an undocumented override",
        ));
    }
    if has("dns-exfiltration") {
        combined = true;
    }

    // Combination 2: install-time execution of something bad.
    let install_hook = has("install-hook") || has("install-script") || has("pyproject-build-hook");
    let install_time_behaviour: Vec<&Signal> = signals
        .iter()
        .filter(|s| {
            s.severity >= Severity::Medium
                && (BEHAVIOUR.contains(&s.code.as_str())
                    || matches!(
                        s.code.as_str(),
                        "process-spawn" | "dynamic-code-exec" | "suspicious-endpoint"
                    ))
        })
        .filter(|s| is_install_time(s, meta) || s.code == "install-script")
        .collect();
    if !install_time_behaviour.is_empty() {
        score += 30;
        combined = true;
        let first = install_time_behaviour[0];
        evidence.push(format!(
            "runs at install time: {} ({}:{})",
            first.message, first.file, first.line
        ));
    } else if install_hook
        && signals
            .iter()
            .any(|s| s.severity >= Severity::High && BEHAVIOUR.contains(&s.code.as_str()))
    {
        score += 20;
        combined = true;
        evidence.push(chain(
            signals,
            &["install-hook", "install-script"],
            "an install hook in a package that also does this",
        ));
    }
    if at_least("install-script", Severity::High) {
        combined = true;
    }

    // Combination 3: obfuscation hiding execution, in the same file.
    let same_file = |a: &[&str], b: &[&str]| {
        signals.iter().any(|x| {
            a.contains(&x.code.as_str())
                && x.severity >= Severity::Medium
                && signals.iter().any(|y| {
                    y.file == x.file
                        && b.contains(&y.code.as_str())
                        && y.severity >= Severity::Medium
                })
        })
    };
    if same_file(
        &["obfuscated-code", "pyarmor", "api-obfuscation"],
        &[
            "decode-exec",
            "dynamic-code-exec",
            "download-exec",
            "process-spawn",
        ],
    ) {
        score += 15;
        if at_least("decode-exec", Severity::High) {
            combined = true;
        }
        evidence.push(chain(
            signals,
            &[
                "obfuscated-code",
                "api-obfuscation",
                "pyarmor",
                "decode-exec",
                "dynamic-code-exec",
            ],
            "obfuscated code that executes what it hides",
        ));
    }
    if has("decode-exec")
        && (has("download-exec") || has("process-spawn") || has("data-exfiltration"))
    {
        score += 15;
        combined = true;
    }
    if has("download-exec")
        && (has("make-executable") || has("process-spawn") || has("suspicious-endpoint"))
    {
        score += 15;
        combined = true;
        evidence.push(chain(
            signals,
            &["download-exec", "make-executable", "process-spawn"],
            "downloads a program and runs it",
        ));
    }
    if same_file(
        &["clipboard-access"],
        &["obfuscated-code", "api-obfuscation"],
    ) {
        score += 30;
        combined = true;
        evidence.push(chain(
            signals,
            &["clipboard-access", "obfuscated-code"],
            "obfuscated code that reads and rewrites the clipboard (address hijacking)",
        ));
    }
    if has("typosquat") && signals.iter().any(|s| s.severity >= Severity::High) {
        score += 15;
        combined = true;
        evidence.push(chain(
            signals,
            &["typosquat"],
            "a look-alike name with dangerous behaviour",
        ));
    }

    let behaviour_codes: Vec<&str> = signals.iter().map(|s| s.code.as_str()).collect();
    if combined && bundle_only(&behaviour_codes) {
        combined = false;
        evidence.push("all of it sits in bundled/minified build output".into());
    }
    let critical = signals
        .iter()
        .any(|s| s.severity == Severity::Critical && !crate::is_bundle_path(&s.file));
    let score = score.min(100);
    let label = if score >= MALICIOUS_AT && (combined || critical) {
        Label::Malicious
    } else if score >= SUSPICIOUS_AT {
        Label::Suspicious
    } else {
        Label::Clean
    };

    if evidence.is_empty() {
        // The strongest signals explain a suspicious verdict on their own.
        let mut top: Vec<&Signal> = signals
            .iter()
            .filter(|s| s.severity >= Severity::Medium)
            .collect();
        top.sort_by_key(|s| std::cmp::Reverse(s.severity));
        let mut seen = BTreeSet::new();
        for s in top {
            if seen.insert(s.code.as_str()) && seen.len() <= 4 {
                evidence.push(format!("{}: {} ({}:{})", s.code, s.message, s.file, s.line));
            }
        }
    }
    let analysis = analysis(all_signals, label, meta);
    let _ = counts;
    Judged {
        label,
        score,
        evidence,
        analysis,
    }
}

fn chain(signals: &[Signal], codes: &[&str], what: &str) -> String {
    let mut parts = Vec::new();
    for code in codes {
        if let Some(s) = signals.iter().find(|s| s.code == *code) {
            parts.push(format!("{} at {}:{}", s.code, s.file, s.line));
        }
    }
    format!("{what}: {}", parts.join(" -> "))
}

/// What it collects, where it sends it, when it runs — from the evidence only.
fn analysis(signals: &[Signal], label: Label, meta: &Meta) -> String {
    if signals.is_empty() {
        return "No behaviour of concern was found in the code that was read.".into();
    }
    let mut collects = BTreeSet::new();
    let mut sends_to = BTreeSet::new();
    let mut when = BTreeSet::new();
    let mut does = BTreeSet::new();
    for s in signals {
        match s.code.as_str() {
            "env-harvest" => {
                collects.insert("the names and values of all environment variables".to_string());
            }
            "secret-env-read" => {
                collects.insert("credentials from environment variables".to_string());
            }
            "host-fingerprint" => {
                collects.insert(
                    s.message
                        .trim_start_matches("reads ")
                        .trim_start_matches("looks up ")
                        .to_string(),
                );
            }
            "public-ip-lookup" => {
                collects.insert(format!(
                    "the public IP address (via {})",
                    s.indicators.first().cloned().unwrap_or_default()
                ));
            }
            "credential-access" if s.severity >= Severity::Medium => {
                collects.insert(s.message.trim_start_matches("path to ").to_string());
            }
            "clipboard-access" => {
                collects.insert("clipboard contents".into());
            }
            "screenshot" => {
                collects.insert("screenshots".into());
            }
            "suspicious-endpoint" => {
                sends_to.insert(format!(
                    "{} ({})",
                    s.indicators.first().cloned().unwrap_or_default(),
                    s.message.trim_start_matches("hard-coded ")
                ));
            }
            "data-exfiltration" | "dns-exfiltration" => {
                for i in &s.indicators {
                    sends_to.insert(i.clone());
                }
                does.insert(format!("{} ({}:{})", s.message, s.file, s.line));
            }
            "background-send" => {
                when.insert(format!("in the background: {}", s.message));
            }
            "install-hook" | "install-script" | "pyproject-build-hook" => {
                when.insert(format!("at install time: {}", s.message));
            }
            "import-time-network" | "network-on-require" => {
                when.insert("when the package is imported".into());
            }
            "decode-exec"
            | "download-exec"
            | "reverse-shell"
            | "persistence"
            | "dll-hijacking"
            | "dynamic-code-exec"
            | "process-spawn"
            | "obfuscated-code"
            | "api-obfuscation"
            | "pyarmor"
            | "steganography"
            | "hardcoded-secret"
            | "env-endpoint-override"
            | "silent-process"
            | "typosquat"
                if s.severity >= Severity::Medium =>
            {
                does.insert(format!("{} ({}:{})", s.message, s.file, s.line));
            }
            _ => {}
        }
    }
    let mut out = format!(
        "{} {} is {}.",
        if meta.ecosystem == "unknown" {
            "Package"
        } else {
            meta.ecosystem.as_str()
        },
        meta.name,
        label.as_str()
    );
    if !collects.is_empty() {
        out.push_str(&format!(" It collects {}.", join(&collects)));
    }
    if !sends_to.is_empty() {
        out.push_str(&format!(" It sends to {}.", join(&sends_to)));
    }
    if !when.is_empty() {
        out.push_str(&format!(" It runs {}.", join(&when)));
    }
    if !does.is_empty() {
        let list: Vec<String> = does.into_iter().take(6).collect();
        out.push_str(&format!(" Notable: {}.", list.join("; ")));
    }
    if collects.is_empty()
        && sends_to.is_empty()
        && when.is_empty()
        && out.ends_with('.')
        && label == Label::Clean
    {
        out.push_str(" Only low-severity patterns common in benign code were seen.");
    }
    out
}

fn join(set: &BTreeSet<String>) -> String {
    let v: Vec<&str> = set.iter().map(|s| s.as_str()).take(6).collect();
    v.join(", ")
}
