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

mod scan;

use std::path::Path;

use scan::Scanned;

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
    let out = scan::rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(out.len() > 20, "read the sources: {}", out.len());
    out
}

impl Scanned {
    /// The previous character that is not whitespace before `to` (see [`Scanned::after`]).
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
