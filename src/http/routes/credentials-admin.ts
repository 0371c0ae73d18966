/**
 * Administration and verification: the attribute issuer registry (administrators),
 * revocation (administrators, and attribute issuers by signed request), presentation
 * requests and online verification (worlds, or administrators on a world's behalf).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MvidError, ValidationError } from '../../core/index.ts';
import type { RevocationFilter } from '../../credentials/index.ts';
import { ADMIN_SECURITY, requireAdmin } from '../auth.ts';
import { OpenJson } from '../openapi.ts';
import { type CredentialsHttp, requireWorldOrAdmin } from './credentials.ts';

const TAGS = ['credentials'];
const Hash = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });
const Hashes = Type.Array(Hash, { minItems: 1, maxItems: 1000 });
const AttributeIssuerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    iss: Type.String({ minLength: 1, maxLength: 300 }),
    vcts: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 5 }),
    jwks: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 10 }) }),
  },
  { additionalProperties: false },
);
const RevocationBody = Type.Object(
  {
    personId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    sourceHashes: Type.Optional(Hashes),
    credentialHashes: Type.Optional(Hashes),
    attributeIssuerId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
const RequestBody = Type.Object(
  {
    claims: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 20 }),
    world: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const VerifyBody = Type.Object(
  {
    requestId: Type.String({ minLength: 1, maxLength: 100 }),
    presentation: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
    presentations: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 65_536 }), { minItems: 1, maxItems: 5 })),
  },
  { additionalProperties: false },
);

export async function credentialsAdminRoutes(app: FastifyInstance, http: CredentialsHttp): Promise<void> {
  const { credentials } = http;
  // Who is calling is settled on the headers (onRequest), before the body is read.
  const callers = new WeakMap<FastifyRequest, Awaited<ReturnType<typeof requireWorldOrAdmin>>>();
  const worldOrAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    callers.set(request, await requireWorldOrAdmin(http, request, reply));
  };
  const callerOf = (request: FastifyRequest) => {
    const caller = callers.get(request);
    if (!caller) throw new TypeError('callerOf used on a route without worldOrAdmin');
    return caller;
  };

  app.post<{ Body: { name: string; iss: string; vcts: string[]; jwks: unknown } }>(
    '/credentials/v1/attribute-issuers',
    {
      schema: {
        summary: 'Register an attribute issuer: who may attest which vct, with which keys',
        tags: TAGS,
        security: ADMIN_SECURITY,
        body: AttributeIssuerBody,
        response: { 201: OpenJson('The registered attribute issuer') },
      },
      onRequest: requireAdmin,
    },
    async (request, reply) => {
      return reply.code(201).send(await credentials.attributeIssuers.add(request.body));
    },
  );

  app.get(
    '/credentials/v1/attribute-issuers',
    {
      schema: {
        summary: 'List attribute issuers',
        tags: TAGS,
        security: ADMIN_SECURITY,
        response: { 200: OpenJson('{ attributeIssuers: [...] }') },
      },
      onRequest: requireAdmin,
    },
    async () => ({ attributeIssuers: await credentials.attributeIssuers.list() }),
  );

  app.delete<{ Params: { id: string } }>(
    '/credentials/v1/attribute-issuers/:id',
    {
      schema: {
        summary: 'Disable an attribute issuer (its credentials are refused from now on)',
        tags: TAGS,
        security: ADMIN_SECURITY,
        response: { 204: { type: 'null', description: 'Disabled' } },
      },
      onRequest: requireAdmin,
    },
    async (request, reply) => {
      await credentials.attributeIssuers.disable(request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: RevocationFilter }>(
    '/credentials/v1/revocations',
    {
      schema: {
        summary: 'Revoke issued credentials (administrator)',
        tags: TAGS,
        security: ADMIN_SECURITY,
        body: RevocationBody,
        response: { 200: OpenJson('{ revoked: n }') },
      },
      onRequest: requireAdmin,
    },
    async (request) => {
      const { personId, sourceHashes, credentialHashes } = request.body;
      if (personId === undefined && sourceHashes === undefined && credentialHashes === undefined) {
        throw new ValidationError('name personId, sourceHashes or credentialHashes', 'personId');
      }
      return { revoked: await credentials.revocations.revoke(request.body, 'admin') };
    },
  );

  app.post<{ Body: { request: string } }>(
    '/credentials/v1/attribute-issuers/revocations',
    {
      bodyLimit: 128 * 1024,
      schema: {
        summary: 'Revocation request of an attribute issuer',
        description:
          'Body `{ request }`: a JWT (typ mvid-revocation+jwt) signed with a registered key of the issuer, ' +
          '`{ iss, aud: <mvid public URL>, iat, source_hashes }`, where each hash is base64url(SHA-256(issuer-signed JWT)) ' +
          'of a credential the issuer issued. Revokes mvid’s re-issues of those credentials.',
        tags: TAGS,
        body: Type.Object({ request: Type.String({ minLength: 1, maxLength: 65_536 }) }, { additionalProperties: false }),
        response: { 200: OpenJson('What was revoked') },
      },
    },
    async (request) => credentials.revokeForIssuer(request.body.request),
  );

  app.post<{ Body: { claims: string[]; world?: string } }>(
    '/credentials/v1/presentation-requests',
    {
      config: { abuse: 'mint' },
      onRequest: worldOrAdmin,
      schema: {
        summary: 'Create a presentation request (nonce, audience, claims) for a world',
        description: 'A world may ask for no more than the claims it registered. An administrator names the world.',
        tags: TAGS,
        body: RequestBody,
        response: { 201: OpenJson('The presentation request: id, nonce, audience, claims, expiry') },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const world = 'world' in caller ? caller.world : request.body.world;
      if (world === undefined) throw new ValidationError('name the world the request is for', 'world');
      if ('world' in caller && request.body.world !== undefined && request.body.world !== caller.world) {
        throw new MvidError('forbidden', 'a world creates requests for itself only');
      }
      return reply.code(201).send(await credentials.presentationRequests.create(world, request.body.claims));
    },
  );

  app.post<{ Body: { requestId: string; presentation?: string; presentations?: string[] } }>(
    '/credentials/v1/verify',
    {
      onRequest: worldOrAdmin,
      schema: {
        summary: 'Verify the answer to a presentation request online (worlds may instead verify offline with the SDK)',
        tags: TAGS,
        body: VerifyBody,
        response: { 200: OpenJson('The verified claims') },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { requestId, presentation, presentations } = request.body;
      const all = [...(presentation === undefined ? [] : [presentation]), ...(presentations ?? [])];
      return credentials.presentationRequests.verify(requestId, all, 'world' in caller ? caller.world : undefined);
    },
  );
}
