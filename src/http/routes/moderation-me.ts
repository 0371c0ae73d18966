/** Moderation API for the person: their standing, decisions and trust level in a world, notices, appeals. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isMvidError } from '../../core/index.ts';
import { newNonce, type ReportPageInput, renderReportPage } from '../../web/index.ts';
import { readCookie, sessionCookieName } from '../oidc/cookies.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';
import { PERSON_SECURITY } from '../auth.ts';
import { consumeReport, type ModerationHttp, routeSchema } from './moderation.ts';
import { AppealBody, AppealFiled, DecisionParams, NoticeList, PersonView, WorldParams } from './moderation-schemas.ts';
import { WORLDS_PERSON_GUARD, worldsPersonOf } from './worlds-person.ts';

export async function moderationMeRoutes(app: FastifyInstance, http: ModerationHttp): Promise<void> {
  const { moderation } = http;
  // Authenticated on the headers before any body is read; CSRF (cookie sessions) once it is.
  const guarded = WORLDS_PERSON_GUARD;

  // mvid's own report page: a person signed in to mvid in this browser reports someone in a world.
  async function reportPage(
    request: FastifyRequest<{ Params: { worldId: string } }>,
    reply: FastifyReply,
    result?: ReportPageInput['result'],
  ) {
    const { worlds, config } = app.deps;
    const world = await worlds.enabledWorld(request.params.worldId);
    const session = await worlds.webSessions.resolve(readCookie(request, sessionCookieName(config.publicUrl)));
    if (!session || !(await worlds.persons.isActive(session.personId))) return reply.redirect('/account', 303);
    const nonce = newNonce();
    const csrf = worlds.webSessions.csrfToken(`session:${session.id}`);
    const page = renderReportPage({
      t: pageTranslator(request, reply),
      nonce,
      csrf,
      world: { id: world.id, name: world.name, rules: world.rules },
      ...(result ? { result } : {}),
    });
    return sendPage(reply.code(result && 'error' in result ? 400 : 200), page, nonce);
  }

  app.get<{ Params: { worldId: string } }>(
    '/moderation/report/:worldId',
    { schema: { hide: true, params: WorldParams } },
    (request, reply) => reportPage(request, reply),
  );

  app.post<{ Params: { worldId: string }; Body: Record<string, string | undefined> }>(
    '/moderation/report/:worldId',
    { ...guarded, bodyLimit: 64 * 1024, schema: { hide: true, params: WorldParams } },
    async (request, reply) => {
      const b = request.body ?? {};
      const { personId } = worldsPersonOf(request);
      // A flood is a 429 with Retry-After (the error page), not a page of its own.
      await consumeReport(request, `person:${personId}`);
      try {
        const filed = await moderation.reports.file(request.params.worldId, {
          channel: 'person',
          reporter: { personId },
          subject: String(b.subject ?? ''),
          category: String(b.category ?? ''),
          text: String(b.text ?? ''),
          ...(b.occurredAt ? { occurredAt: b.occurredAt } : {}),
          ...(b.location ? { location: b.location } : {}),
        });
        return reportPage(request, reply, { reportId: filed.reportId });
      } catch (error) {
        if (isMvidError(error) && error.status < 500) return reportPage(request, reply, { error: error.message });
        throw error;
      }
    },
  );

  // The account page's appeal form (browser session + CSRF token, checked by WORLDS_PERSON_GUARD).
  app.post<{ Params: { decisionId: string }; Body: { text?: string } }>(
    '/account/moderation/decisions/:decisionId/appeal',
    { ...guarded, bodyLimit: 64 * 1024, schema: { hide: true, params: DecisionParams } },
    async (request, reply) => {
      await moderation.decisions.appeal(worldsPersonOf(request).personId, request.params.decisionId, String(request.body?.text ?? ''));
      return reply.redirect('/account', 303);
    },
  );

  app.get<{ Params: { worldId: string } }>(
    '/moderation/v1/me/worlds/:worldId',
    {
      ...guarded,
      ...routeSchema('Your standing in a world', {
        description: 'Sanctions (with their statements of reasons), appeals, and your trust level there with the reasons for it.',
        security: PERSON_SECURITY,
        params: WorldParams,
        response: { 200: PersonView },
      }),
    },
    async (request) => moderation.personView(worldsPersonOf(request).personId, request.params.worldId),
  );

  app.get(
    '/moderation/v1/me/notices',
    {
      ...guarded,
      ...routeSchema('What you were told: decisions about you, outcomes of your reports and appeals', {
        security: PERSON_SECURITY,
        response: { 200: NoticeList },
      }),
    },
    async (request) => ({ notices: await moderation.notices(worldsPersonOf(request).personId) }),
  );

  app.post<{ Params: { decisionId: string }; Body: { text: string } }>(
    '/moderation/v1/me/decisions/:decisionId/appeal',
    {
      ...guarded,
      ...routeSchema('Appeal a decision about you (DSA Art. 20), within the world’s window', {
        security: PERSON_SECURITY,
        params: DecisionParams,
        body: AppealBody,
        response: { 201: AppealFiled },
      }),
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await moderation.decisions.appeal(worldsPersonOf(request).personId, request.params.decisionId, request.body.text)),
  );
}
