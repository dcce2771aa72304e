#!/usr/bin/env bash
# Runs a command inside a fresh, loopback-only network namespace: the only interface is `lo` (up, 127.0.0.1
# and ::1), so nothing the command starts — WebRTC ICE gathering, mDNS, a stray DNS lookup — can leave this
# machine. Every test that opens a peer connection runs under it (`make test-native`, `make test-e2e`).
#
#   scripts/netns-run.sh cargo test --offline ...
#
# As root it uses `unshare -n`; otherwise `unshare -rn` (an unprivileged user namespace, where the kernel
# allows them). Build before entering: the namespace has no route to crates.io.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
if [ "$(id -u)" -eq 0 ]; then
  flags=(-n)
else
  flags=(-r -n)
fi
exec unshare "${flags[@]}" -- sh -c 'ip link set lo up && exec "$@"' netns-run "$@"
