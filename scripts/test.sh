#!/usr/bin/env bash
# The whole test suite: unit tests, then every notebook re-executed headlessly, then the
# browser check (the notebooks in JupyterLab and the static site, in chromium).
# `npm test` runs scripts/setup.sh and scripts/setup-browser.sh (chromium) before it.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx --test --test-reporter=spec test/*.test.ts
# Every notebook on tslab, and its outputs must reproduce the committed ones (times aside).
.venv/bin/python scripts/run_notebooks.py --check-reproducible "$@"
# The fast notebooks on Deno's kernel too (its pass/fail is reliable; its saved outputs
# are not, as it drops bursts of output, so nothing is compared or saved there).
if [ $# -gt 0 ]; then on_deno=("$@"); else on_deno=(00 02 03 04 05 07); fi
if [ -f .venv/share/jupyter/kernels/deno/kernel.json ]; then
  .venv/bin/python scripts/run_notebooks.py --kernel deno "${on_deno[@]}"
else
  echo "notebooks on Deno: skipped (the deno kernel is not registered; see scripts/setup-deno.sh)"
fi
node --import tsx test/browser/check.ts "$@"
