import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LiveDisplay, inJupyter, lineChart, show, VEGA_LITE_MIME } from '../src/display';
import { jupyterKernel, sendBundle } from '../src/display/jupyter';

type Call = { obj: Record<string, unknown>; options: { raw?: boolean; update?: boolean; display_id?: string } };

/** Pretends to be Deno's Jupyter kernel: a `Deno` global whose `jupyter.display` records its calls. */
function fakeDeno(): { calls: Call[]; stop: () => void } {
  const calls: Call[] = [];
  const display = async (obj: Record<string, unknown>, options: Call['options']) => {
    // The real call resolves later, once the message is on its way; so does this one.
    await new Promise((resolve) => setTimeout(resolve, 1));
    calls.push({ obj, options });
  };
  (globalThis as { Deno?: unknown }).Deno = { version: { deno: '2.9.6' }, jupyter: { display } };
  return { calls, stop: () => { delete (globalThis as { Deno?: unknown }).Deno; } };
}

/** Pretends to be Deno outside its kernel (`deno run`), where reading `Deno.jupyter` throws. */
function fakeDenoScript(): () => void {
  const deno = { version: { deno: '2.9.6' } };
  Object.defineProperty(deno, 'jupyter', { get: () => { throw new Error('Deno.jupyter is only available in `deno jupyter` subcommand'); } });
  (globalThis as { Deno?: unknown }).Deno = deno;
  return () => { delete (globalThis as { Deno?: unknown }).Deno; };
}

const spec = (n: number) => lineChart({ data: Array.from({ length: n }, (_, step) => ({ step, loss: 1 / (step + 1) })), x: 'step', y: 'loss', title: 'Kernel' });

after(() => { delete process.env.DISCRETE_GRADIENTS_OUT; });

test('a plain node process is in no kernel', () => {
  assert.equal(jupyterKernel(), null);
  assert.equal(inJupyter(), false);
});

test('a Deno global with jupyter.display is the Deno kernel', () => {
  const deno = fakeDeno();
  try {
    assert.equal(jupyterKernel(), 'deno');
    assert.equal(inJupyter(), true);
  } finally {
    deno.stop();
  }
  assert.equal(jupyterKernel(), null);
});

test('Deno outside its kernel (reading Deno.jupyter throws) is no kernel, and show writes an SVG file', async () => {
  const stop = fakeDenoScript();
  const dir = mkdtempSync(join(tmpdir(), 'deno-script-'));
  process.env.DISCRETE_GRADIENTS_OUT = dir;
  try {
    assert.equal(jupyterKernel(), null);
    await show(spec(2), { name: 'outside' });
  } finally {
    stop();
  }
  assert.deepEqual(readdirSync(dir), ['outside.svg']);
});

test('a Deno global without jupyter.display is no kernel', () => {
  (globalThis as { Deno?: unknown }).Deno = { jupyter: {} };
  try {
    assert.equal(jupyterKernel(), null);
  } finally {
    delete (globalThis as { Deno?: unknown }).Deno;
  }
});

test('under Deno, show sends one raw bundle with the spec object and its SVG, and waits for it', async () => {
  const deno = fakeDeno();
  try {
    await show(spec(3));
    assert.equal(deno.calls.length, 1, 'show resolved before the kernel took the bundle');
    const { obj, options } = deno.calls[0];
    assert.deepEqual(options, { raw: true, update: false });
    assert.equal(typeof obj[VEGA_LITE_MIME], 'object');
    assert.match(String(obj['image/svg+xml']), /^<svg/);
    assert.equal(obj['text/plain'], '[chart: Kernel, 3 rows]');
    assert.equal(obj['text/html'], undefined);
  } finally {
    deno.stop();
  }
});

test('under Deno, sendBundle passes the display id and the update flag', async () => {
  const deno = fakeDeno();
  try {
    await sendBundle({ 'text/plain': 'one' }, { displayId: 'progress' });
    await sendBundle({ 'text/plain': 'two' }, { displayId: 'progress', update: true });
    assert.deepEqual(deno.calls.map((c) => c.options), [
      { raw: true, update: false, display_id: 'progress' },
      { raw: true, update: true, display_id: 'progress' },
    ]);
  } finally {
    deno.stop();
  }
});

test('under Deno, LiveDisplay creates two outputs, replaces them in place, and finish waits for the last update', async () => {
  const deno = fakeDeno();
  try {
    const live = new LiveDisplay(0);
    live.update('step 1', spec(1));
    await new Promise((resolve) => setTimeout(resolve, 20)); // as an asynchronous loop would
    live.update('step 2', spec(2));
    await live.finish('done', spec(3));
    const ids = new Set(deno.calls.map((c) => c.options.display_id));
    assert.equal(ids.size, 2, 'one id for the progress line, one for the chart');
    for (const id of ids) {
      const flags = deno.calls.filter((c) => c.options.display_id === id).map((c) => c.options.update);
      assert.equal(flags[0], false, 'the first bundle creates the output');
      assert.ok(flags.length >= 2 && flags.slice(1).every((u) => u === true), `then only updates: ${flags}`);
    }
    assert.ok(deno.calls.every((c) => c.options.raw === true));
    const progress = deno.calls.filter((c) => c.obj[VEGA_LITE_MIME] === undefined);
    assert.equal(progress[progress.length - 1].obj['text/plain'], 'done');
    const charts = deno.calls.filter((c) => c.obj[VEGA_LITE_MIME] !== undefined);
    const last = charts[charts.length - 1].obj;
    assert.match(String(last['image/svg+xml']), /^<svg/);
    assert.equal((last[VEGA_LITE_MIME] as { data: { values: unknown[] } }).data.values.length, 3);
  } finally {
    deno.stop();
  }
});

test('under Deno, a synchronous loop of updates sends each output once and then only its newest state', async () => {
  const deno = fakeDeno();
  try {
    const live = new LiveDisplay(0);
    for (let i = 1; i <= 100; i++) live.update(`step ${i}`, spec(i));
    await live.finish('done', spec(101));
    assert.equal(deno.calls.length, 4, `two creations and two final updates, not ${deno.calls.length} messages`);
    assert.deepEqual(deno.calls.map((c) => c.options.update), [false, false, true, true]);
    assert.equal(deno.calls[2].obj['text/plain'], 'done');
    assert.equal((deno.calls[3].obj[VEGA_LITE_MIME] as { data: { values: unknown[] } }).data.values.length, 101);
  } finally {
    deno.stop();
  }
});

test('under Deno, a failed update is reported by finish, not lost', async () => {
  const broken = async () => { throw new Error('kernel went away'); };
  (globalThis as { Deno?: unknown }).Deno = { jupyter: { display: broken } };
  try {
    const live = new LiveDisplay(0);
    live.update('step 1');
    await assert.rejects(live.finish('done', spec(1)), /kernel went away/);
  } finally {
    delete (globalThis as { Deno?: unknown }).Deno;
  }
});
