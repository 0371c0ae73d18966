/** Worlds API, administration: register, list, inspect, set the pseudonym kind of and disable worlds (OpenID Connect clients). */
import type { FastifyInstance } from 'fastify';
import type { NewWorld, WorldPseudonymKind } from '../../worlds/index.ts';
import { ADMIN_SECURITY, requireAdmin } from '../auth.ts';
import { NewWorldBody, RegisteredWorld, World, WorldIdParams, WorldPseudonymsBody, WorldsList } from './worlds-schemas.ts';

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
          'Name, redirect URIs (one host), links, community rules, declared purpose and the exact claims it may request. With `jwks` the world authenticates with private_key_jwt (preferred); otherwise a client secret is returned once. `pseudonyms` says which pseudonym the world knows its users by (`oidc` unless given).',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: NewWorldBody,
        response: { 201: RegisteredWorld },
      },
    },
    async (request, reply) => {
      const registered = await worlds.registry.add(request.body);
      request.log.info(
        { world: registered.clientId, name: registered.world.name, pseudonyms: registered.world.pseudonyms, admin: request.admin?.name },
        'world registered',
      );
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

  app.put<{ Params: { worldId: string }; Body: { pseudonyms: WorldPseudonymKind } }>(
    '/admin/v1/worlds/:worldId/pseudonyms',
    {
      ...guarded,
      schema: {
        summary: 'Set which pseudonym a world knows its users by',
        description:
          'From now on moderation names persons to the world by this kind: its OIDC `sub` (`oidc`) or its blind sign-in pseudonym (`blind`). Both kinds keep resolving as input. A change is logged with the previous kind.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        params: WorldIdParams,
        body: WorldPseudonymsBody,
        response: { 200: World },
      },
    },
    async (request) => {
      const { world, previous } = await worlds.registry.setPseudonyms(request.params.worldId, request.body.pseudonyms);
      if (previous !== world.pseudonyms)
        request.log.info(
          { world: world.id, pseudonyms: world.pseudonyms, previous, admin: request.admin?.name },
          'world pseudonyms changed',
        );
      return world;
    },
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
