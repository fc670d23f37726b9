//! `radar keys`: the server's API keys. A key is printed once when created; the database
//! keeps only its hash.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{open_store, Global, OutputFormat};

/// The `radar keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it (it cannot be shown again).
    Create(CreateArgs),
    /// List the keys (names, tiers, prefixes; never the keys).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Revoke the keys with this name or prefix.
    Revoke {
        /// A key's name or its prefix as `radar keys list` shows it.
        name_or_prefix: String,
    },
}

/// Arguments of `radar keys create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Who or what the key is for.
    #[arg(long)]
    name: String,

    /// The tier, as the server configuration names it.
    #[arg(long)]
    tier: String,

    /// The server configuration whose tiers are checked (the built-in one otherwise).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Runs `radar keys`.
pub fn run(command: KeysCommand, global: &Global) -> anyhow::Result<ExitCode> {
    let store = open_store(global, false)?;
    let mut out = std::io::stdout().lock();
    match command {
        KeysCommand::Create(args) => {
            let config = server::Config::load(args.config.as_deref())?;
            if !config.tiers.contains_key(&args.tier) {
                let tiers: Vec<&str> = config.tiers.keys().map(String::as_str).collect();
                anyhow::bail!(
                    "expected a tier of the server configuration ({}), but found {:?}",
                    tiers.join(", "),
                    args.tier
                );
            }
            let new = server::auth::generate_key()
                .map_err(|e| anyhow::anyhow!("no random source for a key: {e}"))?;
            store.add_api_key(&args.name, &args.tier, &new.hash, &new.prefix)?;
            eprintln!(
                "created key {:?} ({}) in tier {}; it is shown only now:",
                args.name, new.prefix, args.tier
            );
            writeln!(out, "{}", new.key)?;
        }
        KeysCommand::List { format } => {
            let keys = store.api_keys()?;
            if matches!(format, OutputFormat::Json) {
                writeln!(out, "{}", serde_json::to_string_pretty(&keys)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            for key in keys {
                let state = key
                    .revoked
                    .map_or("active".to_owned(), |at| format!("revoked {at}"));
                writeln!(
                    out,
                    "{:<14} {:<20} {:<12} {}  {state}",
                    key.prefix, key.name, key.tier, key.created
                )?;
            }
        }
        KeysCommand::Revoke { name_or_prefix } => {
            let revoked = store.revoke_api_key(&name_or_prefix)?;
            if revoked == 0 {
                anyhow::bail!(
                    "expected an active key named or prefixed {name_or_prefix:?}, but found none"
                );
            }
            eprintln!("revoked {revoked} key(s)");
        }
    }
    Ok(ExitCode::SUCCESS)
}
