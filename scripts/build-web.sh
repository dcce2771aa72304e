#!/usr/bin/env bash
# The release site in dist/ (`make build`, `make size`, the dist/ `make test` loads): `trunk build --release`,
# with the wasm built by the smallest-output toolchain this machine has, and a record of which one it was.
#
#   scripts/build-web.sh            WASM_TOOLCHAIN=auto (default): nightly when it is ready, else stable
#   WASM_TOOLCHAIN=stable scripts/build-web.sh      the pinned stable toolchain whatever else there is
#
# Nightly is ready when rustup has a `nightly` toolchain with its `rust-src` component, and scripts/setup.sh
# has fetched the standard library's own dependencies (trunk builds --offline). Then the wasm's standard
# library is rebuilt with the panel's profile (`-Zbuild-std=std,panic_abort`, opt-level z, LTO) and panics
# abort at once without formatting a message (`-Cpanic=immediate-abort`; the wasm-release profile aborts on
# panic anyway, and nothing in the panel catches one) nor recording their source location
# (`-Zlocation-detail=none`): about 24 KB gzip less than stable (issue 12's table). When nightly is absent, not
# ready, or its build fails, this says so and builds with stable — the same code, only bigger.
#
# dist/build-info.txt says which toolchain and flags built the wasm; scripts/size-report.sh prints it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
want="${WASM_TOOLCHAIN:-auto}"
NIGHTLY_FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"

say() { printf '\033[1mbuild-web:\033[0m %s\n' "$*"; }

# shellcheck source=scripts/nightly-std.sh
. "$root/scripts/nightly-std.sh"

# Why nightly cannot build the wasm here, or nothing when it can.
nightly_missing() {
  if ! nightly_toolchain; then
    echo "rustup has no nightly toolchain"
  elif ! nightly_rust_src; then
    echo "nightly has no rust-src component (scripts/setup.sh build adds it)"
  elif ! nightly_std_fetched; then
    echo "the standard library's dependencies are not fetched (scripts/setup.sh build fetches them)"
  fi
}

stable_build() {
  trunk build --release --cargo-profile wasm-release
  printf 'wasm: %s (stable, wasm-release profile)\n' "$(rustc --version)" >dist/build-info.txt
}

case "$want" in
  stable)
    stable_build
    ;;
  auto | nightly)
    why="$(nightly_missing)"
    if [ -n "$why" ]; then
      [ "$want" = nightly ] && { echo "build-web: WASM_TOOLCHAIN=nightly, but $why" >&2; exit 1; }
      say "building the wasm with stable: $why"
      stable_build
    elif RUSTUP_TOOLCHAIN=nightly CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$NIGHTLY_FLAGS" \
      trunk build --release --cargo-profile wasm-release; then
      printf 'wasm: %s (-Zbuild-std=std,panic_abort %s)\n' "$(rustc +nightly --version)" "$NIGHTLY_FLAGS" \
        >dist/build-info.txt
    else
      [ "$want" = nightly ] && exit 1
      say "the nightly build failed (above); building the wasm with stable instead"
      stable_build
    fi
    ;;
  *)
    echo "build-web: WASM_TOOLCHAIN must be auto, nightly or stable (was '$want')" >&2
    exit 2
    ;;
esac
