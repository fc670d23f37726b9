//! `radar sync [SOURCE...]`: bring the advisory store up to date.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use sync::{Source, SyncOptions, SyncReport};

use super::{open_store, Global};
use crate::progress::Bar;

/// Arguments of `radar sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// OSV export base URLs, local export mirrors, directories of records, record zips or
    /// record files. Default: the public OSV export.
    #[arg(value_name = "SOURCE")]
    sources: Vec<String>,

    /// Only these ecosystems of an export (repeatable), as `ecosystems.txt` names them.
    #[arg(long = "ecosystem", value_name = "E")]
    ecosystems: Vec<String>,

    /// Output format of the summary on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs `radar sync`; exit 0 when every record was stored, 1 when some were rejected or a
/// part of a source failed.
pub fn run(args: SyncArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let mut store = open_store(global, true)?;
    let options = SyncOptions {
        export: sync::ExportOptions {
            ecosystems: args.ecosystems,
        },
    };
    let sources = if args.sources.is_empty() {
        vec![sync::DEFAULT_EXPORT.to_owned()]
    } else {
        args.sources
    };

    let mut report = SyncReport::default();
    for text in &sources {
        let source = Source::parse(text)?;
        let bar = Bar::new(global.quiet);
        let part = sync::sync(&mut store, &source, &options, &bar)
            .with_context(|| format!("syncing {text}"))?;
        report.tally.merge(part.tally);
        report.rejected.extend(part.rejected);
        report.failures.extend(part.failures);
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => write_text(&mut out, &report)?,
    }
    let clean = report.rejected.is_empty() && report.failures.is_empty();
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_text(out: &mut impl Write, report: &SyncReport) -> std::io::Result<()> {
    let t = &report.tally;
    writeln!(
        out,
        "added {}, updated {}, unchanged {}, withdrawn {}, rejected {}",
        t.added,
        t.updated,
        t.unchanged,
        t.withdrawn,
        report.rejected.len()
    )?;
    for rejected in &report.rejected {
        writeln!(out, "rejected {}: {}", rejected.location, rejected.reason)?;
    }
    for failure in &report.failures {
        writeln!(out, "failed {}: {}", failure.what, failure.reason)?;
    }
    Ok(())
}
