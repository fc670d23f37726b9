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
mod names;
mod record;
mod text;
mod walk;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use error::Error;
pub use names::{normalize_name, purl};
pub use record::{hash_file, RecordFile};

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
        }
    }
}

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
}

impl Package {
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
    /// Packages, sorted by ecosystem, normalized name, version and source.
    pub packages: Vec<Package>,
    /// Package archives found in the tree, sorted by path.
    pub artifacts: Vec<Artifact>,
    /// Files that could not be read or parsed, sorted by path.
    pub errors: Vec<ScanError>,
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

/// Folds raw findings into packages: one per (ecosystem, normalized name, version, source).
fn merge(roots: Vec<PathBuf>, raw: walk::Raw) -> Inventory {
    type Key = (Ecosystem, String, Option<String>, Source);
    let mut by_key: HashMap<Key, Package> = HashMap::new();
    let locations = raw.found.len() as u64;

    for (found, location) in raw.found {
        let normalized = normalize_name(found.ecosystem, &found.name);
        let key = (found.ecosystem, normalized, found.version, found.source);
        let package = by_key.entry(key.clone()).or_insert_with(|| Package {
            ecosystem: key.0,
            purl: purl(key.0, &found.name, key.2.as_deref()),
            name: found.name.clone(),
            normalized_name: key.1.clone(),
            version: key.2.clone(),
            source: key.3,
            locations: Vec::new(),
        });
        // Parallel walking finds spellings in any order; keep the smallest for stable output.
        if found.name < package.name {
            package.purl = purl(key.0, &found.name, key.2.as_deref());
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
        (a.ecosystem, &a.normalized_name, &a.version, a.source).cmp(&(
            b.ecosystem,
            &b.normalized_name,
            &b.version,
            b.source,
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
        stats: Stats {
            files_read: raw.files_read,
            locations,
        },
    }
}
