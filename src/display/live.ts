/**
 * A display that updates in place during a long loop: a progress line and a chart
 * that grows. In JupyterLab both outputs are replaced (update_display_data), and the
 * saved notebook keeps the last chart, with its SVG. In a plain node script the
 * progress goes to the terminal and the final chart to an SVG file.
 *
 * Works in both kernels. tslab takes each update at once. Deno's kernel takes it
 * asynchronously: a loop that never awaits shows its progress only when it ends
 * (then only the newest state is sent), and `finish` waits for every update.
 */
import { randomBytes } from 'crypto';
import { ChartSpec, renderSvg } from './render';
import { inJupyter, sendBundle } from './jupyter';
import { chartBundle, show, VEGA_LITE_MIME } from './show';

/**
 * A progress line and a chart that a loop replaces in place.
 *
 * @example
 * const rows: { step: number; loss: number }[] = [];
 * const live = new LiveDisplay();
 * for (let step = 0; step < 10; step++) {
 *   rows.push({ step, loss: 1 / (step + 1) });
 *   live.update(`step ${step}`, lineChart({ data: rows, x: 'step', y: 'loss' }));
 * }
 * await live.finish('done', lineChart({ data: rows, x: 'step', y: 'loss' }));
 */
export class LiveDisplay {
  private readonly progressId = randomBytes(8).toString('hex');
  private readonly chartId = randomBytes(8).toString('hex');
  private readonly shown = new Set<string>();
  private lastSent = -Infinity;
  /** Settles when every bundle sent so far has been taken by the kernel. */
  private pending: Promise<void> = Promise.resolve();

  /** @param minIntervalMs updates closer together than this are skipped, so drawing never dominates the loop. */
  constructor(private readonly minIntervalMs = 400) {}

  /** Replaces the progress line and, optionally, the chart. Cheap when called often. */
  update(status: string, spec?: ChartSpec): void {
    const now = Date.now();
    if (now - this.lastSent < this.minIntervalMs) return;
    this.lastSent = now;
    if (!inJupyter()) {
      console.log(status);
      return;
    }
    this.send(status, spec === undefined ? undefined : { [VEGA_LITE_MIME]: chartBundle(spec, '')[VEGA_LITE_MIME], 'text/plain': status });
  }

  /** Shows the final status and chart (with its SVG), whatever the throttle says. */
  async finish(status: string, spec: ChartSpec): Promise<void> {
    if (!inJupyter()) {
      console.log(status);
      await show(spec);
      return;
    }
    this.send(status, chartBundle(spec, await renderSvg(spec)));
    await this.pending;
  }

  private send(status: string, chart?: Record<string, unknown>): void {
    this.sendTo(this.progressId, { 'text/plain': status });
    if (chart !== undefined) this.sendTo(this.chartId, chart);
  }

  /** The first bundle for an id creates the output; later ones replace it. */
  private sendTo(displayId: string, data: Record<string, unknown>): void {
    const sent = sendBundle(data, { displayId, update: this.shown.has(displayId) });
    this.shown.add(displayId);
    this.pending = Promise.all([this.pending, sent]).then(() => undefined);
    // Marked as handled here, so a failed update is reported once, by `finish`, rather
    // than as an unhandled rejection that could end the kernel.
    this.pending.catch(() => undefined);
  }
}
