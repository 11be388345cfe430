#!/usr/bin/env bash
# Starts JupyterLab on the notebooks, on this machine only, with token authentication.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 --no-browser --ServerApp.root_dir="$PWD/notebooks" "$@"
