//! `radar version`: compare and sort versions under an OSV ecosystem's ordering, for
//! people asking "why did this match?" and for scripts.

use std::cmp::Ordering;
use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use versions::{Scheme, Version};

use super::Global;

/// `radar version …`
#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Compare two versions and print `<`, `=` or `>`; with `-`, compare one `A B` pair a
    /// line from stdin and print one answer a line (`error: REASON` for a pair that
    /// cannot be ordered).
    Compare(CompareArgs),
    /// Read one version a line from stdin and print them in ascending order.
    Sort(SortArgs),
}

/// Flags of `radar version compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The OSV ecosystem whose ordering to use; suffixes are allowed (`Debian:12`).
    #[arg(long, short)]
    ecosystem: String,

    /// The first version, or `-` to read pairs from stdin.
    #[arg(allow_hyphen_values = true)]
    a: String,

    /// The second version.
    #[arg(allow_hyphen_values = true)]
    b: Option<String>,
}

/// Flags of `radar version sort`.
#[derive(Debug, Args)]
pub struct SortArgs {
    /// The OSV ecosystem whose ordering to use; suffixes are allowed (`Debian:12`).
    #[arg(long, short)]
    ecosystem: String,
}

/// Runs `radar version …`.
pub fn run(command: VersionCommand, _global: &Global) -> anyhow::Result<ExitCode> {
    match command {
        VersionCommand::Compare(args) => compare(args),
        VersionCommand::Sort(args) => sort(args),
    }
}

fn symbol(ordering: Ordering) -> &'static str {
    match ordering {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

fn compare(args: CompareArgs) -> anyhow::Result<ExitCode> {
    let scheme = Scheme::for_ecosystem(&args.ecosystem)?;

    // One pair from the command line.
    let Some(b) = args.b else {
        if args.a == "-" {
            return compare_stdin(scheme);
        }
        anyhow::bail!("expected two versions, or `-` to read pairs from stdin, but found one");
    };
    let ordering = scheme.compare(&args.a, &b)?;
    println!("{}", symbol(ordering));
    Ok(ExitCode::SUCCESS)
}

/// One answer per input line, so the output lines up with the input; a line that cannot
/// be answered says why, and the rest go on.
fn compare_stdin(scheme: Scheme) -> anyhow::Result<ExitCode> {
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for (number, line) in stdin.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read stdin at line {}", number + 1))?;

        let fields: Vec<&str> = line.split_whitespace().collect();
        let answer = match fields[..] {
            [a, b] => match scheme.compare(a, b) {
                Ok(ordering) => symbol(ordering).to_string(),
                Err(reason) => format!("error: {reason}"),
            },
            _ => format!("error: expected two versions `A B`, but found {line:?}"),
        };
        writeln!(out, "{answer}").context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn sort(args: SortArgs) -> anyhow::Result<ExitCode> {
    let scheme = Scheme::for_ecosystem(&args.ecosystem)?;

    // Read and parse every line; a version the ordering cannot read is reported with its
    // line and left out.
    let mut parsed: Vec<Version> = Vec::new();
    let mut skipped = 0;
    for (number, line) in io::stdin().lock().lines().enumerate() {
        let line = line.with_context(|| format!("cannot read stdin at line {}", number + 1))?;
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match scheme.parse(text) {
            Ok(version) => parsed.push(version),
            Err(reason) => {
                eprintln!("warning: line {}: {reason}", number + 1);
                skipped += 1;
            }
        }
    }

    // A stable sort: versions equal under the ordering keep their input order.
    parsed.sort_by(|a, b| a.compare(b).unwrap_or(Ordering::Equal));
    let mut out = BufWriter::new(io::stdout().lock());
    for version in &parsed {
        writeln!(out, "{version}").context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;

    if skipped > 0 {
        eprintln!("warning: {skipped} line(s) could not be ordered and were left out");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
