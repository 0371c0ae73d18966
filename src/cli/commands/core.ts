import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, loadConfig, storeLocationOf } from '../../config/index.ts';
import { systemClock, systemRandom } from '../../core/index.ts';
import {
  type EstablishedKeys,
  exportServiceKeys,
  importServiceKeys,
  keyDirOf,
  MAX_ACTIVATE_AFTER_SECONDS,
  parseKeyEncryptionKey,
  parseKeyExport,
  resealServiceKeys,
  rotateServiceTokenKey,
  rotationNotice,
  type ServiceKeyOptions,
} from '../../keys/index.ts';
import { createLogger, openServiceKeys, serviceKeyOptions, startRuntime } from '../../server/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { readJsonFile, readSecretFile } from './registry-context.ts';
import { serve } from './serve.ts';

export function registerCoreCommands(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('start the mvid server (initialises a fresh data dir automatically)')
    .option('-p, --port <port>', 'port to listen on (MVID_PORT)', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'address to bind (MVID_HOST)')
    .action(async (options: { port?: number; host?: string }) => {
      const overrides: Record<string, unknown> = {};
      if (options.port !== undefined) overrides.port = options.port;
      if (options.host !== undefined) overrides.host = options.host;
      const config = loadConfig({ env: io.env, cwd: io.cwd, overrides });
      await serve(config, io);
    });

  program
    .command('init')
    .description(
      "create the data dir and the deployment's keys (in the key directory, or sealed in the database under MVID_KEY_ENCRYPTION_KEY); never overwrites",
    )
    .action(async () => {
      await withKeys(io, true, async ({ established }) => {
        if (established.created.length === 0) io.out(`the deployment's keys are complete (${whereOf(established)}); nothing created`);
        for (const name of established.created) io.out(`created ${name} (${whereOf(established)})`);
      });
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      const store = openStore(storeLocationOf(config));
      try {
        const report = await store.migrate();
        io.out(
          report.applied.length === 0
            ? `${store.engine}: schema is up to date (${report.total} migrations)`
            : `${store.engine}: applied ${report.applied.join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });

  const keys = program.command('keys').description("manage the deployment's service keys (see docs/deploy.md)");
  keys
    .command('rotate')
    .description('add a token-signing key for every node (published after its restart, signing once active); old keys stay published')
    .option('--activate-after <seconds>', 'publish now, sign only in nodes started this much later (a cluster: restart all twice)', '0')
    .action(async (o: { activateAfter: string }) => {
      const seconds = Number(o.activateAfter);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_ACTIVATE_AFTER_SECONDS)
        throw new UsageError(`--activate-after must be 0..${MAX_ACTIVATE_AFTER_SECONDS} seconds`);
      await withKeys(io, false, async ({ options }) => {
        io.out(rotationNotice(await rotateServiceTokenKey(options, seconds), seconds));
      });
    });
  keys
    .command('reseal')
    .description('seal the deployment’s keys under a new key-encryption key (then give every node the new one)')
    .requiredOption('--new-key-file <file>', 'a file holding the new KEK (32 random bytes, base64/base64url/hex)')
    .action(async (o: { newKeyFile: string }) => {
      const newKek = parseKeyEncryptionKey(readSecretFile(io, o.newKeyFile), `--new-key-file ${o.newKeyFile}`);
      await withKeys(io, false, async ({ options }) => {
        const count = await resealServiceKeys(options, newKek);
        io.out(`sealed ${count} keys under the new key-encryption key; give every node the new one before it next starts`);
      });
    });
  keys
    .command('export')
    .description('write every key of the deployment to a new file (0600): it IS the keys, keep it like them')
    .requiredOption('--out <file>', 'the file to create (never overwritten)')
    .action(async (o: { out: string }) => {
      await withKeys(io, false, async ({ options }) => {
        const path = resolve(io.cwd, o.out);
        const doc = await exportServiceKeys(options);
        try {
          writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        } catch (error) {
          throw new UsageError(`cannot create ${o.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        io.out(`exported ${Object.keys(doc.keys).length} keys to ${path}`);
      });
    });
  keys
    .command('import')
    .description('install exported keys on this node (key directory) or in a deployment without keys; refuses keys that differ')
    .argument('<file>', 'a file written by `mvid keys export`')
    .action(async (file: string) => {
      const materials = parseKeyExport(readJsonFile(io, file, 'key export'));
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      await withStore(config, async (store) => {
        const { written } = await importServiceKeys(serviceKeyOptions(config, store, systemClock, systemRandom), materials);
        io.out(
          written.length === 0 ? 'imported; nothing new to write' : `imported ${written.length} keys into ${keyDirOf(config.dataDir)}`,
        );
      });
    });

  // Keeps startRuntime/createLogger reachable for commands added by other domains.
  void startRuntime;
  void createLogger;
}

/** Opens (and migrates) the configured database, runs `work`, closes. */
async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(storeLocationOf(config));
  try {
    await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Runs `work` with the deployment's keys (created first when `create`). */
async function withKeys(
  io: CliIo,
  create: boolean,
  work: (ctx: { established: EstablishedKeys; options: ServiceKeyOptions }) => Promise<void>,
): Promise<void> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  await withStore(config, async (store) => {
    const established = await openServiceKeys(config, store, { clock: systemClock, random: systemRandom, create });
    await work({ established, options: serviceKeyOptions(config, store, systemClock, systemRandom) });
  });
}

function whereOf(established: EstablishedKeys): string {
  return established.source === 'database' ? 'sealed in the database' : 'key directory and database fingerprints';
}
