//! Triage of Python files before parsing (issue 7: "within time and size caps", and the
//! speed goal). Parsing is most of the inspector's cost, and most files of a library name
//! nothing the analysis reacts to: no command runner, no evaluator, no source of sensitive
//! data, no reflection, no suspicious string. One lexical pass over the file — identifiers
//! outside strings and comments, and the string literals — decides whether the syntax-tree
//! analysis could emit any signal there; a file where it could not is not parsed, and its
//! outcome is the empty one the analysis would have produced.
//!
//! The rule behind each check: every signal of [`crate::analyze`] needs either a call or
//! name it matches (and every segment of a qualified name is spelled in the file, in an
//! identifier or an import, unless it is reached by reflection, which has its own anchors),
//! or a string it scans. Network sends need no anchor of their own: a send is reported only
//! when sensitive data reaches it, and every source of such data is an anchor; the key-like
//! strings a send makes a `hardcoded-secret` are caught by the string checks. What this does
//! not follow, and the analysis does: a suspicious string split into pieces held in
//! separate variables of a file that names none of the anchors.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::analyze::{self, unescape};
use crate::indicators;

/// Names that make a file worth parsing wherever they appear.
const ANCHORS: &[&str] = &[
    // The rest of the commands and evaluators are the tails of `CMD_SINKS`, `EVAL_SINKS`
    // and `DECODERS` (see `ANCHOR_SET`).
    "popen2",
    "popen3",
    "spawnve",
    "spawnvp",
    "execle",
    "execvpe",
    "pty",
    "builtins",
    "__builtins__",
    // Sources of sensitive data (the taints in `call_sources` and `source_taint_for_name`).
    "environ",
    "environb",
    "Environ",
    "ENV",
    "getenv",
    "putenv",
    "unsetenv",
    "LookupEnv",
    "Getenv",
    "Setenv",
    "gethostname",
    "getfqdn",
    "Hostname",
    "getuser",
    "getlogin",
    "getpass",
    "userInfo",
    "homedir",
    "expanduser",
    "home",
    "getuid",
    "getcwd",
    "Getwd",
    "getsockname",
    "pyperclip",
    "read_clipboard",
    "to_clipboard",
    "clipboardy",
    "GetClipboardData",
    "SetClipboardData",
    "OpenClipboard",
    "ImageGrab",
    "pyscreenshot",
    "pyautogui",
    "mss",
    "d3dshot",
    // Reflection and dynamic imports.
    "__import__",
    "Reflect",
    "fromCharCode",
    // Calls reported on their own (`check_misc_calls`, `check_class`, `check_decorator`).
    "check_armored",
    "assert_armored",
    "WriteProcessMemory",
    "CreateRemoteThread",
    "VirtualAllocEx",
    "NtCreateThreadEx",
    "QueueUserAPC",
    "SetWindowsHookEx",
    "SetWindowsHookExA",
    "CDLL",
    "WinDLL",
    "LoadLibrary",
    "LoadLibraryA",
    "LoadLibraryW",
    "executeInject",
    "urlretrieve",
    "download_file",
    "writeFile",
    "writeFileSync",
    "WriteFile",
    "createWriteStream",
    "chmod",
    "Chmod",
    "chmodSync",
    "FileMode",
    "OpenFile",
    "reveal",
    "cmdclass",
    "bdist_egg",
    "bdist_wheel",
];

/// Names that count only when used bare, not after a dot: the analysis ignores
/// `re.compile` and `cursor.exec` (see `check_exec`).
const BARE_ANCHORS: &[&str] = &["exec", "compile"];

/// Bits of [`Lexer::words`]: words that count only together (the qualified names and
/// combinations the analysis matches).
const GETATTR: u32 = 1;
const DICT: u32 = 1 << 1;
const PLATFORM: u32 = 1 << 2;
const NODE: u32 = 1 << 3;
const DOCUMENT: u32 = 1 << 4;
const COOKIE: u32 = 1 << 5;
const OS: u32 = 1 << 6;
const HOSTNAME: u32 = 1 << 7;
const CHR: u32 = 1 << 8;
const JOIN: u32 = 1 << 9;
const PROCESS: u32 = 1 << 10;
const ENV: u32 = 1 << 11;
const GLOBALS: u32 = 1 << 12;
/// A module `getattr` reaches sensitive members of (`is_sensitive_module`).
const SENSITIVE_MODULE: u32 = 1 << 13;
/// A literal with `\x` escapes, or naming `__builtins__` (`globals()['\x65val']`).
const ESCAPED_OR_BUILTINS: u32 = 1 << 14;
const GETATTRIBUTE: u32 = 1 << 15;
/// `importlib.import_module("os")` names its result after the module.
const IMPORT_MODULE: u32 = 1 << 16;
/// A dotted name in a string with an anchor among its first segments: a module an import
/// by name (`import_module("builtins.x")`) could return.
const MODULE_LITERAL: u32 = 1 << 17;
/// `open`, and a literal binary write mode (`"wb"`).
const OPEN: u32 = 1 << 18;
const BINARY_MODE: u32 = 1 << 19;

/// The bits a word sets. A `match` rather than a set: it runs for every identifier.
fn bit(word: &str) -> u32 {
    match word {
        "__dict__" => DICT,
        "platform" => PLATFORM,
        "node" => NODE,
        "document" => DOCUMENT,
        "cookie" => COOKIE,
        "os" => OS | SENSITIVE_MODULE,
        "hostname" => HOSTNAME,
        "chr" => CHR,
        "join" => JOIN,
        "process" => PROCESS | SENSITIVE_MODULE,
        "env" => ENV,
        "globals" | "locals" => GLOBALS,
        "__getattribute__" => GETATTRIBUTE,
        "import_module" => IMPORT_MODULE,
        "open" => OPEN,
        "child_process" | "subprocess" | "builtins" | "__builtins__" | "socket" | "http"
        | "https" | "net" | "fs" | "ctypes" => SENSITIVE_MODULE,
        _ => 0,
    }
}

/// The combinations: each needs every bit of one of its masks, with what it stands for.
fn pair_rules() -> [(u32, &'static str); 11] {
    [
        // `getattr(os, ...)`, `os.__dict__[...]`, `os.__getattribute__(...)`
        // (`check_obfuscated_call`, `check_subscript`).
        (
            GETATTR | SENSITIVE_MODULE,
            "`getattr` on a sensitive module",
        ),
        (DICT | SENSITIVE_MODULE, "`__dict__` of a sensitive module"),
        (
            GETATTRIBUTE | SENSITIVE_MODULE,
            "`__getattribute__` of a sensitive module",
        ),
        // `platform.node()` (the hostname), `document.cookie`, Node's `os.hostname()`.
        (PLATFORM | NODE, "`platform.node`"),
        (DOCUMENT | COOKIE, "`document.cookie`"),
        (OS | HOSTNAME, "`os.hostname`"),
        // `"".join(chr(c) for c in codes)`, `process.env`.
        (CHR | JOIN, "`join` of `chr`"),
        (PROCESS | ENV, "`process.env`"),
        (
            GLOBALS | ESCAPED_OR_BUILTINS,
            "`globals()` with an escaped key",
        ),
        // `open(path, "wb")` (`binary-write`, `download-exec`).
        (OPEN | BINARY_MODE, "`open` with a binary write mode"),
        (
            MODULE_LITERAL | IMPORT_MODULE,
            "`import_module` of a named module",
        ),
    ]
}

/// Substrings of a string literal the analysis reacts to wherever they sit.
const LITERAL_NEEDLES: &[&str] = &[
    "LD_PRELOAD",
    "password_value",
    "encrypted_value",
    "moz_cookies",
    "moz_logins",
];

/// The run of spaces the analysis reports code hidden behind.
const SPACE_RUN: &str = concat!(
    "                                                  ",
    "                                                  "
);

/// Tails of sink names too common to anchor on: the segment before them is used instead
/// (`subprocess.run` by `subprocess`, `child_process.exec` by `child_process`).
const GENERIC_TAILS: &[&str] = &[
    "call",
    "run",
    "exec",
    "Command",
    "CommandContext",
    "fork",
    "Script",
    "loads",
];

/// Decoders whose result is only marked as decoded: it matters when it reaches an
/// evaluator or a command, which are anchors themselves.
const TAINT_ONLY_DECODERS: &[&str] = &["decompress", "decrypt", "inflate"];

/// The segment of a qualified sink name a file must spell for the sink to match.
fn anchor_of(pattern: &'static str) -> &'static str {
    let segments: Vec<&'static str> = pattern.split('.').collect();
    let mut i = segments.len() - 1;
    while i > 0 && GENERIC_TAILS.contains(&segments[i]) {
        i -= 1;
    }
    segments[i]
}

/// FNV-1a: the anchor set is looked up once per identifier of every file, where SipHash's
/// protection against chosen keys buys nothing (the keys are fixed) and costs time.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvBuild = BuildHasherDefault<Fnv>;

/// The tails of the command, evaluator and decoder tables (see [`anchor_of`]).
static SINK_ANCHORS: LazyLock<HashSet<&'static str, FnvBuild>> = LazyLock::new(|| {
    analyze::CMD_SINKS
        .iter()
        .chain(analyze::EVAL_SINKS)
        .chain(
            analyze::DECODERS
                .iter()
                .filter(|d| !TAINT_ONLY_DECODERS.contains(d)),
        )
        .filter(|p| !analyze::JS_ONLY_EVAL_SINKS.contains(p))
        .map(|p| anchor_of(p))
        .filter(|a| !BARE_ANCHORS.contains(a))
        .collect()
});

static ANCHOR_SET: LazyLock<HashSet<&'static str, FnvBuild>> = LazyLock::new(|| {
    ANCHORS
        .iter()
        .chain(analyze::SETUP_COMMANDS)
        .copied()
        .chain(SINK_ANCHORS.iter().copied())
        .collect()
});

/// Whether the syntax-tree analysis of this Python source could report anything; `false`
/// means it reports nothing, for the reasons and within the one limit the module
/// documentation gives.
pub fn python_may_signal(text: &str) -> bool {
    parse_reason(text).is_some()
}

/// Why [`python_may_signal`] holds for this source (the first reason found), for debug
/// logs and for reviewing the triage.
pub fn parse_reason(text: &str) -> Option<String> {
    // Code pushed far right behind a run of spaces, in a string or not (`run` in the
    // analysis).
    if text.contains(SPACE_RUN) {
        return Some("a run of 100 spaces".into());
    }

    let mut lexer = Lexer::new(text.as_bytes());
    lexer.run();
    if lexer.found.is_some() {
        return lexer.found;
    }
    let mut words = lexer.words;
    if lexer.getattr_on_module() {
        words |= GETATTR;
    }
    pair_rules()
        .into_iter()
        .find(|(mask, _)| words & mask == *mask)
        .map(|(_, what)| what.to_string())
}

/// What the previous significant token was, for joining adjacent or `+`-joined literals
/// the way `concatenated_string` and `binary_operator` are evaluated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Literal,
    PlusAfterLiteral,
    Dot,
    Other,
}

struct Lexer<'a> {
    src: &'a [u8],
    at: usize,
    prev: Prev,
    /// The joined contents of the current run of literals, and how many it holds.
    group: String,
    group_parts: usize,
    /// Why the file needs a parse, once that is known.
    found: Option<String>,
    /// The pair words ([`bit`]) seen, as identifiers or name-like literals.
    words: u32,
    /// Open brackets: a newline inside them does not end the statement.
    depth: usize,
    /// Whether no token has been seen yet on this logical line.
    line_start: bool,
    /// The dotted name being read (`self.mod`), and the one just before a bare `=`.
    dotted: String,
    assigned: Option<String>,
    /// Whether the last token was a sensitive module name, or `as` after one.
    after_module: bool,
    after_module_as: bool,
    /// Names bound to a sensitive module (`import os as o`, `self.m = os`).
    module_aliases: HashSet<String>,
    /// The first arguments of `getattr` calls when they are names; whether any is not.
    getattr_targets: Vec<String>,
    getattr_other_target: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            at: 0,
            prev: Prev::Other,
            group: String::new(),
            group_parts: 0,
            found: None,
            words: 0,
            depth: 0,
            line_start: true,
            dotted: String::new(),
            assigned: None,
            after_module: false,
            after_module_as: false,
            module_aliases: HashSet::new(),
            getattr_targets: Vec::new(),
            getattr_other_target: false,
        }
    }

    fn run(&mut self) {
        while self.at < self.src.len() && self.found.is_none() {
            let b = self.src[self.at];
            match b {
                b'#' => {
                    while self.at < self.src.len() && self.src[self.at] != b'\n' {
                        self.at += 1;
                    }
                    continue;
                }
                b'\n' => {
                    self.at += 1;
                    if self.depth == 0 {
                        self.line_start = true;
                    }
                    continue;
                }
                b' ' | b'\r' | b'\t' | b'\x0c' => {
                    self.at += 1;
                    continue;
                }
                // A line continuation joins lines without ending a literal run.
                b'\\' => {
                    self.at += 1;
                    while self.at < self.src.len() && matches!(self.src[self.at], b'\r' | b'\n') {
                        self.at += 1;
                    }
                }
                b'\'' | b'"' => {
                    let statement = self.line_start && self.depth == 0;
                    self.string(self.at, "", statement);
                }
                b'0'..=b'9' => {
                    while self.at < self.src.len()
                        && (self.src[self.at].is_ascii_alphanumeric()
                            || self.src[self.at] == b'_'
                            || self.src[self.at] == b'.')
                    {
                        self.at += 1;
                    }
                    self.other(Prev::Other);
                }
                _ if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => self.identifier(),
                b'.' => {
                    self.at += 1;
                    self.other(Prev::Dot);
                }
                b'=' => {
                    let before = self.at.checked_sub(1).map(|i| self.src[i]);
                    let bare = self.src.get(self.at + 1) != Some(&b'=')
                        && !before.is_some_and(|c| b"=!<>+-*/%&|^:@~".contains(&c));
                    let name = std::mem::take(&mut self.dotted);
                    self.at += 1;
                    self.other(Prev::Other);
                    if bare && !name.is_empty() {
                        self.assigned = Some(name);
                    }
                }
                b'+' => {
                    self.at += 1;
                    let next = if self.prev == Prev::Literal {
                        Prev::PlusAfterLiteral
                    } else {
                        Prev::Other
                    };
                    if next == Prev::Other {
                        self.flush();
                    }
                    self.prev = next;
                }
                _ => {
                    match b {
                        b'(' | b'[' | b'{' => self.depth += 1,
                        b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    self.at += 1;
                    self.other(Prev::Other);
                }
            }
            self.line_start = false;
        }
        self.flush();
    }

    /// A token that is neither a literal nor `+` ends a literal run.
    fn other(&mut self, prev: Prev) {
        self.flush();
        self.prev = prev;
        if prev != Prev::Dot {
            self.dotted.clear();
        }
        self.assigned = None;
        self.after_module = false;
        self.after_module_as = false;
    }

    fn identifier(&mut self) {
        let start = self.at;
        while self.at < self.src.len() {
            let c = self.src[self.at];
            if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                self.at += 1;
            } else {
                break;
            }
        }
        let raw = &self.src[start..self.at];

        // A string prefix (`r`, `b`, `f`, `rb`, `Rb`, `u`...) directly before a quote.
        if raw.len() <= 2
            && self.at < self.src.len()
            && matches!(self.src[self.at], b'\'' | b'"')
            && raw
                .iter()
                .all(|c| matches!(c.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f'))
        {
            let prefix = std::str::from_utf8(raw).unwrap_or("").to_ascii_lowercase();
            let statement = self.line_start && self.depth == 0;
            self.string(self.at, &prefix, statement);
            return;
        }

        let after_dot = self.prev == Prev::Dot;
        let mut dotted = std::mem::take(&mut self.dotted);
        let assigned = self.assigned.take();
        let after_module = self.after_module;
        let after_module_as = self.after_module_as;
        self.other(Prev::Other);
        let Ok(name) = std::str::from_utf8(raw) else {
            self.found = Some("an identifier that is not UTF-8".into());
            return;
        };
        if !after_dot {
            dotted.clear();
        } else if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(name);
        self.note_binding(name, assigned, after_module, after_module_as);
        self.dotted = dotted;
        self.check_name(name, after_dot);
    }

    /// Follows the bindings that give a name a sensitive module's value in the analysis:
    /// `import os as o` (an alias) and `o = os` (a variable named after its value).
    fn note_binding(
        &mut self,
        name: &str,
        assigned: Option<String>,
        after_module: bool,
        after_module_as: bool,
    ) {
        let module = bit(name) & SENSITIVE_MODULE != 0;
        if after_module_as {
            self.module_aliases.insert(name.to_string());
        }
        if let Some(target) = assigned {
            let next = self.src[self.at..]
                .iter()
                .find(|c| !matches!(c, b' ' | b'\t'))
                .copied();
            if module && !matches!(next, Some(b'.' | b'(' | b'[')) {
                self.module_aliases.insert(target);
            }
        }
        self.after_module = module;
        self.after_module_as = after_module && name == "as";
    }

    fn check_name(&mut self, name: &str, after_dot: bool) {
        // A sink called with no arguments (`model.eval()`, `platform.system()`) has nothing
        // to run, and `check_exec` reports nothing for it.
        let bare = !after_dot && BARE_ANCHORS.contains(&name);
        let sink = bare || SINK_ANCHORS.contains(name) && !ANCHORS.contains(&name);
        if (ANCHOR_SET.contains(name) || bare) && !(sink && self.called_without_arguments()) {
            self.found = Some(format!("names `{name}`"));
            return;
        }

        // The identifier checks of the walk: PyArmor names, `_0x` mangling, names made
        // only of underscores, and non-ASCII names (mathematical letters that normalise).
        if !name.is_ascii()
            || name.starts_with("_0x") && name.len() > 4
            || name.len() >= 4 && name.bytes().all(|c| c == b'_')
            || name.starts_with("__armor")
            || name.starts_with("__pyarmor")
        {
            self.found = Some(format!("identifier `{name}`"));
            return;
        }

        // Imports the analysis reports (`check_import`), matched lowercased as it does.
        let has = |needle: &str| {
            name.len() >= needle.len()
                && name
                    .as_bytes()
                    .windows(needle.len())
                    .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        };
        let starts = |prefix: &str| {
            name.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        if name.len() >= 6
            && (has("pytransform")
                || has("pyarmor")
                || starts("clipboard")
                || starts("browser_cookie3")
                || starts("pynput"))
        {
            self.found = Some(format!("imports `{name}`"));
            return;
        }

        // `uname` is matched as a suffix of the callee; setuptools command classes by
        // an `install` prefix (`check_class`).
        if name.ends_with("uname") || name.starts_with("install") && name.len() < 14 {
            self.found = Some(format!("names `{name}`"));
            return;
        }

        // `getattr(x, name)` matters when `x` is a sensitive module: remember what `x` is.
        if name == "getattr" {
            match self.first_argument() {
                Some(target) => self.getattr_targets.push(target),
                None => self.getattr_other_target = true,
            }
        }
        self.note_word(name);
    }

    /// Whether `()` follows.
    fn called_without_arguments(&self) -> bool {
        let mut rest = self.src[self.at..]
            .iter()
            .filter(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
        rest.next() == Some(&b'(') && rest.next() == Some(&b')')
    }

    /// The first argument of the call that follows, when it is a (dotted) name.
    fn first_argument(&self) -> Option<String> {
        let rest = &self.src[self.at..];
        let mut i = 0;
        let skip = |i: &mut usize| {
            while *i < rest.len() && matches!(rest[*i], b' ' | b'\t' | b'\r' | b'\n') {
                *i += 1;
            }
        };
        skip(&mut i);
        if rest.get(i) != Some(&b'(') {
            return None;
        }
        i += 1;
        skip(&mut i);
        let start = i;
        while i < rest.len()
            && (rest[i] == b'_' || rest[i] == b'.' || rest[i].is_ascii_alphanumeric())
        {
            i += 1;
        }
        let name = std::str::from_utf8(&rest[start..i]).ok()?.to_string();
        skip(&mut i);
        (!name.is_empty() && rest.get(i) == Some(&b',')).then_some(name)
    }

    /// Whether some `getattr` call may reach a sensitive module (`check_obfuscated_call`
    /// names its first argument's value, through imports and assignments).
    fn getattr_on_module(&self) -> bool {
        self.getattr_other_target
            || self.words & IMPORT_MODULE != 0
            || self
                .getattr_targets
                .iter()
                .any(|t| bit(t) & SENSITIVE_MODULE != 0 || self.module_aliases.contains(t))
    }

    fn note_word(&mut self, word: &str) {
        self.words |= bit(word);
    }

    /// A string literal opening at `quote`; `prefix` is its lowercased prefix, `statement`
    /// whether it opens a statement.
    fn string(&mut self, quote: usize, prefix: &str, statement: bool) {
        let q = self.src[quote];
        let triple =
            self.src.len() >= quote + 3 && self.src[quote + 1] == q && { self.src[quote + 2] == q };
        let open = if triple { 3 } else { 1 };
        let body = quote + open;
        let mut i = body;
        let mut end = None;
        while i < self.src.len() {
            let c = self.src[i];
            if c == b'\\' {
                i += 2;
                continue;
            }
            if !triple && c == b'\n' {
                break;
            }
            if c == q && (!triple || self.src.len() >= i + 3 && self.src[i + 1..i + 3] == [q, q]) {
                end = Some(i);
                break;
            }
            i += 1;
        }
        let Some(end) = end else {
            // An unterminated literal: the lexer and the parser may disagree from here on.
            let line = self.src[..quote].iter().filter(|&&c| c == b'\n').count() + 1;
            self.found = Some(format!("an unterminated string at line {line}"));
            return;
        };
        self.at = end + open;

        // A string that is a whole statement (a docstring) is skipped by the analysis.
        if statement && self.ends_statement() {
            self.other(Prev::Other);
            return;
        }
        let src = self.src;
        let content = String::from_utf8_lossy(&src[body..end]);

        // An f-string's replacement fields are code: their names count as identifiers.
        if prefix.contains('f') && content.contains('{') {
            self.fstring_fields(&content);
            if self.found.is_some() {
                return;
            }
        }
        self.check_literal(&content);
        if self.found.is_some() {
            return;
        }

        let joins = matches!(self.prev, Prev::Literal | Prev::PlusAfterLiteral);
        if !joins {
            self.flush();
        }
        self.group.push_str(&content);
        self.group_parts += 1;
        self.prev = Prev::Literal;
    }

    /// Whether only blanks and a comment follow on this line.
    fn ends_statement(&self) -> bool {
        let rest = &self.src[self.at..];
        for &c in rest {
            match c {
                b' ' | b'\t' | b'\r' => continue,
                b'\n' | b'#' => return true,
                _ => return false,
            }
        }
        true
    }

    /// Checks every word of an f-string's replacement fields as a name. Words, not tokens:
    /// a field's format spec is text, and quotes in it do not open strings.
    fn fstring_fields(&mut self, content: &str) {
        let bytes = content.as_bytes();
        let mut depth = 0usize;
        let mut i = 0;
        while i < bytes.len() && self.found.is_none() {
            let c = bytes[i];
            if depth == 0 {
                if c == b'{' && bytes.get(i + 1) == Some(&b'{') {
                    i += 2;
                    continue;
                }
                if c == b'{' {
                    depth = 1;
                }
                i += 1;
                continue;
            }
            match c {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let start = i;
                    while i < bytes.len()
                        && (bytes[i] == b'_'
                            || bytes[i].is_ascii_alphanumeric()
                            || bytes[i] >= 0x80)
                    {
                        i += 1;
                    }
                    let after_dot = start > 0 && bytes[start - 1] == b'.';
                    match std::str::from_utf8(&bytes[start..i]) {
                        Ok(word) => self.check_name(word, after_dot),
                        Err(_) => self.found = Some("an identifier that is not UTF-8".into()),
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// Ends a run of joined literals, checking the joined value when there were several.
    fn flush(&mut self) {
        if self.group_parts >= 2 && self.found.is_none() {
            let joined = std::mem::take(&mut self.group);
            self.check_literal(&joined);
        }
        self.group.clear();
        self.group_parts = 0;
    }

    /// The string checks of the analysis (`check_string_root`, the literal arguments of
    /// `check_obfuscated_call` and `check_misc_calls`), on a literal's contents.
    fn check_literal(&mut self, content: &str) {
        if content.contains("\\x") || content.contains("__builtins__") {
            self.words |= ESCAPED_OR_BUILTINS;
        }
        // A module or member named in a string reaches the same place as the name
        // (`importlib.import_module("os")`, `getattr(m, "node")`).
        let trimmed = content.trim();
        if trimmed.len() <= 64 && is_name_like(trimmed) {
            for seg in trimmed.split('.') {
                self.note_word(seg);
                if ANCHOR_SET.contains(seg) || BARE_ANCHORS.contains(&seg) {
                    self.words |= MODULE_LITERAL;
                }
            }
        }

        // A binary write mode matters to `open` (`check_misc_calls`).
        if content.len() <= 4
            && content.contains('b')
            && (content.contains('w') || content == "ab")
            && content.bytes().all(|c| b"rwxabtU+".contains(&c))
        {
            self.words |= BINARY_MODE;
        }
        let reason = literal_reason(content).or_else(|| {
            content
                .contains('\\')
                .then(|| literal_reason(&unescape(content)))
                .flatten()
        });
        if let Some(reason) = reason {
            let shown: String = content.chars().take(40).collect();
            self.found = Some(format!("{reason} in string {shown:?}"));
        }
    }
}

/// A dotted name, as a string may hold one.
fn is_name_like(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c == b'_' || c == b'.' || c.is_ascii_alphanumeric())
}

/// Which string check of the analysis could fire on this literal, if any.
fn literal_reason(s: &str) -> Option<&'static str> {
    let trimmed = s.trim();

    // A name held in a string reaches the same call as the name (a subscript or
    // reflection with a constant key).
    // Only the last segment of a dotted one is matched as a callee; its other segments
    // name modules (see `MODULE_LITERAL`).
    let last = trimmed.rsplit('.').next().unwrap_or(trimmed);
    if trimmed.len() <= 64
        && is_name_like(trimmed)
        && (ANCHOR_SET.contains(last) || BARE_ANCHORS.contains(&last))
    {
        return Some("a name");
    }

    // Codec names (`codecs.decode(x, "rot13")`, `s.decode("base64")`, `cp1026`), a binary
    // write mode, and `python -c` argument vectors.
    let short = trimmed.len() <= 13;
    let codec = || trimmed.to_ascii_lowercase().replace(['_', '-'], "");
    if short
        && matches!(
            codec().as_str(),
            "base64" | "hex" | "rot13" | "zlib" | "bz2" | "uu" | "hexcodec" | "base64codec"
        )
        || trimmed
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("cp10") || p.eq_ignore_ascii_case("cp50"))
        || s == "-c"
    {
        return Some("a codec or interpreter flag");
    }
    if LITERAL_NEEDLES.iter().any(|n| s.contains(n)) {
        return Some("a watched word");
    }

    // A hex-encoded text passed as a single argument (`check_obfuscated_call`).
    if s.len() >= 6 && s.len().is_multiple_of(2) && s.bytes().all(|c| c.is_ascii_hexdigit()) {
        let bytes: Vec<u8> = (0..s.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
            .collect();
        if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
            && bytes.iter().any(|b| b.is_ascii_alphabetic())
        {
            return Some("hex-encoded text");
        }
    }

    // Long strings of escaped bytes, key-like constants and every indicator.
    if s.len() > 2000 && !s.is_ascii() {
        let chars = s.chars().count();
        if s.chars().filter(|c| !c.is_ascii()).count() * 2 > chars {
            return Some("escaped bytes");
        }
    }
    if indicators::is_key_like(s) {
        return Some("a key-like value");
    }
    indicators::scan_string(s).first().map(|f| f.code)
}

#[cfg(test)]
mod tests {
    use super::{anchor_of, python_may_signal, ANCHOR_SET};

    #[test]
    fn sinks_are_anchored_by_a_segment_code_must_spell() {
        assert_eq!(anchor_of("subprocess.run"), "subprocess");
        assert_eq!(anchor_of("child_process.exec"), "child_process");
        assert_eq!(anchor_of("os.system"), "system");
        assert_eq!(anchor_of("marshal.loads"), "marshal");
        for name in [
            "system",
            "Popen",
            "check_output",
            "eval",
            "b64decode",
            "fromhex",
        ] {
            assert!(ANCHOR_SET.contains(name), "{name}");
        }
        for name in ["exec", "compile", "decompress", "get", "post"] {
            assert!(!ANCHOR_SET.contains(name), "{name}");
        }
    }

    #[test]
    fn plain_library_code_needs_no_parse() {
        let src = r#"
import re
from typing import Any

PATTERN = re.compile(r"\d+")  # re.compile is not the builtin

class Model:
    """A model. See https://example.com/docs for the system design."""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self):
        return "Model(" + repr(self.to_dict()) + ")"
"#;
        assert!(!python_may_signal(src));
    }

    #[test]
    fn anchors_in_code_need_a_parse() {
        for src in [
            "import os\nos.system('ls')\n",
            "from os import environ as e\nprint(dict(e))\n",
            "exec(x)\n",
            "compile(src, 'f', 'exec')\n",
            "import socket\nh = socket.gethostname()\n",
            "x = __import__(name)\n",
            "import os\nf = getattr(os, 'sys' + 'tem')\n",
            "import os as o\nf = getattr(o, name)\n",
            "import os\nself.m = os\nf = getattr(self.m, name)\n",
            "import importlib\nm = importlib.import_module('os')\nf = getattr(m, name)\n",
            "f = getattr(__import__('os'), name)\n",
            "import os\nf = getattr(mods['os'], name)\n",
            "_0x1f2e = 1\n",
            "class C(install):\n    def run(self): pass\n",
            "setup(cmdclass={'install': C})\n",
            "v = f'{os.getenv(\"X\")}'\n",
            "ℯval = 1\n",
        ] {
            assert!(python_may_signal(src), "{src}");
        }
    }

    #[test]
    fn strings_the_analysis_scans_need_a_parse() {
        for src in [
            "URL = 'https://collector.azurecontainerapps.io/x'\n",
            "URL = 'https://collector.' 'azurecontainerapps.io/x'\n",
            "URL = 'https://collector.' + 'azurecontainerapps.io/x'\n",
            "p = '~/.ssh/id_rsa'\n",
            "KEY = 'Zk3pQ9xLm2Vt7Rb4Hs8Wd1Ny'\n",
            "fh = open(path, 'wb')\n",
            "import importlib\nm = importlib.import_module('builtins.x')\n",
            "cmd = ['python', '-c', code]\n",
            "s = 'hello'.encode('rot13')\n",
            "d['system']('ls')\n",
            "t = '68656c6c6f20776f726c64'\n",
        ] {
            assert!(python_may_signal(src), "{src}");
        }
    }

    #[test]
    fn sinks_called_without_arguments_need_no_parse() {
        assert!(!python_may_signal(
            "model.eval()\nname = platform.system()\n"
        ));
        assert!(python_may_signal("model.eval(expr)\n"));
        assert!(python_may_signal("run = os.system\n"));
    }

    #[test]
    fn getattr_on_other_objects_needs_no_parse() {
        let src = "import os\npath = os.path.join(a, b)\nv = getattr(obj, name)\n";
        assert!(!python_may_signal(src));
        let src = "import os\nm = os.path\nv = getattr(m, name)\n";
        assert!(!python_may_signal(src));
    }

    #[test]
    fn comments_and_other_strings_do_not_count() {
        let src = "# os.system('rm -rf /') is what we never do\nx = 'system call'\n";
        assert!(!python_may_signal(src));
        let src = "s = \"it's \\\"quoted\\\" eval\"\ny = 1\n";
        assert!(!python_may_signal(src));
    }

    #[test]
    fn a_run_of_spaces_hiding_code_needs_a_parse() {
        let src = format!("x = 1{}; import os\n", " ".repeat(120));
        assert!(python_may_signal(&src));
    }

    #[test]
    fn an_unterminated_string_needs_a_parse() {
        assert!(python_may_signal("x = '''never closed\n"));
    }
}
