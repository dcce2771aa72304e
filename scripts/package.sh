#!/usr/bin/env bash
# The npm package of the SDK (`make package`; crates/e2e/tests/package.rs runs it too):
#
#   scripts/package.sh <dist> <out dir>   -> <out dir>/ccc-workbench-sdk-<version>.tgz (its path on stdout)
#
# Stages package/ (package.json, README.md, WorkbenchSdk.d.ts, index.mjs; not package/test/) with the built SDK files of
# <dist>/sdk — the loader, the two content-hashed files it fetches, the stylesheet, the ringtone — sets the
# version to the workspace's (Cargo.toml), and runs `npm pack` (offline: the package has no dependencies).
set -euo pipefail

dist="${1:?usage: scripts/package.sh <dist> <out dir>}"
out="${2:?usage: scripts/package.sh <dist> <out dir>}"
root="$(cd "$(dirname "$0")/.." && pwd)"
sdk="$dist/sdk"
loader="$sdk/workbenchSdk.min.js"

[ -f "$loader" ] || { echo "package: $loader is missing; run make build first" >&2; exit 1; }
# What the built loader fetches (scripts/post-build.sh rewrote it to the hashed names, then minified it: the
# names are string literals in whichever quote the minifier chose).
fetched="$(grep -oE "[\"']workbench-[0-9a-f]{16}(_bg\.wasm|\.js)[\"']" "$loader" | tr -d "\"'" | sort -u)"
[ "$(wc -l <<<"$fetched")" = 2 ] || {
  echo "package: $loader names no content-hashed workbench-<hash>.js and _bg.wasm (was it built by trunk?)" >&2
  exit 1
}

version="$(awk '/^\[workspace.package\]/ { p = 1 } p && /^version = / { gsub(/version = |"/, ""); print; exit }' \
  "$root/Cargo.toml")"
[ -n "$version" ] || { echo "package: no [workspace.package] version in Cargo.toml" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d "$out/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
cp "$root/package/package.json" "$root/package/README.md" "$root/package/WorkbenchSdk.d.ts" \
  "$root/package/index.mjs" "$stage/"
mkdir "$stage/sdk"
for f in workbenchSdk.min.js main.min.css ringtone.wav $fetched; do
  cp "$sdk/$f" "$stage/sdk/$f"
done
node -e '
  const fs = require("fs"), file = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = process.argv[2];
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/package.json" "$version"

tgz="$(cd "$stage" && npm pack --offline --no-update-notifier --no-fund --no-audit --silent --pack-destination "$out")"
echo "$out/$tgz"
