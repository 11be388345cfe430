/**
 * A Python peer kept alive for a whole benchmark run (`peer.py serve` or
 * `peer_jax.py serve`, see peer_common.py): one JSON list of command-line arguments
 * a line in, one JSON reply a line out. Starting Python once lets run.ts interleave
 * Python and TypeScript repetitions without re-importing TensorFlow each time.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What a served command returns: the library versions and the command's rows. */
export interface PeerReply { rows: any[]; [version: string]: any }

export class PeerServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string | null) => void)[] = [];
  /** The last lines the peer wrote to stderr, for the error message if it dies. */
  private stderrTail: string[] = [];

  /**
   * @param intraOpThreads TensorFlow's TF_NUM_INTRAOP_THREADS for the peer; undefined for
   *   TensorFlow's default (one per core), whatever this process's own setting
   */
  constructor(readonly label: string, python: string, script: string, intraOpThreads?: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' };
    if (intraOpThreads === undefined) delete env.TF_NUM_INTRAOP_THREADS;
    else env.TF_NUM_INTRAOP_THREADS = intraOpThreads;
    this.child = spawn(python, [script, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => { this.stderrTail = [...this.stderrTail.slice(-30), line]; });
    this.child.on('exit', () => { for (const resolve of this.pending.splice(0)) resolve(null); });
  }

  /** Runs one command (the arguments `python peer.py …` would take) and returns its reply. */
  request(args: (string | number)[]): Promise<PeerReply> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        if (line === null) return reject(new Error(`${this.label} exited:\n${this.stderrTail.join('\n')}`));
        const reply = JSON.parse(line);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`${this.label} ${args[0]} failed:\n${reply.error}`));
      });
      this.child.stdin.write(`${JSON.stringify(args.map(String))}\n`);
    });
  }

  /** Closes stdin, which ends the peer's loop, and waits for it to exit. */
  close(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }
}
