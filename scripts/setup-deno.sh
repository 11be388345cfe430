#!/usr/bin/env bash
# Installs Deno, the second kernel the notebooks run on, and registers its Jupyter
# kernel inside .venv, beside tslab's. Each step is skipped when it is already done,
# so once installed this needs no network.
#
#   1. the `deno` npm package, an exact version, into .cache/deno (its own folder:
#      not the project's package.json or node_modules). The package carries the
#      binary in a per-platform optional dependency (@deno/linux-x64-glibc, ...);
#   2. the kernelspec .venv/share/jupyter/kernels/deno/kernel.json, written here with
#      the absolute path of that binary. `deno jupyter --install` would write into
#      ~/.local/share/jupyter whatever JUPYTER_DATA_DIR says, so it is run with a
#      throwaway HOME only to get the kernel's logos.
#
# SETUP_DENO=0 skips this step. It exits non-zero when Deno cannot be installed;
# tslab, the default kernel, does not depend on it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

deno_version=${DENO_VERSION:-2.9.6}
prefix=.cache/deno
kernel_dir=.venv/share/jupyter/kernels/deno

say() { echo "setup: deno: $*"; }
# The binary from the platform package; the wrapper script in node_modules/.bin would
# start node first, and its path changes when npm's postinstall step is skipped.
binary() { ls "$root/$prefix"/node_modules/@deno/*/deno 2>/dev/null | head -n 1; }

if [ "${SETUP_DENO:-1}" = 0 ]; then say "skipped (SETUP_DENO=0)"; exit 0; fi
if [ ! -x .venv/bin/python ]; then say ".venv is missing: run scripts/setup.sh first"; exit 1; fi

# 1. The package, reinstalled only when the version differs.
deno_bin=$(binary || true)
if [ -n "$deno_bin" ] && [ "$("$deno_bin" --version 2>/dev/null | head -n 1 | cut -d' ' -f2)" = "$deno_version" ]; then
  say "deno $deno_version installed"
else
  say "installing deno $deno_version from the npm registry into $prefix"
  mkdir -p "$prefix"
  # --ignore-scripts: the package's postinstall only copies the binary next to its
  # wrapper; this script calls the binary where the platform package put it.
  npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    --loglevel=error "deno@$deno_version"
  deno_bin=$(binary || true)
  if [ -z "$deno_bin" ]; then
    say "the deno package has no binary for $(uname -s)-$(uname -m)"
    exit 1
  fi
  "$deno_bin" --version | head -n 1
fi

# 2. The kernelspec, with the environment the notebooks need:
#    - DENO_COMPAT=1, Deno's Node-compatibility mode, lets a cell import the compiled
#      library exactly as under tslab (`from '../dist'`): it resolves a folder to its
#      index.js and loads dist/*.js as CommonJS. Without it Deno refuses the folder
#      (ERR_UNSUPPORTED_DIR_IMPORT) and, for '../dist/index.js', treats the file as an
#      ES module ("exports is not defined"), as package.json names no "type".
#    - DENO_NO_UPDATE_CHECK=1: the kernel would otherwise look for a newer Deno over
#      the network at start.
#    - NO_COLOR=1 keeps terminal colour codes out of saved error tracebacks.
#    --quiet leaves out the warning that `deno jupyter` is unstable, which it would
#    otherwise print to the terminal at every kernel start.
spec=$(cat <<EOF
{
 "argv": ["$deno_bin", "jupyter", "--quiet", "--kernel", "--conn", "{connection_file}"],
 "display_name": "Deno",
 "language": "typescript",
 "env": {"DENO_COMPAT": "1", "DENO_NO_UPDATE_CHECK": "1", "NO_COLOR": "1"}
}
EOF
)
if [ -f "$kernel_dir/kernel.json" ] && [ "$(cat "$kernel_dir/kernel.json")" = "$spec" ]; then
  say "Deno kernel registered"
else
  say "registering the Deno kernel in .venv"
  mkdir -p "$kernel_dir"
  home=$(mktemp -d)
  trap 'rm -rf "$home"' EXIT
  if HOME=$home DENO_NO_UPDATE_CHECK=1 "$deno_bin" jupyter --install --force >/dev/null 2>&1; then
    cp "$home"/.local/share/jupyter/kernels/deno/logo-* "$kernel_dir"/ 2>/dev/null || true
  fi
  printf '%s\n' "$spec" > "$kernel_dir/kernel.json"
fi
