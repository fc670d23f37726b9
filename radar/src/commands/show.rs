//! `radar show ID`: one advisory, readable or as its raw JSON.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use super::{open_store, Global, OutputFormat};

/// Arguments of `radar show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An advisory id or alias (`MAL-2026-6724`, a CVE, a GHSA id).
    id: String,

    /// `json` prints the record exactly as published.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Runs `radar show`; exit 1 when no advisory has that id or alias.
pub fn run(args: ShowArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let store = open_store(global, false)?;
    let Some(advisory) = store.get(&args.id)? else {
        bail!("no advisory has the id or alias {:?}", args.id);
    };

    let mut out = std::io::stdout().lock();
    if matches!(args.format, OutputFormat::Json) {
        writeln!(out, "{}", advisory.raw.trim_end())?;
        return Ok(ExitCode::SUCCESS);
    }

    let record = advisory.record()?;
    let title = record.summary.as_deref().unwrap_or("(no summary)");
    writeln!(out, "{}: {title}", record.id)?;
    writeln!(out, "kind        {}", advisory.kind)?;
    writeln!(out, "severity    {}", advisory.severity)?;
    if let Some(withdrawn) = &record.withdrawn {
        writeln!(out, "WITHDRAWN   {withdrawn} (never matches)")?;
    }
    if !record.aliases.is_empty() {
        writeln!(out, "aliases     {}", record.aliases.join(", "))?;
    }
    writeln!(
        out,
        "published   {}",
        record.published.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "modified    {}", record.modified)?;
    writeln!(out, "first seen  {}", advisory.first_seen)?;

    writeln!(out, "\naffected")?;
    for affected in &record.affected {
        let Some(package) = &affected.package else {
            continue;
        };
        writeln!(out, "  {} {}", package.ecosystem, package.name)?;
        if !affected.versions.is_empty() {
            writeln!(out, "    versions: {}", affected.versions.join(", "))?;
        }
        for range in &affected.ranges {
            let events: Vec<String> = range
                .events
                .iter()
                .map(|e| format!("{} {}", e.name(), e.version()))
                .collect();
            writeln!(
                out,
                "    {} range: {}",
                range.kind.as_str(),
                events.join(", ")
            )?;
        }
    }

    if let Some(details) = record
        .details
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        writeln!(out, "\ndetails\n{details}")?;
    }
    if !record.references.is_empty() {
        writeln!(out, "\nreferences")?;
        for reference in &record.references {
            writeln!(out, "  {} {}", reference.kind, reference.url)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
