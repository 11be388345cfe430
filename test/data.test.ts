import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { binarise, loadDigits, PIXELS, splitDigits } from '../src/data/mnist';

const digits = loadDigits();

test('the mnist package holds 10 000 real digits of 784 pixels in [0, 1], every class present', () => {
  assert.equal(digits.count, 10_000);
  assert.equal(digits.images.length, 10_000 * PIXELS);
  const perClass = Array.from({ length: 10 }, (_, k) => digits.labels.filter((l) => l === k).length);
  assert.ok(perClass.every((n) => n > 800), `class sizes ${perClass}`);
  // Real digits: about a fifth of the pixels carry ink.
  const ink = digits.images.reduce((a, v) => a + v, 0) / digits.images.length;
  assert.ok(ink > 0.08 && ink < 0.2, `mean intensity ${ink}`);
});

test('binarising gives only zeros and ones, with the documented threshold 1/2', () => {
  const b = binarise(digits);
  assert.ok(b.images.every((v) => v === 0 || v === 1));
  const i = digits.images.findIndex((v) => v > 0.4 && v < 0.6);
  assert.equal(b.images[i], digits.images[i] > 0.5 ? 1 : 0);
});

test('the split is deterministic for a seed, disjoint and complete', () => {
  const a = splitDigits(digits, { testCount: 2000, seed: 1 });
  const b = splitDigits(digits, { testCount: 2000, seed: 1 });
  const c = splitDigits(digits, { testCount: 2000, seed: 2 });
  assert.equal(a.train.count, 8000);
  assert.equal(a.test.count, 2000);
  assert.deepEqual(a.test.labels, b.test.labels);
  assert.deepEqual(a.test.images.subarray(0, PIXELS * 3), b.test.images.subarray(0, PIXELS * 3));
  assert.notDeepEqual(a.test.labels.subarray(0, 50), c.test.labels.subarray(0, 50));
  const counts = (l: Int32Array) => Array.from({ length: 10 }, (_, k) => l.filter((x) => x === k).length);
  const total = counts(a.train.labels).map((n, k) => n + counts(a.test.labels)[k]);
  assert.deepEqual(total, counts(digits.labels));
});

test('missing or bad data files get clear errors', () => {
  const empty = mkdtempSync(join(tmpdir(), 'digits-'));
  assert.throws(() => loadDigits(empty), /loadDigits: directory must be a folder holding 0\.json … 9\.json \(missing .*0\.json\)/);
  for (let k = 0; k < 10; k++) writeFileSync(join(empty, `${k}.json`), JSON.stringify({ data: new Array(PIXELS).fill(0) }));
  writeFileSync(join(empty, '3.json'), '{"data": [1, 2');
  assert.throws(() => loadDigits(empty), /loadDigits: .*3\.json is not valid JSON/);
  writeFileSync(join(empty, '3.json'), JSON.stringify({ data: [0.5, 0.5] }));
  assert.throws(() => loadDigits(empty), /loadDigits: .*3\.json must be an object whose "data" is a non-empty list of 784·n numbers, but got "2 numbers"/);
  writeFileSync(join(empty, '3.json'), JSON.stringify({ data: [...new Array(PIXELS - 1).fill(0), 7] }));
  assert.throws(() => loadDigits(empty), /loadDigits: .*3\.json data\[783\] must be a number in \[0, 1\], but got 7/);
  assert.throws(() => splitDigits(digits, { testCount: 0, seed: 0 }), /splitDigits: testCount must be a whole number in \[1, 9999\], but got 0/);
});
