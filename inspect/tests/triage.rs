//! The triage that skips parsing Python files must not change what the analysis reports:
//! every Python file available here is analysed with triage on and off, and the signals must
//! be equal. The corpora: this repository's fixtures, GuardDog's annotated rule tests (from
//! the shared directory), and this machine's Python standard library, whose ~600 modules
//! use the network, processes, reflection and the environment the way libraries do.

use std::path::{Path, PathBuf};

use inspect::analyze::analyze_file;
use inspect::triage::python_may_signal;
use inspect::{Limits, SourceFile};

/// Files above this size are left out to keep the test quick in debug builds.
const MAX_BYTES: u64 = 64 * 1024;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            python_files(&path, out);
        } else if meta.is_file()
            && meta.len() <= MAX_BYTES
            && path.extension().is_some_and(|e| e == "py")
        {
            out.push(path);
        }
    }
}

/// Compares both modes on every file; returns (files, files the triage skipped).
fn compare(files: &[PathBuf]) -> (usize, usize) {
    let with = Limits::default();
    let without = Limits {
        triage: false,
        ..Limits::default()
    };
    let mut skipped = 0;
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // A neutral package path: test-suite and setup-script rules would hide the triage.
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let name = name
            .trim_start_matches("test_")
            .replace("setup.py", "setup_.py");
        let file = SourceFile {
            path: format!("pkg/{name}"),
            full_size: bytes.len() as u64,
            bytes,
        };
        if !python_may_signal(&String::from_utf8_lossy(&file.bytes)) {
            skipped += 1;
        }
        let a = analyze_file(&file, &with, "");
        let b = analyze_file(&file, &without, "");
        let show = |o: &inspect::analyze::Outcome| {
            o.signals
                .iter()
                .map(|s| {
                    format!(
                        "{} {}:{} {:?} {} [{}] {}",
                        s.code,
                        s.file,
                        s.line,
                        s.severity,
                        s.function,
                        s.indicators.join(","),
                        s.message
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            show(&a),
            show(&b),
            "triage changed the signals of {}",
            path.display()
        );
        assert_eq!(a.notes.len(), b.notes.len(), "{}", path.display());
    }
    (files.len(), skipped)
}

#[test]
fn triage_keeps_every_signal_of_the_fixtures() {
    let mut files = Vec::new();
    python_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        &mut files,
    );
    assert!(files.len() >= 20, "fixtures found: {}", files.len());
    let (n, skipped) = compare(&files);
    println!("fixtures: {n} files, {skipped} triaged out");
}

#[test]
fn triage_keeps_every_signal_of_the_guarddog_cases() {
    let Some(dir) = testkit::shared_path("guarddog annotated", "data/malicious/guarddog-annotated")
    else {
        return;
    };
    let mut files = Vec::new();
    python_files(&dir, &mut files);
    assert!(!files.is_empty(), "no Python files in {}", dir.display());
    let (n, skipped) = compare(&files);
    println!("guarddog cases: {n} files, {skipped} triaged out");
}

#[test]
fn triage_keeps_every_signal_of_the_python_standard_library() {
    let lib = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("python3.") && p.join("os.py").is_file()
        })
        .max();
    let Some(lib) = lib else {
        println!("skipped: no Python standard library under /usr/lib on this machine");
        return;
    };
    let mut files = Vec::new();
    python_files(&lib, &mut files);
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "site-packages"));
    let (n, skipped) = compare(&files);
    println!("{}: {n} files, {skipped} triaged out", lib.display());

    // The comparison means something only if both paths were taken often.
    assert!(skipped * 10 >= n, "only {skipped} of {n} files triaged out");
    assert!(skipped * 10 <= n * 9, "{skipped} of {n} files triaged out");
}
