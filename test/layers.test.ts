/**
 * The library's import graph: no cycles, and layers that point one way
 * (ground floor → distributions → estimators → diagnostics / train → studies), with
 * display and data beside them. Read from the sources as text, so it also sees
 * type-only imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const SRC = resolve(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The project files a module imports (relative specifiers only), resolved to paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']*)'/gs)].map((m) => m[1]);
  return specifiers.map((s) => {
    const base = resolve(dirname(file), s);
    for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        /* try the next */
      }
    }
    throw new Error(`${relative(SRC, file)} imports '${s}', which does not resolve`);
  });
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f: string) => relative(SRC, f);

test('the library has no import cycles', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map(name).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});

// The layer of a module: the folder under src/ (top-level files are the ground floor).
const LAYERS: Record<string, number> = {
  '': 0, data: 0, display: 0,
  distributions: 1, kernels: 1, estimators: 2, diagnostics: 3, train: 3, studies: 4,
};

function layerOf(file: string): number {
  const rel = name(file);
  if (rel === 'index.ts') return 99; // the public entry sits above everything
  const folder = rel.includes('/') ? rel.split('/')[0] : '';
  assert.ok(folder in LAYERS, `src/${rel} is in a folder with no layer: add it to LAYERS`);
  return LAYERS[folder];
}

test('imports point down the layers: a module never imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const [f, deps] of graph) {
    for (const g of deps) {
      if (layerOf(g) > layerOf(f)) upward.push(`${name(f)} → ${name(g)}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('no module outside src/index.ts re-exports with export *', () => {
  const starred = files.filter((f) => /export\s+\*\s+from/.test(readFileSync(f, 'utf8'))).map(name);
  assert.deepEqual(starred, []);
});
