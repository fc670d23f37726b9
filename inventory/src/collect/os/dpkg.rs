//! dpkg's database: `var/lib/dpkg/status`, and the `var/lib/dpkg/status.d/<package>` files
//! of distroless images (one or more paragraphs each, same syntax).
//!
//! The format is Debian's control-file syntax (Debian Policy §5.1): paragraphs separated
//! by blank lines, `Field: value` lines, continuation lines starting with a space or tab.
//! Only packages whose `Status` state (its third word, dpkg(1) "package states") is
//! `installed` are kept: `config-files`, `half-installed`, `unpacked`, `not-installed`
//! leave no (complete) software behind. A distroless `status.d` paragraph without a
//! `Status` field is installed: those files are written only for installed packages.

use super::{emit, fs_root, Distro, OsPackage};
use crate::collect::{Ctx, Failure, Sink};
use crate::{Collector, Ecosystem, OsInfo};

/// One paragraph's fields that matter here, with the line it starts on.
#[derive(Default)]
struct Paragraph<'a> {
    line: u32,
    package: Option<&'a str>,
    status: Option<&'a str>,
    version: Option<&'a str>,
    architecture: Option<&'a str>,
    source: Option<&'a str>,
}

/// Reads a dpkg status file (or a distroless `status.d` file).
pub(crate) fn status(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let in_status_d = ctx
        .path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "status.d");

    let mut packages = Vec::new();
    for paragraph in paragraphs(&text) {
        // Distroless writes a `status.d` file only for what it installed, often without a
        // `Status` field; one that has the field is held to it.
        let installed = match paragraph.status {
            Some(status) => status.split_whitespace().nth(2) == Some("installed"),
            None => in_status_d,
        };
        if !installed {
            continue;
        }
        let (Some(name), Some(version)) = (paragraph.package, paragraph.version) else {
            sink.failures.push(Failure::parse(
                "dpkg status",
                format!(
                    "line {}: expected an installed package with `Package` and `Version`, \
                     but found one without",
                    paragraph.line
                ),
            ));
            continue;
        };

        // `Source: name (version)` when the source version differs from the binary's
        // (binNMUs, `+b1`); Debian and Ubuntu advisories give source versions.
        let (source_name, source_version) = match paragraph.source {
            Some(source) => match source.split_once('(') {
                Some((name, rest)) => (
                    name.trim().to_string(),
                    Some(rest.trim_end_matches(')').trim().to_string()),
                ),
                None => (source.trim().to_string(), None),
            },
            None => (name.to_string(), None),
        };
        packages.push((
            paragraph.line,
            OsPackage {
                name: name.to_string(),
                version: version.to_string(),
                info: OsInfo {
                    source_name: Some(source_name),
                    source_version: source_version.filter(|v| !v.is_empty()),
                    arch: paragraph.architecture.map(str::to_string),
                    ..OsInfo::default()
                },
            },
        ));
    }

    // `var/lib/dpkg/status` lies 4 levels below the root, `status.d/<file>` 5.
    let root = fs_root(ctx.path, if in_status_d { 5 } else { 4 });
    let distro = Distro::of(&root, sink, ctx);

    let lines: Vec<u32> = packages.iter().map(|(line, _)| *line).collect();
    let first = sink.found.len();
    emit(
        packages.into_iter().map(|(_, p)| p).collect(),
        &[Ecosystem::Debian, Ecosystem::Ubuntu],
        "debian",
        &distro,
        Collector::DpkgStatus,
        sink,
    );
    for (found, line) in sink.found[first..].iter_mut().zip(lines) {
        found.line = Some(line);
    }
    Ok(())
}

/// Splits control-file text into paragraphs, keeping the fields read here. A field's
/// value is its first line (none of the fields kept here continues onto more lines).
fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut current: Option<Paragraph<'_>> = None;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let paragraph = current.get_or_insert_with(|| Paragraph {
            line: number,
            ..Paragraph::default()
        });
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        // Field names are case-insensitive (Policy §5.1).
        let slot = match field.to_ascii_lowercase().as_str() {
            "package" => &mut paragraph.package,
            "status" => &mut paragraph.status,
            "version" => &mut paragraph.version,
            "architecture" => &mut paragraph.architecture,
            "source" => &mut paragraph.source,
            _ => continue,
        };
        *slot = Some(value).filter(|v| !v.is_empty());
    }
    out.extend(current);
    out
}
