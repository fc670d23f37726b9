//! SBOMs read as inventories: CycloneDX components (nested ones too) and SPDX packages by
//! their purls, OS purls keeping their release, radar's own `radar:source` read back, and
//! every component that cannot be identified reported while the rest are read.

mod common;

use inventory::{read_sbom, Inventory, Options};

fn read(dir: &tempfile::TempDir, body: &str) -> Inventory {
    let path = dir.path().join("bom.json");
    std::fs::write(&path, body).unwrap();
    read_sbom(&path, &Options::default()).unwrap()
}

/// `osv-ecosystem name version source entry` per package, sorted.
fn rows(inventory: &Inventory) -> Vec<String> {
    let mut rows: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {}",
                p.osv_ecosystem(),
                p.name,
                p.version.as_deref().unwrap_or("-"),
                p.source,
                p.locations[0].entry.as_deref().unwrap_or("-"),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn cyclonedx_components_nested_and_of_every_ecosystem_are_read_by_purl() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = read(
        &dir,
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
            "metadata": {"component": {"type": "application", "name": "app"}},
            "components": [
              {"type": "library", "bom-ref": "a", "name": "core", "group": "@babel",
               "version": "7.24.0", "purl": "pkg:npm/%40babel/core@7.24.0",
               "components": [
                 {"type": "library", "bom-ref": "b", "name": "log4j-core",
                  "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]},
              {"type": "library", "bom-ref": "c", "name": "gin",
               "purl": "pkg:golang/github.com/gin-gonic/gin@v1.9.1"},
              {"type": "library", "bom-ref": "d", "name": "openssl",
               "purl": "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"},
              {"type": "library", "bom-ref": "e", "name": "vcsdep", "version": "2.0",
               "purl": "pkg:pypi/vcsdep@2.0",
               "properties": [{"name": "radar:source", "value": "git"}]},
              {"type": "file", "bom-ref": "f", "name": "README.md"},
              {"type": "library", "bom-ref": "g", "name": "vendored"}
            ]}"#,
    );
    assert_eq!(
        rows(&inventory),
        [
            "Alpine:v3.20 libcrypto3 3.3.2-r0 registry d",
            "Go github.com/gin-gonic/gin 1.9.1 registry c",
            "Maven org.apache.logging.log4j:log4j-core 2.14.1 registry b",
            "PyPI vcsdep 2.0 git e",
            "npm @babel/core 7.24.0 registry a",
        ]
    );
    assert_eq!(common::errors(&inventory), ["bom.json [no-purl]"]);
    assert!(inventory.errors[0].error.contains("component g (vendored)"));
    assert_eq!(inventory.packages[0].locations[0].path, "bom.json");
}

#[test]
fn spdx_packages_are_read_by_their_purl_external_reference() {
    let inventory =
        inventory::read_sbom(&common::data("sbom/venv.spdx.json"), &Options::default()).unwrap();
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    let names: Vec<String> = rows(&inventory);
    assert_eq!(names.len(), 6, "{names:#?}");
    assert!(names.contains(&"PyPI PyYAML 6.0.1 registry SPDXRef-Package-pyyaml".to_string()));
    assert!(names
        .contains(&"PyPI zope.interface 6.0 registry SPDXRef-Package-zope-interface".to_string()));
}

#[test]
fn documents_of_other_versions_or_formats_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (body, code, says) in [
        (
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.3", "components": []}"#,
            "unknown-format",
            "expected specVersion 1.4, 1.5 or 1.6",
        ),
        (
            r#"{"spdxVersion": "SPDX-2.2", "packages": []}"#,
            "unknown-format",
            "expected spdxVersion SPDX-2.3",
        ),
        (r#"{"name": "x"}"#, "unknown-format", "found neither"),
        ("{ not json", "parse-error", "expected JSON"),
        (
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}"#,
            "parse-error",
            "`components` to be an array",
        ),
    ] {
        let inventory = read(&dir, body);
        assert!(inventory.packages.is_empty(), "{body}");
        assert_eq!(inventory.errors.len(), 1, "{body}");
        assert_eq!(inventory.errors[0].code, code, "{body}");
        assert!(
            inventory.errors[0].error.contains(says),
            "{body}: {:?}",
            inventory.errors
        );
    }
}

#[test]
fn components_nested_beyond_the_limit_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let mut components = String::from(r#"[{"type": "library", "purl": "pkg:pypi/deep@1"}]"#);
    for _ in 0..40 {
        components = format!(r#"[{{"type": "application", "components": {components}}}]"#);
    }
    let body = format!(
        r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {components}}}"#
    );
    let inventory = read(&dir, &body);
    assert!(inventory.packages.is_empty());
    assert_eq!(common::errors(&inventory), ["bom.json [too-large]"]);
}
