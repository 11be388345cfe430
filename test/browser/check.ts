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
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'fs';
import { basename, join, resolve } from 'path';
import { pathToFileURL } from 'url';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { delay, Lab, startLab, tail } from './lab';

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'out', 'browser');
const SHOTS = join(OUT, 'screenshots');
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
const VEGA_LITE = /^application\/vnd\.vegalite\.v\d+\+json$/;
const CONCURRENCY = Math.max(1, Number(process.env.BROWSER_CHECK_CONCURRENCY ?? 3));
const PROBE = "console.log('browser check', 6 * 7)";
const PROBE_OUTPUT = 'browser check 42';

interface Notebook {
  name: string; // 00-tour.ipynb
  stem: string;
  path: string;
  charts: number; // Vega-Lite outputs in the file
  hasMath: boolean; // $…$ or $$…$$ in a Markdown cell
  kernelName: string; // kernelspec.name in the file
}

interface Result {
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
  return {
    name,
    stem: name.replace(/\.ipynb$/, ''),
    path,
    charts,
    hasMath,
    kernelName: nb.metadata?.kernelspec?.name ?? '',
  };
}

function selectNotebooks(prefixes: string[]): Notebook[] {
  const dir = join(ROOT, 'notebooks');
  const every = readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));
  const chosen = prefixes.length
    ? every.filter((p) => prefixes.some((x) => basename(p).startsWith(x)))
    : every;
  return chosen.map(readNotebook);
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
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

// ---------------------------------------------------------------- JupyterLab

async function checkInLab(context: BrowserContext, lab: Lab, nb: Notebook): Promise<Result> {
  const start = Date.now();
  const problems: string[] = [];
  const notes: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  try {
    // One workspace per notebook, so that the pages (which share a browser context and
    // its cache) do not compete for JupyterLab's default workspace.
    const workspace = `check-${nb.stem.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    await page.goto(lab.link(`/lab/workspaces/${workspace}/tree/${encodeURIComponent(nb.name)}?reset`));
    const panel = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)').first();
    await panel.waitFor({ state: 'visible' });

    // 1. The kernel shown in the toolbar, once it is attached and idle.
    const kernel = await waitForIdleKernel(page, 90_000);
    if (kernel !== 'TypeScript') problems.push(`kernel shown is '${kernel}', not 'TypeScript'`);
    if (nb.kernelName !== 'tslab') problems.push(`kernelspec in the file is '${nb.kernelName}', not 'tslab'`);
    notes.push(kernel);

    // 2. Every Vega-Lite output drawn by the Vega renderer.
    const charts = await waitForLabCharts(page, nb.charts, 30_000);
    if (charts.rendered !== nb.charts || charts.outputs !== nb.charts) {
      problems.push(
        `${nb.charts} Vega-Lite outputs in the file, ${charts.outputs} shown by the Vega renderer, ${charts.rendered} drawn as svg/canvas` +
          (charts.raw ? `; ${charts.raw} shown as raw JSON or text` : '') +
          (charts.errors.length ? `; errors: ${charts.errors.join(' | ')}` : ''),
      );
    }
    notes.push(`${charts.rendered}/${nb.charts} charts`);

    // 3. A cell run from the UI: a new cell above the first one, run with Shift+Enter.
    const ran = await runProbeCell(page, panel);
    if (ran) problems.push(ran);
    else notes.push('ran a cell');

    // Screenshots: the top (kernel, the cell just run), then the first chart.
    await panel.locator('.jp-Cell').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await delay(200);
    await page.screenshot({ path: join(SHOTS, `lab-${nb.stem}.png`) });
    if (nb.charts > 0) {
      await panel.locator('.jp-RenderedVegaCommon5').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await delay(200);
      await page.screenshot({ path: join(SHOTS, `lab-${nb.stem}-chart.png`) });
    }
  } catch (error) {
    problems.push(String((error as Error).message ?? error).split('\n')[0]);
    await page.screenshot({ path: join(SHOTS, `lab-${nb.stem}-failed.png`) }).catch(() => undefined);
  } finally {
    await shutDownSessionsOf(lab, nb.name);
    await page.close();
  }
  return { name: `lab   ${nb.name}`, problems, note: notes.join(', '), seconds: (Date.now() - start) / 1000 };
}

async function waitForIdleKernel(page: Page, timeout: number): Promise<string> {
  // The toolbar shows the kernel's name once a kernel is attached, and the execution
  // indicator its status; a dialog (for example "Select Kernel") means the kernel
  // did not start by itself.
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await page.evaluate(() => {
      const dialog = document.querySelector('.jp-Dialog');
      if (dialog) return { dialog: (dialog as HTMLElement).innerText.slice(0, 200) };
      const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
      const name = panel?.querySelector('[data-jp-item-name="kernelName"]') as HTMLElement | null;
      const indicator = panel?.querySelector('.jp-Notebook-ExecutionIndicator');
      return { name: name?.innerText.trim() ?? '', status: indicator?.getAttribute('data-status') ?? null };
    });
    if ('dialog' in state) throw new Error(`a dialog opened: ${state.dialog?.replace(/\s+/g, ' ')}`);
    const attached = state.name !== '' && state.name !== 'No Kernel';
    if (attached && state.status === 'idle') return state.name;
    if (Date.now() > deadline) {
      throw new Error(`no idle kernel after ${timeout / 1000} s (kernel '${state.name}', status ${state.status})`);
    }
    await delay(200);
  }
}

async function waitForLabCharts(page: Page, expected: number, timeout: number) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = await page.evaluate(() => {
      const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')!;
      // JupyterLab's Vega extension marks its outputs with jp-RenderedVegaCommon5.
      const outputs = Array.from(panel.querySelectorAll('.jp-OutputArea-output.jp-RenderedVegaCommon5'));
      const rendered = outputs.filter((o) => o.querySelector('.vega-embed svg, .vega-embed canvas, svg.marks, canvas.marks'));
      const errors = outputs
        .filter((o) => !o.querySelector('svg, canvas') && (o as HTMLElement).innerText.trim())
        .map((o) => (o as HTMLElement).innerText.trim().slice(0, 160));
      // A chart that fell back to another renderer shows its spec as JSON or its text/plain line.
      const raw = panel.querySelectorAll('.jp-RenderedJSON, .jp-OutputArea-output[data-mime-type="application/json"]').length;
      return { outputs: outputs.length, rendered: rendered.length, raw, errors };
    });
    if ((seen.rendered >= expected && seen.outputs >= expected) || Date.now() > deadline) return seen;
    await delay(250);
  }
}

async function runProbeCell(page: Page, panel: ReturnType<Page['locator']>): Promise<string | null> {
  const first = panel.locator('.jp-Notebook .jp-Cell').first();
  await first.locator('.jp-InputPrompt').first().click(); // selects the cell, command mode
  await page.keyboard.press('Escape');
  await page.keyboard.press('a'); // insert a cell above
  const probe = panel.locator('.jp-Notebook .jp-Cell').first();
  if (!(await probe.evaluate((el) => el.classList.contains('jp-CodeCell')))) {
    return 'the new cell is not a code cell';
  }
  await page.keyboard.press('Enter'); // edit mode
  const editor = probe.locator('.cm-content');
  await editor.waitFor({ state: 'visible' });
  await page.keyboard.insertText(PROBE);
  const typed = (await editor.innerText()).trim();
  if (typed !== PROBE) return `typing into the new cell gave '${typed}'`;
  await page.keyboard.press('Shift+Enter');
  try {
    await probe.locator('.jp-OutputArea-output').filter({ hasText: PROBE_OUTPUT }).first().waitFor({ timeout: 60_000 });
  } catch {
    const got = (await probe.locator('.jp-OutputArea').innerText().catch(() => '')).trim();
    return `running a cell from the UI printed '${got.slice(0, 200)}', not '${PROBE_OUTPUT}'`;
  }
  const prompt = (await probe.locator('.jp-InputPrompt').innerText()).trim();
  if (!/\[\d+\]/.test(prompt)) return `the run cell has no execution count (prompt '${prompt}')`;
  return null;
}

async function shutDownSessionsOf(lab: Lab, name: string): Promise<void> {
  try {
    const sessions = (await (await lab.api('GET', '/api/sessions')).json()) as { id: string; path: string }[];
    await Promise.all(sessions.filter((s) => basename(s.path) === name).map((s) => lab.api('DELETE', `/api/sessions/${s.id}`)));
  } catch {
    /* the lab stop shuts everything down anyway */
  }
}

// ---------------------------------------------------------------- static site

function buildSite(dir: string): string | null {
  const run = spawnSync(join(ROOT, '.venv', 'bin', 'python'), [join(ROOT, 'scripts', 'site.py'), '--out', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) return `scripts/site.py failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().slice(-1500)}`;
  return null;
}

/** Opens a file:// page with every non-file request blocked and recorded. */
async function openOffline(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const remote: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    remote.push(u);
    return route.abort();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('requestfailed', (r) => {
    if (r.url().startsWith('file:')) errors.push(`could not load ${r.url()}`);
  });
  await page.goto(url);
  return { context, page, remote, errors };
}

async function checkSiteIndex(browser: Browser, site: string, notebooks: Notebook[]): Promise<Result> {
  const start = Date.now();
  const problems: string[] = [];
  const { context, page, remote, errors } = await openOffline(browser, pathToFileURL(join(site, 'index.html')).href);
  try {
    const links = await page.locator('a[href$=".html"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const nb of notebooks) {
      if (!links.includes(`${nb.stem}.html`)) problems.push(`index has no link to ${nb.stem}.html`);
    }
    await page.screenshot({ path: join(SHOTS, 'site-index.png'), fullPage: true });
  } catch (error) {
    problems.push(String((error as Error).message).split('\n')[0]);
  } finally {
    await context.close();
  }
  if (remote.length) problems.push(`requested from the network: ${remote.slice(0, 3).join(', ')}`);
  if (errors.length) problems.push(`errors: ${errors.slice(0, 3).join(' | ')}`);
  return { name: 'site  index.html', problems, note: `${notebooks.length} links`, seconds: (Date.now() - start) / 1000 };
}

async function checkSitePage(browser: Browser, site: string, nb: Notebook): Promise<Result> {
  const start = Date.now();
  const problems: string[] = [];
  const notes: string[] = [];
  const { context, page, remote, errors } = await openOffline(browser, pathToFileURL(join(site, `${nb.stem}.html`)).href);
  try {
    // Charts: each .site-chart gets a live vega-embed drawing.
    const deadline = Date.now() + 20_000;
    let charts = { total: 0, live: 0, failed: [] as string[] };
    for (;;) {
      charts = await page.evaluate(() => {
        const all = Array.from(document.querySelectorAll('.site-chart'));
        return {
          total: all.length,
          live: all.filter((c) => c.classList.contains('site-chart-is-live') && c.querySelector('.vega-embed svg, .vega-embed canvas')).length,
          failed: all.filter((c) => c.hasAttribute('data-chart-error')).map((c) => c.getAttribute('data-chart-error') ?? ''),
        };
      });
      if (charts.live + charts.failed.length >= charts.total || Date.now() > deadline) break;
      await delay(100);
    }
    if (charts.total !== nb.charts || charts.live !== nb.charts) {
      problems.push(`${nb.charts} Vega-Lite outputs, ${charts.total} charts on the page, ${charts.live} drawn live` +
        (charts.failed.length ? `: ${charts.failed.join(' | ')}` : ''));
    }
    notes.push(`${charts.live}/${nb.charts} live charts`);

    // Maths: MathJax has typeset every formula, without TeX errors.
    const math = await page.evaluate(async () => {
      const mj = (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax;
      if (!mj?.startup?.promise) return { loaded: false, containers: 0, errors: 0 };
      await mj.startup.promise;
      return {
        loaded: true,
        containers: document.querySelectorAll('mjx-container').length,
        errors: document.querySelectorAll('mjx-merror, [data-mml-node="merror"], [data-mjx-error]').length,
      };
    });
    if (!math.loaded) problems.push('MathJax did not load');
    else if (nb.hasMath && math.containers === 0) problems.push('the Markdown has maths but MathJax rendered none');
    if (math.errors) problems.push(`${math.errors} formulas have TeX errors`);
    notes.push(`${math.containers} formulas`);

    await page.screenshot({ path: join(SHOTS, `site-${nb.stem}.png`) });
    if (nb.charts > 0) {
      await page.locator('.site-chart').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: join(SHOTS, `site-${nb.stem}-chart.png`) });
    }
  } catch (error) {
    problems.push(String((error as Error).message).split('\n')[0]);
  } finally {
    await context.close();
  }
  if (remote.length) problems.push(`requested from the network: ${remote.slice(0, 3).join(', ')}`);
  if (errors.length) problems.push(`errors: ${errors.slice(0, 3).join(' | ')}`);
  return { name: `site  ${nb.stem}.html`, problems, note: notes.join(', '), seconds: (Date.now() - start) / 1000 };
}

// ---------------------------------------------------------------- main

function report(result: Result): void {
  const time = `${result.seconds.toFixed(1).padStart(5)} s`;
  if (result.problems.length === 0) console.log(`ok    ${result.name}  ${time}  (${result.note})`);
  else console.log(`FAIL  ${result.name}  ${time}\n${result.problems.map((p) => `        ${p}`).join('\n')}`);
}

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
      `${CHROMIUM} is missing. scripts/setup.sh installs Debian's chromium with apt-get when it runs as root ` +
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
