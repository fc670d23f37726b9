//! `os-release` (<https://www.freedesktop.org/software/systemd/man/os-release.html>) and
//! its mapping to OSV ecosystems and release suffixes.

use std::path::Path;

use crate::collect::Sink;
use crate::{Ecosystem, Options};

/// The fields of an os-release file that tell the distribution and its release.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsRelease {
    /// `ID`: `debian`, `ubuntu`, `alpine`, `rhel`, `rocky`, `almalinux`, `opensuse-leap`.
    pub id: Option<String>,
    /// `VERSION_ID`: `12`, `22.04`, `3.20.3`, `9.4`, `15.5`.
    pub version_id: Option<String>,
    /// `VERSION_CODENAME`: `bookworm`, `jammy`.
    pub version_codename: Option<String>,
    /// `VERSION`: `12 (bookworm)`, `22.04.4 LTS (Jammy Jellyfish)`.
    pub version: Option<String>,
}

impl OsRelease {
    /// Parses the `KEY=value` lines of an os-release file. Values may be quoted with `"`
    /// or `'`; inside double quotes a backslash escapes `$`, `"`, `\` and `` ` ``, as in
    /// the shell syntax the specification borrows. Unknown keys and odd lines are ignored.
    pub fn parse(text: &str) -> OsRelease {
        let mut os = OsRelease::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, raw)) = line.split_once('=') else {
                continue;
            };
            let value = unquote(raw.trim());
            let slot = match key.trim() {
                "ID" => &mut os.id,
                "VERSION_ID" => &mut os.version_id,
                "VERSION_CODENAME" => &mut os.version_codename,
                "VERSION" => &mut os.version,
                _ => continue,
            };
            *slot = Some(value).filter(|v| !v.is_empty());
        }
        os
    }
}

/// Removes the quotes of a shell-style value and resolves its escapes.
fn unquote(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.to_string();
    }
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads the os-release of the filesystem root `root`: `etc/os-release`, else
/// `usr/lib/os-release`. Only regular files are read: in an image `etc/os-release` is
/// usually a symbolic link (often absolute, `/usr/lib/os-release`), which would lead out
/// of the root; its usual target is the fallback anyway.
pub(super) fn read(root: &Path, sink: &mut Sink, options: &Options) -> Result<OsRelease, String> {
    for candidate in ["etc/os-release", "usr/lib/os-release"] {
        let path = root.join(candidate);
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if !is_file {
            continue;
        }
        return match sink.read_text(&path, options) {
            Ok(text) => Ok(OsRelease::parse(&text)),
            Err(failure) => Err(format!("{candidate}: {}", failure.message)),
        };
    }
    Err("found neither etc/os-release nor usr/lib/os-release as a regular file".to_string())
}

/// The OSV ecosystem and release suffix of a distribution, from its os-release:
///
/// | `ID` | ecosystem | suffix from |
/// |---|---|---|
/// | `debian` | `Debian` | `VERSION_ID` (`12`) |
/// | `ubuntu` | `Ubuntu` | `VERSION_ID`, `:LTS` when `VERSION` says LTS (`22.04:LTS`) |
/// | `alpine` | `Alpine` | `v` and the first two parts of `VERSION_ID` (`v3.20`) |
/// | `rhel` | `Red Hat` | `enterprise_linux:` and the major version (`enterprise_linux:9`) |
/// | `rocky`, `almalinux` | `Rocky Linux`, `AlmaLinux` | the major version (`9`) |
/// | `opensuse-leap`, `opensuse-tumbleweed` | `openSUSE` | `Leap 15.5`, `Tumbleweed` |
///
/// The suffix is `None` when the release has no number (Debian testing, unstable). Other
/// distributions (SUSE Linux Enterprise, whose advisories name product modules rather
/// than releases; Fedora, CentOS, Amazon Linux, derivatives) give `None`.
pub fn distribution(os: &OsRelease) -> Option<(Ecosystem, Option<String>)> {
    let version = os.version_id.as_deref().filter(|v| !v.is_empty());
    let major = version
        .and_then(|v| v.split('.').next())
        .map(str::to_string);
    let mapped = match os.id.as_deref()? {
        "debian" => (Ecosystem::Debian, version.map(str::to_string)),
        "ubuntu" => {
            // Without `VERSION` (a purl's `distro=ubuntu-22.04`), Ubuntu's rule: the April
            // release of an even year is the long-term one.
            let lts = match os.version.as_deref() {
                Some(v) => v.contains("LTS"),
                None => version.is_some_and(|v| {
                    v.split_once('.').is_some_and(|(year, month)| {
                        month == "04" && year.parse::<u32>().is_ok_and(|y| y % 2 == 0)
                    })
                }),
            };
            let suffix = version.map(|v| {
                if lts {
                    format!("{v}:LTS")
                } else {
                    v.to_string()
                }
            });
            (Ecosystem::Ubuntu, suffix)
        }
        "alpine" => {
            // Alpine's secdb and OSV name branches (`v3.20`), not point releases.
            let branch = version.and_then(|v| {
                let mut parts = v.split('.');
                Some(format!("v{}.{}", parts.next()?, parts.next()?))
            });
            (Ecosystem::Alpine, branch)
        }
        "rhel" => (
            Ecosystem::RedHat,
            major.map(|m| format!("enterprise_linux:{m}")),
        ),
        "rocky" => (Ecosystem::RockyLinux, major),
        "almalinux" => (Ecosystem::AlmaLinux, major),
        "opensuse-leap" => (Ecosystem::OpenSuse, version.map(|v| format!("Leap {v}"))),
        "opensuse-tumbleweed" => (Ecosystem::OpenSuse, Some("Tumbleweed".to_string())),
        _ => return None,
    };
    Some(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix(text: &str) -> Option<(Ecosystem, Option<String>)> {
        distribution(&OsRelease::parse(text))
    }

    #[test]
    fn parses_quoted_values_and_escapes() {
        let os = OsRelease::parse(
            "# comment\nID=debian\nVERSION_ID=\"12\"\nVERSION='12 (bookworm)'\n\
             VERSION_CODENAME=bookworm\nPRETTY_NAME=\"say \\\"hi\\\"\"\nbroken line\n",
        );
        assert_eq!(os.id.as_deref(), Some("debian"));
        assert_eq!(os.version_id.as_deref(), Some("12"));
        assert_eq!(os.version.as_deref(), Some("12 (bookworm)"));
        assert_eq!(os.version_codename.as_deref(), Some("bookworm"));
        assert_eq!(unquote("\"a\\$b\""), "a$b");
    }

    #[test]
    fn maps_releases_as_osv_spells_them() {
        assert_eq!(
            suffix("ID=debian\nVERSION_ID=\"12\"\n"),
            Some((Ecosystem::Debian, Some("12".into())))
        );
        assert_eq!(
            suffix("ID=ubuntu\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\""),
            Some((Ecosystem::Ubuntu, Some("22.04:LTS".into())))
        );
        assert_eq!(
            suffix("ID=ubuntu\nVERSION_ID=\"23.10\"\nVERSION=\"23.10 (Mantic Minotaur)\""),
            Some((Ecosystem::Ubuntu, Some("23.10".into())))
        );
        assert_eq!(
            suffix("ID=alpine\nVERSION_ID=3.20.3\n"),
            Some((Ecosystem::Alpine, Some("v3.20".into())))
        );
        assert_eq!(
            suffix("ID=\"rocky\"\nVERSION_ID=\"9.4\"\n"),
            Some((Ecosystem::RockyLinux, Some("9".into())))
        );
        assert_eq!(
            suffix("ID=\"rhel\"\nVERSION_ID=\"9.4\"\n"),
            Some((Ecosystem::RedHat, Some("enterprise_linux:9".into())))
        );
        assert_eq!(
            suffix("ID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\n"),
            Some((Ecosystem::OpenSuse, Some("Leap 15.5".into())))
        );
        assert_eq!(
            suffix("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n"),
            Some((Ecosystem::Debian, None))
        );
        assert_eq!(suffix("ID=fedora\nVERSION_ID=40\n"), None);
        assert_eq!(suffix("ID=sles\nVERSION_ID=\"15.5\"\n"), None);
        assert_eq!(suffix("VERSION_ID=1\n"), None);
    }
}
