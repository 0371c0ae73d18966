/**
 * The public transparency page and its downloads (/transparency, /transparency.json,
 * /transparency.csv), the operator console's page (/admin; it calls the admin API with the
 * token given in the page), and the browser bundles the pages load from 'self'
 * (/assets/<name>.js).
 */
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import {
  newNonce,
  renderOperatorConsole,
  renderTransparencyReport,
  type TransparencyPageInput,
  transparencyCsv,
  webAsset,
} from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';

/** Days of log growth the page charts. */
const SIZE_HISTORY_DAYS = 90;

export async function transparencyRoutes(app: FastifyInstance): Promise<void> {
  const { log, clock } = app.deps;

  async function snapshot(): Promise<Omit<TransparencyPageInput, 'nonce' | 't'>> {
    const [checkpoint, history, disclosure, moderation] = await Promise.all([
      log.checkpoint(),
      log.sizeByDay(SIZE_HISTORY_DAYS),
      app.deps.disclosure?.transparencyReport() ?? null,
      app.deps.moderation?.moderation.allStatistics() ?? null,
    ]);
    return {
      generatedAt: clock.now().toISOString(),
      log:
        checkpoint === null
          ? null
          : {
              checkpoint: checkpoint.cosignedNote ?? checkpoint.note,
              size: Number(checkpoint.size),
              signedAt: checkpoint.signedAt,
              cosignatures: checkpoint.cosignatures,
              vkey: log.verifier.vkey,
              sizeByDay: history.map((d) => ({ day: d.day, size: Number(d.size) })),
            },
      disclosure,
      moderation,
    };
  }

  app.get('/transparency', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    return sendPage(reply, renderTransparencyReport({ t: pageTranslator(request, reply), nonce, ...(await snapshot()) }), nonce, {
      cache: 'public, max-age=60',
    });
  });

  app.get('/transparency.json', { schema: { hide: true } }, async (_request, reply) => {
    return reply
      .header('cache-control', 'public, max-age=60')
      .header('content-disposition', 'attachment; filename="mvid-transparency.json"')
      .send(await snapshot());
  });

  app.get('/transparency.csv', { schema: { hide: true } }, async (_request, reply) => {
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .header('content-disposition', 'attachment; filename="mvid-transparency.csv"')
      .send(transparencyCsv(await snapshot()));
  });

  app.get('/admin', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    return sendPage(reply, renderOperatorConsole({ t: pageTranslator(request, reply), nonce }), nonce, { cache: 'no-store' });
  });

  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = webAsset(request.params.name);
    if (asset === null) throw new MvidError('not_found', `there is no asset ${request.params.name}`);
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('etag', `"${asset.version}"`)
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  });
}
