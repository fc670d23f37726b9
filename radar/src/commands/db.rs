//! `radar db status`: what the advisory store holds.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{open_store, Global, OutputFormat};

/// `radar db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Path, size, advisories by ecosystem and kind, and each source's last sync.
    Status(StatusArgs),
    /// Verify the database: SQLite's integrity check and the store's own consistency.
    Check,
}

/// Arguments of `radar db status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Runs `radar db …`.
pub fn run(command: DbCommand, global: &Global) -> anyhow::Result<ExitCode> {
    let args = match command {
        DbCommand::Status(args) => args,
        DbCommand::Check => return check(global),
    };
    let store = open_store(global, false)?;
    let status = store.status()?;

    let mut out = std::io::stdout().lock();
    if matches!(args.format, OutputFormat::Json) {
        writeln!(out, "{}", serde_json::to_string_pretty(&status)?)?;
        return Ok(ExitCode::SUCCESS);
    }

    writeln!(out, "database    {}", status.path)?;
    writeln!(
        out,
        "size        {:.1} MiB",
        status.size_bytes as f64 / 1048576.0
    )?;
    writeln!(out, "advisories  {}", status.advisories)?;
    for (kind, count) in &status.by_kind {
        writeln!(out, "  {kind:<14}{count}")?;
    }
    writeln!(out, "withdrawn   {}", status.withdrawn)?;
    writeln!(out, "by ecosystem")?;
    for (ecosystem, count) in &status.by_ecosystem {
        writeln!(out, "  {ecosystem:<14}{count}")?;
    }
    if !status.sources.is_empty() {
        writeln!(out, "sources")?;
    }
    for source in &status.sources {
        let scope = if source.scope.is_empty() {
            "-"
        } else {
            &source.scope
        };
        let cursor = source.cursor.as_deref().unwrap_or("-");
        writeln!(
            out,
            "  {} [{scope}] last sync {}, cursor {cursor}",
            source.source, source.last_sync
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `radar db check`: exit 0 and say `ok` when both checks pass, 1 with the problem if not.
fn check(global: &Global) -> anyhow::Result<ExitCode> {
    let store = open_store(global, false)?;
    let result = store
        .integrity_check()
        .and_then(|()| store.consistency_check());
    match result {
        Ok(()) => {
            println!("ok");
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            println!("{problem}");
            Ok(ExitCode::from(1))
        }
    }
}
