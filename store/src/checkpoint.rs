//! Checkpoints on a second connection while a long run of writes goes on.
//!
//! In WAL mode every committed page is written twice: into the log, then by a checkpoint
//! into the database file. SQLite runs that checkpoint on the writing connection once the
//! log passes a size, so the writer stops for it. During a sync a second connection does
//! it on its own thread instead, woken after each commit; a PASSIVE checkpoint never
//! blocks the writer or readers, and copies only what is committed, so a kill at any
//! moment leaves the same database as before.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

pub(crate) struct Checkpointer {
    wake: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(crate) fn start(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let (wake, woken) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            while woken.recv().is_ok() {
                // Several commits may have come while the last checkpoint ran; one
                // checkpoint covers them all.
                while woken.try_recv().is_ok() {}
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    // Only the log's size suffers; the writer's own checkpoint at the end
                    // catches up.
                    eprintln!("checkpoint failed: {e}");
                }
            }
        });
        Ok(Self {
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    /// A commit happened: copy it into the database file.
    pub(crate) fn wake(&self) {
        if let Some(wake) = &self.wake {
            // The thread only stops when this sender is dropped, so this cannot fail.
            let _ = wake.send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
