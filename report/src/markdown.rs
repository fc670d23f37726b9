//! Markdown for pull-request comments. Advisory text is untrusted: it is escaped so that a
//! summary cannot inject markup, links or mentions into the comment.

use std::fmt::Write;

use crate::{by_advisory, location_line, package_line, Inspection, ScanReport};

/// Renders the report as a Markdown comment.
pub fn markdown(report: &ScanReport) -> String {
    let s = &report.summary;
    let mut out = String::from("## Open Threat Radar scan\n\n");
    let verdict = if s.malicious > 0 || report.inspected_malicious() > 0 {
        "**Malicious packages found.**"
    } else if s.findings > 0 {
        "Vulnerable packages found."
    } else if s.errors > 0 {
        "No findings, but the scan is incomplete."
    } else {
        "No findings."
    };
    let _ = writeln!(out, "{verdict}\n");
    let _ = writeln!(
        out,
        "| packages | findings | malicious | critical | high | medium | low | unconfirmed \
         | errors |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.packages,
        s.findings,
        s.malicious,
        s.critical,
        s.high,
        s.medium,
        s.low,
        s.unconfirmed,
        s.errors
    );

    for (first, members) in by_advisory(&report.findings) {
        let _ = writeln!(
            out,
            "### {} — {} ({})\n",
            escape(&first.id),
            escape(first.summary.as_deref().unwrap_or("")),
            if first.kind == "malicious" {
                "malicious, critical"
            } else {
                &first.severity
            }
        );
        for finding in members {
            let hash = if finding.confirmed_by_hash {
                " — confirmed by file hash"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- `{}` ({}){hash}",
                code(&package_line(finding)),
                escape(&finding.matched)
            );
            if !finding.fixed.is_empty() {
                let _ = writeln!(out, "  - fixed in {}", escape(&finding.fixed.join(", ")));
            }
            for location in &finding.locations {
                let _ = writeln!(out, "  - `{}`", code(&location_line(location)));
            }
        }
        out.push('\n');
    }

    if !report.unconfirmed.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Unconfirmed ({})</summary>\n",
            report.unconfirmed.len()
        );
        for finding in &report.unconfirmed {
            let _ = writeln!(
                out,
                "- {} `{}`: {}",
                escape(&finding.id),
                code(&package_line(finding)),
                escape(finding.unconfirmed.as_deref().unwrap_or(""))
            );
        }
        out.push_str("\n</details>\n\n");
    }
    if let Some(inspection) = &report.inspection {
        inspection_markdown(inspection, &mut out);
    }
    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Scan errors ({})</summary>\n",
            report.errors.len()
        );
        for error in &report.errors {
            let _ = writeln!(out, "- `{}`: {}", code(&error.path), escape(&error.error));
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// The inspection: counts, then each flagged package with its evidence and signals. Package
/// code is untrusted too: names, excerpts and messages are escaped.
fn inspection_markdown(inspection: &Inspection, out: &mut String) {
    let s = &inspection.summary;
    let _ = writeln!(out, "### Inspection of installed packages\n");
    let _ = writeln!(
        out,
        "| packages | malicious | suspicious | clean | from cache | files read | files \
         unchanged |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} |\n",
        s.packages, s.malicious, s.suspicious, s.clean, s.from_cache, s.files_read, s.files_cached
    );
    for p in inspection.flagged() {
        let r = &p.report;
        let _ = writeln!(
            out,
            "#### `{}` — {} (score {})\n",
            code(&format!("{} {}", r.name, r.version)),
            r.verdict.as_str(),
            r.score
        );
        let _ = writeln!(out, "- location: `{}`", code(&p.location_line()));
        let _ = writeln!(out, "- analysis: {}", escape(&r.analysis));
        for evidence in &r.evidence {
            let _ = writeln!(out, "- evidence: {}", escape(evidence));
        }
        for signal in &r.signals {
            let _ = writeln!(
                out,
                "  - {} `{}` at `{}:{}`: {}",
                signal.severity.as_str(),
                code(&signal.code),
                code(&signal.file),
                signal.line,
                escape(&signal.message)
            );
        }
        out.push('\n');
    }
}

/// Escapes Markdown and HTML punctuation in untrusted text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '@' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span: backticks cannot close it early.
fn code(text: &str) -> String {
    text.replace('`', "'").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn untrusted_text_is_inert() {
        assert_eq!(
            escape("<script>[x](javascript:1) @all"),
            "&lt;script&gt;\\[x\\]\\(javascript:1\\) \\@all"
        );
    }
}
