/**
 * The deep probe (public-surface-mutations.ts, cases in public-surface-cases.ts): from a
 * right call of every function and method in its cases, one argument, option, problem
 * key or callback at a time is spoiled, and each spoiled call must end in an Error that
 * starts with the name the user called, leaving no tensor behind. About 12,600 calls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { Fixtures, makeFixtures } from './public-surface-cases';
import { probeCases, ProbeCase } from './public-surface-mutations';

let fixtures: Fixtures;
before(async () => {
  await lib.initBackend();
  fixtures = makeFixtures();
});
after(() => fixtures.dispose());

/** The cases grouped by the name their errors must carry. */
function byName(cases: ProbeCase[]): Map<string, ProbeCase[]> {
  const groups = new Map<string, ProbeCase[]>();
  for (const c of cases) groups.set(c.name, [...(groups.get(c.name) ?? []), c]);
  return groups;
}

test('every case of the deep probe is a right call (it runs without an error)', () => {
  for (const c of fixtures.cases) {
    tf.engine().startScope();
    try {
      assert.doesNotThrow(() => {
        const result = c.call(c.args());
        if (result && typeof (result as { dispose?: unknown }).dispose === 'function') (result as { dispose(): void }).dispose();
      }, c.name);
    } finally {
      tf.engine().endScope();
    }
  }
});

test('the deep probe: every spoiled call ends in a named error and leaks nothing', () => {
  const failures: string[] = [];
  let calls = 0;
  for (const [name, cases] of byName(fixtures.cases)) {
    for (const r of probeCases(cases)) {
      calls++;
      if (r.outcome !== 'ok') failures.push(`${name} [${r.path} = ${r.label}] ${r.outcome}: ${r.detail}`);
    }
  }
  assert.ok(calls > 10_000, `only ${calls} spoiled calls: cases went missing`);
  assert.deepEqual(failures, []);
});
