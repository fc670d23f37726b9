//! Installed-package collectors (Python, npm, Java archives, Go binaries), artifacts and
//! RECORD files, and the walking rules (symlinks, excludes, installed trees).

mod common;

use std::io::Write;
use std::path::Path;

use inventory::{Collector, Ecosystem, Options, Source};

#[test]
fn python_installations() {
    common::assert_rows(
        "venv",
        &[
            "PyPI Starlette_Healthcheck 1.3.1 registry \
             lib/python3.12/site-packages/Starlette_Healthcheck-1.3.1.dist-info/METADATA",
            "PyPI legacy-egg 0.9 registry \
             lib/python3.12/site-packages/legacy_egg-0.9-py3.12.egg/EGG-INFO/PKG-INFO",
            "PyPI localpkg 0.0.1 workspace src/localpkg.egg-info/PKG-INFO",
            "PyPI myproj 0.1.0 path lib/python3.12/site-packages/myproj-0.1.0.dist-info/METADATA",
            "PyPI pyyaml 6.0.1 registry conda-meta/pyyaml-6.0.1-py312_0.json",
            "PyPI requests 2.31.0 registry \
             lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA",
            "PyPI six 1.16.0 registry lib/python3.12/site-packages/six-1.16.0-py3.12.egg-info",
            "PyPI vcsdep 2.0 git lib/python3.12/site-packages/vcsdep-2.0.dist-info/METADATA",
            "PyPI zope.interface 6.0 registry \
             lib/python3.12/site-packages/zope.interface-6.0-py3.12.egg-info/PKG-INFO",
        ],
    );
}

#[test]
fn dist_info_names_are_normalized_and_records_hashable() {
    let inventory = common::scan("venv");
    let package = inventory
        .packages
        .iter()
        .find(|p| p.normalized_name == "starlette-healthcheck")
        .expect("planted dist-info found");
    assert_eq!(package.name, "Starlette_Healthcheck");
    assert_eq!(package.purl, "pkg:pypi/starlette-healthcheck@1.3.1");
    assert_eq!(package.ecosystem, Ecosystem::PyPI);

    let location = &package.locations[0];
    assert_eq!(location.collector, Collector::PythonDistInfo);
    assert_eq!(
        location.record.as_deref(),
        Some("lib/python3.12/site-packages/Starlette_Healthcheck-1.3.1.dist-info/RECORD")
    );
    let files = inventory.record_files(location).unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0]
        .path
        .ends_with("site-packages/starlette_healthcheck/__init__.py"));
    // The file is empty: its hash is the empty string's, as the RECORD declares.
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(inventory::hash_file(&files[0].path).unwrap(), empty);
    assert_eq!(files[0].declared_sha256.as_deref(), Some(empty));
}

#[test]
fn npm_installations_skip_inner_manifests_links_and_tool_folders() {
    let inventory = common::scan("node");
    assert_eq!(
        common::rows(&inventory),
        vec![
            "npm @babel/core 7.24.0 registry node_modules/@babel/core/package.json",
            "npm @types/node 20.11.5 registry node_modules/@types/node/package.json",
            "npm a 1.0.0 registry node_modules/.package-lock.json:11",
            "npm a 1.0.0 registry node_modules/a/package.json",
            "npm b 2.0.0 registry node_modules/a/node_modules/b/package.json",
            "npm esm-only 0.1.0 registry node_modules/esm-only/package.json",
            "npm left-pad 1.3.0 registry \
             node_modules/.pnpm/left-pad@1.3.0/node_modules/left-pad/package.json",
            "npm lodash 4.17.21 registry node_modules/.package-lock.json:7",
            "npm lodash 4.17.21 registry node_modules/lodash/package.json",
        ]
    );
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);

    // One package, two locations: the package.json and the hidden lockfile.
    let lodash = inventory
        .packages
        .iter()
        .find(|p| p.name == "lodash")
        .unwrap();
    assert_eq!(lodash.locations.len(), 2);

    // The archive in the tree is hashed for indicator matching.
    assert_eq!(inventory.artifacts.len(), 1);
    assert_eq!(inventory.artifacts[0].path, "cache/left-pad-1.3.0.tgz");
    assert_eq!(
        inventory.artifacts[0].sha256.as_deref().map(str::len),
        Some(64)
    );
}

#[test]
fn excludes_prune_paths() {
    let options = Options {
        exclude: vec!["node_modules/a".to_string(), ".pnpm".to_string()],
        ..Options::default()
    };
    let inventory = inventory::scan(&[common::data("node")], &options).unwrap();
    let names: Vec<_> = inventory.packages.iter().map(|p| p.name.as_str()).collect();
    assert!(!names.contains(&"b"), "{names:?}");
    assert!(!names.contains(&"left-pad"), "{names:?}");
    // `a` is still in the hidden lockfile, which was not excluded.
    assert!(names.contains(&"a"));
}

#[test]
fn invalid_exclude_and_missing_root_are_errors() {
    let options = Options {
        exclude: vec!["a/**[".to_string()],
        ..Options::default()
    };
    assert!(inventory::scan(&[common::data("node")], &options).is_err());
    assert!(inventory::scan(&[common::data("no-such-dir")], &Options::default()).is_err());
}

#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let site = outside.path().join("site-packages/evil-1.0.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("METADATA"), "Name: evil\nVersion: 1.0\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink(site.join("METADATA"), dir.path().join("METADATA")).unwrap();

    let inventory = inventory::scan(&[dir.path().to_path_buf()], &Options::default()).unwrap();
    assert!(inventory.packages.is_empty(), "{:?}", inventory.packages);
}

#[test]
fn a_file_root_is_scanned_relative_to_its_directory() {
    let root = common::data("lockfiles/mix/mix.lock");
    let inventory = inventory::scan(&[root], &Options::default()).unwrap();
    assert_eq!(inventory.packages.len(), 3);
    assert_eq!(inventory.packages[0].locations[0].path, "mix.lock");
    assert!(inventory.roots[0].ends_with("lockfiles/mix"));
}

#[test]
fn same_package_in_several_roots_is_one_package() {
    let roots = [
        common::data("lockfiles/npm-v2"),
        common::data("lockfiles/npm-v1"),
    ];
    let inventory = inventory::scan(&roots, &Options::default()).unwrap();
    let ms: Vec<_> = inventory
        .packages
        .iter()
        .filter(|p| p.name == "ms" && p.version.as_deref() == Some("2.0.0"))
        .collect();
    assert_eq!(ms.len(), 1);
    let roots: Vec<_> = ms[0].locations.iter().map(|l| l.root).collect();
    assert_eq!(roots, vec![0, 1]);
}

#[test]
fn json_has_the_documented_shape() {
    let inventory = common::scan("lockfiles/npm-v2");
    let json = serde_json::to_value(&inventory).unwrap();
    let package = &json["packages"][0];
    for key in [
        "ecosystem",
        "name",
        "version",
        "purl",
        "source",
        "locations",
    ] {
        assert!(package.get(key).is_some(), "missing {key} in {package}");
    }
    let location = &package["locations"][0];
    assert!(location["path"].is_string() && location["collector"].is_string());
    assert!(json["errors"].is_array());

    // Inventories travel (hosts report them to the server): JSON reads back the same.
    let back: inventory::Inventory = serde_json::from_value(json).unwrap();
    assert_eq!(back, inventory);

    let with_errors = serde_json::to_value(common::scan("malformed/yarn")).unwrap();
    assert_eq!(with_errors["errors"][0]["path"], "yarn.lock");
    assert_eq!(with_errors["errors"][0]["code"], "parse-error");
}

/// A zip archive written in memory: `(entry name, bytes)` pairs.
fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn java_archives_and_nested_jars() {
    let dir = tempfile::tempdir().unwrap();
    let inner = zip_bytes(&[(
        "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        b"#Generated by Maven\ngroupId=org.apache.logging.log4j\n\
          artifactId=log4j-core\nversion=2.14.1\n",
    )]);
    let war = zip_bytes(&[
        (
            "META-INF/maven/com.example/app/pom.properties",
            b"version=1.0\ngroupId=com.example\nartifactId=app\n",
        ),
        ("WEB-INF/lib/log4j-core-2.14.1.jar", &inner),
        ("WEB-INF/lib/broken.jar", b"not a zip"),
    ]);
    std::fs::write(dir.path().join("app.war"), war).unwrap();

    let inventory = inventory::scan(&[dir.path().to_path_buf()], &Options::default()).unwrap();
    let found: Vec<_> = inventory
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_deref(),
                p.locations[0].entry.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "com.example:app",
                Some("1.0"),
                Some("META-INF/maven/com.example/app/pom.properties")
            ),
            (
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1"),
                Some(
                    "WEB-INF/lib/log4j-core-2.14.1.jar!/META-INF/maven/org.apache.logging.log4j/\
                     log4j-core/pom.properties"
                )
            ),
        ]
    );
    assert_eq!(
        inventory.packages[1].purl,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    // The broken nested archive is a named error, the rest is kept.
    assert_eq!(common::errors(&inventory), vec!["app.war [parse-error]"]);
    assert!(inventory.errors[0].error.contains("WEB-INF/lib/broken.jar"));
}

/// The module information framed by the 16-byte sentinels Go's linker writes around it.
fn framed(modinfo: &str) -> Vec<u8> {
    let mut framed = vec![
        0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18,
        0xe6,
    ];
    framed.extend_from_slice(modinfo.as_bytes());
    framed.extend_from_slice(&[
        0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8,
        0xf2,
    ]);
    framed
}

/// A minimal 64-bit little-endian ELF executable with the given `(name, address, bytes)`
/// sections after the section-name table.
fn elf(sections: &[(&str, u64, Vec<u8>)]) -> Vec<u8> {
    let mut names = b"\0.shstrtab\0".to_vec();
    let mut name_offsets = Vec::new();
    for (name, _, _) in sections {
        name_offsets.push(names.len() as u32);
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    }

    let mut file = vec![0u8; 64];
    file[..4].copy_from_slice(b"\x7fELF");
    file[4] = 2; // 64-bit
    file[5] = 1; // little-endian
    file[6] = 1;
    file[0x10] = 2; // ET_EXEC
    let names_at = file.len() as u64;
    file.extend_from_slice(&names);
    let mut placed = Vec::new();
    for (_, _, bytes) in sections {
        placed.push(file.len() as u64);
        file.extend_from_slice(bytes);
    }
    let headers_at = (file.len() as u64).div_ceil(8) * 8;
    file.resize(headers_at as usize, 0);
    file[0x28..0x30].copy_from_slice(&headers_at.to_le_bytes());
    file[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
    file[0x3C..0x3E].copy_from_slice(&(sections.len() as u16 + 2).to_le_bytes());
    file[0x3E..0x40].copy_from_slice(&1u16.to_le_bytes());

    let header = |name: u32, kind: u32, address: u64, offset: u64, size: u64| {
        let mut header = vec![0u8; 64];
        header[0..4].copy_from_slice(&name.to_le_bytes());
        header[4..8].copy_from_slice(&kind.to_le_bytes());
        header[0x10..0x18].copy_from_slice(&address.to_le_bytes());
        header[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
        header[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        header
    };
    file.extend(header(0, 0, 0, 0, 0));
    file.extend(header(1, 3, 0, names_at, names.len() as u64));
    for (i, (_, address, bytes)) in sections.iter().enumerate() {
        file.extend(header(
            name_offsets[i],
            1,
            *address,
            placed[i],
            bytes.len() as u64,
        ));
    }
    file.resize(file.len().max(2048), 0);
    file
}

/// `.go.buildinfo` in the Go 1.18+ format: inline varint-prefixed strings.
fn go_elf(go_version: &str, modinfo: &str) -> Vec<u8> {
    let mut buildinfo = b"\xff Go buildinf:".to_vec();
    buildinfo.push(8);
    buildinfo.push(2);
    buildinfo.resize(32, 0);
    for string in [go_version.as_bytes(), &framed(modinfo)] {
        let mut length = string.len();
        loop {
            let byte = (length & 0x7f) as u8;
            length >>= 7;
            if length == 0 {
                buildinfo.push(byte);
                break;
            }
            buildinfo.push(byte | 0x80);
        }
        buildinfo.extend_from_slice(string);
    }
    elf(&[(".go.buildinfo", 0x1000, buildinfo)])
}

/// `.go.buildinfo` in the format before Go 1.18: pointers to Go string headers in
/// `.rodata`.
fn go_elf_pointers(go_version: &str, modinfo: &str) -> Vec<u8> {
    let modinfo = framed(modinfo);
    let mut buildinfo = b"\xff Go buildinf:".to_vec();
    buildinfo.push(8);
    buildinfo.push(0);
    buildinfo.extend_from_slice(&0x2000u64.to_le_bytes());
    buildinfo.extend_from_slice(&0x2010u64.to_le_bytes());
    buildinfo.resize(32, 0);

    let mut rodata = Vec::new();
    let version_at = 0x2020u64;
    let modinfo_at = version_at + go_version.len() as u64;
    rodata.extend_from_slice(&version_at.to_le_bytes());
    rodata.extend_from_slice(&(go_version.len() as u64).to_le_bytes());
    rodata.extend_from_slice(&modinfo_at.to_le_bytes());
    rodata.extend_from_slice(&(modinfo.len() as u64).to_le_bytes());
    rodata.extend_from_slice(go_version.as_bytes());
    rodata.extend_from_slice(&modinfo);
    elf(&[
        (".go.buildinfo", 0x1000, buildinfo),
        (".rodata", 0x2000, rodata),
    ])
}

#[test]
fn go_binaries_build_info() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let modinfo = "path\texample.com/cmd/tool\nmod\texample.com/tool\tv1.4.0\th1:abc=\n\
                   dep\tgithub.com/spf13/cobra\tv1.8.0\th1:def=\n\
                   dep\tgolang.org/x/sys\tv0.15.0\th1:ghi=\n";
    let binary = dir.path().join("tool");
    std::fs::write(&binary, go_elf("go1.21.5", modinfo)).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A non-executable copy and a shell script are not read as programs.
    std::fs::write(dir.path().join("data"), go_elf("go1.21.5", modinfo)).unwrap();
    // A program built before Go 1.18 (pointer format).
    let old = dir.path().join("old");
    let old_modinfo = "path\texample.com/old\nmod\texample.com/old\t(devel)\t\n\
                       dep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n";
    std::fs::write(&old, go_elf_pointers("go1.16.3", old_modinfo)).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = dir.path().join("run");
    std::fs::write(&script, format!("#!/bin/sh\n{}", " ".repeat(2000))).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();

    let inventory = inventory::scan(&[dir.path().to_path_buf()], &Options::default()).unwrap();
    let found: Vec<_> = inventory
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_deref(), p.source))
        .collect();
    assert_eq!(
        found,
        vec![
            ("example.com/old", None, Source::Workspace),
            ("example.com/tool", Some("1.4.0"), Source::Workspace),
            ("github.com/pkg/errors", Some("0.9.1"), Source::Registry),
            ("github.com/spf13/cobra", Some("1.8.0"), Source::Registry),
            ("golang.org/x/sys", Some("0.15.0"), Source::Registry),
            ("stdlib", Some("1.16.3"), Source::Registry),
            ("stdlib", Some("1.21.5"), Source::Registry),
        ]
    );
    let paths: Vec<_> = inventory
        .packages
        .iter()
        .map(|p| p.locations[0].path.as_str())
        .collect();
    assert_eq!(
        paths,
        vec!["old", "tool", "old", "tool", "tool", "old", "tool"]
    );
    assert_eq!(
        inventory.packages[3].purl,
        "pkg:golang/github.com/spf13/cobra@v1.8.0"
    );
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
}

/// The inventory of this repository's own Cargo.lock equals `cargo metadata` (offline).
/// Without every platform's crates downloaded (a fresh machine fetches only the host's),
/// `cargo metadata` can only list the host platform's packages: then each of those must
/// be in the inventory as it is, and the rest of the inventory are registry crates.
#[test]
fn own_cargo_lock_matches_cargo_metadata() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let metadata = |extra: &[&str]| {
        std::process::Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--locked", "--offline"])
            .args(extra)
            .current_dir(workspace)
            .output()
            .unwrap()
    };
    let mut whole = true;
    let mut output = metadata(&[]);
    if !output.status.success() {
        whole = false;
        output = metadata(&["--filter-platform", &host_triple()]);
    }
    if !output.status.success() {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!in_ci, "cargo metadata failed: {stderr}");
        eprintln!("skipped: cargo metadata --offline failed here: {stderr}");
        return;
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut expected: Vec<(String, String, bool)> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let source = p["source"].as_str().unwrap_or_default();
            let registry = source.starts_with("registry+") || source.starts_with("sparse+");
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                registry,
            )
        })
        .collect();
    expected.sort();

    let inventory = inventory::scan(&[workspace.join("Cargo.lock")], &Options::default()).unwrap();
    let mut actual: Vec<(String, String, bool)> = inventory
        .packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone().unwrap_or_default(),
                p.source == Source::Registry,
            )
        })
        .collect();
    actual.sort();
    if whole {
        assert_eq!(actual, expected);
    } else {
        let missing: Vec<_> = expected.iter().filter(|e| !actual.contains(e)).collect();
        assert!(missing.is_empty(), "not in the inventory: {missing:?}");
        let other: Vec<_> = actual
            .iter()
            .filter(|a| !expected.contains(a) && !a.2)
            .collect();
        assert!(other.is_empty(), "not in cargo metadata: {other:?}");
    }
    // Workspace members are marked as such, never as registry crates.
    let own = inventory
        .packages
        .iter()
        .find(|p| p.name == "inventory")
        .unwrap();
    assert_eq!(own.source, Source::Workspace);
}

/// The host's target triple, as rustc reports it.
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let output = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}
