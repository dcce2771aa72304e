//! ARCHITECTURE.md's "Pure crates stay pure", checked: `cargo tree` resolves each pure crate alone (its
//! own features, as a build of it would), and none reaches web-sys, js-sys, wasm-bindgen, yew, tokio or
//! gloo through its normal or build dependencies, directly or transitively, on any target
//! (dev-dependencies are its tests' business).
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

/// The crates that read no clock, open no socket and touch no browser.
const PURE: &[&str] = &[
    "ccc-wire",
    "agent-state",
    "panel-model",
    "ccc-sign",
    "ccc-sip",
];

/// What a pure crate must not reach.
const IMPURE: &[&str] = &[
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "yew",
    "tokio",
    "gloo-timers",
];

/// Every package `krate` depends on (itself included), by name.
fn dependencies(krate: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["tree", "--offline", "--locked", "-p", krate])
        .args([
            "-e",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
            "-f",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree -p {krate}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn pure_crates_reach_neither_the_browser_nor_tokio() {
    let mut impure = Vec::new();
    for pure in PURE {
        let deps = dependencies(pure);
        assert!(
            deps.iter().any(|d| d == pure) && deps.len() > 1,
            "{pure}: {deps:?}"
        );
        for dep in deps.iter().filter(|d| IMPURE.contains(&d.as_str())) {
            impure.push(format!(
                "{pure} depends on {dep} (`cargo tree -p {pure} -e normal,build --target all -i {dep}`)"
            ));
        }
    }
    assert!(
        impure.is_empty(),
        "ARCHITECTURE.md, \"Pure crates stay pure\":\n  {}",
        impure.join("\n  ")
    );
}
