/**
 * `mvid serve` as a real process: starts on a fresh data dir (initialising it) with the
 * server's V8 heap bounds, answers /readyz on each engine, and shuts down gracefully on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createTestDatabase, ENGINES, REPO_ROOT } from './support/engines.ts';

for (const engine of ENGINES) {
  it(`serve answers /readyz on ${engine} and stops on SIGTERM`, async () => {
    const db = await createTestDatabase(engine);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      MVID_DATA_DIR: db.dataDir,
      MVID_PORT: '0',
      MVID_LOG_LEVEL: 'warn',
    };
    if (db.location.engine === 'postgres') env.MVID_DATABASE_URL = db.location.url;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'mvid.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 30_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      assert.match(stderr, /initialised a fresh data dir/);
      if (process.platform === 'linux') {
        // The same process (execve keeps the pid) now runs with the server's heap bounds.
        const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
        assert.ok(argv.includes('--max-semi-space-size=8') && argv.includes('--max-old-space-size=1024'), argv.join(' '));
      }
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', engine });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.drop();
    }
  });
}
