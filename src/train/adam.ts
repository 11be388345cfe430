/**
 * Adam [1] with TensorFlow.js' own update, element for element, in fewer kernels and
 * uploads, and with the finiteness guard of a training step built in.
 *
 * `tf.train.adam` updates each variable on its own with 14 kernels, and uploads six
 * scalars per variable and step (β1, 1 − β1, β2, 1 − β2, ε, −lr) plus four kernels for
 * its bias corrections. This class keeps those scalars as tensors of its own, tracks
 * β^t on the host in float32 (as TensorFlow.js' float32 variable holds it), and can
 * update several variables as one flat vector, or all of them on the host in one pass
 * of WebAssembly. The elementwise formula and its order of
 * float32 operations are TensorFlow.js', so the weights are the same bit for bit:
 *
 *   m ← m·β1 + g·(1 − β1),   v ← v·β2 + g²·(1 − β2),
 *   θ ← (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε) · (−lr) + θ.
 *
 * Concatenating and splitting are exact, and the host layout runs the same float32
 * operations (src/train/host-adam.ts), so the layout changes the speed, never a value.
 * Which layout is fastest depends on the backend (bench/vae-step.ts measures it).
 *
 * [1] Kingma & Ba 2015, "Adam: a method for stochastic optimization", ICLR.
 */
import * as tf from '@tensorflow/tfjs';
import { Received } from '../distributions/checks';
import { checkPositive, fail } from '../validate';
import { AdamScalars, HostAdamState } from './host-adam';

/**
 * Where and how the variables are updated: by tensor kernels, 'separate' (each on its
 * own, as tf.train.adam), 'vectors-flat' (the rank-0 and rank-1 variables, e.g. biases,
 * as one flat vector, needing no reshape) or 'flat' (all of them as one flat vector); or
 * 'host': all of them in one pass in WebAssembly on the host, the gradients read down and
 * the new weights written back (where WebAssembly is missing, the backend's fastest
 * tensor layout runs instead, with the same numbers).
 */
export const ADAM_LAYOUTS = ['separate', 'vectors-flat', 'flat', 'host'] as const;
export type AdamLayout = (typeof ADAM_LAYOUTS)[number];

/**
 * The layout each backend runs fastest for the categorical VAE's step (bench/vae-step.ts):
 * on `tensorflow` each of the fourteen kernels over the weights costs more than reading
 * the gradients down and the weights back, and on `cpu` its JavaScript loops do; on
 * `wasm` the kernels are as fast as the host pass, and copying the large weights costs
 * more than the kernels it saves.
 */
export const FASTEST_ADAM_LAYOUT: Readonly<Record<string, AdamLayout>> = { tensorflow: 'host', wasm: 'vectors-flat', cpu: 'host' };

/** The fastest tensor layout of each backend, used where the host layout cannot run. */
const FASTEST_TENSOR_LAYOUT: Readonly<Record<string, AdamLayout>> = { tensorflow: 'flat', wasm: 'vectors-flat', cpu: 'vectors-flat' };

/** Backends whose kernels flush subnormal float32 numbers to zero, as the host update must then too. */
const FLUSHING_BACKENDS: readonly string[] = ['tensorflow'];

/**
 * tfjs-node keeps the array a tensor is made from until the tensor's first use, then
 * copies it into TensorFlow (NodeJSKernelBackend.getInputTensorIds). Calling that at
 * once lets the host layout hand it a view of its own memory, which changes at the next
 * step, instead of a copy: one copy of the weights a step fewer. Null where the backend
 * has no such method (cpu keeps the array for good, so it gets a copy).
 */
function immediateUpload(): ((t: tf.Tensor) => void) | null {
  const backend = tf.backend() as unknown as { getInputTensorIds?: (tensors: tf.Tensor[]) => unknown };
  if (tf.getBackend() !== 'tensorflow' || typeof backend.getInputTensorIds !== 'function') return null;
  return (t) => { backend.getInputTensorIds!([t]); };
}

/** Options of `Adam`; the defaults are tf.train.adam's (ε: the backend's epsilon, 1e-7 in float32). */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Default: FASTEST_ADAM_LAYOUT for the backend in use, else 'separate'. */
  layout?: AdamLayout;
}

/** What a guarded step read back: the loss, whether every gradient was finite, and whether the step was applied. */
export type GuardedStep = { loss: number; gradientsFinite: boolean; applied: boolean };

/** Variables updated together, with their moments as flat vectors (or in the variable's shape, for a group of one). */
interface Group {
  variables: tf.Variable[];
  m: tf.Variable;
  v: tf.Variable;
  /**
   * A group of several: the flat vector of their values that the last step assigned, and
   * the data each variable then held. While every variable still holds that data, the
   * vector is their values, and the next step needs no concatenation of them.
   */
  flat: { theta: tf.Tensor; dataIds: object[] } | null;
}

/**
 * Adam over a fixed list of variables. Make it, call `guardedStep` once per training
 * step (inside or outside `tf.tidy`), and `dispose` it at the end; it holds the moments
 * (two tensors the size of the variables), for a group of several variables their flat
 * values of the last step (a third), and six scalars.
 *
 * @example
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * const adam = new Adam([w], { learningRate: 0.1 });
 * for (let t = 0; t < 3; t++) {
 *   tf.tidy(() => {
 *     const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
 *     console.log(adam.guardedStep(grads, value));   // { loss, gradientsFinite: true, applied: true }
 *   });
 * }
 * w.print();   // each entry moved by about 0.1 a step towards 0, as with tf.train.adam(0.1)
 * adam.dispose();
 * w.dispose();
 */
export class Adam {
  private readonly variables: tf.Variable[];
  /** The tensor layouts' groups (none for the host layout). */
  private readonly groups: Group[];
  /** The host layout's flat vectors, and the data each variable held after its last write (null: not written yet). */
  private readonly host: { state: HostAdamState; written: (object | null)[] } | null;
  /** β1, 1 − β1, β2, 1 − β2, ε and −lr as numbers, and for the tensor layouts uploaded once, with a zero for the guard. */
  private readonly scalars: AdamScalars;
  private readonly constants: tf.Scalar[];
  private readonly beta1: number;
  private readonly beta2: number;
  /** β1^t and β2^t of the coming step, rounded to float32 after every product as TensorFlow.js' variables are. */
  private power1: number;
  private power2: number;
  private disposed = false;

  constructor(variables: tf.Variable[], options: AdamOptions) {
    const fn = 'Adam';
    if (!Array.isArray(variables) || variables.length === 0) fail(fn, 'variables', 'a non-empty array of tf.Variable', variables);
    variables.forEach((x, i) => {
      if (!(x instanceof tf.Variable) || x.isDisposed || x.dtype !== 'float32') fail(fn, `variables[${i}]`, 'a live float32 tf.Variable', x);
    });
    if (new Set(variables.map((x) => x.name)).size !== variables.length) fail(fn, 'variables', 'distinct variables', new Received('a variable listed twice'));
    if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object {learningRate, beta1?, beta2?, epsilon?, layout?}', options);
    const learningRate = checkPositive(fn, 'learningRate', options.learningRate);
    this.beta1 = checkBeta(fn, 'beta1', options.beta1 ?? 0.9);
    this.beta2 = checkBeta(fn, 'beta2', options.beta2 ?? 0.999);
    const epsilon = checkPositive(fn, 'epsilon', options.epsilon ?? tf.backend().epsilon());
    const layout = options.layout ?? FASTEST_ADAM_LAYOUT[tf.getBackend()] ?? 'separate';
    if (!(ADAM_LAYOUTS as readonly unknown[]).includes(layout)) fail(fn, 'layout', `one of ${ADAM_LAYOUTS.join(', ')}`, layout);
    this.power1 = Math.fround(this.beta1);
    this.power2 = Math.fround(this.beta2);
    this.variables = variables.slice();
    // The same float32 scalars as tf.train.adam's arguments: 1 − β is formed in float64, then rounded.
    this.scalars = {
      beta1: this.beta1, oneMinusBeta1: 1 - this.beta1, beta2: this.beta2, oneMinusBeta2: 1 - this.beta2, epsilon, negLearningRate: -learningRate,
    };
    const state = layout === 'host' ? HostAdamState.create(variables.map((x) => x.size)) : null;
    this.host = state === null ? null : { state, written: variables.map(() => null) };
    const s = this.scalars;
    this.constants = this.host !== null ? [] : [s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2, s.epsilon, s.negLearningRate, 0].map((c) => tf.scalar(c));
    const tensorLayout = layout === 'host' ? FASTEST_TENSOR_LAYOUT[tf.getBackend()] ?? 'separate' : layout;
    this.groups = this.host !== null ? [] : groupVariables(variables, tensorLayout).map((group) => {
      const shape = group.length === 1 ? group[0].shape : [group.reduce((n, x) => n + x.size, 0)];
      return { variables: group, m: zeroVariable(shape), v: zeroVariable(shape), flat: null };
    });
  }

  /**
   * Applies one Adam step only if `loss` and every gradient entry are finite, read back
   * to the host first. `grads` holds a gradient for every variable, by variable name, as
   * `tf.variableGrads` gives it. Nothing is changed when the step is refused.
   */
  guardedStep(grads: tf.NamedTensorMap, loss: tf.Scalar): GuardedStep {
    const fn = 'Adam.guardedStep';
    if (this.disposed) fail(fn, 'this Adam', 'one that has not been disposed', new Received('a disposed one'));
    if (grads === null || typeof grads !== 'object') fail(fn, 'grads', 'an object of gradients by variable name', grads);
    for (const x of this.variables) {
      if (x.isDisposed) fail(fn, 'variables', 'live variables (one was disposed after this Adam was made)', new Received(`variable '${x.name}', disposed`));
      const g = grads[x.name];
      if (!(g instanceof tf.Tensor) || g.isDisposed || g.dtype !== 'float32' || g.shape.join() !== x.shape.join()) {
        fail(fn, `grads['${x.name}']`, `a live float32 tensor of shape [${x.shape.join(', ')}]`, g);
      }
    }
    if (!(loss instanceof tf.Tensor) || loss.isDisposed || loss.rank !== 0) fail(fn, 'loss', 'a live scalar tensor', loss);
    return this.host !== null ? this.hostStep(this.host, grads, loss) : this.tensorStep(grads, loss);
  }

  /** 1 − β^t of the coming step in float32: tf.train.adam subtracts its float32 β^t from 1 on the device. */
  private corrections(): [number, number] {
    return [Math.fround(1 - this.power1), Math.fround(1 - this.power2)];
  }

  /** β^t of the next step, rounded to float32 after the product as TensorFlow.js' variables are. */
  private advancePowers(): void {
    this.power1 = Math.fround(this.power1 * Math.fround(this.beta1));
    this.power2 = Math.fround(this.power2 * Math.fround(this.beta2));
  }

  /**
   * The host layout: gradients read into the flat vectors and tested there, the weights
   * read afresh only where a variable was assigned since this Adam last wrote it, one
   * pass in WebAssembly, and each variable's new weights written back as a fresh tensor.
   */
  private hostStep(host: NonNullable<Adam['host']>, grads: tf.NamedTensorMap, loss: tf.Scalar): GuardedStep {
    const { state, written } = host;
    const flush = FLUSHING_BACKENDS.includes(tf.getBackend());
    this.variables.forEach((x, i) => state.gradients.set(grads[x.name].dataSync() as Float32Array, state.offsets[i]));
    const lossValue = loss.dataSync()[0];
    const gradientsFinite = state.prepareGradients(flush);
    const applied = gradientsFinite && Number.isFinite(lossValue);
    if (applied) {
      const stale = this.variables.map((x, i) => x.dataId !== written[i]);
      this.variables.forEach((x, i) => {
        if (stale[i]) state.weights.set(x.dataSync() as Float32Array, state.offsets[i]);
      });
      if (stale.includes(true)) state.prepareWeights(flush);
      const [correction1, correction2] = this.corrections();
      state.update(this.scalars, correction1, correction2, flush);
      const upload = immediateUpload();
      this.variables.forEach((x, i) => {
        const view = state.weights.subarray(state.offsets[i], state.offsets[i] + x.size);
        // A copy unless the backend copies the view at once: a backend may keep the array it is given.
        const theta = tf.tensor(upload === null ? view.slice() : view, x.shape);
        upload?.(theta);
        x.assign(theta);
        theta.dispose();
        written[i] = x.dataId;
      });
      this.advancePowers();
    }
    return { loss: lossValue, gradientsFinite, applied };
  }

  /**
   * The tensor layouts: the finiteness test is the sum of g·0 over every group (0 for
   * finite entries, NaN from any NaN or ±∞, and no overflow), read back with the loss
   * (two scalar reads, cheaper on every backend than stacking them for one, bench/flat-adam.ts).
   */
  private tensorStep(grads: tf.NamedTensorMap, loss: tf.Scalar): GuardedStep {
    const zero = this.constants[6];
    return tf.tidy(() => {
      const flatGrads = this.groups.map(({ variables }) => flatten(variables.map((x) => grads[x.name])));
      const sums = flatGrads.map((g) => tf.sum(tf.mul(g, zero)));
      const gradientTest = (sums.length === 1 ? sums[0] : tf.addN(sums)).dataSync()[0];
      const lossValue = loss.dataSync()[0];
      const gradientsFinite = Number.isFinite(gradientTest);
      const applied = gradientsFinite && Number.isFinite(lossValue);
      if (applied) this.update(flatGrads);
      return { loss: lossValue, gradientsFinite, applied };
    });
  }

  /** The tensor update itself, in TensorFlow.js' order of operations; runs inside tensorStep's tidy. */
  private update(flatGrads: tf.Tensor[]): void {
    const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, negLearningRate] = this.constants;
    const [correction1, correction2] = this.corrections().map((c) => tf.scalar(c));
    this.groups.forEach((group, i) => {
      const g = flatGrads[i];
      const m = tf.add(tf.mul(group.m, beta1), tf.mul(g, oneMinusBeta1));
      const v = tf.add(tf.mul(group.v, beta2), tf.mul(tf.square(g), oneMinusBeta2));
      const step = tf.mul(tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), epsilon)), negLearningRate);
      const theta = tf.add(step, group.variables.length === 1 ? group.variables[0] : this.flatValues(group));
      group.m.assign(m);
      group.v.assign(v);
      if (group.variables.length === 1) {
        group.variables[0].assign(theta);
      } else {
        const pieces = tf.split(theta, group.variables.map((x) => x.size));
        group.variables.forEach((x, j) => x.assign(x.rank === 1 ? pieces[j] : tf.reshape(pieces[j], x.shape)));
        group.flat?.theta.dispose();
        group.flat = { theta: tf.keep(theta), dataIds: group.variables.map((x) => x.dataId) };
      }
    });
    this.advancePowers();
  }

  /** A group's values as one flat vector: the one kept from the last step, unless a variable was assigned since. */
  private flatValues(group: Group): tf.Tensor {
    const kept = group.flat;
    if (kept !== null && group.variables.every((x, j) => x.dataId === kept.dataIds[j])) return kept.theta;
    return flatten(group.variables);
  }

  /** Frees the moments, the kept values and the constants (the host layout's memory goes with this object); the variables are the caller's. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([...this.constants, ...this.groups.flatMap((g) => [g.m, g.v, ...(g.flat ? [g.flat.theta] : [])])]);
  }
}

/** A non-trainable variable of zeros (tf.variable shares its initial tensor's data, so that tensor is freed). */
function zeroVariable(shape: number[]): tf.Variable {
  const zeros = tf.zeros(shape);
  const x = tf.variable(zeros, false);
  zeros.dispose();
  return x;
}

/** β in [0, 1), as Adam's moments need. */
function checkBeta(fn: string, arg: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) fail(fn, arg, 'a number in [0, 1)', value);
  return value;
}

/** The variables in groups of the layout, each group in the order given. */
function groupVariables(variables: tf.Variable[], layout: AdamLayout): tf.Variable[][] {
  if (layout === 'flat') return [variables];
  if (layout === 'separate') return variables.map((x) => [x]);
  const vectors = variables.filter((x) => x.rank <= 1);
  const rest = variables.filter((x) => x.rank > 1).map((x) => [x]);
  return vectors.length > 0 ? [...rest, vectors] : rest;
}

/** One tensor alone as it is; several as the concatenation of their entries (a reshape only where rank > 1). */
function flatten(tensors: tf.Tensor[]): tf.Tensor {
  if (tensors.length === 1) return tensors[0];
  return tf.concat(tensors.map((t) => (t.rank === 1 ? t : tf.reshape(t, [-1]))));
}
