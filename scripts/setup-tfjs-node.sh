#!/usr/bin/env bash
# Makes the optional @tensorflow/tfjs-node (the native `tensorflow` backend) work
# where its own install cannot download libtensorflow.
#
# tfjs-node's install script fetches libtensorflow 2.9.1 from a CDN that these
# machines cannot reach, so `npm ci` drops the package and the library runs on wasm.
# The TensorFlow C library is also inside PyPI's tensorflow-cpu wheel: its
# libtensorflow_cc.so.2 exports the C and eager C API (TF_*, TFE_*) that the addon
# calls, and the wheel carries the C headers. This script
#   1. adds the package back without running its script and without touching
#      package.json or package-lock.json (npm install --no-save --ignore-scripts);
#   2. takes the libraries and headers from the wheel (cached in .cache/tfjs-node);
#   3. puts them where the package's install script looks (deps/lib, deps/include),
#      which then skips its download and builds the addon from source with node-gyp;
#      the addon finds the libraries through its rpath ($ORIGIN/../../deps/lib).
#
# It does nothing where tfjs-node already loads (also where the CDN is reachable and
# the plain install worked). It exits non-zero when the build fails; setup.sh then
# carries on and the library falls back to wasm. A failed build is not retried until
# package-lock.json or the TensorFlow version here change, or .cache/setup/tfjs-node-failed
# is removed. SETUP_TFJS_NODE=0 skips this step.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tensorflow-cpu wheel whose libraries the addon is built against (214 MB). Its
# C API is a superset of the 2.9.1 one that tfjs-node 4.22 calls, and tfjs-core's own
# test suite (3883 specs) passes on it. Not 2.17 or later: their Round kernel returns
# zeros for int32 (tensorflow/tensorflow#74789), which tf.round on int32 hits.
tf_version=${TFJS_NODE_TF_VERSION:-2.16.2}
pkg=node_modules/@tensorflow/tfjs-node
cache=.cache/tfjs-node
tf_dir=$cache/tensorflow-cpu-$tf_version
failed_stamp=.cache/setup/tfjs-node-failed

say() { echo "setup: tfjs-node: $*"; }
# TF_CPP_MIN_LOG_LEVEL keeps TensorFlow's start-up notices out of the check.
loads() { TF_CPP_MIN_LOG_LEVEL=2 node -e "require('@tensorflow/tfjs-node')" >/dev/null 2>&1; }

if [ "${SETUP_TFJS_NODE:-1}" = 0 ]; then say "skipped (SETUP_TFJS_NODE=0)"; exit 0; fi
if loads; then say "native tensorflow backend loads"; exit 0; fi

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  say "no offline build for $(uname -s)-$(uname -m); the library uses wasm"
  exit 1
fi
# The optional peer's range in package.json (^4.22.0), as the version it starts from.
tfjs_node_version=$(node -p "require('./package.json').peerDependencies['@tensorflow/tfjs-node'].replace(/^[^0-9]*/, '')")
key="$tfjs_node_version $tf_version $(cat package-lock.json | sha256sum | cut -c1-16)"
if [ -f "$failed_stamp" ] && [ "$(head -n 1 "$failed_stamp")" = "$key" ]; then
  say "failed before ($(tail -n 1 "$failed_stamp")); the library uses wasm." \
      "Remove $failed_stamp to try again"
  exit 1
fi
mkdir -p "$cache" .cache/setup
fail() { say "$*; the library falls back to wasm"; printf '%s\n%s\n' "$key" "$*" > "$failed_stamp"; exit 1; }

say "building the native addon against libtensorflow from the tensorflow-cpu $tf_version wheel"
start=$SECONDS

# 1. The package itself, exactly the version package.json names.
if [ "$(node -p "try { require('./$pkg/package.json').version } catch { '' }")" != "$tfjs_node_version" ]; then
  # --save-optional: without it npm keeps the root's optional-peer entry and adds nothing;
  # --no-save still leaves package.json and the lockfile as they are.
  npm install --no-save --save-optional --ignore-scripts --no-audit --no-fund --loglevel=error \
    "@tensorflow/tfjs-node@$tfjs_node_version" || fail "npm could not add @tensorflow/tfjs-node"
fi

# 2. The libraries and headers, extracted once into .cache (the wheel is then deleted).
if [ ! -f "$tf_dir/.complete" ]; then
  rm -rf "$tf_dir" "$cache/wheel"
  ${PYTHON:-python3} -m pip download --quiet --disable-pip-version-check --no-cache-dir --no-deps \
      --only-binary=:all: --python-version 3.11 --platform manylinux_2_17_x86_64 \
      "tensorflow-cpu==$tf_version" -d "$cache/wheel" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; } \
    || fail "could not download tensorflow-cpu==$tf_version from PyPI"
  wheel=$(ls "$cache"/wheel/tensorflow_cpu-"$tf_version"-*.whl 2>/dev/null | head -1 || true)
  [ -n "$wheel" ] || fail "no tensorflow-cpu $tf_version wheel in $cache/wheel"
  ${PYTHON:-python3} - "$wheel" "$tf_dir" <<'EOF' || fail "could not unpack $wheel"
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
wanted = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
           'tensorflow/include/tsl/', 'tensorflow/include/xla/tsl/')
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n in wanted or (n.startswith(headers) and n.endswith('.h'))]
    missing = [n for n in wanted if n not in names]
    if missing:
        sys.exit(f'{wheel} has no {", ".join(missing)}')
    for n in names:
        z.extract(n, dest)
EOF
  touch "$tf_dir/.complete"
  rm -rf "$cache/wheel"
fi

# 3. Where tfjs-node's install script looks. Hard links cost no space and survive
#    a removal of .cache; the unversioned names are for the linker (-ltensorflow),
#    and deps/lib/libtensorflow.so.2.9.1 makes the install script skip its download.
rm -rf "$pkg/deps" "$pkg/lib" "$pkg/build"
mkdir -p "$pkg/deps/lib"
for lib in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
  ln -f "$tf_dir/tensorflow/$lib" "$pkg/deps/lib/$lib" 2>/dev/null || cp "$tf_dir/tensorflow/$lib" "$pkg/deps/lib/$lib"
done
ln -s libtensorflow_cc.so.2 "$pkg/deps/lib/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$pkg/deps/lib/libtensorflow_framework.so"
skip_download=$(node -p "require('./$pkg/scripts/deps-constants.js').depsLibTensorFlowName")
[ -e "$pkg/deps/lib/$skip_download" ] || ln -s libtensorflow_cc.so.2 "$pkg/deps/lib/$skip_download"
cp -r "$tf_dir/tensorflow/include" "$pkg/deps/include"

# 4. The package's own install step, built from source (no try at the prebuilt addon's URL).
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
if ! npm_config_build_from_source=true npm rebuild @tensorflow/tfjs-node --foreground-scripts \
     --loglevel=error > "$cache/build.log" 2>&1; then
  tail -n 20 "$cache/build.log"
  fail "the addon did not build (log: $cache/build.log)"
fi
rm -rf "$pkg/build"   # objects only; the addon is in $pkg/lib

if ! loads; then
  TF_CPP_MIN_LOG_LEVEL=2 node -e "require('@tensorflow/tfjs-node')" 2>&1 | tail -n 5
  fail "the addon built but does not load"
fi
rm -f "$failed_stamp"
say "native tensorflow backend ready in $((SECONDS - start)) s (libtensorflow from tensorflow-cpu $tf_version)"
