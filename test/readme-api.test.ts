/**
 * The README's API section and src/index.ts name the same things: every public name
 * is documented there, and every name the section presents as part of the API exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import * as library from '../src';

const ROOT = join(__dirname, '..');

/** The names exported by src/index.ts (its `export { … } from` lists and `export { tf }`). */
function exportedNames(): Set<string> {
  const index = readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8').replace(/\/\/.*$/gm, '');
  const names = new Set<string>();
  for (const block of index.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of block[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** The README's "## API" section, up to the next second-level heading. */
function apiSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## API\n');
  assert.ok(start >= 0, 'README.md has no "## API" section');
  const end = readme.indexOf('\n## ', start + 1);
  // Fenced code is an example, not a list of names: leave it out.
  return readme.slice(start, end < 0 ? undefined : end).replace(/```[\s\S]*?```/g, ' ');
}

/** Identifiers written in code spans in the section: `name`, `name(…)`, `new Name(…)`, `name.x`. */
function documentedNames(section: string): Set<string> {
  const names = new Set<string>();
  for (const span of section.matchAll(/`([^`]+)`/g)) {
    const m = /^(?:new\s+)?([A-Za-z_][A-Za-z0-9_]*)/.exec(span[1].trim());
    if (m) names.add(m[1]);
  }
  return names;
}

test('every name exported by src/index.ts is documented in the README API section', () => {
  const documented = documentedNames(apiSection());
  const missing = [...exportedNames()].filter((n) => !documented.has(n)).sort();
  assert.deepEqual(missing, [], `add these to the README's API section: ${missing.join(', ')}`);
});

/** Method names of the exported classes: `sample(n, seed)` in the README is a method, not an export. */
function methodNames(): Set<string> {
  const names = new Set<string>();
  for (const value of Object.values(library)) {
    if (typeof value !== 'function' || !value.prototype) continue;
    for (let proto = value.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      Object.getOwnPropertyNames(proto).forEach((n) => names.add(n));
    }
  }
  return names;
}

test('every library-looking name in the README API section is exported', () => {
  const exported = new Set([...exportedNames(), ...methodNames()]);
  // Code spans that are not API names: option fields, string values, shapes and TypeScript words.
  const section = apiSection();
  const candidates = [...section.matchAll(/`((?:new\s+)?[A-Za-z_][A-Za-z0-9_]*)\(/g)].map((m) => m[1].replace(/^new\s+/, ''));
  const classes = [...section.matchAll(/`new\s+([A-Z][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  const stale = [...new Set([...candidates, ...classes])].filter((n) => !exported.has(n)).sort();
  assert.deepEqual(stale, [], `the README's API section calls names the library does not export: ${stale.join(', ')}`);
});
