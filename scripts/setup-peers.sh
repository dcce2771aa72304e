#!/usr/bin/env bash
# Installs the SIP peers nobody on the team wrote, which the interop tests (crates/e2e/tests/interop.rs)
# run against, skipping whatever is already there (a second run is quick and needs no network):
#
#   - Kamailio (SIP registrar/proxy, SIP over WebSocket): Debian `kamailio kamailio-websocket-modules`
#   - coturn (TURN server, `turnserver`) for the access-point tests (crates/e2e/tests/access_points.rs):
#     Debian `coturn`
#   - JsSIP 3.x (npm) bundled with esbuild into one browser file:
#       ${CCC_TOOLS_DIR:-~/.cache/ccc-workbench}/jssip/jssip.bundle.js   (window.JsSIP)
#     the npm project (package.json, node_modules) lives next to it, outside the clone.
#
# The e2e harness finds the bundle at the same path (or at $JSSIP_BUNDLE).
set -euo pipefail

tools="${CCC_TOOLS_DIR:-$HOME/.cache/ccc-workbench}"
JSSIP_VERSION="3.13"
ESBUILD_VERSION="0.25"

say() { printf '\033[1msetup-peers:\033[0m %s\n' "$*"; }

apt_install() {
  local apt=(apt-get -o DPkg::Lock::Timeout=600)
  [ "$(id -u)" = 0 ] || apt=(sudo "${apt[@]}")
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "$@" ||
    "${apt[@]}" install -y -qq --no-install-recommends "$@"
}

kamailio_module_dir() {
  local d
  for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/aarch64-linux-gnu/kamailio/modules \
           /usr/lib/kamailio/modules; do
    [ -d "$d" ] && { echo "$d"; return; }
  done
}

ensure_kamailio() {
  local mods
  mods="$(kamailio_module_dir || true)"
  if command -v kamailio >/dev/null && [ -n "$mods" ] && [ -e "$mods/websocket.so" ]; then
    say "kamailio already installed ($(kamailio -v 2>/dev/null | head -n1 | awk '{print $3}'))"
    return
  fi
  say "installing kamailio + kamailio-websocket-modules (Debian packages)"
  apt_install kamailio kamailio-websocket-modules
  # The package enables a system service listening on every interface; the tests start their own instance
  # on loopback in the foreground instead, so keep the service off.
  if command -v systemctl >/dev/null && systemctl is-enabled --quiet kamailio 2>/dev/null; then
    say "disabling the kamailio system service (the tests run their own)"
    systemctl disable --now kamailio >/dev/null 2>&1 || true
  fi
}

ensure_coturn() {
  if command -v turnserver >/dev/null; then
    say "coturn already installed ($(turnserver --version 2>/dev/null | head -n1))"
    return
  fi
  say "installing coturn (Debian package)"
  apt_install coturn
  # Like Kamailio: the tests start their own turnserver on loopback, never the system service.
  if command -v systemctl >/dev/null && systemctl is-enabled --quiet coturn 2>/dev/null; then
    say "disabling the coturn system service (the tests run their own)"
    systemctl disable --now coturn >/dev/null 2>&1 || true
  fi
}

ensure_jssip() {
  local dir="$tools/jssip"
  local bundle="$dir/jssip.bundle.js"
  local have=""
  [ -f "$dir/node_modules/jssip/package.json" ] &&
    have="$(node -p "require('$dir/node_modules/jssip/package.json').version" 2>/dev/null || true)"
  if [ -s "$bundle" ] && [ "${have%.*}" = "$JSSIP_VERSION" ] && [ "$bundle" -nt "$dir/node_modules/jssip/package.json" ]; then
    say "JsSIP $have bundle already at $bundle"
    return
  fi
  command -v npm >/dev/null || { say "installing nodejs + npm (Debian packages)"; apt_install nodejs npm; }
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{ "name": "ccc-jssip-bundle", "private": true }\n' >"$dir/package.json"
  if [ "${have%.*}" != "$JSSIP_VERSION" ] || ! [ -x "$dir/node_modules/.bin/esbuild" ]; then
    say "installing jssip@$JSSIP_VERSION and esbuild@$ESBUILD_VERSION (npm, into $dir)"
    npm install --silent --no-audit --no-fund --prefix "$dir" "jssip@~$JSSIP_VERSION" "esbuild@~$ESBUILD_VERSION"
    have="$(node -p "require('$dir/node_modules/jssip/package.json').version")"
  fi
  say "bundling JsSIP $have for the browser -> $bundle"
  (cd "$dir" && ./node_modules/.bin/esbuild ./node_modules/jssip --bundle --format=iife --global-name=JsSIP \
     --platform=browser --target=chrome100 --log-level=warning --outfile="$bundle")
}

ensure_kamailio
ensure_coturn
ensure_jssip
say "peers ready"
