//! `radar scan [PATH...] | --image FILE | --rootfs DIR | --sbom FILE`: find packages and
//! report those that advisories affect.
//!
//! With `--inspect`, every installed package the finder found (a `*.dist-info` through its
//! `RECORD`, a `node_modules` package) is also read by the inspector (issue 7); results are
//! cached in `inspect-cache/` beside the database, so a re-scan reads only what changed.
//!
//! Exit status: 0 nothing at or above `--fail-on`; 1 findings or a package the inspector
//! labelled malicious; 2 usage or configuration error; 3 no advisory database yet; 4 no
//! findings but the scan was incomplete.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use inventory::{Collector, Inventory};
use report::{
    FailOn, Ignored, InspectedPackage, Inspection, InspectionSummary, ScanError, ScanReport,
};

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

    /// Also inspect the code of every installed package found (Python distributions,
    /// node_modules packages) for malicious behaviour; a malicious one fails the scan.
    #[arg(long)]
    pub inspect: bool,

    /// With --inspect: read and inspect every package again, neither using nor filling
    /// the cache (`inspect-cache/` beside the database).
    #[arg(long, requires = "inspect")]
    pub no_cache: bool,
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
    let db_path = global.db.clone().unwrap_or_else(store::Store::default_path);
    drop(store);

    // An image's files live in a temporary tree until `finish`, so the inspector reads
    // them before it goes.
    let inspected = args.inspect.then(|| {
        let cache = (!args.no_cache).then(|| inspect::DigestCache::new(cache_dir(&db_path)));
        inspect_installed(collected.inventory(), cache.as_ref(), global.quiet)
    });
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
    let mut errors: Vec<ScanError> = found
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
    let inspection = inspected.map(|(inspection, problems)| {
        errors.extend(problems);
        inspection
    });
    let mut report = ScanReport::new(
        roots,
        found.packages.len(),
        findings,
        matches.unconfirmed,
        ignored,
        errors,
    );
    if let Some(inspection) = inspection {
        report = report.with_inspection(inspection);
    }
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

/// Where inspection results are cached: `inspect-cache/` in the database's directory, so
/// a `--db` of its own (a CI job's, a test's) keeps a cache of its own.
fn cache_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("inspect-cache")
}

/// One installed package directory to inspect.
struct Installed {
    root: usize,
    /// The directory relative to its root.
    location: String,
    abs: PathBuf,
}

/// The directories of installed packages: a `*.dist-info` (read through its `RECORD`) or a
/// `node_modules` package folder. Lockfile entries are not installed code, and packages
/// inside archives or images are not on disk to read.
fn installed_dirs(found: &Inventory) -> Vec<Installed> {
    let mut seen = BTreeSet::new();
    let mut dirs = Vec::new();
    for package in &found.packages {
        for location in &package.locations {
            let installed = matches!(
                location.collector,
                Collector::PythonDistInfo | Collector::NpmPackageJson
            );
            if !installed || location.entry.is_some() {
                continue;
            }
            let dir = match location.path.rsplit_once('/') {
                Some((dir, _)) => dir.to_owned(),
                None => ".".to_owned(),
            };
            if seen.insert((location.root, dir.clone())) {
                dirs.push(Installed {
                    root: location.root,
                    abs: found.absolute_path(location.root, &dir),
                    location: dir,
                });
            }
        }
    }
    dirs
}

/// Inspects every installed package on all cores, through the cache when there is one.
/// Packages that cannot be read become scan errors; the rest is still inspected.
fn inspect_installed(
    found: &Inventory,
    cache: Option<&inspect::DigestCache>,
    quiet: bool,
) -> (Inspection, Vec<ScanError>) {
    let dirs = installed_dirs(found);
    let options = inspect::Options::default();
    let outcomes = super::parallel_map(&dirs, |dir| {
        tracing::debug!("inspecting {}", dir.abs.display());
        inspect::inspect_dir_cached(&dir.abs, &options, cache)
    });

    let mut packages = Vec::new();
    let mut errors = Vec::new();
    let mut summary = InspectionSummary {
        cache: cache.map(|c| c.dir().display().to_string()),
        ..InspectionSummary::default()
    };
    let mut warned = false;
    for (dir, outcome) in dirs.iter().zip(outcomes) {
        let root = found
            .roots
            .get(dir.root)
            .map(|r| r.display().to_string())
            .unwrap_or_default();
        let one = match outcome {
            Ok(one) => one,
            Err(err) => {
                errors.push(ScanError {
                    path: dir.location.clone(),
                    error: format!("cannot inspect: {err}"),
                });
                continue;
            }
        };
        if let (Some(warning), false) = (&one.cache_warning, warned) {
            eprintln!("warning: the inspection cache is not written: {warning}");
            warned = true;
        }
        summary.from_cache += usize::from(one.from_cache);
        summary.files_read += one.files_read;
        summary.files_cached += one.files_cached;
        errors.extend(one.report.errors.into_iter().map(|e| ScanError {
            path: e.path,
            error: e.message,
        }));
        packages.extend(
            one.report
                .packages
                .into_iter()
                .map(|report| InspectedPackage {
                    root: root.clone(),
                    location: dir.location.clone(),
                    report,
                }),
        );
    }
    if !quiet {
        eprintln!(
            "inspected {} installed packages ({} from cache; {} files read, {} unchanged)",
            packages.len(),
            summary.from_cache,
            summary.files_read,
            summary.files_cached
        );
    }
    (Inspection::new(packages, summary), errors)
}
