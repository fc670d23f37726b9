//! `radar inspect PATH...`: reads package code without running it and reports behaviour
//! signals and a verdict per package (issue 7). The exit status is computed from the
//! verdicts here, never inside a renderer: 1 when any package is at or above `--fail-on`
//! (default `malicious`), 2 on a usage error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use inspect::{InputError, Label, Options, Report};
use serde_json::json;

use super::Global;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A human-readable table on stdout.
    Table,
    /// JSON: `{"packages": [...], "errors": [...]}`.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// The lowest verdict that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Fail on suspicious or malicious packages.
    Suspicious,
    /// Fail on malicious packages only.
    Malicious,
}

/// Flags of `radar inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Installed packages (a `*.dist-info` folder, a `node_modules/<pkg>` folder), package
    /// archives (wheel, sdist .tar.gz/.zip, npm .tgz) or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit 1 when any package is labelled at or above this verdict.
    #[arg(long, value_enum, default_value_t = FailOn::Malicious)]
    pub fail_on: FailOn,

    /// Password for encrypted zip archives.
    #[arg(long, env = "RADAR_ZIP_PASSWORD", hide_env_values = true)]
    pub zip_password: Option<String>,

    /// Parse every Python file into a syntax tree, also those whose text names nothing
    /// the analysis reacts to (slower; by default those are triaged out unparsed).
    #[arg(long)]
    pub parse_all: bool,
}

/// Runs `radar inspect`.
pub fn run(args: InspectArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let mut options = Options {
        zip_password: args.zip_password.clone(),
        ..Options::default()
    };
    options.limits.triage = !args.parse_all;

    // Inputs are independent: inspect them on all cores, keeping the order of the paths.
    let results = inspect_all(&args.paths, &options, global.quiet);
    let mut report = Report::default();
    for (path, result) in args.paths.iter().zip(results) {
        match result {
            Ok(one) => {
                report.packages.extend(one.packages);
                report.errors.extend(one.errors);
            }
            Err(err) => report.errors.push(InputError {
                path: path.display().to_string(),
                message: err.to_string(),
            }),
        }
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Table => render_table(&report, &mut out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report).context("writing JSON")?;
            writeln!(out)?;
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut out, &sarif(&report)).context("writing SARIF")?;
            writeln!(out)?;
        }
    }

    let threshold = match args.fail_on {
        FailOn::Suspicious => Label::Suspicious,
        FailOn::Malicious => Label::Malicious,
    };
    let failed = report.packages.iter().any(|p| p.verdict >= threshold);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

type Outcome = Result<Report, inspect::InspectError>;

fn inspect_all(paths: &[PathBuf], options: &Options, quiet: bool) -> Vec<Outcome> {
    super::parallel_map(paths, |path| {
        if !quiet {
            eprintln!("inspecting {}", path.display());
        }
        inspect::inspect_path(path, options)
    })
}

fn render_table(report: &Report, out: &mut impl Write) -> anyhow::Result<()> {
    for p in &report.packages {
        writeln!(
            out,
            "{} {} [{}] — {} (score {}) — {}",
            p.name,
            p.version,
            p.ecosystem,
            p.verdict.as_str().to_uppercase(),
            p.score,
            p.path
        )?;
        for s in &p.signals {
            let location = if s.line > 0 {
                format!("{}:{}", s.file, s.line)
            } else {
                "(package)".to_string()
            };
            writeln!(
                out,
                "  {:<8} {:<22} {:<40} {}",
                s.severity.as_str(),
                s.code,
                location,
                s.message
            )?;
            if !s.excerpt.is_empty() {
                writeln!(out, "           {}", s.excerpt)?;
            }
        }
        for e in &p.evidence {
            writeln!(out, "  evidence: {e}")?;
        }
        for n in &p.notes {
            writeln!(out, "  note: {} {} ({})", n.file, n.reason, n.detail)?;
        }
        writeln!(out, "  analysis: {}", p.analysis)?;
        writeln!(out)?;
    }
    for e in &report.errors {
        writeln!(out, "error: {}: {}", e.path, e.message)?;
    }
    let malicious = report
        .packages
        .iter()
        .filter(|p| p.verdict == Label::Malicious)
        .count();
    let suspicious = report
        .packages
        .iter()
        .filter(|p| p.verdict == Label::Suspicious)
        .count();
    writeln!(
        out,
        "{} packages: {} malicious, {} suspicious, {} clean; {} errors",
        report.packages.len(),
        malicious,
        suspicious,
        report.packages.len() - malicious - suspicious,
        report.errors.len()
    )?;
    Ok(())
}

/// SARIF 2.1.0: one rule per signal code, one result per signal, errors as notifications.
fn sarif(report: &Report) -> serde_json::Value {
    let mut rules: Vec<String> = report
        .packages
        .iter()
        .flat_map(|p| p.signals.iter().map(|s| s.code.clone()))
        .collect();
    rules.sort();
    rules.dedup();

    let results: Vec<serde_json::Value> = report
        .packages
        .iter()
        .flat_map(|p| {
            p.signals.iter().map(move |s| {
                let level = match s.severity {
                    inspect::Severity::Critical | inspect::Severity::High => "error",
                    inspect::Severity::Medium => "warning",
                    _ => "note",
                };
                let uri = if s.file.is_empty() {
                    p.path.clone()
                } else {
                    format!("{}/{}", p.path, s.file)
                };
                json!({
                    "ruleId": s.code,
                    "level": level,
                    "message": {
                        "text": format!(
                            "{} ({} {}: {})",
                            s.message,
                            p.name,
                            p.version,
                            p.verdict.as_str()
                        )
                    },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri },
                            "region": {
                                "startLine": s.line.max(1),
                                "snippet": { "text": s.excerpt }
                            }
                        }
                    }],
                    "properties": {
                        "severity": s.severity.as_str(),
                        "indicators": s.indicators,
                        "package": p.name,
                        "verdict": p.verdict.as_str(),
                        "score": p.score,
                    }
                })
            })
        })
        .collect();

    let notifications: Vec<serde_json::Value> = report
        .errors
        .iter()
        .map(|e| {
            let text = format!("{}: {}", e.path, e.message);
            json!({ "level": "error", "message": { "text": text } })
        })
        .collect();

    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "radar inspect",
                "informationUri": "https://github.com/open-threat-radar",
                "rules": rules.iter().map(|r| json!({ "id": r, "name": r })).collect::<Vec<_>>(),
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }]
    })
}
