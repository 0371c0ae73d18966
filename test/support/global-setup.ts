/**
 * Runs once before the whole suite (`node --test --test-global-setup`). When no
 * PostgreSQL is given in MVID_TEST_DATABASE_URL it starts a throw-away cluster on
 * loopback, so that `npm test` on a machine with PostgreSQL installed tests both engines.
 * Without PostgreSQL the PostgreSQL suites fail loudly (see engines.ts), never skip.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const clusterDir = join(root, '.mvid-test', 'pg');
const urlFile = join(root, '.mvid-test', 'pg-url');
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

export async function globalSetup(): Promise<void> {
  mkdirSync(join(root, '.mvid-test'), { recursive: true });
  rmSync(urlFile, { force: true });
  if (process.env.MVID_TEST_DATABASE_URL) {
    writeFileSync(urlFile, process.env.MVID_TEST_DATABASE_URL);
    return;
  }
  try {
    execFileSync(join(root, 'scripts', 'pg-cluster.sh'), ['stop', clusterDir], { stdio: 'ignore' });
  } catch {}
  rmSync(clusterDir, { recursive: true, force: true });
  try {
    const port = await freePort();
    const url = execFileSync(join(root, 'scripts', 'pg-cluster.sh'), ['start', clusterDir, String(port)], { encoding: 'utf8' }).trim();
    writeFileSync(urlFile, url);
    process.env.MVID_TEST_DATABASE_URL = url;
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
    execFileSync(join(root, 'scripts', 'pg-cluster.sh'), ['stop', clusterDir], { stdio: 'ignore' });
  } catch {}
  rmSync(clusterDir, { recursive: true, force: true });
}
