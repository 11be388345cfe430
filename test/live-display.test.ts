import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LiveDisplay, inJupyter, lineChart, show, VEGA_LITE_MIME } from '../src/display';

type Message = { data: Record<string, unknown>; transient: { display_id?: string } };

/** Pretends to be a tslab kernel executing a cell, recording what it is sent. */
function fakeKernel(): { sent: { msg: Message; update: boolean }[]; stop: () => void } {
  const path = require.resolve('tslab/dist/jupyter');
  const saved = require.cache[path];
  const sent: { msg: Message; update: boolean }[] = [];
  require.cache[path] = { exports: { lastWriteDisplayData: (msg: Message, update: boolean) => sent.push({ msg, update }) } } as unknown as NodeModule;
  return { sent, stop: () => { if (saved) require.cache[path] = saved; else delete require.cache[path]; } };
}

const spec = (n: number) => lineChart({ data: Array.from({ length: n }, (_, step) => ({ step, loss: 1 / (step + 1) })), x: 'step', y: 'loss', title: 'Live' });

after(() => { delete process.env.DISCRETE_GRADIENTS_OUT; });

test('in a kernel, show sends one bundle with the spec object and its SVG', async () => {
  const kernel = fakeKernel();
  try {
    assert.equal(inJupyter(), true);
    await show(spec(3));
    assert.equal(kernel.sent.length, 1);
    const { data } = kernel.sent[0].msg;
    assert.equal(typeof data[VEGA_LITE_MIME], 'object');
    assert.match(String(data['image/svg+xml']), /^<svg/);
    assert.equal(data['text/html'], undefined);
  } finally {
    kernel.stop();
  }
  assert.equal(inJupyter(), false);
});

test('LiveDisplay creates two outputs once, then replaces them in place, ending with an SVG', async () => {
  const kernel = fakeKernel();
  try {
    const live = new LiveDisplay(0);
    live.update('step 1', spec(1));
    live.update('step 2', spec(2));
    await live.finish('done', spec(3));
    const ids = new Set(kernel.sent.map((s) => s.msg.transient.display_id));
    assert.equal(ids.size, 2, 'one id for the progress line, one for the chart');
    for (const id of ids) {
      const flags = kernel.sent.filter((s) => s.msg.transient.display_id === id).map((s) => s.update);
      assert.deepEqual(flags, [false, true, true], 'created once, then updated');
    }
    const last = kernel.sent[kernel.sent.length - 1].msg.data;
    assert.match(String(last['image/svg+xml']), /^<svg/);
    assert.equal((last[VEGA_LITE_MIME] as { data: { values: unknown[] } }).data.values.length, 3);
    // Updates during the loop carry no SVG: rendering one costs tens of milliseconds.
    assert.equal(kernel.sent[1].msg.data['image/svg+xml'], undefined);
  } finally {
    kernel.stop();
  }
});

test('LiveDisplay skips updates closer together than its interval', () => {
  const kernel = fakeKernel();
  try {
    const live = new LiveDisplay(60_000);
    for (let i = 0; i < 100; i++) live.update(`step ${i}`, spec(1));
    assert.equal(kernel.sent.length, 2, 'only the first update (progress + chart) is sent');
  } finally {
    kernel.stop();
  }
});

test('outside Jupyter, LiveDisplay prints progress and writes the final chart as SVG', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  process.env.DISCRETE_GRADIENTS_OUT = dir;
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.join(' ')); };
  try {
    const live = new LiveDisplay(0);
    live.update('step 1', spec(1));
    await live.finish('done', spec(2));
  } finally {
    console.log = original;
  }
  assert.equal(lines[0], 'step 1');
  assert.equal(lines[1], 'done');
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^live-[0-9a-f]+\.svg$/); // the title, then a hash of the spec
});
