/**
 * `mvid demo` (`npm run demo`): the Tom story (src/cli/demo/story.ts) against a real,
 * listening mvid — by default one started here on a fresh temporary data dir, seeded as
 * `npm start` seeds (its clock can be moved, so the notification delay passes); with
 * `--url`, a development mvid already running, whose demo material is read from
 * `--data-dir` (default: the configured data dir). Exits 1 when a step misbehaves.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { ManualClock, systemClock } from '../../core/index.ts';
import { initKeyDir, keyDirOf, loadKeys } from '../../keys/index.ts';
import { createLogger, readDemoMaterial, seedDemo, silenceMlDsaExperimentalWarning, startRuntime } from '../../server/index.ts';
import { cosigner, createWitness, ed25519Signer, fileWitnessStore, logOriginOf } from '../../tlog/index.ts';
import { tellTheStory } from '../demo/story.ts';
import type { CliIo } from '../io.ts';
import { listenWitness } from './witness.ts';

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

/**
 * A tlog-witness of the demo's log, listening on loopback: it cosigns every checkpoint that
 * is consistent with the last it saw, and the server serves only cosigned checkpoints.
 */
async function startWitness(dataDir: string, publicUrl: string) {
  const origin = logOriginOf(publicUrl);
  const logKey = ed25519Signer(origin, loadKeys(keyDirOf(dataDir)).logSigning.seed).verifier;
  const key = cosigner('witness.demo.example/w1', randomBytes(32), systemClock);
  const service = createWitness({ cosigner: key, logs: [{ origin, verifier: logKey }], store: fileWitnessStore(join(dataDir, 'witness')) });
  const { url, server } = await listenWitness(service, '127.0.0.1', 0, () => {});
  return { url, vkey: key.verifier.vkey, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function embedded(io: CliIo, keep: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mvid-demo-'));
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  initKeyDir(keyDirOf(dataDir));
  const witness = await startWitness(dataDir, publicUrl);
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      host: '127.0.0.1',
      port,
      publicUrl,
      logWitnesses: [{ url: witness.url, vkey: witness.vkey }],
      logWitnessThreshold: 1,
      logLevel: 'silent',
      mode: 'development',
      demoSeed: true,
      sweepIntervalSeconds: 0,
      logIntegrateIntervalMs: 50,
    },
  });
  const rt = await startRuntime(config, { clock, logger: createLogger('silent') }).catch(async (error: unknown) => {
    await witness.close();
    throw error;
  });
  try {
    await seedDemo(rt);
    await rt.app.listen({ host: config.host, port });
    io.out(`0. A fresh mvid listens on ${config.publicUrl} (data dir ${dataDir}, ${rt.store.engine}), seeded as npm start seeds it:`);
    io.out('   the example world, a demo trustee set (3 of 5), a demo authority and an administrator;');
    io.out(`   a witness (${witness.vkey.split('+')[0]}) cosigns every checkpoint of its log before it is served.`);
    await tellTheStory({
      url: config.publicUrl,
      material: readDemoMaterial(dataDir),
      keyDir: keyDirOf(dataDir),
      clock,
      witnesses: { vkeys: [witness.vkey], threshold: 1 },
      out: (line) => io.out(line),
    });
    io.out('The story is told: every step behaved as narrated.');
  } finally {
    await rt.close();
    await witness.close();
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
