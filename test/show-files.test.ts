/**
 * Outside Jupyter `show` writes SVG files, and only inside its documented folder:
 * names from arguments cannot leave it, titles that reduce to the same name do not
 * overwrite each other, long titles do not hit the file system's name limit, and the
 * folder does not depend on the current directory.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chartDirectory, lineChart, show } from '../src';

const rows = [{ step: 0, loss: 1 }, { step: 1, loss: 0.5 }];
let dir = '';
let log: typeof console.log;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'show-files-'));
  process.env.DISCRETE_GRADIENTS_OUT = dir;
  log = console.log;
  console.log = () => undefined;
});
after(() => {
  console.log = log;
  delete process.env.DISCRETE_GRADIENTS_OUT;
  rmSync(dir, { recursive: true, force: true });
});

test('a name that would leave the folder is refused, and nothing is written', async () => {
  for (const name of ['../../x', '/etc/x', 'a/b', '..', '', 'x'.repeat(200)]) {
    await assert.rejects(show(lineChart({ data: rows, x: 'step', y: 'loss' }), { name }), /show: options\.name must be 1 to 80 letters, digits, '-' or '_'/);
  }
  assert.deepEqual(readdirSync(dir), []);
  assert.ok(!existsSync(join(dir, '..', '..', 'x.svg')));
});

test('titles that reduce to the same name get different files; a long title gets a short name', async () => {
  await show(lineChart({ data: rows, x: 'step', y: 'loss', title: 'Loss (a)' }));
  await show(lineChart({ data: rows, x: 'step', y: 'loss', title: 'Loss [a]' }));
  await show(lineChart({ data: rows, x: 'step', y: 'loss', title: 'L'.repeat(5000) }));
  const files = readdirSync(dir);
  assert.equal(files.length, 3);
  assert.ok(files.every((f) => f.length <= 84 && f.endsWith('.svg')), files.join(', '));
});

test('the folder is absolute and does not follow the current directory', () => {
  delete process.env.DISCRETE_GRADIENTS_OUT;
  const here = process.cwd();
  const first = chartDirectory();
  process.chdir(tmpdir());
  assert.equal(chartDirectory(), first);
  process.chdir(here);
  process.env.DISCRETE_GRADIENTS_OUT = 'relative/folder';
  assert.throws(() => chartDirectory(), /chartDirectory: DISCRETE_GRADIENTS_OUT must be an absolute path, but got "relative\/folder"/);
  process.env.DISCRETE_GRADIENTS_OUT = dir;
});
