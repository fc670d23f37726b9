//! Elixir: `mix.lock`, an Elixir map literal with one dependency per line:
//! `"name": {:hex, :package, "1.2.3", "<hash>", [:mix], [...], "hexpm", "<hash>"},` or
//! `"name": {:git, "https://...", "<sha>", [...]},`. It is read as text, never evaluated.

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, Source};

pub(super) fn mix_lock(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let text = sink.read_text(ctx.path, ctx.options)?;
    let trimmed = text.trim();
    if !trimmed.starts_with("%{") {
        return Err(Failure::unknown(
            "mix.lock",
            "expected an Elixir map `%{...}`, but found something else",
        ));
    }

    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.trim();
        let Some(rest) = line.strip_prefix('"') else {
            continue;
        };
        let Some((key, value)) = rest.split_once("\": {") else {
            sink.failures.push(Failure::parse(
                "mix.lock",
                format!("line {number}: expected `\"name\": {{...}}`, but found `{line}`"),
            ));
            continue;
        };
        let fields: Vec<&str> = value.splitn(4, ',').map(str::trim).collect();
        let (name, version, source) = match fields.first().copied() {
            Some(":hex") => {
                let package = fields.get(1).map(|f| f.trim_start_matches(':'));
                let version = fields.get(2).map(|f| f.trim_matches('"').to_string());
                (
                    package.unwrap_or(key).to_string(),
                    version,
                    Source::Registry,
                )
            }
            Some(":git") => (key.to_string(), None, Source::Git),
            Some(":path") => (key.to_string(), None, Source::Path),
            _ => {
                sink.failures.push(Failure::parse(
                    "mix.lock",
                    format!("line {number}: expected a `:hex` or `:git` tuple, but found `{line}`"),
                ));
                continue;
            }
        };
        sink.found.push(
            Found::new(Collector::MixLock, Ecosystem::Hex, name, version, source)
                .at_line(Some(number)),
        );
    }
    Ok(())
}
