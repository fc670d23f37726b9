//! `radar`: the command-line entry point. It parses flags into plain structs, resolves them
//! into settings and calls the stages; the logic lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;

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

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare and sort versions under an ecosystem's ordering.
    #[command(subcommand)]
    Version(commands::version::VersionCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);

    let global = commands::Global { quiet: cli.quiet };
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Version(command) => commands::version::run(command, &global),
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
        0 => "warn",
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
