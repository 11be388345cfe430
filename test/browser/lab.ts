/**
 * The project's JupyterLab, started for the browser check: 127.0.0.1, a free port,
 * a fresh token, root_dir notebooks/, and settings, workspaces, checkpoints and
 * runtime files in a temporary folder, so that the check leaves nothing behind.
 * Autosave is off, so opening and running notebooks never rewrites them.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

export interface Lab {
  url: string; // http://127.0.0.1:PORT
  token: string;
  log: string;
  /** A URL under the lab with the token appended. */
  link(path: string): string;
  api(method: string, path: string): Promise<Response>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Settings that keep the lab quiet and the files untouched. */
const SETTINGS: Record<string, object> = {
  '@jupyterlab/docmanager-extension/plugin': { autosave: false },
  '@jupyterlab/notebook-extension/tracker': { windowingMode: 'none' },
  '@jupyterlab/apputils-extension/notification': { fetchNews: 'false', checkForUpdates: false, doNotDisturbMode: true },
};

/** The labs started here and not yet stopped: child process, scratch folder, graceful stop. */
const running = new Map<ChildProcess, { scratch: string; stop: () => Promise<void> }>();

/**
 * On Ctrl-C or a kill, stop every lab gracefully (its kernels live in sessions of their
 * own, so only the server can shut them down), then exit. On any other exit, a lab still
 * running gets SIGTERM, on which Jupyter shuts its kernels down by itself.
 */
process.on('exit', () => {
  for (const [child, { scratch }] of running) {
    signalGroup(child, 'SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.log(`browser: ${signal}: stopping JupyterLab`);
    const stops = Promise.all([...running.values()].map(({ stop }) => stop().catch(() => undefined)));
    Promise.race([stops, delay(20_000)]).finally(() => process.exit(130));
  });
}

export async function startLab(root: string, logFile: string): Promise<Lab> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const scratch = mkdtempSync(join(tmpdir(), 'browser-check-lab-'));
  for (const [plugin, values] of Object.entries(SETTINGS)) {
    const file = join(scratch, 'settings', `${plugin}.jupyterlab-settings`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(values));
  }
  const args = [
    'lab',
    '--no-browser',
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${join(root, 'notebooks')}`,
    `--FileCheckpoints.checkpoint_dir=${join(scratch, 'checkpoints')}`,
    '--LabApp.news_url=None',
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');

  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');
  const child = spawn(join(root, '.venv', 'bin', 'jupyter'), args, {
    cwd: root,
    detached: true, // its own process group, so that stop() reaches its children too
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      JUPYTERLAB_SETTINGS_DIR: join(scratch, 'settings'),
      JUPYTERLAB_WORKSPACES_DIR: join(scratch, 'workspaces'),
      JUPYTER_RUNTIME_DIR: join(scratch, 'runtime'),
      JUPYTER_CONFIG_DIR: join(scratch, 'config'),
      JUPYTER_DATA_DIR: join(scratch, 'data'), // notebook signatures; kernels come from .venv
    },
  });
  closeSync(logFd);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  const link = (path: string) => `${url}${path}${path.includes('?') ? '&' : '?'}token=${token}`;
  const api = (method: string, path: string) =>
    fetch(`${url}${path}`, { method, headers: { Authorization: `token ${token}` } });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === undefined) {
      // Shut the kernels down through the server, then the server itself.
      try {
        const sessions = (await (await api('GET', '/api/sessions')).json()) as { id: string }[];
        await Promise.all(sessions.map((s) => api('DELETE', `/api/sessions/${s.id}`)));
      } catch {
        /* the server may be gone already */
      }
      try {
        await api('POST', '/api/shutdown');
      } catch {
        /* ditto */
      }
      const grace = (ms: number) => Promise.race([exit.then(() => true), delay(ms).then(() => false)]);
      if (!(await grace(10_000))) {
        signalGroup(child, 'SIGTERM');
        if (!(await grace(5_000))) signalGroup(child, 'SIGKILL');
        await grace(2_000);
      }
    }
    running.delete(child);
    rmSync(scratch, { recursive: true, force: true });
  };
  running.set(child, { scratch, stop });

  // Wait until the server answers.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`jupyter lab exited (code ${exited}) before serving; log:\n${tail(logFile)}`);
    }
    try {
      const response = await api('GET', '/api/status');
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter lab did not answer on ${url} within 90 s; log:\n${tail(logFile)}`);
    }
    await delay(250);
  }
  return { url, token, log: logFile, link, api, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `read` until `done` holds for what it returned, or until `timeout` ms have
 * passed; returns the last value read either way, so that the caller can report it.
 * UI state in JupyterLab arrives in several messages (an output before the execute
 * reply that numbers the prompt, say), so a check reads the state it means to test
 * until it holds, never once right after some other event.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeout: number): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await delay(100);
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
