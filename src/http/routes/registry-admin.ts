/** Registry API, administration: proofing issuers and trustee sets (creation is CLI-only: shares must not cross HTTP). */
import type { FastifyInstance } from 'fastify';
import type { NewIssuer } from '../../registry/index.ts';
import { ADMIN_SECURITY, requireAdmin } from '../auth.ts';
import { IdParams, Issuer, IssuersResponse, NewIssuerBody, TrusteeSetsResponse } from './registry-schemas.ts';

const TAG = 'admin';

export async function registryAdminRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.deps;
  const guarded = { onRequest: requireAdmin };

  app.get(
    '/admin/v1/issuers',
    { ...guarded, schema: { summary: 'List proofing issuers', tags: [TAG], security: ADMIN_SECURITY, response: { 200: IssuersResponse } } },
    async () => ({ issuers: await registry.issuers.list() }),
  );

  app.post<{ Body: NewIssuer }>(
    '/admin/v1/issuers',
    {
      ...guarded,
      bodyLimit: 64 * 1024,
      schema: {
        summary: 'Register a proofing issuer',
        description: 'Its public JWKS, the PID claims it attests (default: all) and the identifier namespaces it may attest (`*` for any).',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: NewIssuerBody,
        response: { 201: Issuer },
      },
    },
    async (request, reply) => {
      const issuer = await registry.issuers.add(request.body);
      request.log.info({ issuer: issuer.id, name: issuer.name, admin: request.admin?.name }, 'issuer registered');
      return reply.code(201).send(issuer);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/v1/issuers/:id',
    {
      ...guarded,
      schema: {
        summary: 'Disable a proofing issuer',
        description: 'Its PIDs are refused from now on; people it proofed stay enrolled.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        params: IdParams,
        response: { 200: Issuer },
      },
    },
    async (request) => {
      const issuer = await registry.issuers.disable(request.params.id);
      request.log.info({ issuer: issuer.id, admin: request.admin?.name }, 'issuer disabled');
      return issuer;
    },
  );

  app.get(
    '/admin/v1/trustee-sets',
    {
      ...guarded,
      schema: {
        summary: 'Every trustee set ever published (active first)',
        tags: [TAG],
        security: ADMIN_SECURITY,
        response: { 200: TrusteeSetsResponse },
      },
    },
    async () => {
      const sets = await registry.trusteeSets.list();
      return { trusteeSets: [...sets.filter((s) => s.status === 'active'), ...sets.filter((s) => s.status !== 'active')] };
    },
  );
}
