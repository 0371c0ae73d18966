/**
 * What `mvid serve` keeps out of memory (docs/performance.md, `mvid.rss.idle` and
 * `mvid.rss.load`), checked in fresh processes: the CLI and server import graph loads neither
 * Node's fetch implementation (undici, pulled in by an ES import of node:http) nor the
 * PostgreSQL driver on SQLite, and a sealing worker reuses the compile cache of the thread
 * that started it instead of type-stripping its modules afresh.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './support/engines.ts';

const src = (path: string) => pathToFileURL(join(REPO_ROOT, 'src', path)).href;

it('the CLI and server import graph loads neither undici nor pg', () => {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    await import(${JSON.stringify(src('cli/main.ts'))});
    await import(${JSON.stringify(src('server/index.ts'))});
    console.log(JSON.stringify({
      undici: process.moduleLoadList.filter((m) => m.includes('undici')),
      pg: loaded.filter((url) => /\\/node_modules\\/pg[^/]*\\//.test(url)),
      total: loaded.length,
    }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
  const { undici, pg, total } = JSON.parse(out.trim().split('\n').at(-1) as string) as { undici: string[]; pg: string[]; total: number };
  assert.ok(total > 100, `the hook saw the import graph (${total} modules)`);
  assert.deepEqual(undici, []);
  assert.deepEqual(pg, []);
});

it("a sealing worker uses the starting thread's compile cache: no type stripping once it is warm", () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvid-footprint-'));
  try {
    // In the worker (an --import runs there too): after its first job, is Node's type stripper loaded?
    const probe = `import { isMainThread, parentPort } from 'node:worker_threads'; import { writeFileSync } from 'node:fs';
      if (!isMainThread) parentPort.once('message', () => setTimeout(() => writeFileSync(process.env.PROBE_FILE,
        String(process.moduleLoadList.some((m) => m.includes('amaro')))), 20));`;
    const main = `
      import { enableCompileCache } from 'node:module';
      enableCompileCache(${JSON.stringify(join(dir, 'cache'))});
      const { SealingPool } = await import(${JSON.stringify(src('crypto/seal-pool.ts'))});
      const pool = new SealingPool({ workers: 1 });
      await pool.blindIdentifier('GB:nino', 'ZZ000001');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await pool.close();`;
    // A file, not -e: a worker inherits the process's flags, and --input-type would stop it.
    writeFileSync(join(dir, 'main.mjs'), main);
    const strippedInWorker = (): string => {
      const file = join(dir, `probe-${Math.random()}`);
      execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, join(dir, 'main.mjs')], {
        cwd: REPO_ROOT,
        env: { ...process.env, PROBE_FILE: file },
      });
      return readFileSync(file, 'utf8');
    };
    assert.equal(strippedInWorker(), 'true', 'a cold cache: the worker strips its TypeScript (the probe sees it)');
    assert.equal(strippedInWorker(), 'false', 'a warm cache: the worker strips nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
