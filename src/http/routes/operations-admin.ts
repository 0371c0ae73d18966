/**
 * Operations over the admin API, for the operator console: rotate the token-signing key
 * and run every sweeper once — the same functions `mvid keys rotate` and `mvid sweep`
 * run (wired in src/server/runtime.ts), answered with the same words the CLI prints.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_ACTIVATE_AFTER_SECONDS } from '../../keys/index.ts';
import { ADMIN_SECURITY, requireAdmin } from '../auth.ts';

/** What the server runs for these routes (src/server wires the domain functions). */
export interface Operations {
  /** Adds a token-signing key (see rotateServiceTokenKey); returns its name and what to do next. */
  rotateTokenKey(activateAfterSeconds: number): Promise<{ key: string; notice: string }>;
  /** Runs every domain's sweep once (see sweepAll); returns the report and its summary lines. */
  sweep(): Promise<{ report: Record<string, unknown>; summary: string[] }>;
}

const TAG = 'admin';
const RotationBody = Type.Object(
  {
    activateAfterSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_ACTIVATE_AFTER_SECONDS,
        description: 'Publish now, sign only in nodes started this much later (a cluster: restart all twice). Default 0.',
      }),
    ),
  },
  { additionalProperties: false },
);
const RotationResponse = Type.Object({
  key: Type.String({ description: 'The new key file name.' }),
  activateAfterSeconds: Type.Integer(),
  notice: Type.String({ description: 'What the operator does next (restart the nodes).' }),
});
const SweepResponse = Type.Object({
  summary: Type.Array(Type.String(), { description: 'What each domain swept, as `mvid sweep` prints it.' }),
  report: Type.Record(Type.String(), Type.Unknown(), { description: 'The per-domain counts.' }),
});

export async function operationsAdminRoutes(app: FastifyInstance, operations: Operations): Promise<void> {
  const guarded = { onRequest: requireAdmin };

  app.post<{ Body: Static<typeof RotationBody> }>(
    '/admin/v1/keys/rotations',
    {
      ...guarded,
      bodyLimit: 1024,
      schema: {
        summary: 'Rotate the token-signing key',
        description:
          'Adds a token-signing key for every node (published after its restart, signing once active); old keys stay published. The same as `mvid keys rotate`.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        body: RotationBody,
        response: { 201: RotationResponse },
      },
    },
    async (request, reply) => {
      const seconds = request.body.activateAfterSeconds ?? 0;
      const { key, notice } = await operations.rotateTokenKey(seconds);
      request.log.info({ key, activateAfterSeconds: seconds, admin: request.admin?.name }, 'token-signing key rotated');
      return reply.code(201).send({ key, activateAfterSeconds: seconds, notice });
    },
  );

  app.post(
    '/admin/v1/sweeps',
    {
      ...guarded,
      bodyLimit: 1024,
      schema: {
        summary: 'Run every sweeper once, now',
        description:
          'Retention of escrow data (logged), expiry of disclosure requests (logged), and of sessions, nonces, sign-in state and credential records. The same as `mvid sweep`; the sweeps also run every MVID_SWEEP_INTERVAL_SECONDS.',
        tags: [TAG],
        security: ADMIN_SECURITY,
        response: { 200: SweepResponse },
      },
    },
    async (request) => {
      const done = await operations.sweep();
      request.log.info({ sweep: done.report, admin: request.admin?.name }, 'sweep run by an administrator');
      return done;
    },
  );
}
