#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there.
#
#   scripts/setup.sh build   -> wasm32 target, trunk, wasm-bindgen-cli, wasm-opt (binaryen), esbuild (minifies
#                               the JS and CSS, scripts/post-build.sh), the C libraries the emulator's media
#                               links (libopus), brotli + gzip (the build's precompressed siblings; `make
#                               size`), and — only where rustup already has a nightly toolchain — its rust-src
#                               and the standard library's dependencies, for the smaller nightly wasm build
#                               (scripts/build-web.sh; without them it builds with stable)
#   scripts/setup.sh test    -> the above + chromium, chromedriver, wasm-bindgen-test-runner, iproute2 (for the
#                               loopback-only network namespace), the SIP peers (scripts/setup-peers.sh), and
#                               Alibaba Cloud's official Python SDK in a venv (the emulator's model test),
#                               TypeScript, axe-core, React 18 and Vue 3 (npm, outside the clone: the
#                               e2e tests package.rs, accessibility.rs and embedding.rs)
#
# Tools live outside the clone (~/.cargo/bin, ~/.cache/ccc-workbench) so a fresh clone on the same machine
# reuses them. Versions are the ones known to work here (the team's toolchain recipe, kept outside this
# repository, lists them); wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
set -euo pipefail

what="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${CCC_TOOLS_DIR:-$HOME/.cache/ccc-workbench}"
# shellcheck source=scripts/nightly-std.sh
. "$root/scripts/nightly-std.sh"
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
# The minifier scripts/post-build.sh runs on the loader, the wasm-bindgen glue and the stylesheet.
ESBUILD_VERSION=0.25.12
# The official CCC SDK whose response models crates/server/tests/official_sdk.rs checks the emulator against.
CCC_SDK_VERSION=2.35.0
TEA_OPENAPI_VERSION=0.4.6
# The TypeScript compiler the package test checks package/WorkbenchSdk.d.ts with (`tsc --strict`).
TYPESCRIPT_VERSION=5.9.3
# The accessibility checker the e2e tests inject into the panel (crates/e2e/tests/accessibility.rs).
AXE_CORE_VERSION=4.11.0
# React (with its types) and Vue for the README's embedding snippets, which crates/e2e/tests/embedding.rs runs.
REACT_DOM_VERSION=18.3.1
REACT_DOM_TYPES_VERSION=18.3.7
VUE_VERSION=3.5.45

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

wasm_bindgen_version() {
  # The version Cargo.lock resolved; falls back to the manifest pin.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock" 2>/dev/null ||
    true
}

ensure_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (takes a few minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local v
  v="$(wasm_bindgen_version)"
  [ -n "$v" ] || { echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; }
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $v\$" ||
     { [ "$what" = test ] && ! command -v wasm-bindgen-test-runner >/dev/null; }; then
    say "installing wasm-bindgen-cli $v"
    # No --locked: its lock pins a crate version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$v" --force
  fi
}

ensure_wasm_opt() {
  local bin="$tools/binaryen/node_modules/.bin/wasm-opt"
  if ! "$bin" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt (npm binaryen $BINARYEN_VERSION)"
    mkdir -p "$tools/binaryen"
    npm install --silent --no-audit --no-fund --prefix "$tools/binaryen" "binaryen@$BINARYEN_VERSION"
  fi
  # trunk looks for wasm-opt on PATH; keep a stable link next to cargo's binaries.
  ln -sf "$bin" "$HOME/.cargo/bin/wasm-opt"
}

# Best effort, never installs a toolchain: where nightly is there, what -Zbuild-std needs (rust-src, and the
# standard library's crates fetched so that trunk's --offline build finds them). A failure only means
# scripts/build-web.sh builds with stable.
ensure_nightly_std() {
  nightly_toolchain || return 0
  if ! nightly_rust_src; then
    say "adding rust-src to the nightly toolchain (for the smaller wasm build)"
    rustup component add rust-src --toolchain nightly ||
      { say "could not add rust-src: the wasm builds with stable"; return 0; }
  fi
  if ! nightly_std_fetched; then
    say "fetching the standard library's dependencies for nightly's -Zbuild-std"
    nightly_fetch_std || say "could not fetch them: the wasm builds with stable"
  fi
}

ensure_esbuild() { ensure_npm_package esbuild "$ESBUILD_VERSION"; }

apt_install() {
  local apt=(apt-get -o DPkg::Lock::Timeout=600)
  [ "$(id -u)" = 0 ] || apt=(sudo "${apt[@]}")
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "$@" ||
    "${apt[@]}" install -y -qq --no-install-recommends "$@"
}

ensure_native_libs() {
  # ccc-media encodes and decodes Opus with libopus (found through pkg-config).
  if ! pkg-config --exists opus 2>/dev/null; then
    say "installing libopus-dev + pkg-config (Debian packages)"
    apt_install libopus-dev pkg-config
  fi
}

ensure_compressors() {
  # scripts/post-build.sh writes a .br (brotli -q 11) and a .gz (gzip -9) next to every text and wasm file.
  if ! command -v brotli >/dev/null || ! command -v gzip >/dev/null; then
    say "installing brotli + gzip (Debian packages)"
    apt_install brotli gzip
  fi
}

ensure_netns_tools() {
  # scripts/netns-run.sh brings up `lo` in a fresh network namespace with `ip`.
  if ! command -v ip >/dev/null || ! command -v unshare >/dev/null; then
    say "installing iproute2 + util-linux (Debian packages)"
    apt_install iproute2 util-linux
  fi
}

ensure_chromium() {
  # A CJK font, so the panel's Chinese labels render in headless screenshots.
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null ||
     ! [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    say "installing chromium + chromedriver + a CJK font (Debian packages)"
    local apt=(apt-get -o DPkg::Lock::Timeout=600)
    [ "$(id -u)" = 0 ] || apt=(sudo "${apt[@]}")
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei ||
      "${apt[@]}" install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei
  fi
}

ensure_official_sdk() {
  # A venv of its own (outside the clone), with Debian's python3; python3-venv provides ensurepip.
  local venv="$tools/official-sdk"
  if ! "$venv/bin/python" -c "
import importlib.metadata as m, sys
sys.exit(m.version('alibabacloud-ccc20200701') != '$CCC_SDK_VERSION' or
         m.version('alibabacloud-tea-openapi') != '$TEA_OPENAPI_VERSION')" 2>/dev/null; then
    say "installing the official CCC Python SDK $CCC_SDK_VERSION (venv in $venv)"
    local py=/usr/bin/python3
    [ -x "$py" ] || py="$(command -v python3)" || { apt_install python3; py=/usr/bin/python3; }
    if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c "import ensurepip" 2>/dev/null; then
      apt_install python3-venv
    fi
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "alibabacloud-ccc20200701==$CCC_SDK_VERSION" "alibabacloud-tea-openapi==$TEA_OPENAPI_VERSION"
  fi
}

# An npm package at an exact version in its own prefix outside the clone, $tools/<package>: installed only
# when its package.json there says another version (or there is none).
ensure_npm_package() {
  local package="$1" version="$2" dir="$tools/$1"
  if ! grep -qs "\"version\": \"$version\"" "$dir/node_modules/$package/package.json"; then
    command -v npm >/dev/null || { say "installing nodejs + npm (Debian packages)"; apt_install nodejs npm; }
    say "installing $package $version (npm, into $dir)"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "$package@$version"
  fi
}

# typescript: crates/e2e/tests/package.rs runs its tsc; axe-core (one script, axe.min.js): the accessibility
# test injects it into the panel.
ensure_typescript() { ensure_npm_package typescript "$TYPESCRIPT_VERSION"; }
ensure_axe() { ensure_npm_package axe-core "$AXE_CORE_VERSION"; }
# react-dom brings react (its peer), @types/react-dom brings @types/react.
ensure_frameworks() {
  ensure_npm_package react-dom "$REACT_DOM_VERSION"
  ensure_npm_package @types/react-dom "$REACT_DOM_TYPES_VERSION"
  ensure_npm_package vue "$VUE_VERSION"
}

ensure_target
ensure_native_libs
ensure_compressors
ensure_wasm_opt
ensure_wasm_bindgen
ensure_trunk
ensure_esbuild
ensure_nightly_std
if [ "$what" = test ]; then
  ensure_chromium
  ensure_netns_tools
  ensure_official_sdk
  ensure_typescript
  ensure_axe
  ensure_frameworks
  "$root/scripts/setup-peers.sh"
fi
say "tools ready"
