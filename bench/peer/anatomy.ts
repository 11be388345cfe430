/**
 * Where the time of a TypeScript call goes, for the peer benchmark's second table: how
 * many kernels it dispatches, and how long it spends drawing noise in `Random` (plain
 * JavaScript, before any upload). Together they bound from below what any tuning of
 * the kernels alone could reach.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/random';

/** The kernels one call of `f` dispatches (tf.profile counts every backend kernel, autodiff included). */
export async function kernelCount(f: () => void): Promise<number> {
  const info = await tf.profile(() => {
    f();
  });
  return info.kernels.length;
}

/** The bulk draws of `Random`; none calls another, so their times add up without double counting. */
const DRAWS = ['bitsArray', 'uniformArray', 'normalArray', 'gumbelArray'] as const;

/**
 * Seconds spent inside `Random`'s bulk draws while `f` runs, measured by wrapping them
 * for the duration of the call (the wrapper costs well under a microsecond per draw call).
 */
export function noiseSeconds(f: () => void): number {
  const proto = Random.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = DRAWS.map((name) => proto[name]);
  let spent = 0n;
  DRAWS.forEach((name, i) => {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const start = process.hrtime.bigint();
      try {
        return originals[i].apply(this, args);
      } finally {
        spent += process.hrtime.bigint() - start;
      }
    };
  });
  try {
    f();
  } finally {
    DRAWS.forEach((name, i) => { proto[name] = originals[i]; });
  }
  return Number(spent) / 1e9;
}
