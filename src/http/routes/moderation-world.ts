/** Moderation API of a world: evidence, reports, roles, policy, sanction state and public statistics. */
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { type ModerationRole, type ModerationSettings, statisticsCsv } from '../../moderation/index.ts';
import { type Caller, callerOf, type ModerationHttp, requireSameWorld, WORLD_OR_PERSON_SECURITY, WORLD_SECURITY } from './moderation.ts';
import {
  EvidenceRef,
  ReportBody,
  ReportFiled,
  ReportParams,
  ReportView,
  RoleBody,
  RoleGranted,
  RoleList,
  RoleParams,
  Settings,
  SettingsBody,
  StandingView,
  Statistics,
  SubjectParams,
  WorldParams,
} from './moderation-schemas.ts';

const TAG = 'moderation';
/** Over the largest evidence limit (25 MiB clips, src/blobs), so the store's check — not the parser — answers. */
const EVIDENCE_BODY_LIMIT = 26 * 1024 * 1024;

type W = { Params: { worldId: string } };

interface ReportInput {
  reporter?: string | null;
  subject: string;
  category: string;
  text: string;
  occurredAt?: string;
  location?: string;
  evidence?: string[];
}

/** A world files for a member it names (or anonymously); a person files as themselves, in any world. */
function reporterOf(caller: Caller, worldId: string, body: ReportInput) {
  if (caller.kind === 'person') {
    if (body.reporter !== undefined) throw new MvidError('forbidden', 'a person reports as themselves');
    return { personId: caller.personId };
  }
  requireSameWorld(caller, worldId);
  return body.reporter === undefined || body.reporter === null ? null : { subject: body.reporter };
}

export async function moderationWorldRoutes(app: FastifyInstance, http: ModerationHttp): Promise<void> {
  const { moderation } = http;

  // Evidence bytes arrive raw, in their own content type; the store sniffs and limits them.
  await app.register(async (raw) => {
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: EVIDENCE_BODY_LIMIT }, (_req, body, done) => done(null, body));
    raw.post<W>(
      '/moderation/v1/worlds/:worldId/evidence',
      {
        bodyLimit: EVIDENCE_BODY_LIMIT,
        schema: {
          summary: 'Upload evidence (a screenshot, a text log or a short clip)',
          description:
            'The raw bytes, with their Content-Type (image/png, image/jpeg, image/webp, image/gif, text/plain, video/mp4, video/webm). The type is checked against the bytes (415 evidence_type_unsupported) and limited in size (413 evidence_too_large); the bytes are stored by SHA-256, which a report then cites.',
          tags: [TAG],
          security: WORLD_OR_PERSON_SECURITY,
          params: WorldParams,
          response: { 201: EvidenceRef },
        },
      },
      async (request, reply) => {
        const caller = await callerOf(http, request, reply);
        if (caller.kind === 'world') requireSameWorld(caller, request.params.worldId);
        if (!Buffer.isBuffer(request.body)) throw new MvidError('bad_request', 'send the evidence bytes as the request body');
        const stored = await moderation.reports.upload(
          request.params.worldId,
          new Uint8Array(request.body),
          request.headers['content-type'] ?? '',
        );
        return reply.code(201).send(stored);
      },
    );
  });

  app.post<W & { Body: ReportInput }>(
    '/moderation/v1/worlds/:worldId/reports',
    {
      schema: {
        summary: 'Report a person for breaking one of the world’s rules',
        description:
          'By the world for a member (`reporter`: their pseudonym or handle; omit for anonymous) or by a signed-in person. The subject is a pseudonym or handle in this world; `category` one of its published rules; `evidence` hashes uploaded to this world. Trusted flaggers’ reports come first. Repeats and floods are refused (429).',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: WorldParams,
        body: ReportBody,
        response: { 201: ReportFiled },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(http, request, reply);
      const { worldId } = request.params;
      const b = request.body;
      const filed = await moderation.reports.file(worldId, {
        channel: caller.kind,
        reporter: reporterOf(caller, worldId, b),
        subject: b.subject,
        category: b.category,
        text: b.text,
        ...(b.occurredAt === undefined ? {} : { occurredAt: b.occurredAt }),
        ...(b.location === undefined ? {} : { location: b.location }),
        ...(b.evidence === undefined ? {} : { evidence: b.evidence }),
      });
      const answer = { reportId: filed.reportId, status: 'open' as const, priority: filed.priority };
      return reply.code(201).send(caller.kind === 'world' ? { ...answer, caseId: filed.caseId } : answer);
    },
  );

  app.get<{ Params: { worldId: string; reportId: string } }>(
    '/moderation/v1/worlds/:worldId/reports/:reportId',
    {
      schema: {
        summary: 'The status and outcome of a report (for its reporter; never the case file)',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: ReportParams,
        response: { 200: ReportView },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(http, request, reply);
      const { worldId, reportId } = request.params;
      if (caller.kind === 'world') requireSameWorld(caller, worldId);
      return moderation.reports.view(worldId, reportId, caller.kind === 'world' ? 'world' : { personId: caller.personId });
    },
  );

  const worldOnly = async (request: Parameters<typeof callerOf>[1], reply: Parameters<typeof callerOf>[2], worldId: string) => {
    requireSameWorld(await callerOf(http, request, reply), worldId);
  };

  app.get<W>(
    '/moderation/v1/worlds/:worldId/roles',
    {
      schema: {
        summary: 'Moderators and trusted flaggers of the world',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: WorldParams,
        response: { 200: RoleList },
      },
    },
    async (request, reply) => {
      await worldOnly(request, reply, request.params.worldId);
      return { roles: await moderation.roles.list(request.params.worldId) };
    },
  );

  app.put<W & { Body: { subject: string; role: ModerationRole } }>(
    '/moderation/v1/worlds/:worldId/roles',
    {
      schema: {
        summary: 'Appoint a moderator or a trusted flagger (DSA Art. 22)',
        description: 'Named by pseudonym or handle in this world; the role holds in this world only.',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: WorldParams,
        body: RoleBody,
        response: { 200: RoleGranted },
      },
    },
    async (request, reply) => {
      await worldOnly(request, reply, request.params.worldId);
      return moderation.roles.grant(request.params.worldId, request.body.subject, request.body.role);
    },
  );

  app.delete<{ Params: { worldId: string; role: ModerationRole; subject: string } }>(
    '/moderation/v1/worlds/:worldId/roles/:role/:subject',
    {
      schema: {
        summary: 'Withdraw a role',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: RoleParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await worldOnly(request, reply, request.params.worldId);
      await moderation.roles.revoke(request.params.worldId, request.params.subject, request.params.role);
      return reply.code(204).send();
    },
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/settings',
    {
      schema: {
        summary: 'The world’s appeal window and repeat-offender policy',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: WorldParams,
        response: { 200: Settings },
      },
    },
    async (request, reply) => {
      await worldOnly(request, reply, request.params.worldId);
      return moderation.settings.of(request.params.worldId);
    },
  );

  app.put<W & { Body: Partial<ModerationSettings> }>(
    '/moderation/v1/worlds/:worldId/settings',
    {
      schema: {
        summary: 'Set the appeal window (DSA Art. 20) and the repeat-offender policy (Art. 23)',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: WorldParams,
        body: SettingsBody,
        response: { 200: Settings },
      },
    },
    async (request, reply) => {
      await worldOnly(request, reply, request.params.worldId);
      return moderation.settings.update(request.params.worldId, request.body);
    },
  );

  app.get<{ Params: { worldId: string; subject: string } }>(
    '/moderation/v1/worlds/:worldId/sanctions/:subject',
    {
      schema: {
        summary: 'The sanction state of a person in this world',
        description: 'The same state the `mvid_moderation` token claim carries, with each sanction in force.',
        tags: [TAG],
        security: WORLD_SECURITY,
        params: SubjectParams,
        response: { 200: StandingView },
      },
    },
    async (request, reply) => {
      const { worldId, subject } = request.params;
      await worldOnly(request, reply, worldId);
      const personId = await moderation.resolve(worldId, subject);
      const [standing, claim] = await Promise.all([
        moderation.standing.of(worldId, personId),
        moderation.standing.claim(worldId, personId),
      ]);
      return { subject: moderation.pseudonymOf(worldId, personId), ...claim, sanctions: standing.sanctions };
    },
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/statistics',
    {
      schema: {
        summary: 'Moderation statistics of a world (public, no personal data)',
        description: 'Reports by category, decisions, sanctions by type, median time to decision, appeals and reversals.',
        tags: [TAG],
        params: WorldParams,
        response: { 200: Statistics },
      },
    },
    async (request) => moderation.statistics(request.params.worldId),
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/statistics.csv',
    { schema: { summary: 'The same statistics as CSV (section,key,value)', tags: [TAG], params: WorldParams } },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(statisticsCsv(await moderation.statistics(request.params.worldId))),
  );
}
