#!/usr/bin/env bash
# trunk's post_build hook (Trunk.toml): finishes the site trunk staged in $TRUNK_STAGING_DIR (or $1).
#
# 1. The SDK's own files: the loader (js/workbench-sdk.js → sdk/workbenchSdk.min.js), the stylesheet
#    (styles/main.css → sdk/main.min.css), the ringtone. Hosts include the loader and the stylesheet by
#    these stable names (the contract), so they are never renamed.
# 2. Content-hashed names for what the loader fetches: sdk/workbench-<h>.js and sdk/workbench-<h>_bg.wasm,
#    <h> = the first 16 hex digits of sha256(wasm ‖ glue) — the two always change together. They are hard
#    links of sdk/workbench.js and sdk/workbench_bg.wasm (kept under their plain names for anyone loading
#    them directly), and the staged loader is rewritten to fetch the hashed names. The server sends the
#    hashed names with `Cache-Control: immutable`, the stable names with `no-cache` (static_files.rs).
#    (Before that, trunk's own start-up injection is taken out of the pages: see below.)
# 3. Minified: the loader, the glue and the stylesheet go through esbuild --minify (about 7 KB gzip less;
#    scripts/setup.sh installs it outside the clone). The stylesheet as it is copied, the glue before it is
#    hashed, the loader after its names are rewritten.
# 4. Precompressed siblings: every js, wasm, css, html, json and svg file gets `<file>.br` (brotli -q 11) and
#    `<file>.gz` (gzip -9 -n), which the server picks by the request's Accept-Encoding.
set -euo pipefail

stage="${1:-${TRUNK_STAGING_DIR:?post-build: TRUNK_STAGING_DIR is not set (run by trunk, or pass the dir)}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
sdk="$stage/sdk"

esbuild="${CCC_TOOLS_DIR:-$HOME/.cache/ccc-workbench}/esbuild/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || {
  echo "post-build: esbuild is missing ($esbuild); run scripts/setup.sh build" >&2
  exit 1
}
# In place: esbuild writes beside the file, then the result replaces it.
minify() {
  "$esbuild" --minify --log-level=warning "$1" --outfile="$1.min"
  mv -f "$1.min" "$1"
}

command -v brotli >/dev/null || {
  echo "post-build: brotli is missing; run scripts/setup.sh build (installs Debian's brotli)" >&2
  exit 1
}

cp "$root/js/workbench-sdk.js" "$sdk/workbenchSdk.min.js"
cp "$root/styles/main.css" "$sdk/main.min.css"
minify "$sdk/main.min.css"
cp "$root/assets/ringtone.wav" "$sdk/ringtone.wav"
# index.html's rel="rust" link is the site's main app, built into sdk/ (a link of another type would leave
# trunk to build the package a second time, as an implicit main app at the site root). trunk injects a
# preload of /sdk/workbench.js and /sdk/workbench_bg.wasm and a script starting them into index.html, but the
# page loads the core through the loader, as any host does, under its content-hashed names. Take them out.
for page in "$stage"/*.html; do
  perl -0pi -e 's{<link rel="modulepreload" href="/sdk/workbench\.js"[^>]*>}{}g;
                s{<link rel="preload" href="/sdk/workbench_bg\.wasm"[^>]*>}{}g;
                s{<script type="module">\s*import init, \* as bindings from \x27/sdk/workbench\.js\x27;.*?</script>}{}gs' "$page"
  if grep -q "/workbench\.js\|/workbench_bg\.wasm" "$page"; then
    echo "post-build: $page still names /sdk/workbench.js or /sdk/workbench_bg.wasm (trunk's injection changed?)" >&2
    exit 1
  fi
done
[ ! -e "$stage/workbench_bg.wasm" ] || { echo "post-build: trunk built a second app at the site root" >&2; exit 1; }

# 2. Hashed names (hard links: no second copy of the bytes), of the minified glue (3).
for f in workbench.js workbench_bg.wasm; do
  [ -f "$sdk/$f" ] || { echo "post-build: trunk produced no sdk/$f" >&2; exit 1; }
done
minify "$sdk/workbench.js"
hash="$(cat "$sdk/workbench_bg.wasm" "$sdk/workbench.js" | sha256sum | cut -c1-16)"
rm -f "$sdk"/workbench-*.js "$sdk"/workbench-*_bg.wasm
ln "$sdk/workbench.js" "$sdk/workbench-$hash.js"
ln "$sdk/workbench_bg.wasm" "$sdk/workbench-${hash}_bg.wasm"
loader="$sdk/workbenchSdk.min.js"
sed -i -e "s/'workbench\.js'/'workbench-$hash.js'/" -e "s/'workbench_bg\.wasm'/'workbench-${hash}_bg.wasm'/" "$loader"
grep -q "'workbench-$hash.js'" "$loader" && grep -q "'workbench-${hash}_bg.wasm'" "$loader" || {
  echo "post-build: the loader no longer names 'workbench.js' and 'workbench_bg.wasm'; update scripts/post-build.sh" >&2
  exit 1
}

minify "$loader"

# 4. Precompressed siblings; a hard link's siblings are linked too (compressed once).
declare -A done_inode=()
while IFS= read -r -d '' f; do
  inode="$(stat -c '%d:%i' "$f")"
  if [ -n "${done_inode[$inode]:-}" ]; then
    first="${done_inode[$inode]}"
    ln -f "$first.br" "$f.br"
    ln -f "$first.gz" "$f.gz"
    continue
  fi
  done_inode[$inode]="$f"
  brotli -q 11 -f -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done < <(find "$stage" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.html' \
  -o -name '*.json' -o -name '*.svg' \) -print0 | sort -z)
