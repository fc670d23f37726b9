//! Dart and Flutter: `pubspec.lock`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{line_of, Ctx, Failure, Found, Sink};
use crate::text::yaml_section_key_lines;
use crate::{Collector, Ecosystem, Source};

/// `pubspec.lock`: `packages: {name: {source: hosted|git|path|sdk, version, ...}}`. SDK
/// packages (Flutter's own) come with the SDK, not from pub.dev.
pub(super) fn pubspec_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    #[derive(Deserialize)]
    struct PubspecLock {
        packages: Option<BTreeMap<String, Package>>,
    }
    #[derive(Deserialize)]
    struct Package {
        source: Option<String>,
        version: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let lock: PubspecLock = serde_saphyr::from_str(&text).map_err(|e| {
        Failure::parse(
            "pubspec.lock",
            format!("expected a pubspec.lock YAML, but {e}"),
        )
    })?;
    let lines = yaml_section_key_lines(&text, "packages");
    for (name, package) in lock.packages.unwrap_or_default() {
        let source = match package.source.as_deref() {
            Some("git") => Source::Git,
            Some("path" | "sdk") => Source::Path,
            _ => Source::Registry,
        };
        let line = line_of(&lines, &name);
        sink.found.push(
            Found::new(
                Collector::PubspecLock,
                Ecosystem::Pub,
                name,
                package.version,
                source,
            )
            .at_line(line),
        );
    }
    Ok(())
}
