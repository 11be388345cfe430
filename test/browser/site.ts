/**
 * The static site (scripts/site.py) opened from file:// with every network request
 * blocked: the index links every notebook and the API reference, each notebook page draws
 * its charts live with vega-embed and typesets its maths with MathJax, and the API
 * reference (typedoc) shows its navigation and a function's example.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { Browser, Page } from 'playwright-core';
import { pollUntil } from './lab';
import { firstLine, Notebook, Result, ROOT, SHOTS } from './notebooks';

export function buildSite(dir: string): string | null {
  const run = spawnSync(join(ROOT, '.venv', 'bin', 'python'), [join(ROOT, 'scripts', 'site.py'), '--out', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) return `scripts/site.py failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().slice(-1500)}`;
  return null;
}

/**
 * Opens a file:// page with every non-file request blocked and recorded, runs `look`
 * on it, and turns what it found (plus any network request or page error) into a Result.
 */
async function visitOffline(
  browser: Browser,
  file: string,
  name: string,
  look: (page: Page, problems: string[], notes: string[]) => Promise<void>,
): Promise<Result> {
  const start = Date.now();
  const problems: string[] = [];
  const notes: string[] = [];
  const remote: string[] = [];
  const errors: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
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
    await page.goto(pathToFileURL(file).href);
    await look(page, problems, notes);
  } catch (error) {
    problems.push(firstLine(error));
  } finally {
    await context.close();
  }
  if (remote.length) problems.push(`requested from the network: ${remote.slice(0, 3).join(', ')}`);
  if (errors.length) problems.push(`errors: ${errors.slice(0, 3).join(' | ')}`);
  return { name, problems, note: notes.join(', '), seconds: (Date.now() - start) / 1000 };
}

export function checkSiteIndex(browser: Browser, site: string, notebooks: Notebook[]): Promise<Result> {
  return visitOffline(browser, join(site, 'index.html'), 'site  index.html', async (page, problems, notes) => {
    const links = await page.locator('a[href$=".html"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const nb of notebooks) {
      if (!links.includes(`${nb.stem}.html`)) problems.push(`index has no link to ${nb.stem}.html`);
    }
    notes.push(`${notebooks.length} links`);
    await page.screenshot({ path: join(SHOTS, 'site-index.png'), fullPage: true });
    if (!existsSync(join(site, API_INDEX))) problems.push(`${API_INDEX} is missing`);
    else if (!links.includes(API_INDEX)) problems.push(`index has no link to ${API_INDEX}`);
    else await checkApiReference(page, problems, notes);
  });
}

const API_INDEX = 'api/index.html';
/** A function whose page the check opens; its TSDoc has an example. */
const API_SAMPLE = 'estimateGradient';

/**
 * Follows the index's link to the API reference (the same offline page, so a request to
 * the network or a script error fails the check): typedoc's navigation script has filled
 * the side bar, and the sample function's page shows its example as code.
 */
async function checkApiReference(page: Page, problems: string[], notes: string[]): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.locator(`a[href="${API_INDEX}"]`).click()]);
  const nav = await pollUntil(
    () => page.evaluate(() => document.querySelectorAll('.tsd-navigation a[href]').length),
    (count) => count > 10,
    10_000,
  );
  if (nav <= 10) problems.push(`the API reference's navigation has ${nav} links (its script did not run?)`);
  notes.push(`API reference: ${nav} entries`);
  await page.screenshot({ path: join(SHOTS, 'site-api.png') });

  const sample = page.locator(`.col-content a[href="functions/${API_SAMPLE}.html"]`).first();
  if ((await sample.count()) === 0) {
    problems.push(`the API reference does not list ${API_SAMPLE}`);
    return;
  }
  await Promise.all([page.waitForEvent('load'), sample.click()]);
  const example = await page.evaluate(() => {
    const heading = Array.from(document.querySelectorAll('h4')).find((h) => /^Example/.test(h.textContent ?? ''));
    let code = heading?.nextElementSibling;
    while (code && code.tagName !== 'PRE') code = code.nextElementSibling;
    return code?.textContent ?? '';
  });
  if (!example.includes(API_SAMPLE)) problems.push(`the ${API_SAMPLE} page shows no example that calls it`);
  await page.screenshot({ path: join(SHOTS, `site-api-${API_SAMPLE}.png`) });
}

export function checkSitePage(browser: Browser, site: string, nb: Notebook): Promise<Result> {
  return visitOffline(browser, join(site, `${nb.stem}.html`), `site  ${nb.stem}.html`, async (page, problems, notes) => {
    // Charts: each .site-chart gets a live vega-embed drawing.
    const charts = await pollUntil(
      () =>
        page.evaluate(() => {
          const all = Array.from(document.querySelectorAll('.site-chart'));
          return {
            total: all.length,
            live: all.filter((c) => c.classList.contains('site-chart-is-live') && c.querySelector('.vega-embed svg, .vega-embed canvas')).length,
            failed: all.filter((c) => c.hasAttribute('data-chart-error')).map((c) => c.getAttribute('data-chart-error') ?? ''),
          };
        }),
      (c) => c.live + c.failed.length >= c.total,
      20_000,
    );
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
  });
}
