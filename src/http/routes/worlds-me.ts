/** Worlds API for the person: the worlds they use and consent, handles, and passkeys. */
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { WorldClaim } from '../../worlds/index.ts';
import { PERSON_SECURITY } from '../auth.ts';
import { WORLDS_PERSON_GUARD, worldsPersonOf } from './worlds-person.ts';
import { HandleBody, HandleResponse, PasskeyList, Passkey, PersonWorlds, RevokeQuery, WorldIdParams } from './worlds-schemas.ts';
import { OpenJson } from '../openapi.ts';

const TAG = 'worlds';
const PasskeyParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 1400 } }, required: ['id'] } as const;

export async function worldsMeRoutes(app: FastifyInstance): Promise<void> {
  const { worlds } = app.deps;
  const guarded = WORLDS_PERSON_GUARD;

  app.get(
    '/worlds/v1/me/worlds',
    {
      ...guarded,
      schema: {
        summary: 'The worlds you use',
        description: 'Each world you signed in to: the claims you consented to, the claims it received, and when.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: PersonWorlds },
      },
    },
    async (request) => ({ worlds: await worlds.worldsOf(worldsPersonOf(request).personId) }),
  );

  app.delete<{ Params: { worldId: string }; Querystring: { claim?: WorldClaim } }>(
    '/worlds/v1/me/worlds/:worldId',
    {
      ...guarded,
      schema: {
        summary: 'Withdraw consent',
        description:
          'Revokes the grant and every token of this world (or, with `claim`, stops releasing that claim). The world must ask again.',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: WorldIdParams,
        querystring: RevokeQuery,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await worlds.revokeConsent(worldsPersonOf(request).personId, request.params.worldId, request.query.claim);
      return reply.code(204).send();
    },
  );

  app.put<{ Params: { worldId: string }; Body: { handle: string } }>(
    '/worlds/v1/me/worlds/:worldId/handle',
    {
      ...guarded,
      schema: {
        summary: 'Claim your handle in a world',
        description: 'Unique in the world by confusable skeleton (UTS #39); one script; 3–32 characters; reserved names refused.',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: WorldIdParams,
        body: HandleBody,
        response: { 200: HandleResponse },
      },
    },
    async (request) => {
      const world = await worlds.enabledWorld(request.params.worldId);
      return { worldId: world.id, handle: await worlds.handles.claim(world.id, worldsPersonOf(request).personId, request.body.handle) };
    },
  );

  app.get(
    '/worlds/v1/me/passkeys',
    { ...guarded, schema: { summary: 'Your passkeys', tags: [TAG], security: PERSON_SECURITY, response: { 200: PasskeyList } } },
    async (request) => ({
      passkeys: await worlds.passkeys.list(worldsPersonOf(request).personId),
    }),
  );

  app.post(
    '/worlds/v1/me/passkeys/options',
    {
      config: { abuse: 'mint' },
      ...guarded,
      schema: {
        summary: 'Start adding a passkey',
        description: 'WebAuthn creation options (JSON) for `navigator.credentials.create()`; the challenge is single use, 5 minutes.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: OpenJson('PublicKeyCredentialCreationOptionsJSON') },
      },
    },
    async (request) => worlds.passkeys.registrationOptions(worldsPersonOf(request).personId),
  );

  app.post<{ Querystring: { name?: string } }>(
    '/worlds/v1/me/passkeys',
    {
      ...guarded,
      bodyLimit: 64 * 1024,
      schema: {
        summary: 'Add a passkey',
        description: "The `RegistrationResponseJSON` (credential.toJSON()) answering the options' challenge.",
        tags: [TAG],
        security: PERSON_SECURITY,
        querystring: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
          additionalProperties: false,
        },
        response: { 201: Passkey },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'object' || request.body === null)
        throw new MvidError('passkey_invalid', 'a WebAuthn registration response is required');
      // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is checked by the verifier
      const passkey = await worlds.passkeys.register(worldsPersonOf(request).personId, request.body as any, request.query.name);
      return reply.code(201).send(passkey);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/worlds/v1/me/passkeys/:id',
    {
      ...guarded,
      schema: {
        summary: 'Remove a passkey',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: PasskeyParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      if (!(await worlds.passkeys.remove(worldsPersonOf(request).personId, request.params.id)))
        throw new MvidError('not_found', 'no such passkey');
      return reply.code(204).send();
    },
  );
}
