//! Collectors: which file names mean what ([`classify`]), and one module per ecosystem that
//! reads those files into [`Found`] packages.
//!
//! A collector gets the file's path and returns findings and failures; it never panics on
//! bad input and reads nothing but the file it was given (and, for the few formats that
//! need it, named files beside it: a dist-info's `direct_url.json`, a Cargo workspace's
//! manifests, `-r` includes of requirements files).

mod dart;
mod dotnet;
mod elixir;
mod go;
mod java;
mod npm;
pub(crate) mod os;
mod php;
mod python;
mod ruby;
mod rust;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Collector, Ecosystem, Options, OsInfo, Source};

/// One package entry as a collector saw it, before merging.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) ecosystem: Ecosystem,
    pub(crate) name: String,
    pub(crate) version: Option<String>,
    pub(crate) source: Source,
    pub(crate) collector: Collector,
    pub(crate) line: Option<u32>,
    pub(crate) entry: Option<String>,
    /// A dist-info's RECORD (absolute).
    pub(crate) record: Option<PathBuf>,
    /// The file it was found in, when not the file the collector was given (`-r` includes).
    pub(crate) file: Option<PathBuf>,
    /// For OS packages: the distribution release and the database's details.
    pub(crate) os: Option<OsInfo>,
}

impl Found {
    pub(crate) fn new(
        collector: Collector,
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: Option<String>,
        source: Source,
    ) -> Self {
        Found {
            ecosystem,
            name: name.into(),
            version: version.filter(|v| !v.is_empty()),
            source,
            collector,
            line: None,
            entry: None,
            record: None,
            file: None,
            os: None,
        }
    }

    pub(crate) fn at_line(mut self, line: Option<u32>) -> Self {
        self.line = line;
        self
    }
}

/// Why a file could not be collected.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// The file at fault, when not the file the collector was given.
    pub(crate) path: Option<PathBuf>,
}

impl Failure {
    pub(crate) fn io(err: &std::io::Error) -> Self {
        Failure {
            code: "unreadable",
            message: format!("expected a readable file, but {err}"),
            path: None,
        }
    }

    pub(crate) fn parse(format: &str, message: impl std::fmt::Display) -> Self {
        Failure {
            code: "parse-error",
            message: format!("{format}: {message}"),
            path: None,
        }
    }

    pub(crate) fn unknown(format: &str, message: impl std::fmt::Display) -> Self {
        Failure {
            code: "unknown-format",
            message: format!("{format}: {message}"),
            path: None,
        }
    }

    pub(crate) fn at(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }
}

/// The file a collector works on.
pub(crate) struct Ctx<'a> {
    /// The directory locations are relative to (canonical).
    pub(crate) root: &'a Path,
    /// The file (under `root`).
    pub(crate) path: &'a Path,
    pub(crate) options: &'a Options,
}

/// What a collector produced.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) found: Vec<Found>,
    pub(crate) failures: Vec<Failure>,
    pub(crate) files_read: u64,
}

impl Sink {
    /// Reads a whole text file within the size limit.
    pub(crate) fn read_text(&mut self, path: &Path, options: &Options) -> Result<String, Failure> {
        let bytes = self.read_bytes(path, options)?;
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Reads a whole file within the size limit.
    pub(crate) fn read_bytes(
        &mut self,
        path: &Path,
        options: &Options,
    ) -> Result<Vec<u8>, Failure> {
        self.files_read += 1;
        let file = File::open(path).map_err(|e| Failure::io(&e))?;
        let mut bytes = Vec::new();
        file.take(options.max_file_size + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::io(&e))?;
        if bytes.len() as u64 > options.max_file_size {
            return Err(Failure {
                code: "too-large",
                message: format!(
                    "expected a file of at most {} bytes, but found a larger one",
                    options.max_file_size
                ),
                path: None,
            });
        }
        Ok(bytes)
    }
}

/// What the walker does with a file.
pub(crate) enum Kind {
    Collector(Collector),
    /// A package archive to hash.
    Artifact,
    /// An extensionless file that may be a Go executable.
    MaybeGoBinary,
}

/// Decides from the file name (and the names of its parents) what a file is, without
/// opening it. Lockfiles and manifests inside installed trees (`node_modules`,
/// `site-packages`, `dist-packages`) are skipped: there they describe how a package was
/// developed, not what is installed.
pub(crate) fn classify(root: &Path, path: &Path, name: &str, options: &Options) -> Option<Kind> {
    let parent = path.parent();
    let parent_name = parent.and_then(|p| p.file_name()).and_then(|n| n.to_str());
    let grandparent = parent.and_then(Path::parent);
    let grandparent_name = grandparent
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str());

    // OS package databases, before anything else: their names (`status`, `installed`,
    // `Packages`) would otherwise be taken for extensionless executables.
    if let Some(collector) = os::classify(path, name) {
        return Some(Kind::Collector(collector));
    }

    // Installed packages.
    let installed = match name {
        "METADATA" if parent_name.is_some_and(|p| p.ends_with(".dist-info")) => {
            Some(Collector::PythonDistInfo)
        }
        "PKG-INFO" if parent_name.is_some_and(|p| p.ends_with(".egg-info") || p == "EGG-INFO") => {
            Some(Collector::PythonEggInfo)
        }
        _ if name.ends_with(".egg-info") => Some(Collector::PythonEggInfo),
        _ if parent_name == Some("conda-meta") && name.ends_with(".json") => {
            Some(Collector::CondaMeta)
        }
        "package.json" if npm::is_installed_package_dir(parent_name, grandparent) => {
            Some(Collector::NpmPackageJson)
        }
        ".package-lock.json" if parent_name == Some("node_modules") => {
            Some(Collector::NpmHiddenLockfile)
        }
        _ if parent_name == Some("specifications") && name.ends_with(".gemspec") => {
            Some(Collector::RubyGemspec)
        }
        "installed.json"
            if parent_name == Some("composer") && grandparent_name == Some("vendor") =>
        {
            Some(Collector::ComposerInstalled)
        }
        _ if name.ends_with(".deps.json") => Some(Collector::DotnetDepsJson),
        _ if has_extension(name, &[".jar", ".war", ".ear"]) => Some(Collector::JavaArchive),
        _ => None,
    };
    if let Some(collector) = installed {
        return Some(Kind::Collector(collector));
    }
    if has_extension(
        name,
        &[".whl", ".tar.gz", ".tgz", ".gem", ".nupkg", ".crate"],
    ) {
        return Some(Kind::Artifact);
    }

    // Lockfiles and manifests.
    let manifest = match name {
        "poetry.lock" => Some(Collector::PoetryLock),
        "Pipfile.lock" => Some(Collector::PipfileLock),
        "pdm.lock" => Some(Collector::PdmLock),
        "uv.lock" => Some(Collector::UvLock),
        "pylock.toml" => Some(Collector::PylockToml),
        "package-lock.json" => Some(Collector::PackageLockJson),
        "npm-shrinkwrap.json" => Some(Collector::NpmShrinkwrap),
        "yarn.lock" => Some(Collector::YarnLock),
        "pnpm-lock.yaml" => Some(Collector::PnpmLock),
        "bun.lock" => Some(Collector::BunLock),
        "Cargo.lock" => Some(Collector::CargoLock),
        "go.mod" => Some(Collector::GoMod),
        "Gemfile.lock" | "gems.locked" => Some(Collector::GemfileLock),
        "composer.lock" => Some(Collector::ComposerLock),
        "gradle.lockfile" => Some(Collector::GradleLockfile),
        "pom.xml" => Some(Collector::PomXml),
        "packages.lock.json" => Some(Collector::NugetPackagesLock),
        "pubspec.lock" => Some(Collector::PubspecLock),
        "mix.lock" => Some(Collector::MixLock),
        _ if name.starts_with("requirements") && name.ends_with(".txt") => {
            Some(Collector::RequirementsTxt)
        }
        // PEP 751: `pylock.<name>.toml` names a lock among several.
        _ if name.starts_with("pylock.") && name.ends_with(".toml") => Some(Collector::PylockToml),
        _ if name.ends_with(".lockfile") && parent_name == Some("dependency-locks") => {
            Some(Collector::GradleLockfile)
        }
        _ => None,
    };
    if let Some(collector) = manifest {
        if inside_installed_tree(root, path) {
            return None;
        }
        return Some(Kind::Collector(collector));
    }

    // Go executables have no extension; which ones are ELF is decided by reading them.
    if options.go_binaries && !name.contains('.') {
        return Some(Kind::MaybeGoBinary);
    }
    None
}

/// Whether the name ends with one of the extensions (ASCII case-insensitive).
fn has_extension(name: &str, extensions: &[&str]) -> bool {
    let bytes = name.as_bytes();
    extensions.iter().any(|ext| {
        bytes.len() > ext.len()
            && bytes[bytes.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
    })
}

/// Whether a path below `root` passes through an installed-packages directory.
fn inside_installed_tree(root: &Path, path: &Path) -> bool {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("node_modules" | "site-packages" | "dist-packages")
        )
    })
}

/// Runs one collector on one file; a failure becomes a scan error of that file.
pub(crate) fn run(collector: Collector, ctx: &Ctx<'_>, sink: &mut Sink) {
    let result = match collector {
        Collector::PythonDistInfo => python::dist_info(ctx, sink),
        Collector::PythonEggInfo => python::egg_info(ctx, sink),
        Collector::CondaMeta => python::conda_meta(ctx, sink),
        Collector::RequirementsTxt => python::requirements(ctx, sink),
        Collector::PoetryLock => python::poetry_lock(ctx, sink),
        Collector::PipfileLock => python::pipfile_lock(ctx, sink),
        Collector::PdmLock => python::pdm_lock(ctx, sink),
        Collector::UvLock => python::uv_lock(ctx, sink),
        Collector::PylockToml => python::pylock(ctx, sink),
        Collector::NpmPackageJson => npm::package_json(ctx, sink),
        Collector::NpmHiddenLockfile | Collector::PackageLockJson | Collector::NpmShrinkwrap => {
            npm::package_lock(ctx, sink, collector)
        }
        Collector::YarnLock => npm::yarn_lock(ctx, sink),
        Collector::PnpmLock => npm::pnpm_lock(ctx, sink),
        Collector::BunLock => npm::bun_lock(ctx, sink),
        Collector::RubyGemspec => ruby::gemspec(ctx, sink),
        Collector::GemfileLock => ruby::gemfile_lock(ctx, sink),
        Collector::ComposerInstalled => php::installed_json(ctx, sink),
        Collector::ComposerLock => php::composer_lock(ctx, sink),
        Collector::DotnetDepsJson => dotnet::deps_json(ctx, sink),
        Collector::NugetPackagesLock => dotnet::packages_lock(ctx, sink),
        Collector::JavaArchive => java::archive(ctx, sink),
        Collector::GradleLockfile => java::gradle_lockfile(ctx, sink),
        Collector::PomXml => java::pom_xml(ctx, sink),
        Collector::GoBinary => go::binary(ctx, sink),
        Collector::GoMod => go::go_mod(ctx, sink),
        Collector::CargoLock => rust::cargo_lock(ctx, sink),
        Collector::PubspecLock => dart::pubspec_lock(ctx, sink),
        Collector::MixLock => elixir::mix_lock(ctx, sink),
        Collector::DpkgStatus => os::dpkg_status(ctx, sink),
        Collector::ApkInstalled => os::apk_installed(ctx, sink),
        Collector::RpmDatabase => os::rpm_database(ctx, sink),
        // SBOMs are read whole by `read_sbom`; `classify` never hands one to the walker.
        Collector::CyclonedxSbom | Collector::SpdxSbom => Err(Failure::unknown(
            "SBOM",
            "expected an SBOM given with --sbom, but found one while walking",
        )),
    };
    if let Err(failure) = result {
        sink.failures.push(failure);
    }
}

/// Hashes a package archive: its size and SHA-256 (none above the size limit).
pub(crate) fn artifact(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(u64, Option<String>), Failure> {
    let size = std::fs::metadata(ctx.path)
        .map_err(|e| Failure::io(&e))?
        .len();
    if size > ctx.options.max_artifact_size {
        return Ok((size, None));
    }
    sink.files_read += 1;
    match crate::hash_file(ctx.path) {
        Ok(hex) => Ok((size, Some(hex))),
        Err(crate::Error::Io { source, .. }) => Err(Failure::io(&source)),
        Err(other) => Err(Failure::io(&std::io::Error::other(other.to_string()))),
    }
}

/// The 1-based line of `key` in `lines`, if known.
pub(crate) fn line_of(lines: &std::collections::HashMap<&str, u32>, key: &str) -> Option<u32> {
    lines.get(key).copied()
}

/// Splits an npm-style `name@spec` at the `@` after the name (scoped names start with `@`).
pub(crate) fn split_at_version(ident: &str) -> Option<(&str, &str)> {
    let start = usize::from(ident.starts_with('@'));
    let at = ident[start..].find('@')? + start;
    Some((&ident[..at], &ident[at + 1..]))
}
