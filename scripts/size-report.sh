#!/usr/bin/env bash
# What a host page downloads to show a working panel with its phone — the loader, the wasm-bindgen glue, the
# wasm and the stylesheet, under the names the built loader really fetches (the content-hashed ones when the
# build made them) — per file and in total: raw bytes, gzip -9, brotli -q 11, and the bytes the server sends a
# browser that accepts brotli.
#
#   scripts/size-report.sh [DIST]        DIST defaults to dist/
#
# "served" is the size of the file's .br sibling (the build writes them, scripts/post-build.sh; the server sends
# it for `Accept-Encoding: br`), or the raw size when there is none. With SIZE_URL=http://127.0.0.1:8080 it is
# measured instead: each file is requested from that running server with `Accept-Encoding: br` and the bytes
# received are counted (curl, no decoding).
#
# Aim (README, "Size"): total gzip <= 180,000 B and total served <= 150,000 B. Over the aim the script says by
# how much and exits 1; SIZE_CHECK=0 prints the same table and exits 0 (make bench reads the numbers so).
# It also says which toolchain built the wasm (dist/build-info.txt). The `total` line's columns are: total
# raw gzip brotli served (crates/bench reads the third).
set -euo pipefail
dist="${1:-dist}"
check="${SIZE_CHECK:-1}"
url="${SIZE_URL:-}"
AIM_GZIP=180000
AIM_BROTLI=150000

command -v brotli >/dev/null || { echo "size: brotli is missing; run scripts/setup.sh build" >&2; exit 1; }

# The glue and the wasm under their hashed names when the build made them (the loader names them).
pick() {
  local plain="$1" hashed
  hashed="$(cd "$dist" && ls sdk/workbench-*"${plain#sdk/workbench}" 2>/dev/null | head -n 1)" || true
  echo "${hashed:-$plain}"
}
files=(sdk/workbenchSdk.min.js "$(pick sdk/workbench.js)" "$(pick sdk/workbench_bg.wasm)" sdk/main.min.css)

served_bytes() {
  local f="$1"
  if [ -n "$url" ]; then
    curl -sS --fail -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "${url%/}/$f"
  elif [ -f "$dist/$f.br" ]; then
    wc -c <"$dist/$f.br"
  else
    wc -c <"$dist/$f"
  fi
}

total_raw=0 total_gz=0 total_br=0 total_served=0
printf '%-40s %10s %10s %10s %10s\n' file raw gzip-9 brotli-11 served
for f in "${files[@]}"; do
  [ -f "$dist/$f" ] || { echo "size: $dist/$f is missing; run make build" >&2; exit 1; }
  raw=$(wc -c <"$dist/$f")
  gz=$(gzip -9 -n -c "$dist/$f" | wc -c)
  br=$(brotli -q 11 -c "$dist/$f" | wc -c)
  served=$(served_bytes "$f")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz))
  total_br=$((total_br + br)) total_served=$((total_served + served))
  printf '%-40s %10d %10d %10d %10d\n' "$f" "$raw" "$gz" "$br" "$served"
done
printf '%-40s %10d %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br" "$total_served"
if [ -n "$url" ]; then
  echo "served: bytes received from $url with Accept-Encoding: br"
else
  echo "served: sizes of the .br siblings the server sends for Accept-Encoding: br (raw where there is none)"
fi
# Which toolchain built the wasm (scripts/build-web.sh writes it; a plain `trunk build` does not).
if [ -f "$dist/build-info.txt" ]; then
  echo "built by: $(tr '\n' ' ' <"$dist/build-info.txt")"
else
  echo "built by: not recorded ($dist/build-info.txt is missing: built without scripts/build-web.sh)"
fi

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
over=0
if [ "$total_gz" -gt "$AIM_GZIP" ]; then
  echo "size: gzip total $total_gz B ($(kb "$total_gz")) is over the aim of $AIM_GZIP B by $((total_gz - AIM_GZIP)) B" >&2
  over=1
else
  echo "size: gzip total $total_gz B meets the aim of $AIM_GZIP B ($((AIM_GZIP - total_gz)) B to spare)"
fi
if [ "$total_served" -gt "$AIM_BROTLI" ]; then
  echo "size: served (brotli) total $total_served B ($(kb "$total_served")) is over the aim of $AIM_BROTLI B by $((total_served - AIM_BROTLI)) B" >&2
  over=1
else
  echo "size: served (brotli) total $total_served B meets the aim of $AIM_BROTLI B ($((AIM_BROTLI - total_served)) B to spare)"
fi
if [ "$over" = 1 ] && [ "$check" != 0 ]; then
  exit 1
fi
