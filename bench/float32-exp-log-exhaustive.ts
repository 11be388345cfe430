/**
 * Every float32 argument that float32Exp and float32Log (test/float32-exp-log.ts)
 * and the WebAssembly loop's exp and log (wasm/concrete-monte-carlo.wat) take on
 * their fast path, checked against Math.fround(Math.exp(x)) and Math.fround(Math.log(x)):
 * exp on all 1.12e9 float32 in [−104, −0], log on all 1.22e9 in [2^−126, 2^20). Prints
 * the mismatches (there must be none) and how often the bracket left the rounding
 * uncertain and Math was called instead. A check, not a timing; it takes a few minutes.
 *
 * Run: node --import tsx bench/float32-exp-log-exhaustive.ts [--only js|wasm]
 */
import { concreteRowsKernel } from '../src/kernels/concrete-monte-carlo-wasm';
import { float32Exp, float32Log } from '../test/float32-exp-log';

const ONLY = (() => { const i = process.argv.indexOf('--only'); return i >= 0 ? process.argv[i + 1] : null; })();
const CHUNK = 2 ** 20;

// Math's functions as the reference, and counting wrappers in their place for the code under test
// (the WebAssembly module imports whatever Math.exp and Math.log are when it compiles).
const exp = Math.exp, log = Math.log;
const fallbacks = { exp: 0, log: 0 };
Math.exp = (x: number) => { fallbacks.exp++; return exp(x); };
Math.log = (x: number) => { fallbacks.log++; return log(x); };

interface Range { name: 'exp' | 'log'; from: number; to: number; reference: (x: number) => number }
const RANGES: Range[] = [
  { name: 'exp', from: 0x80000000 | 0, to: 0xc2d00000 | 0, reference: (x) => Math.fround(exp(x)) },
  { name: 'log', from: 0x00800000, to: 0x49800000, reference: (x) => Math.fround(log(x)) },
];

function check(side: 'js' | 'wasm', range: Range): string {
  const bits = new Int32Array(CHUNK), values = new Float32Array(bits.buffer);
  const fast = range.name === 'exp' ? float32Exp : float32Log;
  const wasm = side === 'wasm' ? concreteRowsKernel() : null;
  if (side === 'wasm' && wasm === null) return `| wasm | ${range.name} | the module does not compile here | | |`;
  let checked = 0, mismatches = 0, first = '';
  const before = fallbacks[range.name], start = performance.now();
  for (let at = range.from; at < range.to; at += CHUNK) {
    const count = Math.min(CHUNK, range.to - at);
    for (let i = 0; i < count; i++) bits[i] = at + i;
    const chunk = values.subarray(0, count);
    const ours = wasm === null ? Float32Array.from(chunk, fast) : wasm.map(chunk, range.name === 'log');
    for (let i = 0; i < count; i++) {
      if (!Object.is(ours[i], range.reference(chunk[i]))) {
        if (mismatches++ === 0) first = ` first at ${chunk[i]}: ${ours[i]}`;
      }
    }
    checked += count;
  }
  const called = fallbacks[range.name] - before;
  return `| ${side} | ${range.name} | ${checked} | ${mismatches}${first} | ${called} (${(called / checked * 1e5).toFixed(2)} in 10^5) | ${((performance.now() - start) / 1000).toFixed(0)} s |`;
}

const lines = ['| code | function | float32 arguments checked | mismatches | Math called instead | seconds |', '|---|---|---:|---:|---:|---:|'];
for (const side of ['js', 'wasm'] as const) {
  if (ONLY !== null && ONLY !== side) continue;
  for (const range of RANGES) {
    lines.push(check(side, range));
    console.error(lines.at(-1));
  }
}
console.log(lines.join('\n'));
