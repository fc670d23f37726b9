//! Python: installed distributions (`*.dist-info`, `*.egg-info`, `EGG-INFO`, conda's
//! `conda-meta`) and lockfiles (`requirements*.txt`, `poetry.lock`, `Pipfile.lock`,
//! `pdm.lock`, `uv.lock`, `pylock.toml`).
//!
//! Metadata files use the core metadata format
//! (<https://packaging.python.org/en/latest/specifications/core-metadata/>): email-style
//! headers, then a blank line and the description, which is never read.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{line_of, Ctx, Failure, Found, Sink};
use crate::text::{json_key_lines, LineIndex};
use crate::{Collector, Ecosystem, Source};

/// `Name` and `Version` from the header block of a METADATA or PKG-INFO file.
fn read_headers(path: &Path, sink: &mut Sink) -> Result<(Option<String>, Option<String>), Failure> {
    sink.files_read += 1;
    let file = File::open(path).map_err(|e| Failure::io(&e))?;
    let mut reader = BufReader::with_capacity(8 * 1024, file);
    let mut name = None;
    let mut version = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::io(&e))?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        // The headers end at the first empty line (RFC 822); the body is the description.
        if read == 0 || text.is_empty() {
            break;
        }
        if let Some((key, value)) = text.split_once(':') {
            if key.eq_ignore_ascii_case("Name") && name.is_none() {
                name = Some(value.trim().to_string());
            } else if key.eq_ignore_ascii_case("Version") && version.is_none() {
                version = Some(value.trim().to_string());
            }
        }
        if name.is_some() && version.is_some() {
            break;
        }
    }
    Ok((name, version))
}

/// The name from the headers, or a failure naming what is missing.
fn require_name(name: Option<String>, format: &str) -> Result<String, Failure> {
    match name {
        Some(name) if !name.is_empty() => Ok(name),
        _ => Err(Failure::parse(
            format,
            "expected a `Name:` header before the first blank line, but found none",
        )),
    }
}

/// `*.dist-info/METADATA`, with the distribution's RECORD and its PEP 610 origin.
pub(super) fn dist_info(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let (name, version) = read_headers(ctx.path, sink)?;
    let name = require_name(name, "METADATA")?;
    let dir = ctx.path.parent().unwrap_or(ctx.root);

    let record = dir.join("RECORD");
    let record = record.is_file().then_some(record);
    let source = direct_url_source(&dir.join("direct_url.json"), sink);

    let mut found = Found::new(
        Collector::PythonDistInfo,
        Ecosystem::PyPI,
        name,
        version,
        source,
    );
    found.record = record;
    sink.found.push(found);
    Ok(())
}

/// PEP 610 `direct_url.json`: a distribution installed from a VCS, a local directory or
/// an archive URL rather than from an index. Absent (the usual case) means the registry.
fn direct_url_source(path: &Path, sink: &mut Sink) -> Source {
    #[derive(Deserialize)]
    struct DirectUrl {
        #[serde(default)]
        url: String,
        vcs_info: Option<serde_json::Value>,
        dir_info: Option<serde_json::Value>,
    }

    let Ok(text) = std::fs::read_to_string(path) else {
        return Source::Registry;
    };
    sink.files_read += 1;
    match serde_json::from_str::<DirectUrl>(&text) {
        Ok(direct) if direct.vcs_info.is_some() => Source::Git,
        Ok(direct) if direct.dir_info.is_some() || direct.url.starts_with("file:") => Source::Path,
        Ok(_) => Source::Url,
        Err(err) => {
            sink.failures.push(
                Failure::parse(
                    "direct_url.json",
                    format!("expected PEP 610 JSON, but {err}"),
                )
                .at(path),
            );
            Source::Registry
        }
    }
}

/// `*.egg-info` (a file, or a directory's `PKG-INFO`) and `EGG-INFO/PKG-INFO`. Outside an
/// installation directory an egg-info is the metadata of a source checkout: the project.
pub(super) fn egg_info(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let (name, version) = read_headers(ctx.path, sink)?;
    let name = require_name(name, "PKG-INFO")?;

    let relative = ctx.path.strip_prefix(ctx.root).unwrap_or(ctx.path);
    let installed = relative.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        part == "site-packages" || part == "dist-packages" || part.ends_with(".egg")
    });
    let source = if installed {
        Source::Registry
    } else {
        Source::Workspace
    };
    sink.found.push(Found::new(
        Collector::PythonEggInfo,
        Ecosystem::PyPI,
        name,
        version,
        source,
    ));
    Ok(())
}

/// conda's `conda-meta/<name>-<version>-<build>.json`. Only packages that install into a
/// `site-packages` and carry no dist-info of their own (that collector reads those) are
/// Python distributions here; the rest (openssl, the interpreter) are not PyPI packages.
pub(super) fn conda_meta(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct CondaRecord {
        name: String,
        version: Option<String>,
        #[serde(default)]
        files: Vec<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let record: CondaRecord = serde_json::from_str(&text).map_err(|e| {
        Failure::parse(
            "conda-meta",
            format!("expected a conda package record, but {e}"),
        )
    })?;
    let in_site_packages = record.files.iter().any(|f| f.contains("site-packages/"));
    let has_dist_info = record
        .files
        .iter()
        .any(|f| f.contains(".dist-info/") || f.contains(".egg-info"));
    if record.name == "python" || !in_site_packages || has_dist_info {
        return Ok(());
    }
    sink.found.push(Found::new(
        Collector::CondaMeta,
        Ecosystem::PyPI,
        record.name,
        record.version,
        Source::Registry,
    ));
    Ok(())
}

/// `requirements*.txt` (pip's requirements file format,
/// <https://pip.pypa.io/en/stable/reference/requirements-file-format/>), following `-r`
/// includes that stay inside the root.
pub(super) fn requirements(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let mut visited = HashSet::new();
    visited.insert(ctx.path.to_path_buf());
    requirements_file(ctx, ctx.path, sink, &mut visited, 0)
}

fn requirements_file(
    ctx: &Ctx<'_>,
    path: &Path,
    sink: &mut Sink,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) -> Result<(), Failure> {
    let text = sink.read_text(path, ctx.options)?;
    let file = (path != ctx.path).then(|| path.to_path_buf());
    let dir = path.parent().unwrap_or(ctx.root);

    for (number, line) in logical_lines(&text) {
        let line = strip_comment(&line);
        if line.is_empty() {
            continue;
        }

        if let Some(target) = option_value(line, &["-r", "--requirement"]) {
            include(ctx, dir, target, number, path, sink, visited, depth);
            continue;
        }
        let (line, editable) = match option_value(line, &["-e", "--editable"]) {
            Some(target) => (target, true),
            None if line.starts_with('-') => continue,
            None => (line, false),
        };

        match parse_requirement(line, editable) {
            Ok(Some((name, version, source))) => {
                let mut found = Found::new(
                    Collector::RequirementsTxt,
                    Ecosystem::PyPI,
                    name,
                    version,
                    source,
                )
                .at_line(Some(number));
                found.file.clone_from(&file);
                sink.found.push(found);
            }
            Ok(None) => {}
            Err(message) => sink
                .failures
                .push(Failure::parse("requirements", format!("line {number}: {message}")).at(path)),
        }
    }
    Ok(())
}

/// Follows `-r target`: inside the root only, each file once.
#[allow(clippy::too_many_arguments)]
fn include(
    ctx: &Ctx<'_>,
    dir: &Path,
    target: &str,
    number: u32,
    from: &Path,
    sink: &mut Sink,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) {
    let canonical = match dir.join(target).canonicalize() {
        Ok(path) => path,
        Err(err) => {
            sink.failures.push(Failure {
                code: "unreadable",
                message: format!(
                    "requirements: line {number}: expected an included file `{target}`, \
                     but {err}"
                ),
                path: Some(from.to_path_buf()),
            });
            return;
        }
    };
    if !canonical.starts_with(ctx.root) {
        sink.failures.push(Failure {
            code: "outside-root",
            message: format!(
                "requirements: line {number}: expected an include inside the scanned root, \
                 but `{target}` leaves it (not followed)"
            ),
            path: Some(from.to_path_buf()),
        });
        return;
    }
    if depth >= 16 || !visited.insert(canonical.clone()) {
        return;
    }
    if let Err(failure) = requirements_file(ctx, &canonical, sink, visited, depth + 1) {
        sink.failures.push(failure.at(&canonical));
    }
}

/// Lines joined across trailing backslashes, each with the number of its first line.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            start = number;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                out.push((start, std::mem::take(&mut current)));
            }
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// A `#` at the start or after whitespace starts a comment (pip's rule; `#egg=` in a URL
/// stays).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return line[..i].trim();
        }
    }
    line.trim()
}

/// The value of `-r file`, `-rfile`, `--requirement file` or `--requirement=file`.
fn option_value<'a>(line: &'a str, names: &[&str]) -> Option<&'a str> {
    for name in names {
        if let Some(rest) = line.strip_prefix(name) {
            let value = if name.starts_with("--") {
                rest.strip_prefix('=')
                    .or_else(|| rest.starts_with(char::is_whitespace).then_some(rest))?
            } else {
                rest
            };
            let value = value.trim();
            if !value.is_empty() {
                return Some(value);
            }
        }
    }
    None
}

/// One requirement line (PEP 508, or a URL/path): name, pinned version and source. `None`
/// for a URL or path that names no project (nothing to match).
#[allow(clippy::type_complexity)]
fn parse_requirement(
    line: &str,
    editable: bool,
) -> Result<Option<(String, Option<String>, Source)>, String> {
    // Per-requirement options (`--hash=...`) and environment markers are not the package.
    let line = line.split(" --").next().unwrap_or(line);
    let line = line.split(';').next().unwrap_or(line).trim();

    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    let rest = line[name_end..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(after) => match after.find(']') {
            Some(close) => after[close + 1..].trim_start(),
            None => {
                return Err(format!(
                    "expected `]` closing the extras, but found `{line}`"
                ))
            }
        },
        None => rest,
    };

    // `name @ url` (PEP 508 direct reference).
    if let Some(url) = rest.strip_prefix('@').filter(|_| !name.is_empty()) {
        return Ok(Some((name.to_string(), None, url_source(url.trim()))));
    }
    let is_location = line.contains("://")
        || line.starts_with('.')
        || line.starts_with('/')
        || line.starts_with("file:")
        || editable;
    if is_location && !rest.starts_with(['=', '<', '>', '!', '~', '(']) {
        return Ok(location_requirement(line));
    }

    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("expected a project name, but found `{line}`"));
    }
    let specifiers = rest.trim_start_matches('(').trim_end_matches(')').trim();
    if !specifiers.is_empty() && !specifiers.starts_with(['=', '<', '>', '!', '~']) {
        return Err(format!(
            "expected a version specifier after `{name}`, but found `{specifiers}`"
        ));
    }
    let version = specifiers.split(',').map(str::trim).find_map(|spec| {
        let pinned = spec
            .strip_prefix("===")
            .or_else(|| spec.strip_prefix("=="))?
            .trim();
        (!pinned.is_empty() && !pinned.contains('*')).then(|| pinned.to_string())
    });
    Ok(Some((name.to_string(), version, Source::Registry)))
}

/// A requirement given as a URL or path: named by `#egg=` or a wheel's file name.
fn location_requirement(line: &str) -> Option<(String, Option<String>, Source)> {
    let source = url_source(line);
    if let Some((_, fragment)) = line.split_once("#egg=") {
        let name = fragment.split(['&', ' ']).next().unwrap_or(fragment);
        let (name, version) = match name.split_once('-') {
            Some((name, version)) => (name, Some(version.to_string())),
            None => (name, None),
        };
        return (!name.is_empty()).then(|| (name.to_string(), version, source));
    }
    let file = line.rsplit('/').next().unwrap_or(line);
    let stem = file.strip_suffix(".whl")?;
    // Wheel file names are `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
    let mut parts = stem.split('-');
    let name = parts.next()?;
    let version = parts.next()?;
    Some((name.to_string(), Some(version.to_string()), source))
}

/// The kind of source a requirement URL or path points to.
fn url_source(target: &str) -> Source {
    let lower = target.to_ascii_lowercase();
    if ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Source::Git
    } else if lower.contains("://") && !lower.starts_with("file:") {
        Source::Url
    } else {
        Source::Path
    }
}

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: Spanned<String>,
    version: Option<String>,
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Parses a TOML lockfile, the failure naming the format.
fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, format: &str) -> Result<T, Failure> {
    toml::from_str(text).map_err(|e| {
        Failure::parse(
            format,
            format!("expected valid TOML of this format, but {e}"),
        )
    })
}

/// `poetry.lock`: `[[package]]` tables; `source.type` says git, directory, file or url for
/// anything not from an index (`legacy` is an index).
pub(super) fn poetry_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PoetryLock = parse_toml(&text, "poetry.lock")?;
    let lines = LineIndex::new(&text);
    for package in lock.package {
        let source = match package.source.and_then(|s| s.kind).as_deref() {
            Some("git") => Source::Git,
            Some("directory" | "file") => Source::Path,
            Some("url") => Source::Url,
            _ => Source::Registry,
        };
        let line = lines.line(package.name.span().start);
        sink.found.push(
            Found::new(
                Collector::PoetryLock,
                Ecosystem::PyPI,
                package.name.into_inner(),
                package.version,
                source,
            )
            .at_line(Some(line)),
        );
    }
    Ok(())
}

/// `Pipfile.lock`: JSON sections `default` and `develop` of `name: {version: "==x", ...}`.
pub(super) fn pipfile_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct Entry {
        version: Option<String>,
        git: Option<String>,
        path: Option<String>,
        file: Option<String>,
    }
    #[derive(Deserialize)]
    struct PipfileLock {
        #[serde(default)]
        default: std::collections::BTreeMap<String, Entry>,
        #[serde(default)]
        develop: std::collections::BTreeMap<String, Entry>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PipfileLock = serde_json::from_str(&text).map_err(|e| {
        Failure::parse(
            "Pipfile.lock",
            format!("expected Pipfile.lock JSON, but {e}"),
        )
    })?;
    let lines = json_key_lines(&text);
    for (name, entry) in lock.default.into_iter().chain(lock.develop) {
        let source = if entry.git.is_some() {
            Source::Git
        } else if entry.path.is_some() {
            Source::Path
        } else if let Some(file) = &entry.file {
            url_source(file)
        } else {
            Source::Registry
        };
        let version = entry.version.map(|v| {
            v.trim_start_matches("===")
                .trim_start_matches("==")
                .to_string()
        });
        let line = line_of(&lines, &name);
        sink.found.push(
            Found::new(
                Collector::PipfileLock,
                Ecosystem::PyPI,
                name,
                version,
                source,
            )
            .at_line(line),
        );
    }
    Ok(())
}

/// `pdm.lock`: `[[package]]` tables with `path`, `url` or `git` for non-index packages.
pub(super) fn pdm_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct PdmLock {
        #[serde(default)]
        package: Vec<PdmPackage>,
    }
    #[derive(Deserialize)]
    struct PdmPackage {
        name: Spanned<String>,
        version: Option<String>,
        path: Option<String>,
        url: Option<String>,
        git: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PdmLock = parse_toml(&text, "pdm.lock")?;
    let lines = LineIndex::new(&text);
    for package in lock.package {
        let source = if package.git.is_some() {
            Source::Git
        } else if package.path.is_some() {
            Source::Path
        } else if let Some(url) = &package.url {
            url_source(url)
        } else {
            Source::Registry
        };
        let line = lines.line(package.name.span().start);
        sink.found.push(
            Found::new(
                Collector::PdmLock,
                Ecosystem::PyPI,
                package.name.into_inner(),
                package.version,
                source,
            )
            .at_line(Some(line)),
        );
    }
    Ok(())
}

/// `uv.lock`: `[[package]]` with `source = { registry | git | url | path | directory |
/// editable | virtual }`; the project and workspace members are `editable`/`virtual`.
pub(super) fn uv_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct UvLock {
        #[serde(default)]
        package: Vec<UvPackage>,
        manifest: Option<UvManifest>,
    }
    #[derive(Deserialize)]
    struct UvManifest {
        #[serde(default)]
        members: Vec<String>,
    }
    #[derive(Deserialize)]
    struct UvPackage {
        name: Spanned<String>,
        version: Option<String>,
        #[serde(default)]
        source: toml::Table,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: UvLock = parse_toml(&text, "uv.lock")?;
    let members: HashSet<String> = lock
        .manifest
        .map(|m| {
            m.members
                .iter()
                .map(|n| crate::normalize_name(Ecosystem::PyPI, n))
                .collect()
        })
        .unwrap_or_default();
    let lines = LineIndex::new(&text);
    for package in lock.package {
        let name = package.name.get_ref();
        let local = ["editable", "virtual", "workspace"]
            .iter()
            .find_map(|k| package.source.get(*k))
            .and_then(toml::Value::as_str);
        let source = if let Some(dir) = local {
            let member = members.contains(&crate::normalize_name(Ecosystem::PyPI, name));
            if member || dir == "." {
                Source::Workspace
            } else {
                Source::Path
            }
        } else if package.source.contains_key("git") {
            Source::Git
        } else if package.source.contains_key("path") || package.source.contains_key("directory") {
            Source::Path
        } else if package.source.contains_key("url") {
            Source::Url
        } else {
            Source::Registry
        };
        let line = lines.line(package.name.span().start);
        sink.found.push(
            Found::new(
                Collector::UvLock,
                Ecosystem::PyPI,
                package.name.into_inner(),
                package.version,
                source,
            )
            .at_line(Some(line)),
        );
    }
    Ok(())
}

/// PEP 751 `pylock.toml`: `[[packages]]` with `vcs`, `directory` or `archive` for
/// packages not from an index.
pub(super) fn pylock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct Pylock {
        #[serde(rename = "lock-version")]
        lock_version: Option<String>,
        #[serde(default)]
        packages: Vec<PylockPackage>,
    }
    #[derive(Deserialize)]
    struct PylockPackage {
        name: Spanned<String>,
        version: Option<String>,
        vcs: Option<toml::Table>,
        directory: Option<toml::Table>,
        archive: Option<toml::Table>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: Pylock = parse_toml(&text, "pylock.toml")?;
    if lock.lock_version.is_none() {
        return Err(Failure::unknown(
            "pylock.toml",
            "expected a `lock-version` key (PEP 751), but found none",
        ));
    }
    let lines = LineIndex::new(&text);
    for package in lock.packages {
        let source = if package.vcs.is_some() {
            Source::Git
        } else if package.directory.is_some() {
            Source::Path
        } else if let Some(archive) = &package.archive {
            if archive.contains_key("path") {
                Source::Path
            } else {
                Source::Url
            }
        } else {
            Source::Registry
        };
        let line = lines.line(package.name.span().start);
        sink.found.push(
            Found::new(
                Collector::PylockToml,
                Ecosystem::PyPI,
                package.name.into_inner(),
                package.version,
                source,
            )
            .at_line(Some(line)),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        let parse = |l| parse_requirement(l, false).unwrap();
        assert_eq!(
            parse("Django[bcrypt]==4.2.1 ; python_version>'3'"),
            Some(("Django".into(), Some("4.2.1".into()), Source::Registry))
        );
        assert_eq!(
            parse("requests>=2"),
            Some(("requests".into(), None, Source::Registry))
        );
        assert_eq!(parse("a==1.*"), Some(("a".into(), None, Source::Registry)));
        assert_eq!(
            parse("a===1.0"),
            Some(("a".into(), Some("1.0".into()), Source::Registry))
        );
        assert_eq!(
            parse("pkg @ git+https://x/y.git@v1"),
            Some(("pkg".into(), None, Source::Git))
        );
        assert_eq!(
            parse("https://h/x/foo_bar-1.0-py3-none-any.whl"),
            Some(("foo_bar".into(), Some("1.0".into()), Source::Url))
        );
        assert_eq!(parse("./local/dir"), None);
        assert_eq!(
            parse_requirement("git+https://h/r.git#egg=thing", true).unwrap(),
            Some(("thing".into(), None, Source::Git))
        );
        assert!(parse_requirement("???", false).is_err());
        assert!(parse_requirement("name garbage", false).is_err());
    }

    #[test]
    fn comments_and_continuations() {
        assert_eq!(strip_comment("a==1 # pinned"), "a==1");
        assert_eq!(strip_comment("git+https://x#egg=a"), "git+https://x#egg=a");
        let lines = logical_lines("a==1 \\\n  --hash=sha256:x\nb\n");
        assert_eq!(lines[0].0, 1);
        assert_eq!(lines[1], (3, "b".to_string()));
    }
}
