/**
 * The few tfjs-backend-cpu kernels the mixture's fused kernels need, as plain loops over
 * float32 arrays with the same roundings, so that on the `cpu` backend a fused kernel
 * calls none of them (each call costs an allocation, a reshape or two and a dispose):
 *
 * - BatchMatMul: products summed in float64 over blocks of `blockSize` (48) along the
 *   inner axis, each block's sum added to the float32 result;
 * - Sigmoid 1 / (1 + e^−x), Exp, Log: Math's double, rounded to float32;
 * - Sum: float64, rounded once; Mean: the sum of x_i / n (cpu divides first);
 * - Max: the first value, replaced by a larger one or by a NaN.
 *
 * test/mixture-gradients-fused.test.ts compares every fused kernel with the op-by-op
 * passes on the cpu backend, bit for bit.
 */
const r = Math.fround;

/** x·v for x [rows, cols] (row-major) and v [cols]: [rows]. */
export function product(x: Float32Array, rows: number, cols: number, v: Float32Array, blockSize: number): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let k0 = 0; k0 < cols; k0 += blockSize) {
      let sum = 0;
      for (let k = k0; k < Math.min(k0 + blockSize, cols); k++) sum += x[i * cols + k] * v[k];
      out[i] += sum;
    }
  }
  return out;
}

/** xᵀ·v for x [rows, cols] (row-major) and v [rows]: [cols], into `out`. */
export function transposedProduct(x: Float32Array, rows: number, cols: number, v: Float32Array, blockSize: number, out: Float32Array): void {
  out.fill(0);
  for (let j = 0; j < cols; j++) {
    for (let k0 = 0; k0 < rows; k0 += blockSize) {
      let sum = 0;
      for (let k = k0; k < Math.min(k0 + blockSize, rows); k++) sum += x[k * cols + j] * v[k];
      out[j] += sum;
    }
  }
}

export function sigmoid(x: number): number {
  return r(1 / (1 + Math.exp(-x)));
}

export function exp(x: number): number {
  return r(Math.exp(x));
}

/** tf.mean of all entries: Σ (x_i / n), in float64, rounded once. */
export function mean(x: Float32Array): number {
  const n = r(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += r(x[i] / n);
  return r(sum);
}

/** The largest entry, NaN if any is (tfjs-backend-cpu's Max). */
function max(x: Float32Array): number {
  let largest = x[0];
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]) || x[i] > largest) largest = x[i];
  return largest;
}

/** softmax of one row: max, subtract, exp, sum, divide. */
export function softmax(logits: Float32Array): Float32Array {
  const top = max(logits);
  const e = logits.map((l) => exp(r(l - top)));
  let sum = 0;
  for (let k = 0; k < e.length; k++) sum += e[k];
  const total = r(sum);
  return e.map((v) => r(v / total));
}

/** exp(logSoftmax(row)), in the steps of tf.logSoftmax (max, subtract, exp, sum, log, subtract), then exp. */
export function logSoftmaxProbs(logits: Float32Array): Float32Array {
  const top = max(logits);
  const shifted = logits.map((l) => r(l - top));
  let sum = 0;
  for (let k = 0; k < shifted.length; k++) sum += exp(shifted[k]);
  const logTotal = r(Math.log(r(sum)));
  return shifted.map((s) => exp(r(s - logTotal)));
}
