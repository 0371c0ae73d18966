/** Moderation API of a world's moderators (and the world itself): the queue, case files, notes, decisions and appeals. */
import type { FastifyInstance } from 'fastify';
import type { AppealInput, DecisionInput } from '../../moderation/index.ts';
import { callerOf, type ModerationHttp, requireWorldOrModerator, WORLD_OR_PERSON_SECURITY } from './moderation.ts';
import {
  AppealDecided,
  AppealDecisionBody,
  AppealParams,
  AppealQueue,
  AssignBody,
  CaseFile,
  CaseParams,
  CaseQueue,
  CaseSummary,
  DecisionBody,
  DecisionMade,
  EvidenceParams,
  NoteBody,
  NoteCreated,
  QueueQuery,
  WorldParams,
} from './moderation-schemas.ts';
import { PERSON_SECURITY } from '../auth.ts';
import { MvidError } from '../../core/index.ts';

const TAG = 'moderation';
type C = { Params: { worldId: string; caseId: string } };

export async function moderationCaseRoutes(app: FastifyInstance, http: ModerationHttp): Promise<void> {
  const { moderation } = http;

  /** The moderator (a person the world appointed) behind a request; the world itself may not decide. */
  async function moderatorOf(
    request: Parameters<typeof callerOf>[1],
    reply: Parameters<typeof callerOf>[2],
    worldId: string,
  ): Promise<string> {
    const caller = await callerOf(http, request, reply);
    if (caller.kind !== 'person') throw new MvidError('forbidden', 'decisions are taken by a moderator, signed in as themselves');
    await moderation.requireModerator(worldId, caller.personId);
    return caller.personId;
  }

  app.get<{ Params: { worldId: string }; Querystring: { sort?: 'priority' | 'age'; status?: 'open' | 'decided'; limit?: number } }>(
    '/moderation/v1/worlds/:worldId/cases',
    {
      schema: {
        summary: 'The case queue: by priority (trusted flaggers first) then age, or by age',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: WorldParams,
        querystring: QueueQuery,
        response: { 200: CaseQueue },
      },
    },
    async (request, reply) => {
      await requireWorldOrModerator(http, await callerOf(http, request, reply), request.params.worldId);
      return { cases: await moderation.cases.queue(request.params.worldId, request.query) };
    },
  );

  app.get<C>(
    '/moderation/v1/worlds/:worldId/cases/:caseId',
    {
      schema: {
        summary: 'The case file: reports with evidence hashes, internal notes, decisions and appeals',
        description: 'For the world and its moderators only; a reporter sees only their report’s outcome.',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: CaseParams,
        response: { 200: CaseFile },
      },
    },
    async (request, reply) => {
      await requireWorldOrModerator(http, await callerOf(http, request, reply), request.params.worldId);
      return moderation.cases.file(request.params.worldId, request.params.caseId);
    },
  );

  app.get<{ Params: { worldId: string; caseId: string; sha256: string } }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/evidence/:sha256',
    {
      schema: {
        summary: 'Evidence bytes cited in the case (integrity-checked on every read)',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: EvidenceParams,
      },
    },
    async (request, reply) => {
      const { worldId, caseId, sha256 } = request.params;
      await requireWorldOrModerator(http, await callerOf(http, request, reply), worldId);
      const { bytes, contentType } = await moderation.cases.evidence(worldId, caseId, sha256);
      return reply
        .type(contentType)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', 'attachment')
        .send(Buffer.from(bytes));
    },
  );

  app.post<C & { Body: { moderator?: string } }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/assign',
    {
      schema: {
        summary: 'Assign the case to a moderator (yourself when `moderator` is omitted)',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: CaseParams,
        body: AssignBody,
        response: { 200: CaseSummary },
      },
    },
    async (request, reply) => {
      const { worldId, caseId } = request.params;
      const self = await requireWorldOrModerator(http, await callerOf(http, request, reply), worldId);
      const named = request.body.moderator;
      if (named === undefined && self === null)
        throw new MvidError('validation_failed', 'name the moderator', { extensions: { field: 'moderator' } });
      return moderation.cases.assign(worldId, caseId, named === undefined ? { personId: self as string } : { subject: named });
    },
  );

  app.post<C & { Body: { text: string } }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/notes',
    {
      schema: {
        summary: 'Add an internal note (moderators and the world only)',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: CaseParams,
        body: NoteBody,
        response: { 201: NoteCreated },
      },
    },
    async (request, reply) => {
      const { worldId, caseId } = request.params;
      const author = await requireWorldOrModerator(http, await callerOf(http, request, reply), worldId);
      return reply.code(201).send(await moderation.cases.note(worldId, caseId, author, request.body.text));
    },
  );

  app.post<C & { Body: DecisionInput }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/decision',
    {
      schema: {
        summary: 'Decide the case, with a statement of reasons (DSA Art. 17)',
        description:
          'Facts, the rule relied on, whether automated means were used, the sanction and its duration; the redress is added from the world’s policy. The subject is told; reporters learn the outcome. The statement carries a DSA Transparency Database (Art. 24(5)) rendering.',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: CaseParams,
        body: DecisionBody,
        response: { 201: DecisionMade },
      },
    },
    async (request, reply) => {
      const { worldId, caseId } = request.params;
      const moderator = await moderatorOf(request, reply, worldId);
      return reply.code(201).send(await moderation.decisions.decide(worldId, caseId, moderator, request.body));
    },
  );

  app.get<{ Params: { worldId: string } }>(
    '/moderation/v1/worlds/:worldId/appeals',
    {
      schema: {
        summary: 'Open appeals',
        tags: [TAG],
        security: WORLD_OR_PERSON_SECURITY,
        params: WorldParams,
        response: { 200: AppealQueue },
      },
    },
    async (request, reply) => {
      await requireWorldOrModerator(http, await callerOf(http, request, reply), request.params.worldId);
      return { appeals: await moderation.decisions.openAppeals(request.params.worldId) };
    },
  );

  app.post<{ Params: { worldId: string; appealId: string }; Body: AppealInput }>(
    '/moderation/v1/worlds/:worldId/appeals/:appealId/decision',
    {
      schema: {
        summary: 'Decide an appeal (DSA Art. 20): uphold or reverse, with reasons',
        description: 'By a moderator of the world other than the one who decided; reversing lifts the sanction at once.',
        tags: [TAG],
        security: PERSON_SECURITY,
        params: AppealParams,
        body: AppealDecisionBody,
        response: { 200: AppealDecided },
      },
    },
    async (request, reply) => {
      const { worldId, appealId } = request.params;
      const moderator = await moderatorOf(request, reply, worldId);
      return moderation.decisions.decideAppeal(worldId, appealId, moderator, request.body);
    },
  );
}
