//! Indicators in string constants: URLs, hosts, IPs, key-like strings, credential paths and
//! shell payloads, each classified the way issue 7 lists them ("Signals").

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;

use crate::Severity;

/// What one string constant reveals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Signal code.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Why.
    pub message: String,
    /// The indicator itself (URL, host, path).
    pub indicator: String,
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:https?|wss?|ftp)://[^\s'"<>`\\]+"#).expect("static regex")
});
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b")
        .expect("static regex")
});
static KEY_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[baprs]-[A-Za-z0-9-]{10,}",
        r"|sk-[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{20,}|npm_[A-Za-z0-9]{30,}",
        r"|pypi-[A-Za-z0-9_-]{40,}|AIza[0-9A-Za-z_-]{35}|[MN][A-Za-z\d]{23}\.[\w-]{6}\.[\w-]{27}",
        r"|[A-Za-z0-9_\-]{24,64})$"
    ))
    .expect("static regex")
});

/// Every needle of [`CREDENTIAL_PATHS`] and [`PAYLOADS`] in one literal automaton: most
/// string constants hold none, and one search rules them all out where a substring search
/// per needle made string scanning the largest cost after parsing and the tree walk.
static ANY_NEEDLE: LazyLock<Regex> = LazyLock::new(|| {
    let needles: Vec<String> = CREDENTIAL_PATHS
        .iter()
        .map(|(needle, _)| regex::escape(needle))
        .chain(PAYLOADS.iter().map(|(needle, ..)| regex::escape(needle)))
        .collect();
    Regex::new(&needles.join("|")).expect("escaped literals")
});

/// Public-IP lookup services (host fingerprinting over the network).
const IP_LOOKUP: &[&str] = &[
    "checkip.amazonaws.com",
    "api.ipify.org",
    "api64.ipify.org",
    "ipify.org",
    "ipinfo.io",
    "ifconfig.me",
    "ifconfig.co",
    "icanhazip.com",
    "ip-api.com",
    "ipecho.net",
    "myexternalip.com",
    "wtfismyip.com",
    "ident.me",
    "v4.ident.me",
    "ip.me",
    "enabledns.com",
    "api.my-ip.io",
    "ipapi.co",
    "checkip.dyndns.org",
    "ip.sb",
    "api.ip.sb",
    "myip.opendns.com",
    "ipwho.is",
    "ipwhois.app",
    "geolocation-db.com",
    "freegeoip.app",
    "httpbin.org/ip",
];

/// Hosts where data is sent by malware: tunnels, serverless and container hosts, request
/// catchers, paste sites, chat webhooks, IP loggers, dynamic DNS. (suffix, kind, severity)
const ENDPOINTS: &[(&str, &str, Severity)] = &[
    ("ngrok.io", "tunnel", Severity::High),
    ("ngrok-free.app", "tunnel", Severity::High),
    ("ngrok.app", "tunnel", Severity::High),
    ("serveo.net", "tunnel", Severity::High),
    ("localtunnel.me", "tunnel", Severity::High),
    ("loca.lt", "tunnel", Severity::High),
    ("trycloudflare.com", "tunnel", Severity::High),
    ("localhost.run", "tunnel", Severity::High),
    ("bore.pub", "tunnel", Severity::High),
    ("pagekite.me", "tunnel", Severity::High),
    ("azurecontainerapps.io", "container host", Severity::Medium),
    ("azurewebsites.net", "serverless host", Severity::Medium),
    ("herokuapp.com", "container host", Severity::Medium),
    ("workers.dev", "serverless host", Severity::Medium),
    ("vercel.app", "serverless host", Severity::Medium),
    ("netlify.app", "serverless host", Severity::Medium),
    ("glitch.me", "serverless host", Severity::Medium),
    ("repl.co", "serverless host", Severity::Medium),
    ("replit.dev", "serverless host", Severity::Medium),
    ("deno.dev", "serverless host", Severity::Medium),
    ("fly.dev", "container host", Severity::Medium),
    ("onrender.com", "container host", Severity::Medium),
    ("up.railway.app", "container host", Severity::Medium),
    ("run.app", "container host", Severity::Medium),
    (
        "lambda-url.us-east-1.on.aws",
        "serverless host",
        Severity::Medium,
    ),
    ("on.aws", "serverless host", Severity::Medium),
    ("firebaseio.com", "serverless database", Severity::Medium),
    ("pipedream.net", "request catcher", Severity::High),
    ("m.pipedream.net", "request catcher", Severity::High),
    ("requestbin.com", "request catcher", Severity::High),
    ("requestbin.net", "request catcher", Severity::High),
    ("webhook.site", "request catcher", Severity::High),
    ("beeceptor.com", "request catcher", Severity::High),
    ("requestcatcher.com", "request catcher", Severity::High),
    ("hookbin.com", "request catcher", Severity::High),
    ("postb.in", "request catcher", Severity::High),
    ("mockbin.org", "request catcher", Severity::High),
    ("mocki.io", "request catcher", Severity::High),
    ("oast.fun", "out-of-band testing host", Severity::High),
    ("oast.pro", "out-of-band testing host", Severity::High),
    ("oast.live", "out-of-band testing host", Severity::High),
    ("oast.site", "out-of-band testing host", Severity::High),
    ("oast.online", "out-of-band testing host", Severity::High),
    ("oast.me", "out-of-band testing host", Severity::High),
    ("interact.sh", "out-of-band testing host", Severity::High),
    (
        "burpcollaborator.net",
        "out-of-band testing host",
        Severity::High,
    ),
    ("oastify.com", "out-of-band testing host", Severity::High),
    ("dnslog.cn", "out-of-band testing host", Severity::High),
    ("ceye.io", "out-of-band testing host", Severity::High),
    (
        "canarytokens.com",
        "out-of-band testing host",
        Severity::High,
    ),
    ("pastebin.com", "paste site", Severity::Medium),
    ("paste.ee", "paste site", Severity::Medium),
    ("hastebin.com", "paste site", Severity::Medium),
    ("rentry.co", "paste site", Severity::Medium),
    ("ghostbin.com", "paste site", Severity::Medium),
    ("transfer.sh", "file drop", Severity::Medium),
    ("file.io", "file drop", Severity::Medium),
    ("0x0.st", "file drop", Severity::Medium),
    ("termbin.com", "paste site", Severity::Medium),
    ("discord.com/api/webhooks", "chat webhook", Severity::High),
    (
        "discordapp.com/api/webhooks",
        "chat webhook",
        Severity::High,
    ),
    ("api.telegram.org/bot", "chat bot API", Severity::High),
    ("hooks.slack.com", "chat webhook", Severity::Medium),
    ("grabify.link", "IP logger", Severity::High),
    ("iplogger.org", "IP logger", Severity::High),
    ("iplogger.com", "IP logger", Severity::High),
    ("bit.ly", "URL shortener", Severity::Medium),
    ("tinyurl.com", "URL shortener", Severity::Low),
    ("cutt.ly", "URL shortener", Severity::Medium),
    ("is.gd", "URL shortener", Severity::Low),
    ("duckdns.org", "dynamic DNS", Severity::Medium),
    ("ddns.net", "dynamic DNS", Severity::Medium),
    ("hopto.org", "dynamic DNS", Severity::Medium),
    ("no-ip.org", "dynamic DNS", Severity::Medium),
    ("comlu.com", "free host", Severity::Medium),
    ("000webhostapp.com", "free host", Severity::Medium),
];

/// Free top-level domains favoured by throwaway malware hosts.
const FREE_TLDS: &[&str] = &["tk", "ml", "ga", "cf", "gq", "pw"];

/// Credential and wallet stores (lower-cased path fragments), with what they hold.
const CREDENTIAL_PATHS: &[(&str, &str)] = &[
    (".aws/credentials", "AWS credentials"),
    (".ssh/id_rsa", "SSH private key"),
    (".ssh/id_ed25519", "SSH private key"),
    (".ssh/id_ecdsa", "SSH private key"),
    (".ssh/config", "SSH configuration"),
    (".ssh/known_hosts", "SSH known hosts"),
    (".npmrc", "npm token file"),
    (".pypirc", "PyPI token file"),
    (".git-credentials", "git credentials"),
    (".docker/config.json", "Docker registry credentials"),
    (".kube/config", "Kubernetes credentials"),
    (".config/gcloud", "Google Cloud credentials"),
    (".azure/", "Azure credentials"),
    ("/etc/shadow", "system password hashes"),
    ("/etc/passwd", "system accounts"),
    ("login data", "browser password store"),
    ("local state", "browser encryption key"),
    ("/cookies", "browser cookies"),
    ("\\cookies", "browser cookies"),
    ("local storage/leveldb", "browser/Discord token store"),
    ("local storage\\leveldb", "browser/Discord token store"),
    ("discord", "Discord client data"),
    ("telegram desktop", "Telegram session"),
    ("tdata", "Telegram session"),
    ("wallet.dat", "cryptocurrency wallet"),
    ("exodus", "Exodus wallet"),
    ("electrum", "Electrum wallet"),
    ("atomic/local storage", "Atomic wallet"),
    (
        "nkbihfbeogaeaoehlefnkodbefgpgknn",
        "MetaMask wallet extension",
    ),
    ("metamask", "MetaMask wallet"),
    ("keychain", "macOS keychain"),
    (".bash_history", "shell history"),
    (".zsh_history", "shell history"),
    ("filezilla", "FileZilla saved passwords"),
    ("password_value", "browser password store"),
    ("encrypted_value", "browser cookie store"),
    ("moz_cookies", "browser cookie store"),
];

/// Shell payloads inside strings. (lower-cased needle, code, severity, what)
const PAYLOADS: &[(&str, &str, Severity, &str)] = &[
    (
        "/dev/tcp/",
        "reverse-shell",
        Severity::Critical,
        "bash /dev/tcp reverse shell",
    ),
    (
        "bash -i",
        "reverse-shell",
        Severity::High,
        "interactive shell",
    ),
    ("nc -e", "reverse-shell", Severity::Critical, "netcat shell"),
    (
        "ncat -e",
        "reverse-shell",
        Severity::Critical,
        "netcat shell",
    ),
    (
        "| sh",
        "download-exec",
        Severity::High,
        "pipes into a shell",
    ),
    ("|sh", "download-exec", Severity::High, "pipes into a shell"),
    (
        "| bash",
        "download-exec",
        Severity::High,
        "pipes into a shell",
    ),
    (
        "|bash",
        "download-exec",
        Severity::High,
        "pipes into a shell",
    ),
    (
        "downloadfile(",
        "download-exec",
        Severity::High,
        "PowerShell download",
    ),
    (
        "downloadstring(",
        "download-exec",
        Severity::High,
        "PowerShell download",
    ),
    (
        "invoke-webrequest",
        "download-exec",
        Severity::Medium,
        "PowerShell download",
    ),
    (
        "iex(",
        "download-exec",
        Severity::High,
        "PowerShell Invoke-Expression",
    ),
    (
        "certutil -urlcache",
        "download-exec",
        Severity::High,
        "certutil download",
    ),
    (
        "bitsadmin /transfer",
        "download-exec",
        Severity::High,
        "bitsadmin download",
    ),
    (
        "mshta http",
        "download-exec",
        Severity::High,
        "mshta remote script",
    ),
    (
        "-windowstyle hidden",
        "silent-process",
        Severity::Medium,
        "hidden PowerShell window",
    ),
    (
        "-window hidden",
        "silent-process",
        Severity::Medium,
        "hidden PowerShell window",
    ),
    (
        "-encodedcommand",
        "decode-exec",
        Severity::High,
        "encoded PowerShell command",
    ),
    (
        "-executionpolicy bypass",
        "silent-process",
        Severity::Medium,
        "execution policy bypass",
    ),
    (
        "rundll32",
        "dll-hijacking",
        Severity::High,
        "rundll32 loads a DLL",
    ),
    (
        "regsvr32",
        "dll-hijacking",
        Severity::High,
        "regsvr32 loads a DLL",
    ),
    (
        "ld_preload",
        "dll-hijacking",
        Severity::High,
        "LD_PRELOAD library injection",
    ),
    ("crontab", "persistence", Severity::Medium, "cron job"),
    ("/etc/cron", "persistence", Severity::High, "cron job"),
    (
        "currentversion\\run",
        "persistence",
        Severity::High,
        "Windows Run key",
    ),
    (
        "start menu\\programs\\startup",
        "persistence",
        Severity::High,
        "Windows Startup folder",
    ),
    (
        "library/launchagents",
        "persistence",
        Severity::High,
        "macOS LaunchAgent",
    ),
    (
        "schtasks /create",
        "persistence",
        Severity::High,
        "scheduled task",
    ),
    (
        "/etc/systemd/system",
        "persistence",
        Severity::Medium,
        "systemd service",
    ),
    (
        "/etc/rc.local",
        "persistence",
        Severity::High,
        "rc.local startup script",
    ),
];

/// The URLs and hosts in `s`.
pub fn hosts_and_urls(s: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();

    // Both patterns need one of these; most strings in code have neither.
    if !s.contains('.') && !s.contains("://") {
        return found;
    }
    for m in URL.find_iter(s) {
        let url = m.as_str().trim_end_matches([')', ',', ';', '.', ']']);
        found.push((url.to_string(), url_host(url)));
    }
    if found.is_empty() {
        for m in HOST.find_iter(s) {
            found.push((m.as_str().to_string(), m.as_str().to_ascii_lowercase()));
        }
    }
    found
}

/// The host of a URL, lower-cased, without user, port or path.
pub fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    host.to_ascii_lowercase()
}

fn host_matches(host: &str, suffix: &str) -> bool {
    host.strip_suffix(suffix)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// A public IPv4 address not used as a well-known resolver (those are probes, not sinks).
pub fn is_public_ipv4(ip: &Ipv4Addr) -> bool {
    let well_known = ["1.1.1.1", "8.8.8.8", "8.8.4.4", "1.0.0.1", "9.9.9.9"];
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || well_known.contains(&ip.to_string().as_str()))
}

/// Classifies one host or URL found in code.
pub fn classify_endpoint(text: &str, host: &str) -> Option<Finding> {
    let lower = text.to_ascii_lowercase();
    for service in IP_LOOKUP {
        let (svc_host, svc_path) = service.split_once('/').unwrap_or((service, ""));
        let host_ok = host == svc_host
            || (svc_host != "ip.me" && host_matches(host, svc_host) && !host.ends_with("my-ip.io"));
        let path_ok = || {
            svc_path.is_empty()
                || lower
                    .match_indices(svc_path)
                    .any(|(at, _)| lower[..at].ends_with('/'))
        };
        if host_ok && path_ok() {
            return Some(Finding {
                code: "public-ip-lookup",
                severity: Severity::Medium,
                message: format!("public-IP lookup service {svc_host}"),
                indicator: text.to_string(),
            });
        }
    }
    for (suffix, kind, severity) in ENDPOINTS {
        let hit = if suffix.contains('/') {
            lower.contains(suffix)
        } else {
            host_matches(host, suffix)
        };
        if hit {
            return Some(Finding {
                code: "suspicious-endpoint",
                severity: *severity,
                message: format!("hard-coded {kind} {host}"),
                indicator: text.to_string(),
            });
        }
    }
    let is_url = lower.contains("://");
    if is_url {
        if let Ok(ip) = host.parse::<Ipv4Addr>() {
            if is_public_ipv4(&ip) {
                return Some(Finding {
                    code: "suspicious-endpoint",
                    severity: Severity::Medium,
                    message: format!("URL with a raw IP address {ip}"),
                    indicator: text.to_string(),
                });
            }
        }
        if host.parse::<Ipv6Addr>().is_ok() {
            return Some(Finding {
                code: "suspicious-endpoint",
                severity: Severity::Medium,
                message: format!("URL with a raw IPv6 address {host}"),
                indicator: text.to_string(),
            });
        }
        if let Some(tld) = host.rsplit('.').next() {
            if FREE_TLDS.contains(&tld) && host.contains('.') {
                return Some(Finding {
                    code: "suspicious-endpoint",
                    severity: Severity::Medium,
                    message: format!("URL on a free top-level domain .{tld}"),
                    indicator: text.to_string(),
                });
            }
        }
    }
    None
}

/// Everything a string constant reveals.
pub fn scan_string(s: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if s.len() < 4 {
        return out;
    }
    let lower = s.to_ascii_lowercase();
    for (url, host) in hosts_and_urls(s) {
        if let Some(f) = classify_endpoint(&url, &host) {
            out.push(f);
        }
    }
    if !ANY_NEEDLE.is_match(&lower) {
        return out;
    }
    for (needle, what) in CREDENTIAL_PATHS {
        if lower.contains(needle) && credential_context(&lower, needle) {
            out.push(Finding {
                code: "credential-access",
                severity: Severity::Medium,
                message: format!("path to {what}"),
                indicator: s.chars().take(120).collect(),
            });
            break;
        }
    }
    for (needle, code, severity, what) in PAYLOADS {
        if lower.contains(needle) && payload_context(&lower, needle) {
            out.push(Finding {
                code,
                severity: *severity,
                message: what.to_string(),
                indicator: s.chars().take(120).collect(),
            });
        }
    }
    out
}

/// Loose names (`discord`, `exodus`, `keychain`) count only as part of a path.
fn credential_context(lower: &str, needle: &str) -> bool {
    match needle {
        "discord" | "exodus" | "electrum" | "metamask" | "keychain" | "tdata" | "filezilla"
        | "telegram desktop" => {
            (lower.contains('/') || lower.contains('\\'))
                && !lower.contains("http")
                && starts_component(lower, needle)
        }
        // A browser's profile, not any `cookies` module (`@edge-runtime/cookies`).
        "/cookies" | "\\cookies" => [
            "chrome",
            "chromium",
            "firefox",
            "mozilla",
            "microsoft/edge",
            "microsoft\\edge",
            "brave",
            "/default",
            "\\default",
            "user data",
        ]
        .iter()
        .any(|browser| lower.contains(browser)),
        "/etc/passwd" => !lower.contains("://"),
        "password_value" | "encrypted_value" | "moz_cookies" => lower.contains("select"),
        _ => true,
    }
}

/// Whether `needle` occurs at the start of a path component (`.../tdata`, not
/// `f2pysetdata` or `nextData`).
fn starts_component(lower: &str, needle: &str) -> bool {
    lower.match_indices(needle).any(|(at, _)| {
        lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '/' | '\\' | '.' | ' ' | '~'))
    })
}

fn payload_context(lower: &str, needle: &str) -> bool {
    match needle {
        "| sh" | "|sh" | "| bash" | "|bash" => lower.contains("curl ") || lower.contains("wget "),
        "crontab" => lower.contains("crontab -") || lower.contains("@reboot"),
        "ld_preload" => lower.contains('/') && lower.len() > 12,
        "bash -i" => lower.contains(">&") || lower.contains("/dev/"),
        _ => true,
    }
}

/// Whether a string looks like a secret: a known token format, or a long random-looking
/// run of letters and digits.
pub fn is_key_like(s: &str) -> bool {
    if s.len() < 20 || s.len() > 200 || !KEY_LIKE.is_match(s) {
        return false;
    }
    let known = [
        "AKIA", "ghp_", "gho_", "ghs_", "xox", "sk-", "sk_live_", "npm_", "pypi-", "AIza",
    ];
    if known.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let upper = s.chars().filter(|c| c.is_ascii_uppercase()).count();
    let lower = s.chars().filter(|c| c.is_ascii_lowercase()).count();
    let classes = [digits, upper, lower].iter().filter(|n| **n > 0).count();
    let distinct = {
        let mut seen: Vec<char> = s.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    // Identifiers (snake_case words) and hex digests are not keys; mixed classes are.
    classes >= 3 && distinct >= 14 && digits >= 3 && !s.contains("__")
}

/// Whether a string is a lookup host for the public IP (used to taint the response).
pub fn is_ip_lookup(s: &str) -> bool {
    hosts_and_urls(s).iter().any(|(url, host)| {
        classify_endpoint(url, host).is_some_and(|f| f.code == "public-ip-lookup")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential(s: &str) -> bool {
        scan_string(s).iter().any(|f| f.code == "credential-access")
    }

    #[test]
    fn wallet_and_session_names_count_only_as_path_components() {
        assert!(credential(
            "AppData/Roaming/Telegram Desktop/tdata/key_datas"
        ));
        assert!(credential(
            "C:\\Users\\x\\AppData\\Roaming\\discord\\Local Storage"
        ));
        // Fortran in a string, a route pattern: the letters occur inside other words.
        assert!(!credential(
            "      external f2pysetdata\n      logical ns /x/"
        ));
        assert!(!credential("/:nextData(_next/data/[^/]{1,})?"));
    }

    #[test]
    fn cookies_count_only_inside_a_browser_profile() {
        assert!(credential(
            "AppData/Local/Google/Chrome/User Data/Default/Network/Cookies"
        ));
        assert!(credential("~/.mozilla/firefox/x.default/cookies.sqlite"));
        assert!(!credential(
            "./dist/compiled/@edge-runtime/cookies/index.js"
        ));
    }
}
