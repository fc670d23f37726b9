//! `radar version compare` and `radar version sort`, run as the real binary.

use assert_cmd::Command;
use predicates::str::contains;

fn radar() -> Command {
    Command::cargo_bin("radar").expect("the radar binary is built for tests")
}

#[test]
fn compare_prints_the_ordering_symbol() {
    for (ecosystem, a, b, symbol) in [
        ("PyPI", "1.0", "1.0.0", "=\n"),
        ("Debian:12", "1:2.0~rc1-1", "1:2.0-1", "<\n"),
        ("Ubuntu:22.04:LTS", "2.0-1ubuntu1", "2.0-1", ">\n"),
        ("Alpine:v3.20", "1.2.3_rc1-r0", "1.2.3-r0", "<\n"),
        ("npm", "1.3.1", "1.3.0", ">\n"),
        ("Maven", "1.0-SNAPSHOT", "1.0", "<\n"),
    ] {
        radar()
            .args(["version", "compare", "--ecosystem", ecosystem, a, b])
            .assert()
            .success()
            .stdout(symbol);
    }
}

#[test]
fn compare_reports_what_it_cannot_order() {
    radar()
        .args(["version", "compare", "--ecosystem", "GIT", "1", "2"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("no known version ordering for ecosystem \"GIT\""));

    radar()
        .args([
            "version",
            "compare",
            "--ecosystem",
            "Hackage",
            "1.0",
            "1.0-beta",
        ])
        .assert()
        .code(2)
        .stderr(contains("pvp ordering: expected"));
}

#[test]
fn compare_reads_pairs_from_stdin_one_answer_a_line() {
    radar()
        .args(["version", "compare", "--ecosystem", "RubyGems", "-"])
        .write_stdin("1.0 1.0.a\n2.0.0 2\nnot-a-version 1.0\n1.0\n3.10 3.2\n")
        .assert()
        .success()
        .stdout(
            ">\n=\nerror: rubygems ordering: expected a RubyGems version such as 1.2.3 or \
             2.0.0.rc1, but found \"not-a-version\"\nerror: expected two versions `A B`, but \
             found \"1.0\"\n>\n",
        );
}

#[test]
fn sort_prints_versions_ascending() {
    radar()
        .args(["version", "sort", "--ecosystem", "PyPI"])
        .write_stdin("1.0.post1\n1.0\n1.0rc1\n1.0.dev1\n0.9\n1!0.1\n")
        .assert()
        .success()
        .stdout("0.9\n1.0.dev1\n1.0rc1\n1.0\n1.0.post1\n1!0.1\n");
}

#[test]
fn sort_leaves_out_and_reports_what_it_cannot_order() {
    radar()
        .args(["version", "sort", "--ecosystem", "CRAN"])
        .write_stdin("1.10-1\nbeta\n1.2-3\n")
        .assert()
        .code(1)
        .stdout("1.2-3\n1.10-1\n")
        .stderr(contains("line 2: r-package-version ordering: expected"));
}
