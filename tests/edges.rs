//! "One module per edge" (ARCHITECTURE.md), checked rather than claimed: every source file under `src/`
//! is read with its comments and string literals set apart, and each way of reaching a browser edge —
//! a web-sys type, a method, a property read by name — must appear only in the module(s) that own it.
//! Calls of JS functions (`.call0` … `.call9`, `.apply(&…)`, `Reflect::apply`) are told apart by their
//! receiver: only `sdk.rs` and `sdk/sip_phone.rs` call the host's functions; the few other JS calls
//! (a browser object's own method, a promise's own `resolve`) are listed one by one, by file and
//! receiver name.
//!
//! The tables below are the owners; each entry must still be used (a stale entry fails too), so the
//! table follows the code when an edge moves.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

/// How code reaches an edge.
#[derive(Debug, Clone, Copy)]
enum Pattern {
    /// This identifier, whole (`WebSocket`).
    Ident(&'static str),
    /// An identifier starting with this and then an uppercase letter (`Rtc…`: web-sys's WebRTC types).
    IdentPrefix(&'static str),
    /// A method call `.name(`.
    Method(&'static str),
    /// A string literal with exactly this text (a property or constructor read through `Reflect`).
    Str(&'static str),
}

/// One edge: what reaches it, and the only files that may.
struct Edge {
    name: &'static str,
    patterns: &'static [Pattern],
    /// `(file under src/, what it does there)`.
    owners: &'static [(&'static str, &'static str)],
}

use Pattern::{Ident, IdentPrefix, Method, Str};

const EDGES: &[Edge] = &[
    Edge {
        name: "WebSocket",
        patterns: &[Ident("WebSocket"), Str("WebSocket")],
        owners: &[
            (
                "softphone/transport.rs",
                "the soft phone's SIP socket (RFC 7118, subprotocol `sip`)",
            ),
            (
                "workbench/sync.rs",
                "the agent-state push socket at `AgentServerUrl`",
            ),
        ],
    },
    Edge {
        name: "RTCPeerConnection",
        patterns: &[
            IdentPrefix("Rtc"),
            Str("RTCPeerConnection"),
            Str("createDataChannel"),
            Str("onicecandidate"),
        ],
        owners: &[(
            "softphone/peer.rs",
            "call legs, WebRTC support, the access-point relay probe",
        )],
    },
    Edge {
        name: "navigator.mediaDevices / navigator.permissions",
        patterns: &[
            Ident("MediaDevices"),
            Method("media_devices"),
            Method("get_user_media_with_constraints"),
            Str("mediaDevices"),
            Str("permissions"),
            Str("enumerateDevices"),
            Str("getUserMedia"),
        ],
        owners: &[(
            "media_devices.rs",
            "devices, permission, devicechange, getUserMedia for peer.rs and 设备检测",
        )],
    },
    Edge {
        name: "fetch",
        patterns: &[
            Method("fetch_with_str_and_init"),
            Method("fetch_with_str"),
            Method("fetch_with_request"),
            Method("fetch_with_request_and_init"),
            Str("fetch"),
        ],
        owners: &[("api.rs", "the request contract and AK/SK direct mode")],
    },
];

/// Every JS function call allowed, by `(file, receiver)`. The host's functions are called only by the
/// first three; the others call no host function.
const JS_CALLS: &[(&str, &str, &str)] = &[
    (
        "sdk.rs",
        "f",
        "host function: `call_host` (hooks, method callbacks, gates)",
    ),
    (
        "sdk.rs",
        "api_axios_func",
        "host function: the `apiAxiosFunc` transport",
    ),
    (
        "sdk/sip_phone.rs",
        "on_event",
        "host function: `createSipPhone`'s `onEvent`",
    ),
    (
        "media_devices.rs",
        "method",
        "not the host's: a method of navigator.mediaDevices / permissions, on that object",
    ),
    (
        "softphone/peer.rs",
        "values",
        "not the host's: `RTCStatsReport.values()`",
    ),
    (
        "softphone/peer.rs",
        "set_sink_id",
        "not the host's: `HTMLMediaElement.setSinkId`",
    ),
    (
        "softphone/peer.rs",
        "create_data_channel",
        "not the host's: the relay probe's data channel",
    ),
    (
        "softphone/peer.rs",
        "resolve",
        "not the host's: settles the relay probe's own promise",
    ),
    (
        "workbench/phone.rs",
        "resolve",
        "not the host's: settles register()'s own wait for the registration",
    ),
];

#[test]
fn each_edge_is_reached_only_from_its_modules() {
    let files = sources();
    let mut leaks = Vec::new();
    for edge in EDGES {
        let mut used_by: Vec<&str> = Vec::new();
        for (path, src) in &files {
            let scanned = Scanned::new(src);
            for (line, hit) in edge.patterns.iter().flat_map(|p| scanned.find(*p)) {
                if edge.owners.iter().any(|(owner, _)| owner == path) {
                    used_by.push(owner_name(edge, path));
                } else {
                    let owners: Vec<&str> = edge.owners.iter().map(|(f, _)| *f).collect();
                    leaks.push(format!(
                        "src/{path}:{line}: `{hit}` — {} belongs to {}",
                        edge.name,
                        owners.join(" and ")
                    ));
                }
            }
        }
        for (owner, _) in edge.owners {
            assert!(
                used_by.contains(owner),
                "{}: src/{owner} is named its owner but reaches it no more; update the table",
                edge.name
            );
        }
    }
    assert!(
        leaks.is_empty(),
        "edges reached outside their module (ARCHITECTURE.md, \"One module per edge\"):\n  {}",
        leaks.join("\n  ")
    );
}

#[test]
fn js_functions_are_called_only_where_listed() {
    let files = sources();
    let mut unlisted = Vec::new();
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (path, src) in &files {
        for (line, receiver, call) in Scanned::new(src).js_calls() {
            let listed = JS_CALLS
                .iter()
                .any(|(file, r, _)| file == path && *r == receiver);
            if listed {
                seen.push((path.as_str(), receiver));
            } else {
                unlisted.push(format!(
                    "src/{path}:{line}: `{receiver}.{call}(…)` — only sdk.rs calls the host's functions; \
                     another JS call must be listed in tests/edges.rs (file, receiver, why)"
                ));
            }
        }
    }
    for (file, receiver, _) in JS_CALLS {
        assert!(
            seen.iter().any(|(f, r)| f == file && r == receiver),
            "src/{file}: no `{receiver}.call…` any more; remove it from JS_CALLS"
        );
    }
    assert!(
        unlisted.is_empty(),
        "JS functions called outside their module (ARCHITECTURE.md, \"One module per edge\"):\n  {}",
        unlisted.join("\n  ")
    );
}

fn owner_name(edge: &Edge, path: &str) -> &'static str {
    edge.owners
        .iter()
        .find(|(f, _)| *f == path)
        .map(|(f, _)| *f)
        .expect("an owner")
}

/// Every `.rs` file under `src/`, as `(path relative to src/ with '/', text)`, sorted.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src/");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((rel, text));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    assert!(out.len() > 20, "read the sources: {}", out.len());
    out
}

/// The number of `#` of a raw string starting at `i` (its `r`), if one does.
fn raw_string_at(chars: &[char], i: usize) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let starts_token =
        i == 0 || !ident(chars[i - 1]) || (chars[i - 1] == 'b' && (i < 2 || !ident(chars[i - 2])));
    if chars[i] != 'r' || !starts_token {
        return None;
    }
    let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
    (chars.get(i + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// A Rust source with its comments blanked out and its string literals set apart: `code` is the text
/// with every comment, string and char literal replaced by spaces (newlines kept, so an offset still
/// gives its line); `strings` are the literals' texts at their offsets.
struct Scanned {
    code: Vec<char>,
    strings: Vec<(usize, String)>,
}

impl Scanned {
    fn new(src: &str) -> Scanned {
        let chars: Vec<char> = src.chars().collect();
        let mut code = chars.clone();
        let mut strings = Vec::new();
        let blank = |code: &mut Vec<char>, from: usize, to: usize| {
            for c in &mut code[from..to.min(chars.len())] {
                if *c != '\n' {
                    *c = ' ';
                }
            }
        };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == '/' && next == Some('/') {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                blank(&mut code, i, end);
                i = end;
            } else if c == '/' && next == Some('*') {
                let (mut depth, mut j) = (1, i + 2);
                while j < chars.len() && depth > 0 {
                    if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                        depth += 1;
                        j += 2;
                    } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            } else if let Some(hashes) = raw_string_at(&chars, i) {
                // `r"…"`, `r#"…"#` (or `br…`): no escapes; it ends at a quote and as many `#`.
                let start = i + 2 + hashes;
                let closes = |j: usize| {
                    chars[j] == '"'
                        && j + hashes < chars.len()
                        && chars[j + 1..=j + hashes].iter().all(|&c| c == '#')
                };
                let end = (start..chars.len())
                    .find(|&j| closes(j))
                    .unwrap_or(chars.len());
                strings.push((start, chars[start..end].iter().collect()));
                let close = (end + 1 + hashes).min(chars.len());
                blank(&mut code, i + 1, close);
                i = close;
            } else if c == '"' {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                let end = j.min(chars.len());
                strings.push((i + 1, chars[i + 1..end].iter().collect()));
                blank(&mut code, i, end + 1);
                i = end + 1;
            } else if c == '\'' {
                // A char literal ('x', '\n', '\u{1F600}', '\''), or a lifetime / label ('a), left as code.
                if next == Some('\\') {
                    let end = chars[i + 2..]
                        .iter()
                        .position(|&c| c == '\'')
                        .map_or(chars.len(), |p| i + 3 + p);
                    let end = if chars.get(i + 2) == Some(&'\'') {
                        i + 4 // '\''
                    } else {
                        end
                    };
                    blank(&mut code, i, end);
                    i = end;
                } else if chars.get(i + 2) == Some(&'\'') {
                    blank(&mut code, i, i + 3);
                    i += 3;
                } else {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        Scanned { code, strings }
    }

    fn line(&self, offset: usize) -> usize {
        1 + self.code[..offset].iter().filter(|&&c| c == '\n').count()
    }

    /// The identifiers of the code, with their offsets.
    fn idents(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.code.len() {
            let c = self.code[i];
            if c.is_alphabetic() || c == '_' {
                let start = i;
                while i < self.code.len() && (self.code[i].is_alphanumeric() || self.code[i] == '_')
                {
                    i += 1;
                }
                out.push((start, self.code[start..i].iter().collect()));
            } else if c.is_ascii_digit() {
                while i < self.code.len() && (self.code[i].is_alphanumeric() || self.code[i] == '_')
                {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        out
    }

    /// The next character that is not whitespace after `from`, and the previous one before `to`.
    fn after(&self, from: usize) -> Option<char> {
        self.code[from..]
            .iter()
            .copied()
            .find(|c| !c.is_whitespace())
    }

    fn before(&self, to: usize) -> Option<(usize, char)> {
        self.code[..to]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, c)| !c.is_whitespace())
            .map(|(i, c)| (i, *c))
    }

    /// Where `pattern` occurs: `(line, what matched)`.
    fn find(&self, pattern: Pattern) -> Vec<(usize, String)> {
        match pattern {
            Str(text) => self
                .strings
                .iter()
                .filter(|(_, s)| s == text)
                .map(|(at, s)| (self.line(*at), format!("\"{s}\"")))
                .collect(),
            _ => self
                .idents()
                .into_iter()
                .filter(|(at, id)| match pattern {
                    Ident(name) => id == name,
                    IdentPrefix(prefix) => id
                        .strip_prefix(prefix)
                        .and_then(|rest| rest.chars().next())
                        .is_some_and(char::is_uppercase),
                    Method(name) => {
                        id == name
                            && self.before(*at).is_some_and(|(_, c)| c == '.')
                            && self.after(at + id.chars().count()) == Some('(')
                    }
                    Str(_) => unreachable!(),
                })
                .map(|(at, id)| (self.line(at), id))
                .collect(),
        }
    }

    /// Every JS function call: `(line, receiver, method)`. A receiver that is not a plain name (`f()`,
    /// `x.y`) is reported as written before the dot.
    fn js_calls(&self) -> Vec<(usize, String, String)> {
        let idents = self.idents();
        let mut out = Vec::new();
        for (k, (at, id)) in idents.iter().enumerate() {
            let end = at + id.chars().count();
            let is_call =
                id.len() == 5 && id.starts_with("call") && id.as_bytes()[4].is_ascii_digit();
            let is_apply = id == "apply";
            if !(is_call || is_apply) || self.after(end) != Some('(') {
                continue;
            }
            let Some((dot, before)) = self.before(*at) else {
                continue;
            };
            if before == ':' && is_apply {
                // `Reflect::apply(…)`.
                let path = k
                    .checked_sub(1)
                    .map(|p| idents[p].1.clone())
                    .unwrap_or_default();
                out.push((self.line(*at), path, id.clone()));
                continue;
            }
            if before != '.' {
                continue;
            }
            if is_apply {
                // `Function::apply(&self, context: &JsValue, args: &Array)`; the reducers' `apply(event)`
                // take values.
                let open = self.code[end..]
                    .iter()
                    .position(|&c| c == '(')
                    .map(|p| end + p + 1);
                if open.and_then(|o| self.after(o)) != Some('&') {
                    continue;
                }
            }
            let receiver = match self.before(dot) {
                Some((r, c)) if c.is_alphanumeric() || c == '_' => idents
                    .iter()
                    .find(|(s, name)| *s <= r && r < s + name.chars().count())
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default(),
                Some((_, c)) => format!("<expression ending in '{c}'>"),
                None => String::new(),
            };
            out.push((self.line(*at), receiver, id.clone()));
        }
        out
    }
}

#[test]
fn the_scanner_reads_code_not_comments_or_strings() {
    let src = r####"
//! A doc comment naming WebSocket and RtcPeerConnection.
/* a block /* nested RtcPeerConnection */ still WebSocket */
let s = "WebSocket is only text"; let c = '"'; let l: &'static str = r#"RtcX "quoted" "#;
fn f<'a>(x: &'a str) { let _ = WebSocket::new(x); let e = '\''; }
let m = "mediaDevices";
let pc = web_sys::RtcPeerConnection::new();
navigator
    .media_devices()
    .ok();
let x = host_fn
    .call2(&a, &b, &c);
resolve.call1(&JsValue::NULL, &v);
state.apply(event);
func.apply(&this, &args);
make().call0(&this);
Reflect::apply(&f, &this, &args);
let y = SaveWebRtcInfo;
"####;
    let s = Scanned::new(src);
    let lines = |p| s.find(p).into_iter().map(|(l, _)| l).collect::<Vec<_>>();
    assert_eq!(
        lines(Ident("WebSocket")),
        [5],
        "comments and strings are not code"
    );
    assert_eq!(
        lines(IdentPrefix("Rtc")),
        [7],
        "a raw string is not code; SaveWebRtcInfo is no Rtc type"
    );
    assert_eq!(lines(Str("mediaDevices")), [6]);
    assert_eq!(lines(Str("RtcX \"quoted\" ")), [4], "a raw string's text");
    assert_eq!(lines(Method("media_devices")), [9], "a call across lines");
    let calls: Vec<(usize, String, String)> = s.js_calls();
    let calls: Vec<(usize, &str, &str)> = calls
        .iter()
        .map(|(l, r, m)| (*l, r.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            (12, "host_fn", "call2"),
            (13, "resolve", "call1"),
            (15, "func", "apply"),
            (16, "<expression ending in ')'>", "call0"),
            (17, "Reflect", "apply"),
        ]
    );
}
