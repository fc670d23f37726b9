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
pub mod target;
pub mod version;

/// Settings shared by every subcommand.
#[derive(Debug, Clone)]
pub struct Global {
    /// Silence progress output on stderr.
    pub quiet: bool,
    /// The advisory database (`--db`, `RADAR_DB`), or the platform default.
    pub db: Option<std::path::PathBuf>,
}

/// Runs `work` on every item on all cores, keeping the items' order in the results. The
/// items are independent (packages, archives), so each worker takes the next one.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                *slots[i]
                    .lock()
                    .expect("no worker panics while holding a slot") = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .expect("no worker panics while holding a slot")
                .expect("every item was worked on")
        })
        .collect()
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

/// A new BOM's serial number (a random UUID, as CycloneDX asks: every BOM written gets
/// its own), its time, and this radar's version.
pub fn bom_info() -> report::BomInfo {
    report::BomInfo {
        serial_number: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        timestamp: jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string()),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    }
}
