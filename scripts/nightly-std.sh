# shellcheck shell=bash
# What the smaller nightly wasm build needs (-Zbuild-std: scripts/build-web.sh), checked the same way by
# scripts/build-web.sh (whether it can use nightly) and scripts/setup.sh (what to add). Sourced, not run.
# Each check runs cargo in the workspace root, whatever the caller's directory.

nightly_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIGHTLY_BUILD_STD=(-Zbuild-std=std,panic_abort --target wasm32-unknown-unknown)

# rustup has a nightly toolchain.
nightly_toolchain() { rustup run nightly rustc --version >/dev/null 2>&1; }

# That toolchain has the standard library's sources.
nightly_rust_src() { rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; }

# The standard library's own dependencies are in cargo's cache (trunk builds --offline).
nightly_std_fetched() {
  (cd "$nightly_root" && cargo +nightly fetch --offline "${NIGHTLY_BUILD_STD[@]}" >/dev/null 2>&1)
}

# Fetches them (network).
nightly_fetch_std() { (cd "$nightly_root" && cargo +nightly fetch "${NIGHTLY_BUILD_STD[@]}"); }
