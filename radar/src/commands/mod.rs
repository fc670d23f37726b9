//! One module per subcommand: each turns its parsed flags into settings and calls the
//! stages.

pub mod db;
pub mod inspect;
pub mod inventory;
pub mod keys;
pub mod scan;
pub mod search;
pub mod serve;
pub mod show;
pub mod sync;
pub mod version;

/// Settings shared by every subcommand.
#[derive(Debug, Clone)]
pub struct Global {
    /// Silence progress output on stderr.
    pub quiet: bool,
    /// The advisory database (`--db`, `RADAR_DB`), or the platform default.
    pub db: Option<std::path::PathBuf>,
}

/// The plain output formats of the store commands.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// Opens the advisory store: `create` for writers (sync); readers need an existing one, and
/// fail with "run `radar sync`" otherwise.
pub fn open_store(global: &Global, create: bool) -> Result<store::Store, store::StoreError> {
    let path = global.db.clone().unwrap_or_else(store::Store::default_path);
    if create {
        store::Store::open(&path)
    } else {
        store::Store::open_existing(&path)
    }
}
