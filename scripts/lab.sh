#!/usr/bin/env bash
# Starts JupyterLab on the notebooks, on this machine only, with token authentication.
set -euo pipefail
cd "$(dirname "$0")/.."
# Containers often run as root, where Jupyter refuses to start without this flag.
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)
exec .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 --no-browser --ServerApp.root_dir="$PWD/notebooks" "${as_root[@]}" "$@"
