// -*- coding: utf-8 -*-
// %% [markdown]
// # 04 · The Gumbel-Softmax, explained and measured
//
// The source is a reading note on the two papers that introduced the Gumbel-Softmax, or Concrete, distribution: Maddison, Mnih & Teh (2017) and Jang, Gu & Poole (2017). It explains why a relaxation is needed, states the density and four properties, and shows a short PyTorch sampler. Here every statement is **measured**:
//
// 1. the reparameterisation trick on a Gaussian, against the score function, both first written from scratch;
// 2. the Gumbel-max trick;
// 3. the relaxation, written from scratch, and the Concrete density, against samples, for $K = 2$ and $K = 3$;
// 4. the four properties: rounding, the zero-temperature limit, log-convexity for $\tau \le 1/(K-1)$, and the temperature trade-off;
// 5. an interactive chart with a temperature slider;
// 6. the source's PyTorch sampler, ported faithfully, and what is wrong with it.
//
// It ends with where the source goes wrong, and exercises. It is the first notebook to read after the tour: it needs no other.

// %%
import {
  tf, initBackend, backend, Random, RelaxedBernoulli, RelaxedOneHotCategorical, compareGaussianGradients,
  estimateGradient, squaredErrorLoss, SQUARED_ERROR_CATEGORICAL_TARGET, gradientStatistics,
  portedPyTorchSampler, portedPyTorchGumbel, correctGumbelSoftmaxSampler, PORTED_SAMPLER_EPSILON,
  simplexHistogram, simplexDensityGrid, histogramSlider, barChart, lineChart, histogram, heatmap, show, showMarkdown
} from '../dist';
await initBackend();
console.log(`backend: ${backend()}`);
const rng = new Random(3003);
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
const variance = (v: ArrayLike<number>) => { const m = mean(v); return Array.from(v).reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); };

// %% [markdown]
// **Why the default backend.** `bench/notebook-backends.py`, which runs the whole notebook on each backend in interleaved rounds, finds `tensorflow` and `wasm` about equally fast here (the order changed between rounds), so the notebook keeps the default: the native backend where it loads, else `wasm`.

// %% [markdown]
// ## 1. Reparameterisation: moving the parameter out of the distribution
//
// Take $z \sim \mathcal N(\mu, \sigma^2)$ and a function $f$; we want $\nabla_{\mu,\sigma}\,\mathbb E[f(z)]$. Two unbiased Monte Carlo estimators exist.
//
// - **Score function** (log-derivative): differentiate the density, not $f$. With $\nabla \log p(z) = \bigl(\tfrac{z-\mu}{\sigma^2},\ \tfrac{(z-\mu)^2}{\sigma^3} - \tfrac1\sigma\bigr)$,
//   $$\nabla\,\mathbb E[f(z)] = \mathbb E\bigl[f(z)\,\nabla\log p(z)\bigr].$$
//   It only needs values of $f$.
// - **Pathwise** (reparameterisation): write $z = \mu + \sigma\varepsilon$ with $\varepsilon \sim \mathcal N(0,1)$, whose law does not depend on the parameters, and move the gradient inside:
//   $$\nabla\,\mathbb E[f(z)] = \mathbb E_\varepsilon\bigl[\nabla f(\mu + \sigma\varepsilon)\bigr] = \mathbb E_\varepsilon\bigl[f'(z)\,(1, \varepsilon)\bigr].$$
//   It needs $f'$, and uses it.
//
// For $f(z) = z^2$ the exact gradient is $(2\mu, 2\sigma)$, since $\mathbb E[z^2] = \mu^2 + \sigma^2$.
//
// **Claim.** Both estimators are unbiased (means within 5 standard errors of the exact values, $N = 100\,000$ draws), and the pathwise one has the smaller variance, for both parameters.

// %% [markdown]
// ### From scratch first
//
// Both estimators fit in a few lines of raw TensorFlow.js. To get one estimate *per draw* out of automatic differentiation, give every draw its own copy of the parameters: with $\mu$ and $\sigma$ held as vectors of length $n$, the gradient of $\sum_i f(z_i)$ with respect to $\mu_i$ is draw $i$'s term alone.
//
// - Pathwise: differentiate $f(\mu_i + \sigma_i\varepsilon_i)$.
// - Score function: differentiate $\log \mathcal N(z_i; \mu_i, \sigma_i^2)$ with the draws $z_i$ held fixed, and multiply by $f(z_i)$. The draws are computed outside the function handed to `tf.grads`, so they are constants to it.
//
// The library's `compareGaussianGradients` draws its $\varepsilon$ from the project's generator in the same order, so on the same seed the two must agree draw by draw, up to float32 rounding. **Check:** on 1 000 draws, every per-draw term agrees with the library's to $10^{-5}$ of the largest term, for both estimators and both parameters.

// %%
const gauss = { mu: 1, sigma: 0.5 };
const SCRATCH_DRAWS = 1000, SCRATCH_SEED = 4;
const scratchTerms = tf.tidy(() => {
  const eps = new Random(SCRATCH_SEED).normal([SCRATCH_DRAWS]);
  const f = (z: tf.Tensor) => tf.square(z);
  // One copy of (μ, σ) per draw, so that autodiff returns one term per draw.
  const mus = tf.fill([SCRATCH_DRAWS], gauss.mu), sigmas = tf.fill([SCRATCH_DRAWS], gauss.sigma);
  const pathwise = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.sum(f(tf.add(m, tf.mul(s, eps)))))([mus, sigmas]);
  // The draws are made here, outside the function handed to tf.grads: to it they are constants.
  const z = tf.add(mus, tf.mul(sigmas, eps));
  const logDensity = (m: tf.Tensor, s: tf.Tensor) => tf.sum(tf.neg(tf.add(tf.log(s), tf.div(tf.square(tf.sub(z, m)), tf.mul(2, tf.square(s))))));
  const score = tf.grads(logDensity)([mus, sigmas]).map((grad) => tf.mul(f(z), grad));
  const read = (t: tf.Tensor) => Array.from(t.dataSync());
  return { pathwise: { mu: read(pathwise[0]), sigma: read(pathwise[1]) }, 'score-function': { mu: read(score[0]), sigma: read(score[1]) } };
});
const libraryTerms = compareGaussianGradients({ ...gauss, loss: (z) => tf.square(z) }, { numSamples: SCRATCH_DRAWS, seed: SCRATCH_SEED });
const scratchGaps = (['pathwise', 'score-function'] as const).flatMap((method) => (['mu', 'sigma'] as const).map((param) => {
  const ours = scratchTerms[method][param], theirs = Array.from(libraryTerms[method].perDraw[param]);
  const largest = Math.max(...theirs.map(Math.abs));
  return { method, param, largest, gap: Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]))) / largest };
}));
for (const r of scratchGaps) console.log(`${r.method.padEnd(14)} ∂/∂${r.param.padEnd(5)}: largest per-draw gap ${r.gap.toExponential(1)} of the largest term (${r.largest.toFixed(2)})`);
for (const r of scratchGaps) if (!(r.gap < 1e-5)) throw new Error(`${r.method} ∂/∂${r.param}: scratch and library differ by ${r.gap} of the largest term`);
console.log('the from-scratch estimators agree with the library, draw by draw');

// %% [markdown]
// ### The library's estimators, on many draws
//
// Now the claim above, on $N = 100\,000$ draws.

// %%
const N_GAUSS = 100_000;
const terms = compareGaussianGradients({ ...gauss, loss: (z) => tf.square(z) }, { numSamples: N_GAUSS, seed: rng.split() });
const exactGauss = { mu: 2 * gauss.mu, sigma: 2 * gauss.sigma };
const gaussRows = ([['pathwise', 'pathwise'], ['score', 'score-function']] as const).flatMap(([estimator, method]) => (['mu', 'sigma'] as const).map((param) => {
  const v = terms[method].perDraw[param];
  return { estimator, param, mean: mean(v), exact: exactGauss[param], variance: variance(v), se: Math.sqrt(variance(v) / v.length) };
}));
for (const r of gaussRows) console.log(`${r.estimator.padEnd(8)} ∂/∂${r.param.padEnd(5)}: mean ${r.mean.toFixed(4)} (exact ${r.exact}, ±${r.se.toFixed(4)}), variance of one draw ${r.variance.toFixed(3)}`);
for (const r of gaussRows) if (!(Math.abs(r.mean - r.exact) < 5 * r.se)) throw new Error(`${r.estimator} ∂/∂${r.param}: mean ${r.mean} is not within 5 se of ${r.exact}`);
for (const param of ['mu', 'sigma']) {
  const [p, s] = ['pathwise', 'score'].map((e) => gaussRows.find((r) => r.estimator === e && r.param === param)!.variance);
  if (!(p < s)) throw new Error(`∂/∂${param}: pathwise variance ${p} is not below the score function's ${s}`);
}
console.log('claim holds: both unbiased; the pathwise variance is the smaller for μ and for σ');

// %% [markdown]
// How much smaller depends on $f$ and on where we are. The score-function estimator multiplies $f(z)$, which is of size $\mu^2$, by a zero-mean factor, so its variance grows with $\mu^4$; the pathwise one multiplies $f'(z) = 2z$ instead. A sweep over $\mu$ (with $\sigma = 0.5$, $N = 20\,000$):

// %%
const MUS = [0, 0.5, 1, 2, 4];
const sweepMu = MUS.flatMap((mu) => {
  const t = compareGaussianGradients({ mu, sigma: 0.5, loss: (z) => tf.square(z) }, { numSamples: 20_000, seed: rng.split() });
  return [{ mu, estimator: 'pathwise', variance: variance(t.pathwise.perDraw.mu) }, { mu, estimator: 'score function', variance: variance(t['score-function'].perDraw.mu) }];
});
await show(lineChart({
  data: sweepMu, x: 'mu', y: 'variance', color: 'estimator', logY: true, points: true,
  xTitle: 'μ', yTitle: 'variance of one draw of ∂/∂μ', title: 'Pathwise vs score function for E[z²], σ = 0.5',
}));

// %% [markdown]
// **Not a theorem.** The source says reparameterised gradients are seen to have "much less variance" than the alternatives. For $\mathbb E[z^2]$ they do, but that depends on $f$. Take $f(z) = \sin(\omega z)$ with $\omega = 8$, at $\mu = 1$, $\sigma = 0.5$. The pathwise term $f'(z) = \omega\cos(\omega z)$ has variance
//
// $$\omega^2\Bigl(\tfrac12\bigl(1 + \cos(2\omega\mu)\,e^{-2\omega^2\sigma^2}\bigr) - \cos^2(\omega\mu)\,e^{-\omega^2\sigma^2}\Bigr) \approx \frac{\omega^2}{2} = 32,$$
//
// (from $\mathbb E\cos(a z) = \cos(a\mu)\,e^{-a^2\sigma^2/2}$), while the score-function term $f(z)\,\varepsilon/\sigma$ is at most $|\varepsilon|/\sigma$ in size, so its variance is at most $1/\sigma^2 = 4$. **Claim:** on 20 000 draws the pathwise variance of $\partial/\partial\mu$ matches the formula within 5 standard errors, and is more than 5 times the score function's.

// %%
const OMEGA = 8, WIGGLY_DRAWS = 20_000;
const wiggly = compareGaussianGradients({ ...gauss, loss: (z) => tf.sin(tf.mul(OMEGA, z)) as tf.Tensor1D }, { numSamples: WIGGLY_DRAWS, seed: 6 });
const [pathwiseWiggly, scoreWiggly] = [wiggly.pathwise.perDraw.mu, wiggly['score-function'].perDraw.mu].map((v) => Array.from(v));
const exactPathwiseVariance = OMEGA ** 2 * (0.5 * (1 + Math.cos(2 * OMEGA * gauss.mu) * Math.exp(-2 * (OMEGA * gauss.sigma) ** 2)) - (Math.cos(OMEGA * gauss.mu) * Math.exp(-((OMEGA * gauss.sigma) ** 2) / 2)) ** 2);
// The standard error of a sample variance, from the fourth central moment.
const pathwiseMean = mean(pathwiseWiggly);
const centred = pathwiseWiggly.map((v) => v - pathwiseMean);
const varianceSe = Math.sqrt((mean(centred.map((c) => c ** 4)) - variance(pathwiseWiggly) ** 2) / WIGGLY_DRAWS);
console.log(`f(z) = sin(${OMEGA}z): variance of one draw of ∂/∂μ, pathwise ${variance(pathwiseWiggly).toFixed(2)} (formula ${exactPathwiseVariance.toFixed(2)}, ±${varianceSe.toFixed(2)}), score function ${variance(scoreWiggly).toFixed(2)}`);
if (!(Math.abs(variance(pathwiseWiggly) - exactPathwiseVariance) < 5 * varianceSe)) throw new Error(`the pathwise variance ${variance(pathwiseWiggly)} is not within 5 se of ${exactPathwiseVariance}`);
if (!(variance(pathwiseWiggly) > 5 * variance(scoreWiggly))) throw new Error('the pathwise estimator does not lose on sin(ωz)');
console.log(`claim holds: here the pathwise estimator has ${(variance(pathwiseWiggly) / variance(scoreWiggly)).toFixed(1)} times the score function's variance`);

// %% [markdown]
// A discrete variable has no pathwise estimator: there is no smooth map from noise to a category index whose derivative carries information (it would be piecewise constant, with derivative zero). The Gumbel-Softmax builds one by relaxing the category. It starts from an exact sampler.
//
// ## 2. The Gumbel-max trick
//
// If $G_1,\dots,G_K$ are independent standard Gumbel variables ($G = -\log(-\log U)$, $U$ uniform), then for any positive weights $\alpha$,
//
// $$\Pr\Bigl(\arg\max_k\,(\log\alpha_k + G_k) = j\Bigr) = \frac{\alpha_j}{\sum_k \alpha_k}.$$
//
// The weights need not be normalised: adding a constant to every $\log\alpha_k$ does not move the argmax.
//
// **Claim.** With $\alpha = (1, 2, 3, 4)$ and $N = 100\,000$ draws, each frequency is within 5 binomial standard errors $\sqrt{p(1-p)/N}$ of $\alpha_j/\sum\alpha$.

// %%
const ALPHA = [1, 2, 3, 4];
const P_ALPHA = ALPHA.map((a) => a / ALPHA.reduce((s, b) => s + b, 0));
const N_MAX = 100_000;
const argmaxCounts = tf.tidy(() => {
  const G = rng.gumbel([N_MAX, ALPHA.length]);
  const winners = tf.argMax(tf.add(tf.log(tf.tensor1d(ALPHA)), G), 1);
  return Array.from(tf.sum(tf.oneHot(winners, ALPHA.length), 0).dataSync());
});
const freq = argmaxCounts.map((c) => c / N_MAX);
const zMax = freq.map((f, j) => (f - P_ALPHA[j]) / Math.sqrt(P_ALPHA[j] * (1 - P_ALPHA[j]) / N_MAX));
console.log(`frequencies ${freq.map((f) => f.toFixed(4)).join(' ')} vs α/Σα ${P_ALPHA.map((p) => p.toFixed(4)).join(' ')}; z = ${zMax.map((z) => z.toFixed(2)).join(' ')}`);
if (!zMax.every((z) => Math.abs(z) < 5)) throw new Error(`a Gumbel-max frequency is more than 5 se off: z = ${zMax}`);
await show(barChart({
  data: freq.flatMap((f, j) => [{ category: `${j}`, source: 'argmax(log α + G)', p: f }, { category: `${j}`, source: 'α / Σα', p: P_ALPHA[j] }]),
  x: 'category', y: 'p', color: 'source', yTitle: 'probability', title: 'Gumbel-max: frequencies of 100 000 draws',
}));
console.log('claim holds: every frequency within 5 standard errors');

// %% [markdown]
// ## 3. The relaxation and its density
//
// The argmax is what blocks the gradient. Replace the one-hot vector $\mathrm{onehot}(\arg\max_k(\log\alpha_k + G_k))$ by a softmax at temperature $\tau > 0$:
//
// $$X_k = \frac{\exp\bigl((\log\alpha_k + G_k)/\tau\bigr)}{\sum_{i=1}^K \exp\bigl((\log\alpha_i + G_i)/\tau\bigr)} .$$
//
// $X$ lies inside the simplex $\Delta^{K-1} = \{x : x_k > 0,\ \sum_k x_k = 1\}$ and is a smooth function of $\log\alpha$: this is the **Concrete** distribution $\mathrm{Concrete}(\alpha, \tau)$. Maddison et al. derive its density with respect to the first $K-1$ coordinates:
//
// $$p_{\alpha,\tau}(x) = (K-1)!\;\tau^{K-1} \prod_{k=1}^K \frac{\alpha_k\, x_k^{-\tau-1}}{\sum_{i=1}^K \alpha_i\, x_i^{-\tau}} .$$
//
// The library's `RelaxedOneHotCategorical.logProb` (and `RelaxedBernoulli.logProb` for $K = 2$, written for the first coordinate on $(0,1)$) evaluates it in log space. We compare it with samples.

// %% [markdown]
// ### From scratch first
//
// A relaxed sample is one line of raw TensorFlow.js, and so is the Gumbel-Softmax gradient estimate: the mean loss over $n$ relaxed samples, differentiated with respect to the logits. Here it is on the problem of notebook 01, logits $(1, 1, 1)$ and loss $\sum_k (x_k - t_k)^2$ with $t = (0.2, 0.7, 0.1)$, at $\tau = 0.5$. The library's `RelaxedOneHotCategorical.sample` and `estimateGradient('gumbel-softmax', …)` take their Gumbel noise from the project's generator in the same order, so on the same seed they must agree with the scratch version up to float32 rounding.
//
// **Check:** on 1 000 samples, every coordinate of the scratch samples is within $10^{-6}$ of the library's, and the scratch gradient is within $10^{-5}$ of the library's, relative to its norm; that norm is above $0.1$, so the comparison tests something.

// %%
const SCRATCH_LOGITS = [1, 1, 1], SCRATCH_TAU = 0.5, SCRATCH_SAMPLES = 1000, SCRATCH_NOISE_SEED = 5;
const scratchRelaxed = tf.tidy(() => {
  const logits = tf.tensor1d(SCRATCH_LOGITS), target = tf.tensor1d([...SQUARED_ERROR_CATEGORICAL_TARGET]);
  const G = new Random(SCRATCH_NOISE_SEED).gumbel([SCRATCH_SAMPLES, SCRATCH_LOGITS.length]);
  const relaxed = (l: tf.Tensor) => tf.softmax(tf.div(tf.add(l, G), SCRATCH_TAU));                // [n, K], rows on the simplex
  const meanLoss = (l: tf.Tensor) => tf.mean(tf.sum(tf.square(tf.sub(relaxed(l), target)), 1));    // (1/n) Σ_i Σ_k (x_ik − t_k)²
  const scratchGrad = tf.grad(meanLoss)(logits);
  const librarySamples = new RelaxedOneHotCategorical({ logits: SCRATCH_LOGITS, temperature: SCRATCH_TAU }).sample(SCRATCH_SAMPLES, SCRATCH_NOISE_SEED);
  const { grad } = estimateGradient('gumbel-softmax', { logits: SCRATCH_LOGITS, family: 'categorical', loss: squaredErrorLoss(SQUARED_ERROR_CATEGORICAL_TARGET) },
    { numSamples: SCRATCH_SAMPLES, seed: SCRATCH_NOISE_SEED, temperature: SCRATCH_TAU });
  return {
    sampleGap: tf.max(tf.abs(tf.sub(relaxed(logits), librarySamples))).dataSync()[0],
    gradNorm: tf.norm(scratchGrad).dataSync()[0],
    gradGap: tf.norm(tf.sub(scratchGrad, grad)).dataSync()[0],
    scratch: Array.from(scratchGrad.dataSync()), library: Array.from(grad.dataSync()),
  };
});
const fixed5 = (v: number[]) => v.map((x) => x.toFixed(5)).join(', ');
console.log(`gradient from scratch [${fixed5(scratchRelaxed.scratch)}], from the library [${fixed5(scratchRelaxed.library)}]`);
console.log(`largest sample gap ${scratchRelaxed.sampleGap.toExponential(1)}; gradient gap ${(scratchRelaxed.gradGap / scratchRelaxed.gradNorm).toExponential(1)} of its norm ${scratchRelaxed.gradNorm.toFixed(3)}`);
if (!(scratchRelaxed.sampleGap < 1e-6)) throw new Error(`the scratch and library samples differ by ${scratchRelaxed.sampleGap}`);
if (!(scratchRelaxed.gradNorm > 0.1)) throw new Error(`the gradient has norm ${scratchRelaxed.gradNorm}: too small for the comparison to test anything`);
if (!(scratchRelaxed.gradGap < 1e-5 * scratchRelaxed.gradNorm)) throw new Error(`the scratch and library gradients differ by ${scratchRelaxed.gradGap}`);
console.log('the from-scratch relaxation agrees with the library');

// %% [markdown]
// ### The density against samples
//
// **$K = 2$.** $\alpha = (1, 3)$ normalised, i.e. logit $\log(1/3)$ for the first coordinate, at $\tau = 0.5$, $N = 100\,000$ samples, 40 bins. **Claim:** every bin's count is within 5 standard errors $\sqrt{e}$ of its expected count $e = N \int_{\text{bin}} p$ (integral by a 20-point midpoint rule; bins with $e \ge 20$, except the two end bins, where the density is infinite at the boundary and the midpoint rule underestimates its integral).

// %%
const LOGIT = Math.log(1 / 3);
const bern = new RelaxedBernoulli({ logits: [LOGIT], temperature: 0.5 });
const N_K2 = 100_000, BINS_K2 = 40;
const k2 = tf.tidy(() => bern.sample(N_K2, rng.split()).dataSync());
const densityK2 = (xs: number[]) => tf.tidy(() => Array.from(tf.exp(bern.logProb(tf.tensor2d(xs, [xs.length, 1]))).dataSync()));
const fine = Array.from({ length: BINS_K2 * 20 }, (_, i) => (i + 0.5) / (BINS_K2 * 20));
const fineDensity = densityK2(fine);
const expectedK2 = Array.from({ length: BINS_K2 }, (_, b) => N_K2 * mean(fineDensity.slice(b * 20, (b + 1) * 20)) / BINS_K2);
const countsK2 = new Array(BINS_K2).fill(0);
for (const x of k2) countsK2[Math.min(Math.floor(x * BINS_K2), BINS_K2 - 1)]++;
// The end bins are left out: at τ < 1 the density behaves like x^(τ−1) at 0 and 1, infinite, and a midpoint rule underestimates its integral there.
const checkedK2 = (b: number) => b > 0 && b < BINS_K2 - 1 && expectedK2[b] >= 20;
const zK2 = countsK2.map((c, b) => (checkedK2(b) ? (c - expectedK2[b]) / Math.sqrt(expectedK2[b]) : 0));
const worstK2 = Math.max(...zK2.map(Math.abs));
await show(histogram({
  values: k2, bins: BINS_K2, extent: [0, 1], density: fine.filter((_, i) => i % 4 === 0).map((x, i) => ({ x, y: fineDensity[4 * i] })),
  labels: { samples: '100 000 samples', density: 'RelaxedBernoulli density' }, xTitle: 'x₁', title: 'Concrete, K = 2, τ = 0.5: samples against the density',
}));
if (!(worstK2 < 5)) throw new Error(`a K = 2 bin is ${worstK2} standard errors from its expected count`);
console.log(`claim holds: largest |count − expected| / √expected over ${zK2.filter((z, b) => checkedK2(b)).length} bins is ${worstK2.toFixed(2)} (limit 5)`);

// %% [markdown]
// **$K = 3$.** $\alpha = (0.2, 0.3, 0.5)$ at $\tau = 1$, $N = 200\,000$ samples. A point of the simplex is drawn at its free coordinates $(x_1, x_2)$, so the simplex is the triangle $x_1 + x_2 < 1$; we cut it into $20 \times 20$ cells (half cells on the diagonal) and show the empirical density (count over $N$ times the area) next to the analytic density averaged over each cell, with one colour scale. The density has integrable singularities at the corners, so colours are capped at 6.
//
// **Claim:** in every cell with at least 20 expected samples, except the three corner cells (where the density is infinite), the count is within 5 standard errors of the expected count.

// %%
const ALPHA3 = [0.2, 0.3, 0.5];
const TAU3 = 1;
const concrete3 = new RelaxedOneHotCategorical({ probs: ALPHA3, temperature: TAU3 });
const N_K3 = 200_000, BINS_K3 = 20;
const k3 = tf.tidy(() => concrete3.sample(N_K3, rng.split()).dataSync());
const empirical = simplexHistogram(k3, 3, BINS_K3);
const analytic = simplexDensityGrid((points) => tf.tidy(() => tf.exp(concrete3.logProb(tf.tensor2d(points))).dataSync()), BINS_K3, 8);
const CAP = 6;
await show(heatmap({
  data: [
    ...empirical.map((r) => ({ ...r, panel: `${N_K3 / 1000}k samples`, shown: Math.min(r.density as number, CAP) })),
    ...analytic.map((r) => ({ ...r, panel: 'density (cell average)', shown: Math.min(r.density as number, CAP) })),
  ],
  x: 'i', y: 'up', value: 'shown', domain: [0, CAP], facet: { field: 'panel', columns: 2 }, width: 220, height: 220,
  title: 'Concrete on the simplex, α = (0.2, 0.3, 0.5), τ = 1 (x₁ →, x₂ ↑)',
}));
// The three corner cells are left out: the density is infinite at the vertices and the midpoint rule underestimates it there.
const corner = (r: { i: unknown; j: unknown }) => (r.i === 0 && r.j === 0) || (r.i === BINS_K3 - 1) || (r.j === BINS_K3 - 1);
const checkedK3 = (c: number) => !corner(analytic[c] as { i: unknown; j: unknown }) && N_K3 * (analytic[c].expected as number) >= 20;
const zK3 = empirical.map((r, c) => { const e = N_K3 * (analytic[c].expected as number); return checkedK3(c) ? ((r.count as number) - e) / Math.sqrt(e) : 0; });
const worstK3 = Math.max(...zK3.map(Math.abs));
if (!(worstK3 < 5)) throw new Error(`a K = 3 cell is ${worstK3} standard errors from its expected count`);
console.log(`claim holds: largest |count − expected| / √expected over ${analytic.filter((_, c) => checkedK3(c)).length} cells is ${worstK3.toFixed(2)} (limit 5); total probability on the grid ${analytic.reduce((a, r) => a + (r.expected as number), 0).toFixed(4)}`);

// %% [markdown]
// ## 4. The four properties
//
// ### Rounding
//
// $\Pr\bigl(X_k > X_i \text{ for all } i \ne k\bigr) = \alpha_k / \sum_i\alpha_i$ **at every temperature**. The reason is one line: $\exp(\cdot/\tau)$ is increasing, so the largest coordinate of $X$ is the one with the largest $\log\alpha_k + G_k$, and the Gumbel-max trick applies. Rounding a relaxed sample to its nearest vertex gives an exact categorical sample; this is what the straight-through estimator uses (notebook 05).
//
// **Claim:** at $\tau \in \{0.1, 1, 10\}$, with $\alpha = (1,2,3,4)$ and $N = 50\,000$, every argmax frequency is within 5 standard errors of $\alpha/\sum\alpha$.

// %%
const N_ROUND = 50_000;
const rounding = [0.1, 1, 10].flatMap((temperature) => {
  const d = new RelaxedOneHotCategorical({ probs: P_ALPHA, temperature });
  const counts = tf.tidy(() => Array.from(tf.sum(tf.oneHot(tf.argMax(d.sample(N_ROUND, rng.split()), 1), 4), 0).dataSync()));
  return counts.map((c, j) => ({ temperature: `τ = ${temperature}`, category: `${j}`, p: c / N_ROUND, z: (c / N_ROUND - P_ALPHA[j]) / Math.sqrt(P_ALPHA[j] * (1 - P_ALPHA[j]) / N_ROUND) }));
});
for (const r of rounding) if (!(Math.abs(r.z) < 5)) throw new Error(`rounding at ${r.temperature}, category ${r.category}: z = ${r.z}`);
await show(barChart({
  data: [...rounding, ...P_ALPHA.map((p, j) => ({ temperature: 'α / Σα', category: `${j}`, p }))],
  x: 'category', y: 'p', color: 'temperature', yTitle: 'Pr(argmax X = k)', title: 'Rounding: the argmax frequency does not depend on τ',
}));
console.log(`claim holds: largest |z| over 3 temperatures × 4 categories is ${Math.max(...rounding.map((r) => Math.abs(r.z))).toFixed(2)}`);

// %% [markdown]
// ### The zero-temperature limit
//
// As $\tau \to 0$, the softmax becomes the argmax, so $X$ converges to the one-hot vector of the Gumbel-max sample, and $\Pr(\lim_{\tau\to0} X_k = 1) = \alpha_k/\sum_i\alpha_i$ (the distribution of that vertex is the one we just checked). How fast do the samples reach the vertices? We measure the mean distance to the nearest vertex, $\mathbb E\bigl[1 - \max_k X_k\bigr]$, and the fraction of samples farther than $0.01$ from every vertex ($\max_k X_k \le 0.99$), for $\alpha = (1,2,3,4)$ and $N = 20\,000$.
//
// Both can be predicted for small $\tau$. A sample is far from a vertex when the two largest scores $\log\alpha_k + G_k$ are close: with a gap $\Delta$ between them, $\max_k X_k \approx 1/(1 + e^{-\Delta/\tau})$. The gap has a positive density at zero, $1 - \sum_k p_k^2$ with $p = \alpha/\sum\alpha$ (the rate at which two scores tie at the top, from the Gumbel densities: for the pair $j, k$ it is $p_j p_k$). So, to first order in $\tau$,
//
// $$\Pr\Bigl(\max_k X_k \le 0.99\Bigr) \approx \Bigl(1 - \sum_k p_k^2\Bigr)\,\tau\log 99, \qquad \mathbb E\Bigl[1 - \max_k X_k\Bigr] \approx \Bigl(1 - \sum_k p_k^2\Bigr)\,\tau\log 2 .$$
//
// The approach is only linear in $\tau$, slower than one might guess: a few percent of the samples are still far from every vertex at $\tau = 0.01$.
//
// **Claim:** the mean distance decreases strictly as $\tau$ decreases; and at $\tau = 0.01$ and $\tau = 0.001$ both measured quantities agree with the first-order predictions within 4 standard errors.

// %%
const TAUS_LIMIT = [5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.001];
// The density at 0 of the gap between the two best Gumbel-max scores: Σ_{j≠k} p_j p_k.
const tieDensity = 1 - P_ALPHA.reduce((a, p) => a + p * p, 0);
const limitRows = TAUS_LIMIT.map((temperature) => {
  const d = new RelaxedOneHotCategorical({ probs: P_ALPHA, temperature });
  const maxes = tf.tidy(() => tf.max(d.sample(20_000, rng.split()), 1).dataSync());
  const distances = Array.from(maxes, (m) => 1 - m);
  const far = Array.from(maxes).filter((m) => m <= 0.99).length / maxes.length;
  return {
    temperature, distance: mean(distances), distanceSe: Math.sqrt(variance(distances) / distances.length),
    far, farSe: Math.sqrt((far * (1 - far)) / maxes.length),
    predictedDistance: tieDensity * temperature * Math.log(2), predictedFar: tieDensity * temperature * Math.log(99),
  };
});
const pct = (p: number, digits = 2) => `${(100 * p).toFixed(digits)}%`;
const FIRST_ORDER_FROM = 0.1;   // the predictions are shown only where τ is small enough for them to mean something
for (const r of limitRows) {
  const small = r.temperature <= FIRST_ORDER_FROM;
  console.log(`τ = ${String(r.temperature).padEnd(5)}: E[1 − max X] = ${r.distance.toFixed(5)}${small ? ` (first order ${r.predictedDistance.toFixed(5)})` : ''}, ` +
    `farther than 0.01 from every vertex: ${pct(r.far)}${small ? ` (first order ${pct(r.predictedFar)})` : ''}`);
}
const byTau = (value: (r: (typeof limitRows)[number]) => number, predicted: (r: (typeof limitRows)[number]) => number, label: string) => limitRows.flatMap((r) => [
  { temperature: r.temperature, series: 'measured', value: value(r) },
  ...(r.temperature <= FIRST_ORDER_FROM ? [{ temperature: r.temperature, series: label, value: predicted(r) }] : []),
]);
await show(lineChart({
  data: byTau((r) => r.distance, (r) => r.predictedDistance, 'first order (1 − Σp²) τ log 2'), x: 'temperature', y: 'value', color: 'series', logX: true, logY: true, points: true,
  xTitle: 'temperature τ', yTitle: 'E[1 − max_k X_k]', title: 'Mean distance to the nearest vertex (K = 4)',
}));
await show(lineChart({
  data: byTau((r) => r.far, (r) => r.predictedFar, 'first order (1 − Σp²) τ log 99'), x: 'temperature', y: 'value', color: 'series', logX: true, logY: true, points: true,
  xTitle: 'temperature τ', yTitle: 'fraction with max_k X_k ≤ 0.99', title: 'Samples farther than 0.01 from every vertex (K = 4)',
}));
for (let i = 1; i < limitRows.length; i++) if (!(limitRows[i].distance < limitRows[i - 1].distance)) throw new Error(`distance did not fall from τ=${limitRows[i - 1].temperature} to τ=${limitRows[i].temperature}`);
const coldLimit = limitRows.filter((r) => r.temperature <= 0.01).map((r) => ({
  ...r, zDistance: (r.distance - r.predictedDistance) / r.distanceSe, zFar: (r.far - r.predictedFar) / r.farSe,
}));
for (const r of coldLimit) {
  if (!(Math.abs(r.zDistance) < 4 && Math.abs(r.zFar) < 4)) throw new Error(`at τ = ${r.temperature} the measurements are ${r.zDistance.toFixed(2)} and ${r.zFar.toFixed(2)} standard errors from the first-order predictions`);
}
await showMarkdown(`Claim holds: the mean distance falls at every step. The tie density is 1 − Σp² = ${tieDensity.toFixed(3)}. ` + coldLimit.map((r) =>
  `At τ = ${r.temperature}, ${pct(r.far)} of the samples are farther than 0.01 from every vertex (first order ${pct(r.predictedFar)}, z = ${r.zFar.toFixed(2)}) and the mean distance is ${r.distance.toFixed(5)} (first order ${r.predictedDistance.toFixed(5)}, z = ${r.zDistance.toFixed(2)}).`).join(' '));

// %% [markdown]
// ### Log-convexity for $\tau \le 1/(K-1)$
//
// Maddison et al. prove that $\log p_{\alpha,\tau}$ is a convex function of the free coordinates when $\tau \le 1/(K-1)$: the density then has no interior mode and piles its mass against the vertices. We test convexity numerically. For $K = 3$ (bound $\tfrac12$) and $K = 4$ (bound $\tfrac13$), draw 400 random chords of the simplex (both ends uniform on the simplex, so every point of the chord is inside), evaluate $\log p$ at 21 equally spaced points of each, and take second differences $\delta_j = \log p(x_{j-1}) - 2\log p(x_j) + \log p(x_{j+1})$. A convex function has every $\delta_j \ge 0$. Float32 rounding makes $\delta_j$ uncertain by about $10^{-5}$, so we count a second difference as negative only below $-10^{-4}$.
//
// **Claim:** no negative second difference at or below the bound; some at twice and three times the bound.

// %%
function secondDifferences(K: number, temperature: number, seed: Random) {
  const chords = 400, steps = 21;
  const alpha = Array.from({ length: K }, (_, k) => k + 1);
  const d = new RelaxedOneHotCategorical({ probs: alpha.map((a) => a / alpha.reduce((s, b) => s + b, 0)), temperature });
  // Uniform points on the simplex: normalised exponentials (Dirichlet(1, …, 1)).
  const ends = Array.from({ length: 2 * chords }, () => { const e = Array.from(seed.uniformArray(K), (u) => -Math.log(u)); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); });
  const points: number[][] = [];
  for (let c = 0; c < chords; c++) for (let j = 0; j < steps; j++) {
    const t = j / (steps - 1);
    points.push(ends[2 * c].map((a, k) => (1 - t) * a + t * ends[2 * c + 1][k]));
  }
  const logp = tf.tidy(() => d.logProb(tf.tensor2d(points)).dataSync());
  const deltas: number[] = [];
  for (let c = 0; c < chords; c++) for (let j = 1; j < steps - 1; j++) {
    const i = c * steps + j;
    deltas.push(logp[i - 1] - 2 * logp[i] + logp[i + 1]);
  }
  return deltas;
}
const convexRows = [3, 4].flatMap((K) => [0.5, 1, 1.5, 2, 3].map((ratio) => {
  const bound = 1 / (K - 1), temperature = ratio * bound;
  const deltas = secondDifferences(K, temperature, rng.split());
  return { K: `K = ${K}`, temperature, ratio, negative: deltas.filter((x) => x < -1e-4).length / deltas.length, minDelta: Math.min(...deltas) };
}));
for (const r of convexRows) console.log(`${r.K}, τ = ${r.temperature.toFixed(3)} (${r.ratio} × bound): ${(100 * r.negative).toFixed(2)}% of second differences negative, smallest ${r.minDelta.toExponential(2)}`);
await show(lineChart({
  data: convexRows, x: 'ratio', y: 'negative', color: 'K', points: true,
  xTitle: 'τ / (1/(K−1))', yTitle: 'fraction of second differences < −1e-4', title: 'Log-convexity holds up to τ = 1/(K−1) and fails above',
}));
for (const r of convexRows) {
  if (r.ratio <= 1 && r.negative > 0) throw new Error(`${r.K}, τ = ${r.temperature}: ${r.negative} of second differences negative at or below the bound`);
  if (r.ratio >= 2 && !(r.negative > 0)) throw new Error(`${r.K}, τ = ${r.temperature}: no negative second difference above the bound`);
}
console.log('claim holds: no negative second difference at or below 1/(K−1); some at 2× and 3× the bound, for K = 3 and K = 4');

// %% [markdown]
// ### The temperature trade-off
//
// The last property is the one the papers leave empirical: a low temperature gives samples close to one-hot (little bias) but gradients of high variance; a high temperature gives smooth samples and low variance, at the price of bias. We measure both against the exact gradient on notebook 01's small problem, the one of the from-scratch check in section 3: $K = 3$, logits $(1,1,1)$, loss $\sum_k (y_k - t_k)^2$ with $t = (0.2, 0.7, 0.1)$. For each $\tau$, $M = 200$ Gumbel-Softmax estimates of 100 samples each.
//
// **Claim:** as $\tau$ decreases from 5 to 0.05, the variance $\operatorname{tr}\Sigma$ increases at every step; the bias $\lVert\mathbb E\hat g - g\rVert$ decreases at every step while it is measurable (above 3 noise floors $\sqrt{\operatorname{tr}\Sigma/M}$), and once it has dropped below 3 noise floors it stays there; at $\tau = 5$ it is more than 10 noise floors above zero.

// %%
const problem = { logits: tf.tensor1d([1, 1, 1]), family: 'categorical' as const, loss: squaredErrorLoss(SQUARED_ERROR_CATEGORICAL_TARGET) };
const exactGrad = estimateGradient('exact', problem, {});
const exactValues = Array.from(exactGrad.grad.dataSync());
const TAUS_TRADE = [5, 2, 1, 0.5, 0.2, 0.1, 0.05];
const tradeRows = TAUS_TRADE.map((temperature) => {
  const estimates = Array.from({ length: 200 }, () => {
    const { grad } = estimateGradient('gumbel-softmax', problem, { numSamples: 100, seed: rng, temperature });
    const v = Array.from(grad.dataSync());
    grad.dispose();
    return v;
  });
  const s = gradientStatistics(estimates, exactValues);
  return { temperature, bias: s.biasNorm, noise: s.biasNoise, variance: s.variance, cosine: s.cosine };
});
for (const r of tradeRows) console.log(`τ = ${String(r.temperature).padEnd(4)}: bias ${r.bias.toFixed(4)} (noise floor ${r.noise.toFixed(4)}), variance ${r.variance.toExponential(3)}, cosine ${r.cosine.toFixed(3)}`);
await show(lineChart({
  data: tradeRows.flatMap((r) => [
    { temperature: r.temperature, quantity: 'bias² ‖E ĝ − g‖²', value: r.bias ** 2 },
    { temperature: r.temperature, quantity: 'variance tr Σ (100 samples)', value: r.variance },
    { temperature: r.temperature, quantity: 'noise floor² tr Σ / M', value: r.noise ** 2 },
  ]),
  x: 'temperature', y: 'value', color: 'quantity', logX: true, logY: true, points: true,
  xTitle: 'temperature τ', yTitle: 'squared norm', title: 'The temperature trade-off on notebook 01’s problem',
}));
for (let i = 1; i < tradeRows.length; i++) {
  const [hot, cold] = [tradeRows[i - 1], tradeRows[i]];
  // While the bias is measurable (> 3 noise floors) it must fall; once it is not, it must stay below 3 noise floors.
  const measurable = hot.bias > 3 * hot.noise;
  if (measurable && !(cold.bias < hot.bias)) throw new Error(`bias did not fall from τ=${hot.temperature} (${hot.bias}) to τ=${cold.temperature} (${cold.bias})`);
  if (!measurable && !(cold.bias < 3 * cold.noise)) throw new Error(`bias at τ=${cold.temperature} (${cold.bias}) rose above 3 noise floors after vanishing`);
  if (!(cold.variance > hot.variance)) throw new Error(`variance did not grow from τ=${hot.temperature} to τ=${cold.temperature}`);
}
if (!(tradeRows[0].bias > 10 * tradeRows[0].noise)) throw new Error('the bias at τ = 5 is not clearly above noise');
console.log(`claim holds: bias ${tradeRows[0].bias.toFixed(3)} → ${tradeRows[tradeRows.length - 1].bias.toFixed(3)}, variance ${tradeRows[0].variance.toExponential(2)} → ${tradeRows[tradeRows.length - 1].variance.toExponential(2)} from τ = 5 to τ = 0.05`);
tf.dispose([problem.logits, exactGrad.grad]);

// %% [markdown]
// ## 5. An interactive view of the temperature
//
// Samples of the first coordinate of $\mathrm{Concrete}\bigl((1,3)/4, \tau\bigr)$, precomputed at $\tau = 0.1, 0.2, \dots, 2$ (5 000 each), with the density on top. In JupyterLab, move the `tau` slider under the chart: the mass moves from the two ends of $(0,1)$ (small $\tau$, nearly a Bernoulli) to a bump in the middle (large $\tau$). Static renderings (the SVG fallback, in the static site or an HTML export) show $\tau = 0.5$.

// %%
const SLIDER_START = 0.5;   // the τ the slider starts at, and the one a static picture shows
const SLIDER_TAUS = Array.from({ length: 20 }, (_, i) => +(0.1 * (i + 1)).toFixed(1));
const grid = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
const panels = SLIDER_TAUS.map((temperature) => {
  const d = new RelaxedBernoulli({ logits: [LOGIT], temperature });
  const samples = tf.tidy(() => d.sample(5000, rng.split()).dataSync());
  const dens = tf.tidy(() => tf.exp(d.logProb(tf.tensor2d(grid, [grid.length, 1]))).dataSync());
  return { value: temperature, samples, density: grid.map((x, i) => ({ x, y: Math.min(dens[i], 8) })) };
});
await show(histogramSlider({
  panels, param: { name: 'tau', min: 0.1, max: 2, step: 0.1, initial: SLIDER_START }, bins: 40, extent: [0, 1],
  labels: { samples: '5 000 samples', density: 'density (capped at 8)' }, xTitle: 'x₁', title: `Concrete, K = 2: drag τ (the static picture shows τ = ${SLIDER_START})`,
}));

// %% [markdown]
// ## 6. The source's PyTorch sampler
//
// The source shows this function (reproduced here as it stands, not as a recommendation):
//
// ```python
// def sampler(input, tau, temperature):
//     noise = torch.rand(input.size())
//     noise.add_(1e-9).log_().neg_()
//     noise.add_(1e-9).log_().neg_()
//     noise = Variable(noise)
//     x = (input + noise) / tau + temperature
//     x = F.softmax(x.view(input.size(0), -1))
//     return x.view_as(input)
// ```
//
// The library holds a line-by-line port, `portedPyTorchSampler` (float32, uniforms from our generator in place of `torch.rand`), next to `correctGumbelSoftmaxSampler`, which computes $\mathrm{softmax}\bigl((\text{input} + G)/\tau\bigr)$ over the last axis on the **same uniforms**. Three things are wrong with the original.
//
// 1. **`temperature` does nothing.** Softmax is invariant to adding the same constant to every entry, $\mathrm{softmax}(v + c) = \mathrm{softmax}(v)$, so the argument is silently ignored; the actual temperature is `tau`. Only float32 rounding is affected: a large constant swallows the low bits of $v$.
// 2. **The $\varepsilon = 10^{-9}$ inside both logarithms shifts the noise.** $-\log(-\log(u + \varepsilon) + \varepsilon)$ is not quite a Gumbel. In float32, adding $10^{-9}$ to a number changes nothing once that is below half the spacing of float32 values there, so each $\varepsilon$ acts only at one end: the inner one when $u$ is tiny, where it raises $G$, and the outer one when $-\log u$ is tiny, i.e. $u$ near 1, where it lowers $G$.
// 3. **`view(input.size(0), -1)` flattens.** For input of shape $[B, N, K]$ ($N$ categorical variables per example) the softmax runs over all $N\cdot K$ entries together, so the $K$ entries of one variable no longer sum to 1.
//
// First, (1): the port at several values of `temperature`, against itself at `temperature = 0` and against the correct sampler, on 10 000 rows of $K = 4$ logits $\log\alpha$, $\tau = 0.5$, same uniforms.

// %%
const logits4 = tf.tile(tf.log(tf.tensor2d([P_ALPHA])), [10_000, 1]);
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const reference = portedPyTorchSampler(logits4, 0.5, 0, 7);
const correct = correctGumbelSoftmaxSampler(logits4, 0.5, 7);
const temperatureRows = [0, 1, 10, 100, 1e4, 1e6].map((temperature) => {
  const out = portedPyTorchSampler(logits4, 0.5, temperature, 7);
  const row = { temperature, vsZero: maxAbs(out, reference), vsCorrect: maxAbs(out, correct) };
  out.dispose();
  return row;
});
for (const r of temperatureRows) console.log(`temperature = ${String(r.temperature).padEnd(7)} max |Δ| vs temperature 0: ${r.vsZero.toExponential(2)}   vs correct sampler: ${r.vsCorrect.toExponential(2)}`);

// %% [markdown]
// **Claim (1):** for `temperature` up to 100 the output moves by less than $10^{-4}$ (float32 rounding of the shifted logits, nothing more), while changing the real temperature `tau` from 0.5 to 1 moves it by more than 0.1. At `temperature` $= 10^6$ the shift costs precision (float32 spacing at $10^6$ is $0.0625$), which is visible but still not a change of temperature.

// %%
const tauChange = (() => { const o = portedPyTorchSampler(logits4, 1, 0, 7); const m = maxAbs(o, reference); o.dispose(); return m; })();
for (const r of temperatureRows.filter((r) => r.temperature <= 100)) if (!(r.vsZero < 1e-4)) throw new Error(`temperature ${r.temperature} changed the output by ${r.vsZero}`);
if (!(tauChange > 0.1)) throw new Error(`changing tau moved the output by only ${tauChange}`);
console.log(`claim holds: temperature ≤ 100 moves the output by at most ${Math.max(...temperatureRows.filter((r) => r.temperature <= 100).map((r) => r.vsZero)).toExponential(2)}; tau 0.5 → 1 moves it by ${tauChange.toFixed(3)}; temperature 1e6 by ${temperatureRows[temperatureRows.length - 1].vsZero.toExponential(2)}`);

// %% [markdown]
// Then (2): the noise itself. Sampling is a poor tool for this, because the shift is large only at the two ends of $(0, 1)$, where draws are rare. But our generator's uniforms take only $2^{23}$ values, $u = (k + \tfrac12)/2^{23}$, so we evaluate the port's noise at **every one of them**, in float32, against $-\log(-\log u)$ computed the same way without $\varepsilon$. That is the exact distribution of the shift under our generator, and it can be checked against predictions made by hand:
//
// - near $u = 1$ only the outer $\varepsilon$ acts, and with $a = -\log u$ the noise falls from $-\log a$ to $-\log(a + \varepsilon)$, by $\log(1 + \varepsilon/a)$, largest at the largest value $u = 1 - 2^{-24}$;
// - near $u = 0$ only the inner one acts: $a$ falls to $a - \log(1 + \varepsilon/u)$, and the noise rises by $-\log\bigl(1 - \log(1 + \varepsilon/u)/a\bigr) \approx \varepsilon/(u\,a)$, largest at the smallest value $u = 2^{-24}$;
// - at $u = 0$, which `torch.rand` can return (it draws from $[0, 1)$) and our generator cannot, $-\log(-\log u)$ is $-\infty$, and the port gives $-\log(-\log\varepsilon)$ instead: that finite value is the one thing the $\varepsilon$ is for.

// %%
// Every value the generator can return, u = (k + ½)/2^23 for k = 0 … 2^23 − 1, in chunks of 2^20.
const GRID = 2 ** 23, CHUNK = 2 ** 20;
/** The shift at every u: how often it is zero, where it has each sign, its extremes and its sums. */
function enumerateShift(grid: number, chunk: number) {
  // Local variables: the loop below runs 2^23 times, and a notebook's top-level variables are slower to reach.
  let shiftSum = 0, portSum = 0, zeroShifts = 0, lowestDownU = 1, highestUpU = 0;
  let largestDown = { shift: 0, u: NaN }, largestUp = { shift: 0, u: NaN };
  const uChunk = new Float32Array(chunk);
  for (let start = 0; start < grid; start += chunk) {
    for (let i = 0; i < chunk; i++) uChunk[i] = (start + i + 0.5) / grid;
    const [portTensor, plainTensor] = tf.tidy(() => {
      const uTensor = tf.tensor1d(uChunk);
      return [portedPyTorchGumbel(uTensor), tf.neg(tf.log(tf.neg(tf.log(uTensor))))];
    });
    // Read outside tf.tidy: returning a million-entry array from it would make it walk every entry.
    const port = portTensor.dataSync(), plain = plainTensor.dataSync();
    tf.dispose([portTensor, plainTensor]);
    for (let i = 0; i < chunk; i++) {
      const shift = plain[i] - port[i];   // > 0: the port's noise is lower
      shiftSum += shift;
      portSum += port[i];
      if (shift === 0) zeroShifts++;
      else if (shift > 0) lowestDownU = Math.min(lowestDownU, uChunk[i]);
      else highestUpU = Math.max(highestUpU, uChunk[i]);
      if (shift > largestDown.shift) largestDown = { shift, u: uChunk[i] };
      if (shift < largestUp.shift) largestUp = { shift, u: uChunk[i] };
    }
  }
  return { shiftSum, portSum, zeroShifts, lowestDownU, highestUpU, largestDown, largestUp };
}
const { shiftSum, portSum, zeroShifts, lowestDownU, highestUpU, largestDown, largestUp } = enumerateShift(GRID, CHUNK);
const EPSILON = PORTED_SAMPLER_EPSILON, TOP_U = 1 - 2 ** -24, BOTTOM_U = 2 ** -24;
const predictedDown = Math.log1p(EPSILON / -Math.log(TOP_U));
const predictedUp = Math.log(1 - Math.log1p(EPSILON / BOTTOM_U) / -Math.log(BOTTOM_U));
const portAtZero = tf.tidy(() => portedPyTorchGumbel(tf.tensor1d([0])).dataSync()[0]);
const predictedAtZero = -Math.log(-Math.log(EPSILON));
// The float32 just above 1 − 2^−24: add one to its bit pattern.
const nextAfterTop = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([TOP_U]).buffer)[0] + 1]).buffer)[0];
console.log(`over all ${GRID} values: shift exactly 0 for ${pct(zeroShifts / GRID)}; downward only for u ≥ ${lowestDownU.toFixed(6)}, upward only for u ≤ ${highestUpU.toFixed(6)}`);
console.log(`largest downward shift ${largestDown.shift.toExponential(4)} at u = ${largestDown.u} (predicted ${predictedDown.toExponential(4)})`);
console.log(`largest upward shift ${(-largestUp.shift).toExponential(4)} at u = ${largestUp.u} (predicted ${(-predictedUp).toExponential(4)})`);
console.log(`mean shift ${(shiftSum / GRID).toExponential(2)}; mean of the port's noise ${(portSum / GRID).toFixed(7)} (γ = 0.5772157)`);
console.log(`at u = 0: the port gives ${portAtZero.toFixed(5)} (predicted ${predictedAtZero.toFixed(5)}); the float32 after ${TOP_U} is ${nextAfterTop}`);

// %% [markdown]
// **Claim (2):** over all $2^{23}$ values, the shift is exactly zero for more than 90% of them; it is downward only above $u = 0.9$ and upward only below $u = 0.1$ (each $\varepsilon$ survives float32 rounding at one end only); the largest downward shift is at $u = 1 - 2^{-24}$ and the largest upward shift at $u = 2^{-24}$, both equal to their predictions within $10^{-5}$; the port's noise has the Gumbel mean $\gamma$ within $10^{-5}$; and at $u = 0$ it equals the prediction $-\log(-\log\varepsilon)$ within $10^{-5}$.

// %%
const GAMMA = 0.5772156649;
if (!(zeroShifts / GRID > 0.9)) throw new Error(`the shift is zero for only ${zeroShifts / GRID} of the values`);
if (!(lowestDownU > 0.9 && highestUpU < 0.1)) throw new Error(`downward shifts from u = ${lowestDownU}, upward ones up to u = ${highestUpU}`);
if (!(largestDown.u === TOP_U && Math.abs(largestDown.shift - predictedDown) < 1e-5)) throw new Error(`largest downward shift ${largestDown.shift} at u = ${largestDown.u}, predicted ${predictedDown} at ${TOP_U}`);
if (!(largestUp.u === BOTTOM_U && Math.abs(largestUp.shift - predictedUp) < 1e-5)) throw new Error(`largest upward shift ${largestUp.shift} at u = ${largestUp.u}, predicted ${predictedUp} at ${BOTTOM_U}`);
if (!(Math.abs(portSum / GRID - GAMMA) < 1e-5)) throw new Error(`the port's noise has mean ${portSum / GRID}`);
if (!(Math.abs(portAtZero - predictedAtZero) < 1e-5)) throw new Error(`at u = 0 the port gives ${portAtZero}, predicted ${predictedAtZero}`);
await showMarkdown([
  `Claim (2) holds. The shift is exactly zero for ${pct(zeroShifts / GRID)} of the values. The port's noise is lower only for u ≥ ${lowestDownU.toFixed(4)}, by at most ${largestDown.shift.toFixed(4)} (at u = 1 − 2⁻²⁴; predicted ${predictedDown.toFixed(4)}), ` +
    `and higher only for u ≤ ${highestUpU.toFixed(4)}, by at most ${(-largestUp.shift).toExponential(2)} (at u = 2⁻²⁴; predicted ${(-predictedUp).toExponential(2)}). ` +
    `Averaged over all values the shift is ${(shiftSum / GRID).toExponential(1)}, and the port's noise has mean ${(portSum / GRID).toFixed(7)} against γ = 0.5772157: on average the ε is negligible.`,
  '',
  `At u = 0 the port gives ${portAtZero.toFixed(4)} where −log(−log u) is −∞. And no sampler of float32 uniforms can come closer to 1 than our generator's largest value: the next float32 after 1 − 2⁻²⁴ is ${nextAfterTop}.`,
].join('\n'));

// %% [markdown]
// And (3): an input of shape $[B, N, K] = [2000, 3, 4]$, 2 000 examples with three categorical variables each, all with logits $\log\alpha$. The port's twelve entries per example share one normaliser, so a variable's four entries no longer sum to 1; as the three variables have the same logits, each one's sum is $\tfrac13$ on average. Yet the view changes the relaxed *values*, not which category wins within a variable: dividing a variable's entries by their sum gives $\mathrm{softmax}\bigl((\log\alpha + G)/\tau\bigr)$ over its own four scores, the correct sample on the same uniforms (the $\varepsilon$ shift aside). A loss that reads the relaxed values sees points off the simplex; one that only rounds them would not notice.
//
// **Claim:** over the 2 000 examples, the first variable's sum has mean within 5 standard errors of $\tfrac13$ (the correct sampler's sums are 1); and the port divided by each variable's sum matches the correct sampler within $10^{-5}$.

// %%
const EXAMPLES = 2000, VARIABLES = 3;
const batched = tf.tile(tf.log(tf.tensor3d([[P_ALPHA]])), [EXAMPLES, VARIABLES, 1]);
const portOut = portedPyTorchSampler(batched, 0.5, 0, 11), correctOut = correctGumbelSoftmaxSampler(batched, 0.5, 11);
const flattening = tf.tidy(() => {
  const portSums = tf.sum(portOut, 2);   // [B, N]: one sum per variable
  return {
    firstVariable: Array.from(tf.slice(portSums, [0, 0], [EXAMPLES, 1]).dataSync()),
    firstExamples: Array.from(tf.slice(portSums, [0, 0], [2, VARIABLES]).dataSync()),
    exampleTotalGap: tf.max(tf.abs(tf.sub(tf.sum(portSums, 1), 1))).dataSync()[0],
    correctSumGap: tf.max(tf.abs(tf.sub(tf.sum(correctOut, 2), 1))).dataSync()[0],
    renormalisedGap: tf.max(tf.abs(tf.sub(tf.div(portOut, tf.expandDims(portSums, 2)), correctOut))).dataSync()[0],
  };
});
const firstMean = mean(flattening.firstVariable), firstSe = Math.sqrt(variance(flattening.firstVariable) / EXAMPLES);
console.log(`the port's per-variable sums in the first two examples: ${flattening.firstExamples.map((s) => s.toFixed(3)).join(' ')}; each example's 12 entries sum to 1 within ${flattening.exampleTotalGap.toExponential(1)}`);
console.log(`the first variable's sum over ${EXAMPLES} examples: mean ${firstMean.toFixed(4)} ± ${firstSe.toFixed(4)} (1/3 by symmetry); the correct sampler's sums are 1 within ${flattening.correctSumGap.toExponential(1)}`);
console.log(`the port divided by each variable's sum, against the correct sampler: largest gap ${flattening.renormalisedGap.toExponential(1)}`);
if (!(Math.abs(firstMean - 1 / 3) < 5 * firstSe)) throw new Error(`the first variable's mean sum ${firstMean} is not within 5 se of 1/3`);
if (!(flattening.renormalisedGap < 1e-5)) throw new Error(`the renormalised port differs from the correct sampler by ${flattening.renormalisedGap}`);
console.log('claim holds: the flattening view mixes the three variables of each example into one softmax, and changes only the values, not the winners');
tf.dispose([logits4, reference, correct, batched, portOut, correctOut]);

// %% [markdown]
// **What the port gets right.** For a 2-D input, with `temperature` ignored and the tiny noise shift aside, it samples $\mathrm{Concrete}(\alpha, \tau)$ with $\tau$ = `tau`: by rounding, its argmax frequencies are $\alpha/\sum\alpha$. A last check, on 20 000 fresh rows with `temperature = 123`:

// %%
const portArgmax = tf.tidy(() => Array.from(tf.sum(tf.oneHot(tf.argMax(portedPyTorchSampler(tf.tile(tf.log(tf.tensor2d([P_ALPHA])), [20_000, 1]), 0.5, 123, 13), 1), 4), 0).dataSync()));
const zPort = portArgmax.map((c, j) => (c / 20_000 - P_ALPHA[j]) / Math.sqrt(P_ALPHA[j] * (1 - P_ALPHA[j]) / 20_000));
if (!zPort.every((z) => Math.abs(z) < 5)) throw new Error(`the port's argmax frequencies are off: z = ${zPort}`);
console.log(`the port's argmax frequencies over 20 000 rows: ${portArgmax.map((c) => (c / 20_000).toFixed(4)).join(' ')} (α/Σα = ${P_ALPHA.join(', ')}); largest |z| ${Math.max(...zPort.map(Math.abs)).toFixed(2)}`);

// %% [markdown]
// ## Summary
//
// | statement of the source | measured here |
// | --- | --- |
// | reparameterised gradients have lower variance than the score function | yes for $\mathbb E[z^2]$, and increasingly so as $\lvert\mu\rvert$ grows; not for $\sin(\omega z)$ at large $\omega$, so not a theorem |
// | Gumbel-max samples the categorical | frequencies within 5 standard errors |
// | the Concrete density formula | matches samples for $K = 2$ (40 bins) and $K = 3$ (simplex grid) |
// | rounding | argmax frequencies equal $\alpha/\sum\alpha$ at $\tau = 0.1, 1, 10$ |
// | zero temperature | samples reach the vertices, but only linearly in $\tau$: the fraction farther than $0.01$ from every vertex is $(1 - \sum_k p_k^2)\,\tau\log 99$ to first order |
// | log-convex for $\tau \le 1/(K-1)$ | no concave second difference up to the bound; concavity appears above it |
// | low $\tau$: low bias, high variance | both monotone in $\tau$ on notebook 01's problem |
// | the PyTorch sampler | `temperature` is a no-op; $\varepsilon$ shifts the noise, but only at the two ends of $(0, 1)$ and by a few hundredths at most; the view flattens multi-variable inputs |

// %% [markdown]
// > **Where the source goes wrong**
// >
// > - **The simplex is written with $\sum_k x_k \le 1$.** The set $\{x \in \mathbb R_+^K : \sum_k x_k \le 1\}$ also holds the origin and everything between it and the face: it is the convex hull of the one-hot vectors *and* $0$, a solid of dimension $K$. The probability simplex needs $\sum_k x_k = 1$. It has dimension $K - 1$, which is why the density is taken with respect to the first $K - 1$ coordinates (section 3).
// > - **The density mixes $n$ and $K$.** It is written with $(n-1)!$ and $\tau^{n-1}$ while the product runs to $K$, and $n$ is never defined; both are $K$. Nor does the source say with respect to which measure it is a density.
// > - **Log-convexity is read as an optimisation guarantee.** "The convexity property tell us we will be better off as long as the temperature we choose is low enough." Log-convexity is a property of the density as a function of the sample $x$. It says nothing about the loss as a function of the parameters being optimised. What it does say is that the density has no interior mode and piles its mass against the vertices (section 4), and at those temperatures the gradients have their largest variance (the trade-off).
// > - **The GAN objective has a sign error.** It is written $\mathbb E\log D(x) - \mathbb E\log\bigl(1 - D(G(z))\bigr)$; Goodfellow et al. have $+$. With the minus sign, the discriminator, which maximises, would be rewarded for calling generated samples real.
// > - **Lower variance is stated as a general fact.** Reparameterisation "exhibits much less variance" than the alternatives; for $f(z) = \sin(\omega z)$ at large $\omega$ it has far more (section 1).
// > - **The trade-off is quoted without its cost.** Jang et al.'s sentence names only variance; what a high temperature costs is bias, which section 4 measures.
// > - **The PyTorch sampler** ignores its `temperature` argument, shifts the noise with an $\varepsilon$ that acts at the two ends of $(0, 1)$, and flattens multi-variable inputs into one softmax (section 6).

// %% [markdown]
// ## Exercises
//
// 1. **The $K = 2$ density by hand.** For $K = 2$, $X_1 = \mathrm{sigmoid}\bigl((\ell + L)/\tau\bigr)$ with $L$ a standard logistic variable and $\ell$ the logit. Derive the density of $X_1$ by a change of variables, and compare it with `RelaxedBernoulli.logProb` at 100 points.
// 2. **Where the pathwise estimator loses.** From the closed forms of both per-draw variances for $f(z) = \sin(\omega z)$, find the $\omega$ at which they cross for $\mu = 1$, $\sigma = 0.5$, and check it with `compareGaussianGradients`.
// 3. **The tie density.** Check $1 - \sum_k p_k^2$ by simulation: draw Gumbel-max scores, count the draws whose two best scores are within $\delta$ of each other, and divide by $\delta$ for small $\delta$. Try $\alpha = (1, 1, 1, 1)$ and a very uneven $\alpha$.
// 4. **Straight-through in the trade-off.** Repeat the trade-off of section 4 with `'st-gumbel-softmax'`. Does its bias vanish as $\tau \to 0$ on this loss? Which of its properties explains the answer?
// 5. **A correct PyTorch-style sampler.** Rewrite the source's sampler in raw TensorFlow.js without its three faults, and check it against `RelaxedOneHotCategorical.sample` on the same seed.
// 6. **The mode above the bound.** At $\tau = 1.5/(K - 1)$ for $K = 3$, find the interior maximum of the density numerically (gradient ascent on `logProb` over the free coordinates). Where is it, and how does it move as $\tau$ grows?
