#!/usr/bin/env bash
# The whole test suite: unit tests, then every notebook re-executed headlessly.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx --test --test-reporter=spec test/*.test.ts
.venv/bin/python scripts/run_notebooks.py "$@"
