/**
 * `mvid demo` (`npm run demo`): the Tom story (src/cli/demo/story.ts) against a real,
 * listening mvid — by default one started here on a fresh temporary data dir, seeded as
 * `npm start` seeds (its clock can be moved, so the notification delay passes); with
 * `--url`, a development mvid already running, whose demo material is read from
 * `--data-dir` (default: the configured data dir). Exits 1 when a step misbehaves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { ManualClock } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import { createLogger, readDemoMaterial, seedDemo, silenceMlDsaExperimentalWarning, startRuntime } from '../../server/index.ts';
import { tellTheStory } from '../demo/story.ts';
import type { CliIo } from '../io.ts';

/** A loopback port free right now (the server's public URL must name its port before it starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function embedded(io: CliIo, keep: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mvid-demo-'));
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const port = await freePort();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      logLevel: 'silent',
      mode: 'development',
      demoSeed: true,
      sweepIntervalSeconds: 0,
      logIntegrateIntervalMs: 50,
    },
  });
  const rt = await startRuntime(config, { clock, logger: createLogger('silent') });
  try {
    await seedDemo(rt);
    await rt.app.listen({ host: config.host, port });
    io.out(`0. A fresh mvid listens on ${config.publicUrl} (data dir ${dataDir}, ${rt.store.engine}), seeded as npm start seeds it:`);
    io.out('   the example world, a demo trustee set (3 of 5), a demo authority and an administrator.');
    await tellTheStory({
      url: config.publicUrl,
      material: readDemoMaterial(dataDir),
      keyDir: keyDirOf(dataDir),
      clock,
      out: (line) => io.out(line),
    });
    io.out('The story is told: every step behaved as narrated.');
  } finally {
    await rt.close();
    if (keep) io.err(`mvid: kept the demo data dir ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

async function remote(io: CliIo, url: string, dataDir: string | undefined): Promise<void> {
  const config = loadConfig({ env: io.env, cwd: io.cwd, ...(dataDir === undefined ? {} : { overrides: { dataDir } }) });
  const base = url.replace(/\/+$/, '');
  io.out(`0. The story against ${base}, with the demo material of ${config.dataDir} (as npm start seeded it).`);
  await tellTheStory({
    url: base,
    material: readDemoMaterial(config.dataDir),
    keyDir: keyDirOf(config.dataDir),
    out: (line) => io.out(line),
  });
  io.out('The story is told: every step behaved as narrated.');
}

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('tell the whole story — enrolment, sign-in, lawful disclosure — against a real mvid, step by step')
    .option('--url <url>', 'a running development mvid (default: start one on a temporary data dir)')
    .option('--data-dir <dir>', 'with --url: the data dir that server seeded (default MVID_DATA_DIR or ./data)')
    .option('--keep', 'keep the temporary data directory')
    .action(async (o: { url?: string; dataDir?: string; keep?: boolean }) => {
      silenceMlDsaExperimentalWarning();
      if (o.url === undefined) await embedded(io, o.keep === true);
      else await remote(io, o.url, o.dataDir);
    });
}
