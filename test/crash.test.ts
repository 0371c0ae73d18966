import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { openStore } from '../src/store/index.ts';
import { createTestDatabase, ENGINES, REPO_ROOT } from './support/engines.ts';

/** Runs the writer, kills it with SIGKILL after `acks` acknowledgements, returns the last acknowledged n. */
async function runAndKill(location: unknown, acks: number): Promise<number> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'test', 'support', 'crash-writer.ts'), JSON.stringify(location)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = -1;
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer produced only ${last + 1} acks in time`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = /^ack (\d+)$/.exec(line);
        if (match) last = Number(match[1]);
        newline = buffer.indexOf('\n');
      }
      if (last + 1 >= acks) {
        child.kill('SIGKILL');
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return last;
}

for (const engine of ENGINES) {
  it(`every acknowledged write survives SIGKILL (${engine})`, async () => {
    const db = await createTestDatabase(engine);
    try {
      const acks = 150 + Math.floor(Math.random() * 100);
      const last = await runAndKill(db.location, acks);
      assert.ok(last >= acks - 1, `writer acknowledged ${last + 1} writes`);
      const store = openStore(db.location);
      try {
        await store.migrate();
        const rows = await store.db.selectFrom('service_meta').select(['key', 'value']).where('key', 'like', 'crash-%').execute();
        const keys = new Set(rows.map((r) => r.key));
        for (let n = 0; n <= last; n++) {
          assert.ok(keys.has(`crash-${n}-a`) && keys.has(`crash-${n}-b`), `acknowledged write ${n} was lost`);
        }
        // Transactions are atomic: no half-written pair survives.
        const values = new Map<string, number>();
        for (const r of rows) values.set(r.value, (values.get(r.value) ?? 0) + 1);
        for (const [value, count] of values) assert.equal(count, 2, `transaction ${value} is torn`);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
}
