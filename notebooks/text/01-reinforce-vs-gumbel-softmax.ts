// -*- coding: utf-8 -*-
// %% [markdown]
// # 01 · REINFORCE vs straight-through Gumbel-Softmax on a problem with a known answer
//
// This notebook ports a short experiment that trains one categorical distribution three ways and watches where each one ends up. The problem is small enough that the exact loss and the exact gradient are available in closed form, so every estimator can be measured against the truth instead of against another estimator. It builds on notebooks 04 and 05, which introduce the Gumbel-max trick, the Gumbel-Softmax relaxation and straight-through gradients.
//
// The source makes these claims, which the notebook states again before the cell that tests each of them:
//
// 1. **REINFORCE** converges: the loss goes to its minimum and all the probability mass moves to the best category.
// 2. **Straight-through Gumbel-Softmax** at a fixed temperature $\tau = 5$ has a biased gradient, so it never reaches the minimum.
// 3. **Annealing** $\tau$ towards $0$ removes that bias.
// 4. **MDNF** (a mixture of discrete normalizing flows) is biased in a similar way, and its bias "can be controlled by the temperature".
//
// The same comparison is repeated for a single **Bernoulli** variable at the end. Along the way we write the three estimators from scratch, work out *where* the biased estimators go and *why*, compute the bias of straight-through Gumbel-Softmax exactly down to $\tau = 0.001$ and find for which losses claim 3 holds, and run MDNF over many initialisations and temperatures instead of once.

// %%
import {
  tf, initBackend, backend, Random, estimateGradient, EstimatorName, optimize, historyRows, exponentialAnnealing,
  meanGradient, findStationaryLogits, optimizeMixtureRuns, MixtureRunRecord, gradientStatistics, repeatEstimates, squaredErrorLoss,
  squaredErrorExactLoss, squaredErrorExactGradient, expectedStGumbelSoftmaxGradient, OneHotCategorical,
  SQUARED_ERROR_CATEGORICAL_TARGET, SQUARED_ERROR_BERNOULLI_TARGET, SQUARED_ERROR_INITIAL_LOGITS,
  lineChart, barChart, scatter, show, showMarkdown, LiveDisplay,
} from '../dist';
await initBackend('wasm');
console.log(`backend: ${backend()}`);

// %% [markdown]
// **Why `wasm` and not the default backend.** The experiment takes about 70 000 SGD steps on tensors of a few thousand numbers. At that size the time per step is almost all fixed cost per operation (dispatch, bookkeeping, the tape), not arithmetic, and TensorFlow.js's WebAssembly backend has the smaller fixed cost. On the machines this project is measured on, a small operation costs several times less on `wasm` than on the native `tensorflow` backend (see the project's toolchain notes), and the checks pass on both. The results do not depend on the choice: all random numbers come from the project's own generator, so every backend sees the same draws.
//
// ## 1. The problem and its exact solution
//
// Let $y$ be a one-hot categorical variable over $K = 3$ categories with probabilities $\pi = \mathrm{softmax}(l)$ for logits $l$, and let $t = (0.2,\ 0.7,\ 0.1)$ be a fixed target. We minimise
//
// $$\mathcal{L}(l) = \mathbb{E}_{y \sim q_l}\Bigl[\sum_k (y_k - t_k)^2\Bigr].$$
//
// Because $y$ takes only the values $e_1, e_2, e_3$, the expectation is a finite sum. Writing $c_k = \lVert e_k - t\rVert^2 = 1 - 2t_k + \lVert t\rVert^2$ for the loss at vertex $k$,
//
// $$\mathcal{L} = \sum_k \pi_k c_k, \qquad \frac{\partial \mathcal{L}}{\partial l_j} = \pi_j\,(c_j - \mathcal{L}),$$
//
// the second from $\partial \pi_k / \partial l_j = \pi_k(\delta_{kj} - \pi_j)$. Here $c = (1.14,\ 0.14,\ 1.34)$. The loss is *linear* in $\pi$, so its infimum over the simplex is at the vertex with the smallest $c_k$: $\pi = (0, 1, 0)$, with $\mathcal{L} = 0.14$. It is approached as $l_2 - l_{1,3} \to \infty$ and never attained at finite logits. Note a point that matters later: putting the *mean* of $y$ on the target, $\pi = t$, is **not** optimal; there $\mathcal{L} = 1 - \lVert t \rVert^2 = 0.46$.
//
// The library holds the closed forms (`squaredErrorExactLoss`, `squaredErrorExactGradient`) and, separately, exact enumeration over the three outcomes (the `exact` estimator). First we check that they agree.

// %%
const T = [...SQUARED_ERROR_CATEGORICAL_TARGET];
const START = [...SQUARED_ERROR_INITIAL_LOGITS];
const loss = squaredErrorLoss(T);
const C = T.map((_, k) => T.reduce((a, tj, j) => a + ((j === k ? 1 : 0) - tj) ** 2, 0));
const L_MIN = Math.min(...C);
const L_AT_T = T.reduce((a, tk, k) => a + tk * C[k], 0);
console.log(`c = [${C.map((x) => x.toFixed(2)).join(', ')}], minimum L = ${L_MIN.toFixed(2)}, L at π = t: ${L_AT_T.toFixed(2)}`);
let worst = 0;
for (const l of [START, [0.3, -1, 2], [-2, 3, 0.5]]) {
  const enumerated = tf.tidy(() => Array.from(estimateGradient('exact', { logits: tf.tensor1d(l), family: 'categorical', loss: loss }, {}).grad.dataSync()));
  const closed = squaredErrorExactGradient(l, T);
  worst = Math.max(worst, ...closed.map((g, k) => Math.abs(g - enumerated[k])));
}
if (!(worst < 1e-6)) throw new Error(`closed-form and enumerated gradients differ by ${worst}`);
console.log(`closed-form gradient = exact enumeration within ${worst.toExponential(1)} (tolerance 1e-6, float32)`);

// %% [markdown]
// The loss and its gradient along the line $l = (0, s, 0)$ in logit space, which passes through the starting point $l = (1,1,1)$ (the same distribution as $s = 0$) and runs towards the optimal vertex as $s$ grows. The gradient of the favoured category is negative (gradient descent raises $l_2$), and all three components shrink as $\pi$ approaches the vertex: the softmax saturates.

// %%
// Chart data is rounded to 5 significant digits, which keeps the saved notebook small.
const r5 = (x: number) => Number(x.toPrecision(5));
const lineRows = Array.from({ length: 91 }, (_, i) => r5(-3 + 0.1 * i)).flatMap((s) => {
  const l = [0, s, 0];
  const g = squaredErrorExactGradient(l, T);
  return [
    { s, panel: 'a · exact loss 𝓛', curve: '𝓛', value: r5(squaredErrorExactLoss(l, T)) },
    ...g.map((gk, k) => ({ s, panel: 'b · exact gradient ∂𝓛/∂l_k', curve: `∂𝓛/∂l_${k + 1}`, value: r5(gk) })),
  ];
});
await show(lineChart({
  data: lineRows, x: 's', y: 'value', color: 'curve', facet: { field: 'panel', columns: 2 }, width: 300,
  xTitle: 's, for logits l = (0, s, 0)', yTitle: '', title: 'The exact loss and gradient along a line in logit space',
}));

// %% [markdown]
// ## 2. Three gradient estimators at the starting point
//
// Each estimator uses $n = 1000$ samples per gradient.
//
// **REINFORCE** (the score function) differentiates $\log q$ instead of the loss: with $f(y) = \sum_k (y_k - t_k)^2$,
// $$\hat g_{\text{RF}} = \frac1n \sum_{i=1}^n f(y_i)\, \nabla_l \log q(y_i) = \frac1n \sum_i f(y_i)\,(y_i - \pi), \qquad y_i \sim q.$$
// It is unbiased for any $f$.
//
// **Gumbel-Softmax** replaces $y$ by the relaxed sample $z = \mathrm{softmax}\bigl((l + G)/\tau\bigr)$, $G$ standard Gumbel, and differentiates $f(z)$ through $z$.
//
// **Straight-through Gumbel-Softmax** (ST-GS) uses the hard sample $y = \mathrm{onehot}(\arg\max_k z_k)$ in the forward pass (by the Gumbel-max trick an *exact* sample of $q$) and the Jacobian of $z$ in the backward pass:
// $$\hat g_{\text{ST}} = \frac1n \sum_i J_i^{\top}\, \nabla f(y_i), \qquad J_i = \frac{\partial z_i}{\partial l} = \frac1\tau\bigl(\mathrm{diag}(z_i) - z_i z_i^\top\bigr), \qquad \nabla f(y) = 2(y - t).$$

// %% [markdown]
// ### From scratch first
//
// Before calling the library's estimators, here they are in raw TensorFlow.js, at $l = (1, 1, 1)$ with $n = 1000$ draws:
//
// - **REINFORCE** as the source writes it, a *surrogate loss*: the mean of $f(y_i)\log q(y_i)$ over exact samples $y_i$, with the values $f(y_i)$ held as constants. Its gradient is $\hat g_{\text{RF}}$, because $\nabla_l \log q(y) = y - \pi$. (The library writes $\hat g_{\text{RF}}$ in that closed form instead, with no backward pass.)
// - **Gumbel-Softmax**: Gumbel noise $G = -\log(-\log U)$ from uniforms strictly inside $(0, 1)$, the relaxed sample $z$, and autodiff through $f(z)$.
// - **Straight-through**: forward the one-hot of $\arg\max_k z_k$, backward the identity, written with `tf.customGrad` because TensorFlow.js has no `stopGradient`.
//
// Each uses the draws the library's estimator makes from the same seed (exact samples from `OneHotCategorical.sample`, Gumbel noise from `Random.gumbel`), so the two must agree to float32 rounding, not merely on average.

// %%
const SCRATCH_N = 1000, SCRATCH_TAU = 5, REINFORCE_SEED = 21, GUMBEL_SEED = 22;
const startLogits = tf.tensor1d(START);
const targetRow = tf.tensor1d(T);
const f = (y: tf.Tensor) => tf.sum(tf.square(tf.sub(y, targetRow)), -1); // Σ_k (y_k − t_k)², one value per row

// REINFORCE: differentiate the surrogate (1/n) Σ_i f(y_i) log q(y_i), the f(y_i) held as constants.
const q0 = new OneHotCategorical({ logits: START });
const yExact = q0.sample(SCRATCH_N, REINFORCE_SEED);
q0.dispose();
const fExact = f(yExact);
const surrogate = (l: tf.Tensor) => tf.mean(tf.mul(fExact, tf.sum(tf.mul(yExact, tf.logSoftmax(l)), -1))) as tf.Scalar;
const reinforceScratch = tf.valueAndGrad(surrogate)(startLogits);

// Gumbel-Softmax: z = softmax((l + G)/τ), differentiated through z.
const gumbel = new Random(GUMBEL_SEED).gumbel([SCRATCH_N, 3]);
const relaxed = (l: tf.Tensor) => tf.softmax(tf.div(tf.add(l, gumbel), SCRATCH_TAU));
const gumbelScratch = tf.grad((l: tf.Tensor) => tf.mean(f(relaxed(l))))(startLogits);

// Straight-through: forward onehot(argmax z), an exact sample by the Gumbel-max trick; backward the identity.
const hardForward = tf.customGrad((...args) => {
  const z = args[0] as tf.Tensor;
  return { value: tf.cast(tf.oneHot(tf.argMax(z, -1), 3), 'float32'), gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
});
const straightScratch = tf.grad((l: tf.Tensor) => tf.mean(f(hardForward(relaxed(l)) as tf.Tensor)))(startLogits);

const fromLibrary = (name: EstimatorName, seed: number, temperature?: number) => tf.tidy(() => Array.from(
  estimateGradient(name, { logits: START, family: 'categorical', loss: loss }, { numSamples: SCRATCH_N, seed, temperature }).grad.dataSync()));
const scratchComparisons = [
  { name: 'REINFORCE', scratch: reinforceScratch.grad, library: fromLibrary('reinforce', REINFORCE_SEED) },
  { name: 'Gumbel-Softmax τ=5', scratch: gumbelScratch, library: fromLibrary('gumbel-softmax', GUMBEL_SEED, SCRATCH_TAU) },
  { name: 'ST Gumbel-Softmax τ=5', scratch: straightScratch, library: fromLibrary('st-gumbel-softmax', GUMBEL_SEED, SCRATCH_TAU) },
].map(({ name, scratch, library }) => {
  const values = Array.from(scratch.dataSync());
  return { name, scratch: values, library, gap: Math.max(...values.map((g, k) => Math.abs(g - library[k]))) };
});
const surrogateValue = reinforceScratch.value.dataSync()[0];
const sampleMeanLoss = tf.mean(fExact).dataSync()[0];
tf.dispose([startLogits, targetRow, yExact, fExact, reinforceScratch.value, reinforceScratch.grad, gumbel, gumbelScratch, straightScratch]);
for (const c of scratchComparisons) {
  console.log(`${c.name.padEnd(22)} from scratch [${c.scratch.map((g) => g.toFixed(5)).join(', ')}], library [${c.library.map((g) => g.toFixed(5)).join(', ')}], largest gap ${c.gap.toExponential(1)}`);
}
console.log(`REINFORCE's surrogate: ${surrogateValue.toFixed(4)}; mean of f over the same draws: ${sampleMeanLoss.toFixed(4)}; exact loss: ${squaredErrorExactLoss(START, T).toFixed(4)}`);

// %% [markdown]
// **Check.** Each from-scratch gradient agrees with the library's entrywise within $10^{-4}$ of its norm, at a point where the norm is above 0.01, so the comparison is not between two small numbers. The surrogate's value is negative, while the mean of $f$ over the same draws is within 0.05 of the exact $\mathcal L$ (three standard errors of a mean of 1000 draws).

// %%
const exactAtOnes = squaredErrorExactLoss(START, T);
for (const c of scratchComparisons) {
  const size = Math.hypot(...c.library);
  if (!(size > 0.01)) throw new Error(`${c.name}: the gradient is only ${size}, too small for the comparison to test much`);
  if (!(c.gap <= 1e-4 * size)) throw new Error(`${c.name}: from scratch and library differ by ${c.gap} (norm ${size})`);
}
if (!(surrogateValue < 0 && Math.abs(sampleMeanLoss - exactAtOnes) < 0.05)) {
  throw new Error(`surrogate ${surrogateValue}, mean loss ${sampleMeanLoss}, exact ${exactAtOnes}`);
}
await showMarkdown(`The from-scratch estimators agree with the library's: the largest entrywise gap over the three is ${Math.max(...scratchComparisons.map((c) => c.gap)).toExponential(1)}. ` +
  `REINFORCE's surrogate, the number the source prints as \`loss\`, is **${surrogateValue.toFixed(4)}** here, while the loss on the same draws is **${sampleMeanLoss.toFixed(4)}** (exact: ${exactAtOnes.toFixed(4)}). ` +
  'The surrogate is built so that its *gradient* is the estimate; its *value* is not the objective. It is negative because log q < 0, and it rises towards 0 as q becomes a point mass, whatever the loss is doing.');

// %% [markdown]
// Now the library's estimators, each drawn 200 times at $l = (1,1,1)$: the mean ± one standard deviation of the draws, against the exact gradient.

// %%
const M = 200;
function gradientDraws(estimator: EstimatorName, logits: number[], temperature: number | undefined, count: number, seed: number): number[][] {
  const rng = new Random(seed);
  const problem = { logits: tf.tensor1d(logits), family: 'categorical' as const, loss: loss };
  const out = Array.from({ length: count }, () => tf.tidy(() =>
    Array.from(estimateGradient(estimator, problem, { numSamples: 1000, seed: rng, temperature }).grad.dataSync())));
  problem.logits.dispose();
  return out;
}
const exactAtStart = squaredErrorExactGradient(START, T);
const atStart = [
  { name: 'REINFORCE', estimator: 'reinforce' as const, temperature: undefined },
  { name: 'GS τ=5', estimator: 'gumbel-softmax' as const, temperature: 5 },
  { name: 'ST-GS τ=5', estimator: 'st-gumbel-softmax' as const, temperature: 5 },
].map((e, i) => ({ ...e, stats: gradientStatistics(gradientDraws(e.estimator, START, e.temperature, M, 100 + i), exactAtStart) }));
const barRows = [
  ...exactAtStart.map((g, k) => ({ estimator: 'exact', component: `∂𝓛/∂l_${k + 1}`, mean: g, lower: g, upper: g })),
  ...atStart.flatMap((e) => e.stats.mean.map((m, k) => ({ estimator: e.name, component: `∂𝓛/∂l_${k + 1}`, mean: m, lower: m - e.stats.sd[k], upper: m + e.stats.sd[k] }))),
];
console.log(`exact:                  [${exactAtStart.map((g) => g.toFixed(4)).join(', ')}]`);
for (const e of atStart) {
  console.log(`${e.name.padEnd(23)} mean [${e.stats.mean.map((g) => g.toFixed(4)).join(', ')}], sd [${e.stats.sd.map((s) => s.toFixed(4)).join(', ')}], mean − exact: up to ${e.stats.maxAbsZ.toFixed(1)} standard errors`);
}
await show(barChart({
  data: barRows, x: 'component', y: 'mean', color: 'estimator', error: { lower: 'lower', upper: 'upper' }, width: 420,
  yTitle: 'gradient at l = (1,1,1): mean ± sd of 200 draws', xTitle: '', title: 'One gradient step, four ways',
}));

// %% [markdown]
// REINFORCE is centred on the exact gradient, with a visible spread. Both Gumbel-Softmax variants have almost no spread but are **about five times too short**, while pointing the right way. That is no accident. At large $\tau$ the relaxed sample barely depends on the noise: $z \approx \tfrac1K\mathbf 1 + \tfrac1{K\tau}\,P(l + G)$ with $P = I - \tfrac1K \mathbf 1\mathbf 1^\top$, so the Jacobian is nearly the constant $\tfrac1{K\tau}P$ and can be taken out of the expectation. Since $\mathbb E[y] = \pi$ exactly,
//
// $$\mathbb{E}\bigl[\hat g_{\text{ST}}\bigr] \;\approx\; \frac{1}{K\tau}\,P\,\mathbb E[2(y - t)] \;=\; \frac{2}{K\tau}\,(\pi - t) \qquad (\tau \gg 1).$$
//
// At the uniform start $\pi_j = 1/K$, and the exact gradient is $\pi_j(c_j - \mathcal L) = \tfrac2K(\pi_j - t_j)$: the same vector, $\tau$ times longer. So at the start the straight-through estimate is the exact gradient scaled by $1/\tau$.
//
// **Check.** REINFORCE's draws do vary, and their mean is within 4 standard errors of the exact gradient in every component. The ST-GS mean has cosine above 0.99 with the exact gradient and $0.17$ to $0.23$ times its length ($1/\tau = 0.2$), and it agrees with $\tfrac{2}{K\tau}(\pi - t)$ within 5% of that vector's norm (the approximation is first order in $1/\tau$).

// %%
const [rf, gs, st] = atStart.map((e) => e.stats);
const norm = (v: number[]) => Math.hypot(...v);
const cosineOf = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0) / (norm(a) * norm(b));
const lengthRatio = norm(st.mean) / norm(exactAtStart);
const largeTau = [1 / 3, 1 / 3, 1 / 3].map((p, k) => (2 / (3 * 5)) * (p - T[k]));
const largeTauError = norm(st.mean.map((m, k) => m - largeTau[k])) / norm(largeTau);
if (!(rf.sd.every((s) => s > 0) && rf.maxAbsZ < 4)) throw new Error(`REINFORCE's mean is ${rf.maxAbsZ} standard errors from the exact gradient (sd ${rf.sd})`);
if (!(cosineOf(st.mean, exactAtStart) > 0.99 && lengthRatio > 0.17 && lengthRatio < 0.23)) {
  throw new Error(`ST-GS at the start: cosine ${cosineOf(st.mean, exactAtStart)}, length ratio ${lengthRatio}`);
}
if (!(largeTauError < 0.05)) throw new Error(`ST-GS mean differs from (2/(Kτ))(π − t) by ${largeTauError} of its norm`);
console.log(`REINFORCE: unbiased (max |z| = ${rf.maxAbsZ.toFixed(2)}); ST-GS: cosine ${cosineOf(st.mean, exactAtStart).toFixed(4)}, ` +
  `length ${lengthRatio.toFixed(3)} × exact, ${(100 * largeTauError).toFixed(1)}% from (2/(Kτ))(π − t) = [${largeTau.map((g) => g.toFixed(4)).join(', ')}]`);

// %% [markdown]
// ## 3. Training: REINFORCE and ST Gumbel-Softmax at τ = 5
//
// The source's loop for both: plain SGD, learning rate $0.01$, $1000$ samples a step, $10\,000$ steps from $l = (1,1,1)$. `optimize` records the exact loss $\mathcal L$ every 100 steps next to the estimator's own sampled loss. The chart shows the **excess loss** $\mathcal L - 0.14$ on a log scale, so that "converges" means "goes down without limit".
//
// The claims: REINFORCE drives $\pi$ to $(0, 1, 0)$; ST-GS at $\tau = 5$ stays biased and its loss never comes near the minimum.

// %%
const STEPS = 10_000, LR = 0.01, SAMPLES = 1000, RECORD_EVERY = 100;
// What onRecord hands over is the history so far, read-only.
type History = Readonly<ReturnType<typeof optimize>>;
const excessRows = (run: string, h: History) => historyRows(h, { run }).map((r) => ({ run, step: r.step, excess: r5((r.exactLoss as number) - L_MIN) }));
const excessChart = (data: object[], title: string) => lineChart({
  data: data as any, x: 'step', y: 'excess', color: 'run', logY: true, title, xTitle: 'SGD step', yTitle: 'excess loss 𝓛 − 0.14 (exact)',
});
function train(run: string, estimator: EstimatorName, temperature: number | ((step: number) => number) | undefined, live: LiveDisplay, earlier: object[]): History {
  const logits = tf.variable(tf.tensor1d(START));
  const history = optimize(logits, { family: 'categorical', loss: loss }, {
    estimator, steps: STEPS, learningRate: LR, numSamples: SAMPLES, seed: 0, temperature, recordEvery: RECORD_EVERY,
    onRecord: (r, h) => live.update(
      `${run}: step ${r.step} of ${STEPS}, exact loss ${r.exactLoss.toFixed(4)}, π = [${r.probs.map((p) => p.toFixed(3)).join(', ')}]`,
      excessChart([...earlier, ...excessRows(run, h)], 'Training (live)')),
  });
  logits.dispose();
  return history;
}
const live = new LiveDisplay();
const reinforceRun = train('REINFORCE', 'reinforce', undefined, live, []);
const stRun = train('ST-GS τ=5', 'st-gumbel-softmax', 5, live, excessRows('REINFORCE', reinforceRun));
const finalProbs = (h: History) => h[h.length - 1].probs;
const describeRun = (h: History) => `π = [${finalProbs(h).map((p) => p.toFixed(3)).join(', ')}], exact loss ${h[h.length - 1].exactLoss.toFixed(4)}`;
await live.finish(`done: REINFORCE ${describeRun(reinforceRun)}; ST-GS τ=5 ${describeRun(stRun)}`,
  excessChart([...excessRows('REINFORCE', reinforceRun), ...excessRows('ST-GS τ=5', stRun)], 'Excess loss during training'));

// %% [markdown]
// The probabilities of the three categories over the same runs; the dashed lines mark the target values $t_k$.

// %%
const probRows = (run: string, h: History) => h.flatMap((r) => r.probs.map((p, k) => ({ run, step: r.step, category: `π_${k + 1}`, p: r5(p) })));
await show(lineChart({
  data: [...probRows('REINFORCE', reinforceRun), ...probRows('ST-GS τ=5', stRun)], x: 'step', y: 'p', color: 'category',
  facet: { field: 'run', columns: 2 }, width: 300, rules: T.map((tk, k) => ({ y: tk, label: `t_${k + 1} = ${tk}` })),
  xTitle: 'SGD step', yTitle: 'probability', title: 'Where the probability mass goes',
}));

// %% [markdown]
// **Check.** REINFORCE ends with $\pi_2 > 0.98$ and an excess loss below $0.02$ (it is still falling: the exact gradient $\pi_j(c_j - \mathcal L)$ itself vanishes as the vertex is approached). ST-GS ends with $\pi_2 < 0.75$, and its exact loss never drops below $0.45$, more than $0.3$ above the minimum.

// %%
const rfFinal = finalProbs(reinforceRun), stFinal = finalProbs(stRun);
const rfExcess = reinforceRun[reinforceRun.length - 1].exactLoss - L_MIN;
const stLowest = Math.min(...stRun.map((r) => r.exactLoss));
if (!(rfFinal[1] > 0.98 && rfExcess < 0.02)) throw new Error(`REINFORCE ended at π_2 = ${rfFinal[1]}, excess loss ${rfExcess}`);
if (!(stFinal[1] < 0.75 && stLowest > 0.45)) throw new Error(`ST-GS ended at π_2 = ${stFinal[1]}, lowest exact loss ${stLowest}`);
console.log(`REINFORCE: π_2 = ${rfFinal[1].toFixed(4)}, excess loss ${rfExcess.toFixed(4)}; ` +
  `ST-GS τ=5: π_2 = ${stFinal[1].toFixed(4)}, lowest exact loss ${stLowest.toFixed(4)} (excess ${(stLowest - L_MIN).toFixed(3)})`);

// %% [markdown]
// ## 4. Where ST Gumbel-Softmax goes, and why
//
// With a small learning rate, SGD follows the *mean* of its gradient estimate and settles where that mean is zero. For an unbiased estimator that is where the exact gradient vanishes; for ST-GS it is wherever $\mathbb E[\hat g_{\text{ST}}] = 0$. The large-$\tau$ formula of section 2 says where to expect it:
//
// $$\mathbb E[\hat g_{\text{ST}}] \approx \frac{2}{K\tau}(\pi - t) = 0 \iff \pi = t.$$
//
// In words: ST-GS behaves as if it were minimising $\lVert \mathbb E[y] - t\rVert^2 = \lVert \pi - t \rVert^2$, the squared error of the **mean** sample, not the mean squared error of the samples. Its backward pass treats $y$ as a smooth function of $l$ with a nearly constant Jacobian, and a loss that is quadratic in a smooth $y$ is smallest where $y$ is on average $t$. The true objective is linear in $\pi$ and wants the vertex.
//
// To find the fixed point without the approximation, `meanGradient` averages ST-GS over $10^5$ draws with a fixed seed (so the average is a smooth function of $l$), and `findStationaryLogits` solves $\mathbb E[\hat g_{\text{ST}}](l) = 0$ by Newton's method. Two different seeds show the Monte Carlo error.

// %%
const stationary = [1, 2].map((seed) => findStationaryLogits({
  gradient: meanGradient({ estimator: 'st-gumbel-softmax', family: 'categorical', loss: loss, numSamples: 100_000, seed, temperature: 5 }),
  initial: T.map(Math.log), family: 'categorical', tolerance: 1e-5,
}));
const piStar = stationary[0].probs;
const lStar = stationary[0].logits;
const seedSpread = Math.max(...piStar.map((p, k) => Math.abs(p - stationary[1].probs[k])));
const fromTrajectory = Math.max(...piStar.map((p, k) => Math.abs(p - stFinal[k])));
const fromTarget = Math.max(...piStar.map((p, k) => Math.abs(p - T[k])));
const exactAtStar = squaredErrorExactGradient(lStar, T);
console.log(`fixed point of ST-GS at τ = 5: π* = [${piStar.map((p) => p.toFixed(4)).join(', ')}] (other seed: [${stationary[1].probs.map((p) => p.toFixed(4)).join(', ')}])`);
console.log(`end of the ST-GS run:          π  = [${stFinal.map((p) => p.toFixed(4)).join(', ')}]`);
console.log(`target:                        t  = [${T.join(', ')}]`);
console.log(`exact loss at π*: ${squaredErrorExactLoss(lStar, T).toFixed(4)}; exact gradient there: [${exactAtStar.map((g) => g.toFixed(4)).join(', ')}], norm ${norm(exactAtStar).toFixed(4)}`);

// %% [markdown]
// **Check.** Newton's method converged for both seeds, which agree within $0.005$. The run of section 3 ended within $0.03$ of $\pi^*$ in every category (it is still creeping towards it), and $\pi^*$ lies within $0.02$ of $t$, as the large-$\tau$ formula predicts. At $\pi^*$ the exact gradient is far from zero: SGD stops there only because the estimator's mean is zero.

// %%
if (!stationary.every((s) => s.converged)) throw new Error('Newton did not converge on the mean ST gradient');
if (!(seedSpread < 0.005)) throw new Error(`the fixed points of two seeds differ by ${seedSpread}`);
if (!(fromTrajectory < 0.03)) throw new Error(`the ST-GS run ended ${fromTrajectory} from π*`);
if (!(fromTarget < 0.02)) throw new Error(`π* is ${fromTarget} from t`);
if (!(norm(exactAtStar) > 0.2)) throw new Error(`the exact gradient at π* is only ${norm(exactAtStar)}`);
console.log(`seeds agree within ${seedSpread.toFixed(4)}; run ends ${fromTrajectory.toFixed(4)} from π*; π* is ${fromTarget.toFixed(4)} from t; |∇𝓛(π*)| = ${norm(exactAtStar).toFixed(3)}`);

// %% [markdown]
// ## 5. Bias and noise of ST Gumbel-Softmax as τ → 0
//
// Lowering $\tau$ makes $z$ nearly one-hot, and the backward pass then sees the true effect of the logits on which vertex is drawn; the source claims that as $\tau \to 0$ the bias disappears. The price is noise: $J = \tfrac1\tau(\mathrm{diag}\,z - zz^\top)$ is close to zero for most draws and of size $1/\tau$ for the few draws near a tie between two categories, so the variance grows as $\tau$ falls.
//
// That noise also makes the bias hard to *measure*: the mean of $M$ estimates misses the estimator's mean by about $\sqrt{\operatorname{tr}\Sigma / M}$, which at small $\tau$ is larger than the bias itself. So the library computes the estimator's mean exactly, by quadrature (`expectedStGumbelSoftmaxGradient`). It conditions on the argmax $k$. Given $k$, the scaled gaps $u_j = (x_j - x_k)/\tau \le 0$ between the perturbed logits $x = l + G$ have a joint law in closed form,
//
// $$P\bigl(u_j \le a_j \text{ for all } j \ne k \bigm| k\bigr) = \frac{1}{1 + \sum_{j \ne k} \pi_j \bigl(e^{-\tau a_j} - 1\bigr)},$$
//
// (given $k$, $E = e^{-(\max x - \log\sum e^{l})}$ is exponential with rate 1, and given $E$ each $e^{x_k - x_j} - 1$ is exponential with rate $\pi_j E$), and $J^\top \nabla f(e_k)$ is a smooth function of the gaps. So $\mathbb E[\hat g_{\text{ST}}]$ is a two-dimensional integral of a smooth function, which a grid with exact cell probabilities evaluates to about $10^{-6}$ of the gradient.
//
// We measure at the fixed point $l^*$ found above, where the bias at $\tau = 5$ is the whole exact gradient. For each $\tau$: the exact bias $\lVert \mathbb E[\hat g] - \nabla\mathcal L\rVert$, and, from 100 draws of $n = 1000$, the standard deviation of one draw $\sqrt{\operatorname{tr}\Sigma}$ and the Monte Carlo estimate of the bias, which also checks the quadrature.

// %%
const TEMPERATURES = [0.01, 0.03, 0.1, 0.3, 1, 2, 5, 10];
const squaredProblem = { logits: lStar, family: 'categorical' as const, loss: loss };
const distance = (a: number[], b: number[]) => norm(a.map((x, k) => x - b[k]));
const sweep = TEMPERATURES.map((tau, i) => {
  const exactMean = expectedStGumbelSoftmaxGradient(squaredProblem, { temperature: tau });
  const draws = gradientDraws('st-gumbel-softmax', lStar, tau, 100, 300 + i);
  // Against the exact gradient: bias and noise. Against the quadrature: a check of the quadrature.
  return { tau, exactMean, bias: distance(exactMean, exactAtStar), stats: gradientStatistics(draws, exactAtStar), againstQuadrature: gradientStatistics(draws, exactMean) };
});
console.log('τ      exact bias  bias/τ   Monte Carlo bias (noise floor)  sd of one draw  Monte Carlo vs quadrature');
for (const s of sweep) {
  console.log(`${String(s.tau).padEnd(6)} ${s.bias.toFixed(5)}     ${(s.bias / s.tau).toFixed(3)}    ${s.stats.biasNorm.toFixed(4)} (${s.stats.biasNoise.toFixed(4)})` +
    `                ${Math.sqrt(s.stats.variance).toFixed(4)}          max |z| ${s.againstQuadrature.maxAbsZ.toFixed(2)}`);
}
const sweepRows = sweep.flatMap(({ tau, bias, stats }) => [
  { tau, measure: 'bias, exact (quadrature)', value: r5(bias) },
  { tau, measure: 'bias, Monte Carlo estimate from 100 draws', value: r5(stats.biasNorm) },
  { tau, measure: 'sd of one draw', value: r5(Math.sqrt(stats.variance)) },
]);
await show(lineChart({
  data: sweepRows, x: 'tau', y: 'value', color: 'measure', logX: true, logY: true, points: true,
  rules: [{ y: norm(exactAtStar), label: '‖∇𝓛‖' }],
  xTitle: 'temperature τ', yTitle: 'bias ‖E ĝ − ∇𝓛‖ and sd √tr Σ', title: 'ST Gumbel-Softmax at l*: the bias falls like τ, the noise grows',
}));

// %% [markdown]
// **Check.** The quadrature agrees with the Monte Carlo averages at every $\tau$ (every component within 4 standard errors). At $\tau = 5$ the bias is at least 95% of $\lVert\nabla\mathcal L\rVert$ (the estimator's mean is about zero at $l^*$; that is how $l^*$ was found). From $\tau = 0.3$ down, the bias is proportional to $\tau$: bias$/\tau$ stays within 10% of its value at $\tau = 0.1$, and at $\tau = 0.01$ the bias is below 2% of $\lVert\nabla\mathcal L\rVert$. Monte Carlo could not have shown this: at $\tau = 0.01$ its noise floor is larger than the bias. And the noise grows: the sd of one draw at $\tau = 0.1$ is more than ten times its value at $\tau = 5$.

// %%
const at = (tau: number) => sweep.find((s) => s.tau === tau)!;
const [hot, cold, coldest] = [at(5), at(0.1), at(0.01)];
const gradientNorm = norm(exactAtStar);
const worstZ = Math.max(...sweep.map((s) => s.againstQuadrature.maxAbsZ));
if (!(worstZ < 4)) throw new Error(`Monte Carlo and quadrature differ by ${worstZ} standard errors`);
if (!(hot.bias > 0.95 * gradientNorm)) throw new Error(`bias at τ = 5 is only ${hot.bias}`);
const slopes = sweep.filter((s) => s.tau <= 0.3).map((s) => ({ tau: s.tau, slope: s.bias / s.tau }));
const crooked = slopes.find(({ slope }) => !(Math.abs(slope / (cold.bias / cold.tau) - 1) < 0.1));
if (crooked !== undefined) throw new Error(`bias/τ at τ = ${crooked.tau} is ${crooked.slope}, against ${cold.bias / cold.tau} at τ = 0.1`);
if (!(coldest.bias < 0.02 * gradientNorm)) throw new Error(`bias at τ = 0.01 is ${coldest.bias}`);
if (!(coldest.stats.biasNoise > coldest.bias)) throw new Error(`at τ = 0.01 Monte Carlo resolves the bias after all (noise ${coldest.stats.biasNoise})`);
const noiseRatio = Math.sqrt(cold.stats.variance / hot.stats.variance);
if (!(noiseRatio > 10)) throw new Error(`sd at τ = 0.1 is only ${noiseRatio} times that at τ = 5`);
await showMarkdown(`Claim 3 holds for this loss. The exact bias is **${hot.bias.toFixed(4)}** at τ = 5 (‖∇𝓛‖ = ${gradientNorm.toFixed(4)}), **${cold.bias.toFixed(4)}** at τ = 0.1 and **${coldest.bias.toFixed(5)}** at τ = 0.01 ` +
  `(${(100 * coldest.bias / gradientNorm).toFixed(1)}% of ‖∇𝓛‖): bias/τ ≈ ${(cold.bias / cold.tau).toFixed(2)} for every τ ≤ 0.3. The quadrature and the Monte Carlo averages agree within ${worstZ.toFixed(1)} standard errors. ` +
  `At τ = 0.01 the Monte Carlo bias estimate from 100 × 1000 draws is ${coldest.stats.biasNorm.toFixed(4)}, its noise floor alone ${coldest.stats.biasNoise.toFixed(4)}. The noise: one draw's sd grows from ${Math.sqrt(hot.stats.variance).toFixed(4)} at τ = 5 to ${Math.sqrt(cold.stats.variance).toFixed(4)} at τ = 0.1 (${noiseRatio.toFixed(1)}×) and ${Math.sqrt(coldest.stats.variance).toFixed(4)} at τ = 0.01.`);

// %% [markdown]
// ### Which losses lose their bias as τ → 0
//
// Why does the bias vanish here, and would it for any loss? When $\tau$ is small, the backward pass is far from zero only near a tie between two categories $m$ and $j$. There $z \approx z_m e_m + z_j e_j$ with $z_m = \sigma(\Delta/\tau)$ for the gap $\Delta = x_m - x_j$, and $(J^\top w)_m = z_m z_j (w_m - w_j)/\tau$. Across the tie, $\int_0^\infty z_m z_j\,d\Delta/\tau = \tfrac12$ on each side; on the side where $m$ wins, $w = \nabla f(e_m)$, on the other $w = \nabla f(e_j)$; and the density of $\Delta$ at $0$, jointly with both leading, is $\pi_m\pi_j$. So
//
// $$\lim_{\tau \to 0} \mathbb E[\hat g_{\text{ST}}]_m = \sum_{j \ne m} \pi_m\pi_j \cdot \tfrac12\bigl(\nabla f(e_m) + \nabla f(e_j)\bigr)\cdot(e_m - e_j), \qquad \frac{\partial\mathcal L}{\partial l_m} = \sum_{j \ne m} \pi_m\pi_j\,\bigl(f(e_m) - f(e_j)\bigr).$$
//
// The difference $f(e_m) - f(e_j)$ is the integral of the slope of $f$ along the edge from $e_j$ to $e_m$; the limit replaces it by the **trapezoid rule**, the average of the slopes at the two ends. That is exact when $f$ is at most quadratic along every edge of the simplex:
//
// - the squared error $\sum_k (y_k - t_k)^2$ is quadratic, so the limit is exact and the bias falls like $\tau$, as measured above. (On the vertices it equals the linear $\sum_k c_k y_k$, but straight-through differentiates the quadratic itself; what saves it is the degree, not the values at the vertices.)
// - So is any loss linear in $y$, any quadratic form, and any loss multilinear in several independent variables (linear in each one's sample).
// - A loss of higher degree along an edge, or not polynomial there (an exponential, a logarithm, a network applied to the sample), in general is not. As $\tau \to 0$ straight-through then follows the gradient of a *different* objective: for $f(y) = \sum_k h(y_k - t_k)$, of $\sum_k \pi_k b_k$ with $b_k = \tfrac12\bigl(h'(1 - t_k) + h'(-t_k)\bigr)$ in place of $f(e_k) = h(1 - t_k) - h(-t_k) + \text{const}$.
//
// The test case: the **quartic error** $f(y) = \sum_k (y_k - t_k)^4$, with $b_k = 2\bigl((1 - t_k)^3 - t_k^3\bigr)$. We compute its exact gradient at $l^*$ by enumeration, the ST-GS mean by quadrature from $\tau = 10$ down to $\tau = 0.001$, and the predicted limit from the formula; and Monte Carlo averages at two temperatures check the quadrature for this loss too.

// %%
const tForQuartic = tf.tensor1d(T); // held by the quartic loss for the rest of the notebook
const quarticLoss = (y: tf.Tensor) => tf.sum(tf.pow(tf.sub(y, tForQuartic), 4), -1);
const quarticProblem = { logits: lStar, family: 'categorical' as const, loss: quarticLoss };
const exactQuartic = tf.tidy(() => Array.from(estimateGradient('exact', quarticProblem, {}).grad.dataSync()));
// The predicted τ → 0 limit: the gradient of Σ_k π_k b_k, b_k = ½(h′(1 − t_k) + h′(−t_k)) with h(x) = x⁴.
const trapezoidValues = T.map((t) => 2 * ((1 - t) ** 3 - t ** 3));
const trapezoidMean = trapezoidValues.reduce((a, b, k) => a + piStar[k] * b, 0);
const quarticLimit = piStar.map((p, m) => p * (trapezoidValues[m] - trapezoidMean));
const LIMIT_TEMPERATURES = [0.001, ...TEMPERATURES];
const byLoss = [
  { name: 'squared error', problem: squaredProblem, exact: exactAtStar },
  { name: 'quartic error', problem: quarticProblem, exact: exactQuartic },
].map(({ name, problem, exact }) => ({
  name, exact,
  means: LIMIT_TEMPERATURES.map((tau) => ({ tau, mean: expectedStGumbelSoftmaxGradient(problem, { temperature: tau }) })),
}));
const meanAt = (row: (typeof byLoss)[number], tau: number) => row.means.find((m) => m.tau === tau)!.mean;
const relativeBias = (row: (typeof byLoss)[number], tau: number) => distance(meanAt(row, tau), row.exact) / norm(row.exact);
const [squaredRow, quarticRow] = byLoss;
const quarticChecks = [0.1, 1].map((tau) => {
  const { estimates } = repeatEstimates('st-gumbel-softmax', quarticProblem, { numSamples: 10_000, seed: 500, temperature: tau }, 20);
  return { tau, maxAbsZ: gradientStatistics(estimates, meanAt(quarticRow, tau)).maxAbsZ };
});
console.log(`quartic error at l*: exact gradient [${exactQuartic.map((g) => g.toFixed(4)).join(', ')}], predicted τ → 0 limit of ST-GS [${quarticLimit.map((g) => g.toFixed(4)).join(', ')}]`);
for (const tau of LIMIT_TEMPERATURES) {
  console.log(`τ = ${String(tau).padEnd(5)} relative bias: squared error ${relativeBias(squaredRow, tau).toFixed(4)}, quartic error ${relativeBias(quarticRow, tau).toFixed(4)}`);
}
for (const c of quarticChecks) console.log(`quartic, τ = ${c.tau}: Monte Carlo mean of 20 × 10 000 draws is within ${c.maxAbsZ.toFixed(2)} standard errors of the quadrature`);
await show(lineChart({
  data: byLoss.flatMap((row) => LIMIT_TEMPERATURES.map((tau) => ({ tau, loss: row.name, bias: r5(relativeBias(row, tau)) }))),
  x: 'tau', y: 'bias', color: 'loss', logX: true, logY: true, points: true,
  rules: [{ y: distance(quarticLimit, exactQuartic) / norm(exactQuartic), label: 'quartic: the predicted τ → 0 limit' }],
  xTitle: 'temperature τ', yTitle: '‖E[ĝ_ST] − ∇𝓛‖ / ‖∇𝓛‖ (exact, by quadrature)',
  title: 'Straight-through bias as τ → 0: it vanishes for one loss, not for the other',
}));

// %% [markdown]
// **Check.** For the quartic error the quadrature agrees with Monte Carlo (within 4 standard errors at both temperatures). At $\tau = 0.001$, the squared error's bias is below 0.5% of its gradient, while the quartic error's ST-GS mean is within 1% of the predicted trapezoid limit, and its bias is larger than the gradient itself and more than twice its bias at $\tau = 1$: for this loss, at this point, cooling makes the estimator *worse*.

// %%
const worstQuarticZ = Math.max(...quarticChecks.map((c) => c.maxAbsZ));
if (!(worstQuarticZ < 4)) throw new Error(`quartic: Monte Carlo and quadrature differ by ${worstQuarticZ} standard errors`);
const squaredAtZero = relativeBias(squaredRow, 0.001), quarticAtZero = relativeBias(quarticRow, 0.001), quarticWarm = relativeBias(quarticRow, 1);
const limitGap = distance(meanAt(quarticRow, 0.001), quarticLimit) / norm(quarticLimit);
if (!(squaredAtZero < 0.005)) throw new Error(`squared error: bias ${squaredAtZero} of the gradient at τ = 0.001`);
if (!(limitGap < 0.01)) throw new Error(`quartic: ST-GS at τ = 0.001 is ${limitGap} from the trapezoid limit`);
if (!(quarticAtZero > 1 && quarticAtZero > 2 * quarticWarm)) throw new Error(`quartic: relative bias ${quarticAtZero} at τ = 0.001, ${quarticWarm} at τ = 1`);
await showMarkdown(`At τ = 0.001 the squared error's bias is **${(100 * squaredAtZero).toFixed(2)}%** of its gradient; the quartic error's is **${(100 * quarticAtZero).toFixed(0)}%**, ` +
  `and its ST-GS mean lies ${(100 * limitGap).toFixed(2)}% from the trapezoid limit. At τ = 1 the quartic's bias was ${(100 * quarticWarm).toFixed(0)}%. ` +
  'So "annealing to 0 removes the bias" is a property of the loss, not of the estimator: it holds for losses at most quadratic along the edges of the simplex, and fails otherwise.');

// %% [markdown]
// ## 6. Annealing the temperature
//
// The source's remedy, which it states but never runs: start warm and cool down. We use the exponential schedule of Jang et al. (2017), held constant over blocks of 100 steps,
//
// $$\tau(s) = \max\bigl(5\, e^{-r\,s'},\ 0.1\bigr), \qquad s' = 100\lfloor s/100 \rfloor, \quad r = 6\times10^{-4},$$
//
// which reaches the floor $\tau = 0.1$ after about 6500 of the 10 000 steps. Everything else is as in section 3.
//
// The claim: annealing removes the bias, and the run reaches the vertex like REINFORCE.

// %%
const schedule = exponentialAnnealing({ initial: 5, rate: 6e-4, minimum: 0.1, every: 100 });
const annealLive = new LiveDisplay();
const earlierRows = [...excessRows('REINFORCE', reinforceRun), ...excessRows('ST-GS τ=5', stRun)];
const annealedRun = train('ST-GS annealed', 'st-gumbel-softmax', schedule, annealLive, earlierRows);
await annealLive.finish(`done: ST-GS annealed ${describeRun(annealedRun)}, final τ = ${schedule(STEPS - 1).toFixed(2)}`,
  excessChart([...earlierRows, ...excessRows('ST-GS annealed', annealedRun)], 'Excess loss: annealing removes the plateau'));

// %% [markdown]
// The three trajectories on the probability simplex, drawn in the coordinates $(\pi_1, \pi_3)$ (so $\pi_2 = 1 - \pi_1 - \pi_3$ and the optimal vertex is the origin). All start at $(\tfrac13, \tfrac13)$. The fixed-temperature run heads to $\pi^*$, next to $t$; the annealed run follows it while $\tau$ is high, then turns to the vertex as $\tau$ falls.

// %%
const simplexRows = [
  ...[['REINFORCE', reinforceRun], ['ST-GS τ=5', stRun], ['ST-GS annealed', annealedRun]].flatMap(([run, h]) =>
    (h as History).filter((_, i) => i % 2 === 0).map(({ probs: p }) => ({ run: run as string, 'π_1': r5(p[0]), 'π_3': r5(p[2]) }))),
  { run: 'target t', 'π_1': T[0], 'π_3': T[2] },
  { run: 'ST fixed point π*', 'π_1': piStar[0], 'π_3': piStar[2] },
];
await show(scatter({ data: simplexRows, x: 'π_1', y: 'π_3', color: 'run', size: 24, width: 320, height: 320, title: 'Trajectories on the simplex (vertex (0,1,0) at the origin)' }));

// %% [markdown]
// **Check.** The annealed run ends with $\pi_2 > 0.97$ and an excess loss below $0.03$, less than a tenth of the fixed-temperature run's. What it paid, from section 5: at the final temperature $\tau = 0.1$ one gradient draw is more than ten times as noisy as at $\tau = 5$. With $1000$ samples a step and a learning rate of $0.01$ that noise averages out over many steps, so the loss curve above stays smooth; it also takes the annealed run longer than REINFORCE to get close to the vertex, since it spends its first few thousand steps on the biased, warm gradient.

// %%
const anFinal = finalProbs(annealedRun);
const anExcess = annealedRun[annealedRun.length - 1].exactLoss - L_MIN;
const stExcess = stRun[stRun.length - 1].exactLoss - L_MIN;
if (!(anFinal[1] > 0.97 && anExcess < 0.03)) throw new Error(`annealed ST-GS ended at π_2 = ${anFinal[1]}, excess loss ${anExcess}`);
if (!(anExcess < 0.1 * stExcess)) throw new Error(`annealed excess ${anExcess} is not below a tenth of ${stExcess}`);
console.log(`annealed: π_2 = ${anFinal[1].toFixed(4)}, excess loss ${anExcess.toFixed(4)} (fixed τ = 5: ${stExcess.toFixed(4)}; REINFORCE: ${rfExcess.toFixed(4)}); ` +
  `gradient sd at τ = 0.1 is ${noiseRatio.toFixed(1)}× that at τ = 5`);

// %% [markdown]
// ## 7. MDNF: a mixture of discrete normalizing flows
//
// MDNF (Kusmierczyk & Klami, 2020) parametrises $q$ differently. Each of $B = 10$ components holds a fixed base category $c_b$ and its own logits $l_b \in \mathbb R^K$; the component sits at category $(c_b - s_b) \bmod K$, where the *shift* $s_b = \mathrm{onehot}(\arg\max l_b)$. The distribution is uniform over the components, so $\pi_k$ is the fraction of components at $k$: a multiple of $1/10$. Gradients reach $l_b$ by a straight-through step: forward $s_b$, backward the Jacobian of $\mathrm{softmax}(l_b/\tau)$; the source uses $\tau = 5$. The source trains it with 100 samples a step; since every component is then drawn exactly 10 times, the sampled loss equals the exact loss and the training has no sampling noise at all. The only randomness is the initialisation: the logits $l_b$ (standard normal) and the base categories $c_b$.
//
// Where should it go? Linearise as in section 4: at large $\tau$ the backward pass of component $b$ is nearly the constant $\tfrac{1}{K\tau}P$, so its logits move, per unit of learning rate, by about
//
// $$\Delta l_b \propto -\bigl(s_b - t^{(b)}\bigr), \qquad t^{(b)}_j = t_{(c_b - j) \bmod K}$$
//
// (the target value of the category that shift $j$ would reach). The logit of the **current** shift always falls, by $1 - t_k$, and the others rise, by the $t$ of their categories. No component ever rests, not even at the best category: it drifts until another shift overtakes and then keeps switching. Averaged over time, a component that switches among all three categories spends a fraction $t_k$ of its time at category $k$, because only then does its average velocity $-\sum_k f_k (e_k - t)$ vanish. So $\pi$ should hover around $t$, the same target as ST-GS, with steps of $1/B$. The drift is slow: at $\tau = 5$, in this approximation, a logit moves by at most $\tfrac{2}{BK\tau} \approx 0.013$ times the learning rate per step, about $1.3$ over $10\,000$ steps, so components that start far from a tie may not have switched yet.
//
// The source ran one initialisation, which reached $(0, 1, 0)$ late in training, and states that MDNF's bias "can be controlled by the temperature". One run is one draw of the initialisation, so we run many, and at several temperatures: 64 runs at the source's $\tau = 5$ and 24 each at $\tau = 0.2$, $1$ and $25$, with the source's learning rate and number of steps. `optimizeMixtureRuns` stacks independent fits as the variables of one mixture, so that they all train in one loop. The source draws 100 samples a step; since every component is then drawn exactly 10 times, that is the same average as 10 samples with each component drawn once, which is what we use.

// %% [markdown]
// **What the temperature does in MDNF.** The forward pass is an argmax, which ignores the scale of the logits; only the backward pass, $\mathrm{softmax}(l_b/\tau)/\tau$, sees $\tau$. Write $m_b = l_b/\tau$. The gradient with respect to $l_b$ at temperature $\tau$ is $1/\tau$ times the gradient with respect to $m_b$ at temperature 1, so an SGD step $l \leftarrow l - \eta\,\hat g$ becomes, in $m$,
//
// $$m \leftarrow m - \frac{\eta}{\tau^2}\,\hat g_{\tau = 1}(m).$$
//
// *A run at temperature $\tau$ is the run at $\tau = 1$ started from $l/\tau$, with learning rate $\eta/\tau^2$.* So in MDNF the temperature is not a knob of its own: it sets how sharp the surrogate is at the start ($l/\tau$) and how large the steps are ($\eta/\tau^2$), and every temperature follows the same vector field, the one the linearisation above describes. That field points towards $\pi \approx t$ at every $\tau$; what $\tau$ can change is how far a run gets in $10\,000$ steps and how coarsely it moves. The library's per-run temperatures rest on this identity, so the first check compares them with a run at the temperature itself.

// %%
// Large steps, so that q changes within 300 steps and a wrong identity would show in q, not only in the logits.
/** A history of several runs as a table: one row per recorded step, holding each run's record in the order of the seeds. */
function byStep(history: MixtureRunRecord[]): MixtureRunRecord[][] {
  const rows = new Map<number, MixtureRunRecord[]>();
  for (const record of history) {
    if (!rows.has(record.step)) rows.set(record.step, []);
    rows.get(record.step)!.push(record);
  }
  return [...rows.values()];
}
const identityRuns = { seeds: [0, 1, 2, 3], K: 3, B: 10 };
const identityOptions = { steps: 300, learningRate: 0.5, numSamples: 10, recordEvery: 1, seed: 0 };
const direct = byStep(optimizeMixtureRuns({ ...identityRuns, temperature: 3 }, { loss: loss }, identityOptions));
// Held as l/3 at τ = 1, with learning rate 0.5/9.
const viaIdentity = byStep(optimizeMixtureRuns({ ...identityRuns, temperature: [3, 3, 3, 3] }, { loss: loss }, identityOptions));
const gaps = direct.flatMap((runs, i) => runs.map((x, r) => {
  const y = viaIdentity[i][r];
  return {
    prob: Math.max(...x.probs.map((pk, k) => Math.abs(pk - y.probs[k]))),
    logit: Math.max(...x.logits.flat().map((l, j) => Math.abs(l - y.logits.flat()[j]) / (1 + Math.abs(l)))),
  };
}));
const probGap = Math.max(...gaps.map((g) => g.prob));
const logitGap = Math.max(...gaps.map((g) => g.logit));
const identityChanges = direct.filter((runs, i) => i > 0 && runs.some((x, r) => x.probs.some((pk, k) => pk !== direct[i - 1][r].probs[k]))).length;
if (!(identityChanges > 0)) throw new Error('q never changed, so the comparison tests nothing');
if (!(probGap < 1e-6 && logitGap < 1e-4)) throw new Error(`the identity fails: q differs by ${probGap}, the logits by ${logitGap}`);
console.log(`τ = 3 directly and as τ = 1 with l/3 and learning rate η/9: q identical at all ${direct.length} records (largest gap ${probGap.toExponential(1)}; ` +
  `q changed at ${identityChanges} of them), logits within ${logitGap.toExponential(1)} (relative) at every record`);

// %%
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const MDNF_GROUPS = [{ temperature: 5, runs: 64 }, { temperature: 0.2, runs: 24 }, { temperature: 1, runs: 24 }, { temperature: 25, runs: 24 }];
const mdnfRuns = MDNF_GROUPS.flatMap(({ temperature, runs }) => Array.from({ length: runs }, (_, seed) => ({ temperature, seed })));
const runsAt = (temperature: number) => mdnfRuns.flatMap((run, r) => (run.temperature === temperature ? [r] : []));
const meanBestRows = (table: MixtureRunRecord[][]) => table.flatMap((runs) => MDNF_GROUPS.map(({ temperature }) => (
  { step: runs[0].step, run: `τ = ${temperature}`, p: r5(mean(runsAt(temperature).map((r) => runs[r].probs[1]))) })));
const mdnfLive = new LiveDisplay();
const mdnf = byStep(optimizeMixtureRuns(
  { seeds: mdnfRuns.map((run) => run.seed), temperature: mdnfRuns.map((run) => run.temperature), K: 3, B: 10 }, { loss: loss }, {
    steps: STEPS, learningRate: LR, numSamples: 10, recordEvery: 100, seed: 0,
    // One redraw per recorded step, after its last run.
    onRecord: (r, h) => {
      if (r.run === mdnfRuns.length - 1) {
        mdnfLive.update(`MDNF, ${mdnfRuns.length} runs: step ${r.step} of ${STEPS}`,
          lineChart({ data: meanBestRows(byStep([...h])), x: 'step', y: 'p', color: 'run', title: 'MDNF: mean π_2 over the runs at each τ (live)' }));
      }
    },
  }));
await mdnfLive.finish(`done: ${mdnfRuns.length} runs of ${STEPS} steps`,
  lineChart({ data: meanBestRows(mdnf), x: 'step', y: 'p', color: 'run', rules: [{ y: T[1], label: 't_2 = 0.7' }],
    xTitle: 'SGD step', yTitle: 'π_2, mean over the runs', title: 'MDNF: probability of the best category, averaged over the runs at each temperature' }));

// %% [markdown]
// The spread behind those means, at the source's $\tau = 5$: for each category, the mean over the 64 runs (line) and the lowest to the highest run (band); the dashed lines are the targets $t_k$. Below it, per temperature: how many runs were at the vertex $(0, 1, 0)$ at some record (every 100 steps) and at the end, each with a 95% interval for the rate; the mean $\pi$ over the second half of training; how often $q$ changed between records; and the final excess loss.

// %%
const H = mdnf;
const atVertex = (p: number[]) => p[1] > 1 - 1e-6;
/** The Wilson 95% interval of a rate seen x times in n runs (it stays inside [0, 1], also for x = 0). */
function wilson(x: number, n: number) {
  const z = 1.96, p = x / n, d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d, half = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { x, n, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
/** `table` as `byStep` gives it: table[i][r] is run r at record i. */
function summarise(table: MixtureRunRecord[][], runs: number[]) {
  const last = table.length - 1;
  const secondHalf = table.flatMap((row, i) => (row[0].step >= STEPS / 2 ? [i] : []));
  return {
    everAtVertex: wilson(runs.filter((r) => table.some((row) => atVertex(row[r].probs))).length, runs.length),
    endAtVertex: wilson(runs.filter((r) => atVertex(table[last][r].probs)).length, runs.length),
    average: [0, 1, 2].map((k) => mean(runs.map((r) => mean(secondHalf.map((i) => table[i][r].probs[k]))))),
    lossRose: runs.filter((r) => table.some((row, i) => i > 0 && row[r].exactLoss > table[i - 1][r].exactLoss + 1e-6)).length,
    changes: mean(runs.map((r) => table.filter((row, i) => i > 0 && row[r].probs.some((pk, k) => pk !== table[i - 1][r].probs[k])).length)),
    finalExcess: mean(runs.map((r) => table[last][r].exactLoss - L_MIN)),
  };
}
const bySummary = MDNF_GROUPS.map(({ temperature }) => ({ temperature, ...summarise(H, runsAt(temperature)) }));
const sourceRuns = runsAt(5);
const bandRows = H.flatMap((row) => [0, 1, 2].map((k) => {
  const ps = sourceRuns.map((r) => row[r].probs[k]);
  return { step: row[0].step, category: `π_${k + 1}`, mean: r5(mean(ps)), lower: r5(Math.min(...ps)), upper: r5(Math.max(...ps)) };
}));
await show(lineChart({
  data: bandRows, x: 'step', y: 'mean', band: { lower: 'lower', upper: 'upper' }, color: 'category',
  rules: T.map((tk, k) => ({ y: tk, label: `t_${k + 1}` })), xTitle: 'SGD step', yTitle: 'probability (mean, min–max over 64 runs)',
  title: 'MDNF at τ = 5: spread over initialisations',
}));
const rate = (w: { x: number; n: number; low: number; high: number }) => `${w.x} of ${w.n} (${(100 * w.low).toFixed(1)}–${(100 * w.high).toFixed(1)}%)`;
await showMarkdown([
  '| τ | at the vertex at some record | at the vertex at the end | mean π, steps 5000–9999 | q changed at … of the records | final excess loss (mean) |',
  '| --- | --- | --- | --- | --- | --- |',
  ...bySummary.map((s) => `| ${s.temperature} | ${rate(s.everAtVertex)} | ${rate(s.endAtVertex)} | (${s.average.map((p) => p.toFixed(3)).join(', ')}) | ${s.changes.toFixed(1)} of ${H.length - 1} | ${s.finalExcess.toFixed(3)} |`),
].join('\n'));

// %% [markdown]
// **What to look for.** If the temperature controlled MDNF's bias, some $\tau$ would settle at the vertex. The identity predicts instead that every $\tau$ follows the same drift towards $\pi \approx t$, and that they differ in how far a run gets and how coarsely it moves. At large $\tau$ the gradient is of size $1/\tau$, so at $\tau = 25$ the runs move five times more slowly than at $\tau = 5$ and barely leave their start. At $\tau = 0.2$ the steps in $m$, of size $\eta/\tau^2$, are large next to the width of the surrogate $\mathrm{softmax}(m)$, so $q$ jumps back and forth. $\tau = 1$ lies in between.
//
// **Check.**
// - At the source's $\tau = 5$, reaching the vertex is rare: the upper end of the 95% interval for the rate is below one in four, so the source's run was an unusual draw, not the typical behaviour.
// - At $\tau = 5$ the exact loss rises between records in at least 90% of the runs: training is not a descent on $\mathcal L$.
// - At $\tau = 1$, which gets furthest, the second-half mean $\pi$ is within 0.05 of $t$ in every category: MDNF is biased towards $\mathbb E[y] \approx t$, like ST-GS.
// - At no temperature do the runs settle at the vertex: the second-half mean $\pi_2$ is below 0.8 at every $\tau$, and the mean final excess loss is more than ten times REINFORCE's.
// - The temperature sets the pace: $q$ changes at fewer records at $\tau = 25$, and at more records at $\tau = 0.2$, than at $\tau = 1$.

// %%
const summaryAt = (temperature: number) => bySummary.find((s) => s.temperature === temperature)!;
const [atSource, atOne, atCold, atHot] = [summaryAt(5), summaryAt(1), summaryAt(0.2), summaryAt(25)];
if (!(atSource.everAtVertex.high < 0.25)) throw new Error(`at τ = 5, ${atSource.everAtVertex.x} of ${atSource.everAtVertex.n} runs reached the vertex`);
if (!(atSource.lossRose >= 0.9 * sourceRuns.length)) throw new Error(`the exact loss rose in only ${atSource.lossRose} of ${sourceRuns.length} runs`);
if (!atOne.average.every((p, k) => Math.abs(p - T[k]) < 0.05)) throw new Error(`at τ = 1 the mean π is (${atOne.average}), not within 0.05 of t`);
const settled = bySummary.find((s) => !(s.average[1] < 0.8 && s.finalExcess > 10 * rfExcess));
if (settled !== undefined) throw new Error(`at τ = ${settled.temperature}: mean π_2 ${settled.average[1]}, final excess loss ${settled.finalExcess}`);
if (!(atHot.changes < atOne.changes && atCold.changes > atOne.changes)) throw new Error(`q changed ${atCold.changes}, ${atOne.changes}, ${atHot.changes} times at τ = 0.2, 1, 25`);
await showMarkdown(`At the source's τ = 5, **${atSource.everAtVertex.x} of ${atSource.everAtVertex.n}** runs were at the vertex at some record (95% interval ${(100 * atSource.everAtVertex.low).toFixed(1)}–${(100 * atSource.everAtVertex.high).toFixed(1)}%): ` +
  `what the source's single run did happens, but rarely. The exact loss rose between records in ${atSource.lossRose} of the ${sourceRuns.length} runs. ` +
  `At τ = 1 the runs average π = (${atOne.average.map((p) => p.toFixed(3)).join(', ')}) over the second half, on the target t = (${T.join(', ')}); ` +
  `the mean final excess loss is between ${Math.min(...bySummary.map((s) => s.finalExcess)).toFixed(3)} and ${Math.max(...bySummary.map((s) => s.finalExcess)).toFixed(3)} over the temperatures, against ${rfExcess.toFixed(4)} for REINFORCE. ` +
  'So the temperature does not control where MDNF goes, only how fast and how coarsely it gets there.');

// %% [markdown]
// ### The source's annealing line
//
// The source's loop carries a commented-out line, `p.temperature = 1000./(i+1)`: $\tau = 1000/(s+1)$ at step $s$, from $1000$ at the start to $5$ at step 199, $1$ at step 999 and $0.1$ at the last step. It never ran. While $\tau$ is large the surrogate is flat and the gradient of size $1/\tau$, so nothing moves for the first few hundred steps; at the end the surrogate is sharp, and the gradient, of size up to $1/\tau$, is concentrated on the components whose two largest logits nearly tie. We run it on 32 initialisations.
//
// **Check.** Annealing does not make MDNF converge either: the upper end of the 95% interval for the rate of runs that *end* at the vertex is below one in four, and the mean final excess loss is more than ten times REINFORCE's.

// %%
const annealSeeds = Array.from({ length: 32 }, (_, seed) => seed);
const sourceSchedule = (step: number) => 1000 / (step + 1);
const annealedMixture = byStep(optimizeMixtureRuns({ seeds: annealSeeds, temperature: sourceSchedule, K: 3, B: 10 }, { loss: loss }, {
  steps: STEPS, learningRate: LR, numSamples: 10, recordEvery: 100, seed: 0,
}));
const annealedSummary = summarise(annealedMixture, annealSeeds);
if (!(annealedSummary.endAtVertex.high < 0.25)) throw new Error(`${annealedSummary.endAtVertex.x} of 32 annealed runs ended at the vertex`);
if (!(annealedSummary.finalExcess > 10 * rfExcess)) throw new Error(`the annealed runs end with excess loss ${annealedSummary.finalExcess}`);
await showMarkdown(`With τ = 1000/(step + 1), ending at τ = ${sourceSchedule(STEPS - 1).toFixed(2)}: ${rate(annealedSummary.everAtVertex)} runs at the vertex at some record, ` +
  `**${rate(annealedSummary.endAtVertex)}** at the end; mean π over the second half (${annealedSummary.average.map((p) => p.toFixed(3)).join(', ')}); ` +
  `q changed at ${annealedSummary.changes.toFixed(1)} of ${annealedMixture.length - 1} records; mean final excess loss ${annealedSummary.finalExcess.toFixed(3)}. ` +
  'Cooling MDNF does not remove its bias: it makes the late steps large and the runs jump between neighbouring values of q.');

// %% [markdown]
// ## 8. The Bernoulli variant
//
// The source's second problem: one Bernoulli variable $y \in \{0, 1\}$ with $p = \sigma(l)$, target $t = 0.9$, starting from $l = 1$, same SGD settings. Exactly,
//
// $$\mathcal L = p(1-t)^2 + (1-p)t^2, \qquad \frac{d\mathcal L}{dl} = p(1-p)\bigl((1-t)^2 - t^2\bigr) = -0.8\,p(1-p) < 0,$$
//
// so the optimum is $p \to 1$ ($\mathcal L \to 0.01$). The relaxed sample is $z = \sigma\bigl((l + \Lambda)/\tau\bigr)$ with logistic noise $\Lambda$ (`RelaxedBernoulli`), rounded to $y = \mathbb 1[z > \tfrac12]$ in the straight-through forward pass. At large $\tau$, $dz/dl \approx \tfrac1{4\tau}$, so
//
// $$\mathbb E[\hat g_{\text{ST}}] \approx \frac{1}{4\tau}\,\mathbb E[2(y - t)] = \frac{1}{2\tau}(p - t),$$
//
// zero at $p = t = 0.9$: the same story in one dimension. The claims: REINFORCE drives $p$ to $1$; ST-GS stops near the fixed point $p^* \approx 0.9$.

// %%
const bernoulliLoss = squaredErrorLoss(SQUARED_ERROR_BERNOULLI_TARGET);
const bernoulliLive = new LiveDisplay();
const bernoulliRows: object[] = [];
const pRows = (run: string, h: History) => h.map((r) => ({ run, step: r.step, p: r5(r.probs[0]) }));
const bernoulliRuns = (['reinforce', 'st-gumbel-softmax'] as const).map((estimator) => {
  const run = estimator === 'reinforce' ? 'REINFORCE' : 'ST-GS τ=5';
  const logits = tf.variable(tf.tensor1d([1]));
  const history = optimize(logits, { family: 'bernoulli', loss: bernoulliLoss }, {
    estimator, steps: STEPS, learningRate: LR, numSamples: SAMPLES, seed: 0, temperature: estimator === 'reinforce' ? undefined : 5, recordEvery: RECORD_EVERY,
    onRecord: (r, h) => bernoulliLive.update(`Bernoulli, ${run}: step ${r.step} of ${STEPS}, p = ${r.probs[0].toFixed(4)}`,
      lineChart({ data: [...bernoulliRows, ...pRows(run, h)] as any, x: 'step', y: 'p', color: 'run', title: 'Bernoulli p (live)' })),
  });
  logits.dispose();
  bernoulliRows.push(...pRows(run, history));
  return { run, history };
});
const bernoulliStar = findStationaryLogits({
  gradient: meanGradient({ estimator: 'st-gumbel-softmax', family: 'bernoulli', loss: bernoulliLoss, numSamples: 100_000, seed: 1, temperature: 5 }),
  initial: [Math.log(9)], family: 'bernoulli', tolerance: 1e-5,
});
const pStar = bernoulliStar.probs[0];
const [bRf, bSt] = bernoulliRuns.map(({ history }) => history.map((r) => r.probs[0]));
await bernoulliLive.finish(`done: REINFORCE p = ${bRf[bRf.length - 1].toFixed(4)}, ST-GS τ=5 p = ${bSt[bSt.length - 1].toFixed(4)}, ST fixed point p* = ${pStar.toFixed(4)}`,
  lineChart({
    data: bernoulliRows as any, x: 'step', y: 'p', color: 'run', rules: [{ y: pStar, label: `ST fixed point p* = ${pStar.toFixed(3)}` }, { y: 1, label: 'optimum p = 1' }],
    xTitle: 'SGD step', yTitle: 'p = σ(l)', title: 'Bernoulli, target 0.9: REINFORCE vs ST Gumbel-Softmax',
  }));

// %% [markdown]
// **Check.** REINFORCE ends with $p > 0.975$ and still rising. The ST-GS fixed point $p^*$ is within $0.02$ of $0.9$; the ST-GS run approaches it from below (it is slow: the restoring gradient is only $\tfrac1{2\tau}\,|p - t|$) and never passes it by more than $0.005$. Past $p^*$ the estimator pushes *back*, while the exact gradient $-0.8\,p(1-p)$ is negative at every $p$: at $p = 0.97$ the exact mean of the ST-GS estimate (by quadrature, as in section 5) is positive, so gradient descent lowers $p$; 20 Monte Carlo averages of 5000 draws agree with it within 4 standard errors, and on their own put the sign more than 3 standard errors above zero.

// %%
const p97 = [Math.log(0.97 / 0.03)];
const bernoulliProblem = { logits: p97, family: 'bernoulli' as const, loss: bernoulliLoss };
const stMeanAt97 = expectedStGumbelSoftmaxGradient(bernoulliProblem, { temperature: 5 })[0];
const at97 = gradientStatistics(repeatEstimates('st-gumbel-softmax', bernoulliProblem, { numSamples: 5000, seed: 2, temperature: 5 }, 20).estimates, [stMeanAt97]);
const exactAt97 = squaredErrorExactGradient(p97, SQUARED_ERROR_BERNOULLI_TARGET)[0];
const rfEnd = bRf[bRf.length - 1], stEnd = bSt[bSt.length - 1];
if (!(rfEnd > 0.975)) throw new Error(`Bernoulli REINFORCE ended at p = ${rfEnd}`);
if (!(bernoulliStar.converged && Math.abs(pStar - 0.9) < 0.02)) throw new Error(`Bernoulli ST fixed point p* = ${pStar}`);
if (!(Math.max(...bSt) < pStar + 0.005)) throw new Error(`ST-GS passed its fixed point: max p = ${Math.max(...bSt)}, p* = ${pStar}`);
if (!(stMeanAt97 > 0 && at97.maxAbsZ < 4)) throw new Error(`at p = 0.97: exact ST mean ${stMeanAt97}, Monte Carlo ${at97.mean[0]} (${at97.maxAbsZ} standard errors away)`);
const at97Se = at97.sd[0] / Math.sqrt(at97.count);
if (!(at97.mean[0] > 3 * at97Se)) throw new Error(`the Monte Carlo mean ${at97.mean[0]} is only ${at97.mean[0] / at97Se} standard errors above 0`);
await showMarkdown(`REINFORCE ends at p = **${rfEnd.toFixed(4)}**; ST-GS at p = **${stEnd.toFixed(4)}**, below its fixed point p* = ${pStar.toFixed(4)}. ` +
  `At p = 0.97 the ST-GS estimate has mean **+${stMeanAt97.toFixed(4)}** (Monte Carlo: ${at97.mean[0].toFixed(4)} ± ${at97Se.toFixed(4)}), against the exact gradient ${exactAt97.toFixed(4)}.`);

// %% [markdown]
// ## Summary
//
// | estimator | gradient | where SGD goes (categorical, $t = (0.2, 0.7, 0.1)$) | Bernoulli, $t = 0.9$ |
// | --- | --- | --- | --- |
// | REINFORCE | unbiased, noisy | the optimal vertex $(0, 1, 0)$ | $p \to 1$ |
// | ST Gumbel-Softmax, $\tau = 5$ | low noise, biased: $\approx \tfrac{2}{K\tau}(\pi - t)$ | the fixed point $\pi^* \approx t$ (section 4) | the fixed point $p^* \approx 0.9$ |
// | ST Gumbel-Softmax, $\tau \to 0$ | for this loss the bias falls like $\tau$, the noise grows; for a loss of higher degree (the quartic) the bias stays, and can grow | annealed $5 \to 0.1$: the vertex | (not run) |
// | MDNF, any $\tau$ | no sampling noise; straight-through, biased; $\tau$ is equivalent to rescaling the initial logits and the learning rate | $\pi$ hovers near $t$ at every $\tau$ and with the source's annealing; it visits the vertex only rarely | (not run) |
//
// The common thread: a straight-through backward pass treats the discrete sample as a smooth function of the parameters. For a loss that is quadratic in the sample, at a high temperature that turns "minimise the expected squared error" into "put the expected sample on the target"; the two coincide only when the target is itself a possible outcome. At a low temperature, the backward pass integrates the loss's slope along each edge of the simplex by the trapezoid rule, which is exact for quadratic losses and wrong for others.

// %% [markdown]
// > **Where the source goes wrong**
// >
// > - **REINFORCE's printed "loss" is the surrogate, not the objective.** `loss1 = f(y) * d.log_prob(y)` is built so that its gradient is the REINFORCE estimate; its value is $\frac1n\sum_i f(y_i)\log q(y_i)$, negative because $\log q < 0$, and it rises towards 0 as $q$ sharpens whatever the loss does. The objective $\mathbb E_q[f]$ starts near 0.87 and ends near its minimum 0.14. The from-scratch cell of section 2 computes both.
// > - **"Converges to zero loss."** The minimum of $\mathbb E_q\bigl[\sum_k (y_k - t_k)^2\bigr]$ is 0.14, at the vertex $e_2$: no one-hot $y$ equals $t$, so no estimator reaches 0. The printout approaches 0 only because it is the surrogate; and the Gumbel-Softmax run "never achieves zero loss" for the same reason before any bias enters.
// > - **The "Gumbel softmax" section trains *straight-through* Gumbel-Softmax.** `st(p.sample(1000))` hardens every relaxed sample, so the loss is evaluated at exact samples and the gradient is straight-through's. The plain Gumbel-Softmax estimator, which the heading names, is never trained; section 2 shows that the two differ.
// > - **"The bias can be removed by annealing the temperature down to 0"** is stated but never run, and it is true only for some losses: for this squared error the bias falls like $\tau$ (section 5), for the quartic error it grows as $\tau \to 0$. The rule is the trapezoid rule of section 5.
// > - **MDNF's bias "can be controlled by the temperature."** In MDNF a temperature is equivalent to a rescaling of the initial logits and of the learning rate (section 7). At none of the temperatures tried does it settle at the vertex, and the annealing line `p.temperature = 1000./(i+1)` is commented out: it never ran, and run here it does not help.
// > - **One run is reported as the behaviour.** The MDNF run that reached $(0, 1, 0)$ is one draw of the initialisation; over many initialisations that outcome is rare (section 7).
// > - **A second straight-through step that does nothing.** The MDNF loop applies `st` to samples that are already one-hot; `st` of a one-hot vector is the identity in both passes. Harmless, but it suggests a relaxation where there is none: MDNF's straight-through step is inside the flow.

// %% [markdown]
// ## Exercises
//
// 1. **Annealing the quartic.** Train straight-through Gumbel-Softmax on the quartic error $\sum_k (y_k - t_k)^4$ with the annealing schedule of section 6. Predict first from the trapezoid values $b_k$ and the true values $f(e_k)$: will it still reach the vertex $e_2$, and how fast compared with the squared error? Then run it with `optimize`.
// 2. **A loss that sends straight-through to the wrong vertex.** For a separable loss $\sum_k h_k(y_k)$ the $\tau \to 0$ limit follows $b_k = \tfrac12\bigl(h_k'(0) + h_k'(1)\bigr)$, the exact gradient $h_k(1) - h_k(0)$. Choose $h_k$ so that the two orderings differ, check the limit with `expectedStGumbelSoftmaxGradient` at $\tau = 0.001$, and train it.
// 3. **The Bernoulli limit.** For one Bernoulli variable the same argument gives $\lim_{\tau\to0}\mathbb E[\hat g_{\text{ST}}] = p(1-p)\cdot\tfrac12\bigl(f'(0) + f'(1)\bigr)$. Derive it from the logistic noise, and compare with `expectedStGumbelSoftmaxGradient` for $f(y) = (y - 0.9)^2$ and for $f(y) = (y - 0.9)^4$.
// 4. **A baseline for REINFORCE.** Repeat the 200 draws of section 2 with `baseline: 'leave-one-out'`. How much smaller is REINFORCE's standard deviation, and how does it then compare with straight-through at $\tau = 0.1$ (section 5), which is biased?
// 5. **The MDNF identity by hand.** Write two 100-step MDNF loops with `FactorizedDiscreteFlowsMixture` and `pathwiseGradient`: one at $\tau = 4$ from the default logits with learning rate $\eta$, one at $\tau = 1$ from those logits divided by 4 with learning rate $\eta/16$. Check that $q$ agrees at every step. Which part of the identity fails for ST Gumbel-Softmax, whose forward pass uses $l + G$?
