/**
 * PostgreSQL for benchmarks: MVID_BENCH_DATABASE_URL when set, else a throw-away DURABLE
 * cluster (fsync and synchronous_commit on) started with scripts/pg-cluster.sh on loopback
 * and stopped at the end of the run. Each suite gets a database of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './process.ts';
import { type PostgresDatabase, Unavailable } from './types.ts';

const run = promisify(execFile);

export interface PostgresServer {
  adminUrl: string;
  version: string;
  durable: boolean;
  /** `cluster` when this run started it, `env` when it came from MVID_BENCH_DATABASE_URL. */
  source: 'cluster' | 'env';
  /** The postmaster's pid when this run started the cluster (its CPU is then not "other work"). */
  pid: number | undefined;
  createDatabase(prefix: string): Promise<PostgresDatabase & { drop(): Promise<void> }>;
  stop(): Promise<void>;
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function describe(url: string): Promise<{ version: string; durable: boolean }> {
  const [row] = await query<{ version: string; fsync: string; sync: string }>(
    url,
    `select current_setting('server_version') as version, current_setting('fsync') as fsync,
            current_setting('synchronous_commit') as sync`,
  );
  if (!row) throw new Error('PostgreSQL did not describe itself');
  return { version: `PostgreSQL ${row.version}`, durable: row.fsync === 'on' && row.sync !== 'off' };
}

function serverOn(
  adminUrl: string,
  facts: { version: string; durable: boolean },
  source: 'cluster' | 'env',
  pid: number | undefined,
  stop: () => Promise<void>,
) {
  const server: PostgresServer = {
    adminUrl,
    ...facts,
    source,
    pid,
    async createDatabase(prefix) {
      const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      await query(adminUrl, `create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        ...facts,
        drop: async () => {
          await query(adminUrl, `drop database if exists ${name} with (force)`);
        },
      };
    },
    stop,
  };
  return server;
}

/** Connects to or starts PostgreSQL; throws `Unavailable` with the reason when neither works. */
export async function startPostgres(repoRoot: string, log: (message: string) => void): Promise<PostgresServer> {
  const given = process.env.MVID_BENCH_DATABASE_URL;
  if (given) {
    try {
      return serverOn(given, await describe(given), 'env', undefined, async () => {});
    } catch (error) {
      throw new Unavailable(`MVID_BENCH_DATABASE_URL does not answer: ${(error as Error).message}`);
    }
  }
  const script = join(repoRoot, 'scripts', 'pg-cluster.sh');
  const dir = mkdtempSync(join(tmpdir(), 'mvid-bench-pg-'));
  const stop = async () => {
    try {
      await run(script, ['stop', dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const port = await freePort();
    log(`starting a durable PostgreSQL cluster on 127.0.0.1:${port} (${dir})`);
    const { stdout } = await run(script, ['start', dir, String(port), 'durable'], { timeout: 120_000 });
    const adminUrl = stdout.trim();
    const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return serverOn(adminUrl, await describe(adminUrl), 'cluster', Number.isInteger(pid) && pid > 0 ? pid : undefined, stop);
  } catch (error) {
    await stop().catch(() => {});
    const detail = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').slice(-3).join(' ');
    throw new Unavailable(`PostgreSQL could not be started: ${detail}`);
  }
}
