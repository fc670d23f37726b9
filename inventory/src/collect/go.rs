//! Go: `go.mod` and the build information embedded in Go executables.
//!
//! Versions are given without the leading `v`, as OSV writes Go versions
//! (<https://ossf.github.io/osv-schema/#affectedpackage-field>); purls put it back.
//!
//! Build information (Go's `debug/buildinfo`): the `.go.buildinfo` section starts with the
//! 14-byte magic `\xff Go buildinf:`, a pointer size byte and a flags byte. With flag bit 2
//! (Go 1.18 and later) two varint-length-prefixed strings follow at offset 32: the Go
//! version and the module information; before that, two pointers to Go string headers.
//! The module information is text framed by 16-byte sentinels: `path`, `mod` (the main
//! module), `dep` and `=>` (the replacement of the preceding `dep`) lines, tab-separated.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, Source};

/// `go.mod`: `module`, `require` and `replace` directives (single-line and blocks).
pub(super) fn go_mod(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    struct Require {
        path: String,
        version: String,
        line: u32,
    }
    struct Replace {
        version: Option<String>,
        target: String,
        target_version: Option<String>,
    }

    let text = sink.read_text(ctx.path, ctx.options)?;
    let mut module: Option<(String, u32)> = None;
    let mut requires = Vec::new();
    let mut replaces: HashMap<String, Vec<Replace>> = HashMap::new();
    let mut block: Option<&str> = None;

    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.split("//").next().unwrap_or(raw).trim();
        if line.is_empty() {
            continue;
        }
        let (directive, args) = match block {
            Some(_) if line == ")" => {
                block = None;
                continue;
            }
            Some(directive) => (directive, line),
            None => {
                let (directive, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let args = args.trim();
                if args == "(" {
                    block = Some(match directive {
                        "require" => "require",
                        "replace" => "replace",
                        _ => "other",
                    });
                    continue;
                }
                (directive, args)
            }
        };
        let fields: Vec<&str> = args
            .split_whitespace()
            .map(|f| f.trim_matches('"'))
            .collect();
        match directive {
            "module" => module = fields.first().map(|m| (m.to_string(), number)),
            "require" => match fields.as_slice() {
                [path, version, ..] => requires.push(Require {
                    path: path.to_string(),
                    version: version.to_string(),
                    line: number,
                }),
                _ => sink.failures.push(Failure::parse(
                    "go.mod",
                    format!(
                        "line {number}: expected `require <module> <version>`, but found `{line}`"
                    ),
                )),
            },
            "replace" => {
                let Some(arrow) = fields.iter().position(|f| *f == "=>") else {
                    sink.failures.push(Failure::parse(
                        "go.mod",
                        format!(
                            "line {number}: expected `replace <old> => <new>`, but found `{line}`"
                        ),
                    ));
                    continue;
                };
                let (Some(old), Some(target)) = (fields.first(), fields.get(arrow + 1)) else {
                    continue;
                };
                replaces.entry(old.to_string()).or_default().push(Replace {
                    version: (arrow == 2).then(|| fields[1].to_string()),
                    target: target.to_string(),
                    target_version: fields.get(arrow + 2).map(|v| v.to_string()),
                });
            }
            _ => {}
        }
    }

    if let Some((name, line)) = module {
        sink.found.push(
            Found::new(
                Collector::GoMod,
                Ecosystem::Go,
                name,
                None,
                Source::Workspace,
            )
            .at_line(Some(line)),
        );
    }
    for require in requires {
        // A replacement of one version wins over one of all versions.
        let replace = replaces.get(&require.path).and_then(|all| {
            all.iter()
                .find(|r| r.version.as_deref() == Some(require.version.as_str()))
                .or_else(|| all.iter().find(|r| r.version.is_none()))
        });
        let found = match replace {
            Some(r) if r.target_version.is_none() => Found::new(
                Collector::GoMod,
                Ecosystem::Go,
                require.path,
                None,
                Source::Path,
            ),
            Some(r) => Found::new(
                Collector::GoMod,
                Ecosystem::Go,
                r.target.clone(),
                r.target_version.as_deref().map(osv_version),
                Source::Registry,
            ),
            None => Found::new(
                Collector::GoMod,
                Ecosystem::Go,
                require.path,
                Some(osv_version(&require.version)),
                Source::Registry,
            ),
        };
        sink.found.push(found.at_line(Some(require.line)));
    }
    Ok(())
}

/// A Go module version as OSV writes it: without the leading `v`.
fn osv_version(version: &str) -> String {
    version.strip_prefix('v').unwrap_or(version).to_string()
}

const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Build information is small; a larger section is not one.
const MAX_BUILDINFO: u64 = 4 * 1024 * 1024;

/// An ELF executable's Go build information. Files that are not ELF, or ELF without a
/// `.go.buildinfo` section, are not Go programs and give nothing.
pub(super) fn binary(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    if !is_candidate(ctx.path) {
        return Ok(());
    }
    let mut file = File::open(ctx.path).map_err(|e| Failure::io(&e))?;
    let mut ident = [0u8; 64];
    let read = read_fully(&mut file, &mut ident).map_err(|e| Failure::io(&e))?;
    if read < 64 || &ident[..4] != b"\x7fELF" {
        return Ok(());
    }
    sink.files_read += 1;

    let elf = Elf::parse_header(&ident).ok_or_else(|| {
        Failure::unknown(
            "ELF",
            "expected a 32- or 64-bit ELF header, but found another",
        )
    })?;
    let sections = elf
        .sections(&mut file)
        .map_err(|e| Failure::parse("ELF", e))?;
    let Some(buildinfo) = sections.iter().find(|s| s.name == ".go.buildinfo") else {
        return Ok(());
    };
    if buildinfo.size > MAX_BUILDINFO || buildinfo.size < 32 {
        return Err(Failure::parse(
            "Go build info",
            format!(
                "expected a section of 32 bytes to 4 MiB, but found {} bytes",
                buildinfo.size
            ),
        ));
    }
    let data = read_at(&mut file, buildinfo.offset, buildinfo.size).map_err(|e| Failure::io(&e))?;
    let Some(start) = find(&data, MAGIC) else {
        return Err(Failure::parse(
            "Go build info",
            "expected the `\\xff Go buildinf:` magic, but found none",
        ));
    };
    let data = &data[start..];
    if data.len() < 32 {
        return Err(Failure::parse(
            "Go build info",
            "expected a 32-byte header, but it is cut short",
        ));
    }
    let pointer_size = usize::from(data[14]);
    let flags = data[15];

    let (go_version, modinfo) = if flags & 2 != 0 {
        let mut rest = &data[32..];
        let version = varint_string(&mut rest);
        let modinfo = varint_string(&mut rest);
        match (version, modinfo) {
            (Some(v), Some(m)) => (v, m),
            _ => {
                return Err(Failure::parse(
                    "Go build info",
                    "expected two length-prefixed strings, but they are cut short",
                ))
            }
        }
    } else {
        let big_endian = flags & 1 != 0;
        let read_pointer = |at: usize| read_uint(data, at, pointer_size, big_endian);
        let (Some(version_at), Some(modinfo_at)) =
            (read_pointer(16), read_pointer(16 + pointer_size))
        else {
            return Err(Failure::parse(
                "Go build info",
                "expected two pointers, but found none",
            ));
        };
        let mut read_go_string = |address: u64| -> Option<Vec<u8>> {
            let header =
                elf.read_virtual(&mut file, &sections, address, 2 * pointer_size as u64)?;
            let pointer = read_uint(&header, 0, pointer_size, big_endian)?;
            let length = read_uint(&header, pointer_size, pointer_size, big_endian)?;
            if length > MAX_BUILDINFO {
                return None;
            }
            elf.read_virtual(&mut file, &sections, pointer, length)
        };
        match (read_go_string(version_at), read_go_string(modinfo_at)) {
            (Some(v), Some(m)) => (v, m),
            _ => {
                return Err(Failure::parse(
                    "Go build info",
                    "expected pointers into the file's sections, but they point elsewhere",
                ))
            }
        }
    };

    let go_version = String::from_utf8_lossy(&go_version).into_owned();
    if let Some(version) = go_version.strip_prefix("go") {
        // The standard library is the `stdlib` module in OSV's Go ecosystem.
        let version = version.split([' ', '-']).next().unwrap_or(version);
        sink.found.push(Found::new(
            Collector::GoBinary,
            Ecosystem::Go,
            "stdlib",
            Some(version.to_string()),
            Source::Registry,
        ));
    }
    modules(&modinfo, sink);
    Ok(())
}

/// Executable regular files of some size: the cheap test before opening anything.
fn is_candidate(path: &std::path::Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o111 == 0 {
            return false;
        }
    }
    metadata.len() >= 1024
}

/// The `mod`, `dep` and `=>` lines of the module information.
fn modules(modinfo: &[u8], sink: &mut Sink) {
    let mut text = modinfo;
    // Strip the 16-byte sentinels around the text, when present.
    if text.len() >= 33 && text[text.len() - 17] == b'\n' {
        text = &text[16..text.len() - 16];
    }
    let text = String::from_utf8_lossy(text);
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["mod", path, version, ..] => {
                let version = (*version != "(devel)").then(|| osv_version(version));
                sink.found.push(Found::new(
                    Collector::GoBinary,
                    Ecosystem::Go,
                    *path,
                    version,
                    Source::Workspace,
                ));
            }
            ["dep", path, version, ..] => sink.found.push(Found::new(
                Collector::GoBinary,
                Ecosystem::Go,
                *path,
                Some(osv_version(version)),
                Source::Registry,
            )),
            ["=>", path, rest @ ..] => {
                let Some(replaced) = sink.found.last_mut() else {
                    continue;
                };
                match rest.first().filter(|v| !v.is_empty()) {
                    Some(version) => {
                        replaced.name = path.to_string();
                        replaced.version = Some(osv_version(version));
                    }
                    None => {
                        replaced.version = None;
                        replaced.source = Source::Path;
                    }
                }
            }
            _ => {}
        }
    }
}

/// A varint-length-prefixed byte string, advancing `data`.
fn varint_string(data: &mut &[u8]) -> Option<Vec<u8>> {
    let mut length: u64 = 0;
    let mut shift = 0;
    loop {
        let (&byte, rest) = data.split_first()?;
        *data = rest;
        length |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    let length = usize::try_from(length).ok()?;
    if length > data.len() {
        return None;
    }
    let (string, rest) = data.split_at(length);
    *data = rest;
    Some(string.to_vec())
}

fn read_uint(data: &[u8], at: usize, size: usize, big_endian: bool) -> Option<u64> {
    let bytes = data.get(at..at.checked_add(size)?)?;
    let mut value: u64 = 0;
    match size {
        4 | 8 => {
            for i in 0..size {
                let byte = if big_endian {
                    bytes[i]
                } else {
                    bytes[size - 1 - i]
                };
                value = (value << 8) | u64::from(byte);
            }
            Some(value)
        }
        _ => None,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn read_fully(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut total = 0;
    while total < buffer.len() {
        let read = file.read(&mut buffer[total..])?;
        if read == 0 {
            break;
        }
        total += read;
    }
    Ok(total)
}

fn read_at(file: &mut File, offset: u64, size: u64) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(offset))?;
    let mut data = Vec::new();
    file.take(size).read_to_end(&mut data)?;
    Ok(data)
}

/// The parts of an ELF file header needed to find sections.
struct Elf {
    is_64: bool,
    big_endian: bool,
    section_offset: u64,
    section_entry_size: u64,
    section_count: u64,
    names_index: u64,
}

struct Section {
    name: String,
    address: u64,
    offset: u64,
    size: u64,
    /// `SHT_NOBITS` sections (`.bss`) have no bytes in the file.
    in_file: bool,
}

impl Elf {
    fn parse_header(ident: &[u8; 64]) -> Option<Elf> {
        let is_64 = match ident[4] {
            1 => false,
            2 => true,
            _ => return None,
        };
        let big_endian = match ident[5] {
            1 => false,
            2 => true,
            _ => return None,
        };
        let uint = |at: usize, size: usize| read_uint(ident, at, size, big_endian);
        let half = |at: usize| {
            let b = &ident[at..at + 2];
            Some(u64::from(if big_endian {
                u16::from_be_bytes([b[0], b[1]])
            } else {
                u16::from_le_bytes([b[0], b[1]])
            }))
        };
        // ELF header layout (System V ABI): e_shoff, then e_shentsize, e_shnum, e_shstrndx.
        let (section_offset, rest) = if is_64 {
            (uint(0x28, 8)?, 0x3A)
        } else {
            (uint(0x20, 4)?, 0x2E)
        };
        Some(Elf {
            is_64,
            big_endian,
            section_offset,
            section_entry_size: half(rest)?,
            section_count: half(rest + 2)?,
            names_index: half(rest + 4)?,
        })
    }

    fn sections(&self, file: &mut File) -> Result<Vec<Section>, String> {
        let entry = self.section_entry_size;
        let minimum = if self.is_64 { 64 } else { 40 };
        if self.section_count == 0 {
            return Ok(Vec::new());
        }
        if entry < minimum || self.section_count > 65_535 {
            return Err(format!(
                "expected section headers of at least {minimum} bytes, but found {entry} x {}",
                self.section_count
            ));
        }
        let table = read_at(file, self.section_offset, entry * self.section_count)
            .map_err(|e| format!("expected readable section headers, but {e}"))?;
        if (table.len() as u64) < entry * self.section_count {
            return Err("expected section headers, but the file ends before them".into());
        }
        let word = if self.is_64 { 8 } else { 4 };
        let field = |index: u64, at: usize, size: usize| {
            let base = usize::try_from(index * entry).ok()?;
            read_uint(&table, base + at, size, self.big_endian)
        };
        let mut sections = Vec::new();
        for index in 0..self.section_count {
            // Elf{32,64}_Shdr: sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size.
            let name = field(index, 0, 4).unwrap_or(0);
            let kind = field(index, 4, 4).unwrap_or(0);
            let address = field(index, 8 + word, word).unwrap_or(0);
            let offset = field(index, 8 + 2 * word, word).unwrap_or(0);
            let size = field(index, 8 + 3 * word, word).unwrap_or(0);
            sections.push((
                name,
                Section {
                    name: String::new(),
                    address,
                    offset,
                    size,
                    in_file: kind != 8,
                },
            ));
        }
        if let Some((_, names)) =
            sections.get(usize::try_from(self.names_index).unwrap_or(usize::MAX))
        {
            let names = read_at(file, names.offset, names.size.min(1 << 20))
                .map_err(|e| format!("expected a readable section name table, but {e}"))?;
            for (name_at, section) in &mut sections {
                let start = usize::try_from(*name_at).unwrap_or(usize::MAX);
                if let Some(bytes) = names.get(start..) {
                    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                    section.name = String::from_utf8_lossy(&bytes[..end]).into_owned();
                }
            }
        }
        Ok(sections.into_iter().map(|(_, s)| s).collect())
    }

    /// Reads `size` bytes at virtual address `address`, through the section holding it.
    fn read_virtual(
        &self,
        file: &mut File,
        sections: &[Section],
        address: u64,
        size: u64,
    ) -> Option<Vec<u8>> {
        let section = sections.iter().find(|s| {
            s.in_file && s.address != 0 && address >= s.address && address < s.address + s.size
        })?;
        let offset = section.offset + (address - section.address);
        if address + size > section.address + section.size {
            return None;
        }
        let data = read_at(file, offset, size).ok()?;
        (data.len() as u64 == size).then_some(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let mut data: &[u8] = &[3, b'a', b'b', b'c', 0x80, 0x01];
        assert_eq!(varint_string(&mut data), Some(b"abc".to_vec()));
        assert_eq!(varint_string(&mut data), None);
    }

    #[test]
    fn modinfo_lines_with_replacement() {
        let mut sink = Sink::default();
        let text = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n\
                    dep\tgolang.org/x/text\tv0.3.7\th1:x\n\
                    dep\texample.com/old\tv1.0.0\t\n=>\texample.com/new\tv1.1.0\th1:y\n\
                    dep\texample.com/local\tv0.0.0\t\n=>\t../local\t\t\n";
        modules(text.as_bytes(), &mut sink);
        let got: Vec<_> = sink
            .found
            .iter()
            .map(|f| (f.name.as_str(), f.version.as_deref(), f.source))
            .collect();
        assert_eq!(
            got,
            vec![
                ("example.com/app", None, Source::Workspace),
                ("golang.org/x/text", Some("0.3.7"), Source::Registry),
                ("example.com/new", Some("1.1.0"), Source::Registry),
                ("example.com/local", None, Source::Path),
            ]
        );
    }
}
