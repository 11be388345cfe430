/**
 * Picks the TensorFlow.js backend once, on first use: the native `tensorflow`
 * backend (tfjs-node) where it loads, else `wasm`, else the pure-JavaScript `cpu`.
 *
 * The environment variable DISCRETE_GRADIENTS_BACKEND forces one of them.
 * wasm needs an asynchronous start, so the library exposes `initBackend()` and
 * notebooks `await` it in their first cell.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from './validate';

/** The backends this library knows, best first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The environment variable that forces a backend. */
export const BACKEND_ENV = 'DISCRETE_GRADIENTS_BACKEND';

/** Loads the package that registers a backend; false where it is missing or fails. */
function register(name: BackendName): boolean {
  try {
    if (name === 'tensorflow') {
      // Native TensorFlow logs start-up notices to stderr, which would land in every
      // notebook's outputs; level 1 keeps its warnings and errors.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
      require('@tensorflow/tfjs-node');
    }
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    return tf.findBackendFactory(name) != null;
  } catch {
    return false;
  }
}

function checkName(fn: string, arg: string, name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    fail(fn, arg, `one of ${BACKEND_NAMES.join(', ')}`, name);
  }
  return name as BackendName;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (!register(name)) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** The backends whose packages load on this machine, best first. */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter(register);
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
  const forced = name ?? process.env[BACKEND_ENV];
  if (forced !== undefined && forced !== '') {
    const wanted = checkName('initBackend', name === undefined ? BACKEND_ENV : 'name', forced);
    if (!(await tryBackend(wanted))) {
      throw new Error(`initBackend: backend '${wanted}' does not load on this machine; available: ${availableBackends().join(', ')}`);
    }
    return wanted;
  }
  for (const candidate of BACKEND_NAMES) {
    if (await tryBackend(candidate)) return candidate;
  }
  throw new Error('initBackend: no TensorFlow.js backend loads on this machine');
}

/** The name of the backend in use now. */
export function backend(): string {
  return tf.getBackend();
}
