/**
 * The tag service's own HTTP surface (`mvid tag-service`), separate from the main app:
 * it shares no process, database or key directory with the enrolment server.
 *   GET  /tag/v1/key       its public key and evaluation count (public, for monitors)
 *   POST /tag/v1/evaluate  one blinded element → evaluated element, DLEQ proof, count (client token)
 */
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { MvidError } from '../core/index.ts';
import type { TagService } from '../tagservice/index.ts';
import { credentialOf } from './auth.ts';
import { classifyError, sendProblem } from './problem.ts';

const EvaluateBody = Type.Object({ blinded: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export function createTagServiceApp(service: TagService, options: { publicUrl: string; logger?: boolean }): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 4096 });
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, options.publicUrl, classifyError(error)));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, options.publicUrl, { code: 'not_found', status: 404, detail: `no route ${request.url}`, extensions: {} }),
  );
  app.get('/tag/v1/key', async () => service.status());
  app.post<{ Body: { blinded: string } }>('/tag/v1/evaluate', { schema: { body: EvaluateBody } }, async (request) => {
    if (!service.authorized(credentialOf(request))) throw new MvidError('unauthenticated', 'the tag service client token is required');
    return service.evaluate(request.body.blinded);
  });
  return app;
}
