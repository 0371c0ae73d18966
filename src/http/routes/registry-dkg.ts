/**
 * Dealerless key ceremonies over HTTP: an administrator opens one; each trustee's
 * `mvid trustee dkg` posts its signed messages with its ceremony token and reads the
 * others'. Everything here is public except who may post: shares are sealed to their
 * recipient before they reach the server.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../../core/index.ts';
import type { DkgRound } from '../../crypto/index.ts';
import { ADMIN_SECURITY, credentialOf, requireAdmin } from '../auth.ts';
import { OpenJson } from '../openapi.ts';

const TAG = 'key ceremony';
const Round = Type.Union(['announce', 'commit', 'shares', 'complaints', 'result'].map((r) => Type.Literal(r)));
const CeremonyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const MessageParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), round: Round }, { additionalProperties: false });
const NewCeremonyBody = Type.Object(
  {
    threshold: Type.Integer({ minimum: 1, maximum: 255 }),
    trustees: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 2, maxItems: 255 }),
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const NewReshareBody = Type.Object(
  {
    fromSetId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'The set whose escrow key is reshared (default: the active set).' }),
    ),
    threshold: Type.Integer({ minimum: 1, maximum: 255 }),
    trustees: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 255 }),
    dealers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: 255,
        description: 'The old trustees who re-deal (default: all); at least the old threshold.',
      }),
    ),
  },
  { additionalProperties: false },
);
const Message = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
  description: 'A signed round message (see src/crypto/dkg.ts).',
});
const TRUSTEE_SECURITY = [{ dkgBearer: [] }];

declare module 'fastify' {
  interface FastifyRequest {
    /** The index of the trustee whose ceremony token this request carried (`requireCeremonyTrustee`). */
    dkgTrustee?: number;
  }
}

export async function registryDkgRoutes(app: FastifyInstance): Promise<void> {
  const { dkg } = app.deps.registry;

  /** onRequest (before any body is read): a ceremony token of the path's ceremony; sets `request.dkgTrustee`. */
  async function requireCeremonyTrustee(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = credentialOf(request);
    const { id } = request.params as { id: string };
    const index = token === undefined ? undefined : await dkg.authenticate(id, token);
    if (index === undefined) {
      reply.header('www-authenticate', 'Bearer realm="mvid-dkg"');
      throw new MvidError('unauthenticated', 'a valid ceremony token for this ceremony is required');
    }
    request.dkgTrustee = index;
  }
  const trusteeOf = (request: FastifyRequest): number => {
    if (request.dkgTrustee === undefined) throw new TypeError('trusteeOf used on a route without requireCeremonyTrustee');
    return request.dkgTrustee;
  };

  app.post<{ Body: { threshold: number; trustees: string[]; replace?: boolean } }>(
    '/admin/v1/dkg',
    {
      onRequest: requireAdmin,
      bodyLimit: 64 * 1024,
      schema: {
        summary: 'Open a dealerless key ceremony',
        description:
          'Returns one token per trustee, shown once: hand each to its trustee, who runs `mvid trustee dkg` on their own machine.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: NewCeremonyBody,
        response: { 201: OpenJson('{ ceremony, tokens: [{ trusteeId, trusteeIndex, token }] }: each token is shown once') },
      },
    },
    async (request, reply) => {
      const created = await dkg.create(request.body);
      request.log.info({ ceremony: created.ceremony.id, admin: request.admin?.name }, 'key ceremony opened');
      return reply.code(201).send(created);
    },
  );

  app.post<{ Body: { epochs?: string[]; count?: number } }>(
    '/admin/v1/dkg/epochs',
    {
      onRequest: requireAdmin,
      bodyLimit: 64 * 1024,
      schema: {
        summary: 'Open a batch of retention-epoch key ceremonies for the active trustee set',
        description:
          'One dealerless key ceremony per epoch (named, or the next `count` that enrolments will need, default 12); one token per trustee, shown once, speaks for the whole batch: `mvid trustee dkg` runs every ceremony of it.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: Type.Object(
          {
            epochs: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }), { minItems: 1, maxItems: 60 })),
            count: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: OpenJson(
            '{ ceremony, tokens: [{ trusteeId, trusteeIndex, token }] }: one token per trustee for the whole batch, shown once',
          ),
        },
      },
    },
    async (request, reply) => {
      const created = await dkg.createEpochs(request.body);
      request.log.info(
        { ceremony: created.ceremony.id, epochs: created.ceremony.batch.length, admin: request.admin?.name },
        'epoch key ceremonies opened',
      );
      return reply.code(201).send(created);
    },
  );

  app.post<{ Body: { fromSetId?: string; threshold: number; trustees: string[]; dealers?: string[] } }>(
    '/admin/v1/reshare',
    {
      onRequest: requireAdmin,
      bodyLimit: 64 * 1024,
      schema: {
        summary: 'Open a reshare of an escrow key to a new trustee set',
        description:
          'Moves the key of one trustee set (the same escrow public key), and each of its live retention-epoch keys, to new trustees and a new threshold without anyone reconstructing them: one ceremony per key in one batch (`ceremony.batch`). Returns one token per new trustee and per old trustee who re-deals, shown once, each for the whole batch; each runs `mvid trustee reshare`. The ceremonies run on the /registry/v1/dkg/{id} relay and publish together. Refused while disclosure requests to the set are pending (`disclosure_requests_pending`) or another reshare of it is open (`conflict`).',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: NewReshareBody,
        response: { 201: OpenJson('{ ceremony, tokens: [{ trusteeId, trusteeIndex, token }] }: each token is shown once') },
      },
    },
    async (request, reply) => {
      const { fromSetId, ...rest } = request.body;
      const from = fromSetId ?? (await app.deps.registry.trusteeSets.active())?.id;
      if (from === undefined) throw new MvidError('escrow_unavailable', 'no trustee set is active');
      const created = await dkg.createReshare({ ...rest, fromSetId: from });
      request.log.info({ ceremony: created.ceremony.id, from, admin: request.admin?.name }, 'reshare ceremony opened');
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/registry/v1/dkg/:id',
    {
      schema: {
        summary: 'A key ceremony and how far it got',
        tags: [TAG],
        params: CeremonyParams,
        response: { 200: OpenJson('The ceremony: parameters, trustees, round and outcome once agreed') },
      },
    },
    async (request) => dkg.view(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/registry/v1/dkg/:id/transcript',
    {
      schema: {
        summary: 'The public transcript of a key ceremony',
        description: 'Every signed message (shares sealed) and the outcome they imply; its hash is in the `trustee_set` log entry.',
        tags: [TAG],
        params: CeremonyParams,
        response: { 200: OpenJson('{ ceremony, messages, outcome }') },
      },
    },
    async (request) => dkg.transcript(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/registry/v1/dkg/:id/me',
    {
      onRequest: requireCeremonyTrustee,
      schema: {
        summary: 'The ceremony as the calling trustee takes part in it',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: CeremonyParams,
        response: { 200: OpenJson('{ ceremony, trusteeIndex }') },
      },
    },
    async (request) => dkg.me(request.params.id, trusteeOf(request)),
  );

  app.get<{ Params: { id: string; round: DkgRound } }>(
    '/registry/v1/dkg/:id/messages/:round',
    {
      schema: {
        summary: 'Every trustee’s message of one round',
        tags: [TAG],
        params: MessageParams,
        response: { 200: OpenJson('{ messages: [...] }') },
      },
    },
    async (request) => ({ messages: await dkg.messages(request.params.id, request.params.round) }),
  );

  app.post<{ Params: { id: string; round: DkgRound }; Body: Record<string, unknown> }>(
    '/registry/v1/dkg/:id/messages/:round',
    {
      onRequest: requireCeremonyTrustee,
      bodyLimit: 512 * 1024,
      schema: {
        summary: 'Post this trustee’s message of one round',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: MessageParams,
        body: Message,
        response: { 201: OpenJson('The message as stored') },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(await dkg.post(request.params.id, trusteeOf(request), request.params.round, request.body));
    },
  );
}
