//! Helpers shared by the CLI tests: the binary with its own database, its output, planted
//! installed distributions, and validation against the CycloneDX 1.6 schema.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// The radar binary with `db` as its database and no log filter from the environment.
pub fn radar(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("radar").unwrap();
    cmd.env("RADAR_DB", db).env_remove("RUST_LOG");
    cmd
}

/// Runs a command: (exit status, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Where planted distributions go.
pub const SITE: &str = "venv/lib/python3.11/site-packages";

/// Plants an installed distribution (METADATA, RECORD and its files) under `root`.
pub fn plant_dist(root: &Path, name: &str, version: &str, files: &[(&str, &str)]) -> PathBuf {
    let site = root.join(SITE);
    let dist = site.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"),
    )
    .unwrap();
    let mut record = String::new();
    for (path, body) in files {
        let file = site.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
        record.push_str(&format!("{path},,\n"));
    }
    let dist_name = dist.file_name().unwrap().to_string_lossy().into_owned();
    record.push_str(&format!("{dist_name}/METADATA,,\n{dist_name}/RECORD,,\n"));
    std::fs::write(dist.join("RECORD"), record).unwrap();
    dist
}

/// Plants what the CLI fixture advisories flag: PyPI evil-helper 1.0.0 (MAL-TEST-0001,
/// its file hash an indicator) and npm left-padder 1.2.0 in a package-lock.json
/// (GHSA-test-vuln).
pub fn plant_flagged(tree: &Path) {
    plant_dist(
        tree,
        "evil-helper",
        "1.0.0",
        &[("evil_helper/__init__.py", "print(\"evil\")\n")],
    );
    std::fs::write(
        tree.join("package-lock.json"),
        r#"{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {
            "": {"name": "app", "version": "1.0.0"},
            "node_modules/left-padder": {"version": "1.2.0"}}}"#,
    )
    .unwrap();
}

/// Syncs the advisory files of `dir` into `db`.
pub fn sync(db: &Path, dir: &Path) {
    let (code, out, err) = run(radar(db).arg("sync").arg(dir));
    assert_eq!(code, 0, "{out}{err}");
}

/// Errors of `document` against the CycloneDX 1.6 JSON schema from the shared data (its
/// `$ref`s to the SPDX and JSF schemas resolved from the same directory), or `None` after
/// saying it is skipped when the shared data is absent.
pub fn cyclonedx_errors(what: &str, document: &serde_json::Value) -> Option<Vec<String>> {
    let dir = testkit::shared_path(what, "data/schemas")?;
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let schema = read("bom-1.6.SNAPSHOT.schema.json");
    let validator = jsonschema::options()
        .with_retriever(SchemaDir(dir.clone()))
        .build(&schema)
        .unwrap();
    Some(
        validator
            .iter_errors(document)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
    )
}

/// Resolves the schema's relative `$ref`s (`spdx.SNAPSHOT.schema.json`, …) to files of
/// the shared schema directory; nothing is fetched.
struct SchemaDir(PathBuf);

impl jsonschema::Retrieve for SchemaDir {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}
