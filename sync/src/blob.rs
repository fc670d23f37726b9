//! Archives read in place: a file (or downloaded bytes) that several threads read at once.
//!
//! Each clone of a [`Blob`] has its own position and reads with positioned reads
//! (`pread`), so the threads that inflate and parse zip entries never share a cursor, and
//! an export's largest archive is never held in memory whole.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// How much a small file read asks for at once: a zip entry's local header and its data
/// (a record compresses to a kilobyte or two) mostly come in one read.
const WINDOW: usize = 4 * 1024;

enum Backing {
    File(File),
    Bytes(Vec<u8>),
}

/// A seekable reader over a shared file or byte buffer; clones read independently.
pub(crate) struct Blob {
    backing: Arc<Backing>,
    len: u64,
    pos: u64,
    /// Bytes of the file from `window_start` on, read ahead of `pos`.
    window: Vec<u8>,
    window_start: u64,
}

impl Blob {
    /// Opens a file.
    pub(crate) fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(Self::new(Backing::File(file), len))
    }

    /// Wraps bytes already in memory (a download).
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Self {
        let len = bytes.len() as u64;
        Self::new(Backing::Bytes(bytes), len)
    }

    fn new(backing: Backing, len: u64) -> Self {
        Self {
            backing: Arc::new(backing),
            len,
            pos: 0,
            window: Vec::new(),
            window_start: 0,
        }
    }

    /// The read-ahead bytes at `pos`, refilled from the file when `pos` is outside them.
    fn buffered(&mut self) -> io::Result<&[u8]> {
        let file = match &*self.backing {
            Backing::File(file) => file,
            Backing::Bytes(bytes) => {
                let start = usize::try_from(self.pos)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                return Ok(&bytes[start..]);
            }
        };
        let end = self.window_start + self.window.len() as u64;
        if self.pos < self.window_start || self.pos >= end {
            self.window.resize(WINDOW, 0);
            let n = read_at_least_once(file, &mut self.window, self.pos)?;
            self.window.truncate(n);
            self.window_start = self.pos;
        }
        let offset = usize::try_from(self.pos - self.window_start).unwrap_or(usize::MAX);
        Ok(&self.window[offset.min(self.window.len())..])
    }
}

/// One positioned read, retried when interrupted; 0 at the end of the file.
fn read_at_least_once(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        match file.read_at(buf, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

impl Clone for Blob {
    fn clone(&self) -> Self {
        // A clone starts with no read-ahead: it is about to read somewhere else.
        Self {
            backing: Arc::clone(&self.backing),
            len: self.len,
            pos: self.pos,
            window: Vec::new(),
            window_start: 0,
        }
    }
}

impl Read for Blob {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || out.is_empty() {
            return Ok(0);
        }
        let in_window = self.pos >= self.window_start
            && self.pos < self.window_start + self.window.len() as u64;
        if let (Backing::File(file), false) = (&*self.backing, in_window) {
            if out.len() >= WINDOW {
                // A large read goes straight into the caller's buffer.
                let n = read_at_least_once(file, out, self.pos)?;
                self.pos += n as u64;
                return Ok(n);
            }
        }
        let available = self.buffered()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Blob {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the archive",
            ));
        };
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_read_the_same_bytes_from_anywhere() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("archive");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();

        for mut blob in [Blob::open(&path).unwrap(), Blob::from_bytes(data.clone())] {
            let mut all = Vec::new();
            blob.read_to_end(&mut all).unwrap();
            assert_eq!(all, data);

            let mut other = blob.clone();
            other.seek(SeekFrom::Start(70_000)).unwrap();
            let mut part = vec![0; 20_000];
            other.read_exact(&mut part).unwrap();
            assert_eq!(part, data[70_000..90_000]);
            other.seek(SeekFrom::Current(-30_000)).unwrap();
            other.read_exact(&mut part[..10]).unwrap();
            assert_eq!(part[..10], data[60_000..60_010]);
            assert_eq!(other.seek(SeekFrom::End(-1)).unwrap(), 99_999);
            assert!(other.seek(SeekFrom::Current(-200_000)).is_err());
        }
    }
}
