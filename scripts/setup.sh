#!/usr/bin/env bash
# Sets up everything the project needs, and skips each step that is already done:
#   1. the npm packages (again only when package.json or package-lock.json change);
#   2. .venv, a Python environment with the pinned JupyterLab, nbclient and jupytext (requirements.txt);
#   3. the tslab kernel, registered inside .venv and pointing at this project's tslab;
#   3b. Deno's Jupyter kernel, also inside .venv (scripts/setup-deno.sh);
#   4. the build of src/ into dist/, which the notebooks import.
# This is all that `npm start` needs. The browser that only the tests use is set up by
# scripts/setup-browser.sh, which `npm test` runs after this script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stamps=.cache/setup
mkdir -p "$stamps"

say() { echo "setup: $*"; }
fingerprint() { cat "$@" | sha256sum | cut -c1-16; }
done_for() { [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$2" ]; }

# node-gyp must not try to download Node's headers (no network for that here).
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi

# 1. npm packages. tfjs-node is an optional peer, not in the lockfile: its own install
#    downloads a native library from a CDN, so scripts/setup-tfjs-node.sh adds it instead;
#    where that fails, the library falls back to wasm.
npm_key=$(fingerprint package.json package-lock.json)
if [ -d node_modules ] && done_for npm "$npm_key"; then
  say "npm packages up to date"
else
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_key" > "$stamps/npm"
fi
bash scripts/setup-tfjs-node.sh || say "tfjs-node is not available; the library uses the wasm backend"

# 2. The Python side.
python=${PYTHON:-python3}
venv_key=$(fingerprint requirements.txt)
if [ -x .venv/bin/python ] && done_for venv "$venv_key"; then
  say "Python environment up to date"
else
  say "creating .venv with JupyterLab, nbclient and jupytext"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  echo "$venv_key" > "$stamps/venv"
fi

# 3. The tslab kernel, inside .venv only, with the absolute path of our own binary.
kernel_json=.venv/share/jupyter/kernels/tslab/kernel.json
tslab_bin="$root/node_modules/.bin/tslab"
if [ -f "$kernel_json" ] && grep -qF "$tslab_bin" "$kernel_json"; then
  say "tslab kernel registered"
else
  say "registering the tslab kernel in .venv"
  node_modules/.bin/tslab install --python="$root/.venv/bin/python" --sys-prefix --binary="$tslab_bin"
fi

# 3b. Deno's Jupyter kernel, the second kernel the notebooks run on (from the npm registry).
bash scripts/setup-deno.sh || say "Deno is not available; the notebooks run on tslab only"

# 4. The library build (tsc is incremental, so an unchanged tree costs little).
say "building src/ into dist/"
node scripts/build.mjs
