#!/usr/bin/env bash
# Sets up the one thing that only the tests need: Debian's chromium at /usr/bin/chromium,
# which the browser check (test/browser/) drives with playwright-core. `npm test` runs it
# after scripts/setup.sh; `npm start` does not.
set -euo pipefail
cd "$(dirname "$0")/.."
stamps=.cache/setup
mkdir -p "$stamps"

say() { echo "setup: $*"; }

# Installed with apt-get only when /usr/bin/chromium is missing; no browser is ever downloaded.
# Without root (or passwordless sudo), or without apt-get, this step only warns: the unit
# tests and notebook runs go on, and the browser step of `npm test` fails, saying chromium is missing.
chromium_missing() {
  say "WARNING: /usr/bin/chromium is missing and $1."
  say "WARNING: until it is installed, the browser step of 'npm test' fails; the rest works."
}
if [ -x /usr/bin/chromium ]; then
  say "chromium present"
elif ! command -v apt-get >/dev/null 2>&1; then
  chromium_missing "there is no apt-get here: install Chromium so that /usr/bin/chromium runs it"
else
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
  fi
  if [ "${as_root[*]}" = none ]; then
    chromium_missing "installing it needs root: run 'sudo apt-get update && sudo apt-get install chromium fonts-liberation'"
  else
    say "installing Debian's chromium with apt-get (log: $stamps/apt-chromium.log)"
    if "${as_root[@]}" apt-get update -qq >"$stamps/apt-chromium.log" 2>&1 &&
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-liberation >>"$stamps/apt-chromium.log" 2>&1; then
      say "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
    else
      tail -n 15 "$stamps/apt-chromium.log" >&2 || true
      chromium_missing "apt-get could not install it (see above)"
    fi
  fi
fi
