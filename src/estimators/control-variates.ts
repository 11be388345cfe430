/**
 * The learned control variates of REBAR and RELAX: state that the caller owns and
 * passes to every call, like `MovingAverageBaseline`, and that each call tunes by one
 * Adam step down the estimator's variance.
 *
 * The parameters live on the host as one float64 vector, laid out as
 *   [η (one per logit) | log λ | RELAX only: W₁ (d × H) | b₁ (H) | w₂ (H) | b₂],
 * and are uploaded for each call (a few hundred numbers), so the object holds no
 * tensors; `dispose()` ends its use all the same, for the day it does.
 */
import { Received } from '../distributions/checks';
import { MAX_SEED, Random } from '../random';
import { checkBudget, checkOptionsObject, checkPositive, checkPositiveInteger, fail, MAX_ENTRIES, orDefault } from '../validate';
import { Family, FAMILIES } from './problem';

/** Options of `RebarControlVariate`. */
export interface RebarControlVariateOptions {
  /** λ, the starting temperature of the relaxation inside the control variate; default 0.5. */
  temperature?: number;
  /** η, the starting scale of the control variate, the same for every logit; default 1. */
  scale?: number;
  /** Adam's step size for the tuning; default 0.01. */
  learningRate?: number;
}

/** Options of `RelaxControlVariate`. */
export interface RelaxControlVariateOptions extends RebarControlVariateOptions {
  /** H, the hidden units of the surrogate network; default 10. */
  hiddenUnits?: number;
  /** Seeds the network's first-layer weights; default 0. */
  seed?: number;
}

/** The option names of `RebarControlVariate`; RELAX adds `hiddenUnits` and `seed`. */
const REBAR_OPTIONS = ['temperature', 'scale', 'learningRate'];

/**
 * The most parameters one control variate holds: it keeps three float64 copies (values
 * and Adam's two moments) and uploads a float32 one, 28 bytes each, within the 1 GiB budget.
 */
const MAX_PARAMETERS = MAX_ENTRIES / 8;

/** RELAX's hidden units: a whole number small enough that a network of one logit fits the budget. */
function checkHiddenUnits(hiddenUnits: number): number {
  checkPositiveInteger('RelaxControlVariate', 'hiddenUnits', hiddenUnits);
  if (hiddenUnits > MAX_PARAMETERS / 4) fail('RelaxControlVariate', 'hiddenUnits', `at most ${MAX_PARAMETERS / 4} (each adds d + 2 parameters for d logits)`, hiddenUnits);
  return hiddenUnits;
}

/** λ is kept in [1/100, 100]: outside it the relaxation is either a step or a constant, and z/λ could overflow. */
const LOG_TEMPERATURE_LIMIT = Math.log(100);
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Where each parameter sits in the flat vector, for logits of d entries and H hidden units (0 for REBAR). */
export interface ParameterLayout {
  d: number;
  hidden: number;
  logTemperature: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  size: number;
}

function layoutFor(d: number, hidden: number): ParameterLayout {
  const logTemperature = d, w1 = d + 1, b1 = w1 + d * hidden, w2 = b1 + hidden, b2 = w2 + hidden;
  return { d, hidden, logTemperature, w1, b1, w2, b2, size: hidden > 0 ? b2 + 1 : d + 1 };
}

/** The state both control variates share: parameters bound to one problem shape, and Adam's moments. */
export abstract class TunableControlVariate {
  private bound: { family: Family; shape: number[]; layout: ParameterLayout } | undefined;
  private values = new Float64Array(0);
  private firstMoment = new Float64Array(0);
  private secondMoment = new Float64Array(0);
  private disposed = false;
  private taken = 0;
  private refused = 0;
  readonly learningRate: number;
  private readonly initialTemperature: number;
  private readonly initialScale: number;

  protected constructor(readonly name: string, options: RebarControlVariateOptions, readonly hiddenUnits: number) {
    this.initialTemperature = checkPositive(name, 'temperature', orDefault(options.temperature, 0.5));
    const scale = orDefault(options.scale, 1);
    if (typeof scale !== 'number' || !Number.isFinite(scale)) fail(name, 'scale', 'a finite number', scale);
    this.initialScale = scale;
    this.learningRate = checkPositive(name, 'learningRate', orDefault(options.learningRate, 0.01));
  }

  /** The network's starting weights, written into `values` at `layout` (none for REBAR). */
  protected abstract initialiseNetwork(values: Float64Array, layout: ParameterLayout): void;

  /** The Adam steps taken so far. */
  get updates(): number {
    return this.taken;
  }

  /** The steps refused because the variance gradient was not finite (the parameters were kept). */
  get refusedUpdates(): number {
    return this.refused;
  }

  /** The number of tuned parameters (0 before the first use): the length `step` takes. */
  get parameterCount(): number {
    return this.bound === undefined ? 0 : this.bound.layout.size;
  }

  /** λ now (the starting value before the first use). */
  get temperature(): number {
    return this.bound === undefined ? this.initialTemperature : Math.exp(this.values[this.bound.layout.logTemperature]);
  }

  /** η now, one per logit in row-major order (empty before the first use). */
  get scale(): number[] {
    return this.bound === undefined ? [] : Array.from(this.values.subarray(0, this.bound.layout.d));
  }

  /**
   * The parameters for a problem, as float32 for upload, with their layout. The first
   * call binds the object to the problem's family and logits shape; a later problem of
   * another shape is refused, naming `fn`.
   */
  parametersFor(fn: string, family: Family, shape: number[]): { values: Float32Array; layout: ParameterLayout } {
    const own = `${this.name}.parametersFor`;
    if (typeof fn !== 'string' || fn === '') fail(own, 'fn', 'the name of the function the user called', fn);
    if (!FAMILIES.includes(family)) fail(own, 'family', `one of ${FAMILIES.join(', ')}`, family);
    if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 1)) fail(own, 'shape', 'the logits shape: an array of whole numbers ≥ 1', shape);
    if (this.disposed) fail(fn, 'controlVariate', `a ${this.name} that has not been disposed`, new Received('a disposed one'));
    if (this.bound === undefined) {
      const d = shape.reduce((a, b) => a * b, 1);
      const layout = layoutFor(d, this.hiddenUnits);
      checkBudget(fn, `the parameters of its ${this.name} (logits × hidden units and the rest)`, layout.size, MAX_PARAMETERS);
      this.values = new Float64Array(layout.size);
      this.values.fill(this.initialScale, 0, d);
      this.values[layout.logTemperature] = Math.max(-LOG_TEMPERATURE_LIMIT, Math.min(LOG_TEMPERATURE_LIMIT, Math.log(this.initialTemperature)));
      this.initialiseNetwork(this.values, layout);
      this.firstMoment = new Float64Array(layout.size);
      this.secondMoment = new Float64Array(layout.size);
      this.bound = { family, shape: shape.slice(), layout };
    } else if (this.bound.family !== family || this.bound.shape.join() !== shape.join()) {
      fail(fn, 'controlVariate', `one made for this problem (it was first used on ${this.bound.family} logits of shape ` +
        `[${this.bound.shape.join(', ')}]; create one per problem)`, new Received(`${family} logits of shape [${shape.join(', ')}]`));
    }
    return { values: Float32Array.from(this.values), layout: this.bound.layout };
  }

  /**
   * One Adam step down a gradient of the variance; returns whether it was taken. A
   * gradient with a non-finite entry is refused (counted in `refusedUpdates`), so the
   * parameters are never NaN; one whose length is not `parameterCount` (0 before the
   * first use) is ignored. Anything but an array of numbers is an error.
   */
  step(gradient: ArrayLike<number>): boolean {
    if (!(Array.isArray(gradient) || (ArrayBuffer.isView(gradient) && !(gradient instanceof DataView)))) {
      fail(`${this.name}.step`, 'gradient', 'an array of numbers (one per parameter)', gradient);
    }
    if (this.disposed) fail(`${this.name}.step`, `this ${this.name}`, 'one that has not been disposed', new Received('a disposed one'));
    const layout = this.bound?.layout;
    if (layout === undefined || gradient.length !== layout.size) return false;
    for (let i = 0; i < gradient.length; i++) {
      if (!Number.isFinite(gradient[i])) {
        this.refused++;
        return false;
      }
    }
    const t = ++this.taken, { beta1, beta2, epsilon } = ADAM;
    for (let i = 0; i < gradient.length; i++) {
      this.firstMoment[i] = beta1 * this.firstMoment[i] + (1 - beta1) * gradient[i];
      this.secondMoment[i] = beta2 * this.secondMoment[i] + (1 - beta2) * gradient[i] ** 2;
      const mean = this.firstMoment[i] / (1 - beta1 ** t), square = this.secondMoment[i] / (1 - beta2 ** t);
      this.values[i] -= (this.learningRate * mean) / (Math.sqrt(square) + epsilon);
    }
    const at = layout.logTemperature;
    this.values[at] = Math.max(-LOG_TEMPERATURE_LIMIT, Math.min(LOG_TEMPERATURE_LIMIT, this.values[at]));
    return true;
  }

  /** Ends the object's use: a later call that passes it is refused. */
  dispose(): void {
    this.disposed = true;
    this.values = new Float64Array(0);
  }
}

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
    checkOptionsObject('RebarControlVariate', 'options', options, REBAR_OPTIONS, true);
    super('RebarControlVariate', options, 0);
  }

  protected initialiseNetwork(): void {}
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
    checkOptionsObject('RelaxControlVariate', 'options', options, [...REBAR_OPTIONS, 'hiddenUnits', 'seed'], true);
    super('RelaxControlVariate', options, checkHiddenUnits(orDefault(options.hiddenUnits, 10)));
    this.seed = orDefault(options.seed, 0);
    // Checked now, not at the first use (when Random would check it under its own name).
    if (!Number.isInteger(this.seed) || this.seed < 0 || this.seed > MAX_SEED) fail('RelaxControlVariate', 'seed', 'a whole number in [0, 2^32)', this.seed);
  }

  protected initialiseNetwork(values: Float64Array, layout: ParameterLayout): void {
    const weights = new Random(this.seed).normalArray(layout.d * layout.hidden);
    const scale = 1 / Math.sqrt(layout.d);
    weights.forEach((w, i) => { values[layout.w1 + i] = w * scale; });
  }
}
