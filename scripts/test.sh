#!/usr/bin/env bash
# The whole test suite: unit tests, then every notebook re-executed headlessly, then the
# browser check (the notebooks in JupyterLab and the static site, in chromium).
# `npm test` runs scripts/setup.sh and scripts/setup-browser.sh (chromium) before it.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx --test --test-reporter=spec test/*.test.ts
.venv/bin/python scripts/run_notebooks.py "$@"
node --import tsx test/browser/check.ts "$@"
