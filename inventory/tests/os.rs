//! OS package databases on disk: dpkg (status and distroless status.d), apk and rpm
//! (`rpmdb.sqlite` built with the real rpm tools by `data/os/rpm-src/make-rpmdb.sh`), each
//! with the release os-release gives, and this machine's own dpkg database against
//! `dpkg-query`.

mod common;

use std::path::Path;
use std::process::Command;

use inventory::{Inventory, Options, Package};

/// One line per package: `osv-ecosystem name version [src=name@version] [epoch=N] [arch]
/// path`, sorted.
fn os_rows(inventory: &Inventory) -> Vec<String> {
    let mut rows: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            let os = p.os.clone().unwrap_or_default();
            let mut row = format!(
                "{} {} {}",
                p.osv_ecosystem(),
                p.name,
                p.version.as_deref().unwrap_or("-")
            );
            if let Some(source) = &os.source_name {
                let version = os.source_version.as_deref().unwrap_or("");
                row.push_str(&format!(" src={source}@{version}"));
            }
            if let Some(epoch) = os.epoch {
                row.push_str(&format!(" epoch={epoch}"));
            }
            if let Some(arch) = &os.arch {
                row.push_str(&format!(" {arch}"));
            }
            row.push_str(&format!(" {}", p.locations[0].path));
            row
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn dpkg_status_lists_installed_entries_with_source_packages_and_the_debian_12_release() {
    let inventory = common::scan("os/debian");
    assert_eq!(
        os_rows(&inventory),
        [
            "Debian:12 libgcc-s1 12.2.0-14+deb12u1 src=gcc-12@12.2.0-14 amd64 var/lib/dpkg/status",
            "Debian:12 libgcc-s1 12.2.0-14+deb12u1 src=gcc-12@12.2.0-14 i386 var/lib/dpkg/status",
            "Debian:12 libssl3 3.0.15-1~deb12u1 src=openssl@ amd64 var/lib/dpkg/status",
            "Debian:12 perl-base 1:5.36.0-7+deb12u1 src=perl@ amd64 var/lib/dpkg/status",
            "Debian:12 tzdata 2024a-0+deb12u1 src=tzdata@ all var/lib/dpkg/status",
        ]
    );
    // The paragraph without a version is reported with its line, the others are kept.
    assert_eq!(
        common::errors(&inventory),
        ["var/lib/dpkg/status [parse-error]"]
    );
    assert!(
        inventory.errors[0].error.contains("line 69"),
        "{:?}",
        inventory.errors
    );

    let libssl = inventory
        .packages
        .iter()
        .find(|p| p.name == "libssl3")
        .unwrap();
    assert_eq!(
        libssl.purl,
        "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"
    );
    assert_eq!(libssl.advisory_name(), "openssl");
    let libgcc = inventory
        .packages
        .iter()
        .find(|p| p.name == "libgcc-s1")
        .unwrap();
    assert_eq!(libgcc.advisory_version(), Some("12.2.0-14"));

    // What an SBOM carries (the purl) is enough to match the package again.
    for package in &inventory.packages {
        let back = Package::from_os_purl(&package.purl).expect("an OS purl");
        assert_eq!(
            back.osv_ecosystem(),
            package.osv_ecosystem(),
            "{}",
            package.purl
        );
        assert_eq!(
            back.advisory_name(),
            package.advisory_name(),
            "{}",
            package.purl
        );
        assert_eq!(
            back.advisory_version(),
            package.advisory_version(),
            "{}",
            package.purl
        );
    }
}

#[test]
fn distroless_status_d_reads_one_file_per_package_and_skips_md5sums() {
    let inventory = common::scan("os/distroless");
    assert_eq!(
        os_rows(&inventory),
        [
            "Debian:12 base-files 12.4+deb12u5 src=base-files@ amd64 \
             var/lib/dpkg/status.d/base-files",
            "Debian:12 libssl3 3.0.11-1~deb12u2 src=openssl@ amd64 var/lib/dpkg/status.d/libssl3",
        ]
    );
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
}

#[test]
fn apk_installed_keeps_origins_and_the_alpine_release() {
    let inventory = common::scan("os/alpine");
    assert_eq!(
        os_rows(&inventory),
        [
            "Alpine:v3.20 busybox 1.36.1-r29 src=busybox@ x86_64 lib/apk/db/installed",
            "Alpine:v3.20 libcrypto3 3.3.2-r0 src=openssl@ x86_64 lib/apk/db/installed",
            "Alpine:v3.20 musl 1.2.5-r0 src=musl@ x86_64 lib/apk/db/installed",
        ]
    );
    assert_eq!(
        common::errors(&inventory),
        ["lib/apk/db/installed [parse-error]"]
    );
    let libcrypto = inventory
        .packages
        .iter()
        .find(|p| p.name == "libcrypto3")
        .unwrap();
    assert_eq!(libcrypto.advisory_name(), "openssl");
}

#[test]
fn rpmdb_sqlite_built_by_rpm_gives_epochs_and_source_rpms() {
    let inventory = common::scan("os/rocky");
    assert_eq!(
        os_rows(&inventory),
        [
            "Rocky Linux:9 radar-demo-libs 1:2.4.1-3.el9 src=radar-demo-src@2.4.1-3.el9 epoch=1 \
             noarch var/lib/rpm/rpmdb.sqlite",
            "Rocky Linux:9 radar-plain 0.9-1.el9 src=radar-plain@0.9-1.el9 noarch \
             var/lib/rpm/rpmdb.sqlite",
        ]
    );
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    let purls: Vec<&str> = inventory.packages.iter().map(|p| p.purl.as_str()).collect();
    assert_eq!(
        purls,
        [
            "pkg:rpm/rocky/radar-demo-libs@2.4.1-3.el9?arch=noarch&distro=rocky-9.4&epoch=1",
            "pkg:rpm/rocky/radar-plain@0.9-1.el9?arch=noarch&distro=rocky-9.4",
        ]
    );
}

/// The committed rpmdb fixture as the rpm tool itself reads it (when it is installed):
/// name, epoch, version, release, architecture and source RPM agree with `rpm -qa`.
#[test]
fn the_rpmdb_fixture_reads_as_rpm_reads_it() {
    // rpm may write lock files beside the database, so it reads a copy.
    let copy = tempfile::tempdir().unwrap();
    let fixture = common::data("os/rocky/var/lib/rpm/rpmdb.sqlite");
    std::fs::copy(&fixture, copy.path().join("rpmdb.sqlite")).unwrap();
    let format = "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\\n";
    let output = match Command::new("rpm")
        .arg("--dbpath")
        .arg(copy.path())
        .args(["--define", "_db_backend sqlite", "-qa", "--qf", format])
        .output()
    {
        Ok(output) if output.status.success() => output,
        // CI installs rpm (.ci/run), so there its absence is a failure, not a skip.
        other if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("rpm is not usable under CI=true ({other:?}); .ci/run installs it")
        }
        other => {
            eprintln!("skipped: rpm is not usable here ({other:?})");
            return;
        }
    };
    let mut expected: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.replace("(none)", "-"))
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 2, "{expected:?}");

    let inventory = common::scan("os/rocky");
    let mut actual: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            let os = p.os.as_ref().unwrap();
            let version = p.version.as_deref().unwrap();
            // The package's version is `[epoch:]version-release`; rpm shows them apart.
            let version = version.split_once(':').map_or(version, |(_, v)| v);
            let (version, release) = version.rsplit_once('-').unwrap();
            let source = format!(
                "{}-{}.src.rpm",
                os.source_name.as_deref().unwrap(),
                os.source_version.as_deref().unwrap()
            );
            let epoch = os.epoch.map_or("-".to_string(), |e| e.to_string());
            let arch = os.arch.as_deref().unwrap();
            format!("{} {epoch} {version} {release} {arch} {source}", p.name)
        })
        .collect();
    actual.sort();
    assert_eq!(actual, expected);
}

#[test]
fn a_database_without_os_release_is_listed_unmatched_and_reported() {
    let inventory = common::scan("os/noos");
    assert_eq!(
        os_rows(&inventory),
        ["Debian tzdata 2024a-0+deb12u1 src=tzdata@ all var/lib/dpkg/status"]
    );
    assert_eq!(
        common::errors(&inventory),
        ["var/lib/dpkg/status [unknown-release]"]
    );
    assert!(!inventory.packages[0].release_matches("Debian:12"));
}

/// This machine's dpkg database in a fake root: exactly the packages `dpkg-query` lists as
/// installed (name, architecture, version, source package and its version), as `Debian:12`.
#[test]
fn this_machines_dpkg_status_matches_dpkg_query() {
    let (Ok(status), Ok(os_release)) = (
        std::fs::read("/var/lib/dpkg/status"),
        std::fs::read_to_string("/etc/os-release"),
    ) else {
        eprintln!("skipped: this machine has no /var/lib/dpkg/status or /etc/os-release");
        return;
    };
    if !os_release.lines().any(|l| l == "ID=debian") || !os_release.contains("VERSION_ID=\"12\"") {
        eprintln!("skipped: this machine is not Debian 12, the release the test pins");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let admin = root.path().join("var/lib/dpkg");
    std::fs::create_dir_all(&admin).unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(admin.join("status"), status).unwrap();
    std::fs::write(root.path().join("etc/os-release"), os_release).unwrap();

    let format = "${db:Status-Status}\\t${Package}\\t${Architecture}\\t${Version}\\t\
                  ${source:Package}\\t${source:Version}\\n";
    let output = match Command::new("dpkg-query")
        .arg(format!("--admindir={}", admin.display()))
        .args(["-W", "-f", format])
        .output()
    {
        Ok(output) if output.status.success() => output,
        other => {
            eprintln!("skipped: dpkg-query is not usable here ({other:?})");
            return;
        }
    };
    let mut expected: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f[0] == "installed").then(|| format!("{} {} {} {} {}", f[1], f[2], f[3], f[4], f[5]))
        })
        .collect();
    expected.sort();

    let inventory = inventory::scan(&[root.path().to_path_buf()], &Options::default()).unwrap();
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    let mut actual: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            assert_eq!(p.osv_ecosystem(), "Debian:12", "{}", p.name);
            assert_eq!(p.locations[0].path, "var/lib/dpkg/status");
            let os = p.os.as_ref().unwrap();
            let version = p.version.as_deref().unwrap();
            format!(
                "{} {} {version} {} {}",
                p.name,
                os.arch.as_deref().unwrap_or(""),
                p.advisory_name(),
                os.source_version.as_deref().unwrap_or(version)
            )
        })
        .collect();
    actual.sort();
    assert!(
        expected.len() > 10,
        "dpkg-query lists {} packages",
        expected.len()
    );
    assert_eq!(actual, expected);
    assert_eq!(
        Path::new(&inventory.roots[0]),
        root.path().canonicalize().unwrap()
    );
}
