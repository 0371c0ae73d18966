/**
 * Disclosure API for trustees: the review queue, one request with every opening the
 * trustee's client checks against the log, decisions (logged before anything follows)
 * and sealed shares. The server never sees a share in clear.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { epochDestructionHash } from '../../crypto/index.ts';
import type { DecisionInput } from '../../disclosure/index.ts';
import { disclosureOf, requireTrustee, TRUSTEE_SECURITY, trusteeOf } from './disclosure-auth.ts';
import {
  DecisionBody,
  DecisionResponse,
  EncryptionKeyBody,
  ExtensionParams,
  IdParams,
  OpenView,
  SharesBody,
  SharesResponse,
  TrusteeMe,
} from './disclosure-schemas.ts';

const TAG = 'disclosure-trustee';

export async function disclosureTrusteeRoutes(app: FastifyInstance): Promise<void> {
  const guarded = { onRequest: requireTrustee };
  const { epochs } = app.deps.registry;
  const me = (t: ReturnType<typeof trusteeOf>) => ({
    trusteeSetId: t.trusteeSetId,
    trusteeId: t.trusteeId,
    trusteeIndex: t.trusteeIndex,
    verificationKey: t.verificationKey,
    encryptionKey: t.encryptionKey,
  });

  app.get(
    '/disclosure/v1/trustee/me',
    {
      ...guarded,
      schema: { summary: 'Who this trustee token belongs to', tags: [TAG], security: TRUSTEE_SECURITY, response: { 200: TrusteeMe } },
    },
    async (request) => me(trusteeOf(request)),
  );

  app.put<{ Body: { publicKey: string } }>(
    '/disclosure/v1/trustee/me/encryption-key',
    {
      ...guarded,
      schema: {
        summary: 'Register the key court-order documents are sealed to (made and kept by the trustee’s client)',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        body: EncryptionKeyBody,
        response: { 200: TrusteeMe },
      },
    },
    async (request) => me(await disclosureOf(request).trustees.setEncryptionKey(trusteeOf(request), request.body.publicKey)),
  );

  app.get(
    '/disclosure/v1/trustee/requests',
    {
      ...guarded,
      schema: {
        summary: 'My review queue (emergencies first)',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        response: { 200: OpenView('{ requests }') },
      },
    },
    async (request) => ({ requests: await disclosureOf(request).views.queue(trusteeOf(request)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/disclosure/v1/trustee/requests/:id',
    {
      ...guarded,
      schema: {
        summary: 'A request with the openings of its logged commitments and the order document sealed to me',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: IdParams,
        response: { 200: OpenView('TrusteeRequestView') },
      },
    },
    async (request) => {
      const d = disclosureOf(request);
      const trustee = trusteeOf(request);
      const row = await d.requests.row(request.params.id);
      if (!row || row.trustee_set_id !== trustee.trusteeSetId)
        throw new MvidError('not_found', `no request ${request.params.id} for this trustee`);
      return d.views.forTrustee(row, trustee);
    },
  );

  app.post<{ Params: { id: string }; Body: DecisionInput }>(
    '/disclosure/v1/trustee/requests/:id/decisions',
    {
      ...guarded,
      schema: {
        summary: 'Approve or deny (logged); the answer carries the log index to verify',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: IdParams,
        body: DecisionBody,
        response: { 200: DecisionResponse },
      },
    },
    async (request) => disclosureOf(request).decisions.decide(trusteeOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string; extensionId: string }; Body: DecisionInput }>(
    '/disclosure/v1/trustee/requests/:id/extensions/:extensionId/decisions',
    {
      ...guarded,
      schema: {
        summary: 'Approve or deny a notification-delay extension (logged)',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: ExtensionParams,
        body: DecisionBody,
        response: { 200: DecisionResponse },
      },
    },
    async (request) =>
      disclosureOf(request).decisions.decide(trusteeOf(request), request.params.id, request.body, request.params.extensionId),
  );

  app.post<{ Params: { id: string }; Body: { sealed: unknown } }>(
    '/disclosure/v1/trustee/requests/:id/shares',
    {
      ...guarded,
      bodyLimit: 256 * 1024,
      schema: {
        summary: 'Upload my partial decryptions, sealed to the authority (only once the log holds M approvals)',
        description:
          'Accepted only after my approval (409 approval_not_logged) and M approvals in all (409 approval_quorum_not_logged) are in the log. The M-th upload logs the release.',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: IdParams,
        body: SharesBody,
        response: { 201: SharesResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await disclosureOf(request).decisions.uploadShares(trusteeOf(request), request.params.id, request.body.sealed)),
  );

  const DestructionRecorded = Type.Object(
    {
      statement: Type.Union([Type.String(), Type.Null()], {
        description: 'SHA-256 of the recorded statement (what the log entry commits to)',
      }),
      destroyedAt: Type.Union([Type.String(), Type.Null()], { description: 'When more than N − M shares were destroyed, else null' }),
    },
    { additionalProperties: false, description: '201: logged now; 200: this very statement was recorded before (a retry)' },
  );
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/disclosure/v1/trustee/escrow-epochs/:id/destruction',
    {
      ...guarded,
      bodyLimit: 8 * 1024,
      schema: {
        summary: 'Record that I destroyed my share of an ended retention epoch’s key',
        description:
          'The body is the destruction statement the trustee client signed with the share (src/crypto epoch.ts). It is verified against the epoch key, logged as `escrow_epoch_destroyed`, and served at /registry/v1/escrow-epochs.',
        tags: [TAG],
        security: TRUSTEE_SECURITY,
        params: Type.Object(
          { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
          { additionalProperties: false },
        ),
        body: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()),
        response: {
          201: DestructionRecorded,
          200: DestructionRecorded,
        },
      },
    },
    async (request, reply) => {
      const trustee = trusteeOf(request);
      const epoch = await epochs.byId(request.params.id);
      if (!epoch || epoch.trusteeSetId !== trustee.trusteeSetId)
        throw new MvidError('not_found', `no epoch key ${request.params.id} of this trustee's set`);
      const member = epoch.key.trustees.find((t) => t.index === request.body.trusteeIndex);
      if (member?.id !== trustee.trusteeId) throw new MvidError('forbidden', 'a trustee records only its own destruction');
      const { epoch: after, logged } = await epochs.recordDestruction(request.params.id, request.body);
      const statement = after.destructions.find((d) => d.trusteeIndex === member.index);
      request.log.info({ epoch: after.epoch, key: after.key.id, trustee: trustee.trusteeId }, 'epoch share destroyed');
      return reply.code(logged ? 201 : 200).send({
        statement: statement === undefined ? null : epochDestructionHash(statement),
        destroyedAt: after.destroyedAt,
      });
    },
  );
}
