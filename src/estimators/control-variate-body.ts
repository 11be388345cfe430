/**
 * One estimator call of REBAR or RELAX: check the options, draw, estimate, and tune the
 * caller's control variate by one step once the estimate has succeeded.
 */
import * as tf from '@tensorflow/tfjs';
import { toRandom } from '../random';
import { fail, orDefault } from '../validate';
import { drawPairs, perDrawEstimates, relaxedTerms, tuningGradient } from './control-variate-estimator';
import { TunableControlVariate } from './control-variates';
import { EstimatorBody } from './estimator';
import { checkSampling, SamplingOptions } from './options';
import { readLoss } from './result';

/**
 * Options of `rebar` and `relax` (`RebarOptions`, `RelaxOptions`): `SamplingOptions` and the
 * caller's control variate.
 *
 * @typeParam C - the control variate's type: `RebarControlVariate` or `RelaxControlVariate`.
 */
export interface ControlVariateOptions<C> extends SamplingOptions {
  /**
   * The control variate to use and tune; the caller keeps it across calls. Left out,
   * each call uses a fresh, untuned one (still unbiased).
   */
  controlVariate?: C;
  /** Whether this call takes an Adam step on the control variate; default true when one is given. */
  tune?: boolean;
}

/**
 * The body of an estimator whose control variates are instances of `kind`; `fresh`
 * makes the untuned one a call without `controlVariate` uses.
 */
export function controlVariateBody<C extends TunableControlVariate>(
  kind: abstract new (...args: never[]) => C, kindName: string, fresh: () => C,
): EstimatorBody<ControlVariateOptions<C>> {
  return (problem, options, read) => {
    const { fn, family, logits } = problem;
    const n = checkSampling(fn, options);
    const given = options.controlVariate;
    if (given !== undefined && !(given instanceof kind)) fail(fn, 'controlVariate', `a ${kindName} instance`, given);
    const tune = orDefault(options.tune, given !== undefined);
    if (typeof tune !== 'boolean') fail(fn, 'tune', 'true or false', tune);
    if (tune && given === undefined) fail(fn, 'tune', `false without a controlVariate (pass a ${kindName} to keep what tuning learns)`, tune);
    const controlVariate = given ?? fresh();
    const { values, layout } = controlVariate.parametersFor(fn, family, logits.shape);
    const temperature = Math.exp(values[layout.logTemperature]);
    const rng = toRandom(options.seed, fn);
    let loss = NaN;
    let gradient: Float32Array | undefined;
    const grad = tf.tidy(() => {
      const draws = drawPairs(problem, n, rng);
      const terms = relaxedTerms(problem, draws, temperature);
      const phi = tf.tensor1d(values);
      const g = tf.mean(perDrawEstimates(problem, draws, terms, phi, layout), 0);
      if (read || tune) loss = readLoss(fn, tf.mean(draws.discreteLoss), logits, g);
      if (tune) gradient = tuningGradient(problem, draws, terms, phi, layout, temperature);
      return g;
    });
    // Only a call that succeeded moves the parameters; `step` refuses a non-finite gradient.
    if (gradient !== undefined) controlVariate.step(gradient);
    return { grad, loss, lossEvaluations: (tune ? 5 : 3) * n };
  };
}
