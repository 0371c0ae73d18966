/** Worlds API, administration: register, list, inspect and disable worlds (OpenID Connect clients). */
import type { FastifyInstance } from 'fastify';
import type { NewWorld } from '../../worlds/index.ts';
import { ADMIN_SECURITY, requireAdmin } from '../auth.ts';
import { NewWorldBody, RegisteredWorld, World, WorldIdParams, WorldsList } from './worlds-schemas.ts';

const TAG = 'admin';

export async function worldsAdminRoutes(app: FastifyInstance): Promise<void> {
  const { worlds, config } = app.deps;
  const guarded = { onRequest: requireAdmin };
  const issuer = `${config.publicUrl}/oidc`;

  app.post<{ Body: NewWorld }>(
    '/admin/v1/worlds',
    {
      ...guarded,
      bodyLimit: 128 * 1024,
      schema: {
        summary: 'Register a world',
        description:
          'Name, redirect URIs (one host), links, community rules, declared purpose and the exact claims it may request. With `jwks` the world authenticates with private_key_jwt (preferred); otherwise a client secret is returned once.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: NewWorldBody,
        response: { 201: RegisteredWorld },
      },
    },
    async (request, reply) => {
      const registered = await worlds.registry.add(request.body);
      request.log.info({ world: registered.clientId, name: registered.world.name, admin: request.admin?.name }, 'world registered');
      return reply.code(201).send({ ...registered, issuer });
    },
  );

  app.get(
    '/admin/v1/worlds',
    { ...guarded, schema: { summary: 'List worlds', tags: [TAG], security: ADMIN_SECURITY, response: { 200: WorldsList } } },
    async () => ({
      worlds: await worlds.registry.list(),
    }),
  );

  app.get<{ Params: { worldId: string } }>(
    '/admin/v1/worlds/:worldId',
    {
      ...guarded,
      schema: { summary: 'Show a world', tags: [TAG], security: ADMIN_SECURITY, params: WorldIdParams, response: { 200: World } },
    },
    async (request) => worlds.registry.require(request.params.worldId),
  );

  app.delete<{ Params: { worldId: string } }>(
    '/admin/v1/worlds/:worldId',
    {
      ...guarded,
      schema: {
        summary: 'Disable a world',
        description: 'It can no longer sign anyone in or obtain tokens; what it already received stays listed for the persons.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        params: WorldIdParams,
        response: { 200: World },
      },
    },
    async (request) => {
      const world = await worlds.registry.disable(request.params.worldId);
      request.log.info({ world: world.id, admin: request.admin?.name }, 'world disabled');
      return world;
    },
  );
}
