/**
 * Every number the notebooks' prose quotes comes from the notebook itself: a measured
 * value must appear in an output of a nearby code cell, and a setting in its code. What a source
 * document printed is quoted in a blockquote (`> …`), which this test leaves alone,
 * and so is maths between $…$ and code in backticks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const NOTEBOOKS = join(__dirname, '..', 'notebooks');

interface Cell { cell_type: string; source: string | string[]; outputs?: { text?: string | string[]; data?: Record<string, unknown> }[] }

const joined = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join('') : s ?? '');

/** The numbers with a decimal point or a percent sign in a piece of prose. */
function quotedNumbers(markdown: string): string[] {
  const prose = markdown
    .split('\n').filter((line) => !line.trimStart().startsWith('>')).join('\n')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ').replace(/\$[^$\n]*\$/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, ']'); // link targets
  return [...prose.matchAll(/(?<![\w.])[−-]?\d+\.\d+(?:\s*%)?|(?<![\w.])\d+(?:\s*%)/g)].map((m) => m[0].replace('−', '-').replace(/\s+/g, ''));
}

/**
 * The outputs and the code of the code cells around markdown cell `at` (WINDOW cells
 * either side), as text: prose discusses the results next to it, and a number that
 * only appears far away is more likely a coincidence than a quote.
 */
const WINDOW = 6;
function knownText(cells: Cell[], at: number): string {
  const parts: string[] = [];
  for (const cell of cells.slice(Math.max(0, at - WINDOW), at + WINDOW + 1)) {
    if (cell.cell_type !== 'code') continue;
    parts.push(joined(cell.source));
    for (const out of cell.outputs ?? []) {
      parts.push(joined(out.text));
      const plain = out.data?.['text/plain'];
      if (plain !== undefined) parts.push(joined(plain as string | string[]));
      const md = out.data?.['text/markdown'];
      if (md !== undefined) parts.push(joined(md as string | string[]));
    }
  }
  return parts.join('\n').replace(/−/g, '-');
}

/** Whether `quoted` appears in `known`, as written or as the rounding of a longer printed number. */
function appears(quoted: string, known: string): boolean {
  const value = quoted.replace('%', '');
  if (new RegExp(`(?<![\\d.])${value.replace(/[.\-]/g, (c) => `\\${c}`)}(?![\\d])`).test(known)) return true;
  const decimals = (value.split('.')[1] ?? '').length;
  const target = Number(value);
  for (const m of known.matchAll(/-?\d+\.\d+/g)) {
    if (Number(Number(m[0]).toFixed(decimals)) === target && (m[0].split('.')[1] ?? '').length > decimals) return true;
    if (quoted.endsWith('%') && Number((100 * Number(m[0])).toFixed(decimals)) === target) return true;
  }
  return false;
}

const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();

for (const name of notebooks) {
  test(`${name}: every number in the prose appears in an output or in the code`, () => {
    const cells = (JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as { cells: Cell[] }).cells;
    const unsupported: string[] = [];
    cells.forEach((cell, index) => {
      if (cell.cell_type !== 'markdown') return;
      const known = knownText(cells, index);
      for (const number of quotedNumbers(joined(cell.source))) {
        if (!appears(number, known)) unsupported.push(`cell ${index}: ${number}`);
      }
    });
    assert.deepEqual(unsupported, [], `numbers quoted in the prose of ${name} that no output or code contains`);
  });
}
