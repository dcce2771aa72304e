//! Harness of the end-to-end tests: the real server in-process on 127.0.0.1, the release build from `dist/`,
//! and headless Chromium driven through ChromeDriver (WebDriver).
//!
//! A test calls [`run`] with the emulator settings it wants and a body that receives a [`Session`]: a
//! browser on a fresh profile plus the server's address and control API. The browser session is closed and
//! ChromeDriver stopped whatever the body does, also when it panics. Every wait is for a condition, with a
//! deadline; nothing sleeps for a fixed time.

mod browser;
pub mod census;
pub mod coturn;
pub mod daemon;
pub mod fake_media;
mod host_site;
pub mod interop;
pub mod kamailio;
mod page;
pub mod renderer_rss;
mod server;
pub mod temp_dir;
pub mod voice;
mod webdriver;

pub use browser::{https_args, run, run_agents, run_browsers, run_with, Session};
pub use host_site::{HostSite, SiteFile};
pub use page::{
    audio_device_list, click, crm_signed_in, demo_signed_in, hook_log, screenshot, status_code,
    toast_text, wait_error, wait_hook, wait_status, wait_toast,
};
pub use server::Server;
pub use webdriver::{cdp, SessionPost};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long any single condition may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The workspace root (where `dist/` and `test-artifacts/` live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Where `scripts/setup.sh test` installs the npm tools the tests run (typescript, axe-core, React, Vue):
/// `$CCC_TOOLS_DIR`, else `~/.cache/ccc-workbench`.
pub fn tools() -> PathBuf {
    std::env::var_os("CCC_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/ccc-workbench")
        })
}

/// A file under [`tools`], or a failure that says how to get it.
pub fn tool_file(relative: &str) -> PathBuf {
    let path = tools().join(relative);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup.sh test (installs the npm tools)",
        path.display()
    );
    path
}

/// The release build the tests load. Built by `make test` (`trunk build --release`).
pub fn dist() -> PathBuf {
    let dist = workspace_root().join("dist");
    assert!(
        dist.join("sdk/workbench_bg.wasm").is_file()
            && dist.join("sdk/workbenchSdk.min.js").is_file(),
        "{} has no SDK build; run `make test` (or `trunk build --release`) first",
        dist.display()
    );
    dist
}

/// Waits until `check` returns `Some`, polling every 50 ms up to [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
