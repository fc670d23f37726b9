//! `radar serve`: the radar server (API v1) over the advisory database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::Global;

/// Arguments of `radar serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,

    /// The server configuration (TOML: limits and API tiers); built-in tiers otherwise.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Runs the server until Ctrl-C or SIGTERM. Request logs go to stderr.
pub fn run(args: ServeArgs, global: &Global) -> anyhow::Result<ExitCode> {
    let config = server::Config::load(args.config.as_deref())?;
    let db = global.db.clone().unwrap_or_else(store::Store::default_path);
    server::serve(server::Settings {
        listen: args.listen,
        db: db.clone(),
        config,
    })
    .with_context(|| format!("serving {}", db.display()))?;
    Ok(ExitCode::SUCCESS)
}
