//! Rust: `Cargo.lock`. Packages with a `source` come from a registry or git; packages
//! without one are local: workspace members (named by the manifests beside the lockfile)
//! or path dependencies.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Ctx, Failure, Found, Sink};
use crate::text::LineIndex;
use crate::{Collector, Ecosystem, Source};

#[derive(Deserialize)]
struct CargoLock {
    version: Option<u64>,
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: Spanned<String>,
    version: Option<String>,
    source: Option<String>,
}

pub(super) fn cargo_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: CargoLock = toml::from_str(&text)
        .map_err(|e| Failure::parse("Cargo.lock", format!("expected a Cargo lockfile, but {e}")))?;
    if let Some(version) = lock.version.filter(|v| !(1..=4).contains(v)) {
        return Err(Failure::unknown(
            "Cargo.lock",
            format!("expected lockfile version 1 to 4, but found {version}"),
        ));
    }
    let dir = ctx.path.parent().unwrap_or(ctx.root);
    let members = workspace_members(dir, ctx.root);
    let lines = LineIndex::new(&text);

    for package in lock.package {
        let name = package.name.get_ref();
        let source = match package.source.as_deref() {
            Some(s) if s.starts_with("registry+") || s.starts_with("sparse+") => Source::Registry,
            Some(s) if s.starts_with("git+") => Source::Git,
            Some(_) => Source::Url,
            None if members.contains(name.as_str()) => Source::Workspace,
            None => Source::Path,
        };
        let line = lines.line(package.name.span().start);
        sink.found.push(
            Found::new(
                Collector::CargoLock,
                Ecosystem::CratesIo,
                package.name.into_inner(),
                package.version,
                source,
            )
            .at_line(Some(line)),
        );
    }
    Ok(())
}

/// Names of the packages of the workspace whose root manifest sits beside the lockfile:
/// the root `[package]` and each `[workspace] members` entry (a directory, or `dir/*`).
/// Manifests outside the scanned root are not read.
fn workspace_members(dir: &Path, root: &Path) -> HashSet<String> {
    #[derive(Deserialize)]
    struct Manifest {
        package: Option<PackageSection>,
        workspace: Option<WorkspaceSection>,
    }
    #[derive(Deserialize)]
    struct PackageSection {
        name: String,
    }
    #[derive(Deserialize)]
    struct WorkspaceSection {
        #[serde(default)]
        members: Vec<String>,
    }
    let read = |path: &Path| -> Option<Manifest> {
        let text = std::fs::read_to_string(path).ok()?;
        toml::from_str(&text).ok()
    };

    let mut names = HashSet::new();
    let Some(manifest) = read(&dir.join("Cargo.toml")) else {
        return names;
    };
    names.extend(manifest.package.map(|p| p.name));
    for member in manifest.workspace.map(|w| w.members).unwrap_or_default() {
        let dirs: Vec<_> = match member.strip_suffix("/*") {
            Some(parent) => std::fs::read_dir(dir.join(parent))
                .map(|entries| entries.flatten().map(|e| e.path()).collect())
                .unwrap_or_default(),
            None => vec![dir.join(&member)],
        };
        for member_dir in dirs {
            let Ok(canonical) = member_dir.canonicalize() else {
                continue;
            };
            if !canonical.starts_with(root) {
                continue;
            }
            if let Some(package) = read(&canonical.join("Cargo.toml")).and_then(|m| m.package) {
                names.insert(package.name);
            }
        }
    }
    names
}
