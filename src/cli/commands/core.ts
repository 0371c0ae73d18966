import type { Command } from 'commander';
import { loadConfig, storeLocationOf } from '../../config/index.ts';
import { initKeyDir, keyDirOf, rotateTokenKey } from '../../keys/index.ts';
import { createLogger, startRuntime } from '../../server/index.ts';
import { openStore } from '../../store/index.ts';
import type { CliIo } from '../io.ts';
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
    .description('create the data dir and its key directory (signing keys, uniqueness secret); never overwrites')
    .action(async () => {
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      const result = initKeyDir(keyDirOf(config.dataDir));
      if (result.created.length === 0) io.out(`key directory ${result.dir} is complete; nothing created`);
      for (const path of result.created) io.out(`created ${path}`);
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

  const keys = program.command('keys').description('manage the service keys in the key directory');
  keys
    .command('rotate')
    .description('add a new active token-signing key; old keys stay published for verification')
    .action(async () => {
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      io.out(`created ${rotateTokenKey(keyDirOf(config.dataDir))}`);
    });

  // Keeps startRuntime/createLogger reachable for commands added by other domains.
  void startRuntime;
  void createLogger;
}
