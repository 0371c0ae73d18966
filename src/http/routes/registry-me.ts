/** Registry API, person self-service: the signed-in person's record, keys, closure and export. */
import type { FastifyInstance } from 'fastify';
import { PERSON_SECURITY, personOf, requirePerson } from '../auth.ts';
import { personExport } from '../person-export.ts';
import { CloseResponse, ExportResponse, HolderKey, KeyProofBody, KeysResponse, KidParams, PersonView } from './registry-schemas.ts';

const TAG = 'registry-self-service';
const BODY_LIMIT = 16 * 1024;

export async function registryMeRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.deps;
  const guarded = { preHandler: requirePerson };

  app.get(
    '/registry/v1/me',
    {
      ...guarded,
      schema: {
        summary: 'My record: status, holder keys and history',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: PersonView },
      },
    },
    async (request) => registry.self.view(personOf(request).personId),
  );

  app.get(
    '/registry/v1/me/keys',
    {
      ...guarded,
      schema: { summary: 'My holder keys (active and revoked)', tags: [TAG], security: PERSON_SECURITY, response: { 200: KeysResponse } },
    },
    async (request) => ({ keys: await registry.self.keys(personOf(request).personId) }),
  );

  app.post<{ Body: { proof: string } }>(
    '/registry/v1/me/keys',
    {
      ...guarded,
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: 'Add a holder key',
        description: 'The new key proves possession with a mvid-key+jwt (its public JWK in the header) over a nonce from /nonces.',
        tags: [TAG],
        security: PERSON_SECURITY,
        body: KeyProofBody,
        response: { 201: HolderKey },
      },
    },
    async (request, reply) => reply.code(201).send(await registry.self.addKey(personOf(request), request.body.proof)),
  );

  app.delete<{ Params: { kid: string } }>(
    '/registry/v1/me/keys/:kid',
    {
      ...guarded,
      schema: {
        summary: 'Revoke a holder key',
        description: 'Also ends the sessions that key opened. The last active key cannot be revoked (409 last_holder_key).',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: KidParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await registry.self.revokeKey(personOf(request), request.params.kid);
      return reply.code(204).send();
    },
  );

  app.post(
    '/registry/v1/me/close',
    {
      ...guarded,
      schema: {
        summary: 'Close my account',
        description:
          'Revokes holder keys, sessions and (through the closure hook) issued credentials; sign-in is refused from now on. Escrow envelopes and the uniqueness tag are deleted after the retention period.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: CloseResponse },
      },
    },
    async (request) => registry.self.close(personOf(request)),
  );

  app.get(
    '/registry/v1/me/export',
    {
      ...guarded,
      schema: {
        summary: 'Download everything mvid holds about me',
        description:
          'Events, holder keys, sessions, escrow envelopes (with ciphertext), the decrypted service-readable attributes, the worlds (pseudonyms, consents, releases, handles, passkeys, browser sessions), issued credentials and disclosures already notified, as JSON.',
        tags: [TAG],
        security: PERSON_SECURITY,
        response: { 200: ExportResponse },
      },
    },
    async (request, reply) => {
      const document = await personExport(app.deps, personOf(request));
      reply.header('content-disposition', 'attachment; filename="mvid-export.json"');
      reply.header('cache-control', 'no-store');
      return document;
    },
  );
}
