/**
 * The build deletes compiled files whose source is gone, and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('pruneStale removes outputs of removed sources, keeps live ones, generated files and non-build files', async () => {
  // A plain-JavaScript build script: imported by a path held in a variable, so it needs no type declarations.
  const script = '../scripts/prune-stale.mjs';
  const { pruneStale } = (await import(script)) as { pruneStale: (src: string, out: string, keep?: string[]) => number };
  const root = mkdtempSync(join(tmpdir(), 'prune-'));
  try {
    const src = join(root, 'src'), out = join(root, 'dist');
    const touch = (path: string) => { mkdirSync(join(path, '..'), { recursive: true }); writeFileSync(path, ''); };
    touch(join(src, 'a.ts'));
    touch(join(src, 'lib', 'b.ts'));
    for (const f of ['a.js', 'a.d.ts', 'a.js.map', 'lib/b.js', 'gone.js', 'gone.d.ts', 'gone.js.map', 'old/c.js', 'old/c.d.ts', 'index.mjs', 'notes.txt']) touch(join(out, f));
    const removed = pruneStale(src, out, ['index.mjs']);
    assert.equal(removed, 5);
    for (const f of ['a.js', 'a.d.ts', 'a.js.map', 'lib/b.js', 'index.mjs', 'notes.txt']) assert.ok(existsSync(join(out, f)), `${f} was removed`);
    for (const f of ['gone.js', 'gone.d.ts', 'gone.js.map', 'old']) assert.ok(!existsSync(join(out, f)), `${f} was kept`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
