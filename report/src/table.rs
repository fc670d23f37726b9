//! The human table: grouped by advisory, malicious first, with every path.

use std::fmt::Write;

use crate::{by_advisory, location_line, package_line, Inspection, ScanReport};

/// Renders the report for a terminal.
pub fn table(report: &ScanReport) -> String {
    let mut out = String::new();
    for (first, members) in by_advisory(&report.findings) {
        let kind = if first.kind == "malicious" {
            "MALICIOUS"
        } else {
            "vulnerability"
        };
        let _ = writeln!(
            out,
            "{}  {kind}  {}  {}",
            first.id,
            first.severity,
            first.summary.as_deref().unwrap_or("")
        );
        for finding in members {
            let hash = if finding.confirmed_by_hash {
                "  [confirmed by file hash]"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {}  ({}){hash}",
                package_line(finding),
                finding.matched
            );
            if !finding.fixed.is_empty() {
                let _ = writeln!(out, "    fixed in {}", finding.fixed.join(", "));
            }
            for location in &finding.locations {
                let _ = writeln!(out, "    {}", location_line(location));
            }
        }
        out.push('\n');
    }

    if !report.unconfirmed.is_empty() {
        let _ = writeln!(
            out,
            "Unconfirmed (the name matches; the version could not be decided):"
        );
        for finding in &report.unconfirmed {
            let _ = writeln!(
                out,
                "  {}  {}  {}: {}",
                finding.id,
                finding.kind,
                package_line(finding),
                finding.unconfirmed.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }
    for ignored in &report.ignored {
        let _ = writeln!(
            out,
            "ignored {} ({} findings): {}",
            ignored.id, ignored.findings, ignored.reason
        );
    }
    if let Some(inspection) = &report.inspection {
        inspection_table(inspection, &mut out);
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out, "Scan errors (the scan is incomplete):");
        for error in &report.errors {
            let _ = writeln!(out, "  {}: {}", error.path, error.error);
        }
        out.push('\n');
    }

    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} packages, {} findings ({} malicious, {} critical, {} high, {} medium, {} low, {} \
         unknown), {} unconfirmed, {} errors",
        s.packages,
        s.findings,
        s.malicious,
        s.critical,
        s.high,
        s.medium,
        s.low,
        s.unknown,
        s.unconfirmed,
        s.errors
    );
    out
}

/// The inspection: a count line, then each flagged package with its signals, evidence and
/// analysis.
fn inspection_table(inspection: &Inspection, out: &mut String) {
    let s = &inspection.summary;
    let _ = writeln!(
        out,
        "Inspection: {} packages, {} malicious, {} suspicious, {} clean ({} from cache; {} \
         files read, {} unchanged and not read)",
        s.packages, s.malicious, s.suspicious, s.clean, s.from_cache, s.files_read, s.files_cached
    );
    for p in inspection.flagged() {
        let r = &p.report;
        let _ = writeln!(
            out,
            "  {}  {} {} [{}]  score {}  {}",
            r.verdict.as_str().to_uppercase(),
            r.name,
            r.version,
            r.ecosystem,
            r.score,
            p.location_line()
        );
        for signal in &r.signals {
            let location = if signal.line > 0 {
                format!("{}:{}", signal.file, signal.line)
            } else {
                "(package)".to_owned()
            };
            let _ = writeln!(
                out,
                "    {:<8} {:<22} {:<40} {}",
                signal.severity.as_str(),
                signal.code,
                location,
                signal.message
            );
        }
        for evidence in &r.evidence {
            let _ = writeln!(out, "    evidence: {evidence}");
        }
        let _ = writeln!(out, "    analysis: {}", r.analysis);
    }
    out.push('\n');
}
