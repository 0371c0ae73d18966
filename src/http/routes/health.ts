import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, MvidError } from '../../core/index.ts';
import { credentialOf, requireAdmin } from '../auth.ts';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({ status: Type.Literal('ready'), engine: Type.String() });

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['operations'], response: { 200: Health } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    {
      schema: { summary: 'The database is reachable and migrated', tags: ['operations'], response: { 200: Ready } },
    },
    async () => {
      const { store } = app.deps;
      if (!store.migrated) throw new MvidError('service_unavailable', 'migrations have not completed');
      try {
        await store.ping();
      } catch (error) {
        throw new MvidError('service_unavailable', 'the database is not reachable', { cause: error, expose: true });
      }
      return { status: 'ready' as const, engine: store.engine };
    },
  );

  // Live per-route activity is operational data: an administrator token or the scraper's configured token.
  app.get('/metrics', { schema: { hide: true }, onRequest: requireMetricsReader }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(app.metrics.render());
  });
}

async function requireMetricsReader(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const configured = request.server.deps.config.metricsToken;
  const token = credentialOf(request);
  const encode = (text: string) => new TextEncoder().encode(text);
  if (configured !== undefined && token !== undefined && constantTimeEqual(encode(token), encode(configured))) return;
  await requireAdmin(request, reply);
}
