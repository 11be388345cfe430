/**
 * Picks the TensorFlow.js backend once, on first use: the native `tensorflow`
 * backend (tfjs-node) where it loads, else `wasm`, else the pure-JavaScript `cpu`.
 *
 * The environment variable DISCRETE_GRADIENTS_BACKEND forces one of them.
 * wasm needs an asynchronous start, so the library exposes `initBackend()` and
 * notebooks `await` it in their first cell.
 *
 * tfjs-node and the wasm backend are optional peer packages, loaded only here and only
 * when asked for: a project that installs the library for its estimators alone gets
 * neither a native build nor a .wasm file. Forcing a backend whose package is missing
 * gives an error that names the package to install.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from './validate';

/** The backends this library knows, best first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The environment variable that forces a backend. */
export const BACKEND_ENV = 'DISCRETE_GRADIENTS_BACKEND';

/** The package that registers each backend; cpu comes with @tensorflow/tfjs itself. */
const BACKEND_PACKAGES: Record<BackendName, string | null> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: null,
};

/** The first line of a thrown value's message. */
function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/** True when `error` says that `pkg` itself is not installed (not one of its own files). */
function isMissingPackage(error: unknown, pkg: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === 'MODULE_NOT_FOUND' && (message ?? '').includes(`'${pkg}'`);
}

/**
 * Loads the package that registers a backend. Returns null when the backend is then
 * registered, else why not (the package is missing, or it failed to load).
 */
function loadProblem(name: BackendName): string | null {
  const pkg = BACKEND_PACKAGES[name];
  if (pkg !== null) {
    try {
      if (name === 'tensorflow') {
        // Native TensorFlow logs start-up notices to stderr, which would land in every
        // notebook's outputs; level 1 keeps its warnings and errors.
        process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
        // One intra-op thread unless the user asks for more: this library's kernels are
        // many and small, and handing each to TensorFlow's thread pool costs more than it
        // saves (the categorical VAE's step ran in 0.77–0.96 of the time, bench/intra-op-threads.ts). It
        // also makes reductions and products add in the same order on every machine, so
        // results do not depend on the number of cores.
        process.env.TF_NUM_INTRAOP_THREADS ??= '1';
        // tfjs-node calls util.isNullOrUndefined, which Deno's node:util lacks (it was
        // removed from Node's documentation long ago); without it every op throws there.
        const util = require('util') as { isNullOrUndefined?: (x: unknown) => boolean };
        util.isNullOrUndefined ??= (x: unknown) => x === null || x === undefined;
      }
      require(pkg);
    } catch (error) {
      if (isMissingPackage(error, pkg)) {
        // The backend packages must match the version of @tensorflow/tfjs in use.
        return `it needs the package ${pkg}, which is not installed: npm install ${pkg}@${tf.version.tfjs}`;
      }
      return `${pkg} failed to load: ${firstLine(error)}`;
    }
  }
  return tf.findBackendFactory(name) != null ? null : `${pkg ?? '@tensorflow/tfjs'} registered no '${name}' backend`;
}

function checkName(fn: string, arg: string, name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    fail(fn, arg, `one of ${BACKEND_NAMES.join(', ')}`, name);
  }
  return name as BackendName;
}

/** Activates a backend; null on success, else why it did not start. */
async function startProblem(name: BackendName): Promise<string | null> {
  const problem = loadProblem(name);
  if (problem !== null) return problem;
  try {
    return (await tf.setBackend(name)) ? null : 'it failed to start';
  } catch (error) {
    return `it failed to start: ${firstLine(error)}`;
  }
}

/** The backends whose packages load on this machine, best first. */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((name) => loadProblem(name) === null);
}

/**
 * Activates a backend and resolves to its name.
 *
 * With no argument it honours DISCRETE_GRADIENTS_BACKEND, else takes the best one
 * that loads. Calling it again is cheap: a backend starts only once.
 *
 * @example
 * await initBackend();        // 'wasm' on a machine without tfjs-node
 * await initBackend('cpu');   // force the reference backend
 */
export async function initBackend(name?: string): Promise<BackendName> {
  // Only a missing argument means "choose": null or '' is a mistake, not a request for the default.
  if (name !== undefined && (typeof name !== 'string' || name === '')) fail('initBackend', 'name', `one of ${BACKEND_NAMES.join(', ')} (or no argument)`, name);
  const forced = name ?? process.env[BACKEND_ENV];
  if (forced !== undefined && forced !== '') {
    const wanted = checkName('initBackend', name === undefined ? BACKEND_ENV : 'name', forced);
    const problem = await startProblem(wanted);
    if (problem !== null) {
      throw new Error(`initBackend: backend '${wanted}' does not load on this machine (${problem}); available: ${availableBackends().join(', ')}`);
    }
    return wanted;
  }
  for (const candidate of BACKEND_NAMES) {
    if ((await startProblem(candidate)) === null) return candidate;
  }
  throw new Error('initBackend: no TensorFlow.js backend loads on this machine');
}

/** The name of the backend in use now. */
export function backend(): string {
  return tf.getBackend();
}
