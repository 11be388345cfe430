/**
 * One notebook opened through JupyterLab's UI: the kernel shown is TypeScript (tslab),
 * every Vega-Lite output is drawn by the Vega renderer, and a cell run from the UI
 * prints its output. Screenshots of the top and of the first chart.
 */
import { basename, join } from 'path';
import { BrowserContext, Page } from 'playwright-core';
import { delay, Lab, pollUntil } from './lab';
import { firstLine, Notebook, Result, SHOTS } from './notebooks';

const PROBE = "console.log('browser check', 6 * 7)";
const PROBE_OUTPUT = 'browser check 42';

export async function checkInLab(context: BrowserContext, lab: Lab, nb: Notebook): Promise<Result> {
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
    problems.push(firstLine(error));
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

function waitForLabCharts(page: Page, expected: number, timeout: number) {
  const look = () =>
    page.evaluate(() => {
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
  return pollUntil(look, (seen) => seen.rendered >= expected && seen.outputs >= expected, timeout);
}

async function runProbeCell(page: Page, panel: ReturnType<Page['locator']>): Promise<string | null> {
  const cells = panel.locator('.jp-Notebook .jp-Cell');
  const before = await cells.count();
  await cells.first().locator('.jp-InputPrompt').first().click(); // selects the cell, command mode
  await page.keyboard.press('Escape');
  await page.keyboard.press('a'); // insert a cell above
  if ((await pollUntil(() => cells.count(), (n) => n > before, 10_000)) <= before) {
    return 'pressing "a" inserted no cell';
  }
  const probe = cells.first();
  if (!(await probe.evaluate((el) => el.classList.contains('jp-CodeCell')))) {
    return 'the new cell is not a code cell';
  }
  await page.keyboard.press('Enter'); // edit mode
  const editor = probe.locator('.cm-content');
  await editor.waitFor({ state: 'visible' });
  await page.keyboard.insertText(PROBE);
  const typed = await pollUntil(async () => (await editor.innerText()).trim(), (t) => t === PROBE, 10_000);
  if (typed !== PROBE) return `typing into the new cell gave '${typed}'`;
  await page.keyboard.press('Shift+Enter');
  try {
    await probe.locator('.jp-OutputArea-output').filter({ hasText: PROBE_OUTPUT }).first().waitFor({ timeout: 60_000 });
  } catch {
    const got = (await probe.locator('.jp-OutputArea').innerText().catch(() => '')).trim();
    return `running a cell from the UI printed '${got.slice(0, 200)}', not '${PROBE_OUTPUT}'`;
  }
  // The output can arrive before the execute reply that numbers the prompt: wait for the number.
  const numbered = (prompt: string) => /\[\d+\]/.test(prompt);
  const prompt = await pollUntil(async () => (await probe.locator('.jp-InputPrompt').innerText()).trim(), numbered, 30_000);
  if (!numbered(prompt)) return `the run cell has no execution count after 30 s (prompt '${prompt}')`;
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