//! Every lockfile and manifest format against a fixture covering its versions and quirks:
//! names, versions, sources (registry versus workspace, path, link, git, url) and lines.

mod common;

use common::assert_rows;

#[test]
fn requirements_txt_pins_includes_and_errors() {
    let inventory = common::scan("lockfiles/requirements");
    assert_eq!(
        common::rows(&inventory),
        vec![
            "PyPI Django 4.2.1 registry requirements.txt:4",
            "PyPI Pillow 10.0.0 url requirements.txt:14",
            "PyPI attrs 23.1.0 registry requirements.txt:7",
            "PyPI cryptography 41.0.3 registry requirements.txt:8",
            "PyPI numpy - registry requirements.txt:6",
            "PyPI requests - registry requirements.txt:5",
            "PyPI six 1.16.0 registry requirements/base.txt:2",
            "PyPI starlette-healthcheck - git requirements.txt:11",
            "PyPI tool - git requirements.txt:13",
        ]
    );
    // The include leaving the root is not followed, a missing one and a bad line are named.
    assert_eq!(
        common::errors(&inventory),
        vec![
            "requirements.txt [outside-root]",
            "requirements.txt [unreadable]",
            "requirements.txt [parse-error]",
        ]
    );
    assert!(inventory.errors[2].error.contains("line 17"));
}

#[test]
fn poetry_lock() {
    assert_rows(
        "lockfiles/poetry",
        &[
            "PyPI certifi 2024.2.2 registry poetry.lock:4",
            "PyPI gitdep 0.2.0 git poetry.lock:40",
            "PyPI mylib 0.1.0 path poetry.lock:14",
            "PyPI private-thing 1.0.0 registry poetry.lock:27",
        ],
    );
}

#[test]
fn pipfile_lock() {
    assert_rows(
        "lockfiles/pipfile",
        &[
            "PyPI flask 3.0.2 registry Pipfile.lock:19",
            "PyPI gitthing - git Pipfile.lock:31",
            "PyPI localthing - path Pipfile.lock:27",
            "PyPI pytest 8.0.2 registry Pipfile.lock:37",
        ],
    );
}

#[test]
fn pdm_lock() {
    assert_rows(
        "lockfiles/pdm",
        &[
            "PyPI fromgit 1.2.0 git pdm.lock:26",
            "PyPI idna 3.6 registry pdm.lock:11",
            "PyPI sibling 0.1.0 path pdm.lock:20",
        ],
    );
}

#[test]
fn uv_lock_members_and_sources() {
    assert_rows(
        "lockfiles/uv",
        &[
            "PyPI anyio 4.3.0 registry uv.lock:11",
            "PyPI app 0.1.0 workspace uv.lock:20",
            "PyPI app-core 0.1.0 workspace uv.lock:25",
            "PyPI from-git 0.3.0 git uv.lock:40",
            "PyPI outside-lib 2.0.0 path uv.lock:30",
            "PyPI tarball 1.0 url uv.lock:35",
        ],
    );
}

#[test]
fn pylock_toml() {
    assert_rows(
        "lockfiles/pylock",
        &[
            "PyPI attrs 25.1.0 registry pylock.toml:7",
            "PyPI editable-here - path pylock.toml:16",
            "PyPI vcs-thing 1.0 git pylock.toml:20",
        ],
    );
}

#[test]
fn package_lock_v1_nesting_aliases_and_references() {
    assert_rows(
        "lockfiles/npm-v1",
        &[
            "npm debug 2.6.9 registry package-lock.json:7",
            "npm from-github - git package-lock.json:32",
            "npm local - path package-lock.json:29",
            "npm ms 2.0.0 registry package-lock.json:15",
            "npm ms 2.1.3 registry package-lock.json:21",
            "npm string-width 4.2.3 registry package-lock.json:25",
        ],
    );
}

#[test]
fn package_lock_v2_workspaces_links_and_urls() {
    assert_rows(
        "lockfiles/npm-v2",
        &[
            "npm @scope/util - link package-lock.json:22",
            "npm @scope/util 0.0.1 workspace package-lock.json:26",
            "npm app 1.0.0 workspace package-lock.json:7",
            "npm express 4.18.2 registry package-lock.json:17",
            "npm ms 2.0.0 registry package-lock.json:30",
            "npm tarball 1.0.0 url package-lock.json:34",
        ],
    );
}

#[test]
fn package_lock_v3_aliases_and_git() {
    assert_rows(
        "lockfiles/npm-v3",
        &[
            "npm @babel/code-frame 7.23.5 registry package-lock.json:11",
            "npm app3 2.0.0 workspace package-lock.json:7",
            "npm gitdep 1.0.0 git package-lock.json:21",
            "npm strip-ansi 6.0.1 registry package-lock.json:16",
        ],
    );
}

#[test]
fn npm_shrinkwrap() {
    assert_rows(
        "lockfiles/shrinkwrap",
        &[
            "npm chalk 5.3.0 registry npm-shrinkwrap.json:10",
            "npm cli 1.0.0 workspace npm-shrinkwrap.json:6",
        ],
    );
}

#[test]
fn yarn_classic() {
    assert_rows(
        "lockfiles/yarn-classic",
        &[
            "npm @babel/code-frame 7.23.5 registry yarn.lock:5",
            "npm gh-dep 1.0.0 git yarn.lock:24",
            "npm js-tokens 4.0.0 registry yarn.lock:13",
            "npm local-lib 0.0.1 path yarn.lock:21",
            "npm string-width 4.2.3 registry yarn.lock:17",
        ],
    );
}

#[test]
fn yarn_berry_workspace_patch_portal_git() {
    assert_rows(
        "lockfiles/yarn-berry",
        &[
            "npm @babel/code-frame 7.23.5 registry yarn.lock:8",
            "npm app - workspace yarn.lock:18",
            "npm from-git 2.0.0 git yarn.lock:36",
            "npm portal-dep - link yarn.lock:30",
            "npm resolve 1.22.8 registry yarn.lock:24",
        ],
    );
}

#[test]
fn pnpm_v5() {
    assert_rows(
        "lockfiles/pnpm-v5",
        &[
            "npm @types/node 18.19.3 registry pnpm-lock.yaml:15",
            "npm gitdep 1.0.0 git pnpm-lock.yaml:32",
            "npm local-pkg 0.1.0 path pnpm-lock.yaml:38",
            "npm react 18.2.0 registry pnpm-lock.yaml:28",
            "npm react-dom 18.2.0 registry pnpm-lock.yaml:19",
        ],
    );
}

#[test]
fn pnpm_v6() {
    assert_rows(
        "lockfiles/pnpm-v6",
        &[
            "npm @tanstack/query-core 5.17.9 registry pnpm-lock.yaml:14",
            "npm @tanstack/react-query 5.17.9 registry pnpm-lock.yaml:18",
            "npm gitdep 1.0.0 git pnpm-lock.yaml:32",
            "npm react 18.2.0 registry pnpm-lock.yaml:27",
        ],
    );
}

#[test]
fn pnpm_v9() {
    assert_rows(
        "lockfiles/pnpm-v9",
        &[
            "npm @esbuild/linux-x64 0.19.12 registry pnpm-lock.yaml:20",
            "npm gitdep 1.0.0 git pnpm-lock.yaml:34",
            "npm is-number 6.0.0 registry pnpm-lock.yaml:26",
            "npm is-odd 3.0.1 registry pnpm-lock.yaml:30",
            "npm tool 2.1.0 git pnpm-lock.yaml:38",
        ],
    );
}

#[test]
fn bun_lock_jsonc() {
    assert_rows(
        "lockfiles/bun",
        &[
            "npm @types/bun 1.1.6 registry bun.lock:18",
            "npm gitdep - git bun.lock:20",
            "npm hono 4.0.5 registry bun.lock:7",
            "npm localdep - path bun.lock:21",
            "npm shared - workspace bun.lock:19",
        ],
    );
}

#[test]
fn cargo_lock_members_are_not_registry_crates() {
    assert_rows(
        "lockfiles/cargo",
        &[
            "crates.io app 0.1.0 workspace Cargo.lock:6",
            "crates.io app-core 0.1.0 workspace Cargo.lock:14",
            "crates.io from-git 0.1.0 git Cargo.lock:32",
            "crates.io serde 1.0.197 registry Cargo.lock:21",
            "crates.io tokio_util 0.7.10 registry Cargo.lock:27",
            "crates.io vendored-helper 0.2.0 path Cargo.lock:37",
        ],
    );
    let inventory = common::scan("lockfiles/cargo");
    let tokio = inventory
        .packages
        .iter()
        .find(|p| p.name == "tokio_util")
        .unwrap();
    assert_eq!(tokio.normalized_name, "tokio-util");
    assert_eq!(tokio.purl, "pkg:cargo/tokio_util@0.7.10");
}

#[test]
fn go_mod_requires_and_replacements() {
    assert_rows(
        "lockfiles/gomod",
        &[
            "Go example.com/app - workspace go.mod:1",
            "Go example.com/local - path go.mod:11",
            "Go github.com/gin-gonic/gin 1.9.1 registry go.mod:8",
            "Go github.com/pkg/errors 0.9.1 registry go.mod:14",
            "Go github.com/someone/forked 1.0.1 registry go.mod:10",
            "Go golang.org/x/text 0.14.0 registry go.mod:9",
        ],
    );
}

#[test]
fn gemfile_lock_sections() {
    assert_rows(
        "lockfiles/gemfile",
        &[
            "RubyGems forked-gem 1.2.0 git Gemfile.lock:11",
            "RubyGems myapp 0.1.0 workspace Gemfile.lock:4",
            "RubyGems nokogiri 1.15.4 registry Gemfile.lock:16",
            "RubyGems racc 1.7.3 registry Gemfile.lock:18",
            "RubyGems rack 3.0.8 registry Gemfile.lock:19",
        ],
    );
}

#[test]
fn installed_gemspecs() {
    assert_rows(
        "lockfiles/ruby-installed",
        &[
            "RubyGems nokogiri 1.15.4 registry \
             gems/3.2.0/specifications/nokogiri-1.15.4-x86_64-linux.gemspec",
            "RubyGems rake 13.1.0 registry gems/3.2.0/specifications/rake-13.1.0.gemspec",
        ],
    );
}

#[test]
fn composer_lock_and_installed_json() {
    assert_rows(
        "lockfiles/composer",
        &[
            "Packagist acme/local-bundle dev-main path composer.lock:22",
            "Packagist monolog/monolog 3.5.0 registry composer.lock:8",
            "Packagist phpunit/phpunit 10.5.9 registry composer.lock:32",
        ],
    );
    assert_rows(
        "lockfiles/php-installed",
        &["Packagist symfony/console v6.4.2 registry vendor/composer/installed.json:4"],
    );
}

#[test]
fn gradle_lockfile() {
    assert_rows(
        "lockfiles/gradle",
        &[
            "Maven com.google.guava:failureaccess 1.0.1 registry gradle.lockfile:4",
            "Maven com.google.guava:guava 32.1.3-jre registry gradle.lockfile:5",
            "Maven org.slf4j:slf4j-api 2.0.9 registry gradle.lockfile:6",
        ],
    );
}

#[test]
fn pom_xml_properties_parent_and_management() {
    assert_rows(
        "lockfiles/maven",
        &[
            "Maven com.example:service 2.1.0 workspace pom.xml:2",
            "Maven com.example:sibling 2.1.0 registry pom.xml:44",
            "Maven com.fasterxml.jackson.core:jackson-databind 2.16.1 registry pom.xml:30",
            "Maven junit:junit - registry pom.xml:49",
            "Maven org.apache.logging.log4j:log4j-core 2.17.1 registry pom.xml:35",
            "Maven org.slf4j:slf4j-api 2.0.9 registry pom.xml:21",
            "Maven org.slf4j:slf4j-api 2.0.9 registry pom.xml:40",
            "Maven org.unknown:unresolved - registry pom.xml:55",
        ],
    );
}

#[test]
fn nuget_packages_lock_and_deps_json() {
    assert_rows(
        "lockfiles/nuget",
        &[
            "NuGet MyCompany.Shared - workspace packages.lock.json:16",
            "NuGet Newtonsoft.Json 13.0.3 registry packages.lock.json:5",
            "NuGet System.Text.Json 8.0.0 registry packages.lock.json:11",
        ],
    );
    assert_rows(
        "lockfiles/dotnet",
        &[
            "NuGet App 1.0.0 workspace App.deps.json:8",
            "NuGet Serilog 3.1.1 registry App.deps.json:16",
        ],
    );
}

#[test]
fn pubspec_lock() {
    assert_rows(
        "lockfiles/pub",
        &[
            "Pub async 2.11.0 registry pubspec.lock:4",
            "Pub flutter 0.0.0 path pubspec.lock:12",
            "Pub my_fork 1.0.0 git pubspec.lock:17",
        ],
    );
}

#[test]
fn mix_lock() {
    assert_rows(
        "lockfiles/mix",
        &[
            "Hex jason 1.4.1 registry mix.lock:2",
            "Hex my_dep - git mix.lock:4",
            "Hex plug_crypto 2.0.0 registry mix.lock:3",
        ],
    );
}

/// Every malformed fixture is a named, counted scan error with the right code; none panics.
#[test]
fn malformed_files_are_scan_errors() {
    let cases = [
        ("bun", "bun.lock [parse-error]"),
        ("cargo", "Cargo.lock [parse-error]"),
        ("composer", "composer.lock [unknown-format]"),
        ("conda", "conda-meta/broken.json [parse-error]"),
        ("dotnet", "x.deps.json [parse-error]"),
        ("gemfile", "Gemfile.lock [unknown-format]"),
        ("gomod", "go.mod [parse-error]"),
        ("gradle", "gradle.lockfile [parse-error]"),
        (
            "installed-json",
            "vendor/composer/installed.json [parse-error]",
        ),
        ("java", "not-a-zip.jar [parse-error]"),
        ("maven", "pom.xml [parse-error]"),
        ("maven-root", "pom.xml [unknown-format]"),
        ("mix", "mix.lock [unknown-format]"),
        ("node", "node_modules/badjson/package.json [parse-error]"),
        ("npm-bad-json", "package-lock.json [parse-error]"),
        ("npm-unknown", "package-lock.json [unknown-format]"),
        ("nuget", "packages.lock.json [unknown-format]"),
        ("pdm", "pdm.lock [parse-error]"),
        ("pipfile", "Pipfile.lock [parse-error]"),
        ("pnpm-old", "pnpm-lock.yaml [unknown-format]"),
        ("pnpm-yaml", "pnpm-lock.yaml [parse-error]"),
        ("poetry", "poetry.lock [parse-error]"),
        ("pub", "pubspec.lock [parse-error]"),
        ("pylock", "pylock.toml [unknown-format]"),
        ("requirements", "requirements-dev.txt [parse-error]"),
        ("ruby", "specifications/weird-1.0.gemspec [parse-error]"),
        ("uv", "uv.lock [parse-error]"),
        (
            "venv",
            "lib/python3.12/site-packages/broken-1.0.dist-info/METADATA [parse-error]",
        ),
        ("yarn", "yarn.lock [parse-error]"),
    ];
    for (dir, expected) in cases {
        let inventory = common::scan(&format!("malformed/{dir}"));
        assert_eq!(
            common::errors(&inventory),
            vec![expected],
            "malformed/{dir}"
        );
        assert!(
            inventory.errors[0].error.contains("expected"),
            "malformed/{dir}: {}",
            inventory.errors[0].error
        );
    }

    // A bad line does not lose the good ones.
    let requirements = common::scan("malformed/requirements");
    assert_eq!(
        common::rows(&requirements),
        vec!["PyPI good 1.0 registry requirements-dev.txt:1"]
    );
}
