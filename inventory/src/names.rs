//! Package names as advisories are matched (per ecosystem) and package URLs.
//!
//! Normalization follows what each registry treats as the same name: PEP 503 for PyPI
//! (<https://peps.python.org/pep-0503/#normalized-names>), `-` and `_` alike and case
//! folded for crates.io, case folded for NuGet and Packagist, exact elsewhere. Package URLs
//! follow <https://github.com/package-url/purl-spec> (PURL-TYPES.rst for each type).

use crate::{Ecosystem, OsInfo};

/// The name under which advisories for `name` are indexed in `ecosystem`.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::CratesIo => name.to_ascii_lowercase().replace('_', "-"),
        Ecosystem::NuGet | Ecosystem::Packagist => name.to_ascii_lowercase(),
        Ecosystem::Npm
        | Ecosystem::Go
        | Ecosystem::RubyGems
        | Ecosystem::Maven
        | Ecosystem::Pub
        | Ecosystem::Hex => name.to_string(),
        // Distribution package names are exact: advisories use the archive's spelling.
        Ecosystem::Debian
        | Ecosystem::Ubuntu
        | Ecosystem::Alpine
        | Ecosystem::RedHat
        | Ecosystem::RockyLinux
        | Ecosystem::AlmaLinux
        | Ecosystem::OpenSuse => name.to_string(),
    }
}

/// The purl type and default namespace (vendor) of an OS ecosystem.
fn os_type(ecosystem: Ecosystem) -> Option<(&'static str, &'static str)> {
    Some(match ecosystem {
        Ecosystem::Debian => ("deb", "debian"),
        Ecosystem::Ubuntu => ("deb", "ubuntu"),
        Ecosystem::Alpine => ("apk", "alpine"),
        Ecosystem::RedHat => ("rpm", "redhat"),
        Ecosystem::RockyLinux => ("rpm", "rocky"),
        Ecosystem::AlmaLinux => ("rpm", "almalinux"),
        Ecosystem::OpenSuse => ("rpm", "opensuse"),
        _ => return None,
    })
}

/// PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// The package URL of a package: `pkg:<type>/<namespace>/<name>@<version>`.
pub fn purl(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let (ty, namespace, name): (&str, Option<String>, String) = match ecosystem {
        Ecosystem::PyPI => ("pypi", None, pep503(name)),
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|s| s.split_once('/')) {
            Some((scope, rest)) => (
                "npm",
                Some(format!("@{}", scope.to_lowercase())),
                rest.to_lowercase(),
            ),
            None => ("npm", None, name.to_lowercase()),
        },
        Ecosystem::CratesIo => ("cargo", None, name.to_string()),
        Ecosystem::Go => match name.rsplit_once('/') {
            Some((ns, last)) => ("golang", Some(ns.to_lowercase()), last.to_lowercase()),
            None => ("golang", None, name.to_lowercase()),
        },
        Ecosystem::RubyGems => ("gem", None, name.to_string()),
        Ecosystem::Packagist => match name.split_once('/') {
            Some((vendor, rest)) => ("composer", Some(vendor.to_lowercase()), rest.to_lowercase()),
            None => ("composer", None, name.to_lowercase()),
        },
        Ecosystem::NuGet => ("nuget", None, name.to_string()),
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => ("maven", Some(group.to_string()), artifact.to_string()),
            None => ("maven", None, name.to_string()),
        },
        Ecosystem::Pub => ("pub", None, name.to_lowercase()),
        Ecosystem::Hex => ("hex", None, name.to_lowercase()),
        Ecosystem::Debian
        | Ecosystem::Ubuntu
        | Ecosystem::Alpine
        | Ecosystem::RedHat
        | Ecosystem::RockyLinux
        | Ecosystem::AlmaLinux
        | Ecosystem::OpenSuse => {
            let (ty, vendor) = os_type(ecosystem).unwrap_or(("generic", ""));
            (ty, Some(vendor.to_string()), name.to_string())
        }
    };

    let mut out = format!("pkg:{ty}/");
    if let Some(namespace) = namespace {
        // Each namespace segment is encoded on its own; the `/` between them stays.
        for segment in namespace.split('/').filter(|s| !s.is_empty()) {
            encode(segment, &mut out);
            out.push('/');
        }
    }
    encode(&name, &mut out);
    if let Some(version) = version {
        out.push('@');
        // Go module versions carry their `v` in purls (pkg:golang/...@v1.2.3).
        if ecosystem == Ecosystem::Go && version.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('v');
        }
        encode(version, &mut out);
    }
    out
}

/// The package URL of an OS package, with the qualifiers the purl types define
/// (PURL-TYPES.rst: `deb`, `apk`, `rpm`): `arch`, `distro` (`<ID>-<VERSION_ID>` of
/// os-release, as `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`)
/// and, for rpm, `epoch`, which the rpm type keeps out of the version. The namespace is the
/// os-release `ID`. Qualifiers are sorted by key, as the spec's canonical form asks.
pub fn os_purl(ecosystem: Ecosystem, name: &str, version: Option<&str>, os: &OsInfo) -> String {
    let Some((ty, vendor)) = os_type(ecosystem) else {
        return purl(ecosystem, name, version);
    };
    let namespace = if os.distro.is_empty() {
        vendor.to_string()
    } else {
        os.distro.to_ascii_lowercase()
    };

    let mut out = format!("pkg:{ty}/");
    encode(&namespace, &mut out);
    out.push('/');
    // apk names are case-insensitive and lowercased by the spec; deb and rpm keep theirs.
    if ty == "apk" {
        encode(&name.to_ascii_lowercase(), &mut out);
    } else {
        encode(name, &mut out);
    }
    if let Some(version) = version {
        // rpm: the version is `version-release`; the epoch is a qualifier.
        let version = match (ty, os.epoch) {
            ("rpm", Some(_)) => version.split_once(':').map_or(version, |(_, v)| v),
            _ => version,
        };
        out.push('@');
        // The `:` of a Debian epoch is left as written (the purl spec does not require
        // encoding it in a version; `pkg:deb/debian/attr@1:2.4.48-6`).
        for (index, part) in version.split(':').enumerate() {
            if index > 0 {
                out.push(':');
            }
            encode(part, &mut out);
        }
    }

    let mut qualifiers = Vec::new();
    if let Some(arch) = &os.arch {
        qualifiers.push(("arch", arch.clone()));
    }
    if !os.distro.is_empty() {
        let distro = match &os.distro_version {
            Some(v) => format!("{}-{v}", os.distro.to_ascii_lowercase()),
            None => os.distro.to_ascii_lowercase(),
        };
        qualifiers.push(("distro", distro));
    }
    if ty == "rpm" {
        if let Some(epoch) = os.epoch {
            qualifiers.push(("epoch", epoch.to_string()));
        }
    }
    // deb and apk advisories name source packages, so an SBOM must carry it for the
    // package to match again when read back (`upstream`, as several SBOM tools write it).
    if ty != "rpm" {
        match (&os.source_name, &os.source_version) {
            (Some(source), Some(v)) => qualifiers.push(("upstream", format!("{source}@{v}"))),
            (Some(source), None) if source != name => qualifiers.push(("upstream", source.clone())),
            _ => {}
        }
    }
    for (index, (key, value)) in qualifiers.iter().enumerate() {
        out.push(if index == 0 { '?' } else { '&' });
        out.push_str(key);
        out.push('=');
        encode(value, &mut out);
    }
    out
}

/// What an OS package URL says: the ecosystem, name, version as matched
/// (`[epoch:]version[-release]`) and OS details; see [`crate::Package::from_os_purl`].
pub(crate) fn parse_os_purl(text: &str) -> Option<(Ecosystem, String, Option<String>, OsInfo)> {
    // pkg:type/namespace/name@version?qualifiers#subpath
    let rest = text.strip_prefix("pkg:")?;
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) => (p, Some(decode(v)?)),
        None => (path, None),
    };
    let mut segments = path.trim_matches('/').split('/');
    let ty = segments.next()?.to_ascii_lowercase();
    let namespace = decode(segments.next()?)?.to_ascii_lowercase();
    let name = decode(segments.next()?)?;
    if segments.next().is_some() || name.is_empty() {
        return None;
    }
    let mut qualifiers = std::collections::HashMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=')?;
        qualifiers.insert(key.to_ascii_lowercase(), decode(value)?);
    }

    let ecosystem = match (ty.as_str(), namespace.as_str()) {
        ("deb", "ubuntu") => Ecosystem::Ubuntu,
        ("deb", _) => Ecosystem::Debian,
        ("apk", "alpine") => Ecosystem::Alpine,
        ("rpm", "redhat" | "rhel") => Ecosystem::RedHat,
        ("rpm", "rocky") => Ecosystem::RockyLinux,
        ("rpm", "almalinux") => Ecosystem::AlmaLinux,
        ("rpm", "opensuse" | "opensuse-leap" | "opensuse-tumbleweed") => Ecosystem::OpenSuse,
        _ => return None,
    };

    // `distro=debian-12`: os-release ID and VERSION_ID joined by the first `-`.
    let (distro, distro_version) = match qualifiers.get("distro") {
        Some(d) => match d.split_once('-') {
            Some((id, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => {
                (id.to_string(), Some(v.to_string()))
            }
            _ => (d.clone(), None),
        },
        None => (namespace.clone(), None),
    };
    let release = crate::collect::os::distribution(&crate::OsRelease {
        id: Some(distro.clone()),
        version_id: distro_version.clone(),
        ..crate::OsRelease::default()
    })
    .filter(|(e, _)| *e == ecosystem)
    .and_then(|(_, r)| r);

    let epoch = qualifiers.get("epoch").and_then(|e| e.parse::<u32>().ok());
    let version = match (ty.as_str(), epoch, version) {
        ("rpm", Some(epoch), Some(v)) if !v.contains(':') => Some(format!("{epoch}:{v}")),
        (_, _, v) => v,
    };
    // `upstream` (written by several SBOM tools): the source package, as `name`,
    // `name@version` or a source RPM file name.
    let (source_name, source_version) = match qualifiers.get("upstream") {
        Some(up) if up.ends_with(".src.rpm") => match crate::collect::os::split_source_rpm(up) {
            Some((n, v)) => (Some(n), Some(v)),
            None => (None, None),
        },
        Some(up) => match up.split_once('@') {
            Some((n, v)) => (Some(n.to_string()), Some(v.to_string())),
            None => (Some(up.clone()), None),
        },
        None => (None, None),
    };
    let info = OsInfo {
        distro,
        distro_version,
        release,
        source_name,
        source_version,
        arch: qualifiers.get("arch").cloned(),
        epoch,
    };
    Some((ecosystem, name, version, info))
}

/// What a language package URL says: the ecosystem, the name as OSV writes it (npm
/// `@scope/name`, Maven `group:artifact`, Go and Composer `namespace/name`) and the
/// version (Go without its `v`). `None` for a purl that is malformed or of a type no
/// ecosystem here maps (OS types are read by [`parse_os_purl`]).
pub(crate) fn parse_purl(text: &str) -> Option<(Ecosystem, String, Option<String>)> {
    let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let (path, version) = match path.rsplit_once('@') {
        // An npm scope's `@` is encoded (`%40`) in a namespace; one left plain is only
        // a version separator when it is not the first character of a segment.
        Some((p, v)) if !p.ends_with('/') && !p.is_empty() => (p, Some(decode(v)?)),
        _ => (path, None),
    };
    let (ty, path) = path.split_once('/')?;
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect::<Option<_>>()?;
    let (name, namespace) = segments.split_last()?;
    let namespace = namespace.join("/");
    let with_namespace = |sep: &str| {
        if namespace.is_empty() {
            name.clone()
        } else {
            format!("{namespace}{sep}{name}")
        }
    };

    let (ecosystem, name) = match ty.to_ascii_lowercase().as_str() {
        "pypi" => (Ecosystem::PyPI, name.clone()),
        "npm" => (Ecosystem::Npm, with_namespace("/")),
        "cargo" => (Ecosystem::CratesIo, name.clone()),
        "golang" => (Ecosystem::Go, with_namespace("/")),
        "gem" => (Ecosystem::RubyGems, name.clone()),
        "composer" => (Ecosystem::Packagist, with_namespace("/")),
        "nuget" => (Ecosystem::NuGet, name.clone()),
        "maven" => (Ecosystem::Maven, with_namespace(":")),
        "pub" => (Ecosystem::Pub, name.clone()),
        "hex" => (Ecosystem::Hex, name.clone()),
        _ => return None,
    };
    let version = match (ecosystem, version) {
        (Ecosystem::Go, Some(v)) => Some(v.strip_prefix('v').map(str::to_string).unwrap_or(v)),
        (_, v) => v,
    };
    Some((ecosystem, name, version.filter(|v| !v.is_empty())))
}

/// Decodes `%XX` escapes; `None` when they do not make UTF-8.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes everything but the purl spec's unreserved characters.
fn encode(segment: &str, out: &mut String) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_purls_parse_back_to_osv_names() {
        for (ecosystem, name, version) in [
            (Ecosystem::PyPI, "starlette-healthcheck", "1.3.1"),
            (Ecosystem::Npm, "@babel/core", "7.24.0"),
            (Ecosystem::Npm, "left-pad", "1.3.0"),
            (Ecosystem::Go, "github.com/gin-gonic/gin", "1.9.1"),
            (
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
            ),
            (Ecosystem::Packagist, "monolog/monolog", "3.5.0"),
            (Ecosystem::CratesIo, "serde", "1.0.200"),
        ] {
            let text = purl(ecosystem, name, Some(version));
            let parsed = parse_purl(&text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                parsed,
                (ecosystem, name.to_string(), Some(version.to_string()))
            );
        }
        assert_eq!(parse_purl("pkg:deb/debian/openssl@3"), None);
        assert_eq!(parse_purl("not a purl"), None);
    }

    #[test]
    fn pep503_folds_runs_and_case() {
        assert_eq!(
            normalize_name(Ecosystem::PyPI, "Foo.Bar__baz-"),
            "foo-bar-baz-"
        );
        assert_eq!(
            normalize_name(Ecosystem::PyPI, "starlette_healthcheck"),
            "starlette-healthcheck"
        );
    }

    #[test]
    fn crates_fold_underscore() {
        assert_eq!(
            normalize_name(Ecosystem::CratesIo, "Serde_JSON"),
            "serde-json"
        );
    }

    #[test]
    fn purls_per_type() {
        assert_eq!(
            purl(Ecosystem::Npm, "@Babel/core", Some("7.0.0")),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl(Ecosystem::Go, "github.com/foo/bar", Some("1.2.3")),
            "pkg:golang/github.com/foo/bar@v1.2.3"
        );
        assert_eq!(
            purl(Ecosystem::Maven, "org.apache:commons-lang3", Some("3.1")),
            "pkg:maven/org.apache/commons-lang3@3.1"
        );
        assert_eq!(
            purl(Ecosystem::PyPI, "Starlette_Healthcheck", Some("1.3.1")),
            "pkg:pypi/starlette-healthcheck@1.3.1"
        );
        assert_eq!(
            purl(Ecosystem::CratesIo, "a", Some("1.0.0+build")),
            "pkg:cargo/a@1.0.0%2Bbuild"
        );
        assert_eq!(purl(Ecosystem::RubyGems, "rake", None), "pkg:gem/rake");
    }
}
