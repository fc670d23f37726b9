//! `radar inventory --image`, `radar scan --image` and `--rootfs` on an image the test
//! assembles from layers: layer 0 installs starlette-healthcheck 1.3.1, requests and a
//! dpkg database; layer 1 deletes requests with a whiteout and carries entries that leave
//! the root, which are refused and reported with their layer.

mod common;

use std::path::Path;

use common::{cyclonedx_errors, radar, run, sync};
use serde_json::Value;
use testkit::image::{docker_save, layer, Entry};

const SITE: &str = "usr/local/lib/python3.12/site-packages";

const DPKG_STATUS: &str = "Package: libssl3\nStatus: install ok installed\n\
Architecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n\
Description: shared libraries\n";

fn dist(name: &str, version: &str, module: &str) -> Vec<Entry> {
    let dir = format!("{SITE}/{}-{version}.dist-info", name.replace('-', "_"));
    let metadata = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n");
    vec![
        Entry::Dir(dir.clone()),
        Entry::file(&format!("{dir}/METADATA"), &metadata),
        Entry::file(
            &format!("{dir}/RECORD"),
            &format!("{dir}/METADATA,,\n{module}/__init__.py,,\n"),
        ),
        Entry::file(&format!("{SITE}/{module}/__init__.py"), ""),
    ]
}

/// The two layers, as tar bytes.
fn layers() -> Vec<Vec<u8>> {
    let mut base = vec![
        Entry::file(
            "etc/os-release",
            "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n",
        ),
        Entry::file("var/lib/dpkg/status", DPKG_STATUS),
    ];
    base.extend(dist(
        "starlette-healthcheck",
        "1.3.1",
        "starlette_healthcheck",
    ));
    base.extend(dist("requests", "2.31.0", "requests"));
    let top = vec![
        Entry::whiteout(SITE, "requests-2.31.0.dist-info"),
        Entry::file("../requirements.txt", "evil-parent==1.0\n"),
        Entry::Symlink("srv/link".into(), "../../../etc/passwd".into()),
        Entry::file("srv/requirements.txt", "flask==3.0.0\n"),
    ];
    vec![layer(&base), layer(&top)]
}

fn image(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("image.tar");
    docker_save(&path, &layers());
    path
}

/// `ecosystem name version path layer` of every package of a JSON inventory, sorted.
fn rows(inventory: &Value) -> Vec<String> {
    let mut rows: Vec<String> = inventory["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let location = &p["locations"][0];
            format!(
                "{} {} {} {} {}",
                p["ecosystem"].as_str().unwrap(),
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap(),
                location["path"].as_str().unwrap(),
                location["layer"],
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn an_image_inventories_its_layers_applied_and_reports_entries_leaving_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let image = image(tmp.path());
    let db = tmp.path().join("unused.db");

    let (code, json, err) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json", "--image"])
        .arg(&image));
    assert_eq!(
        code, 4,
        "refused entries make the inventory incomplete: {err}"
    );
    let inventory: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        rows(&inventory),
        [
            "Debian libssl3 3.0.15-1~deb12u1 var/lib/dpkg/status 0".to_string(),
            "PyPI flask 3.0.0 srv/requirements.txt 1".to_string(),
            format!(
                "PyPI starlette-healthcheck 1.3.1 \
                 {SITE}/starlette_healthcheck-1.3.1.dist-info/METADATA 0"
            ),
        ]
    );
    assert_eq!(inventory["roots"][0], image.display().to_string());
    let layers = inventory["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[1]["path"], "layer1/layer.tar");
    let mut refused: Vec<String> = inventory["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["path"], e["code"], e["layer"]))
        .collect();
    refused.sort();
    assert_eq!(
        refused,
        [
            "\"../requirements.txt\" \"outside-root\" 1",
            "\"srv/link\" \"outside-root\" 1",
        ]
    );

    // The table names the layer too; nothing escaped beside the image.
    let (_, table, _) = run(radar(&db).args(["-q", "inventory", "--image"]).arg(&image));
    assert!(table.contains("var/lib/dpkg/status:1 (layer 0)"), "{table}");
    assert!(!tmp.path().join("requirements.txt").exists());

    // As CycloneDX: a container, its layers in the metadata, layers in the locations.
    let (_, bom, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "cyclonedx", "--image"])
        .arg(&image));
    let bom: Value = serde_json::from_str(&bom).unwrap();
    if let Some(errors) = cyclonedx_errors("CycloneDX of an image", &bom) {
        assert!(errors.is_empty(), "{errors:#?}");
    }
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    let digest = layers[0]["digest"].as_str().unwrap();
    assert!(
        bom.to_string()
            .contains(&format!("var/lib/dpkg/status:1 (layer 0 {digest})")),
        "{bom:#}"
    );
}

#[test]
fn a_root_file_system_directory_inventories_like_the_image() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("rootfs");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::create_dir_all(root.join("proc/1/root")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    std::fs::write(root.join("var/lib/dpkg/status"), DPKG_STATUS).unwrap();
    // proc is skipped as for `/`: what a mounted image's process tree holds is not its own.
    std::fs::write(root.join("proc/1/root/requirements.txt"), "flask==3.0.0\n").unwrap();
    let site = root
        .join(SITE)
        .join("starlette_healthcheck-1.3.1.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("METADATA"),
        "Metadata-Version: 2.1\nName: starlette-healthcheck\nVersion: 1.3.1\n\n",
    )
    .unwrap();

    let db = tmp.path().join("unused.db");
    let (code, json, err) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json", "--rootfs"])
        .arg(&root));
    assert_eq!(code, 0, "{err}");
    let inventory: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        rows(&inventory),
        [
            "Debian libssl3 3.0.15-1~deb12u1 var/lib/dpkg/status null".to_string(),
            format!(
                "PyPI starlette-healthcheck 1.3.1 \
                 {SITE}/starlette_healthcheck-1.3.1.dist-info/METADATA null"
            ),
        ]
    );
    let libssl = inventory["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "libssl3")
        .unwrap();
    assert_eq!(libssl["os"]["release"], "12");

    // --image and paths together are a usage error.
    let (code, _, err) = run(radar(&db)
        .args(["inventory", "--rootfs"])
        .arg(&root)
        .arg("--image")
        .arg(&root));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn scanning_an_image_reports_the_malicious_package_with_its_layer_and_path() {
    let Some(seed) = testkit::shared_path("scan of an image", "data/osv/seed") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("radar.db");
    sync(&db, &seed);
    let image = image(tmp.path());
    let path = format!("{SITE}/starlette_healthcheck-1.3.1.dist-info/METADATA");

    let (code, json, err) = run(radar(&db)
        .args(["scan", "--format", "json", "--image"])
        .arg(&image));
    assert_eq!(code, 1, "{err}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "MAL-2026-6724")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(finding["kind"], "malicious");
    let location = &finding["locations"][0];
    assert_eq!(location["path"], path);
    assert_eq!(location["layer"], 0);
    assert_eq!(location["root"], image.display().to_string());
    let digest = testkit::image::digest(&layers()[0]);
    assert_eq!(location["layer_digest"], digest);
    assert_eq!(report["roots"][0], image.display().to_string());

    let (code, table, _) = run(radar(&db).args(["scan", "--image"]).arg(&image));
    assert_eq!(code, 1);
    assert!(table.contains("MAL-2026-6724"), "{table}");
    assert!(
        table.contains(&format!("{path} (layer 0 {digest})")),
        "{table}"
    );
}
