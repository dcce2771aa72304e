//! ARCHITECTURE.md's "One way in for facts", "One way in for lifecycle facts" and "Host and panel share
//! one path", checked rather than claimed: every source file under `src/` is read as code (comments and
//! strings set apart, `scan/mod.rs`) and each method call is taken with its receiver and the function it
//! is written in.
//!
//! - The status lives in `agent_state::AgentState`, whose only `&mut self` method is `apply`; so the status
//!   changes only where `.apply(…)` is called on the controller's `state` (in `Workbench::dispatch`) or
//!   where the state is replaced (only `Workbench::new` makes one).
//! - The lifecycle model is fed only by `Workbench::life`, and the channels it runs (the push socket, the
//!   poll loop, the login refresh, the soft phone) are opened, retried and stopped only by its effects
//!   (`run_life`) — `register()`/`logIn()` start the phone themselves, to wait for its registration.
//! - What the panel (`app.rs`, `components/`, `views/`) calls on the controller is what the host's methods
//!   (`sdk.rs`, `sdk/`) call too, except the panel-only things listed in [`PANEL_ONLY`].
#![cfg(not(target_arch = "wasm32"))]

mod scan;

use std::path::Path;

use scan::Scanned;

/// Every `.apply(…)` in `src/`: `(file, receiver, the function it is in)`.
const APPLIES: &[(&str, &str, &str)] = &[
    ("workbench.rs", "state", "dispatch"),
    ("workbench/sync.rs", "life", "life"),
];

/// Where the reducer and the lifecycle model are made: `(file, type, the function it is in)`.
const MADE: &[(&str, &str, &str)] = &[
    ("workbench.rs", "AgentState", "new"),
    ("workbench.rs", "PanelModel", "new"),
];

/// The calls that open, retry or stop a channel, and the only places that make them: `(method, file,
/// receiver, function, why)`.
const CHANNELS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "connect_push",
        "workbench/sync.rs",
        "self",
        "run_life",
        "PanelEffect::OpenPush",
    ),
    (
        "poll_once",
        "workbench/sync.rs",
        "self",
        "run_life",
        "PanelEffect::PollNow",
    ),
    (
        "refresh_login",
        "workbench/sync.rs",
        "self",
        "run_life",
        "PanelEffect::RefreshLogin",
    ),
    (
        "start_phone",
        "workbench/sync.rs",
        "wb",
        "run_life",
        "PanelEffect::StartPhone",
    ),
    (
        "start_phone",
        "workbench/intents.rs",
        "self",
        "register_flow",
        "register() waits for the registration (it tells the model PhoneStarting)",
    ),
    (
        "start_phone",
        "workbench/intents.rs",
        "wb",
        "log_in",
        "logIn() waits for the registration (it tells the model PhoneStarting)",
    ),
    (
        "shut_down",
        "workbench/sync.rs",
        "slot",
        "run_life",
        "PanelEffect::StopPhone",
    ),
    (
        "shut_down",
        "workbench/phone.rs",
        "phone",
        "shut_down",
        "the phone slot's own shut_down, called by run_life",
    ),
    (
        "shut_down",
        "workbench/phone.rs",
        "old",
        "start_phone",
        "the phone being replaced by the one starting",
    ),
    (
        "shut_down",
        "softphone.rs",
        "self",
        "stop",
        "the soft phone's own stop (createSipPhone's stop())",
    ),
    (
        "refresh_registration",
        "workbench/sync.rs",
        "phone",
        "run_life",
        "PanelEffect::CheckPhone",
    ),
];

/// Controller methods the panel calls that no host method needs: `(method, why)`.
const PANEL_ONLY: &[(&str, &str)] = &[
    ("clone", "an Rc handle for a callback"),
    ("config", "reads the config to render"),
    ("view", "reads the View to render"),
    ("set_listener", "subscribes the panel to View changes"),
    ("select_nav", "a side-nav click chooses the view"),
    ("select_caller", "the 呼出 view's caller choice"),
    (
        "select_record",
        "a call record chosen (onSelectCurrentCallRecord)",
    ),
    ("load_agents", "a view loads its list"),
    ("load_records", "a view loads its list"),
    ("load_report", "a view loads its list"),
    ("redial", "a call record's 回拨 (RedialCall or call())"),
    ("check_devices", "设备检测's button"),
];

/// A method call: `(line, receiver, method, the function it is written in)`.
type Call = (usize, String, String, String);

#[test]
fn the_status_is_set_only_by_dispatch() {
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for (path, src) in sources() {
        let scanned = Scanned::new(&src);
        for (line, receiver, method, within) in method_calls(&scanned) {
            if method != "apply" {
                continue;
            }
            let at = (path.as_str(), receiver.as_str(), within.as_str());
            if APPLIES.contains(&at) {
                seen.push(at.0.to_owned() + at.1);
            } else {
                wrong.push(format!(
                    "src/{path}:{line}: `{receiver}.apply(…)` in fn {within} — facts go through \
                     Workbench::dispatch (the status) or Workbench::life (the lifecycle)"
                ));
            }
        }
        for (line, ty, within) in constructions(&scanned, &["AgentState", "PanelModel"]) {
            if !MADE.contains(&(path.as_str(), ty.as_str(), within.as_str())) {
                wrong.push(format!(
                    "src/{path}:{line}: a new {ty} in fn {within} — replacing it sets the status (or \
                     the lifecycle) outside dispatch/life"
                ));
            }
        }
    }
    for (file, receiver, within) in APPLIES {
        assert!(
            seen.iter().any(|s| *s == (*file).to_owned() + receiver),
            "src/{file}: no `{receiver}.apply(…)` in fn {within} any more; update APPLIES"
        );
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md, \"One way in for facts\":\n  {}",
        wrong.join("\n  ")
    );

    // The reducer has no other way to change the status: `apply` is its only `&mut self` method.
    let reducer = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/agent-state/src");
    let mut mutators = Vec::new();
    for (path, src) in scan::rust_files(&reducer) {
        let code: String = Scanned::new(&src).code.into_iter().collect();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("pub fn ") && line.contains("&mut self") {
                mutators.push(format!("crates/agent-state/src/{path}:{}: {line}", n + 1));
            }
        }
    }
    assert_eq!(
        mutators.len(),
        1,
        "agent-state's only mutator is AgentState::apply: {mutators:#?}"
    );
    assert!(
        mutators[0].contains("pub fn apply(&mut self, event: Event)"),
        "{mutators:?}"
    );
}

#[test]
fn channels_open_and_stop_only_through_life() {
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for (path, src) in sources() {
        for (line, receiver, method, within) in method_calls(&Scanned::new(&src)) {
            let rules: Vec<_> = CHANNELS.iter().filter(|c| c.0 == method).collect();
            if rules.is_empty() {
                continue;
            }
            match rules
                .iter()
                .find(|c| c.1 == path && c.2 == receiver && c.3 == within)
            {
                Some(rule) => seen.push(**rule),
                None => wrong.push(format!(
                    "src/{path}:{line}: `{receiver}.{method}(…)` in fn {within} — a channel is opened, \
                     retried or stopped only by the lifecycle model's effects (Workbench::run_life)"
                )),
            }
        }
    }
    for rule in CHANNELS {
        assert!(
            seen.contains(rule),
            "src/{}: no `{}.{}(…)` in fn {} any more; update CHANNELS",
            rule.1,
            rule.2,
            rule.0,
            rule.3
        );
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md, \"One way in for lifecycle facts\":\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn panel_buttons_call_the_hosts_intents() {
    let panel = |p: &str| p == "app.rs" || p.starts_with("components/") || p.starts_with("views/");
    let host = |p: &str| p == "sdk.rs" || p.starts_with("sdk/");
    let files = sources();
    let mut host_calls = Vec::new();
    for (path, src) in &files {
        if host(path) {
            host_calls.extend(method_calls(&Scanned::new(src)).into_iter().map(|c| c.2));
        }
    }
    let mut wrong = Vec::new();
    let mut used = Vec::new();
    for (path, src) in &files {
        if !panel(path) {
            continue;
        }
        for (line, receiver, method, _) in method_calls(&Scanned::new(src)) {
            if receiver != "wb" && receiver != "workbench" {
                continue;
            }
            if let Some(only) = PANEL_ONLY.iter().find(|(m, _)| *m == method) {
                used.push(only.0);
            } else if !host_calls.contains(&method) {
                wrong.push(format!(
                    "src/{path}:{line}: the panel calls `{receiver}.{method}(…)`, which no host method \
                     does — a button calls the host method's intent (or list it in PANEL_ONLY, with why)"
                ));
            }
        }
    }
    for (method, _) in PANEL_ONLY {
        assert!(
            used.contains(method),
            "the panel no longer calls `{method}`; remove it from PANEL_ONLY"
        );
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md, \"Host and panel share one path\":\n  {}",
        wrong.join("\n  ")
    );
}

/// Every `.rs` file under `src/`, as `(path relative to src/ with '/', text)`, sorted.
fn sources() -> Vec<(String, String)> {
    let out = scan::rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(out.len() > 20, "read the sources: {}", out.len());
    out
}

/// The function whose body an offset is in: the name after the last `fn` before it.
fn within(idents: &[(usize, String)], k: usize) -> String {
    idents[..k]
        .windows(2)
        .rev()
        .find(|w| w[0].1 == "fn")
        .map(|w| w[1].1.clone())
        .unwrap_or_default()
}

/// Every method call `receiver.method(…)` (a receiver that is not a plain name — `f()`, `x[0]` — is
/// given as `<expression>`).
fn method_calls(s: &Scanned) -> Vec<Call> {
    let idents = s.idents();
    let mut out = Vec::new();
    for (k, (at, id)) in idents.iter().enumerate() {
        let end = at + id.chars().count();
        if s.after(end) != Some('(') {
            continue;
        }
        let Some(dot) = s.code[..*at].iter().rposition(|c| !c.is_whitespace()) else {
            continue;
        };
        if s.code[dot] != '.' {
            continue;
        }
        let before = s.code[..dot].iter().rposition(|c| !c.is_whitespace());
        let receiver = match (before, k.checked_sub(1)) {
            (Some(r), Some(p)) if idents[p].0 + idents[p].1.chars().count() == r + 1 => {
                idents[p].1.clone()
            }
            _ => "<expression>".to_owned(),
        };
        out.push((s.line(*at), receiver, id.clone(), within(&idents, k)));
    }
    out
}

/// Where `Type::new(` is written for one of `types`: `(line, type, the function it is in)`.
fn constructions(s: &Scanned, types: &[&str]) -> Vec<(usize, String, String)> {
    let idents = s.idents();
    let mut out = Vec::new();
    for (k, w) in idents.windows(2).enumerate() {
        let ((at, ty), (_, new)) = (&w[0], &w[1]);
        if types.contains(&ty.as_str()) && new == "new" {
            let between: String = s.code[at + ty.chars().count()..w[1].0].iter().collect();
            if between.trim() == "::" {
                out.push((s.line(*at), ty.clone(), within(&idents, k)));
            }
        }
    }
    out
}

#[test]
fn calls_are_read_with_their_receiver_and_function() {
    let src = r#"
fn dispatch(&self) {
    let x = inner.state.apply(event); // a.apply(b)
    let y = "s.apply(t)";
    self.inner
        .borrow_mut()
        .life
        .apply(e, 0);
    spawn_local(async move { wb.start_phone(&login).await });
}
fn other() { make().shut_down(); let s = AgentState::new(rules); }
"#;
    let s = Scanned::new(src);
    let calls = method_calls(&s);
    let calls: Vec<(usize, &str, &str, &str)> = calls
        .iter()
        .map(|(l, r, m, f)| (*l, r.as_str(), m.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            (3, "state", "apply", "dispatch"),
            (6, "inner", "borrow_mut", "dispatch"),
            (8, "life", "apply", "dispatch"),
            (9, "wb", "start_phone", "dispatch"),
            (11, "<expression>", "shut_down", "other"),
        ]
    );
    assert_eq!(
        constructions(&s, &["AgentState"]),
        [(11, "AgentState".to_owned(), "other".to_owned())]
    );
}
