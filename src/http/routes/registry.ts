/**
 * Registry API, public part: nonces, enrolment, recovery, sign-in, and the published
 * trustee set. Self-service and admin routes are registered from here too, so the app
 * mounts the whole registry with one plugin.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { jwsKid } from '../abuse.ts';
import { OpenJson } from '../openapi.ts';
import { PERSON_SECURITY, personOf, requirePerson } from '../auth.ts';
import { registryAdminRoutes } from './registry-admin.ts';
import { registryDkgRoutes } from './registry-dkg.ts';
import { registryMeRoutes } from './registry-me.ts';
import {
  EnrolmentResponse,
  NonceResponse,
  PresentationBody,
  RecoveryResponse,
  SessionBody,
  SessionResponse,
  TrusteeSetResponse,
} from './registry-schemas.ts';

const TAG = 'registry';
const PID_BODY_LIMIT = 64 * 1024;
const SMALL_BODY_LIMIT = 16 * 1024;

export async function registryRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.deps;

  app.post(
    '/registry/v1/nonces',
    {
      config: { abuse: 'mint' },
      bodyLimit: 1024,
      schema: {
        summary: 'Get a single-use nonce',
        description: 'For the KB-JWT of a PID (enrolment, recovery) or a holder assertion (sign-in, key proof). Valid 5 minutes, once.',
        tags: [TAG],
        response: { 201: NonceResponse },
      },
    },
    async (_request, reply) => reply.code(201).send(registry.issueNonce()),
  );

  app.post<{ Body: { presentation: string } }>(
    '/registry/v1/enrolments',
    {
      config: { abuse: 'enrol' },
      bodyLimit: PID_BODY_LIMIT,
      schema: {
        summary: 'Enrol a person from a PID',
        description:
          'Verifies the PID (registered issuer, key binding over a nonce from /nonces), refuses a person already enrolled (409 person_already_enrolled: use recovery), escrows the legal identity under the active trustee set and opens a session.',
        tags: [TAG],
        body: PresentationBody,
        response: { 201: EnrolmentResponse },
      },
    },
    async (request, reply) => {
      const result = await registry.enrolments.enrol(request.body.presentation);
      const session = { ...result.session, tokenType: 'Bearer' as const };
      return reply.code(201).send({ personId: result.personId, holderKeyId: result.holderKeyId, session });
    },
  );

  app.post<{ Body: { presentation: string } }>(
    '/registry/v1/recoveries',
    {
      config: { abuse: 'enrol' },
      bodyLimit: PID_BODY_LIMIT,
      schema: {
        summary: 'Recover an account with a fresh PID and a new holder key',
        description:
          'Finds the enrolled person with the same legal identifier; revokes their old holder keys and sessions, binds the new key, re-seals the identity, reopens a closed (not yet swept) account, and records the event.',
        tags: [TAG],
        body: PresentationBody,
        response: { 200: RecoveryResponse },
      },
    },
    async (request) => {
      const r = await registry.enrolments.recover(request.body.presentation);
      return {
        personId: r.personId,
        holderKeyId: r.holderKeyId,
        revokedKeys: r.revokedKeys ?? [],
        reopened: r.reopened ?? false,
        session: { ...r.session, tokenType: 'Bearer' as const },
      };
    },
  );

  app.post<{ Body: { assertion: string } }>(
    '/registry/v1/sessions',
    {
      // Failed holder sign-ins count per IP and per holder key (the assertion's kid).
      config: { abuse: 'sign-in', abusePrincipal: (request) => jwsKid((request.body as { assertion?: unknown } | undefined)?.assertion) },
      bodyLimit: SMALL_BODY_LIMIT,
      schema: {
        summary: 'Sign in with a holder key',
        description:
          'Exchanges a holder-key-signed mvid-session+jwt (aud = this service, nonce from /nonces, fresh iat) for a session token.',
        tags: [TAG],
        body: SessionBody,
        response: { 201: SessionResponse },
      },
    },
    async (request, reply) => {
      const session = await registry.sessions.signIn(request.body.assertion);
      return reply.code(201).send({ ...session, tokenType: 'Bearer' as const });
    },
  );

  app.delete(
    '/registry/v1/sessions/current',
    {
      onRequest: requirePerson,
      schema: { summary: 'Sign out (end this session)', tags: [TAG], security: PERSON_SECURITY, response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      await registry.sessions.revoke(personOf(request).sessionId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/registry/v1/trustee-set',
    {
      schema: {
        summary: 'The active escrow trustee set',
        description:
          'Escrow public key, each trustee’s verification key x_i·G and the Feldman commitments; its id is a hash over all of them.',
        tags: [TAG],
        response: { 200: TrusteeSetResponse },
      },
    },
    async () => {
      const set = await registry.trusteeSets.active();
      if (!set) throw new MvidError('escrow_unavailable', 'no trustee set is active yet');
      return set;
    },
  );

  app.get<{ Querystring: { trusteeSet?: string } }>(
    '/registry/v1/escrow-epochs',
    {
      schema: {
        summary: 'The retention-epoch escrow keys of a trustee set (default: the active one)',
        description:
          'Each epoch key with its window, verification keys and the trustees’ signed destruction statements (each logged as `escrow_epoch_destroyed`). Envelopes expiring inside an epoch are sealed to its key.',
        tags: [TAG],
        querystring: Type.Object(
          { trusteeSet: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })) },
          { additionalProperties: false },
        ),
        response: {
          200: OpenJson(
            '{ epochMonths, lifetimeDays, epochs: [{ epoch, startsAt, endsAt, trusteeSetId, key, ceremony, createdAt, destructions, destroyedAt }] }',
          ),
        },
      },
    },
    async (request) => ({
      epochMonths: registry.epochs.months,
      lifetimeDays: registry.epochs.lifetimeDays,
      epochs: await registry.epochs.list(request.query.trusteeSet),
    }),
  );

  await app.register(registryMeRoutes);
  await app.register(registryAdminRoutes);
  await app.register(registryDkgRoutes);
}
