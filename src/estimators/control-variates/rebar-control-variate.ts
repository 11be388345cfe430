/** REBAR's control variate: the relaxed loss, scaled and at a temperature both tuned online. */
import { checkOptionsObject } from '../../validate';
import { REBAR_OPTION_NAMES, RebarControlVariateOptions } from './options';
import { TunableControlVariate } from './tunable-control-variate';

/**
 * REBAR's control variate (Tucker et al. 2017): c(z) = η f(σ_λ(z)), the loss at the
 * Concrete relaxation at temperature λ, scaled by η (one scale per logit: each
 * coordinate of the estimate stays unbiased with its own). Both are tuned online.
 *
 * Keep one per problem and pass it to every call of `rebar`; its first use fixes the
 * problem's family and logits shape.
 *
 * @example
 * const problem = { logits: [0.3, -0.5], family: 'bernoulli' as const, loss: squaredErrorLoss([0.45]) };
 * const controlVariate = new RebarControlVariate({ temperature: 0.5 });
 * const rng = new Random(0);
 * for (let t = 0; t < 20; t++) {
 *   const { grad } = rebar(problem, { numSamples: 10, seed: rng, controlVariate });
 *   grad.dispose();
 * }
 * console.log(controlVariate.temperature, controlVariate.scale);
 * controlVariate.dispose();
 */
export class RebarControlVariate extends TunableControlVariate {
  constructor(options: RebarControlVariateOptions = {}) {
    // Every option is optional, so a misspelt one would otherwise build a default silently.
    checkOptionsObject('RebarControlVariate', 'options', options, REBAR_OPTION_NAMES, true);
    super('RebarControlVariate', options, 0);
  }

  protected initialiseNetwork(): void {}
}
