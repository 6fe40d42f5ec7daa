import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

/** The accounts created with the CLI before the server starts (see `seed`). */
export interface Seed {
  /** Owner of the organization, hence administrator of its store. */
  admin: { id: number; email: string; password: string };
  organization: { id: number; name: string };
  store: { id: number; name: string; trackingToken: string };
}

export const SEED_ADMIN = { email: 'ana@shop.example', name: 'Ana Lopez', password: 'ana-password-1' } as const;
export const SEED_ORGANIZATION = 'Demo organization';
export const SEED_STORE = { name: 'Demo store', url: 'https://shop.example' } as const;

/** A real `starling serve` process on a fresh data directory and a free loopback port. */
export interface RunningStarling {
  /** Origin the server listens on, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  readonly url: string;
  /** Its data directory (removed by `dispose`). */
  readonly dataDir: string;
  /** What it printed on stdout up to its ready line. */
  readonly startupOutput: string;
  /** Runs `starling <args> --data-dir <this server's data dir>`; see `runCli` for what it resolves with. */
  cli(args: readonly string[], stdin?: string): Promise<unknown>;
  /** Sends SIGTERM and waits for the process to exit (SIGKILL after 10 s, then throws). */
  stop(): Promise<Exit>;
  /** Kills the process if it still runs and removes its data directory. Safe to call twice. */
  dispose(): Promise<void>;
}

/** The server of most specs: seed accounts made with the CLI before it started. */
export interface StarlingServer extends RunningStarling {
  /** Accounts made before start-up. */
  readonly seed: Seed;
}

/** The administrator `--demo true` creates, as the server tells a newcomer. */
export interface DemoCredentials {
  email: string;
  password: string;
}

/** A server started with `--demo true` on an empty data directory: the demo store and its shop at `/demo/`. */
export interface DemoStarlingServer extends RunningStarling {
  /** Printed on stdout and written to `<data-dir>/demo-credentials.txt` (the two are checked to agree). */
  readonly demo: DemoCredentials;
  /** The demo shop, `<url>/demo/`: the demo store's site. */
  readonly shopUrl: string;
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

const CLI_TIMEOUT_MS = 30_000;

/**
 * Runs the CLI once; resolves with the last JSON line it printed on stdout (or its whole stdout, trimmed, when
 * it printed no JSON); rejects with its output when it fails.
 */
export function runCli(bin: string, args: readonly string[], stdin?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    const describe = () => `starling ${args.join(' ')}\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`;
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not run ${describe()}\n${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`Exited with code ${code} (signal ${signal}): ${describe()}`));
        return;
      }
      const lastJson = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((line) => line.trim().startsWith('{'));
      try {
        resolve(lastJson === undefined ? stdout.trim() : (JSON.parse(lastJson) as unknown));
      } catch {
        reject(new Error(`Printed broken JSON: ${describe()}`));
      }
    });
    if (stdin !== undefined && child.stdin !== null) {
      // A command may exit before reading its input; that is its exit code's business, not a crash here.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin);
    }
  });
}

function field<T>(value: unknown, name: string, check: (v: unknown) => v is T, command: string): T {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  if (!check(found)) throw new Error(`\`${command}\` printed ${JSON.stringify(value)}: no valid \`${name}\``);
  return found;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';

/** Creates the seed accounts with the CLI: a user, their organization, one store. */
async function seedAccounts(bin: string, dataDir: string): Promise<Seed> {
  const dir = ['--data-dir', dataDir];
  const user = await runCli(
    bin,
    ['user', 'create', '--email', SEED_ADMIN.email, '--name', SEED_ADMIN.name, '--password-stdin', ...dir],
    SEED_ADMIN.password,
  );
  const org = await runCli(bin, ['org', 'create', '--name', SEED_ORGANIZATION, '--owner', SEED_ADMIN.email, ...dir]);
  const orgId = field(org, 'id', isNumber, 'org create');
  const store = await runCli(bin, [
    'store',
    'create',
    '--org',
    String(orgId),
    '--name',
    SEED_STORE.name,
    '--url',
    SEED_STORE.url,
    ...dir,
  ]);
  return {
    admin: { id: field(user, 'id', isNumber, 'user create'), ...SEED_ADMIN },
    organization: { id: orgId, name: SEED_ORGANIZATION },
    store: {
      id: field(store, 'id', isNumber, 'store create'),
      name: SEED_STORE.name,
      trackingToken: field(store, 'tracking_token', isString, 'store create'),
    },
  };
}

/**
 * Creates the seed accounts with the CLI in a fresh data directory, then starts
 * `<STARLING_BIN> serve --listen 127.0.0.1:0 --data-dir <tmp> --web-dir web/dist --test-clock true` and resolves once the
 * server prints `starling listening on http://127.0.0.1:PORT` on stdout.
 */
export async function startStarling(): Promise<StarlingServer> {
  const bin = resolveBinary();
  const webDir = resolveWebDir();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'starling-e2e-data-'));
  let seed: Seed;
  try {
    seed = await seedAccounts(bin, dataDir);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const server = await launch(bin, dataDir, ['--web-dir', webDir]);
  return { ...server, seed };
}

/** `email:` and `password:` lines of the demo note (stdout) or of `demo-credentials.txt`. */
function parseCredentials(text: string, where: string): DemoCredentials {
  const email = /^\s*email:\s*(\S+)\s*$/m.exec(text)?.[1];
  const password = /^\s*password:\s*(\S+)\s*$/m.exec(text)?.[1];
  if (email === undefined || password === undefined) throw new Error(`No demo credentials in ${where}:\n${tail(text)}`);
  return { email, password };
}

/**
 * Starts `<STARLING_BIN> serve … --demo true --test-clock true` on an empty data directory, as a newcomer
 * trying Starling would: the server creates the demo organization, store (site `<url>/demo/`, authorized
 * domains its own host) and administrator, prints the administrator's credentials and writes them to
 * `<data-dir>/demo-credentials.txt`. Resolves once the server is ready, with those credentials.
 */
export async function startDemoStarling(): Promise<DemoStarlingServer> {
  const bin = resolveBinary();
  const webDir = resolveWebDir();
  // This repository's shop and script, whatever binary STARLING_BIN names.
  const sdkDir = path.join(repoRoot, 'sdk', 'dist');
  if (!existsSync(path.join(sdkDir, 'starling.js'))) {
    throw new Error(`${sdkDir}/starling.js is missing: run \`npm ci && npm run build\` in sdk/ first.`);
  }
  const demoDir = path.join(repoRoot, 'demo', 'shop');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'starling-e2e-demo-'));
  const server = await launch(bin, dataDir, ['--web-dir', webDir, '--sdk-dir', sdkDir, '--demo-dir', demoDir, '--demo', 'true']);
  try {
    if (!server.startupOutput.includes('demo store created')) {
      throw new Error(`--demo true on an empty data directory printed no "demo store created":\n${tail(server.startupOutput)}`);
    }
    const printed = parseCredentials(server.startupOutput, 'the server\'s stdout');
    const file = path.join(dataDir, 'demo-credentials.txt');
    const saved = parseCredentials(await readFile(file, 'utf8'), file);
    if (saved.email !== printed.email || saved.password !== printed.password) {
      throw new Error(`${file} says ${saved.email} / ${saved.password}, stdout said ${printed.email} / ${printed.password}`);
    }
    return { ...server, demo: printed, shopUrl: `${server.url}/demo/` };
  } catch (error) {
    await server.dispose();
    throw error;
  }
}

/**
 * Starts `<bin> serve --listen 127.0.0.1:0 --data-dir <dataDir> --test-clock true <extra>` and resolves once it
 * prints its ready line; the data directory is the server's from then on (removed by `dispose`, or here when
 * it fails to start).
 */
async function launch(bin: string, dataDir: string, extra: readonly string[]): Promise<RunningStarling> {
  // A test server: `POST /api/v1/test/clock` moves its clock (cart abandonment and other timers).
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--test-clock', 'true', ...extra];

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
  const startupOutput = stdout;
  return {
    url,
    dataDir,
    startupOutput,
    cli: (cliArgs, stdin) => runCli(bin, [...cliArgs, '--data-dir', dataDir], stdin),
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
