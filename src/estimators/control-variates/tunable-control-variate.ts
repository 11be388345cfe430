/**
 * The state REBAR's and RELAX's control variates share: parameters bound to one problem
 * shape at the first use, and tuned by Adam steps down the estimator's variance. It is
 * state that the caller owns and passes to every call, like `MovingAverageBaseline`.
 *
 * The parameters live on the host as one float64 vector (see layout.ts) and are
 * uploaded for each call, so the object holds no tensors; `dispose()` ends its use all
 * the same, and frees the vector.
 */
import { Received } from '../../distributions/checks';
import { checkBudget, checkPositive, fail, orDefault } from '../../validate';
import { Family, FAMILIES } from '../problem';
import { adamStep, AdamState } from './adam-step';
import { ControlVariateLayout, layoutFor, MAX_PARAMETERS } from './layout';
import { RebarControlVariateOptions } from './options';

/** λ is kept in [1/100, 100]: outside it the relaxation is either a step or a constant, and z/λ could overflow. */
const LOG_TEMPERATURE_LIMIT = Math.log(100);

function clampLogTemperature(logTemperature: number): number {
  return Math.max(-LOG_TEMPERATURE_LIMIT, Math.min(LOG_TEMPERATURE_LIMIT, logTemperature));
}

/** An array of numbers or a typed array of numbers (a DataView has no entries). */
function isNumberList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** "an array of 3 entries", "a Float32Array of 1000 entries": what a wrong-length gradient was. */
function lengthOf(list: ArrayLike<unknown>): Received {
  const kind = Array.isArray(list) ? 'an array' : `a ${list.constructor.name}`;
  return new Received(`${kind} of ${list.length} ${list.length === 1 ? 'entry' : 'entries'}`);
}

/** The base of `RebarControlVariate` and `RelaxControlVariate`; not made directly. */
export abstract class TunableControlVariate {
  private bound: { family: Family; shape: number[]; layout: ControlVariateLayout } | undefined;
  private adam: AdamState = { values: new Float64Array(0), firstMoment: new Float64Array(0), secondMoment: new Float64Array(0) };
  private disposed = false;
  private temperatureAtDisposal = NaN;
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
  protected abstract initialiseNetwork(values: Float64Array, layout: ControlVariateLayout): void;

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

  /** λ now (the starting value before the first use, the last one after `dispose()`). */
  get temperature(): number {
    if (this.bound === undefined) return this.initialTemperature;
    return this.disposed ? this.temperatureAtDisposal : Math.exp(this.adam.values[this.bound.layout.logTemperature]);
  }

  /** η now, one per logit in row-major order (empty before the first use and after `dispose()`). */
  get scale(): number[] {
    return this.bound === undefined || this.disposed ? [] : Array.from(this.adam.values.subarray(0, this.bound.layout.d));
  }

  /**
   * The parameters for a problem, as float32 for upload, with their layout: what
   * `rebar` and `relax` read at each call, passing their own name as `fn`. The first
   * call binds the object to the problem's family and logits shape; a later problem of
   * another shape, or a disposed object, is refused, naming `fn`.
   */
  parametersFor(fn: string, family: Family, shape: number[]): { values: Float32Array; layout: ControlVariateLayout } {
    const own = `${this.name}.parametersFor`;
    if (typeof fn !== 'string' || fn === '') fail(own, 'fn', 'the name of the function the user called', fn);
    if (!FAMILIES.includes(family)) fail(own, 'family', `one of ${FAMILIES.join(', ')}`, family);
    if (!Array.isArray(shape) || shape.some((n) => !Number.isInteger(n) || n < 1)) fail(own, 'shape', 'the logits shape: an array of whole numbers ≥ 1', shape);
    if (this.disposed) fail(fn, 'controlVariate', `a ${this.name} that has not been disposed`, new Received('a disposed one'));
    if (this.bound === undefined) {
      this.bound = this.bind(fn, family, shape);
    } else if (this.bound.family !== family || this.bound.shape.join() !== shape.join()) {
      fail(fn, 'controlVariate', `one made for this problem (it was first used on ${this.bound.family} logits of shape ` +
        `[${this.bound.shape.join(', ')}]; create one per problem)`, new Received(`${family} logits of shape [${shape.join(', ')}]`));
    }
    return { values: Float32Array.from(this.adam.values), layout: this.bound.layout };
  }

  /** Makes the starting parameters for logits of `shape`, once the budget allows them. */
  private bind(fn: string, family: Family, shape: number[]): { family: Family; shape: number[]; layout: ControlVariateLayout } {
    const d = shape.reduce((a, b) => a * b, 1);
    const layout = layoutFor(d, this.hiddenUnits);
    checkBudget(fn, `the parameters of its ${this.name} (logits × hidden units and the rest)`, layout.size, MAX_PARAMETERS);
    const values = new Float64Array(layout.size);
    values.fill(this.initialScale, 0, d);
    values[layout.logTemperature] = clampLogTemperature(Math.log(this.initialTemperature));
    this.initialiseNetwork(values, layout);
    this.adam = { values, firstMoment: new Float64Array(layout.size), secondMoment: new Float64Array(layout.size) };
    return { family, shape: shape.slice(), layout };
  }

  /**
   * One Adam step down a gradient of the variance, one number per parameter in the order
   * of `parametersFor`'s layout; returns whether it was taken. A gradient with a
   * non-finite entry is refused and counted in `refusedUpdates`, so the parameters are
   * never NaN; the estimators pass theirs this way, and a refusal is not an error.
   * Anything else is an error that leaves the state as it was: a gradient before the
   * first use (there are no parameters yet), of a length other than `parameterCount`,
   * with an entry that is not a number, or on a disposed object.
   *
   * @example
   * const controlVariate = new RebarControlVariate();
   * const problem = { logits: [0.3], family: 'bernoulli' as const, loss: squaredErrorLoss([0.45]) };
   * rebar(problem, { numSamples: 4, seed: 0, controlVariate, tune: false }).grad.dispose();
   * console.log(controlVariate.parameterCount); // 2: η and log λ
   * console.log(controlVariate.step([0.1, -0.2])); // true: taken
   * console.log(controlVariate.step([NaN, 0])); // false: refused, the parameters kept
   * controlVariate.dispose();
   */
  step(gradient: ArrayLike<number>): boolean {
    const fn = `${this.name}.step`;
    if (!isNumberList(gradient)) fail(fn, 'gradient', 'an array of numbers (one per parameter)', gradient);
    if (this.disposed) fail(fn, `this ${this.name}`, 'one that has not been disposed', new Received('a disposed one'));
    const layout = this.bound?.layout;
    if (layout === undefined) {
      fail(fn, 'gradient', `given after the first call that uses this ${this.name} (it has no parameters before)`, lengthOf(gradient));
    }
    if (gradient.length !== layout.size) {
      fail(fn, 'gradient', `an array of ${layout.size} numbers, one per parameter (parameterCount)`, lengthOf(gradient));
    }
    for (let i = 0; i < gradient.length; i++) {
      if (typeof gradient[i] !== 'number') fail(fn, `gradient[${i}]`, 'a number', gradient[i]);
    }
    for (let i = 0; i < gradient.length; i++) {
      if (!Number.isFinite(gradient[i])) {
        this.refused++;
        return false;
      }
    }
    adamStep(this.adam, gradient, ++this.taken, this.learningRate);
    const at = layout.logTemperature;
    this.adam.values[at] = clampLogTemperature(this.adam.values[at]);
    return true;
  }

  /** Ends the object's use and frees its parameters: a later call that passes it is refused. */
  dispose(): void {
    if (this.disposed) return;
    this.temperatureAtDisposal = this.temperature;
    this.disposed = true;
    this.adam = { values: new Float64Array(0), firstMoment: new Float64Array(0), secondMoment: new Float64Array(0) };
  }
}
