//! The finder's `inventory` stage: walks roots and turns what it finds into [`Package`]s.
//!
//! Two kinds of collectors run over every regular file whose *name* marks it as interesting
//! (nothing else is opened):
//!
//! - installed packages: Python `*.dist-info`/`*.egg-info`/`EGG-INFO` and conda
//!   `conda-meta/*.json`, npm `node_modules/**/package.json` and
//!   `node_modules/.package-lock.json`, Ruby `specifications/*.gemspec`, PHP
//!   `vendor/composer/installed.json`, .NET `*.deps.json`, Java archives and Go binaries;
//! - lockfiles and manifests of every supported ecosystem (see [`Collector`]).
//!
//! The same (ecosystem, normalized name, version, source) found in several places is one
//! package with several [`Location`]s. Entries that are not registry packages (the project
//! itself, workspace members, path, link, git and URL dependencies) keep a [`Source`] other
//! than [`Source::Registry`] and must never be matched as registry packages.
//!
//! Every file that could not be read or parsed becomes a [`ScanError`]; nothing panics on
//! bad input.

mod collect;
mod error;
mod image;
mod names;
mod record;
mod sbom;
mod text;
mod walk;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use collect::os::{distribution, OsRelease};
pub use error::Error;
pub use image::{scan_image, scan_rootfs, wanted, ImageScan, Layer, Limits};
pub use names::{normalize_name, os_purl, purl};
pub use record::{hash_file, RecordFile};
pub use sbom::read_sbom;

/// An OSV ecosystem name, as used in `affected[].package.ecosystem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    /// Python Package Index.
    PyPI,
    /// npm registry.
    #[serde(rename = "npm")]
    Npm,
    /// Rust crates.
    #[serde(rename = "crates.io")]
    CratesIo,
    /// Go modules.
    Go,
    /// Ruby gems.
    RubyGems,
    /// PHP Composer packages.
    Packagist,
    /// .NET packages.
    NuGet,
    /// Java packages, named `group:artifact`.
    Maven,
    /// Dart and Flutter packages.
    Pub,
    /// Erlang and Elixir packages.
    Hex,
    /// Debian packages (dpkg), matched by source package name; OSV writes `Debian:12`.
    Debian,
    /// Ubuntu packages (dpkg), matched by source package name; OSV writes
    /// `Ubuntu:22.04:LTS` (or `Ubuntu:23.10` for a release without long-term support).
    Ubuntu,
    /// Alpine Linux packages (apk), matched by origin; OSV writes `Alpine:v3.20`.
    Alpine,
    /// Red Hat Enterprise Linux packages (rpm).
    #[serde(rename = "Red Hat")]
    RedHat,
    /// Rocky Linux packages (rpm); OSV writes `Rocky Linux:9`.
    #[serde(rename = "Rocky Linux")]
    RockyLinux,
    /// AlmaLinux packages (rpm); OSV writes `AlmaLinux:9`.
    AlmaLinux,
    /// openSUSE packages (rpm); OSV writes `openSUSE:Leap 15.5` or `openSUSE:Tumbleweed`.
    #[serde(rename = "openSUSE")]
    OpenSuse,
}

impl Ecosystem {
    /// The OSV spelling of the ecosystem (`PyPI`, `npm`, `crates.io`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Maven => "Maven",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hex => "Hex",
            Ecosystem::Debian => "Debian",
            Ecosystem::Ubuntu => "Ubuntu",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::RedHat => "Red Hat",
            Ecosystem::RockyLinux => "Rocky Linux",
            Ecosystem::AlmaLinux => "AlmaLinux",
            Ecosystem::OpenSuse => "openSUSE",
        }
    }

    /// The ecosystem of an OSV base name as written in advisories (`Debian`, `Red Hat`,
    /// `PyPI`, ...), if it is one this crate inventories.
    pub fn from_osv(base: &str) -> Option<Ecosystem> {
        ALL_ECOSYSTEMS.iter().copied().find(|e| e.as_str() == base)
    }

    /// Whether packages of this ecosystem come from an operating system's package
    /// database; their advisories are per release of the distribution (see
    /// [`Package::osv_ecosystem`]).
    pub fn is_os(self) -> bool {
        matches!(
            self,
            Ecosystem::Debian
                | Ecosystem::Ubuntu
                | Ecosystem::Alpine
                | Ecosystem::RedHat
                | Ecosystem::RockyLinux
                | Ecosystem::AlmaLinux
                | Ecosystem::OpenSuse
        )
    }
}

/// Every ecosystem, in declaration order.
const ALL_ECOSYSTEMS: [Ecosystem; 17] = [
    Ecosystem::PyPI,
    Ecosystem::Npm,
    Ecosystem::CratesIo,
    Ecosystem::Go,
    Ecosystem::RubyGems,
    Ecosystem::Packagist,
    Ecosystem::NuGet,
    Ecosystem::Maven,
    Ecosystem::Pub,
    Ecosystem::Hex,
    Ecosystem::Debian,
    Ecosystem::Ubuntu,
    Ecosystem::Alpine,
    Ecosystem::RedHat,
    Ecosystem::RockyLinux,
    Ecosystem::AlmaLinux,
    Ecosystem::OpenSuse,
];

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a package comes from. Only [`Source::Registry`] packages may be matched against
/// registry advisories: a local crate sharing a name with a malicious crates.io crate is
/// not that crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Downloaded from the ecosystem's package registry (or an index that mirrors it).
    Registry,
    /// The project itself or a member of its workspace.
    Workspace,
    /// A dependency on a local directory or archive.
    Path,
    /// A symbolic link to a local package (npm/yarn/pnpm `link:`, yarn `portal:`).
    Link,
    /// A dependency fetched from a version-control repository.
    Git,
    /// A dependency downloaded from a URL that is not a registry.
    Url,
}

impl Source {
    /// The lowercase name used in JSON (`registry`, `workspace`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Registry => "registry",
            Source::Workspace => "workspace",
            Source::Path => "path",
            Source::Link => "link",
            Source::Git => "git",
            Source::Url => "url",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The collector that found a package; serialized as a stable kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Collector {
    /// `*.dist-info/METADATA` of an installed Python distribution.
    PythonDistInfo,
    /// `*.egg-info` (file, or directory with `PKG-INFO`) and `EGG-INFO/PKG-INFO`.
    PythonEggInfo,
    /// conda's `conda-meta/*.json` records of Python packages.
    CondaMeta,
    /// `node_modules/[@scope/]<name>/package.json` of an installed npm package.
    NpmPackageJson,
    /// npm's hidden lockfile `node_modules/.package-lock.json`.
    NpmHiddenLockfile,
    /// Ruby `specifications/*.gemspec`.
    RubyGemspec,
    /// Composer's `vendor/composer/installed.json`.
    ComposerInstalled,
    /// .NET `*.deps.json`.
    DotnetDepsJson,
    /// `META-INF/maven/**/pom.properties` inside `.jar`, `.war`, `.ear` (nested too).
    JavaArchive,
    /// The build information of a Go executable.
    GoBinary,
    /// `requirements*.txt` (and the files it includes with `-r`).
    RequirementsTxt,
    /// `poetry.lock`.
    PoetryLock,
    /// `Pipfile.lock`.
    PipfileLock,
    /// `pdm.lock`.
    PdmLock,
    /// `uv.lock`.
    UvLock,
    /// `pylock.toml` and `pylock.<name>.toml` (PEP 751).
    PylockToml,
    /// `package-lock.json` (v1, v2, v3).
    PackageLockJson,
    /// `npm-shrinkwrap.json`.
    NpmShrinkwrap,
    /// `yarn.lock` (classic v1 and berry).
    YarnLock,
    /// `pnpm-lock.yaml` (v5 to v9).
    PnpmLock,
    /// `bun.lock` (text, JSONC).
    BunLock,
    /// `Cargo.lock`.
    CargoLock,
    /// `go.mod`.
    GoMod,
    /// `Gemfile.lock` and `gems.locked`.
    GemfileLock,
    /// `composer.lock`.
    ComposerLock,
    /// `gradle.lockfile` and `gradle/dependency-locks/*.lockfile`.
    GradleLockfile,
    /// `pom.xml` (declared versions, properties interpolated, nothing resolved remotely).
    PomXml,
    /// NuGet `packages.lock.json`.
    NugetPackagesLock,
    /// `pubspec.lock`.
    PubspecLock,
    /// `mix.lock`.
    MixLock,
    /// dpkg's `var/lib/dpkg/status` and distroless `var/lib/dpkg/status.d/*`.
    DpkgStatus,
    /// apk's `lib/apk/db/installed` (or `usr/lib/apk/db/installed`).
    ApkInstalled,
    /// rpm's database `rpmdb.sqlite` (the Berkeley DB `Packages` and ndb `Packages.db`
    /// are reported as not read).
    RpmDatabase,
    /// A CycloneDX JSON SBOM (1.4 to 1.6) given with `--sbom`: components by purl.
    CyclonedxSbom,
    /// An SPDX 2.3 JSON SBOM given with `--sbom`: packages by their purl external refs.
    SpdxSbom,
}

impl Collector {
    /// The stable kebab-case code of the collector.
    pub fn as_str(self) -> &'static str {
        match self {
            Collector::PythonDistInfo => "python-dist-info",
            Collector::PythonEggInfo => "python-egg-info",
            Collector::CondaMeta => "conda-meta",
            Collector::NpmPackageJson => "npm-package-json",
            Collector::NpmHiddenLockfile => "npm-hidden-lockfile",
            Collector::RubyGemspec => "ruby-gemspec",
            Collector::ComposerInstalled => "composer-installed",
            Collector::DotnetDepsJson => "dotnet-deps-json",
            Collector::JavaArchive => "java-archive",
            Collector::GoBinary => "go-binary",
            Collector::RequirementsTxt => "requirements-txt",
            Collector::PoetryLock => "poetry-lock",
            Collector::PipfileLock => "pipfile-lock",
            Collector::PdmLock => "pdm-lock",
            Collector::UvLock => "uv-lock",
            Collector::PylockToml => "pylock-toml",
            Collector::PackageLockJson => "package-lock-json",
            Collector::NpmShrinkwrap => "npm-shrinkwrap",
            Collector::YarnLock => "yarn-lock",
            Collector::PnpmLock => "pnpm-lock",
            Collector::BunLock => "bun-lock",
            Collector::CargoLock => "cargo-lock",
            Collector::GoMod => "go-mod",
            Collector::GemfileLock => "gemfile-lock",
            Collector::ComposerLock => "composer-lock",
            Collector::GradleLockfile => "gradle-lockfile",
            Collector::PomXml => "pom-xml",
            Collector::NugetPackagesLock => "nuget-packages-lock",
            Collector::PubspecLock => "pubspec-lock",
            Collector::MixLock => "mix-lock",
            Collector::DpkgStatus => "dpkg-status",
            Collector::ApkInstalled => "apk-installed",
            Collector::RpmDatabase => "rpm-database",
            Collector::CyclonedxSbom => "cyclonedx-sbom",
            Collector::SpdxSbom => "spdx-sbom",
        }
    }

    /// Whether the collector reads what is installed (as opposed to a lockfile or manifest
    /// that says what would be installed).
    pub fn is_installed(self) -> bool {
        matches!(
            self,
            Collector::PythonDistInfo
                | Collector::PythonEggInfo
                | Collector::CondaMeta
                | Collector::NpmPackageJson
                | Collector::NpmHiddenLockfile
                | Collector::RubyGemspec
                | Collector::ComposerInstalled
                | Collector::DotnetDepsJson
                | Collector::JavaArchive
                | Collector::GoBinary
                | Collector::DpkgStatus
                | Collector::ApkInstalled
                | Collector::RpmDatabase
        )
    }
}

impl fmt::Display for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place where a package was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Index into [`Inventory::roots`] of the root this path is relative to.
    pub root: usize,
    /// The file, relative to its root, `/`-separated (the METADATA, package.json, lockfile,
    /// archive or binary).
    pub path: String,
    /// The collector that read it.
    pub collector: Collector,
    /// 1-based line in the file, where the format tells it (lockfiles, manifests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// For archives: the entry inside [`Location::path`] that named the package, with `!/`
    /// between nesting levels (`WEB-INF/lib/a.jar!/META-INF/maven/g/a/pom.properties`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// For an installed Python distribution: its `RECORD` file (relative to the root), when
    /// present; [`Inventory::record_files`] reads it on demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// For a container image: the index into [`Inventory::layers`] of the layer that
    /// provided the file (the highest one that wrote it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
}

/// A package found under the scanned roots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The OSV ecosystem.
    pub ecosystem: Ecosystem,
    /// The name as written where it was found (for Maven: `group:artifact`).
    pub name: String,
    /// The name to match advisories with (see [`normalize_name`]).
    pub normalized_name: String,
    /// The version as written, if known (Go: without the leading `v`, as OSV writes it).
    pub version: Option<String>,
    /// The package URL (<https://github.com/package-url/purl-spec>).
    pub purl: String,
    /// Where the package comes from; only `registry` packages are matched as such.
    pub source: Source,
    /// Every place where it was found, sorted.
    pub locations: Vec<Location>,
    /// For a package of an operating system's package database: the distribution and
    /// what the database says beyond name and version. Absent for language packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
}

/// What an OS package database says about a package beyond its name and version, and
/// which release of which distribution it belongs to (from `etc/os-release`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OsInfo {
    /// The `ID` of os-release (`debian`, `ubuntu`, `alpine`, `rocky`, ...), also the purl
    /// namespace; the package format's usual vendor when there is no os-release.
    pub distro: String,
    /// The `VERSION_ID` of os-release (`12`, `22.04`, `3.20.3`, `9.4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro_version: Option<String>,
    /// The release as OSV suffixes the ecosystem (`12`, `22.04:LTS`, `v3.20`); `None` when
    /// the release is unknown, and then no advisory of a release is matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The source package (dpkg `Source:`, apk origin, the name of rpm's source RPM);
    /// advisories of Debian, Ubuntu and Alpine name source packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// The source package's version, when it differs from the binary's (dpkg
    /// `Source: name (version)`, the version in a source RPM's file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// The architecture (`amd64`, `x86_64`, `noarch`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// rpm only: the epoch, when the header has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
}

impl OsInfo {
    /// The OSV ecosystem name with its release suffix: `Debian:12`, `Ubuntu:22.04:LTS`,
    /// `Alpine:v3.20`; the bare base when the release is unknown.
    pub fn osv_ecosystem(&self, ecosystem: Ecosystem) -> String {
        match &self.release {
            Some(release) => format!("{}:{release}", ecosystem.as_str()),
            None => ecosystem.as_str().to_string(),
        }
    }
}

impl Package {
    /// The OSV ecosystem as advisories write it: the base (`PyPI`) for language packages,
    /// with the release suffix for OS packages (`Debian:12`).
    pub fn osv_ecosystem(&self) -> String {
        match &self.os {
            Some(os) => os.osv_ecosystem(self.ecosystem),
            None => self.ecosystem.as_str().to_string(),
        }
    }

    /// The name advisories index this package under: the source package for OS
    /// packages that have one (Debian, Ubuntu and Alpine advisories name source
    /// packages), the normalized name otherwise.
    pub fn advisory_name(&self) -> &str {
        // Red Hat, Rocky, Alma and SUSE advisories name binary RPMs.
        let by_source = matches!(
            self.ecosystem,
            Ecosystem::Debian | Ecosystem::Ubuntu | Ecosystem::Alpine
        );
        match self.os.as_ref().and_then(|os| os.source_name.as_deref()) {
            Some(source) if by_source => source,
            _ => &self.normalized_name,
        }
    }

    /// The version advisories compare: for Debian and Ubuntu the source package's version
    /// when dpkg names one (binNMUs add `+bN` to the binary's only), the version otherwise.
    pub fn advisory_version(&self) -> Option<&str> {
        let source = self.os.as_ref().and_then(|os| os.source_version.as_deref());
        match source {
            Some(v) if matches!(self.ecosystem, Ecosystem::Debian | Ecosystem::Ubuntu) => Some(v),
            _ => self.version.as_deref(),
        }
    }

    /// Whether an advisory entry for `osv_ecosystem` (as the advisory writes it, suffix
    /// included) applies to this package's release. Language packages: always (their
    /// suffixes do not name releases). OS packages: only an entry of the same release
    /// (`Debian:12` for a Debian 12 package; for Red Hat every stream of the major
    /// release, `Red Hat:enterprise_linux:9::appstream`); never when the release is
    /// unknown.
    pub fn release_matches(&self, osv_ecosystem: &str) -> bool {
        if !self.ecosystem.is_os() {
            return true;
        }
        let Some(release) = self.os.as_ref().and_then(|os| os.release.as_deref()) else {
            return false;
        };
        let Some((base, suffix)) = osv_ecosystem.split_once(':') else {
            return false;
        };
        if base != self.ecosystem.as_str() {
            return false;
        }
        match self.ecosystem {
            Ecosystem::RedHat => {
                suffix == release
                    || suffix
                        .strip_prefix(release)
                        .is_some_and(|rest| rest.starts_with(':'))
            }
            _ => suffix == release,
        }
    }

    /// An OS package as a package URL describes it (`pkg:deb/debian/openssl@3.0.15-1~deb12u1
    /// ?arch=amd64&distro=debian-12`, `pkg:apk/alpine/busybox@1.36.1-r2?distro=alpine-3.20.3`,
    /// `pkg:rpm/rocky/openssl@3.0.7-27.el9?epoch=1&distro=rocky-9.4`), for SBOM input. The
    /// `distro` qualifier (`<os-release ID>-<VERSION_ID>`) gives the release; `upstream`,
    /// when present, the source package. The purl is kept as given; the package has no
    /// locations. `None` for a purl that is not of an OS ecosystem this crate maps.
    pub fn from_os_purl(purl: &str) -> Option<Package> {
        let (ecosystem, name, version, info) = names::parse_os_purl(purl)?;
        Some(Package {
            ecosystem,
            normalized_name: normalize_name(ecosystem, &name),
            name,
            version,
            purl: purl.to_string(),
            source: Source::Registry,
            locations: Vec::new(),
            os: Some(info),
        })
    }

    /// Whether advisories of the registry may be matched against this package: only
    /// packages that came from the ecosystem's registry.
    pub fn is_registry(&self) -> bool {
        self.source == Source::Registry
    }
}

/// A package archive found in the tree (`.whl`, `.tar.gz`, `.tgz`, `.gem`, `.nupkg`,
/// `.crate`), with its hash, for comparison with advisories' file-hash indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// Index into [`Inventory::roots`].
    pub root: usize,
    /// The archive, relative to its root.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the whole file; `None` when larger than
    /// [`Options::max_artifact_size`].
    pub sha256: Option<String>,
}

/// A file (or directory) that could not be read or understood: the scan is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanError {
    /// Index into [`Inventory::roots`].
    pub root: usize,
    /// The path relative to its root (`.` for the root itself).
    pub path: String,
    /// A stable kebab-case code: `unreadable`, `parse-error`, `unknown-format`,
    /// `too-large`, `outside-root`.
    pub code: String,
    /// What went wrong, "expected X, but found Y" where possible.
    pub error: String,
    /// For a container image: the index into [`Inventory::layers`] of the layer at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.error)
    }
}

/// Settings of a scan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Globs (gitignore syntax, relative to each root) of paths not to walk.
    pub exclude: Vec<String>,
    /// Stay on the file system of each root (default `true`).
    pub same_file_system: bool,
    /// Honour `.gitignore` files (default `false`: installed trees are usually ignored).
    pub gitignore: bool,
    /// Walker threads; `0` picks from the number of CPUs.
    pub threads: usize,
    /// Read the build information of Go executables (extensionless executable files).
    pub go_binaries: bool,
    /// Archives larger than this are listed without a hash.
    pub max_artifact_size: u64,
    /// Lockfiles, manifests and metadata files larger than this are a `too-large` error.
    pub max_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            exclude: Vec::new(),
            same_file_system: true,
            gitignore: false,
            threads: 0,
            go_binaries: true,
            max_artifact_size: 512 * 1024 * 1024,
            max_file_size: 64 * 1024 * 1024,
        }
    }
}

/// Counts of what a scan did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Files a collector opened.
    pub files_read: u64,
    /// Locations found before merging.
    pub locations: u64,
}

/// The result of [`scan`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The directories locations are relative to, one per root in the order given: the
    /// canonical root, or for a file given as a root, its directory. [`Location::root`]
    /// indexes this.
    pub roots: Vec<PathBuf>,
    /// Packages, sorted by ecosystem, normalized name, version, source and OS details.
    pub packages: Vec<Package>,
    /// Package archives found in the tree, sorted by path.
    pub artifacts: Vec<Artifact>,
    /// Files that could not be read or parsed, sorted by path.
    pub errors: Vec<ScanError>,
    /// For a container image: its layers, the lowest first ([`Location::layer`] indexes
    /// this); empty for directories and files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Layer>,
    /// Counts.
    pub stats: Stats,
}

impl Inventory {
    /// The absolute path of a location's file.
    pub fn absolute_path(&self, root: usize, relative: &str) -> PathBuf {
        let base = self.roots.get(root).cloned().unwrap_or_default();
        if relative == "." {
            base
        } else {
            base.join(relative)
        }
    }

    /// The files listed in the `RECORD` of an installed Python distribution (its
    /// [`Location::record`]), resolved against the site-packages directory, keeping only
    /// those that stay inside the root. Read on demand: hashing every installed file of
    /// every package would cost far more than the whole scan.
    pub fn record_files(&self, location: &Location) -> Result<Vec<RecordFile>, Error> {
        let Some(record) = &location.record else {
            return Ok(Vec::new());
        };
        let root = self.roots.get(location.root).cloned().unwrap_or_default();
        record::read_record(&root, record)
    }
}

/// Walks every root (in parallel inside each) and collects packages, artifacts and errors.
///
/// Fails only on unusable settings: a root that does not exist or an invalid exclude glob.
pub fn scan(roots: &[PathBuf], options: &Options) -> Result<Inventory, Error> {
    let mut raw = walk::Raw::default();
    let mut bases = Vec::with_capacity(roots.len());
    for (index, root) in roots.iter().enumerate() {
        bases.push(walk::walk_root(index, root, options, &mut raw)?);
    }
    Ok(merge(bases, raw))
}

/// Folds raw findings into packages: one per (ecosystem, normalized name, version, source,
/// OS details); OS details keep apart the same package of two distributions or two
/// architectures (dpkg multiarch).
pub(crate) fn merge(roots: Vec<PathBuf>, raw: walk::Raw) -> Inventory {
    type Key = (Ecosystem, String, Option<String>, Source, Option<OsInfo>);
    let mut by_key: HashMap<Key, Package> = HashMap::new();
    let locations = raw.found.len() as u64;

    for (found, location) in raw.found {
        let normalized = normalize_name(found.ecosystem, &found.name);
        let key = (
            found.ecosystem,
            normalized,
            found.version,
            found.source,
            found.os,
        );
        let package_purl = |name: &str| match &key.4 {
            Some(os) => os_purl(key.0, name, key.2.as_deref(), os),
            None => purl(key.0, name, key.2.as_deref()),
        };
        let package = by_key.entry(key.clone()).or_insert_with(|| Package {
            ecosystem: key.0,
            purl: package_purl(&found.name),
            name: found.name.clone(),
            normalized_name: key.1.clone(),
            version: key.2.clone(),
            source: key.3,
            locations: Vec::new(),
            os: key.4.clone(),
        });
        // Parallel walking finds spellings in any order; keep the smallest for stable output.
        if found.name < package.name {
            package.purl = package_purl(&found.name);
            package.name = found.name;
        }
        package.locations.push(location);
    }

    let mut packages: Vec<Package> = by_key.into_values().collect();
    for package in &mut packages {
        package.locations.sort();
        package.locations.dedup();
    }
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.normalized_name, &a.version, a.source, &a.os).cmp(&(
            b.ecosystem,
            &b.normalized_name,
            &b.version,
            b.source,
            &b.os,
        ))
    });

    let mut artifacts = raw.artifacts;
    artifacts.sort_by(|a, b| (a.root, &a.path).cmp(&(b.root, &b.path)));
    let mut errors = raw.errors;
    errors.sort_by(|a, b| (a.root, &a.path, &a.error).cmp(&(b.root, &b.path, &b.error)));
    errors.dedup();

    Inventory {
        roots,
        packages,
        artifacts,
        errors,
        layers: Vec::new(),
        stats: Stats {
            files_read: raw.files_read,
            locations,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings name the collector by `as_str`, inventories by serde: one code for both.
    #[test]
    fn collector_codes_are_the_same_in_every_output() {
        for collector in [
            Collector::PythonDistInfo,
            Collector::DpkgStatus,
            Collector::ApkInstalled,
            Collector::RpmDatabase,
            Collector::CyclonedxSbom,
            Collector::SpdxSbom,
        ] {
            assert_eq!(
                serde_json::to_value(collector).unwrap(),
                collector.as_str(),
                "{collector:?}"
            );
        }
    }
}
