//! .NET: `*.deps.json` (what a built application loads) and NuGet's `packages.lock.json`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{line_of, Ctx, Failure, Found, Sink};
use crate::text::json_key_lines;
use crate::{Collector, Ecosystem, Source};

/// `*.deps.json`: `libraries` keyed `Name/Version` with a `type` of `package` (NuGet),
/// `project` (the application and its projects) or `reference` (a local assembly).
pub(super) fn deps_json(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct DepsJson {
        libraries: Option<BTreeMap<String, Library>>,
    }
    #[derive(Deserialize)]
    struct Library {
        #[serde(rename = "type")]
        kind: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let deps: DepsJson = serde_json::from_str(&text)
        .map_err(|e| Failure::parse("deps.json", format!("expected deps.json JSON, but {e}")))?;
    let Some(libraries) = deps.libraries else {
        return Err(Failure::unknown(
            "deps.json",
            "expected a `libraries` object, but found none",
        ));
    };
    let lines = json_key_lines(&text);
    for (key, library) in libraries {
        let line = line_of(&lines, &key);
        let Some((name, version)) = key.split_once('/') else {
            sink.failures.push(Failure::parse(
                "deps.json",
                format!("expected a library key `Name/Version`, but found `{key}`"),
            ));
            continue;
        };
        let source = match library.kind.as_deref() {
            Some("project") => Source::Workspace,
            Some("reference") => Source::Path,
            _ => Source::Registry,
        };
        sink.found.push(
            Found::new(
                Collector::DotnetDepsJson,
                Ecosystem::NuGet,
                name,
                Some(version.to_string()),
                source,
            )
            .at_line(line),
        );
    }
    Ok(())
}

/// NuGet's `packages.lock.json`: per target framework, `Name: {type, resolved}` where
/// `type` is `Direct`, `Transitive`, `CentralTransitive` or `Project`.
pub(super) fn packages_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct PackagesLock {
        version: Option<u64>,
        dependencies: Option<BTreeMap<String, BTreeMap<String, Dependency>>>,
    }
    #[derive(Deserialize)]
    struct Dependency {
        #[serde(rename = "type")]
        kind: Option<String>,
        resolved: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PackagesLock = serde_json::from_str(&text).map_err(|e| {
        Failure::parse(
            "packages.lock.json",
            format!("expected NuGet lock JSON, but {e}"),
        )
    })?;
    match lock.version {
        Some(1 | 2) => {}
        other => {
            return Err(Failure::unknown(
                "packages.lock.json",
                format!("expected version 1 or 2, but found {other:?}"),
            ))
        }
    }
    let lines = json_key_lines(&text);
    for dependencies in lock.dependencies.unwrap_or_default().into_values() {
        for (name, dependency) in dependencies {
            let source = match dependency.kind.as_deref() {
                Some("Project") => Source::Workspace,
                _ => Source::Registry,
            };
            let line = line_of(&lines, &name);
            sink.found.push(
                Found::new(
                    Collector::NugetPackagesLock,
                    Ecosystem::NuGet,
                    name,
                    dependency.resolved,
                    source,
                )
                .at_line(line),
            );
        }
    }
    Ok(())
}
