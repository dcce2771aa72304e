//! The emulator as Alibaba Cloud's official SDK sees it: `official_sdk/oracle.py` drives a running server with
//! the official Python SDK (PyPI `alibabacloud-ccc20200701`, installed by `scripts/setup.sh test` into a venv
//! outside the clone), calling every workbench action the SDK has through `POST /` — the root, where every
//! official SDK sends its calls — signed with V3 and with V1, and compares each raw answer key by key with
//! the SDK's response models. Unknown keys, wrong types and missing keys not in
//! `official_sdk/allowed-missing.txt` (each with its reason) fail.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

/// The venv's Python: `CCC_OFFICIAL_SDK_PYTHON`, else where `scripts/setup.sh test` puts it.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CCC_OFFICIAL_SDK_PYTHON") {
        return PathBuf::from(p);
    }
    let tools = std::env::var_os("CCC_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/ccc-workbench")
        });
    tools.join("official-sdk/bin/python")
}

async fn oracle(signature: &'static str) {
    let python = python();
    assert!(
        python.exists(),
        "the official SDK is not installed at {} — run `scripts/setup.sh test` (or `make test`)",
        python.display()
    );
    // A fresh emulator per signature version: the scenario starts from the demo data.
    let server = start().await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/official_sdk");
    let base = server.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .current_dir(&dir)
            .arg("oracle.py")
            .arg(&base)
            .arg(signature)
            .arg("allowed-missing.txt")
            .output()
            .expect("to run the oracle")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the official SDK's models disagree with the emulator ({signature}):\n{stdout}\n{stderr}"
    );
    // The summary names the calls made: all 46 actions, each through the SDK.
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.contains("of 46 actions") && summary.ends_with("0 failures"),
        "{stdout}"
    );
    server.stop().await;
}

#[tokio::test]
async fn every_answer_matches_the_official_models_signed_v3() {
    oracle("v3").await;
}

#[tokio::test]
async fn every_answer_matches_the_official_models_signed_v1() {
    oracle("v1").await;
}
