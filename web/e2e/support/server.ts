import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, webRoot } from './paths';

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const READY_LINE = /^starling listening on (http:\/\/\S+?)\/?\s*$/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real `starling serve` process on a fresh data directory and a free loopback port. */
export interface StarlingServer {
  /** Origin the server listens on, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  readonly url: string;
  /** Sends SIGTERM and waits for the process to exit (SIGKILL after 10 s, then throws). */
  stop(): Promise<Exit>;
  /** Kills the process if it still runs and removes its data directory. Safe to call twice. */
  dispose(): Promise<void>;
}

function resolveBinary(): string {
  const bin = process.env.STARLING_BIN ?? path.join(repoRoot, 'build', 'release', 'starling');
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(
      `Starling server binary not found or not executable: ${bin}\n` +
        'Build the server first, or point STARLING_BIN at the binary.',
    );
  }
  return bin;
}

function resolveWebDir(): string {
  const webDir = path.join(webRoot, 'dist');
  if (!existsSync(path.join(webDir, 'index.html'))) {
    throw new Error(`${webDir}/index.html is missing: run \`npm run build\` in web/ first.`);
  }
  return webDir;
}

function waitForExit(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function tail(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '(empty)';
  return trimmed.length > 4000 ? `…${trimmed.slice(-4000)}` : trimmed;
}

/**
 * Starts `<STARLING_BIN> serve --listen 127.0.0.1:0 --data-dir <tmp> --web-dir web/dist` and resolves once
 * the server prints `starling listening on http://127.0.0.1:PORT` on stdout.
 */
export async function startStarling(): Promise<StarlingServer> {
  const bin = resolveBinary();
  const webDir = resolveWebDir();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'starling-e2e-data-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--web-dir', webDir];

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = waitForExit(child);

  const report = () =>
    `command: ${bin} ${args.join(' ')}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`;

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new Error(
            `Starling did not print "starling listening on http://…" within ${READY_TIMEOUT_MS / 1000} s.\n` +
              report(),
          ),
        ),
      );
    }, READY_TIMEOUT_MS);
    // Keep reading stdout after the ready line so the server never blocks on a full pipe.
    lines.on('line', (line) => {
      stdout += `${line}\n`;
      const match = READY_LINE.exec(line);
      if (match?.[1] !== undefined) {
        const found = match[1];
        settle(() => resolve(found));
      }
    });
    child.once('error', (error) => {
      settle(() => reject(new Error(`Could not start Starling: ${error.message}\n${report()}`)));
    });
    void exited.then(({ code, signal }) => {
      settle(() =>
        reject(new Error(`Starling exited before it was ready (code ${code}, signal ${signal}).\n${report()}`)),
      );
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });

  let disposed = false;
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(
          `Starling did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killed it.\n${report()}`,
        );
      }
      return result;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      process.removeListener('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
