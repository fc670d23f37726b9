//! Container images assembled by the tests themselves: layers applied in order with
//! whiteouts and opaque directories, locations naming their layer, hostile entries refused
//! and reported while the rest of their layer is still read, and the limits.

use std::path::Path;

use inventory::{scan_image, Ecosystem, Inventory, Limits, Options};
use testkit::image::{docker_save, gzip, layer, oci_layout, Entry};

const SITE: &str = "usr/local/lib/python3.12/site-packages";

const OS_RELEASE: &str = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";

const DPKG_STATUS: &str = "Package: libssl3\nStatus: install ok installed\n\
Architecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n\
Description: shared libraries\n";

fn metadata(name: &str, version: &str) -> String {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n")
}

fn dist(name: &str, version: &str) -> Vec<Entry> {
    let dir = format!("{SITE}/{}-{version}.dist-info", name.replace('-', "_"));
    vec![
        Entry::Dir(dir.clone()),
        Entry::file(&format!("{dir}/METADATA"), &metadata(name, version)),
        Entry::file(&format!("{dir}/RECORD"), &format!("{dir}/METADATA,,\n")),
    ]
}

/// Layer 0: os-release (through the usual symlink), a dpkg database and two Python
/// distributions; layer 1: deletes one of them with a whiteout, hides `srv` with an opaque
/// marker and adds a new requirements file there.
fn two_layers() -> Vec<Vec<u8>> {
    let mut base = vec![
        Entry::file("usr/lib/os-release", OS_RELEASE),
        Entry::Symlink("etc/os-release".into(), "../usr/lib/os-release".into()),
        Entry::file("var/lib/dpkg/status", DPKG_STATUS),
        Entry::file("srv/old/requirements.txt", "django==4.2.0\n"),
        Entry::file("usr/share/doc/libssl3/copyright", "not read out\n"),
    ];
    base.extend(dist("requests", "2.31.0"));
    base.extend(dist("idna", "3.6"));

    let top = vec![
        Entry::whiteout(SITE, "requests-2.31.0.dist-info"),
        Entry::file("srv/.wh..wh..opq", ""),
        Entry::file("srv/new/requirements.txt", "flask==3.0.0\n"),
    ];
    vec![layer(&base), layer(&top)]
}

fn names(inventory: &Inventory) -> Vec<String> {
    let mut names: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p.osv_ecosystem(),
                p.name,
                p.version.as_deref().unwrap_or("-")
            )
        })
        .collect();
    names.sort();
    names
}

fn scan(path: &Path) -> Inventory {
    scan_image(path, &Options::default(), &Limits::default())
        .expect("the image is readable")
        .finish(path)
}

fn check_two_layers(inventory: &Inventory) {
    assert_eq!(
        names(inventory),
        [
            "Debian:12 libssl3 3.0.15-1~deb12u1",
            "PyPI flask 3.0.0",
            "PyPI idna 3.6",
        ],
        "{:#?}",
        inventory.errors
    );
    assert!(inventory.errors.is_empty(), "{:#?}", inventory.errors);
    assert_eq!(inventory.layers.len(), 2);

    let layer_of = |name: &str| {
        let package = inventory.packages.iter().find(|p| p.name == name).unwrap();
        let location = &package.locations[0];
        (location.path.clone(), location.layer)
    };
    assert_eq!(
        layer_of("libssl3"),
        ("var/lib/dpkg/status".to_string(), Some(0))
    );
    assert_eq!(
        layer_of("idna"),
        (format!("{SITE}/idna-3.6.dist-info/METADATA"), Some(0))
    );
    assert_eq!(
        layer_of("flask"),
        ("srv/new/requirements.txt".to_string(), Some(1))
    );
    let libssl = inventory
        .packages
        .iter()
        .find(|p| p.name == "libssl3")
        .unwrap();
    assert_eq!(libssl.advisory_name(), "openssl");
    assert_eq!(libssl.ecosystem, Ecosystem::Debian);
}

#[test]
fn docker_save_layers_apply_in_order_with_whiteouts_and_opaque_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let image = tmp.path().join("image.tar");
    docker_save(&image, &two_layers());

    let inventory = scan(&image);
    check_two_layers(&inventory);
    assert_eq!(inventory.roots, std::slice::from_ref(&image));
    assert_eq!(inventory.layers[1].path, "layer1/layer.tar");
    assert!(inventory.layers[1].digest.starts_with("sha256:"));
}

#[test]
fn an_oci_layout_directory_with_gzip_layers_reads_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let layers: Vec<Vec<u8>> = two_layers().iter().map(|l| gzip(l)).collect();
    oci_layout(tmp.path(), &layers);

    let inventory = scan(tmp.path());
    check_two_layers(&inventory);
    assert_eq!(
        inventory.layers[0].digest,
        testkit::image::digest(&layers[0])
    );
}

#[test]
fn entries_escaping_the_root_are_refused_and_reported_and_the_rest_of_the_layer_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = layer(&[
        Entry::file("../requirements.txt", "evil-parent==1.0\n"),
        Entry::file("app/../../requirements.txt", "evil-climb==1.0\n"),
        Entry::file("/requirements.txt", "evil-absolute==1.0\n"),
        Entry::Symlink("app/link".into(), "../../../etc/passwd".into()),
        Entry::Hardlink("app/hard/requirements.txt".into(), "../etc/shadow".into()),
        Entry::file("app/requirements.txt", "flask==3.0.0\n"),
    ]);
    let base = layer(&[Entry::file("usr/lib/os-release", OS_RELEASE)]);
    let image = tmp.path().join("image.tar");
    docker_save(&image, &[base, hostile]);

    let inventory = scan(&image);
    assert_eq!(names(&inventory), ["PyPI flask 3.0.0"]);
    let mut refused: Vec<(String, String, Option<usize>)> = inventory
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.code.clone(), e.layer))
        .collect();
    refused.sort();
    let expected = |path: &str| (path.to_string(), "outside-root".to_string(), Some(1));
    assert_eq!(
        refused,
        [
            expected("../requirements.txt"),
            expected("/requirements.txt"),
            expected("app/../../requirements.txt"),
            expected("app/hard/requirements.txt"),
            expected("app/link"),
        ]
    );
    for error in &inventory.errors {
        assert!(
            error.error.contains("layer 1 (layer1/layer.tar)"),
            "{error:?}"
        );
    }
    assert!(!tmp.path().join("requirements.txt").exists());
}

#[test]
fn limits_stop_a_layer_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let image = tmp.path().join("image.tar");
    docker_save(&image, &two_layers());
    let limits = Limits {
        max_entries: 6,
        ..Limits::default()
    };
    let inventory = scan_image(&image, &Options::default(), &limits)
        .unwrap()
        .finish(&image);
    let error = inventory
        .errors
        .iter()
        .find(|e| e.code == "too-large")
        .expect("the entry limit is reported");
    assert_eq!(error.layer, Some(0));
    assert!(error.error.contains("at most 6 entries"), "{error:?}");
}

#[test]
fn a_hard_link_to_a_read_out_file_is_read_too_and_a_file_replacing_a_directory_hides_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut base = vec![Entry::file("app/requirements.txt", "flask==3.0.0\n")];
    base.extend(dist("idna", "3.6"));
    let top = layer(&[
        Entry::Hardlink(
            "other/requirements.txt".into(),
            "app/requirements.txt".into(),
        ),
        Entry::file(&format!("{SITE}/idna-3.6.dist-info"), "now a file\n"),
    ]);
    let image = tmp.path().join("image.tar");
    docker_save(&image, &[layer(&base), top]);

    let inventory = scan(&image);
    assert_eq!(names(&inventory), ["PyPI flask 3.0.0"]);
    let flask = &inventory.packages[0];
    let at: Vec<(&str, Option<usize>)> = flask
        .locations
        .iter()
        .map(|l| (l.path.as_str(), l.layer))
        .collect();
    assert_eq!(
        at,
        [
            ("app/requirements.txt", Some(0)),
            ("other/requirements.txt", Some(1))
        ]
    );
}

#[test]
fn an_archive_that_is_no_image_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("not-an-image.tar");
    std::fs::write(&path, layer(&[Entry::file("hello.txt", "hi\n")])).unwrap();
    let err = scan_image(&path, &Options::default(), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("found neither"), "{err}");
}
