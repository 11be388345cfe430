#!/usr/bin/env bash
# Creates .venv-bench (at the project root) with the pinned Python peer of the
# benchmark: TensorFlow 2.16.2 (CPU) and TensorFlow Probability 0.24, from PyPI.
# A second run does nothing unless requirements.txt changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-bench
req=bench/peer/requirements.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -c1-64)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: $venv is up to date"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$req"
TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c \
  'import tensorflow as tf, tensorflow_probability as tfp; print("setup: tensorflow", tf.__version__, "tensorflow-probability", tfp.__version__)'
echo "$want" > "$stamp"
