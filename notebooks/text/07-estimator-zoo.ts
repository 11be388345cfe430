// -*- coding: utf-8 -*-
// %% [markdown]
// # 07 · The estimator zoo: every standard estimator against the exact gradient
//
// The library has eleven gradient estimators for $\nabla_\theta\,\mathbb{E}_{y\sim q_\theta}[f(y)]$, and exact enumeration beside them, all reached by name through one call, `estimateGradient(name, { logits, family, loss }, options)`. They fall into two families:
//
// - **unbiased**, built on the score function $\nabla_\theta \log q_\theta(y)$: REINFORCE with and without a leave-one-out baseline, Rao-Blackwellised sum-and-sample, ARM and DisARM (binary variables only), and REBAR and RELAX with their learned control variates;
// - **biased but pathwise**, which differentiate through the loss: Gumbel-Softmax, straight-through Gumbel-Softmax, plain straight-through, ReinMax and Gumbel-Rao.
//
// This notebook measures all of them on four problems small enough to enumerate, so that every estimate is compared with the **exact gradient** rather than with another estimator. Estimators are compared **at equal cost**: each estimate may spend the same number of loss evaluations, and each estimator gets as many samples as fit in that budget.
//
// 1. The problems, what each estimator computes and costs, and three of them written from scratch and checked against the library.
// 2. Bias, variance, cosine to the exact gradient and time, at equal cost, on every problem.
// 3. Each paper's headline claim, stated first and then tested, including where it does not hold here.
// 4. How the relaxed estimators move with the temperature $\tau$.
// 5. Where plain SGD on each estimator's estimates ends up.

// %%
import {
  tf, initBackend, backend, exact, estimateGradient, ESTIMATOR_NAMES, ESTIMATOR_FAMILIES, RELAXED_ESTIMATORS,
  Random, OneHotCategorical, repeatEstimates, gradientStatistics, EstimatorName,
  RebarControlVariate, RelaxControlVariate,
  squaredErrorToy, thresholdToy, coupledBernoulli, coupledCategorical,
  compareAtEqualCost, tuneControlVariate, descendOnEstimates, ZooEntry, ZooRow, DescentEntry, DescentRun,
  barChart, lineChart, show, showMarkdown
} from '../dist';
await initBackend('wasm');
console.log(`backend: ${backend()}`);

// %% [markdown]
// **Why `wasm` and not the default backend.** The estimators are compared on problems of a few categories, with many thousands of small gradient estimates, so the time goes to the fixed cost of each operation rather than to arithmetic, and that cost is smaller on TensorFlow.js's WebAssembly backend than on the native `tensorflow` one. The choice was made by measurement: `bench/notebook-backends.py` runs the whole notebook on each backend in interleaved rounds, and on this project's machines it finishes sooner on `wasm`. Only float rounding depends on the backend; the random numbers come from the project's own generator.

// %% [markdown]
// ## 1. The problems
//
// Each problem is a `GradientProblem` with plain-number logits. All four can be enumerated, so `exact` gives the true gradient (it evaluates the loss once per outcome).
//
// - **The squared-error toy** of notebook 01: one categorical $y$ with $K = 3$ categories, uniform logits, and $f(y) = \sum_k (y_k - t_k)^2$. The best $q$ puts all its mass on the category with the largest $t_k$.
// - **The threshold toy** of the REBAR and RELAX papers: one Bernoulli $b$ at logit $0$ and $f(b) = (b - t)^2$ with $t$ just below one half. The two outcomes' losses differ by $1 - 2t$, so the gradient $\sigma'(\theta)\,(1 - 2t)$ is tiny next to the loss itself: the case where REINFORCE without a good baseline drowns in noise.
// - **Twelve coupled Bernoulli variables**, with a loss that mixes the mean of the bits with products of neighbours, so that no estimator can treat the variables one at a time; $2^{12}$ outcomes.
// - **Four coupled categorical variables** of three categories each, with the squared distance of the sum of their one-hot vectors from a target count vector; $3^4$ outcomes.

// %%
const PROBLEMS = [squaredErrorToy(), thresholdToy(0.499), coupledBernoulli(12), coupledCategorical(4, 3)];
const truths = PROBLEMS.map((zoo) => {
  const { grad, lossEvaluations } = exact(zoo.problem);
  const g = Array.from(grad.dataSync());
  grad.dispose();
  return { grad: g, norm: Math.hypot(...g), outcomes: lossEvaluations };
});
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(2));
await showMarkdown([
  '| problem | what it is | outcomes | ‖∇‖ (exact) |',
  '| --- | --- | --- | --- |',
  ...PROBLEMS.map((zoo, i) => `| ${zoo.name} | ${zoo.description} | ${truths[i].outcomes} | ${sci(truths[i].norm)} |`),
].join('\n'));

// %% [markdown]
// ### The estimators
//
// Notation: logits $\theta$, $q = q_\theta$, $\pi = \mathrm{softmax}(\theta)$ (or $\sigma(\theta)$ for Bernoulli), so that the score is $\nabla_\theta \log q(y) = y - \pi$. $n$ is `numSamples`.
//
// **Score-function family (unbiased for any $f$, which need not be differentiable).**
//
// - *REINFORCE* (Williams 1992) with a baseline $b_i$: $\;\hat g = \frac1n \sum_i \bigl(f(y_i) - b_i\bigr)(y_i - \pi)$, $y_i \sim q$. With `'leave-one-out'` (RLOO, Kool, van Hoof & Welling 2019), $b_i = \frac{1}{n-1}\sum_{j \ne i} f(y_j)$, which is independent of $y_i$ and so adds no bias. Cost: $n$ evaluations.
// - *Sum-and-sample* (Liu, Regier, Tripuraneni, Jordan & McAuliffe 2019): with $C$ the $k$ most probable joint outcomes, $\;\hat g = \sum_{y \in C} q(y) f(y) \nabla\log q(y) + q(\bar C)\,\frac1n\sum_i f(y_i)\nabla \log q(y_i)$, $y_i \sim q(\cdot \mid y \notin C)$. It is REINFORCE with the event $y \in C$ integrated out exactly. Cost: $k + n$.
// - *ARM* (Yin & Zhou 2019), Bernoulli only: one uniform vector $u$ gives an antithetic pair $b = \mathbf 1[u < \sigma(\theta)]$, $\tilde b = \mathbf 1[u > \sigma(-\theta)]$, both exact draws of $q$, and $\;\hat g = \bigl(f(\tilde b) - f(b)\bigr)\,(u - \tfrac12)$. Cost: $2n$ for $n$ pairs.
// - *DisARM* (Dong, Mnih & Tucker 2020): ARM with $u$ integrated out given the pair, $\;\hat g_j = \tfrac12\bigl(f(b) - f(\tilde b)\bigr)(-1)^{\tilde b_j}\,\mathbf 1[b_j \ne \tilde b_j]\,\sigma(|\theta_j|)$. Same pairs, same cost.
// - *REBAR* (Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017): with $z = \theta + $ Gumbel (logistic) noise, $b = H(z)$ its discrete sample, $\tilde z \sim p(z \mid b)$ and the Concrete relaxation $\sigma_\lambda$ at temperature $\lambda$,
//   $$\hat g = \bigl[f(b) - \eta f(\sigma_\lambda(\tilde z))\bigr]\nabla\log q(b) + \eta\,\nabla_\theta f(\sigma_\lambda(z)) - \eta\,\nabla_\theta f(\sigma_\lambda(\tilde z)).$$
//   The three terms with $\eta$ have mean zero together (they write the gradient of $\mathbb E[f(\sigma_\lambda(z))]$ twice, once through $z$ and once through $b$ and $\tilde z$), so the estimate is unbiased for every $\eta, \lambda$; both are tuned online by descending the estimate's variance. Cost: $3n$, or $5n$ while tuning.
// - *RELAX* (Grathwohl, Choi, Wu, Roeder & Duvenaud 2018): REBAR with the control variate $c_\phi(z) = \eta f(\sigma_\lambda(z)) + r_\rho(z)$, where $r_\rho$ is a small neural network; $\;\hat g = [f(b) - c_\phi(\tilde z)]\nabla\log q(b) + \nabla_\theta c_\phi(z) - \nabla_\theta c_\phi(\tilde z)$. Since no $\phi$ changes the mean, $\nabla_\phi \operatorname{Var}(\hat g) = \nabla_\phi\, \mathbb E\|\hat g\|^2$ can be estimated from the same draws. Cost as REBAR.
//
// **Pathwise family (biased; the loss must be differentiable in $y$).**
//
// - *Gumbel-Softmax* (Jang, Gu & Poole 2017; Maddison, Mnih & Teh 2017): $z = \mathrm{softmax}\bigl((\theta + G)/\tau\bigr)$ with Gumbel noise $G$, and $\hat g = \frac1n\sum_i \nabla_\theta f(z_i)$: the exact gradient of the *relaxed* objective $\mathbb E[f(z)]$, not of $\mathbb E_q[f(y)]$.
// - *Straight-through Gumbel-Softmax* (Jang et al. 2017): the loss at the discrete $y = \mathrm{onehot}(\arg\max z)$, an exact sample of $q$, and the Jacobian of $z$ on the way back: $\hat g = \frac1n\sum_i (\partial z_i/\partial\theta)^\top \nabla f(y_i)$.
// - *Straight-through* (Bengio, Léonard & Courville 2013): $y_i \sim q$ exactly, and the backward pass of $s = \mathrm{softmax}(\theta/\tau)$: $\hat g = \frac1n\sum_i (\partial s/\partial\theta)^\top \nabla f(y_i)$.
// - *ReinMax* (Liu, Dong, Liu, Yu & Gao 2023): with $\pi_0 = \mathrm{softmax}(\theta)$ and the midpoint $\pi_1 = \bigl(y + \mathrm{softmax}(\theta/\tau)\bigr)/2$, $\;\hat g = \frac1n\sum_i \bigl[2 J(\pi_{1,i})^\top - \tfrac12 J(\pi_0)^\top\bigr]\nabla f(y_i)$, $J(\pi)^\top w = \pi \odot (w - \langle \pi, w\rangle)$: a second-order (Heun) step where straight-through is a first-order (Euler) one. It needs $\tau \ge 1$.
// - *Gumbel-Rao* (Paulus, Maddison & Krause 2021): the straight-through Gumbel-Softmax gradient averaged over $m$ Gumbel draws conditioned on the sampled category, $\hat g = \frac1n\sum_i \frac1m \sum_j (\partial s_{ij}/\partial\theta)^\top \nabla f(y_i)$, $s_{ij} = \mathrm{softmax}(\tilde z_{ij}/\tau)$, $\tilde z_{ij} \sim \theta + G \mid \arg\max = y_i$. The $m$ draws cost no loss evaluations.
//
// Every pathwise estimator above costs $n$ loss evaluations (the loss and its gradient at $n$ points). The cell below reads each estimator's cost from its own result, with $n = 10$, on the one-variable threshold toy (where every estimator applies), and checks it against the rule just stated.

// %%
const COST_RULES: Record<string, { rule: string; cost: (n: number) => number }> = {
  exact: { rule: 'one per outcome (2 here), whatever n', cost: () => 2 },
  reinforce: { rule: 'n', cost: (n) => n },
  'gumbel-softmax': { rule: 'n', cost: (n) => n },
  'st-gumbel-softmax': { rule: 'n', cost: (n) => n },
  'straight-through': { rule: 'n', cost: (n) => n },
  reinmax: { rule: 'n', cost: (n) => n },
  'gumbel-rao': { rule: 'n (the conditional draws are free)', cost: (n) => n },
  arm: { rule: '2n (n antithetic pairs)', cost: (n) => 2 * n },
  disarm: { rule: '2n (n antithetic pairs)', cost: (n) => 2 * n },
  rebar: { rule: '3n (5n while tuning)', cost: (n) => 3 * n },
  relax: { rule: '3n (5n while tuning)', cost: (n) => 3 * n },
  'sum-and-sample': { rule: 'k + n (k = 1 summed by default)', cost: (n) => n + 1 },
};
const COST_N = 10;
const costProblem = PROBLEMS[1].problem;
const costRows = ESTIMATOR_NAMES.map((name) => {
  const rule = COST_RULES[name];
  if (rule === undefined) throw new Error(`no cost rule for '${name}': add it to this table`);
  const { grad, lossEvaluations } = estimateGradient(name, costProblem, { numSamples: COST_N, seed: 0, temperature: 1 } as never);
  grad.dispose();
  if (lossEvaluations !== rule.cost(COST_N)) throw new Error(`${name} spent ${lossEvaluations} loss evaluations, not ${rule.cost(COST_N)}`);
  return `| \`${name}\` | ${RELAXED_ESTIMATORS.includes(name) ? 'yes' : ''} | ${ESTIMATOR_FAMILIES[name].join(', ')} | ${rule.rule} | ${lossEvaluations} |`;
});
const tuningCheck = new RebarControlVariate();
const tuningCall = estimateGradient('rebar', costProblem, { numSamples: COST_N, seed: 0, controlVariate: tuningCheck });
tuningCall.grad.dispose();
tuningCheck.dispose();
if (tuningCall.lossEvaluations !== 5 * COST_N) throw new Error(`a tuning REBAR call spent ${tuningCall.lossEvaluations}`);
await showMarkdown(['| name | takes τ | families | loss evaluations | at n = 10 |', '| --- | --- | --- | --- | --- |', ...costRows].join('\n'));

// %% [markdown]
// ### Three of them from scratch
//
// Before the library's estimators are measured, here are three written in plain TensorFlow.js, a few lines each: REINFORCE with the leave-one-out baseline and straight-through on the four coupled categorical variables, and DisARM on the twelve coupled Bernoulli variables. These are the two problems whose loss couples the variables, so that no coordinate of the gradient is trivial. Each from-scratch estimator is checked twice:
//
// - **against the library's, on the same draws.** It takes its randomness where the library's estimator takes it: exact samples from `OneHotCategorical.sample`, uniforms from `Random.uniformArray`, called on one seeded `Random` in the order in which `repeatEstimates` calls the library's estimator. So the $M$ estimates from scratch and the $M$ estimates of `repeatEstimates` with the same seed must agree one by one, up to float32 rounding;
// - **against what it estimates**, which does not involve the library's estimator at all. RLOO and DisARM are unbiased, so the mean of the $M$ estimates must lie within $k$ standard errors of the `exact` gradient in every coordinate. Straight-through is biased: its mean must lie within $k$ standard errors of its own expectation, enumerated over the $3^4$ outcomes, and outside them of the exact gradient.
//
// The first check alone would pass if the library shared a mistake with the code written here; the second catches that.

// %%
const SCRATCH = { numSamples: 20, repeats: 200, seed: 7, temperature: 1 };
const scratchCategorical = PROBLEMS[3].problem, scratchBinary = PROBLEMS[2].problem;
/** M estimates from one stream of draws, as `repeatEstimates` makes them: `estimate(rng)` is called M times on one generator. */
const repeatFromScratch = (estimate: (rng: Random) => tf.Tensor) => {
  const rng = new Random(SCRATCH.seed);
  return Array.from({ length: SCRATCH.repeats }, () => {
    const g = tf.tidy(() => estimate(rng)); // tidy frees every intermediate tensor of the estimate
    const values = g.dataSync() as Float32Array;
    g.dispose();
    return values;
  });
};

// %% [markdown]
// **REINFORCE with the leave-one-out baseline** (Williams 1992, "Simple statistical gradient-following algorithms for connectionist reinforcement learning"; Kool, van Hoof & Welling 2019, "Buy 4 REINFORCE samples, get a baseline for free!"). From $n$ exact draws $y_i \sim q_\theta$, each sample's score is weighted by its loss minus the mean loss of the *other* samples:
//
// $$\hat g_{\text{RLOO}} = \frac1n \sum_{i=1}^n \Bigl(f(y_i) - \frac{1}{n-1}\sum_{j\ne i} f(y_j)\Bigr)\nabla_\theta \log q_\theta(y_i) = \frac{1}{n-1}\sum_{i=1}^n \bigl(f(y_i) - \bar f\bigr)\,\nabla_\theta \log q_\theta(y_i).$$
//
// Sample $i$'s baseline does not depend on $y_i$, and $\mathbb E_q[\nabla_\theta \log q_\theta(y)] = 0$, so the baseline adds no bias. Below, the gradient is autodiff of the surrogate $\frac1n\sum_i w_i \log q_\theta(y_i)$, with the weights $w_i$ computed outside the gradient so that they enter as constants, and $\log q_\theta(y) = \sum_{v,k} y_{vk} \log \mathrm{softmax}(\theta_v)_k$ for independent variables $v$. The library writes the same gradient in closed form, $\frac1n\sum_i w_i (y_i - \pi)$: two routes to one number.

// %%
const rlooFromScratch = (rng: Random) => {
  const n = SCRATCH.numSamples, logits = tf.tensor(scratchCategorical.logits as number[][]); // [4, 3]
  const q = new OneHotCategorical({ logits });
  const y = q.sample(n, rng); // [n, 4, 3], exact one-hot draws
  q.dispose();
  const f = scratchCategorical.loss(y); // [n]
  const w = tf.mul(tf.sub(f, tf.mean(f)), n / (n - 1)); // f_i − the mean of the other n − 1
  const logQ = (l: tf.Tensor) => tf.sum(tf.mul(y, tf.logSoftmax(l)), [1, 2]); // log q(y_i), [n]
  return tf.grad((l: tf.Tensor) => tf.mean(tf.mul(w, logQ(l))))(logits);
};

// %% [markdown]
// **Straight-through** (Bengio, Léonard & Courville 2013, "Estimating or propagating gradients through stochastic neurons for conditional computation"). The forward pass uses the exact sample $y_i \sim q_\theta$; the backward pass pretends the sample was $s = \mathrm{softmax}(\theta/\tau)$:
//
// $$\hat g_{\text{ST}} = \frac1n\sum_{i=1}^n \Bigl(\frac{\partial s}{\partial\theta}\Bigr)^{\!\top} \nabla f(y_i), \qquad \mathbb E\bigl[\hat g_{\text{ST}}\bigr] = \Bigl(\frac{\partial s}{\partial\theta}\Bigr)^{\!\top}\, \mathbb E_q\bigl[\nabla f(y)\bigr].$$
//
// In code the sample is $y + (s - \mathrm{stop}(s))$: its value is exactly $y$, because $s - s$ is exactly $0$ in floating point too, and its gradient is that of $s$. TensorFlow.js has no `stopGradient`, so `stop` is one `tf.customGrad`. The expectation on the right needs $\nabla f$ only at the $3^4$ outcomes, so it is computed exactly, by enumeration. It is not $\nabla_\theta\, \mathbb E_q[f(y)]$: with this coupled loss straight-through is biased at every $\tau$ that section 4 tries.

// %%
// stop(x): x on the forward pass, a zero gradient on the backward pass.
const stop = tf.customGrad((...args) => ({ value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) }));
const relaxedOf = (l: tf.Tensor) => tf.softmax(tf.div(l, SCRATCH.temperature)); // s = softmax(θ/τ)
const stFromScratch = (rng: Random) => {
  const logits = tf.tensor(scratchCategorical.logits as number[][]);
  const q = new OneHotCategorical({ logits });
  const y = q.sample(SCRATCH.numSamples, rng);
  q.dispose();
  return tf.grad((l: tf.Tensor) => { const s = relaxedOf(l); return tf.mean(scratchCategorical.loss(tf.add(y, tf.sub(s, stop(s))))); })(logits);
};
// E[ĝ_ST] = (∂s/∂θ)ᵀ E_q[∇f(y)], with E_q[∇f(y)] = Σ_y q(y) ∇f(y) over the 3⁴ outcomes y (one-hot [81, 4, 3]).
const stExpectation = tf.tidy(() => {
  const [N, K] = [4, 3], logits = tf.tensor(scratchCategorical.logits as number[][]);
  const outcomes = tf.tensor(Array.from({ length: K ** N }, (_, c) => Array.from({ length: N }, (_, v) =>
    Array.from({ length: K }, (_, k) => (Math.floor(c / K ** v) % K === k ? 1 : 0)))));
  const probs = tf.exp(tf.sum(tf.mul(outcomes, tf.logSoftmax(logits)), [1, 2])); // q(y), [81]
  const gradF = tf.grad((y: tf.Tensor) => tf.sum(scratchCategorical.loss(y)))(outcomes); // ∇f(y), [81, 4, 3]
  const meanGradF = tf.sum(tf.mul(tf.reshape(probs, [-1, 1, 1]), gradF), 0); // [4, 3]
  return Array.from(tf.grad((l: tf.Tensor) => tf.sum(tf.mul(relaxedOf(l), meanGradF)))(logits).dataSync());
});

// %% [markdown]
// **DisARM** (Dong, Mnih & Tucker 2020, "DisARM: An antithetic gradient estimator for binary latent variables", NeurIPS), for independent Bernoulli variables with $q_\theta(b_j = 1) = \sigma(\theta_j)$. One uniform vector $u \sim U(0, 1)^D$ gives an antithetic pair, $b = \mathbf 1[u < \sigma(\theta)]$ and $\tilde b = \mathbf 1[1 - u < \sigma(\theta)]$, each an exact draw of $q_\theta$. ARM (Yin & Zhou 2019) weights $f(\tilde b) - f(b)$ by $u - \tfrac12$; DisARM replaces that weight by its expectation given the pair, which can only lower the variance:
//
// $$\hat g_j = \frac1n \sum_{i=1}^n \tfrac12\bigl(f(b_i) - f(\tilde b_i)\bigr)\,(-1)^{\tilde b_{ij}}\,\mathbf 1[b_{ij} \ne \tilde b_{ij}]\,\sigma(|\theta_j|).$$
//
// Coordinate $j$ learns only from the pairs that disagree there. There is no autodiff: the estimate is a handful of forward ops, and the loss is evaluated at $2n$ points.

// %%
const disarmFromScratch = (rng: Random) => {
  const logits = tf.tensor1d(scratchBinary.logits as number[]), [n, D] = [SCRATCH.numSamples, logits.size];
  const u = tf.tensor2d(rng.uniformArray(n * D), [n, D]); // strictly inside (0, 1)
  const p = tf.sigmoid(logits);
  const b = tf.cast(tf.less(u, p), 'float32'), bTilde = tf.cast(tf.less(tf.sub(1, u), p), 'float32'); // [n, D]
  const difference = tf.reshape(tf.sub(scratchBinary.loss(b), scratchBinary.loss(bTilde)), [n, 1]); // f(b) − f(b̃)
  const sign = tf.sub(1, tf.mul(2, bTilde)), differ = tf.abs(tf.sub(b, bTilde)); // (−1)^b̃ and 1[b ≠ b̃]
  return tf.mean(tf.mul(difference, tf.mul(tf.mul(sign, differ), tf.mul(0.5, tf.sigmoid(tf.abs(logits))))), 0);
};

// %% [markdown]
// **Check.** For each of the three, with $M$ = `SCRATCH.repeats` estimates of $n$ = `SCRATCH.numSamples` samples (DisARM: pairs) each: (a) every from-scratch estimate equals the library's on the same draws, entry by entry, within $10^{-4}\,\|g\|$ (float32 rounding; the two compute in a different order); (b) the mean of RLOO's and of DisARM's estimates is within $k = 4$ standard errors of the exact gradient in every coordinate, and straight-through's within 4 of its enumerated expectation; (c) straight-through's mean is more than 4 standard errors from the exact gradient in at least one coordinate: $M$ estimates are enough to see its bias. The table prints each compared number next to its tolerance.

// %%
const SCRATCH_K = 4, SCRATCH_GAP = 1e-4;
const scratchStart = performance.now(), tensorsBefore = tf.memory().numTensors;
const scratchChecks = [
  { label: 'REINFORCE + RLOO', estimate: rlooFromScratch, name: 'reinforce', options: { baseline: 'leave-one-out' }, p: 3, reference: 'exact' },
  { label: `straight-through, τ = ${SCRATCH.temperature}`, estimate: stFromScratch, name: 'straight-through', options: { temperature: SCRATCH.temperature }, p: 3, reference: 'its expectation' },
  { label: 'DisARM', estimate: disarmFromScratch, name: 'disarm', options: {}, p: 2, reference: 'exact' },
].map((c) => {
  const ours = repeatFromScratch(c.estimate);
  const { estimates } = repeatEstimates(c.name as EstimatorName, PROBLEMS[c.p].problem, { ...c.options, numSamples: SCRATCH.numSamples, seed: SCRATCH.seed } as never, SCRATCH.repeats);
  const gap = Math.max(...ours.map((e, i) => Math.max(...e.map((v, k) => Math.abs(v - estimates[i][k])))));
  const expected = c.reference === 'exact' ? truths[c.p].grad : stExpectation;
  return { ...c, gap, gapTolerance: SCRATCH_GAP * truths[c.p].norm, z: gradientStatistics(ours, expected).maxAbsZ, zExact: gradientStatistics(ours, truths[c.p].grad).maxAbsZ };
});
if (tf.memory().numTensors !== tensorsBefore) throw new Error(`the repeated estimates left ${tf.memory().numTensors - tensorsBefore} tensors behind`);
for (const c of scratchChecks) {
  if (!(c.gap <= c.gapTolerance)) throw new Error(`${c.label}: from scratch and library differ by ${c.gap} on the same draws (tolerance ${c.gapTolerance})`);
  if (!(c.z < SCRATCH_K)) throw new Error(`${c.label}: the mean is ${c.z} standard errors from ${c.reference}`);
}
console.log(`${scratchChecks.length} estimators × ${SCRATCH.repeats} estimates, from scratch and from the library, no tensor left behind, in ${((performance.now() - scratchStart) / 1000).toFixed(1)} s`);
const stCheck = scratchChecks[1];
if (!(stCheck.zExact > SCRATCH_K)) throw new Error(`straight-through's mean is only ${stCheck.zExact} standard errors from the exact gradient`);
const stBiasNorm = Math.hypot(...stExpectation.map((e, k) => e - truths[3].grad[k])) / truths[3].norm;
await showMarkdown([
  `| from scratch | problem | largest gap to the library, same draws | tolerance (a) | mean against | largest \\|z\\| | tolerance (b) |`, '| --- | --- | --- | --- | --- | --- | --- |',
  ...scratchChecks.map((c) => `| ${c.label} | ${PROBLEMS[c.p].name} | ${sci(c.gap)} | ${sci(c.gapTolerance)} | ${c.reference} | ${c.z.toFixed(2)} | < ${SCRATCH_K} |`),
  `| ${scratchChecks[1].label} | ${PROBLEMS[3].name} | | | exact | ${stCheck.zExact.toFixed(2)} | > ${SCRATCH_K} (c) |`,
  '',
  `All three agree with the library's estimators on the same draws, the largest gap being ${sci(Math.max(...scratchChecks.map((c) => c.gap)))}. ` +
  `RLOO and DisARM are unbiased at the level ${SCRATCH.repeats} estimates can resolve. Straight-through's enumerated expectation is ${stBiasNorm.toFixed(3)} ‖g‖ away from the exact gradient, ` +
  `and its ${SCRATCH.repeats} estimates find it: ${stCheck.z.toFixed(2)} standard errors at most from that expectation, ${stCheck.zExact.toFixed(2)} from the exact gradient.`,
].join('\n'));

// %% [markdown]
// ## 2. Every estimator at equal cost
//
// Each estimate may spend a **budget of loss evaluations** (`BUDGET` below); `compareAtEqualCost` gives every estimator the number of samples that fits (REINFORCE gets $n = B$, ARM $B/2$ pairs, REBAR $B/3$ draws, sum-and-sample $B - 1$ draws plus one summed outcome), repeats it $M$ times from one seed, and reports against the exact gradient $g$, with $\bar g$ the mean of the $M$ estimates and $\Sigma$ their covariance:
//
// - **bias** $\|\bar g - g\|$, next to the size it would have from noise alone, $\sqrt{\operatorname{tr}\Sigma / M}$ (the *noise floor*): an unbiased estimator's bias is about its noise floor, a biased one's is clearly above it;
// - **variance** $\operatorname{tr}\Sigma$ of one estimate, and **MSE** $\mathbb E\|\hat g - g\|^2 \approx \text{bias}^2 + \text{variance}$;
// - **cosine** $\mathbb E[\cos(\hat g, g)]$, the quantity that matters for the direction of an SGD step;
// - **time** per estimate, in milliseconds (on this machine, which other work shares: read the ratios, not the values).
//
// The temperatures: Gumbel-Softmax, its straight-through version and Gumbel-Rao at $\tau = 0.5$ (section 4 sweeps it); straight-through and ReinMax at $\tau = 1$, ReinMax's smallest. REBAR and RELAX are measured twice: with a fresh, untuned control variate (an untuned RELAX is REBAR, its network's output weights starting at zero), and after tuning it online on the problem for `TUNING.steps` calls, measured with tuning off. The tuning's own loss evaluations are not counted in the budget; section 3 comes back to that.

// %%
const BUDGET = 60, REPEATS = 100, SEED = 1, TAU = 0.5, CV_LEARNING_RATE = 0.05;
const TUNING = { steps: 100, numSamples: 10, seed: 5 };
const ENTRIES: ZooEntry[] = [
  { label: 'REINFORCE', name: 'reinforce' },
  { label: 'REINFORCE + RLOO', name: 'reinforce', options: { baseline: 'leave-one-out' } },
  { label: 'sum-and-sample', name: 'sum-and-sample', options: { numSummed: 1 } },
  { label: 'ARM', name: 'arm' },
  { label: 'DisARM', name: 'disarm' },
  { label: 'REBAR, untuned', name: 'rebar' },
  { label: 'Gumbel-Softmax', name: 'gumbel-softmax', options: { temperature: TAU } },
  { label: 'ST Gumbel-Softmax', name: 'st-gumbel-softmax', options: { temperature: TAU } },
  { label: 'Gumbel-Rao', name: 'gumbel-rao', options: { temperature: TAU } },
  { label: 'straight-through', name: 'straight-through', options: { temperature: 1 } },
  { label: 'ReinMax', name: 'reinmax', options: { temperature: 1 } },
];
const UNBIASED = ['REINFORCE', 'REINFORCE + RLOO', 'sum-and-sample', 'ARM', 'DisARM', 'REBAR, untuned', 'REBAR, tuned', 'RELAX, tuned'];
const BIASED = ['Gumbel-Softmax', 'ST Gumbel-Softmax', 'Gumbel-Rao', 'straight-through', 'ReinMax'];

const tuned = PROBLEMS.map((zoo) => {
  const rebarCv = new RebarControlVariate({ learningRate: CV_LEARNING_RATE });
  const relaxCv = new RelaxControlVariate({ learningRate: CV_LEARNING_RATE });
  const rebarReport = tuneControlVariate(zoo.problem, rebarCv, TUNING);
  const relaxReport = tuneControlVariate(zoo.problem, relaxCv, TUNING);
  return { rebarCv, relaxCv, rebarReport, relaxReport };
});
PROBLEMS.forEach((zoo, i) => {
  const { rebarReport: a, relaxReport: b } = tuned[i];
  console.log(`${zoo.name}: REBAR λ 0.5 → ${a.temperature.toFixed(3)}, RELAX λ 0.5 → ${b.temperature.toFixed(3)} ` +
    `(${a.updates} + ${b.updates} Adam steps, ${a.refusedUpdates + b.refusedUpdates} refused, ${a.lossEvaluations + b.lossEvaluations} loss evaluations spent)`);
});

// %%
const zooEntries = (family: string, i: number): ZooEntry[] => [
  ...ENTRIES.filter((e) => ESTIMATOR_FAMILIES[e.name].includes(family as never)),
  { label: 'REBAR, tuned', name: 'rebar', options: { controlVariate: tuned[i].rebarCv, tune: false } },
  { label: 'RELAX, tuned', name: 'relax', options: { controlVariate: tuned[i].relaxCv, tune: false } },
];
const zooStart = performance.now();
const zooRows: ZooRow[][] = PROBLEMS.map((zoo, i) => compareAtEqualCost(zoo.problem, zooEntries(zoo.problem.family, i), { budget: BUDGET, repeats: REPEATS, seed: SEED }));
console.log(`${zooRows.flat().length} estimators × ${REPEATS} repeats in ${((performance.now() - zooStart) / 1000).toFixed(1)} s`);
const rowOf = (p: number, label: string) => zooRows[p].find((r) => r.label === label);

// %% [markdown]
// The tables, one per problem. Bias and MSE are relative to the exact gradient (divided by $\|g\|$ and $\|g\|^2$), so the problems can be read side by side; "bias / noise" is the bias in units of its noise floor.

// %%
// A floor for the noise, where an estimator has none (a deterministic estimate): float32 rounding, 1e-3 of ‖g‖.
const ROUNDING = 1e-3;
const biasRatio = (r: ZooRow, p: number) => r.bias / Math.max(r.biasNoise, ROUNDING * truths[p].norm);
await showMarkdown(PROBLEMS.map((zoo, p) => [
  `**${zoo.name}** (exact: ${truths[p].outcomes} loss evaluations; the others: at most ${BUDGET})`,
  '',
  '| estimator | n | loss evaluations | bias / ‖g‖ | bias / noise | variance | MSE / ‖g‖² | cosine | ms per estimate |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...zooRows[p].map((r) => `| ${r.label} | ${r.numSamples} | ${r.lossEvaluations} | ${sci(r.bias / truths[p].norm)} | ${biasRatio(r, p).toFixed(1)} | ` +
    `${sci(r.variance)} | ${sci(r.mse / truths[p].norm ** 2)} | ${r.cosine.toFixed(3)} | ${r.msPerEstimate.toFixed(2)} |`),
].join('\n')).join('\n\n'));

// %% [markdown]
// The same numbers as charts, one bar per estimator and problem (the time per estimate stays in the tables: it changes from run to run, and a re-executed notebook must reproduce its charts). First the bias in units of its noise floor: unbiased estimators should sit near 1, and a bar well above 4 is a bias that $M$ repeats can see.

// %%
// Estimator-major rows, so that the legend and the bars keep the order of the table.
const LABELS = zooRows[2].map((r) => r.label).concat(zooRows[0].map((r) => r.label).filter((l) => !zooRows[2].some((r) => r.label === l)));
const chartRows = (value: (r: ZooRow, p: number) => number) => LABELS.flatMap((label) =>
  PROBLEMS.flatMap((zoo, p) => {
    const r = rowOf(p, label);
    return r === undefined ? [] : [{ problem: zoo.name, estimator: label, value: value(r, p) }];
  }));
await show(barChart({
  data: chartRows(biasRatio), x: 'problem', y: 'value', color: 'estimator', width: 760, height: 260,
  xTitle: '', yTitle: 'bias / noise floor', title: `Bias in units of its noise floor (M = ${REPEATS}, ${BUDGET} loss evaluations each)`,
}));

// %% [markdown]
// Then the mean squared error, the variance and the cosine. MSE and variance are on a log scale, since they span many orders of magnitude (bars point down from the axis where they are far below $\|g\|^2$; a variance of exactly zero, DisARM's and sum-and-sample's on the threshold toy, is drawn at $-12$, the bottom of the axis).

// %%
// A variance of exactly 0 has no logarithm: it is drawn at LOG_FLOOR, the bottom of the axis.
const LOG_FLOOR = -12;
const logRelative = (x: number, p: number) => Math.max(LOG_FLOOR, Math.log10(x / truths[p].norm ** 2));
await show(barChart({
  data: chartRows((r, p) => logRelative(r.mse, p)), x: 'problem', y: 'value', color: 'estimator',
  width: 760, height: 260, xTitle: '', yTitle: 'log₁₀ (MSE / ‖g‖²)', title: 'Mean squared error of one estimate, relative to ‖g‖²',
}));

// %%
await show(barChart({
  data: chartRows((r) => r.cosine), x: 'problem', y: 'value', color: 'estimator', width: 760, height: 260,
  xTitle: '', yTitle: 'mean cos(ĝ, g)', title: 'Cosine to the exact gradient',
}));

// %%
await show(barChart({
  data: chartRows((r, p) => logRelative(r.variance, p)), x: 'problem', y: 'value', color: 'estimator',
  width: 760, height: 260, xTitle: '', yTitle: 'log₁₀ (variance / ‖g‖²)', title: `Variance of one estimate at ${BUDGET} loss evaluations, relative to ‖g‖²`,
}));

// %% [markdown]
// **Check.** Every unbiased estimator's bias is within 4 noise floors (plus float32 rounding, $10^{-3}\|g\|$) on every problem it applies to. On the two coupled problems, where the loss is not linear in any variable, Gumbel-Softmax, its straight-through version, Gumbel-Rao and straight-through are biased by more than 4 noise floors: $M$ repeats are enough to see it. (On the one-variable problems the pathwise estimators' biases are smaller, and the check does not ask for them.)

// %%
const K_NOISE = 4;
const unbiasedFailures = PROBLEMS.flatMap((zoo, p) => zooRows[p]
  .filter((r) => UNBIASED.includes(r.label) && !(r.bias <= K_NOISE * r.biasNoise + ROUNDING * truths[p].norm))
  .map((r) => `${r.label} on ${zoo.name}: bias ${sci(r.bias)}, noise ${sci(r.biasNoise)}`));
if (unbiasedFailures.length > 0) throw new Error(`unbiased estimators with a visible bias: ${unbiasedFailures.join('; ')}`);
const VISIBLY_BIASED = ['Gumbel-Softmax', 'ST Gumbel-Softmax', 'Gumbel-Rao', 'straight-through'];
const hiddenBias = [2, 3].flatMap((p) => VISIBLY_BIASED.map((label) => rowOf(p, label))
  .filter((r) => !(r.bias > K_NOISE * r.biasNoise)).map((r) => `${r.label} on ${PROBLEMS[p].name}: ${biasRatio(r, p).toFixed(1)} noise floors`));
if (hiddenBias.length > 0) throw new Error(`biases not visible: ${hiddenBias.join('; ')}`);
const ratios = (p: number) => VISIBLY_BIASED.map((label) => biasRatio(rowOf(p, label), p));
await showMarkdown(`All ${UNBIASED.length} unbiased estimators are within ${K_NOISE} noise floors of the exact gradient on every problem. ` +
  `On the coupled problems the four relaxed estimators are biased by ${Math.min(...ratios(2), ...ratios(3)).toFixed(1)} to ${Math.max(...ratios(2), ...ratios(3)).toFixed(1)} noise floors; ` +
  `ReinMax only by ${biasRatio(rowOf(2, 'ReinMax'), 2).toFixed(1)} and ${biasRatio(rowOf(3, 'ReinMax'), 3).toFixed(1)}, a bias that ${REPEATS} repeats cannot tell from noise.`);

// %% [markdown]
// ## 3. The papers' claims, one at a time
//
// Each claim is stated as its paper makes it (in our words), then tested on the numbers above. The verdicts are collected into a table at the end.

// %%
const verdicts: { paper: string; claim: string; verdict: string }[] = [];
const ratio = (a: number, b: number) => (b === 0 ? 'undefined' : a === 0 ? '0' : (a / b).toPrecision(2));

// %% [markdown]
// ### Leave-one-out REINFORCE (Kool, van Hoof & Welling 2019)
//
// *Claim: using the other samples' mean loss as each sample's baseline lowers the variance of REINFORCE, costs no extra loss evaluations and adds no bias.* Unbiasedness was checked above; the variance is compared here with plain REINFORCE at the same $n$.
//
// **Check.** RLOO's variance is below REINFORCE's on all four problems.

// %%
const rlooGain = PROBLEMS.map((_, p) => rowOf(p, 'REINFORCE').variance / rowOf(p, 'REINFORCE + RLOO').variance);
if (!rlooGain.every((g) => g > 1)) throw new Error(`RLOO did not lower the variance everywhere: ${rlooGain}`);
verdicts.push({ paper: 'Kool et al. 2019 (RLOO)', claim: 'lower variance than REINFORCE, no bias', verdict: `holds on all 4 problems (variance ÷ ${rlooGain.map((g) => g.toPrecision(2)).join(', ')})` });
await showMarkdown(`Holds: RLOO divides REINFORCE's variance by ${rlooGain.map((g, p) => `**${g.toPrecision(2)}** (${PROBLEMS[p].name})`).join(', ')}. The huge factor on the threshold toy is the point of that toy: both outcomes' losses are near 0.25, so without a baseline the estimate is mostly the loss's size times the score's noise.`);

// %% [markdown]
// ### Sum-and-sample (Liu et al. 2019)
//
// *Claim: summing the most probable outcomes exactly and sampling only the rest never increases the variance of the score-function estimator, and reduces it most when the summed outcomes carry much of the mass.* The sampled part is scaled by $q(\bar C)$, so its variance by $q(\bar C)^2$ (for the same number of draws). The mass $q(C)$ of the one summed outcome is computed below from the logits.
//
// **Check.** Where the summed outcome carries at least $0.3$ of the mass, sum-and-sample's variance is below half of REINFORCE's; where it carries less than a tenth, the two variances are within a factor of 2 of each other, i.e. no gain can be seen.

// %%
// The most probable joint outcome of independent variables: the product of each variable's largest probability.
const topMass = PROBLEMS.map((zoo) => tf.tidy(() => {
  const logits = tf.tensor(zoo.problem.logits as number[]);
  const largest = zoo.problem.family === 'categorical' ? tf.max(tf.softmax(logits), -1) : tf.maximum(tf.sigmoid(logits), tf.sigmoid(tf.neg(logits)));
  return tf.prod(largest).dataSync()[0];
}));
const sasRatio = PROBLEMS.map((_, p) => rowOf(p, 'sum-and-sample').variance / rowOf(p, 'REINFORCE').variance);
PROBLEMS.forEach((zoo, p) => {
  if (topMass[p] >= 0.3 && !(sasRatio[p] < 0.5)) throw new Error(`${zoo.name}: q(C) = ${topMass[p]} but variance ratio ${sasRatio[p]}`);
  if (topMass[p] < 0.1 && !(sasRatio[p] > 0.5 && sasRatio[p] < 2)) throw new Error(`${zoo.name}: q(C) = ${topMass[p]} and variance ratio ${sasRatio[p]}`);
});
verdicts.push({ paper: 'Liu et al. 2019 (sum-and-sample)', claim: 'never more variance than REINFORCE, less the more mass is summed', verdict: `holds (variance ratios ${sasRatio.map((r) => ratio(r, 1)).join(', ')} at q(C) = ${topMass.map((m) => m.toPrecision(2)).join(', ')})` });
await showMarkdown(PROBLEMS.map((zoo, p) => `- ${zoo.name}: the summed outcome has mass **${topMass[p].toPrecision(2)}**; variance against REINFORCE's **${ratio(sasRatio[p], 1)}**`).join('\n') +
  '\n\nHolds, as far as it can be seen: on the one-variable problems sum-and-sample wins big (on the threshold toy, with one outcome summed and the other sampled, the estimate is exact), and on the coupled problems, whose most probable outcome has little mass, it is REINFORCE with one sample fewer.');

// %% [markdown]
// ### ARM and DisARM (Yin & Zhou 2019; Dong, Mnih & Tucker 2020)
//
// *ARM's claim: an antithetic pair of samples gives an unbiased gradient for binary variables with much lower variance than REINFORCE.* *DisARM's claim: integrating out ARM's uniform given the pair can only lower the variance, $\operatorname{Var}(\text{DisARM}) \le \operatorname{Var}(\text{ARM})$, coordinate by coordinate.*
//
// With the same seed the two draw the very same pairs, so the comparison is paired. One variable at logit $0$ is a special case: there $b \ne \tilde b$ always, and DisARM's estimate $\tfrac14\bigl(f(1) - f(0)\bigr)$ is the exact gradient, with no variance at all.
//
// **Check.** On both Bernoulli problems, DisARM's variance is at most ARM's, and ARM's is below plain REINFORCE's at equal cost. We also report ARM against RLOO, which the ARM paper does not compare with.

// %%
const BERNOULLI = [1, 2];
const armRows = BERNOULLI.map((p) => ({ p, arm: rowOf(p, 'ARM'), disarm: rowOf(p, 'DisARM'), reinforce: rowOf(p, 'REINFORCE'), rloo: rowOf(p, 'REINFORCE + RLOO') }));
for (const { p, arm, disarm, reinforce } of armRows) {
  if (!(disarm.variance <= arm.variance)) throw new Error(`${PROBLEMS[p].name}: DisARM ${disarm.variance} > ARM ${arm.variance}`);
  if (!(arm.variance < reinforce.variance)) throw new Error(`${PROBLEMS[p].name}: ARM ${arm.variance} ≥ REINFORCE ${reinforce.variance}`);
}
const armBeatsRloo = armRows.filter((r) => r.arm.variance < r.rloo.variance).length;
verdicts.push({ paper: 'Yin & Zhou 2019 (ARM)', claim: 'lower variance than REINFORCE', verdict: `holds against plain REINFORCE on both Bernoulli problems; below RLOO on ${armBeatsRloo} of 2` });
verdicts.push({ paper: 'Dong et al. 2020 (DisARM)', claim: 'variance at most ARM\'s', verdict: `holds on both Bernoulli problems (DisARM ÷ ARM = ${armRows.map((r) => ratio(r.disarm.variance, r.arm.variance)).join(', ')})` });
await showMarkdown(armRows.map(({ p, arm, disarm, reinforce, rloo }) =>
  `- ${PROBLEMS[p].name}: variance REINFORCE **${sci(reinforce.variance)}**, RLOO **${sci(rloo.variance)}**, ARM **${sci(arm.variance)}**, DisARM **${sci(disarm.variance)}**`).join('\n') +
  `\n\nBoth claims hold. ARM is below RLOO at the same number of loss evaluations on ${armBeatsRloo} of the 2 Bernoulli problems: against a good baseline, the antithetic pair is not automatically better.`);

// %% [markdown]
// ### Straight-through and ReinMax (Bengio et al. 2013; Liu et al. 2023)
//
// *Straight-through's promise: a cheap gradient with low variance, at the price of a bias.* *ReinMax's claim: its backward pass is a second-order approximation of the gradient where straight-through's is first-order, so it has less bias at the same cost; at $\tau = 1$ it is exact for a loss quadratic in one categorical variable (the trapezoid rule behind Heun's method is exact for quadratics).*
//
// Straight-through is also unbiased on the squared-error toy, but only by a coincidence of its starting point: at uniform logits its mean $J(q)^\top 2(q - t)$ loses the $2q$ term, because $q \odot (q - \langle q, q\rangle) = 0$ when $q$ is uniform. Away from there it is biased (section 5 shows where that leads).
//
// One Bernoulli variable is a categorical of two categories, and $(b - t)^2$ is quadratic in it, so ReinMax is unbiased on the threshold toy too; at logit $0$ its two Jacobian terms add up to straight-through's, $2\cdot\tfrac{3}{16} - \tfrac12\cdot\tfrac14 = \tfrac14 = \sigma'(0)$, so there the two estimators give the same numbers.
//
// **Check.** (a) On both coupled problems straight-through's variance is below REINFORCE's at equal cost. (b) ReinMax's bias on the squared-error toy and on the threshold toy is within 4 noise floors, and on the threshold toy its mean equals straight-through's (same seed, same samples) to float32 rounding. (c) On the coupled categorical problem, ReinMax's bias is below straight-through's by more than 3 combined noise floors; on the coupled Bernoulli problem we report the gap in the same units.

// %%
for (const p of [2, 3]) {
  const st = rowOf(p, 'straight-through'), rf = rowOf(p, 'REINFORCE');
  if (!(st.variance < rf.variance)) throw new Error(`${PROBLEMS[p].name}: straight-through variance ${st.variance} ≥ REINFORCE ${rf.variance}`);
}
for (const p of [0, 1]) {
  const rm = rowOf(p, 'ReinMax');
  if (!(rm.bias <= K_NOISE * rm.biasNoise)) throw new Error(`ReinMax is biased on ${PROBLEMS[p].name}: ${rm.bias} against ${rm.biasNoise}`);
}
const [rmOne, stOne] = [rowOf(1, 'ReinMax').mean[0], rowOf(1, 'straight-through').mean[0]];
if (!(Math.abs(rmOne - stOne) <= 1e-4 * Math.abs(stOne))) throw new Error(`threshold toy: ReinMax's mean ${rmOne}, straight-through's ${stOne}`);
const stCat = rowOf(3, 'straight-through'), rmCat = rowOf(3, 'ReinMax');
const stGap = stCat.bias - rmCat.bias, stGapNoise = Math.hypot(stCat.biasNoise, rmCat.biasNoise);
if (!(stGap > 3 * stGapNoise)) throw new Error(`ReinMax's bias ${rmCat.bias} is not clearly below straight-through's ${stCat.bias}`);
const stBer = rowOf(2, 'straight-through'), rmBer = rowOf(2, 'ReinMax');
const berGap = (stBer.bias - rmBer.bias) / Math.hypot(stBer.biasNoise, rmBer.biasNoise);
verdicts.push({ paper: 'Bengio et al. 2013 (straight-through)', claim: 'low variance, biased', verdict: `holds on the coupled problems (variance ÷ REINFORCE's: ${[2, 3].map((p) => ratio(rowOf(p, 'straight-through').variance, rowOf(p, 'REINFORCE').variance)).join(', ')})` });
verdicts.push({ paper: 'Liu et al. 2023 (ReinMax)', claim: 'less bias than straight-through; exact for a quadratic of one categorical at τ = 1', verdict: `unbiased on both one-variable problems; less biased than straight-through on the coupled categorical problem by ${(stGap / stGapNoise).toFixed(1)} noise floors, on the coupled Bernoulli one by ${berGap.toFixed(1)}` });
await showMarkdown(`On the coupled categorical problem ReinMax's relative bias is **${sci(rmCat.bias / truths[3].norm)}** against straight-through's **${sci(stCat.bias / truths[3].norm)}**; ` +
  `on the coupled Bernoulli problem **${sci(rmBer.bias / truths[2].norm)}** against **${sci(stBer.bias / truths[2].norm)}**, a gap of ${berGap.toFixed(1)} combined noise floors (ReinMax's own bias is within its noise there). ` +
  `Its variance is ${ratio(rmCat.variance, stCat.variance)} and ${ratio(rmBer.variance, stBer.variance)} times straight-through's on those two problems: the second-order correction is paid for in noise, not in loss evaluations.`);

// %% [markdown]
// ### Gumbel-Rao (Paulus, Maddison & Krause 2021)
//
// *Claim: averaging the straight-through Gumbel-Softmax gradient over the Gumbel noise that could have produced the sampled category (a Rao-Blackwellisation) keeps its mean and never increases its variance.*
//
// **Check.** On every problem (a) the means of Gumbel-Rao and straight-through Gumbel-Softmax at the same $\tau$ agree within 4 combined noise floors, and (b) Gumbel-Rao's variance is at most the straight-through Gumbel-Softmax's.

// %%
const raoRows = PROBLEMS.map((_, p) => {
  const gr = rowOf(p, 'Gumbel-Rao'), st = rowOf(p, 'ST Gumbel-Softmax');
  const meanGap = Math.hypot(...gr.mean.map((m, k) => m - st.mean[k]));
  return { gr, st, meanGap, gapNoise: Math.hypot(gr.biasNoise, st.biasNoise) };
});
raoRows.forEach(({ gr, st, meanGap, gapNoise }, p) => {
  if (!(meanGap <= K_NOISE * gapNoise)) throw new Error(`${PROBLEMS[p].name}: the means differ by ${meanGap}, noise ${gapNoise}`);
  if (!(gr.variance <= st.variance)) throw new Error(`${PROBLEMS[p].name}: Gumbel-Rao variance ${gr.variance} > ST-GS ${st.variance}`);
});
verdicts.push({ paper: 'Paulus et al. 2021 (Gumbel-Rao)', claim: 'same mean as ST-GS, variance no larger', verdict: `holds on all 4 problems at τ = ${TAU} (variance ÷ ST-GS's: ${raoRows.map((r) => ratio(r.gr.variance, r.st.variance)).join(', ')})` });
await showMarkdown(`Holds at τ = ${TAU}: Gumbel-Rao's variance is ${raoRows.map((r, p) => `**${ratio(r.gr.variance, r.st.variance)}** × (${PROBLEMS[p].name})`).join(', ')} that of straight-through Gumbel-Softmax, with the same mean. Its bias is the straight-through Gumbel-Softmax's, so it is still biased on the coupled problems. Section 4 looks at lower temperatures, where the paper expects the larger gain.`);

// %% [markdown]
// ### REBAR and RELAX (Tucker et al. 2017; Grathwohl et al. 2018)
//
// *REBAR's claim: a control variate built from the Concrete relaxation, with its scale and temperature tuned online to minimise the variance, gives an unbiased estimator with lower variance than REINFORCE with baselines.* *RELAX's claim: a free-form learned surrogate in the control variate lowers the variance further than REBAR's, and on the threshold toy it optimises where REINFORCE and REBAR struggle.*
//
// The comparison that matters is at equal cost. Measured with tuning off, REBAR and RELAX spend $3n$ loss evaluations for $n$ draws, so against REINFORCE with $3n$ samples, with and without the leave-one-out baseline. (That leaves out the cost of the tuning itself, which favours REBAR and RELAX.)
//
// **Check.** (a) Tuning lowers REBAR's variance on every problem (tuned and untuned see the same draws, so the comparison is paired). (b) Tuned RELAX is below plain REINFORCE on the threshold toy, by more than a factor of 100. We then report, problem by problem, whether tuned REBAR and RELAX beat plain REINFORCE and RLOO, and whether RELAX beats REBAR.

// %%
const cvRows = PROBLEMS.map((_, p) => ({
  reinforce: rowOf(p, 'REINFORCE').variance, rloo: rowOf(p, 'REINFORCE + RLOO').variance,
  untuned: rowOf(p, 'REBAR, untuned').variance, rebar: rowOf(p, 'REBAR, tuned').variance, relax: rowOf(p, 'RELAX, tuned').variance,
}));
cvRows.forEach((r, p) => { if (!(r.rebar < r.untuned)) throw new Error(`${PROBLEMS[p].name}: tuning did not lower REBAR's variance (${r.untuned} → ${r.rebar})`); });
if (!(cvRows[1].relax * 100 < cvRows[1].reinforce)) throw new Error(`threshold toy: tuned RELAX ${cvRows[1].relax} against REINFORCE ${cvRows[1].reinforce}`);
const count = (test: (r: typeof cvRows[0]) => boolean) => cvRows.filter(test).length;
const beats = {
  rebarReinforce: count((r) => r.rebar < r.reinforce), relaxReinforce: count((r) => r.relax < r.reinforce),
  rebarRloo: count((r) => r.rebar < r.rloo), relaxRloo: count((r) => r.relax < r.rloo), relaxRebar: count((r) => r.relax < r.rebar),
};
verdicts.push({ paper: 'Tucker et al. 2017 (REBAR)', claim: 'tuned, lower variance than REINFORCE with baselines', verdict: `tuning helps on 4 of 4; below plain REINFORCE on ${beats.rebarReinforce} of 4, below RLOO on ${beats.rebarRloo} of 4` });
verdicts.push({ paper: 'Grathwohl et al. 2018 (RELAX)', claim: 'lower variance than REBAR; solves the threshold toy', verdict: `below REBAR on ${beats.relaxRebar} of 4, below plain REINFORCE on ${beats.relaxReinforce} of 4, below RLOO on ${beats.relaxRloo} of 4` });
await showMarkdown([
  '| problem | REINFORCE | RLOO | REBAR untuned | REBAR tuned | RELAX tuned |', '| --- | --- | --- | --- | --- | --- |',
  ...cvRows.map((r, p) => `| ${PROBLEMS[p].name} | ${sci(r.reinforce)} | ${sci(r.rloo)} | ${sci(r.untuned)} | ${sci(r.rebar)} | ${sci(r.relax)} |`),
  '',
  `Tuning lowers REBAR's variance on all 4 problems, and tuned RELAX beats REBAR on ${beats.relaxRebar} of 4. Against plain REINFORCE at equal cost, tuned REBAR wins on ${beats.rebarReinforce} of 4 and tuned RELAX on ${beats.relaxReinforce} of 4. ` +
  `**Against REINFORCE with the leave-one-out baseline at equal cost, tuned REBAR wins on ${beats.rebarRloo} of 4 problems and tuned RELAX on ${beats.relaxRloo} of 4.** ` +
  'REBAR\'s paper compares with REINFORCE-based estimators with learned baselines (NVIL, MuProp) and RELAX\'s with REINFORCE and REBAR; neither with RLOO given three times the samples. Here the relaxation\'s two pathwise terms add variance of their own, and a baseline built from 3n loss values is hard to beat with n draws.',
  `On the threshold toy tuned REBAR ${cvRows[1].rebar < cvRows[1].reinforce ? 'beats' : 'does not even beat'} plain REINFORCE (the RELAX paper shows REBAR struggling on this toy), while tuned RELAX does, by a factor of ${(cvRows[1].reinforce / cvRows[1].relax).toPrecision(2)}.`,
].join('\n'));

// %%
await show(barChart({
  data: ['REINFORCE', 'RLOO', 'REBAR untuned', 'REBAR tuned', 'RELAX tuned'].flatMap((estimator, e) => cvRows.map((r, p) => ({
    problem: PROBLEMS[p].name, estimator, value: Math.log10([r.reinforce, r.rloo, r.untuned, r.rebar, r.relax][e] / truths[p].norm ** 2),
  }))),
  x: 'problem', y: 'value', color: 'estimator', width: 760, height: 240, xTitle: '',
  yTitle: 'log₁₀ (variance / ‖g‖²)', title: `Control variates against baselines at ${BUDGET} loss evaluations`,
}));

// %% [markdown]
// ## 4. The temperature
//
// Five estimators take a temperature. For Gumbel-Softmax it sets the relaxation itself: *Jang et al. and Maddison et al. claim that as $\tau \to 0$ the relaxed samples become one-hot and the bias vanishes, while the variance of the gradient grows*; as $\tau \to \infty$ the samples all tend to the centre of the simplex. For straight-through, ReinMax and Gumbel-Rao the forward pass is an exact sample at every $\tau$ and only the backward pass changes. We sweep $\tau$ on the coupled categorical problem, at the same budget, with fewer repeats (`SWEEP_REPEATS`); ReinMax only from $\tau = 1$.

// %%
const SWEEP_TEMPERATURES = [0.1, 0.3, 1, 3];
const SWEEP_REPEATS = 60;
const SWEEP_PROBLEM = 3;
const SWEPT = [
  ['Gumbel-Softmax', 'gumbel-softmax'], ['ST Gumbel-Softmax', 'st-gumbel-softmax'], ['Gumbel-Rao', 'gumbel-rao'],
  ['straight-through', 'straight-through'], ['ReinMax', 'reinmax'],
] as const;
const sweepEntries = SWEPT.flatMap(([label, name]) => SWEEP_TEMPERATURES.filter((t) => name !== 'reinmax' || t >= 1)
  .map((temperature) => ({ label, name, temperature, entry: { label: `${label}, τ = ${temperature}`, name, options: { temperature } } as ZooEntry })));
const sweepStart = performance.now();
const sweepResults = compareAtEqualCost(PROBLEMS[SWEEP_PROBLEM].problem, sweepEntries.map((s) => s.entry), { budget: BUDGET, repeats: SWEEP_REPEATS, seed: SEED });
console.log(`${sweepEntries.length} settings in ${((performance.now() - sweepStart) / 1000).toFixed(1)} s`);
const sweepNorm = truths[SWEEP_PROBLEM].norm;
const sweep = sweepEntries.map((s, i) => {
  const r = sweepResults[i];
  return {
    estimator: s.label, temperature: s.temperature, bias: r.bias / sweepNorm, low: Math.max(0, r.bias - r.biasNoise) / sweepNorm,
    high: (r.bias + r.biasNoise) / sweepNorm, variance: r.variance / sweepNorm ** 2, cosine: r.cosine,
  };
});
const sweepAt = (estimator: string, temperature: number) => sweep.find((s) => s.estimator === estimator && s.temperature === temperature);
await show(lineChart({
  data: sweep, x: 'temperature', y: 'bias', color: 'estimator', band: { lower: 'low', upper: 'high' }, logX: true, points: true,
  width: 420, xTitle: 'τ', yTitle: 'bias / ‖g‖ (band: ± noise floor)', title: `Bias against τ, ${PROBLEMS[SWEEP_PROBLEM].name}`,
}));

// %%
await show(lineChart({
  data: sweep, x: 'temperature', y: 'variance', color: 'estimator', logX: true, logY: true, points: true,
  width: 420, xTitle: 'τ', yTitle: 'variance / ‖g‖²', title: `Variance against τ, ${PROBLEMS[SWEEP_PROBLEM].name}`,
}));

// %% [markdown]
// **Check.** (a) Gumbel-Softmax's bias at the lowest $\tau$ is below its bias at the highest by more than 3 noise floors, and its variance at the lowest $\tau$ is above its variance at $\tau = 1$: the trade-off the papers describe. (b) Gumbel-Rao's variance is at most the straight-through Gumbel-Softmax's at every $\tau$, and the ratio is smallest at the lowest $\tau$. (c) At $\tau = 1$ ReinMax's bias is below straight-through's. (d) Straight-through is biased by more than 4 noise floors at every $\tau$.

// %%
const [coldest, hottest] = [SWEEP_TEMPERATURES[0], SWEEP_TEMPERATURES[SWEEP_TEMPERATURES.length - 1]];
const gsCold = sweepAt('Gumbel-Softmax', coldest), gsHot = sweepAt('Gumbel-Softmax', hottest), gsOne = sweepAt('Gumbel-Softmax', 1);
const noiseOf = (s: typeof sweep[0]) => s.high - s.bias;
if (!(gsHot.bias - gsCold.bias > 3 * Math.hypot(noiseOf(gsHot), noiseOf(gsCold)))) throw new Error(`Gumbel-Softmax bias ${gsCold.bias} at τ = ${coldest}, ${gsHot.bias} at τ = ${hottest}`);
if (!(gsCold.variance > gsOne.variance)) throw new Error(`Gumbel-Softmax variance ${gsCold.variance} at τ = ${coldest}, ${gsOne.variance} at τ = 1`);
const raoRatios = SWEEP_TEMPERATURES.map((t) => sweepAt('Gumbel-Rao', t).variance / sweepAt('ST Gumbel-Softmax', t).variance);
if (!raoRatios.every((r) => r <= 1)) throw new Error(`Gumbel-Rao variance above ST-GS's at some τ: ${raoRatios}`);
if (!(raoRatios[0] === Math.min(...raoRatios))) throw new Error(`the Gumbel-Rao gain is not largest at the lowest τ: ${raoRatios}`);
if (!(sweepAt('ReinMax', 1).bias < sweepAt('straight-through', 1).bias)) throw new Error('ReinMax is not less biased than straight-through at τ = 1');
const stCold = sweepAt('straight-through', coldest), stHot = sweepAt('straight-through', hottest);
const stUnbiasedAt = SWEEP_TEMPERATURES.filter((t) => !(sweepAt('straight-through', t).bias > K_NOISE * noiseOf(sweepAt('straight-through', t))));
if (stUnbiasedAt.length > 0) throw new Error(`straight-through's bias is within noise at τ = ${stUnbiasedAt}`);
verdicts.push({ paper: 'Jang et al. 2017; Maddison et al. 2017 (Gumbel-Softmax)', claim: 'bias falls and variance grows as τ → 0', verdict: `holds (relative bias ${sci(gsCold.bias)} at τ = ${coldest}, ${sci(gsHot.bias)} at τ = ${hottest})` });
await showMarkdown([
  `- Gumbel-Softmax: relative bias **${sci(gsCold.bias)}** at τ = ${coldest} against **${sci(gsHot.bias)}** at τ = ${hottest}; variance **${sci(gsCold.variance)}** at τ = ${coldest} against **${sci(gsOne.variance)}** at τ = 1 (relative to ‖g‖²).`,
  `- Gumbel-Rao divides the straight-through Gumbel-Softmax's variance by ${raoRatios.map((r, i) => `${(1 / r).toPrecision(2)} (τ = ${SWEEP_TEMPERATURES[i]})`).join(', ')}: the gain is largest where the relaxation is sharpest, as the paper says.`,
  `- Straight-through: relative bias ${SWEEP_TEMPERATURES.map((t) => `${sci(sweepAt('straight-through', t).bias)} (τ = ${t})`).join(', ')}, and variance ${sci(stCold.variance)} at τ = ${coldest} against ${sci(stHot.variance)} at τ = ${hottest}: no temperature makes it unbiased here.`,
  `- ReinMax: relative bias ${sci(sweepAt('ReinMax', 1).bias)} at τ = 1 against straight-through's ${sci(sweepAt('straight-through', 1).bias)}; ${sci(sweepAt('ReinMax', hottest).bias)} at τ = ${hottest}.`,
].join('\n'));

// %% [markdown]
// ## 5. Where SGD on each estimate ends up
//
// An estimator is used to take steps. `descendOnEstimates` runs plain SGD, $\theta \leftarrow \theta - \eta\,\hat g$, from the problem's logits with each estimator at the same budget per step, and records the exact objective and $q$ along the way. REBAR and RELAX are tuned online during the run, as in the papers, each run with its own fresh control variate (and paying $5n$ loss evaluations per step for it). A run with the exact gradient is the reference: an estimator should follow it.
//
// **The threshold toy.** The optimum is $q(b = 1) = 0$, but the exact gradient is tiny, so we take a large step size. For straight-through the expected step vanishes where $\mathbb E[2(b - t)] = 0$, at $q(b = 1) = t$, just below one half: we expect straight-through to stay there, whatever the budget. Two seeds per estimator.

// %%
const DESCENT = { steps: 200, budget: BUDGET, recordEvery: 10 };
const DESCENT_SEEDS = [0, 1];
const descentEntries = (family: string): DescentEntry[] => [
  { label: 'exact', name: 'exact' },
  ...ENTRIES.filter((e) => e.name !== 'rebar' && ESTIMATOR_FAMILIES[e.name].includes(family as never)),
  { label: 'REBAR, tuned online', name: 'rebar', state: () => ({ controlVariate: new RebarControlVariate({ learningRate: CV_LEARNING_RATE }) }) },
  { label: 'RELAX, tuned online', name: 'relax', state: () => ({ controlVariate: new RelaxControlVariate({ learningRate: CV_LEARNING_RATE }) }) },
];
const THRESHOLD_LEARNING_RATE = 10;
const thresholdStart = performance.now();
const thresholdRuns: DescentRun[] = descentEntries('bernoulli').flatMap((entry) => DESCENT_SEEDS.map((seed) =>
  descendOnEstimates(PROBLEMS[1].problem, entry, { ...DESCENT, learningRate: THRESHOLD_LEARNING_RATE, seed })));
console.log(`${thresholdRuns.length} runs of ${DESCENT.steps} steps in ${((performance.now() - thresholdStart) / 1000).toFixed(1)} s`);
const lastRecord = (run: DescentRun) => run.records[run.records.length - 1];
// q(b = 1) over the last five records of both seeds: straight-through and its kin jitter around their resting point.
const settled = (label: string) => {
  const values = thresholdRuns.filter((r) => r.label === label).flatMap((r) => r.records.slice(-5).map((x) => x.probs[0]));
  return values.reduce((a, b) => a + b, 0) / values.length;
};
await show(lineChart({
  data: thresholdRuns.filter((r) => r.seed === DESCENT_SEEDS[0]).flatMap((r) => r.records.map((x) => ({ step: x.step, q: x.probs[0], estimator: r.label }))),
  x: 'step', y: 'q', color: 'estimator', width: 520, height: 260, rules: [{ y: 0.499, label: 'q = t' }],
  xTitle: 'SGD step', yTitle: 'q(b = 1)', title: `SGD on (b − 0.499)², learning rate ${THRESHOLD_LEARNING_RATE}, seed ${DESCENT_SEEDS[0]} (optimum: q = 0)`,
}));

// %%
const exactEnd = lastRecord(thresholdRuns.find((r) => r.label === 'exact')).probs[0];
const distanceFromExact = (label: string) => {
  const runs = thresholdRuns.filter((r) => r.label === label);
  return runs.reduce((a, r) => a + Math.abs(lastRecord(r).probs[0] - exactEnd), 0) / runs.length;
};
await showMarkdown([
  `| estimator | n per step (loss evaluations) | q(b = 1) at the end, seeds ${DESCENT_SEEDS.join(' and ')} | mean q over the last 5 records | mean distance from the exact run at the end |`, '| --- | --- | --- | --- | --- |',
  ...descentEntries('bernoulli').map((e) => {
    const runs = thresholdRuns.filter((r) => r.label === e.label);
    return `| ${e.label} | ${runs[0].numSamples} (${runs[0].lossEvaluations}) | ${runs.map((r) => lastRecord(r).probs[0].toFixed(3)).join(', ')} | ${settled(e.label).toFixed(3)} | ${distanceFromExact(e.label).toFixed(3)} |`;
  }),
].join('\n'));

// %% [markdown]
// **Check.** (a) RLOO, sum-and-sample, ARM and DisARM end within $0.02$ of the exact-gradient run on both seeds. (b) Straight-through, Gumbel-Softmax, its straight-through version and Gumbel-Rao settle (mean over the last records) more than $0.1$ above it: they rest near one half, not at the optimum.

// %%
const FOLLOWERS = ['REINFORCE + RLOO', 'sum-and-sample', 'ARM', 'DisARM'];
for (const label of FOLLOWERS) {
  for (const run of thresholdRuns.filter((r) => r.label === label)) {
    const end = lastRecord(run).probs[0];
    if (!(Math.abs(end - exactEnd) <= 0.02)) throw new Error(`${label}, seed ${run.seed}: ends at q = ${end}, the exact run at ${exactEnd}`);
  }
}
const RESTING = ['straight-through', 'Gumbel-Softmax', 'ST Gumbel-Softmax', 'Gumbel-Rao'];
for (const label of RESTING) if (!(settled(label) > exactEnd + 0.1)) throw new Error(`${label} settles at q = ${settled(label)}, the exact run ends at ${exactEnd}`);
const endsOf = (label: string) => thresholdRuns.filter((r) => r.label === label).map((r) => lastRecord(r).probs[0].toFixed(3)).join(' and ');
const relaxVerdict = verdicts.find((v) => v.paper.startsWith('Grathwohl'));
relaxVerdict.verdict += `; SGD on the threshold toy ends at q = ${endsOf('RELAX, tuned online')} (REBAR: ${endsOf('REBAR, tuned online')}; exact gradient: ${exactEnd.toFixed(3)})`;
await showMarkdown(`After ${DESCENT.steps} steps the exact gradient has brought q(b = 1) from 0.5 to **${exactEnd.toFixed(3)}**; RLOO, sum-and-sample, ARM and DisARM follow it. ` +
  `The relaxed estimators settle around ${RESTING.map((l) => `${settled(l).toFixed(2)} (${l})`).join(', ')}: near one half, where straight-through's expected step was predicted to vanish, and far from the optimum. ` +
  `Plain REINFORCE ends at ${endsOf('REINFORCE')}: with this step size its noise swamps the signal. ReinMax, unbiased here but as noisy as straight-through, ends at ${endsOf('ReinMax')}. ` +
  `REBAR tuned online ends at ${endsOf('REBAR, tuned online')} and RELAX at ${endsOf('RELAX, tuned online')}, on average ${distanceFromExact('REBAR, tuned online').toFixed(3)} and ${distanceFromExact('RELAX, tuned online').toFixed(3)} from the exact run, ` +
  `against ${distanceFromExact('REINFORCE + RLOO').toFixed(3)} for RLOO, which spends its ${BUDGET} loss evaluations per step on ${thresholdRuns.find((r) => r.label === 'REINFORCE + RLOO').numSamples} draws where they spend them on ${thresholdRuns.find((r) => r.label === 'RELAX, tuned online').numSamples}.`);

// %% [markdown]
// **The squared-error toy.** The optimum puts all of $q$'s mass on the middle category ($t_2$ is largest). Straight-through's expected step $J(q)^\top 2(q - t)$ vanishes where $q - t$ is constant across categories, i.e. at $q = t$: we expect it to stop there. ReinMax at $\tau = 1$ is unbiased for this quadratic loss at every $\theta$, so it should follow the exact run. One seed per estimator.

// %%
const TOY_LEARNING_RATE = 1;
const toyStart = performance.now();
const toyRuns: DescentRun[] = descentEntries('categorical').map((entry) =>
  descendOnEstimates(PROBLEMS[0].problem, entry, { ...DESCENT, learningRate: TOY_LEARNING_RATE, seed: DESCENT_SEEDS[0] }));
console.log(`${toyRuns.length} runs of ${DESCENT.steps} steps in ${((performance.now() - toyStart) / 1000).toFixed(1)} s`);
// The best outcome's loss, by evaluating the loss at the three one-hot vectors.
const toyOptimum = tf.tidy(() => Math.min(...Array.from(PROBLEMS[0].problem.loss(tf.eye(3)).dataSync())));
await show(lineChart({
  data: toyRuns.flatMap((r) => r.records.map((x) => ({ step: x.step, loss: x.exactLoss, estimator: r.label }))),
  x: 'step', y: 'loss', color: 'estimator', width: 520, height: 260, rules: [{ y: toyOptimum, label: 'optimum' }],
  xTitle: 'SGD step', yTitle: 'exact E_q[f]', title: `SGD on the squared-error toy, learning rate ${TOY_LEARNING_RATE}`,
}));

// %% [markdown]
// **Check.** (a) Straight-through ends within $0.05$ of $q = t$ in every category, its predicted resting point. (b) REINFORCE, RLOO, sum-and-sample, ReinMax, and REBAR and RELAX tuned online end with the middle category's probability within $0.02$ of the exact run's.

// %%
const target = [0.2, 0.7, 0.1];
const toyEnd = (label: string) => lastRecord(toyRuns.find((r) => r.label === label));
const stEnd = toyEnd('straight-through').probs;
if (!stEnd.every((q, k) => Math.abs(q - target[k]) <= 0.05)) throw new Error(`straight-through ends at q = [${stEnd}]`);
const exactToyEnd = toyEnd('exact').probs[1];
const TOY_FOLLOWERS = ['REINFORCE', 'REINFORCE + RLOO', 'sum-and-sample', 'ReinMax', 'REBAR, tuned online', 'RELAX, tuned online'];
for (const label of TOY_FOLLOWERS) {
  const q = toyEnd(label).probs[1];
  if (!(Math.abs(q - exactToyEnd) <= 0.02)) throw new Error(`${label} ends at q₂ = ${q}, the exact run at ${exactToyEnd}`);
}
await showMarkdown([
  '| estimator | q at the end | exact E_q[f] at the end |', '| --- | --- | --- |',
  ...toyRuns.map((r) => `| ${r.label} | (${lastRecord(r).probs.map((q) => q.toFixed(3)).join(', ')}) | ${lastRecord(r).exactLoss.toFixed(4)} |`),
  '',
  `The optimum's loss is ${toyOptimum.toFixed(4)}. The exact run ends with q₂ = **${exactToyEnd.toFixed(3)}**, and the unbiased estimators and ReinMax with it. ` +
  `Straight-through stops at q = (${stEnd.map((q) => q.toFixed(3)).join(', ')}), where it was predicted to, with a loss of ${toyEnd('straight-through').exactLoss.toFixed(4)}. ` +
  `Gumbel-Softmax, its straight-through version and Gumbel-Rao at τ = ${TAU} end with q₂ = ${['Gumbel-Softmax', 'ST Gumbel-Softmax', 'Gumbel-Rao'].map((l) => toyEnd(l).probs[1].toFixed(3)).join(', ')}, short of the exact run (notebook 01 finds where such a biased estimator's SGD comes to rest).`,
].join('\n'));

// %% [markdown]
// ## Summary: the claims, as measured here

// %%
await showMarkdown(['| paper | claim | here |', '| --- | --- | --- |', ...verdicts.map((v) => `| ${v.paper} | ${v.claim} | ${v.verdict} |`)].join('\n'));
await showMarkdown([
  '- **The unbiased estimators are unbiased**, every one on every problem; the differences between them are all in the variance. ' +
  `The cheapest improvement, the leave-one-out baseline, is also the hardest to beat at equal cost: tuned REBAR and RELAX beat plain REINFORCE on ${beats.rebarReinforce} and ${beats.relaxReinforce} of 4 problems, RLOO on ${beats.rebarRloo} and ${beats.relaxRloo}.`,
  `- **The relaxed estimators trade bias for variance**: on the coupled problems straight-through's variance is ${[2, 3].map((p) => ratio(rowOf(p, 'straight-through').variance, rowOf(p, 'REINFORCE').variance)).join(' and ')} times REINFORCE's, and the relaxed estimators' biases are ${Math.min(...ratios(2), ...ratios(3)).toFixed(1)} to ${Math.max(...ratios(2), ...ratios(3)).toFixed(1)} noise floors. ` +
  'That bias is not noise: SGD on them comes to rest in the wrong place (section 5), and a larger budget would not move it. ReinMax is the exception where the loss is quadratic in one variable, where its second-order correction is exact.',
].join('\n'));
tuned.forEach((t) => { t.rebarCv.dispose(); t.relaxCv.dispose(); });

// %% [markdown]
// What these problems cannot show:
//
// - They are tiny: at most twelve variables and one loss each, with no model being trained alongside. Notebook 06 compares estimators inside a VAE.
// - Per-op overhead dominates the timings at these sizes, so the milliseconds say more about how many kernels an estimator launches than about how it would scale.
// - The control variates were tuned for a fixed number of steps with one learning rate, and the tuning's own cost was not charged to them in section 2; a longer or better-tuned run could change the REBAR and RELAX rows.
//
// ## Exercises
//
// 1. **The tuning's cost.** Section 2 left out the loss evaluations spent on tuning REBAR and RELAX. Charge them: on the threshold toy, where tuned RELAX beats plain REINFORCE, how many estimates must the tuned control variate serve before it has paid for its tuning?
// 2. **A better baseline for REBAR.** REBAR's control variate is subtracted from a single sample's loss. Think through what a leave-one-out baseline on top of it would have to satisfy to keep the estimate unbiased, then measure (outside the library, on the threshold toy) whether the combination beats RLOO.
// 3. **Sum-and-sample with more summed outcomes.** On the coupled categorical problem, raise `numSummed` so that the summed outcomes carry half of the mass, and keep the budget fixed. Does the variance fall as $q(\bar C)^2$ predicts?
// 4. **ARM for categorical variables.** ARM and DisARM refuse the categorical family. Read about ARSM (Yin, Yue & Zhou 2019), the categorical extension of ARM, and work out what it costs in loss evaluations per sample for $K = 3$.
// 5. **Moving the start.** Straight-through's bias vanished on the squared-error toy because the logits start uniform. Start the problem from logits $(1, 0, -1)$ and measure its bias with `compareAtEqualCost`; does SGD from there still come to rest at $q = t$?
