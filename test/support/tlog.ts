/** Helpers for transparency-log tests: deterministic entries, a fetch over app.inject, a runtime sharing another's keys. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.ts';
import { ManualClock } from '../../src/core/index.ts';
import { createLogger, startRuntime } from '../../src/server/index.ts';
import type { Engine } from '../../src/store/index.ts';
import { encodeEntry } from '../../src/tlog/index.ts';
import { createTestDatabase } from './engines.ts';
import type { TestRuntime } from './runtime.ts';

/** A valid, distinct log entry for each n (a `request_expired` event). */
export function testEntry(n: number, salt = 0): Uint8Array {
  const id = (salt * 0x1000000 + n).toString(16).padStart(12, '0');
  return encodeEntry({ type: 'request_expired', time: '2026-01-01T00:00:00Z', request: `00000000-0000-4000-8000-${id}` });
}

export function testEntries(from: number, to: number, salt = 0): Uint8Array[] {
  return Array.from({ length: to - from }, (_, i) => testEntry(from + i, salt));
}

/** `fetch` answered by an app in-process (inject), for clients under test. */
export function appFetch(app: () => FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const r = await app().inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      ...(init?.body === undefined ? {} : { payload: Buffer.from(init.body as Uint8Array) }),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers.set(k, String(v));
    return new Response(r.statusCode === 204 ? null : new Uint8Array(r.rawPayload), { status: r.statusCode, headers });
  }) as typeof fetch;
}

/**
 * A runtime on a fresh database whose key directory is a copy of `keysFrom`'s: the same
 * log key and origin, another tree (a log that forks).
 */
export async function startRuntimeWithKeys(engine: Engine, keysFrom: string): Promise<TestRuntime> {
  const database = await createTestDatabase(engine);
  cpSync(join(keysFrom, 'keys'), join(database.dataDir, 'keys'), { recursive: true });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: database.dataDir,
      publicUrl: 'http://mvid.test',
      logLevel: 'silent',
      ...(database.location.engine === 'postgres' ? { databaseUrl: database.location.url } : {}),
    },
  });
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const runtime = await startRuntime(config, { clock, logger: createLogger('silent'), background: false });
  await runtime.app.ready();
  return Object.assign(runtime, {
    clock,
    database,
    async stop() {
      await runtime.close();
      await database.drop();
    },
  });
}
