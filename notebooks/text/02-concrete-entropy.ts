// -*- coding: utf-8 -*-
// %% [markdown]
// # 02 · The entropy term of a relaxed categorical
//
// A VAE with a categorical latent variable needs two things from its encoder $q$: samples to feed the decoder, and the entropy $H(q)$ (inside the KL term) to reward uncertainty. With the Concrete, or Gumbel-Softmax, relaxation [1, 2] the samples become points of the simplex instead of one-hot vectors, and there is more than one way to write down "the entropy" once that happens. The source notebook compares them on a single four-way categorical, then asks what they do to the gradients of a VAE. We port that comparison and make it quantitative: every estimate below is checked against the exact entropy, every gradient against the exact gradient, and, in a VAE small enough to enumerate, every treatment of the KL term against the exact gradient of the discrete objective.
//
// Notation. $q$ has logits $l \in \mathbb R^K$ and probabilities $\pi = \mathrm{softmax}(l)$. A relaxed sample at temperature $\tau > 0$ is
//
// $$z = \mathrm{softmax}\bigl((l + G)/\tau\bigr), \qquad G_1,\dots,G_K \text{ independent standard Gumbel},$$
//
// which is differentiable in $l$. There are four ways to get at $H(q) = -\sum_k \pi_k \log \pi_k$. We name them by what they compute, as the library does (`estimateEntropy(variant, {logits}, options)` and `estimateKL(variant, {logits, priorLogits}, options)`); the source names two of them by their equation numbers in [1]:
//
// | variant | formula | what it is |
// | --- | --- | --- |
// | discrete Monte Carlo, `'discrete-monte-carlo'` | $-\frac1n \sum_i \log \pi_{\arg\max z_i}$ | the plain MC estimate, on rounded relaxed samples |
// | relaxed log-mass, `'relaxed-log-mass'` ([1], eq. 21) | $-\frac1n \sum_i \sum_k z_{ik} \log \pi_k$ | the discrete log-mass, evaluated at relaxed samples |
// | Concrete Monte Carlo, `'concrete-monte-carlo'` | $-\frac1n \sum_i \log p_\tau(z_i)$ | the entropy of the *continuous* Concrete density $p_\tau$ |
// | analytic, `'analytic'` ([1], eq. 22) | $-\sum_k \pi_k \log \pi_k$ | the closed form, no sampling |
//
// Claims checked below:
//
// 1. written from scratch in raw TensorFlow.js, the four estimates agree with the library's;
// 2. the discrete MC estimate is right;
// 3. the mean of relaxed samples is not $\pi$ but approaches it as $\tau \to 0$, while their argmax follows $\pi$ at every $\tau$;
// 4. the relaxed log-mass overestimates $H$ and approaches it as $\tau \to 0$; the Concrete estimate is far off at every temperature, and for a reason;
// 5. the analytic gradient is exact, the relaxed log-mass gradient approaches it at low $\tau$, the Concrete gradient is a different gradient altogether;
// 6. the fully relaxed KL, with prior and posterior at the same temperature, does not depend on $\tau$ at all;
// 7. in a VAE, straight-through gives the decoder an unbiased gradient and the encoder a biased one; the relaxed log-mass KL adds a bias that vanishes as $\tau \to 0$, the Concrete KL one that does not.
//
// [1] C. J. Maddison, A. Mnih, Y. W. Teh, *The Concrete Distribution: A Continuous Relaxation of Discrete Random Variables*, ICLR 2017.
// [2] E. Jang, S. Gu, B. Poole, *Categorical Reparameterization with Gumbel-Softmax*, ICLR 2017.

// %%
import {
  tf, initBackend, backend, Random, estimateEntropy, estimateKL, ENTROPY_VARIANTS, ENTROPY_VARIANT_LABELS, EntropyVariant,
  exactEntropy, categoricalFrequencies, relaxedProportions, repeatEntropyEstimates, gradientStatistics,
  CategoricalVae, exactVaeGradient, trainByExactElbo, repeatVaeGradients, lineChart, barChart, show, showMarkdown
} from '../dist';
await initBackend();
console.log(`backend: ${backend()}`);

// %% [markdown]
// **Why the default backend.** `initBackend()` takes the native `tensorflow` backend where it loads. The entropy estimates here draw tens of thousands of relaxed samples at a time, large enough for arithmetic to matter more than the fixed cost of each operation, and the native backend is the faster one: `bench/notebook-backends.py`, which runs the whole notebook on each backend in interleaved rounds, finds it sooner done on `tensorflow` than on `wasm` on this project's machines.

// %% [markdown]
// ## The distribution
//
// Four outcomes with $\pi = (1/2, 1/4, 1/8, 1/8)$. Since $\log \pi = -(1, 2, 3, 3)\ln 2$, the entropy is $H = (\tfrac12 + \tfrac24 + \tfrac38 + \tfrac38)\ln 2 = 1.75 \ln 2 \approx 1.2130$ nats. Its gradient with respect to the logits follows from $\partial \pi_k/\partial l_j = \pi_k(\delta_{jk} - \pi_j)$:
//
// $$\frac{\partial H}{\partial l_j} = -\pi_j\bigl(\log \pi_j + H\bigr).$$
//
// We keep both in float64 on the host (`H` and `gradH` below). Every estimate in this notebook is measured against these hand-derived values, never against the library's own output.
//
// ## The four estimates from scratch
//
// Before the library's estimators are used, here they are in raw TensorFlow.js, as functions of the logits $l$, a matrix $G$ of standard Gumbel noise ($n \times K$) and $\tau$:
//
// - the relaxed samples $z = \mathrm{softmax}((l + G)/\tau)$, one per row of $G$;
// - **discrete MC**: the log-mass at the rounded sample $\mathrm{onehot}(\arg\max z)$. Rounding has no gradient, so the estimate is made differentiable by straight-through: the forward pass rounds, the backward pass passes the gradient on unchanged. TensorFlow.js has no `stopGradient`, so this is written with `tf.customGrad`;
// - **relaxed log-mass**: the same log-mass, weighted by $z$ itself;
// - **Concrete MC**: the Concrete log-density of [1], in log space,
// $$\log p_\tau(z) = \log (K-1)! + (K-1)\log\tau + \sum_k \bigl(\log\pi_k - (\tau+1)\log z_k\bigr) - K \log\sum_k \exp\bigl(\log\pi_k - \tau\log z_k\bigr);$$
// - **analytic**: $-\sum_k \pi_k \log\pi_k$ with $\pi = \mathrm{softmax}(l)$ computed *inside* the function, so that autodiff sees how $\pi$ depends on $l$.
//
// Each is differentiated with `tf.valueAndGrad`. The library draws its noise as `new Random(seed).gumbel([n, K])`, so with the same seed both sides see the same $G$, and they should agree up to float32 rounding.

// %%
const probs = [0.5, 0.25, 0.125, 0.125];
const K = probs.length;
const logits = tf.log(tf.tensor1d(probs));
const H = 1.75 * Math.LN2;                               // by hand, in float64
const gradH = probs.map((p) => -p * (Math.log(p) + H));  // −π(log π + H), in float64
const fmt = (v: number[], d = 4) => v.map((x) => x.toFixed(d)).join(', ');
/** The value of a scalar tensor, which is then freed. */
const valueOf = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };

const relaxed = (l: tf.Tensor, G: tf.Tensor, tau: number) => tf.softmax(tf.div(tf.add(l, G), tau));
// Forward: the one-hot vector of the argmax. Backward: the incoming gradient, unchanged.
const roundWithIdentityGradient = tf.customGrad((...args) => {
  const z = args[0] as tf.Tensor;
  return { value: tf.cast(tf.oneHot(tf.argMax(z, -1), K), 'float32'), gradFunc: (dy: tf.Tensor) => tf.clone(dy) };
});
const logFactorial = (m: number) => Array.from({ length: m }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b, 0);
const concreteLogDensity = (logPi: tf.Tensor, z: tf.Tensor, tau: number) => {
  const logZ = tf.log(z);
  const numerator = tf.sum(tf.sub(logPi, tf.mul(tau + 1, logZ)), -1);
  const normaliser = tf.mul(K, tf.logSumExp(tf.sub(logPi, tf.mul(tau, logZ)), -1));
  return tf.add(tf.sub(numerator, normaliser), logFactorial(K - 1) + (K - 1) * Math.log(tau));
};
/** (1/n) Σ_i Σ_k w_ik log π_k for points w [n, K]. */
const meanLogMass = (w: tf.Tensor, l: tf.Tensor) => tf.mean(tf.sum(tf.mul(w, tf.logSoftmax(l)), -1));
const fromScratch: Record<EntropyVariant, (l: tf.Tensor, G: tf.Tensor, tau: number) => tf.Tensor> = {
  'discrete-monte-carlo': (l, G, tau) => tf.neg(meanLogMass(roundWithIdentityGradient(relaxed(l, G, tau)), l)),
  'relaxed-log-mass': (l, G, tau) => tf.neg(meanLogMass(relaxed(l, G, tau), l)),
  'concrete-monte-carlo': (l, G, tau) => tf.neg(tf.mean(concreteLogDensity(tf.logSoftmax(l), relaxed(l, G, tau), tau))),
  analytic: (l) => tf.neg(tf.sum(tf.mul(tf.softmax(l), tf.logSoftmax(l)))),
};

// Both sides at the same noise: n = 1000 draws from one seed, at two temperatures.
const SCRATCH_SAMPLES = 1000, SCRATCH_SEED = 11;
const comparisons = [0.5, 2].flatMap((tau) => ENTROPY_VARIANTS.map((variant) => tf.tidy(() => {
  const G = new Random(SCRATCH_SEED).gumbel([SCRATCH_SAMPLES, K]);
  const ours = tf.valueAndGrad((l: tf.Tensor) => fromScratch[variant](l, G, tau) as tf.Scalar)(logits);
  const options = variant === 'analytic' ? undefined : { numSamples: SCRATCH_SAMPLES, seed: SCRATCH_SEED, temperature: tau };
  const library = tf.valueAndGrad((l: tf.Tensor) => estimateEntropy(variant, { logits: l }, options) as tf.Scalar)(logits);
  const [g1, g2] = [Array.from(ours.grad.dataSync()), Array.from(library.grad.dataSync())];
  return {
    tau, variant, scratch: ours.value.dataSync()[0], library: library.value.dataSync()[0], scratchGrad: g1,
    gradNorm: Math.hypot(...g1), gradGap: Math.max(...g1.map((g, j) => Math.abs(g - g2[j]))),
  };
})));
for (const c of comparisons) {
  console.log(`τ = ${c.tau}, ${ENTROPY_VARIANT_LABELS[c.variant].padEnd(26)} from scratch ${c.scratch.toFixed(6)}, library ${c.library.toFixed(6)}; |∇| = ${c.gradNorm.toFixed(4)}, largest gap ${c.gradGap.toExponential(1)}`);
}

// %% [markdown]
// **Check.** At $\tau = 0.5$ and $\tau = 2$, each of the library's four variants gives the from-scratch value to a relative $10^{-5}$ and the from-scratch gradient to $10^{-5}\lVert\nabla\rVert$, at gradients that are not small ($\lVert\nabla\rVert > 0.01$). The from-scratch analytic value and gradient equal the hand-derived $H$ and $\nabla H$ to $10^{-6}$, and so does the library's `exactEntropy`.

// %%
for (const c of comparisons) {
  if (!(c.gradNorm > 0.01)) throw new Error(`${c.variant} at τ = ${c.tau}: a gradient of ${c.gradNorm} tests little`);
  if (!(Math.abs(c.scratch - c.library) <= 1e-5 * Math.abs(c.scratch))) throw new Error(`${c.variant} at τ = ${c.tau}: ${c.scratch} from scratch, ${c.library} from the library`);
  if (!(c.gradGap <= 1e-5 * c.gradNorm)) throw new Error(`${c.variant} at τ = ${c.tau}: the gradients differ by ${c.gradGap}`);
}
const scratchAnalytic = comparisons.find((c) => c.variant === 'analytic')!;
const libraryExact = exactEntropy(logits);
const againstHand: [string, number, number[]][] = [['from scratch', scratchAnalytic.scratch, scratchAnalytic.scratchGrad], ['exactEntropy', libraryExact.value, libraryExact.grad]];
for (const [name, value, grad] of againstHand) {
  if (!(Math.abs(value - H) < 1e-6)) throw new Error(`${name}: H = ${value}, by hand ${H}`);
  if (grad.some((g, j) => Math.abs(g - gradH[j]) > 1e-6)) throw new Error(`${name}: ∇H = [${fmt(grad)}], by hand [${fmt(gradH)}]`);
}
const worstGap = Math.max(...comparisons.map((c) => c.gradGap / c.gradNorm));
console.log(`the library's four variants agree with the from-scratch ones at τ = 0.5 and 2 (largest gradient gap ${worstGap.toExponential(1)} of |∇|)`);
console.log(`H(q) = ${H.toFixed(4)} nats (1.75 ln 2); from scratch ${scratchAnalytic.scratch.toFixed(7)}, exactEntropy ${libraryExact.value.toFixed(7)}`);
console.log(`∇H = [${fmt(gradH)}], as −π(log π + H); both autodiff gradients agree to 1e-6`);

// %% [markdown]
// ## 1. Discrete Monte Carlo
//
// Draw $y_1,\dots,y_N \sim q$ and average the surprisal $-\log \pi_{y_i}$. The estimate is unbiased, with standard error $\sigma/\sqrt N$, where $\sigma$ is the standard deviation of $-\log q(y)$ under $q$; here it is known exactly, $\sigma^2 = \sum_k \pi_k (\log \pi_k)^2 - H^2 = (3.75 - 1.75^2)\ln^2 2$, so $\sigma \approx 0.575$.
//
// The library draws $y_i$ as the argmax of a relaxed sample (section 3 shows why that is an exact draw of $q$); the temperature passed to `estimateEntropy('discrete-monte-carlo', …)` changes its gradient, not its value.
//
// **Check.** With $N = 10\,000$, the estimate is within $4\sigma/\sqrt N \approx 0.023$ of $H$, and each observed frequency of exact categorical draws (`categoricalFrequencies`) within $4\sqrt{\pi_k(1-\pi_k)/N}$ of $\pi_k$.

// %%
const N = 10_000;
const sigma = Math.sqrt(3.75 - 1.75 ** 2) * Math.LN2; // by hand
const frequencies = categoricalFrequencies({ logits: logits }, { numSamples: N, seed: 1 });
const discreteEstimate = valueOf(estimateEntropy('discrete-monte-carlo', { logits: logits }, { numSamples: N, seed: 2, temperature: 1 }));
const entropyTolerance = 4 * sigma / Math.sqrt(N);
if (Math.abs(discreteEstimate - H) > entropyTolerance) throw new Error(`discrete MC ${discreteEstimate} is more than ${entropyTolerance} from H = ${H}`);
probs.forEach((p, k) => {
  const tolerance = 4 * Math.sqrt(p * (1 - p) / N);
  if (Math.abs(frequencies[k] - p) > tolerance) throw new Error(`frequency of outcome ${k + 1}: ${frequencies[k]} vs ${p} ± ${tolerance}`);
});
console.log(`frequencies of ${N} draws: [${fmt(frequencies)}] for π = [${fmt(probs)}]`);
console.log(`discrete MC entropy: ${discreteEstimate.toFixed(4)}, H = ${H.toFixed(4)}, |difference| = ${Math.abs(discreteEstimate - H).toFixed(4)} < 4σ/√N = ${entropyTolerance.toFixed(4)} (σ = ${sigma.toFixed(4)})`);

// %% [markdown]
// ## 2. The mean of relaxed samples is not π
//
// A relaxed sample $z$ lies inside the simplex, so its coordinates can be averaged like one-hot vectors. The averages are *not* the probabilities: at high temperature $z$ sits near the centre $(1/K,\dots,1/K)$, and as $\tau \to \infty$ every sample goes there. As $\tau \to 0$ the samples approach vertices and $\mathbb E[z] \to \pi$. The source saw this at two temperatures (means $\approx 0.27, 0.25, 0.24, 0.24$ at $\tau = 10$ and $\approx 0.42, 0.26, 0.16, 0.16$ at $\tau = 1$). We sweep $\tau$ from $0.05$ to $20$ with $N = 40\,000$ samples per temperature.

// %%
const TEMPERATURES = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 15, 20];
const N_SWEEP = 40_000;
const sweep = TEMPERATURES.map((tau, i) => relaxedProportions({ logits: logits }, { temperature: tau, numSamples: N_SWEEP, seed: 100 + i }));
const at = (tau: number) => sweep.find((s) => s.temperature === tau)!;
console.log(`τ = 10: mean of z = [${fmt(at(10).relaxed)}]   (source: 0.2721, 0.2541, 0.2370, 0.2368)`);
console.log(`τ = 1:  mean of z = [${fmt(at(1).relaxed)}]   (source: 0.4203, 0.2587, 0.1616, 0.1594)`);
const categoryName = (k: number) => `k = ${k + 1} (π = ${probs[k]})`;
await show(lineChart({
  data: sweep.flatMap((s) => s.relaxed.map((mean, k) => ({ temperature: s.temperature, category: categoryName(k), mean }))),
  x: 'temperature', y: 'mean', color: 'category', logX: true, points: true,
  rules: [{ y: 0.5, label: 'π = 1/2' }, { y: 0.25, label: 'π = 1/4' }, { y: 0.125, label: 'π = 1/8' }],
  xTitle: 'temperature τ (log scale)', yTitle: 'mean of z_k over 40 000 samples',
  title: 'Relaxed samples: mean coordinates against the probabilities',
}));

// %% [markdown]
// The lines fan out from $1/K = 0.25$ at high temperature to the dashed probabilities at low temperature. The largest category loses the most: at $\tau = 10$ its mean coordinate is barely above the others.
//
// **Check.** Let $d(\tau) = \lVert \bar z(\tau) - \pi \rVert_2$. The noise in $d$ is at most $\lVert \bar z - \mathbb E z\rVert_2$, whose root mean square is $\sqrt{\sum_k \mathrm{Var}\, z_k / N} \le \sqrt{(1 - 1/K)/N}$ (each $z_k \in [0,1]$ has variance at most $\mathbb E z_k(1 - \mathbb E z_k)$, and these sum to at most $1 - 1/K$). With a margin $m = 4\sqrt{(1-1/K)/N} \approx 0.017$: on the coarse grid $\tau = 0.1, 0.5, 2, 20$ each $d$ is below the next by more than $m$, and $d(0.05) < m$. At the source's two temperatures our means agree with the source's to $0.01$.

// %%
const distance = (tau: number) => Math.hypot(...at(tau).relaxed.map((m, k) => m - probs[k]));
const margin = 4 * Math.sqrt((1 - 1 / K) / N_SWEEP);
const coarse = [0.1, 0.5, 2, 20];
for (let i = 0; i + 1 < coarse.length; i++) {
  const [a, b] = [coarse[i], coarse[i + 1]];
  if (!(distance(a) + margin < distance(b))) throw new Error(`d(${a}) = ${distance(a)} is not below d(${b}) = ${distance(b)} by ${margin}`);
}
if (!(distance(0.05) < margin)) throw new Error(`d(0.05) = ${distance(0.05)} ≥ ${margin}`);
const sourceMeans: [number, number[]][] = [[10, [0.2721, 0.2541, 0.2370, 0.2368]], [1, [0.4203, 0.2587, 0.1616, 0.1594]]];
for (const [tau, means] of sourceMeans) {
  if (at(tau).relaxed.some((m, k) => Math.abs(m - means[k]) > 0.01)) throw new Error(`τ = ${tau}: [${fmt(at(tau).relaxed)}] vs the source's [${fmt(means)}]`);
}
console.log(coarse.map((tau) => `d(${tau}) = ${distance(tau).toFixed(4)}`).join(' < '), `  (margin ${margin.toFixed(4)})`);
console.log(`d(0.05) = ${distance(0.05).toFixed(4)} < ${margin.toFixed(4)}; the source's means at τ = 10 and τ = 1 agree to 0.01`);

// %% [markdown]
// ## 3. Rounding a relaxed sample gives an exact draw of q
//
// The Gumbel-max trick says $\arg\max_k (l_k + G_k)$ is distributed as $\pi$. Dividing by $\tau > 0$ and applying the softmax are both order-preserving, so
//
// $$\arg\max_k z_k = \arg\max_k \frac{l_k + G_k}{\tau} = \arg\max_k\, (l_k + G_k) \sim \pi \quad\text{for every } \tau$$
//
// ([1], the rounding property). Discretising, which is what straight-through does on the forward pass, therefore undoes the distortion of section 2 completely. In fact more holds: for the *same* noise $G$, the argmax does not depend on $\tau$ at all. That last statement is an identity, so the cell below shows it without testing it.
//
// **Check.** At each of the 15 temperatures of the sweep (each with its own noise), every discretised frequency $f_{\tau k}$ is within $4\sqrt{\pi_k(1-\pi_k)/N}$ of $\pi_k$. Pooled over the temperatures, the statistic $X^2 = \sum_\tau N \sum_k (f_{\tau k} - \pi_k)^2/\pi_k$, which for exact draws follows a $\chi^2$ distribution with $15 \times 3 = 45$ degrees of freedom (mean $45$, standard deviation $\sqrt{90}$), is below $45 + 4\sqrt{90}$. The pooled test would catch a distortion too small to show in any one frequency.

// %%
const zScores = sweep.flatMap((s) => s.discretised.map((f, k) => (f - probs[k]) / Math.sqrt(probs[k] * (1 - probs[k]) / N_SWEEP)));
const worstZ = Math.max(...zScores.map(Math.abs));
if (!(worstZ < 4)) throw new Error(`a discretised frequency is ${worstZ} standard errors from π`);
const pooled = sweep.reduce((sum, s) => sum + N_SWEEP * s.discretised.reduce((a, f, k) => a + (f - probs[k]) ** 2 / probs[k], 0), 0);
const degrees = TEMPERATURES.length * (K - 1);
const pooledLimit = degrees + 4 * Math.sqrt(2 * degrees);
if (!(pooled < pooledLimit)) throw new Error(`pooled X² = ${pooled} over ${degrees} degrees of freedom`);
console.log(`${zScores.length} discretised frequencies (${TEMPERATURES.length} temperatures × ${K} outcomes): largest |z| = ${worstZ.toFixed(2)} < 4`);
console.log(`pooled X² = ${pooled.toFixed(1)} on ${degrees} degrees of freedom (limit ${pooledLimit.toFixed(1)})`);
const cold = relaxedProportions({ logits: logits }, { temperature: 0.05, numSamples: N, seed: 7 }), hot = relaxedProportions({ logits: logits }, { temperature: 20, numSamples: N, seed: 7 });
const agree = Array.from(cold.argmax).filter((k, i) => k === hot.argmax[i]).length;
console.log(`same noise, τ = 0.05 and τ = 20: ${agree} of ${N} argmaxes agree (an identity, shown rather than tested)`);
const se = (p: number, n: number) => 2 * Math.sqrt(p * (1 - p) / n);
await show(barChart({
  data: [
    ...probs.map((p, k) => ({ outcome: `${k + 1}`, series: 'π (exact)', value: p, lower: p, upper: p })),
    ...[0.1, 1, 10].flatMap((tau) => at(tau).discretised.map((f, k) => ({
      outcome: `${k + 1}`, series: `argmax z, τ = ${tau}`, value: f, lower: f - se(f, N_SWEEP), upper: f + se(f, N_SWEEP),
    }))),
    ...at(10).relaxed.map((m, k) => ({ outcome: `${k + 1}`, series: 'mean of z, τ = 10', value: m, lower: m, upper: m })),
  ],
  x: 'outcome', y: 'value', color: 'series', error: { lower: 'lower', upper: 'upper' },
  xTitle: 'outcome k', yTitle: 'frequency or mean (± 2 s.e.)',
  title: 'Rounded relaxed samples follow π; their raw mean does not',
}));

// %% [markdown]
// ## 4. Four entropy estimates across temperature
//
// Now the entropy itself. What should each estimator give?
//
// - **Discrete MC**: $H$, at every $\tau$, by section 3.
// - **Relaxed log-mass** (eq. 21): its mean is $-\sum_k \mathbb E[z_k]\log \pi_k$, a cross-entropy between the mean relaxed sample and $\pi$. Section 2 showed $\mathbb E[z] \ne \pi$, so this is not $H$; it tends to $H$ as $\tau \to 0$. Here $-\log\pi_k$ is largest for the rare outcomes, and a flattened $\mathbb E[z]$ puts more weight on them, so the relaxed log-mass *over*estimates $H$ at high temperature. The source found $1.526$ at $\tau = 10$ and $1.317$ at $\tau = 1$.
// - **Concrete MC**: the **differential entropy** $h(p_\tau) = -\int p_\tau(z) \log p_\tau(z)\,dz$ of the Concrete density on the simplex. This is a different kind of quantity. A differential entropy measures spread relative to a unit of volume, not the uncertainty about which outcome occurs, and it can be negative. On a bounded set it is at most the log of the set's volume; the Concrete density is written in the first $K-1$ coordinates, where the simplex has volume $1/(K-1)!$, so $h(p_\tau) \le -\log (K-1)! = -\log 6 \approx -1.79$ for *every* $\tau$ and every $l$. It also goes to $-\infty$ at both ends: at high $\tau$ the samples shrink towards the centre, roughly as $1/\tau$ in each of $K - 1$ directions, so $h$ falls by about $(K-1)\ln 2 \approx 2.08$ nats per doubling of $\tau$; at low $\tau$ the mass piles up at the vertices. There is no reason for it to equal $H$, and it never comes close. (The source printed the mean log-density, $+6.97$ at $\tau = 10$ and $+2.74$ at $\tau = 1$; the entropy estimate is its negative.)
// - **Analytic** (eq. 22): $H$ exactly.
//
// We run each Monte Carlo estimator $M = 80$ times with $n = 1000$ samples, at nine temperatures. Every temperature and estimator reuses the same Gumbel noise (common random numbers), so the curves are smooth and differences between temperatures are not noise; it also makes the discrete MC value identical at every $\tau$, by section 3. The runs also record the gradient of each estimate with respect to the logits, for section 5.
//
// Below $\tau = 0.2$ we leave the Concrete estimator out. The smallest coordinates of a sample then fall below float32's normal range (the sweep above counts them), the library keeps them at $2^{-126}$, and $\log p_\tau$ evaluated at such a clamped point is not the density of the sample that was drawn.

// %%
const GRID = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20];
const CONCRETE_MIN_TEMPERATURE = 0.2;
const M = 80, n = 1000;
const underflow = sweep.map((s) => `τ = ${s.temperature}: ${s.underflowed}`);
console.log(`coordinates kept at 2^−126 out of ${N_SWEEP * K}: ${underflow.slice(0, 4).join(', ')}, …`);
if (sweep.some((s) => s.temperature >= CONCRETE_MIN_TEMPERATURE && s.underflowed > 0)) throw new Error('a sample underflowed at τ ≥ 0.2');
const runs = GRID.flatMap((temperature) => ENTROPY_VARIANTS
  .filter((e) => e !== 'concrete-monte-carlo' || temperature >= CONCRETE_MIN_TEMPERATURE)
  .map((e) => repeatEntropyEstimates(e, { logits: logits }, { temperature, numSamples: n, seed: 2021 }, M)));
const run = (e: EntropyVariant, tau: number) => runs.find((r) => r.variant === e && r.temperature === tau)!;
const standardError = (e: EntropyVariant, tau: number) => run(e, tau).sd / Math.sqrt(M);
for (const tau of [1, 10]) {
  console.log(`τ = ${tau}: ` + ENTROPY_VARIANTS.map((e) => `${ENTROPY_VARIANT_LABELS[e]} ${run(e, tau).mean.toFixed(4)}`).join(', '));
}
const panelOf = (e: EntropyVariant) => e === 'concrete-monte-carlo' ? '2 · Concrete MC, a differential entropy' : '1 · estimates of the discrete entropy H(q)';
await show(lineChart({
  data: runs.map((r) => ({
    temperature: r.temperature, estimator: ENTROPY_VARIANT_LABELS[r.variant], panel: panelOf(r.variant), entropy: r.mean,
    lower: r.mean - 2 * r.sd / Math.sqrt(M), upper: r.mean + 2 * r.sd / Math.sqrt(M),
  })),
  x: 'temperature', y: 'entropy', color: 'estimator', band: { lower: 'lower', upper: 'upper' }, logX: true, points: true,
  rules: [{ y: H, label: `exact H = ${H.toFixed(4)}` }], facet: { field: 'panel', columns: 2 }, width: 300,
  xTitle: 'temperature τ (log scale)', yTitle: 'entropy, nats (± 2 s.e.)',
  title: 'Entropy estimators against temperature',
}));

// %% [markdown]
// Left panel: the analytic value and the discrete estimate sit on the exact value (their lines overlap); the relaxed log-mass rises from $H$ at low temperature towards $-\sum_k \tfrac14 \log\pi_k = 2.25 \ln 2 \approx 1.56$ (the cross-entropy of the centre of the simplex) at high temperature. Right panel, on its own scale: the Concrete estimate peaks near $\tau = 1$, about four nats below $H$, and falls steeply on both sides; the exact $H$ is the dashed line far above it.
//
// **Checks** (with $\mathrm{se}$ the standard error of a mean of $M$ runs, and the source's own standard error taken as our per-run standard deviation scaled to its $10\,000$ samples):
//
// 1. The relaxed log-mass reproduces the source: $1.526$ at $\tau = 10$ and $1.317$ at $\tau = 1$, within five combined standard errors.
// 2. The relaxed log-mass decreases towards $H$: over $\tau = 20, 5, 1, 0.2$ each value is below the previous by more than $4(\mathrm{se}_a + \mathrm{se}_b)$, and at $\tau = 0.05$ it is within $4\,\mathrm{se}$ of $H$.
// 3. The Concrete estimate reproduces the source's $-6.97$ at $\tau = 10$ and $-2.74$ at $\tau = 1$ the same way; it is below $-\log 6$ at every temperature, so more than $3$ nats below $H$; and it falls on both sides of $\tau = 1$: by more than $10$ nats from $\tau = 1$ to $0.2$, and by $(K-1)\ln 2 \pm 0.2$ from $\tau = 10$ to $20$.
// 4. Discrete MC is within $4\sigma/\sqrt{Mn}$ of $H$, and the analytic variant equals the hand-derived $H = 1.75 \ln 2$ to $10^{-6}$, at every temperature.

// %%
const sourceSE = (e: EntropyVariant, tau: number) => run(e, tau).sd * Math.sqrt(n / 10_000);
const sourceEntropies: [EntropyVariant, number, number][] = [['relaxed-log-mass', 10, 1.5261], ['relaxed-log-mass', 1, 1.3174], ['concrete-monte-carlo', 10, -6.9701], ['concrete-monte-carlo', 1, -2.7443]];
for (const [e, tau, value] of sourceEntropies) {
  const tolerance = 5 * Math.hypot(sourceSE(e, tau), standardError(e, tau));
  if (Math.abs(run(e, tau).mean - value) > tolerance) throw new Error(`${e} at τ = ${tau}: ${run(e, tau).mean} vs the source's ${value} ± ${tolerance}`);
  console.log(`${ENTROPY_VARIANT_LABELS[e]}, τ = ${tau}: ${run(e, tau).mean.toFixed(4)} vs the source's ${value} (tolerance ${tolerance.toFixed(4)})`);
}
const falling = [20, 5, 1, 0.2];
for (let i = 0; i + 1 < falling.length; i++) {
  const [a, b] = [falling[i], falling[i + 1]];
  const gap = run('relaxed-log-mass', a).mean - run('relaxed-log-mass', b).mean;
  if (!(gap > 4 * (standardError('relaxed-log-mass', a) + standardError('relaxed-log-mass', b)))) throw new Error(`the relaxed log-mass did not fall from τ = ${a} to ${b} (gap ${gap})`);
}
const logMassCold = run('relaxed-log-mass', 0.05);
if (!(Math.abs(logMassCold.mean - H) < 4 * standardError('relaxed-log-mass', 0.05))) throw new Error(`the relaxed log-mass at τ = 0.05 is ${logMassCold.mean}, not within 4 se of H`);
console.log(`relaxed log-mass: ${falling.map((tau) => `${run('relaxed-log-mass', tau).mean.toFixed(4)} (τ = ${tau})`).join(' > ')}; at τ = 0.05 ${logMassCold.mean.toFixed(4)} ≈ H = ${H.toFixed(4)}`);
const concrete = runs.filter((r) => r.variant === 'concrete-monte-carlo');
const highestConcrete = Math.max(...concrete.map((r) => r.mean));
if (!(highestConcrete < -Math.log(6) && highestConcrete < H - 3)) throw new Error(`the Concrete estimate reaches ${highestConcrete}`);
const dropCold = run('concrete-monte-carlo', 1).mean - run('concrete-monte-carlo', 0.2).mean;
const dropHot = run('concrete-monte-carlo', 10).mean - run('concrete-monte-carlo', 20).mean;
if (!(dropCold > 10)) throw new Error(`the Concrete estimate fell only ${dropCold} from τ = 1 to 0.2`);
if (!(Math.abs(dropHot - (K - 1) * Math.LN2) < 0.2)) throw new Error(`the Concrete estimate fell ${dropHot} from τ = 10 to 20, not (K−1) ln 2`);
console.log(`Concrete MC: highest ${highestConcrete.toFixed(3)} < −log 6 = ${(-Math.log(6)).toFixed(3)}; falls ${dropCold.toFixed(2)} from τ = 1 to 0.2 and ${dropHot.toFixed(3)} from τ = 10 to 20 ((K−1) ln 2 = ${((K - 1) * Math.LN2).toFixed(3)})`);
const discreteTolerance = 4 * sigma / Math.sqrt(M * n);
for (const tau of GRID) {
  if (!(Math.abs(run('discrete-monte-carlo', tau).mean - H) < discreteTolerance)) throw new Error(`discrete MC at τ = ${tau}: ${run('discrete-monte-carlo', tau).mean}`);
  if (!(Math.abs(run('analytic', tau).mean - H) < 1e-6)) throw new Error(`the analytic variant at τ = ${tau}: ${run('analytic', tau).mean}, by hand ${H}`);
}
console.log(`discrete MC: ${run('discrete-monte-carlo', 1).mean.toFixed(4)} at every τ, within ${discreteTolerance.toFixed(4)} of H; analytic ${run('analytic', 1).mean.toFixed(7)} = 1.75 ln 2 to 1e-6 at every τ`);

// %% [markdown]
// ## 5. Gradients with respect to the logits
//
// In training, the value of the entropy term matters less than its gradient. Each estimator is differentiable in $l$ through $z$ (and through $\log \pi$), and we compare the $M$ gradients of each against the hand-derived $\nabla_l H = -\pi \odot (\log \pi + H)$.
//
// What to expect:
//
// - **Analytic** (eq. 22) is a deterministic function of $l$ whose value is $H$, so its gradient is exact.
// - **Relaxed log-mass** (eq. 21) is, in expectation, $-\sum_k \mathbb E_\tau[z_k](l)\,\log \pi_k(l)$. Its gradient is the gradient of *that* function, a relaxed objective, which becomes $\nabla H$ only as $\tau \to 0$. At high $\tau$, $\mathbb E[z]$ hardly depends on $l$, and the gradient is dominated by $-\sum_k \mathbb E[z_k]\,\nabla \log\pi_k = \pi - \mathbb E[z]$: it pushes $\pi$ *away* from the flat $\mathbb E[z]$, making $q$ more peaked, the opposite of what increasing $H$ requires.
// - **Discrete MC** through straight-through has the right value but the straight-through gradient, biased for $\tau > 0$.
// - **Concrete MC** is the exact (reparameterised) gradient of the differential entropy: a different function of $l$, with a different gradient.
//
// The bar chart shows the mean gradient over the $M$ runs, $\pm$ one standard deviation of a single run, at three temperatures (no Concrete bar at $\tau = 0.1$, see section 4).

// %%
const components = probs.map((_, j) => `l${j + 1}`);
const GRADIENT_TEMPERATURES = [0.1, 1, 10];
const key = (e: EntropyVariant, tau: number) => `${e}@${tau}`;
const stats = new Map<string, ReturnType<typeof gradientStatistics>>(runs.map((r) => [key(r.variant, r.temperature), gradientStatistics(r.grads, gradH)]));
const statsOf = (e: EntropyVariant, tau: number) => stats.get(key(e, tau))!;
await show(barChart({
  data: GRADIENT_TEMPERATURES.flatMap((tau) => [
    ...gradH.map((g, j) => ({ panel: `τ = ${tau}`, component: components[j], estimator: 'exact', gradient: g, lower: g, upper: g })),
    ...ENTROPY_VARIANTS.filter((e) => stats.has(key(e, tau))).flatMap((e) => statsOf(e, tau).mean.map((g, j) => ({
      panel: `τ = ${tau}`, component: components[j], estimator: ENTROPY_VARIANT_LABELS[e], gradient: g,
      lower: g - statsOf(e, tau).sd[j], upper: g + statsOf(e, tau).sd[j],
    }))),
  ]),
  x: 'component', y: 'gradient', color: 'estimator', error: { lower: 'lower', upper: 'upper' },
  facet: { field: 'panel', columns: 3 }, width: 260,
  xTitle: 'logit', yTitle: 'gradient (mean ± sd)',
  title: 'Entropy gradients against the exact gradient',
}));

// %% [markdown]
// At $\tau = 0.1$ every bar is close to the exact one. At $\tau = 1$ the relaxed log-mass and the straight-through gradient point roughly the right way but are too short, and the Concrete gradient has the right pattern but is almost three times too long. At $\tau = 10$ the relaxed log-mass bars are flipped, the straight-through gradient has shrunk towards zero, and the Concrete one has almost vanished.
//
// The table puts numbers on it: the relative bias $\lVert \bar g - \nabla H\rVert / \lVert\nabla H\rVert$ of the mean gradient $\bar g$, the same quantity expected from noise alone if the estimator were unbiased ($\sqrt{\mathrm{tr}\,\Sigma/M}/\lVert \nabla H\rVert$, the *noise level*), the mean cosine similarity of single runs with $\nabla H$, and the length ratio $\lVert\bar g\rVert/\lVert\nabla H\rVert$.

// %%
const gradNorm = Math.hypot(...gradH);
const rows = runs.filter((r) => r.variant !== 'analytic').map((r) => {
  const s = statsOf(r.variant, r.temperature);
  return { temperature: r.temperature, estimator: ENTROPY_VARIANT_LABELS[r.variant], relativeBias: s.biasNorm / gradNorm, noise: s.biasNoise / gradNorm, cosine: s.cosine, length: Math.hypot(...s.mean) / gradNorm };
});
console.log('τ      estimator                  rel. bias  noise   cosine  length');
for (const r of rows) console.log(`${String(r.temperature).padEnd(6)} ${r.estimator.padEnd(26)} ${r.relativeBias.toFixed(3).padStart(8)}  ${r.noise.toFixed(3)}  ${r.cosine.toFixed(3).padStart(6)}  ${r.length.toFixed(3).padStart(6)}`);
await show(lineChart({
  data: rows, x: 'temperature', y: 'relativeBias', color: 'estimator', logX: true, logY: true, points: true,
  xTitle: 'temperature τ (log scale)', yTitle: 'relative bias (log scale)',
  title: 'Relative bias of the entropy gradient (analytic: exactly 0)',
}));

// %% [markdown]
// The relaxed log-mass and the straight-through gradient lose their bias as $\tau \to 0$ (at the lowest temperatures what remains is noise), while the Concrete gradient is biased by more than a quarter of $\lVert\nabla H\rVert$ at every temperature: too long at low $\tau$, too short at high $\tau$, since the function it differentiates changes scale with $\tau$ (section 4).
//
// **Checks.**
//
// 1. Analytic: every one of the $M$ gradients equals the hand-derived $\nabla H = -\pi \odot (\log\pi + H)$ to $10^{-6}$, at every temperature.
// 2. Relaxed log-mass: at $\tau = 0.05$ every coordinate of the mean gradient is within 4 standard errors of $\nabla H$ and the cosine exceeds $0.99$; the relative bias grows over $\tau = 0.2, 1, 5$ by more than four noise levels at each step; and at $\tau = 10$ the cosine is below $-0.9$ (the gradient points the wrong way).
// 3. Concrete: at every temperature the bias exceeds ten times its noise level and $20\%$ of $\lVert\nabla H\rVert$; the mean gradient is over $10\times$ too long at $\tau = 0.2$ and under $0.1\times$ at $\tau = 10$.

// %%
for (const tau of GRID) {
  const worst = Math.max(...run('analytic', tau).grads.flatMap((g) => g.map((v, j) => Math.abs(v - gradH[j]))));
  if (!(worst < 1e-6)) throw new Error(`the analytic variant at τ = ${tau}: a gradient is ${worst} from −π(log π + H)`);
}
console.log(`analytic: all ${GRID.length * M} gradients equal −π(log π + H) to 1e-6`);
const logMass = (tau: number) => statsOf('relaxed-log-mass', tau);
if (!(logMass(0.05).maxAbsZ < 4 && logMass(0.05).cosine > 0.99)) throw new Error(`relaxed log-mass at τ = 0.05: max |z| ${logMass(0.05).maxAbsZ}, cosine ${logMass(0.05).cosine}`);
const growing = [0.2, 1, 5];
for (let i = 0; i + 1 < growing.length; i++) {
  const [a, b] = [logMass(growing[i]), logMass(growing[i + 1])];
  if (!(b.biasNorm - a.biasNorm > 4 * (a.biasNoise + b.biasNoise))) throw new Error(`the relaxed log-mass bias did not grow from τ = ${growing[i]} to ${growing[i + 1]}`);
}
if (!(logMass(10).cosine < -0.9)) throw new Error(`relaxed log-mass at τ = 10 has cosine ${logMass(10).cosine}`);
console.log(`relaxed log-mass: at τ = 0.05 max |z| = ${logMass(0.05).maxAbsZ.toFixed(2)}, cosine ${logMass(0.05).cosine.toFixed(4)}; relative bias ${growing.map((t) => (logMass(t).biasNorm / gradNorm).toFixed(3)).join(' < ')} at τ = ${growing.join(', ')}; cosine ${logMass(10).cosine.toFixed(3)} at τ = 10`);
for (const r of concrete) {
  const s = statsOf('concrete-monte-carlo', r.temperature);
  if (!(s.biasNorm > 10 * s.biasNoise && s.biasNorm > 0.2 * gradNorm)) throw new Error(`Concrete at τ = ${r.temperature}: bias ${s.biasNorm}, noise ${s.biasNoise}`);
}
const lengthOf = (tau: number) => Math.hypot(...statsOf('concrete-monte-carlo', tau).mean) / gradNorm;
if (!(lengthOf(0.2) > 10 && lengthOf(10) < 0.1)) throw new Error(`Concrete gradient lengths ${lengthOf(0.2)} (τ = 0.2), ${lengthOf(10)} (τ = 10)`);
const smallestConcreteBias = Math.min(...concrete.map((r) => statsOf('concrete-monte-carlo', r.temperature).biasNorm / gradNorm));
console.log(`Concrete: relative bias at least ${smallestConcreteBias.toFixed(3)} at every τ; gradient ${lengthOf(0.2).toFixed(1)}× too long at τ = 0.2, ${lengthOf(10).toFixed(3)}× at τ = 10`);

// %% [markdown]
// ### Does discretising the samples change the relaxed log-mass gradient?
//
// The source remarks that for the relaxed log-mass it makes no difference to the logits' gradient whether $z$ is discretised by straight-through or not. The *pathwise* part is indeed the same (straight-through passes the gradient through unchanged), but $z$ also multiplies $\nabla \log \pi$. With $\hat z = \mathrm{onehot}(\arg\max z)$ and $\partial \log \pi_k/\partial l_j = \delta_{jk} - \pi_j$, the two gradients of one run differ by
//
// $$-\sum_k (\bar z_k - \bar{\hat z}_k)(\delta_{jk} - \pi_j) = \bar{\hat z}_j - \bar z_j, \qquad\text{with mean } \pi_j - \mathbb E[z_j],$$
//
// which is the distortion of section 2: zero only in the limit $\tau \to 0$. Our runs share their noise between estimators, so we can compare directly.
//
// **Check.** At $\tau = 1$ and $\tau = 10$, the mean difference between the relaxed log-mass and straight-through gradients (over the runs of section 4) matches $\pi - \bar z$ from section 2 (other noise, other samples) within $0.02$ per coordinate ($4\times$ a bound of $0.005$ on the two standard errors combined), and it is far from zero.

// %%
for (const tau of [1, 10]) {
  const difference = statsOf('relaxed-log-mass', tau).mean.map((g, j) => g - statsOf('discrete-monte-carlo', tau).mean[j]);
  const predicted = probs.map((p, k) => p - at(tau).relaxed[k]);
  if (difference.some((d, j) => Math.abs(d - predicted[j]) > 0.02)) throw new Error(`τ = ${tau}: [${fmt(difference)}] vs π − E z = [${fmt(predicted)}]`);
  if (!(Math.hypot(...difference) > 0.05)) throw new Error(`τ = ${tau}: the difference is negligible`);
  console.log(`τ = ${tau}: relaxed log-mass − straight-through = [${fmt(difference)}];  π − mean z = [${fmt(predicted)}]`);
}

// %% [markdown]
// ## 6. Where this matters: the KL term of a categorical VAE
//
// For a VAE with decoder $p(x \mid z)$, prior $p(z)$ and categorical encoder $q(z \mid x)$, the objective is
//
// $$\mathcal L(x) = \mathbb E_{q(z\mid x)}\bigl[\log p(x \mid z)\bigr] - \mathrm{KL}\bigl(q(z \mid x)\,\Vert\, p(z)\bigr), \qquad \mathrm{KL}(q \Vert p) = -H(q) - \sum_k \pi_k \log p_k .$$
//
// The entropy studied above is the part of the KL that depends on the encoder alone; with a uniform prior $\mathrm{KL} = \log K - H(q)$, so each entropy variant is a KL variant up to a constant (`estimateKL(variant, {logits, priorLogits}, options)` has the same four).
//
// The gradient a training run follows is the gradient of whatever was computed, not of the discrete ELBO it resembles:
//
// - **KL term.** With the analytic KL (eq. 22) it is the true KL gradient. With the relaxed log-mass (eq. 21) it is the gradient of a relaxed cross-entropy, close to the true one only at low $\tau$ and pointing the wrong way at high $\tau$ (section 5). With the Concrete densities (posterior and prior both relaxed) it is the exact gradient of the KL of a *continuous* model, a different objective (below).
// - **Reconstruction term.** The decoder sees either the relaxed $z$ (Gumbel-Softmax) or $\mathrm{ST}(z)$, a one-hot vector (straight-through). With $\mathrm{ST}(z)$ the decoder is evaluated at an exact draw of $q$ (section 3), so the gradient with respect to the decoder's parameters is an unbiased estimate of the discrete model's. The gradient with respect to the encoder's parameters passes through the relaxation in every variant, so it is biased whatever is done with the KL term.
//
// Section 7 measures both in a VAE small enough to know the exact gradient. First, the Concrete KL.
//
// ### The fully relaxed KL does not depend on the temperature
//
// Let the relaxed prior be the Concrete distribution with uniform logits and temperature $\lambda$. When $\lambda = \tau$ (the library's default), something remarkable happens. Write $y = \mathrm{softmax}((l + G)/\tau)$, so that $y_k^{-\tau} = e^{-l_k - G_k} Z^{\tau}$ with $Z$ the softmax's normaliser. In the log-ratio of the two Concrete densities, the constants $\log (K-1)! + (K-1)\log\tau$ cancel, and so does every power of $Z$ and of $\tau$:
//
// $$\log\frac{q_\tau(y)}{p_\tau(y)} = \sum_k \log \pi_k \;+\; K \log \sum_k e^{-\log\pi_k - G_k} \;-\; K \log\sum_k e^{-G_k}.$$
//
// The right-hand side depends on the noise $G$ and the logits, not on $\tau$. So with $\lambda = \tau$ the Concrete KL, and its gradient, are the same at every temperature, and in particular do not approach the discrete KL as $\tau \to 0$. With a fixed $\lambda$, $\tau$ does not cancel.
//
// **Check.** From scratch, with $n = 200\,000$ Gumbel draws of our own, we average the right-hand side above. The library's `estimateKL('concrete-monte-carlo', …)` from the uniform prior with $\lambda = \tau$, at $\tau = 0.2$, $1$ and $5$ with independent noise ($n = 20\,000$ each), is within four combined standard errors of that average at each $\tau$, and more than $0.2$ above the discrete $\mathrm{KL}(q \Vert p) = \log 4 - H \approx 0.173$; the library's analytic KL equals $\log 4 - H$ to $10^{-6}$. With the prior's temperature held at $\lambda = 1$ instead, the KL at $\tau = 0.2$ and at $\tau = 5$ is more than one nat away from its value at $\lambda = \tau$.

// %%
// The τ-free log-ratio, from scratch: Σ_k log π_k + K logsumexp(−log π − G) − K logsumexp(−G), over our own noise.
const FREE_SAMPLES = 200_000;
const free = tf.tidy(() => {
  const G = new Random(77).gumbel([FREE_SAMPLES, K]);
  const logPi = tf.logSoftmax(logits);
  const perSample = tf.add(tf.sum(logPi), tf.mul(K, tf.sub(tf.logSumExp(tf.sub(tf.neg(logPi), G), -1), tf.logSumExp(tf.neg(G), -1))));
  const { mean, variance } = tf.moments(perSample);
  return { mean: mean.dataSync()[0], sd: Math.sqrt(variance.dataSync()[0]) };
});
const freeSe = free.sd / Math.sqrt(FREE_SAMPLES);
const KL_SAMPLES = 20_000, klSe = free.sd / Math.sqrt(KL_SAMPLES);
const discreteKL = valueOf(estimateKL('analytic', { logits: logits }));
if (!(Math.abs(discreteKL - (Math.log(4) - H)) < 1e-6)) throw new Error(`the analytic KL is ${discreteKL}, log 4 − H = ${Math.log(4) - H}`);
const concreteKL = [0.2, 1, 5].map((tau, i) => {
  const options = { numSamples: KL_SAMPLES, seed: 3 + i, temperature: tau };
  return {
    tau,
    shared: valueOf(estimateKL('concrete-monte-carlo', { logits: logits }, options)),
    fixedPrior: valueOf(estimateKL('concrete-monte-carlo', { logits: logits }, { ...options, priorTemperature: 1 })),
  };
});
for (const { tau, shared, fixedPrior } of concreteKL) {
  const tolerance = 4 * Math.hypot(klSe, freeSe);
  if (!(Math.abs(shared - free.mean) < tolerance)) throw new Error(`λ = τ = ${tau}: Concrete KL ${shared}, the τ-free average ${free.mean} ± ${tolerance}`);
  if (!(shared - discreteKL > 0.2)) throw new Error(`the Concrete KL ${shared} at τ = ${tau} is close to the discrete ${discreteKL}`);
  if (tau !== 1 && !(Math.abs(fixedPrior - shared) > 1)) throw new Error(`λ = 1, τ = ${tau}: ${fixedPrior}, against ${shared} with λ = τ`);
}
console.log(`τ-free log-ratio, averaged from scratch over ${FREE_SAMPLES} draws: ${free.mean.toFixed(4)} ± ${freeSe.toFixed(4)}`);
console.log(`discrete KL(q‖uniform) = ${discreteKL.toFixed(4)} (log 4 − H = ${(Math.log(4) - H).toFixed(4)})`);
for (const { tau, shared, fixedPrior } of concreteKL) {
  console.log(`τ = ${tau}: Concrete KL with λ = τ ${shared.toFixed(4)} (± ${klSe.toFixed(4)}), with λ = 1 ${fixedPrior.toFixed(4)}`);
}

// %% [markdown]
// ## 7. The KL treatments in a VAE small enough to enumerate
//
// The source ends on a question: what matters is the final performance, "and perhaps if gradients w.r.t encoder & decoder params are close to the REINFORCE gradients". We can do better than REINFORCE. In a VAE small enough, the discrete negative ELBO is a finite sum over latent configurations, and autodiff of that sum is the exact gradient of the objective the relaxations stand in for.
//
// The model: eight binary images of six pixels; $N = 2$ categorical latents with $K = 3$ classes each, so $3^2 = 9$ latent configurations; an encoder and a decoder with one hidden layer of 16 units (the `CategoricalVae` of notebook 06, in miniature); the uniform prior. `exactNegativeElbo` sums over the configurations, `exactVaeGradient` differentiates the sum. To measure at a point of training rather than at the random initialisation, we first take 30 Adam steps on the exact objective (`trainByExactElbo`): no estimator is involved in reaching the point.
//
// At that point `repeatVaeGradients` runs the training objective of notebook 06 (`vaeObjective`) $M = 10$ times with $S = 4000$ samples per image, and we compare the mean gradient $\bar g$ with the exact $\nabla$, separately for the encoder's and the decoder's parameters: the relative error $\lVert \bar g - \nabla\rVert/\lVert\nabla\rVert$, and beside it the noise level, the error an unbiased estimator would show from noise alone (as in section 5).
//
// The reference first. REINFORCE with exact samples, the leave-one-out baseline and the analytic KL is unbiased, so its mean must land on the exact gradient within its noise. It shares no code with the enumeration, so this also tests the enumeration.

// %%
// Eight binary images of six pixels: blocks, stripes, all on, all off.
const images = [
  [1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1],
  [1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0],
];
const vae = new CategoricalVae({ numLatents: 2, numCategories: 3, hidden: [16], numPixels: 6, seed: 0 });
const pretraining = trainByExactElbo(vae, images, { steps: 30, learningRate: 0.02 });
const exactGrad = exactVaeGradient(vae, images);
const exactNorm = { encoder: Math.hypot(...exactGrad.encoder), decoder: Math.hypot(...exactGrad.decoder) };
console.log(`${vae.numLatents} latents × ${vae.numCategories} classes: ${vae.numCategories ** vae.numLatents} latent configurations; ${exactGrad.encoder.length} encoder and ${exactGrad.decoder.length} decoder parameters`);
console.log(`exact −ELBO: ${pretraining[0].negElbo.toFixed(3)} nats per image at initialisation, ${exactGrad.objective.toFixed(3)} after ${pretraining.length} exact Adam steps; |∇| = ${exactNorm.encoder.toFixed(4)} (encoder), ${exactNorm.decoder.toFixed(4)} (decoder)`);
const M_VAE = 10, S_VAE = 4000;
type Network = 'encoder' | 'decoder';
/** The relative error of the mean gradient, and the noise level an unbiased estimator would show. */
const versusExact = (grads: number[][], part: Network) => {
  const s = gradientStatistics(grads, exactGrad[part]);
  return { error: s.biasNorm / exactNorm[part], noise: s.biasNoise / exactNorm[part] };
};
const reinforceRuns = repeatVaeGradients(vae, images, { estimator: 'reinforce', kl: 'analytic', temperature: 1, numSamples: S_VAE, seed: 5 }, M_VAE);
const reference = { encoder: versusExact(reinforceRuns.encoder, 'encoder'), decoder: versusExact(reinforceRuns.decoder, 'decoder') };
for (const part of ['encoder', 'decoder'] as const) {
  console.log(`REINFORCE (leave-one-out, analytic KL), ${part}: relative error ${reference[part].error.toFixed(3)}, noise level ${reference[part].noise.toFixed(3)}`);
}

// %% [markdown]
// **Check.** For both networks REINFORCE's relative error is below $2.5$ noise levels (an unbiased estimator's is about one), and the noise levels are below $0.1$: a bias of a third of the gradient's norm would stand out by more than three noise levels.

// %%
for (const part of ['encoder', 'decoder'] as const) {
  const { error, noise } = reference[part];
  if (!(error < 2.5 * noise)) throw new Error(`REINFORCE's ${part} gradient is ${error} from exact, noise level ${noise}: the enumeration or the estimator is wrong`);
  if (!(noise < 0.1)) throw new Error(`REINFORCE's ${part} noise level ${noise} is too high for a tight reference`);
}
console.log(`REINFORCE lands on the exact gradient: error / noise level = ${(reference.encoder.error / reference.encoder.noise).toFixed(2)} (encoder), ${(reference.decoder.error / reference.decoder.noise).toFixed(2)} (decoder)`);

// %% [markdown]
// Now the relaxed estimators, for both ways of feeding the decoder (straight-through Gumbel-Softmax, Gumbel-Softmax) and each treatment of the KL term (analytic; relaxed log-mass; Concrete, with $\lambda = \tau$ and, as in section 4, only from $\tau = 0.2$ up), over $\tau = 0.1$ to $5$. All runs at one temperature and estimator share their noise, whatever the KL term, so the difference between a relaxed-KL run and the analytic run is that KL term's own contribution to the gradient; we report its size too ("KL part").
//
// What to expect, from the source and from sections 3–6:
//
// - **Decoder.** With straight-through, the decoder is evaluated at exact draws, and the KL term does not involve it: its gradient is unbiased at every $\tau$, whatever the KL. (With shared noise the rounded samples are the same at every $\tau$, so this is one measurement, repeated.) With Gumbel-Softmax the decoder is evaluated at relaxed points, which biases its gradient, more at higher $\tau$.
// - **Encoder.** Biased in every variant, since the reconstruction term reaches the encoder through the relaxation. The relaxed log-mass adds a bias that is small at low $\tau$ and large at high $\tau$ (section 5); the Concrete KL adds the gradient of a different objective, the same at every $\tau$ (section 6).

// %%
const VAE_TEMPERATURES = [0.1, 0.2, 0.5, 1, 2, 5];
const RECONSTRUCTION_LABELS = { 'st-gumbel-softmax': 'straight-through Gumbel-Softmax', 'gumbel-softmax': 'Gumbel-Softmax' };
const KL_LABELS = { analytic: 'analytic KL (eq. 22)', 'relaxed-log-mass': 'relaxed log-mass KL (eq. 21)', 'concrete-monte-carlo': 'Concrete KL, λ = τ' };
const KL_TREATMENTS = ['analytic', 'relaxed-log-mass', 'concrete-monte-carlo'] as const;
/** The size of the KL term's own contribution: the mean difference from the analytic run at the same noise. */
const klPartOf = (grads: number[][], analytic: number[][]) => {
  const s = gradientStatistics(grads.map((g, i) => g.map((v, j) => v - analytic[i][j])), exactGrad.encoder.map(() => 0));
  return { size: s.biasNorm / exactNorm.encoder, noise: s.biasNoise / exactNorm.encoder };
};
const vaeRows = (['st-gumbel-softmax', 'gumbel-softmax'] as const).flatMap((estimator) => VAE_TEMPERATURES.flatMap((temperature) => {
  const byKl = KL_TREATMENTS.filter((kl) => kl !== 'concrete-monte-carlo' || temperature >= CONCRETE_MIN_TEMPERATURE)
    .map((kl) => ({ kl, runs: repeatVaeGradients(vae, images, { estimator, kl, temperature, numSamples: S_VAE, seed: 7 }, M_VAE) }));
  const analyticRuns = byKl[0].runs;
  return byKl.map(({ kl, runs: r }) => ({
    estimator, kl, temperature, encoder: versusExact(r.encoder, 'encoder'), decoder: versusExact(r.decoder, 'decoder'),
    klPart: kl === 'analytic' ? null : klPartOf(r.encoder, analyticRuns.encoder),
  }));
}));
const vaeRow = (estimator: string, kl: string, temperature: number) => vaeRows.find((r) => r.estimator === estimator && r.kl === kl && r.temperature === temperature)!;
console.log('τ     reconstruction                   KL term                        encoder error (noise)  KL part (noise)   decoder error (noise)');
for (const r of vaeRows) {
  const klPart = r.klPart === null ? '—'.padEnd(16) : `${r.klPart.size.toFixed(3)} (${r.klPart.noise.toFixed(3)})`.padEnd(16);
  console.log(`${String(r.temperature).padEnd(5)} ${RECONSTRUCTION_LABELS[r.estimator].padEnd(32)} ${KL_LABELS[r.kl].padEnd(30)} ${`${r.encoder.error.toFixed(3)} (${r.encoder.noise.toFixed(3)})`.padEnd(22)} ${klPart}  ${r.decoder.error.toFixed(3)} (${r.decoder.noise.toFixed(3)})`);
}
await show(lineChart({
  data: vaeRows.map((r) => ({ temperature: r.temperature, error: r.encoder.error, kl: KL_LABELS[r.kl], panel: RECONSTRUCTION_LABELS[r.estimator] })),
  x: 'temperature', y: 'error', color: 'kl', facet: { field: 'panel', columns: 2 }, width: 300, logX: true, logY: true, points: true,
  rules: [{ y: reference.encoder.error, label: 'REINFORCE (unbiased)' }],
  xTitle: 'temperature τ (log scale)', yTitle: '‖mean gradient − exact‖ / ‖exact‖ (log scale)',
  title: 'Encoder gradient of the tiny VAE against the exact gradient of the discrete ELBO',
}));
await show(lineChart({
  data: vaeRows.filter((r) => r.kl === 'analytic').map((r) => ({ temperature: r.temperature, error: r.decoder.error, estimator: RECONSTRUCTION_LABELS[r.estimator] })),
  x: 'temperature', y: 'error', color: 'estimator', logX: true, logY: true, points: true,
  rules: [{ y: reference.decoder.error, label: 'REINFORCE (unbiased)' }],
  xTitle: 'temperature τ (log scale)', yTitle: '‖mean gradient − exact‖ / ‖exact‖ (log scale)',
  title: 'Decoder gradient of the tiny VAE (the same for every KL term)',
}));

// %% [markdown]
// **Checks** (errors, KL parts and noise levels relative to the norm of the exact gradient):
//
// 1. Decoder. Straight-through: error below $2.5$ noise levels at every $\tau$. Gumbel-Softmax: error above four noise levels at every $\tau$, growing over $\tau = 0.1, 0.5, 2$ by more than four noise levels at each step.
// 2. Encoder. For $\tau \ge 0.5$, with both estimators and every KL term, the error is above four noise levels: the encoder's gradient is biased, as the source says. With the analytic KL the error at $\tau = 0.1$ is below that at $\tau = 5$ by more than four noise levels, for both estimators.
// 3. Relaxed log-mass. Its KL part is below $0.1$ at $\tau = 0.1$ and grows over $\tau = 0.1, 0.5, 2$ by more than four noise levels at each step.
// 4. Concrete. Its KL part is above $5$ at every $\tau$ (five times the whole exact gradient), and its error is more than five times the analytic KL's at every $\tau$, for both estimators.

// %%
const ESTIMATORS = ['st-gumbel-softmax', 'gumbel-softmax'] as const;
const rowsOf = (estimator: string, kl: string) => VAE_TEMPERATURES.filter((t) => kl !== 'concrete-monte-carlo' || t >= CONCRETE_MIN_TEMPERATURE).map((t) => vaeRow(estimator, kl, t));
const growsOver = (values: { value: number; noise: number }[]) => values.every((v, i) => i === 0 || v.value - values[i - 1].value > 4 * (v.noise + values[i - 1].noise));
for (const r of rowsOf('st-gumbel-softmax', 'analytic')) {
  if (!(r.decoder.error < 2.5 * r.decoder.noise)) throw new Error(`straight-through decoder at τ = ${r.temperature}: error ${r.decoder.error}, noise ${r.decoder.noise}`);
}
const softDecoder = rowsOf('gumbel-softmax', 'analytic');
if (!softDecoder.every((r) => r.decoder.error > 4 * r.decoder.noise)) throw new Error('a Gumbel-Softmax decoder gradient is within four noise levels of exact');
if (!growsOver([0.1, 0.5, 2].map((t) => ({ value: vaeRow('gumbel-softmax', 'analytic', t).decoder.error, noise: vaeRow('gumbel-softmax', 'analytic', t).decoder.noise })))) throw new Error('the Gumbel-Softmax decoder error does not grow with τ');
for (const r of vaeRows.filter((r) => r.temperature >= 0.5)) {
  if (!(r.encoder.error > 4 * r.encoder.noise)) throw new Error(`${r.estimator} with ${r.kl} at τ = ${r.temperature}: the encoder error ${r.encoder.error} is within four noise levels ${r.encoder.noise}`);
}
for (const estimator of ESTIMATORS) {
  const [coldest, hottest] = [vaeRow(estimator, 'analytic', 0.1).encoder, vaeRow(estimator, 'analytic', 5).encoder];
  if (!(hottest.error - coldest.error > 4 * (hottest.noise + coldest.noise))) throw new Error(`${estimator}: the analytic-KL encoder error is ${coldest.error} at τ = 0.1 and ${hottest.error} at τ = 5`);
}
const logMassPart = (t: number) => vaeRow('st-gumbel-softmax', 'relaxed-log-mass', t).klPart!;
if (!(logMassPart(0.1).size < 0.1)) throw new Error(`the relaxed log-mass KL part at τ = 0.1 is ${logMassPart(0.1).size}`);
if (!growsOver([0.1, 0.5, 2].map((t) => ({ value: logMassPart(t).size, noise: logMassPart(t).noise })))) throw new Error('the relaxed log-mass KL part does not grow with τ');
for (const estimator of ESTIMATORS) {
  for (const r of rowsOf(estimator, 'concrete-monte-carlo')) {
    const analytic = vaeRow(estimator, 'analytic', r.temperature);
    if (!(r.klPart!.size > 5 && r.encoder.error > 5 * analytic.encoder.error)) throw new Error(`Concrete with ${estimator} at τ = ${r.temperature}: KL part ${r.klPart!.size}, error ${r.encoder.error} against ${analytic.encoder.error}`);
  }
}
const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
/** A part of ‖∇‖: as a percentage below one, as a multiple above. */
const rel = (v: number) => (v < 1 ? pct(v) : `${v.toFixed(1)}×`);
/** The range of some values as text, or one value if they print alike. */
const span = (values: number[], f: (v: number) => string) => {
  const [low, high] = [f(Math.min(...values)), f(Math.max(...values))];
  return low === high ? low : `${low}–${high}`;
};
const encoderError = (estimator: string, t: number) => vaeRow(estimator, 'analytic', t).encoder.error;
const concreteParts = rowsOf('st-gumbel-softmax', 'concrete-monte-carlo').map((r) => r.klPart!.size);
const closer = ESTIMATORS.map((e) => ({ e, taus: VAE_TEMPERATURES.filter((t) => vaeRow(e, 'relaxed-log-mass', t).encoder.error + 4 * vaeRow(e, 'relaxed-log-mass', t).encoder.noise < vaeRow(e, 'analytic', t).encoder.error) }));
const closerText = closer.some((c) => c.taus.length > 0)
  ? closer.filter((c) => c.taus.length > 0).map((c) => `with ${RECONSTRUCTION_LABELS[c.e]} at τ = ${c.taus.join(', ')}`).join(', and ') : null;
const softCold = vaeRow('gumbel-softmax', 'analytic', 0.1).encoder;
const stDecoder = vaeRow('st-gumbel-softmax', 'analytic', 1).decoder;
await showMarkdown([
  `**Decoder.** The straight-through decoder gradient is unbiased: its error is ${pct(stDecoder.error)} of ‖∇‖ with a noise level of ${pct(stDecoder.noise)}, at every τ. The Gumbel-Softmax decoder gradient is off by ${pct(vaeRow('gumbel-softmax', 'analytic', 0.1).decoder.error)} at τ = 0.1 and by ${vaeRow('gumbel-softmax', 'analytic', 2).decoder.error.toFixed(1)}× ‖∇‖ at τ = 2.`,
  '',
  `**Encoder, analytic KL.** What remains is the reconstruction term's own bias: with straight-through ${rel(encoderError('st-gumbel-softmax', 0.1))} of ‖∇‖ at τ = 0.1 and ${rel(encoderError('st-gumbel-softmax', 5))} at τ = 5, with Gumbel-Softmax ${rel(encoderError('gumbel-softmax', 0.1))} and ${rel(encoderError('gumbel-softmax', 5))}. Lowering τ shrinks it for both, but straight-through keeps a large part of it.${softCold.error < 4 * softCold.noise ? ` Gumbel-Softmax's ${pct(softCold.error)} at τ = 0.1 is only ${(softCold.error / softCold.noise).toFixed(1)} noise levels: ${M_VAE * S_VAE} samples per image do not resolve it.` : ''}`,
  '',
  `**Relaxed log-mass KL.** Its own part is ${rel(logMassPart(0.1).size)} of ‖∇‖ at τ = 0.1, ${rel(logMassPart(0.5).size)} at τ = 0.5 and ${rel(logMassPart(5).size)} at τ = 5. ${closerText === null ? 'It adds to the reconstruction bias: at no τ is the total error below the analytic one.' : `It adds to the reconstruction bias as a vector, so it can partly cancel it: the total error with the relaxed log-mass is below the analytic one (by more than four noise levels) ${closerText}. That is an accident of this point, not a property of the term.`}`,
  '',
  `**Concrete KL.** Its own part is ${span(concreteParts, rel)} ‖∇‖ at every τ, as section 6 predicts for λ = τ: the encoder follows the gradient of the continuous model's KL, which here is many times larger than the whole gradient of the discrete objective.`,
].join('\n'));

// %% [markdown]
// ### A side note on mixtures of discrete flows
//
// The source ends with a remark on MDNF, the mixture of discrete normalising flows (`FactorizedDiscreteFlowsMixture` in the library, Kusmierczyk and Klami). There the samples are genuinely one-hot and the probabilities, hence the entropy and KL, can be computed exactly, so at first sight nothing is relaxed. But each flow moves its point mass by a shift $\mu = \mathrm{onehot}(\arg\max(\text{logits}))$, and the gradient reaches the logits only because that argmax is replaced on the backward pass by $\mathrm{softmax}(\text{logits}/\tau)$. The entropy and KL gradients therefore belong to a relaxed model as well; the relaxation has moved from the samples into the shift, where it is easier to overlook.
//
// ## Summary

// %%
const bias = (e: EntropyVariant, tau: number) => statsOf(e, tau).biasNorm / gradNorm;
const vaePart = (kl: string) => VAE_TEMPERATURES.filter((t) => kl !== 'concrete-monte-carlo' || t >= CONCRETE_MIN_TEMPERATURE).map((t) => vaeRow('st-gumbel-softmax', kl, t).klPart!.size);
await showMarkdown([
  '| variant | value | gradient w.r.t. logits | on π = (½, ¼, ⅛, ⅛) | its KL term in the tiny VAE (part of ‖∇‖, τ = 0.1 … 5) |',
  '| --- | --- | --- | --- | --- |',
  `| discrete MC (rounded samples) | unbiased for H at every τ | straight-through: biased, the bias → 0 as τ → 0 | ${run('discrete-monte-carlo', 1).mean.toFixed(2)} at every τ; gradient bias ${pct(bias('discrete-monte-carlo', 0.1))} at τ = 0.1, ${pct(bias('discrete-monte-carlo', 10))} at τ = 10 | not a VAE treatment here |`,
  `| relaxed log-mass (eq. 21) | a cross-entropy, > H, → H as τ → 0 | of the relaxed objective; → ∇H as τ → 0 | ${run('relaxed-log-mass', 10).mean.toFixed(2)} at τ = 10, ${run('relaxed-log-mass', 1).mean.toFixed(2)} at τ = 1; wrong direction at τ ≥ 2 | ${span(vaePart('relaxed-log-mass'), rel)}, growing with τ |`,
  `| Concrete MC | a differential entropy, ≤ −log 6 | exact for a different objective | ${run('concrete-monte-carlo', 10).mean.toFixed(1)} at τ = 10, ${run('concrete-monte-carlo', 1).mean.toFixed(1)} at τ = 1; gradient bias at least ${pct(smallestConcreteBias)} | ${span(vaePart('concrete-monte-carlo'), rel)}, the same at every τ (λ = τ) |`,
  `| analytic (eq. 22) | H exactly | ∇H exactly | ${run('analytic', 1).mean.toFixed(4)} | 0: only the reconstruction term's bias remains |`,
].join('\n'));

// %% [markdown]
// What this notebook does not show: how much these gradient errors change a trained model. Notebook 06 trains a categorical VAE on MNIST with each combination and evaluates each with the true discrete model.

// %% [markdown]
// > **Where the source goes wrong**
// >
// > - **The KL is written in the wrong order.** The objective is given as $\mathbb E_{q(z|x)}\log p(x|z) - \mathrm{KL}(p\,|\,q)$; the ELBO subtracts $\mathrm{KL}(q \Vert p)$, the divergence of the encoder from the prior. The second form, $\mathbb E_{\log q(z|x)}(\log p(x|z)p(z)) + \mathrm H(q)$, is right once the expectation is read as over $q(z|x)$, not over "$\log q(z|x)$".
// > - **Gradients are discussed but never computed.** The probabilities are a NumPy constant, the logits `tf.math.log(probs)` are computed once, and no `tf.GradientTape` watches anything. The analytic entropy is `tf.reduce_sum(probs*tf.math.log(probs))`: the softmax was done once, outside any tape, so this number has no gradient with respect to any logits. Every statement about gradients in the source is therefore untested there; the from-scratch section above computes $\pi = \mathrm{softmax}(l)$ inside the differentiated function, and sections 5 and 7 measure the gradients.
// > - **"For optimization it does not matter if we discretize (ST) z or not."** For the relaxed log-mass the two gradients differ by $\hat z - z$ per sample, $\pi - \mathbb E[z]$ on average; section 5 measures the difference, and it vanishes only as $\tau \to 0$.
// > - **Eq. 22 is counted among the relaxed models.** The context says that by optimising eq. 21 and eq. 22 "we optimize some relaxed models that only in temperature limit converge to the discrete one". The analytic KL is the discrete model's own KL at every $\tau$, with the exact gradient (section 5); only the reconstruction term is relaxed.
// > - **The cost of the analytic gradient.** The source guesses "O(DxK*K) … ??". Backpropagating through a softmax of $K$ logits costs $O(K)$ (a Jacobian-vector product, $\pi \odot (v - \pi^\top v)$), so the gradient of $D$ latents costs $O(DK)$, the same as the value.
// > - **A log-probability outside its support.** The relaxed log-mass is computed as `OneHotCategorical.log_prob` of points that are not one-hot. TFP's formula happens to return $\sum_k z_k \log\pi_k$ there, but it is not a log-probability of anything; the library names the quantity for what it is.
// > - **The Concrete numbers are not "way off".** They are not estimates of $H$ at all but of a differential entropy, a density's entropy in different units, at most $-\log (K-1)!$ whatever the temperature (section 4); no temperature makes them comparable with $H$.
// > - **Single unseeded runs.** Every number the source prints is one draw of 10 000 unseeded samples. We reproduce them within their standard errors, not digit for digit.

// %% [markdown]
// ## Exercises
//
// 1. **Derive section 6's log-ratio.** Substitute $y = \mathrm{softmax}((l+G)/\tau)$ into the two Concrete log-densities and subtract. Which terms would survive if the prior's temperature $\lambda$ differed from $\tau$?
// 2. **Choose the prior's temperature.** With `estimateKL('concrete-monte-carlo', {logits}, {temperature: 0.5, priorTemperature, numSamples, seed})`, find the $\lambda$ at which the Concrete KL of the four-way categorical equals the discrete one. Is its gradient with respect to the logits (use `tf.valueAndGrad`, as in the from-scratch section) then close to the analytic KL's?
// 3. **A different point of training.** Repeat section 7 at the random initialisation (leave out `trainByExactElbo`) and after 500 exact steps. Why does every relative error grow as the model approaches a stationary point, and what yardstick would be better there?
// 4. **Noise, not only bias.** The source says the analytic KL gives a "less noisy gradient". Use `gradientStatistics(...).variance` on the runs of section 7 to compare the total variance of the encoder gradient with the analytic and the relaxed log-mass KL at each $\tau$. Is it less noisy at every temperature?
// 5. **A fourth treatment.** The discrete MC KL (`estimateKL('discrete-monte-carlo', …)`, the log-ratio at rounded samples) has an unbiased value. For the four-way categorical, is its straight-through gradient closer to the exact KL gradient than the relaxed log-mass's, at $\tau = 0.5$ and $\tau = 2$?
