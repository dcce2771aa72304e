#!/usr/bin/env bash
# Prints what a host page downloads for the panel: raw bytes and gzip -9 bytes per file and in total.
# Aim: <= 180,000 B gzip for JS + wasm + CSS (README, "Size").
set -euo pipefail
dist="${1:-dist}"
files=(sdk/workbenchSdk.min.js sdk/workbench.js sdk/workbench_bg.wasm sdk/main.min.css)
total_raw=0
total_gz=0
printf '%-28s %10s %10s\n' file raw gzip-9
for f in "${files[@]}"; do
  [ -f "$dist/$f" ] || { echo "size: $dist/$f is missing; run make build" >&2; exit 1; }
  raw=$(wc -c <"$dist/$f")
  gz=$(gzip -9 -c "$dist/$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-28s %10d %10d  (%.1f KB gzip; aim 180,000 B)\n' total "$total_raw" "$total_gz" "$(awk -v b="$total_gz" 'BEGIN { print b / 1024 }')"
