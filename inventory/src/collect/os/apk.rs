//! apk's database of installed packages: `lib/apk/db/installed` (`usr/lib/apk/db/installed`
//! on newer layouts). Records are separated by blank lines; each line is a one-letter key,
//! `:`, and a value (<https://wiki.alpinelinux.org/wiki/Apk_spec>, "Installed Database"):
//! `P` name, `V` version, `A` architecture, `o` origin (the aports source package, which
//! Alpine's advisories name).

use super::{emit, fs_root, Distro, OsPackage};
use crate::collect::{Ctx, Failure, Sink};
use crate::{Collector, Ecosystem, OsInfo};

/// Reads an apk installed database.
pub(crate) fn installed(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;

    let mut packages = Vec::new();
    let mut lines = Vec::new();
    for (line, record) in records(&text) {
        let field = |key: &str| {
            record
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
                .filter(|v| !v.is_empty())
        };
        let (Some(name), Some(version)) = (field("P"), field("V")) else {
            sink.failures.push(Failure::parse(
                "apk installed database",
                format!("line {line}: expected a record with `P:` and `V:`, but found one without"),
            ));
            continue;
        };
        let origin = field("o").unwrap_or_else(|| name.clone());
        lines.push(line);
        packages.push(OsPackage {
            name,
            version,
            info: OsInfo {
                source_name: Some(origin),
                arch: field("A"),
                ..OsInfo::default()
            },
        });
    }

    // `[usr/]lib/apk/db/installed`: the root is 4 (or 5) levels up.
    let in_usr = ctx
        .path
        .ancestors()
        .nth(4)
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "usr");
    let root = fs_root(ctx.path, if in_usr { 5 } else { 4 });
    let distro = Distro::of(&root, sink, ctx);

    let first = sink.found.len();
    emit(
        packages,
        &[Ecosystem::Alpine],
        "alpine",
        &distro,
        Collector::ApkInstalled,
        sink,
    );
    for (found, line) in sink.found[first..].iter_mut().zip(lines) {
        found.line = Some(line);
    }
    Ok(())
}

/// The records of the database, each with the line it starts on and its `key:value`
/// lines (keys are one letter; other lines are skipped).
fn records(text: &str) -> Vec<(u32, Vec<(&str, &str)>)> {
    let mut out = Vec::new();
    let mut current: Option<(u32, Vec<(&str, &str)>)> = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let record = current.get_or_insert_with(|| (number, Vec::new()));
        if let Some((key, value)) = line.split_once(':') {
            if key.len() == 1 {
                record.1.push((key, value.trim()));
            }
        }
    }
    out.extend(current);
    out
}
