//! npm: installed packages (`node_modules/[@scope/]<name>/package.json`, pnpm's `.pnpm`
//! store included, and npm's hidden `node_modules/.package-lock.json`) and the lockfiles of
//! npm, yarn (classic and berry), pnpm (v5 to v9) and bun (text `bun.lock`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use super::{line_of, split_at_version, Ctx, Failure, Found, Sink};
use crate::text::{json_key_lines, json_key_occurrences, jsonc_to_json, yaml_section_key_lines};
use crate::{Collector, Ecosystem, Source};

/// Whether a `package.json` in directory `parent_name` (inside `grandparent`) is a package
/// installed in a `node_modules`: `node_modules/<name>/` or `node_modules/@scope/<name>/`.
/// Directories starting with `.` (`.bin`, `.cache`, `.vite`) are tools' folders.
pub(super) fn is_installed_package_dir(
    parent_name: Option<&str>,
    grandparent: Option<&Path>,
) -> bool {
    let Some(parent_name) = parent_name else {
        return false;
    };
    if parent_name.starts_with('.') || parent_name.starts_with('@') {
        return false;
    }
    let Some(grandparent) = grandparent else {
        return false;
    };
    let name_of = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_owned);
    match name_of(grandparent).as_deref() {
        Some("node_modules") => true,
        Some(scope) if scope.starts_with('@') => grandparent
            .parent()
            .and_then(name_of)
            .is_some_and(|n| n == "node_modules"),
        _ => false,
    }
}

/// An installed package's `package.json`. Files with neither `name` nor `version` are not
/// package manifests (some packages nest a `{"type": "module"}` file at this depth).
pub(super) fn package_json(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct Manifest {
        name: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
        #[serde(rename = "_resolved")]
        resolved: Option<serde_json::Value>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| Failure::parse("package.json", format!("expected a JSON object, but {e}")))?;
    let as_str = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let name = as_str(manifest.name);
    let version = as_str(manifest.version);
    if name.is_none() && version.is_none() {
        return Ok(());
    }

    let name = match name {
        Some(name) => name,
        None => directory_package_name(ctx.path),
    };
    // Old npm wrote where a package came from into `_resolved`.
    let source = as_str(manifest.resolved)
        .map(|r| spec_source(&r))
        .unwrap_or(Source::Registry);
    sink.found.push(Found::new(
        Collector::NpmPackageJson,
        Ecosystem::Npm,
        name,
        version,
        source,
    ));
    Ok(())
}

/// The package name implied by `node_modules/[@scope/]<name>/package.json`.
fn directory_package_name(path: &Path) -> String {
    let dir = path.parent();
    let name = dir
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match dir.and_then(Path::parent).and_then(|p| p.file_name()) {
        Some(scope) if scope.to_string_lossy().starts_with('@') => {
            format!("{}/{name}", scope.to_string_lossy())
        }
        _ => name,
    }
}

/// Where an npm dependency specifier or resolved URL points: the registry unless it is a
/// git, file, link, workspace or non-registry URL reference
/// (<https://docs.npmjs.com/cli/configuring-npm/package-json#dependencies>).
fn spec_source(spec: &str) -> Source {
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("workspace:") {
        Source::Workspace
    } else if lower.starts_with("link:") || lower.starts_with("portal:") {
        Source::Link
    } else if lower.starts_with("file:") || lower.starts_with("exec:") {
        Source::Path
    } else if lower.starts_with("npm:") || lower.starts_with("patch:") {
        Source::Registry
    } else if [
        "git+",
        "git:",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || lower.contains(".git#")
        || lower.contains("#commit=")
        || lower.starts_with("https://codeload.github.com/")
    {
        Source::Git
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        // Registry tarballs live at `<registry>/<name>/-/<name>-<version>.tgz`.
        if lower.contains("/-/") {
            Source::Registry
        } else {
            Source::Url
        }
    } else if !lower.contains(':') && lower.contains('/') && !lower.starts_with('@') {
        // `user/repo` is GitHub shorthand.
        Source::Git
    } else {
        Source::Registry
    }
}

/// `package-lock.json` (v1, v2, v3), `npm-shrinkwrap.json` and the hidden
/// `node_modules/.package-lock.json`
/// (<https://docs.npmjs.com/cli/configuring-npm/package-lock-json>).
pub(super) fn package_lock(
    ctx: &Ctx<'_>,
    sink: &mut Sink,
    collector: Collector,
) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct PackageLock {
        name: Option<String>,
        #[serde(rename = "lockfileVersion")]
        lockfile_version: Option<u64>,
        packages: Option<BTreeMap<String, LockPackage>>,
        dependencies: Option<BTreeMap<String, V1Dependency>>,
    }
    #[derive(Deserialize)]
    struct LockPackage {
        name: Option<String>,
        version: Option<String>,
        resolved: Option<String>,
        #[serde(default)]
        link: bool,
    }

    let format = collector.as_str();
    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PackageLock = serde_json::from_str(&text)
        .map_err(|e| Failure::parse(format, format!("expected lockfile JSON, but {e}")))?;
    match lock.lockfile_version {
        Some(1..=3) => {}
        None if collector == Collector::NpmHiddenLockfile => {}
        Some(other) => {
            return Err(Failure::unknown(
                format,
                format!("expected lockfileVersion 1, 2 or 3, but found {other}"),
            ))
        }
        None => {
            return Err(Failure::unknown(
                format,
                "expected a lockfileVersion, but found none",
            ))
        }
    }
    let lines = json_key_lines(&text);

    // v2 and v3 list every package under `packages`, keyed by its folder; v2 also keeps
    // the v1 `dependencies` tree for old clients, which would only repeat them.
    if let Some(packages) = lock.packages {
        for (key, package) in packages {
            let line = line_of(&lines, &key);
            let installed = key.rfind("node_modules/").map(|i| &key[i + 13..]);
            let (name, source) = match installed {
                Some(folder_name) if package.link => (
                    package.name.unwrap_or_else(|| folder_name.to_string()),
                    Source::Link,
                ),
                Some(folder_name) => {
                    let source = package
                        .resolved
                        .as_deref()
                        .or(package.version.as_deref())
                        .map(spec_source)
                        .unwrap_or(Source::Registry);
                    (
                        package.name.unwrap_or_else(|| folder_name.to_string()),
                        source,
                    )
                }
                // The root ("") is the project itself; other keys outside node_modules are
                // workspace members.
                None if key.is_empty() => {
                    let name = package.name.or(lock.name.clone()).unwrap_or_default();
                    (name, Source::Workspace)
                }
                None => (
                    package.name.unwrap_or_else(|| last(&key)),
                    Source::Workspace,
                ),
            };
            if name.is_empty() {
                continue;
            }
            let version = match source {
                Source::Registry => package.version,
                _ => package.version.filter(|v| !v.contains(':')),
            };
            sink.found
                .push(Found::new(collector, Ecosystem::Npm, name, version, source).at_line(line));
        }
        return Ok(());
    }

    if let Some(dependencies) = lock.dependencies {
        let occurrences = json_key_occurrences(&text);
        v1_dependencies(&dependencies, collector, &occurrences, 0, 0, sink);
    }
    Ok(())
}

#[derive(Deserialize)]
struct V1Dependency {
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, V1Dependency>,
}

/// The nested `dependencies` tree of a v1 lockfile. The same name recurs at several
/// depths, so an entry's line is the first occurrence of its key after its parent's line
/// at its own indentation (npm indents by two spaces, entries of depth `d` at `4 + 4d`).
fn v1_dependencies(
    dependencies: &BTreeMap<String, V1Dependency>,
    collector: Collector,
    occurrences: &HashMap<&str, Vec<(u32, usize)>>,
    depth: usize,
    parent_line: u32,
    sink: &mut Sink,
) {
    for (name, dependency) in dependencies {
        let line = occurrences.get(name.as_str()).and_then(|all| {
            all.iter()
                .find(|(line, indent)| *line > parent_line && *indent == 4 + 4 * depth)
                .map(|(line, _)| *line)
        });
        let spec = dependency.version.as_deref().unwrap_or_default();
        let (package_name, version, source) = match spec.strip_prefix("npm:") {
            // An alias: `"alias": {"version": "npm:real@1.2.3"}`.
            Some(aliased) => match split_at_version(aliased) {
                Some((real, version)) => (
                    real.to_string(),
                    Some(version.to_string()),
                    Source::Registry,
                ),
                None => (name.clone(), None, Source::Registry),
            },
            None => match spec_source(spec) {
                Source::Registry => (name.clone(), dependency.version.clone(), Source::Registry),
                other => (name.clone(), None, other),
            },
        };
        sink.found.push(
            Found::new(collector, Ecosystem::Npm, package_name, version, source).at_line(line),
        );
        v1_dependencies(
            &dependency.dependencies,
            collector,
            occurrences,
            depth + 1,
            line.unwrap_or(parent_line),
            sink,
        );
    }
}

/// The last `/`-separated segment of a path-like key.
fn last(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_string()
}

/// `yarn.lock`, classic (v1, its own format) and berry (YAML with `__metadata`). Both are
/// read line by line: an unindented `specs:` line opens an entry, indented fields follow.
pub(super) fn yarn_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    struct Entry {
        spec: String,
        line: u32,
        version: Option<String>,
        resolution: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut skipping = false;

    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        if !raw.starts_with(' ') {
            let Some(key) = raw.trim_end().strip_suffix(':') else {
                return Err(Failure::parse(
                    "yarn.lock",
                    format!("line {number}: expected `<specifiers>:`, but found `{raw}`"),
                ));
            };
            skipping = key == "__metadata";
            if !skipping {
                let first = key.split(',').next().unwrap_or(key);
                let spec = first.trim().trim_matches('"').to_string();
                entries.push(Entry {
                    spec,
                    line: number,
                    version: None,
                    resolution: None,
                });
            }
            continue;
        }
        if skipping || raw.starts_with("    ") {
            continue;
        }
        let field = raw.trim();
        let (key, value) = match field.split_once(' ') {
            Some((key, value)) => (key.trim_end_matches(':'), value.trim().trim_matches('"')),
            None => continue,
        };
        if let Some(entry) = entries.last_mut() {
            match key {
                "version" => entry.version = Some(value.to_string()),
                "resolution" => entry.resolution = Some(value.to_string()),
                _ => {}
            }
        }
    }

    for entry in entries {
        // Berry names the resolved package (`name@npm:1.2.3`); classic only the request.
        let ident = entry.resolution.as_deref().unwrap_or(&entry.spec);
        let Some((mut name, protocol)) = split_at_version(ident) else {
            sink.failures.push(Failure::parse(
                "yarn.lock",
                format!(
                    "line {}: expected `name@range`, but found `{ident}`",
                    entry.line
                ),
            ));
            continue;
        };
        // A classic alias: `alias@npm:real@^1.0.0`.
        if let Some(aliased) = protocol.strip_prefix("npm:") {
            if let Some((real, _)) = split_at_version(aliased).filter(|(r, _)| !r.is_empty()) {
                name = real;
            }
        }
        let source = spec_source(protocol);
        if entry.version.is_none() && source == Source::Registry {
            sink.failures.push(Failure::parse(
                "yarn.lock",
                format!(
                    "line {}: expected a `version` field, but found none",
                    entry.line
                ),
            ));
            continue;
        }
        let version = match source {
            // Berry writes `0.0.0-use.local` for workspaces: not a published version.
            Source::Workspace | Source::Link => None,
            _ => entry.version,
        };
        sink.found.push(
            Found::new(Collector::YarnLock, Ecosystem::Npm, name, version, source)
                .at_line(Some(entry.line)),
        );
    }
    Ok(())
}

/// `pnpm-lock.yaml`, lockfile versions 5 to 9. Package keys are `/name/1.0.0_peers` (v5),
/// `/name@1.0.0(peers)` (v6) and `name@1.0.0` (v9); non-registry packages carry their own
/// `name`/`version` and a `resolution` naming a directory, a git commit or a tarball.
pub(super) fn pnpm_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum LockVersion {
        Number(f64),
        Text(String),
    }
    #[derive(Deserialize)]
    struct PnpmLock {
        #[serde(rename = "lockfileVersion")]
        lockfile_version: Option<LockVersion>,
        #[serde(default)]
        packages: Option<BTreeMap<String, PnpmPackage>>,
    }
    #[derive(Deserialize)]
    struct PnpmPackage {
        name: Option<String>,
        version: Option<String>,
        resolution: Option<Resolution>,
    }
    #[derive(Deserialize)]
    struct Resolution {
        tarball: Option<String>,
        directory: Option<String>,
        repo: Option<String>,
        #[serde(rename = "type")]
        kind: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PnpmLock = serde_saphyr::from_str(&text).map_err(|e| {
        Failure::parse(
            "pnpm-lock.yaml",
            format!("expected a pnpm lockfile, but {e}"),
        )
    })?;
    let major = match &lock.lockfile_version {
        Some(LockVersion::Number(n)) => *n as u64,
        Some(LockVersion::Text(t)) => t
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0),
        None => 0,
    };
    if !(5..=9).contains(&major) {
        return Err(Failure::unknown(
            "pnpm-lock.yaml",
            format!("expected lockfileVersion 5 to 9, but found {major}"),
        ));
    }
    let lines = yaml_section_key_lines(&text, "packages");

    for (key, package) in lock.packages.unwrap_or_default() {
        let line = line_of(&lines, &key);
        let source = match &package.resolution {
            Some(r) if r.directory.is_some() => Source::Path,
            Some(r) if r.kind.as_deref() == Some("git") || r.repo.is_some() => Source::Git,
            Some(Resolution {
                tarball: Some(t), ..
            }) => spec_source(t),
            _ => Source::Registry,
        };
        let from_key = pnpm_key(&key, major);
        let name = package
            .name
            .or_else(|| from_key.as_ref().map(|(n, _)| n.clone()));
        let version = package.version.or_else(|| from_key.map(|(_, v)| v));
        let Some(name) = name else {
            sink.failures.push(Failure::parse(
                "pnpm-lock.yaml",
                format!("expected a package key `name@version`, but found `{key}`"),
            ));
            continue;
        };
        let version = version.filter(|v| source == Source::Registry || !v.contains(':'));
        sink.found.push(
            Found::new(Collector::PnpmLock, Ecosystem::Npm, name, version, source).at_line(line),
        );
    }
    Ok(())
}

/// Name and version from a pnpm package key, peer-dependency suffixes removed.
fn pnpm_key(key: &str, major: u64) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if major >= 6 {
        let key = key.split('(').next().unwrap_or(key);
        let (name, version) = split_at_version(key)?;
        return Some((name.to_string(), version.to_string()));
    }
    // v5: `name/version` or `@scope/name/version`, peers after `_`.
    let (name, version) = key.rsplit_once('/')?;
    let version = version.split('_').next().unwrap_or(version);
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

/// bun's text lockfile `bun.lock` (JSONC): `packages` maps a key to
/// `["name@version", registry, {deps}, integrity]`; `workspace:`, `link:`, `file:` and git
/// references are written into that first element.
pub(super) fn bun_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct BunLock {
        #[serde(rename = "lockfileVersion")]
        lockfile_version: Option<u64>,
        #[serde(default)]
        packages: BTreeMap<String, Vec<serde_json::Value>>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let json = jsonc_to_json(&text);
    let lock: BunLock = serde_json::from_str(&json)
        .map_err(|e| Failure::parse("bun.lock", format!("expected bun.lock JSONC, but {e}")))?;
    match lock.lockfile_version {
        Some(0 | 1) => {}
        other => {
            return Err(Failure::unknown(
                "bun.lock",
                format!("expected lockfileVersion 0 or 1, but found {other:?}"),
            ))
        }
    }
    let lines = json_key_lines(&json);

    for (key, entry) in &lock.packages {
        let line = line_of(&lines, key);
        let ident = entry.first().and_then(serde_json::Value::as_str);
        let Some((name, spec)) = ident.and_then(split_at_version) else {
            sink.failures.push(Failure::parse(
                "bun.lock",
                format!("package `{key}`: expected `[\"name@version\", ...]`, but found {entry:?}"),
            ));
            continue;
        };
        let source = spec_source(spec);
        let version = (source == Source::Registry).then(|| spec.to_string());
        sink.found.push(
            Found::new(Collector::BunLock, Ecosystem::Npm, name, version, source).at_line(line),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_of_specs() {
        assert_eq!(spec_source("^1.2.3"), Source::Registry);
        assert_eq!(spec_source("npm:other@1"), Source::Registry);
        assert_eq!(spec_source("file:../x"), Source::Path);
        assert_eq!(spec_source("link:../x"), Source::Link);
        assert_eq!(spec_source("workspace:packages/a"), Source::Workspace);
        assert_eq!(spec_source("github:user/repo#abc"), Source::Git);
        assert_eq!(spec_source("user/repo"), Source::Git);
        assert_eq!(
            spec_source("https://registry.npmjs.org/a/-/a-1.0.0.tgz"),
            Source::Registry
        );
        assert_eq!(spec_source("https://example.com/a.tgz"), Source::Url);
    }

    #[test]
    fn pnpm_keys() {
        assert_eq!(
            pnpm_key("/@babel/core/7.0.0_react@18.0.0", 5),
            Some(("@babel/core".into(), "7.0.0".into()))
        );
        assert_eq!(
            pnpm_key("/@babel/core@7.0.0(react@18.0.0)", 6),
            Some(("@babel/core".into(), "7.0.0".into()))
        );
        assert_eq!(
            pnpm_key("lodash@4.17.21", 9),
            Some(("lodash".into(), "4.17.21".into()))
        );
    }
}
