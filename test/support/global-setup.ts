/**
 * Runs once before the whole suite (`node --test --test-global-setup`). When no
 * PostgreSQL is given in MVID_TEST_DATABASE_URL it starts a throw-away cluster on
 * loopback, so that `npm test` on a machine with PostgreSQL installed tests both engines.
 * The URL reaches every test process through the environment. Without PostgreSQL the
 * PostgreSQL suites fail loudly (see engines.ts), never skip.
 * Each run has its own cluster directory (by pid), so concurrent runs do not collide;
 * clusters left behind by runs that died are stopped and removed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const base = join(root, '.mvid-test');
const clusterDir = join(base, `pg-${process.pid}`);
const script = join(root, 'scripts', 'pg-cluster.sh');
let started = false;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function removeAbandonedClusters(): void {
  if (!existsSync(base)) return;
  for (const name of readdirSync(base)) {
    const match = /^pg-(\d+)$/.exec(name);
    if (!match || alive(Number(match[1]))) continue;
    try {
      execFileSync(script, ['stop', join(base, name)], { stdio: 'ignore' });
    } catch {}
    rmSync(join(base, name), { recursive: true, force: true });
  }
}

export async function globalSetup(): Promise<void> {
  if (process.env.MVID_TEST_DATABASE_URL) return;
  mkdirSync(base, { recursive: true });
  removeAbandonedClusters();
  try {
    const port = await freePort();
    process.env.MVID_TEST_DATABASE_URL = execFileSync(script, ['start', clusterDir, String(port)], { encoding: 'utf8' }).trim();
    started = true;
  } catch (error) {
    process.stderr.write(
      `\n!! could not start PostgreSQL for the tests: ${(error as Error).message}\n!! the PostgreSQL suites will FAIL.\n`,
    );
  }
}

export async function globalTeardown(): Promise<void> {
  if (!started) return;
  try {
    execFileSync(script, ['stop', clusterDir], { stdio: 'ignore' });
  } catch {}
  rmSync(clusterDir, { recursive: true, force: true });
}
