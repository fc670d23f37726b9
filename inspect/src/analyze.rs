//! Source analysis through syntax trees (issue 7, "Analysis"): one walk over a file's
//! tree-sitter tree in source order resolves import aliases, follows string constants and
//! data through simple assignments, attributes each call to its function, and checks every
//! call, string and name against the behaviours malicious packages show.
//!
//! Values carry *taint*: where the data came from (the whole environment, the hostname, a
//! credential file, something decoded, a network response). A sink — a network send, an
//! exec, a DNS lookup — reports what reaches it; the sources that reached it are reported
//! too, each at its own line, so the evidence chain reads source by source.

// Arms of the node-kind matches keep their own conditions for readability.
#![allow(clippy::collapsible_match)]

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::LazyLock;
use std::time::Duration;

use tree_sitter::Node;

use crate::indicators::{self, Finding};
use crate::lang::{self, FieldOf, Kind as K, Lang};
use crate::{FileNote, Limits, Severity, Signal, SourceFile};

/// The analysis's maps and sets hash with foldhash, seeded per process: SipHash, the
/// standard hasher, cost a few percent of the walk (a lookup for nearly every node), and a
/// per-process seed still keeps crafted identifiers from colliding on purpose.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// See [`HashMap`].
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// Where data came from (bit flags).
pub mod taint {
    /// The whole environment (iterated, copied or serialized).
    pub const ENV_ALL: u32 = 1;
    /// One ordinary environment variable.
    pub const ENV_VAR: u32 = 1 << 1;
    /// A credential-like environment variable (token, secret, key, password).
    pub const ENV_SECRET: u32 = 1 << 2;
    /// Hostname.
    pub const HOST: u32 = 1 << 3;
    /// User name or home.
    pub const USER: u32 = 1 << 4;
    /// Platform, OS release, machine details.
    pub const PLATFORM: u32 = 1 << 5;
    /// Public or local IP address.
    pub const IP: u32 = 1 << 6;
    /// A credential or wallet file.
    pub const CRED: u32 = 1 << 7;
    /// Browser cookies or passwords.
    pub const BROWSER: u32 = 1 << 8;
    /// Clipboard contents.
    pub const CLIPBOARD: u32 = 1 << 9;
    /// Decoded, decrypted or decompressed data.
    pub const DECODED: u32 = 1 << 10;
    /// A network response or connection.
    pub const NETWORK: u32 = 1 << 11;
    /// Contents of an ordinary file.
    pub const FILE_READ: u32 = 1 << 12;
    /// Working directory.
    pub const CWD: u32 = 1 << 13;
    /// Screenshot.
    pub const SCREEN: u32 = 1 << 14;

    /// Data whose sending is exfiltration.
    pub const SENSITIVE: u32 =
        ENV_ALL | ENV_SECRET | HOST | USER | IP | CRED | BROWSER | CLIPBOARD | CWD | SCREEN;
    /// The fingerprint kinds.
    pub const FINGERPRINT: u32 = HOST | USER | PLATFORM | IP | CWD;
}

/// The abstract value of an expression.
#[derive(Debug, Clone, Default)]
struct Val {
    /// The constant string, when it can be computed (joined through `+`, f-strings, joins).
    s: Option<String>,
    /// Strings of a list literal (commands as argument vectors).
    list: Vec<Option<String>>,
    /// The qualified name (`os.environ`, `subprocess.Popen`) for names and attributes.
    name: Option<String>,
    /// Where the data came from.
    taint: u32,
    /// Source lines that contributed taint: (taint bit, line).
    origins: Vec<(u32, usize)>,
    /// A callable defined in this file (a function name), for thread targets.
    func: Option<String>,
    /// The line the variable was bound at.
    def_line: usize,
}

impl Val {
    fn string(s: String) -> Val {
        Val {
            s: Some(s),
            ..Val::default()
        }
    }

    fn absorb(&mut self, other: &Val) {
        self.taint |= other.taint;
        for o in &other.origins {
            if self.origins.len() < 24 && !self.origins.contains(o) {
                self.origins.push(*o);
            }
        }
    }

    fn with_taint(mut self, bit: u32, line: usize) -> Val {
        self.taint |= bit;
        if !self.origins.contains(&(bit, line)) {
            self.origins.push((bit, line));
        }
        self
    }
}

/// The result of analysing one file.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Whether the file was analysed (it is code or a manifest).
    pub analyzed: bool,
    /// Whether it was parsed into a syntax tree (not triaged out, capped or timed out).
    pub parsed: bool,
    /// The signals found.
    pub signals: Vec<Signal>,
    /// Caps that applied.
    pub notes: Vec<FileNote>,
}

/// Analyses one file of a package. `documented` is the package's documentation text,
/// used to tell documented environment variables from undocumented ones.
pub fn analyze_file(file: &SourceFile, limits: &Limits, documented: &str) -> Outcome {
    let mut outcome = Outcome::default();
    let name = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&file.path)
        .to_ascii_lowercase();
    let lang = Lang::detect(&file.path);
    let is_pth = name.ends_with(".pth");
    let is_exe = name.ends_with(".exe") || name.ends_with(".dll");

    if is_exe {
        outcome.signals.push(signal_at(
            &file.path,
            1,
            "bundled-executable",
            Severity::Low,
            "a Windows executable or DLL ships inside the package",
            "",
            vec![],
            "<file>",
        ));
        return outcome;
    }
    if lang.is_none() && !is_pth {
        return outcome;
    }

    // Binary content is not code, whatever the name says.
    let head = &file.bytes[..file.bytes.len().min(8192)];
    if head.contains(&0) {
        outcome.notes.push(FileNote {
            file: file.path.clone(),
            reason: "binary".into(),
            detail: format!("{} bytes with NUL bytes, not read as code", file.full_size),
        });
        return outcome;
    }
    let text = String::from_utf8_lossy(&file.bytes);
    outcome.analyzed = true;
    if file.full_size > file.bytes.len() as u64 {
        outcome.notes.push(FileNote {
            file: file.path.clone(),
            reason: "too-large".into(),
            detail: format!(
                "{} bytes, read the first {} bytes only",
                file.full_size,
                file.bytes.len()
            ),
        });
    }

    if is_pth {
        outcome.signals.extend(analyze_pth(&file.path, &text));
        return outcome;
    }
    let lang = lang.expect("checked above");

    // Test suites are not judged (see verdict); their strings are still scanned for
    // endpoints and payloads, which costs a fraction of a parse.
    if crate::is_test_path(&file.path) {
        outcome.notes.push(FileNote {
            file: file.path.clone(),
            reason: "test-suite".into(),
            detail: "test file: strings scanned, not parsed".into(),
        });
        outcome.signals.extend(scan_text_only(&file.path, &text));
        return outcome;
    }
    let minified = is_minified(&text);
    if text.len() > limits.max_parse_bytes {
        outcome.notes.push(FileNote {
            file: file.path.clone(),
            reason: if minified { "minified" } else { "too-large" }.into(),
            detail: format!(
                "{} bytes, above the {}-byte parse cap: strings scanned, not parsed",
                text.len(),
                limits.max_parse_bytes
            ),
        });
        outcome.signals.extend(scan_text_only(&file.path, &text));
        return outcome;
    }
    if minified {
        outcome.notes.push(FileNote {
            file: file.path.clone(),
            reason: "minified".into(),
            detail: format!(
                "{} bytes in long lines, parsed within the time cap",
                text.len()
            ),
        });
    }

    // Most library files name nothing the analysis reacts to (see `triage`); setup scripts
    // are always parsed, since what they do runs at install time.
    if limits.triage
        && lang == Lang::Python
        && name != "setup.py"
        && !crate::triage::python_may_signal(&text)
    {
        return outcome;
    }

    let timeout = Duration::from_millis(limits.parse_timeout_ms);
    match lang::parse(lang, &text, timeout) {
        Ok(tree) => {
            outcome.parsed = true;
            let mut analyzer = Analyzer::new(lang, &file.path, &text, documented, minified);
            analyzer.run(tree.root_node());
            outcome.signals = analyzer.finish();
        }
        Err(failure) => {
            outcome.notes.push(FileNote {
                file: file.path.clone(),
                reason: "parse-timeout".into(),
                detail: format!("{failure:?}: strings scanned, not parsed"),
            });
            outcome.signals.extend(scan_text_only(&file.path, &text));
        }
    }
    outcome
}

/// Analyses source text directly (used by tests and by single-file inputs).
pub fn analyze_source(path: &str, text: &str) -> Vec<Signal> {
    let file = SourceFile {
        path: path.to_string(),
        bytes: text.as_bytes().to_vec(),
        full_size: text.len() as u64,
    };
    analyze_file(&file, &Limits::default(), "").signals
}

/// Minified or generated: long lines on average, or one very long line.
fn is_minified(text: &str) -> bool {
    if text.len() < 20_000 {
        return false;
    }
    let lines = text.lines().count().max(1);
    text.len() / lines > 500
}

#[allow(clippy::too_many_arguments)]
fn signal_at(
    file: &str,
    line: usize,
    code: &str,
    severity: Severity,
    message: &str,
    excerpt: &str,
    indicators: Vec<String>,
    function: &str,
) -> Signal {
    Signal {
        code: code.to_string(),
        severity,
        file: file.to_string(),
        line,
        excerpt: excerpt.to_string(),
        indicators,
        message: message.to_string(),
        function: function.to_string(),
    }
}

fn excerpt_of(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.chars().count() > 160 {
        let mut cut: String = trimmed.chars().take(157).collect();
        cut.push_str("...");
        cut
    } else {
        trimmed.to_string()
    }
}

/// A `.pth` file runs its `import` lines at every interpreter start.
fn analyze_pth(path: &str, text: &str) -> Vec<Signal> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_start();
        if l.starts_with("import ") || l.starts_with("import\t") {
            let lower = l.to_ascii_lowercase();
            let bad = [
                "exec",
                "eval",
                "b64decode",
                "urlopen",
                "subprocess",
                "system",
                "socket",
            ];
            let severity = if bad.iter().any(|b| lower.contains(b)) {
                Severity::High
            } else {
                Severity::Low
            };
            out.push(signal_at(
                path,
                i + 1,
                "pth-exec",
                severity,
                "a .pth file runs code at every Python start-up",
                &excerpt_of(line),
                vec![],
                "<module>",
            ));
        }
    }
    out
}

/// Files too large to parse: only string-level indicators, line by line.
fn scan_text_only(path: &str, text: &str) -> Vec<Signal> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if out.len() > 200 {
            break;
        }
        for (start, s) in quoted_strings(line) {
            for f in indicators::scan_string(s) {
                out.push(signal_at(
                    path,
                    i + 1,
                    f.code,
                    f.severity,
                    &f.message,
                    &excerpt_of(&line[start..]),
                    vec![f.indicator],
                    "<unparsed>",
                ));
            }
        }
    }
    out
}

/// Fewest and most characters a quoted string of an unparsed file may hold to be scanned:
/// shorter ones hold no indicator, longer ones are data blobs.
const QUOTED_CHARS: std::ops::RangeInclusive<usize> = 6..=2000;

/// The single- or double-quoted strings of one line without escapes, as the byte offset of
/// the opening quote and the contents. Leftmost first: a quote that opens no string of
/// [`QUOTED_CHARS`] characters is skipped and the search goes on from the next character,
/// as a regex search for `"[^"\\\n]{6,2000}"|'[^'\\\n]{6,2000}'` would. A hand-written scan
/// because that bounded repetition is too large for a regex DFA, and the regex fallback
/// engines took a tenth of the inspector's time on test suites and large files.
fn quoted_strings(line: &str) -> Vec<(usize, &str)> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let quote = bytes[at];
        if quote != b'"' && quote != b'\'' {
            at += 1;
            continue;
        }
        let body = at + 1;
        let end = bytes[body..]
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n')
            .map(|n| body + n);
        match end {
            // Quotes, backslashes and newlines are ASCII, so both ends are char boundaries.
            Some(end)
                if bytes[end] == quote
                    && QUOTED_CHARS.contains(&line[body..end].chars().count()) =>
            {
                found.push((at, &line[body..end]));
                at = end + 1;
            }
            _ => at += 1,
        }
    }
    found
}

/// A thread/timer/process start whose target is a function of this file.
struct BackgroundStart {
    target: String,
    line: usize,
    function: String,
    what: &'static str,
}

/// A call's callee and arguments, as [`Analyzer::call_parts`] finds them.
struct CallParts<'t> {
    /// The qualified callee name.
    callee: String,
    /// The callee expression (the function or the receiver).
    callee_node: Option<Node<'t>>,
    /// Positional arguments.
    args: Vec<Node<'t>>,
    /// Keyword arguments: (name, value).
    kwargs: Vec<(String, Node<'t>)>,
}

/// A hard-coded endpoint overridden by an environment variable.
struct EnvOverride {
    var: String,
    line: usize,
    endpoint: String,
    function: String,
}

struct Analyzer<'a> {
    lang: Lang,
    path: &'a str,
    src: &'a str,
    lines: Vec<&'a str>,
    documented: &'a str,
    minified: bool,
    aliases: HashMap<String, String>,
    /// The grammar's field ids.
    fields: &'static lang::Fields,
    /// The grammar's node kinds by id.
    kind_ids: &'static lang::Kinds,
    vars: HashMap<String, Val>,
    memo: HashMap<usize, Rc<Val>>,
    func_stack: Vec<String>,
    class_stack: Vec<String>,
    /// Cursors to reuse: making one allocates, and evaluation visits children of most nodes.
    cursors: Vec<tree_sitter::TreeCursor<'a>>,
    /// The kinds of the nodes above the one being walked, innermost last.
    kinds: Vec<K>,
    signals: Vec<Signal>,
    /// Functions that send over the network.
    net_funcs: HashSet<String>,
    /// Functions that send collected data (exfiltration).
    exfil_funcs: HashSet<String>,
    /// Functions each function calls (simple names).
    calls: HashMap<String, HashSet<String>>,
    background: Vec<BackgroundStart>,
    env_overrides: Vec<EnvOverride>,
    /// Key-like constants: (line, value, function).
    keys: Vec<(usize, String, String)>,
    /// Lines of network sinks (for keys near outbound calls).
    net_lines: Vec<usize>,
    /// Ruby: `require` of a network library (line, library).
    ruby_requires: Vec<(usize, String)>,
    /// What each function of this file returns (for calls to local helpers).
    returns: HashMap<String, Val>,
    top_level_net: bool,
    depth: usize,
    obfuscated_names: usize,
    in_main_guard: usize,
}

/// Names whose last segment marks a network send. (segment pattern, all languages)
pub(crate) const NET_SINKS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.request",
    "requests.head",
    "requests.delete",
    "Session.post",
    "Session.get",
    "Session.request",
    "urllib.request.urlopen",
    "urllib2.urlopen",
    "urllib.urlopen",
    "urlopen",
    "urllib.request.Request",
    "urllib2.Request",
    "request.Request",
    "urlrequest.urlopen",
    "urlrequest.Request",
    "httpx.post",
    "httpx.get",
    "httpx.put",
    "httpx.request",
    "Client.post",
    "AsyncClient.post",
    "aiohttp.ClientSession.post",
    "ClientSession.post",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "HTTPConnection.request",
    "HTTPSConnection.request",
    "urllib3.request",
    "PoolManager.request",
    "urllib3.Request",
    "pycurl.Curl",
    "socket.create_connection",
    "smtplib.SMTP",
    "ftplib.FTP",
    "http.request",
    "https.request",
    "http.get",
    "https.get",
    "fetch",
    "axios",
    "axios.post",
    "axios.get",
    "axios.put",
    "axios.request",
    "got",
    "got.post",
    "needle",
    "needle.post",
    "superagent.post",
    "request.post",
    "node-fetch",
    "XMLHttpRequest",
    "navigator.sendBeacon",
    "net.connect",
    "net.createConnection",
    "tls.connect",
    "WebSocket",
    "http.Post",
    "http.Get",
    "http.PostForm",
    "http.NewRequest",
    "net.Dial",
    "tls.Dial",
    "websocket.Dial",
    "net.DialTimeout",
    "Net.HTTP.get",
    "Net.HTTP.post",
    "Net.HTTP.start",
    "Net.HTTP.post_form",
    "HTTParty.post",
    "HTTParty.get",
    "RestClient.post",
    "RestClient.get",
    "Faraday.post",
    "Faraday.get",
    "URI.open",
    "TCPSocket.new",
    "TCPSocket.open",
];

/// DNS lookups: data put in the name is exfiltrated through the resolver.
const DNS_SINKS: &[&str] = &[
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.getaddrinfo",
    "dns.resolver.query",
    "dns.resolver.resolve",
    "Resolver.query",
    "Resolver.resolve",
    "DNSResolver.query",
    "dns.lookup",
    "dns.resolve",
    "dns.resolve4",
    "dns.resolveTxt",
    "net.LookupHost",
    "net.LookupTXT",
    "net.LookupIP",
    "Resolv.getaddress",
];

/// Calls that run a command.
pub(crate) const CMD_SINKS: &[&str] = &[
    "os.system",
    "os.popen",
    "os.execv",
    "os.execve",
    "os.execl",
    "os.execlp",
    "os.execvp",
    "os.spawnl",
    "os.spawnv",
    "os.spawnlp",
    "os.startfile",
    "popen",
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.run",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "pty.spawn",
    "child_process.exec",
    "child_process.execSync",
    "child_process.spawn",
    "child_process.spawnSync",
    "child_process.execFile",
    "child_process.execFileSync",
    "child_process.fork",
    "process.spawn",
    "shelljs.exec",
    "execa",
    "exec.Command",
    "exec.CommandContext",
    "os.StartProcess",
    "syscall.Exec",
    "syscall.ForkExec",
    "Kernel.system",
    "Kernel.exec",
    "Kernel.spawn",
    "IO.popen",
    "Open3.capture3",
    "Open3.capture2",
    "Open3.popen3",
    "Open3.popen2",
    "Process.spawn",
    "Popen",
    "check_output",
    "check_call",
    "getoutput",
    "spawnSync",
    "execSync",
    "system",
    "spawn",
];

/// The setuptools commands whose classes a setup script may override to run at install
/// (with `bdist_egg` for subclasses and `bdist_wheel` for `cmdclass` entries).
pub(crate) const SETUP_COMMANDS: &[&str] = &[
    "install",
    "develop",
    "egg_info",
    "build_py",
    "build_ext",
    "sdist",
];

/// Calls that evaluate code.
pub(crate) const EVAL_SINKS: &[&str] = &[
    "exec",
    "eval",
    "compile",
    "execfile",
    "builtins.exec",
    "builtins.eval",
    "builtins.compile",
    "__builtins__.exec",
    "__builtins__.eval",
    "Function",
    "vm.runInThisContext",
    "vm.runInNewContext",
    "vm.runInContext",
    "vm.Script",
    "instance_eval",
    "class_eval",
    "module_eval",
    "Kernel.eval",
    "binding.eval",
];

/// Evaluators only JavaScript has: Python's `Function` is an ordinary class (SymPy's).
pub(crate) const JS_ONLY_EVAL_SINKS: &[&str] = &["Function"];

/// Calls whose result is decoded data.
pub(crate) const DECODERS: &[&str] = &[
    "b64decode",
    "b32decode",
    "b16decode",
    "a85decode",
    "b85decode",
    "urlsafe_b64decode",
    "decodebytes",
    "decodestring",
    "unhexlify",
    "a2b_base64",
    "a2b_hex",
    "fromhex",
    "decompress",
    "marshal.loads",
    "atob",
    "fromCharCode",
    "DecodeString",
    "decode64",
    "strict_decode64",
    "urlsafe_decode64",
    "decrypt",
    "inflateSync",
    "gunzipSync",
    "unzipSync",
    "reveal",
    "unpack1",
    "inflate",
    "NewDecoder",
    "AppendDecode",
];

fn ends_with_any(q: &str, pats: &[&str]) -> bool {
    let last = q.as_bytes().last();
    pats.iter().any(|p| {
        // Most patterns end in another byte: one byte compared spares a string comparison
        // (every call is matched against the lists of sinks, one pattern at a time).
        if p.as_bytes().last().is_some_and(|b| Some(b) != last) {
            return false;
        }
        q == *p
            || q.len() > p.len() && q.ends_with(p) && q.as_bytes()[q.len() - p.len() - 1] == b'.'
    })
}

/// A long pattern list for [`ends_with_any`], grouped by last segment once: a name can
/// only match a pattern with its own last segment, and every call was matched against
/// each of the long sink lists pattern by pattern.
struct PatternIndex(HashMap<&'static str, Vec<&'static str>>);

impl PatternIndex {
    fn of(patterns: &[&'static str]) -> PatternIndex {
        let mut by_last: HashMap<&'static str, Vec<&'static str>> = HashMap::default();
        for p in patterns {
            by_last.entry(last_seg(p)).or_default().push(p);
        }
        PatternIndex(by_last)
    }

    /// `ends_with_any(q, patterns)`.
    fn matches(&self, q: &str) -> bool {
        self.0
            .get(last_seg(q))
            .is_some_and(|pats| ends_with_any(q, pats))
    }
}

static NET_INDEX: LazyLock<PatternIndex> = LazyLock::new(|| PatternIndex::of(NET_SINKS));
static DNS_INDEX: LazyLock<PatternIndex> = LazyLock::new(|| PatternIndex::of(DNS_SINKS));
static CMD_INDEX: LazyLock<PatternIndex> = LazyLock::new(|| PatternIndex::of(CMD_SINKS));
static EVAL_INDEX: LazyLock<PatternIndex> = LazyLock::new(|| PatternIndex::of(EVAL_SINKS));

/// Keeps qualified names short: only their tail matters for matching, and callee texts of
/// chained calls can be kilobytes long.
fn cap_name(mut name: String) -> String {
    const MAX: usize = 160;
    if name.len() > MAX {
        let mut cut = name.len() - MAX;
        while !name.is_char_boundary(cut) {
            cut += 1;
        }
        name = name.split_off(cut);
    }
    name
}

/// The key a bound name is kept under: `this.x` and `self.x` are one.
fn key_of(text: &str) -> Cow<'_, str> {
    if text.contains("this.") {
        Cow::Owned(text.replace("this.", "self."))
    } else {
        Cow::Borrowed(text)
    }
}

fn last_seg(q: &str) -> &str {
    q.rsplit('.').next().unwrap_or(q)
}

/// Credential-like environment variable names.
fn is_secret_env(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "SECRET",
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// Programs that build tools and setup scripts run routinely.
const BENIGN_PROGRAMS: &[&str] = &[
    "python",
    "python3",
    "python2",
    "pip",
    "pip3",
    "git",
    "cmake",
    "make",
    "gcc",
    "g++",
    "cc",
    "c++",
    "clang",
    "pkg-config",
    "twine",
    "gpg",
    "coverage",
    "pandoc",
    "docker",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "node",
    "cd",
    "sphinx-build",
    "pytest",
    "tox",
    "ninja",
    "meson",
    "cargo",
    "rustc",
    "go",
    "java",
    "javac",
    "mvn",
    "uname",
    "which",
    "where",
    "nvcc",
    "xcrun",
    "sw_vers",
    "lsb_release",
    "nproc",
    "sysctl",
    "ldconfig",
    "brew",
    "hg",
    "svn",
    "tar",
    "ls",
    "echo",
    "cat",
    "sh",
    "bash",
    "cl",
    "link",
    "lib",
    "swig",
    "cython",
    "protoc",
    "patch",
    "xcode-select",
    "ldd",
    "otool",
    "install_name_tool",
    "strip",
    "ar",
    "ranlib",
    "dpkg",
    "rpm",
    "getconf",
    "wmic",
    "reg",
    "nvidia-smi",
    "ps",
    "id",
    "whoami",
    "hostname",
    "uv",
    "conda",
    "mypy",
    "black",
    "ruff",
    "flake8",
    "isort",
    "pre-commit",
    "poetry",
    "hatch",
    "pdm",
    "tsc",
    "esbuild",
    "webpack",
    "rollup",
    "vite",
    "jest",
    "mocha",
    "eslint",
    "prettier",
    "open",
    "xdg-open",
    "explorer",
    "less",
    "more",
    "vim",
    "vi",
    "nano",
    "code",
    "stty",
    "tput",
    "tty",
    "locale",
    "df",
    "du",
    "file",
    "env",
    "true",
    "false",
    "test",
    "grep",
    "sed",
    "awk",
    "sort",
    "head",
    "tail",
    "cp",
    "mv",
    "mkdir",
    "touch",
    "ln",
    "node-gyp",
];

/// Programs that malware starts.
const BAD_PROGRAMS: &[&str] = &[
    "powershell",
    "powershell.exe",
    "pwsh",
    "cmd",
    "cmd.exe",
    "start",
    "curl",
    "wget",
    "rundll32",
    "mshta",
    "certutil",
    "bitsadmin",
    "regsvr32",
    "nc",
    "ncat",
    "netcat",
    "osascript",
    "schtasks",
    "reg.exe",
    "wscript",
    "cscript",
    "chmod",
    "rm",
    "del",
    "taskkill",
];

impl<'a> Analyzer<'a> {
    fn new(lang: Lang, path: &'a str, src: &'a str, documented: &'a str, minified: bool) -> Self {
        Analyzer {
            lang,
            fields: lang.fields(),
            kind_ids: lang.kinds(),
            path,
            src,
            lines: src.lines().collect(),
            documented,
            minified,
            aliases: HashMap::default(),
            vars: HashMap::default(),
            memo: HashMap::default(),
            func_stack: Vec::new(),
            class_stack: Vec::new(),
            kinds: Vec::new(),
            cursors: Vec::new(),
            signals: Vec::new(),
            net_funcs: HashSet::default(),
            exfil_funcs: HashSet::default(),
            calls: HashMap::default(),
            background: Vec::new(),
            env_overrides: Vec::new(),
            keys: Vec::new(),
            net_lines: Vec::new(),
            ruby_requires: Vec::new(),
            returns: HashMap::default(),
            top_level_net: false,
            depth: 0,
            obfuscated_names: 0,
            in_main_guard: 0,
        }
    }

    fn text(&self, node: Node<'a>) -> &'a str {
        // A slice of the parsed text is UTF-8 exactly when it starts and ends on character
        // boundaries, which `get` checks; `Node::utf8_text` validated every byte instead.
        self.src.get(node.byte_range()).unwrap_or("")
    }

    /// A cursor on `node`, reused if one was given back with [`Analyzer::give_back`].
    fn cursor(&mut self, node: Node<'a>) -> tree_sitter::TreeCursor<'a> {
        match self.cursors.pop() {
            Some(mut cursor) => {
                cursor.reset(node);
                cursor
            }
            None => node.walk(),
        }
    }

    fn give_back(&mut self, cursor: tree_sitter::TreeCursor<'a>) {
        self.cursors.push(cursor);
    }

    fn kind_of(&self, node: Node<'a>) -> K {
        self.kind_ids.of(node)
    }

    fn line(node: Node<'a>) -> usize {
        node.start_position().row + 1
    }

    fn function(&self) -> String {
        self.func_stack
            .last()
            .cloned()
            .unwrap_or_else(|| "<module>".into())
    }

    fn excerpt(&self, line: usize) -> String {
        self.lines
            .get(line.saturating_sub(1))
            .map(|l| excerpt_of(l))
            .unwrap_or_default()
    }

    fn emit(
        &mut self,
        line: usize,
        code: &str,
        severity: Severity,
        message: String,
        indicators: Vec<String>,
    ) {
        let excerpt = self.excerpt(line);
        let function = self.function();
        if let Some(existing) = self
            .signals
            .iter_mut()
            .find(|s| s.line == line && s.code == code)
        {
            if severity > existing.severity {
                existing.severity = severity;
                existing.message = message;
            }
            for i in indicators {
                if !existing.indicators.contains(&i) {
                    existing.indicators.push(i);
                }
            }
            return;
        }
        self.signals.push(signal_at(
            self.path, line, code, severity, &message, &excerpt, indicators, &function,
        ));
    }

    // ---- the walk -------------------------------------------------------------------

    fn run(&mut self, root: Node<'a>) {
        // Code pushed far to the right of a short statement hides it from reviewers.
        let run = " ".repeat(100);
        for (i, l) in self.lines.clone().iter().enumerate() {
            if l.len() < 100 {
                continue;
            }
            if let Some(pos) = l.find(&run) {
                if l[..pos].trim().len() < 40 && !l[pos..].trim().is_empty() && !self.minified {
                    self.emit(
                        i + 1,
                        "obfuscated-code",
                        Severity::High,
                        "code hidden after a long run of spaces".into(),
                        vec![],
                    );
                }
            }
        }
        // One cursor for the whole walk: a cursor per node cost an allocation each.
        let mut cursor = root.walk();
        self.walk(&mut cursor);
    }

    /// Visits the cursor's node and its subtree, leaving the cursor where it started.
    fn walk(&mut self, cursor: &mut tree_sitter::TreeCursor<'a>) {
        let node = cursor.node();
        self.depth += 1;
        if self.depth > 400 {
            self.depth -= 1;
            return;
        }
        let kind = self.kind_of(node);
        let mut pushed_func = false;
        let mut pushed_class = false;
        let mut pushed_guard = false;

        match kind {
            // Scopes: calls are attributed to the function they sit in.
            K::FunctionDefinition
            | K::FunctionDeclaration
            | K::MethodDefinition
            | K::MethodDeclaration
            | K::Method
            | K::SingletonMethod
            | K::GeneratorFunctionDeclaration => {
                let name = node
                    .field(self.fields, "name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_else(|| "<anonymous>".into());
                let qualified = match self.class_stack.last() {
                    Some(class) if !name.starts_with('<') => format!("{class}.{name}"),
                    _ => name.clone(),
                };
                self.func_stack.push(qualified);
                pushed_func = true;
                self.check_identifier_name(&name, Self::line(node));
            }
            K::ClassDefinition | K::ClassDeclaration | K::Class => {
                let name = node
                    .field(self.fields, "name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default();
                self.class_stack.push(name);
                pushed_class = true;
                self.check_class(node);
            }
            K::IfStatement if self.lang == Lang::Python => {
                let cond = node
                    .field(self.fields, "condition")
                    .map(|c| self.text(c))
                    .unwrap_or("");
                if cond.contains("__name__") && cond.contains("__main__") {
                    self.in_main_guard += 1;
                    pushed_guard = true;
                }
            }
            K::ExpressionStatement if self.lang == Lang::Python => {
                // A docstring is documentation, not data the code uses.
                if node.named_child_count() == 1
                    && node
                        .named_child(0)
                        .is_some_and(|c| self.kind_of(c) == K::String)
                {
                    self.depth -= 1;
                    return;
                }
            }
            K::ImportStatement | K::ImportFromStatement | K::ImportSpec => self.import(node),
            K::ReturnStatement => {
                if let (Some(value), Some(func)) = (node.named_child(0), self.func_stack.last()) {
                    let func = func.rsplit('.').next().unwrap_or(func).to_string();
                    let v = self.eval(value);
                    let entry = self.returns.entry(func).or_default();
                    entry.absorb(&v);
                    if entry.s.is_none() {
                        entry.s = v.s.clone();
                    }
                }
            }
            K::Decorator => self.check_decorator(node),
            _ => {}
        }

        // Bindings first (so the right-hand side is known), then calls and strings.
        self.bind(node);
        match kind {
            K::Call | K::CallExpression | K::NewExpression => self.check_call(node),
            K::Subshell => self.check_ruby_subshell(node),
            K::String
            | K::TemplateString
            | K::InterpretedStringLiteral
            | K::RawStringLiteral
            | K::ConcatenatedString
            | K::BinaryOperator
            | K::BinaryExpression
            | K::Binary => self.check_string_root(node),
            K::Identifier | K::PropertyIdentifier => {
                let t = self.text(node);
                if t.starts_with("__armor") || t.starts_with("__pyarmor") {
                    self.emit(
                        Self::line(node),
                        "pyarmor",
                        Severity::Medium,
                        "PyArmor-protected code".into(),
                        vec![],
                    );
                }
                if t.len() >= 4 && t.chars().all(|c| c == '_') {
                    self.emit(
                        Self::line(node),
                        "obfuscated-code",
                        Severity::Medium,
                        "identifier made only of underscores".into(),
                        vec![],
                    );
                }
                if t.starts_with("_0x") && t.len() > 4 {
                    self.obfuscated_names += 1;
                    if self.obfuscated_names == 1 {
                        self.emit(
                            Self::line(node),
                            "obfuscated-code",
                            Severity::High,
                            "obfuscator-style `_0x` identifiers".into(),
                            vec![],
                        );
                    }
                }
                if !t.is_ascii() && t.chars().any(|c| ('\u{1D400}'..='\u{1D7FF}').contains(&c)) {
                    self.emit(
                        Self::line(node),
                        "obfuscated-code",
                        Severity::High,
                        "identifier in mathematical Unicode letters that normalise to ASCII".into(),
                        vec![],
                    );
                }
            }
            K::Subscript | K::SubscriptExpression | K::ElementReference => {
                self.check_subscript(node)
            }
            K::Attribute | K::MemberExpression | K::SelectorExpression => {
                self.check_attribute(node)
            }
            K::UnaryExpression
            | K::ForStatement
            | K::WhileStatement
            | K::CompositeLiteral
            | K::Array => self.check_misc(node),
            _ => {}
        }

        if cursor.goto_first_child() {
            self.kinds.push(kind);
            loop {
                self.walk(cursor);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            self.kinds.pop();
            cursor.goto_parent();
        }

        if pushed_func {
            self.func_stack.pop();
        }
        if pushed_class {
            self.class_stack.pop();
        }
        if pushed_guard {
            self.in_main_guard -= 1;
        }
        self.depth -= 1;
    }

    fn at_module_level(&self) -> bool {
        self.func_stack.is_empty() && self.in_main_guard == 0
    }

    // ---- imports and bindings -------------------------------------------------------

    fn import(&mut self, node: Node<'a>) {
        match (self.lang, node.kind()) {
            (Lang::Python, "import_statement") => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "dotted_name" => {
                            let full = self.text(child).to_string();
                            let first = full.split('.').next().unwrap_or(&full).to_string();
                            self.aliases.insert(first.clone(), first);
                            self.check_import(&full, Self::line(node));
                        }
                        "aliased_import" => {
                            let name = child
                                .field(self.fields, "name")
                                .map(|n| self.text(n).to_string())
                                .unwrap_or_default();
                            if let Some(alias) = child.field(self.fields, "alias") {
                                self.aliases
                                    .insert(self.text(alias).to_string(), name.clone());
                            }
                            self.check_import(&name, Self::line(node));
                        }
                        _ => {}
                    }
                }
            }
            (Lang::Python, "import_from_statement") => {
                let module = node
                    .field(self.fields, "module_name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default();
                self.check_import(&module, Self::line(node));
                let mut cursor = node.walk();
                let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
                for child in names {
                    let (name, alias) = match child.kind() {
                        "aliased_import" => (
                            child
                                .field(self.fields, "name")
                                .map(|n| self.text(n).to_string())
                                .unwrap_or_default(),
                            child
                                .field(self.fields, "alias")
                                .map(|n| self.text(n).to_string())
                                .unwrap_or_default(),
                        ),
                        _ => (self.text(child).to_string(), self.text(child).to_string()),
                    };
                    self.check_import(&format!("{module}.{name}"), Self::line(node));
                    self.aliases.insert(alias, format!("{module}.{name}"));
                }
            }
            (lang, "import_statement") if lang.is_js() => {
                // import x from 'm'; import {a as b} from 'm'; import * as x from 'm'
                let source = node
                    .field(self.fields, "source")
                    .map(|s| unquote(self.text(s)))
                    .unwrap_or_default();
                let module = js_module_name(&source);
                self.bind_js_import_clause(node, &module);
            }
            (Lang::Go, "import_spec") => {
                let path = node
                    .field(self.fields, "path")
                    .map(|p| unquote(self.text(p)))
                    .unwrap_or_default();
                let last = path.rsplit('/').next().unwrap_or(&path).to_string();
                let name = node
                    .field(self.fields, "name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_else(|| last.clone());
                self.aliases.insert(name, last);
            }
            _ => {}
        }
    }

    fn bind_js_import_clause(&mut self, node: Node<'a>, module: &str) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "import_specifier" => {
                    let name = n
                        .field(self.fields, "name")
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default();
                    let alias = n
                        .field(self.fields, "alias")
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_else(|| name.clone());
                    self.aliases.insert(alias, format!("{module}.{name}"));
                }
                "namespace_import" => {
                    if let Some(id) = n.named_child(0) {
                        self.aliases
                            .insert(self.text(id).to_string(), module.to_string());
                    }
                }
                "import_clause" => {
                    let mut c = n.walk();
                    for child in n.named_children(&mut c) {
                        if child.kind() == "identifier" {
                            self.aliases
                                .insert(self.text(child).to_string(), module.to_string());
                        } else {
                            stack.push(child);
                        }
                    }
                }
                _ => {
                    let mut c = n.walk();
                    for child in n.named_children(&mut c) {
                        stack.push(child);
                    }
                }
            }
        }
    }

    fn check_import(&mut self, module: &str, line: usize) {
        let m = module.to_ascii_lowercase();
        if m.contains("pytransform") || m.contains("pyarmor") {
            self.emit(
                line,
                "pyarmor",
                Severity::Medium,
                "PyArmor-protected code".into(),
                vec![],
            );
        }
        if m == "pyperclip" || m.starts_with("pyperclip.") || m.starts_with("clipboard") {
            self.emit(
                line,
                "clipboard-access",
                Severity::Low,
                "imports a clipboard library".into(),
                vec![],
            );
        }
        if m.starts_with("browser_cookie3") || m.starts_with("pynput") {
            self.emit(
                line,
                "credential-access",
                Severity::Medium,
                format!("imports {module}"),
                vec![],
            );
        }
    }

    /// Binds names on assignment-like nodes.
    fn bind(&mut self, node: Node<'a>) {
        let line = Self::line(node);
        match self.kind_of(node) {
            // Python `a = b`, Ruby `a = b`, JS `a = b`.
            K::Assignment
            | K::AssignmentExpression
            | K::AugmentedAssignment
            | K::AugmentedAssignmentExpression
            | K::OperatorAssignment => {
                let (Some(left), Some(right)) = (
                    node.field(self.fields, "left"),
                    node.field(self.fields, "right"),
                ) else {
                    return;
                };
                let mut val = Rc::unwrap_or_clone(self.eval(right));
                if matches!(
                    self.kind_of(node),
                    K::AugmentedAssignment
                        | K::AugmentedAssignmentExpression
                        | K::OperatorAssignment
                ) {
                    if let Some(prev) = self.lookup(left) {
                        let joined = match (&prev.s, &val.s) {
                            (Some(a), Some(b)) => Some(format!("{a}{b}")),
                            _ => None,
                        };
                        val.absorb(&prev);
                        val.s = joined;
                    }
                }
                self.assign_target(left, right, val, line);
            }
            K::VariableDeclarator => {
                let (Some(name), Some(value)) = (
                    node.field(self.fields, "name"),
                    node.field(self.fields, "value"),
                ) else {
                    return;
                };
                let val = self.eval(value);
                if self.kind_of(name) == K::ObjectPattern {
                    // const { exec, spawn: s } = require('child_process')
                    let base = val.name.clone().unwrap_or_default();
                    let mut c = name.walk();
                    for prop in name.named_children(&mut c) {
                        match self.kind_of(prop) {
                            K::ShorthandPropertyIdentifierPattern => {
                                let n = self.text(prop).to_string();
                                let mut v = Val::clone(&val);
                                v.name = Some(format!("{base}.{n}"));
                                v.def_line = line;
                                self.vars.insert(n, v);
                            }
                            K::PairPattern => {
                                let key = prop
                                    .field(self.fields, "key")
                                    .map(|k| self.text(k).to_string())
                                    .unwrap_or_default();
                                if let Some(value) = prop.field(self.fields, "value") {
                                    let mut v = Val::clone(&val);
                                    v.name = Some(format!("{base}.{key}"));
                                    v.def_line = line;
                                    self.vars.insert(self.text(value).to_string(), v);
                                }
                            }
                            _ => {}
                        }
                    }
                } else {
                    self.assign_target(name, value, Rc::unwrap_or_clone(val), line);
                }
            }
            // Go `a, b := f()` and `var a = f()`.
            K::ShortVarDeclaration | K::AssignmentStatement | K::VarSpec | K::ConstSpec => {
                let left = node
                    .field(self.fields, "left")
                    .or_else(|| node.field(self.fields, "name"));
                let right = node
                    .field(self.fields, "right")
                    .or_else(|| node.field(self.fields, "value"));
                let (Some(left), Some(right)) = (left, right) else {
                    return;
                };
                let rights: Vec<Node> = {
                    let mut c = right.walk();
                    right.named_children(&mut c).collect()
                };
                let lefts: Vec<Node> = if self.kind_of(left) == K::ExpressionList {
                    let mut c = left.walk();
                    left.named_children(&mut c).collect()
                } else {
                    vec![left]
                };
                let rights = if self.kind_of(right) == K::ExpressionList {
                    rights
                } else {
                    vec![right]
                };
                for (i, l) in lefts.iter().enumerate() {
                    let r = rights.get(i).or(rights.first());
                    if let Some(r) = r {
                        // `x, err := f()`: the first name gets the value, `err` nothing.
                        if i > 0 && rights.len() == 1 {
                            continue;
                        }
                        let val = self.eval(*r);
                        self.assign_target(*l, *r, Rc::unwrap_or_clone(val), line);
                    }
                }
            }
            // Python `with open(p) as f`.
            K::WithItem | K::AsPattern if self.lang == Lang::Python => {
                if self.kind_of(node) == K::AsPattern {
                    let value = node.named_child(0);
                    let alias = node.field(self.fields, "alias");
                    if let (Some(value), Some(alias)) = (value, alias) {
                        let val = self.eval(value);
                        let target = alias.named_child(0).unwrap_or(alias);
                        self.assign_target(target, value, Rc::unwrap_or_clone(val), line);
                    }
                }
            }
            // `for k in os.environ` iterates the whole environment.
            K::ForStatement | K::ForInStatement => {
                let (Some(left), Some(right)) = (
                    node.field(self.fields, "left"),
                    node.field(self.fields, "right"),
                ) else {
                    return;
                };
                let val = self.eval(right);
                if val.name.as_deref().is_some_and(is_env_object) {
                    self.emit(
                        line,
                        "env-harvest",
                        Severity::Medium,
                        "iterates over every environment variable".into(),
                        vec![],
                    );
                }
                let mut v = Val::default();
                v.absorb(&val);
                if val.name.as_deref().is_some_and(is_env_object) {
                    v = v.with_taint(taint::ENV_ALL, line);
                }
                self.assign_target(left, right, v, line);
            }
            _ => {}
        }
    }

    fn assign_target(&mut self, target: Node<'a>, value: Node<'a>, mut val: Val, line: usize) {
        val.def_line = line;
        // `.src = url + data` on an image or script element sends the data (a beacon).
        let target_text = self.text(target);
        if (target_text.ends_with(".src") || target_text.ends_with(".href"))
            && val.s.as_deref().is_some_and(|u| u.starts_with("http"))
            && val.taint & taint::SENSITIVE != 0
        {
            self.exfil_funcs.insert(self.function());
            self.emit(
                line,
                "data-exfiltration",
                Severity::Critical,
                format!("sends {} in a beacon URL", describe_taint(val.taint)),
                vec![val.s.clone().unwrap_or_default()],
            );
            self.emit_origins(&val);
        }
        match self.kind_of(target) {
            K::Subscript | K::SubscriptExpression | K::ElementReference => {
                // found[name] = value: the container now holds the value's data.
                if let Some(obj) = target.named_child(0) {
                    let key = self.target_key(obj).into_owned();
                    let entry = self.vars.entry(key).or_default();
                    entry.absorb(&val);
                }
            }
            K::Identifier
            | K::Constant
            | K::Attribute
            | K::MemberExpression
            | K::SelectorExpression
            | K::InstanceVariable => {
                let name = self.target_key(target).into_owned();
                // `getattr(x)` style results are named after what they fetch; a plain
                // value keeps the expression's name so `s = mss.mss()` resolves later.
                if self.kind_of(value) == K::Lambda
                    || self.kind_of(value) == K::ArrowFunction
                    || self.kind_of(value) == K::FunctionExpression
                    || self.kind_of(value) == K::Function
                {
                    val.func = Some(name.clone());
                }
                self.check_secret_binding(&name, &val, line);
                self.vars.insert(name, val);
            }
            K::PatternList
            | K::TuplePattern
            | K::Tuple
            | K::ListPattern
            | K::ArrayPattern
            | K::ExpressionList
            | K::LeftAssignmentList => {
                let mut c = target.walk();
                let parts: Vec<Node> = target.named_children(&mut c).collect();
                for (i, part) in parts.iter().enumerate() {
                    let mut v = val.clone();
                    if i > 0 {
                        v.s = None;
                    }
                    self.assign_target(*part, value, v, line);
                }
            }
            _ => {}
        }
    }

    fn target_key(&self, node: Node<'a>) -> Cow<'a, str> {
        key_of(self.text(node))
    }

    fn lookup(&self, node: Node<'a>) -> Option<Val> {
        self.vars.get(&*self.target_key(node)).cloned()
    }

    /// A key-like string bound to a name is an embedded secret candidate.
    fn check_secret_binding(&mut self, name: &str, val: &Val, line: usize) {
        if let Some(s) = &val.s {
            let n = name.to_ascii_lowercase();
            let named_secret = ["key", "token", "secret", "password", "auth", "api"]
                .iter()
                .any(|k| n.contains(k));
            if indicators::is_key_like(s) && (named_secret || s.len() >= 32) {
                self.keys.push((line, s.clone(), self.function()));
            }
        }
    }

    // ---- evaluation -----------------------------------------------------------------

    /// The value of `node`, computed once: later calls share the first result (a node's
    /// value is reused many times, and cloning it cost allocations each time).
    fn eval(&mut self, node: Node<'a>) -> Rc<Val> {
        self.eval_with(node, |this| this.eval_inner(node))
    }

    /// [`Analyzer::eval`] with `inner` in place of [`Analyzer::eval_inner`], for callers
    /// that already hold what `eval_inner` would compute first.
    fn eval_with(&mut self, node: Node<'a>, inner: impl FnOnce(&mut Self) -> Val) -> Rc<Val> {
        let id = node.id();
        if let Some(v) = self.memo.get(&id) {
            return Rc::clone(v);
        }
        self.depth += 1;
        let v = if self.depth > 300 {
            Val::default()
        } else {
            inner(self)
        };
        self.depth -= 1;
        let v = Rc::new(v);
        self.memo.insert(id, Rc::clone(&v));
        v
    }

    fn eval_inner(&mut self, node: Node<'a>) -> Val {
        let line = Self::line(node);
        match self.kind_of(node) {
            K::String
            | K::InterpretedStringLiteral
            | K::RawStringLiteral
            | K::TemplateString
            | K::StringLiteral
            | K::StringFragment => self.eval_string(node),
            K::ConcatenatedString => {
                let mut out = Val::string(String::new());
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    let v = self.eval(p);
                    out.absorb(&v);
                    out.s = match (out.s.take(), &v.s) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                }
                self.give_back(c);
                out
            }
            K::BinaryOperator | K::BinaryExpression | K::Binary => {
                let (Some(l), Some(r)) = (
                    node.field(self.fields, "left"),
                    node.field(self.fields, "right"),
                ) else {
                    return Val::default();
                };
                let op = node
                    .field(self.fields, "operator")
                    .map(|o| self.text(o))
                    .unwrap_or("+");
                let lv = self.eval(l);
                let rv = self.eval(r);
                let mut out = Val::default();
                out.absorb(&lv);
                out.absorb(&rv);
                if op == "+" || op == "%" || op == "||" || op == "or" || op == "??" {
                    out.s = match (&lv.s, &rv.s) {
                        (Some(a), Some(b)) if op == "+" => Some(format!("{a}{b}")),
                        (Some(a), None) if op == "+" => Some(format!("{a}*")),
                        (None, Some(b)) if op == "+" => Some(format!("*{b}")),
                        (Some(a), _) if op == "%" => Some(a.clone()),
                        (Some(a), _) => Some(a.clone()),
                        (None, Some(b)) => Some(b.clone()),
                        _ => None,
                    };
                }
                if op == "|" || op == "&" {
                    out.s = None;
                }
                out
            }
            K::BooleanOperator => {
                let mut out = Val::default();
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    let v = self.eval(p);
                    out.absorb(&v);
                    if out.s.is_none() {
                        out.s = v.s.clone();
                    }
                }
                self.give_back(c);
                out
            }
            K::ParenthesizedExpression
            | K::Await
            | K::AwaitExpression
            | K::ExpressionStatement
            | K::NonNullExpression
            | K::AsExpression
            | K::SatisfiesExpression
            | K::SpreadElement
            | K::ListSplat
            | K::DictionarySplat
            | K::UnaryExpression
            | K::KeyedElement
            | K::LiteralElement
            | K::ParenthesizedStatements => {
                let mut out = Val::default();
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    let v = self.eval(p);
                    if out.name.is_none() {
                        out.name = v.name.clone();
                        out.s = v.s.clone();
                    }
                    out.absorb(&v);
                }
                self.give_back(c);
                out
            }
            K::Identifier
            | K::Constant
            | K::PropertyIdentifier
            | K::ShorthandPropertyIdentifier
            | K::FieldIdentifier
            | K::PackageIdentifier
            | K::InstanceVariable
            | K::TypeIdentifier => {
                let t = self.text(node);
                if let Some(v) = self.vars.get(&*key_of(t)) {
                    let mut v = v.clone();
                    if v.name.is_none() && v.func.is_none() {
                        v.name = Some(t.to_string());
                    }
                    return v;
                }
                let name = self.aliases.get(t).map_or(t, String::as_str);
                let mut v = Val {
                    name: Some(name.to_string()),
                    func: Some(t.to_string()),
                    ..Val::default()
                };
                self.source_taint_for_name(name, line, &mut v);
                v
            }
            K::Attribute | K::MemberExpression | K::SelectorExpression | K::ScopeResolution => {
                // Known attribute chains bound as variables (`self.name = ...`).
                if let Some(v) = self.vars.get(&*self.target_key(node)) {
                    return v.clone();
                }
                let (obj, field) = match self.kind_of(node) {
                    K::Attribute => (
                        node.field(self.fields, "object"),
                        node.field(self.fields, "attribute"),
                    ),
                    K::MemberExpression => (
                        node.field(self.fields, "object"),
                        node.field(self.fields, "property"),
                    ),
                    K::SelectorExpression => (
                        node.field(self.fields, "operand"),
                        node.field(self.fields, "field"),
                    ),
                    _ => (
                        node.field(self.fields, "scope"),
                        node.field(self.fields, "name"),
                    ),
                };
                let Some(field) = field else {
                    return Val::default();
                };
                let field_name = self.text(field).to_string();
                let base = match obj {
                    Some(o) => self.eval(o),
                    None => Rc::default(),
                };
                let mut v = Val::default();
                v.absorb(&base);
                v.name = Some(match &base.name {
                    Some(b) => cap_name(format!("{b}.{field_name}")),
                    None => field_name.clone(),
                });
                let name = v.name.clone().unwrap_or_default();
                self.source_taint_for_name(&name, line, &mut v);
                v
            }
            K::Subscript | K::SubscriptExpression | K::ElementReference | K::IndexExpression => {
                let obj = node
                    .field(self.fields, "value")
                    .or_else(|| node.field(self.fields, "object"))
                    .or_else(|| node.field(self.fields, "operand"))
                    .or_else(|| node.named_child(0));
                let index = node
                    .field(self.fields, "subscript")
                    .or_else(|| node.field(self.fields, "index"))
                    .or_else(|| node.named_child(1));
                let base = obj.map(|o| self.eval(o)).unwrap_or_default();
                let idx = index.map(|i| self.eval(i)).unwrap_or_default();
                let mut v = Val::default();
                v.absorb(&base);
                if let (Some(b), Some(key)) = (&base.name, &idx.s) {
                    let key = key.trim_matches('*');
                    let b = b.trim_end_matches(".__dict__");
                    v.name = Some(cap_name(format!("{b}.{key}")));
                    if is_env_object(b) {
                        // os.environ['X'] / ENV['X'] / process.env['X']: one variable.
                        v.taint &= !taint::ENV_ALL;
                        v.origins.retain(|(t, _)| *t != taint::ENV_ALL);
                        let bit = if is_secret_env(key) {
                            taint::ENV_SECRET
                        } else {
                            taint::ENV_VAR
                        };
                        v = v.with_taint(bit, line);
                        if key == "env" {
                            v = Val {
                                name: Some(format!("{b}.env")),
                                ..Val::default()
                            }
                            .with_taint(taint::ENV_ALL, line);
                        }
                    } else {
                        let name = v.name.clone().unwrap_or_default();
                        self.source_taint_for_name(&name, line, &mut v);
                    }
                }
                v
            }
            K::Call | K::CallExpression | K::NewExpression => self.eval_call(node),
            K::List
            | K::Array
            | K::Tuple
            | K::Set
            | K::ExpressionList
            | K::ArgumentList
            | K::LiteralValue
            | K::ArrayLiteral => {
                let mut out = Val::default();
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    if self.kind_of(p) == K::Comment {
                        continue;
                    }
                    let v = self.eval(p);
                    out.list.push(v.s.clone());
                    out.absorb(&v);
                }
                self.give_back(c);
                out
            }
            K::Dictionary | K::Object | K::Hash | K::CompositeLiteral => {
                let mut out = Val::default();
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    if matches!(self.kind_of(p), K::Pair | K::KeyedElement) {
                        let key = p
                            .field(self.fields, "key")
                            .or_else(|| p.named_child(0))
                            .map(|k| unquote(self.text(k)).to_ascii_lowercase())
                            .unwrap_or_default();
                        if is_auth_header(&key) {
                            continue;
                        }
                        let value = p.field(self.fields, "value").or_else(|| p.named_child(1));
                        if let Some(value) = value {
                            let v = self.eval(value);
                            out.absorb(&v);
                        }
                    } else {
                        let v = self.eval(p);
                        out.absorb(&v);
                    }
                }
                self.give_back(c);
                out
            }
            K::ListComprehension
            | K::GeneratorExpression
            | K::DictionaryComprehension
            | K::SetComprehension
            | K::ConditionalExpression
            | K::TernaryExpression
            | K::KeywordArgument
            | K::Pair
            | K::ForInClause
            | K::SequenceExpression
            | K::Interpolation
            | K::TemplateSubstitution
            | K::Lambda
            | K::ArrowFunction => {
                let mut out = Val::default();
                let mut c = self.cursor(node);
                for p in node.named_children(&mut c) {
                    let v = self.eval(p);
                    out.absorb(&v);
                    if self.kind_of(node) == K::ForInClause
                        && v.name.as_deref().is_some_and(is_env_object)
                    {
                        out = out.with_taint(taint::ENV_ALL, line);
                    }
                }
                self.give_back(c);
                out
            }
            _ => Val::default(),
        }
    }

    /// String literal value, with escapes decoded and interpolations joined as `*`.
    fn eval_string(&mut self, node: Node<'a>) -> Val {
        let raw = self.text(node);
        let mut out = Val::default();
        let mut s = String::new();
        let mut has_children = false;
        let mut c = self.cursor(node);
        for p in node.named_children(&mut c) {
            match self.kind_of(p) {
                K::StringContent
                | K::StringFragment
                | K::InterpretedStringLiteralContent
                | K::RawStringLiteralContent => {
                    has_children = true;
                    s.push_str(self.text(p));
                }
                K::EscapeSequence => {
                    has_children = true;
                    s.push_str(&unescape(self.text(p)));
                }
                K::Interpolation | K::TemplateSubstitution => {
                    has_children = true;
                    let v = self.eval(p);
                    out.absorb(&v);
                    s.push_str(v.s.as_deref().unwrap_or("*"));
                }
                K::StringStart | K::StringEnd => {}
                _ => {}
            }
        }
        self.give_back(c);
        if !has_children {
            s = unquote(raw);
        }
        let is_bytes = raw.starts_with('b') || raw.starts_with("rb") || raw.starts_with("br");
        if is_bytes && s.contains("\\x") {
            s = unescape(&s);
        }
        out.s = Some(s);
        out
    }

    /// Taint for names that are sources themselves (attribute access, no call needed).
    fn source_taint_for_name(&self, name: &str, line: usize, v: &mut Val) {
        if name == "document.cookie" {
            *v = std::mem::take(v).with_taint(taint::BROWSER, line);
        } else if is_env_object(name) {
            *v = std::mem::take(v).with_taint(taint::ENV_ALL, line);
        } else if let Some(rest) = env_member(name) {
            let bit = if is_secret_env(rest) {
                taint::ENV_SECRET
            } else {
                taint::ENV_VAR
            };
            *v = std::mem::take(v).with_taint(bit, line);
        }
    }

    /// The qualified callee name of a call, and its argument nodes.
    fn call_parts(&mut self, node: Node<'a>) -> CallParts<'a> {
        let (callee, args) = if self.lang == Lang::Ruby && self.kind_of(node) == K::Call {
            let receiver = node.field(self.fields, "receiver");
            let method = node
                .field(self.fields, "method")
                .map(|m| self.text(m).to_string())
                .unwrap_or_default();
            let base = receiver.map(|r| self.eval(r).name.clone().unwrap_or_else(|| "?".into()));
            let name = match base {
                Some(b) => format!("{}.{method}", b.replace("::", ".")),
                None => self.aliases.get(&method).cloned().unwrap_or(method),
            };
            (name, node.field(self.fields, "arguments"))
        } else {
            let func = node
                .field(self.fields, "function")
                .or_else(|| node.field(self.fields, "constructor"))
                .or_else(|| node.field(self.fields, "method"));
            let name = match func {
                Some(f) => {
                    let v = self.eval(f);
                    cap_name(v.name.clone().unwrap_or_else(|| self.text(f).to_string()))
                }
                None => String::new(),
            };
            (name, node.field(self.fields, "arguments"))
        };
        let callee_node = node
            .field(self.fields, "function")
            .or_else(|| node.field(self.fields, "receiver"));
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        if let Some(args) = args {
            let mut c = self.cursor(args);
            for a in args.named_children(&mut c) {
                match self.kind_of(a) {
                    K::KeywordArgument => {
                        let k = a
                            .field(self.fields, "name")
                            .map(|n| self.text(n).to_string())
                            .unwrap_or_default();
                        if let Some(v) = a.field(self.fields, "value") {
                            keywords.push((k, v));
                        }
                    }
                    K::Pair if self.lang == Lang::Ruby => {
                        let k = a
                            .field(self.fields, "key")
                            .map(|n| self.text(n).trim_end_matches(':').to_string())
                            .unwrap_or_default();
                        if let Some(v) = a.field(self.fields, "value") {
                            keywords.push((k, v));
                        }
                    }
                    K::Comment => {}
                    _ => positional.push(a),
                }
            }
            self.give_back(c);
        }
        // Python generator argument: f(x for x in y)
        if let Some(args) = node.field(self.fields, "arguments") {
            if self.kind_of(args) == K::GeneratorExpression {
                positional.push(args);
            }
        }
        CallParts {
            callee,
            callee_node,
            args: positional,
            kwargs: keywords,
        }
    }

    fn eval_call(&mut self, node: Node<'a>) -> Val {
        let parts = self.call_parts(node);
        self.eval_call_parts(node, &parts)
    }

    /// The value of the call `node` whose [`Analyzer::call_parts`] are `parts`.
    fn eval_call_parts(&mut self, node: Node<'a>, parts: &CallParts<'a>) -> Val {
        let line = Self::line(node);
        let CallParts {
            callee,
            callee_node,
            args,
            kwargs,
        } = parts;
        let callee_node = *callee_node;
        let mut out = Val::default();

        // The receiver's data flows into a method's result (`os.environ.items()`).
        let receiver_val = callee_node.map(|c| self.eval(c)).unwrap_or_default();
        out.absorb(&receiver_val);
        let mut arg_vals = Vec::new();
        for a in args {
            let v = self.eval(*a);
            out.absorb(&v);
            arg_vals.push(v);
        }
        for (k, v) in kwargs {
            if is_auth_key(&k.to_ascii_lowercase()) {
                continue;
            }
            let v = self.eval(*v);
            out.absorb(&v);
        }
        let first_s = arg_vals.first().and_then(|v| v.s.clone());
        let q = callee.as_str();
        let seg = last_seg(q);

        // Module loaders name their result after the module.
        if matches!(
            q,
            "require" | "__import__" | "importlib.import_module" | "import_module"
        ) {
            out.name = first_s.as_deref().map(js_module_name);
            return out;
        }
        out.name = Some(q.to_string());

        // String-producing calls keep their constant.
        match seg {
            "join" if !q.contains("path") => {
                // "sep".join([...]) / [..].join("sep")
                let sep = if self.lang == Lang::Python {
                    receiver_val.s.clone().or_else(|| {
                        callee_node
                            .and_then(|c| c.field(self.fields, "object"))
                            .and_then(|o| {
                                let v = self.eval(o);
                                v.s.clone()
                            })
                    })
                } else {
                    first_s.clone()
                };
                let items = if self.lang == Lang::Python {
                    arg_vals.first().map(|v| v.list.clone()).unwrap_or_default()
                } else {
                    callee_node
                        .and_then(|c| c.field(self.fields, "object"))
                        .map(|o| self.eval(o).list.clone())
                        .unwrap_or_default()
                };
                if !items.is_empty() && items.iter().all(|i| i.is_some()) {
                    let parts: Vec<String> = items.into_iter().flatten().collect();
                    out.s = Some(parts.join(sep.as_deref().unwrap_or("")));
                }
            }
            "format" | "strip" | "lower" | "upper" | "encode" | "toString" | "trim"
            | "TrimSpace" | "decode" | "replace" | "Sprintf" => {
                if seg == "Sprintf" {
                    out.s = first_s.clone();
                } else if receiver_val.s.is_some()
                    && !(seg == "decode" && is_codec_decode(&arg_vals))
                {
                    out.s = receiver_val.s.clone().or_else(|| {
                        callee_node
                            .and_then(|c| c.named_child(0))
                            .and_then(|o| self.eval(o).s.clone())
                    });
                }
                if seg == "toString" || seg == "decode" {
                    if let Some(d) = self.decoded_constant(node, q, &arg_vals) {
                        out.s = Some(d);
                    }
                }
            }
            "join" if q.contains("path") => {
                let parts: Vec<String> = arg_vals
                    .iter()
                    .map(|v| v.s.clone().unwrap_or_else(|| "*".into()))
                    .collect();
                out.s = Some(parts.join("/"));
            }
            "str" | "String" | "string" | "bytes" | "Buffer.from" | "from" => {
                out.s = first_s.clone();
            }
            _ => {}
        }

        // Decoders: the result is decoded data; constants are decoded when possible.
        let is_decoder = DECODERS.contains(&seg)
            || (seg == "decode" && is_codec_decode(&arg_vals))
            || matches!(q, "decode" | "decrypt" | "deobfuscate" | "unscramble")
            || (q.ends_with("Buffer.from")
                && arg_vals
                    .get(1)
                    .and_then(|v| v.s.as_deref())
                    .is_some_and(|e| e == "base64" || e == "hex"))
            || (q.ends_with("codecs.decode") && arg_vals.get(1).is_some());
        if is_decoder {
            let decoded = self.decoded_constant(node, q, &arg_vals);
            // String.fromCharCode(x) with computed codes is ordinary string building.
            if seg != "fromCharCode" || decoded.is_some() {
                out = out.with_taint(taint::DECODED, line);
            }
            if let Some(d) = decoded {
                out.s = Some(d);
            }
        }

        // Local helpers return what their `return` statements computed.
        if let Some(r) = self.returns.get(q) {
            let r = r.clone();
            out.absorb(&r);
        }

        // Sources.
        self.call_sources(q, seg, line, &arg_vals, &mut out);

        // Callbacks receive the call's data: fs.readFile(p, (err, data) => ...).
        for a in args {
            if matches!(
                a.kind(),
                "arrow_function" | "function_expression" | "function"
            ) {
                if let Some(params) = a.field(self.fields, "parameters") {
                    let mut c = params.walk();
                    let names: Vec<String> = params
                        .named_children(&mut c)
                        .map(|p| self.text(p).to_string())
                        .collect();
                    for n in names {
                        let mut v = Val::default();
                        v.absorb(&out);
                        v.def_line = line;
                        self.vars.insert(n, v);
                    }
                }
            }
        }
        out
    }

    /// Taint for calls that read sensitive data.
    fn call_sources(&mut self, q: &str, seg: &str, line: usize, args: &[Rc<Val>], out: &mut Val) {
        let first = args.first().and_then(|v| v.s.clone()).unwrap_or_default();
        // Queries of browser password and cookie stores.
        let lower_first = first.to_ascii_lowercase();
        if seg == "execute"
            && [
                "password_value",
                "encrypted_value",
                "moz_cookies",
                "moz_logins",
            ]
            .iter()
            .any(|k| lower_first.contains(k))
        {
            *out = std::mem::take(out).with_taint(taint::BROWSER, line);
        }
        let bit = if ends_with_any(
            q,
            &[
                "socket.gethostname",
                "platform.node",
                "os.hostname",
                "os.Hostname",
                "Socket.gethostname",
                "socket.getfqdn",
                "gethostname",
            ],
        ) || (q.ends_with("uname") && !q.contains("platform.uname().system"))
        {
            taint::HOST
        } else if ends_with_any(
            q,
            &[
                "getpass.getuser",
                "os.getlogin",
                "os.userInfo",
                "getuser",
                "os.homedir",
                "user.Current",
                "Etc.getlogin",
                "os.path.expanduser",
                "Path.home",
                "os.getuid",
            ],
        ) {
            taint::USER
        } else if ends_with_any(
            q,
            &[
                "platform.platform",
                "platform.system",
                "platform.release",
                "platform.version",
                "platform.machine",
                "os.platform",
                "os.release",
                "os.type",
                "os.arch",
                "platform.uname",
                "os.cpus",
                "os.networkInterfaces",
                "sys.getwindowsversion",
                "locale.getdefaultlocale",
            ],
        ) {
            taint::PLATFORM
        } else if ends_with_any(q, &["os.getcwd", "process.cwd", "os.Getwd", "Dir.pwd"]) {
            taint::CWD
        } else if ends_with_any(
            q,
            &[
                "pyperclip.paste",
                "read_clipboard",
                "clipboardy.read",
                "clipboard.readText",
                "GetClipboardData",
            ],
        ) {
            taint::CLIPBOARD
        } else if ends_with_any(
            q,
            &[
                "ImageGrab.grab",
                "pyscreenshot.grab",
                "pyautogui.screenshot",
            ],
        ) {
            taint::SCREEN
        } else if q.starts_with("browser_cookie3") || seg == "getsockname" {
            if seg == "getsockname" {
                taint::IP
            } else {
                taint::BROWSER
            }
        } else {
            0
        };
        if bit != 0 {
            *out = std::mem::take(out).with_taint(bit, line);
        }

        // Environment reads through calls.
        let callee_env = q
            .rsplit_once('.')
            .map(|(b, _)| is_env_object(b))
            .unwrap_or(false);
        if ends_with_any(
            q,
            &[
                "os.getenv",
                "os.Getenv",
                "os.LookupEnv",
                "getenv",
                "ENV.fetch",
            ],
        ) || (callee_env && matches!(seg, "get" | "fetch" | "pop" | "setdefault"))
        {
            let b = if is_secret_env(&first) {
                taint::ENV_SECRET
            } else {
                taint::ENV_VAR
            };
            out.taint &= !taint::ENV_ALL;
            out.origins.retain(|(t, _)| *t != taint::ENV_ALL);
            *out = std::mem::take(out).with_taint(b, line);
            // An environment variable with a hard-coded endpoint as its default.
            if let Some(default) = args.get(1).and_then(|v| v.s.clone()) {
                self.note_env_override(&first, &default, line);
            }
        }
        if ends_with_any(
            q,
            &[
                "os.Environ",
                "os.environ.copy",
                "dict",
                "JSON.stringify",
                "json.dumps",
                "Object.keys",
                "Object.entries",
                "Object.values",
                "str",
                "list",
                "to_h",
                "to_hash",
                "to_json",
                "to_yaml",
                "inspect",
                "JSON.dump",
                "JSON.generate",
                "YAML.dump",
                "Marshal.dump",
                "items",
                "keys",
                "values",
                "querystring.stringify",
            ],
        ) && (args
            .iter()
            .any(|a| a.name.as_deref().is_some_and(is_env_object))
            || q.rsplit_once('.').is_some_and(|(b, _)| is_env_object(b))
            || q == "os.Environ")
        {
            let copy_for_child = seg == "copy";
            if !copy_for_child {
                self.emit(
                    line,
                    "env-harvest",
                    Severity::Medium,
                    "collects or serializes every environment variable".into(),
                    vec![],
                );
            }
            *out = std::mem::take(out).with_taint(taint::ENV_ALL, line);
        }

        // Files: reading a credential path taints the data as credentials.
        if ends_with_any(
            q,
            &[
                "open",
                "os.ReadFile",
                "ioutil.ReadFile",
                "fs.readFile",
                "fs.readFileSync",
                "File.read",
                "read_text",
                "read_bytes",
                "Path",
                "File.open",
                "io.open",
                "codecs.open",
                "readFile",
                "readFileSync",
                "sqlite3.connect",
                "copyfile",
                "copy2",
                "shutil.copy",
            ],
        ) {
            let path = first.to_ascii_lowercase();
            let cred = indicators::scan_string(&path)
                .iter()
                .any(|f| f.code == "credential-access")
                || args.first().is_some_and(|a| a.taint & taint::CRED != 0);
            if cred {
                *out = std::mem::take(out).with_taint(taint::CRED, line);
            } else {
                out.taint |= taint::FILE_READ;
            }
        }
        // Network responses.
        if NET_INDEX.matches(q) || seg == "urlopen" || seg == "urlretrieve" {
            let ip_lookup = args
                .first()
                .and_then(|a| a.s.as_deref())
                .is_some_and(indicators::is_ip_lookup);
            if ip_lookup {
                *out = std::mem::take(out).with_taint(taint::IP, line);
            }
            out.taint |= taint::NETWORK;
        }
    }

    fn note_env_override(&mut self, var: &str, default: &str, line: usize) {
        if var.is_empty() {
            return;
        }
        let endpoints = indicators::hosts_and_urls(default);
        if endpoints.is_empty() || !(default.contains("://") || default.contains('.')) {
            return;
        }
        let endpoint = endpoints[0].0.clone();
        self.env_overrides.push(EnvOverride {
            var: var.to_string(),
            line,
            endpoint,
            function: self.function(),
        });
    }

    /// Decodes constant arguments of a decoder call, for names hidden by encoding.
    fn decoded_constant(&mut self, node: Node<'a>, q: &str, args: &[Rc<Val>]) -> Option<String> {
        let seg = last_seg(q);
        let first = args.first().and_then(|a| a.s.clone());
        if q.ends_with("fromCharCode") {
            let mut out = String::new();
            if let Some(a) = node.field(self.fields, "arguments") {
                let mut c = a.walk();
                for n in a.named_children(&mut c) {
                    let t = self.text(n);
                    let v = parse_int(t)?;
                    out.push(char::from_u32(v)?);
                }
            }
            return Some(out);
        }
        if matches!(
            seg,
            "b64decode" | "atob" | "decode64" | "strict_decode64" | "decodebytes"
        ) || (seg == "decode"
            && args.iter().any(|a| {
                a.s.as_deref()
                    .is_some_and(|s| s.to_ascii_lowercase().replace(['_', '-'], "") == "base64")
            }))
        {
            return first
                .and_then(|s| base64_decode(&s))
                .map(|b| String::from_utf8_lossy(&b).into_owned());
        }
        if matches!(seg, "fromhex" | "unhexlify") {
            return first
                .and_then(|s| hex_decode(&s))
                .map(|b| String::from_utf8_lossy(&b).into_owned());
        }
        // Buffer.from('..', 'base64').toString() / Buffer.from([..]).toString()
        if seg == "toString" {
            let callee = node.field(self.fields, "function")?;
            let inner = callee.field(self.fields, "object")?;
            if inner.kind() != "call_expression" {
                return None;
            }
            let inner_args = inner.field(self.fields, "arguments")?;
            let mut c = inner_args.walk();
            let parts: Vec<Node> = inner_args.named_children(&mut c).collect();
            let data = parts.first()?;
            if data.kind() == "array" {
                let mut out = String::new();
                let mut c2 = data.walk();
                for n in data.named_children(&mut c2) {
                    out.push(char::from_u32(parse_int(self.text(n))?)?);
                }
                return Some(out);
            }
            let s = self.eval(*data).s.clone()?;
            let enc = parts
                .get(1)
                .and_then(|e| self.eval(*e).s.clone())
                .unwrap_or_default();
            return match enc.as_str() {
                "base64" => base64_decode(&s).map(|b| String::from_utf8_lossy(&b).into_owned()),
                "hex" => hex_decode(&s).map(|b| String::from_utf8_lossy(&b).into_owned()),
                _ => Some(s),
            };
        }
        None
    }

    // ---- checks ---------------------------------------------------------------------

    fn check_call(&mut self, node: Node<'a>) {
        let line = Self::line(node);
        let parts = self.call_parts(node);
        let arg_vals: Vec<Rc<Val>> = parts.args.iter().map(|a| self.eval(*a)).collect();
        let kw_vals: Vec<(String, Rc<Val>)> = parts
            .kwargs
            .iter()
            .map(|(k, v)| (k.clone(), self.eval(*v)))
            .collect();
        // The parts just computed are what the call's evaluation would compute again.
        let result = self.eval_with(node, |this| this.eval_call_parts(node, &parts));
        let CallParts {
            callee,
            callee_node,
            args,
            ..
        } = parts;
        let q = callee.as_str();
        let seg = last_seg(q);
        // Looked up before inserting: most calls repeat a (function, callee) pair already
        // known, and owned copies of both names cost allocations.
        let func = self.func_stack.last().map_or("<module>", String::as_str);
        match self.calls.get_mut(func) {
            Some(callees) => {
                if !callees.contains(seg) {
                    callees.insert(seg.to_string());
                }
            }
            None => {
                let callees = HashSet::from_iter([seg.to_string()]);
                self.calls.insert(func.to_string(), callees);
            }
        }

        // Go `enc.Decode(dst, src)` fills `dst` with decoded bytes.
        if self.lang == Lang::Go && seg == "Decode" {
            if let Some(dst) = args.first().filter(|a| a.kind() == "identifier") {
                let key = self.text(*dst).to_string();
                let entry = self.vars.entry(key).or_default();
                entry.taint |= taint::DECODED;
            }
        }
        // JS spawn(cmd, args, { detached: true, stdio: 'ignore' }).
        if self.lang.is_js() && matches!(seg, "spawn" | "spawnSync" | "exec" | "execFile" | "fork")
        {
            let detached = args.iter().any(|a| {
                a.kind() == "object" && {
                    let t = self.text(*a).replace(' ', "");
                    t.contains("detached:true") || t.contains("windowsHide:true")
                }
            });
            if detached {
                self.emit(
                    line,
                    "silent-process",
                    Severity::Medium,
                    "starts a detached process that outlives the installer".into(),
                    vec![],
                );
            }
        }
        if matches!(seg, "writeFileSync" | "writeFile" | "WriteFile") {
            let p = arg_vals
                .first()
                .and_then(|v| v.s.clone())
                .unwrap_or_default();
            let lp = p.to_ascii_lowercase();
            if [
                ".exe", ".dll", ".so", ".dylib", ".scr", ".bat", ".ps1", ".vbs",
            ]
            .iter()
            .any(|e| lp.ends_with(e))
            {
                self.emit(
                    line,
                    "download-exec",
                    Severity::High,
                    format!("writes an executable or library file {p}"),
                    vec![p.clone()],
                );
            }
        }
        self.check_network(node, q, seg, &arg_vals, &kw_vals, line);
        self.check_exec(node, q, seg, &args, &arg_vals, &kw_vals, line);
        self.check_background(q, seg, &args, &arg_vals, &kw_vals, line);
        self.check_obfuscated_call(node, q, seg, callee_node, &args, &arg_vals, line);
        self.check_misc_calls(node, q, seg, &arg_vals, &kw_vals, line, &result);
    }

    fn payload_taint(
        &self,
        args: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
        skip_first: bool,
    ) -> Val {
        let mut v = Val::default();
        for (i, a) in args.iter().enumerate() {
            if i == 0 && skip_first {
                // The URL itself counts only when sensitive data is appended to a constant.
                if a.s.as_deref().is_some_and(|s| !s.starts_with('*')) {
                    v.absorb(a);
                }
                continue;
            }
            v.absorb(a);
        }
        for (k, a) in kwargs {
            if is_auth_key(&k.to_ascii_lowercase()) || k == "url" && a.s.is_none() {
                continue;
            }
            v.absorb(a);
        }
        v
    }

    fn check_network(
        &mut self,
        node: Node<'a>,
        q: &str,
        seg: &str,
        args: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
        line: usize,
    ) {
        let is_dns = DNS_INDEX.matches(q);
        let receiver_net = node
            .field(self.fields, "function")
            .and_then(|f| {
                f.field(self.fields, "object")
                    .or_else(|| f.field(self.fields, "operand"))
            })
            .map(|o| self.eval(o))
            .is_some_and(|v| {
                v.taint & taint::NETWORK != 0
                    && v.name.as_deref().is_some_and(|n| {
                        NET_INDEX.matches(n)
                            || n.contains("socket")
                            || n.ends_with("Dial")
                            || n.ends_with("request")
                    })
            });
        let writes_to_conn = receiver_net
            && matches!(
                seg,
                "write" | "send" | "sendall" | "sendto" | "end" | "Write" | "push"
            );
        let socket_send = matches!(seg, "send" | "sendall" | "sendto")
            && q.contains('.')
            && (q.starts_with("s.") || q.contains("sock") || q.contains("socket"));
        let is_net = NET_INDEX.matches(q)
            || writes_to_conn
            || socket_send
            || is_dns
            || (seg == "request" && args.len() + kwargs.len() >= 1 && q.contains('.'));
        if !is_net {
            return;
        }
        self.net_lines.push(line);
        let func = self.function();
        self.net_funcs.insert(func);
        if self.at_module_level() && self.lang == Lang::Python {
            self.top_level_net = true;
        }

        // Raw sockets to a hard-coded host:port (Go net.Dial, websocket.Dial).
        if ends_with_any(
            q,
            &[
                "net.Dial",
                "websocket.Dial",
                "net.DialTimeout",
                "TCPSocket.new",
                "TCPSocket.open",
            ],
        ) {
            let host = args
                .iter()
                .filter_map(|a| a.s.clone())
                .find(|s| s.contains('.') || s.contains(':'));
            if let Some(host) = host {
                self.emit(
                    line,
                    "raw-socket",
                    Severity::Low,
                    format!("opens a raw connection to {host}"),
                    vec![host],
                );
            }
        }

        let payload = self.payload_taint(args, kwargs, !is_dns && !writes_to_conn && !socket_send);
        let sensitive = payload.taint & taint::SENSITIVE;
        let env_var = payload.taint & taint::ENV_VAR;
        if is_dns {
            let name_val = args.first().cloned().unwrap_or_default();
            if name_val.taint & (taint::SENSITIVE | taint::ENV_VAR) != 0 {
                self.exfil_funcs.insert(self.function());
                self.emit(
                    line,
                    "dns-exfiltration",
                    Severity::Critical,
                    format!(
                        "puts {} into a DNS name it resolves",
                        describe_taint(name_val.taint)
                    ),
                    name_val.s.iter().cloned().collect(),
                );
                self.emit_origins(&name_val);
            }
            return;
        }
        if sensitive != 0 || (env_var != 0 && self.lang == Lang::Ruby) {
            let kinds = describe_taint(payload.taint);
            let strong = payload.taint
                & (taint::ENV_ALL
                    | taint::ENV_SECRET
                    | taint::CRED
                    | taint::BROWSER
                    | taint::CLIPBOARD
                    | taint::SCREEN)
                != 0
                || (payload.taint & taint::FINGERPRINT).count_ones() >= 2;
            let severity = if strong {
                Severity::Critical
            } else {
                Severity::Medium
            };
            let indicators: Vec<String> = args
                .iter()
                .chain(kwargs.iter().map(|(_, v)| v))
                .filter_map(|a| a.s.clone())
                .filter(|s| s.contains("://") || s.contains('.'))
                .take(3)
                .collect();
            self.exfil_funcs.insert(self.function());
            self.emit(
                line,
                "data-exfiltration",
                severity,
                format!("sends {kinds} over the network"),
                indicators,
            );
            self.emit_origins(&payload);
        }
    }

    /// Reports the sources that reached a sink, each at its own line.
    fn emit_origins(&mut self, val: &Val) {
        for (bit, line) in val.origins.clone() {
            let (code, severity, what) = match bit {
                taint::ENV_ALL => (
                    "env-harvest",
                    Severity::Medium,
                    "collects every environment variable",
                ),
                taint::ENV_SECRET => (
                    "secret-env-read",
                    Severity::Medium,
                    "reads a credential from the environment",
                ),
                taint::HOST => ("host-fingerprint", Severity::Low, "reads the hostname"),
                taint::USER => ("host-fingerprint", Severity::Low, "reads the user name"),
                taint::PLATFORM => ("host-fingerprint", Severity::Low, "reads platform details"),
                taint::IP => (
                    "host-fingerprint",
                    Severity::Medium,
                    "looks up the IP address",
                ),
                taint::CWD => (
                    "host-fingerprint",
                    Severity::Low,
                    "reads the working directory",
                ),
                taint::CRED => (
                    "credential-access",
                    Severity::High,
                    "reads a credential file",
                ),
                taint::BROWSER => (
                    "credential-access",
                    Severity::High,
                    "reads browser cookies or passwords",
                ),
                taint::CLIPBOARD => ("clipboard-access", Severity::Medium, "reads the clipboard"),
                taint::SCREEN => ("screenshot", Severity::Medium, "takes a screenshot"),
                _ => continue,
            };
            self.emit_in(line, code, severity, what.into());
        }
    }

    /// Emits at a line that may be in another function; the function is looked up lazily.
    fn emit_in(&mut self, line: usize, code: &str, severity: Severity, message: String) {
        self.emit(line, code, severity, message, vec![]);
    }

    #[allow(clippy::too_many_arguments)]
    fn check_exec(
        &mut self,
        node: Node<'a>,
        q: &str,
        seg: &str,
        args: &[Node<'a>],
        vals: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
        line: usize,
    ) {
        let is_eval = (EVAL_INDEX.matches(q)
            && !(self.lang == Lang::Ruby && q == "exec")
            && (self.lang.is_js() || !ends_with_any(q, JS_ONLY_EVAL_SINKS)))
            || (q == "Function" && node.kind() == "new_expression");
        let python_c = vals.iter().any(|v| {
            v.list.len() >= 3
                && v.list[0]
                    .as_deref()
                    .is_some_and(|p| p.starts_with("python"))
                && v.list[1].as_deref() == Some("-c")
        });
        let is_cmd = CMD_INDEX.matches(q)
            || python_c
            || (seg == "spawn" && q.starts_with("self."))
            || (self.lang == Lang::Ruby && matches!(q, "exec" | "system" | "spawn"));
        if !is_eval && !is_cmd {
            return;
        }
        // Python's `re.compile`/`jinja.compile` are not code evaluation.
        if is_eval
            && seg == "compile"
            && !matches!(q, "compile" | "builtins.compile" | "__builtins__.compile")
        {
            return;
        }
        if is_eval
            && seg == "exec"
            && q.contains('.')
            && !q.contains("builtins")
            && self.lang != Lang::Ruby
        {
            // cursor.exec / re.exec / child_process.exec are other things.
            if !q.starts_with("child_process") {
                return;
            }
        }
        let mut all = Val::default();
        for v in vals {
            all.absorb(v);
        }
        for (k, v) in kwargs {
            if k != "env" {
                all.absorb(v);
            }
        }
        let first = vals.first().cloned().unwrap_or_default();
        let first_node = args.first().copied();
        if all.taint & taint::DECODED != 0 {
            self.emit(
                line,
                "decode-exec",
                Severity::High,
                "executes decoded or decrypted data".into(),
                vec![],
            );
            return;
        }
        if all.taint & taint::NETWORK != 0 && (is_eval || first.taint & taint::NETWORK != 0) {
            self.emit(
                line,
                "download-exec",
                Severity::Critical,
                "executes data downloaded from the network".into(),
                vec![],
            );
            return;
        }
        let network_tool = command_words(&first).first().is_some_and(|p| {
            let base = p
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(p)
                .to_ascii_lowercase();
            matches!(
                base.as_str(),
                "curl" | "wget" | "nc" | "ncat" | "powershell" | "scp"
            )
        });
        if is_cmd && network_tool && all.taint & taint::SENSITIVE != 0 {
            self.exfil_funcs.insert(self.function());
            self.emit(
                line,
                "data-exfiltration",
                Severity::Critical,
                format!("passes {} to a command", describe_taint(all.taint)),
                vec![],
            );
            self.emit_origins(&all);
        }
        if is_cmd && self.lang.is_js() {
            let shell = first.s.as_deref().is_some_and(|p| {
                matches!(
                    p,
                    "/bin/sh" | "/bin/bash" | "sh" | "bash" | "cmd.exe" | "powershell.exe"
                )
            });
            let socket = self.src.contains("net.connect(")
                || self.src.contains("new net.Socket")
                || self.src.contains("net.createConnection(");
            if shell && socket && vals.len() <= 2 {
                self.emit(
                    line,
                    "reverse-shell",
                    Severity::Critical,
                    "starts a shell next to a raw network connection (reverse shell)".into(),
                    vec![],
                );
            }
        }
        if all.taint & taint::CLIPBOARD != 0 {
            self.emit(
                line,
                "decode-exec",
                Severity::High,
                "executes clipboard contents".into(),
                vec![],
            );
            return;
        }

        if is_eval {
            let Some(arg) = first_node else { return };
            let looks_like_code = first.s.as_deref().is_some_and(|s| {
                s.contains('(')
                    || s.contains("import ")
                    || s.contains(';')
                    || s.len() > 200
                    || s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '=' || c == '+' || c == '/')
                        && s.len() > 60
            });
            match arg.kind() {
                "string" | "concatenated_string" | "template_string" | "binary_operator" => {
                    if looks_like_code && self.lang != Lang::Ruby {
                        self.emit(
                            line,
                            "dynamic-code-exec",
                            Severity::Low,
                            "evaluates code held in a string".into(),
                            vec![],
                        );
                    }
                }
                "identifier" => {
                    if first.taint & taint::FILE_READ == 0 && first.s.is_none() {
                        self.emit(
                            line,
                            "dynamic-code-exec",
                            Severity::Low,
                            "evaluates code held in a variable".into(),
                            vec![],
                        );
                    } else if looks_like_code {
                        self.emit(
                            line,
                            "dynamic-code-exec",
                            Severity::Low,
                            "evaluates code built in a variable".into(),
                            vec![],
                        );
                    }
                }
                "call" | "call_expression" => {
                    // exec(open("version.py").read()) reads a version; code built by a
                    // call on a plain variable is evaluated though (eval(x.toString())).
                    let inner = arg
                        .field(self.fields, "function")
                        .and_then(|f| f.field(self.fields, "object"));
                    if let Some(inner) = inner {
                        if inner.kind() == "identifier" {
                            let v = self.eval(inner);
                            let m = arg
                                .field(self.fields, "function")
                                .and_then(|f| {
                                    f.field(self.fields, "property")
                                        .or_else(|| f.field(self.fields, "attribute"))
                                })
                                .map(|p| self.text(p))
                                .unwrap_or("");
                            if v.taint & taint::FILE_READ == 0
                                && matches!(m, "toString" | "decode" | "join")
                            {
                                self.emit(
                                    line,
                                    "dynamic-code-exec",
                                    Severity::Low,
                                    "evaluates code built at run time".into(),
                                    vec![],
                                );
                            }
                        }
                    }
                    if looks_like_code {
                        self.emit(
                            line,
                            "dynamic-code-exec",
                            Severity::Low,
                            "evaluates code built at run time".into(),
                            vec![],
                        );
                    }
                }
                "function_expression" | "function" => {
                    self.emit(
                        line,
                        "obfuscated-code",
                        Severity::High,
                        "evaluates a packed function (p,a,c,k,e,d packer)".into(),
                        vec![],
                    );
                }
                _ => {}
            }
            return;
        }

        // Commands.
        if self.lang == Lang::Ruby {
            self.emit(
                line,
                "process-spawn",
                Severity::Low,
                format!("runs a command through {q}"),
                vec![],
            );
            return;
        }
        let command = command_words(&first);
        let program = command.first().cloned().unwrap_or_default();
        let program_base = program
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&program)
            .to_ascii_lowercase();
        let joined = command.join(" ").to_ascii_lowercase();
        let silent = self.silent_options(vals, kwargs);
        if let Some(reason) = silent {
            self.emit(
                line,
                "silent-process",
                Severity::Medium,
                format!("starts a process {reason}"),
                vec![],
            );
        }
        if program.is_empty() {
            if first_node.is_some_and(|n| {
                matches!(n.kind(), "identifier" | "attribute" | "member_expression")
            }) && first.name.as_deref() != Some("sys.executable")
                && first.s.is_none()
            {
                self.emit(
                    line,
                    "process-spawn",
                    Severity::Low,
                    "runs a command built at run time".into(),
                    vec![],
                );
            }
            return;
        }
        if joined.starts_with("start explorer") {
            return;
        }
        let bad = BAD_PROGRAMS.contains(&program_base.trim_end_matches(".exe"))
            || program.starts_with("/tmp/")
            || program_base.ends_with(".exe") && !program_base.starts_with("python")
            || joined.contains("-rf");
        if bad {
            self.emit(
                line,
                "process-spawn",
                Severity::Medium,
                format!(
                    "runs `{}`",
                    excerpt_of(&command.join(" "))
                        .chars()
                        .take(80)
                        .collect::<String>()
                ),
                vec![],
            );
        } else if !BENIGN_PROGRAMS.contains(&program_base.as_str())
            && !program_base.starts_with("python")
            && !program_base.starts_with('*')
            && !program_base.starts_with('{')
        {
            if program_base.contains('=')
                || !(program.contains('/') || program.contains('\\') || program.contains('.'))
            {
                return;
            }
            self.emit(
                line,
                "process-spawn",
                Severity::Low,
                format!("runs `{program_base}`"),
                vec![],
            );
        }
    }

    fn silent_options(
        &mut self,
        vals: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
    ) -> Option<&'static str> {
        let mut devnull = 0;
        for (k, v) in kwargs {
            let name = v.name.clone().unwrap_or_default();
            match k.as_str() {
                "creationflags"
                    if name.contains("CREATE_NO_WINDOW") || name.contains("DETACHED_PROCESS") =>
                {
                    return Some("with no window");
                }
                "start_new_session" if v.name.as_deref() == Some("True") => {
                    return Some("detached in a new session");
                }
                "stdout" | "stderr" | "stdin" if name.ends_with("DEVNULL") => devnull += 1,
                _ => {}
            }
        }
        if devnull >= 2 && kwargs.iter().any(|(k, _)| k == "stdin" || k == "close_fds") {
            return Some("with all output discarded");
        }
        // JS: spawn(cmd, args, { detached: true }).
        for v in vals {
            if v.name.is_none() && v.s.is_none() {
                continue;
            }
        }
        None
    }

    fn check_background(
        &mut self,
        q: &str,
        seg: &str,
        args: &[Node<'a>],
        vals: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
        line: usize,
    ) {
        let what: &'static str = if ends_with_any(
            q,
            &["threading.Thread", "Thread", "threading.Timer", "Timer"],
        ) {
            "thread"
        } else if ends_with_any(q, &["multiprocessing.Process", "Process"]) {
            "process"
        } else if matches!(
            q,
            "setTimeout" | "setInterval" | "setImmediate" | "process.nextTick"
        ) {
            "timer"
        } else if ends_with_any(
            q,
            &[
                "asyncio.create_task",
                "asyncio.ensure_future",
                "loop.run_in_executor",
                "submit",
                "start_new_thread",
                "_thread.start_new_thread",
            ],
        ) {
            "task"
        } else if q == "go" {
            "goroutine"
        } else {
            return;
        };
        let _ = seg;
        let mut target = None;
        for (k, v) in kwargs {
            if k == "target" || k == "function" {
                target = v.func.clone().or_else(|| v.name.clone());
            }
        }
        if target.is_none() {
            let idx = if matches!(what, "thread") && q.ends_with("Timer") {
                1
            } else {
                0
            };
            if let Some(v) = vals.get(idx) {
                target = v.func.clone().or_else(|| v.name.clone());
            }
            if let Some(a) = args.get(idx) {
                if matches!(
                    a.kind(),
                    "arrow_function" | "function_expression" | "lambda"
                ) {
                    target = Some(format!("<inline@{}>", Self::line(*a)));
                    // Inline bodies: their network calls were attributed to the enclosing
                    // function, so the enclosing function is the target.
                    target = Some(self.function()).filter(|_| true).or(target);
                }
            }
        }
        if let Some(t) = target {
            let t = t.rsplit('.').next().unwrap_or(&t).to_string();
            self.background.push(BackgroundStart {
                target: t,
                line,
                function: self.function(),
                what,
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_obfuscated_call(
        &mut self,
        node: Node<'a>,
        q: &str,
        seg: &str,
        callee_node: Option<Node<'a>>,
        args: &[Node<'a>],
        vals: &[Rc<Val>],
        line: usize,
    ) {
        let module = vals
            .first()
            .and_then(|v| v.name.clone())
            .unwrap_or_default();
        let sensitive_module = is_sensitive_module(&module);
        // getattr(os, 'system'), Reflect.get(process, 'spawn'), Object.keys(os).find(..).
        let member_val = vals.get(1).cloned().unwrap_or_default();
        if (matches!(q, "getattr" | "builtins.getattr" | "__builtins__.getattr")
            && sensitive_module
            && (member_val.s.as_deref().is_some_and(is_sensitive_member)
                || args.get(1).is_some_and(|a| a.kind() != "string")))
            || (matches!(
                q,
                "Reflect.get"
                    | "Object.getOwnPropertyDescriptor"
                    | "Object.getOwnPropertyNames"
                    | "Object.keys"
                    | "Object.entries"
            ) && sensitive_module
                && !module.ends_with(".env"))
        {
            let member = vals.get(1).and_then(|v| v.s.clone()).unwrap_or_default();
            // A computed attribute name is common metaprogramming; a named dangerous one
            // fetched by reflection is hiding it.
            let severity = if is_sensitive_member(&member) {
                Severity::High
            } else {
                Severity::Low
            };
            self.emit(
                line,
                "api-obfuscation",
                severity,
                format!("reaches {module}.{member} through reflection"),
                vec![],
            );
        }
        let module_getattribute = seg == "__getattribute__"
            && q.rsplit_once(".__getattribute__")
                .is_some_and(|(m, _)| is_sensitive_module(m));
        if module_getattribute
            || (q.ends_with("__import__")
                && vals
                    .first()
                    .and_then(|v| v.s.as_deref())
                    .is_some_and(is_sensitive_module))
        {
            self.emit(
                line,
                "api-obfuscation",
                Severity::Medium,
                format!("reaches a module through {seg}"),
                vec![],
            );
        }
        let dict_call = q
            .split_once(".__dict__.")
            .is_some_and(|(m, _)| is_sensitive_module(m));
        if dict_call || q.contains("__builtins__") && q.contains("vars") {
            self.emit(
                line,
                "api-obfuscation",
                Severity::High,
                "calls a function through __dict__".into(),
                vec![],
            );
        }
        if q == "vars"
            && args
                .first()
                .is_some_and(|a| self.text(*a).contains("__builtins__"))
        {
            self.emit(
                line,
                "api-obfuscation",
                Severity::High,
                "reaches builtins through vars()".into(),
                vec![],
            );
        }
        if q == "globals" || q == "locals" {
            let parent_text = node.parent().map(|p| self.text(p)).unwrap_or("");
            if parent_text.contains("['\\x")
                || parent_text.contains("[\"\\x")
                || parent_text.contains("__builtins__")
            {
                self.emit(
                    line,
                    "api-obfuscation",
                    Severity::High,
                    "reaches builtins through globals()".into(),
                    vec![],
                );
            }
        }
        // chr-join: ''.join(chr(c) for c in [...]) / map(chr, [...]).
        if seg == "join" {
            let t = args.first().map(|a| self.text(*a)).unwrap_or("");
            if t.contains("chr(") || t.starts_with("map(chr") {
                self.emit(
                    line,
                    "obfuscated-code",
                    Severity::Low,
                    "builds a string from character codes".into(),
                    vec![],
                );
            }
        }
        // Hex-encoded string constants decoded by a helper: g('72657175697265').
        if self.lang.is_js() || self.lang == Lang::Python {
            if let (Some(first), 1) = (vals.first().and_then(|v| v.s.clone()), args.len()) {
                if first.len() >= 6
                    && first.len() % 2 == 0
                    && first.chars().all(|c| c.is_ascii_hexdigit())
                    && (!first.chars().all(|c| c.is_ascii_digit())
                        || q.len() <= 2
                            && hex_decode(&first)
                                .is_some_and(|b| b.iter().all(|c| c.is_ascii_alphabetic())))
                {
                    if let Some(bytes) = hex_decode(&first) {
                        if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
                            && bytes.iter().any(|b| b.is_ascii_alphabetic())
                        {
                            let decoded = String::from_utf8_lossy(&bytes).into_owned();
                            self.emit(
                                line,
                                "obfuscated-code",
                                Severity::Medium,
                                format!("hex-encoded string {decoded:?}"),
                                vec![decoded],
                            );
                        }
                    }
                }
            }
        }
        // bytes.decode('cp1026') and other EBCDIC tricks.
        if seg == "decode"
            && vals.iter().any(|v| {
                v.s.as_deref().is_some_and(|s| {
                    s.starts_with("cp10") || s.starts_with("cp50") || s == "rot13" || s == "rot_13"
                })
            })
        {
            self.emit(
                line,
                "obfuscated-code",
                Severity::High,
                "decodes text from an exotic codec".into(),
                vec![],
            );
        }
        let _ = callee_node;
    }

    #[allow(clippy::too_many_arguments)]
    fn check_misc_calls(
        &mut self,
        node: Node<'a>,
        q: &str,
        seg: &str,
        vals: &[Rc<Val>],
        kwargs: &[(String, Rc<Val>)],
        line: usize,
        result: &Val,
    ) {
        let first = vals.first().and_then(|v| v.s.clone()).unwrap_or_default();
        // Clipboard.
        if ends_with_any(
            q,
            &[
                "pyperclip.paste",
                "pyperclip.copy",
                "read_clipboard",
                "to_clipboard",
                "clipboardy.read",
                "clipboardy.write",
                "clipboard.readText",
                "clipboard.writeText",
                "SetClipboardData",
                "GetClipboardData",
                "OpenClipboard",
            ],
        ) {
            self.emit(
                line,
                "clipboard-access",
                Severity::Medium,
                format!("uses the clipboard through {seg}"),
                vec![],
            );
        }
        // Screenshots.
        let lower = q.to_ascii_lowercase();
        if ends_with_any(
            q,
            &[
                "ImageGrab.grab",
                "pyscreenshot.grab",
                "pyautogui.screenshot",
                "mss.mss",
                "d3dshot.create",
            ],
        ) || (seg == "grab" && lower.contains("mss"))
            || (seg == "screenshot" && lower.contains("d3dshot"))
        {
            self.emit(
                line,
                "screenshot",
                Severity::Medium,
                "takes screenshots".into(),
                vec![],
            );
        }
        // PyArmor runtime.
        if matches!(
            seg,
            "__pyarmor__" | "pyarmor_runtime" | "check_armored" | "assert_armored"
        ) {
            self.emit(
                line,
                "pyarmor",
                Severity::Medium,
                "PyArmor-protected code".into(),
                vec![],
            );
        }
        // Process injection through Windows APIs.
        if matches!(
            seg,
            "WriteProcessMemory"
                | "CreateRemoteThread"
                | "VirtualAllocEx"
                | "NtCreateThreadEx"
                | "QueueUserAPC"
                | "SetWindowsHookEx"
                | "SetWindowsHookExA"
        ) {
            self.emit(
                line,
                "dll-hijacking",
                Severity::High,
                format!("process injection through {seg}"),
                vec![],
            );
        }
        if matches!(
            seg,
            "CDLL" | "WinDLL" | "LoadLibrary" | "LoadLibraryA" | "LoadLibraryW"
        ) && vals.first().is_some_and(|v| v.s.is_none())
            && q.starts_with("getattr")
        {
            self.emit(
                line,
                "dll-hijacking",
                Severity::Medium,
                "loads a native library by a computed path".into(),
                vec![],
            );
        }
        if q == "getattr"
            && vals
                .get(1)
                .and_then(|v| v.s.as_deref())
                .is_some_and(|s| matches!(s, "CDLL" | "WinDLL" | "LoadLibrary"))
        {
            self.emit(
                line,
                "dll-hijacking",
                Severity::Medium,
                "loads a native library through getattr".into(),
                vec![],
            );
        }
        if self.lang.is_js() && seg == "executeInject" {
            self.emit(
                line,
                "dll-hijacking",
                Severity::High,
                "injects into a process".into(),
                vec![],
            );
        }
        // Writes of executable or library files.
        if matches!(q, "open" | "io.open" | "builtins.open") {
            let mode = vals
                .get(1)
                .and_then(|v| v.s.clone())
                .or_else(|| {
                    kwargs
                        .iter()
                        .find(|(k, _)| k == "mode")
                        .and_then(|(_, v)| v.s.clone())
                })
                .unwrap_or_default();
            if mode.contains('w') && mode.contains('b') || mode == "ab" {
                let harmless = [
                    ".txt", ".json", ".png", ".jpg", ".gif", ".csv", ".html", ".xml", ".yaml",
                    ".yml", ".log", ".md", ".pkl", ".pickle", ".npy", ".npz", ".zip", ".gz",
                    ".tar", ".whl", ".pdf", ".ico", ".svg", ".db", ".sqlite",
                ];
                let p = first.to_ascii_lowercase();
                let exe = [
                    ".exe", ".dll", ".so", ".bat", ".ps1", ".scr", ".vbs", ".dylib", ".sh",
                ]
                .iter()
                .any(|e| p.ends_with(e));
                let is_harmless = !p.is_empty() && harmless.iter().any(|e| p.ends_with(e));
                if exe {
                    self.emit(
                        line,
                        "download-exec",
                        Severity::High,
                        format!("writes an executable file {first}"),
                        vec![first.clone()],
                    );
                } else if !is_harmless
                    && (p.is_empty()
                        || p.starts_with("/tmp")
                        || p.starts_with('.')
                        || !p.contains('.'))
                {
                    self.emit(
                        line,
                        "binary-write",
                        Severity::Low,
                        "writes a binary file at a computed or extension-less path".into(),
                        vec![],
                    );
                }
            }
        }
        // Downloads to executables.
        if seg == "urlretrieve" || seg == "download_file" {
            let any_exe = vals.iter().filter_map(|v| v.s.as_deref()).any(|s| {
                let s = s.to_ascii_lowercase();
                [
                    ".exe", ".dll", ".scr", ".bat", ".ps1", ".msi", ".vbs", ".sh", ".bin",
                ]
                .iter()
                .any(|e| s.ends_with(e))
            });
            if any_exe {
                self.emit(
                    line,
                    "download-exec",
                    Severity::High,
                    "downloads an executable".into(),
                    vec![first.clone()],
                );
            }
        }
        // res.pipe(fs.createWriteStream(p)): a download saved to disk.
        if seg == "pipe"
            && result.taint & taint::NETWORK != 0
            && vals
                .first()
                .and_then(|v| v.name.as_deref())
                .is_some_and(|n| n.ends_with("createWriteStream"))
        {
            self.emit(
                line,
                "download-exec",
                Severity::High,
                "saves a download to a file".into(),
                vec![],
            );
        }
        // Go: io.Copy(f, network) writes a downloaded file; chmod +x.
        if q == "io.Copy" && vals.get(1).is_some_and(|v| v.taint & taint::NETWORK != 0) {
            let def = vals.first().map(|v| v.def_line).unwrap_or(line);
            let at = if def > 0 { def } else { line };
            self.emit(
                at,
                "download-exec",
                Severity::High,
                "writes data from the network to a file".into(),
                vec![],
            );
        }
        if matches!(
            q,
            "os.Chmod" | "os.chmod" | "fs.chmodSync" | "fs.chmod" | "File.chmod"
        ) {
            let mode_node = node
                .field(self.fields, "arguments")
                .and_then(|a| a.named_child(1));
            let mode_text = mode_node
                .map(|m| self.text(m).to_string())
                .unwrap_or_default();
            let mode_val = vals.get(1).cloned().unwrap_or_default();
            if has_exec_bits(&mode_text)
                || mode_text.contains("S_IEXEC")
                || mode_text.contains("S_IX")
                || mode_val
                    .name
                    .as_deref()
                    .is_some_and(|n| n.contains("FileMode"))
            {
                self.emit(
                    line,
                    "make-executable",
                    Severity::Low,
                    "makes a file executable".into(),
                    vec![],
                );
            }
        }
        if q == "os.FileMode" || q == "os.OpenFile" {
            let t = node
                .field(self.fields, "arguments")
                .map(|a| self.text(a).to_string())
                .unwrap_or_default();
            let last = t
                .trim_end_matches(')')
                .rsplit(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let last = if q == "os.FileMode" {
                t.trim_matches(['(', ')']).to_string()
            } else {
                last
            };
            if has_exec_bits(&last) {
                self.emit(
                    line,
                    "make-executable",
                    Severity::Low,
                    "creates a file with execute permission".into(),
                    vec![],
                );
            }
        }
        // Environment changes that inject libraries.
        if (seg == "__setitem__" || seg == "putenv" || seg == "Setenv")
            && first.contains("LD_PRELOAD")
        {
            self.emit(
                line,
                "dll-hijacking",
                Severity::High,
                "sets LD_PRELOAD".into(),
                vec![],
            );
        }
        // setup() with command overrides.
        if matches!(q, "setup" | "setuptools.setup" | "distutils.core.setup") {
            if let Some((_, v)) = kwargs.iter().find(|(k, _)| k == "cmdclass") {
                let text = node
                    .field(self.fields, "arguments")
                    .map(|a| self.text(a).to_string())
                    .unwrap_or_default();
                let overrides: Vec<&str> = SETUP_COMMANDS
                    .iter()
                    .copied()
                    .chain(["bdist_wheel"])
                    .filter(|c| {
                        text.contains(&format!("\"{c}\"")) || text.contains(&format!("'{c}'"))
                    })
                    .collect();
                let _ = v;
                if !overrides.is_empty() {
                    self.emit(
                        line,
                        "install-hook",
                        Severity::Medium,
                        format!("setup() overrides the {} command", overrides.join(", ")),
                        vec![],
                    );
                }
            }
        }
        // Ruby install hooks.
        if self.lang == Lang::Ruby
            && (q.starts_with("Gem.") || q.starts_with("Gem.Installer"))
            && matches!(
                seg,
                "post_install"
                    | "pre_install"
                    | "post_uninstall"
                    | "pre_uninstall"
                    | "done_installing"
            )
        {
            self.emit(
                line,
                "install-hook",
                Severity::High,
                format!("registers a RubyGems {seg} hook"),
                vec![],
            );
        }
        if self.lang == Lang::Ruby && q.ends_with("Gem.Specification.new") {
            let text = self.text(node);
            if text.contains(".extensions") || text.contains("extconf") {
                self.emit(
                    line,
                    "install-hook",
                    Severity::Medium,
                    "gem builds a native extension at install time".into(),
                    vec![],
                );
            }
        }
        if self.lang == Lang::Ruby && q == "require" {
            let lib = first.to_string();
            if matches!(
                lib.as_str(),
                "net/http"
                    | "open-uri"
                    | "socket"
                    | "httparty"
                    | "faraday"
                    | "rest-client"
                    | "net/https"
            ) {
                self.ruby_requires.push((line, lib));
            }
        }
        if self.lang == Lang::Ruby
            && (NET_INDEX.matches(q) || q == "open" && first.contains("://"))
            && self.func_stack.is_empty()
        {
            self.top_level_net = true;
        }
        // Steganography.
        if seg == "reveal" && (lower.contains("lsb") || lower.contains("steg")) {
            self.emit(
                line,
                "steganography",
                Severity::High,
                "reads data hidden in an image".into(),
                vec![],
            );
        }
        // Environment variables that override a hard-coded endpoint (JS `||`).
        let _ = result;
    }

    fn check_ruby_subshell(&mut self, node: Node<'a>) {
        let line = Self::line(node);
        self.emit(
            line,
            "process-spawn",
            Severity::Low,
            format!("runs a shell command {}", excerpt_of(self.text(node))),
            vec![],
        );
    }

    fn check_string_root(&mut self, node: Node<'a>) {
        let kind = self.kind_of(node);
        // Only the outermost piece of a concatenation is checked, once, as a whole.
        // The walk keeps the parents' kinds: `Node::parent` searches down from the root.
        if let Some(&parent) = self.kinds.last() {
            if matches!(
                parent,
                K::ConcatenatedString | K::BinaryOperator | K::BinaryExpression | K::Binary
            ) && !(matches!(kind, K::BinaryOperator | K::BinaryExpression | K::Binary)
                && parent != kind)
            {
                return;
            }
            if parent == K::ExpressionStatement
                && self.lang == Lang::Python
                && self.kind_of(node) == K::String
            {
                return;
            }
        }
        let v = self.eval(node);
        let Some(s) = v.s.clone() else { return };
        if s.len() < 4 {
            return;
        }
        let line = Self::line(node);
        for Finding {
            code,
            severity,
            message,
            indicator,
        } in indicators::scan_string(&s)
        {
            // A string alone is evidence of intent only for shells; the rest need a sink.
            let severity = if code == "reverse-shell" {
                severity
            } else {
                severity.min(Severity::Medium)
            };
            // Links in user-facing messages are not endpoints the code calls.
            if code == "suspicious-endpoint"
                && severity < Severity::High
                && self.in_message_call(node)
            {
                continue;
            }
            self.emit(line, code, severity, message, vec![indicator]);
        }
        if indicators::is_key_like(&s) && s.len() >= 32 && !s.contains(' ') {
            self.keys.push((line, s.clone(), self.function()));
        }
        // Whitespace hiding: a statement pushed far right on its line.
        if self.lang == Lang::Python
            && s.len() > 2000
            && s.chars().filter(|c| !c.is_ascii()).count() * 2 > s.chars().count()
        {
            self.emit(
                line,
                "obfuscated-code",
                Severity::Medium,
                "long escaped byte string".into(),
                vec![],
            );
        }
        // The env-override pattern in JS: process.env.X || "https://..."
        let in_binary = self.kinds.last() == Some(&K::BinaryExpression);
        if let Some(parent) = in_binary.then(|| node.parent()).flatten() {
            let op = parent
                .field(self.fields, "operator")
                .map(|o| self.text(o))
                .unwrap_or("");
            if op == "||" || op == "??" {
                if let Some(left) = parent.field(self.fields, "left") {
                    let lt = self.text(left).to_string();
                    if let Some(var) = lt.strip_prefix("process.env.") {
                        self.note_env_override(var, &s, line);
                    }
                }
            }
        }
        let _ = v;
    }

    fn in_message_call(&self, node: Node<'a>) -> bool {
        let mut cur = node.parent();
        for _ in 0..4 {
            let Some(p) = cur else { return false };
            if matches!(p.kind(), "call" | "call_expression") {
                let f = p
                    .field(self.fields, "function")
                    .map(|f| self.text(f))
                    .unwrap_or("");
                return [
                    "print",
                    "log",
                    "warn",
                    "error",
                    "info",
                    "debug",
                    "Error",
                    "warning",
                    "raise",
                    "ValueError",
                    "RuntimeError",
                    "Exception",
                    "help",
                    "description",
                    "format",
                ]
                .iter()
                .any(|m| f.ends_with(m));
            }
            cur = p.parent();
        }
        false
    }

    fn check_subscript(&mut self, node: Node<'a>) {
        let line = Self::line(node);
        let obj = node
            .field(self.fields, "value")
            .or_else(|| node.field(self.fields, "object"))
            .or_else(|| node.named_child(0));
        let index = node
            .field(self.fields, "subscript")
            .or_else(|| node.field(self.fields, "index"))
            .or_else(|| node.named_child(1));
        let (Some(obj), Some(index)) = (obj, index) else {
            return;
        };
        let base = self.eval(obj);
        let idx = self.eval(index);
        let base_name = base.name.clone().unwrap_or_default();
        let key = idx.s.clone().unwrap_or_default();
        let index_text = self.text(index);
        // process['spawn'], os['hostname'], os.__dict__['startfile'], global[Buffer.from(..)]
        if base_name
            .strip_suffix(".__dict__")
            .is_some_and(|m| is_sensitive_module(m) || m == "__builtins__")
        {
            self.emit(
                line,
                "api-obfuscation",
                Severity::High,
                format!("reaches {base_name}[{key}] by name"),
                vec![],
            );
            return;
        }
        let module = base_name.as_str();
        if (is_sensitive_module(module) || matches!(module, "global" | "globalThis" | "window"))
            && self.lang.is_js()
            && (is_sensitive_member(&key)
                || index.kind() != "string" && !key.is_empty()
                || index_text.contains("fromCharCode")
                || index_text.contains("Buffer.from")
                || index_text.contains("find(")
                || index_text.contains("keys("))
        {
            self.emit(
                line,
                "api-obfuscation",
                Severity::High,
                format!("reaches {module}[{key}] by a computed name"),
                vec![],
            );
        }
        if self.lang.is_js()
            && matches!(module, "self" | "window" | "global")
            && index.kind() == "call_expression"
        {
            self.emit(
                line,
                "api-obfuscation",
                Severity::Medium,
                format!("calls {module}[...] through a decoded name"),
                vec![],
            );
        }
        // `[...][1]` picks of Object.entries(mod).find(...)
        if self.lang.is_js() && (self.text(obj).starts_with("Object.entries(")) {
            let inner = self.text(obj);
            let module = inner
                .trim_start_matches("Object.entries(")
                .split(')')
                .next()
                .unwrap_or("");
            if is_sensitive_module(module) {
                self.emit(
                    line,
                    "api-obfuscation",
                    Severity::High,
                    format!("reaches {module} members through Object.entries"),
                    vec![],
                );
            }
        }
        // JSON.stringify(process["env"]) is caught by the call; ENV[...] is a plain read.
    }

    fn check_attribute(&mut self, node: Node<'a>) {
        let text = self.text(node);
        if text.contains("__pyarmor") || text.contains("__armor") {
            self.emit(
                Self::line(node),
                "pyarmor",
                Severity::Medium,
                "PyArmor-protected code".into(),
                vec![],
            );
        }
        if self.lang.is_js() && text == "process.env" {
            // `{ ...process.env }` copies are common; serialization is caught by calls.
        }
    }

    fn check_identifier_name(&mut self, name: &str, line: usize) {
        if name.starts_with("__pyarmor") || name.starts_with("__armor") {
            self.emit(
                line,
                "pyarmor",
                Severity::Medium,
                "PyArmor-protected code".into(),
                vec![],
            );
        }
    }

    fn check_decorator(&mut self, node: Node<'a>) {
        let text = self.text(node);
        if text.contains("assert_armored") {
            self.emit(
                Self::line(node),
                "pyarmor",
                Severity::Medium,
                "PyArmor-protected code".into(),
                vec![],
            );
        }
    }

    fn check_class(&mut self, node: Node<'a>) {
        // class X(install): def run(self): ... — a setuptools command override.
        if self.lang != Lang::Python {
            return;
        }
        let supers = node
            .field(self.fields, "superclasses")
            .map(|s| self.text(s).to_string())
            .unwrap_or_default();
        let overrides = supers
            .trim_matches(['(', ')'])
            .split(',')
            .map(|s| s.trim())
            .any(|s| {
                let last = s.rsplit('.').next().unwrap_or(s);
                SETUP_COMMANDS.contains(&last)
                    || last == "bdist_egg"
                    || last.starts_with("install") && last.len() < 14
            });
        if overrides {
            let body = node
                .field(self.fields, "body")
                .map(|b| self.text(b))
                .unwrap_or("");
            if body.contains("def run") {
                self.emit(
                    Self::line(node),
                    "install-hook",
                    Severity::Medium,
                    format!(
                        "overrides the setuptools {} command's run()",
                        supers.trim_matches(['(', ')'])
                    ),
                    vec![],
                );
            }
        }
    }

    fn check_misc(&mut self, node: Node<'a>) {
        let line = Self::line(node);
        let text = self.text(node);
        match node.kind() {
            "array" if self.lang.is_js() => {
                // obfuscator.io string arrays: "67328CLnbnw", "4551950sCJhcH", ...
                let mut c = node.walk();
                let items: Vec<&str> = node
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "string")
                    .map(|n| self.text(n).trim_matches(['"', '\'']))
                    .collect();
                let rotated = items
                    .iter()
                    .filter(|s| {
                        let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
                        digits >= 3
                            && s.len() > digits + 2
                            && s[digits..].chars().all(|c| c.is_ascii_alphabetic())
                    })
                    .count();
                if items.len() >= 6 && rotated * 2 >= items.len() {
                    self.emit(
                        line,
                        "obfuscated-code",
                        Severity::High,
                        "obfuscator-style rotated string array".into(),
                        vec![],
                    );
                }
            }
            "unary_expression" if self.lang.is_js() => {
                if text.starts_with("!![]") || text.starts_with("+!!") || text == "!![]" {
                    self.emit(
                        line,
                        "obfuscated-code",
                        Severity::Medium,
                        "JSFuck-style boolean coercion".into(),
                        vec![],
                    );
                }
            }
            "while_statement" if self.lang.is_js() => {
                let cond = node
                    .field(self.fields, "condition")
                    .map(|c| self.text(c))
                    .unwrap_or("");
                if cond.contains("!![]") {
                    self.emit(
                        line,
                        "obfuscated-code",
                        Severity::Medium,
                        "obfuscator-style `while(!![])` loop".into(),
                        vec![],
                    );
                }
            }
            "composite_literal" if self.lang == Lang::Go => {
                let ty = node
                    .field(self.fields, "type")
                    .map(|t| self.text(t))
                    .unwrap_or("");
                if ty == "exec.Cmd" {
                    let body = node.field(self.fields, "body");
                    if let Some(body) = body {
                        let v = self.eval(body);
                        let path_const = self.text(body).contains("Path:   \"")
                            || self.text(body).contains("Path: \"");
                        if v.taint & taint::DECODED != 0 || !path_const {
                            self.emit(
                                line,
                                "decode-exec",
                                Severity::High,
                                "builds an exec.Cmd from computed data".into(),
                                vec![],
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }

    // ---- the file-level combinations -----------------------------------------------

    fn finish(mut self) -> Vec<Signal> {
        // Functions that reach the network, directly or through calls in this file.
        let mut reach = self.exfil_funcs.clone();
        loop {
            let before = reach.len();
            for (f, callees) in &self.calls {
                if !reach.contains(f)
                    && callees.iter().any(|c| {
                        reach
                            .iter()
                            .any(|r| r == c || r.ends_with(&format!(".{c}")))
                    })
                {
                    reach.insert(f.clone());
                }
            }
            if reach.len() == before {
                break;
            }
        }
        let background = std::mem::take(&mut self.background);
        for start in background {
            let sends = reach
                .iter()
                .any(|r| r == &start.target || r.ends_with(&format!(".{}", start.target)));
            if sends {
                let message = format!(
                    "starts a background {} running {}() which sends data over the network \
                     (started from {})",
                    start.what, start.target, start.function
                );
                let line = start.line;
                let excerpt = self.excerpt(line);
                self.signals.push(signal_at(
                    self.path,
                    line,
                    "background-send",
                    Severity::High,
                    &message,
                    &excerpt,
                    vec![],
                    &start.function,
                ));
            }
        }

        // Embedded secrets next to outbound calls.
        let net_lines = self.net_lines.clone();
        for (line, key, function) in std::mem::take(&mut self.keys) {
            if net_lines.iter().any(|n| n.abs_diff(line) <= 60) {
                let excerpt = self.excerpt(line);
                let shown: String = key.chars().take(8).collect::<String>() + "...";
                self.signals.push(signal_at(
                    self.path,
                    line,
                    "hardcoded-secret",
                    Severity::Medium,
                    "a key-like string sits next to an outbound call",
                    &excerpt,
                    vec![shown],
                    &function,
                ));
            }
        }

        // Environment variables that override a hard-coded endpoint, undocumented.
        for o in std::mem::take(&mut self.env_overrides) {
            if self.documented.contains(&o.var) {
                continue;
            }
            let excerpt = self.excerpt(o.line);
            self.signals.push(signal_at(
                self.path,
                o.line,
                "env-endpoint-override",
                Severity::Medium,
                &format!(
                    "undocumented environment variable {} overrides the hard-coded endpoint {}",
                    o.var, o.endpoint
                ),
                &excerpt,
                vec![o.endpoint.clone()],
                &o.function,
            ));
        }

        // Ruby: a network library required and used at load time.
        if self.lang == Lang::Ruby && self.top_level_net {
            for (line, lib) in std::mem::take(&mut self.ruby_requires) {
                let excerpt = self.excerpt(line);
                self.signals.push(signal_at(
                    self.path,
                    line,
                    "network-on-require",
                    Severity::Medium,
                    &format!("requires {lib} and uses the network when loaded"),
                    &excerpt,
                    vec![],
                    "<module>",
                ));
            }
        }

        // Python: network at import time (outside functions and __main__ guards).
        let file = self.path.rsplit('/').next().unwrap_or(self.path);
        if self.lang == Lang::Python && self.top_level_net && file != "setup.py" && !self.minified {
            let first_net = self
                .signals
                .iter()
                .filter(|s| {
                    s.function == "<module>"
                        && matches!(s.code.as_str(), "data-exfiltration" | "dns-exfiltration")
                })
                .map(|s| s.line)
                .next();
            if let Some(line) = first_net {
                let excerpt = self.excerpt(line);
                self.signals.push(signal_at(
                    self.path,
                    line,
                    "import-time-network",
                    Severity::Medium,
                    "sends data when the module is imported",
                    &excerpt,
                    vec![],
                    "<module>",
                ));
            }
        }
        self.signals
    }
}

// ---- helpers -------------------------------------------------------------------------

fn is_env_object(name: &str) -> bool {
    matches!(
        name,
        "os.environ" | "process.env" | "ENV" | "os.environb" | "os.Environ"
    ) || name.ends_with(".os.environ")
}

fn env_member(name: &str) -> Option<&str> {
    name.strip_prefix("process.env.")
}

/// Keys of a data structure that carry authentication, not payload.
fn is_auth_header(key: &str) -> bool {
    matches!(
        key,
        "auth" | "authorization" | "x-api-key" | "api_key" | "token" | "proxy"
    )
}

fn is_auth_key(key: &str) -> bool {
    matches!(
        key,
        "auth"
            | "authorization"
            | "proxies"
            | "proxy"
            | "cert"
            | "verify"
            | "timeout"
            | "env"
            | "x-api-key"
            | "api_key"
            | "token"
    )
}

fn is_codec_decode(args: &[Rc<Val>]) -> bool {
    args.iter().any(|a| {
        a.s.as_deref().is_some_and(|s| {
            let s = s.to_ascii_lowercase().replace(['_', '-'], "");
            matches!(
                s.as_str(),
                "base64" | "hex" | "rot13" | "zlib" | "bz2" | "uu" | "hexcodec" | "base64codec"
            )
        })
    })
}

fn is_sensitive_module(name: &str) -> bool {
    matches!(
        name,
        "os" | "process"
            | "child_process"
            | "subprocess"
            | "builtins"
            | "__builtins__"
            | "socket"
            | "http"
            | "https"
            | "net"
            | "fs"
            | "ctypes"
            | "require('child_process')"
    )
}

fn is_sensitive_member(name: &str) -> bool {
    matches!(
        name,
        "system"
            | "popen"
            | "startfile"
            | "spawn"
            | "exec"
            | "execSync"
            | "eval"
            | "hostname"
            | "getcwd"
            | "spawnSync"
            | "fork"
            | "execFile"
            | "compile"
            | "__import__"
            | "CDLL"
            | "userInfo"
            | "homedir"
    )
}

fn has_exec_bits(mode: &str) -> bool {
    let m = mode.trim();
    if m.contains("0111") || m.contains("|0o111") {
        return true;
    }
    let digits = m.trim_start_matches("0o").trim_start_matches('0');
    if digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()) {
        return digits.chars().any(|c| matches!(c, '1' | '3' | '5' | '7'));
    }
    false
}

/// The words of a command given as a string or an argument list.
fn command_words(v: &Val) -> Vec<String> {
    if let Some(s) = &v.s {
        return s
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']).to_string())
            .collect();
    }
    if !v.list.is_empty() {
        return v
            .list
            .iter()
            .map(|i| i.clone().unwrap_or_else(|| "*".into()))
            .collect();
    }
    if v.name.as_deref() == Some("sys.executable") {
        return vec!["python".into()];
    }
    Vec::new()
}

fn describe_taint(t: u32) -> String {
    let mut parts = Vec::new();
    let names = [
        (taint::ENV_ALL, "the whole environment"),
        (taint::ENV_SECRET, "credentials from environment variables"),
        (taint::ENV_VAR, "environment variables"),
        (taint::HOST, "the hostname"),
        (taint::USER, "the user name"),
        (taint::PLATFORM, "platform details"),
        (taint::IP, "the IP address"),
        (taint::CRED, "credential files"),
        (taint::BROWSER, "browser cookies/passwords"),
        (taint::CLIPBOARD, "clipboard contents"),
        (taint::CWD, "the working directory"),
        (taint::SCREEN, "screenshots"),
    ];
    for (bit, name) in names {
        if t & bit != 0 {
            parts.push(name);
        }
    }
    if parts.is_empty() {
        "data".into()
    } else {
        parts.join(", ")
    }
}

fn js_module_name(source: &str) -> String {
    let s = source.trim_start_matches("node:");
    s.to_string()
}

/// Strips the quotes (and prefixes like `b`, `r`, `f`) of a string literal's source text.
pub fn unquote(raw: &str) -> String {
    let t = raw.trim_start_matches(|c: char| c.is_ascii_alphabetic() && c != '"' && c != '\'');
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if t.len() >= 2 * q.len() && t.starts_with(q) && t.ends_with(q) {
            return t[q.len()..t.len() - q.len()].to_string();
        }
    }
    if let Some(rest) = raw.strip_prefix(':') {
        return rest.to_string();
    }
    t.to_string()
}

/// Decodes backslash escapes: `\xNN`, `\uNNNN`, `\NNN` octal and the usual letters.
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut bytes: Vec<u8> = Vec::new();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            match String::from_utf8(bytes.clone()) {
                Ok(s) => out.push_str(&s),
                Err(_) => out.extend(bytes.iter().map(|b| *b as char)),
            }
            bytes.clear();
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            match n {
                'x' if i + 3 < chars.len() + 1 => {
                    let hex: String = chars[i + 2..(i + 4).min(chars.len())].iter().collect();
                    if let Ok(b) = u8::from_str_radix(&hex, 16) {
                        bytes.push(b);
                        i += 4;
                        continue;
                    }
                }
                'u' => {
                    flush(&mut bytes, &mut out);
                    let hex: String = chars[i + 2..(i + 6).min(chars.len())].iter().collect();
                    if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(ch);
                        i += 6;
                        continue;
                    }
                }
                '0'..='7' => {
                    let oct: String = chars[i + 1..(i + 4).min(chars.len())]
                        .iter()
                        .take_while(|c| c.is_digit(8))
                        .collect();
                    if let Ok(b) = u8::from_str_radix(&oct, 8) {
                        bytes.push(b);
                        i += 1 + oct.len();
                        continue;
                    }
                }
                'n' | 't' | 'r' | '\\' | '\'' | '"' => {
                    flush(&mut bytes, &mut out);
                    out.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        flush(&mut bytes, &mut out);
        out.push(c);
        i += 1;
    }
    flush(&mut bytes, &mut out);
    out
}

fn parse_int(t: &str) -> Option<u32> {
    let t = t.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        t.parse().ok()
    }
}

/// Standard or URL-safe base64, padding optional.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{
        analyze_source, ends_with_any, quoted_strings, PatternIndex, CMD_SINKS, DNS_SINKS,
        EVAL_SINKS, NET_SINKS,
    };

    /// A name matches a list's index exactly when it matches the list pattern by pattern.
    #[test]
    fn pattern_index_matches_as_the_list_does() {
        let lists = [NET_SINKS, DNS_SINKS, CMD_SINKS, EVAL_SINKS];
        let mut names: Vec<String> = vec!["".into(), ".".into(), "x.".into(), "get".into()];
        for p in lists.concat() {
            names.extend([
                p.to_string(),
                format!("a.{p}"),
                format!("a{p}"),
                format!("{p}.x"),
            ]);
            names.push(p[1..].to_string());
        }
        for list in lists {
            let index = PatternIndex::of(list);
            for name in &names {
                assert_eq!(index.matches(name), ends_with_any(name, list), "{name}");
            }
        }
    }

    /// `Function(x)` evaluates code in JavaScript; in Python it is a class like any other.
    #[test]
    fn function_evaluates_code_only_in_javascript() {
        let js = analyze_source("pkg/index.js", "const f = Function(body);\n");
        assert!(js.iter().any(|s| s.code == "dynamic-code-exec"), "{js:?}");
        let py = analyze_source(
            "pkg/core.py",
            "from sympy import Function\nf = Function(name)\n",
        );
        assert!(py.is_empty(), "{py:?}");
    }

    /// The hand-written scan finds exactly what the regex it replaced finds.
    #[test]
    fn quoted_strings_match_the_regex() {
        let re = regex::Regex::new(r#""[^"\\\n]{6,2000}"|'[^'\\\n]{6,2000}'"#).unwrap();
        let long = "x".repeat(2001);
        let lines = [
            r#"url = "https://evil.example/x" + 'abcdef'"#.to_string(),
            r#""ab"cdefgh" 'it"s fine' "esc\"aped here" 'q'"#.to_string(),
            r#"'short' "" '' "ünïcödé" 'tail without end"#.to_string(),
            format!("\"{long}\" 'after the long one'"),
            format!("\"{}\"", "y".repeat(2000)),
        ];
        for line in &lines {
            let expected: Vec<(usize, &str)> = re
                .find_iter(line)
                .map(|m| (m.start(), &m.as_str()[1..m.as_str().len() - 1]))
                .collect();
            assert_eq!(quoted_strings(line), expected, "{line}");
        }
    }
}
