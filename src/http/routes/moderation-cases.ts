/** Moderation API of a world's moderators (and the world itself): the queue, case files, notes, decisions and appeals. */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_EVIDENCE_LIMITS } from '../../blobs/index.ts';
import { MvidError } from '../../core/index.ts';
import type { AppealInput, DecisionInput } from '../../moderation/index.ts';
import { PERSON_SECURITY } from '../auth.ts';
import { Bytes } from '../openapi.ts';
import { actorOf, type ModerationHttp, moderationGuards, routeSchema, WORLD_OR_PERSON_SECURITY } from './moderation.ts';
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

type C = { Params: { worldId: string; caseId: string } };
type Queue = { Params: { worldId: string }; Querystring: { sort?: 'priority' | 'age'; status?: 'open' | 'decided'; limit?: number } };

export async function moderationCaseRoutes(app: FastifyInstance, http: ModerationHttp): Promise<void> {
  const { moderation } = http;
  const guards = moderationGuards(http);
  // Who is calling, and may they, is settled on the headers; a note or decision is at most a few pages.
  const staff = { ...guards.worldOrModerator, bodyLimit: 64 * 1024 };
  const moderatorOnly = { ...guards.moderator, bodyLimit: 64 * 1024 };
  const either = { security: WORLD_OR_PERSON_SECURITY };

  app.get<Queue>(
    '/moderation/v1/worlds/:worldId/cases',
    {
      ...staff,
      ...routeSchema('The case queue: by priority (trusted flaggers first) then age, or by age', {
        ...either,
        params: WorldParams,
        querystring: QueueQuery,
        response: { 200: CaseQueue },
      }),
    },
    async (request) => ({ cases: await moderation.cases.queue(request.params.worldId, request.query) }),
  );

  app.get<C>(
    '/moderation/v1/worlds/:worldId/cases/:caseId',
    {
      ...staff,
      ...routeSchema('The case file: reports with evidence hashes, internal notes, decisions and appeals', {
        description: 'For the world and its moderators only; a reporter sees only their report’s outcome.',
        ...either,
        params: CaseParams,
        response: { 200: CaseFile },
      }),
    },
    async (request) => moderation.cases.file(request.params.worldId, request.params.caseId),
  );

  app.get<{ Params: { worldId: string; caseId: string; sha256: string } }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/evidence/:sha256',
    {
      ...staff,
      ...routeSchema('Evidence bytes cited in the case (integrity-checked on every read)', {
        ...either,
        params: EvidenceParams,
        response: {
          200: Bytes(DEFAULT_EVIDENCE_LIMITS.types, 'The evidence as uploaded, with the content type its bytes were checked to be'),
        },
      }),
    },
    async (request, reply) => {
      const { worldId, caseId, sha256 } = request.params;
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
      ...staff,
      ...routeSchema('Assign the case to a moderator (yourself when `moderator` is omitted)', {
        ...either,
        params: CaseParams,
        body: AssignBody,
        response: { 200: CaseSummary },
      }),
    },
    async (request) => {
      const { worldId, caseId } = request.params;
      const self = actorOf(request).moderatorId;
      const named = request.body.moderator;
      if (named !== undefined) return moderation.cases.assign(worldId, caseId, { subject: named });
      if (self === null) throw new MvidError('validation_failed', 'name the moderator', { extensions: { field: 'moderator' } });
      return moderation.cases.assign(worldId, caseId, { personId: self });
    },
  );

  app.post<C & { Body: { text: string } }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/notes',
    {
      ...staff,
      ...routeSchema('Add an internal note (moderators and the world only)', {
        ...either,
        params: CaseParams,
        body: NoteBody,
        response: { 201: NoteCreated },
      }),
    },
    async (request, reply) => {
      const { worldId, caseId } = request.params;
      return reply.code(201).send(await moderation.cases.note(worldId, caseId, actorOf(request).moderatorId, request.body.text));
    },
  );

  app.post<C & { Body: DecisionInput }>(
    '/moderation/v1/worlds/:worldId/cases/:caseId/decision',
    {
      ...moderatorOnly,
      ...routeSchema('Decide the case, with a statement of reasons (DSA Art. 17)', {
        description:
          'Facts, the rule relied on, whether automated means were used, the sanction and its duration; the redress is added from the world’s policy. The subject is told; reporters learn the outcome. The statement carries a DSA Transparency Database (Art. 24(5)) rendering.',
        security: PERSON_SECURITY,
        params: CaseParams,
        body: DecisionBody,
        response: { 201: DecisionMade },
      }),
    },
    async (request, reply) => {
      const { worldId, caseId } = request.params;
      return reply.code(201).send(await moderation.decisions.decide(worldId, caseId, actorOf(request).moderatorId as string, request.body));
    },
  );

  app.get<{ Params: { worldId: string } }>(
    '/moderation/v1/worlds/:worldId/appeals',
    { ...staff, ...routeSchema('Open appeals', { ...either, params: WorldParams, response: { 200: AppealQueue } }) },
    async (request) => ({ appeals: await moderation.decisions.openAppeals(request.params.worldId) }),
  );

  app.post<{ Params: { worldId: string; appealId: string }; Body: AppealInput }>(
    '/moderation/v1/worlds/:worldId/appeals/:appealId/decision',
    {
      ...moderatorOnly,
      ...routeSchema('Decide an appeal (DSA Art. 20): uphold or reverse, with reasons', {
        description: 'By a moderator of the world other than the one who decided; reversing lifts the sanction at once.',
        security: PERSON_SECURITY,
        params: AppealParams,
        body: AppealDecisionBody,
        response: { 200: AppealDecided },
      }),
    },
    async (request) => {
      const { worldId, appealId } = request.params;
      return moderation.decisions.decideAppeal(worldId, appealId, actorOf(request).moderatorId as string, request.body);
    },
  );
}
