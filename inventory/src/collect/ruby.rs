//! Ruby: installed gems (`specifications/*.gemspec`, written by RubyGems) and
//! `Gemfile.lock`/`gems.locked` (Bundler).

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, Source};

/// An installed gem's specification. RubyGems writes them in a fixed shape
/// (`s.name = "rake".freeze`, `s.version = "13.0.6".freeze`); the file name
/// `<name>-<version>[-<platform>].gemspec` is the fallback. The Ruby is never evaluated.
pub(super) fn gemspec(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        let line = line.trim();
        if name.is_none() && line.contains(".name = ") {
            name = first_quoted(line);
        } else if version.is_none() && line.contains(".version = ") {
            version = first_quoted(line);
        }
    }

    let stem = ctx
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".gemspec"))
        .unwrap_or_default();
    let (name, version) = match (name, version) {
        (Some(name), Some(version)) => (name, Some(version)),
        (Some(name), None) => {
            let version = stem
                .strip_prefix(&format!("{name}-"))
                .map(|v| v.split('-').next().unwrap_or(v).to_string());
            (name, version)
        }
        (None, _) => {
            return Err(Failure::parse(
                "gemspec",
                "expected a `.name = \"...\"` assignment, but found none",
            ))
        }
    };
    sink.found.push(Found::new(
        Collector::RubyGemspec,
        Ecosystem::RubyGems,
        name,
        version,
        Source::Registry,
    ));
    Ok(())
}

/// The first `"..."` or `'...'` string on a line.
fn first_quoted(line: &str) -> Option<String> {
    let start = line.find(['"', '\''])?;
    let quote = line[start..].chars().next()?;
    let rest = &line[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

/// Bundler's lockfile: sections `GEM` (a gem server), `GIT`, `PATH` (with `remote: .` the
/// project itself), each with `specs:` of four-space-indented `name (version[-platform])`
/// lines; deeper lines are dependencies.
pub(super) fn gemfile_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let mut section = Source::Registry;
    let mut in_specs_section = false;
    let mut seen_section = false;

    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            seen_section = true;
            in_specs_section = true;
            section = match line.trim() {
                "GEM" | "PLUGIN SOURCE" => Source::Registry,
                "GIT" => Source::Git,
                "PATH" => Source::Path,
                _ => {
                    in_specs_section = false;
                    Source::Registry
                }
            };
            continue;
        }
        if !in_specs_section {
            continue;
        }
        if let Some(remote) = line.strip_prefix("  remote: ") {
            if section == Source::Path && remote.trim() == "." {
                section = Source::Workspace;
            }
            continue;
        }
        let Some(spec) = line.strip_prefix("    ") else {
            continue;
        };
        if spec.starts_with(' ') {
            continue;
        }
        let Some((name, rest)) = spec.split_once(" (") else {
            sink.failures.push(Failure::parse(
                "Gemfile.lock",
                format!("line {number}: expected `name (version)`, but found `{spec}`"),
            ));
            continue;
        };
        let version = rest.trim_end_matches(')');
        // Gem versions hold no `-`; what follows one is the platform (`1.15.0-x86_64-linux`).
        let version = version.split('-').next().unwrap_or(version).to_string();
        sink.found.push(
            Found::new(
                Collector::GemfileLock,
                Ecosystem::RubyGems,
                name.trim(),
                Some(version),
                section,
            )
            .at_line(Some(number)),
        );
    }
    if !seen_section && !text.trim().is_empty() {
        return Err(Failure::unknown(
            "Gemfile.lock",
            "expected sections such as `GEM` and `DEPENDENCIES`, but found none",
        ));
    }
    Ok(())
}
