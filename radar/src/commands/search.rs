//! `radar search QUERY`: full-text search over the store.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use super::{open_store, Global, OutputFormat};

/// Arguments of `radar search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in ids, aliases, summaries, details and package names.
    #[arg(required = true)]
    query: Vec<String>,

    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    limit: usize,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Runs `radar search`; exit 0 whether or not anything was found.
pub fn run(args: SearchArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let store = open_store(global, false)?;
    let hits = store.search(&args.query.join(" "), args.limit)?;

    let mut out = std::io::stdout().lock();
    if matches!(args.format, OutputFormat::Json) {
        writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        eprintln!("no advisory matches {:?}", args.query.join(" "));
    }
    for hit in hits {
        let withdrawn = if hit.withdrawn { " (withdrawn)" } else { "" };
        writeln!(
            out,
            "{:<22} {:<13} {:<8} {}{withdrawn}",
            hit.id,
            hit.kind,
            hit.severity,
            hit.summary.as_deref().unwrap_or("")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
