/** Moderation API of a world: evidence, reports, roles, policy, sanction state and public statistics. */
import type { FastifyInstance } from 'fastify';
import { MvidError } from '../../core/index.ts';
import { NonJson } from '../openapi.ts';
import { type ModerationRole, type ModerationSettings, type NewReport, statisticsCsv } from '../../moderation/index.ts';
import {
  type Caller,
  callerOf,
  consumeReport,
  type ModerationHttp,
  moderationGuards,
  requireSameWorld,
  routeSchema,
  WORLD_OR_PERSON_SECURITY,
  WORLD_SECURITY,
} from './moderation.ts';
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

/** Over the largest evidence limit (25 MiB clips, src/blobs), so the store's check — not the parser — answers. */
const EVIDENCE_BODY_LIMIT = 26 * 1024 * 1024;
/** A report (4,000 characters of text, ten evidence hashes) or a role or policy change, with room to spare. */
const JSON_BODY_LIMIT = 64 * 1024;

type W = { Params: { worldId: string } };

/** The report body: a NewReport whose reporter, if any, the world names by pseudonym or handle. */
type ReportInput = Omit<NewReport, 'channel' | 'reporter'> & { reporter?: string | null };

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
  const guards = moderationGuards(http);
  const worldOnly = { ...guards.world, bodyLimit: JSON_BODY_LIMIT };
  const anyCaller = { ...guards.selfOrPerson, bodyLimit: JSON_BODY_LIMIT };
  const either = { security: WORLD_OR_PERSON_SECURITY };
  const world = { security: WORLD_SECURITY };

  // Evidence bytes arrive raw, in their own content type; the store sniffs and limits them.
  await app.register(async (raw) => {
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: EVIDENCE_BODY_LIMIT }, (_req, body, done) => done(null, body));
    raw.post<W>(
      '/moderation/v1/worlds/:worldId/evidence',
      {
        ...guards.selfOrPerson,
        bodyLimit: EVIDENCE_BODY_LIMIT,
        ...routeSchema('Upload evidence (a screenshot, a text log or a short clip)', {
          description:
            'The raw bytes, with their Content-Type (image/png, image/jpeg, image/webp, image/gif, text/plain, video/mp4, video/webm). The type is checked against the bytes (415 evidence_type_unsupported) and limited in size (413 evidence_too_large); the bytes are stored by SHA-256, which a report then cites.',
          ...either,
          params: WorldParams,
          response: { 201: EvidenceRef },
        }),
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw new MvidError('bad_request', 'send the evidence bytes as the request body');
        const type = request.headers['content-type'] ?? '';
        return reply.code(201).send(await moderation.reports.upload(request.params.worldId, new Uint8Array(request.body), type));
      },
    );
  });

  app.post<W & { Body: ReportInput }>(
    '/moderation/v1/worlds/:worldId/reports',
    {
      ...anyCaller,
      ...routeSchema('Report a person for breaking one of the world’s rules', {
        description:
          'By the world for a member (`reporter`: their pseudonym or handle; omit for anonymous) or by a signed-in person. The subject is a pseudonym or handle in this world; `category` one of its published rules; `evidence` hashes uploaded to this world. Trusted flaggers’ reports come first. Repeats and floods are refused (429).',
        ...either,
        params: WorldParams,
        body: ReportBody,
        response: { 201: ReportFiled },
      }),
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { worldId } = request.params;
      const { reporter: _named, ...report } = request.body;
      const reporter = reporterOf(caller, worldId, request.body);
      if (reporter !== null)
        await consumeReport(request, 'personId' in reporter ? `person:${reporter.personId}` : `${worldId}:${reporter.subject}`);
      const filed = await moderation.reports.file(worldId, { ...report, channel: caller.kind, reporter });
      const answer = { reportId: filed.reportId, status: 'open' as const, priority: filed.priority };
      return reply.code(201).send(caller.kind === 'world' ? { ...answer, caseId: filed.caseId } : answer);
    },
  );

  app.get<{ Params: { worldId: string; reportId: string } }>(
    '/moderation/v1/worlds/:worldId/reports/:reportId',
    {
      ...guards.selfOrPerson,
      ...routeSchema('The status and outcome of a report (for its reporter; never the case file)', {
        ...either,
        params: ReportParams,
        response: { 200: ReportView },
      }),
    },
    async (request) => {
      const caller = callerOf(request);
      const { worldId, reportId } = request.params;
      return moderation.reports.view(worldId, reportId, caller.kind === 'world' ? 'world' : { personId: caller.personId });
    },
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/roles',
    {
      ...worldOnly,
      ...routeSchema('Moderators and trusted flaggers of the world', { ...world, params: WorldParams, response: { 200: RoleList } }),
    },
    async (request) => ({ roles: await moderation.roles.list(request.params.worldId) }),
  );

  app.put<W & { Body: { subject: string; role: ModerationRole } }>(
    '/moderation/v1/worlds/:worldId/roles',
    {
      ...worldOnly,
      ...routeSchema('Appoint a moderator or a trusted flagger (DSA Art. 22)', {
        description: 'Named by pseudonym or handle in this world; the role holds in this world only.',
        ...world,
        params: WorldParams,
        body: RoleBody,
        response: { 200: RoleGranted },
      }),
    },
    async (request) => moderation.roles.grant(request.params.worldId, request.body.subject, request.body.role),
  );

  app.delete<{ Params: { worldId: string; role: ModerationRole; subject: string } }>(
    '/moderation/v1/worlds/:worldId/roles/:role/:subject',
    { ...worldOnly, ...routeSchema('Withdraw a role', { ...world, params: RoleParams, response: { 204: { type: 'null' } } }) },
    async (request, reply) => {
      await moderation.roles.revoke(request.params.worldId, request.params.subject, request.params.role);
      return reply.code(204).send();
    },
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/settings',
    {
      ...worldOnly,
      ...routeSchema('The world’s appeal window and repeat-offender policy', {
        ...world,
        params: WorldParams,
        response: { 200: Settings },
      }),
    },
    async (request) => moderation.settings.of(request.params.worldId),
  );

  app.put<W & { Body: Partial<ModerationSettings> }>(
    '/moderation/v1/worlds/:worldId/settings',
    {
      ...worldOnly,
      ...routeSchema('Set the appeal window (DSA Art. 20) and the repeat-offender policy (Art. 23)', {
        ...world,
        params: WorldParams,
        body: SettingsBody,
        response: { 200: Settings },
      }),
    },
    async (request) => moderation.settings.update(request.params.worldId, request.body),
  );

  app.get<{ Params: { worldId: string; subject: string } }>(
    '/moderation/v1/worlds/:worldId/sanctions/:subject',
    {
      ...worldOnly,
      ...routeSchema('The sanction state of a person in this world', {
        description: 'The same state the `mvid_moderation` token claim carries, with each sanction in force.',
        ...world,
        params: SubjectParams,
        response: { 200: StandingView },
      }),
    },
    async (request) => moderation.sanctionState(request.params.worldId, request.params.subject),
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/statistics',
    routeSchema('Moderation statistics of a world (public, no personal data)', {
      description: 'Reports by category, decisions, sanctions by type, median time to decision, appeals and reversals.',
      params: WorldParams,
      response: { 200: Statistics },
    }),
    async (request) => moderation.statistics(request.params.worldId),
  );

  app.get<W>(
    '/moderation/v1/worlds/:worldId/statistics.csv',
    routeSchema('The same statistics as CSV (section,key,value)', {
      params: WorldParams,
      response: { 200: NonJson('text/csv; charset=utf-8', 'One line per statistic: section,key,value') },
    }),
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(statisticsCsv(await moderation.statistics(request.params.worldId))),
  );
}
