//! PHP: Composer's `vendor/composer/installed.json` (installed) and `composer.lock`.

use serde::Deserialize;

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, Source};

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    version: Option<String>,
    dist: Option<Kind>,
    source: Option<Kind>,
}

#[derive(Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    kind: Option<String>,
}

impl ComposerPackage {
    /// `path` repositories (`dist.type: path`) are local packages; everything else comes
    /// from a Composer repository (Packagist or a mirror), even when installed from source.
    fn source(&self) -> Source {
        let is_path = |k: &Option<Kind>| k.as_ref().and_then(|k| k.kind.as_deref()) == Some("path");
        if is_path(&self.dist) || is_path(&self.source) {
            Source::Path
        } else {
            Source::Registry
        }
    }
}

/// Composer's lines: the line of each `"name": "vendor/package"` (first occurrence).
fn name_lines(text: &str) -> std::collections::HashMap<String, u32> {
    let mut lines = std::collections::HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("\"name\":") {
            let name = rest
                .trim()
                .trim_end_matches(',')
                .trim_matches('"')
                .to_string();
            lines
                .entry(name)
                .or_insert(u32::try_from(index + 1).unwrap_or(u32::MAX));
        }
    }
    lines
}

fn push(
    sink: &mut Sink,
    collector: Collector,
    packages: Vec<ComposerPackage>,
    lines: &std::collections::HashMap<String, u32>,
) {
    for package in packages {
        let source = package.source();
        let line = lines.get(&package.name).copied();
        sink.found.push(
            Found::new(
                collector,
                Ecosystem::Packagist,
                package.name,
                package.version,
                source,
            )
            .at_line(line),
        );
    }
}

/// `vendor/composer/installed.json`: an array (Composer 1) or `{"packages": [...]}`
/// (Composer 2).
pub(super) fn installed_json(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Installed {
        V2 { packages: Vec<ComposerPackage> },
        V1(Vec<ComposerPackage>),
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let installed: Installed = serde_json::from_str(&text).map_err(|e| {
        Failure::parse(
            "installed.json",
            format!("expected an array or {{\"packages\": [...]}} of packages, but {e}"),
        )
    })?;
    let packages = match installed {
        Installed::V2 { packages } | Installed::V1(packages) => packages,
    };
    push(
        sink,
        Collector::ComposerInstalled,
        packages,
        &name_lines(&text),
    );
    Ok(())
}

/// `composer.lock`: `packages` and `packages-dev`.
pub(super) fn composer_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct ComposerLock {
        packages: Option<Vec<ComposerPackage>>,
        #[serde(rename = "packages-dev", default)]
        packages_dev: Option<Vec<ComposerPackage>>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: ComposerLock = serde_json::from_str(&text).map_err(|e| {
        Failure::parse(
            "composer.lock",
            format!("expected composer.lock JSON, but {e}"),
        )
    })?;
    let Some(packages) = lock.packages else {
        return Err(Failure::unknown(
            "composer.lock",
            "expected a `packages` array, but found none",
        ));
    };
    let lines = name_lines(&text);
    push(sink, Collector::ComposerLock, packages, &lines);
    push(
        sink,
        Collector::ComposerLock,
        lock.packages_dev.unwrap_or_default(),
        &lines,
    );
    Ok(())
}
