/**
 * What the browser check knows of the notebooks (read from the .ipynb files) and how
 * it reports: one `Result` a check, printed as `ok` or `FAIL` with its problems.
 */
import { readdirSync, readFileSync } from 'fs';
import { basename, join, resolve } from 'path';

export const ROOT = resolve(__dirname, '..', '..');
export const OUT = join(ROOT, 'out', 'browser');
export const SHOTS = join(OUT, 'screenshots');
const VEGA_LITE = /^application\/vnd\.vegalite\.v\d+\+json$/;

export interface Notebook {
  name: string; // 00-tour.ipynb
  stem: string;
  path: string;
  charts: number; // Vega-Lite outputs in the file
  hasMath: boolean; // $…$ or $$…$$ in a Markdown cell
  kernelName: string; // kernelspec.name in the file
}

export interface Result {
  name: string;
  problems: string[];
  note: string;
  seconds: number;
}

function readNotebook(path: string): Notebook {
  const nb = JSON.parse(readFileSync(path, 'utf8'));
  const cells: { cell_type: string; source: string | string[]; outputs?: { data?: Record<string, unknown> }[] }[] =
    nb.cells ?? [];
  const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);
  let charts = 0;
  for (const cell of cells) {
    for (const out of cell.outputs ?? []) if (Object.keys(out.data ?? {}).some((m) => VEGA_LITE.test(m))) charts++;
  }
  const hasMath = cells.some((c) => c.cell_type === 'markdown' && /\$[^$\s][^$]*\$/.test(text(c.source)));
  const name = basename(path);
  return { name, stem: name.replace(/\.ipynb$/, ''), path, charts, hasMath, kernelName: nb.metadata?.kernelspec?.name ?? '' };
}

/** The notebooks whose names start with one of `prefixes` (all of them when none is given). */
export function selectNotebooks(prefixes: string[]): Notebook[] {
  const dir = join(ROOT, 'notebooks');
  const every = readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));
  const chosen = prefixes.length ? every.filter((p) => prefixes.some((x) => basename(p).startsWith(x))) : every;
  return chosen.map(readNotebook);
}

/** The first line of an error's message: enough for a report row. */
export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

export function report(result: Result): void {
  const time = `${result.seconds.toFixed(1).padStart(5)} s`;
  if (result.problems.length === 0) console.log(`ok    ${result.name}  ${time}  (${result.note})`);
  else console.log(`FAIL  ${result.name}  ${time}\n${result.problems.map((p) => `        ${p}`).join('\n')}`);
}

/** Runs `work` over `items` with at most `size` in flight, keeping the order of the results. */
export async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}
