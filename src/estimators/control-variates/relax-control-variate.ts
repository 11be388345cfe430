/** RELAX's control variate: REBAR's plus a small surrogate network, all tuned online. */
import { MAX_SEED, Random } from '../../random';
import { checkOptionsObject, checkPositiveInteger, fail, orDefault } from '../../validate';
import { ControlVariateLayout, MAX_PARAMETERS } from './layout';
import { RELAX_OPTION_NAMES, RelaxControlVariateOptions } from './options';
import { TunableControlVariate } from './tunable-control-variate';

/** RELAX's hidden units: a whole number small enough that a network of one logit fits the budget. */
function checkHiddenUnits(hiddenUnits: number): number {
  checkPositiveInteger('RelaxControlVariate', 'hiddenUnits', hiddenUnits);
  if (hiddenUnits > MAX_PARAMETERS / 4) fail('RelaxControlVariate', 'hiddenUnits', `at most ${MAX_PARAMETERS / 4} (each adds d + 2 parameters for d logits)`, hiddenUnits);
  return hiddenUnits;
}

/**
 * RELAX's control variate (Grathwohl et al. 2018): c(z) = η f(σ_λ(z)) + r_ρ(z), REBAR's
 * plus a surrogate network r_ρ(z) = w₂ · tanh(W₁ a(z) + b₁) + b₂ of one hidden layer,
 * on a(z) = softmax(z) (σ(z) for Bernoulli) flattened. The output weights start at 0,
 * so an untuned RELAX is REBAR; W₁ starts as N(0, 1/d) from `seed`.
 *
 * @example
 * const problem = { logits: [1, 1, 1], family: 'categorical' as const, loss: squaredErrorLoss([0.2, 0.7, 0.1]) };
 * const controlVariate = new RelaxControlVariate({ hiddenUnits: 10 });
 * const { grad } = relax(problem, { numSamples: 10, seed: 0, controlVariate });
 * grad.dispose();
 * controlVariate.dispose();
 */
export class RelaxControlVariate extends TunableControlVariate {
  private readonly seed: number;

  constructor(options: RelaxControlVariateOptions = {}) {
    checkOptionsObject('RelaxControlVariate', 'options', options, RELAX_OPTION_NAMES, true);
    super('RelaxControlVariate', options, checkHiddenUnits(orDefault(options.hiddenUnits, 10)));
    this.seed = orDefault(options.seed, 0);
    // Checked now, not at the first use (when Random would check it under its own name).
    if (!Number.isInteger(this.seed) || this.seed < 0 || this.seed > MAX_SEED) fail('RelaxControlVariate', 'seed', 'a whole number in [0, 2^32)', this.seed);
  }

  protected initialiseNetwork(values: Float64Array, layout: ControlVariateLayout): void {
    const weights = new Random(this.seed).normalArray(layout.d * layout.hidden);
    const scale = 1 / Math.sqrt(layout.d);
    weights.forEach((w, i) => { values[layout.w1 + i] = w * scale; });
  }
}
