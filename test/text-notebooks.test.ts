/**
 * The notebooks as reviewable text: every notebook in notebooks/ has a TypeScript text file
 * of its sources in notebooks/text/, made by jupytext (scripts/sync_text_notebooks.py), and
 * none is missing, stale or orphaned. The second test shows that the check can fail: on a
 * copy of one notebook, one changed character, a deleted text file and an orphaned one are
 * each reported. Needs .venv with jupytext (scripts/setup.sh). About ten seconds, most of it
 * Python starting up.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const SCRIPT = join(ROOT, 'scripts', 'sync_text_notebooks.py');
const SMALLEST = '00-tour';

const work = mkdtempSync(join(tmpdir(), 'text-notebooks-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the sync script with these arguments; gives its exit status and all it printed. */
function sync(...args: string[]): { status: number | null; output: string } {
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: run scripts/setup.sh, which installs jupytext into .venv`);
  const result = spawnSync(PYTHON, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

test('every notebook has a text file that matches its sources', () => {
  const { status, output } = sync('--check');
  assert.equal(status, 0, `the text notebooks are out of sync (regenerate with \`npm run notebooks:text\`):\n${output}`);
  assert.match(output, /\d+ text files match their notebooks/);
});

test('the check fails on one changed character, a missing text file and an orphaned one', () => {
  copyFileSync(join(ROOT, 'notebooks', 'jupytext.toml'), join(work, 'jupytext.toml'));
  copyFileSync(join(ROOT, 'notebooks', `${SMALLEST}.ipynb`), join(work, `${SMALLEST}.ipynb`));
  const textFile = join(work, 'text', `${SMALLEST}.ts`);

  assert.equal(sync(work).status, 0);
  const written = readFileSync(textFile, 'utf8');
  assert.match(written, /^\/\/ %% \[markdown\]$/m, 'Markdown cells are marked in the percent format');
  assert.match(written, /^\/\/ %%$/m, 'code cells are marked in the percent format');
  assert.doesNotMatch(written, /"output_type"|jupytext_version/, 'the text holds sources only');
  assert.equal(sync('--check', work).status, 0);

  // One character: the last one of the line that crosses the middle of the file.
  const at = written.indexOf('\n', written.length / 2) - 1;
  writeFileSync(textFile, written.slice(0, at) + (written[at] === 'x' ? 'y' : 'x') + written.slice(at + 1));
  const changed = sync('--check', work);
  assert.equal(changed.status, 1);
  assert.match(changed.output, /text\/00-tour\.ts: differs from its notebook/);
  assert.match(changed.output, /out of sync; run `npm run notebooks:text`/);

  unlinkSync(textFile);
  writeFileSync(join(work, 'text', 'renamed-away.ts'), '// %%\n');
  const gone = sync('--check', work);
  assert.equal(gone.status, 1);
  assert.match(gone.output, /text\/00-tour\.ts: missing/);
  assert.match(gone.output, /text\/renamed-away\.ts: has no notebook/);
  assert.match(gone.output, /2 text file\(s\) out of sync/);

  // Writing repairs both: the text file comes back, byte for byte, and the orphan goes.
  assert.equal(sync(work).status, 0);
  assert.equal(readFileSync(textFile, 'utf8'), written);
  assert.equal(existsSync(join(work, 'text', 'renamed-away.ts')), false);
});
