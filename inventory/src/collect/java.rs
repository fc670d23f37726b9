//! Java: archives (`.jar`, `.war`, `.ear`, nested archives too) with Maven's
//! `META-INF/maven/<group>/<artifact>/pom.properties`, `gradle.lockfile`, and `pom.xml`
//! (declared versions with property interpolation; nothing is resolved remotely).
//!
//! Archives are read with limits: entries, nesting depth and the bytes of a nested archive
//! held in memory are bounded, so a zip bomb costs nothing.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, Source};

/// Most entries of one archive considered.
const MAX_ENTRIES: usize = 200_000;
/// Most bytes of a nested archive read into memory (one per walker thread and nesting
/// level), within the scan's memory goal; larger nested archives are a named error.
const MAX_NESTED: u64 = 32 * 1024 * 1024;
/// Most bytes of a `pom.properties` read.
const MAX_PROPERTIES: u64 = 64 * 1024;
/// Archives nested deeper than this are not opened.
const MAX_DEPTH: usize = 3;

pub(super) fn archive(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    sink.files_read += 1;
    let file = std::fs::File::open(ctx.path).map_err(|e| Failure::io(&e))?;
    read_archive(file, "", 0, sink).map_err(|message| Failure::parse("Java archive", message))
}

/// Collects the pom.properties of one archive and recurses into its nested archives.
/// `prefix` is the entry path of this archive inside the outer ones (`a.war!/`).
fn read_archive<R: Read + Seek>(
    reader: R,
    prefix: &str,
    depth: usize,
    sink: &mut Sink,
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| format!("{prefix}expected a zip archive, but {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "{prefix}expected at most {MAX_ENTRIES} entries, but found {}",
            zip.len()
        ));
    }
    for index in 0..zip.len() {
        let mut entry = match zip.by_index(index) {
            Ok(entry) => entry,
            Err(err) => return Err(format!("{prefix}entry {index}: {err}")),
        };
        let name = entry.name().to_string();
        let lower = name.to_ascii_lowercase();
        if name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties") {
            let mut text = String::new();
            let read = (&mut entry).take(MAX_PROPERTIES).read_to_string(&mut text);
            if let Err(err) = read {
                return Err(format!(
                    "{prefix}{name}: expected a readable entry, but {err}"
                ));
            }
            if let Some(found) = pom_properties(&text, &format!("{prefix}{name}")) {
                sink.found.push(found);
            }
        } else if depth < MAX_DEPTH
            && [".jar", ".war", ".ear"].iter().any(|e| lower.ends_with(e))
            && !entry.is_dir()
        {
            if entry.size() > MAX_NESTED {
                return Err(format!(
                    "{prefix}{name}: expected a nested archive of at most {MAX_NESTED} bytes, \
                     but found {}",
                    entry.size()
                ));
            }
            let mut bytes = Vec::new();
            if let Err(err) = (&mut entry).take(MAX_NESTED).read_to_end(&mut bytes) {
                return Err(format!(
                    "{prefix}{name}: expected a readable entry, but {err}"
                ));
            }
            drop(entry);
            read_archive(
                Cursor::new(bytes),
                &format!("{prefix}{name}!/"),
                depth + 1,
                sink,
            )?;
        }
    }
    Ok(())
}

/// `groupId`, `artifactId` and `version` of a Maven `pom.properties` (a Java properties
/// file: `key=value` or `key: value`, `#` and `!` comments).
fn pom_properties(text: &str, entry: &str) -> Option<Found> {
    let mut values = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        if let Some((key, value)) = line.split_once(['=', ':']) {
            values.insert(key.trim(), value.trim());
        }
    }
    let group = values.get("groupId")?;
    let artifact = values.get("artifactId")?;
    let version = values.get("version").map(|v| v.to_string());
    let mut found = Found::new(
        Collector::JavaArchive,
        Ecosystem::Maven,
        format!("{group}:{artifact}"),
        version,
        Source::Registry,
    );
    found.entry = Some(entry.to_string());
    Some(found)
}

/// `gradle.lockfile` (and `gradle/dependency-locks/*.lockfile`): one
/// `group:artifact:version=configurations` per line; `empty=` lists unused configurations.
pub(super) fn gradle_lockfile(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let coordinates = line.split('=').next().unwrap_or(line);
        let parts: Vec<&str> = coordinates.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            sink.failures.push(Failure::parse(
                "gradle.lockfile",
                format!("line {number}: expected `group:artifact:version=...`, but found `{line}`"),
            ));
            continue;
        };
        sink.found.push(
            Found::new(
                Collector::GradleLockfile,
                Ecosystem::Maven,
                format!("{group}:{artifact}"),
                Some(version.to_string()),
                Source::Registry,
            )
            .at_line(Some(number)),
        );
    }
    Ok(())
}

/// `pom.xml`: the project itself and its declared dependencies (also those of
/// `dependencyManagement`), versions interpolated from `<properties>` and the project's
/// own coordinates. A version left unresolved, or a range, is no version.
pub(super) fn pom_xml(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let document = roxmltree::Document::parse(&text)
        .map_err(|e| Failure::parse("pom.xml", format!("expected well-formed XML, but {e}")))?;
    let project = document.root_element();
    if project.tag_name().name() != "project" {
        return Err(Failure::unknown(
            "pom.xml",
            format!(
                "expected a <project> root element, but found <{}>",
                project.tag_name().name()
            ),
        ));
    }
    let text_of = |node: roxmltree::Node<'_, '_>, name: &str| {
        child(node, name)
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())
    };
    let line_of =
        |node: roxmltree::Node<'_, '_>| Some(document.text_pos_at(node.range().start).row);

    // Properties: <properties>, then the project's coordinates under their usual names.
    let parent = child(project, "parent");
    let mut properties: HashMap<String, String> = HashMap::new();
    if let Some(section) = child(project, "properties") {
        for property in section.children().filter(|c| c.is_element()) {
            let value = property.text().unwrap_or_default().trim().to_string();
            properties.insert(property.tag_name().name().to_string(), value);
        }
    }
    let group = text_of(project, "groupId").or_else(|| parent.and_then(|p| text_of(p, "groupId")));
    let artifact = text_of(project, "artifactId");
    let version =
        text_of(project, "version").or_else(|| parent.and_then(|p| text_of(p, "version")));
    for (key, value) in [
        ("project.groupId", &group),
        ("project.artifactId", &artifact),
        ("project.version", &version),
        ("pom.version", &version),
        ("version", &version),
        (
            "project.parent.groupId",
            &parent.and_then(|p| text_of(p, "groupId")),
        ),
        (
            "project.parent.version",
            &parent.and_then(|p| text_of(p, "version")),
        ),
    ] {
        if let Some(value) = value {
            properties
                .entry(key.to_string())
                .or_insert_with(|| value.clone());
        }
    }
    let resolve = |value: Option<String>| value.and_then(|v| interpolate(&v, &properties));

    if let (Some(group), Some(artifact)) = (resolve(group), resolve(artifact)) {
        sink.found.push(
            Found::new(
                Collector::PomXml,
                Ecosystem::Maven,
                format!("{group}:{artifact}"),
                resolve(version).filter(|v| is_plain_version(v)),
                Source::Workspace,
            )
            .at_line(line_of(project)),
        );
    }

    let mut managed: HashMap<String, String> = HashMap::new();
    let mut declared = Vec::new();
    let management = child(project, "dependencyManagement").and_then(|m| child(m, "dependencies"));
    for (list, is_managed) in [(management, true), (child(project, "dependencies"), false)] {
        let Some(list) = list else { continue };
        for dependency in list
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "dependency")
        {
            let (Some(group), Some(artifact)) = (
                resolve(text_of(dependency, "groupId")),
                resolve(text_of(dependency, "artifactId")),
            ) else {
                sink.failures.push(Failure::parse(
                    "pom.xml",
                    format!(
                        "line {}: expected <groupId> and <artifactId> in <dependency>, but one is \
                         missing or unresolved",
                        line_of(dependency).unwrap_or(0)
                    ),
                ));
                continue;
            };
            let name = format!("{group}:{artifact}");
            let version = resolve(text_of(dependency, "version")).filter(|v| is_plain_version(v));
            if is_managed {
                if let Some(version) = &version {
                    managed.insert(name.clone(), version.clone());
                }
            }
            declared.push((name, version, line_of(dependency)));
        }
    }
    for (name, version, line) in declared {
        let version = version.or_else(|| managed.get(&name).cloned());
        sink.found.push(
            Found::new(
                Collector::PomXml,
                Ecosystem::Maven,
                name,
                version,
                Source::Registry,
            )
            .at_line(line),
        );
    }
    Ok(())
}

/// The first child element named `name`.
fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Replaces `${name}` from `properties`, repeatedly (properties may refer to others);
/// `None` when something stays unresolved.
fn interpolate(value: &str, properties: &HashMap<String, String>) -> Option<String> {
    let mut value = value.to_string();
    for _ in 0..8 {
        let Some(start) = value.find("${") else {
            return Some(value);
        };
        let end = start + value[start..].find('}')?;
        let replacement = properties.get(&value[start + 2..end])?;
        value.replace_range(start..=end, replacement);
    }
    (!value.contains("${")).then_some(value)
}

/// A version range (`[1.0,2.0)`) or an empty value is not one version.
fn is_plain_version(version: &str) -> bool {
    !version.is_empty() && !version.starts_with(['[', '(']) && !version.contains(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_chains_and_fails_cleanly() {
        let properties: HashMap<String, String> = [
            ("a".to_string(), "${b}".to_string()),
            ("b".to_string(), "1.2".to_string()),
        ]
        .into();
        assert_eq!(
            interpolate("${a}.3", &properties),
            Some("1.2.3".to_string())
        );
        assert_eq!(interpolate("${missing}", &properties), None);
    }
}
