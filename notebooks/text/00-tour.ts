// -*- coding: utf-8 -*-
// %% [markdown]
// # 00 · A tour of the toolkit
//
// This project teaches and compares **gradient estimators for discrete random variables**: REINFORCE (the score function), Gumbel-Softmax (the Concrete relaxation), straight-through, exact enumeration and MDNF. Everything runs in TypeScript on TensorFlow.js, in this notebook's `tslab` kernel.
//
// This first notebook checks that the whole pipeline works on your machine:
//
// 1. the library loads and picks the fastest TensorFlow.js backend it can;
// 2. its seeded generator draws Gumbel noise, the ingredient of every Gumbel-Softmax sample;
// 3. a chart renders: live in JupyterLab, and as an SVG picture wherever the notebook is shown without running JavaScript (the project's static site, an HTML export).
//
// The library is imported **once**, from the compiled `dist/` folder (run `npm start` or `npm test` once to build it).

// %%
import { tf, initBackend, backend, Random, histogram, show } from '../dist';

// %% [markdown]
// ## 1. The backend
//
// TensorFlow.js can compute with native TensorFlow (`tensorflow`, from `@tensorflow/tfjs-node`), with WebAssembly (`wasm`) or in plain JavaScript (`cpu`). `initBackend()` takes the first of these that loads; the environment variable `DISCRETE_GRADIENTS_BACKEND` forces one. Every notebook starts with this cell.

// %%
await initBackend();
console.log(`TensorFlow.js ${tf.version.tfjs} on the '${backend()}' backend`);

// %% [markdown]
// ## 2. Seeded Gumbel noise
//
// A standard Gumbel variable is $G = -\log(-\log U)$ with $U \sim \mathrm{Uniform}(0,1)$. Its density is
//
// $$f(g) = \exp\bigl(-(g + e^{-g})\bigr),$$
//
// its mean is the Euler–Mascheroni constant $\gamma \approx 0.5772$ and its variance is $\pi^2/6$.
//
// All randomness in this project comes from `Random`, a generator of our own that runs on the host (in JavaScript, its bulk draws in a small WebAssembly module that gives the same bits) and uploads its draws as tensors. TensorFlow.js's own random ops are not reproducible across backends; ours give the same numbers, bit for bit, whatever the backend. The uniforms never touch 0 or 1, so $-\log(-\log U)$ is always finite.

// %%
const rng = new Random(2024);
const gumbel = rng.gumbel([20000]);
const draws = gumbel.dataSync();
console.log('first draws:', Array.from(draws.slice(0, 5), (g) => g.toFixed(4)).join(', '));
const sampleMean = tf.tidy(() => tf.mean(gumbel).dataSync()[0]);
const sampleVar = tf.tidy(() => tf.moments(gumbel).variance.dataSync()[0]);
console.log(`mean ${sampleMean.toFixed(4)} (γ = 0.5772), variance ${sampleVar.toFixed(4)} (π²/6 = ${(Math.PI ** 2 / 6).toFixed(4)})`);

// %% [markdown]
// ## 3. A chart: samples against the density
//
// `histogram` bins the draws into a density (bar areas sum to one) and draws the analytic curve on top. `show` sends the chart to the notebook as one bundle: the Vega-Lite spec, which JupyterLab draws live, and an SVG rendering of it, which is what GitHub and exported HTML display.

// %%
const gumbelDensity = (g: number) => Math.exp(-(g + Math.exp(-g)));
const curve = Array.from({ length: 121 }, (_, i) => { const x = -3 + i * 0.1; return { x, y: gumbelDensity(x) }; });
await show(histogram({
  values: draws, bins: 60, extent: [-3, 9], density: curve,
  labels: { samples: '20 000 seeded draws', density: 'Gumbel density' },
  title: 'Standard Gumbel: samples against the density', xTitle: 'g',
}));

// %% [markdown]
// ### Checks
//
// The assertions below are what the test command runs. With $N = 20\,000$ draws, the sample mean has standard deviation $\sigma/\sqrt N = (\pi/\sqrt6)/\sqrt{N} \approx 0.009$; we allow $5\sigma/\sqrt N$. The same seed must give the same numbers.

// %%
const N = draws.length;
const tolerance = 5 * (Math.PI / Math.sqrt(6)) / Math.sqrt(N);
if (Math.abs(sampleMean - 0.5772156649) > tolerance) throw new Error(`Gumbel mean ${sampleMean} is off by more than ${tolerance}`);
const again = new Random(2024).gumbel([20000]);
const identical = tf.tidy(() => tf.all(tf.equal(again, gumbel)).dataSync()[0] === 1);
if (!identical) throw new Error('the same seed gave different Gumbel draws');
tf.dispose([gumbel, again]);
console.log(`mean within ${tolerance.toFixed(4)} of γ; the same seed reproduces every draw`);

// %% [markdown]
// ## Where to go next
//
// Read the notebooks in this order: each one uses ideas from those before it.
//
// | step | notebook | what it shows | builds on |
// | --- | --- | --- | --- |
// | 1 | `04-gumbel-softmax-explained` | the reparameterisation trick, Gumbel-max, the Concrete density and its four properties, measured | this tour |
// | 2 | `05-straight-through-argmax` | why a sampled argmax layer cannot train, how a low-temperature Gumbel-Softmax layer can, and the straight-through estimator | 04: Gumbel-max and the relaxation |
// | 3 | `01-reinforce-vs-gumbel-softmax` | REINFORCE, straight-through Gumbel-Softmax and MDNF minimising $\mathbb{E}_q[\sum_k (y_k-t_k)^2]$: who converges, who stays biased, and why | 04, and 05's straight-through |
// | 4 | `03-gaussian-mixture-gradients` | exact, Gumbel-Softmax and score-function gradients through a discrete mixture of Gaussians | 04, and 01's REINFORCE and baselines |
// | 5 | `02-concrete-entropy` | the entropy of a relaxed one-hot categorical, four ways, against the exact value | 04's Concrete density, and the Monte Carlo comparisons of 01 and 03 |
// | 6 | `06-categorical-vae` | a categorical VAE on real MNIST digits, trained with each estimator and each KL relaxation | the estimators of 01 and 05, and 02's relaxed entropy and KL |
// | 7 | `07-estimator-zoo` | every standard estimator against exact answers: bias, variance, cost | all of the above |

// %% [markdown]
// ## Exercises
//
// 1. Draw Gumbel noise from two generators made with the same seed, and from one made with `rng.split()`. Which pairs of streams agree draw for draw, and why must a notebook that wants reproducible outputs pass one `Random` (or one seed) to every sampler?
// 2. Plot the histogram of $\max_k (l_k + G_k)$ over many draws for logits $l$ of your choice and compare it with the Gumbel density shifted by $\log \sum_k e^{l_k}$. Why does the shift not depend on which $k$ attains the maximum, and what does that tell you about the Gumbel-max trick?
// 3. Switch the backend with `DISCRETE_GRADIENTS_BACKEND=wasm` (restart the kernel), re-run the tour, and check that the printed draws are the same. Which part of the pipeline makes that true, and which parts could still differ between backends?
// 4. Make a chart with `lineChart` of your own rows and `show` it. Open the notebook in a viewer without JavaScript: what do you see instead of the live chart?
//
