import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { newNonce, renderHome } from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The front page: where people, worlds and auditors go next. */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  const { config, store, log } = app.deps;
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    let logSize: number | undefined;
    try {
      logSize = Number(await log.size());
    } catch {
      logSize = undefined;
    }
    const body = renderHome({
      t: pageTranslator(request, reply),
      nonce,
      publicUrl: config.publicUrl,
      engine: store.engine,
      logSize,
      version: VERSION,
    });
    return sendPage(reply, body, nonce, { cache: 'public, max-age=60' });
  });
}
