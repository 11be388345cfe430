/**
 * An ordered queue of display messages for a kernel whose display call is
 * asynchronous (Deno's): it sends one message at a time, in order, and keeps only
 * the newest waiting update of each display id.
 *
 * Why: a synchronous training loop cannot let an asynchronous call run, so every
 * update it makes waits until the loop ends and then leaves in one burst. Measured
 * with Deno 2.9.6 under nbclient, such a burst of 300 updates lost its last ones,
 * the final chart among them. An update replaces the whole output, so only the
 * newest waiting one per display id needs sending.
 */

/** One message: a new output, or (with `update`) a replacement of output `displayId`. */
export interface DisplayMessage {
  /** A MIME bundle: MIME type → value. */
  data: Record<string, unknown>;
  displayId?: string;
  update: boolean;
}

interface Waiting {
  message: DisplayMessage;
  settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Sends display messages one at a time, in order, dropping updates that a newer one of the same output replaced. */
export class DisplayQueue {
  private readonly waiting: Waiting[] = [];
  private draining = false;

  /** @param send the kernel's call; the next message leaves only once it has resolved. */
  constructor(private readonly send: (message: DisplayMessage) => Promise<void>) {}

  /**
   * Queues a message; resolves once it (or a newer update of the same output that
   * replaced it) has been sent, and rejects if that send fails.
   *
   * @example
   * // Under Deno the sender is Deno.jupyter.display; here it only records what it is given.
   * const sent: DisplayMessage[] = [];
   * const queue = new DisplayQueue(async (m) => { sent.push(m); });
   * await queue.push({ data: { 'text/plain': 'step 1' }, displayId: 'progress', update: false });
   * console.log(sent.length);  // 1
   */
  push(message: DisplayMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const replaced = message.update && message.displayId !== undefined
        ? this.waiting.find((w) => w.message.update && w.message.displayId === message.displayId)
        : undefined;
      if (replaced) {
        replaced.message = message;
        replaced.settle.push({ resolve, reject });
      } else {
        this.waiting.push({ message, settle: [{ resolve, reject }] });
      }
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // Let the caller's synchronous code run on first, so that a loop's updates pile up
    // here and replace one another instead of each being sent.
    await Promise.resolve();
    for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
      try {
        await this.send(next.message);
        for (const s of next.settle) s.resolve();
      } catch (error) {
        for (const s of next.settle) s.reject(error);
      }
    }
    this.draining = false;
  }
}
