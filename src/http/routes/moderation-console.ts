/**
 * The moderator console in the browser, per world, for a person signed in to mvid who
 * holds the moderator role there (their own browser session; every form carries the
 * session's CSRF token, checked by requireWorldsPerson). Anyone else gets a human 403
 * page; ids are looked up within the world of the path only, so a moderator of one world
 * never reaches another's data. The domain decides what is allowed (a different
 * moderator for an appeal, a complete statement of reasons); its refusals are shown as
 * messages on the page.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMvidError } from '../../core/index.ts';
import { type CaseFile, type DecisionInput, type SanctionType, statisticsCsv } from '../../moderation/index.ts';
import {
  inlineEvidence,
  newNonce,
  renderModerationAppeals,
  renderModerationCase,
  renderModerationQueue,
  renderModerationStatistics,
} from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import type { ModerationHttp } from './moderation.ts';
import { authenticateWorldsPerson, requireWorldsCsrf, worldsPersonOf } from './worlds-person.ts';

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Csrf = Type.Optional(Type.String({ maxLength: 100 }));
const WorldParams = Type.Object({ worldId: Id });
const CaseParams = Type.Object({ worldId: Id, caseId: Id });
const AppealParams = Type.Object({ worldId: Id, appealId: Id });
const QueueQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('decided')])),
  sort: Type.Optional(Type.Union([Type.Literal('priority'), Type.Literal('age')])),
  category: Type.Optional(Type.String({ maxLength: 100 })),
});
const Text = Type.String({ minLength: 1, maxLength: 4000 });
const NoteForm = Type.Object({ csrf: Csrf, text: Text });
const DecisionForm = Type.Object({
  csrf: Csrf,
  facts: Text,
  category: Type.String({ minLength: 1, maxLength: 100 }),
  sanction: Type.String({ minLength: 1, maxLength: 40 }),
  durationDays: Type.Optional(Type.String({ pattern: '^[0-9]{0,4}$' })),
  features: Type.Optional(Type.String({ maxLength: 300 })),
  automatedDetection: Type.Optional(Type.Literal('yes')),
  automatedDecision: Type.Optional(Type.Literal('yes')),
});
const AppealForm = Type.Object({ csrf: Csrf, outcome: Type.Union([Type.Literal('uphold'), Type.Literal('reverse')]), reasons: Text });

type W = { Params: Static<typeof WorldParams> };
type C = { Params: Static<typeof CaseParams> };

/** The form's fields as the domain's decision input (the domain checks the sanction type and terms). */
function decisionOf(form: Static<typeof DecisionForm>): DecisionInput {
  const days = form.durationDays ? Number(form.durationDays) : undefined;
  const features = (form.features ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return {
    facts: form.facts,
    category: form.category,
    sanction: {
      type: form.sanction as SanctionType,
      ...(days ? { durationDays: days } : {}),
      ...(features.length > 0 ? { features } : {}),
    },
    automated: { detection: form.automatedDetection === 'yes', decision: form.automatedDecision === 'yes' },
  };
}

export async function moderationConsoleRoutes(app: FastifyInstance, http: ModerationHttp): Promise<void> {
  const { moderation } = http;
  const { worlds } = app.deps;

  /** The signed-in moderator of the path's world (the route's onRequest guard checked it). */
  async function moderatorOf(request: FastifyRequest<W>) {
    const person = worldsPersonOf(request);
    const { worldId } = request.params;
    const world = await worlds.enabledWorld(worldId);
    return {
      personId: person.personId,
      csrf: person.sessionId ? worlds.webSessions.csrfToken(`session:${person.sessionId}`) : '',
      world: { id: world.id, name: world.name },
      rules: world.rules,
      me: await moderation.pseudonymOf(worldId, person.personId),
    };
  }
  const base = (worldId: string) => `/moderation/console/${encodeURIComponent(worldId)}`;
  const send = (reply: FastifyReply, body: string, nonce: string, status = 200) => sendPage(reply.code(status), body, nonce);
  /** A domain refusal (4xx) as its message for the page; anything else propagates. */
  async function refusal(work: () => Promise<unknown>): Promise<{ error: string; status: number } | undefined> {
    try {
      await work();
      return undefined;
    } catch (error) {
      if (isMvidError(error) && error.status < 500) return { error: error.message, status: error.status };
      throw error;
    }
  }

  // Signed in and a moderator of the path's world (else 401 / 403 / 404), on the headers before the
  // body is read; then CSRF, on the form. Forms are small.
  const opts = (params: unknown, extra: Record<string, unknown> = {}) => ({
    async onRequest(request: FastifyRequest, reply: FastifyReply) {
      await authenticateWorldsPerson(request, reply);
      await moderation.requireModerator((request.params as { worldId: string }).worldId, worldsPersonOf(request).personId);
    },
    preValidation: requireWorldsCsrf,
    bodyLimit: 64 * 1024,
    schema: { hide: true, params, ...extra },
  });

  app.get<W & { Querystring: Static<typeof QueueQuery> }>(
    '/moderation/console/:worldId',
    opts(WorldParams, { querystring: QueueQuery }),
    async (request, reply) => {
      const m = await moderatorOf(request);
      const status = request.query.status ?? 'open';
      const sort = request.query.sort ?? 'priority';
      const category = request.query.category || undefined;
      const all = await moderation.cases.queue(m.world.id, { status, sort, limit: 200 });
      const nonce = newNonce();
      const page = renderModerationQueue({
        t: pageTranslator(request, reply),
        nonce,
        csrf: m.csrf,
        world: m.world,
        filters: { status, sort, ...(category ? { category } : {}) },
        categories: m.rules.map((r) => r.category),
        cases: (category ? all.filter((c) => c.category === category) : all).map((c) => ({ ...c, mine: c.assignedTo === m.me })),
      });
      return send(reply, page, nonce);
    },
  );

  async function casePage(request: FastifyRequest<C>, reply: FastifyReply, failed?: { error: string; status: number }) {
    const m = await moderatorOf(request);
    const file: CaseFile = await moderation.cases.file(m.world.id, request.params.caseId);
    const nonce = newNonce();
    const page = renderModerationCase({
      t: pageTranslator(request, reply),
      nonce,
      csrf: m.csrf,
      world: m.world,
      rules: m.rules,
      open: file.status === 'open',
      case: {
        ...file,
        mine: file.assignedTo === m.me,
        reportList: file.reportList.map((r) => ({
          ...r,
          evidence: r.evidence.map((e) => ({ ...e, inline: inlineEvidence(e.contentType) })),
        })),
      },
      ...(failed ? { error: failed.error } : {}),
    });
    return send(reply, page, nonce, failed?.status ?? 200);
  }

  app.get<C>('/moderation/console/:worldId/cases/:caseId', opts(CaseParams), (request, reply) => casePage(request, reply));

  app.post<C & { Body: { csrf?: string } }>(
    '/moderation/console/:worldId/cases/:caseId/assign',
    opts(CaseParams, { body: Type.Object({ csrf: Csrf }) }),
    async (request, reply) => {
      const m = await moderatorOf(request);
      await moderation.cases.assign(m.world.id, request.params.caseId, { personId: m.personId });
      return reply.redirect(`${base(m.world.id)}/cases/${encodeURIComponent(request.params.caseId)}`, 303);
    },
  );

  app.post<C & { Body: Static<typeof NoteForm> }>(
    '/moderation/console/:worldId/cases/:caseId/notes',
    opts(CaseParams, { body: NoteForm }),
    async (request, reply) => {
      const m = await moderatorOf(request);
      await moderation.cases.note(m.world.id, request.params.caseId, m.personId, request.body.text);
      return reply.redirect(`${base(m.world.id)}/cases/${encodeURIComponent(request.params.caseId)}`, 303);
    },
  );

  app.post<C & { Body: Static<typeof DecisionForm> }>(
    '/moderation/console/:worldId/cases/:caseId/decision',
    opts(CaseParams, { body: DecisionForm }),
    async (request, reply) => {
      const m = await moderatorOf(request);
      const failed = await refusal(() =>
        moderation.decisions.decide(m.world.id, request.params.caseId, m.personId, decisionOf(request.body)),
      );
      if (failed) return casePage(request, reply, failed);
      return reply.redirect(`${base(m.world.id)}/cases/${encodeURIComponent(request.params.caseId)}`, 303);
    },
  );

  async function appealsPage(request: FastifyRequest<W>, reply: FastifyReply, failed?: { error: string; status: number }) {
    const m = await moderatorOf(request);
    const nonce = newNonce();
    const page = renderModerationAppeals({
      t: pageTranslator(request, reply),
      nonce,
      csrf: m.csrf,
      world: m.world,
      appeals: await moderation.decisions.openAppeals(m.world.id),
      ...(failed ? { error: failed.error } : {}),
    });
    return send(reply, page, nonce, failed?.status ?? 200);
  }

  app.get<W>('/moderation/console/:worldId/appeals', opts(WorldParams), (request, reply) => appealsPage(request, reply));

  app.post<{ Params: Static<typeof AppealParams>; Body: Static<typeof AppealForm> }>(
    '/moderation/console/:worldId/appeals/:appealId/decision',
    opts(AppealParams, { body: AppealForm }),
    async (request, reply) => {
      const m = await moderatorOf(request);
      const { outcome, reasons } = request.body;
      const failed = await refusal(() =>
        moderation.decisions.decideAppeal(m.world.id, request.params.appealId, m.personId, { outcome, reasons }),
      );
      if (failed) return appealsPage(request, reply, failed);
      return reply.redirect(`${base(m.world.id)}/appeals`, 303);
    },
  );

  app.get<W>('/moderation/console/:worldId/statistics', opts(WorldParams), async (request, reply) => {
    const m = await moderatorOf(request);
    const nonce = newNonce();
    const page = renderModerationStatistics({
      t: pageTranslator(request, reply),
      nonce,
      world: m.world,
      statistics: await moderation.statistics(m.world.id),
    });
    return send(reply, page, nonce);
  });

  app.get<W>('/moderation/console/:worldId/statistics.csv', opts(WorldParams), async (request, reply) => {
    const m = await moderatorOf(request);
    // The public CSV's own writer: the same figures as the page and GET …/statistics.csv.
    const csv = statisticsCsv(await moderation.statistics(m.world.id));
    const name = m.world.id.replace(/[^A-Za-z0-9_-]/g, '_');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="moderation-${name}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
