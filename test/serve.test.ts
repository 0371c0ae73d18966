/**
 * `mvid serve` as a real process: starts on a fresh data dir (initialising it) with the
 * server's V8 heap bounds and malloc arenas, answers /readyz on each engine, and shuts down gracefully on SIGTERM.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { startListening } from './support/cli.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/engines.ts';

type Served = Awaited<ReturnType<typeof startListening>>;

/** Starts `bin/mvid.js serve` on `db` (log level warn, any port). */
function serve(db: TestDatabase, extraEnv: Record<string, string> = {}): Promise<Served> {
  const env: Record<string, string> = { MVID_DATA_DIR: db.dataDir, MVID_PORT: '0', MVID_LOG_LEVEL: 'warn', ...extraEnv };
  if (db.location.engine === 'postgres') env.MVID_DATABASE_URL = db.location.url;
  return startListening(['serve'], env);
}

/** The server's command line, read from /proc (execve keeps the pid). */
const argvOf = (pid: number | undefined): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
/** One variable of the server's environment, read from /proc. */
const envOf = (pid: number | undefined, name: string): string | undefined =>
  readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((entry) => entry.startsWith(`${name}=`))
    ?.slice(name.length + 1);

for (const engine of ENGINES) {
  it(`serve answers /readyz on ${engine} and stops on SIGTERM`, async () => {
    const db = await createTestDatabase(engine);
    let served: Served | undefined;
    try {
      served = await serve(db);
      const { child, url, stderr } = served;
      assert.match(stderr(), /initialised a fresh data dir/);
      if (process.platform === 'linux') {
        const argv = argvOf(child.pid);
        assert.ok(argv.includes('--max-semi-space-size=8') && argv.includes('--max-old-space-size=1024'), argv.join(' '));
        // Two malloc arenas, unless the environment the test runs in chose its own.
        assert.equal(envOf(child.pid, 'MALLOC_ARENA_MAX'), process.env.MALLOC_ARENA_MAX ?? '2');
      }
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', engine });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
      await db.drop();
    }
  });
}

it('serve leaves a heap flag the operator set (in NODE_OPTIONS, either spelling) and their malloc arenas alone', {
  skip: process.platform !== 'linux',
}, async () => {
  const db = await createTestDatabase('sqlite');
  let served: Served | undefined;
  try {
    served = await serve(db, { NODE_OPTIONS: '--max_old_space_size=300', MALLOC_ARENA_MAX: '4' });
    const argv = argvOf(served.child.pid);
    assert.equal(envOf(served.child.pid, 'MALLOC_ARENA_MAX'), '4');
    assert.ok(argv.includes('--max-semi-space-size=8'), argv.join(' '));
    assert.ok(!argv.some((a) => a.startsWith('--max-old-space-size')), argv.join(' '));
  } finally {
    served?.child.kill('SIGKILL');
    await db.drop();
  }
});
