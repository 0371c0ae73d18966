import { join, relative } from 'node:path';
import type { Config } from '../../config/index.ts';
import { releaseMemory } from '../../core/index.ts';
import {
  EXAMPLE_WORLD_URL,
  type Runtime,
  refuseDemoMaterial,
  type SeedResult,
  seedDemo,
  silenceMlDsaExperimentalWarning,
  startRuntime,
} from '../../server/index.ts';
import type { CliIo } from '../io.ts';

/** Where to go next on a development server: the pages that exist and the example world. */
function printDemoUrls(io: CliIo, config: Config, seeded: SeedResult): void {
  const base = config.publicUrl;
  const file = join(seeded.dir, 'example-world.json');
  const world = relative(io.cwd, file).startsWith('..') ? file : relative(io.cwd, file);
  for (const what of seeded.created) io.err(`mvid: seeded ${what}`);
  for (const warning of seeded.warnings) io.err(`mvid: demo seed: ${warning}`);
  io.err(
    [
      `mvid: development mode — a demo system; its secrets are in ${seeded.dir} (demo only, never for production)`,
      `  front page          ${base}/`,
      `  enrol (browser)     ${base}/account/enrol   (a development PID, then your first passkey)`,
      `  your account        ${base}/account`,
      `  trustee console     ${base}/disclosure/trustee`,
      `  transparency report ${base}/transparency`,
      `  public log          ${base}/log/checkpoint   (verify: mvid log verify --url ${base})`,
      `  example world       ${EXAMPLE_WORLD_URL}   (start it: WORLD_CREDENTIALS=${world} npm run world)`,
    ].join('\n'),
  );
}

/** Production refuses demo material; development seeds what is missing. Closes the runtime on failure. */
async function prepare(runtime: Runtime): Promise<SeedResult | undefined> {
  try {
    await refuseDemoMaterial(runtime.config, runtime.registry);
    return await seedDemo(runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/**
 * Runs the server until SIGTERM/SIGINT, then shuts down gracefully: stop accepting,
 * let in-flight requests finish (bounded by the grace period), close the database.
 */
export async function serve(config: Config, io: CliIo): Promise<void> {
  silenceMlDsaExperimentalWarning();
  const runtime = await startRuntime(config);
  const { app, logger } = runtime;
  if (runtime.initialised) io.err(`mvid: initialised a fresh data dir at ${config.dataDir}`);
  const seeded = await prepare(runtime);
  // Start-up is over: give back what it left committed (src/core/memory.ts).
  releaseMemory();
  await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  io.err(`mvid: listening on http://${config.host}:${port} (public URL ${config.publicUrl}, ${runtime.store.engine})`);
  if (seeded) printDemoUrls(io, config, seeded);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error('shutdown grace period over; exiting');
        process.exit(1);
      }, config.shutdownGraceSeconds * 1000);
      force.unref();
      runtime
        .close()
        .catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'))
        .finally(() => {
          clearTimeout(force);
          resolve();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
