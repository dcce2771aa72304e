#!/bin/sh
# Cargo's runner for wasm32 test binaries (.cargo/config.toml): wasm-bindgen-test-runner in a TMPDIR of its own,
# removed when it ends. wasm-bindgen-test-runner ends ChromeDriver with SIGKILL, so the temporary profile that
# ChromeDriver gave Chromium (/tmp/org.chromium.Chromium.*, about 40 MB a test binary) would otherwise stay
# behind after every run and fill the disk of a machine that runs `make test` all day.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccc-wasm-test.XXXXXX")
cleanup() {
    # Chromium outlives its killed driver by a moment and may still be writing its profile.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        rm -rf "$tmp" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "wasm-test-runner: could not remove $tmp" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
TMPDIR=$tmp wasm-bindgen-test-runner "$@"
