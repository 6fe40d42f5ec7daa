import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sdkRoot } from './site';

/**
 * The real `starling serve` binary (STARLING_BIN, default build/release/starling) on a fresh data
 * directory and a free port, with one organization and store made by the CLI: for the specs that check
 * what the server stores, not only what the script sends.
 */
export interface RealStarling {
  url: string;
  storeId: number;
  token: string;
  /** `Authorization` header value of an API key with every scope. */
  apiKey: string;
  stop(): Promise<void>;
}

const binary = (): string => process.env.STARLING_BIN ?? path.join(sdkRoot, '..', 'build', 'release', 'starling');

function cli(dataDir: string, args: string[], input = ''): Record<string, unknown> {
  const run = spawnSync(binary(), [...args, '--data-dir', dataDir], { input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`starling ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

export async function startStarling(siteUrl: string, extraArgs: string[] = []): Promise<RealStarling> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'starling-sdk-'));
  cli(dataDir, ['user', 'create', '--email', 'owner@shop.test', '--password-stdin'], 'owner-password-1\n');
  const org = cli(dataDir, ['org', 'create', '--name', 'Shop org', '--owner', 'owner@shop.test']);
  const store = cli(dataDir, ['store', 'create', '--org', String(org.id), '--name', 'Shop', '--url', siteUrl]);
  const key = cli(dataDir, ['apikey', 'create', '--store', String(store.id), '--name', 'tests', '--scopes', 'all']);
  const child: ChildProcess = spawn(
    binary(),
    ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--access-log', 'false', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`starling did not start: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^starling listening on (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    });
    child.once('exit', () => reject(new Error(`starling exited: ${stderr}`)));
  });
  return {
    url,
    storeId: store.id as number,
    token: store.tracking_token as string,
    apiKey: key.authorization as string,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
