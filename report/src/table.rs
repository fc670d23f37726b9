//! The human table: grouped by advisory, malicious first, with every path.

use std::fmt::Write;

use crate::{by_advisory, location_line, package_line, ScanReport};

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
