/**
 * The browser check: the notebooks as a reader sees them, in Debian's chromium,
 * driven by playwright-core (which never downloads a browser).
 *
 *   node --import tsx test/browser/check.ts          # every notebook
 *   node --import tsx test/browser/check.ts 00 03    # the notebooks whose names start so
 *
 * 1. JupyterLab (the project's .venv, 127.0.0.1, a free port, a fresh token) opens each
 *    notebook through its UI. Checked: the kernel shown is TypeScript (tslab); every
 *    Vega-Lite output is drawn by the Vega renderer (svg/canvas), as many as the file
 *    holds; a cell run from the UI prints its output. The lab is always stopped.
 * 2. The static site (scripts/site.py, built into out/browser/site) opens from file://:
 *    the index links every notebook, each page draws its charts live with vega-embed and
 *    typesets its maths with MathJax, and nothing is requested from the network.
 * Screenshots go to out/browser/screenshots/. Closing line: `browser: N passed, M failed`.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { chromium } from 'playwright-core';
import { checkInLab } from './in-lab';
import { Lab, startLab, tail } from './lab';
import { OUT, pool, report, Result, ROOT, selectNotebooks, SHOTS } from './notebooks';
import { buildSite, checkSiteIndex, checkSitePage } from './site';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CONCURRENCY = Math.max(1, Number(process.env.BROWSER_CHECK_CONCURRENCY ?? 3));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function main(): Promise<number> {
  const started = Date.now();
  // The same notebook-name prefixes as scripts/run_notebooks.py; its options (--timeout …) are not ours.
  const prefixes = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !(all[i - 1] ?? '').startsWith('--timeout'));
  const notebooks = selectNotebooks(prefixes);
  const results: Result[] = [];
  const finish = () => {
    const failed = results.filter((r) => r.problems.length).length;
    console.log(`browser: screenshots in ${SHOTS}/ ; took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  };
  const fail = (name: string, problem: string) => {
    results.push({ name, problems: [problem], note: '', seconds: (Date.now() - started) / 1000 });
    report(results[results.length - 1]);
    return finish();
  };

  if (!existsSync(CHROMIUM)) {
    return fail(
      'setup',
      `${CHROMIUM} is missing. scripts/setup-browser.sh (run by npm test) installs Debian's chromium with apt-get when it runs as root ` +
        `(or with passwordless sudo); otherwise install it yourself: sudo apt-get install chromium fonts-liberation`,
    );
  }
  if (!existsSync(join(ROOT, '.venv', 'bin', 'jupyter'))) return fail('setup', '.venv/bin/jupyter is missing: run scripts/setup.sh');
  if (notebooks.length === 0) return fail('setup', `no notebook matches ${prefixes.join(' ') || 'notebooks/*.ipynb'}`);

  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  console.log(`browser: ${notebooks.length} notebook(s) in JupyterLab and the static site, chromium at ${CHROMIUM}`);

  const before = new Map(notebooks.map((nb) => [nb.path, sha(nb.path)]));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    // JupyterLab
    let lab: Lab | undefined;
    try {
      lab = await startLab(ROOT, join(OUT, 'jupyter-lab.log'));
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      try {
        const labResults = await pool(notebooks, CONCURRENCY, async (nb) => {
          const r = await checkInLab(context, lab!, nb);
          report(r);
          return r;
        });
        results.push(...labResults);
      } finally {
        await context.close();
      }
    } catch (error) {
      const r = { name: 'lab', problems: [String((error as Error).message)], note: '', seconds: 0 };
      results.push(r);
      report(r);
    } finally {
      if (lab) await lab.stop();
    }
    const changed = notebooks.filter((nb) => sha(nb.path) !== before.get(nb.path));
    if (changed.length) {
      const r = { name: 'lab   files untouched', problems: [`the check changed ${changed.map((n) => n.name).join(', ')}`], note: '', seconds: 0 };
      results.push(r);
      report(r);
    }
    if (results.some((r) => r.problems.length) && lab) console.log(`        JupyterLab log: ${lab.log}\n${tail(lab.log, 15).replace(/^/gm, '        | ')}`);

    // Static site
    const site = join(OUT, 'site');
    const built = buildSite(site);
    if (built) {
      const r = { name: 'site  build', problems: [built], note: '', seconds: 0 };
      results.push(r);
      report(r);
    } else {
      const index = await checkSiteIndex(browser, site, notebooks);
      report(index);
      results.push(index);
      const pages = await pool(notebooks, CONCURRENCY, async (nb) => {
        const r = await checkSitePage(browser, site, nb);
        report(r);
        return r;
      });
      results.push(...pages);
    }
  } finally {
    await browser.close();
  }
  return finish();
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('browser: 0 passed, 1 failed');
    process.exit(1);
  },
);
