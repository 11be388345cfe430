/**
 * The project's WebAssembly modules (scripts/assemble-wasm.mjs lists them): each
 * committed TypeScript file holds exactly the bytes its text assembles to, so the two
 * cannot drift, and each module stays under the 4 KiB that browsers compile
 * synchronously on the main thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface AssemblerScript {
  MODULES: Record<string, { wat: string; source: string }>;
  assemble(name: string): Promise<Uint8Array>;
  moduleSource(bytes: Uint8Array, name: string): string;
}

test('every committed module is its text as scripts/assemble-wasm.mjs assembles it, under 4 KiB', async () => {
  const script = '../scripts/assemble-wasm.mjs'; // plain JavaScript, imported by a path in a variable
  const { MODULES, assemble, moduleSource } = (await import(script)) as AssemblerScript;
  assert.ok(Object.keys(MODULES).length >= 2);
  for (const [name, { wat, source }] of Object.entries(MODULES)) {
    const bytes = await assemble(name);
    assert.equal(readFileSync(join(ROOT, source), 'utf8'), moduleSource(bytes, name), `${source} is stale: run node scripts/assemble-wasm.mjs`);
    // Chromium refuses synchronous compilation of larger modules on the main thread.
    assert.ok(bytes.length < 4096, `${wat}: ${bytes.length} bytes`);
  }
});
