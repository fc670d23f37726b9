//! `radar`: the command-line entry point. It parses flags into plain structs, resolves them
//! into settings and calls the stages; the logic lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod config;
mod progress;

/// Open Threat Radar: OSV advisories, finder, inspector and server in one binary.
#[derive(Debug, Parser)]
#[command(name = "radar", version, about, propagate_version = true)]
struct Cli {
    /// More log output on stderr (-v debug, -vv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    /// No progress output on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,

    /// The advisory database (default: the platform data directory).
    #[arg(long, global = true, env = "RADAR_DB", value_name = "PATH")]
    db: Option<std::path::PathBuf>,

    #[command(subcommand)]
    command: Command,
}

/// glibc malloc settings for a process that parses on several threads: (environment variable
/// that overrides it, `mallopt` parameter, value).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_SETTINGS: [(&str, i32, i32); 2] = [
    // Each thread that contends for the heap gets its own arena (up to 8 per core), and each
    // keeps its freed pages; two arenas keep the parse threads from serialising on one lock.
    ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, 2),
    // A fixed threshold: glibc otherwise raises it after each large free (up to 32 MiB), so
    // archive and batch buffers land in the arenas and their pages stay resident afterwards.
    ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, 1 << 20),
];

/// Tunes glibc malloc before any thread starts: with its defaults a full sync held ~130 MB
/// more resident memory than its live heap, in per-thread arenas and retained large blocks.
/// A setting given in the environment wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    for (variable, parameter, value) in MALLOC_SETTINGS {
        if std::env::var_os(variable).is_some() {
            continue;
        }

        // SAFETY: mallopt only sets an allocator parameter, and no other thread exists yet.
        unsafe {
            libc::mallopt(parameter, value);
        }
    }
}

/// Other allocators have no such settings.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bring the advisory database up to date from OSV exports, directories or files.
    Sync(commands::sync::SyncArgs),
    /// Inspect the advisory database.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// Show one advisory by id or alias.
    Show(commands::show::ShowArgs),
    /// Find installed packages and lockfile entries that advisories affect.
    Scan(commands::scan::ScanArgs),
    /// Search advisories by words, ids and package names.
    Search(commands::search::SearchArgs),
    /// Inspect package code for malicious behaviour without running it.
    Inspect(commands::inspect::InspectArgs),
    /// List the packages installed or locked under the given paths.
    Inventory(commands::inventory::InventoryArgs),
    /// Compare and sort versions under an ecosystem's ordering.
    #[command(subcommand)]
    Version(commands::version::VersionCommand),
    /// Run the radar server (API v1) over the advisory database.
    Serve(commands::serve::ServeArgs),
    /// Create, list and revoke the server's API keys.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
}

fn main() -> ExitCode {
    tune_malloc();
    let cli = Cli::parse();
    init_logging(cli.verbose);

    let global = commands::Global {
        quiet: cli.quiet,
        db: cli.db,
    };
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Sync(args) => commands::sync::run(args, &global),
        Command::Db(command) => commands::db::run(command, &global),
        Command::Show(args) => commands::show::run(args, &global),
        Command::Search(args) => commands::search::run(args, &global),
        Command::Scan(args) => commands::scan::run(args, &global),
        Command::Inspect(args) => commands::inspect::run(args, &global),
        Command::Inventory(args) => commands::inventory::run(args, &global),
        Command::Version(command) => commands::version::run(command, &global),
        Command::Serve(args) => commands::serve::run(args, &global),
        Command::Keys(command) => commands::keys::run(command, &global),
    };

    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Debug logs go to stderr, off unless `-v` or `RUST_LOG` asks for them.
fn init_logging(verbose: u8) {
    let default = match verbose {
        // The server's request logs are its normal output, so they show by default.
        0 => "warn,server=info",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
