/**
 * Issuance over HTTP: a JSON endpoint for mvid's own portal (person session), and
 * OpenID4VCI 1.0 with the pre-authorized code flow (offer → token → nonce →
 * credential). OpenID4VCI errors are problem documents that also carry the OAuth
 * `error` member a wallet looks for (`invalid_proof`, `invalid_nonce`, …).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { OID4VCI_BASE } from '../../credentials/index.ts';
import { credentialOf, PERSON_SECURITY, personOf, requirePerson } from '../auth.ts';
import { OpenJson } from '../openapi.ts';
import type { CredentialsHttp } from './credentials.ts';

const TAGS = ['credentials'];
const Proofs = Type.Array(Type.String({ minLength: 1, maxLength: 8192 }), { minItems: 1, maxItems: 10 });
const IssueBody = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 40 }),
    copies: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    proofs: Type.Optional(Proofs),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 65_536 })),
  },
  { additionalProperties: false },
);
const OfferBody = Type.Object(
  {
    kinds: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 5 }),
    txCode: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

export async function credentialsIssueRoutes(app: FastifyInstance, http: CredentialsHttp): Promise<void> {
  const { credentials } = http;
  const grants = new WeakMap<FastifyRequest, NonNullable<Awaited<ReturnType<typeof credentials.oid4vci.authenticate>>>>();

  app.post<{ Body: { kind: string; copies?: number; proofs?: string[]; source?: string } }>(
    '/credentials/v1/issue',
    {
      schema: {
        summary: 'Issue credentials of one kind to the signed-in person (mvid portal)',
        description:
          'Send one key proof (openid4vci-proof+jwt over a c_nonce from the nonce endpoint) per copy to give every copy its own key. ' +
          'Without proofs, `copies` copies are bound to your newest registered holder key: they are then linkable through cnf (`linkable: true`). ' +
          'occupation and membership need `source`: the registered issuer’s SD-JWT VC, fully disclosed and key-bound to mvid.',
        tags: TAGS,
        security: PERSON_SECURITY,
        body: IssueBody,
        response: { 201: OpenJson('{ credentials: [...], linkable }: the issued SD-JWT VCs') },
      },
      onRequest: requirePerson,
    },
    async (request, reply) => {
      const { personId } = personOf(request);
      const { kind, copies, proofs, source } = request.body;
      const result = await credentials.issuance.issue(personId, {
        kind,
        ...(copies === undefined ? {} : { copies }),
        ...(proofs === undefined ? {} : { proofs }),
        ...(source === undefined ? {} : { source }),
      });
      return noStore(reply).code(201).send(result);
    },
  );

  app.post<{ Body: { kinds: string[]; txCode?: boolean } }>(
    '/credentials/v1/offers',
    {
      schema: {
        summary: 'Create an OpenID4VCI credential offer (pre-authorized code) for the signed-in person',
        tags: TAGS,
        security: PERSON_SECURITY,
        body: OfferBody,
        response: { 201: OpenJson('The credential offer (and its openid-credential-offer:// URI)') },
      },
      config: { abuse: 'mint' },
      onRequest: requirePerson,
    },
    async (request, reply) => {
      const { personId } = personOf(request);
      const { kinds, txCode } = request.body;
      const offer = await credentials.oid4vci.createOffer(personId, kinds, txCode === undefined ? {} : { txCode });
      return noStore(reply).code(201).send(offer);
    },
  );

  app.post(
    `${OID4VCI_BASE}/token`,
    {
      config: { abuse: 'sign-in' },
      bodyLimit: 16 * 1024,
      schema: {
        summary: 'OpenID4VCI token endpoint (pre-authorized code grant)',
        tags: TAGS,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        response: { 200: OpenJson('{ access_token, token_type, expires_in }') },
      },
    },
    async (request, reply) => {
      const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
      return noStore(reply)
        .header('pragma', 'no-cache')
        .send(await credentials.oid4vci.token(body));
    },
  );

  app.post(
    `${OID4VCI_BASE}/nonce`,
    {
      config: { abuse: 'mint' },
      bodyLimit: 1024,
      schema: { summary: 'OpenID4VCI nonce endpoint: a fresh c_nonce', tags: TAGS, response: { 200: OpenJson('{ c_nonce }') } },
    },
    async (_request, reply) => {
      return noStore(reply).send({ c_nonce: credentials.nonce().c_nonce });
    },
  );

  app.post(
    `${OID4VCI_BASE}/credential`,
    {
      // The access token is checked on the headers, before the body (up to 10 key proofs) is read.
      onRequest: async (request, reply) => {
        const token = credentialOf(request);
        const grant = token === undefined ? undefined : await credentials.oid4vci.authenticate(token);
        if (grant === undefined) {
          reply.header('www-authenticate', 'Bearer error="invalid_token"');
          throw new MvidError('unauthenticated', 'a valid access token from the token endpoint is required', {
            extensions: { error: 'invalid_token' },
          });
        }
        grants.set(request, grant);
      },
      bodyLimit: 128 * 1024,
      schema: {
        summary: 'OpenID4VCI credential endpoint: one dc+sd-jwt credential per key proof',
        tags: TAGS,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: OpenJson('{ credentials: [{ credential }] }') },
      },
    },
    async (request, reply) => {
      const grant = grants.get(request);
      if (grant === undefined) throw new TypeError('the credential endpoint ran without its access-token check');
      const { credentials: issued } = await credentials.oid4vci.credential(grant, request.body as Record<string, unknown>);
      return noStore(reply).send({ credentials: issued });
    },
  );
}
