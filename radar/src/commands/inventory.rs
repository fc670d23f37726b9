//! `radar inventory [PATH...] | --image FILE | --rootfs DIR | --sbom FILE`: lists the
//! packages found. Exit 0, or 4 when some file could not be read or parsed (the inventory
//! is incomplete); 2 on a usage error.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::target::TargetArgs;
use super::Global;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// JSON: `{"roots", "packages", "artifacts", "errors", "stats"}`, and `"layers"` for an
    /// image.
    Json,
    /// CycloneDX 1.6 JSON: components with purls, locations as properties.
    Cyclonedx,
}

/// Flags of `radar inventory`.
#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// What to read: paths, an image, a root file system or an SBOM.
    #[command(flatten)]
    pub target: TargetArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Skip paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Cross file-system boundaries below a root.
    #[arg(long)]
    pub cross_filesystems: bool,

    /// Honour `.gitignore` files (installed trees are usually ignored, so off by default).
    #[arg(long)]
    pub gitignore: bool,
}

/// Runs `radar inventory`.
pub fn run(args: InventoryArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let options = inventory::Options {
        exclude: args.exclude,
        same_file_system: !args.cross_filesystems,
        gitignore: args.gitignore,
        ..inventory::Options::default()
    };
    let found = args.target.collect(&options)?.finish();

    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &found).context("writing JSON")?;
            writeln!(out)?;
        }
        Format::Cyclonedx => {
            writeln!(
                out,
                "{}",
                report::cyclonedx_inventory(&found, &super::bom_info())
            )?;
        }
        Format::Table => table(&found, &mut out)?,
    }
    out.flush()?;

    if !global.quiet {
        eprintln!(
            "{} packages, {} errors",
            found.packages.len(),
            found.errors.len()
        );
    }
    Ok(if found.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(4)
    })
}

/// One row per package: the first location, and how many more.
fn table(found: &inventory::Inventory, out: &mut impl Write) -> std::io::Result<()> {
    let mut rows = vec![[
        "ECOSYSTEM".to_string(),
        "NAME".to_string(),
        "VERSION".to_string(),
        "SOURCE".to_string(),
        "LOCATION".to_string(),
    ]];
    for package in &found.packages {
        let location = package
            .locations
            .first()
            .map(|l| {
                let mut text = root_prefixed(found, l.root, &l.path);
                if let Some(line) = l.line {
                    text.push_str(&format!(":{line}"));
                }
                if let Some(layer) = l.layer {
                    text.push_str(&format!(" (layer {layer})"));
                }
                if package.locations.len() > 1 {
                    text.push_str(&format!(" (+{} more)", package.locations.len() - 1));
                }
                text
            })
            .unwrap_or_default();
        rows.push([
            package.ecosystem.to_string(),
            package.name.clone(),
            package.version.clone().unwrap_or_else(|| "-".to_string()),
            package.source.to_string(),
            location,
        ]);
    }

    let mut widths = [0usize; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in &rows {
        writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        )?;
    }

    if !found.errors.is_empty() {
        writeln!(
            out,
            "\n{} scan errors (the inventory is incomplete):",
            found.errors.len()
        )?;
        for error in &found.errors {
            let path = root_prefixed(found, error.root, &error.path);
            writeln!(out, "  {path}: [{}] {}", error.code, error.error)?;
        }
    }
    Ok(())
}

/// A location's path: relative to the root for one root, absolute for several.
fn root_prefixed(found: &inventory::Inventory, root: usize, path: &str) -> String {
    if found.roots.len() > 1 {
        found.absolute_path(root, path).display().to_string()
    } else {
        path.to_string()
    }
}
