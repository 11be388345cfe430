#!/usr/bin/env bash
# Sets up what JupyterLab needs (scripts/setup.sh: npm packages, .venv, the kernel, the
# build; not the browser, which only the tests use), then starts JupyterLab on the
# notebooks, on this machine only, with token authentication. `exec` makes Jupyter take
# this shell's place, so a signal sent to `npm start` (which runs this script directly)
# reaches the server and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Containers often run as root, where Jupyter refuses to start without this flag.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)
exec .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 --no-browser --ServerApp.root_dir="$PWD/notebooks" "${as_root[@]}" "$@"
