//! `radar scan [PATH...] | --image FILE | --rootfs DIR | --sbom FILE`: find packages and
//! report those that advisories affect.
//!
//! Exit status: 0 nothing at or above `--fail-on`; 1 findings; 2 usage or configuration
//! error; 3 no advisory database yet; 4 no findings but the scan was incomplete.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use report::{FailOn, Ignored, ScanError, ScanReport};

use super::target::TargetArgs;
use super::Global;
use crate::config;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped by advisory, malicious first, for people.
    Table,
    /// Everything, for scripts.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// Markdown for pull-request comments.
    Markdown,
    /// CycloneDX 1.6 JSON: the components and a `vulnerabilities` section.
    Cyclonedx,
}

/// Flags of `radar scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// What to read: paths, an image, a root file system or an SBOM.
    #[command(flatten)]
    pub target: TargetArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding is at or above this level:
    /// malicious|critical|high|medium|low|any|none (default: radar.toml's, else any).
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// A radar.toml to use instead of the one found by walking up from the first path.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| {
        format!("expected malicious, critical, high, medium, low, any or none, but found {text:?}")
    })
}

/// Runs `radar scan`.
pub fn run(args: ScanArgs, global: &Global) -> anyhow::Result<ExitCode> {
    // Step 1: settings from flags and radar.toml.
    let first = args.target.config_start();
    let (config, config_path) = config::load(args.config.as_deref(), &first)?;
    let fail_on = args
        .fail_on
        .or_else(|| config.fail_on.as_deref().and_then(FailOn::parse))
        .unwrap_or(FailOn::Any);

    // Step 2: the database, which must exist.
    let store = match super::open_store(global, false) {
        Ok(store) => store,
        Err(e @ store::StoreError::NoDatabase(_)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(3));
        }
        Err(e) => return Err(e.into()),
    };

    // Step 3: inventory, then matching.
    let mut exclude = config.exclude.clone();
    exclude.extend(args.exclude);
    let options = inventory::Options {
        exclude,
        ..inventory::Options::default()
    };
    let collected = args.target.collect(&options)?;
    let mut matches = matcher::match_inventory(&store, collected.inventory())?;
    if let Some((temporary, image)) = collected.temporary_root() {
        for finding in matches.findings.iter_mut().chain(&mut matches.unconfirmed) {
            for location in &mut finding.locations {
                if location.root == temporary {
                    location.root.clone_from(&image);
                }
            }
        }
    }
    let found = collected.finish();

    // Step 4: ignores from the configuration; an expired one warns and no longer ignores.
    let today = jiff::Zoned::now().date().to_string();
    let mut findings = matches.findings;
    let mut ignored = Vec::new();
    for ignore in &config.ignore {
        let source = config_path
            .as_ref()
            .map_or("radar.toml".into(), |p| p.display().to_string());
        if ignore.expired(&today) {
            eprintln!(
                "warning: {source}: the ignore of {} expired; it no longer applies",
                ignore.id
            );
            continue;
        }
        let before = findings.len();
        findings.retain(|f| f.id != ignore.id && !f.aliases.contains(&ignore.id));
        ignored.push(Ignored {
            id: ignore.id.clone(),
            reason: ignore.reason.clone(),
            findings: before - findings.len(),
        });
    }

    // Step 5: one report value, rendered in the chosen format.
    let errors: Vec<ScanError> = found
        .errors
        .iter()
        .map(|e| ScanError {
            path: e.path.clone(),
            error: e.error.clone(),
        })
        .chain(matches.hash_errors.iter().map(|e| ScanError {
            path: "(hash check)".into(),
            error: e.clone(),
        }))
        .collect();
    let roots = args.target.roots();
    let report = ScanReport::new(
        roots,
        found.packages.len(),
        findings,
        matches.unconfirmed,
        ignored,
        errors,
    );
    let rendered = match args.format {
        Format::Table => report::table(&report),
        Format::Json => report.json() + "\n",
        Format::Sarif => report::sarif(&report) + "\n",
        Format::Markdown => report::markdown(&report),
        Format::Cyclonedx => report::cyclonedx(&report, &found, &super::bom_info()) + "\n",
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, rendered).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{rendered}"),
    }

    Ok(ExitCode::from(report::exit_status(&report, fail_on)))
}
