import type { Config } from '../../config/index.ts';
import { startRuntime } from '../../server/index.ts';
import type { CliIo } from '../io.ts';

/**
 * Runs the server until SIGTERM/SIGINT, then shuts down gracefully: stop accepting,
 * let in-flight requests finish (bounded by the grace period), close the database.
 */
export async function serve(config: Config, io: CliIo): Promise<void> {
  const runtime = await startRuntime(config);
  const { app, logger } = runtime;
  if (runtime.initialised) io.err(`mvid: initialised a fresh data dir at ${config.dataDir}`);
  await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  io.err(`mvid: listening on http://${config.host}:${port} (public URL ${config.publicUrl}, ${runtime.store.engine})`);

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
