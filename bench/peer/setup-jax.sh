#!/usr/bin/env bash
# Creates .venv-jax (at the project root) with the pinned JAX peer of the benchmark
# (requirements-jax.txt, from PyPI). A second run does nothing unless the pins changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-jax
req=bench/peer/requirements-jax.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup-jax: $venv is up to date"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$req"
"$venv/bin/python" -c 'import jax; print("setup-jax: jax", jax.__version__, jax.devices())'
echo "$want" > "$stamp"
