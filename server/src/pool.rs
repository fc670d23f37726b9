//! A small pool of open stores. A SQLite connection is not `Sync`, so each blocking task
//! takes a store of its own from the pool and gives it back when done; a store is opened
//! only when every pooled one is busy.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use store::Store;

use crate::ApiError;

/// Stores over one database file, shared by the request handlers.
#[derive(Clone)]
pub struct StorePool {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl StorePool {
    /// A pool over the existing database at `path`. The first store is opened here, so
    /// a missing or unreadable database fails at start-up rather than on a request.
    ///
    /// # Errors
    ///
    /// When the database cannot be opened.
    pub fn open(path: PathBuf) -> Result<Self, store::StoreError> {
        let first = Store::open_existing(&path)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                idle: Mutex::new(vec![first]),
            }),
        })
    }

    /// Runs `work` with a store on tokio's blocking threads.
    ///
    /// # Errors
    ///
    /// Whatever `work` returns, or an internal error when no store can be opened or the
    /// task panicked.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let task = tokio::task::spawn_blocking(move || {
            let pooled = inner.idle.lock().ok().and_then(|mut idle| idle.pop());
            let store = match pooled {
                Some(store) => store,
                None => Store::open_existing(&inner.path)?,
            };
            let result = work(&store);
            if let Ok(mut idle) = inner.idle.lock() {
                idle.push(store);
            }
            result
        });
        task.await.map_err(ApiError::internal)?
    }
}
